"""The commands' messages print the same bytes with or without rich off a terminal."""

from __future__ import annotations

import io
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console as RichConsole
from rich.errors import MarkupError
from rich.markup import escape as rich_escape

from slawriter.text import console as output
from slawriter.text.console import PlainConsole, escape

AWKWARD = [
    "",
    "plain words",
    "  indented and trailing  ",
    "a line " * 40,
    "two\nlines",
    "tab\there",
    "emoji :smile: and :not_an_emoji: and time 10:30:00",
    "P1: 4h: fix",
    "brackets [bold] [link=x] [/] [1] [P1] a[b]c ]",
    "backslash \\ and \\[bold] and ends with \\",
    "carriage\rreturn, bell\x07, escape \x1b[31m",
    "ends with a newline\n",
    "\\[1] and \\\\[bold]x[/bold] and [bold]y[/] and [/bold]",
    "services[remote-access].uptime.target",
    "[red bold]x[/red bold] and [bold red]y[/bold red] and [ bold]z[/ bold]",
    "wide 日本語 and e\u0301 and 😀",
    "percent 99.9 % and £1,000 and 'quotes' \"double\"",
]


def _rich(*objects: object, **options: bool) -> str:
    buffer = io.StringIO()
    try:
        RichConsole(file=buffer, highlight=False, soft_wrap=True, emoji=False).print(
            *objects, **options
        )
    except MarkupError as error:  # the same refusal either way
        return f"MarkupError: {error}"
    return buffer.getvalue()


def _plain(monkeypatch: pytest.MonkeyPatch, *objects: object, **options: bool) -> tuple[str, bool]:
    buffer = io.StringIO()
    monkeypatch.setattr(sys, "stdout", buffer)  # the rich fallback writes to sys.stdout too
    console = PlainConsole()
    try:
        console.print(*objects, **options)
    except MarkupError as error:
        return f"MarkupError: {error}", False
    return buffer.getvalue(), console._rich is None


def _lines(text: str) -> list[str]:
    return [
        text,
        escape(text),
        f"[bold]{escape(text)}[/bold]: done",
        f"  - [bold red]{escape(text)}[/bold red]: {escape(text)}",
        f"[yellow]Warnings[/yellow] in {escape(text)}:",
    ]


@pytest.mark.parametrize("text", AWKWARD)
def test_plain_console_prints_what_rich_prints(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    for line in _lines(text):
        for markup in (True, False):
            said, _ = _plain(monkeypatch, line, markup=markup)
            assert said == _rich(line, markup=markup), (line, markup)
    assert _plain(monkeypatch)[0] == _rich() == "\n"


def test_plain_text_is_printed_without_rich(monkeypatch: pytest.MonkeyPatch) -> None:
    said, without_rich = _plain(monkeypatch, "[bold]acme.yaml[/bold]: 2 warnings")
    assert (said, without_rich) == ("acme.yaml: 2 warnings\n", True)
    line = f"      fields: {escape('services[email].uptime, priorities[P1]')}"
    said, without_rich = _plain(monkeypatch, line)
    assert (said, without_rich) == ("      fields: services[email].uptime, priorities[P1]\n", True)
    # An emoji code is text like any other (a ticket id ':smile:' is printed as typed).
    said, without_rich = _plain(monkeypatch, "see :smile:", markup=False)
    assert (said, without_rich) == (_rich("see :smile:", markup=False), True)
    assert said == "see :smile:\n"


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from([*"ab :[]/\\\t\n\r\x07é日😀-_", "[bold]", "[/bold]", "\\[", ":smile:"])
    ).map("".join)
)
def test_any_text_prints_what_rich_prints(text: str) -> None:
    for line in _lines(text):
        for markup in (True, False):
            buffer = io.StringIO()
            saved, sys.stdout = sys.stdout, buffer
            try:
                PlainConsole().print(line, markup=markup)
                said = buffer.getvalue()
            except MarkupError as error:
                said = f"MarkupError: {error}"
            finally:
                sys.stdout = saved
            assert said == _rich(line, markup=markup), (line, markup)


def test_a_character_the_output_cannot_encode_fails_as_with_rich(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def said(console: object) -> str:
        monkeypatch.setattr(sys, "stdout", io.TextIOWrapper(io.BytesIO(), encoding="ascii"))
        with pytest.raises(UnicodeEncodeError) as error:
            console.print("fee: £100")  # type: ignore[attr-defined]
        return str(error.value)

    assert said(PlainConsole()) == said(RichConsole(highlight=False, soft_wrap=True, emoji=False))
    assert "PYTHONIOENCODING" in said(PlainConsole())


@pytest.mark.parametrize("text", [*AWKWARD, "[", "a\\", "a\\\\", "\\[x]", "\\\\[x] [@a] [#f]"])
def test_escape_is_riches(text: str) -> None:
    assert escape(text) == rich_escape(text)


@given(st.lists(st.sampled_from([*"ab[]\\/@#=", "[bold]", "\\["])).map("".join))
def test_escape_is_riches_for_any_text(text: str) -> None:
    assert escape(text) == rich_escape(text)


def test_a_terminal_or_forced_colour_gets_rich(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.delenv("TTY_COMPATIBLE", raising=False)
    monkeypatch.delenv("TTY_INTERACTIVE", raising=False)
    monkeypatch.setattr(sys, "stdout", io.StringIO())
    assert isinstance(output.console(), PlainConsole)
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert isinstance(output.console(), RichConsole)
    monkeypatch.delenv("FORCE_COLOR")

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr(sys, "stdout", Terminal())
    assert isinstance(output.console(), RichConsole)
