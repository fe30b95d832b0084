"""report --compare with the status history, priority changes and automatic replies; a
mid-month report with every input at once; the credit figures labelled alike everywhere.

Every export here was typed in by hand (tests/fixtures/compare/history/ and the strings
below). The agreement is ``agreement`` of test_measure_report (Europe/London, mon-fri
08:30-17:30, public holidays GB-ENG; P1 30m / 4h on 24x7, P2 1h / 8h, P3 4h / 18h, P4 9h /
45h on business hours; email 99.9% all-time, fee 850; tiers 5% below 99.9, 10% below 99.5;
cap 50), with the changes each test states. Figures worked out by hand in the comments.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from slawriter.cli import main
from tests.test_measure_report import AS_OF, agreement  # noqa: F401

HISTORY = Path(__file__).parent / "fixtures" / "compare" / "history"


def _json(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, Any], str]:
    code = main(["report", *args, "--json"])
    captured = capsys.readouterr()
    return code, json.loads(captured.out) if captured.out.strip() else {}, captured.err


def _compare(capsys: pytest.CaptureFixture[str], agreement: Path, *extra: str) -> Any:  # noqa: F811
    return _json(capsys, str(agreement), "--tickets", str(HISTORY / "tickets.csv"), "--mapping",
                 str(HISTORY / "zendesk-history.yaml"), "--period", "2027-01", "--as-of", AS_OF,
                 "--compare", *extra)  # fmt: skip


def test_compare_names_priority_change_auto_reply_and_history_pause(
    agreement: Path,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, body, err = _compare(capsys, agreement, "--status-history", str(HISTORY / "history.csv"))
    assert code == 0, err
    result = body["comparison"]
    # Four tickets, two targets each: eight compared; 601 response, 602 resolution, 603
    # response and 604 both agree.
    assert (result["compared"], result["agreed"]) == (8, 5)
    items = {item["id"]: item for item in result["disagreements"]}
    assert sorted(items) == ["601", "602", "603"]

    # 601, logged Normal (P3) Tue 5 Jan 09:00, raised to High (P2) at 10:00, solved 17:30. The
    # contract: P3 from 09:00 to 10:00 (1h of 18h), then P2 from the change: 10:00-17:30 =
    # 7h30 of 8h: met, and the report counts it a met P2 resolution. Zendesk's 510 business
    # minutes from logging against P2's 8h: breached. At the priority it ended at, from
    # logging, the contract would say 8h30 of 8h, as the desk does.
    raised = items["601"]
    assert (raised["target"], raised["priority"], raised["rule"]) == (
        "resolution", "P2", "priority change")  # fmt: skip
    assert (raised["contract_business_s"], raised["target_s"]) == (7.5 * 3600, 8 * 3600)
    assert (raised["desk_breached"], raised["contract_breached"]) == (True, False)
    assert raised["figure_without_rule_s"] == 8.5 * 3600
    assert raised["explanation"] == (
        "priority change: raised to P2 at 2027-01-05 10:00, so the contract measures this "
        "target at P2 from 2027-01-05 10:00; at the priority it ended at, P2 from logging it "
        "would be 8h 30m of 8h 00m"
    )
    assert body["priorities"]["P2"]["resolution_met"] == 2  # 601 and 602, as compared

    # 602, High (P2, response 1h), logged Wed 6 Jan 10:00; its first reply two minutes later
    # was sent by a Trigger: not a Response. No agent reply is in the export, so the response
    # is the resolution at 12:00: 2h of 1h, breached. Zendesk counts the 2 minutes: met.
    auto = items["602"]
    assert (auto["target"], auto["rule"]) == ("response", "auto-reply")
    assert (auto["contract_business_s"], auto["figure_without_rule_s"]) == (2 * 3600, 2 * 60)
    assert (auto["desk_breached"], auto["contract_breached"]) == (False, True)
    assert auto["explanation"].startswith(
        "auto-reply: the reply at 2027-01-06 10:02 was automatic ('First reply by')"
    )

    # 603, Normal (P3, 18h), Thu 7 Jan 09:00 to Mon 11 Jan 12:00: 8h30 + 9h + 3h30 = 21h,
    # less Pending from Thu 11:00 to Fri 11:00 (6h30 + 2h30 = 9h, from the status history) =
    # 12h: met. Zendesk's 1,260 business minutes (21h) do not pause: breached. The clock-time
    # rule also flips it (99h), but the desk's figure is nearest the figure without pauses.
    paused = items["603"]
    assert (paused["target"], paused["rule"]) == ("resolution", "pause")
    assert (paused["contract_business_s"], paused["figure_without_rule_s"]) == (
        12 * 3600, 21 * 3600)  # fmt: skip
    assert paused["explanation"] == (
        "pause: 540 business minutes in a pausing status of the status history (Pending, "
        "Waiting for customer) stop the contract's clock"
    )
    assert not any(item["rule"] == "not explained" for item in result["disagreements"])


def test_compare_without_the_history_judges_what_the_report_counts(
    agreement: Path,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, body, err = _compare(capsys, agreement)
    assert code == 0, err
    # Without the history, 601 stays P3 (8h30 of 18h: met, as Zendesk's 510 minutes against
    # 18h) and 603 has no pause (21h of 18h: breached, as Zendesk says): only 602 disagrees.
    assert [item["id"] for item in body["comparison"]["disagreements"]] == ["602"]
    assert body["priorities"]["P3"]["resolution_breached"] == 1
