"""slawriter daemon: keep slawriter loaded, so each command starts at once."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

NAME = "daemon"
HELP = "keep slawriter loaded in the background, so commands start at once"
DESCRIPTION = """Start, stop or ask about a background slawriter process that has its libraries
loaded. While it runs, every command but new and serve is handed to it: the command runs in a
fresh child of that process, on your terminal, in your folder and with your environment, and
reads every file afresh, so its output, messages and exit code are the same as without the
daemon, in a fraction of the time (one agreement drafted in about 0.2 s instead of 0.6 s).

The daemon is yours alone (a socket in a folder only you can enter: $XDG_RUNTIME_DIR/slawriter,
else /tmp/slawriter-UID, or $SLAWRITER_DAEMON_DIR) and serves only the slawriter that started
it: after an upgrade or an edit to slawriter's code, commands run without it until a new one
is started. It stops by itself after --idle minutes without a command. SLAWRITER_DAEMON=off
runs a command without it; SLAWRITER_DAEMON=require fails (exit 2) when none is running."""
EXAMPLES = """examples:
  slawriter daemon start
  slawriter daemon status
  slawriter daemon stop

exit codes: 0 done; 1 (status) no daemon is running; 2 the folder is not private or the
daemon could not start"""

DEFAULT_IDLE_MINUTES = 180


def add_arguments(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(
        dest="daemon_action", metavar="ACTION", required=True, parser_class=type(parser)
    )
    start = actions.add_parser(
        "start",
        help="start the daemon (nothing to do when it is running)",
        description="Start the daemon in the background and wait until it answers.",
    )
    start.add_argument(
        "--idle",
        type=float,
        default=DEFAULT_IDLE_MINUTES,
        metavar="MINUTES",
        help=f"stop after this many minutes without a command (default {DEFAULT_IDLE_MINUTES})",
    )
    stop = actions.add_parser(
        "stop",
        help="stop the daemon",
        description="Stop the daemon; a command it is running finishes first.",
    )
    stop.add_argument(
        "--all",
        action="store_true",
        help="stop every slawriter daemon of yours in the folder (older versions and other "
        "checkouts too)",
    )
    status = actions.add_parser(
        "status", help="say whether the daemon runs", description="Say whether the daemon runs."
    )
    status.add_argument("--json", action="store_true", help="print the status as JSON")


def run(args: argparse.Namespace) -> int:
    action: str = args.daemon_action
    if action == "start":
        return _start(args.idle)
    if action == "stop":
        return _stop(args.all)
    return _status(args.json)


# Longest socket path Linux takes (sun_path is 108 bytes with its terminating NUL).
MAX_SOCKET_PATH = 107
MAX_IDLE_MINUTES = 525_600  # a year


def _start(idle_minutes: float) -> int:
    import fcntl
    import math
    import os

    from slawriter.daemon import private_dir_problem, runtime_dir, socket_path
    from slawriter.errors import InputError

    if not (math.isfinite(idle_minutes) and 0 < idle_minutes <= MAX_IDLE_MINUTES):
        raise InputError(
            f"--idle {idle_minutes:g}: expected a number of minutes above 0, at most "
            f"{MAX_IDLE_MINUTES:,} (a year)"
        )
    folder = Path(runtime_dir())
    if not folder.is_absolute():
        raise InputError(f"SLAWRITER_DAEMON_DIR={folder}: expected an absolute path")
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as error:
        raise InputError(f"cannot create the daemon's folder {folder}: {error.strerror}") from error
    problem = private_dir_problem(str(folder))
    if problem is not None:
        raise InputError(f"the daemon's socket needs a private folder: {problem}")
    path = socket_path(str(folder))
    if len(os.fsencode(path)) > MAX_SOCKET_PATH:
        raise InputError(
            f"the daemon's socket path would be {len(os.fsencode(path))} bytes, over the "
            f"{MAX_SOCKET_PATH} a Unix socket may have: choose a shorter folder with "
            "SLAWRITER_DAEMON_DIR"
        )
    # One start at a time: two at once would both find no daemon and start two.
    with open(folder / "daemon.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        return _start_locked(folder, path, idle_minutes)


def _start_locked(folder: Path, path: str, idle_minutes: float) -> int:
    import subprocess
    import sys
    import time

    from slawriter.errors import EXIT_OK, InputError

    running = _control("status", str(folder))
    if running is not None:
        print(f"The slawriter daemon is already running (pid {running['pid']}).")
        return EXIT_OK
    log = folder / "daemon.log"
    started = time.monotonic()
    with open(log, "ab") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", "slawriter.daemon.server", path, str(idle_minutes * 60)],
            stdin=subprocess.DEVNULL,
            stdout=sink,
            stderr=sink,
            cwd="/",  # holds no folder of the user's open (a share to unmount)
            start_new_session=True,  # not stopped by the terminal's Ctrl-C or its closing
        )
    # Warming up takes a second or two; a loaded machine may take much longer.
    deadline = started + 120
    while time.monotonic() < deadline:
        answer = _control("status", str(folder))
        if answer is not None:
            seconds = time.monotonic() - started
            print(
                f"Started the slawriter daemon (pid {answer['pid']}) in {seconds:.1f} s. "
                "Commands other than new and serve now run in it; it stops after "
                f"{idle_minutes:g} minutes without a command, or with 'slawriter daemon stop'."
            )
            return EXIT_OK
        if process.poll() is not None:
            break
        time.sleep(0.05)
    if process.poll() is None:
        process.terminate()
    tail = log.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-5:]
    raise InputError(
        "the slawriter daemon did not start"
        + (": " + " / ".join(tail) if tail else "")
        + f" (log: {log})"
    )


def _stop(every: bool) -> int:
    import time

    from slawriter.daemon import runtime_dir, socket_path
    from slawriter.errors import EXIT_OK
    from slawriter.text.words import plural

    folder = runtime_dir()
    paths = (
        sorted(str(p) for p in Path(folder).glob("daemon-*.sock"))
        if every
        else [socket_path(folder)]
    )
    stopped = 0
    for path in paths:
        answer = _control("stop", folder, path)
        if answer is None:
            if every and _forget(path):
                stopped += 1
            continue
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and _alive(answer["pid"]):
            time.sleep(0.05)
        stopped += 1
        print(
            f"Stopped the slawriter daemon (pid {answer['pid']}; it ran "
            f"{plural(answer['served'], 'command')})."
        )
    if not stopped:
        print("No slawriter daemon is running" + ("." if every else " for this slawriter."))
    return EXIT_OK


def _forget(path: str) -> bool:
    """Remove a socket no daemon of this slawriter answers at (left by one that died, or kept
    by one of another version): a daemon still listening there stops within a minute of
    losing it. True when there was one to remove."""
    import os

    from slawriter.files.output import display_path

    try:
        os.unlink(path)
    except OSError:
        return False
    print(
        f"Removed {display_path(Path(path))}: no daemon of this slawriter answered there (one "
        "that died, or another version's, which stops within a minute without its socket)."
    )
    return True


def _control(action: str, folder: str, path: str | None = None) -> dict[str, Any] | None:
    """The daemon's answer to ``action`` (None: no daemon of this slawriter answers there)."""
    import json

    from slawriter.daemon.client import control

    answer = control(action, folder, path)
    if answer is None:
        return None
    try:
        found = json.loads(answer)
    except ValueError:  # another version's protocol
        return None
    return found if isinstance(found, dict) else None


def _alive(pid: int) -> bool:
    import os

    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _status(as_json: bool) -> int:
    import json
    import time

    from slawriter.daemon import private_dir_problem, runtime_dir, socket_path
    from slawriter.errors import EXIT_FOUND, EXIT_OK
    from slawriter.text.words import plural

    folder = runtime_dir()
    problem = private_dir_problem(folder)
    answer = _control("status", folder)
    if problem is not None and not as_json:
        print(f"No slawriter daemon can run: its folder cannot be used ({problem}).")
        return EXIT_FOUND
    if as_json:
        print(json.dumps({"running": answer is not None, **(answer or {})}, indent=2))
        return EXIT_OK if answer is not None else EXIT_FOUND
    if answer is None:
        print(f"No slawriter daemon is running for this slawriter (socket {socket_path(folder)}).")
        return EXIT_FOUND
    minutes = (time.time() - answer["started"]) / 60
    print(
        f"The slawriter daemon is running: pid {answer['pid']}, up {minutes:.0f} min, "
        f"{plural(answer['served'], 'command')} run, stops after "
        f"{answer['idle_limit'] / 60:g} minutes without one.\nSocket: {answer['socket']}"
    )
    return EXIT_OK
