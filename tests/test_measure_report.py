"""Monthly and quarterly reports: a hand-checked month, bad rows, encodings, presets, documents.

Every figure of the hand-checked month below was worked out by hand from the agreement that
``agreement`` pins (it copies the Acme example and fixes every term the report reads).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from slawriter.cli import main
from slawriter.measure.samples import STYLES, SampleTicket, export_text, write_export
from tests.conftest import EXAMPLES, need_tool

AS_OF = "2027-02-01T12:00"


@pytest.fixture
def agreement(tmp_path: Path) -> Path:
    """The Acme example with every term the report reads fixed here."""
    shutil.copy(EXAMPLES / "provider.yaml", tmp_path / "provider.yaml")
    shutil.copy(EXAMPLES / "northwind-logo.png", tmp_path / "northwind-logo.png")
    data = yaml.safe_load((EXAMPLES / "acme-standard.yaml").read_text(encoding="utf-8"))
    data["default_calendar"] = "business"
    data["calendars"] = {
        "business": {
            "timezone": "Europe/London",
            "hours": "mon-fri 08:30-17:30",
            "holidays": "GB-ENG",
        }
    }
    for priority, (response, resolution, calendar) in {
        "P1": ("30m", "4h", "24x7"),
        "P2": ("1h", "8h", None),
        "P3": ("4h", "2 business days", None),
        "P4": ("1 business day", "5 business days", None),
    }.items():
        entry = data["priorities"][priority]
        entry.update(response=response, resolution=resolution)
        entry.pop("calendar", None)
        if calendar:
            entry["calendar"] = calendar
    for service in data["services"]:
        service["uptime"] = {
            "email": {"target": 99.9, "basis": "all-time"},
            "files": {"target": 99.5, "basis": "business-hours"},
            "remote-access": {"target": 99.5, "basis": "all-time"},
        }.get(service["id"])
        if service["uptime"] is None:
            del service["uptime"]
        service["monthly_fee"] = {"email": 850, "files": 1200, "remote-access": 400}.get(
            service["id"], 100
        )
    data["combined_uptime"] = {
        "target": 99.5,
        "basis": "business-hours",
        "services": ["email", "files", "remote-access"],
    }
    data["monitoring"].update(minimum_outage="1m")
    data["maintenance"].update(counts_toward_uptime=False, monthly_cap="4h")
    data["credits"] = {
        "tiers": [
            {"below": 99.9, "credit": 5},
            {"below": 99.5, "credit": 10},
            {"below": 99.0, "credit": 25},
            {"below": 95.0, "credit": 50},
        ],
        "cap": 50,
    }
    path = tmp_path / "acme.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


TICKETS = """id,priority,created,responded,resolved,service,paused
T1,P1,2027-01-05 10:00,2027-01-05 10:20,2027-01-05 13:00,email,
T2,P1,2027-01-09 22:00,2027-01-09 22:45,2027-01-10 03:30,email,
T3,P2,2027-01-08 16:00,2027-01-08 17:30,2027-01-11 12:00,files,2027-01-11 09:00/2027-01-11 10:00
T4,P3,2027-01-29 16:00,,,files,
T5,P2,2027-01-20 10:00,2027-01-20 10:30,,remote-access,
T6,P4,2026-12-31 10:00,2026-12-31 11:00,2026-12-31 12:00,,
T7,P2,2027-01-04 09:00,,2027-01-04 10:00,,
T8,P9,2027-01-10 10:00,,,files,
T9,P1,32/01/2027 10:00,,,email,
T10,P2,2027-01-20 10:00,2027-01-20 10:30,2027-01-20 09:00,,
T3,P2,2027-01-12 10:00,,,,

"""

OUTAGES = """service,start,end,planned
email,2027-01-12 10:00,2027-01-12 11:30,no
email,2027-01-12 11:00,2027-01-12 12:00,no
email,2027-01-13 10:00:00,2027-01-13 10:00:30,no
files,2027-01-13 12:00,2027-01-13 13:00,no
files,2027-01-17 02:00,2027-01-17 05:00,yes
remote-access,2027-01-14 12:00,2027-01-14 12:30,no
remote-access,2027-01-24 01:00,2027-01-24 06:00,yes
printers,2027-01-14 12:00,2027-01-14 12:30,no
"""


def run_json(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, Any]]:
    code = main(["report", *args, "--json"])
    captured = capsys.readouterr()
    return code, json.loads(captured.out)


@pytest.fixture
def month(
    agreement: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> tuple[int, dict[str, Any]]:
    tickets = tmp_path / "tickets.csv"
    tickets.write_text(TICKETS, encoding="utf-8")
    outages = tmp_path / "outages.csv"
    outages.write_text(OUTAGES, encoding="utf-8")
    return run_json(
        capsys,
        str(agreement),
        "--tickets",
        str(tickets),
        "--outages",
        str(outages),
        "--period",
        "2027-01",
        "--as-of",
        AS_OF,
    )


def test_the_hand_checked_month_ticket_figures(month: tuple[int, dict[str, Any]]) -> None:
    code, body = month
    assert code == 1  # rows were rejected
    assert body["period"] == "2027-01"
    assert body["as_of"] == "2027-02-01T12:00:00+00:00"
    assert body["tickets_outside_period"] == 1  # T6, logged in December
    p1, p2, p3, p4 = (body["priorities"][p] for p in ("P1", "P2", "P3", "P4"))
    # P1 (24x7): T1 20m / 3h met; T2 45m / 5h 30m breached.
    assert {k: p1[k] for k in _COUNTS} == dict(
        tickets=2, response_met=1, response_breached=1, resolution_met=1,
        resolution_breached=1, open=0, response_compliance=0.5, resolution_compliance=0.5,
    )  # fmt: skip
    assert (p1["response_median_s"], p1["response_p90_s"]) == (1200, 2700)
    assert (p1["resolution_median_s"], p1["resolution_p90_s"]) == (10800, 19800)
    # P2 (08:30-17:30): T3 responded in 1h 30m (breach), resolved in 4h after a 1h pause;
    # T5 responded in 30m, unresolved long past 8h at as-of (breach); T7 resolved in exactly
    # 1h with no response time, so answered on resolution: both met on the deadline itself.
    assert {k: p2[k] for k in _COUNTS} == dict(
        tickets=3, response_met=2, response_breached=1, resolution_met=2,
        resolution_breached=1, open=0, response_compliance=2 / 3, resolution_compliance=2 / 3,
    )  # fmt: skip
    assert (p2["response_median_s"], p2["response_p90_s"]) == (3600, 5400)
    assert (p2["resolution_median_s"], p2["resolution_p90_s"]) == (3600, 14400)
    # P3: T4 logged Friday 16:00, nothing by Monday 12:00 = 5 business hours: the 4h
    # response is breached; the 18h resolution (2 business days of 9h) is still open.
    assert {k: p3[k] for k in _COUNTS} == dict(
        tickets=1, response_met=0, response_breached=1, resolution_met=0,
        resolution_breached=0, open=1, response_compliance=0.0, resolution_compliance=None,
    )  # fmt: skip
    assert p3["resolution_target_s"] == 18 * 3600
    assert p4["tickets"] == 0 and p4["response_compliance"] is None
    breaches = [(b["id"], b["target"], b["open"]) for b in p2["breaches"]]
    assert breaches == [("T3", "response", False), ("T5", "resolution", True)]
    assert [(b["id"], b["business_s"]) for b in p3["breaches"]] == [("T4", 5 * 3600)]


_COUNTS = (
    "tickets", "response_met", "response_breached", "resolution_met", "resolution_breached",
    "open", "response_compliance", "resolution_compliance",
)  # fmt: skip


def test_the_hand_checked_month_uptime_and_credits(month: tuple[int, dict[str, Any]]) -> None:
    _, body = month
    email, files, remote = (body["services"][s] for s in ("email", "files", "remote-access"))
    # Email: two overlapping outages 10:00-12:00 = 120 min; a 30 s blip is under the 1 minute
    # minimum. 31 days = 44,640 minutes; 99.9% allows 44.64 minutes.
    assert email["downtime_s"] == 120 * 60
    assert email["ignored_short_outages"] == 1
    assert email["uptime"] == pytest.approx((44640 - 120) / 44640)
    assert email["allowed_downtime_s"] == pytest.approx(44.64 * 60)
    assert (email["credit_percent"], email["credit"]) == (0.05, 42.5)
    # Files, business hours: 20 working days (1 January is a holiday) x 9h = 10,800 minutes;
    # 60 minutes down; the Sunday maintenance is outside the basis.
    assert files["basis_s"] == 10800 * 60
    assert files["downtime_s"] == 60 * 60 and files["planned_excluded_s"] == 0
    assert files["uptime"] == pytest.approx(10740 / 10800)
    assert files["allowed_downtime_s"] == pytest.approx(54 * 60)
    assert (files["credit_percent"], files["credit"]) == (0.10, 120.0)
    # Remote access: planned work on Sunday 01:00-06:00. 02:00-06:00 is in the maintenance
    # window (sun 02:00-06:00): 4h, the whole monthly cap, excluded. 01:00-02:00 is outside
    # the window, so emergency maintenance, which counts: 60 minutes, plus 30 unplanned.
    assert remote["planned_excluded_s"] == 240 * 60
    assert remote["basis_s"] == (44640 - 240) * 60
    assert remote["downtime_s"] == 90 * 60
    assert remote["uptime"] == pytest.approx((44400 - 90) / 44400)
    assert remote["allowed_downtime_s"] == pytest.approx(222 * 60)
    # 99.80% is below the 99.9% tier but meets remote access's own 99.5% target: the credit
    # clause gives no credit in a month the service meets its target.
    assert remote["met"] is True
    assert (remote["credit_percent"], remote["credit"]) == (0.0, 0.0)
    # Combined on business hours: 120 + 60 + 30 minutes inside hours (the 05:00-06:00 Sunday
    # overrun is outside them).
    combined = body["combined"]
    assert combined["downtime_s"] == 210 * 60
    assert combined["uptime"] == pytest.approx(10590 / 10800)
    assert combined["met"] is False


def test_bad_rows_are_listed_with_line_numbers_and_reasons(
    month: tuple[int, dict[str, Any]],
) -> None:
    _, body = month
    rejected = [(r["line"], r["reason"]) for r in body["rejected_rows"]]
    assert rejected == [
        (9, "priority: unknown priority 'P9' (the agreement has P1, P2, P3, P4)"),
        (
            10,
            "created: '32/01/2027 10:00' is not a date and time (expected a date and time "
            "such as 2027-01-05 09:30 or 05/01/2027 09:30 (day-first))",
        ),
        (11, "resolved: resolved before it was created"),
        (12, "id: ticket 'T3' is also on line 4"),
        (9, "service: unknown service 'printers' (the agreement has email, files, "
            "remote-access, desktop)"),
    ]  # fmt: skip
    assert [r["file"].endswith(("tickets.csv", "outages.csv")) for r in body["rejected_rows"]]


def test_a_quarter_shows_its_months_and_adds_their_credits(
    agreement: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tickets = tmp_path / "tickets.csv"
    tickets.write_text(TICKETS, encoding="utf-8")
    outages = tmp_path / "outages.csv"
    outages.write_text(OUTAGES, encoding="utf-8")
    code, body = run_json(
        capsys, str(agreement), "--tickets", str(tickets), "--outages", str(outages),
        "--period", "2027-q1", "--as-of", "2027-04-05",
    )  # fmt: skip
    assert code == 1
    assert body["months"] == ["2027-01", "2027-02", "2027-03"]
    assert body["period"] == "2027-Q1"
    assert body["by_month"]["2027-02"]["priorities"]["P1"]["tickets"] == 0
    assert body["by_month"]["2027-01"]["services"]["email"]["credit"] == 42.5
    assert body["by_month"]["2027-02"]["services"]["email"]["uptime"] == 1.0
    assert body["services"]["email"]["credit"] == 42.5
    # By April, T4 is past its 18h resolution too.
    assert body["priorities"]["P3"]["resolution_breached"] == 1


def test_the_clock_and_deadline_commands(
    agreement: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["clock", "--from", "2026-11-27T16:55", "--to", "2026-11-30T09:05", "--hours",
                 "mon-fri 09:00-17:00", "--timezone", "Europe/London", "--holidays",
                 "GB-ENG"]) == 0  # fmt: skip
    assert capsys.readouterr().out.startswith("10 business minutes\n")
    assert main(["clock", "--agreement", str(agreement), "--priority", "P2", "--from",
                 "2027-01-08T16:00", "--to", "2027-01-11T10:00", "--pause",
                 "2027-01-11T09:00/2027-01-11T09:30", "--json"]) == 0  # fmt: skip
    body = json.loads(capsys.readouterr().out)
    assert body["business_seconds"] == 2.5 * 3600
    assert body["calendar_seconds"] == 66 * 3600
    assert main(["deadline", "--agreement", str(agreement), "--priority", "P2", "--from",
                 "2026-12-24T16:00", "--json"]) == 0  # fmt: skip
    body = json.loads(capsys.readouterr().out)
    # 1h 30m on Christmas Eve; 25 and 28 December (Boxing Day substitute) are holidays.
    assert body["deadline"] == "2026-12-29T15:00:00+00:00"
    assert body["deadlines"]["response"] == "2026-12-24T17:00:00+00:00"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["clock", "--from", "2027-01-01T10:00", "--to", "soon", "--hours", "24x7",
          "--timezone", "UTC"], "--to: 'soon' is not a date and time"),
        (["clock", "--from", "2027-01-01", "--to", "2027-01-02", "--hours", "24x7",
          "--timezone", "UTC", "--holidays", "XX"], "--holidays: 'XX' is not a holiday"),
        (["clock", "--from", "2027-01-01", "--to", "2027-01-02", "--hours", "mon-fri 9-5",
          "--timezone", "UTC"], "--hours:"),
        (["deadline", "--from", "2027-01-01", "--hours", "24x7", "--timezone", "UTC"],
         "give --amount, or --agreement with --priority"),
    ],
)  # fmt: skip
def test_command_mistakes_are_sentences(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(args) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


@pytest.mark.parametrize(
    ("period", "message"),
    [("2027-13", "'2027-13' is not a month or a quarter"), ("Q1", "expected e.g. 2027-01")],
)
def test_a_bad_period_is_refused(
    agreement: Path, tmp_path: Path, period: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    tickets = tmp_path / "t.csv"
    tickets.write_text(TICKETS, encoding="utf-8")
    assert main(["report", str(agreement), "--tickets", str(tickets), "--period", period]) == 2
    assert message in capsys.readouterr().err


# -- encodings, date orders, presets and mapping files -------------------------------------------


def _utc(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2027, 1, day, hour, minute, tzinfo=UTC)


SAMPLE = [
    SampleTicket("A-1", "P1", _utc(5, 10), _utc(5, 10, 20), _utc(5, 13)),
    SampleTicket("A-2", "P2", _utc(8, 16), _utc(8, 17, 30), _utc(11, 12)),
    SampleTicket("Café-3", "P3", _utc(12, 9), _utc(12, 9, 45), None),
    SampleTicket("A-4", "P4", _utc(13, 14), None, _utc(14, 11)),
]


def _figures(body: dict[str, Any]) -> dict[str, Any]:
    return {p: {k: v[k] for k in _COUNTS} for p, v in body["priorities"].items()}


@pytest.mark.parametrize("preset", sorted(STYLES))
def test_each_preset_reads_its_own_sample_export(
    preset: str, agreement: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    canonical = write_export(tmp_path / "canonical.csv", SAMPLE, "canonical")
    export = write_export(tmp_path / f"{preset}.csv", SAMPLE, preset)
    common = [str(agreement), "--period", "2027-01", "--as-of", AS_OF]
    if preset == "jira":  # Jira exports no response time: the comparison counts none
        common.append("--no-response-column")
    _, expected = run_json(capsys, *common, "--tickets", str(canonical))
    args = [*common, "--tickets", str(export), "--date-order", STYLES[preset].date_order]
    if preset != "canonical":
        args += ["--preset", preset]
    code, body = run_json(capsys, *args)
    assert code == 0 and body["rejected_rows"] == []
    assert _figures(body) == _figures(expected)
    assert _figures(body)["P2"]["response_breached"] == 1
    assert body["priorities"]["P3"]["resolution_breached"] == 1  # still open, long overdue
    assert body["priorities"]["P4"]["response_met"] == 1  # answered on resolution


def test_a_preset_with_the_wrong_export_names_the_missing_columns(
    agreement: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    export = write_export(tmp_path / "zendesk.csv", SAMPLE, "zendesk")
    args = ["report", str(agreement), "--tickets", str(export), "--period", "2027-01"]
    assert main([*args, "--preset", "autotask", "--json"]) == 2
    err = capsys.readouterr().err
    assert "no column 'Autotask Ticket Number', 'Create Date/Time'" in err
    assert "named by preset 'autotask'; the columns are 'ID', 'Priority', 'Created at'" in err


def test_a_mapping_file_describes_any_other_export(
    agreement: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    export = tmp_path / "desk.csv"
    export.write_text(
        "Ref,Sev,Opened,First touch,Fixed\n"
        "R1,Sev 1,01/05/2027 10:00,01/05/2027 10:20,01/05/2027 13:00\n"
        "R2,Sev 2,01/08/2027 16:00,01/08/2027 17:30,01/11/2027 12:00\n"
        "R3,Sev 7,01/08/2027 16:00,,\n",
        encoding="utf-8",
    )
    mapping = tmp_path / "desk.yaml"
    mapping.write_text(
        "tickets:\n  id: Ref\n  priority: Sev\n  created: Opened\n  responded: First touch\n"
        "  resolved: Fixed\ndate_order: month-first\n",
        encoding="utf-8",
    )
    code, body = run_json(
        capsys, str(agreement), "--tickets", str(export), "--mapping", str(mapping),
        "--period", "2027-01", "--as-of", AS_OF,
    )  # fmt: skip
    assert code == 1
    assert body["priorities"]["P1"]["response_met"] == 1
    assert body["priorities"]["P2"]["response_breached"] == 1
    assert body["rejected_rows"][0]["reason"].startswith("Sev: unknown priority 'Sev 7'")
    mapping.write_text("tickets:\n  identifier: Ref\n", encoding="utf-8")
    assert main(["report", str(agreement), "--tickets", str(export), "--mapping",
                 str(mapping), "--period", "2027-01"]) == 2  # fmt: skip
    assert "tickets.identifier: unknown field" in capsys.readouterr().err


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_encodings(
    encoding: str, agreement: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    export = tmp_path / "t.csv"
    export.write_text(export_text(SAMPLE, "canonical"), encoding=encoding, newline="")
    code, body = run_json(
        capsys, str(agreement), "--tickets", str(export), "--period", "2027-01", "--as-of", AS_OF
    )
    assert code == 0
    breaches = body["priorities"]["P3"]["breaches"]
    assert [b["id"] for b in breaches] == ["Café-3"]  # the same text in each encoding
    assert body["tickets_read"] == 4


def test_day_first_and_month_first(
    agreement: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    export = tmp_path / "t.csv"
    export.write_text(
        "id,priority,created,responded,resolved\nX,P1,02/01/2027 10:00,,\n", encoding="utf-8"
    )
    common = [str(agreement), "--tickets", str(export), "--period"]
    _, body = run_json(capsys, *common, "2027-01", "--date-order", "day-first", "--as-of", AS_OF)
    assert body["priorities"]["P1"]["tickets"] == 1  # 2 January
    _, body = run_json(capsys, *common, "2027-02", "--date-order", "month-first", "--as-of", AS_OF)
    assert body["priorities"]["P1"]["tickets"] == 1  # 1 February


# -- documents -----------------------------------------------------------------------------------


def test_documents_are_written_and_deterministic(
    agreement: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tickets = tmp_path / "tickets.csv"
    tickets.write_text(TICKETS, encoding="utf-8")
    outages = tmp_path / "outages.csv"
    outages.write_text(OUTAGES, encoding="utf-8")
    args = ["report", str(agreement), "--tickets", str(tickets), "--outages", str(outages),
            "--period", "2027-01", "--as-of", AS_OF]  # fmt: skip
    assert main([*args, "--out", str(tmp_path / "a")]) == 1
    out = capsys.readouterr().out
    assert "acme-2027-01.docx" in out and "5 rows could not be used" in out
    assert main([*args, "--out", str(tmp_path / "b")]) == 1
    for ext in ("docx", "md", "html"):
        first = (tmp_path / "a" / f"acme-2027-01.{ext}").read_bytes()
        assert first == (tmp_path / "b" / f"acme-2027-01.{ext}").read_bytes(), ext
    md = (tmp_path / "a" / "acme-2027-01.md").read_text(encoding="utf-8")
    assert "| Email and calendar | 99.9% | 99.731% | 120 | 44.64 | 0 | missed |" in md
    assert "Credits owed: service credits (uptime) £162.50." in md
    assert "## Signatures" not in md
    html = (tmp_path / "a" / "acme-2027-01.html").read_text(encoding="utf-8")
    assert html.count('src="data:image/png;base64,') == 2
    assert "unknown priority &#x27;P9&#x27;" in html
    with zipfile.ZipFile(tmp_path / "a" / "acme-2027-01.docx") as docx:
        media = [n for n in docx.namelist() if n.startswith("word/media/")]
        body = docx.read("word/document.xml").decode("utf-8")
    assert len([m for m in media if m.endswith(".png")]) >= 2
    assert "Service Level Report" in body and "Signed for and on behalf of" not in body


def test_html_escapes_everything_from_the_input(
    agreement: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tickets = tmp_path / "tickets.csv"
    tickets.write_text(
        'id,priority,created,responded\n"<script>alert(1)</script>",P1,2027-01-05 10:00,\n'
        '"x",<b>P1</b>,2027-01-05 10:00,\n',
        encoding="utf-8",
    )
    assert main(["report", str(agreement), "--tickets", str(tickets), "--period", "2027-01",
                 "--as-of", AS_OF, "--out", str(tmp_path), "--format", "html"]) == 1  # fmt: skip
    html = (tmp_path / "acme-2027-01.html").read_text(encoding="utf-8")
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;b&gt;P1&lt;/b&gt;" in html


@pytest.mark.libreoffice
def test_libreoffice_opens_the_word_report(
    agreement: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    soffice = need_tool("soffice", "libreoffice")
    tickets = tmp_path / "tickets.csv"
    tickets.write_text(TICKETS, encoding="utf-8")
    outages = tmp_path / "outages.csv"
    outages.write_text(OUTAGES, encoding="utf-8")
    main(["report", str(agreement), "--tickets", str(tickets), "--outages", str(outages),
          "--period", "2027-01", "--as-of", AS_OF, "--out", str(tmp_path), "--format",
          "docx"])  # fmt: skip
    subprocess.run(
        [soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo",
         "--convert-to", "txt:Text", "--outdir", str(tmp_path / "txt"),
         str(tmp_path / "acme-2027-01.docx")],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    text = (tmp_path / "txt" / "acme-2027-01.txt").read_text(encoding="utf-8-sig")
    assert "Service Level Report" in text and "January 2027" in text
    assert "Response targets met: 3 of 6 (50.0%)." in text
    assert "Credits owed: service credits (uptime) £162.50." in text
    assert "unknown priority 'P9'" in text
