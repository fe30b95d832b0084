"""The questions the ``clock``, ``deadline`` and ``downtime`` commands ask, answered.

Each function takes the options as given on the command line, reads an agreement file at
most once, does the arithmetic on a calendar from the one factory
(:mod:`slawriter.clock.calendars`) and returns an answer that prints itself as text or JSON.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from slawriter.clock.calendars import always, basis_name, calendars_for
from slawriter.clock.downtime import Allowance, Span, allowance
from slawriter.clock.engine import Calendar, holiday_notes
from slawriter.errors import InputError
from slawriter.measure.moments import CalendarOptions, choose_calendar, parse_moment, parse_pause
from slawriter.model.durations import DurationError, parse_duration
from slawriter.text.times import business_words, cli_when, duration_words

TARGETS = ("response", "resolution", "update")


# --- clock -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BusinessTime:
    start: datetime  # in the calendar's zone, as counted (a time in a gap moved forward)
    end: datetime
    business: timedelta  # less pauses
    unpaused: timedelta
    wall: timedelta  # on the clock on the wall
    paused: bool  # whether any --pause was given
    description: str
    notes: tuple[str, ...] = ()  # public holidays only estimated in the years counted

    def as_json(self) -> dict[str, Any]:
        return {
            "from": self.start.isoformat(),
            "to": self.end.isoformat(),
            "business_seconds": self.business.total_seconds(),
            "calendar_seconds": self.wall.total_seconds(),
            "paused_business_seconds": (self.unpaused - self.business).total_seconds(),
            "calendar": self.description,
        }

    def lines(self) -> list[str]:
        lines = [
            business_words(self.business),
            f"  from {cli_when(self.start)} to {cli_when(self.end)} "
            f"({self.wall.total_seconds() / 3600:,.2f} hours on the clock)",
            f"  on {self.description}",
        ]
        if self.paused:
            lines.append(f"  less {business_words(self.unpaused - self.business)} paused")
        return lines


def business_time(
    options: CalendarOptions, start: str, end: str, pauses: Sequence[str] = ()
) -> BusinessTime:
    """Business time from ``start`` to ``end`` (texts as --from and --to take them)."""
    chosen = choose_calendar(options)
    calendar = chosen.calendar
    begin = calendar.localize(parse_moment(start, "--from"))
    finish = calendar.localize(parse_moment(end, "--to"))
    spans = [parse_pause(text) for text in pauses]
    # Subtract in UTC: two times in one zone subtract as wall-clock times, which is an hour
    # out across a clock change.
    wall = max(finish.astimezone(UTC) - begin.astimezone(UTC), timedelta(0))
    return BusinessTime(
        begin,
        finish,
        calendar.elapsed(begin, finish, spans),
        calendar.elapsed(begin, finish),
        wall,
        bool(spans),
        chosen.description,
        _estimated(calendar, begin, finish),
    )


def _estimated(calendar: Calendar, first: datetime, last: datetime) -> tuple[str, ...]:
    """What the holidays package could only estimate for the calendar in these years (their
    public holidays were counted as working days)."""
    if not calendar.holiday_spec:
        return ()
    return tuple(holiday_notes([calendar.holiday_spec], first.year, last.year))


# --- deadline ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Deadline:
    words: str  # the amount, as the line prints it: "4 Business Hours"
    due: datetime


@dataclass(frozen=True)
class Deadlines:
    logged: datetime  # in the calendar's zone, as counted
    priority: str | None
    description: str
    due: dict[str, Deadline]  # "response", "resolution", "update" or "amount"
    notes: tuple[str, ...] = ()  # public holidays only estimated in the years counted

    def as_json(self, target: str) -> dict[str, Any]:
        chosen = target if target in self.due else next(iter(self.due))
        return {
            "from": self.logged.isoformat(),
            "deadline": self.due[chosen].due.isoformat(),
            "target": chosen,
            "deadlines": {name: item.due.isoformat() for name, item in self.due.items()},
            "calendar": self.description,
        }

    def lines(self) -> list[str]:
        heading = f"Logged {cli_when(self.logged)}"
        if self.priority:
            heading += f", priority {self.priority}"
        lines = [heading, f"  on {self.description}"]
        width = max(len(name) for name in self.due)
        for name, item in self.due.items():
            lines.append(f"  {name:<{width}}  {item.words:<22} due {cli_when(item.due)}")
        return lines


def deadlines(
    options: CalendarOptions, start: str, amount: str | None, pauses: Sequence[str] = ()
) -> Deadlines:
    """When ``amount`` of business time (else each target of the priority) falls due."""
    chosen = choose_calendar(options)
    calendar = chosen.calendar
    logged = calendar.localize(parse_moment(start, "--from"))
    spans = [parse_pause(text) for text in pauses]
    amounts: dict[str, tuple[str, timedelta]] = {}
    if amount:
        try:
            duration = parse_duration(amount)
        except DurationError as error:
            raise InputError(f"--amount: {error}") from None
        amounts["amount"] = (
            duration.words(),
            timedelta(seconds=calendar.target_seconds(duration)),
        )
    elif chosen.priority is not None:
        for target in TARGETS:
            span = timedelta(seconds=calendar.target_seconds(getattr(chosen.priority, target)))
            # On a clock that never stops, time is plain hours and minutes, not business time.
            said = duration_words(span) if calendar.is_always else business_words(span)
            amounts[target] = (said, span)
    else:
        raise InputError("give --amount, or --agreement with --priority")
    try:
        due = {
            name: Deadline(words, calendar.deadline(logged, span, spans))
            for name, (words, span) in amounts.items()
        }
    except ValueError as error:
        raise InputError(str(error)) from None
    latest = max((item.due for item in due.values()), default=logged)
    notes = _estimated(calendar, logged, latest)
    return Deadlines(logged, options.priority, chosen.description, due, notes)


# --- downtime ----------------------------------------------------------------------------------


def _percent(text: str) -> float:
    try:
        value = float(text.strip().removesuffix("%"))
    except ValueError:
        raise InputError(f"'{text}' is not a percentage such as 99.9") from None
    if not 0 <= value <= 100:
        raise InputError(f"{text} is not between 0 and 100")
    return value


def _span(month: str | None, year: str | None) -> Span:
    option, text = ("--month", month) if month else ("--year", year or "")
    try:
        span = Span.parse(text)
    except ValueError as error:
        raise InputError(f"{option}: {error}") from None
    if month and len(span.label.split()) != 2:
        raise InputError(f"--month: '{month}' is a year; write YYYY-MM")
    return span


def allowed_downtime(
    target: str | None,
    *,
    month: str | None = None,
    year: str | None = None,
    timezone: str = "UTC",
    agreement: Path | None = None,
    service: str | None = None,
    library: str | None = None,
) -> Allowance:
    """The downtime ``target`` allows in the month or year: every minute in ``timezone``, or
    on an agreement service's basis and calendar (and, without ``target``, its target)."""
    span = _span(month, year)
    if agreement is None and service is None:
        try:
            clock = always(timezone)
        except ValueError as error:
            raise InputError(f"--timezone: {error}") from None
        basis = "all-time"
    elif agreement is None or service is None:
        raise InputError("--agreement and --service go together")
    else:
        from slawriter.files.load import load_agreement
        from slawriter.library import Library

        loaded = load_agreement(agreement, Library.locate(library))
        found = {s.id: s for s in loaded.agreement.services}.get(service)
        if found is None or found.uptime is None:
            measured = ", ".join(s.id for s in loaded.agreement.services if s.uptime) or "none"
            raise InputError(
                f"--service: '{service}' is not a service with an uptime target in "
                f"{agreement} (services with targets: {measured})"
            )
        calendars = calendars_for(loaded.agreement, loaded.provider)
        basis = found.uptime.basis
        clock = calendars[basis_name(basis, found.uptime.calendar, calendars.default)]
        target = target or str(found.uptime.target)
    if target is None:
        raise InputError("give the uptime target, e.g. 99.9")
    return allowance(clock, span, _percent(target), basis)
