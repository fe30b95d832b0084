"""The forecast of a month not yet over: the credit tier it reaches if the rest goes the same.

Method (stated in every report that carries a forecast, and in docs/measurement.md): linear
extrapolation over business time. For the month that contains the as-of time, the elapsed
share ``f`` is the business time of the basis calendar from the start of the month (or the
agreement's effective date) to the as-of time, over the business time of the whole month on
that calendar. Then:

- a service's projected downtime is its downtime so far / ``f`` (at most the whole basis); its
  projected uptime, tier and credit follow by the agreement's own credit rule;
- a priority's projected breaches (and met targets) are the counts so far / ``f`` on the
  priority's calendar, rounded half up to whole tickets, so its breach share stays what it
  has been; the credits for missed targets follow by the agreement's rule.

Nothing is forecast when the period is over, when the as-of time is before the period, or
when none of the month's business time has passed (``f`` = 0).
"""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from slawriter.clock.calendars import basis_name, calendars_for
from slawriter.clock.engine import Calendar
from slawriter.measure.report import (
    SERVICE_CREDITS,
    TARGET_CREDITS,
    TOTAL_CREDITS,
    PriorityFigures,
    Report,
    ServiceFigures,
    _credit,
    _share,
    _target_credit,
    month_label,
)
from slawriter.model.agreement import Agreement
from slawriter.model.provider import Provider

METHOD = (
    "Linear extrapolation over business time: for the month that contains the as-of time, "
    "each figure so far (downtime minutes; breached and met targets) is divided by the share "
    "of the month's business time (on the service's basis calendar, or the priority's "
    "calendar) that had passed at the as-of time; the projected month's uptime and breach "
    "share then give the credit tier by the agreement's own rules. Breach counts are rounded "
    "half up to whole tickets."
)


def _fraction(calendar: Calendar, begin: datetime, as_of: datetime, end: datetime) -> float:
    whole = calendar.elapsed(begin, end).total_seconds()
    if whole <= 0:
        return 0.0
    return min(1.0, calendar.elapsed(begin, min(as_of, end)).total_seconds() / whole)


def _scaled(count: int, fraction: float) -> int:
    return int(Decimal(repr(count / fraction)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def add_forecast(report: Report, agreement: Agreement, provider: Provider) -> None:
    """Add ``forecast`` to the report's JSON and a section to its documents, when the as-of
    time falls inside a month of the period that is not over."""
    if report.period_over:
        return
    calendars = calendars_for(agreement, provider)
    zone = calendars.local.timezone
    as_of = report.as_of.astimezone(UTC)
    for figures in report.months:
        year, month = (int(part) for part in figures.label.split("-"))
        begin = datetime(year, month, 1, tzinfo=zone)
        end = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=zone)
        start = agreement.agreement.effective_date
        begin = max(begin, datetime(start.year, start.month, start.day, tzinfo=zone))
        if begin <= as_of < end:
            break
    else:
        return
    share = _share(agreement, year, month)
    services: dict[str, dict[str, Any]] = {}
    at_risk = service_risk = Decimal(0)
    uptime_measured = any(item.measured for item in figures.services.values())
    for service in agreement.services:
        item = figures.services.get(service.id)
        if item is None or service.uptime is None or not item.measured:
            continue  # no outage log: no downtime is known to project (not none)
        calendar = calendars[
            basis_name(service.uptime.basis, service.uptime.calendar, calendars.default)
        ]
        fraction = _fraction(calendar, begin, as_of, end)
        if fraction <= 0:
            continue
        projected: ServiceFigures = copy.copy(item)
        projected.downtime_s = min(item.basis_s, item.downtime_s / fraction)
        projected.credit_percent, projected.credit = Decimal(0), Decimal(0)
        _credit(agreement, projected, share)
        service_risk += projected.credit
        services[service.id] = {
            "name": item.name,
            "elapsed_fraction": fraction,
            "downtime_so_far_s": item.downtime_s,
            "projected_downtime_s": projected.downtime_s,
            "projected_uptime": projected.uptime,
            "target": float(item.target / 100),
            "credit_percent": float(projected.credit_percent / 100),
            "credit": float(projected.credit),
        }
    priorities: dict[str, dict[str, Any]] = {}
    projected_priorities: dict[str, PriorityFigures] = {}
    for pid, counts in figures.priorities.items():
        priority = agreement.priorities[pid]
        calendar = calendars[priority.calendar or agreement.default_calendar]
        fraction = _fraction(calendar, begin, as_of, end)
        if fraction <= 0:
            continue
        guess = copy.copy(counts)
        for name in ("response_met", "response_breached", "resolution_met", "resolution_breached"):
            setattr(guess, name, _scaled(getattr(counts, name), fraction))
        projected_priorities[pid] = guess
        priorities[pid] = {
            "name": counts.name,
            "elapsed_fraction": fraction,
            "response_breached_so_far": counts.response_breached,
            "resolution_breached_so_far": counts.resolution_breached,
            "projected_response_breached": guess.response_breached,
            "projected_resolution_breached": guess.resolution_breached,
            "projected_response_compliance": guess.response_compliance,
            "projected_resolution_compliance": guess.resolution_compliance,
        }
    target = _target_credit(agreement, projected_priorities, share, report.response_by_proxy)
    target_json = None
    target_risk = Decimal(0)
    if target is not None:
        target_json = {
            "percent": float(target.percent / 100),
            "credit": None if target.credit is None else float(target.credit),
        }
        target_risk = target.credit or Decimal(0)
    at_risk = service_risk + target_risk
    if not services and not priorities:
        return
    body = {
        "month": figures.label,
        "method": METHOD,
        "services": services,
        "priorities": priorities,
        "target_credit": target_json,
        # False: the agreement has uptime targets but no outage log was given.
        "uptime_measured": uptime_measured or not figures.services,
        # Labelled as the report's credits owed: uptime, targets, and both together.
        "service_credits": float(service_risk),
        "target_credits": float(target_risk),
        "credits_at_risk": float(at_risk),
    }
    report.extra_json["forecast"] = body
    report.extra_sections.append(
        ("forecast", "Forecast for the rest of the month", _blocks(report, body))
    )


def _blocks(report: Report, body: dict[str, Any]) -> list[Any]:
    from slawriter.measure.documents import _para, _table
    from slawriter.text.numbers import minutes_figure, money
    from slawriter.text.numbers import ratio_percent as percent

    blocks: list[Any] = [
        _para(
            f"{month_label(body['month'])} was not over at the as-of time. If the rest of it "
            "goes as it has so far, it will reach these figures."
        ),
        _para(f"Method: {METHOD}"),
    ]
    if body["services"]:
        rows = [
            [
                f"{item['name']} (forecast)",
                percent(item["elapsed_fraction"]),
                minutes_figure(item["downtime_so_far_s"]),
                minutes_figure(item["projected_downtime_s"]),
                percent(item["projected_uptime"], 3)
                if item["projected_uptime"] is not None
                else "-",
                percent(item["target"], None),
                percent(item["credit_percent"], None),
                money(Decimal(repr(item["credit"])), report.currency, report.locale),
            ]
            for item in body["services"].values()
        ]
        header = ["Service", "Elapsed", "Downtime so far (min)", "Projected (min)",
                  "Projected uptime", "Target", "Credit tier", "Credit"]  # fmt: skip
        blocks.append(_table(header, rows))
    if body["priorities"]:
        rows = [
            [
                f"{pid} {item['name']} (forecast)",
                percent(item["elapsed_fraction"]),
                f"{item['response_breached_so_far']} / {item['resolution_breached_so_far']}",
                f"{item['projected_response_breached']} / {item['projected_resolution_breached']}",
            ]
            for pid, item in body["priorities"].items()
        ]
        header = ["Priority", "Elapsed", "Breached so far (response / resolution)",
                  "Projected breaches"]  # fmt: skip
        blocks.append(_table(header, rows))
    blocks.append(_para(at_risk_line(body, report.currency, report.locale) + "."))
    return blocks


def at_risk_line(body: dict[str, Any], currency: str, locale: str) -> str:
    """The forecast's credits, split and totalled as the credits owed are."""
    from slawriter.text.numbers import money

    def cash(amount: float) -> str:
        return money(Decimal(repr(amount)), currency, locale)

    label = month_label(body["month"])
    measured = body.get("uptime_measured", True)
    service = cash(body["service_credits"]) if measured else "not measured"
    if body["target_credit"] is None:
        return f"Credits at risk for {label}: {SERVICE_CREDITS.lower()} {service}"
    return (
        f"Credits at risk for {label}: {SERVICE_CREDITS.lower()} {service}"
        f"; {TARGET_CREDITS.lower()} {cash(body['target_credits'])}; "
        f"{TOTAL_CREDITS.lower()} {cash(body['credits_at_risk'])}"
        + ("" if measured else ", not counting uptime")
    )
