"""Every document slawriter writes, as one format-neutral tree.

The agreement (drafting/assemble.py), the compliance report (measure/documents.py), the clause
book (review/book.py) and the feasibility memo (feasibility/memo.py) are all a ``Document``;
the writers in this package (markdown.py, html.py, word.py, pdf.py), chosen by format name
through registry.py, turn any of them into bytes.

All text here is literal: exactly what the reader sees, never escaped for any format. Each
writer escapes for its own format. Numbers ("3", "3.2", "(a)") are assigned once by whoever
builds the tree, so every format prints the same numbers (and Word's own list numbering is
checked against them).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal


@dataclass(frozen=True)
class Run:
    """A stretch of text with one formatting."""

    text: str
    bold: bool = False
    italic: bool = False
    # A value a template inserted, shown for review (the clause book): highlighted in Word
    # and HTML, between ⟦ and ⟧ in Markdown.
    marked: bool = False


Inline = tuple[Run, ...]


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of a clause.

    ``number`` is the sub-clause number ("3.2") for numbered paragraphs; None for an
    unnumbered paragraph (e.g. the lead-in to a table).
    """

    runs: Inline
    number: str | None = None


@dataclass(frozen=True)
class ListItem:
    runs: Inline
    label: str  # "(a)", "(b)" for ordered lists; "•" for bullets
    children: ListBlock | None = None


@dataclass(frozen=True)
class ListBlock:
    """A list inside a clause. Ordered lists are lettered (a), (b), ... and restart per list."""

    items: tuple[ListItem, ...]
    ordered: bool
    level: int = 0  # nesting depth: 0 for a list directly under a paragraph


@dataclass(frozen=True)
class Table:
    header: tuple[Inline, ...]
    rows: tuple[tuple[Inline, ...], ...]
    align: tuple[Literal["left", "center", "right"] | None, ...] = ()


@dataclass(frozen=True)
class Image:
    """A picture in a section, e.g. a chart in a report: PNG bytes, shown ``width_mm`` wide.

    The caption is printed under the picture in Word and HTML; a Markdown file, which has
    nowhere to keep the picture, prints only the caption.
    """

    png: bytes
    width_mm: float
    caption: str = ""
    # What a screen reader says for the picture (Word's alt text); the caption when empty.
    alt: str = ""


@dataclass(frozen=True)
class Columns:
    """Blocks meant to be read side by side, e.g. the variants of one clause in the book.

    HTML sets the columns next to each other; Markdown and Word, which cannot, print them one
    after another. Numbered paragraphs number on across the columns in that order.
    """

    columns: tuple[tuple[Block, ...], ...]


Block = Paragraph | ListBlock | Table | Image | Columns


def flatten(blocks: Iterable[Block]) -> Iterator[Paragraph | ListBlock | Table | Image]:
    """The blocks in reading order, with side-by-side columns one after another."""
    for block in blocks:
        if isinstance(block, Columns):
            for column in block.columns:
                yield from flatten(column)
        else:
            yield block


@dataclass(frozen=True)
class Section:
    """One numbered clause of the agreement (a Heading 1 in Word)."""

    number: str  # "3"
    title: str
    clause_id: str
    variant: str
    version: str
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class Party:
    role: str  # "Provider" / "Customer"
    legal_name: str
    address: tuple[str, ...]
    company_number: str | None
    signatory_name: str
    signatory_title: str
    # What the number is called where the party is registered: a US state's file number is
    # not a company number.
    number_label: str = "company number"
    # How the governing law's practice lays out a signature: "on-behalf" (English "Signed for
    # and on behalf of") or "by" (US "By: / Name: / Title: / Date:").
    signature_block: str = "on-behalf"


def party(
    role: str, who: Any, number_label: str = "company number", signature_block: str = "on-behalf"
) -> Party:
    """The Party for a provider or customer of the agreement file (anything with ``name``,
    ``address``, ``company_number`` and ``signatory``)."""
    return Party(
        role,
        who.name,
        tuple(who.address),
        who.company_number,
        who.signatory.name,
        who.signatory.title,
        number_label,
        signature_block,
    )


def signature_rows(provider: Party, customer: Party) -> tuple[tuple[str, str, str], ...]:
    """The signature block, one (kind, provider's line, customer's line) per row, the
    parties' roles first: every writer prints these words, so the formats say the same."""
    if provider.signature_block == "by":
        # US practice: the company's name, then the signatory signs "By:" on its behalf.
        return (
            ("role", provider.role, customer.role),
            ("name", provider.legal_name, customer.legal_name),
            ("by", "By:", "By:"),  # the line signed on, labelled
            ("text", f"Name: {provider.signatory_name}", f"Name: {customer.signatory_name}"),
            ("text", f"Title: {provider.signatory_title}", f"Title: {customer.signatory_title}"),
            ("date", "Date:", "Date:"),
        )
    on_behalf = "Signed for and on behalf of"
    return (
        ("role", provider.role, customer.role),
        ("intro", on_behalf, on_behalf),
        ("name", provider.legal_name, customer.legal_name),
        ("line", "", ""),
        ("caption", "Signature", "Signature"),
        ("text", f"Name: {provider.signatory_name}", f"Name: {customer.signatory_name}"),
        ("text", f"Title: {provider.signatory_title}", f"Title: {customer.signatory_title}"),
        ("date", "Date:", "Date:"),
    )


# The draft markings: clauses not yet approved by the library's owners, and an agreement file
# whose status is still draft (under negotiation, not binding until signed).
UNAPPROVED_NOTICE = "DRAFT: contains clauses that are not approved. Not for signature."
SUBJECT_TO_CONTRACT = "DRAFT - subject to contract"


@dataclass(frozen=True)
class Cover:
    title: str  # "Service Level Agreement"
    subtitle: str  # e.g. "Managed IT Services" or "Small Business Support Agreement"
    provider: Party
    customer: Party
    reference: str = ""
    effective_date: str = ""  # already formatted for the provider's locale
    version: str = ""
    logo: bytes | None = None  # the provider's logo image (PNG or JPEG), if any
    draft: bool = False  # True renders a visible DRAFT marking
    # Why it is a draft, as the reader sees it: the short mark on the cover and in the header,
    # and the sentence at the top of the Markdown and HTML cover.
    draft_label: str = "DRAFT"
    draft_notice: str = UNAPPROVED_NOTICE
    # False for documents that are not agreements (internal memos): the cover has no
    # "between ... (the "Provider") and ... (the "Customer")" block.
    parties: bool = True
    # The labelled lines under the title, for documents that are not agreements:
    # (("Period", "January 2027"), ("As of", ...)). Empty: the agreement's Reference,
    # Effective date and Version.
    details: tuple[tuple[str, str], ...] = ()

    def rows(self) -> tuple[tuple[str, str], ...]:
        """The labelled lines every writer prints under the title, in order."""
        return self.details or (
            ("Reference", self.reference),
            ("Effective date", self.effective_date),
            ("Version", self.version),
        )


@dataclass(frozen=True)
class Document:
    cover: Cover
    sections: tuple[Section, ...]
    page_size: Literal["A4", "Letter"] = "A4"
    header_text: str = ""  # e.g. "Acme Ltd - Service Level Agreement ACME-SLA-001"
    footer_text: str = ""  # left part of the footer; "Page X of Y" is added by the renderer
    # Core properties (Word) / front matter (Markdown).
    title: str = ""
    subject: str = ""
    author: str = ""
    keywords: str = ""
    # The instant used for every date stamped into the file (never wall-clock time).
    stamp_date: str = "2000-01-01"  # ISO date
    # Word custom properties: short string values only (provenance).
    custom_properties: tuple[tuple[str, str], ...] = field(default_factory=tuple)
    # False for documents nobody signs (reports): no signature block at the end.
    signatures: bool = True
    # False for short documents (a one-agreement memo): no contents list after the cover.
    contents: bool = True
    # Blocks between the cover and the contents, e.g. how to read the clause book.
    preface: tuple[Block, ...] = ()
    # The signature page's heading and sentence, in the document's spelling (every format).
    signature_heading: str = "Signatures"
    signature_intro: str = (
        "Signed by the authorised representatives of the parties on the dates below."
    )
    # BCP 47 tag of the text (en-GB, en-US): Word's spell-checker and the file's metadata.
    language: str = "en-GB"
