"""The provider file: one per managed service provider, shared by all its agreements."""

# No `from __future__ import annotations` in the model modules: pydantic would then compile
# and evaluate every field's annotation as a string when the models are built (docs/performance.md).

from decimal import Decimal
from typing import Annotated, Literal

from pydantic import Field, field_validator

from slawriter.model.common import (
    CalendarName,
    CalendarSpec,
    Contact,
    EntityType,
    HoursField,
    Language,
    Limit,
    Line,
    Percent,
    Signatory,
    Slug,
    Strict,
    TimeZone,
)
from slawriter.model.durations import DurationField

FORMAT_VERSION = 1
MOST_AGENTS = 1_000  # on shift at once: the staffing check's Erlang sums grow with it


class Locale(Strict):
    language: Language = Field(
        default="en_GB",
        description="Locale for dates and money in the documents (English-language agreements)",
    )
    currency: str = Field(
        default="GBP", pattern=r"^[A-Z]{3}$", description="ISO 4217 code, e.g. GBP, USD, EUR"
    )


class StaffBand(Strict):
    """People on shift during some weekly hours (internal)."""

    hours: HoursField = Field(description="When this band is on shift")
    timezone: TimeZone | None = Field(
        default=None, description="Time zone of the hours (default: the default calendar's)"
    )
    agents: int = Field(ge=0, le=MOST_AGENTS, description="People on shift", examples=[3])


class OnCall(Strict):
    hours: HoursField = Field(description="When someone is on call")
    timezone: TimeZone | None = Field(
        default=None, description="Time zone of the hours (default: the default calendar's)"
    )
    people: int = Field(default=1, ge=0, le=MOST_AGENTS, description="People on call at once")
    attend_within: DurationField | None = Field(
        default=None, description="How soon the person on call starts work"
    )


class ProviderInternal(Strict):
    """Facts for the feasibility checker. Never printed in a customer's document."""

    staffing: Annotated[list[StaffBand], Limit(50, "bands")] = Field(
        default_factory=list,
        description=f"People on shift by weekly hours; at most {MOST_AGENTS:,} agents in all "
        "bands together",
    )
    on_call: OnCall | None = Field(
        default=None, description="Who is on call outside the staffed hours"
    )
    handling_time: Annotated[dict[Line, DurationField], Limit(20, "entries")] = Field(
        default_factory=dict,
        description="Mean handling time per priority id (P1..), with 'default' for the rest",
    )
    required_service_level: Percent = Field(
        default=Decimal(95), description="Share of tickets that must meet each response target"
    )

    @field_validator("staffing")
    @classmethod
    def _team_size(cls, staffing: list[StaffBand]) -> list[StaffBand]:
        # The checker models one service desk: every band may be on shift at once.
        total = sum(band.agents for band in staffing)
        if total > MOST_AGENTS:
            raise ValueError(
                f"{total:,} agents across the bands, but at most {MOST_AGENTS:,} are allowed "
                "together (the checker models one service desk)"
            )
        return staffing


class Provider(Strict):
    slawriter: Literal[1] = Field(description="Format version of this file")
    name: Line = Field(description="Legal name")
    trading_name: Line | None = Field(
        default=None,
        description="The name it trades under, if not its legal name",
        examples=["Northwind IT"],
    )
    company_number: Line | None = Field(
        default=None, description="Registration number, printed in the parties clause"
    )
    entity: EntityType | None = Field(
        default=None,
        description="company, llp, partnership, sole-trader, corporation, "
        "professional-corporation or llc: how the parties clause describes the provider",
    )
    registered_in: Slug | None = Field(
        default=None,
        description="Where it is registered or incorporated: a jurisdiction id such as "
        "england-and-wales or illinois (default: each agreement's jurisdiction)",
    )
    address: Annotated[list[Line], Limit(20, "lines")] = Field(
        min_length=1, description="Registered or main address, one line per entry"
    )
    signatory: Signatory = Field(description="Who signs for the provider")
    contact: Contact = Field(
        default_factory=Contact, description="Who the customer deals with day to day"
    )
    website: Line | None = Field(default=None, description="The provider's website")
    logo: Line | None = Field(default=None, description="PNG or JPEG, relative to this file")
    page_size: Literal["A4", "Letter"] = Field(
        default="A4", description="Paper size of the documents"
    )
    locale: Locale = Field(
        default_factory=Locale, description="Language and currency of the documents"
    )
    calendars: Annotated[dict[CalendarName, CalendarSpec], Limit(50, "calendars")] = Field(
        default_factory=dict, description="Default calendars for every agreement"
    )
    internal: ProviderInternal = Field(
        default_factory=ProviderInternal,
        description="Facts for the feasibility checker, never in a customer's document",
    )
