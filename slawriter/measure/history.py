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

from collections.abc import Callable, Sequence
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
    blank,
    distinct_codes,
    out_of_range,
    parse_times,
    priority_lookup,
    record_lines,
    shown,
)
from slawriter.measure.presets import (
    REQUIRED_HISTORY_COLUMNS,
    REQUIRED_UPDATE_COLUMNS,
    RUNNING_STATUSES,
    UPDATE_COLUMNS,
    Mapping,
)
from slawriter.text.words import plural

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

    index = tickets.positions(values.to_numpy(dtype=object))
    tickets.let_go_positions()
    return np.asarray(index, dtype=np.int64), blank(values)


class _Rows:
    """Reasons for rows left out, by row index in the file; the first reason of a row wins.

    ``bad`` covers the rows of one chunk, which start at row ``offset`` of the file."""

    def __init__(self, size: int, offset: int = 0, reasons: dict[int, str] | None = None) -> None:
        self.reasons: dict[int, str] = {} if reasons is None else reasons
        self.offset = offset
        self.bad = np.zeros(size, dtype=bool)

    def reject(self, mask: npt.NDArray[np.bool_], reason: Any) -> None:
        for index in np.flatnonzero(mask & ~self.bad).tolist():
            self.reasons[self.offset + index] = reason(index) if callable(reason) else reason
        self.bad |= mask

    def listed(self, name: str, physical: npt.NDArray[np.int64]) -> list[Rejected]:
        """The rows left out, each with the physical line its record starts on."""
        return [
            Rejected(name, int(physical[index]), self.reasons[index])
            for index in sorted(self.reasons)
        ]


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


# Columns with few distinct values (a handful of statuses, priorities and reasons): read as
# categoricals, and every test on their text is made once per distinct value, not per row.
_CODED = ("field", "from", "to", "reason")


def _each(values: Sequence[str], test: Any) -> npt.NDArray[np.bool_]:
    """``test`` of each distinct value, as an array to index with the codes."""
    return np.fromiter((bool(test(value)) for value in values), dtype=bool, count=len(values))


@dataclass
class HistoryColumns:
    """A status history as read without the tickets: each row's values as numpy columns
    (rows in file order), so that reading it can run in a second process while the tickets
    are read (measure/ahead.py) and come back as the bytes of these arrays."""

    rows: int
    found: set[str]  # the columns the file has
    ticket: npt.NDArray[np.int32]  # index into ticket_ids
    # Each distinct ticket id, as written (in the order first seen). When the ids were sent
    # as they were first seen (read_history_columns' on_ids), the receiver fills this in,
    # and ``owners`` too: each id's ticket (-1: none), looked up as the ids came.
    ticket_ids: list[str]
    ticket_blank: npt.NDArray[np.bool_]
    time_blank: npt.NDArray[np.bool_]
    when: Instants  # NOT_A_TIME where the time is missing, unreadable or out of range
    time_bad: npt.NDArray[np.bool_]  # not a time
    time_missing: npt.NDArray[np.bool_]  # empty
    time_distant: npt.NDArray[np.bool_]  # outside the years a report can compute
    time_texts: dict[int, str]  # the text of each row with a bad or distant time
    coded: dict[str, tuple[npt.NDArray[np.integer[Any]], list[str]]]  # _CODED: codes, values
    owners: npt.NDArray[np.intp] | None = None


def read_history_columns(
    path: Path,
    name: str,
    mapping: Mapping,
    calendar: Calendar,
    date_order: str,
    on_ids: Callable[[list[str]], None] | None = None,
) -> HistoryColumns:
    """Read a status history a chunk at a time into columns; InputError as read_history's.

    No chunk's text is kept past it but the distinct ticket ids and the few bad times.
    ``on_ids``: given each batch of ticket ids as they are first seen and numbered (in
    number order), instead of ``ticket_ids``, which is then left empty for the caller."""

    wanted = dict(mapping.history)
    numbering = _Numbering(on_ids)
    distinct: dict[str, dict[str, int]] = {}
    pieces: dict[str, list[Any]] = {}
    texts: dict[int, str] = {}
    found: set[str] = set(wanted)  # a file without rows: as if every column were there
    offset = 0

    def add(column: str, values: Any) -> None:
        pieces.setdefault(column, []).append(values)

    for frame in _read_columns(path, name, wanted, REQUIRED_HISTORY_COLUMNS, "status history",
                               origin=mapping.origin, categories=_CODED):  # fmt: skip
        found = set(frame)
        size = len(frame["ticket_id"])
        # The distinct ids are numbered across the file: the tickets then look up each
        # distinct id once, not each row's.
        written = frame["ticket_id"].to_numpy(dtype=object)
        numbering.add(written)
        add("ticket_blank", written == "")
        add("time_blank", blank(frame["time"]))
        series = frame["time"]
        local, absolute, bad = parse_times(series, date_order, mapping.date_formats)
        missing = (local == NOT_A_TIME) & ~bad
        distant = out_of_range(local)
        written = series.to_numpy()
        for row in np.flatnonzero(bad | distant).tolist():
            texts[offset + row] = written[row]
        local[distant] = NOT_A_TIME
        add("when", _to_instants(calendar, local, absolute))
        add("time_bad", bad)
        add("time_missing", missing)
        add("time_distant", distant)
        for column in _CODED:
            if column in frame:
                codes, values = distinct_codes(frame[column])
                known = distinct.setdefault(column, {})
                each = np.fromiter((known.setdefault(v, len(known)) for v in values), np.int64,
                                   count=len(values))  # fmt: skip
                # The smallest type that holds the codes so far (a byte, for a status): the
                # pieces are joined in the widest of their types at the end.
                add(column, each.astype(np.min_scalar_type(max(len(known), 1)))[codes])
        offset += size

    def joined(column: str, dtype: Any) -> Any:
        # Each column's pieces are let go as it is joined: the peak is one column twice.
        return np.concatenate(pieces.pop(column, []) or [np.zeros(0, dtype)])

    ticket, ticket_ids = numbering.finish()
    coded: dict[str, tuple[npt.NDArray[np.integer[Any]], list[str]]] = {}
    for column, known in distinct.items():
        kind = np.min_scalar_type(max(len(known), 1))
        coded[column] = (joined(column, np.int32).astype(kind), list(known))
    return HistoryColumns(
        rows=offset,
        found=found,
        ticket=ticket,
        ticket_ids=ticket_ids,
        ticket_blank=joined("ticket_blank", bool),
        time_blank=joined("time_blank", bool),
        when=joined("when", np.int64),
        time_bad=joined("time_bad", bool),
        time_missing=joined("time_missing", bool),
        time_distant=joined("time_distant", bool),
        time_texts=texts,
        coded=coded,
    )


class _Numbering:
    """Values (ticket ids) numbered in the order first seen, a chunk of rows at a time.

    Chunks are kept until they hold as many rows as the values seen before (or MERGE),
    then numbered together with those values in one pd.factorize: the values seen keep their
    numbers (they come first and are distinct), and no more than that many rows' text is
    held at once."""

    MERGE = 2_000_000

    def __init__(self, on_new: Callable[[list[str]], None] | None = None) -> None:
        import pandas as pd  # type: ignore[import-untyped,unused-ignore]

        self._factorize = pd.factorize
        self._on_new = on_new  # given each merge's new values, in number order
        self.known: npt.NDArray[np.object_] = np.zeros(0, dtype=object)
        self.pending: list[npt.NDArray[np.object_]] = []
        self.pending_size = 0
        self.numbers: list[npt.NDArray[np.int32]] = []

    def add(self, values: npt.NDArray[np.object_]) -> None:
        self.pending.append(values)
        self.pending_size += len(values)
        if self.pending_size >= max(len(self.known), self.MERGE):
            self._merge()

    def _merge(self) -> None:
        if not self.pending:
            return
        values = np.concatenate([self.known, *self.pending])
        # The CSV reader's text is never missing (None, NaN): pandas' own search for missing
        # values to number, 5% of reading a history, is skipped unless one turns up anyway.
        number, merged = self._factorize(values)
        if len(number) and number.min() < 0:
            number, merged = self._factorize(values, use_na_sentinel=False)
        start = len(self.known)
        for values in self.pending:
            self.numbers.append(number[start : start + len(values)].astype(np.int32))
            start += len(values)
        seen = len(self.known)
        self.known = np.asarray(merged, dtype=object)
        self.pending, self.pending_size = [], 0
        if self._on_new is not None and len(self.known) > seen:
            self._on_new(self.known[seen:].tolist())

    def finish(self) -> tuple[npt.NDArray[np.int32], list[str]]:
        """Each value's number, and the distinct values in the order first seen (none when
        they were given to ``on_new``)."""
        self._merge()
        numbers = np.concatenate(self.numbers or [np.zeros(0, np.int32)]).astype(np.int32)
        return numbers, (self.known.tolist() if self._on_new is None else [])


@dataclass
class _Part:
    """What a status history contributes, as columns (rows in file order)."""

    status_owner: npt.NDArray[np.int64]
    status_time: Instants
    from_paused: npt.NDArray[np.bool_]
    to_paused: npt.NDArray[np.bool_]
    change_row: npt.NDArray[np.int64]  # row index in the file of each priority change
    change_owner: npt.NDArray[np.int64]
    change_time: Instants
    before: npt.NDArray[np.int64]
    after: npt.NDArray[np.int64]
    disputed: npt.NDArray[np.bool_]  # the reason mentions a dispute
    workaround: npt.NDArray[np.bool_]  # the reason mentions a Workaround
    unknown: dict[str, dict[str, int]]  # column -> unknown status -> its first row index
    skipped: int  # rows changing other fields, not read (skip_other_fields)


def _history_part(
    read: HistoryColumns,
    reasons: dict[int, str],
    wanted: dict[str, str],
    mapping: Mapping,
    tickets: Tickets,
    date_order: str,
    keys: tuple[set[str], set[str]],
) -> _Part:
    """Match the rows to the tickets and judge them; left-out rows go to ``reasons``."""

    offset = 0
    size = read.rows
    rows = _Rows(size, offset, reasons)
    if read.owners is not None:
        found = read.owners
    else:
        found = tickets.positions(np.asarray(read.ticket_ids, dtype=object))
        tickets.let_go_positions()
    owner = np.asarray(found, np.int64)[read.ticket]
    empty = read.ticket_blank & read.time_blank
    coded = read.coded  # codes of the smallest integer type: they index as well
    for column in ("from", "to"):
        codes, values = coded[column]
        empty &= _each(values, lambda v: v == "")[codes]
    usable = ~empty
    if "field" in coded:
        codes, values = coded["field"]
        is_priority = _each(values, lambda v: v.strip().lower() == "priority")[codes]
        is_status = _each(values, lambda v: v.strip().lower() in ("status", ""))[codes]
    else:
        is_priority, is_status = np.zeros(size, dtype=bool), np.ones(size, dtype=bool)
    other = usable & ~is_priority & ~is_status
    skipped = 0
    if mapping.skip_other_fields:  # an export of every field's changes: the rest not needed
        skipped = int(other.sum())
        usable &= ~other
    rows.reject(
        (owner < 0) & usable,
        lambda i: (
            f"{wanted['ticket_id']}: no ticket '{shown(read.ticket_ids[read.ticket[i]])}' in "
            f"{tickets.source} (or its row there was not used)"
        ),
    )
    # As _times says them, from what the reading kept.
    at, texts = wanted["time"], read.time_texts
    rows.reject(
        read.time_bad & usable,
        lambda i: f"{at}: '{shown(texts[i])}' is not a date and time ({_expected(date_order)})",
    )
    rows.reject(read.time_missing & usable, f"{at}: empty: a change needs its time")
    rows.reject(read.time_distant & usable, lambda i: f"{at}: '{shown(texts[i])}' is out of range")
    when = read.when
    if "field" in coded and not mapping.skip_other_fields:
        rows.reject(
            other,
            lambda i, c=codes, v=values: (
                f"{wanted.get('field', 'field')}: '{shown(v[c[i]])}' is not status or priority"
            ),
        )
    keep = usable & ~rows.bad  # each with its ticket (a row with none is rejected above)
    early = keep & (when < tickets.created[np.maximum(owner, 0)])
    if early.any():
        rows.reject(early, f"{wanted['time']}: before the ticket was logged")

    # Priority changes: both values must be priorities of the agreement.
    names = {pid: pid for pid in tickets.priority_ids}
    priority: dict[str, npt.NDArray[np.int64]] = {}
    for column in ("from", "to"):
        codes, values = coded[column]
        used = [values[k] for k in np.unique(codes[is_priority]).tolist()]
        lookup = priority_lookup(used, names, mapping.priorities)
        number = {value: tickets.priority_ids.index(pid) for value, pid in lookup.items()}
        each = np.fromiter((number.get(v, -1) for v in values), np.int64, count=len(values))
        priority[column] = each[codes]
        rows.reject(
            usable & is_priority & (priority[column] < 0),
            lambda i, c=codes, v=values, h=wanted[column]: (
                f"{h}: unknown priority '{shown(v[c[i]])}' (the "
                f"agreement has {', '.join(tickets.priority_ids)})"
            ),
        )

    # Statuses: pausing ones by the contract, running ones known, anything else reported.
    pause_keys, known_keys = keys
    keep = usable & ~rows.bad
    status_rows = keep & is_status
    paused: dict[str, npt.NDArray[np.bool_]] = {}
    unknown: dict[str, dict[str, int]] = {}
    for column in ("from", "to"):
        codes, values = coded[column]
        paused[column] = _each(values, lambda v: v.strip().lower() in pause_keys)[codes]
        odd = np.flatnonzero(
            status_rows & ~_each(values, lambda v: v.strip().lower() in known_keys)[codes]
        )
        distinct, first = np.unique(codes[odd], return_index=True)
        unknown[column] = {}
        for row, code in sorted(zip(odd[first].tolist(), distinct.tolist(), strict=True)):
            unknown[column].setdefault(values[code].strip(), offset + row)

    changes = np.flatnonzero(keep & is_priority & (priority["from"] != priority["to"]))
    disputed = np.zeros(len(changes), dtype=bool)
    workaround = np.zeros(len(changes), dtype=bool)
    if "reason" in coded:
        codes, values = coded["reason"]
        disputed = _each(values, lambda v: "disput" in v.lower())[codes[changes]]
        workaround = _each(values, lambda v: "workaround" in v.lower())[codes[changes]]
    return _Part(
        owner[status_rows], when[status_rows], paused["from"][status_rows],
        paused["to"][status_rows], changes + offset, owner[changes], when[changes],
        priority["from"][changes], priority["to"][changes], disputed, workaround, unknown,
        skipped,
    )  # fmt: skip


def read_history(
    path: Path,
    name: str,
    mapping: Mapping,
    tickets: Tickets,
    calendar: Calendar,
    date_order: str,
    pause_statuses: Sequence[str] | None = None,
    columns: HistoryColumns | None = None,
    line_ends: int | None = None,
) -> History:
    """Read a status history: pauses from the time in pausing statuses, priority changes.

    The file is read a chunk at a time and each chunk turned into columns of numbers at once,
    so no more than one chunk's text is held (a history has several rows per ticket).
    ``columns``: the file already read by read_history_columns (in a second process);
    ``line_ends``: its line ends, counted while that process read it."""

    wanted = dict(mapping.history)
    pausing = tuple(pause_statuses) if pause_statuses is not None else mapping.pause_statuses
    pause_keys = {s.strip().lower() for s in pausing}
    run_keys = {s.strip().lower() for s in (*RUNNING_STATUSES, *mapping.running_statuses)}
    read = columns or read_history_columns(path, name, mapping, calendar, date_order)
    found = read.found
    reasons: dict[int, str] = {}
    keys = (pause_keys, pause_keys | run_keys | {""})
    parts = [_history_part(read, reasons, wanted, mapping, tickets, date_order, keys)]

    def joined(column: str, dtype: Any) -> Any:
        return np.concatenate([getattr(p, column) for p in parts] or [np.zeros(0, dtype)])

    # Messages name the physical line, as the ticket export's do: a quoted field (a comment
    # typed over two lines) makes a record span lines.
    physical = record_lines(path, read.rows, line_ends)
    notes: list[str] = []
    unknown: dict[str, int] = {}
    for column in ("from", "to"):
        for part in parts:
            for text, row in part.unknown[column].items():
                unknown.setdefault(text, int(physical[row]))
    if unknown:
        listed = ", ".join(f"'{shown(s)}' (line {n})" for s, n in list(unknown.items())[:10])
        more = f" and {len(unknown) - 10:,} more" if len(unknown) > 10 else ""
        notes.append(
            f"Warning: {name}: {len(unknown):,} unknown status{'es' if len(unknown) > 1 else ''}"
            f" in '{wanted['from']}'/'{wanted['to']}': {listed}{more}; the clock is taken to run "
            f"in {'them' if len(unknown) > 1 else 'it'} (pausing statuses: "
            f"{', '.join(pausing)}; give --pause-statuses to say otherwise)"
        )

    skipped = sum(part.skipped for part in parts)
    if skipped:
        notes.append(
            f"{name}: {plural(skipped, 'row')} changing fields other than status and "
            f"priority not read (not needed)"
        )
    status_owner = joined("status_owner", np.int64)
    pause_owner, pause_start, pause_end = _pauses(
        status_owner, joined("status_time", np.int64), joined("from_paused", bool),
        joined("to_paused", bool), tickets.created,
    )  # fmt: skip
    changes = _changes(
        physical[joined("change_row", np.int64)], joined("change_owner", np.int64),
        joined("change_time", np.int64), joined("before", np.int64), joined("after", np.int64),
        joined("disputed", bool), joined("workaround", bool),
    )  # fmt: skip
    return History(
        source=name,
        pause_owner=pause_owner,
        pause_start=pause_start,
        pause_end=pause_end,
        changes=changes,
        status_changes=len(status_owner),
        pause_statuses=tuple(pausing),
        reasons_given="reason" in found,
        rejected=[Rejected(name, int(physical[row]), reasons[row]) for row in sorted(reasons)],
        notes=notes,
    )


def by_owner(owner: npt.NDArray[np.int64], when: Instants) -> npt.NDArray[np.intp]:
    """The stable order by owner, then time: np.lexsort's, in a tenth of its time when both
    fit one int64 key (a history is mostly runs already in order, which a stable sort of one
    key merges quickly, and lexsort does not)."""
    if not len(owner):
        return np.zeros(0, dtype=np.intp)
    low, high = int(when.min()), int(when.max())
    span = high - low + 1
    if int(owner.min()) >= 0 and span * (int(owner.max()) + 1) < 2**62:
        order: npt.NDArray[np.intp] = np.argsort(owner * span + (when - low), kind="stable")
        return order
    fallback: npt.NDArray[np.intp] = np.lexsort((when, owner))
    return fallback


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
    order = by_owner(owner, when)  # changes at the same time keep file order
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
    lines: npt.NDArray[np.int64],
    owner: npt.NDArray[np.int64],
    when: Instants,
    before: npt.NDArray[np.int64],
    after: npt.NDArray[np.int64],
    disputed: npt.NDArray[np.bool_],
    workaround: npt.NDArray[np.bool_],
) -> PriorityChanges:
    """The changes (in file order, ``lines`` their physical lines) sorted by ticket and time,
    each with its rule."""
    order = by_owner(owner, when)  # changes at the same time keep file order
    raised = after[order] < before[order]  # the agreement lists priorities most urgent first
    rule = np.where(raised, RAISED, LOWERED).astype(object)
    rule[workaround[order] & ~raised] = WORKAROUND
    rule[disputed[order]] = DISPUTE
    return PriorityChanges(owner[order], when[order], before[order], after[order], rule,
                           lines[order])  # fmt: skip


def merge_pauses(
    owner: npt.NDArray[np.int64], start: Instants, end: Instants
) -> tuple[npt.NDArray[np.int64], Instants, Instants]:
    """The union of each owner's spans (the batch clock needs them not to overlap)."""
    if not len(owner):
        return owner, start, end
    import pandas as pd  # type: ignore[import-untyped,unused-ignore]

    order = by_owner(owner, start)
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
        empty &= blank(frame[column])
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
    if mapping.authors:  # the desk's own words ('end-user'), a handful of distinct values
        author = author.replace(mapping.authors)
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
                   rows.listed(name, record_lines(path, size)))  # fmt: skip
