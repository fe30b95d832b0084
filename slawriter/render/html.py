"""A document tree as one self-contained HTML page: inline CSS, charts as base64 PNGs.

Every piece of text goes through ``html.escape``; nothing from an input file reaches the page
unescaped. No scripts, no external resources.
"""

from __future__ import annotations

import base64
from html import escape

from slawriter.render.document import Block, Document, Image, Inline, ListBlock, Paragraph, Table

_CSS = """
body { font-family: "Segoe UI", Arial, sans-serif; color: #222; max-width: 60rem;
       margin: 2rem auto; padding: 0 1rem; line-height: 1.45; }
h1 { color: #1f4e79; margin-bottom: 0; }
h2 { color: #1f4e79; border-bottom: 1px solid #ccd; padding-bottom: .2rem; margin-top: 2rem; }
.subtitle { font-size: 1.2rem; color: #555; margin-top: .2rem; }
table { border-collapse: collapse; margin: .6rem 0 1rem; font-size: .9rem; }
th, td { border: 1px solid #ccd; padding: .25rem .5rem; vertical-align: top; }
th { background: #1f4e79; color: #fff; text-align: left; }
td.right, th.right { text-align: right; }
tr:nth-child(even) td { background: #f4f6fa; }
figure { margin: 1rem 0; } figure img { max-width: 100%; }
figcaption { font-style: italic; color: #555; }
.meta td { border: none; padding: .1rem .8rem .1rem 0; background: none; }
"""


def _runs(runs: Inline) -> str:
    out = []
    for run in runs:
        text = escape(run.text).replace("\n", "<br>")
        if run.bold:
            text = f"<strong>{text}</strong>"
        if run.italic:
            text = f"<em>{text}</em>"
        out.append(text)
    return "".join(out)


def _table(table: Table) -> str:
    def align(column: int) -> str:
        value = table.align[column] if column < len(table.align) else None
        return ' class="right"' if value == "right" else ""

    head = "".join(f"<th{align(i)}>{_runs(c)}</th>" for i, c in enumerate(table.header))
    rows = "".join(
        "<tr>" + "".join(f"<td{align(i)}>{_runs(c)}</td>" for i, c in enumerate(row)) + "</tr>"
        for row in table.rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"


def _list(block: ListBlock) -> str:
    tag = "ol" if block.ordered else "ul"
    items = "".join(
        f"<li>{_runs(item.runs)}{_list(item.children) if item.children else ''}</li>"
        for item in block.items
    )
    return f"<{tag}>{items}</{tag}>"


def _block(block: Block) -> str:
    if isinstance(block, Paragraph):
        return f"<p>{_runs(block.runs)}</p>"
    if isinstance(block, ListBlock):
        return _list(block)
    if isinstance(block, Image):
        data = base64.b64encode(block.png).decode("ascii")
        caption = escape(block.caption)
        return (
            f'<figure><img src="data:image/png;base64,{data}" alt="{caption}" '
            f'style="width:{block.width_mm:g}mm"><figcaption>{caption}</figcaption></figure>'
        )
    return _table(block)


def render_html(document: Document) -> str:
    cover = document.cover
    meta = [
        ("Provider", cover.provider.legal_name),
        ("Customer", cover.customer.legal_name),
        ("Agreement", cover.reference),
        ("Version", cover.version),
    ]
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{escape(document.title or cover.title)}</title>",
        f"<style>{_CSS}</style></head><body>",
        f"<h1>{escape(cover.title)}</h1>",
        f'<p class="subtitle">{escape(cover.subtitle)}</p>',
        '<table class="meta">'
        + "".join(
            f"<tr><td><strong>{escape(k)}</strong></td><td>{escape(v)}</td></tr>" for k, v in meta
        )
        + "</table>",
    ]
    for section in document.sections:
        out.append(f"<h2>{escape(section.number)}. {escape(section.title)}</h2>")
        out.extend(_block(block) for block in section.blocks)
    out.append("</body></html>")
    return "\n".join(out) + "\n"
