"""``report --compare``: where the helpdesk's own SLA verdict and the contract disagree, and why.

The preset or mapping file names the export's verdict columns (``verdict:``): breach flags,
the time left on a target (Jira Service Management: ``-1h 30m``, negative when breached), or
the desk's own business minutes (Zendesk: ``... within business hours``; the desk's verdict is
then that figure against the agreement's target). Each decided target (met or breached by the
as-of time, in the period) is compared with the contract's figure from the agreement's
calendar.

The contract's verdicts are the report's own (report.measured): with --status-history the
priority each target was measured at and the pauses of the history count, and with an author
column automatic replies are not Responses, exactly as in the report's figures.

The rule that decides a disagreement is found by checking, not guessing: the contract's
business time is computed again with one rule taken away at a time (an automatic reply counted
as the Response; the priority changes, measuring from logging at the priority the ticket
ended at or at the one it was logged at; the status history's pauses; the paused column's
pauses; the calendar's public holidays; its reduced days; the clock change, by counting
wall-clock time across it; the agreement's calendar itself, by counting clock time or the
default calendar instead). A rule decides the ticket when, without it, the contract's verdict
becomes the desk's; when the desk gave a figure, the rule whose figure comes nearest to the
desk's is named. A disagreement no rule accounts for is listed as "not explained".

Under --no-response-column the contract has no Response of its own (it is the resolution), so a
Response the contract calls breached and the desk calls met is put down to that, and the
desk's verdict is named the better evidence (the report charges no response credit then).
A target with no verdict column to compare with is said to be skipped, and why.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from slawriter.clock.calendars import calendars_for, without
from slawriter.clock.engine import Calendar
from slawriter.errors import InputError
from slawriter.files.output import display_path
from slawriter.measure.batch import NOT_A_TIME
from slawriter.measure.importer import _read_columns, record_lines, shown
from slawriter.measure.mapping import choose_mapping
from slawriter.measure.report import Report
from slawriter.model.agreement import Agreement
from slawriter.model.provider import Provider
from slawriter.text.numbers import count_text, decimal_text
from slawriter.text.times import duration_words, minutes_words

_US = 1_000_000
_YES = {"yes", "y", "true", "1", "breached", "breach", "failed", "missed"}
_NO = {"no", "n", "false", "0", "met", "achieved", "ok", "succeeded"}
_UNIT_SECONDS = {"s": 1, "m": 60, "min": 60, "mins": 60, "h": 3600}
_TOKEN = re.compile(r"(\d+(?:\.\d+)?)\s*(yr|mo|mins|min|w|d|h|m|s)\b")
_CLOCK = re.compile(r"^(\d+):(\d{2})$")
NOT_EXPLAINED = "not explained"


@dataclass(frozen=True)
class DeskVerdict:
    breached: bool
    figure_s: float | None  # the desk's business time, when it gave one


def parse_flag(text: str) -> bool | None:
    """yes/no, true/false, breached/met; ValueError for anything else."""
    value = text.strip().lower()
    if value in _YES:
        return True
    if value in _NO:
        return False
    raise ValueError(f"'{shown(text)}' is not yes or no (breached or met)")


def parse_remaining(text: str) -> tuple[bool, float | None]:
    """'-1h 30m' -> (breached, seconds left or None when units depend on the desk's calendar).

    Days, weeks and months are left unconverted: Jira counts them in its calendar's working
    hours, which the export does not say. The sign still gives the verdict."""
    value = text.strip()
    negative = value.startswith("-")
    body = value.lstrip("+-").strip()
    clock = _CLOCK.match(body)
    if clock:
        seconds = float(int(clock.group(1)) * 3600 + int(clock.group(2)) * 60)
        return negative, -seconds if negative else seconds
    tokens = _TOKEN.findall(body)
    if not tokens or _TOKEN.sub("", body).strip():
        raise ValueError(f"'{shown(text)}' is not a time left (expected e.g. 2h 30m or -45m)")
    if any(unit not in _UNIT_SECONDS for _, unit in tokens):
        return negative, None
    seconds = sum((float(number) * _UNIT_SECONDS[unit] for number, unit in tokens), 0.0)
    return negative and seconds > 0, -seconds if negative else seconds


def _desk(kind: str, text: str, target_s: int) -> DeskVerdict:
    if kind.endswith("_breached") or kind == "breached":
        flag = parse_flag(text)
        assert flag is not None
        return DeskVerdict(flag, None)
    if kind.endswith("_remaining"):
        breached, left = parse_remaining(text)
        return DeskVerdict(breached, None if left is None else target_s - left)
    try:
        minutes = float(text.strip())
    except ValueError:
        raise ValueError(f"'{shown(text)}' is not a number of minutes") from None
    if not 0 <= minutes < 1e9:
        raise ValueError(f"'{shown(text)}' is not a number of minutes")
    return DeskVerdict(minutes * 60 > target_s, minutes * 60)


def _utc(instant: int) -> datetime:
    return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(microseconds=instant)


Spans = list[tuple[datetime, datetime]]


@dataclass(frozen=True)
class _Case:
    """One decided target as the report measured it, and what each rule needs to undo it."""

    calendar: Calendar
    default: Calendar
    start: datetime
    end: datetime
    pauses: Spans  # every pause: the export's paused column and the status history's
    target_s: int
    column_pauses: Spans = field(default_factory=list)
    history_pauses: Spans = field(default_factory=list)
    pause_statuses: tuple[str, ...] = ()
    # Without the priority changes: from logging to the event, at the logged priority or at
    # the one it ended at (id, calendar, target); and what the changes were.
    logged: tuple[datetime, datetime, tuple[tuple[str, Calendar, int], ...]] | None = None
    changes: str = ""
    automatic_at: datetime | None = None  # a Response target whose reply was automatic
    authors_column: str = ""
    proxy: bool = False  # a Response measured as the resolution (--no-response-column)


Finding = tuple[str, float, int]  # the reason, the contract's figure without it, its target


def _holiday(case: _Case) -> Finding | None:
    days = case.calendar.holidays_between(
        case.start.astimezone(case.calendar.timezone).date(),
        case.end.astimezone(case.calendar.timezone).date(),
    )
    if not days:
        return None
    names = ", ".join(f"{name} ({day.isoformat()})" for day, name in days)
    figure = without(case.calendar, holidays=True).elapsed(case.start, case.end, case.pauses)
    return (
        f"holiday: {names} is closed on the agreement's calendar",
        figure.total_seconds(),
        case.target_s,
    )


def _paused_minutes(case: _Case, kept: Spans) -> tuple[float, float]:
    """The business minutes the pauses not kept took off, and the figure without them."""
    figure = case.calendar.elapsed(case.start, case.end, kept).total_seconds()
    with_all = case.calendar.elapsed(case.start, case.end, case.pauses).total_seconds()
    return (figure - with_all) / 60, figure


def _pause(case: _Case) -> Finding | None:
    """Pauses from the export's own paused column."""
    if not case.column_pauses:
        return None
    minutes, figure = _paused_minutes(case, case.history_pauses)
    if minutes <= 0:
        return None
    return (
        f"pause: {_figure(minutes)} business minutes paused stop the contract's clock",
        figure,
        case.target_s,
    )


def _history_pause(case: _Case) -> Finding | None:
    """Pauses from the time the status history shows in a pausing status."""
    if not case.history_pauses:
        return None
    minutes, figure = _paused_minutes(case, case.column_pauses)
    if minutes <= 0:
        return None
    return (
        f"pause: {_figure(minutes)} business minutes in a pausing status of the status history "
        f"({', '.join(case.pause_statuses)}) stop the contract's clock",
        figure,
        case.target_s,
    )


def _from_logging(case: _Case, which: int, told: str) -> Finding | None:
    if case.logged is None:
        return None
    start, end, options = case.logged
    pid, calendar, target_s = options[which]
    figure = calendar.elapsed(start, end, case.pauses).total_seconds()
    return (
        f"priority change: {case.changes}; at {told} {pid} from logging it would be "
        f"{_hm(figure)} of {_hm(target_s)}",
        figure,
        target_s,
    )


def _priority_change(case: _Case) -> Finding | None:
    """As a desk that re-applies the new priority's targets from logging would count it."""
    return _from_logging(case, 1, "the priority it ended at,")


def _priority_logged(case: _Case) -> Finding | None:
    """As a desk that never changed the priority would count it."""
    return _from_logging(case, 0, "the logged priority,")


def _auto_reply(case: _Case) -> Finding | None:
    if case.automatic_at is None:
        return None
    zone = case.calendar.timezone
    reply = max(case.automatic_at, case.start)
    figure = case.calendar.elapsed(case.start, reply, case.pauses).total_seconds()
    return (
        f"auto-reply: the reply at {case.automatic_at.astimezone(zone):%Y-%m-%d %H:%M} was "
        f"automatic ('{case.authors_column}'), which the contract does not count as a "
        "Response",
        figure,
        case.target_s,
    )


def _reduced(case: _Case) -> Finding | None:
    zone = case.calendar.timezone
    first, last = case.start.astimezone(zone).date(), case.end.astimezone(zone).date()
    days = sorted(day for day in case.calendar.reduced if first <= day <= last)
    if not days:
        return None
    figure = without(case.calendar, reduced=True).elapsed(case.start, case.end, case.pauses)
    listed = ", ".join(day.isoformat() for day in days)
    return (
        f"reduced hours: {listed} has shorter hours on the agreement's calendar",
        figure.total_seconds(),
        case.target_s,
    )


def _clock_change(case: _Case) -> Finding | None:
    zone = case.calendar.timezone
    before, after = case.start.astimezone(zone).utcoffset(), case.end.astimezone(zone).utcoffset()
    if before is None or after is None or before == after:
        return None
    # A desk that ignores the change counts wall-clock time: the end read at the start's offset.
    wall = case.end.astimezone(zone).replace(tzinfo=timezone(before))
    figure = case.calendar.elapsed(case.start, wall, case.pauses)
    shift = (after - before).total_seconds() / 3600
    return (
        f"clock change: the clocks went {'forward' if shift > 0 else 'back'} "
        f"{duration_words(timedelta(hours=abs(shift)))} in {case.calendar.tz_name} during "
        "the ticket",
        figure.total_seconds(),
        case.target_s,
    )


def _calendar(case: _Case) -> Finding | None:
    clock = (case.end - case.start).total_seconds()
    return (
        f"calendar: the contract counts business time on calendar '{case.calendar.name}', "
        "not clock time",
        clock,
        case.target_s,
    )


def _default_calendar(case: _Case) -> Finding | None:
    if case.default is case.calendar:
        return None
    figure = case.default.elapsed(case.start, case.end, case.pauses)
    return (
        f"calendar: this priority's targets run on calendar '{case.calendar.name}', not the "
        f"default calendar '{case.default.name}'",
        figure.total_seconds(),
        case.target_s,
    )


# In order of preference when the desk gives no figure: what the report knows from the
# ticket's own history first, then the calendar's rules.
RULES: tuple[Callable[[_Case], Finding | None], ...] = (
    _auto_reply, _priority_change, _priority_logged, _history_pause, _pause, _holiday,
    _reduced, _clock_change, _default_calendar, _calendar,
)  # fmt: skip


def _figure(value: float) -> str:
    """A figure in a sentence as the report prints one: to the hundredth, never 1e+06."""
    return decimal_text(round(value, 2))


PROXY_RULE = "no response time"


def _proxy(case: _Case, desk: DeskVerdict) -> str:
    told = (
        f"{_hm(desk.figure_s)} of {_hm(case.target_s)}, met" if desk.figure_s is not None else "met"
    )
    return (
        f"{PROXY_RULE}: the export gives none (--no-response-column), so the contract's "
        f"response figure is the resolution; the helpdesk's own verdict ({told}) is the better "
        "evidence of the Response, and no response credit is charged"
    )


def explain(case: _Case, desk: DeskVerdict) -> tuple[str, float | None]:
    """The rule that decides the disagreement, and the contract's figure without it."""
    if case.proxy and not desk.breached:
        # The contract's "breached" is the resolution's time: it says nothing of the Response.
        return _proxy(case, desk), desk.figure_s
    found: list[tuple[str, float]] = []
    for rule in RULES:
        result = rule(case)
        if result is None:
            continue
        reason, figure, target_s = result
        if (figure > target_s) == desk.breached:
            found.append((reason, figure))
    if not found:
        return NOT_EXPLAINED, None
    if desk.figure_s is not None:
        desk_s = desk.figure_s
        return min(found, key=lambda item: abs(item[1] - desk_s))
    return found[0]


@dataclass(frozen=True)
class Source:
    """The ticket export and how it is read (the report's own --preset or --mapping)."""

    tickets: Path
    preset: str | None
    mapping: Path | None
    library_root: Path | None
    response_as_resolution: bool


def add_comparison(
    report: Report, agreement: Agreement, provider: Provider, inputs: Source
) -> None:
    """Add ``comparison`` to the report's JSON and a section to its documents; InputError
    (exit 2) when the export carries no verdict to compare with."""
    mapping = choose_mapping(inputs.preset, inputs.mapping, inputs.library_root)
    name = display_path(inputs.tickets)
    if not mapping.verdict:
        raise InputError(
            f"--compare: {mapping.origin} names no column with the helpdesk's own SLA verdict, "
            "so there is nothing to compare; name the export's breach flag or SLA column "
            "under 'verdict:' in a --mapping file (see slawriter docs measurement)"
        )
    wanted = {"id": mapping.tickets["id"], **mapping.verdict}
    chunks = list(_read_columns(inputs.tickets, name, wanted, ("id",), "ticket"))
    present = [k for k in mapping.verdict if chunks and k in chunks[0]]
    if not present:
        listed = ", ".join(f"'{h}'" for h in mapping.verdict.values())
        raise InputError(
            f"--compare: {name} has none of the verdict columns {mapping.origin} names "
            f"({listed}), so there is nothing to compare"
        )
    rows = _Rows.of(chunks, present, inputs.tickets)
    del chunks
    result = _compare(report, agreement, provider, inputs, rows, present, wanted, name)
    report.extra_json["comparison"] = result
    report.extra_sections.append(("comparison", "Helpdesk and contract compared", _blocks(result)))


@dataclass(frozen=True)
class _Rows:
    """The export's verdict columns as read again, and where each id's first row is: as
    columns (a dict a row held a million tickets' export in 300 MB more)."""

    values: dict[str, list[str]]  # verdict column -> each row's text
    first: Any  # the distinct ids, as written (a pandas Index) -> ...
    first_row: Any  # ... the row each is first on
    lines: Any  # numpy array: each row's physical line (a quoted field may span lines)

    @classmethod
    def of(cls, chunks: list[dict[str, Any]], present: list[str], path: Path) -> _Rows:
        import numpy as np
        import pandas as pd  # type: ignore[import-untyped,unused-ignore]

        def joined(column: str) -> Any:
            return np.concatenate(
                [chunk[column].to_numpy(dtype=object) for chunk in chunks]
                or [np.zeros(0, dtype=object)]
            )

        ids = joined("id")
        codes, distinct = pd.factorize(ids, use_na_sentinel=False)
        _, first_row = np.unique(codes, return_index=True)  # codes number ids as first seen
        values = {kind: joined(kind).tolist() for kind in present}
        lines = record_lines(path, len(ids))
        return cls(values, pd.Index(distinct), first_row, lines)

    def rows_of(self, ids: Any) -> list[int]:
        """The row each of ``ids`` is first on in the export (-1: not there)."""
        import numpy as np

        found = self.first.get_indexer(ids)
        rows: list[int] = np.where(found >= 0, self.first_row[found], -1).tolist()
        return rows


def _spans(owner: Any, first: Any, last: Any, ticket: int, floor: int, ceiling: int) -> Spans:
    """One ticket's pauses (owners sorted) clipped to [floor, ceiling]: a pause still going
    on has no end of its own."""
    import numpy as np

    low, high = np.searchsorted(owner, ticket, "left"), np.searchsorted(owner, ticket, "right")
    spans = []
    for a, b in zip(first[low:high].tolist(), last[low:high].tolist(), strict=True):
        a, b = max(a, floor), min(b, ceiling)
        if a < b:
            spans.append((_utc(a), _utc(b)))
    return spans


def _sorted(pauses: tuple[Any, Any, Any]) -> tuple[Any, Any, Any]:
    import numpy as np

    owner, first, last = pauses
    order = np.argsort(owner, kind="stable")
    return owner[order], first[order], last[order]


def _compare(
    report: Report,
    agreement: Agreement,
    provider: Provider,
    inputs: Source,
    rows: _Rows,
    present: list[str],
    wanted: dict[str, str],
    name: str,
) -> dict[str, Any]:
    import numpy as np

    tickets, measured = report.ticket_data, report.measured
    assert tickets is not None and measured is not None
    calendars = calendars_for(agreement, provider)
    zone = calendars.local.timezone
    as_of_us = round(report.as_of.timestamp() * _US)
    default = calendars[agreement.default_calendar]
    ids = tickets.priority_ids
    column = _sorted((tickets.pause_owner, tickets.pause_start, tickets.pause_end))
    history = _sorted(measured.history_pauses)
    merged = measured.pauses  # merged by owner, so sorted
    automatic = tickets.automatic_at if len(tickets.automatic_at) == len(tickets) else None
    # The decided stretch of each ticket's target: its first breached group, else its last.
    # A stretch still open within its target decides nothing: no verdict to compare. As a
    # list per target, by ticket (-1: none), from the columns at once.
    decided: dict[str, list[int]] = {}
    for target in ("response", "resolution"):
        item = measured.verdicts[target]
        pick = np.full(len(tickets.ids), -1, dtype=np.int64)
        where = np.flatnonzero(item.breached | item.done)
        backwards = where[::-1]
        owners, last = np.unique(item.ticket[backwards], return_index=True)
        pick[owners] = backwards[last]
        over = where[item.breached[where]]
        owners, first = np.unique(item.ticket[over], return_index=True)
        pick[owners] = over[first]
        decided[target] = pick.tolist()

    def case_of(target: str, index: int, position: int) -> tuple[bool, float, int, _Case]:
        item = measured.verdicts[target]
        code = int(item.priority[position])
        priority = agreement.priorities[ids[code]]
        calendar = calendars[priority.calendar or agreement.default_calendar]
        first, last = int(item.start[position]), int(item.end[position])
        created = int(tickets.created[index])
        event = int(measured.responded[index] if target == "response" else tickets.resolved[index])
        stop = event if event != NOT_A_TIME and event <= as_of_us else as_of_us
        ceiling = max(stop, last)
        logged: tuple[datetime, datetime, tuple[tuple[str, Calendar, int], ...]] | None = None
        changes = ""
        parts = measured.segments.get(index)
        if parts:
            options = []
            # The priority before the first change (a disputed one replaced it from logging:
            # then the export's own value is all there is).
            first_code = int(tickets.priority[index]) if parts[0][2] else parts[0][1]
            for at_code in (first_code, parts[-1][1]):
                at = agreement.priorities[ids[at_code]]
                at_calendar = calendars[at.calendar or agreement.default_calendar]
                amount = at.response if target == "response" else at.resolution
                options.append((ids[at_code], at_calendar, at_calendar.target_seconds(amount)))
            logged = (_utc(created), _utc(max(stop, created)), tuple(options))
            steps = "; ".join(
                f"{rule} to {ids[c]} at {_utc(when).astimezone(zone):%Y-%m-%d %H:%M}"
                for when, c, rule in parts
                if rule
            )
            changes = (
                f"{steps}, so the contract measures this target at {ids[code]} from "
                f"{_utc(first).astimezone(zone):%Y-%m-%d %H:%M}"
            )
        reply = (
            int(automatic[index])
            if automatic is not None and target == "response" and automatic[index] != NOT_A_TIME
            else None
        )
        case = _Case(
            calendar=calendar,
            default=default,
            start=_utc(first),
            end=_utc(last),
            pauses=_spans(*merged, index, created, ceiling),
            target_s=int(item.limit[position] // _US),
            column_pauses=_spans(*column, index, created, ceiling),
            history_pauses=_spans(*history, index, created, ceiling),
            pause_statuses=report.inputs.pause_statuses,
            logged=logged,
            changes=changes,
            automatic_at=None if reply is None else _utc(reply),
            authors_column=tickets.authors_column or "",
            proxy=target == "response" and inputs.response_as_resolution,
        )
        return bool(item.breached[position]), int(item.used[position]) / _US, code, case

    # Each target's verdict as plain lists: a ticket the helpdesk agrees on (almost all of
    # them) needs only these; its case (pauses, changes, calendars) is built only for a
    # disagreement, to explain it (building it for every ticket took a million-ticket
    # comparison 50 s).
    # (A target's seconds are its priority's: one figure a priority, not one a row.)
    listed: dict[str, tuple[list[bool], list[int], dict[int, int]]] = {}
    for target in ("response", "resolution"):
        item = measured.verdicts[target]
        codes, first = np.unique(item.priority, return_index=True)
        seconds = dict(zip(codes.tolist(), (item.limit[first] // _US).tolist(), strict=True))
        listed[target] = (item.breached.tolist(), item.priority.tolist(), seconds)

    def verdict_of(target: str, position: int) -> tuple[bool, int]:
        """The contract's verdict on a ticket's target (breached?) and its target seconds."""
        breached, priority, seconds = listed[target]
        return breached[position], seconds[priority[position]]

    compared = agreed = 0
    disagreements: list[dict[str, Any]] = []
    unreadable: list[str] = []
    export = rows.values
    for index, (ticket, row) in enumerate(
        zip(tickets.ids.tolist(), rows.rows_of(tickets.ids), strict=True)
    ):
        if row < 0:
            continue
        line = int(rows.lines[row])
        ours: dict[str, tuple[int, bool, int]] = {}  # target: position, breached, target_s
        for target in ("response", "resolution"):
            found = decided[target][index]
            if found >= 0:
                ours[target] = (found, *verdict_of(target, found))
        for kind in present:
            text = export[kind][row].strip()
            if not text:
                continue
            targets = ["response", "resolution"] if kind == "breached" else [kind.split("_")[0]]
            chosen_targets = [t for t in targets if t in ours]
            if not chosen_targets or (kind == "breached" and len(chosen_targets) < len(targets)):
                continue
            target_s = ours[chosen_targets[0]][2]
            try:
                desk = _desk(kind, text, target_s)
            except ValueError as error:
                unreadable.append(f"{name}:{line}: {wanted[kind]}: {error}")
                continue
            compared += 1
            contract_breached = any(ours[t][1] for t in chosen_targets)
            if desk.breached == contract_breached:
                agreed += 1
                continue
            # The target that differs: the breached one when the contract says breached.
            chosen = next(
                (t for t in chosen_targets if ours[t][1] == contract_breached), chosen_targets[0]
            )
            breached, used, code, case = case_of(chosen, index, ours[chosen][0])
            reason, figure = explain(case, desk)
            disagreements.append(
                {
                    "id": ticket,
                    "line": line,
                    "priority": ids[code],
                    "target": chosen,
                    "column": wanted[kind],
                    "desk_value": text,
                    "desk_shown": _desk_text(kind, text),
                    "desk_breached": desk.breached,
                    "desk_business_s": desk.figure_s,
                    "contract_breached": breached,
                    "contract_business_s": used,
                    "target_s": case.target_s,
                    "rule": reason.split(":", 1)[0],
                    "explanation": reason,
                    "figure_without_rule_s": figure,
                }
            )
    return {
        "columns": {k: wanted[k] for k in present},
        "compared": compared,
        "agreed": agreed,
        "disagreements": disagreements,
        "unreadable": unreadable,
        "notes": _notes(present, inputs.response_as_resolution),
    }


def _notes(present: list[str], proxy: bool) -> list[str]:
    """What was not compared and why, and what a proxied Response means: never silent."""
    notes = []
    for target in ("response", "resolution"):
        if not any(k == "breached" or k.startswith(f"{target}_") for k in present):
            notes.append(
                f"{target.capitalize()} targets not compared: the export has no column with "
                f"the helpdesk's own {target} verdict"
            )
        elif target == "response" and proxy:
            notes.append(
                "Response targets: the export gives no response time (--no-response-column), "
                "so the contract's response figure is the resolution; where the helpdesk's "
                "response verdict differs, the helpdesk's is the better evidence"
            )
    return notes


def _hm(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    minutes = round(seconds / 60)
    return f"{minutes // 60}h {minutes % 60:02d}m" if minutes >= 60 else f"{minutes}m"


def _verdict(breached: bool) -> str:
    return "breached" if breached else "met"


def _desk_text(kind: str, text: str) -> str:
    """The desk's own figure with its unit: a column of business minutes holds bare numbers
    ('750 minutes'); a time left ('-1h 30m') and a breach flag ('yes') are shown as given."""
    if kind.endswith("_business_minutes"):
        return minutes_words(float(text) * 60)
    return text


def summary_lines(result: dict[str, Any]) -> list[str]:
    """What the command prints: one line per disagreement, then unreadable verdicts."""
    items = result["disagreements"]
    lines = [
        f"Compared with the helpdesk's verdict ({', '.join(result['columns'].values())}): "
        f"{count_text(result['compared'])} targets, {count_text(result['agreed'])} agree, "
        f"{count_text(len(items))} disagree"
    ]
    lines.extend(f"  {note}" for note in result.get("notes", []))
    for item in items:
        lines.append(
            f"  {item['id']} ({item['priority']} {item['target']}): helpdesk: "
            f"{_verdict(item['desk_breached'])} ({item['desk_shown']}), contract: "
            f"{_verdict(item['contract_breached'])} ({_hm(item['contract_business_s'])} of "
            f"{_hm(item['target_s'])}): {item['explanation']}"
        )
    lines.extend(f"  not compared: {text}" for text in result["unreadable"])
    return lines


def _blocks(result: dict[str, Any]) -> list[Any]:
    from slawriter.measure.documents import _para, _table

    items = result["disagreements"]
    blocks: list[Any] = [
        _para(
            f"The helpdesk's own verdict ({', '.join(result['columns'].values())}) was compared "
            f"with the contract's for {count_text(result['compared'])} targets: "
            f"{count_text(result['agreed'])} agree, {count_text(len(items))} disagree. "
            "For each disagreement, the rule named is the one without "
            "which the contract's verdict would be the helpdesk's; \"not explained\" means no "
            "rule checked accounts for it."
        )
    ]
    blocks.extend(_para(f"{note}.") for note in result.get("notes", []))
    if items:
        rows = [
            [
                str(item["id"]),
                f"{item['priority']} {item['target']}",
                f"{_verdict(item['desk_breached'])} ({item['desk_shown']})",
                f"{_verdict(item['contract_breached'])} ({_hm(item['contract_business_s'])})",
                _hm(item["target_s"]),
                item["explanation"],
            ]
            for item in items[:100]
        ]
        header = ["Ticket", "Target", "Helpdesk", "Contract", "Target time", "Decided by"]
        blocks.append(_table(header, rows, 4, 5))
    for text in result["unreadable"][:100]:
        blocks.append(_para(f"Not compared: {text}"))
    return blocks
