"""The figures behind the findings, shared by the rules and the memo.

Downtime budgets per service against realistic repair times, response-time service levels per
priority with the staff needed, and the interval arithmetic the coverage rule uses.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, TypeVar

from slawriter.clock.engine import Calendar
from slawriter.model.agreement import Asset, Service
from slawriter.text import intervals
from slawriter.text.times import memo_when

from . import erlang
from .availability import allowed_downtime_seconds, period_seconds
from .context import HARDWARE_REPAIR, Facts

Interval = tuple[datetime, datetime]
T = TypeVar("T")


# --- figures shared between agreements -------------------------------------------------------
# The month's worst-case searches (thousands of calendar queries) depend only on calendars,
# durations and the month, which the agreements of a portfolio mostly share: each is computed
# once per process, keyed by what determines it (calendar_key, never a calendar's identity).

_SHARED: dict[Hashable, Any] = {}
_SHARED_LIMIT = 20_000  # entries; beyond it the memo starts over (a long-lived process)


def shared(key: Hashable, compute: Callable[..., T], *args: Any) -> T:
    """``compute(*args)``, once per ``key`` in this process."""
    try:
        found: T = _SHARED[key]
    except KeyError:
        if len(_SHARED) >= _SHARED_LIMIT:
            _SHARED.clear()
        found = _SHARED[key] = compute(*args)
    return found


def calendar_key(clock: Calendar) -> Hashable:
    """Everything a calendar's answers depend on (its name only appears in its messages)."""
    return (
        clock.name,
        clock.tz_name,
        clock.hours.canonical(),
        clock.holiday_spec,
        tuple(sorted(clock.closed)),
        tuple(sorted(clock.reduced.items())),
    )


def open_mask(facts: Facts, clock: Calendar) -> tuple[bool, ...]:
    """For each of facts.starts(): is ``clock`` open then (clock.is_open, in one sweep)."""
    begin, end = facts.month_bounds

    def compute() -> tuple[bool, ...]:
        spans = list(clock.open_intervals(begin, end))
        mask = []
        index = 0
        for moment in facts.starts():
            while index < len(spans) and spans[index][1] <= moment:
                index += 1
            mask.append(index < len(spans) and spans[index][0] <= moment)
        return tuple(mask)

    return shared(("open", calendar_key(clock), begin, end), compute)


def open_starts(facts: Facts, clock: Calendar) -> list[datetime]:
    """The starts at which ``clock`` is open."""
    mask = open_mask(facts, clock)
    return [start for start, is_open in zip(facts.starts(), mask, strict=True) if is_open]


def when(moment: datetime, facts: Facts | None = None) -> str:
    """'Friday 1 January 2027 16:45' (in the default calendar's zone when facts are given)."""
    return memo_when(moment.astimezone(facts.tzinfo) if facts else moment)


# --- intervals -------------------------------------------------------------------------------


def merged_intervals(calendars: list[Calendar], begin: datetime, end: datetime) -> list[Interval]:
    """The union of the calendars' open periods in ``[begin, end)``, sorted, as UTC pairs."""

    def compute() -> tuple[Interval, ...]:
        return tuple(
            intervals.merge(
                span for clock in calendars for span in clock.open_intervals(begin, end)
            )
        )

    key = ("merged", tuple(calendar_key(clock) for clock in calendars), begin, end)
    return list(shared(key, compute))


def subtract(spans: list[Interval], covered: list[Interval]) -> list[Interval]:
    """The parts of ``spans`` outside ``covered``."""
    return intervals.subtract(spans, covered)


def intersect_seconds(first: list[Interval], second: list[Interval]) -> float:
    return sum((b - a).total_seconds() for a, b in intervals.overlap(first, second))


def cover_calendars(facts: Facts) -> tuple[list[Calendar], list[Calendar]]:
    """(staff on shift, people on call) as calendars without holidays."""
    return facts.calendars.cover()


# --- downtime budgets ------------------------------------------------------------------------


@dataclass(frozen=True)
class ServiceBudget:
    service: str
    name: str
    target: Decimal
    basis_words: str  # "all hours", "'business' hours"
    period_s: float
    allowed_s: float
    redundant: bool
    repair_s: float | None  # a typical single repair, counted on the uptime basis
    repair_what: str
    repair_paths: list[str] = field(default_factory=list)
    maintenance_s: float = 0.0  # scheduled maintenance that may fall in the basis


def _basis(facts: Facts, service: Service) -> tuple[Calendar, str]:
    assert service.uptime is not None
    if service.uptime.basis == "all-time":
        return facts.calendar("24x7"), "all hours"
    name = facts.calendar_name(service.uptime.calendar)
    if name == facts.agreement.default_calendar:
        return facts.calendar(name), "Business Hours"
    return facts.calendar(name), f"the hours of calendar '{name}'"


def _repair(
    facts: Facts, asset: Asset, basis: Calendar
) -> tuple[list[float], str, list[str]] | None:
    """Repair times (on the basis clock) for faults logged while the basis runs."""
    agreement = facts.agreement
    warranty = next((c for c in agreement.constraints if c.id == asset.warranty), None)
    onsite = asset.onsite_response or (warranty.onsite_response if warranty else None)
    cover_name = asset.calendar or (warranty.calendar if warranty else None)
    restore = agreement.internal.backup.restore_time
    month = facts.month_bounds

    def starts() -> list[datetime]:
        return open_starts(facts, basis) or facts.starts()

    paths: list[str] = [f"internal.assets[{asset.id}]"]
    if asset.spares_on_site:
        work = HARDWARE_REPAIR
        what = (
            f"{asset.description} (spares on site, about {work.total_seconds() / 3600:g} h of work)"
        )
        times = _elapsed_after(facts, basis, work)
        return times, what, paths
    if onsite is not None:
        cover = facts.calendar(cover_name)
        amount = facts.amount(onsite, cover_name)
        times = list(
            shared(
                ("repair-onsite", calendar_key(basis), calendar_key(cover), amount, month),
                lambda: tuple(
                    basis.elapsed(
                        s, cover.deadline(cover.deadline(s, amount), HARDWARE_REPAIR)
                    ).total_seconds()
                    for s in starts()
                ),
            )
        )
        what = (
            f"{asset.description} (vendor's engineer within {onsite.text} of "
            f"{facts.describe(cover_name)} cover, then about "
            f"{HARDWARE_REPAIR.total_seconds() / 3600:g} h of work)"
        )
        if warranty:
            paths.append(f"constraints[{warranty.id}].onsite_response")
        return times, what, paths
    if restore is not None:
        amount = facts.amount(restore, None)
        times = _elapsed_after(facts, basis, amount)
        what = f"{asset.description} (rebuilt and restored from backup in {restore.text})"
        return times, what, [*paths, "internal.backup.restore_time"]
    return None


def _elapsed_after(facts: Facts, basis: Calendar, work: timedelta) -> list[float]:
    """Seconds of ``basis`` time in ``work`` of wall time from each start it is open at."""

    def compute() -> tuple[float, ...]:
        starts = open_starts(facts, basis) or facts.starts()
        return tuple(basis.elapsed(s, s + work).total_seconds() for s in starts)

    return list(shared(("elapsed-after", calendar_key(basis), work, facts.month_bounds), compute))


def _maintenance_seconds(facts: Facts, basis: Calendar, all_time: bool) -> float:
    maintenance = facts.agreement.maintenance
    begin, end = facts.month_bounds
    windows = merged_intervals([facts.calendars.maintenance_window()], begin, end)
    cap = facts.amount(maintenance.monthly_cap, maintenance.calendar).total_seconds()
    if all_time:
        inside = sum((b - a).total_seconds() for a, b in windows)
    else:
        inside = intersect_seconds(windows, merged_intervals([basis], begin, end))
    return min(cap, inside)


def service_budgets(facts: Facts) -> list[ServiceBudget]:
    cache_key = "service_budgets"
    cached = facts.cache.get(cache_key)
    if isinstance(cached, list):
        return [budget for budget in cached if isinstance(budget, ServiceBudget)]
    agreement = facts.agreement
    budgets = []
    for service in agreement.services:
        if service.uptime is None:
            continue
        basis, words = _basis(facts, service)
        period = period_seconds(basis, facts.month)
        allowed = allowed_downtime_seconds(service.uptime.target, period)
        repairs = [
            found
            for asset in agreement.internal.assets
            if service.id in asset.services
            for found in [_repair(facts, asset, basis)]
            if found is not None
        ]
        repair_s = None
        what = ""
        paths: list[str] = []
        if repairs:
            times, what, paths = max(repairs, key=lambda r: statistics.median(r[0]))
            repair_s = statistics.median(times)
        budgets.append(
            ServiceBudget(
                service.id,
                service.name,
                service.uptime.target,
                words,
                period,
                allowed,
                bool(agreement.internal.redundancy.get(service.id)),
                repair_s,
                what,
                paths,
                _maintenance_seconds(facts, basis, service.uptime.basis == "all-time"),
            )
        )
    facts.cache[cache_key] = budgets
    return list(budgets)


# --- staffing --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ResponseRow:
    """One priority's response target, measured in that priority's own calendar hours.

    The queue is the priority's own tickets and those of the more urgent priorities (agents
    take the most urgent ticket first), and the staff are the fewest people on shift or on
    call at any moment those hours are open.
    """

    priority: str
    response: str  # "30m on 24x7"
    response_s: float
    tickets: float  # expected a month
    service_level: float | None
    agents_needed: int | None
    hours: str = ""  # the calendar the row is measured in: "24x7", "'business' (...)"
    agents: int = 0  # the fewest on shift or on call in those hours
    load: float = 0.0  # erlangs: this priority and the more urgent ones
    handling_s: float = 0.0  # their mean handling time
    target: str = ""  # the response target alone: "30m"


@dataclass(frozen=True)
class StaffingFigures:
    not_checked: str = ""
    fix: str = ""
    tickets_per_hour: float = 0.0
    handling_s: float = 0.0
    load: float = 0.0
    agents: int = 0
    required: float = 0.95
    overloaded: bool = False
    rows: tuple[ResponseRow, ...] = ()


def agents_on_shift(facts: Facts) -> int:
    """The fewest agents on shift at any moment the default calendar is open in the month."""
    staff, _ = cover_calendars(facts)
    bands = [
        (clock, band.agents)
        for clock, band in zip(
            staff, [b for b in facts.provider.internal.staffing if b.agents > 0], strict=True
        )
    ]
    business = open_mask(facts, facts.calendar(None))
    masks = [(open_mask(facts, clock), agents) for clock, agents in bands]
    fewest: int | None = None
    for index, is_open in enumerate(business):
        if not is_open:
            continue
        count = sum(agents for mask, agents in masks if mask[index])
        fewest = count if fewest is None else min(fewest, count)
    return fewest or 0


def _moments(
    facts: Facts, calendars: list[str | None]
) -> tuple[tuple[tuple[bool, ...], bool, int], ...]:
    """The different situations of the month's quarter-hours, in order of first appearance:
    (is each priority's calendar open, is the default calendar open, people on shift or, when
    nobody is, on call). A worst case is the first worst situation, so repeats add nothing."""
    internal = facts.provider.internal
    staff, on_call = cover_calendars(facts)
    bands = list(zip(staff, [b.agents for b in internal.staffing if b.agents > 0], strict=True))
    rota = internal.on_call.people if on_call and internal.on_call is not None else 0
    clocks = [facts.calendar(name) for name in calendars]
    default = facts.calendar(None)

    def compute() -> tuple[tuple[tuple[bool, ...], bool, int], ...]:
        masks = [open_mask(facts, clock) for clock in clocks]
        busy = open_mask(facts, default)
        band_masks = [(open_mask(facts, band), agents) for band, agents in bands]
        call = open_mask(facts, on_call[0]) if on_call else None
        seen: dict[tuple[tuple[bool, ...], bool, int], None] = {}
        for index in range(len(busy)):
            count = sum(agents for mask, agents in band_masks if mask[index])
            present = count or (rota if call is not None and call[index] else 0)
            seen.setdefault((tuple(mask[index] for mask in masks), busy[index], present))
        return tuple(seen)

    key = (
        "moments",
        tuple(calendar_key(clock) for clock in clocks),
        calendar_key(default),
        tuple((calendar_key(band), agents) for band, agents in bands),
        tuple(calendar_key(clock) for clock in on_call),
        rota,
        facts.month_bounds,
    )
    return shared(key, compute)


def staffing_figures(facts: Facts) -> StaffingFigures:
    cached = facts.cache.get("staffing")
    if isinstance(cached, StaffingFigures):
        return cached
    result = _staffing_figures(facts)
    facts.cache["staffing"] = result
    return result


def _staffing_figures(facts: Facts) -> StaffingFigures:
    internal = facts.provider.internal
    required = float(internal.required_service_level) / 100
    tickets = facts.agreement.internal.expected_tickets
    if not internal.staffing:
        return StaffingFigures(
            "not checked: the provider file lists no staff on shift (internal.staffing)",
            "list the staff on shift under internal.staffing in the provider file",
        )
    if not tickets:
        return StaffingFigures(
            "not checked: the expected tickets a month are not recorded "
            "(internal.expected_tickets)",
            "record the tickets expected a month per priority under internal.expected_tickets",
        )
    missing = [p for p in tickets if facts.handling(p) is None]
    if missing:
        return StaffingFigures(
            f"not checked: no handling time for {', '.join(missing)} in the provider file "
            "(internal.handling_time)",
            "give a handling time per priority, or a 'default' one, under internal.handling_time",
        )
    own = facts.own_load()
    if own is None:
        return StaffingFigures("not checked: the default calendar has no open hours this month", "")
    per_hour = own.tickets_per_hour + sum(o.tickets_per_hour for o in facts.others)
    work = own.handling_s_total + sum(o.handling_s_total for o in facts.others)
    handling = work / per_hour if per_hour else 0.0
    load = work / 3600
    agents = agents_on_shift(facts)
    overloaded = agents <= load
    # Per priority, at each quarter-hour its calendar is open: the people on shift or on call
    # then, against the tickets of that priority and the more urgent ones whose calendars are
    # open then (agents take the most urgent ticket first; each priority's tickets arrive
    # evenly over its own calendar's hours). Other agreements sharing the team are counted in
    # full while the default calendar is open. The row shows the worst quarter-hour.
    begin, end = facts.month_bounds
    others = sum(o.handling_s_total for o in facts.others) / 3600
    others_rate = sum(o.tickets_per_hour for o in facts.others)
    rates: dict[str, tuple[float, float]] = {}  # tickets an hour, erlangs while open
    for pid, priority in facts.agreement.priorities.items():
        hours = facts.calendar(priority.calendar).elapsed(begin, end).total_seconds() / 3600
        count = tickets.get(pid, 0.0)
        handled = facts.handling(pid)
        if not count or hours <= 0 or handled is None:
            rates[pid] = (0.0, 0.0)
            continue
        per = count / hours
        rates[pid] = (per, per * facts.amount(handled, None).total_seconds() / 3600)
    order = list(facts.agreement.priorities)
    moments = _moments(facts, [facts.agreement.priorities[pid].calendar for pid in order])
    rows = []
    for index, (pid, priority) in enumerate(facts.agreement.priorities.items()):
        within = facts.amount(priority.response, priority.calendar).total_seconds()
        urgent = order[: index + 1]
        worst: tuple[float, int, float, float] | None = None  # level, agents, load, handling
        for is_open_at, busy, present in moments:
            if not is_open_at[index]:
                continue
            is_open = dict(zip(order, is_open_at, strict=True))
            rate = sum(rates[q][0] for q in urgent if is_open[q]) + (others_rate if busy else 0)
            load = sum(rates[q][1] for q in urgent if is_open[q]) + (others if busy else 0)
            mean = load * 3600 / rate if rate else handling
            level = -load if present <= load else erlang.service_level(present, load, mean, within)
            if worst is None or level < worst[0]:
                worst = (level, present, load, mean)
        if worst is None:
            continue
        level_or_none = None if worst[0] < 0 or worst[1] <= worst[2] else worst[0]
        try:
            needed: int | None = erlang.agents_needed(worst[2], worst[3], within, required)
        except ValueError:
            needed = None
        rows.append(
            ResponseRow(
                pid,
                f"{priority.response.text} on {facts.describe(priority.calendar)}",
                within,
                tickets.get(pid, 0.0),
                level_or_none,
                needed,
                facts.describe(priority.calendar),
                worst[1],
                worst[2],
                worst[3],
                priority.response.text,
            )
        )
    return StaffingFigures(
        "", "", per_hour, handling, load, agents, required, overloaded, tuple(rows)
    )


def repair_on(facts: Facts, service_id: str, basis: Calendar) -> tuple[float, str, list[str]]:
    """The typical (median) repair of the service's slowest single point of failure, counted
    on ``basis`` (e.g. a combined figure's hours); (0, "", []) when no asset is listed."""
    repairs = [
        found
        for asset in facts.agreement.internal.assets
        if service_id in asset.services
        for found in [_repair(facts, asset, basis)]
        if found is not None
    ]
    if not repairs:
        return 0.0, "", []
    times, what, paths = max(repairs, key=lambda r: statistics.median(r[0]))
    return statistics.median(times), what, paths


def basis_calendar(facts: Facts, basis: str, calendar: str | None) -> Calendar:
    """The clock an uptime figure is measured on: 24x7 for all-time, else its calendar."""
    return facts.calendar("24x7" if basis == "all-time" else calendar)
