"""slawriter library: create a firm's own copy of the clause library."""

from __future__ import annotations

import argparse
import shlex
from pathlib import Path

NAME = "library"
HELP = "create your own copy of the clause library (library init DIR)"
DESCRIPTION = (
    "Create a copy of the built-in library (clauses, profiles, question files and the Word "
    "template) in a new folder, to edit, approve and keep in Git. Use it with --library DIR "
    "or the SLAWRITER_LIBRARY environment variable."
)
EXAMPLES = """examples:
  slawriter library init ./our-library
  slawriter render acme.yaml --library ./our-library"""
SUMMARY = True  # -q: only problems


def add_arguments(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(
        dest="library_action", metavar="ACTION", required=True, parser_class=type(parser)
    )
    init = actions.add_parser(
        "init",
        help="copy the built-in library into a new folder",
        description="Copy the built-in library into a new (or empty) folder.",
        epilog="example:\n  slawriter library init ./our-library\n\n"
        "exit codes: 0 done, 2 bad folder, 3 the folder is not empty",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    init.add_argument("folder", type=Path, metavar="DIR", help="the new library folder")


def run(args: argparse.Namespace) -> int:
    from slawriter.errors import EXIT_OK
    from slawriter.files.output import display_path
    from slawriter.library import builtin_library_root
    from slawriter.library.create import create_library
    from slawriter.text.words import plural

    create_library(builtin_library_root(), args.folder)
    name = display_path(args.folder)
    clauses = len(list((args.folder / "clauses").glob("*.md")))
    profiles = len(list((args.folder / "profiles").glob("*.yaml")))
    print(
        f"Created the library {name}: {plural(clauses, 'clause file')}, "
        f"{plural(profiles, 'profile')} and the Word template."
    )
    # Every line runs from where the user is now: the Git steps in a subshell, so the
    # --library paths after them still point at the new folder.
    folder = shlex.quote(name)
    print("Next:")
    print(f"  (cd {folder} && git init && git add . && git commit -m 'Our clause library')")
    print(f"  slawriter clauses lint --library {folder}")
    print(f"  slawriter render AGREEMENT.yaml --library {folder}")
    return EXIT_OK
