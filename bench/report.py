"""Benchmark: `slawriter report` end to end on 1,000,000 tickets.

Generates a ticket export (canonical columns, ISO local times, 2% of tickets paused, 3%
still open, a sprinkling of bad rows), a status history (four changes a ticket: Open,
Pending, Open, Solved, and for 5% a raised priority) and an outage log for January 2027 against
examples/acme-standard.yaml, then runs the real command in a fresh process:

    slawriter report examples/acme-standard.yaml --tickets T --outages O --period 2027-01
        --as-of 2027-02-05T12:00 --out DIR --format docx,md,html --json > report.json

and reports the wall time (interpreter start-up, imports of the modules compiled first, as
an installed copy has them, CSV reading, figures, charts, three documents and the JSON),
its processor time (user + system, with any helper process it forks), and its peak memory:
the larger of the largest single process's peak resident memory (ru_maxrss from os.wait4)
and the largest sum of the proportional set sizes of it and its helper processes, sampled
every 100 ms (a forked helper shares pages with the report).
The data is generated in a separate process first, so neither the generator's memory nor
this script's is counted. Targets: under 10 s, under 1 GB, and end to end within 2.5 times
the CSV reader alone on the same files (the floor, timed after each run).

Run: .venv/bin/python bench/report.py [--tickets 1000000] [--keep DIR [--reuse]] [--runs N]

With --runs N the report and the floor are run N times, one after the other, each ratio
taken within its run, and the medians printed too: on a shared machine one run can be a
quarter slower than the next.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
SLAWRITER = str(Path(sys.executable).parent / "slawriter")


def _minutes(values: np.ndarray) -> np.ndarray:
    text: np.ndarray = np.datetime_as_string(values.astype("datetime64[m]"), unit="m")
    return np.char.replace(text, "T", " ")


def generate(path: Path, count: int, seed: int = 7) -> None:
    rng = np.random.default_rng(seed)
    start = np.datetime64("2027-01-01T00:00", "m")
    created = start + rng.integers(0, 31 * 1440, count).astype("timedelta64[m]")
    priority = rng.choice(np.array(["P1", "P2", "P3", "P4"]), count, p=[0.02, 0.08, 0.4, 0.5])
    responded = created + rng.integers(0, 6 * 60, count).astype("timedelta64[m]")
    resolved = created + rng.integers(30, 8 * 1440, count).astype("timedelta64[m]")
    created_text, responded_text, resolved_text = (
        _minutes(created),
        _minutes(responded),
        _minutes(resolved),
    )
    still_open = rng.random(count) < 0.03
    resolved_text = np.where(still_open, "", resolved_text)
    paused = rng.random(count) < 0.02
    pause_start = _minutes(created + np.timedelta64(60, "m"))
    pause_end = _minutes(created + np.timedelta64(300, "m"))
    services = np.array(["email", "files", "remote-access", "desktop"])[rng.integers(0, 4, count)]
    bad = rng.random(count) < 0.0005
    created_text = np.where(bad, "31/02/2027 10:00", created_text)
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write("id,priority,created,responded,resolved,service,paused\n")
        rows = (
            f"T{i},{p},{c},{r},{s},{v},{f'{a}/{b}' if z else ''}\n"
            for i, p, c, r, s, v, a, b, z in zip(
                range(1, count + 1),
                priority.tolist(),
                created_text.tolist(),
                responded_text.tolist(),
                resolved_text.tolist(),
                services.tolist(),
                pause_start.tolist(),
                pause_end.tolist(),
                paused.tolist(),
                strict=True,
            )
        )
        handle.writelines(rows)


def generate_history(path: Path, count: int, seed: int = 11) -> None:
    """About four changes a ticket: Open -> Pending -> Open -> Solved, some priority changes."""
    rng = np.random.default_rng(seed)
    start = np.datetime64("2027-01-01T00:00", "m")
    created = start + np.random.default_rng(7).integers(0, 31 * 1440, count).astype(
        "timedelta64[m]"
    )
    steps = np.cumsum(rng.integers(10, 600, (count, 3)), axis=1).astype("timedelta64[m]")
    ids = np.char.add("T", np.arange(1, count + 1).astype(str))
    raised = rng.random(count) < 0.05
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write("ticket_id,time,field,from,to,reason\n")
        for k, (before, after) in enumerate(
            (("Open", "Pending"), ("Pending", "Open"), ("Open", "Solved"))
        ):
            times = _minutes(created + steps[:, k])
            handle.writelines(
                f"{i},{t},status,{before},{after},\n"
                for i, t in zip(ids.tolist(), times.tolist(), strict=True)
            )
        times = _minutes(created + np.timedelta64(5, "m"))
        handle.writelines(
            f"{i},{t},priority,P4,P2,impact grew\n" if r else f"{i},{t},status,New,Open,\n"
            for i, t, r in zip(ids.tolist(), times.tolist(), raised.tolist(), strict=True)
        )


def read_floor(paths: list[Path]) -> tuple[float, float]:
    """Seconds for the CSV reader alone (pandas' C reader, every column as text): wall
    clock, and processor time (user + system), which other jobs on the machine do not
    stretch the way they stretch the wall clock."""
    import pandas as pd

    began, used = time.perf_counter(), time.process_time()
    for path in paths:
        pd.read_csv(path, dtype=str, keep_default_na=False, na_filter=False, engine="c")
    return time.perf_counter() - began, time.process_time() - used


def _tree(pid: int) -> list[int]:
    """The process and its descendants (Linux: /proc/PID/task/TID/children)."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        try:
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children", encoding="ascii") as handle:
                    todo.extend(int(child) for child in handle.read().split())
        except OSError:
            continue
    return found


def _pss(pid: int) -> int:
    """Proportional set size in bytes: shared pages split between the processes sharing
    them, so a forked child's pages are not counted twice."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return 0


def watch_memory(pid: int, peak: list[int], done: threading.Event) -> None:
    """Sample the summed PSS of the process tree every 100 ms; the largest sum in peak[0].

    Reading a process's smaps walks its page tables under its memory lock: every 20 ms that
    slowed a million-ticket report by 1.3 s (9.2-9.5 s against 8.0 s), for the same peak
    (950 MB either way: the peaks last seconds)."""
    while not done.wait(0.1):
        peak[0] = max(peak[0], sum(_pss(p) for p in _tree(pid)))


def generate_outages(path: Path, seed: int = 7) -> None:
    rng = np.random.default_rng(seed)
    lines = ["service,start,end,planned"]
    for service in ("email", "files", "remote-access"):
        for _ in range(60):
            begin = np.datetime64("2027-01-01T00:00", "m") + int(rng.integers(0, 31 * 1440 - 600))
            length = int(rng.integers(1, 20))
            end = begin + length
            planned = "yes" if rng.random() < 0.2 else "no"
            lines.append(f"{service},{str(begin).replace('T', ' ')},"
                         f"{str(end).replace('T', ' ')},{planned}")  # fmt: skip
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def run_once(
    command: list[str], folder: Path, inputs: list[Path]
) -> tuple[float, float, float, float] | None:
    """One report and then the floor: (wall, processor, peak MB, wall / floor), printed."""
    errors = folder / "stderr.txt"
    with (folder / "report.json").open("wb") as out, errors.open("wb") as err:
        began = time.perf_counter()
        # A fresh process every time, even if a slawriter daemon is running.
        environment = {**os.environ, "SLAWRITER_DAEMON": "off"}
        process = subprocess.Popen(command, stdout=out, stderr=err, env=environment)
        # ru_maxrss is the largest single process's peak (the report may fork a helper
        # while it reads): the tree's summed PSS is sampled too, and the larger reported.
        together, done = [0], threading.Event()
        watcher = threading.Thread(target=watch_memory, args=(process.pid, together, done))
        watcher.start()
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - began
        done.set()
        watcher.join()
    process.returncode = os.waitstatus_to_exitcode(status)
    message = errors.read_text(encoding="utf-8")
    if process.returncode not in (0, 1):
        sys.stderr.write(message)
        return None
    largest = usage.ru_maxrss / 1024
    summed = together[0] / 2**20
    peak = max(largest, summed)
    cpu = usage.ru_utime + usage.ru_stime
    floor, floor_cpu = read_floor(inputs)
    print(f"slawriter report end to end: {elapsed:.2f} s ({cpu:.2f} s of processor time), "
          f"peak memory {peak:,.0f} MB (largest process {largest:,.0f} MB, all its "
          f"processes together {summed:,.0f} MB) (exit {process.returncode}; "
          f"{message.splitlines()[0]})")  # fmt: skip
    print(f"CSV reader alone on the same files (the floor): {floor:.2f} s "
          f"({floor_cpu:.2f} s of processor time); end to end / floor = "
          f"{elapsed / floor:.2f} ({cpu / floor_cpu:.2f} in processor time)")  # fmt: skip
    print(f"  targets: < 10 s {'met' if elapsed < 10 else 'MISSED'}, "
          f"< 1 GB {'met' if peak < 1024 else 'MISSED'}, "
          f"<= 2.5x the floor {'met' if elapsed <= 2.5 * floor else 'MISSED'}")  # fmt: skip
    return elapsed, cpu, peak, elapsed / floor


def compiled() -> None:
    """slawriter's modules compiled to bytecode before the report is timed, as installing the
    package compiles them (pip does): an editable install run under PYTHONDONTWRITEBYTECODE
    (set on the development machine) would otherwise compile every module the report
    imports, on every run, 0.1 to 0.3 s of start-up an installed copy never pays."""
    import compileall

    compileall.compile_dir(ROOT / "slawriter", quiet=1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--keep", type=Path, help="keep the data and outputs in this folder")
    parser.add_argument("--runs", type=int, default=1, help="run the report this many times")
    parser.add_argument(
        "--reuse", action="store_true", help="with --keep: use the data already there, if any"
    )
    parser.add_argument("--generate-only", type=Path, metavar="DIR", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.generate_only:
        generate(args.generate_only / "tickets.csv", args.tickets)
        generate_outages(args.generate_only / "outages.csv")
        generate_history(args.generate_only / "history.csv", args.tickets)
        return 0
    with tempfile.TemporaryDirectory(prefix="slawriter-bench-") as scratch:
        folder = args.keep or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        tickets, outages = folder / "tickets.csv", folder / "outages.csv"
        kept = [tickets, outages, folder / "history.csv"]
        if not (args.reuse and args.keep and all(path.exists() for path in kept)):
            began = time.perf_counter()
            subprocess.run(
                [sys.executable, __file__, "--tickets", str(args.tickets), "--generate-only",
                 str(folder)],
                check=True,
            )  # fmt: skip
            size = tickets.stat().st_size / 1e6
            print(f"generated {args.tickets:,} tickets ({size:.0f} MB) in "
                  f"{time.perf_counter() - began:.1f} s")  # fmt: skip
        command = [
            SLAWRITER, "report", str(ROOT / "examples" / "acme-standard.yaml"),
            "--tickets", str(tickets), "--outages", str(outages), "--period", "2027-01",
            "--as-of", "2027-02-05T12:00", "--out", str(folder / "out"),
            "--format", "docx,md,html", "--json",
            "--status-history", str(folder / "history.csv"), "--force",
        ]  # fmt: skip
        compiled()
        results = []
        for _ in range(args.runs):
            result = run_once(command, folder, [tickets, outages, folder / "history.csv"])
            if result is None:
                return 1
            results.append(result)
        if args.runs > 1:
            walls, cpus, peaks, ratios = zip(*results, strict=True)
            print(f"median of {args.runs} runs: {statistics.median(walls):.2f} s "
                  f"({statistics.median(cpus):.2f} s of processor time), peak memory "
                  f"{statistics.median(peaks):,.0f} MB (highest of the runs {max(peaks):,.0f} MB), "
                  f"end to end / floor {statistics.median(ratios):.2f}")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
