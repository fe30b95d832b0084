"""Build the Word master template, templates/agreement.docx, from code.

Run ``python scripts/build_template.py`` (or ``make template``) after changing this file and
commit both. The output is byte-identical for the same script, so a rebuild with no change
shows no diff.

The template holds what a firm may want to restyle in Word: the styles, the clause numbering,
the cover page (docxtpl/Jinja placeholders), the header and the footer. The body (contents,
clauses, signature block) is appended by ``slawriter/render/word.py``, which relies on the
style names and numbering ids below; keep them if you restyle the template by hand.

Numbering (word/numbering.xml):
  numId 1 -> abstractNum 1 "SLA Clauses": level 0 "1." (Heading 1), level 1 "1.1" (Clause 2),
             level 2 "(a)" (Clause 3), level 3 "(i)" (Clause 4), level 4 "(A)" (Clause 5),
             deeper levels "(1)". The renderer gives every lettered list a fresh w:num on
             abstractNum 1 with a startOverride, so each list restarts at (a).
  numId 2 -> abstractNum 2 "SLA Bullets": Clause Bullet, Clause Bullet 2, Clause Bullet 3.

The whole package is written as XML here rather than through python-docx's default template,
which carries ~150 unused table styles, a thumbnail and Mac Word metadata. python-docx and
docxtpl are used at the end to check that the result loads and declares the expected
placeholders.
"""

from __future__ import annotations

import argparse
import io
import sys
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET
from xml.sax.saxutils import escape, quoteattr

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from slawriter.render.word import TEMPLATE_VARIABLES

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "templates" / "agreement.docx"

# Cambria in Word; LibreOffice without Cambria/Caladea falls back to a serif (Noto Serif or
# DejaVu Serif), which keeps the look of a traditional legal document.
BODY_FONT = "Cambria"
BODY_SIZE = 21  # half-points: 10.5 pt
TEXT_COLOUR = "1A1A1A"
MUTED_COLOUR = "595959"
RULE_COLOUR = "7F7F7F"
HEADER_FILL = "E3E8EF"

# A4 in twentieths of a point, 2.54 cm margins; the renderer switches to Letter when asked.
PAGE_WIDTH, PAGE_HEIGHT = 11906, 16838
MARGIN = 1440
TEXT_WIDTH = PAGE_WIDTH - 2 * MARGIN
INDENT = 720  # one clause indent step (1.27 cm)

NS = {
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "pic": "http://schemas.openxmlformats.org/drawingml/2006/picture",
}
XML_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
W_NS = f'xmlns:w="{NS["w"]}" xmlns:r="{NS["r"]}"'
DOC_NS = " ".join(f'xmlns:{prefix}="{uri}"' for prefix, uri in NS.items())

REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_OFFICE = "application/vnd.openxmlformats-officedocument"
CT_WORD = f"{CT_OFFICE}.wordprocessingml"

# Every name the template's placeholders use: the ones word.py provides, defined there once.
PLACEHOLDERS = TEMPLATE_VARIABLES


# --- small XML helpers -----------------------------------------------------------------


def attr(value: str | int) -> str:
    return quoteattr(str(value))


def names(text: str) -> list[str]:
    return text.split()


# Word rejects a file whose property elements are out of the schema's order (LibreOffice
# does not mind), so pPr and rPr children are sorted into ECMA-376 order here.
PPR_ORDER = names(
    "pStyle keepNext keepLines pageBreakBefore framePr widowControl numPr suppressLineNumbers "
    "pBdr shd tabs suppressAutoHyphens kinsoku wordWrap overflowPunct topLinePunct autoSpaceDE "
    "autoSpaceDN bidi adjustRightInd snapToGrid spacing ind contextualSpacing mirrorIndents "
    "suppressOverlap jc textDirection textAlignment textboxTightWrap outlineLvl divId cnfStyle "
    "rPr sectPr pPrChange"
)
RPR_ORDER = names(
    "rStyle rFonts b bCs i iCs caps smallCaps strike dstrike outline shadow emboss imprint "
    "noProof snapToGrid vanish webHidden color spacing w kern position sz szCs highlight u "
    "effect bdr shd fitText vertAlign rtl cs em lang eastAsianLayout specVanish oMath"
)
ET.register_namespace("w", NS["w"])


def ordered(tag: str, children: str, order: list[str]) -> str:
    """``<w:tag>children</w:tag>`` with the children in schema order ("" if none)."""
    if not children:
        return ""
    element = ET.fromstring(f'<w:{tag} xmlns:w="{NS["w"]}">{children}</w:{tag}>')
    element[:] = sorted(element, key=lambda child: order.index(child.tag.split("}")[1]))
    xml = ET.tostring(element, encoding="unicode")
    return xml.replace(f' xmlns:w="{NS["w"]}"', "", 1)


def run(text: str, rpr: str = "") -> str:
    """A run of literal text (escaped here; placeholders are plain text to Word)."""
    return (
        f'<w:r>{ordered("rPr", rpr, RPR_ORDER)}<w:t xml:space="preserve">{escape(text)}</w:t></w:r>'
    )


def para(style: str, *runs: str, ppr: str = "") -> str:
    ppr_xml = ordered("pPr", f'<w:pStyle w:val="{style}"/>{ppr}', PPR_ORDER)
    return f"<w:p>{ppr_xml}{''.join(runs)}</w:p>"


def field(instruction: str, shown: str, rpr: str = "") -> str:
    """A complex field (PAGE, NUMPAGES) with a cached result Word and LibreOffice refresh."""
    rpr_xml = ordered("rPr", rpr, RPR_ORDER)
    return (
        f'<w:r>{rpr_xml}<w:fldChar w:fldCharType="begin"/></w:r>'
        f'<w:r>{rpr_xml}<w:instrText xml:space="preserve"> {instruction} </w:instrText></w:r>'
        f'<w:r>{rpr_xml}<w:fldChar w:fldCharType="separate"/></w:r>'
        f"{run(shown, rpr)}"
        f'<w:r>{rpr_xml}<w:fldChar w:fldCharType="end"/></w:r>'
    )


def fonts(name: str = BODY_FONT) -> str:
    return f'<w:rFonts w:ascii="{name}" w:hAnsi="{name}" w:eastAsia="{name}" w:cs="{name}"/>'


def spacing(before: int = 0, after: int = 0, line: int | None = None) -> str:
    line_xml = f' w:line="{line}" w:lineRule="auto"' if line else ""
    return f'<w:spacing w:before="{before}" w:after="{after}"{line_xml}/>'


def indent(left: int, hanging: int = 0) -> str:
    hanging_xml = f' w:hanging="{hanging}"' if hanging else ""
    return f'<w:ind w:left="{left}"{hanging_xml}/>'


def num_pr(num_id: int, level: int) -> str:
    return f'<w:numPr><w:ilvl w:val="{level}"/><w:numId w:val="{num_id}"/></w:numPr>'


def size(half_points: int) -> str:
    return f'<w:sz w:val="{half_points}"/><w:szCs w:val="{half_points}"/>'


def colour(value: str) -> str:
    return f'<w:color w:val="{value}"/>'


def border(side: str, sz: int = 4, space: int = 1, colour_: str = RULE_COLOUR) -> str:
    return f'<w:{side} w:val="single" w:sz="{sz}" w:space="{space}" w:color="{colour_}"/>'


# --- styles ----------------------------------------------------------------------------


def paragraph_style(
    style_id: str,
    name: str,
    *,
    based_on: str | None = "Normal",
    next_style: str | None = None,
    ppr: str = "",
    rpr: str = "",
    priority: int = 10,
    quick: bool = True,
    default: bool = False,
) -> str:
    parts = [f"<w:name w:val={attr(name)}/>"]
    if based_on:
        parts.append(f'<w:basedOn w:val="{based_on}"/>')
    if next_style:
        parts.append(f'<w:next w:val="{next_style}"/>')
    parts.append(f'<w:uiPriority w:val="{priority}"/>')
    if quick:
        parts.append("<w:qFormat/>")
    parts.append(ordered("pPr", ppr, PPR_ORDER))
    parts.append(ordered("rPr", rpr, RPR_ORDER))
    default_xml = ' w:default="1"' if default else ""
    return (
        f'<w:style w:type="paragraph"{default_xml} w:styleId="{style_id}">'
        f"{''.join(parts)}</w:style>"
    )


def table_borders(tag: str, sides: tuple[str, ...], sz: int, colour_: str) -> str:
    inner = "".join(
        f'<w:{s} w:val="single" w:sz="{sz}" w:space="0" w:color="{colour_}"/>' for s in sides
    )
    return f"<w:{tag}>{inner}</w:{tag}>"


def cell_margins(top: int, side: int) -> str:
    return (
        f'<w:tblCellMar><w:top w:w="{top}" w:type="dxa"/><w:left w:w="{side}" w:type="dxa"/>'
        f'<w:bottom w:w="{top}" w:type="dxa"/><w:right w:w="{side}" w:type="dxa"/></w:tblCellMar>'
    )


def styles_xml() -> str:
    clause_ppr = '<w:jc w:val="both"/>'
    keep = "<w:keepNext/><w:keepLines/>"
    list_after = spacing(0, 80, 276)
    styles = [
        paragraph_style("Normal", "Normal", based_on=None, priority=0, default=True),
        paragraph_style(
            "Title",
            "Title",
            next_style="Subtitle",
            ppr=keep + spacing(1440, 160, 240) + '<w:jc w:val="center"/>',
            rpr=fonts() + "<w:b/>" + size(48) + '<w:spacing w:val="10"/>' + '<w:kern w:val="28"/>',
        ),
        paragraph_style(
            "Subtitle",
            "Subtitle",
            next_style="Normal",
            ppr=keep
            + spacing(0, 360, 240)
            + f"<w:pBdr>{border('bottom', 6, 12, TEXT_COLOUR)}</w:pBdr>"
            + '<w:ind w:left="1440" w:right="1440"/><w:jc w:val="center"/>',
            rpr="<w:i/>" + size(28) + colour(MUTED_COLOUR),
        ),
        paragraph_style(
            "Heading1",
            "heading 1",
            next_style="Clause2",
            ppr=keep
            + num_pr(1, 0)
            + spacing(300, 120, 276)
            + indent(INDENT, INDENT)
            + '<w:outlineLvl w:val="0"/>',
            rpr="<w:b/>" + size(24),
            priority=9,
        ),
        paragraph_style(
            "Heading2",
            "heading 2",
            next_style="ClauseText",
            ppr=keep + spacing(200, 80, 276) + indent(INDENT) + '<w:outlineLvl w:val="1"/>',
            rpr="<w:b/>" + size(BODY_SIZE),
            priority=9,
        ),
        paragraph_style(
            "Heading3",
            "heading 3",
            next_style="ClauseText",
            ppr=keep + spacing(160, 60, 276) + indent(INDENT) + '<w:outlineLvl w:val="2"/>',
            rpr="<w:b/><w:i/>" + size(BODY_SIZE),
            priority=9,
        ),
        paragraph_style(
            "Clause2",
            "Clause 2",
            ppr=num_pr(1, 1) + indent(INDENT, INDENT) + clause_ppr,
            priority=20,
        ),
        paragraph_style(
            "Clause3",
            "Clause 3",
            ppr=num_pr(1, 2) + list_after + indent(2 * INDENT, INDENT) + clause_ppr,
            priority=21,
        ),
        paragraph_style(
            "Clause4",
            "Clause 4",
            ppr=num_pr(1, 3) + list_after + indent(3 * INDENT, INDENT) + clause_ppr,
            priority=22,
        ),
        paragraph_style(
            "Clause5",
            "Clause 5",
            ppr=num_pr(1, 4) + list_after + indent(4 * INDENT, INDENT) + clause_ppr,
            priority=23,
        ),
        paragraph_style(
            "ClauseText",
            "Clause Text",
            ppr=indent(INDENT) + clause_ppr,
            priority=24,
        ),
        paragraph_style(
            "ClauseBullet",
            "Clause Bullet",
            ppr=num_pr(2, 0) + list_after + indent(INDENT + 360, 360) + clause_ppr,
            priority=25,
        ),
        paragraph_style(
            "ClauseBullet2",
            "Clause Bullet 2",
            ppr=num_pr(2, 1) + list_after + indent(2 * INDENT + 360, 360) + clause_ppr,
            priority=26,
        ),
        paragraph_style(
            "ClauseBullet3",
            "Clause Bullet 3",
            ppr=num_pr(2, 2) + list_after + indent(3 * INDENT + 360, 360) + clause_ppr,
            priority=27,
        ),
        paragraph_style(
            "TOCHeading",
            "TOC Heading",
            next_style="TOC1",
            ppr="<w:keepNext/><w:pageBreakBefore/>" + spacing(0, 240, 276),
            rpr="<w:b/><w:caps/>" + size(24) + '<w:spacing w:val="10"/>',
            priority=39,
        ),
        paragraph_style(
            "TOC1",
            "toc 1",
            ppr=(
                "<w:tabs>"
                f'<w:tab w:val="right" w:leader="dot" w:pos="{TEXT_WIDTH}"/>'
                "</w:tabs>"
                + spacing(0, 80, 276)
                # No right indent: LibreOffice drops a right tab that lies beyond it.
                + indent(INDENT, INDENT)
            ),
            priority=39,
            quick=False,
        ),
        paragraph_style(
            "TableText",
            "Table Text",
            ppr=spacing(0, 0, 240),
            rpr=size(19),
            priority=30,
        ),
        paragraph_style(
            "TableHeading",
            "Table Heading",
            based_on="TableText",
            ppr="<w:keepNext/>",
            rpr="<w:b/>",
            priority=31,
        ),
        paragraph_style(
            "SignatureText",
            "Signature Text",
            ppr=keep + spacing(0, 60, 276),
            priority=32,
        ),
        paragraph_style(
            "Header",
            "header",
            ppr=(
                f'<w:tabs><w:tab w:val="right" w:pos="{TEXT_WIDTH}"/></w:tabs>'
                + f"<w:pBdr>{border('bottom', 4, 4)}</w:pBdr>"
                + spacing(0, 0, 240)
            ),
            rpr=size(17) + colour(MUTED_COLOUR),
            priority=99,
            quick=False,
        ),
        paragraph_style(
            "Footer",
            "footer",
            ppr=(
                f'<w:tabs><w:tab w:val="right" w:pos="{TEXT_WIDTH}"/></w:tabs>'
                + f"<w:pBdr>{border('top', 4, 4)}</w:pBdr>"
                + spacing(0, 0, 240)
            ),
            rpr=size(17) + colour(MUTED_COLOUR),
            priority=99,
            quick=False,
        ),
        paragraph_style(
            "CoverText",
            "Cover Text",
            ppr=spacing(0, 120, 276) + '<w:jc w:val="center"/>',
            priority=40,
        ),
        paragraph_style(
            "CoverParty",
            "Cover Party",
            based_on="CoverText",
            next_style="CoverText",
            ppr="<w:keepNext/>" + spacing(120, 60, 276),
            rpr="<w:b/>" + size(26),
            priority=41,
        ),
        paragraph_style(
            "CoverDetail",
            "Cover Detail",
            based_on="CoverText",
            ppr=spacing(0, 0, 276),
            rpr=size(19) + colour(MUTED_COLOUR),
            priority=42,
        ),
        paragraph_style(
            "DraftMark",
            "Draft Mark",
            based_on="CoverText",
            ppr=(
                spacing(240, 0, 240)
                + "<w:pBdr>"
                + border("top", 12, 4, "C00000")
                + border("bottom", 12, 4, "C00000")
                + "</w:pBdr>"
                + '<w:ind w:left="1701" w:right="1701"/>'
            ),
            rpr="<w:b/>" + size(32) + colour("C00000") + '<w:spacing w:val="40"/>',
            priority=43,
        ),
        # Character, table and numbering defaults Word expects to find.
        '<w:style w:type="character" w:default="1" w:styleId="DefaultParagraphFont">'
        '<w:name w:val="Default Paragraph Font"/><w:uiPriority w:val="1"/><w:semiHidden/>'
        "<w:unhideWhenUsed/></w:style>",
        '<w:style w:type="table" w:default="1" w:styleId="TableNormal">'
        '<w:name w:val="Normal Table"/><w:uiPriority w:val="99"/><w:semiHidden/>'
        '<w:unhideWhenUsed/><w:tblPr><w:tblInd w:w="0" w:type="dxa"/>'
        + cell_margins(0, 108)
        + "</w:tblPr></w:style>",
        '<w:style w:type="numbering" w:default="1" w:styleId="NoList">'
        '<w:name w:val="No List"/><w:uiPriority w:val="99"/><w:semiHidden/>'
        "<w:unhideWhenUsed/></w:style>",
        # Every agreement table: thin grey rules, shaded bold header row, roomy cells.
        '<w:style w:type="table" w:styleId="SLATable"><w:name w:val="SLA Table"/>'
        '<w:basedOn w:val="TableNormal"/><w:uiPriority w:val="59"/><w:qFormat/>'
        "<w:pPr>" + spacing(0, 0, 240) + "</w:pPr>"
        "<w:rPr>" + size(19) + "</w:rPr>"
        "<w:tblPr>"
        + table_borders(
            "tblBorders",
            ("top", "left", "bottom", "right", "insideH", "insideV"),
            4,
            RULE_COLOUR,
        )
        + cell_margins(57, 108)
        + "</w:tblPr>"
        '<w:tblStylePr w:type="firstRow"><w:rPr><w:b/><w:bCs/></w:rPr>'
        f'<w:tcPr><w:shd w:val="clear" w:color="auto" w:fill="{HEADER_FILL}"/></w:tcPr>'
        "</w:tblStylePr></w:style>",
        # Signature block: no rules at all.
        '<w:style w:type="table" w:styleId="PlainTable"><w:name w:val="Plain Table"/>'
        '<w:basedOn w:val="TableNormal"/><w:uiPriority w:val="60"/>'
        "<w:tblPr>" + cell_margins(0, 108) + "</w:tblPr></w:style>",
    ]
    doc_defaults = (
        "<w:docDefaults><w:rPrDefault>"
        + ordered(
            "rPr",
            fonts()
            + colour(TEXT_COLOUR)
            + size(BODY_SIZE)
            + '<w:lang w:val="en-GB" w:eastAsia="en-US" w:bidi="ar-SA"/>',
            RPR_ORDER,
        )
        + "</w:rPrDefault><w:pPrDefault>"
        + ordered("pPr", spacing(0, 120, 276) + "<w:widowControl/>", PPR_ORDER)
        + "</w:pPrDefault></w:docDefaults>"
    )
    return (
        XML_DECL
        + f"<w:styles {W_NS}>"
        + doc_defaults
        + '<w:latentStyles w:defLockedState="0" w:defUIPriority="99" w:defSemiHidden="0" '
        'w:defUnhideWhenUsed="0" w:defQFormat="0" w:count="376"/>' + "".join(styles) + "</w:styles>"
    )


# --- numbering -------------------------------------------------------------------------


def level(
    ilvl: int,
    fmt: str,
    text: str,
    left: int,
    hanging: int,
    style: str | None = None,
    rpr: str = "",
) -> str:
    style_xml = f'<w:pStyle w:val="{style}"/>' if style else ""
    rpr_xml = f"<w:rPr>{rpr}</w:rPr>" if rpr else ""
    return (
        f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>{style_xml}'
        f'<w:suff w:val="tab"/><w:lvlText w:val={attr(text)}/><w:lvlJc w:val="left"/>'
        f"<w:pPr>{indent(left, hanging)}</w:pPr>{rpr_xml}</w:lvl>"
    )


def numbering_xml() -> str:
    clause_levels = [
        level(0, "decimal", "%1.", INDENT, INDENT, "Heading1", "<w:b/>"),
        level(1, "decimal", "%1.%2", INDENT, INDENT, "Clause2"),
        level(2, "lowerLetter", "(%3)", 2 * INDENT, INDENT, "Clause3"),
        level(3, "lowerRoman", "(%4)", 3 * INDENT, INDENT, "Clause4"),
        level(4, "upperLetter", "(%5)", 4 * INDENT, INDENT, "Clause5"),
    ] + [level(i, "decimal", f"(%{i + 1})", i * INDENT, INDENT) for i in range(5, 9)]
    bullet_marks = ["•", "–"] * 5  # glyphs every serif font has (▪ and ◦ fall back oddly)
    bullet_styles = ["ClauseBullet", "ClauseBullet2", "ClauseBullet3"]
    bullet_levels = [
        level(
            i,
            "bullet",
            bullet_marks[i],
            (i + 1) * INDENT + 360,
            360,
            bullet_styles[i] if i < len(bullet_styles) else None,
            fonts(),
        )
        for i in range(9)
    ]
    return (
        XML_DECL
        + f"<w:numbering {W_NS}>"
        + '<w:abstractNum w:abstractNumId="1"><w:nsid w:val="5C1A0001"/>'
        + '<w:multiLevelType w:val="multilevel"/><w:tmpl w:val="5C1A1001"/>'
        + '<w:name w:val="SLA Clauses"/>'
        + "".join(clause_levels)
        + "</w:abstractNum>"
        + '<w:abstractNum w:abstractNumId="2"><w:nsid w:val="5C1A0002"/>'
        + '<w:multiLevelType w:val="hybridMultilevel"/><w:tmpl w:val="5C1A1002"/>'
        + '<w:name w:val="SLA Bullets"/>'
        + "".join(bullet_levels)
        + "</w:abstractNum>"
        + '<w:num w:numId="1"><w:abstractNumId w:val="1"/></w:num>'
        + '<w:num w:numId="2"><w:abstractNumId w:val="2"/></w:num>'
        + "</w:numbering>"
    )


# --- document, header, footer ----------------------------------------------------------


def block_if(condition: str, *paragraphs: str) -> list[str]:
    """Paragraphs shown only when ``condition`` holds (docxtpl's paragraph-level tags)."""
    return [
        para("CoverText", run(f"{{%p if {condition} %}}")),
        *paragraphs,
        para("CoverText", run("{%p endif %}")),
    ]


def party_block(name: str) -> list[str]:
    return [
        para("CoverParty", run(f"{{{{ {name}.legal_name }}}}")),
        para("CoverText", run(f"{{{{ {name}.address }}}}"), ppr=spacing(0, 60, 276)),
        *block_if(
            f"{name}.company_number",
            para(
                "CoverText",
                run(f"{{{{ {name}.number_label }}}} {{{{ {name}.company_number }}}}"),
                ppr=spacing(0, 60, 276),
            ),
        ),
        para("CoverText", run(f"(the “{{{{ {name}.role }}}}”)")),
    ]


def document_xml() -> str:
    cover = [
        *block_if("logo", para("CoverText", run("{{ logo }}"))),
        *block_if("draft", para("DraftMark", run("{{ draft_label }}"))),
        para("Title", run("{{ title }}")),
        para("Subtitle", run("{{ subtitle }}")),
        para("CoverText", run("between", "<w:i/>"), ppr=spacing(240, 120, 276)),
        *party_block("provider"),
        para("CoverText", run("and", "<w:i/>"), ppr=spacing(120, 120, 276)),
        *party_block("customer"),
        para("CoverDetail", run("Reference: {{ reference }}"), ppr=spacing(1440, 0, 276)),
        para("CoverDetail", run("Effective date: {{ effective_date }}")),
        para("CoverDetail", run("Version: {{ version }}")),
    ]
    sect = (
        "<w:sectPr>"
        '<w:headerReference w:type="default" r:id="rIdHeaderDefault"/>'
        '<w:headerReference w:type="first" r:id="rIdHeaderFirst"/>'
        '<w:footerReference w:type="default" r:id="rIdFooterDefault"/>'
        '<w:footerReference w:type="first" r:id="rIdFooterFirst"/>'
        f'<w:pgSz w:w="{PAGE_WIDTH}" w:h="{PAGE_HEIGHT}"/>'
        f'<w:pgMar w:top="{MARGIN}" w:right="{MARGIN}" w:bottom="{MARGIN}" w:left="{MARGIN}" '
        'w:header="709" w:footer="709" w:gutter="0"/>'
        '<w:cols w:space="708"/><w:titlePg/><w:docGrid w:linePitch="360"/>'
        "</w:sectPr>"
    )
    return XML_DECL + f"<w:document {DOC_NS}><w:body>{''.join(cover)}{sect}</w:body></w:document>"


def header_xml(first_page: bool) -> str:
    if first_page:
        content = '<w:p><w:pPr><w:pStyle w:val="Normal"/>' + spacing(0, 0) + "</w:pPr></w:p>"
    else:
        content = para(
            "Header",
            run("{{ header_text }}"),
            "<w:r><w:tab/></w:r>",
            run("{% if draft %}{{ draft_label }}{% endif %}", "<w:b/>" + colour("C00000")),
        )
    return XML_DECL + f"<w:hdr {W_NS}>{content}</w:hdr>"


def footer_xml(first_page: bool) -> str:
    if first_page:
        content = '<w:p><w:pPr><w:pStyle w:val="Normal"/>' + spacing(0, 0) + "</w:pPr></w:p>"
    else:
        content = para(
            "Footer",
            run("{{ footer_text }}"),
            "<w:r><w:tab/></w:r>",
            run("Page "),
            field("PAGE", "2"),
            run(" of "),
            field("NUMPAGES", "2"),
        )
    return XML_DECL + f"<w:ftr {W_NS}>{content}</w:ftr>"


def settings_xml() -> str:
    return (
        XML_DECL
        + f"<w:settings {W_NS}>"
        + '<w:zoom w:percent="100"/>'
        + '<w:defaultTabStop w:val="720"/>'
        + '<w:characterSpacingControl w:val="doNotCompress"/>'
        + '<w:compat><w:compatSetting w:name="compatibilityMode" '
        'w:uri="http://schemas.microsoft.com/office/word" w:val="15"/></w:compat>'
        + '<w:themeFontLang w:val="en-GB"/>'
        + '<w:decimalSymbol w:val="."/><w:listSeparator w:val=","/>'
        + "</w:settings>"
    )


def theme_xml() -> str:
    """The smallest theme the schema accepts (ISO 29500 requires the document to have one):
    Office's colours, the body font for headings and text, plain fills, lines and effects.
    Our styles name their fonts and colours outright, so the theme changes nothing shown."""
    colours = (
        ("dk1", '<a:sysClr val="windowText" lastClr="000000"/>'),
        ("lt1", '<a:sysClr val="window" lastClr="FFFFFF"/>'),
        ("dk2", '<a:srgbClr val="1F2A44"/>'),
        ("lt2", '<a:srgbClr val="E3E8EF"/>'),
        *(
            (f"accent{n}", f'<a:srgbClr val="{c}"/>')
            for n, c in enumerate(
                ("2F5496", "C55A11", "7F7F7F", "BF9000", "4472C4", "548235"), start=1
            )
        ),
        ("hlink", '<a:srgbClr val="0563C1"/>'),
        ("folHlink", '<a:srgbClr val="954F72"/>'),
    )
    font = f'<a:latin typeface="{BODY_FONT}"/><a:ea typeface=""/><a:cs typeface=""/>'
    solid = '<a:solidFill><a:schemeClr val="phClr"/></a:solidFill>'
    line = f'<a:ln w="6350">{solid}</a:ln>'
    return (
        XML_DECL
        + f'<a:theme xmlns:a="{NS["a"]}" name="slawriter"><a:themeElements>'
        + '<a:clrScheme name="slawriter">'
        + "".join(f"<a:{name}>{value}</a:{name}>" for name, value in colours)
        + "</a:clrScheme>"
        + f'<a:fontScheme name="slawriter"><a:majorFont>{font}</a:majorFont>'
        + f"<a:minorFont>{font}</a:minorFont></a:fontScheme>"
        + '<a:fmtScheme name="slawriter">'
        + f"<a:fillStyleLst>{solid * 3}</a:fillStyleLst>"
        + f"<a:lnStyleLst>{line * 3}</a:lnStyleLst>"
        + "<a:effectStyleLst>"
        + "<a:effectStyle><a:effectLst/></a:effectStyle>" * 3
        + "</a:effectStyleLst>"
        + f"<a:bgFillStyleLst>{solid * 3}</a:bgFillStyleLst>"
        + "</a:fmtScheme></a:themeElements></a:theme>"
    )


def font_table_xml() -> str:
    return (
        XML_DECL
        + f"<w:fonts {W_NS}>"
        + f'<w:font w:name="{BODY_FONT}"><w:panose1 w:val="02040503050406030204"/>'
        '<w:charset w:val="00"/><w:family w:val="roman"/><w:pitch w:val="variable"/></w:font>'
        + "</w:fonts>"
    )


def content_types_xml() -> str:
    overrides = {
        "/word/document.xml": f"{CT_WORD}.document.main+xml",
        "/word/styles.xml": f"{CT_WORD}.styles+xml",
        "/word/numbering.xml": f"{CT_WORD}.numbering+xml",
        "/word/settings.xml": f"{CT_WORD}.settings+xml",
        "/word/fontTable.xml": f"{CT_WORD}.fontTable+xml",
        "/word/theme/theme1.xml": f"{CT_OFFICE}.theme+xml",
        "/word/header1.xml": f"{CT_WORD}.header+xml",
        "/word/header2.xml": f"{CT_WORD}.header+xml",
        "/word/footer1.xml": f"{CT_WORD}.footer+xml",
        "/word/footer2.xml": f"{CT_WORD}.footer+xml",
        "/docProps/core.xml": "application/vnd.openxmlformats-package.core-properties+xml",
        "/docProps/app.xml": f"{CT_OFFICE}.extended-properties+xml",
    }
    return (
        XML_DECL
        + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        + '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        + '<Default Extension="xml" ContentType="application/xml"/>'
        + '<Default Extension="png" ContentType="image/png"/>'
        + '<Default Extension="jpeg" ContentType="image/jpeg"/>'
        + "".join(
            f'<Override PartName="{name}" ContentType="{ct}"/>' for name, ct in overrides.items()
        )
        + "</Types>"
    )


def relationships(items: list[tuple[str, str, str]]) -> str:
    return (
        XML_DECL
        + f'<Relationships xmlns="{PKG_REL}">'
        + "".join(
            f'<Relationship Id="{rid}" Type="{rtype}" Target="{target}"/>'
            for rid, rtype, target in items
        )
        + "</Relationships>"
    )


def core_xml() -> str:
    stamp = "2000-01-01T00:00:00Z"
    return (
        XML_DECL + '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/'
        'metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:dcterms="http://purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        "<dc:title>Service Level Agreement</dc:title><dc:creator>slawriter</dc:creator>"
        "<cp:lastModifiedBy>slawriter</cp:lastModifiedBy><cp:revision>1</cp:revision>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified>'
        "</cp:coreProperties>"
    )


def app_xml() -> str:
    return (
        XML_DECL + '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
        'extended-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/'
        '2006/docPropsVTypes"><Application>slawriter</Application><DocSecurity>0</DocSecurity>'
        "</Properties>"
    )


def package_parts() -> dict[str, str]:
    """Every part of the template, in the order they are written to the zip."""
    return {
        "[Content_Types].xml": content_types_xml(),
        "_rels/.rels": relationships(
            [
                ("rId1", f"{REL}/officeDocument", "word/document.xml"),
                ("rId2", f"{PKG_REL}/metadata/core-properties", "docProps/core.xml"),
                ("rId3", f"{REL}/extended-properties", "docProps/app.xml"),
            ]
        ),
        "docProps/app.xml": app_xml(),
        "docProps/core.xml": core_xml(),
        "word/_rels/document.xml.rels": relationships(
            [
                ("rIdStyles", f"{REL}/styles", "styles.xml"),
                ("rIdNumbering", f"{REL}/numbering", "numbering.xml"),
                ("rIdSettings", f"{REL}/settings", "settings.xml"),
                ("rIdFonts", f"{REL}/fontTable", "fontTable.xml"),
                ("rIdTheme", f"{REL}/theme", "theme/theme1.xml"),
                ("rIdHeaderDefault", f"{REL}/header", "header1.xml"),
                ("rIdHeaderFirst", f"{REL}/header", "header2.xml"),
                ("rIdFooterDefault", f"{REL}/footer", "footer1.xml"),
                ("rIdFooterFirst", f"{REL}/footer", "footer2.xml"),
            ]
        ),
        "word/document.xml": document_xml(),
        "word/fontTable.xml": font_table_xml(),
        "word/footer1.xml": footer_xml(first_page=False),
        "word/footer2.xml": footer_xml(first_page=True),
        "word/header1.xml": header_xml(first_page=False),
        "word/header2.xml": header_xml(first_page=True),
        "word/numbering.xml": numbering_xml(),
        "word/settings.xml": settings_xml(),
        "word/styles.xml": styles_xml(),
        "word/theme/theme1.xml": theme_xml(),
    }


def build() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, xml in package_parts().items():
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = 0o644 << 16
            archive.writestr(info, xml.encode("utf-8"), compresslevel=6)
    return buffer.getvalue()


def check(data: bytes) -> None:
    """Load the result with python-docx and docxtpl: it must open and declare our names."""
    import docx
    from docxtpl import DocxTemplate

    document = docx.Document(io.BytesIO(data))
    missing = {"Heading 1", "Clause 2", "Clause 3", "toc 1", "SLA Table"} - {
        style.name for style in document.styles
    }
    if missing:
        raise SystemExit(f"template lacks styles: {sorted(missing)}")
    declared = DocxTemplate(io.BytesIO(data)).get_undeclared_template_variables()
    if declared != PLACEHOLDERS:
        raise SystemExit(f"template placeholders {sorted(declared)} != {sorted(PLACEHOLDERS)}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where to write the .docx")
    args = parser.parse_args(argv)
    data = build()
    check(data)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(data)
    print(f"wrote {args.out} ({len(data)} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
