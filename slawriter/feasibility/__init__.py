"""The feasibility checker: stop promises the provider cannot keep.

``check_agreement(loaded, library)`` runs every rule in :mod:`slawriter.feasibility.rules` on
one agreement and returns its findings, errors first. ``check_agreements`` does the same for
several agreements that share one provider's team (portfolio mode): each agreement's staffing
check then counts the tickets of all of them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from .findings import SEVERITIES, Finding, Severity, sort_findings

if TYPE_CHECKING:
    from pathlib import Path

    from slawriter.files.load import Loaded
    from slawriter.library import Library

    from .context import Facts, TeamLoad
    from .findings import Checked

__all__ = [
    "SEVERITIES",
    "Finding",
    "Severity",
    "check_agreement",
    "check_agreements",
    "facts_for",
]


def facts_for(loaded: Loaded, library: Library) -> Facts:
    """Everything the rules need about one agreement."""
    from slawriter.library.clauses import chosen_variant
    from slawriter.library.platforms import load_platforms, platforms_path
    from slawriter.library.wording import load_wording, wording_path

    from .context import Facts

    agreement = loaded.agreement
    clauses = []
    for choice in loaded.profile.clauses:
        variant = chosen_variant(
            library.clauses, choice.clause, choice.variant, agreement.variants.get(choice.clause)
        )
        clause = library.clauses.get((choice.clause, variant))
        if clause is not None:
            clauses.append(clause)
    wording = library.cache.get("feasibility.wording")
    if wording is None:
        folder = library.clauses_dir
        if not wording_path(folder).is_file():  # a firm's own library: use the built-in list
            from slawriter.library import builtin_library_root

            folder = builtin_library_root() / "clauses"
        wording = load_wording(folder)
        library.cache["feasibility.wording"] = wording
    platforms = library.cache.get("feasibility.platforms")
    if platforms is None:
        folder = library.clauses_dir
        if not platforms_path(folder).is_file():  # a firm's own library: use the built-in list
            from slawriter.library import builtin_library_root

            folder = builtin_library_root() / "clauses"
        platforms = load_platforms(folder)
        library.cache["feasibility.platforms"] = platforms
    monitoring = loaded.profile.defaults.get("monitoring")
    generic = monitoring.get("system") if isinstance(monitoring, dict) else None
    return Facts(
        agreement,
        loaded.provider,
        data=loaded.data,
        clauses=clauses,
        wording=wording,
        platforms=platforms,
        generic_monitoring=(generic,) if isinstance(generic, str) else (),
    )


def check_agreement(loaded: Loaded, library: Library) -> list[Finding]:
    """Every finding for one agreement: errors first, then warnings, then info."""
    from .rules import run_rules

    return sort_findings(run_rules(facts_for(loaded, library)))


def check_agreements(
    loaded: Sequence[Loaded], library: Library, *, portfolio: bool = True
) -> list[Checked]:
    """Every agreement checked. In portfolio mode, agreements with the same provider file
    share its team: each one's staffing check counts the tickets of all of them."""
    from .findings import Checked
    from .rules import run_rules

    all_facts = [facts_for(item, library) for item in loaded]
    # Each agreement's load is named once and shared by every list it appears in; agreements
    # are grouped by provider file first. (Comparing every pair of paths and copying each load
    # per pair cost a million copies for a portfolio of 1,000.)
    named: list[TeamLoad | None] = []
    teams: dict[Path, list[int]] = {}
    for index, (item, facts) in enumerate(zip(loaded, all_facts, strict=True)):
        load = facts.own_load() if portfolio else None
        named.append(None if load is None else replace(load, name=str(item.path)))
        teams.setdefault(item.provider_path, []).append(index)
    results = []
    for index, (item, facts) in enumerate(zip(loaded, all_facts, strict=True)):
        if portfolio:
            # In the portfolio's order, as before: the sums over others keep their bits.
            facts.others.extend(
                load
                for other_index in teams[item.provider_path]
                if other_index != index and (load := named[other_index]) is not None
            )
        results.append(Checked(item, facts, sort_findings(run_rules(facts))))
    return results
