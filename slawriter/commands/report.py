"""slawriter report: monthly or quarterly compliance from a ticket export and an outage log."""

from __future__ import annotations

import argparse
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from slawriter.commands import known_formats, library_option

if TYPE_CHECKING:
    from collections.abc import Callable

    from rich.console import Console

    from slawriter.measure.presets import Mapping

NAME = "report"
HELP = "measure a month or quarter against the agreement (tickets and outages)"
DESCRIPTION = """Measure a month or a quarter of service against the agreement.

Reads a ticket export (--tickets) and an outage log (--outages), both CSV (UTF-8 with or
without BOM, or Windows-1252), and writes the customer's report (Word, Markdown, HTML) into
--out, or prints the figures as JSON (--json). Tickets count in the month they were logged;
at --as-of (default: now) a ticket still open past its deadline is a breach. Rows that cannot
be used are listed with their line numbers; the exit code is then 1."""
EXAMPLES = """examples:
  slawriter report examples/acme-standard.yaml --tickets tickets.csv --outages outages.csv \\
      --period 2027-01 --out reports/ --format docx,md,html
  slawriter report examples/acme-standard.yaml --tickets export.csv --preset zendesk \\
      --period 2027-Q1 --as-of 2027-04-05 --json
  slawriter report --list-presets"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    # AGREEMENT.yaml, --tickets and --period are required unless --list-presets is given.
    parser.add_argument("agreement", nargs="?", type=Path, metavar="AGREEMENT.yaml")
    parser.add_argument("--tickets", type=Path, metavar="CSV", help="tickets (required)")
    parser.add_argument("--outages", type=Path, metavar="CSV", help="outage log")
    parser.add_argument(
        "--period", metavar="PERIOD", help="a month (2027-01) or quarter (2027-Q1) (required)"
    )
    parser.add_argument(
        "--as-of",
        metavar="TIME",
        help="measure as things stood at this time (default: now; recorded in the report)",
    )
    parser.add_argument("--out", type=Path, metavar="DIR", help="folder for the documents")
    parser.add_argument(
        "--format",
        default="docx,md,html",
        metavar="LIST",
        help=f"comma-separated, of: {known_formats()} (default: docx,md,html)",
    )
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument(
        "--preset",
        metavar="NAME",
        help="column names of a known export: connectwise, autotask, halopsa, zendesk, "
        "freshdesk, jira, or one in the library's presets/ (default: canonical column names)",
    )
    parser.add_argument(
        "--list-presets", action="store_true", help="list the presets with what they read"
    )
    parser.add_argument("--mapping", type=Path, metavar="FILE", help="a column mapping file")
    parser.add_argument(
        "--date-order",
        choices=("day-first", "month-first"),
        help="how to read dates like 05/01/2027 (default: the mapping's, else month-first "
        "for an en_US provider and day-first otherwise); ISO dates are always year-first",
    )
    parser.add_argument(
        "--no-response-column",
        action="store_true",
        help="the export has no response time: count each ticket's response as its "
        "resolution (every report document says so on its first page)",
    )
    parser.add_argument(
        "--status-history",
        type=Path,
        metavar="CSV",
        help="status and priority changes (ticket_id, time, from, to, field, reason): the "
        "clock pauses in pausing statuses; priority changes decide each target's priority",
    )
    parser.add_argument(
        "--updates",
        type=Path,
        metavar="CSV",
        help="updates to the customer (ticket_id, time, public, author_type): measures the "
        "update intervals from public updates by an agent",
    )
    parser.add_argument(
        "--pause-statuses",
        metavar="LIST",
        help="comma-separated statuses in which the clock pauses (default: the preset's, "
        "else Pending, Waiting for customer: the Provider waits on the Customer)",
    )
    parser.add_argument(
        "--force", action="store_true", help="replace reports even if someone edited them"
    )
    parser.add_argument(
        "--compare",
        action="store_true",
        help="list every ticket where the helpdesk's own SLA verdict (a breach flag or SLA "
        "column the preset or mapping names) and the contract disagree, with the rule that "
        "decides it",
    )
    parser.add_argument(
        "--portfolio",
        type=Path,
        metavar="DIR",
        help="every agreement in DIR with its exports beside it (NAME.yaml, "
        "NAME-tickets.csv, NAME-outages.csv): credits owed and at risk per agreement",
    )
    library_option(parser)


def _copy_out(source: BinaryIO) -> None:
    """UTF-8 JSON from ``source`` to standard output in one write, as its text was written
    before it came from a second process: the same bytes, and a reader gone before it
    (``| true``) or during it (``| head``) ends the command as it did."""
    import codecs
    import sys

    out = getattr(sys.stdout, "buffer", None)
    if out is None or codecs.lookup(sys.stdout.encoding).name != "utf-8":
        sys.stdout.write(source.read().decode("utf-8") + "\n")
        return
    sys.stdout.flush()
    if _sent(source, out):
        return
    out.write(source.read() + b"\n")  # what sys.stdout.write(text + "\n") hands its buffer


SEND_BYTES = 1024 * 1024  # smaller JSON is written as text is: into the stream's buffer


def _sent(source: BinaryIO, out: BinaryIO) -> bool:
    """Large JSON handed from its file to standard output by the kernel (os.sendfile), not
    read into this process and written out again (60 MB: ~0.1 s sooner). False, with nothing
    sent, where that cannot be done: no sendfile (or one that only writes to sockets),
    ``source`` not a file, or JSON small enough to wait in the stream's buffer as text did."""
    import errno
    import io
    import os

    sendfile = getattr(os, "sendfile", None)
    try:
        source_fd, out_fd = source.fileno(), out.fileno()
        start = source.tell()
        end = os.fstat(source_fd).st_size
    except (OSError, io.UnsupportedOperation):
        return False
    if sendfile is None or end - start < SEND_BYTES:
        return False
    out.flush()
    try:
        start += sendfile(out_fd, source_fd, start, end - start)
    except OSError as error:
        if error.errno in (errno.EINVAL, errno.ENOSYS, errno.ENOTSOCK, errno.EOPNOTSUPP):
            return False  # before a byte was sent: written the usual way
        raise  # a reader gone (BrokenPipeError), a full disk: as a write meets them
    while start < end:
        sent = sendfile(out_fd, source_fd, start, end - start)
        if not sent:  # the end of the file, sooner than its size said
            break
        start += sent
    out.write(b"\n")
    return True


def run(args: argparse.Namespace) -> int:
    import sys
    from datetime import UTC, datetime

    from rich.console import Console

    from slawriter.errors import EXIT_FOUND, EXIT_OK, InputError
    from slawriter.files.output import display_path
    from slawriter.library import Library
    from slawriter.measure.moments import parse_moment
    from slawriter.measure.run import measure_files, parse_report_formats
    from slawriter.text.times import report_when
    from slawriter.text.words import plural

    library = Library.locate(args.library)
    if args.list_presets:
        _list_presets(library.root)
        return EXIT_OK
    if args.portfolio is not None:
        from slawriter.measure.portfolio_report import run_portfolio

        return run_portfolio(args, library)
    missing = [
        name
        for name, value in (
            ("AGREEMENT.yaml", args.agreement),
            ("--tickets", args.tickets),
            ("--period", args.period),
        )
        if value is None
    ]
    if missing:
        raise InputError(f"report needs {', '.join(missing)} (or --list-presets)")
    formats = parse_report_formats(args.format)
    as_of = parse_moment(args.as_of, "--as-of") if args.as_of else datetime.now(UTC)
    out_dir: Path | None = args.out if args.out or args.json else Path("reports")
    err = Console(stderr=True, highlight=False, soft_wrap=True, emoji=False)
    with ExitStack() as stack:
        stages = 2 + (args.outages is not None) + (2 if out_dir is not None else 0)
        stages += (args.status_history is not None) + (args.updates is not None)
        measured = measure_files(
            args.agreement,
            library,
            tickets=args.tickets,
            outages=args.outages,
            period=args.period,
            as_of=as_of,
            preset=args.preset,
            mapping=args.mapping,
            date_order=args.date_order,
            response_as_resolution=args.no_response_column,
            history=args.status_history,
            updates=args.updates,
            pause_statuses=_statuses(args.pause_statuses),
            out_dir=out_dir,
            formats=formats,
            step=_progress(stack, err, args.tickets, stages),
            force=args.force,
            compare=args.compare,
            json=args.json,
        )
    report = measured.report
    if measured.json_file is not None:
        with measured.json_file as written:
            _copy_out(written)
    elif measured.json_text is not None:
        # Compact: the C encoder writes a million-ticket report in a fraction of a second.
        sys.stdout.write(measured.json_text + "\n")
    console = err if args.json else Console(highlight=False, soft_wrap=True, emoji=False)
    tickets = sum(p.tickets for p in report.total.priorities.values())
    console.print(
        f"{display_path(args.agreement)} {report.period}: {plural(tickets, 'ticket')} measured, "
        f"as of {report_when(report.as_of, report.locale)}",
        markup=False,
    )
    for warning in measured.warnings:
        err.print(f"Warning: {warning}.", markup=False)
    if measured.written:
        console.print(f"Wrote {', '.join(display_path(p) for p in measured.written)}", markup=False)
    comparison = report.extra_json.get("comparison")
    if comparison is not None:
        from slawriter.measure.compare import summary_lines

        # One print: tens of thousands of disagreements took rich 10 s a line at a time.
        console.print("\n".join(summary_lines(comparison)), markup=False)
    forecast = report.extra_json.get("forecast")
    if forecast is not None:
        from slawriter.measure.forecast import at_risk_line

        console.print(
            "Forecast (linear over the business time elapsed). "
            f"{at_risk_line(forecast, report.currency, report.locale)}.",
            markup=False,
        )
    for note in report.notes:
        err.print(f"{note}.", markup=False)
    # An empty needed column leaves figures that look complete and are not: say so in the code.
    warned = any(note.startswith("Warning:") for note in report.notes)
    if not report.rejected:
        return EXIT_FOUND if warned else EXIT_OK
    count = len(report.rejected)
    console.print(
        f"{plural(count, 'row')} could not be used (listed in the report):",
        markup=False,
    )
    for item in report.rejected[:10]:
        console.print(f"  {item}", markup=False)
    if count > 10:
        console.print(f"  ... and {count - 10:,} more", markup=False)
    return EXIT_FOUND


def _statuses(text: str | None) -> list[str] | None:
    from slawriter.errors import InputError

    if text is None:
        return None
    statuses = [part.strip() for part in text.split(",") if part.strip()]
    if not statuses:
        raise InputError("--pause-statuses: expected one or more statuses, e.g. Pending,On-hold")
    return statuses


def _list_presets(library_root: Path) -> None:
    from slawriter.measure.mapping import list_presets
    from slawriter.measure.presets import CANONICAL

    presets = {"canonical": CANONICAL, **list_presets(library_root)}
    width = max(len(name) for name in presets)
    for name, mapping in presets.items():
        print(f"{name:<{width}}  {mapping.description or mapping.name}{_checked(name, mapping)}")
        if mapping.source:
            print(f"{'':<{width}}  {mapping.source}")
        if name != "canonical":
            history = (
                f"the vendor's documented export ({mapping.history_source})"
                if mapping.history_source
                else "no documented export"
                + (f": {mapping.history_note}" if mapping.history_note else "")
                + "; read with the canonical columns"
            )
            print(f"{'':<{width}}  status history: {history}")


def _checked(name: str, mapping: Mapping) -> str:
    """How far a preset's headings were checked against the vendor's own documentation."""
    if name == "canonical":
        return ""
    read = [c for c in mapping.tickets if c != "paused"]
    unchecked = [mapping.tickets[c] for c in read if c not in mapping.confirmed]
    if not unchecked:
        return " (column names confirmed against the vendor's documentation)"
    if len(unchecked) == len(read):
        return " (column names not confirmed against the vendor's documentation)"
    return (
        f" (not confirmed against the vendor's documentation: "
        f"{', '.join(repr(h) for h in unchecked)})"
    )


def _progress(
    stack: ExitStack, console: Console, tickets: Path, stages: int
) -> Callable[[str], None]:
    """A progress bar on stderr for large inputs in a terminal; otherwise a no-op."""
    import sys

    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    try:
        large = tickets.stat().st_size > 5_000_000
    except OSError:
        large = False
    if not (large and sys.stderr.isatty()):
        return lambda _: None
    progress = stack.enter_context(
        Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        )
    )
    task = progress.add_task("starting", total=stages)
    started = False

    def step(name: str) -> None:
        """Called as each stage starts: the one before it is done."""
        nonlocal started
        progress.update(task, description=name, advance=1 if started else 0)
        started = True

    return step
