"""The names and filters clause templates see, built from a loaded agreement (nothing internal)."""

from __future__ import annotations

from typing import Any

from slawriter.files.load import Loaded
from slawriter.model.agreement import ALWAYS_CALENDAR, Agreement, Internal
from slawriter.model.provider import Provider, ProviderInternal

# Agreement fields clause templates do not see: internal, or replaced by a richer name.
HIDDEN_FIELDS = frozenset(
    {"internal", "slawriter", "incomplete", "provider", "calendars", "variants"}
)


def clause_names() -> tuple[dict[str, Any], frozenset[str]]:
    """The names clause templates see, as types (for the linter), and the filter names.

    Built the same way as clause_context, from the models and the helpers, so the linter's
    idea of a known name cannot drift from what rendering provides.
    """
    from slawriter.drafting.helpers import CalendarView, Helpers, Month, ProfileView, build_calendar
    from slawriter.model.common import CalendarSpec
    from slawriter.model.hours import parse_weekly_hours

    spec = CalendarSpec(timezone="UTC", hours=parse_weekly_hours("24x7"))
    view = CalendarView(ALWAYS_CALENDAR, build_calendar(ALWAYS_CALENDAR, spec), spec)
    helpers = Helpers({ALWAYS_CALENDAR: view}, ALWAYS_CALENDAR, "en_GB", "GBP", Month(2027, 1))
    names: dict[str, Any] = {
        key: field.annotation
        for key, field in Agreement.model_fields.items()
        if key not in HIDDEN_FIELDS
    }
    names.update(provider=Provider, calendars=dict[str, CalendarView], profile=ProfileView)
    names.update(helpers.globals())
    return names, frozenset(helpers.filters())


def clause_context(loaded: Loaded) -> tuple[dict[str, Any], dict[str, Any]]:
    """The names clause templates see, and their filters. Nothing internal is included."""
    from slawriter.drafting.helpers import (
        CalendarView,
        Helpers,
        ProfileView,
        build_calendar,
        first_full_month,
    )
    from slawriter.model.common import CalendarSpec
    from slawriter.model.hours import parse_weekly_hours

    agreement = loaded.agreement.model_copy(update={"internal": Internal()})
    provider = loaded.provider.model_copy(update={"internal": ProviderInternal()})
    specs: dict[str, CalendarSpec] = {**provider.calendars, **agreement.calendars}
    # The built-in 24x7 calendar runs in the default calendar's zone; when 24x7 is itself the
    # default, in the zone of the first calendar the provider or the agreement names.
    default_spec = specs.get(agreement.default_calendar) or next(iter(specs.values()), None)
    zone = default_spec.timezone if default_spec else "UTC"
    views: dict[str, CalendarView] = {
        name: CalendarView(name, build_calendar(name, spec), spec) for name, spec in specs.items()
    }
    if ALWAYS_CALENDAR not in views:
        always = CalendarSpec(timezone=zone, hours=parse_weekly_hours("24x7"))
        views[ALWAYS_CALENDAR] = CalendarView(
            ALWAYS_CALENDAR, build_calendar(ALWAYS_CALENDAR, always), always
        )
    helpers = Helpers(
        views,
        agreement.default_calendar,
        provider.locale.language,
        provider.locale.currency,
        first_full_month(agreement.agreement.effective_date),
    )
    names: dict[str, Any] = {
        key: getattr(agreement, key)
        for key in type(agreement).model_fields
        if key not in HIDDEN_FIELDS
    }
    profile = loaded.profile
    names.update(
        provider=provider,
        calendars=views,
        profile=ProfileView(profile.id, profile.name, profile.title, profile.subtitle),
    )
    names.update(helpers.globals())
    return names, helpers.filters()
