"""slawriter render: draft the agreement documents."""

from __future__ import annotations

import argparse
from pathlib import Path

from slawriter.commands import library_option

NAME = "render"
HELP = "draft the agreement documents (Word, Markdown, PDF)"
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
        help="comma-separated: docx, md, pdf (default: docx,md; pdf needs LibreOffice)",
    )
    parser.add_argument(
        "--force", action="store_true", help="replace outputs even if someone edited them"
    )
    parser.add_argument(
        "--allow-draft",
        action="store_true",
        help="render draft clauses, with a visible DRAFT marking",
    )
    library_option(parser)


def run(args: argparse.Namespace) -> int:
    from rich.console import Console

    from slawriter.files import display_path
    from slawriter.library import Library
    from slawriter.pipeline import parse_formats, render_files

    formats = parse_formats(args.format)
    library = Library.locate(args.library)
    outcome = render_files(
        args.agreements,
        args.out,
        formats,
        library=library,
        force=args.force,
        allow_draft=args.allow_draft,
    )
    console = Console(highlight=False, soft_wrap=True)
    for note in outcome.skipped:
        console.print(f"Skipped {note}", markup=False)
    for item in outcome.written:
        names = ", ".join(display_path(p) for p in item.files)
        console.print(
            f"[green]Drafted[/green] {display_path(item.agreement)} -> {names}", markup=True
        )
    return 0
