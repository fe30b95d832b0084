"""Writing one target's export beside its record, all or nothing, never over a file someone
edited (as render does): the files, <stem>.<target>-NOT-EXPRESSED.md, and the record."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from slawriter import __version__
from slawriter.files.load import Loaded
from slawriter.files.output import (
    check_overwrite,
    display_path,
    dump_record,
    read_record,
    record_path,
    sha256,
    write_set,
)
from slawriter.policy import freshdesk, jira, openslo, zendesk
from slawriter.policy.common import Export, not_expressed_md
from slawriter.policy.targets import Promises, promises

EXPORTERS: dict[str, tuple[str, Callable[[Promises], Export]]] = {
    "zendesk": ("Zendesk", zendesk.export),
    "freshdesk": ("Freshdesk", freshdesk.export),
    "jira": ("Jira Service Management", jira.export),
    "openslo": ("OpenSLO", openslo.export),
}


def build(loaded: Loaded, target: str) -> tuple[Promises, Export]:
    promised = promises(loaded)
    heading, exporter = EXPORTERS[target]
    export = exporter(promised)
    export.files[f"{promised.stem}.{target}-NOT-EXPRESSED.md"] = not_expressed_md(
        promised, export, heading
    )
    return promised, export


def write(loaded: Loaded, target: str, out_dir: Path, force: bool) -> tuple[list[Path], Export]:
    promised, export = build(loaded, target)
    rec_path = record_path(out_dir, f"{promised.stem}.{target}-policy")
    record = read_record(rec_path)
    outputs = {out_dir / name: data for name, data in export.files.items()}
    check_overwrite(outputs, record, force, loaded.path)
    known = dict(record.get("files", {}))
    known.update({name: sha256(data) for name, data in export.files.items()})
    entry: dict[str, Any] = {
        "about": "Internal record written by slawriter: do not send to the customer.",
        "slawriter_version": __version__,
        "agreement": display_path(loaded.path),
        "agreement_path": str(loaded.path.resolve()),
        "agreement_sha256": loaded.source_hash,
        "target": target,
        "files": known,
    }
    written = write_set(out_dir, {**export.files, rec_path.name: dump_record(entry)})
    return written[:-1], export
