"""The library: clauses, profiles and templates, everything a firm may customise.

The built-in library is found in the source tree (editable installs) or inside the installed
package (``slawriter/_library``, put there by the wheel build). Another one is chosen by, in
this order (the first found wins): ``--library DIR``; the ``SLAWRITER_LIBRARY`` environment
variable; ``library:`` in a ``.slawriter.yaml`` config file in the current folder or the
nearest folder above it; ``library:`` in ``$XDG_CONFIG_HOME/slawriter/config.yaml`` (default
``~/.config/slawriter/config.yaml``). A path in a config file is relative to that file.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from slawriter.errors import InputError
from slawriter.files.output import display_path

if TYPE_CHECKING:
    from slawriter.library.clauses import Clause
    from slawriter.library.jurisdictions import Jurisdictions, Spelling
    from slawriter.library.profiles import Profile


def __getattr__(name: str) -> Any:
    # Clause and Profile are pydantic models, imported when first used: finding the library
    # (and the wizard's first question) needs neither.
    if name == "Clause":
        from slawriter.library.clauses import Clause

        return Clause
    if name == "Profile":
        from slawriter.library.profiles import Profile

        return Profile
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


LIBRARY_ENV = "SLAWRITER_LIBRARY"
CONFIG_FILE = ".slawriter.yaml"


def config_files(start: Path | None = None) -> list[Path]:
    """The config files that may name a library, nearest first."""
    found = []
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / CONFIG_FILE).is_file():
            found.append(folder / CONFIG_FILE)
            break
    user_home = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    user = Path(user_home) / "slawriter" / "config.yaml"
    if user.is_file():
        found.append(user)
    return found


def _library_from_config() -> tuple[Path, str] | None:
    from slawriter.files.yaml import read_yaml

    for path in config_files():
        doc = read_yaml(path)
        data = doc.data if isinstance(doc.data, dict) else {}
        unknown = sorted(set(data) - {"library"})
        if unknown or not isinstance(doc.data, dict):
            raise InputError(
                f"{display_path(path)}: a slawriter config file has one key, 'library: DIR'"
                + (f" (unknown: {', '.join(map(str, unknown))})" if unknown else "")
            )
        value = data.get("library")
        if value is None:
            continue
        if not isinstance(value, str) or not value.strip():
            raise InputError(f"{display_path(path)}: library: expected a folder path")
        return (path.parent / Path(value).expanduser()), display_path(path)
    return None


def builtin_library_root() -> Path:
    source_tree = Path(__file__).resolve().parents[2]
    if (source_tree / "clauses").is_dir() and (source_tree / "profiles").is_dir():
        return source_tree
    from importlib import resources  # with tempfile: only an installed package needs it

    return Path(str(resources.files("slawriter") / "_library"))


@dataclass
class Library:
    root: Path
    _profiles: dict[str, Profile] = field(default_factory=dict)
    # Things other modules derive from the library once per process (compiled templates).
    cache: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def locate(cls, option: str | None = None, *, flag: str = "--library") -> Library:
        """The library ``option`` names (given as ``flag``, for messages), else the one
        $SLAWRITER_LIBRARY or .slawriter.yaml names, else the built-in one."""
        chosen = option or os.environ.get(LIBRARY_ENV)
        if chosen:
            root = Path(chosen).expanduser()
            origin = flag if option else LIBRARY_ENV
        else:
            configured = _library_from_config()
            if configured is None:
                return cls.reused(builtin_library_root())
            root, origin = configured
        for part in ("clauses", "profiles", "templates"):
            if not (root / part).is_dir():
                raise InputError(
                    f"{display_path(root)} (from {origin}) is not a slawriter library: "
                    f"it has no {part}/ folder (create one with 'slawriter library init DIR')"
                )
        return cls.reused(root)

    @classmethod
    def reused(cls, root: Path) -> Library:
        """The library at ``root``: one kept by ``keep_libraries`` while none of its files has
        changed since (its clauses parsed, its templates compiled), else read afresh."""
        kept = _KEPT.get(root)
        if kept is None or files_stamp(root) != kept[0]:
            return cls(root)
        library = kept[1]
        library.__dict__.pop("commit", None)  # Git's state is asked again: it has no file here
        return library

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
        from slawriter.library.clauses import load_clauses

        return load_clauses(self.clauses_dir)

    @cached_property
    def jurisdictions(self) -> Jurisdictions:
        from slawriter.library.jurisdictions import load_jurisdictions

        return load_jurisdictions(self.clauses_dir)

    def spelling(self, language: str) -> Spelling:
        from slawriter.library.jurisdictions import Spelling, load_spelling

        key = f"spelling:{language}"
        found = self.cache.get(key)
        if not isinstance(found, Spelling):
            found = self.cache[key] = load_spelling(self.clauses_dir, language)
        return found

    def profile(self, name: str) -> Profile:
        if name not in self._profiles:
            path = self.profiles_dir / f"{name}.yaml"
            if not path.is_file():
                available = sorted(p.stem for p in self.profiles_dir.glob("*.yaml"))
                raise InputError(f"unknown profile '{name}' (available: {', '.join(available)})")
            from slawriter.library.profiles import load_profile

            self._profiles[name] = load_profile(path)
        return self._profiles[name]

    @cached_property
    def commit(self) -> str | None:
        """The Git commit of the library when it is a Git checkout ("<sha>-dirty" when its
        clauses, profiles or templates have uncommitted changes); None otherwise."""
        # One git process for both: porcelain v2 with --branch starts with "# branch.oid
        # <sha>" (the commit `git rev-parse HEAD` gives, or "(initial)" before the first
        # commit), and lists every changed or untracked path below its "#" lines.
        import subprocess  # only render and report ask: validate and check never do

        try:
            result = subprocess.run(
                [
                    "git",
                    "-C",
                    str(self.root),
                    "status",
                    "--porcelain=v2",
                    "--branch",
                    "--",
                    "clauses",
                    "profiles",
                    "templates",
                ],
                capture_output=True,
                text=True,
                timeout=10,
                check=False,
            )
        except (OSError, subprocess.SubprocessError):
            return None
        if result.returncode != 0:
            return None
        lines = result.stdout.splitlines()
        heads = [line.split()[2] for line in lines if line.startswith("# branch.oid ")]
        commit = heads[0] if heads else ""
        if len(commit) != 40:
            return None
        # A library edited since its last commit is not that commit: say so.
        dirty = any(line.strip() and not line.startswith("#") for line in lines)
        return commit + ("-dirty" if dirty else "")


__all__ = ["LIBRARY_ENV", "Clause", "Library", "Profile"]


Stamp = tuple[tuple[str, int, int, int, int], ...]

# Libraries a long-lived process (the daemon) keeps for the commands it runs next.
_KEPT: dict[Path, tuple[Stamp, Library]] = {}


def files_stamp(root: Path) -> Stamp:
    """What the disk says about every file of the library at ``root`` (path, modification
    and change times, size, inode): any edit, addition, removal or replacement changes it,
    even one that puts the modification time back (``cp -p``, ``touch -r``)."""
    found: list[tuple[str, int, int, int, int]] = []
    for part in ("clauses", "profiles", "templates"):
        for folder, dirs, files in os.walk(root / part):
            dirs.sort()
            for name in sorted(files):
                path = os.path.join(folder, name)
                try:
                    info = os.stat(path)
                except OSError:
                    continue
                found.append((path, info.st_mtime_ns, info.st_ctime_ns, info.st_size, info.st_ino))
    return tuple(found)


def keep_libraries(libraries: list[Library]) -> None:
    """Keep ``libraries`` for the next commands of this process (the daemon's children, which
    start from its memory): ``Library.locate`` hands each out again while its files are as
    they were now, so a clause edited since is read afresh."""
    for library in libraries:
        library.__dict__.pop("commit", None)
        _KEPT[library.root] = (files_stamp(library.root), library)
