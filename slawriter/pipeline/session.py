"""The drafting session of ``slawriter new``: provider, answers, review, checks, documents.

It strings the wizard (questions, staging, renewals), the whole-agreement check, the
feasibility dialogue and the render pipeline together. It reports an ``Outcome``; the
command maps it to an exit code. Errors the user can fix are raised as SlawriterError.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from slawriter.errors import InputError, RefusedError, SlawriterError
from slawriter.files import roundtrip
from slawriter.files.output import display_path
from slawriter.text.words import plural

if TYPE_CHECKING:
    from rich.console import Console
    from ruamel.yaml.comments import CommentedMap

    from slawriter.feasibility.findings import Finding
    from slawriter.files.load import Loaded
    from slawriter.library import Library
    from slawriter.pipeline.warm import Warm
    from slawriter.wizard.engine import Wizard
    from slawriter.wizard.handlers import Prompter

# The wizard, the checker and the renderers are imported when used: the session's first
# question should be on screen at once.

DOCUMENT_FORMATS = ("docx", "md")

Accepted = dict[tuple[str, str], str]  # (rule id, message) -> the reason given


class Outcome(enum.Enum):
    DRAFTED = "drafted"  # the documents are written
    DRAFTED_WITH_FINDINGS = "drafted with findings"  # written; feasibility findings remain
    INTERRUPTED = "interrupted"  # stopped with Ctrl-C; the answers are saved


@dataclass(frozen=True)
class Request:
    """What ``slawriter new`` was asked to do (its command-line options)."""

    profile: str | None = None
    out: Path | None = None
    resume: Path | None = None
    source: Path | None = None  # --from: a renewal of this agreement
    provider: Path | None = None
    defaults: bool = False
    data: tuple[str, ...] = ()
    library: str | None = None  # --library DIR
    formats: tuple[str, ...] = DOCUMENT_FORMATS  # --format docx,md,pdf
    program: str = "slawriter"  # how to run slawriter again (a path when not on PATH)


class Session:
    """One run of ``slawriter new``. ``prompter`` None: nothing is asked (--defaults)."""

    def __init__(
        self,
        request: Request,
        prompter: Prompter | None,
        today: date,
        console: Console | None = None,
        warm: Warm | None = None,
    ) -> None:
        from rich.console import Console

        self.request = request
        self.warm = warm  # a server's files read once per change (pipeline/warm.py)
        self.prompter = prompter
        self.today = today
        self.console = console or Console(highlight=False, soft_wrap=True, emoji=False)
        self.path: Path | None = None
        self.data: CommentedMap | None = None
        self.announced = False
        self.provider_path = Path("provider.yaml")
        self.provider_new = False
        self.questions_dir: Path | None = None
        self.old_reference: Any = None
        self._written: bytes | None = None  # what the last save wrote (to see hand edits)
        self._wizard: Wizard | None = None
        self._last_findings: list[Finding] = []  # of the last check, notes included
        self.written: list[Path] = []  # the documents the last finish wrote
        self._holding = False  # answers of one page: saved once, together (see batch)
        self._held = False  # a save was asked for while holding
        self._resumed_incomplete = False

    # --- saving ----------------------------------------------------------------------------------

    def save(self) -> None:
        from slawriter.files.output import write_atomic

        assert self.data is not None
        if self._holding:
            self._held = True
            return
        if self.path is None:
            name = roundtrip.plain(roundtrip.get(self.data, ("customer", "name")))
            if not isinstance(name, str) or not name.strip():
                return  # nothing to name the file after yet: kept in memory
            self.path = _free_name(name)
            self._set_provider_reference()
        if not self.announced and self.prompter is not None:
            self.prompter.note(f"  (Saving your answers in {_show(self.path)} as you go.)", "dim")
            self.announced = True
        if self._written is not None and self.path.exists():
            # Changed on disk while the wizard ran (a comment added by hand): keep its comments.
            try:
                if self.path.read_bytes() != self._written:
                    roundtrip.copy_comments(roundtrip.load(self.path), self.data)
            except (OSError, InputError):
                pass  # unreadable or broken by hand: the wizard's copy is written
        text = roundtrip.dumps(self.data).encode("utf-8")
        write_atomic(self.path, text)
        self._written = text
        if self.warm is not None:
            self.warm.saved(self.path, self.data, text)

    def _set_provider_reference(self) -> None:
        import os

        assert self.data is not None and self.path is not None
        provider = self.provider_path.resolve()
        base = self.path.resolve().parent
        try:
            reference = str(provider.relative_to(base))
        except ValueError:
            # Beside the agreement's folder ('../provider.yaml') stays relative, so a folder of
            # agreements can be moved with it; a path climbing further (a provider file in
            # ~/.config) is written in full, since the loader does not expand '~'.
            relative = os.path.relpath(provider, base)
            reference = relative if relative.split(os.sep).count("..") <= 1 else str(provider)
        if "provider" in self.data:
            self.data["provider"] = reference
        else:
            position = sum(1 for key in ("slawriter", "profile") if key in self.data)
            self.data.insert(position, "provider", reference)

    # --- the run ---------------------------------------------------------------------------------

    def run(self) -> Outcome:
        try:
            return self._run()
        except (KeyboardInterrupt, EOFError):
            self.console.print()
            self.console.print(self._stopped(), markup=False)
            return Outcome.INTERRUPTED

    def _stopped(self) -> str:
        if self.path is not None and self.path.exists():
            return (
                f"Stopped. Your answers so far are saved in {_show(self.path)}.\n"
                f"Carry on with: {self.request.program} new --resume {_show(self.path)}"
            )
        if self.provider_new and self.provider_path.exists():
            return (
                f"Stopped. Your company's details so far are saved in "
                f"{_show(self.provider_path)}.\nCarry on with: {self.request.program} new"
            )
        return "Stopped before the first answer was saved."

    def _run(self) -> Outcome:
        from slawriter.library import Library
        from slawriter.wizard.provider import check_provider_files, ensure_provider, find_provider

        request = self.request
        if request.resume is not None and request.source is not None:
            raise InputError("--resume and --from cannot be used together")
        library = Library.locate(request.library)
        questions_dir = library.profiles_dir / "questions"
        self.questions_dir = questions_dir
        if self.prompter is not None:
            self.prompter.note("slawriter new: draft a service level agreement", "bold")
            self.prompter.note(
                "Enter takes the grey default, Tab lets you edit it. Ctrl-C stops at any "
                "time: every answer is saved as you go.",
                "dim",
            )
        self.provider_path = find_provider(request.provider)
        self.provider_new = not self.provider_path.exists()
        if self.provider_new:  # a new user: their company's details come first
            ensure_provider(self.provider_path, questions_dir, self.prompter, self.today)
        finished = request.resume is not None and not roundtrip.load(request.resume).get(
            "incomplete"
        )
        self.data = self._start(library)
        # Imported after the first question: the wizard's modules build the agreement model.
        from slawriter.wizard.staging import apply_data

        # Checked after the first question (the profile): checking holiday calendars is slow.
        provider = ensure_provider(self.provider_path, questions_dir, self.prompter, self.today)
        check_provider_files(self.provider_path, provider)
        wizard = self._make_wizard(library, provider, questions_dir)
        self._wizard = wizard
        wizard.mark_progress(finished=finished or request.source is not None)
        apply_data(wizard, list(request.data))
        if request.data:
            self.save()
        if request.source is not None:
            wizard.must_ask.update(("agreement.reference", "agreement.effective_date"))
        wizard.run()
        if request.source is not None:
            self._new_reference(wizard)
        self.save()  # also when every answer came from defaults, --data or a renewal's source
        if wizard.missing:
            self._report_missing(wizard)
        if self.prompter is not None:
            wizard.review()
        loaded = self._validate(wizard, library)
        accepted, findings = self._feasibility(wizard, library, loaded)
        return self._finish(library, accepted, findings)

    def _new_reference(self, wizard: Wizard) -> None:
        """A renewal's reference must differ from the old one's: asked until it does."""
        question = wizard.questions.find("agreement.reference")
        if self.prompter is None or question is None:
            return
        while wizard.value("agreement.reference") == self.old_reference:
            self.prompter.note(
                "The renewal needs its own reference: the old agreement uses "
                f"{self.old_reference}.",
                "yellow",
            )
            wizard.ask(question)

    # --- one request at a time (the browser: slawriter serve) --------------------------------

    def open(self) -> Wizard:
        """The agreement (new, resumed or renewed) and its wizard, nothing asked: what ``run``
        does before the first question, for a front end that asks a page at a time. A
        missing provider file is an error here (the terminal asks for it)."""
        from slawriter.wizard.provider import ensure_provider, find_provider

        request = self.request
        library = self._library()
        self.questions_dir = library.profiles_dir / "questions"
        self.provider_path = find_provider(request.provider)
        self.data = self._start(library)
        finished = request.resume is not None and not self._resumed_incomplete
        if self.warm is not None:
            provider = self.warm.provider(self.provider_path, self.questions_dir, self.today)
        else:
            provider = ensure_provider(self.provider_path, self.questions_dir, None, self.today)
        wizard = self._make_wizard(library, provider, self.questions_dir)
        self._wizard = wizard
        wizard.mark_progress(finished=finished or request.source is not None)
        return wizard

    @contextmanager
    def batch(self) -> Iterator[None]:
        """The answers of one page saved once, when all of them are in."""
        self._holding, self._held = True, False
        try:
            yield
        finally:
            self._holding = False
        if self._held:
            self.save()

    def accepted_risks(self) -> Accepted:
        """The risks accepted so far (kept in the internal record until the documents are
        written), each finding with its reason."""
        return self._pending_risks()

    def accept_risk(self, finding: Finding, reason: str) -> None:
        """Accept one error finding with a reason, recorded as the terminal records it."""
        accepted = self._pending_risks()
        accepted[(finding.id, finding.message)] = " ".join(reason.split())
        self._keep_pending_risks(accepted)

    def finish(self) -> Outcome:
        """Write the documents of an opened agreement with the risks accepted so far."""
        return self._finish(self._library(), self._pending_risks(), [])

    def _library(self) -> Library:
        from slawriter.library import Library

        if self.warm is not None:
            return self.warm.library(self.request.library)
        return Library.locate(self.request.library)

    # --- the agreement's data: new, resumed or renewed ---------------------------------------

    def _start(self, library: Library) -> CommentedMap:
        """The agreement data to fill: new, resumed, or a renewal of an earlier agreement."""
        from ruamel.yaml.comments import CommentedMap

        request = self.request
        if request.resume is not None:
            data = self._resumed(request.resume)
        elif request.source is not None:
            data = self._renewed(request.source)
        else:
            data = CommentedMap()
            self.path = request.out
        if self.path is not None and request.resume is None and self.path.exists():
            raise RefusedError(
                f"{display_path(self.path)} already exists: carry on with "
                f"'slawriter new --resume {display_path(self.path)}', or choose another --out"
            )
        if self.path is not None:
            self.data = data
            self._set_provider_reference()
        data["slawriter"] = 1
        profile = data.get("profile") or request.profile or self._ask_profile(library)
        library.profile(str(profile))  # an unknown profile is an error here, not later
        _put_header(data, profile)
        if not data.ca.comment:
            schema = _schema_line(library)
            data.yaml_set_start_comment(
                schema + "Service level agreement, drafted with 'slawriter new'. Edit freely: "
                "comments you add are kept.\nField reference: 'slawriter schema --docs'"
            )
        self.data = data
        return data

    def _resumed(self, path: Path) -> CommentedMap:
        if not path.is_file():
            raise InputError(f"{display_path(path)}: no such file to resume")
        if self.warm is not None:
            data, self._written = self.warm.document(path)
        else:
            data = roundtrip.load(path)
            self._written = path.read_bytes()
        self._resumed_incomplete = bool(data.get("incomplete"))  # before the header is put
        self.path = path
        profile = self.request.profile
        if profile and data.get("profile") not in (None, profile):
            raise InputError(
                f"{display_path(path)} uses the {data.get('profile')} profile; "
                "leave out --profile to resume it"
            )
        self.data = data
        if "provider" not in data:
            self._set_provider_reference()
        if self.prompter is not None:
            self.prompter.note(f"Carrying on with {_show(path)}.", "bold")
        return data

    def _renewed(self, source: Path) -> CommentedMap:
        from slawriter.wizard.renewal import renew

        if self.request.out is None:
            raise InputError("--from needs --out NEW.yaml: the renewal's own file")
        old = roundtrip.load(source)
        if not old:
            raise InputError(f"{display_path(source)}: no such agreement file")
        data: CommentedMap = renew(old, self.today)
        self.old_reference = (roundtrip.plain(old).get("agreement") or {}).get("reference")
        if "provider" in data:
            self.provider_path = (source.parent / str(data["provider"])).resolve()
        self.path = self.request.out
        return data

    def _ask_profile(self, library: Library) -> str:
        names = sorted(p.stem for p in library.profiles_dir.glob("*.yaml"))
        default = "standard" if "standard" in names else names[0]
        if self.prompter is None:
            return default
        choices = [(name, f"{name}: {_description(library, name)}") for name in names]
        picked: str = self.prompter.select("Which kind of agreement?", choices, default)
        for name in names:  # every profile checked, as when the menu read them through the model
            library.profile(name)
        return picked

    def _make_wizard(
        self, library: Library, provider: dict[str, Any], questions_dir: Path
    ) -> Wizard:
        from slawriter.model.agreement import Agreement
        from slawriter.wizard.engine import Sources, Wizard
        from slawriter.wizard.fields import check_keys
        from slawriter.wizard.questions import load_questions

        assert self.data is not None
        profile = library.profile(str(self.data["profile"]))
        if self.warm is not None:
            questions = self.warm.questions(questions_dir, profile.id, Agreement)
        else:
            questions = load_questions(questions_dir, profile.id)
            check_keys(questions, Agreement)
        sources = Sources(profile_defaults=profile.defaults, provider=provider, today=self.today)
        wizard = Wizard(questions, self.data, sources, Agreement, self.save, self.prompter)
        if self.prompter is not None:
            from slawriter.wizard.review import section_table

            wizard.section_view = section_table
        return wizard

    def _report_missing(self, wizard: Wizard) -> NoReturn:
        from slawriter.errors import Problem

        self.save()
        where = _show(self.path) if self.path else "nothing (no customer name yet)"
        problems = [
            Problem("--data", f"needed: {prompt}", path=path) for path, prompt in wizard.missing
        ]
        program = self.request.program
        resume = f"{program} new --resume {_show(self.path)}" if self.path else f"{program} new"
        raise InputError(
            f"{plural(len(wizard.missing), 'answer')} still "
            f"needed (saved so far: {where}). Give them with --data PATH=VALUE, or answer "
            f"them with: {resume}",
            problems,
        )

    # --- checks ----------------------------------------------------------------------------------

    def _validate(self, wizard: Wizard, library: Library) -> Loaded:
        """The whole agreement, checked as 'slawriter validate' would; offers to fix problems."""
        from slawriter.files.load import load_agreement

        assert self.path is not None
        for _attempt in range(20):
            try:
                return load_agreement(self.path, library)
            except InputError as error:
                if self.prompter is None:
                    raise
                self._fix(wizard, error)
        raise InputError(f"{_show(self.path)} is still not valid: run slawriter validate on it")

    def _fix(self, wizard: Wizard, error: InputError) -> None:
        """Show the problems; ask the questions that set them again, else offer a way out."""
        assert self.prompter is not None
        self.prompter.note("\nThe agreement is not valid yet:", "bold red")
        fixable = []
        for problem in error.problems or []:
            self.prompter.note(f"  {problem.path or problem.file}: {problem.message}", "red")
            question = wizard.question_for_path(problem.path or "")
            if question is not None and question not in fixable:
                fixable.append(question)
        if not fixable:
            self._way_out(wizard, error)
        for question in fixable:
            self.prompter.note(f"Please change: {question.title}", "yellow")
            wizard.edit(question)

    def _way_out(self, wizard: Wizard, error: InputError) -> None:
        """Problems no question can fix: remove those answers, go back to the review, or stop."""
        from slawriter.wizard.answers import to_loc

        assert self.prompter is not None
        removable = []
        for problem in error.problems or []:
            loc = list(to_loc(problem.path or "")) if problem.path else []
            while loc and roundtrip.get(self.data, tuple(loc)) is None:
                loc.pop()  # the deepest answer that exists: the map entry holding the problem
            if loc and tuple(loc) not in removable:
                removable.append(tuple(loc))
        choices: list[tuple[Any, str]] = []
        if removable:
            shown = ", ".join(".".join(str(part) for part in place) for place in removable)
            choices.append(("remove", f"Remove these answers: {shown}"))
        choices.append(("review", "Go back to the review"))
        choices.append(("stop", "Stop here (your answers are saved; fix the file, then --resume)"))
        picked = self.prompter.select("What do you want to do?", choices, choices[0][0])
        if picked == "stop":
            raise error
        if picked == "remove":
            for place in removable:
                wizard.remove(place)
        else:
            wizard.review()
        self.save()

    def _feasibility(
        self, wizard: Wizard, library: Library, loaded: Loaded
    ) -> tuple[Accepted, list[Finding]]:
        """Findings of the feasibility checker: change the answer, or accept with a reason.

        Errors must be changed or accepted (the reason goes to the internal record, never to
        the document); warnings and notes may be kept as they are. Returns the accepted
        risks and, without a prompter, the findings left (printed).
        """
        from slawriter.feasibility import check_agreement

        # Per finding (rule id, message): a later finding of the same rule is still shown.
        # Reasons given before a failed render are kept in the record and not asked again.
        accepted = self._pending_risks()
        kept: set[tuple[str, str]] = set()
        for _round in range(10):
            self._last_findings = check_agreement(loaded, library)
            findings = [
                f
                for f in self._last_findings
                if (f.id, f.message) not in accepted and (f.id, f.message) not in kept
            ]
            if not findings:
                return accepted, []
            if self.prompter is None:
                for finding in findings:
                    self.console.print(
                        f"{finding.severity}: {finding.id}: {finding.message}", markup=False
                    )
                return accepted, [f for f in findings if f.severity != "info"]
            if not self._settle_findings(wizard, findings, accepted, kept):
                return accepted, []
            loaded = self._validate(wizard, library)
        return accepted, []

    def _settle_findings(
        self,
        wizard: Wizard,
        findings: list[Finding],
        accepted: Accepted,
        kept: set[tuple[str, str]],
    ) -> bool:
        """Ask what to do about each finding; True when an answer was changed."""
        assert self.prompter is not None
        # What could not be checked is said once, in the finish lines (_not_checked).
        unchecked = [f for f in findings if f.severity == "info" and "not checked: " in f.message]
        kept.update((f.id, f.message) for f in unchecked)
        findings = [f for f in findings if f not in unchecked]
        if not findings:
            return False
        serious = [f for f in findings if f.severity != "info"]
        if serious:
            count = len(serious)
            self.prompter.note(
                f"\nThe feasibility check found {plural(count, 'promise')} "
                "you may not be able to keep:",
                "bold yellow",
            )
        else:
            self.prompter.note("\nNotes from the feasibility check:", "bold")
        changed = False
        for finding in findings:
            self.prompter.finding(
                finding.severity,
                _in_their_words(wizard, finding.message),
                _in_their_words(wizard, finding.suggestion),
            )
            if finding.severity == "info":
                kept.add((finding.id, finding.message))
            else:
                changed = self._settle(wizard, finding, accepted, kept) or changed
        return changed

    def _settle(
        self, wizard: Wizard, finding: Finding, accepted: Accepted, kept: set[tuple[str, str]]
    ) -> bool:
        """Change the answer, accept the risk with a reason, or keep a warning; True: changed."""
        assert self.prompter is not None
        choices: list[tuple[Any, str]] = []
        for path in finding.paths:
            title = wizard.title_of(path)
            if title and not any(label.endswith(f": {title}") for _, label in choices):
                choices.append((("fix", path), f"Change the answer: {title}"))
        if finding.id in _TEAM_RULES and self.provider_path.is_file() and self.questions_dir:
            choices.append(("team", "Change your team's hours (provider file)"))
        if finding.severity == "error":
            choices.append(
                ("accept", "Accept the risk (give a reason; kept in the internal record)")
            )
        else:
            choices.append(("keep", "Keep it as it is"))
        picked = self.prompter.select("What do you want to do?", choices, choices[0][0])
        if isinstance(picked, tuple):
            wizard.change(picked[1])
            return True
        if picked == "team":
            from slawriter.wizard.provider import change_team

            assert self.questions_dir is not None
            change_team(self.provider_path, self.questions_dir, self.prompter, self.today)
            return True
        if picked == "keep":
            kept.add((finding.id, finding.message))
        else:
            reason = self.prompter.text(
                "Why is this acceptable?",
                "",
                lambda text: None if text.strip() else "Give a reason for the record",
            )
            accepted[(finding.id, finding.message)] = " ".join(reason.split())
        return False

    # --- the documents ------------------------------------------------------------------------

    def _record(self) -> Path:
        from slawriter.files.output import record_path

        assert self.path is not None
        return record_path(self.path.parent / "out", self.path.stem)

    def _pending_risks(self) -> Accepted:
        """Risks accepted in a run whose documents could not be written (kept in the record)."""
        from slawriter.files.output import read_record

        if self.path is None:
            return {}
        try:
            pending = read_record(self._record()).get("pending_accepted_risks") or []
        except SlawriterError:
            return {}
        return {
            (str(risk["rule"]), str(risk["message"])): str(risk["reason"])
            for risk in pending
            if isinstance(risk, dict) and {"rule", "message", "reason"} <= set(risk)
        }

    def _keep_pending_risks(self, accepted: Accepted) -> None:
        from slawriter.files.output import dump_record, read_record, write_atomic

        record = read_record(self._record())
        pending = [
            {"rule": rule, "message": message, "reason": reason}
            for (rule, message), reason in accepted.items()
        ]
        if pending or "pending_accepted_risks" in record:
            record["pending_accepted_risks"] = pending
            write_atomic(self._record(), dump_record(record))

    def _finish(self, library: Library, accepted: Accepted, findings: list[Finding]) -> Outcome:
        from slawriter.pipeline.render import render_files

        assert self.path is not None and self.data is not None
        # Saved first: a render that fails must not lose the reasons typed for the record.
        self._keep_pending_risks(accepted)
        was_incomplete = "incomplete" in self.data
        if was_incomplete:
            del self.data["incomplete"]  # the pipeline renders only finished agreements
            self.save()
        by_rule = {rule: reason for (rule, _message), reason in accepted.items()}
        try:
            outcome = render_files(
                [self.path],
                self.path.parent / "out",
                list(self.request.formats),
                library=library,
                accept_risks=by_rule,
                finding_reasons=accepted,
            )
        except SlawriterError:
            self._not_written(was_incomplete, accepted)
            raise
        self.console.print()
        self.console.print("[bold green]Your agreement is ready.[/bold green]")
        self.console.print(f"  Agreement file: {_show(self.path)}", markup=False)
        self.written = [file for written in outcome.written for file in written.files]
        for written in outcome.written:
            for file in written.files:
                kind = {".docx": "Word", ".pdf": "PDF"}.get(file.suffix, "Markdown")
                self.console.print(f"  {kind}: {_show(file)}", markup=False)
        for line in _not_checked(self._wizard, self._last_findings):
            self.console.print(line, markup=False, soft_wrap=False)
        if accepted:
            self.console.print(
                f"  Accepted risks ({len(accepted)}) are recorded in {_show(self._record())} "
                "(internal: never send it to the customer).",
                markup=False,
            )
        self.console.print(
            f"To change an answer later: {self.request.program} new --resume {_show(self.path)}",
            markup=False,
        )
        return Outcome.DRAFTED_WITH_FINDINGS if findings else Outcome.DRAFTED

    def _not_written(self, was_incomplete: bool, accepted: Accepted) -> None:
        assert self.path is not None and self.data is not None
        if was_incomplete:  # not finished until its documents are written
            position = sum(1 for key in ("slawriter", "profile", "provider") if key in self.data)
            self.data.insert(position, "incomplete", True)
            self.save()
        self.console.print(
            "\nThe documents could not be written (see below). Your answers are saved"
            + (
                f" and the reasons for the accepted risks are kept in {_show(self._record())}"
                if accepted
                else ""
            )
            + f".\nFix the problem, then run: {self.request.program} new --resume "
            f"{_show(self.path)}",
            markup=False,
        )


def _put_header(data: CommentedMap, profile: Any) -> None:
    """slawriter, profile, provider and incomplete first, in that order."""
    header = [
        ("slawriter", 1),
        ("profile", profile),
        ("provider", data.get("provider")),
        ("incomplete", True),
    ]
    position = 0
    for key, value in header:
        if key in data:
            del data[key]
        if value is not None:
            data.insert(position, key, value)
            position += 1


def _description(library: Library, name: str) -> str:
    """A profile's description for the menu, read from its file without the model: the
    models (pydantic) are built after the first question. Each profile is validated once the
    question is answered."""
    from slawriter.files.yaml import read_yaml

    data = read_yaml(library.profiles_dir / f"{name}.yaml").data
    description = data.get("description") if isinstance(data, dict) else None
    if isinstance(description, str):
        return description
    return library.profile(name).description  # not plain: the model says what is wrong


def _show(path: Path) -> str:
    return display_path(path)


def _free_name(customer: str) -> Path:
    """A file named after the customer (``acme-precision-engineering.yaml``), not yet taken."""
    from slawriter.wizard.fields import slug

    base = slug(customer)
    for suffix in ("ltd", "limited", "llc", "inc", "plc"):
        base = base.removesuffix(f"-{suffix}")
    candidate, number = Path(f"{base}.yaml"), 2
    while candidate.exists():
        candidate = Path(f"{base}-{number}.yaml")
        number += 1
    return candidate


def _schema_line(library: Library) -> str:
    """``# yaml-language-server: $schema=...`` so editors check the file as it is typed; the
    schema is written to the user's cache folder (empty when it cannot be)."""
    import json

    from slawriter.files.output import write_atomic
    from slawriter.library.cache import cache_root
    from slawriter.library.schema import agreement_schema

    path = cache_root() / "agreement.schema.json"
    try:
        text = json.dumps(agreement_schema(library), indent=2, sort_keys=True).encode("utf-8")
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.is_file() or path.read_bytes() != text:
            write_atomic(path, text)
    except (OSError, SlawriterError):
        return ""
    return f"yaml-language-server: $schema={path.resolve().as_uri()}\n"


# What each rule checks, as a salesperson would say it (for "not checked" at the end).
_CHECKS = {
    "warranty-vs-resolution": "whether a hardware failure can be fixed in the resolution time",
    "coverage-vs-clock": "whether someone is on shift or on call whenever a target's clock runs",
    "staffing-vs-response": "whether your team can answer the expected tickets in time",
    "uptime-vs-recovery": "whether one hardware failure would break an uptime target",
    "uptime-vs-maintenance": "whether maintenance fits in the uptime targets",
    "rpo-vs-backup": "whether the backups support the promised recovery point",
    "rto-vs-restore": "whether a restore fits in the promised recovery time",
    "access-vs-onsite": "whether on-site work fits the site's opening hours",
    "combined-vs-services": "whether the combined uptime can be met",
    "priority-order": "whether the priorities' targets are in order",
    "clock-undefined": "whether every target's clock is defined",
}

# Provider-file fields named in findings, in the words of the first-run questions.
_PROVIDER_WORDS = {
    "internal.staffing": "your team's shifts",
    "internal.on_call": "your on-call rota",
    "internal.handling_time": "your handling times",
}

# Findings about who is at work when: fixed in the provider file as well as in the promise.
_TEAM_RULES = ("staffing-vs-response", "coverage-vs-clock")

_FIELD_PATH = re.compile(
    r"\b(?:internal|services|priorities|constraints|credits|maintenance|data_protection|"
    r"combined_uptime|calendars|out_of_hours|reporting|escalation|monitoring)"
    r"(?:\[[^\]\s]+\]|\.[A-Za-z0-9_-]+)+"
)


def _in_their_words(wizard: Wizard | None, text: str) -> str:
    """A finding in the names the user typed: field paths become the questions' names
    (``internal.redundancy.guest-wi-fi`` -> 'Redundant services'), service ids the names."""
    if wizard is None or not text:
        return text

    def named(match: re.Match[str]) -> str:
        path = match.group(0)
        for field, words in _PROVIDER_WORDS.items():
            if path == field or path.startswith(f"{field}."):
                return f"{words} (asked when your company's details were set up)"
        title = wizard.title_of(path)
        return f"the answer '{title}'" if title else path

    text = _FIELD_PATH.sub(named, text)
    # The customer's usual hours by the name the document gives them, not the calendar's key.
    usual = wizard.value("default_calendar") or "business"
    text = text.replace(f"'{usual}' (", "Business Hours (")
    text = re.sub(r"set (the answer '[^']+'): true", r"tick it in \1", text)
    for sid, name in wizard.service_choices():
        if sid != name:
            text = re.sub(rf"(?<![\w'-]){re.escape(str(sid))}(?![\w-])", name, text)
    return text


in_their_words = _in_their_words  # the browser words its findings panel the same way
TEAM_RULES = _TEAM_RULES  # the browser offers the team's hours for these findings too


def _not_checked(wizard: Wizard | None, findings: list[Finding]) -> list[str]:
    """What the checker could not check, and why, for the finish line: one line per reason,
    naming what it concerns (``Email, Guest Wi-Fi``)."""
    reasons: dict[tuple[str, str, str], list[str]] = {}
    for finding in findings:
        if finding.severity != "info" or "not checked: " not in finding.message:
            continue
        subject, _, why = finding.message.partition("not checked: ")
        key = (
            finding.id,
            _in_their_words(wizard, why),
            _in_their_words(wizard, finding.suggestion),
        )
        subjects = reasons.setdefault(key, [])
        if subject.strip(": "):
            subjects.append(_in_their_words(wizard, subject.strip(": ")))
    lines = []
    for (rule, why, suggestion), subjects in reasons.items():
        about = f" ({', '.join(subjects)})" if subjects else ""
        lines.append(f"  Not checked: {_CHECKS.get(rule, rule)}{about}, because {why}.")
        if suggestion:
            lines.append(f"    To check it: {suggestion}.")
    return lines
