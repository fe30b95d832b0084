"""Field types shared by the agreement and provider models."""

# No `from __future__ import annotations` in the model modules: pydantic would then compile
# and evaluate every field's annotation as a string when the models are built (docs/performance.md).

import functools
import math
import re
import warnings
import zoneinfo
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    PlainSerializer,
    WithJsonSchema,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, core_schema

from slawriter.model.hours import (
    HoursError,
    WeeklyHours,
    format_day_hours,
    parse_day_hours,
    parse_weekly_hours,
)
from slawriter.text.words import plural


class Strict(BaseModel):
    """Base for every model in the agreement and provider files: unknown keys are errors."""

    model_config = ConfigDict(
        extra="forbid", frozen=True, populate_by_name=True, validate_default=True
    )


# Limits. Everything `validate` accepts must be computable by check, render and report, and
# quickly: each limit is far above what a real agreement needs and low enough that the worst
# accepted file still checks in well under a second. docs/agreement-file.md lists them.
NAME_LENGTH = 300  # names, references, ids and every other single line
TEXT_LENGTH = 20_000  # free text: exclusions, criteria, descriptions, notes
FIRST_YEAR, LAST_YEAR = 1970, 2200  # dates the clock, the holiday tables and terms can reach
DECIMAL_PLACES = 4  # percentages (99.9999) and money
MOST_MONEY = Decimal(1_000_000_000)
MIN_CALENDAR_MINUTES = 60  # a week: a clock that hardly ever runs makes every target moot


@dataclass(frozen=True)
class Limit:
    """At most ``most`` characters of a text, or entries of a list or mapping.

    Checked before anything inside is validated, so a 10 MB name or 20,000 services are
    refused at once, with a message, instead of being validated item by item first.
    """

    most: int
    what: str = "characters"  # what is counted, plural: "characters", "services", "dates"
    hint: str = ""  # what to do instead, when there is something better to say

    @property
    def doc_limit(self) -> str:
        return f"at most {self.most:,} {self.what}"

    def _check(self, value: Any) -> Any:
        if isinstance(value, str | list | dict) and len(value) > self.most:
            hint = f": {self.hint}" if self.hint else ""
            raise ValueError(
                f"{len(value):,} {self.what}, but at most {self.most:,} are allowed here{hint}"
            )
        return value

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> CoreSchema:
        return core_schema.no_info_before_validator_function(self._check, handler(source))

    def __get_pydantic_json_schema__(
        self, schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        json = handler(schema)
        key = {"string": "maxLength", "array": "maxItems", "object": "maxProperties"}
        if json.get("type") in key:
            json[key[json["type"]]] = self.most
        return json


@dataclass(frozen=True, eq=False)  # hashed by identity: the keywords may hold lists
class JsonSchema:
    """JSON Schema keywords added to what pydantic writes for a type, for editors and scripts:
    the same rule the validator enforces (with a better message), so that the schema refuses
    what ``validate`` refuses wherever JSON Schema can say it. Only ``slawriter schema`` sees it.
    """

    keywords: tuple[tuple[str, Any], ...]

    def __get_pydantic_json_schema__(
        self, schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        json = handler(schema)
        json.update(dict(self.keywords))
        return json


def json_schema(**keywords: Any) -> JsonSchema:
    return JsonSchema(tuple(keywords.items()))


# What the validators refuse, as JSON Schema (ECMA-262) patterns. The forbidden characters
# are _FORBIDDEN's, less the surrogate halves, which JSON text cannot carry.
_PRINTABLE = r"(?![\s\S]*[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff])"
LINE_PATTERN = "^" + _PRINTABLE + r"\s*[^\n]*\S[^\n]*\s*$"
TEXT_PATTERN = "^" + _PRINTABLE + r"[\s\S]*\S"
DATE_PATTERN = r"^(19[7-9][0-9]|2[01][0-9][0-9]|2200)-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"


@dataclass(frozen=True)
class Bound:
    """A limit a validator enforces, as docs/agreement-file.md states it."""

    doc_limit: str


# What XML 1.0 cannot hold (and so no Word file): C0 controls but tab, line feed and carriage
# return; U+FFFE and U+FFFF; halves of surrogate pairs, which YAML escapes can produce. DEL is
# allowed by XML but invisible in every document, so it is refused too.
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff\ud800-\udfff]")


def _no_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be empty")
    return _printable(value)


def _printable(value: str) -> str:
    found = _FORBIDDEN.search(value)
    if found:
        before = value[: found.start()]
        line = before.count("\n") + 1
        column = found.start() - (before.rfind("\n") + 1) + 1
        where = f"line {line}, column {column}" if "\n" in value else f"column {column}"
        raise ValueError(
            f"contains the character U+{ord(found.group()):04X} at {where} of the text, which "
            "no document can hold: delete it (it often comes from copying text out of another "
            "program)"
        )
    return value


def _one_line(value: str) -> str:
    if "\n" in value.strip():
        raise ValueError("must be a single line (use a list for several lines)")
    return value.strip()


Text = Annotated[
    str,
    Limit(TEXT_LENGTH),
    AfterValidator(_no_blank),
    json_schema(pattern=TEXT_PATTERN, patternErrorMessage="must not be empty"),
]
Line = Annotated[
    str,
    Limit(NAME_LENGTH),
    AfterValidator(_no_blank),
    AfterValidator(_one_line),
    json_schema(pattern=LINE_PATTERN, patternErrorMessage="one line of text, not empty"),
]

_SLUG = re.compile(r"^[a-z][a-z0-9-]*$")


def _slug(value: str) -> str:
    if not _SLUG.match(value):
        raise ValueError(
            f"'{value}' is not a valid id: use lower-case letters, digits and hyphens, "
            "starting with a letter (e.g. email, file-server)"
        )
    return value


Slug = Annotated[
    str,
    Limit(NAME_LENGTH),
    AfterValidator(_slug),
    json_schema(
        pattern=_SLUG.pattern,
        patternErrorMessage="an id: lower-case letters, digits and hyphens, starting with a "
        "letter (e.g. file-server)",
    ),
]

# An address is checked only for its shape (something@domain, no spaces): whether a mailbox
# exists is for the customer to say; a sentence typed where an address belongs is refused.
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+$")
EMAIL_PATTERN = r"^\s*[^@\s]+@[^@\s]+\s*$"


def check_email(value: str) -> str:
    if not _EMAIL.match(value.strip()):
        raise ValueError(f"'{value}' is not an email address, such as service@example.com")
    return value.strip()


Email = Annotated[
    Line,
    AfterValidator(check_email),
    json_schema(pattern=EMAIL_PATTERN, patternErrorMessage="an email address"),
]

# A telephone number as people write it: digits, spaces, +, -, (), '.', and an extension
# ('ext', 'x'). Six digits at least: fewer is no number anyone can dial.
_PHONE = re.compile(r"^\+?[0-9 ().\-]+((ext\.?|x)\s*[0-9]+)?$", re.IGNORECASE)
PHONE_PATTERN = r"^\s*\+?[0-9 ().\-]+(([Ee][Xx][Tt]\.?|[Xx])\s*[0-9]+)?\s*$"
MIN_PHONE_DIGITS = 6


def check_phone(value: str) -> str:
    text = value.strip()
    if not _PHONE.match(text) or sum(c.isdigit() for c in text) < MIN_PHONE_DIGITS:
        raise ValueError(
            f"'{value}' is not a telephone number: use digits, spaces, +, -, brackets and "
            f"'ext', with at least {MIN_PHONE_DIGITS} digits, such as +44 117 496 0123"
        )
    return text


Phone = Annotated[
    Line,
    AfterValidator(check_phone),
    json_schema(pattern=PHONE_PATTERN, patternErrorMessage="a telephone number"),
]

_PRIORITY = re.compile(r"^P[1-9]$")


def _priority_id(value: str) -> str:
    if not _PRIORITY.match(value):
        raise ValueError(f"'{value}' is not a priority id: expected P1 to P9")
    return value


PriorityId = Annotated[
    str,
    AfterValidator(_priority_id),
    json_schema(pattern=_PRIORITY.pattern, patternErrorMessage="a priority id: P1 to P9"),
]


_NUMBER_LENGTH = 40  # characters of a number written as text: '99.95%', '1200.50'


def _decimal(value: Any, what: str) -> Any:
    """YAML text and floats as the Decimal the user typed (99.9, not 99.900000000000006)."""
    if isinstance(value, str):
        text = value.strip().removesuffix("%").strip()
        if len(text) > _NUMBER_LENGTH:
            raise ValueError(f"{len(text):,} characters is not {what} such as 99.9")
        try:
            return Decimal(text)
        except ArithmeticError:
            raise ValueError(f"'{value}' is not {what} such as 99.9") from None
    if isinstance(value, float):
        return Decimal(repr(value))
    return value


def _decimal_places(value: Decimal, what: str) -> Decimal:
    exponent = value.as_tuple().exponent
    assert isinstance(exponent, int)  # finite: checked by the caller
    # Normalising 1E-999999999 leaves the decimal context's range (it becomes 0), so a
    # written exponent far below any real figure is refused before normalising.
    places = -exponent if exponent < -_NUMBER_LENGTH else -int(value.normalize().as_tuple()[2])
    if places > DECIMAL_PLACES:
        raise ValueError(
            f"{what} {value} has {places:,} decimal places, but at most {DECIMAL_PLACES} "
            "are allowed"
        )
    return value


def _percent(value: Any) -> Any:
    return _decimal(value, "a percentage")


def _percent_range(value: Decimal) -> Decimal:
    if not value.is_finite() or not Decimal(0) <= value <= Decimal(100):
        raise ValueError(f"{value} is not between 0 and 100")
    _decimal_places(value, "the percentage")
    return value.normalize() if value == value.to_integral() else value


Percent = Annotated[
    Decimal,
    BeforeValidator(_percent),
    AfterValidator(_percent_range),
    PlainSerializer(lambda d: float(d) if d != d.to_integral() else int(d)),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "number", "minimum": 0, "maximum": 100},
                {"type": "string", "pattern": r"^\s*(100|[0-9]{1,2})(\.[0-9]{1,4})?\s*%?\s*$"},
            ],
            "examples": [99.9, "99.95%"],
        }
    ),
    Bound(f"0 to 100, at most {DECIMAL_PLACES} decimal places"),
]


# An uptime target below 90% allows three days' downtime a month: no customer would sign it,
# so a lower figure is a typing error (0 for 100, 9.99 for 99.9).
MIN_UPTIME = Decimal(90)


def _uptime_floor(value: Decimal) -> Decimal:
    if value < MIN_UPTIME:
        raise ValueError(
            f"{value}% is not a meaningful uptime target: it allows more than three days of "
            f"downtime a month; use {MIN_UPTIME}% to 100% (e.g. 99.9)"
        )
    return value


UptimePercent = Annotated[
    Percent,
    AfterValidator(_uptime_floor),
    Bound(f"at least {MIN_UPTIME}"),
    json_schema(minimum=int(MIN_UPTIME)),
]


def _money(value: Any) -> Any:
    return _decimal(value, "an amount")


def _money_range(value: Decimal) -> Decimal:
    if value < 0:
        raise ValueError("must not be negative")
    if not value.is_finite() or value > MOST_MONEY:
        raise ValueError(f"{value} is more than {MOST_MONEY:,}: is it a typing error?")
    return _decimal_places(value, "the amount")


Money = Annotated[
    Decimal,
    BeforeValidator(_money),
    AfterValidator(_money_range),
    PlainSerializer(lambda d: float(d) if d != d.to_integral() else int(d)),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "number", "minimum": 0, "maximum": 1e9},
                {"type": "string", "pattern": r"^\s*[0-9]{1,10}(\.[0-9]{1,4})?\s*$"},
            ],
            "examples": [1200, 54.5],
        }
    ),
    Bound(f"0 to {MOST_MONEY:,}, at most {DECIMAL_PLACES} decimal places"),
]

MOST_TICKETS = 10_000_000  # a month, per priority: far beyond any one customer


def _tickets(value: float) -> float:
    if not math.isfinite(value) or not 0 <= value <= MOST_TICKETS:
        raise ValueError(
            f"{value} is not a number of tickets a month: expected 0 to {MOST_TICKETS:,}"
        )
    return value


TicketsPerMonth = Annotated[
    float,
    AfterValidator(_tickets),
    Bound(f"0 to {MOST_TICKETS:,}"),
    json_schema(minimum=0, maximum=MOST_TICKETS),
]


def _date_range(value: date) -> date:
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise ValueError(
            f"{value.isoformat()} is outside the years slawriter can compute with "
            f"({FIRST_YEAR} to {LAST_YEAR}): is it a typing error?"
        )
    return value


Date = Annotated[
    date,
    AfterValidator(_date_range),
    Bound(f"years {FIRST_YEAR} to {LAST_YEAR}"),
    json_schema(
        pattern=DATE_PATTERN,
        patternErrorMessage=f"a date, YYYY-MM-DD, in the years {FIRST_YEAR} to {LAST_YEAR}",
    ),
]

_HOURS_LENGTH = 1_000  # characters of one weekly-hours spec, all its lines together


def _hours(value: Any) -> WeeklyHours:
    if isinstance(value, WeeklyHours):
        return value
    if not isinstance(value, str | list):
        raise ValueError(
            "expected weekly hours such as 'mon-fri 09:00-17:30' (or a list of such lines)"
        )
    size = len(value) if isinstance(value, str) else sum(len(str(line)) + 1 for line in value)
    if size > _HOURS_LENGTH:
        raise ValueError(
            f"{size:,} characters of hours, but at most {_HOURS_LENGTH:,} are allowed: "
            "group the days, e.g. 'mon-fri 09:00-17:30'"
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
            "anyOf": [
                {"type": "string", "minLength": 1, "maxLength": _HOURS_LENGTH},
                {
                    "type": "array",
                    "items": {"type": "string", "maxLength": _HOURS_LENGTH},
                    "minItems": 1,
                },
            ],
            "description": "Weekly hours: 'mon-fri 09:00-17:30', several intervals "
            "'mon-fri 08:00-12:00, 13:00-17:00; sat 09:00-12:00', overnight "
            "'mon-fri 22:00-06:00', or '24x7'; or a list of such lines.",
            "examples": ["mon-fri 09:00-17:30", "24x7"],
        }
    ),
]


def _clock_hours(value: WeeklyHours) -> WeeklyHours:
    minutes = sum(value.minutes_on(day) for day in range(7))
    if minutes < MIN_CALENDAR_MINUTES:
        raise ValueError(
            f"'{value.canonical()}' is open {plural(minutes, 'minute')} a "
            f"week: a calendar that targets are counted on needs at least "
            f"{MIN_CALENDAR_MINUTES // 60} hour a week, or no target on it could ever be met"
        )
    return value


CalendarHours = Annotated[HoursField, AfterValidator(_clock_hours), Bound("at least 1 hour a week")]


def _day_hours(value: Any) -> tuple[tuple[int, int], ...]:
    if not isinstance(value, str):
        raise ValueError("expected hours for one day such as '09:00-12:30'")
    if len(value) > _HOURS_LENGTH:
        raise ValueError(f"{len(value):,} characters is not the hours of one day")
    try:
        return parse_day_hours(value)
    except HoursError as error:
        raise ValueError(str(error)) from None


DayHoursField = Annotated[
    tuple[tuple[int, int], ...],
    BeforeValidator(_day_hours),
    PlainSerializer(format_day_hours, return_type=str),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^\s*([Cc][Ll][Oo][Ss][Ee][Dd]|[0-9]{1,2}:[0-9]{2}\s*[-\u2013]\s*"
            r"[0-9]{1,2}:[0-9]{2}(\s*,\s*[0-9]{1,2}:[0-9]{2}\s*[-\u2013]\s*[0-9]{1,2}:[0-9]{2})*)"
            r"\s*$",
            "examples": ["09:00-12:30"],
        }
    ),
]


def _timezone(value: str) -> str:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        raise ValueError(
            f"'{value}' is not an IANA time zone (e.g. Europe/London, America/New_York)"
        ) from None
    return value


TimeZone = Annotated[
    str,
    Limit(100),
    AfterValidator(_timezone),
    json_schema(examples=["Europe/London", "America/New_York"]),
]

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
    from slawriter.model.public_holidays import country_holidays

    country, _, subdivision = value.partition("-")
    try:
        # No years: the code is checked without computing a year that the package may only
        # estimate (it warns then); holiday_warning() asks about the agreement's own years.
        table = country_holidays(country)
    except NotImplementedError:
        raise ValueError(f"'{country}' is not a country the holidays package knows") from None
    if subdivision:
        # The package says "does not have subdivision" with the same error type as for an
        # unknown country: tell the two apart here, and list what the country does have.
        known = [str(s) for s in getattr(table, "subdivisions", ())]
        aliases = getattr(table, "subdivisions_aliases", {}) or {}
        if subdivision not in known:
            # Names help with a few subdivisions (GB-ENG is England); 57 US ones would bury
            # the message, so those are listed by code only.
            named = ", ".join(
                f"{country}-{code}"
                + (
                    f" ({alias})"
                    if len(known) <= 12 and (alias := _alias_of(code, aliases))
                    else ""
                )
                for code in known
            )
            raise ValueError(
                f"'{value}': the subdivision '{subdivision}' is wrong: {country} is known, "
                + (
                    f"with the subdivisions {named}"
                    if known
                    else f"without subdivisions: use '{country}'"
                )
            )
    try:
        country_holidays(country, subdiv=subdivision or None)
    except NotImplementedError as error:
        raise ValueError(f"'{value}': {error}") from None
    except Exception as error:  # the holidays package raises a bare exception for subdivisions
        raise ValueError(f"'{value}': {error}") from None
    return value


def _alias_of(code: str, aliases: dict[str, str]) -> str:
    """A subdivision's readable name ('ENG' -> 'England'), if the package has one."""
    return next((name for name, sub in aliases.items() if sub == code and name.isascii()), "")


HolidayCode = Annotated[
    str,
    Limit(20),
    AfterValidator(_holiday_code),
    json_schema(
        pattern=_HOLIDAYS.pattern,
        patternErrorMessage="a country code with an optional subdivision, e.g. GB, GB-ENG, US-NY",
        examples=["GB-ENG", "US-NY"],
    ),
]

# The English-language locales documents can be written in: dates, money, spelling.
Language = Literal["en_GB", "en_US", "en_IE", "en_AU", "en_NZ", "en_CA", "en_ZA"]

# How a party is constituted; the jurisdiction data says how each reads in the document.
EntityType = Literal[
    "company", "llp", "partnership", "sole-trader", "corporation", "professional-corporation", "llc"
]


@functools.cache
def holiday_warning(code: str, year: int) -> str | None:
    """What the holidays package would warn about ``code`` in ``year`` (e.g. that it knows
    India's holidays only from 2001 to 2035), or None. Its warnings name its own source file,
    so they must never reach the user raw."""
    from slawriter.model.public_holidays import country_holidays

    country, _, subdivision = code.partition("-")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            country_holidays(country, subdiv=subdivision or None, years=year)
        except Exception as error:  # refused by _holiday_code already; be safe
            return str(error)
    return str(caught[0].message) if caught else None


class CalendarSpec(Strict):
    """A named calendar: when the clock of a target runs."""

    timezone: TimeZone = Field(description="IANA time zone, e.g. Europe/London")
    hours: CalendarHours = Field(description="Weekly hours, e.g. 'mon-fri 09:00-17:30' or '24x7'")
    holidays: HolidayCode | None = Field(
        default=None, description="Public holidays: country and subdivision, e.g. GB-ENG"
    )
    closed: Annotated[list[Date], Limit(1_000, "dates")] = Field(
        default_factory=list, description="Extra closed dates", examples=[["2027-12-29"]]
    )
    reduced: Annotated[dict[Date, DayHoursField], Limit(1_000, "dates")] = Field(
        default_factory=dict, description="Dates with shorter hours, e.g. 2027-12-24: 09:00-12:30"
    )


CalendarName = Line  # a calendar's name, defined or referred to


class Signatory(Strict):
    name: Line = Field(description="The person who signs", examples=["Dr Sofia Lindqvist"])
    title: Line = Field(description="Their job title", examples=["Practice Owner"])


class Contact(Strict):
    name: Line | None = Field(default=None, description="Name", examples=["Priya Shah"])
    email: Email | None = Field(
        default=None, description="Email address", examples=["it@harbourside.example"]
    )
    phone: Phone | None = Field(
        default=None, description="Telephone number", examples=["+44 117 496 0123"]
    )
    notices: Email | None = Field(
        default=None,
        description="Email address for formal notices (a claim, ending the agreement): a "
        "person or legal inbox, never the service desk's",
        examples=["legal@harbourside.example"],
    )
