"""Freshdesk: one SLA policy as its API v2 takes it (POST /api/v2/sla_policies, targets in
seconds), and each business calendar in the shape Freshdesk's API returns business hours
(GET /api/v2/business_hours): that API only reads them, so they are set up in the admin
pages and checked against this file (docs/policy.md)."""

from __future__ import annotations

import json
from typing import Any

from slawriter.clock.engine import Calendar
from slawriter.policy.common import Export, day_intervals, holidays, ticket_gaps
from slawriter.policy.targets import RESOLUTION, RESPONSE, Promises, ladder
from slawriter.policy.zendesk import RAILS_ZONES

# Freshdesk's priorities: 4 urgent, 3 high, 2 medium, 1 low.
LEVELS = ["priority_4", "priority_3", "priority_2", "priority_1"]
FIELD = {RESPONSE: "respond_within", RESOLUTION: "resolve_within"}
DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def policy_body(promised: Promises) -> dict[str, Any]:
    levels, _ = ladder(promised, LEVELS)
    sla_target: dict[str, Any] = {}
    for key, _name in promised.priorities:
        if key not in levels:
            continue
        response = promised.target(key, RESPONSE)
        resolution = promised.target(key, RESOLUTION)
        assert response is not None and resolution is not None
        sla_target[levels[key]] = {
            "respond_within": response.minutes * 60,
            "resolve_within": resolution.minutes * 60,
            "business_hours": response.business_hours,
            "escalation_enabled": True,
        }
    return {
        "name": f"SLA {promised.title}"[:255],
        "description": "Written by slawriter export-policy from "
        f"{promised.loaded.path.name}: "
        + "; ".join(
            f"{key} {name} = {levels[key]}" for key, name in promised.priorities if key in levels
        ),
        "active": True,
        "sla_target": sla_target,
        "applicable_to": {"company_ids": []},
    }


def _clock(minutes: int) -> str:
    # Freshdesk writes 12-hour times with seconds; a day ends at 11:59:59 pm.
    if minutes >= 1440:
        return "11:59:59 pm"
    hours, rest = divmod(minutes, 60)
    suffix = "am" if hours < 12 else "pm"
    return f"{(hours % 12) or 12:02d}:{rest:02d}:00 {suffix}"


def hours_body(name: str, calendar: Calendar) -> tuple[dict[str, Any], list[str]]:
    gaps: list[str] = []
    days: dict[str, Any] = {}
    by_day: dict[int, list[tuple[int, int]]] = {}
    for day, start, end in day_intervals(calendar):
        by_day.setdefault(day, []).append((start, end))
    for day, intervals in sorted(by_day.items()):
        first, last = intervals[0][0], intervals[-1][1]
        if len(intervals) > 1:
            gaps.append(
                f"Calendar '{name}' has more than one shift on {DAYS[day].capitalize()}; "
                "Freshdesk takes one start and end a day: written as the whole span "
                f"{_clock(first)} to {_clock(last)}, which counts the breaks too"
            )
        days[DAYS[day]] = {"start_time": _clock(first), "end_time": _clock(last)}
    zone = RAILS_ZONES.get(calendar.tz_name, calendar.tz_name)
    body = {
        "name": name,
        "description": f"slawriter calendar '{name}' ({calendar.hours.canonical()})",
        "time_zone": zone,
        "business_hours": days,
    }
    return body, gaps


def export(promised: Promises) -> Export:
    stem = promised.stem
    _, left = ladder(promised, LEVELS)
    gaps = [
        f"Priority {key}: Freshdesk has four priorities (urgent, high, medium, low)" for key in left
    ]
    gaps.append(
        "Which tickets the policy applies to: applicable_to.company_ids is empty; put the "
        "customer's company id in before you create the policy"
    )
    files = {f"{stem}.freshdesk-sla-policy.json": _dump(policy_body(promised))}
    for name, calendar in promised.calendars.items():
        body, shift_gaps = hours_body(name, calendar)
        gaps += shift_gaps
        gaps.append(
            f"Business hours '{name}': Freshdesk's API cannot create them; set them up in "
            f"Admin > Business Hours as {stem}.freshdesk-business-hours-{name}.json shows, "
            "and assign them to the customer's group"
        )
        listed = ", ".join(f"{day} {title}" for day, title in holidays(promised, calendar))
        if listed:
            gaps.append(f"Holidays of '{name}' to enter in Freshdesk's holiday list: {listed}")
        files[f"{stem}.freshdesk-business-hours-{name}.json"] = _dump(body)
    gaps.append(
        "Escalation: escalation_enabled is on, but who is told (agent ids and times) is set "
        "in Freshdesk; the agreement's escalation levels follow"
    )
    gaps += ticket_gaps(promised, updates=False, per_priority_calendar=False)
    return Export("freshdesk", files, gaps)


def _dump(data: Any) -> bytes:
    return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode()
