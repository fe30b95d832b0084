"""The feasibility memo for the sales manager: internal, never sent to the customer.

A :class:`slawriter.render.document.Document`, so every writer of the render registry draws
it (Word, Markdown, HTML, PDF): the findings, the figures behind them (response-time service
levels per priority with the staff needed, downtime budgets per service against realistic
repair times) and what would fix each.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from slawriter.files.locale import document_locale
from slawriter.render.document import (
    Block,
    Cover,
    Document,
    Inline,
    Paragraph,
    Party,
    Run,
    Section,
    Table,
    party,
)
from slawriter.text.numbers import ratio_percent
from slawriter.text.times import hours_minutes, long_date, twelve_hour
from slawriter.text.times import short_minutes as minutes
from slawriter.text.words import plural

from .context import HARDWARE_REPAIR, SITE_VISIT
from .figures import service_budgets, staffing_figures
from .findings import Checked, count_words

__all__ = ["MEMO_TITLE", "Checked", "build_memo", "count_words", "write_memo"]

if TYPE_CHECKING:
    pass

MEMO_TITLE = "Feasibility memo (internal)"
_LABELS = {"error": "Error", "warning": "Warning", "info": "Note"}


def _text(text: str, bold: bool = False) -> Inline:
    return (Run(text, bold=bold),)


def _para(*runs: Run, number: str | None = None) -> Paragraph:
    return Paragraph(tuple(runs), number)


def _sentence(text: str) -> str:
    """``text`` with a capital first letter, unless it starts with an id ("remote-access: ...")."""
    if re.match(r"[\w.-]+(\[[^]]*\])?: ", text):
        return text
    return text[:1].upper() + text[1:]


def _findings_blocks(item: Checked, number: str) -> list[Block]:
    if not item.findings:
        return [_para(Run("No findings: every promise checked is feasible."))]
    blocks: list[Block] = []
    for index, finding in enumerate(item.findings, start=1):
        blocks.append(
            _para(
                Run(f"{_LABELS[finding.severity]} ({finding.id}). ", bold=True),
                Run(_sentence(finding.message) + "."),
                number=f"{number}.{index}",
            )
        )
        if finding.suggestion:
            blocks.append(
                _para(Run("What would fix it: ", italic=True), Run(finding.suggestion + "."))
            )
        if finding.paths:
            blocks.append(_para(Run("Fields: ", italic=True), Run(", ".join(finding.paths))))
    return blocks


def _staffing_blocks(item: Checked) -> list[Block]:
    figures = staffing_figures(item.facts)
    if figures.not_checked:
        return [_para(Run(figures.not_checked[:1].upper() + figures.not_checked[1:] + "."))]
    others = len(item.facts.others)
    shared = (
        f", together with {plural(others, 'other agreement')} sharing the team" if others else ""
    )
    agents = plural(figures.agents, "agent") + plural(
        figures.agents, " is", " are", with_count=False
    )
    lead = (
        f"In {item.facts.describe(None)} hours tickets arrive at {figures.tickets_per_hour:.2f} "
        f"an hour{shared}, with a mean handling time of {hours_minutes(figures.handling_s)} "
        f"(a load of {figures.load:.2f} erlangs), and {agents} on shift at the quietest "
        f"time. Required: {ratio_percent(figures.required, None)} of each priority's tickets "
        "answered within its response target."
    )
    method = (
        "Method: each priority is measured in its own calendar hours with Erlang C, against "
        "the people on shift (or on call when nobody is on shift) and the tickets of that "
        "priority and the more urgent ones (agents take the most urgent ticket first), at "
        "the worst quarter-hour of the month."
    )
    rows = []
    for row in figures.rows:
        level = "overloaded" if row.service_level is None else ratio_percent(row.service_level)
        needed = "-" if row.agents_needed is None else str(row.agents_needed)
        rows.append(
            (
                _text(row.priority),
                _text(row.response),
                _text(f"{row.tickets:g}"),
                _text(f"{row.agents}"),
                _text(f"{row.load:.2f}"),
                _text(level),
                _text(needed),
            )
        )
    table = Table(
        (
            _text("Priority"),
            _text("Response target"),
            _text("Tickets a month"),
            _text("Staff at the worst time"),
            _text("Load then (erlangs)"),
            _text("Answered in time"),
            _text("Staff needed"),
        ),
        tuple(rows),
        ("left", "left", "right", "right", "right", "right", "right"),
    )
    return [_para(Run(lead)), _para(Run(method)), table]


def _downtime_blocks(item: Checked) -> list[Block]:
    budgets = service_budgets(item.facts)
    if not budgets:
        return [_para(Run("No service has an uptime target."))]
    rows = []
    for budget in budgets:
        if budget.redundant:
            repair = "redundant: no single point of failure"
        elif budget.repair_s is None:
            repair = "not known (no asset listed)"
        else:
            repair = f"{hours_minutes(budget.repair_s)}: {budget.repair_what}"
        verdict = (
            "feasible"
            if budget.redundant
            or (budget.repair_s is not None and budget.repair_s <= budget.allowed_s)
            else ("not checked" if budget.repair_s is None else "one repair breaks it")
        )
        rows.append(
            (
                _text(budget.name),
                _text(f"{budget.target}% of {budget.basis_words}"),
                _text(minutes(budget.allowed_s)),
                _text(repair),
                _text(verdict),
            )
        )
    lead = (
        f"Allowed downtime in {item.facts.month.label}, counted in that month's actual minutes, "
        "against a typical single repair counted on the same hours."
    )
    table = Table(
        (
            _text("Service"),
            _text("Target"),
            _text("Allowed downtime"),
            _text("One repair"),
            _text("Verdict"),
        ),
        tuple(rows),
    )
    return [_para(Run(lead)), table]


def _assumptions(number: str) -> list[Block]:
    lines = [
        "Worst cases are searched over the agreement's first full month, a problem logged "
        "every 15 minutes; times are counted on each target's own calendar, with its "
        "holidays and time zone.",
        "Hardware cover is a start-of-work promise: after the vendor's engineer arrives, a "
        f"repair takes about {hours_minutes(HARDWARE_REPAIR.total_seconds())} more of the "
        "cover hours.",
        f"On-site work needs about {hours_minutes(SITE_VISIT.total_seconds())} of site access "
        "before the resolution target falls due.",
        "Each priority's tickets arrive evenly over its own calendar's hours; other "
        "agreements sharing the team count in full while the default calendar is open; "
        "Erlang C assumes nobody gives up waiting, so it errs on the safe side.",
        "A typical repair is the median over faults logged while the uptime basis runs; "
        "the worst case can be longer (long weekends, holidays).",
    ]
    return [_para(Run(line), number=f"{number}.{index}") for index, line in enumerate(lines, 1)]


def _runs_12(runs: Inline) -> Inline:
    return tuple(replace(run, text=twelve_hour(run.text)) for run in runs)


def _clock_12(block: Block) -> Block:
    """``block`` with its times of day on a 12-hour clock ('08:00' -> '8:00 a.m.')."""
    if isinstance(block, Paragraph):
        return replace(block, runs=_runs_12(block.runs))
    if isinstance(block, Table):
        return replace(
            block,
            header=tuple(_runs_12(cell) for cell in block.header),
            rows=tuple(tuple(_runs_12(cell) for cell in row) for row in block.rows),
        )
    return block


def build_memo(items: Sequence[Checked]) -> Document:
    """The memo for one agreement, or for a portfolio sharing one team."""
    first = items[0]
    provider = first.loaded.provider
    customer = first.loaded.agreement.customer
    names = [item.loaded.agreement.customer.name for item in items]
    effective = first.loaded.agreement.agreement.effective_date
    # The memo follows the (first) agreement's locale, as the agreement document does.
    locale = document_locale(first.loaded.agreement, provider)
    # An internal memo, not a contract: no "between ... (the "Provider") and ..." block.
    cover = Cover(
        title=MEMO_TITLE,
        subtitle=f"For {'; '.join(names)}. Internal: do not send to the customer.",
        provider=party("Provider", provider),
        customer=(
            party("Customer", customer)
            if len(items) == 1
            else Party("Customers", "; ".join(names), (f"{len(items)} agreements",), None, "", "")
        ),
        reference=", ".join(item.loaded.agreement.agreement.reference for item in items),
        effective_date=long_date(effective, locale.language),
        version=first.loaded.agreement.agreement.version,
        parties=False,
    )
    summary_rows = tuple(
        (
            _text(item.loaded.agreement.customer.name),
            _text(item.loaded.agreement.agreement.reference),
            _text(count_words(item.findings)),
        )
        for item in items
    )
    errors = sum(f.severity == "error" for item in items for f in item.findings)
    verdict = (
        "Do not send as drafted: at least one promise cannot be kept."
        if errors
        else "No error found: the promises checked can be kept."
    )
    sections = [
        Section(
            "1",
            "Summary",
            "summary",
            "memo",
            "1",
            (
                _para(Run(verdict, bold=True)),
                _para(
                    Run(
                        "This memo is internal. It is never part of the customer's document. "
                        "Findings are errors (a promise that cannot be kept), warnings (a "
                        "promise at risk) and notes (something not checked)."
                    )
                ),
                Table(
                    (_text("Customer"), _text("Reference"), _text("Findings")),
                    summary_rows,
                ),
            ),
        )
    ]
    for item in items:
        who = item.loaded.agreement.customer.name if len(items) > 1 else ""
        prefix = f"{who}: " if who else ""
        for title, blocks in (
            ("Findings", _findings_blocks(item, str(len(sections) + 1))),
            ("Response times and staffing", _staffing_blocks(item)),
            ("Downtime budgets and repairs", _downtime_blocks(item)),
        ):
            number = str(len(sections) + 1)
            sections.append(Section(number, prefix + title, "memo", "memo", "1", tuple(blocks)))
    sections.append(
        Section(
            str(len(sections) + 1),
            "How the figures are computed",
            "assumptions",
            "memo",
            "1",
            tuple(_assumptions(str(len(sections) + 1))),
        )
    )
    if locale.language == "en_US":
        # The findings describe hours on the engine's 24-hour clock; a US reader gets the
        # 12-hour times of the agreement itself.
        sections = [
            replace(section, blocks=tuple(_clock_12(block) for block in section.blocks))
            for section in sections
        ]
    return Document(
        cover=cover,
        sections=tuple(sections),
        page_size=locale.page_size,
        language=locale.tag,
        header_text=f"{MEMO_TITLE} | {', '.join(names)}",
        footer_text=f"{provider.name} | Internal: do not send to the customer",
        title=f"{MEMO_TITLE}: {', '.join(names)}",
        subject="Feasibility of the service levels offered",
        author=provider.name,
        keywords="feasibility, internal",
        stamp_date=first.loaded.agreement.agreement.effective_date.isoformat(),
        signatures=False,
        contents=len(items) > 1,  # one agreement: the verdict straight after the cover
    )


def write_memo(target: Path, items: Sequence[Checked], template: Path | None = None) -> None:
    """The memo written to ``target`` in the format its extension picks (``--memo``);
    ``template``: the Word master template."""
    from slawriter.files.output import write_atomic
    from slawriter.render import registry

    memo = build_memo(items)
    write_atomic(
        target, registry.render(memo, registry.format_of(target, "--memo"), template=template)
    )
