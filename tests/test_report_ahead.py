"""A large status history is read in a second process: the report is the same either way.

measure/run.py forks a child to read a status history of HISTORY_AHEAD_BYTES or more while
the tickets are read. Here the threshold is lowered to 0 so that the hand-written month13
history (with bad rows added) is read in a child, and every output (the JSON, the messages,
the exit code) is compared with the same run in one process.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from slawriter.cli import main
from slawriter.errors import InputError
from slawriter.files.output import display_path
from slawriter.measure import ahead, run
from slawriter.measure.ahead import Ahead, can_fork
from tests.test_measure_report import agreement  # noqa: F401

MONTH = Path(__file__).parent / "fixtures" / "month13"

BAD_ROWS = (
    "ZZ9,2027-01-05 10:00,status,Open,Pending,\n"  # no such ticket
    "A1,31/02/2027 10:00,status,Open,Pending,\n"  # not a date
    "A1,1800-01-05 10:00,status,Open,Pending,\n"  # out of range
    "A1,,status,Open,Pending,\n"  # no time
    "A2,2027-01-07 09:30,assignee,Ann,Bob,\n"  # neither status nor priority
    "A2,2027-01-07 09:40,priority,P9,P1,\n"  # no such priority
    "A2,2027-01-07 09:50,status,Open,Frobnicated,\n"  # unknown status: a warning
)


def _report(
    capsys: pytest.CaptureFixture[str],
    agreement: Path,  # noqa: F811
    history: Path,
) -> tuple[int, str, str]:
    code = main(
        ["report", str(agreement), "--tickets", str(MONTH / "tickets.csv"), "--period",
         "2027-01", "--as-of", "2027-01-20T12:00", "--status-history", str(history), "--json"]
    )  # fmt: skip
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _both_ways(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    agreement: Path,  # noqa: F811
    history: Path,
) -> tuple[tuple[int, str, str], tuple[int, str, str]]:
    """(in one process, in a forked child), checking the child was forked where it can be."""
    alone = _report(capsys, agreement, history)
    forks: list[int] = []
    real_fork = os.fork

    def counted_fork() -> int:
        pid = real_fork()
        if pid:
            forks.append(pid)
        return pid

    monkeypatch.setattr(run, "HISTORY_AHEAD_BYTES", 0)
    monkeypatch.setattr(ahead.os, "fork", counted_fork)
    forked = _report(capsys, agreement, history)
    assert len(forks) == (1 if can_fork() else 0)
    return alone, forked


def test_forked_reading_gives_the_same_report_and_messages(
    agreement: Path,  # noqa: F811
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    history = tmp_path / "history.csv"
    shutil.copy(MONTH / "history.csv", history)
    with history.open("a", encoding="utf-8") as handle:
        handle.write(BAD_ROWS)
    alone, forked = _both_ways(capsys, monkeypatch, agreement, history)
    assert forked == alone
    code, out, err = forked
    assert code == 1  # rows could not be used
    first = len((MONTH / "history.csv").read_text(encoding="utf-8").splitlines()) + 1
    rejected = [
        (row["file"].endswith("history.csv"), row["line"], row["reason"])
        for row in json.loads(out)["rejected_rows"]
    ]
    assert rejected == [
        (True, first, f"ticket_id: no ticket 'ZZ9' in {display_path(MONTH / 'tickets.csv')} "
                       "(or its row there was not used)"),
        (True, first + 1, "time: '31/02/2027 10:00' is not a date and time (expected a date "
                          "and time such as 2027-01-05 09:30 or 05/01/2027 09:30 (day-first))"),
        (True, first + 2, "time: '1800-01-05 10:00' is out of range"),
        (True, first + 3, "time: empty: a change needs its time"),
        (True, first + 4, "field: 'assignee' is not status or priority"),
        (True, first + 5, "from: unknown priority 'P9' (the agreement has P1, P2, P3, P4)"),
    ]  # fmt: skip
    assert "unknown status in 'from'/'to': 'Frobnicated'" in err


def test_an_error_in_the_child_is_the_same_error(
    agreement: Path,  # noqa: F811
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    history = tmp_path / "history.csv"
    history.write_text("ticket_id,time,field,from\nA1,2027-01-05 10:00,status,Open\n")
    alone, forked = _both_ways(capsys, monkeypatch, agreement, history)
    assert forked == alone
    code, _, err = forked
    assert code == 2
    assert "history.csv: no column 'to'" in err


def _parent_only(pid: int) -> int:
    if os.getpid() != pid:  # in the child: die without an answer
        os._exit(9)
    return 42


@pytest.mark.skipif(not can_fork(), reason="needs os.fork and two cores")
def test_ahead_raises_the_childs_error_and_survives_its_death() -> None:
    def fails() -> int:
        raise InputError("history.csv:3: time: 'x' is not a date and time")

    failing = Ahead(fails, fork=True)
    assert failing.forked
    with pytest.raises(InputError, match=r"history.csv:3: time: 'x' is not"):
        failing.result()

    parent = os.getpid()
    dying = Ahead(lambda: _parent_only(parent), fork=True)
    assert dying.forked
    assert dying.result() == 42  # done again in this process


@pytest.mark.skipif(not can_fork(), reason="needs os.fork and two cores")
def test_cancel_stops_a_child_that_would_never_finish() -> None:
    source, sink = os.pipe()
    try:
        waiting = Ahead(lambda: os.read(source, 1), fork=True)
        assert waiting.forked
        waiting.cancel()  # killed and reaped: returns at once
        assert not waiting.forked
    finally:
        os.close(source)
        os.close(sink)


def test_no_fork_when_not_asked() -> None:
    parent = os.getpid()
    work = Ahead(lambda: os.getpid(), fork=False)
    assert not work.forked
    assert work.result() == parent


@pytest.mark.parametrize("merge", [1, 3, 1_000_000])
def test_ticket_ids_numbered_across_chunks_as_first_seen(
    merge: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    import numpy as np

    from slawriter.measure.history import _Numbering

    monkeypatch.setattr(_Numbering, "MERGE", merge)
    chunks = [["A", "B", "A"], [], ["C", "A"], ["D", "B", "E", "E"], ["F"], ["A", "G"]]
    numbering = _Numbering()
    for chunk in chunks:
        numbering.add(np.array(chunk, dtype=object))
    numbers, ids = numbering.finish()
    rows = [value for chunk in chunks for value in chunk]
    assert ids == ["A", "B", "C", "D", "E", "F", "G"]
    assert [ids[n] for n in numbers] == rows
