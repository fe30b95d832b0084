"""The Markdown writer: any document tree as CommonMark with GitHub-style tables.

The same content as the Word document, except what a single text file cannot hold: pictures
appear as their captions, and inserted values (the clause book's) are shown between ⟦ and ⟧.
"""

from __future__ import annotations

import itertools
import re

from slawriter.render.document import (
    Block,
    Document,
    Image,
    Inline,
    ListBlock,
    Paragraph,
    Party,
    Table,
    flatten,
    signature_rows,
)
from slawriter.render.options import Options
from slawriter.text.markdown import escape_markdown


def write(document: Document, options: Options) -> bytes:
    return render_markdown(document).encode("utf-8")


def _runs(runs: Inline) -> str:
    # Neighbouring runs with the same emphasis are wrapped together: "**a****b**" (a bold
    # marked value, then bold text) is not emphasis in CommonMark but four asterisks.
    out = []
    for (bold, italic), group in itertools.groupby(runs, key=lambda r: (r.bold, r.italic)):
        pieces = []
        for run in group:
            text = "  \n".join(escape_markdown(part) for part in run.text.split("\n"))
            if run.marked and text.strip():
                text = f"⟦{text}⟧"
            pieces.append(text)
        text = "".join(pieces)
        if bold and italic:
            text = _wrap(text, "***")
        elif bold:
            text = _wrap(text, "**")
        elif italic:
            text = _wrap(text, "*")
        out.append(text)
    return "".join(out)


def _wrap(text: str, marker: str) -> str:
    """Emphasis around the words only: CommonMark ignores "**Section: **" and "** x**"."""
    core = text.strip()
    if not core:
        return text
    start = text[: len(text) - len(text.lstrip())]
    end = text[len(text.rstrip()) :]
    return f"{start}{marker}{core}{marker}{end}"


def _cell(runs: Inline) -> str:
    return _runs(runs).replace("  \n", " ").replace("\n", " ") or " "


def _anchor(text: str) -> str:
    """GitHub's heading anchor: lower case, punctuation dropped, spaces to hyphens."""
    slug = re.sub(r"[^\w\- ]", "", text.lower())
    return slug.replace(" ", "-")


def _list(block: ListBlock, depth: int = 0) -> list[str]:
    lines = []
    indent = "  " * depth
    for item in block.items:
        label = f"{item.label} " if block.ordered else ""
        lines.append(f"{indent}- {label}{_runs(item.runs)}")
        if item.children:
            lines.extend(_list(item.children, depth + 1))
    return lines


def _table(table: Table) -> list[str]:
    width = len(table.header)
    align = list(table.align) + [None] * (width - len(table.align))
    rule = {"left": ":---", "center": ":---:", "right": "---:", None: "---"}
    lines = [
        "| " + " | ".join(_cell(c) for c in table.header) + " |",
        "|" + "|".join(rule[a] for a in align) + "|",
    ]
    for row in table.rows:
        cells = list(row) + [()] * (width - len(row))
        lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    return lines


def _block(block: Block) -> list[str]:
    """The block's lines, one blank line after each block."""
    if isinstance(block, Paragraph):
        text = _runs(block.runs)
        return [f"**{block.number}** {text}" if block.number else text]
    if isinstance(block, ListBlock):
        return _list(block)
    if isinstance(block, Image):
        # A single Markdown file has nowhere to keep a picture: only its caption is printed.
        return [f"*Figure: {escape_markdown(block.caption)}*"] if block.caption else []
    if isinstance(block, Table):
        return _table(block)
    lines: list[str] = []
    for inner in flatten((block,)):
        part = _block(inner)
        if part:
            lines += [*part, ""]
    return lines[:-1]


def _party(party: Party) -> str:
    parts = [f"**{escape_markdown(party.legal_name)}**"]
    if party.company_number:
        parts.append(
            f"{escape_markdown(party.number_label)} {escape_markdown(party.company_number)}"
        )
    parts.append(escape_markdown(", ".join(party.address)))
    return ", ".join(parts)


def render_markdown(document: Document) -> str:
    cover = document.cover
    out: list[str] = []
    if cover.draft:
        out += [f"> **{escape_markdown(cover.draft_notice)}**", ""]
    out += [f"# {escape_markdown(cover.title)}", "", f"*{escape_markdown(cover.subtitle)}*", ""]
    out += ["| | |", "|---|---|"]
    if cover.parties:
        out.append(f"| **Provider** | {_party(cover.provider)} |")
        out.append(f"| **Customer** | {_party(cover.customer)} |")
    for label, value in cover.rows():
        out.append(f"| **{escape_markdown(label)}** | {escape_markdown(value)} |")
    out.append("")
    for block in document.preface:
        out += _block(block)
        out.append("")
    if document.contents:
        out += ["## Contents", ""]
        for section in document.sections:
            heading = f"{section.number}. {section.title}"
            out.append(f"{section.number}. [{escape_markdown(section.title)}](#{_anchor(heading)})")
        out.append("")
    for section in document.sections:
        out += [f"## {section.number}. {escape_markdown(section.title)}", ""]
        for block in section.blocks:
            out += _block(block)
            out.append("")
    if not document.signatures:
        return "\n".join(out).rstrip() + "\n"
    out += [
        f"## {escape_markdown(document.signature_heading)}",
        "",
        escape_markdown(document.signature_intro),
        "",
    ]
    (_, *roles), *rows = signature_rows(cover.provider, cover.customer)
    out += ["| " + " | ".join(escape_markdown(role) for role in roles) + " |", "|---|---|"]
    for kind, *texts in rows:
        if kind == "line":
            continue  # a rule to sign on: nothing a text file can show
        cells = [escape_markdown(text) for text in texts]
        if kind == "name":
            cells = [f"**{cell}**" if cell else cell for cell in cells]
        elif kind == "caption":
            cells = [f"*{cell}*" for cell in cells]
        out.append("| " + " | ".join(cell or " " for cell in cells) + " |")
    return "\n".join(out).rstrip() + "\n"
