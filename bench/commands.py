"""Benchmark: `slawriter validate`, `slawriter check` and `slawriter --help` on one agreement,
whole process, median wall and CPU time of N runs each.

Run: .venv/bin/python bench/commands.py [--runs 9] [--src DIR]
``--src`` runs another checkout's slawriter (PYTHONPATH=DIR python -m slawriter), e.g. the
commit before a change, to measure both in the same conditions.
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
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
AGREEMENT = str(ROOT / "examples" / "acme-standard.yaml")
COMMANDS = {
    "validate": ["validate", AGREEMENT],
    "check": ["check", AGREEMENT],
    "--help": ["--help"],
}


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--src", type=Path, help="the checkout whose slawriter to run")
    args = parser.parse_args()
    env = dict(os.environ)
    if args.src:
        env["PYTHONPATH"] = str(args.src.resolve())
    for name, arguments in COMMANDS.items():
        walls, cpus = [], []
        for _ in range(args.runs):
            start, used = time.perf_counter(), children_cpu()
            subprocess.run(
                [sys.executable, "-m", "slawriter", *arguments],
                env=env,
                # Not the checkout: `python -m` puts the working folder first on sys.path, which
                # would run this checkout's slawriter whatever --src says.
                cwd=tempfile.gettempdir(),
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            walls.append(time.perf_counter() - start)
            cpus.append(children_cpu() - used)
        print(
            f"slawriter {name}: {statistics.median(walls) * 1000:.0f} ms wall, "
            f"{statistics.median(cpus) * 1000:.0f} ms CPU (medians of {args.runs})"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
