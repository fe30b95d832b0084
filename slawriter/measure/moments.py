"""Times, pauses and calendars as the clock, deadline and report commands take them.

Times without an offset are local to the calendar they are read on and follow the clock's
rule 2 (slawriter/clock/engine.py): a wall time in the spring-forward gap moves forward by
the gap, and an ambiguous one is its first occurrence. :meth:`Calendar.localize` applies it,
so what a command prints is the instant it counted from.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from slawriter.clock.calendars import calendar_from_options, calendars_for
from slawriter.clock.engine import Calendar
from slawriter.errors import InputError
from slawriter.model.agreement import Agreement, Priority
from slawriter.model.common import FIRST_YEAR, LAST_YEAR
from slawriter.model.provider import Provider

_EXAMPLE = "e.g. 2026-11-27T16:55, 2026-11-27 16:55 or 2026-11-27T16:55+00:00"


def parse_moment(text: str, option: str) -> datetime:
    """An ISO 8601 date and time; without an offset it is local to the calendar."""
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise InputError(f"{option}: '{text}' is not a date and time ({_EXAMPLE})") from None
    if not FIRST_YEAR <= moment.year <= LAST_YEAR:
        raise InputError(
            f"{option}: '{text}' is outside the years slawriter can compute with "
            f"({FIRST_YEAR} to {LAST_YEAR})"
        )
    return moment


def parse_pause(text: str) -> tuple[datetime, datetime]:
    """'START/END' for --pause."""
    start, slash, end = text.partition("/")
    if not slash:
        raise InputError(
            f"--pause: '{text}' is not a pause (expected START/END, "
            "e.g. 2026-11-30T10:00/2026-11-30T11:30)"
        )
    begin, finish = parse_moment(start, "--pause"), parse_moment(end, "--pause")
    if (begin.tzinfo is None) != (finish.tzinfo is None):
        raise InputError(f"--pause: '{text}': give both ends with an offset, or neither")
    if finish < begin:
        raise InputError(f"--pause: '{text}' ends before it starts")
    return begin, finish


@dataclass(frozen=True)
class CalendarOptions:
    """The calendar options of ``clock`` and ``deadline``: weekly hours, a zone and holidays,
    or an agreement file (with a priority's calendar or a named one)."""

    hours: str | None = None
    timezone: str | None = None
    holidays: str | None = None
    agreement: Path | None = None
    priority: str | None = None
    calendar: str | None = None
    library: str | None = None  # the --library option, for reading the agreement


@dataclass(frozen=True)
class Chosen:
    calendar: Calendar
    description: str  # "calendar 'business': mon-fri 08:30-17:30 (Europe/London, ...)"
    priority: Priority | None  # the --priority's targets, from the same reading of the file


def choose_calendar(options: CalendarOptions) -> Chosen:
    """The calendar the options name; the agreement file, if any, is read once."""
    if options.agreement is not None:
        if options.hours or options.timezone or options.holidays:
            raise InputError("give either --agreement or --hours/--timezone/--holidays, not both")
        from slawriter.files.load import load_agreement
        from slawriter.library import Library

        loaded = load_agreement(options.agreement, Library.locate(options.library))
        calendar, name = agreement_calendar(
            loaded.agreement, loaded.provider, options.priority, options.calendar
        )
        priority = loaded.agreement.priorities[options.priority] if options.priority else None
        return Chosen(calendar, f"calendar '{name}': {describe(calendar)}", priority)
    if options.priority or options.calendar:
        raise InputError("--priority and --calendar need --agreement")
    calendar = calendar_from_options(options.hours, options.timezone, options.holidays)
    return Chosen(calendar, describe(calendar), None)


def agreement_calendar(
    agreement: Agreement, provider: Provider, priority: str | None, calendar: str | None
) -> tuple[Calendar, str]:
    """The calendar a priority's targets run on (or a named one, or the default)."""
    calendars = calendars_for(agreement, provider)
    if priority is not None:
        if priority not in agreement.priorities:
            raise InputError(
                f"--priority: the agreement has no priority '{priority}' "
                f"(it has {', '.join(agreement.priorities)})"
            )
        name = agreement.priorities[priority].calendar or agreement.default_calendar
    else:
        name = calendar or agreement.default_calendar
    if name not in calendars:
        raise InputError(
            f"--calendar: the agreement has no calendar '{name}' "
            f"(it has {', '.join(sorted(calendars))})"
        )
    return calendars[name], name


def describe(calendar: Calendar) -> str:
    holidays = f", public holidays {calendar.holiday_spec}" if calendar.holiday_spec else ""
    return f"{calendar.hours.canonical()} ({calendar.tz_name}{holidays})"
