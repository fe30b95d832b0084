"""Benchmark: how fast `slawriter new` shows its first question, and `slawriter --help`.

Whole-process wall and CPU time (user + system), median of N runs each:
1. `slawriter new` in a pseudo-terminal (so it runs interactively), from start until the first
   question ("Which kind of agreement?") is on the screen; the process is then stopped.
2. `slawriter --help` to exit.
Aims: under 0.3 s and 0.15 s (`copier --help` takes about 0.38 s here, `cookiecutter --help`
0.19 s).

Run: .venv/bin/python bench/wizard.py [--runs 15]
"""

from __future__ import annotations

import argparse
import os
import pty
import resource
import select
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SLAWRITER = str(Path(sys.executable).parent / "slawriter")
FIRST_QUESTION = b"Which kind of agreement?"


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def time_to_first_question(
    work: Path, env: dict[str, str], cpu: list[float] | None = None
) -> float:
    """Wall time to the first question; appends the process's CPU time (to its kill) to cpu."""
    master, slave = pty.openpty()
    used = children_cpu()
    start = time.perf_counter()
    process = subprocess.Popen(
        [SLAWRITER, "new"], stdin=slave, stdout=slave, stderr=slave, cwd=work, env=env
    )
    os.close(slave)
    seen = b""
    try:
        deadline = start + 30
        while FIRST_QUESTION not in seen:
            if time.perf_counter() > deadline:
                raise RuntimeError(f"no first question after 30 s; output: {seen!r}")
            ready, _, _ = select.select([master], [], [], 0.5)
            if ready:
                try:
                    seen += os.read(master, 65536)
                except OSError:  # the process ended
                    raise RuntimeError(f"slawriter new ended early: {seen!r}") from None
        return time.perf_counter() - start
    finally:
        process.kill()
        process.wait()
        os.close(master)
        if cpu is not None:
            cpu.append(children_cpu() - used)


def time_help(cpu: list[float]) -> float:
    used = children_cpu()
    start = time.perf_counter()
    subprocess.run([SLAWRITER, "--help"], check=True, stdout=subprocess.DEVNULL)
    cpu.append(children_cpu() - used)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="slawriter-bench-") as folder:
        work = Path(folder)
        for name in ("provider.yaml", "northwind-logo.png"):
            shutil.copy(ROOT / "examples" / name, work / name)
        env = {**os.environ, "HOME": str(work), "TERM": "xterm-256color"}
        env.pop("SLAWRITER_PROVIDER", None)
        time_to_first_question(work, env)  # warm the file cache once
        first_cpu: list[float] = []
        help_cpu: list[float] = []
        first = statistics.median(
            time_to_first_question(work, env, first_cpu) for _ in range(args.runs)
        )
        helps = statistics.median(time_help(help_cpu) for _ in range(args.runs))
    print(
        f"slawriter new, to the first question: {first * 1000:.0f} ms wall, "
        f"{statistics.median(first_cpu) * 1000:.0f} ms CPU (aim 300 ms)"
    )
    print(
        f"slawriter --help: {helps * 1000:.0f} ms wall, "
        f"{statistics.median(help_cpu) * 1000:.0f} ms CPU (aim 150 ms)"
    )
    print(f"medians of {args.runs} runs; CPU time says more on a busy machine")
    return 0 if first < 0.3 and helps < 0.15 else 1


if __name__ == "__main__":
    raise SystemExit(main())
