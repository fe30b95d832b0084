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

    from slawriter.library import Library
    from slawriter.pipeline import Loaded
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

    # --- saving ----------------------------------------------------------------------------------

    def save(self) -> None:
        from slawriter import yamlio

        assert self.data is not None
        if self.path is None:
            name = yamlio.plain(yamlio.get(self.data, ("customer", "name")))
            if not isinstance(name, str) or not name.strip():
                return  # nothing to name the file after yet: kept in memory
            self.path = _free_name(name)
            self._set_provider_reference()
        if not self.announced and self.prompter is not None:
            self.prompter.note(f"  (Saving your answers in {_show(self.path)} as you go.)", "dim")
            self.announced = True
        yamlio.save(self.path, self.data)

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
        from slawriter import yamlio
        from slawriter.errors import InputError
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
        finished = args.resume is not None and not yamlio.load(args.resume).get("incomplete")
        self.data = self._start(library)
        # Checked after the first question (the profile): checking holiday calendars is slow.
        provider = ensure_provider(self.provider_path, questions_dir, self.prompter)
        wizard = self._wizard(library, provider, questions_dir)
        wizard.mark_progress(finished=finished)
        self._apply_data(wizard)
        if args.source is not None:
            wizard.must_ask.update(("agreement.reference", "agreement.effective_date"))
        wizard.run()
        if self.path is None:  # every answer came from defaults and --data
            self.save()
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

        from slawriter import yamlio
        from slawriter.errors import InputError, RefusedError
        from slawriter.files import display_path

        args = self.args
        if args.resume is not None:
            if not args.resume.is_file():
                raise InputError(f"{display_path(args.resume)}: no such file to resume")
            data = yamlio.load(args.resume)
            self.path = args.resume
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
            old = yamlio.load(args.source)
            if not old:
                raise InputError(f"{display_path(args.source)}: no such agreement file")
            data = copy.deepcopy(old)
            for loc in (("agreement", "reference"), ("agreement", "effective_date")):
                yamlio.delete(data, loc)
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
        """--data PATH=VALUE answers, checked like typed ones."""
        from slawriter.errors import InputError, Problem
        from slawriter.wizard.fields import check_answer, parse_answer
        from slawriter.yamlio import put

        problems = []
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
            put(wizard.data, loc, value)
        if problems:
            count = len(problems)
            raise InputError(
                f"{count} --data answer{'s' if count != 1 else ''} refused; nothing was changed",
                problems,
            )
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
        from slawriter.pipeline import load_agreement

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
                    raise
                for question in fixable:
                    self.prompter.note(f"Please change: {question.title}", "yellow")
                    wizard.edit(question)
        raise InputError(f"{_show(self.path)} is still not valid: run slawriter validate on it")

    def _feasibility(
        self, wizard: Wizard, library: Library, loaded: Loaded
    ) -> tuple[dict[str, str], list[Any]]:
        """Findings of the feasibility checker: change the answer, or accept with a reason.

        Errors must be changed or accepted (the reason goes to the internal record, never to
        the document); warnings and notes may be kept as they are.
        """
        try:
            from slawriter.feasibility import check_agreement
        except ImportError:  # the checker is optional: the documents do not depend on it
            return {}, []
        accepted: dict[str, str] = {}
        kept: set[tuple[str, str]] = set()
        for _round in range(10):
            findings = [
                f
                for f in check_agreement(loaded, library)
                if f.id not in accepted and (f.id, f.message) not in kept
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
                    accepted[finding.id] = " ".join(reason.split())
            if not changed:
                return accepted, []
            loaded = self._validate(wizard, library)
        return accepted, []

    def _finish(self, library: Library, accepted: dict[str, str], findings: list[Any]) -> int:
        from slawriter import yamlio
        from slawriter.files import record_path
        from slawriter.pipeline import render_files

        assert self.path is not None and self.data is not None
        if "incomplete" in self.data:
            del self.data["incomplete"]
        yamlio.save(self.path, self.data)
        out_dir = self.path.parent / "out"
        outcome = render_files(
            [self.path], out_dir, list(DOCUMENT_FORMATS), library=library, accept_risks=accepted
        )
        self.console.print()
        self.console.print("[bold green]Your agreement is ready.[/bold green]")
        self.console.print(f"  Agreement file: {_show(self.path)}", markup=False)
        for written in outcome.written:
            for file in written.files:
                kind = "Word" if file.suffix == ".docx" else "Markdown"
                self.console.print(f"  {kind}: {_show(file)}", markup=False)
        if accepted:
            record = record_path(out_dir, self.path.stem)
            self.console.print(
                f"  Accepted risks ({len(accepted)}) are recorded in {_show(record)} (internal: "
                "never send it to the customer).",
                markup=False,
            )
        self.console.print(
            f"To change an answer later: slawriter new --resume {_show(self.path)}", markup=False
        )
        return 1 if findings else 0


def _show(path: Path) -> str:
    from slawriter.files import display_path

    return display_path(path)


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

    from slawriter.model.paths import parse_path
    from slawriter.wizard.fields import annotation_at
    from slawriter.yamlio import plain

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
