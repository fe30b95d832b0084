"""The output formats: one table from a format's name (its files' extension) to its writer.

Every document slawriter writes (agreement, compliance report, clause book, feasibility memo)
is a :class:`~slawriter.render.document.Document`, and every command turns one into bytes
through :func:`render` here; nothing outside this package picks a writer by format name. A
writer is a module of this package with ``write(document, options) -> bytes``; it may also
have ``check()``, which fails early (before any work) when something the format needs is
missing. Adding a format is one module plus one entry in ``FORMATS`` (docs/architecture.md).

Writer modules are imported on first use, so a command that writes Markdown never loads
python-docx.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, cast

from slawriter.errors import InputError
from slawriter.render.options import Options

if TYPE_CHECKING:  # only annotations: --help reads FORMATS without loading the tree
    from slawriter.render.document import Document

__all__ = [
    "FORMATS",
    "Format",
    "Options",
    "check_available",
    "format_of",
    "in_parallel",
    "parse_formats",
    "render",
    "render_all",
]


class Writer(Protocol):
    def __call__(self, document: Document, options: Options) -> bytes: ...


@dataclass(frozen=True)
class Format:
    name: str  # the format's name, which is also its files' extension: "docx"
    module: str  # the writer module: "slawriter.render.word"
    description: str  # for messages and help: "Word"
    # True when conversions must run one at a time in one process (LibreOffice allows one
    # instance per profile): a batch with this format is not spread over worker processes.
    serial: bool = False
    # True when the writer needs a program installed: its module's check() is called before
    # any work (other writers are not imported until they write: docx's ~50 ms, for one).
    needs_program: bool = False


FORMATS: dict[str, Format] = {
    entry.name: entry
    for entry in (
        Format("docx", "slawriter.render.word", "Word"),
        Format("html", "slawriter.render.html", "a web page"),
        Format("md", "slawriter.render.markdown", "Markdown"),
        Format(
            "pdf",
            "slawriter.render.pdf",
            "PDF, converted from Word by LibreOffice",
            serial=True,
            needs_program=True,
        ),
    )
}


def known() -> str:
    """The known formats for a message: "docx (Word), html (a web page), ..."."""
    return ", ".join(f"{f.name} ({f.description})" for f in FORMATS.values())


def get(name: str) -> Format:
    found = FORMATS.get(name.strip().lower().lstrip("."))
    if found is None:
        raise InputError(f"unknown format '{name}': slawriter writes {known()}")
    return found


def _writer(entry: Format) -> Writer:
    return cast(Writer, importlib.import_module(entry.module).write)


def render(
    document: Document, fmt: str, *, template: Path | None = None, pdf_a: bool = False
) -> bytes:
    """``document`` as a file of format ``fmt``; ``template``: the Word master template;
    ``pdf_a``: PDF/A-2b rather than plain (tagged) PDF."""
    return _writer(get(fmt))(document, Options(template=template, pdf_a=pdf_a))


def render_all(
    document: Document,
    formats: Iterable[str],
    *,
    template: Path | None = None,
    pdf_a: bool = False,
) -> dict[str, bytes]:
    """``document`` in each of ``formats``, keyed by format name (the extension), in order."""
    names = [get(fmt).name for fmt in formats]
    both: dict[str, bytes] = {}
    if "docx" in names and "pdf" in names:
        # One LibreOffice layout for both: the PDF, and the page numbers the Word file's
        # contents stores (see pdf.write_with_word).
        pdf = importlib.import_module(FORMATS["pdf"].module)
        options = Options(template=template, pdf_a=pdf_a)
        both["docx"], both["pdf"] = pdf.write_with_word(document, options)
    return {
        name: both[name] if name in both else render(document, name, template=template, pdf_a=pdf_a)
        for name in names
    }


def parse_formats(text: str, option: str = "--format") -> list[str]:
    """A comma-separated list of format names ("docx,md"), checked, without repeats."""
    names = [name.strip().lower() for name in text.split(",") if name.strip()]
    unknown = [name for name in names if name not in FORMATS]
    expected = f"expected a comma-separated list of: {known()}"
    if not names:
        raise InputError(f"{option}: no format given ({expected})")
    if unknown:
        raise InputError(f"{option}: unknown format '{', '.join(unknown)}' ({expected})")
    return list(dict.fromkeys(names))


def format_of(path: Path, option: str = "--out") -> str:
    """The format a file's extension picks."""
    name = path.suffix.lower().lstrip(".")
    if name not in FORMATS:
        raise InputError(
            f"{option} {path.name}: unknown format '{name or path.name}': the extension picks "
            f"the format, one of {', '.join('.' + f for f in FORMATS)} ({known()})"
        )
    return name


def check_available(formats: Sequence[str]) -> None:
    """Fail now, before any work, when a format needs a program that is not installed."""
    for name in formats:
        entry = get(name)
        if entry.needs_program:
            importlib.import_module(entry.module).check()


def in_parallel(formats: Sequence[str]) -> bool:
    """Whether a batch in these formats may run on several worker processes."""
    return not any(get(name).serial for name in formats)
