"""The clause library tools for legal reviewers: lint (this file), provenance, init, book."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from slawriter.cli import main
from tests.conftest import EXAMPLES, ROOT, copy_examples, need_tool

CLAUSE_HEAD = """---
id: {id}
variant: {variant}
title: {title}
section: {section}
order: 900
version: 1.0.0
status: {status}
approved_by: Jane Smith (Legal)
approved_on: 2026-11-25
profiles: [standard]
{extra}---
"""


@pytest.fixture
def library(tmp_path: Path) -> Path:
    root = tmp_path / "library"
    for part in ("clauses", "profiles", "templates"):
        shutil.copytree(ROOT / part, root / part)
    return root


def add_clause(
    library: Path,
    name: str,
    body: str,
    *,
    clause_id: str = "extra",
    variant: str = "standard",
    section: str = "extra",
    status: str = "approved",
    extra: str = "",
) -> Path:
    path = library / "clauses" / name
    head = CLAUSE_HEAD.format(
        id=clause_id, variant=variant, title="Extra", section=section, status=status, extra=extra
    )
    path.write_text(head + body, "utf-8")
    return path


def rewrite_zip(path: Path, member: str, old: str, new: str) -> None:
    import zipfile

    with zipfile.ZipFile(path) as source:
        entries = {name: source.read(name) for name in source.namelist()}
    text = entries[member].decode("utf-8")
    assert old in text
    entries[member] = text.replace(old, new).encode("utf-8")
    with zipfile.ZipFile(path, "w") as target:
        for name, data in entries.items():
            target.writestr(name, data)


def lint(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[str]]:
    code = main(["clauses", "lint", *args])
    return code, capsys.readouterr().out.splitlines()


def finding(lines: list[str], where: str, kind: str, *words: str) -> str:
    """The one output line at ``where`` (file:line) of ``kind`` containing ``words``."""
    found = [
        line
        for line in lines
        if line.startswith(f"{where}: [{kind}]") and all(w in line for w in words)
    ]
    assert found, f"no [{kind}] finding at {where} with {words} in:\n" + "\n".join(lines)
    return found[0]


def test_the_built_in_library_lints_clean(capsys: pytest.CaptureFixture[str]) -> None:
    code, lines = lint(capsys)
    assert code == 0, "\n".join(lines)
    assert lines == [f"the built-in library: clean ({len(list((ROOT / 'clauses').glob('*.md')))} "
                     "clause files, 2 profiles)"]  # fmt: skip


def test_one_planted_defect_of_each_kind(
    library: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(library)
    # schema: a status that does not exist
    add_clause(library, "bad-status.standard.md", "Text.\n", clause_id="bad-status",
               status="final")  # fmt: skip
    # duplicate: the scope clause again under another file name
    shutil.copy(library / "clauses" / "scope.standard.md", library / "clauses" / "scope2.md")
    # syntax: an unclosed if (body line 2 = file line 14)
    add_clause(library, "broken.standard.md", "Fine.\n{% if credits %}\nNever closed.\n",
               clause_id="broken")  # fmt: skip
    # unknown names: a misspelt name, a misspelt field, a misspelt field of a loop variable
    add_clause(
        library,
        "typos.standard.md",
        "{{ custmer.name }}\n{{ customer.nmae }}\n"
        "{% for s in services %}{{ s.uptime.targt }}{% endfor %}\n"
        "{% for pid, p in priorities.items() %}{{ p.respons }}{% endfor %}\n"
        "{{ agreement.effective_date | dte }}\n",
        clause_id="typos",
    )
    # conditions: one that does not parse, one with an unknown field
    add_clause(library, "cond1.standard.md", "Text.\n", clause_id="cond1",
               extra="condition: credits and\n")  # fmt: skip
    add_clause(library, "cond2.standard.md", "Text.\n", clause_id="cond2",
               extra="condition: credits.tires\n")  # fmt: skip
    # missing section: the standard profile requires one nobody provides
    profile = library / "profiles" / "standard.yaml"
    text = profile.read_text("utf-8")
    profile.write_text(text.replace("requires: [parties,", "requires: [warranty, parties,"))
    # unreachable: a variant no profile lists and that is not a fallback
    add_clause(library, "uptime.generous.md", "Text.\n", clause_id="uptime",
               variant="generous", section="uptime")  # fmt: skip
    # an approved fallback that includes a draft fallback
    add_clause(library, "exit.draft-text.md", "Draft words.\n", clause_id="exit",
               variant="draft-text", section="exit", status="draft",
               extra="position: Data returned within 60 days\n")  # fmt: skip
    add_clause(library, "exit.long.md", 'Before.\n{% include "exit.draft-text.md" %}\n',
               clause_id="exit", variant="long", section="exit",
               extra="position: Data returned within 90 days\n")  # fmt: skip
    # unmeasurable wording from the shared list
    add_clause(library, "vague.standard.md", "Fine.\nWe will use best efforts to fix it.\n",
               clause_id="vague")  # fmt: skip
    # the Word master template: a placeholder slawriter does not fill
    rewrite_zip(library / "templates" / "agreement.docx", "word/document.xml",
                "{{ version }}", "{{ verison }}")  # fmt: skip
    # layout the assembler refuses: a heading inside a clause
    add_clause(library, "heading.standard.md", "Fine.\n## Not allowed\n", clause_id="heading")
    # sandbox escapes: internals by attribute, by item, and by the attr filter
    add_clause(
        library,
        "escape.standard.md",
        "{{ customer.__class__.__mro__ }}\n{{ customer['_secret'] }}\n"
        "{{ customer | attr('__init__') }}\n{{ cycler.__init__.__globals__ }}\n",
        clause_id="escape",
    )

    code, lines = lint(capsys, "--library", ".")
    assert code == 1
    finding(lines, "clauses/bad-status.standard.md:8", "schema", "status")
    finding(lines, "clauses/scope2.md:3", "duplicate", "scope", "scope.standard.md")
    finding(lines, "clauses/broken.standard.md:14", "syntax", "Jinja syntax error")
    finding(lines, "clauses/typos.standard.md:13", "unknown-name", "'custmer'",
            "did you mean 'customer'")  # fmt: skip
    finding(lines, "clauses/typos.standard.md:14", "unknown-name", "'nmae'", "'name'")
    finding(lines, "clauses/typos.standard.md:15", "unknown-name", "'targt'", "'target'")
    finding(lines, "clauses/typos.standard.md:16", "unknown-name", "'respons'", "'response'")
    finding(lines, "clauses/typos.standard.md:17", "unknown-name", "'dte'", "'date'")
    finding(lines, "clauses/cond1.standard.md:12", "condition", "does not parse")
    finding(lines, "clauses/cond2.standard.md:12", "condition", "'tires'", "'tiers'")
    finding(lines, "profiles/standard.yaml:32", "missing-section", "'warranty'")
    finding(lines, "clauses/uptime.generous.md:3", "unreachable", "'generous'")
    finding(lines, "clauses/exit.long.md:15", "draft-include", "exit.draft-text.md", "draft")
    finding(lines, "clauses/vague.standard.md:14", "wording", "'best efforts'")
    finding(lines, "clauses/heading.standard.md:14", "layout", "a heading")
    finding(lines, "templates/agreement.docx", "template", "'verison'")
    finding(lines, "clauses/escape.standard.md:13", "security", "'__class__'")
    finding(lines, "clauses/escape.standard.md:13", "security", "'__mro__'")
    finding(lines, "clauses/escape.standard.md:14", "security", "'_secret'")
    finding(lines, "clauses/escape.standard.md:15", "security", "'__init__'")
    finding(lines, "clauses/escape.standard.md:16", "security", "'__globals__'")
    summary = lines[-1]
    assert re.fullmatch(r"\d+ findings in \d+ files", summary), summary
    # Every finding says why, and nothing in the built-in clauses was flagged.
    assert all(": " in line.split("] ", 1)[1] for line in lines[:-1])
    assert not [line for line in lines if line.startswith("clauses/scope.standard.md")]


def test_a_sandbox_escape_is_refused_by_render(
    library: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    clause = library / "clauses" / "exit.standard.md"
    text = clause.read_text("utf-8")
    clause.write_text(text + "\n{{ customer.__class__.__init__.__globals__ }}\n", "utf-8")
    code, lines = lint(capsys, "--library", str(library))
    assert code == 1 and any("[security]" in line and "exit.standard.md" in line for line in lines)
    out = tmp_path / "out"
    agreement = str(EXAMPLES / "acme-standard.yaml")
    assert main(["render", agreement, "--out", str(out), "--library", str(library)]) == 2
    err = capsys.readouterr().err
    assert "exit.standard.md" in err and "refused by the sandbox" in err
    assert "Traceback" not in err and not out.exists()


# --- provenance ---------------------------------------------------------------------------------


def test_provenance_round_trips_and_names_no_local_path(
    library: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import hashlib
    import zipfile

    copy_examples(tmp_path, "acme-standard.yaml")
    agreement = tmp_path / "acme-standard.yaml"
    out = tmp_path / "out"
    args = ["render", str(agreement), "--out", str(out), "--library", str(library)]
    assert main([*args, "--provenance-appendix"]) == 0
    capsys.readouterr()
    document = out / "acme-standard.docx"
    assert main(["provenance", str(document)]) == 0
    text = capsys.readouterr().out
    digest = hashlib.sha256(agreement.read_bytes()).hexdigest()
    assert f"agreement sha256   {digest}" in text
    assert "profile            standard" in text
    assert "library commit     none (the library is not a Git checkout)" in text
    assert re.search(r"^  uptime +standard +1\.4\.0$", text, re.MULTILINE)
    assert "clauses (18):" in text

    assert main(["provenance", str(document), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    profile_text = (library / "profiles" / "standard.yaml").read_text()
    # The clauses after this comment are for stand-alone agreements; acme names a master one.
    profile_text = profile_text.split("  # Stand-alone agreements only")[0]
    profile_clauses = [
        line.strip().removeprefix("- ")
        for line in profile_text.splitlines()
        if line.startswith("  - ") and ":" not in line
    ]
    assert [c["id"] for c in data["clauses"]] == profile_clauses
    assert data["agreement_sha256"] == digest and data["library_commit"] is None

    # The appendix lists the same inside the document; nothing anywhere names a local path.
    markdown = (out / "acme-standard.md").read_text("utf-8")
    assert "Document Provenance" in markdown and digest in markdown
    with zipfile.ZipFile(document) as package:
        for name in package.namelist():
            content = package.read(name).decode("utf-8", errors="replace")
            for local in (str(tmp_path), str(ROOT), str(Path.home())):
                assert local not in content, f"{name} names {local}"
    assert str(tmp_path) not in markdown

    # Without the option there is no appendix, and the properties are still there.
    assert main([*args, "--force"]) == 0
    assert "Document Provenance" not in (out / "acme-standard.md").read_text("utf-8")
    capsys.readouterr()
    assert main(["provenance", str(document)]) == 0
    assert digest in capsys.readouterr().out


def test_provenance_of_a_file_slawriter_did_not_write(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plain = tmp_path / "plain.docx"
    import docx

    docx.Document().save(str(plain))
    assert main(["provenance", str(plain)]) == 2
    assert "carries no slawriter provenance" in capsys.readouterr().err
    assert main(["provenance", str(EXAMPLES / "provider.yaml")]) == 2
    assert "is not a Word document" in capsys.readouterr().err


# --- library init and choosing a library --------------------------------------------------------


def test_library_init_copies_a_library_that_lints_clean_and_renders(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "our-library"
    assert main(["library", "init", str(target)]) == 0
    assert "Created the library" in capsys.readouterr().out
    clauses = sorted(p.name for p in (ROOT / "clauses").iterdir())
    assert sorted(p.name for p in (target / "clauses").iterdir()) == clauses
    assert (target / "clauses" / "unmeasurable-wording.yaml").is_file()
    assert (target / "templates" / "agreement.docx").is_file()
    assert (target / "README.md").is_file()
    code, lines = lint(capsys, "--library", str(target))
    assert code == 0 and lines[0].endswith("clean (42 clause files, 2 profiles)")
    assert (target / "clauses" / "upstream-platforms.yaml").is_file()
    # A second init into the same folder is refused and changes nothing.
    (target / "clauses" / "exit.standard.md").write_text("edited", "utf-8")
    assert main(["library", "init", str(target)]) == 3
    assert "not empty" in capsys.readouterr().err
    assert (target / "clauses" / "exit.standard.md").read_text("utf-8") == "edited"


def test_which_library_wins(
    library: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from slawriter.library import Library

    project = tmp_path / "project"
    (project / "sub").mkdir(parents=True)
    monkeypatch.chdir(project / "sub")
    monkeypatch.delenv("SLAWRITER_LIBRARY", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "no-config"))
    assert Library.locate().root == Library(ROOT).root  # nothing set: built in
    (project / ".slawriter.yaml").write_text("library: ../library\n", "utf-8")
    assert Library.locate().root.resolve() == library.resolve()  # config file, found upwards
    other = tmp_path / "other"
    shutil.copytree(library, other)
    monkeypatch.setenv("SLAWRITER_LIBRARY", str(other))
    assert Library.locate().root == other  # the variable beats the config file
    assert Library.locate(str(library)).root == library  # the option beats both
    (project / ".slawriter.yaml").write_text("libary: x\n", "utf-8")
    monkeypatch.delenv("SLAWRITER_LIBRARY")
    assert main(["clauses", "lint"]) == 2
    assert "unknown: libary" in capsys.readouterr().err


# --- the clause book ------------------------------------------------------------------------------


def test_clause_book_in_word_html_and_markdown(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import zipfile

    import docx

    clause_files = sorted(p.name for p in (ROOT / "clauses").glob("*.md"))
    for ext in ("docx", "html", "md"):
        out = tmp_path / f"book.{ext}"
        assert main(["clauses", "book", "--out", str(out)]) == 0
        assert "42 variants" in capsys.readouterr().out
    # Word: contents, every clause file in a metadata table, values highlighted, no parties.
    document = docx.Document(str(tmp_path / "book.docx"))
    text = "\n".join(p.text for p in document.paragraphs)
    tables = "\n".join(c.text for t in document.tables for row in t.rows for c in row.cells)
    assert "Contents" in text and "Service Credits" in text
    assert all(name in tables for name in clause_files)
    highlighted = [
        run.text for p in document.paragraphs for run in p.runs if run.font.highlight_color
    ]
    assert "Acme Precision Engineering Ltd" in highlighted
    # The smb variants use the smb example (its partners trade as the practice).
    assert any("Harbourside Dental Practice" in value for value in highlighted)
    assert "between" not in text.split("Contents")[0]  # the cover has no parties
    with zipfile.ZipFile(tmp_path / "book.docx") as package:
        body = package.read("word/document.xml").decode("utf-8")
    assert "\ue000" not in body and "\ue001" not in body and "Signature" not in body
    # HTML: the variants side by side, values marked; Markdown: values between the brackets.
    page = (tmp_path / "book.html").read_text("utf-8")
    assert page.count('<div class="column">') == 42
    assert "<mark>NW-SLA-2027-014</mark>" in page
    markdown = (tmp_path / "book.md").read_text("utf-8")
    assert "⟦Acme Precision Engineering Ltd⟧" in markdown
    assert "| **Status** | approved | approved |" in markdown
    # Refuses to overwrite without --force, and refuses an unknown format, naming the known.
    capsys.readouterr()
    assert main(["clauses", "book", "--out", str(tmp_path / "book.md")]) == 3
    assert main(["clauses", "book", "--out", str(tmp_path / "book.rtf")]) == 2
    err = capsys.readouterr().err
    assert "unknown format 'rtf'" in err and ".docx, .html, .md, .pdf" in err
    assert not (tmp_path / "book.rtf").exists()


def test_clause_book_shows_expressions_when_no_example_fits(
    library: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    add_clause(
        library,
        "warranty.standard.md",
        "Parts arrive within {{ constraints[7].onsite_response | duration }}.\n",
        clause_id="warranty",
        section="warranty",
        extra="position: Next-day parts\n",
    )
    out = tmp_path / "book.md"
    args = ["clauses", "book", "--out", str(out), "--library", str(library)]
    assert main([*args, "--example", str(EXAMPLES / "corner-shop-smb.yaml")]) == 0
    markdown = out.read_text("utf-8")
    assert "Parts arrive within ⟦constraints\\[7\\].onsite\\_response \\| duration⟧." in markdown
    assert "No example agreement fills this variant" in markdown
    assert "Position** | Next-day parts |" in markdown


# --- diff and redline -----------------------------------------------------------------------------


def two_drafts(tmp_path: Path) -> tuple[Path, Path]:
    """The example agreement, and a new draft with a faster P1 response, a higher e-mail
    uptime target and a shorter breach notice."""
    old_dir, new_dir = tmp_path / "old", tmp_path / "new"
    for folder in (old_dir, new_dir):
        folder.mkdir()
        copy_examples(folder, "acme-standard.yaml")
    new = new_dir / "acme-standard.yaml"
    text = new.read_text("utf-8")
    for before, after in (
        ("response: 30m", "response: 15m"),
        ("uptime: {target: 99.9, basis: all-time}", "uptime: {target: 99.95, basis: all-time}"),
        ("  breach_notice: 24h", "  breach_notice: 12h"),
    ):
        assert text.count(before) == 1, before
        text = text.replace(before, after)
    new.write_text(text, "utf-8")
    return old_dir / "acme-standard.yaml", new


def test_diff_summarises_changed_commitments(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old, new = two_drafts(tmp_path)
    assert main(["diff", str(old), str(new)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[1:4] == [
        "  P1 response: 30 minutes -> 15 minutes",
        "  Uptime, Email and calendar: 99.9 % -> 99.95 %",
        "  Data protection, breach notice: 24 hours -> 12 hours",
    ]
    assert lines[4].startswith("  Text changed in 4 clauses: 8 Response, Resolution and Updates")
    assert main(["diff", str(old), str(old)]) == 0
    assert capsys.readouterr().out.startswith("No changes:")
    assert main(["diff", str(old)]) == 2
    assert "--old-library" in capsys.readouterr().err


def test_diff_names_credit_tiers_exclusions_and_nested_fields(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old, new = two_drafts(tmp_path)
    text = new.read_text("utf-8")
    for before, after in (
        ("{below: 99.9, credit: 5}", "{below: 99.9, credit: 10}"),
        ("  cap: 50", "  cap: 40"),
        (
            "  - The Customer's telephone system",
            "  - The Customer's fax machines\n  - The Customer's telephone system",
        ),
    ):
        assert text.count(before) == 1, before
        text = text.replace(before, after)
    new.write_text(text, "utf-8")
    assert main(["diff", str(old), str(new)]) == 1
    out = capsys.readouterr().out
    assert "  Service credit below 99.9 %: 5 % -> 10 %\n" in out
    assert "  Service credits, cap: 50 % -> 40 %\n" in out
    assert "  Exclusions: added 'The Customer's fax machines'\n" in out


def test_diff_between_two_library_versions(
    library: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    newer = tmp_path / "library-v2"
    shutil.copytree(library, newer)
    clause = newer / "clauses" / "data-protection.standard.md"
    text = clause.read_text("utf-8").replace("version: 1.7.0", "version: 1.8.0", 1)
    clause.write_text(text.replace("every copy it holds", "every copy it holds or controls"))
    sneaky = newer / "clauses" / "exit.standard.md"
    sneaky.write_text(
        sneaky.read_text("utf-8").replace("under this clause", "under this exit clause")
    )
    agreement = str(EXAMPLES / "acme-standard.yaml")
    args = ["diff", agreement, "--old-library", str(library), "--library", str(newer)]
    assert main(args) == 1
    out = capsys.readouterr().out
    assert "  clause data-protection 1.7.0 -> 1.8.0\n" in out
    assert "  clause exit 1.1.0: wording changed but the version number was not raised\n" in out
    assert "P1 response" not in out


def test_redline_tracked_changes_as_libreoffice_reads_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import subprocess
    import zipfile

    soffice = need_tool("soffice", "libreoffice")
    old, new = two_drafts(tmp_path)
    redline = tmp_path / "acme-redline.docx"
    args = ["diff", str(old), str(new), "--out", str(redline), "--author", "Jane Smith (Legal)"]
    assert main([*args, "--date", "2026-11-25T10:00"]) == 1
    assert "Wrote the redline" in capsys.readouterr().out
    profile = (tmp_path / "lo-profile").as_uri()
    subprocess.run(
        [soffice, "--headless", f"-env:UserInstallation={profile}", "--convert-to", "odt",
         "--outdir", str(tmp_path), str(redline)],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    with zipfile.ZipFile(tmp_path / "acme-redline.odt") as package:
        content = package.read("content.xml").decode("utf-8")
    regions = re.findall(
        r'<text:changed-region[^>]*text:id="([^"]+)"[^>]*>(.*?)</text:changed-region>', content
    )
    insertions = {rid: body for rid, body in regions if body.startswith("<text:insertion")}
    deletions = {rid: body for rid, body in regions if body.startswith("<text:deletion")}
    assert insertions and deletions
    assert all("<dc:creator>Jane Smith (Legal)</dc:creator>" in b for _, b in regions)
    assert all("<dc:date>2026-11-25T10:00:00</dc:date>" in b for _, b in regions)

    def plain(xml: str) -> str:
        return re.sub(r"<[^>]+>", "", xml)

    deleted = [plain(body.split("</office:change-info>", 1)[1]) for body in deletions.values()]
    inserted = [
        plain(m.group(1))
        for rid in insertions
        for m in re.finditer(
            rf'<text:change-start text:change-id="{rid}"/>(.*?)<text:change-end '
            rf'text:change-id="{rid}"/>',
            content,
        )
    ]
    assert "30" in deleted and "15" in inserted  # P1 response, in the matrix
    assert "99.9" in "".join(deleted) and "99.95" in "".join(inserted)
    # The unchanged text is there once, untracked.
    assert plain(content).count("Response, Resolution and Updates") >= 1


def test_lint_checks_attributes_named_in_filters_and_range_sizes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """map(attribute=...), selectattr(...), sort(attribute=...) read fields at render time,
    and the sandbox caps range(): lint finds what render would trip over."""
    from slawriter.cli import main

    library = tmp_path / "lib"
    assert main(["library", "init", str(library)]) == 0
    clause = library / "clauses" / "exit.standard.md"
    lines = len(clause.read_text("utf-8").splitlines())
    clause.write_text(
        clause.read_text("utf-8")
        + "\n{% for i in range(10**9) %}x{% endfor %}\n"
        + "\n{{ services | map(attribute='nmae') | join }}"
        + " {{ services | selectattr('uptime.targt') | list }}"
        + " {{ services | sort(attribute='__init__.__globals__') | list }}\n",
        "utf-8",
    )
    capsys.readouterr()
    assert main(["clauses", "lint", "--library", str(library)]) == 1
    out = capsys.readouterr().out
    assert f"exit.standard.md:{lines + 2}: [template] range() over 1,000,000,000 items" in out
    assert f"exit.standard.md:{lines + 4}: [unknown-name] 'nmae' is not a field of Service" in out
    assert "'targt' is not a field of Uptime (did you mean 'target'?)" in out
    assert "[security] the sort filter reads the internal attribute '__init__'" in out
