"""The evidence behind the credits owed: a CSV the customer can re-check, and the hashes.

Written beside the report whenever a credit is owed (``AGREEMENT-PERIOD-evidence.csv``): one
row per input file with its SHA-256 hash, one with the credits owed (service credits for uptime,
target credits for Response and Resolution, and the total, as the report's summary says them),
the as-of time and the preset or mapping file the export was read with, one per month's
credit with the figures that set it, then the outages and the breached tickets that drove it:
the breaches of the targets a credit is owed for, at the priority the report measured them at
(update intervals earn no credit, so they are not listed; nor are Response targets measured
by proxy under --no-response-column, which a ``note`` row states). Figures in the text read
as in the report (slawriter.text.numbers): never in scientific notation.
``AGREEMENT-PERIOD-evidence.sha256`` holds the same hashes in the form ``sha256sum -c``
checks, so the customer can confirm the report was computed from the files they hold.

Cells come from exports the customer or a third party typed: any that begins with ``=``,
``+``, ``-``, ``@``, a tab or a carriage return is written with a leading ``'`` so that a
spreadsheet shows it as text and never runs it as a formula (OWASP's advice on CSV injection).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from datetime import UTC, datetime, tzinfo
from decimal import Decimal
from pathlib import Path

import numpy as np

from slawriter.measure.report import (
    PROXY_NO_RESPONSE_CREDIT,
    SERVICE_CREDITS,
    TARGET_CREDITS,
    TOTAL_CREDITS,
    BreachTable,
    Report,
    credits_owed,
)
from slawriter.model.agreement import Agreement
from slawriter.text.numbers import minutes_figure, money, percent, ratio_percent

HEADER = [
    "kind", "month", "service", "priority", "item", "source_file", "source_line", "start",
    "end", "planned", "business_minutes", "target_minutes", "detail",
]  # fmt: skip
_DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell: object) -> str:
    """A cell a spreadsheet will show as text: formula-starting characters get a ``'``."""
    text = "" if cell is None else str(cell)
    return "'" + text if text.startswith(_DANGEROUS) else text


def _minutes(seconds: float) -> str:
    """Minutes to the hundredth for a numeric column: plain digits, no grouping, no exponent."""
    return format(Decimal(repr(seconds / 60)).quantize(Decimal("0.01")), "f")


class _Rows(list[list[str] | str]):
    """The table's rows, each cell neutralised as the row is added."""

    def append(self, row: list[object]) -> None:  # type: ignore[override]
        super().append([neutralise(cell) for cell in row])


class _Minutes(dict[float, str]):
    """_minutes, neutralised, once per distinct figure: a big month has hundreds of
    thousands of breaches but far fewer distinct durations, and Decimal is slow."""

    def __call__(self, seconds: float) -> str:
        text = self.get(seconds)
        if text is None:
            text = self[seconds] = neutralise(_minutes(seconds))
        return text


def _breach_rows(
    breaches: BreachTable, owing: set[str], label: str, pid: str, tickets_name: str,
    minutes: _Minutes,
) -> list[list[str]] | str:  # fmt: skip
    """The rows of the breaches a credit is owed for, neutralised, built from the table's
    columns (no Breach object per row): the cells shared by every row, and each target's
    text, are neutralised once; the ids in one pass (a function call each was a third of a
    big month's evidence). When no cell needs quoting in CSV (no comma, quote or line
    break: the usual case), the rows come as their CSV text, each row formatted by one C
    call, exactly as csv.writer writes them (a big month: 0.5 s -> 0.2 s)."""
    keep = np.isin(breaches.targets, sorted(owing))  # not an update interval, nor a target
    if not keep.all():  # no credit is owed for
        breaches = breaches.subset(keep)
    shared = [neutralise(cell) for cell in ("breach", label, "", pid)]
    source = neutralise(tickets_name)
    open_text = " (still open at the as-of time)"
    detail: dict[tuple[str, bool], str] = {}
    for target in set(breaches.targets.tolist()):
        detail[target, False] = neutralise(target)
        detail[target, True] = neutralise(target + open_text)
    ids, joined = _neutralised_ids(breaches.ids.tolist())
    used, allowed = breaches.business_s.tolist(), breaches.target_s.tolist()
    for seconds in {*used, *allowed}:  # each distinct figure written once
        minutes(seconds)
    # A line number is a positive integer: nothing to neutralise.
    columns = (
        ids, map(str, breaches.lines.tolist()), map(minutes.__getitem__, used),
        map(minutes.__getitem__, allowed),
        map(detail.__getitem__,
            zip(breaches.targets.tolist(), breaches.still_open.tolist(), strict=True)),
    )  # fmt: skip
    fixed = [*shared, source, *minutes.values(), *detail.values()]
    if not any(_needs_quotes(text) for text in (*fixed, joined)):
        fixed_cells = [cell.replace("%", "%%") for cell in (*shared, source)]  # '%' as itself
        row = ",".join([*fixed_cells[:4], "%s", fixed_cells[4], "%s", "", "", "", "%s", "%s",
                        "%s"]) + "\r\n"  # fmt: skip
        return "".join(map(row.__mod__, zip(*columns, strict=True)))
    return [
        [*shared, ticket, source, line, "", "", "", spent, limit, text]
        for ticket, line, spent, limit, text in zip(*columns, strict=True)
    ]


def _neutralised_ids(values: list[object]) -> tuple[list[str], str]:
    """Each id as text, neutralised, and all of them joined by NUL (to search at once):
    when every id is text and none begins with a formula character (the usual case), they
    are taken as they are, found by searching the joined text rather than each id."""
    if all(type(value) is str for value in values):
        texts: list[str] = values  # type: ignore[assignment]
        joined = "\x00".join(texts)
        if not any(f"\x00{start}" in f"\x00{joined}" for start in _DANGEROUS):
            return texts, joined
    texts = [neutralise(value) for value in values]
    return texts, "\x00".join(texts)


def _needs_quotes(text: str) -> bool:
    """csv.writer's QUOTE_MINIMAL would quote it (or a row of it) in the excel dialect."""
    return any(character in text for character in ',"\r\n')


def _local(instant_us: int, zone: tzinfo) -> str:
    moment = datetime.fromtimestamp(instant_us / 1_000_000, tz=UTC)
    return moment.astimezone(zone).isoformat(timespec="seconds")


def evidence_names(stem: str) -> tuple[str, str]:
    """The evidence files of a report set: written only when a credit is owed."""
    return f"{stem}-evidence.csv", f"{stem}-evidence.sha256"


def evidence_files(
    report: Report,
    agreement: Agreement,
    zone: tzinfo,
    stem: str,
    sources: Mapping[str, tuple[Path, str]],
) -> dict[str, bytes]:
    """``{stem}-evidence.csv`` and ``.sha256`` when a credit is owed; else nothing.
    ``sources``: role -> (path, SHA-256), hashed once by the caller."""
    owed = any(
        s.credit > 0 or s.credit_percent > 0 for m in report.months for s in m.services.values()
    ) or any(m.target_credit is not None and m.target_credit.percent > 0 for m in report.months)
    if not owed:
        return {}
    hashes = {role: (path.name, digest) for role, (path, digest) in sources.items()}
    rows: _Rows = _Rows()
    minutes = _Minutes()
    for role, (name, digest) in hashes.items():
        rows.append(["input", "", "", "", role, name, "", "", "", "", "", "", f"sha256 {digest}"])

    def cash(amount: Decimal) -> str:
        return money(amount, report.currency, report.locale)

    rows.append([
        "as_of", "", "", "", "", "", "", "", "", "", "", "",
        f"measured as things stood at {report.as_of.isoformat(timespec='seconds')}",
    ])  # fmt: skip
    proxy = " (--no-response-column: each response counted as the resolution)"
    rows.append([
        "read_with", "", "", "", "", "", "", "", "", "", "", "",
        f"ticket export read with {report.read_with}"
        + (proxy if report.response_by_proxy else ""),
    ])  # fmt: skip
    spec = agreement.credits.targets if agreement.credits else None
    if (
        report.response_by_proxy
        and spec is not None
        and any(rates.response is not None for rates in spec.priorities.values())
    ):
        rows.append([
            "note", "", "", "", "", "", "", "", "", "", "", "", PROXY_NO_RESPONSE_CREDIT,
        ])  # fmt: skip
    owed_now = credits_owed(report.months)
    rows.append([
        "credits_owed", report.period, "", "", "", "", "", "", "", "", "", "",
        f"{SERVICE_CREDITS.lower()} {cash(owed_now.service)}; "
        f"{TARGET_CREDITS.lower()} {cash(owed_now.target)}; "
        f"{TOTAL_CREDITS.lower()} {cash(owed_now.total)}",
    ])  # fmt: skip
    outages_name = hashes["outages"][0] if "outages" in hashes else ""
    tickets_name = hashes["tickets"][0]
    as_of_us = round(report.as_of.timestamp() * 1_000_000)
    for figures in report.months:
        label = figures.label
        year, month = (int(part) for part in figures.label.split("-"))
        begin = datetime(year, month, 1, tzinfo=zone)
        end = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=zone)
        begin_us, end_us = round(begin.timestamp() * 1e6), round(end.timestamp() * 1e6)
        for item in figures.services.values():
            if not (item.credit > 0 or item.credit_percent > 0):
                continue
            rows.append([
                "service_credit", label, item.service, "", "", "", "", "", "", "",
                minutes(item.downtime_s), minutes(item.allowed_downtime_s),
                f"uptime {ratio_percent(item.uptime, 4)} against a target of "
                f"{percent(item.target)} on {minutes_figure(item.basis_s)} basis minutes "
                f"({item.basis}); credit {percent(item.credit_percent)} = {cash(item.credit)}",
            ])  # fmt: skip
            for outage in report.outage_items:
                last = as_of_us if outage.end is None else min(outage.end, as_of_us)
                if outage.service != item.service or last <= begin_us or outage.start >= end_us:
                    continue
                rows.append([
                    "outage", label, item.service, "", f"line {outage.line}", outages_name,
                    outage.line, _local(outage.start, zone),
                    "" if outage.end is None else _local(outage.end, zone),
                    "yes" if outage.planned else "no", "", "", "",
                ])  # fmt: skip
        target = figures.target_credit
        if spec is None or target is None or target.percent <= 0:
            continue
        amount = "unknown (a fee is missing)" if target.credit is None else cash(target.credit)
        rows.append([
            "target_credit", label, spec.service or "", "", "", "", "", "", "", "", "", "",
            f"{spec.basis}: {percent(target.uncapped_percent)} before the cap of "
            f"{percent(spec.cap)}, {percent(target.percent)} after = {amount}",
        ])  # fmt: skip
        for pid, rates in spec.priorities.items():
            item_p = figures.priorities.get(pid)
            if item_p is None:
                continue
            # Only the breaches a credit is owed for: a target with a rate and, on the
            # share-of-tickets basis, only where the priority's compliance fell below the line.
            owing = set()
            for kind, rate, compliance in (
                # A response measured by proxy earns no credit: none of its breaches is owed.
                (
                    "response",
                    None if report.response_by_proxy else rates.response,
                    item_p.response_compliance,
                ),
                ("resolution", rates.resolution, item_p.resolution_compliance),
            ):
                if rate is None:
                    continue
                if spec.basis == "per-breach" or (
                    compliance is not None
                    and spec.below is not None
                    and Decimal(repr(compliance * 100)) < spec.below
                ):
                    owing.add(kind)
            block = _breach_rows(item_p.breaches, owing, label, pid, tickets_name, minutes)
            rows.extend([block] if isinstance(block, str) else block)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADER)
    for written in rows:
        if isinstance(written, str):
            buffer.write(written)  # breach rows, already in CSV
        else:
            writer.writerow(written)
    sums = "".join(f"{digest}  {name}\n" for name, digest in hashes.values())
    table, checksums = evidence_names(stem)
    return {table: buffer.getvalue().encode("utf-8"), checksums: sums.encode("utf-8")}
