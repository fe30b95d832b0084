"""Downtime arithmetic: the months and years a budget is counted over, the seconds a clock
runs in one, and the share a target allows.

The agreement's allowed downtime (drafting helpers), the checker's budget, the report's
allowed downtime and the ``downtime`` command all count with these functions, on calendars
from :func:`slawriter.clock.calendars.calendars_for`; tests/test_one_calendar.py holds them
to one figure.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Protocol

from slawriter.clock.engine import Calendar
from slawriter.text.numbers import whole_minutes
from slawriter.text.times import minutes_words, month_name


class Period(Protocol):
    """A month or a year: its first day and the first day after it."""

    @property
    def first(self) -> date: ...

    @property
    def next_first(self) -> date: ...


@dataclass(frozen=True)
class Span:
    """A month or a year: the period a downtime budget is counted over."""

    first: date
    next_first: date
    label: str  # "March 2027", "2027"

    @classmethod
    def month(cls, year: int, month: int) -> Span:
        following = date(year + month // 12, month % 12 + 1, 1)
        return cls(date(year, month, 1), following, month_name(year, month))

    @classmethod
    def year(cls, year: int) -> Span:
        return cls(date(year, 1, 1), date(year + 1, 1, 1), str(year))

    @classmethod
    def parse(cls, text: str) -> Span:
        """'2027-02' is a month, '2027' a year; ValueError otherwise."""
        parts = text.strip().split("-")
        try:
            if len(parts) == 1 and len(parts[0]) == 4:
                return cls.year(int(parts[0]))
            if len(parts) == 2 and len(parts[0]) == 4 and 1 <= int(parts[1]) <= 12:
                return cls.month(int(parts[0]), int(parts[1]))
        except ValueError:
            pass
        raise ValueError(f"'{text}' is not a month (YYYY-MM) or a year (YYYY)")

    def __str__(self) -> str:
        return self.label


def first_full_month(start: date) -> Span:
    """The first whole calendar month on or after ``start``: the month documents and
    findings quote."""
    if start.day == 1:
        return Span.month(start.year, start.month)
    return Span.month(start.year + start.month // 12, start.month % 12 + 1)


def period_seconds(clock: Calendar, period: Period) -> float:
    """Seconds the clock runs in the period (local midnight to local midnight)."""
    start = datetime.combine(period.first, datetime.min.time())
    end = datetime.combine(period.next_first, datetime.min.time())
    return clock.elapsed(start, end).total_seconds()


def allowed_downtime_seconds(target_percent: Decimal | float, period_s: float) -> float:
    """Downtime a target allows in a period of ``period_s`` seconds."""
    share = (Decimal(100) - Decimal(str(target_percent))) / Decimal(100)
    return float(Decimal(str(period_s)) * share)


@dataclass(frozen=True)
class Allowance:
    """The downtime an uptime target allows in a month or a year, on one clock."""

    target: float  # percent
    span: Span
    basis: str  # "all-time" or "business-hours"
    clock: Calendar
    period_s: float
    allowed_s: float

    def as_json(self) -> dict[str, object]:
        return {
            "target": self.target,
            "period": self.span.label,
            "basis": self.basis,
            "calendar": self.clock.name,
            "timezone": self.clock.tz_name,
            "period_s": self.period_s,
            "allowed_downtime_s": self.allowed_s,
        }

    def text(self) -> str:
        """'99.9% of March 2027 (all hours, Europe/London: 44,580 minutes) allows ...'"""
        where = "all hours" if self.clock.is_always else f"calendar '{self.clock.name}'"
        return (
            f"{self.target:g}% of {self.span.label} ({where}, {self.clock.tz_name}: "
            f"{whole_minutes(self.period_s)} minutes) allows {minutes_words(self.allowed_s)} "
            f"of downtime ({self.allowed_s:,.1f} s)"
        )


def allowance(clock: Calendar, span: Span, target: float, basis: str = "all-time") -> Allowance:
    """The downtime ``target`` percent allows in ``span`` on ``clock``."""
    period = period_seconds(clock, span)
    return Allowance(target, span, basis, clock, period, allowed_downtime_seconds(target, period))
