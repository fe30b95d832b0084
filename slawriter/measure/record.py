"""Reports go into the ``.slawriter.json`` record beside them, as agreements do.

A report someone edited after slawriter wrote it (or a file of the same name slawriter did not
write) is never replaced without ``--force``: the same check, message and exit code (3) as
``render``. The record names the agreement and the input files with their SHA-256 hashes, so
a report can be traced back to exactly what it was computed from.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from slawriter import __version__
from slawriter.files.output import (
    check_overwrite,
    display_path,
    dump_record,
    read_record,
    record_path,
    sha256,
    write_set,
)


def file_hash(path: Path) -> str:
    """SHA-256 of a file, read a block at a time (an export may be large)."""
    import hashlib

    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_report_set(
    out_dir: Path,
    stem: str,
    files: Mapping[str, bytes],
    *,
    agreement_path: Path,
    agreement_sha256: str,
    inputs: Mapping[str, Path],
    force: bool,
) -> list[Path]:
    """Write ``files`` (name -> bytes) and the record ``stem.slawriter.json`` all or nothing,
    refusing (exit 3) to replace an edited output unless ``force``."""
    rec_path = record_path(out_dir, stem)
    record = read_record(rec_path)
    outputs = {out_dir / name: data for name, data in files.items()}
    check_overwrite(outputs, record, force, source=agreement_path)
    known = dict(record.get("files", {}))
    known.update({name: sha256(data) for name, data in files.items()})
    body: dict[str, Any] = {
        "about": "Internal record written by slawriter: do not send to the customer.",
        "slawriter_version": __version__,
        "agreement": display_path(agreement_path),
        "agreement_path": str(agreement_path.resolve()),
        "agreement_sha256": agreement_sha256,
        "inputs": {
            role: {"path": display_path(path), "sha256": file_hash(path)}
            for role, path in inputs.items()
        },
        "files": known,
    }
    written = write_set(out_dir, {**files, rec_path.name: dump_record(body)})
    return written[:-1]
