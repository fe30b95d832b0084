"""The promises an SLA policy carries, worked out once from the agreement for every exporter:
per priority, the Response, Resolution and update targets in minutes of their calendar, and
whether that calendar is business hours (any calendar but a 24x7 one)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from slawriter.clock.calendars import Calendars, calendars_for
from slawriter.clock.engine import Calendar
from slawriter.files.load import Loaded
from slawriter.model.durations import Duration, Period

# The metrics every helpdesk measures, in the agreement's words.
RESPONSE = "response"
RESOLUTION = "resolution"
UPDATE = "update"
METRICS = (RESPONSE, RESOLUTION, UPDATE)


@dataclass(frozen=True)
class Target:
    priority: str  # the agreement's id, e.g. P1
    metric: str  # RESPONSE, RESOLUTION or UPDATE
    minutes: int  # on its calendar: business minutes when business_hours
    business_hours: bool
    calendar: str  # the calendar's name in the agreement
    text: str  # the agreement's own words, e.g. "2 business days"


@dataclass
class Promises:
    """What the agreement promises that a helpdesk could be told."""

    stem: str
    title: str  # e.g. "Acme Precision Engineering Ltd (NW-SLA-2027-014)"
    priorities: list[tuple[str, str]]  # (id, name), highest first, as the agreement lists them
    targets: list[Target]
    calendars: dict[str, Calendar]  # the business-hours calendars the targets count on
    first: date  # the span whose holidays are written as dates
    last: date
    loaded: Loaded
    notes: list[str] = field(default_factory=list)  # true for every target

    def target(self, priority: str, metric: str) -> Target | None:
        for target in self.targets:
            if target.priority == priority and target.metric == metric:
                return target
        return None


def _minutes(calendar: Calendar, value: Duration) -> int:
    # Whole minutes: every helpdesk takes minutes or seconds, and targets are whole minutes.
    return calendar.target_seconds(value) // 60


def promises(loaded: Loaded) -> Promises:
    agreement = loaded.agreement
    calendars: Calendars = calendars_for(agreement, loaded.provider)
    targets: list[Target] = []
    used: dict[str, Calendar] = {}
    for priority_id, priority in agreement.priorities.items():
        name = priority.calendar or agreement.default_calendar
        calendar = calendars.known(name)
        business = not calendar.is_always
        if business:
            used.setdefault(name, calendar)
        for metric in METRICS:
            value: Duration = getattr(priority, metric)
            targets.append(
                Target(priority_id, metric, _minutes(calendar, value), business, name, value.text)
            )
    first = agreement.agreement.effective_date
    last = _add_months(first, _months(agreement.agreement.term.initial))
    title = f"{agreement.customer.name} ({agreement.agreement.reference})"
    return Promises(
        stem=loaded.path.stem,
        title=title,
        priorities=[(key, value.name) for key, value in agreement.priorities.items()],
        targets=targets,
        calendars=used,
        first=first,
        last=last,
        loaded=loaded,
    )


def _months(term: Period) -> int:
    """The initial term in months (at least 12: holidays are written for a year or more)."""
    count = {"years": 12 * term.amount, "months": term.amount}.get(term.unit, term.amount // 30)
    return max(count, 12)


def _add_months(day: date, months: int) -> date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, 1) if day.day > 28 else date(year, month, day.day)


def ladder(promised: Promises, levels: list[str]) -> tuple[dict[str, str], list[str]]:
    """The agreement's priorities onto a helpdesk's fixed levels (``levels`` highest first),
    in the agreement's order; and the priorities left over, which the helpdesk cannot hold."""
    ids = [key for key, _ in promised.priorities]
    return dict(zip(ids, levels, strict=False)), ids[len(levels) :]


def words(minutes: int, business: bool) -> str:
    hours, rest = divmod(minutes, 60)
    text = " ".join(
        part for part in (f"{hours}h" if hours else "", f"{rest}m" if rest else "") if part
    )
    return f"{text or '0m'}{' of business hours' if business else ''}"
