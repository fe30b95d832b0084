"""For the benchmarks' --daemon: a slawriter daemon of this checkout in a private folder.

``running()`` starts one (``slawriter daemon start`` with SLAWRITER_DAEMON_DIR set to a new
folder of mode 0700) and yields the environment that makes a command use it, or fail (exit 2)
if it would run without it (SLAWRITER_DAEMON=require), and a function giving the processor
time the daemon has used so far, its own and its ended children's (the commands it ran):
a command run by the daemon spends its processor time there, not in the measured process.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

SLAWRITER = str(Path(sys.executable).parent / "slawriter")


def process_cpu(pid: int) -> float:
    """Seconds of processor time of ``pid`` and its reaped children (/proc/PID/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = sum(int(value) for value in fields[11:15])  # utime, stime, cutime, cstime
    return ticks / os.sysconf("SC_CLK_TCK")


@contextmanager
def running() -> Iterator[tuple[dict[str, str], Callable[[], float]]]:
    with tempfile.TemporaryDirectory(prefix="slawriter-bench-daemon-") as folder:
        os.chmod(folder, 0o700)
        env = dict(os.environ, SLAWRITER_DAEMON_DIR=folder, SLAWRITER_DAEMON="require")
        subprocess.run(
            [SLAWRITER, "daemon", "start", "--idle", "60"],
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        status = subprocess.run(
            [SLAWRITER, "daemon", "status", "--json"],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        pid = int(json.loads(status.stdout)["pid"])
        try:
            yield env, lambda: process_cpu(pid)
        finally:
            subprocess.run([SLAWRITER, "daemon", "stop"], env=env, stdout=subprocess.DEVNULL)
