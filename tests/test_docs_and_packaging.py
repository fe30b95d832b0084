"""The field reference is current; the wheel carries the library; PDF without LibreOffice."""

from __future__ import annotations

import os
import re
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


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp_path = tmp_path_factory.mktemp("wheel")
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
        timeout=100,
    )
    return next(tmp_path.glob("slawriter-*.whl"))


@pytest.mark.timeout(120)
def test_wheel_ships_the_library(wheel: Path) -> None:
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
    examples = {n for n in names if n.startswith("slawriter/_library/examples/")}
    assert examples == {f"slawriter/_library/examples/{p.name}" for p in EXAMPLES.iterdir()}


@pytest.mark.wheel
@pytest.mark.timeout(120)
def test_the_installed_wheel_works_without_the_repository(wheel: Path, tmp_path: Path) -> None:
    """Installed into a fresh environment (its dependencies borrowed from this one) and run
    from a folder outside the repository: the clause book shows example values, render works
    on the packaged example, and the field reference the files point to is there."""
    import site
    import venv

    env = tmp_path / "env"
    venv.EnvBuilder(with_pip=False).create(env)
    python = env / "bin" / "python"
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet",
         "--no-index", "--no-deps", str(wheel)],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    target = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True, capture_output=True, text=True, timeout=30,
    ).stdout.strip()  # fmt: skip
    # The dependencies, as a plain path: a .pth line is not a site folder, so this
    # environment's own .pth files (the editable install of the repository) are not run.
    (Path(target) / "borrowed.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    work = tmp_path / "elsewhere"
    work.mkdir()
    environment = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(tmp_path),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
    }

    def slawriter(*args: str) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [str(env / "bin" / "slawriter"), *args],
            cwd=work, env=environment, capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        return done

    imported = subprocess.run(
        [str(python), "-c", "import slawriter; print(slawriter.__file__)"],
        cwd=work, env=environment, capture_output=True, text=True, timeout=30,
    ).stdout  # fmt: skip
    assert imported.startswith(target), imported
    folder = Path(slawriter("schema", "--examples").stdout.strip())
    assert folder.is_relative_to(target) and (folder / "corner-shop-smb.yaml").is_file()
    book = slawriter("clauses", "book", "--out", "book.md").stdout
    assert "example values from acme-standard.yaml" in book
    assert "Harbourside Dental Practice" in (work / "book.md").read_text("utf-8")
    rendered = slawriter("render", str(folder / "corner-shop-smb.yaml"),
                         "--out", "out", "--format", "md,docx", "-v")  # fmt: skip
    assert f"library: {Path(target) / 'slawriter' / '_library'}" in rendered.stderr
    assert "IT Support Agreement" in (work / "out" / "corner-shop-smb.md").read_text("utf-8")
    assert (work / "out" / "corner-shop-smb.docx").stat().st_size > 10_000
    reference = slawriter("schema", "--docs").stdout
    assert reference == (ROOT / "docs" / "agreement-file.md").read_text("utf-8")
    # Every page a message points to ('see slawriter docs NAME') is in the wheel.
    for name in sorted(_pages_named_in_messages()):
        page = slawriter("docs", name).stdout
        assert page == (ROOT / "docs" / f"{name}.md").read_text("utf-8"), name


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


def _strings_users_read() -> list[tuple[str, str]]:
    """(where, text) of every string in slawriter/ that is not a docstring, and of every
    shipped YAML file (its comments are what a user reads who opens it)."""
    import ast

    found: list[tuple[str, str]] = []
    for path in sorted((ROOT / "slawriter").rglob("*.py")):
        tree = ast.parse(path.read_text("utf-8"))
        docstrings = {
            id(node.body[0].value)
            for node in ast.walk(tree)
            if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
            and node.body
            and isinstance(node.body[0], ast.Expr)
            and isinstance(node.body[0].value, ast.Constant)
        }
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and id(node) not in docstrings
            ):
                found.append((f"{path.relative_to(ROOT)}:{node.lineno}", node.value))
    for folder in ("profiles", "presets", "templates", "examples"):
        for path in sorted((ROOT / folder).rglob("*.yaml")):
            found.append((str(path.relative_to(ROOT)), path.read_text("utf-8")))
    return found


def _pages_named_in_messages() -> set[str]:
    return {
        name
        for _, text in _strings_users_read()
        for name in re.findall(r"slawriter docs ([a-z-]+)", text)
    }


def test_messages_point_to_documentation_an_installed_user_has(
    capsys: pytest.CaptureFixture[str],
) -> None:
    repository_paths = [
        (where, match)
        for where, text in _strings_users_read()
        for match in re.findall(r"(?<![\w/.])docs/[\w.-]+", text)
    ]
    assert repository_paths == []  # an installed user has no docs/ folder: 'slawriter docs'
    named = _pages_named_in_messages()
    assert {"clause-authors", "wizard", "measurement"} <= named
    assert main(["docs"]) == 0
    listed = capsys.readouterr().out.split()
    for name in named:
        assert name in listed
        assert main(["docs", name]) == 0
        assert capsys.readouterr().out == (ROOT / "docs" / f"{name}.md").read_text("utf-8")
