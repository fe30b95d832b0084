"""Choosing how an export's columns map to ours: a named preset or a mapping file.

A mapping file (YAML) names the export's heading for each canonical column; columns it
leaves out keep their canonical name. ``priorities`` adds spellings of priorities, and
``date_order`` says how to read dates such as 05/01/2027. Example in docs/measurement.md.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field

from slawriter.errors import InputError
from slawriter.files.output import display_path
from slawriter.files.yaml import read_yaml, validate_model
from slawriter.measure.presets import CANONICAL, PRESETS, TICKET_COLUMNS, Mapping
from slawriter.model.common import Strict


class TicketColumns(Strict):
    id: str = "id"
    priority: str = "priority"
    created: str = Field(default="created", description="When the ticket was logged")
    responded: str = "responded"
    resolved: str = "resolved"
    service: str = "service"
    paused: str = Field(default="paused", description="start/end;start/end")


class OutageColumns(Strict):
    service: str = "service"
    start: str = "start"
    end: str = "end"
    planned: str = "planned"


class MappingFile(Strict):
    tickets: TicketColumns = Field(default_factory=TicketColumns)
    outages: OutageColumns = Field(default_factory=OutageColumns)
    priorities: dict[str, str] = Field(
        default_factory=dict, description="Export value -> priority id, e.g. 'Sev 1': P1"
    )
    date_order: Literal["day-first", "month-first"] | None = None


def choose_mapping(preset: str | None, mapping_file: Path | None) -> Mapping:
    if preset and mapping_file:
        raise InputError("give --preset or --mapping, not both")
    if mapping_file is not None:
        return load_mapping(mapping_file)
    if preset is None or preset == "canonical":
        return CANONICAL
    found = PRESETS.get(preset.lower())
    if found is None:
        raise InputError(
            f"--preset: unknown preset '{preset}' (expected one of "
            f"{', '.join(['canonical', *PRESETS])}, or describe the export with --mapping)"
        )
    return found


def load_mapping(path: Path) -> Mapping:
    doc = read_yaml(path)
    model = validate_model(MappingFile, doc.data, [doc], "a column mapping file")
    tickets = model.tickets.model_dump()
    return Mapping(
        display_path(path),
        {name: tickets[name] for name in TICKET_COLUMNS},
        dict(model.priorities),
        model.outages.model_dump(),
        model.date_order,
    )
