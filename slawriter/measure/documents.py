"""The report for the customer as one format-neutral document tree.

The same tree feeds every format through :mod:`slawriter.render.registry` (Word, Markdown,
HTML, PDF), with the charts from :mod:`.charts` as pictures.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal
from pathlib import PurePath

from slawriter.files.locale import document_locale
from slawriter.measure.charts import compliance_alt, downtime_alt
from slawriter.measure.report import (
    PROXY_NO_RESPONSE_CREDIT,
    SERVICE_CREDITS,
    TARGET_CREDITS,
    TOTAL_CREDITS,
    Figures,
    Report,
    ServiceFigures,
    credits_owed,
    month_label,
)
from slawriter.model.agreement import Agreement
from slawriter.model.provider import Provider
from slawriter.render.document import (
    Block,
    Cover,
    Document,
    Image,
    Inline,
    ListBlock,
    ListItem,
    Paragraph,
    Run,
    Section,
    Table,
    party,
)
from slawriter.text.numbers import minutes_figure as minutes
from slawriter.text.numbers import money
from slawriter.text.numbers import percent as target_percent
from slawriter.text.numbers import ratio_percent as percent
from slawriter.text.times import clock_hours_minutes as hours_minutes
from slawriter.text.times import report_when as _when
from slawriter.text.words import plural

BREACHES_SHOWN = 100
REJECTED_SHOWN = 200
CHART_WIDTH_MM = 160


# Characters XML 1.0 cannot hold: C0 controls but tab, line feed and carriage return, and
# U+FFFE and U+FFFF. A cell of an export may carry one (a stray \x01 in a priority), and the
# report quotes it; Word's file would be refused (python-docx raises). Each control is shown
# as its Unicode control picture (U+2401 for \x01), the other two as U+FFFD, in every
# format alike.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _visible(found: re.Match[str]) -> str:
    code = ord(found[0])
    return chr(0x2400 + code) if code < 0x20 else "\ufffd"


def _text(text: str, bold: bool = False) -> Inline:
    return (Run(_NOT_XML.sub(_visible, text), bold=bold),)


def _para(text: str, bold: bool = False) -> Paragraph:
    return Paragraph(_text(text, bold))


def _bullets(items: Sequence[str]) -> ListBlock:
    return ListBlock(tuple(ListItem(_text(item), "•") for item in items), ordered=False)


def _table(
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    numeric_from: int = 1,
    numeric_to: int | None = None,
) -> Table:
    """A table whose columns numeric_from..numeric_to-1 are figures (right-aligned)."""
    last = len(header) if numeric_to is None else numeric_to
    align = tuple("right" if numeric_from <= i < last else "left" for i in range(len(header)))
    return Table(
        tuple(_text(h) for h in header),
        tuple(tuple(_text(c) for c in row) for row in rows),
        align,  # type: ignore[arg-type]
    )


# --- sections -----------------------------------------------------------------------------------


# The documents name the method in words; the JSON's percentile_method names numpy's too.
_PERCENTILES = "nearest-rank"


def _uptime_unmeasured(report: Report) -> bool:
    """The agreement has uptime targets but no outage log was given: no uptime figure is
    known, so no uptime credit is either (never shown as 0)."""
    monthly = _monthly_services(report)
    return bool(monthly) and not any(s.measured for s in monthly)


def _summary(report: Report, agreement: Agreement) -> list[Block]:
    total = report.total
    tickets = sum(p.tickets for p in total.priorities.values())
    met = sum(p.response_met for p in total.priorities.values())
    decided = met + sum(p.response_breached for p in total.priorities.values())
    res_met = sum(p.resolution_met for p in total.priorities.values())
    res_decided = res_met + sum(p.resolution_breached for p in total.priorities.values())
    still_open = sum(p.open for p in total.priorities.values())
    meeting = sum(1 for s in _monthly_services(report) if s.result == "met")
    lines = [
        f"Tickets logged in the period: {tickets:,} ({still_open:,} still open within target).",
        f"Response targets met: {met:,} of {decided:,} "
        f"({percent(met / decided if decided else None)}).",
        f"Resolution targets met: {res_met:,} of {res_decided:,} "
        f"({percent(res_met / res_decided if res_decided else None)}).",
    ]
    if report.inputs.updates_source is not None:
        up_met = sum(p.update_met for p in total.priorities.values())
        up_decided = up_met + sum(p.update_breached for p in total.priorities.values())
        lines.append(
            f"Update intervals met: {up_met:,} of {plural(up_decided, 'ticket')} "
            f"({percent(up_met / up_decided if up_decided else None)})."
        )
    monthly = _monthly_services(report)
    if monthly and not any(s.measured for s in monthly):
        lines.append("Uptime: not measured (no outage log given).")
    elif monthly:
        lines.append(f"Uptime targets met: {meeting} of {plural(len(monthly), 'service-month')}.")
    if total.combined is not None:
        lines.append(
            f"Combined uptime: {percent(total.combined.uptime, 3)} "
            f"(target {_target(total.combined)})."
        )
    lines.append(_owed_line(report, agreement))
    lines.append(
        f"Rows that could not be used: {len(report.rejected):,}"
        + (f" (listed in section {6 + len(report.extra_sections)})." if report.rejected else ".")
    )
    return [
        _para(
            f"This report measures the service {report.provider} delivered to "
            f"{report.customer} under agreement {report.reference} in "
            f"{month_label(report.period)}. Tickets are counted in the month they were logged; "
            f"everything is as it stood at {_when(report.as_of, report.locale)}."
            f"{_not_over(report, 'at that time')}"
        ),
        _bullets(lines),
    ]


def _owed_line(report: Report, agreement: Agreement) -> str:
    """The credits owed, split and totalled as the portfolio and the evidence file say."""
    owed = credits_owed(report.months)

    def cash(amount: Decimal) -> str:
        return money(amount, report.currency, report.locale)

    unmeasured = _uptime_unmeasured(report)
    service = "not measured (no outage log was given)" if unmeasured else cash(owed.service)
    if agreement.credits is None or agreement.credits.targets is None:
        return f"Credits owed: {SERVICE_CREDITS.lower()} {service}."
    unknown = "" if owed.target_fee_known else " (a fee they are a share of is not known)"
    return (
        f"Credits owed: {SERVICE_CREDITS.lower()} {service}; "
        f"{TARGET_CREDITS.lower()} {cash(owed.target)}{unknown}; "
        f"{TOTAL_CREDITS.lower()} {cash(owed.total)}"
        + (", not counting uptime." if unmeasured else ".")
    )


def _not_over(report: Report, when: str) -> str:
    """What a report made before its period ended must say: later outages are not in it."""
    if report.period_over:
        return ""
    return (
        f" {month_label(report.period)} was not over {when}: downtime is counted up to "
        "then, and outages after it are not in this report."
    )


def _monthly_services(report: Report) -> list[ServiceFigures]:
    return [s for month in report.months for s in month.services.values()]


def _target(item: ServiceFigures) -> str:
    return target_percent(item.target)


def _count_rows(figures: Figures, kind: str) -> list[list[str]]:
    rows = []
    for item in figures.priorities.values():
        if kind == "response":
            met, breached, pending = item.response_met, item.response_breached, item.response_open
            ratio = item.response_compliance
        else:
            met, breached, pending = item.resolution_met, item.resolution_breached, item.open
            ratio = item.resolution_compliance
        rows.append(
            [f"{item.priority} {item.name}", f"{item.tickets:,}", f"{met:,}", f"{breached:,}",
             f"{pending:,}", percent(ratio)]
        )  # fmt: skip
    return rows


def _time_rows(figures: Figures) -> list[list[str]]:
    return [
        [
            f"{item.priority} {item.name}",
            hours_minutes(item.response_target_s),
            hours_minutes(item.response_median_s),
            hours_minutes(item.response_p90_s),
            hours_minutes(item.resolution_target_s),
            hours_minutes(item.resolution_median_s),
            hours_minutes(item.resolution_p90_s),
        ]
        for item in figures.priorities.values()
    ]


_BASES = {"all-time": "every minute", "business-hours": "business hours only"}
_COUNT_HEADER = ["Priority", "Tickets", "Met", "Breached", "Open", "Compliance"]
_TIME_HEADER = ["Priority", "Response target", "Median", "90th percentile",
                "Resolution target", "Median", "90th percentile"]  # fmt: skip


def _tickets(report: Report, charts: dict[str, bytes]) -> list[Block]:
    blocks: list[Block] = []
    if len(report.months) > 1:
        labels = [month_label(m.label) for m in report.months]
        blocks.append(_para("Compliance by month, side by side (response / resolution):"))
        rows = []
        for pid, item in report.total.priorities.items():
            row = [f"{pid} {item.name}"]
            for month in report.months:
                entry = month.priorities[pid]
                row.append(
                    f"{percent(entry.response_compliance)} / {percent(entry.resolution_compliance)}"
                )
            row.append(
                f"{percent(item.response_compliance)} / {percent(item.resolution_compliance)}"
            )
            rows.append(row)
        blocks.append(_table(["Priority", *labels, "Quarter"], rows))
    period = month_label(report.period)
    blocks += [
        _para(f"Response targets, {period}:", bold=True),
        _table(_COUNT_HEADER, _count_rows(report.total, "response")),
        _para(f"Resolution targets, {period}:", bold=True),
        _table(_COUNT_HEADER, _count_rows(report.total, "resolution")),
        _para(
            "Open: still within the target at the as-of time, so not counted in compliance."
            + (
                " Tickets are counted at the priority each ended at; met, breached and open "
                "targets at the priority each target was measured at (see the priority "
                "changes below), so a priority's targets can outnumber its tickets."
                if report.changed
                else ""
            )
        ),
        _para("Business time taken:", bold=True),
        _table(_TIME_HEADER, _time_rows(report.total)),
        _para(
            "Times are business time on each priority's calendar, less time paused waiting "
            f"on the customer; median and 90th percentile by the {_PERCENTILES} method."
        ),
        Image(
            charts["compliance"],
            CHART_WIDTH_MM,
            "Compliance per priority",
            compliance_alt(report.total),
        ),
    ]
    return blocks + _more_targets(report)


def _more_targets(report: Report) -> list[Block]:
    """Update intervals, priority changes and services: only when the inputs carry them."""
    blocks: list[Block] = []
    inputs = report.inputs
    if inputs.updates_source is not None:
        rows = [
            [f"{p.priority} {p.name}", hours_minutes(p.update_target_s), f"{p.update_tickets:,}",
             f"{p.update_met:,}", f"{p.update_breached:,}", f"{p.update_open:,}",
             percent(p.update_compliance)]
            for p in report.total.priorities.values()
        ]  # fmt: skip
        blocks += [
            _para("Update intervals (public updates by an agent):", bold=True),
            _table(
                ["Priority", "Interval", "Tickets", "Met", "Breached", "Open", "Compliance"], rows
            ),
        ]
    if report.changed:
        rows = [
            [c.ticket, "; ".join(f"{a} to {b} ({r})" for _, a, b, r in c.changes),
             ", ".join(c.measured_at["response"]), ", ".join(c.measured_at["resolution"])]
            for c in report.changed[:BREACHES_SHOWN]
        ]  # fmt: skip
        blocks += [
            _para("Priority changes and the priority each target was measured at:", bold=True),
            _table(["Ticket", "Changes", "Response at", "Resolution at"], rows, 4),
        ]
    if report.by_service:
        rows = [
            [e.name + ("" if e.in_agreement else " (not in the agreement)"), f"{e.tickets:,}",
             percent(e.response_compliance), percent(e.resolution_compliance)]
            for e in report.by_service.values()
        ]  # fmt: skip
        blocks += [
            _para("By service:", bold=True),
            _table(["Service", "Tickets", "Response compliance", "Resolution compliance"], rows),
        ]
    return blocks


def _breaches(report: Report) -> list[Block]:
    count = sum(len(p.breaches) for p in report.total.priorities.values())
    if not count:
        return [_para("No target was breached.")]
    # The first BREACHES_SHOWN by line are among each priority's first BREACHES_SHOWN.
    breaches = [
        (p, b) for p in report.total.priorities.values() for b in p.breaches.first(BREACHES_SHOWN)
    ]
    breaches.sort(key=lambda pair: (pair[1].line, pair[1].target))
    rows = [
        [
            b.ticket,
            p.priority,
            b.target,
            hours_minutes(b.business_s),
            hours_minutes(b.target_s),
            "still open" if b.still_open else "closed",
        ]
        for p, b in breaches[:BREACHES_SHOWN]
    ]
    blocks: list[Block] = [
        _para(f"{count:,} target{'s were' if count != 1 else ' was'} breached."),
        _table(
            ["Ticket", "Priority", "Target", "Business time", "Target time", "Status"], rows, 3, 5
        ),
    ]
    if count > BREACHES_SHOWN:
        blocks.append(
            _para(
                f"The first {BREACHES_SHOWN} are shown; all {count:,} are in the "
                "report's JSON output (slawriter report --json)."
            )
        )
    return blocks


def _service_row(item: ServiceFigures, report: Report) -> list[str]:
    unknown = "n/a"  # no outage log: no downtime is known, not none
    return [
        item.name,
        _target(item),
        percent(item.uptime, 3),
        minutes(item.downtime_s) if item.measured else unknown,
        minutes(item.allowed_downtime_s),
        minutes(item.planned_excluded_s) if item.measured else unknown,
        item.result,
    ]


def _availability(report: Report, charts: dict[str, bytes]) -> list[Block]:
    total = report.total
    if not total.services:
        return [_para("No service in the agreement has an uptime target.")]
    blocks: list[Block] = []
    header = ["Service", "Target", "Uptime", "Downtime", "Allowed", "Planned", "Result"]
    bases = [*total.services.values()] + ([total.combined] if total.combined else [])
    blocks.append(
        _para(
            "Each service is measured per calendar month on its basis: "
            + "; ".join(f"{item.name}, {_BASES[item.basis]}" for item in bases)
            + ". Downtime, the downtime the target allows and planned maintenance excluded "
            "from the month (as the agreement says, up to its monthly cap) are in minutes."
            + _not_over(report, f"at {_when(report.as_of, report.locale)}")
        )
    )
    for month in report.months:
        rows = [_service_row(s, report) for s in month.services.values()]
        if month.combined is not None:
            rows.append(_service_row(month.combined, report))
        if len(report.months) > 1:
            blocks.append(_para(f"{month_label(month.label)}:", bold=True))
        blocks.append(_table(header, rows, 1, 6))
    if len(report.months) > 1:
        labels = [month_label(m.label) for m in report.months]
        rows = [
            [item.name] + [percent(m.services[key].uptime, 3) for m in report.months]
            for key, item in total.services.items()
        ]
        blocks.append(_para("Uptime by month, side by side:"))
        blocks.append(_table(["Service", *labels], rows))
    if _uptime_unmeasured(report):  # bars of allowed downtime beside none would read as 0
        blocks.append(_para("No downtime chart: availability was not measured."))
        return blocks
    caption = "Downtime against allowed downtime"
    blocks.append(Image(charts["downtime"], CHART_WIDTH_MM, caption, downtime_alt(report.total)))
    return blocks


def _credits(report: Report, agreement: Agreement) -> list[Block]:
    if agreement.credits is None:
        return [_para("The agreement has no service credits.")]
    rows = []
    total = Decimal(0)
    for month in report.months:
        for item in month.services.values():
            fee = (
                money(item.monthly_fee, report.currency, report.locale)
                if item.monthly_fee is not None
                else "no fee"
            )
            rows.append(
                [
                    month_label(month.label),
                    item.name,
                    fee,
                    percent(item.uptime, 3),
                    target_percent(item.credit_percent) if item.measured else "n/a",
                    money(item.credit, report.currency, report.locale)
                    if item.measured
                    else "not measured",
                ]
            )
            total += item.credit
    blocks: list[Block] = []
    credits = agreement.credits
    if credits.tiers and credits.cap is not None:
        amount = (
            "not measured"
            if _uptime_unmeasured(report)
            else money(total, report.currency, report.locale)
        )
        rows.append([f"Total {SERVICE_CREDITS.lower()}", "", "", "", "", amount])
        tiers = "; ".join(
            f"below {target_percent(t.below)}: {target_percent(t.credit)}" for t in credits.tiers
        )
        blocks += [
            _para(
                f"{SERVICE_CREDITS}, by the agreement's tiers ({tiers}), at most "
                f"{target_percent(credits.cap)} of a service's monthly fee."
            ),
            _table(["Month", "Service", "Monthly fee", "Uptime", "Credit", "Amount"], rows, 2),
        ]
    if credits.targets is not None:
        blocks.append(
            _para(
                f"{TARGET_CREDITS}, for missed Response and Resolution targets, at most "
                f"{target_percent(credits.targets.cap)} of the fee:"
            )
        )
        target_rows = []
        for month in report.months:
            owed = month.target_credit
            if owed is None:
                continue
            target_rows.append(
                [
                    month_label(month.label),
                    money(owed.fee, report.currency, report.locale)
                    if owed.fee is not None
                    else "no fee",
                    target_percent(owed.uncapped_percent),
                    target_percent(owed.percent),
                    money(owed.credit, report.currency, report.locale)
                    if owed.credit is not None
                    else "-",
                ]
            )
        blocks.append(
            _table(["Month", "Fee", "Earned", "Credit (capped)", "Amount"], target_rows, 1)
        )
        if report.response_by_proxy and any(
            rates.response is not None for rates in credits.targets.priorities.values()
        ):
            blocks.append(_para(f"{PROXY_NO_RESPONSE_CREDIT}."))
    blocks.append(_para(_owed_line(report, agreement)))
    return blocks


def _left_out(report: Report) -> str:
    """The tickets read but not measured, and why (none of them is an error); "" if none."""
    parts = [
        (report.tickets_outside, "logged outside the period"),
        (report.tickets_after_as_of, "logged after the as-of time"),
        (report.tickets_before_effective, "logged before the agreement took effect"),
    ]
    said = [f"{plural(count, 'ticket')} {why}" for count, why in parts if count]
    if not said:
        return ""
    verb = "are" if sum(count for count, _ in parts) > 1 else "is"
    return f"{', '.join(said)} {verb} not measured"


def _rejected(report: Report) -> list[Block]:
    if not report.rejected:
        left = _left_out(report)
        if not left:
            return [_para("Every row of the input files was used.")]
        return [_para(f"Every row of the input files could be read; {left}.")]
    rows = [[r.file, str(r.line), r.reason] for r in report.rejected[:REJECTED_SHOWN]]
    count = len(report.rejected)
    blocks: list[Block] = [
        _para(
            f"{plural(count, 'row')} could not be used and "
            f"{plural(count, 'is', 'are', with_count=False)} left out of every figure:"
        ),
        _table(["File", "Line", "Reason"], rows, 1, 2),
    ]
    if len(report.rejected) > REJECTED_SHOWN:
        blocks.append(
            _para(f"The first {REJECTED_SHOWN} are shown; slawriter report --json lists all.")
        )
    return blocks


def _method(report: Report) -> list[Block]:
    return [
        _bullets(
            [
                "A ticket counts in the month in which it was logged, in the local time of "
                "the agreement's business hours.",
                "Response and resolution times are business time on the priority's calendar "
                "from when the ticket was logged, less any time paused waiting on the "
                "customer. A target met exactly on its deadline is met.",
                f"At {_when(report.as_of, report.locale)}, a ticket still open past its "
                "deadline counts as a breach; one still within its deadline is shown as open "
                "and is left out of the compliance figure.",
                f"Median and 90th percentile times use the {_PERCENTILES} method.",
                *_derived(report),
                *_answered_when_resolved(report),
                _authors(report),
                *_history_lines(report),
                "Uptime = (minutes in the basis - downtime) / minutes in the basis, per "
                "calendar month; allowed downtime = minutes in the basis x (100% - target).",
            ]
        )
    ]


def _derived(report: Report) -> list[str]:
    """A response time the export does not hold, worked out from one it does."""
    if report.inputs.response_derived is None:
        return []
    created, minutes = report.inputs.response_derived
    return [
        "Response times are derived, not read: the export gives the first reply only as a "
        f"duration, so each ticket's response time is its '{created}' time plus its "
        f"'{minutes}' (calendar minutes), then measured in business time like any other."
    ]


def _answered_when_resolved(report: Report) -> list[str]:
    """Tickets the export gives no response for: how they were counted, and how many."""
    count = report.inputs.answered_when_resolved
    if not count or report.response_by_proxy:  # the proxy has its own statement
        return []
    return [
        f"{plural(count, 'ticket')} had no response time in the export"
        f"{' or the updates' if report.inputs.updates_source else ''}: each is counted as "
        "answered when it was resolved."
    ]


def _authors(report: Report) -> str:
    inputs = report.inputs
    if inputs.authors_column is None:
        return (
            "Automatic replies: the ticket export cannot tell an automatic acknowledgement "
            "from a person's reply, so every first reply is counted as a Response."
        )
    return (
        f"Automatic replies are not Responses: the export's '{inputs.authors_column}' column "
        f"marked {plural(inputs.automatic_responses, 'first reply', 'first replies')} as "
        "automatic, not counted."
    )


def _file_name(source: str) -> str:
    """An input file as the customer's copy of the report names it: its name, not the folder
    it sat in on the operator's machine."""
    return PurePath(source).name or source


def _history_lines(report: Report) -> list[str]:
    inputs = report.inputs
    lines = []
    if inputs.history_source is not None:
        lines.append(
            f"Pauses come from the status history ({_file_name(inputs.history_source)}): "
            f"the clock pauses only in the statuses {', '.join(inputs.pause_statuses)}, as the "
            "agreement pauses it only while the Provider waits on the Customer. A raised or "
            "lowered Priority's targets run from the change, a disputed one's from logging, "
            "and a Workaround resolves the higher Priority's target at the change."
            + ("" if inputs.reasons_given else " The history gives no reasons, so no change "
               "could be told to be a dispute or a Workaround.")
        )  # fmt: skip
    if inputs.updates_source is not None:
        lines.append(
            "Update intervals: business time from logging to the first public update by an "
            "agent, between such updates, and from the last to resolution, on the "
            "priority's calendar less pauses; each ticket counts once, at its last priority."
        )
    return lines


def report_document(
    report: Report, agreement: Agreement, provider: Provider, charts: dict[str, bytes]
) -> Document:
    """The customer's report as a document tree; ``charts`` from :mod:`.charts`."""
    parts: list[tuple[str, str, list[Block]]] = [
        ("summary", "Summary", _summary(report, agreement)),
        ("tickets", "Response and resolution", _tickets(report, charts)),
        ("breaches", "Breaches", _breaches(report)),
        ("availability", "Availability", _availability(report, charts)),
        ("credits", "Credits", _credits(report, agreement)),
        *report.extra_sections,
        ("rejected", "Rows not used", _rejected(report)),
        ("method", "How the figures were calculated", _method(report)),
    ]
    sections = tuple(
        Section(str(number), title, f"report.{key}", "default", "1", tuple(blocks))
        for number, (key, title, blocks) in enumerate(parts, start=1)
    )
    customer = agreement.customer
    period = month_label(report.period)
    cover = Cover(
        title="Service Level Report",
        subtitle=period,
        provider=party("Provider", provider),
        customer=party("Customer", customer),
        details=(
            ("Agreement", agreement.agreement.reference),
            ("Period", period),
            ("As of", _when(report.as_of, report.locale)),
            *(("Note", note) for note in report.notes),
        ),
    )
    locale = document_locale(agreement, provider)
    return Document(
        cover=cover,
        sections=sections,
        page_size=locale.page_size,
        language=locale.tag,
        header_text=f"{customer.name} | Service Level Report | {period}",
        footer_text=f"{provider.name} | {agreement.agreement.reference}",
        title=f"Service Level Report: {customer.name}, {period}",
        subject=f"Service levels delivered under {agreement.agreement.reference} in {period}",
        author=provider.name,
        keywords=agreement.agreement.reference,
        stamp_date=report.as_of.date().isoformat(),
        custom_properties=(
            ("report_period", report.period),
            ("report_as_of", report.as_of.isoformat()),
        ),
        signatures=False,
    )
