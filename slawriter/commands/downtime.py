"""slawriter downtime: the downtime an uptime target allows in a month or a year."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from slawriter.commands import library_option

NAME = "downtime"
HELP = "the downtime an uptime target allows in a month or a year"
DESCRIPTION = (
    "Allowed downtime for an uptime target, counted in the period's actual minutes: in UTC "
    "by default (every minute), in another time zone with --timezone, or on an agreement "
    "service's own basis and calendar (with its holidays and time zone; all hours run in the "
    "zone of the agreement's default calendar, the figure its document prints)."
)
EXAMPLES = """examples:
  slawriter downtime 99.9 --month 2027-02
  slawriter downtime 99.99 --year 2027 --json
  slawriter downtime --month 2027-02 --agreement examples/acme-standard.yaml --service files"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "target", nargs="?", metavar="PERCENT", help="e.g. 99.9 (default: the service's target)"
    )
    when = parser.add_mutually_exclusive_group(required=True)
    when.add_argument("--month", metavar="YYYY-MM", help="a calendar month")
    when.add_argument("--year", metavar="YYYY", help="a calendar year")
    parser.add_argument(
        "--timezone", default="UTC", metavar="ZONE", help="IANA time zone (default UTC)"
    )
    parser.add_argument("--agreement", type=Path, metavar="FILE", help="an agreement file")
    parser.add_argument(
        "--service", metavar="ID", help="with --agreement: count on this service's uptime basis"
    )
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    library_option(parser)


def run(args: argparse.Namespace) -> int:
    from slawriter.errors import EXIT_OK
    from slawriter.measure.questions import allowed_downtime

    answer = allowed_downtime(
        args.target,
        month=args.month,
        year=args.year,
        timezone=args.timezone,
        agreement=args.agreement,
        service=args.service,
        library=args.library,
    )
    print(json.dumps(answer.as_json(), indent=2) if args.json else answer.text())
    return EXIT_OK
