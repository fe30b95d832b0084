"""Bad input: a message naming file, line, field and what was expected; exit 2; nothing written."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from slawriter.cli import main
from tests.conftest import ROOT, copy_examples


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    copy_examples(tmp_path, "acme-standard.yaml")
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


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def render_fails(capsys: pytest.CaptureFixture[str], workdir: Path) -> str:
    code, _, err = run(capsys, "render", "acme-standard.yaml", "--out", "out")
    assert code == 2, err
    assert "Traceback" not in err
    assert not (workdir / "out").exists(), "nothing may be written when the input is bad"
    return err


def test_yaml_syntax_error_names_file_and_line(workdir: Path, capsys) -> None:
    agreement = workdir / "acme-standard.yaml"
    edit(agreement, "  reference: NW-SLA-2027-014", "  reference: [NW-SLA-2027-014")
    err = render_fails(capsys, workdir)
    assert "acme-standard.yaml" in err
    assert "not valid YAML" in err
    assert (
        f"acme-standard.yaml:{line_of(agreement, 'effective_date')}" in err
        or f"acme-standard.yaml:{line_of(agreement, 'reference:')}" in err
    )


def test_duplicate_key_is_an_error(workdir: Path, capsys) -> None:
    agreement = workdir / "acme-standard.yaml"
    edit(agreement, '  version: "1.0"\n', '  version: "1.0"\n  reference: OTHER\n')
    err = render_fails(capsys, workdir)
    first = line_of(agreement, "reference: NW-SLA")
    second = line_of(agreement, "reference: OTHER")
    assert f"acme-standard.yaml:{second}:" in err
    assert "duplicate key 'reference'" in err
    assert f"line {first}" in err


def test_wrong_type_names_field_path_and_expectation(workdir: Path, capsys) -> None:
    agreement = workdir / "acme-standard.yaml"
    edit(
        agreement,
        "uptime: {target: 99.5, basis: business-hours}",
        "uptime: {target: lots, basis: business-hours}",
    )
    err = render_fails(capsys, workdir)
    line = line_of(agreement, "target: lots")
    assert f"acme-standard.yaml:{line}" in err
    assert "services[files].uptime.target" in err
    assert "'lots' is not a percentage" in err


def test_unknown_key_suggests_the_right_one(workdir: Path, capsys) -> None:
    agreement = workdir / "acme-standard.yaml"
    edit(agreement, "  effective_date: 2027-01-01", "  efective_date: 2027-01-01")
    err = render_fails(capsys, workdir)
    line = line_of(agreement, "efective_date")
    assert f"acme-standard.yaml:{line}:3: agreement.efective_date: unknown field" in err
    assert "did you mean 'effective_date'?" in err
    assert "agreement.effective_date: required field is missing" in err


def test_ambiguous_duration_is_refused_with_the_reason(workdir: Path, capsys) -> None:
    agreement = workdir / "acme-standard.yaml"
    edit(agreement, "    resolution: 2 business days\n", "    resolution: 1 day\n")
    err = render_fails(capsys, workdir)
    line = line_of(agreement, "resolution: 1 day")
    assert f"acme-standard.yaml:{line}:5: priorities.P3.resolution:" in err
    assert "'1 day' is ambiguous" in err
    assert "1 business day" in err


def test_every_problem_is_reported_at_once(workdir: Path, capsys) -> None:
    agreement = workdir / "acme-standard.yaml"
    edit(agreement, "    response: 30m", "    response: soon")
    edit(
        agreement,
        "  name: Acme Precision Engineering Ltd",
        "  nmae: Acme Precision Engineering Ltd",
    )
    edit(agreement, "    calendar: hardware-9x5", "    calendar: hardware-9X5")
    err = render_fails(capsys, workdir)
    assert "priorities.P1.response: 'soon' is not a duration" in err
    assert "customer.nmae: unknown field 'nmae'; did you mean 'name'?" in err
    assert "customer.name: required field is missing" in err
    # The calendar reference is checked only once the file validates: three problems here.
    assert "3 problems" in err


def test_unknown_calendar_reference(workdir: Path, capsys) -> None:
    agreement = workdir / "acme-standard.yaml"
    edit(agreement, "    calendar: hardware-9x5", "    calendar: hardware-9X5")
    err = render_fails(capsys, workdir)
    line = line_of(agreement, "hardware-9X5")
    assert (
        f"acme-standard.yaml:{line}:5: constraints[server-warranty].calendar: "
        "unknown calendar 'hardware-9X5'" in err
    )
    assert "did you mean 'hardware-9x5'?" in err


def test_missing_provider_file(workdir: Path, capsys) -> None:
    (workdir / "provider.yaml").unlink()
    err = render_fails(capsys, workdir)
    assert "provider file 'provider.yaml' not found" in err


def test_bad_provider_file_is_named(workdir: Path, capsys) -> None:
    provider = workdir / "provider.yaml"
    edit(provider, "page_size: A4", "page_size: A5")
    err = render_fails(capsys, workdir)
    line = line_of(provider, "page_size")
    assert f"provider.yaml:{line}:1: page_size: expected 'A4' or 'Letter', found 'A5'" in err


def test_newer_format_version(workdir: Path, capsys) -> None:
    edit(workdir / "acme-standard.yaml", "slawriter: 1", "slawriter: 7")
    err = render_fails(capsys, workdir)
    assert "format version 7" in err and "upgrade slawriter" in err


def test_missing_file(workdir: Path, capsys) -> None:
    code, _, err = run(capsys, "validate", "nope.yaml")
    assert code == 2
    assert "nope.yaml: no such file" in err


def test_undefined_clause_variable_names_clause_and_line(
    workdir: Path, capsys, tmp_path: Path
) -> None:
    library = tmp_path / "library"
    for part in ("clauses", "profiles", "templates"):
        shutil.copytree(ROOT / part, library / part)
    clause = library / "clauses" / "scope.standard.md"
    text = (
        clause.read_text("utf-8").rstrip("\n")
        + "\n\nThe account manager is {{ customer.account_manager }}.\n"
    )
    clause.write_text(text, "utf-8")
    line = len(text.rstrip("\n").splitlines())
    code, _, err = run(
        capsys, "render", "acme-standard.yaml", "--out", "out", "--library", str(library)
    )
    assert code == 2, err
    assert "clause scope (standard) cannot be rendered" in err
    assert f"scope.standard.md:{line}:" in err
    assert "account_manager" in err
    assert not (workdir / "out").exists()


@pytest.mark.parametrize(
    ("expression", "refused"),
    [
        ("customer.__class__.__mro__", "__class__"),
        # Models expose their fields, not their methods (model_copy could rebuild internals).
        ("provider.model_copy()", "model_copy"),
        # No file paths: the profile a clause sees is a view without its file.
        ("profile.doc.path.read_text()", "doc"),
        ("calendar()._clock.hours.__init__.__globals__", "_clock"),
    ],
)
def test_sandbox_refuses_escapes(
    workdir: Path, capsys, tmp_path: Path, expression: str, refused: str
) -> None:
    library = tmp_path / "library"
    for part in ("clauses", "profiles", "templates"):
        shutil.copytree(ROOT / part, library / part)
    clause = library / "clauses" / "scope.standard.md"
    clause.write_text(clause.read_text("utf-8") + f"\n{{{{ {expression} }}}}\n", "utf-8")
    code, _, err = run(
        capsys, "render", "acme-standard.yaml", "--out", "out", "--library", str(library)
    )
    assert code == 2, err
    assert "scope.standard.md" in err and refused in err
    assert not (workdir / "out").exists()


def test_unknown_format(workdir: Path, capsys) -> None:
    code, _, err = run(capsys, "render", "acme-standard.yaml", "--format", "docx,rtf")
    assert code == 2
    assert "unknown format 'rtf'" in err


def test_usage_error_exits_2(capsys) -> None:
    code = None
    with pytest.raises(SystemExit) as stop:
        main(["render"])
    code = stop.value.code
    assert code == 2
    assert "AGREEMENT.yaml" in capsys.readouterr().err
