"""Writing outputs: atomic writes, the internal record beside each output set, and the
protection of outputs someone edited."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from slawriter.errors import InputError, RefusedError


def display_path(path: Path) -> str:
    """A path as the user would recognise it: relative to the working directory if inside."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so a reader sees the old file or the new one, never half."""
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
    try:
        loaded = json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        return {}
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
    for path in outputs:
        if path.is_dir():
            raise InputError(
                f"{display_path(path)} is a folder: move it away or choose another --out folder"
            )
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
        if not path.exists():
            continue
        current = sha256(path.read_bytes())
        if current == sha256(data):
            continue
        recorded = known.get(path.name)
        if recorded is None:
            refused.append(
                f"{display_path(path)} exists and was not written by slawriter "
                "(no entry in the record beside it)"
            )
        elif recorded != current:
            refused.append(f"{display_path(path)} was edited after slawriter wrote it")
    if refused:
        raise RefusedError(
            "Refusing to overwrite: "
            + "; ".join(refused)
            + ". Save your edits under another name, or pass --force to replace them."
        )


def dump_record(record: Mapping[str, Any]) -> bytes:
    return (json.dumps(record, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode()
