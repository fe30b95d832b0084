"""Hostile and broken input: alias bombs, deep nesting, tags, odd paths and files, broken
ticket exports, library warnings and a late Ctrl-C all end in a sentence that names the file,
line and field, exit 2 (or a rejected row), no traceback and nothing written.

The reproductions are the small files in tests/hostile/; each is driven through the command
line as a user would (in-process ``main`` or a real ``python -m slawriter``)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

import slawriter.files.yaml as yaml_reader
from slawriter.cli import main
from tests.conftest import ROOT, copy_examples

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


def refused_everywhere(capsys: pytest.CaptureFixture[str], workdir: Path) -> str:
    """validate, check and render all refuse the agreement (exit 2, nothing written)."""
    messages = []
    for command in (
        ["validate", AGREEMENT],
        ["check", AGREEMENT],
        ["render", AGREEMENT, "--out", "out", "--format", "md"],
    ):
        code, _, err = run(capsys, *command)
        assert code == 2, f"{command[0]}: exit {code}\n{err}"
        messages.append(err)
    assert not (workdir / "out").exists()
    return messages[0]


# --- YAML: alias bombs, nesting, tags ------------------------------------------------------------


@pytest.mark.timeout(20)
@pytest.mark.parametrize("libyaml", [True, False], ids=["libyaml", "ruamel-only"])
def test_an_alias_bomb_under_an_unknown_key_is_refused_at_once(
    workdir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, libyaml
) -> None:
    if not libyaml:  # the machine without libyaml: ruamel reads, PyYAML's own parser scans
        monkeypatch.setattr(yaml_reader.pyyaml, "__with_libyaml__", False)
    start = append_fixture(workdir / AGREEMENT, "alias-bomb.yaml")
    err = refused_everywhere(capsys, workdir)
    # 100,000 values are passed at the eighth *a3 of the fifth level, a4 (11,111 values each).
    assert f"{AGREEMENT}:{start + 6}:47:" in err
    assert "aliases (here *a3) expand this file to more than 100,000 values" in err
    assert "alias bomb" in err


@pytest.mark.timeout(20)
def test_an_alias_bomb_in_a_mapping_file_is_refused(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copy(HOSTILE / "alias-bomb-mapping.yaml", workdir / "mapping.yaml")
    code, _, err = run(capsys, "report", AGREEMENT, "--tickets", TICKETS, "--mapping",
                       "mapping.yaml", "--period", "2027-01", "--json")  # fmt: skip
    assert code == 2
    assert "mapping.yaml:9:47:" in err and "alias bomb" in err


@pytest.mark.timeout(20)
def test_the_wizard_refuses_an_alias_bomb_in_the_file_it_resumes(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    append_fixture(workdir / AGREEMENT, "alias-bomb.yaml")
    code, _, err = run(capsys, "new", "--resume", AGREEMENT, "--defaults")
    assert code == 2
    assert "alias bomb" in err


def test_an_alias_inside_the_value_it_names_is_refused(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    start = append_fixture(workdir / AGREEMENT, "alias-loop.yaml")
    err = refused_everywhere(capsys, workdir)
    assert f"{AGREEMENT}:{start + 2}:10: the alias *loop is inside the value it refers to" in err


def test_aliases_that_share_a_few_values_still_read(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    agreement = workdir / AGREEMENT
    text = agreement.read_text("utf-8")
    text = text.replace("name: Daniel Okafor", "name: &finance Daniel Okafor", 1)
    text = text.replace("name: Helen Marsh", "name: *finance", 1)
    agreement.write_text(text, "utf-8")
    code, out, err = run(capsys, "validate", AGREEMENT)
    assert code == 0, err
    assert "valid" in out


@pytest.mark.timeout(20)
def test_3000_nested_mappings_are_refused_with_the_nesting_limit(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    start = append_fixture(workdir / AGREEMENT, "nested-3000.yaml")
    err = refused_everywhere(capsys, workdir)
    assert f"{AGREEMENT}:{start + 1}:" in err
    assert "nested more than 100 levels deep" in err


def test_a_python_tag_is_refused_not_run(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    start = append_fixture(workdir / AGREEMENT, "python-tag.yaml")
    err = refused_everywhere(capsys, workdir)
    assert (
        f"{AGREEMENT}:{start + 1}:8: tags are not allowed "
        "(found '!!python/object/apply:os.system')" in err
    )
    assert "pwned" not in err


# --- paths and files ---------------------------------------------------------------------------


def test_a_nul_byte_in_the_provider_path_is_a_message(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    agreement = workdir / AGREEMENT
    text = agreement.read_text("utf-8").replace(
        "provider: provider.yaml", 'provider: "provider\\0.yaml"', 1
    )
    agreement.write_text(text, "utf-8")
    err = refused_everywhere(capsys, workdir)
    assert f"{AGREEMENT}:6:1: provider: the path contains a NUL character" in err


@pytest.mark.parametrize("which", ["agreement", "provider", "tickets"])
def test_a_symbolic_link_loop_is_a_message(
    workdir: Path, capsys: pytest.CaptureFixture[str], which: str
) -> None:
    (workdir / "loop-a").symlink_to("loop-b")
    (workdir / "loop-b").symlink_to("loop-a")
    if which == "agreement":
        code, _, err = run(capsys, "validate", "loop-a")
        assert "loop-a: is a symbolic link that leads round in a loop" in err
    elif which == "provider":
        agreement = workdir / AGREEMENT
        text = agreement.read_text("utf-8").replace("provider: provider.yaml", "provider: loop-a")
        agreement.write_text(text, "utf-8")
        code, _, err = run(capsys, "validate", AGREEMENT)
        assert f"{AGREEMENT}:6:1: provider: 'loop-a' is a symbolic link that leads round" in err
    else:
        code, _, err = run(capsys, "report", AGREEMENT, "--tickets", "loop-a",
                           "--period", "2027-01", "--json")  # fmt: skip
        assert "loop-a: is a symbolic link that leads round in a loop" in err
    assert code == 2


def test_an_agreement_whose_name_is_not_utf8_is_refused_before_writing(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    odd = os.fsdecode(b"acme-\xff.yaml")
    try:
        (workdir / AGREEMENT).rename(workdir / odd)
    except (OSError, UnicodeEncodeError):
        pytest.skip("this file system does not take a file name that is not UTF-8")
    code, _, err = run(capsys, "render", odd, "--out", "out")
    assert code == 2
    assert "the file name is not valid UTF-8 text: rename the file" in err
    assert not (workdir / "out").exists()


def test_a_truncated_png_logo_is_refused_at_load_with_its_line(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copy(HOSTILE / "truncated-logo.png", workdir / "northwind-logo.png")
    err = refused_everywhere(capsys, workdir)
    line = _logo_line(workdir)
    assert f"provider.yaml:{line}:1: logo: logo 'northwind-logo.png' is a truncated PNG file" in err


@pytest.mark.timeout(20)
@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes on this system")
@pytest.mark.parametrize("which", ["agreement", "provider", "logo", "mapping", "tickets"])
def test_a_fifo_is_not_a_regular_file_and_is_never_read(
    workdir: Path, capsys: pytest.CaptureFixture[str], which: str
) -> None:
    # Nobody ever writes to the pipe: reading it would block until the test times out.
    os.mkfifo(workdir / "pipe")
    if which == "agreement":
        code, _, err = run(capsys, "validate", "pipe")
        expected = "pipe: is a named pipe (FIFO), not a regular file"
    elif which == "provider":
        agreement = workdir / AGREEMENT
        text = agreement.read_text("utf-8").replace("provider: provider.yaml", "provider: pipe")
        agreement.write_text(text, "utf-8")
        code, _, err = run(capsys, "validate", AGREEMENT)
        expected = f"{AGREEMENT}:6:1: provider: 'pipe' is not a regular file"
    elif which == "logo":
        provider = workdir / "provider.yaml"
        text = provider.read_text("utf-8").replace("logo: northwind-logo.png", "logo: pipe")
        provider.write_text(text, "utf-8")
        code, _, err = run(capsys, "render", AGREEMENT, "--out", "out")
        line = _logo_line(workdir)
        expected = f"provider.yaml:{line}:1: logo: logo 'pipe' (pipe) is a named pipe (FIFO)"
        assert not (workdir / "out").exists()
    elif which == "mapping":
        code, _, err = run(capsys, "report", AGREEMENT, "--tickets", TICKETS, "--mapping",
                           "pipe", "--period", "2027-01", "--json")  # fmt: skip
        expected = "pipe: is a named pipe (FIFO), not a regular file"
    else:
        code, _, err = run(capsys, "report", AGREEMENT, "--tickets", "pipe",
                           "--period", "2027-01", "--json")  # fmt: skip
        expected = "pipe: is a named pipe (FIFO), not a regular file"
    assert code == 2
    assert expected in err
    assert "not found" not in err and "no such file" not in err


# --- ticket exports ----------------------------------------------------------------------------


def report(capsys: pytest.CaptureFixture[str], tickets: Path | str, *extra: str):
    return run(capsys, "report", AGREEMENT, "--tickets", str(tickets), "--period", "2027-01",
               "--as-of", "2027-02-05T12:00", "--json", *extra)  # fmt: skip


def test_a_byte_no_encoding_defines_is_a_message_with_its_line(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = report(capsys, HOSTILE / "tickets-cp1252-0x81.csv")
    assert code == 2
    assert "tickets-cp1252-0x81.csv:3:7: the byte 0x81 is a character neither in UTF-8 " in err
    assert "export the file again as UTF-8" in err


def test_a_byte_no_encoding_defines_past_the_first_megabyte_names_its_line(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The line and column are counted only when a byte fails: across reading blocks too."""
    from slawriter.errors import InputError
    from slawriter.measure.importer import detect_encoding

    path = workdir / "long.csv"
    rows = [f"T{n},P3,2027-01-05 09:00,,,Service desk\n" for n in range(40_000)]  # ~1.5 MB
    with path.open("wb") as handle:
        handle.write(b"id,priority,created,responded,resolved,service\n")
        handle.write("".join(rows).encode("ascii"))
        handle.write(b"T40000,P3,2027-01-05 09:00,\x81,,Service desk\n")
    assert path.stat().st_size > 1024 * 1024
    with pytest.raises(InputError, match=r"long\.csv:40002:28: the byte 0x81 "):
        detect_encoding(path, "long.csv")


def test_a_control_character_in_an_export_is_shown_in_every_document(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """XML cannot hold a \\x01: the rejected row that quotes it was a refused Word file (an
    internal error, exit 70). Each document shows the character's control picture."""
    import html

    import docx

    tickets = workdir / "control.csv"
    tickets.write_text(
        "id,priority,created,responded,resolved,service,paused\n"
        "A,P2,2027-01-06 16:40,2027-01-06 17:20,2027-01-07 14:10,email,\n"
        "B,\x01P2,2027-01-06 16:40,2027-01-06 17:20,2027-01-07 14:10,email,\n",
        encoding="utf-8",
    )
    out = workdir / "out"
    code, _, err = report(capsys, tickets, "--out", str(out), "--format", "docx,md,html")
    assert code == 1, err
    quoted = "unknown priority '\N{SYMBOL FOR START OF HEADING}P2'"
    [word] = out.glob("*.docx")
    cells = [cell.text for table in docx.Document(str(word)).tables for row in table.rows
             for cell in row.cells]  # fmt: skip
    assert any(quoted in cell for cell in cells)
    assert quoted in next(out.glob("*.md")).read_text(encoding="utf-8")
    page = next(out.glob("*.html")).read_text(encoding="utf-8")
    assert quoted in html.unescape(page)


def test_a_byte_that_is_not_utf8_after_a_byte_order_mark_is_a_message_with_its_line(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A BOM says UTF-8: a Windows-1252 'é' after one was an internal error (exit 70)."""
    tickets = workdir / "marked.csv"
    tickets.write_bytes(
        b"\xef\xbb\xbfid,priority,created,responded,resolved,service,paused\n"
        b"A,P2,2027-01-06 16:40,2027-01-06 17:20,2027-01-07 14:10,caf\xe9,\n"
    )
    code, _, err = report(capsys, tickets)
    assert code == 2
    assert "marked.csv:2:60: the byte 0xE9 is not UTF-8, which the file's first bytes" in err
    assert "Traceback" not in err and "internal error" not in err


def test_a_5001_digit_priority_is_a_rejected_row(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    code, out, err = report(capsys, HOSTILE / "tickets-priority-5001-digits.csv")
    assert code == 1, err  # done, and rows were rejected
    rejected = json.loads(out)["rejected_rows"]
    assert [row["line"] for row in rejected] == [2]
    assert rejected[0]["reason"].startswith("priority: unknown priority '99999")
    assert "(5,001 characters)" in rejected[0]["reason"]
    assert len(rejected[0]["reason"]) < 200


def test_a_200_kb_column_heading_is_refused(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Generated: 200 KB is not a fixture worth keeping in the repository.
    lines = (workdir / TICKETS).read_text("utf-8").splitlines()
    (workdir / "wide.csv").write_text(
        "\n".join([lines[0] + "," + "h" * 200_000, *lines[1:]]) + "\n", "utf-8"
    )
    code, _, err = report(capsys, "wide.csv")
    assert code == 2
    assert "wide.csv:1: a column heading is over 131,072 characters long (at most 1,000)" in err
    # Just over the csv module's limit of 128 KB, and just over ours
    (workdir / "wide.csv").write_text(
        "\n".join([lines[0] + "," + "h" * 1_001, *lines[1:]]) + "\n", "utf-8"
    )
    code, _, err = report(capsys, "wide.csv")
    assert code == 2
    assert "wide.csv:1: column 8's heading is 1,001 characters long (at most 1,000)" in err


def test_headings_with_surrounding_spaces_are_read_as_the_docs_say(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    code, out, err = report(capsys, HOSTILE / "tickets-headings-with-spaces.csv")
    assert code == 0, err
    body = json.loads(out)
    assert body["rejected_rows"] == []
    code, plain, _ = report(capsys, TICKETS)
    same = json.loads(plain)
    assert {k: v for k, v in body.items() if k != "tickets_file"} == {
        k: v for k, v in same.items() if k != "tickets_file"
    }


def test_tickets_created_in_year_1_or_9999_are_rejected_rows(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    code, out, err = report(capsys, HOSTILE / "tickets-years-1-and-9999.csv")
    assert code == 1, err
    rejected = [(row["line"], row["reason"]) for row in json.loads(out)["rejected_rows"]]
    assert rejected == [
        (2, "created: '0001-01-05 10:12' is outside the years 1970 to 2200 this report can "
            "compute"),
        (3, "created: '9999-12-31 23:40' is outside the years 1970 to 2200 this report can "
            "compute"),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("option", "value", "expected"),
    [
        ("--period", "9999-12", "--period: '9999-12' is outside the years slawriter can compute"),
        ("--as-of", "9999-12-31T00:00", "--as-of: '9999-12-31T00:00' is outside the years"),
    ],
)
def test_a_report_in_year_9999_is_refused(
    workdir: Path, capsys: pytest.CaptureFixture[str], option: str, value: str, expected: str
) -> None:
    args = {"--period": "2027-01", "--as-of": "2027-02-05T12:00", option: value}
    code, _, err = run(capsys, "report", AGREEMENT, "--tickets", TICKETS, "--json",
                       *[part for pair in args.items() for part in pair])  # fmt: skip
    assert code == 2
    assert expected in err


# --- library warnings and a late Ctrl-C --------------------------------------------------------


def test_a_holiday_year_the_package_only_estimates_is_said_in_a_sentence(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # pytest turns warnings into errors here (filterwarnings = error): one that escaped would
    # end as an internal error; a user would see a UserWarning naming the package's file.
    code, out, err = run(capsys, "clock", "--from", "2040-01-02T09:00", "--to",
                         "2040-01-03T09:00", "--hours", "mon-fri 09:00-17:00",
                         "--timezone", "Asia/Kolkata", "--holidays", "IN")  # fmt: skip
    assert code == 0, err
    # Not the package's UserWarning naming its own file: a sentence saying what was assumed.
    assert err == (
        "Warning: public holidays IN in 2040: Requested Holidays are available only from 2001 "
        "to 2035; the days it cannot give are counted as working days.\n"
    )
    assert "8 business hours" in out
    code, out, err = run(capsys, "deadline", "--from", "2040-01-02T09:00", "--amount", "4h",
                         "--hours", "mon-fri 09:00-17:00", "--timezone", "Asia/Kolkata",
                         "--holidays", "IN")  # fmt: skip
    assert code == 0, err
    assert "public holidays IN in 2040" in err and "due" in out
    code, out, err = run(capsys, "clock", "--from", "2030-01-02T09:00", "--to",
                         "2030-01-03T09:00", "--hours", "mon-fri 09:00-17:00",
                         "--timezone", "Asia/Kolkata", "--holidays", "IN")  # fmt: skip
    assert (code, err) == (0, "")  # a year the package knows: nothing to say


_LATE_INTERRUPT = """
import atexit, signal, sys

def shutting_down():
    # Runs after main() has returned, while Python shuts down: say so, wait for Ctrl-C.
    print("shutting down", flush=True)
    signal.pause()

atexit.register(shutting_down)
from slawriter.cli import main
sys.argv = ["slawriter", "downtime", "99.9", "--month", "2027-02"]
sys.exit(main())
"""


@pytest.mark.timeout(60)
@pytest.mark.skipif(not hasattr(signal, "pause"), reason="needs POSIX signals")
def test_ctrl_c_during_shutdown_exits_130_with_the_message() -> None:
    process = subprocess.Popen(
        [sys.executable, "-c", _LATE_INTERRUPT],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        lines = []
        for line in process.stdout:  # blocks only until the line arrives (timeout above)
            lines.append(line)
            if line == "shutting down\n":
                break
        assert "allows 40.32 minutes" in "".join(lines)
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 130, err
    assert err == "slawriter: interrupted\n"


def _logo_line(folder: Path) -> int:
    """The line of the provider file's ``logo:`` key (the example file may grow above it)."""
    lines = (folder / "provider.yaml").read_text("utf-8").splitlines()
    return next(number for number, text in enumerate(lines, 1) if text.startswith("logo:"))


def test_a_report_in_a_year_the_holidays_package_only_estimates_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An agreement that began in years the package knows, measured in one it does not:
    the report counts that year's public holidays as working days, and says so."""
    import yaml

    copy_examples(tmp_path, "acme-standard.yaml")
    agreement = tmp_path / "acme-standard.yaml"
    data = yaml.safe_load(agreement.read_text("utf-8"))
    data["agreement"]["effective_date"] = "2034-06-01"
    data["default_calendar"] = "india"
    data["calendars"] = {
        "india": {"timezone": "Asia/Kolkata", "hours": "mon-fri 09:00-18:00", "holidays": "IN"}
    }
    for entry in data["priorities"].values():
        entry.pop("calendar", None)
    agreement.write_text(yaml.safe_dump(data, sort_keys=False), "utf-8")
    tickets = tmp_path / "tickets.csv"
    tickets.write_text(
        "id,priority,created,responded,resolved,service\n"
        "IN-1,P2,2036-01-06 10:00,2036-01-06 10:30,2036-01-06 15:00,email\n",
        "utf-8",
    )
    code, _, err = run(capsys, "report", str(agreement), "--tickets", str(tickets),
                       "--period", "2036-01", "--as-of", "2036-02-02T12:00", "--out",
                       str(tmp_path / "out"), "--format", "md")  # fmt: skip
    assert code == 1, err  # a warning: the figures rest on an assumption
    assert (
        "Warning: public holidays IN in 2036: Requested Holidays are available only from 2001 "
        "to 2035; the days it cannot give are counted as working days." in err
    )
    document = (tmp_path / "out" / "acme-standard-2036-01.md").read_text("utf-8")
    assert "public holidays IN in 2036" in document
