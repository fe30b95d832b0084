"""One module per command. Each defines ``NAME``, ``HELP``, ``add_arguments(parser)`` and
``run(args) -> int`` and imports nothing heavy at module level, so ``slawriter --help`` stays
fast. ``run`` is thin: it reads the arguments, calls one function of the package below that
does the work, prints the outcome and returns one of the EXIT_* constants of
slawriter.errors (never a literal); errors are raised, and cli.py turns them into exit codes.
cli.py lists the modules in COMMANDS; adding a command means adding a module here and one
line there.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from slawriter.errors import Problem, SlawriterError


def library_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--library",
        metavar="DIR",
        help="clause library to use (default: $SLAWRITER_LIBRARY, then 'library:' in "
        ".slawriter.yaml, else the built-in one)",
    )


def json_option(parser: argparse.ArgumentParser, text: str) -> None:
    """--json: the outcome as JSON on standard output, keys in a fixed, documented order."""
    parser.add_argument("--json", action="store_true", help=text)


def known_formats() -> str:
    """The output formats for help texts, from the renderer registry, so that a new format
    shows in every command's help: 'docx (Word), html (a web page), ...'."""
    from slawriter.render.registry import known

    return known().replace("%", "%%")  # argparse formats help texts with %


def format_extensions() -> str:
    """The extensions that pick a format, for help texts: '.docx, .html, .md or .pdf'."""
    from slawriter.render.registry import FORMATS

    names = [f".{name}" for name in FORMATS]
    return " or ".join([", ".join(names[:-1]), names[-1]]) if len(names) > 1 else names[0]


def problem_json(problem: Problem) -> dict[str, Any]:
    """One problem as --json prints it: file, line, column, field, message."""
    return {
        "file": problem.file,
        "line": problem.line,
        "column": problem.column,
        "field": problem.path,
        "message": problem.message,
    }


def error_json(error: SlawriterError) -> dict[str, Any]:
    """What a --json command prints when it stops: error, exit_code, problems."""
    return {
        "error": error.message,
        "exit_code": error.exit_code,
        "problems": [problem_json(p) for p in error.problems],
    }
