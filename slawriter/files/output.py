"""Writing outputs: atomic writes, output sets written all or nothing, the internal record
beside each output set, and the protection of outputs someone edited."""

from __future__ import annotations

import errno
import hashlib
import json
import os
import signal
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from slawriter.errors import InputError, RefusedError, SlawriterError, WriteError
from slawriter.files.reading import (
    MAX_OUTPUT_BYTES,
    MAX_RECORD_BYTES,
    NotReadable,
    read_regular,
)


def display_path(path: Path) -> str:
    """A path as the user would recognise it: relative to the working directory if inside."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError, RuntimeError):  # outside; a NUL byte; a symbolic link loop
        return str(path)


def own_name(path: Path) -> str:
    """``path`` as the user named it: its folder as display_path shows it, and its own name
    even when it is a symbolic link (display_path would show where the link leads)."""
    folder = display_path(path.parent)
    return path.name if folder == "." else str(Path(folder) / path.name)


def _reason(error: NotReadable) -> str:
    """What the safe reader found, without its advice (which is for a file the user named)."""
    return str(error).split(":", 1)[0]


# tempfile (with random) and threading are imported where they are used: `validate` and
# `check` only need display_path from this module.


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so a reader sees the old file or the new one, never half."""
    import tempfile

    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


RECORD_SUFFIX = ".slawriter.json"


def record_path(out_dir: Path, stem: str) -> Path:
    return out_dir / f"{stem}{RECORD_SUFFIX}"


def read_record(path: Path) -> dict[str, Any]:
    """The record at ``path``. An interrupted write of the folder is finished first, so the
    record read always describes the files beside it."""
    finish_interrupted_write(path.parent)
    if path.parent.exists() and not path.parent.is_dir():
        raise InputError(
            f"{display_path(path.parent)} is a file, not a folder: choose another --out folder"
        )
    if not os.path.lexists(path):
        return {}
    try:
        # The safe reader: a FIFO under the record's name would block, /dev/zero never end.
        raw = read_regular(path, MAX_RECORD_BYTES)
    except NotReadable as error:
        raise InputError(
            f"{own_name(path)} {_reason(error)}; it is not a slawriter record: "
            "move it away and render again"
        ) from None
    try:
        loaded = json.loads(raw.decode("utf-8"))
    except (OSError, ValueError):
        raise InputError(
            f"{display_path(path)} is not a slawriter record (damaged JSON); "
            "move it away and render again"
        ) from None
    if not isinstance(loaded, dict) or not isinstance(loaded.get("files", {}), dict):
        raise InputError(
            f"{display_path(path)} is not a slawriter record (unexpected content); "
            "move it away and render again"
        )
    return loaded


def check_overwrite(
    outputs: Mapping[Path, bytes],
    record: Mapping[str, Any],
    force: bool,
    source: Path | None = None,
) -> None:
    """Refuse (exit 3) to replace an output that changed since slawriter wrote it, or one
    drafted from another agreement file (two customers' files with the same name)."""
    existing: dict[Path, bytes] = {}
    for path in outputs:
        if path.is_dir():
            raise InputError(
                f"{own_name(path)} is a folder: move it away or choose another --out folder"
            )
        if not os.path.lexists(path) or (path.is_symlink() and not path.exists()):
            continue  # nothing there, or a link to nothing: the write replaces the link
        try:
            # The safe reader: a FIFO under an output's name would block the render, a link
            # to /dev/zero or to a huge file fill memory.
            existing[path] = read_regular(path, MAX_OUTPUT_BYTES)
        except NotReadable as error:
            raise InputError(
                f"{own_name(path)} {_reason(error)}; slawriter will not replace it: move it away "
                "or choose another --out folder"
            ) from None
    if force:
        return
    drafted_from = record.get("agreement_path")
    if source is not None and drafted_from and drafted_from != str(source.resolve()):
        names = ", ".join(display_path(p) for p in outputs)
        raise RefusedError(
            f"Refusing to overwrite {names}: they were drafted from {drafted_from}, not from "
            f"{display_path(source)}. Choose another --out folder, or pass --force to replace them."
        )
    known: Mapping[str, str] = record.get("files", {})
    refused = []
    for path, data in outputs.items():
        if path not in existing:
            continue
        current = sha256(existing[path])
        if current == sha256(data):
            continue
        recorded = known.get(path.name)
        if recorded is None:
            refused.append(
                f"{own_name(path)} exists and was not written by slawriter "
                "(no entry in the record beside it)"
            )
        elif recorded != current:
            refused.append(f"{own_name(path)} was edited after slawriter wrote it")
    if refused:
        raise RefusedError(
            "Refusing to overwrite: "
            + "; ".join(refused)
            + ". Save your edits under another name, or pass --force to replace them."
        )


def dump_record(record: Mapping[str, Any]) -> bytes:
    return (json.dumps(record, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode()


# Writing a set of files all or nothing
# -------------------------------------
# POSIX renames one name atomically, never several, so a set (acme.md, acme.docx, acme.pdf and
# the record acme.slawriter.json) is written in two phases:
#
# 1. Every file goes to a hidden temporary in the same folder (".acme.md.k2x9.slawriter-partial")
#    and is flushed to disk. A failure or Ctrl-C here removes the temporaries: the old set is
#    untouched. A SIGKILL here leaves temporaries; the next write into the folder (or read of a
#    record in it) removes them.
# 2. A journal naming each temporary and the file it becomes is renamed into place: that rename
#    commits the set. Each temporary is then renamed over its file, the record last, and the
#    journal removed. Ctrl-C, SIGTERM and SIGHUP wait until this phase is over. If the process
#    dies inside it (SIGKILL, power loss), the next write into the folder or read of a record
#    in it first finishes the renames the journal names.
#
# So slawriter only ever sees the old complete set or the new complete set, and an interrupted
# write never blocks the next one. Another program looking at the folder during phase 2 (a few
# renames, no data written) or after a SIGKILL inside it, before slawriter runs again, can see
# some files new and some old; no file is ever half-written. Writers of one folder hold a lock
# on it, so that one writer's clean-up never removes another's live temporaries.

PARTIAL_SUFFIX = ".slawriter-partial"
JOURNAL_NAME = ".slawriter-journal.json"
_LOCK_WAIT_SECONDS = 30.0
_DEFERRED_SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name)
)


def write_set(folder: Path, files: Mapping[str, bytes]) -> list[Path]:
    """Write ``files`` (file name -> bytes) into ``folder`` all or nothing, in the order given:
    put the record last. A folder that cannot take them (full, read-only, not writable) raises
    WriteError and leaves the files already there as they were."""
    needed = sum(len(data) for data in files.values())
    for name in files:
        if os.path.basename(name) != name or name in ("", ".", ".."):
            raise ValueError(f"not a file name: {name!r}")
    _make_folder(folder, needed)
    for name in files:
        if (folder / name).is_dir():
            raise InputError(
                f"{display_path(folder / name)} is a folder: move it away or choose another "
                "--out folder"
            )
    try:
        with _folder_lock(folder):
            _finish_interrupted(folder)
            renames = _write_partials(folder, files)
            with _signals_deferred():
                _commit(folder, renames)
                try:
                    _roll_forward(folder, renames)
                except OSError as error:  # after the commit: the journal stays to finish it
                    raise _write_error(folder, None, error) from None
    except OSError as error:
        raise _write_error(folder, needed, error) from None
    return [folder / name for name in files]


def finish_interrupted_write(folder: Path) -> None:
    """Finish a write_set that a killed process committed, or remove the temporaries of one
    it had not: either way the folder then holds one complete set."""
    try:
        names = os.listdir(folder)
    except OSError:
        return  # no folder (or not readable): nothing to finish, and whoever reads says why
    if JOURNAL_NAME not in names and not any(_is_partial(name) for name in names):
        return
    try:
        with _folder_lock(folder):
            _finish_interrupted(folder)
    except OSError as error:
        raise _write_error(folder, None, error) from None


def _is_partial(name: str) -> bool:
    return name.startswith(".") and name.endswith(PARTIAL_SUFFIX)


def _finish_interrupted(folder: Path) -> None:
    if (folder / JOURNAL_NAME).exists():
        with _signals_deferred():
            _roll_forward(folder, _read_journal(folder / JOURNAL_NAME))
    for name in os.listdir(folder):
        if _is_partial(name):
            (folder / name).unlink(missing_ok=True)


def _make_folder(folder: Path, needed: int) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        raise InputError(
            f"{display_path(folder)} is a file, not a folder: choose another --out folder"
        ) from None
    except OSError as error:
        raise _write_error(folder, needed, error) from None


def _write_partials(folder: Path, files: Mapping[str, bytes]) -> list[tuple[str, str]]:
    """Each file to a flushed temporary; on any failure (Ctrl-C too) none is left behind."""
    renames: list[tuple[str, str]] = []
    try:
        for name, data in files.items():
            renames.append((_write_partial(folder, name, data), name))
    except BaseException:
        with _signals_deferred():  # a second Ctrl-C must not stop the clean-up
            for partial, _ in renames:
                (folder / partial).unlink(missing_ok=True)
        raise
    return renames


def _write_partial(folder: Path, name: str, data: bytes) -> str:
    import tempfile

    handle, path = tempfile.mkstemp(prefix=f".{name}.", suffix=PARTIAL_SUFFIX, dir=folder)
    try:
        view = memoryview(data)
        while view:  # a short write is how a filling disk starts: carry on until ENOSPC
            view = view[os.write(handle, view) :]
        os.fsync(handle)
        os.fchmod(handle, 0o644)
    except BaseException:
        Path(path).unlink(missing_ok=True)
        raise
    finally:
        os.close(handle)
    return os.path.basename(path)


def _commit(folder: Path, renames: Sequence[tuple[str, str]]) -> None:
    """Put the journal in place: from here on the new set wins, even if the process dies."""
    journal = json.dumps({"rename": [list(pair) for pair in renames]}).encode()
    partial = None
    try:
        partial = _write_partial(folder, JOURNAL_NAME, journal)
        os.replace(folder / partial, folder / JOURNAL_NAME)
        _sync_folder(folder)
    except BaseException:
        (folder / JOURNAL_NAME).unlink(missing_ok=True)
        for name in [partial] if partial else []:
            (folder / name).unlink(missing_ok=True)
        for name, _ in renames:
            (folder / name).unlink(missing_ok=True)
        raise


def _roll_forward(folder: Path, renames: Sequence[tuple[str, str]]) -> None:
    for partial, final in renames:
        # A missing temporary was renamed before the process that wrote it was stopped.
        with suppress(FileNotFoundError):
            os.replace(folder / partial, folder / final)
    _sync_folder(folder)
    (folder / JOURNAL_NAME).unlink(missing_ok=True)


def _read_journal(path: Path) -> list[tuple[str, str]]:
    """The renames a journal names; none if it is not one of ours (its temporaries are then
    removed as uncommitted). Only names inside the folder are accepted."""
    try:
        entries = json.loads(read_regular(path, MAX_RECORD_BYTES))["rename"]
        renames = [(str(partial), str(final)) for partial, final in entries]
    except (OSError, NotReadable, ValueError, KeyError, TypeError):
        return []
    for partial, final in renames:
        if not _is_partial(partial) or not final or final in (".", ".."):
            return []
        if os.path.basename(partial) != partial or os.path.basename(final) != final:
            return []
    return renames


def _sync_folder(folder: Path) -> None:
    """Make the renames in ``folder`` durable (where the platform can sync a folder)."""
    try:
        handle = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(handle)
    except OSError as error:
        if error.errno not in (errno.EINVAL, errno.EBADF, errno.ENOTSUP):
            raise
    finally:
        os.close(handle)


@contextmanager
def _folder_lock(folder: Path) -> Iterator[None]:
    try:
        import fcntl
    except ImportError:  # not POSIX: writers of one folder must take turns by themselves
        yield
        return
    handle = os.open(folder, os.O_RDONLY)
    try:
        deadline = time.monotonic() + _LOCK_WAIT_SECONDS
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise WriteError(
                        f"Another slawriter has been writing into {display_path(folder)} for "
                        f"{_LOCK_WAIT_SECONDS:.0f} seconds: let it finish (or stop it) and run "
                        "the command again"
                    ) from None
                time.sleep(0.05)
            except OSError:
                break  # a file system without locks (some network shares): write unlocked
        yield
    finally:
        os.close(handle)


@contextmanager
def _signals_deferred() -> Iterator[None]:
    """Hold Ctrl-C, SIGTERM and SIGHUP until the block is over, then deliver them."""
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread can handle signals, so only it is ever interrupted
        return
    caught: list[int] = []
    previous = {
        number: signal.signal(number, lambda number, _frame: caught.append(number))
        for number in _DEFERRED_SIGNALS
    }
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, signal.SIG_DFL if handler is None else handler)
        if caught:
            signal.raise_signal(caught[0])


def _write_error(folder: Path, needed: int | None, error: OSError) -> SlawriterError:
    """A sentence for the user. ``needed`` is the size of the set being written, or None when
    finishing a committed write (then some files may already be new)."""
    where = display_path(folder)
    if needed is None:
        doing = f"Cannot finish writing the new files into {where}"
        after = "Once that is fixed, the next render into the folder completes them"
    else:
        doing = f"Cannot write into {where}"
        after = (
            "Nothing was changed; choose another --out folder, or fix this one, and run the "
            "command again"
        )
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        full = "the disk is full" if error.errno == errno.ENOSPC else "the disk quota is used up"
        free = _free_space(folder)
        have = "" if free is None else f", {_size(free)} free"
        if needed is None:
            return WriteError(f"{doing}: {full}{have}. {after}")
        return WriteError(
            f"Not enough space in {where} ({full}): the files need {_size(needed)}{have}. "
            "Nothing was changed; free some space, or choose another --out folder, and run "
            "the command again"
        )
    if error.errno == errno.EROFS:
        reason = "it is on a read-only file system"
    elif error.errno in (errno.EACCES, errno.EPERM):
        reason = "permission denied"
    else:
        reason = error.strerror or str(error)
    return WriteError(f"{doing}: {reason}. {after}")


def _free_space(folder: Path) -> int | None:
    try:
        stats = os.statvfs(folder)
    except (OSError, AttributeError):
        return None
    return stats.f_bavail * stats.f_frsize


def _size(count: int) -> str:
    if count < 1000:
        return f"{count} bytes"
    if count < 1_000_000:
        return f"{count / 1000:.0f} kB"
    if count < 1_000_000_000:
        return f"{count / 1_000_000:.1f} MB"
    return f"{count / 1_000_000_000:.1f} GB"
