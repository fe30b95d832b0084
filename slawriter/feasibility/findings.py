"""What the checker reports: one finding per broken promise, in one fixed order."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from slawriter.text.words import plural

if TYPE_CHECKING:
    from slawriter.files.load import Loaded

    from .context import Facts

Severity = Literal["error", "warning", "info"]
SEVERITIES: tuple[Severity, ...] = ("error", "warning", "info")


@dataclass(frozen=True)
class Finding:
    """One promise the provider may not be able to keep.

    ``message`` quotes the numbers on both sides; ``paths`` are field paths in the agreement
    (``priorities.P1.resolution``); ``suggestion`` says what would make the promise feasible.
    """

    id: str
    severity: Severity
    message: str
    paths: list[str] = field(default_factory=list)
    suggestion: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "severity": self.severity,
            "message": self.message,
            "paths": list(self.paths),
            "suggestion": self.suggestion,
        }


def sort_findings(findings: list[Finding]) -> list[Finding]:
    """Errors first, then warnings, then info; otherwise the order the rules found them."""
    return sorted(findings, key=lambda f: SEVERITIES.index(f.severity))


# Here rather than in the memo, which imports the document tree: `check` without --memo
# needs these two and not the memo (~8 ms of CPU).
@dataclass(frozen=True)
class Checked:
    """One agreement as the memo reports it."""

    loaded: Loaded
    facts: Facts
    findings: list[Finding]


def count_words(findings: Sequence[Finding]) -> str:
    errors = sum(f.severity == "error" for f in findings)
    warnings = sum(f.severity == "warning" for f in findings)
    notes = sum(f.severity == "info" for f in findings)
    return f"{plural(errors, 'error')}, {plural(warnings, 'warning')}, {plural(notes, 'note')}"
