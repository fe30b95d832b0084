"""What the checker reports: one finding per broken promise, in one fixed order."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

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
