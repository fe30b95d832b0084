"""What clause templates see besides the agreement: formatting helpers and computed figures.

Every name here is documented in docs/clause-authors.md. Helpers return plain text; the
assembler escapes it for Markdown like any other inserted value.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import cached_property
from typing import Any

from slawriter.clock.calendars import basis_name
from slawriter.clock.downtime import Span, allowed_downtime_seconds, period_seconds
from slawriter.clock.engine import Calendar
from slawriter.model.common import CalendarSpec
from slawriter.model.durations import Duration, Period
from slawriter.model.hours import format_minutes as format_time_of_day
from slawriter.text.numbers import money, percent, whole_minutes
from slawriter.text.times import (
    business_time_words,
    contract_when,
    duration_words,
    long_date,
    minutes_words,
)

_COUNTRY_NAMES = {
    "GB": "the United Kingdom", "US": "the United States", "IE": "Ireland", "AU": "Australia",
    "NZ": "New Zealand", "CA": "Canada", "ZA": "South Africa", "DE": "Germany",
    "FR": "France", "NL": "the Netherlands",
}  # fmt: skip


def holiday_region(code: str) -> str:
    """'GB-ENG' -> 'England'; 'US' -> 'the United States'."""
    import holidays

    country, _, subdivision = code.partition("-")
    if subdivision:
        try:
            cls = holidays.country_holidays(country).__class__
            aliases: Mapping[str, str] = getattr(cls, "subdivisions_aliases", {}) or {}
        except NotImplementedError:
            aliases = {}
        for alias, sub in aliases.items():
            if sub == subdivision and alias.isascii() and not alias.isupper():
                return alias
        return f"{_COUNTRY_NAMES.get(country, country)} ({subdivision})"
    return _COUNTRY_NAMES.get(country, country)


@dataclass(frozen=True)
class ProfileView:
    """What clause templates may know of the profile (not its file or its defaults)."""

    id: str
    name: str
    title: str
    subtitle: str


@dataclass(frozen=True)
class CalendarView:
    """A calendar as clause text describes it (``spec`` None: the built-in 24x7)."""

    name: str
    clock: Calendar
    spec: CalendarSpec | None

    @property
    def is_always(self) -> bool:
        return self.clock.is_always

    @property
    def timezone(self) -> str:
        return self.clock.tz_name

    @property
    def hours(self) -> str:
        """e.g. 'Monday to Friday, 09:00 to 17:30'."""
        return self.clock.hours.describe()

    @property
    def holidays(self) -> str:
        """e.g. 'public holidays in England'; empty when the calendar has none."""
        if self.spec is None or not self.spec.holidays:
            return ""
        return f"public holidays in {holiday_region(self.spec.holidays)}"

    @property
    def reduced(self) -> list[dict[str, Any]]:
        """Dates with shorter hours: each {"date": date, "hours": "08:30 to 12:30"}."""
        if self.spec is None:
            return []
        return [
            {
                "date": day,
                "hours": join(
                    (f"{format_time_of_day(s)} to {format_time_of_day(e)}" for s, e in spans)
                ),
            }
            for day, spans in sorted(self.spec.reduced.items())
        ]

    @property
    def closed(self) -> list[date]:
        return list(self.spec.closed) if self.spec else []

    @property
    def description(self) -> str:
        """One sentence fragment: hours, time zone and holidays."""
        if self.is_always:
            return "24 hours a day, 7 days a week, including public holidays"
        text = f"{self.hours} ({self.timezone} time)"
        if self.holidays:
            text += f", excluding {self.holidays}"
        if self.closed:
            text += ", and excluding " + join(long_date(d) for d in self.closed)
        return text

    @property
    def standard_day(self) -> str:
        return duration_words(self.clock.standard_day())


def join(items: Iterable[Any], word: str = "and") -> str:
    """['a', 'b', 'c'] -> 'a, b and c'."""
    parts = [str(i) for i in items]
    if len(parts) <= 1:
        return "".join(parts)
    return f"{', '.join(parts[:-1])} {word} {parts[-1]}"


class Helpers:
    """The helper functions and filters for one agreement's clauses."""

    def __init__(
        self,
        calendars: Mapping[str, CalendarView],
        default_calendar: str,
        locale: str,
        currency: str,
        example_month: Span,
    ) -> None:
        self.calendars = calendars
        self.default_calendar = default_calendar
        self.locale = locale
        self.currency = currency
        self.example_month = example_month

    def calendar(self, name: str | None = None) -> CalendarView:
        return self.calendars[name or self.default_calendar]

    # -- filters ---------------------------------------------------------------------------
    def duration(self, value: Duration | Period | None) -> str:
        if value is None:
            return ""
        return value.words()

    def target(self, value: Duration, calendar: str | None = None) -> str:
        """A target as the priority matrix prints it: '4 Business Hours', '30 minutes'."""
        if value.business_days or self.calendar(calendar).is_always:
            return value.words()
        return business_time_words(value.seconds)

    def percent(self, value: Decimal | float | int) -> str:
        return percent(value)

    def money(self, value: Decimal | float | int) -> str:
        return money(value, self.currency, self.locale)

    def date(self, value: date) -> str:
        return long_date(value, self.locale)

    def when(self, value: datetime) -> str:
        """'Friday 27 November 2026 at 16:55'."""
        return contract_when(value, self.locale)

    # -- computed figures ------------------------------------------------------------------
    def basis_seconds(self, basis: str, calendar: str | None, month: Span) -> float:
        """Minutes in the measurement basis for a month, as seconds."""
        clock = self.calendar(basis_name(basis, calendar, self.default_calendar)).clock
        return period_seconds(clock, month)

    def allowed_downtime(
        self,
        target: Decimal | float,
        basis: str = "all-time",
        calendar: str | None = None,
        month: Span | None = None,
    ) -> str:
        month = month or self.example_month
        seconds = self.basis_seconds(basis, calendar, month)
        return minutes_words(allowed_downtime_seconds(target, seconds))

    def basis_minutes(
        self, basis: str = "all-time", calendar: str | None = None, month: Span | None = None
    ) -> str:
        seconds = self.basis_seconds(basis, calendar, month or self.example_month)
        return f"{whole_minutes(seconds)} minutes"

    @cached_property
    def clock_example(self) -> dict[str, str]:
        """The worked example of the clock, from the default calendar."""
        view = self.calendar()
        logged, answered, elapsed = view.clock.worked_example(self.example_month.first)
        return {
            "logged": self.when(logged),
            "answered": self.when(answered),
            "elapsed": duration_words(elapsed),
            "calendar": view.name,
        }

    def example_on(self, name: str | None) -> str:
        """The worked example's time on another calendar (a priority counted 24x7): the same
        report and answer, so the two figures can be compared."""
        logged, answered, _elapsed = self.calendar().clock.worked_example(self.example_month.first)
        return duration_words(self.calendar(name).clock.elapsed(logged, answered))

    def filters(self) -> dict[str, Any]:
        return {
            "duration": self.duration,
            "target": self.target,
            "percent": self.percent,
            "money": self.money,
            "date": self.date,
            "when": self.when,
            "join": join,
        }

    def globals(self) -> dict[str, Any]:
        return {
            "calendar": self.calendar,
            "allowed_downtime": self.allowed_downtime,
            "basis_minutes": self.basis_minutes,
            "example_month": self.example_month,
            "clock_example": self.clock_example,
            "example_on": self.example_on,
        }
