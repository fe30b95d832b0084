"""The shared unmeasurable-wording list: what it flags, what it must not, and loud checking."""

from __future__ import annotations

from pathlib import Path

import pytest

from slawriter.errors import InputError
from slawriter.library import builtin_library_root
from slawriter.library.wording import WORDING_FILE, load_wording

BUILT_IN = builtin_library_root() / "clauses"


@pytest.mark.parametrize(
    ("text", "term"),
    [
        ("We will use best efforts to restore service", "best-efforts"),
        ("commercially reasonable endeavours", "best-efforts"),
        ("The engineer attends as soon as possible", "as-soon-as-possible"),
        ("within a reasonable time of the report", "reasonable-time"),
        ("an estimated fix time of 4 hours", "estimated"),
        ("Incidents are resolved in 0-8 hours", "duration-range"),
        ("a response within 4 to 8 business hours", "duration-range"),
        ("between 2 and 4 hours", "duration-range"),
    ],
)
def test_flags_unmeasurable_wording(text: str, term: str) -> None:
    hits = load_wording(BUILT_IN).find(text)
    assert [hit.term.id for hit in hits] == [term]


@pytest.mark.parametrize(
    "text",
    [
        "Business Hours are 09:00-17:00 Monday to Friday",
        "mon-fri 08:30-12:30, 13:30-17:30",
        "a credit of 10% when monthly uptime is 99-99.5%",
        "below 99.9, 99.5 and 95.0 per cent",
        "respond within 30 minutes and resolve within 4 hours",
        "within 2 Business Days, counted on the Customer's calendar",
        "The dental practice-management software, which its vendor supports",
    ],
)
def test_does_not_flag_measurable_text(text: str) -> None:
    assert load_wording(BUILT_IN).find(text) == []


def test_reports_the_line_of_each_hit() -> None:
    hits = load_wording(BUILT_IN).find("first line\nsecond line as soon as possible\n")
    assert [(hit.line, hit.text) for hit in hits] == [(2, "as soon as possible")]


def test_a_broken_list_is_refused_with_file_and_line(tmp_path: Path) -> None:
    (tmp_path / WORDING_FILE).write_text(
        "terms:\n"
        "  - id: hours-range\n"
        "    pattern: '\\d+-\\d+'\n"
        "    why: a range\n"
        "    instead: one maximum\n"
        "    examples: [0-8 hours, about four hours]\n"
        "must_not_flag:\n"
        "  - 09:00-17:00\n",
        "utf-8",
    )
    with pytest.raises(InputError) as caught:
        load_wording(tmp_path)
    messages = [str(problem) for problem in caught.value.problems]
    assert any(
        ":3:" in m and "does not match its own example 'about four hours'" in m for m in messages
    )
    assert any("flags '00-17' in '09:00-17:00'" in m for m in messages)


def test_a_bad_regular_expression_is_refused(tmp_path: Path) -> None:
    (tmp_path / WORDING_FILE).write_text(
        "terms:\n  - {id: broken, pattern: '(unclosed', why: x, instead: y, examples: [z]}\n",
        "utf-8",
    )
    with pytest.raises(InputError, match="problem"):
        load_wording(tmp_path)


def test_a_library_without_the_list_has_no_terms(tmp_path: Path) -> None:
    assert load_wording(tmp_path).find("best efforts, as soon as possible") == []
