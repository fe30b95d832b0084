"""Benchmark: how long the feasibility checker adds to a render, and portfolio scaling.

1. One agreement: median wall time of check_agreement(acme-standard) in-process (the cost a
   render pays per agreement), over N runs, each on a freshly loaded agreement.
2. A portfolio: P copies of the example agreements sharing one provider team, checked with
   check_agreements (the cost of `slawriter check --portfolio DIR`).
3. Erlang C: agents_needed for 2,000 erlangs (a very large team), to show the recursion stays
   fast and never overflows.

Run: .venv/bin/python bench/feasibility.py [--runs 9] [--portfolio 50]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from slawriter.feasibility import check_agreement, check_agreements, erlang
from slawriter.files.load import load_agreement
from slawriter.library import Library

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--portfolio", type=int, default=50)
    args = parser.parse_args()
    library = Library.locate()

    times = []
    for _ in range(args.runs):
        loaded = load_agreement(EXAMPLES / "acme-standard.yaml", library)
        start = time.perf_counter()
        check_agreement(loaded, library)
        times.append(time.perf_counter() - start)
    print(f"check_agreement(acme-standard): median {statistics.median(times) * 1000:.0f} ms")

    with tempfile.TemporaryDirectory(prefix="slawriter-bench-") as folder:
        root = Path(folder)
        for name in ("provider.yaml", "northwind-logo.png"):
            shutil.copy(EXAMPLES / name, root / name)
        sources = ["acme-standard.yaml", "corner-shop-smb.yaml"]
        for index in range(args.portfolio):
            shutil.copy(EXAMPLES / sources[index % 2], root / f"customer-{index:03d}.yaml")
        loaded_all = [load_agreement(p, library) for p in sorted(root.glob("customer-*.yaml"))]
        start = time.perf_counter()
        checked = check_agreements(loaded_all, library)
        elapsed = time.perf_counter() - start
        errors = sum(f.severity == "error" for item in checked for f in item.findings)
        print(
            f"portfolio of {len(loaded_all)} agreements: {elapsed:.2f} s "
            f"({elapsed / len(loaded_all) * 1000:.0f} ms each), {errors} errors"
        )

    start = time.perf_counter()
    needed = erlang.agents_needed(2000, 240, 20, 0.8)
    print(
        f"agents_needed(2000 erlangs, 80% in 20 s) = {needed} in "
        f"{(time.perf_counter() - start) * 1000:.0f} ms"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
