"""Benchmark: `slawriter render` against pandoc, whole process, alternating runs.

1. One agreement: wall time of `slawriter render examples/acme-standard.yaml --format docx,md`
   against `pandoc acme-standard.md -o x.docx` on the Markdown slawriter generated, alternating,
   median of N runs each; ratio = slawriter / pandoc (below 1 is faster than pandoc).
2. A batch: 100 copies of the agreement in one `slawriter render` call against 100 pandoc runs.

CPU seconds (user + system) are printed beside the wall times: on a busy machine they say more.

With --daemon, slawriter's side runs through a daemon started for the benchmark (`slawriter
daemon start`): the wall time is the whole `slawriter render` process as a user waits for it,
and the CPU time adds what the daemon's child spent on the command to the client's own.

Run: .venv/bin/python bench/render.py [--runs 9] [--batch 100] [--daemon]
Needs pandoc on PATH (apt-get install pandoc).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
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
EXAMPLES = ROOT / "examples"
SLAWRITER = str(Path(sys.executable).parent / "slawriter")


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


NO_DAEMON = dict(os.environ, SLAWRITER_DAEMON="off")


def timed(
    command: list[str],
    cwd: Path,
    cpu: list[float] | None = None,
    env: dict[str, str] | None = None,
    elsewhere: Callable[[], float] = lambda: 0.0,
) -> float:
    """Wall seconds of ``command``; its CPU seconds (plus what ``elsewhere`` counted, e.g. a
    daemon that ran it) appended to ``cpu``."""
    start, used, away = time.perf_counter(), children_cpu(), elsewhere()
    subprocess.run(command, cwd=cwd, check=True, stdout=subprocess.DEVNULL, env=env or NO_DAEMON)
    if cpu is not None:
        cpu.append(children_cpu() - used + elsewhere() - away)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--daemon", action="store_true", help="run slawriter through a daemon")
    args = parser.parse_args()
    with ExitStack() as stack:
        env, elsewhere = NO_DAEMON, (lambda: 0.0)
        if args.daemon:
            env, elsewhere = stack.enter_context(running())
        return measure(args, env, elsewhere)


def measure(args: argparse.Namespace, env: dict[str, str], elsewhere: Callable[[], float]) -> int:
    pandoc = shutil.which("pandoc")
    if not pandoc:
        print("pandoc is not installed: apt-get install pandoc", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="slawriter-bench-") as folder:
        work = Path(folder)
        for name in ("provider.yaml", "northwind-logo.png", "acme-standard.yaml"):
            shutil.copy(EXAMPLES / name, work / name)
        subprocess.run(
            [SLAWRITER, "render", "acme-standard.yaml", "--out", "md", "--format", "md"],
            cwd=work,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        markdown = work / "md" / "acme-standard.md"

        ours: list[float] = []
        theirs: list[float] = []
        ours_cpu: list[float] = []
        theirs_cpu: list[float] = []
        for _ in range(args.runs):
            ours.append(
                timed(
                    [
                        SLAWRITER,
                        "render",
                        "acme-standard.yaml",
                        "--out",
                        "one",
                        "--format",
                        "docx,md",
                        "--force",
                    ],
                    work,
                    ours_cpu,
                    env,
                    elsewhere,
                )
            )
            theirs.append(
                timed([pandoc, str(markdown), "-o", str(work / "pandoc.docx")], work, theirs_cpu)
            )
        one_ours, one_theirs = statistics.median(ours), statistics.median(theirs)
        cpu_ours, cpu_theirs = statistics.median(ours_cpu), statistics.median(theirs_cpu)
        print(
            f"one agreement{' (through the daemon)' if args.daemon else ''}: slawriter "
            f"{one_ours * 1000:.0f} ms, pandoc "
            f"{one_theirs * 1000:.0f} ms (medians of {args.runs}); "
            f"ratio {one_ours / one_theirs:.2f}; CPU {cpu_ours * 1000:.0f} ms against "
            f"{cpu_theirs * 1000:.0f} ms, ratio {cpu_ours / cpu_theirs:.2f}"
        )

        batch = work / "batch"
        batch.mkdir()
        for name in ("provider.yaml", "northwind-logo.png"):
            shutil.copy(EXAMPLES / name, batch / name)
        source = (EXAMPLES / "acme-standard.yaml").read_text("utf-8")
        names = []
        for index in range(args.batch):
            name = f"customer-{index:03d}.yaml"
            (batch / name).write_text(
                source.replace("NW-SLA-2027-014", f"NW-SLA-2027-{index:03d}"), "utf-8"
            )
            names.append(name)
        batch_cpu: list[float] = []
        batch_ours = timed(
            [SLAWRITER, "render", *names, "--out", "out", "--format", "docx,md"],
            batch,
            batch_cpu,
            env,
            elsewhere,
        )
        start, used = time.perf_counter(), children_cpu()
        for index in range(args.batch):
            subprocess.run([pandoc, str(markdown), "-o", str(batch / f"p{index}.docx")], check=True)
        batch_theirs = time.perf_counter() - start
        theirs_batch_cpu = children_cpu() - used
        print(
            f"{args.batch} agreements: slawriter {batch_ours:.2f} s in one call, pandoc "
            f"{batch_theirs:.2f} s in {args.batch} runs; ratio {batch_ours / batch_theirs:.2f}; "
            f"CPU {batch_cpu[0]:.2f} s against {theirs_batch_cpu:.2f} s"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
