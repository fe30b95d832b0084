"""The clause book: the whole library as one document for legal review.

Every clause, grouped by SLA section in profile order, with a table of its variants' metadata
side by side (version, status, approval, profiles, condition, negotiated position), then each
variant's text rendered with an example agreement, the variants side by side in HTML. Every
value a template inserts is a marked run, so Word and HTML highlight it and Markdown shows it
between ⟦ and ⟧. A variant that no example agreement can render (e.g. a credits clause when no
example has credits) is shown with its expressions in place of values. The book is a document
tree like any other, written by the same writers through :mod:`slawriter.render.registry`.

This module sits beside the pipeline (it renders clauses with example agreements); the
library layer below knows nothing of it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

from slawriter.errors import InputError, RefusedError, SlawriterError
from slawriter.files.output import display_path, write_atomic
from slawriter.library import Clause, Library, builtin_library_root
from slawriter.render import registry
from slawriter.render.document import (
    Block,
    Columns,
    Cover,
    Document,
    Inline,
    ListBlock,
    ListItem,
    Paragraph,
    Party,
    Run,
    Section,
    Table,
)
from slawriter.text.markdown import MarkdownText, escape_markdown
from slawriter.text.times import report_date

# Private-use characters around every inserted value on its way through the clause's Markdown;
# the book's tree carries marked runs instead.
START, END = "\ue000", "\ue001"
META_ROWS = (
    ("File", "file"),
    ("Version", "version"),
    ("Status", "status"),
    ("Approved by", "approved_by"),
    ("Approved on", "approved_on"),
    ("Profiles", "profiles"),
    ("Condition", "condition"),
    ("Position", "position"),
)


@dataclass(frozen=True)
class VariantText:
    clause: Clause
    blocks: tuple[Block, ...]
    example: str | None  # the example agreement whose values are shown; None: expressions
    note: str = ""


@dataclass(frozen=True)
class Written:
    path: Path
    summary: str


# --- choosing the order ------------------------------------------------------------------------


def section_order(library: Library, clauses: Sequence[Clause]) -> list[str]:
    """SLA sections in profile order: the longest profile first, then sections no profile has."""
    profiles = []
    for path in sorted(library.profiles_dir.glob("*.yaml")):
        profiles.append(library.profile(path.stem))
    profiles.sort(key=lambda p: (-len(p.clauses), p.id))
    order: list[str] = []
    for profile in profiles:
        for choice in profile.clauses:
            found = library.clauses.get((choice.clause, choice.variant))
            if found and found.meta.section not in order:
                order.append(found.meta.section)
    rest = sorted(
        {c.meta.section for c in clauses} - set(order),
        key=lambda s: min(c.meta.order for c in clauses if c.meta.section == s),
    )
    return order + rest


# --- rendering a variant with an example -----------------------------------------------------


def _mark(value: Any) -> Any:
    """The book's finalize: escape like the real renderer, then mark the value."""
    if value is None or value == "":
        return ""
    text = value if isinstance(value, MarkdownText) else escape_markdown(str(value))
    return MarkdownText(f"{START}{text}{END}")


_EXPRESSION = re.compile(r"\{\{-?\s*(.*?)\s*-?\}\}", re.DOTALL)
_STATEMENT = re.compile(r"^[ \t]*\{%.*?%\}[ \t]*\n?|\{%.*?%\}|\{#.*?#\}", re.DOTALL | re.MULTILINE)


def _expressions_shown(body: str) -> str:
    """The template with each {{ expression }} shown (marked) and the logic removed."""
    text = _EXPRESSION.sub(lambda m: f"{START}{escape_markdown(m.group(1))}{END}", body)
    return _STATEMENT.sub("", text)


class VariantRenderer:
    """Renders clause bodies with example agreements, values marked."""

    def __init__(
        self,
        library: Library,
        examples: Sequence[tuple[str, str, Mapping[str, Any]]],  # (name, profile, context)
        filter_names: Sequence[str],
    ) -> None:
        from slawriter.drafting.assemble import make_environment

        self.examples = examples
        self.env = make_environment(
            {c.display: c.body for c in library.clauses.values()}, filter_names
        )
        self.env.finalize = _mark

    def render(self, clause: Clause, number: str) -> VariantText:
        from slawriter.drafting.assemble import markdown_blocks

        preferred = [e for e in self.examples if e[1] in clause.meta.profiles]
        others = [e for e in self.examples if e[1] not in clause.meta.profiles]
        problem = ""
        for name, _, context in preferred + others:
            try:
                markdown = self.env.get_template(clause.display).render(context)
                return VariantText(clause, markdown_blocks(markdown, number, clause), name)
            except SlawriterError as error:
                problem = error.message
            except Exception as error:  # the example lacks what this variant needs
                problem = f"{type(error).__name__}: {error}"
        note = (
            "No example agreement fills this variant"
            + (f" ({problem})" if problem else "")
            + ": its expressions are shown in place of values."
        )
        try:
            blocks = markdown_blocks(_expressions_shown(clause.body), number, clause)
        except SlawriterError:
            blocks = (Paragraph((Run(clause.body),), None),)
        return VariantText(clause, blocks, None, note)


def load_examples(
    library: Library, paths: Sequence[Path]
) -> tuple[list[tuple[str, str, Mapping[str, Any]]], list[str], list[str]]:
    """The example agreements' template contexts, notes on those skipped, and filter names."""
    from slawriter.drafting.assemble import HELPERS_KEY
    from slawriter.drafting.context import clause_context, clause_names
    from slawriter.files.load import ProviderFileGiven, load_agreement

    chosen = list(paths)
    if not chosen:
        folder = library_examples_folder()
        chosen = sorted(folder.glob("*.yaml")) if folder else []
    examples: list[tuple[str, str, Mapping[str, Any]]] = []
    notes: list[str] = []
    for path in chosen:
        try:
            loaded = load_agreement(path, library)
        except ProviderFileGiven:
            continue
        except InputError as error:
            if paths:
                raise
            notes.append(f"{display_path(path)} skipped: {error.message}")
            continue
        names, filters = clause_context(loaded)
        examples.append((path.name, loaded.profile.id, {**names, HELPERS_KEY: filters}))
    return examples, notes, sorted(clause_names()[1])


def library_examples_folder() -> Path | None:
    from slawriter.library import builtin_library_root

    folder = builtin_library_root() / "examples"
    return folder if folder.is_dir() else None


# --- the book as a document tree -------------------------------------------------------------


def _split_marked(runs: Inline) -> Inline:
    """Each value between the marks its own marked run, without the marks."""
    out: list[Run] = []
    inside = False
    for run in runs:
        pieces = re.split(f"([{START}{END}])", run.text)
        for piece in pieces:
            if piece == START:
                inside = True
            elif piece == END:
                inside = False
            elif piece:
                out.append(Run(piece, run.bold, run.italic, marked=inside))
    return tuple(out)


def _mark_blocks(blocks: Sequence[Block]) -> tuple[Block, ...]:
    def items(block: ListBlock) -> ListBlock:
        return replace(
            block,
            items=tuple(
                ListItem(_split_marked(i.runs), i.label, items(i.children) if i.children else None)
                for i in block.items
            ),
        )

    out: list[Block] = []
    for block in blocks:
        if isinstance(block, Paragraph):
            out.append(replace(block, runs=_split_marked(block.runs)))
        elif isinstance(block, ListBlock):
            out.append(items(block))
        elif isinstance(block, Table):
            out.append(
                replace(
                    block,
                    header=tuple(_split_marked(c) for c in block.header),
                    rows=tuple(tuple(_split_marked(c) for c in row) for row in block.rows),
                )
            )
        else:
            out.append(block)
    return tuple(out)


def _meta_value(clause: Clause, key: str) -> str:
    if key == "file":
        return clause.path.name
    value = getattr(clause.meta, key)
    if value is None or value == []:
        return "-"
    if isinstance(value, list):
        return ", ".join(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def build_book(
    library: Library,
    render_variant: Callable[[Clause, str], VariantText],
    title: str,
    reference: str,
    stamp: date,
) -> Document:
    clauses = list(library.clauses.values())
    order = section_order(library, clauses)
    by_id: dict[str, list[Clause]] = {}
    for clause in sorted(clauses, key=lambda c: (c.meta.order, c.meta.id)):
        by_id.setdefault(clause.meta.id, []).append(clause)
    groups = sorted(
        by_id.values(),
        key=lambda vs: (order.index(vs[0].meta.section), vs[0].meta.order, vs[0].meta.id),
    )
    sections: list[Section] = []
    for number, variants in enumerate(groups, start=1):
        variants.sort(key=lambda c: (c.meta.variant != "standard", c.meta.variant))
        head = variants[0].meta
        label = f"{number}"
        intro = Paragraph(
            (
                Run("Section: ", bold=True),
                Run(f"{head.section}. "),
                Run("Clause id: ", bold=True),
                Run(f"{head.id}. "),
                Run("Variants: ", bold=True),
                Run(", ".join(c.meta.variant for c in variants) + "."),
            ),
            None,
        )
        table = Table(
            ((Run(""),), *((Run(c.meta.variant, bold=True),) for c in variants)),
            tuple(
                ((Run(name, bold=True),), *((Run(_meta_value(c, key)),) for c in variants))
                for name, key in META_ROWS
            ),
        )
        columns: list[tuple[Block, ...]] = []
        for clause in variants:
            text = render_variant(clause, label)
            caption = f"Variant {clause.meta.variant}: {clause.meta.title}"
            source = f" (values from {text.example})" if text.example else " (expressions shown)"
            column: list[Block] = [
                Paragraph((Run(caption, bold=True), Run(source, italic=True)), None)
            ]
            if text.note:
                column.append(Paragraph((Run(text.note, italic=True),), None))
            paragraphs = 0
            for block in _mark_blocks(text.blocks):
                if isinstance(block, Paragraph) and block.number is not None:
                    # Each variant numbered from its own start, as an agreement prints it.
                    # Written out, not left to Word's list numbering, which would run on
                    # from one variant into the next.
                    paragraphs += 1
                    shown = Run(f"{label}.{paragraphs}", bold=True)
                    block = replace(block, runs=(shown, Run(" "), *block.runs), number=None)
                column.append(block)
            columns.append(tuple(column))
        blocks = (intro, table, Columns(tuple(columns)))
        sections.append(Section(label, head.title, head.id, "book", head.version, blocks))
    nobody = Party("", "", (), None, "", "")
    cover = Cover(
        title=title,
        subtitle="Every clause and variant, for legal review",
        provider=nobody,
        customer=nobody,
        draft=any(c.meta.status == "draft" for c in clauses),
        parties=False,
        details=(
            ("Library", reference),
            ("Clause files", str(len(clauses))),
            ("Date", report_date(stamp)),
        ),
    )
    preface = Paragraph(
        (
            Run("Marked values, like "),
            Run("this one", marked=True),
            Run(
                ", are inserted by the template: each shows the value from the example "
                "agreement named above its variant, or the template's expression where no "
                "example fits."
            ),
        )
    )
    return Document(
        cover=cover,
        sections=tuple(sections),
        header_text=f"{title} | {reference}",
        footer_text="For review: not a customer document",
        title=title,
        subject="The clause library for legal review",
        author="slawriter",
        keywords=reference,
        stamp_date=stamp.isoformat(),
        signatures=False,
        preface=(preface,),
    )


# --- writing -----------------------------------------------------------------------------------


def write_book(
    library: Library,
    out: Path,
    examples: Sequence[Path],
    *,
    force: bool = False,
    today: date | None = None,
) -> Written:
    to_stdout = str(out) == "-"  # the Markdown, on standard output
    fmt = "md" if to_stdout else registry.format_of(out, "--out")
    if not to_stdout and out.exists() and not force:
        raise RefusedError(
            f"Refusing to overwrite {display_path(out)}: pass --force to replace it."
        )
    loaded, notes, filter_names = load_examples(library, examples)
    renderer = VariantRenderer(library, loaded, filter_names)
    where = "built-in" if library.root == builtin_library_root() else display_path(library.root)
    commit = f"commit {library.commit[:12]}" if library.commit else "not in Git"
    reference = f"{where}, {commit}"
    document = build_book(library, renderer.render, "Clause Book", reference, today or date.today())
    data = registry.render(document, fmt, template=library.word_template)
    if to_stdout:
        import sys

        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    else:
        write_atomic(out, data)
    variants = sum(
        len(b.columns) for s in document.sections for b in s.blocks if isinstance(b, Columns)
    )
    summary = f"{len(document.sections)} clauses, {variants} variants"
    if loaded:
        summary += f"; example values from {', '.join(e[0] for e in loaded)}"
    if notes:
        summary += "; " + "; ".join(notes)
    return Written(out, summary)
