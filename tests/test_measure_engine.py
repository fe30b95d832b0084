"""The batch business-time engine against a minute-by-minute reference, and the hard cases."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from functools import cache

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from slawriter.clock.engine import Calendar
from slawriter.measure.batch import NOT_A_TIME, BatchClock, instant
from tests.test_clock import ANCHORS, CALENDARS, calendar, london, reference_open_minutes

MINUTE = timedelta(minutes=1)
US = 1_000_000
WINDOW_BEFORE, WINDOW_AFTER = timedelta(days=6), timedelta(days=9)


@cache
def _calendar(name: str) -> Calendar:
    return CALENDARS[name]()


@cache
def _open_prefix(name: str, anchor: datetime) -> np.ndarray:
    """Running count of open minutes from anchor - 6 days, by the minute-by-minute reference."""
    minutes = reference_open_minutes(_calendar(name), anchor - WINDOW_BEFORE, anchor + WINDOW_AFTER)
    return np.concatenate(([0], np.cumsum(minutes)))


def _reference(name: str, anchor: datetime, start: int, end: int) -> int:
    """Open minutes in [start, end): minute offsets from the window's start."""
    prefix = _open_prefix(name, anchor)
    return int(prefix[end] - prefix[start]) if end > start else 0


def _us(moment: datetime) -> int:
    return (moment - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(microseconds=1)


WINDOW = int((WINDOW_BEFORE + WINDOW_AFTER) / MINUTE)
offsets = st.integers(0, WINDOW)


@settings(derandomize=True, deadline=None, max_examples=60)
@given(
    name=st.sampled_from(sorted(CALENDARS)),
    anchor=st.sampled_from(ANCHORS),
    spans=st.lists(st.tuples(offsets, offsets), min_size=1, max_size=12),
)
def test_batch_elapsed_matches_the_minute_by_minute_reference(
    name: str, anchor: datetime, spans: list[tuple[int, int]]
) -> None:
    cal = _calendar(name)
    origin = anchor - WINDOW_BEFORE
    starts = np.array([_us(origin + a * MINUTE) for a, _ in spans], dtype=np.int64)
    ends = np.array([_us(origin + b * MINUTE) for _, b in spans], dtype=np.int64)
    clock = BatchClock.covering(cal, starts, ends)
    got = clock.elapsed(starts, ends) // (60 * US)
    expected = [_reference(name, anchor, a, b) for a, b in spans]
    assert got.tolist() == expected


@settings(derandomize=True, deadline=None, max_examples=60)
@given(
    name=st.sampled_from(sorted(CALENDARS)),
    anchor=st.sampled_from(ANCHORS),
    span=st.tuples(offsets, offsets).map(sorted),
    pauses=st.lists(st.tuples(offsets, st.integers(0, 3 * 1440)), max_size=4),
)
def test_pauses_take_off_exactly_the_open_minutes_inside_them(
    name: str, anchor: datetime, span: list[int], pauses: list[tuple[int, int]]
) -> None:
    cal = _calendar(name)
    origin = anchor - WINDOW_BEFORE
    start, end = span
    pause_spans = sorted((a, min(a + length, WINDOW)) for a, length in pauses)
    # The reference: open minutes of [start, end) that no pause covers.
    paused = set()
    for a, b in pause_spans:
        paused.update(range(a, b))
    prefix = _open_prefix(name, anchor)
    open_minutes = [m for m in range(start, end) if prefix[m + 1] > prefix[m]]
    expected = sum(1 for m in open_minutes if m not in paused)

    # The single-interval engine (clock/engine.py) ...
    when = [(origin + a * MINUTE, origin + b * MINUTE) for a, b in pause_spans]
    assert cal.elapsed(origin + start * MINUTE, origin + end * MINUTE, when) == expected * MINUTE
    # ... and the batch engine, with the pauses merged as the importer merges them.
    merged: list[list[int]] = []
    for a, b in pause_spans:
        if merged and a <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
        elif b > a:
            merged.append([a, b])
    starts = np.array([_us(origin + start * MINUTE)], dtype=np.int64)
    ends = np.array([_us(origin + end * MINUTE)], dtype=np.int64)
    clock = BatchClock.covering(cal, starts, ends)
    owner = np.zeros(len(merged), dtype=np.int64)
    pause_start = np.array([_us(origin + a * MINUTE) for a, _ in merged], dtype=np.int64)
    pause_end = np.array([_us(origin + b * MINUTE) for _, b in merged], dtype=np.int64)
    used = clock.elapsed(starts, ends) - clock.paused(starts, ends, owner, pause_start, pause_end)
    assert used.tolist() == [expected * 60 * US]


@settings(derandomize=True, deadline=None, max_examples=60)
@given(
    name=st.sampled_from(sorted(CALENDARS)),
    anchor=st.sampled_from(ANCHORS),
    start=offsets,
    pauses=st.lists(st.tuples(offsets, st.integers(1, 2 * 1440)), max_size=3),
    amount=st.integers(0, 3 * 1440),
)
def test_deadline_with_pauses_is_the_earliest_instant_with_that_much_unpaused_time(
    name: str, anchor: datetime, start: int, pauses: list[tuple[int, int]], amount: int
) -> None:
    cal = _calendar(name)
    origin = anchor - WINDOW_BEFORE
    when = [(origin + a * MINUTE, origin + (a + n) * MINUTE) for a, n in pauses]
    begin = origin + start * MINUTE
    due = cal.deadline(begin, amount * MINUTE, when)
    assert cal.elapsed(begin, due, when) == amount * MINUTE
    if amount and due - MINUTE >= begin:
        assert cal.elapsed(begin, due - MINUTE, when) < amount * MINUTE


@pytest.mark.parametrize("zone", ["Europe/London", "America/New_York", "Australia/Lord_Howe"])
def test_local_times_convert_in_bulk_exactly_as_the_clock_converts_them(zone: str) -> None:
    """Every minute around both clock changes of 2026, gap and repeated hour included."""
    cal = Calendar.always("t", zone)
    clock = BatchClock(cal, 2026, 2026)
    walls = []
    for year, month in ((2026, 3), (2026, 4), (2026, 10), (2026, 11)):
        first = datetime(year, month, 1)
        walls += [first + k * 15 * MINUTE for k in range(31 * 96)]
    local = np.array(
        [(w - datetime(1970, 1, 1)) // timedelta(microseconds=1) for w in walls], dtype=np.int64
    )
    expected = [instant(w, cal) for w in walls]
    assert clock.to_instants(local).tolist() == expected
    missing = np.array([NOT_A_TIME], dtype=np.int64)
    assert clock.to_instants(missing).tolist() == [NOT_A_TIME]


# -- the hard cases, one by one ---------------------------------------------------------------


def _batch(cal: Calendar, pairs: list[tuple[datetime, datetime]]) -> list[timedelta]:
    starts = np.array([instant(a, cal) for a, _ in pairs], dtype=np.int64)
    ends = np.array([instant(b, cal) for _, b in pairs], dtype=np.int64)
    used = BatchClock.covering(cal, starts, ends).elapsed(starts, ends)
    return [timedelta(microseconds=int(u)) for u in used]


def test_the_worked_example_friday_to_monday() -> None:
    cal = calendar("mon-fri 09:00-17:00", holidays="GB-ENG")
    pairs = [(datetime(2026, 11, 27, 16, 55), datetime(2026, 11, 30, 9, 5))]
    assert _batch(cal, pairs) == [10 * MINUTE]


def test_clock_changes_count_the_real_hours() -> None:
    cal = Calendar.always("24x7", "Europe/London")
    pairs = [
        (london(2027, 3, 28), london(2027, 3, 29)),  # spring forward: 23 hours
        (london(2027, 10, 31), london(2027, 11, 1)),  # fall back: 25 hours
        (datetime(2027, 3, 28, 0, 30), datetime(2027, 3, 28, 3, 30)),  # across the gap
    ]
    assert _batch(cal, pairs) == [
        timedelta(hours=23),
        timedelta(hours=25),
        timedelta(hours=2),
    ]
    night = calendar("sat 22:00-06:00")  # the Saturday night shift across the change
    assert _batch(night, [(london(2027, 3, 27, 20), london(2027, 3, 28, 8))]) == [
        timedelta(hours=7)
    ]
    assert _batch(night, [(london(2027, 10, 30, 20), london(2027, 10, 31, 8))]) == [
        timedelta(hours=9)
    ]


def test_holidays_at_the_edges_of_a_period() -> None:
    """New Year's Day opens January closed; 31 December closes December open (2027)."""
    cal = calendar("mon-fri 09:00-17:00", holidays="GB-ENG")
    january = (london(2027, 1, 1), london(2027, 2, 1))
    first_day = (london(2027, 1, 1), london(2027, 1, 2))
    last_day = (london(2027, 12, 31), london(2028, 1, 1))
    across = (london(2027, 12, 31, 16), london(2028, 1, 4, 10))  # 3 January 2028 is a holiday
    assert _batch(cal, [january, first_day, last_day, across]) == [
        timedelta(hours=20 * 8),
        timedelta(0),
        timedelta(hours=8),
        timedelta(hours=2),
    ]


def test_overnight_shifts_belong_to_the_day_they_start() -> None:
    cal = calendar("mon-fri 22:00-06:00", holidays="GB-ENG")
    # Monday 31 May 2027 is a bank holiday: its night shift is closed, Sunday's does not exist,
    # and Tuesday's night runs into Wednesday morning.
    pairs = [
        (london(2027, 5, 30, 12), london(2027, 6, 1, 12)),
        (london(2027, 6, 1, 12), london(2027, 6, 2, 12)),
        (london(2027, 6, 4, 23), london(2027, 6, 5, 3)),  # Friday night into Saturday
    ]
    assert _batch(cal, pairs) == [timedelta(0), timedelta(hours=8), timedelta(hours=4)]


def test_starts_and_ends_outside_business_hours() -> None:
    cal = calendar("mon-fri 09:00-17:00")
    pairs = [
        (london(2027, 1, 11, 7), london(2027, 1, 11, 8)),  # before opening
        (london(2027, 1, 11, 7), london(2027, 1, 11, 20)),  # the whole day
        (london(2027, 1, 9, 10), london(2027, 1, 10, 10)),  # a weekend
        (london(2027, 1, 11, 20), london(2027, 1, 12, 9, 30)),  # evening to next morning
        (london(2027, 1, 12, 10), london(2027, 1, 11, 10)),  # backwards: nothing
    ]
    assert _batch(cal, pairs) == [
        timedelta(0),
        timedelta(hours=8),
        timedelta(0),
        timedelta(minutes=30),
        timedelta(0),
    ]


def test_a_pause_straddling_closed_hours_takes_off_only_open_time() -> None:
    cal = calendar("mon-fri 09:00-17:00")
    start, end = london(2027, 1, 8, 16), london(2027, 1, 11, 11)  # Friday 16:00 to Monday 11:00
    pause = (london(2027, 1, 8, 16, 30), london(2027, 1, 11, 10))  # over the weekend
    assert cal.elapsed(start, end) == timedelta(hours=3)
    assert cal.elapsed(start, end, [pause]) == timedelta(hours=1, minutes=30)
    # The deadline for 1 hour: 30 minutes before the pause, then 30 minutes after it.
    assert cal.deadline(start, timedelta(hours=1), [pause]) == london(2027, 1, 11, 10, 30)
    # A pause entirely in closed time changes nothing.
    weekend = (london(2027, 1, 9, 8), london(2027, 1, 10, 20))
    assert cal.elapsed(start, end, [weekend]) == timedelta(hours=3)


def test_batch_refuses_instants_outside_its_years() -> None:
    cal = calendar("mon-fri 09:00-17:00")
    clock = BatchClock(cal, 2027, 2027)
    inside = np.array([instant(datetime(2027, 6, 1), cal)], dtype=np.int64)
    outside = np.array([instant(datetime(2029, 6, 1), cal)], dtype=np.int64)
    with pytest.raises(ValueError, match="outside the years 2027-2027"):
        clock.elapsed(inside, outside)


def test_offset_table_has_two_changes_a_year_in_london() -> None:
    cal = Calendar.always("t", "Europe/London")
    thresholds, offsets = cal.offset_table(2027, 2027)
    assert offsets == [0, 3600 * US, 0]
    # 01:00 GMT on 28 March is 02:00 BST: wall times from 02:00 take BST.
    assert thresholds[0] == _us(datetime(2027, 3, 28, 2, tzinfo=UTC))
    assert date(2027, 10, 31) == datetime.fromtimestamp(thresholds[1] / US, UTC).date()


def test_clock_command_counts_calendar_time_across_a_clock_change(
    capsys: pytest.CaptureFixture[str],
) -> None:
    import json

    from slawriter.cli import main

    for day, hours in (("2027-03-27", 23), ("2027-10-30", 25)):
        start, end = f"{day}T12:00", f"{day[:-2]}{int(day[-2:]) + 1:02d}T12:00"
        assert (
            main(
                [
                    "clock",
                    "--from",
                    start,
                    "--to",
                    end,
                    "--hours",
                    "mon-sun 00:00-24:00",
                    "--timezone",
                    "Europe/London",
                    "--json",
                ]
            )
            == 0
        )
        body = json.loads(capsys.readouterr().out)
        assert body["business_seconds"] == hours * 3600
        assert body["calendar_seconds"] == hours * 3600
