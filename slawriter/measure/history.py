"""Status and priority history, and updates to the customer: read and turned into columns.

A status history (``--status-history``) has one row per change: ``ticket_id``, ``time``,
``from``, ``to``, and optionally ``field`` (``status``, the default, or ``priority``) and
``reason`` (why a priority changed). The clock pauses only while a ticket is in a pausing
status, because the contract's pause clause stops the clock only while the Provider waits on
the Customer; the statuses come from the preset or mapping file (default: Pending, Waiting
for customer) or ``--pause-statuses``. A status neither pausing nor known to keep the clock
running is reported (the clock is taken to run in it).

An updates export (``--updates``) has ``ticket_id``, ``time``, ``public`` (true/false) and
``author_type`` (agent, customer, system); only public updates by an agent count.

Rows naming a ticket the ticket export does not have, times that do not parse and values that
cannot be read are left out and listed, as the ticket export's rows are.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from slawriter.clock.engine import Calendar
from slawriter.measure.batch import NOT_A_TIME, Instants
from slawriter.measure.importer import (
    Rejected,
    Tickets,
    _expected,
    _read_columns,
    _to_instants,
    out_of_range,
    parse_times,
    priority_lookup,
    shown,
)
from slawriter.measure.presets import (
    REQUIRED_HISTORY_COLUMNS,
    REQUIRED_UPDATE_COLUMNS,
    RUNNING_STATUSES,
    UPDATE_COLUMNS,
    Mapping,
)

FOREVER = np.iinfo(np.int64).max  # a pause still going on: clipped to the interval measured
_TRUE = {"true", "yes", "1", "public", "y"}
_FALSE = {"false", "no", "0", "private", "internal", "n"}
_AUTHORS = {"agent", "customer", "system"}

# How a priority change decides which targets apply (the Priorities clause).
RAISED, LOWERED, DISPUTE, WORKAROUND = "raised", "lowered", "dispute", "workaround"


@dataclass
class PriorityChanges:
    """Priority changes as columns, sorted by ticket and time."""

    ticket: npt.NDArray[np.int64]  # index into the tickets
    time: Instants
    before: npt.NDArray[np.int64]  # priority code (index into the tickets' priority_ids)
    after: npt.NDArray[np.int64]
    rule: npt.NDArray[np.object_]  # RAISED, LOWERED, DISPUTE or WORKAROUND
    lines: npt.NDArray[np.int64]

    def __len__(self) -> int:
        return len(self.ticket)


@dataclass
class History:
    source: str
    pause_owner: npt.NDArray[np.int64]  # index into the tickets
    pause_start: Instants
    pause_end: Instants  # FOREVER: still in a pausing status
    changes: PriorityChanges
    status_changes: int
    pause_statuses: tuple[str, ...]
    reasons_given: bool  # the export has a reason column (disputes, workarounds told apart)
    rejected: list[Rejected] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class Updates:
    source: str
    ticket: npt.NDArray[np.int64]  # public updates by an agent only, sorted by ticket, time
    time: Instants
    rows: int  # rows read
    not_counted: dict[str, int]  # "private", "customer", "system" -> rows
    rejected: list[Rejected] = field(default_factory=list)


def _frame(path: Path, name: str, wanted: dict[str, str], required: Sequence[str], what: str,
           origin: str) -> dict[str, Any]:  # fmt: skip
    import pandas as pd  # type: ignore[import-untyped,unused-ignore]

    chunks = list(_read_columns(path, name, wanted, required, what, origin=origin))
    if not chunks:
        return {key: pd.Series([], dtype=object) for key in wanted}
    if len(chunks) == 1:
        return chunks[0]
    return {key: pd.concat([c[key] for c in chunks], ignore_index=True) for key in chunks[0]}


def _rows_to_tickets(
    values: Any, tickets: Tickets
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.bool_]]:
    """Each row's ticket index (-1: not in the ticket export), and which rows are empty."""
    import pandas as pd  # type: ignore[import-untyped,unused-ignore]

    index = pd.Index(tickets.ids).get_indexer(values.to_numpy(dtype=object))
    return np.asarray(index, dtype=np.int64), (values == "").to_numpy().copy()


class _Rows:
    """Reasons for rows left out, by row index; the first reason of a row wins."""

    def __init__(self, size: int) -> None:
        self.reasons: dict[int, str] = {}
        self.bad = np.zeros(size, dtype=bool)

    def reject(self, mask: npt.NDArray[np.bool_], reason: Any) -> None:
        for index in np.flatnonzero(mask & ~self.bad).tolist():
            self.reasons[index] = reason(index) if callable(reason) else reason
        self.bad |= mask

    def listed(self, name: str) -> list[Rejected]:
        return [Rejected(name, index + 2, self.reasons[index]) for index in sorted(self.reasons)]


def _times(
    series: Any, heading: str, rows: _Rows, usable: npt.NDArray[np.bool_], calendar: Calendar,
    date_order: str, declared: Sequence[str],
) -> Instants:  # fmt: skip
    local, absolute, bad = parse_times(series, date_order, declared)
    texts = series.to_numpy()
    rows.reject(
        bad & usable,
        lambda i: (
            f"{heading}: '{shown(texts[i])}' is not a date and time ({_expected(date_order)})"
        ),
    )
    rows.reject((local == NOT_A_TIME) & ~bad & usable, f"{heading}: empty: a change needs its time")
    distant = out_of_range(local)
    rows.reject(distant & usable, lambda i: f"{heading}: '{shown(texts[i])}' is out of range")
    local[distant] = NOT_A_TIME
    return _to_instants(calendar, local, absolute)


def _unknown_ticket(heading: str, tickets: Tickets, values: Any) -> Any:
    texts = values.to_numpy()
    return lambda i: (
        f"{heading}: no ticket '{shown(texts[i])}' in {tickets.source} (or its row there was "
        "not used)"
    )


def read_history(
    path: Path,
    name: str,
    mapping: Mapping,
    tickets: Tickets,
    calendar: Calendar,
    date_order: str,
    pause_statuses: Sequence[str] | None = None,
) -> History:
    """Read a status history: pauses from the time in pausing statuses, priority changes."""
    wanted = dict(mapping.history)
    frame = _frame(path, name, wanted, REQUIRED_HISTORY_COLUMNS, "status history",
                   mapping.origin)  # fmt: skip
    size = len(frame["ticket_id"])
    rows = _Rows(size)
    owner, empty = _rows_to_tickets(frame["ticket_id"], tickets)
    for column in ("time", "from", "to"):
        empty &= (frame[column] == "").to_numpy()
    usable = ~empty
    rows.reject((owner < 0) & usable, _unknown_ticket(wanted["ticket_id"], tickets,
                                                      frame["ticket_id"]))  # fmt: skip
    when = _times(frame["time"], wanted["time"], rows, usable, calendar, date_order,
                  mapping.date_formats)  # fmt: skip
    kinds = (
        frame["field"].str.strip().str.lower().to_numpy(dtype=object)
        if "field" in frame
        else np.full(size, "", dtype=object)
    )
    is_priority = kinds == "priority"
    is_status = (kinds == "status") | (kinds == "")
    field_texts = frame["field"].to_numpy() if "field" in frame else kinds
    rows.reject(
        usable & ~is_priority & ~is_status,
        lambda i: (
            f"{wanted.get('field', 'field')}: '{shown(field_texts[i])}' is not status or priority"
        ),
    )
    keep = usable & ~rows.bad
    if keep.any() and (when[keep] < tickets.created[owner[keep]]).any():
        early = keep & (when < np.where(owner >= 0, tickets.created[np.maximum(owner, 0)], 0))
        rows.reject(early, f"{wanted['time']}: before the ticket was logged")

    # Priority changes: both values must be priorities of the agreement.
    names = {pid: pid for pid in tickets.priority_ids}
    codes: dict[str, npt.NDArray[np.int64]] = {}
    for column in ("from", "to"):
        series = frame[column]
        lookup = priority_lookup(series[is_priority].unique().tolist(), names,
                                 mapping.priorities)  # fmt: skip
        index = {value: tickets.priority_ids.index(pid) for value, pid in lookup.items()}
        codes[column] = series.map(index).fillna(-1).to_numpy().astype(np.int64)
        texts = series.to_numpy()
        rows.reject(
            usable & is_priority & (codes[column] < 0),
            lambda i, t=texts, c=column: (
                f"{wanted[c]}: unknown priority '{shown(t[i])}' (the "
                f"agreement has {', '.join(tickets.priority_ids)})"
            ),
        )

    # Statuses: pausing ones by the contract, running ones known, anything else reported.
    pausing = tuple(pause_statuses) if pause_statuses is not None else mapping.pause_statuses
    pause_keys = {s.strip().lower() for s in pausing}
    run_keys = {s.strip().lower() for s in (*RUNNING_STATUSES, *mapping.running_statuses)}
    keep = usable & ~rows.bad
    status_rows = keep & is_status
    notes: list[str] = []
    to_key = frame["to"].str.strip().str.lower()
    from_key = frame["from"].str.strip().str.lower()
    to_paused = to_key.isin(pause_keys).to_numpy()
    from_paused = from_key.isin(pause_keys).to_numpy()
    unknown: dict[str, int] = {}
    for column in ("from", "to"):
        key = to_key if column == "to" else from_key
        odd = status_rows & ~key.isin(pause_keys | run_keys | {""}).to_numpy()
        for row in np.flatnonzero(odd).tolist():
            text = str(frame[column].iloc[row]).strip()
            unknown.setdefault(text, row + 2)
    if unknown:
        listed = ", ".join(f"'{shown(s)}' (line {n})" for s, n in list(unknown.items())[:10])
        more = f" and {len(unknown) - 10:,} more" if len(unknown) > 10 else ""
        notes.append(
            f"Warning: {name}: {len(unknown):,} unknown status{'es' if len(unknown) > 1 else ''}"
            f" in '{wanted['from']}'/'{wanted['to']}': {listed}{more}; the clock is taken to run "
            f"in {'them' if len(unknown) > 1 else 'it'} (pausing statuses: "
            f"{', '.join(pausing)}; give --pause-statuses to say otherwise)"
        )

    pause_owner, pause_start, pause_end = _pauses(
        owner[status_rows], when[status_rows], from_paused[status_rows],
        to_paused[status_rows], tickets.created,
    )  # fmt: skip
    changes = _changes(
        owner, when, codes["from"], codes["to"], keep & is_priority, frame.get("reason")
    )
    return History(
        source=name,
        pause_owner=pause_owner,
        pause_start=pause_start,
        pause_end=pause_end,
        changes=changes,
        status_changes=int(status_rows.sum()),
        pause_statuses=tuple(pausing),
        reasons_given="reason" in frame,
        rejected=rows.listed(name),
        notes=notes,
    )


def _pauses(
    owner: npt.NDArray[np.int64],
    when: Instants,
    from_paused: npt.NDArray[np.bool_],
    to_paused: npt.NDArray[np.bool_],
    created: Instants,
) -> tuple[npt.NDArray[np.int64], Instants, Instants]:
    """Spans spent in a pausing status: from a change into one to the ticket's next change.

    A ticket whose first change leaves a pausing status was paused from its logging."""
    if not len(owner):
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.int64)
    order = np.lexsort((when, owner))  # stable: changes at the same time keep file order
    owner, when = owner[order], when[order]
    from_paused, to_paused = from_paused[order], to_paused[order]
    last = np.ones(len(owner), dtype=bool)
    last[:-1] = owner[1:] != owner[:-1]
    first = np.ones(len(owner), dtype=bool)
    first[1:] = owner[1:] != owner[:-1]
    following = np.empty_like(when)
    following[:-1] = when[1:]
    following[last] = FOREVER
    spans_owner = np.concatenate([owner[to_paused], owner[first & from_paused]])
    spans_start = np.concatenate([when[to_paused], created[owner[first & from_paused]]])
    spans_end = np.concatenate([following[to_paused], when[first & from_paused]])
    return spans_owner, spans_start, spans_end


def _changes(
    owner: npt.NDArray[np.int64],
    when: Instants,
    before: npt.NDArray[np.int64],
    after: npt.NDArray[np.int64],
    rows: npt.NDArray[np.bool_],
    reasons: Any,
) -> PriorityChanges:
    where = np.flatnonzero(rows & (before != after))
    order = where[np.lexsort((when[where], owner[where]))]
    said = (
        reasons.str.lower().to_numpy(dtype=object)[order]
        if reasons is not None
        else np.full(len(order), "", dtype=object)
    )
    raised = after[order] < before[order]  # the agreement lists priorities most urgent first
    rule = np.where(raised, RAISED, LOWERED).astype(object)
    for k, text in enumerate(said.tolist()):
        if "disput" in text:
            rule[k] = DISPUTE
        elif "workaround" in text and not raised[k]:
            rule[k] = WORKAROUND
    return PriorityChanges(owner[order], when[order], before[order], after[order], rule,
                           order.astype(np.int64) + 2)  # fmt: skip


def merge_pauses(
    owner: npt.NDArray[np.int64], start: Instants, end: Instants
) -> tuple[npt.NDArray[np.int64], Instants, Instants]:
    """The union of each owner's spans (the batch clock needs them not to overlap)."""
    if not len(owner):
        return owner, start, end
    import pandas as pd  # type: ignore[import-untyped,unused-ignore]

    order = np.lexsort((start, owner))
    owner, start, end = owner[order], start[order], end[order]
    reach = pd.Series(end).groupby(owner).cummax().to_numpy()
    opens = np.ones(len(owner), dtype=bool)
    opens[1:] = (owner[1:] != owner[:-1]) | (start[1:] > reach[:-1])
    heads = np.flatnonzero(opens)
    ends = np.maximum.reduceat(end, heads)
    return owner[heads], start[heads], ends


def read_updates(
    path: Path, name: str, mapping: Mapping, tickets: Tickets, calendar: Calendar,
    date_order: str,
) -> Updates:  # fmt: skip
    """Read an updates export; keep the public updates by an agent."""
    wanted = {c: mapping.updates.get(c, c) for c in UPDATE_COLUMNS}
    frame = _frame(path, name, wanted, REQUIRED_UPDATE_COLUMNS, "updates", mapping.origin)
    size = len(frame["ticket_id"])
    rows = _Rows(size)
    owner, empty = _rows_to_tickets(frame["ticket_id"], tickets)
    for column in ("time", "public", "author_type"):
        empty &= (frame[column] == "").to_numpy()
    usable = ~empty
    rows.reject((owner < 0) & usable, _unknown_ticket(wanted["ticket_id"], tickets,
                                                      frame["ticket_id"]))  # fmt: skip
    when = _times(frame["time"], wanted["time"], rows, usable, calendar, date_order,
                  mapping.date_formats)  # fmt: skip
    public_key = frame["public"].str.strip().str.lower()
    public = public_key.isin(_TRUE).to_numpy()
    public_texts = frame["public"].to_numpy()
    rows.reject(
        usable & ~public & ~public_key.isin(_FALSE).to_numpy(),
        lambda i: f"{wanted['public']}: '{shown(public_texts[i])}' is not true or false",
    )
    author = frame["author_type"].str.strip().str.lower()
    author_texts = frame["author_type"].to_numpy()
    rows.reject(
        usable & ~author.isin(_AUTHORS).to_numpy(),
        lambda i: (
            f"{wanted['author_type']}: '{shown(author_texts[i])}' is not agent, customer or system"
        ),
    )
    keep = usable & ~rows.bad
    agent = (author == "agent").to_numpy()
    counted = keep & public & agent
    not_counted = {
        "private": int((keep & ~public).sum()),
        "customer": int((keep & public & (author == "customer").to_numpy()).sum()),
        "system": int((keep & public & (author == "system").to_numpy()).sum()),
    }
    order = np.flatnonzero(counted)
    order = order[np.lexsort((when[order], owner[order]))]
    return Updates(name, owner[order], when[order], int(usable.sum()), not_counted,
                   rows.listed(name))  # fmt: skip
