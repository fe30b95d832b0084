"""The names and filters clause templates see, built from a loaded agreement (nothing internal)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from slawriter.files.load import Loaded
from slawriter.files.locale import document_locale
from slawriter.model.agreement import ALWAYS_CALENDAR, Agreement, Internal
from slawriter.model.provider import Provider, ProviderInternal

# Agreement fields clause templates do not see: internal, or replaced by a richer name.
HIDDEN_FIELDS = frozenset(
    {"internal", "slawriter", "incomplete", "provider", "calendars", "variants"}
)


def calendars_used(agreement: Agreement) -> list[str]:
    """Every calendar the agreement names anywhere (a target's, a channel's, a constraint's,
    an escalation level's...), default first: the ones whose holidays the document lists.
    Found by field name, so a calendar field added to the model later is listed too."""
    found = [agreement.default_calendar]

    def walk(value: Any) -> None:
        if isinstance(value, BaseModel):
            for name in type(value).model_fields:
                item = getattr(value, name)
                if (name == "calendar" or name.endswith("_calendar")) and isinstance(item, str):
                    if item not in found:
                        found.append(item)
                else:
                    walk(item)
        elif isinstance(value, list | tuple):
            for item in value:
                walk(item)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)

    for name in type(agreement).model_fields:
        if name not in ("internal", "calendars"):
            walk(getattr(agreement, name))
    return found


def clause_names() -> tuple[dict[str, Any], frozenset[str]]:
    """The names clause templates see, as types (for the linter), and the filter names.

    Built the same way as clause_context, from the models and the helpers, so the linter's
    idea of a known name cannot drift from what rendering provides.
    """
    from datetime import date

    from slawriter.clock.calendars import always
    from slawriter.clock.downtime import Span
    from slawriter.drafting.helpers import CalendarView, Helpers, ProfileView
    from slawriter.library.jurisdictions import Jurisdiction
    from slawriter.model.durations import Period

    view = CalendarView(ALWAYS_CALENDAR, always(), None)
    helpers = Helpers({ALWAYS_CALENDAR: view}, ALWAYS_CALENDAR, "en_GB", "GBP", Span.month(2027, 1))
    names: dict[str, Any] = {
        key: field.annotation
        for key, field in Agreement.model_fields.items()
        if key not in HIDDEN_FIELDS
    }
    names.update(provider=Provider, calendars=dict[str, CalendarView], profile=ProfileView)
    names.update(helpers.globals())
    # Values the sample helpers cannot hold (no library loaded): their types instead.
    names.update(
        jurisdiction=Jurisdiction,
        regimes=list[str],
        records_retention=Period,
        term_end=date,
        language=str,
    )
    return names, frozenset(helpers.filters())


def clause_context(loaded: Loaded) -> tuple[dict[str, Any], dict[str, Any]]:
    """The names clause templates see, and their filters. Nothing internal is included."""
    from datetime import timedelta

    from slawriter.clock.calendars import calendars_for
    from slawriter.clock.downtime import first_full_month
    from slawriter.drafting.helpers import (
        CalendarView,
        Helpers,
        Parties,
        ProfileView,
        Term,
        add_period,
    )

    agreement = loaded.agreement.model_copy(update={"internal": Internal()})
    provider = loaded.provider.model_copy(update={"internal": ProviderInternal()})
    locale = document_locale(agreement, provider)
    clocks = calendars_for(agreement, provider)
    views: dict[str, CalendarView] = {
        name: CalendarView(name, clock, clocks.specs.get(name), locale.language)
        for name, clock in clocks.items()
    }
    info = agreement.agreement
    place = loaded.jurisdiction
    regimes = agreement.data_protection.regimes
    if regimes is None:
        regimes = list(place.regimes) if place else []
    retention = agreement.data_protection.retention or (place.limitation if place else None)
    helpers = Helpers(
        views,
        agreement.default_calendar,
        locale.language,
        locale.currency,
        first_full_month(info.effective_date),
        Term(
            info.effective_date,
            add_period(info.effective_date, info.term.initial) - timedelta(days=1),
        ),
        Parties(place, loaded.jurisdictions, tuple(regimes), retention),
        tuple(name for name in calendars_used(agreement) if name in views),
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
