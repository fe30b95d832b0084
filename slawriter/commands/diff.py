"""slawriter diff: what changed between two drafts, in words and as a Word redline."""

from __future__ import annotations

import argparse
from pathlib import Path

from slawriter.commands import json_option, library_option

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
  slawriter diff acme.yaml --old-library ./our-library-v1 --out acme-redline.docx
  slawriter diff old/acme.yaml new/acme.yaml --json"""
SUMMARY = True  # -q: the exit code says whether anything changed
JSON_ERRORS = True


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
    json_option(parser, "print the changes (and the redline written) as JSON")
    library_option(parser)


def run(args: argparse.Namespace) -> int:
    from slawriter.errors import EXIT_FOUND, EXIT_OK, InputError
    from slawriter.files.output import display_path
    from slawriter.files.reading import check_stdin_once
    from slawriter.library import Library
    from slawriter.review.diff import Redline, compare_files, parse_change_date
    from slawriter.text.words import plural

    paths: list[Path] = args.agreements
    check_stdin_once(paths)
    if len(paths) > 2 or (len(paths) == 1 and not args.old_library):
        raise InputError(
            "diff compares OLD.yaml NEW.yaml, or one AGREEMENT.yaml with --old-library DIR"
        )
    old_path, new_path = (paths[0], paths[-1])
    new_library = Library.locate(args.library)
    old_library = (
        Library.locate(args.old_library, flag="--old-library") if args.old_library else new_library
    )
    when = parse_change_date(args.date)
    redline = None if args.out is None else Redline(args.out, args.author, when, args.force)
    compared = compare_files(
        old_path,
        new_path,
        old_library,
        new_library,
        allow_draft=args.allow_draft,
        redline=redline,
    )
    old_name, new_name = display_path(old_path), display_path(new_path)
    if args.json:
        import json

        result = {
            "old": {"file": old_name, "library": display_path(old_library.root)},
            "new": {"file": new_name, "library": display_path(new_library.root)},
            "changed": bool(compared.lines),
            "changes": list(compared.lines),
            "redline": None
            if args.out is None
            else {
                "file": display_path(args.out),
                "insertions": compared.insertions,
                "deletions": compared.deletions,
                "author": args.author,
            },
        }
        print(json.dumps(result, indent=2, ensure_ascii=False))
        return EXIT_FOUND if compared.lines else EXIT_OK
    if args.old_library:
        old_name += f" (library {display_path(old_library.root)})"
        new_name += f" (library {display_path(new_library.root)})"
    if not compared.lines:
        print(f"No changes: {old_name} and {new_name} give the same document.")
    else:
        print(f"Changes from {old_name} to {new_name}:")
        for line in compared.lines:
            print(f"  {line}")
    if args.out is not None:
        print(
            f"Wrote the redline {display_path(args.out)}: "
            f"{plural(compared.insertions, 'insertion')} and "
            f"{plural(compared.deletions, 'deletion')} tracked as changes by {args.author}"
        )
    return EXIT_FOUND if compared.lines else EXIT_OK
