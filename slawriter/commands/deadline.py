"""slawriter deadline: when a target falls due on its calendar."""

from __future__ import annotations

import argparse

NAME = "deadline"
HELP = "when a priority's targets (or any amount of business time) fall due"
DESCRIPTION = """When a ticket logged at --from must be answered, resolved and updated.

With --agreement and --priority, prints the priority's response, resolution and update
deadlines on its own calendar. With --amount, the deadline for that much business time
(e.g. 4h, 2 business days). --pause spans stop the clock; times without an offset are local
to the calendar. --json prints "deadline" (the --target one, default resolution) and
"deadlines" for every target, as ISO 8601 with the offset."""
EXAMPLES = """examples:
  slawriter deadline --agreement examples/acme-standard.yaml --priority P2 --from 2026-12-24T16:00
  slawriter deadline --hours "mon-fri 09:00-17:00" --timezone Europe/London --holidays GB-ENG \\
      --from 2026-12-24T16:00 --amount 4h --json"""

# --target's choices: slawriter.measure.questions.TARGETS, written out so that building the
# parser (slawriter --help) does not import the measuring engine.
TARGETS = ("response", "resolution", "update")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from slawriter.commands.clock import add_calendar_arguments

    parser.add_argument("--from", dest="start", required=True, metavar="TIME", help="logged at")
    parser.add_argument(
        "--amount", metavar="DURATION", help="business time instead of the priority's targets"
    )
    parser.add_argument(
        "--target",
        choices=TARGETS,
        default="resolution",
        help='which deadline --json gives as "deadline" (default: resolution)',
    )
    parser.add_argument(
        "--pause", action="append", default=[], metavar="START/END", help="repeatable"
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")
    add_calendar_arguments(parser)


def run(args: argparse.Namespace) -> int:
    import json

    from slawriter.commands.clock import calendar_options, warn
    from slawriter.errors import EXIT_OK
    from slawriter.measure.questions import deadlines

    answer = deadlines(calendar_options(args), args.start, args.amount, args.pause)
    print(
        json.dumps(answer.as_json(args.target), indent=2)
        if args.json
        else "\n".join(answer.lines())
    )
    warn(answer.notes)
    return EXIT_OK
