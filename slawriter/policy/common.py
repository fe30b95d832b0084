"""What every ticket-based helpdesk is told, and what none of them can be told: the pieces the
Zendesk, Freshdesk and Jira exporters share."""

from __future__ import annotations

from dataclasses import dataclass, field

from slawriter.clock.engine import Calendar
from slawriter.model.hours import DAY_NAMES, format_minutes
from slawriter.policy.targets import UPDATE, Promises

MINUTES_PER_DAY = 1440


@dataclass
class Export:
    """One target's files (name -> bytes) and what it could not express."""

    target: str
    files: dict[str, bytes]
    not_expressed: list[str] = field(default_factory=list)


def day_intervals(calendar: Calendar) -> list[tuple[int, int, int]]:
    """(weekday, start, end) in minutes after that day's midnight, Monday = 0, an overnight
    shift split at midnight: no helpdesk takes an interval that spans two days."""
    out: list[tuple[int, int, int]] = []
    for weekday, intervals in enumerate(calendar.hours.days):
        for start, end in intervals:
            out.append((weekday, start, min(end, MINUTES_PER_DAY)))
            if end > MINUTES_PER_DAY:
                out.append(((weekday + 1) % 7, 0, end - MINUTES_PER_DAY))
    return sorted(out)


def holidays(promised: Promises, calendar: Calendar) -> list[tuple[str, str]]:
    """(ISO date, name) of every holiday and closed date from the agreement's start to the end
    of its initial term (a year at least)."""
    return [
        (day.isoformat(), name)
        for day, name in calendar.holidays_between(promised.first, promised.last)
    ]


def ticket_gaps(promised: Promises, *, updates: bool, per_priority_calendar: bool) -> list[str]:
    """What the agreement promises about tickets that a helpdesk's SLA policy cannot hold.

    ``updates``: the target has an update-interval metric. ``per_priority_calendar``: a policy
    target can name its own calendar (Jira); else business hours are the ticket's schedule."""
    agreement = promised.loaded.agreement
    gaps = [
        "The pause rule: the contract stops the clock only while the Provider waits for "
        "information, access or action it asked the Customer for in writing; the helpdesk "
        "pauses on a ticket status. Agents must set that status only in that case."
    ]
    if not updates:
        for target in promised.targets:
            if target.metric == UPDATE:
                gaps.append(
                    f"{target.priority} update interval ({target.text}): the target has no "
                    "update-interval metric; remind agents, or measure it with slawriter report"
                )
    if not per_priority_calendar:
        names = sorted(promised.calendars)
        if len(names) > 1:
            gaps.append(
                "Priorities count on different business calendars ("
                + ", ".join(
                    f"{t.priority}: {t.calendar}"
                    for t in promised.targets
                    if t.metric == "response" and t.business_hours
                )
                + "); the helpdesk counts business hours on the ticket's one schedule: route "
                "each priority's tickets to its schedule with a trigger or group"
            )
    for name, calendar in promised.calendars.items():
        for day, hours in sorted(calendar.reduced.items()):
            shown = ", ".join(f"{format_minutes(s)}-{format_minutes(e)}" for s, e in hours)
            gaps.append(
                f"Reduced day in calendar '{name}': {day.isoformat()} open {shown} only; "
                "the helpdesk counts the full day's hours (or none, if entered as a holiday)"
            )
        if calendar.holiday_spec:
            gaps.append(
                f"Holiday rule of calendar '{name}' ({calendar.holiday_spec}, with substitute "
                f"days): written as dates from {promised.first.isoformat()} to "
                f"{promised.last.isoformat()}; export again before {promised.last.isoformat()}"
            )
    for constraint in agreement.constraints:
        for priority, modified in constraint.modified_targets.items():
            changes = ", ".join(
                f"{metric} {getattr(modified, metric).text}"
                for metric in ("response", "resolution")
                if getattr(modified, metric) is not None
            )
            gaps.append(
                f"Constraint '{constraint.id}': {priority} {changes} when it applies "
                f"(services: {', '.join(constraint.services) or 'all'}); a policy target "
                "cannot depend on the site or the warranty"
            )
    for level, step in enumerate(agreement.escalation, start=1):
        reply = f", replies within {step.reply_within.text}" if step.reply_within else ""
        gaps.append(
            f"Escalation level {level}: {step.role}{reply}; the helpdesk escalates to agents "
            "or groups, chosen in its own settings"
        )
    gaps.append(
        "Priority changes: the contract runs a raised priority's targets from the change and "
        "a disputed one's from logging; the helpdesk restarts targets on its own rule"
    )
    return gaps


def weekday_name(weekday: int) -> str:
    return DAY_NAMES[weekday]


def not_expressed_md(promised: Promises, export: Export, heading: str) -> bytes:
    lines = [
        f"# What {heading} cannot express",
        "",
        f"Agreement: {promised.title}, exported by slawriter export-policy --to {export.target}.",
        "These promises stand in the contract but are not in the exported configuration; "
        "set them up by hand or measure them with slawriter report.",
        "",
    ]
    lines += [f"- {item}" for item in export.not_expressed]
    return ("\n".join(lines) + "\n").encode()
