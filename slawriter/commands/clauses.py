"""slawriter clauses: check the clause library (lint) and print it for review (book)."""

from __future__ import annotations

import argparse
from pathlib import Path

from slawriter.commands import format_extensions, json_option, library_option

NAME = "clauses"
HELP = "check the clause library (lint) or print it for review (book)"
DESCRIPTION = (
    "Work on the clause library as a legal reviewer.\n\n"
    "  lint   report every problem in the library (file, line, what, why);\n"
    "         exit 1 when there are findings, 0 when the library is clean\n"
    "  book   the whole library as one document for review: every clause and variant\n"
    "         with its metadata, variables highlighted with example values"
)
EXAMPLES = """examples:
  slawriter clauses lint
  slawriter clauses lint --library ./our-library
  slawriter clauses lint --json
  slawriter clauses book --out clause-book.docx
  slawriter clauses book --out - > clause-book.md
  slawriter clauses book --out clause-book.html --library ./our-library"""
SUMMARY = True  # -q: lint says it with its exit code; book still writes the book
JSON_ERRORS = True


def add_arguments(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(
        dest="clauses_action", metavar="ACTION", required=True, parser_class=type(parser)
    )
    lint = actions.add_parser(
        "lint",
        help="report every problem in the clause library",
        description="Report every problem in the clause library: front matter, duplicates, "
        "Jinja syntax, unknown names, conditions, profiles, unreachable variants, approved "
        "clauses including drafts, unmeasurable wording and sandbox escapes.",
        epilog="example:\n  slawriter clauses lint --library ./our-library\n\n"
        "exit codes: 0 clean, 1 findings, 2 the library cannot be found",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    json_option(lint, "print the findings as JSON")
    library_option(lint)
    book = actions.add_parser(
        "book",
        help="write the clause book for review, in any output format",
        description="Write the whole library as one document for legal review: clauses "
        "grouped by section in profile order, each variant's metadata side by side, every "
        "variable highlighted and shown with an example value, and a table of contents.",
        epilog="examples:\n  slawriter clauses book --out clause-book.docx\n"
        "  slawriter clauses book --out clause-book.html --example examples/acme-standard.yaml",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    book.add_argument(
        "--out",
        type=Path,
        required=True,
        metavar="FILE",
        help=f"the book to write: {format_extensions()} (the extension picks the format); "
        "'-' writes the Markdown to standard output",
    )
    book.add_argument(
        "--example",
        type=Path,
        action="append",
        metavar="AGREEMENT.yaml",
        help="agreement whose values fill the variables (repeatable; default: the built-in "
        "examples that fit the library's profiles)",
    )
    book.add_argument("--force", action="store_true", help="replace an existing file")
    library_option(book)


def run(args: argparse.Namespace) -> int:
    if args.clauses_action == "lint":
        return _lint(args)
    return _book(args)


def _lint(args: argparse.Namespace) -> int:
    from slawriter.errors import EXIT_FOUND, EXIT_OK
    from slawriter.files.output import display_path
    from slawriter.library import Library, builtin_library_root
    from slawriter.review.lint import lint
    from slawriter.text.words import plural

    library = Library.locate(args.library)
    findings = lint(library)
    builtin = library.root.resolve() == builtin_library_root().resolve()
    where = "the built-in library" if builtin else display_path(library.root)
    clauses = len(list(library.clauses_dir.glob("*.md")))
    profiles = len(list(library.profiles_dir.glob("*.yaml")))
    if args.json:
        import json

        result = {
            "library": display_path(library.root),  # a path, as diff --json gives it
            "builtin": builtin,
            "clean": not findings,
            "clause_files": clauses,
            "profiles": profiles,
            "findings": [
                {"file": f.file, "line": f.line, "kind": f.kind, "what": f.what, "why": f.why}
                for f in findings
            ],
        }
        print(json.dumps(result, indent=2, ensure_ascii=False))
        return EXIT_FOUND if findings else EXIT_OK
    if not findings:
        print(f"{where}: clean ({clauses} clause files, {profiles} profiles)")
        return EXIT_OK
    for finding in findings:
        print(finding)
    count = len(findings)
    files = len({f.file for f in findings})
    print(f"{plural(count, 'finding')} in {plural(files, 'file')}")
    return EXIT_FOUND


def _book(args: argparse.Namespace) -> int:
    import sys

    from slawriter.errors import EXIT_OK
    from slawriter.files.output import display_path
    from slawriter.library import Library
    from slawriter.review.book import write_book

    library = Library.locate(args.library)
    written = write_book(library, args.out, args.example or [], force=args.force)
    if str(args.out) == "-":
        if not getattr(args, "quiet", False):
            sys.stderr.write(f"Wrote the clause book to standard output ({written.summary})\n")
        return EXIT_OK
    print(f"Wrote the clause book {display_path(written.path)} ({written.summary})")
    return EXIT_OK
