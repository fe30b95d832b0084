"""A hand-written month with status history, a priority change of each kind and updates.

tests/fixtures/month13/ was typed in by hand (not by slawriter.measure.samples). The
agreement is the one ``agreement`` pins: Europe/London, business hours mon-fri 08:30-17:30
(GB-ENG holidays); P1 30m / 4h / update 1h on 24x7, P2 1h / 8h / 2h, P3 4h / 2 business days
(18h) / 1 business day (9h), P4 1 business day (9h) / 5 business days / 2 business days.
As of Wed 20 Jan 2027 12:00.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from slawriter.measure.run import NO_OUTAGE_LOG
from tests.test_measure_report import agreement, run_json  # noqa: F401

MONTH = Path(__file__).parent / "fixtures" / "month13"
AS_OF = "2027-01-20T12:00"


def _run(capsys: pytest.CaptureFixture[str], agreement: Path, *extra: str) -> Any:  # noqa: F811
    return run_json(
        capsys, str(agreement), "--tickets", str(MONTH / "tickets.csv"), "--period", "2027-01",
        "--as-of", AS_OF, *extra,
    )  # fmt: skip


def _full(capsys: pytest.CaptureFixture[str], agreement: Path, *extra: str) -> Any:  # noqa: F811
    return _run(capsys, agreement, "--status-history", str(MONTH / "history.csv"),
                "--updates", str(MONTH / "updates.csv"), *extra)  # fmt: skip


def _row(body: dict[str, Any], pid: str, *keys: str) -> tuple[Any, ...]:
    return tuple(body["priorities"][pid][k] for k in keys)


RESPONSE = ("response_met", "response_breached", "response_open")
RESOLUTION = ("resolution_met", "resolution_breached", "open")
UPDATE = ("update_met", "update_breached", "update_open")


def test_month_with_history_and_updates(
    agreement: Path,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, body = _full(capsys, agreement)
    assert code == 0
    # A7 was logged on 25 Jan, after the as-of time: not counted (it used to count as open).
    assert body["tickets_after_as_of"] == 1
    # Tickets by the priority they ended at: A3 P1; A1, A4 P2; A2, A5 P3; A6 P4.
    assert [body["priorities"][p]["tickets"] for p in ("P1", "P2", "P3", "P4")] == [1, 2, 2, 1]
    # Responses. A1 P2 09:00->09:40 = 40m <= 1h met. A2: the 10:05 reply was a system one
    # (responded_by), so its Response is the first public agent update, 14:00: 10:00->14:00 =
    # 4h <= 4h met (exactly). A3 answered 09:50, before its raise at 10:00: measured at P3
    # from logging, 50m met. A4 disputed P1->P2: P2 from logging, 45m <= 1h met (at P1, 45m >
    # 30m would breach). A5 P2 30m met. A6 P4 unanswered: Wed 13 09:00-17:30 8h30 + Thu
    # 08:30-09:00 30m, then Pending until the as-of time = 9h <= 9h: still open.
    assert _row(body, "P1", *RESPONSE) == (0, 0, 0)
    assert _row(body, "P2", *RESPONSE) == (3, 0, 0)  # A1, A4, A5
    assert _row(body, "P3", *RESPONSE) == (2, 0, 0)  # A2, A3
    assert _row(body, "P4", *RESPONSE) == (0, 0, 1)  # A6
    # Resolutions. A1: 09:00->15:00 = 6h less Pending 10:00-11:00 (On-hold 11:00-12:00 does
    # not pause: the clause pauses only while waiting on the Customer) = 5h <= 8h met.
    # A2: Wed 10:00-17:30 7h30 + Thu 9h + Fri 08:30-12:00 3h30 = 20h less Waiting for customer
    # Thu 09:00-11:30 2h30 = 17h30 <= 18h met. A3 raised to P1 at 10:00: P1 (24x7) from the
    # change, 10:00->13:30 = 3h30 <= 4h met (from logging it would be 4h30, a breach).
    # A4 disputed: P2 from logging, 09:00->16:00 = 7h <= 8h met.
    # A5 workaround at Tue 12 13:00: P2's resolution met then, 09:00->13:00 = 4h <= 8h; the
    # permanent fix at P3 from 13:00: Tue 4h30 + Wed 9h + Thu 08:30-12:00 3h30 = 17h <= 18h.
    assert _row(body, "P1", *RESOLUTION) == (1, 0, 0)  # A3
    assert _row(body, "P2", *RESOLUTION) == (3, 0, 0)  # A1, A4, A5 (workaround)
    assert _row(body, "P3", *RESOLUTION) == (2, 0, 0)  # A2, A5 (permanent fix)
    assert _row(body, "P4", *RESOLUTION) == (0, 0, 1)  # A6: 9h of 45h, paused
    assert body["priorities"]["P1"]["resolution_median_s"] == 3.5 * 3600
    assert body["priorities"]["P3"]["resolution_median_s"] == 17 * 3600  # 17h, 17h30
    # Updates (public, by an agent; private, customer and system rows do not count).
    # A1 (P2, 2h): 09:00->09:40 40m; 09:40->13:30 = 3h50 less Pending 1h = 2h50 > 2h BREACH.
    # A2 (P3, 9h): 10:00->14:00 4h; Wed 14:00->Thu 16:00 = 3h30 + 7h30 - 2h30 paused = 8h30;
    # Thu 16:00->Fri 12:00 = 1h30 + 3h30 = 5h: met.
    # A3: P3 until 10:00 (50m, 10m), then P1 1h on 24x7: 10:00->11:00 1h met, 11:00->12:30
    # 1h30 BREACH, 12:30->13:30 1h.
    # A4 (P2 from logging): 45m, 1h45, 2h, 2h, 30m: met. A5: at P2 30m, 1h30, 2h; at P3 from
    # 13:00: Tue 4h30 + Wed 3h30 = 8h, Wed 12:00->Thu 12:00 = 5h30 + 3h30 = 9h: met.
    # A6 (P4, 18h): no update yet, 9h used (paused since Thu 09:00): open.
    assert _row(body, "P1", *UPDATE) == (0, 1, 0)
    assert _row(body, "P2", *UPDATE) == (1, 1, 0)
    assert _row(body, "P3", *UPDATE) == (2, 0, 0)
    assert _row(body, "P4", *UPDATE) == (0, 0, 1)
    breaches = [(b["id"], b["target"], b["business_s"], b["target_s"])
                for p in body["priorities"].values() for b in p["breaches"]]  # fmt: skip
    assert breaches == [("A3", "update", 5400, 3600), ("A1", "update", 10200, 7200)]
    assert body["updates"]["not_counted"] == {"private": 1, "customer": 1, "system": 1}
    assert body["response_authors"] == {"column": "responded_by", "automatic_not_counted": 1}
    changes = {c["id"]: (c["changes"][0]["rule"], c["measured_at"])
               for c in body["priority_changes"]}  # fmt: skip
    assert changes == {
        "A3": ("raised", {"response": ["P3"], "resolution": ["P1"]}),
        "A4": ("dispute", {"response": ["P2"], "resolution": ["P2"]}),
        "A5": ("workaround", {"response": ["P2"], "resolution": ["P2", "P3"]}),
    }
    services = body["tickets_by_service"]
    # printing is not a service of the agreement: reported on its own, marked so.
    assert list(services) == ["desktop", "email", "files", "remote-access", "printing"]
    assert services["printing"]["in_agreement"] is False
    assert (services["email"]["tickets"], services["email"]["response_met"]) == (2, 2)
    assert services["email"]["resolution_median_s"] == 3.5 * 3600  # A1 5h, A3 3h30


def test_on_hold_pauses_only_when_asked(
    agreement: Path,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
) -> None:
    # With On-hold pausing too, A1's 09:40->13:30 gap is 3h50 - 2h = 1h50 <= 2h: met.
    code, body = _full(
        capsys, agreement, "--pause-statuses", "Pending,On-hold,Waiting for customer"
    )
    assert code == 0
    assert _row(body, "P2", *UPDATE) == (2, 0, 0)
    assert body["status_history"]["pause_statuses"] == [
        "Pending",
        "On-hold",
        "Waiting for customer",
    ]


def test_without_history_and_updates(
    agreement: Path,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, body = _run(capsys, agreement)
    assert code == 0
    # A3 is now P1 from logging: resolution 09:00->13:30 = 4h30 > 4h, breached; its
    # response 50m > 30m, breached too. A2's system reply does not count and there is no
    # update file: counted as answered when resolved (Fri 12:00, 20h > 4h: breached).
    assert _row(body, "P1", "response_breached", "resolution_breached") == (1, 1)
    assert _row(body, "P3", "response_breached") == (1,)
    assert body["updates"] is None and body["status_history"] is None
    assert body["tickets_after_as_of"] == 1


def test_export_that_cannot_tell_automatic_replies_says_so(
    agreement: Path,  # noqa: F811
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    lines = (MONTH / "tickets.csv").read_text(encoding="utf-8").splitlines()
    plain = tmp_path / "plain.csv"
    plain.write_text("\n".join(line.rsplit(",", 1)[0] for line in lines) + "\n", encoding="utf-8")
    _, body = run_json(capsys, str(agreement), "--tickets", str(plain), "--period",
                          "2027-01", "--as-of", AS_OF, "--out", str(tmp_path),
                          "--format", "md")  # fmt: skip
    assert body["response_authors"] == {"column": None, "automatic_not_counted": 0}
    md = (tmp_path / "acme-2027-01.md").read_text(encoding="utf-8")
    assert "cannot tell an automatic acknowledgement" in md


def test_bad_history_rows_are_listed(
    agreement: Path,  # noqa: F811
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    history = tmp_path / "history.csv"
    history.write_text(
        "ticket_id,time,field,from,to\n"
        "A1,2027-01-05 10:00,status,Open,Pending\n"
        "ZZ9,2027-01-05 10:00,status,Open,Pending\n"
        "A1,yesterday,status,Pending,Open\n"
        "A2,2027-01-07 09:00,status,Open,Awaiting parts\n"
        "A3,2027-01-07 10:00,priority,P3,P7\n"
        "A3,2027-01-07 10:00,colour,red,blue\n",
        encoding="utf-8",
    )
    code, body = _run(capsys, agreement, "--status-history", str(history))
    assert code == 1
    assert [(r["file"].endswith("history.csv"), r["line"], r["reason"])
            for r in body["rejected_rows"]] == [
        (True, 3, "ticket_id: no ticket 'ZZ9' in tests/fixtures/month13/tickets.csv (or its "
                  "row there was not used)"),
        (True, 4, "time: 'yesterday' is not a date and time (expected a date and time such as "
                  "2027-01-05 09:30 or 05/01/2027 09:30 (day-first))"),
        (True, 6, "to: unknown priority 'P7' (the agreement has P1, P2, P3, P4)"),
        (True, 7, "field: 'colour' is not status or priority"),
    ]  # fmt: skip
    [note] = [n for n in body["notes"] if n != NO_OUTAGE_LOG]
    assert "unknown status in 'from'/'to': 'Awaiting parts' (line 5)" in note
    assert note.startswith("Warning:")


def test_history_without_a_needed_column_is_exit_2(
    agreement: Path,  # noqa: F811
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from slawriter.cli import main

    history = tmp_path / "history.csv"
    history.write_text("ticket_id,time,to\nA1,2027-01-05 10:00,Pending\n", encoding="utf-8")
    code = main(["report", str(agreement), "--tickets", str(MONTH / "tickets.csv"),
                 "--period", "2027-01", "--as-of", AS_OF, "--status-history", str(history),
                 "--json"])  # fmt: skip
    assert code == 2
    assert "no column 'from'" in capsys.readouterr().err


def test_what_the_customer_reads_without_an_outage_log(
    agreement: Path,  # noqa: F811
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """An MSP manager's trial of the month: no outage log, so no uptime figure is known and
    none may read as 0 (credits, forecast, chart); the history is named by its file name,
    not the operator's folder; A7 (logged after the as-of time) is said to be left out; the
    method is named in words, not by numpy's parameter."""
    code, body = _full(capsys, agreement, "--out", str(tmp_path / "out"), "--format", "md")
    assert code == 0
    text = next((tmp_path / "out").glob("*.md")).read_text(encoding="utf-8")
    assert "Credits owed: service credits (uptime) not measured (no outage log was given)" in text
    assert "service credits (uptime) £0.00" not in text
    assert "| Total service credits (uptime) |   |   |   |   | not measured |" in text
    assert "No downtime chart: availability was not measured." in text
    assert "Downtime against allowed downtime" not in text
    forecast = body["forecast"]
    assert forecast["services"] == {} and forecast["uptime_measured"] is False
    assert "Credits at risk for January 2027: service credits (uptime) not measured" in text
    assert "Pauses come from the status history (history.csv): the clock pauses" in text
    assert str(MONTH) not in text
    assert (
        "Every row of the input files could be read; 1 ticket logged after the as-of time "
        "is not measured." in text
    )
    assert "numpy" not in text and "nearest-rank method" in text
    assert "(--outages)" not in text


def test_charts_name_priorities_and_services_as_the_tables_do_and_say_n_a(
    agreement: Path,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The charts' labels are the tables' ('P1 Critical', 'Email and calendar'), and a
    target nothing was decided for yet shows 'n/a', not an empty slot that reads as 0%."""
    from datetime import datetime

    from slawriter.library import Library
    from slawriter.measure import charts
    from slawriter.measure.run import measure_files

    measured = measure_files(
        agreement, Library.locate(None), tickets=MONTH / "tickets.csv", outages=None,
        period="2027-01", as_of=datetime(2027, 1, 20, 12),
        history=MONTH / "history.csv", updates=MONTH / "updates.csv",
    )  # fmt: skip
    drawn: list[tuple[list[str], list[str]]] = []

    def keep(figure: object) -> bytes:
        axes = figure.axes[0]  # type: ignore[attr-defined]
        ticks = [label.get_text() for label in axes.get_xticklabels()]
        drawn.append((ticks, [text.get_text() for text in axes.texts]))
        return b""

    monkeypatch.setattr(charts, "_png", keep)
    months = measured.report.months
    charts.compliance_chart(months)
    charts.downtime_chart(months)
    (ticks, texts), (services, _) = drawn
    assert ticks == ["P1 Critical", "P2 High", "P3 Medium", "P4 Low"]
    # P1 has no response decided (A3 was measured at P3), P4's A6 is open on both targets.
    assert texts == ["n/a", "n/a", "n/a"]
    assert services[0] == "Email and calendar" and "File and print\nservices" in services
