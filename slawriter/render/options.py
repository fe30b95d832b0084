"""What a writer may need besides the document tree: passed to every writer alike."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Options:
    # The firm's Word master template (templates/agreement.docx): Word and PDF draw on it.
    template: Path | None = None
    # PDF/A-2b (for archiving) instead of plain tagged PDF.
    pdf_a: bool = False

    def word_template(self) -> Path:
        if self.template is None:
            raise ValueError("rendering Word or PDF needs the Word master template")
        return self.template
