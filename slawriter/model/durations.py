"""Durations and calendar periods, parsed strictly.

A *Duration* is clock time measured on its target's calendar: ``4h`` on a business-hours
calendar is four business hours; ``2 business days`` is twice that calendar's standard
working day, in business time. A bare ``1 day`` is refused: it could mean 24 hours or one
working day (ServiceNow, for one, counts it as 24 hours).

A *Period* is a span of calendar days, months or years for terms, notices, retention and
claim windows (``30 days``, ``6 months``, ``7 years``), printed as calendar days.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, PlainSerializer, WithJsonSchema

from slawriter.text.times import duration_words
from slawriter.text.words import plural

_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600}
_UNIT_WORDS = {
    "s": "s", "sec": "s", "secs": "s", "second": "s", "seconds": "s",
    "m": "m", "min": "m", "mins": "m", "minute": "m", "minutes": "m",
    "h": "h", "hr": "h", "hrs": "h", "hour": "h", "hours": "h",
}  # fmt: skip
_PART = re.compile(r"(\d+)\s*([a-z]+)")
_BUSINESS_DAYS = re.compile(r"^(\d+)\s+business\s+days?$")
_AMBIGUOUS = re.compile(r"^\d+(\.\d+)?\s*(d|day|days|wk|w|week|weeks)$")

DURATION_EXAMPLES = ["15s", "30m", "4h", "1h 30m", "2 business days"]
MAX_SECONDS = 366 * 24 * 3600  # a year: anything longer is a typing error, not a target
MAX_BUSINESS_DAYS = 261
_TEXT_LENGTH = 100  # characters: '1 hour 30 minutes 15 seconds' is 29


def _any_case(word: str) -> str:
    """``day`` -> ``[dD][aA][yY]``: JSON Schema patterns have no flag for case."""
    return "".join(f"[{c}{c.upper()}]" if c.isalpha() else c for c in word)


# parse_duration's grammar as a JSON Schema pattern, for editors: what it cannot say (a unit
# twice, zero, more than a year) is left to validate.
_UNITS = "|".join(_any_case(unit) for unit in sorted(_UNIT_WORDS, key=len, reverse=True))
DURATION_PATTERN = (
    rf"^\s*(?:0*[1-9][0-9]*\s+{_any_case('business')}\s+{_any_case('day')}[sS]?"
    rf"|(?:[0-9]+\s*(?:{_UNITS})\s*)+)$"
)


class DurationError(ValueError):
    pass


@dataclass(frozen=True, order=True)
class Duration:
    """A target's length: clock seconds, or whole business days of the target's calendar."""

    seconds: int = 0
    business_days: int = 0

    @property
    def text(self) -> str:
        """The canonical spelling, as it is written back to an agreement file."""
        if self.business_days:
            unit = "business day" if self.business_days == 1 else "business days"
            return f"{self.business_days} {unit}"
        if self.seconds == 0:
            return "0m"
        parts = []
        rest = self.seconds
        for unit, size in (("h", 3600), ("m", 60), ("s", 1)):
            if rest >= size:
                parts.append(f"{rest // size}{unit}")
                rest %= size
        return " ".join(parts)

    def words(self) -> str:
        """English for documents: ``4 hours``, ``1 hour 30 minutes``, ``2 Business Days``."""
        if self.business_days:
            return plural(self.business_days, "Business Day")
        return duration_words(timedelta(seconds=self.seconds))

    def __str__(self) -> str:
        return self.text


def parse_duration(value: object) -> Duration:
    """Parse ``15s``, ``30m``, ``4h``, ``1h 30m``, ``90 minutes``, ``2 business days``."""
    if isinstance(value, Duration):
        return value
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise DurationError(
            f"expected a duration such as {', '.join(DURATION_EXAMPLES)}, got {value!r}"
        )
    if isinstance(value, int):
        if abs(value) >= 10**9:  # printing a 5,000-digit number fails, and says nothing
            raise DurationError("a number with no unit is not a duration: write e.g. 30m or 4h")
        raise DurationError(
            f"{value} has no unit: write {value}m for minutes or {value}h for hours"
        )
    if len(value) > _TEXT_LENGTH:
        raise DurationError(
            f"{len(value):,} characters is not a duration: expected e.g. "
            f"{', '.join(DURATION_EXAMPLES)}"
        )
    text = " ".join(value.strip().lower().split())
    if not text:
        raise DurationError("empty duration: expected e.g. 4h or 2 business days")
    if _AMBIGUOUS.match(text):
        raise DurationError(
            f"'{value}' is ambiguous: a day may mean 24 hours or one working day. "
            "Write '24h' (or e.g. '48h') for hours around the clock, or "
            "'1 business day' for working days on the target's calendar"
        )
    match = _BUSINESS_DAYS.match(text)
    if match:
        days = int(match.group(1))
        if days == 0:
            raise DurationError("'0 business days' is not a target: give at least 1")
        if days > MAX_BUSINESS_DAYS:
            raise DurationError(
                f"'{value}' is more than {MAX_BUSINESS_DAYS} business days (about a year): "
                "is it a typing error?"
            )
        return Duration(business_days=days)
    position = 0
    seconds = 0
    seen: set[str] = set()
    compact = text.replace(" ", "")
    while position < len(compact):
        part = _PART.match(compact, position)
        if not part:
            break
        unit = _UNIT_WORDS.get(part.group(2))
        if unit is None or unit in seen:
            break
        seen.add(unit)
        seconds += int(part.group(1)) * _UNIT_SECONDS[unit]
        position = part.end()
    if position != len(compact) or not seen:
        raise DurationError(
            f"'{value}' is not a duration: expected e.g. {', '.join(DURATION_EXAMPLES)} "
            "(units s, m, h, or 'business days')"
        )
    if seconds == 0:
        raise DurationError(f"'{value}' is zero: a duration must be more than zero")
    if seconds > MAX_SECONDS:
        raise DurationError(
            f"'{value}' is more than a year ({MAX_SECONDS // 3600}h): is it a typing error?"
        )
    return Duration(seconds=seconds)


def _duration_before(value: Any) -> Duration:
    try:
        return parse_duration(value)
    except DurationError as error:
        raise ValueError(str(error)) from None


DurationField = Annotated[
    Duration,
    BeforeValidator(_duration_before),
    PlainSerializer(lambda d: d.text, return_type=str),
    WithJsonSchema(
        {
            "type": "string",
            "description": "A duration on the target's calendar: 15s, 30m, 4h, 1h 30m, "
            "or N business days. A bare 'day' is refused as ambiguous.",
            "examples": DURATION_EXAMPLES,
            "pattern": DURATION_PATTERN,
            "patternErrorMessage": "a duration such as 30m, 4h, 1h 30m or 2 business days",
        }
    ),
]


PeriodUnit = Literal["days", "months", "years"]
_PERIOD = re.compile(r"^(\d+)\s*(day|days|month|months|year|years)$")
PERIOD_PATTERN = (
    rf"^\s*0*[1-9][0-9]*\s*(?:{_any_case('day')}|{_any_case('month')}|{_any_case('year')})"
    r"[sS]?\s*$"
)


@dataclass(frozen=True)
class Period:
    """A span of calendar days, months or years (terms, notice, retention, claim windows)."""

    amount: int
    unit: PeriodUnit

    @property
    def text(self) -> str:
        unit = self.unit if self.amount != 1 else self.unit[:-1]
        return f"{self.amount} {unit}"

    def words(self) -> str:
        """English for documents: days are calendar days."""
        if self.unit == "days":
            return plural(self.amount, "calendar day")
        return self.text

    def __str__(self) -> str:
        return self.text


def parse_period(value: object) -> Period:
    if isinstance(value, Period):
        return value
    if not isinstance(value, str):
        raise ValueError(
            f"expected a period such as '30 days', '12 months' or '7 years', got {value!r}"
        )
    if len(value) > _TEXT_LENGTH:
        raise ValueError(
            f"{len(value):,} characters is not a period: expected e.g. '30 days', '12 months' "
            "or '7 years'"
        )
    text = " ".join(value.strip().lower().split())
    match = _PERIOD.match(text)
    if not match:
        raise ValueError(
            f"'{value}' is not a period: expected e.g. '30 days', '12 months' or '7 years'"
        )
    unit = match.group(2)
    if not unit.endswith("s"):
        unit += "s"
    amount = int(match.group(1))
    if amount == 0:
        raise ValueError(f"'{value}' is zero: give at least 1")
    limit = {"days": 36_600, "months": 1_200, "years": 100}[
        unit if unit.endswith("s") else unit + "s"
    ]
    if amount > limit:
        raise ValueError(f"'{value}' is more than 100 years: is it a typing error?")
    return Period(amount, unit)  # type: ignore[arg-type]


PeriodField = Annotated[
    Period,
    BeforeValidator(parse_period),
    PlainSerializer(lambda p: p.text, return_type=str),
    WithJsonSchema(
        {
            "type": "string",
            "description": "Calendar days, months or years, e.g. '30 days', '12 months'.",
            "examples": ["30 days", "12 months", "7 years"],
            "pattern": PERIOD_PATTERN,
            "patternErrorMessage": "a period such as 30 days, 12 months or 7 years",
        }
    ),
]
