"""Choosing how an export's columns map to ours: a named preset or a mapping file.

A mapping file (YAML) names the export's heading for each canonical column; columns it
leaves out keep their canonical name, and an optional column set to null is not read.
``priorities`` adds spellings of priorities, and ``date_order`` says how to read dates such
as 05/01/2027. A preset is a mapping file in the library's ``presets/`` folder, with a
``name`` and ``description`` for ``report --list-presets``. Example in docs/measurement.md.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field

from slawriter.errors import InputError
from slawriter.files.output import display_path
from slawriter.files.yaml import read_yaml, validate_model
from slawriter.measure.presets import (
    CANONICAL,
    DEFAULT_PAUSE_STATUSES,
    TICKET_COLUMNS,
    Mapping,
    preset_files,
)
from slawriter.model.common import Strict


class TicketColumns(Strict):
    id: str = "id"
    priority: str = "priority"
    created: str = Field(default="created", description="When the ticket was logged")
    # Optional columns: null when the export has no such column.
    responded: str | None = "responded"
    resolved: str | None = "resolved"
    service: str | None = "service"
    paused: str | None = Field(default="paused", description="start/end;start/end")
    first_reply_minutes: str | None = Field(
        default=None,
        description="Minutes on the calendar from logging to the first reply, for exports "
        "that give the response as a duration: response time = created + minutes",
    )
    responded_by: str | None = Field(
        default=None,
        description="Who or what gave the first response (agent, or an automatic reply: "
        "system, automatic, trigger ...): automatic replies are not Responses",
    )


class HistoryColumns(Strict):
    ticket_id: str = "ticket_id"
    time: str = "time"
    from_: str = Field(default="from", alias="from")
    to: str = "to"
    field: str | None = Field(default="field", description="status (default) or priority")
    reason: str | None = Field(
        default="reason", description="why a priority changed: dispute, workaround, ..."
    )


class UpdateColumns(Strict):
    ticket_id: str = "ticket_id"
    time: str = "time"
    public: str = "public"
    author_type: str = Field(default="author_type", description="agent, customer or system")


class OutageColumns(Strict):
    service: str = "service"
    start: str = "start"
    end: str = "end"
    planned: str = "planned"


class VerdictColumns(Strict):
    """Columns holding the helpdesk's own SLA verdict, for ``report --compare``."""

    breached: str | None = Field(default=None, description="Any SLA target breached (yes/no)")
    response_breached: str | None = Field(
        default=None, description="First response target breached (yes/no)"
    )
    resolution_breached: str | None = Field(
        default=None, description="Resolution target breached (yes/no)"
    )
    response_remaining: str | None = Field(
        default=None,
        description="Time left on the first response target when it stopped, negative when "
        "breached (Jira Service Management: '-1h 30m')",
    )
    resolution_remaining: str | None = Field(
        default=None, description="Time left on the resolution target, negative when breached"
    )
    response_business_minutes: str | None = Field(
        default=None,
        description="The desk's own business minutes to the first reply (Zendesk: 'First "
        "reply time in minutes within business hours')",
    )
    resolution_business_minutes: str | None = Field(
        default=None, description="The desk's own business minutes to resolution"
    )


class MappingFile(Strict):
    name: str | None = Field(default=None, description="The desk, e.g. 'Zendesk'")
    description: str | None = Field(default=None, description="What export this reads")
    tickets: TicketColumns = Field(default_factory=TicketColumns)
    outages: OutageColumns = Field(default_factory=OutageColumns)
    history: HistoryColumns = Field(default_factory=HistoryColumns)
    updates: UpdateColumns = Field(default_factory=UpdateColumns)
    pause_statuses: list[str] | None = Field(
        default=None,
        description="Statuses in which the desk waits on the customer: the clock pauses only "
        "in these (default: Pending, Waiting for customer)",
    )
    running_statuses: list[str] = Field(
        default_factory=list, description="The desk's own statuses in which the clock runs"
    )
    automatic_authors: list[str] | None = Field(
        default=None, description="Values of responded_by that mark an automatic reply"
    )
    authors: dict[str, Literal["agent", "customer", "system"]] = Field(
        default_factory=dict,
        description="The desk's own words in the updates' author_type -> agent, customer or "
        "system, e.g. 'end-user': customer (Zendesk's user roles)",
    )
    priorities: dict[str, str] = Field(
        default_factory=dict, description="Export value -> priority id, e.g. 'Sev 1': P1"
    )
    date_order: Literal["day-first", "month-first"] | None = None
    date_formats: list[str] = Field(
        default_factory=list,
        description="strptime formats of the export's times, tried first, e.g. "
        "'%d/%b/%y %I:%M %p' for 05/Jan/27 9:30 AM; a numeric day and month (%d, %m) are "
        "read in the date order (--date-order decides 01/02)",
    )
    confirmed: list[str] = Field(
        default_factory=list,
        description="Canonical columns whose headings were checked against the vendor's "
        "own documentation of the export",
    )
    source: str | None = Field(default=None, description="The vendor's page on the export")
    no_response: str | None = Field(
        default=None, description="Why the export has no response column, when it has none"
    )
    verdict: VerdictColumns = Field(default_factory=VerdictColumns)
    history_source: str | None = Field(
        default=None, description="The vendor's page documenting its status history export"
    )
    history_note: str | None = Field(
        default=None, description="What the vendor documents (or not) of a history export"
    )
    other_history_fields: Literal["rejected", "skipped"] = Field(
        default="rejected",
        description="History rows whose field is neither status nor priority: listed as "
        "rows left out (rejected), or not read (skipped: an export of every field's changes)",
    )


def choose_mapping(
    preset: str | None, mapping_file: Path | None, library_root: Path | None = None
) -> Mapping:
    if preset and mapping_file:
        raise InputError("give --preset or --mapping, not both")
    if mapping_file is not None:
        return load_mapping(mapping_file)
    if preset is None or preset.lower() == "canonical":
        return CANONICAL
    return load_preset(preset, library_root)


def load_preset(name: str, library_root: Path | None = None) -> Mapping:
    """The preset called ``name`` (any case); an unknown name lists the known ones."""
    files = preset_files(library_root)
    path = files.get(name.lower())
    if path is None:
        raise InputError(
            f"--preset: unknown preset '{name}' (expected one of "
            f"{', '.join(['canonical', *files])}, or describe the export with --mapping)"
        )
    return load_mapping(path, f"preset '{name.lower()}'")


def list_presets(library_root: Path | None = None) -> dict[str, Mapping]:
    """Every preset by name, each file validated (a broken one raises with file and line)."""
    return {
        name: load_mapping(path, f"preset '{name}'")
        for name, path in preset_files(library_root).items()
    }


def load_mapping(path: Path, origin: str = "") -> Mapping:
    doc = read_yaml(path)
    model = validate_model(MappingFile, doc.data, [doc], "a column mapping file")
    tickets = model.tickets.model_dump()
    for form in model.date_formats:
        _check_format(form, path)
    unknown = [c for c in model.confirmed if c not in TICKET_COLUMNS]
    if unknown:
        raise InputError(
            f"{display_path(path)}: confirmed: {', '.join(unknown)} is not a ticket column "
            f"(expected some of {', '.join(TICKET_COLUMNS)})"
        )
    return Mapping(
        model.name or display_path(path),
        {name: tickets[name] for name in TICKET_COLUMNS if tickets[name] is not None},
        dict(model.priorities),
        model.outages.model_dump(),
        model.date_order,
        model.description or "",
        tuple(model.date_formats),
        origin or f"mapping file {display_path(path)}",
        tuple(model.confirmed),
        model.source or "",
        model.no_response or "",
        history={
            name: heading
            for name, heading in model.history.model_dump(by_alias=True).items()
            if heading is not None
        },
        updates=model.updates.model_dump(),
        pause_statuses=tuple(
            DEFAULT_PAUSE_STATUSES if model.pause_statuses is None else model.pause_statuses
        ),
        running_statuses=tuple(model.running_statuses),
        authors={word.strip().lower(): kind for word, kind in model.authors.items()},
        history_source=model.history_source or "",
        history_note=model.history_note or "",
        skip_other_fields=model.other_history_fields == "skipped",
        **(
            {}
            if model.automatic_authors is None
            else {"automatic_authors": tuple(model.automatic_authors)}
        ),
        verdict={k: v for k, v in model.verdict.model_dump().items() if v is not None},
    )


def _check_format(form: str, path: Path) -> None:
    """A declared format must name a date and a time: a date alone is refused on reading."""
    if not form.strip() or "%" not in form:
        raise InputError(f"{display_path(path)}: date_formats: '{form}' is not a strptime format")
    if not any(code in form for code in ("%H", "%I")):
        raise InputError(
            f"{display_path(path)}: date_formats: '{form}' has no hour (%H or %I): "
            "a date without a time cannot be measured"
        )
