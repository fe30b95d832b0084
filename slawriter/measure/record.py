"""Reports go into the ``.slawriter.json`` record beside them, as agreements do.

A report someone edited after slawriter wrote it (or a file of the same name slawriter did not
write) is never replaced without ``--force``: the same check, message and exit code (3) as
``render``. The record names the agreement and the input files with their SHA-256 hashes, so
a report can be traced back to exactly what it was computed from, with the as-of time and the
preset or mapping file the export was read with.

A file of the set that a new run no longer writes (the evidence, once nothing is owed) is
removed and dropped from the record when the record shows slawriter wrote it and it is
unchanged; an edited one is refused (exit 3) unless ``--force``, as a replaced output is.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from slawriter import __version__
from slawriter.errors import RefusedError
from slawriter.files.output import (
    check_overwrite,
    display_path,
    dump_record,
    own_name,
    read_record,
    record_path,
    sha256,
    write_set,
)


def file_hash(path: Path, stop: threading.Event | None = None) -> str:
    """SHA-256 of a file, read a block at a time (an export may be large). ``stop``: set to
    give up between blocks (the hash returned is then of the part read: not to be used)."""
    import hashlib

    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
            if stop is not None and stop.is_set():
                break
    return digest.hexdigest()


class Hashing:
    """Files' SHA-256 computed by a thread while this one goes on: hashlib lets go of the
    interpreter while it hashes, so the hashes take a core this process is not using (a
    report's exports, ~250 MB for a million tickets: ~0.17 s off the report's time)."""

    def __init__(self, paths: Sequence[Path]) -> None:
        self._paths = list(dict.fromkeys(paths))
        self._hashes: dict[str, str] = {}
        self._error: BaseException | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="slawriter-hashing", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            for path in self._paths:
                self._hashes[str(path)] = file_hash(path, self._stop)
                if self._stop.is_set():
                    return
        except BaseException as error:  # raised again where the hashes are asked for
            self._error = error

    def result(self) -> dict[str, str]:
        """Each file's hash by its path (as str); the thread's error raised here."""
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._hashes

    def cancel(self) -> None:
        """Stop hashing (between blocks) and wait for the thread: the hashes are not wanted."""
        self._stop.set()
        self._thread.join()


def write_report_set(
    out_dir: Path,
    stem: str,
    files: Mapping[str, bytes],
    *,
    agreement_path: Path,
    agreement_sha256: str,
    inputs: Mapping[str, tuple[Path, str]],
    force: bool,
    details: Mapping[str, Any] | None = None,
    retired: Sequence[str] = (),
) -> list[Path]:
    """Write ``files`` (name -> bytes) and the record ``stem.slawriter.json`` all or nothing,
    refusing (exit 3) to replace an edited output unless ``force``. ``details`` go into the
    record as they are; ``inputs`` are role -> (path, SHA-256); ``retired`` names files of the
    set this run does not write: removed when slawriter wrote them and they are unedited
    (edited: exit 3 unless ``force``)."""
    rec_path = record_path(out_dir, stem)
    record = read_record(rec_path)
    outputs = {out_dir / name: data for name, data in files.items()}
    check_overwrite(outputs, record, force, source=agreement_path)
    known = dict(record.get("files", {}))
    stale = _stale(out_dir, [n for n in retired if n not in files], known, force)
    for name in retired:
        if name not in files:
            known.pop(name, None)
    known.update({name: sha256(data) for name, data in files.items()})
    body: dict[str, Any] = {
        "about": "Internal record written by slawriter: do not send to the customer.",
        "slawriter_version": __version__,
        "agreement": display_path(agreement_path),
        "agreement_path": str(agreement_path.resolve()),
        "agreement_sha256": agreement_sha256,
        "inputs": {
            role: {"path": display_path(path), "sha256": digest}
            for role, (path, digest) in inputs.items()
        },
        **(details or {}),
        "files": known,
    }
    written = write_set(out_dir, {**files, rec_path.name: dump_record(body)})
    # After the record no longer names them: an interrupted run leaves a file the record
    # does not claim, never a record claiming a file that is gone.
    for path in stale:
        path.unlink(missing_ok=True)
    return written[:-1]


def _stale(
    out_dir: Path, names: Sequence[str], known: Mapping[str, str], force: bool
) -> list[Path]:
    """The files of ``names`` to remove: those the record says slawriter wrote, unedited
    (with ``force``, edited ones too). A file the record does not name is not slawriter's:
    left alone."""
    stale: list[Path] = []
    refused: list[str] = []
    for name in names:
        path = out_dir / name
        recorded = known.get(name)
        if recorded is None or not path.is_file() or path.is_symlink():
            continue
        if force or sha256(path.read_bytes()) == recorded:
            stale.append(path)
        else:
            refused.append(own_name(path))
    if refused:
        raise RefusedError(
            f"Refusing to remove {', '.join(refused)}: this run owes nothing, so it no longer "
            "belongs to the report, but it was edited after slawriter wrote it. Move it "
            "away, or pass --force to remove it."
        )
    return stale
