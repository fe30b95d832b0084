"""report: the record and --force, --compare, the evidence file, the forecast, --portfolio.

Every export here was typed in by hand (tests/fixtures/compare/ and the strings below), never
written by slawriter's sample writer. The agreement is ``agreement`` of test_measure_report
(Europe/London, mon-fri 08:30-17:30, public holidays GB-ENG; P1 30m / 4h on 24x7, P2 1h / 8h on
business hours; email 99.9% all-time, fee 850; tiers 5% below 99.9, 10% below 99.5, 25% below
99, 50% below 95; cap 50), with the changes each test states. Figures worked out by hand in
the comments.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from slawriter.cli import main
from slawriter.measure.compare import parse_remaining
from slawriter.measure.evidence import neutralise
from tests.test_measure_report import AS_OF, agreement  # noqa: F401

FIXTURES = Path(__file__).parent / "fixtures" / "compare"
ONE_TICKET = "id,priority,created,responded,resolved,service,paused\n" + (
    "T1,P2,2027-01-05 09:00,2027-01-05 11:00,2027-01-05 12:00,,\n"
)


def _edit(path: Path, change: Any) -> Path:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def _json(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, Any], str]:
    code = main(["report", *args, "--json"])
    captured = capsys.readouterr()
    return code, json.loads(captured.out) if captured.out.strip() else {}, captured.err


# -- the record and --force ------------------------------------------------------------------------


def test_an_edited_report_is_not_replaced_without_force(
    agreement: Path,  # noqa: F811
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    tickets = tmp_path / "tickets.csv"
    tickets.write_text(ONE_TICKET, encoding="utf-8")
    out = tmp_path / "reports"
    args = ["report", str(agreement), "--tickets", str(tickets), "--period", "2027-01",
            "--as-of", AS_OF, "--out", str(out), "--format", "md"]  # fmt: skip
    assert main(args) == 0
    record = json.loads((out / "acme-2027-01.slawriter.json").read_text(encoding="utf-8"))
    document = out / "acme-2027-01.md"
    assert record["files"]["acme-2027-01.md"] == hashlib.sha256(document.read_bytes()).hexdigest()
    assert record["inputs"]["tickets"]["sha256"] == hashlib.sha256(tickets.read_bytes()).hexdigest()
    assert main(args) == 0  # unchanged since written: replaced without a word
    capsys.readouterr()
    document.write_text(document.read_text(encoding="utf-8") + "\nA note of mine.\n", "utf-8")
    assert main(args) == 3  # as render: refused to protect an edit
    err = capsys.readouterr().err
    assert "acme-2027-01.md was edited after slawriter wrote it" in err
    assert "--force" in err
    assert "A note of mine." in document.read_text(encoding="utf-8")
    assert main([*args, "--force"]) == 0
    assert "A note of mine." not in document.read_text(encoding="utf-8")


def test_a_report_slawriter_did_not_write_is_not_replaced(
    agreement: Path,  # noqa: F811
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    tickets = tmp_path / "tickets.csv"
    tickets.write_text(ONE_TICKET, encoding="utf-8")
    out = tmp_path / "reports"
    out.mkdir()
    (out / "acme-2027-01.md").write_text("someone else's file\n", encoding="utf-8")
    code = main(["report", str(agreement), "--tickets", str(tickets), "--period", "2027-01",
                 "--as-of", AS_OF, "--out", str(out), "--format", "md"])  # fmt: skip
    assert code == 3
    assert "was not written by slawriter" in capsys.readouterr().err
    assert (out / "acme-2027-01.md").read_text(encoding="utf-8") == "someone else's file\n"


# -- --compare -------------------------------------------------------------------------------------


def test_compare_zendesk_holiday(
    agreement: Path,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, body, _ = _json(capsys, str(agreement), "--tickets", str(FIXTURES / "zendesk-sla.csv"),
                          "--preset", "zendesk", "--period", "2027-01", "--as-of", AS_OF,
                          "--compare")  # fmt: skip
    assert code == 0
    result = body["comparison"]
    # 201, High (P2: 1h / 8h on business hours), logged Fri 1 Jan 10:00 (New Year's Day),
    # first reply 4,260 calendar minutes (71 hours) later (Mon 4 Jan 09:00): the contract counts Mon
    # 08:30-09:00 = 30 minutes (met); Zendesk's schedule, without the holiday, 480 (breached).
    # Its resolution at the same time: 30 minutes (met); Zendesk's 480 = 8h, not over 8h: met.
    # 202: 30 and 120 minutes both sides: met, met.
    assert (result["compared"], result["agreed"]) == (4, 3)
    [item] = result["disagreements"]
    assert (item["id"], item["target"], item["rule"]) == ("201", "response", "holiday")
    assert item["explanation"].startswith("holiday: New Year's Day (2027-01-01)")
    assert (item["desk_business_s"], item["contract_business_s"]) == (480 * 60, 30 * 60)
    assert (item["desk_breached"], item["contract_breached"]) == (True, False)


def test_compare_names_the_clock_change(
    agreement: Path,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, body, _ = _json(capsys, str(agreement), "--tickets", str(FIXTURES / "zendesk-dst.csv"),
                          "--preset", "zendesk", "--period", "2027-03", "--as-of",
                          "2027-04-01T12:00", "--compare")  # fmt: skip
    assert code == 0
    # 301, Urgent (P1: 30m on 24x7), logged Sun 28 Mar 00:50 GMT, replied 20 minutes later at
    # 02:10 BST (the clocks went forward at 01:00): met. The desk's 80 minutes is the
    # wall-clock difference 00:50 -> 02:10, as if the clocks had not changed: breached.
    [item] = body["comparison"]["disagreements"]
    assert (item["id"], item["rule"]) == ("301", "clock change")
    assert (item["contract_business_s"], item["figure_without_rule_s"]) == (20 * 60, 80 * 60)
    assert "went forward 1 hour in Europe/London during" in item["explanation"]


def test_compare_pause_reduced_hours_and_not_explained(
    agreement: Path,  # noqa: F811
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    def reduce(data: dict[str, Any]) -> None:
        data["calendars"]["business"]["reduced"] = {"2027-01-07": "08:30-12:30"}

    _edit(agreement, reduce)
    code = main(["report", str(agreement), "--tickets", str(FIXTURES / "desk.csv"), "--mapping",
                 str(FIXTURES / "desk.yaml"), "--period", "2027-01", "--as-of", AS_OF,
                 "--compare", "--out", str(tmp_path / "out"), "--format", "md"])  # fmt: skip
    captured = capsys.readouterr()
    assert code == 0, captured.err
    out = captured.out
    # 401: Wed 6 Jan 09:00 to Thu 7 Jan 10:00 = 8h30 + 1h30 = 10h, less the 3h pause = 7h of
    # 8h: met; the desk, not pausing, says breached.
    assert "401 (P2 resolution): helpdesk: breached (yes), contract: met (7h 00m of 8h 00m): " \
        "pause: 180 business minutes paused" in out  # fmt: skip
    # 402: Thu 7 Jan (reduced to 08:30-12:30) 12:00-12:30 + Fri 08:30-12:30 = 4h30: met;
    # on full hours it would be 5h30 + 4h = 9h30: breached, as the desk says.
    assert "402 (P2 resolution): helpdesk: breached (yes), contract: met (4h 30m of 8h 00m): " \
        "reduced hours: 2027-01-07" in out  # fmt: skip
    # 403: 1 hour; breached by no rule: never guessed.
    assert "403 (P2 resolution): helpdesk: breached (yes), contract: met (1h 00m of 8h 00m): " \
        "not explained" in out  # fmt: skip
    assert "4 targets, 1 agree, 3 disagree" in out
    assert "not compared: " in out and "desk.csv:6: Resolution breached: 'maybe' is not yes" in out
    markdown = (tmp_path / "out" / "acme-2027-01.md").read_text(encoding="utf-8")
    assert "Helpdesk and contract compared" in markdown
    assert "not explained" in markdown


def _compare_desk(
    capsys: pytest.CaptureFixture[str],
    agreement: Path,  # noqa: F811
    tmp_path: Path,
    export_text: str,
) -> tuple[dict[str, Any], str]:
    """report --compare --json on an export typed here, read by fixtures/compare/desk.yaml:
    the JSON's comparison, and the messages (standard error)."""
    export = tmp_path / "desk.csv"
    export.write_text(export_text, encoding="utf-8")
    code, body, err = _json(capsys, str(agreement), "--tickets", str(export), "--mapping",
                            str(FIXTURES / "desk.yaml"), "--period", "2027-01", "--as-of",
                            AS_OF, "--compare")  # fmt: skip
    assert code in (0, 1), err
    result: dict[str, Any] = body["comparison"]
    return result, err


def test_compare_reads_an_ids_first_row_of_the_export(
    agreement: Path,  # noqa: F811
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """An id the export repeats is compared on its first row, and named by that row's line."""
    result, _ = _compare_desk(
        capsys, agreement, tmp_path,
        "Ref,Sev,Opened,First touch,Fixed,Waiting,Resolution breached\n"
        # 1 hour of 8: met by the contract; the desk's first row says breached.
        "403,P2,2027-01-12 10:00,2027-01-12 10:15,2027-01-12 11:00,,yes\n"
        "404,P2,2027-01-13 10:00,2027-01-13 10:15,2027-01-13 11:00,,no\n"
        "403,P2,2027-01-12 10:00,2027-01-12 10:15,2027-01-12 11:00,,no\n",
    )  # fmt: skip
    assert (result["compared"], result["agreed"]) == (2, 1)
    [item] = result["disagreements"]
    assert (item["id"], item["line"], item["desk_value"]) == ("403", 2, "yes")


@pytest.mark.parametrize("last_line_end", ["\n", ""])
def test_compare_names_the_physical_line_past_a_field_over_two_lines(
    agreement: Path,  # noqa: F811
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    last_line_end: str,
) -> None:
    """As every other message of the report: the line a record starts on in the file, which
    a quoted field typed over two lines moves on by one. Also with no line end after the
    last row, where the line ends alone number as many as the records."""
    result, _ = _compare_desk(
        capsys, agreement, tmp_path,
        "Ref,Sev,Opened,First touch,Fixed,Waiting,Resolution breached,Note\n"
        '404,P2,2027-01-13 10:00,2027-01-13 10:15,2027-01-13 11:00,,no,"two\nlines"\n'
        "403,P2,2027-01-12 10:00,2027-01-12 10:15,2027-01-12 11:00,,yes,\n"
        "405,P2,2027-01-14 10:00,2027-01-14 10:15,2027-01-14 11:00,,maybe," + last_line_end,
    )  # fmt: skip
    [item] = result["disagreements"]
    assert (item["id"], item["line"]) == ("403", 4)
    [unreadable] = result["unreadable"]
    assert unreadable.split(": ")[0].endswith("desk.csv:5")


def test_compare_on_an_export_of_only_its_header_compares_nothing(
    agreement: Path,  # noqa: F811
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """pandas fails on a file of nothing but a header when the last column is read: such an
    export is an empty one, not an internal error (exit 70)."""
    result, _ = _compare_desk(
        capsys, agreement, tmp_path,
        "Ref,Sev,Opened,First touch,Fixed,Waiting,Resolution breached\n",
    )  # fmt: skip
    assert (result["compared"], result["agreed"], result["disagreements"]) == (0, 0, [])
    assert result["columns"] == {"resolution_breached": "Resolution breached"}


def test_compare_prints_an_id_as_typed_even_an_emoji_code(
    agreement: Path,  # noqa: F811
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """rich turns ':warning:' into a sign unless told not to: an id is the export's text."""
    _, out = _compare_desk(
        capsys, agreement, tmp_path,
        "Ref,Sev,Opened,First touch,Fixed,Waiting,Resolution breached\n"
        ":warning:,P2,2027-01-12 10:00,2027-01-12 10:15,2027-01-12 11:00,,yes\n",
    )  # fmt: skip
    assert "  :warning: (P2 resolution): helpdesk: breached (yes), contract: met" in out
    assert "\N{WARNING SIGN}" not in out


def test_compare_without_a_verdict_column_is_refused(
    agreement: Path,  # noqa: F811
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    tickets = tmp_path / "tickets.csv"
    tickets.write_text(ONE_TICKET, encoding="utf-8")
    code = main(["report", str(agreement), "--tickets", str(tickets), "--period", "2027-01",
                 "--as-of", AS_OF, "--compare", "--json"])  # fmt: skip
    captured = capsys.readouterr()
    assert code == 2
    assert "names no column with the helpdesk's own SLA verdict" in captured.err
    assert "Traceback" not in captured.err
    # A mapping naming a verdict column the export lacks: said, exit 2.
    mapping = tmp_path / "map.yaml"
    mapping.write_text("verdict:\n  breached: SLA breached\n", encoding="utf-8")
    code = main(["report", str(agreement), "--tickets", str(tickets), "--mapping", str(mapping),
                 "--period", "2027-01", "--as-of", AS_OF, "--compare", "--json"])  # fmt: skip
    captured = capsys.readouterr()
    assert code == 2
    assert "has none of the verdict columns mapping file" in captured.err
    assert "'SLA breached'" in captured.err


def test_jira_time_left_is_read_with_its_sign() -> None:
    assert parse_remaining("-1h 30m") == (True, -5400)
    assert parse_remaining("2h") == (False, 7200)
    assert parse_remaining("45min") == (False, 2700)
    # Days are Jira's working days, which the export does not define: the sign still decides.
    assert parse_remaining("-2d 3h") == (True, None)
    with pytest.raises(ValueError, match="is not a time left"):
        parse_remaining("soon")


# -- evidence --------------------------------------------------------------------------------------

HOSTILE = ["=cmd|' /C calc'!A0", "+SUM(1+1)", "-2+3", "@SUM(1)", "\tTAB", "\rCR"]


def test_evidence_lists_what_drove_the_credits_and_is_injection_safe(
    agreement: Path,  # noqa: F811
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    def targets(data: dict[str, Any]) -> None:
        data["credits"]["targets"] = {
            "basis": "per-breach",
            "priorities": {"P2": {"response": 1}},
            "cap": 10,
            "service": "email",
        }

    _edit(agreement, targets)
    tickets = tmp_path / "tickets.csv"
    rows = "".join(
        f'"{ident}",P2,2027-01-05 09:00,2027-01-05 11:00,2027-01-05 12:00,,\n' for ident in HOSTILE
    )
    tickets.write_text("id,priority,created,responded,resolved,service,paused\n" + rows, "utf-8")
    outages = tmp_path / "outages.csv"
    outages.write_text(
        "service,start,end,planned\nemail,2027-01-12 10:00,2027-01-12 12:00,no\n", "utf-8"
    )
    out = tmp_path / "out"
    code = main(["report", str(agreement), "--tickets", str(tickets), "--outages", str(outages),
                 "--period", "2027-01", "--as-of", AS_OF, "--out", str(out), "--format",
                 "md"])  # fmt: skip
    assert code == 0, capsys.readouterr().err
    text = (out / "acme-2027-01-evidence.csv").read_bytes().decode("utf-8")
    table = list(csv.DictReader(io.StringIO(text, newline="")))
    inputs = {row["item"]: row["detail"] for row in table if row["kind"] == "input"}
    for role, path in (("agreement", agreement), ("tickets", tickets), ("outages", outages)):
        assert inputs[role] == f"sha256 {hashlib.sha256(path.read_bytes()).hexdigest()}"
    # Email: 120 minutes down of 44,640: uptime 99.7312%, below 99.9 and not 99.5: 5% of 850.
    [credit] = [row for row in table if row["kind"] == "service_credit"]
    assert (credit["service"], credit["business_minutes"]) == ("email", "120.00")
    assert "uptime 99.7312%" in credit["detail"] and "= £42.50" in credit["detail"]
    [outage] = [row for row in table if row["kind"] == "outage"]
    assert (outage["source_line"], outage["start"]) == ("2", "2027-01-12T10:00:00+00:00")
    # Six responses of 2h against 1h: 6 x 1% = 6% of email's 850 = 51.00.
    [target] = [row for row in table if row["kind"] == "target_credit"]
    assert "6% after = £51.00" in target["detail"]
    breaches = [row for row in table if row["kind"] == "breach"]
    assert [row["item"] for row in breaches] == ["'" + ident for ident in HOSTILE]
    assert all(row["business_minutes"] == "120.00" for row in breaches)
    # No cell a spreadsheet would run: every one starts with a harmless character.
    for row in csv.reader(io.StringIO(text, newline="")):
        assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in row)
    sums = (out / "acme-2027-01-evidence.sha256").read_text(encoding="utf-8")
    assert f"{hashlib.sha256(tickets.read_bytes()).hexdigest()}  tickets.csv\n" in sums
    record = json.loads((out / "acme-2027-01.slawriter.json").read_text(encoding="utf-8"))
    assert "acme-2027-01-evidence.csv" in record["files"]


def test_no_evidence_file_when_nothing_is_owed(
    agreement: Path,  # noqa: F811
    tmp_path: Path,
) -> None:
    tickets = tmp_path / "tickets.csv"
    tickets.write_text(ONE_TICKET, encoding="utf-8")
    out = tmp_path / "out"
    assert main(["report", str(agreement), "--tickets", str(tickets), "--period", "2027-01",
                 "--as-of", AS_OF, "--out", str(out), "--format", "md"]) == 0  # fmt: skip
    assert not (out / "acme-2027-01-evidence.csv").exists()


def test_neutralise() -> None:
    assert [neutralise(x) for x in ("=1", "-1", "a=1", "", None)] == ["'=1", "'-1", "a=1", "", ""]


# -- the forecast ----------------------------------------------------------------------------------


def test_forecast_mid_month_by_hand(
    agreement: Path,  # noqa: F811
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    tickets = tmp_path / "tickets.csv"
    tickets.write_text(ONE_TICKET, encoding="utf-8")
    outages = tmp_path / "outages.csv"
    outages.write_text(
        "service,start,end,planned\nemail,2027-01-05 10:00,2027-01-05 10:30,no\n", "utf-8"
    )
    code, body, _ = _json(capsys, str(agreement), "--tickets", str(tickets), "--outages",
                          str(outages), "--period", "2027-01", "--as-of",
                          "2027-01-11T00:00")  # fmt: skip
    assert code == 0
    forecast = body["forecast"]
    assert forecast["month"] == "2027-01"
    assert "Linear extrapolation over business time" in forecast["method"]
    # Email, all-time: 10 of January's 31 days have passed (14,400 of 44,640 minutes). 30
    # minutes down so far (uptime 99.93%: met, nothing owed yet); projected 30 x 31 / 10 = 93
    # minutes: uptime (44,640 - 93) / 44,640 = 99.7917%: below 99.9, not 99.5: 5% of 850.
    email = forecast["services"]["email"]
    assert email["elapsed_fraction"] == pytest.approx(10 / 31)
    assert email["projected_downtime_s"] == pytest.approx(93 * 60)
    assert email["projected_uptime"] == pytest.approx((44640 - 93) / 44640)
    assert (email["credit_percent"], email["credit"]) == (0.05, 42.5)
    assert body["services"]["email"]["credit"] == 0
    # P2 on business hours: 4-8 January passed (5 x 9h = 45h; 1 January is a holiday) of the
    # month's 20 working days (180h): a quarter. One response breached so far: 4 projected.
    p2 = forecast["priorities"]["P2"]
    assert p2["elapsed_fraction"] == pytest.approx(0.25)
    assert (p2["response_breached_so_far"], p2["projected_response_breached"]) == (1, 4)
    assert forecast["credits_at_risk"] == 42.5  # files and remote-access had no outage


def test_no_forecast_once_the_period_is_over(
    agreement: Path,  # noqa: F811
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    tickets = tmp_path / "tickets.csv"
    tickets.write_text(ONE_TICKET, encoding="utf-8")
    _, body, _ = _json(capsys, str(agreement), "--tickets", str(tickets), "--period", "2027-01",
                       "--as-of", AS_OF)  # fmt: skip
    assert "forecast" not in body


# -- the portfolio ---------------------------------------------------------------------------------


def _portfolio(agreement: Path, tmp_path: Path) -> Path:  # noqa: F811
    folder = tmp_path / "portfolio"
    folder.mkdir()
    for name in ("provider.yaml", "northwind-logo.png"):
        shutil.copy(agreement.parent / name, folder / name)
    for stem, minutes in (("alpha", 30), ("beta", 120)):
        shutil.copy(agreement, folder / f"{stem}.yaml")
        (folder / f"{stem}-tickets.csv").write_text(ONE_TICKET, encoding="utf-8")
        end = f"{10 + minutes // 60:02d}:{minutes % 60:02d}"
        (folder / f"{stem}-outages.csv").write_text(
            f"service,start,end,planned\nemail,2027-01-05 10:00,2027-01-05 {end},no\n", "utf-8"
        )
    return folder


def test_portfolio_totals_owed_and_at_risk(
    agreement: Path,  # noqa: F811
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    folder = _portfolio(agreement, tmp_path)
    code = main(["report", "--portfolio", str(folder), "--period", "2027-01", "--as-of",
                 "2027-01-11T00:00", "--json"])  # fmt: skip
    body = json.loads(capsys.readouterr().out)
    assert code == 0
    rows = {Path(row["agreement"]).name: row for row in body["agreements"]}
    # alpha: 30 minutes so far (met: 0 owed), 93 projected: 5% of 850 = 42.50 at risk.
    assert (rows["alpha.yaml"]["owed"], rows["alpha.yaml"]["at_risk"]) == (0, 42.5)
    # beta: 120 minutes so far: uptime 99.7312%: 5% = 42.50 owed; projected 120 x 3.1 = 372
    # minutes: uptime 99.1667%, below 99.5: 10% of 850 = 85.00 at risk.
    assert (rows["beta.yaml"]["owed"], rows["beta.yaml"]["at_risk"]) == (42.5, 85.0)
    assert body["totals"] == {
        "GBP": {"service_credits": 42.5, "target_credits": 0.0, "owed": 42.5, "at_risk": 127.5}
    }
    assert main(["report", "--portfolio", str(folder), "--period", "2027-01", "--as-of",
                 "2027-01-11T00:00"]) == 0  # fmt: skip
    table = capsys.readouterr().out
    assert "£127.50" in table and "beta.yaml" in table


def test_portfolio_agreement_without_tickets_is_named(
    agreement: Path,  # noqa: F811
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    folder = _portfolio(agreement, tmp_path)
    (folder / "beta-tickets.csv").unlink()
    code = main(["report", "--portfolio", str(folder), "--period", "2027-01"])
    err = capsys.readouterr().err
    assert code == 2
    assert "beta.yaml has no ticket export beside it" in err and "beta-tickets.csv" in err
