"""Business time: the engine against a minute-by-minute reference, and the rules one by one."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import holidays as holidays_package
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from slawriter.clock.engine import Calendar
from slawriter.model.hours import parse_day_hours, parse_weekly_hours

LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")
MINUTE = timedelta(minutes=1)
HOUR = timedelta(hours=1)


def calendar(
    hours: str,
    timezone: str = "Europe/London",
    holidays: str | None = None,
    closed: tuple[date, ...] = (),
    reduced: dict[date, str] | None = None,
) -> Calendar:
    reduced_hours = {day: parse_day_hours(text) for day, text in (reduced or {}).items()}
    return Calendar("test", timezone, parse_weekly_hours(hours), holidays, closed, reduced_hours)


def london(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0, micro: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, micro, tzinfo=LONDON)


# -- the reference ---------------------------------------------------------------------------
#
# Deliberately simple: walk the span one UTC minute at a time, read the wall clock in the
# calendar's zone, and ask whether that wall-clock minute lies in a shift of its own date or
# in the overnight part of the previous date's shift. It shares no code with the engine.
#
# The engine converts the two ends of each shift on their own (a time in the spring-forward
# gap moves forward, a repeated time is taken the first time). The two agree whenever no shift
# begins or ends strictly inside a gap or a repeated hour, which holds for every calendar below
# (their shifts start and end at midnight or well away from the 01:00-03:00 changes); those
# end-point rules have their own explicit tests further down.


def reference_open_minutes(cal: Calendar, start: datetime, end: datetime) -> list[bool]:
    country, _, subdivision = (cal.holiday_spec or "").partition("-")
    holiday_names = (
        holidays_package.country_holidays(country, subdiv=subdivision or None) if country else {}
    )

    def shifts(day: date) -> tuple[tuple[int, int], ...]:
        if day in holiday_names or day in cal.closed:
            return ()
        if day in cal.reduced:
            return cal.reduced[day]
        return cal.hours.days[day.weekday()]

    covered: dict[date, set[int]] = {}  # wall-clock minutes 0-2879 of each date's shifts

    def covers(day: date, minute: int) -> bool:
        if day not in covered:
            covered[day] = {m for s, e in shifts(day) for m in range(s, e)}
        return minute in covered[day]

    minutes = []
    moment = start.astimezone(UTC)
    while moment < end:
        wall = moment.astimezone(cal.timezone)
        day, minute = wall.date(), wall.hour * 60 + wall.minute
        minutes.append(covers(day, minute) or covers(day - timedelta(days=1), minute + 1440))
        moment += MINUTE
    return minutes


CALENDARS: dict[str, Callable[[], Calendar]] = {
    "london-office": lambda: calendar(
        "mon-fri 09:00-17:30",
        holidays="GB-ENG",
        closed=(date(2027, 1, 4),),
        reduced={date(2026, 12, 24): "09:00-12:30", date(2027, 12, 24): "09:00-12:30"},
    ),
    "new-york-nights": lambda: calendar(
        # Shifts touching end to start (Sunday night into Monday morning) and a Saturday
        # night shift running across the Sunday 02:00 clock changes.
        "sun 22:00-06:00; mon-thu 06:00-09:00, 22:00-06:00; fri 06:00-09:00, 20:00-04:00; "
        "sat 09:00-13:00, 20:00-04:00",
        timezone="America/New_York",
        holidays="US",
    ),
    "sydney": lambda: calendar(
        "mon-fri 07:00-19:00; sat 08:00-12:00",
        timezone="Australia/Sydney",
        holidays="AU-NSW",
        reduced={date(2026, 12, 24): "07:00-12:00"},
    ),
    "london-24x7": lambda: Calendar.always("always", "Europe/London"),
}

# Interesting instants: clock changes in all three zones, Christmas, New Year, Easter.
ANCHORS = [
    datetime(2026, 3, 8, 7, tzinfo=UTC),
    datetime(2026, 3, 29, 1, tzinfo=UTC),
    datetime(2026, 4, 4, 16, tzinfo=UTC),
    datetime(2026, 10, 3, 16, tzinfo=UTC),
    datetime(2026, 10, 25, 1, tzinfo=UTC),
    datetime(2026, 11, 1, 6, tzinfo=UTC),
    datetime(2026, 11, 26, 12, tzinfo=UTC),
    datetime(2026, 12, 25, 0, tzinfo=UTC),
    datetime(2027, 1, 1, 0, tzinfo=UTC),
    datetime(2027, 3, 26, 12, tzinfo=UTC),
    datetime(2027, 3, 28, 1, tzinfo=UTC),
    datetime(2027, 5, 31, 12, tzinfo=UTC),
    datetime(2027, 10, 31, 1, tzinfo=UTC),
    datetime(2027, 12, 31, 23, tzinfo=UTC),
]

starts = st.builds(
    lambda anchor, offset: anchor + offset * MINUTE,
    st.sampled_from(ANCHORS),
    st.integers(-10 * 1440, 10 * 1440),
)


def spans(max_days: int) -> st.SearchStrategy[timedelta]:
    """Up to max_days days, sometimes negative; whole days drawn first so long spans are common."""
    return st.builds(
        lambda days, minutes: (days * 1440 + minutes) * MINUTE,
        st.integers(0, max_days - 1),
        st.integers(-60, 1439),
    )


@pytest.fixture(scope="module", params=sorted(CALENDARS))
def cal(request: pytest.FixtureRequest) -> Calendar:
    return CALENDARS[request.param]()


@settings(derandomize=True, deadline=None, max_examples=150)
@given(start=starts, span=spans(10), naive=st.booleans())
def test_elapsed_matches_the_reference(
    cal: Calendar, start: datetime, span: timedelta, naive: bool
) -> None:
    end = start + span
    expected = sum(reference_open_minutes(cal, start, end)) * MINUTE
    if naive:  # naive datetimes are wall-clock times in the calendar's zone (fold respected)
        start = start.astimezone(cal.timezone).replace(tzinfo=None)
        end = end.astimezone(cal.timezone).replace(tzinfo=None)
    assert cal.elapsed(start, end) == expected


@settings(derandomize=True, deadline=None, max_examples=150)
@given(start=starts, span=spans(4))
def test_open_intervals_match_the_reference(
    cal: Calendar, start: datetime, span: timedelta
) -> None:
    end = start + span
    opened = reference_open_minutes(cal, start, end)
    periods = list(cal.open_intervals(start, end))
    expected = [False] * len(opened)
    for index, (begin, finish) in enumerate(periods):
        assert begin.tzinfo is UTC and finish.tzinfo is UTC
        assert start <= begin < finish <= end
        if index:
            assert periods[index - 1][1] < begin  # merged where they touch
        for minute in range((begin - start) // MINUTE, (finish - start) // MINUTE):
            expected[minute] = True
    assert opened == expected
    for minute in {0, len(opened) // 2, len(opened) - 1} if opened else set():
        assert cal.is_open(start + minute * MINUTE) == opened[minute]


@settings(derandomize=True, deadline=None, max_examples=150)
@given(start=starts, amount=st.integers(0, 15 * 1440).map(lambda minutes: minutes * MINUTE))
def test_deadline_is_the_earliest_instant_with_that_much_business_time(
    cal: Calendar, start: datetime, amount: timedelta
) -> None:
    due = cal.deadline(start, amount)
    assert due.tzinfo is cal.timezone
    # In UTC: local wall-clock arithmetic and cross-zone == are not instant arithmetic.
    due = due.astimezone(UTC)
    assert cal.elapsed(start, due) == amount
    if amount:
        assert cal.elapsed(start, due - MINUTE) < amount
        assert cal.is_open(due - MINUTE)
    else:
        assert due == start


@settings(derandomize=True, deadline=None, max_examples=100)
@given(start=starts)
def test_next_open(cal: Calendar, start: datetime) -> None:
    opening = cal.next_open(start).astimezone(UTC)
    assert opening >= start
    assert cal.is_open(opening)
    assert cal.elapsed(start, opening) == timedelta(0)
    assert (opening == start) == cal.is_open(start)


# -- the example every agreement prints -------------------------------------------------------


def test_domain_example_ten_minutes_not_three_days() -> None:
    cal = calendar("mon-fri 09:00-17:00", holidays="GB-ENG")
    logged, answered = london(2026, 11, 27, 16, 55), london(2026, 11, 30, 9, 5)
    assert cal.elapsed(logged, answered) == timedelta(minutes=10)
    # The same instants, naive (local to the calendar) or seen from New York.
    assert cal.elapsed(datetime(2026, 11, 27, 16, 55), datetime(2026, 11, 30, 9, 5)) == 10 * MINUTE
    assert cal.elapsed(logged.astimezone(NEW_YORK), answered.astimezone(NEW_YORK)) == 10 * MINUTE
    assert cal.elapsed(answered, logged) == timedelta(0)


@pytest.mark.parametrize(
    ("hours", "on_or_after", "logged", "answered"),
    [
        ("mon-fri 09:00-17:00", date(2026, 11, 27), (2026, 11, 27, 16, 55), (2026, 11, 30, 9, 5)),
        ("mon-fri 09:00-17:30", date(2026, 11, 27), (2026, 11, 27, 17, 25), (2026, 11, 30, 9, 5)),
        # Overnight closes are passed over for one that spans a closed date: the weekend.
        ("mon-fri 09:00-17:30", date(2026, 11, 23), (2026, 11, 27, 17, 25), (2026, 11, 30, 9, 5)),
        # The close must be on or after the date: from a Saturday, the next Friday.
        ("mon-fri 09:00-17:30", date(2026, 11, 28), (2026, 12, 4, 17, 25), (2026, 12, 7, 9, 5)),
        # A lunch break reopens the same day, so it is not the example.
        (
            "mon-fri 09:00-12:00, 13:00-17:00",
            date(2026, 11, 27),
            (2026, 11, 27, 16, 55),
            (2026, 11, 30, 9, 5),
        ),
        # A week that ends on Saturday at 12:00.
        (
            "mon-fri 09:00-17:30; sat 09:00-12:00",
            date(2026, 11, 28),
            (2026, 11, 28, 11, 55),
            (2026, 11, 30, 9, 5),
        ),
        (
            "mon-fri 09:00-17:30; sat 09:00-12:00",
            date(2026, 11, 27),
            (2026, 11, 28, 11, 55),
            (2026, 11, 30, 9, 5),
        ),
        # Night shifts: closing at 06:00 and reopening at 22:00 is the same date.
        ("mon-fri 22:00-06:00", date(2026, 11, 23), (2026, 11, 28, 5, 55), (2026, 11, 30, 22, 5)),
        # Christmas: Friday 25 and (observed) Monday 28 December are holidays.
        ("mon-fri 09:00-17:00", date(2026, 12, 24), (2026, 12, 24, 16, 55), (2026, 12, 29, 9, 5)),
    ],
)
def test_worked_example(
    hours: str,
    on_or_after: date,
    logged: tuple[int, int, int, int, int],
    answered: tuple[int, int, int, int, int],
) -> None:
    cal = calendar(hours, holidays="GB-ENG")
    example = cal.worked_example(on_or_after)
    assert example == (london(*logged), london(*answered), 10 * MINUTE)
    assert example[0].tzinfo is LONDON and example[1].tzinfo is LONDON


def test_worked_example_of_an_always_open_calendar() -> None:
    cal = Calendar.always(timezone="Europe/London")
    assert cal.worked_example(date(2027, 3, 28)) == (
        london(2027, 3, 28, 16, 55),
        london(2027, 3, 28, 17, 5),
        10 * MINUTE,
    )


def test_worked_example_of_a_24x7_calendar_with_holidays_uses_the_holiday() -> None:
    cal = calendar("24x7", holidays="GB-ENG")
    assert cal.worked_example(date(2026, 12, 1)) == (
        london(2026, 12, 24, 23, 55),
        london(2026, 12, 27, 0, 5),
        10 * MINUTE,
    )


# -- holidays ---------------------------------------------------------------------------------


def test_christmas_and_boxing_day() -> None:
    cal = calendar("mon-fri 09:00-17:30", holidays="GB-ENG")
    # Thursday 24 December 17:00 to Tuesday 29 December 09:30: Friday 25 is Christmas Day,
    # Monday 28 is Boxing Day (observed): half an hour on each side.
    assert cal.elapsed(london(2026, 12, 24, 17), london(2026, 12, 29, 9, 30)) == HOUR
    assert cal.deadline(london(2026, 12, 24, 17), HOUR) == london(2026, 12, 29, 9, 30)
    # Spans starting or ending on the holidays themselves.
    assert cal.elapsed(london(2026, 12, 25), london(2026, 12, 29)) == timedelta(0)
    assert cal.elapsed(london(2026, 12, 25, 12), london(2026, 12, 29, 10)) == HOUR
    assert cal.next_open(london(2026, 12, 25, 10)) == london(2026, 12, 29, 9)
    assert cal.holidays_between(date(2026, 12, 1), date(2027, 1, 1)) == [
        (date(2026, 12, 25), "Christmas Day"),
        (date(2026, 12, 26), "Boxing Day"),
        (date(2026, 12, 28), "Boxing Day (observed)"),
        (date(2027, 1, 1), "New Year's Day"),
    ]


def test_easter_across_the_spring_clock_change() -> None:
    cal = calendar("mon-fri 09:00-17:30", holidays="GB-ENG")
    # 2027: Good Friday 26 March, clocks change Sunday 28 March, Easter Monday 29 March.
    assert cal.elapsed(london(2027, 3, 25, 17), london(2027, 3, 30, 9, 30)) == HOUR
    assert cal.deadline(london(2027, 3, 25, 17, 30), MINUTE) == london(2027, 3, 30, 9, 1)
    assert cal.deadline(london(2027, 3, 25, 17, 30), MINUTE).utcoffset() == HOUR
    assert not cal.is_open(london(2027, 3, 26, 10))
    assert not cal.is_open(london(2027, 3, 29, 10))


def test_a_month_of_business_minutes() -> None:
    cal = calendar("mon-fri 09:00-17:30", holidays="GB-ENG")
    # December 2026 starts on a Tuesday: 23 weekdays (1-4, 7-11, 14-18, 21-25, 28-31).
    # Christmas Day (Fri 25) and Boxing Day observed (Mon 28) close two of them: 21 days of
    # 8.5 hours = 21 * 510 = 10,710 minutes.
    assert cal.elapsed(london(2026, 12, 1), london(2027, 1, 1)) == 10_710 * MINUTE


def test_years_of_business_time_are_exact() -> None:
    cal = calendar("mon-fri 09:00-17:30", holidays="GB-ENG")
    gb = holidays_package.country_holidays("GB", subdiv="ENG", years=range(2020, 2030))
    days = [date(2020, 1, 1) + timedelta(days=n) for n in range(3653)]
    expected = sum(510 for day in days if day.weekday() < 5 and day not in gb) * MINUTE
    assert cal.elapsed(london(2020, 1, 1), london(2030, 1, 1)) == expected


def test_overnight_shift_belongs_to_the_day_it_starts() -> None:
    cal = calendar("sun-thu 22:00-06:00", timezone="America/New_York", holidays="US")
    # Memorial Day, Monday 31 May 2027: Sunday's shift (ends Monday 06:00) runs; Monday's
    # shift (Monday 22:00 to Tuesday 06:00) does not.
    sunday_noon = datetime(2027, 5, 30, 12, tzinfo=NEW_YORK)
    assert cal.elapsed(sunday_noon, sunday_noon + 2 * timedelta(days=1)) == 8 * HOUR
    assert cal.is_open(datetime(2027, 5, 31, 5, 59, tzinfo=NEW_YORK))
    assert not cal.is_open(datetime(2027, 5, 31, 23, tzinfo=NEW_YORK))
    assert cal.next_open(datetime(2027, 5, 31, 6)) == datetime(2027, 6, 1, 22, tzinfo=NEW_YORK)


def test_overnight_shifts_around_thanksgiving() -> None:
    cal = calendar("mon-fri 22:00-06:00", timezone="America/New_York", holidays="US")

    # Thanksgiving, Thursday 26 November 2026: Wednesday's shift runs until Thursday 06:00,
    # Thursday's shift is cancelled, Friday's runs.
    def at(day: int, hour: int) -> datetime:
        return datetime(2026, 11, day, hour, tzinfo=NEW_YORK)

    assert cal.elapsed(at(26, 0), at(27, 12)) == 6 * HOUR
    assert cal.elapsed(at(25, 12), at(28, 12)) == 16 * HOUR
    assert cal.deadline(at(26, 5), 2 * HOUR) == at(27, 23)


def test_overnight_shift_across_new_year_is_one_period() -> None:
    cal = calendar("mon-fri 22:00-06:00", holidays="GB-ENG")
    # Thursday 31 December 2026 runs into New Year's Day (a holiday, so Friday's shift is off).
    start, end = london(2026, 12, 31, 12), london(2027, 1, 2, 12)
    assert cal.elapsed(start, end) == 8 * HOUR
    assert list(cal.open_intervals(start, end)) == [
        (datetime(2026, 12, 31, 22, tzinfo=UTC), datetime(2027, 1, 1, 6, tzinfo=UTC))
    ]


def test_touching_shifts_merge_into_one_period() -> None:
    cal = calendar("sun 22:00-06:00; mon 06:00-14:00", timezone="UTC")
    start = datetime(2026, 11, 22, tzinfo=UTC)  # a Sunday
    assert list(cal.open_intervals(start, start + timedelta(days=2))) == [
        (datetime(2026, 11, 22, 22, tzinfo=UTC), datetime(2026, 11, 23, 14, tzinfo=UTC))
    ]
    clipped = cal.open_intervals(datetime(2026, 11, 23, 1), datetime(2026, 11, 23, 2))
    assert list(clipped) == [
        (datetime(2026, 11, 23, 1, tzinfo=UTC), datetime(2026, 11, 23, 2, tzinfo=UTC))
    ]
    assert list(cal.open_intervals(start, start)) == []


def test_reduced_and_closed_dates() -> None:
    cal = calendar(
        "mon-fri 09:00-17:30",
        holidays="GB-ENG",
        closed=(date(2026, 12, 31), date(2026, 12, 27)),
        reduced={
            date(2026, 12, 24): "09:00-12:30",
            date(2026, 12, 25): "10:00-12:00",  # a holiday: stays closed
            date(2026, 12, 19): "10:00-11:00",  # a Saturday: opens
        },
    )
    # December's 10,710 minutes, Christmas Eve 510 -> 210, New Year's Eve closed, +1 Saturday hour.
    assert (
        cal.elapsed(london(2026, 12, 1), london(2027, 1, 1)) == (10_710 - 300 - 510 + 60) * MINUTE
    )
    assert cal.day_hours(date(2026, 12, 24)) == ((540, 750),)
    assert cal.day_hours(date(2026, 12, 25)) == ()
    assert cal.deadline(london(2026, 12, 24, 12), HOUR) == london(2026, 12, 29, 9, 30)
    assert cal.holidays_between(date(2026, 12, 26), date(2026, 12, 31)) == [
        (date(2026, 12, 26), "Boxing Day"),
        (date(2026, 12, 27), "Closed"),
        (date(2026, 12, 28), "Boxing Day (observed)"),
        (date(2026, 12, 31), "Closed"),
    ]


def test_bad_reduced_hours_are_refused() -> None:
    with pytest.raises(ValueError, match=r"calendar 'test', reduced hours on 2026-12-24: expected"):
        Calendar("test", "UTC", parse_weekly_hours("24x7"), reduced={date(2026, 12, 24): ((9, 5),)})


# -- daylight saving --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "last", "minutes"),
    [
        (date(2027, 3, 1), date(2027, 4, 1), 31 * 1440 - 60),
        (date(2027, 10, 1), date(2027, 11, 1), 31 * 1440 + 60),
        (date(2027, 6, 1), date(2027, 7, 1), 30 * 1440),
    ],
)
def test_a_24x7_month_in_london_counts_its_real_minutes(
    first: date, last: date, minutes: int
) -> None:
    cal = Calendar.always("always", "Europe/London")
    assert cal.elapsed(
        datetime(first.year, first.month, 1), datetime(last.year, last.month, 1)
    ) == (minutes * MINUTE)


@pytest.mark.parametrize(
    ("timezone", "hours", "day", "length"),
    [
        ("Europe/London", "sun 00:00-24:00", date(2027, 3, 28), 23 * HOUR),
        ("Europe/London", "sun 00:00-24:00", date(2027, 10, 31), 25 * HOUR),
        # Cairo changes at midnight: Friday 30 April 2027 starts at 01:00, Thursday 28 October
        # ends at 24:00 summer time and then repeats 23:00-24:00.
        ("Africa/Cairo", "fri 00:00-24:00", date(2027, 4, 30), 23 * HOUR),
        ("Africa/Cairo", "thu 00:00-24:00", date(2027, 10, 28), 25 * HOUR),
        ("Africa/Cairo", "thu 00:00-24:00", date(2027, 4, 29), 24 * HOUR),
    ],
)
def test_a_whole_day_on_a_change_day(
    timezone: str, hours: str, day: date, length: timedelta
) -> None:
    cal = calendar(hours, timezone=timezone)
    zone = ZoneInfo(timezone)
    around = (
        datetime.combine(day - timedelta(days=1), datetime.min.time(), zone),
        datetime.combine(day + timedelta(days=2), datetime.min.time(), zone),
    )
    assert cal.day_hours(day) == ((0, 1440),)
    assert cal.elapsed(*around) == length  # the neighbouring days are closed


@pytest.mark.parametrize(
    ("hours", "day", "length", "opens_utc"),
    [
        # Spring forward, Sunday 28 March 2027: 01:00 GMT is 02:00 BST, so 01:00-03:00 is one hour.
        ("sun 01:00-03:00", date(2027, 3, 28), HOUR, datetime(2027, 3, 28, 1, tzinfo=UTC)),
        # A start inside the gap moves forward by the gap: 01:30 -> 02:30 BST.
        (
            "sun 01:30-03:00",
            date(2027, 3, 28),
            30 * MINUTE,
            datetime(2027, 3, 28, 1, 30, tzinfo=UTC),
        ),
        # Wholly inside the gap: both ends move forward, 02:00-02:30 BST.
        ("sun 01:00-01:30", date(2027, 3, 28), 30 * MINUTE, datetime(2027, 3, 28, 1, tzinfo=UTC)),
        # 01:30 becomes 02:30 BST, after the 02:00 BST end: nothing.
        ("sun 01:30-02:00", date(2027, 3, 28), timedelta(0), None),
        # Fall back, Sunday 31 October 2027: 01:00 is taken the first time (BST), 03:00 is GMT.
        ("sun 01:00-03:00", date(2027, 10, 31), 3 * HOUR, datetime(2027, 10, 31, 0, tzinfo=UTC)),
        ("sun 01:00-01:30", date(2027, 10, 31), 30 * MINUTE, datetime(2027, 10, 31, 0, tzinfo=UTC)),
    ],
)
def test_shift_ends_in_the_clock_change_hour(
    hours: str, day: date, length: timedelta, opens_utc: datetime | None
) -> None:
    cal = calendar(hours)
    midnight = datetime.combine(day, datetime.min.time(), LONDON)
    window = (midnight - timedelta(days=1), midnight + timedelta(days=2))
    assert cal.elapsed(*window) == length
    periods = list(cal.open_intervals(*window))
    assert [begin for begin, _ in periods] == ([opens_utc] if opens_utc else [])


def test_naive_times_in_the_gap_or_the_repeated_hour() -> None:
    cal = Calendar.always("always", "Europe/London")
    # 01:30 on the spring-forward day does not exist: it is 02:30 BST, half an hour before 03:00.
    assert cal.elapsed(datetime(2027, 3, 28, 1, 30), datetime(2027, 3, 28, 3)) == 30 * MINUTE
    # 01:30 on the fall-back day happens twice: the first (BST) unless fold=1 says otherwise.
    assert cal.elapsed(datetime(2027, 10, 31, 1, 30), datetime(2027, 10, 31, 3)) == 150 * MINUTE
    second = datetime(2027, 10, 31, 1, 30, fold=1)
    assert cal.elapsed(second, datetime(2027, 10, 31, 3)) == 90 * MINUTE
    assert cal.is_open(datetime(2027, 3, 28, 1, 30))


def test_deadline_across_the_spring_gap() -> None:
    cal = Calendar.always("always", "Europe/London")
    assert cal.deadline(london(2027, 3, 28, 0, 30), HOUR) == london(2027, 3, 28, 2, 30)
    due = cal.deadline(london(2027, 10, 31, 0, 30), HOUR)
    assert due.astimezone(UTC) == datetime(2027, 10, 31, 0, 30, tzinfo=UTC)
    assert (due.hour, due.minute, due.fold) == (1, 30, 0)  # 01:30 BST, the first 01:30
    later = cal.deadline(london(2027, 10, 31, 0, 30), 2 * HOUR)
    assert (later.hour, later.minute, later.fold) == (1, 30, 1)  # 01:30 GMT, the second


# -- the rest of the contract -----------------------------------------------------------------


def test_deadline_at_closing_time_and_from_outside_hours() -> None:
    cal = calendar("mon-fri 09:00-17:30", holidays="GB-ENG")
    monday = london(2026, 11, 23, 9)
    assert cal.deadline(monday, timedelta(hours=8, minutes=30)) == london(2026, 11, 23, 17, 30)
    assert cal.deadline(london(2026, 11, 27, 16), 4 * HOUR) == london(2026, 11, 30, 11, 30)
    assert cal.deadline(london(2026, 11, 28, 3), HOUR) == london(2026, 11, 30, 10)
    # Zero is due at the start itself, open or not; negative amounts are refused.
    assert cal.deadline(london(2026, 11, 28, 3), timedelta(0)) == london(2026, 11, 28, 3)
    assert cal.deadline(datetime(2026, 11, 28, 3), timedelta(0)) == london(2026, 11, 28, 3)
    with pytest.raises(ValueError, match="zero or more"):
        cal.deadline(monday, -MINUTE)


def test_start_and_end_outside_business_hours() -> None:
    cal = calendar("mon-fri 09:00-17:30", holidays="GB-ENG")
    assert cal.elapsed(london(2026, 11, 23, 7), london(2026, 11, 25, 20)) == 3 * 510 * MINUTE
    assert cal.elapsed(london(2026, 11, 28, 7), london(2026, 11, 29, 20)) == timedelta(0)
    assert cal.elapsed(london(2026, 11, 23, 17), london(2026, 11, 24, 8)) == 30 * MINUTE
    assert cal.elapsed(london(2026, 11, 23, 18), london(2026, 11, 24, 9, 15)) == 15 * MINUTE
    # Half-open: the closing instant itself is not business time.
    assert cal.is_open(london(2026, 11, 23, 9))
    assert not cal.is_open(london(2026, 11, 23, 17, 30))
    assert cal.next_open(london(2026, 11, 23, 17, 30)) == london(2026, 11, 24, 9)
    assert cal.next_open(london(2026, 11, 23, 12)) == london(2026, 11, 23, 12)


def test_seconds_and_microseconds_count() -> None:
    cal = calendar("mon-fri 09:00-17:30")
    start = london(2026, 11, 23, 17, 29, 59, 500_000)
    assert cal.elapsed(start, london(2026, 11, 24, 9, 0, 1)) == timedelta(seconds=1.5)
    assert cal.deadline(start, timedelta(seconds=1)) == london(2026, 11, 24, 9, 0, 0, 500_000)


@pytest.mark.parametrize(
    ("hours", "day"),
    [
        ("mon-fri 09:00-17:30; sat 09:00-12:00", timedelta(hours=8, minutes=30)),
        ("24x7", timedelta(hours=24)),
        ("mon-fri 22:00-06:00", timedelta(hours=8)),
        ("mon-tue 09:00-17:00; wed-thu 09:00-13:00", timedelta(hours=8)),  # a tie: the longest
        ("mon 09:00-17:00; tue-wed 09:00-13:00", timedelta(hours=4)),
        ("mon-fri 08:00-12:00, 13:00-17:00; fri 08:00-12:00", timedelta(hours=8)),
    ],
)
def test_standard_day(hours: str, day: timedelta) -> None:
    assert calendar(hours).standard_day() == day


def test_always() -> None:
    cal = Calendar.always()
    assert (cal.name, cal.tz_name, cal.holiday_spec) == ("24x7", "UTC", None)
    assert cal.timezone == ZoneInfo("UTC")
    assert cal.is_always and cal.hours.is_always()
    assert not calendar("24x7", holidays="GB").is_always
    assert not calendar("24x7", closed=(date(2027, 1, 1),)).is_always
    assert not calendar("mon-fri 09:00-17:00").is_always
    assert repr(calendar("mon-fri 09:00-17:00", holidays="GB-ENG")) == (
        "Calendar('test', 'Europe/London', 'mon-fri 09:00-17:00', holidays='GB-ENG')"
    )


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        (
            "XX",
            "'XX' is not a holiday calendar: unknown country 'XX' (expected a country code with "
            "an optional subdivision, e.g. GB, GB-ENG, US-CA, DE-BY)",
        ),
        (
            "GB-XYZ",
            "'GB-XYZ' is not a holiday calendar: GB has no subdivision 'XYZ' (valid subdivisions "
            "include ENG, NIR, SCT, WLS)",
        ),
        (
            "US-QQ",
            "'US-QQ' is not a holiday calendar: US has no subdivision 'QQ' (valid subdivisions "
            "include AK, AL, AR, AS, AZ, CA, CO, CT and 49 more)",
        ),
        ("IS-AB", "'IS-AB' is not a holiday calendar: IS has no subdivisions (write just 'IS')"),
    ],
)
def test_bad_holiday_code(spec: str, message: str) -> None:
    with pytest.raises(ValueError) as caught:
        calendar("mon-fri 09:00-17:00", holidays=spec)
    assert str(caught.value) == message


def test_holiday_codes_are_case_insensitive() -> None:
    cal = calendar("mon-fri 09:00-17:00", holidays="gb-eng")
    assert not cal.is_open(london(2026, 12, 25, 10))
    assert calendar("mon-fri 09:00-17:00", holidays="DE-BY").holidays_between(
        date(2026, 1, 6), date(2026, 1, 6)
    ) == [(date(2026, 1, 6), "Epiphany")]


def test_bad_time_zone() -> None:
    with pytest.raises(ValueError) as caught:
        calendar("mon-fri 09:00-17:00", timezone="Europe/Londres")
    assert str(caught.value) == (
        "calendar 'test': 'Europe/Londres' is not an IANA time zone "
        "(e.g. Europe/London, America/New_York)"
    )
