"""Field types shared by the agreement and provider models."""

from __future__ import annotations

import functools
import re
import zoneinfo
from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    WithJsonSchema,
)

from slawriter.model.hours import (
    HoursError,
    WeeklyHours,
    format_day_hours,
    parse_day_hours,
    parse_weekly_hours,
)


class Strict(BaseModel):
    """Base for every model in the agreement and provider files: unknown keys are errors."""

    model_config = ConfigDict(
        extra="forbid", frozen=True, populate_by_name=True, validate_default=True
    )


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _no_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be empty")
    control = _CONTROL.search(value)
    if control:
        raise ValueError(
            f"contains the control character U+{ord(control.group()):04X}, which no document "
            "can show: delete it (it often comes from copying text out of another program)"
        )
    return value


def _one_line(value: str) -> str:
    if "\n" in value.strip():
        raise ValueError("must be a single line (use a list for several lines)")
    return value.strip()


Text = Annotated[str, AfterValidator(_no_blank)]
Line = Annotated[str, AfterValidator(_no_blank), AfterValidator(_one_line)]

_SLUG = re.compile(r"^[a-z][a-z0-9-]*$")


def _slug(value: str) -> str:
    if not _SLUG.match(value):
        raise ValueError(
            f"'{value}' is not a valid id: use lower-case letters, digits and hyphens, "
            "starting with a letter (e.g. email, file-server)"
        )
    return value


Slug = Annotated[str, AfterValidator(_slug)]

_PRIORITY = re.compile(r"^P[1-9]$")


def _priority_id(value: str) -> str:
    if not _PRIORITY.match(value):
        raise ValueError(f"'{value}' is not a priority id: expected P1 to P9")
    return value


PriorityId = Annotated[str, AfterValidator(_priority_id)]


def _percent(value: Any) -> Any:
    if isinstance(value, str):
        text = value.strip().removesuffix("%").strip()
        try:
            return Decimal(text)
        except ArithmeticError:
            raise ValueError(f"'{value}' is not a percentage such as 99.9") from None
    if isinstance(value, float):
        # YAML floats: keep the digits the user typed (99.9, not 99.900000000000006).
        return Decimal(repr(value))
    return value


def _percent_range(value: Decimal) -> Decimal:
    if not Decimal(0) <= value <= Decimal(100):
        raise ValueError(f"{value} is not between 0 and 100")
    return value.normalize() if value == value.to_integral() else value


Percent = Annotated[
    Decimal,
    BeforeValidator(_percent),
    AfterValidator(_percent_range),
    PlainSerializer(lambda d: float(d) if d != d.to_integral() else int(d)),
    WithJsonSchema({"type": "number", "minimum": 0, "maximum": 100, "examples": [99.9]}),
]


def _money(value: Any) -> Any:
    if isinstance(value, float):
        return Decimal(repr(value))
    return value


def _money_range(value: Decimal) -> Decimal:
    if value < 0:
        raise ValueError("must not be negative")
    return value


Money = Annotated[
    Decimal,
    BeforeValidator(_money),
    AfterValidator(_money_range),
    PlainSerializer(lambda d: float(d) if d != d.to_integral() else int(d)),
    WithJsonSchema({"type": "number", "minimum": 0, "examples": [1200]}),
]


def _hours(value: Any) -> WeeklyHours:
    if isinstance(value, WeeklyHours):
        return value
    if not isinstance(value, str | list):
        raise ValueError(
            "expected weekly hours such as 'mon-fri 09:00-17:30' (or a list of such lines)"
        )
    try:
        return parse_weekly_hours(value)
    except HoursError as error:
        raise ValueError(str(error)) from None


HoursField = Annotated[
    WeeklyHours,
    BeforeValidator(_hours),
    PlainSerializer(lambda h: h.canonical(), return_type=str),
    WithJsonSchema(
        {
            "type": "string",
            "description": "Weekly hours: 'mon-fri 09:00-17:30', several intervals "
            "'mon-fri 08:00-12:00, 13:00-17:00; sat 09:00-12:00', overnight "
            "'mon-fri 22:00-06:00', or '24x7'.",
            "examples": ["mon-fri 09:00-17:30", "24x7"],
        }
    ),
]


def _day_hours(value: Any) -> tuple[tuple[int, int], ...]:
    if not isinstance(value, str):
        raise ValueError("expected hours for one day such as '09:00-12:30'")
    try:
        return parse_day_hours(value)
    except HoursError as error:
        raise ValueError(str(error)) from None


DayHoursField = Annotated[
    tuple[tuple[int, int], ...],
    BeforeValidator(_day_hours),
    PlainSerializer(format_day_hours, return_type=str),
    WithJsonSchema({"type": "string", "examples": ["09:00-12:30"]}),
]


def _timezone(value: str) -> str:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"'{value}' is not an IANA time zone (e.g. Europe/London, America/New_York)"
        ) from None
    return value


TimeZone = Annotated[str, AfterValidator(_timezone)]

_HOLIDAYS = re.compile(r"^[A-Z]{2,3}(-[A-Z0-9]{1,4})?$")


def _holiday_code(value: str) -> str:
    return _checked_holiday_code(value)


# Checking a code builds the country's holiday table: once per code per process (a portfolio
# validates the same provider's calendars once per agreement).
@functools.lru_cache(maxsize=256)
def _checked_holiday_code(value: str) -> str:
    if not _HOLIDAYS.match(value):
        raise ValueError(
            f"'{value}' is not a holiday calendar: expected a country code with an optional "
            "subdivision, e.g. GB, GB-ENG, US-NY, DE-BY"
        )
    from slawriter.public_holidays import country_holidays

    country, _, subdivision = value.partition("-")
    try:
        country_holidays(country, subdiv=subdivision or None, years=2000)
    except NotImplementedError:
        raise ValueError(f"'{country}' is not a country the holidays package knows") from None
    except Exception as error:  # the holidays package raises a bare exception for subdivisions
        raise ValueError(f"'{value}': {error}") from None
    return value


HolidayCode = Annotated[str, AfterValidator(_holiday_code)]


class CalendarSpec(Strict):
    """A named calendar: when the clock of a target runs."""

    timezone: TimeZone = Field(description="IANA time zone, e.g. Europe/London")
    hours: HoursField = Field(description="Weekly hours, e.g. 'mon-fri 09:00-17:30' or '24x7'")
    holidays: HolidayCode | None = Field(
        default=None, description="Public holidays: country and subdivision, e.g. GB-ENG"
    )
    closed: list[date] = Field(default_factory=list, description="Extra closed dates")
    reduced: dict[date, DayHoursField] = Field(
        default_factory=dict, description="Dates with shorter hours, e.g. 2027-12-24: 09:00-12:30"
    )


class Signatory(Strict):
    name: Line
    title: Line


class Contact(Strict):
    name: Line | None = None
    email: Line | None = None
    phone: Line | None = None
