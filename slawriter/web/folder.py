"""The folder the server works in: only its own files are read or written.

A name from the browser is a bare file name in the folder: no path separators, no '..', no
hidden files, and no symbolic link that leads out of the folder.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from slawriter.errors import RefusedError, SlawriterError
from slawriter.files import roundtrip

if TYPE_CHECKING:
    from ruamel.yaml.comments import CommentedMap

AGREEMENT_SUFFIXES = (".yaml", ".yml")
DOCUMENT_SUFFIXES = (".docx", ".md", ".pdf")


@dataclass(frozen=True)
class Listed:
    """One agreement file on the start page."""

    name: str
    customer: str
    profile: str
    finished: bool
    changed: datetime


class Folder:
    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self.out = self.root / "out"

    def agreement(self, name: str) -> Path:
        """The agreement file ``name`` in the folder; refused if it names anything else."""
        return self._inside(self.root, name, AGREEMENT_SUFFIXES, "an agreement file")

    def document(self, name: str) -> Path:
        """A written document (out/NAME.docx, .md or .pdf)."""
        return self._inside(self.out, name, DOCUMENT_SUFFIXES, "a document")

    def _inside(self, folder: Path, name: str, suffixes: tuple[str, ...], what: str) -> Path:
        if (
            not name
            or name != Path(name).name
            or any(c in name for c in "/\\\x00")
            or name.startswith(".")
            or not name.lower().endswith(suffixes)
            or Path(name).is_absolute()
        ):
            raise RefusedError(f"'{name}' is not the name of {what} in this folder")
        path = folder / name
        if path.is_symlink() and path.resolve().parent != folder.resolve():
            raise RefusedError(f"'{name}' leads out of this folder: refused")
        return path

    def agreements(self, read: Callable[[Path], CommentedMap] = roundtrip.load) -> list[Listed]:
        """The agreement files of the folder, newest first (provider files left out);
        ``read`` reads one (the server's reads each once per change)."""
        found = []
        for path in sorted(self.root.iterdir()):
            if path.name.startswith(".") or path.suffix.lower() not in AGREEMENT_SUFFIXES:
                continue
            try:
                self.agreement(path.name)
                data = roundtrip.plain(read(path))
            except (SlawriterError, OSError, ValueError):  # unreadable: left off the list
                continue
            if not isinstance(data, dict) or "profile" not in data:
                continue  # a provider file, or not one of ours
            about = data.get("customer")
            customer = about.get("name") if isinstance(about, dict) else None
            found.append(
                Listed(
                    name=path.name,
                    customer=str(customer or ""),
                    profile=str(data.get("profile") or ""),
                    finished=not data.get("incomplete"),
                    changed=datetime.fromtimestamp(path.stat().st_mtime),
                )
            )
        return sorted(found, key=lambda listed: listed.changed, reverse=True)

    def free_name(self, base: str) -> str:
        """``base.yaml``, else ``base-2.yaml``..., not yet taken in the folder."""
        candidate, number = f"{base}.yaml", 2
        while (self.root / candidate).exists():
            candidate = f"{base}-{number}.yaml"
            number += 1
        return candidate


def version(path: Path) -> str:
    """What a page's answers were based on: the file's bytes, hashed."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()[:16]
    except OSError:
        return "none"
