"""Inserted values come out exactly as typed: Markdown escaping, checked by parsing it back."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from slawriter.text.markdown import escape_markdown

PARSER = MarkdownIt("commonmark", {"html": False}).enable("table")

# Any printable text a person might type on one line: letters of every script, punctuation,
# symbols (control characters and line separators are not typed into a name).
TYPED = st.text(
    alphabet=st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp", "Co", "Cn")),
    min_size=1,
    max_size=40,
).filter(lambda s: s.strip() == s and s.strip())


def inline_text(markdown: str) -> str:
    tokens = PARSER.parse(markdown)
    texts = []
    for token in tokens:
        if token.type == "inline":
            texts.append("".join(c.content for c in token.children or [] if c.type == "text"))
    return "|".join(texts)


def test_the_awkward_name_survives() -> None:
    name = "Smith & Sons <Holdings> \"Star\" 'Quote' *Star*_Co_ | Ωμέγα Λτδ 株式会社"
    assert inline_text(f"Customer: {escape_markdown(name)}.") == f"Customer: {name}."
    assert inline_text(escape_markdown(name)) == name


@settings(derandomize=True, deadline=None, max_examples=300)
@given(TYPED)
def test_any_value_inside_a_sentence(value: str) -> None:
    assert (
        inline_text(f"The value {escape_markdown(value)} ends here.")
        == f"The value {value} ends here."
    )


@settings(derandomize=True, deadline=None, max_examples=300)
@given(TYPED)
def test_any_value_at_the_start_of_a_line(value: str) -> None:
    assert inline_text(escape_markdown(value)) == value


@settings(derandomize=True, deadline=None, max_examples=200)
@given(TYPED)
def test_any_value_in_a_table_cell(value: str) -> None:
    table = f"| A | B |\n|---|---|\n| {escape_markdown(value)} | x |\n"
    tokens = PARSER.parse(table)
    cells = [t for t in tokens if t.type == "inline"]
    assert len(cells) == 4, table
    assert "".join(c.content for c in cells[2].children or [] if c.type == "text") == value
