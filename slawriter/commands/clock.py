"""slawriter clock: business time between two instants on a calendar."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from slawriter.commands import library_option

if TYPE_CHECKING:
    from slawriter.measure.moments import CalendarOptions

NAME = "clock"
HELP = "business time between two times on a calendar"
DESCRIPTION = """Business time between two times on a calendar, less any pauses.

Give the calendar with --hours/--timezone/--holidays, or take it from an agreement file
(--agreement, with --priority for that priority's calendar, or --calendar NAME). Times
without an offset are local to the calendar; spans are [from, to)."""
EXAMPLES = """examples:
  slawriter clock --from 2026-11-27T16:55 --to 2026-11-30T09:05 \\
      --hours "mon-fri 09:00-17:00" --timezone Europe/London --holidays GB-ENG
  slawriter clock --agreement examples/acme-standard.yaml --priority P2 \\
      --from 2027-01-08T16:00 --to 2027-01-11T10:00 --pause 2027-01-11T09:00/2027-01-11T09:30
  slawriter clock --hours 24x7 --timezone UTC --from 2027-01-01 --to 2027-02-01 --json"""


def add_calendar_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("calendar (either the options or an agreement file)")
    group.add_argument("--hours", metavar="HOURS", help='weekly hours, e.g. "mon-fri 09:00-17:00"')
    group.add_argument("--timezone", metavar="ZONE", help="IANA time zone, e.g. Europe/London")
    group.add_argument(
        "--holidays", metavar="CC[-SUB]", help="public holidays, e.g. GB-ENG, US-NY, DE"
    )
    group.add_argument("--agreement", type=Path, metavar="FILE", help="an agreement file")
    group.add_argument("--priority", metavar="ID", help="use this priority's calendar, e.g. P1")
    group.add_argument("--calendar", metavar="NAME", help="use this calendar of the agreement")
    library_option(parser)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--from", dest="start", required=True, metavar="TIME", help="start")
    parser.add_argument("--to", dest="end", required=True, metavar="TIME", help="end")
    parser.add_argument(
        "--pause",
        action="append",
        default=[],
        metavar="START/END",
        help="a span when the clock stands still (repeatable)",
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")
    add_calendar_arguments(parser)


def calendar_options(args: argparse.Namespace) -> CalendarOptions:
    """The calendar options as parsed; shared with the deadline command."""
    from slawriter.measure.moments import CalendarOptions

    return CalendarOptions(
        args.hours,
        args.timezone,
        args.holidays,
        args.agreement,
        args.priority,
        args.calendar,
        args.library,
    )


def run(args: argparse.Namespace) -> int:
    import json

    from slawriter.errors import EXIT_OK
    from slawriter.measure.questions import business_time

    answer = business_time(calendar_options(args), args.start, args.end, args.pause)
    print(json.dumps(answer.as_json(), indent=2) if args.json else "\n".join(answer.lines()))
    warn(answer.notes)
    return EXIT_OK


def warn(notes: tuple[str, ...]) -> None:
    """Each note (a year of public holidays only estimated) as a warning on standard error."""
    import sys

    for note in notes:
        sys.stderr.write(f"Warning: {note}.\n")
