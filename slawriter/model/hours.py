"""Weekly opening hours: the grammar used in agreement files and on the command line.

A spec is a string or a list of strings; a string may hold several clauses separated by ``;``.
Each clause is ``DAYS TIMES``:

- DAYS: a day (``mon`` ... ``sun`` or ``monday`` ... ``sunday``, any case), a range
  (``mon-fri``; ranges may wrap round the week: ``fri-mon``), or a comma list of days and
  ranges (``mon,wed,fri``, ``mon-wed,fri``).
- TIMES: one or more ``HH:MM-HH:MM`` separated by commas (``08:00-12:00, 13:00-17:30``), or
  ``closed``. ``24:00`` may end a range. An end earlier than or equal to the start is an
  overnight shift that belongs to the day it starts on: ``mon-fri 22:00-06:00`` runs from
  Monday 22:00 to Tuesday 06:00, and so on; ``00:00-24:00`` is the whole day.

The clause ``24x7`` means every day 00:00-24:00. Later clauses replace earlier ones for the days
they name: ``mon-fri 09:00-17:00; fri 09:00-16:00; wed closed``.

Refused, with a message saying what was wrong and what was expected: an empty spec, unknown
days, malformed times, ranges starting at 24:00, intervals that overlap (on one day, or an
overnight shift running into the next day's hours) and a week with no open hours at all.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

__all__ = [
    "DAY_NAMES",
    "DayHours",
    "HoursError",
    "WeeklyHours",
    "format_day_hours",
    "format_minutes",
    "parse_day_hours",
    "parse_weekly_hours",
]

MINUTES_PER_DAY = 1440

DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_DAY_ABBREVIATIONS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_DAY_LOOKUP = {name.lower(): index for index, name in enumerate(DAY_NAMES)} | {
    abbreviation: index for index, abbreviation in enumerate(_DAY_ABBREVIATIONS)
}
_EXPECTED_DAYS = "expected mon, tue, wed, thu, fri, sat or sun"
_EXAMPLE = "e.g. 'mon-fri 09:00-17:30' or '24x7'"

_TIME = re.compile(r"^(\d{1,2}):(\d{2})$")
_RANGE_DASH = re.compile(r"\s*[-\u2013]\s*")  # a hyphen or an en dash (pasted from Word)
_TIMES_START = re.compile(r"\d|closed", re.IGNORECASE)
_ALWAYS = ("24x7", "24/7")

Interval = tuple[int, int]
DayHours = tuple[Interval, ...]


class HoursError(ValueError):
    """A weekly-hours or day-hours spec that cannot be read."""


@dataclass(frozen=True)
class WeeklyHours:
    """Open hours for each day of the week, Monday first.

    ``days[d]`` is a sorted tuple of ``(start, end)`` minutes after the local midnight that
    starts day ``d``: ``0 <= start < 1440`` and ``start < end <= start + 1440``. An end after
    1440 is an overnight shift running into the next day (it still belongs to day ``d``).
    """

    days: tuple[DayHours, ...]

    def __post_init__(self) -> None:
        if len(self.days) != 7:
            raise HoursError(f"weekly hours need 7 days (Monday first), got {len(self.days)}")
        for index, intervals in enumerate(self.days):
            _check_intervals(intervals, DAY_NAMES[index])

    def is_always(self) -> bool:
        """True when every day is open 00:00-24:00 (a 24x7 week)."""
        return all(intervals == ((0, MINUTES_PER_DAY),) for intervals in self.days)

    def minutes_on(self, weekday: int) -> int:
        """Open minutes of the shifts starting on ``weekday`` (0 = Monday), overnight parts too."""
        return sum(end - start for start, end in self.days[weekday])

    def canonical(self) -> str:
        """The spec in canonical form, e.g. ``mon-fri 09:00-17:30; sat 09:00-12:00``.

        ``parse_weekly_hours(hours.canonical()) == hours`` always holds.
        """
        if self.is_always():
            return "24x7"
        clauses = []
        for intervals, runs in self._groups():
            days = ",".join(
                _DAY_ABBREVIATIONS[first]
                if first == last
                else f"{_DAY_ABBREVIATIONS[first]}-{_DAY_ABBREVIATIONS[last]}"
                for first, last in runs
            )
            clauses.append(f"{days} {format_day_hours(intervals)}")
        return "; ".join(clauses) if clauses else "mon-sun closed"

    def describe(self) -> str:
        """English for documents, grouped by runs of days with the same hours.

        ``Monday to Friday, 08:00 to 12:00 and 13:00 to 17:00; Saturday, 09:00 to 12:00``,
        ``every day, 24 hours a day``, ``Monday to Friday, 22:00 to 06:00 the next day``.
        Closed days are not mentioned.
        """
        parts = []
        for intervals, runs in self._groups():
            if runs == [(0, 6)]:
                days = "every day"
            else:
                names: list[str] = []
                for first, last in runs:
                    if first == last:
                        names.append(DAY_NAMES[first])
                    elif (first + 1) % 7 == last:
                        names.extend((DAY_NAMES[first], DAY_NAMES[last]))
                    else:
                        names.append(f"{DAY_NAMES[first]} to {DAY_NAMES[last]}")
                days = _join_english(names)
            parts.append(f"{days}, {_describe_day(intervals)}")
        return "; ".join(parts) if parts else "closed every day"

    def _groups(self) -> list[tuple[DayHours, list[tuple[int, int]]]]:
        """(intervals, runs of days) for each distinct non-empty day, Monday's group first.

        A run is (first, last) weekday and may wrap round the week (sun-thu is (6, 3)).
        """
        members: dict[DayHours, list[int]] = {}
        for index, intervals in enumerate(self.days):
            if intervals:
                members.setdefault(intervals, []).append(index)
        return [(intervals, _runs(days)) for intervals, days in members.items()]


def format_minutes(minutes: int) -> str:
    """``540`` -> ``09:00``; ``1440`` -> ``24:00``; past 1440 the next day's clock time."""
    if not 0 <= minutes < 2 * MINUTES_PER_DAY:
        raise ValueError(f"{minutes} minutes is outside 0 to 2879")
    if minutes > MINUTES_PER_DAY:
        minutes -= MINUTES_PER_DAY
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def format_day_hours(intervals: DayHours) -> str:
    """One day's intervals in spec form: ``08:00-12:00, 13:00-17:30`` (``closed`` if none)."""
    if not intervals:
        return "closed"
    return ", ".join(_format_interval(interval) for interval in intervals)


def parse_day_hours(text: str) -> DayHours:
    """One day's TIMES, e.g. ``09:00-12:30`` or ``08:00-12:00, 13:00-16:00`` or ``closed``."""
    if not isinstance(text, str):
        raise HoursError(f"expected hours for one day such as '09:00-12:30', got {text!r}")
    return _parse_times(text.strip(), text.strip())


def parse_weekly_hours(spec: str | Sequence[str]) -> WeeklyHours:
    """Parse a weekly-hours spec (see the module docstring) into :class:`WeeklyHours`."""
    if isinstance(spec, str):
        lines = [spec]
    elif isinstance(spec, Sequence) and all(isinstance(line, str) for line in spec):
        lines = list(spec)
    else:
        raise HoursError(f"expected weekly hours as text or a list of lines ({_EXAMPLE})")
    clauses = [clause.strip() for line in lines for clause in line.split(";")]
    clauses = [clause for clause in clauses if clause]
    whole = "; ".join(clauses)
    if not clauses:
        raise HoursError(f"the hours are empty (expected weekly hours, {_EXAMPLE})")
    days: list[DayHours] = [() for _ in range(7)]
    for clause in clauses:
        named, intervals = _parse_clause(clause)
        for index in named:
            days[index] = intervals
    _check_overnight_overlaps(days, whole)
    if not any(days):
        raise HoursError(
            f"'{whole}': no open hours on any day (expected at least one day with hours, "
            f"{_EXAMPLE})"
        )
    return WeeklyHours(tuple(days))


def _parse_clause(clause: str) -> tuple[list[int], DayHours]:
    if clause.lower() in _ALWAYS:
        return list(range(7)), ((0, MINUTES_PER_DAY),)
    found = _TIMES_START.search(clause)
    if found is None:
        raise HoursError(
            f"'{clause}': no hours after the days (expected e.g. 'mon-fri 09:00-17:00' "
            "or 'sat closed')"
        )
    days_text = clause[: found.start()].strip().removesuffix(":").strip()
    if not days_text:
        raise HoursError(
            f"'{clause}': no days before the hours (expected e.g. 'mon-fri 09:00-17:00')"
        )
    return _parse_days(days_text, clause), _parse_times(clause[found.start() :], clause)


def _parse_days(text: str, clause: str) -> list[int]:
    named: list[int] = []
    for item in text.split(","):
        item = item.strip()
        if not item:
            raise HoursError(
                f"'{clause}': a day is missing in the list (expected e.g. mon,wed,fri)"
            )
        if "-" in item:
            ends = [part.strip() for part in item.split("-")]
            if len(ends) != 2 or not all(ends):
                raise HoursError(f"'{clause}': '{item}' is not a day range (expected e.g. mon-fri)")
            first, last = (_day(part, clause) for part in ends)
            day = first
            while True:
                named.append(day)
                if day == last:
                    break
                day = (day + 1) % 7
        else:
            named.append(_day(item, clause))
    return named


def _day(text: str, clause: str) -> int:
    index = _DAY_LOOKUP.get(text.lower())
    if index is None:
        raise HoursError(f"'{clause}': unknown day '{text}' ({_EXPECTED_DAYS})")
    return index


def _parse_times(text: str, context: str) -> DayHours:
    if not text:
        raise HoursError("the hours are empty (expected e.g. '09:00-17:30' or 'closed')")
    if text.lower() == "closed":
        return ()
    if "closed" in text.lower():
        raise HoursError(
            f"'{context}': 'closed' cannot be combined with times (write either 'closed' or "
            "times such as 09:00-17:30)"
        )
    intervals: list[Interval] = []
    for part in text.split(","):
        part = part.strip()
        if not part:
            raise HoursError(
                f"'{context}': a time range is missing in the list (expected e.g. "
                "08:00-12:00, 13:00-17:30)"
            )
        ends = _RANGE_DASH.split(part)
        if len(ends) != 2:
            raise HoursError(
                f"'{context}': '{part}' is not a time range (expected HH:MM-HH:MM, "
                "e.g. 09:00-17:30)"
            )
        start, end = (_time(piece, context) for piece in ends)
        if start == MINUTES_PER_DAY:
            raise HoursError(
                f"'{context}': a time range cannot start at 24:00 (write 00:00 for midnight "
                "at the start of a day)"
            )
        if end <= start:
            end += MINUTES_PER_DAY  # overnight: belongs to the day it starts on
        intervals.append((start, end))
    intervals.sort()
    for before, after in pairwise(intervals):
        if after[0] < before[1]:
            raise HoursError(
                f"'{context}': {_format_interval(before)} and {_format_interval(after)} overlap "
                "(expected separate time ranges, e.g. 08:00-12:00, 13:00-17:30)"
            )
    return tuple(intervals)


def _time(text: str, context: str) -> int:
    match = _TIME.match(text)
    if match:
        hours, minutes = int(match[1]), int(match[2])
        if minutes < 60 and (hours < 24 or (hours == 24 and minutes == 0)):
            return hours * 60 + minutes
    raise HoursError(f"'{context}': '{text}' is not a time (expected HH:MM from 00:00 to 24:00)")


def _check_overnight_overlaps(days: list[DayHours], whole: str) -> None:
    for index, intervals in enumerate(days):
        following = (index + 1) % 7
        for start, end in intervals:
            if end <= MINUTES_PER_DAY:
                continue
            for next_start, next_end in days[following]:
                if next_start + MINUTES_PER_DAY < end:
                    raise HoursError(
                        f"'{whole}': {DAY_NAMES[index]} {_describe_interval((start, end))} "
                        f"overlaps {DAY_NAMES[following]} "
                        f"{_describe_interval((next_start, next_end))} (expected an overnight "
                        "shift to end before the next day's hours begin)"
                    )


def _check_intervals(intervals: DayHours, day: str) -> None:
    previous_end = -1
    for interval in intervals:
        if not (
            isinstance(interval, tuple)
            and len(interval) == 2
            and all(isinstance(value, int) for value in interval)
        ):
            raise HoursError(f"{day}: {interval!r} is not a (start, end) pair of minutes")
        start, end = interval
        if not (0 <= start < MINUTES_PER_DAY and start < end <= start + MINUTES_PER_DAY):
            raise HoursError(
                f"{day}: ({start}, {end}) is not an interval of minutes with start in 0-1439 "
                "and end after start, at most 24 hours later"
            )
        if start < previous_end:
            raise HoursError(f"{day}: intervals must be sorted and must not overlap")
        previous_end = end


def _format_interval(interval: Interval) -> str:
    start, end = interval
    return f"{format_minutes(start)}-{format_minutes(end)}"


def _describe_interval(interval: Interval) -> str:
    start, end = interval
    text = f"{format_minutes(start)} to {format_minutes(end)}"
    return text + " the next day" if end > MINUTES_PER_DAY else text


def _describe_day(intervals: DayHours) -> str:
    if intervals == ((0, MINUTES_PER_DAY),):
        return "24 hours a day"
    return _join_english([_describe_interval(interval) for interval in intervals])


def _join_english(items: list[str]) -> str:
    if len(items) <= 2:
        return " and ".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _runs(days: list[int]) -> list[tuple[int, int]]:
    """Sorted weekdays as runs of consecutive days; a run may wrap from Sunday to Monday."""
    if len(days) == 7:
        return [(0, 6)]
    runs: list[list[int]] = []
    for day in days:
        if runs and runs[-1][1] == day - 1:
            runs[-1][1] = day
        else:
            runs.append([day, day])
    if len(runs) > 1 and runs[0][0] == 0 and runs[-1][1] == 6:
        runs[-1][1] = runs.pop(0)[1]  # sat-sun + mon-tue -> sat-tue
    return [(first, last) for first, last in runs]
