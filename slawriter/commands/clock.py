"""slawriter clock: business time between two instants on a calendar."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from slawriter.commands import library_option

if TYPE_CHECKING:
    from slawriter.clock.engine import Calendar

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


def choose_calendar(args: argparse.Namespace) -> tuple[Calendar, str]:
    """(Calendar, description) from the options; shared with the deadline command."""
    from slawriter.errors import InputError
    from slawriter.measure.moments import agreement_calendar, calendar_from_options, describe

    if args.agreement is not None:
        if args.hours or args.timezone or args.holidays:
            raise InputError("give either --agreement or --hours/--timezone/--holidays, not both")
        from slawriter.files.load import load_agreement
        from slawriter.library import Library

        loaded = load_agreement(args.agreement, Library.locate(args.library))
        calendar, name = agreement_calendar(
            loaded.agreement, loaded.provider, args.priority, args.calendar
        )
        return calendar, f"calendar '{name}': {describe(calendar)}"
    if args.priority or args.calendar:
        raise InputError("--priority and --calendar need --agreement")
    calendar = calendar_from_options(args.hours, args.timezone, args.holidays)
    return calendar, describe(calendar)


def run(args: argparse.Namespace) -> int:
    import json
    import sys
    from datetime import UTC, timedelta

    from slawriter.errors import EXIT_OK
    from slawriter.measure.moments import parse_moment, parse_pause
    from slawriter.text.times import business_words as words
    from slawriter.text.times import cli_when as when

    calendar, description = choose_calendar(args)
    start, end = parse_moment(args.start, "--from"), parse_moment(args.end, "--to")
    pauses = [parse_pause(text) for text in args.pause]
    zone = calendar.timezone
    start_local = (start if start.tzinfo else start.replace(tzinfo=zone)).astimezone(zone)
    end_local = (end if end.tzinfo else end.replace(tzinfo=zone)).astimezone(zone)
    business = calendar.elapsed(start, end, pauses)
    unpaused = calendar.elapsed(start, end)
    # Subtract in UTC: two times in one zone subtract as wall-clock times, which is an hour
    # out across a clock change.
    wall = max(end_local.astimezone(UTC) - start_local.astimezone(UTC), timedelta(0))
    if args.json:
        body = {
            "from": start_local.isoformat(),
            "to": end_local.isoformat(),
            "business_seconds": business.total_seconds(),
            "calendar_seconds": wall.total_seconds(),
            "paused_business_seconds": (unpaused - business).total_seconds(),
            "calendar": description,
        }
        sys.stdout.write(json.dumps(body, indent=2) + "\n")
        return EXIT_OK
    lines = [
        words(business),
        f"  from {when(start_local)} to {when(end_local)} "
        f"({wall.total_seconds() / 3600:,.2f} hours on the clock)",
        f"  on {description}",
    ]
    if pauses:
        lines.append(f"  less {words(unpaused - business)} paused")
    sys.stdout.write("\n".join(lines) + "\n")
    return EXIT_OK
