"""The PDF writer: the Word document converted by LibreOffice (soffice) in headless mode.

LibreOffice allows one running instance per user profile, and a second ``soffice`` started
on a busy profile hands its job to the first one or fails. So every conversion here uses a
private profile in a temporary directory, reused for the life of the process (a profile's
first start is the slow one), and conversions run one at a time: a thread lock inside the
process plus an ``fcntl`` lock on a per-user file in the system's temporary directory, so
parallel slawriter processes (a batch run, a test suite) take turns too.

Every PDF is tagged (headings, lists, tables and reading order for screen readers); with
``Options.pdf_a`` it is PDF/A-2b, for archives (fonts embedded, metadata in XMP).
"""

from __future__ import annotations

import atexit
import contextlib
import fcntl
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
from pathlib import Path

from slawriter.errors import SlawriterError, ToolMissingError
from slawriter.render.document import Document
from slawriter.render.options import Options

__all__ = [
    "PdfConversionError",
    "check",
    "convert_to_pdf",
    "find_soffice",
    "heading_pages",
    "write",
    "write_with_word",
]

INSTALL_HINT = (
    "Install LibreOffice to produce PDF files: "
    "'sudo apt-get install libreoffice-writer-nogui' on Debian/Ubuntu, "
    "'brew install --cask libreoffice' on macOS, "
    "or download it from https://www.libreoffice.org/download/ (then make sure 'soffice' "
    "is on PATH)."
)

_lock = threading.Lock()
_profile_dir: Path | None = None


class PdfConversionError(SlawriterError):
    """LibreOffice ran but did not produce the PDF (exit 2)."""


def write(document: Document, options: Options) -> bytes:
    from slawriter.render.word import render_docx

    return _convert(render_docx(document, options.word_template()), options.pdf_a)


def write_with_word(document: Document, options: Options) -> tuple[bytes, bytes]:
    """The Word file and the PDF from one LibreOffice layout: the Word file's contents
    stores the page each clause starts on in that layout (LibreOffice, with the
    metric-compatible fonts, breaks pages where Word does), so Word shows real page numbers
    without updating its fields."""
    from slawriter.render.word import render_docx

    template = options.word_template()
    first = render_docx(document, template)
    pdf = _convert(first, options.pdf_a)
    pages = heading_pages(pdf, [(s.number, s.title) for s in document.sections])
    # The contents' page numbers take the room LibreOffice already gave them: same layout.
    return (render_docx(document, template, pages) if pages else first), pdf


def _convert(docx: bytes, pdf_a: bool) -> bytes:
    with tempfile.TemporaryDirectory(prefix="slawriter-pdf-") as folder:
        source = Path(folder) / "document.docx"
        source.write_bytes(docx)
        return convert_to_pdf(source, Path(folder), pdf_a=pdf_a).read_bytes()


def heading_pages(pdf: bytes, headings: list[tuple[str, str]]) -> dict[str, int]:
    """The page (from 1) on which each numbered heading ("3", "Exclusions") starts, read with
    poppler's pdftotext; {} when pdftotext is missing or a heading is not found (then Word
    is asked to update the fields instead: a wrong number is worse than none)."""
    program = shutil.which("pdftotext")
    if program is None or not headings:
        return {}
    try:
        text = subprocess.run(
            [program, "-layout", "-enc", "UTF-8", "-", "-"],
            input=pdf,
            capture_output=True,
            timeout=60,
            check=True,
        ).stdout.decode("utf-8", "replace")
    except (OSError, subprocess.SubprocessError):
        return {}
    pages = text.split("\f")
    found: dict[str, int] = {}
    page = 0
    for number, title in headings:
        # The heading's first line: "3.  Exclusions" alone on its line (the contents' entry
        # ends with its page number, and body text does not start with the number).
        words = title.split()[:4]
        pattern = re.compile(
            rf"^\s*{re.escape(number)}\.\s+" + r"\s+".join(map(re.escape, words)) + r"(?!.*\d\s*$)",
            re.M,
        )
        while page < len(pages) and not pattern.search(pages[page]):
            page += 1
        if page == len(pages):
            return {}
        found[number] = page + 1
    return found


def check() -> None:
    """Fail before any work is done when LibreOffice is missing."""
    find_soffice()


def find_soffice() -> str:
    """Return the path of LibreOffice's ``soffice`` (or ``libreoffice``) program."""
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    raise ToolMissingError(f"LibreOffice (soffice) was not found on PATH. {INSTALL_HINT}")


def convert_to_pdf(
    source: Path, out_dir: Path, timeout: float = 120, *, pdf_a: bool = False
) -> Path:
    """Convert ``source`` (.docx) to ``out_dir/<stem>.pdf`` (tagged; PDF/A-2b with
    ``pdf_a``) and return that path."""
    program = find_soffice()
    if not source.is_file():
        raise PdfConversionError(f"Cannot convert {source} to PDF: no such file.")
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"{source.stem}.pdf"
    lock_path = Path(tempfile.gettempdir()) / f"slawriter-soffice-{os.getuid()}.lock"
    with _lock, open(lock_path, "a") as lock_file:
        fcntl.flock(lock_file, fcntl.LOCK_EX)  # released when the file closes
        _run(program, _profile(), source, out_dir, timeout, pdf_a)
    if not target.is_file():
        raise PdfConversionError(f"LibreOffice did not write {target} when converting {source}.")
    return target


def export_filter(pdf_a: bool) -> str:
    """LibreOffice's PDF export with its options (JSON form, LibreOffice 7.4 and later)."""
    options: dict[str, dict[str, str]] = {"UseTaggedPDF": {"type": "boolean", "value": "true"}}
    if pdf_a:
        options["SelectPdfVersion"] = {"type": "long", "value": "2"}  # PDF/A-2b
    return "pdf:writer_pdf_Export:" + json.dumps(options, separators=(",", ":"))


def _run(
    program: str, profile: Path, source: Path, out_dir: Path, timeout: float, pdf_a: bool
) -> None:
    command = [
        program,
        f"-env:UserInstallation={profile.as_uri()}",
        "--headless",
        "--norestore",
        "--nolockcheck",
        "--convert-to",
        export_filter(pdf_a),
        "--outdir",
        str(out_dir),
        str(source),
    ]
    target = out_dir / f"{source.stem}.pdf"
    target.unlink(missing_ok=True)
    try:
        # A session of its own, so a timeout can stop soffice.bin too, not just its launcher.
        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
    except OSError as exc:
        raise PdfConversionError(f"Cannot run LibreOffice ({program}): {exc}") from exc
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired as exc:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        _discard_profile()  # a killed instance can leave its profile locked
        raise PdfConversionError(
            f"LibreOffice took longer than {timeout:g} s to convert {source} to PDF "
            "and was stopped."
        ) from exc
    if process.returncode != 0 or not target.is_file():
        # Drop LibreOffice's routine warning about Java, which says nothing about the failure.
        lines = (stderr or stdout).splitlines()
        details = "\n".join(line for line in lines if "javaldx" not in line).strip()
        raise PdfConversionError(
            f"LibreOffice failed to convert {source} to PDF "
            f"(exit code {process.returncode}): {details or '(no output)'}"
        )


def _discard_profile() -> None:
    global _profile_dir
    if _profile_dir is not None:
        shutil.rmtree(_profile_dir.parent, ignore_errors=True)
        _profile_dir = None


def _profile() -> Path:
    """The process's private LibreOffice profile (created on first use, removed at exit)."""
    global _profile_dir
    if _profile_dir is None:
        base = Path(tempfile.mkdtemp(prefix="slawriter-soffice-"))
        atexit.register(shutil.rmtree, base, True)
        _profile_dir = base / "profile"
    return _profile_dir
