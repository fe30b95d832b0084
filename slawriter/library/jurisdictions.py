"""The jurisdiction data (clauses/jurisdictions.yaml) and the US spelling list
(clauses/spelling-en_US.yaml), both checked loudly when loaded.

The facts live in the library, beside the clauses that print them, so a firm's lawyer corrects
a court or a limitation period once and every clause that names it follows.
"""

# No `from __future__ import annotations` in the model modules: pydantic would then compile
# and evaluate every field's annotation as a string when the models are built (docs/performance.md).

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field

from slawriter.errors import InputError, Problem
from slawriter.files.output import display_path
from slawriter.files.yaml import read_yaml, validate_model
from slawriter.model.common import HolidayCode, Language, Limit, Line, Slug, Strict
from slawriter.model.durations import DurationField, PeriodField
from slawriter.text.times import twelve_hour

JURISDICTIONS_FILE = "jurisdictions.yaml"
SPELLING_FILE = "spelling-{language}.yaml"
ENTITY_TYPES = (
    "company",
    "llp",
    "partnership",
    "sole-trader",
    "corporation",
    "professional-corporation",
    "llc",
)


class Regime(Strict):
    name: Line = Field(description="Short name for running text, e.g. 'the UK GDPR'")
    law: Line = Field(description="Full citation, printed once")
    authority: Line = Field(description="Who regulates it, e.g. 'the Information Commissioner'")
    special_breach_notice: DurationField | None = Field(
        default=None,
        description="The longest a processor may take to tell the customer of a breach when "
        "special-category data is handled, leaving the customer most of its own deadline",
    )


class BreachLaw(Strict):
    """What the place's breach law requires of a provider holding data for its owner."""

    within: DurationField = Field(description="The longest the document allows, e.g. 24h")
    immediately: bool = Field(
        default=False, description="Whether the law says 'immediately following discovery'"
    )
    law: Line = Field(description="The provision (printed)")


class RenewalReminder(Strict):
    """A written reminder the provider must serve before the customer's last day to give notice
    not to renew, or the automatic renewal does not bind the customer."""

    earliest: Annotated[int, Field(ge=1, le=365)] = Field(
        description="Served no more than this many days before the notice deadline"
    )
    latest: Annotated[int, Field(ge=1, le=365)] = Field(
        description="Served at least this many days before the notice deadline"
    )
    served_by: Line = Field(description="How it is served, e.g. 'certified mail'")
    law: Line = Field(description="The statute that requires it (printed)")


class Jurisdiction(Strict):
    id: str = ""  # filled from the key
    name: Line
    country: Annotated[str, Field(pattern=r"^[A-Z]{2}$")]
    law: Line
    courts: Line
    holidays: HolidayCode
    holiday_rule: Line
    language: Language
    regimes: Annotated[list[Slug], Limit(20, "regimes")] = Field(default_factory=list)
    privacy_law: Line | None = None
    privacy_authority: Line | None = None
    limitation: PeriodField
    limitation_law: Line
    entities: dict[Slug, Line] = Field(min_length=1)
    # What a draft says on its cover and header until the agreement is final: English
    # practice marks it "subject to contract"; US practice does not use the phrase.
    draft_label: Line = "DRAFT - subject to contract"
    number_label: Line = Field(
        default="company number", description="What the cover calls a party's company_number"
    )
    tax: Line = Field(default="VAT", description="The tax charged on top of the fees")
    vat_area: Line | None = Field(
        default=None,
        description="The VAT area the place is in ('the United Kingdom', 'the European Union'): "
        "a supplier in one area invoicing a business in another charges no VAT where the "
        "customer must account for it under the reverse charge",
    )
    breach_notice: BreachLaw | None = Field(
        default=None,
        description="The breach-notice duty of a provider that holds data for the customer",
    )
    renewal_reminder: RenewalReminder | None = Field(
        default=None,
        description="A reminder of automatic renewal that the law requires the provider to serve",
    )
    post: Line = Field(
        default="recorded post",
        description="The tracked postal service notices are sent by, e.g. 'registered post' "
        "(Ireland), 'certified mail' (US)",
    )
    signature_block: Literal["on-behalf", "by"] = Field(
        default="on-behalf",
        description="How a party signs: 'Signed for and on behalf of' (English practice) or "
        "'By: / Name: / Title: / Date:' (US practice)",
    )
    working_days: Line | None = Field(
        default=None,
        description="The holidays that are not Working Days, e.g. 'a bank or public holiday "
        "in England' (default: a public holiday in the place)",
    )

    @property
    def working_day_holidays(self) -> str:
        return self.working_days or f"a public holiday in {self.name}"


class JurisdictionsFile(Strict):
    jurisdictions: dict[Slug, Jurisdiction] = Field(min_length=1)
    regimes: dict[Slug, Regime] = Field(default_factory=dict)


@dataclass(frozen=True)
class Jurisdictions:
    """Every jurisdiction and regime the library knows."""

    places: dict[str, Jurisdiction]
    regimes: dict[str, Regime]

    def get(self, place: str) -> Jurisdiction | None:
        return self.places.get(place)

    def known(self) -> str:
        return ", ".join(sorted(self.places)) or "none"


def load_jurisdictions(clauses_dir: Path) -> Jurisdictions:
    """Read and check the file; a library without one knows no jurisdictions."""
    path = clauses_dir / JURISDICTIONS_FILE
    if not path.is_file():
        return Jurisdictions({}, {})
    doc = read_yaml(path)
    data = validate_model(JurisdictionsFile, doc.data, [doc], "the jurisdiction data")
    name = display_path(path)
    problems: list[Problem] = []
    places = {}
    for key, place in data.jurisdictions.items():
        places[key] = place.model_copy(update={"id": key})
        for index, regime in enumerate(place.regimes):
            if regime not in data.regimes:
                line, column = doc.position(("jurisdictions", key, "regimes", index)) or (0, 0)
                problems.append(
                    Problem(
                        name,
                        f"regime '{regime}' is not listed under regimes: "
                        f"(known: {', '.join(sorted(data.regimes)) or 'none'})",
                        line or None,
                        column or None,
                        f"jurisdictions.{key}.regimes",
                    )
                )
        for entity in place.entities:
            if entity not in ENTITY_TYPES:
                line, column = doc.position(("jurisdictions", key, "entities", entity)) or (0, 0)
                problems.append(
                    Problem(
                        name,
                        f"'{entity}' is not an entity type slawriter knows "
                        f"({', '.join(ENTITY_TYPES)})",
                        line or None,
                        column or None,
                        f"jurisdictions.{key}.entities",
                    )
                )
    if problems:
        raise InputError(f"{name} has {len(problems)} problem(s)", problems)
    return Jurisdictions(places, dict(data.regimes))


class Replacement(Strict):
    british: Line
    local: Line


class SpellingFile(Strict):
    clock: Literal["24-hour", "12-hour"] = Field(
        default="24-hour", description="How our own text writes times of day"
    )
    words: Annotated[list[Replacement], Limit(5_000, "words")] = Field(min_length=1)


@dataclass(frozen=True)
class Spelling:
    """Replaces whole words and phrases of our own clause text (never the agreement's values),
    and writes its times of day on a 12-hour clock where the language does.

    Capitalisation follows the original: 'Authorised' becomes 'Authorized'."""

    pattern: re.Pattern[str] | None
    table: dict[str, str]
    twelve_hour: bool = False

    def apply(self, text: str) -> str:
        if self.pattern is not None:
            text = self.pattern.sub(self._replace, text)
        return twelve_hour(text) if self.twelve_hour else text

    def _replace(self, match: re.Match[str]) -> str:
        found = match.group(0)
        local = self.table[found.lower()]
        if found.isupper() and len(found) > 1:
            return local.upper()
        if found[:1].isupper():
            return local[:1].upper() + local[1:]
        return local


NO_SPELLING = Spelling(None, {})


def load_spelling(clauses_dir: Path, language: str) -> Spelling:
    """The word list for ``language`` (e.g. en_US), or no change when the library has none."""
    path = clauses_dir / SPELLING_FILE.format(language=language)
    if not path.is_file():
        return NO_SPELLING
    doc = read_yaml(path)
    data = validate_model(SpellingFile, doc.data, [doc], "a spelling list")
    table: dict[str, str] = {}
    for index, word in enumerate(data.words):
        key = word.british.lower()
        if key in table:
            line, column = doc.position(("words", index, "british")) or (0, 0)
            raise InputError(
                f"{display_path(path)}: '{word.british}' is listed twice",
                [Problem(display_path(path), "listed twice", line or None, column or None)],
            )
        table[key] = word.local
    # Longest first, so that a phrase wins over a word inside it.
    words = sorted(table, key=len, reverse=True)
    pattern = re.compile(
        r"(?<![\w-])(?:" + "|".join(re.escape(w) for w in words) + r")(?![\w-])", re.IGNORECASE
    )
    return Spelling(pattern, table, data.clock == "12-hour")


_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.DOTALL)
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'')


def spell_template(source: str, spelling: Spelling) -> str:
    """A clause template with its own words respelt: the text between tags, and string
    literals of several words inside them (prose such as "the Customer's contact"). Names,
    one-word literals (compared values such as "return-and-destroy") and comments are kept,
    and so are line numbers, so errors still point at the right line of the clause file."""
    if spelling.pattern is None and not spelling.twelve_hour:
        return source

    def inside(tag: re.Match[str]) -> str:
        text = tag.group(0)
        if text.startswith("{#"):
            return text
        return _STRING.sub(
            lambda s: spelling.apply(s.group(0)) if " " in s.group(0) else s.group(0), text
        )

    out: list[str] = []
    position = 0
    for tag in _TAG.finditer(source):
        out.append(spelling.apply(source[position : tag.start()]))
        out.append(inside(tag))
        position = tag.end()
    out.append(spelling.apply(source[position:]))
    return "".join(out)
