"""Stand-alone terms, remedies beyond uptime, part months, exit charges, records, DRAFT marking.

Each test drafts an example agreement (as shipped, or with one term changed) and reads what a
customer's lawyer would read: the Markdown, and the Word header and cover.
"""

from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path
from typing import Any

import docx
import pytest
import yaml

from slawriter.cli import main
from tests.conftest import EXAMPLES

Data = dict[str, Any]
MASTER = "Managed Services Agreement between the parties dated 1 December 2026"

STANDARD_GENERAL = [
    "Fees and Payment",
    "Limitation of Liability",
    "General Terms",
    "Governing Law and Jurisdiction",
]
PLAIN_GENERAL = ["Fees and Paying", "Limits on What We Pay", "General Terms", "Which Law Applies"]


def example(name: str) -> Data:
    data: Data = yaml.safe_load((EXAMPLES / f"{name}.yaml").read_text("utf-8"))
    return data


def draft(tmp_path: Path, data: Data, name: str = "agreement", formats: str = "md") -> Path:
    """Render ``data`` and return the output folder (the .md is <folder>/<name>.md)."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    for support in ("provider.yaml", "northwind-logo.png"):
        shutil.copy(EXAMPLES / support, tmp_path / support)
    path = tmp_path / f"{name}.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), "utf-8")
    out = tmp_path / "out"
    assert main(["render", str(path), "--out", str(out), "--format", formats, "--force"]) == 0
    return out


def markdown(tmp_path: Path, data: Data) -> str:
    return (draft(tmp_path, data) / "agreement.md").read_text("utf-8")


def headings(text: str) -> list[str]:
    """The numbered clause titles, in order."""
    return [
        line.split(". ", 1)[1]
        for line in text.splitlines()
        if line.startswith("## ") and line[3:4].isdigit()
    ]


def standalone(data: Data) -> Data:
    data = copy.deepcopy(data)
    data["agreement"].pop("master_agreement", None)
    return data


def with_master(data: Data) -> Data:
    data = copy.deepcopy(data)
    data["agreement"]["master_agreement"] = MASTER
    return data


# --- stand-alone general terms --------------------------------------------------------------


def test_standalone_standard_agreement_has_general_terms(tmp_path: Path) -> None:
    text = markdown(tmp_path, standalone(example("acme-standard")))
    assert headings(text)[-4:] == STANDARD_GENERAL
    assert "Stand-alone agreement." in text
    assert "shall pay each invoice within 30 calendar days of the date of the invoice" in text
    assert "| Desktop and user support | £2,550.00 |" in text
    assert "shall not exceed 12 times the total monthly fees for the Services" in text
    assert "death or personal injury caused by its negligence, for fraud" in text
    assert "are governed by the law of England and Wales." in text
    assert "the courts of England and Wales have exclusive jurisdiction" in text
    assert "**Entire agreement.**" in text and "**Assignment and subcontracting.**" in text
    assert "**Notices.**" in text and "**Variation.**" in text
    # No master agreement: termination ends only this Agreement's fees.
    assert "the Customer's obligation to pay the fees for that service.\n" in text


def test_master_agreement_keeps_the_general_terms_out(tmp_path: Path) -> None:
    text = markdown(tmp_path, example("acme-standard"))
    for title in STANDARD_GENERAL:
        assert title not in headings(text)
    assert "governed by the Master Agreement" in text
    assert "the fees for that service under the Master Agreement and this Agreement" in text


def test_standalone_small_business_agreement_has_terms_and_a_refund(tmp_path: Path) -> None:
    text = markdown(tmp_path, example("corner-shop-smb"))  # names no master agreement
    names = headings(text)
    assert names[-4:] == PLAIN_GENERAL
    assert "If We Miss a Target" in names and "Service Credits" not in names
    assert "You pay a monthly fee for each service: IT support for the practice, £690.00" in text
    assert "12 times the monthly fees for all the services" in text
    assert "is governed by the law of England and Wales." in text
    assert "Only the courts of England and Wales may decide" in text
    assert "We refund 10% of a month's fee for a service that is below its uptime target" in text
    assert "you may end this agreement, or just that service" in text
    assert "From the date in your notice the services ended stop, with their fees" in text
    assert "within 30 calendar days we refund any fees paid for the time after that date" in text
    assert (
        "For a part month, we measure that part only and refund pro rata to its calendar days"
        in text
    )
    assert "the refunds due" in text  # the monthly report shows them


def test_small_business_agreement_under_a_master_agreement_is_unchanged(tmp_path: Path) -> None:
    text = markdown(tmp_path, with_master(example("corner-shop-smb")))
    names = headings(text)
    for title in [*PLAIN_GENERAL, "If We Miss a Target"]:
        assert title not in names
    assert f"It forms part of the {MASTER} (the **main agreement**)" in text


def test_small_business_credits_replace_the_refund(tmp_path: Path) -> None:
    text = markdown(tmp_path, example("special-characters"))  # stand-alone, with credits
    names = headings(text)
    assert "Service Credits" in names and "If We Miss a Target" not in names
    assert "Limits on What We Pay" in names
    assert "and you stop paying their fees. Within 30 calendar days after that date we refund" in (
        text
    )
    assert "a credit for it is a share of the fee for that part, pro rata" in text


# --- credits for missed Response and Resolution targets ---------------------------------------


def test_credits_for_missed_targets_are_printed_per_priority(tmp_path: Path) -> None:
    text = markdown(tmp_path, example("acme-standard"))
    assert (
        "For each Incident that misses its Response target or its Resolution target, the "
        "Customer is entitled to a Service Credit of the percentage of the total monthly fees "
        "of all the Services" in text
    )
    assert "| P1 Critical | 1% per Incident | 2% per Incident |" in text
    assert "| P2 High | 0.5% per Incident | 1% per Incident |" in text
    assert "shall not exceed 10% of the total monthly fees of all the Services in a Month" in text
    assert "or at least 3 Incidents that affected that service missed their Response" in text
    assert "**Part Months.**" in text


def test_a_desktop_service_without_uptime_still_has_a_remedy(tmp_path: Path) -> None:
    data = example("acme-standard")
    data["credits"] = {
        "targets": {
            "basis": "share-of-tickets",
            "below": 90,
            "service": "desktop",
            "priorities": {"P3": {"resolution": 5}},
            "cap": 15,
        }
    }
    text = markdown(tmp_path, data)
    assert "Service Credit tiers" not in text
    assert "fewer than 90% met their Response target (or their Resolution target)" in text
    assert "of the monthly fee of Desktop and user support" in text
    assert "| P3 Medium | No credit | 5% |" in text
    assert "(this applies to Desktop and user support only)" in text


def test_credit_terms_that_cannot_work_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = example("acme-standard")
    data["credits"]["targets"].update(basis="share-of-tickets", service="helpdesk")
    data["credits"]["targets"]["priorities"]["P7"] = {"response": 1}
    data["exit"] = {"charges": "at the day rate"}
    for support in ("provider.yaml", "northwind-logo.png"):
        shutil.copy(EXAMPLES / support, tmp_path / support)
    path = tmp_path / "acme.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), "utf-8")
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert "credits.targets.below: share-of-tickets credits need 'below'" in err
    assert "credits.targets.service: unknown service 'helpdesk'" in err
    assert "credits.targets.priorities.P7: unknown priority" in err
    assert "exit.charges: exit charges need a ceiling or a fixed rate" in err


# --- the report's arithmetic ----------------------------------------------------------------

TICKETS = """id,priority,created,responded,resolved,service,paused
T1,P1,2027-01-05 10:00,2027-01-05 10:45,2027-01-05 13:00,email,
T2,P1,2027-01-06 10:00,2027-01-06 10:10,2027-01-06 16:00,email,
T3,P2,2027-01-07 10:00,2027-01-07 12:00,2027-01-07 12:30,files,
T4,P3,2027-01-07 10:00,2027-01-07 10:05,2027-01-07 11:00,desktop,
T5,P1,2027-01-08 10:00,2027-01-08 11:00,2027-01-08 12:00,email,
"""
# Breaches: P1 responses T1 (45 min) and T5 (60 min) against 30 min, P1 resolution T2 (6 h)
# against 4 h, P2 response T3 (2 business hours) against 1. The fee is all four services:
# 850 + 1,200 + 400 + 2,550 = 5,000.

OUTAGES = """service,start,end,planned
email,2027-01-10 10:00,2027-01-10 20:00,no
email,2027-01-20 10:00,2027-01-20 11:00,no
"""


def report(tmp_path: Path, data: Data, capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    tmp_path.mkdir(parents=True, exist_ok=True)
    for support in ("provider.yaml", "northwind-logo.png"):
        shutil.copy(EXAMPLES / support, tmp_path / support)
    path = tmp_path / "acme.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), "utf-8")
    (tmp_path / "tickets.csv").write_text(TICKETS, "utf-8")
    (tmp_path / "outages.csv").write_text(OUTAGES, "utf-8")
    args = ["report", str(path), "--tickets", str(tmp_path / "tickets.csv")]
    args += ["--outages", str(tmp_path / "outages.csv"), "--period", "2027-01"]
    assert main([*args, "--as-of", "2027-02-05T12:00", "--json"]) == 0
    body: dict[str, Any] = json.loads(capsys.readouterr().out)
    return body


def test_report_credits_each_missed_target(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    body = report(tmp_path, example("acme-standard"), capsys)
    # 2 x 1% + 1 x 2% + 1 x 0.5% = 4.5% of 5,000
    assert body["target_credit"] == {
        "percent": 0.045,
        "uncapped_percent": 0.045,
        "fee": 5000.0,
        "credit": 225.0,
    }


def test_report_caps_and_counts_shares_of_tickets(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = example("acme-standard")
    data["credits"]["targets"]["cap"] = 3
    assert report(tmp_path / "capped", data, capsys)["target_credit"]["credit"] == 150.0
    data["credits"]["targets"].update(basis="share-of-tickets", below=50, cap=10)
    # P1 responses met 1 of 3 (below 50%): 1%; P1 resolutions 2 of 3: none;
    # P2 responses 0 of 1: 0.5%; P2 resolutions 1 of 1: none.
    credit = report(tmp_path / "share", data, capsys)["target_credit"]
    assert (credit["percent"], credit["credit"]) == (0.015, 75.0)


def test_a_part_month_is_measured_and_credited_pro_rata(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = example("acme-standard")
    data["agreement"]["effective_date"] = "2027-01-16"  # 16 of January's 31 days
    body = report(tmp_path, data, capsys)
    email = body["services"]["email"]
    # The 10-hour outage on 10 January is before the start; the hour on the 20th counts.
    assert email["basis_s"] == 16 * 24 * 3600
    assert email["downtime_s"] == 3600
    # 99.74% is below 99.9%: 5% of 850 x 16/31 = 21.935...
    assert email["credit_percent"] == 0.05 and email["credit"] == 21.94
    # The fee is 5,000 x 16/31 = 2,580.65; every ticket was logged before the 16th, when no
    # target applied, so none is measured and no target credit is earned (issue 13, item 6).
    assert body["target_credit"]["fee"] == 2580.65
    assert body["target_credit"]["credit"] == 0
    assert sum(p["tickets"] for p in body["priorities"].values()) == 0
    assert any("(5 tickets logged before then are left out)" in n for n in body["notes"])


# --- termination, exit, records ---------------------------------------------------------------


def test_exit_charges_have_a_rate_and_a_ceiling(tmp_path: Path) -> None:
    text = markdown(tmp_path / "both", example("acme-standard"))
    assert (
        "charged at £850.00 for each day of one person's work, pro rata for part days, and the "
        "total charged for it shall not exceed £4,250.00" in text
    )
    data = example("corner-shop-smb")
    data["exit"] = {"charges": "at our standard rates", "cap": 500}
    text = markdown(tmp_path / "cap", data)
    assert "This exit work is charged at our standard rates, and never more than £500.00" in text


def test_records_are_kept_for_the_limitation_period_unless_the_file_says(
    tmp_path: Path,
) -> None:
    data = example("acme-standard")
    del data["agreement"]["master_agreement"]  # its own governing law, not a master agreement's
    text = markdown(tmp_path / "default", data)
    assert (
        "for 6 years after this Agreement ends (the limitation period for a claim under this "
        "Agreement, under section 5 of the Limitation Act 1980, so that either party can show "
        "what happened)" in text
    )
    data = example("corner-shop-smb")
    data["data_protection"] = {"retention": "2 years"}
    text = markdown(tmp_path / "explicit", data)
    assert "service records (tickets, reports, monitoring data, correspondence) for 2 years" in text
    assert "6 years" not in text


# --- DRAFT - subject to contract ---------------------------------------------------------------


@pytest.mark.parametrize("name", ["acme-standard", "corner-shop-smb"])
def test_draft_until_final_on_the_cover_and_in_the_header(tmp_path: Path, name: str) -> None:
    out = draft(tmp_path / "draft", example(name), name, "md,docx")
    text = (out / f"{name}.md").read_text("utf-8")
    assert text.startswith("> **DRAFT - subject to contract**\n\n# ")
    assert "| **Version** | 1.0 (draft) |" in text
    word = docx.Document(str(out / f"{name}.docx"))
    header = "".join(p.text for p in word.sections[0].header.paragraphs)
    assert header.endswith("\tDRAFT - subject to contract")
    cover = [p.text for p in word.paragraphs]
    assert "DRAFT - subject to contract" in cover and "Version: 1.0 (draft)" in cover
    footer = "".join(p.text for p in word.sections[0].footer.paragraphs)
    assert "Version 1.0 (draft)" in footer

    final = example(name)
    final["agreement"]["status"] = "final"
    out = draft(tmp_path / "final", final, name, "md,docx")
    text = (out / f"{name}.md").read_text("utf-8")
    assert "DRAFT" not in text and "| **Version** | 1.0 |" in text
    word = docx.Document(str(out / f"{name}.docx"))
    assert "DRAFT" not in "".join(p.text for p in word.sections[0].header.paragraphs)
    assert "Version: 1.0" in [p.text for p in word.paragraphs]


# --- wording fixes -------------------------------------------------------------------------------


def test_force_majeure_notice_is_about_force_majeure(tmp_path: Path) -> None:
    text = markdown(tmp_path / "standard", example("acme-standard"))
    assert (
        "The Provider shall notify the Customer in writing of a Force Majeure Event, and of the "
        "Services it affects, within 24 hours" in text
    )
    assert "of such an event and the Services affected" not in text
    text = markdown(tmp_path / "plain", example("corner-shop-smb"))
    assert "within 24 hours of learning that one of these events (a) to (d) affects" in text


def test_requests_are_fulfilled_and_the_lowest_priority_stays(tmp_path: Path) -> None:
    text = markdown(tmp_path / "standard", example("acme-standard"))
    assert "**Request** means an Incident that asks for something" in text
    assert "for a Request, that it has been fulfilled" in text
    assert "an Incident of any Priority other than P4 is re-classified one Priority lower" in text
    assert "an Incident at P4 keeps its Priority and its targets" in text
    assert "unless it is already P4" in text
    assert "re-classified at a lower Priority" not in text
    text = markdown(tmp_path / "plain", example("corner-shop-smb"))
    assert "for a request, it is done or answered and the person who asked is told" in text
    assert "lower it by one level (unless it is already the lowest)" in text


def test_one_hour_reads_every_hour(tmp_path: Path) -> None:
    data = example("acme-standard")
    data["data_protection"]["backup"].update(frequency="1h", rpo="1h")
    data["internal"]["backup"]["interval"] = "1h"  # so the checker accepts the promise
    text = markdown(tmp_path, data)
    assert "on the covered systems every hour and keeps" in text
    assert "backups are taken every hour" in text and "no more than the last hour" in text
    assert "every 1 hour" not in text and "last 1 hour" not in text
    assert "| Update interval |" in text
