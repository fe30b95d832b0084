"""Jira Service Management: its cloud REST API reads a request's SLA cycles but cannot create
SLA metrics, goals or calendars (Atlassian's open suggestion JSDCLOUD-15659), so the export is
slawriter's own JSON of the goals and calendars (format FORMAT, what --check reads back) and a
checklist of the settings to make in the project's SLA pages (docs/policy.md)."""

from __future__ import annotations

import json
from typing import Any

from slawriter.model.hours import format_minutes
from slawriter.policy.common import Export, day_intervals, holidays, ticket_gaps, weekday_name
from slawriter.policy.targets import METRICS, RESOLUTION, RESPONSE, UPDATE, Promises

FORMAT = "slawriter-jsm-sla/1"
ALWAYS = "24/7 Calendar (Default)"  # the calendar every JSM project has
METRIC_NAMES = {
    RESPONSE: "Time to first response",
    RESOLUTION: "Time to resolution",
    UPDATE: "Time to next update",
}
CONDITIONS = {
    RESPONSE: ("Issue created", "Comment: For customers"),
    RESOLUTION: ("Issue created", "Resolution: Set"),
    UPDATE: ("Comment: For customers", "Comment: For customers"),
}
PAUSE = "Status: Waiting for customer"


def goal_time(minutes: int) -> str:
    """JSM's goal notation: ``4h``, ``1h 30m``, ``30m``."""
    hours, rest = divmod(minutes, 60)
    parts = [f"{hours}h" if hours else "", f"{rest}m" if rest else ""]
    return " ".join(part for part in parts if part) or "0m"


def document(promised: Promises) -> dict[str, Any]:
    metrics = []
    for metric in METRICS:
        start, stop = CONDITIONS[metric]
        goals = []
        for key, name in promised.priorities:
            target = promised.target(key, metric)
            assert target is not None
            goals.append(
                {
                    "priority": key,
                    "jql": f'priority = "{name}"',
                    "goal": goal_time(target.minutes),
                    "calendar": target.calendar if target.business_hours else ALWAYS,
                }
            )
        metrics.append(
            {
                "name": METRIC_NAMES[metric],
                "start": start,
                "pause": [PAUSE],
                "stop": stop,
                "goals": goals,
            }
        )
    calendars = []
    for name, calendar in promised.calendars.items():
        calendars.append(
            {
                "name": name,
                "time_zone": calendar.tz_name,
                "working_hours": [
                    {
                        "day": weekday_name(day).upper(),
                        "start": format_minutes(start),
                        "end": format_minutes(end),
                    }
                    for day, start, end in day_intervals(calendar)
                ],
                "holidays": [
                    {"name": title, "date": day, "recurring": False}
                    for day, title in holidays(promised, calendar)
                ],
            }
        )
    return {
        "format": FORMAT,
        "about": "Jira Service Management SLA goals written by slawriter export-policy from "
        f"{promised.loaded.path.name}; set them up as the checklist beside this file says",
        "agreement": promised.title,
        "metrics": metrics,
        "calendars": calendars,
    }


def checklist(promised: Promises, data: dict[str, Any]) -> bytes:
    lines = [
        f"# Jira Service Management SLA set-up: {promised.title}",
        "",
        "Jira Service Management's REST API cannot create SLA metrics, goals or calendars: make "
        "these settings in Project settings > SLAs, then tick each box.",
        "",
        "## Calendars (Project settings > SLAs > Calendars)",
        "",
    ]
    for calendar in data["calendars"]:
        lines.append(f"- [ ] Calendar **{calendar['name']}**, time zone {calendar['time_zone']}")
        for row in calendar["working_hours"]:
            lines.append(f"  - [ ] {row['day'].capitalize()} {row['start']} to {row['end']}")
        if calendar["holidays"]:
            lines.append(
                f"  - [ ] Holidays (one-time, {len(calendar['holidays'])}): "
                + ", ".join(f"{h['date']} {h['name']}" for h in calendar["holidays"])
            )
    lines += [
        f"- [ ] Targets on a 24x7 calendar use **{ALWAYS}**",
        "",
        "## SLA metrics and goals (Project settings > SLAs)",
        "",
    ]
    for metric in data["metrics"]:
        lines.append(
            f"- [ ] **{metric['name']}**: start {metric['start']}; "
            f"pause {', '.join(metric['pause'])}; stop {metric['stop']}"
        )
        for goal in metric["goals"]:
            lines.append(
                f"  - [ ] Goal `{goal['jql']}`: {goal['goal']}, calendar {goal['calendar']}"
            )
    lines += [
        "",
        "Priorities in the JQL are the agreement's priority names: create them in Jira, or "
        "change the JQL to your priority scheme's names.",
        "",
    ]
    return "\n".join(lines).encode()


def export(promised: Promises) -> Export:
    data = document(promised)
    stem = promised.stem
    files = {
        f"{stem}.jira-sla.json": (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode(),
        f"{stem}.jira-checklist.md": checklist(promised, data),
    }
    gaps = [
        "Everything in this export is set up by hand: Jira Service Management's REST API cannot "
        f"create SLA goals or calendars (follow {stem}.jira-checklist.md)",
        "Time to next update: JSM restarts a metric on each public comment only as a new cycle; "
        "its goal is checked per cycle, not as 'at least every' across the ticket's life",
    ]
    gaps += ticket_gaps(promised, updates=True, per_priority_calendar=True)
    return Export("jira", files, gaps)
