"""The PDF writer: the Word document converted by LibreOffice (soffice) in headless mode.

LibreOffice allows one running instance per user profile, and a second ``soffice`` started
on a busy profile hands its job to the first one or fails. So every conversion here uses a
private profile in a temporary directory, reused for the life of the process (a profile's
first start is the slow one), and conversions run one at a time: a thread lock inside the
process plus an ``fcntl`` lock on a per-user file in the system's temporary directory, so
parallel slawriter processes (a batch run, a test suite) take turns too.
"""

from __future__ import annotations

import atexit
import contextlib
import fcntl
import os
import shutil
import signal
import subprocess
import tempfile
import threading
from pathlib import Path

from slawriter.errors import SlawriterError, ToolMissingError
from slawriter.render.document import Document
from slawriter.render.options import Options

__all__ = ["PdfConversionError", "check", "convert_to_pdf", "find_soffice", "write"]

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

    data = render_docx(document, options.word_template())
    with tempfile.TemporaryDirectory(prefix="slawriter-pdf-") as folder:
        source = Path(folder) / "document.docx"
        source.write_bytes(data)
        return convert_to_pdf(source, Path(folder)).read_bytes()


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


def convert_to_pdf(source: Path, out_dir: Path, timeout: float = 120) -> Path:
    """Convert ``source`` (.docx) to ``out_dir/<stem>.pdf`` and return that path."""
    program = find_soffice()
    if not source.is_file():
        raise PdfConversionError(f"Cannot convert {source} to PDF: no such file.")
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"{source.stem}.pdf"
    lock_path = Path(tempfile.gettempdir()) / f"slawriter-soffice-{os.getuid()}.lock"
    with _lock, open(lock_path, "a") as lock_file:
        fcntl.flock(lock_file, fcntl.LOCK_EX)  # released when the file closes
        _run(program, _profile(), source, out_dir, timeout)
    if not target.is_file():
        raise PdfConversionError(f"LibreOffice did not write {target} when converting {source}.")
    return target


def _run(program: str, profile: Path, source: Path, out_dir: Path, timeout: float) -> None:
    command = [
        program,
        f"-env:UserInstallation={profile.as_uri()}",
        "--headless",
        "--norestore",
        "--nolockcheck",
        "--convert-to",
        "pdf",
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
