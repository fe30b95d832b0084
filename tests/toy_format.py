"""A toy output format for tests/test_registry.py: plain text, one module with ``write``.

Registered there with one entry in ``slawriter.render.registry.FORMATS``, it proves that an
output format needs nothing else to be written by every command.
"""

from __future__ import annotations

from slawriter.render.document import Document, Paragraph, flatten
from slawriter.render.options import Options


def write(document: Document, options: Options) -> bytes:
    lines = [f"TOY {document.cover.title}"]
    for section in document.sections:
        lines.append(f"{section.number}. {section.title}")
        for block in flatten(section.blocks):
            if isinstance(block, Paragraph):
                lines.append("".join(run.text for run in block.runs))
    return "\n".join(lines).encode("utf-8") + b"\n"
