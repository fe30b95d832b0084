"""Library.commit: the library's Git commit, "-dirty" while its clauses, profiles or templates
have uncommitted changes (tracked or new files), None outside Git or before a first commit."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from slawriter.library import Library

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")

GIT_ENV = {
    "GIT_AUTHOR_NAME": "t",
    "GIT_AUTHOR_EMAIL": "t@example.com",
    "GIT_COMMITTER_NAME": "t",
    "GIT_COMMITTER_EMAIL": "t@example.com",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
}


def _git(root: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-C", str(root), *args],
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
        env={**os.environ, **GIT_ENV},
    )
    return done.stdout.strip()


@pytest.fixture
def library(tmp_path: Path) -> Path:
    root = tmp_path / "lib"
    for part in ("clauses", "profiles", "templates"):
        (root / part).mkdir(parents=True)
        (root / part / "a.txt").write_text(part, "utf-8")
    (root / "README").write_text("about", "utf-8")
    return root


def _commit(root: Path) -> str | None:
    return Library(root).commit  # a fresh Library: commit is cached per instance


def test_not_a_checkout(library: Path) -> None:
    assert _commit(library) is None


def test_no_commit_yet(library: Path) -> None:
    _git(library, "init", "-q")
    assert _commit(library) is None


def test_clean_edited_new_and_outside(library: Path) -> None:
    _git(library, "init", "-q")
    _git(library, "add", ".")
    _git(library, "commit", "-q", "-m", "first")
    head = _git(library, "rev-parse", "HEAD")
    assert _commit(library) == head
    (library / "README").write_text("edited outside the library's folders", "utf-8")
    assert _commit(library) == head
    (library / "clauses" / "a.txt").write_text("edited", "utf-8")
    assert _commit(library) == f"{head}-dirty"
    _git(library, "checkout", "-q", "--", "clauses")
    assert _commit(library) == head
    (library / "templates" / "new.txt").write_text("new", "utf-8")
    assert _commit(library) == f"{head}-dirty"
    (library / "templates" / "new.txt").unlink()
    _git(library, "checkout", "-q", "--detach")
    assert _commit(library) == head


def test_library_in_a_subfolder_of_a_checkout(library: Path, tmp_path: Path) -> None:
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "add", ".")
    _git(tmp_path, "commit", "-q", "-m", "first")
    head = _git(tmp_path, "rev-parse", "HEAD")
    assert _commit(library) == head
    (library / "profiles" / "a.txt").write_text("edited", "utf-8")
    assert _commit(library) == f"{head}-dirty"
