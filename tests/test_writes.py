"""Output sets are written all or nothing: a full disk, a read-only folder, Ctrl-C or SIGKILL
during the write leave the previous set (or nothing), the next render is never blocked, and no
temporary file outlives the next run. Also: ticket fields that look like spreadsheet formulas
reach the reports as plain text."""

from __future__ import annotations

import errno
import os
import re
import shutil
import signal
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from functools import partial
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import docx
import pytest

from slawriter.cli import main
from slawriter.errors import InputError, SlawriterError
from slawriter.files.output import (
    JOURNAL_NAME,
    finish_interrupted_write,
    read_record,
    write_set,
)
from tests.conftest import EXAMPLES, copy_examples

OLD_NAME = "Acme Precision Engineering Ltd"
NEW_NAME = "Acme Precision Engineering Group Ltd"
FORMATS = "md,docx"


def _agreement(folder: Path, customer: str = OLD_NAME) -> Path:
    """The Acme example in ``folder``; a new customer name changes every file of the set."""
    path = folder / "acme-standard.yaml"
    if not path.exists():
        copy_examples(folder, "acme-standard.yaml")
    text = (EXAMPLES / "acme-standard.yaml").read_text(encoding="utf-8")
    assert OLD_NAME in text
    path.write_text(text.replace(OLD_NAME, customer), encoding="utf-8")
    return path


def _render(agreement: Path, out: Path, formats: str = FORMATS) -> int:
    return main(["render", str(agreement), "--out", str(out), "--format", formats])


def _contents(folder: Path) -> dict[str, bytes]:
    """Every file in ``folder``, hidden ones included."""
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


def _hidden(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir() if path.name.startswith("."))


@pytest.fixture
def old_set(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[Path, Path]:
    """An agreement rendered once into out/, then changed: the next render replaces a set."""
    agreement = _agreement(tmp_path)
    out = tmp_path / "out"
    assert _render(agreement, out) == 0
    assert sorted(_contents(out)) == [
        "acme-standard.docx",
        "acme-standard.md",
        "acme-standard.slawriter.json",
    ]
    _agreement(tmp_path, NEW_NAME)
    capsys.readouterr()
    return agreement, out


# --- Full disk and read-only folder -------------------------------------------------------


def _fail_nth(monkeypatch: pytest.MonkeyPatch, name: str, error: int, nth: int) -> list[int]:
    """Make the ``nth`` call of os.<name> fail with ``error``; returns the call counter."""
    real = getattr(os, name)
    calls = [0]

    def failing(*args: Any, **kwargs: Any) -> Any:
        calls[0] += 1
        if calls[0] == nth + 1:
            raise OSError(error, os.strerror(error))
        return real(*args, **kwargs)

    monkeypatch.setattr(os, name, failing)
    return calls


def test_a_full_or_read_only_folder_is_named_and_the_old_set_stays(
    old_set: tuple[Path, Path], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    agreement, out = old_set
    before = _contents(out)
    _fail_nth(monkeypatch, "write", errno.ENOSPC, 0)
    assert _render(agreement, out) == 2
    message = capsys.readouterr().err
    assert f"slawriter: Not enough space in {out} (the disk is full): the files need " in message
    assert " kB" in message and " free. Nothing was changed" in message
    assert _contents(out) == before
    monkeypatch.undo()

    # Root writes through chmod 0o555, so the kernel's refusals are simulated here (and
    # given for real by the tmpfs test below).
    real_open = os.open
    for error, reason in [
        (errno.EROFS, "it is on a read-only file system"),
        (errno.EACCES, "permission denied"),
    ]:

        def refusing(path: Any, flags: int, *args: Any, error: int = error, **kwargs: Any) -> int:
            if flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT) and str(path).startswith(str(out)):
                raise OSError(error, os.strerror(error), str(path))
            return real_open(path, flags, *args, **kwargs)

        monkeypatch.setattr(os, "open", refusing)
        assert _render(agreement, out) == 2
        message = capsys.readouterr().err
        assert f"slawriter: Cannot write into {out}: {reason}. Nothing was changed" in message
        assert _contents(out) == before
        monkeypatch.undo()

    # Before, the Markdown written before the disk filled made this refuse ("was edited").
    assert _render(agreement, out) == 0
    assert _contents(out) != before and _hidden(out) == []


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root ignores chmod")
def test_a_folder_without_write_permission(
    old_set: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    agreement, out = old_set
    before = _contents(out)
    out.chmod(0o555)
    try:
        assert _render(agreement, out) == 2
    finally:
        out.chmod(0o755)
    assert f"Cannot write into {out}: permission denied" in capsys.readouterr().err
    assert _contents(out) == before


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A real 112 kB file system: room for one set of Acme's documents, not for two."""
    folder = tmp_path / "disk"
    folder.mkdir()
    if not shutil.which("mount") or os.geteuid() != 0:
        pytest.skip("needs root to mount a small file system")
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=112k,mode=0755", "tmpfs", str(folder)],
        capture_output=True,
        timeout=10,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], capture_output=True, timeout=10)


def test_a_real_full_disk_and_a_real_read_only_one(
    tmp_path: Path, small_disk: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    agreement = _agreement(tmp_path)
    assert _render(agreement, small_disk) == 0
    before = _contents(small_disk)
    _agreement(tmp_path, NEW_NAME)
    capsys.readouterr()
    assert _render(agreement, small_disk) == 2
    message = capsys.readouterr().err
    assert f"Not enough space in {small_disk} (the disk is full): the files need " in message
    assert _contents(small_disk) == before

    remount = ["mount", "-o", "remount,ro", str(small_disk)]
    assert subprocess.run(remount, capture_output=True, timeout=10).returncode == 0
    assert _render(agreement, small_disk) == 2
    message = capsys.readouterr().err
    assert f"Cannot write into {small_disk}: it is on a read-only file system" in message
    assert _contents(small_disk) == before


OLD = {"a.md": b"old md", "a.docx": b"old docx", "a.slawriter.json": b"old record"}
NEW = {"a.md": b"new md", "a.docx": b"new docx", "a.slawriter.json": b"new record"}


def _visible(folder: Path) -> dict[str, bytes]:
    return {name: data for name, data in _contents(folder).items() if not name.startswith(".")}


@pytest.mark.parametrize("operation", ["write", "fsync", "replace"])
def test_a_failure_at_any_step_of_the_write_changes_nothing_or_is_finished_next_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, operation: str
) -> None:
    folder = tmp_path / "out"
    write_set(folder, OLD)
    outcomes = []
    for nth in range(20):
        calls = _fail_nth(monkeypatch, operation, errno.ENOSPC, nth)
        try:
            write_set(folder, NEW)
        except SlawriterError as error:
            monkeypatch.undo()
            if _contents(folder) == OLD:  # failed before the commit: nothing changed
                assert str(error).startswith(f"Not enough space in {folder}"), str(error)
                outcomes.append("old")
            else:  # failed after it: finished by the next reader or writer of the folder
                assert str(error).startswith("Cannot finish writing the new files into")
                assert JOURNAL_NAME in _contents(folder)
                for name, data in _visible(folder).items():
                    assert data in (OLD[name], NEW[name])  # never a torn file
                finish_interrupted_write(folder)
                assert _contents(folder) == NEW
                outcomes.append("finished")
                write_set(folder, OLD)
        else:
            monkeypatch.undo()
            assert calls[0] <= nth and _contents(folder) == NEW
            break
    # every data write (3 files, the journal) and fsync fails before the commit; of the
    # renames, the first (the journal) commits and the three after it are finished later
    expected = {
        "write": ["old"] * 4,
        "fsync": ["old"] * 5 + ["finished"],
        "replace": ["old"] + ["finished"] * 3,
    }
    assert outcomes == expected[operation]


def test_an_out_folder_that_is_a_file_is_named(tmp_path: Path) -> None:
    a_file = tmp_path / "out"
    a_file.write_text("notes")
    message = f"{a_file} is a file, not a folder: choose another --out folder"
    with pytest.raises(InputError, match=re.escape(message)):
        read_record(a_file / "acme-standard.slawriter.json")  # render reads the record first
    with pytest.raises(InputError, match=re.escape(message)):
        write_set(a_file, OLD)  # report writes straight away
    assert a_file.read_text() == "notes"


# --- Ctrl-C and SIGKILL ---------------------------------------------------------------------


def _changes_folder(event: str, args: tuple[Any, ...], folder: str) -> bool:
    """Whether an audit event is about to change ``folder``: create, rename or remove in it."""
    if event not in ("open", "os.rename", "os.remove", "os.mkdir") or not args:
        return False
    if event == "open" and not args[2] & (os.O_WRONLY | os.O_RDWR | os.O_CREAT):
        return False
    if not isinstance(args[0], str | bytes | os.PathLike):
        return False
    return os.path.dirname(os.path.abspath(os.fsdecode(args[0]))) == folder


def _in_own_process(work: Any) -> Any:
    """``work()`` in a forked child, its result (or its failure) brought back: there the
    calling thread is the process's main thread and Ctrl-C has Python's own handler, whatever
    the test runner does with threads and signals in its worker."""
    import pickle
    import traceback

    source, sink = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            signal.signal(signal.SIGINT, signal.default_int_handler)
            try:
                outcome: tuple[bool, Any] = (True, work())
            except BaseException as error:  # brought back as text, with where it happened
                outcome = (False, "".join(traceback.format_exception(error)))
            with os.fdopen(sink, "wb") as out:
                pickle.dump(outcome, out)
        finally:
            os._exit(0)
    os.close(sink)
    with os.fdopen(source, "rb") as answer:
        done, value = pickle.load(answer)
    os.waitpid(pid, 0)
    assert done, value
    return value


def test_ctrl_c_at_any_step_leaves_the_old_set_or_the_new_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert _in_own_process(lambda: _ctrl_c_at_each_step(tmp_path, monkeypatch)) == (
        ["old"] * 3 + ["new"] * 6
    )


def _ctrl_c_at_each_step(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    folder = tmp_path / "out"
    write_set(folder, OLD)
    real = {name: getattr(os, name) for name in ("open", "replace", "unlink")}
    outcomes = []
    for at in range(30):
        seen = [0]

        def interrupting(
            name: str, *args: Any, at: int = at, seen: list[int] = seen, **kwargs: Any
        ) -> Any:
            writes = name != "open" or args[1] & (os.O_WRONLY | os.O_RDWR | os.O_CREAT)
            if writes and os.path.dirname(os.fspath(args[0])) == str(folder):
                seen[0] += 1
                if seen[0] == at + 1:
                    os.kill(os.getpid(), signal.SIGINT)  # a real Ctrl-C, here and now
            return real[name](*args, **kwargs)

        for name in real:
            monkeypatch.setattr(os, name, partial(interrupting, name))
        try:
            write_set(folder, NEW)
        except KeyboardInterrupt:
            pass
        else:
            monkeypatch.undo()
            assert seen[0] <= at and _contents(folder) == NEW
            break
        finally:
            monkeypatch.undo()
        state = _contents(folder)  # no temporary, no journal: the whole old or new set
        assert state in (OLD, NEW), (at, sorted(state))
        outcomes.append("old" if state == OLD else "new")
        write_set(folder, OLD)
    # Interrupted while writing the three temporaries: the old set. From the journal on (its
    # temporary, its rename, three renames, its removal), Ctrl-C waits: the new set, then the
    # interruption.
    return outcomes


def _start_render(agreement: Path, out: Path, kill_at: int | None = None) -> int:
    """Fork a process that runs ``slawriter render``; with ``kill_at``, it SIGKILLs itself
    just before its kill_at-th change to the out folder (file created, renamed or removed).

    Forked from this process rather than started afresh: each point then costs the render,
    not the interpreter's start and imports again (about 0.6 s of CPU each). The audit hook
    sees every change the product makes to the folder without a hook in the product."""
    pid = os.fork()
    if pid:
        return pid
    code = 70
    try:
        folder = os.path.abspath(out)
        seen = 0

        def hook(event: str, args: tuple[Any, ...]) -> None:
            nonlocal seen
            if _changes_folder(event, args, folder):
                if seen == kill_at:
                    os.kill(os.getpid(), signal.SIGKILL)
                seen += 1

        sys.addaudithook(hook)
        code = _render(agreement, out)
        (Path(folder).parent / "changes").write_text(str(seen))
    finally:
        os._exit(code)


def _wait(pids: list[int]) -> list[int]:
    """The exit codes of forked processes (minus the signal number when killed by one)."""
    return [os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) for pid in pids]


def _classify(out: Path, before: dict[str, bytes], new: dict[str, bytes]) -> str:
    """What a killed render left: the set before it ("before", perhaps with temporaries), or a
    committed write ("committed": each file old or new, and the journal that finishes it)."""
    state = _contents(out) if out.exists() else {}
    visible = {name: data for name, data in state.items() if not name.startswith(".")}
    stray = [name for name in state if name.startswith(".") and name != JOURNAL_NAME]
    assert all(name.endswith(".slawriter-partial") for name in stray), stray
    if JOURNAL_NAME in state:
        for name, data in visible.items():
            assert data in (before.get(name), new[name]), name  # never a torn file
        return "committed"
    assert visible == before, sorted(visible)  # never a mixed set without its journal
    return "before"


@pytest.mark.timeout(120)
@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_sigkill_at_any_change_of_the_folder_never_leaves_a_set_slawriter_cannot_use(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    agreement = _agreement(tmp_path)
    old_folder = tmp_path / "old" / "out"
    assert _render(agreement, old_folder) == 0
    old = _contents(old_folder)
    _agreement(tmp_path, NEW_NAME)
    # The full new render, counting the changes it makes to its folder: the kill points.
    reference = tmp_path / "new" / "out"
    shutil.copytree(old_folder, reference)
    assert _wait([_start_render(agreement, reference)]) == [0]
    new = _contents(reference)
    changes = int((tmp_path / "new" / "changes").read_text())
    assert set(new) == set(old) and all(new[name] != old[name] for name in new)

    # Replacing the old set, killed before each change in turn.
    again = [tmp_path / f"again-{at}" / "out" for at in range(changes)]
    for out in again:
        shutil.copytree(old_folder, out)
    pids = [_start_render(agreement, out, kill_at=at) for at, out in enumerate(again)]
    assert _wait(pids) == [-signal.SIGKILL] * changes
    outcomes = [_classify(out, old, new) for out in again]
    commit = outcomes.index("committed")
    assert 3 <= commit < changes - 1  # kills landed before and after the commit
    assert outcomes == ["before"] * commit + ["committed"] * (changes - commit)

    # A first render, killed just before its commit and after its first rename; meanwhile the
    # next render (a new process) into each folder above finishes or discards what was left.
    first = {at: tmp_path / f"first-{at}" / "out" for at in (commit - 1, commit + 1)}
    pids = [_start_render(agreement, out, kill_at=at) for at, out in first.items()]
    pids += [_start_render(agreement, out) for out in again]
    assert _wait(pids) == [-signal.SIGKILL] * len(first) + [0] * changes
    assert [_classify(out, {}, new) for out in first.values()] == ["before", "committed"]
    assert [name for name in _contents(first[commit - 1]) if not name.startswith(".")] == []
    assert _wait([_start_render(agreement, out) for out in first.values()]) == [0] * len(first)
    for out in [*again, *first.values()]:
        assert _contents(out) == new, out  # complete, and no temporary left
    capsys.readouterr()


# --- Spreadsheet-safe outputs ---------------------------------------------------------------

FORMULAS = ['=HYPERLINK("http://evil.example/","Click")', "+1+2", "-3+4", "@SUM(A1)"]


class _Cells(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.cells: list[str] = []
        self._open = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._open = tag == "td"
        if self._open:
            self.cells.append("")

    def handle_endtag(self, tag: str) -> None:
        self._open = False

    def handle_data(self, data: str) -> None:
        if self._open:
            self.cells[-1] += data


def test_ticket_fields_that_look_like_formulas_are_plain_text_in_every_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    agreement = _agreement(tmp_path)
    tickets = tmp_path / "tickets.csv"
    rows = [
        '"{}",P1,2027-01-05 1{}:00,2027-01-06 10:00,2027-01-07 10:00'.format(
            ticket.replace('"', '""'), hour
        )
        for hour, ticket in enumerate(FORMULAS)
    ]
    tickets.write_text("id,priority,created,responded,resolved\n" + "\n".join(rows) + "\n")
    out = tmp_path / "reports"
    args = ["--tickets", str(tickets), "--period", "2027-01", "--as-of", "2027-02-01T12:00"]
    assert (
        main(["report", str(agreement), *args, "--out", str(out), "--format", "md,html,docx"]) == 0
    )
    capsys.readouterr()
    # Every ticket breached its response target: it is listed, once per target, as text.
    markdown = (out / "acme-standard-2027-01.md").read_text(encoding="utf-8")
    for ticket in FORMULAS:
        assert f"\n| {ticket} | P1 | response |" in markdown
    parser = _Cells()
    parser.feed((out / "acme-standard-2027-01.html").read_text(encoding="utf-8"))
    assert all(parser.cells.count(ticket) == 2 for ticket in FORMULAS)
    word = docx.Document(str(out / "acme-standard-2027-01.docx"))
    cells = [cell.text for table in word.tables for row in table.rows for cell in row.cells]
    assert all(cells.count(ticket) == 2 for ticket in FORMULAS)
    with zipfile.ZipFile(out / "acme-standard-2027-01.docx") as package:
        body = package.read("word/document.xml").decode("utf-8")
        links = package.read("word/_rels/document.xml.rels").decode("utf-8")
    # The document's own fields (page references) stay; no ticket text became a field or a link.
    fields = re.findall(r"<w:instrText[^>]*>([^<]*)<|w:instr=\"([^\"]*)\"", body)
    assert fields and not any("SUM" in "".join(field) for field in fields)
    texts = "".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", body))
    assert body.count("evil.example") == texts.count("evil.example") == 2
    assert "evil.example" not in links
