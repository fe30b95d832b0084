"""The ``slawriter`` program: hand the command to a running daemon, else run it here.

Kept to the standard library until it knows which: with a daemon (``slawriter daemon
start``) the command runs in a process that has everything imported already, and this
process only waits for its exit code; without one, ``slawriter.cli`` runs it as always.
"""

from __future__ import annotations

import os
import sys


def main() -> int:
    argv = sys.argv[1:]
    use = os.environ.get("SLAWRITER_DAEMON", "").lower()
    command = next((word for word in argv if not word.startswith("-")), None)
    if use != "off" and command is not None:
        from slawriter.daemon import NOT_FORWARDED

        # A command reading a terminal must run in the terminal's foreground process group,
        # which the daemon's child is not ('-' reads the agreement from standard input).
        reads_terminal = "-" in argv and os.isatty(0)
        if command not in NOT_FORWARDED and not reads_terminal:
            from slawriter.daemon.client import run

            code = run(argv)
            if code is not None:
                return code
            if use == "require":
                sys.stderr.write(
                    "slawriter: SLAWRITER_DAEMON=require, and no daemon is running for this "
                    "slawriter (start one with 'slawriter daemon start')\n"
                )
                return 2
    from slawriter.cli import main as run_here

    return run_here()
