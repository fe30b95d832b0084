"""slawriter render: draft the agreement documents."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from slawriter.commands import json_option, known_formats, library_option

if TYPE_CHECKING:
    from slawriter.feasibility import Finding
    from slawriter.text.console import Console

NAME = "render"
HELP = "draft the agreement documents (Word and Markdown, or the formats --format names)"
DESCRIPTION = "Draft the agreement documents from one or more agreement files."
EXAMPLES = """examples:
  slawriter render examples/acme-standard.yaml --out out/
  slawriter render examples/*.yaml --out out/ --format docx,md,pdf
  slawriter render examples/acme-standard.yaml --out - | less
  slawriter render examples/*.yaml --json"""
SUMMARY = True  # -q: only problems; the documents are still written
JSON_ERRORS = True


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("agreements", nargs="+", type=Path, metavar="AGREEMENT.yaml")
    parser.add_argument(
        "--out",
        type=Path,
        default=Path("out"),
        metavar="DIR",
        help="folder for the documents (default: out/); '-' writes one agreement's "
        "Markdown to standard output",
    )
    parser.add_argument(
        "--format",
        metavar="LIST",
        help=f"comma-separated, of: {known_formats()} (default: docx,md; md with --out -)",
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
    parser.add_argument(
        "--pdf-a",
        action="store_true",
        help="write the PDF as PDF/A-2b, for archiving (fonts embedded; needs --format with pdf)",
    )
    json_option(parser, "print what was written, the findings and the accepted risks as JSON")
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
    from slawriter.files.reading import check_stdin_once
    from slawriter.library import Library
    from slawriter.pipeline.render import parse_formats, render_files
    from slawriter.text.console import console as output_console

    check_stdin_once(args.agreements)
    if str(args.out) == "-":
        return _to_stdout(args)
    formats = parse_formats(args.format or "docx,md")
    if args.pdf_a and "pdf" not in formats:
        from slawriter.errors import InputError

        raise InputError("--pdf-a: no PDF to write: add pdf to --format, e.g. --format docx,pdf")
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
        pdf_a=args.pdf_a,
    )
    if outcome.missing_glyphs:
        from rich.console import Console as RichConsole

        from slawriter.render.fonts import describe, font_advice

        err = RichConsole(stderr=True, highlight=False, soft_wrap=True, emoji=False)
        for pdf, characters in outcome.missing_glyphs:
            err.print(
                f"Warning: {display_path(pdf)}: no installed font has {describe(characters)}: "
                f"they print as empty boxes. {font_advice(characters)} and render again.",
                markup=False,
            )
    if args.json:
        _print_json(outcome)
        return EXIT_OK
    console = output_console()
    for path, reason in outcome.skipped:
        console.print(f"Skipped {display_path(path)}: {reason}", markup=False)
    for path, findings in outcome.findings:
        print_findings(console, path, findings)
    notes = [p for p, findings in outcome.findings if any(f.severity == "info" for f in findings)]
    if notes:
        # Standard input has been read: 'slawriter check -' would wait for it again.
        named = [display_path(p) for p in notes if str(p) != "-"]
        if named:
            names = " ".join(named)
            console.print(
                f"Some promises were not checked: see slawriter check {names}", markup=False
            )
        if len(named) < len(notes):
            console.print(
                "Some promises in the agreement read from standard input were not checked: "
                "run slawriter check on the agreement file",
                markup=False,
            )
    for item in outcome.written:
        names = ", ".join(display_path(p) for p in item.files)
        console.print(
            f"[green]Drafted[/green] {display_path(item.agreement)} -> {names}", markup=True
        )
    return EXIT_OK


def _to_stdout(args: argparse.Namespace) -> int:
    """--out -: one agreement's Markdown on standard output; findings on standard error."""
    import sys

    from rich.console import Console

    from slawriter.errors import EXIT_OK, InputError
    from slawriter.library import Library
    from slawriter.pipeline.render import parse_formats, render_document

    formats = parse_formats(args.format or "md")
    if formats != ["md"] or len(args.agreements) != 1 or args.json:
        raise InputError(
            "--out - writes one Markdown document to standard output: give one agreement, "
            "--format md (or no --format) and no --json"
        )
    data, findings, _ = render_document(
        args.agreements[0],
        "md",
        library=Library.locate(args.library),
        allow_draft=args.allow_draft,
        accept_risks=parse_accepted_risks(args.accept_risk),
        provenance_appendix=args.provenance_appendix,
    )
    if not getattr(args, "quiet", False):
        print_findings(
            Console(stderr=True, highlight=False, emoji=False), args.agreements[0], findings
        )
    sys.stdout.flush()
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()
    return EXIT_OK


def _print_json(outcome: Any) -> None:
    import json

    from slawriter.files.output import display_path

    findings = [
        {"agreement": display_path(path), **finding.as_dict()}
        for path, found in outcome.findings
        for finding in found
    ]
    result = {
        "written": [
            {
                "agreement": display_path(item.agreement),
                "files": [display_path(f) for f in item.files],
            }
            for item in outcome.written
        ],
        "skipped": [
            {"file": display_path(path), "reason": reason} for path, reason in outcome.skipped
        ],
        "findings": findings,
        "accepted_risks": [
            {"agreement": display_path(item.agreement), **risk}
            for item in outcome.written
            for risk in item.accepted_risks
        ],
    }
    print(json.dumps(result, indent=2, ensure_ascii=False))
