"""Availability arithmetic and downtime budgets, counted in a period's actual minutes."""

from __future__ import annotations

import calendar as calendar_module
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from slawriter.clock.downtime import allowed_downtime_seconds as allowed_downtime_seconds
from slawriter.clock.downtime import period_seconds as period_seconds


def series(availabilities: Iterable[float]) -> float:
    """Components that must all work: 0.9995 x 0.9999 = 0.9994."""
    result = 1.0
    for value in availabilities:
        result *= value
    return result


def parallel(availabilities: Iterable[float]) -> float:
    """Redundant components, any one of which is enough: 1 - product of (1 - A_i)."""
    unavailable = 1.0
    for value in availabilities:
        unavailable *= 1 - value
    return 1 - unavailable


def steady_state(mtbf_s: float, mttr_s: float) -> float:
    """A = MTBF / (MTBF + MTTR)."""
    if mtbf_s < 0 or mttr_s < 0 or mtbf_s + mttr_s == 0:
        raise ValueError("MTBF and MTTR must not be negative, and not both zero")
    return mtbf_s / (mtbf_s + mttr_s)


@dataclass(frozen=True)
class Span:
    """A month or a year: the period a downtime budget is counted over."""

    first: date
    next_first: date
    label: str

    @classmethod
    def month(cls, year: int, month: int) -> Span:
        following = date(year + month // 12, month % 12 + 1, 1)
        return cls(date(year, month, 1), following, f"{calendar_module.month_name[month]} {year}")

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


def first_full_month(start: date) -> Span:
    """The first whole calendar month on or after ``start``: the month findings quote."""
    if start.day == 1:
        return Span.month(start.year, start.month)
    return Span.month(start.year + start.month // 12, start.month % 12 + 1)


def minutes(seconds: float) -> str:
    """'43.2 min', '0 min', with at most two decimals."""
    value = round(seconds / 60, 2)
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return f"{text} min"


def hours_minutes(seconds: float) -> str:
    """'11 h 30 min', '45 min', '2 h'."""
    total = round(seconds / 60)
    hours, rest = divmod(total, 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h {rest} min" if rest else f"{hours} h"
