"""One allowed-downtime figure everywhere: the document, `check`, `report` (its JSON and the
report it prints) and `downtime`.

Each case drafts the same service of one agreement whose first full month is March 2027, the
month the UK's clocks go forward (Sunday 28 March: 743 hours in Europe/London, 744 in UTC), and
asks each part of slawriter how much downtime its uptime target allows that month. They must
all say the same, to the second, and that figure must be the one counted in the right zone.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from slawriter.cli import main
from slawriter.feasibility import facts_for
from slawriter.feasibility.figures import service_budgets
from slawriter.files.load import load_agreement
from slawriter.library import Library
from tests.conftest import copy_examples

MONTH = "2027-03"
ZONE = "Europe/London"  # every calendar here, and so the zone 24x7 runs in

# A calendar of the agreement's own, with a Sunday night shift (which the clock change
# shortens to 5 hours on 28 March) and one reduced day.
NAMED_CALENDAR = """
calendars:
  short-weeks:
    timezone: Europe/London
    hours: mon-fri 09:00-17:00; sun 00:00-06:00
    holidays: GB-ENG
    reduced:
      2027-03-31: 09:00-12:00
"""


@dataclass(frozen=True)
class Case:
    service: str  # the service id in acme-standard.yaml
    name: str  # its name, as the uptime table prints it
    edits: tuple[tuple[str, str], ...]
    minutes: str  # the allowed downtime in March 2027, as the agreement prints it
    runs_out: str  # when the basis's minutes of March, counted from its start, run out


CASES = {
    # The provider's 'business' calendar: Mon-Fri 08:30-17:30 less Good Friday (26 March)
    # and Easter Monday (29 March): 21 days x 9 hours = 11,340 minutes; 0.5 % of that.
    "business hours": Case(
        "files", "File and print services", (), "56.7", "2027-03-31T17:30:00+01:00"
    ),
    # Every minute of March in Europe/London: 743 hours = 44,580 minutes; 0.1 % of that.
    "24x7 as the uptime basis": Case(
        "email", "Email and calendar", (), "44.58", "2027-04-01T00:00:00+01:00"
    ),
    # The same, with 24x7 as the agreement's Business Hours: it still runs in Europe/London
    # (the first calendar named), not in UTC (which would give 44.64).
    "24x7 as default_calendar": Case(
        "email",
        "Email and calendar",
        (("priorities:\n", "default_calendar: 24x7\n\npriorities:\n"),),
        "44.58",
        "2027-04-01T00:00:00+01:00",
    ),
    # A business-hours basis on the default 24x7 calendar: the same minutes.
    "business-hours basis on a 24x7 default": Case(
        "files",
        "File and print services",
        (("priorities:\n", "default_calendar: 24x7\n\npriorities:\n"),),
        "222.9",
        "2027-04-01T00:00:00+01:00",
    ),
    # 'short-weeks': 23 weekdays less Good Friday and Easter Monday = 21 x 8 h, less 5 h on
    # the reduced 31 March, plus four Sunday nights of 6 h, one of which (28 March) has 5 h:
    # 168 - 5 + 23 = 186 hours = 11,160 minutes; 0.5 % of that is 55.8 minutes.
    "named calendar with a reduced day": Case(
        "files",
        "File and print services",
        (
            ("basis: business-hours}", "basis: business-hours, calendar: short-weeks}"),
            ("priorities:\n", NAMED_CALENDAR.lstrip("\n") + "\npriorities:\n"),
        ),
        "55.8",
        "2027-03-31T12:00:00+01:00",
    ),
}


def _agreement(folder: Path, case: Case) -> Path:
    copy_examples(folder, "acme-standard.yaml")
    path = folder / "acme-standard.yaml"
    text = path.read_text("utf-8")
    edits = (("effective_date: 2027-01-01", "effective_date: 2027-03-01"), *case.edits)
    for old, new in edits:
        assert old in text, f"test set-up: {old!r} not in the example"
        text = text.replace(old, new, 1)
    path.write_text(text, "utf-8")
    return path


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    code = main(list(args))
    captured = capsys.readouterr()
    assert code == 0, captured.err
    return captured.out


def _document_minutes(
    capsys: pytest.CaptureFixture[str], path: Path, case: Case
) -> tuple[str, str]:
    """The Allowed Downtime cell of the service's row in the drafted agreement."""
    out = path.parent / "out"
    # A 24x7 support desk with this team breaks the staffing and site-access rules; the
    # figures do not depend on that.
    risks = ["--accept-risk", "staffing-vs-response=test", "--accept-risk", "access-vs-onsite=test"]
    _run(capsys, "render", str(path), "--out", str(out), "--format", "md", *risks)
    markdown = (out / "acme-standard.md").read_text("utf-8")
    rows = [
        line
        for line in markdown.splitlines()
        if line.startswith(f"| {case.name} |") and line.endswith(" minutes |")
    ]
    assert len(rows) == 1, rows
    cell = rows[0].rstrip(" |").rsplit("|", 1)[1].strip()
    match = re.fullmatch(r"([\d.]+) minutes", cell)
    assert match, cell
    return match.group(1), markdown


def _report_allowed(path: Path, case: Case) -> str:
    """The Allowed cell of the service's row in the printed report's Availability table."""
    rows = [
        line.strip("| ").split(" | ")
        for line in path.read_text("utf-8").splitlines()
        if line.startswith(f"| {case.name} |")
    ]
    assert len(rows) == 1, rows
    header = ["Service", "Target", "Uptime", "Downtime", "Allowed", "Planned", "Result"]
    return dict(zip(header, rows[0], strict=True))["Allowed"]


def _minutes(seconds: float) -> str:
    """Seconds as the agreement prints minutes: at most two decimals."""
    return f"{round(seconds / 60, 2):.2f}".rstrip("0").rstrip(".")


@pytest.mark.parametrize("kind", list(CASES))
def test_one_allowed_downtime_everywhere(
    kind: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    case = CASES[kind]
    path = _agreement(tmp_path, case)

    printed, markdown = _document_minutes(capsys, path, case)

    library = Library.locate(None)
    budgets = {
        b.service: b for b in service_budgets(facts_for(load_agreement(path, library), library))
    }
    checker = budgets[case.service]

    asked = json.loads(
        _run(
            capsys,
            "downtime",
            "--month",
            MONTH,
            "--agreement",
            str(path),
            "--service",
            case.service,
            "--json",
        )
    )

    reports = tmp_path / "reports"
    # No tickets: January's in a March report would be warned about (all outside the period).
    tickets = tmp_path / "tickets.csv"
    tickets.write_text("id,priority,created,responded,resolved,service\n", "utf-8")
    report = json.loads(
        _run(
            capsys,
            "report",
            str(path),
            "--tickets",
            str(tickets),
            "--period",
            MONTH,
            "--as-of",
            "2027-04-05T12:00",
            "--json",
            "--out",
            str(reports),
            "--format",
            "md",
        )
    )
    measured = report["services"][case.service]

    figures = {
        "document": printed,
        "check": _minutes(checker.allowed_s),
        "downtime": _minutes(asked["allowed_downtime_s"]),
        "report": _minutes(measured["allowed_downtime_s"]),
        "printed report": _report_allowed(reports / "acme-standard-2027-03.md", case),
    }
    assert figures == dict.fromkeys(figures, case.minutes)
    # The same month, to the second, on the same clock.
    assert checker.period_s == asked["period_s"] == measured["basis_s"]
    assert asked["timezone"] == ZONE
    assert checker.allowed_s == asked["allowed_downtime_s"] == measured["allowed_downtime_s"]
    # `clock` and `deadline` count the month on the same calendar, in the same zone.
    agreement = ["--agreement", str(path), "--calendar", asked["calendar"]]
    clocked = json.loads(
        _run(
            capsys,
            "clock",
            *agreement,
            "--from",
            "2027-03-01T00:00",
            "--to",
            "2027-04-01T00:00",
            "--json",
        )
    )
    assert clocked["business_seconds"] == asked["period_s"]
    due = json.loads(
        _run(
            capsys,
            "deadline",
            *agreement,
            "--from",
            "2027-03-01T00:00",
            "--amount",
            f"{int(asked['period_s'] // 60)}m",
            "--json",
        )
    )
    assert due["deadline"] == case.runs_out
    # The agreement says in which zone the 24x7 clock runs.
    assert f"All hours are counted in {ZONE} time" in markdown
