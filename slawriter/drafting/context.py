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
    from slawriter.clock.calendars import always
    from slawriter.clock.downtime import Span
    from slawriter.drafting.helpers import CalendarView, Helpers, ProfileView

    view = CalendarView(ALWAYS_CALENDAR, always(), None)
    helpers = Helpers({ALWAYS_CALENDAR: view}, ALWAYS_CALENDAR, "en_GB", "GBP", Span.month(2027, 1))
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
    from slawriter.clock.calendars import calendars_for
    from slawriter.clock.downtime import first_full_month
    from slawriter.drafting.helpers import CalendarView, Helpers, ProfileView

    agreement = loaded.agreement.model_copy(update={"internal": Internal()})
    provider = loaded.provider.model_copy(update={"internal": ProviderInternal()})
    clocks = calendars_for(agreement, provider)
    views: dict[str, CalendarView] = {
        name: CalendarView(name, clock, clocks.specs.get(name)) for name, clock in clocks.items()
    }
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
