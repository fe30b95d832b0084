"""``report --compare``: where the helpdesk's own SLA verdict and the contract disagree, and why.

The preset or mapping file names the export's verdict columns (``verdict:``): breach flags,
the time left on a target (Jira Service Management: ``-1h 30m``, negative when breached), or
the desk's own business minutes (Zendesk: ``... within business hours``; the desk's verdict is
then that figure against the agreement's target). Each decided target (met or breached by the
as-of time, in the period) is compared with the contract's figure from the agreement's
calendar.

The rule that decides a disagreement is found by checking, not guessing: the contract's
business time is computed again with one rule taken away at a time (pauses; the calendar's
public holidays; its reduced days; the clock change, by counting wall-clock time across it; the
agreement's calendar itself, by counting clock time or the default calendar instead). A rule
decides the ticket when, without it, the contract's verdict becomes the desk's; when the desk
gave a figure, the rule whose figure comes nearest to the desk's is named. Priority changes and
auto-replies need the status history and the replies' authors, which this reading of the
export does not have: a disagreement no rule accounts for is listed as "not explained".
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from slawriter.clock.calendars import calendars_for, without
from slawriter.clock.engine import Calendar
from slawriter.errors import InputError
from slawriter.files.output import display_path
from slawriter.measure.batch import NOT_A_TIME
from slawriter.measure.importer import _read_columns, shown
from slawriter.measure.mapping import choose_mapping
from slawriter.measure.report import Report, parse_period
from slawriter.model.agreement import Agreement
from slawriter.model.provider import Provider

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


@dataclass(frozen=True)
class _Case:
    calendar: Calendar
    default: Calendar
    start: datetime
    end: datetime
    pauses: list[tuple[datetime, datetime]]
    target_s: int


def _holiday(case: _Case) -> tuple[str, float] | None:
    days = case.calendar.holidays_between(
        case.start.astimezone(case.calendar.timezone).date(),
        case.end.astimezone(case.calendar.timezone).date(),
    )
    if not days:
        return None
    names = ", ".join(f"{name} ({day.isoformat()})" for day, name in days)
    figure = without(case.calendar, holidays=True).elapsed(case.start, case.end, case.pauses)
    return f"holiday: {names} is closed on the agreement's calendar", figure.total_seconds()


def _pause(case: _Case) -> tuple[str, float] | None:
    if not case.pauses:
        return None
    figure = case.calendar.elapsed(case.start, case.end)
    paused = figure - case.calendar.elapsed(case.start, case.end, case.pauses)
    minutes = paused.total_seconds() / 60
    return f"pause: {minutes:g} business minutes paused stop the contract's clock", float(
        figure.total_seconds()
    )


def _reduced(case: _Case) -> tuple[str, float] | None:
    zone = case.calendar.timezone
    first, last = case.start.astimezone(zone).date(), case.end.astimezone(zone).date()
    days = sorted(day for day in case.calendar.reduced if first <= day <= last)
    if not days:
        return None
    figure = without(case.calendar, reduced=True).elapsed(case.start, case.end, case.pauses)
    listed = ", ".join(day.isoformat() for day in days)
    return f"reduced hours: {listed} has shorter hours on the agreement's calendar", float(
        figure.total_seconds()
    )


def _clock_change(case: _Case) -> tuple[str, float] | None:
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
        f"{abs(shift):g} hour(s) in {case.calendar.tz_name} during the ticket",
        float(figure.total_seconds()),
    )


def _calendar(case: _Case) -> tuple[str, float] | None:
    clock = (case.end - case.start).total_seconds()
    return (
        f"calendar: the contract counts business time on calendar '{case.calendar.name}', "
        "not clock time",
        float(clock),
    )


def _default_calendar(case: _Case) -> tuple[str, float] | None:
    if case.default is case.calendar:
        return None
    figure = case.default.elapsed(case.start, case.end, case.pauses)
    return (
        f"calendar: this priority's targets run on calendar '{case.calendar.name}', not the "
        f"default calendar '{case.default.name}'",
        float(figure.total_seconds()),
    )


RULES: tuple[Callable[[_Case], tuple[str, float] | None], ...] = (
    _pause, _holiday, _reduced, _clock_change, _default_calendar, _calendar,
)  # fmt: skip


def explain(case: _Case, desk: DeskVerdict) -> tuple[str, float | None]:
    """The rule that decides the disagreement, and the contract's figure without it."""
    found: list[tuple[str, float]] = []
    for rule in RULES:
        result = rule(case)
        if result is None:
            continue
        reason, figure = result
        if (figure > case.target_s) == desk.breached:
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
            "under 'verdict:' in a --mapping file (see docs/measurement.md)"
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
    rows: dict[str, tuple[int, dict[str, str]]] = {}
    line = 2
    for chunk in chunks:
        ids = chunk["id"].tolist()
        values = {k: chunk[k].tolist() for k in present}
        for index, ticket in enumerate(ids):
            rows.setdefault(ticket, (line + index, {k: values[k][index] for k in present}))
        line += len(ids)
    result = _compare(report, agreement, provider, inputs, rows, present, wanted, name)
    report.extra_json["comparison"] = result
    report.extra_sections.append(("comparison", "Helpdesk and contract compared", _blocks(result)))


def _compare(
    report: Report,
    agreement: Agreement,
    provider: Provider,
    inputs: Source,
    rows: dict[str, tuple[int, dict[str, str]]],
    present: list[str],
    wanted: dict[str, str],
    name: str,
) -> dict[str, Any]:
    tickets = report.ticket_data
    assert tickets is not None
    calendars = calendars_for(agreement, provider)
    zone = calendars.local.timezone
    months = parse_period(report.period)
    (year, month), (last_year, last_month) = months[0], months[-1]
    begin = datetime(year, month, 1, tzinfo=zone)
    end = datetime(last_year + last_month // 12, last_month % 12 + 1, 1, tzinfo=zone)
    begin_us = round(begin.timestamp() * _US)
    end_us = round(end.timestamp() * _US)
    as_of_us = round(report.as_of.timestamp() * _US)
    default = calendars[agreement.default_calendar]
    pauses_of: dict[int, list[tuple[datetime, datetime]]] = {}
    for owner, first, last in zip(
        tickets.pause_owner.tolist(),
        tickets.pause_start.tolist(),
        tickets.pause_end.tolist(),
        strict=True,
    ):
        pauses_of.setdefault(owner, []).append((_utc(first), _utc(last)))
    compared = agreed = 0
    disagreements: list[dict[str, Any]] = []
    unreadable: list[str] = []
    for index, ticket in enumerate(tickets.ids.tolist()):
        created = int(tickets.created[index])
        if ticket not in rows or not begin_us <= created < end_us:
            continue
        line, values = rows[ticket]
        pid = tickets.priority_ids[int(tickets.priority[index])]
        priority = agreement.priorities[pid]
        calendar = calendars[priority.calendar or agreement.default_calendar]
        pauses = pauses_of.get(index, [])
        start = _utc(created)
        ours: dict[str, tuple[bool, float, datetime, int]] = {}
        resolved = int(tickets.resolved[index])
        responded = int(tickets.responded[index])
        if responded == NOT_A_TIME:
            responded = resolved
        for target, done_at, amount in (
            ("response", responded, priority.response),
            ("resolution", resolved, priority.resolution),
        ):
            if target == "response" and inputs.response_as_resolution:
                continue  # the response figure is the resolution: nothing of its own to compare
            target_s = calendar.target_seconds(amount)
            done = done_at != NOT_A_TIME and done_at <= as_of_us
            stop = _utc(max(done_at if done else as_of_us, created))
            used = calendar.elapsed(start, stop, pauses).total_seconds()
            if done or used > target_s:
                ours[target] = (used > target_s, used, stop, target_s)
        for kind in present:
            text = values[kind].strip()
            if not text:
                continue
            targets = ["response", "resolution"] if kind == "breached" else [kind.split("_")[0]]
            decided = [t for t in targets if t in ours]
            if not decided or (kind == "breached" and len(decided) < len(targets)):
                continue
            target_s = ours[decided[0]][3]
            try:
                desk = _desk(kind, text, target_s)
            except ValueError as error:
                unreadable.append(f"{name}:{line}: {wanted[kind]}: {error}")
                continue
            compared += 1
            contract_breached = any(ours[t][0] for t in decided)
            if desk.breached == contract_breached:
                agreed += 1
                continue
            # The target that differs: the breached one when the contract says breached.
            chosen = next((t for t in decided if ours[t][0] == contract_breached), decided[0])
            breached, used, stop, target_s = ours[chosen]
            case = _Case(calendar, default, start, stop, pauses, target_s)
            reason, figure = explain(case, desk)
            disagreements.append(
                {
                    "id": ticket,
                    "line": line,
                    "priority": pid,
                    "target": chosen,
                    "column": wanted[kind],
                    "desk_value": text,
                    "desk_breached": desk.breached,
                    "desk_business_s": desk.figure_s,
                    "contract_breached": breached,
                    "contract_business_s": used,
                    "target_s": target_s,
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
    }


def _hm(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    minutes = round(seconds / 60)
    return f"{minutes // 60}h {minutes % 60:02d}m" if minutes >= 60 else f"{minutes}m"


def _verdict(breached: bool) -> str:
    return "breached" if breached else "met"


def summary_lines(result: dict[str, Any]) -> list[str]:
    """What the command prints: one line per disagreement, then unreadable verdicts."""
    items = result["disagreements"]
    lines = [
        f"Compared with the helpdesk's verdict ({', '.join(result['columns'].values())}): "
        f"{result['compared']} targets, {result['agreed']} agree, {len(items)} disagree"
    ]
    for item in items:
        lines.append(
            f"  {item['id']} ({item['priority']} {item['target']}): helpdesk "
            f"{_verdict(item['desk_breached'])} ({item['desk_value']}), contract "
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
            f"with the contract's for {result['compared']} targets: {result['agreed']} agree, "
            f"{len(items)} disagree. For each disagreement, the rule named is the one without "
            "which the contract's verdict would be the helpdesk's; \"not explained\" means no "
            "rule checked accounts for it."
        )
    ]
    if items:
        rows = [
            [
                str(item["id"]),
                f"{item['priority']} {item['target']}",
                f"{_verdict(item['desk_breached'])} ({item['desk_value']})",
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
