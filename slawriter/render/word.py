"""The Word writer (.docx) for any document tree: the only module that imports docx and docxtpl.

Two steps over the firm's master template (templates/agreement.docx, built by
scripts/build_template.py):

1. docxtpl fills the cover page, header and footer placeholders, with Jinja autoescaping on so
   every value reaches Word as literal text.
2. python-docx appends the body: contents, numbered clauses, lists, tables and the signature
   block. Clause numbers come from the template's numbering definitions (so Word renumbers if
   a lawyer inserts a clause); we check they agree with the numbers in the Document.

The same Document always gives the same bytes: fixed zip entry times and order, and every
date comes from Document.stamp_date.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import io
import re
import traceback
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import jinja2
from docx.document import Document as WordDocument
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.image.exceptions import UnrecognizedImageError
from docx.image.image import Image
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.exceptions import PackageNotFoundError
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import OxmlElement
from docx.oxml.ns import NamespacePrefixedTag, qn
from docx.oxml.parser import oxml_parser
from docx.shared import Emu, Mm, Pt, Twips
from docx.styles.style import BaseStyle, ParagraphStyle
from docx.table import Table as WordTable
from docx.table import _Row
from docx.text.paragraph import Paragraph as WordParagraph
from docxtpl import DocxTemplate, InlineImage
from jinja2.exceptions import SecurityError

from slawriter.errors import InputError, SlawriterError, TemplateError
from slawriter.files.reading import NotReadable, check_zip
from slawriter.render.document import (
    Block,
    Document,
    Inline,
    ListBlock,
    Paragraph,
    Party,
    Run,
    Table,
    flatten,
    signature_rows,
)
from slawriter.render.document import Image as Picture
from slawriter.render.document import Section as Clause
from slawriter.render.options import Options
from slawriter.templating import make_sandbox

__all__ = ["TEMPLATE_VARIABLES", "render_docx", "write"]

# The names the template's placeholders may use; render_docx provides exactly these.
TEMPLATE_VARIABLES = frozenset(
    {
        "title",
        "subtitle",
        "provider",
        "customer",
        "reference",
        "effective_date",
        "version",
        "draft",
        "draft_label",
        "logo",
        "header_text",
        "footer_text",
    }
)

# Page sizes in twips (twentieths of a point); margins stay as the template sets them.
PAGE_SIZES = {"A4": (11906, 16838), "Letter": (12240, 15840)}

ORDERED_STYLES = ("Clause 3", "Clause 4", "Clause 5")  # (a), (i), (A)
BULLET_STYLES = ("Clause Bullet", "Clause Bullet 2", "Clause Bullet 3")
# Every style the body uses, by the name the template gives it.
STYLE_NAMES = (
    "Heading 1",
    "Clause 2",
    *ORDERED_STYLES,
    "Clause Text",
    *BULLET_STYLES,
    "TOC Heading",
    "toc 1",
    "Table Text",
    "Table Heading",
    "Signature Text",
    "Header",
    "Footer",
    "SLA Table",
    "Plain Table",
)

CLAUSE_INDENT = 720  # twips: where clause text starts, right of "1.1"; one list level deeper
BULLET_HANG = 360  # twips between a bullet and its text
LOGO_MAX_WIDTH = Mm(60)
LOGO_MAX_HEIGHT = Mm(22)
GAP_AFTER_TABLE = Pt(9)

ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can carry
CUSTOM_PROPERTY_FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"
CUSTOM_NS = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
VT_NS = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


def _names(text: str) -> list[str]:
    return text.split()


# Child order (ECMA-376) of the property elements we insert into.
SCHEMA_ORDER = {
    qn("w:pPr"): _names(
        "pStyle keepNext keepLines pageBreakBefore framePr widowControl numPr "
        "suppressLineNumbers pBdr shd tabs suppressAutoHyphens kinsoku wordWrap overflowPunct "
        "topLinePunct autoSpaceDE autoSpaceDN bidi adjustRightInd snapToGrid spacing ind "
        "contextualSpacing mirrorIndents suppressOverlap jc textDirection textAlignment "
        "textboxTightWrap outlineLvl divId cnfStyle rPr sectPr pPrChange"
    ),
    qn("w:tblPr"): _names(
        "tblStyle tblpPr tblOverlap bidiVisual tblStyleRowBandSize tblStyleColBandSize tblW jc "
        "tblCellSpacing tblInd tblBorders shd tblLayout tblCellMar tblLook tblCaption "
        "tblDescription tblPrChange"
    ),
}


def write(document: Document, options: Options) -> bytes:
    return render_docx(document, options.word_template())


def render_docx(
    document: Document, template: Path, pages: Mapping[str, int] | None = None
) -> bytes:
    """Render ``document`` over the Word ``template``; return the .docx file's bytes.

    ``pages``: the page each clause starts on, by clause number, from a layout pass
    (LibreOffice's, see pdf.py): stored as the contents' page numbers. Without it the contents
    has no numbers until the fields are updated, and the file asks Word to update them when
    it is opened.
    """
    word = _fill_template(document, template)
    owner = document.cover.provider.legal_name
    _describe_pictures(word, f"Logo of {owner}" if owner else "Logo")
    if not document.cover.parties:
        _remove_cover_parties(word)
    if document.cover.details:
        _set_cover_details(word, document.cover.details)
    styles = _Styles(word, template)
    text_width = _set_page_size(word, document.page_size, styles)
    body = _Body(word, styles, text_width)
    if document.preface:
        body.add_preface(document.preface)
    if document.contents:
        body.add_contents(document.sections, pages or {})
    for position, clause in enumerate(document.sections, start=1):
        body.add_clause(clause, position)
    if document.signatures:
        body.add_signature_heading(document.signature_heading, document.signature_intro)
        body.add_signatures(document.cover.provider, document.cover.customer)
    _set_language(word, document.language)
    _set_update_fields(word, document.contents and not pages)
    _set_core_properties(word, document)
    _set_custom_properties(word, document.custom_properties)
    buffer = io.BytesIO()
    word.save(buffer)
    return _normalise_zip(buffer.getvalue())


# --- step 1: the template ---------------------------------------------------------------


def _fill_template(document: Document, template: Path) -> WordDocument:
    try:
        check_zip(template)  # a zip bomb would fill memory while the parts are read
    except NotReadable as exc:
        raise TemplateError(f"Cannot open the Word template {template}: {exc}") from None
    try:
        tpl = DocxTemplate(template)
        tpl.init_docx()
    except (PackageNotFoundError, OSError, KeyError, zipfile.BadZipFile) as exc:
        raise TemplateError(f"Cannot open the Word template {template}: {exc}") from exc
    # The sandbox every template goes through: the master template comes from the library a
    # firm edits, so it is untrusted code. StrictUndefined: a placeholder we do not provide
    # fails loudly. autoescape: "Acme & Co" must not lose its "&". A fresh environment each
    # time, because docxtpl sets autoescape on the environment it is given.
    env = make_sandbox(autoescape=True)
    try:
        with env.metering(str(template)):
            tpl.render(_template_context(document, tpl), env, autoescape=True)
    except jinja2.TemplateError as exc:
        raise TemplateError(
            f"Cannot fill the Word template {template}{_template_place(tpl, exc)}: "
            + (f"refused by the sandbox: {exc}" if isinstance(exc, SecurityError) else str(exc))
        ) from exc
    except SlawriterError:
        raise
    except Exception as exc:  # {{ 1/0 }}, {% include %} (no loader), a macro that recurses...
        # The template is the library's, not slawriter's: its errors are the user's to fix,
        # named like a clause's (exit 2), not a bug (exit 70).
        reason = str(exc) or type(exc).__name__
        if isinstance(exc, RecursionError):
            reason = "a macro or loop calls itself without end"
        elif isinstance(exc, TypeError) and "no loader" in reason:
            reason = "{% include %}, {% import %} and {% extends %} are not available"
        raise TemplateError(
            f"Cannot fill the Word template {template}{_template_place(tpl, exc)}: "
            f"{type(exc).__name__}: {reason}"
        ) from None
    word: WordDocument = tpl.docx
    return word


def _template_place(tpl: DocxTemplate, error: BaseException) -> str:
    """Where in the template it failed: the part (cover, header, footer) and paragraph.

    docxtpl puts every paragraph of a part on its own line before rendering it, so the
    template line is the paragraph's number in that part."""
    part = getattr(tpl, "current_rendering_part", None)
    name = str(getattr(part, "partname", "")).lstrip("/")
    line = getattr(error, "lineno", None)
    for frame in traceback.extract_tb(error.__traceback__):
        if frame.filename == "<template>" and frame.lineno:
            line = frame.lineno
    where = [name] if name else []
    if line and line > 1:
        where.append(f"paragraph {line - 1}")
    return f" ({', '.join(where)})" if where else ""


COVER_PARTY_STYLES = frozenset({"Cover Party", "Cover Text"})


def _remove_cover_parties(word: WordDocument) -> None:
    """Drop the cover's "between ... and ..." block (its party and text lines), keeping the
    logo, the title, the subtitle and the detail lines."""
    for element in list(word.element.body.iterchildren(qn("w:p"))):
        style = WordParagraph(element, word._body).style
        if style is None or style.name not in COVER_PARTY_STYLES:
            continue
        if element.findall(".//" + qn("w:drawing")):
            continue  # the logo
        word.element.body.remove(element)


def _set_cover_details(word: WordDocument, rows: Sequence[tuple[str, str]]) -> None:
    """The cover's "Label: value" lines for a document that is not an agreement: the
    template's detail lines (style Cover Detail) rewritten, each keeping its paragraph and
    first run's formatting, the last one copied for more lines, spare ones removed."""
    found = [
        element
        for element in word.element.body.iterchildren(qn("w:p"))
        if (style := WordParagraph(element, word._body).style) is not None
        and style.name == "Cover Detail"
    ]
    if not found:
        return  # a firm's template without detail lines: nothing to label
    anchor = found[-1]
    for index, (label, value) in enumerate(rows):
        if index < len(found):
            paragraph = found[index]
        else:
            paragraph = copy.deepcopy(found[-1])
            anchor.addnext(paragraph)
            anchor = paragraph
        runs = paragraph.findall(qn("w:r"))
        properties = runs[0].find(qn("w:rPr")) if runs else None
        for run in paragraph.findall(qn("w:r")):
            paragraph.remove(run)
        run = OxmlElement("w:r")
        if properties is not None:
            run.append(copy.deepcopy(properties))
        run.append(_text_run(f"{label}: {value}").find(qn("w:t")))
        paragraph.append(run)
    for spare in found[len(rows) :]:
        spare.getparent().remove(spare)


def _template_context(document: Document, tpl: DocxTemplate) -> dict[str, Any]:
    cover = document.cover
    context: dict[str, Any] = {
        "title": cover.title,
        "subtitle": cover.subtitle,
        "provider": _party_context(cover.provider),
        "customer": _party_context(cover.customer),
        "reference": cover.reference,
        "effective_date": cover.effective_date,
        "version": cover.version,
        "draft": cover.draft,
        "draft_label": cover.draft_label,
        "logo": _logo(tpl, cover.logo) if cover.logo else None,
        "header_text": document.header_text,
        "footer_text": document.footer_text,
    }
    assert context.keys() == TEMPLATE_VARIABLES
    return context


def _party_context(party: Party) -> dict[str, str]:
    return {
        "role": party.role,
        "legal_name": party.legal_name,
        "address": "\n".join(party.address),  # docxtpl turns "\n" into a line break
        "company_number": party.company_number or "",
        "number_label": party.number_label[:1].upper() + party.number_label[1:],
    }


def _logo(tpl: DocxTemplate, logo: bytes) -> InlineImage:
    """The logo scaled to fit a box on the cover, keeping its proportions."""
    try:
        image = Image.from_blob(logo)
    except UnrecognizedImageError as exc:
        raise InputError("The provider's logo is not a PNG or JPEG image.") from exc
    scale = min(LOGO_MAX_WIDTH / image.width, LOGO_MAX_HEIGHT / image.height)
    width, height = Emu(int(image.width * scale)), Emu(int(image.height * scale))
    return InlineImage(tpl, io.BytesIO(logo), width=width, height=height)


class _Styles:
    """The template's styles and list numbering the body relies on, checked once."""

    def __init__(self, word: WordDocument, template: Path) -> None:
        self._by_name: dict[str, BaseStyle] = {
            style.name: style for style in word.styles if style.name is not None
        }
        missing = [name for name in STYLE_NAMES if name not in self._by_name]
        if missing:
            raise TemplateError(
                f"The Word template {template} lacks the styles {', '.join(missing)}: "
                "restore them or rebuild it with scripts/build_template.py."
            )
        numbering = word.part.numbering_part.element
        # Lettered lists get a fresh w:num on the abstract list behind "Clause 3".
        ordered_num_id, self.ordered_level = self._numbering(ORDERED_STYLES[0], template)
        try:
            num = numbering.num_having_numId(ordered_num_id)
        except KeyError as exc:
            raise TemplateError(
                f"The Word template {template} has no list numbering {ordered_num_id} "
                "(word/numbering.xml) for the style Clause 3."
            ) from exc
        self.ordered_abstract_id = int(num.abstractNumId.val)
        self.bullet_num_id, self.bullet_level = self._numbering(BULLET_STYLES[0], template)

    def paragraph(self, name: str) -> ParagraphStyle:
        style = self._by_name[name]
        assert isinstance(style, ParagraphStyle), name
        return style

    def table(self, name: str) -> BaseStyle:
        return self._by_name[name]

    def _numbering(self, name: str, template: Path) -> tuple[int, int]:
        num_pr = self.paragraph(name).element.find(f"{qn('w:pPr')}/{qn('w:numPr')}")
        num_id = None if num_pr is None else num_pr.find(qn("w:numId"))
        if num_pr is None or num_id is None:
            raise TemplateError(f"The style {name} in the Word template {template} is not a list.")
        ilvl = num_pr.find(qn("w:ilvl"))
        return int(num_id.get(qn("w:val"))), 0 if ilvl is None else int(ilvl.get(qn("w:val")))


# --- step 2: page setup and the body ----------------------------------------------------


def _set_page_size(word: WordDocument, page_size: str, styles: _Styles) -> int:
    """Apply ``page_size`` to every section; return the width between the margins (twips)."""
    width, height = PAGE_SIZES[page_size]
    text_width = width
    for section in word.sections:
        section.page_width = Twips(width)
        section.page_height = Twips(height)
        margins = (section.left_margin or 0) + (section.right_margin or 0)
        text_width = width - Emu(margins).twips
    # Right-aligned tab stops (page numbers, the contents' page column) sit on the margin.
    for name in ("Header", "Footer", "toc 1"):
        tab_stops = styles.paragraph(name).paragraph_format.tab_stops
        for index in reversed(range(len(tab_stops))):
            stop = tab_stops[index]
            if stop.alignment == WD_TAB_ALIGNMENT.RIGHT:
                leader = stop.leader
                del tab_stops[index]
                tab_stops.add_tab_stop(Twips(text_width), WD_TAB_ALIGNMENT.RIGHT, leader)
    return text_width


class _Body:
    """Appends the body to the filled template, keeping Word's numbering in step."""

    def __init__(self, word: WordDocument, styles: _Styles, text_width: int) -> None:
        self.word = word
        self.styles = styles
        self.text_width = text_width
        self.numbering = word.part.numbering_part.element
        self.bookmarks = 0
        self.after_table = False

    def _paragraph(self, style: str) -> WordParagraph:
        paragraph = _styled(self.word.add_paragraph(), self.styles.paragraph(style))
        if self.after_table:
            paragraph.paragraph_format.space_before = GAP_AFTER_TABLE
            self.after_table = False
        return paragraph

    # Contents ------------------------------------------------------------------------

    def add_contents(self, clauses: Sequence[Clause], pages: Mapping[str, int]) -> None:
        """One "toc 1" entry per clause: "N.", title, dot leader, PAGEREF to the heading.

        The entries are plain paragraphs, not the result of a TOC field: LibreOffice prints a
        TOC field's stored result as it is, but it computes every PAGEREF outside one, so the
        PDF gets real page numbers. Word shows each PAGEREF's stored result (``pages``, from
        LibreOffice's layout of the same file) until the fields are updated (F9, or printing).
        """
        _styled(self.word.add_paragraph("Contents"), self.styles.paragraph("TOC Heading"))
        for clause in clauses:
            paragraph = _styled(self.word.add_paragraph(), self.styles.paragraph("toc 1"))
            link = OxmlElement("w:hyperlink")
            link.set(qn("w:anchor"), _bookmark_name(clause))
            link.set(qn("w:history"), "1")
            link.append(_text_run(f"{clause.number}."))
            link.append(_tab_run())
            link.append(_text_run(clause.title))
            link.append(_tab_run())
            page = pages.get(clause.number)
            result = "" if page is None else str(page)
            link.extend(_field(f"PAGEREF {_bookmark_name(clause)} \\h", result))
            paragraph._p.append(link)

    # Clauses -------------------------------------------------------------------------

    def add_preface(self, blocks: Sequence[Block]) -> None:
        """Unnumbered blocks at the end of the cover page, before the contents."""
        for index, block in enumerate(flatten(blocks)):
            if isinstance(block, Paragraph):
                paragraph = self._paragraph("Clause Text")
                if index == 0:
                    paragraph.paragraph_format.space_before = Pt(24)  # apart from the details
                _add_runs(paragraph, block.runs)
            else:
                self._add_block(block)

    def add_clause(self, clause: Clause, position: int) -> None:
        if clause.number != str(position):
            raise ValueError(
                f"clause {clause.clause_id!r} is numbered {clause.number!r} but Word numbers "
                f"it {position}: clauses must be numbered 1, 2, 3, ... in order"
            )
        heading = self._paragraph("Heading 1")
        if position == 1:
            heading.paragraph_format.page_break_before = True
        self.bookmarks += 1
        heading._p.append(_bookmark("w:bookmarkStart", self.bookmarks, _bookmark_name(clause)))
        heading.add_run(clause.title)
        heading._p.append(_bookmark("w:bookmarkEnd", self.bookmarks))

        sub_clauses = 0
        blocks = list(flatten(clause.blocks))
        for position_in_clause, block in enumerate(blocks):
            if isinstance(block, Paragraph):
                if block.number is not None:
                    sub_clauses += 1
                    shown = f"{clause.number}.{sub_clauses}"
                    if block.number != shown:
                        raise ValueError(
                            f"clause {clause.clause_id!r}: a paragraph is numbered "
                            f"{block.number!r} but Word numbers it {shown}"
                        )
                paragraph = self._paragraph("Clause 2" if block.number else "Clause Text")
                _add_runs(paragraph, block.runs)
                following = blocks[position_in_clause + 1 : position_in_clause + 2]
                if following and not isinstance(following[0], Paragraph):
                    # A lead-in stays on the page of the list or table it introduces.
                    paragraph.paragraph_format.keep_with_next = True
            else:
                self._add_block(block)

    def _add_block(self, block: ListBlock | Picture | Table) -> None:
        if isinstance(block, ListBlock):
            self._add_list(block, block.level)
        elif isinstance(block, Picture):
            self._add_picture(block)
        else:
            self._add_table(block)

    def _add_list(self, block: ListBlock, depth: int) -> None:
        styles = ORDERED_STYLES if block.ordered else BULLET_STYLES
        style = styles[min(depth, len(styles) - 1)]
        if block.ordered:
            # A fresh w:num restarting this level: every lettered list starts at (a).
            level = self.styles.ordered_level + depth
            num = self.numbering.add_num(self.styles.ordered_abstract_id)
            num.add_lvlOverride(ilvl=level).add_startOverride(1)
            num_id = int(num.numId)
        else:
            level, num_id = self.styles.bullet_level + depth, self.styles.bullet_num_id
        beyond_styles = depth >= len(styles)
        for item in block.items:
            paragraph = self._paragraph(style)
            if block.ordered or beyond_styles:
                _set_numbering(paragraph, num_id, level)
            if beyond_styles:
                hang = CLAUSE_INDENT if block.ordered else BULLET_HANG
                paragraph.paragraph_format.left_indent = Twips(CLAUSE_INDENT * (depth + 1) + hang)
                paragraph.paragraph_format.first_line_indent = Twips(-hang)
            _add_runs(paragraph, item.runs)
            if item.children is not None:
                paragraph.paragraph_format.keep_with_next = True
                self._add_list(item.children, depth + 1)

    def _add_table(self, block: Table) -> None:
        body = self.word.element.body
        if len(body) > 1 and body[-2].tag == qn("w:tbl"):  # body[-1] is the w:sectPr
            # Two adjacent tables would merge into one in Word.
            self._paragraph("Clause Text").paragraph_format.space_after = Pt(0)
        rows: list[tuple[Inline, ...]] = [block.header, *block.rows]
        columns = max(len(row) for row in rows)
        widths = _column_widths(rows, columns, self.text_width - CLAUSE_INDENT)
        table = self.word.add_table(rows=len(rows), cols=columns)
        table.style = self.styles.table("SLA Table")
        _set_table_geometry(table, widths, indent=CLAUSE_INDENT)
        for row_index, (row, word_row) in enumerate(zip(rows, table.rows, strict=True)):
            header = row_index == 0
            _set_row_flags(word_row, header=header)
            for column, cell in enumerate(word_row.cells):
                paragraph = cell.paragraphs[0]
                _styled(
                    paragraph, self.styles.paragraph("Table Heading" if header else "Table Text")
                )
                align = block.align[column] if column < len(block.align) else None
                if align == "center":
                    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
                elif align == "right":
                    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
                if column < len(row):
                    _add_runs(paragraph, row[column])
        self.after_table = True

    def _add_picture(self, block: Picture) -> None:
        """The picture in a paragraph of its own, kept with its italic caption below."""
        paragraph = self._paragraph("Clause Text")
        paragraph.paragraph_format.keep_with_next = bool(block.caption)
        shape = paragraph.add_run().add_picture(io.BytesIO(block.png), width=Mm(block.width_mm))
        # The text a screen reader speaks for the picture (Word's "Alt Text").
        shape._inline.docPr.set("descr", block.alt or block.caption or "Chart")
        if block.caption:
            caption = self._paragraph("Clause Text")
            caption.add_run(block.caption).italic = True

    # Signature block -----------------------------------------------------------------

    def add_signature_heading(self, heading: str, intro: str) -> None:
        """The same heading and sentence as the Markdown, in the unnumbered heading style of
        "Contents" (Heading 1 is numbered and kept for clauses), kept with the block."""
        title = self._paragraph("TOC Heading")
        title.add_run(heading)
        title.paragraph_format.keep_with_next = True
        title.paragraph_format.page_break_before = False
        sentence = self._paragraph("Clause Text")
        sentence.add_run(intro)
        sentence.paragraph_format.keep_with_next = True

    def add_signatures(self, provider: Party, customer: Party) -> None:
        """Provider | Customer, one row per line so the two columns stay level.

        Rows may not break and every paragraph keeps with the next, so the block moves to
        the next page whole rather than splitting.
        """
        # Also keeps the block apart from a table ending the last clause (they would merge).
        spacer = self._paragraph("Signature Text")
        spacer.paragraph_format.space_before = Pt(12)
        lines = signature_rows(provider, customer)
        table = self.word.add_table(rows=len(lines), cols=2)
        table.style = self.styles.table("Plain Table")
        half = self.text_width // 2
        _set_table_geometry(table, [half, self.text_width - half], indent=0)
        style = self.styles.paragraph("Signature Text")
        for (kind, *texts), row in zip(lines, table.rows, strict=True):
            # The roles head the columns, for a screen reader as for the eye.
            _set_row_flags(row, header=kind == "role")
            for text, cell in zip(texts, row.cells, strict=True):
                paragraph = cell.paragraphs[0]
                _styled(paragraph, style)
                if text:
                    run = paragraph.add_run(text)
                    run.bold = True if kind in ("name", "role") else None
                    run.italic = True if kind == "caption" else None
                if kind in ("line", "by", "date"):
                    paragraph.paragraph_format.space_before = Pt(14 if kind == "date" else 30)
                    paragraph.paragraph_format.right_indent = Twips(567)
                    _bottom_border(paragraph)


# --- XML helpers ------------------------------------------------------------------------


def _set_language(word: WordDocument, language: str) -> None:
    """The proofing language of all text, so Word's spell-checker agrees with the spelling
    the document was written in (en-US: 'authorized'), and the file's language property."""
    styles = word.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = OxmlElement("w:docDefaults")
        styles.insert(0, defaults)
    run_defaults = defaults.find(qn("w:rPrDefault"))
    if run_defaults is None:
        run_defaults = OxmlElement("w:rPrDefault")
        defaults.insert(0, run_defaults)
    properties = run_defaults.find(qn("w:rPr"))
    if properties is None:
        properties = OxmlElement("w:rPr")
        run_defaults.append(properties)
    lang = properties.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        properties.append(lang)  # last child of rPr, where the schema puts w:lang's peers
    lang.set(qn("w:val"), language)
    # Styles that name their own language would override the default: make them agree.
    for element in styles.iter(qn("w:lang")):
        if element.get(qn("w:val")):
            element.set(qn("w:val"), language)
    theme_lang = word.settings.element.find(qn("w:themeFontLang"))
    if theme_lang is not None:
        theme_lang.set(qn("w:val"), language)
    word.core_properties.language = language


def _describe_pictures(word: WordDocument, text: str) -> None:
    """Alt text for the template's pictures (the logo) that have none."""
    for doc_pr in word.element.body.iter(qn("wp:docPr")):
        if not doc_pr.get("descr"):
            doc_pr.set("descr", text)


# Where w:updateFields goes among the settings (ECMA-376 CT_Settings): before these.
_AFTER_UPDATE_FIELDS = _names(
    "hdrShapeDefaults footnotePr endnotePr compat docVars rsids mathPr attachedSchema "
    "themeFontLang clrSchemeMapping doNotIncludeSubdocsInStats doNotAutoCompressPictures "
    "forceUpgrade captions readModeInkLockDown smartTagType schemaLibrary shapeDefaults "
    "doNotEmbedSmartTags decimalSymbol listSeparator"
)


def _set_update_fields(word: WordDocument, update: bool) -> None:
    """Ask Word to update the fields when the file is opened: the only way its contents shows
    page numbers when none could be stored (no layout pass). Word asks the reader first."""
    settings = word.settings.element
    for found in settings.findall(qn("w:updateFields")):
        settings.remove(found)
    if update:
        element = OxmlElement("w:updateFields")
        element.set(qn("w:val"), "true")
        settings.insert_element_before(element, *(f"w:{tag}" for tag in _AFTER_UPDATE_FIELDS))


def _bookmark_name(clause: Clause) -> str:
    # Word's own heading bookmarks start with "_Toc" (hidden); names must be <= 40 chars.
    return f"_TocClause{clause.number}"


def _bookmark(tag: str, bookmark_id: int, name: str | None = None) -> Any:
    element = OxmlElement(tag)
    element.set(qn("w:id"), str(bookmark_id))
    if name is not None:
        element.set(qn("w:name"), name)
    return element


def _text_run(text: str) -> Any:
    run = OxmlElement("w:r")
    t = OxmlElement("w:t")
    t.set(XML_SPACE, "preserve")
    t.text = text
    run.append(t)
    return run


def _tab_run() -> Any:
    run = OxmlElement("w:r")
    run.append(OxmlElement("w:tab"))
    return run


def _field(instruction: str, result: str = "") -> list[Any]:
    """A complex field with ``result`` stored as what it shows until it is updated."""
    runs = []
    for kind in ("begin", "instr", "separate", "result", "end"):
        if kind == "result":
            if result:
                runs.append(_text_run(result))
            continue
        run = OxmlElement("w:r")
        if kind == "instr":
            element = OxmlElement("w:instrText")
            element.set(XML_SPACE, "preserve")
            element.text = f" {instruction} "
        else:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        run.append(element)
        runs.append(run)
    return runs


@functools.cache
def _clark(tag: str) -> tuple[str, dict[str, str]]:
    prefixed = NamespacePrefixedTag(tag)
    return prefixed.clark_name, prefixed.nsmap


def _new(tag: str) -> Any:
    """``OxmlElement(tag)`` without parsing the tag each time (thousands per document)."""
    clark, nsmap = _clark(tag)
    return oxml_parser.makeelement(clark, nsmap=nsmap)


def _add_runs(paragraph: WordParagraph, runs: Iterable[Run]) -> None:
    """Literal text (lxml escapes it), tabs and newlines as Word's own elements.

    The elements are the ones ``paragraph.add_run(text)`` and its ``bold``, ``italic`` and
    ``font.highlight_color`` setters make, in the same order, built directly: python-docx
    looks up every later sibling's tag on each insertion, a third of the body's time.
    """
    p = paragraph._p
    for run in runs:
        r = _new("w:r")
        if run.bold or run.italic or run.marked:
            r_pr = _new("w:rPr")  # in schema order: b, i, highlight
            if run.bold:
                r_pr.append(_new("w:b"))
            if run.italic:
                r_pr.append(_new("w:i"))
            if run.marked:
                highlight = _new("w:highlight")
                highlight.set(_W_VAL, "yellow")
                r_pr.append(highlight)
            r.append(r_pr)
        if run.text:
            _append_text(r, run.text)
        p.append(r)


_W_VAL = qn("w:val")
_XML_SPACE = qn("xml:space")
_BREAKS = re.compile(r"(\t|\r|\n)")


def _append_text(r: Any, text: str) -> None:
    """As python-docx's run.text setter: a w:tab per tab, a w:br per line break, a w:t for
    the text between (space-preserving when it starts or ends with white space)."""
    for piece in _BREAKS.split(text):
        if piece == "\t":
            r.append(_new("w:tab"))
        elif piece in ("\r", "\n"):
            r.append(_new("w:br"))
        elif piece:
            t = _new("w:t")
            t.text = piece
            if len(piece.strip()) < len(piece):
                t.set(_XML_SPACE, "preserve")
            r.append(t)


def _set_numbering(paragraph: WordParagraph, num_id: int, level: int) -> None:
    num_pr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
    num_pr.get_or_add_ilvl().val = level
    num_pr.get_or_add_numId().val = num_id


def _bottom_border(paragraph: WordParagraph) -> None:
    """A rule under the paragraph: the line to sign or date on."""
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for name, value in (("val", "single"), ("sz", "6"), ("space", "1"), ("color", "404040")):
        bottom.set(qn(f"w:{name}"), value)
    borders.append(bottom)
    _insert_in_order(paragraph._p.get_or_add_pPr(), borders)


def _set_row_flags(row: _Row, *, header: bool) -> None:
    trpr = row._tr.get_or_add_trPr()
    trpr.append(OxmlElement("w:cantSplit"))
    if header:
        trpr.append(OxmlElement("w:tblHeader"))  # repeated at the top of each page


def _set_table_geometry(table: WordTable, widths: list[int], *, indent: int) -> None:
    """Fixed layout with our widths, so Word and LibreOffice lay the table out alike."""
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    table.autofit = False
    tbl_pr = table._tbl.tblPr
    tbl_w = tbl_pr.find(qn("w:tblW"))
    if tbl_w is None:
        tbl_w = OxmlElement("w:tblW")
        _insert_in_order(tbl_pr, tbl_w)
    tbl_w.set(qn("w:w"), str(sum(widths)))
    tbl_w.set(qn("w:type"), "dxa")
    if indent:
        tbl_ind = OxmlElement("w:tblInd")
        tbl_ind.set(qn("w:w"), str(indent))
        tbl_ind.set(qn("w:type"), "dxa")
        _insert_in_order(tbl_pr, tbl_ind)
    for grid_col, width in zip(table._tbl.tblGrid.gridCol_lst, widths, strict=True):
        grid_col.w = Twips(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = Twips(width)


def _styled(paragraph: WordParagraph, style: ParagraphStyle) -> WordParagraph:
    """Apply a paragraph style by its id. (python-docx's ``paragraph.style = ...`` looks the
    style up among all styles on every call, which made the body several times slower.)"""
    p = paragraph._p
    if p.pPr is None:  # a new paragraph (the usual case): pPr comes first, style first in it
        p_pr = _new("w:pPr")
        p_style = _new("w:pStyle")
        p_style.set(_W_VAL, style.style_id)
        p_pr.append(p_style)
        p.insert(0, p_pr)
    else:
        p.pPr.style = style.style_id
    return paragraph


def _insert_in_order(parent: Any, child: Any) -> None:
    """Insert ``child`` where the schema puts it among ``parent``'s children: Word rejects
    properties out of order (LibreOffice does not mind)."""
    sequence = SCHEMA_ORDER[parent.tag]
    name = child.tag.rsplit("}", 1)[-1]
    later = sequence[sequence.index(name) + 1 :]
    parent.insert_element_before(child, *(f"w:{tag}" for tag in later))


def _column_widths(rows: Sequence[Sequence[Inline]], columns: int, available: int) -> list[int]:
    """Column widths (twips) that fill ``available`` and keep the table short.

    Every column starts wide enough for its longest word; the rest of the width goes, a step
    at a time, where it saves the most wrapped lines; what no column needs is shared out in
    proportion to each column's longest text.
    """
    texts = [
        ["".join(run.text for run in cell) for cell in row] + [""] * (columns - len(row))
        for row in rows
    ]
    # Twips per character at 9.5 pt, on the wide side (Noto Serif stands in for Cambria);
    # the header is bold.
    char = [118 if index == 0 else 105 for index in range(len(rows))]
    padding = 2 * 108 + 40

    def lines(text: str, width: int, char_width: int) -> int:
        return _wrapped_lines(text, max(1, (width - padding) // char_width))

    # Line counts of one column at one width, per row: the search below tries the same
    # widths again and again, so each is worked out once.
    cache: dict[tuple[int, int], tuple[int, ...]] = {}

    def column_lines(column: int, width: int) -> tuple[int, ...]:
        found = cache.get((column, width))
        if found is None:
            found = tuple(lines(row[column], width, char[r]) for r, row in enumerate(texts))
            cache[(column, width)] = found
        return found

    def height(widths: list[int]) -> int:
        columns_lines = [column_lines(c, w) for c, w in enumerate(widths)]
        return sum(map(max, zip(*columns_lines, strict=True))) if texts else 0

    longest_word = [
        max([1, *(len(w) for row in texts for w in row[c].split())]) for c in range(columns)
    ]
    longest_text = [max([1, *(len(row[c]) for row in texts)]) for c in range(columns)]
    # A header word wrapped mid-word reads as two ("Amoun / t"): no column is narrowed below
    # its longest header word while another column has width to spare.
    floor = [
        max([500, *(_bold_twips(w) + padding for w in texts[0][c].split())] if texts else [500])
        for c in range(columns)
    ]
    widths = [max(floor[c], n * char[0] + padding) for c, n in enumerate(longest_word)]
    if sum(widths) >= available:
        # Too wide even at one word a line: narrow the widest columns first, so that columns
        # of short words ("Median", "Open") keep their words whole; the header's words go
        # last.
        while sum(widths) > available:
            over = [c for c in range(columns) if widths[c] > floor[c]]
            widest = max(over or range(columns), key=lambda c: (widths[c], -c))
            room = widths[widest] - floor[widest] if over else 60
            widths[widest] -= min(60, sum(widths) - available, room)
    else:
        step = 180  # twips (about 3 mm): finer steps cost time and change little
        current = height(widths)
        while available - sum(widths) >= step:
            best: tuple[float, int, int] | None = None  # (lines saved per twip, column, width)
            for column in range(columns):
                for extra in range(step, available - sum(widths) + 1, step):
                    trial = [*widths]
                    trial[column] += extra
                    saved = current - height(trial)
                    if saved > 0:
                        if best is None or saved / extra > best[0]:
                            best = (saved / extra, column, trial[column])
                        break
            if best is None:
                break
            widths[best[1]] = best[2]
            current = height(widths)
        spare = available - sum(widths)
        widths = [
            w + spare * n // sum(longest_text) for w, n in zip(widths, longest_text, strict=True)
        ]
    widths[-1] += available - sum(widths)  # rounding
    return widths


_NARROW = frozenset("fijlrtI.,:;'()|! ")


def _bold_twips(word: str) -> int:
    """A bold word's width at 9.5 pt (twips), on the wide side: Noto Serif Bold, which
    stands in for Cambria, measures i, l, t about 0.38 em, m and w 0.98, capitals 0.74 and
    the other letters and digits about 0.62; plus 4 %."""
    ems = sum(
        0.38 if c in _NARROW else 0.98 if c in "mwMW" else 0.74 if c.isupper() else 0.62
        for c in word
    )
    return int(ems * 1.04 * 190 + 0.999)  # 190 twips to the em at 9.5 pt


def _wrapped_lines(text: str, capacity: int) -> int:
    """How many lines ``text`` takes when wrapped at ``capacity`` characters."""
    count, used = 1, 0
    for word in text.split():
        if used and used + 1 + len(word) <= capacity:
            used += 1 + len(word)
            continue
        if used:
            count += 1
        count += (len(word) - 1) // capacity
        used = len(word) % capacity or capacity
    return count


# --- properties and packaging -----------------------------------------------------------


def _set_core_properties(word: WordDocument, document: Document) -> None:
    try:
        day = dt.date.fromisoformat(document.stamp_date)
    except ValueError as exc:
        raise InputError(f"The stamp date {document.stamp_date!r} is not an ISO date.") from exc
    stamp = dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)
    props = word.core_properties
    props.title = document.title
    props.subject = document.subject
    props.author = document.author
    props.keywords = document.keywords
    props.last_modified_by = document.author
    props.comments = ""
    props.created = stamp
    props.modified = stamp
    props.revision = 1


def _set_custom_properties(word: WordDocument, properties: Sequence[tuple[str, str]]) -> None:
    """docProps/custom.xml: one string (lpwstr) property per pair, in the given order."""
    package = word.part.package
    existing = [rel for rel in package.rels.values() if rel.reltype == RT.CUSTOM_PROPERTIES]
    if not properties and not existing:
        return
    root = ET.Element("Properties", {"xmlns": CUSTOM_NS, "xmlns:vt": VT_NS})
    for pid, (name, value) in enumerate(properties, start=2):  # pids 0 and 1 are reserved
        prop = ET.SubElement(
            root, "property", {"fmtid": CUSTOM_PROPERTY_FMTID, "pid": str(pid), "name": name}
        )
        ET.SubElement(prop, "vt:lpwstr").text = value
    declaration = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    blob = declaration + ET.tostring(root, encoding="utf-8", xml_declaration=False)
    if existing:  # a template that already has custom properties: ours replace them
        existing[0].target_part._blob = blob
        return
    part = Part(PackURI("/docProps/custom.xml"), CT.OFC_CUSTOM_PROPERTIES, blob, package)
    package.relate_to(part, RT.CUSTOM_PROPERTIES)


def _normalise_zip(data: bytes) -> bytes:
    """Rewrite the package with fixed entry times, order and compression."""
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        entries = {name: source.read(name) for name in source.namelist()}
    first = [name for name in ("[Content_Types].xml", "_rels/.rels") if name in entries]
    order = first + sorted(name for name in entries if name not in first)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for name in order:
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = 0o644 << 16
            target.writestr(info, entries[name], compresslevel=6)
    return buffer.getvalue()


# --- the redline: differences between two documents as Word tracked changes ----------------


def render_redline_docx(
    old: Document, new: Document, template: Path, author: str, when: dt.datetime
) -> tuple[bytes, int, int]:
    """The new document, with what differs from the old one as tracked changes.

    Both documents are rendered as usual; then the new one's body is compared with the old
    one's, block by block (paragraphs, tables, table rows, cells) and word by word inside
    paragraphs that changed. Removed words become ``w:del`` runs (with ``w:delText``), new
    ones ``w:ins`` runs, each with ``author`` and ``when``, so Word and LibreOffice show them
    and can accept or reject them. Returns the bytes and the number of insertions and
    deletions.
    """
    from docx import Document as open_document

    old_word = open_document(io.BytesIO(render_docx(old, template)))
    new_word = open_document(io.BytesIO(render_docx(new, template)))
    numbering = new_word.part.numbering_part.element
    known_nums = {str(num.numId) for num in numbering.num_lst}
    redline = _Redline(author, when, known_nums)
    redline.container(old_word.element.body, new_word.element.body)
    buffer = io.BytesIO()
    new_word.save(buffer)
    return _normalise_zip(buffer.getvalue()), redline.insertions, redline.deletions


_W_P, _W_TBL, _W_TR, _W_TC, _W_R = (qn(f"w:{t}") for t in ("p", "tbl", "tr", "tc", "r"))
_SIMPLE_RUN_PARTS = {qn("w:rPr"), qn("w:t"), qn("w:tab"), qn("w:br")}
_SIMPLE_PARAGRAPH_PARTS = {qn("w:pPr"), _W_R, qn("w:bookmarkStart"), qn("w:bookmarkEnd")}


def _text_of(element: Any) -> str:
    parts = []
    for node in element.iter(qn("w:t"), qn("w:tab"), qn("w:br"), qn("w:instrText")):
        parts.append(node.text or "" if node.tag != qn("w:tab") else "\t")
    return "".join(parts)


def _block_key(element: Any) -> str:
    if element.tag == _W_P:
        style = element.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
        name = style.get(qn("w:val")) if style is not None else ""
        return f"p|{name}|{_text_of(element)}"
    return f"tbl|{_text_of(element)}"


def _similar(old: str, new: str) -> bool:
    from difflib import SequenceMatcher

    return SequenceMatcher(None, old, new, autojunk=False).ratio() >= 0.5


class _Redline:
    def __init__(self, author: str, when: dt.datetime, known_nums: set[str]) -> None:
        self.author = author
        moment = when.astimezone(dt.UTC) if when.tzinfo else when
        self.date = moment.strftime("%Y-%m-%dT%H:%M:%SZ")
        self.known_nums = known_nums
        self.next_id = 100000  # apart from the bookmark ids the renderer uses
        self.insertions = 0
        self.deletions = 0

    def _change(self, tag: str) -> Any:
        element = OxmlElement(tag)
        element.set(qn("w:id"), str(self.next_id))
        element.set(qn("w:author"), self.author)
        element.set(qn("w:date"), self.date)
        self.next_id += 1
        return element

    # -- block level ---------------------------------------------------------------------
    def container(self, old_parent: Any, new_parent: Any) -> None:
        """Redline the paragraphs and tables of ``new_parent`` (body or table cell)."""
        from difflib import SequenceMatcher

        old_blocks = [c for c in old_parent if c.tag in (_W_P, _W_TBL)]
        new_blocks = [c for c in new_parent if c.tag in (_W_P, _W_TBL)]
        matcher = SequenceMatcher(
            None,
            [_block_key(b) for b in old_blocks],
            [_block_key(b) for b in new_blocks],
            autojunk=False,
        )
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                continue
            olds, news = old_blocks[i1:i2], new_blocks[j1:j2]
            if tag == "replace" and len(olds) == len(news):
                for old, new in zip(olds, news, strict=True):
                    if not self._pair(old, new):
                        self._insert_deleted(self._deleted_copy(old), new_parent, new)
                        self._mark_inserted(new)
                continue
            anchor = news[0] if news else (new_blocks[j1] if j1 < len(new_blocks) else None)
            for old in olds:
                self._insert_deleted(self._deleted_copy(old), new_parent, anchor)
            for new in news:
                self._mark_inserted(new)

    def _insert_deleted(self, copy: Any, parent: Any, anchor: Any) -> None:
        if anchor is not None:
            anchor.addprevious(copy)
            return
        last = parent[-1] if len(parent) else None
        if last is not None and last.tag == qn("w:sectPr"):
            last.addprevious(copy)
        else:
            parent.append(copy)

    def _pair(self, old: Any, new: Any) -> bool:
        """Redline ``new`` against ``old`` in place; False when they are too different."""
        if old.tag == _W_P and new.tag == _W_P:
            simple = all(child.tag in _SIMPLE_PARAGRAPH_PARTS for child in (*old, *new)) and all(
                part.tag in _SIMPLE_RUN_PARTS
                for run in (*old, *new)
                if run.tag == _W_R
                for part in run
            )
            if not simple or not _similar(_text_of(old), _text_of(new)):
                return False
            self._words(old, new)
            return True
        if old.tag == _W_TBL and new.tag == _W_TBL:
            grid = qn("w:gridCol")
            if len(old.findall(f"{qn('w:tblGrid')}/{grid}")) != len(
                new.findall(f"{qn('w:tblGrid')}/{grid}")
            ):
                return False
            self._rows(old, new)
            return True
        return False

    def _rows(self, old_table: Any, new_table: Any) -> None:
        from difflib import SequenceMatcher

        old_rows = old_table.findall(_W_TR)
        new_rows = new_table.findall(_W_TR)
        matcher = SequenceMatcher(
            None, [_text_of(r) for r in old_rows], [_text_of(r) for r in new_rows], autojunk=False
        )
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                continue
            olds, news = old_rows[i1:i2], new_rows[j1:j2]
            if tag == "replace" and len(olds) == len(news):
                for old, new in zip(olds, news, strict=True):
                    old_cells, new_cells = old.findall(_W_TC), new.findall(_W_TC)
                    if len(old_cells) == len(new_cells):
                        for old_cell, new_cell in zip(old_cells, new_cells, strict=True):
                            self.container(old_cell, new_cell)
                    else:
                        new.addprevious(self._deleted_copy(old))
                        self._mark_inserted(new)
                continue
            anchor = news[0] if news else (new_rows[j1] if j1 < len(new_rows) else None)
            for old in olds:
                copy = self._deleted_copy(old)
                if anchor is not None:
                    anchor.addprevious(copy)
                else:
                    new_table.append(copy)
            for new in news:
                self._mark_inserted(new)

    # -- marking whole blocks ------------------------------------------------------------
    def _mark_paragraph(self, paragraph: Any, tag: str) -> None:
        p_pr = paragraph.find(qn("w:pPr"))
        if p_pr is None:
            p_pr = OxmlElement("w:pPr")
            paragraph.insert(0, p_pr)
        r_pr = p_pr.find(qn("w:rPr"))
        if r_pr is None:
            r_pr = OxmlElement("w:rPr")
            _insert_in_order(p_pr, r_pr)
        r_pr.insert(0, self._change(tag))  # the paragraph mark itself

    def _mark_row(self, row: Any, tag: str) -> None:
        tr_pr = row.find(qn("w:trPr"))
        if tr_pr is None:
            tr_pr = OxmlElement("w:trPr")
            ex = row.find(qn("w:tblPrEx"))
            row.insert(1 if ex is not None else 0, tr_pr)
        tr_pr.append(self._change(tag))

    def _mark_inserted(self, block: Any) -> None:
        for run in list(block.iter(_W_R)):
            wrapper = self._change("w:ins")
            run.addprevious(wrapper)
            wrapper.append(run)
        paragraphs = [block] if block.tag == _W_P else list(block.iter(_W_P))
        for paragraph in paragraphs:
            self._mark_paragraph(paragraph, "w:ins")
        rows = [block] if block.tag == _W_TR else list(block.iter(_W_TR))
        for row in rows:
            self._mark_row(row, "w:ins")
        self.insertions += 1

    def _deleted_copy(self, block: Any) -> Any:
        import copy

        clone = copy.deepcopy(block)
        drop = (qn("w:bookmarkStart"), qn("w:bookmarkEnd"), qn("w:sectPr"), qn("w:drawing"))
        for element in list(clone.iter(*drop)):
            element.getparent().remove(element)
        for num_pr in list(clone.iter(qn("w:numPr"))):
            num_id = num_pr.find(qn("w:numId"))
            if num_id is None or num_id.get(qn("w:val")) not in self.known_nums:
                num_pr.getparent().remove(num_pr)
        for run in list(clone.iter(_W_R)):
            self._to_deleted(run)
            wrapper = self._change("w:del")
            run.addprevious(wrapper)
            wrapper.append(run)
        paragraphs = [clone] if clone.tag == _W_P else list(clone.iter(_W_P))
        for paragraph in paragraphs:
            self._mark_paragraph(paragraph, "w:del")
        rows = [clone] if clone.tag == _W_TR else list(clone.iter(_W_TR))
        for row in rows:
            self._mark_row(row, "w:del")
        self.deletions += 1
        return clone

    @staticmethod
    def _to_deleted(run: Any) -> None:
        for text in run.findall(qn("w:t")):
            text.tag = qn("w:delText")
        for instruction in run.findall(qn("w:instrText")):
            instruction.tag = qn("w:delInstrText")

    # -- word level ----------------------------------------------------------------------
    def _words(self, old: Any, new: Any) -> None:
        import copy
        import re
        from difflib import SequenceMatcher

        def tokens(paragraph: Any) -> list[tuple[str, Any]]:
            out: list[tuple[str, Any]] = []
            for run in paragraph.findall(_W_R):
                r_pr = run.find(qn("w:rPr"))
                for part in run:
                    if part.tag == qn("w:t"):
                        out += [
                            (w, r_pr)
                            for w in re.findall(r"\s+|\d+(?:[.,]\d+)*|\w+|[^\w\s]", part.text or "")
                        ]
                    elif part.tag == qn("w:tab"):
                        out.append(("\t", r_pr))
                    elif part.tag == qn("w:br"):
                        out.append(("\n", r_pr))
            return out

        before, after = tokens(old), tokens(new)
        runs = new.findall(_W_R)
        if runs:
            position = list(new).index(runs[0])
        else:
            end = new.find(qn("w:bookmarkEnd"))
            position = list(new).index(end) if end is not None else len(new)
        for run in runs:
            new.remove(run)
        pieces: list[Any] = []

        def emit(items: list[tuple[str, Any]], kind: str) -> None:
            groups: list[tuple[Any, list[str]]] = []
            for text, r_pr in items:
                key = r_pr
                if groups and _same_properties(groups[-1][0], key):
                    groups[-1][1].append(text)
                else:
                    groups.append((key, [text]))
            made = []
            for r_pr, texts in groups:
                run = OxmlElement("w:r")
                if r_pr is not None:
                    run.append(copy.deepcopy(r_pr))
                buffer = ""
                for piece in [*texts, None]:
                    if piece is None or piece in ("\t", "\n"):
                        if buffer:
                            node = OxmlElement("w:delText" if kind == "del" else "w:t")
                            node.set(XML_SPACE, "preserve")
                            node.text = buffer
                            run.append(node)
                            buffer = ""
                        if piece == "\t":
                            run.append(OxmlElement("w:tab"))
                        elif piece == "\n":
                            run.append(OxmlElement("w:br"))
                    else:
                        buffer += piece
                made.append(run)
            if kind == "equal":
                pieces.extend(made)
                return
            wrapper = self._change(f"w:{kind}")
            for run in made:
                wrapper.append(run)
            pieces.append(wrapper)
            if kind == "ins":
                self.insertions += 1
            else:
                self.deletions += 1

        matcher = SequenceMatcher(
            None, [t for t, _ in before], [t for t, _ in after], autojunk=False
        )
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                emit(after[j1:j2], "equal")
            if tag in ("delete", "replace"):
                emit(before[i1:i2], "del")
            if tag in ("insert", "replace"):
                emit(after[j1:j2], "ins")
        for offset, piece in enumerate(pieces):
            new.insert(position + offset, piece)


def _same_properties(first: Any, second: Any) -> bool:
    if first is None or second is None:
        return first is second
    return bool(ET.tostring(first) == ET.tostring(second))


def template_placeholders(template: Path) -> set[str]:
    """The names the Word template's placeholders use (for the library linter)."""
    try:
        check_zip(template)  # a zip bomb would fill memory while the parts are read
    except NotReadable as exc:
        raise TemplateError(f"Cannot open the Word template {template}: {exc}") from None
    try:
        tpl = DocxTemplate(template)
        tpl.init_docx()
        # The sandbox, because finding the names compiles the template, and Jinja's compiler
        # would otherwise work out constant expressions such as 9 ** 99999999 itself.
        return set(tpl.get_undeclared_template_variables(make_sandbox()))
    except (PackageNotFoundError, OSError, KeyError, zipfile.BadZipFile) as exc:
        raise TemplateError(f"Cannot open the Word template {template}: {exc}") from exc
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(
            f"The Word template {template} has a placeholder syntax error: {exc.message}"
        ) from exc
