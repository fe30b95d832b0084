"""The figures behind the findings, shared by the rules and the memo.

Downtime budgets per service against realistic repair times, response-time service levels per
priority with the staff needed, and the interval arithmetic the coverage rule uses.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from slawriter.clock.engine import Calendar
from slawriter.model.agreement import Asset, Service

from . import erlang
from .availability import allowed_downtime_seconds, period_seconds
from .context import HARDWARE_REPAIR, Facts

Interval = tuple[datetime, datetime]


def when(moment: datetime, facts: Facts | None = None) -> str:
    """'Friday 1 January 2027 16:45' (in the default calendar's zone when facts are given)."""
    local = moment.astimezone(facts.tzinfo) if facts else moment
    return f"{local:%A} {local.day} {local:%B %Y %H:%M}"


# --- intervals -------------------------------------------------------------------------------


def merged_intervals(calendars: list[Calendar], begin: datetime, end: datetime) -> list[Interval]:
    """The union of the calendars' open periods in ``[begin, end)``, sorted, as UTC pairs."""
    spans = sorted(span for clock in calendars for span in clock.open_intervals(begin, end))
    merged: list[Interval] = []
    for start, finish in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], finish))
        else:
            merged.append((start, finish))
    return merged


def subtract(spans: list[Interval], covered: list[Interval]) -> list[Interval]:
    """The parts of ``spans`` outside ``covered`` (both sorted and merged)."""
    out: list[Interval] = []
    for start, finish in spans:
        cursor = start
        for c_start, c_end in covered:
            if c_end <= cursor:
                continue
            if c_start >= finish:
                break
            if c_start > cursor:
                out.append((cursor, c_start))
            cursor = max(cursor, c_end)
            if cursor >= finish:
                break
        if cursor < finish:
            out.append((cursor, finish))
    return out


def intersect_seconds(first: list[Interval], second: list[Interval]) -> float:
    total = 0.0
    j = 0
    for start, finish in first:
        while j < len(second) and second[j][1] <= start:
            j += 1
        k = j
        while k < len(second) and second[k][0] < finish:
            total += (min(finish, second[k][1]) - max(start, second[k][0])).total_seconds()
            k += 1
    return total


def cover_calendars(facts: Facts) -> tuple[list[Calendar], list[Calendar]]:
    """(staff on shift, people on call) as calendars without holidays."""
    internal = facts.provider.internal
    staff = [
        Calendar(f"staff-{index}", band.timezone or facts.zone, band.hours)
        for index, band in enumerate(internal.staffing)
        if band.agents > 0
    ]
    on_call = []
    if internal.on_call is not None and internal.on_call.people > 0:
        rota = internal.on_call
        on_call.append(Calendar("on-call", rota.timezone or facts.zone, rota.hours))
    return staff, on_call


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
    starts = [s for s in facts.starts() if basis.is_open(s)] or facts.starts()
    paths: list[str] = [f"internal.assets[{asset.id}]"]
    if asset.spares_on_site:
        work = HARDWARE_REPAIR
        what = (
            f"{asset.description} (spares on site, about {work.total_seconds() / 3600:g} h of work)"
        )
        times = [basis.elapsed(s, s + work).total_seconds() for s in starts]
        return times, what, paths
    if onsite is not None:
        cover = facts.calendar(cover_name)
        amount = facts.amount(onsite, cover_name)
        times = [
            basis.elapsed(
                s, cover.deadline(cover.deadline(s, amount), HARDWARE_REPAIR)
            ).total_seconds()
            for s in starts
        ]
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
        times = [basis.elapsed(s, s + amount).total_seconds() for s in starts]
        what = f"{asset.description} (rebuilt and restored from backup in {restore.text})"
        return times, what, [*paths, "internal.backup.restore_time"]
    return None


def _maintenance_seconds(facts: Facts, basis: Calendar, all_time: bool) -> float:
    maintenance = facts.agreement.maintenance
    zone_name = maintenance.calendar
    zone = facts.calendar(zone_name).tz_name if zone_name else facts.zone
    window = Calendar("maintenance", zone, maintenance.window)
    begin, end = facts.month_bounds
    windows = merged_intervals([window], begin, end)
    cap = facts.amount(maintenance.monthly_cap, zone_name).total_seconds()
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
    business = facts.calendar(None)
    fewest: int | None = None
    for moment in facts.starts():
        if not business.is_open(moment):
            continue
        count = sum(agents for clock, agents in bands if clock.is_open(moment))
        fewest = count if fewest is None else min(fewest, count)
    return fewest or 0


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
    staff, on_call = cover_calendars(facts)
    bands = list(zip(staff, [b.agents for b in internal.staffing if b.agents > 0], strict=True))
    rota = internal.on_call.people if on_call and internal.on_call is not None else 0

    def on_shift(moment: datetime) -> int:
        """The people on shift; when nobody is, the people on call."""
        count = sum(agents for band, agents in bands if band.is_open(moment))
        return count or (rota if on_call and on_call[0].is_open(moment) else 0)

    clocks = {pid: facts.calendar(p.calendar) for pid, p in facts.agreement.priorities.items()}
    default = facts.calendar(None)
    moments = [
        (
            {pid: clock.is_open(moment) for pid, clock in clocks.items()},
            default.is_open(moment),
            on_shift(moment),
        )
        for moment in facts.starts()
    ]
    order = list(facts.agreement.priorities)
    rows = []
    for index, (pid, priority) in enumerate(facts.agreement.priorities.items()):
        within = facts.amount(priority.response, priority.calendar).total_seconds()
        urgent = order[: index + 1]
        worst: tuple[float, int, float, float] | None = None  # level, agents, load, handling
        for is_open, busy, present in moments:
            if not is_open[pid]:
                continue
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
