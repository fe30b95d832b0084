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
from slawriter.library import Library, builtin_library_root
from slawriter.pipeline import load_agreement
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
        data["internal"]["expected_tickets"] = {"P1": 1, "P2": 6, "P3": 900, "P4": 70}

    def one_agent(data: dict[str, Any]) -> None:
        data["internal"]["staffing"][0]["agents"] = 3

    findings = only(
        check(tmp_path, library, agreement=busy, provider=one_agent), "staffing-vs-response"
    )
    assert findings and all(f.severity == "error" for f in findings)
    assert "priorities.P1.response" in findings[0].paths
    assert "internal.expected_tickets" in findings[0].paths
    assert "required 95%" in findings[0].message or "cannot keep up" in findings[0].message
    assert "agents" in findings[0].suggestion


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
    def stricter(data: dict[str, Any]) -> None:
        data["combined_uptime"]["target"] = 99.9

    findings = only(check(tmp_path, library, agreement=stricter), "combined-vs-services")
    assert [f.severity for f in findings] == ["error"]
    assert findings[0].paths[0] == "combined_uptime.target"
    assert "services[files].uptime.target" in findings[0].paths
    assert "99.9%" in findings[0].message and "99.5%" in findings[0].message


def test_combined_uptime_above_what_the_services_allow_is_a_warning(
    tmp_path: Path, library: Library
) -> None:
    def higher(data: dict[str, Any]) -> None:
        data["combined_uptime"]["target"] = 99.5

    assert only(check(tmp_path, library), "combined-vs-services") == []
    findings = only(check(tmp_path, library, agreement=higher), "combined-vs-services")
    assert [f.severity for f in findings] == ["warning"]
    assert "98.90%" in findings[0].message  # 99.9% x 99.5% x 99.5%


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
    tests = [name.replace("_", "-") for name in globals() if name.startswith("test_")]
    missing = [r for r in RULES if not any(t.startswith(f"test-{r}") for t in tests)]
    assert not missing
