"""Checking agreement files, one by one or as a portfolio that shares the provider's team.

``check_files`` is what ``slawriter check`` runs: it gathers the files (those given, and a
portfolio folder's), loads every one, reports every problem in them together, passes over
provider files that a glob picked up, and checks the rest.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from slawriter.errors import InputError, Problem
from slawriter.files.load import Loaded, ProviderFileGiven, load_agreement
from slawriter.files.output import display_path
from slawriter.text.words import plural

if TYPE_CHECKING:
    from slawriter.library import Library

    from .findings import Checked


@dataclass(frozen=True)
class CheckedFiles:
    """The outcome of ``check_files``."""

    checked: list[Checked]
    skipped: list[str]  # provider files passed over, as displayed paths
    portfolio: bool

    def failed(self, strict: bool = False) -> bool:
        """True when an error stands (with ``strict``, a warning too)."""
        failing = {"error", "warning"} if strict else {"error"}
        return any(f.severity in failing for item in self.checked for f in item.findings)

    def as_json(self, strict: bool = False) -> dict[str, object]:
        output: dict[str, object] = {
            "findings": [
                {**finding.as_dict(), "agreement": display_path(item.loaded.path)}
                for item in self.checked
                for finding in item.findings
            ],
            "ok": not self.failed(strict),
        }
        if self.portfolio:
            output["agreements"] = [
                {
                    "file": display_path(item.loaded.path),
                    "customer": item.loaded.agreement.customer.name,
                    "errors": sum(f.severity == "error" for f in item.findings),
                    "warnings": sum(f.severity == "warning" for f in item.findings),
                    "info": sum(f.severity == "info" for f in item.findings),
                }
                for item in self.checked
            ]
        return output


def gather(paths: Sequence[Path], portfolio: Path | None) -> list[Path]:
    """The files given, then the portfolio folder's YAML files not among them."""
    found = list(paths)
    if portfolio is not None:
        if not portfolio.is_dir():
            raise InputError(f"--portfolio: {display_path(portfolio)} is not a folder")
        in_folder = sorted([*portfolio.glob("*.yaml"), *portfolio.glob("*.yml")])
        found += [p for p in in_folder if p not in found]
    if not found:
        raise InputError(
            "nothing to check: give agreement files, or --portfolio DIR, or --list-rules"
        )
    return found


def load_all(paths: Sequence[Path], library: Library) -> tuple[list[Loaded], list[str]]:
    """Every agreement loaded, and the provider files passed over; every problem together."""
    loaded = []
    skipped: list[str] = []
    problems: list[Problem] = []
    for path in paths:
        try:
            loaded.append(load_agreement(path, library))
        except ProviderFileGiven:
            skipped.append(display_path(path))
        except InputError as error:
            problems.extend(error.problems or [Problem(display_path(path), error.message)])
    if problems:
        count = len(problems)
        raise InputError(f"{plural(count, 'problem')} found", problems)
    if not loaded:
        raise InputError(f"no agreement files among {', '.join(skipped)}")
    return loaded, skipped


def check_files(
    paths: Sequence[Path], library: Library, portfolio: Path | None = None
) -> CheckedFiles:
    """Check the agreements given and those in the ``portfolio`` folder; in portfolio mode
    they share their provider's team."""
    from . import check_agreements

    loaded, skipped = load_all(gather(paths, portfolio), library)
    checked = check_agreements(loaded, library, portfolio=portfolio is not None)
    return CheckedFiles(checked, skipped, portfolio is not None)
