"""The calculators against published figures: Erlang C, availability and downtime budgets."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from slawriter.cli import main
from slawriter.clock.engine import Calendar
from slawriter.feasibility import erlang
from slawriter.feasibility.availability import (
    Span,
    allowed_downtime_seconds,
    parallel,
    period_seconds,
    series,
)
from tests.conftest import EXAMPLES


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


# --- Erlang C --------------------------------------------------------------------------------


def test_published_example_from_the_domain_brief() -> None:
    # 360 calls per 30 minutes, AHT 240 s, 55 agents, answer within 15 s.
    load = 360 / 1800 * 240
    assert load == pytest.approx(48)
    assert erlang.probability_wait(55, load) == pytest.approx(0.2387, abs=5e-5)
    assert erlang.average_speed_of_answer(55, load, 240) == pytest.approx(8.2, abs=0.05)
    assert erlang.service_level(55, load, 240, 15) == pytest.approx(0.8459, abs=5e-5)
    # "53 agents are needed for 70 %": 52 give 63.7 %, 53 give 72.5 %.
    assert erlang.service_level(52, load, 240, 15) < 0.70 < erlang.service_level(53, load, 240, 15)
    assert erlang.agents_needed(load, 240, 15, 0.70) == 53
    assert erlang.agents_needed(load, 240, 15, 0.80) == 55


def test_erlang_b_against_the_published_table() -> None:
    # Erlang B tables: 10 circuits offered 5 erlangs block 1.84 % of calls;
    # 1 circuit offered 1 erlang blocks half of them.
    assert erlang.erlang_b(10, 5) == pytest.approx(0.01838, abs=5e-6)
    assert erlang.erlang_b(1, 1) == pytest.approx(0.5)


def _textbook_erlang_c(agents: int, load: float) -> float:
    """The closed form with A^N / N!, fine for small N."""
    top = load**agents / math.factorial(agents) * agents / (agents - load)
    bottom = sum(load**k / math.factorial(k) for k in range(agents)) + top
    return top / bottom


@settings(derandomize=True, deadline=None, max_examples=60)
@given(st.integers(min_value=1, max_value=60), st.floats(min_value=0.01, max_value=0.99))
def test_recursion_matches_the_closed_form(agents: int, utilisation: float) -> None:
    load = agents * utilisation
    assert erlang.probability_wait(agents, load) == pytest.approx(
        _textbook_erlang_c(agents, load), rel=1e-9
    )


def test_large_teams_do_not_overflow() -> None:
    # The closed form overflows a float at a few hundred agents; the recursion does not.
    assert 0 < erlang.probability_wait(2000, 1950) < 1


def test_overload_is_refused() -> None:
    with pytest.raises(erlang.OverloadedError, match=r"48\.00 erlangs"):
        erlang.probability_wait(48, 48)


def test_staffing_command_prints_the_published_figures(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys,
        *[
            "staffing",
            "--calls",
            "360",
            "--per",
            "30m",
            "--handle",
            "4m",
            "--agents",
            "55",
            "--answer-within",
            "15s",
        ],
        "--target",
        "80%",
    )
    assert code == 0
    assert "Load: 48.00 erlangs" in out
    assert "probability of waiting   23.87%" in out
    assert "average speed of answer  8.2 s" in out
    assert "84.59%" in out
    assert "Agents needed for 80% answered within 15s: 55" in out


def test_staffing_command_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys,
        *[
            "staffing",
            "--calls",
            "360",
            "--per",
            "30m",
            "--handle",
            "4m",
            "--agents",
            "55",
            "--answer-within",
            "15s",
        ],
        "--target",
        "70",
        "--json",
    )
    assert code == 0
    data = json.loads(out)
    assert data["probability_wait"] == pytest.approx(0.2387, abs=5e-5)
    assert data["service_level"] == pytest.approx(0.8459, abs=5e-5)
    assert data["average_speed_of_answer_s"] == pytest.approx(8.18, abs=0.01)
    assert data["agents_needed"] == 53


def test_staffing_command_refuses_too_few_agents(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(
        capsys,
        *[
            "staffing",
            "--calls",
            "360",
            "--per",
            "30m",
            "--handle",
            "4m",
            "--agents",
            "40",
            "--answer-within",
            "15s",
        ],
        "--target",
        "80%",
    )
    assert code == 2 and not out
    assert "40 agents cannot carry a load of 48.00 erlangs" in err
    assert "55 agents are needed for 80%" in err
    assert "Traceback" not in err


def test_staffing_command_refuses_a_bad_duration(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(
        capsys,
        *["staffing", "--calls", "10", "--handle", "4", "--agents", "5", "--answer-within", "15s"],
    )
    assert code == 2
    assert "--handle: '4' is not a duration" in err


# --- availability ------------------------------------------------------------------------------


def test_series_and_parallel() -> None:
    assert series([0.9995, 0.9999]) == pytest.approx(0.9994, abs=5e-5)  # DOMAIN.md
    assert parallel([0.99, 0.99]) == pytest.approx(0.9999)


@pytest.mark.parametrize(
    ("target", "period", "zone", "minutes"),
    [
        ("99.9", "2027-04", "UTC", 43.2),  # a 30-day month
        ("99.9", "2027-01", "UTC", 44.64),  # a 31-day month
        ("99.99", "2027-04", "UTC", 4.32),
        ("99.9", "2027", "UTC", 525.6),  # 8.76 hours
        ("99.9", "2027-03", "Europe/London", 44.58),  # 743 hours: the clocks go forward
    ],
)
def test_downtime_in_actual_minutes(target: str, period: str, zone: str, minutes: float) -> None:
    clock = Calendar.always("24x7", zone)
    allowed = allowed_downtime_seconds(float(target), period_seconds(clock, Span.parse(period)))
    assert allowed / 60 == pytest.approx(minutes)


def test_downtime_command(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "downtime", "99.9", "--month", "2027-02")
    assert code == 0
    assert out.startswith("99.9% of February 2027 (all hours, UTC: 40,320 minutes) allows 40.32")
    code, out, _ = run(capsys, "downtime", "99.9", "--year", "2027", "--json")
    data = json.loads(out)
    assert data["period_s"] == 365 * 86400
    assert data["allowed_downtime_s"] == pytest.approx(31536)


def test_downtime_on_an_agreement_service(capsys: pytest.CaptureFixture[str]) -> None:
    agreement = str(EXAMPLES / "acme-standard.yaml")
    args = ["downtime", "--month", "2027-01", "--agreement", agreement, "--service", "files"]
    code, out, _ = run(capsys, *args, "--json")
    data = json.loads(out)
    # 'business' is mon-fri 08:30-17:30 in England: 20 working days in January 2027 (New
    # Year's Day is a holiday), 180 hours; 99.5 % of them allows 54 minutes.
    assert data["period_s"] == 180 * 3600
    assert data["allowed_downtime_s"] == pytest.approx(54 * 60)
    assert data["basis"] == "business-hours" and data["timezone"] == "Europe/London"
    code, _, err = run(capsys, *args[:-1], "desktop")
    assert code == 2 and "'desktop' is not a service with an uptime target" in err


def test_downtime_command_refuses_a_bad_month(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _, err = run(capsys, "downtime", "99.9", "--month", "2027-13")
    assert code == 2 and "'2027-13' is not a month" in err


@pytest.mark.parametrize("name", ["acme-standard.yaml", "corner-shop-smb.yaml"])
def test_documents_and_checker_share_one_downtime_arithmetic(tmp_path: Path, name: str) -> None:
    """The allowed downtime printed in the agreement is the checker's budget (one function)."""
    from slawriter.clock import downtime
    from slawriter.drafting.context import clause_context
    from slawriter.feasibility import availability, facts_for
    from slawriter.feasibility.figures import service_budgets
    from slawriter.files.load import load_agreement
    from slawriter.library import Library
    from slawriter.text.times import minutes_words
    from tests.conftest import copy_examples

    assert availability.period_seconds is downtime.period_seconds
    assert availability.allowed_downtime_seconds is downtime.allowed_downtime_seconds
    copy_examples(tmp_path, name)
    library = Library.locate()
    loaded = load_agreement(tmp_path / name, library)
    names, _ = clause_context(loaded)
    budgets = service_budgets(facts_for(loaded, library))
    assert budgets
    for budget in budgets:
        service = next(s for s in loaded.agreement.services if s.id == budget.service)
        assert service.uptime is not None
        printed = names["allowed_downtime"](
            service.uptime.target, service.uptime.basis, service.uptime.calendar
        )
        assert printed == minutes_words(budget.allowed_s)
