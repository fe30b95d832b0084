"""The customer's lawyer's second review: the examples the lawyer refused (Ireland, the
Illinois dental lab, the corner-shop dental practice) and the master-agreement wording of the
two accepted, each asserted on the document it prints."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.test_lawyer_review import ILLINOIS, NEW_YORK, clause, document, paragraph

IRELAND = "ireland-standard.yaml"
CORNER_SHOP = "corner-shop-smb.yaml"
ACME = "acme-standard.yaml"


# --- 5. the master agreement does not defeat the remedies --------------------------------------


@pytest.mark.parametrize("name", [NEW_YORK, ACME])
def test_credits_and_termination_survive_a_master_agreement_that_prevails(
    tmp_path: Path, name: str
) -> None:
    master = clause(document(tmp_path, name), "1.3")
    assert "the Master Agreement prevails to the extent of the conflict, except that the " in master
    assert (
        "Service Credits, and the right to end this Agreement or a service for repeated "
        "failure and the effects of doing so, apply as this Agreement states despite anything "
        "in the Master Agreement" in master
    )


def test_no_exception_when_the_sla_prevails(tmp_path: Path) -> None:
    def sla_first(data: dict[str, Any]) -> None:
        data["agreement"]["precedence"] = "sla"

    master = clause(document(tmp_path, ACME, sla_first), "1.3")
    assert "this Agreement prevails to the extent of the conflict. Matters" in master


# --- 10. one payment rule, in one place ---------------------------------------------------------


def test_ireland_states_when_invoices_are_due_once(tmp_path: Path) -> None:
    text = document(tmp_path, IRELAND)
    assert "within 30 calendar days of the date of the invoice" in clause(text, "18.3")
    charges = "pay the Provider's charges for the Services as the Fees and Payment clause requires"
    assert charges in text
    assert "receiving it. The fees" not in text
    assert len(re.findall(r"30 calendar days of the date of", text)) == 1


def test_plain_invoices_are_due_from_their_date(tmp_path: Path) -> None:
    text = document(tmp_path, CORNER_SHOP)
    assert "you pay within 30 calendar days of the invoice's date" in paragraph(text, "**Paying.**")
    assert "pay our invoices on time." in text


# --- 11. a fee rise is known before the last day to give notice --------------------------------


def test_ireland_fee_notice_comes_before_the_non_renewal_deadline(tmp_path: Path) -> None:
    change = paragraph(document(tmp_path, IRELAND), "**Changes to the fees.**")
    assert (
        "only by written notice given at least 30 calendar days before the last day on which the "
        "Customer may give notice that this Agreement will not renew" in change
    )
    assert "90 calendar days before the current term ends" not in change


@pytest.mark.parametrize("name", [ILLINOIS, CORNER_SHOP])
def test_plain_fee_notice_comes_before_the_non_renewal_deadline(tmp_path: Path, name: str) -> None:
    fees = paragraph(document(tmp_path, name), "**What you pay.**")
    assert (
        "telling you in writing at least 30 calendar days before your last day to give notice not "
        "to renew" in fees
    )


# --- 14. a Workaround counts only when the Customer has accepted it -----------------------------


@pytest.mark.parametrize("name", [NEW_YORK, IRELAND, ACME])
def test_a_workaround_lowers_the_priority_only_when_accepted(tmp_path: Path, name: str) -> None:
    text = document(tmp_path, name)
    accepted = "a Workaround that the Customer has accepted, acting reasonably, is in place"
    assert accepted in paragraph(text, "**Changing a Priority.**")
    assert accepted in paragraph(text, "stops the Resolution clock")
    assert "Workaround is in place" not in text


# --- 6. New York: the provider reminds the customer before an automatic renewal ---------------


def test_new_york_renewal_needs_the_providers_reminder(tmp_path: Path) -> None:
    term = clause(document(tmp_path, NEW_YORK), "1.4")
    assert (
        "Before each renewal, the Provider shall serve on the Customer, by personal service or "
        "certified mail, a written reminder that this Agreement will renew unless notice is given, "
        "stating the last day for that notice, at least 15 and not more than 30 calendar days "
        "before that day, as section 5-903 of the New York General Obligations Law requires" in term
    )


def test_plain_new_york_renewal_reminder(tmp_path: Path) -> None:
    def in_new_york(data: dict[str, Any]) -> None:
        data["agreement"]["jurisdiction"] = "new-york"

    text = document(tmp_path, ILLINOIS, in_new_york)
    assert (
        "We remind you in writing, by personal service or certified mail, 15 to 30 calendar days "
        "before your last day to give that notice, as section 5-903 of the New York General "
        "Obligations Law requires" in text
    )


@pytest.mark.parametrize("name", [ILLINOIS, ACME])
def test_no_renewal_reminder_elsewhere(tmp_path: Path, name: str) -> None:
    assert "5-903" not in document(tmp_path, name)


def test_no_renewal_reminder_without_renewal(tmp_path: Path) -> None:
    def fixed_term(data: dict[str, Any]) -> None:
        data["agreement"]["term"]["renewal"] = None

    assert "5-903" not in document(tmp_path, NEW_YORK, fixed_term)


# --- 4. stand-alone contracts end for breach, insolvency and a long force majeure -------------


def test_ireland_standalone_terms_end_for_breach_insolvency_and_force_majeure(
    tmp_path: Path,
) -> None:
    text = document(tmp_path, IRELAND)
    breach = text.split("**Termination for breach or insolvency.**")[1].split("**Prolonged")[0]
    assert (
        "commits a material breach of this Agreement and, if the breach can be remedied, has "
        "not remedied it within 30 calendar days after receiving written notice" in breach
    )
    assert "becomes unable to pay its debts as they fall due" in breach
    assert "so far as the law that applies to the insolvency allows" in breach
    assert (
        "If a Force Majeure Event prevents the Provider from providing a service, or any "
        "substantial part of it, for more than 30 consecutive calendar days, the Customer may end "
        "this Agreement, or only that service" in paragraph(text, "**Prolonged Force Majeure")
    )
    assert (
        "refund any fees paid for any period after the termination takes effect and pay any "
        "Service Credits outstanding" in paragraph(text, "**Effect of termination.**")
    )


@pytest.mark.parametrize("name", [ILLINOIS, CORNER_SHOP])
def test_plain_standalone_terms_end_for_breach_insolvency_and_force_majeure(
    tmp_path: Path, name: str
) -> None:
    early = paragraph(document(tmp_path, name), "**Ending this agreement early.**")
    assert (
        "(a) seriously breaks it and does not put it right (if it can be) within 30 calendar days "
        "of written notice; or (b) becomes insolvent (so far as the law allows)"
    ) in early
    assert (
        "You may also end it, or a service, by written notice if an event excused under What Is "
        "Not Covered stops most of that service for over 30 calendar days in a row." in early
    )
    assert "We then refund, within 30 calendar days, fees paid for the time after the end." in early


def test_no_early_termination_terms_under_a_master_agreement(tmp_path: Path) -> None:
    text = document(tmp_path, ACME)
    assert "Termination for breach or insolvency" not in text
    assert "Prolonged Force Majeure" not in text


# --- 1. desktop support has a remedy ------------------------------------------------------------


def test_ireland_desktop_support_earns_target_credits(tmp_path: Path) -> None:
    text = document(tmp_path, IRELAND)
    assert clause(text, "10.4").endswith(
        "Desktop and user support has no uptime target; its Incidents are subject only to the "
        "Response, Resolution and Updates clause, and a missed Response or Resolution target earns "
        "the Service Credits, and counts towards the Failure Months, that the Service Credits "
        "clause sets out."
    )
    assert (
        "For each Incident affecting Desktop and user support that misses its Response target or "
        "its Resolution target, the Customer is entitled to a Service Credit of the percentage of "
        "the monthly fee of Desktop and user support shown below"
        in paragraph(text, "**Response and Resolution credits.**")
    )
    assert "| P1 Critical | 2% per Incident | 5% per Incident |" in text
    assert (
        "These Service Credits shall not exceed 15% of the monthly fee of Desktop and user support "
        "in a Month" in text
    )
    assert (
        "or at least 3 Incidents affecting Desktop and user support missed their Response or "
        "Resolution target in that Month (this applies to Desktop and user support only)"
        in paragraph(text, "**Failure Month**")
    )


# --- 8. the credit cap is reachable -------------------------------------------------------------


def test_ireland_credit_cap_is_the_top_tier(tmp_path: Path) -> None:
    text = document(tmp_path, IRELAND)
    assert "| Below 95% | 40% of the monthly fee |" in text
    assert "shall not exceed 40% of its monthly fee" in paragraph(text, "**Cap.**")


# --- 9. VAT between the United Kingdom and the European Union -----------------------------------


def test_ireland_invoices_from_a_uk_provider_apply_the_reverse_charge(tmp_path: Path) -> None:
    payment = clause(document(tmp_path, IRELAND), "18.3")
    assert (
        "The fees and charges are exclusive of VAT. For VAT, the Provider belongs in the United "
        "Kingdom and the Customer in the European Union: where the law requires the Customer to "
        "account for VAT on the Services under the reverse charge, the Provider's invoices charge "
        "no VAT and say that the reverse charge applies, and the Customer accounts for it; "
        "otherwise the Customer shall pay VAT in addition" in payment
    )


def test_plain_reverse_charge_for_an_irish_customer(tmp_path: Path) -> None:
    def irish(data: dict[str, Any]) -> None:
        data["customer"]["registered_in"] = "ireland"

    fees = paragraph(document(tmp_path, CORNER_SHOP, irish), "**What you pay.**")
    assert (
        "We are in the United Kingdom and you in the European Union: where the law makes you "
        "account for the VAT under the reverse charge, we charge none" in fees
    )


def test_no_reverse_charge_within_the_united_kingdom(tmp_path: Path) -> None:
    def scottish(data: dict[str, Any]) -> None:
        data["customer"]["registered_in"] = "scotland"
        data["customer"]["entity"] = "sole-trader"

    text = document(tmp_path, CORNER_SHOP, scottish)
    assert "reverse charge" not in text
    assert "The fees do not include VAT, which you pay on top" in text


# --- 7. notice periods in Working Days ----------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "notice"),
    [
        (ACME, "written notice at least 5 Working Days before each Scheduled Maintenance"),
        (NEW_YORK, "written notice at least 5 Working Days before each Scheduled Maintenance"),
        (CORNER_SHOP, "with written notice at least 2 Working Days ahead"),
    ],
)
def test_maintenance_notice_is_in_working_days(tmp_path: Path, name: str, notice: str) -> None:
    text = document(tmp_path, name)
    assert notice in text
    assert not re.search(r"notice (of )?at least \d+ Business Days?", text)


def test_one_business_day_of_notice_is_one_working_day(tmp_path: Path) -> None:
    def short(data: dict[str, Any]) -> None:
        data["maintenance"]["notice"] = "1 business day"
        data["maintenance"]["emergency_notice"] = "4h"

    text = document(tmp_path, ACME, short)
    assert "written notice at least 1 Working Day before each Scheduled Maintenance" in text
    assert "after notice of at least 4 hours to the Customer's contact" in text


# --- 2. the processor terms of the plain variant ------------------------------------------------


def test_corner_shop_processor_terms_are_complete(tmp_path: Path) -> None:
    data = paragraph(document(tmp_path, CORNER_SHOP), "**Your data is yours.**")
    assert (
        "we act only on your written instructions, telling you at once if one seems unlawful;"
        in (data)
    )
    assert (
        "we use another processor only with your written consent, on these terms, and remain "
        "responsible to you for it" in data
    )
    assert (
        "we help you with people's requests about their data, security, breaches, impact "
        "assessments and prior consultation with the Information Commissioner" in data
    )
    assert (
        "We process it to support and back up your systems, during this agreement and while we "
        "keep its records: names, contact details and appointment records of patients and staff, "
        "including patients' health records and X-rays, special-category data under Article 9 of "
        "the UK GDPR." in data
    )


def test_standard_processing_details_name_special_categories(tmp_path: Path) -> None:
    def health(data: dict[str, Any]) -> None:
        data["data_protection"]["special_categories"] = ["occupational health records"]

    details = paragraph(document(tmp_path, IRELAND, health), "**Processing details.**")
    assert details.endswith(
        "Special categories of personal data (Article 9 of the GDPR): occupational health records."
    )


def test_plain_processing_details_without_special_categories(tmp_path: Path) -> None:
    data = paragraph(document(tmp_path, ILLINOIS, edit_in_england), "**Your data is yours.**")
    assert "while we keep its records: the personal data held on those systems" in data
    assert "special-category" not in data


def edit_in_england(data: dict[str, Any]) -> None:
    data["agreement"]["jurisdiction"] = "england-and-wales"
    data["customer"]["entity"] = "sole-trader"
    data["data_protection"]["regimes"] = ["uk-gdpr"]


# --- 3. breach notice the law allows -------------------------------------------------------------


def test_illinois_breach_notice_is_immediate(tmp_path: Path) -> None:
    incidents = paragraph(document(tmp_path, ILLINOIS), "**Security incidents.**")
    assert incidents.startswith(
        "**10.4** **Security incidents.** A security incident is actual or reasonably suspected "
        "unauthorized access to, or use, disclosure, change, loss or destruction of, your data or "
        "the systems we support, including accidental loss or destruction. "
        "Immediately on discovering one, and in any event within 24 hours "
        "(around the clock), as section 10(b) of the Personal Information Protection Act (815 ILCS "
        "530/10(b)) requires, we will tell your contact person"
    )
    assert (
        "Failed attempts (such as blocked log-ins) are not incidents; our monthly report totals "
        "them." in incidents
    )
    assert "48 hours" not in incidents


def test_corner_shop_health_data_breach_notice_is_24_hours(tmp_path: Path) -> None:
    incidents = paragraph(document(tmp_path, CORNER_SHOP), "**Security incidents.**")
    assert "Without undue delay, and in any event within 24 hours (around the clock) of " in (
        incidents
    )
    assert "Immediately" not in incidents


def test_without_special_category_data_the_files_notice_stands(tmp_path: Path) -> None:
    def no_health(data: dict[str, Any]) -> None:
        del data["data_protection"]["special_categories"]

    incidents = paragraph(document(tmp_path, CORNER_SHOP, no_health), "**Security incidents.**")
    assert "in any event within 48 hours (around the clock)" in incidents


def test_a_shorter_notice_in_the_file_is_kept(tmp_path: Path) -> None:
    def twelve(data: dict[str, Any]) -> None:
        data["data_protection"]["breach_notice"] = "12h"

    incidents = paragraph(document(tmp_path, ILLINOIS, twelve), "**Security incidents.**")
    assert "Immediately on discovering one, and in any event within 12 hours" in incidents
