"""The report, step by step: read the exports, compute the figures, draw, render.

Each step is a named function so the command (and the benchmark) can time and report them.
"""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

import numpy as np
import numpy.typing as npt

from slawriter.clock.calendars import calendars_for
from slawriter.clock.engine import Calendar, holiday_notes
from slawriter.errors import InputError
from slawriter.files.output import display_path
from slawriter.library import Library
from slawriter.measure.ahead import Ahead, StreamedAhead, can_fork
from slawriter.measure.history import (
    History,
    HistoryColumns,
    Updates,
    read_history,
    read_history_columns,
    read_updates,
)
from slawriter.measure.importer import (
    DATE_ORDERS,
    Outages,
    Tickets,
    count_line_ends,
    read_outages,
    read_tickets,
)
from slawriter.measure.mapping import choose_mapping
from slawriter.measure.presets import Mapping
from slawriter.measure.record import Hashing
from slawriter.measure.report import (
    Report,
    build_report,
    parse_period,
    report_json_text,
    write_report_json,
)
from slawriter.model.agreement import Agreement
from slawriter.model.common import FIRST_YEAR, LAST_YEAR
from slawriter.model.provider import Provider
from slawriter.process import (
    OrdinaryPages,
    fewer_collections,
    give_back_memory,
    reuse_freed_memory,
)
from slawriter.render import registry
from slawriter.text.words import plural

if TYPE_CHECKING:
    from slawriter.files.load import Loaded


@dataclass
class Inputs:
    agreement: Agreement
    provider: Provider
    agreement_name: str
    tickets: Path
    outages: Path | None
    period: str
    as_of: datetime
    preset: str | None = None
    mapping: Path | None = None
    date_order: str | None = None
    library_root: Path | None = None  # its presets/ add to the built-in presets
    response_as_resolution: bool = False  # --no-response-column: asked for, and stated
    history: Path | None = None  # --status-history
    updates: Path | None = None  # --updates
    pause_statuses: tuple[str, ...] | None = None  # --pause-statuses


def parse_report_formats(text: str) -> list[str]:
    """The formats asked for, checked now: before the exports are read, not after."""
    formats = registry.parse_formats(text, "--format")
    registry.check_available(formats)
    return formats


def compute(
    inputs: Inputs,
    step: Callable[[str], None] = lambda _: None,
    meanwhile: Callable[[], None] | None = None,
    alone: Callable[[], None] | None = None,
) -> Report:
    """Read both files and compute every figure; ``step`` is told as each stage starts.

    ``meanwhile`` is called while a second process is still reading the status history
    (work the caller will need later anyway), if one is; ``alone`` once this process works
    alone (before the history is judged, or the figures computed), for work a thread may do
    on a core this process leaves spare."""
    agreement, provider = inputs.agreement, inputs.provider
    if not FIRST_YEAR <= inputs.as_of.year <= LAST_YEAR:  # before the exports are read
        raise InputError(
            f"--as-of: {inputs.as_of.isoformat(timespec='minutes')} is outside the years "
            f"{FIRST_YEAR} to {LAST_YEAR} a report can compute"
        )
    mapping = choose_mapping(inputs.preset, inputs.mapping, inputs.library_root)
    order = inputs.date_order or mapping.date_order
    if order is None:
        order = "month-first" if provider.locale.language == "en_US" else "day-first"
    if order not in DATE_ORDERS:
        raise InputError(f"--date-order: expected one of {', '.join(DATE_ORDERS)}, not '{order}'")
    local = calendars_for(agreement, provider).local
    names = {pid: p.name for pid, p in agreement.priorities.items()}
    ahead = None
    if inputs.history is not None:
        ahead = _history_ahead(inputs.history, mapping, local, order)
    try:
        return _compute(inputs, mapping, order, local, names, ahead, step, meanwhile, alone)
    finally:
        if ahead is not None:
            ahead.cancel()


# A status history this large is read in a second process while the tickets are read
# (on two cores or more): about 450,000 rows, a second of reading.
HISTORY_AHEAD_BYTES = 20_000_000


def _history_ahead(
    path: Path, mapping: Mapping, local: Calendar, order: str
) -> StreamedAhead[HistoryColumns]:
    """The status history's columns, read in a forked child when the file is large; its
    ticket ids are sent as they are first seen, to be matched to the tickets meanwhile."""
    try:
        large = path.stat().st_size >= HISTORY_AHEAD_BYTES
    except OSError:
        large = False  # reading it says what is wrong, as it would have
    if large:  # imported once, before the fork, not in each process
        import pandas  # type: ignore[import-untyped,unused-ignore]  # noqa: F401

    def work(send: Callable[[list[str]], None]) -> HistoryColumns:
        return read_history_columns(path, display_path(path), mapping, local, order, send)

    # The child reads 250,000 rows at a time: each chunk's arrays on the pages the last one
    # freed, not on fresh ones (a million tickets' history: 274,000 page faults -> 162,000).
    return StreamedAhead(work, fork=large, in_child=reuse_freed_memory)


def _compute(
    inputs: Inputs,
    mapping: Mapping,
    order: str,
    local: Calendar,
    names: dict[str, str],
    ahead: StreamedAhead[HistoryColumns] | None,
    step: Callable[[str], None],
    meanwhile: Callable[[], None] | None,
    alone: Callable[[], None] | None = None,
) -> Report:
    agreement, provider = inputs.agreement, inputs.provider
    step("reading tickets")
    tickets: Tickets = read_tickets(
        inputs.tickets,
        display_path(inputs.tickets),
        mapping,
        names,
        local,
        order,
        inputs.response_as_resolution,
    )
    outages: Outages | None = None
    if inputs.outages is not None:
        step("reading outages")
        outages = read_outages(
            inputs.outages,
            display_path(inputs.outages),
            mapping,
            [s.id for s in agreement.services],
            local,
            order,
        )
    history: History | None = None
    if inputs.history is not None and ahead is not None:
        step("reading status history")
        line_ends = None
        if ahead.forked:  # while the history is still being read
            if meanwhile is not None:
                meanwhile()
            with contextlib.suppress(OSError):  # unreadable: reading it says so, below
                line_ends = count_line_ends(inputs.history)
        columns = _matched(ahead, tickets)
        if alone is not None:
            alone()
        history = read_history(
            inputs.history, display_path(inputs.history), mapping, tickets, local, order,
            inputs.pause_statuses, columns, line_ends,
        )  # fmt: skip
        del columns
        # The history's columns and what judging them took are let go: given back now, so
        # that the figures' own peak is not added on top (a million tickets: ~110 MB).
        give_back_memory()
    updates: Updates | None = None
    if inputs.updates is not None:
        step("reading updates")
        updates = read_updates(
            inputs.updates, display_path(inputs.updates), mapping, tickets, local, order
        )
    step("computing figures")
    if alone is not None:
        alone()
    report = build_report(
        agreement=agreement,
        provider=provider,
        agreement_name=inputs.agreement_name,
        tickets=tickets,
        outages=outages,
        period=inputs.period,
        as_of=inputs.as_of,
        history=history,
        updates=updates,
        response_by_proxy=inputs.response_as_resolution,
    )
    report.read_with = mapping.origin
    report.notes = list(tickets.notes) + (history.notes if history else [])
    # Public holidays the package could only estimate in the years measured (India's after
    # 2035): those days were counted as working days, and the reader must be told.
    codes = {
        spec.holidays
        for spec in (*provider.calendars.values(), *agreement.calendars.values())
        if spec.holidays is not None
    }
    first = parse_period(inputs.period)[0]
    report.notes += [
        f"Warning: {note}" for note in holiday_notes(codes, first[0], report.as_of.year)
    ]
    if outages is None and any(s.uptime is not None for s in agreement.services):
        report.notes.append(NO_OUTAGE_LOG)
    counted = report.tickets_read - report.tickets_outside
    if report.tickets_read and counted * 2 < report.tickets_read:
        # Often a wrong --period or a wrong date order, with figures that look like a quiet
        # month: 0 owed.
        were = plural(report.tickets_outside, "was", "were", with_count=False)
        report.notes.append(
            f"Warning: {report.tickets_outside:,} of {plural(report.tickets_read, 'ticket')} "
            f"in {tickets.source} {were} logged outside {inputs.period}: check --period and "
            f"the date order (read {order})"
        )
    effective = agreement.agreement.effective_date
    if (effective.year, effective.month, effective.day) > (*first, 1):
        left_out = report.tickets_before_effective
        report.notes.append(
            f"The agreement took effect on {effective.isoformat()}: only the part of "
            f"{inputs.period} from then is measured"
            + (
                f" ({plural(left_out, 'ticket')} logged before then "
                f"{plural(left_out, 'is', 'are', with_count=False)} left out)"
                if left_out
                else ""
            )
        )
    return report


def _matched(ahead: StreamedAhead[HistoryColumns], tickets: Tickets) -> HistoryColumns:
    """The status history's columns, each of its ticket ids matched to the tickets as the
    ids came (while a second process still reads the rest of the file)."""
    ids: list[list[str]] = []
    owners: list[npt.NDArray[np.intp]] = []

    def take(index: int, batch: list[str]) -> None:
        del ids[index:], owners[index:]  # a reading done again (its reader died) starts over
        ids.append(batch)
        owners.append(tickets.positions(np.asarray(batch, dtype=object)))

    try:
        columns = ahead.result(take)
    finally:
        tickets.let_go_positions()
    columns.ticket_ids = [value for batch in ids for value in batch]
    columns.owners = np.concatenate(owners) if owners else np.zeros(0, dtype=np.intp)
    return columns


class NotInForce(InputError):
    """The period asked for ends before the agreement took effect."""


def not_in_force(agreement: Agreement, period: str, months: Sequence[tuple[int, int]]) -> None:
    """NotInForce when no day of the period is covered by the agreement."""
    effective = agreement.agreement.effective_date
    year, month = months[-1]
    if (effective.year, effective.month) > (year, month):
        raise NotInForce(
            f"the agreement is not in force in {period} (effective {effective.isoformat()}): "
            "choose a --period from then on"
        )


NO_OUTAGE_LOG = (
    "No outage log given: availability not measured, so uptime is shown as n/a, "
    "no uptime target is counted as met or missed, and no uptime credits are computed"
)


def render(
    report: Report,
    agreement: Agreement,
    provider: Provider,
    formats: Sequence[str],
    word_template: Path,
    step: Callable[[str], None] = lambda _: None,
) -> dict[str, bytes]:
    """The requested documents in memory, keyed by extension, in the order asked for."""
    from slawriter.measure.charts import compliance_chart, downtime_chart
    from slawriter.measure.documents import report_document

    step("drawing charts")
    charts = {
        "compliance": compliance_chart(report.months),
        "downtime": downtime_chart(report.months),
    }
    document = report_document(report, agreement, provider, charts)
    step("rendering")
    return registry.render_all(document, formats, template=word_template)


@dataclass(frozen=True)
class Measured:
    """What ``measure_files`` produced: the figures and the documents it wrote."""

    report: Report
    written: list[Path]
    # Not about the figures (a provider logo that cannot be used): told, exit code unchanged.
    warnings: list[str] = field(default_factory=list)
    # report_json_text(report), when asked for (json=True): as text, or (a large report's,
    # written by a second process) as UTF-8 in a temporary file, positioned at its start.
    json_text: str | None = None
    json_file: BinaryIO | None = None


# A report of this many tickets writes its JSON in a second process while the documents and
# the evidence are made (on two cores or more): about 60 MB of text for a million tickets.
JSON_AHEAD_TICKETS = 200_000


def measure_files(
    agreement_path: Path,
    library: Library,
    *,
    tickets: Path,
    outages: Path | None,
    period: str,
    as_of: datetime,
    preset: str | None = None,
    mapping: Path | None = None,
    date_order: str | None = None,
    response_as_resolution: bool = False,
    history: Path | None = None,
    updates: Path | None = None,
    pause_statuses: Sequence[str] | None = None,
    out_dir: Path | None = None,
    formats: Sequence[str] = ("docx", "md", "html"),
    step: Callable[[str], None] = lambda _: None,
    force: bool = False,
    compare: bool = False,
    json: bool = False,
) -> Measured:
    """Load the agreement, measure the period and, with ``out_dir``, write the documents
    there as AGREEMENT-PERIOD.ext (nothing is written when anything fails before).

    ``json``: the figures as JSON text too (``Measured.json_text``), written for a large
    report in a forked process while this one makes the documents."""
    from slawriter.files.load import load_agreement

    months = parse_period(period)
    # The report's figures do not need the provider's logo: a missing one is a warning.
    loaded = load_agreement(agreement_path, library, logo=False)
    not_in_force(loaded.agreement, period.upper(), months)
    inputs = Inputs(
        loaded.agreement,
        loaded.provider,
        display_path(agreement_path),
        tickets,
        outages,
        period.upper(),
        as_of,
        preset,
        mapping,
        date_order,
        library.root,
        response_as_resolution,
        history,
        updates,
        None if pause_statuses is None else tuple(pause_statuses),
    )
    hashes = _InputHashes(
        [path for path in (tickets, outages, history, updates, mapping) if path is not None],
        wanted=out_dir is not None,
    )

    def meanwhile() -> None:
        """What the documents need later: the drawing and writing modules imported."""
        if out_dir is None:
            return
        import importlib

        from slawriter.measure.charts import load_matplotlib

        load_matplotlib()
        for name in formats:
            importlib.import_module(registry.get(name).module)

    pages = OrdinaryPages()

    def alone() -> None:
        """Once the exports are read: the hashes begun, and numpy's arrays on small pages."""
        hashes.start()
        pages.start()

    with fewer_collections(), hashes, pages:
        report = compute(inputs, step, meanwhile, alone)
        # What the figures took (two threads' worth for a large month) is given back before
        # --compare and the documents add their own.
        give_back_memory()
        # --compare, the forecast and the evidence file: measure/compare.py, forecast.py,
        # evidence.py.
        from slawriter.measure.forecast import add_forecast

        add_forecast(report, loaded.agreement, loaded.provider)
        if compare:
            from slawriter.measure.compare import Source, add_comparison

            source = Source(tickets, preset, mapping, library.root, response_as_resolution)
            add_comparison(report, loaded.agreement, loaded.provider, source)
        # The ticket columns and every verdict are for --compare only (the documents, the JSON and
        # the evidence read the figures): let go, they are most of a big report's memory.
        report.ticket_data, report.measured = None, None
        text: Ahead[None] | None = None
        sink: BinaryIO | None = None
        large = report.tickets_read >= JSON_AHEAD_TICKETS
        if json and out_dir is not None and large and can_fork():
            # No thread running when the process forks (the hashes are long done by now).
            hashes.result()
            text, sink = _json_ahead(report)
        try:
            written = _documents(
                report, loaded, agreement_path, library, tickets, outages, history, updates,
                mapping, preset, response_as_resolution, out_dir, formats, step, force, hashes,
            )  # fmt: skip
            if text is not None and sink is not None:
                try:
                    text.result()
                    sink.seek(0)
                except OSError:  # the temporary file could not be written (a full disk)
                    sink.close()
                    sink = None  # the JSON is made in memory below, as for a small report
        except BaseException:
            if sink is not None:
                sink.close()
            raise
        finally:
            if text is not None:
                text.cancel()
        if sink is not None:
            return Measured(report, written, loaded.warnings, json_file=sink)
        json_text = report_json_text(report) if json else None
        return Measured(report, written, loaded.warnings, json_text)


class _InputHashes:
    """The input files' hashes for the evidence and the record (when documents are wanted),
    begun by a thread once this process works alone (``start``: compute's ``alone``), so
    that they take the core the history's reader has left; waited for by ``result``. Leaving
    the block stops the thread, if the hashes were never asked for (an error)."""

    def __init__(self, paths: Sequence[Path], wanted: bool) -> None:
        self._paths = paths
        self._wanted = wanted
        self._hashing: Hashing | None = None

    def start(self) -> None:
        if self._wanted and self._hashing is None:
            self._hashing = Hashing(self._paths)

    def result(self) -> dict[str, str]:
        """Each input's hash by its path (as str): those not hashed yet are hashed now."""
        self.start()
        return self._hashing.result() if self._hashing is not None else {}

    def __enter__(self) -> _InputHashes:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._hashing is not None:
            self._hashing.cancel()


def _json_ahead(report: Report) -> tuple[Ahead[None] | None, BinaryIO | None]:
    """The report's JSON written by a forked process into a temporary file (unlinked: it
    goes with the process, however that ends); (None, None) when no such file can be made."""
    try:
        sink = tempfile.TemporaryFile()  # noqa: SIM115  # closed by measure_files or its caller
    except OSError:
        return None, None

    def write() -> None:
        sink.seek(0)  # from the start, over whatever a writer that died had written
        sink.truncate()
        write_report_json(report, sink)

    return Ahead(write, fork=True), sink


def _documents(
    report: Report,
    loaded: Loaded,
    agreement_path: Path,
    library: Library,
    tickets: Path,
    outages: Path | None,
    history: Path | None,
    updates: Path | None,
    mapping: Path | None,
    preset: str | None,
    response_as_resolution: bool,
    out_dir: Path | None,
    formats: Sequence[str],
    step: Callable[[str], None],
    force: bool,
    hashes: _InputHashes,
) -> list[Path]:
    """The documents, the evidence and the record written to ``out_dir`` (none without)."""
    outputs = (
        render(report, loaded.agreement, loaded.provider, formats, library.word_template, step)
        if out_dir is not None
        else {}
    )
    step("done")
    written: list[Path] = []
    if out_dir is not None:
        from slawriter.measure.evidence import evidence_files, evidence_names
        from slawriter.measure.record import write_report_set

        stem = f"{agreement_path.stem}-{report.period}"
        files = {f"{stem}.{ext}": data for ext, data in outputs.items()}
        sources = {"agreement": agreement_path, "tickets": tickets}
        if outages is not None:
            sources["outages"] = outages
        # The history and updates decide verdicts and credits too: hashed like the rest.
        if history is not None:
            sources["status_history"] = history
        if updates is not None:
            sources["updates"] = updates
        if mapping is not None:
            sources["mapping"] = mapping  # it decides which column is which
        zone = calendars_for(loaded.agreement, loaded.provider).local.timezone
        hashed_already = hashes.result()
        # Each input hashed once, for the evidence and the record alike (an export may be
        # hundreds of megabytes); the agreement's hash is the one taken when it was read.
        hashed = {
            role: (
                path,
                loaded.source_hash if role == "agreement" else hashed_already[str(path)],
            )
            for role, path in sources.items()
        }
        files.update(evidence_files(report, loaded.agreement, zone, stem, hashed))
        written = write_report_set(
            out_dir,
            stem,
            files,
            agreement_path=agreement_path,
            agreement_sha256=loaded.source_hash,
            inputs={k: v for k, v in hashed.items() if k != "agreement"},
            force=force,
            details={
                "as_of": report.as_of.isoformat(timespec="seconds"),
                "read_with": report.read_with,
                "preset": preset,
                "response_as_resolution": response_as_resolution,
            },
            retired=evidence_names(stem),
        )
    return written
