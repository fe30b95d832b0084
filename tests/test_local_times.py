"""Wall-clock times the clocks skip or repeat, as every command reads and prints them.

The README's conventions and the clock's rule 2: a local time that does not exist (01:30 on
the UK's spring-forward day, Sunday 28 March 2027) moves forward by the gap, to 02:30 BST; a
repeated one (01:30 on Sunday 31 October 2027) is its first occurrence, 01:30 BST. What a
command prints is the instant it counted from, never a reading that does not exist.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from slawriter.cli import main
from tests.conftest import EXAMPLES

AGREEMENT = str(EXAMPLES / "acme-standard.yaml")
GAP = "2027-03-28T01:30"  # does not exist in Europe/London
REPEATED = "2027-10-31T01:30"  # happens twice in Europe/London


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    code = main(list(args))
    captured = capsys.readouterr()
    assert code == 0, captured.err
    return captured.out


def test_deadline_prints_the_moved_time(capsys: pytest.CaptureFixture[str]) -> None:
    out = _run(capsys, "deadline", "--agreement", AGREEMENT, "--priority", "P1", "--from", GAP)
    assert out.splitlines()[0] == "Logged Sun 28 Mar 2027 02:30 BST, priority P1"
    assert "01:30" not in out
    # P1 runs on 24x7: 30 minutes after 02:30 BST.
    assert "response    30 minutes             due Sun 28 Mar 2027 03:00 BST" in out


def test_deadline_json_gives_the_moved_time(capsys: pytest.CaptureFixture[str]) -> None:
    body = json.loads(
        _run(
            capsys,
            "deadline",
            "--agreement",
            AGREEMENT,
            "--priority",
            "P1",
            "--from",
            GAP,
            "--target",
            "response",
            "--json",
        )
    )
    assert body["from"] == "2027-03-28T02:30:00+01:00"
    assert body["deadline"] == "2027-03-28T03:00:00+01:00"


@pytest.mark.parametrize(
    ("options", "calendar"),
    [
        (("--agreement", AGREEMENT, "--priority", "P1"), "calendar '24x7'"),
        (("--hours", "24x7", "--timezone", "Europe/London"), "24x7 (Europe/London)"),
    ],
)
def test_clock_prints_the_moved_time(
    options: tuple[str, ...], calendar: str, capsys: pytest.CaptureFixture[str]
) -> None:
    out = _run(capsys, "clock", *options, "--from", GAP, "--to", "2027-03-28T03:00")
    assert out.splitlines() == [
        "30 business minutes",
        "  from Sun 28 Mar 2027 02:30 BST to Sun 28 Mar 2027 03:00 BST (0.50 hours on the clock)",
        out.splitlines()[2],
    ]
    assert calendar in out.splitlines()[2]
    body = json.loads(
        _run(capsys, "clock", *options, "--from", GAP, "--to", "2027-03-28T03:00", "--json")
    )
    assert body["from"] == "2027-03-28T02:30:00+01:00"
    assert body["business_seconds"] == body["calendar_seconds"] == 1800


def test_a_repeated_time_is_its_first_occurrence(capsys: pytest.CaptureFixture[str]) -> None:
    body = json.loads(
        _run(
            capsys,
            "clock",
            "--hours",
            "24x7",
            "--timezone",
            "Europe/London",
            "--from",
            REPEATED,
            "--to",
            "2027-10-31T02:30",
            "--json",
        )
    )
    assert body["from"] == "2027-10-31T01:30:00+01:00"
    # 01:30 BST to 02:30 GMT: two hours on the wall clock's behalf.
    assert body["business_seconds"] == 7200


def test_report_as_of_in_the_gap(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    body = json.loads(
        _run(
            capsys,
            "report",
            AGREEMENT,
            "--tickets",
            str(EXAMPLES / "acme-2027-01-tickets.csv"),
            "--period",
            "2027-01",
            "--as-of",
            GAP,
            "--json",
            "--out",
            str(tmp_path),
            "--format",
            "md",
        )
    )
    assert body["as_of"] == "2027-03-28T02:30:00+01:00"
    markdown = (tmp_path / "acme-standard-2027-01.md").read_text("utf-8")
    assert "| **As of** | 28 March 2027 02:30 BST |" in markdown
    assert "01:30" not in markdown
