"""slawriter export-policy as a user runs it: every example for every target, the figures of
the Zendesk, Freshdesk, Jira and OpenSLO files worked out by hand for acme-standard, what each
target cannot express, and --check against policies written by hand in the vendors' documented
shapes, our own output, and edited copies."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml

from slawriter.cli import main
from slawriter.errors import EXIT_BAD_INPUT, EXIT_FOUND, EXIT_OK, EXIT_REFUSED
from tests.conftest import EXAMPLES

POLICIES = Path(__file__).parent / "fixtures" / "policies"
ACME = EXAMPLES / "acme-standard.yaml"
TARGETS = ("zendesk", "freshdesk", "jira", "openslo")
AGREEMENTS = sorted(
    path
    for path in EXAMPLES.glob("*.yaml")
    if path.name not in ("provider.yaml", "provider-us.yaml")
)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def acme_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("policy")
    for target in TARGETS:
        assert main(["export-policy", str(ACME), "--to", target, "--out", str(out)]) == EXIT_OK
    return out


@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("agreement", AGREEMENTS, ids=lambda p: p.stem)
def test_every_example_exports_for_every_target(
    agreement: Path, target: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(
        capsys, "export-policy", str(agreement), "--to", target, "--out", str(tmp_path)
    )
    assert code == EXIT_OK, err
    assert "Not expressed" not in out  # warnings go to standard error
    names = sorted(p.name for p in tmp_path.iterdir())
    stem = agreement.stem
    assert f"{stem}.{target}-NOT-EXPRESSED.md" in names
    assert f"{stem}.{target}-policy.slawriter.json" in names
    # Nothing is dropped silently: every item in the file is printed as a warning too.
    listed = (tmp_path / f"{stem}.{target}-NOT-EXPRESSED.md").read_text("utf-8")
    items = [line[2:] for line in listed.splitlines() if line.startswith("- ")]
    assert items
    assert f"Not expressed in {target} ({len(items)};" in err
    flat = " ".join(err.split())
    for item in items:
        assert " ".join(item.split()) in flat
    for name in names:
        if name.endswith(".json"):
            json.loads((tmp_path / name).read_text("utf-8"))
        if name.endswith(".yaml"):
            list(yaml.safe_load_all((tmp_path / name).read_text("utf-8")))


def _json(path: Path) -> object:
    return json.loads(path.read_text("utf-8"))


def test_zendesk_policy_figures_for_acme(acme_out: Path) -> None:
    body = _json(acme_out / "acme-standard.zendesk-sla-policy.json")
    assert isinstance(body, dict)
    metrics = {
        (m["priority"], m["metric"]): (m["target"], m["business_hours"])
        for m in body["sla_policy"]["policy_metrics"]
    }
    # P1 on 24x7: calendar minutes. P3 resolution, 2 business days of a 9-hour day (08:30 to
    # 17:30): 2 x 540 = 1080 business minutes. P4 resolution 5 x 540 = 2700.
    assert metrics[("urgent", "first_reply_time")] == (30, False)
    assert metrics[("urgent", "requester_wait_time")] == (240, False)
    assert metrics[("urgent", "periodic_update_time")] == (60, False)
    assert metrics[("high", "first_reply_time")] == (60, True)
    assert metrics[("normal", "requester_wait_time")] == (1080, True)
    assert metrics[("normal", "periodic_update_time")] == (540, True)
    assert metrics[("low", "first_reply_time")] == (540, True)
    assert metrics[("low", "requester_wait_time")] == (2700, True)
    assert len(metrics) == 12
    assert body["sla_policy"]["filter"] == {"all": [], "any": []}


def test_zendesk_schedule_is_minutes_from_sunday_midnight(acme_out: Path) -> None:
    schedule = _json(acme_out / "acme-standard.zendesk-schedule-business.json")
    assert schedule == {"schedule": {"name": "business", "time_zone": "London"}}
    workweek = _json(acme_out / "acme-standard.zendesk-schedule-business-workweek.json")
    assert isinstance(workweek, dict)
    # Monday 08:30 is 1440 + 510 = 1950; 17:30 is 1440 + 1050 = 2490; Friday is day 5.
    assert workweek["workweek"]["intervals"] == [
        {"start_time": day * 1440 + 510, "end_time": day * 1440 + 1050} for day in range(1, 6)
    ]
    holidays = _json(acme_out / "acme-standard.zendesk-schedule-business-holidays.json")
    assert isinstance(holidays, list)
    dates = [h["holiday"]["start_date"] for h in holidays]
    # Christmas 2027 is a Saturday: England's substitute days are Monday 27 and Tuesday 28.
    assert "2027-12-27" in dates and "2027-12-28" in dates
    assert dates[0] == "2027-01-01" and dates[-1] <= "2029-01-01"


def test_freshdesk_policy_in_seconds(acme_out: Path) -> None:
    body = _json(acme_out / "acme-standard.freshdesk-sla-policy.json")
    assert isinstance(body, dict)
    assert body["sla_target"]["priority_4"] == {
        "respond_within": 1800,
        "resolve_within": 14400,
        "business_hours": False,
        "escalation_enabled": True,
    }
    assert body["sla_target"]["priority_2"]["resolve_within"] == 1080 * 60
    hours = _json(acme_out / "acme-standard.freshdesk-business-hours-business.json")
    assert isinstance(hours, dict)
    assert hours["business_hours"]["monday"] == {
        "start_time": "08:30:00 am",
        "end_time": "05:30:00 pm",
    }
    assert "saturday" not in hours["business_hours"]
    listed = (acme_out / "acme-standard.freshdesk-NOT-EXPRESSED.md").read_text("utf-8")
    assert "P1 update interval (1h)" in listed
    assert "Freshdesk's API cannot create them" in listed


def test_jira_goals_and_checklist(acme_out: Path) -> None:
    data = _json(acme_out / "acme-standard.jira-sla.json")
    assert isinstance(data, dict)
    assert data["format"] == "slawriter-jsm-sla/1"
    resolution = next(m for m in data["metrics"] if m["name"] == "Time to resolution")
    goals = {g["priority"]: (g["goal"], g["calendar"]) for g in resolution["goals"]}
    assert goals == {
        "P1": ("4h", "24/7 Calendar (Default)"),
        "P2": ("8h", "business"),
        "P3": ("18h", "business"),
        "P4": ("45h", "business"),
    }
    checklist = (acme_out / "acme-standard.jira-checklist.md").read_text("utf-8")
    assert "- [ ] Calendar **business**, time zone Europe/London" in checklist
    assert '  - [ ] Goal `priority = "Medium"`: 18h, calendar business' in checklist


def test_openslo_documents(acme_out: Path) -> None:
    docs = list(yaml.safe_load_all((acme_out / "acme-standard.openslo.yaml").read_text("utf-8")))
    slos = {d["metadata"]["name"]: d for d in docs if d["kind"] == "SLO"}
    assert sorted(slos) == ["email-uptime", "files-uptime", "remote-access-uptime"]
    assert all(d["apiVersion"] == "openslo/v1" for d in docs)
    email = slos["email-uptime"]["spec"]
    assert email["objectives"][0]["target"] == 0.999
    assert email["objectives"][0]["timeSliceWindow"] == "1m"
    assert email["timeWindow"] == [
        {
            "duration": "1M",
            "calendar": {"startTime": "2027-01-01 00:00:00", "timeZone": "Europe/London"},
            "isRolling": False,
        }
    ]
    listed = (acme_out / "acme-standard.openslo-NOT-EXPRESSED.md").read_text("utf-8")
    assert "files: uptime counts only the hours of calendar 'business'" in listed
    assert "email: minutes down only because Microsoft 365 is down are excluded" in listed
    assert "Combined uptime target 99%" in listed


@pytest.mark.parametrize(
    "name",
    ["zendesk-sla-policy.json", "freshdesk-sla-policy.json", "jira-sla.json"],
)
def test_round_trip_reports_no_drift(
    acme_out: Path, name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    policy = acme_out / f"acme-standard.{name}"
    code, out, err = run(capsys, "export-policy", "--check", str(policy), str(ACME))
    assert (code, err) == (EXIT_OK, "")
    assert "no drift" in out


def test_edited_export_reports_each_difference(
    acme_out: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    body = json.loads((acme_out / "acme-standard.freshdesk-sla-policy.json").read_text("utf-8"))
    body["sla_target"]["priority_3"]["respond_within"] = 7200
    body["sla_target"]["priority_1"]["business_hours"] = False
    edited = tmp_path / "edited.json"
    edited.write_text(json.dumps(body), "utf-8")
    code, out, _ = run(capsys, "export-policy", "--check", str(edited), str(ACME))
    assert code == EXIT_FOUND
    assert "acme-standard.yaml in 3 places:" in " ".join(out.split())
    assert (
        "P2 (priority_3) respond_within: target 7200 seconds in the policy, "
        "3600 seconds in the agreement" in out
    )
    assert (
        "P4 (priority_1) respond_within: business hours off in the policy, on in the agreement"
        in out
    )
    assert (
        "P4 (priority_1) resolve_within: business hours off in the policy, on in the agreement"
        in out
    )


def test_edited_jira_goal_and_calendar(
    acme_out: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = json.loads((acme_out / "acme-standard.jira-sla.json").read_text("utf-8"))
    goal = data["metrics"][0]["goals"][0]
    goal["goal"], goal["calendar"] = "1h", "business"
    edited = tmp_path / "jira.json"
    edited.write_text(json.dumps(data), "utf-8")
    code, out, _ = run(capsys, "export-policy", "--check", str(edited), str(ACME))
    assert code == EXIT_FOUND
    assert (
        "P1 Time to first response: target 60 minutes in the policy, 30 minutes in the agreement"
        in out
    )
    assert "P1 Time to first response: business hours on in the policy, off in the agreement" in out
    assert "calendar 'business' in the policy, '24/7 Calendar (Default)' in the agreement" in out


def test_zendesk_policy_as_its_api_shows_it(capsys: pytest.CaptureFixture[str]) -> None:
    policy = POLICIES / "zendesk-show-policy.json"
    code, out, err = run(capsys, "export-policy", "--check", str(policy), str(ACME))
    assert (code, err) == (EXIT_OK, "")
    assert "(zendesk) agrees with" in out


def test_zendesk_policy_edited_in_zendesk(capsys: pytest.CaptureFixture[str]) -> None:
    policy = POLICIES / "zendesk-show-policy-edited.json"
    code, out, _ = run(capsys, "export-policy", "--check", str(policy), str(ACME))
    assert code == EXIT_FOUND
    lines = [line.strip() for line in out.splitlines() if line.strip().startswith("- ")]
    assert lines == [
        "- P1 (urgent) first_reply_time: target 45 minutes in the policy, "
        "30 minutes in the agreement",
        "- P2 (high) requester_wait_time: business hours off in the policy, on in the agreement",
        "- P4 (low) periodic_update_time: missing from the policy (agreement: 1080 minutes)",
        "- P3 (normal) next_reply_time: in the policy (120 minutes), not in the agreement",
    ]


def test_freshdesk_list_as_its_api_returns_it(capsys: pytest.CaptureFixture[str]) -> None:
    policy = POLICIES / "freshdesk-list-policies.json"
    code, out, err = run(capsys, "export-policy", "--check", str(policy), str(ACME))
    assert (code, err) == (EXIT_OK, "")
    assert "(freshdesk) agrees with" in out


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (None, "zendesk-show-schedule.json: not an SLA policy slawriter knows"),
        ("{not json", "not JSON (line 1, column 2: expecting property name enclosed in double"),
        (
            json.dumps(
                {
                    "sla_policy": {
                        "policy_metrics": [
                            {"priority": "urgent", "metric": "first_reply_time", "target": "soon"}
                        ]
                    }
                }
            ),
            'policy_metrics[0].target is not a number ("soon")',
        ),
        ('[{"sla_target": {}}, {"sla_target": {}}]', "lists 2 SLA policies"),
    ],
)
def test_foreign_or_broken_policy_is_refused(
    content: str | None, says: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    if content is None:
        policy = tmp_path / "zendesk-show-schedule.json"
        shutil.copy(POLICIES / policy.name, policy)
    else:
        policy = tmp_path / "policy.json"
        policy.write_text(content, "utf-8")
    code, out, err = run(capsys, "export-policy", "--check", str(policy), str(ACME))
    assert code == EXIT_BAD_INPUT
    assert says in err
    assert str(policy.name) in err
    assert "Traceback" not in err and out == ""
    if "lists" not in says:
        assert "expected a Zendesk SLA policy" in err


def test_missing_policy_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "export-policy", "--check", str(tmp_path / "nope.json"), str(ACME))
    assert code == EXIT_BAD_INPUT
    assert "nope.json" in err and "Traceback" not in err


def test_no_target_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "export-policy", str(ACME))
    assert code == EXIT_BAD_INPUT
    assert "--to" in err


def test_an_edited_export_is_not_overwritten(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["export-policy", str(ACME), "--to", "zendesk", "--out", str(tmp_path)]
    assert run(capsys, *args)[0] == EXIT_OK
    policy = tmp_path / "acme-standard.zendesk-sla-policy.json"
    policy.write_text(policy.read_text("utf-8").replace('"target": 30', '"target": 25'), "utf-8")
    edited = policy.read_bytes()
    code, _, err = run(capsys, *args)
    assert code == EXIT_REFUSED
    assert "acme-standard.zendesk-sla-policy.json was edited after slawriter wrote it" in err
    assert policy.read_bytes() == edited
    assert run(capsys, *args, "--force")[0] == EXIT_OK
    assert policy.read_bytes() != edited
