"""The facts every rule needs about one agreement: its calendars, month and team load."""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cached_property
from typing import Any

from slawriter.clock.calendars import Calendars, calendars_for
from slawriter.clock.engine import Calendar
from slawriter.library.clauses import Clause
from slawriter.library.platforms import Platforms
from slawriter.library.wording import Wording
from slawriter.model.agreement import SITE_VISIT as SITE_VISIT_TEXT
from slawriter.model.agreement import Agreement
from slawriter.model.durations import Duration, parse_duration
from slawriter.model.provider import Provider

from .availability import Span, first_full_month

# Assumptions the rules rest on; docs/feasibility.md quotes them.
HARDWARE_REPAIR = timedelta(hours=2)  # work after the vendor's engineer arrives, in cover hours
# On-site work needed to resolve a problem at a site, unless a constraint states its own
# site_visit: the same default the document prints as its test for modified targets.
SITE_VISIT = timedelta(seconds=parse_duration(SITE_VISIT_TEXT).seconds)
SCAN_STEP = timedelta(minutes=15)  # how finely worst cases are searched over the month


@dataclass(frozen=True)
class TeamLoad:
    """Tickets another agreement sends to the provider's shared team, for portfolio mode."""

    name: str
    tickets_per_hour: float
    handling_s_total: float  # tickets per hour x handling time, summed over priorities


@dataclass
class Facts:
    agreement: Agreement
    provider: Provider
    others: list[TeamLoad] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)  # the merged agreement data
    clauses: list[Clause] = field(default_factory=list)  # the clauses a render would use
    wording: Wording | None = None
    platforms: Platforms | None = None
    cache: dict[str, object] = field(default_factory=dict)
    # The profile's stand-in monitoring text ("the Provider's monitoring system"): a default
    # that names nothing, which monitoring-unnamed must not accept as a data source.
    generic_monitoring: tuple[str, ...] = ()

    @cached_property
    def calendars(self) -> Calendars:
        """Every calendar the agreement can name, from the one factory the document uses."""
        return calendars_for(self.agreement, self.provider)

    @cached_property
    def zone(self) -> str:
        """The default calendar's zone (for a 24x7 default, the zone 24x7 runs in)."""
        return self.calendars.local.tz_name

    @cached_property
    def month(self) -> Span:
        return first_full_month(self.agreement.agreement.effective_date)

    @cached_property
    def tzinfo(self) -> zoneinfo.ZoneInfo:
        return self.calendars.local.timezone

    @cached_property
    def month_start(self) -> datetime:
        """Local midnight starting the month, in the default calendar's zone (aware)."""
        return self.calendars.month_bounds(self.month.first, self.month.next_first)[0]

    @cached_property
    def month_end(self) -> datetime:
        return self.calendars.month_bounds(self.month.first, self.month.next_first)[1]

    @property
    def month_bounds(self) -> tuple[datetime, datetime]:
        return self.month_start, self.month_end

    def calendar(self, name: str | None) -> Calendar:
        """A named calendar (None: the default one); 24x7 is built in.

        A name the agreement does not define counts as 24x7, so the other rules still run
        while clock-undefined reports it."""
        return self.calendars.known(name)

    def calendar_name(self, name: str | None) -> str:
        return name or self.agreement.default_calendar

    def describe(self, name: str | None) -> str:
        key = self.calendar_name(name)
        clock = self.calendar(key)
        if clock.is_always:
            return "24x7"
        return f"'{key}' ({clock.hours.describe()})"

    def amount(self, duration: Duration, calendar: str | None) -> timedelta:
        """A duration as business time on its calendar."""
        if duration.business_days:
            return duration.business_days * self.calendar(calendar).standard_day()
        return timedelta(seconds=duration.seconds)

    @cached_property
    def _starts(self) -> list[datetime]:
        found = []
        # The calendar engine's own UTC (datetime.UTC, not ZoneInfo("UTC")): comparing and
        # subtracting instants that share one tzinfo object skips two utcoffset() calls each,
        # and the month's searches make ~30,000 of them (~10 ms of `check`).
        moment = self.month_start.astimezone(UTC)
        end = self.month_end
        while moment < end:
            found.append(moment)
            moment += SCAN_STEP
        return found

    def starts(self) -> list[datetime]:
        """Instants through the month at which a problem may be logged (worst-case search)."""
        return self._starts

    # -- the shared team --------------------------------------------------------------------

    def handling(self, priority: str) -> Duration | None:
        times = self.provider.internal.handling_time
        return times.get(priority) or times.get("default")

    @cached_property
    def busy_seconds(self) -> float:
        """Seconds in the month when tickets arrive: the default calendar's open time."""
        clock = self.calendar(None)
        return clock.elapsed(self.month_start, self.month_end).total_seconds()

    def own_load(self) -> TeamLoad | None:
        """This agreement's tickets per hour and work per hour (None: handling time unknown)."""
        tickets = self.agreement.internal.expected_tickets
        hours = self.busy_seconds / 3600
        if not tickets or hours <= 0:
            return None
        work = 0.0
        for priority, count in tickets.items():
            handling = self.handling(priority)
            if handling is None:
                return None
            work += count / hours * self.amount(handling, None).total_seconds()
        return TeamLoad("", sum(tickets.values()) / hours, work)
