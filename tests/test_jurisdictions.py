"""Jurisdictions and language: each supported profile x jurisdiction x locale renders from its
example, and the document's governing law, data-protection roles, spelling, holiday list and
remedies are present and agree with the library's jurisdiction data."""

from __future__ import annotations

import re
import shutil
import zipfile
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import docx
import holidays
import pytest

from slawriter.cli import main
from slawriter.files.load import load_agreement
from slawriter.library import Library
from slawriter.library.jurisdictions import load_spelling
from tests.conftest import EXAMPLES


@dataclass(frozen=True)
class Pair:
    example: str
    profile: str
    jurisdiction: str
    language: str
    roles: tuple[str, ...]  # sentences of the data-protection clause that name the roles


PAIRS = [
    Pair(
        "acme-standard",
        "standard",
        "england-and-wales",
        "en_GB",
        ("the Customer is the controller and the Provider its processor under the UK GDPR",),
    ),
    Pair(
        "corner-shop-smb",
        "smb",
        "england-and-wales",
        "en_GB",
        ("you are the controller and we are your processor under the UK GDPR",),
    ),
    Pair(
        "clinic-new-york",
        "standard",
        "new-york",
        "en_US",
        (
            "The Customer is a covered entity and the Provider its business associate",
            "Business Associate Agreement between the parties dated February 15, 2027 "
            "(the **BAA**)",
            "reported in aggregate",
        ),
    ),
    Pair(
        "dental-lab-illinois-smb",
        "smb",
        "illinois",
        "en_US",
        ("Payment Card Industry Data Security Standard", "Illinois Personal Information"),
    ),
    Pair(
        "ireland-standard",
        "standard",
        "ireland",
        "en_IE",
        (
            "the Customer is the controller and the Provider its processor under Regulation "
            "(EU) 2016/679 (the GDPR) and the Data Protection Act 2018 (Ireland)",
            "As Article 28(3) of the GDPR requires",
        ),
    ),
]
IDS = [pair.example for pair in PAIRS]
LIBRARY = Library.locate(str(Path(__file__).resolve().parent.parent))


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("out")
    paths = [str(EXAMPLES / f"{pair.example}.yaml") for pair in PAIRS]
    assert main(["render", *paths, "--out", str(out), "--format", "docx,md"]) == 0
    return out


def text_of(rendered: Path, pair: Pair) -> str:
    # Markdown escapes '_' in names such as America/New_York; the reader sees the plain name.
    return (rendered / f"{pair.example}.md").read_text("utf-8").replace("\\_", "_")


@pytest.mark.parametrize("pair", PAIRS, ids=IDS)
def test_example_states_its_profile_jurisdiction_and_language(pair: Pair) -> None:
    loaded = load_agreement(EXAMPLES / f"{pair.example}.yaml", LIBRARY)
    assert loaded.agreement.profile == pair.profile
    assert loaded.agreement.agreement.jurisdiction == pair.jurisdiction
    language = loaded.agreement.locale.language or loaded.provider.locale.language
    assert language == pair.language
    assert loaded.jurisdiction is not None
    # The example speaks the jurisdiction's language and uses its holiday calendar.
    assert loaded.jurisdiction.language == pair.language
    default = (
        loaded.agreement.calendars.get(loaded.agreement.default_calendar)
        or (loaded.provider.calendars[loaded.agreement.default_calendar])
    )
    assert default.holidays == loaded.jurisdiction.holidays


@pytest.mark.parametrize("pair", PAIRS, ids=IDS)
def test_parties_and_records_follow_the_jurisdiction(rendered: Path, pair: Pair) -> None:
    text = text_of(rendered, pair)
    loaded = load_agreement(EXAMPLES / f"{pair.example}.yaml", LIBRARY)
    place = loaded.jurisdiction
    assert place is not None
    customer = loaded.agreement.customer
    home = LIBRARY.jurisdictions.get(customer.registered_in or place.id)
    assert home is not None and customer.entity
    described = home.entities[customer.entity].replace("{number}", customer.company_number or "")
    if "{partners}" in described:  # the partners contract, trading as the firm
        partners = " and ".join(customer.partners)
        described = described.replace("{partners}", partners).replace("{name}", customer.name)
        assert f"**{described}**, of" in text
    else:
        assert f"**{customer.name}**, {described}, of" in text
    # Records are kept for the limitation period of the governing law, with its statute; under
    # a master agreement, whose governing law this file does not name, for that law's period.
    assert f"for {place.limitation} after this" in text
    if loaded.agreement.agreement.master_agreement:
        assert "the limitation period for a claim under the Master Agreement under the law" in text
        assert place.limitation_law not in text
    else:
        assert place.limitation_law in text


@pytest.mark.parametrize("pair", PAIRS, ids=IDS)
def test_governing_law_is_the_jurisdiction(rendered: Path, pair: Pair) -> None:
    text = text_of(rendered, pair)
    loaded = load_agreement(EXAMPLES / f"{pair.example}.yaml", LIBRARY)
    place = loaded.jurisdiction
    assert place is not None
    master = loaded.agreement.agreement.master_agreement
    if master:
        # The master agreement's own law and courts govern; the SLA adds none of its own.
        assert master in text
        assert "Governing Law" not in text and place.courts not in text
        return
    # Stand-alone: the governing-law clause names the jurisdiction's law and courts, from the
    # library's data, and no other jurisdiction's.
    assert f"are governed by {place.law}." in text or f"is governed by {place.law}." in text
    assert f"{place.courts} have exclusive jurisdiction" in text or (
        f"Only {place.courts} may decide" in text
    )
    for other in LIBRARY.jurisdictions.places.values():
        if other.law != place.law:
            assert f"governed by {other.law}" not in text


@pytest.mark.parametrize("pair", PAIRS, ids=IDS)
def test_data_protection_roles(rendered: Path, pair: Pair) -> None:
    text = text_of(rendered, pair)
    for sentence in pair.roles:
        assert sentence in text
    # Roles of one regime never leak into another's document.
    gdpr = "controller and" in text
    assert gdpr == (pair.jurisdiction in ("england-and-wales", "ireland"))
    assert ("business associate" in text) == (pair.example == "clinic-new-york")


@pytest.mark.parametrize("pair", PAIRS, ids=IDS)
def test_spelling_dates_and_times_follow_the_language(rendered: Path, pair: Pair) -> None:
    text = text_of(rendered, pair)
    words = load_spelling(LIBRARY.clauses_dir, "en_US").table
    british = [w for w in words if re.search(rf"(?<![\w-]){re.escape(w)}(?![\w-])", text, re.I)]
    american = [w for w in words.values() if re.search(rf"\b{re.escape(w)}\b", text, re.I)]
    loaded = load_agreement(EXAMPLES / f"{pair.example}.yaml", LIBRARY)
    effective = loaded.agreement.agreement.effective_date
    if pair.language == "en_US":
        assert british == [], "British words in a US document"
        assert "authorized representatives" in text
        assert f"| **Effective date** | {effective:%B} {effective.day}, {effective.year} |" in text
        assert not re.search(r"\b\d\d:\d\d\b", text), "24-hour times in a US document"
        assert re.search(r"\b\d{1,2}:\d\d\u00a0[ap]\.m\.", text)
        assert "federal holidays" in text
    else:
        assert "authorised representatives" in text
        assert "authorized" not in text and "license " not in text
        assert f"| **Effective date** | {effective.day} {effective:%B %Y} |" in text
        assert re.search(r"\b\d\d:\d\d to \d\d:\d\d\b", text)
        assert "acknowledgement" in text or pair.profile == "smb"
        assert "federal" not in text
    assert american or british


@pytest.mark.parametrize("pair", PAIRS, ids=IDS)
def test_holiday_list_is_the_first_year_of_the_term(rendered: Path, pair: Pair) -> None:
    text = text_of(rendered, pair)
    loaded = load_agreement(EXAMPLES / f"{pair.example}.yaml", LIBRARY)
    start = loaded.agreement.agreement.effective_date
    last = start.replace(year=start.year + 1) - timedelta(days=1)
    code = loaded.jurisdiction.holidays if loaded.jurisdiction else ""
    country, _, subdivision = code.partition("-")
    expected = holidays.country_holidays(
        country, subdiv=subdivision or None, years=range(start.year, last.year + 1)
    )
    table = re.findall(r"^\| ([A-Z][a-z]+day,? [^|]+?) \| ([^|]+?) \|$", text, re.MULTILINE)
    listed = {day for day, _ in table}
    in_year = sorted((d, name) for d, name in expected.items() if start <= d <= last)
    assert len(in_year) == len(table), (in_year, table)
    for day, name in in_year:
        assert any(name == shown for _, shown in table), name
        shown_day = (
            f"{day:%A}, {day:%B} {day.day}, {day.year}"
            if pair.language == "en_US"
            else f"{day:%A} {day.day} {day:%B %Y}"
        )
        assert shown_day in listed
    assert loaded.jurisdiction is not None
    assert loaded.jurisdiction.holiday_rule in text
    # Shorter days are stated for every year of the term.
    years = int(str(loaded.agreement.agreement.term.initial).split()[0]) // 12
    for number in range(1, years + 1):
        assert re.search(rf"year {number} \(", text), number


@pytest.mark.parametrize("pair", PAIRS, ids=IDS)
def test_remedies_are_present(rendered: Path, pair: Pair) -> None:
    text = text_of(rendered, pair)
    loaded = load_agreement(EXAMPLES / f"{pair.example}.yaml", LIBRARY)
    if loaded.agreement.credits is None:
        # No credits: the small-business refund remedy and ending for repeated failure.
        assert "**Refunds.** We refund " in text
        assert "**Ending the agreement for repeated failure.**" in text
        return
    credits = loaded.agreement.credits
    assert f"shall not exceed {credits.cap.normalize():f}% of its monthly fee" in text
    for tier in credits.tiers:
        assert f"Below {tier.below.normalize():f}%" in text
    assert "Termination for repeated failure" in text or "end this agreement" in text.lower()


@pytest.mark.parametrize("pair", PAIRS, ids=IDS)
def test_word_document_matches_language_paper_and_signature_page(
    rendered: Path, pair: Pair
) -> None:
    path = rendered / f"{pair.example}.docx"
    with zipfile.ZipFile(path) as package:
        styles = package.read("word/styles.xml").decode("utf-8")
        body = package.read("word/document.xml").decode("utf-8")
    tag = pair.language.replace("_", "-")
    assert re.findall(r'<w:lang w:val="([^"]+)"', styles) == [tag]
    width = "12240" if pair.language == "en_US" else "11906"
    assert f'w:w="{width}"' in body
    document = docx.Document(str(path))
    assert document.core_properties.language == tag
    paragraphs = [p.text for p in document.paragraphs]
    markdown = text_of(rendered, pair)
    heading = re.search(r"^## (Signatures)$\n\n(.+)$", markdown, re.MULTILINE)
    assert heading is not None
    position = paragraphs.index(heading.group(1))
    assert paragraphs[position + 1] == heading.group(2)
    assert position > len(paragraphs) - 6  # at the end, just before the signature table


def test_every_example_renders(tmp_path: Path) -> None:
    """`make run` without a terminal renders examples/*.yaml: each must draft cleanly."""
    paths = sorted(str(p) for p in EXAMPLES.glob("*.yaml"))
    assert main(["render", *paths, "--out", str(tmp_path), "--format", "md"]) == 0
    drafted = {p.stem for p in tmp_path.glob("*.md")}
    assert {pair.example for pair in PAIRS} <= drafted


# --- the mechanisms, one at a time ----------------------------------------------------------


def write_agreement(folder: Path, source: str, changes: dict[str, str]) -> Path:
    """A copy of an example with its providers beside it, some lines replaced."""
    for name in ("provider.yaml", "provider-us.yaml", "northwind-logo.png"):
        shutil.copy(EXAMPLES / name, folder / name)
    text = (EXAMPLES / f"{source}.yaml").read_text("utf-8")
    for old, new in changes.items():
        assert old in text, old
        text = text.replace(old, new, 1)
    path = folder / f"{source}-changed.yaml"
    path.write_text(text, "utf-8")
    return path


def render_md(path: Path, out: Path) -> str:
    assert main(["render", str(path), "--out", str(out), "--format", "md,docx"]) == 0
    return (out / f"{path.stem}.md").read_text("utf-8")


def test_agreement_overrides_the_providers_language(tmp_path: Path) -> None:
    """A UK provider's agreement for a US customer: US English, US dates and Letter paper,
    while the customer's own name and values keep their spelling."""
    path = write_agreement(
        tmp_path,
        "corner-shop-smb",
        {
            "  jurisdiction: england-and-wales\n": "  jurisdiction: new-york\n"
            "locale:\n  language: en_US\n  currency: USD\n",
            "  name: Harbourside Dental Practice\n  entity: partnership\n": "  name: "
            "Authorised Smiles Dental\n  entity: partnership\n",
            "    holidays: GB-ENG\n": "    holidays: US\n",
        },
    )
    text = render_md(path, tmp_path / "out")
    assert "**Authorised Smiles Dental**, a New York general partnership" in text
    assert "authorized representatives" in text
    assert "February 15, 2027" in text
    assert "$" in text or "USD" in text or "credit" not in text
    with zipfile.ZipFile(tmp_path / "out" / f"{path.stem}.docx") as package:
        assert 'w:w="12240"' in package.read("word/document.xml").decode("utf-8")
        assert 'w:val="en-US"' in package.read("word/styles.xml").decode("utf-8")


def test_profile_examples_are_not_inherited(tmp_path: Path) -> None:
    """Without examples of its own, the document says nothing: no office example."""
    path = write_agreement(
        tmp_path,
        "corner-shop-smb",
        {
            "    examples: [No PC can open patient records on the network storage, Email is "
            "down for everyone]\n": "    response: 1h\n",
            "    examples: [The reception PC will not start, The appointment reminder emails "
            "are not sent]\n": "    response: 4h\n",
            "    examples: [Set up a new associate's account]\n": "    response: 1 business day\n",
        },
    )
    text = render_md(path, tmp_path / "out")
    assert "For example" not in text
    assert "Email is down for everyone" not in text
    assert "A laptop will not start" not in text
    assert "| Priority | When it applies |\n" in text


def test_retention_from_the_file_wins_over_the_limitation_period(tmp_path: Path) -> None:
    path = write_agreement(
        tmp_path, "acme-standard", {"  disposal: return-and-destroy\n": "  retention: 7 years\n"}
    )
    text = render_md(path, tmp_path / "out")
    assert "for 7 years after this Agreement ends and," in text
    assert "Limitation Act" not in text


def test_titles_sites_and_defined_terms(tmp_path: Path) -> None:
    path = write_agreement(
        tmp_path,
        "acme-standard",
        {
            '    sites: ["Avonside Industrial Estate, Bristol"]\n    users: 85 named users\n'
            "    uptime: {target: 99.5": '    sites: ["Avonside Industrial Estate, Bristol", '
            '"Temple Quay, Bristol"]\n    users: 85 named users\n    uptime: {target: 99.5',
            "  - id: server-warranty\n    kind: hardware-warranty\n": "  - id: loading-bay\n"
            "    kind: other\n    description: Deliveries block the server room door on "
            "Mondays.\n    services: [files]\n  - id: server-warranty\n"
            "    kind: hardware-warranty\n",
        },
    )
    text = render_md(path, tmp_path / "out")
    assert "Avonside Industrial Estate, Bristol; Temple Quay, Bristol" in text
    assert "Constraint 2: Loading bay." in text
    assert "Other constraint" not in text
    assert "(and **Resolve** and **Resolved**)" in text
    assert "1 cover day (a **cover day** being 9 hours of the cover hours above)" in text


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"  jurisdiction: england-and-wales\n": "  jurisdiction: atlantis\n"},
            "agreement.jurisdiction: 'atlantis' is not a jurisdiction the library knows",
        ),
        (
            {"  entity: company\n": "  entity: professional-corporation\n"},
            "a professional-corporation is not a form of entity registered in England and Wales",
        ),
        (
            {'  company_number: "04512377"\n': ""},
            "customer.company_number: required, because the customer is described as "
            "'a company registered in England and Wales under number ...'",
        ),
        (
            {
                "  processing_terms: Data Processing Agreement between the parties dated "
                "1 December 2026\n": "  regimes: [hipaa]\n"
            },
            "processing_terms must name the business associate agreement",
        ),
        (
            {"    holidays: GB-ENG\n": "    holidays: US-ZZ\n"},
            "'US-ZZ': the subdivision 'ZZ' is wrong: US is known",
        ),
    ],
    ids=["jurisdiction", "entity", "number", "baa", "subdivision"],
)
def test_validation_names_the_wrong_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], changes: dict[str, str], message: str
) -> None:
    if "    holidays: GB-ENG\n" in changes:
        path = write_agreement(
            tmp_path, "corner-shop-smb", changes | {"  entity: partnership\n": ""}
        )
    else:
        path = write_agreement(tmp_path, "acme-standard", changes)
    assert main(["validate", str(path)]) == 2
    error = capsys.readouterr().err
    assert message in " ".join(error.split()), error


def test_term_years_cover_a_leap_day() -> None:
    from slawriter.drafting.helpers import Term

    years = Term(date(2028, 2, 29), date(2030, 2, 27)).years()
    assert years == [
        (date(2028, 2, 29), date(2029, 2, 28)),
        (date(2029, 3, 1), date(2030, 2, 27)),
    ]
