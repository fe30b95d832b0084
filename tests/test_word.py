"""The Word renderer: what a reader of the .docx (and of its PDF) sees."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import struct
import subprocess
import sys
import zipfile
import zlib
from dataclasses import replace
from io import BytesIO
from pathlib import Path

import docx
import pytest
from docx.document import Document as WordDocument
from docx.shared import Emu, Mm, Twips
from docxtpl import DocxTemplate
from lxml import etree

from slawriter.errors import InputError, TemplateError, ToolMissingError
from slawriter.render.document import (
    Cover,
    Document,
    ListBlock,
    ListItem,
    Paragraph,
    Party,
    Run,
    Section,
    Table,
)
from slawriter.render.pdf import PdfConversionError, convert_to_pdf
from slawriter.render.word import SCHEMA_ORDER, TEMPLATE_VARIABLES, render_docx
from tests.conftest import ROOT, need_tool

TEMPLATE = ROOT / "templates" / "agreement.docx"
SPECIAL = "Smith & Sons <Holdings> *Star*_Co_ | Ωμέγα \"quoted\" 'single'"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
RPR_ORDER = (
    "rStyle rFonts b bCs i iCs caps smallCaps strike dstrike outline shadow emboss imprint "
    "noProof snapToGrid vanish webHidden color spacing w kern position sz szCs highlight u "
    "effect bdr shd fitText vertAlign rtl cs em lang eastAsianLayout specVanish oMath"
)


def text(value: str) -> tuple[Run, ...]:
    return (Run(value),)


def numbered(section: int, position: int, *runs: Run) -> Paragraph:
    return Paragraph(runs=runs, number=f"{section}.{position}")


def section(number: int, title: str, *blocks: Paragraph | ListBlock | Table) -> Section:
    return Section(
        number=str(number),
        title=title,
        clause_id=f"clause-{number}",
        variant="standard",
        version="1",
        blocks=blocks,
    )


def lettered(*items: str) -> ListBlock:
    labels = "abcdefgh"
    return ListBlock(
        items=tuple(
            ListItem(runs=text(item), label=f"({labels[i]})") for i, item in enumerate(items)
        ),
        ordered=True,
    )


SUPPORT_TABLE = Table(
    header=tuple(text(h) for h in ("Priority", "Definition", "Response", "Resolution", "Coverage")),
    rows=(
        (
            text("P1"),
            (Run("Critical: ", bold=True), Run("the whole service is unavailable")),
            text("30 minutes"),
            text("4 hours"),
            text("24×7"),
        ),
        (
            text("P2"),
            text("Major: a key function is degraded for many users"),
            text("1 hour"),
            text("8 business hours"),
            text("Business hours"),
        ),
        (
            text("P3"),
            (Run("Minor: ", bold=True), Run("one user affected", italic=True)),
            text("4 business hours"),
            text("3 business days"),
            text("Business hours"),
        ),
        (text("P4"), text(SPECIAL), text("1 business day"), text("10 business days"), text("—")),
    ),
    align=(None, None, "center", "center", None),
)


def agreement(page_size: str = "A4", draft: bool = True) -> Document:
    provider = Party(
        role="Provider",
        legal_name=SPECIAL,
        address=("Unit 4, Riverside Park", "Leeds LS1 4AB", "United Kingdom"),
        company_number="01234567",
        signatory_name="Alex Morgan",
        signatory_title="Managing Director",
    )
    customer = Party(
        role="Customer",
        legal_name="Acme & Co Ltd",
        address=("1 High Street", "York YO1 7HH"),
        company_number=None,
        signatory_name="Sam O'Neill",
        signatory_title="Head of Operations",
    )
    sections = (
        section(
            1,
            "Definitions and interpretation",
            numbered(
                1,
                1,
                Run("In this Agreement, "),
                Run("Business Hours", bold=True),
                Run(" means 08:00 to 18:00 on Business Days."),
            ),
            numbered(
                1,
                2,
                Run("Headings are for convenience only and "),
                Run("do not", italic=True),
                Run(" affect interpretation."),
            ),
        ),
        section(
            2,
            "Services",
            numbered(2, 1, Run("The Provider shall provide the following services:")),
            lettered("service desk support", "remote monitoring", "patch management"),
            numbered(2, 2, Run("The Provider shall not be responsible for:")),
            lettered("hardware outside warranty", "third-party software"),
            numbered(2, 3, Run(f"Notices to {SPECIAL} shall be in writing.")),
        ),
        section(
            3,
            "Service levels",
            numbered(3, 1, Run("Incidents are prioritised as follows.")),
            Paragraph(runs=text("The response and resolution targets are:")),
            SUPPORT_TABLE,
            numbered(3, 2, Run("Targets are measured in Business Hours unless stated.")),
        ),
        section(
            4,
            "Customer obligations",
            numbered(4, 1, Run("The Customer shall:")),
            ListBlock(
                items=(
                    ListItem(
                        runs=text("provide remote access to:"),
                        label="•",
                        children=ListBlock(
                            items=(
                                ListItem(runs=text("servers"), label="•"),
                                ListItem(runs=text("network devices"), label="•"),
                            ),
                            ordered=False,
                            level=1,
                        ),
                    ),
                    ListItem(runs=text("nominate a single point of contact"), label="•"),
                ),
                ordered=False,
            ),
        ),
        section(
            5,
            "Service credits",
            numbered(5, 1, Run("Service credits are the Customer's sole remedy.")),
            numbered(5, 2, Run("Credits are capped at 15% of the monthly charge.")),
        ),
        section(
            6,
            "Term and termination",
            numbered(6, 1, Run("This Agreement continues for an initial term of 12 months.")),
            numbered(6, 2, Run("Either party may terminate on 90 days' written notice.")),
        ),
    )
    return Document(
        cover=Cover(
            title="Service Level Agreement",
            subtitle="Managed IT Services",
            provider=provider,
            customer=customer,
            reference="ACME-SLA-001",
            effective_date="1 March 2025",
            version="1.0",
            draft=draft,
        ),
        sections=sections,
        page_size=page_size,  # type: ignore[arg-type]
        header_text=f"{SPECIAL} - Service Level Agreement ACME-SLA-001",
        footer_text=f"Confidential | {SPECIAL}",
        title="Service Level Agreement",
        subject="Managed IT Services",
        author="Riverside IT",
        keywords="SLA, managed services",
        stamp_date="2025-03-01",
        custom_properties=(
            ("slawriter.version", "0.1.0"),
            ("slawriter.clauses", "definitions@1, services@2"),
            ("slawriter.special", SPECIAL),
        ),
    )


# --- fixtures ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def rendered() -> bytes:
    return render_docx(agreement(), TEMPLATE)


@pytest.fixture(scope="module")
def word(rendered: bytes) -> WordDocument:
    return docx.Document(BytesIO(rendered))


@pytest.fixture(scope="module")
def parts(rendered: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(BytesIO(rendered)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def body(word: WordDocument) -> list[tuple[str, str]]:
    """(style, text) of every body paragraph after the contents heading."""
    paragraphs = [(p.style.name, p.text) for p in word.paragraphs]
    start = paragraphs.index(("TOC Heading", "Contents"))
    return paragraphs[start:]


def tiny_png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", 3, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00" + b"\x20\x40\x80" * 3)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


# --- the template ------------------------------------------------------------------------


def test_template_declares_exactly_the_names_we_provide() -> None:
    assert DocxTemplate(str(TEMPLATE)).get_undeclared_template_variables() == TEMPLATE_VARIABLES


def test_template_is_what_the_build_script_makes(tmp_path: Path) -> None:
    out = tmp_path / "agreement.docx"
    subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "build_template.py"), "--out", str(out)],
        check=True,
        capture_output=True,
    )
    assert out.read_bytes() == TEMPLATE.read_bytes(), "run scripts/build_template.py"


def test_a_template_that_cannot_be_opened_is_a_template_error(tmp_path: Path) -> None:
    with pytest.raises(TemplateError, match="Cannot open the Word template"):
        render_docx(agreement(), tmp_path / "missing.docx")


# --- structure ---------------------------------------------------------------------------


def test_clauses_come_out_in_order_with_their_styles(word: WordDocument) -> None:
    headings = [text for style, text in body(word) if style == "Heading 1"]
    assert headings == [
        "Definitions and interpretation",
        "Services",
        "Service levels",
        "Customer obligations",
        "Service credits",
        "Term and termination",
    ]
    paragraphs = body(word)
    services = paragraphs.index(("Heading 1", "Services"))
    assert paragraphs[services : services + 9] == [
        ("Heading 1", "Services"),
        ("Clause 2", "The Provider shall provide the following services:"),
        ("Clause 3", "service desk support"),
        ("Clause 3", "remote monitoring"),
        ("Clause 3", "patch management"),
        ("Clause 2", "The Provider shall not be responsible for:"),
        ("Clause 3", "hardware outside warranty"),
        ("Clause 3", "third-party software"),
        ("Clause 2", f"Notices to {SPECIAL} shall be in writing."),
    ]
    levels = paragraphs.index(("Heading 1", "Service levels"))
    assert paragraphs[levels + 2] == ("Clause Text", "The response and resolution targets are:")
    obligations = paragraphs.index(("Heading 1", "Customer obligations"))
    assert [style for style, _ in paragraphs[obligations + 2 : obligations + 6]] == [
        "Clause Bullet",
        "Clause Bullet 2",
        "Clause Bullet 2",
        "Clause Bullet",
    ]


def test_contents_lists_every_clause_with_a_page_reference(word: WordDocument) -> None:
    entries = [text for style, text in body(word) if style == "toc 1"]
    assert entries[0] == "1.\tDefinitions and interpretation\t"
    assert entries[-1] == "6.\tTerm and termination\t"
    document_xml = word.element.xml
    for number in range(1, 7):
        assert f"PAGEREF _TocClause{number} \\h" in document_xml
        assert f'w:name="_TocClause{number}"' in document_xml


def test_every_lettered_list_restarts_at_a(word: WordDocument) -> None:
    numbering = word.part.numbering_part.element
    lettered = [p for p in word.paragraphs if p.style.name == "Clause 3"]
    num_ids = [p._p.pPr.numPr.numId.val for p in lettered]
    assert num_ids == [num_ids[0]] * 3 + [num_ids[3]] * 2
    assert num_ids[0] != num_ids[3]
    for num_id in {num_ids[0], num_ids[3]}:
        num = numbering.num_having_numId(num_id)
        overrides = num.findall(f"{W}lvlOverride")
        assert [
            (o.get(f"{W}ilvl"), o.find(f"{W}startOverride").get(f"{W}val")) for o in overrides
        ] == [("2", "1")]


def test_runs_keep_bold_and_italic(word: WordDocument) -> None:
    first = next(p for p in word.paragraphs if p.text.startswith("In this Agreement"))
    assert [(r.text, r.bold) for r in first.runs if r.bold] == [("Business Hours", True)]
    second = next(p for p in word.paragraphs if p.text.startswith("Headings are"))
    assert [r.text for r in second.runs if r.italic] == ["do not"]


def test_tables_are_real_word_tables(word: WordDocument) -> None:
    table = word.tables[0]
    assert table.style.name == "SLA Table"
    cells = [[cell.text for cell in row.cells] for row in table.rows]
    assert cells[0] == ["Priority", "Definition", "Response", "Resolution", "Coverage"]
    assert cells[1] == [
        "P1",
        "Critical: the whole service is unavailable",
        "30 minutes",
        "4 hours",
        "24×7",
    ]
    assert cells[4][1] == SPECIAL
    assert table.rows[0]._tr.trPr.find(f"{W}tblHeader") is not None  # repeats on each page
    assert [r.text for r in table.rows[1].cells[1].paragraphs[0].runs if r.bold] == ["Critical: "]
    assert [r.text for r in table.rows[3].cells[1].paragraphs[0].runs if r.italic] == [
        "one user affected"
    ]
    assert table.rows[1].cells[2].paragraphs[0].alignment == 1  # centred column
    section = word.sections[0]
    text_width = Emu(section.page_width - section.left_margin - section.right_margin).twips
    widths = [int(col.get(f"{W}w")) for col in table._tbl.tblGrid.findall(f"{W}gridCol")]
    assert sum(widths) == text_width - 720  # indented like clause text, up to the margin
    assert min(widths) >= 900


def test_signature_block_names_both_parties(word: WordDocument) -> None:
    table = word.tables[-1]
    cells = [[cell.text for cell in row.cells] for row in table.rows]
    assert cells[0] == ["Provider", "Customer"]
    # The roles head the columns: Word repeats them, screen readers announce them.
    assert table.rows[0]._tr.trPr.find(f"{W}tblHeader") is not None
    assert all(row._tr.trPr.find(f"{W}tblHeader") is None for row in table.rows[1:])
    assert cells[1] == ["Signed for and on behalf of"] * 2
    assert cells[2] == [SPECIAL, "Acme & Co Ltd"]
    assert ["Name: Alex Morgan", "Name: Sam O'Neill"] in cells
    assert ["Title: Managing Director", "Title: Head of Operations"] in cells
    assert all(row._tr.trPr.find(f"{W}cantSplit") is not None for row in table.rows)


# --- text ---------------------------------------------------------------------------------


def test_special_characters_survive_everywhere(word: WordDocument, parts: dict[str, bytes]) -> None:
    texts = [p.text for p in word.paragraphs]
    assert SPECIAL in texts  # the provider on the cover
    assert "Acme & Co Ltd" in texts
    assert "(the “Provider”)" in texts
    section = word.sections[0]
    assert section.different_first_page_header_footer
    assert section.header.paragraphs[0].text == (
        f"{SPECIAL} - Service Level Agreement ACME-SLA-001\tDRAFT"
    )
    assert section.footer.paragraphs[0].text.startswith(f"Confidential | {SPECIAL}\tPage ")
    assert "PAGE" in section.footer._element.xml and "NUMPAGES" in section.footer._element.xml
    assert all(p.text == "" for p in section.first_page_header.paragraphs)
    assert all(p.text == "" for p in section.first_page_footer.paragraphs)


def test_no_template_syntax_is_left_in_any_part(parts: dict[str, bytes]) -> None:
    assert any(name.startswith("word/header") for name in parts)
    for name, data in parts.items():
        text = data.decode("utf-8", errors="replace")
        for marker in ("{{", "}}", "{%", "%}", "{#", "#}"):
            assert marker not in text, f"{marker} left in {name}"


def test_properties_are_in_schema_order_for_word(parts: dict[str, bytes]) -> None:
    """Word refuses a file whose w:pPr, w:rPr or w:tblPr children are out of order."""
    orders = {**SCHEMA_ORDER, f"{W}rPr": RPR_ORDER.split()}
    for name, data in parts.items():
        if not name.startswith("word/") or not name.endswith(".xml"):
            continue
        for tag, order in orders.items():
            for element in etree.fromstring(data).iter(tag):
                children = [child.tag.rsplit("}", 1)[1] for child in element]
                positions = [order.index(child) for child in children]
                assert positions == sorted(positions), f"{name}: {children}"


def test_draft_marking_and_logo_follow_the_cover(tmp_path: Path) -> None:
    final = agreement(draft=False)
    final = replace(final, cover=replace(final.cover, logo=tiny_png()))
    word = docx.Document(BytesIO(render_docx(final, TEMPLATE)))
    assert "DRAFT" not in [p.text for p in word.paragraphs]
    assert "DRAFT" not in word.sections[0].header.paragraphs[0].text
    assert len(word.inline_shapes) == 1
    assert word.inline_shapes[0].height <= Mm(22)
    unreadable = replace(final, cover=replace(final.cover, logo=b"not an image"))
    with pytest.raises(InputError, match="logo"):
        render_docx(unreadable, TEMPLATE)


def test_numbers_in_the_document_must_match_words_numbering() -> None:
    document = agreement()
    skipped = replace(document, sections=document.sections[1:])  # starts at "2"
    with pytest.raises(ValueError, match="numbered '2' but Word numbers it 1"):
        render_docx(skipped, TEMPLATE)
    first = document.sections[0]
    wrong = replace(first, blocks=(numbered(1, 2, Run("out of order")),))
    with pytest.raises(ValueError, match=r"numbered '1\.2' but Word numbers it 1\.1"):
        render_docx(replace(document, sections=(wrong,)), TEMPLATE)


# --- properties, page size, determinism ------------------------------------------------------


def test_core_properties(word: WordDocument) -> None:
    props = word.core_properties
    assert props.title == "Service Level Agreement"
    assert props.subject == "Managed IT Services"
    assert props.author == "Riverside IT"
    assert props.last_modified_by == "Riverside IT"
    assert props.keywords == "SLA, managed services"
    assert props.created == props.modified == dt.datetime(2025, 3, 1, tzinfo=dt.UTC)
    assert props.revision == 1


def test_custom_properties_in_order(parts: dict[str, bytes]) -> None:
    root = etree.fromstring(parts["docProps/custom.xml"])
    found = [(p.get("name"), p[0].tag.rsplit("}", 1)[1], p[0].text) for p in root]
    assert found == [
        ("slawriter.version", "lpwstr", "0.1.0"),
        ("slawriter.clauses", "lpwstr", "definitions@1, services@2"),
        ("slawriter.special", "lpwstr", SPECIAL),
    ]
    assert [p.get("pid") for p in root] == ["2", "3", "4"]
    assert b'PartName="/docProps/custom.xml"' in parts["[Content_Types].xml"]
    assert b'Target="docProps/custom.xml"' in parts["_rels/.rels"]


@pytest.mark.parametrize(
    ("page_size", "width", "height"),
    [("A4", Mm(210), Mm(297)), ("Letter", Twips(12240), Twips(15840))],
)
def test_page_size_applies_to_every_section(page_size: str, width: int, height: int) -> None:
    word = docx.Document(BytesIO(render_docx(agreement(page_size), TEMPLATE)))
    for section in word.sections:
        assert abs(section.page_width - width) < Mm(0.1)
        assert abs(section.page_height - height) < Mm(0.1)


def test_output_is_byte_identical_across_runs_and_processes(rendered: bytes) -> None:
    assert render_docx(agreement(), TEMPLATE) == rendered
    script = (
        "import hashlib, sys;"
        "from tests.test_word import agreement, TEMPLATE;"
        "from slawriter.render.word import render_docx;"
        "sys.stdout.write(hashlib.sha256(render_docx(agreement(), TEMPLATE)).hexdigest())"
    )
    other = subprocess.run(
        [sys.executable, "-c", script],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), "PYTHONHASHSEED": "12345"},
    )
    assert other.stdout == hashlib.sha256(rendered).hexdigest()
    with zipfile.ZipFile(BytesIO(rendered)) as archive:
        infos = archive.infolist()
    assert infos[0].filename == "[Content_Types].xml"
    assert {info.date_time for info in infos} == {(1980, 1, 1, 0, 0, 0)}


# --- PDF through LibreOffice -------------------------------------------------------------------


@pytest.fixture(scope="module")
def pdf_pages(rendered: bytes, tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    need_tool("soffice", "libreoffice")
    pdftotext = need_tool("pdftotext")
    folder = tmp_path_factory.mktemp("pdf")
    source = folder / "agreement.docx"
    source.write_bytes(rendered)
    pdf = convert_to_pdf(source, folder)
    result = subprocess.run(
        [pdftotext, "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    )
    return result.stdout.split("\f")


@pytest.mark.libreoffice
def test_pdf_shows_words_numbering_contents_and_footer(pdf_pages: list[str]) -> None:
    text = "\f".join(pdf_pages)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    for number, title in enumerate(
        ["Definitions and interpretation", "Services", "Service levels"], start=1
    ):
        assert any(re.fullmatch(rf"{number}\.\s+{title}", line) for line in lines), title
    # Sub-clauses and lettered lists, restarting at (a) for the second list.
    labels = [
        match.group(1) for line in lines if (match := re.match(r"^(2\.\d|\([a-z]\))\s", line))
    ]
    assert labels[:8] == ["2.1", "(a)", "(b)", "(c)", "2.2", "(a)", "(b)", "2.3"]
    assert "Page 2 of" in pdf_pages[1]
    assert SPECIAL in pdf_pages[0]  # cover
    assert SPECIAL in text.replace("\n", " ")
    # Contents: every clause with the page its heading is really on.
    for number, title in [(1, "Definitions and interpretation"), (6, "Term and termination")]:
        entry = re.search(rf"{number}\.\s+{title}\.+\s*(\d+)", pdf_pages[1])
        assert entry, f"contents entry for clause {number}"
        page = int(entry.group(1))
        assert re.search(rf"^\s*{number}\.\s+{title}\s*$", pdf_pages[page - 1], re.M)


@pytest.mark.libreoffice
def test_pdf_conversion_errors_are_clear(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    need_tool("soffice", "libreoffice")
    with pytest.raises(PdfConversionError, match="no such file"):
        convert_to_pdf(tmp_path / "missing.docx", tmp_path)
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(ToolMissingError, match="apt-get install libreoffice-writer-nogui"):
        convert_to_pdf(tmp_path / "missing.docx", tmp_path)
