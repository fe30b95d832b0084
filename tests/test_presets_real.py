"""Presets against exports written by hand from each desk's documented headings and formats.

The files in tests/fixtures/exports/ were typed in from the vendors' pages (cited in
docs/measurement.md), not written by slawriter.measure.samples: a preset that drifts from
the real export fails here even if it still agrees with our own sample writer. Every figure
asserted was worked out by hand on the agreement that ``agreement`` pins (Europe/London,
mon-fri 08:30-17:30; P1 30m / 4h on 24x7, P2 1h / 8h, P3 4h / 2 business days of 9h, P4 1
business day / 5 business days).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from slawriter.cli import main
from slawriter.measure.importer import parse_one
from slawriter.measure.run import NO_OUTAGE_LOG
from tests.test_measure_report import AS_OF, agreement, run_json  # noqa: F401

EXPORTS = Path(__file__).parent / "fixtures" / "exports"
_COUNTS = ("tickets", "response_met", "response_breached", "resolution_met",
           "resolution_breached")  # fmt: skip


def _counts(body: dict[str, Any], priority: str) -> tuple[int, ...]:
    figures = body["priorities"][priority]
    return tuple(figures[key] for key in _COUNTS)


def _report(capsys: pytest.CaptureFixture[str], path: Path, *extra: str) -> Any:
    return run_json(capsys, str(path), "--period", "2027-01", "--as-of", AS_OF, *extra)


# -- Zendesk: the first reply is a duration --------------------------------------------------------


def test_zendesk_reply_minutes_are_added_to_the_created_time(
    agreement: Path,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, body = _report(
        capsys, agreement, "--tickets", str(EXPORTS / "zendesk.csv"), "--preset", "zendesk"
    )
    assert code == 1  # ticket 105's reply time is not a number
    # 101: Urgent (P1, 30m on 24x7), replied after 20 minutes: MET (the bug called it a 2-hour
    # breach, counting the response at the solve time). Solved after 2h: met.
    # 102: Urgent, logged 23:00, first reply after 45 calendar minutes: BREACHED, though
    # Zendesk's business-hours column says 0 (its schedule is not the agreement's). Solved
    # after 3h: met.
    assert _counts(body, "P1") == (2, 1, 1, 2, 0)
    p1 = body["priorities"]["P1"]
    assert [(b["id"], b["target"], b["business_s"]) for b in p1["breaches"]] == [
        ("102", "response", 45 * 60)
    ]
    # 103: High (P2), logged Fri 17:00, reply 960 calendar minutes later (Sat 09:00): 30
    # business minutes (Fri 17:00-17:30): met. Solved Mon 10:00: 30m + 1h30 = 2h: met.
    assert _counts(body, "P2") == (1, 1, 0, 1, 0)
    assert body["priorities"]["P2"]["response_median_s"] == 30 * 60
    assert body["priorities"]["P2"]["resolution_median_s"] == 2 * 3600
    # 104: Normal (P3), no reply and not solved by 1 February: both breached, still open.
    assert _counts(body, "P3") == (1, 0, 1, 0, 1)
    assert [(r["line"], r["reason"]) for r in body["rejected_rows"]] == [
        (6, "First reply time in minutes: 'abc' is not a number of minutes")
    ]
    assert body["notes"] == [NO_OUTAGE_LOG]  # tickets only: uptime not measured


def test_zendesk_report_says_response_targets_met_one_of_two(
    agreement: Path,  # noqa: F811
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    args = ["report", str(agreement), "--tickets", str(EXPORTS / "zendesk.csv"), "--preset",
            "zendesk", "--period", "2027-01", "--as-of", AS_OF, "--out", str(tmp_path),
            "--format", "md"]  # fmt: skip
    assert main(args) == 1
    md = (tmp_path / "acme-2027-01.md").read_text(encoding="utf-8")
    # P1: 1 of 2; P2: 1 of 1; P3: 0 of 1 (still open past its target). The bug said "0 of 2".
    assert "- Response targets met: 2 of 4 (50.0%)." in md


# -- Jira: month names, 2-digit years, 12-hour clock; no response time at all ----------------------


def test_jira_without_a_response_column_is_refused_naming_the_preset(
    agreement: Path,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
) -> None:
    args = ["report", str(agreement), "--tickets", str(EXPORTS / "jira.csv"), "--preset", "jira",
            "--period", "2027-01", "--as-of", AS_OF, "--json"]  # fmt: skip
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "preset 'jira' reads no response time" in err
    assert "Custom field (Time to first response)" in err
    assert "--no-response-column" in err


def test_jira_dates_and_response_counted_as_resolution(
    agreement: Path,  # noqa: F811
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, body = _report(capsys, agreement, "--tickets", str(EXPORTS / "jira.csv"), "--preset",
                         "jira", "--no-response-column")  # fmt: skip
    assert code == 0 and body["rejected_rows"] == []
    # SD-1: Highest (P1, 24x7), 05/Jan/27 9:30 AM to 11:00 AM = 1h30: resolution met; the
    # response, counted at the resolution, is past 30m: breached.
    assert _counts(body, "P1") == (1, 0, 1, 1, 0)
    assert body["priorities"]["P1"]["resolution_median_s"] == 5400
    # SD-2: High (P2), Thu 07/Jan/27 4:45 PM to Fri 10:15 AM: 45m + 1h45 = 2h30 business.
    assert _counts(body, "P2") == (1, 0, 1, 1, 0)
    assert body["priorities"]["P2"]["resolution_median_s"] == 9000
    # SD-3: Medium (P3), 11/Jan/27 12:00 PM (noon, not midnight) to 1:30 PM = 1h30: both met.
    assert _counts(body, "P3") == (1, 1, 0, 1, 0)
    assert body["priorities"]["P3"]["resolution_median_s"] == 5400
    # SD-4: Low (P4), still open on 1 February: both breached.
    assert _counts(body, "P4") == (1, 0, 1, 0, 1)
    assert body["notes"] and body["notes"][0].startswith("Response counted as resolution")

    out = tmp_path / "out"
    args = ["report", str(agreement), "--tickets", str(EXPORTS / "jira.csv"), "--preset", "jira",
            "--no-response-column", "--period", "2027-01", "--as-of", AS_OF, "--out", str(out),
            "--format", "md,html"]  # fmt: skip
    assert main(args) == 0
    assert "Response counted as resolution" in capsys.readouterr().err
    md = (out / "acme-2027-01.md").read_text(encoding="utf-8")
    first_page = md.split("\n## ", 1)[0]  # the cover, before the first section
    assert "Response counted as resolution" in first_page
    html = (out / "acme-2027-01.html").read_text(encoding="utf-8")
    assert html.index("Response counted as resolution") < html.index("Summary")


# -- Autotask: 10/10/2022 8:00 PM, and --date-order decides 01/02 ----------------------------------


def test_autotask_month_first(
    agreement: Path,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, body = _report(capsys, agreement, "--tickets", str(EXPORTS / "autotask.csv"),
                         "--preset", "autotask", "--date-order", "month-first")  # fmt: skip
    assert code == 0 and body["rejected_rows"] == []
    # 0001: Critical (P1), 01/05/2027 9:00 AM, response 9:20 AM (20m), complete 1:00 PM: 4h
    # exactly, which is at most the 4h target: met.
    assert _counts(body, "P1") == (1, 1, 0, 1, 0)
    assert body["priorities"]["P1"]["resolution_median_s"] == 4 * 3600
    # 0002: High (P2), Mon 4:00 PM, response 5:30 PM = 1h30: breached; complete Tue 10:00 AM:
    # 1h30 + 1h30 = 3h: met.
    assert _counts(body, "P2") == (1, 0, 1, 1, 0)
    assert body["priorities"]["P2"]["response_median_s"] == 5400
    assert body["tickets_outside_period"] == 1  # 02/01/2027 is 1 February


def test_autotask_day_first_reads_the_same_format_the_other_way(
    agreement: Path,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, body = _report(capsys, agreement, "--tickets", str(EXPORTS / "autotask.csv"),
                         "--preset", "autotask", "--date-order", "day-first")  # fmt: skip
    # Most tickets fall outside the month read this way: a warning (exit 1), not a quiet month.
    assert code == 1
    assert any(n.startswith("Warning: 2 of 3 tickets") for n in body["notes"])
    # Day-first, only 02/01/2027 (Saturday 2 January) is in January; answered at 11:00 AM
    # the same Saturday: no business time, met; never completed: breached by 1 February.
    assert body["tickets_outside_period"] == 2
    assert _counts(body, "P3") == (1, 1, 0, 0, 1)
    assert body["priorities"]["P3"]["response_median_s"] == 0


# -- presets whose headings could not be confirmed -------------------------------------------------


@pytest.mark.parametrize(
    ("preset", "order"),
    [("connectwise", "month-first"), ("halopsa", "day-first"), ("freshdesk", "day-first")],
)
def test_unconfirmed_presets_read_their_hand_written_exports(
    preset: str,
    order: str,
    agreement: Path,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, body = _report(capsys, agreement, "--tickets", str(EXPORTS / f"{preset}.csv"),
                         "--preset", preset, "--date-order", order)  # fmt: skip
    assert code == 0 and body["rejected_rows"] == []
    # P1 (24x7): Tue 5 Jan 10:00, response 10:20, resolved 13:00: both met.
    assert _counts(body, "P1") == (1, 1, 0, 1, 0)
    # P2: Fri 8 Jan 16:00, response 17:30 (1h30: breached), resolved Mon 11 Jan 12:00:
    # 1h30 + 3h30 = 5h: met.
    assert _counts(body, "P2") == (1, 0, 1, 1, 0)
    assert body["priorities"]["P2"]["resolution_median_s"] == 5 * 3600


def test_list_presets_says_which_are_confirmed(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", "--list-presets"]) == 0
    lines = {
        line.split()[0]: line for line in capsys.readouterr().out.splitlines() if line[0] != " "
    }
    unconfirmed = "(column names not confirmed against the vendor's documentation)"
    # Jira's headings come from a quoted export; docs/measurement.md says the Atlassian page
    # could not be retrieved, so the list must not call them confirmed.
    for preset in ("connectwise", "halopsa", "freshdesk", "jira"):
        assert unconfirmed in lines[preset]
    assert "confirmed against the vendor's documentation)" in lines["zendesk"]
    assert unconfirmed not in lines["zendesk"]
    assert "not confirmed against the vendor's documentation: 'Priority'" in lines["autotask"]


# -- columns the measurement needs ---------------------------------------------------------------


def test_a_missing_response_column_names_the_column_and_the_preset(
    agreement: Path,  # noqa: F811
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # The header of the bug report: a Zendesk export without the reply-minutes column.
    export = tmp_path / "zendesk.csv"
    export.write_text(
        "ID,Priority,Group,Created at,Solved at\n101,Urgent,Infra,2027-01-05 10:00:00,"
        "2027-01-05 12:00:00\n",
        encoding="utf-8",
    )
    args = ["report", str(agreement), "--tickets", str(export), "--preset", "zendesk",
            "--period", "2027-01", "--as-of", AS_OF, "--json"]  # fmt: skip
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "no column 'First reply time in minutes' (named by preset 'zendesk';" in err
    assert "--no-response-column" in err
    code, body = run_json(capsys, *args[1:-1], "--no-response-column")
    assert code == 0
    assert _counts(body, "P1") == (1, 0, 1, 1, 0)  # the 2h resolution, as asked


def test_an_entirely_empty_needed_column_is_a_warning(
    agreement: Path,  # noqa: F811
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    export = tmp_path / "tickets.csv"
    export.write_text(
        "id,priority,created,responded,resolved\nA,P1,2027-01-05 10:00,,2027-01-05 11:00\n",
        encoding="utf-8",
    )
    args = ["report", str(agreement), "--tickets", str(export), "--period", "2027-01",
            "--as-of", AS_OF]  # fmt: skip
    assert main([*args, "--out", str(tmp_path / "out"), "--format", "md"]) == 1
    err = capsys.readouterr().err
    assert "Warning: the column 'responded' is empty in every row" in err
    md = (tmp_path / "out" / "acme-2027-01.md").read_text(encoding="utf-8")
    assert "Warning: the column 'responded' is empty in every row" in md.split("\n## ", 1)[0]


# -- date formats --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "order", "expected"),
    [
        ("05/Jan/27 9:30 AM", "month-first", "2027-01-05T09:30:00"),
        ("05/Jan/27 12:15 AM", "day-first", "2027-01-05T00:15:00"),
        ("05/01/27 09:30", "day-first", "2027-01-05T09:30:00"),
        ("05/01/27 09:30", "month-first", "2027-05-01T09:30:00"),
        ("10/10/2022 8:00 PM", "month-first", "2022-10-10T20:00:00"),
        ("5 January 2027 09:30", "day-first", "2027-01-05T09:30:00"),
        ("Jan 5, 2027 9:30 PM", "day-first", "2027-01-05T21:30:00"),
        ("2027-01-05 09:30:00 +0100", "day-first", "2027-01-05T09:30:00+01:00"),
        ("2027-01-05T09:30:00Z", "day-first", "2027-01-05T09:30:00+00:00"),
    ],
)
def test_date_formats(text: str, order: str, expected: str) -> None:
    moment = parse_one(text, order)
    assert moment is not None and moment.isoformat() == expected


def test_a_declared_format_follows_the_date_order() -> None:
    declared = ["%m/%d/%Y %I.%M %p"]  # a format none of ours has
    assert str(parse_one("01/02/2027 9.30 PM", "month-first", declared)) == "2027-01-02 21:30:00"
    assert str(parse_one("01/02/2027 9.30 PM", "day-first", declared)) == "2027-02-01 21:30:00"
    assert parse_one("01/02/2027 9.30 PM", "day-first") is None


def test_a_mapping_file_declares_a_format_and_a_duration_column(
    agreement: Path,  # noqa: F811
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    export = tmp_path / "desk.csv"
    export.write_text(
        "Ref,Sev,Opened,Mins to reply,Fixed\nR1,Sev 2,2027.01.05 at 10h00,75,2027.01.05 at 12h00\n",
        encoding="utf-8",
    )
    mapping = tmp_path / "desk.yaml"
    mapping.write_text(
        "tickets:\n  id: Ref\n  priority: Sev\n  created: Opened\n  responded: null\n"
        "  first_reply_minutes: Mins to reply\n  resolved: Fixed\n"
        "date_formats: ['%Y.%m.%d at %Hh%M']\n",
        encoding="utf-8",
    )
    code, body = _report(capsys, agreement, "--tickets", str(export), "--mapping", str(mapping))
    assert code == 0
    # P2 (1h): replied 75 minutes after 10:00 on a Tuesday: 1h15 of business time, breached.
    assert _counts(body, "P2") == (1, 0, 1, 1, 0)
    assert body["priorities"]["P2"]["response_median_s"] == 75 * 60
