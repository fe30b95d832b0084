"""slawriter diff: what changed between two drafts, in words and as a Word redline."""

from __future__ import annotations

import argparse
from pathlib import Path

from slawriter.commands import library_option

NAME = "diff"
HELP = "compare two agreements (or two library versions): summary and Word redline"
DESCRIPTION = """Compare two agreement files, or one agreement rendered with two library
versions. Prints the changed commitments in plain words ("P1 response: 30 minutes ->
15 minutes", "clause data-protection 1.0.0 -> 1.1.0") and, with --out, writes a .docx
redline with real Word tracked changes that Word and LibreOffice show and can accept or
reject.

exit codes: 0 nothing changed, 1 something changed, 2 bad input, 3 --out exists"""
EXAMPLES = """examples:
  slawriter diff old/acme.yaml new/acme.yaml
  slawriter diff old/acme.yaml new/acme.yaml --out acme-redline.docx
  slawriter diff acme.yaml --old-library ./our-library-v1 --out acme-redline.docx"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("agreements", nargs="+", type=Path, metavar="AGREEMENT.yaml",
                        help="OLD.yaml NEW.yaml, or one agreement with --old-library")  # fmt: skip
    parser.add_argument(
        "--old-library",
        metavar="DIR",
        help="library for the old side (default: the same library as the new side)",
    )
    parser.add_argument(
        "--out", type=Path, metavar="FILE.docx", help="write a Word redline with tracked changes"
    )
    parser.add_argument(
        "--author",
        default="slawriter",
        help="the author of the tracked changes (default: slawriter)",
    )
    parser.add_argument(
        "--date",
        metavar="YYYY-MM-DDTHH:MM",
        help="the date of the tracked changes (default: now, UTC)",
    )
    parser.add_argument(
        "--allow-draft", action="store_true", help="compare drafts made with unapproved clauses"
    )
    parser.add_argument("--force", action="store_true", help="replace an existing redline")
    library_option(parser)


def run(args: argparse.Namespace) -> int:
    from datetime import UTC, datetime

    from slawriter.errors import InputError, RefusedError
    from slawriter.files.output import display_path, write_atomic
    from slawriter.library import Library
    from slawriter.review.diff import draft, summarise

    paths: list[Path] = args.agreements
    if len(paths) > 2 or (len(paths) == 1 and not args.old_library):
        raise InputError(
            "diff compares OLD.yaml NEW.yaml, or one AGREEMENT.yaml with --old-library DIR"
        )
    old_path, new_path = (paths[0], paths[-1])
    new_library = Library.locate(args.library)
    old_library = Library.locate(args.old_library) if args.old_library else new_library
    if args.out is not None:
        if args.out.suffix.lower() != ".docx":
            raise InputError(f"--out {display_path(args.out)}: the redline is a .docx file")
        if args.out.exists() and not args.force:
            raise RefusedError(
                f"Refusing to overwrite {display_path(args.out)}: pass --force to replace it."
            )
    when = datetime.now(UTC).replace(microsecond=0)
    if args.date:
        try:
            when = datetime.fromisoformat(args.date)
        except ValueError:
            raise InputError(
                f"--date: '{args.date}' is not a date such as 2026-11-25T10:00"
            ) from None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
    old = draft(old_path, old_library, args.allow_draft)
    new = draft(new_path, new_library, args.allow_draft)
    lines = summarise(old, new)
    old_name = display_path(old_path) + (
        f" (library {display_path(old_library.root)})" if args.old_library else ""
    )
    new_name = display_path(new_path) + (
        f" (library {display_path(new_library.root)})" if args.old_library else ""
    )
    if not lines:
        print(f"No changes: {old_name} and {new_name} give the same document.")
    else:
        print(f"Changes from {old_name} to {new_name}:")
        for line in lines:
            print(f"  {line}")
    if args.out is not None:
        from slawriter.render.word import render_redline_docx

        data, insertions, deletions = render_redline_docx(
            old.document, new.document, new_library.word_template, args.author, when
        )
        write_atomic(args.out, data)
        print(
            f"Wrote the redline {display_path(args.out)}: {insertions} insertions and "
            f"{deletions} deletions tracked as changes by {args.author}"
        )
    return 1 if lines else 0
