"""Rendering the examples: golden Markdown, the Word document reopened, PDF via LibreOffice."""

from __future__ import annotations

import os
import re
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest

from slawriter.cli import main
from tests.conftest import EXAMPLES, ROOT, copy_examples, need_tool

GOLDEN = ROOT / "tests" / "golden"
AGREEMENTS = ["acme-standard", "corner-shop-smb", "special-characters"]
SPECIAL_NAME = "Smith & Sons <Holdings> \"Star\" 'Quote' *Star*_Co_ | Ωμέγα Λτδ 株式会社"


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("out")
    paths = [str(EXAMPLES / f"{name}.yaml") for name in AGREEMENTS]
    assert main(["render", *paths, "--out", str(out), "--format", "docx,md"]) == 0
    return out


def headings_in_markdown(text: str) -> list[str]:
    return re.findall(r"^## \d+\. (.+)$", text, flags=re.MULTILINE)


@pytest.mark.parametrize("name", AGREEMENTS)
def test_markdown_matches_golden(rendered: Path, name: str) -> None:
    produced = (rendered / f"{name}.md").read_text("utf-8")
    golden = GOLDEN / f"{name}.md"
    if os.environ.get("SLAWRITER_UPDATE_GOLDEN"):
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(produced, "utf-8")
    assert golden.exists(), "run with SLAWRITER_UPDATE_GOLDEN=1 once to create the golden file"
    assert produced == golden.read_text("utf-8")


@pytest.mark.parametrize("name", AGREEMENTS)
def test_word_document_structure(rendered: Path, name: str) -> None:
    markdown = (rendered / f"{name}.md").read_text("utf-8")
    document = docx.Document(str(rendered / f"{name}.docx"))
    heading_1 = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert heading_1 == headings_in_markdown(markdown)
    assert len(heading_1) >= 10
    styles = {p.style.name for p in document.paragraphs}
    assert {"Title", "Heading 1", "toc 1", "Clause 2"} <= styles
    assert document.tables, "the agreement has tables"
    core = document.core_properties
    assert core.title and core.author == "Northwind IT Services Ltd"


def all_xml(path: Path) -> str:
    with zipfile.ZipFile(path) as package:
        return "".join(
            package.read(n).decode("utf-8") for n in package.namelist() if n.endswith(".xml")
        )


@pytest.mark.parametrize("name", AGREEMENTS)
def test_no_template_syntax_left_anywhere(rendered: Path, name: str) -> None:
    for text in (all_xml(rendered / f"{name}.docx"), (rendered / f"{name}.md").read_text("utf-8")):
        for marker in ("{{", "}}", "{%", "%}", "{#"):
            assert marker not in text


def table_cells(table) -> list[list[str]]:  # type: ignore[no-untyped-def]
    return [[cell.text for cell in row.cells] for row in table.rows]


def test_standard_agreement_tables(rendered: Path) -> None:
    document = docx.Document(str(rendered / "acme-standard.docx"))
    tables = [table_cells(t) for t in document.tables]
    matrix = next(t for t in tables if t[0][:3] == ["Priority", "Response", "Resolution"])
    assert matrix[1][:4] == ["P1 Critical", "30 minutes", "4 hours", "1 hour"]
    assert matrix[2][:4] == ["P2 High", "1 Business Hour", "8 Business Hours", "2 Business Hours"]
    assert matrix[3][2] == "2 Business Days"
    text = "\n".join(p.text for p in document.paragraphs)
    # The worked example of the clock, computed from the agreement's own calendar: the first
    # weekend of January 2027 (1 January is a public holiday, so not that Friday).
    assert (
        "an Incident logged on Friday 8 January 2027 at 17:25 and responded to on Monday "
        "11 January 2027 at 08:35 has a measured response time of 10 minutes"
    ) in text


def test_custom_properties_carry_provenance(rendered: Path) -> None:
    xml = zipfile.ZipFile(rendered / "acme-standard.docx").read("docProps/custom.xml").decode()
    assert "slawriter_version" in xml and "agreement_sha256" in xml
    assert "clause.response-resolution" in xml and "standard 1.0.0" in xml
    assert "profile" in xml


def test_nothing_internal_reaches_the_customer(tmp_path: Path) -> None:
    """Marker values planted in every internal section never appear in the documents."""
    copy_examples(tmp_path, "acme-standard.yaml")
    provider = tmp_path / "provider.yaml"
    provider.write_text(
        provider.read_text("utf-8")
        .replace("    attend_within: 30m", "    attend_within: 37m")
        .replace("  required_service_level: 95", "  required_service_level: 93.217"),
        "utf-8",
    )
    agreement = tmp_path / "acme-standard.yaml"
    agreement.write_text(
        agreement.read_text("utf-8")
        .replace("description: File server FS01,", "description: ZQX-INTERNAL-ASSET,")
        .replace("  expected_tickets:", "  notes: ZQX-INTERNAL-NOTE\n  expected_tickets:"),
        "utf-8",
    )
    out = tmp_path / "out"
    assert main(["render", str(agreement), "--out", str(out)]) == 0
    for text in (all_xml(out / "acme-standard.docx"), (out / "acme-standard.md").read_text()):
        for marker in (
            "ZQX-INTERNAL",
            "93.217",
            "37 minutes",
            "expected_tickets",
            "spares_on_site",
            "restore_time",
        ):
            assert marker not in text, marker


def test_special_characters_come_out_exactly_as_typed(rendered: Path) -> None:
    markdown = (rendered / "special-characters.md").read_text("utf-8")
    document = docx.Document(str(rendered / "special-characters.docx"))
    body = "\n".join(p.text for p in document.paragraphs)
    cells = "\n".join(c.text for t in document.tables for r in t.rows for c in r.cells)
    header = "\n".join(p.text for s in document.sections for p in s.header.paragraphs)
    assert SPECIAL_NAME in body + cells
    assert SPECIAL_NAME in header
    assert "Office IT <all> & more | everything_else" in cells
    assert 'NW-SB-2027-099 <draft & "final">' in body + cells
    # Markdown: parsed back by a CommonMark parser, the name is literal text.
    from markdown_it import MarkdownIt

    html = MarkdownIt("commonmark").enable("table").render(markdown)
    assert "Smith &amp; Sons &lt;Holdings&gt; &quot;Star&quot; 'Quote' *Star*_Co_ | Ωμέγα" in html


def test_rendering_is_deterministic(tmp_path: Path) -> None:
    """Same input, same bytes, even when the clock has moved on: the second render runs with
    every clock (time, datetime, date) frozen years later, so no wall-clock time can leak."""
    from freezegun import freeze_time

    first, second = tmp_path / "first", tmp_path / "second"
    agreement = str(EXAMPLES / "acme-standard.yaml")
    assert main(["render", agreement, "--out", str(first)]) == 0
    with freeze_time("2031-07-15 13:37:42"):
        assert main(["render", agreement, "--out", str(second)]) == 0
    for name in ("acme-standard.docx", "acme-standard.md"):
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_edited_output_is_not_overwritten(tmp_path: Path, capsys) -> None:
    agreement = str(EXAMPLES / "corner-shop-smb.yaml")
    assert main(["render", agreement, "--out", str(tmp_path)]) == 0
    target = tmp_path / "corner-shop-smb.md"
    target.write_text(target.read_text("utf-8") + "\nA note added by hand.\n", "utf-8")
    edited = target.read_bytes()
    capsys.readouterr()
    assert main(["render", agreement, "--out", str(tmp_path)]) == 3
    err = capsys.readouterr().err
    assert "corner-shop-smb.md was edited after slawriter wrote it" in err
    assert "--force" in err
    assert target.read_bytes() == edited
    assert main(["render", agreement, "--out", str(tmp_path), "--force"]) == 0
    assert b"A note added by hand." not in target.read_bytes()
    assert (tmp_path / "corner-shop-smb.slawriter.json").exists()


def test_small_business_agreement_is_at_most_half_as_long(rendered: Path, tmp_path: Path) -> None:
    # Like for like: the small-business example is stand-alone (no master agreement), so it
    # carries the general terms; so does the standard example once its master agreement goes.
    copy_examples(tmp_path, "acme-standard.yaml")
    acme = tmp_path / "acme-standard.yaml"
    text = acme.read_text("utf-8")
    acme.write_text(re.sub(r"(?m)^  master_agreement: .*\n", "", text), "utf-8")
    assert main(["render", str(acme), "--out", str(tmp_path / "out"), "--format", "md"]) == 0
    standard = len((tmp_path / "out" / "acme-standard.md").read_text("utf-8").split())
    small = len((rendered / "corner-shop-smb.md").read_text("utf-8").split())
    assert "## 19. Fees and Payment" in (tmp_path / "out" / "acme-standard.md").read_text("utf-8")
    assert small <= standard / 2, (small, standard)


@pytest.mark.libreoffice
def test_libreoffice_opens_the_documents(tmp_path: Path) -> None:
    need_tool("soffice", "libreoffice")
    pdftotext = need_tool("pdftotext")
    out = tmp_path / "out"
    paths = [str(EXAMPLES / f"{name}.yaml") for name in ("acme-standard", "special-characters")]
    assert main(["render", *paths, "--out", str(out), "--format", "docx,pdf"]) == 0
    text = subprocess.run(
        [pdftotext, "-layout", str(out / "acme-standard.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "Service Level Agreement" in text
    assert "Acme Precision Engineering Ltd" in text
    assert re.search(r"Page 2 of \d+", text)
    assert re.search(r"^\s*1\.\s+\S", text, flags=re.MULTILINE), "numbered clause headings"
    assert re.search(r"\b3\.1\b", text), "numbered sub-clauses"
    special = subprocess.run(
        [pdftotext, str(out / "special-characters.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    flat = " ".join(special.split())
    assert "Smith & Sons <Holdings>" in flat
    assert "Ωμέγα Λτδ 株式会社" in flat, "non-Latin names need their fonts (fonts-noto-cjk)"


HOSTILE = [
    "# Not a heading \\ back\\slash `tick` [link](x) ![img](y)",
    "1. Not a list &amp; &#169; <b>bold</b> ~~strike~~",
    "- dash + plus > quote = equals | pipe",
    "Emoji 🚀 and RTL שלום مرحبا and a verylongwordwithoutanybreaksatallforlayouttesting",
]


@pytest.mark.parametrize("value", HOSTILE)
def test_values_come_out_exactly_as_typed_through_the_whole_pipeline(
    tmp_path: Path, value: str
) -> None:
    from markdown_it import MarkdownIt
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString

    copy_examples(tmp_path, "corner-shop-smb.yaml")
    agreement = tmp_path / "corner-shop-smb.yaml"
    quoted = DoubleQuotedScalarString(value)
    import io

    from ruamel.yaml import YAML

    buffer = io.StringIO()
    YAML().dump({"name": quoted}, buffer)
    line = buffer.getvalue().strip()  # name: "...", escaped for YAML by ruamel itself
    agreement.write_text(
        agreement.read_text("utf-8").replace("  name: Harbourside Dental Practice", f"  {line}"),
        "utf-8",
    )
    out = tmp_path / "out"
    assert main(["render", str(agreement), "--out", str(out)]) == 0
    document = docx.Document(str(out / "corner-shop-smb.docx"))
    body = [p.text for p in document.paragraphs]
    assert value in body, "the cover shows the customer's name as its own paragraph"
    header = " ".join(p.text for s in document.sections for p in s.header.paragraphs)
    assert value in header
    markdown = (out / "corner-shop-smb.md").read_text("utf-8")
    texts = [
        "".join(c.content for c in t.children or [] if c.type in ("text", "softbreak"))
        for t in MarkdownIt("commonmark").enable("table").parse(markdown)
        if t.type == "inline"
    ]
    assert any(value in text for text in texts)


def test_a_batch_renders_in_parallel_to_the_same_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A batch large enough for the process pool gives the bytes the serial path gives."""
    import slawriter.pipeline.render

    copy_examples(tmp_path, "corner-shop-smb.yaml")
    source = (tmp_path / "corner-shop-smb.yaml").read_text("utf-8")
    names = []
    for index in range(slawriter.pipeline.render.PARALLEL_FROM):
        name = tmp_path / f"shop-{index}.yaml"
        name.write_text(source.replace("NW-SB-2027-031", f"NW-SB-2027-{index:03d}"), "utf-8")
        names.append(str(name))
    assert main(["render", *names, "--out", str(tmp_path / "parallel")]) == 0
    monkeypatch.setattr(slawriter.pipeline.render, "PARALLEL_FROM", 10_000)
    assert main(["render", *names, "--out", str(tmp_path / "serial")]) == 0
    for index in range(len(names)):
        for ext in ("docx", "md"):
            produced = (tmp_path / "parallel" / f"shop-{index}.{ext}").read_bytes()
            assert produced == (tmp_path / "serial" / f"shop-{index}.{ext}").read_bytes()
    assert f"NW-SB-2027-{len(names) - 1:03d}" in (
        tmp_path / "parallel" / f"shop-{len(names) - 1}.md"
    ).read_text("utf-8")


def test_a_bad_file_in_a_parallel_batch_is_reported_with_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import slawriter.pipeline.render

    copy_examples(tmp_path, "corner-shop-smb.yaml")
    source = (tmp_path / "corner-shop-smb.yaml").read_text("utf-8")
    names = []
    for index in range(slawriter.pipeline.render.PARALLEL_FROM):
        text = (
            source
            if index != 3
            else source.replace("  effective_date: 2027-02-15", "  effective_date: someday")
        )
        (tmp_path / f"shop-{index}.yaml").write_text(text, "utf-8")
        names.append(str(tmp_path / f"shop-{index}.yaml"))
    assert main(["render", *names, "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "shop-3.yaml:8:3: agreement.effective_date:" in err
    assert not (tmp_path / "out").exists()
