"""slawriter check: stop promises the provider cannot keep."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from slawriter.commands import format_extensions, library_option

if TYPE_CHECKING:
    from slawriter.feasibility.findings import Checked
    from slawriter.text.console import Console

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
SUMMARY = True  # -q: the exit code says whether a promise cannot be kept

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
        help=f"also write the internal feasibility memo ({format_extensions()}: the extension "
        "picks the format)",
    )
    parser.add_argument(
        "--strict", action="store_true", help="treat warnings as errors (exit code 1)"
    )
    parser.add_argument("--list-rules", action="store_true", help="list the rules and exit")
    library_option(parser)


def _list_rules(as_json: bool) -> None:
    from slawriter.feasibility.rules import RULES

    if as_json:
        rows = [{"id": r.id, "severity": r.severity, "summary": r.summary} for r in RULES.values()]
        print(json.dumps({"rules": rows}, indent=2))
        return
    width = max(len(rule_id) for rule_id in RULES)
    for rule in RULES.values():
        print(f"{rule.id:<{width}}  {rule.severity:<7}  {rule.summary}")


def _print_human(console: Console, checked: list[Checked], portfolio: bool) -> None:
    from slawriter.feasibility.findings import count_words
    from slawriter.files.output import display_path
    from slawriter.text.console import escape
    from slawriter.text.words import plural

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
            f"Portfolio: {plural(len(checked), 'agreement')} sharing "
            f"{plural(len(team), 'provider team')}"
        )


def run(args: argparse.Namespace) -> int:
    from slawriter.errors import EXIT_FOUND, EXIT_OK
    from slawriter.feasibility.portfolio import check_files
    from slawriter.files.output import display_path
    from slawriter.library import Library
    from slawriter.text.console import console as output_console

    if args.list_rules:
        _list_rules(args.json)
        return EXIT_OK
    library = Library.locate(args.library)
    result = check_files(args.agreements, library, args.portfolio)
    if args.memo is not None:
        from slawriter.feasibility.memo import write_memo

        write_memo(args.memo, result.checked, library.word_template)
    if args.json:
        json.dump(result.as_json(args.strict), sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        console = output_console()
        for note in result.skipped:
            console.print(f"Skipped {note}: a provider file, not an agreement", markup=False)
        _print_human(console, result.checked, result.portfolio)
        if args.memo is not None:
            console.print(f"Memo written to {display_path(args.memo)} (internal)", markup=False)
    return EXIT_FOUND if result.failed(args.strict) else EXIT_OK
