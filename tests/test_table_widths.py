"""Word tables keep their header words whole: the report's credits table printed its
"Amount" header as "Amoun / t", and the resolution columns "Resolutio / n target"."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from slawriter.cli import main
from tests.conftest import EXAMPLES, copy_examples, need_tool

REPORT = ["report", "acme-standard.yaml", "--tickets", "acme-2027-01-tickets.csv",
          "--outages", "acme-2027-01-outages.csv", "--period", "2027-01",
          "--as-of", "2027-02-05T12:00", "--out", "out"]  # fmt: skip


@pytest.mark.libreoffice
@pytest.mark.timeout(300)
def test_the_reports_table_headers_are_never_split_mid_word(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pdftotext = need_tool("pdftotext")
    need_tool("soffice", "libreoffice")
    copy_examples(tmp_path, "acme-standard.yaml")
    for name in ("acme-2027-01-tickets.csv", "acme-2027-01-outages.csv"):
        (tmp_path / name).write_bytes((EXAMPLES / name).read_bytes())
    monkeypatch.chdir(tmp_path)
    assert main([*REPORT, "--format", "md,pdf"]) == 0
    markdown = (tmp_path / "out" / "acme-standard-2027-01.md").read_text("utf-8")
    headers = [line for line in markdown.splitlines() if line.startswith("| ")]
    header_words = {w for line in headers for w in re.findall(r"[A-Za-z]{4,}", line)}
    assert {"Amount", "Resolution", "percentile", "Compliance"} <= header_words
    words = set(re.findall(r"[A-Za-z]+", markdown))
    printed = subprocess.run(
        [pdftotext, str(tmp_path / "out" / "acme-standard-2027-01.pdf"), "-"],
        capture_output=True,
        check=True,
        timeout=60,
        text=True,
    ).stdout
    # A word cut in two prints a piece no document word is: "Amoun", "Resolutio".
    pieces = {w[:k] for w in header_words for k in range(3, len(w))} - words
    assert sorted(pieces & set(re.findall(r"[A-Za-z]+", printed))) == []
    assert "Amount" in printed.split()
