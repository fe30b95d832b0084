"""``report --portfolio DIR``: credits owed and at risk across a folder of agreements.

The folder's convention: each agreement ``NAME.yaml`` has its ticket export ``NAME-tickets.csv``
beside it, and optionally its outage log ``NAME-outages.csv``, status history
``NAME-history.csv`` and updates ``NAME-updates.csv`` (read as --status-history and --updates,
so the figures are the agreement's own report's); every export is read with the same
``--preset`` or ``--mapping``. A YAML file without a ticket export beside it is an error
(exit 2) unless it is a provider file, which is passed over. Nothing is written: the table (or
``--json``) goes to standard output.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from slawriter.errors import EXIT_FOUND, EXIT_OK, InputError
from slawriter.files.output import display_path
from slawriter.library import Library
from slawriter.measure.report import (
    SERVICE_CREDITS,
    TARGET_CREDITS,
    TOTAL_CREDITS,
    credits_owed,
)


def members(folder: Path, library: Library) -> list[tuple[Path, Path, Path | None]]:
    """(agreement, tickets, outages or None) for each agreement in the folder, by name."""
    from slawriter.files.load import ProviderFileGiven, load_agreement

    if not folder.is_dir():
        raise InputError(f"--portfolio: {display_path(folder)} is not a folder")
    found: list[tuple[Path, Path, Path | None]] = []
    for path in sorted(folder.glob("*.yaml")):
        tickets = path.with_name(f"{path.stem}-tickets.csv")
        outages = path.with_name(f"{path.stem}-outages.csv")
        if not tickets.is_file():
            try:
                load_agreement(path, library)
            except ProviderFileGiven:
                continue
            except InputError:
                pass  # not loadable either: the missing export is still what to say
            raise InputError(
                f"--portfolio: {display_path(path)} has no ticket export beside it (expected "
                f"{display_path(tickets)}; the outage log, if any, as {outages.name})"
            )
        found.append((path, tickets, outages if outages.is_file() else None))
    if not found:
        raise InputError(
            f"--portfolio: {display_path(folder)} holds no agreement (NAME.yaml with "
            "NAME-tickets.csv beside it)"
        )
    return found


def run_portfolio(args: argparse.Namespace, library: Library) -> int:
    from slawriter.measure.moments import parse_moment
    from slawriter.measure.run import NotInForce, measure_files

    if args.period is None:
        raise InputError("report --portfolio needs --period")
    as_of = parse_moment(args.as_of, "--as-of") if args.as_of else datetime.now(UTC)
    rows: list[dict[str, Any]] = []
    left_out = 0
    for agreement, tickets, outages in members(args.portfolio, library):
        # The status history and updates beside it count as in the agreement's own report.
        history = tickets.with_name(f"{agreement.stem}-history.csv")
        updates = tickets.with_name(f"{agreement.stem}-updates.csv")
        try:
            measured = measure_files(
                agreement,
                library,
                tickets=tickets,
                outages=outages,
                history=history if history.is_file() else None,
                updates=updates if updates.is_file() else None,
                period=args.period,
                as_of=as_of,
                preset=args.preset,
                mapping=args.mapping,
                date_order=args.date_order,
                response_as_resolution=args.no_response_column,
            )
        except NotInForce as error:
            # Nothing is owed under an agreement not yet in force: say so, not 0.00.
            rows.append(_not_in_force(agreement, str(error)))
            continue
        for warning in measured.warnings:
            sys.stderr.write(f"Warning: {display_path(agreement)}: {warning}.\n")
        report = measured.report
        forecast = report.extra_json.get("forecast")
        left_out += len(report.rejected)
        owed = credits_owed(report.months)
        rows.append(
            {
                "agreement": display_path(agreement),
                "customer": report.customer,
                "currency": report.currency,
                "service_credits": float(owed.service),
                "target_credits": float(owed.target),
                "owed": float(owed.total),
                "at_risk": None if forecast is None else forecast["credits_at_risk"],
                "rows_left_out": len(report.rejected),
                "period_over": report.period_over,
                "uptime_measured": outages is not None,
                "note": None if outages is not None else "no outage log: uptime not measured",
            }
        )
    totals: dict[str, dict[str, float]] = {}
    for row in rows:
        if row["owed"] is None:
            continue
        money = totals.setdefault(
            row["currency"],
            {"service_credits": 0.0, "target_credits": 0.0, "owed": 0.0, "at_risk": 0.0},
        )
        for key in ("service_credits", "target_credits", "owed"):
            money[key] = round(money[key] + row[key], 2)
        money["at_risk"] = round(money["at_risk"] + (row["at_risk"] or 0.0), 2)
    body = {
        "period": args.period.upper(),
        # Without an offset, --as-of is read in each agreement's own zone: a different
        # instant per agreement, which the header must say.
        "as_of_local": as_of.tzinfo is None,
        "as_of": as_of.isoformat(),
        "agreements": rows,
        "totals": totals,
    }
    if args.json:
        sys.stdout.write(json.dumps(body, ensure_ascii=False) + "\n")
    else:
        _table(body)
    return EXIT_FOUND if left_out else EXIT_OK


def _not_in_force(agreement: Path, reason: str) -> dict[str, Any]:
    return {
        "agreement": display_path(agreement),
        "customer": "",
        "currency": "",
        "service_credits": None,
        "target_credits": None,
        "owed": None,
        "at_risk": None,
        "rows_left_out": 0,
        "period_over": None,
        "uptime_measured": False,
        "note": reason,
    }


def _table(body: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    from slawriter.text.numbers import money

    local = " in each agreement's own time zone" if body["as_of_local"] else ""
    table = Table(title=f"Portfolio {body['period']}, as of {body['as_of'][:16]}{local}")
    headings = ("Agreement", "Customer", SERVICE_CREDITS, TARGET_CREDITS,
                f"{TOTAL_CREDITS} owed", "At risk (forecast)", "Rows left out")  # fmt: skip
    for heading in headings:
        text = heading in ("Agreement", "Customer")
        table.add_column(heading, justify="left" if text else "right")
    notes: list[str] = []
    for row in body["agreements"]:
        risk = "-" if row["at_risk"] is None else money(row["at_risk"], row["currency"])
        owed_texts = [
            "-" if row["owed"] is None else money(row[key], row["currency"])
            for key in ("service_credits", "target_credits", "owed")
        ]
        if row["note"]:
            notes.append(f"{Path(row['agreement']).name}: {row['note']}")
            owed_texts[-1] += f" [{len(notes)}]"
        table.add_row(
            Path(row["agreement"]).name,
            row["customer"],
            *owed_texts,
            risk,
            str(row["rows_left_out"]),
        )
    for currency, money_total in body["totals"].items():
        table.add_row(
            "Total", currency, money(money_total["service_credits"], currency),
            money(money_total["target_credits"], currency), money(money_total["owed"], currency),
            money(money_total["at_risk"], currency), "", style="bold",
        )  # fmt: skip
    console = Console(highlight=False, width=120, emoji=False)
    console.print(table)
    for number, note in enumerate(notes, start=1):
        console.print(f"[{number}] {note}", markup=False)
