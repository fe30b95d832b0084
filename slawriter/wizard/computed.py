"""Computed defaults: small named functions a question file uses as ``compute:NAME``.

Each takes the wizard (for earlier answers and the provider file) and the group item being
asked (or None) and returns a default, or None when it cannot give one.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any, Protocol


class Item(Protocol):
    """The group item being asked (the engine's Item)."""

    @property
    def defaults(self) -> dict[str, Any]: ...


class Sources(Protocol):
    @property
    def today(self) -> date: ...

    @property
    def provider(self) -> dict[str, Any]: ...


class Wizard(Protocol):
    """What a computed default may read: earlier answers and the provider file."""

    @property
    def sources(self) -> Sources: ...

    def value(self, path: str, item: Any = None) -> Any: ...

    def priority_ids(self) -> list[str]: ...

    def date_value(self, path: str) -> date: ...


def first_of_next_month(wizard: Wizard, item: Item | None) -> Any:
    today = wizard.sources.today
    return date(today.year + (today.month == 12), today.month % 12 + 1, 1)


def _reference(wizard: Wizard, item: Item | None) -> Any:
    name = wizard.value("customer.name")
    if not isinstance(name, str) or not name.strip():
        return None
    provider = wizard.sources.provider.get("name", "")
    prefix = "".join(w[0] for w in str(provider).split()[:2] if w[:1].isalpha()).upper() or "SLA"
    initials = "".join(w[0] for w in name.split() if w[:1].isalnum())[:4].upper()
    year = wizard.date_value("agreement.effective_date").year
    return f"{prefix}-SLA-{year}-{initials}"


def _channels(wizard: Wizard, item: Item | None) -> Any:
    contact = wizard.sources.provider.get("contact") or {}
    priorities = list(wizard.priority_ids())
    channels = []
    if contact.get("phone"):
        channels.append({"kind": "phone", "contact": contact["phone"], "priorities": priorities})
    if contact.get("email"):
        channels.append(
            {
                "kind": "email",
                "contact": contact["email"],
                "priorities": priorities[1:] or priorities,
            }
        )
    return channels


def _backup_interval(wizard: Wizard, item: Item | None) -> Any:
    return wizard.value("data_protection.backup.frequency")


def _currency(wizard: Wizard, item: Item | None) -> Any:
    language = wizard.value("locale.language") or "en_GB"
    return {"en_US": "USD", "en_IE": "EUR", "en_AU": "AUD", "en_NZ": "NZD", "en_CA": "CAD",
            "en_ZA": "ZAR"}.get(language, "GBP")  # fmt: skip


def _page_size(wizard: Wizard, item: Item | None) -> Any:
    return "Letter" if wizard.value("locale.language") in ("en_US", "en_CA") else "A4"


_ZONES = {"en_GB": ("Europe/London", "GB-ENG"), "en_US": ("America/New_York", "US-NY"),
          "en_IE": ("Europe/Dublin", "IE"), "en_AU": ("Australia/Sydney", "AU-NSW"),
          "en_NZ": ("Pacific/Auckland", "NZ"), "en_CA": ("America/Toronto", "CA-ON"),
          "en_ZA": ("Africa/Johannesburg", "ZA")}  # fmt: skip


def _timezone(wizard: Wizard, item: Item | None) -> Any:
    return _ZONES.get(str(wizard.value("locale.language")), _ZONES["en_GB"])[0]


def _holidays(wizard: Wizard, item: Item | None) -> Any:
    return _ZONES.get(str(wizard.value("locale.language")), _ZONES["en_GB"])[1]


def _default_calendar_spec(wizard: Wizard, part: str) -> Any:
    calendars = wizard.sources.provider.get("calendars") or {}
    spec: dict[str, Any] = calendars.get("business") or next(iter(calendars.values()), {})
    return spec.get(part)


def _credits_possible(wizard: Wizard, item: Item | None) -> Any:
    """Credits are a share of a monthly fee: offer them when a service has a fee and a target."""
    services = wizard.value("services") or []
    return any(
        isinstance(s, dict) and s.get("uptime") and s.get("monthly_fee") is not None
        for s in services
    )


# Services of help rather than of a system: no uptime to promise (there is nothing to be up).
_HELP_SERVICE = re.compile(
    r"\b((desktop|end[- ]user|user|pc) support|help ?desk|service ?desk|training)\b", re.I
)


def _uptime_expected(wizard: Wizard, item: Item | None) -> Any:
    """Offer an uptime target for a system (email, files), not for "Desktop support"."""
    name = wizard.value("item.name", item)
    return not (isinstance(name, str) and _HELP_SERVICE.search(name))


def _clock(priority: str) -> Callable[[Wizard, Item | None], Any]:
    """A priority's clock: the out-of-hours calendar when out-of-hours support covers it
    (answering "24x7 for P1" puts P1's targets on the 24x7 clock), else the default."""

    def clock(wizard: Wizard, item: Item | None) -> Any:
        if wizard.value("out_of_hours.available") and priority in (
            wizard.value("out_of_hours.priorities") or []
        ):
            return wizard.value("out_of_hours.calendar") or "24x7"
        return wizard.value("default_calendar") or "business"

    return clock


# Who normally signs for each kind of organisation: a default that fits, never a company
# director's title for a partnership.
_SIGNS_FOR = {
    "company": "Director",
    "llp": "Designated Member",
    "partnership": "Partner",
    "sole-trader": "Owner",
    "corporation": "President",
    "professional-corporation": "President",
    "llc": "Manager",
}
# The kind of organisation a legal name ends with, when the entity type was not given.
_NAME_ENDINGS = (
    (re.compile(r"\b(ltd\.?|limited|plc)$", re.I), "company"),
    (re.compile(r"\bllp$", re.I), "llp"),
    (re.compile(r"\bl\.?l\.?c\.?$", re.I), "llc"),
    (re.compile(r"\bp\.c\.?$", re.I), "professional-corporation"),
    (re.compile(r"\b(inc\.?|corp\.?|corporation|incorporated)$", re.I), "corporation"),
    (re.compile(r"\b(partners|& co\.?)$", re.I), "partnership"),
)


def _signatory_title(wizard: Wizard, item: Item | None) -> Any:
    """The title that fits the customer's entity type (or, without one, the ending of its
    legal name); no default when neither says, so the title is typed, never guessed."""
    entity = wizard.value("customer.entity")
    if entity is None:
        name = str(wizard.value("customer.name") or "").strip().rstrip(",")
        entity = next((kind for ending, kind in _NAME_ENDINGS if ending.search(name)), None)
    return _SIGNS_FOR.get(str(entity)) if entity else None


COMPUTE: dict[str, Callable[[Wizard, Item | None], Any]] = {
    "credits_possible": _credits_possible,
    "uptime_expected": _uptime_expected,
    "first_of_next_month": first_of_next_month,
    "reference": _reference,
    "channels": _channels,
    "backup_interval": _backup_interval,
    "currency": _currency,
    "page_size": _page_size,
    "timezone": _timezone,
    "holidays": _holidays,
    "signatory_title": _signatory_title,
    "provider_timezone": lambda w, i: _default_calendar_spec(w, "timezone"),
    "provider_hours": lambda w, i: _default_calendar_spec(w, "hours"),
    "provider_holidays": lambda w, i: _default_calendar_spec(w, "holidays"),
    **{f"clock_P{n}": _clock(f"P{n}") for n in range(1, 10)},
}
