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


def _percent(text: str) -> float:
    from slawriter.errors import InputError

    try:
        value = float(text.strip().removesuffix("%"))
    except ValueError:
        raise InputError(f"'{text}' is not a percentage such as 99.9") from None
    if not 0 <= value <= 100:
        raise InputError(f"{text} is not between 0 and 100")
    return value


def run(args: argparse.Namespace) -> int:
    from slawriter.clock.downtime import Span, allowed_downtime_seconds, period_seconds
    from slawriter.clock.engine import Calendar
    from slawriter.errors import EXIT_OK, InputError
    from slawriter.text.numbers import whole_minutes
    from slawriter.text.times import minutes_words

    try:
        span = Span.parse(args.month if args.month else args.year)
    except ValueError as error:
        raise InputError(f"--{'month' if args.month else 'year'}: {error}") from None
    if args.month and len(span.label.split()) != 2:
        raise InputError(f"--month: '{args.month}' is a year; write YYYY-MM")
    basis = "all-time"
    target_text = args.target
    if args.agreement is not None or args.service is not None:
        if args.agreement is None or args.service is None:
            raise InputError("--agreement and --service go together")
        from slawriter.clock.calendars import basis_name, calendars_for
        from slawriter.files.load import load_agreement
        from slawriter.library import Library

        library = Library.locate(args.library)
        loaded = load_agreement(args.agreement, library)
        services = {s.id: s for s in loaded.agreement.services}
        service = services.get(args.service)
        if service is None or service.uptime is None:
            measured = ", ".join(s.id for s in loaded.agreement.services if s.uptime) or "none"
            raise InputError(
                f"--service: '{args.service}' is not a service with an uptime target in "
                f"{args.agreement} (services with targets: {measured})"
            )
        calendars = calendars_for(loaded.agreement, loaded.provider)
        basis = service.uptime.basis
        name = basis_name(basis, service.uptime.calendar, calendars.default)
        clock = calendars[name]
        where = "all hours" if clock.is_always else f"calendar '{name}'"
        zone = clock.tz_name
        target_text = target_text or str(service.uptime.target)
    else:
        try:
            clock = Calendar.always("24x7", args.timezone)
        except ValueError as error:
            raise InputError(f"--timezone: {error}") from None
        where, zone = "all hours", args.timezone
    if target_text is None:
        raise InputError("give the uptime target, e.g. 99.9")
    target = _percent(target_text)
    period = period_seconds(clock, span)
    allowed = allowed_downtime_seconds(target, period)
    if args.json:
        print(
            json.dumps(
                {
                    "target": target,
                    "period": span.label,
                    "basis": basis,
                    "calendar": clock.name,
                    "timezone": zone,
                    "period_s": period,
                    "allowed_downtime_s": allowed,
                },
                indent=2,
            )
        )
        return EXIT_OK
    print(
        f"{target:g}% of {span.label} ({where}, {zone}: {whole_minutes(period)} minutes) allows "
        f"{minutes_words(allowed)} of downtime ({allowed:,.1f} s)"
    )
    return EXIT_OK
