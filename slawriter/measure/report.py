"""The compliance figures of one agreement for a month or a quarter.

Rules (docs/measurement.md says the same for users):

- A ticket counts in the month in which it was logged (``created``), in the local time of
  the agreement's default calendar. Its targets run on its priority's calendar, less pauses.
- A response or resolution time is business time from ``created``; a target is met when that
  time is at most the target (a target met exactly at its deadline is met). A ticket with a
  resolution but no response time counts as answered when it was resolved.
- At the as-of time, anything that has not happened yet has not happened: a ticket still
  without a response (or resolution) whose business time so far exceeds the target is a
  breach; one still within its target is *open* and left out of that compliance figure.
  Outages count up to the as-of time: one still going on then (or with no end) has lasted
  until then, and one starting later has not happened. A month not over at the as-of time
  keeps its whole basis, so its uptime is what the month gives if nothing else goes down.
- Compliance is met / (met + breached), as a fraction; None when nothing was decided.
- Median and 90th percentile business times use the nearest-rank method (the smallest time
  with at least 50% / 90% of the times at or below it; numpy's ``inverted_cdf``), over the
  tickets that were responded to / resolved by the as-of time.
- Uptime per service per calendar month on the service's basis (all-time: every minute in the
  default calendar's zone, the zone 24x7 runs in; business-hours: the minutes of its
  calendar). Every calendar comes from :func:`slawriter.clock.calendars.calendars_for`,
  the factory the agreement is drafted with. Outages are merged
  per service, so overlapping reports count once. An unplanned outage shorter than the
  monitoring's ``minimum_outage`` is not downtime. Planned work inside the maintenance window,
  when maintenance does not count toward uptime, is removed from both the basis and the
  downtime, up to the monthly maintenance cap; beyond the cap it counts as downtime. Planned
  work outside the window is emergency maintenance: downtime when
  ``emergency_counts_toward_uptime`` (the default), else removed like the rest.
- Allowed downtime = basis x (100 - target) / 100. Uptime = (basis - downtime) / basis.
- Credits: none in a month the service meets its own uptime target; otherwise the largest
  tier credit whose ``below`` exceeds the month's uptime (in percent), at most the cap, as
  money from the service's monthly fee. A quarter adds its months.
- Credits for missed Response and Resolution targets (``credits.targets``), per month:
  per-breach adds each priority's credit for every breached response and resolution;
  share-of-tickets adds it once when that priority's compliance with the target is below
  ``below`` percent. At most the cap, as money from the fee of the named service (or of all
  services together, when every one has a fee).
- A month the agreement starts in part of the way through is measured from 00:00 on the
  effective date (local time) only, and the fee credits are a share of is the monthly fee
  pro rata to the calendar days covered.
- The combined figure: the union of the listed services' downtime on the combined basis.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, BinaryIO, NamedTuple, overload

import numpy as np
import numpy.typing as npt

from slawriter.clock.calendars import Calendars, basis_name, calendars_for
from slawriter.clock.downtime import allowed_downtime_seconds
from slawriter.clock.engine import Calendar
from slawriter.errors import InputError
from slawriter.files.locale import document_locale
from slawriter.measure.ahead import cores
from slawriter.measure.batch import NOT_A_TIME, BatchClock, Instants
from slawriter.measure.history import History, Updates, merge_pauses
from slawriter.measure.importer import Outage, Outages, Rejected, Tickets
from slawriter.measure.timeline import (
    Segments,
    business,
    final_priority,
    pause_ranges,
    segments,
    target_rows,
    update_gaps,
    verdicts,
)
from slawriter.model.agreement import Agreement
from slawriter.model.common import FIRST_YEAR, LAST_YEAR
from slawriter.model.provider import Provider
from slawriter.text.intervals import merge, subtract
from slawriter.text.times import month_name

_US = 1_000_000
_PERIOD = re.compile(r"^(\d{4})-(?:(\d{2})|[Qq]([1-4]))$")
PERCENTILE_METHOD = "nearest rank (numpy 'inverted_cdf')"


# --- inputs -------------------------------------------------------------------------------------


def parse_period(text: str) -> list[tuple[int, int]]:
    """'2027-01' -> [(2027, 1)]; '2027-Q1' -> [(2027, 1), (2027, 2), (2027, 3)]."""
    match = _PERIOD.match(text.strip())
    if not match or (match.group(2) and not 1 <= int(match.group(2)) <= 12):
        raise InputError(
            f"--period: '{text}' is not a month or a quarter (expected e.g. 2027-01 or 2027-Q1)"
        )
    year = int(match.group(1))
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise InputError(
            f"--period: '{text}' is outside the years slawriter can compute with "
            f"({FIRST_YEAR} to {LAST_YEAR})"
        )
    if match.group(2):
        return [(year, int(match.group(2)))]
    first = (int(match.group(3)) - 1) * 3 + 1
    return [(year, month) for month in range(first, first + 3)]


# --- results ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Breach:
    ticket: str
    line: int
    target: str  # "response" or "resolution"
    business_s: float
    target_s: int
    still_open: bool


@dataclass(frozen=True)
class BreachTable:
    """Every breach of one priority as columns, in line order (a big month has many)."""

    ids: npt.NDArray[np.object_]
    lines: npt.NDArray[np.int64]
    targets: npt.NDArray[np.object_]  # "response" / "resolution"
    business_s: npt.NDArray[np.float64]
    target_s: npt.NDArray[np.int64]
    still_open: npt.NDArray[np.bool_]

    def __len__(self) -> int:
        return len(self.ids)

    def subset(self, keep: npt.NDArray[np.bool_]) -> BreachTable:
        """The rows where ``keep`` is true, in order."""
        return BreachTable(
            self.ids[keep],
            self.lines[keep],
            self.targets[keep],
            self.business_s[keep],
            self.target_s[keep],
            self.still_open[keep],
        )

    def first(self, count: int | None = None) -> list[Breach]:
        stop = len(self) if count is None else min(count, len(self))
        return [
            Breach(str(i), int(n), str(t), float(b), int(s), bool(o))
            for i, n, t, b, s, o in zip(
                self.ids[:stop].tolist(),
                self.lines[:stop].tolist(),
                self.targets[:stop].tolist(),
                self.business_s[:stop].tolist(),
                self.target_s[:stop].tolist(),
                self.still_open[:stop].tolist(),
                strict=True,
            )
        ]

    def as_json(self) -> list[dict[str, Any]]:
        return [
            {"id": i, "line": n, "target": t, "business_s": b, "target_s": s, "open": o}
            for i, n, t, b, s, o in zip(
                self.ids.tolist(),
                self.lines.tolist(),
                self.targets.tolist(),
                self.business_s.tolist(),
                self.target_s.tolist(),
                self.still_open.tolist(),
                strict=True,
            )
        ]


def _no_breaches() -> BreachTable:
    return BreachTable(
        np.zeros(0, dtype=object),
        np.zeros(0, dtype=np.int64),
        np.zeros(0, dtype=object),
        np.zeros(0, dtype=np.float64),
        np.zeros(0, dtype=np.int64),
        np.zeros(0, dtype=bool),
    )


class _Compliance:
    """Response and resolution compliance from the met and breached counts (None: no ticket
    was judged)."""

    response_met: int
    response_breached: int
    resolution_met: int
    resolution_breached: int

    @property
    def response_compliance(self) -> float | None:
        return _ratio(self.response_met, self.response_met + self.response_breached)

    @property
    def resolution_compliance(self) -> float | None:
        return _ratio(self.resolution_met, self.resolution_met + self.resolution_breached)


@dataclass
class PriorityFigures(_Compliance):
    priority: str
    name: str
    response_target_s: int
    resolution_target_s: int
    tickets: int = 0
    response_met: int = 0
    response_breached: int = 0
    response_open: int = 0
    resolution_met: int = 0
    resolution_breached: int = 0
    open: int = 0
    response_median_s: float | None = None
    response_p90_s: float | None = None
    resolution_median_s: float | None = None
    resolution_p90_s: float | None = None
    breaches: BreachTable = field(default_factory=_no_breaches)
    # Updates to the customer (only with --updates): tickets, each counted once.
    update_target_s: int = 0
    update_tickets: int = 0
    update_met: int = 0
    update_breached: int = 0
    update_open: int = 0

    @property
    def update_compliance(self) -> float | None:
        return _ratio(self.update_met, self.update_met + self.update_breached)


@dataclass
class ServiceFigures:
    service: str
    name: str
    target: Decimal
    basis: str
    basis_s: float = 0.0  # after planned time is removed
    planned_excluded_s: float = 0.0
    downtime_s: float = 0.0
    allowed_downtime_s: float = 0.0
    outages: int = 0
    ignored_short: int = 0
    credit_percent: Decimal = Decimal(0)
    credit: Decimal = Decimal(0)
    monthly_fee: Decimal | None = None
    # False when no outage log was given: nothing is known about availability, so the
    # uptime is n/a, the target is neither met nor missed, and no credit is computed.
    measured: bool = True

    @property
    def uptime(self) -> float | None:
        if not self.measured or self.basis_s <= 0:
            return None
        return (self.basis_s - self.downtime_s) / self.basis_s

    @property
    def met(self) -> bool:
        uptime = self.uptime
        return uptime is None or uptime * 100 >= float(self.target)

    @property
    def result(self) -> str:
        """'met', 'missed', or 'n/a' when availability was not measured (no log, no basis)."""
        if self.uptime is None:
            return "n/a"
        return "met" if self.met else "missed"


@dataclass
class TargetCreditFigures:
    """Credits for missed Response and Resolution targets in a month (or the period)."""

    uncapped_percent: Decimal = Decimal(0)
    percent: Decimal = Decimal(0)  # after the cap
    fee: Decimal | None = None  # the fee they are a share of, pro rata in a partial month
    credit: Decimal | None = None  # money; None when the fee is not known


@dataclass
class Figures:
    """One month, or the whole period."""

    label: str
    priorities: dict[str, PriorityFigures]
    services: dict[str, ServiceFigures]
    combined: ServiceFigures | None
    target_credit: TargetCreditFigures | None = None


@dataclass
class ServiceTickets(_Compliance):
    """Response and resolution figures of the tickets naming one service (the period)."""

    service: str  # the agreement's service id, or the export's value when not in it
    name: str
    in_agreement: bool
    tickets: int = 0
    response_met: int = 0
    response_breached: int = 0
    resolution_met: int = 0
    resolution_breached: int = 0
    response_median_s: float | None = None
    resolution_median_s: float | None = None


class ChangedTicket(NamedTuple):
    """A ticket whose priority changed, and the priority each target was measured at (a
    tuple: a big month makes tens of thousands, a frozen dataclass each took 6 µs)."""

    ticket: str
    line: int
    changes: list[tuple[datetime, str, str, str]]  # time, from, to, rule
    measured_at: dict[str, list[str]]  # "response"/"resolution" -> priority ids


@dataclass
class Inputs:
    """What the report was measured from besides the ticket export, as the reader is told."""

    history_source: str | None = None
    status_changes: int = 0
    pause_statuses: tuple[str, ...] = ()
    reasons_given: bool = False
    updates_source: str | None = None
    updates_counted: int = 0
    updates_not_counted: dict[str, int] = field(default_factory=dict)
    authors_column: str | None = None  # None: automatic replies cannot be told apart
    automatic_responses: int = 0
    response_derived: tuple[str, str] | None = None  # (created, minutes) headings
    # counted tickets resolved with no response time (nor agent update): answered when resolved
    answered_when_resolved: int = 0


@dataclass(frozen=True)
class Measured:
    """How each target was decided, kept so --compare judges the same verdicts the report
    counts (priority changes, pauses from the status history, automatic replies and all)."""

    verdicts: dict[str, _Verdicts]  # "response", "resolution", "update"
    pauses: tuple[npt.NDArray[np.int64], Instants, Instants]  # every pause, merged, by ticket
    history_pauses: tuple[npt.NDArray[np.int64], Instants, Instants]  # the history's own
    segments: dict[int, Segments]  # priority changes by ticket (timeline.segments)
    responded: Instants  # the response each target used (updates and resolution filled in)


@dataclass
class Report:
    agreement: str
    customer: str
    provider: str
    reference: str
    currency: str
    locale: str
    period: str
    as_of: datetime
    months: list[Figures]
    period_over: bool  # the as-of time is at or after the end of the period
    total: Figures
    tickets_source: str
    outages_source: str | None
    tickets_read: int
    tickets_outside: int
    rejected: list[Rejected]
    notes: list[str] = field(default_factory=list)  # stated on every document's first page
    tickets_after_as_of: int = 0
    tickets_before_effective: int = 0  # logged in the period before the agreement took effect
    by_service: dict[str, ServiceTickets] = field(default_factory=dict)
    changed: Sequence[ChangedTicket] = ()
    inputs: Inputs = field(default_factory=Inputs)
    # What the report was computed from, kept for the evidence file and --compare.
    ticket_data: Tickets | None = None
    outage_items: list[Outage] = field(default_factory=list)
    measured: Measured | None = None
    # Sections (key, title, blocks) and JSON keys added by --compare and the forecast
    # (measure/compare.py, measure/forecast.py), placed before "Rows not used".
    extra_sections: list[tuple[str, str, list[Any]]] = field(default_factory=list)
    extra_json: dict[str, Any] = field(default_factory=dict)
    # --no-response-column: every Response is the resolution, so response credits are never
    # charged (PROXY_NO_RESPONSE_CREDIT says why in the documents and the evidence).
    response_by_proxy: bool = False
    read_with: str = "the canonical columns"  # the preset or mapping file the export was read with


# The one wording of the credits, in every document, the JSON, the portfolio and the evidence.
SERVICE_CREDITS = "Service credits (uptime)"
TARGET_CREDITS = "Target credits (response and resolution)"
TOTAL_CREDITS = "Total"
PROXY_NO_RESPONSE_CREDIT = (
    "No credit is charged for missed Response targets: the export gave no response time "
    "(--no-response-column), so each Response was measured by proxy as the resolution, which "
    "is no evidence that a Response was late"
)


@dataclass(frozen=True)
class CreditsOwed:
    """The credits owed for the period so far: for missed uptime, for missed Response and
    Resolution targets, and both together."""

    service: Decimal
    target: Decimal
    target_fee_known: bool  # False: a target credit is owed but a fee it is a share of is not

    @property
    def total(self) -> Decimal:
        return self.service + self.target

    def as_json(self) -> dict[str, Any]:
        return {
            "service": float(self.service),
            "target": float(self.target),
            "total": float(self.total),
            "target_fee_known": self.target_fee_known,
        }


def credits_owed(months: Sequence[Figures]) -> CreditsOwed:
    service = target = Decimal(0)
    known = True
    for month in months:
        service += sum((s.credit for s in month.services.values()), Decimal(0))
        owed = month.target_credit
        if owed is None:
            continue
        if owed.credit is not None:
            target += owed.credit
        elif owed.percent > 0:
            known = False
    return CreditsOwed(service, target, known)


def _ratio(part: int, whole: int) -> float | None:
    return None if whole == 0 else part / whole


# --- tickets ------------------------------------------------------------------------------------


def first_responses(tickets: Tickets, updates: Updates | None) -> Instants:
    """Each ticket's first Response the inputs record (NOT_A_TIME where they record none)."""
    responded = tickets.responded
    if updates is not None and len(updates.ticket):
        # No response (or an automatic one): the first public update by an agent is it.
        owners, first = np.unique(updates.ticket, return_index=True)
        earliest = np.full(len(tickets.created), NOT_A_TIME, dtype=np.int64)
        earliest[owners] = updates.time[first]
        responded = np.where(responded == NOT_A_TIME, earliest, responded)
    return responded


def response_times(
    tickets: Tickets, updates: Updates | None, first: Instants | None = None
) -> Instants:
    """Each ticket's Response as the report counts it: the first one recorded (``first``, from
    first_responses), else its resolution (docs: answered when resolved)."""
    first = first_responses(tickets, updates) if first is None else first
    result: Instants = np.where(first == NOT_A_TIME, tickets.resolved, first)
    return result


def _ticket_figures(
    agreement: Agreement,
    calendars: Calendars,
    tickets: Tickets,
    month_of: npt.NDArray[np.int64],
    months: int,
    as_of: int,
    pauses: tuple[npt.NDArray[np.int64], Instants, Instants],
    changed: dict[int, Segments],
    updates: Updates | None,
    responded: Instants,
) -> tuple[list[dict[str, PriorityFigures]], dict[str, PriorityFigures], list[_Verdicts]]:
    per_month: list[dict[str, PriorityFigures]] = [{} for _ in range(months)]
    total: dict[str, PriorityFigures] = {}
    default = agreement.default_calendar
    counted = month_of >= 0
    codes = list(enumerate(tickets.priority_ids))
    spec: dict[int, tuple[Calendar, int, int, int]] = {}
    for code, pid in codes:
        priority = agreement.priorities[pid]
        calendar = calendars[priority.calendar or default]
        spec[code] = (
            calendar,
            calendar.target_seconds(priority.response),
            calendar.target_seconds(priority.resolution),
            calendar.target_seconds(priority.update),
        )
        for table in [*per_month, total]:
            table[pid] = PriorityFigures(pid, priority.name, spec[code][1], spec[code][2])
            table[pid].update_target_s = spec[code][3]
    final = final_priority(tickets.priority, changed)
    found = _both_targets(counted, tickets, responded, changed, as_of, spec, pauses)
    if updates is not None:
        found.append(
            _update_verdicts(tickets, counted, final, spec, pauses, changed, updates, as_of)
        )
    month_ticket = month_of
    for m, table in enumerate(per_month):
        for code, pid in codes:
            table[pid].tickets = int((counted & (month_ticket == m) & (final == code)).sum())
    if months > 1:
        for code, pid in codes:
            total[pid].tickets = int((counted & (final == code)).sum())
    groups: list[tuple[dict[str, PriorityFigures], int | None]] = list(
        zip(per_month, range(months), strict=True)
    )
    if months > 1:
        groups.append((total, None))
    # Each target's rows by priority (and by month and priority): the rows of a group in
    # order, found with one sort of small codes, not a pass over every row a group.
    size = len(codes)
    by_month = [_groups(month_of[item.ticket] * size + item.priority, months * size)
                for item in found] if months > 1 else [[] for _ in found]  # fmt: skip
    by_total = [_groups(item.priority, size) for item in found]
    for table, month in groups:
        for code, pid in codes:
            parts: list[tuple[str, Any, Any, Any, Any, Any]] = []
            for item, monthly, overall in zip(found, by_month, by_total, strict=True):
                rows = (
                    overall[code] if month is None or months == 1 else monthly[month * size + code]
                )
                _fill(table[pid], item, rows)
                where = rows[item.breached[rows]]
                parts.append((item.kind, tickets.ids[item.ticket[where]],
                              tickets.lines[item.ticket[where]], item.used[where],
                              item.limit[where], item.done[where]))  # fmt: skip
            table[pid].breaches = _breach_table(parts)
    return per_month, (per_month[0] if months == 1 else total), found


def _groups(keys: npt.NDArray[np.int64], size: int) -> list[npt.NDArray[np.intp]]:
    """The positions holding each key 0..size-1, in order (keys outside 0..size-1: none)."""
    inside = (keys >= 0) & (keys < size)
    small = np.where(inside, keys, size).astype(np.min_scalar_type(size))
    order = np.argsort(small, kind="stable")  # small integers: a radix sort
    bounds = np.r_[0, np.cumsum(np.bincount(small, minlength=size + 1))].tolist()
    return [order[low:high] for low, high in itertools.pairwise(bounds[: size + 1])]


_RESPONSE, _RESOLUTION, _UPDATE = 0, 1, 2  # a target's place among a priority's seconds


def _business_by_priority(
    spec: dict[int, tuple[Calendar, int, int, int]],
    target: int,
    priority: npt.NDArray[np.int64],
    ticket: npt.NDArray[np.int64],
    start: Instants,
    end: Instants,
    pauses: tuple[npt.NDArray[np.int64], Instants, Instants],
) -> tuple[Instants, Instants]:
    """Each stretch's business time (less its ticket's pauses) on its priority's calendar,
    and its priority's ``target`` (_RESPONSE, _RESOLUTION or _UPDATE), in microseconds."""
    used = np.zeros(len(ticket), dtype=np.int64)
    limit = np.zeros(len(ticket), dtype=np.int64)
    if not len(ticket):
        return used, limit
    ranges = pause_ranges(pauses[0], int(ticket.max()) + 1)  # once, for every priority
    groups = _groups(priority, max(spec) + 1)
    for code, (calendar, *seconds) in spec.items():
        rows = groups[code]
        if not len(rows):
            continue
        begin, finish = start[rows], end[rows]
        clock = BatchClock.covering(calendar, begin, finish)
        used[rows] = business(clock, ticket[rows], begin, finish, pauses, ranges)
        limit[rows] = seconds[target] * _US
    return used, limit


# Tickets from which the Response and Resolution targets are judged side by side, in two
# threads: the business-time engine is numpy's, which lets go of the interpreter's lock.
TARGETS_TOGETHER = 100_000


def _both_targets(
    counted: npt.NDArray[np.bool_],
    tickets: Tickets,
    responded: Instants,
    changed: dict[int, Segments],
    as_of: int,
    spec: dict[int, tuple[Calendar, int, int, int]],
    pauses: tuple[npt.NDArray[np.int64], Instants, Instants],
) -> list[_Verdicts]:
    """The Response and the Resolution verdicts (the same either way they are computed)."""
    args = (counted, tickets, changed, as_of, spec, pauses)
    if len(tickets) < TARGETS_TOGETHER or cores() < 2:
        return [
            _target_verdicts("response", responded, *args),
            _target_verdicts("resolution", tickets.resolved, *args),
        ]
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1, thread_name_prefix="slawriter-resolution") as pool:
        resolution = pool.submit(_target_verdicts, "resolution", tickets.resolved, *args)
        return [_target_verdicts("response", responded, *args), resolution.result()]


def _target_verdicts(
    kind: str,
    event: Instants,
    counted: npt.NDArray[np.bool_],
    tickets: Tickets,
    changed: dict[int, Segments],
    as_of: int,
    spec: dict[int, tuple[Calendar, int, int, int]],
    pauses: tuple[npt.NDArray[np.int64], Instants, Instants],
) -> _Verdicts:
    """Every counted ticket's ``kind`` target ("response"/"resolution"), judged."""
    rows = target_rows(kind, counted, tickets.created, tickets.priority, event, changed, as_of)
    done = (rows.done_at != NOT_A_TIME) & (rows.done_at <= as_of)
    end = np.where(rows.cut != NOT_A_TIME, rows.cut, np.where(done, rows.done_at, as_of))
    end = np.maximum(end, rows.start)
    target = _RESPONSE if kind == "response" else _RESOLUTION
    used, limit = _business_by_priority(spec, target, rows.priority, rows.ticket, rows.start,
                                        end, pauses)  # fmt: skip
    breached = used > limit
    pick = verdicts(rows.group, breached)
    return _Verdicts(
        kind,
        rows.ticket[pick],
        rows.priority[pick],
        used[pick],
        limit[pick],
        breached[pick],
        done[pick] & (rows.cut[pick] == NOT_A_TIME),
        done[pick],
        rows.rule[pick],
        rows.start[pick],
        end[pick],
    )


@dataclass(frozen=True)
class _Verdicts:
    """One target (response, resolution, update) of every counted ticket, as columns: the
    stretch that decided it (``start`` to ``end``, at ``priority``), as --compare re-checks it."""

    kind: str
    ticket: npt.NDArray[np.int64]
    priority: npt.NDArray[np.int64]
    used: Instants
    limit: Instants
    breached: npt.NDArray[np.bool_]
    finished: npt.NDArray[np.bool_]  # done by as-of, measured to the event (in the figures)
    done: npt.NDArray[np.bool_]  # the event happened by as-of
    rule: npt.NDArray[np.object_]
    start: Instants
    end: Instants


def _update_verdicts(
    tickets: Tickets,
    counted: npt.NDArray[np.bool_],
    final: npt.NDArray[np.int64],
    spec: dict[int, tuple[Calendar, int, int, int]],
    pauses: tuple[npt.NDArray[np.int64], Instants, Instants],
    changed: dict[int, Segments],
    updates: Updates,
    as_of: int,
) -> _Verdicts:
    """Per ticket: breached when any stretch without an update ran past its interval."""
    gaps = update_gaps(counted, tickets.created, tickets.resolved, tickets.priority,
                       updates.ticket, updates.time, changed, as_of)  # fmt: skip
    used, limit = _business_by_priority(spec, _UPDATE, gaps.priority, gaps.ticket, gaps.start,
                                        gaps.end, pauses)  # fmt: skip
    over = used > limit
    size = len(tickets.ids)
    # The longest stretch that ran over (else the longest) speaks for the ticket.
    score = np.where(over, used + (1 << 62) // 2, used)
    order = np.lexsort((score, gaps.ticket))
    last = np.ones(len(order), dtype=bool)
    last[:-1] = gaps.ticket[order][1:] != gaps.ticket[order][:-1]
    worst = order[last]
    ticket = gaps.ticket[worst]
    done = (tickets.resolved[ticket] != NOT_A_TIME) & (tickets.resolved[ticket] <= as_of)
    del size
    return _Verdicts(
        "update",
        ticket,
        final[ticket],
        used[worst],
        limit[worst],
        over[worst],
        done & ~over[worst],
        done,
        np.full(len(ticket), "", dtype=object),
        gaps.start[worst],
        gaps.end[worst],
    )


def _fill(figures: PriorityFigures, item: _Verdicts, rows: npt.NDArray[np.intp]) -> None:
    breached = item.breached[rows]
    done = item.done[rows]
    met = int((done & ~breached).sum())
    pending = int((~done & ~breached).sum())
    count = int(breached.sum())
    finished = item.used[rows[item.finished[rows]]] / _US
    median = p90 = None
    if finished.size:
        low, high = np.percentile(finished, [50, 90], method="inverted_cdf")
        median, p90 = float(low), float(high)
    if item.kind == "response":
        figures.response_met, figures.response_open, figures.response_breached = met, pending, count
        figures.response_median_s, figures.response_p90_s = median, p90
    elif item.kind == "resolution":
        figures.resolution_met, figures.open, figures.resolution_breached = met, pending, count
        figures.resolution_median_s, figures.resolution_p90_s = median, p90
    else:
        figures.update_tickets = len(rows)
        figures.update_met, figures.update_open, figures.update_breached = met, pending, count


_TARGETS = ("response", "resolution", "update")  # a line's breaches are listed in this order


def _breach_table(parts: list[tuple[str, Any, Any, Any, Any, Any]]) -> BreachTable:
    if not parts:
        return _no_breaches()
    lines_all = np.concatenate([p[2] for p in parts])
    rank = np.repeat([_TARGETS.index(p[0]) for p in parts], [len(p[1]) for p in parts])
    # By line, then target: one key (each run of rows is in line order already).
    order = np.argsort(lines_all * len(_TARGETS) + rank, kind="stable")
    return BreachTable(
        np.concatenate([p[1] for p in parts])[order],
        lines_all[order],
        np.asarray(_TARGETS, dtype=object)[rank[order]],
        (np.concatenate([p[3] for p in parts]) / _US)[order],
        (np.concatenate([p[4] for p in parts]) // _US).astype(np.int64)[order],
        ~np.concatenate([p[5] for p in parts]).astype(bool)[order],
    )


# --- uptime -------------------------------------------------------------------------------------


def _business(calendar: Calendar, spans: Sequence[tuple[int, int]]) -> float:
    total = timedelta(0)
    for begin, finish in spans:
        total += calendar.elapsed(_utc(begin), _utc(finish))
    return total.total_seconds()


def _utc(instant: int) -> datetime:
    return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(microseconds=instant)


def _us(moment: datetime) -> int:
    return (moment - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(microseconds=1)


@dataclass(frozen=True)
class _Counted:
    down: list[tuple[int, int]]
    excluded: list[tuple[int, int]]
    outages: int
    ignored_short: int


def _count_outages(
    agreement: Agreement,
    calendar: Calendar,
    window: Calendar,
    outages: Sequence[Outage],
    begin: int,
    end: int,
    as_of: int,
) -> _Counted:
    """Downtime spans and excluded (planned) spans of one service in [begin, end).

    Planned work inside the maintenance window is scheduled maintenance; outside it, emergency
    maintenance. Each is excluded or counted as the agreement's maintenance terms say.
    """
    minimum = agreement.monitoring.minimum_outage.seconds * _US
    maintenance = agreement.maintenance
    cap = calendar.target_seconds(maintenance.monthly_cap)
    unplanned: list[tuple[int, int]] = []
    planned: list[tuple[int, int]] = []
    excluded: list[tuple[int, int]] = []
    ignored = 0
    count = 0
    for outage in outages:
        # Anything after the as-of time has not happened yet (docs/measurement.md).
        stop = as_of if outage.end is None else min(outage.end, as_of)
        first, last = max(outage.start, begin), min(stop, end)
        if last <= first:
            continue
        count += 1
        if outage.planned:
            inside = [(_us(a), _us(b)) for a, b in window.open_intervals(_utc(first), _utc(last))]
            outside = subtract([(first, last)], inside)
            (unplanned if maintenance.counts_toward_uptime else planned).extend(inside)
            (unplanned if maintenance.emergency_counts_toward_uptime else excluded).extend(outside)
        elif stop - outage.start < minimum:
            ignored += 1
        else:
            unplanned.append((first, last))
    budget = float(cap)
    for first, last in merge(planned):
        if budget <= 0:
            unplanned.append((first, last))
            continue
        used = _business(calendar, [(first, last)])
        if used <= budget:
            excluded.append((first, last))
            budget -= used
        else:  # the cap runs out inside this outage: the rest is downtime
            middle = _us(calendar.deadline(_utc(first), timedelta(seconds=budget)))
            excluded.append((first, middle))
            unplanned.append((middle, last))
            budget = 0
    excluded = merge(excluded)
    down = subtract(merge(unplanned), excluded)
    return _Counted(down, excluded, count, ignored)


def _credit(agreement: Agreement, figures: ServiceFigures, share: Decimal) -> None:
    credits, uptime = agreement.credits, figures.uptime
    if credits is None or credits.cap is None or uptime is None:
        return
    if figures.met:
        # The agreement's credit clause: no credit in a month the service meets its own
        # target, even when its uptime is below a tier set for services with higher targets.
        figures.credit_percent = Decimal(0)
        if figures.monthly_fee is not None:
            figures.credit = Decimal("0.00")
        return
    percent = uptime * 100
    owed = max(
        (tier.credit for tier in credits.tiers if Decimal(repr(percent)) < tier.below),
        default=Decimal(0),
    )
    figures.credit_percent = min(owed, credits.cap)
    if figures.monthly_fee is not None:
        figures.credit = _cents(figures.monthly_fee * share * figures.credit_percent / 100)


def _cents(amount: Decimal) -> Decimal:
    return amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _target_credit(
    agreement: Agreement,
    priorities: dict[str, PriorityFigures],
    share: Decimal,
    response_by_proxy: bool = False,
) -> TargetCreditFigures | None:
    """The month's credit for missed Response and Resolution targets; with
    ``response_by_proxy`` (the response is the resolution) none for Response targets."""
    spec = agreement.credits.targets if agreement.credits else None
    if spec is None:
        return None
    owed = Decimal(0)
    for pid, credit in spec.priorities.items():
        item = priorities.get(pid)
        if item is None:
            continue
        for rate, breached, compliance in (
            (None if response_by_proxy else credit.response, item.response_breached,
             item.response_compliance),
            (credit.resolution, item.resolution_breached, item.resolution_compliance),
        ):  # fmt: skip
            if rate is None:
                continue
            if spec.basis == "per-breach":
                owed += rate * breached
            elif (
                compliance is not None
                and spec.below is not None
                # Compliance is a float ratio; compare in percent as Decimal, like the tiers.
                and Decimal(repr(compliance * 100)) < spec.below
            ):
                owed += rate
    figures = TargetCreditFigures(uncapped_percent=owed, percent=min(owed, spec.cap))
    services = agreement.services
    if spec.service is not None:
        services = [s for s in services if s.id == spec.service]
    fees = [s.monthly_fee for s in services]
    if fees and all(fee is not None for fee in fees):
        figures.fee = _cents(sum((f for f in fees if f is not None), Decimal(0)) * share)
        figures.credit = _cents(figures.fee * figures.percent / 100)
    return figures


def _covered(agreement: Agreement, calendars: Calendars, begin: int, end: int) -> int:
    """The first instant of [begin, end) the agreement is in force: from its effective date."""
    start = agreement.agreement.effective_date
    midnight = datetime(start.year, start.month, start.day, tzinfo=calendars.local.timezone)
    return min(max(begin, _us(midnight)), end)


def _share(agreement: Agreement, year: int, month: int) -> Decimal:
    """The share of a month's fee due for it: calendar days in force / days in the month."""
    start = agreement.agreement.effective_date
    days = (date(*_next((year, month)), 1) - date(year, month, 1)).days
    if (start.year, start.month) < (year, month):
        return Decimal(1)
    if (start.year, start.month) > (year, month):
        return Decimal(0)
    return Decimal(days - start.day + 1) / Decimal(days)


def _service_month(
    agreement: Agreement,
    calendars: Calendars,
    outages: Sequence[Outage],
    begin: int,
    end: int,
    as_of: int,
    share: Decimal,
    measured: bool = True,
) -> tuple[dict[str, ServiceFigures], ServiceFigures | None]:
    result: dict[str, ServiceFigures] = {}
    begin = _covered(agreement, calendars, begin, end)
    window = calendars.maintenance_window()
    down_by_service: dict[str, list[tuple[int, int]]] = {}
    excluded_by_service: dict[str, list[tuple[int, int]]] = {}
    for service in agreement.services:
        if service.uptime is None:
            continue
        uptime = service.uptime
        calendar = calendars[basis_name(uptime.basis, uptime.calendar, calendars.default)]
        mine = [o for o in outages if o.service == service.id]
        counted = _count_outages(agreement, calendar, window, mine, begin, end, as_of)
        down_by_service[service.id] = counted.down
        excluded_by_service[service.id] = counted.excluded
        figures = ServiceFigures(
            service.id, service.name, uptime.target, uptime.basis, monthly_fee=service.monthly_fee
        )
        _measure(figures, calendar, begin, end, counted.down, counted.excluded)
        figures.outages, figures.ignored_short = counted.outages, counted.ignored_short
        figures.measured = measured
        if measured:
            _credit(agreement, figures, share)
        result[service.id] = figures
    combined: ServiceFigures | None = None
    spec = agreement.combined_uptime
    if spec is not None:
        members = spec.services or list(down_by_service)
        calendar = calendars[basis_name(spec.basis, spec.calendar, calendars.default)]
        combined = ServiceFigures("combined", "Combined", spec.target, spec.basis)
        down = merge([s for m in members for s in down_by_service.get(m, [])])
        excluded = merge([s for m in members for s in excluded_by_service.get(m, [])])
        _measure(combined, calendar, begin, end, down, excluded)
        combined.measured = measured
        combined.outages = sum(result[m].outages for m in members if m in result)
    return result, combined


def _measure(
    figures: ServiceFigures,
    calendar: Calendar,
    begin: int,
    end: int,
    down: list[tuple[int, int]],
    excluded: list[tuple[int, int]],
) -> None:
    whole = _business(calendar, [(begin, end)])
    figures.planned_excluded_s = _business(calendar, excluded)
    figures.basis_s = whole - figures.planned_excluded_s
    figures.downtime_s = _business(calendar, down)
    figures.allowed_downtime_s = allowed_downtime_seconds(figures.target, figures.basis_s)


# --- the report ---------------------------------------------------------------------------------


def build_report(
    *,
    agreement: Agreement,
    provider: Provider,
    agreement_name: str,
    tickets: Tickets,
    outages: Outages | None,
    period: str,
    as_of: datetime,
    history: History | None = None,
    updates: Updates | None = None,
    response_by_proxy: bool = False,
) -> Report:
    """Every figure of the report. ``as_of`` naive means local to the default calendar (a
    time in the spring-forward gap moves forward by the gap). ``history`` adds pauses and
    priority changes, ``updates`` the update intervals."""
    months = parse_period(period)
    calendars = calendars_for(agreement, provider)
    local = calendars.local
    # Shown in the agreement's zone everywhere (documents, JSON, the terminal): '12:00 GMT',
    # never 'UTC' in one and 'GMT' in another for the same instant.
    as_of = local.localize(as_of) if as_of.tzinfo is None else as_of.astimezone(local.timezone)
    as_of_us = round((as_of - datetime(1970, 1, 1, tzinfo=UTC)).total_seconds() * _US)
    bounds = []
    for year, month in [*months, _next(months[-1])]:
        midnight = datetime(year, month, 1, tzinfo=local.timezone)
        bounds.append(round((midnight - datetime(1970, 1, 1, tzinfo=UTC)).total_seconds() * _US))
    edges = np.asarray(bounds, dtype=np.int64)
    month_of = np.searchsorted(edges, tickets.created, side="right") - 1
    month_of = np.where((month_of >= 0) & (month_of < len(months)), month_of, -1)
    outside = int((month_of < 0).sum())
    # A ticket logged after the as-of time has not happened yet: it is not counted at all.
    later = (month_of >= 0) & (tickets.created > as_of_us)
    month_of = np.where(later, -1, month_of)
    # Nor is one logged before the agreement took effect: no target applied to it then.
    in_force = _covered(agreement, calendars, bounds[0], bounds[-1])
    early = (month_of >= 0) & (tickets.created < in_force)
    month_of = np.where(early, -1, month_of)
    pauses = (tickets.pause_owner, tickets.pause_start, tickets.pause_end)
    changed: dict[int, Segments] = {}
    if history is not None:
        pauses = merge_pauses(
            np.concatenate([tickets.pause_owner, history.pause_owner]),
            np.concatenate([tickets.pause_start, history.pause_start]),
            np.concatenate([tickets.pause_end, history.pause_end]),
        )
        changed = segments(tickets.created, tickets.priority, history.changes, as_of_us)
    else:
        pauses = merge_pauses(*pauses)
    first = first_responses(tickets, updates)
    responded = response_times(tickets, updates, first)
    per_month, total_priorities, found = _ticket_figures(
        agreement, calendars, tickets, month_of, len(months), as_of_us, pauses, changed, updates,
        responded,
    )  # fmt: skip
    items = outages.items if outages else []
    figures: list[Figures] = []
    for index, (year, month) in enumerate(months):
        share = _share(agreement, year, month)
        services, combined = _service_month(
            agreement, calendars, items, bounds[index], bounds[index + 1], as_of_us, share,
            measured=outages is not None,
        )  # fmt: skip
        target_credit = _target_credit(agreement, per_month[index], share, response_by_proxy)
        figures.append(
            Figures(f"{year}-{month:02d}", per_month[index], services, combined, target_credit)
        )
    if len(figures) == 1:
        total = Figures(
            period,
            total_priorities,
            figures[0].services,
            figures[0].combined,
            figures[0].target_credit,
        )
    else:
        total = Figures(
            period,
            total_priorities,
            _sum_services([f.services for f in figures]),
            _sum_combined([f.combined for f in figures]),
            _sum_target_credits([f.target_credit for f in figures]),
        )
    rejected = list(tickets.rejected) + (list(outages.rejected) if outages else [])
    rejected += (history.rejected if history else []) + (updates.rejected if updates else [])
    report = Report(
        agreement=agreement_name,
        customer=agreement.customer.name,
        provider=provider.name,
        reference=agreement.agreement.reference,
        # Customer-facing: the agreement's locale, as its agreement document is written.
        currency=document_locale(agreement, provider).currency,
        locale=document_locale(agreement, provider).language,
        period=period,
        as_of=as_of,
        months=figures,
        period_over=as_of_us >= bounds[-1],
        total=total,
        tickets_source=tickets.source,
        outages_source=outages.source if outages else None,
        tickets_read=len(tickets),
        tickets_outside=outside,
        rejected=rejected,
        tickets_after_as_of=int(later.sum()),
        tickets_before_effective=int(early.sum()),
        ticket_data=tickets,
        outage_items=list(items),
        response_by_proxy=response_by_proxy,
    )
    no_pauses = (np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.int64))
    report.measured = Measured(
        verdicts={item.kind: item for item in found},
        pauses=pauses,
        history_pauses=(
            (history.pause_owner, history.pause_start, history.pause_end) if history else no_pauses
        ),
        segments=changed,
        responded=responded,
    )
    report.by_service = _by_service(agreement, tickets, found)
    report.changed = _changed(tickets, changed, found, month_of, local.timezone, history)
    report.inputs = Inputs(
        history_source=history.source if history else None,
        status_changes=history.status_changes if history else 0,
        pause_statuses=history.pause_statuses if history else (),
        reasons_given=history.reasons_given if history else False,
        updates_source=updates.source if updates else None,
        updates_counted=len(updates.ticket) if updates else 0,
        updates_not_counted=dict(updates.not_counted) if updates else {},
        authors_column=tickets.authors_column,
        response_derived=tickets.response_derived,
        answered_when_resolved=int(
            ((month_of >= 0) & (first == NOT_A_TIME) & (tickets.resolved != NOT_A_TIME)).sum()
        ),
        automatic_responses=int(tickets.automatic[month_of >= 0].sum())
        if len(tickets.automatic) == len(tickets)
        else 0,
    )
    return report


NO_SERVICE = "(none)"


def _by_service(
    agreement: Agreement, tickets: Tickets, found: list[_Verdicts]
) -> dict[str, ServiceTickets]:
    """Per service named in the export: its tickets' response and resolution figures.

    Values match a service's id or name in any case; others are kept under their own name
    and marked as not in the agreement. Values naming the same service count together."""
    if not len(tickets.service) or not (tickets.service != "").any():
        return {}
    known = {s.id.lower(): s for s in agreement.services}
    known.update({s.name.lower(): s for s in agreement.services})
    # Hashed, not sorted: sorting a million strings is the slow part of np.unique.
    import pandas as pd  # type: ignore[import-untyped,unused-ignore]

    found_codes, uniques = pd.factorize(tickets.service)
    distinct = np.asarray(uniques, dtype=str)
    result: dict[str, ServiceTickets] = {}
    number: dict[str, int] = {}
    key_of_value = np.zeros(len(distinct), dtype=np.int64)
    for code in np.argsort(distinct, kind="stable").tolist():
        value = str(distinct[code])
        service = known.get(value.strip().lower())
        key = service.id if service else (value.strip() or NO_SERVICE)
        if key not in result:
            number[key] = len(number)
            result[key] = ServiceTickets(key, service.name if service else key, service is not None)
        key_of_value[code] = number[key]
    entries = list(result.values())
    # Each ticket's entry, in the smallest type: a stable sort of it is then a radix sort.
    ticket_entry = key_of_value.astype(np.min_scalar_type(len(entries)))[found_codes]
    size = len(entries)
    for item in found:
        if item.kind == "update":
            continue
        entry_of = ticket_entry[item.ticket]
        met = np.bincount(entry_of[item.done & ~item.breached], minlength=size).tolist()
        breached = np.bincount(entry_of[item.breached], minlength=size).tolist()
        medians = _medians(entry_of[item.finished], item.used[item.finished] / _US, size)
        if item.kind == "resolution":
            present = np.zeros(len(ticket_entry), dtype=bool)
            present[item.ticket] = True
            counts = np.bincount(ticket_entry[present], minlength=size).tolist()
        for index, entry in enumerate(entries):
            if item.kind == "response":
                entry.response_met += met[index]
                entry.response_breached += breached[index]
                entry.response_median_s = medians[index]
            else:
                entry.resolution_met += met[index]
                entry.resolution_breached += breached[index]
                entry.resolution_median_s = medians[index]
                entry.tickets += counts[index]
    ordered = sorted(entries, key=lambda e: (not e.in_agreement, e.service.lower()))
    return {e.service: e for e in ordered if e.tickets}


def _medians(
    group: npt.NDArray[np.integer[Any]], values: npt.NDArray[np.float64], size: int
) -> list[float | None]:
    """Each group's (0..size-1) median of ``values``, nearest rank; None for an empty group."""
    return [
        float(np.percentile(values[rows], 50, method="inverted_cdf")) if len(rows) else None
        for rows in _groups(group.astype(np.int64), size)
    ]


def _changed(
    tickets: Tickets,
    changed: dict[int, Segments],
    found: list[_Verdicts],
    month_of: npt.NDArray[np.int64],
    zone: Any,
    history: History | None,
) -> ChangedTickets:
    """Each counted ticket whose priority changed, with the priorities its targets used.

    Kept as columns, in file order (a big month has tens of thousands of them): the
    documents make the first few ChangedTickets, the JSON is written from the columns."""
    keys = np.fromiter(changed, dtype=np.int64, count=len(changed))
    wanted = keys[month_of[keys] >= 0]
    wanted = wanted[np.argsort(tickets.lines[wanted], kind="stable")]  # in file order
    names = np.asarray(tickets.priority_ids, dtype=object)
    is_wanted = np.zeros(len(tickets), dtype=bool)
    is_wanted[wanted] = True
    measured: dict[str, _Runs] = {}
    for item in found:
        if item.kind in ("response", "resolution"):
            mine = np.flatnonzero(is_wanted[item.ticket])
            mine = mine[np.argsort(item.ticket[mine], kind="stable")]  # rows in order per ticket
            measured[item.kind] = _Runs.of(item.ticket[mine], wanted, names[item.priority[mine]])
    empty = np.zeros(0, dtype=np.int64)
    if history is not None:  # in ticket order already (history._changes sorts them)
        rows = history.changes
        steps = _Runs.of(rows.ticket, wanted, rows.time, names[rows.before], names[rows.after],
                         rows.rule)  # fmt: skip
    else:
        steps = _Runs.of(empty, wanted, empty, empty, empty, empty)
    none = _Runs.of(empty, wanted, np.zeros(0, dtype=object))
    return ChangedTickets(
        tickets.ids[wanted], tickets.lines[wanted], steps, measured.get("response", none),
        measured.get("resolution", none), zone,
    )  # fmt: skip


@dataclass(frozen=True)
class _Runs:
    """Each wanted key's run of rows, as columns: key ``i``'s rows are
    ``columns[c][bounds[i]:bounds[i + 1]]``."""

    bounds: list[int]
    columns: tuple[npt.NDArray[Any], ...]

    @classmethod
    def of(cls, keys: npt.NDArray[np.int64], wanted: npt.NDArray[np.int64],
           *values: npt.NDArray[Any]) -> _Runs:  # fmt: skip
        """``keys`` sorted; each of ``values`` a column beside them."""
        low = np.searchsorted(keys, wanted, side="left")
        counts = np.searchsorted(keys, wanted, side="right") - low
        ends = np.cumsum(counts)
        rows = np.repeat(low - (ends - counts), counts) + np.arange(int(counts.sum()))
        return cls(np.r_[0, ends].tolist(), tuple(column[rows] for column in values))


class ChangedTickets(Sequence[ChangedTicket]):
    """The report's tickets whose priority changed, in file order: a sequence of
    ChangedTicket, each made when it is asked for."""

    def __init__(self, ids: npt.NDArray[Any], lines: npt.NDArray[np.int64], steps: _Runs,
                 response: _Runs, resolution: _Runs, zone: Any) -> None:  # fmt: skip
        self.ids, self.lines = ids, lines
        self.steps, self.response, self.resolution = steps, response, resolution
        self.zone = zone

    def __len__(self) -> int:
        return len(self.ids)

    @overload
    def __getitem__(self, index: int) -> ChangedTicket: ...

    @overload
    def __getitem__(self, index: slice) -> list[ChangedTicket]: ...

    def __getitem__(self, index: int | slice) -> ChangedTicket | list[ChangedTicket]:
        if isinstance(index, slice):
            return [self._item(i) for i in range(*index.indices(len(self)))]
        if not -len(self) <= index < len(self):
            raise IndexError(index)
        return self._item(index % len(self))

    def _item(self, i: int) -> ChangedTicket:
        begin, end = self.steps.bounds[i], self.steps.bounds[i + 1]
        times, before, after, rule = (column[begin:end].tolist() for column in self.steps.columns)
        return ChangedTicket(
            str(self.ids[i]),
            int(self.lines[i]),
            [
                (_utc(when).astimezone(self.zone), a, b, r)
                for when, a, b, r in zip(times, before, after, rule, strict=True)
            ],
            {"response": self._at(self.response, i), "resolution": self._at(self.resolution, i)},
        )

    @staticmethod
    def _at(runs: _Runs, i: int) -> list[str]:
        values: list[str] = runs.columns[0][runs.bounds[i] : runs.bounds[i + 1]].tolist()
        return values


def _next(month: tuple[int, int]) -> tuple[int, int]:
    year, number = month
    return (year + 1, 1) if number == 12 else (year, number + 1)


def _add(total: ServiceFigures, month: ServiceFigures) -> None:
    total.basis_s += month.basis_s
    total.planned_excluded_s += month.planned_excluded_s
    total.downtime_s += month.downtime_s
    total.allowed_downtime_s += month.allowed_downtime_s
    total.outages += month.outages
    total.ignored_short += month.ignored_short
    total.credit += month.credit
    total.credit_percent = max(total.credit_percent, month.credit_percent)
    total.measured = total.measured and month.measured


def _sum_services(months: list[dict[str, ServiceFigures]]) -> dict[str, ServiceFigures]:
    total: dict[str, ServiceFigures] = {}
    for month in months:
        for key, item in month.items():
            if key not in total:
                total[key] = ServiceFigures(
                    item.service, item.name, item.target, item.basis, monthly_fee=item.monthly_fee
                )
            _add(total[key], item)
    return total


def _sum_target_credits(
    months: list[TargetCreditFigures | None],
) -> TargetCreditFigures | None:
    present = [m for m in months if m is not None]
    if not present:
        return None
    known = all(m.credit is not None for m in present)
    return TargetCreditFigures(
        uncapped_percent=max(m.uncapped_percent for m in present),
        percent=max(m.percent for m in present),
        fee=sum((m.fee or Decimal(0) for m in present), Decimal(0)) if known else None,
        credit=sum((m.credit or Decimal(0) for m in present), Decimal(0)) if known else None,
    )


def _sum_combined(months: list[ServiceFigures | None]) -> ServiceFigures | None:
    present = [m for m in months if m is not None]
    if not present:
        return None
    total = ServiceFigures("combined", "Combined", present[0].target, present[0].basis)
    for month in present:
        _add(total, month)
    return total


# --- JSON ---------------------------------------------------------------------------------------


def _priority_json(
    item: PriorityFigures, breaches: Callable[[BreachTable], Any] = BreachTable.as_json
) -> dict[str, Any]:
    return {
        "name": item.name,
        "tickets": item.tickets,
        "response_met": item.response_met,
        "response_breached": item.response_breached,
        "response_open": item.response_open,
        "resolution_met": item.resolution_met,
        "resolution_breached": item.resolution_breached,
        "open": item.open,
        "response_compliance": item.response_compliance,
        "resolution_compliance": item.resolution_compliance,
        "response_target_s": item.response_target_s,
        "resolution_target_s": item.resolution_target_s,
        "response_median_s": item.response_median_s,
        "response_p90_s": item.response_p90_s,
        "resolution_median_s": item.resolution_median_s,
        "resolution_p90_s": item.resolution_p90_s,
        "breaches": breaches(item.breaches),
        "update_target_s": item.update_target_s,
        "update_tickets": item.update_tickets,
        "update_met": item.update_met,
        "update_breached": item.update_breached,
        "update_open": item.update_open,
        "update_compliance": item.update_compliance,
    }


def _service_json(item: ServiceFigures) -> dict[str, Any]:
    return {
        "name": item.name,
        "target": float(item.target / 100),
        "basis": item.basis,
        "uptime": item.uptime,
        "met": None if item.uptime is None else item.met,
        "measured": item.measured,
        "basis_s": item.basis_s,
        "planned_excluded_s": item.planned_excluded_s,
        "downtime_s": item.downtime_s,
        "allowed_downtime_s": item.allowed_downtime_s,
        "outages": item.outages,
        "ignored_short_outages": item.ignored_short,
        "credit_percent": float(item.credit_percent / 100),
        "credit": float(item.credit) if item.measured else None,
    }


def _figures_json(
    figures: Figures, breaches: Callable[[BreachTable], Any] = BreachTable.as_json
) -> dict[str, Any]:
    body = {
        "priorities": {k: _priority_json(v, breaches) for k, v in figures.priorities.items()},
        "services": {k: _service_json(v) for k, v in figures.services.items()},
        "combined": _service_json(figures.combined) if figures.combined else None,
    }
    target = figures.target_credit
    if target is not None:
        body["target_credit"] = {
            "percent": float(target.percent / 100),
            "uncapped_percent": float(target.uncapped_percent / 100),
            "fee": None if target.fee is None else float(target.fee),
            "credit": None if target.credit is None else float(target.credit),
        }
    return body


def report_json(
    report: Report,
    breaches: Callable[[BreachTable], Any] = BreachTable.as_json,
    changes: Callable[[Sequence[ChangedTicket]], Any] | None = None,
) -> dict[str, Any]:
    """The report as JSON-ready data: ratios as fractions 0..1, durations in seconds.

    ``breaches`` turns each priority's breach table into its JSON-ready value, ``changes``
    the tickets whose priority changed (by default, a list of dicts)."""
    body: dict[str, Any] = {
        "agreement": report.agreement,
        "customer": report.customer,
        "reference": report.reference,
        "period": report.period,
        "months": [m.label for m in report.months],
        "as_of": report.as_of.isoformat(),
        "period_over": report.period_over,
        "currency": report.currency,
        "percentile_method": PERCENTILE_METHOD,
        "tickets_file": report.tickets_source,
        "outages_file": report.outages_source,
        "tickets_read": report.tickets_read,
        "tickets_outside_period": report.tickets_outside,
        "read_with": report.read_with,
        "response_by_proxy": report.response_by_proxy,
    }
    body.update(_figures_json(report.total, breaches))
    if len(report.months) > 1:
        body["by_month"] = {m.label: _figures_json(m, breaches) for m in report.months}
    body["credits_owed"] = credits_owed(report.months).as_json()
    body["tickets_after_as_of"] = report.tickets_after_as_of
    inputs = report.inputs
    body["status_history"] = (
        None
        if inputs.history_source is None
        else {
            "file": inputs.history_source,
            "status_changes": inputs.status_changes,
            "pause_statuses": list(inputs.pause_statuses),
            "reasons_given": inputs.reasons_given,
        }
    )
    body["updates"] = (
        None
        if inputs.updates_source is None
        else {
            "file": inputs.updates_source,
            "counted": inputs.updates_counted,
            "not_counted": inputs.updates_not_counted,
        }
    )
    body["response_authors"] = {
        "column": inputs.authors_column,
        "automatic_not_counted": inputs.automatic_responses,
    }
    body["tickets_by_service"] = {
        key: {
            "name": e.name,
            "in_agreement": e.in_agreement,
            "tickets": e.tickets,
            "response_met": e.response_met,
            "response_breached": e.response_breached,
            "response_compliance": e.response_compliance,
            "response_median_s": e.response_median_s,
            "resolution_met": e.resolution_met,
            "resolution_breached": e.resolution_breached,
            "resolution_compliance": e.resolution_compliance,
            "resolution_median_s": e.resolution_median_s,
        }
        for key, e in report.by_service.items()
    }
    body["priority_changes"] = (changes or _changes_json)(report.changed)
    body.update(report.extra_json)
    body["notes"] = report.notes
    body["rejected_rows"] = [
        {"file": r.file, "line": r.line, "reason": r.reason} for r in report.rejected
    ]
    return body


def _changes_json(changed: Sequence[ChangedTicket]) -> list[dict[str, Any]]:
    return [
        {
            "id": c.ticket,
            "line": c.line,
            "changes": [
                {"time": t.isoformat(), "from": a, "to": b, "rule": r} for t, a, b, r in c.changes
            ],
            "measured_at": c.measured_at,
        }
        for c in changed
    ]


def month_label(label: str) -> str:
    """'2027-01' -> 'January 2027'; '2027-Q1' -> 'Q1 2027'."""
    if "Q" in label.upper():
        year, quarter = label.upper().split("-")
        return f"{quarter} {year}"
    year, month = label.split("-")
    return month_name(int(year), int(month))


def report_json_text(report: Report) -> str:
    """``json.dumps(report_json(report), ensure_ascii=False)``, with the breach lists (most of
    a big month's JSON: 500,000 rows) written from their columns rather than as dicts for the
    encoder: the same text in about a third of the time."""
    return "".join(_json_parts(report))


def write_report_json(report: Report, sink: BinaryIO) -> None:
    """``report_json_text(report)`` written to ``sink`` in UTF-8 a part at a time (a breach
    list at most): the whole text (60 MB for a million tickets) is never held."""
    for part in _json_parts(report):
        sink.write(part.encode("utf-8"))
    sink.flush()


def _json_parts(report: Report) -> Iterator[str]:
    import json
    import uuid

    lists: list[BreachTable | ChangedTickets] = []
    mark = f"\x00breaches-{uuid.uuid4().hex}-"  # no export value holds this

    def placeholder(table: BreachTable) -> Any:
        if len(table) and not _plain(table):
            return table.as_json()
        lists.append(table)
        return f"{mark}{len(lists) - 1}"

    def changes(changed: Sequence[ChangedTicket]) -> Any:
        if not isinstance(changed, ChangedTickets) or not _plain_changes(changed):
            return _changes_json(changed)
        lists.append(changed)
        return f"{mark}{len(lists) - 1}"

    text = json.dumps(report_json(report, placeholder, changes), ensure_ascii=False)
    # The placeholders appear in the order they were made (the dicts keep their order).
    done = 0
    for number, table in enumerate(lists):
        quoted = json.dumps(f"{mark}{number}", ensure_ascii=False)
        at = text.find(quoted, done)
        assert at >= 0, "each list's placeholder is in the text, in order"
        yield text[done:at]
        if isinstance(table, BreachTable):
            yield from _breaches_parts(table)
        else:
            yield from _changes_parts(table)
        done = at + len(quoted)
    yield text[done:]


def _plain(table: BreachTable) -> bool:
    """Every id and target a str (as read from an export): written as the encoder would."""
    return _all_text(table.ids, table.targets)


_BREACH_ROW = '{"id": %s, "line": %s, "target": %s, "business_s": %s, "target_s": %s, "open": %s}'


def _breaches_parts(table: BreachTable, rows: int = 50_000) -> Iterator[str]:
    """The JSON of ``table.as_json()`` as json.dumps writes it (", " and ": ", floats by
    repr, NaN and Infinity as Python's encoder writes them), each column formatted by a C
    function mapped over it rather than one Python call a value; ``rows`` rows at a time."""
    from json.encoder import encode_basestring

    def number(value: float) -> str:
        if value != value:
            return "NaN"
        if value in (float("inf"), float("-inf")):
            return "Infinity" if value > 0 else "-Infinity"
        return float.__repr__(value)

    yield "["
    for start in range(0, len(table), rows):
        part = slice(start, start + rows)
        seconds = table.business_s[part]
        finite = bool(np.isfinite(seconds).all())
        write = float.__repr__ if finite else number
        if seconds.dtype == np.float64:
            # Each distinct figure written once (a month repeats them many times), told
            # apart by their bits, so that 0.0 and -0.0 stay what they are.
            bits, each = np.unique(seconds.view(np.int64), return_inverse=True)
            texts = np.asarray(list(map(write, bits.view(np.float64).tolist())), dtype=object)
            figures = texts[each.ravel()].tolist() if len(texts) else []
        else:  # a table built by hand: each value as it is
            figures = list(map(write, seconds.tolist()))
        targets = table.targets[part].tolist()
        written = {target: encode_basestring(target) for target in set(targets)}
        limits = table.target_s[part].tolist()
        limit_texts = {limit: int.__repr__(limit) for limit in set(limits)}
        columns = zip(
            map(encode_basestring, table.ids[part].tolist()),
            map(int.__repr__, table.lines[part].tolist()),
            map(written.__getitem__, targets),
            figures,
            map(limit_texts.__getitem__, limits),
            np.where(table.still_open[part], "true", "false").tolist(),
            strict=True,
        )
        yield (", " if start else "") + ", ".join(map(_BREACH_ROW.__mod__, columns))
    yield "]"


def _plain_changes(changed: ChangedTickets) -> bool:
    """Every id a str (as read from an export): written as the encoder would."""
    return _all_text(changed.ids)


def _all_text(*columns: npt.NDArray[Any]) -> bool:
    """Every value of every column a str (none at all counts)."""
    from pandas.api.types import infer_dtype  # type: ignore[import-untyped,unused-ignore]

    return all(infer_dtype(values, skipna=False) in ("string", "empty") for values in columns)


_CHANGE_ROW = '{"time": %s, "from": %s, "to": %s, "rule": %s}'


def _changes_parts(changed: ChangedTickets, rows: int = 10_000) -> Iterator[str]:
    """The JSON of ``_changes_json(changed)`` as json.dumps writes it, from the columns
    (``rows`` tickets at a time): each piece of text made by a C function mapped over a
    column, then laid out in one array in the order of the text."""
    from json.encoder import encode_basestring

    def quoted(values: npt.NDArray[Any]) -> list[str]:
        return list(map(encode_basestring, values.tolist()))

    steps, response, resolution = changed.steps, changed.response, changed.resolution
    zone = changed.zone
    yield "["
    for start in range(0, len(changed), rows):
        stop = min(start + rows, len(changed))
        runs = [_window(r, start, stop) for r in (steps, response, resolution)]
        times, before, after, rule = (column[runs[0][1]] for column in steps.columns)
        moments = [_utc(t).astimezone(zone).isoformat() for t in times.tolist()]
        columns = zip(map(encode_basestring, moments), quoted(before), quoted(after),
                      quoted(rule), strict=True)  # fmt: skip
        sections = [
            list(map(_CHANGE_ROW.__mod__, columns)),
            quoted(response.columns[0][runs[1][1]]),
            quoted(resolution.columns[0][runs[2][1]]),
        ]
        heads = [
            f'{"" if i == 0 and start == 0 else ", "}{{"id": {ticket}, "line": {line!r}, '
            '"changes": ['
            for i, (ticket, line) in enumerate(zip(
                quoted(changed.ids[start:stop]), changed.lines[start:stop].tolist(), strict=True
            ))
        ]  # fmt: skip
        closings = ['], "measured_at": {"response": [', '], "resolution": [', "]}}"]
        yield "".join(_laid_out(heads, [r[0] for r in runs], sections, closings))
    yield "]"


def _window(runs: _Runs, start: int, stop: int) -> tuple[npt.NDArray[np.int64], slice]:
    """Keys ``start``..``stop``'s row counts, and the slice of rows they hold."""
    bounds = np.asarray(runs.bounds[start : stop + 1], dtype=np.int64)
    return bounds[1:] - bounds[:-1], slice(int(bounds[0]), int(bounds[-1]))


def _laid_out(
    heads: list[str],
    counts: list[npt.NDArray[np.int64]],
    sections: list[list[str]],
    closings: list[str],
) -> list[str]:
    """For each key: its head, then each section's items (", " between them) and that
    section's closing; in one list, in order, without a Python step a key."""
    keys = len(heads)
    size = keys + sum(len(s) for s in sections) + keys * len(closings)
    slots = np.empty(size, dtype=object)
    width = np.ones(keys, dtype=np.int64)  # each key's slots: its head, then each section's
    for count in counts:
        width += count + 1
    begin = np.cumsum(width) - width
    slots[begin] = heads
    at = begin + 1
    for count, items, closing in zip(counts, sections, closings, strict=True):
        if len(items):
            first = np.cumsum(count) - count  # each key's first item among ``items``
            within = np.arange(len(items), dtype=np.int64) - np.repeat(first, count)
            texts = np.asarray(items, dtype=object)
            later = within > 0
            texts[later] = ", " + texts[later]
            slots[np.repeat(at, count) + within] = texts
        at = at + count
        slots[at] = closing
        at = at + 1
    result: list[str] = slots.tolist()
    return result
