"""The resident slawriter: where its socket lives and which code it runs.

Most of a one-agreement command is Python importing pydantic, python-docx, Jinja and the
models, and building the models' validators (~335 ms of a ~620 ms render, ~200 ms of a
~250 ms validate). ``slawriter daemon start`` keeps one process with all of that done; each
command is then run by a fresh child forked from it (``daemon/server.py``) on the caller's
own standard input, output and error, in the caller's folder and environment, and the caller
gets the command's exit code. Nothing of one command stays for the next: each runs in its own
child, which reads every file afresh.

This module holds what the short-lived client (``daemon/client.py``, run before anything
heavy is imported) and the server must agree on, with the standard library only:

- the folder of the socket: ``$SLAWRITER_DAEMON_DIR``, else ``$XDG_RUNTIME_DIR/slawriter``,
  else ``/tmp/slawriter-UID``; used only when it is a real folder (not a link) owned by this
  user that nobody else can enter (mode 0700), which keeps other users from answering in
  the daemon's place;
- the code's fingerprint, in the socket's name: the Python, slawriter's folder, and every
  file of the package with its size and modification time, the folder of installed
  packages, and the environment variables that change what Python imports or how it runs
  (PYTHONPATH, PYTHONWARNINGS, PYTHONDEVMODE...). A client whose code or interpreter
  settings differ (an upgrade, an edited module, another checkout, another PYTHONPATH) finds
  no socket with its fingerprint and runs the command itself, so a daemon never runs code
  other than the code the caller would have run.
"""

from __future__ import annotations

import os
import stat
import sys

try:  # hashlib itself costs 3 ms (OpenSSL); the one hash needed is built in
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - a Python built without it
    from hashlib import blake2b

DIR_ENV = "SLAWRITER_DAEMON_DIR"
# "off": never use a daemon; "require": fail (exit 2) rather than run without one (scripts and
# benchmarks that must measure the daemon). Anything else: use one when it is running.
USE_ENV = "SLAWRITER_DAEMON"

# Commands run by the daemon: every command that does not keep a terminal or a port of its own.
NOT_FORWARDED = frozenset({"new", "serve", "daemon"})

# Strings, not pathlib: the client runs before anything else is imported (pathlib costs 12 ms).
# Read by Python at start-up: a daemon started with other values runs differently.
INTERPRETER_ENV = (
    "PYTHONPATH",
    "PYTHONHOME",
    "PYTHONSAFEPATH",
    "PYTHONNOUSERSITE",
    "PYTHONUSERBASE",
    "PYTHONWARNINGS",
    "PYTHONDEVMODE",
    "PYTHONHASHSEED",
    "PYTHONOPTIMIZE",
    "PYTHONDONTWRITEBYTECODE",
    "PYTHONPYCACHEPREFIX",
    "PYTHONINTMAXSTRDIGITS",
    "PYTHONMALLOC",
    "PYTHONFAULTHANDLER",
    "PYTHONTRACEMALLOC",
    "PYTHONPROFILEIMPORTTIME",
    "PYTHONUTF8",
    "PYTHONCOERCECLOCALE",
    "PYTHONWARNDEFAULTENCODING",
)

PACKAGE = os.path.dirname(os.path.abspath(__file__)).rpartition(os.sep)[0]


def runtime_dir() -> str:
    """The folder the daemon's socket goes in (it may not exist yet)."""
    chosen = os.environ.get(DIR_ENV)
    if chosen:
        return chosen
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    if runtime:
        return os.path.join(runtime, "slawriter")
    return os.path.join("/tmp", f"slawriter-{os.getuid()}")


def private_dir_problem(folder: str) -> str | None:
    """Why ``folder`` cannot hold the socket (None: it is this user's alone)."""
    if not os.path.isabs(folder):
        return f"{folder} is not an absolute path (a relative one is found from one folder only)"
    try:
        found = os.lstat(folder)
    except FileNotFoundError:
        return f"{folder} does not exist"
    except OSError as error:
        return f"{folder}: {error.strerror}"
    if not stat.S_ISDIR(found.st_mode):
        return f"{folder} is not a folder (a link or a file)"
    if found.st_uid != os.getuid():
        return f"{folder} belongs to another user (uid {found.st_uid})"
    if found.st_mode & 0o077:
        mode = found.st_mode & 0o777
        return f"{folder} can be entered by other users (mode {mode:o}; 700 needed)"
    return None


def fingerprint() -> str:
    """A short hash of everything the code a command runs depends on (see the module)."""
    digest = blake2b(digest_size=8)
    digest.update(f"{sys.executable}\0{sys.version}\0{PACKAGE}\0".encode())
    for name in INTERPRETER_ENV:
        digest.update(f"{name}={os.environ.get(name)}\0".encode("utf-8", "surrogateescape"))
    for root, dirs, files in os.walk(PACKAGE):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            try:
                found = os.stat(os.path.join(root, name))
            except OSError:  # removed while walking: the next client sees the change
                continue
            digest.update(f"{root}/{name}\0{found.st_mtime_ns}\0{found.st_size}\0".encode())
    # Installing, upgrading or removing a package changes its folder of installed packages.
    for entry in sys.path:
        if entry.endswith("-packages"):
            try:
                digest.update(f"{entry}\0{os.stat(entry).st_mtime_ns}\0".encode())
            except OSError:
                continue
    return digest.hexdigest()


def socket_path(folder: str | None = None, code: str | None = None) -> str:
    return os.path.join(folder or runtime_dir(), f"daemon-{code or fingerprint()}.sock")
