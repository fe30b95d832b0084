"""numpy, pandas and matplotlib are for `slawriter report` only: every other command runs
without importing them (each costs a quarter of a second or more at start-up)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REPORT_ONLY = ("numpy", "pandas", "matplotlib")

# Every command but report, run for real in one process, in the order a user might.
_SCRIPT = """
import contextlib, io, json, sys, tempfile
from slawriter.cli import COMMANDS, main
ex = sys.argv[1] + "/"
out = tempfile.mkdtemp()
runs = [
    ["new", "--help"],
    ["validate", ex + "acme-standard.yaml"],
    ["render", ex + "corner-shop-smb.yaml", "--out", out, "--format", "md,docx,html"],
    ["schema"],
    ["schema", "--docs"],
    ["docs", "wizard"],
    ["library", "--help"],
    ["clauses", "lint"],
    ["provenance", out + "/corner-shop-smb.docx"],
    ["diff", ex + "acme-standard.yaml", ex + "ireland-standard.yaml"],
    ["clock", "--agreement", ex + "acme-standard.yaml", "--priority", "P2",
     "--from", "2027-01-04T09:00", "--to", "2027-01-05T09:00"],
    ["deadline", "--agreement", ex + "acme-standard.yaml", "--priority", "P2",
     "--from", "2027-01-04T16:00"],
    ["check", ex + "acme-standard.yaml"],
    ["staffing", "--calls", "12", "--handle", "4m", "--answer-within", "30m",
     "--target", "90"],
    ["downtime", "--month", "2027-02", "--agreement", ex + "acme-standard.yaml",
     "--service", "files"],
    ["completion", "bash"],
    ["export-policy", ex + "acme-standard.yaml", "--to", "zendesk", "--out", out + "/policy"],
    ["serve", "--help"],
    ["daemon", "status"],
]
assert {r[0] for r in runs} == set(COMMANDS) - {"report"}, set(COMMANDS) - {r[0] for r in runs}
codes = {}
for argv in runs:
    sink = io.StringIO()
    try:
        with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
            codes[" ".join(argv[:2])] = main(argv)
    except SystemExit as stop:
        codes[" ".join(argv[:2])] = stop.code
    loaded = [m for m in sys.argv[2:] if m in sys.modules]
    if loaded:
        print(json.dumps({"after": argv[0], "loaded": loaded, "output": sink.getvalue()}))
        raise SystemExit(0)
print(json.dumps({"codes": codes}))
"""


def test_no_command_but_report_imports_the_report_libraries() -> None:
    done = subprocess.run(
        [sys.executable, "-c", _SCRIPT, str(ROOT / "examples"), *REPORT_ONLY],
        capture_output=True,
        text=True,
        timeout=50,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert "loaded" not in result, result
    # Each command ran (0, or 1 for findings), not stopped on a usage error.
    assert set(result["codes"].values()) <= {0, 1}, result["codes"]  # daemon status: 1, none
