"""Benchmark: `slawriter validate`, `slawriter check` and `slawriter --help` on one agreement,
whole process, median wall and CPU time of N runs each.

Run: .venv/bin/python bench/commands.py [--runs 9] [--src DIR] [--against DIR] [--daemon]
``--src`` runs another checkout's slawriter (PYTHONPATH=DIR python -m slawriter), e.g. the
commit before a change, to measure both in the same conditions. ``--against`` alternates this
checkout with another one run by run (load on a shared machine hits both alike) and prints the
ratio this / other. ``--daemon`` runs this checkout's commands through a daemon started for
the benchmark (their CPU time then adds the daemon child's to the client's). Each checkout
runs on its own example: another version's files may not be
valid there (fields added since), and a command stopped by the first problem measures nothing.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path

from daemon import running

ROOT = Path(__file__).resolve().parent.parent


def commands(checkout: Path) -> dict[str, list[str]]:
    agreement = str(checkout / "examples" / "acme-standard.yaml")
    return {
        "validate": ["validate", agreement],
        "check": ["check", agreement],
        "--help": ["--help"],
    }


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_once(
    checkout: Path,
    arguments: list[str],
    daemon_env: dict[str, str] | None = None,
    elsewhere: Callable[[], float] = lambda: 0.0,
) -> tuple[float, float]:
    """Wall and CPU seconds of one whole `python -m slawriter` process from `checkout`."""
    # Through the daemon, no PYTHONPATH: it is part of the code's fingerprint, and the daemon
    # was started without it (this checkout's slawriter is the installed one).
    env = daemon_env or dict(os.environ, SLAWRITER_DAEMON="off", PYTHONPATH=str(checkout))
    start, used, away = time.perf_counter(), children_cpu(), elsewhere()
    done = subprocess.run(
        [sys.executable, "-m", "slawriter", *arguments],
        env=env,
        # Not the checkout: `python -m` puts the working folder first on sys.path, which
        # would run this checkout's slawriter whatever --src says.
        cwd=tempfile.gettempdir(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wall, cpu = time.perf_counter() - start, children_cpu() - used + elsewhere() - away
    if done.returncode > 1:  # 1 is "found problems": the command did its work
        raise SystemExit(f"slawriter {' '.join(arguments)} from {checkout}: exit {done.returncode}")
    return wall, cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--src", type=Path, help="the checkout whose slawriter to run")
    parser.add_argument("--against", type=Path, help="another checkout, run alternately")
    parser.add_argument("--daemon", action="store_true", help="through a daemon")
    args = parser.parse_args()
    with ExitStack() as stack:
        daemon_env, elsewhere = None, (lambda: 0.0)
        if args.daemon:
            daemon_env, elsewhere = stack.enter_context(running())
        return measure(args, daemon_env, elsewhere)


def measure(
    args: argparse.Namespace, daemon_env: dict[str, str] | None, elsewhere: Callable[[], float]
) -> int:
    ours = (args.src or ROOT).resolve()
    other = args.against.resolve() if args.against else None
    for name in commands(ours):
        times: dict[Path, tuple[list[float], list[float]]] = {}
        for _ in range(args.runs):
            for checkout in (ours, other):
                if checkout is None:
                    continue
                if checkout == ours:
                    wall, cpu = run_once(checkout, commands(checkout)[name], daemon_env, elsewhere)
                else:
                    wall, cpu = run_once(checkout, commands(checkout)[name])
                walls, cpus = times.setdefault(checkout, ([], []))
                walls.append(wall)
                cpus.append(cpu)
        walls, cpus = times[ours]
        line = (
            f"slawriter {name}: {statistics.median(walls) * 1000:.0f} ms wall, "
            f"{statistics.median(cpus) * 1000:.0f} ms CPU (medians of {args.runs})"
        )
        if other is not None:
            other_walls, other_cpus = times[other]
            line += (
                f"; other checkout {statistics.median(other_walls) * 1000:.0f} ms wall, "
                f"{statistics.median(other_cpus) * 1000:.0f} ms CPU; ratio "
                f"{statistics.median(walls) / statistics.median(other_walls):.2f} wall, "
                f"{statistics.median(cpus) / statistics.median(other_cpus):.2f} CPU"
            )
        print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
