"""Business time for many intervals at once, on the tables the clock already builds.

A :class:`BatchClock` covers a range of local years of one calendar. It keeps the merged open
intervals as numpy arrays with a running total, so the business time from the start of the
range to any instant is one ``np.searchsorted`` and a clip; the business time of an interval
is the difference of two such look-ups. No day is walked per interval. Every rule of
:mod:`slawriter.clock` holds, because the tables are the clock's own.

Instants are int64 microseconds since 1970 (UTC). Local wall-clock times are converted with
the calendar's offset table, by the clock's rule 2 (gap: moved forward; repeat: first time).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import cached_property

import numpy as np
import numpy.typing as npt

from slawriter.clock.engine import Calendar

Instants = npt.NDArray[np.int64]

MICROSECONDS = 1_000_000
NOT_A_TIME = np.iinfo(np.int64).min  # a missing time in an array of instants
_ONE_MICROSECOND = timedelta(microseconds=1)


class BatchClock:
    """Vectorised ``elapsed`` for one calendar over local years ``first_year..last_year``."""

    def __init__(self, calendar: Calendar, first_year: int, last_year: int) -> None:
        self.calendar = calendar
        self.first_year, self.last_year = first_year, last_year
        self.begin, self.end = calendar.year_span(first_year, last_year)
        starts, ends = calendar.interval_table(first_year, last_year)
        self.starts = np.asarray(starts, dtype=np.int64)
        self.ends = np.asarray(ends, dtype=np.int64)
        lengths = self.ends - self.starts
        self.before = np.concatenate(([0], np.cumsum(lengths)[:-1])).astype(np.int64)
        self.lengths = lengths

    @cached_property
    def _offsets(self) -> tuple[Instants, Instants]:
        """The zone's offset table, built on first use (only local-time conversion needs it)."""
        thresholds, offsets = self.calendar.offset_table(self.first_year, self.last_year)
        return np.asarray(thresholds, dtype=np.int64), np.asarray(offsets, dtype=np.int64)

    @classmethod
    def covering(cls, calendar: Calendar, *instants: Instants | int) -> BatchClock:
        """A clock whose years cover every (non-missing) instant given, plus a year each side."""
        low, high = None, None
        for values in instants:
            array = np.asarray(values, dtype=np.int64).ravel()
            array = array[array != NOT_A_TIME]
            if array.size:
                low = int(array.min()) if low is None else min(low, int(array.min()))
                high = int(array.max()) if high is None else max(high, int(array.max()))
        if low is None or high is None:
            year = datetime.now(UTC).year
            return cls(calendar, year, year)
        first = datetime.fromtimestamp(low / MICROSECONDS, UTC).year - 1
        last = datetime.fromtimestamp(high / MICROSECONDS, UTC).year + 1
        return cls(calendar, first, last)

    def _check_range(self, instants: Instants) -> None:
        present = instants[instants != NOT_A_TIME]
        if present.size and (present.min() < self.begin or present.max() > self.end):
            raise ValueError(
                f"instants outside the years {self.first_year}-{self.last_year} this batch "
                "clock covers"
            )

    def run_until(self, instants: Instants) -> Instants:
        """Business microseconds from the start of the range to each instant."""
        index = np.searchsorted(self.starts, instants, side="right") - 1
        safe = np.maximum(index, 0)
        inside = np.clip(instants - self.starts[safe], 0, self.lengths[safe])
        result: Instants = np.where(index >= 0, self.before[safe] + inside, 0)
        return result

    def elapsed(self, starts: Instants, ends: Instants) -> Instants:
        """Business microseconds in each ``[start, end)``; 0 where ``end <= start``."""
        starts = np.asarray(starts, dtype=np.int64)
        ends = np.asarray(ends, dtype=np.int64)
        self._check_range(starts)
        self._check_range(ends)
        result: Instants = np.maximum(self.run_until(ends) - self.run_until(starts), 0)
        return result

    def paused(
        self,
        starts: Instants,
        ends: Instants,
        owner: Instants,
        pause_starts: Instants,
        pause_ends: Instants,
    ) -> Instants:
        """Business microseconds of pauses inside each interval, summed per interval.

        ``owner[k]`` is the interval pause ``k`` belongs to; the pauses of one interval must
        not overlap each other (the importer merges them).
        """
        size = len(starts)
        if not len(owner):
            return np.zeros(size, dtype=np.int64)
        lows = np.clip(pause_starts, starts[owner], ends[owner])
        highs = np.clip(pause_ends, starts[owner], ends[owner])
        each = self.elapsed(lows, highs)
        total: Instants = np.bincount(owner, weights=each, minlength=size).astype(np.int64)
        return total

    def to_instants(self, local: Instants) -> Instants:
        """Local wall-clock microseconds (as if UTC) to instants, by the clock's rule 2."""
        local = np.asarray(local, dtype=np.int64)
        thresholds, offsets = self._offsets
        index = np.searchsorted(thresholds, local, side="right")
        result: Instants = np.where(local == NOT_A_TIME, NOT_A_TIME, local - offsets[index])
        return result


def instant(moment: datetime, calendar: Calendar) -> int:
    """One datetime as microseconds since 1970; naive means local to the calendar."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=calendar.timezone)
    return (moment - datetime(1970, 1, 1, tzinfo=UTC)) // _ONE_MICROSECOND
