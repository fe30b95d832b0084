"""How durations and instants read, for each audience: the agreement, the report, the
feasibility memo and the command line.

Instants are printed as they are given: callers convert to the calendar's zone first.
"""

from __future__ import annotations

import calendar as calendar_module
import re
from datetime import date, datetime, timedelta
from decimal import Decimal

from .numbers import minutes_figure
from .words import plural

__all__ = [
    "business_time_words",
    "business_words",
    "cli_when",
    "clock_hours_minutes",
    "contract_when",
    "duration_words",
    "hours_minutes",
    "long_date",
    "memo_when",
    "minutes_words",
    "month_name",
    "report_date",
    "report_when",
    "short_minutes",
    "single_stop",
    "twelve_hour",
    "weekday_date",
]


# --- durations ------------------------------------------------------------------------------


def duration_words(value: timedelta) -> str:
    """The agreement's words for a length of time: '1 hour 30 minutes', '0 minutes'."""
    rest = int(value.total_seconds())
    parts = []
    for name, size in (("hour", 3600), ("minute", 60), ("second", 1)):
        if rest >= size:
            parts.append(plural(rest // size, name))
            rest %= size
    return " ".join(parts) or "0 minutes"


def minutes_words(seconds: float) -> str:
    """Allowed downtime as the agreement prints it: '44.64 minutes', '1 minute'."""
    figure = minutes_figure(seconds)
    return f"{figure} {plural(Decimal(figure.replace(',', '')), 'minute', with_count=False)}"


def short_minutes(seconds: float) -> str:
    """The memo's and the findings' minutes: '44.64 min', '0 min'."""
    return f"{minutes_figure(seconds)} min"


def hours_minutes(seconds: float) -> str:
    """Whole minutes as the memo and the findings write them: '11 h 30 min', '45 min', '2 h'."""
    total = round(seconds / 60)
    hours, rest = divmod(total, 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h {rest} min" if rest else f"{hours} h"


def clock_hours_minutes(seconds: float | None) -> str:
    """Business time in report tables: '2h 05m', '45m', '30s'; 'n/a' for None."""
    if seconds is None:
        return "n/a"
    whole = round(seconds)
    if whole < 60:
        return f"{whole}s"
    hours, minutes = divmod(whole // 60, 60)
    return f"{hours}h {minutes:02d}m" if hours else f"{minutes}m"


def business_time_words(seconds: int) -> str:
    """Business time as the agreement's targets print it: '4 Business Hours',
    '1 Business Hour 30 Business Minutes'."""
    parts = []
    rest = seconds
    for name, size in (("Business Hour", 3600), ("Business Minute", 60), ("second", 1)):
        if rest >= size:
            parts.append(plural(rest // size, name))
            rest %= size
    return " ".join(parts) or "0 minutes"


def business_words(amount: timedelta) -> str:
    """Business time on the command line: '10 business minutes', '8 business hours 10 minutes'."""
    seconds = int(amount.total_seconds())
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    parts = []
    if hours:
        parts.append(plural(hours, "business hour"))
    if minutes or (not hours and not seconds):
        parts.append(plural(minutes, "minute" if parts else "business minute"))
    if seconds:
        parts.append(plural(seconds, "second"))
    return " ".join(parts)


# --- times of day --------------------------------------------------------------------------

_TIME = re.compile(r"(?<![\w:.])([01]\d|2[0-4]):([0-5]\d)(?![\w:])")


_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
# "Sunday, 00:00 to 06:00": a bare "Sunday, midnight" is read as the end of Sunday as often
# as its start, so midnight after a day's name says which.
_ONE_DAY_MIDNIGHT = re.compile(rf"(?<!to )\b({_WEEKDAY}), 00:00(?![\w:])")
_DAYS_MIDNIGHT = re.compile(rf"\b({_WEEKDAY}), 00:00(?![\w:])")
_END_MIDNIGHT = re.compile(r"\bto 24:00(?![\w:])")


def twelve_hour(text: str) -> str:
    """'08:30 to 17:30' -> '8:30 a.m. to 5:30 p.m.', with noon and midnight named, since
    '12:00 a.m.' is read both ways. The time and its a.m. or p.m. are joined by a no-break
    space (U+00A0), so a line never ends with '9:00' and starts with 'a.m.'."""

    def one(match: re.Match[str]) -> str:
        hours, minutes = int(match.group(1)), match.group(2)
        if minutes == "00" and hours in (0, 24):
            return "midnight"
        if minutes == "00" and hours == 12:
            return "noon"
        suffix = "a.m." if hours % 24 < 12 else "p.m."
        return f"{(hours % 12) or 12}:{minutes}\u00a0{suffix}"

    text = _ONE_DAY_MIDNIGHT.sub(r"\1, midnight at the start of \1", text)
    text = _DAYS_MIDNIGHT.sub(r"\1, midnight at the start of the day", text)
    text = _END_MIDNIGHT.sub("to midnight at the end of the day", text)
    return _TIME.sub(one, text)


# --- dates and instants ---------------------------------------------------------------------


def month_name(year: int, month: int) -> str:
    """'March 2027' (English, whatever the process locale)."""
    return f"{calendar_module.month_name[month]} {year}"


def long_date(value: date, locale: str = "en_GB") -> str:
    """The agreement's dates: '27 November 2026' (in the provider's locale)."""
    from babel.dates import format_date  # only documents pay for the import

    return str(format_date(value, format="long", locale=locale))


def weekday_date(value: date, locale: str = "en_GB") -> str:
    """A date with its weekday: 'Thursday 24 December 2026'; en_US 'Thursday, December 24,
    2026'."""
    if locale == "en_US":
        from babel.dates import format_date

        return str(format_date(value, format="full", locale=locale))
    return f"{value:%A} {long_date(value, locale)}"


def contract_when(value: datetime, locale: str = "en_GB") -> str:
    """The agreement's instants: 'Friday 27 November 2026 at 16:55'."""
    return f"{value:%A} {long_date(value.date(), locale)} at {value:%H:%M}"


def memo_when(value: datetime) -> str:
    """The memo's and the findings' instants: 'Friday 1 January 2027 16:45'."""
    return f"{value:%A} {value.day} {value:%B %Y %H:%M}"


def report_when(value: datetime, locale: str = "en_GB") -> str:
    """The report's instants: '5 February 2027 12:00 GMT'; en_US, as its agreement writes
    them, 'February 5, 2027 at noon EST'."""
    if locale == "en_US":
        return f"{long_date(value.date(), locale)} at {twelve_hour(f'{value:%H:%M}')} {value:%Z}"
    return value.strftime("%d %B %Y %H:%M %Z").lstrip("0")


def report_date(value: date) -> str:
    """The report's dates: '1 January 2027'."""
    return value.strftime("%d %B %Y").lstrip("0")


def cli_when(value: datetime) -> str:
    """The clock and deadline commands' instants: 'Thu 24 Dec 2026 16:00 GMT'."""
    return value.strftime("%a %d %b %Y %H:%M %Z")


# A 12-hour time ends in its own full stop ('8:05 a.m.'): when a template puts the sentence's
# full stop after it, US usage (and the Chicago Manual) keeps one. Ellipses are left alone.
_DOUBLED_STOP = re.compile(r"\b([ap])\.m\.\.(?!\.)", re.IGNORECASE)


def single_stop(text: str) -> str:
    """'... at 8:05 a.m..' -> '... at 8:05 a.m.': one full stop after a 12-hour time."""
    return _DOUBLED_STOP.sub(r"\1.m.", text)
