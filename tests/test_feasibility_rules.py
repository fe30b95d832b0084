"""One scenario per feasibility rule, built from the examples: id, severity and field paths."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from slawriter.feasibility import Finding, check_agreement
from slawriter.feasibility.rules import RULES
from slawriter.files.load import load_agreement
from slawriter.library import Library, builtin_library_root
from tests.conftest import copy_examples

Edit = Callable[[dict[str, Any]], None]


@pytest.fixture(scope="module")
def library() -> Library:
    return Library.locate()


def check(
    tmp_path: Path,
    library: Library,
    name: str = "acme-standard.yaml",
    agreement: Edit | None = None,
    provider: Edit | None = None,
) -> list[Finding]:
    """Copy an example (and the provider file), edit them, and check the agreement."""
    copy_examples(tmp_path, name)
    round_trip = YAML()  # keeps quotes: company numbers such as "09876543" stay text
    for file_name, change in ((name, agreement), ("provider.yaml", provider)):
        if change is None:
            continue
        path = tmp_path / file_name
        data = round_trip.load(path.read_text("utf-8"))
        change(data)
        with path.open("w", encoding="utf-8") as handle:
            round_trip.dump(data, handle)
    return check_agreement(load_agreement(tmp_path / name, library), library)


def only(findings: list[Finding], rule_id: str, severity: str | None = None) -> list[Finding]:
    return [f for f in findings if f.id == rule_id and (severity is None or f.severity == severity)]


def constraint(data: dict[str, Any], constraint_id: str) -> dict[str, Any]:
    found: dict[str, Any] = next(c for c in data["constraints"] if c["id"] == constraint_id)
    return found


# --- the clean examples ------------------------------------------------------------------------


def test_examples_have_no_errors(tmp_path: Path, library: Library) -> None:
    for name in ("acme-standard.yaml", "corner-shop-smb.yaml", "special-characters.yaml"):
        findings = check(tmp_path, library, name)
        assert not [f for f in findings if f.severity == "error"], name


def test_small_business_example_is_clean(tmp_path: Path, library: Library) -> None:
    findings = check(tmp_path, library, "corner-shop-smb.yaml")
    assert [f.severity for f in findings] == ["info", "info"]  # redundancy not recorded
    assert {f.id for f in findings} == {"uptime-vs-recovery"}


def test_findings_are_sorted_errors_first(tmp_path: Path, library: Library) -> None:
    def many(data: dict[str, Any]) -> None:
        data["internal"]["redundancy"]["files"] = False
        data["data_protection"]["backup"]["rto"] = "2h"

    findings = check(tmp_path, library, agreement=many)
    order = [f.severity for f in findings]
    assert order == sorted(order, key=["error", "warning", "info"].index)
    assert order[0] == "error"


# --- one scenario per rule ---------------------------------------------------------------------


def test_warranty_vs_resolution(tmp_path: Path, library: Library) -> None:
    def no_modified_target(data: dict[str, Any]) -> None:
        data["internal"]["redundancy"]["files"] = False
        constraint(data, "server-warranty")["modified_targets"] = {}

    findings = only(
        check(tmp_path, library, agreement=no_modified_target), "warranty-vs-resolution"
    )
    p1 = [f for f in findings if "priorities.P1.resolution" in f.paths]
    assert len(p1) == 1 and p1[0].severity == "error"
    assert p1[0].paths[:2] == [
        "priorities.P1.resolution",
        "constraints[server-warranty].onsite_response",
    ]
    assert "4h on 24x7" in p1[0].message and "1 business day" in p1[0].message
    assert "spares on site" in p1[0].suggestion


def test_warranty_with_spares_on_site_is_feasible(tmp_path: Path, library: Library) -> None:
    def spares(data: dict[str, Any]) -> None:
        data["internal"]["redundancy"]["files"] = False
        constraint(data, "server-warranty")["modified_targets"] = {}
        data["internal"]["assets"][0]["spares_on_site"] = True

    assert not only(check(tmp_path, library, agreement=spares), "warranty-vs-resolution")


def test_coverage_vs_clock(tmp_path: Path, library: Library) -> None:
    def no_on_call(data: dict[str, Any]) -> None:
        del data["internal"]["on_call"]

    findings = only(check(tmp_path, library, provider=no_on_call), "coverage-vs-clock")
    assert len(findings) == 1
    assert findings[0].severity == "error"
    assert findings[0].paths == ["priorities.P1.calendar"]
    assert "24x7" in findings[0].message and "nobody is on shift or on call" in findings[0].message


def test_staffing_vs_response(tmp_path: Path, library: Library) -> None:
    def busy(data: dict[str, Any]) -> None:
        data["internal"]["expected_tickets"] = {"P1": 1, "P2": 150, "P3": 45, "P4": 70}

    def two_agents(data: dict[str, Any]) -> None:
        data["internal"]["staffing"][0]["agents"] = 2

    findings = only(
        check(tmp_path, library, agreement=busy, provider=two_agents), "staffing-vs-response"
    )
    assert [f.paths for f in findings] == [["priorities.P2.response", "internal.expected_tickets"]]
    assert findings[0].severity == "error"
    # The Erlang C service level, measured in P2's own hours against P1 and P2 tickets only.
    message = findings[0].message
    assert message.startswith("P2: in 'business' (Monday to Friday, 08:30 to 17:30) hours, ")
    assert "2 people on shift or on call" in message and "from P2 and more urgent" in message
    assert "% of tickets get a response within 1h" in message
    assert message.endswith("; required 95%")
    assert findings[0].suggestion.startswith("3 people on shift or on call in those hours")


def test_staffing_with_nobody_on_shift_says_so_plainly(tmp_path: Path, library: Library) -> None:
    def no_on_call(data: dict[str, Any]) -> None:
        del data["internal"]["on_call"]

    findings = only(check(tmp_path, library, provider=no_on_call), "staffing-vs-response")
    p1 = [f for f in findings if f.message.startswith("P1:")]
    assert len(p1) == 1
    message = p1[0].message
    # Not "0 people on shift or on call and a load of 0.00 erlangs ... more work arrives".
    assert "nobody is on shift or on call at " in message
    assert "when P1's 24x7 clock runs" in message
    assert "erlang" not in message and "0 people" not in message
    assert p1[0].suggestion.startswith("add an on-call rota")


def test_staffing_p1_jumps_the_queue(tmp_path: Path, library: Library) -> None:
    """A busy P3 queue does not make the P1 target fail: agents take P1 first."""

    def busy(data: dict[str, Any]) -> None:
        data["internal"]["expected_tickets"] = {"P1": 1, "P2": 6, "P3": 900, "P4": 70}

    def three_agents(data: dict[str, Any]) -> None:
        data["internal"]["staffing"][0]["agents"] = 3

    assert (
        only(
            check(tmp_path, library, agreement=busy, provider=three_agents), "staffing-vs-response"
        )
        == []
    )


def test_staffing_24x7_priority_counts_the_people_on_call(tmp_path: Path, library: Library) -> None:
    """A 24x7 P1 is measured at night against the person on call, not the day shift."""

    def busy_p1(data: dict[str, Any]) -> None:
        data["internal"]["expected_tickets"] = {"P1": 400, "P2": 6, "P3": 45, "P4": 70}

    findings = only(check(tmp_path, library, agreement=busy_p1), "staffing-vs-response")
    assert findings and findings[0].paths[0] == "priorities.P1.response"
    assert findings[0].message.startswith("P1: in 24x7 hours, 1 person on shift or on call")


def test_uptime_vs_recovery(tmp_path: Path, library: Library) -> None:
    def single_server(data: dict[str, Any]) -> None:
        data["internal"]["redundancy"]["files"] = False

    findings = only(
        check(tmp_path, library, agreement=single_server), "uptime-vs-recovery", "error"
    )
    assert len(findings) == 1
    assert findings[0].paths[:2] == ["services[files].uptime.target", "internal.redundancy.files"]
    assert "99.5%" in findings[0].message and "54 min" in findings[0].message


def test_uptime_vs_maintenance(tmp_path: Path, library: Library) -> None:
    def counted(data: dict[str, Any]) -> None:
        data["maintenance"]["counts_toward_uptime"] = True
        data["maintenance"]["emergency_counts_toward_uptime"] = False

    findings = only(check(tmp_path, library, agreement=counted), "uptime-vs-maintenance")
    errors = [f for f in findings if f.severity == "error"]
    # Sunday 02:00-06:00 counts for the all-time services, not for files (business hours).
    assert {f.paths[0] for f in errors} == {
        "services[email].uptime.target",
        "services[remote-access].uptime.target",
    }
    assert "maintenance.counts_toward_uptime" in errors[0].paths
    assert "4 h" in errors[0].message and "44.64 min" in errors[0].message
    warnings = [f for f in findings if f.severity == "warning"]
    assert [f.paths for f in warnings] == [["maintenance.emergency_counts_toward_uptime"]]


def test_rpo_vs_backup(tmp_path: Path, library: Library) -> None:
    def hourly(data: dict[str, Any]) -> None:
        data["data_protection"]["backup"]["rpo"] = "4h"

    findings = only(check(tmp_path, library, agreement=hourly), "rpo-vs-backup")
    assert [(f.severity, f.paths) for f in findings] == [
        ("error", ["data_protection.backup.rpo", "internal.backup.interval"])
    ]
    assert "4h" in findings[0].message and "24h" in findings[0].message


def test_rto_vs_restore(tmp_path: Path, library: Library) -> None:
    def fast(data: dict[str, Any]) -> None:
        data["data_protection"]["backup"]["rto"] = "2h"

    findings = only(check(tmp_path, library, agreement=fast), "rto-vs-restore")
    assert [(f.severity, f.paths) for f in findings] == [
        ("error", ["data_protection.backup.rto", "internal.backup.restore_time"])
    ]
    assert "2h" in findings[0].message and "6h" in findings[0].message


def test_access_vs_onsite(tmp_path: Path, library: Library) -> None:
    def no_modified_target(data: dict[str, Any]) -> None:
        constraint(data, "clinic-hours")["modified_targets"] = {}

    findings = only(
        check(tmp_path, library, "corner-shop-smb.yaml", agreement=no_modified_target),
        "access-vs-onsite",
    )
    assert [(f.severity, f.paths) for f in findings] == [
        ("error", ["priorities.P1.resolution", "constraints[clinic-hours].calendar"])
    ]
    assert "8h" in findings[0].message and "22 Quay Road" in findings[0].message


def test_combined_vs_services(tmp_path: Path, library: Library) -> None:
    """A combined figure is judged like any uptime promise: by one repair, not by the sum."""

    def single_server(data: dict[str, Any]) -> None:
        data["internal"]["redundancy"]["files"] = False

    assert only(check(tmp_path, library), "combined-vs-services") == []  # the example: 99 %
    findings = only(check(tmp_path, library, agreement=single_server), "combined-vs-services")
    assert [f.severity for f in findings] == ["error"]
    assert findings[0].paths[:2] == ["combined_uptime.target", "internal.redundancy.files"]
    assert findings[0].message.startswith(
        "the combined uptime of 99% of Business Hours in January 2027 allows 108 min of "
        "downtime, but one repair of File server FS01"
    )
    assert findings[0].suggestion.endswith("or a combined target of at most 93.8%")


def test_combined_vs_services_above_a_service_is_a_warning(
    tmp_path: Path, library: Library
) -> None:
    def stricter(data: dict[str, Any]) -> None:
        data["combined_uptime"]["target"] = 99.9

    findings = only(check(tmp_path, library, agreement=stricter), "combined-vs-services")
    assert [f.severity for f in findings] == ["warning"]
    assert findings[0].paths[0] == "combined_uptime.target"
    assert "services[files].uptime.target" in findings[0].paths
    assert "99.9%" in findings[0].message and "99.5%" in findings[0].message


def test_priority_order(tmp_path: Path, library: Library) -> None:
    def inverted(data: dict[str, Any]) -> None:
        data["priorities"]["P2"]["response"] = "12h"  # later than its own 8h resolution
        data["priorities"]["P1"]["resolution"] = "10h"  # slower than P2's 8h

    findings = only(check(tmp_path, library, agreement=inverted), "priority-order")
    paths = [f.paths for f in findings]
    assert ["priorities.P2.response", "priorities.P2.resolution"] in paths
    assert ["priorities.P1.resolution", "priorities.P2.resolution"] in paths
    assert ["priorities.P2.response", "priorities.P3.response"] in paths
    assert all(f.severity == "error" for f in findings)


def test_clock_undefined(tmp_path: Path, library: Library) -> None:
    def unreachable(data: dict[str, Any]) -> None:
        for channel in data["reporting"]["channels"]:
            channel["priorities"] = [p for p in channel["priorities"] if p != "P4"]

    findings = only(check(tmp_path, library, agreement=unreachable), "clock-undefined")
    assert [(f.severity, f.paths) for f in findings] == [
        ("error", ["priorities.P4", "reporting.channels"])
    ]


def test_vague_term_in_the_agreement(tmp_path: Path, library: Library) -> None:
    def vague(data: dict[str, Any]) -> None:
        data["exclusions"][1] = "Hardware repairs, which are made as soon as possible"
        data["services"][0]["description"] = "Mail fixed in 0-8 hours, 09:00-17:00 weekdays"

    findings = only(check(tmp_path, library, agreement=vague), "vague-term")
    by_path = {f.paths[0]: f for f in findings}
    assert sorted(by_path) == ["exclusions[1]", "services[email].description"]
    assert all(f.severity == "warning" and len(f.paths) == 1 for f in findings)
    assert "'0-8 hours'" in by_path["services[email].description"].message
    assert "'as soon as possible'" in by_path["exclusions[1]"].message


def test_vague_term_in_a_clause_the_render_uses(tmp_path: Path) -> None:
    root = tmp_path / "library"
    for part in ("clauses", "profiles", "templates"):
        shutil.copytree(builtin_library_root() / part, root / part)
    clause = root / "clauses" / "exclusions.plain.md"
    clause.write_text(clause.read_text("utf-8") + "\nWe use best efforts on everything else.\n")
    library = Library(root)
    findings = only(check(tmp_path, library, "corner-shop-smb.yaml"), "vague-term")
    assert len(findings) == 1
    assert findings[0].paths == ["variants.exclusions"]
    assert "exclusions.plain.md:" in findings[0].message
    assert "'best efforts'" in findings[0].message
    # The standard agreement uses the standard variant: not flagged there.
    assert not only(check(tmp_path, library), "vague-term")


def test_every_rule_has_a_scenario() -> None:
    from tests import test_rules_new

    names = [*globals(), *vars(test_rules_new)]
    tests = [name.replace("_", "-") for name in names if name.startswith("test_")]
    missing = [r for r in RULES if not any(t.startswith(f"test-{r}") for t in tests)]
    assert not missing
