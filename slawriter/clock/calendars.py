"""The one place an agreement's calendars are built: documents, checks, reports and commands.

Every calendar an agreement can name is the provider's or the agreement's own (the agreement's
wins on a shared name), plus the built-in ``24x7``. The zone rule for ``24x7``, which the
agreement prints and every figure follows:

- it runs in the time zone of the agreement's default calendar;
- when ``24x7`` is itself the default, in the zone of the first calendar the agreement names,
  else the first the provider names;
- in UTC only when nothing names a calendar.

An agreement or provider that defines a calendar called ``24x7`` itself gets that one.

The maintenance window's weekly hours run in the zone of the calendar the maintenance terms
name (none named: the default calendar's). The staff on shift and the on-call rota of the
provider's internal staffing are calendars without holidays, in their own zone or, when they
name none, the default calendar's. A calendar from command-line options (``clock``,
``deadline``, ``downtime``) is built here too: nothing else constructs a calendar.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from datetime import date, datetime

from slawriter.clock.engine import Calendar
from slawriter.errors import InputError
from slawriter.model.agreement import ALWAYS_CALENDAR, Agreement
from slawriter.model.common import CalendarSpec
from slawriter.model.hours import WeeklyHours, parse_weekly_hours
from slawriter.model.provider import Provider

__all__ = [
    "ALWAYS_CALENDAR",
    "Calendars",
    "always",
    "always_zone",
    "basis_name",
    "calendar_from_options",
    "calendar_from_spec",
    "calendars_for",
    "named_specs",
]


def named_specs(agreement: Agreement, provider: Provider) -> dict[str, CalendarSpec]:
    """The calendars the agreement can name, the agreement's own first."""
    specs = dict(agreement.calendars)
    for name, spec in provider.calendars.items():
        specs.setdefault(name, spec)
    return specs


def always_zone(agreement: Agreement, provider: Provider) -> str:
    """The time zone the built-in 24x7 calendar runs in (the module docstring's rule)."""
    specs = named_specs(agreement, provider)
    spec = specs.get(agreement.default_calendar)
    if spec is None or agreement.default_calendar == ALWAYS_CALENDAR:
        spec = next((s for name, s in specs.items() if name != ALWAYS_CALENDAR), spec)
    return spec.timezone if spec is not None else "UTC"


# Calendars defined alike are one object in a process: a portfolio of agreements sharing the
# provider's calendars works out each calendar's years (holidays, opening times) once, not once
# per agreement. A Calendar never changes after it is built, so sharing it is safe.
_SHARED: dict[tuple[str, ...], Calendar] = {}
_SHARED_MAX = 512


def _shared(key: tuple[str, ...], build: Callable[[], Calendar]) -> Calendar:
    found = _SHARED.get(key)
    if found is None:
        if len(_SHARED) >= _SHARED_MAX:
            _SHARED.clear()
        found = _SHARED[key] = build()
    return found


def calendar_from_spec(name: str, spec: CalendarSpec) -> Calendar:
    return _shared(("spec", name, spec.model_dump_json()), lambda: _build(name, spec))


def always(zone: str = "UTC") -> Calendar:
    """The built-in 24x7 calendar in ``zone``; ValueError when it is not an IANA zone."""
    return _shared(
        ("always", ALWAYS_CALENDAR, zone), lambda: Calendar.always(ALWAYS_CALENDAR, zone)
    )


def _plain(name: str, zone: str, hours: WeeklyHours) -> Calendar:
    """Weekly hours without holidays (a rota, a maintenance window)."""
    return _shared(("plain", name, zone, hours.canonical()), lambda: Calendar(name, zone, hours))


def calendar_from_options(
    hours: str | None, timezone: str | None, holidays: str | None
) -> Calendar:
    """The calendar the ``--hours``/``--timezone``/``--holidays`` options describe."""
    if not timezone:
        raise InputError(
            "--timezone is needed with --hours (an IANA zone, e.g. Europe/London), "
            "or use --agreement"
        )
    try:
        weekly = parse_weekly_hours(hours or "24x7")
    except ValueError as error:
        raise InputError(f"--hours: {error}") from None

    def build() -> Calendar:
        calendar = Calendar("command line", timezone, weekly, holidays=holidays)
        if holidays:  # the holidays package refuses some sets only when asked for a year
            today = datetime.now().date()
            calendar.holidays_between(today, today)
        return calendar

    try:
        return _shared(("options", timezone, weekly.canonical(), holidays or ""), build)
    except ValueError as error:
        option = "--holidays" if holidays and "holiday" in str(error) else "--timezone"
        raise InputError(f"{option}: {error}") from None


def _build(name: str, spec: CalendarSpec) -> Calendar:
    hours = spec.hours if spec.hours is not None else parse_weekly_hours("24x7")
    return Calendar(
        name,
        spec.timezone,
        hours,
        holidays=spec.holidays,
        closed=spec.closed,
        reduced=dict(spec.reduced),
    )


class Calendars(Mapping[str, Calendar]):
    """Every calendar one agreement can name, built when first asked for (holiday tables
    cost time, and a check or a command needs only a few)."""

    def __init__(self, agreement: Agreement, provider: Provider) -> None:
        self._agreement = agreement
        self._provider = provider
        self.default = agreement.default_calendar
        self.specs = named_specs(agreement, provider)
        self.always_zone = always_zone(agreement, provider)
        self._names = [*self.specs, *([] if ALWAYS_CALENDAR in self.specs else [ALWAYS_CALENDAR])]
        self._built: dict[str, Calendar] = {}

    def __getitem__(self, name: str) -> Calendar:
        found = self._built.get(name)
        if found is None:
            spec = self.specs.get(name)
            if spec is not None:
                found = calendar_from_spec(name, spec)
            elif name == ALWAYS_CALENDAR:
                found = always(self.always_zone)
            else:
                raise KeyError(name)
            self._built[name] = found
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)

    def __contains__(self, name: object) -> bool:
        return name in self.specs or name == ALWAYS_CALENDAR

    def named(self, name: str | None) -> Calendar:
        """A calendar by name; None is the default calendar."""
        return self[name or self.default]

    @property
    def local(self) -> Calendar:
        """The default calendar, whose zone months and times without an offset are in
        (24x7, in its zone, should the default name no calendar)."""
        return self[self.default if self.default in self else ALWAYS_CALENDAR]

    def known(self, name: str | None) -> Calendar:
        """A calendar by name (None: the default one); a name the agreement does not define
        counts as 24x7, so checks of other promises still run while validation reports it."""
        key = name or self.default
        return self[key if key in self else ALWAYS_CALENDAR]

    def maintenance_window(self) -> Calendar:
        """The agreement's maintenance window, in the zone of the calendar its maintenance
        terms name (none named: the default calendar's zone)."""
        maintenance = self._agreement.maintenance
        zone = self.known(maintenance.calendar).tz_name
        return _plain("maintenance window", zone, maintenance.window)

    def cover(self) -> tuple[list[Calendar], list[Calendar]]:
        """(staff on shift, people on call) of the provider's internal staffing, as calendars
        without holidays; a band or rota naming no zone runs in the default calendar's."""
        internal = self._provider.internal
        zone = self.local.tz_name
        staff = [
            _plain(f"staff-{index}", band.timezone or zone, band.hours)
            for index, band in enumerate(internal.staffing)
            if band.agents > 0
        ]
        on_call = []
        if internal.on_call is not None and internal.on_call.people > 0:
            rota = internal.on_call
            on_call.append(_plain("on-call", rota.timezone or zone, rota.hours))
        return staff, on_call

    def month_bounds(self, first: date, next_first: date) -> tuple[datetime, datetime]:
        """Local midnights starting ``first`` and ``next_first`` in the default zone (aware)."""
        zone = self.local.timezone
        return (
            datetime.combine(first, datetime.min.time(), zone),
            datetime.combine(next_first, datetime.min.time(), zone),
        )


def calendars_for(agreement: Agreement, provider: Provider) -> Calendars:
    """Every calendar the agreement can name, including the built-in 24x7."""
    return Calendars(agreement, provider)


def basis_name(basis: str, name: str | None, default: str) -> str:
    """The calendar an uptime basis counts on: 24x7 for all-time, else the named calendar
    (None: the default one)."""
    return (name or default) if basis == "business-hours" else ALWAYS_CALENDAR


def without(calendar: Calendar, *, holidays: bool = False, reduced: bool = False) -> Calendar:
    """The same calendar less its holidays and closed dates, or its reduced days: what-ifs
    for ``report --compare``, which checks whether a rule decides a disagreement."""
    return Calendar(
        calendar.name,
        calendar.tz_name,
        calendar.hours,
        None if holidays else calendar.holiday_spec,
        () if holidays else calendar.closed,
        {} if reduced else calendar.reduced,
    )
