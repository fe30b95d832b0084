"""The HTML writer: any document tree as one self-contained web page.

Inline CSS, pictures (charts, the provider's logo) as base64 data, no scripts and no external
resources, so the file can be mailed or archived on its own. Every piece of text goes
through ``html.escape`` (quotes too), so nothing from an input file reaches the page as
markup. Numbers are printed as the tree gives them ("3.2", "(a)"), like the Word and Markdown
writers, not left to the browser's list counters.
"""

from __future__ import annotations

import base64
from html import escape

from slawriter.render.document import (
    Block,
    Columns,
    Document,
    Image,
    Inline,
    ListBlock,
    Paragraph,
    Party,
    Table,
    signature_rows,
)
from slawriter.render.options import Options

_CSS = """
body { font-family: "Segoe UI", Arial, sans-serif; color: #222; max-width: 64rem;
       margin: 2rem auto; padding: 0 1rem; line-height: 1.45; }
h1 { color: #1f4e79; margin-bottom: 0; }
h2 { color: #1f4e79; border-bottom: 1px solid #ccd; padding-bottom: .2rem; margin-top: 2rem; }
.subtitle { font-size: 1.2rem; color: #555; margin-top: .2rem; }
.draft { border: 2px solid #c00000; color: #c00000; font-weight: bold; padding: .4rem .6rem; }
img.logo { max-width: 60mm; max-height: 22mm; }
table { border-collapse: collapse; margin: .6rem 0 1rem; font-size: .9rem; }
th, td { border: 1px solid #ccd; padding: .25rem .5rem; vertical-align: top; text-align: left; }
th { background: #1f4e79; color: #fff; }
.right { text-align: right; } .center { text-align: center; }
tr:nth-child(even) td { background: #f4f6fa; }
table.meta td { border: none; padding: .1rem .8rem .1rem 0; background: none; }
ol.labelled { list-style: none; padding-left: 1.5rem; }
.num { font-weight: bold; margin-right: .3rem; }
p.numbered { padding-left: 2.6rem; text-indent: -2.6rem; }
p.numbered .num { display: inline-block; min-width: 2.3rem; text-indent: 0; }
figure { margin: 1rem 0; } figure img { max-width: 100%; }
figcaption { font-style: italic; color: #555; }
mark { background: #fff2a8; }
body:has(.columns) { max-width: 90rem; }
.columns { display: grid; grid-auto-flow: column; grid-auto-columns: 1fr; gap: 1.5rem; }
.column { border-top: 3px solid #446; padding-top: .3rem; min-width: 0; }
.contents ol { list-style: none; padding-left: 0; }
"""


def write(document: Document, options: Options) -> bytes:
    return render_html(document).encode("utf-8")


def _runs(runs: Inline) -> str:
    out = []
    for run in runs:
        text = escape(run.text).replace("\n", "<br>")
        if run.bold:
            text = f"<strong>{text}</strong>"
        if run.italic:
            text = f"<em>{text}</em>"
        if run.marked:
            text = f"<mark>{text}</mark>"
        out.append(text)
    return "".join(out)


def _table(table: Table) -> str:
    def cell(tag: str, column: int, runs: Inline) -> str:
        value = table.align[column] if column < len(table.align) else None
        css = f' class="{value}"' if value in ("right", "center") else ""
        return f"<{tag}{css}>{_runs(runs)}</{tag}>"

    head = "".join(cell("th", i, c) for i, c in enumerate(table.header))
    rows = "".join(
        "<tr>" + "".join(cell("td", i, c) for i, c in enumerate(row)) + "</tr>"
        for row in table.rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"


def _list(block: ListBlock) -> str:
    items = []
    for item in block.items:
        label = f'<span class="num">{escape(item.label)}</span>' if block.ordered else ""
        children = _list(item.children) if item.children else ""
        items.append(f"<li>{label}{_runs(item.runs)}{children}</li>")
    if block.ordered:
        return f'<ol class="labelled">{"".join(items)}</ol>'
    return f"<ul>{''.join(items)}</ul>"


def _picture(data: bytes, css: str, alt: str, style: str = "") -> str:
    # JPEG is the only other format a logo may be (the Word writer refuses anything else).
    mime = "image/png" if data.startswith(b"\x89PNG") else "image/jpeg"
    encoded = base64.b64encode(data).decode("ascii")
    attributes = f' class="{css}"' if css else ""
    attributes += f' style="{style}"' if style else ""
    return f'<img{attributes} src="data:{mime};base64,{encoded}" alt="{escape(alt)}">'


def _block(block: Block) -> str:
    if isinstance(block, Paragraph):
        if block.number:
            number = f'<span class="num">{escape(block.number)}</span>'
            return f'<p class="numbered">{number}{_runs(block.runs)}</p>'
        return f"<p>{_runs(block.runs)}</p>"
    if isinstance(block, ListBlock):
        return _list(block)
    if isinstance(block, Image):
        picture = _picture(block.png, "", block.alt or block.caption, f"width:{block.width_mm:g}mm")
        caption = f"<figcaption>{escape(block.caption)}</figcaption>" if block.caption else ""
        return f"<figure>{picture}{caption}</figure>"
    if isinstance(block, Columns):
        columns = "".join(
            '<div class="column">' + "\n".join(_block(b) for b in column) + "</div>"
            for column in block.columns
        )
        return f'<div class="columns">{columns}</div>'
    return _table(block)


def _party(party: Party) -> str:
    parts = [f"<strong>{escape(party.legal_name)}</strong>"]
    if party.company_number:
        parts.append(f"{escape(party.number_label)} {escape(party.company_number)}")
    parts.append(escape(", ".join(party.address)))
    return ", ".join(parts)


def _signatures(document: Document) -> list[str]:
    (_, *roles), *rows = signature_rows(document.cover.provider, document.cover.customer)
    body = []
    for kind, *texts in rows:
        if kind == "line":
            continue  # a rule to sign on: nothing to sign on in a web page
        cells = [escape(text) for text in texts]
        if kind == "name":
            cells = [f"<strong>{cell}</strong>" if cell else cell for cell in cells]
        elif kind == "caption":
            cells = [f"<em>{cell}</em>" for cell in cells]
        body.append("<tr>" + "".join(f"<td>{cell}</td>" for cell in cells) + "</tr>")
    head = "".join(f'<th scope="col">{escape(role)}</th>' for role in roles)
    return [
        f'<section id="signatures"><h2>{escape(document.signature_heading)}</h2>',
        f"<p>{escape(document.signature_intro)}</p>",
        f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table></section>",
    ]


def render_html(document: Document) -> str:
    cover = document.cover
    meta: list[tuple[str, str]] = []
    if cover.parties:
        meta += [("Provider", _party(cover.provider)), ("Customer", _party(cover.customer))]
    meta += [(escape(label), escape(value)) for label, value in cover.rows()]
    out = [
        "<!DOCTYPE html>",
        f'<html lang="{escape(document.language)}"><head><meta charset="utf-8">',
        f"<title>{escape(document.title or cover.title)}</title>",
        f"<style>{_CSS}</style></head><body>",
    ]
    if cover.draft:
        out.append(f'<p class="draft">{escape(cover.draft_notice)}</p>')
    if cover.logo:
        owner = cover.provider.legal_name  # the same words as the Word document's alt text
        out.append(
            f"<p>{_picture(cover.logo, 'logo', f'Logo of {owner}' if owner else 'Logo')}</p>"
        )
    out += [
        f"<h1>{escape(cover.title)}</h1>",
        f'<p class="subtitle">{escape(cover.subtitle)}</p>',
        '<table class="meta">'
        + "".join(f"<tr><td><strong>{k}</strong></td><td>{v}</td></tr>" for k, v in meta)
        + "</table>",
    ]
    out += [_block(block) for block in document.preface]
    if document.contents:
        out.append('<nav class="contents"><h2>Contents</h2><ol>')
        out += [
            f'<li><a href="#clause-{escape(s.number)}">{escape(s.number)}. '
            f"{escape(s.title)}</a></li>"
            for s in document.sections
        ]
        out.append("</ol></nav>")
    for section in document.sections:
        out.append(
            f'<section id="clause-{escape(section.number)}">'
            f"<h2>{escape(section.number)}. {escape(section.title)}</h2>"
        )
        out.extend(_block(block) for block in section.blocks)
        out.append("</section>")
    if document.signatures:
        out += _signatures(document)
    out.append("</body></html>")
    return "\n".join(out) + "\n"
