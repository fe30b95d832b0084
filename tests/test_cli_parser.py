"""The command line builds only the subcommand it runs: what users see must be what the
parser with every subcommand says (help, usage errors, the list of choices)."""

from __future__ import annotations

import pytest

from slawriter.cli import COMMANDS, build_parser, main
from slawriter.errors import EXIT_BAD_INPUT, EXIT_OK


def _said(capsys: pytest.CaptureFixture[str], argv: list[str], names: list[str] | None) -> str:
    parser = build_parser() if names is None else build_parser(names)
    with pytest.raises(SystemExit):
        parser.parse_args(argv)
    out, err = capsys.readouterr()
    return out + err


@pytest.mark.parametrize("name", COMMANDS)
def test_a_subcommand_alone_prints_the_same_help_and_usage_errors(
    name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    help_alone = _said(capsys, [name, "--help"], [name])
    assert help_alone == _said(capsys, [name, "--help"], None)
    assert help_alone.startswith(f"usage: slawriter {name}")
    wrong = [name, "--no-such-option"]
    assert "error:" in _said(capsys, wrong, [name])
    assert _said(capsys, wrong, [name]) == _said(capsys, wrong, None)


def test_main_runs_the_named_command_and_lists_every_choice_for_a_wrong_one(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as ended:
        main(["valdate"])
    assert ended.value.code == EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert "invalid choice: 'valdate'" in err
    assert all(f"'{name}'" in err for name in COMMANDS)

    assert main(["check", "--list-rules"]) == EXIT_OK
    assert "staffing" in capsys.readouterr().out


def test_the_full_help_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as ended:
        main(["--help"])
    assert ended.value.code == EXIT_OK
    out = capsys.readouterr().out
    assert all(f"    {name}" in out for name in COMMANDS)
