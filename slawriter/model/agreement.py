"""The agreement file: one per customer, the single source of truth.

It drafts the contract, it is checked for feasibility and it defines how performance is
measured. Everything under ``internal`` is for the provider only and never reaches the
customer's document.
"""

# No `from __future__ import annotations` in the model modules: pydantic would then compile
# and evaluate every field's annotation as a string when the models are built (docs/performance.md).

from decimal import Decimal
from typing import Annotated, Literal

from pydantic import Field, ValidationInfo, field_validator, model_validator

from slawriter.model.common import (
    CalendarName,
    CalendarSpec,
    Contact,
    Date,
    EntityType,
    HoursField,
    Language,
    Limit,
    Line,
    Money,
    Percent,
    PriorityId,
    Signatory,
    Slug,
    Strict,
    Text,
    TicketsPerMonth,
    UptimePercent,
    check_email,
    check_phone,
)
from slawriter.model.durations import DurationField, PeriodField

FORMAT_VERSION = 1
MOST_SERVICES = 500  # render and check stay within seconds; no customer has more
ALWAYS_CALENDAR = "24x7"  # built in: every hour of every day, in the default calendar's zone
# The site access an on-site fix needs: the document's test for when a site-access constraint's
# modified targets apply, and the checker's assumption about on-site work (one number for both).
SITE_VISIT = "1h"


class Term(Strict):
    initial: PeriodField = Field(default="12 months", description="Initial term")  # type: ignore[assignment]
    renewal: PeriodField | None = Field(
        default="12 months",  # type: ignore[assignment]
        description="Automatic renewal period; null for no automatic renewal",
    )
    notice: PeriodField = Field(
        default="90 days",  # type: ignore[assignment]
        description="Notice either party gives to end the agreement at the end of a term",
    )


class AgreementInfo(Strict):
    reference: Line = Field(
        description="The agreement's reference, printed on the cover and in every header",
        examples=["NW-SB-2027-031"],
    )
    effective_date: Date = Field(description="The date the agreement starts, YYYY-MM-DD")
    version: Line = Field(default="1.0", description="The version of this draft, e.g. 1.0 or 2.1")
    term: Term = Field(
        default_factory=Term, description="How long the agreement runs, renews and ends"
    )
    master_agreement: Line | None = Field(
        default=None,
        description="The main services agreement this SLA belongs to, e.g. "
        "'Managed Services Agreement dated 1 December 2026'",
    )
    precedence: Literal["master", "sla"] = Field(
        default="master", description="Which document wins if the two disagree"
    )
    status: Literal["draft", "final"] = Field(
        default="draft",
        description="draft: every document is marked 'DRAFT - subject to contract' (in US "
        "jurisdictions 'DRAFT - for discussion purposes only') on its cover and in its header; "
        "final: the version to sign",
    )
    jurisdiction: Slug = Field(
        default="england-and-wales",
        description="Governing law: an id from the library's clauses/jurisdictions.yaml, e.g. "
        "england-and-wales, scotland, ireland, new-york, illinois, new-south-wales. It sets the "
        "governing-law wording, the data-protection regime and the limitation period for records",
    )


class AgreementLocale(Strict):
    """This agreement's own language, currency or paper, where they differ from the provider's
    (one provider may serve customers in several countries)."""

    language: Language | None = Field(
        default=None,
        description="en_US gives US spelling and terms, US dates and 12-hour times "
        "(default: the provider's)",
    )
    currency: str | None = Field(
        default=None, pattern=r"^[A-Z]{3}$", description="ISO 4217 code (default: the provider's)"
    )
    page_size: Literal["A4", "Letter"] | None = Field(
        default=None,
        description="Default: Letter for en_US and en_CA when the language is set here, "
        "else the provider's",
    )


class Customer(Strict):
    name: Line = Field(description="Legal name")
    company_number: Line | None = Field(
        default=None,
        description="Registration number, printed in the parties clause",
        examples=["01234567"],
    )
    entity: EntityType | None = Field(
        default=None,
        description="company, llp, partnership, sole-trader, corporation, "
        "professional-corporation or llc: how the parties clause describes the customer",
    )
    registered_in: Slug | None = Field(
        default=None,
        description="Where it is registered or incorporated: a jurisdiction id "
        "(default: the agreement's jurisdiction)",
    )
    partners: Annotated[list[Line], Limit(50, "partners")] = Field(
        default_factory=list,
        description="For a partnership without legal personality of its own (England and "
        "Wales, Ireland, Australia): the partners' names, who contract 'trading in "
        "partnership as' the firm's name; required there",
        examples=[["Dr Sofia Lindqvist", "Dr Tom Hale"]],
    )
    address: Annotated[list[Line], Limit(20, "lines")] = Field(
        min_length=1, description="Registered or main address, one line per entry"
    )
    signatory: Signatory = Field(description="Who signs for the customer")
    contact: Contact = Field(
        default_factory=Contact, description="Who the provider deals with day to day"
    )


class Uptime(Strict):
    target: UptimePercent = Field(
        description="Monthly uptime promised, as a percentage, e.g. 99.9 (90 to 100: below 90 "
        "is no promise anyone would sign)"
    )
    basis: Literal["all-time", "business-hours"] = Field(
        default="all-time",
        description="all-time: every minute of the month; business-hours: only the minutes "
        "of the calendar named in 'calendar'",
    )
    calendar: CalendarName | None = Field(
        default=None,
        description="Calendar for the business-hours basis (default calendar)",
        examples=["business"],
    )
    period: Literal["calendar-month"] = Field(
        default="calendar-month", description="Uptime is measured per calendar month"
    )


class Dependency(Strict):
    """A platform the service runs on that the provider does not operate."""

    name: Line = Field(description="The platform, e.g. 'Microsoft 365' or 'the broadband line'")
    target: Percent | None = Field(
        default=None,
        description="The platform's own published monthly uptime commitment, e.g. 99.9",
    )
    excluded: bool = Field(
        default=False,
        description="Whether minutes in which the service is down only because the platform "
        "is down are excluded from Downtime (false: they count against the service's target)",
    )


class Service(Strict):
    id: Slug = Field(description="Short id that other fields refer to, e.g. email")
    name: Line = Field(description="The service's name in the document")
    description: Text | None = Field(
        default=None,
        description="What the service does for the customer, in a sentence or two",
        examples=["Email, calendars and shared mailboxes for all staff"],
    )
    systems: Annotated[list[Line], Limit(100, "systems")] = Field(
        min_length=1, description="The systems, devices and software the service covers"
    )
    sites: Annotated[list[Line], Limit(100, "sites")] = Field(
        default_factory=list, description="Where the covered systems are"
    )
    users: Line | None = Field(default=None, description="Who is covered, e.g. '85 named users'")
    uptime: Uptime | None = Field(
        default=None, description="The uptime promised for the service (none: no uptime target)"
    )
    monthly_fee: Money | None = Field(default=None, description="For service credits")
    depends_on: Annotated[list[Dependency], Limit(20, "platforms")] = Field(
        default_factory=list,
        description="Platforms the service runs on that the provider does not operate",
    )
    down_when: Text | None = Field(
        default=None,
        description="What 'down' means for a service made of several devices, e.g. 'the "
        "shared drive cannot be opened from any PC'; printed in the uptime clause",
    )


class CombinedUptime(Strict):
    target: UptimePercent = Field(
        description="Monthly uptime promised for the services together, as a percentage (90 to 100)"
    )
    basis: Literal["all-time", "business-hours"] = Field(
        default="all-time",
        description="all-time: every minute of the month; business-hours: only the minutes "
        "of the calendar named in 'calendar'",
    )
    calendar: CalendarName | None = Field(
        default=None,
        description="Calendar for the business-hours basis (default calendar)",
        examples=["business"],
    )
    services: Annotated[list[Slug], Limit(MOST_SERVICES, "services")] | None = Field(
        default=None, description="Services counted (default: every service with a target)"
    )


class Monitoring(Strict):
    system: Line = Field(
        description="The named data source for uptime, e.g. 'PRTG Network Monitor'; the "
        "profiles' stand-in 'the Provider's monitoring system' names none, and check refuses "
        "it when a service has an uptime target (monitoring-unnamed)"
    )
    interval: DurationField = Field(  # type: ignore[assignment]
        default="1m", description="How often the monitoring system checks each service"
    )
    minimum_outage: DurationField = Field(
        default="1m",  # type: ignore[assignment]
        description="Shortest unavailability counted as Downtime",
    )
    degraded_counts: bool = Field(
        default=True,
        description="Whether severe degradation (the service unusable for most users) counts "
        "as Downtime",
    )
    customer_access: bool = Field(default=True, description="Customer may see the reports")


class Maintenance(Strict):
    window: HoursField = Field(description="Weekly window, e.g. 'sun 02:00-06:00'")
    calendar: CalendarName | None = Field(
        default=None,
        description="Calendar whose time zone the window is in (default calendar)",
        examples=["business"],
    )
    notice: DurationField = Field(  # type: ignore[assignment]
        default="5 business days",
        description="Notice given before planned maintenance; a number of business days "
        "prints as that many Working Days (whole weekdays that are not holidays), since "
        "notice is not counted on the service clock",
    )
    monthly_cap: DurationField = Field(  # type: ignore[assignment]
        default="4h", description="Most planned maintenance in a month"
    )
    counts_toward_uptime: bool = Field(
        default=False, description="Whether planned maintenance counts as Downtime"
    )
    emergency_notice: DurationField = Field(  # type: ignore[assignment]
        default="2h",
        description="Notice given before emergency maintenance; business days print as "
        "Working Days",
    )
    emergency_counts_toward_uptime: bool = Field(
        default=True, description="Whether emergency maintenance counts as Downtime"
    )


class Channel(Strict):
    id: Slug = Field(description="Short id of the channel, e.g. phone")
    kind: Literal["phone", "email", "portal", "chat", "other"] = Field(
        description="How the customer reaches the service desk this way"
    )
    name: Line | None = Field(
        default=None,
        description="Name shown in the document (default: from the kind)",
        examples=["Service desk portal"],
    )
    contact: Line = Field(
        description="Number, address or link: a telephone number for a phone channel, an "
        "email address for an email channel"
    )
    priorities: Annotated[list[PriorityId], Limit(9, "priorities")] = Field(
        description="Priorities this channel may be used for"
    )
    calendar: CalendarName | None = Field(
        default=None,
        description="When the channel is staffed (default: always monitored)",
        examples=["business"],
    )

    @field_validator("contact")
    @classmethod
    def _contact_fits_kind(cls, value: str, info: ValidationInfo) -> str:
        kind = info.data.get("kind")
        if kind == "email":
            return check_email(value)
        if kind == "phone":
            return check_phone(value)
        return value


class Reporting(Strict):
    channels: Annotated[list[Channel], Limit(50, "channels")] = Field(
        min_length=1, description="The ways to report an Incident, and for which priorities"
    )
    required_information: Annotated[list[Line], Limit(100, "items")] = Field(
        min_length=1, description="What the customer gives when reporting an Incident"
    )


class Priority(Strict):
    name: Line = Field(description="The priority's name, e.g. Critical")
    criteria: Text = Field(description="When an Incident has this priority")
    examples: Annotated[list[Line], Limit(100, "examples")] = Field(
        default_factory=list, description="Typical Incidents of this priority"
    )
    response: DurationField = Field(description="Response target")
    resolution: DurationField = Field(description="Resolution target")
    update: DurationField = Field(description="How often the customer is updated")
    calendar: CalendarName | None = Field(
        default=None, description="Calendar the targets are counted on (default calendar)"
    )


class Escalation(Strict):
    role: Line = Field(description="Who is escalated to, e.g. Service Desk Manager")
    contact: Line | None = Field(
        default=None,
        description="How to reach them: a number or an address",
        examples=["escalations@northwind-it.example"],
    )
    after: DurationField | None = Field(
        default=None, description="Escalate to this level when a target is this far from breach"
    )
    reply_within: DurationField | None = Field(
        default=None, description="How soon this level replies to an escalation"
    )
    calendar: CalendarName | None = Field(
        default=None,
        description="Calendar the reply time is counted on (default calendar); use the "
        "calendar of the priorities escalated to this level, e.g. 24x7 for a 24x7 P1",
    )
    reply_out_of_hours: DurationField | None = Field(
        default=None,
        description="For an Incident whose priority is counted 24x7 (e.g. P1): this level "
        "answers by telephone within this time counted at any time, so a level that "
        "otherwise works office hours can still be reached at night",
        examples=["2h"],
    )


class PriorityDispute(Strict):
    decide_within: DurationField | None = Field(
        default=None,
        description="Time to decide a disputed Priority (default: the first escalation "
        "level's reply time, or 1h)",
    )
    calendar: CalendarName | None = Field(
        default=None,
        description="Calendar the decision time is counted on (default: the first escalation "
        "level's calendar, or the default calendar)",
        examples=["business"],
    )


class OutOfHours(Strict):
    available: bool = Field(
        default=False, description="Whether support can be called on outside the calendars"
    )
    calendar: CalendarName | None = Field(
        default=None, description="When out-of-hours support can be called on"
    )
    priorities: Annotated[list[PriorityId], Limit(9, "priorities")] = Field(
        default_factory=list, description="Priorities out-of-hours support may be called for"
    )
    rate: Money | None = Field(default=None, description="Charge per hour")
    minimum_charge: DurationField | None = Field(
        default=None, description="Least time charged for each call-out"
    )
    authorised_by: Line | None = Field(
        default=None, description="Who at the customer may authorise chargeable work"
    )


class ModifiedTarget(Strict):
    response: DurationField | None = Field(
        default=None, description="Response target while the constraint applies"
    )
    resolution: DurationField | None = Field(
        default=None, description="Resolution target while the constraint applies"
    )
    calendar: CalendarName | None = Field(
        default=None,
        description="Calendar the modified targets are counted on",
        examples=["business"],
    )


class Constraint(Strict):
    id: Slug = Field(description="Short id of the constraint, e.g. clinic-hours")
    kind: Literal["site-access", "hardware-warranty", "remote-only", "other"] = Field(
        description="What limits the provider's work"
    )
    title: Line | None = Field(
        default=None,
        description="Heading in the document (default: the kind, e.g. 'Site access'; "
        "an 'other' constraint is titled from its id)",
    )
    description: Text = Field(description="The constraint in a sentence, printed in the document")
    site: Line | None = Field(
        default=None, description="The site it applies to", examples=["22 Quay Road, Bristol"]
    )
    services: Annotated[list[Slug], Limit(MOST_SERVICES, "services")] = Field(
        default_factory=list, description="Ids of the services it affects"
    )
    calendar: CalendarName | None = Field(
        default=None,
        description="site-access: when the site can be entered; "
        "hardware-warranty: the vendor's cover window",
    )
    onsite_response: DurationField | None = Field(
        default=None, description="hardware-warranty: when the vendor's engineer starts work"
    )
    site_visit: DurationField = Field(
        default=SITE_VISIT,  # type: ignore[assignment]
        description="site-access: the time on site an on-site fix needs; the modified targets "
        "apply only when the site cannot be entered for this long before the normal target ends",
    )
    modified_targets: dict[PriorityId, ModifiedTarget] = Field(
        default_factory=dict, description="Per priority: the targets while the constraint applies"
    )


class Responsibilities(Strict):
    patching: Literal["provider", "customer"] = Field(
        default="provider", description="Who keeps covered systems patched"
    )
    hosted_content: bool = Field(
        default=False, description="Include the acceptable-content duty for hosted sites"
    )
    additional: Annotated[list[Text], Limit(100, "responsibilities")] = Field(
        default_factory=list, description="Further duties of the customer, one per entry"
    )


class Backup(Strict):
    frequency: DurationField = Field(  # type: ignore[assignment]
        default="24h", description="How often the data is backed up"
    )
    retention: PeriodField = Field(  # type: ignore[assignment]
        default="30 days", description="How long backups are kept"
    )
    offsite: bool = Field(default=True, description="Whether a copy is kept off site")
    rpo: DurationField | None = Field(default=None, description="Promised recovery point")
    rto: DurationField | None = Field(default=None, description="Promised restore time")


class DataProtection(Strict):
    retention: PeriodField | None = Field(
        default=None,
        description="How long records of the service are kept after the agreement ends "
        "(default: the limitation period of the agreement's jurisdiction, e.g. 6 years)",
    )
    regimes: Annotated[list[Slug], Limit(20, "regimes")] | None = Field(
        default=None,
        description="Data-protection regimes that apply: uk-gdpr, eu-gdpr, hipaa, pci-dss "
        "(card data in scope), au-privacy (default: the jurisdiction's, e.g. uk-gdpr)",
    )
    data_subjects: Annotated[list[Line], Limit(50, "items")] = Field(
        default_factory=list,
        description="Whose personal data the provider handles, for the processing details",
    )
    data_types: Annotated[list[Line], Limit(50, "items")] = Field(
        default_factory=list,
        description="What kinds of personal data it handles, for the processing details",
    )
    special_categories: Annotated[list[Line], Limit(50, "items")] = Field(
        default_factory=list,
        description="Special-category personal data it handles (GDPR Article 9: health, "
        "biometric, genetic data and the like), for the processing details, e.g. \"patients' "
        "health records\"; breach notice is then at most the regime's limit for such data",
        examples=[["patients' dental and medical records"]],
    )
    disposal: Literal["return-and-destroy", "destroy", "return"] = Field(
        default="return-and-destroy",
        description="What happens to the customer's data when the agreement ends",
    )
    disposal_within: PeriodField = Field(  # type: ignore[assignment]
        default="30 days", description="How soon after the end the data is returned or destroyed"
    )
    measures: Annotated[list[Line], Limit(100, "measures")] = Field(
        min_length=1, description="Security measures the provider takes, one per entry"
    )
    backup: Backup = Field(default_factory=Backup, description="Backups the provider promises")
    breach_notice: DurationField = Field(  # type: ignore[assignment]
        default="24h", description="How soon the customer is told of a personal data breach"
    )
    personal_data: bool = Field(
        default=True, description="Whether the provider handles personal data for the customer"
    )
    processing_terms: Line | None = Field(
        default=None,
        description="The data processing agreement (or, under HIPAA, the business associate "
        "agreement), if a separate one exists; required with hipaa",
    )

    @model_validator(mode="after")
    def _baa_named(self) -> "DataProtection":
        # HIPAA forbids a business associate to handle protected health information before
        # the written agreement of 45 CFR 164.504(e) exists: the document must name it.
        if self.regimes and "hipaa" in self.regimes and not self.processing_terms:
            raise ValueError(
                "regimes include hipaa, so processing_terms must name the business associate "
                "agreement, e.g. 'Business Associate Agreement between the parties dated "
                "1 March 2027'"
            )
        return self


class CreditTier(Strict):
    below: Percent = Field(description="Applies when monthly uptime is below this")
    credit: Percent = Field(description="Credit as a percentage of the service's monthly fee")


class Termination(Strict):
    consecutive_months: int = Field(
        default=2,
        ge=1,
        le=120,
        description="The customer may end the agreement when a target is missed this many "
        "months in a row",
    )
    months_in_twelve: int = Field(
        default=3,
        ge=1,
        le=12,
        description="... or this many months in any twelve",
    )
    missed_targets: int = Field(
        default=3,
        ge=1,
        le=1000,
        description="With credits per missed Response or Resolution target: how many "
        "Incidents of a service must miss a target in a month to make it a Failure Month (one "
        "missed P2 Response is a credit, not a reason to end the agreement)",
    )


class TargetCredit(Strict):
    response: Percent | None = Field(
        default=None, description="Credit for a missed Response target, as % of the fee"
    )
    resolution: Percent | None = Field(
        default=None, description="Credit for a missed Resolution target, as % of the fee"
    )


class TargetCredits(Strict):
    """Credits for missed Response and Resolution targets, so that a service without an
    uptime target (desktop support) still has a remedy."""

    basis: Literal["per-breach", "share-of-tickets"] = Field(
        default="per-breach",
        description="per-breach: the credit is due for each ticket that misses the target; "
        "share-of-tickets: once a month per priority and target, when fewer than 'below' "
        "percent of that priority's tickets met it",
    )
    below: Percent | None = Field(
        default=None,
        description="share-of-tickets: the share of tickets meeting a target "
        "below which its credit is due, e.g. 90",
        examples=[90],
    )
    service: Slug | None = Field(
        default=None,
        description="The service whose monthly fee the credits are a share of "
        "(default: the monthly fees of all the services together)",
        examples=["desktop-support"],
    )
    priorities: dict[PriorityId, TargetCredit] = Field(
        min_length=1, description="Per priority: the credit for each missed target"
    )
    cap: Percent = Field(
        description="Most credited in a month for missed Response and Resolution targets, "
        "as % of the fee"
    )


class Credits(Strict):
    tiers: Annotated[list[CreditTier], Limit(20, "tiers")] = Field(
        default_factory=list, description="Uptime credit tiers (needed unless 'targets' is set)"
    )
    cap: Percent | None = Field(
        default=None,
        description="Most credited in a month for missed uptime, as % of the monthly fee "
        "(needed with tiers)",
    )
    targets: TargetCredits | None = Field(
        default=None, description="Credits for missed Response and Resolution targets"
    )
    claim_window: PeriodField = Field(  # type: ignore[assignment]
        default="30 days", description="How long after a month the customer may claim its credits"
    )
    sole_remedy: bool = Field(
        default=True, description="Whether credits are the only remedy for missed targets"
    )
    termination: Termination | None = Field(
        default_factory=Termination,
        description="When repeated misses let the customer end the agreement (null: never)",
    )


class Refund(Strict):
    """The remedy of a stand-alone small-business agreement that has no service credits."""

    percent: Percent = Field(
        default=Decimal(10),
        description="Share of a month's fee refunded when a service misses its uptime "
        "target, or when too many Incidents miss their targets, that month",
    )
    missed_share: Percent = Field(
        default=Decimal(10),
        description="A refund is due when more than this percentage of a month's Incidents "
        "(and at least two) miss a Response or fix target",
    )
    termination: Termination = Field(
        default_factory=Termination,
        description="When repeated misses let the customer end the agreement",
    )


class Quotation(Strict):
    """The provider's quotation that a stand-alone agreement incorporates for its fees."""

    number: Line = Field(
        description="The quotation's number or reference, e.g. 'Q-1042'", examples=["Q-1042"]
    )
    date: Date = Field(description="The quotation's date", examples=["2027-01-02"])


class Fees(Strict):
    """Payment terms of a stand-alone agreement (one with no master agreement)."""

    billing: Literal["monthly-in-advance", "monthly-in-arrears"] = Field(
        default="monthly-in-advance", description="When fees are invoiced"
    )
    payment_within: PeriodField = Field(  # type: ignore[assignment]
        default="30 days", description="Invoices are due this long after their date"
    )
    schedule: Line | None = Field(
        default=None,
        description="No longer printed: a fee outside the agreement must come from a "
        "quotation it incorporates (quotation)",
        examples=["the Provider's quotation Q-1042 dated 2 January 2027"],
    )
    quotation: Quotation | None = Field(
        default=None,
        description="The quotation, by number and date, that sets out the fees of services "
        "with no monthly_fee; the agreement incorporates it (needed for such services when "
        "no master agreement is named)",
        examples=[{"number": "Q-1042", "date": "2027-01-02"}],
    )


class Liability(Strict):
    """The limit of liability of a stand-alone agreement (one with no master agreement)."""

    cap_months: int = Field(
        default=12,
        ge=1,
        le=120,
        description="Each party's total liability in a contract year is limited to the fees "
        "paid and payable in this many months",
    )
    cap_minimum: Money | None = Field(
        default=None, description="A floor for that limit, for small fees", examples=[5000]
    )


class Reviews(Strict):
    report: Literal["monthly", "quarterly"] = Field(
        default="monthly", description="How often the provider sends a service report"
    )
    report_within: PeriodField = Field(  # type: ignore[assignment]
        default="10 days", description="How soon after the period the report is sent"
    )
    meeting: Literal["monthly", "quarterly", "six-monthly", "annually"] = Field(
        default="quarterly", description="How often the parties meet to review the service"
    )


class Exit(Strict):
    data_format: Line = Field(
        default="the formats in which the data is held, or CSV where it has no format",
        description="The form in which the customer's data is handed back at the end",
    )
    within: PeriodField = Field(  # type: ignore[assignment]
        default="30 days", description="How soon after the end the data is handed back"
    )
    charges: Line | None = Field(
        default=None,
        description="How exit work is charged, e.g. 'at the Provider's rates in force on the "
        "End Date'; needs a day_rate or a cap",
        examples=["at the Provider's rates in force on the End Date"],
    )
    day_rate: Money | None = Field(
        default=None, description="Fixed charge per person per day of exit work"
    )
    cap: Money | None = Field(default=None, description="Most charged for exit work in total")


class Asset(Strict):
    id: Slug = Field(description="Short id of the asset, e.g. file-server")
    description: Line = Field(description="What the asset is, e.g. 'Dell PowerEdge T150'")
    services: Annotated[list[Slug], Limit(MOST_SERVICES, "services")] = Field(
        default_factory=list, description="Ids of the services that need it"
    )
    warranty: Slug | None = Field(default=None, description="Id of a hardware-warranty constraint")
    onsite_response: DurationField | None = Field(
        default=None, description="When the vendor's engineer starts work on it"
    )
    calendar: CalendarName | None = Field(
        default=None,
        description="Calendar the vendor's response is counted on",
        examples=["business"],
    )
    spares_on_site: bool = Field(
        default=False, description="Whether spare parts are kept at the site"
    )


class BackupFacts(Strict):
    interval: DurationField | None = Field(
        default=None, description="How often backups are really taken"
    )
    restore_time: DurationField | None = Field(
        default=None, description="How long a full restore really takes"
    )


class Internal(Strict):
    """Customer-specific facts for the feasibility checker. Never in the customer's document."""

    assets: Annotated[list[Asset], Limit(1_000, "assets")] = Field(
        default_factory=list, description="Hardware the services depend on"
    )
    redundancy: Annotated[dict[Slug, bool], Limit(MOST_SERVICES, "services")] = Field(
        default_factory=dict, description="Per service id: no single point of failure"
    )
    backup: BackupFacts = Field(
        default_factory=BackupFacts, description="How the backups really perform"
    )
    expected_tickets: dict[PriorityId, TicketsPerMonth] = Field(
        default_factory=dict, description="Tickets expected per month, per priority"
    )
    notes: Text | None = Field(
        default=None,
        description="Notes for the provider's staff",
        examples=["The customer's office manager holds the spare keys"],
    )


class Agreement(Strict):
    slawriter: Literal[1] = Field(description="Format version of this file")
    profile: Slug = Field(description="standard or smb (or a profile of your library)")
    provider: Line = Field(description="Path of the provider file, relative to this file")
    incomplete: bool = Field(
        default=False, description="Set by the wizard until every question is answered"
    )
    agreement: AgreementInfo = Field(description="Reference, dates, term and governing law")
    customer: Customer = Field(description="The customer: name, address and signatory")
    locale: AgreementLocale = Field(
        default_factory=AgreementLocale,
        description="Language, currency and paper for this agreement, if not the provider's",
    )
    default_calendar: CalendarName = Field(
        default="business", description="Calendar targets are counted on unless they name one"
    )
    calendars: Annotated[dict[CalendarName, CalendarSpec], Limit(50, "calendars")] = Field(
        default_factory=dict, description="Named calendars; the provider's are inherited"
    )
    services: Annotated[
        list[Service], Limit(MOST_SERVICES, "services", "split them across several agreements")
    ] = Field(min_length=1, description="The services covered")
    combined_uptime: CombinedUptime | None = Field(
        default=None, description="One uptime target for several services together"
    )
    monitoring: Monitoring = Field(description="How uptime is measured")
    exclusions: Annotated[list[Text], Limit(200, "exclusions")] = Field(
        min_length=1, description="What the agreement does not cover, one per entry"
    )
    maintenance: Maintenance = Field(description="Planned and emergency maintenance")
    reporting: Reporting = Field(description="How Incidents are reported")
    priorities: dict[PriorityId, Priority] = Field(
        min_length=1, description="P1, P2, ...: each priority's criteria and targets"
    )
    escalation: Annotated[list[Escalation], Limit(20, "levels")] = Field(
        default_factory=list, description="Escalation levels, first to last"
    )
    priority_dispute: PriorityDispute = Field(
        default_factory=PriorityDispute, description="How a disputed Priority is decided"
    )
    out_of_hours: OutOfHours = Field(
        default_factory=OutOfHours, description="Chargeable support outside the calendars"
    )
    constraints: Annotated[list[Constraint], Limit(200, "constraints")] = Field(
        default_factory=list,
        description="What limits the provider's work: site access, warranties, remote-only",
    )
    responsibilities: Responsibilities = Field(
        default_factory=Responsibilities, description="Who does what"
    )
    data_protection: DataProtection = Field(
        description="Personal data, security, backups and what happens to the data at the end"
    )
    credits: Credits | None = Field(
        default=None, description="Service credits for missed targets (none: no credits)"
    )
    refund: Refund = Field(
        default_factory=Refund,
        description="Stand-alone small-business agreements without credits: the refund remedy",
    )
    fees: Fees = Field(default_factory=Fees, description="Stand-alone agreements: fees and payment")
    liability: Liability = Field(
        default_factory=Liability, description="Stand-alone agreements: limit of liability"
    )
    reviews: Reviews = Field(
        default_factory=Reviews, description="Service reports and review meetings"
    )
    exit: Exit = Field(
        default_factory=Exit, description="Handing back the data when the agreement ends"
    )
    variants: Annotated[dict[Line, Slug], Limit(500, "variants")] = Field(
        default_factory=dict,
        description="Clause id -> variant, to select a negotiated fallback wording",
    )
    internal: Internal = Field(
        default_factory=Internal,
        description="Facts for the feasibility checker, never in the customer's document",
    )
