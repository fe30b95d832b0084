"""How numbers read: decimals, percentages and minutes, the same in every document.

Figures a customer may compare (the agreement's allowed downtime, the checker's budget, the
report's minutes, the ``downtime`` command) round the same way here: minutes to two decimals,
half up, trailing zeros dropped.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

__all__ = [
    "decimal_text",
    "minutes_figure",
    "money",
    "percent",
    "ratio_percent",
    "whole_minutes",
]

_HUNDREDTH = Decimal("0.01")


def decimal_text(value: Decimal | float | int) -> str:
    """A number without exponent or trailing zeros: 99.90 -> '99.9', 1E+2 -> '100'."""
    return format(Decimal(str(value)).normalize(), "f")


def percent(value: Decimal | float | int) -> str:
    """A percentage as the agreement writes it: '99.9%'."""
    return f"{decimal_text(value)}%"


def ratio_percent(ratio: float | None, places: int = 1) -> str:
    """A fraction 0..1 as a percentage with fixed places: '97.5%'; 'n/a' for None."""
    return "n/a" if ratio is None else f"{ratio * 100:.{places}f}%"


def minutes_figure(seconds: float) -> str:
    """Seconds as minutes with at most two decimals, rounded half up: '44.64', '43.2', '0'."""
    minutes = (Decimal(str(seconds)) / 60).quantize(_HUNDREDTH, rounding=ROUND_HALF_UP)
    return format(minutes.normalize(), "f") if minutes else "0"


def money(value: Decimal | float | int, currency: str, locale: str = "en_GB") -> str:
    """An amount in the provider's currency and locale: '£1,200.00'."""
    from babel.numbers import format_currency  # only documents pay for the import

    return str(format_currency(Decimal(str(value)), currency, locale=locale))


def whole_minutes(seconds: float) -> str:
    """The whole minutes in a span, grouped in thousands: '44,580'."""
    return f"{int(seconds // 60):,}"
