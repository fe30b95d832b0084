"""How figures and counts read wherever a user sees them: one plural helper, one percentage
formatter, one thousands rule, the option a message blames, and the formats help lists."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from slawriter.cli import main
from slawriter.errors import EXIT_BAD_INPUT, EXIT_FOUND, EXIT_OK
from slawriter.render import registry
from slawriter.text.numbers import decimal_text, minutes_figure, ratio_percent
from slawriter.text.words import plural
from tests.conftest import EXAMPLES, copy_examples, need_tool


def _help(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    with pytest.raises(SystemExit) as exited:
        main([*args, "--help"])
    assert exited.value.code == 0
    return " ".join(capsys.readouterr().out.split())  # argparse wraps wherever it likes


def _acme(folder: Path, edit: Any = None) -> Path:
    data = yaml.safe_load((EXAMPLES / "acme-standard.yaml").read_text("utf-8"))
    if edit is not None:
        edit(data)
    folder.mkdir(parents=True, exist_ok=True)
    for support in ("provider.yaml", "northwind-logo.png"):
        shutil.copy(EXAMPLES / support, folder / support)
    path = folder / "acme.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), "utf-8")
    return path


# --- the formats in --help come from the registry -------------------------------------------


def test_a_new_format_shows_in_every_commands_help(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(
        registry.FORMATS, "txt", registry.Format("txt", "tests.toy_format", "plain text")
    )
    assert "txt (plain text)" in _help(capsys, "render")
    assert "txt (plain text)" in _help(capsys, "report")
    assert ".md, .pdf or .txt (the extension picks the format)" in _help(capsys, "clauses", "book")
    assert ".md, .pdf or .txt: the extension picks the format" in _help(capsys, "check")


def test_help_lists_the_registered_formats(capsys: pytest.CaptureFixture[str]) -> None:
    render = _help(capsys, "render")
    assert (
        "--format LIST comma-separated, of: docx (Word), html (a web page), md (Markdown), "
        "pdf (PDF, converted from Word by LibreOffice) (default: docx,md; md with --out -)"
    ) in render
    assert "(.docx, .html, .md or .pdf: the extension picks the format)" in _help(capsys, "check")


# --- counts agree with their nouns --------------------------------------------------------------


def test_plural() -> None:
    assert [plural(n, "ticket") for n in (0, 1, 2, 1200)] == [
        "0 tickets",
        "1 ticket",
        "2 tickets",
        "1,200 tickets",
    ]
    assert plural(1, "person", "people") == "1 person"
    assert plural(3, "person", "people") == "3 people"
    assert plural(1, "is", "are", with_count=False) == "is"


def test_a_report_of_one_ticket_says_ticket(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    copy_examples(tmp_path, "acme-standard.yaml")
    lines = (EXAMPLES / "acme-2027-01-tickets.csv").read_text("utf-8").splitlines()
    (tmp_path / "one.csv").write_text("\n".join(lines[:2]) + "\n", "utf-8")
    monkeypatch.chdir(tmp_path)
    args = ["report", "acme-standard.yaml", "--tickets", "one.csv", "--period", "2027-01",
            "--as-of", "2027-02-05T12:00"]  # fmt: skip
    assert main(args) == EXIT_OK
    out = capsys.readouterr().out
    assert "acme-standard.yaml 2027-01: 1 ticket measured, as of 5 February 2027 12:00 GMT" in out


def test_a_redline_of_one_change_counts_one_insertion_and_one_deletion(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def rename(data: dict[str, Any]) -> None:
        data["services"][0]["users"] = "86 named users"

    old, new = _acme(tmp_path / "old"), _acme(tmp_path / "new", rename)
    monkeypatch.chdir(tmp_path)
    assert main(["diff", str(old), str(new), "--out", "red.docx", "--date", "2027-01-01"]) == (
        EXIT_FOUND
    )
    out = capsys.readouterr().out
    assert "Wrote the redline red.docx: 1 insertion and 1 deletion tracked as changes" in out


# --- percentages are never rounded to whole numbers --------------------------------------------


@pytest.mark.parametrize(
    ("target", "shown"), [("99.5%", "99.5%"), ("80.5", "80.5%"), ("80%", "80%")]
)
def test_staffing_prints_the_target_as_given(
    target: str, shown: str, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["staffing", "--calls", "360", "--per", "30m", "--handle", "4m",
            "--answer-within", "15s", "--target", target]  # fmt: skip
    assert main(args) == EXIT_OK
    assert f"Agents needed for {shown} answered within 15s: " in capsys.readouterr().out


def test_staffing_counts_one_arrival(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["staffing", "--calls", "1", "--per", "1h", "--handle", "4m", "--agents", "2",
            "--answer-within", "15s"]  # fmt: skip
    assert main(args) == EXIT_OK
    out = capsys.readouterr().out
    assert "(1 arrival per 1h, 4m handling each)" in out and "With 2 agents:" in out


def test_ratio_percent() -> None:
    assert ratio_percent(0.995, None) == "99.5%"
    assert ratio_percent(99.9 / 100, None) == "99.9%"
    assert ratio_percent(0.8, None) == "80%"
    assert ratio_percent(0.84589, 2) == "84.59%"
    assert ratio_percent(None) == "n/a"


# --- one thousands rule: every figure of four digits or more is grouped -------------------------


def test_numbers_group_thousands_in_decimals_too() -> None:
    assert minutes_figure(1339.2 * 60) == "1,339.2"
    assert minutes_figure(44.64 * 60) == "44.64"
    assert decimal_text(1000) == "1,000"
    assert decimal_text(99.90) == "99.9"


def test_allowed_downtime_and_its_month_read_alike(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["downtime", "97", "--month", "2027-01"]) == EXIT_OK
    assert "(all hours, UTC: 44,640 minutes) allows 1,339.2 minutes" in capsys.readouterr().out


def test_the_agreement_groups_allowed_downtime_like_the_month(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def all_hours(data: dict[str, Any]) -> None:
        data["combined_uptime"]["basis"] = "all-time"
        data["combined_uptime"]["target"] = 97  # a four-digit allowance: 1,339.2 minutes

    _acme(tmp_path, all_hours)
    monkeypatch.chdir(tmp_path)
    assert main(["render", "acme.yaml", "--out", "out", "--format", "md"]) == EXIT_OK
    text = " ".join((tmp_path / "out" / "acme.md").read_text("utf-8").split())
    found = re.search(r"this allows ([\d,.]+) minutes of Downtime out of ([\d,.]+) minutes", text)
    assert found is not None
    assert found.groups() == ("1,339.2", "44,640")


# --- messages name the option the user gave -----------------------------------------------------


def test_a_bad_old_library_is_blamed_on_old_library(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    copy_examples(tmp_path, "acme-standard.yaml")
    monkeypatch.chdir(tmp_path)
    assert main(["diff", "acme-standard.yaml", "--old-library", "nope-v1"]) == EXIT_BAD_INPUT
    assert "nope-v1 (from --old-library) is not a slawriter library" in capsys.readouterr().err


def test_no_module_makes_plurals_by_hand() -> None:
    """Every count goes through text.words.plural: a hand-made "s" was how "1 tickets" and
    "1 agents" got in."""
    package = Path(__file__).resolve().parent.parent / "slawriter"
    by_hand = re.compile(r"""['"]s['"] if |['"]{2} if [^\n]*== ?1 else ['"]s['"]""")
    found = [
        f"{path.relative_to(package)}:{number}"
        for path in sorted(package.rglob("*.py"))
        for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1)
        if by_hand.search(line)
    ]
    assert found == []


# --- hints that can be pasted as they are -------------------------------------------------------


def test_library_inits_next_steps_run_as_printed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The hint said "cd our-library && git init ..." and then "--library our-library", a
    path that no longer exists once inside it: pasted in one shell, the lines must all work."""
    import os
    import subprocess
    import sys

    need_tool("git")
    monkeypatch.chdir(tmp_path)
    assert main(["library", "init", "our library"]) == EXIT_OK
    out = capsys.readouterr().out
    clauses = len(list((Path(__file__).resolve().parent.parent / "clauses").glob("*.md")))
    assert f"{clauses} clause files, 2 profiles and the Word template" in out
    steps = [line.strip() for line in out.split("Next:\n", 1)[1].splitlines()]
    assert steps[1] == "slawriter clauses lint --library 'our library'"
    script = "\n".join(
        step.replace("slawriter ", f"'{sys.executable}' -m slawriter ", 1) for step in steps[:2]
    )
    who = {"GIT_AUTHOR_NAME": "T", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "T", "GIT_COMMITTER_EMAIL": "t@example.com"}  # fmt: skip
    env = {**os.environ, **who, "HOME": str(tmp_path), "GIT_CONFIG_NOSYSTEM": "1"}
    done = subprocess.run(
        ["bash", "-e", "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True,
        timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "our library: clean" in done.stdout
    assert (tmp_path / "our library" / ".git").is_dir()


def test_the_preset_table_lists_every_priority_word_each_preset_maps() -> None:
    """docs/measurement.md left out Zendesk's "Medium" (and Freshdesk's "Normal")."""
    root = Path(__file__).resolve().parent.parent
    table = (root / "docs" / "measurement.md").read_text("utf-8")
    rows = re.findall(r"^\| `(\w+)` \(.*\| ([^|`]+) \|$", table, re.M)
    listed = {name: words for name, words in rows if "etc." not in words}
    assert {"autotask", "zendesk", "freshdesk", "jira"} <= set(listed)
    for name, words in listed.items():
        preset = yaml.safe_load((root / "presets" / f"{name}.yaml").read_text("utf-8"))
        shown = [w.strip().lower() for w in words.split(",")]
        assert shown == list(preset["priorities"]), name


def test_new_refuses_a_today_that_is_not_a_date(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["new", "--defaults", "--today", "tomorrow"]) == EXIT_BAD_INPUT
    assert "--today: 'tomorrow' is not a date such as 2027-01-31" in capsys.readouterr().err
    assert "--today" not in _help(capsys, "new")  # for tests and demonstrations only
    assert list(tmp_path.iterdir()) == []
