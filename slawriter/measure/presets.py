"""Canonical columns, the Mapping an export is read through, and where presets live.

A preset is a mapping file (the same schema as ``--mapping`` files, see measure/mapping.py)
in a library's ``presets/`` folder, one per desk: ``presets/zendesk.yaml`` is ``--preset
zendesk``. Adding a preset means adding a file. The built-in library's presets are always
there; a library chosen with --library (or $SLAWRITER_LIBRARY) may add its own and replace a
built-in one by using its name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from slawriter.library import builtin_library_root

TICKET_COLUMNS = (
    "id",
    "priority",
    "created",
    "responded",
    "resolved",
    "service",
    "paused",
    "first_reply_minutes",
    "responded_by",
)
REQUIRED_TICKET_COLUMNS = ("id", "priority", "created")
# Where the response time comes from: minutes on the calendar after `created` (desks such as
# Zendesk export only the duration), which is only there when a file declares it, else a time.
RESPONSE_COLUMNS = ("first_reply_minutes", "responded")
OUTAGE_COLUMNS = ("service", "start", "end", "planned")
REQUIRED_OUTAGE_COLUMNS = ("service", "start")
# A status history (issue 13): one row per change of a ticket's status or priority.
HISTORY_COLUMNS = ("ticket_id", "time", "from", "to", "field", "reason")
REQUIRED_HISTORY_COLUMNS = ("ticket_id", "time", "from", "to")
# Updates to the customer: only public ones by an agent count as updates.
UPDATE_COLUMNS = ("ticket_id", "time", "public", "author_type")
REQUIRED_UPDATE_COLUMNS = ("ticket_id", "time", "public", "author_type")
# The contract's pause clause: the clock pauses only while the Provider waits on the Customer
# (information, access or action asked for in writing). "On-hold" is not among the defaults:
# in Zendesk and Freshdesk it means waiting on a third party, which the clause does not pause.
DEFAULT_PAUSE_STATUSES = ("Pending", "Waiting for customer")
# Statuses known to keep the clock running; any other status is reported as unknown.
RUNNING_STATUSES = (
    "New", "Open", "In progress", "Assigned", "Work in progress", "Reopened", "Escalated",
    "On-hold", "On hold", "Waiting for support", "Waiting for third party",
    "Waiting on third party", "Solved", "Resolved", "Closed", "Done", "Cancelled", "Canceled",
)  # fmt: skip
PRESETS_FOLDER = "presets"


@dataclass(frozen=True)
class Mapping:
    """Where each canonical column comes from, and extra spellings of priorities."""

    name: str
    tickets: dict[str, str]  # canonical column -> column heading in the export
    priorities: dict[str, str] = field(default_factory=dict)  # export value -> priority id
    outages: dict[str, str] = field(default_factory=dict)
    date_order: str | None = None  # "day-first" / "month-first"; None: the command's choice
    description: str = ""
    date_formats: tuple[str, ...] = ()  # strptime formats declared by the preset or file
    origin: str = "the canonical columns"  # "preset 'zendesk'", "mapping file desk.yaml"
    confirmed: tuple[str, ...] = ()  # canonical columns checked against the vendor's pages
    source: str = ""  # the vendor's page describing the export
    no_response: str = ""  # why the export has no response column, when it has none
    history: dict[str, str] = field(default_factory=dict)  # canonical -> heading
    updates: dict[str, str] = field(default_factory=dict)  # canonical -> heading
    pause_statuses: tuple[str, ...] = DEFAULT_PAUSE_STATUSES
    running_statuses: tuple[str, ...] = ()  # the desk's own statuses that do not pause
    # The desk's own author words in an updates export -> agent, customer or system.
    authors: dict[str, str] = field(default_factory=dict)
    automatic_authors: tuple[str, ...] = ("system", "automatic", "auto-reply", "automation",
                                          "trigger", "bot")  # fmt: skip
    # The helpdesk's own SLA verdict (report --compare): verdict kind -> export heading.
    verdict: dict[str, str] = field(default_factory=dict)
    history_source: str = ""  # the vendor's page documenting the history export, if any
    history_note: str = ""  # what the desk documents (or not) about its history export
    skip_other_fields: bool = False  # history rows changing other fields are not read

    def response_column(self) -> str | None:
        """The canonical column the response time is read from, if any."""
        return next((c for c in RESPONSE_COLUMNS if c in self.tickets), None)


CANONICAL = Mapping(
    "canonical",
    {name: name for name in TICKET_COLUMNS if name != "first_reply_minutes"},
    description="slawriter's own column names (the default)",
    history={name: name for name in HISTORY_COLUMNS},
    updates={name: name for name in UPDATE_COLUMNS},
)


def preset_files(library_root: Path | None = None) -> dict[str, Path]:
    """Preset name -> file, sorted by name: the built-in presets, then the library's."""
    found: dict[str, Path] = {}
    roots = [builtin_library_root()]
    if library_root is not None and library_root.resolve() != roots[0].resolve():
        roots.append(library_root)
    for root in roots:
        for path in (root / PRESETS_FOLDER).glob("*.yaml"):
            found[path.stem.lower()] = path
    return dict(sorted(found.items()))
