"""The ``slawriter`` program: hand the command to a running daemon, else run it here.

Kept to the standard library until it knows which: with a daemon (``slawriter daemon
start``) the command runs in a process that has everything imported already, and this
process only waits for its exit code; without one, ``slawriter.cli`` runs it as always.
"""

from __future__ import annotations

import os
import sys

from slawriter.daemon import NOT_FORWARDED, USE_ENV

# Paths that name this process's own open files: a daemon's child has other ones.
OWN_FILES = ("/dev/fd/", "/dev/stdin", "/proc/self/", f"/proc/{os.getpid()}/")


def main() -> int:
    argv = sys.argv[1:]
    use = os.environ.get(USE_ENV, "").lower()
    command = next((word for word in argv if not word.startswith("-")), None)
    if use != "off" and command is not None:
        reason = _runs_here(argv, command)
        if reason is None:
            from slawriter.daemon.client import run

            code = run(argv)
            if code is not None:
                return code
            reason = _no_daemon()
        if use == "require" and command not in NOT_FORWARDED:
            sys.stderr.write(
                f"slawriter: {USE_ENV}=require, and the daemon cannot run this: {reason}\n"
            )
            return 2
    from slawriter.cli import main as run_here

    return run_here()


def _runs_here(argv: list[str], command: str) -> str | None:
    """Why this command must run in this process (None: the daemon may run it)."""
    if command in NOT_FORWARDED:
        return f"'{command}' always runs in its own process"
    # A command reading the terminal must be in the terminal's foreground process group,
    # which the daemon's child is not ('-' reads an agreement from standard input).
    reads_input = any(
        word == "-" and (index == 0 or argv[index - 1] != "--out")
        for index, word in enumerate(argv)
    ) or any(word.startswith("--agreement=-") for word in argv)
    if reads_input and os.isatty(0):
        return "it reads standard input, which is a terminal"
    if any(word.startswith(OWN_FILES) or f"={OWN_FILES[0]}" in word for word in argv):
        return "it names a file by this process's descriptor (/dev/fd/N)"
    return None


def _no_daemon() -> str:
    from slawriter.daemon import private_dir_problem, runtime_dir

    folder = runtime_dir()
    problem = private_dir_problem(folder)
    if problem is not None:
        return f"the daemon's folder cannot be used ({problem})"
    return (
        "no daemon is running for this slawriter and this environment (start one with "
        "'slawriter daemon start'), or standard input, output or error is closed"
    )
