"""Benchmark: `slawriter check --portfolio DIR` as the portfolio grows, whole process.

Generates portfolios of copies of examples/acme-standard.yaml sharing one provider file (each
copy with its own reference, customer name and expected tickets) in a temporary folder, times
`slawriter check --portfolio DIR --json` on each size (median of N runs) and prints the
growth: time per agreement should stay flat (linear cost), not climb with the portfolio.

Run: .venv/bin/python bench/portfolio.py [--sizes 100,1000] [--runs 3]
Aim: 1,000 agreements in under 10 s.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
SLAWRITER = str(Path(sys.executable).parent / "slawriter")
TICKETS = "expected_tickets: {P1: 1, P2: 6, P3: 45, P4: 70}"


def make_portfolio(folder: Path, size: int) -> None:
    """``size`` agreements sharing ``provider.yaml``: varied names, references, tickets."""
    folder.mkdir(parents=True)
    for name in ("provider.yaml", "northwind-logo.png"):
        shutil.copy(EXAMPLES / name, folder / name)
    source = (EXAMPLES / "acme-standard.yaml").read_text("utf-8")
    assert TICKETS in source, "the example's expected tickets changed: update bench/portfolio.py"
    for index in range(size):
        text = (
            source.replace("NW-SLA-2027-014", f"NW-SLA-2027-{index:04d}")
            .replace("Acme Precision Engineering Ltd", f"Customer {index:04d} Ltd")
            .replace(
                TICKETS,
                f"expected_tickets: {{P1: {index % 3 * 0.1:.1f}, P2: {1 + index % 4}, "
                f"P3: {2 + index % 7}, P4: {3 + index % 5}}}",
            )
        )
        (folder / f"customer-{index:04d}.yaml").write_text(text, "utf-8")


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


CPU: list[float] = []  # CPU seconds of each run: on a busy machine wall time says less


def timed(command: list[str]) -> float:
    start, cpu = time.perf_counter(), children_cpu()
    # check exits 1 when it finds errors (a team this loaded cannot keep every promise).
    result = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if result.returncode not in (0, 1):
        raise RuntimeError(f"{' '.join(command)} failed: {result.stderr.decode()}")
    CPU.append(children_cpu() - cpu)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000", help="comma-separated portfolio sizes")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    results: list[tuple[int, float]] = []
    with tempfile.TemporaryDirectory(prefix="slawriter-bench-") as folder:
        for size in sizes:
            portfolio = Path(folder) / f"p{size}"
            make_portfolio(portfolio, size)
            command = [SLAWRITER, "check", "--portfolio", str(portfolio), "--json"]
            CPU.clear()
            median = statistics.median(timed(command) for _ in range(args.runs))
            results.append((size, median))
            print(
                f"portfolio of {size:>5} agreements: {median:6.2f} s "
                f"({median / size * 1000:.1f} ms each, median of {args.runs}; "
                f"CPU {statistics.median(CPU):.2f} s)",
                flush=True,
            )
    (small, small_time), (large, large_time) = results[0], results[-1]
    if large > small:
        print(
            f"growth {small} -> {large}: {large / small:.0f}x the agreements, "
            f"{large_time / small_time:.1f}x the time"
        )
    return 0 if large < 1000 or large_time < 10 else 1


if __name__ == "__main__":
    raise SystemExit(main())
