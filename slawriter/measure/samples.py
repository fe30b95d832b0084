"""Sample exports in each preset's shape, for tests, documentation and trying things out.

``write_export`` writes canonical tickets as a given desk would export them: its column
headings, its spelling of priorities and its usual date format.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from slawriter.measure.mapping import load_preset
from slawriter.measure.presets import CANONICAL, Mapping


@dataclass(frozen=True)
class SampleTicket:
    id: str
    priority: str  # P1..P4
    created: datetime  # naive local, or aware
    responded: datetime | None = None
    resolved: datetime | None = None
    service: str = ""
    paused: tuple[tuple[datetime, datetime], ...] = ()


@dataclass(frozen=True)
class Style:
    """How one desk writes priorities and times."""

    priorities: dict[str, str]  # P1 -> the desk's word
    time_format: str  # strftime; "Z" suffix formats write UTC
    date_order: str
    encoding: str = "utf-8"


STYLES: dict[str, Style] = {
    "canonical": Style({}, "%Y-%m-%d %H:%M", "day-first"),
    "connectwise": Style(
        {
            "P1": "Priority 1 - Emergency Response",
            "P2": "Priority 2 - Quick Response",
            "P3": "Priority 3 - Normal Response",
            "P4": "Priority 4 - Schedule Maintenance",
        },
        "%m/%d/%Y %I:%M %p",
        "month-first",
    ),
    "autotask": Style(
        {"P1": "Critical", "P2": "High", "P3": "Medium", "P4": "Low"},
        "%d/%m/%Y %H:%M",
        "day-first",
        "utf-8-sig",
    ),
    "halopsa": Style(
        {"P1": "1 - Critical", "P2": "2 - High", "P3": "3 - Medium", "P4": "4 - Low"},
        "%d/%m/%Y %H:%M:%S",
        "day-first",
        "cp1252",
    ),
    "zendesk": Style(
        {"P1": "Urgent", "P2": "High", "P3": "Normal", "P4": "Low"},
        "%Y-%m-%dT%H:%M:%SZ",
        "day-first",
    ),
    "freshdesk": Style(
        {"P1": "Urgent", "P2": "High", "P3": "Medium", "P4": "Low"},
        "%Y-%m-%d %H:%M:%S",
        "day-first",
    ),
    "jira": Style(
        {"P1": "Highest", "P2": "High", "P3": "Medium", "P4": "Low"},
        "%d/%b/%y %I:%M %p",
        "day-first",
    ),
}


def _time(moment: datetime | None, style: Style) -> str:
    if moment is None:
        return ""
    if style.time_format.endswith("Z"):
        from datetime import UTC

        if moment.tzinfo is None:
            raise ValueError("a UTC export needs aware sample times")
        return moment.astimezone(UTC).strftime(style.time_format)
    return moment.strftime(style.time_format)


def _response(ticket: SampleTicket, style: Style, column: str) -> str:
    if column == "first_reply_minutes":  # a duration: calendar minutes after logging
        if ticket.responded is None:
            return ""
        return f"{(ticket.responded - ticket.created).total_seconds() / 60:g}"
    return _time(ticket.responded, style)


def export_text(tickets: Sequence[SampleTicket], preset: str) -> str:
    """The CSV text a desk would export (canonical columns for 'canonical')."""
    mapping: Mapping = CANONICAL if preset == "canonical" else load_preset(preset)
    style = STYLES[preset]
    response = mapping.response_column() or "responded"
    columns = ["id", "priority", "created", response, "resolved", "service"]
    headings = [mapping.tickets[c] for c in columns if c in mapping.tickets]
    if preset == "canonical":
        headings.append("paused")
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(headings)
    for ticket in tickets:
        row = [
            ticket.id,
            style.priorities.get(ticket.priority, ticket.priority),
            _time(ticket.created, style),
            _response(ticket, style, response),
            _time(ticket.resolved, style),
            ticket.service,
        ]
        if response not in mapping.tickets:  # the desk exports no response time at all
            del row[3]
        if preset == "canonical":
            row.append(";".join(f"{_time(a, style)}/{_time(b, style)}" for a, b in ticket.paused))
        writer.writerow(row)
    return buffer.getvalue()


def write_export(path: Path, tickets: Sequence[SampleTicket], preset: str) -> Path:
    path.write_text(export_text(tickets, preset), encoding=STYLES[preset].encoding, newline="")
    return path
