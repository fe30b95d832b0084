"""Renewals (``slawriter new --from``): the old agreement's answers, a new start and reference.

The arithmetic takes "today" as an argument: the caller says what day it is, so the same
source file always gives the same renewal on the same day (and tests fix the day).
"""

from __future__ import annotations

import calendar
import copy
import re
from datetime import date, timedelta
from typing import Any

from slawriter.files import roundtrip
from slawriter.model.durations import Period, parse_period


def renew(old: Any, today: date) -> Any:
    """A copy of the round-trip mapping ``old`` with the renewal's start date and reference.

    Every answer is kept, deliberately absent ones included (the wizard treats the copy as
    finished); a start or reference that cannot be worked out is left out, to be asked.
    """
    data = copy.deepcopy(old)
    agreement = roundtrip.plain(old).get("agreement") or {}
    start = renewal_date(agreement, today)
    reference = renewal_reference(agreement.get("reference"), start)
    for name, value in (("effective_date", start), ("reference", reference)):
        if value is None:
            roundtrip.delete(data, ("agreement", name))
        else:
            roundtrip.put(data, ("agreement", name), value)
    return data


def renewal_date(agreement: dict[str, Any], today: date) -> date | None:
    """The old start plus its initial term, then renewal terms until it is not in the past."""
    start = agreement.get("effective_date")
    if isinstance(start, str):
        try:
            start = date.fromisoformat(start)
        except ValueError:
            return None
    if not isinstance(start, date):
        return None
    term = agreement.get("term") or {}
    try:
        initial = parse_period(term.get("initial") or "12 months")
        renewal = parse_period(term["renewal"]) if term.get("renewal") else initial
    except (ValueError, TypeError):
        return None
    moved = _add_period(start, initial)
    for _ in range(200):  # a bound: a zero-length renewal term must not loop for ever
        if moved >= today:
            break
        moved = _add_period(moved, renewal)
    return moved


def _add_period(start: date, period: Period) -> date:
    if period.unit == "days":
        return start + timedelta(days=period.amount)
    months = period.amount * (12 if period.unit == "years" else 1)
    total = start.month - 1 + months
    year, month = start.year + total // 12, total % 12 + 1
    return start.replace(
        year=year, month=month, day=min(start.day, calendar.monthrange(year, month)[1])
    )


def renewal_reference(old: Any, start: date | None) -> str | None:
    """A new reference in the old one's scheme: its year moved on, else a -R<n> suffix."""
    if not isinstance(old, str) or not old.strip():
        return None
    if start is not None:
        years = list(re.finditer(r"(?<!\d)(19|20)\d\d(?!\d)", old))
        if years and int(years[-1].group()) < start.year:
            last = years[-1]
            return f"{old[: last.start()]}{start.year}{old[last.end() :]}"
    match = re.search(r"-R(\d+)$", old)
    if match:
        return f"{old[: match.start()]}-R{int(match.group(1)) + 1}"
    return f"{old}-R1"
