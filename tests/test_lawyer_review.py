"""What a customer's lawyer found in the examples, each asserted on the document it prints.

Fees inside the four corners, a credit tier at every target (rule credit-gap), Working Days
for notices, US registration numbers, breach notice wording, US liability wording, Failure
Months per service, notices away from the helpdesk, EU-UK transfers, tax wording and the
restore remedy.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from slawriter.cli import main
from slawriter.errors import InputError
from slawriter.feasibility import check_agreement
from slawriter.feasibility.findings import Finding
from slawriter.files.load import load_agreement
from slawriter.library import Library
from tests.conftest import EXAMPLES

Edit = Callable[[dict[str, Any]], None]
ILLINOIS = "dental-lab-illinois-smb.yaml"
NEW_YORK = "clinic-new-york.yaml"


@pytest.fixture(scope="module")
def library() -> Library:
    return Library.locate()


def setup(tmp_path: Path, name: str, edit: Edit | None = None) -> Path:
    for extra in ("provider.yaml", "provider-us.yaml", "northwind-logo.png", name):
        shutil.copy(EXAMPLES / extra, tmp_path / extra)
    path = tmp_path / name
    if edit is not None:
        yaml = YAML()  # round trip: quoted numbers stay text
        data = yaml.load(path.read_text("utf-8"))
        edit(data)
        with path.open("w", encoding="utf-8") as handle:
            yaml.dump(data, handle)
    return path


def document(tmp_path: Path, name: str, edit: Edit | None = None) -> str:
    path = setup(tmp_path, name, edit)
    out = tmp_path / "out"
    assert main(["render", str(path), "--out", str(out), "--format", "md"]) == 0
    return (out / path.with_suffix(".md").name).read_text("utf-8")


def clause(text: str, number: str) -> str:
    """The paragraph that starts with **number** (e.g. '13.1')."""
    found = re.search(rf"^\*\*{re.escape(number)}\*\* .*$", text, re.M)
    assert found, number
    return found.group(0)


def paragraph(text: str, starting: str) -> str:
    found = next((line for line in text.splitlines() if starting in line), None)
    assert found is not None, starting
    return found


def check(tmp_path: Path, library: Library, name: str, edit: Edit | None = None) -> list[Finding]:
    return check_agreement(load_agreement(setup(tmp_path, name, edit), library), library)


# --- 1. fees inside the agreement --------------------------------------------------------------


def test_illinois_prints_its_fees(tmp_path: Path) -> None:
    text = document(tmp_path, ILLINOIS)
    fees = paragraph(text, "**What you pay.**")
    assert "IT support for the lab, $1,650.00; Email, $132.00." in fees
    assert "quotation" not in fees


def drop_fees(data: dict[str, Any]) -> None:
    for service in data["services"]:
        service.pop("monthly_fee", None)


def test_a_standalone_agreement_without_its_fees_does_not_validate(
    tmp_path: Path, library: Library
) -> None:
    def final(data: dict[str, Any]) -> None:
        drop_fees(data)
        data["agreement"]["status"] = "final"

    with pytest.raises(InputError) as raised:
        load_agreement(setup(tmp_path, ILLINOIS, final), library)
    messages = [p.message for p in raised.value.problems]
    assert len(messages) == 2
    assert all("fees.quotation (number and date)" in m for m in messages)


def test_a_draft_without_its_fees_shows_the_gap(tmp_path: Path) -> None:
    fees = paragraph(document(tmp_path, ILLINOIS, drop_fees), "**What you pay.**")
    assert (
        "The fees for IT support for the lab and Email are "  # brackets escaped in Markdown
        r"\[to be agreed and written in here before this agreement is final\]." in fees
    )
    assert "quotation" not in fees


def test_a_quotation_is_incorporated_by_number_and_date(tmp_path: Path) -> None:
    def quoted(data: dict[str, Any]) -> None:
        drop_fees(data)
        data["fees"] = {"quotation": {"number": "Q-2027-118", "date": "2027-03-10"}}

    text = document(tmp_path, ILLINOIS, quoted)
    assert (
        "as set out in our quotation Q-2027-118 dated March 10, 2027, which is part of this "
        "agreement" in paragraph(text, "**What you pay.**")
    )
    assert paragraph(text, "**The whole agreement.**").startswith(
        "**15.2** **The whole agreement.** This agreement, with our quotation Q-2027-118 dated "
        "March 10, 2027 that it includes, is all we have agreed"
    )


# --- 2. a credit tier at every target (rule credit-gap: tests/test_rules_new.py) ---------------


def old_new_york_tiers(data: dict[str, Any]) -> None:
    data["credits"]["tiers"] = [t for t in data["credits"]["tiers"] if t["below"] != 99.9]


def test_new_york_tiers_start_at_each_target(tmp_path: Path) -> None:
    text = document(tmp_path, NEW_YORK)
    assert "| Below 99.9% | 5% of the monthly fee |" in text
    assert "| Below 99.5% | 10% of the monthly fee |" in text


# --- 3. Working Days ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "holidays"),
    [
        ("acme-standard.yaml", "a bank or public holiday in England"),
        ("ireland-standard.yaml", "a public holiday in Ireland"),
        (NEW_YORK, "a federal holiday in the United States"),
        (ILLINOIS, "a federal holiday in the United States"),
        ("corner-shop-smb.yaml", "a bank or public holiday in England"),
    ],
)
def test_notices_count_working_days(tmp_path: Path, name: str, holidays: str) -> None:
    text = document(tmp_path, name)
    assert re.search(
        rf"\*\*Working Day\*\*(:| means) a whole day.* other than a Saturday, a Sunday or "
        rf"{holidays}",
        text,
    )
    if "master_agreement" not in (EXAMPLES / name).read_text("utf-8"):  # own general terms
        notices = paragraph(text, "Working Day after ")
        assert "on the next Working Day" in notices
    assert "Business Day after" not in text
    # Day counts in our own wording (answers, minutes, proposals) are Working Days; targets
    # and notice periods from the file stay in Business Days, counted on the clock.
    assert "within 10 Working Days" in text
    assert "within 10 Business Days" not in text


# --- 4. US registration numbers -----------------------------------------------------------------


def test_us_covers_name_the_state_file_number(tmp_path: Path) -> None:
    text = document(tmp_path, ILLINOIS)
    assert "**Lakeshore Managed IT, Inc.**, Illinois file number 7281634," in text
    assert "company number" not in text


def test_uk_covers_keep_the_company_number(tmp_path: Path) -> None:
    assert "company number 09876543" in document(tmp_path, "acme-standard.yaml")


# --- 5. breach notice ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "period"),
    [(NEW_YORK, "24 hours"), ("acme-standard.yaml", "24 hours")],  # Illinois: immediately
)
def test_breach_notice_without_undue_delay(tmp_path: Path, name: str, period: str) -> None:
    incidents = paragraph(document(tmp_path, name), "**Security incidents.**")
    assert re.search(rf"[Ww]ithout undue delay, and in any event within {period}", incidents)


# --- 6. US liability ----------------------------------------------------------------------------


def test_us_liability_excludes_consequential_damages_in_capitals(tmp_path: Path) -> None:
    text = document(tmp_path, ILLINOIS)
    section = text.split("## 14. Limits on What We Pay")[1].split("## 15.")[0]
    assert (
        "**APART FROM THAT, NEITHER OF US IS LIABLE TO THE OTHER FOR ANY CONSEQUENTIAL, "
        "INCIDENTAL, INDIRECT, SPECIAL, EXEMPLARY OR PUNITIVE DAMAGES" in section
    )
    assert "for gross negligence, willful misconduct or fraud" in section
    assert "**WE MAKE NO PROMISE ABOUT THE SERVICES BEYOND WHAT THIS AGREEMENT SAYS" in section
    assert "12 TIMES THE MONTHLY FEES" in section


def test_new_york_standalone_liability(tmp_path: Path) -> None:
    def standalone(data: dict[str, Any]) -> None:
        del data["agreement"]["master_agreement"]
        del data["agreement"]["precedence"]

    text = document(tmp_path, NEW_YORK, standalone)
    section = text.split("Limitation of Liability")[2]
    assert "IN NO EVENT SHALL EITHER PARTY BE LIABLE" in section
    assert "CONSEQUENTIAL, INCIDENTAL, INDIRECT, SPECIAL, EXEMPLARY OR PUNITIVE DAMAGES" in section
    assert "its gross negligence, willful misconduct or fraud" in section
    assert "**EXCEPT AS EXPRESSLY STATED IN THIS AGREEMENT, THE PROVIDER MAKES NO WARRANTY" in (
        section
    )


def test_english_liability_keeps_english_wording(tmp_path: Path) -> None:
    text = document(tmp_path, "corner-shop-smb.yaml")
    assert "PUNITIVE" not in text
    assert "or for indirect losses" in text


# --- clauses from the same review -----------------------------------------------------------------


def test_failure_months_are_per_service(tmp_path: Path) -> None:
    failure = paragraph(document(tmp_path, "acme-standard.yaml"), "**Failure Month**")
    assert "at least 3 Incidents that affected that service missed their" in failure
    assert "Each service has its own Failure Months." in failure


def test_ireland_liability_cap_is_above_a_year_of_credits(tmp_path: Path) -> None:
    """The cap (12 months of fees) is meant to be above the top tier: credits are the remedy
    for uptime, at most 40 % of a service's fee a month (under 5 months' fees a year), and do
    not count towards the cap, which is for every other breach (data loss, confidentiality)."""
    text = document(tmp_path, "ireland-standard.yaml")
    cap_months = int(re.search(r"shall not exceed (\d+) times the total monthly fees", text)[1])  # type: ignore[index]
    credit_cap = Decimal(re.search(r"shall not exceed (\d+)% of its monthly fee", text)[1])  # type: ignore[index]
    top_tier = max(Decimal(t) for t in re.findall(r"\| (\d+)% of the monthly fee \|", text))
    assert top_tier <= credit_cap
    assert credit_cap * 12 / 100 < cap_months
    assert "Service Credits are not damages and do not count towards it" in text


def test_notices_do_not_go_to_the_service_desk(tmp_path: Path, library: Library) -> None:
    notices = paragraph(document(tmp_path, "ireland-standard.yaml"), "**Notices.**")
    assert "by email to contracts@northwind-it.example (for the Provider) or " in notices
    assert "company.secretary@liffey-logistics.example (for the Customer)" in notices
    assert "service@" not in notices


def test_a_helpdesk_address_for_notices_does_not_validate(tmp_path: Path, library: Library) -> None:
    def helpdesk(data: dict[str, Any]) -> None:
        data["customer"]["contact"]["notices"] = "service@lakeshore-it.example"

    with pytest.raises(InputError) as raised:
        load_agreement(setup(tmp_path, ILLINOIS, helpdesk), library)
    [problem] = raised.value.problems
    assert "is the reporting channel 'email', a service desk inbox" in problem.message


def test_ireland_transfers_rely_on_the_adequacy_decision(tmp_path: Path) -> None:
    transfers = paragraph(document(tmp_path, "ireland-standard.yaml"), "**Transfers between")
    assert (
        "The Provider is in the United Kingdom and the Customer in the European Economic Area"
        in (transfers)
    )
    assert (
        "adequacy decision for the United Kingdom adopted by the European Commission" in transfers
    )


def test_no_transfer_sentence_within_one_regime(tmp_path: Path) -> None:
    assert "**Transfers between" not in document(tmp_path, "acme-standard.yaml")


@pytest.mark.parametrize(
    ("name", "tax"),
    [
        ("corner-shop-smb.yaml", "The fees do not include VAT, which you pay on top at the rate"),
        (ILLINOIS, "The fees do not include sales, use and similar taxes, which you pay on top"),
    ],
)
def test_tax_is_stated(tmp_path: Path, name: str, tax: str) -> None:
    fees = paragraph(document(tmp_path, name), "**What you pay.**")
    assert tax in fees
    assert "plus" not in fees


def test_a_late_restore_has_a_remedy(tmp_path: Path) -> None:
    loss = paragraph(document(tmp_path, "acme-standard.yaml"), "**Possible data loss.**")
    assert (
        "the delay is a breach of this Agreement for which the Customer may claim damages under "
        "the Master Agreement" in loss
    )
