"""Hostile input the first round of fixes missed: anchors only ruamel can parse, errors and
zip bombs in the Word master template, special files in the output folder, huge or broken
ticket exports and a Ctrl-C while the process shuts down. Each ends in a sentence and an exit
code (2, or 130 for Ctrl-C), never a hang, a traceback or exit 70."""

from __future__ import annotations

from pathlib import Path

import pytest

from slawriter.cli import main
from tests.conftest import copy_examples

HOSTILE = Path(__file__).resolve().parent / "hostile"
AGREEMENT = "acme-standard.yaml"
TICKETS = "acme-2027-01-tickets.csv"


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    copy_examples(tmp_path, AGREEMENT, TICKETS)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err and "internal error" not in captured.err, captured.err
    return code, captured.out, captured.err


def append_fixture(agreement: Path, fixture: str) -> int:
    """Append a tests/hostile snippet to the agreement; returns the line its content starts."""
    text = agreement.read_text("utf-8")
    agreement.write_text(text + (HOSTILE / fixture).read_text("utf-8"), "utf-8")
    return text.count("\n") + 1


# --- YAML that libyaml cannot parse but ruamel can ---------------------------------------------


@pytest.mark.timeout(20)
def test_an_alias_bomb_with_dotted_anchor_names_is_refused(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # libyaml refuses '&a.0'; ruamel reads it, so the guard must scan ruamel's events.
    start = append_fixture(workdir / AGREEMENT, "alias-bomb-dotted.yaml")
    for command in ("validate", "check"):
        code, _, err = run(capsys, command, AGREEMENT)
        assert code == 2, err
        assert f"{AGREEMENT}:{start + 4}:46: aliases (here *a.3) expand this file" in err
        assert "alias bomb" in err


@pytest.mark.timeout(20)
def test_an_alias_bomb_with_dotted_anchors_in_a_mapping_file_is_refused(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (workdir / "mapping.yaml").write_text(
        (HOSTILE / "alias-bomb-dotted.yaml").read_text("utf-8"), "utf-8"
    )
    code, _, err = run(capsys, "report", AGREEMENT, "--tickets", TICKETS, "--mapping",
                       "mapping.yaml", "--period", "2027-01", "--json")  # fmt: skip
    assert code == 2
    assert "mapping.yaml:5:46:" in err and "alias bomb" in err


@pytest.mark.timeout(20)
def test_a_python_tag_beside_a_dotted_anchor_says_tags_are_not_allowed(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    start = append_fixture(workdir / AGREEMENT, "python-tag-dotted.yaml")
    code, _, err = run(capsys, "validate", AGREEMENT)
    assert code == 2
    assert (
        f"{AGREEMENT}:{start + 1}:4: tags are not allowed "
        "(found '!!python/object/apply:os.system')" in err
    )
