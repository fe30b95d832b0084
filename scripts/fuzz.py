"""Run the suite's fuzzers for many cases and count the crashes instead of stopping at the first.

    python scripts/fuzz.py                      # 10,000 agreements and 10,000 ticket exports
    python scripts/fuzz.py --examples 500 --only tickets
    SLAWRITER_FUZZ_EXAMPLES=2000 python scripts/fuzz.py

The cases are the ones tests/test_fuzz.py generates (derandomised: the same on every run, and
the suite's cases are the first of them). Every failing case is counted; the first input of
each distinct failure (grouped by command, exception and the innermost slawriter frame) is
saved under --save with its traceback. Prints the number of failing cases and of distinct
failures; exit code 1 when there was any.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from tests import test_fuzz as fuzz  # noqa: E402


class OutOfTime(Exception):
    """The time budget (--minutes) is spent: stop generating cases and report."""


WATCHDOG_S = 30.0  # one command running this long is a hang
SLOW_S = 2.0  # reported, not counted: every accepted input's check should take under a second


class Tally:
    def __init__(self, name: str, save: Path, total: int) -> None:
        self.name, self.save, self.total = name, save, total
        self.cases = 0
        self.failing_cases = 0
        self.by_signature: Counter[tuple[str, str, str]] = Counter()
        self.slow: list[tuple[float, str]] = []
        self.started = time.monotonic()

    def record(self, failures: list[fuzz.Failure], seconds: float, label: str) -> None:
        self.cases += 1
        if seconds > SLOW_S:
            self.slow.append((seconds, label))
        if failures:
            self.failing_cases += 1
        for failure in failures:
            key = (failure.kind, failure.command, failure.signature)
            if key not in self.by_signature:
                self._save(len(self.by_signature) + 1, failure)
                print(
                    f"  new: {failure.kind} in {failure.command}: {failure.signature}", flush=True
                )
            self.by_signature[key] += 1
        if self.cases % 100 == 0:
            elapsed = time.monotonic() - self.started
            print(
                f"  {self.name}: {self.cases}/{self.total} cases, {self.failing_cases} failing, "
                f"{len(self.by_signature)} distinct ({elapsed:.0f} s)",
                flush=True,
            )

    def _save(self, number: int, failure: fuzz.Failure) -> None:
        slug = re.sub(r"[^A-Za-z0-9]+", "-", f"{failure.command} {failure.signature}")[:80]
        folder = self.save / f"{self.name}-{number:03d}-{slug.strip('-')}"
        folder.mkdir(parents=True, exist_ok=True)
        for name, data in failure.files.items():
            (folder / name).write_bytes(data)
        (folder / "failure.txt").write_text(
            f"{failure.kind} in {failure.command}: {failure.signature}\n"
            f"argv: {json.dumps(failure.argv, ensure_ascii=False)}\n\n{failure.detail}\n",
            "utf-8",
        )

    def summary(self) -> str:
        lines = [
            f"{self.name}: {self.cases} cases in {time.monotonic() - self.started:.0f} s, "
            f"{self.failing_cases} failing, {len(self.by_signature)} distinct failures"
        ]
        for (kind, command, signature), count in self.by_signature.most_common():
            lines.append(f"  {count:6d}  {kind} in {command}: {signature}")
        for seconds, label in sorted(self.slow, reverse=True)[:5]:
            lines.append(f"  slow: {seconds:.1f} s  {label}")
        return "\n".join(lines)


def run(
    name: str,
    strategy: st.SearchStrategy[Any],
    check: Callable[..., list[fuzz.Failure]],
    count: int,
    save: Path,
    deadline: float,
) -> Tally:
    tally = Tally(name, save, count)

    @fuzz.fuzz_settings(count)
    @given(case=strategy)
    def every_case(case: Any) -> None:
        if time.monotonic() > deadline:
            raise OutOfTime
        started = time.perf_counter()
        failures = check(case, watchdog=WATCHDOG_S)
        tally.record(failures, time.perf_counter() - started, repr(case)[:200])

    try:
        every_case()
    except (OutOfTime, KeyboardInterrupt):  # report the cases run so far
        print(f"  {name}: stopped after {tally.cases} cases", flush=True)
    return tally


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--examples",
        type=int,
        default=int(os.environ.get(fuzz.EXAMPLES_ENV) or 10_000),
        help=f"cases per fuzzer (default: ${fuzz.EXAMPLES_ENV}, else 10000)",
    )
    parser.add_argument("--only", choices=("agreements", "tickets"), help="run one fuzzer")
    parser.add_argument(
        "--save",
        type=Path,
        default=ROOT / "build" / "fuzz-failures",
        help="folder for the first input of each distinct failure (default: build/fuzz-failures)",
    )
    parser.add_argument(
        "--minutes",
        type=float,
        help="stop each fuzzer after this long and report the cases run so far",
    )
    parser.add_argument(
        "--skip-open",
        action="store_true",
        help="leave out the inputs whose crashes other work fixes (as the suite does)",
    )
    args = parser.parse_args()
    if not args.skip_open:
        fuzz.OPEN_ELSEWHERE.clear()
    # The user's own configuration (a library, a provider) must not change the cases.
    home = tempfile.mkdtemp(prefix="slawriter-fuzz-home-")
    os.environ["XDG_CONFIG_HOME"] = os.environ["XDG_CACHE_HOME"] = home
    os.environ.pop("SLAWRITER_LIBRARY", None)
    fuzzers = {
        "agreements": (fuzz.agreement_cases(), fuzz.check_agreement),
        "tickets": (fuzz.ticket_cases(), fuzz.check_tickets),
    }
    tallies = []
    for name, (strategy, check) in fuzzers.items():
        if args.only in (None, name):
            print(f"{name}: {args.examples} cases", flush=True)
            budget = args.minutes * 60 if args.minutes else float("inf")
            deadline = time.monotonic() + budget
            tallies.append(run(name, strategy, check, args.examples, args.save, deadline))
    print()
    for tally in tallies:
        print(tally.summary())
    outcomes = ", ".join(
        f"{command} {code}: {count}"
        for (command, code), count in sorted(fuzz.OUTCOMES.items(), key=str)
    )
    print(f"exit codes: {outcomes}")
    failing = sum(t.failing_cases for t in tallies)
    distinct = sum(len(t.by_signature) for t in tallies)
    cases = sum(t.cases for t in tallies)
    print(f"\ncrashes: {failing} failing cases of {cases} ({distinct} distinct)")
    if any(t.cases < args.examples for t in tallies):
        print(f"(fewer than the {args.examples} cases asked for: stopped early)")
    if distinct:
        print(f"inputs and tracebacks: {args.save}")
    return 1 if failing else 0


if __name__ == "__main__":
    raise SystemExit(main())
