"""The library: clauses, profiles and templates, everything a firm may customise.

The built-in library is found in the source tree (editable installs) or inside the installed
package (``slawriter/_library``, put there by the wheel build). ``--library DIR`` or the
``SLAWRITER_LIBRARY`` environment variable choose another one (the option wins).
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass, field
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Any

from slawriter.errors import InputError
from slawriter.files import display_path
from slawriter.library.clauses import Clause, load_clauses
from slawriter.library.profiles import Profile, load_profile

LIBRARY_ENV = "SLAWRITER_LIBRARY"


def builtin_library_root() -> Path:
    source_tree = Path(__file__).resolve().parents[2]
    if (source_tree / "clauses").is_dir() and (source_tree / "profiles").is_dir():
        return source_tree
    return Path(str(resources.files("slawriter") / "_library"))


@dataclass
class Library:
    root: Path
    _profiles: dict[str, Profile] = field(default_factory=dict)
    # Things other modules derive from the library once per process (compiled templates).
    cache: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def locate(cls, option: str | None = None) -> Library:
        chosen = option or os.environ.get(LIBRARY_ENV)
        if not chosen:
            return cls(builtin_library_root())
        root = Path(chosen).expanduser()
        origin = "--library" if option else LIBRARY_ENV
        for part in ("clauses", "profiles", "templates"):
            if not (root / part).is_dir():
                raise InputError(
                    f"{display_path(root)} (from {origin}) is not a slawriter library: "
                    f"it has no {part}/ folder (create one with 'slawriter library init DIR')"
                )
        return cls(root)

    @property
    def clauses_dir(self) -> Path:
        return self.root / "clauses"

    @property
    def profiles_dir(self) -> Path:
        return self.root / "profiles"

    @property
    def templates_dir(self) -> Path:
        return self.root / "templates"

    @property
    def word_template(self) -> Path:
        return self.templates_dir / "agreement.docx"

    @cached_property
    def clauses(self) -> dict[tuple[str, str], Clause]:
        return load_clauses(self.clauses_dir)

    def profile(self, name: str) -> Profile:
        if name not in self._profiles:
            path = self.profiles_dir / f"{name}.yaml"
            if not path.is_file():
                available = sorted(p.stem for p in self.profiles_dir.glob("*.yaml"))
                raise InputError(f"unknown profile '{name}' (available: {', '.join(available)})")
            self._profiles[name] = load_profile(path)
        return self._profiles[name]

    @cached_property
    def commit(self) -> str | None:
        """The Git commit of the library, when it is a clean or dirty Git checkout."""
        try:
            result = subprocess.run(
                ["git", "-C", str(self.root), "rev-parse", "HEAD"],
                capture_output=True,
                text=True,
                timeout=10,
                check=False,
            )
        except (OSError, subprocess.SubprocessError):
            return None
        commit = result.stdout.strip()
        return commit if result.returncode == 0 and len(commit) == 40 else None


__all__ = ["LIBRARY_ENV", "Clause", "Library", "Profile"]
