"""How numbers read: decimals, percentages and minutes, the same in every document.

Figures a customer may compare (the agreement's allowed downtime, the checker's budget, the
report's minutes, the ``downtime`` command) round the same way here: minutes to two decimals,
half up, trailing zeros dropped.

One rule for thousands: every figure whose whole part has four digits or more is grouped,
decimals included ('44,580 minutes', '1,337.4 minutes', '2,419.2 s'), so two figures side by
side in one sentence never read differently.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

__all__ = [
    "count_text",
    "decimal_text",
    "minutes_figure",
    "money",
    "percent",
    "ratio_percent",
    "whole_minutes",
]

_HUNDREDTH = Decimal("0.01")


def decimal_text(value: Decimal | float | int) -> str:
    """A number without exponent or trailing zeros, thousands grouped: 99.90 -> '99.9',
    1E+2 -> '100', 1337.40 -> '1,337.4'."""
    return format(Decimal(str(value)).normalize(), ",f")


def count_text(count: Decimal | float | int) -> str:
    """A count as every message prints it: '1', '12', '1,200'."""
    return decimal_text(count)


def percent(value: Decimal | float | int) -> str:
    """A percentage as the agreement writes it: '99.9%'."""
    return f"{decimal_text(value)}%"


def ratio_percent(ratio: float | None, places: int | None = 1) -> str:
    """A fraction 0..1 as a percentage: with ``places``, fixed ('97.5%', '84.59%'); with
    None, as given, never rounded to a whole number (0.995 -> '99.5%', 0.8 -> '80%');
    'n/a' for None."""
    if ratio is None:
        return "n/a"
    if places is None:
        # Four places absorb the float's noise (99.9 / 100 * 100 is 99.90000000000001).
        return percent(round(ratio * 100, 4))
    return f"{ratio * 100:.{places}f}%"


def minutes_figure(seconds: float) -> str:
    """Seconds as minutes with at most two decimals, rounded half up, thousands grouped:
    '44.64', '43.2', '0', '1,337.4'."""
    minutes = (Decimal(str(seconds)) / 60).quantize(_HUNDREDTH, rounding=ROUND_HALF_UP)
    return decimal_text(minutes) if minutes else "0"


def money(value: Decimal | float | int, currency: str, locale: str = "en_GB") -> str:
    """An amount in the provider's currency and locale: '£1,200.00'."""
    from babel.numbers import format_currency  # only documents pay for the import

    return str(format_currency(Decimal(str(value)), currency, locale=locale))


def whole_minutes(seconds: float) -> str:
    """The whole minutes in a span, grouped in thousands: '44,580'."""
    return f"{int(seconds // 60):,}"
