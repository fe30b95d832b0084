"""Governing laws: what a clause says about each, in one place.

``agreement.jurisdiction`` names one of these. The governing-law clause, the limitation
period that records are kept for and the courts all read from here, so adding a jurisdiction
is one entry (and the wording it needs in clauses/governing-law.*.md).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Law:
    name: str  # "England and Wales": as in "the law of England and Wales"
    courts: str  # "the courts of England and Wales"
    # Years within which a claim in contract may be brought: records are kept at least as long.
    limitation_years: int


JURISDICTIONS: dict[str, Law] = {
    # Limitation Act 1980, s. 5: six years for simple contracts.
    "england-and-wales": Law("England and Wales", "the courts of England and Wales", 6),
}
