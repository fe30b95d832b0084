"""One renderer registry: the agreement, the report, the clause book and the memo are document
trees written by the same writers, chosen by format name in slawriter/render/registry.py."""

from __future__ import annotations

import io
import re
import subprocess
import zipfile
from dataclasses import replace
from datetime import UTC, date, datetime
from html.parser import HTMLParser
from pathlib import Path

import docx
import pytest

from slawriter.cli import main
from slawriter.drafting.assemble import assemble_document
from slawriter.errors import InputError
from slawriter.feasibility import check_agreements
from slawriter.feasibility.memo import build_memo
from slawriter.files.load import load_agreement
from slawriter.library import Clause, Library, builtin_library_root
from slawriter.measure.charts import compliance_chart, downtime_chart
from slawriter.measure.documents import report_document
from slawriter.measure.run import Inputs, compute
from slawriter.render import registry
from slawriter.render.document import Columns, Document, Image, Paragraph, Run
from slawriter.review.book import VariantRenderer, VariantText, build_book, load_examples
from tests.conftest import EXAMPLES, copy_examples, need_tool

KINDS = ("agreement", "report", "book", "memo")
AS_OF = datetime(2027, 2, 5, 12, tzinfo=UTC)
SPECIAL_NAME = "Smith & Sons <Holdings> \"Star\" 'Quote' *Star*_Co_ | Ωμέγα Λτδ 株式会社"


@pytest.fixture(scope="module")
def library() -> Library:
    return Library(builtin_library_root())


@pytest.fixture(scope="module")
def documents(library: Library) -> dict[str, Document]:
    """Each kind of document, built by its own builder from the examples."""
    loaded = load_agreement(EXAMPLES / "acme-standard.yaml", library)
    inputs = Inputs(
        loaded.agreement,
        loaded.provider,
        "acme-standard.yaml",
        EXAMPLES / "acme-2027-01-tickets.csv",
        EXAMPLES / "acme-2027-01-outages.csv",
        "2027-01",
        AS_OF,
    )
    report = compute(inputs)
    charts = {
        "compliance": compliance_chart(report.months),
        "downtime": downtime_chart(report.months),
    }
    examples, _, filters = load_examples(library, [EXAMPLES / "acme-standard.yaml"])
    renderer = VariantRenderer(library, examples, filters)
    return {
        "agreement": assemble_document(loaded, library),
        "report": report_document(report, loaded.agreement, loaded.provider, charts),
        "book": build_book(library, renderer.render, "Clause Book", "test", date(2027, 1, 1)),
        "memo": build_memo(check_agreements([loaded], library, portfolio=False)),
    }


class _Page(HTMLParser):
    """The text of an HTML page, its h2 headings and its images' sources."""

    def __init__(self, page: str) -> None:
        super().__init__()
        self.text: list[str] = []
        self.headings: list[str] = []
        self.images: list[str] = []
        self._in_h2 = False
        self.feed(page)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "h2":
            self._in_h2 = True
            self.headings.append("")
        if tag == "img":
            self.images.append(dict(attrs).get("src") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "h2":
            self._in_h2 = False

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._in_h2:
            self.headings[-1] += data


# --- every document in every format -----------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_each_document_in_markdown_html_and_word(
    documents: dict[str, Document], library: Library, kind: str
) -> None:
    document = documents[kind]
    titles = [f"{s.number}. {s.title}" for s in document.sections]
    outputs = registry.render_all(document, ["md", "html", "docx"], template=library.word_template)
    assert list(outputs) == ["md", "html", "docx"]
    markdown = outputs["md"].decode("utf-8")
    # A draft's marking comes first, then the title.
    mark = f"> **{document.cover.draft_notice}**\n\n" if document.cover.draft else ""
    assert markdown.startswith(f"{mark}# {document.cover.title}\n")
    headings = re.findall(r"^## (.*)$", markdown, re.M)
    assert [h for h in headings if h[:1].isdigit()] == titles
    assert ("Signatures" in headings) == document.signatures
    page = _Page(outputs["html"].decode("utf-8"))
    assert [h for h in page.headings if h[:1].isdigit()] == titles
    assert ("Signatures" in page.headings) == document.signatures
    word = docx.Document(io.BytesIO(outputs["docx"]))
    styles = [(p.style.name if p.style is not None else "", p.text) for p in word.paragraphs]
    assert [text for style, text in styles if style == "Heading 1"] == [
        s.title for s in document.sections
    ]
    # The same document gives the same bytes in every format.
    again = registry.render_all(document, ["md", "html", "docx"], template=library.word_template)
    assert again == outputs


@pytest.mark.libreoffice
@pytest.mark.timeout(300)
def test_each_document_as_pdf(documents: dict[str, Document], library: Library) -> None:
    pdftotext = need_tool("pdftotext")
    need_tool("soffice", "libreoffice")
    # The agreement's PDF goes through the same registry in test_render.py (slawriter render).
    for kind in ("report", "book", "memo"):
        document = documents[kind]
        pdf = registry.render(document, "pdf", template=library.word_template)
        assert pdf.startswith(b"%PDF"), kind
        text = subprocess.run(
            [pdftotext, "-", "-"], input=pdf, capture_output=True, check=True, timeout=60
        ).stdout.decode("utf-8")
        assert document.cover.title in text, kind
        assert document.sections[-1].title in text, kind


# --- what one writer for all fixed -------------------------------------------------------------


def test_the_books_html_keeps_images(library: Library) -> None:
    """The book's own HTML writer dropped pictures; the shared one keeps them, in Word too."""
    logo = (EXAMPLES / "northwind-logo.png").read_bytes()

    def with_a_picture(clause: Clause, number: str) -> VariantText:
        blocks = (
            Paragraph((Run("See the diagram."),), f"{number}.1"),
            Image(logo, 40, "Escalation path: you & <us>"),
        )
        return VariantText(clause, blocks, "example.yaml")

    book = build_book(library, with_a_picture, "Clause Book", "test", date(2027, 1, 1))
    variants = sum(
        len(b.columns) for s in book.sections for b in s.blocks if isinstance(b, Columns)
    )
    page_text = registry.render(book, "html").decode("utf-8")
    page = _Page(page_text)
    assert len([s for s in page.images if s.startswith("data:image/png;base64,")]) == variants
    assert "<figcaption>Escalation path: you &amp; &lt;us&gt;</figcaption>" in page_text
    word = registry.render(book, "docx", template=library.word_template)
    with zipfile.ZipFile(io.BytesIO(word)) as package:
        media = [n for n in package.namelist() if n.startswith("word/media/")]
    assert media  # one picture, stored once however often it is shown


def test_html_keeps_the_numbering(documents: dict[str, Document]) -> None:
    """The report's HTML writer printed neither paragraph numbers nor list labels; the one HTML
    writer prints what every other format prints: sections, "2.1", "(a)"."""
    report = registry.render(documents["report"], "html").decode("utf-8")
    assert "<h2>1. Summary</h2>" in report
    assert '<a href="#clause-7">7. How the figures were calculated</a>' in report
    memo = registry.render(documents["memo"], "html").decode("utf-8")
    assert '<span class="num">2.1</span><strong>Note (uptime-vs-recovery). </strong>' in memo
    agreement = registry.render(documents["agreement"], "html").decode("utf-8")
    assert re.search(r'<span class="num">1\.1</span>', agreement)
    assert '<ol class="labelled"><li><span class="num">(a)</span>' in agreement
    # Markdown and Word print the same labels.
    markdown = registry.render(documents["agreement"], "md").decode("utf-8")
    assert "**1.1** " in markdown and "- (a) " in markdown


def test_html_escapes_every_inserted_value(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    copy_examples(tmp_path, "special-characters.yaml")
    monkeypatch.chdir(tmp_path)
    assert main(["render", "special-characters.yaml", "--out", "out", "--format", "html"]) == 0
    raw = (tmp_path / "out" / "special-characters.html").read_text("utf-8")
    assert "<Holdings>" not in raw and "<all>" not in raw
    text = "".join(_Page(raw).text)
    assert SPECIAL_NAME in text
    assert "Office IT <all> & more | everything_else" in text
    assert 'NW-SB-2027-099 <draft & "final">' in text
    assert "Zoë O'Brien-Łukasiewicz" in text and "Director *& Founder*" in text
    # The book marks the same values, escaped the same way.
    example = str(tmp_path / "special-characters.yaml")
    assert main(["clauses", "book", "--out", "book.html", "--example", example]) == 0
    book = (tmp_path / "book.html").read_text("utf-8")
    marked = re.findall(r"<mark>(?:<strong>)?(.*?)(?:</strong>)?</mark>", book)
    assert (
        "Smith &amp; Sons &lt;Holdings&gt; &quot;Star&quot; &#x27;Quote&#x27; *Star*_Co_ | "
        "Ωμέγα Λτδ 株式会社"
    ) in marked


# --- the registry -----------------------------------------------------------------------------


def test_a_format_is_one_module_and_one_entry(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Registering tests/toy_format.py makes every command write it."""
    entry = registry.Format("txt", "tests.toy_format", "plain text")
    monkeypatch.setitem(registry.FORMATS, "txt", entry)
    copy_examples(tmp_path, "acme-standard.yaml")
    for name in ("acme-2027-01-tickets.csv", "acme-2027-01-outages.csv"):
        (tmp_path / name).write_bytes((EXAMPLES / name).read_bytes())
    monkeypatch.chdir(tmp_path)
    assert main(["render", "acme-standard.yaml", "--out", "out", "--format", "txt,md"]) == 0
    report = ["report", "acme-standard.yaml", "--tickets", "acme-2027-01-tickets.csv",
              "--outages", "acme-2027-01-outages.csv", "--period", "2027-01",
              "--as-of", "2027-02-05T12:00", "--out", "reports", "--format", "txt"]  # fmt: skip
    assert main(report) == 0
    assert main(["clauses", "book", "--out", "book.txt"]) == 0
    assert main(["check", "acme-standard.yaml", "--memo", "memo.txt"]) == 0
    out = capsys.readouterr().out
    assert "-> out/acme-standard.txt, out/acme-standard.md" in out
    files = {
        "out/acme-standard.txt": ("TOY Service Level Agreement", "1. Parties, Background"),
        "reports/acme-standard-2027-01.txt": ("TOY Service Level Report", "7. How the figures"),
        "book.txt": ("TOY Clause Book", "Variant standard: Parties, Background and Term"),
        "memo.txt": ("TOY Feasibility memo (internal)", "1. Summary"),
    }
    for name, expected in files.items():
        text = (tmp_path / name).read_text("utf-8")
        assert all(part in text for part in expected), name
    # The new format is among the known ones in every refusal.
    assert main(["render", "acme-standard.yaml", "--format", "rtf"]) == 2
    assert "txt (plain text)" in capsys.readouterr().err


def test_an_unknown_format_is_refused_with_the_known_ones(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    documents: dict[str, Document],
) -> None:
    copy_examples(tmp_path, "acme-standard.yaml")
    monkeypatch.chdir(tmp_path)
    known = "docx (Word), html (a web page), md (Markdown), pdf (PDF, converted from Word"
    commands = [
        ["render", "acme-standard.yaml", "--format", "docx,rtf"],
        ["report", "acme-standard.yaml", "--tickets", "t.csv", "--period", "2027-01",
         "--format", "rtf"],
        ["check", "acme-standard.yaml", "--memo", "memo.rtf"],
        ["clauses", "book", "--out", "book.rtf"],
    ]  # fmt: skip
    for args in commands:
        assert main(args) == 2, args
        err = capsys.readouterr().err
        assert "unknown format 'rtf'" in err and known in err, args
    assert not list(tmp_path.glob("**/*.rtf")) and not (tmp_path / "out").exists()
    with pytest.raises(InputError, match="unknown format 'rtf': slawriter writes docx"):
        registry.render(documents["memo"], "rtf")
    with pytest.raises(InputError, match="--format: no format given"):
        registry.parse_formats(" , ")


def test_a_writer_sees_only_the_tree(documents: dict[str, Document], library: Library) -> None:
    """Marked runs and side-by-side columns are the tree's, not the book's: any document may
    use them, and Markdown shows them as the book always has."""
    memo = documents["memo"]
    first = memo.sections[0]
    extra = Columns(
        ((Paragraph((Run("left "), Run("value", marked=True))),), ((Paragraph((Run("right"),)),)))
    )
    changed = replace(
        memo, sections=(replace(first, blocks=(*first.blocks, extra)), *memo.sections[1:])
    )
    markdown = registry.render(changed, "md").decode("utf-8")
    assert "left ⟦value⟧\n\nright\n" in markdown
    html = registry.render(changed, "html").decode("utf-8")
    assert '<div class="columns"><div class="column"><p>left <mark>value</mark></p></div>' in html


def test_checking_formats_imports_only_the_writers_that_need_a_program() -> None:
    """`--format docx,md,html` is checked before any work without importing those writers
    (python-docx, docxtpl and jinja2 cost a report ~50 ms before its exports are read);
    only pdf's writer has a check to run."""
    import sys

    probe = (
        "import sys\n"
        "from slawriter.render import registry\n"
        "registry.check_available(['docx', 'md', 'html'])\n"
        "print(sorted(m for m in ('docx', 'docxtpl', 'slawriter.render.word', "
        "'slawriter.render.html') if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.strip() == "[]"
    assert registry.get("pdf").needs_program
    assert not any(registry.get(name).needs_program for name in ("docx", "md", "html"))
