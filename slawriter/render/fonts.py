"""Which characters of a document no installed font can draw.

LibreOffice draws a character no font has as an empty box, silently ("株式会社" on a machine
without a Japanese font). Before a PDF is made, fontconfig (``fc-list``, which LibreOffice
itself uses on Linux) is asked which fonts have the document's characters: once for all of
them, and only when no single font has them all, once per character. ASCII is skipped (every
font has it). Without ``fc-list`` (Windows, macOS without fontconfig) nothing is checked.
"""

from __future__ import annotations

import shutil
import subprocess
import unicodedata

__all__ = ["describe", "font_advice", "uncovered"]

LIMIT = 400  # distinct characters asked about one by one, at most (a few ms each)


def _covered(program: str, characters: str) -> bool:
    pattern = ":charset=" + " ".join(f"{ord(c):x}" for c in characters)
    try:
        found = subprocess.run(
            [program, pattern, "family"], capture_output=True, text=True, timeout=30, check=False
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return True  # cannot tell: say nothing rather than something wrong
    return bool(found.strip())


def uncovered(text: str) -> str:
    """The characters of ``text`` (each once, in order of code point) that no installed font
    has; "" when all are drawable or fontconfig is not there to ask."""
    program = shutil.which("fc-list")
    wanted = sorted(
        {
            c
            for c in text
            if ord(c) > 0x7E and not c.isspace() and unicodedata.category(c)[0] not in "CZ"
        }
    )
    if program is None or not wanted or _covered(program, "".join(wanted)):
        return ""
    return "".join(c for c in wanted[:LIMIT] if not _covered(program, c))


def describe(characters: str, shown: int = 8) -> str:
    """'株 (U+682A), 式 (U+5F0F) and 2 more', for a message."""
    names = [f"{c} (U+{ord(c):04X})" for c in characters[:shown]]
    more = len(characters) - shown
    return ", ".join(names) + (f" and {more} more" if more > 0 else "")


# Unicode blocks and the Debian/Ubuntu font package that draws them.
_CJK = (
    (0x1100, 0x11FF), (0x2E80, 0x2FDF), (0x3000, 0x9FFF), (0xA960, 0xA97F), (0xAC00, 0xD7FF),
    (0xF900, 0xFAFF), (0xFE30, 0xFE4F), (0xFF00, 0xFFEF), (0x20000, 0x3FFFF),
)  # fmt: skip
_EMOJI = (
    (0x1F000, 0x1FAFF), (0x2600, 0x27BF), (0x2B00, 0x2BFF), (0xFE00, 0xFE0F), (0x1F1E6, 0x1F1FF),
)  # fmt: skip


def _in(character: str, ranges: tuple[tuple[int, int], ...]) -> bool:
    return any(low <= ord(character) <= high for low, high in ranges)


def font_advice(characters: str) -> str:
    """Which font to install for ``characters``: 'fonts-noto-color-emoji (emoji)', 'fonts-noto-cjk
    (Chinese, Japanese and Korean)', both, or, for anything else, a font that has them."""
    wanted = []
    if any(_in(c, _CJK) for c in characters):
        wanted.append("fonts-noto-cjk for Chinese, Japanese and Korean")
    if any(_in(c, _EMOJI) for c in characters):
        wanted.append("fonts-noto-color-emoji for emoji")
    if not wanted:
        return "Install a font that has them"
    return "Install a font that has them (e.g. " + " and ".join(wanted) + ")"
