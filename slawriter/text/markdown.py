"""Escaping text for CommonMark, shared by the assembler and the Markdown renderer."""

from __future__ import annotations

import re


class MarkdownText(str):
    """Text that is already Markdown (e.g. the clause book's highlighted variables): the
    assembler inserts it as it is instead of escaping it."""

    __slots__ = ()


_ALWAYS = re.compile(r"([\\`*_\[\]<>|~])")
_ENTITY = re.compile(r"&(?=#?[A-Za-z0-9]+;)")
# Block markers that matter only at the start of a line: "# ", "> ", "- ", "+ ", "1. ", "1) "
# and a setext underline of "=" or "-".
_LINE_START = re.compile(
    r"^(\s*)(#(?=#*(\s|$))|>|[-+](?=\s|$)|=+\s*$|-+\s*$|\d{1,9}(?=[.)](\s|$)))"
)


def escape_markdown(text: str) -> str:
    """Escape ``text`` so CommonMark shows it literally, wherever on a line it lands."""
    text = " ".join(text.splitlines()) if "\n" in text or "\r" in text else text
    text = _ALWAYS.sub(r"\\\1", text)
    text = _ENTITY.sub(r"\\&", text)
    match = _LINE_START.match(text)
    if match:
        marker = match.group(2)
        if marker.isdigit():
            # "1. Foo" would start a list: escape the dot or parenthesis after the digits.
            end = match.end()
            text = text[:end] + "\\" + text[end:]
        else:
            text = f"{match.group(1)}\\{text[match.end(1) :]}"
    return text
