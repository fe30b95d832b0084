"""Each document's cover says what it is about, in every format: the clause book names its
library, its clause files and its date; the report its agreement, period and as-of time; the
agreement keeps its reference, effective date and version. And the book numbers each
variant from its own start, as an agreement drafted with that variant prints it."""

from __future__ import annotations

import re
from pathlib import Path

import docx
import pytest

from slawriter.cli import main
from slawriter.measure.run import NO_OUTAGE_LOG
from tests.conftest import EXAMPLES, copy_examples

BOOK_LABELS = ["Library", "Clause files", "Date"]
REPORT_LABELS = ["Agreement", "Period", "As of"]


def _word_cover(path: Path) -> list[str]:
    document = docx.Document(str(path))
    return [
        p.text
        for p in document.paragraphs
        if p.style is not None and p.style.name == "Cover Detail"
    ]


def _markdown_cover(text: str) -> list[tuple[str, str]]:
    head = text.split("\n## ", 1)[0]
    rows = re.findall(r"^\| \*\*(.+?)\*\* \| (.*) \|$", head, re.M)
    return [(label, value) for label, value in rows if label not in ("Provider", "Customer")]


def _html_cover(text: str) -> list[tuple[str, str]]:
    table = re.search(r'<table class="meta">(.*?)</table>', text)
    assert table is not None
    rows = re.findall(r"<tr><td><strong>(.*?)</strong></td><td>(.*?)</td></tr>", table.group(1))
    return [(label, value) for label, value in rows if label not in ("Provider", "Customer")]


def test_the_clause_books_cover(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for ext in ("md", "html", "docx"):
        assert main(["clauses", "book", "--out", str(tmp_path / f"book.{ext}")]) == 0
    capsys.readouterr()
    clause_files = str(len(list((Path(__file__).parent.parent / "clauses").glob("*.md"))))
    markdown = _markdown_cover((tmp_path / "book.md").read_text("utf-8"))
    html = _html_cover((tmp_path / "book.html").read_text("utf-8"))
    word = _word_cover(tmp_path / "book.docx")
    assert [label for label, _ in markdown] == BOOK_LABELS
    assert markdown == html
    assert word == [f"{label}: {value}" for label, value in markdown]
    values = dict(markdown)
    assert values["Clause files"] == clause_files
    assert values["Library"].startswith("built-in, ")
    assert re.fullmatch(r"\d{1,2} [A-Z][a-z]+ \d{4}", values["Date"])  # not an ISO date


def test_the_reports_cover(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    copy_examples(tmp_path, "acme-standard.yaml")
    (tmp_path / "t.csv").write_bytes((EXAMPLES / "acme-2027-01-tickets.csv").read_bytes())
    monkeypatch.chdir(tmp_path)
    args = ["report", "acme-standard.yaml", "--tickets", "t.csv", "--period", "2027-01",
            "--as-of", "2027-02-05T12:00", "--out", "out", "--format", "md,html,docx"]  # fmt: skip
    assert main(args) == 0
    out = tmp_path / "out"
    markdown = _markdown_cover((out / "acme-standard-2027-01.md").read_text("utf-8"))
    assert markdown == [
        ("Agreement", "NW-SLA-2027-014"),
        ("Period", "January 2027"),
        ("As of", "5 February 2027 12:00 GMT"),
        ("Note", NO_OUTAGE_LOG),  # no --outages: availability not measured, said first
    ]
    assert _html_cover((out / "acme-standard-2027-01.html").read_text("utf-8")) == markdown
    assert _word_cover(out / "acme-standard-2027-01.docx") == [
        f"{label}: {value}" for label, value in markdown
    ]


def test_the_agreement_keeps_its_cover(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    copy_examples(tmp_path, "acme-standard.yaml")
    monkeypatch.chdir(tmp_path)
    assert main(["render", "acme-standard.yaml", "--out", "out", "--format", "md,docx"]) == 0
    expected = [
        ("Reference", "NW-SLA-2027-014"),
        ("Effective date", "1 January 2027"),
        ("Version", "1.0 (draft)"),  # agreement.status is draft until the file says final
    ]
    assert _markdown_cover((tmp_path / "out" / "acme-standard.md").read_text("utf-8")) == expected
    assert _word_cover(tmp_path / "out" / "acme-standard.docx") == [
        f"{label}: {value}" for label, value in expected
    ]


def test_each_variant_in_the_book_is_numbered_from_its_own_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    copy_examples(tmp_path, "corner-shop-smb.yaml")
    monkeypatch.chdir(tmp_path)
    for ext in ("md", "html", "docx"):
        assert main(["clauses", "book", "--out", f"book.{ext}"]) == 0
    assert main(["render", "corner-shop-smb.yaml", "--out", "out", "--format", "md"]) == 0
    capsys.readouterr()
    agreement = (tmp_path / "out" / "corner-shop-smb.md").read_text("utf-8")
    first_clause = agreement.split("\n## 2. ")[0].split("\n## 1. ")[1]
    smb_numbers = re.findall(r"^\*\*(1\.\d+)\*\* ", first_clause, re.M)
    assert smb_numbers == ["1.1", "1.2", "1.3"]

    def plain_variant(text: str) -> str:
        return text.split("Variant plain: About This Agreement")[1].split("Section:")[0]

    markdown = plain_variant((tmp_path / "book.md").read_text("utf-8"))
    assert re.findall(r"^\*\*(1\.\d+)\*\* ", markdown, re.M) == smb_numbers
    html = plain_variant((tmp_path / "book.html").read_text("utf-8"))
    assert re.findall(r"<strong>(1\.\d+)</strong> ", html) == smb_numbers
    paragraphs = [p.text for p in docx.Document(str(tmp_path / "book.docx")).paragraphs]
    word = plain_variant("\n".join(paragraphs))
    assert re.findall(r"^(1\.\d+) ", word, re.M) == smb_numbers
