"""report --json writes the breach lists from their columns: the text must be exactly what
json.dumps(report_json(report), ensure_ascii=False) writes, escapes and numbers included."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest

from slawriter.library import Library
from slawriter.measure.report import (
    BreachTable,
    _breaches_parts,
    report_json,
    report_json_text,
)
from slawriter.measure.run import measure_files
from tests.test_measure_report import agreement  # noqa: F401

# Ids an export may hold: quotes, a backslash, non-ASCII, a control character, a tab.
TICKETS = (
    "id,priority,created,responded,resolved,service\n"
    '"Q""1",P1,2027-01-05 09:00,2027-01-05 12:00,2027-01-06 15:00,email\n'
    "Ü-2,P2,2027-01-05 09:00,2027-01-05 13:00,,email\n"
    "back\\slash,P3,2027-01-06 09:00,2027-01-06 09:10,2027-01-20 09:00,files\n"
    '"tab\there",P1,2027-01-07 09:00,2027-01-07 09:05,2027-01-07 10:00,email\n'
    "\x01ctl,P2,2027-01-08 09:00,2027-01-08 11:00,2027-01-09 17:00,email\n"
)


def _report_json(agreement_file: Path, tmp_path: Path) -> tuple[Path, int]:
    """`report --json --out` on the TICKETS export, in this process: (the export, exit code)."""
    from slawriter import cli

    tickets = tmp_path / "tickets.csv"
    tickets.write_text(TICKETS, encoding="utf-8")
    code = cli.main([
        "report", str(agreement_file), "--tickets", str(tickets), "--period", "2027-01",
        "--as-of", "2027-02-05T12:00", "--out", str(tmp_path / "out"), "--format", "md",
        "--json",
    ])  # fmt: skip
    return tickets, code


def _expected_json(agreement_file: Path, tickets: Path) -> bytes:
    """The JSON text of the same report measured in this process, as the command prints it."""
    measured = measure_files(
        agreement_file, Library.locate(None), tickets=tickets, outages=None, period="2027-01",
        as_of=datetime(2027, 2, 5, 12, tzinfo=UTC),
    )  # fmt: skip
    return (report_json_text(measured.report) + "\n").encode("utf-8")


@pytest.mark.parametrize("period", ["2027-01", "2027-Q1"])  # a quarter: lists by month too
def test_the_text_is_json_dumps_of_report_json(
    agreement: Path,  # noqa: F811
    tmp_path: Path,
    period: str,
) -> None:
    tickets = tmp_path / "tickets.csv"
    tickets.write_text(TICKETS, encoding="utf-8")
    measured = measure_files(
        agreement,
        Library.locate(None),
        tickets=tickets,
        outages=None,
        period=period,
        as_of=datetime(2027, 4, 5, 12, tzinfo=UTC),
    )
    report = measured.report
    breaches = sum(len(p.breaches) for p in report.total.priorities.values())
    assert breaches >= 4  # the lists are not all empty
    expected = json.dumps(report_json(report), ensure_ascii=False)
    assert report_json_text(report) == expected
    assert ("by_month" in expected) == (period == "2027-Q1")
    assert '"id": "Q\\"1"' in expected and '"id": "\\u0001ctl"' in expected


def test_numbers_as_the_encoder_writes_them() -> None:
    table = BreachTable(
        np.array(["a", "b", "c", "d", "e", "f"], dtype=object),
        np.array([2, 3, 4, 5, 6, 7], dtype=np.int64),
        np.array(
            ["response", "resolution", "response", "resolution", "update", "response"], dtype=object
        ),
        np.array([1.5, float("nan"), float("inf"), -0.0, 0.0, 1.5], dtype=np.float64),
        np.array([3600, 7200, 60, 0, 0, 3600], dtype=np.int64),
        np.array([False, True, False, True, False, False]),
    )
    assert "".join(_breaches_parts(table)) == json.dumps(table.as_json(), ensure_ascii=False)
    # A table built by hand with other figures than float64: written value by value.
    single = BreachTable(
        table.ids,
        table.lines,
        table.targets,
        table.business_s.astype(np.float32),
        table.target_s,
        table.still_open,
    )
    assert "".join(_breaches_parts(single)) == json.dumps(single.as_json(), ensure_ascii=False)


def test_breach_lists_written_a_part_at_a_time_join_to_the_same_text() -> None:
    ids = np.array([f"T{i}" for i in range(7)], dtype=object)
    table = BreachTable(
        ids,
        np.arange(2, 9, dtype=np.int64),
        np.array(["response", "resolution"] * 3 + ["response"], dtype=object),
        np.array([1.5, 2.0, float("nan"), 4.25, 5.0, 6.0, 7.0], dtype=np.float64),
        np.arange(7, dtype=np.int64) * 60,
        np.array([False, True] * 3 + [False]),
    )
    parts = list(_breaches_parts(table, rows=3))
    assert len(parts) == 5  # "[", three slices of at most three rows, "]"
    assert "".join(parts) == json.dumps(table.as_json(), ensure_ascii=False)
    empty = BreachTable(ids[:0], table.lines[:0], table.targets[:0], table.business_s[:0],
                        table.target_s[:0], table.still_open[:0])  # fmt: skip
    assert list(_breaches_parts(empty)) == ["[", "]"]


@pytest.mark.parametrize("forked", [False, True])
def test_report_json_on_standard_output_is_the_same_written_by_a_second_process(
    agreement: Path,  # noqa: F811
    tmp_path: Path,
    capfdbinary: pytest.CaptureFixture[bytes],
    monkeypatch: pytest.MonkeyPatch,
    forked: bool,
) -> None:
    """A large report's JSON is written by a forked process into a temporary file while the
    documents are made, then copied to standard output: the same bytes as the text."""
    import slawriter.measure.run as run

    if forked:
        monkeypatch.setattr(run, "JSON_AHEAD_TICKETS", 1)
    made: list[object] = []
    original = run.Ahead

    def counting(work: object, fork: bool) -> object:
        made.append(fork)
        return original(work, fork)  # type: ignore[arg-type]

    monkeypatch.setattr(run, "Ahead", counting)
    tickets, code = _report_json(agreement, tmp_path)
    assert code == 0
    written = capfdbinary.readouterr().out
    assert made == ([True] if forked else [])
    assert written == _expected_json(agreement, tickets)
    assert '"id": "Ü-2"' in written.decode("utf-8")


def test_a_json_writer_that_dies_midway_is_replaced_by_this_process(
    agreement: Path,  # noqa: F811
    tmp_path: Path,
    capfdbinary: pytest.CaptureFixture[bytes],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The second process killed after half its text: the report writes it all itself."""
    import os

    import slawriter.measure.run as run

    monkeypatch.setattr(run, "JSON_AHEAD_TICKETS", 1)
    here = os.getpid()
    original = run.write_report_json

    def dying(report: object, sink: object) -> None:
        if os.getpid() != here:  # the forked writer
            sink.write(b'{"half": ')  # type: ignore[attr-defined]
            sink.flush()  # type: ignore[attr-defined]
            os._exit(9)
        original(report, sink)  # type: ignore[arg-type]

    monkeypatch.setattr(run, "write_report_json", dying)
    _, code = _report_json(agreement, tmp_path)
    assert code == 0
    written = capfdbinary.readouterr().out
    assert written.startswith(b'{"agreement": ') and written.endswith(b"]}\n")
    assert json.loads(written)["tickets_read"] == 5


@pytest.mark.parametrize("failing", ["temporary file", "writing it"])
def test_report_json_made_in_memory_when_no_temporary_file_can_be_written(
    agreement: Path,  # noqa: F811
    tmp_path: Path,
    capfdbinary: pytest.CaptureFixture[bytes],
    monkeypatch: pytest.MonkeyPatch,
    failing: str,
) -> None:
    """A full or missing temporary folder costs the parallel JSON, never the JSON."""
    import errno

    import slawriter.measure.run as run

    monkeypatch.setattr(run, "JSON_AHEAD_TICKETS", 1)
    full = OSError(errno.ENOSPC, "No space left on device")
    if failing == "temporary file":

        def no_file() -> object:
            raise full

        monkeypatch.setattr(run.tempfile, "TemporaryFile", no_file)
    else:

        def no_room(report: object, sink: object) -> None:
            raise full

        monkeypatch.setattr(run, "write_report_json", no_room)
    tickets, code = _report_json(agreement, tmp_path)
    assert code == 0
    written = capfdbinary.readouterr().out
    assert written == _expected_json(agreement, tickets)


def _copy_out_of_a_file(tmp_path: Path, text: str) -> None:
    """_copy_out of the JSON in a file, as the second process leaves it (the kernel copies
    it out)."""
    from slawriter.commands.report import _copy_out

    with (tmp_path / "written.json").open("w+b") as handle:
        handle.write(text.encode("utf-8"))
        handle.seek(0)
        _copy_out(handle)


@pytest.mark.parametrize("size", [3_000, 3_000_000])
@pytest.mark.parametrize("source", ["memory", "file"])
def test_json_copied_to_a_reader_that_has_gone_fails_as_writing_its_text_did(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, size: int, source: str
) -> None:
    """`report --json ... | true`: the copy meets the closed pipe as one write of the text
    met it (BrokenPipeError: the command ends quietly), never differently, whether the
    JSON is copied through this process or by the kernel (os.sendfile, from a file)."""
    import io
    import os

    from slawriter.commands.report import _copy_out

    text = '{"a": "' + "x" * size + '"}'
    outcomes = []
    for write in (
        lambda: (
            _copy_out(io.BytesIO(text.encode("utf-8")))
            if source == "memory"
            else _copy_out_of_a_file(tmp_path, text)
        ),
        lambda: sys.stdout.write(text + "\n"),  # as 3935211 wrote it
    ):
        reader, writer = os.pipe()
        os.close(reader)  # the reader has gone
        stream = io.TextIOWrapper(os.fdopen(writer, "wb"), encoding="utf-8")
        monkeypatch.setattr("sys.stdout", stream)
        try:
            write()
            outcomes.append("written")
        except BrokenPipeError:
            outcomes.append("broken pipe")
        finally:
            stream.buffer.raw.close()  # type: ignore[attr-defined]
    assert outcomes[0] == outcomes[1]
    # Small text waits in the stream's buffer (its flush at exit says nothing); large text
    # meets the closed pipe at once.
    assert outcomes[0] == ("written" if size < 8192 else "broken pipe")


def test_json_copied_to_a_stream_that_is_not_utf8_is_written_as_text(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import io

    from slawriter.commands.report import _copy_out

    raw = io.BytesIO()
    stream = io.TextIOWrapper(raw, encoding="latin-1")
    monkeypatch.setattr("sys.stdout", stream)
    _copy_out(io.BytesIO('{"id": "Ü-2"}'.encode()))
    stream.flush()
    assert raw.getvalue() == '{"id": "Ü-2"}\n'.encode("latin-1")


@pytest.mark.parametrize("size", [3_000, 3_000_000])
def test_json_copied_from_a_file_to_a_file_or_a_pipe_is_the_text_and_a_line_end(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, size: int
) -> None:
    """What `report --json > out.json` and `| jq` receive: the same bytes as the text printed,
    after whatever the command printed before it, and nothing after the line end."""
    import io
    import os
    import threading

    text = '{"ü": "' + "x" * size + '"}'
    target = tmp_path / "out.json"
    with target.open("wb") as raw:
        stream = io.TextIOWrapper(raw, encoding="utf-8")
        monkeypatch.setattr("sys.stdout", stream)
        stream.write("before\n")  # still in the stream's buffer: written first
        _copy_out_of_a_file(tmp_path, text)
        stream.flush()
    assert target.read_bytes() == ("before\n" + text + "\n").encode("utf-8")

    reader, writer = os.pipe()
    received: list[bytes] = []

    def drain() -> None:
        with os.fdopen(reader, "rb") as pipe:
            received.append(pipe.read())

    draining = threading.Thread(target=drain)
    draining.start()
    with os.fdopen(writer, "wb") as raw:
        stream = io.TextIOWrapper(raw, encoding="utf-8")
        monkeypatch.setattr("sys.stdout", stream)
        _copy_out_of_a_file(tmp_path, text)
        stream.flush()
    draining.join(timeout=30)
    assert received == [(text + "\n").encode("utf-8")]


# Priority changes an export may hold: an id with a quote and one with an accent, two changes
# on one ticket (raised, then lowered by a Workaround: two resolution stretches), a dispute,
# a change after the as-of time (listed, not applied), a time with seconds and a fraction,
# and one in British Summer Time (+01:00 in the JSON).
CHANGED_TICKETS = (
    "id,priority,created,responded,resolved,service\n"
    '"Q""7",P3,2027-03-01 09:00,2027-03-01 09:20,2027-03-03 12:00,email\n'
    "Ü-8,P2,2027-03-02 09:00,2027-03-02 09:30,2027-03-02 15:00,email\n"
    "plain,P4,2027-03-29 09:00,2027-03-29 09:30,,files\n"
    "late,P3,2027-03-30 09:00,2027-03-30 10:00,,files\n"
)
CHANGED_HISTORY = (
    "ticket_id,time,field,from,to,reason\n"
    '"Q""7",2027-03-01 10:00,priority,P3,P1,impact grew\n'
    '"Q""7",2027-03-01 11:15:30.250000,priority,P1,P2,workaround in place\n'
    "Ü-8,2027-03-02 10:00,priority,P2,P1,disputed by the customer\n"
    "plain,2027-03-29 10:30,priority,P4,P3,more users\n"
    "late,2027-04-20 09:00,priority,P3,P2,impact grew\n"
    "late,2027-03-30 11:00,priority,P3,P2,impact grew\n"
)


def test_priority_changes_are_written_from_their_columns_as_json_dumps_writes_them(
    agreement: Path,  # noqa: F811
    tmp_path: Path,
) -> None:
    from slawriter.measure.report import ChangedTickets, _changes_json, _changes_parts

    tickets, history = tmp_path / "tickets.csv", tmp_path / "history.csv"
    tickets.write_text(CHANGED_TICKETS, encoding="utf-8")
    history.write_text(CHANGED_HISTORY, encoding="utf-8")
    measured = measure_files(
        agreement, Library.locate(None), tickets=tickets, outages=None, period="2027-03",
        as_of=datetime(2027, 4, 5, 12, tzinfo=UTC), history=history,
    )  # fmt: skip
    report = measured.report
    changed = report.changed
    assert isinstance(changed, ChangedTickets) and len(changed) == 4 and changed
    listed = list(changed)
    assert [c.ticket for c in listed] == ['Q"7', "Ü-8", "plain", "late"]  # file order
    assert changed[-1] == listed[3] and changed[1:3] == listed[1:3] and changed[9:] == []
    with pytest.raises(IndexError):
        changed[4]
    first = listed[0]
    assert [(t.isoformat(), a, b, r) for t, a, b, r in first.changes] == [
        ("2027-03-01T10:00:00+00:00", "P3", "P1", "raised"),
        ("2027-03-01T11:15:30.250000+00:00", "P1", "P2", "workaround"),
    ]
    assert first.measured_at == {"response": ["P3"], "resolution": ["P1", "P2"]}
    assert listed[1].measured_at == {"response": ["P1"], "resolution": ["P1"]}  # the dispute
    assert listed[2].changes[0][0].isoformat() == "2027-03-29T10:30:00+01:00"  # BST
    # The change after the as-of time is listed (in time order), but not applied.
    assert [t.isoformat() for t, *_ in listed[3].changes] == [
        "2027-03-30T11:00:00+01:00", "2027-04-20T09:00:00+01:00",
    ]  # fmt: skip
    expected = json.dumps(_changes_json(listed), ensure_ascii=False)
    for rows in (1, 3, 10_000):  # a part at a time, or all at once
        assert "".join(_changes_parts(changed, rows=rows)) == expected
    assert report_json_text(report) == json.dumps(report_json(report), ensure_ascii=False)
    assert '"id": "Q\\"7"' in expected and '"id": "Ü-8"' in expected
