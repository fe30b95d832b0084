"""slawriter check: stop promises the provider cannot keep."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from slawriter.commands import library_option

if TYPE_CHECKING:
    from rich.console import Console

    from slawriter.feasibility.memo import Checked
    from slawriter.files.load import Loaded
    from slawriter.library import Library

NAME = "check"
HELP = "check that the provider can keep an agreement's promises"
DESCRIPTION = (
    "Check agreements against the provider's staffing, on-call rota, hardware cover, backups "
    "and site access, and report every promise it cannot keep. Exit code 0: no errors "
    "(warnings allowed); 1: at least one error (with --strict, warnings count too); "
    "2: bad input."
)
EXAMPLES = """examples:
  slawriter check examples/acme-standard.yaml
  slawriter check examples/acme-standard.yaml --json
  slawriter check --portfolio customers/
  slawriter check examples/acme-standard.yaml --memo out/acme-feasibility.docx
  slawriter check --list-rules"""

_HEADINGS = {"error": "Errors", "warning": "Warnings", "info": "Notes"}
_STYLES = {"error": "bold red", "warning": "yellow", "info": "cyan"}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("agreements", nargs="*", type=Path, metavar="AGREEMENT.yaml")
    parser.add_argument(
        "--portfolio",
        type=Path,
        metavar="DIR",
        help="check every agreement in DIR together: they share the provider's team",
    )
    parser.add_argument("--json", action="store_true", help="print the findings as JSON")
    parser.add_argument(
        "--memo",
        type=Path,
        metavar="FILE",
        help="also write the internal feasibility memo (.docx, .md, .html or .pdf: the "
        "extension picks the format)",
    )
    parser.add_argument(
        "--strict", action="store_true", help="treat warnings as errors (exit code 1)"
    )
    parser.add_argument("--list-rules", action="store_true", help="list the rules and exit")
    library_option(parser)


def _list_rules(as_json: bool) -> int:
    from slawriter.feasibility.rules import RULES

    if as_json:
        rows = [{"id": r.id, "severity": r.severity, "summary": r.summary} for r in RULES.values()]
        print(json.dumps({"rules": rows}, indent=2))
        return 0
    width = max(len(rule_id) for rule_id in RULES)
    for rule in RULES.values():
        print(f"{rule.id:<{width}}  {rule.severity:<7}  {rule.summary}")
    return 0


def _gather(args: argparse.Namespace) -> list[Path]:
    from slawriter.errors import InputError
    from slawriter.files.output import display_path

    paths = list(args.agreements)
    if args.portfolio is not None:
        folder: Path = args.portfolio
        if not folder.is_dir():
            raise InputError(f"--portfolio: {display_path(folder)} is not a folder")
        found = sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")])
        paths += [p for p in found if p not in paths]
    if not paths:
        raise InputError(
            "nothing to check: give agreement files, or --portfolio DIR, or --list-rules"
        )
    return paths


def _load(
    paths: list[Path], library_option_value: str | None
) -> tuple[Library, list[Loaded], list[str]]:
    from slawriter.errors import InputError, Problem
    from slawriter.files.load import ProviderFileGiven, load_agreement
    from slawriter.files.output import display_path
    from slawriter.library import Library

    library = Library.locate(library_option_value)
    loaded = []
    skipped: list[str] = []
    problems: list[Problem] = []
    for path in paths:
        try:
            loaded.append(load_agreement(path, library))
        except ProviderFileGiven:
            skipped.append(display_path(path))
        except InputError as error:
            problems.extend(error.problems or [Problem(display_path(path), error.message)])
    if problems:
        count = len(problems)
        raise InputError(f"{count} problem{'s' if count != 1 else ''} found", problems)
    if not loaded:
        raise InputError(f"no agreement files among {', '.join(skipped)}")
    return library, loaded, skipped


def _print_human(console: Console, checked: list[Checked], portfolio: bool) -> None:
    from rich.markup import escape

    from slawriter.feasibility.memo import count_words
    from slawriter.files.output import display_path

    for item in checked:
        name = display_path(item.loaded.path)
        console.print(f"[bold]{escape(name)}[/bold]: {count_words(item.findings)}")
        for severity in ("error", "warning", "info"):
            group = [f for f in item.findings if f.severity == severity]
            if not group:
                continue
            style = _STYLES[severity]
            console.print(f"  [{style}]{_HEADINGS[severity]}[/{style}]")
            for finding in group:
                console.print(f"  - [{style}]{finding.id}[/{style}]: {escape(finding.message)}")
                if finding.paths:
                    console.print(f"      fields: {escape(', '.join(finding.paths))}")
                if finding.suggestion:
                    console.print(f"      fix: {escape(finding.suggestion)}")
    if portfolio:
        team = {str(item.loaded.provider_path) for item in checked}
        console.print(
            f"Portfolio: {len(checked)} agreement{'s' if len(checked) != 1 else ''} sharing "
            f"{len(team)} provider team{'s' if len(team) != 1 else ''}"
        )


def _write_memo(target: Path, checked: list[Checked], library: Library) -> None:
    from slawriter.feasibility.memo import build_memo
    from slawriter.files.output import write_atomic
    from slawriter.render import registry

    data = registry.render(
        build_memo(checked), registry.format_of(target, "--memo"), template=library.word_template
    )
    target.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(target, data)


def run(args: argparse.Namespace) -> int:
    from rich.console import Console

    from slawriter.feasibility import check_agreements
    from slawriter.files.output import display_path

    if args.list_rules:
        return _list_rules(args.json)
    paths = _gather(args)
    library, loaded, skipped = _load(paths, args.library)
    portfolio = args.portfolio is not None
    checked = check_agreements(loaded, library, portfolio=portfolio)
    if args.memo is not None:
        _write_memo(args.memo, checked, library)
    failing = {"error", "warning"} if args.strict else {"error"}
    failed = any(f.severity in failing for item in checked for f in item.findings)
    if args.json:
        output: dict[str, object] = {
            "findings": [
                {**finding.as_dict(), "agreement": display_path(item.loaded.path)}
                for item in checked
                for finding in item.findings
            ],
            "ok": not failed,
        }
        if portfolio:
            output["agreements"] = [
                {
                    "file": display_path(item.loaded.path),
                    "customer": item.loaded.agreement.customer.name,
                    "errors": sum(f.severity == "error" for f in item.findings),
                    "warnings": sum(f.severity == "warning" for f in item.findings),
                    "info": sum(f.severity == "info" for f in item.findings),
                }
                for item in checked
            ]
        json.dump(output, sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        console = Console(highlight=False, soft_wrap=True)
        for note in skipped:
            console.print(f"Skipped {note}: a provider file, not an agreement", markup=False)
        _print_human(console, checked, portfolio)
        if args.memo is not None:
            console.print(f"Memo written to {display_path(args.memo)} (internal)", markup=False)
    return 1 if failed else 0
