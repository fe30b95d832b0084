"""Calendars and business time: the one engine behind documents, feasibility checks and reports.

A :class:`Calendar` is weekly hours in a time zone, minus public holidays and extra closed
dates, with some dates on reduced hours. These rules are the contract the documents quote:

1. Naive datetimes are wall-clock times in the calendar's time zone; aware ones are
   converted. Every span is half-open, ``[start, end)``: a clock started at 09:00 and stopped
   at 17:00 on a 09:00-17:00 day has run 8 hours.
2. Weekly hours are wall-clock local times, and each end of an interval is converted on its
   own. A local time that does not exist (the spring-forward gap) is moved forward by the
   gap: 01:30 on the UK spring-forward day is 02:30 BST. An ambiguous local time (the hour
   repeated in autumn) is taken at its first occurrence. So a 00:00-24:00 day counts 23 or 25
   hours on the change days, a 01:00-03:00 shift on the UK spring-forward day counts 1 hour,
   and an interval whose converted end is not after its converted start counts nothing.
   Nothing ever raises for these times.
3. An overnight shift belongs to the day it starts on: a holiday on Monday closes the Monday
   22:00-06:00 shift, not the Sunday shift that ends at 06:00 on Monday.
4. A day is closed when it is a public holiday of the calendar's holiday set (looked up by
   the local date, in the calendar's own time zone) or one of its extra closed dates. A
   reduced date uses its own hours instead of the weekly ones, unless it is closed.
5. Where shifts touch or overlap (an overnight shift running into the next day's hours) the
   calendar is open once: time is never counted twice.
6. ``deadline(start, amount)`` is the earliest instant at which ``amount`` of business time
   has run since ``start``: a target met exactly at closing time falls due at closing time,
   not at the next opening. An amount of zero falls due at ``start`` itself.
7. ``standard_day()`` (the length of "1 business day") is the most common non-zero daily
   length of the weekly hours, Monday to Sunday; on a tie, the longest. 24 hours for 24x7.
8. Pauses (waiting on the customer) are spans during which the clock stands still: business
   time inside any pause is not counted. Overlapping pauses count once; a pause reaching
   outside ``[start, end)`` only stops the clock inside it. With pauses, ``deadline`` is the
   earliest instant at which ``amount`` of unpaused business time has run; an instant inside
   a pause is never a deadline unless the amount ran out exactly as the pause began.
9. For batch work (``slawriter.measure``) the calendar publishes its tables: the merged open
   intervals of a range of local years (``interval_table``) and its time zone's offsets keyed
   by local wall-clock time (``offset_table``), which apply rule 2 to local times in bulk.

How it works: for each local year the open intervals of every day are converted to UTC
microseconds once, merged, and stored with running totals; business time between two instants
is then two binary searches. Holidays are fetched one year at a time.
"""

from __future__ import annotations

import threading
import warnings
import zoneinfo
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING

from slawriter.model.hours import DayHours, WeeklyHours, parse_weekly_hours
from slawriter.text.intervals import merge

if TYPE_CHECKING:
    from slawriter.model.durations import Duration

__all__ = ["Calendar"]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)
_ONE_DAY = timedelta(days=1)
_SEARCH_YEARS = 10  # how far deadline() and next_open() look before giving up
_EXAMPLE_MARGIN = timedelta(minutes=5)
_NO_REDUCED: Mapping[date, DayHours] = MappingProxyType({})


@dataclass(frozen=True)
class _Year:
    """The merged open intervals of one local year, in UTC microseconds since 1970."""

    begin: int  # local midnight starting 1 January
    end: int  # local midnight starting 1 January of the next year
    starts: list[int]
    ends: list[int]
    before: list[int]  # business time before interval i, from ``begin``
    through: list[int]  # business time up to the end of interval i, from ``begin``

    @property
    def total(self) -> int:
        return self.through[-1] if self.through else 0

    def run_until(self, instant: int) -> int:
        """Business time from ``begin`` to ``instant`` (which lies in this year)."""
        index = bisect_right(self.starts, instant) - 1
        if index < 0:
            return 0
        return self.before[index] + min(instant, self.ends[index]) - self.starts[index]


class Calendar:
    """When a clock runs: weekly hours in a time zone, less holidays and closed dates."""

    def __init__(
        self,
        name: str,
        timezone: str,
        hours: WeeklyHours,
        holidays: str | None = None,
        closed: Iterable[date] = (),
        reduced: Mapping[date, DayHours] = _NO_REDUCED,
    ) -> None:
        self.name = name
        self.tz_name = timezone
        try:
            self.timezone = zoneinfo.ZoneInfo(timezone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"calendar '{name}': '{timezone}' is not an IANA time zone "
                "(e.g. Europe/London, America/New_York)"
            ) from None
        if not any(hours.days):
            raise ValueError(f"calendar '{name}' has no open hours on any day of the week")
        self.hours = hours
        self.holiday_spec = holidays
        self.closed: frozenset[date] = frozenset(closed)
        self.reduced: Mapping[date, DayHours] = MappingProxyType(
            {day: _checked_day(name, day, intervals) for day, intervals in reduced.items()}
        )
        self._holiday_source = _holiday_source(holidays) if holidays else None
        self._holidays_by_year: dict[int, dict[date, str]] = {}
        self._years: dict[int, _Year] = {}
        self._year_begins: dict[int, int] = {}
        self._offset_tables: dict[tuple[int, int], tuple[list[int], list[int]]] = {}

    @classmethod
    def always(cls, name: str = "24x7", timezone: str = "UTC") -> Calendar:
        """A calendar open every minute of every day."""
        return cls(name, timezone, parse_weekly_hours("24x7"))

    def __repr__(self) -> str:
        holidays = f", holidays={self.holiday_spec!r}" if self.holiday_spec else ""
        return f"Calendar({self.name!r}, {self.tz_name!r}, {self.hours.canonical()!r}{holidays})"

    @property
    def is_always(self) -> bool:
        """True when the calendar is never closed: 24x7 with no holidays or closed dates."""
        return (
            self.hours.is_always()
            and self.holiday_spec is None
            and not self.closed
            and all(hours == ((0, 1440),) for hours in self.reduced.values())
        )

    # -- queries ------------------------------------------------------------------------------

    def elapsed(
        self, start: datetime, end: datetime, pauses: Iterable[tuple[datetime, datetime]] = ()
    ) -> timedelta:
        """Business time in ``[start, end)``, less pauses (rule 8); zero when ``end <= start``."""
        first, last = self._instant(start), self._instant(end)
        if last <= first:
            return timedelta(0)
        if pauses:
            total = self._run(first, last)
            for pause_start, pause_end in self._merged_pauses(pauses, first, last):
                total -= self._run(pause_start, pause_end)
            return _delta(total)
        return _delta(self._run(first, last))

    def _run(self, first: int, last: int) -> int:
        """Business microseconds in ``[first, last)`` (``first < last``)."""
        first_year, last_year = self._year_of(first), self._year_of(last)
        if first_year == last_year:
            year = self._year(first_year)
            return year.run_until(last) - year.run_until(first)
        year = self._year(first_year)
        total = year.total - year.run_until(first)
        for number in range(first_year + 1, last_year):
            total += self._year(number).total
        total += self._year(last_year).run_until(last)
        return total

    def _merged_pauses(
        self, pauses: Iterable[tuple[datetime, datetime]], first: int, last: int
    ) -> list[tuple[int, int]]:
        """Pauses as sorted, disjoint UTC microsecond spans clipped to ``[first, last)``."""
        return merge((max(self._instant(a), first), min(self._instant(b), last)) for a, b in pauses)

    def deadline(
        self,
        start: datetime,
        amount: timedelta,
        pauses: Iterable[tuple[datetime, datetime]] = (),
    ) -> datetime:
        """The earliest instant at which ``elapsed(start, t) == amount``, in the calendar's zone.

        An amount of zero returns ``start`` itself (even when the calendar is closed then).
        Pauses stop the clock (rule 8). Raises ValueError for a negative amount or when no such
        instant lies within ten years.
        """
        if amount < timedelta(0):
            raise ValueError(f"a deadline needs a duration of zero or more, not {amount}")
        if pauses:
            cursor = self._instant(start)
            remaining = amount
            far = cursor + 400 * 366 * 86_400_000_000
            for pause_start, pause_end in self._merged_pauses(pauses, cursor, far):
                if pause_start > cursor:
                    due = self.deadline(_utc(cursor), remaining)
                    if self._instant(due) <= pause_start:
                        return due
                    remaining -= _delta(self._run(cursor, pause_start))
                cursor = max(cursor, pause_end)
            return self.deadline(_utc(cursor), remaining)
        origin = self._instant(start)
        if not amount:
            return self._local(origin)
        first_year = self._year_of(origin)
        target = self._year(first_year).run_until(origin) + amount // _MICROSECOND
        for number in range(first_year, first_year + _SEARCH_YEARS + 1):
            year = self._year(number)
            if target <= year.total:
                index = bisect_left(year.through, target)
                return self._local(year.starts[index] + target - year.before[index])
            target -= year.total
        raise ValueError(
            f"calendar '{self.name}': {amount} of business time does not run out within "
            f"{_SEARCH_YEARS} years of {start}"
        )

    def localize(self, moment: datetime) -> datetime:
        """The instant ``moment`` names, in the calendar's zone (rule 1). A naive wall time
        in the spring-forward gap comes back moved forward by the gap (rule 2): 01:30 on the
        UK spring-forward day is 02:30 BST, never a reading that does not exist."""
        return self._local(self._instant(moment))

    def is_open(self, at: datetime) -> bool:
        """True when the calendar is open at the instant ``at``."""
        instant = self._instant(at)
        year = self._year(self._year_of(instant))
        index = bisect_right(year.starts, instant) - 1
        return index >= 0 and instant < year.ends[index]

    def next_open(self, at: datetime) -> datetime:
        """``at`` itself if open, else the next opening; in the calendar's zone."""
        instant = self._instant(at)
        if self.is_open(at):
            return self._local(instant)
        first_year = self._year_of(instant)
        for number in range(first_year, first_year + _SEARCH_YEARS + 1):
            year = self._year(number)
            index = bisect_right(year.starts, instant)
            if index < len(year.starts):
                return self._local(year.starts[index])
        raise ValueError(f"calendar '{self.name}' does not open within {_SEARCH_YEARS} years")

    def open_intervals(self, start: datetime, end: datetime) -> Iterator[tuple[datetime, datetime]]:
        """The open periods within ``[start, end)`` as aware UTC pairs, in order.

        Periods are clipped to ``[start, end)`` and merged where they touch, so an overnight
        shift that runs into the next day's shift comes out as one period.
        """
        first, last = self._instant(start), self._instant(end)
        if last <= first:
            return
        clipped: list[tuple[int, int]] = []
        for number in range(self._year_of(first), self._year_of(last) + 1):
            year = self._year(number)
            index = max(bisect_right(year.starts, first) - 1, 0)
            for begin, finish in zip(year.starts[index:], year.ends[index:], strict=True):
                if begin >= last:
                    break
                clipped.append((max(begin, first), min(finish, last)))
        for begin, finish in merge(clipped):  # years touch at midnight on 1 January
            yield _utc(begin), _utc(finish)

    def interval_table(self, first_year: int, last_year: int) -> tuple[list[int], list[int]]:
        """The open intervals of local years ``first_year..last_year`` (rule 9).

        Two sorted lists of UTC microseconds since 1970, starts and ends; intervals are
        disjoint but may touch at the turn of a year.
        """
        starts: list[int] = []
        ends: list[int] = []
        for number in range(first_year, last_year + 1):
            year = self._year(number)
            starts.extend(year.starts)
            ends.extend(year.ends)
        return starts, ends

    def year_span(self, first_year: int, last_year: int) -> tuple[int, int]:
        """UTC microseconds of local midnight on 1 January of ``first_year`` and after
        ``last_year``: the instants ``interval_table`` covers."""
        return self._year_begin(first_year), self._year_begin(last_year + 1)

    def offset_table(self, first_year: int, last_year: int) -> tuple[list[int], list[int]]:
        """How local wall-clock times of those years become instants, under rule 2.

        Returns ``(thresholds, offsets)``: a local time ``t`` (microseconds since 1970 as if
        the wall clock were UTC) is the instant ``t - offsets[i]``, where ``i`` is the number
        of thresholds ``<= t``. ``len(offsets) == len(thresholds) + 1``.
        """
        key = (first_year, last_year)
        if key not in self._offset_tables:
            self._offset_tables[key] = self._build_offset_table(first_year, last_year)
        thresholds, offsets = self._offset_tables[key]
        return list(thresholds), list(offsets)

    def _build_offset_table(self, first_year: int, last_year: int) -> tuple[list[int], list[int]]:
        zone = self.timezone
        begin = datetime(first_year - 1, 12, 30, tzinfo=UTC)
        finish = datetime(last_year + 1, 1, 2, tzinfo=UTC)
        step = timedelta(hours=1)

        def offset_at(moment: datetime) -> int:
            found = moment.astimezone(zone).utcoffset()
            return (found or timedelta(0)) // _MICROSECOND

        thresholds: list[int] = []
        offsets = [offset_at(begin)]
        moment = begin
        while moment < finish:
            following = moment + step
            after = offset_at(following)
            if after != offsets[-1]:
                low, high = moment, following  # the change happens in (low, high]
                while high - low > timedelta(seconds=1):
                    middle = low + (high - low) / 2
                    if offset_at(middle) == offsets[-1]:
                        low = middle
                    else:
                        high = middle
                change = (high - _EPOCH) // _MICROSECOND
                # Rule 2: a local time before the later of the two wall-clock readings of the
                # change keeps the earlier offset (gap: moved forward; repeat: first time).
                thresholds.append(change + max(offsets[-1], after))
                offsets.append(after)
            moment = following
        return thresholds, offsets

    def target_seconds(self, value: Duration) -> int:
        """A target's length in business seconds: N business days are N standard days
        (rule 7), anything else its own length."""
        if value.business_days:
            return int(value.business_days * self.standard_day().total_seconds())
        return value.seconds

    def standard_day(self) -> timedelta:
        """The length of one business day (rule 7 of the module docstring)."""
        lengths = Counter(
            minutes for minutes in map(self.hours.minutes_on, range(7)) if minutes > 0
        )
        length = max(lengths, key=lambda minutes: (lengths[minutes], minutes))
        return timedelta(minutes=length)

    def holidays_between(self, first: date, last: date) -> list[tuple[date, str]]:
        """Public holidays and extra closed dates (named "Closed") in ``[first, last]``."""
        found: dict[date, str] = {day: "Closed" for day in self.closed if first <= day <= last}
        for number in range(first.year, last.year + 1):
            for day, name in self._holidays_in(number).items():
                if first <= day <= last:
                    found[day] = name
        return sorted(found.items())

    def worked_example(self, on_or_after: date) -> tuple[datetime, datetime, timedelta]:
        """The clock example printed in every agreement: (logged, answered, business time).

        Takes the first close of business on or after ``on_or_after`` after which the calendar
        stays closed for at least one whole calendar date (Friday 17:00 -> Monday 09:00), so
        the example shows the clock standing still over closed days; failing that, the first
        close whose next opening is on a later date. The call is logged 5 minutes before that
        close and answered 5 minutes after the opening. A calendar that never closes in the
        year that follows gets 16:55 to 17:05 on ``on_or_after``.
        """
        begin = datetime.combine(on_or_after, datetime.min.time())
        previous_close: datetime | None = None  # UTC
        fallback: tuple[datetime, datetime] | None = None
        if not self.is_always:
            for opening, closing in self.open_intervals(begin, begin + timedelta(days=370)):
                if previous_close is not None:
                    gap = (self._date(opening) - self._date(previous_close)).days
                    if gap >= 2:
                        return self._example(
                            previous_close - _EXAMPLE_MARGIN, opening + _EXAMPLE_MARGIN
                        )
                    if gap == 1 and fallback is None:
                        fallback = (previous_close, opening)
                if self._date(closing) >= on_or_after:
                    previous_close = closing
            if fallback is not None:
                return self._example(fallback[0] - _EXAMPLE_MARGIN, fallback[1] + _EXAMPLE_MARGIN)
        # Wall-clock arithmetic on purpose: 16:55 local, whatever the day's length.
        logged = begin.replace(tzinfo=self.timezone) + timedelta(hours=16, minutes=55)
        return self._example(logged, logged + 2 * _EXAMPLE_MARGIN)

    def day_hours(self, day: date) -> DayHours:
        """The intervals (minutes after local midnight) of the shifts starting on a local date."""
        if day in self.closed or day in self._holidays_in(day.year):
            return ()
        reduced = self.reduced.get(day)
        if reduced is not None:
            return reduced
        return self.hours.days[day.weekday()]

    # -- machinery ----------------------------------------------------------------------------

    def _example(
        self, logged: datetime, answered: datetime
    ) -> tuple[datetime, datetime, timedelta]:
        logged = self._local(self._instant(logged))
        answered = self._local(self._instant(answered))
        return logged, answered, self.elapsed(logged, answered)

    def _date(self, moment: datetime) -> date:
        return moment.astimezone(self.timezone).date()

    def _instant(self, moment: datetime) -> int:
        """Microseconds since 1970 (UTC); naive datetimes are local to the calendar."""
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=self.timezone)
        return (moment - _EPOCH) // _MICROSECOND

    def _local(self, instant: int) -> datetime:
        return _utc(instant).astimezone(self.timezone)

    def _midnight(self, day: date) -> datetime:
        return datetime(day.year, day.month, day.day, tzinfo=self.timezone)

    def _year_begin(self, number: int) -> int:
        begin = self._year_begins.get(number)
        if begin is None:
            begin = self._instant(self._midnight(date(number, 1, 1)))
            self._year_begins[number] = begin
        return begin

    def _year_of(self, instant: int) -> int:
        """The local year whose [begin, end) holds the instant."""
        number = self._local(instant).year
        if instant < self._year_begin(number):
            return number - 1
        if instant >= self._year_begin(number + 1):
            return number + 1
        return number

    def _holidays_in(self, number: int) -> dict[date, str]:
        if self._holiday_source is None:
            return {}
        found = self._holidays_by_year.get(number)
        if found is None:
            found = self._holiday_source(number)
            self._holidays_by_year[number] = found
        return found

    def _year(self, number: int) -> _Year:
        year = self._years.get(number)
        if year is None:
            year = self._build_year(number)
            self._years[number] = year
        return year

    def _build_year(self, number: int) -> _Year:
        begin, end = self._year_begin(number), self._year_begin(number + 1)
        raw: list[tuple[int, int]] = []
        # Shifts of 30 and 31 December may still be running after midnight on 1 January.
        day = date(number, 1, 1) - 2 * _ONE_DAY
        last_day = date(number + 1, 1, 1)
        while day <= last_day:
            intervals = self.day_hours(day)
            if intervals:
                midnight = self._midnight(day)
                for start, finish in intervals:
                    # Aware + timedelta is wall-clock arithmetic; the result has fold=0 (rule 2).
                    opens = self._instant(midnight + timedelta(minutes=start))
                    closes = self._instant(midnight + timedelta(minutes=finish))
                    if closes > opens:
                        raw.append((max(opens, begin), min(closes, end)))
            day += _ONE_DAY
        # Spans clipped away (outside this year) are empty and dropped; touching or
        # overlapping shifts are open once (rule 5).
        merged = merge(raw)
        starts = [opens for opens, _ in merged]
        ends = [closes for _, closes in merged]
        before: list[int] = []
        through: list[int] = []
        running = 0
        for opens, closes in zip(starts, ends, strict=True):
            before.append(running)
            running += closes - opens
            through.append(running)
        return _Year(begin, end, starts, ends, before, through)


def _utc(instant: int) -> datetime:
    return _EPOCH + instant * _MICROSECOND


def _delta(microseconds: int) -> timedelta:
    return timedelta(microseconds=microseconds)


def _checked_day(name: str, day: date, intervals: Iterable[Iterable[int]]) -> DayHours:
    """Reduced hours for one date, checked like a day of weekly hours."""
    checked = tuple((start, end) for start, end in intervals)
    previous_end = -1
    for start, end in checked:
        if not (0 <= start < 1440 and start < end <= start + 1440 and start >= previous_end):
            raise ValueError(
                f"calendar '{name}', reduced hours on {day}: expected sorted, non-overlapping "
                "(start, end) minutes with start in 0-1439 and end after start, at most 24 "
                f"hours later; got {checked}"
            )
        previous_end = end
    return checked


# What the holidays package warned about, in words, by (holiday code, year): read by
# holiday_notes(), for the commands that must say so.
HOLIDAY_NOTES: dict[tuple[str, int], str] = {}
# warnings.catch_warnings changes the process's warning filters: one thread at a time (the
# report judges two targets in two threads, each of which may look up a year's holidays).
_WARNINGS_LOCK = threading.Lock()


def holiday_notes(codes: Iterable[str], first_year: int, last_year: int) -> list[str]:
    """What the holidays package could only estimate for these holiday codes from
    ``first_year`` to ``last_year`` (e.g. India's after 2035): the business time counted
    those days as working days."""
    years = range(first_year, max(first_year, last_year) + 1)
    wanted = {(code, year) for code in codes for year in years}
    return [note for key, note in sorted(HOLIDAY_NOTES.items()) if key in wanted]


def _holiday_source(spec: str) -> Callable[[int], dict[date, str]]:
    """A function year -> {date: name} for a spec such as GB, GB-ENG, US-CA or DE-BY."""
    from slawriter.model.public_holidays import country_holidays, supported_subdivisions

    country, _, subdivision = spec.strip().partition("-")
    country = country.upper()
    example = "expected a country code with an optional subdivision, e.g. GB, GB-ENG, US-CA, DE-BY"
    supported = supported_subdivisions(country)
    if supported is None:
        raise ValueError(
            f"'{spec}' is not a holiday calendar: unknown country '{country}' ({example})"
        )
    subdiv: str | None = None
    if subdivision:
        known = list(supported)
        aliases: dict[str, str] = getattr(country_holidays(country), "subdivisions_aliases", {})
        by_key = {code.upper(): code for code in known} | {
            alias.upper(): code for alias, code in aliases.items()
        }
        subdiv = by_key.get(subdivision.upper())
        if subdiv is None:
            if not known:
                raise ValueError(
                    f"'{spec}' is not a holiday calendar: {country} has no subdivisions "
                    f"(write just '{country}')"
                )
            shown = ", ".join(known[:8]) + (f" and {len(known) - 8} more" if len(known) > 8 else "")
            raise ValueError(
                f"'{spec}' is not a holiday calendar: {country} has no subdivision "
                f"'{subdivision}' (valid subdivisions include {shown})"
            )

    # Holiday names go into English documents. Without an explicit language the package picks
    # one from the environment (LANGUAGE, LC_ALL, ...), so the same file could print differently
    # on two machines: ask for English where the country has it, else its own language.
    with _WARNINGS_LOCK, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # no year asked for: nothing is estimated
        sample = country_holidays(country, subdiv=subdiv)
    languages: tuple[str, ...] = tuple(sample.supported_languages)
    language: str = sample.default_language or ""
    if not language.startswith("en"):
        language = next((code for code in ("en_GB", "en_US", "en") if code in languages), language)

    import holidays

    package = Path(holidays.__file__).resolve().parent

    def holidays_in(number: int) -> dict[date, str]:
        # The package warns (naming its own source file) for years it can only estimate, e.g.
        # India's before 2001 or after 2035: never raw to the user. Validation refuses an
        # agreement's own first years; later ones are kept as notes for the caller to show.
        with _WARNINGS_LOCK, warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            found = country_holidays(
                country, subdiv=subdiv, years=number, language=language or None
            )
        for warning in caught:
            # Only the package's own: another thread's warning may be caught here too.
            if package not in Path(warning.filename).resolve().parents:
                continue
            HOLIDAY_NOTES.setdefault(
                (spec, number),
                f"public holidays {spec} in {number}: {str(warning.message).rstrip('.')}; "
                "the days it cannot give are counted as working days",
            )
        return {day: name for day, name in found.items() if day.year == number}

    return holidays_in
