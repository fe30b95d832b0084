"""Which priority each target is measured at, and from when, after priority changes.

The Priorities clause decides (clauses/priorities.standard.md and response-resolution):

- a change (raised, or lowered as the impact falls) starts the new Priority's targets at the
  time of the change; a target already breached before the change stays breached at the
  Priority it was breached at (the change cannot undo a missed deadline);
- a change decided on a dispute applies the new Priority from the time the Incident was
  logged, as if it had always had it;
- a Workaround lowers the Priority by one level: a Workaround is Resolution (the Definitions),
  so the higher Priority's resolution target is met or missed at the change, and the
  permanent fix is then measured at the lower Priority from the change.

Every target is a *row*: the ticket, the priority, the start of its clock, the event that
stops it (the response or the resolution) and, for a stretch the ticket spent at a priority
before a change, the change that cut it short. The rows of one target form a group; the
verdict is the first row whose business time exceeded its priority's target, else the last.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from slawriter.measure.batch import NOT_A_TIME, BatchClock, Instants
from slawriter.measure.history import DISPUTE, WORKAROUND, PriorityChanges

_NEVER = np.iinfo(np.int64).max


@dataclass
class TargetRows:
    ticket: npt.NDArray[np.int64]
    priority: npt.NDArray[np.int64]
    start: Instants
    done_at: Instants  # the event stopping the clock (NOT_A_TIME: none)
    cut: Instants  # the change ending this stretch before the event (NOT_A_TIME: none)
    group: npt.NDArray[np.int64]
    rule: npt.NDArray[np.object_]  # "" or how the change that started this stretch counts


Segments = list[tuple[int, int, str]]  # (start, priority code, rule) in time order


def segments(
    created: Instants, priority: npt.NDArray[np.int64], changes: PriorityChanges, as_of: int
) -> dict[int, Segments]:
    """Each changed ticket's priorities over time, by the clause (changes after as-of have
    not happened)."""
    result: dict[int, Segments] = {}
    for ticket, when, before, after, rule in zip(
        changes.ticket.tolist(), changes.time.tolist(), changes.before.tolist(),
        changes.after.tolist(), changes.rule.tolist(), strict=True,
    ):  # fmt: skip
        if when > as_of:
            continue
        parts = result.setdefault(ticket, [(int(created[ticket]), before, "")])
        if rule == DISPUTE:
            parts[:] = [(int(created[ticket]), after, DISPUTE)]
        else:
            parts.append((when, after, rule))
    del priority
    return result


def final_priority(
    priority: npt.NDArray[np.int64], changed: dict[int, Segments]
) -> npt.NDArray[np.int64]:
    result = priority.copy()
    for ticket, parts in changed.items():
        result[ticket] = parts[-1][1]
    return result


def _flat(changed: dict[int, Segments]) -> tuple[npt.NDArray[np.int64], ...]:
    """The segments of every changed ticket (tickets in order) as columns: ticket, position
    in the ticket's list, start, priority code, and whether it starts with a Workaround."""
    tickets = sorted(changed)
    lengths = np.fromiter((len(changed[t]) for t in tickets), np.int64, count=len(tickets))
    flat = [part for t in tickets for part in changed[t]]
    ticket = np.repeat(np.asarray(tickets, dtype=np.int64), lengths)
    position = np.arange(len(flat), dtype=np.int64) - np.repeat(np.cumsum(lengths) - lengths,
                                                                lengths)  # fmt: skip
    start = np.fromiter((p[0] for p in flat), np.int64, count=len(flat))
    code = np.fromiter((p[1] for p in flat), np.int64, count=len(flat))
    workaround = np.fromiter((p[2] == WORKAROUND for p in flat), bool, count=len(flat))
    return ticket, position, start, code, workaround


def target_rows(
    kind: str,
    counted: npt.NDArray[np.bool_],
    created: Instants,
    priority: npt.NDArray[np.int64],
    event: Instants,
    changed: dict[int, Segments],
    as_of: int,
) -> TargetRows:
    """The rows of every counted ticket's ``kind`` ("response"/"resolution") target.

    Done on columns for all changed tickets at once (one ticket in twenty may have a change
    in a month of a million tickets): each segment of a ticket's priorities is a row until
    the one starting at or after the event, a segment cut short by the next change (or,
    for resolution, resolved by a Workaround) ends there."""
    plain = counted.copy()
    if changed:
        plain[np.fromiter(changed, dtype=np.int64, count=len(changed))] = False
    index = np.flatnonzero(plain)
    ticket, position, start, code, workaround = _flat(changed)
    rules = np.asarray([p[2] for t in sorted(changed) for p in changed[t]], dtype=object)
    last = np.ones(len(ticket), dtype=bool)
    last[:-1] = ticket[1:] != ticket[:-1]
    following = np.full(len(ticket), _NEVER, dtype=np.int64)
    following[:-1] = start[1:]
    following[last] = _NEVER
    by_workaround = np.zeros(len(ticket), dtype=bool)
    if kind == "resolution":
        by_workaround[:-1] = workaround[1:]
        by_workaround[last] = False
    e = event[ticket]
    due = np.where((e != NOT_A_TIME) & (e <= as_of), e, _NEVER)
    # A segment starting at or after the event, and every later one, is not measured.
    late = (position > 0) & (start >= due)
    heads = position == 0
    seen = np.cumsum(late)
    keep = counted[ticket] & (seen == seen[heads][np.cumsum(heads) - 1])
    ticket, start, code, rules = ticket[keep], start[keep], code[keep], rules[keep]
    e, due, following, by_workaround = e[keep], due[keep], following[keep], by_workaround[keep]
    first = position[keep] == 0
    cut_short = following < due
    resolved_by_workaround = cut_short & by_workaround
    done = np.where(resolved_by_workaround, following, e)
    cut = np.where(cut_short & ~by_workaround, following, NOT_A_TIME)
    group = len(index) + np.cumsum(first) - 1 + np.cumsum(resolved_by_workaround)
    group -= resolved_by_workaround  # the Workaround's own row is still in the old group
    return TargetRows(
        ticket=np.concatenate([index, ticket]),
        priority=np.concatenate([priority[index], code]),
        start=np.concatenate([created[index], start]),
        done_at=np.concatenate([event[index], done]),
        cut=np.concatenate([np.full(len(index), NOT_A_TIME, dtype=np.int64), cut]),
        group=np.concatenate([np.arange(len(index), dtype=np.int64), group]),
        rule=np.concatenate([np.full(len(index), "", dtype=object), rules]),
    )


def verdicts(
    group: npt.NDArray[np.int64], breached: npt.NDArray[np.bool_]
) -> npt.NDArray[np.int64]:
    """Per group (rows contiguous), the first breached row, else the last row."""
    if not len(group):
        return np.zeros(0, dtype=np.int64)
    heads = np.flatnonzero(np.concatenate(([True], group[1:] != group[:-1])))
    positions = np.arange(len(group), dtype=np.int64)
    first = np.minimum.reduceat(np.where(breached, positions, _NEVER), heads)
    last = np.concatenate((heads[1:], [len(group)])) - 1
    return np.where(first != _NEVER, first, last)


PauseRanges = tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]


def pause_ranges(owner: npt.NDArray[np.int64], tickets: int) -> PauseRanges:
    """Each ticket's first pause among the pauses (owners sorted, 0..tickets-1), and how
    many it has: found once for every stretch of every target, not searched each time."""
    count = np.bincount(owner, minlength=tickets).astype(np.int64)
    return np.cumsum(count) - count, count


def business(
    clock: BatchClock,
    ticket: npt.NDArray[np.int64],
    start: Instants,
    end: Instants,
    pauses: tuple[npt.NDArray[np.int64], Instants, Instants],
    ranges: PauseRanges | None = None,
) -> Instants:
    """Business time of each [start, end) less its ticket's pauses (pause owners sorted;
    ``ranges``: pause_ranges of them, when already found)."""
    used = clock.elapsed(start, end)
    owner, pause_start, pause_end = pauses
    if not len(owner) or not len(ticket):
        return used
    if ranges is None:
        low = np.searchsorted(owner, ticket, side="left")
        counts = np.searchsorted(owner, ticket, side="right") - low
    else:
        low, counts = ranges[0][ticket], ranges[1][ticket]
    total = int(counts.sum())
    if not total:
        return used
    row = np.repeat(np.arange(len(ticket), dtype=np.int64), counts)
    offsets = np.arange(total, dtype=np.int64) - np.repeat(np.cumsum(counts) - counts, counts)
    pause = np.repeat(low, counts) + offsets
    paused = clock.paused(start, np.maximum(end, start), row, pause_start[pause],
                          pause_end[pause])  # fmt: skip
    result: Instants = np.maximum(used - paused, 0)
    return result


@dataclass
class Gaps:
    """The stretches between updates to the customer, each with its priority."""

    ticket: npt.NDArray[np.int64]
    priority: npt.NDArray[np.int64]
    start: Instants
    end: Instants
    final: npt.NDArray[np.bool_]  # the stretch still running at the as-of time


def update_gaps(
    counted: npt.NDArray[np.bool_],
    created: Instants,
    resolved: Instants,
    priority: npt.NDArray[np.int64],
    update_ticket: npt.NDArray[np.int64],
    update_time: Instants,
    changed: dict[int, Segments],
    as_of: int,
) -> Gaps:
    """From logging to the first update, between updates, and from the last to resolution.

    A change of priority (other than on a dispute) starts the new priority's interval at the
    change, as its other targets do; the stretch before it is measured at the old one."""
    done = (resolved != NOT_A_TIME) & (resolved <= as_of)
    stop = np.where(done, resolved, as_of)
    tickets = np.flatnonzero(counted)
    first_priority = priority.copy()
    extra_ticket: list[int] = []
    extra_time: list[int] = []
    extra_priority: list[int] = []
    for changed_ticket, parts in changed.items():
        first_priority[changed_ticket] = parts[0][1]
        for start, change_code, _rule in parts[1:]:
            extra_ticket.append(changed_ticket)
            extra_time.append(start)
            extra_priority.append(change_code)
    keep = counted[update_ticket] & (update_time > created[update_ticket])
    keep &= update_time < stop[update_ticket]
    u_ticket, u_time = update_ticket[keep], update_time[keep]
    c_ticket = np.asarray(extra_ticket, dtype=np.int64)
    c_time = np.asarray(extra_time, dtype=np.int64)
    c_keep = counted[c_ticket] & (c_time < stop[c_ticket]) if len(c_ticket) else c_ticket > 0
    ticket: npt.NDArray[np.int64] = np.concatenate([tickets, u_ticket, c_ticket[c_keep]])
    when: Instants = np.concatenate([created[tickets], u_time, c_time[c_keep]])
    code: npt.NDArray[np.int64] = np.concatenate(
        [
            first_priority[tickets],
            np.full(len(u_ticket), -1, np.int64),
            np.asarray(extra_priority, dtype=np.int64)[c_keep],
        ]
    )
    order = np.lexsort((when, ticket))
    ticket, when, code = ticket[order], when[order], code[order]
    # An update carries the priority in force: the last logging or change before it.
    known = np.where(code >= 0, np.arange(len(code)), 0)
    code = code[np.maximum.accumulate(known)]
    last = np.ones(len(ticket), dtype=bool)
    last[:-1] = ticket[1:] != ticket[:-1]
    end = np.empty_like(when)
    end[:-1] = when[1:]
    end[last] = stop[ticket[last]]
    final = last & ~done[ticket]
    return Gaps(ticket, code, when, np.maximum(end, when), final)
