"""Choosing clauses and rendering them (sandboxed Jinja2) into one document tree.

Clause bodies are Markdown with Jinja2. Every value a template inserts is escaped for
Markdown, so names come out exactly as typed; the Markdown is then parsed (markdown-it-py,
CommonMark with GitHub tables) into the format-neutral tree of slawriter.document.
"""

from __future__ import annotations

import os
import re
import traceback
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from jinja2 import (
    FunctionLoader,
    TemplateSyntaxError,
    UndefinedError,
    pass_context,
)
from jinja2 import (
    TemplateError as JinjaTemplateError,
)
from jinja2.exceptions import SecurityError
from jinja2.runtime import Context
from markdown_it import MarkdownIt
from markdown_it.token import Token

from slawriter import __version__
from slawriter.drafting.context import clause_context
from slawriter.drafting.helpers import REF_CLOSE, REF_OPEN
from slawriter.drafting.provenance import provenance_properties
from slawriter.errors import InputError, Problem, RefusedError, TemplateError
from slawriter.files.load import Loaded
from slawriter.files.locale import document_locale
from slawriter.files.output import display_path
from slawriter.library import Clause, Library, Profile
from slawriter.library.cache import template_cache
from slawriter.library.clauses import chosen_variant
from slawriter.library.jurisdictions import NO_SPELLING, Spelling, spell_template
from slawriter.render.document import (
    SUBJECT_TO_CONTRACT,
    UNAPPROVED_NOTICE,
    Block,
    Cover,
    Document,
    Inline,
    ListBlock,
    ListItem,
    Paragraph,
    Run,
    Section,
    Table,
    party,
)
from slawriter.templating import Sandbox, make_sandbox
from slawriter.text.markdown import MarkdownText, escape_markdown
from slawriter.text.times import long_date, single_stop

# --- escaping -------------------------------------------------------------------------------


def _finalize(value: Any) -> Any:
    if isinstance(value, MarkdownText):
        return value
    if value is None:
        return ""
    return escape_markdown(str(value))


# --- Jinja ----------------------------------------------------------------------------------


# The context key under which each agreement's helpers travel. It is not a valid Jinja name,
# so templates cannot reach it; the filters below look their agreement's helper up there.
HELPERS_KEY = "slawriter helpers"


def _delegate(name: str) -> Callable[..., Any]:
    @pass_context
    def call(context: Context, *args: Any, **kwargs: Any) -> Any:
        return context[HELPERS_KEY][name](*args, **kwargs)

    return call


def make_environment(sources: Mapping[str, str], filter_names: Iterable[str]) -> Sandbox:
    """The shared sandbox (slawriter.templating) over the library's clause sources."""

    def load(name: str) -> tuple[str, str, Callable[[], bool]] | None:
        source = sources.get(name)
        return None if source is None else (source, name, lambda: True)

    # StrictUndefined is the sandbox's own, always; these are the clause-specific options.
    options: dict[str, Any] = {
        "autoescape": False,
        "finalize": _finalize,
        "trim_blocks": True,
        "lstrip_blocks": True,
        "keep_trailing_newline": True,
    }
    env = make_sandbox(
        loader=FunctionLoader(load),
        cache_size=-1,
        # Compiled templates outlive the process (keyed by each template's source).
        bytecode_cache=template_cache(
            ";".join(f"{k}={getattr(v, '__qualname__', v)}" for k, v in sorted(options.items()))
        ),
        **options,
    )
    env.add_filters({name: _delegate(name) for name in filter_names})
    return env


def _template_line(error: BaseException, name: str) -> int | None:
    if isinstance(error, TemplateSyntaxError) and error.lineno:
        return error.lineno
    line = None
    for frame in traceback.extract_tb(error.__traceback__):
        if frame.filename == name and frame.lineno:
            line = frame.lineno
    return line


def _clause_problem(clause: Clause, error: BaseException, where: str = "") -> TemplateError:
    template_line = _template_line(error, clause.display)
    line = clause.body_line + template_line - 1 if template_line else None
    if isinstance(error, UndefinedError):
        what = f"{error.message} (a missing or misspelt variable)"
    elif isinstance(error, SecurityError):
        what = f"refused by the sandbox: {error}"
    elif isinstance(error, TemplateSyntaxError):
        what = f"template syntax error: {error.message}"
    else:
        what = f"{type(error).__name__}: {error}"
    return TemplateError(
        f"clause {clause.meta.id} ({clause.meta.variant}) cannot be rendered{where}",
        [Problem(clause.display, what, line)],
    )


# --- Markdown -> document tree ----------------------------------------------------------------

_PARSER = MarkdownIt("commonmark", {"html": False, "typographer": False}).enable("table")
_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def _inline(token: Token | None) -> Inline:
    runs: list[Run] = []
    bold = italic = False
    for child in token.children or [] if token else []:
        kind = child.type
        if kind == "strong_open":
            bold = True
        elif kind == "strong_close":
            bold = False
        elif kind == "em_open":
            italic = True
        elif kind == "em_close":
            italic = False
        elif kind in ("text", "code_inline"):
            _append(runs, Run(child.content, bold, italic))
        elif kind == "softbreak":
            _append(runs, Run(" ", bold, italic))
        elif kind == "hardbreak":
            _append(runs, Run("\n", bold, italic))
        elif kind == "image":
            _append(runs, Run(child.content, bold, italic))
    return tuple(runs)


def _append(runs: list[Run], run: Run) -> None:
    if not run.text:
        return
    if runs and runs[-1].bold == run.bold and runs[-1].italic == run.italic:
        runs[-1] = Run(runs[-1].text + run.text, run.bold, run.italic)
    else:
        runs.append(run)


def _letters(number: int) -> str:
    """Word's letter numbering: a..z, then aa..zz, then aaa..."""
    return _LETTERS[(number - 1) % 26] * ((number - 1) // 26 + 1)


def _roman(number: int) -> str:
    out = ""
    for value, digits in (
        (1000, "m"),
        (900, "cm"),
        (500, "d"),
        (400, "cd"),
        (100, "c"),
        (90, "xc"),
        (50, "l"),
        (40, "xl"),
        (10, "x"),
        (9, "ix"),
        (5, "v"),
        (4, "iv"),
        (1, "i"),
    ):
        count, number = divmod(number, value)
        out += digits * count
    return out


def _label(index: int, ordered: bool, level: int) -> str:
    """The label Word's list numbering shows: (a), then (i), then (A), then (1)."""
    if not ordered:
        return "•"
    number = index + 1
    if level == 0:
        return f"({_letters(number)})"
    if level == 1:
        return f"({_roman(number)})"
    if level == 2:
        return f"({_letters(number).upper()})"
    return f"({number})"


class _Walker:
    def __init__(self, tokens: Sequence[Token], section: str, clause: Clause) -> None:
        self.tokens = tokens
        self.position = 0
        self.section = section
        self.paragraphs = 0
        self.clause = clause

    def fail(self, token: Token, message: str) -> TemplateError:
        line = token.map[0] + 1 if token.map else None
        return TemplateError(
            f"clause {self.clause.meta.id} ({self.clause.meta.variant}) produced Markdown "
            "that slawriter cannot lay out",
            [
                Problem(
                    self.clause.display,
                    f"{message} (at line {line} of the rendered text)" if line else message,
                )
            ],
        )

    def take(self) -> Token:
        token = self.tokens[self.position]
        self.position += 1
        return token

    def blocks(self) -> list[Block]:
        out: list[Block] = []
        while self.position < len(self.tokens):
            token = self.take()
            if token.type == "paragraph_open":
                runs = _inline(self.take())
                self.take()  # paragraph_close
                self.paragraphs += 1
                out.append(Paragraph(runs, f"{self.section}.{self.paragraphs}"))
            elif token.type == "blockquote_open":
                out.extend(self.unnumbered())
            elif token.type in ("bullet_list_open", "ordered_list_open"):
                out.append(self.list_block(token.type == "ordered_list_open", 0))
            elif token.type == "table_open":
                out.append(self.table())
            elif token.type == "heading_open":
                raise self.fail(
                    token,
                    "headings are not allowed inside a clause: the clause "
                    "title is its heading; start a paragraph with **bold words** "
                    "for a run-in title",
                )
            elif token.type in ("hr", "code_block", "fence", "html_block"):
                raise self.fail(token, f"'{token.type}' blocks are not supported in clauses")
            else:
                raise self.fail(token, f"unexpected Markdown element '{token.type}'")
        return out

    def unnumbered(self) -> list[Block]:
        out: list[Block] = []
        while True:
            token = self.take()
            if token.type == "blockquote_close":
                return out
            if token.type == "paragraph_open":
                out.append(Paragraph(_inline(self.take()), None))
                self.take()
            else:
                raise self.fail(token, "only paragraphs may follow '>' (unnumbered text)")

    def list_block(self, ordered: bool, level: int) -> ListBlock:
        items: list[ListItem] = []
        close = "ordered_list_close" if ordered else "bullet_list_close"
        while True:
            token = self.take()
            if token.type == close:
                return ListBlock(tuple(items), ordered, level)
            if token.type != "list_item_open":
                raise self.fail(token, f"unexpected '{token.type}' in a list")
            runs: Inline = ()
            children: ListBlock | None = None
            while True:
                inner = self.take()
                if inner.type == "list_item_close":
                    break
                if inner.type == "paragraph_open":
                    more = _inline(self.take())
                    self.take()
                    runs = runs + ((Run(" "),) if runs else ()) + more
                elif inner.type in ("bullet_list_open", "ordered_list_open"):
                    children = self.list_block(inner.type == "ordered_list_open", level + 1)
                else:
                    raise self.fail(inner, f"unexpected '{inner.type}' in a list item")
            items.append(ListItem(runs, _label(len(items), ordered, level), children))

    def table(self) -> Table:
        header: list[Inline] = []
        rows: list[tuple[Inline, ...]] = []
        align: list[Any] = []
        current: list[Inline] = []
        in_head = False
        while True:
            token = self.take()
            if token.type == "table_close":
                return Table(tuple(header), tuple(rows), tuple(align))
            if token.type == "thead_open":
                in_head = True
            elif token.type == "thead_close":
                in_head = False
            elif token.type == "tr_open":
                current = []
            elif token.type == "tr_close":
                if in_head:
                    header = current
                else:
                    rows.append(tuple(current))
            elif token.type in ("th_open", "td_open"):
                if in_head:
                    style = str(token.attrs.get("style", ""))
                    align.append(style.removeprefix("text-align:") or None)
                current.append(_inline(self.take()))
                self.take()


def markdown_blocks(markdown: str, section: str, clause: Clause) -> tuple[Block, ...]:
    return tuple(_Walker(_PARSER.parse(markdown), section, clause).blocks())


# --- choosing clauses -------------------------------------------------------------------------


@dataclass(frozen=True)
class RenderedClause:
    clause: Clause
    markdown: str


def choose_clauses(
    profile: Profile, library: Library, variants: Mapping[str, str], allow_draft: bool
) -> list[Clause]:
    chosen: list[Clause] = []
    problems: list[Problem] = []
    drafts: list[str] = []
    profile_file = str(profile.doc.path) if profile.doc else profile.id
    for choice in profile.clauses:
        variant = chosen_variant(
            library.clauses, choice.clause, choice.variant, variants.get(choice.clause)
        )
        clause = library.clauses.get((choice.clause, variant))
        if clause is None:
            have = sorted(v for c, v in library.clauses if c == choice.clause)
            problems.append(
                Problem(
                    profile_file,
                    f"clause '{choice.clause}' has no variant "
                    f"'{variant}' (available: {', '.join(have) or 'none'})",
                )
            )
            continue
        if clause.meta.profiles and profile.id not in clause.meta.profiles:
            problems.append(
                Problem(
                    clause.display,
                    f"this variant serves the {', '.join(clause.meta.profiles)} profile(s), "
                    f"not {profile.id}: choose another variant or add {profile.id} to its "
                    "profiles",
                )
            )
        if clause.meta.status == "retired":
            problems.append(
                Problem(
                    clause.display,
                    "this clause is retired and may not be used; choose another variant",
                )
            )
        elif clause.meta.status == "draft":
            drafts.append(f"{clause.meta.id} ({clause.meta.variant}, {clause.display})")
        chosen.append(clause)
    if problems:
        raise InputError("the profile and the library do not fit together", problems)
    if drafts and not allow_draft:
        raise RefusedError(
            "Refusing to draft a customer document from unapproved clauses: "
            + "; ".join(drafts)
            + ". Have them approved, or pass --allow-draft for a "
            "visibly marked draft."
        )
    return chosen


class ClauseRenderer:
    """One sandboxed environment for a library: each template compiles once per process."""

    def __init__(
        self,
        clauses: Iterable[Clause],
        filter_names: Iterable[str],
        spelling: Spelling = NO_SPELLING,
    ) -> None:
        # A language's spelling is applied to the templates' own words before compiling, so
        # the agreement's values (names, exclusions) are never respelt.
        self.env = make_environment(
            {c.display: spell_template(c.body, spelling) for c in clauses}, filter_names
        )
        self._conditions: dict[tuple[str, str], Any] = {}

    def _included(self, clause: Clause, context: Mapping[str, Any]) -> bool:
        condition = clause.meta.condition
        if not condition:
            return True
        try:
            expression = self._conditions.get(clause.key)
            if expression is None:
                expression = self.env.compile_expression(condition)
                self._conditions[clause.key] = expression
            return bool(expression(context))
        except (JinjaTemplateError, SecurityError, TypeError, ValueError, AttributeError) as error:
            raise TemplateError(
                f"clause {clause.meta.id} ({clause.meta.variant}): its condition "
                f"'{condition}' cannot be evaluated",
                [Problem(clause.display, str(error), clause.condition_line)],
            ) from None

    def render(
        self,
        clauses: Sequence[Clause],
        names: Mapping[str, Any],
        filters: Mapping[str, Callable[..., Any]],
    ) -> list[RenderedClause]:
        context = {**names, HELPERS_KEY: filters}
        rendered = []
        # One time budget for the whole document on top of each clause's own: a library of
        # clauses that each stay just under their budget must not add up to minutes.
        with self.env.document():
            for clause in clauses:
                if not self._included(clause, context):
                    continue
                try:
                    text = single_stop(self.env.get_template(clause.display).render(context))
                except Exception as error:  # syntax, sandbox, undefined, or a helper that failed
                    raise _clause_problem(clause, error) from None
                rendered.append(RenderedClause(clause, text))
        return rendered


def render_clauses(
    library: Library,
    clauses: Sequence[Clause],
    names: Mapping[str, Any],
    filters: Mapping[str, Callable[..., Any]],
    language: str = "en_GB",
) -> list[RenderedClause]:
    # Templates are named by their clause's display path, which is relative to the working
    # folder: a process that changes folder (the daemon's children) builds its own renderer.
    key = f"clause_renderer:{language}:{os.getcwd()}"
    renderer = library.cache.get(key)
    if not isinstance(renderer, ClauseRenderer):
        renderer = ClauseRenderer(library.clauses.values(), filters, library.spelling(language))
        library.cache[key] = renderer
    return renderer.render(clauses, names, filters)


def assemble_document(loaded: Loaded, library: Library, allow_draft: bool = False) -> Any:
    agreement, provider, profile = loaded.agreement, loaded.provider, loaded.profile
    clauses = choose_clauses(profile, library, agreement.variants, allow_draft)
    names, filters = clause_context(loaded)
    locale = document_locale(agreement, provider)
    spelling = library.spelling(locale.language)
    rendered = render_clauses(library, clauses, names, filters, locale.language)
    rendered = _define_only_used(library, rendered, names, filters, locale.language)
    sections = []
    for number, item in enumerate(rendered, start=1):
        meta = item.clause.meta
        blocks = markdown_blocks(item.markdown, str(number), item.clause)
        sections.append(
            Section(
                str(number), spelling.apply(meta.title), meta.id, meta.variant, meta.version, blocks
            )
        )
    sections = resolve_references(sections)
    logo = None
    if provider.logo:
        logo_path = loaded.provider_path.parent / provider.logo
        try:
            logo = logo_path.read_bytes()
        except OSError:
            raise InputError(
                f"{display_path(loaded.provider_path)}: logo "
                f"'{provider.logo}' not found at {display_path(logo_path)}"
            ) from None
    customer = agreement.customer
    info = agreement.agreement
    unapproved = any(c.meta.status == "draft" for c in clauses)
    negotiating = info.status == "draft"
    # The jurisdiction's marking for a draft under negotiation (clauses/jurisdictions.yaml).
    label = loaded.jurisdiction.draft_label if loaded.jurisdiction else SUBJECT_TO_CONTRACT
    # The version follows the status, so a draft is never mistaken for the signed text.
    version = f"{info.version} (draft)" if negotiating else info.version
    signing = loaded.jurisdiction.signature_block if loaded.jurisdiction else "on-behalf"
    cover = Cover(
        title=profile.title,
        subtitle=profile.subtitle,
        provider=party(
            "Provider", provider, _number_label(loaded, provider.registered_in), signing
        ),
        customer=party(
            "Customer", customer, _number_label(loaded, customer.registered_in), signing
        ),
        reference=info.reference,
        effective_date=long_date(info.effective_date, locale.language),
        version=version,
        logo=logo,
        draft=unapproved or negotiating,
        draft_label=label if negotiating else "DRAFT",
        draft_notice=_draft_notice(unapproved, negotiating, label),
    )
    properties = provenance_properties(
        __version__, profile.id, loaded.source_hash, library.commit, tuple(sections)
    )
    return Document(
        cover=cover,
        sections=tuple(sections),
        page_size=locale.page_size,
        header_text=f"{customer.name} | {profile.title} | {info.reference}",
        footer_text=f"{provider.name} | Version {version}",
        title=_property(f"{profile.title}: {customer.name}"),
        subject=_property(f"{profile.title} between {provider.name} and {customer.name}"),
        author=_property(provider.name),
        keywords=_property(info.reference),
        stamp_date=info.effective_date.isoformat(),
        custom_properties=tuple(properties),
        signature_intro=spelling.apply(Document.signature_intro),
        language=locale.language.replace("_", "-"),
    )


def _define_only_used(
    library: Library,
    rendered: list[RenderedClause],
    names: Mapping[str, Any],
    filters: Mapping[str, Callable[..., Any]],
    language: str,
) -> list[RenderedClause]:
    """The clauses, with the definitions clause rendered again without "Business Minute" when
    no other clause prints it (a term defined and never used)."""
    others = [item.markdown for item in rendered if item.clause.meta.id != "definitions"]
    if any("Business Minute" in text for text in others):
        return rendered
    names = {**names, "define_business_minute": False}
    return [
        render_clauses(library, [item.clause], names, filters, language)[0]
        if item.clause.meta.id == "definitions"
        else item
        for item in rendered
    ]


_REF = re.compile(f"{REF_OPEN}([^{REF_CLOSE}]*){REF_CLOSE}")


def resolve_references(sections: Sequence[Section]) -> list[Section]:
    """Each ``ref("Title")`` replaced by the number of the paragraph whose bold run-in title is
    "Title." ('15.11'), now that every paragraph is numbered."""
    numbers: dict[str, str] = {}
    for section in sections:
        for block in section.blocks:
            if isinstance(block, Paragraph) and block.number and block.runs:
                first = block.runs[0]
                if first.bold:
                    numbers.setdefault(first.text.strip().rstrip("."), block.number)

    def fill(runs: Inline) -> Inline:
        if not any(REF_OPEN in run.text for run in runs):
            return runs

        def number(match: re.Match[str]) -> str:
            title = match.group(1)
            if title not in numbers:
                raise TemplateError(
                    f"a cross-reference names no paragraph: no paragraph is titled '{title}.'"
                )
            return numbers[title]

        return tuple(replace(run, text=_REF.sub(number, run.text)) for run in runs)

    def block_of(block: Block) -> Block:
        if isinstance(block, Paragraph):
            return replace(block, runs=fill(block.runs))
        if isinstance(block, ListBlock):
            return replace(block, items=tuple(item_of(item) for item in block.items))
        if isinstance(block, Table):
            return replace(
                block,
                header=tuple(fill(cell) for cell in block.header),
                rows=tuple(tuple(fill(cell) for cell in row) for row in block.rows),
            )
        return block

    def item_of(item: ListItem) -> ListItem:
        children = block_of(item.children) if item.children else None
        return replace(item, runs=fill(item.runs), children=children)  # type: ignore[arg-type]

    return [
        replace(section, blocks=tuple(block_of(b) for b in section.blocks)) for section in sections
    ]


def _number_label(loaded: Loaded, registered_in: str | None) -> str:
    """What the cover calls a party's number where it is registered (its own place, else the
    governing law's): a US state's file number is not a company number."""
    places = loaded.jurisdictions
    home = places.get(registered_in or loaded.agreement.agreement.jurisdiction) if places else None
    return home.number_label if home else "company number"


def _draft_notice(unapproved: bool, negotiating: bool, label: str = SUBJECT_TO_CONTRACT) -> str:
    if unapproved and negotiating:
        return f"{label}. Contains clauses that are not approved. Not for signature."
    return label if negotiating else UNAPPROVED_NOTICE


def _property(text: str) -> str:
    """Word's document properties hold at most 255 characters."""
    return text if len(text) <= 255 else text[:254] + "…"
