"""What `validate` accepts, `check`, `render` and `report` can compute, quickly; the rest is
refused at validation with file, line, field and what was expected (exit 2, no traceback).

Each reproduction is one small edit of the example agreement or provider file."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

from slawriter.cli import main
from tests.conftest import copy_examples

AGREEMENT = "acme-standard.yaml"


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    copy_examples(tmp_path, AGREEMENT)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text, f"test set-up: {old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), "utf-8")


def line_of(path: Path, needle: str) -> int:
    for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in {path}")


def refused(capsys: pytest.CaptureFixture[str], workdir: Path) -> str:
    """Every command that reads the agreement refuses it the same way; returns the message."""
    messages = []
    for command in (
        ["validate", AGREEMENT],
        ["check", AGREEMENT],
        ["render", AGREEMENT, "--out", "out", "--format", "md"],
    ):
        code = main(command)
        err = capsys.readouterr().err
        assert code == 2, f"{command[0]}: exit {code}\n{err}"
        assert "Traceback" not in err and "internal error" not in err, err
        messages.append(err)
    assert not (workdir / "out").exists(), "nothing may be written when the input is bad"
    problems = [message.splitlines()[1:] for message in messages]  # headings differ
    assert problems[0] == problems[1] == problems[2], messages
    return messages[0]


# Text: lengths and characters no document can hold


def test_a_name_over_300_characters_is_refused_naming_the_field(workdir: Path, capsys) -> None:
    agreement = workdir / AGREEMENT
    edit(agreement, "name: Acme Precision Engineering Ltd", "name: " + "A" * 301)
    err = refused(capsys, workdir)
    line = line_of(agreement, "name: AAAA")
    assert (
        f"{AGREEMENT}:{line}:3: customer.name: 301 characters, but at most 300 are allowed here"
        in err
    )


def test_free_text_over_20000_characters_is_refused(workdir: Path, capsys) -> None:
    agreement = workdir / AGREEMENT
    edit(agreement, "  - The SolidWorks PDM vault", "  - " + "x" * 20_001 + "\n  - The SolidWorks")
    err = refused(capsys, workdir)
    line = line_of(agreement, "xxxx")
    assert (
        f"{AGREEMENT}:{line}:5: exclusions[0]: 20,001 characters, but at most 20,000 are allowed"
        in err
    )


@pytest.mark.parametrize(
    ("escape", "code"),
    [
        ("\\uFFFF", "U+FFFF"),
        ("\\uFFFE", "U+FFFE"),
        ("\\uD800", "U+D800"),
        ("\\x0B", "U+000B"),
        ("\\x01", "U+0001"),
    ],
)
def test_characters_xml_forbids_are_refused_with_line_and_column(
    workdir: Path, capsys, escape: str, code: str
) -> None:
    agreement = workdir / AGREEMENT
    edit(
        agreement,
        "name: Acme Precision Engineering Ltd",
        f'name: "Acme {escape}Precision Engineering Ltd"',
    )
    err = refused(capsys, workdir)
    line = line_of(agreement, 'name: "Acme')
    assert f"{AGREEMENT}:{line}:3: customer.name: contains the character {code} at column 6" in err


def test_a_forbidden_character_in_free_text_gives_its_line_and_column(
    workdir: Path, capsys
) -> None:
    edit(
        workdir / AGREEMENT,
        "    - Keep the server room locked and its air conditioning serviced.",
        '    - "One\\nTw\\uFFFFo"',
    )
    err = refused(capsys, workdir)
    assert (
        "responsibilities.additional[0]: contains the character U+FFFF at line 2, column 3" in err
    )


# Counts


def _services(count: int) -> str:
    return "services:\n" + "".join(
        f"  - {{id: svc-{n}, name: Service {n}, systems: [System {n}]}}\n" for n in range(count)
    )


def test_more_than_500_services_are_refused(workdir: Path, capsys) -> None:
    agreement = workdir / AGREEMENT
    edit(agreement, "services:\n", _services(497))  # and the example's four
    err = refused(capsys, workdir)
    line = line_of(agreement, "services:")
    assert (
        f"{AGREEMENT}:{line}:1: services: 501 services, but at most 500 are allowed here: "
        "split them across several agreements" in err
    )


# The point of the bounds is that what validation accepts can be computed: these run to the
# end with the example's own finding (pytest's timeout fails one that hangs; the speed
# is bench/'s to measure, not a test's).
EXAMPLE_FINDINGS = f"{AGREEMENT}: 0 errors, 0 warnings, 1 note\n"


def test_500_services_are_accepted_and_checked(workdir: Path, capsys) -> None:
    agreement = workdir / AGREEMENT
    edit(agreement, "services:\n", _services(496))
    code = main(["check", AGREEMENT])
    out, err = capsys.readouterr()
    assert code == 0, err
    # The 496 services without targets add no finding to the example's one note.
    assert out.startswith(EXAMPLE_FINDINGS)
    assert "uptime-vs-recovery: remote-access: not checked" in out


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "exclusions:\n",
            "exclusions:\n" + "  - An exclusion\n" * 197,
            "exclusions: 201 exclusions, but at most 200 are allowed here",
        ),
        (
            "  tiers:\n",
            "  tiers:\n" + "    - {below: 99.99, credit: 1}\n" * 17,
            "credits.tiers: 21 tiers, but at most 20 are allowed here",
        ),
        (
            "  examples: [Set up a new starter's mailbox, Install approved software]",
            "  examples: [" + ", ".join(f"Example {n}" for n in range(101)) + "]",
            "priorities.P4.examples: 101 examples, but at most 100 are allowed here",
        ),
        (
            '    sites: ["Avonside Industrial Estate, Bristol"]\n    users: 85 named users\n'
            "    uptime: {target: 99.5",
            "    sites: [" + ", ".join(f"Site {n}" for n in range(101)) + "]\n"
            "    users: 85 named users\n    uptime: {target: 99.5",
            "services[files].sites: 101 sites, but at most 100 are allowed here",
        ),
        (
            "services:\n",
            "calendars:\n"
            + "".join(f"  c{n}: {{timezone: UTC, hours: 24x7}}\n" for n in range(51))
            + "\nservices:\n",
            "calendars: 51 calendars, but at most 50 are allowed here",
        ),
        (
            "services:\n",
            "calendars:\n  shut:\n    timezone: UTC\n    hours: 24x7\n    closed:\n"
            + "".join(f"      - {2027 + n // 365}-01-01\n" for n in range(1001))
            + "\nservices:\n",
            "calendars.shut.closed: 1,001 dates, but at most 1,000 are allowed here",
        ),
    ],
    ids=["exclusions", "credit-tiers", "examples", "sites", "calendars", "closed-dates"],
)
def test_counts_are_bounded(workdir: Path, capsys, old: str, new: str, message: str) -> None:
    edit(workdir / AGREEMENT, old, new)
    assert message in refused(capsys, workdir)


# Numbers


@pytest.mark.parametrize(
    ("value", "shown"),
    [(".inf", "inf"), (".nan", "nan"), ("1e12", "1000000000000.0"), ("-1", "-1.0")],
)
def test_expected_tickets_must_be_a_believable_number(
    workdir: Path, capsys, value: str, shown: str
) -> None:
    agreement = workdir / AGREEMENT
    edit(agreement, "expected_tickets: {P1: 1,", f"expected_tickets: {{P1: {value},")
    err = refused(capsys, workdir)
    line = line_of(agreement, "expected_tickets")
    assert (
        f"{AGREEMENT}:{line}:22: internal.expected_tickets.P1: {shown} is not a number of "
        "tickets a month: expected 0 to 10,000,000" in err
    )


def test_a_monthly_fee_beyond_any_contract_is_refused(workdir: Path, capsys) -> None:
    agreement = workdir / AGREEMENT
    edit(agreement, "monthly_fee: 850", "monthly_fee: '1E+999999999'")
    err = refused(capsys, workdir)
    assert (
        "services[email].monthly_fee: 1E+999999999 is more than 1,000,000,000: "
        "is it a typing error?" in err
    )
    assert "clauses" not in err  # not blamed on a built-in clause file


def test_an_uptime_target_that_prints_as_zero_is_refused(workdir: Path, capsys) -> None:
    agreement = workdir / AGREEMENT
    edit(agreement, "uptime: {target: 99.9,", "uptime: {target: '1E-999999999',")
    err = refused(capsys, workdir)
    line = line_of(agreement, "1E-999999999")
    assert (
        f"{AGREEMENT}:{line}:14: services[email].uptime.target: the percentage 1E-999999999 "
        "has 999,999,999 decimal places, but at most 4 are allowed" in err
    )


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "      agents: 4",
            "      agents: 1000000000",
            "internal.staffing[0].agents: Input should be less than or equal to 1000",
        ),
        (
            "      agents: 1\n",
            "      agents: 999\n",
            "internal.staffing: 1,003 agents across the bands, but at most 1,000 are allowed",
        ),
        (
            "    people: 1",
            "    people: 1000000000",
            "internal.on_call.people: Input should be less than or equal to 1000",
        ),
    ],
    ids=["agents", "agents-together", "on-call"],
)
def test_people_on_shift_are_bounded(
    workdir: Path, capsys, old: str, new: str, message: str
) -> None:
    edit(workdir / "provider.yaml", old, new)
    err = refused(capsys, workdir)
    assert "provider.yaml:" in err and message in err


# Dates


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "1969-12-31", "2201-01-01"])
def test_an_effective_date_that_cannot_be_computed_is_refused(
    workdir: Path, capsys, day: str
) -> None:
    agreement = workdir / AGREEMENT
    edit(agreement, "effective_date: 2027-01-01", f"effective_date: {day}")
    err = refused(capsys, workdir)
    line = line_of(agreement, "effective_date")
    assert (
        f"{AGREEMENT}:{line}:3: agreement.effective_date: {day} is outside the years slawriter "
        "can compute with (1970 to 2200)" in err
    )


def test_the_last_accepted_year_can_be_checked_and_rendered(workdir: Path, capsys) -> None:
    edit(workdir / AGREEMENT, "effective_date: 2027-01-01", "effective_date: 2200-12-31")
    assert main(["check", AGREEMENT]) == 0
    assert main(["render", AGREEMENT, "--out", "out", "--format", "md"]) == 0
    err = capsys.readouterr().err
    assert "internal error" not in err
    assert "31 December 2200" in (workdir / "out" / "acme-standard.md").read_text("utf-8")


def test_a_closed_date_out_of_range_is_refused(workdir: Path, capsys) -> None:
    edit(workdir / "provider.yaml", "    reduced:\n", "    closed: [9999-12-31]\n    reduced:\n")
    err = refused(capsys, workdir)
    assert "provider.yaml:" in err
    assert "calendars.business.closed[0]: 9999-12-31 is outside the years" in err


# Calendars and the clock


def test_a_calendar_open_minutes_a_week_is_refused(workdir: Path, capsys) -> None:
    provider = workdir / "provider.yaml"
    edit(provider, "hours: mon-fri 08:00-17:00", "hours: wed-thu 00:00-00:01")
    err = refused(capsys, workdir)
    line = line_of(provider, "wed-thu")
    assert (
        f"provider.yaml:{line}:5: calendars.hardware-9x5.hours: 'wed-thu 00:00-00:01' is open "
        "2 minutes a week: a calendar that targets are counted on needs at least 1 hour a week"
        in err
    )


def test_the_smallest_accepted_calendar_can_be_checked(workdir: Path, capsys) -> None:
    edit(workdir / "provider.yaml", "hours: mon-fri 08:00-17:00", "hours: wed 00:00-01:00")
    code = main(["check", AGREEMENT])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert out.startswith(EXAMPLE_FINDINGS)


def test_a_time_zone_name_too_long_for_a_file_name_is_refused(workdir: Path, capsys) -> None:
    edit(workdir / "provider.yaml", "timezone: Europe/London", "timezone: Europe/" + "L" * 300)
    err = refused(capsys, workdir)
    assert "calendars.business.timezone: 307 characters, but at most 100 are allowed here" in err


def test_a_duration_thousands_of_digits_long_is_refused(workdir: Path, capsys) -> None:
    edit(workdir / AGREEMENT, "    response: 30m", "    response: " + "9" * 5000 + "m")
    err = refused(capsys, workdir)
    assert "priorities.P1.response: 5,001 characters is not a duration" in err


# Public holidays


def test_a_holiday_code_the_package_warns_about_gives_no_raw_warning(workdir: Path, capsys) -> None:
    provider = workdir / "provider.yaml"
    provider.write_text(provider.read_text("utf-8").replace("holidays: GB-ENG", "holidays: IN"))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        code = main(["validate", AGREEMENT])
        assert main(["check", AGREEMENT]) == 0
    err = capsys.readouterr().err
    assert code == 0, err
    assert [str(w.message) for w in caught] == []
    assert "Warning" not in err and "site-packages" not in err


def test_holidays_the_package_cannot_give_for_the_agreement_years_are_refused(
    workdir: Path, capsys
) -> None:
    provider = workdir / "provider.yaml"
    provider.write_text(provider.read_text("utf-8").replace("holidays: GB-ENG", "holidays: IN"))
    edit(workdir / AGREEMENT, "effective_date: 2027-01-01", "effective_date: 2040-01-01")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        err = refused(capsys, workdir)
    assert [str(w.message) for w in caught] == []
    assert (
        "calendars.business.holidays: calendar 'business' (in the provider file): the public "
        "holidays IN cannot be computed for 2040, a year this agreement runs in (the holidays "
        "package says: Requested Holidays are available only from 2001 to 2035)" in err
    )
