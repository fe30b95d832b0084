"""A large status history is read in a second process: the report is the same either way.

measure/run.py forks a child to read a status history of HISTORY_AHEAD_BYTES or more while
the tickets are read. Here the threshold is lowered to 0 so that the hand-written month13
history (with bad rows added) is read in a child, and every output (the JSON, the messages,
the exit code) is compared with the same run in one process.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
from collections.abc import Callable
from pathlib import Path

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


def test_a_large_history_that_cannot_be_read_is_refused_as_before(
    agreement: Path,  # noqa: F811
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Read by a second process, a history this process cannot open (a folder here; a file
    without permission) is refused as the history read here is (exit 2, its name), not an
    internal error from counting its line ends meanwhile."""
    history = tmp_path / "history.csv"
    history.mkdir()
    alone, forked = _both_ways(capsys, monkeypatch, agreement, history)
    assert forked == alone
    assert alone[0] == 2 and "history.csv" in alone[2]


_PREPARED: list[int] = []


@pytest.mark.parametrize("fork", [True, False])
def test_in_child_runs_first_in_the_child_only(fork: bool) -> None:
    """The history reader's child keeps the memory it frees (reuse_freed_memory): that is
    for the child alone, never for this process when the work is done here."""
    _PREPARED.clear()

    def prepare() -> None:
        _PREPARED.append(os.getpid())

    work = Ahead(lambda: list(_PREPARED), fork=fork, in_child=prepare)
    prepared = work.result()
    if fork and can_fork():
        assert len(prepared) == 1 and prepared[0] != os.getpid()  # the child's own pid
    else:
        assert prepared == []
    assert _PREPARED == []  # never in this process


_CHUNKS = """
import resource, sys
import numpy as np
from slawriter.process import reuse_freed_memory
if sys.argv[1] == "keep":
    reuse_freed_memory()
np.ones(10)
before, total = resource.getrusage(resource.RUSAGE_SELF).ru_minflt, 0.0
for _ in range(10):
    arrays = [np.full(250_000, 0.5) for _ in range(8)]
    joined = np.concatenate(arrays)
    total += float(joined.sum())
    del arrays, joined
print(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before, total)
"""


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="needs glibc")
def test_reuse_freed_memory_writes_on_pages_it_has_rather_than_fresh_ones() -> None:
    """A chunk at a time (eight 2 MB arrays, joined, freed; ten times over), in a fresh
    interpreter as the history's reader starts out: with the memory kept, a fraction of the
    page faults, and the same values."""
    import subprocess
    import sys

    def faults(mode: str) -> tuple[int, float]:
        done = subprocess.run([sys.executable, "-c", _CHUNKS, mode], capture_output=True,
                              text=True, check=True, timeout=60)  # fmt: skip
        count, total = done.stdout.split()
        return int(count), float(total)

    fresh, fresh_total = faults("free")
    kept, kept_total = faults("keep")
    assert kept_total == fresh_total == 10 * 2_000_000 * 0.5
    assert kept * 4 < fresh, (kept, fresh)


def test_ordinary_pages_from_start_until_the_block_ends() -> None:
    """The report's figures are made with numpy's huge pages off (started once the exports
    are read); afterwards numpy is as it was, as a daemon or web server process needs."""
    import numpy as np

    from slawriter.process import OrdinaryPages

    core = getattr(np, "_core", None) or np.core  # numpy 2, numpy 1
    switch = core.multiarray
    before = switch._get_madvise_hugepage()
    try:
        switch._set_madvise_hugepage(True)
        with OrdinaryPages() as pages:
            assert switch._get_madvise_hugepage() is True  # not before start()
            pages.start()
            pages.start()  # once is enough; the second does not lose the first setting
            assert switch._get_madvise_hugepage() is False
        assert switch._get_madvise_hugepage() is True
    finally:
        switch._set_madvise_hugepage(before)


def test_ordinary_pages_that_overlap_put_back_what_the_first_found() -> None:
    """Two reports measured at once (threads of one process): numpy's setting is the
    process's, so it stays off until the last ends, then is what it was before the first."""
    import numpy as np

    from slawriter.process import OrdinaryPages

    core = getattr(np, "_core", None) or np.core  # numpy 2, numpy 1
    switch = core.multiarray
    before = switch._get_madvise_hugepage()
    try:
        switch._set_madvise_hugepage(True)
        first, second = OrdinaryPages(), OrdinaryPages()
        first.__enter__()
        second.__enter__()
        first.start()
        second.start()
        first.__exit__(None, None, None)
        assert switch._get_madvise_hugepage() is False  # the second still runs
        second.__exit__(None, None, None)
        assert switch._get_madvise_hugepage() is True
        second.__exit__(None, None, None)  # once more: nothing to put back
        assert switch._get_madvise_hugepage() is True
    finally:
        switch._set_madvise_hugepage(before)
