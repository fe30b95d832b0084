"""An MSP manager's review of report and export-policy (issue 13, items 5 to 13).

Every export here is typed in by hand; the figures asserted are worked out in the comments
on the agreement that ``agreement`` pins (tests/test_measure_report.py: Europe/London,
mon-fri 08:30-17:30, P1 30m / 4h on 24x7, P2 1h / 8h).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from slawriter.cli import main
from tests.test_measure_report import AS_OF, agreement, run_json  # noqa: F401

TICKETS = (
    "id,priority,created,responded,resolved,service\n"
    "T1,P2,2027-01-05 09:00,2027-01-05 09:30,2027-01-05 12:00,email\n"
)


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


# -- 5: no outage log is not "100% uptime" -----------------------------------------------------


def test_without_an_outage_log_uptime_is_not_measured(
    agreement: Path,  # noqa: F811
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    tickets = _write(tmp_path, "t.csv", TICKETS)
    code, body = run_json(
        capsys, str(agreement), "--tickets", str(tickets), "--period", "2027-01", "--as-of", AS_OF
    )
    assert code == 0
    assert any("availability not measured" in note for note in body["notes"])
    for service in body["services"].values():
        assert (service["uptime"], service["met"], service["credit"]) == (None, None, None)
    out = tmp_path / "out"
    args = ["report", str(agreement), "--tickets", str(tickets), "--period", "2027-01",
            "--as-of", AS_OF, "--out", str(out), "--format", "md"]  # fmt: skip
    assert main(args) == 0
    md = (out / "acme-2027-01.md").read_text(encoding="utf-8")
    assert "Uptime targets met" not in md  # the bug: "Uptime targets met: 3 of 3"
    assert "Uptime: not measured (no outage log given)." in md
    assert "100.000%" not in md
    availability = md.split("## 4. Availability", 1)[1].split("## 5.", 1)[0]
    assert "| met |" not in availability and "| n/a |" in availability


# -- 6: months before the effective date -------------------------------------------------------


def _effective(path: Path, when: str) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["agreement"]["effective_date"] = when
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")


def test_a_period_before_the_effective_date_is_refused(
    agreement: Path,  # noqa: F811
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _effective(agreement, "2027-03-01")
    tickets = _write(tmp_path, "t.csv", TICKETS)
    args = ["report", str(agreement), "--tickets", str(tickets), "--period", "2027-01",
            "--as-of", AS_OF, "--json"]  # fmt: skip
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "not in force in 2027-01 (effective 2027-03-01)" in err


def test_a_quarter_partly_in_force_measures_only_that_part(
    agreement: Path,  # noqa: F811
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _effective(agreement, "2027-03-01")
    # T1 (January) was logged before the agreement took effect; T2 (March) after.
    tickets = _write(
        tmp_path,
        "t.csv",
        TICKETS + "T2,P2,2027-03-02 09:00,2027-03-02 11:00,2027-03-02 12:00,email\n",
    )
    code, body = run_json(
        capsys, str(agreement), "--tickets", str(tickets), "--period", "2027-Q1",
        "--as-of", "2027-04-10T12:00",
    )  # fmt: skip
    # T2: response after 2 business hours against 1h: breached. T1 is not counted at all.
    assert body["priorities"]["P2"]["tickets"] == 1
    assert body["priorities"]["P2"]["response_breached"] == 1
    assert any(
        "took effect on 2027-03-01: only the part of 2027-Q1 from then is measured "
        "(1 ticket logged before then is left out)" in note
        for note in body["notes"]
    )
    assert code == 0


def test_portfolio_names_an_agreement_not_yet_in_force(
    agreement: Path,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
) -> None:
    _effective(agreement, "2027-03-01")
    _write(agreement.parent, "acme-tickets.csv", TICKETS)
    args = ["report", "--portfolio", str(agreement.parent), "--period", "2027-01",
            "--as-of", AS_OF, "--json"]  # fmt: skip
    assert main(args) == 0
    import json

    [row] = json.loads(capsys.readouterr().out)["agreements"]
    assert row["owed"] is None  # the bug: 0.00, as if measured
    assert "not in force in 2027-01 (effective 2027-03-01)" in row["note"]


# -- 11: a derived response time is stated in the method -----------------------------------------


def test_method_says_a_zendesk_response_is_derived(
    agreement: Path,  # noqa: F811
    tmp_path: Path,
) -> None:
    tickets = _write(
        tmp_path,
        "zd.csv",
        "ID,Priority,Group,Created at,Solved at,First reply time in minutes\n"
        "101,Urgent,Email,2027-01-05 09:00:00,2027-01-05 10:00:00,20\n",
    )
    out = tmp_path / "out"
    args = ["report", str(agreement), "--tickets", str(tickets), "--preset", "zendesk",
            "--period", "2027-01", "--as-of", AS_OF, "--out", str(out),
            "--format", "md"]  # fmt: skip
    assert main(args) == 0
    method = (out / "acme-2027-01.md").read_text(encoding="utf-8").split("How the figures", 1)[1]
    assert (
        "Response times are derived, not read: the export gives the first reply only as a "
        "duration, so each ticket's response time is its 'Created at' time plus its 'First "
        "reply time in minutes' (calendar minutes)"
    ) in " ".join(method.split())


# -- 7: the wrong period or the wrong date order -------------------------------------------------


def test_tickets_all_outside_the_period_are_a_warning(
    agreement: Path,  # noqa: F811
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    tickets = _write(tmp_path, "t.csv", TICKETS)
    code, body = run_json(
        capsys, str(agreement), "--tickets", str(tickets), "--period", "2027-03",
        "--as-of", "2027-04-10T12:00",
    )  # fmt: skip
    assert code == 1  # the bug: exit 0 and 0 owed, no hint
    assert (
        "Warning: 1 of 1 ticket in t.csv was logged outside 2027-03: check --period and the "
        "date order (read day-first)"
    ) in [note.replace(str(tmp_path) + "/", "") for note in body["notes"]]


AUTOTASK_US = (
    "Autotask Ticket Number,Title,Priority,Create Date/Time,First Response Date/Time,"
    "Complete Date/Time\n"
    "T1,Mail,Critical,01/05/2027 9:00 AM,01/05/2027 9:20 AM,01/05/2027 1:00 PM\n"
    "T2,Printer,High,01/12/2027 4:00 PM,01/12/2027 5:30 PM,01/13/2027 10:00 AM\n"
)


def test_dates_that_prove_month_first_name_the_option(
    agreement: Path,  # noqa: F811
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    tickets = _write(tmp_path, "at.csv", AUTOTASK_US)
    code, body = run_json(
        capsys, str(agreement), "--tickets", str(tickets), "--preset", "autotask",
        "--period", "2027-01", "--as-of", AS_OF,
    )  # fmt: skip
    assert code == 1
    # 01/13/2027 cannot be day-first (no month 13); every such date reads month-first.
    [reason] = [r["reason"] for r in body["rejected_rows"]]
    assert reason.endswith("; it reads month-first: pass --date-order month-first")
    assert any(
        n.startswith("Warning: dates in 'Complete Date/Time' such as '01/13/2027 10:00 AM'")
        and "pass --date-order month-first" in n
        for n in body["notes"]
    )


# -- 9: a repeated heading -----------------------------------------------------------------------


def test_a_repeated_heading_is_said_and_its_first_non_empty_value_used(
    agreement: Path,  # noqa: F811
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    tickets = _write(
        tmp_path,
        "jira.csv",
        "Issue key,Priority,Created,Resolved,Component/s,Component/s\n"
        "SD-1,High,05/Jan/27 9:00 AM,05/Jan/27 10:00 AM,Email,Files\n"
        "SD-2,High,05/Jan/27 9:00 AM,05/Jan/27 10:00 AM,,Files\n",
    )
    code, body = run_json(
        capsys, str(agreement), "--tickets", str(tickets), "--preset", "jira",
        "--no-response-column", "--period", "2027-01", "--as-of", AS_OF,
    )  # fmt: skip
    assert code == 0
    assert any(
        "The heading 'Component/s' appears 2 times in" in n
        and "(columns 5, 6): each row's first non-empty value under it is used" in n
        for n in body["notes"]
    )
    # SD-1 under Email (the first listed), SD-2 under Files (its first non-empty value); the
    # bug put SD-2 under no service.
    counts = {key: item["tickets"] for key, item in body["tickets_by_service"].items()}
    assert counts == {"email": 1, "files": 1}


# -- 10: physical line numbers ---------------------------------------------------------------------


def test_rejected_rows_give_the_physical_line_after_a_multi_line_subject(
    agreement: Path,  # noqa: F811
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    tickets = _write(
        tmp_path,
        "t.csv",
        "id,subject,priority,created,responded,resolved\n"
        'A1,"Printer\nline two\nline three",P2,2027-01-05 09:00,2027-01-05 09:30,\n'
        "A2,Empty priority,,2027-01-05 09:00,,\n"
        "A1,Again,P2,2027-01-05 09:00,,\n",
    )
    code, body = run_json(
        capsys, str(agreement), "--tickets", str(tickets), "--period", "2027-01", "--as-of", AS_OF
    )
    assert code == 1
    # A1 starts on line 2 and takes three lines: A2 is on line 5, the second A1 on line 6.
    assert [(r["line"], r["reason"]) for r in body["rejected_rows"]] == [
        (5, "priority: empty: a ticket needs a priority (the agreement has P1, P2, P3, P4)"),
        (6, "id: ticket 'A1' is also on line 2"),
    ]


def test_record_lines_on_a_plain_file_are_the_records_plus_one(tmp_path: Path) -> None:
    from slawriter.measure.importer import record_lines

    plain = _write(tmp_path, "p.csv", "a,b\n1,2\n3,4")
    assert record_lines(plain, 2).tolist() == [2, 3]
    quoted = _write(tmp_path, "q.csv", 'a,b\n"x\r\ny",2\r\n3,4\r\n')
    assert record_lines(quoted, 2).tolist() == [2, 4]


# -- minor: a semicolon-separated export -----------------------------------------------------------


def test_a_semicolon_separated_export_is_read(
    agreement: Path,  # noqa: F811
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    tickets = _write(tmp_path, "semi.csv", TICKETS.replace(",", ";"))
    code, body = run_json(
        capsys, str(agreement), "--tickets", str(tickets), "--period", "2027-01", "--as-of", AS_OF
    )
    assert code == 0
    assert body["priorities"]["P2"]["response_met"] == 1  # 30 minutes against 1 hour
    assert any("uses ';' between columns" in n for n in body["notes"])


# -- 13: export-policy --check -------------------------------------------------------------------

EXAMPLE = Path(__file__).parent.parent / "examples" / "acme-standard.yaml"


def _zendesk_policy(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    import json

    assert main(["export-policy", str(EXAMPLE), "--to", "zendesk", "--out", str(tmp_path)]) == 0
    capsys.readouterr()
    [path] = tmp_path.glob("*zendesk-sla-policy.json")
    body: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return body


def _check(tmp_path: Path, capsys: pytest.CaptureFixture[str], body: object) -> tuple[int, str]:
    import json

    policy = _write(tmp_path, "edited.json", json.dumps(body))
    code = main(["export-policy", "--check", str(policy), str(EXAMPLE)])
    captured = capsys.readouterr()
    return code, " ".join((captured.out + captured.err).split())


def test_check_reports_a_metric_set_twice_and_targets_exactly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    body = _zendesk_policy(tmp_path, capsys)
    metrics = body["sla_policy"]["policy_metrics"]
    urgent = next(
        m for m in metrics if (m["priority"], m["metric"]) == ("urgent", "first_reply_time")
    )
    # The same metric again at 20 minutes (the bug reported only the 20), and a fractional
    # target on another (the bug printed 480.5 as 480).
    metrics.append({**urgent, "target": 20})
    high = next(m for m in metrics if (m["priority"], m["metric"]) == ("high", "first_reply_time"))
    high["target"] = 480.5
    code, out = _check(tmp_path, capsys, body)
    assert code == 1
    assert (
        f"P1 (urgent) first_reply_time: set 2 times in the policy ({urgent['target']} minutes, "
        "20 minutes)"
    ) in out
    assert "P2 (high) first_reply_time: target 480.5 minutes in the policy" in out


def test_check_names_the_policy_it_took_from_a_list(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    body = _zendesk_policy(tmp_path, capsys)
    ours = {**body["sla_policy"], "id": 7}
    other = {**ours, "title": "Other customer", "id": 3}
    code, out = _check(tmp_path, capsys, {"sla_policies": [other, ours]})
    assert code == 0
    assert f"Compared the policy {ours['title']!r} (id 7), 2 of 2 in the list" in out


def test_check_broken_json_gives_line_and_column_and_the_list_shape(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    policy = _write(tmp_path, "broken.json", '{\n "sla_policies": [\n  {"title": "unfinished')
    assert main(["export-policy", "--check", str(policy), str(EXAMPLE)]) == 2
    err = " ".join(capsys.readouterr().err.split())
    assert "not JSON (line 3, column 13: unterminated string starting there)" in err
    assert '{"sla_policies": [...]}' in err


def test_portfolio_says_an_as_of_without_offset_is_local_to_each_agreement(
    agreement: Path,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
) -> None:
    _write(agreement.parent, "acme-tickets.csv", TICKETS)
    args = ["report", "--portfolio", str(agreement.parent), "--period", "2027-01",
            "--as-of", AS_OF]  # fmt: skip
    assert main(args) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "as of 2027-02-01T12:00 in each agreement's own time zone" in out


def test_a_service_written_two_ways_is_measured_as_one(
    agreement: Path,  # noqa: F811
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """'Email', 'email' and 'email ': the export's spellings of one service of the
    agreement count together: their counts added, and the median taken over all of them (it
    used to be the median of whichever spelling came last)."""
    tickets = _write(
        tmp_path,
        "tickets.csv",
        "id,priority,created,responded,resolved,service\n"
        # P2 (1h / 8h, business hours): responses of 10, 20 and 40 minutes, resolved in 1h,
        # 2h and 9h30 (a breach).
        "E1,P2,2027-01-05 09:00,2027-01-05 09:10,2027-01-05 10:00,Email\n"
        "E2,P2,2027-01-05 09:00,2027-01-05 09:20,2027-01-05 11:00,email\n"
        "E3,P2,2027-01-06 09:00,2027-01-06 09:40,2027-01-07 09:30,email \n",
    )
    code, body = run_json(
        capsys, str(agreement), "--tickets", str(tickets), "--period", "2027-01",
        "--as-of", AS_OF,
    )  # fmt: skip
    assert code == 0
    assert list(body["tickets_by_service"]) == ["email"]
    email = body["tickets_by_service"]["email"]
    assert (email["tickets"], email["response_met"], email["response_breached"]) == (3, 3, 0)
    assert (email["resolution_met"], email["resolution_breached"]) == (2, 1)
    assert email["response_median_s"] == 20 * 60  # of 10, 20 and 40 minutes
    assert email["resolution_median_s"] == 2 * 3600  # of 1h, 2h and 9h30
