"""More of what the customer's lawyer found, each asserted on the document it prints: the
combined figure's remedy, top-level escalation out of hours, English partnerships, records
and their limitation period, a Failure Month threshold, cross-references, US signature
blocks and times, posting notices, one holiday phrase and the memo's times."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from slawriter.cli import main
from slawriter.errors import InputError
from slawriter.files.load import load_agreement
from slawriter.library import Library
from tests.test_lawyer_review import NEW_YORK, clause, document, library, paragraph, setup

__all__ = ["library"]  # the module's fixture, used here too

ACME = "acme-standard.yaml"
CORNER = "corner-shop-smb.yaml"
IRELAND = "ireland-standard.yaml"
ILLINOIS = "dental-lab-illinois-smb.yaml"


def signatures(text: str) -> str:
    return text.split("## Signatures", 1)[1]


# --- 20. US signature blocks ------------------------------------------------------------------


def test_a_us_agreement_is_signed_by_name_and_title(tmp_path: Path) -> None:
    block = signatures(document(tmp_path, NEW_YORK))
    assert "| By: | By: |" in block
    assert "| Name: Marcus Bell | Name: Dr. Angela Ruiz |" in block
    assert "Signed for and on behalf of" not in block


def test_an_english_agreement_keeps_signed_for_and_on_behalf_of(tmp_path: Path) -> None:
    block = signatures(document(tmp_path, ACME))
    assert "| Signed for and on behalf of | Signed for and on behalf of |" in block
    assert "By:" not in block


# --- 21. US times: a.m. kept with its time, midnight said which ----------------------------------


def test_us_times_keep_a_m_on_the_line_of_their_time(tmp_path: Path) -> None:
    text = document(tmp_path, NEW_YORK)
    assert "8:00\u00a0a.m. to 6:00\u00a0p.m." in text
    assert not re.search(r"\d:\d\d [ap]\.m\.", text)


def test_illinois_maintenance_window_says_which_midnight(tmp_path: Path) -> None:
    window = paragraph(document(tmp_path, ILLINOIS), "**Maintenance.**")
    assert (
        "Sunday, midnight at the start of Sunday to 6:00\u00a0a.m. (America/Chicago time)" in window
    )


# --- 22. posting notices: the place's tracked post, longer across a border ------------------------


def test_irish_notices_go_by_registered_post_and_take_longer_from_abroad(tmp_path: Path) -> None:
    notices = clause(document(tmp_path, IRELAND), "20.1")
    assert "sent by pre-paid registered post to the other party" in notices
    assert (
        "if posted, at 09:00 on the fifth Working Day after posting (the parties being in "
        "different countries);" in notices
    )


def test_english_notices_between_english_parties_arrive_on_the_second_working_day(
    tmp_path: Path,
) -> None:
    notices = paragraph(document(tmp_path, CORNER), "**Formal notices**")
    assert "sent by recorded post to the other's address above" in notices
    assert "at 09:00 on the second Working Day after posting, or when emailed" in notices


def test_us_notices_go_by_certified_mail(tmp_path: Path) -> None:
    notices = paragraph(document(tmp_path, ILLINOIS), "**Formal notices**")
    assert "sent by certified mail (return receipt requested) to the other's address" in notices


# --- 23. one phrase for English holidays ---------------------------------------------------------


@pytest.mark.parametrize("name", [ACME, CORNER])
def test_english_holidays_are_named_as_the_working_day_names_them(
    tmp_path: Path, name: str
) -> None:
    text = document(tmp_path, name)
    assert "bank or public holiday in England" in text  # the Working Day
    assert "except on bank and public holidays in England" in text  # support hours
    assert not re.search(r"(?<![Bb]ank and )public holidays in England", text)


# --- 12. the combined figure keeps a remedy ------------------------------------------------------


def test_the_combined_figure_is_outside_the_sole_remedy_and_damages_remain(tmp_path: Path) -> None:
    text = document(tmp_path, ACME)
    assert clause(text, "15.4").endswith(
        "The combined figure in the Service Availability clause does not itself give rise to a "
        "Service Credit or a Failure Month, and it is not one of the uptime targets for which "
        "Service Credits are a sole remedy: the Customer may claim damages for a failure to "
        "meet it under the Master Agreement, subject to the limits of liability that apply."
    )


def test_without_a_combined_figure_nothing_is_said_of_one(tmp_path: Path) -> None:
    text = document(tmp_path, ACME, lambda data: data.pop("combined_uptime"))
    assert "combined figure" not in text


# --- 17. a Failure Month needs more than one missed target --------------------------------------


def test_a_failure_month_for_missed_targets_needs_the_threshold(tmp_path: Path) -> None:
    text = document(tmp_path, ACME)
    assert (
        "A Month is a **Failure Month** for a service if its Monthly Uptime Percentage is below "
        "its uptime target, or at least 3 Incidents that affected that service missed their "
        "Response or Resolution target in that Month." in clause(text, "15.11")
    )


def test_the_failure_month_threshold_comes_from_the_file(tmp_path: Path) -> None:
    def five(data: dict[str, Any]) -> None:
        data["credits"]["termination"]["missed_targets"] = 5

    text = document(tmp_path, ACME, five)
    assert "or at least 5 Incidents that affected that service missed their" in text


# --- 16. records kept on the controller's instruction --------------------------------------------


def test_irish_records_are_kept_on_the_customers_instruction(tmp_path: Path) -> None:
    text = document(tmp_path, IRELAND)
    records = paragraph(text, "**Records.**")
    assert (
        "**Records.** The Customer instructs the Provider to keep, after this Agreement ends, "
        "only the records of the Services needed to make or answer a claim about them" in records
    )
    assert (
        "and to keep them for 6 years after this Agreement ends (the limitation period" in records
    )
    deletion = paragraph(text, "at the Customer's choice, delete or return all the personal data")
    assert (
        "unless the law requires it to be kept; the records the Customer instructs the Provider "
        "to keep under the Records paragraph are kept on that instruction;" in deletion
    )


# --- 18. records and the law governing the Master Agreement --------------------------------------


def test_records_under_a_master_agreement_follow_its_governing_law(tmp_path: Path) -> None:
    records = paragraph(document(tmp_path, NEW_YORK), "**Records.**")
    assert (
        "for 6 years after this Agreement ends or, if longer, the limitation period for a claim "
        "under the Master Agreement under the law that governs it" in records
    )
    assert "Civil Practice Law" not in records


# --- 24. the memo's times follow the agreement's locale ------------------------------------------


def memo(tmp_path: Path, name: str) -> str:
    path = setup(tmp_path, name)
    out = tmp_path / "memo.md"
    main(["check", str(path), "--memo", str(out)])  # findings may make the exit code non-zero
    return out.read_text("utf-8")


def test_a_us_memo_writes_times_on_a_12_hour_clock(tmp_path: Path) -> None:
    text = memo(tmp_path, NEW_YORK)
    assert "(Monday to Friday, 8:00\u00a0a.m. to 6:00\u00a0p.m.)" in text
    assert not re.search(r"\b\d\d:\d\d\b", text)


def test_a_british_memo_keeps_the_24_hour_clock(tmp_path: Path) -> None:
    text = memo(tmp_path, ACME)
    assert "08:30 to 17:30" in text
    assert "a.m." not in text


# --- 13. the top escalation level out of hours ---------------------------------------------------


@pytest.mark.parametrize(
    ("name", "role"), [(ACME, "Managing Director"), (NEW_YORK, "Account Manager")]
)
def test_the_top_escalation_level_answers_a_p1_at_any_time(
    tmp_path: Path, name: str, role: str
) -> None:
    row = paragraph(document(tmp_path, name), f"| 3 | {role} |")
    assert row.endswith(
        "| 1 Business Day; for a P1 Incident, by telephone within 2 hours, counted at any time |"
    )


# --- 15. an English partnership contracts through its partners --------------------------------


def test_an_english_partnership_is_named_by_its_partners(tmp_path: Path) -> None:
    text = document(tmp_path, CORNER)
    assert (
        "- (b) **Dr Sofia Lindqvist and Dr Tom Hale trading in partnership as Harbourside Dental "
        'Practice**, of 22 Quay Road, Bristol BS1 5AB (the **Customer** or "**you**").' in text
    )
    notices = paragraph(text, "**Formal notices**")
    assert "or partners@harbourside-dental.example (you), never to the service desk" in notices


def test_an_english_partnership_without_its_partners_does_not_validate(
    tmp_path: Path, library: Library
) -> None:
    def unnamed(data: dict[str, Any]) -> None:
        del data["customer"]["partners"]

    with pytest.raises(InputError) as raised:
        load_agreement(setup(tmp_path, CORNER, unnamed), library)
    assert [p.message for p in raised.value.problems] == [
        "customer.partners: required, because a partnership in England and Wales has no legal "
        "personality of its own: its partners contract 'trading in partnership as' the firm's "
        "name"
    ]


def test_a_scottish_partnership_contracts_in_its_own_name(tmp_path: Path) -> None:
    def scottish(data: dict[str, Any]) -> None:
        del data["customer"]["partners"]
        data["customer"]["registered_in"] = "scotland"

    text = document(tmp_path, CORNER, scottish)
    assert (
        "**Harbourside Dental Practice**, a partnership (which in Scotland has legal "
        "personality), of 22 Quay Road" in text
    )


# --- 19. terms defined and used; cross-references by number --------------------------------------


def test_business_minute_is_defined_only_when_printed(tmp_path: Path) -> None:
    text = document(tmp_path, ACME)
    assert "a **Business Hour** is an hour within them." in text
    assert "Business Minute" not in text

    def half_hour(data: dict[str, Any]) -> None:
        data["priorities"]["P2"]["response"] = "1h 30m"

    (tmp_path / "minutes").mkdir()
    text = document(tmp_path / "minutes", ACME, half_hour)
    assert "1 Business Hour 30 Business Minutes" in text
    assert "a **Business Hour** and a **Business Minute** are an hour and a minute" in text


def test_terms_defined_elsewhere_list_baa_and_failure_month(tmp_path: Path) -> None:
    assert clause(document(tmp_path, NEW_YORK), "2.2") == (
        "**2.2** The terms Effective Date, Master Agreement, BAA, Force Majeure Event, excluded "
        "minutes, Maintenance Window, Failure Month and End Date are defined where they appear "
        "in bold elsewhere in this Agreement."
    )


@pytest.mark.parametrize(
    ("name", "remedy", "ending", "target"),
    [(ACME, "15.10", "15.13", "15.11"), (NEW_YORK, "15.9", "15.12", "15.10"),
     (IRELAND, "14.9", "14.12", "14.10")],
)  # fmt: skip
def test_termination_is_cross_referenced_by_number(
    tmp_path: Path, name: str, remedy: str, ending: str, target: str
) -> None:
    text = document(tmp_path, name)
    assert clause(text, target).startswith(f"**{target}** **Termination for repeated failure.**")
    assert clause(text, remedy).endswith(
        f"or its right to end this Agreement under paragraph {target}."
    )
    assert clause(text, ending).startswith(
        f"**{ending}** Ending this whole Agreement under paragraph {target} ends every Service"
    )
    assert "terminate below" not in text and "Agreement under this paragraph" not in text


def test_third_review_renewal_reminder_keeps_the_statute_and_incidents_include_suspected(
    tmp_path: Path,
) -> None:
    """The fallback for a missed reminder is not a waiver of section 5-903; a security
    incident includes a suspected one (Illinois PIPA) and accidental loss (GDPR Art 4(12))."""
    (tmp_path / "ny").mkdir()
    (tmp_path / "ie").mkdir()
    new_york = document(tmp_path / "ny", NEW_YORK)
    assert (
        "30 calendar days' written notice, without prejudice to its rights under section 5-903 "
        "of the New York General Obligations Law." in new_york
    )
    ireland = document(tmp_path / "ie", IRELAND)
    assert (
        "actual or reasonably suspected unauthorised access to, or use, disclosure, "
        "modification, loss or destruction of, Customer Data (including accidental loss or "
        "destruction)" in ireland
    )
