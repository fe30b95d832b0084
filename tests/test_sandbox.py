"""Every template goes through one sandbox (slawriter.templating): escapes, changes to the data
and exhaustion are refused at render time with the template and line, and lint flags them.

The reproductions of issue 10 are kept as fixtures: a library made with `slawriter library
init` whose Word master template or clauses carry the hostile Jinja.
"""

from __future__ import annotations

import time
import traceback
import zipfile
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from jinja2.exceptions import SecurityError

from slawriter.cli import main
from slawriter.errors import TemplateError
from slawriter.templating import BudgetExceeded, Limits, make_sandbox, sandbox
from tests.conftest import EXAMPLES

AGREEMENT = str(EXAMPLES / "acme-standard.yaml")
# scope comes before exclusions in the standard profile, so a change it made to the data
# would show in the Exclusions clause.
CLAUSE = "scope.standard.md"


@pytest.fixture
def library(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> Path:
    monkeypatch.chdir(tmp_path)  # so messages name files relative to the library's folder
    # Each case must stop at the budget it names, however busy the machine: the wall-clock
    # budgets (2 s a template, 10 s a document) are tested on their own, with small limits.
    generous = replace(sandbox.DEFAULT_LIMITS, seconds=600, document_seconds=600)
    monkeypatch.setattr(sandbox, "DEFAULT_LIMITS", generous)
    root = Path("library")
    assert main(["library", "init", str(root)]) == 0
    capsys.readouterr()
    return root


def append_to_clause(library: Path, text: str) -> int:
    """Add ``text`` on a line of its own after the clause; return that line's number."""
    clause = library / "clauses" / CLAUSE
    body = clause.read_text("utf-8")
    clause.write_text(body + "\n" + text + "\n", "utf-8")
    return len(body.splitlines()) + 2


def set_cover_placeholder(library: Path, placeholder: str) -> None:
    """Replace the cover's {{ version }} with ``placeholder`` by editing the docx XML."""
    path = library / "templates" / "agreement.docx"
    with zipfile.ZipFile(path) as source:
        entries = {info: source.read(info.filename) for info in source.infolist()}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info, data in entries.items():
            if info.filename == "word/document.xml":
                text = data.decode("utf-8")
                assert "{{ version }}" in text
                data = text.replace("{{ version }}", placeholder).encode("utf-8")
            target.writestr(info, data)


def render(
    library: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], *formats: str
) -> tuple[int, str, Path]:
    out = tmp_path / "out"
    args = ["render", AGREEMENT, "--out", str(out), "--library", str(library)]
    code = main([*args, "--format", ",".join(formats or ("md",))])
    return code, capsys.readouterr().err, out


def lint(library: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str]]:
    code = main(["clauses", "lint", "--library", str(library)])
    return code, capsys.readouterr().out.splitlines()


def written_text(out: Path) -> str:
    if not out.exists():
        return ""
    texts = []
    for path in out.iterdir():
        if path.suffix == ".docx":
            with zipfile.ZipFile(path) as archive:
                texts += [archive.read(n).decode("utf-8", "replace") for n in archive.namelist()]
        elif path.is_file():
            texts.append(path.read_text("utf-8", "replace"))
    return "\n".join(texts)


# --- the Word master template: the critical escape --------------------------------------------

WORD_ESCAPES = [
    # reads a file onto the cover through Jinja's own globals
    "{{ cycler.__init__.__globals__.__builtins__.open('/etc/passwd').read() }}",
    # every class in the process, the way to os.system
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    # the template's name and memory address
    "{{ self }}",
]


@pytest.mark.parametrize("placeholder", WORD_ESCAPES)
def test_the_word_master_template_is_rendered_in_the_sandbox(
    library: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], placeholder: str
) -> None:
    """Before the fix docxtpl rendered the cover in a plain Environment: /etc/passwd (or every
    class) reached the cover and the render succeeded."""
    set_cover_placeholder(library, placeholder)
    code, err, out = render(library, tmp_path, capsys, "docx")
    assert code == 2, err
    assert "Cannot fill the Word template" in err and "agreement.docx" in err
    assert "word/document.xml, paragraph" in err
    assert "refused by the sandbox" in err or "'self' is not available" in err
    assert "Traceback" not in err
    assert "root:" not in written_text(out) and "subclasses" not in written_text(out)
    assert not out.exists() or not list(out.glob("*.docx"))


@pytest.mark.parametrize("placeholder", WORD_ESCAPES)
def test_lint_scans_the_word_master_template(
    library: Path, capsys: pytest.CaptureFixture[str], placeholder: str
) -> None:
    set_cover_placeholder(library, placeholder)
    code, lines = lint(library, capsys)
    assert code == 1
    found = [
        line
        for line in lines
        if line.startswith(
            "library/templates/agreement.docx: [security] the cover (word/document.xml)"
        )
    ]
    assert found, "\n".join(lines)


def test_the_word_template_still_fills_its_placeholders(
    library: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The sandbox keeps docxtpl's autoescaping: "<b>" reaches Word as text."""
    # (the Jinja string literal is XML-escaped in the part, as Word saves it)
    set_cover_placeholder(library, "{{ version ~ ' &lt;b&gt;' }}")
    code, err, out = render(library, tmp_path, capsys, "docx")
    assert code == 0, err
    with zipfile.ZipFile(out / "acme-standard.docx") as archive:
        cover = archive.read("word/document.xml").decode("utf-8")
    assert "Version: 1.0 (draft) &lt;b&gt;</w:t>" in cover


# --- clauses: escapes and changes to the data -------------------------------------------------

CLAUSE_ESCAPES = [
    ("{{ customer.model_dump() }}", "model_dump", "the model method 'model_dump'"),
    ("{{ '{0.__class__}'.format(customer) }}", "str.format", "the string method 'format'"),
    ("{{ '{name}'.format_map(customer) }}", "format_map", "the string method 'format_map'"),
    ("{{ self }}", "'self' is not available", "the name 'self'"),
    # a clause that pops an exclusion and appends another changed what Exclusions printed
    (
        "{{ exclusions.pop() }}{{ exclusions.append('Nothing') }}",
        "would change the agreement data",
        "the method 'pop' changes",
    ),
    ("{% set _ = priorities.update({'P9': 1}) %}", "'update' would change", "'update'"),
    ("{{ calendar }}", "cannot be printed", None),
]


@pytest.mark.parametrize(("text", "refusal", "lint_says"), CLAUSE_ESCAPES)
def test_clause_escapes_are_refused_with_file_and_line(
    library: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    text: str,
    refusal: str,
    lint_says: str | None,
) -> None:
    line = append_to_clause(library, text)
    code, err, out = render(library, tmp_path, capsys)
    assert code == 2, err  # TemplateError: a clause that cannot be rendered
    assert f"clauses/{CLAUSE}:{line}:" in err and refusal in err, err
    assert not out.exists()
    if lint_says is not None:
        code, lines = lint(library, capsys)
        assert code == 1
        assert any(
            entry.startswith(f"library/clauses/{CLAUSE}:{line}: [security]") and lint_says in entry
            for entry in lines
        ), "\n".join(lines)


def test_the_exclusions_print_as_written(
    library: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Reading the data (even through filters that build new lists) leaves it as it was."""
    append_to_clause(library, "{{ (exclusions | reverse | list)[0] }}{{ exclusions + ['X'] }}")
    code, err, out = render(library, tmp_path, capsys)
    assert code == 0, err
    text = (out / "acme-standard.md").read_text("utf-8")
    section = text.split("## 4. Exclusions", 1)[1].split("**4.2**", 1)[0]
    items = [line[:8] for line in section.splitlines() if line.startswith("- (")]
    assert items == ["- (a) Th", "- (b) Ha", "- (c) Fa", "- (d) Th"]


# --- budgets -------------------------------------------------------------------------------------

CLAUSE_EXHAUSTION = [
    ("{{ 9 ** 99999999 }}", "digits", "a power with about 95,424,250 digits"),
    ("{{ 'x' * 10**9 }}", "1,000,000,000 characters", "a repetition 1,000,000,000 characters"),
    ("{{ range(10**10) | list | length }}", "range() over", "range() over 10,000,000,000"),
    ("{{ 'x' | center(1000000000) }}", "1,000,000,000 characters", "the center filter"),
    ("{% for i in range(100000) %}{{ 'x' * 100 }}{% endfor %}", "output exceeds", None),
    (
        "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
        "(its loop budget)",
        "loops of 10,000,000,000 steps",
    ),
]


@pytest.mark.timeout(20)
@pytest.mark.parametrize(("text", "refusal", "lint_says"), CLAUSE_EXHAUSTION)
def test_clause_exhaustion_is_refused_with_file_and_line(
    library: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    text: str,
    refusal: str,
    lint_says: str | None,
) -> None:
    line = append_to_clause(library, text)
    code, err, out = render(library, tmp_path, capsys)
    assert code == 2, err
    assert f"clauses/{CLAUSE}:{line}:" in err and refusal in err, err
    assert not out.exists()
    # The nested loops run to the default loop budget (a million steps); the rest stop at once
    # (the test's timeout bounds both; lint never computes what it flags).
    if lint_says is not None:
        code, lines = lint(library, capsys)
        assert code == 1
        assert any(
            entry.startswith(f"library/clauses/{CLAUSE}:{line}: [template]") and lint_says in entry
            for entry in lines
        ), "\n".join(lines)


def failure(source: str, limits: Limits, **context: object) -> BaseException:
    """Render ``source`` as the template 'clauses/t.md'; return the error it raised."""
    env = make_sandbox(limits=limits, loader=None)
    template = env.from_string(source)
    template.name = "clauses/t.md"
    with pytest.raises(SecurityError) as caught:
        template.render(context)
    return caught.value


def template_line(error: BaseException) -> int | None:
    frames = traceback.extract_tb(error.__traceback__)
    lines = [f.lineno for f in frames if f.filename == "<template>"]
    return lines[-1] if lines else None


SMALL = Limits(
    seconds=60,
    iterations=1_000,
    output_chars=1_000,
    value_chars=1_000,
    built_chars=5_000,
    range_items=500,
    int_bits=64,
)


@pytest.mark.timeout(5)
@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("\n{% for i in range(40) %}{% for j in range(40) %}{% endfor %}{% endfor %}", "loops ran"),
        ("\n{% for c in 'x' * 900 %}{% for d in 'y' * 900 %}{% endfor %}{% endfor %}", "loops ran"),
        ("\n{{ range(501) | list }}", "range() over 501 items"),
        ("\n{{ 3 ** 41 }}", "about 20 digits"),
        ("\n{{ 2 ** 40 * 2 ** 40 }}", "a product of"),
        ("\n{{ 'ab' * 501 }}", "1,002 characters"),
        ("\n{{ ['ab'] * 400 }}", "1,200 characters"),
        ("\n{{ 'x' * 600 + 'y' * 600 }}", "1,200 characters"),
        ("\n{{ '%2000s' % 'x' }}", "2,000 characters"),
        ("\n{{ '%*d' | format(2000, 1) }}", "2,000 characters"),
        ("\n{{ 'x' | center(2000) }}", "2,000 characters"),
        ("\n{{ 'x'.rjust(2000) }}", "2,000 characters"),
        ("\n{{ ('x' * 100) | replace('x', 'yyyyyyyyyyyyyyyyyyyy') }}", "2,000 characters"),
        ("\n{{ ('x\\n' * 100) | indent('y' * 900) }}", "91,100 characters"),
        ("\n{{ ['x' * 900, 'y' * 900] | join }}", "characters"),
        (
            "\n{% set ns = namespace(s='x') %}{% for i in range(20) %}{% set ns.s = ns.s ~ ns.s %}"
            "{% endfor %}",
            "1,024 characters",
        ),
        ("\n{% for i in range(500) %}{{ 'abc' }}{% endfor %}", "output exceeds 1,000"),
        ("\n{% for i in range(400) %}{% set s = 'x' * 900 %}{% endfor %}", "built more than"),
    ],
)
def test_each_budget_is_enforced_quickly_with_the_line(source: str, message: str) -> None:
    error = failure(source, SMALL)
    assert isinstance(error, BudgetExceeded)
    assert message in str(error), str(error)
    assert template_line(error) == 2


@pytest.mark.timeout(5)
def test_the_time_budget_stops_a_long_render() -> None:
    limits = Limits(seconds=0.05, iterations=10**12)
    error = failure(
        "{% for i in range(100000) %}{% for j in range(100000) %}{{ i }}{% endfor %}{% endfor %}",
        limits,
    )
    assert "ran for more than 0.05 s" in str(error)


def test_the_budget_starts_again_for_every_render() -> None:
    env = make_sandbox(limits=Limits(iterations=100))
    template = env.from_string("{% for i in range(60) %}.{% endfor %}")
    assert [len(template.render()) for _ in range(3)] == [60, 60, 60]


def test_ordinary_templates_render_as_before() -> None:
    env = make_sandbox()
    source = (
        "{{ items | join(', ') }}|{{ d.x }}|{{ 'a%sb' % 3 }}|{{ 2 ** 10 }}|{{ 'ab' * 2 }}|"
        "{% for i in items %}{{ loop.index }}{{ loop.last }}{% endfor %}|{{ '%3s' | format('q') }}"
        "|{{ items | sort | first }}|{{ range(3) | sum }}|{% set ns = namespace(n=0) %}"
        "{% for i in range(3) %}{% set ns.n = ns.n + i %}{% endfor %}{{ ns.n }}"
    )
    result = env.from_string(source).render(items=["b", "a"], d={"x": 1})
    assert result == "b, a|1|a3b|1024|abab|1False2True|  q|a|3|3"


def test_lint_finds_nothing_in_the_built_in_library(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["clauses", "lint"]) == 0
    assert "clean" in capsys.readouterr().out


def test_an_unknown_undefined_is_refused() -> None:
    from jinja2 import Undefined

    with pytest.raises(ValueError, match="StrictUndefined"):
        make_sandbox(undefined=Undefined)


def test_template_errors_exit_2() -> None:
    assert TemplateError("x").exit_code == 2


def test_templates_cannot_pick_at_random() -> None:
    """Output is deterministic: no random filter, no random filler text."""
    from jinja2 import TemplateAssertionError, UndefinedError

    from slawriter.templating import make_sandbox

    env = make_sandbox()
    with pytest.raises(TemplateAssertionError, match="random"):
        env.from_string("{{ [1, 2, 3] | random }}")
    with pytest.raises(UndefinedError):
        env.from_string("{{ lipsum() }}").render()


# --- issue 10, second review: the calendar engine, one-step calls, addresses, documents -------


def edit_word_template(library: Path, edit: Callable[[str, str], tuple[str, str]]) -> None:
    """Rewrite the Word template's parts: ``edit(name, text)`` returns the new (name, text)."""
    path = library / "templates" / "agreement.docx"
    with zipfile.ZipFile(path) as source:
        entries = [(info.filename, source.read(info.filename)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in entries:
            new_name, text = edit(name, data.decode("utf-8"))
            target.writestr(new_name, text.encode("utf-8"))


def append_to(library: Path, clause: str, text: str) -> int:
    path = library / "clauses" / clause
    body = path.read_text("utf-8")
    path.write_text(body + "\n" + text + "\n", "utf-8")
    return len(body.splitlines()) + 2


SECOND_REVIEW = [
    # the clock engine: unbounded tables and global state (a time zone cache) were reachable
    (
        "{{ calendar().clock.timezone.clear_cache() }}",
        "has no attribute 'clock'",
        "[unknown-name] 'clock' is not a field of CalendarView",
    ),
    ("{{ calendar()._clock }}", "'_clock'", "[security] access to the internal attribute"),
    # a made-up month of 10,000 years, counted minute by minute
    (
        "{{ basis_minutes('all-time', None, namespace(first=example_month.first.replace(year=2),"
        " next_first=example_month.first.replace(year=9998))) }}",
        "month must be example_month",
        None,
    ),
    # wrapping a long word is quadratic: one call ran for over a minute
    (
        "{{ ('x' * 1000000) | wordwrap(1) | length }}",
        "the text to wrap would be 1,000,000 characters long: at most 20,000",
        "[template] the wordwrap filter on 1,000,000 characters",
    ),
    # bytes were not counted: a gigabyte was built before any refusal
    (
        "{{ ('x'.encode() * 1000000000) | length }}",
        "str.encode is not available",
        "[security] the string method 'encode'",
    ),
    # joining a generator was not checked until a gigabyte was joined
    (
        "{{ ('x' * 10000).join(range(100000) | map('string')) }}",
        "the joined text would be",
        None,
    ),
    # chained batches made millions of lists
    ("{{ ('x' * 2000000) | batch(1) | batch(1) | list | length }}", "(its loop budget)", None),
    # memory addresses in the document
    ("{{ cycler(1) | string }}", "memory address", None),
    ("{{ range | string }}", "memory address", None),
    ("{{ [cycler] }}", "memory address", None),
    ("{{ 'see ' ~ cycler }}", "memory address", None),
    # an attribute the sandbox refuses printed "[Undefined, ...]" through map
    ("{{ exclusions | map(attribute='__class__') | list }}", "'__class__'", None),
]


@pytest.mark.timeout(30)
@pytest.mark.parametrize(("text", "refusal", "lint_says"), SECOND_REVIEW)
def test_second_review_holes_are_refused_with_file_and_line(
    library: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    text: str,
    refusal: str,
    lint_says: str | None,
) -> None:
    line = append_to(library, "exclusions.standard.md", text)
    code, err, out = render(library, tmp_path, capsys)
    assert code == 2, err
    assert f"clauses/exclusions.standard.md:{line}:" in err and refusal in err, err
    assert "Traceback" not in err and "0x" not in err
    assert not out.exists()
    if lint_says is not None:
        code, lines = lint(library, capsys)
        assert code == 1
        assert any(
            entry.startswith(f"library/clauses/exclusions.standard.md:{line}: {lint_says}")
            for entry in lines
        ), "\n".join(lines)


def test_the_time_helpers_refuse_periods_outside_1970_to_2201() -> None:
    from datetime import date

    from slawriter.clock.downtime import Span
    from slawriter.drafting.helpers import check_span

    check_span(Span.month(2027, 1))
    check_span(Span.year(2200))
    check_span(Span.month(2201, 1))  # the example month of an agreement starting in 2200
    for span in (
        Span.month(1969, 12),
        Span.month(2202, 1),
        Span(date(2027, 1, 1), date(2029, 1, 1), "two years"),
    ):
        with pytest.raises(ValueError, match="not a month or year between 1970 and 2201"):
            check_span(span)


SMALL_SECOND = Limits(
    seconds=60, iterations=1_000, output_chars=100_000, value_chars=1_000, wrap_chars=100
)


@pytest.mark.timeout(5)
@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("\n{{ ('x' * 200) | wordwrap(1) }}", "the text to wrap would be 200 characters"),
        ("\n{{ ('x' * 10).join(range(200) | map('string')) }}", "the joined text"),
        ("\n{{ range(200) | map('string') | join('x' * 10) }}", "the joined text"),
        ("\n{{ ('x' * 900) | batch(1) | batch(1) | list | length }}", "loops ran"),
        (
            "\n{{ range(400) | map('string') | map('upper') | map('lower') | list | length }}",
            "loops",
        ),
    ],
)
def test_filters_are_bounded_before_they_run(source: str, message: str) -> None:
    error = failure(source, SMALL_SECOND)
    assert isinstance(error, BudgetExceeded)
    assert message in str(error), str(error)
    assert template_line(error) == 2


@pytest.mark.parametrize(
    "source",
    [
        "\n{{ cycler(1) | string }}",
        "\n{{ range | string }}",
        "\n{{ [cycler] }}",
        "\n{{ {'a': namespace} }}",
        "\n{{ '%s' % cycler(1) }}",
        "\n{{ '%s' | format(joiner()) }}",
        "\n{{ 'x' ~ range }}",
        "\n{{ [1] | map(attribute='__class__') | list }}",
        "\n{{ [1] | selectattr('__class__') | list }}",
        "\n{{ 1 | attr('__class__') }}",
    ],
)
def test_nothing_prints_a_memory_address(source: str) -> None:
    error = failure(source, Limits())
    assert "0x" not in str(error)
    assert template_line(error) == 2


def test_the_time_budget_is_shared_by_the_templates_of_one_document() -> None:
    env = make_sandbox(limits=Limits(seconds=5, iterations=10**9, document_seconds=0.2))
    slow = env.from_string("{% for i in range(100000) %}{% endfor %}.")
    slow.name = "clauses/slow.md"
    started = time.monotonic()
    with env.document(), pytest.raises(BudgetExceeded, match="document's time budget"):
        while time.monotonic() - started < 3:
            slow.render()
    assert slow.render() == "."  # outside a document, each template has its own budget


@pytest.mark.timeout(30)
def test_a_library_of_slow_clauses_stops_at_the_documents_budget(
    library: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Each clause stays within its own budget, but the document's runs out."""
    import functools

    import slawriter.drafting.assemble as assemble

    small = Limits(seconds=5, iterations=10**9, document_seconds=0.3)
    monkeypatch.setattr(assemble, "make_sandbox", functools.partial(make_sandbox, limits=small))
    clauses = sorted(p.name for p in (library / "clauses").glob("*.standard.md"))
    for name in clauses:
        append_to(library, name, "{% for i in range(100000) %}{% endfor %}")
    code, err, out = render(library, tmp_path, capsys)
    assert code == 2, err
    assert "document's time budget" in err and ".standard.md:" in err, err
    assert not out.exists()


def test_lint_reads_every_part_render_fills(
    library: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A header renamed through the relationships, and a field code, were linted clean."""

    def edit(name: str, text: str) -> tuple[str, str]:
        if name == "word/header1.xml":
            return "word/hdrX.xml", text.replace("{{ header_text }}", "{{ ''.__class__ }}")
        if name in ("word/_rels/document.xml.rels", "[Content_Types].xml"):
            return name, text.replace("header1.xml", "hdrX.xml")
        if name == "word/document.xml":
            field = "<w:r><w:instrText>{{ cycler.__init__ }}</w:instrText></w:r>"
            return name, text.replace(
                '<w:r><w:t xml:space="preserve">Version:',
                field + '<w:r><w:t xml:space="preserve">Version:',
            )
        return name, text

    edit_word_template(library, edit)
    code, lines = lint(library, capsys)
    assert code == 1
    prefix = "library/templates/agreement.docx: [security]"
    assert any(e.startswith(prefix) and "word/hdrX.xml" in e for e in lines), "\n".join(lines)
    assert any(
        e.startswith(prefix + " the cover (word/document.xml)") and "__init__" in e for e in lines
    ), "\n".join(lines)
