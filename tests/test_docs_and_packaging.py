"""The field reference is current; the wheel carries the library; PDF without LibreOffice."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from slawriter.cli import main
from tests.conftest import EXAMPLES, ROOT


def test_field_reference_is_current() -> None:
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import agreement_reference
    finally:
        sys.path.pop(0)
    committed = (ROOT / "docs" / "agreement-file.md").read_text("utf-8")
    assert committed == agreement_reference.reference(), "run: make docs"


@pytest.mark.timeout(120)
def test_wheel_ships_the_library(tmp_path: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            str(ROOT),
            "--no-deps",
            "--no-build-isolation",
            "--quiet",
            "--wheel-dir",
            str(tmp_path),
        ],
        check=True,
        capture_output=True,
    )
    wheel = next(tmp_path.glob("slawriter-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "slawriter/_library/templates/agreement.docx" in names
    assert "slawriter/_library/profiles/standard.yaml" in names
    assert "slawriter/_library/profiles/smb.yaml" in names
    clauses = {n for n in names if n.startswith("slawriter/_library/clauses/")}
    expected = {f"slawriter/_library/clauses/{p.name}" for p in (ROOT / "clauses").iterdir()}
    assert clauses == expected
    presets = {n for n in names if n.startswith("slawriter/_library/presets/")}
    assert presets == {f"slawriter/_library/presets/{p.name}" for p in (ROOT / "presets").iterdir()}
    assert any(n.endswith("entry_points.txt") for n in names)


def test_pdf_without_libreoffice_says_how_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    code = main(
        [
            "render",
            str(EXAMPLES / "corner-shop-smb.yaml"),
            "--out",
            str(tmp_path / "o"),
            "--format",
            "pdf",
        ]
    )
    err = capsys.readouterr().err
    assert code == 2
    assert "LibreOffice" in err and "apt-get install libreoffice-writer-nogui" in err
    assert not (tmp_path / "o").exists()
