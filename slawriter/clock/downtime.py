"""Downtime arithmetic shared by the documents (helpers) and the feasibility checker.

One calculation, so the allowed downtime printed in the customer's agreement and the budget
the checker tests against can never drift apart.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Protocol

from slawriter.clock.engine import Calendar


class Period(Protocol):
    """A month or a year: its first day and the first day after it."""

    @property
    def first(self) -> date: ...

    @property
    def next_first(self) -> date: ...


def period_seconds(clock: Calendar, period: Period) -> float:
    """Seconds the clock runs in the period (local midnight to local midnight)."""
    start = datetime.combine(period.first, datetime.min.time())
    end = datetime.combine(period.next_first, datetime.min.time())
    return clock.elapsed(start, end).total_seconds()


def allowed_downtime_seconds(target_percent: Decimal | float, period_s: float) -> float:
    """Downtime a target allows in a period of ``period_s`` seconds."""
    share = (Decimal(100) - Decimal(str(target_percent))) / Decimal(100)
    return float(Decimal(str(period_s)) * share)
