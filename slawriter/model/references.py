"""Checks that span fields: names that must refer to something defined elsewhere."""

from __future__ import annotations

from slawriter.model.agreement import ALWAYS_CALENDAR, Agreement
from slawriter.model.common import holiday_warning
from slawriter.model.paths import Loc
from slawriter.model.provider import Provider


def _did_you_mean(name: str, choices: list[str]) -> str:
    import difflib

    close = difflib.get_close_matches(name, choices, n=1)
    return f"; did you mean '{close[0]}'?" if close else ""


def check_references(agreement: Agreement, provider: Provider) -> list[tuple[Loc, str]]:
    """Every problem as (location, message); an empty list when all references resolve."""
    problems: list[tuple[Loc, str]] = []
    calendars = sorted({*provider.calendars, *agreement.calendars, ALWAYS_CALENDAR})
    service_ids = [s.id for s in agreement.services]
    priority_ids = list(agreement.priorities)

    def calendar(loc: Loc, name: str | None) -> None:
        if name is not None and name not in calendars:
            problems.append(
                (
                    loc,
                    f"unknown calendar '{name}' (defined: {', '.join(calendars)})"
                    + _did_you_mean(name, calendars),
                )
            )

    def priority(loc: Loc, name: str) -> None:
        if name not in priority_ids:
            problems.append(
                (loc, f"unknown priority '{name}' (defined: {', '.join(priority_ids)})")
            )

    def service(loc: Loc, name: str) -> None:
        if name not in service_ids:
            problems.append(
                (
                    loc,
                    f"unknown service '{name}' (defined: {', '.join(service_ids)})"
                    + _did_you_mean(name, service_ids),
                )
            )

    if agreement.default_calendar not in calendars:
        calendar(("default_calendar",), agreement.default_calendar)
    expected = [f"P{n}" for n in range(1, len(priority_ids) + 1)]
    if priority_ids != expected:
        problems.append(
            (
                ("priorities",),
                f"priorities must be {', '.join(expected)} in order, "
                f"found {', '.join(priority_ids)}",
            )
        )
    seen: set[str] = set()
    for index, svc in enumerate(agreement.services):
        if svc.id in seen:
            problems.append((("services", index, "id"), f"duplicate service id '{svc.id}'"))
        seen.add(svc.id)
        if svc.uptime:
            calendar(("services", index, "uptime", "calendar"), svc.uptime.calendar)
    with_target = [s.id for s in agreement.services if s.uptime]
    if agreement.combined_uptime:
        combined = agreement.combined_uptime
        calendar(("combined_uptime", "calendar"), combined.calendar)
        named: set[str] = set()
        for index, name in enumerate(combined.services or []):
            loc = ("combined_uptime", "services", index)
            if name in named:
                problems.append((loc, f"service '{name}' is named twice"))
            named.add(name)
            if name in service_ids and name not in with_target:
                problems.append(
                    (
                        loc,
                        f"service '{name}' has no uptime target, so it cannot count "
                        "towards the combined figure: give it one or leave it out",
                    )
                )
            else:
                service(loc, name)
        if len(combined.services or with_target) < 2:
            problems.append(
                (
                    ("combined_uptime",),
                    "a combined figure needs at least two services with "
                    "uptime targets; with one, its own target says it all: remove combined_uptime",
                )
            )
    calendar(("maintenance", "calendar"), agreement.maintenance.calendar)
    seen = set()
    for index, channel in enumerate(agreement.reporting.channels):
        if channel.id in seen:
            problems.append(
                (("reporting", "channels", index, "id"), f"duplicate channel id '{channel.id}'")
            )
        seen.add(channel.id)
        calendar(("reporting", "channels", index, "calendar"), channel.calendar)
        for p_index, name in enumerate(channel.priorities):
            priority(("reporting", "channels", index, "priorities", p_index), name)
    for pid, prio in agreement.priorities.items():
        calendar(("priorities", pid, "calendar"), prio.calendar)
    calendar(("out_of_hours", "calendar"), agreement.out_of_hours.calendar)
    for index, name in enumerate(agreement.out_of_hours.priorities):
        priority(("out_of_hours", "priorities", index), name)
    if agreement.out_of_hours.available and agreement.out_of_hours.calendar is None:
        problems.append(
            (
                ("out_of_hours", "calendar"),
                "out-of-hours support is available, so name the calendar when it can be called on",
            )
        )
    seen = set()
    for index, constraint in enumerate(agreement.constraints):
        if constraint.id in seen:
            problems.append(
                (("constraints", index, "id"), f"duplicate constraint id '{constraint.id}'")
            )
        seen.add(constraint.id)
        calendar(("constraints", index, "calendar"), constraint.calendar)
        for s_index, name in enumerate(constraint.services):
            service(("constraints", index, "services", s_index), name)
        for pid, target in constraint.modified_targets.items():
            priority(("constraints", index, "modified_targets", pid), pid)
            calendar(("constraints", index, "modified_targets", pid, "calendar"), target.calendar)
        if constraint.kind in ("hardware-warranty", "site-access") and constraint.calendar is None:
            what = (
                "the vendor's cover window (e.g. a 9x5 calendar)"
                if constraint.kind == "hardware-warranty"
                else "when the site can be entered"
            )
            problems.append((("constraints", index, "calendar"), f"name the calendar of {what}"))
        if constraint.kind == "hardware-warranty" and constraint.onsite_response is None:
            problems.append(
                (
                    ("constraints", index, "onsite_response"),
                    "a hardware-warranty constraint needs the vendor's onsite response "
                    "(e.g. '1 business day' for next-business-day cover, or '4h')",
                )
            )
    if agreement.credits:
        if not any(s.uptime and s.monthly_fee is not None for s in agreement.services):
            problems.append(
                (
                    ("credits",),
                    "service credits are a share of a service's monthly fee when "
                    "its uptime target is missed, but no service has both an uptime target and "
                    "a monthly_fee: add them, or remove credits",
                )
            )
        tiers = [t.below for t in agreement.credits.tiers]
        if tiers != sorted(tiers, reverse=True):
            problems.append(
                (
                    ("credits", "tiers"),
                    "credit tiers must run from the highest 'below' threshold to the lowest",
                )
            )
    constraint_ids = {c.id for c in agreement.constraints}
    for index, asset in enumerate(agreement.internal.assets):
        for s_index, name in enumerate(asset.services):
            service(("internal", "assets", index, "services", s_index), name)
        calendar(("internal", "assets", index, "calendar"), asset.calendar)
        if asset.warranty is not None and asset.warranty not in constraint_ids:
            problems.append(
                (
                    ("internal", "assets", index, "warranty"),
                    f"unknown hardware-warranty constraint '{asset.warranty}'",
                )
            )
    for name in agreement.internal.redundancy:
        service(("internal", "redundancy", name), name)
    for pid in agreement.internal.expected_tickets:
        priority(("internal", "expected_tickets", pid), pid)
    problems.extend(_holiday_years(agreement, provider))
    return problems


def _holiday_years(agreement: Agreement, provider: Provider) -> list[tuple[Loc, str]]:
    """Holiday sets the package cannot give for the agreement's first years (it only warns)."""
    problems: list[tuple[Loc, str]] = []
    start = agreement.agreement.effective_date.year
    calendars = {**provider.calendars, **agreement.calendars}
    for name, spec in calendars.items():
        if spec.holidays is None:
            continue
        for year in (start, start + 1):
            said = holiday_warning(spec.holidays, year)
            if said:
                where = "" if name in agreement.calendars else " (in the provider file)"
                problems.append(
                    (
                        ("calendars", name, "holidays"),
                        f"calendar '{name}'{where}: the public holidays {spec.holidays} cannot "
                        f"be computed for {year}, a year this agreement runs in (the holidays "
                        f"package says: {said.rstrip('.')}): choose an effective date in those "
                        "years, or list the closed dates under 'closed' instead",
                    )
                )
                break
    return problems
