"""What scripts and shells meet: --json with the keys the README lists, -q and -v on every
command, '-' for standard input and output, completion scripts, and dates that do not exist
reported with their line and column."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from slawriter.cli import build_parser, main
from slawriter.errors import InputError
from tests.conftest import EXAMPLES, ROOT


def _slawriter(
    *args: str, stdin: str | None = None, cwd: Path = EXAMPLES
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "slawriter", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=60,
    )


def _readme_keys(command: str) -> list[str]:
    """The keys the README's JSON table lists for ``command``, in order, nested ones too."""
    readme = (ROOT / "README.md").read_text("utf-8")
    row = next(line for line in readme.splitlines() if line.startswith(f"| `{command} --json`"))
    return re.findall(r"`([a-z_]+)`", row.split("|")[2])


def _keys(value: object) -> list[str]:
    """Every key of a JSON document, depth first, each name once, in order of appearance."""
    found: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            for key, child in node.items():
                if key not in found:
                    found.append(key)
                walk(child)
        elif isinstance(node, list):
            for child in node:
                walk(child)

    walk(value)
    return found


def test_validate_json_has_the_documented_keys_in_order() -> None:
    done = _slawriter("validate", "--json", "corner-shop-smb.yaml", "provider.yaml")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert list(result) == ["valid", "agreements", "providers", "problems"]
    assert result["valid"] is True and result["providers"] == ["provider.yaml"]
    assert _keys(result) == [k for k in _readme_keys("validate") if k != "message"][:10]
    bad = _slawriter("validate", "--json", "-", stdin="slawriter: 1\nprofile: smb\n")
    assert bad.returncode == 2
    refused = json.loads(bad.stdout)
    assert refused["valid"] is False and refused["agreements"] == []
    assert list(refused["problems"][0]) == ["file", "line", "column", "field", "message"]


def test_render_json_says_what_was_written_and_which_risks_were_accepted(tmp_path: Path) -> None:
    done = _slawriter(
        "render", "acme-standard.yaml", "--out", str(tmp_path), "--format", "md", "--json",
        "--accept-risk", "uptime-vs-recovery=spare server on site",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert list(result) == ["written", "skipped", "findings", "accepted_risks"]
    assert result["written"][0]["files"] == [str(tmp_path / "acme-standard.md")]
    assert (tmp_path / "acme-standard.md").is_file()
    documented = _readme_keys("render")
    assert [k for k in _keys(result) if k in documented] == _keys(result)
    for finding in result["findings"]:
        assert list(finding) == ["agreement", "id", "severity", "message", "paths", "suggestion"]
    # A provider file in the list (as a glob picks it up) is passed over, with the reason.
    both = _slawriter(
        "render", "corner-shop-smb.yaml", "provider.yaml", "--out", str(tmp_path),
        "--format", "md", "--json",
    )  # fmt: skip
    assert both.returncode == 0, both.stderr
    assert json.loads(both.stdout)["skipped"] == [
        {"file": "provider.yaml", "reason": "a provider file, not an agreement"}
    ]


def test_render_json_stops_with_json_too(tmp_path: Path) -> None:
    done = _slawriter("render", "nowhere.yaml", "--out", str(tmp_path), "--json")
    assert done.returncode == 2
    stopped = json.loads(done.stdout)
    assert list(stopped) == ["error", "exit_code", "problems"]
    assert stopped["problems"][0]["file"] == "nowhere.yaml"
    assert "no such file" in done.stderr


def test_clauses_lint_and_diff_json() -> None:
    lint = _slawriter("clauses", "lint", "--json")
    assert lint.returncode == 0, lint.stderr
    result = json.loads(lint.stdout)
    assert _keys(result) == _readme_keys("clauses lint")[:6]
    assert result["clean"] is True and result["findings"] == []
    assert result["builtin"] is True and (Path(result["library"]) / "clauses").is_dir()
    diff = _slawriter("diff", "corner-shop-smb.yaml", "dental-lab-illinois-smb.yaml", "--json")
    assert diff.returncode == 1
    compared = json.loads(diff.stdout)
    assert list(compared) == ["old", "new", "changed", "changes", "redline"]
    assert compared["changed"] is True and compared["redline"] is None
    assert "Uptime, IT support for the lab: 99 % -> 98.5 %" in compared["changes"]
    assert set(_keys(compared)) <= set(_readme_keys("diff"))


def _every_parser() -> list[tuple[str, object]]:
    import argparse

    found = []

    def walk(parser: argparse.ArgumentParser, name: str) -> None:
        found.append((name, parser))
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for sub_name, sub in action.choices.items():
                    walk(sub, f"{name} {sub_name}".strip())

    walk(build_parser(), "")
    return found[1:]


def test_every_command_and_action_takes_q_and_v() -> None:
    parsers = _every_parser()
    assert len(parsers) >= 18
    for name, parser in parsers:
        options = parser._option_string_actions  # type: ignore[attr-defined]
        assert {"-q", "--quiet", "-v", "--verbose"} <= set(options), name


def test_quiet_leaves_the_exit_code_and_verbose_says_more(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["validate", "-q", str(EXAMPLES / "acme-standard.yaml")]) == 0
    assert capsys.readouterr().out == ""
    assert main(["clauses", "lint", "-q"]) == 0
    assert capsys.readouterr().out == ""
    assert main(["render", str(EXAMPLES / "corner-shop-smb.yaml"), "--out", str(tmp_path),
                 "--format", "md", "-q"]) == 0  # fmt: skip
    assert capsys.readouterr().out == ""
    assert (tmp_path / "corner-shop-smb.md").is_file()
    # -q keeps the data asked for.
    assert main(["validate", "-q", "--json", str(EXAMPLES / "acme-standard.yaml")]) == 0
    assert json.loads(capsys.readouterr().out)["valid"] is True
    assert main(["schema", "-q"]) == 0
    assert json.loads(capsys.readouterr().out)["title"] == "slawriter agreement file"
    assert main(["validate", "-v", str(EXAMPLES / "acme-standard.yaml")]) == 0
    shown = capsys.readouterr()
    assert "valid (standard profile" in shown.out
    assert re.search(r"slawriter \S+: validate took \d+\.\d\d s \(library: ", shown.err)


def test_standard_input_and_output(tmp_path: Path) -> None:
    text = (EXAMPLES / "corner-shop-smb.yaml").read_text("utf-8")
    checked = _slawriter("validate", "-", stdin=text)
    assert checked.returncode == 0, checked.stderr
    assert checked.stdout.startswith("-: valid (smb profile")
    twice = _slawriter("validate", "-", "-", stdin=text)
    assert twice.returncode == 2 and "may be given once" in twice.stderr
    # render --out - writes the Markdown itself, the same bytes as the file, and no folder.
    written = _slawriter("render", "corner-shop-smb.yaml", "--out", str(tmp_path), "--format", "md")
    assert written.returncode == 0, written.stderr
    streamed = subprocess.run(
        [sys.executable, "-m", "slawriter", "render", "-", "--out", "-"],
        input=text.encode("utf-8"), capture_output=True, cwd=EXAMPLES, timeout=60,
    )  # fmt: skip
    assert streamed.returncode == 0, streamed.stderr
    assert streamed.stdout == (tmp_path / "corner-shop-smb.md").read_bytes()
    assert not (EXAMPLES / "-").exists()
    refused = _slawriter("render", "corner-shop-smb.yaml", "--out", "-", "--format", "docx")
    assert refused.returncode == 2 and "one Markdown document" in refused.stderr
    book = _slawriter("clauses", "book", "--out", "-")
    assert book.returncode == 0, book.stderr
    assert book.stdout.startswith("# Clause Book")
    assert "Wrote the clause book to standard output" in book.stderr


def test_completion_scripts(tmp_path: Path) -> None:
    from slawriter.commands.completion import SHELLS

    scripts = {}
    for shell in SHELLS:
        done = _slawriter("completion", shell)
        assert done.returncode == 0, done.stderr
        scripts[shell] = done.stdout
        assert "clauses" in done.stdout and "accept-risk" in done.stdout
    bash = tmp_path / "slawriter.bash"
    bash.write_text(scripts["bash"], "utf-8")
    subprocess.run(["bash", "-n", str(bash)], check=True, timeout=30)
    # The function completes as a user's Tab would.
    probe = (
        f"source {bash}; "
        "COMP_WORDS=(slawriter clauses l); COMP_CWORD=2; _slawriter; echo ${COMPREPLY[@]}; "
        "COMP_WORDS=(slawriter completion ''); COMP_CWORD=2; _slawriter; echo ${COMPREPLY[@]}; "
        "COMP_WORDS=(slawriter render x.yaml --for); COMP_CWORD=3; _slawriter; "
        "echo ${COMPREPLY[@]}"
    )
    lines = subprocess.run(
        ["bash", "-c", probe], capture_output=True, text=True, check=True, timeout=30
    ).stdout.splitlines()
    assert lines[0] == "lint"
    assert lines[1].split()[-3:] == ["bash", "zsh", "fish"]
    assert lines[2] == "--format --force"
    for shell in ("zsh", "fish"):
        if shutil.which(shell):
            path = tmp_path / f"slawriter.{shell}"
            path.write_text(scripts[shell], "utf-8")
            subprocess.run([shell, "-n", str(path)], check=True, timeout=30)


@pytest.mark.parametrize(
    "text",
    [
        "agreement:\n  effective_date: 2027-02-30\n",  # the fast path (libyaml)
        "base: &b 1\nagreement:\n  effective_date: 2027-02-30\n",  # an anchor: ruamel
    ],
    ids=["libyaml", "ruamel"],
)
def test_a_date_that_does_not_exist_is_reported_where_it_is(text: str) -> None:
    from slawriter.files import yaml as reader

    line = text.count("\n") - 1 + 1
    for parse in (reader.parse_yaml, reader._ruamel_parse):
        with pytest.raises(InputError) as caught:
            parse(text, Path("x.yaml"))
        (problem,) = caught.value.problems
        assert (problem.line, problem.column, problem.path) == (
            line,
            19,
            "agreement.effective_date",
        )
        assert problem.message == (
            "'2027-02-30' is not a date: February 2027 has 28 days (dates are written YYYY-MM-DD)"
        )


@pytest.mark.parametrize("anchor", ["", "%YAML 1.2\n---\n"], ids=["libyaml", "ruamel"])
def test_a_date_that_does_not_exist_hides_no_other_problem(
    tmp_path: Path, anchor: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.conftest import copy_examples

    copy_examples(tmp_path, "ireland-standard.yaml")
    text = (tmp_path / "ireland-standard.yaml").read_text("utf-8")
    text = re.sub(r"effective_date: \S+", "effective_date: 2027-02-30\n  verison: x", text)
    text = text.replace("closed: [2027-12-27]", "closed: [2027-12-27, 2027-02-29]")
    text = text.replace("2028-12-22: 08:30", "2028-02-30: 08:30")
    path = tmp_path / "bad.yaml"
    path.write_text(anchor + text, "utf-8")
    assert main(["validate", "--json", str(path)]) == 2
    problems = json.loads(capsys.readouterr().out)["problems"]
    found = {p["field"]: p["message"] for p in problems}
    assert found == {
        "agreement.effective_date": "'2027-02-30' is not a date: February 2027 has 28 days "
        "(dates are written YYYY-MM-DD)",
        "agreement.verison": "unknown field 'verison'; did you mean 'version'?",
        "calendars.business.closed[1]": "'2027-02-29' is not a date: February 2027 has 28 days "
        "(dates are written YYYY-MM-DD)",
        "calendars.business.reduced.2028-02-30": "'2028-02-30' is not a date: February 2028 has "
        "29 days (dates are written YYYY-MM-DD)",
    }
    assert all(p["line"] and p["column"] for p in problems)


def test_a_date_written_without_leading_zeros_is_explained(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.conftest import copy_examples

    copy_examples(tmp_path, "acme-standard.yaml")
    path = tmp_path / "acme-standard.yaml"
    path.write_text(re.sub(r"effective_date: \S+", "effective_date: 2027-1-1", path.read_text()))
    assert main(["validate", str(path)]) == 2
    assert (
        "agreement.effective_date: expected a date as YYYY-MM-DD, e.g. 2027-01-01, "
        "found '2027-1-1'" in capsys.readouterr().err
    )


def test_completion_offers_the_choices_of_options_and_hides_hidden_options(
    tmp_path: Path,
) -> None:
    from slawriter.commands.completion import SHELLS

    scripts = {shell: _slawriter("completion", shell).stdout for shell in SHELLS}
    bash = tmp_path / "slawriter.bash"
    bash.write_text(scripts["bash"], "utf-8")
    (tmp_path / "agreement.yaml").write_text("", "utf-8")  # a file Tab must not offer here
    probes = [
        "slawriter export-policy x.yaml --to ''",
        "slawriter render x.yaml --format docx,h",
        "slawriter render x.yaml --format ''",
        "slawriter new --profile ''",
        "slawriter downtime ''",
        "slawriter serve --to",
        "slawriter validate agr",
    ]
    probe = f"source {bash}; " + "".join(
        f"COMP_WORDS=({words}); COMP_CWORD={len(words.split()) - 1}; _slawriter; "
        "echo ${COMPREPLY[@]}; "
        for words in probes
    )
    lines = subprocess.run(
        ["bash", "-c", probe], capture_output=True, text=True, check=True, timeout=30, cwd=tmp_path
    ).stdout.splitlines()
    assert lines[0] == "zendesk freshdesk jira openslo"
    assert lines[1] == "docx,html"
    assert lines[2] == "docx html md pdf"
    assert lines[3] == "smb standard"
    assert "agreement.yaml" not in lines[4] and all(w.startswith("-") for w in lines[4].split())
    assert lines[5] == ""  # --today is hidden
    assert lines[6] == "agreement.yaml"
    # zsh runs the same function; fish has its own lines.
    assert (
        '"export-policy|--to") kind=choice; values="zendesk freshdesk jira openslo"'
        in (scripts["zsh"])
    )
    assert '"new|--profile") kind=choice; values="smb standard"' in scripts["zsh"]
    fish = scripts["fish"]
    assert "-l to -x -a 'zendesk freshdesk jira openslo'" in fish
    assert "-l profile -x -a 'smb standard'" in fish
    assert "printf \\'%s\\\\n\\' docx html md pdf" in fish
    assert "-l to -r -F" not in fish and "-l profile -r" not in fish
    for text in scripts.values():
        assert "today" not in text


def test_an_agreement_from_standard_input_is_named_by_its_reference(tmp_path: Path) -> None:
    text = (EXAMPLES / "corner-shop-smb.yaml").read_text("utf-8")
    done = _slawriter("render", "-", "--out", str(tmp_path), "--format", "md", stdin=text)
    assert done.returncode == 0, done.stderr
    reference = re.search(r"reference: (\S+)", text)
    assert reference
    stem = reference[1].lower()
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"{stem}.md", f"{stem}.slawriter.json"]
    assert "check -" not in done.stdout
    assert "Some promises in the agreement read from standard input were not checked" in (
        done.stdout
    )
    nameless = re.sub(r"reference: \S+", "reference: '***'", text)
    again = _slawriter("render", "-", "--out", str(tmp_path), "--format", "md", stdin=nameless)
    assert again.returncode == 0, again.stderr
    assert (tmp_path / "stdin-agreement.md").is_file()


def test_export_policy_is_quiet_with_q_and_warns_on_standard_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["export-policy", str(EXAMPLES / "acme-standard.yaml"), "--to", "jira"]
    assert main([*args, "--out", str(tmp_path / "loud")]) == 0
    loud = capsys.readouterr()
    assert "Exported" in loud.out and "Not expressed" not in loud.out
    assert "Not expressed in jira" in loud.err
    assert main([*args, "--out", str(tmp_path / "quiet"), "-q"]) == 0
    quiet = capsys.readouterr()
    assert quiet.out == ""
    assert "Not expressed in jira" in quiet.err
    assert any((tmp_path / "quiet").iterdir())


def test_q_and_v_may_come_before_the_command(capsys: pytest.CaptureFixture[str]) -> None:
    agreement = str(EXAMPLES / "acme-standard.yaml")
    assert main(["-q", "validate", agreement]) == 0
    assert capsys.readouterr().out == ""
    assert main(["--verbose", "validate", agreement]) == 0
    shown = capsys.readouterr()
    assert "valid (standard profile" in shown.out
    assert "validate took" in shown.err


def test_the_missing_glyph_warning_names_the_font_for_the_characters() -> None:
    from slawriter.render.fonts import font_advice

    assert font_advice("株式") == (
        "Install a font that has them (e.g. fonts-noto-cjk for Chinese, Japanese and Korean)"
    )
    assert font_advice("\U0001f600") == (
        "Install a font that has them (e.g. fonts-noto-color-emoji for emoji)"
    )
    assert "noto-cjk" in font_advice("株\U0001f600") and "emoji" in font_advice("株\U0001f600")
    assert font_advice("\u16a0") == "Install a font that has them"  # a rune
