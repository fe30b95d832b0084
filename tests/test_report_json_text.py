"""report --json writes the breach lists from their columns: the text must be exactly what
json.dumps(report_json(report), ensure_ascii=False) writes, escapes and numbers included."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest

from slawriter.library import Library
from slawriter.measure.report import (
    BreachTable,
    _breaches_text,
    report_json,
    report_json_text,
)
from slawriter.measure.run import measure_files
from tests.test_measure_report import agreement  # noqa: F401

# Ids an export may hold: quotes, a backslash, non-ASCII, a control character, a tab.
TICKETS = (
    "id,priority,created,responded,resolved,service\n"
    '"Q""1",P1,2027-01-05 09:00,2027-01-05 12:00,2027-01-06 15:00,email\n'
    "Ü-2,P2,2027-01-05 09:00,2027-01-05 13:00,,email\n"
    "back\\slash,P3,2027-01-06 09:00,2027-01-06 09:10,2027-01-20 09:00,files\n"
    '"tab\there",P1,2027-01-07 09:00,2027-01-07 09:05,2027-01-07 10:00,email\n'
    "\x01ctl,P2,2027-01-08 09:00,2027-01-08 11:00,2027-01-09 17:00,email\n"
)


@pytest.mark.parametrize("period", ["2027-01", "2027-Q1"])  # a quarter: lists by month too
def test_the_text_is_json_dumps_of_report_json(
    agreement: Path,  # noqa: F811
    tmp_path: Path,
    period: str,
) -> None:
    tickets = tmp_path / "tickets.csv"
    tickets.write_text(TICKETS, encoding="utf-8")
    measured = measure_files(
        agreement,
        Library.locate(None),
        tickets=tickets,
        outages=None,
        period=period,
        as_of=datetime(2027, 4, 5, 12, tzinfo=UTC),
    )
    report = measured.report
    breaches = sum(len(p.breaches) for p in report.total.priorities.values())
    assert breaches >= 4  # the lists are not all empty
    expected = json.dumps(report_json(report), ensure_ascii=False)
    assert report_json_text(report) == expected
    assert ("by_month" in expected) == (period == "2027-Q1")
    assert '"id": "Q\\"1"' in expected and '"id": "\\u0001ctl"' in expected


def test_numbers_as_the_encoder_writes_them() -> None:
    table = BreachTable(
        np.array(["a", "b", "c", "d"], dtype=object),
        np.array([2, 3, 4, 5], dtype=np.int64),
        np.array(["response", "resolution", "response", "resolution"], dtype=object),
        np.array([1.5, float("nan"), float("inf"), -0.0], dtype=np.float64),
        np.array([3600, 7200, 60, 0], dtype=np.int64),
        np.array([False, True, False, True]),
    )
    assert _breaches_text(table) == json.dumps(table.as_json(), ensure_ascii=False)
