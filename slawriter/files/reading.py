"""Opening the files a user names: regular files only, of a bounded size, never blocking.

A FIFO opened for reading waits for a writer for ever, and /dev/zero or /dev/urandom never
end: so every file the product reads (agreement, provider, mapping, logo, exports) is opened
without blocking and refused unless it is a regular file, before a byte is read.
"""

from __future__ import annotations

import errno
import os
import stat
import sys
from pathlib import Path
from typing import BinaryIO

MB = 1024 * 1024
MAX_YAML_BYTES = 5 * MB  # agreement, provider and mapping files: a real one is under 100 KB
MAX_LOGO_BYTES = 5 * MB
MAX_EXPORT_BYTES = 2048 * MB  # ticket exports and outage logs are read in chunks
MAX_OUTPUT_BYTES = 512 * MB  # an existing output compared before it is replaced
MAX_RECORD_BYTES = 50 * MB  # the record beside an output set: a real one is a few KB


class NotReadable(Exception):
    """Why a file cannot be read, in words for the user (the caller adds the file's name)."""


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def open_regular(path: Path, limit: int) -> BinaryIO:
    """``path`` opened for reading in binary; NotReadable when it is missing, not a regular
    file, larger than ``limit`` bytes, or cannot be opened."""
    if "\0" in str(path):
        raise NotReadable("the file name contains a NUL character")
    try:
        # O_NONBLOCK: opening a FIFO returns at once instead of waiting for a writer.
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise NotReadable("no such file") from None
    except IsADirectoryError:
        raise NotReadable("is a folder, not a file") from None
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise NotReadable("is a symbolic link that leads round in a loop") from None
        raise NotReadable(f"cannot be read ({error.strerror})") from None
    try:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode):
            kind = _kind(info.st_mode)
            raise NotReadable(f"is {kind}, not a regular file: name a file saved on disk")
        if info.st_size > limit:
            raise NotReadable(
                f"is {info.st_size / MB:,.1f} MB; at most {limit // MB:,} MB is read: "
                "is this the right file?"
            )
        if hasattr(os, "set_blocking"):
            os.set_blocking(descriptor, True)
        return os.fdopen(descriptor, "rb")
    except BaseException:
        os.close(descriptor)
        raise


STDIN = Path("-")  # a file argument of '-': standard input
_stdin: bytes | None = None  # read once: a command may look at its input more than once


def is_stdin(path: Path) -> bool:
    return str(path) == "-"


def check_stdin_once(paths: list[Path]) -> None:
    """Standard input can be read once: '-' may stand for one file of a command line."""
    from slawriter.errors import InputError

    if sum(is_stdin(path) for path in paths) > 1:
        raise InputError("'-' (standard input) may be given once")


def _read_stdin(limit: int) -> bytes:
    global _stdin
    if _stdin is None:
        _stdin = sys.stdin.buffer.read(limit + 1)
    if len(_stdin) > limit:
        raise NotReadable(f"standard input is larger than {limit:,} bytes")
    return _stdin


def read_regular(path: Path, limit: int) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes (see :func:`open_regular`);
    for '-', standard input."""
    if is_stdin(path):
        return _read_stdin(limit)
    with open_regular(path, limit) as handle:
        try:
            data = handle.read(limit + 1)
        except OSError as error:
            raise NotReadable(f"cannot be read ({error.strerror})") from None
    if len(data) > limit:  # it grew after it was opened
        raise NotReadable(f"is over {limit // MB:,} MB; is this the right file?")
    return data


MAX_ZIP_BYTES = 50 * MB  # a Word master template: a real one is well under 1 MB
MAX_ZIP_MEMBER_BYTES = 50 * MB  # one part, once unpacked
MAX_ZIP_TOTAL_BYTES = 200 * MB  # all the parts, once unpacked


def check_zip(path: Path) -> None:
    """NotReadable unless ``path`` is a regular file of at most MAX_ZIP_BYTES whose parts
    unpack to at most MAX_ZIP_MEMBER_BYTES each and MAX_ZIP_TOTAL_BYTES in all.

    A "zip bomb" (1 MB holding a 1 GiB part of zeros) fills memory when the part is read.
    The sizes checked are the ones the archive declares; Python's zipfile never unpacks more
    than a part declares, so a part cannot lie its way past the limit."""
    import zipfile

    with open_regular(path, MAX_ZIP_BYTES) as handle:
        try:
            with zipfile.ZipFile(handle) as archive:
                members = archive.infolist()
        except (zipfile.BadZipFile, OSError, ValueError):
            return  # not a zip: the reader says so in its own words
    total = 0
    for member in members:
        if member.file_size > MAX_ZIP_MEMBER_BYTES:
            raise NotReadable(
                f"holds a part ({member.filename}) of {member.file_size / MB:,.0f} MB once "
                f"unpacked; at most {MAX_ZIP_MEMBER_BYTES // MB} MB is read: "
                "is this the right file?"
            )
        total += member.file_size
    if total > MAX_ZIP_TOTAL_BYTES:
        raise NotReadable(
            f"unpacks to {total / MB:,.0f} MB; at most {MAX_ZIP_TOTAL_BYTES // MB} MB is read: "
            "is this the right file?"
        )
