"""slawriter render: draft the agreement documents."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from slawriter.commands import known_formats, library_option

if TYPE_CHECKING:
    from slawriter.feasibility import Finding
    from slawriter.text.console import Console

NAME = "render"
HELP = "draft the agreement documents (Word and Markdown, or the formats --format names)"
DESCRIPTION = "Draft the agreement documents from one or more agreement files."
EXAMPLES = """examples:
  slawriter render examples/acme-standard.yaml --out out/
  slawriter render examples/*.yaml --out out/ --format docx,md,pdf"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("agreements", nargs="+", type=Path, metavar="AGREEMENT.yaml")
    parser.add_argument(
        "--out",
        type=Path,
        default=Path("out"),
        metavar="DIR",
        help="folder for the documents (default: out/)",
    )
    parser.add_argument(
        "--format",
        default="docx,md",
        metavar="LIST",
        help=f"comma-separated, of: {known_formats()} (default: docx,md)",
    )
    parser.add_argument(
        "--force", action="store_true", help="replace outputs even if someone edited them"
    )
    parser.add_argument(
        "--allow-draft",
        action="store_true",
        help="render draft clauses, with a visible DRAFT marking",
    )
    parser.add_argument(
        "--accept-risk",
        action="append",
        default=[],
        metavar='RULE-ID="reason"',
        help="render although a feasibility rule finds an error, for this reason "
        "(repeatable; recorded in the internal record, never in the document)",
    )
    parser.add_argument(
        "--provenance-appendix",
        action="store_true",
        help="end the document with an appendix listing each clause's id, variant and "
        "version, the profile, the agreement hash and the library commit",
    )
    library_option(parser)


def parse_accepted_risks(values: list[str]) -> dict[str, str]:
    """['warranty-vs-resolution=spares are on order'] -> {rule id: reason}."""
    from slawriter.errors import InputError

    risks: dict[str, str] = {}
    for value in values:
        rule_id, sign, reason = value.partition("=")
        rule_id, reason = rule_id.strip(), reason.strip().strip('"').strip()
        if not sign or not rule_id or not reason:
            raise InputError(
                f"--accept-risk: '{value}' should be RULE-ID=\"reason\", e.g. "
                'uptime-vs-recovery="second server ordered, arrives 10 January"'
            )
        risks[rule_id] = reason
    return risks


def print_findings(console: Console, path: Path, findings: list[Finding]) -> None:
    """Errors (accepted as risks) and warnings in full, grouped by severity."""
    from slawriter.files.output import display_path
    from slawriter.text.console import escape

    styles = {"error": ("bold red", "Accepted risks"), "warning": ("yellow", "Warnings")}
    for severity, (style, heading) in styles.items():
        group = [f for f in findings if f.severity == severity]
        if not group:
            continue
        console.print(f"[{style}]{heading}[/{style}] in {escape(display_path(path))}:")
        for finding in group:
            console.print(f"  - [{style}]{finding.id}[/{style}]: {escape(finding.message)}")
            if finding.suggestion:
                console.print(f"      fix: {escape(finding.suggestion)}")


def run(args: argparse.Namespace) -> int:
    from slawriter.errors import EXIT_OK
    from slawriter.files.output import display_path
    from slawriter.library import Library
    from slawriter.pipeline.render import parse_formats, render_files
    from slawriter.text.console import console as output_console

    formats = parse_formats(args.format)
    risks = parse_accepted_risks(args.accept_risk)
    library = Library.locate(args.library)
    outcome = render_files(
        args.agreements,
        args.out,
        formats,
        library=library,
        force=args.force,
        allow_draft=args.allow_draft,
        accept_risks=risks,
        provenance_appendix=args.provenance_appendix,
    )
    console = output_console()
    for note in outcome.skipped:
        console.print(f"Skipped {note}", markup=False)
    for path, findings in outcome.findings:
        print_findings(console, path, findings)
    notes = [p for p, findings in outcome.findings if any(f.severity == "info" for f in findings)]
    if notes:
        names = " ".join(display_path(p) for p in notes)
        console.print(f"Some promises were not checked: see slawriter check {names}", markup=False)
    for item in outcome.written:
        names = ", ".join(display_path(p) for p in item.files)
        console.print(
            f"[green]Drafted[/green] {display_path(item.agreement)} -> {names}", markup=True
        )
    return EXIT_OK
