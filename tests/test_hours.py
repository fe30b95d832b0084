"""The weekly-hours grammar: every accepted form, every error message, describe and canonical."""

from __future__ import annotations

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from slawriter.model.hours import (
    HoursError,
    WeeklyHours,
    format_minutes,
    parse_day_hours,
    parse_weekly_hours,
)

NINE_TO_FIVE = ((540, 1020),)
CLOSED: tuple[tuple[int, int], ...] = ()


def week(*days: tuple[tuple[int, int], ...]) -> tuple[tuple[tuple[int, int], ...], ...]:
    assert len(days) == 7
    return days


WEEKDAYS_9_TO_5 = week(*[NINE_TO_FIVE] * 5, CLOSED, CLOSED)


@pytest.mark.parametrize(
    ("spec", "days"),
    [
        ("mon-fri 09:00-17:00", WEEKDAYS_9_TO_5),
        ("MON-Fri 09:00-17:00", WEEKDAYS_9_TO_5),
        ("monday-friday 09:00-17:00", WEEKDAYS_9_TO_5),
        ("Monday - Friday 9:00 - 17:00", WEEKDAYS_9_TO_5),
        ("mon-fri: 09:00-17:00", WEEKDAYS_9_TO_5),
        ("mon-fri 09:00\u201317:00", WEEKDAYS_9_TO_5),  # en dash pasted from Word
        ("mon-fri 09:00-17:00;", WEEKDAYS_9_TO_5),
        ("mon,tue,wed,thu,fri 09:00-17:00", WEEKDAYS_9_TO_5),
        ("mon-wed,thu,fri 09:00-17:00", WEEKDAYS_9_TO_5),
        (["mon-wed 09:00-17:00", "thu-fri 09:00-17:00"], WEEKDAYS_9_TO_5),
        ("mon-fri 09:00-17:00; sat-sun closed", WEEKDAYS_9_TO_5),
        (
            "mon,wed,fri 09:00-17:00",
            week(NINE_TO_FIVE, CLOSED, NINE_TO_FIVE, CLOSED, NINE_TO_FIVE, CLOSED, CLOSED),
        ),
        (
            "fri-mon 09:00-17:00",
            week(NINE_TO_FIVE, CLOSED, CLOSED, CLOSED, NINE_TO_FIVE, NINE_TO_FIVE, NINE_TO_FIVE),
        ),
        ("mon-mon 09:00-17:00", week(NINE_TO_FIVE, *[CLOSED] * 6)),
        (
            "mon-fri 08:00-12:00, 13:00-17:30",
            week(*[((480, 720), (780, 1050))] * 5, CLOSED, CLOSED),
        ),
        ("mon-fri 13:00-17:30,08:00-12:00", week(*[((480, 720), (780, 1050))] * 5, CLOSED, CLOSED)),
        ("mon-fri 22:00-06:00", week(*[((1320, 1800),)] * 5, CLOSED, CLOSED)),
        ("sun 09:00-09:00", week(*[CLOSED] * 6, ((540, 1980),))),
        ("sat 00:00-24:00", week(*[CLOSED] * 5, ((0, 1440),), CLOSED)),
        ("sat 00:00-00:00", week(*[CLOSED] * 5, ((0, 1440),), CLOSED)),
        ("sat 18:00-24:00", week(*[CLOSED] * 5, ((1080, 1440),), CLOSED)),
        ("24x7", week(*[((0, 1440),)] * 7)),
        ("24/7", week(*[((0, 1440),)] * 7)),
        ("24x7; sun closed", week(*[((0, 1440),)] * 6, CLOSED)),
        (
            "mon-fri 09:00-17:00; wed closed",
            week(NINE_TO_FIVE, NINE_TO_FIVE, CLOSED, NINE_TO_FIVE, NINE_TO_FIVE, CLOSED, CLOSED),
        ),
        (
            "mon-fri 09:00-17:00; fri 09:00-16:00",
            week(*[NINE_TO_FIVE] * 4, ((540, 960),), CLOSED, CLOSED),
        ),
        (  # an overnight shift may end exactly when the next day's hours begin
            "sun 22:00-06:00; mon 06:00-14:00",
            week(((360, 840),), *[CLOSED] * 5, ((1320, 1800),)),
        ),
    ],
)
def test_parse_accepts(
    spec: str | list[str], days: tuple[tuple[tuple[int, int], ...], ...]
) -> None:
    assert parse_weekly_hours(spec).days == days


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        (
            "mon-fry 09:00-17:00",
            "'mon-fry 09:00-17:00': unknown day 'fry' (expected mon, tue, wed, thu, fri, sat "
            "or sun)",
        ),
        (
            "Mon,Thurs 09:00-17:00",
            "'Mon,Thurs 09:00-17:00': unknown day 'Thurs' (expected mon, tue, wed, thu, fri, "
            "sat or sun)",
        ),
        (
            "mon-fri 25:00-17:00",
            "'mon-fri 25:00-17:00': '25:00' is not a time (expected HH:MM from 00:00 to 24:00)",
        ),
        (
            "mon-fri 09:00-24:30",
            "'mon-fri 09:00-24:30': '24:30' is not a time (expected HH:MM from 00:00 to 24:00)",
        ),
        (
            "mon-fri 09:60-17:00",
            "'mon-fri 09:60-17:00': '09:60' is not a time (expected HH:MM from 00:00 to 24:00)",
        ),
        (
            "mon-fri 9-17",
            "'mon-fri 9-17': '9' is not a time (expected HH:MM from 00:00 to 24:00)",
        ),
        ("", "the hours are empty (expected weekly hours, e.g. 'mon-fri 09:00-17:30' or '24x7')"),
        (
            " ; ",
            "the hours are empty (expected weekly hours, e.g. 'mon-fri 09:00-17:30' or '24x7')",
        ),
        ([], "the hours are empty (expected weekly hours, e.g. 'mon-fri 09:00-17:30' or '24x7')"),
        (
            "mon-fri 08:00-12:00, 11:00-13:00",
            "'mon-fri 08:00-12:00, 11:00-13:00': 08:00-12:00 and 11:00-13:00 overlap (expected "
            "separate time ranges, e.g. 08:00-12:00, 13:00-17:30)",
        ),
        (
            "mon 20:00-08:00, 06:00-21:00",
            "'mon 20:00-08:00, 06:00-21:00': 06:00-21:00 and 20:00-08:00 overlap (expected "
            "separate time ranges, e.g. 08:00-12:00, 13:00-17:30)",
        ),
        (
            "mon-fri 22:00-06:00; tue 05:00-09:00",
            "'mon-fri 22:00-06:00; tue 05:00-09:00': Monday 22:00 to 06:00 the next day overlaps "
            "Tuesday 05:00 to 09:00 (expected an overnight shift to end before the next day's "
            "hours begin)",
        ),
        (
            "sun 20:00-04:00; mon 00:00-24:00",
            "'sun 20:00-04:00; mon 00:00-24:00': Sunday 20:00 to 04:00 the next day overlaps "
            "Monday 00:00 to 24:00 (expected an overnight shift to end before the next day's "
            "hours begin)",
        ),
        (
            "mon closed",
            "'mon closed': no open hours on any day (expected at least one day with hours, e.g. "
            "'mon-fri 09:00-17:30' or '24x7')",
        ),
        (
            "mon-fri 09:00-17:00; mon-fri closed",
            "'mon-fri 09:00-17:00; mon-fri closed': no open hours on any day (expected at least "
            "one day with hours, e.g. 'mon-fri 09:00-17:30' or '24x7')",
        ),
        (
            "mon-fri",
            "'mon-fri': no hours after the days (expected e.g. 'mon-fri 09:00-17:00' or "
            "'sat closed')",
        ),
        (
            "09:00-17:00",
            "'09:00-17:00': no days before the hours (expected e.g. 'mon-fri 09:00-17:00')",
        ),
        (
            "mon-fri 24:00-06:00",
            "'mon-fri 24:00-06:00': a time range cannot start at 24:00 (write 00:00 for midnight "
            "at the start of a day)",
        ),
        (
            "mon-fri 09:00",
            "'mon-fri 09:00': '09:00' is not a time range (expected HH:MM-HH:MM, e.g. 09:00-17:30)",
        ),
        (
            "mon-fri 09:00-12:00-13:00",
            "'mon-fri 09:00-12:00-13:00': '09:00-12:00-13:00' is not a time range (expected "
            "HH:MM-HH:MM, e.g. 09:00-17:30)",
        ),
        (
            "mon- 09:00-17:00",
            "'mon- 09:00-17:00': 'mon-' is not a day range (expected e.g. mon-fri)",
        ),
        (
            "mon-wed-fri 09:00-17:00",
            "'mon-wed-fri 09:00-17:00': 'mon-wed-fri' is not a day range (expected e.g. mon-fri)",
        ),
        (
            "mon,,fri 09:00-17:00",
            "'mon,,fri 09:00-17:00': a day is missing in the list (expected e.g. mon,wed,fri)",
        ),
        (
            "mon-fri 09:00-12:00,",
            "'mon-fri 09:00-12:00,': a time range is missing in the list (expected e.g. "
            "08:00-12:00, 13:00-17:30)",
        ),
        (
            "wed closed, 09:00-10:00",
            "'wed closed, 09:00-10:00': 'closed' cannot be combined with times (write either "
            "'closed' or times such as 09:00-17:30)",
        ),
        (
            42,
            "expected weekly hours as text or a list of lines (e.g. 'mon-fri 09:00-17:30' or "
            "'24x7')",
        ),
        (
            ["mon-fri 09:00-17:00", 7],
            "expected weekly hours as text or a list of lines (e.g. 'mon-fri 09:00-17:30' or "
            "'24x7')",
        ),
    ],
)
def test_parse_refuses_with_a_clear_message(spec: object, message: str) -> None:
    with pytest.raises(HoursError) as caught:
        parse_weekly_hours(spec)  # type: ignore[arg-type]
    assert str(caught.value) == message
    assert isinstance(caught.value, ValueError)


@pytest.mark.parametrize(
    ("text", "intervals"),
    [
        ("09:00-12:30", ((540, 750),)),
        (" 13:00-16:00, 08:00-12:00 ", ((480, 720), (780, 960))),
        ("22:00-02:00", ((1320, 1560),)),
        ("00:00-24:00", ((0, 1440),)),
        ("closed", ()),
        ("Closed", ()),
    ],
)
def test_parse_day_hours(text: str, intervals: tuple[tuple[int, int], ...]) -> None:
    assert parse_day_hours(text) == intervals


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "the hours are empty (expected e.g. '09:00-17:30' or 'closed')"),
        (
            "09:00-12:61",
            "'09:00-12:61': '12:61' is not a time (expected HH:MM from 00:00 to 24:00)",
        ),
        (
            "09:00-12:00, 11:00-13:00",
            "'09:00-12:00, 11:00-13:00': 09:00-12:00 and 11:00-13:00 overlap (expected separate "
            "time ranges, e.g. 08:00-12:00, 13:00-17:30)",
        ),
        (
            "mornings",
            "'mornings': 'mornings' is not a time range (expected HH:MM-HH:MM, e.g. 09:00-17:30)",
        ),
    ],
)
def test_parse_day_hours_refuses(text: str, message: str) -> None:
    with pytest.raises(HoursError) as caught:
        parse_day_hours(text)
    assert str(caught.value) == message


def test_parse_day_hours_refuses_non_text() -> None:
    with pytest.raises(HoursError, match="expected hours for one day such as '09:00-12:30'"):
        parse_day_hours(930)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("minutes", "text"), [(0, "00:00"), (540, "09:00"), (1439, "23:59"), (1440, "24:00"),
                          (1800, "06:00"), (2879, "23:59")]
)  # fmt: skip
def test_format_minutes(minutes: int, text: str) -> None:
    assert format_minutes(minutes) == text


@pytest.mark.parametrize("minutes", [-1, 2880])
def test_format_minutes_refuses_out_of_range(minutes: int) -> None:
    with pytest.raises(ValueError, match="outside 0 to 2879"):
        format_minutes(minutes)


@pytest.mark.parametrize(
    ("spec", "canonical", "description"),
    [
        ("Mon-Fri 9:00-17:30", "mon-fri 09:00-17:30", "Monday to Friday, 09:00 to 17:30"),
        (
            "mon-fri 08:00-12:00, 13:00-17:00; sat 09:00-12:00",
            "mon-fri 08:00-12:00, 13:00-17:00; sat 09:00-12:00",
            "Monday to Friday, 08:00 to 12:00 and 13:00 to 17:00; Saturday, 09:00 to 12:00",
        ),
        ("mon-sun 00:00-24:00", "24x7", "every day, 24 hours a day"),
        ("mon-sun 09:00-17:00", "mon-sun 09:00-17:00", "every day, 09:00 to 17:00"),
        (
            "mon-fri 22:00-06:00",
            "mon-fri 22:00-06:00",
            "Monday to Friday, 22:00 to 06:00 the next day",
        ),
        (
            "sun-thu 22:00-06:00; fri 22:00-04:00",
            "sun-thu 22:00-06:00; fri 22:00-04:00",
            "Sunday to Thursday, 22:00 to 06:00 the next day; Friday, 22:00 to 04:00 the next day",
        ),
        (
            "mon,wed,fri 09:00-17:00",
            "mon,wed,fri 09:00-17:00",
            "Monday, Wednesday and Friday, 09:00 to 17:00",
        ),
        (
            "mon-fri 09:00-17:00; wed closed",
            "mon-tue,thu-fri 09:00-17:00",
            "Monday, Tuesday, Thursday and Friday, 09:00 to 17:00",
        ),
        ("sat,sun 10:00-14:00", "sat-sun 10:00-14:00", "Saturday and Sunday, 10:00 to 14:00"),
        ("fri-mon 10:00-14:00", "fri-mon 10:00-14:00", "Friday to Monday, 10:00 to 14:00"),
        (
            "mon-fri 09:00-17:00; sat 00:00-24:00",
            "mon-fri 09:00-17:00; sat 00:00-24:00",
            "Monday to Friday, 09:00 to 17:00; Saturday, 24 hours a day",
        ),
        (
            "mon 07:00-09:00, 12:00-13:00, 18:00-24:00",
            "mon 07:00-09:00, 12:00-13:00, 18:00-24:00",
            "Monday, 07:00 to 09:00, 12:00 to 13:00 and 18:00 to 24:00",
        ),
        ("tue 09:00-09:00", "tue 09:00-09:00", "Tuesday, 09:00 to 09:00 the next day"),
    ],
)
def test_canonical_and_describe(spec: str, canonical: str, description: str) -> None:
    hours = parse_weekly_hours(spec)
    assert hours.canonical() == canonical
    assert hours.describe() == description
    assert parse_weekly_hours(canonical) == hours


def test_weekly_hours_queries() -> None:
    always = parse_weekly_hours("24x7")
    assert always.is_always()
    assert [always.minutes_on(day) for day in range(7)] == [1440] * 7
    assert not parse_weekly_hours("24x7; sun 00:00-23:59").is_always()
    night = parse_weekly_hours("mon-fri 22:00-06:00; sat 09:00-12:00")
    assert not night.is_always()
    assert [night.minutes_on(day) for day in range(7)] == [480] * 5 + [180, 0]


def test_weekly_hours_is_frozen_and_hashable() -> None:
    hours = parse_weekly_hours("mon-fri 09:00-17:00")
    assert hours == parse_weekly_hours("mon,tue,wed,thu,fri 09:00-17:00")
    assert len({hours, parse_weekly_hours("mon-fri 09:00-17:00")}) == 1
    with pytest.raises(AttributeError):
        hours.days = ()  # type: ignore[misc]


@pytest.mark.parametrize(
    ("days", "message"),
    [
        ((NINE_TO_FIVE,) * 6, "weekly hours need 7 days (Monday first), got 6"),
        (
            (((540, 500),),) + (CLOSED,) * 6,
            "Monday: (540, 500) is not an interval of minutes with start in 0-1439 and end "
            "after start, at most 24 hours later",
        ),
        (
            (CLOSED, ((1440, 1500),)) + (CLOSED,) * 5,
            "Tuesday: (1440, 1500) is not an interval of minutes",
        ),
        (
            (((540, 720), (600, 900)),) + (CLOSED,) * 6,
            "Monday: intervals must be sorted and must not overlap",
        ),
        ((((540, "x"),),) + (CLOSED,) * 6, "Monday: (540, 'x') is not a (start, end) pair"),
    ],
)
def test_weekly_hours_checks_direct_construction(days: tuple[object, ...], message: str) -> None:
    with pytest.raises(HoursError) as caught:
        WeeklyHours(days)  # type: ignore[arg-type]
    assert str(caught.value).startswith(message)


def test_a_week_with_no_hours_describes_itself() -> None:
    empty = WeeklyHours((CLOSED,) * 7)
    assert empty.describe() == "closed every day"
    assert empty.canonical() == "mon-sun closed"


@st.composite
def weekly_hours(draw: st.DrawFn) -> WeeklyHours:
    """Random valid weeks: up to three daytime intervals a day, sometimes an overnight shift."""
    days = []
    for _ in range(7):
        points = sorted(draw(st.sets(st.integers(0, 1440), max_size=6)))
        shifts = [(points[i], points[i + 1]) for i in range(0, len(points) - 1, 2)]
        if draw(st.booleans()):
            last = shifts[-1][1] if shifts else 0
            if last < 1439:
                start = draw(st.integers(last, 1439))
                shifts.append((start, draw(st.integers(start + 1, start + 1440))))
        days.append(tuple(shifts))
    for index, intervals in enumerate(days):
        following = days[(index + 1) % 7]
        for _, end in intervals:
            assume(all(start + 1440 >= end for start, _ in following))
    assume(any(days))
    return WeeklyHours(tuple(days))


@settings(derandomize=True, deadline=None, max_examples=150)
@given(weekly_hours())
def test_canonical_round_trips(hours: WeeklyHours) -> None:
    assert parse_weekly_hours(hours.canonical()) == hours
    assert parse_weekly_hours(hours.canonical().split("; ")) == hours
    description = hours.describe()
    assert description and "closed" not in description
