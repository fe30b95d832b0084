"""The commands' coloured lines: rich's Console on a terminal, and the same bytes without
importing rich (~18 ms of CPU, a twentieth of `check`) when the output is a file or a pipe.

Off a terminal rich prints no colour: a line is its markup with the style tags taken out and
escaped brackets unescaped. Anything else rich would change on the way is left to rich itself,
line by line: other markup, a tab (expanded) or a control character (dropped).
tests/test_console.py compares both on awkward text. Emoji codes (``:name:``) are printed as
typed, never replaced: a ticket id or a status in a message is the export's own text.
"""

from __future__ import annotations

import os
import re
import sys
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from rich.console import Console as RichConsole


class Console(Protocol):
    def print(
        self, *objects: Any, markup: bool | None = None, soft_wrap: bool | None = None
    ) -> None:
        """Print like rich's ``Console.print``."""


# rich's markup tags, escaped or not (rich.markup.RE_TAGS), and the styles the commands use,
# in the form rich normalises a closing tag's name to (so an opening tag closes the same way).
_TAGS = re.compile(r"((\\*)\[([a-z#/@][^[]*?)])")
_STYLES = re.compile(r"(?:bold )?(?:red|green|yellow|cyan|blue|magenta)|bold|italic|dim")
# What rich may change in a text it prints: tabs (expanded), control characters (dropped):
# such lines go to rich itself.
_RICH_CHANGES = re.compile(r"[\x00-\x09\x0b-\x1f\x7f]")


def _unmarked(markup: str) -> str | None:
    """The text rich.markup.render makes of ``markup`` (its parser, step by step), or None
    when the markup has anything but balanced style tags and escaped brackets."""
    if "[" not in markup:
        return markup
    out: list[str] = []
    opened: list[str] = []
    position = 0
    for match in _TAGS.finditer(markup):
        full, escapes, tag = match.groups()
        start, end = match.span()
        if start > position:
            out.append(markup[position:start].replace("\\[", "["))
        if escapes:
            backslashes, escaped = divmod(len(escapes), 2)
            out.append("\\" * backslashes)
            if escaped:
                out.append(full[len(escapes) :])
                position = end
                continue
        name = tag.strip()
        if name.startswith("/"):
            if not opened or name[1:].strip() != opened[-1]:
                return None  # rich matches or refuses closing tags its own way
            opened.pop()
        elif _STYLES.fullmatch(tag):
            opened.append(tag)
        else:
            return None
        position = end
    if position < len(markup):
        out.append(markup[position:].replace("\\[", "["))
    return "".join(out)


def rich_console() -> RichConsole:
    from rich.console import Console as RichConsole

    return RichConsole(highlight=False, soft_wrap=True, emoji=False)


def _plain_output() -> bool:
    """Whether rich would print plain text: not a terminal, nor told to act as one."""
    if "IPython" in sys.modules or "idlelib" in sys.modules:
        return False  # rich has rules of its own for notebooks and IDLE
    if any(name in os.environ for name in ("FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE")):
        return False
    try:
        return not sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False


class PlainConsole:
    """``rich.console.Console(highlight=False, soft_wrap=True, emoji=False)`` off a terminal."""

    def __init__(self) -> None:
        self._rich: RichConsole | None = None

    def print(
        self, *objects: Any, markup: bool | None = None, soft_wrap: bool | None = None
    ) -> None:
        text = objects[0] if objects else ""
        plain: str | None = None
        if isinstance(text, str) and len(objects) <= 1 and soft_wrap is not False:
            plain = text if markup is False else _unmarked(text)
        if plain is not None and not _RICH_CHANGES.search(plain):
            try:
                sys.stdout.write(plain + "\n")
            except UnicodeEncodeError:
                pass  # nothing was written: rich says it with its own hint
            else:
                sys.stdout.flush()
                return
        if self._rich is None:
            self._rich = rich_console()
        self._rich.print(*objects, markup=markup, soft_wrap=soft_wrap)


_ESCAPABLE = re.compile(r"(\\*)(\[[a-z#/@][^[]*?])")


def escape(text: str) -> str:
    """``rich.markup.escape`` (the same rule, without importing rich): brackets that would
    read as a tag get a backslash, and so does a backslash that ends the text."""
    text = _ESCAPABLE.sub(lambda found: f"{found[1]}{found[1]}\\{found[2]}", text)
    if text.endswith("\\") and not text.endswith("\\\\"):
        return text + "\\"
    return text


def console() -> Console:
    """A console for the commands' messages on standard output."""
    if _plain_output():
        return PlainConsole()
    return rich_console()
