"""slawriter serve: the questionnaire as a local web app, for people who live in a browser."""

from __future__ import annotations

import argparse
from pathlib import Path

from slawriter.commands import library_option

NAME = "serve"
HELP = "the questionnaire in the browser (a local web app)"
DESCRIPTION = """Serve the questionnaire of 'slawriter new' as a web app: the agreement files of
a folder, one page per section, the feasibility findings beside the questions, a preview of
the clauses, and the documents to download at the end. Every answer is saved in the agreement
file at once, so 'slawriter new --resume FILE' can carry on in a terminal, and the reverse.

It listens on 127.0.0.1 (this computer only). With --host 0.0.0.0 (an office network) it
prints an address carrying an access token: only those who have it can use the app."""
EXAMPLES = """examples:
  slawriter serve
  slawriter serve --dir customers/ --port 9000
  slawriter serve --host 0.0.0.0 --dir /srv/agreements

exit codes: 0 stopped with Ctrl-C; 2 bad input (no such folder, port taken)"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--dir", type=Path, default=Path("."), metavar="DIR", help="the folder of agreements"
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=8765, help="port (default 8765)")
    parser.add_argument("--provider", type=Path, metavar="FILE", help="your provider file")
    parser.add_argument("--no-browser", action="store_true", help="do not open a browser at start")
    parser.add_argument("--today", metavar="DATE", help=argparse.SUPPRESS)
    library_option(parser)


def run(args: argparse.Namespace) -> int:
    from slawriter.commands.new import _today
    from slawriter.errors import EXIT_OK, InputError
    from slawriter.web.server import serve, settings_for

    if not args.dir.is_dir():
        raise InputError(f"--dir {args.dir}: no such folder")
    settings = settings_for(
        args.host,
        args.dir,
        provider=args.provider,
        library=args.library,
        today=_today(args.today) if args.today else None,
    )
    serve(args.host, args.port, settings, print, open_browser=not args.no_browser)
    return EXIT_OK
