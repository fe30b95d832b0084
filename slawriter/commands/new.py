"""slawriter new: the guided questionnaire that drafts a customer's agreement."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from slawriter.commands import library_option
from slawriter.errors import EXIT_FOUND, EXIT_INTERRUPTED, EXIT_OK, InputError

if TYPE_CHECKING:
    from slawriter.pipeline.session import Outcome, Request

NAME = "new"
HELP = "draft a new agreement by answering questions"
DESCRIPTION = """Draft a customer's agreement by answering questions, review the answers,
and get the Word and Markdown documents (in out/ beside the agreement file; --format adds
PDF). Every answer
is saved at once in the agreement file (marked 'incomplete: true' until the end): stop with
Ctrl-C at any time and carry on later with --resume. --resume on a finished agreement goes
straight to the review, to change answers and draft again.

The provider file (your company's details) is found from --provider, else
$SLAWRITER_PROVIDER, else ./provider.yaml, else ~/.config/slawriter/provider.yaml; when there
is none the wizard asks for your company's details first and saves them."""
EXAMPLES = """examples:
  slawriter new
  slawriter new --profile smb --out acme.yaml
  slawriter new --resume acme.yaml
  slawriter new --resume acme.yaml --format docx,md,pdf
  slawriter new --from acme-2026.yaml --out acme-2027.yaml
  slawriter new --profile smb --out shop.yaml --defaults \\
      --data customer.name="Corner Shop Ltd" --data "customer.address=[1 High St, Bristol]" \\
      --data customer.signatory.name="Sam Lee"

exit codes: 0 done; 1 done, with feasibility findings (--defaults); 2 bad input, answers
still needed (--defaults) or no terminal; 3 refused (the file exists); 130 interrupted,
answers saved"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--profile", metavar="NAME", help="standard or smb (asked if not given)")
    parser.add_argument(
        "--out",
        type=Path,
        metavar="FILE.yaml",
        help="the agreement file to write (default: named after the customer)",
    )
    parser.add_argument(
        "--resume",
        type=Path,
        metavar="FILE.yaml",
        help="carry on with an unfinished agreement (or change a finished one)",
    )
    parser.add_argument(
        "--from",
        dest="source",
        type=Path,
        metavar="FILE.yaml",
        help="start from an existing agreement (a renewal): new reference and dates are asked",
    )
    parser.add_argument("--provider", type=Path, metavar="FILE", help="your provider file")
    parser.add_argument(
        "--format",
        default="docx,md",
        metavar="LIST",
        help="documents to write, comma-separated: docx, md, pdf (default docx,md; pdf needs "
        "LibreOffice)",
    )
    parser.add_argument(
        "--defaults",
        action="store_true",
        help="ask nothing: take every default (no terminal needed); lists answers still needed",
    )
    parser.add_argument(
        "--data",
        action="append",
        default=[],
        metavar="PATH=VALUE",
        help="an answer given in advance, e.g. customer.name='Acme Ltd' (repeatable; "
        "lists as [a, b])",
    )
    # Draft as if on another day (defaults such as the first of next month, a renewal's
    # dates): for tests and demonstrations that must not depend on the real date.
    # Documented in docs/wizard.md, left out of --help.
    parser.add_argument("--today", metavar="DATE", help=argparse.SUPPRESS)
    library_option(parser)


def program() -> str:
    """How to run slawriter again: its name when it is on PATH, else the path it was run by
    (``.venv/bin/slawriter`` after ``make run``)."""
    import os
    import shutil

    here = Path(sys.argv[0])
    found = shutil.which("slawriter")
    if here.name != "slawriter" or (found and Path(found).resolve() == here.resolve()):
        return "slawriter"
    try:
        shown = str(here.resolve().relative_to(Path.cwd()))
    except ValueError:
        shown = str(here.resolve())
    return shown if os.sep in shown else f".{os.sep}{shown}"


def _formats(text: str) -> tuple[str, ...]:
    formats = tuple(f.strip().lower() for f in text.split(",") if f.strip())
    unknown = [f for f in formats if f not in ("docx", "md", "pdf")]
    if unknown or not formats:
        raise InputError(f"--format: '{text}': expected a list of docx, md and pdf, e.g. docx,pdf")
    return formats


def request(args: argparse.Namespace) -> Request:
    from slawriter.pipeline.session import Request

    return Request(
        formats=_formats(args.format),
        program=program(),
        profile=args.profile,
        out=args.out,
        resume=args.resume,
        source=args.source,
        provider=args.provider,
        defaults=args.defaults,
        data=tuple(args.data),
        library=args.library,
    )


def exit_code(outcome: Outcome) -> int:
    from slawriter.pipeline.session import Outcome

    return {
        Outcome.DRAFTED: EXIT_OK,
        Outcome.DRAFTED_WITH_FINDINGS: EXIT_FOUND,
        Outcome.INTERRUPTED: EXIT_INTERRUPTED,
    }[outcome]


def run(args: argparse.Namespace) -> int:
    from slawriter.pipeline.session import Session

    interactive = not args.defaults
    if interactive and not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise InputError(
            "slawriter new asks questions and needs a terminal. Without one, pass --defaults "
            "(and the answers with --data PATH=VALUE), e.g. slawriter new --profile smb "
            "--defaults --data customer.name='Acme Ltd' ..."
        )
    prompter = None
    if interactive:
        from slawriter.wizard.prompts import Terminal

        prompter = Terminal()
    return exit_code(Session(request(args), prompter, today=_today(args.today)).run())


def _today(text: str | None) -> date:
    if text is None:
        return date.today()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InputError(f"--today: '{text}' is not a date such as 2027-01-31") from None
