"""A report made before its period ends counts only what has happened by --as-of.

docs/measurement.md: "At the as-of time, anything later has not happened yet." The example
outage log for January 2027 has an email outage on the 5th (10:05-10:52), a files outage on
the 18th (11:15-11:48) and a remote-access outage on the 23rd (02:58-04:20).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from slawriter.cli import main
from tests.conftest import EXAMPLES


def _report(
    capsys: pytest.CaptureFixture[str], folder: Path, as_of: str
) -> tuple[dict[str, Any], str]:
    code = main(
        [
            "report",
            str(EXAMPLES / "acme-standard.yaml"),
            "--tickets",
            str(EXAMPLES / "acme-2027-01-tickets.csv"),
            "--outages",
            str(EXAMPLES / "acme-2027-01-outages.csv"),
            "--period",
            "2027-01",
            "--as-of",
            as_of,
            "--json",
            "--out",
            str(folder),
            "--format",
            "md",
        ]
    )
    captured = capsys.readouterr()
    assert code == 0, captured.err
    return json.loads(captured.out), (folder / "acme-standard-2027-01.md").read_text("utf-8")


def _row(markdown: str, service: str) -> dict[str, str]:
    header = ["Service", "Target", "Uptime", "Downtime", "Allowed", "Planned", "Result"]
    # The availability table's row (the by-service ticket table names services too).
    rows = [
        line
        for line in markdown.splitlines()
        if line.startswith(f"| {service} |") and line.count("|") == len(header) + 1
    ]
    assert len(rows) == 1, rows
    return dict(zip(header, rows[0].strip("| ").split(" | "), strict=True))


def test_before_the_period_nothing_has_gone_down(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The reviewer's case: run on 6 December 2026 for January 2027 (no --as-of, today)."""
    body, markdown = _report(capsys, tmp_path, "2026-12-06T12:00")
    for service in body["services"].values():
        assert (service["outages"], service["downtime_s"], service["credit"]) == (0, 0, 0)
    assert body["period_over"] is False
    assert _row(markdown, "Email and calendar")["Downtime"] == "0"
    assert (
        "Credits owed: service credits (uptime) £0.00; target credits (response and "
        "resolution) £0.00; total £0.00." in markdown
    )
    assert (
        "January 2027 was not over at 6 December 2026 12:00 GMT: downtime is counted up to "
        "then, and outages after it are not in this report." in markdown
    )


def test_mid_month_counts_outages_up_to_as_of(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    body, markdown = _report(capsys, tmp_path, "2027-01-18T11:30")
    services = body["services"]
    assert services["email"]["downtime_s"] == 47 * 60  # over before as-of: all of it
    assert services["files"]["downtime_s"] == 15 * 60  # 11:15 to as-of, not to 11:48
    assert services["remote-access"]["outages"] == 0  # on the 23rd: not yet
    assert _row(markdown, "File and print services")["Downtime"] == "15"
    assert body["period_over"] is False
    assert "January 2027 was not over at that time" in markdown


def test_after_the_period_everything_counts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    body, markdown = _report(capsys, tmp_path, "2027-02-01T00:00")
    assert body["period_over"] is True
    assert body["services"]["files"]["downtime_s"] == 33 * 60
    assert body["services"]["remote-access"]["downtime_s"] == 82 * 60
    assert "was not over" not in markdown
