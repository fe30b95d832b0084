"""Every Word file slawriter writes (agreement, report, clause book, memo, redline) is valid
against the ISO 29500 transitional schemas and says, word for word, what the Markdown of the
same document tree says; the contents stores page numbers; pictures, tables and language
are described for screen readers; PDFs are tagged and PDF/A when asked."""

from __future__ import annotations

import io
import re
import subprocess
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from lxml import etree
from markdown_it import MarkdownIt
from openxml_audit import OpenXmlValidator

from slawriter.cli import main
from slawriter.drafting.assemble import assemble_document
from slawriter.files.load import load_agreement
from slawriter.library import Library
from slawriter.render import registry
from slawriter.render.document import Document
from slawriter.render.fonts import uncovered
from slawriter.render.word import render_docx, render_redline_docx
from tests.conftest import EXAMPLES, copy_examples, missing, need_tool
from tests.test_registry import KINDS, documents, library

__all__ = ["documents", "library"]  # the fixtures, shared with test_registry

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
ALL_KINDS = (*KINDS, "redline")
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


@pytest.fixture(scope="module")
def trees(documents: dict[str, Document], library: Library, tmp_path_factory) -> dict[str, Path]:  # type: ignore[no-untyped-def]
    """Each kind once as a .docx file; the redline of the agreement against a renewal."""
    folder = tmp_path_factory.mktemp("kinds")
    files = {}
    for kind in KINDS:
        files[kind] = folder / f"{kind}.docx"
        files[kind].write_bytes(
            registry.render(documents[kind], "docx", template=library.word_template)
        )
    text = (EXAMPLES / "acme-standard.yaml").read_text("utf-8")
    renewal = folder / "renewal.yaml"
    copy_examples(folder)
    renewal.write_text(
        text.replace("99.9", "99.95").replace("Acme Precision", "Acme Fine"), "utf-8"
    )
    new = assemble_document(load_agreement(renewal, library), library)
    data, insertions, deletions = render_redline_docx(
        documents["agreement"],
        new,
        library.word_template,
        "slawriter",
        datetime(2027, 1, 1, tzinfo=UTC),
    )
    assert insertions and deletions
    files["redline"] = folder / "redline.docx"
    files["redline"].write_bytes(data)
    files["redline-tree"] = folder / "redline.md"
    files["redline-tree"].write_bytes(registry.render(new, "md"))
    return files


# --- the ISO 29500 schemas ------------------------------------------------------------------


@pytest.mark.parametrize("kind", ALL_KINDS)
def test_every_kind_of_word_file_is_schema_valid(trees: dict[str, Path], kind: str) -> None:
    result = OpenXmlValidator(max_errors=20).validate(str(trees[kind]))
    assert result.is_valid, [
        f"{e.part_uri if hasattr(e, 'part_uri') else ''} {e.description}" for e in result.errors
    ]


def test_the_validator_catches_a_setting_out_of_schema_order(
    trees: dict[str, Path], tmp_path: Path
) -> None:
    """The check can fail: w:updateFields moved after w:listSeparator is refused."""
    with zipfile.ZipFile(trees["agreement"]) as source:
        entries = {name: source.read(name) for name in source.namelist()}
    settings = entries["word/settings.xml"].decode("utf-8")
    assert "<w:updateFields" in settings
    moved = re.sub(r"<w:updateFields [^>]*/>", "", settings).replace(
        "</w:settings>", '<w:updateFields w:val="true"/></w:settings>'
    )
    broken = tmp_path / "broken.docx"
    with zipfile.ZipFile(broken, "w") as target:
        for name, data in entries.items():
            target.writestr(name, moved.encode("utf-8") if name == "word/settings.xml" else data)
    assert not OpenXmlValidator().validate(str(broken)).is_valid


# --- the same words as the Markdown -----------------------------------------------------------

# Numbers Word's own list numbering prints (1., 3.2, (a)) are not in its text: dropped on both
# sides, as is the Markdown's own mark-up around inserted values and figure captions.
LABEL = re.compile(r"^\s*(?:\d+(?:\.\d+)*\.?|\([a-zA-Z]+\))\s+")


def _normal(text: str) -> str:
    return LABEL.sub("", text.replace("⟦", "").replace("⟧", "")).strip()


def _shown(node: etree._Element) -> str:
    """A w:t's text as Word reads it: without xml:space="preserve", its leading and trailing
    white space is dropped (ECMA-376 17.3.3.31), which is how "breach or" became "breachor"."""
    text = node.text or ""
    return text if node.get(XML_SPACE) == "preserve" else text.strip()


def _word_blocks(path: Path) -> list[str]:
    """The text of each paragraph from the first clause heading on, in reading order: every
    w:t of every run (inserted ones included, deleted ones not), tabs and breaks as spaces."""
    root = etree.fromstring(zipfile.ZipFile(path).read("word/document.xml"))
    body = root.find(f"{W}body")
    out: list[str] = []
    started = False
    for paragraph in body.iter(f"{W}p"):
        style = paragraph.find(f"{W}pPr/{W}pStyle")
        if style is not None and style.get(f"{W}val") == "Heading1":
            started = True
        if not started:
            continue
        text = "".join(
            _shown(node) if node.tag == f"{W}t" else " "
            for node in paragraph.iter(f"{W}t", f"{W}tab", f"{W}br")
        )
        if text.strip():
            out.append(_normal(text))
    return out


def _markdown_blocks(markdown: str) -> list[str]:
    """The text of each paragraph, heading and table cell from the first clause on."""
    tokens = MarkdownIt("commonmark").enable("table").parse(markdown)
    out: list[str] = []
    started = False
    for index, token in enumerate(tokens):
        if token.type == "heading_open" and re.match(r"\d+\. ", tokens[index + 1].content):
            started = True
        if not started or token.type != "inline":
            continue
        text = "".join(
            child.content if child.type in ("text", "code_inline") else " "
            for child in token.children or []
            if child.type in ("text", "code_inline", "softbreak", "hardbreak")
        )
        text = re.sub(r"^Figure: ", "", text)
        if text.strip():
            out.append(_normal(text))
    return out


@pytest.mark.parametrize("kind", ALL_KINDS)
def test_word_says_what_the_markdown_says(
    documents: dict[str, Document], trees: dict[str, Path], kind: str
) -> None:
    """Paragraph by paragraph and cell by cell, the same words with the same spaces: a writer
    that drops the space around a run ("breachor") or words a block differently fails here."""
    if kind == "redline":
        markdown = trees["redline-tree"].read_text("utf-8")
    else:
        markdown = registry.render(documents[kind], "md").decode("utf-8")
    word, expected = _word_blocks(trees[kind]), _markdown_blocks(markdown)
    assert len(expected) > 20
    for number, (ours, theirs) in enumerate(zip(word, expected, strict=False)):
        assert ours.split() == theirs.split(), f"block {number}"
        assert ours == theirs, f"block {number}: spaces differ"
    assert len(word) == len(expected)


# --- contents, pictures, tables and language --------------------------------------------------


def _contents_results(data: bytes) -> dict[str, str]:
    """Each PAGEREF's bookmark and the result Word shows until it updates the field."""
    xml = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode("utf-8")
    found = re.findall(
        r"PAGEREF (_TocClause\d+) \\h </w:instrText></w:r>"
        r'<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
        r'(?:<w:r><w:t xml:space="preserve">(\d+)</w:t></w:r>)?<w:r><w:fldChar',
        xml,
    )
    return dict(found)


def test_contents_stores_page_numbers_or_asks_word_to_update(
    documents: dict[str, Document], library: Library
) -> None:
    document = documents["agreement"]
    pages = {s.number: 2 + int(s.number) // 3 for s in document.sections}
    stored = render_docx(document, library.word_template, pages)
    assert _contents_results(stored) == {f"_TocClause{n}": str(p) for n, p in pages.items()}
    settings = zipfile.ZipFile(io.BytesIO(stored)).read("word/settings.xml")
    assert b"updateFields" not in settings
    bare = render_docx(document, library.word_template)
    assert set(_contents_results(bare).values()) == {""}
    settings = zipfile.ZipFile(io.BytesIO(bare)).read("word/settings.xml")
    assert b'<w:updateFields w:val="true"/>' in settings


def test_pictures_have_alt_text_and_tables_a_header_row(trees: dict[str, Path]) -> None:
    for kind in ("report", "agreement"):
        root = etree.fromstring(zipfile.ZipFile(trees[kind]).read("word/document.xml"))
        pictures = list(root.iter(f"{WP}docPr"))
        assert pictures, kind  # the logo; the report's charts
        assert all(p.get("descr") for p in pictures), kind
        for table in root.iter(f"{W}tbl"):
            first = table.find(f"{W}tr")
            assert first.find(f"{W}trPr/{W}tblHeader") is not None, kind
    root = etree.fromstring(zipfile.ZipFile(trees["agreement"]).read("word/document.xml"))
    assert "Logo of Northwind IT Services Ltd" in [p.get("descr") for p in root.iter(f"{WP}docPr")]


@pytest.mark.parametrize(
    ("example", "language"), [("acme-standard", "en-GB"), ("clinic-new-york", "en-US")]
)
def test_the_documents_language_is_the_agreements(
    library: Library, example: str, language: str
) -> None:
    document = assemble_document(load_agreement(EXAMPLES / f"{example}.yaml", library), library)
    parts = zipfile.ZipFile(io.BytesIO(render_docx(document, library.word_template)))
    styles, settings = parts.read("word/styles.xml"), parts.read("word/settings.xml")
    assert set(re.findall(rb'<w:lang w:val="([^"]+)"', styles)) == {language.encode()}
    assert re.findall(rb'<w:themeFontLang w:val="([^"]+)"', settings) == [language.encode()]


# --- fonts and PDF ----------------------------------------------------------------------------


def _fonts_without_cjk(tmp_path: Path) -> Path:
    """A fontconfig setup with Caladea (for Cambria) only: no font has Japanese."""
    fc_list = need_tool("fc-list")
    files = subprocess.run(
        [fc_list, "Caladea", "file"], capture_output=True, text=True, check=True
    ).stdout.split()
    if not files:
        pytest.fail("Caladea is not installed (fonts-crosextra-caladea, see .ci/run)")
    config = tmp_path / "fonts.conf"
    config.write_text(
        '<?xml version="1.0"?><fontconfig>'
        f"<dir>{Path(files[0].rstrip(':')).parent}</dir><cachedir>{tmp_path / 'cache'}</cachedir>"
        "</fontconfig>",
        "utf-8",
    )
    return config


def test_characters_no_font_has_are_found(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fc_list = need_tool("fc-list")
    japanese = subprocess.run([fc_list, ":lang=ja", "family"], capture_output=True, text=True,
                              check=True).stdout.strip()  # fmt: skip
    if not japanese:
        missing("needs a font with Japanese (fonts-noto-cjk, see .ci/run)")
    assert uncovered("Acme & Co £5 – “quoted” 株式会社") == ""  # fonts-noto-cjk has them
    monkeypatch.setenv("FONTCONFIG_FILE", str(_fonts_without_cjk(tmp_path)))
    assert uncovered("Acme & Co £5 – “quoted” 株式会社") == "会式株社"


@pytest.mark.libreoffice
@pytest.mark.timeout(300)
def test_pdf_a_with_stored_contents_pages_and_a_warning_for_missing_glyphs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """One LibreOffice run: render --format docx,pdf --pdf-a of the agreement with a Japanese
    name, on a machine whose only font is Caladea."""
    need_tool("soffice", "libreoffice")
    pdftotext, pdfinfo, pdffonts = (need_tool(n) for n in ("pdftotext", "pdfinfo", "pdffonts"))
    monkeypatch.setenv("FONTCONFIG_FILE", str(_fonts_without_cjk(tmp_path)))
    copy_examples(tmp_path, "special-characters.yaml")
    out = tmp_path / "out"
    code = main(
        [
            "render",
            str(tmp_path / "special-characters.yaml"),
            "--out",
            str(out),
            "--format",
            "docx,pdf",
            "--pdf-a",
        ]
    )
    captured = capsys.readouterr()
    assert code == 0
    pdf = out / "special-characters.pdf"
    assert f"Warning: {pdf}: no installed font has " in captured.err.replace("\n", " ")
    assert "株 (U+682A)" in captured.err
    info = subprocess.run([pdfinfo, str(pdf)], capture_output=True, text=True).stdout
    assert re.search(r"^Tagged:\s+yes$", info, re.M)
    meta = subprocess.run([pdfinfo, "-meta", str(pdf)], capture_output=True, text=True).stdout
    assert (
        "<pdfaid:part>2</pdfaid:part>" in meta
        and "<pdfaid:conformance>B</pdfaid:conformance>" in meta
    )
    fonts = subprocess.run(
        [pdffonts, str(pdf)], capture_output=True, text=True
    ).stdout.splitlines()[2:]
    assert fonts and all(line.split()[-5] == "yes" for line in fonts), fonts  # "emb" column
    # The Word file's contents stores the pages LibreOffice printed in the PDF's contents.
    contents = subprocess.run(
        [pdftotext, "-layout", "-f", "2", "-l", "2", str(pdf), "-"], capture_output=True, text=True
    ).stdout
    printed = dict(re.findall(r"^\s*(\d+)\.\s+.*?\.{3,}\s*(\d+)\s*$", contents, re.M))
    stored = _contents_results((out / "special-characters.docx").read_bytes())
    assert printed and stored == {f"_TocClause{n}": p for n, p in printed.items()}
    settings = zipfile.ZipFile(out / "special-characters.docx").read("word/settings.xml")
    assert b"updateFields" not in settings


def test_plain_pdf_is_tagged_but_not_pdf_a() -> None:
    from slawriter.render.pdf import export_filter

    assert '"UseTaggedPDF":{"type":"boolean","value":"true"}' in export_filter(False)
    assert "SelectPdfVersion" not in export_filter(False)
    assert '"SelectPdfVersion":{"type":"long","value":"2"}' in export_filter(True)


def test_chart_alt_text_gives_the_figures_and_the_logo_reads_the_same_everywhere(
    documents: dict[str, Document], trees: dict[str, Path]
) -> None:
    import html
    import re

    root = etree.fromstring(zipfile.ZipFile(trees["report"]).read("word/document.xml"))
    described = [p.get("descr") for p in root.iter(f"{WP}docPr")]
    compliance = next(d for d in described if d.startswith("Compliance per priority"))
    downtime = next(d for d in described if d.startswith("Downtime against allowed downtime"))
    # The figures, not the caption again: every priority and service with its numbers.
    assert re.fullmatch(r"Compliance per priority, response and resolution: (P\d [^,]+(, )?)+",
                        compliance)  # fmt: skip
    assert re.search(r"P2 100% and 66\.7%", compliance), compliance
    assert re.fullmatch(
        r"Downtime against allowed downtime: ([\w-]+ [\d,.]+ of [\d,.]+ minutes(, )?)+", downtime
    )
    page = registry.render(documents["report"], "html").decode("utf-8")
    alts = [html.unescape(a) for a in re.findall(r'<img[^>]* alt="([^"]*)"', page)]
    assert compliance in alts and downtime in alts
    agreement = registry.render(documents["agreement"], "html").decode("utf-8")
    assert 'alt="Logo of Northwind IT Services Ltd"' in agreement
