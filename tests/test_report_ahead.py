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
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from slawriter.cli import main
from slawriter.errors import InputError
from slawriter.files.output import display_path
from slawriter.measure import ahead, run
from slawriter.measure.ahead import Ahead, StreamedAhead, can_fork
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


def _month_history(tmp_path: Path, more: str = "") -> Path:
    """The month's status history (fixtures/month13), with ``more`` rows after it."""
    history = tmp_path / "history.csv"
    shutil.copy(MONTH / "history.csv", history)
    with history.open("a", encoding="utf-8") as handle:
        handle.write(more)
    return history


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
    history = _month_history(tmp_path, BAD_ROWS)
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


@pytest.mark.parametrize("merge", [1, 3])
def test_numbering_sends_each_new_id_once_in_number_order(
    merge: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Streamed (on_new), the ids come in batches that join to the list finish() gives."""
    import numpy as np

    from slawriter.measure.history import _Numbering

    monkeypatch.setattr(_Numbering, "MERGE", merge)
    chunks = [["A", "B", "A"], [], ["C", "A"], ["D", "B", "E", "E"], ["F"], ["A", "G"]]
    batches: list[list[str]] = []
    numbering = _Numbering(batches.append)
    for chunk in chunks:
        numbering.add(np.array(chunk, dtype=object))
    numbers, ids = numbering.finish()
    assert ids == []  # the receiver has them
    assert len(batches) > 1 and all(batches)
    sent = [value for batch in batches for value in batch]
    assert sent == ["A", "B", "C", "D", "E", "F", "G"]
    assert [sent[n] for n in numbers] == [value for chunk in chunks for value in chunk]


def _three_parts(send: Callable[[object], None]) -> str:
    for part in ("a", "b", "c"):
        send(part)
    return "done"


@pytest.mark.parametrize("fork", [False, True])
def test_streamed_parts_arrive_in_order_then_the_result(fork: bool) -> None:
    work = StreamedAhead(_three_parts, fork=fork)
    assert work.forked == (fork and can_fork())
    taken: list[tuple[int, object]] = []
    assert work.result(lambda index, part: taken.append((index, part))) == "done"
    assert taken == [(0, "a"), (1, "b"), (2, "c")]


@pytest.mark.skipif(not can_fork(), reason="needs os.fork and two cores")
def test_a_streaming_child_never_waits_for_this_process_to_read() -> None:
    """A part larger than a pipe holds is sent while nobody reads: the work goes on."""
    signal_read, signal_write = os.pipe()

    def work(send: Callable[[object], None]) -> int:
        send("x" * 4_000_000)  # about 60 pipe buffers
        os.write(signal_write, b"!")  # reached only if send did not wait for a reader
        return 7

    try:
        streaming = StreamedAhead(work, fork=True)
        import select

        ready, _, _ = select.select([signal_read], [], [], 20)
        assert ready, "the child waited for this process to read its part"
        sizes: list[int] = []
        assert streaming.result(lambda index, part: sizes.append(len(part))) == 7
        assert sizes == [4_000_000]
    finally:
        os.close(signal_read)
        os.close(signal_write)


@pytest.mark.skipif(not can_fork(), reason="needs os.fork and two cores")
def test_a_streaming_child_that_dies_is_replaced_and_its_parts_start_again() -> None:
    parent = os.getpid()

    def work(send: Callable[[object], None]) -> str:
        send("a")
        send("b")
        if os.getpid() != parent:
            os._exit(9)  # the child dies after two parts
        send("c")
        return "here"

    taken: list[tuple[int, object]] = []
    assert StreamedAhead(work, fork=True).result(lambda i, p: taken.append((i, p))) == "here"
    assert taken[-3:] == [(0, "a"), (1, "b"), (2, "c")]  # done again here, from index 0
    assert [index for index, _ in taken[:-3]] in ([], [0], [0, 1])


@pytest.mark.skipif(not can_fork(), reason="needs os.fork and two cores")
def test_a_part_this_process_cannot_take_stops_the_child_at_once() -> None:
    """An error taking a part (or Ctrl-C while waiting) kills the child, which would
    otherwise wait for ever: no hang, the error raised here."""
    source, sink = os.pipe()

    def work(send: Callable[[object], None]) -> bytes:
        send("a")
        return os.read(source, 1)  # never answered

    def refuse(index: int, part: object) -> None:
        raise ValueError(f"cannot take part {index}")

    try:
        streaming = StreamedAhead(work, fork=True)
        with pytest.raises(ValueError, match="cannot take part 0"):
            streaming.result(refuse)
        assert not streaming.forked  # killed and reaped
    finally:
        os.close(source)
        os.close(sink)


@pytest.mark.skipif(not can_fork(), reason="needs os.fork and two cores")
def test_a_streaming_childs_error_is_raised_here_after_its_parts() -> None:
    def work(send: Callable[[object], None]) -> None:
        send("a")
        raise InputError("history.csv:9: time: 'x' is not a date and time")

    taken: list[object] = []
    with pytest.raises(InputError, match=r"history\.csv:9"):
        StreamedAhead(work, fork=True).result(lambda index, part: taken.append(part))
    assert taken == ["a"]


def test_response_and_resolution_judged_in_two_threads_give_the_same_report(
    agreement: Path,  # noqa: F811
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import threading

    from slawriter.measure import report

    history = _month_history(tmp_path)
    alone = _report(capsys, agreement, history)
    threads: dict[object, str] = {}
    original = report._target_verdicts

    def noting(*args: object) -> object:
        threads[args[0]] = threading.current_thread().name
        return original(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(report, "_target_verdicts", noting)
    monkeypatch.setattr(report, "TARGETS_TOGETHER", 1)
    monkeypatch.setattr(report, "cores", lambda: 2)
    together = _report(capsys, agreement, history)
    assert together == alone
    assert threads["response"] == threading.current_thread().name  # here, Resolution beside
    assert threads["resolution"].startswith("slawriter-resolution")
    assert json.loads(alone[1])["priorities"]["P1"]["tickets"] > 0


def test_forked_reading_names_physical_lines_past_a_field_over_two_lines(
    agreement: Path,  # noqa: F811
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The line ends are counted while the child reads: a quoted reason typed over two lines
    still moves every later message one line down, as in one process."""
    history = _month_history(
        tmp_path, 'A1,2027-01-05 09:00,status,Open,Pending,"waiting on\nthe customer"\n' + BAD_ROWS
    )
    alone, forked = _both_ways(capsys, monkeypatch, agreement, history)
    assert forked == alone
    first = len((MONTH / "history.csv").read_text(encoding="utf-8").splitlines()) + 1
    lines = [row["line"] for row in json.loads(forked[1])["rejected_rows"]
             if row["file"].endswith("history.csv")]  # fmt: skip
    assert lines == [first + 2 + n for n in range(6)]


def test_a_fork_refused_means_the_work_is_done_here(monkeypatch: pytest.MonkeyPatch) -> None:
    """No memory or process to spare for a fork (strict overcommit, a process limit): the
    work runs in this process when its result is asked for; nothing is left frozen or open."""
    import errno
    import gc

    def refused() -> int:
        raise OSError(errno.ENOMEM, "Cannot allocate memory")

    monkeypatch.setattr(ahead.os, "fork", refused)
    before = len(os.listdir("/proc/self/fd")) if os.path.isdir("/proc/self/fd") else None
    frozen = gc.get_freeze_count()
    work = StreamedAhead(_three_parts, fork=True)
    assert not work.forked
    assert gc.get_freeze_count() == frozen
    if before is not None:
        assert len(os.listdir("/proc/self/fd")) == before  # the pipe closed again
    taken: list[tuple[int, object]] = []
    assert work.result(lambda index, part: taken.append((index, part))) == "done"
    assert taken == [(0, "a"), (1, "b"), (2, "c")]


def test_fewer_collections_skips_old_objects_and_puts_the_collector_back() -> None:
    """Within the block the collector runs every YOUNG_THRESHOLD allocations and skips what
    was made before; a cycle made in it is still freed; afterwards all is as it was (the web
    server runs reports in its own process, and must not keep a report's settings)."""
    import gc
    import weakref

    from slawriter.process import YOUNG_THRESHOLD, fewer_collections

    class Node:
        partner: object

    before, frozen = gc.get_threshold(), gc.get_freeze_count()
    with fewer_collections():
        assert gc.get_threshold() == (max(before[0], YOUNG_THRESHOLD), *before[1:])
        assert gc.get_freeze_count() > frozen
        cycle = Node()
        cycle.partner = cycle
        gone = weakref.ref(cycle)
        del cycle
        gc.collect()
        assert gone() is None
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == frozen


def test_fewer_collections_leaves_objects_frozen_before_it_as_they_were() -> None:
    """A daemon freezes its warmed modules once: a report run in it neither thaws them nor
    freezes more for good (a cycle made before the block is still collected after it)."""
    import gc
    import weakref

    from slawriter.process import fewer_collections

    class Node:
        partner: object

    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        cycle = Node()
        cycle.partner = cycle
        gone = weakref.ref(cycle)
        del cycle
        with fewer_collections():
            pass
        assert gc.get_freeze_count() == frozen
        gc.collect()
        assert gone() is None
    finally:
        gc.unfreeze()


def test_a_report_puts_the_collector_back(
    capsys: pytest.CaptureFixture[str],
    agreement: Path,  # noqa: F811
) -> None:
    import gc

    before, frozen = gc.get_threshold(), gc.get_freeze_count()
    code, out, _ = _report(capsys, agreement, MONTH / "history.csv")
    assert code in (0, 1) and json.loads(out)["period"] == "2027-01"
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == frozen


# --- a large history cut in two: the second process reads the first part, this one the rest --


def _cut_ways(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    agreement: Path,  # noqa: F811
    history: Path,
    at: int,
) -> tuple[tuple[int, str, str], tuple[int, str, str], list[int | None]]:
    """(in one process, cut at the first record from byte ``at``, the cuts made)."""
    from slawriter.measure import importer

    alone = _report(capsys, agreement, history)
    cuts: list[int | None] = []

    def cut_here(path: Path, share: int) -> tuple[int, importer.FileIdentity] | None:
        found = importer.split_point(path, at)
        cuts.append(None if found is None else found[0])
        return found

    monkeypatch.setattr(run, "HISTORY_AHEAD_BYTES", 0)
    monkeypatch.setattr(run, "SMALLEST_PART", 0)
    monkeypatch.setattr(run, "TICKET_BYTE_WORK", 0)  # however small the history: a cut
    monkeypatch.setattr(run, "can_fork", lambda: True)  # cut on one core too: the same parts
    monkeypatch.setattr(run, "split_point", cut_here)
    return alone, _report(capsys, agreement, history), cuts


# Every kind of row read in both parts: a quoted reason over two lines, blank and spaced
# rows, a priority change, an unknown status, and each kind of row left out.
MIXED_ROWS = (
    BAD_ROWS
    + "\n"
    + "  A3,  2027-01-08 09:00,status,Open,Pending,\n"
    + "A3,2027-01-08 09:30,priority,P3,P1,impact grew\n"
    + BAD_ROWS.replace("Frobnicated", "Befuddled")
    + 'A1,2027-01-09 09:00,status,Open,Pending,"waiting on\nthe customer"\n'
    + BAD_ROWS
)


@pytest.mark.parametrize(
    "before",
    ["A1,2027-01-05 11:00", "A2,2027-01-07 09:00", "ZZ9", "  A3", "A1,2027-01-09 09:00"],
)
def test_a_history_cut_in_two_gives_the_same_report_and_messages(
    before: str,
    agreement: Path,  # noqa: F811
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Cut after the first record, in the month, before the rows left out, among them, and
    just before the reason over two lines (no cut after a quote: it might be in a field)."""
    history = _month_history(tmp_path, MIXED_ROWS)
    data = history.read_bytes()
    at = data.index(before.encode()) - 1  # the line end before the row: cut just before it
    alone, cut, cuts = _cut_ways(capsys, monkeypatch, agreement, history, at)
    assert cuts == [at + 1]
    assert cut == alone
    code, out, err = cut
    assert code == 1
    rejected = [row for row in json.loads(out)["rejected_rows"] if row["file"].endswith("y.csv")]
    assert len(rejected) == 18  # six a copy of BAD_ROWS, each with its own line
    assert len({row["line"] for row in rejected}) == 18
    assert "'Frobnicated'" in err and "'Befuddled'" in err


def test_a_cut_part_pandas_cannot_read_has_the_whole_file_read_and_its_message(
    agreement: Path,  # noqa: F811
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A quote left open in the last part: pandas' message counts rows from the part's start,
    so the file is read again whole, and the message is the one it always gave."""
    history = _month_history(tmp_path, BAD_ROWS + 'A1,"2027-01-09 09:00,status,Open,Pending,\n')
    size = history.stat().st_size
    alone, cut, cuts = _cut_ways(capsys, monkeypatch, agreement, history, size // 2)
    assert cuts[0] is not None
    assert cut == alone
    code, _, err = cut
    assert code == 2
    assert "history.csv: not a readable CSV file" in err


def test_split_point_cuts_only_between_records(tmp_path: Path) -> None:
    from slawriter.measure import importer

    def split_point(path: Path, at: int) -> int | None:
        found = importer.split_point(path, at)
        if found is not None:
            with path.open("rb") as handle:
                assert found[1] == importer.file_identity(handle.fileno())
        return None if found is None else found[0]

    plain = tmp_path / "plain.csv"
    plain.write_bytes(b"ticket_id,time\nA1,2027-01-05 10:00\nA2,2027-01-05 11:00\nA3,x\n")
    first_row = plain.read_bytes().index(b"A1")
    second_row = plain.read_bytes().index(b"A2")
    assert split_point(plain, first_row) == second_row  # the next record after the byte
    assert split_point(plain, second_row - 1) == second_row  # the line end itself
    assert split_point(plain, 3) is None  # within the header: no record before the cut
    assert split_point(plain, plain.stat().st_size - 2) is None  # no record after it
    assert split_point(plain, 0) is None
    assert split_point(plain, plain.stat().st_size) is None
    quoted = tmp_path / "quoted.csv"
    quoted.write_bytes(b'ticket_id,reason\nA1,"over\ntwo lines"\nA2,x\nA3,y\n')
    assert split_point(quoted, quoted.read_bytes().index(b"A2")) is None  # a quote before
    windows = tmp_path / "windows.csv"
    windows.write_bytes(b"ticket_id,time\r\nA1,x\r\nA2,y\r\nA3,z\r\n")
    assert split_point(windows, windows.read_bytes().index(b"A2")) == (
        windows.read_bytes().index(b"A3")
    )


def test_a_history_cut_in_two_in_windows_1252_or_with_a_byte_order_mark(
    agreement: Path,  # noqa: F811
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The last part is read in the file's encoding, found from the whole file, and without
    the byte order mark that only the first part has."""
    text = (MONTH / "history.csv").read_text(encoding="utf-8") + BAD_ROWS.replace(
        "Frobnicated", "Entwurf fertig – Kunde"
    ).replace("ZZ9", "Zoë")
    for name, data in (
        ("cp1252.csv", text.encode("cp1252")),
        ("bom.csv", b"\xef\xbb\xbf" + text.encode("utf-8")),
    ):
        history = tmp_path / name
        history.write_bytes(data)
        alone, cut, cuts = _cut_ways(capsys, monkeypatch, agreement, history, len(data) // 2)
        monkeypatch.undo()
        assert cuts[0] is not None
        assert cut == alone
        assert "no ticket 'Zoë'" in cut[1]
        assert "'Entwurf fertig – Kunde'" in cut[2]


def test_inputs_hashed_by_a_thread_give_the_hashes_and_the_errors(tmp_path: Path) -> None:
    """The exports are hashed beside the report's own work: the same SHA-256 as read in one
    go, an error raised where the hashes are asked for, and a cancel that stops it."""
    import hashlib
    import threading

    from slawriter.measure.record import Hashing

    big, small = tmp_path / "big.csv", tmp_path / "small.csv"
    big.write_bytes(bytes(range(256)) * 20_000)  # five blocks
    small.write_bytes(b"id\nA1\n")
    hashes = Hashing([big, small, big]).result()
    assert hashes == {
        str(path): hashlib.sha256(path.read_bytes()).hexdigest() for path in (big, small)
    }
    with pytest.raises(FileNotFoundError):
        Hashing([small, tmp_path / "gone.csv"]).result()
    before = threading.active_count()
    hashing = Hashing([big])
    hashing.cancel()  # stopped between blocks, and the thread waited for
    assert threading.active_count() == before


@pytest.mark.parametrize("repeated", [False, True])
def test_history_rows_find_their_tickets_whether_or_not_an_id_repeats(
    repeated: bool,
    agreement: Path,  # noqa: F811
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A ticket export with no repeated id lends the history its hash table of every row's
    id; one with a repeated id is searched the usual way. Either way a history row finds its
    ticket, and one naming a ticket whose row was left out (a bad date, a repeat) is listed."""
    tickets = tmp_path / "tickets.csv"
    rows = (MONTH / "tickets.csv").read_text(encoding="utf-8")
    rows += "A9,P2,31/02/2027 09:00,,,email,agent\n"  # left out: not a date
    if repeated:
        rows += "A1,P1,2027-01-05 09:00,,,email,agent\n"  # left out: A1 is on line 2
    tickets.write_text(rows, encoding="utf-8")
    history = _month_history(tmp_path, "A9,2027-01-05 10:00,status,Open,Pending,\n")
    code = main(
        ["report", str(agreement), "--tickets", str(tickets), "--period", "2027-01",
         "--as-of", "2027-01-20T12:00", "--status-history", str(history), "--json"]
    )  # fmt: skip
    report = json.loads(capsys.readouterr().out)
    assert code == 1
    reasons = [(row["line"], row["reason"]) for row in report["rejected_rows"]]
    first = len((MONTH / "history.csv").read_text(encoding="utf-8").splitlines()) + 1
    assert (first, f"ticket_id: no ticket 'A9' in {display_path(tickets)} (or its row there "
                   "was not used)") in reasons  # fmt: skip
    assert (9, "created: '31/02/2027 09:00' is not a date and time (expected a date and time "
               "such as 2027-01-05 09:30 or 05/01/2027 09:30 (day-first))") in reasons  # fmt: skip
    assert ((10, "id: ticket 'A1' is also on line 2") in reasons) == repeated
    assert len(reasons) == 2 + repeated  # every other history row found its ticket


# --- the review's cases: a cut never changes what is read -------------------------------------

HEADER = "ticket_id,time,field,from,to,reason"
ROWS = (MONTH / "history.csv").read_text(encoding="utf-8").splitlines()[1:]
PLAIN = "\n".join([HEADER, *ROWS]) + "\n"


def _forced(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(run, "HISTORY_AHEAD_BYTES", 0)
    monkeypatch.setattr(run, "SMALLEST_PART", 0)
    monkeypatch.setattr(run, "TICKET_BYTE_WORK", 0)
    monkeypatch.setattr(run, "can_fork", lambda: True)


@pytest.mark.parametrize(
    "data",
    [
        (PLAIN + BAD_ROWS).replace("\n", "\r\n").encode(),
        b"\xef\xbb\xbf" + (PLAIN + "\n\n" + BAD_ROWS).replace(",", ";").encode(),
        (PLAIN + BAD_ROWS.replace("Frobnicated", "Entwurf – fertig")).encode("cp1252"),
        (PLAIN + BAD_ROWS).replace("\n", "\r").encode() + BAD_ROWS.encode(),
        (PLAIN + "A1,2027-01-06 10:00,status\n\0\n" + BAD_ROWS).rstrip("\n").encode(),
        (HEADER + "\n\n" + "\n".join(ROWS) + "\n" + BAD_ROWS).encode(),
    ],
    ids=["crlf", "bom-semicolons-blank", "cp1252", "lone-cr", "short-nul-no-end", "blank-first"],
)
def test_every_cut_of_an_odd_file_gives_what_reading_it_whole_gives(
    data: bytes,
    agreement: Path,  # noqa: F811
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Every place split_point would cut (line ends: CRLF, lone CR, blank lines, a byte order
    mark, ';', Windows-1252, a short row, a NUL, no last line end): the same report, messages
    and exit code as the file read whole."""
    from slawriter.measure import importer

    history = tmp_path / "history.csv"
    history.write_bytes(data)
    alone = _report(capsys, agreement, history)
    cuts = {importer.split_point(history, at) for at in range(0, len(data), 7)} - {None}
    assert len(cuts) >= 5
    _forced(monkeypatch)
    for cut in sorted(cuts, key=lambda found: found[0]):  # type: ignore[index]
        monkeypatch.setattr(run, "split_point", lambda path, share, cut=cut: cut)
        assert _report(capsys, agreement, history) == alone, cut


def test_no_cut_before_a_record_that_starts_with_a_byte_order_mark(
    agreement: Path,  # noqa: F811
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """U+FEFF starting a record (two exports joined): read whole, it is part of the id ('no
    ticket'); pandas would drop it at the start of a part, so no part starts there."""
    history = tmp_path / "history.csv"
    history.write_text(PLAIN + "\ufeffA2,2027-01-07 10:30,status,Open,Pending,\nA1,2027-01-05 "
                       "13:00,status,Open,Pending,\n", encoding="utf-8")  # fmt: skip
    data = history.read_bytes()
    at = data.rindex(b"\n", 0, data.index("\ufeffA2".encode()))
    alone, cut, cuts = _cut_ways(capsys, monkeypatch, agreement, history, at)
    assert cuts == [None]
    assert cut == alone
    assert "no ticket '\ufeffA2'" in cut[1]


def test_times_given_up_on_near_the_cut_have_the_file_read_whole(
    agreement: Path,  # noqa: F811
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """parse_times stops trying formats it has not seen after MAX_FORMAT_FAILURES bad times
    in a chunk, and a cut starts a chunk: with that many bad times about the cut the file is
    read again whole, and a time in a rarer format after them is judged as it always was."""
    history = tmp_path / "history.csv"
    rare = "A2,07 Jan 2027 10:30,status,Waiting for customer,Open,\n"
    history.write_text(PLAIN + "A1,N/A,status,Open,Pending,\n" * 1000 + rare, "utf-8")
    data = history.read_bytes()
    whole: list[object] = []
    real = run.read_history_columns

    def noted(*args: Any, **kwargs: Any) -> Any:
        if kwargs.get("span") is None and not any(callable(a) for a in args):
            whole.append(True)
        return real(*args, **kwargs)

    monkeypatch.setattr(run, "read_history_columns", noted)
    at = data.rindex(b"\n", 0, data.index(b"A2,07 Jan"))
    alone, cut, cuts = _cut_ways(capsys, monkeypatch, agreement, history, at)
    assert cuts == [at + 1]
    assert cut == alone
    assert whole == [True]  # read again whole, once


class _ReadAtOnce:
    """A StreamedAhead whose work is done as soon as it is made, in this process (a second
    process that has finished before this one goes on), its parts handed over when asked."""

    forked = False

    def __init__(self, work: Callable[[Callable[[Any], None]], Any], fork: bool) -> None:
        self._parts: list[Any] = []
        self._error: BaseException | None = None
        try:
            self._value = work(self._parts.append)
        except BaseException as error:  # raised where the result is asked for
            self._error = error

    def result(self, on_part: Callable[[int, Any], None] | None = None) -> Any:
        for index, part in enumerate(self._parts):
            if on_part is not None:
                on_part(index, part)
        if self._error is not None:
            raise self._error
        return self._value

    def cancel(self) -> None:
        pass


def test_a_history_saved_over_while_the_report_runs_is_read_as_one_file(
    agreement: Path,  # noqa: F811
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An export saved again (written beside, renamed over) after the second process has read
    the first part and before this one reads the last: the parts would be of two files (the
    new one's extra row at the top moves every row after the cut), so the new file is read
    whole. The second process is played here by reading the first part at once."""
    old = (
        PLAIN
        + "A1,2027-01-05 13:00,status,Open,Pending,\nA1,2027-01-05 14:00,status,Pending,Open,\n"
    )
    new = HEADER + "\nA4,2027-01-11 10:00,status,Open,Pending,\n" + old.split("\n", 1)[1]
    history = tmp_path / "history.csv"
    history.write_text(old, encoding="utf-8")
    replacement = tmp_path / "new.csv"
    replacement.write_text(new, encoding="utf-8")
    real = run.read_history_columns

    def replaced_meanwhile(*args: Any, **kwargs: Any) -> Any:
        span = kwargs.get("span")
        if span is not None and span.start and replacement.exists():
            os.replace(replacement, history)
        return real(*args, **kwargs)

    monkeypatch.setattr(run, "read_history_columns", replaced_meanwhile)
    monkeypatch.setattr(run, "StreamedAhead", _ReadAtOnce)
    data = history.read_bytes()
    at = data.rindex(b"\n", 0, data.index(b"A1,2027-01-05 14:00"))
    _, got, cuts = _cut_ways(capsys, monkeypatch, agreement, history, at)
    assert cuts == [at + 1] and not replacement.exists()
    monkeypatch.undo()
    assert got == _report(capsys, agreement, history)  # the new file, read whole


def test_a_large_history_that_cannot_be_read_is_refused_as_before(
    agreement: Path,  # noqa: F811
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """split_point meets the file first: what it cannot read (a folder here; a file without
    permission, a share that refuses mmap) is left to the reading, which says what is wrong."""
    history = tmp_path / "history.csv"
    history.mkdir()
    alone = _report(capsys, agreement, history)
    _forced(monkeypatch)
    assert _report(capsys, agreement, history) == alone
    assert alone[0] == 2 and "history.csv" in alone[2]
