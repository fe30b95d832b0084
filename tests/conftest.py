"""Shared test fixtures.

Tests that need a real external program (LibreOffice, pdftotext, tmux) call ``need_tool``:
locally it skips when the program is missing; in CI (.ci/run sets SLAWRITER_REQUIRE_TOOLS=1)
a missing program is a failure, so a green CI always means the real clients ran.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


def need_tool(*names: str) -> str:
    """Return the path of the first program found among ``names``; skip or fail if none."""
    for name in names:
        found = shutil.which(name)
        if found:
            return found
    missing(f"needs {' or '.join(names)} on PATH")


def missing(message: str) -> None:
    """Skip (locally) or fail (in CI) for something the system lacks: a program, a font."""
    if os.environ.get("SLAWRITER_REQUIRE_TOOLS"):
        pytest.fail(message + " (mandatory in CI: SLAWRITER_REQUIRE_TOOLS is set)")
    pytest.skip(message)


@pytest.fixture
def examples_dir() -> Path:
    return EXAMPLES


def copy_examples(target: Path, *names: str) -> None:
    """Copy example agreements into ``target`` with the provider file and its logo."""
    for name in ("provider.yaml", "northwind-logo.png", *names):
        shutil.copy(EXAMPLES / name, target / name)


@pytest.fixture(autouse=True, scope="session")
def _user_cache_in_tmp(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Compiled templates go to a temporary cache folder, never the user's own; commands run
    here, never by a daemon the developer started (tests/test_daemon.py starts its own)."""
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("xdg-cache"))
    daemons = tmp_path_factory.mktemp("no-daemon")
    daemons.chmod(0o700)
    os.environ["SLAWRITER_DAEMON_DIR"] = str(daemons)
