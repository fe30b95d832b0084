"""Leftovers of an MSP manager's review of report (issue 13).

Every export here is typed in by hand. The agreement is the one ``agreement`` pins
(tests/test_measure_report.py: Europe/London, mon-fri 08:30-17:30, P1 30m / 4h on 24x7,
P2 1h / 8h); the tickets are tests/fixtures/month13/tickets.csv (A1..A7, January 2027).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.test_measure_report import agreement, run_json  # noqa: F401

MONTH = Path(__file__).parent / "fixtures" / "month13"
AS_OF = "2027-01-20T12:00"


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def _run(capsys: pytest.CaptureFixture[str], agreement: Path, *extra: str) -> Any:  # noqa: F811
    return run_json(
        capsys, str(agreement), "--tickets", str(MONTH / "tickets.csv"), "--period", "2027-01",
        "--as-of", AS_OF, *extra,
    )  # fmt: skip


# -- 1: history and updates rows numbered by physical line ---------------------------------------


def test_history_messages_give_the_physical_line_after_a_multi_line_reason(
    agreement: Path,  # noqa: F811
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    history = _write(
        tmp_path,
        "history.csv",
        "ticket_id,time,field,from,to,reason\n"
        'A3,2027-01-07 10:00,priority,P3,P1,"Customer rang:\nwhole office down"\n'
        "ZZ9,2027-01-07 10:00,status,Open,Pending,\n"
        "A2,2027-01-07 09:00,status,Open,Awaiting parts,\n",
    )
    code, body = _run(capsys, agreement, "--status-history", str(history))
    assert code == 1
    # The A3 record takes lines 2 and 3: ZZ9 is on line 4, 'Awaiting parts' on line 5 (the
    # bug said 3 and 4, the record numbers).
    assert [(r["line"], r["reason"].split(":")[0]) for r in body["rejected_rows"]] == [
        (4, "ticket_id"),
    ]
    [note] = [n for n in body["notes"] if "unknown status" in n]
    assert "'Awaiting parts' (line 5)" in note


def test_updates_rows_left_out_give_the_physical_line(
    agreement: Path,  # noqa: F811
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    updates = _write(
        tmp_path,
        "updates.csv",
        "ticket_id,time,public,author_type,body\n"
        'A1,2027-01-05 09:40,true,agent,"Hello,\n\nwe are on it.\nRegards"\n'
        "A1,2027-01-05 10:00,perhaps,agent,x\n",
    )
    code, body = _run(capsys, agreement, "--updates", str(updates))
    assert code == 1
    # The first update takes lines 2 to 5: the second is on line 6 (the bug said 3).
    assert [(r["line"], r["reason"]) for r in body["rejected_rows"]] == [
        (6, "public: 'perhaps' is not true or false"),
    ]


# -- 5: --compare's figures carry their units -------------------------------------------------


def test_compare_shows_the_desks_minutes_with_their_unit(
    agreement: Path,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
) -> None:
    from slawriter.cli import main

    fixtures = Path(__file__).parent / "fixtures" / "compare"
    code = main(["report", str(agreement), "--tickets", str(fixtures / "zendesk-sla.csv"),
                 "--preset", "zendesk", "--period", "2027-01", "--as-of", "2027-02-01T12:00",
                 "--compare", "--json"])  # fmt: skip
    captured = capsys.readouterr()
    assert code == 0, captured.err
    # 201 (P2, 1h): Zendesk's own 480 business minutes (it has no New Year's Day) against the
    # contract's 30 minutes (the bug printed "helpdesk breached (480)").
    assert (
        "201 (P2 response): helpdesk: breached (480 minutes), contract: met (30m of 1h 00m): "
        "holiday: New Year's Day (2027-01-01)" in captured.err
    )
    import json

    [item] = json.loads(captured.out)["comparison"]["disagreements"]
    assert (item["desk_value"], item["desk_shown"]) == ("480", "480 minutes")


# -- 2: a missing provider logo does not stop a report ---------------------------------------


def test_a_missing_logo_is_a_warning_for_a_report(
    agreement: Path,  # noqa: F811
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from slawriter.cli import main

    (agreement.parent / "northwind-logo.png").unlink()
    out = tmp_path / "out"
    code = main(["report", str(agreement), "--tickets", str(MONTH / "tickets.csv"),
                 "--period", "2027-01", "--as-of", AS_OF, "--out", str(out),
                 "--format", "md,docx"])  # fmt: skip
    err = capsys.readouterr().err
    assert code == 0, err  # the figures are whole: the logo only decorated the document
    assert (out / "acme-2027-01.md").is_file() and (out / "acme-2027-01.docx").is_file()
    assert "Warning: " in err and "provider.yaml: logo 'northwind-logo.png' not found at" in err
    assert "left out (the logo only decorates the document" in err


def test_a_missing_logo_does_not_block_the_portfolio(
    agreement: Path,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
) -> None:
    import json

    from slawriter.cli import main

    (agreement.parent / "northwind-logo.png").unlink()
    (agreement.parent / "acme-tickets.csv").write_text(
        (MONTH / "tickets.csv").read_text(encoding="utf-8"), encoding="utf-8"
    )
    code = main(["report", "--portfolio", str(agreement.parent), "--period", "2027-01",
                 "--as-of", AS_OF, "--json"])  # fmt: skip
    captured = capsys.readouterr()
    assert code == 0, captured.err
    [row] = json.loads(captured.out)["agreements"]
    assert row["agreement"].endswith("acme.yaml") and row["owed"] is not None
    assert "acme.yaml: " in captured.err
    assert "logo 'northwind-logo.png' not found" in captured.err


def test_a_missing_logo_still_stops_the_agreement_document(
    agreement: Path,  # noqa: F811
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from slawriter.cli import main

    (agreement.parent / "northwind-logo.png").unlink()
    code = main(["render", str(agreement), "--out", str(tmp_path / "doc"), "--format", "md"])
    assert code == 2
    assert "logo 'northwind-logo.png' not found" in capsys.readouterr().err


# -- 4: one rendering of the as-of time everywhere -------------------------------------------------


def _docx_text(path: Path) -> str:
    from docx import Document

    document = Document(str(path))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


@pytest.mark.parametrize("as_of", ["2027-02-01T12:00Z", "2027-02-01T17:00+05:00"])
def test_the_as_of_time_reads_the_same_in_every_output(
    agreement: Path,  # noqa: F811
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    as_of: str,
) -> None:
    import html
    import json

    from slawriter.cli import main

    out = tmp_path / "out"
    code = main(["report", str(agreement), "--tickets", str(MONTH / "tickets.csv"),
                 "--period", "2027-01", "--as-of", as_of, "--out", str(out),
                 "--format", "md,html,docx", "--json"])  # fmt: skip
    captured = capsys.readouterr()
    assert code == 0, captured.err
    # The same instant, in the agreement's zone (Europe/London, GMT in February): the bug
    # wrote "UTC" (or "+05:00") in the documents and "GMT" where the time was read locally.
    shown = "1 February 2027 12:00 GMT"
    outputs = {
        "md": (out / "acme-2027-01.md").read_text(encoding="utf-8"),
        "html": html.unescape((out / "acme-2027-01.html").read_text(encoding="utf-8")),
        "docx": _docx_text(out / "acme-2027-01.docx"),
        "terminal": captured.err,
    }
    for name, text in outputs.items():
        assert shown in text, name
        assert "UTC" not in text and "+05" not in text, name
    assert json.loads(captured.out)["as_of"] == "2027-02-01T12:00:00+00:00"
    assert f"measured, as of {shown}" in captured.err


# -- 3: Zendesk's own words: the status Hold, the author end-user ----------------------------------


ZENDESK_TICKETS = (
    "ID,Subject,Priority,Group,Created at,Solved at,First reply time in minutes\n"
    "101,Mail down,High,Email,2027-01-05 09:00,2027-01-05 15:00,40\n"
)


def test_zendesk_hold_runs_the_clock_and_end_user_is_the_customer(
    agreement: Path,  # noqa: F811
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    tickets = _write(tmp_path, "zendesk.csv", ZENDESK_TICKETS)
    # Zendesk's API words, lower case: hold (On-hold: waiting on a third party) and pending.
    history = _write(
        tmp_path,
        "history.csv",
        "ticket_id,time,field,from,to\n"
        "101,2027-01-05 10:00,status,open,hold\n"
        "101,2027-01-05 11:00,status,hold,pending\n"
        "101,2027-01-05 12:00,status,pending,open\n",
    )
    updates = _write(
        tmp_path,
        "updates.csv",
        "ticket_id,time,public,author_type\n"
        "101,2027-01-05 09:40,true,agent\n"
        "101,2027-01-05 10:30,true,end-user\n"
        "101,2027-01-05 12:30,true,admin\n",
    )
    code, body = run_json(
        capsys, str(agreement), "--tickets", str(tickets), "--preset", "zendesk",
        "--period", "2027-01", "--as-of", AS_OF, "--status-history", str(history),
        "--updates", str(updates),
    )  # fmt: skip
    # The bug: 'hold' was an unknown status (a warning, exit 1) and 'end-user' a row left out.
    assert body["rejected_rows"] == []
    assert not [n for n in body["notes"] if "unknown status" in n]
    assert code == 0
    # 101, High = P2 (8h on business hours): 09:00 -> 15:00 = 6h less Pending 11:00-12:00 =
    # 5h; Hold 10:00-11:00 does not pause (pausing it too would give 4h).
    assert body["priorities"]["P2"]["resolution_median_s"] == 5 * 3600
    # Updates: the agent's and the admin's count; the end-user's is the customer's.
    assert body["updates"]["counted"] == 2
    assert body["updates"]["not_counted"]["customer"] == 1
