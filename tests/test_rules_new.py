"""The issue-11 rules: each with a planted failure (what a salesperson reads) and a clean control.

Every scenario starts from a shipped example, which checks clean for these rules, and plants
one over-promise; the control is the example as shipped or with the fix the finding suggests.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from slawriter.feasibility.context import SITE_VISIT
from slawriter.library import Library
from slawriter.model.agreement import SITE_VISIT as DOCUMENT_SITE_VISIT
from slawriter.model.durations import parse_duration
from slawriter.pipeline.render import render_files
from tests.conftest import copy_examples
from tests.test_feasibility_rules import check, constraint, only
from tests.test_lawyer_review import NEW_YORK, old_new_york_tiers
from tests.test_lawyer_review import check as check_us

SHOP = "corner-shop-smb.yaml"
NEW_RULES = (
    "uptime-vs-support",
    "uptime-vs-upstream",
    "uptime-on-bundle",
    "combined-decorative",
    "monitoring-unnamed",
    "escalation-clock",
    "restore-vs-hours",
    "authorisation-pauses-p1",
    "credit-gap",
    "service-without-remedy",
    "credit-cap-vs-tiers",
)


@pytest.fixture(scope="module")
def library() -> Library:
    return Library.locate()


def service(data: dict[str, Any], service_id: str) -> dict[str, Any]:
    found: dict[str, Any] = next(s for s in data["services"] if s["id"] == service_id)
    return found


@pytest.mark.parametrize("name", ["acme-standard.yaml", SHOP, "special-characters.yaml"])
def test_the_examples_break_none_of_the_new_rules(
    tmp_path: Path, library: Library, name: str
) -> None:
    findings = check(tmp_path, library, name)
    assert [f for f in findings if f.id in NEW_RULES] == []


# --- uptime-vs-support -------------------------------------------------------------------------


def email_all_hours(data: dict[str, Any]) -> None:
    service(data, "email")["uptime"]["basis"] = "all-time"


def test_uptime_vs_support(tmp_path: Path, library: Library) -> None:
    """The small-business email promised over all hours, with nobody working outside them."""
    [finding] = only(check(tmp_path, library, SHOP, agreement=email_all_hours), "uptime-vs-support")
    assert finding.severity == "error"
    assert finding.message == (
        "email: 99.9% of all hours in March 2027 allows 44.58 min of downtime, but outside "
        "'business' (Monday to Friday, 08:30 to 17:30) nobody is committed to work on it: an "
        "outage from Thursday 25 March 2027 17:30 would run until Tuesday 30 March 2027 08:30: "
        "110 h (6,600 min) of downtime"
    )  # Easter, with the clocks going forward: the worst wait of the month
    assert finding.paths[:2] == ["services[email].uptime.basis", "services[email].uptime.target"]
    assert finding.suggestion.startswith("measure email in Business Hours")


def test_uptime_vs_support_clean_with_out_of_hours_cover(tmp_path: Path, library: Library) -> None:
    def covered(data: dict[str, Any]) -> None:
        email_all_hours(data)
        data["out_of_hours"] = {"available": True, "calendar": "24x7", "priorities": ["P1"]}

    assert only(check(tmp_path, library, SHOP, agreement=covered), "uptime-vs-support") == []


# --- uptime-vs-upstream ------------------------------------------------------------------------


def test_uptime_vs_upstream(tmp_path: Path, library: Library) -> None:
    def counted(data: dict[str, Any]) -> None:
        service(data, "email")["depends_on"][0]["excluded"] = False

    [finding] = only(check(tmp_path, library, agreement=counted), "uptime-vs-upstream")
    assert finding.severity == "error"
    assert finding.message == (
        "email: 99.9% of all hours allows 44.64 min of downtime in January 2027, but it runs "
        "on Microsoft 365, whose supplier commits to only 99.9% (44.64 min of downtime), and "
        "the agreement counts its outages as Downtime: Microsoft 365 could keep its own "
        "promise and still break this one, with nothing the provider can do"
    )
    assert finding.paths == [
        "services[email].uptime.target",
        "services[email].depends_on[0].excluded",
    ]
    assert finding.suggestion.startswith(
        "exclude Microsoft 365's outages (services[email].depends_on[0].excluded: true)"
    )


def test_uptime_vs_upstream_names_a_platform_the_file_does_not_declare(
    tmp_path: Path, library: Library
) -> None:
    def undeclared(data: dict[str, Any]) -> None:
        del service(data, "email")["depends_on"]

    [finding] = only(check(tmp_path, library, agreement=undeclared), "uptime-vs-upstream")
    assert finding.severity == "error"
    assert "Microsoft 365 (named in its systems)" in finding.message
    assert "does not say whether Microsoft 365's outages count" in finding.message
    assert finding.paths == ["services[email].uptime.target", "services[email].depends_on"]


def test_uptime_vs_upstream_clean_below_the_platform(tmp_path: Path, library: Library) -> None:
    def lower(data: dict[str, Any]) -> None:
        email = service(data, "email")
        email["depends_on"][0]["excluded"] = False
        email["uptime"]["target"] = 99.5  # 223.2 min: more than Microsoft's 44.64 min

    assert only(check(tmp_path, library, agreement=lower), "uptime-vs-upstream") == []


# --- uptime-on-bundle --------------------------------------------------------------------------


def test_uptime_on_bundle(tmp_path: Path, library: Library) -> None:
    def undefined(data: dict[str, Any]) -> None:
        del service(data, "it-support")["down_when"]

    [finding] = only(check(tmp_path, library, SHOP, agreement=undefined), "uptime-on-bundle")
    assert finding.severity == "warning"
    assert finding.message == (
        "it-support: 99% uptime is promised for a group of devices (6 Windows PCs; 1 network "
        "storage device; Microsoft 365 Business Standard; Broadband router and Wi-Fi), but the "
        "agreement does not say when the service counts as down: is one broken device "
        "Downtime, or only all of them?"
    )
    assert finding.paths[0] == "services[it-support].down_when"


def test_uptime_on_bundle_down_when_is_printed(tmp_path: Path, library: Library) -> None:
    findings = check(tmp_path, library, SHOP)
    assert only(findings, "uptime-on-bundle") == []
    text = render_markdown(tmp_path, library, SHOP)
    assert (
        "**When a service is down.** IT support for the practice counts as down when no PC at "
        "the practice can open the shared folders on the network storage device, or the "
        "practice cannot reach the internet." in text
    )


# --- combined-decorative -----------------------------------------------------------------------


def decorative(data: dict[str, Any]) -> None:
    data["combined_uptime"]["target"] = 97.0  # what combined-vs-services used to push it to


def test_combined_decorative(tmp_path: Path, library: Library) -> None:
    findings = check(tmp_path, library, agreement=decorative)
    [finding] = only(findings, "combined-decorative")
    assert finding.severity == "warning"
    assert finding.message == (
        "the combined uptime of 97% of Business Hours allows 324 min of downtime in January "
        "2027, but email, files and remote-access can only be down for 321.84 min between them "
        "before one of them misses its own target, so the combined figure can never fail on "
        "its own: it promises the customer nothing (it would need to be above 97.02% to count)"
    )
    assert finding.suggestion.startswith(
        "a combined target above 97.02% that measures something, e.g. 99.5%"
    )
    assert only(findings, "combined-vs-services") == []  # neither rule pushes back


def test_combined_decorative_suggestion_passes_both_rules(tmp_path: Path, library: Library) -> None:
    def suggested(data: dict[str, Any]) -> None:
        data["combined_uptime"]["target"] = 99.5

    findings = check(tmp_path, library, agreement=suggested)
    assert only(findings, "combined-decorative") == only(findings, "combined-vs-services") == []


def test_combined_decorative_not_when_a_service_is_unlimited_in_its_hours(
    tmp_path: Path, library: Library
) -> None:
    """Files are measured in Business Hours only: over all hours the combined figure can fail."""

    def all_hours(data: dict[str, Any]) -> None:
        data["combined_uptime"] = {"target": 99.0, "basis": "all-time"}

    assert only(check(tmp_path, library, agreement=all_hours), "combined-decorative") == []


# --- monitoring-unnamed ------------------------------------------------------------------------


def test_monitoring_unnamed(tmp_path: Path, library: Library) -> None:
    def generic(data: dict[str, Any]) -> None:
        del data["monitoring"]  # the profile's default: "the Provider's monitoring system"

    [finding] = only(check(tmp_path, library, SHOP, agreement=generic), "monitoring-unnamed")
    assert finding.severity == "error"
    assert finding.message == (
        "uptime is promised for it-support, email, but the data source is 'the Provider's "
        "monitoring system', which names no system: the customer cannot check the figures and "
        "a dispute about downtime has nothing to go on"
    )
    assert finding.paths == ["monitoring.system"]


def test_monitoring_unnamed_generic_wording_of_its_own(tmp_path: Path, library: Library) -> None:
    def ours(data: dict[str, Any]) -> None:
        data["monitoring"]["system"] = "our monitoring tool"

    assert only(check(tmp_path, library, SHOP, agreement=ours), "monitoring-unnamed")


def test_monitoring_unnamed_clean_without_uptime(tmp_path: Path, library: Library) -> None:
    def nothing_measured(data: dict[str, Any]) -> None:
        del data["monitoring"]
        for item in data["services"]:
            del item["uptime"]

    assert (
        only(check(tmp_path, library, SHOP, agreement=nothing_measured), "monitoring-unnamed") == []
    )


# --- escalation-clock --------------------------------------------------------------------------


def test_escalation_clock(tmp_path: Path, library: Library) -> None:
    def business_hours(data: dict[str, Any]) -> None:
        del data["escalation"][0]["calendar"]

    findings = only(check(tmp_path, library, agreement=business_hours), "escalation-clock")
    assert [(f.severity, f.paths[0]) for f in findings] == [
        ("warning", "escalation[0].calendar"),
        ("warning", "priority_dispute.calendar"),  # decided by level 1, on its calendar
    ]
    assert findings[0].message == (
        "P1 is counted on 24x7, but escalation level 1 (Service Desk Team Leader) replies "
        "within 1h on 'business' (Monday to Friday, 08:30 to 17:30): for a P1 escalated on "
        "Friday 1 January 2027 00:00 the answer is not due until Monday 4 January 2027 09:30, "
        "after the P1 resolution falls due at Friday 1 January 2027 04:00"
    )
    assert findings[0].suggestion == "count it on P1's clock (escalation[0].calendar: 24x7)"


def test_escalation_clock_dispute_calendar_of_its_own(tmp_path: Path, library: Library) -> None:
    def dispute_in_business_hours(data: dict[str, Any]) -> None:
        data["priority_dispute"] = {"decide_within": "2h", "calendar": "business"}

    findings = only(
        check(tmp_path, library, agreement=dispute_in_business_hours), "escalation-clock"
    )
    assert [f.paths[0] for f in findings] == ["priority_dispute.calendar"]
    assert "a disputed Priority is decided within 2h on 'business'" in findings[0].message


def test_escalation_clock_is_printed(tmp_path: Path, library: Library) -> None:
    text = render_markdown(tmp_path, library, "acme-standard.yaml")
    assert (
        "| 1 | Service Desk Team Leader | +44 117 496 0001 | 1 hour, counted at any time |" in text
    )
    assert "shall decide it within 1 hour of receiving the escalation (counted at any time)" in text


# --- restore-vs-hours --------------------------------------------------------------------------


def test_restore_vs_hours(tmp_path: Path, library: Library) -> None:
    def around_the_clock(data: dict[str, Any]) -> None:
        data["data_protection"]["backup"]["rto"] = "8h"

    [finding] = only(check(tmp_path, library, agreement=around_the_clock), "restore-vs-hours")
    assert finding.severity == "warning"
    assert finding.message == (
        "the promised recovery time is 8h around the clock, but outside Business Hours only P1 "
        "Incidents are handled (charged by the hour), and other work needs prior written "
        "agreement: a restore asked for on Monday 4 January 2027 17:30 is due by Tuesday 5 "
        "January 2027 01:30, when nobody has agreed to do the work"
    )
    assert finding.paths == ["data_protection.backup.rto", "out_of_hours"]
    assert "'1 business day'" in finding.suggestion


def test_restore_vs_hours_clean_when_out_of_hours_work_is_included(
    tmp_path: Path, library: Library
) -> None:
    def included(data: dict[str, Any]) -> None:
        data["data_protection"]["backup"]["rto"] = "8h"
        data["out_of_hours"] = {"available": True, "calendar": "24x7"}  # any priority, no rate

    assert only(check(tmp_path, library, agreement=included), "restore-vs-hours") == []


# --- authorisation-pauses-p1 -------------------------------------------------------------------


def test_authorisation_pauses_p1(tmp_path: Path, library: Library) -> None:
    def pause(data: dict[str, Any]) -> None:
        data["variants"] = {"support-hours": "authorisation-pause"}

    [finding] = only(check(tmp_path, library, agreement=pause), "authorisation-pauses-p1")
    assert finding.severity == "warning"
    assert finding.message == (
        "P1 resolution is 4h on 24x7, but the support-hours wording chosen "
        "('authorisation-pause') pauses the Resolution clock while chargeable out-of-hours work "
        "waits for authorisation: a P1 fault on Friday 1 January 2027 00:00 waits, with the "
        "clock stopped, until the Customer's IT contact or a director answers, so the 4h target "
        "does not protect the customer"
    )
    assert finding.paths[0] == "variants.support-hours"


def test_authorisation_default_wording_does_not_pause_p1(tmp_path: Path, library: Library) -> None:
    assert only(check(tmp_path, library), "authorisation-pauses-p1") == []
    text = render_markdown(tmp_path, library, "acme-standard.yaml")
    assert (
        "Work on an Incident of Priority P1 in a covered Service does not wait for "
        "authorisation: the Provider starts it at once, and charges for it only if the "
        "Incident was not caused by the Provider's own act or omission" in text
    )
    assert "the Resolution clock pauses" not in text.split("**Authorisation.**", 1)[1][:600]


# --- site access: one number for the document and the checker ----------------------------------


def test_site_visit_is_one_number_for_the_document_and_the_checker(
    tmp_path: Path, library: Library
) -> None:
    assert SITE_VISIT.total_seconds() == parse_duration(DOCUMENT_SITE_VISIT).seconds
    text = render_markdown(tmp_path, library, SHOP)
    assert "there is less than 1 hour of visiting time in total between your report" in text

    def longer_visits(data: dict[str, Any]) -> None:
        constraint(data, "clinic-hours")["site_visit"] = "2h"

    def no_changed_targets(data: dict[str, Any]) -> None:
        longer_visits(data)
        constraint(data, "clinic-hours")["modified_targets"] = {}

    findings = only(
        check(tmp_path, library, SHOP, agreement=no_changed_targets), "access-vs-onsite"
    )
    assert [f.severity for f in findings] == ["error"]
    assert "leaving 0 min of access for about 2 h of on-site work" in findings[0].message
    check(tmp_path, library, SHOP, agreement=longer_visits)
    text = render_markdown(tmp_path, library, SHOP)
    assert "there is less than 2 hours of visiting time in total between your report" in text


def render_markdown(tmp_path: Path, library: Library, name: str) -> str:
    """The Markdown the customer would get (the example as the last check left it)."""
    if not (tmp_path / name).exists():
        copy_examples(tmp_path, name)
    out = tmp_path / "out"
    shutil.rmtree(out, ignore_errors=True)
    render_files([tmp_path / name], out, ["md"], library=library)
    return (out / name.replace(".yaml", ".md")).read_text("utf-8")


# --- escalation-out-of-hours -------------------------------------------------------------------


def test_escalation_out_of_hours(tmp_path: Path, library: Library) -> None:
    """The standard example as it was: a 24x7 P1 whose later escalation levels work office
    hours only, so a P1 escalated past level 1 on a Friday night has nobody until Monday."""

    def office_hours(data: dict[str, Any]) -> None:
        del data["escalation"][1]["calendar"]
        del data["escalation"][2]["reply_out_of_hours"]

    [finding] = only(check(tmp_path, library, agreement=office_hours), "escalation-out-of-hours")
    assert finding.severity == "warning"
    assert finding.message == (
        "P1 is counted on 24x7, but escalation level 2 (Service Delivery Manager) replies "
        "within 4h on 'business' (Monday to Friday, 08:30 to 17:30), and no other level beyond "
        "the first answers outside those hours: a P1 escalated past level 1 on Friday 1 January "
        "2027 00:00 has nobody to go to until Monday 4 January 2027 08:30"
    )
    assert finding.paths == ["escalation[1].calendar", "priorities.P1.calendar"]
    assert finding.suggestion.startswith(
        "count level 2's reply on P1's clock (escalation[1].calendar: 24x7)"
    )


def test_escalation_out_of_hours_clean_when_another_level_covers(
    tmp_path: Path, library: Library
) -> None:
    # As shipped: level 2 answers at any time, and level 3 (the Managing Director) keeps
    # office hours but answers a P1 by telephone within 2 hours at any time.
    assert only(check(tmp_path, library), "escalation-out-of-hours") == []


def test_escalation_out_of_hours_the_top_level_must_answer_itself(
    tmp_path: Path, library: Library
) -> None:
    """Level 2 answering at night does not help a P1 that level 2 could not settle: the top
    level has nobody above it."""

    def office_only(data: dict[str, Any]) -> None:
        del data["escalation"][2]["reply_out_of_hours"]

    [finding] = only(check(tmp_path, library, agreement=office_only), "escalation-out-of-hours")
    assert finding.message.startswith(
        "P1 is counted on 24x7, but escalation level 3 (Managing Director) replies within 1 "
        "business day on 'business' (Monday to Friday, 08:30 to 17:30), and it is the top "
        "level, with nobody above it: "
    )
    assert "escalation[2].reply_out_of_hours" in finding.suggestion


# --- uptime-vs-upstream: the platform list -----------------------------------------------------


def test_uptime_vs_upstream_knows_the_common_platforms(tmp_path: Path, library: Library) -> None:
    """A platform named only in the systems, from the data file: Slack's 99.99 % is above the
    promise's 99.9 %, so only a target at or above it is flagged."""

    def on_slack(data: dict[str, Any]) -> None:
        email = service(data, "email")
        del email["depends_on"]
        email["systems"] = ["Slack Business+ workspace"]
        email["uptime"]["target"] = 99.99

    [finding] = only(check(tmp_path, library, agreement=on_slack), "uptime-vs-upstream")
    assert "runs on Slack (named in its systems), whose supplier commits to only 99.99%" in (
        finding.message
    )


def test_uptime_vs_upstream_says_an_unpublished_figure_is_unknown(
    tmp_path: Path, library: Library
) -> None:
    def on_xero(data: dict[str, Any]) -> None:
        email = service(data, "email")
        email["depends_on"] = [{"name": "Xero"}]

    [finding] = only(check(tmp_path, library, agreement=on_xero), "uptime-vs-upstream")
    assert finding.severity == "info"
    assert "its supplier publishes no uptime figure that slawriter could find" in finding.message
    assert "https://www.xero.com/legal/terms/" in finding.message

    def on_unknown(data: dict[str, Any]) -> None:
        service(data, "email")["depends_on"] = [{"name": "Acme Hosted PBX"}]

    [finding] = only(check(tmp_path, library, agreement=on_unknown), "uptime-vs-upstream")
    assert "slawriter does not know Acme Hosted PBX's published figure" in finding.message


def test_uptime_vs_upstream_platform_list_is_data_with_sources() -> None:
    import yaml

    from slawriter.library import builtin_library_root
    from slawriter.library.platforms import load_platforms

    folder = builtin_library_root() / "clauses"
    platforms = load_platforms(folder)
    names = {p.name for p in platforms.platforms}
    assert {"Microsoft 365", "Google Workspace", "Amazon EC2", "Slack", "Xero"} <= names
    raw = yaml.safe_load((folder / "upstream-platforms.yaml").read_text("utf-8"))
    assert all(p["source"].startswith("https://") for p in raw["platforms"])


# --- credit-gap ---------------------------------------------------------------------------------


def test_credit_gap(tmp_path: Path, library: Library) -> None:
    """The New York file as reviewed: Email at 99.9 %, the first tier below 99.5 %."""
    found = [
        f for f in check_us(tmp_path, library, NEW_YORK, old_new_york_tiers) if f.id == "credit-gap"
    ]
    [finding] = found
    assert finding.severity == "error"
    assert finding.message == (
        "email: 99.9% uptime is promised, but the first credit tier is below 99.5%: a month "
        "between 99.5% and 99.9% misses the target and earns no credit, while credits are the "
        "sole financial remedy, so the customer has no money remedy for it"
    )
    assert finding.paths[0] == "services[email].uptime.target"
    assert finding.suggestion.startswith("add a tier starting at the target, e.g. {below: 99.9")


def test_credit_gap_clean_as_shipped(tmp_path: Path, library: Library) -> None:
    assert [f for f in check_us(tmp_path, library, NEW_YORK) if f.id == "credit-gap"] == []


def test_credit_gap_clean_when_credits_are_not_the_sole_remedy(
    tmp_path: Path, library: Library
) -> None:
    def other_remedies(data: dict[str, Any]) -> None:
        old_new_york_tiers(data)
        data["credits"]["sole_remedy"] = False

    findings = check_us(tmp_path, library, NEW_YORK, other_remedies)
    assert [f for f in findings if f.id == "credit-gap"] == []


# --- service-without-remedy ---------------------------------------------------------------------

IRELAND = "ireland-standard.yaml"


def ireland_as_reviewed(data: dict[str, Any]) -> None:
    """The Irish file the lawyer refused: desktop support, no uptime, no target credits."""
    del data["credits"]["targets"]


def test_service_without_remedy(tmp_path: Path, library: Library) -> None:
    found = only(
        check_us(tmp_path, library, IRELAND, ireland_as_reviewed), "service-without-remedy"
    )
    [finding] = found
    assert finding.severity == "error"
    assert finding.message == (
        "desktop: no uptime target and no credits for missed Response or Resolution targets, "
        "while credits are the sole financial remedy: missing its targets earns no credit and "
        "never makes a Failure Month, so the customer has no remedy for it"
    )
    assert finding.paths[0] == "services[desktop]"
    assert finding.suggestion.startswith("add credits.targets with a credit per priority and a cap")


def test_service_without_remedy_when_target_credits_measure_another_service(
    tmp_path: Path, library: Library
) -> None:
    def elsewhere(data: dict[str, Any]) -> None:
        data["credits"]["targets"]["service"] = "email"

    found = only(check_us(tmp_path, library, IRELAND, elsewhere), "service-without-remedy")
    assert [f.message.split(":")[0] for f in found] == ["desktop"]


@pytest.mark.parametrize("name", [IRELAND, NEW_YORK, "acme-standard.yaml"])
def test_service_without_remedy_clean_as_shipped(
    tmp_path: Path, library: Library, name: str
) -> None:
    assert only(check_us(tmp_path, library, name), "service-without-remedy") == []


def test_service_without_remedy_clean_when_credits_are_not_the_sole_remedy(
    tmp_path: Path, library: Library
) -> None:
    def other_remedies(data: dict[str, Any]) -> None:
        ireland_as_reviewed(data)
        data["credits"]["sole_remedy"] = False

    assert (
        only(check_us(tmp_path, library, IRELAND, other_remedies), "service-without-remedy") == []
    )


# --- credit-cap-vs-tiers ------------------------------------------------------------------------


def test_credit_cap_vs_tiers_cap_above_the_top_tier(tmp_path: Path, library: Library) -> None:
    def as_reviewed(data: dict[str, Any]) -> None:
        data["credits"]["tiers"] = [t for t in data["credits"]["tiers"] if t["below"] != 95.0]

    [finding] = only(check_us(tmp_path, library, IRELAND, as_reviewed), "credit-cap-vs-tiers")
    assert finding.severity == "warning"
    assert finding.message == (
        "the uptime credit cap is 40% but the largest tier gives 25%: tiers do not add up, so no "
        "Month can reach the cap, and the document's 'Maximum Service Credit per Month' is a "
        "figure no Month can earn"
    )
    assert (
        finding.suggestion == "add a tier that gives 40% (e.g. below 95.0) or lower the cap to 25"
    )


def test_credit_cap_vs_tiers_cap_below_a_tier(tmp_path: Path, library: Library) -> None:
    def low_cap(data: dict[str, Any]) -> None:
        data["credits"]["cap"] = 20

    [finding] = only(check_us(tmp_path, library, IRELAND, low_cap), "credit-cap-vs-tiers")
    assert finding.message == (
        "the uptime credit cap is 20% but a tier gives 25%, 40%: the cap cuts it down, so the "
        "document promises a credit it never pays"
    )


@pytest.mark.parametrize("name", [IRELAND, NEW_YORK, "acme-standard.yaml"])
def test_credit_cap_vs_tiers_clean_as_shipped(tmp_path: Path, library: Library, name: str) -> None:
    assert only(check_us(tmp_path, library, name), "credit-cap-vs-tiers") == []
