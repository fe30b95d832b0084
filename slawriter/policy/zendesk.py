"""Zendesk: one SLA policy (POST /api/v2/slas/policies) and a schedule per business calendar
(POST /api/v2/business_hours/schedules, its intervals by PUT .../workweek, each holiday by
POST .../holidays), as the request bodies Zendesk's API documents (docs/policy.md)."""

from __future__ import annotations

import json
from typing import Any

from slawriter.policy.common import Export, day_intervals, holidays, ticket_gaps
from slawriter.policy.targets import RESOLUTION, RESPONSE, UPDATE, Promises, ladder

# Zendesk's four ticket priorities, highest first.
LEVELS = ["urgent", "high", "normal", "low"]
# The agreement's targets as Zendesk metrics. requester_wait_time stops while the ticket is
# Pending (waiting for the requester), the contract's pause; periodic_update_time is the time
# between the agent's public replies, the contract's update interval.
METRIC = {
    RESPONSE: "first_reply_time",
    RESOLUTION: "requester_wait_time",
    UPDATE: "periodic_update_time",
}
AGREEMENT_METRIC = {value: key for key, value in METRIC.items()}

# Zendesk names time zones as Ruby on Rails does; the zones slawriter's users have had.
RAILS_ZONES = {
    "Europe/London": "London",
    "Europe/Dublin": "Dublin",
    "Europe/Paris": "Paris",
    "Europe/Berlin": "Berlin",
    "Europe/Amsterdam": "Amsterdam",
    "America/New_York": "Eastern Time (US & Canada)",
    "America/Chicago": "Central Time (US & Canada)",
    "America/Denver": "Mountain Time (US & Canada)",
    "America/Los_Angeles": "Pacific Time (US & Canada)",
    "America/Toronto": "Eastern Time (US & Canada)",
    "Australia/Sydney": "Sydney",
    "Australia/Melbourne": "Melbourne",
    "Pacific/Auckland": "Auckland",
}


def policy_body(promised: Promises) -> dict[str, Any]:
    levels, _ = ladder(promised, LEVELS)
    metrics = [
        {
            "priority": levels[target.priority],
            "metric": METRIC[target.metric],
            "target": target.minutes,
            "business_hours": target.business_hours,
        }
        for target in promised.targets
        if target.priority in levels
    ]
    return {
        "sla_policy": {
            "title": f"SLA {promised.title}"[:255],
            "description": "Written by slawriter export-policy from "
            f"{promised.loaded.path.name}: "
            + "; ".join(
                f"{key} {name} = {levels[key]}"
                for key, name in promised.priorities
                if key in levels
            ),
            "filter": {"all": [], "any": []},
            "policy_metrics": metrics,
        }
    }


def _week_minutes(weekday: int, minutes: int) -> int:
    # Zendesk's week starts on Sunday at midnight; slawriter's on Monday.
    return ((weekday + 1) % 7) * 1440 + minutes


def export(promised: Promises) -> Export:
    files: dict[str, bytes] = {}
    stem = promised.stem
    _, left = ladder(promised, LEVELS)
    gaps = [
        f"Priority {key}: Zendesk has four priorities (urgent, high, normal, low)" for key in left
    ]
    gaps.append(
        "Which tickets the policy applies to: the filter is empty (every ticket); add the "
        "customer's organization as a condition before you create it"
    )
    files[f"{stem}.zendesk-sla-policy.json"] = _dump(policy_body(promised))
    for name, calendar in promised.calendars.items():
        zone = RAILS_ZONES.get(calendar.tz_name)
        if zone is None:
            zone = calendar.tz_name
            gaps.append(
                f"Time zone of calendar '{name}': written as '{zone}'; Zendesk may want its "
                "own name for it (as in its time zone list)"
            )
        intervals = [
            {"start_time": _week_minutes(day, start), "end_time": _week_minutes(day, end)}
            for day, start, end in day_intervals(calendar)
        ]
        intervals.sort(key=lambda item: item["start_time"])
        files[f"{stem}.zendesk-schedule-{name}.json"] = _dump(
            {"schedule": {"name": name, "time_zone": zone}}
        )
        files[f"{stem}.zendesk-schedule-{name}-workweek.json"] = _dump(
            {"workweek": {"intervals": intervals}}
        )
        files[f"{stem}.zendesk-schedule-{name}-holidays.json"] = _dump(
            [
                {"holiday": {"name": title, "start_date": day, "end_date": day}}
                for day, title in holidays(promised, calendar)
            ]
        )
    gaps += ticket_gaps(promised, updates=True, per_priority_calendar=False)
    return Export("zendesk", files, gaps)


def _dump(data: Any) -> bytes:
    return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode()
