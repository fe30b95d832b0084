"""Column-mapping presets for common service desk and PSA exports.

Each preset names the export's column for every canonical column, and how the export spells
priorities when it does not use the agreement's own ids or names. The column names are the
ones these products use in their standard ticket list exports as far as we know; a product's
export is configurable, so when yours differs write a mapping file (docs/measurement.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field

TICKET_COLUMNS = ("id", "priority", "created", "responded", "resolved", "service", "paused")
REQUIRED_TICKET_COLUMNS = ("id", "priority", "created")
OUTAGE_COLUMNS = ("service", "start", "end", "planned")
REQUIRED_OUTAGE_COLUMNS = ("service", "start")


@dataclass(frozen=True)
class Mapping:
    """Where each canonical column comes from, and extra spellings of priorities."""

    name: str
    tickets: dict[str, str]  # canonical column -> column heading in the export
    priorities: dict[str, str] = field(default_factory=dict)  # export value -> priority id
    outages: dict[str, str] = field(default_factory=dict)
    date_order: str | None = None  # "day-first" / "month-first"; None: the command's choice


CANONICAL = Mapping("canonical", {name: name for name in TICKET_COLUMNS})

# Four-level words used by desks that do not number their priorities.
_FOUR_WORDS = {"urgent": "P1", "high": "P2", "medium": "P3", "normal": "P3", "low": "P4"}

PRESETS: dict[str, Mapping] = {
    "connectwise": Mapping(
        "ConnectWise Manage",
        {
            "id": "Ticket #",
            "priority": "Priority",
            "created": "Date Entered",
            "responded": "Date Responded",
            "resolved": "Date Resolved",
            "service": "Type",
        },
        # "Priority 1 - Emergency Response" and the like: the leading number is used.
    ),
    "autotask": Mapping(
        "Autotask PSA",
        {
            "id": "Ticket Number",
            "priority": "Priority",
            "created": "Create Date",
            "responded": "First Response Date",
            "resolved": "Complete Date",
            "service": "Issue Type",
        },
        {"critical": "P1", "high": "P2", "medium": "P3", "low": "P4"},
    ),
    "halopsa": Mapping(
        "HaloPSA",
        {
            "id": "Ticket ID",
            "priority": "Priority",
            "created": "Date Logged",
            "responded": "Date Responded",
            "resolved": "Date Closed",
            "service": "Category",
        },
    ),
    "zendesk": Mapping(
        "Zendesk",
        {
            "id": "Id",
            "priority": "Priority",
            "created": "Created at",
            "responded": "First reply at",
            "resolved": "Solved at",
            "service": "Group",
        },
        dict(_FOUR_WORDS),
    ),
    "freshdesk": Mapping(
        "Freshdesk",
        {
            "id": "Ticket ID",
            "priority": "Priority",
            "created": "Created time",
            "responded": "Initial response time",
            "resolved": "Resolved time",
            "service": "Group",
        },
        dict(_FOUR_WORDS),
    ),
    "jira": Mapping(
        "Jira Service Management",
        {
            "id": "Issue key",
            "priority": "Priority",
            "created": "Created",
            "responded": "First response",
            "resolved": "Resolved",
            "service": "Components",
        },
        {"highest": "P1", "high": "P2", "medium": "P3", "low": "P4", "lowest": "P4"},
    ),
}
