"""Issue 11 review fixes: what a US (and a UK) reader sees in the agreement, its report and its
memo. Each test reads the output a user gets: Markdown, HTML, Word."""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path
from typing import Any

import docx
import pytest
import yaml

from slawriter.cli import main
from tests.conftest import EXAMPLES

US_EXAMPLES = ["clinic-new-york", "dental-lab-illinois-smb"]
Data = dict[str, Any]


def example(name: str) -> Data:
    data: Data = yaml.safe_load((EXAMPLES / f"{name}.yaml").read_text("utf-8"))
    return data


def draft(tmp_path: Path, data: Data, name: str, formats: str = "md") -> Path:
    """Render ``data`` (an example, perhaps changed) beside copies of both provider files."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    for support in ("provider.yaml", "provider-us.yaml", "northwind-logo.png"):
        shutil.copy(EXAMPLES / support, tmp_path / support)
    path = tmp_path / f"{name}.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), "utf-8")
    out = tmp_path / "out"
    assert main(["render", str(path), "--out", str(out), "--format", formats, "--force"]) == 0
    return out


def section(text: str, title: str) -> str:
    """One numbered clause of the Markdown, from its heading to the next."""
    match = re.search(rf"^## \d+\. {re.escape(title)}\n(.*?)(?=^## |\Z)", text, re.M | re.S)
    assert match, title
    return match.group(1)


# --- 1. one full stop after a 12-hour time ------------------------------------------------------

DOUBLED = re.compile(r"(?<!\.)\.\.(?!\.)")


@pytest.mark.parametrize("name", US_EXAMPLES)
def test_no_doubled_full_stop_in_us_documents(tmp_path: Path, name: str) -> None:
    """Every clause of the US examples, in each support-hours wording they can take (the
    authorisation-pause variants end sentences with 12-hour times too)."""
    for variant in (None, "authorisation-pause"):
        data = example(name)
        data["out_of_hours"] = {
            "available": True,
            "calendar": "24x7",
            "priorities": ["P1"],
            "rate": 150,
        }
        if variant:
            data["variants"] = {"support-hours": variant}
        out = draft(tmp_path / (variant or "default"), data, name)
        text = (out / f"{name}.md").read_text("utf-8")
        assert "a.m." in text or "p.m." in text  # 12-hour times are there to be tested
        doubled = [line for line in text.splitlines() if DOUBLED.search(line)]
        assert doubled == []


def test_the_worked_example_ends_with_one_stop(tmp_path: Path) -> None:
    out = draft(tmp_path, example("dental-lab-illinois-smb"), "dental")
    text = (out / "dental.md").read_text("utf-8")
    assert "we give a Response on Monday, April 5, 2027 at 8:05\u00a0a.m. The response time" in text


# --- 2. shorter days carry their weekday --------------------------------------------------------


def test_shorter_days_print_the_weekday_in_each_locale(tmp_path: Path) -> None:
    us = (draft(tmp_path / "us", example("dental-lab-illinois-smb"), "d") / "d.md").read_text(
        "utf-8"
    )
    assert "Friday, November 26, 2027 (8:00\u00a0a.m. to noon only)" in us
    uk = (draft(tmp_path / "uk", example("corner-shop-smb"), "c") / "c.md").read_text("utf-8")
    assert "Friday 24 December 2027 (08:30 to 12:30 only)" in uk

    paused = example("acme-standard")
    paused["variants"] = {"support-hours": "authorisation-pause"}
    text = (draft(tmp_path / "pause", paused, "a") / "a.md").read_text("utf-8")
    assert "**Shorter hours.** On Friday 24 December 2027, Business Hours are 08:30 to" in text


# --- 3. signatory titles that fit the entity ----------------------------------------------------


def test_the_partnership_example_signs_as_a_partner(tmp_path: Path) -> None:
    text = (draft(tmp_path, example("corner-shop-smb"), "c") / "c.md").read_text("utf-8")
    assert "| Title: Managing Director | Title: Partner |" in text
    assert "Practice Owner" not in text


# --- 5. the plain authorisation-pause wording ---------------------------------------------------


def test_small_business_pause_is_plain(tmp_path: Path) -> None:
    data = example("corner-shop-smb")
    data["out_of_hours"] = {"available": True, "calendar": "24x7", "priorities": ["P1"], "rate": 95}
    data["variants"] = {"support-hours": "authorisation-pause"}
    out = draft(tmp_path, data, "c", "md,docx")
    hours = section((out / "c.md").read_text("utf-8"), "Support Hours")
    assert (
        "We start it, whatever its priority, only when your contact person has approved it by "
        "phone or in writing, and we record who approved it and when. While we wait for that "
        "approval, the fix clock pauses." in hours
    )
    assert "the Provider" not in hours  # the plain voice, not the standard clause's
    # The provenance a reviewer reads records the plain variant.
    with zipfile.ZipFile(out / "c.docx") as word:
        custom = word.read("docProps/custom.xml").decode("utf-8")
    assert "authorisation-pause-plain 1.0.0" in custom


# --- 7. reports and memos in the agreement's locale ---------------------------------------------


def test_report_and_memo_follow_the_agreement_locale(tmp_path: Path) -> None:
    """A UK provider's US customer: the report and memo read as its agreement does."""
    for support in ("provider.yaml", "northwind-logo.png"):
        shutil.copy(EXAMPLES / support, tmp_path / support)
    data = example("acme-standard")
    data["locale"] = {"language": "en_US"}
    path = tmp_path / "acme.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), "utf-8")
    tickets = tmp_path / "tickets.csv"
    tickets.write_text(
        "id,priority,created,responded,resolved,service,paused\n"
        "T-1,P2,2027-01-05 10:12,2027-01-05 10:31,2027-01-05 13:05,email,\n",
        "utf-8",
    )
    out = tmp_path / "reports"
    args = ["report", str(path), "--tickets", str(tickets), "--period", "2027-01"]
    assert main([*args, "--as-of", "2027-02-05T12:00", "--out", str(out)]) == 0
    report = (out / "acme-2027-01.md").read_text("utf-8")
    assert "| **As of** | February 5, 2027 at noon GMT |" in report
    html = (out / "acme-2027-01.html").read_text("utf-8")
    assert '<html lang="en-US">' in html
    word = docx.Document(str(out / "acme-2027-01.docx"))
    assert round(word.sections[0].page_width.inches, 1) == 8.5  # Letter, as the agreement

    assert main(["check", str(path), "--memo", str(tmp_path / "memo.md")]) in (0, 1)
    memo = (tmp_path / "memo.md").read_text("utf-8")
    assert "| **Effective date** | January 1, 2027 |" in memo


# --- 8. HTML declares the agreement's language --------------------------------------------------


@pytest.mark.parametrize(
    ("name", "lang"),
    [("clinic-new-york", "en-US"), ("acme-standard", "en-GB"), ("ireland-standard", "en-IE")],
)
def test_html_lang_is_the_agreement_locale(tmp_path: Path, name: str, lang: str) -> None:
    out = draft(tmp_path, example(name), name, "html")
    assert f'<html lang="{lang}">' in (out / f"{name}.html").read_text("utf-8")


# --- 9. the draft marking of the jurisdiction ---------------------------------------------------


@pytest.mark.parametrize("name", US_EXAMPLES)
def test_us_drafts_are_for_discussion_not_subject_to_contract(tmp_path: Path, name: str) -> None:
    out = draft(tmp_path, example(name), name, "md,docx")
    text = (out / f"{name}.md").read_text("utf-8")
    assert text.startswith("> **DRAFT - for discussion purposes only**\n\n# ")
    assert "subject to contract" not in text
    word = docx.Document(str(out / f"{name}.docx"))
    header = "".join(p.text for p in word.sections[0].header.paragraphs)
    assert header.endswith("\tDRAFT - for discussion purposes only")


def test_english_drafts_stay_subject_to_contract(tmp_path: Path) -> None:
    out = draft(tmp_path, example("acme-standard"), "acme")
    assert (out / "acme.md").read_text("utf-8").startswith("> **DRAFT - subject to contract**")
