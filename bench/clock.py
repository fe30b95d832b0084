"""Benchmark: batch business time (slawriter.measure.batch) against businesstimedelta.

1. Throughput: N random intervals (default 2,000,000) on a London office calendar
   (mon-fri 09:00-17:00, Europe/London, GB-ENG holidays), starts spread over 2026-2027 and
   spans of 0-30 days. Timed: building the batch clock plus one vectorised elapsed() call;
   best of 5 runs, cold (first) run shown too.
2. Side by side: a sample of the same intervals (default 2,000) through businesstimedelta
   (its WorkDayRule and HolidayRule both given the calendar's zone, or it loops) and through
   the batch engine, in the same run; throughput ratio.
3. Disagreements: every interval where the two differ is checked against a minute-by-minute
   reference (walk each UTC minute, read the wall clock, look the date up in the holidays
   package); the report says who is right.

Run: .venv/bin/python bench/clock.py [--intervals 2000000] [--sample 2000]
Needs businesstimedelta (pip install businesstimedelta; a benchmark-only dependency).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np

from slawriter.clock.engine import Calendar
from slawriter.measure.batch import BatchClock
from slawriter.model.hours import parse_weekly_hours

ZONE = "Europe/London"
US = 1_000_000
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def intervals(count: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    begin = (datetime(2026, 1, 1, tzinfo=UTC) - EPOCH) // timedelta(microseconds=1)
    two_years = 2 * 365 * 86400 * US
    starts = begin + rng.integers(0, two_years // (60 * US), count) * 60 * US
    ends = starts + rng.integers(0, 30 * 1440, count) * 60 * US
    return starts.astype(np.int64), ends.astype(np.int64)


def _working(day: date, holiday_dates: set[date]) -> bool:
    return day.weekday() < 5 and day not in holiday_dates


def open_office(wall: datetime, holiday_dates: set[date]) -> bool:
    return _working(wall.date(), holiday_dates) and 9 <= wall.hour < 17


def open_nights(wall: datetime, holiday_dates: set[date]) -> bool:
    """22:00-06:00 shifts belong to the date they start on (slawriter's rule 3)."""
    yesterday = wall.date() - timedelta(days=1)
    return (_working(wall.date(), holiday_dates) and wall.hour >= 22) or (
        _working(yesterday, holiday_dates) and wall.hour < 6
    )


SCENARIOS = {
    "office": ("mon-fri 09:00-17:00", 9, 17, open_office),
    "nights": ("mon-fri 22:00-06:00", 22, 6, open_nights),
}


def reference_seconds(
    start: datetime, end: datetime, holiday_dates: set[date], is_open: object
) -> int:
    """Open minutes in [start, end), one UTC minute at a time (minute-aligned inputs)."""
    assert callable(is_open)
    zone = ZoneInfo(ZONE)
    total = 0
    moment = start
    while moment < end:
        if is_open(moment.astimezone(zone), holiday_dates):
            total += 60
        moment += timedelta(minutes=1)
    return total


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--intervals", type=int, default=2_000_000)
    parser.add_argument("--sample", type=int, default=2_000)
    args = parser.parse_args()
    try:
        import businesstimedelta  # noqa: F401
    except ImportError:
        sys.stderr.write("bench/clock.py needs businesstimedelta: pip install businesstimedelta\n")
        return 2

    hours = parse_weekly_hours("mon-fri 09:00-17:00")
    starts, ends = intervals(args.intervals, seed=1)

    # 1. Throughput of the batch engine.
    timings = []
    for _ in range(5):
        calendar = Calendar("office", ZONE, hours, holidays="GB-ENG")  # cold tables each run
        began = time.perf_counter()
        clock = BatchClock.covering(calendar, starts, ends)
        clock.elapsed(starts, ends)
        timings.append(time.perf_counter() - began)
    best = min(timings)
    print(
        f"batch engine: {args.intervals:,} intervals in {best * 1000:.0f} ms (best of 5, "
        f"tables built each run; first run {timings[0] * 1000:.0f} ms)"
    )
    print(f"  throughput: {args.intervals / best / 1e6:.1f} million intervals/s")

    for scenario, (spec, opens, closes, is_open) in SCENARIOS.items():
        side_by_side(args, starts, ends, scenario, spec, opens, closes, is_open, best)
    return 0


def side_by_side(
    args: argparse.Namespace,
    starts: np.ndarray,
    ends: np.ndarray,
    scenario: str,
    spec: str,
    opens: int,
    closes: int,
    is_open: object,
    best: float,
) -> None:
    import businesstimedelta
    import holidays
    import pytz

    hours = parse_weekly_hours(spec)
    # 2. Side by side on a sample of the same intervals.
    print(f"\n[{scenario}] {spec}, {ZONE}, GB-ENG holidays")
    sample_starts, sample_ends = starts[: args.sample], ends[: args.sample]
    tz = pytz.timezone(ZONE)
    gb = holidays.country_holidays("GB", subdiv="ENG", years=range(2025, 2030))
    rules = businesstimedelta.Rules(
        [
            businesstimedelta.WorkDayRule(
                start_time=datetime.min.time().replace(hour=opens),
                end_time=datetime.min.time().replace(hour=closes),
                working_days=[0, 1, 2, 3, 4],
                tz=tz,
            ),
            businesstimedelta.HolidayRule(gb, tz=tz),
        ]
    )
    pairs = [
        (EPOCH + timedelta(microseconds=int(a)), EPOCH + timedelta(microseconds=int(b)))
        for a, b in zip(sample_starts, sample_ends, strict=True)
    ]
    began = time.perf_counter()
    theirs = [rules.difference(a, b).timedelta.total_seconds() for a, b in pairs]
    their_time = time.perf_counter() - began

    calendar = Calendar(scenario, ZONE, hours, holidays="GB-ENG")
    ours_timings = []
    for _ in range(5):
        began = time.perf_counter()
        clock = BatchClock.covering(calendar, sample_starts, sample_ends)
        ours = clock.elapsed(sample_starts, sample_ends) / US
        ours_timings.append(time.perf_counter() - began)
    our_time = min(ours_timings)
    print(f"side by side on the same {args.sample:,} intervals:")
    print(
        f"  businesstimedelta: {their_time * 1000:.0f} ms "
        f"({their_time / args.sample * 1e6:.0f} us per interval, "
        f"{args.sample / their_time:,.0f} intervals/s)"
    )
    print(
        f"  slawriter batch:   {our_time * 1000:.2f} ms "
        f"({args.sample / our_time / 1e6:.2f} million intervals/s)"
    )
    ratio_sample = (args.sample / our_time) / (args.sample / their_time)
    ratio_full = (args.intervals / best) / (args.sample / their_time)
    print(
        f"  speed-up: {ratio_sample:,.0f}x on the sample batch, "
        f"{ratio_full:,.0f}x at full-batch throughput"
    )

    # 3. Disagreements, judged by the minute-by-minute reference.
    holiday_dates = {d for d in gb if isinstance(d, date)}
    differ = [i for i, (a, b) in enumerate(zip(ours, theirs, strict=True)) if a != b]
    verdicts: Counter[str] = Counter()
    examples: dict[str, str] = {}
    for index in differ:
        a, b = pairs[index]
        truth = reference_seconds(a, b, holiday_dates, is_open)
        verdict = (
            "slawriter right"
            if ours[index] == truth
            else "businesstimedelta right"
            if theirs[index] == truth
            else "both wrong"
        )
        verdicts[verdict] += 1
        examples.setdefault(
            verdict,
            f"{a.astimezone(tz):%a %Y-%m-%d %H:%M %Z} -> {b.astimezone(tz):%a %Y-%m-%d %H:%M %Z}: "
            f"slawriter {ours[index] / 3600:.2f} h, businesstimedelta {theirs[index] / 3600:.2f} h,"
            f" reference {truth / 3600:.2f} h",
        )
    print(
        f"disagreements: {len(differ)} of {args.sample:,}; by the minute-by-minute reference: "
        + (", ".join(f"{k}: {v}" for k, v in sorted(verdicts.items())) or "none")
    )
    for verdict, example in sorted(examples.items()):
        print(f"  e.g. ({verdict}) {example}")


if __name__ == "__main__":
    raise SystemExit(main())
