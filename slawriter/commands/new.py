"""slawriter new: the guided questionnaire that drafts a customer's agreement."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from slawriter.commands import library_option

if TYPE_CHECKING:
    from rich.console import Console
    from ruamel.yaml.comments import CommentedMap

    from slawriter.files.load import Loaded
    from slawriter.library import Library
    from slawriter.wizard.engine import Prompter, Wizard

NAME = "new"
HELP = "draft a new agreement by answering questions"
DESCRIPTION = """Draft a customer's agreement by answering questions, review the answers,
and get the Word and Markdown documents (in out/ beside the agreement file). Every answer
is saved at once in the agreement file (marked 'incomplete: true' until the end): stop with
Ctrl-C at any time and carry on later with --resume. --resume on a finished agreement goes
straight to the review, to change answers and draft again.

The provider file (your company's details) is found from --provider, else
$SLAWRITER_PROVIDER, else ./provider.yaml, else ~/.config/slawriter/provider.yaml; when there
is none the wizard asks for your company's details first and saves them."""
EXAMPLES = """examples:
  slawriter new
  slawriter new --profile smb --out acme.yaml
  slawriter new --resume acme.yaml
  slawriter new --from acme-2026.yaml --out acme-2027.yaml
  slawriter new --profile smb --out shop.yaml --defaults \\
      --data customer.name="Corner Shop Ltd" --data "customer.address=[1 High St, Bristol]" \\
      --data customer.signatory.name="Sam Lee"

exit codes: 0 done; 1 done, with feasibility findings (--defaults); 2 bad input, answers
still needed (--defaults) or no terminal; 3 refused (the file exists); 130 interrupted,
answers saved"""

DOCUMENT_FORMATS = ("docx", "md")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--profile", metavar="NAME", help="standard or smb (asked if not given)")
    parser.add_argument(
        "--out",
        type=Path,
        metavar="FILE.yaml",
        help="the agreement file to write (default: named after the customer)",
    )
    parser.add_argument(
        "--resume",
        type=Path,
        metavar="FILE.yaml",
        help="carry on with an unfinished agreement (or change a finished one)",
    )
    parser.add_argument(
        "--from",
        dest="source",
        type=Path,
        metavar="FILE.yaml",
        help="start from an existing agreement (a renewal): new reference and dates are asked",
    )
    parser.add_argument("--provider", type=Path, metavar="FILE", help="your provider file")
    parser.add_argument(
        "--defaults",
        action="store_true",
        help="ask nothing: take every default (no terminal needed); lists answers still needed",
    )
    parser.add_argument(
        "--data",
        action="append",
        default=[],
        metavar="PATH=VALUE",
        help="an answer given in advance, e.g. customer.name='Acme Ltd' (repeatable; "
        "lists as [a, b])",
    )
    library_option(parser)


def run(args: argparse.Namespace) -> int:
    from slawriter.errors import InputError

    interactive = not args.defaults
    if interactive and not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise InputError(
            "slawriter new asks questions and needs a terminal. Without one, pass --defaults "
            "(and the answers with --data PATH=VALUE), e.g. slawriter new --profile smb "
            "--defaults --data customer.name='Acme Ltd' ..."
        )
    prompter = None
    if interactive:
        from slawriter.wizard.prompts import Terminal

        prompter = Terminal()
    return NewSession(args, prompter).run()


class NewSession:
    """One run of ``slawriter new``: provider, answers, review, checks, documents."""

    def __init__(
        self, args: argparse.Namespace, prompter: Prompter | None, console: Console | None = None
    ) -> None:
        from rich.console import Console

        self.args = args
        self.prompter = prompter
        self.console = console or Console(highlight=False, soft_wrap=True)
        self.path: Path | None = None
        self.data: CommentedMap | None = None
        self.announced = False
        self.provider_path = Path("provider.yaml")
        self.provider_new = False
        self.old_reference: Any = None
        self._written: bytes | None = None  # what the last save wrote (to see hand edits)

    # --- saving ----------------------------------------------------------------------------------

    def save(self) -> None:
        from slawriter.errors import InputError
        from slawriter.files import roundtrip
        from slawriter.files.output import write_atomic

        assert self.data is not None
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

    def _set_provider_reference(self) -> None:
        import os

        assert self.data is not None and self.path is not None
        provider = self.provider_path.resolve()
        base = self.path.resolve().parent
        try:
            reference = str(provider.relative_to(base))
        except ValueError:
            relative = os.path.relpath(provider, base)
            reference = relative if relative.count("..") <= 2 else str(provider)
        if "provider" in self.data:
            self.data["provider"] = reference
        else:
            position = sum(1 for key in ("slawriter", "profile") if key in self.data)
            self.data.insert(position, "provider", reference)

    # --- the run ---------------------------------------------------------------------------------

    def run(self) -> int:
        try:
            return self._run()
        except (KeyboardInterrupt, EOFError):
            self.console.print()
            if self.path is not None and self.path.exists():
                self.console.print(
                    f"Stopped. Your answers so far are saved in {_show(self.path)}.\n"
                    f"Carry on with: slawriter new --resume {_show(self.path)}",
                    markup=False,
                )
            elif self.provider_new and self.provider_path.exists():
                self.console.print(
                    f"Stopped. Your company's details so far are saved in "
                    f"{_show(self.provider_path)}.\nCarry on with: slawriter new",
                    markup=False,
                )
            else:
                self.console.print("Stopped before the first answer was saved.", markup=False)
            return 130

    def _run(self) -> int:
        from slawriter.errors import InputError
        from slawriter.files import roundtrip
        from slawriter.library import Library
        from slawriter.wizard.provider import ensure_provider, find_provider

        args = self.args
        if sum(x is not None for x in (args.resume, args.source)) > 1:
            raise InputError("--resume and --from cannot be used together")
        library = Library.locate(args.library)
        questions_dir = library.profiles_dir / "questions"
        if self.prompter is not None:
            self.prompter.note("slawriter new: draft a service level agreement", "bold")
            self.prompter.note(
                "Enter takes the grey default, Tab lets you edit it. Ctrl-C stops at any "
                "time: every answer is saved as you go.",
                "dim",
            )
        self.provider_path = find_provider(args.provider)
        self.provider_new = not self.provider_path.exists()
        if self.provider_new:  # a new user: their company's details come first
            ensure_provider(self.provider_path, questions_dir, self.prompter)
        finished = args.resume is not None and not roundtrip.load(args.resume).get("incomplete")
        self.data = self._start(library)
        # Checked after the first question (the profile): checking holiday calendars is slow.
        provider = ensure_provider(self.provider_path, questions_dir, self.prompter)
        _check_provider_files(self.provider_path, provider)
        wizard = self._wizard(library, provider, questions_dir)
        wizard.mark_progress(finished=finished or args.source is not None)
        self._apply_data(wizard)
        if args.source is not None:
            wizard.must_ask.update(("agreement.reference", "agreement.effective_date"))
        wizard.run()
        if args.source is not None and self.prompter is not None:
            question = wizard.questions.find("agreement.reference")
            while question is not None and wizard.value("agreement.reference") == (
                self.old_reference
            ):
                self.prompter.note(
                    "The renewal needs its own reference: the old agreement uses "
                    f"{self.old_reference}.",
                    "yellow",
                )
                wizard.ask(question)
        self.save()  # also when every answer came from defaults, --data or a renewal's source
        if wizard.missing:
            return self._report_missing(wizard)
        if self.prompter is not None:
            from slawriter.wizard.review import summary

            wizard.review(summary)
        loaded = self._validate(wizard, library)
        accepted, findings = self._feasibility(wizard, library, loaded)
        return self._finish(library, accepted, findings)

    def _start(self, library: Library) -> CommentedMap:
        """The agreement data to fill: new, resumed, or a renewal of an earlier agreement."""
        import copy

        from ruamel.yaml.comments import CommentedMap

        from slawriter.errors import InputError, RefusedError
        from slawriter.files import roundtrip
        from slawriter.files.output import display_path

        args = self.args
        if args.resume is not None:
            if not args.resume.is_file():
                raise InputError(f"{display_path(args.resume)}: no such file to resume")
            data = roundtrip.load(args.resume)
            self.path = args.resume
            self._written = args.resume.read_bytes()
            if args.profile and data.get("profile") not in (None, args.profile):
                raise InputError(
                    f"{display_path(args.resume)} uses the {data.get('profile')} profile; "
                    "leave out --profile to resume it"
                )
            if "provider" not in data:
                self._set_provider_reference()
            if self.prompter is not None:
                self.prompter.note(f"Carrying on with {_show(self.path)}.", "bold")
        elif args.source is not None:
            if args.out is None:
                raise InputError("--from needs --out NEW.yaml: the renewal's own file")
            old = roundtrip.load(args.source)
            if not old:
                raise InputError(f"{display_path(args.source)}: no such agreement file")
            data = copy.deepcopy(old)
            # The renewal keeps every answer, deliberately absent ones included (the wizard
            # treats it as finished); only a new reference and start date are offered.
            plain_old = roundtrip.plain(old)
            agreement = plain_old.get("agreement") or {}
            start = renewal_date(agreement, today())
            reference = renewal_reference(agreement.get("reference"), start)
            for name, value in (("effective_date", start), ("reference", reference)):
                if value is None:
                    roundtrip.delete(data, ("agreement", name))
                else:
                    roundtrip.put(data, ("agreement", name), value)
            self.old_reference = agreement.get("reference")
            if "provider" in data:
                self.provider_path = (args.source.parent / str(data["provider"])).resolve()
            self.path = args.out
        else:
            data = CommentedMap()
            self.path = args.out
        if self.path is not None and args.resume is None and self.path.exists():
            raise RefusedError(
                f"{display_path(self.path)} already exists: carry on with "
                f"'slawriter new --resume {display_path(self.path)}', or choose another --out"
            )
        if self.path is not None:
            self.data = data
            self._set_provider_reference()
        data["slawriter"] = 1
        profile = data.get("profile") or args.profile or self._ask_profile(library)
        library.profile(str(profile))  # an unknown profile is an error here, not later
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
        if not data.ca.comment:
            data.yaml_set_start_comment(
                "Service level agreement, drafted with 'slawriter new'. Edit freely: comments "
                "you add are kept.\nField reference: docs/agreement-file.md"
            )
        self.data = data
        return data

    def _ask_profile(self, library: Library) -> str:
        names = sorted(p.stem for p in library.profiles_dir.glob("*.yaml"))
        if self.prompter is None:
            return "standard" if "standard" in names else names[0]
        choices = [(name, f"{name}: {library.profile(name).description}") for name in names]
        picked: str = self.prompter.select(
            "Which kind of agreement?", choices, "standard" if "standard" in names else names[0]
        )
        return picked

    def _wizard(self, library: Library, provider: dict[str, Any], questions_dir: Path) -> Wizard:
        from slawriter.model.agreement import Agreement
        from slawriter.wizard.engine import Sources, Wizard
        from slawriter.wizard.fields import check_keys
        from slawriter.wizard.questions import load_questions

        assert self.data is not None
        profile = library.profile(str(self.data["profile"]))
        questions = load_questions(questions_dir, profile.id)
        check_keys(questions, Agreement)
        sources = Sources(profile_defaults=profile.defaults, provider=provider)
        return Wizard(questions, self.data, sources, Agreement, self.save, self.prompter)

    def _apply_data(self, wizard: Wizard) -> None:
        """--data PATH=VALUE answers, checked like typed ones and then together.

        Nothing is written unless every answer passes: an unknown path or map key (P9 for a
        profile with P1-P4), a bad value, or an answer to a question that does not apply.
        """
        import copy

        from slawriter.errors import InputError, Problem
        from slawriter.files.roundtrip import put
        from slawriter.wizard.fields import check_answer, parse_answer

        problems = []
        staged = copy.deepcopy(wizard.data)
        applied: list[tuple[str, Any, Any, Any]] = []  # (path, loc, question, value)
        for item in self.args.data:
            path, equals, text = item.partition("=")
            if not equals or not path.strip():
                problems.append(Problem("--data", f"'{item}': expected PATH=VALUE"))
                continue
            path = path.strip()
            try:
                loc, question, key = _data_target(wizard, path)
            except ValueError as error:
                problems.append(Problem("--data", str(error), path=path))
                continue
            try:
                value = _data_value(question, text)
                if question is not None and question.type not in ("list", "multi", "include"):
                    value = parse_answer(question, str(value)) if isinstance(value, str) else value
            except ValueError as error:
                problems.append(Problem("--data", str(error), path=path))
                continue
            if question is not None:
                problem = check_answer(question, value, wizard.model, key)
            else:
                from slawriter.wizard.fields import model_error

                problem = model_error(wizard.model, key, value)
            if problem:
                problems.append(Problem("--data", problem, path=path))
                continue
            put(staged, loc, value)
            applied.append((path, loc, question, value))
        if not problems:
            problems = _check_staged(wizard, staged, applied)
        if problems:
            count = len(problems)
            raise InputError(
                f"{count} --data answer{'s' if count != 1 else ''} refused; nothing was changed",
                problems,
            )
        for _path, loc, _question, value in applied:
            put(wizard.data, loc, value)
        if self.args.data:
            self.save()

    def _report_missing(self, wizard: Wizard) -> int:
        from slawriter.errors import InputError, Problem

        self.save()
        where = _show(self.path) if self.path else "nothing (no customer name yet)"
        problems = [
            Problem("--data", f"needed: {prompt}", path=path) for path, prompt in wizard.missing
        ]
        resume = f"slawriter new --resume {_show(self.path)}" if self.path else "slawriter new"
        raise InputError(
            f"{len(wizard.missing)} answer{'s' if len(wizard.missing) != 1 else ''} still "
            f"needed (saved so far: {where}). Give them with --data PATH=VALUE, or answer "
            f"them with: {resume}",
            problems,
        )

    def _validate(self, wizard: Wizard, library: Library) -> Loaded:
        """The whole agreement, checked as 'slawriter validate' would; offers to fix problems."""
        from slawriter.errors import InputError
        from slawriter.files.load import load_agreement

        assert self.path is not None
        for _attempt in range(20):
            try:
                return load_agreement(self.path, library)
            except InputError as error:
                if self.prompter is None:
                    raise
                self.prompter.note("\nThe agreement is not valid yet:", "bold red")
                fixable = []
                for problem in error.problems or []:
                    self.prompter.note(
                        f"  {problem.path or problem.file}: {problem.message}", "red"
                    )
                    question = wizard.question_for_path(problem.path or "")
                    if question is not None and question not in fixable:
                        fixable.append(question)
                if not fixable:
                    self._way_out(wizard, error)
                    continue
                for question in fixable:
                    self.prompter.note(f"Please change: {question.title}", "yellow")
                    wizard.edit(question)
        raise InputError(f"{_show(self.path)} is still not valid: run slawriter validate on it")

    def _way_out(self, wizard: Wizard, error: Exception) -> None:
        """Problems no question can fix: remove those answers, go back to the review, or stop."""
        from slawriter.errors import InputError
        from slawriter.files.roundtrip import get
        from slawriter.wizard.engine import to_loc
        from slawriter.wizard.review import summary

        assert self.prompter is not None and isinstance(error, InputError)
        removable = []
        for problem in error.problems or []:
            loc = list(to_loc(problem.path or "")) if problem.path else []
            while loc and get(self.data, tuple(loc)) is None:
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
            wizard.review(summary)
        self.save()

    def _feasibility(
        self, wizard: Wizard, library: Library, loaded: Loaded
    ) -> tuple[dict[tuple[str, str], str], list[Any]]:
        """Findings of the feasibility checker: change the answer, or accept with a reason.

        Errors must be changed or accepted (the reason goes to the internal record, never to
        the document); warnings and notes may be kept as they are.
        """
        try:
            from slawriter.feasibility import check_agreement
        except ImportError:  # the checker is optional: the documents do not depend on it
            return {}, []
        # Per finding (rule id, message): a later finding of the same rule is still shown.
        # Reasons given before a failed render are kept in the record and not asked again.
        accepted: dict[tuple[str, str], str] = self._pending_risks()
        kept: set[tuple[str, str]] = set()
        for _round in range(10):
            findings = [
                f
                for f in check_agreement(loaded, library)
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
            serious = [f for f in findings if f.severity != "info"]
            if serious:
                count = len(serious)
                self.prompter.note(
                    f"\nThe feasibility check found {count} promise{'s' if count != 1 else ''} "
                    "you may not be able to keep:",
                    "bold yellow",
                )
            else:
                self.prompter.note("\nNotes from the feasibility check:", "bold")
            changed = False
            for finding in findings:
                self.prompter.finding(finding.severity, finding.message, finding.suggestion)
                if finding.severity == "info":
                    kept.add((finding.id, finding.message))
                    continue
                question = next(
                    (q for q in (wizard.question_for_path(p) for p in finding.paths) if q), None
                )
                choices: list[tuple[Any, str]] = []
                if question is not None:
                    choices.append(("fix", f"Change the answer: {question.title}"))
                if finding.severity == "error":
                    choices.append(
                        ("accept", "Accept the risk (give a reason; kept in the internal record)")
                    )
                else:
                    choices.append(("keep", "Keep it as it is"))
                picked = self.prompter.select("What do you want to do?", choices, choices[0][0])
                if picked == "fix" and question is not None:
                    wizard.edit(question)
                    changed = True
                elif picked == "keep":
                    kept.add((finding.id, finding.message))
                else:
                    reason = self.prompter.text(
                        "Why is this acceptable?",
                        "",
                        lambda text: None if text.strip() else "Give a reason for the record",
                    )
                    accepted[(finding.id, finding.message)] = " ".join(reason.split())
            if not changed:
                return accepted, []
            loaded = self._validate(wizard, library)
        return accepted, []

    def _record(self) -> Path:
        from slawriter.files.output import record_path

        assert self.path is not None
        return record_path(self.path.parent / "out", self.path.stem)

    def _pending_risks(self) -> dict[tuple[str, str], str]:
        """Risks accepted in a run whose documents could not be written (kept in the record)."""
        from slawriter.errors import SlawriterError
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

    def _keep_pending_risks(self, accepted: dict[tuple[str, str], str]) -> None:
        from slawriter.files.output import dump_record, read_record, write_atomic

        record = read_record(self._record())
        pending = [
            {"rule": rule, "message": message, "reason": reason}
            for (rule, message), reason in accepted.items()
        ]
        if pending or "pending_accepted_risks" in record:
            record["pending_accepted_risks"] = pending
            write_atomic(self._record(), dump_record(record))

    def _finish(
        self, library: Library, accepted: dict[tuple[str, str], str], findings: list[Any]
    ) -> int:
        from slawriter.errors import SlawriterError
        from slawriter.pipeline.render import render_files

        assert self.path is not None and self.data is not None
        # Saved first: a render that fails must not lose the reasons typed for the record.
        self._keep_pending_risks(accepted)
        was_incomplete = "incomplete" in self.data
        if was_incomplete:
            del self.data["incomplete"]  # the pipeline renders only finished agreements
            self.save()
        out_dir = self.path.parent / "out"
        by_rule = {rule: reason for (rule, _message), reason in accepted.items()}
        try:
            outcome = render_files(
                [self.path],
                out_dir,
                list(DOCUMENT_FORMATS),
                library=library,
                accept_risks=by_rule,
                finding_reasons=accepted,
            )
        except SlawriterError:
            if was_incomplete:  # not finished until its documents are written
                position = sum(
                    1 for key in ("slawriter", "profile", "provider") if key in self.data
                )
                self.data.insert(position, "incomplete", True)
                self.save()
            self.console.print(
                "\nThe documents could not be written (see below). Your answers are saved"
                + (
                    f" and the reasons for the accepted risks are kept in {_show(self._record())}"
                    if accepted
                    else ""
                )
                + f".\nFix the problem, then run: slawriter new --resume {_show(self.path)}",
                markup=False,
            )
            raise
        self.console.print()
        self.console.print("[bold green]Your agreement is ready.[/bold green]")
        self.console.print(f"  Agreement file: {_show(self.path)}", markup=False)
        for written in outcome.written:
            for file in written.files:
                kind = "Word" if file.suffix == ".docx" else "Markdown"
                self.console.print(f"  {kind}: {_show(file)}", markup=False)
        if accepted:
            self.console.print(
                f"  Accepted risks ({len(accepted)}) are recorded in {_show(self._record())} "
                "(internal: never send it to the customer).",
                markup=False,
            )
        self.console.print(
            f"To change an answer later: slawriter new --resume {_show(self.path)}", markup=False
        )
        return 1 if findings else 0


def _show(path: Path) -> str:
    from slawriter.files.output import display_path

    return display_path(path)


def _check_provider_files(path: Path, provider: dict[str, Any]) -> None:
    """What the provider file names must exist (its logo): found now, not after the questions."""
    from slawriter.errors import InputError
    from slawriter.files.output import display_path

    logo = provider.get("logo")
    if logo and not (path.parent / str(logo)).is_file():
        raise InputError(
            f"{display_path(path)}: logo '{logo}' not found at "
            f"{display_path(path.parent / str(logo))}: add the file, or remove the logo line"
        )


def today() -> Any:
    from datetime import date

    return date.today()


def renewal_date(agreement: dict[str, Any], now: Any) -> Any:
    """The old start plus its initial term, then renewal terms until it is not in the past."""
    from datetime import date

    from slawriter.model.durations import parse_period

    start = agreement.get("effective_date")
    if isinstance(start, str):
        try:
            start = date.fromisoformat(start)
        except ValueError:
            return None
    if not isinstance(start, date):
        return None
    term = agreement.get("term") or {}
    try:
        initial = parse_period(term.get("initial") or "12 months")
        renewal = parse_period(term["renewal"]) if term.get("renewal") else initial
    except (ValueError, TypeError):
        return None
    moved = _add_period(start, initial)
    for _ in range(200):
        if moved >= now:
            break
        moved = _add_period(moved, renewal)
    return moved


def _add_period(start: Any, period: Any) -> Any:
    import calendar
    from datetime import timedelta

    if period.unit == "days":
        return start + timedelta(days=period.amount)
    months = period.amount * (12 if period.unit == "years" else 1)
    total = start.month - 1 + months
    year, month = start.year + total // 12, total % 12 + 1
    return start.replace(
        year=year, month=month, day=min(start.day, calendar.monthrange(year, month)[1])
    )


def renewal_reference(old: Any, start: Any) -> str | None:
    """A new reference in the old one's scheme: its year moved on, else a -R<n> suffix."""
    import re

    if not isinstance(old, str) or not old.strip():
        return None
    if start is not None:
        years = list(re.finditer(r"(?<!\d)(19|20)\d\d(?!\d)", old))
        if years and int(years[-1].group()) < start.year:
            last = years[-1]
            return f"{old[: last.start()]}{start.year}{old[last.end() :]}"
    match = re.search(r"-R(\d+)$", old)
    if match:
        return f"{old[: match.start()]}-R{int(match.group(1)) + 1}"
    return f"{old}-R1"


def _free_name(customer: str) -> Path:
    from slawriter.wizard.fields import slug

    base = slug(customer)
    for suffix in ("ltd", "limited", "llc", "inc", "plc"):
        base = base.removesuffix(f"-{suffix}")
    candidate, number = Path(f"{base}.yaml"), 2
    while candidate.exists():
        candidate = Path(f"{base}-{number}.yaml")
        number += 1
    return candidate


def _data_target(wizard: Wizard, path: str) -> tuple[Any, Any, str]:
    """(location, question or None, model key) for a --data field path."""
    import re

    from slawriter.files.roundtrip import plain
    from slawriter.model.paths import parse_path
    from slawriter.wizard.fields import annotation_at

    parts = parse_path(path)
    data = plain(wizard.data)
    loc: list[Any] = []
    node: Any = data
    for part in parts:
        if isinstance(part, str) and part.startswith("["):
            wanted = part[1:-1]
            items = node if isinstance(node, list) else []
            for index, item in enumerate(items):
                if isinstance(item, dict) and item.get("id") == wanted:
                    loc.append(index)
                    node = item
                    break
            else:
                raise ValueError(f"no item with id '{wanted}' (use [0], [1]... for new items)")
        elif isinstance(part, int):
            loc.append(part)
            node = node[part] if isinstance(node, list) and part < len(node) else None
        else:
            loc.append(part)
            node = node.get(part) if isinstance(node, dict) else None
    if len(parts) >= 2 and parts[0] == "priorities" and isinstance(parts[1], str):
        known = wizard.priority_ids()
        if known and parts[1] not in known:
            raise ValueError(f"{parts[1]} is not a priority of this profile ({', '.join(known)})")
    key = re.sub(r"\[[^\]]*\]", "[]", path)
    try:
        annotation_at(wizard.model, key)
    except (KeyError, ValueError):
        raise ValueError("not a field of the agreement file (see docs/agreement-file.md)") from None
    question = wizard.questions.find(key)
    if question is None and "[]." in key:
        group_key, _, sub_key = key.partition("[].")
        group = wizard.questions.find(group_key)
        question = next((q for q in group.questions if q.key == sub_key), None) if group else None
    return tuple(loc), question, key


def _check_staged(
    wizard: Wizard, staged: Any, applied: list[tuple[str, Any, Any, Any]]
) -> list[Any]:
    """Problems of the --data answers taken together: conditions and the whole model."""
    from pydantic import ValidationError

    from slawriter.errors import Problem
    from slawriter.files.roundtrip import get, plain, put
    from slawriter.files.yaml import deep_merge
    from slawriter.wizard.engine import Item, to_loc

    problems: list[Any] = []
    real = wizard.data
    with_defaults = copy_of(staged)
    for _path, _loc, question, _value in applied:
        for _negate, cond_path, _op, _raw in _conditions(question):
            if cond_path.startswith("item."):
                continue
            asked = wizard.questions.find(cond_path)
            if get(with_defaults, to_loc(cond_path)) is None and asked is not None:
                wizard.data = with_defaults
                try:
                    default = wizard.default_for(asked)
                finally:
                    wizard.data = real
                if default is not None:
                    put(with_defaults, to_loc(cond_path), default)
    wizard.data = with_defaults
    try:
        for path, loc, question, _value in applied:
            if question is None or not question.condition:
                continue
            item = None
            if "[]." in question.key or any(
                isinstance(part, int) for part in loc
            ):  # a group's sub-question: its item is the part of loc up to the index
                index = next((i for i, part in enumerate(loc) if isinstance(part, int)), None)
                if index is None:
                    continue
                group = wizard.question_for_path(".".join(str(p) for p in loc[:index]))
                if group is None or group.type != "group":
                    continue
                item = Item(group, tuple(loc[: index + 1]), {})
            if not wizard.applies(question, item):
                problems.append(
                    Problem(
                        "--data",
                        f"does not apply: it is asked only when {question.condition} "
                        "(give that answer too, or leave this one out)",
                        path=path,
                    )
                )
    finally:
        wizard.data = real
    try:
        wizard.model.model_validate(deep_merge(wizard.sources.profile_defaults, plain(staged)))
    except ValidationError as error:
        for entry in error.errors():
            if entry["type"] == "missing":
                continue  # answers still to come
            where = tuple(entry["loc"])
            for path, loc, _question, _value in applied:
                if where[: len(loc)] == tuple(loc):
                    message = str(entry["msg"]).removeprefix("Value error, ")
                    problems.append(Problem("--data", message, path=path))
                    break
    return problems


def copy_of(data: Any) -> Any:
    import copy

    return copy.deepcopy(data)


def _conditions(question: Any) -> list[tuple[bool, str, Any, Any]]:
    from slawriter.wizard.questions import split_condition

    if question is None or not question.condition:
        return []
    return list(split_condition(question.condition))


def _data_value(question: Any, text: str) -> Any:
    from ruamel.yaml import YAML

    text = text.strip()
    kind = question.type if question is not None else None
    if kind in ("confirm", "include"):
        lowered = text.lower()
        if lowered in ("yes", "y", "true", "on"):
            return True if kind == "confirm" else {}
        if lowered in ("no", "n", "false", "off"):
            return False if kind == "confirm" else None
        raise ValueError(f"'{text}': expected yes or no")
    if text.startswith("[") or kind is None:
        try:
            return YAML(typ="safe", pure=True).load(text)
        except Exception:
            if kind is None:
                return text
            raise ValueError(f"'{text}' is not a list such as [a, b]") from None
    if kind in ("list", "multi"):
        return [part.strip() for part in text.split(";") if part.strip()]
    return text
