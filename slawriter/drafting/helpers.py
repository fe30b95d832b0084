"""What clause templates see besides the agreement: formatting helpers and computed figures.

Every name here is documented in docs/clause-authors.md. Helpers return plain text; the
assembler escapes it for Markdown like any other inserted value.
"""

from __future__ import annotations

import calendar as calendar_module
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from datetime import date as datetime_date  # inside Helpers, 'date' is the date filter
from decimal import Decimal
from functools import cached_property
from typing import Any

from slawriter.clock.calendars import basis_name
from slawriter.clock.downtime import Span, allowed_downtime_seconds, period_seconds
from slawriter.clock.engine import Calendar
from slawriter.library.jurisdictions import Jurisdiction, Jurisdictions, Regime
from slawriter.model.common import FIRST_YEAR, LAST_YEAR, CalendarSpec
from slawriter.model.durations import Duration, Period
from slawriter.model.hours import DAY_NAMES, WeeklyHours
from slawriter.model.hours import format_minutes as format_time_of_day
from slawriter.text.markdown import MarkdownText
from slawriter.text.numbers import money, percent, whole_minutes
from slawriter.text.times import (
    business_time_words,
    contract_when,
    duration_words,
    long_date,
    minutes_words,
    twelve_hour,
    weekday_date,
)
from slawriter.text.words import plural

_COUNTRY_NAMES = {
    "GB": "the United Kingdom", "US": "the United States", "IE": "Ireland", "AU": "Australia",
    "NZ": "New Zealand", "CA": "Canada", "ZA": "South Africa", "DE": "Germany",
    "FR": "France", "NL": "the Netherlands",
}  # fmt: skip


# A cross-reference waiting for its paragraph's number (not characters a clause writes).
REF_OPEN, REF_CLOSE = "\u27ea", "\u27eb"

_DAY_RANGE = re.compile(rf"\b({'|'.join(DAY_NAMES)}) to ({'|'.join(DAY_NAMES)})\b")


def us_days(text: str) -> str:
    """'Monday to Friday' -> 'Monday through Friday': the US way to include the last day."""
    return _DAY_RANGE.sub(r"\1 through \2", text)


def holiday_region(code: str) -> str:
    """'GB-ENG' -> 'England'; 'US' -> 'the United States'."""
    from slawriter.model.public_holidays import country_holidays

    country, _, subdivision = code.partition("-")
    if subdivision:
        try:
            cls = country_holidays(country).__class__
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


def describe_hours(hours: WeeklyHours, language: str = "en_GB") -> str:
    """Weekly hours as the document's language writes them."""
    text = hours.describe()
    return us_days(twelve_hour(text)) if language == "en_US" else text


@dataclass(frozen=True)
class CalendarView:
    """A calendar as clause text describes it (``spec`` None: the built-in 24x7).

    The engine is ``_clock`` so templates cannot reach it (the sandbox refuses names starting
    with an underscore): its methods take any dates and run for as long as the range asks,
    and its time zone cache is global state. Templates see only the properties below.
    """

    name: str
    _clock: Calendar
    spec: CalendarSpec | None
    language: str = "en_GB"

    @property
    def is_always(self) -> bool:
        return self._clock.is_always

    @property
    def timezone(self) -> str:
        return self._clock.tz_name

    @property
    def hours(self) -> str:
        """e.g. 'Monday to Friday, 09:00 to 17:30' (en_US: '9:00 a.m. to 5:30 p.m.')."""
        return describe_hours(self._clock.hours, self.language)

    @property
    def holidays(self) -> str:
        """e.g. 'bank and public holidays in England', 'federal holidays'; empty when none."""
        if self.spec is None or not self.spec.holidays:
            return ""
        code = self.spec.holidays
        if code == "US":
            return "federal holidays"
        if code.startswith("US-"):
            return f"federal holidays and the public holidays of {holiday_region(code)}"
        if code.startswith("GB"):
            # The same words as a Working Day's 'bank or public holiday in England': UK bank
            # holidays are not all public holidays, and one phrase must mean one set of days.
            return f"bank and public holidays in {holiday_region(code)}"
        return f"public holidays in {holiday_region(code)}"

    @property
    def reduced(self) -> list[dict[str, Any]]:
        """Dates with shorter hours: each {"date": date, "day": "Thursday 24 December 2026",
        "hours": "08:30 to 12:30"}."""
        if self.spec is None:
            return []
        return [
            {"date": day, "day": weekday_date(day, self.language), "hours": self.day_hours(spans)}
            for day, spans in sorted(self.spec.reduced.items())
        ]

    def day_hours(self, spans: Iterable[tuple[int, int]]) -> str:
        text = join(f"{format_time_of_day(s)} to {format_time_of_day(e)}" for s, e in spans)
        return twelve_hour(text) if self.language == "en_US" else text

    @property
    def closed(self) -> list[date]:
        return list(self.spec.closed) if self.spec else []

    @property
    def description(self) -> str:
        """One sentence fragment: hours, time zone and holidays."""
        if self.is_always:
            if self.language == "en_US":
                return "24 hours a day, 7 days a week, including holidays"
            return "24 hours a day, 7 days a week, including public holidays"
        text = f"{self.hours} ({self.timezone} time)"
        if self.holidays:
            text += f", excluding {self.holidays}"
        if self.closed:
            text += ", and excluding " + join(long_date(d, self.language) for d in self.closed)
        return text

    @property
    def standard_day(self) -> str:
        return duration_words(self._clock.standard_day())


# The periods a helper that counts time may be asked about: a month or a year of the years an
# agreement may start in (and the first full month after the last such start), so no template
# can make the clock engine walk millennia.
_LONGEST_SPAN = timedelta(days=366)


def check_span(span: Any) -> None:
    """Refuse a period a template made up (a ``namespace`` with ``first`` and ``next_first``)
    or one the engine would take long to count: a month or a year within 1970-2200 only."""
    if not isinstance(span, Span):
        raise ValueError("month must be example_month (a month of the agreement)")
    first, following = span.first, span.next_first
    if not (
        FIRST_YEAR <= first.year <= LAST_YEAR + 1
        and first < following <= first + _LONGEST_SPAN
        and following.year <= LAST_YEAR + 2
    ):
        raise ValueError(
            f"the period {first} to {following} is not a month or year between "
            f"{FIRST_YEAR} and {LAST_YEAR + 1}"
        )


def join(items: Iterable[Any], word: str = "and") -> str:
    """['a', 'b', 'c'] -> 'a, b and c'."""
    parts = [str(i) for i in items]
    if len(parts) <= 1:
        return "".join(parts)
    return f"{', '.join(parts[:-1])} {word} {parts[-1]}"


@dataclass(frozen=True)
class Term:
    """The initial term's dates, for the lists of holidays and shorter days."""

    start: date
    end: date  # the last day of the initial term

    def years(self) -> list[tuple[date, date]]:
        """Each year of the term, from its first day to its last (the last may be short)."""
        out: list[tuple[date, date]] = []
        first = self.start
        while first <= self.end:
            following = add_years(self.start, len(out) + 1)
            out.append((first, min(following - timedelta(days=1), self.end)))
            first = following
        return out


def add_years(day: date, years: int) -> date:
    """The same date ``years`` later (29 February becomes 1 March)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return date(day.year + years, 3, 1)


def add_period(day: date, period: Period) -> date:
    """The date ``period`` after ``day`` (months end-clamped: 31 January + 1 month = 28/29
    February)."""
    if period.unit == "days":
        return day + timedelta(days=period.amount)
    months = period.amount * (12 if period.unit == "years" else 1)
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    last = calendar_module.monthrange(year, month)[1]
    return date(year, month, min(day.day, last))


@dataclass(frozen=True)
class Parties:
    """The jurisdiction facts the clauses need: the governing law's, and the registrations
    the parties are described by."""

    jurisdiction: Jurisdiction | None = None
    places: Jurisdictions | None = None
    regime_ids: tuple[str, ...] = ()
    # How long records are kept after the end: the file's figure, else the limitation period.
    retention: Period | None = None


class Helpers:
    """The helper functions and filters for one agreement's clauses."""

    def __init__(
        self,
        calendars: Mapping[str, CalendarView],
        default_calendar: str,
        locale: str,
        currency: str,
        example_month: Span,
        term: Term | None = None,
        parties: Parties | None = None,
        in_use: tuple[str, ...] = (),
    ) -> None:
        self.calendars = calendars
        self.default_calendar = default_calendar
        self.locale = locale
        self.currency = currency
        self.example_month = example_month
        self.term = term or Term(example_month.first, add_years(example_month.first, 1))
        self.parties = parties or Parties()
        self.in_use = in_use or (default_calendar,)

    def calendar(self, name: str | None = None) -> CalendarView:
        return self.calendars[name or self.default_calendar]

    # -- filters ---------------------------------------------------------------------------
    def duration(self, value: Duration | Period | None) -> str:
        if value is None:
            return ""
        return value.words()

    def notice(self, value: Duration | Period | None) -> str:
        """A notice period as the document prints it. Notice runs in whole days, not on the
        service clock, so a file's '5 business days' prints as '5 Working Days' (a day the
        Definitions clause defines); every other unit prints as written."""
        if isinstance(value, Duration) and value.business_days:
            return plural(value.business_days, "Working Day")
        return self.duration(value)

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

    def day(self, value: datetime_date) -> str:
        """A date with its weekday: 'Friday 26 March 2027', 'Friday, March 26, 2027'."""
        return weekday_date(value, self.locale)

    def when(self, value: datetime) -> str:
        """'Friday 27 November 2026 at 16:55'; en_US 'Friday, November 27, 2026 at 4:55 p.m.'."""
        if self.locale == "en_US":
            return f"{self.day(value.date())} at {twelve_hour(f'{value:%H:%M}')}"
        return contract_when(value, self.locale)

    def hours(self, value: WeeklyHours) -> str:
        """Weekly hours (e.g. a maintenance window) in the document's language."""
        return describe_hours(value, self.locale)

    # -- parties and jurisdiction ----------------------------------------------------------
    def regime(self, regime_id: str) -> Regime:
        """A data-protection regime's names, from the library's jurisdiction data."""
        places = self.parties.places
        found = places.regimes.get(regime_id) if places else None
        if found is None:
            raise ValueError(f"the library's jurisdiction data has no regime '{regime_id}'")
        return found

    def breach_notice(self, protection: Any) -> dict[str, Any]:
        """The breach notice the document gives: the file's period, shortened to the governing
        law's limit and, with special-category data, to each regime's limit for it; and
        whether the law says 'immediately'."""
        period: Duration = protection.breach_notice
        limits: list[Duration] = []
        place = self.parties.jurisdiction
        law = place.breach_notice if place else None
        if law is not None:
            limits.append(law.within)
        if protection.special_categories and self.parties.places:
            for regime_id in self.parties.regime_ids:
                regime = self.parties.places.regimes.get(regime_id)
                if regime is not None and regime.special_breach_notice is not None:
                    limits.append(regime.special_breach_notice)
        for limit in limits:
            if period.business_days or period.seconds > limit.seconds:
                period = limit
        return {
            "period": period.words(),
            "immediately": bool(law and law.immediately),
            "law": law.law if law else None,
        }

    def party_description(self, who: Any) -> str:
        """How the parties clause describes a party: 'a company registered in England and
        Wales under number 04512377', 'an Illinois professional corporation'. Without an
        entity type, the older 'a company registered under number ...' (or nothing)."""
        number = getattr(who, "company_number", None)
        entity = getattr(who, "entity", None)
        places = self.parties.places
        home_id = getattr(who, "registered_in", None) or (
            self.parties.jurisdiction.id if self.parties.jurisdiction else None
        )
        home = places.get(home_id) if places and home_id else None
        if entity and home and entity in home.entities:
            partners = join(getattr(who, "partners", None) or [])
            phrase = home.entities[entity].replace("{number}", str(number or ""))
            return phrase.replace("{partners}", partners).replace("{name}", who.name)
        return f"a company registered under number {number}" if number else ""

    def home(self, who: Any) -> Jurisdiction | None:
        """Where a party is registered (its ``registered_in``, else the governing law's place):
        clauses compare the parties' homes, e.g. for transfers between GDPR regimes."""
        places = self.parties.places
        home_id = getattr(who, "registered_in", None) or (
            self.parties.jurisdiction.id if self.parties.jurisdiction else None
        )
        return places.get(home_id) if places and home_id else None

    # -- holidays --------------------------------------------------------------------------
    def calendars_named(self, names: Iterable[str | None]) -> list[CalendarView]:
        """The calendars among ``names`` (None is the default), each once, default first."""
        seen: list[str] = [self.default_calendar]
        for name in names:
            if name and name not in seen and name in self.calendars:
                seen.append(name)
        return [self.calendars[name] for name in seen]

    def holiday_tables(self) -> list[dict[str, Any]]:
        """One table per holiday set among the calendars the agreement uses, in the first
        year of the term: {"code", "region", "holidays": [{"date", "day", "name"}], "rule",
        "first", "last", "calendars": [views]}."""
        first, last = self.term.years()[0]
        tables: dict[str, dict[str, Any]] = {}
        for name in self.in_use:
            view = self.calendars[name]
            code = view.spec.holidays if view.spec else None
            if not code:
                continue
            table = tables.get(code)
            if table is None:
                table = tables[code] = {
                    "code": code,
                    "region": view.holidays,
                    "holidays": [
                        {"date": day, "day": self.day(day), "name": title}
                        for day, title in view._clock.holidays_between(first, last)
                        if title != "Closed" or day not in view.closed
                    ],
                    "rule": self.holiday_rule(code),
                    "first": first,
                    "last": last,
                    "calendars": [],
                }
            table["calendars"].append(view)
        return list(tables.values())

    @property
    def named_calendars(self) -> list[CalendarView]:
        """The calendars the agreement uses, the default first."""
        return [self.calendars[name] for name in self.in_use]

    def holiday_list(self, name: str | None = None) -> dict[str, Any]:
        """What one calendar closes for in the first year of the term, and how later years
        are decided: {"calendar", "holidays": [{"date", "day", "name"}], "first", "last",
        "rule", "closed": [...], "reduced": [{"year", "first", "last", "days": [...]}]}."""
        view = self.calendar(name)
        first, last = self.term.years()[0]
        spec = view.spec
        code = spec.holidays if spec else None
        holidays = []
        if code:
            closed = set(view.closed)
            holidays = [
                {"date": day, "day": self.day(day), "name": title}
                for day, title in view._clock.holidays_between(first, last)
                if day not in closed
            ]
        return {
            "calendar": view,
            "first": first,
            "last": last,
            "holidays": holidays,
            "rule": self.holiday_rule(code) if code else "",
            "closed": [
                {"date": day, "day": self.day(day)}
                for day in sorted(view.closed)
                if self.term.start <= day <= self.term.end
            ],
            "reduced": [
                {
                    "year": number,
                    "first": start,
                    "last": end,
                    "days": [
                        {"date": day, "day": self.day(day), "hours": view.day_hours(spans)}
                        for day, spans in sorted((spec.reduced if spec else {}).items())
                        if start <= day <= end
                    ],
                }
                for number, (start, end) in enumerate(self.term.years(), start=1)
            ],
        }

    def holiday_rule(self, code: str) -> str:
        """How a later year's holidays are decided, from the jurisdiction whose holidays the
        calendar uses; otherwise the official list for the region."""
        places = self.parties.places
        for place in places.places.values() if places else ():
            if place.holidays == code:
                return place.holiday_rule
        region = holiday_region(code).removeprefix("the ")
        return f"the public holidays of {region} officially announced for that year"

    # -- computed figures ------------------------------------------------------------------
    def basis_seconds(self, basis: str, calendar: str | None, month: Span) -> float:
        """Minutes in the measurement basis for a month, as seconds."""
        check_span(month)
        clock = self.calendar(basis_name(basis, calendar, self.default_calendar))._clock
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
        logged, answered, elapsed = view._clock.worked_example(self.example_month.first)
        return {
            "logged": self.when(logged),
            "answered": self.when(answered),
            "elapsed": duration_words(elapsed),
            "calendar": view.name,
        }

    def deadline_on(self, name: str | None, target: Duration) -> str:
        """When a target on another calendar (a priority counted 24x7) falls due for the worked
        example's report: that priority's own promise, rather than the example's time measured
        on its clock (which read like a broken promise)."""
        logged, _answered, _elapsed = self.calendar()._clock.worked_example(
            self.example_month.first
        )
        clock = self.calendar(name)._clock
        due = clock.deadline(logged, timedelta(seconds=clock.target_seconds(target)))
        return self.when(due)

    def ref(self, title: str) -> MarkdownText:
        """A cross-reference to the numbered paragraph whose bold run-in title is ``title``
        ('Termination for repeated failure'): its number ('15.11'), filled in once the
        document is numbered (drafting.assemble.resolve_references)."""
        return MarkdownText(f"{REF_OPEN}{title}{REF_CLOSE}")

    def filters(self) -> dict[str, Any]:
        return {
            "duration": self.duration,
            "notice": self.notice,
            "target": self.target,
            "percent": self.percent,
            "money": self.money,
            "date": self.date,
            "when": self.when,
            "day": self.day,
            "hours": self.hours,
            "join": join,
        }

    def globals(self) -> dict[str, Any]:
        return {
            "calendar": self.calendar,
            "allowed_downtime": self.allowed_downtime,
            "basis_minutes": self.basis_minutes,
            "example_month": self.example_month,
            "clock_example": self.clock_example,
            "jurisdiction": self.parties.jurisdiction,
            "regimes": list(self.parties.regime_ids),
            "regime": self.regime,
            "party_description": self.party_description,
            "home": self.home,
            "breach_notice": self.breach_notice,
            "calendars_named": self.calendars_named,
            "holiday_list": self.holiday_list,
            "holiday_tables": self.holiday_tables,
            "named_calendars": self.named_calendars,
            "term_end": self.term.end,
            "records_retention": self.parties.retention,
            "language": self.locale,
            "deadline_on": self.deadline_on,
            "ref": self.ref,
            # The definitions clause defines "Business Minute" only if another clause prints
            # it; the assembler re-renders that clause with False when none does.
            "define_business_minute": True,
        }
