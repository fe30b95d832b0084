"""Times, pauses and calendars as the clock and deadline commands take them."""

from __future__ import annotations

from datetime import datetime

from slawriter.clock.calendars import calendars_for
from slawriter.clock.engine import Calendar
from slawriter.errors import InputError
from slawriter.model.agreement import Agreement
from slawriter.model.common import FIRST_YEAR, LAST_YEAR
from slawriter.model.hours import parse_weekly_hours
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


def calendar_from_options(
    hours: str | None, timezone: str | None, holidays: str | None
) -> Calendar:
    if not timezone:
        raise InputError(
            "--timezone is needed with --hours (an IANA zone, e.g. Europe/London), "
            "or use --agreement"
        )
    try:
        weekly = parse_weekly_hours(hours or "24x7")
    except ValueError as error:
        raise InputError(f"--hours: {error}") from None
    try:
        calendar = Calendar("command line", timezone, weekly, holidays=holidays)
        if holidays:
            calendar.holidays_between(datetime.now().date(), datetime.now().date())
    except ValueError as error:
        option = "--holidays" if holidays and "holiday" in str(error) else "--timezone"
        raise InputError(f"{option}: {error}") from None
    return calendar


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
