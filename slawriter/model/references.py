"""Checks that span fields: names that must refer to something defined elsewhere.

One method per part of the agreement; each adds (location, message) pairs to ``problems``.
tests/test_references.py runs every message.
"""

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
    checker = _References(agreement, provider)
    checker.check()
    return checker.problems + _holiday_years(agreement, provider)


class _References:
    def __init__(self, agreement: Agreement, provider: Provider) -> None:
        self.agreement = agreement
        self.provider = provider
        self.calendars = sorted({*provider.calendars, *agreement.calendars, ALWAYS_CALENDAR})
        self.service_ids = [s.id for s in agreement.services]
        self.priority_ids = list(agreement.priorities)
        self.problems: list[tuple[Loc, str]] = []

    def check(self) -> None:
        self.calendar(("default_calendar",), self.agreement.default_calendar)
        self.priority_order()
        self.services()
        self.combined_uptime()
        self.calendar(("maintenance", "calendar"), self.agreement.maintenance.calendar)
        self.channels()
        for pid, prio in self.agreement.priorities.items():
            self.calendar(("priorities", pid, "calendar"), prio.calendar)
        self.out_of_hours()
        self.constraints()
        self.credits()
        self.fees()
        self.notices()
        self.internal()

    # -- one reference ---------------------------------------------------------------------

    def add(self, loc: Loc, message: str) -> None:
        self.problems.append((loc, message))

    def calendar(self, loc: Loc, name: str | None) -> None:
        if name is not None and name not in self.calendars:
            self.add(
                loc,
                f"unknown calendar '{name}' (defined: {', '.join(self.calendars)})"
                + _did_you_mean(name, self.calendars),
            )

    def priority(self, loc: Loc, name: str) -> None:
        if name not in self.priority_ids:
            self.add(loc, f"unknown priority '{name}' (defined: {', '.join(self.priority_ids)})")

    def service(self, loc: Loc, name: str) -> None:
        if name not in self.service_ids:
            self.add(
                loc,
                f"unknown service '{name}' (defined: {', '.join(self.service_ids)})"
                + _did_you_mean(name, self.service_ids),
            )

    def fees(self) -> None:
        """A stand-alone agreement's fees must be inside it: stated per service, or in a
        quotation it incorporates by number and date (its entire-agreement clause excludes
        anything else)."""
        info = self.agreement.agreement
        # A draft may leave a fee blank: the document prints a visible gap to fill in, never a
        # reference to terms outside it; the final text must state every fee.
        if info.master_agreement or self.agreement.fees.quotation or info.status == "draft":
            return
        for index, service in enumerate(self.agreement.services):
            if service.monthly_fee is None:
                self.add(
                    ("services", index, "monthly_fee"),
                    "required in a final agreement that names no master agreement: it is the whole "
                    "agreement, so a fee set out elsewhere would not bind; give each service's "
                    "monthly_fee, or fees.quotation (number and date) to make the quotation "
                    "part of the agreement",
                )

    def notices(self) -> None:
        """A formal notice sent to a helpdesk inbox is read as a ticket, if at all."""
        desks = {c.contact.strip().casefold(): c.id for c in self.agreement.reporting.channels}
        for role, who in (("customer", self.agreement.customer), ("provider", self.provider)):
            address = who.contact.notices
            desk = desks.get(address.strip().casefold()) if address else None
            if desk is not None:
                loc: Loc = (
                    ("customer", "contact", "notices") if role == "customer" else ("provider",)
                )
                self.add(
                    loc,
                    f"{role}.contact.notices: '{address}' is the reporting channel '{desk}', a "
                    "service desk inbox; formal notices need an address of their own",
                )

    def once(self, seen: set[str], loc: Loc, item_id: str, what: str) -> None:
        """Report ``item_id`` when it was ``seen`` before; remember it."""
        if item_id in seen:
            self.add(loc, f"duplicate {what} id '{item_id}'")
        seen.add(item_id)

    # -- the parts of the agreement --------------------------------------------------------

    def priority_order(self) -> None:
        expected = [f"P{n}" for n in range(1, len(self.priority_ids) + 1)]
        if self.priority_ids != expected:
            self.add(
                ("priorities",),
                f"priorities must be {', '.join(expected)} in order, "
                f"found {', '.join(self.priority_ids)}",
            )

    def services(self) -> None:
        seen: set[str] = set()
        for index, svc in enumerate(self.agreement.services):
            self.once(seen, ("services", index, "id"), svc.id, "service")
            if svc.uptime:
                self.calendar(("services", index, "uptime", "calendar"), svc.uptime.calendar)

    def combined_uptime(self) -> None:
        combined = self.agreement.combined_uptime
        if not combined:
            return
        with_target = [s.id for s in self.agreement.services if s.uptime]
        self.calendar(("combined_uptime", "calendar"), combined.calendar)
        named: set[str] = set()
        for index, name in enumerate(combined.services or []):
            loc = ("combined_uptime", "services", index)
            if name in named:
                self.add(loc, f"service '{name}' is named twice")
            named.add(name)
            if name in self.service_ids and name not in with_target:
                self.add(
                    loc,
                    f"service '{name}' has no uptime target, so it cannot count "
                    "towards the combined figure: give it one or leave it out",
                )
            else:
                self.service(loc, name)
        if len(combined.services or with_target) < 2:
            self.add(
                ("combined_uptime",),
                "a combined figure needs at least two services with "
                "uptime targets; with one, its own target says it all: remove combined_uptime",
            )

    def channels(self) -> None:
        seen: set[str] = set()
        for index, channel in enumerate(self.agreement.reporting.channels):
            self.once(seen, ("reporting", "channels", index, "id"), channel.id, "channel")
            self.calendar(("reporting", "channels", index, "calendar"), channel.calendar)
            for p_index, name in enumerate(channel.priorities):
                self.priority(("reporting", "channels", index, "priorities", p_index), name)

    def out_of_hours(self) -> None:
        for index, level in enumerate(self.agreement.escalation):
            self.calendar(("escalation", index, "calendar"), level.calendar)
        self.calendar(("priority_dispute", "calendar"), self.agreement.priority_dispute.calendar)
        out_of_hours = self.agreement.out_of_hours
        self.calendar(("out_of_hours", "calendar"), out_of_hours.calendar)
        for index, name in enumerate(out_of_hours.priorities):
            self.priority(("out_of_hours", "priorities", index), name)
        if out_of_hours.available and out_of_hours.calendar is None:
            self.add(
                ("out_of_hours", "calendar"),
                "out-of-hours support is available, so name the calendar when it can be called on",
            )

    def constraints(self) -> None:
        seen: set[str] = set()
        for index, constraint in enumerate(self.agreement.constraints):
            where = ("constraints", index)
            self.once(seen, (*where, "id"), constraint.id, "constraint")
            self.calendar((*where, "calendar"), constraint.calendar)
            for s_index, name in enumerate(constraint.services):
                self.service((*where, "services", s_index), name)
            for pid, target in constraint.modified_targets.items():
                self.priority((*where, "modified_targets", pid), pid)
                self.calendar((*where, "modified_targets", pid, "calendar"), target.calendar)
            if constraint.calendar is None and constraint.kind in _COVER_WINDOW:
                self.add(
                    (*where, "calendar"), f"name the calendar of {_COVER_WINDOW[constraint.kind]}"
                )
            if constraint.kind == "hardware-warranty" and constraint.onsite_response is None:
                self.add(
                    (*where, "onsite_response"),
                    "a hardware-warranty constraint needs the vendor's onsite response "
                    "(e.g. '1 business day' for next-business-day cover, or '4h')",
                )

    def credits(self) -> None:
        self.exit_charges()
        credits = self.agreement.credits
        if not credits:
            return
        if not credits.tiers and credits.targets is None:
            self.add(
                ("credits",),
                "credits need uptime tiers (credits.tiers and credits.cap) or credits for "
                "missed Response and Resolution targets (credits.targets)",
            )
        if credits.tiers and credits.cap is None:
            self.add(
                ("credits", "cap"),
                "uptime credit tiers need a cap: the most credited in a month, as a "
                "percentage of the monthly fee",
            )
        self.target_credits()
        if credits.tiers and not any(
            s.uptime and s.monthly_fee is not None for s in self.agreement.services
        ):
            self.add(
                ("credits",),
                "service credits are a share of a service's monthly fee when "
                "its uptime target is missed, but no service has both an uptime target and "
                "a monthly_fee: add them, or remove credits",
            )
        tiers = [t.below for t in credits.tiers]
        if tiers != sorted(tiers, reverse=True):
            self.add(
                ("credits", "tiers"),
                "credit tiers must run from the highest 'below' threshold to the lowest",
            )

    def target_credits(self) -> None:
        targets = self.agreement.credits.targets if self.agreement.credits else None
        if targets is None:
            return
        where: Loc = ("credits", "targets")
        for pid, credit in targets.priorities.items():
            self.priority((*where, "priorities", pid), pid)
            if credit.response is None and credit.resolution is None:
                self.add(
                    (*where, "priorities", pid),
                    "give a credit for a missed response, a missed resolution, or both",
                )
        if targets.basis == "share-of-tickets" and targets.below is None:
            self.add(
                (*where, "below"),
                "share-of-tickets credits need 'below': the share of a priority's tickets "
                "meeting a target below which the credit is due (e.g. 90)",
            )
        if targets.service is not None:
            self.service((*where, "service"), targets.service)

    def exit_charges(self) -> None:
        exit_ = self.agreement.exit
        if exit_.charges is not None and exit_.day_rate is None and exit_.cap is None:
            self.add(
                ("exit", "charges"),
                "exit charges need a ceiling or a fixed rate, or the customer cannot know "
                "what leaving costs: add exit.cap (the most charged in total) or "
                "exit.day_rate (per person per day)",
            )

    def internal(self) -> None:
        internal = self.agreement.internal
        constraint_ids = {c.id for c in self.agreement.constraints}
        for index, asset in enumerate(internal.assets):
            where = ("internal", "assets", index)
            for s_index, name in enumerate(asset.services):
                self.service((*where, "services", s_index), name)
            self.calendar((*where, "calendar"), asset.calendar)
            if asset.warranty is not None and asset.warranty not in constraint_ids:
                self.add(
                    (*where, "warranty"),
                    f"unknown hardware-warranty constraint '{asset.warranty}'",
                )
        for name in internal.redundancy:
            self.service(("internal", "redundancy", name), name)
        for pid in internal.expected_tickets:
            self.priority(("internal", "expected_tickets", pid), pid)


# Constraints that only make sense with a calendar: what that calendar describes.
_COVER_WINDOW = {
    "hardware-warranty": "the vendor's cover window (e.g. a 9x5 calendar)",
    "site-access": "when the site can be entered",
}


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
