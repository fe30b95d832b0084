"""Checking the provider's logo before anything is rendered: a regular file, a whole PNG or
JPEG. A truncated picture otherwise fails deep inside the Word writer, after the Markdown
may already have been drafted."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

from slawriter.files.output import display_path
from slawriter.files.reading import MAX_LOGO_BYTES, NotReadable, read_regular

_PNG = b"\x89PNG\r\n\x1a\n"
_JPEG = b"\xff\xd8\xff"


def _png_problem(data: bytes) -> str | None:
    position = len(_PNG)
    first = True
    while position + 12 <= len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        kind = data[position + 4 : position + 8]
        end = position + 12 + length
        if end > len(data):
            break
        body = data[position + 8 : end - 4]
        (crc,) = struct.unpack(">I", data[end - 4 : end])
        if zlib.crc32(kind + body) != crc:
            return "is a damaged PNG file (a checksum does not match): export the picture again"
        if first and (kind != b"IHDR" or length < 8 or b"\0\0\0\0" in (body[:4], body[4:8])):
            return "is a damaged PNG file (no picture size): export the picture again"
        first = False
        if kind == b"IEND":
            return None
        position = end
    return "is a truncated PNG file (it ends before the picture does): export it again"


def logo_problem(path: Path) -> str | None:
    """What is wrong with the logo at ``path`` (words after its name), or None."""
    try:
        data = read_regular(path, MAX_LOGO_BYTES)
    except NotReadable as error:
        reason = str(error)
        if reason == "no such file":
            return f"not found at {display_path(path)}"
        return f"({display_path(path)}) {reason}"
    if data.startswith(_PNG):
        return _png_problem(data)
    if data.startswith(_JPEG):
        if b"\xff\xd9" not in data[3:]:
            return "is a truncated JPEG file (it has no end marker): export it again"
        return None
    return "is not a PNG or JPEG picture"
