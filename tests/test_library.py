"""Choosing a library; draft clauses; clause conditions."""

from __future__ import annotations

import shutil
from pathlib import Path

import docx
import pytest

from slawriter.cli import main
from tests.conftest import EXAMPLES, ROOT, copy_examples

AGREEMENT = str(EXAMPLES / "acme-standard.yaml")


@pytest.fixture
def library(tmp_path: Path) -> Path:
    root = tmp_path / "library"
    for part in ("clauses", "profiles", "templates"):
        shutil.copytree(ROOT / part, root / part)
    return root


def set_status(clause: Path, status: str) -> None:
    text = clause.read_text("utf-8")
    clause.write_text(text.replace("status: approved", f"status: {status}", 1), "utf-8")


def test_draft_clauses_are_refused_without_allow_draft(
    library: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    set_status(library / "clauses" / "exit.standard.md", "draft")
    out = tmp_path / "out"
    assert main(["render", AGREEMENT, "--out", str(out), "--library", str(library)]) == 3
    err = capsys.readouterr().err
    assert "unapproved clauses: exit (standard" in err and "--allow-draft" in err
    assert not out.exists()
    assert (
        main(["render", AGREEMENT, "--out", str(out), "--library", str(library), "--allow-draft"])
        == 0
    )
    document = docx.Document(str(out / "acme-standard.docx"))
    header = " ".join(p.text for s in document.sections for p in s.header.paragraphs)
    assert "DRAFT" in header
    assert "DRAFT" in (out / "acme-standard.md").read_text("utf-8").splitlines()[0]


def test_retired_clause_is_an_error(
    library: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    set_status(library / "clauses" / "exit.standard.md", "retired")
    assert main(["render", AGREEMENT, "--out", str(tmp_path / "o"), "--library", str(library)]) == 2
    assert "exit.standard.md" in capsys.readouterr().err


def test_library_from_the_environment(
    library: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clause = library / "clauses" / "exit.standard.md"
    clause.write_text(
        clause.read_text("utf-8").rstrip("\n") + "\n\nA sentence only this library has.\n", "utf-8"
    )
    monkeypatch.setenv("SLAWRITER_LIBRARY", str(library))
    assert main(["render", AGREEMENT, "--out", str(tmp_path / "env"), "--format", "md"]) == 0
    assert "only this library has" in (tmp_path / "env" / "acme-standard.md").read_text("utf-8")
    # The option wins over the environment variable.
    assert (
        main(
            [
                "render",
                AGREEMENT,
                "--out",
                str(tmp_path / "opt"),
                "--format",
                "md",
                "--library",
                str(ROOT),
            ]
        )
        == 0
    )
    assert "only this library has" not in (tmp_path / "opt" / "acme-standard.md").read_text()


def test_not_a_library(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", AGREEMENT, "--library", str(tmp_path)]) == 2
    assert "is not a slawriter library: it has no clauses/ folder" in capsys.readouterr().err


def test_condition_leaves_a_clause_out_and_renumbers(tmp_path: Path) -> None:
    source = (EXAMPLES / "acme-standard.yaml").read_text("utf-8")
    start = source.index("credits:\n  tiers:")
    end = source.index("reviews:")
    (tmp_path / "no-credits.yaml").write_text(source[:start] + source[end:], "utf-8")
    copy_examples(tmp_path)
    out = tmp_path / "out"
    assert (
        main(["render", str(tmp_path / "no-credits.yaml"), "--out", str(out), "--format", "md"])
        == 0
    )
    text = (out / "no-credits.md").read_text("utf-8")
    assert "Service Credits" not in text
    numbers = [
        int(line.split(".")[0][3:])
        for line in text.splitlines()
        if line.startswith("## ") and line[3].isdigit()
    ]
    assert numbers == list(range(1, len(numbers) + 1))


def test_agreement_priorities_replace_the_profiles_set(tmp_path: Path) -> None:
    source = (EXAMPLES / "acme-standard.yaml").read_text("utf-8")
    start = source.index("  P4:\n")
    end = source.index("reporting:\n")
    text = source[:start] + source[end:]
    text = text.replace("priorities: [P1, P2, P3, P4]", "priorities: [P1, P2, P3]")
    text = text.replace("priorities: [P2, P3, P4]", "priorities: [P2, P3]")
    text = text.replace("priorities: [P3, P4]", "priorities: [P3]")
    text = text.replace(", P4: 70}", "}")
    (tmp_path / "three.yaml").write_text(text, "utf-8")
    copy_examples(tmp_path)
    assert (
        main(
            ["render", str(tmp_path / "three.yaml"), "--out", str(tmp_path / "o"), "--format", "md"]
        )
        == 0
    )
    text = (tmp_path / "o" / "three.md").read_text("utf-8")
    assert "| P3 Medium |" in text
    assert "P4" not in text
