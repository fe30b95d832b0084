"""Compiled clause templates kept between runs, in the user's cache folder.

Compiling the library's Jinja templates is most of the work of drafting a first agreement in a
process, and the result only changes when a clause does. Jinja's own bytecode cache does the
bookkeeping: each entry is keyed by the template's name and checked against a hash of its
source, so an edited clause is compiled afresh, and entries are written to a temporary file
and renamed into place, so two processes racing to write one never leave half a file. The
folder's name carries everything else the compiled code depends on (the Python, Jinja and
slawriter versions, the sandbox's source and the environment's options).

The folder is ``$XDG_CACHE_HOME/slawriter`` (default ``~/.cache/slawriter``); when it cannot
be created or written, nothing is cached and nothing fails.
"""

from __future__ import annotations

import hashlib
import os
import sys
import tempfile
from pathlib import Path

from jinja2 import BytecodeCache, FileSystemBytecodeCache
from jinja2 import __version__ as jinja_version

from slawriter import __version__
from slawriter.templating import sandbox as sandbox_module

CACHE_ENV = "XDG_CACHE_HOME"


def cache_root() -> Path:
    base = os.environ.get(CACHE_ENV) or str(Path.home() / ".cache")
    return Path(base) / "slawriter"


def template_cache(options: str) -> BytecodeCache | None:
    """A bytecode cache for templates compiled with ``options`` (None: cannot be written)."""
    # The sandbox decides at compile time which operators it meters (``**``, ``*``...): code
    # compiled by another sandbox must never be loaded, so its source is part of the key.
    sandbox = hashlib.sha256(Path(sandbox_module.__file__ or "").read_bytes()).hexdigest()
    fingerprint = hashlib.sha256(
        f"{sys.version}|{jinja_version}|{__version__}|{sandbox}|{options}".encode()
    ).hexdigest()[:16]
    folder = cache_root() / f"templates-{fingerprint}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".probe-"):
            pass
    except OSError:
        return None
    return FileSystemBytecodeCache(str(folder), "%s.jinja")
