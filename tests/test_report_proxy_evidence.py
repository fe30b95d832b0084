"""report: a response measured by proxy (--no-response-column), stale evidence, evidence figures.

Every export is typed in by hand below. The agreement is ``agreement`` of test_measure_report
(Europe/London, mon-fri 08:30-17:30, public holidays GB-ENG; P1 30m / 4h on 24x7, P2 1h / 8h on
business hours; email 99.9% all-time, fee 850; tiers 5% below 99.9, 10% below 99.5; cap 50)
with credits for missed targets added here: per-breach, P1 response 1% and resolution 2%, P2
response 0.5% and resolution 1%, at most 10%, of email's £850. Figures worked out by hand in
the comments.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from slawriter.cli import main
from tests.conftest import EXAMPLES
from tests.test_measure_report import agreement  # noqa: F401

# Jira's CSV headings and its default dd/MMM/yy h:mm a dates (issue 13); JSM's SLA columns hold
# the time left, negative once breached.
JIRA = (
    "Summary,Issue key,Priority,Component/s,Created,Resolved,"
    "Custom field (Time to first response),Custom field (Time to resolution)\n"
    # P1 on 24x7: 10:00 to 13:00 = 180 minutes; resolution (4h) met. Desk: response 10m left.
    "Mail down,SD-11,Highest,Email,05/Jan/27 10:00 AM,05/Jan/27 1:00 PM,10m,1h\n"
    # P2, Tue 5 Jan 09:00 to 15:00 = 360 business minutes; resolution (8h) met.
    "Printing,SD-12,High,Desktop,05/Jan/27 9:00 AM,05/Jan/27 3:00 PM,30m,2h\n"
    # P2, Wed 6 Jan 09:00-17:30 (510) + Thu 7 Jan 08:30-11:30 (180) = 690 > 480: breached,
    # and the desk agrees (8h + 3h 30m = 690 minutes).
    "Files slow,SD-13,High,Files,06/Jan/27 9:00 AM,07/Jan/27 11:30 AM,45m,-3h 30m\n"
)
AS_OF = "2027-02-05T12:00"


def _targets(path: Path) -> Path:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["credits"]["targets"] = {
        "basis": "per-breach",
        "priorities": {
            "P1": {"response": 1, "resolution": 2},
            "P2": {"response": 0.5, "resolution": 1},
        },
        "cap": 10,
        "service": "email",
    }
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def _evidence(out: Path) -> list[dict[str, str]]:
    text = (out / "acme-2027-01-evidence.csv").read_bytes().decode("utf-8")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def _run(*args: str) -> int:
    return main(["report", *args, "--period", "2027-01", "--as-of", AS_OF, "--format", "md"])


def test_a_response_by_proxy_earns_no_credit_and_compare_weighs_the_desk(
    agreement: Path,  # noqa: F811
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _targets(agreement)
    tickets = tmp_path / "jira.csv"
    tickets.write_text(JIRA, encoding="utf-8")
    out = tmp_path / "out"
    code = _run(str(agreement), "--tickets", str(tickets), "--preset", "jira",
                "--no-response-column", "--compare", "--out", str(out), "--json")  # fmt: skip
    captured = capsys.readouterr()
    assert code == 0, captured.err
    body: dict[str, Any] = json.loads(captured.out)
    # The proxy makes all three responses breaches (180 > 30, 360 > 60, 690 > 60): charged, that
    # was 1 + 0.5 + 0.5 + 1 (SD-13's resolution) = 3% = £25.50. Only the resolution counts: 1% of
    # £850 = £8.50.
    assert (body["target_credit"]["percent"], body["target_credit"]["credit"]) == (0.01, 8.5)
    assert body["response_by_proxy"] is True
    assert body["read_with"] == "preset 'jira'"
    assert body["credits_owed"]["target"] == 8.5
    # --compare now weighs every response against Jira's time-to-first-response column.
    comparison = body["comparison"]
    assert (comparison["compared"], comparison["agreed"]) == (6, 3)
    found = {(d["id"], d["target"], d["rule"]) for d in comparison["disagreements"]}
    assert found == {(t, "response", "no response time") for t in ("SD-11", "SD-12", "SD-13")}
    [sd11] = [d for d in comparison["disagreements"] if d["id"] == "SD-11"]
    assert (
        "the helpdesk's own verdict (20m of 30m, met) is the better evidence"
        in (sd11["explanation"])
    )
    assert sd11["desk_business_s"] == 20 * 60
    assert any("--no-response-column" in note for note in comparison["notes"])
    # The evidence lists no response breach, says why, and names the as-of time and preset.
    table = _evidence(out)
    breaches = [(r["item"], r["detail"]) for r in table if r["kind"] == "breach"]
    assert breaches == [("SD-13", "resolution")]
    [note] = [r["detail"] for r in table if r["kind"] == "note"]
    assert note.startswith("No credit is charged for missed Response targets")
    [target] = [r["detail"] for r in table if r["kind"] == "target_credit"]
    assert target == "per-breach: 1% before the cap of 10%, 1% after = £8.50"
    [read_with] = [r["detail"] for r in table if r["kind"] == "read_with"]
    assert read_with.startswith("ticket export read with preset 'jira' (--no-response-column")
    [as_of] = [r["detail"] for r in table if r["kind"] == "as_of"]
    assert as_of.endswith("2027-02-05T12:00:00+00:00")
    # The credits section says so too.
    document = (out / "acme-2027-01.md").read_text(encoding="utf-8")
    assert "No credit is charged for missed Response targets" in document
    record = json.loads((out / "acme-2027-01.slawriter.json").read_text(encoding="utf-8"))
    assert (record["as_of"], record["preset"], record["read_with"]) == (
        "2027-02-05T12:00:00+00:00",
        "jira",
        "preset 'jira'",
    )
    assert record["response_as_resolution"] is True


def test_compare_says_when_it_has_no_response_verdict(
    agreement: Path,  # noqa: F811
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    tickets = tmp_path / "jira.csv"
    lines = JIRA.splitlines()
    # The same export without the time-to-first-response column.
    kept = [",".join(c for i, c in enumerate(line.split(",")) if i != 6) for line in lines]
    tickets.write_text("\n".join(kept) + "\n", encoding="utf-8")
    code = _run(str(agreement), "--tickets", str(tickets), "--preset", "jira",
                "--no-response-column", "--compare", "--out", str(tmp_path / "out"))  # fmt: skip
    printed = capsys.readouterr().out
    assert code == 0
    # Only the three resolutions are compared, and the response targets' absence is said.
    assert "3 targets, 3 agree, 0 disagree" in printed
    assert (
        "Response targets not compared: the export has no column with the helpdesk's own "
        "response verdict"
    ) in printed


OWING = "id,priority,created,responded,resolved,service,paused\n" + (
    # P2 response 2h against 1h: breached, 0.5% of £850 = £4.25.
    "T1,P2,2027-01-05 09:00,2027-01-05 11:00,2027-01-05 12:00,,\n"
)
NOTHING = "id,priority,created,responded,resolved,service,paused\n" + (
    "T1,P2,2027-01-05 09:00,2027-01-05 09:30,2027-01-05 12:00,,\n"
)


def test_stale_evidence_is_removed_unless_edited(
    agreement: Path,  # noqa: F811
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _targets(agreement)
    tickets = tmp_path / "tickets.csv"
    out = tmp_path / "r1"
    names = ("acme-2027-01-evidence.csv", "acme-2027-01-evidence.sha256")
    record_file = out / "acme-2027-01.slawriter.json"

    def run(text: str, *extra: str) -> int:
        tickets.write_text(text, encoding="utf-8")
        return _run(str(agreement), "--tickets", str(tickets), "--out", str(out), *extra)

    assert run(OWING) == 0
    assert all((out / name).exists() for name in names)
    assert "4.25" in (out / names[0]).read_text(encoding="utf-8")
    # Now nothing is owed: the old evidence goes, from the folder and from the record.
    assert run(NOTHING) == 0
    assert not any((out / name).exists() for name in names)
    record = json.loads(record_file.read_text(encoding="utf-8"))
    assert not set(names) & set(record["files"])
    # Evidence someone edited is not removed without --force.
    assert run(OWING) == 0
    (out / names[0]).write_text("edited\n", encoding="utf-8")
    capsys.readouterr()
    assert run(NOTHING) == 3
    assert "Refusing to remove" in capsys.readouterr().err
    assert (out / names[0]).read_text(encoding="utf-8") == "edited\n"
    assert run(NOTHING, "--force") == 0
    assert not any((out / name).exists() for name in names)
    # A file of that name slawriter's record does not claim is not slawriter's to remove.
    (out / names[0]).write_text("mine\n", encoding="utf-8")
    assert run(NOTHING) == 0
    assert (out / names[0]).read_text(encoding="utf-8") == "mine\n"


def test_no_figure_in_the_evidence_is_in_scientific_notation(
    agreement: Path,  # noqa: F811
    tmp_path: Path,
) -> None:
    _targets(agreement)
    tickets = tmp_path / "tickets.csv"
    tickets.write_text(
        "Ref,Sev,Opened,First touch,Fixed\n"
        "T1,P2,2027-01-05 09:00,2027-01-05 11:00,2027-01-05 12:00\n",
        encoding="utf-8",
    )
    mapping = tmp_path / "desk.yaml"
    mapping.write_text(
        "tickets:\n  id: Ref\n  priority: Sev\n  created: Opened\n  responded: First touch\n"
        "  resolved: Fixed\n  service: null\n  paused: null\n",
        encoding="utf-8",
    )
    # Email down 300 minutes of 44,640: uptime 99.3280%, below 99.5 and not 99: the 10% tier
    # (a Decimal that str() prints as 1E+1), £85.00; the target credit's cap is 10% too.
    outages = tmp_path / "outages.csv"
    outages.write_text(
        "service,start,end,planned\nemail,2027-01-12 10:00,2027-01-12 15:00,no\n", "utf-8"
    )
    out = tmp_path / "out"
    assert _run(str(agreement), "--tickets", str(tickets), "--outages", str(outages),
                "--mapping", str(mapping), "--out", str(out)) == 0  # fmt: skip
    table = _evidence(out)
    for row in table:
        for column, cell in row.items():
            assert "E+" not in cell.upper(), (column, cell)
    [service] = [r["detail"] for r in table if r["kind"] == "service_credit"]
    assert service == (
        "uptime 99.3280% against a target of 99.9% on 44,640 basis minutes (all-time); "
        "credit 10% = £85.00"
    )
    [target] = [r["detail"] for r in table if r["kind"] == "target_credit"]
    assert target == "per-breach: 0.5% before the cap of 10%, 0.5% after = £4.25"
    [owed] = [r["detail"] for r in table if r["kind"] == "credits_owed"]
    assert owed == (
        "service credits (uptime) £85.00; target credits (response and resolution) £4.25; "
        "total £89.25"
    )
    # The mapping file decides which column is which: named, and hashed like the exports.
    [read_with] = [r["detail"] for r in table if r["kind"] == "read_with"]
    assert read_with == f"ticket export read with mapping file {mapping}"
    inputs = {r["item"] for r in table if r["kind"] == "input"}
    assert "mapping" in inputs
    record = json.loads((out / "acme-2027-01.slawriter.json").read_text(encoding="utf-8"))
    assert "mapping" in record["inputs"] and record["preset"] is None


def test_the_forecast_charges_no_response_by_proxy(
    agreement: Path,  # noqa: F811
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _targets(agreement)
    tickets = tmp_path / "jira.csv"
    tickets.write_text(JIRA, encoding="utf-8")
    code = main(["report", str(agreement), "--tickets", str(tickets), "--preset", "jira",
                 "--no-response-column", "--period", "2027-01", "--as-of", "2027-01-11T00:00",
                 "--json"])  # fmt: skip
    captured = capsys.readouterr()
    assert code == 0, captured.err
    forecast = json.loads(captured.out)["forecast"]
    # P2's business days in January 2027: 20 (1 January a holiday); 5 of them by 11 January, so
    # f = 1/4 and SD-13's resolution breach projects to 4: 4 x 1% = 4% of £850 = £34.00. With
    # the proxy's responses charged it was P1 3 x 1% (1 / (10/31) = 3.1) + P2 8 x 0.5%: capped 10%.
    assert (forecast["target_credit"]["percent"], forecast["target_credit"]["credit"]) == (
        0.04,
        34.0,
    )


def test_a_ticket_resolved_with_no_response_time_is_said_in_the_method(tmp_path: Path) -> None:
    """The documented rule (answered when resolved) changes a figure, so the report says how
    many tickets it was applied to. Hand-written export: T-2 has no response time."""
    tickets = tmp_path / "tickets.csv"
    tickets.write_text(
        "id,priority,created,responded,resolved,service,paused\n"
        "T-1,P2,2027-01-05 10:00,2027-01-05 10:20,2027-01-05 15:00,files,\n"
        "T-2,P3,2027-01-06 10:00,,2027-01-06 12:00,desktop,\n",
        "utf-8",
    )
    out = tmp_path / "out"
    args = ["report", str(EXAMPLES / "acme-standard.yaml"), "--tickets", str(tickets),
            "--period", "2027-01", "--as-of", "2027-02-05T12:00", "--out", str(out),
            "--format", "md"]  # fmt: skip
    assert main(args) == 0
    text = (out / "acme-standard-2027-01.md").read_text("utf-8")
    assert (
        "1 ticket had no response time in the export: each is counted as answered when it "
        "was resolved." in text
    )


@pytest.mark.parametrize(
    "ids",
    [
        ["T1", "T2", "T3"],  # plain: written from the CSV text at once
        ["=HYPERLINK(1)", "+1", "-2", "@x", "\tt", "Ünïcode", "sp ace", "a\x00b"],
        ["a,b", "T2", "T3"],  # a comma: quoted, as csv.writer quotes it
        ['say "hi"', "line\nbreak", "cr\rhere", None],
    ],
)
@pytest.mark.parametrize("source", ["tickets.csv", "tickets%20jan.csv", "t 100%.csv", "t%%s.csv"])
def test_breach_rows_are_the_text_csv_writer_writes(ids: list[object], source: str) -> None:
    """The evidence's breach rows, however they are made, are exactly what csv.writer
    writes for the neutralised cells (formula characters get a leading ')."""
    import numpy as np

    from slawriter.measure.evidence import _breach_rows, _Minutes, neutralise
    from slawriter.measure.report import BreachTable

    size = len(ids)
    table = BreachTable(
        np.asarray(ids, dtype=object),
        np.arange(2, 2 + size, dtype=np.int64),
        np.asarray(["response", "resolution", "update"] * size, dtype=object)[:size],
        np.linspace(60.0, 7260.5, size),
        np.full(size, 3600, dtype=np.int64),
        np.arange(size) % 2 == 0,
    )
    if ids[0] == "a,b":
        source = "t,ickets.csv"  # a file name needing quotes
    made = _breach_rows(table, {"response", "resolution"}, "2027-01", "P1", source, _Minutes())
    minutes = _Minutes()
    expected_rows = [
        ["breach", "2027-01", "", "P1", neutralise(i), source, str(line), "", "", "",
         minutes(spent), minutes(limit), target + (" (still open at the as-of time)" if still
                                                    else "")]
        for i, line, target, spent, limit, still in zip(
            ids, table.lines.tolist(), table.targets.tolist(), table.business_s.tolist(),
            table.target_s.tolist(), table.still_open.tolist(), strict=True,
        )
        if target != "update"
    ]  # fmt: skip
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(expected_rows)
    plain = all(isinstance(i, str) and not any(c in i for c in ',"\r\n') for i in ids)
    plain = plain and "," not in source
    assert isinstance(made, str) == plain
    text = made if isinstance(made, str) else _written(made)
    assert text == buffer.getvalue()


def _written(rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue()
