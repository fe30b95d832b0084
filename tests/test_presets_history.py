"""Presets that read a desk's own status history export, against hand-written files.

tests/fixtures/exports/jira-dc-*.csv were typed in from Atlassian's page on the
Jira Data Center data pipeline's files (cited in docs/measurement.md and the preset), not
written by slawriter. The agreement is the one ``agreement`` pins: Europe/London (UTC in
January, so the files' UTC times are the local ones), mon-fri 08:30-17:30; P2 1h / 8h, P3 4h
/ 2 business days (18h).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from slawriter.cli import main
from tests.test_measure_report import AS_OF, agreement, run_json  # noqa: F401

EXPORTS = Path(__file__).parent / "fixtures" / "exports"


def _report(capsys: pytest.CaptureFixture[str], path: Path, *extra: str) -> Any:
    return run_json(
        capsys, str(path), "--period", "2027-01", "--as-of", AS_OF, "--preset",
        "jira-dc", "--tickets", str(EXPORTS / "jira-dc-issues.csv"),
        "--no-response-column", *extra,
    )  # fmt: skip


def test_jira_issue_history_pauses_and_raises(
    agreement: Path,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
) -> None:
    history = str(EXPORTS / "jira-dc-history.csv")
    code, body = _report(capsys, agreement, "--status-history", history)
    assert code == 0
    p2, p3 = body["priorities"]["P2"], body["priorities"]["P3"]
    # SD-1 (10001), Medium = P3, logged Tue 5 Jan 09:00, resolved Thu 7 Jan 16:00: Tue 8h30 +
    # Wed 9h + Thu 7h30 = 25h, less 'Waiting for customer' Tue 10:00 -> Wed 09:00 (Tue 7h30 +
    # Wed 30m = 8h) = 17h <= 18h: met. The assignee and resolution rows are not read.
    assert (p3["tickets"], p3["resolution_met"], p3["resolution_breached"]) == (1, 1, 0)
    assert p3["resolution_median_s"] == 17 * 3600
    # SD-2 (10002), raised Medium -> High at 11:00: P3 for 09:00-11:00 (2h), then P2 from the
    # change, 11:00 -> 17:15 = 6h15 <= 8h: met at P2 (from logging it would be 8h15, a breach).
    assert (p2["tickets"], p2["resolution_met"], p2["resolution_breached"]) == (1, 1, 0)
    assert p2["resolution_median_s"] == 6.25 * 3600
    # The response is the resolution (--no-response-column): SD-2 at P2 from 11:00, 6h15 > 1h.
    assert (p2["response_met"], p2["response_breached"]) == (0, 1)
    assert any("2 rows changing fields other than status and priority" in n for n in body["notes"])


def test_without_the_history_the_pause_and_the_raise_are_missed(
    agreement: Path,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, body = _report(capsys, agreement)
    assert code == 0
    # SD-1 counts 25h > 18h and SD-2 8h15 > 8h at P2 from logging: both breached.
    assert body["priorities"]["P3"]["resolution_breached"] == 1
    assert body["priorities"]["P2"]["resolution_breached"] == 1


def test_list_presets_says_which_history_exports_are_documented(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["report", "--list-presets"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    jira_dp = lines.index(next(ln for ln in lines if ln.startswith("jira-dc ")))
    assert "status history: the vendor's documented export (https://ja.confluence" in "\n".join(
        lines[jira_dp : jira_dp + 3]
    )
    zendesk = lines.index(next(ln for ln in lines if ln.startswith("zendesk ")))
    assert "status history: no documented export" in "\n".join(lines[zendesk : zendesk + 4])
