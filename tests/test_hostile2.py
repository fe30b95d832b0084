"""Hostile input the first round of fixes missed: anchors only ruamel can parse, errors and
zip bombs in the Word master template, special files in the output folder, huge or broken
ticket exports and a Ctrl-C while the process shuts down. Each ends in a sentence and an exit
code (2, or 130 for Ctrl-C), never a hang, a traceback or exit 70."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest

from slawriter.cli import main
from slawriter.files.reading import MB
from tests.conftest import ROOT, copy_examples
from tests.test_hostile import AGREEMENT, HOSTILE, TICKETS, append_fixture, run


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    copy_examples(tmp_path, AGREEMENT, TICKETS)
    monkeypatch.chdir(tmp_path)
    return tmp_path


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


# --- the Word master template: its errors and a zip bomb ---------------------------------------


@pytest.fixture
def library(tmp_path: Path, workdir: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    root = Path("library")
    assert main(["library", "init", str(root)]) == 0
    capsys.readouterr()
    return root


def rewrite_template(library: Path, placeholder: str = "", extra: int = 0) -> None:
    """Replace the cover's {{ version }} with ``placeholder``; with ``extra`` add a part of
    that many zero bytes, referenced from the cover's relationships (written in chunks)."""
    path = library / "templates" / "agreement.docx"
    with zipfile.ZipFile(path) as source:
        entries = {info.filename: source.read(info.filename) for info in source.infolist()}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in entries.items():
            if name == "word/document.xml" and placeholder:
                text = data.decode("utf-8")
                assert "{{ version }}" in text
                data = text.replace("{{ version }}", placeholder).encode("utf-8")
            if name == "word/_rels/document.xml.rels" and extra:
                data = data.replace(
                    b"</Relationships>",
                    b'<Relationship Id="rIdBomb" Target="media/zeros.bin" Type="http://'
                    b'schemas.openxmlformats.org/officeDocument/2006/relationships/image"/>'
                    b"</Relationships>",
                )
            target.writestr(name, data)
        if extra:
            chunk = bytes(MB)
            with target.open("word/media/zeros.bin", "w", force_zip64=True) as part:
                for _ in range(extra // MB):
                    part.write(chunk)


def render_with(library: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code, _, err = run(capsys, "render", AGREEMENT, "--out", "out", "--library", str(library),
                       "--format", "docx")  # fmt: skip
    return code, err


TEMPLATE_ERRORS = [
    ("{% include 'x' %}", "not available"),
    ("{{ 1/0 }}", "division by zero"),
    ("{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}", "calls itself"),
    ("{{ 10.0 ** 400 }}", ""),
]


@pytest.mark.timeout(60)
@pytest.mark.parametrize(("placeholder", "reason"), TEMPLATE_ERRORS, ids=lambda x: x[:12])
def test_an_error_in_the_word_master_template_names_the_part_and_paragraph(
    library: Path, workdir: Path, capsys: pytest.CaptureFixture[str], placeholder: str,
    reason: str
) -> None:  # fmt: skip
    rewrite_template(library, placeholder)
    code, err = render_with(library, capsys)
    assert code == 2, err
    assert "Cannot fill the Word template library/templates/agreement.docx" in err
    assert "(word/document.xml, paragraph" in err
    assert reason in err
    assert not (workdir / "out").exists() or not list((workdir / "out").glob("*.docx"))


@pytest.mark.timeout(60)
def test_a_zip_bomb_word_template_is_refused_by_render_and_lint(
    library: Path, workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rewrite_template(library, extra=60 * MB)  # 60 MB of zeros in a 60 KB part
    assert (library / "templates" / "agreement.docx").stat().st_size < MB
    code, err = render_with(library, capsys)
    assert code == 2, err
    message = (
        "Cannot open the Word template library/templates/agreement.docx: holds a part "
        "(word/media/zeros.bin) of 60 MB once unpacked; at most 50 MB is read"
    )
    assert message in err
    code, out, err = run(capsys, "clauses", "lint", "--library", str(library))
    assert code == 1, err
    assert "library/templates/agreement.docx" in out
    assert "holds a part (word/media/zeros.bin) of 60 MB once unpacked" in out


# --- special files in the output folder --------------------------------------------------------


def _zeros(path: Path) -> None:
    path.symlink_to("/dev/zero")


def _fifo(path: Path) -> None:
    os.mkfifo(path)


def _sparse(path: Path) -> None:
    target = path.parent.parent / "sparse.bin"
    with target.open("wb") as handle:
        handle.truncate(10 * 1024 * MB)  # 10 GB that take no space
    path.symlink_to(target)


@pytest.mark.timeout(30)
@pytest.mark.parametrize(
    ("name", "make", "found"),
    [
        ("acme-standard.md", _fifo, "is a named pipe (FIFO), not a regular file"),
        ("acme-standard.md", _zeros, "is a device, not a regular file"),
        ("acme-standard.md", _sparse, "is 10,240.0 MB; at most 512 MB is read"),
        ("acme-standard.slawriter.json", _fifo, "is a named pipe (FIFO), not a regular file"),
    ],
    ids=["fifo", "dev-zero-link", "sparse-10GB-link", "fifo-record"],
)
def test_a_special_file_under_an_output_name_is_refused_by_its_own_name(
    workdir: Path, capsys: pytest.CaptureFixture[str], name: str, make: Any, found: str
) -> None:
    (workdir / "O").mkdir()
    make(workdir / "O" / name)
    code, _, err = run(capsys, "render", AGREEMENT, "--out", "O", "--format", "md")
    assert code == 2, err
    assert f"slawriter: O/{name} {found};" in err
    assert "move it away" in err
    assert sorted(p.name for p in (workdir / "O").iterdir()) == [name]


def test_a_symlinked_edited_output_is_reported_under_its_own_name(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (workdir / "O").mkdir()
    (workdir / "mine.md").write_text("my notes\n", "utf-8")
    (workdir / "O" / "acme-standard.md").symlink_to(workdir / "mine.md")
    code, _, err = run(capsys, "render", AGREEMENT, "--out", "O", "--format", "md")
    assert code == 3, err
    assert "O/acme-standard.md exists and was not written by slawriter" in err
    assert "mine.md" not in err


# --- ticket exports ------------------------------------------------------------------------


def report(capsys: pytest.CaptureFixture[str], tickets: str) -> tuple[int, str, str]:
    return run(capsys, "report", AGREEMENT, "--tickets", tickets, "--period", "2027-01",
               "--json")  # fmt: skip


@pytest.mark.timeout(30)
def test_an_export_of_nul_bytes_is_refused_while_its_first_line_is_read(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Generated (2 MB, no line end); the 1.9 GB original filled memory before the check.
    (workdir / "nuls.csv").write_bytes(bytes(2 * MB))
    code, _, err = report(capsys, "nuls.csv")
    assert code == 2
    assert (
        "nuls.csv:1: the header line is over 1,000,000 characters long (each heading at most "
        "1,000): is this a ticket export?"
    ) in err


@pytest.mark.timeout(60)  # about 3 s; 90 s of CPU before the fix
def test_200000_rows_with_unreadable_times_are_rejected_in_seconds(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = (workdir / TICKETS).read_text("utf-8").splitlines()
    rows = [f"T-{i},P2,not a date {i},2027-01-06 17:20,2027-01-07 14:10,files," for i in
            range(200_000)]  # fmt: skip
    (workdir / "bad.csv").write_text("\n".join([*lines, *rows]) + "\n", "utf-8")
    code, out, err = report(capsys, "bad.csv")
    assert code == 1, err
    assert "200,000 rows could not be used" in err
    assert (
        f"bad.csv:{len(lines) + 1}: created: 'not a date 0' is not a date and time "
        "(expected a date and time"
    ) in err
    # the good rows before them are still read
    assert json.loads(out)["tickets_read"] == len(lines) - 1


# --- Ctrl-C as render finishes -----------------------------------------------------------------


@pytest.mark.timeout(120)
@pytest.mark.skipif(not hasattr(signal, "SIGINT") or os.name != "posix", reason="POSIX signals")
def test_ctrl_c_as_render_prints_its_last_line_exits_130_with_the_message(tmp_path: Path) -> None:
    """Before the fix: a traceback (KeyboardInterrupt in signal.getsignal) and death by
    SIGINT (exit -2) in 5 runs out of 5."""
    copy_examples(tmp_path, AGREEMENT)
    for attempt in range(3):
        process = subprocess.Popen(
            [sys.executable, "-m", "slawriter", "render", AGREEMENT, "--out", f"out{attempt}",
             "--format", "md"],
            cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )  # fmt: skip
        try:
            assert process.stdout is not None
            for line in process.stdout:  # blocks only until the line arrives (timeout above)
                if "Drafted" in line:
                    break
            process.send_signal(signal.SIGINT)
            _, err = process.communicate(timeout=30)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
        assert process.returncode in (0, 130), (process.returncode, err)
        assert "Traceback" not in err
        if process.returncode == 130:
            assert err.endswith("slawriter: interrupted\n"), err


def test_an_export_cut_short_in_the_middle_of_a_character_is_a_message(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Found by `make fuzz`: a file ending inside a UTF-8 sequence (0xC3 with nothing after it)
    made the encoding check index an empty block (exit 70)."""
    export = HOSTILE / "export-cut-mid-character.csv"
    assert export.read_bytes().endswith(b"\xc3")
    code, _, err = run(
        capsys, "report", AGREEMENT, "--tickets", str(export), "--period", "2027-01",
        "--as-of", "2027-02-05T12:00", "--json",
    )  # fmt: skip
    assert code == 2
    assert "is a character neither in UTF-8 nor in Windows-1252" in err
