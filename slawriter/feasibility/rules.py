"""The rules: one small function per rule id, registered in RULES.

Each rule looks at one kind of promise and returns findings whose message quotes the numbers
on both sides, whose paths name the fields involved and whose suggestion says what would make
the promise feasible. Worst cases are searched over the agreement's first full month (the same
month the agreement's own examples use), in steps of 15 minutes.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from itertools import pairwise
from typing import Any

from slawriter.clock.engine import Calendar
from slawriter.library.platforms import Platforms
from slawriter.library.wording import Hit, Wording
from slawriter.model.agreement import Constraint, Priority
from slawriter.model.durations import Duration, parse_duration
from slawriter.model.paths import format_path
from slawriter.text.numbers import percent, ratio_percent
from slawriter.text.times import hours_minutes
from slawriter.text.times import short_minutes as minutes
from slawriter.text.words import plural

from .availability import allowed_downtime_seconds, period_seconds
from .context import HARDWARE_REPAIR, Facts
from .figures import (
    Interval,
    basis_calendar,
    calendar_key,
    cover_calendars,
    merged_intervals,
    open_starts,
    repair_on,
    service_budgets,
    shared,
    staffing_figures,
    subtract,
    when,
)
from .findings import Finding, Severity

RuleCheck = Callable[[Facts], list[Finding]]


@dataclass(frozen=True)
class Rule:
    id: str
    severity: Severity  # the most severe finding the rule reports
    summary: str
    check: RuleCheck


RULES: dict[str, Rule] = {}


def rule(rule_id: str, severity: Severity, summary: str) -> Callable[[RuleCheck], RuleCheck]:
    def register(check: RuleCheck) -> RuleCheck:
        RULES[rule_id] = Rule(rule_id, severity, summary, check)
        return check

    return register


# --- helpers ---------------------------------------------------------------------------------


def _words(value: timedelta) -> str:
    return hours_minutes(value.total_seconds())


def _target(duration: Duration, facts: Facts, calendar: str | None) -> str:
    """'4h on 24x7', '2 business days on 'business' (Monday to Friday, ...)'."""
    return f"{duration.text} on {facts.describe(calendar)}"


def _round_up(needed: timedelta, facts: Facts, calendar: str | None) -> str:
    """A target at least as long as ``needed``, in the units a contract would use."""
    clock = facts.calendar(calendar)
    if not clock.is_always:
        day = clock.standard_day()
        if needed > day:
            days = math.ceil(needed / day)
            return plural(days, "business day")
    hours = math.ceil(needed.total_seconds() / 3600)
    return f"{hours}h"


def _effective_resolution(
    facts: Facts, constraint: Constraint, pid: str, priority: Priority
) -> tuple[Duration, str | None, str, bool]:
    """(target, calendar, path, modified?) of a priority's resolution while a constraint applies."""
    modified = constraint.modified_targets.get(pid)
    if modified and modified.resolution:
        calendar = modified.calendar or (
            None if modified.resolution.business_days else priority.calendar
        )
        path = f"constraints[{constraint.id}].modified_targets.{pid}.resolution"
        return modified.resolution, calendar, path, True
    return priority.resolution, priority.calendar, f"priorities.{pid}.resolution", False


def _worst(pairs: Iterator[tuple[datetime, timedelta]]) -> tuple[datetime, timedelta] | None:
    worst: tuple[datetime, timedelta] | None = None
    for start, needed in pairs:
        if worst is None or needed > worst[1]:
            worst = (start, needed)
    return worst


def _restored(
    facts: Facts, cover: Calendar, onsite: timedelta
) -> tuple[tuple[datetime, datetime], ...]:
    """For each start: when a warranty repair is done (engineer on site, then the work)."""
    return tuple(
        (start, cover.deadline(cover.deadline(start, onsite), HARDWARE_REPAIR))
        for start in facts.starts()
    )


def _longest(
    clock: Calendar, restored: tuple[tuple[datetime, datetime], ...]
) -> tuple[datetime, timedelta] | None:
    return _worst((start, clock.elapsed(start, done)) for start, done in restored)


def _least_access(
    facts: Facts, clock: Calendar, site: Calendar, allowed: timedelta, visit: timedelta
) -> tuple[datetime, datetime, timedelta] | None:
    """The start, due time and site hours of the problem with the least time on site, when
    that is less than a site visit."""
    worst: tuple[datetime, datetime, timedelta] | None = None
    # A problem logged while the clock stands still falls due as if logged when it
    # starts again, with at least as much access: the worst case is among open times.
    for start in open_starts(facts, clock):
        due = clock.deadline(start, allowed)
        inside = site.elapsed(start, due)
        if inside < visit and (worst is None or inside < worst[2]):
            worst = (start, due, inside)
    return worst


def _first_priority(facts: Facts) -> str:
    return next(iter(facts.agreement.priorities))


# --- the rules -------------------------------------------------------------------------------


@rule(
    "warranty-vs-resolution",
    "error",
    "A resolution target shorter than hardware cover needs to restore service",
)
def warranty_vs_resolution(facts: Facts) -> list[Finding]:
    agreement = facts.agreement
    found: list[Finding] = []
    for constraint in agreement.constraints:
        if constraint.kind != "hardware-warranty" or constraint.onsite_response is None:
            continue
        assets = [a for a in agreement.internal.assets if a.warranty == constraint.id]
        services = list(constraint.services) or sorted({s for a in assets for s in a.services})
        if services and all(agreement.internal.redundancy.get(s) for s in services):
            continue
        if any(a.spares_on_site for a in assets):
            continue
        cover = facts.calendar(constraint.calendar)
        onsite = facts.amount(constraint.onsite_response, constraint.calendar)
        restored = shared(
            ("restored", calendar_key(cover), onsite, facts.month_bounds),
            _restored,
            facts,
            cover,
            onsite,
        )
        what = assets[0].description if assets else f"a fault under {constraint.id}"
        for pid, priority in agreement.priorities.items():
            target, calendar, path, modified = _effective_resolution(
                facts, constraint, pid, priority
            )
            clock = facts.calendar(calendar)
            allowed = facts.amount(target, calendar)
            worst = shared(
                ("worst", calendar_key(clock), calendar_key(cover), onsite, facts.month_bounds),
                _longest,
                clock,
                restored,
            )
            if worst is None or worst[1] <= allowed:
                continue
            start, needed = worst
            severity: Severity = "error" if modified or pid == _first_priority(facts) else "warning"
            redundancy = [f"internal.redundancy.{s}" for s in services]
            found.append(
                Finding(
                    "warranty-vs-resolution",
                    severity,
                    f"{pid} resolution is {_target(target, facts, calendar)}"
                    f"{f' ({_words(allowed)} of that clock)' if target.business_days else ''}, "
                    f"but a warranty repair of {what} "
                    f"needs up to {_words(needed)} of it: the vendor's engineer only starts "
                    f"work within {constraint.onsite_response.text} of "
                    f"{facts.describe(constraint.calendar)} cover, and the repair takes about "
                    f"{_words(HARDWARE_REPAIR)} more (worst case: a fault logged "
                    f"{when(start, facts)}), with no spares on site and no redundancy",
                    [path, f"constraints[{constraint.id}].onsite_response", *redundancy],
                    f"needs call-to-repair cover, spares on site or redundancy for "
                    f"{', '.join(services) or 'the hardware'}, or a {pid} resolution of "
                    f"{_round_up(needed, facts, calendar)} for faults that need a warranty "
                    f"repair (constraints[{constraint.id}].modified_targets.{pid}.resolution)",
                )
            )
    return found


@rule("coverage-vs-clock", "error", "A target whose clock runs when nobody is on shift or on call")
def coverage_vs_clock(facts: Facts) -> list[Finding]:
    internal = facts.provider.internal
    if not internal.staffing and internal.on_call is None:
        return [
            Finding(
                "coverage-vs-clock",
                "info",
                "not checked: the provider file has no internal.staffing or internal.on_call, "
                "so nobody is known to be on shift",
                [],
                "list the staff on shift (internal.staffing) and the on-call rota "
                "(internal.on_call) in the provider file",
            )
        ]
    staff, on_call = cover_calendars(facts)
    begin, end = facts.month_bounds
    staffed = merged_intervals(staff, begin, end)
    covered = merged_intervals(staff + on_call, begin, end)
    found: list[Finding] = []
    by_calendar: dict[str, list[str]] = {}
    for pid, priority in facts.agreement.priorities.items():
        by_calendar.setdefault(facts.calendar_name(priority.calendar), []).append(pid)
    for name, pids in by_calendar.items():
        clock = facts.calendar(name)
        counted = merged_intervals([clock], begin, end)  # one calendar: its open periods
        gaps = subtract(counted, covered)
        total = sum((b - a for a, b in counted), timedelta())
        missing = sum((b - a for a, b in gaps), timedelta())
        paths = [f"priorities.{pid}.calendar" for pid in pids]
        label = ", ".join(pids)
        if gaps:
            first = gaps[0]
            found.append(
                Finding(
                    "coverage-vs-clock",
                    "error",
                    f"{label} targets are counted on {facts.describe(name)}, but nobody is on "
                    f"shift or on call for {_words(missing)} of its {_words(total)} in "
                    f"{facts.month.label} (first gap: {when(first[0], facts)} to "
                    f"{when(first[1], facts)})",
                    paths,
                    f"add an on-call rota covering those hours (internal.on_call in the "
                    f"provider file), or count {label} on a calendar the team covers",
                )
            )
            continue
        attend = internal.on_call.attend_within if internal.on_call else None
        if attend is None:
            continue
        on_call_only = subtract(counted, staffed)
        if not on_call_only:
            continue
        for pid in pids:
            priority = facts.agreement.priorities[pid]
            response = facts.amount(priority.response, priority.calendar)
            attend_time = facts.amount(attend, None)
            if response < attend_time:
                found.append(
                    Finding(
                        "coverage-vs-clock",
                        "warning",
                        f"{pid} response is "
                        f"{_target(priority.response, facts, priority.calendar)}, "
                        f"but for {_words(sum((b - a for a, b in on_call_only), timedelta()))} "
                        f"of {facts.month.label} only the person on call covers it, and they "
                        f"start work within {attend.text}",
                        [f"priorities.{pid}.response"],
                        f"an on-call response of {priority.response.text} or less, or a {pid} "
                        f"response of at least {attend.text}",
                    )
                )
    return found


@rule(
    "staffing-vs-response",
    "error",
    "Too few people on shift to answer the expected tickets within the response targets",
)
def staffing_vs_response(facts: Facts) -> list[Finding]:
    figures = staffing_figures(facts)
    if figures.not_checked:
        return [Finding("staffing-vs-response", "info", figures.not_checked, [], figures.fix)]
    found: list[Finding] = []
    shared = (
        f" (shared with {plural(len(facts.others), 'other agreement')})" if facts.others else ""
    )
    basis = (
        f"{figures.tickets_per_hour:.2f} tickets an hour{shared} at "
        f"{_words(timedelta(seconds=figures.handling_s))} mean handling time "
        f"(load {figures.load:.2f} erlangs) and {plural(figures.agents, 'agent')} on shift"
    )
    required = figures.required
    if figures.overloaded:
        needed = max((row.agents_needed or 0) for row in figures.rows)
        found.append(
            Finding(
                "staffing-vs-response",
                "error",
                f"the team cannot keep up: {basis}; more work arrives than "
                f"{plural(figures.agents, 'person', 'people')} can handle, so every response "
                "target is missed"
                if figures.agents
                else "nobody is on shift in Business Hours, so every response target is missed",
                [f"priorities.{row.priority}.response" for row in figures.rows]
                + ["internal.expected_tickets"],
                f"{plural(needed, 'agent')} on shift in Business Hours for "
                f"{ratio_percent(required, None)} of tickets within every response target",
            )
        )
        return found
    for row in figures.rows:
        if row.service_level is not None and row.service_level >= required:
            continue
        if row.agents == 0:
            found.append(_nobody_on_shift(facts, row.priority))
            continue
        people = f"{plural(row.agents, 'person', 'people')} on shift or on call"
        queue = (
            f"in {row.hours} hours, {people} and a load of {row.load:.2f} erlangs from "
            f"{row.priority} and more urgent tickets{shared} at "
            f"{_words(timedelta(seconds=row.handling_s))} mean handling time"
        )
        if row.service_level is None:
            message = (
                f"{row.priority}: {queue}: more work arrives than they can handle, so "
                f"{row.priority} response targets of {row.target} are missed"
            )
        else:
            message = (
                f"{row.priority}: {queue}: {ratio_percent(row.service_level)} of tickets get a "
                f"response within {row.target}; required {ratio_percent(required, None)}"
            )
        people_needed = (
            plural(row.agents_needed, "person", "people")
            if row.agents_needed is not None
            else "more people"
        )
        found.append(
            Finding(
                "staffing-vs-response",
                "error",
                message,
                [f"priorities.{row.priority}.response", "internal.expected_tickets"],
                f"{people_needed} on shift or on call in those hours, or a longer "
                f"{row.priority} response target, or fewer tickets",
            )
        )
    return found


def _nobody_on_shift(facts: Facts, pid: str) -> Finding:
    """Nobody at all when a priority's clock runs: said plainly (a queue of zero people has
    no load figure or service level worth quoting)."""
    calendar = facts.agreement.priorities[pid].calendar
    begin, end = facts.month_bounds
    staff, on_call = cover_calendars(facts)
    counted = merged_intervals([facts.calendar(facts.calendar_name(calendar))], begin, end)
    gaps = subtract(counted, merged_intervals(staff + on_call, begin, end))
    at = f" at {when(gaps[0][0], facts)}" if gaps else " at some of the hours"
    clock = facts.describe(calendar)
    runs = f"{pid}'s 24x7 clock runs" if clock == "24x7" else f"{pid}'s clock runs ({clock})"
    return Finding(
        "staffing-vs-response",
        "error",
        f"{pid}: nobody is on shift or on call{at}, when {runs}, so its response target of "
        f"{facts.agreement.priorities[pid].response.text} cannot be met",
        [f"priorities.{pid}.response", f"priorities.{pid}.calendar"],
        f"add an on-call rota for those hours (internal.on_call in the provider file), "
        f"or count {pid} on a calendar the team covers",
    )


@rule(
    "uptime-vs-recovery",
    "error",
    "A monthly downtime budget smaller than one repair of a single point of failure",
)
def uptime_vs_recovery(facts: Facts) -> list[Finding]:
    found: list[Finding] = []
    for budget in service_budgets(facts):
        path = f"services[{budget.service}].uptime.target"
        if budget.redundant:
            continue
        if budget.repair_s is None:
            found.append(
                Finding(
                    "uptime-vs-recovery",
                    "info",
                    f"{budget.service}: not checked: no single point of failure is listed "
                    "for it and it is not marked redundant",
                    [path],
                    f"list its key hardware under internal.assets, or set "
                    f"internal.redundancy.{budget.service}: true",
                )
            )
            continue
        if budget.repair_s <= budget.allowed_s:
            continue
        feasible = 100 * (1 - budget.repair_s / budget.period_s) if budget.period_s else 0
        found.append(
            Finding(
                "uptime-vs-recovery",
                "error",
                f"{budget.service}: {budget.target}% of {budget.basis_words} in "
                f"{facts.month.label} allows {minutes(budget.allowed_s)} of downtime, but one "
                f"repair of {budget.repair_what} takes about "
                f"{hours_minutes(budget.repair_s)} of those hours, with no redundancy",
                [path, f"internal.redundancy.{budget.service}", *budget.repair_paths],
                f"needs redundancy (internal.redundancy.{budget.service}), or a faster repair, "
                f"or an uptime target of at most {math.floor(feasible * 10) / 10:.1f}%",
            )
        )
    return found


@rule(
    "uptime-vs-maintenance",
    "error",
    "Maintenance that counts against uptime beyond the budget, or with no cap or notice",
)
def uptime_vs_maintenance(facts: Facts) -> list[Finding]:
    maintenance = facts.agreement.maintenance
    found: list[Finding] = []
    # No notice cannot occur: a duration is refused at load unless it is more than zero.
    if not maintenance.emergency_counts_toward_uptime:
        found.append(
            Finding(
                "uptime-vs-maintenance",
                "warning",
                "emergency maintenance has no monthly cap and does not count against uptime, "
                "so any amount of it is excluded from the uptime figures",
                ["maintenance.emergency_counts_toward_uptime"],
                "let emergency maintenance count against uptime, or give it a cap",
            )
        )
    if not maintenance.counts_toward_uptime:
        return found
    for budget in service_budgets(facts):
        if budget.maintenance_s > budget.allowed_s:
            found.append(
                Finding(
                    "uptime-vs-maintenance",
                    "error",
                    f"{budget.service}: scheduled maintenance counts against uptime and may "
                    f"take {hours_minutes(budget.maintenance_s)} of {budget.basis_words} in "
                    f"{facts.month.label} (window {maintenance.window.canonical()}, cap "
                    f"{maintenance.monthly_cap.text}), but {budget.target}% allows only "
                    f"{minutes(budget.allowed_s)}",
                    [
                        f"services[{budget.service}].uptime.target",
                        "maintenance.counts_toward_uptime",
                        "maintenance.monthly_cap",
                    ],
                    f"exclude scheduled maintenance from uptime, or cap it at "
                    f"{minutes(budget.allowed_s)} a month",
                )
            )
    return found


def _backup_interval(facts: Facts) -> tuple[Duration, str]:
    internal = facts.agreement.internal.backup
    if internal.interval is not None:
        return internal.interval, "internal.backup.interval"
    return facts.agreement.data_protection.backup.frequency, "data_protection.backup.frequency"


@rule("rpo-vs-backup", "error", "A recovery point shorter than the backup interval")
def rpo_vs_backup(facts: Facts) -> list[Finding]:
    backup = facts.agreement.data_protection.backup
    interval, interval_path = _backup_interval(facts)
    every = facts.amount(interval, None)
    found: list[Finding] = []
    promised = facts.amount(backup.frequency, None)
    if interval_path.startswith("internal") and promised < every:
        found.append(
            Finding(
                "rpo-vs-backup",
                "error",
                f"the agreement promises a backup every {backup.frequency.text}, but backups "
                f"run every {interval.text}",
                ["data_protection.backup.frequency", interval_path],
                f"promise backups every {interval.text}, or back up every {backup.frequency.text}",
            )
        )
    if backup.rpo is not None and facts.amount(backup.rpo, None) < every:
        found.append(
            Finding(
                "rpo-vs-backup",
                "error",
                f"the promised recovery point is {backup.rpo.text}, but backups run every "
                f"{interval.text}, so up to {interval.text} of data can be lost",
                ["data_protection.backup.rpo", interval_path],
                f"a recovery point of {interval.text} or more, or backups (or replication) "
                f"at least every {backup.rpo.text}",
            )
        )
    return found


@rule("rto-vs-restore", "error", "A recovery time shorter than a restore takes")
def rto_vs_restore(facts: Facts) -> list[Finding]:
    backup = facts.agreement.data_protection.backup
    restore = facts.agreement.internal.backup.restore_time
    if backup.rto is None:
        return []
    if restore is None:
        return [
            Finding(
                "rto-vs-restore",
                "info",
                f"not checked: the promised recovery time is {backup.rto.text}, but how long "
                "a restore takes is not recorded",
                ["data_protection.backup.rto", "internal.backup.restore_time"],
                "record a tested restore time under internal.backup.restore_time",
            )
        ]
    if facts.amount(backup.rto, None) >= facts.amount(restore, None):
        return []
    return [
        Finding(
            "rto-vs-restore",
            "error",
            f"the promised recovery time is {backup.rto.text}, but a restore takes {restore.text}",
            ["data_protection.backup.rto", "internal.backup.restore_time"],
            f"a recovery time of {restore.text} or more, or a faster restore (e.g. a standby copy)",
        )
    ]


@rule(
    "access-vs-onsite",
    "error",
    "On-site work due while the site is closed, with no modified target",
)
def access_vs_onsite(facts: Facts) -> list[Finding]:
    found: list[Finding] = []
    for constraint in facts.agreement.constraints:
        if constraint.kind != "site-access" or constraint.calendar is None:
            continue
        site = facts.calendar(constraint.calendar)
        # The same figure the document prints as its test for the modified targets.
        visit = facts.amount(constraint.site_visit, constraint.calendar)
        begin, end = facts.month_bounds
        site_hours = merged_intervals([site], begin, end)
        for pid, priority in facts.agreement.priorities.items():
            target, calendar, path, modified = _effective_resolution(
                facts, constraint, pid, priority
            )
            clock = facts.calendar(calendar)
            allowed = facts.amount(target, calendar)
            counted = merged_intervals([clock], begin, end)
            if allowed >= visit and not subtract(counted, site_hours):
                continue  # the clock only runs while the site is open
            worst = shared(
                (
                    "access",
                    calendar_key(clock),
                    calendar_key(site),
                    allowed,
                    visit,
                    facts.month_bounds,
                ),
                _least_access,
                facts,
                clock,
                site,
                allowed,
                visit,
            )
            if worst is None:
                continue
            start, due, inside = worst
            where = constraint.site or "the site"
            found.append(
                Finding(
                    "access-vs-onsite",
                    "warning" if modified else "error",
                    f"{pid} resolution is {_target(target, facts, calendar)}, but {where} can "
                    f"be entered only on {facts.describe(constraint.calendar)}: a problem "
                    f"logged {when(start, facts)} is due by {when(due, facts)}, leaving "
                    f"{_words(inside)} of access for about {_words(visit)} of on-site work",
                    [path, f"constraints[{constraint.id}].calendar"],
                    f"state a modified {pid} resolution for this constraint "
                    f"(constraints[{constraint.id}].modified_targets.{pid}.resolution), or "
                    f"count {pid} on a calendar within the site's hours",
                )
            )
    return found


@dataclass(frozen=True)
class _Combined:
    target: Any  # Decimal
    words: str  # "Business Hours", "all hours"
    clock: Calendar
    period: float
    allowed: float
    parts: list[Any]  # ServiceBudget
    paths: list[str]


def _combined(facts: Facts) -> _Combined | None:
    combined = facts.agreement.combined_uptime
    if combined is None:
        return None
    budgets = {b.service: b for b in service_budgets(facts)}
    names = combined.services or list(budgets)
    parts = [budgets[name] for name in names if name in budgets]
    if not parts:
        return None
    clock = basis_calendar(facts, combined.basis, combined.calendar)
    period = period_seconds(clock, facts.month)
    if combined.basis == "all-time":
        words = "all hours"
    elif facts.calendar_name(combined.calendar) == facts.agreement.default_calendar:
        words = "Business Hours"
    else:
        words = f"the hours of calendar '{combined.calendar}'"
    return _Combined(
        combined.target,
        words,
        clock,
        period,
        allowed_downtime_seconds(combined.target, period),
        parts,
        ["combined_uptime.target"] + [f"services[{b.service}].uptime.target" for b in parts],
    )


def _floor_percent(share_down: float, places: int = 1) -> float:
    """The highest target with ``places`` decimals that allows at least ``share_down``."""
    scale: int = 10**places
    return math.floor(round(100 * scale * (1 - share_down), 6)) / scale


@rule(
    "combined-vs-services",
    "error",
    "A combined uptime that one repair of a single point of failure breaks",
)
def combined_vs_services(facts: Facts) -> list[Finding]:
    """A combined figure is an uptime promise of its own: judged, like uptime-vs-recovery
    judges a service, against one typical repair of any part's single point of failure,
    counted in the combined figure's hours. (Stricter than the parts' sum is the point of it.)"""
    figure = _combined(facts)
    if figure is None:
        return []
    found: list[Finding] = []
    lowest = min(figure.parts, key=lambda b: b.target)
    if figure.target > lowest.target:
        found.append(
            Finding(
                "combined-vs-services",
                "warning",
                f"the combined uptime of {figure.target}% is higher than the {lowest.target}% "
                f"promised for {lowest.service} on its own, so {lowest.service}'s own target "
                "can never be the one that fails: the customer reads two figures for one promise",
                figure.paths,
                f"a target of {figure.target}% for {lowest.service} too, or a combined target "
                f"of at most {lowest.target}%",
            )
        )
    worst: tuple[float, Any, str, list[str]] | None = None
    for part in figure.parts:
        if part.redundant:
            continue
        repair, what, paths = repair_on(facts, part.service, figure.clock)
        if repair and (worst is None or repair > worst[0]):
            worst = (repair, part, what, paths)
    if worst is not None and worst[0] > figure.allowed:
        repair, part, what, paths = worst
        feasible = _floor_percent(repair / figure.period) if figure.period else 0.0
        found.append(
            Finding(
                "combined-vs-services",
                "error",
                f"the combined uptime of {figure.target}% of {figure.words} in "
                f"{facts.month.label} allows {minutes(figure.allowed)} of downtime, but one "
                f"repair of {what}, on which {part.service} depends, takes about "
                f"{hours_minutes(repair)} of those hours, with no redundancy",
                [*figure.paths[:1], f"internal.redundancy.{part.service}", *paths],
                f"needs redundancy for {part.service} (internal.redundancy.{part.service}), or "
                f"a faster repair, or a combined target of at most {feasible:.1f}%",
            )
        )
    return found


@rule(
    "combined-decorative",
    "warning",
    "A combined uptime that cannot fail unless a service's own target fails first",
)
def combined_decorative(facts: Facts) -> list[Finding]:
    figure = _combined(facts)
    if figure is None or not figure.period:
        return []
    begin, end = facts.month_bounds
    counted = merged_intervals([figure.clock], begin, end)
    for part in figure.parts:
        service = next(s for s in facts.agreement.services if s.id == part.service)
        assert service.uptime is not None
        own = basis_calendar(facts, service.uptime.basis, service.uptime.calendar)
        if subtract(counted, merged_intervals([own], begin, end)):
            return []  # its downtime outside its own hours is unlimited: the figure can fail
    between = sum(min(b.allowed_s, figure.period) for b in figure.parts)
    if figure.allowed < between:
        return []
    implied = _floor_percent(between / figure.period, 2)
    lowest = min(b.target for b in figure.parts)
    repairs = [
        repair_on(facts, b.service, figure.clock)[0] for b in figure.parts if not b.redundant
    ]
    feasible = _floor_percent(max(repairs, default=0.0) / figure.period)
    better = min(float(lowest), feasible)
    names = [b.service for b in figure.parts]
    listed = ", ".join(names[:-1]) + f" and {names[-1]}" if len(names) > 1 else names[0]
    fix = (
        f"a combined target above {implied:.2f}% that measures something, e.g. {better:g}%"
        if better > implied
        else "drop the combined figure (combined_uptime)"
    )
    return [
        Finding(
            "combined-decorative",
            "warning",
            f"the combined uptime of {figure.target}% of {figure.words} allows "
            f"{minutes(figure.allowed)} of downtime in {facts.month.label}, but {listed} can "
            f"only be down for {minutes(between)} between them before one of them misses its "
            "own target, so the combined figure can never fail on its own: it promises the "
            f"customer nothing (it would need to be above {implied:.2f}% to count)",
            figure.paths,
            f"{fix}, or drop the combined figure (combined_uptime)" if better > implied else fix,
        )
    ]


@rule(
    "priority-order",
    "error",
    "A response later than the resolution, or a more urgent priority with a slower target",
)
def priority_order(facts: Facts) -> list[Finding]:
    found: list[Finding] = []
    items = list(facts.agreement.priorities.items())
    for pid, priority in items:
        response = facts.amount(priority.response, priority.calendar)
        resolution = facts.amount(priority.resolution, priority.calendar)
        if response > resolution:
            found.append(
                Finding(
                    "priority-order",
                    "error",
                    f"{pid} response ({priority.response.text}) is later than its resolution "
                    f"({priority.resolution.text})",
                    [f"priorities.{pid}.response", f"priorities.{pid}.resolution"],
                    f"a {pid} response of at most {priority.resolution.text}",
                )
            )
    for (upper_id, upper), (lower_id, lower) in pairwise(items):
        for field in ("response", "resolution"):
            mine: Duration = getattr(upper, field)
            theirs: Duration = getattr(lower, field)
            if facts.amount(mine, upper.calendar) > facts.amount(theirs, lower.calendar):
                found.append(
                    Finding(
                        "priority-order",
                        "error",
                        f"{upper_id} is more urgent than {lower_id} but its {field} target is "
                        f"slower: {mine.text} against {theirs.text}",
                        [f"priorities.{upper_id}.{field}", f"priorities.{lower_id}.{field}"],
                        f"a {upper_id} {field} of at most {theirs.text}",
                    )
                )
    return found


@rule("clock-undefined", "error", "A target whose clock cannot start or has no basis")
def clock_undefined(facts: Facts) -> list[Finding]:
    agreement = facts.agreement
    found: list[Finding] = []
    channels = agreement.reporting.channels
    for pid, priority in agreement.priorities.items():
        accepted = [c for c in channels if pid in c.priorities]
        if not accepted:
            found.append(
                Finding(
                    "clock-undefined",
                    "error",
                    f"no reporting channel accepts {pid} problems, so the {pid} clock (which "
                    "starts when a problem is logged through an agreed channel) can never start",
                    [f"priorities.{pid}", "reporting.channels"],
                    f"add {pid} to the priorities of at least one channel",
                )
            )
            continue
        counted = facts.calendar(priority.calendar)
        if counted.is_always and all(c.calendar for c in accepted):
            staffed = ", ".join(f"{c.id} ({facts.describe(c.calendar)})" for c in accepted)
            found.append(
                Finding(
                    "clock-undefined",
                    "warning",
                    f"{pid} is counted 24x7, but it can only be reported through {staffed}, so "
                    "outside those hours nobody can start its clock",
                    [f"priorities.{pid}.calendar"]
                    + [f"reporting.channels[{c.id}].calendar" for c in accepted],
                    f"a {pid} channel that is always monitored (no calendar), e.g. an on-call "
                    "phone",
                )
            )
        for field in ("response", "resolution", "update"):
            value: Duration = getattr(priority, field)
            if value.business_days and counted.is_always:
                found.append(
                    Finding(
                        "clock-undefined",
                        "warning",
                        f"{pid} {field} is {value.text} on a 24x7 calendar, where a business "
                        f"day is 24 hours: the customer may read it as working days",
                        [f"priorities.{pid}.{field}"],
                        f"write {value.business_days * 24}h",
                    )
                )
    combined = agreement.combined_uptime
    if combined is not None:
        measured = {s.id for s in agreement.services if s.uptime}
        names = combined.services or sorted(measured)
        if not any(name in measured for name in names):
            found.append(
                Finding(
                    "clock-undefined",
                    "error",
                    "the combined uptime depends on no service with an uptime target, so it "
                    "has nothing to be measured on",
                    ["combined_uptime.services"],
                    "name services that have an uptime target, or remove the combined figure",
                )
            )
    return found


_SKIP_KEYS = {"internal", "provider", "calendars", "variants", "slawriter", "profile", "incomplete"}
_SKIP_LEAVES = {"id", "contact", "email", "phone", "reference", "basis", "kind"}


def _strings(
    node: Any, loc: tuple[str | int, ...] = ()
) -> Iterator[tuple[tuple[str | int, ...], str]]:
    if isinstance(node, dict):
        for key, value in node.items():
            if not loc and key in _SKIP_KEYS:
                continue
            if key in _SKIP_LEAVES:
                continue
            yield from _strings(value, (*loc, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _strings(value, (*loc, index))
    elif isinstance(node, str):
        yield loc, node


# Clause bodies, and most texts of a portfolio's agreements, are the same from one agreement
# to the next: each text is searched once per process.
_HITS: dict[int, tuple[Wording, dict[str, list[Hit]]]] = {}
_HITS_LIMIT = 50_000  # texts; beyond it the memo starts over


def _clause_hits(wording: Wording, text: str) -> list[Hit]:
    entry = _HITS.get(id(wording))
    if entry is None or entry[0] is not wording or len(entry[1]) >= _HITS_LIMIT:
        entry = _HITS[id(wording)] = (wording, {})
    hits = entry[1].get(text)
    if hits is None:
        hits = entry[1][text] = wording.find(text)
    return hits


@rule("vague-term", "warning", "Unmeasurable wording in the agreement or its clauses")
def vague_term(facts: Facts) -> list[Finding]:
    wording = facts.wording
    if wording is None:
        return []
    found: list[Finding] = []
    for loc, text in _strings(facts.data):
        for hit in _clause_hits(wording, text):
            path = format_path(loc, facts.data)
            found.append(
                Finding(
                    "vague-term",
                    "warning",
                    f"{path}: '{hit.text}' is unmeasurable ({hit.term.why})",
                    [path],
                    f"{hit.term.instead}",
                )
            )
    for clause in facts.clauses:
        for hit in _clause_hits(wording, clause.body):
            line = clause.body_line + hit.line - 1
            found.append(
                Finding(
                    "vague-term",
                    "warning",
                    f"clause {clause.meta.id} ({clause.meta.variant}), {clause.display}:{line}: "
                    f"'{hit.text}' is unmeasurable ({hit.term.why})",
                    [f"variants.{clause.meta.id}"],
                    f"{hit.term.instead}; ask the clause library's owners to reword it, or "
                    f"choose another variant under variants.{clause.meta.id}",
                )
            )
    return found


# --- promises around uptime, escalation and out-of-hours work (issue 11) ---------------------


def _committed(facts: Facts) -> list[Interval]:
    """When the agreement commits someone to work on an outage of a measured service: Business
    Hours, the most urgent priority's clock, and out-of-hours support that covers it."""
    agreement = facts.agreement
    first = _first_priority(facts)
    clocks = [facts.calendar(None), facts.calendar(agreement.priorities[first].calendar)]
    ooh = agreement.out_of_hours
    if ooh.available and (not ooh.priorities or first in ooh.priorities):
        clocks.append(facts.calendar(ooh.calendar))
    begin, end = facts.month_bounds
    return merged_intervals(clocks, begin, end)


def _longest_wait(
    facts: Facts, basis: Calendar, committed: list[Interval]
) -> tuple[datetime, datetime, timedelta] | None:
    """The outage with the longest wait, counted on ``basis``, for someone committed to work."""
    begin, end = facts.month_bounds
    gaps = subtract(merged_intervals([basis], begin, end), committed)
    worst: tuple[datetime, datetime, timedelta] | None = None
    for start, _ in gaps:
        resumes = next((a for a, _ in committed if a >= start), end)
        waited = basis.elapsed(start, resumes)
        if worst is None or waited > worst[2]:
            worst = (start, resumes, waited)
    return worst


@rule(
    "uptime-vs-support",
    "error",
    "An uptime target counted in hours when nobody is committed to work on an outage",
)
def uptime_vs_support(facts: Facts) -> list[Finding]:
    agreement = facts.agreement
    committed = _committed(facts)
    first = _first_priority(facts)
    found: list[Finding] = []
    for budget in service_budgets(facts):
        service = next(s for s in agreement.services if s.id == budget.service)
        assert service.uptime is not None
        basis = basis_calendar(facts, service.uptime.basis, service.uptime.calendar)
        worst = _longest_wait(facts, basis, committed)
        if worst is None or worst[2].total_seconds() <= budget.allowed_s:
            continue
        start, resumes, waited = worst
        feasible = _floor_percent(waited.total_seconds() / budget.period_s)
        found.append(
            Finding(
                "uptime-vs-support",
                "error",
                f"{budget.service}: {budget.target}% of {budget.basis_words} in "
                f"{facts.month.label} allows {minutes(budget.allowed_s)} of downtime, but "
                f"outside {facts.describe(None)} nobody is committed to work on it: an outage "
                f"from {when(start, facts)} would run until {when(resumes, facts)}: "
                f"{hours_minutes(waited.total_seconds())} ({minutes(waited.total_seconds())}) "
                "of downtime",
                [
                    f"services[{budget.service}].uptime.basis",
                    f"services[{budget.service}].uptime.target",
                    "out_of_hours",
                    f"priorities.{first}.calendar",
                ],
                f"measure {budget.service} in Business Hours (services[{budget.service}].uptime."
                f"basis: business-hours), or offer out-of-hours support for {first} in every "
                f"hour it is measured (out_of_hours), or an uptime target of at most "
                f"{feasible:.1f}%",
            )
        )
    return found


@rule(
    "uptime-vs-upstream",
    "error",
    "An uptime target at or above the commitment of a platform the provider does not operate",
)
def uptime_vs_upstream(facts: Facts) -> list[Finding]:
    agreement = facts.agreement
    known_platforms = facts.platforms or Platforms(())
    month = period_seconds(facts.calendar("24x7"), facts.month)
    found: list[Finding] = []
    for budget in service_budgets(facts):
        service = next(s for s in agreement.services if s.id == budget.service)
        here = f"services[{service.id}]"
        platforms: list[tuple[str, Decimal | None, bool, str]] = [
            (d.name, d.target, d.excluded, f"{here}.depends_on[{i}]")
            for i, d in enumerate(service.depends_on)
        ]
        declared = bool(platforms)
        if not declared:
            text = " ".join(service.systems)
            platforms = [
                (known.name, known.target, False, f"{here}.depends_on")
                for known in known_platforms.named_in(text)
            ]
        for name, target, excluded, path in platforms:
            if excluded:
                continue
            if target is None:
                # What the platform list knows of it: a sourced figure to record, or that no
                # figure is published (said, never guessed).
                listed = next(iter(known_platforms.named_in(name)), None)
                if listed is not None and listed.target is not None:
                    known = (
                        f"; its supplier publishes {listed.target}% for {listed.covers} "
                        f"({listed.source})"
                    )
                elif listed is not None:
                    known = (
                        f"; its supplier publishes no uptime figure that slawriter could find "
                        f"({listed.covers}: {listed.source})"
                    )
                else:
                    known = f"; slawriter does not know {name}'s published figure"
                found.append(
                    Finding(
                        "uptime-vs-upstream",
                        "info",
                        f"{service.id}: not checked: it runs on {name}, whose outages count "
                        "against its target, but the platform's own published target is not "
                        f"recorded{known}",
                        [f"{path}.target"],
                        f"record {name}'s published monthly uptime ({path}.target), or exclude "
                        f"its outages ({path}.excluded: true)",
                    )
                )
                continue
            theirs = allowed_downtime_seconds(target, month)
            if theirs < budget.allowed_s:
                continue
            exclude = (
                f"{path}.excluded: true"
                if declared
                else f"{path}: [{{name: {name}, target: {target}, excluded: true}}]"
            )
            how = (
                "and the agreement counts its outages as Downtime"
                if declared
                else f"and the agreement does not say whether {name}'s outages count, so they "
                "count as Downtime"
            )
            named = "" if declared else " (named in its systems)"
            found.append(
                Finding(
                    "uptime-vs-upstream",
                    "error",
                    f"{service.id}: {budget.target}% of {budget.basis_words} allows "
                    f"{minutes(budget.allowed_s)} of downtime in {facts.month.label}, but it "
                    f"runs on {name}{named}, whose supplier commits to only {target}% "
                    f"({minutes(theirs)} of downtime), {how}: {name} could keep its own "
                    "promise and still break this one, with nothing the provider can do",
                    [f"{here}.uptime.target", f"{path}.excluded" if declared else path],
                    f"exclude {name}'s outages ({exclude}), or a target below {target}% for "
                    f"{service.id}",
                )
            )
    return found


_COUNTED = re.compile(r"^\s*(\d+)\s")


def _bundle(systems: list[str]) -> bool:
    """Several devices: three or more systems, or a line that counts several ('6 PCs')."""
    counted = (_COUNTED.match(line) for line in systems)
    return len(systems) >= 3 or any(m is not None and int(m.group(1)) >= 2 for m in counted)


@rule(
    "uptime-on-bundle",
    "warning",
    "An uptime target on several devices with no statement of what 'down' means",
)
def uptime_on_bundle(facts: Facts) -> list[Finding]:
    found: list[Finding] = []
    for service in facts.agreement.services:
        if service.uptime is None or service.down_when or not _bundle(service.systems):
            continue
        found.append(
            Finding(
                "uptime-on-bundle",
                "warning",
                f"{service.id}: {service.uptime.target}% uptime is promised for a group of "
                f"devices ({'; '.join(service.systems)}), but the agreement does not say when "
                "the service counts as down: is one broken device Downtime, or only all of "
                "them?",
                [f"services[{service.id}].down_when", f"services[{service.id}].uptime.target"],
                f"say what 'down' means in services[{service.id}].down_when, e.g. 'the shared "
                "drive cannot be opened from any PC at the site'",
            )
        )
    return found


_GENERIC_MONITORING = re.compile(
    r"^\s*(the\s+)?(provider'?s?|supplier'?s?|our|its|their)\s+(own\s+)?monitoring"
    r"(\s+(system|tool|software|platform|service))?\s*\.?\s*$",
    re.I,
)


@rule("monitoring-unnamed", "error", "Uptime promised with no named monitoring system")
def monitoring_unnamed(facts: Facts) -> list[Finding]:
    agreement = facts.agreement
    measured = [s.id for s in agreement.services if s.uptime is not None]
    system = agreement.monitoring.system
    generic = {text.casefold().strip() for text in facts.generic_monitoring}
    if not measured or not (
        system.casefold().strip() in generic or _GENERIC_MONITORING.match(system)
    ):
        return []
    return [
        Finding(
            "monitoring-unnamed",
            "error",
            f"uptime is promised for {', '.join(measured)}, but the data source is "
            f"'{system}', which names no system: the customer cannot check the figures and a "
            "dispute about downtime has nothing to go on",
            ["monitoring.system"],
            "name the monitoring system that measures uptime (monitoring.system), e.g. "
            "'PRTG Network Monitor' or 'Datto RMM'",
        )
    ]


def _reply_checks(facts: Facts) -> list[tuple[str, Duration, str | None, list[str]]]:
    """(who answers, in what time, on which calendar, paths) for the clauses a render uses."""
    agreement = facts.agreement
    used = {clause.meta.id for clause in facts.clauses}
    level = agreement.escalation[0] if agreement.escalation else None
    checks: list[tuple[str, Duration, str | None, list[str]]] = []
    if "escalation" in used and level is not None and level.reply_within is not None:
        checks.append(
            (
                f"escalation level 1 ({level.role}) replies",
                level.reply_within,
                level.calendar,
                ["escalation[0].calendar", "escalation[0].reply_within"],
            )
        )
    if "priorities" in used:
        dispute = agreement.priority_dispute
        decide = dispute.decide_within or (level.reply_within if level else None)
        calendar = dispute.calendar or (level.calendar if level else None)
        checks.append(
            (
                "a disputed Priority is decided",
                decide or parse_duration("1h"),
                calendar,
                ["priority_dispute.calendar", "priority_dispute.decide_within"],
            )
        )
    return checks


@rule(
    "escalation-clock",
    "warning",
    "Escalation replies or priority disputes counted in fewer hours than a priority's clock",
)
def escalation_clock(facts: Facts) -> list[Finding]:
    begin, end = facts.month_bounds
    found: list[Finding] = []
    for who, within, calendar, paths in _reply_checks(facts):
        reply_clock = facts.calendar(calendar)
        replied = merged_intervals([reply_clock], begin, end)
        for pid, priority in facts.agreement.priorities.items():
            clock = facts.calendar(priority.calendar)
            gaps = subtract(merged_intervals([clock], begin, end), replied)
            late: tuple[timedelta, datetime, datetime, datetime] | None = None
            for start, _ in gaps:
                answer = reply_clock.deadline(start, facts.amount(within, calendar))
                due = clock.deadline(start, facts.amount(priority.resolution, priority.calendar))
                if answer > due and (late is None or answer - due > late[0]):
                    late = (answer - due, start, answer, due)
            if late is None:
                continue
            _, start, answer, due = late
            name = facts.calendar_name(priority.calendar)
            found.append(
                Finding(
                    "escalation-clock",
                    "warning",
                    f"{pid} is counted on {facts.describe(priority.calendar)}, but {who} "
                    f"within {within.text} on {facts.describe(calendar)}: for a {pid} "
                    f"escalated on {when(start, facts)} the answer is not due until "
                    f"{when(answer, facts)}, after the {pid} resolution falls due at "
                    f"{when(due, facts)}",
                    [*paths, f"priorities.{pid}.calendar"],
                    f"count it on {pid}'s clock ({paths[0]}: {name})",
                )
            )
            break  # the most urgent such priority says it
    return found


@rule(
    "escalation-out-of-hours",
    "warning",
    "An escalation level after the first answers only in hours a priority's clock outruns, "
    "and no other level beyond the first covers them (the top level must answer itself)",
)
def escalation_out_of_hours(facts: Facts) -> list[Finding]:
    """escalation-clock judges level 1; a later level that answers in Business Hours only
    leaves a 24x7 P1 with nobody to escalate to at night unless another level works then."""
    levels = facts.agreement.escalation
    if "escalation" not in {clause.meta.id for clause in facts.clauses} or len(levels) < 2:
        return []
    begin, end = facts.month_bounds
    hours = [merged_intervals([facts.calendar(level.calendar)], begin, end) for level in levels]
    found: list[Finding] = []
    for pid, priority in facts.agreement.priorities.items():
        always = facts.calendar(priority.calendar).is_always
        clock = merged_intervals([facts.calendar(priority.calendar)], begin, end)
        # A level with an out-of-hours telephone reply answers a 24x7 priority at any time.
        reach = [
            clock if always and level.reply_out_of_hours is not None else hours[index]
            for index, level in enumerate(levels)
        ]
        last = len(levels) - 1
        for index in range(1, len(levels)):
            gaps = subtract(clock, reach[index])
            # Covered when another level beyond the first works every hour this one does not:
            # out of hours the customer goes to that level (the table says when each answers).
            # The top level has nobody above it: it must itself be reachable.
            others = (
                []
                if index == last
                else [h for other, h in enumerate(reach) if other not in (0, index)]
            )
            if not gaps or any(not subtract(gaps, other) for other in others):
                continue
            level = levels[index]
            start, stop = gaps[0]
            reply = (
                f"replies within {level.reply_within.text} on {facts.describe(level.calendar)}"
                if level.reply_within is not None
                else f"works on {facts.describe(level.calendar)}"
            )
            found.append(
                Finding(
                    "escalation-out-of-hours",
                    "warning",
                    f"{pid} is counted on {facts.describe(priority.calendar)}, but escalation "
                    f"level {index + 1} ({level.role}) {reply}, and "
                    + (
                        "it is the top level, with nobody above it"
                        if index == last
                        else "no other level beyond the first answers outside those hours"
                    )
                    + f": a {pid} escalated past level 1 on "
                    f"{when(start, facts)} has nobody to go to until {when(stop, facts)}",
                    [f"escalation[{index}].calendar", f"priorities.{pid}.calendar"],
                    f"count level {index + 1}'s reply on {pid}'s clock (escalation[{index}]."
                    f"calendar: {facts.calendar_name(priority.calendar)}), "
                    + (
                        f"or give it a telephone reply out of hours (escalation[{index}]."
                        "reply_out_of_hours, e.g. 2h)"
                        if index == last
                        else "or add a level that answers out of hours (e.g. an on-call duty "
                        "manager)"
                    ),
                )
            )
            break  # its first such level says it
        if found:
            break  # the most urgent such priority says it
    return found


@rule(
    "restore-vs-hours",
    "warning",
    "A restore time running around the clock while out-of-hours work is not committed",
)
def restore_vs_hours(facts: Facts) -> list[Finding]:
    agreement = facts.agreement
    rto = agreement.data_protection.backup.rto
    ooh = agreement.out_of_hours
    business = facts.calendar(None)
    if rto is None or rto.business_days or business.is_always:
        return []
    free = ooh.available and ooh.rate is None and not ooh.priorities
    if free and facts.calendar(ooh.calendar).is_always:
        return []  # every hour is covered at no charge
    begin, end = facts.month_bounds
    spans = merged_intervals([business], begin, end)
    if not spans:
        return []
    start = spans[0][1]  # a restore asked for as Business Hours end
    due = start + timedelta(seconds=rto.seconds)
    if not ooh.available:
        outside = "no support is available outside Business Hours"
    else:
        covered = "/".join(ooh.priorities) + " Incidents" if ooh.priorities else "Incidents"
        charged = " (charged by the hour)" if ooh.rate is not None else ""
        outside = (
            f"outside Business Hours only {covered} are handled{charged}, and other work "
            "needs prior written agreement"
        )
    return [
        Finding(
            "restore-vs-hours",
            "warning",
            f"the promised recovery time is {rto.text} around the clock, but {outside}: a "
            f"restore asked for on {when(start, facts)} is due by {when(due, facts)}, when "
            "nobody has agreed to do the work",
            ["data_protection.backup.rto", "out_of_hours"],
            "state the recovery time in business time (data_protection.backup.rto, e.g. "
            f"'{math.ceil(rto.seconds / business.standard_day().total_seconds())} business "
            "day'), or include restores in out-of-hours support at no extra charge",
        )
    ]


@rule(
    "authorisation-pauses-p1",
    "warning",
    "A 24x7 P1 whose Resolution clock pauses while out-of-hours work awaits authorisation",
)
def authorisation_pauses_p1(facts: Facts) -> list[Finding]:
    clause = next((c for c in facts.clauses if c.meta.id == "support-hours"), None)
    agreement = facts.agreement
    ooh = agreement.out_of_hours
    if clause is None or "pause" not in clause.meta.variant:
        return []
    if not ooh.available or ooh.rate is None:
        return []
    pid = _first_priority(facts)
    priority = agreement.priorities[pid]
    if ooh.priorities and pid not in ooh.priorities:
        return []
    begin, end = facts.month_bounds
    clock = facts.calendar(priority.calendar)
    outside = subtract(
        merged_intervals([clock], begin, end), merged_intervals([facts.calendar(None)], begin, end)
    )
    if not outside:
        return []
    who = ooh.authorised_by or "the Customer's contact"
    return [
        Finding(
            "authorisation-pauses-p1",
            "warning",
            f"{pid} resolution is {_target(priority.resolution, facts, priority.calendar)}, but "
            f"the support-hours wording chosen ('{clause.meta.variant}') pauses the Resolution "
            "clock while chargeable out-of-hours work waits for authorisation: a "
            f"{pid} fault on {when(outside[0][0], facts)} waits, with the clock stopped, until "
            f"{who[:1].lower() + who[1:] if who.startswith('The ') else who} answers, so the "
            f"{priority.resolution.text} target does not protect the customer",
            ["variants.support-hours", f"priorities.{pid}.resolution", "out_of_hours.rate"],
            f"use the default support-hours wording (remove variants.support-hours): covered "
            f"{pid} work out of hours starts at once and is charged only when the Provider did "
            "not cause the fault",
        )
    ]


@rule(
    "credit-gap",
    "error",
    "An uptime target with no credit tier directly below it while credits are the sole remedy",
)
def credit_gap(facts: Facts) -> list[Finding]:
    credits = facts.agreement.credits
    if credits is None or not credits.tiers or not credits.sole_remedy:
        return []
    top = max(tier.below for tier in credits.tiers)
    top_credit = next(tier.credit for tier in credits.tiers if tier.below == top)
    found: list[Finding] = []
    for service in facts.agreement.services:
        if service.uptime is None or service.uptime.target <= top:
            continue
        target = service.uptime.target
        found.append(
            Finding(
                "credit-gap",
                "error",
                f"{service.id}: {target}% uptime is promised, but the first credit tier is "
                f"below {top}%: a month between {top}% and {target}% misses the target and "
                "earns no credit, while credits are the sole financial remedy, so the customer "
                "has no money remedy for it",
                [f"services[{service.id}].uptime.target", "credits.tiers", "credits.sole_remedy"],
                f"add a tier starting at the target, e.g. {{below: {target}, credit: "
                f"{min(top_credit, Decimal(5))}}}, or set credits.sole_remedy: false",
            )
        )
    return found


@rule(
    "service-without-remedy",
    "error",
    "A service with no uptime target and no credits for missed Response or Resolution targets "
    "while credits are the sole remedy",
)
def service_without_remedy(facts: Facts) -> list[Finding]:
    # Desktop support is often the largest fee and has no uptime target: with uptime credits
    # as the only money remedy, it could be neglected without a credit or a Failure Month.
    credits = facts.agreement.credits
    if credits is None or not credits.sole_remedy:
        return []
    targets = credits.targets
    found: list[Finding] = []
    for service in facts.agreement.services:
        if service.uptime is not None:
            continue
        if targets is not None and targets.service in (None, service.id):
            continue
        found.append(
            Finding(
                "service-without-remedy",
                "error",
                f"{service.id}: no uptime target and no credits for missed Response or "
                "Resolution targets, while credits are the sole financial remedy: missing its "
                "targets earns no credit and never makes a Failure Month, so the customer has "
                "no remedy for it",
                [f"services[{service.id}]", "credits.targets", "credits.sole_remedy"],
                f"add credits.targets with a credit per priority and a cap (service: {service.id} "
                "to measure them on its fee), or set credits.sole_remedy: false",
            )
        )
    return found


@rule(
    "credit-cap-vs-tiers",
    "warning",
    "An uptime credit cap that the tiers can never reach, or a tier the cap never pays in full",
)
def credit_cap_vs_tiers(facts: Facts) -> list[Finding]:
    # Tiers do not add up, so the most a Month can earn is the largest tier's credit.
    credits = facts.agreement.credits
    if credits is None or not credits.tiers or credits.cap is None:
        return []
    top = max(tier.credit for tier in credits.tiers)
    paths = ["credits.cap", "credits.tiers"]
    if credits.cap > top:
        return [
            Finding(
                "credit-cap-vs-tiers",
                "warning",
                f"the uptime credit cap is {percent(credits.cap)} but the largest tier gives "
                f"{percent(top)}: "
                "tiers do not add up, so no Month can reach the cap, and the document's "
                "'Maximum Service Credit per Month' is a figure no Month can earn",
                paths,
                f"add a tier that gives {percent(credits.cap)} (e.g. below 95.0) or lower the cap "
                f"to {top}",
            )
        ]
    if credits.cap < top:
        unpaid = sorted({tier.credit for tier in credits.tiers if tier.credit > credits.cap})
        shown = ", ".join(percent(credit) for credit in unpaid)
        return [
            Finding(
                "credit-cap-vs-tiers",
                "warning",
                f"the uptime credit cap is {percent(credits.cap)} but a tier gives {shown}: the "
                "cap cuts it down, so the document promises a credit it never pays",
                paths,
                f"raise the cap to {top} or lower the tier to {percent(credits.cap)}",
            )
        ]
    return []


def run_rules(facts: Facts) -> list[Finding]:
    """Every rule, in registration order; a rule that cannot compute says so as info."""
    found: list[Finding] = []
    for entry in RULES.values():
        try:
            found.extend(entry.check(facts))
        except (ValueError, ArithmeticError) as error:
            found.append(
                Finding(entry.id, "info", f"not checked: {error}", [], "check the calendars")
            )
    return found
