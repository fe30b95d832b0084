"""Availability arithmetic and downtime budgets, counted in a period's actual minutes."""

from __future__ import annotations

from collections.abc import Iterable

from slawriter.clock.downtime import Span as Span
from slawriter.clock.downtime import allowed_downtime_seconds as allowed_downtime_seconds
from slawriter.clock.downtime import first_full_month as first_full_month
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
