"""Ticket exports and outage logs: CSV in, columns of instants out, bad rows listed.

Files may be UTF-8 (with or without a byte-order mark) or Windows-1252 (what Excel writes
when it saves "CSV" on a Western European Windows); the first that decodes the whole file
wins. Times without an offset are wall-clock times in the agreement's default calendar's time
zone and follow the clock's rules for clock changes; times with an offset (``Z``, ``+01:00``)
are absolute. ISO dates (2027-01-05 09:30) are always read year-first; dates with slashes,
dashes or dots (05/01/2027 09:30) are read day-first or month-first as the caller says.

Every row that cannot be used is returned as a :class:`Rejected` with the physical line its
record starts on (the header is line 1; a quoted field spanning lines counts every line it
takes, as an editor shows them) and the reason.
Rows where every field is empty are skipped without comment.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from slawriter.clock.engine import Calendar
from slawriter.errors import InputError
from slawriter.files.reading import MAX_EXPORT_BYTES, NotReadable, open_regular
from slawriter.measure.batch import NOT_A_TIME, BatchClock, Instants
from slawriter.measure.presets import (
    OUTAGE_COLUMNS,
    REQUIRED_OUTAGE_COLUMNS,
    REQUIRED_TICKET_COLUMNS,
    RESPONSE_COLUMNS,
    TICKET_COLUMNS,
    Mapping,
)
from slawriter.model.common import FIRST_YEAR, LAST_YEAR

DATE_ORDERS = ("day-first", "month-first")

_ISO_FORMATS = [
    "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M",
    "%Y-%m-%d %H:%M:%S.%f", "%Y-%m-%dT%H:%M:%S.%f", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M",
]  # fmt: skip
# With an offset (absolute times): 2027-01-05T09:30:00+01:00, 2027-01-05 09:30:00 +0000.
_OFFSET_FORMATS = [
    "%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%d %H:%M:%S%z", "%Y-%m-%d %H:%M:%S %z", "%Y-%m-%dT%H:%M%z",
    "%Y-%m-%d %H:%M %z", "%Y-%m-%dT%H:%M:%S.%f%z",
]  # fmt: skip
_NUMERIC = [
    "{a}/{b}/%Y %H:%M", "{a}/{b}/%Y %H:%M:%S", "{a}/{b}/%Y %I:%M %p", "{a}/{b}/%Y %I:%M:%S %p",
    "{a}-{b}-%Y %H:%M", "{a}-{b}-%Y %H:%M:%S", "{a}.{b}.%Y %H:%M", "{a}.{b}.%Y %H:%M:%S",
    "{a}/{b}/%y %H:%M", "{a}/{b}/%y %I:%M %p", "{a}.{b}.%y %H:%M",
]  # fmt: skip
# Month names (English, as exports write them) need no date order: 05/Jan/27 9:30 AM.
_NAMED = [
    "%d/%b/%y %I:%M %p", "%d/%b/%Y %I:%M %p", "%d/%b/%y %H:%M", "%d/%b/%Y %H:%M",
    "%d-%b-%Y %H:%M", "%d-%b-%y %I:%M %p", "%d %b %Y %H:%M", "%d %b %Y %I:%M %p",
    "%d %B %Y %H:%M", "%b %d, %Y %I:%M %p", "%B %d, %Y %I:%M %p", "%b %d, %Y %H:%M",
]  # fmt: skip
_OFFSET = re.compile(r"(Z|[+-]\d\d:?\d\d)$")
# At most 6 digits: int() refuses text of more than 4,300 digits, and no priority has more.
_PRIORITY_NUMBER = re.compile(r"^\s*(?:p|priority|sev|severity)?\s*(\d{1,6})\b", re.IGNORECASE)
_YES = {"yes", "y", "true", "1", "planned", "scheduled", "maintenance"}
_NO = {"no", "n", "false", "0", "", "unplanned", "incident"}
_US = 1_000_000
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_NAIVE_EPOCH = datetime(1970, 1, 1)
# Times the clock can compute, as microseconds since 1970 (the years validation allows).
_FIRST_US = round((datetime(FIRST_YEAR, 1, 1) - _NAIVE_EPOCH).total_seconds()) * _US
_END_US = round((datetime(LAST_YEAR + 1, 1, 1) - _NAIVE_EPOCH).total_seconds()) * _US
_YEARS = f"outside the years {FIRST_YEAR} to {LAST_YEAR} this report can compute"
MAX_HEADING = 1_000  # characters in one column heading
_SHOWN = 60  # characters of a value quoted in a message


def shown(value: object) -> str:
    """A value from an export as quoted in a message: long ones cut short."""
    text = str(value)
    return text if len(text) <= _SHOWN else f"{text[:_SHOWN]}... ({len(text):,} characters)"


def out_of_range(local: Instants) -> npt.NDArray[np.bool_]:
    """Times present but before FIRST_YEAR or after LAST_YEAR."""
    result: npt.NDArray[np.bool_] = (local != NOT_A_TIME) & (
        (local < _FIRST_US) | (local >= _END_US)
    )
    return result


def time_formats(date_order: str, declared: Sequence[str] = ()) -> list[str]:
    """The strptime formats tried, in order, for a date order: the declared ones first."""
    a, b = ("%d", "%m") if date_order == "day-first" else ("%m", "%d")
    ours = _ISO_FORMATS + _OFFSET_FORMATS + [form.format(a=a, b=b) for form in _NUMERIC] + _NAMED
    first = [in_date_order(form, date_order) for form in declared]
    return first + [form for form in ours if form not in first]


def in_date_order(form: str, date_order: str) -> str:
    """A declared format with a numeric day and month, put in the date order in force.

    Year-first formats are left alone, as ISO dates are.
    An export writes 01/02/2027 in its user's settings, so the date order (--date-order,
    else the mapping's, else the provider's locale) decides which number is the day, even
    where a preset's format names one."""
    if "%d" not in form or "%m" not in form:
        return form
    year = max(form.find("%Y"), form.find("%y"))
    if 0 <= year < min(form.index("%d"), form.index("%m")):
        return form  # year first, like ISO: always year-month-day
    day_first = form.index("%d") < form.index("%m")
    if day_first == (date_order == "day-first"):
        return form
    return form.replace("%d", "\0").replace("%m", "%d").replace("\0", "%m")


@dataclass(frozen=True)
class Rejected:
    file: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.reason}"


@dataclass
class Tickets:
    """Tickets as columns; instants are UTC microseconds, NOT_A_TIME where missing."""

    source: str
    ids: npt.NDArray[np.object_]
    lines: npt.NDArray[np.int64]
    priority: npt.NDArray[np.int64]  # index into priority_ids
    priority_ids: list[str]
    created: Instants
    responded: Instants
    resolved: Instants
    service: npt.NDArray[np.object_]
    pause_owner: npt.NDArray[np.int64]
    pause_start: Instants
    pause_end: Instants
    rejected: list[Rejected] = field(default_factory=list)
    # What every reader of the report must be told first: an assumption asked for
    # (--no-response-column), a needed column empty in every row.
    notes: list[str] = field(default_factory=list)
    # Responses an author column marked automatic (not Responses), and that column's heading:
    # None when the export cannot tell an automatic acknowledgement from a person's reply.
    automatic: npt.NDArray[np.bool_] = field(default_factory=lambda: np.zeros(0, dtype=bool))
    authors_column: str | None = None
    automatic_at: Instants = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    # (created heading, duration heading) when the response time is derived from a duration
    # (created + minutes), as for Zendesk: the method section must say so.
    response_derived: tuple[str, str] | None = None
    _index: Any = field(default=None, repr=False, compare=False)  # of ids, made when first used
    # (an index of every row's id, each row's ticket or -1): the hash table read_tickets made
    # to find duplicate ids, used by ``positions`` rather than a second one of the same ids.
    _rows: Any = field(default=None, repr=False, compare=False)

    def __len__(self) -> int:
        return len(self.ids)

    def positions(self, ids: npt.NDArray[np.object_]) -> npt.NDArray[np.intp]:
        """Each of ``ids``' ticket (its index in these columns), -1 where there is none.

        The ids' hash table (a third of a second and ~40 MB for a million tickets) is made
        on the first call and kept until ``let_go_positions``: the report matches a status
        history's ids to the tickets in batches, as a second process reads them."""
        if self._rows is not None:
            rows, ticket_of_row = self._rows
            row: npt.NDArray[np.intp] = rows.get_indexer(ids)
            return np.where(row >= 0, ticket_of_row[row], -1)
        index = self._index
        if index is None:
            import pandas as pd  # type: ignore[import-untyped,unused-ignore]

            index = self._index = pd.Index(self.ids, dtype=object)
        found: npt.NDArray[np.intp] = index.get_indexer(ids)
        return found

    def let_go_positions(self) -> None:
        """Free the ids' hash table ``positions`` made (or read_tickets left)."""
        self._index = self._rows = None


@dataclass(frozen=True)
class Outage:
    line: int
    service: str
    start: int  # UTC microseconds
    end: int | None  # None: still down
    planned: bool


@dataclass
class Outages:
    source: str
    items: list[Outage]
    rejected: list[Rejected] = field(default_factory=list)


# --- reading ------------------------------------------------------------------------------------


_BLOCK = 1024 * 1024


def _decodes(path: Path, encoding: str) -> tuple[int, int] | None:
    """None when the whole file decodes; else the first byte that does not, and its offset.
    Read a block at a time: an export may be larger than memory allows."""
    import codecs

    decoder = codecs.getincrementaldecoder(encoding)()
    offset = 0
    with path.open("rb") as handle:
        block = handle.read(_BLOCK)
        while block:
            # Read one block ahead, so the last block is decoded as final: a sequence cut
            # short at the end of the file is then reported within a block that has bytes.
            following = handle.read(_BLOCK)
            try:
                decoder.decode(block, final=not following)
            except UnicodeDecodeError as error:
                at = max(0, min(error.start, len(block) - 1))
                return block[at], offset + at
            offset += len(block)
            block = following
    return None


def _line_and_column(path: Path, at: int) -> tuple[int, int]:
    """The line and column (from 1) of the byte at offset ``at``: counted only when needed
    (a file that decodes, almost every one, is not counted)."""
    line, line_start, offset = 1, 0, 0
    with path.open("rb") as handle:
        while offset < at and (block := handle.read(min(_BLOCK, at - offset))):
            line += block.count(b"\n")
            if b"\n" in block:
                line_start = offset + block.rfind(b"\n") + 1
            offset += len(block)
    return line, at - line_start + 1


def detect_encoding(path: Path, name: str | None = None) -> str:
    """utf-8-sig when the file starts with a BOM (and then decodes); else utf-8 if it
    decodes; else cp1252.

    InputError (with the line of the first byte that fits neither, or that is not UTF-8 in
    a file that starts with a BOM) when it is neither."""
    with path.open("rb") as handle:
        marked = handle.read(3) == b"\xef\xbb\xbf"
    wrong = _decodes(path, "utf-8")  # a byte order mark is UTF-8 too (U+FEFF)
    if wrong is None:
        return "utf-8-sig" if marked else "utf-8"
    if marked:  # it says UTF-8: another encoding is not guessed
        byte, at = wrong
        line, column = _line_and_column(path, at)
        raise InputError(
            f"{name or path}:{line}:{column}: the byte 0x{byte:02X} is not UTF-8, which the "
            "file's first bytes (a UTF-8 byte order mark) say it is written in: export the "
            "file again as UTF-8 (in Excel: Save As, 'CSV UTF-8')"
        )
    wrong = _decodes(path, "cp1252")
    if wrong is None:
        return "cp1252"
    byte, at = wrong
    line, column = _line_and_column(path, at)
    raise InputError(
        f"{name or path}:{line}:{column}: the byte 0x{byte:02X} is a character neither in UTF-8 "
        "nor in Windows-1252, the two encodings an export is read in: export the file again "
        "as UTF-8 (in Excel: Save As, 'CSV UTF-8')"
    )


CHUNK_ROWS = 250_000  # rows parsed at a time: bounds memory on large exports


def _read_columns(
    path: Path,
    name: str,
    wanted: dict[str, str],
    required: Sequence[str],
    what: str,
    chunk_rows: int = CHUNK_ROWS,
    origin: str = "",
    categories: Collection[str] = (),
    notes: list[str] | None = None,
) -> Iterator[dict[str, Any]]:
    """The wanted columns (canonical -> export heading) as pandas Series of str, in chunks.

    Columns named in ``categories`` come as pandas categoricals of str instead: the C reader
    then makes one string object per distinct value, not one per row, which for a status or
    priority column of millions of rows saves most of the reading time and memory.
    Raises InputError before the first chunk when a required column is missing. A wanted
    heading the export repeats (Jira writes one ``Component/s`` column per component) is read
    from every column under it, each row taking its first non-empty value; ``notes`` is told.
    """

    try:
        with open_regular(path, MAX_EXPORT_BYTES):
            pass
    except NotReadable as error:
        raise InputError(f"{name}: {error}") from None
    encoding = detect_encoding(path, name)
    with path.open(encoding=encoding, newline="") as handle:
        rows = csv.reader(_bounded_lines(handle, name, what))
        try:
            header = next(rows, None)
        except csv.Error as error:
            if "field limit" in str(error):  # the csv module reads fields of up to 128 KB
                raise InputError(
                    f"{name}:1: a column heading is over {csv.field_size_limit():,} characters "
                    f"long (at most {MAX_HEADING:,}): is this a {what} export?"
                ) from None
            raise InputError(f"{name}:1: the header line cannot be read ({error})") from None
    if not header:
        raise InputError(f"{name}: the file is empty (expected a header line of {what} columns)")
    delimiter = ","
    if len(header) == 1:
        # Excel in much of Europe saves "CSV" with ';' between columns (',' is the decimal
        # mark there): a one-column header that splits on one of these is read that way.
        counts = {mark: header[0].count(mark) for mark in ";\t|"}
        mark = max(counts, key=lambda m: counts[m])
        if counts[mark]:
            delimiter = mark
            header = next(csv.reader([header[0]], delimiter=mark))
    for number, heading in enumerate(header, start=1):
        if len(heading) > MAX_HEADING:
            raise InputError(
                f"{name}:1: column {number}'s heading is {len(heading):,} characters long "
                f"(at most {MAX_HEADING:,}): is this a {what} export?"
            )
    # Headings are matched without surrounding spaces or case, and columns are then read by
    # position: pandas would look for the heading exactly as written.
    by_key: dict[str, list[int]] = {}
    for index, heading in enumerate(header):
        by_key.setdefault(heading.strip().lower(), []).append(index)
    found: dict[str, list[int]] = {}
    for canonical, heading in wanted.items():
        actual = by_key.get(heading.strip().lower())
        if actual is not None:
            found[canonical] = actual
            if len(actual) > 1 and notes is not None:
                notes.append(
                    f"The heading '{shown(heading)}' appears {len(actual)} times in {name} "
                    f"(columns {', '.join(str(i + 1) for i in actual)}): each row's first "
                    "non-empty value under it is used"
                )
    if delimiter != "," and notes is not None:
        notes.append(f"{name} uses '{delimiter}' between columns, and was read so")
    missing = [wanted[c] for c in required if c not in found]
    if missing:
        listed = ", ".join(f"'{h}'" for h in header[:12]) + (" ..." if len(header) > 12 else "")
        reader = f"named by {origin}; " if origin else ""
        response = any(c in RESPONSE_COLUMNS and c not in found for c in required)
        raise InputError(
            f"{name}: no column {', '.join(repr(m) for m in missing)} ({reader}the columns are "
            f"{listed}); choose the right --preset or describe the export in a --mapping file"
            + (
                ", or pass --no-response-column to count each ticket's response as its "
                "resolution (every report document then says so)"
                if response
                else ""
            )
        )
    coded = {canonical for canonical in found if canonical in categories}
    return _chunks(path, name, encoding, found, chunk_rows, delimiter, coded)


MAX_HEADER_LINE = 1_000_000  # characters in the header line: 1,000 headings of 1,000


def _bounded_lines(handle: Any, name: str, what: str) -> Iterator[str]:
    """The file's lines for the csv reader of its header, refused once they pass
    MAX_HEADER_LINE characters: a file of 2 GB of NULs has no line end, and reading its
    "first line" whole would fill memory before any heading could be measured."""
    total = 0
    while True:
        line = handle.readline(MAX_HEADER_LINE + 1 - total)
        total += len(line)
        if total > MAX_HEADER_LINE:
            raise InputError(
                f"{name}:1: the header line is over {MAX_HEADER_LINE:,} characters long "
                f"(each heading at most {MAX_HEADING:,}): is this a {what} export?"
            )
        if not line:
            return
        yield line


def _chunks(
    path: Path,
    name: str,
    encoding: str,
    found: dict[str, list[int]],
    chunk_rows: int,
    delimiter: str = ",",
    coded: Collection[str] = (),
) -> Iterator[dict[str, Any]]:
    import pandas as pd  # type: ignore[import-untyped,unused-ignore]

    columns = sorted({index for indices in found.values() for index in indices})
    # A repeated heading's columns are merged value by value, which categoricals cannot do.
    categorical = {indices[0] for c, indices in found.items() if c in coded and len(indices) == 1}

    def column(frame: Any, indices: list[int]) -> Any:
        series = frame.iloc[:, columns.index(indices[0])]
        for index in indices[1:]:
            series = series.where(series != "", frame.iloc[:, columns.index(index)])
        return series

    try:
        reader = pd.read_csv(
            path,
            encoding=encoding,
            usecols=columns,
            # Asked for as object; pandas 3.1 still gives its str dtype for a per-column
            # object (only dtype=object for every column keeps Python objects): comparisons
            # are made on the numpy array of strings instead (see blank()).
            dtype={index: "category" if index in categorical else object for index in columns},
            keep_default_na=False,
            na_filter=False,
            skip_blank_lines=False,
            skipinitialspace=True,
            engine="c",
            sep=delimiter,
            chunksize=chunk_rows,
        )
        with reader:
            for frame in reader:
                # No blanket strip (it would copy every column): leading spaces go as the
                # file is read; the few values with trailing ones are stripped where they
                # fail to parse.
                yield {canonical: column(frame, indices) for canonical, indices in found.items()}
    except (ValueError, pd.errors.ParserError) as error:
        raise InputError(f"{name}: not a readable CSV file ({error})") from None
    except IndexError:
        # pandas (3.1) fails so on a file of nothing but its header line when the columns
        # read include its last one; otherwise it gives one table without rows, as here.
        if not _only_a_header(path):
            raise
        yield {
            canonical: pd.Series([], dtype="category" if indices[0] in categorical else object)
            for canonical, indices in found.items()
        }


def _only_a_header(path: Path) -> bool:
    """Whether nothing follows the file's first line."""
    with path.open("rb") as handle:
        handle.readline(MAX_HEADER_LINE + 1)
        return handle.read(1) == b""


def count_line_ends(path: Path) -> int:
    """How many line ends (\\n bytes) the file has: read a block at a time."""
    ends = 0
    with path.open("rb") as handle:
        while block := handle.read(_BLOCK):
            ends += block.count(b"\n")
    return ends


def record_lines(path: Path, records: int, counted: int | None = None) -> npt.NDArray[np.int64]:
    """The physical line each of the first ``records`` data records starts on (header: 1).

    A quoted field may span lines (a subject typed over two), so record n is not always on
    line n + 1. A line starts a record when an even number of quote characters comes before
    it (a doubled quote inside a field adds two): counted a block at a time with numpy (0.7 s
    for a million rows, only when the file has more line ends than records). Quotes and line
    ends are the same bytes in UTF-8 and Windows-1252. ``counted``: count_line_ends(path),
    when already counted."""
    plain: npt.NDArray[np.int64] = np.arange(records, dtype=np.int64) + 2
    # The usual file has one line per record: counting line ends (0.2 s for a million rows)
    # says so, and the quotes need not be counted.
    ends = count_line_ends(path) if counted is None else counted
    # Lines, not line ends: the last line need not end in one.
    lines = ends + (0 if _ends_with_newline(path, path.stat().st_size) else 1)
    if lines <= records + 1:
        return plain
    starts: list[npt.NDArray[np.int64]] = []
    quotes = 0  # quote characters before the block
    lines = 1  # physical lines begun before the block
    size = 0
    with path.open("rb") as handle:
        while block := handle.read(_BLOCK):
            data = np.frombuffer(block, dtype=np.uint8)
            quote_at = np.flatnonzero(data == 0x22)
            line_ends = np.flatnonzero(data == 0x0A)
            outside = ((quotes + np.searchsorted(quote_at, line_ends)) & 1) == 0
            # The line after each line end, numbered; kept when it starts outside quotes.
            numbers = lines + 1 + np.arange(len(line_ends), dtype=np.int64)
            starts.append(numbers[outside])
            quotes += len(quote_at)
            lines += len(line_ends)
            size += len(block)
    found = np.concatenate(starts) if starts else np.zeros(0, dtype=np.int64)
    # A line end at the very end of the file begins no line.
    if len(found) and found[-1] == lines and _ends_with_newline(path, size):
        found = found[:-1]
    if len(found) < records:
        return plain  # not the records pandas read: number them as records
    result: npt.NDArray[np.int64] = found[:records]
    return result


def _ends_with_newline(path: Path, size: int) -> bool:
    if size == 0:
        return False
    with path.open("rb") as handle:
        handle.seek(size - 1)
        return handle.read(1) == b"\n"


def parse_times(
    values: Any, date_order: str, declared: Sequence[str] = ()
) -> tuple[Instants, npt.NDArray[np.bool_], Any]:
    """A Series of text to (wall-clock or absolute microseconds, absolute?, unparsed mask).

    Empty text is NOT_A_TIME and not unparsed. The most common format is found from a sample
    and tried first, so a uniform column is parsed in one vectorised pass.
    """
    import pandas as pd  # type: ignore[import-untyped,unused-ignore]

    size = len(values)
    result = np.full(size, NOT_A_TIME, dtype=np.int64)
    absolute = np.zeros(size, dtype=bool)
    remaining = ~blank(values)
    formats = time_formats(date_order, declared)
    sample = values[remaining][:10].tolist()
    formats.sort(key=lambda form: -sum(_fits(text, form) for text in sample))
    texts = values.to_numpy()
    for form in formats:
        if not remaining.any():
            break
        where = np.flatnonzero(remaining)
        # A vectorised pass costs a quarter of a second per 200,000 values: a format is given
        # one only when it fits some of up to 500 of the values left (spread over them).
        # Values in a format no sample shows are still read one by one below.
        step = max(1, len(where) // _PROBES)
        # Each distinct probe once: bad values are often the same text ('N/A') many times.
        probes = dict.fromkeys(str(texts[i]).strip() for i in where[::step][:_PROBES])
        if not any(_fits(text, form) for text in probes):
            continue
        offset = "%z" in form  # absolute times: converted to UTC as they are parsed
        parsed = pd.to_datetime(values.iloc[where], format=form, errors="coerce", utc=offset)
        ok = parsed.notna().to_numpy()
        if ok.any():
            if offset:
                parsed = parsed.dt.tz_localize(None)
            stamps = parsed.to_numpy()[ok].astype("datetime64[us]").astype(np.int64)
            result[where[ok]] = stamps
            absolute[where[ok]] = offset
            remaining[where[ok]] = False
    # The rest one by one (spaces after the value, odd offsets). Each value that fails costs
    # every format: after MAX_FORMAT_FAILURES failures in the column only the formats that
    # have matched in it are tried, so 200,000 bad values are rejected in seconds.
    # A text read once reads the same again: a format that failed on it still fails, and
    # the one that matched is now among ``matched``, behind only formats that failed on it.
    # So each distinct text is parsed once (the count of failures still counts every value).
    matched: list[str] = []
    failures = 0
    seen: dict[str, datetime | None] = {}
    for index in np.flatnonzero(remaining):
        text = str(texts[index]).strip()
        if not text:
            remaining[index] = False
            continue
        if text in seen:
            moment = seen[text]
        else:
            moment = _parse_cached(text, matched)
            if moment is None and failures < MAX_FORMAT_FAILURES:
                moment = _parse_learning(text, date_order, declared, matched)
            seen[text] = moment
        if moment is None:
            failures += 1
        else:
            if moment.tzinfo is not None:
                result[index] = round((moment - _EPOCH).total_seconds() * _US)
                absolute[index] = True
            else:
                result[index] = round((moment - _NAIVE_EPOCH).total_seconds() * _US)
            remaining[index] = False
    return result, absolute, remaining


_PROBES = 500  # values a format is tried on before a vectorised pass over all of them
MAX_FORMAT_FAILURES = 100  # values of a column tried against every format before giving up
_ISO_OFFSET = "iso-offset"  # the cache's name for _parse_offset_time


def _parse_cached(text: str, matched: Sequence[str]) -> datetime | None:
    for form in matched:
        if form == _ISO_OFFSET:
            moment = _parse_offset_time(text)
            if moment is not None:
                return moment
            continue
        try:
            return datetime.strptime(text, form)
        except ValueError:
            continue
    return None


def _parse_learning(
    text: str, date_order: str, declared: Sequence[str], matched: list[str]
) -> datetime | None:
    """parse_one, adding the format that matched to ``matched``."""
    for form in time_formats(date_order, declared):
        if form in matched:
            continue
        try:
            moment = datetime.strptime(text, form)
        except ValueError:
            continue
        matched.append(form)
        return moment
    with_offset = _parse_offset_time(text)
    if with_offset is not None and _ISO_OFFSET not in matched:
        matched.append(_ISO_OFFSET)
    return with_offset


def _fits(text: str, form: str) -> bool:
    try:
        datetime.strptime(text, form)
    except ValueError:
        return False
    return True


def _parse_offset_time(text: str) -> datetime | None:
    if not _OFFSET.search(text):
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def parse_one(text: str, date_order: str, declared: Sequence[str] = ()) -> datetime | None:
    """One time as text; naive unless it carries an offset. None if it does not parse."""
    text = text.strip()
    for form in time_formats(date_order, declared):
        try:
            return datetime.strptime(text, form)
        except ValueError:
            continue
    return _parse_offset_time(text)


def _expected(date_order: str) -> str:
    example = "05/01/2027 09:30" if date_order == "day-first" else "01/05/2027 09:30"
    return f"expected a date and time such as 2027-01-05 09:30 or {example} ({date_order})"


def _to_instants(calendar: Calendar, local: Instants, absolute: npt.NDArray[np.bool_]) -> Instants:
    naive = (~absolute) & (local != NOT_A_TIME)
    if not naive.any():
        return local
    clock = BatchClock.covering(calendar, local[naive])
    converted = clock.to_instants(local)
    result: Instants = np.where(naive, converted, local)
    return result


def blank(series: Any) -> npt.NDArray[np.bool_]:
    """Which values of a column of text are empty: compared as a numpy array of Python
    strings (pandas' own comparison of its str dtype takes four times as long)."""
    import pandas as pd  # type: ignore[import-untyped,unused-ignore]

    if isinstance(series.dtype, pd.CategoricalDtype):
        categories = np.asarray(series.cat.categories, dtype=object) == ""
        codes = series.cat.codes.to_numpy()
        each: npt.NDArray[np.bool_] = np.append(categories, False)[codes]  # -1: missing
        return each
    result: npt.NDArray[np.bool_] = np.asarray(series.to_numpy(dtype=object) == "", dtype=bool)
    return result


def distinct_codes(series: Any) -> tuple[npt.NDArray[np.int64], list[str]]:
    """A column as codes into its distinct values (a categorical's own, else factorized), so
    that a test on the text is made once per value, not once per row."""
    import pandas as pd  # type: ignore[import-untyped,unused-ignore]

    if isinstance(series.dtype, pd.CategoricalDtype):
        codes = series.cat.codes.to_numpy().astype(np.int64)
        return codes, [str(value) for value in series.cat.categories.tolist()]
    found, uniques = pd.factorize(series.to_numpy(dtype=object))
    return np.asarray(found, dtype=np.int64), [str(value) for value in uniques.tolist()]


# --- priorities ---------------------------------------------------------------------------------


def priority_lookup(
    values: Sequence[str], priorities: dict[str, str], extra: dict[str, str]
) -> dict[str, str]:
    """Each distinct export value that names a priority -> its id; unknown values left out.

    ``priorities`` is id -> name from the agreement. A value matches an id or a name (any
    case), a spelling from the preset or mapping file, or a number (``1``, ``Priority 1 -
    Critical``, ``Sev 2``) when the agreement has ``P<number>``.
    """
    by_key = {pid.lower(): pid for pid in priorities}
    by_key.update({name.lower(): pid for pid, name in priorities.items()})
    by_key.update({k.lower(): v for k, v in extra.items() if v in priorities})
    found: dict[str, str] = {}
    for value in values:
        key = value.strip().lower()
        pid = by_key.get(key)
        if pid is None:
            match = _PRIORITY_NUMBER.match(value)
            if match and f"P{int(match.group(1))}" in priorities:
                pid = f"P{int(match.group(1))}"
        if pid is None and " - " in value:
            pid = by_key.get(value.split(" - ", 1)[1].strip().lower())
        if pid is not None:
            found[value] = pid
    return found


# --- tickets ------------------------------------------------------------------------------------


def read_tickets(
    path: Path,
    name: str,
    mapping: Mapping,
    priorities: dict[str, str],
    calendar: Calendar,
    date_order: str,
    response_as_resolution: bool = False,
) -> Tickets:
    """Read a ticket export. ``calendar`` gives the time zone of times without an offset.

    The response time is never assumed: a mapping without a response column, or an export
    without the column the mapping names, is an InputError unless ``response_as_resolution``
    says to count each response as the resolution (and the notes then say so)."""
    wanted = {
        c: mapping.tickets[c]
        for c in TICKET_COLUMNS
        if c in mapping.tickets and c not in RESPONSE_COLUMNS
    }
    required = list(REQUIRED_TICKET_COLUMNS)
    notes: list[str] = []
    response = mapping.response_column()
    if response_as_resolution:
        notes.append(RESPONSE_AS_RESOLUTION)
    elif response is None:
        raise InputError(
            f"{name}: {mapping.origin} reads no response time"
            + (f" ({mapping.no_response})" if mapping.no_response else "")
            + ": name the export's column in a --mapping file (responded, or "
            "first_reply_minutes for a duration), or pass --no-response-column to count each "
            "ticket's response as its resolution (every report document then says so)"
        )
    else:
        wanted[response] = mapping.tickets[response]
        required.append(response)
    chunks = _read_columns(path, name, wanted, required, "ticket", origin=mapping.origin,
                           categories=("priority", "service"), notes=notes)  # fmt: skip
    priority_ids = list(priorities)
    parts: list[_Chunk] = []
    offset = 0
    for columns in chunks:
        part = _ticket_chunk(columns, offset, wanted, priorities, mapping, calendar, date_order)
        parts.append(part)
        offset += part.size
    if not parts:
        parts.append(_ticket_chunk({c: _empty() for c in wanted}, 0, wanted, priorities,
                                   mapping, calendar, date_order))  # fmt: skip
    if any(not p.empty_row.all() for p in parts):
        for column in ("id", "priority", "created", *RESPONSE_COLUMNS, "resolved"):
            if column in wanted and not any(p.filled.get(column, False) for p in parts):
                notes.append(
                    f"Warning: the column '{wanted[column]}' is empty in every row of {name}: "
                    f"{_EMPTY_MEANS[column]}"
                )
    hints = {c: p.wrong_order[c] for p in reversed(parts) for c in p.wrong_order}
    if hints:
        headings = ", ".join(f"'{wanted[c]}'" for c in wanted if c in hints)
        other, example = next(iter(hints.values()))
        notes.append(
            f"Warning: dates in {headings} such as '{shown(example)}' cannot be read "
            f"{date_order} but read {other}: the export looks {other}, so pass --date-order "
            f"{other} (the dates that read both ways were read {date_order})"
        )
    ids = np.concatenate([p.ids for p in parts])
    empty_row = np.concatenate([p.empty_row for p in parts])
    reasons: dict[int, str] = {}
    for part in parts:
        reasons.update(part.reasons)
    size = len(ids)
    physical = record_lines(path, size)
    import pandas as pd  # type: ignore[import-untyped,unused-ignore]

    # Every row's id in one hash table: when no id repeats (no two rows, not even empty ids),
    # it is the one ``positions`` looks ids up in, and the search for duplicates is skipped.
    rows = pd.Index(ids, dtype=object)
    unique = bool(rows.is_unique)
    if not unique:
        _reject_duplicates(ids, empty_row, reasons, wanted["id"], physical)
    bad_rows = np.zeros(size, dtype=bool)
    if reasons:
        bad_rows[np.fromiter(reasons, dtype=np.int64, count=len(reasons))] = True
    keep = ~bad_rows & ~empty_row
    rejected = [Rejected(name, int(physical[i]), reasons[i]) for i in sorted(reasons)]
    new_index = np.cumsum(keep) - 1
    owner = np.concatenate([p.pause_owner for p in parts])
    kept_pauses = keep[owner]

    def joined(attribute: str) -> Any:
        return np.concatenate([getattr(p, attribute) for p in parts])[keep]

    tickets = Tickets(
        source=name,
        ids=ids[keep],
        lines=physical[keep],
        priority=joined("priority"),
        priority_ids=priority_ids,
        created=joined("created"),
        responded=joined("responded"),
        resolved=joined("resolved"),
        service=joined("service"),
        pause_owner=new_index[owner[kept_pauses]],
        pause_start=np.concatenate([p.pause_start for p in parts])[kept_pauses],
        pause_end=np.concatenate([p.pause_end for p in parts])[kept_pauses],
        rejected=rejected,
        notes=notes,
        automatic=joined("automatic"),
        automatic_at=joined("automatic_at"),
        authors_column=(
            wanted["responded_by"] if any("responded_by" in p.filled for p in parts) else None
        ),
        response_derived=(
            (wanted["created"], wanted["first_reply_minutes"])
            if "first_reply_minutes" in wanted
            else None
        ),
    )
    if unique:
        tickets._rows = (rows, np.where(keep, new_index, -1))
    return tickets


def _empty() -> Any:
    import pandas as pd  # type: ignore[import-untyped,unused-ignore]

    return pd.Series([], dtype=object)


@dataclass
class _Chunk:
    """One chunk of a ticket export, every row kept; ``reasons`` by row index in the file."""

    size: int
    ids: npt.NDArray[np.object_]
    empty_row: npt.NDArray[np.bool_]
    priority: npt.NDArray[np.int64]
    created: Instants
    responded: Instants
    resolved: Instants
    service: npt.NDArray[np.object_]
    pause_owner: npt.NDArray[np.int64]
    pause_start: Instants
    pause_end: Instants
    reasons: dict[int, str]
    filled: dict[str, bool]  # canonical column -> a row that is not empty has a value in it
    automatic: npt.NDArray[np.bool_]
    automatic_at: Instants  # the automatic reply's time (for --compare), else NOT_A_TIME
    # column -> (the date order that reads every date this one cannot, an example date)
    wrong_order: dict[str, tuple[str, str]] = field(default_factory=dict)


def _ticket_chunk(
    columns: dict[str, Any],
    offset: int,
    wanted: dict[str, str],
    priorities: dict[str, str],
    mapping: Mapping,
    calendar: Calendar,
    date_order: str,
) -> _Chunk:
    spellings = mapping.priorities
    declared = mapping.date_formats
    size = len(columns["id"])
    reasons: dict[int, str] = {}

    def reject(mask: npt.NDArray[np.bool_], reason: Any) -> None:
        for index in np.flatnonzero(mask).tolist():
            if offset + index not in reasons:
                reasons[offset + index] = reason(index) if callable(reason) else reason

    empty_row = np.ones(size, dtype=bool)
    blanks = {c: blank(series) for c, series in columns.items()}
    for empty in blanks.values():
        empty_row &= empty
    filled = {c: bool((~empty & ~empty_row).any()) for c, empty in blanks.items()}

    ids = columns["id"]
    reject(blanks["id"] & ~empty_row, f"{wanted['id']}: the ticket id is empty")

    # Each distinct priority value is looked up once; rows get it through their codes.
    value_of, values = distinct_codes(columns["priority"])
    lookup = priority_lookup(values, priorities, spellings)
    priority_ids = list(priorities)
    codes = {value: priority_ids.index(pid) for value, pid in lookup.items()}
    each = np.fromiter((codes.get(v, -1) for v in values), np.int64, count=len(values))
    priority = each[value_of]
    known = ", ".join(priority_ids)
    reject(
        (priority < 0) & ~empty_row,
        lambda i: (
            f"{wanted['priority']}: "
            + (
                f"unknown priority '{shown(values[value_of[i]])}'"
                if values[value_of[i]].strip()
                else "empty: a ticket needs a priority"
            )
            + f" (the agreement has {known})"
        ),
    )

    times: dict[str, Instants] = {}
    wrong_order: dict[str, tuple[str, str]] = {}
    for column in ("created", "responded", "resolved"):
        if column not in columns:
            times[column] = np.full(size, NOT_A_TIME, dtype=np.int64)
            continue
        series = columns[column]
        local, absolute, bad = parse_times(series, date_order, declared)
        texts = series.to_numpy()  # indexing a Series row by row costs 20 us a row
        hint = ""
        if bad.any():
            # 01/13/2027 proves the export month-first (and 13/01/2027 day-first): when every
            # date the order in force cannot read reads the other way, say which to pass.
            other = DATE_ORDERS[1 - DATE_ORDERS.index(date_order)]
            _, _, still = parse_times(series[bad], other, declared)
            if not still.any():
                hint = f"; it reads {other}: pass --date-order {other}"
                wrong_order.setdefault(column, (other, str(texts[np.flatnonzero(bad)[0]])))
        reject(
            bad,
            lambda i, s=texts, c=column, h=hint: (
                f"{wanted[c]}: '{shown(s[i])}' is not a date and time ({_expected(date_order)}){h}"
            ),
        )
        distant = out_of_range(local)
        reject(distant, lambda i, s=texts, c=column: f"{wanted[c]}: '{s[i]}' is {_YEARS}")
        local[distant] = NOT_A_TIME
        times[column] = _to_instants(calendar, local, absolute)
    created, responded, resolved = times["created"], times["responded"], times["resolved"]
    if "first_reply_minutes" in columns:
        responded = _after_minutes(columns["first_reply_minutes"], created, wanted, reject)
    automatic = np.zeros(size, dtype=bool)
    automatic_at = np.full(size, NOT_A_TIME, dtype=np.int64)
    if "responded_by" in columns:
        # The contract's definition: an automatic acknowledgement is not a Response.
        marks = {value.strip().lower() for value in mapping.automatic_authors}
        authors = columns["responded_by"].str.strip().str.lower()
        automatic = authors.isin(marks).to_numpy() & (responded != NOT_A_TIME)
        automatic_at = np.where(automatic, responded, NOT_A_TIME)
        responded = np.where(automatic, NOT_A_TIME, responded)
    reject(
        (created == NOT_A_TIME) & ~empty_row,
        f"{wanted['created']}: empty: a ticket needs the time it was logged",
    )
    present = created != NOT_A_TIME
    reject(
        present & (resolved != NOT_A_TIME) & (resolved < created),
        f"{wanted.get('resolved', 'resolved')}: resolved before it was created",
    )
    reject(
        present & (responded != NOT_A_TIME) & (responded < created),
        f"{wanted.get('responded', 'responded')}: responded to before it was created",
    )

    owner, pause_start, pause_end = np.zeros(0, np.int64), _no_times(), _no_times()
    if "paused" in columns:
        owner, pause_start, pause_end, problems = _read_pauses(
            columns["paused"], date_order, calendar, declared
        )
        for index, problem in problems.items():
            reasons.setdefault(offset + index, f"{wanted['paused']}: {problem}")
        owner = owner + offset

    if "service" in columns:
        # Categories share one string object per distinct service name.
        import pandas as pd  # type: ignore[import-untyped,unused-ignore]

        service = np.asarray(pd.Categorical(columns["service"]).astype(object), dtype=object)
    else:
        service = np.full(size, "", dtype=object)
    return _Chunk(
        size=size,
        ids=ids.to_numpy(dtype=object),
        empty_row=empty_row,
        priority=priority,
        created=created,
        responded=responded,
        resolved=resolved,
        service=service,
        pause_owner=owner,
        pause_start=pause_start,
        pause_end=pause_end,
        reasons=reasons,
        filled=filled,
        automatic=automatic,
        automatic_at=automatic_at,
        wrong_order=wrong_order,
    )


RESPONSE_AS_RESOLUTION = (
    "Response counted as resolution: the export was read with --no-response-column, so each "
    "ticket's response time is taken to be its resolution time, and the response figures "
    "say nothing about how fast tickets were first answered"
)
_EMPTY_MEANS = {
    "id": "every row is left out (a ticket needs an id)",
    "priority": "every row is left out (a ticket needs a priority)",
    "created": "every row is left out (a ticket needs the time it was logged)",
    "responded": "no ticket has a response time, so each is counted as answered when resolved",
    "first_reply_minutes": (
        "no ticket has a first reply time, so each is counted as answered when resolved"
    ),
    "resolved": "no ticket is resolved, so every one past its resolution target is a breach",
}


def _after_minutes(
    minutes: Any, created: Instants, wanted: dict[str, str], reject: Any
) -> Instants:
    """The response time from a duration column: created + minutes on the calendar.

    Zendesk, for one, exports the first reply only as minutes (calendar minutes, and
    separately minutes within its own business hours); the calendar ones are read, so the
    agreement's own calendar, not the desk's schedule, decides the business time."""
    import pandas as pd  # type: ignore[import-untyped,unused-ignore]

    heading = wanted["first_reply_minutes"]
    numbers = pd.to_numeric(minutes.str.strip(), errors="coerce").to_numpy(dtype=np.float64)
    given = ~blank(minutes)
    usable = given & np.isfinite(numbers) & (numbers >= 0) & (numbers < 1e9)
    reject(
        given & ~usable,
        lambda i: f"{heading}: '{shown(minutes.iloc[i])}' is not a number of minutes",
    )
    present = usable & (created != NOT_A_TIME)
    result: Instants = np.full(len(created), NOT_A_TIME, dtype=np.int64)
    result[present] = created[present] + np.round(numbers[present] * 60 * _US).astype(np.int64)
    return result


def _reject_duplicates(
    ids: npt.NDArray[np.object_],
    empty_row: npt.NDArray[np.bool_],
    reasons: dict[int, str],
    heading: str,
    physical: npt.NDArray[np.int64],
) -> None:
    import pandas as pd  # type: ignore[import-untyped,unused-ignore]

    series = pd.Series(ids, dtype=object)
    duplicated = series.duplicated(keep="first").to_numpy() & ~blank(series)
    if not duplicated.any():
        return
    repeated = set(series[duplicated].tolist())
    first_line: dict[str, int] = {}
    for index in np.flatnonzero(series.isin(repeated).to_numpy()).tolist():
        first_line.setdefault(ids[index], int(physical[index]))
    for index in np.flatnonzero(duplicated & ~empty_row).tolist():
        reasons.setdefault(
            index, f"{heading}: ticket '{ids[index]}' is also on line {first_line[ids[index]]}"
        )


def _instant_of(moment: datetime, calendar: Calendar) -> int:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=calendar.timezone)
    return round((moment - datetime(1970, 1, 1, tzinfo=UTC)).total_seconds() * _US)


def _no_times() -> Instants:
    return np.zeros(0, dtype=np.int64)


def _read_pauses(
    paused: Any, date_order: str, calendar: Calendar, declared: Sequence[str] = ()
) -> tuple[npt.NDArray[np.int64], Instants, Instants, dict[int, str]]:
    """The paused column ('start/end;start/end') as merged spans per row, and row problems.

    The pieces are gathered in Python (few rows have pauses) and parsed in one vectorised
    pass like the other time columns.
    """
    import pandas as pd  # type: ignore[import-untyped,unused-ignore]

    owners: list[int] = []
    firsts: list[str] = []
    lasts: list[str] = []
    texts: list[str] = []
    problems: dict[int, str] = {}
    where = np.flatnonzero(~blank(paused))
    for index, value in zip(where.tolist(), paused.to_numpy()[where].tolist(), strict=True):
        for part in str(value).split(";"):
            part = part.strip()
            if not part:
                continue
            pieces = part.split("/") if part.count("/") == 1 else _split_slashed(part)
            if pieces is None or len(pieces) != 2:
                problems.setdefault(
                    int(index), f"'{part}' is not a pause (expected start/end;start/end)"
                )
                continue
            owners.append(int(index))
            firsts.append(pieces[0].strip())
            lasts.append(pieces[1].strip())
            texts.append(part)
    if not owners:
        return np.zeros(0, np.int64), _no_times(), _no_times(), problems
    begin_local, begin_absolute, begin_bad = parse_times(
        pd.Series(firsts, dtype=object), date_order, declared
    )
    end_local, end_absolute, end_bad = parse_times(
        pd.Series(lasts, dtype=object), date_order, declared
    )
    for k in np.flatnonzero(out_of_range(begin_local) | out_of_range(end_local)):
        problems.setdefault(owners[k], f"'{texts[k]}' is {_YEARS}")
    begin_local[out_of_range(begin_local)] = NOT_A_TIME
    end_local[out_of_range(end_local)] = NOT_A_TIME
    begins = _to_instants(calendar, begin_local, begin_absolute)
    ends = _to_instants(calendar, end_local, end_absolute)
    for k in np.flatnonzero(begin_bad | end_bad | (begins == NOT_A_TIME) | (ends == NOT_A_TIME)):
        problems.setdefault(
            owners[k], f"'{texts[k]}' is not a pause ({_expected(date_order)} on each side)"
        )
    for k in np.flatnonzero(ends < begins):
        problems.setdefault(owners[k], f"'{texts[k]}' is not a pause: it ends before it starts")
    order = np.lexsort((begins, np.asarray(owners)))
    merged_owner: list[int] = []
    merged_begin: list[int] = []
    merged_end: list[int] = []
    for k in order.tolist():
        row, first, last = owners[k], int(begins[k]), int(ends[k])
        if row in problems:
            continue
        if merged_owner and merged_owner[-1] == row and first <= merged_end[-1]:
            merged_end[-1] = max(merged_end[-1], last)
        else:
            merged_owner.append(row)
            merged_begin.append(first)
            merged_end.append(last)
    return (
        np.asarray(merged_owner, dtype=np.int64),
        np.asarray(merged_begin, dtype=np.int64),
        np.asarray(merged_end, dtype=np.int64),
        problems,
    )


def _split_slashed(part: str) -> list[str] | None:
    """Split 'a/b' where the dates themselves contain slashes: at the slash after the time."""
    match = re.match(r"^\s*(.*?\d{1,2}:\d{2}(?::\d{2})?(?:\s*[AaPp][Mm])?)\s*/\s*(.+)$", part)
    return [match.group(1), match.group(2)] if match else None


# --- outages ------------------------------------------------------------------------------------


def read_outages(
    path: Path,
    name: str,
    mapping: Mapping,
    services: Sequence[str],
    calendar: Calendar,
    date_order: str,
) -> Outages:
    """Read an outage log: service, start, end (empty: still down), planned (yes/no)."""
    wanted = {c: mapping.outages.get(c, c) for c in OUTAGE_COLUMNS}
    import pandas as pd  # type: ignore[import-untyped,unused-ignore]

    chunks = list(_read_columns(path, name, wanted, REQUIRED_OUTAGE_COLUMNS, "outage"))
    columns = {
        key: pd.concat([chunk[key] for chunk in chunks], ignore_index=True) if chunks else _empty()
        for key in (chunks[0] if chunks else {})
    }
    size = len(next(iter(columns.values()))) if columns else 0
    items: list[Outage] = []
    rejected: list[Rejected] = []
    known = {s.lower(): s for s in services}
    physical = record_lines(path, size)
    for index in range(size):
        line = int(physical[index])
        row = {c: str(columns[c].iloc[index]) if c in columns else "" for c in OUTAGE_COLUMNS}
        if not any(row.values()):
            continue
        service = known.get(row["service"].lower())
        if service is None:
            rejected.append(
                Rejected(
                    name,
                    line,
                    f"{wanted['service']}: unknown service '{row['service']}' (the agreement "
                    f"has {', '.join(services)})",
                )
            )
            continue
        begin = parse_one(row["start"], date_order, mapping.date_formats)
        if begin is None:
            rejected.append(
                Rejected(
                    name,
                    line,
                    f"{wanted['start']}: '{row['start']}' is not a date and time "
                    f"({_expected(date_order)})",
                )
            )
            continue
        finish = parse_one(row["end"], date_order, mapping.date_formats) if row["end"] else None
        if row["end"] and finish is None:
            rejected.append(
                Rejected(
                    name,
                    line,
                    f"{wanted['end']}: '{row['end']}' is not a date and time "
                    f"({_expected(date_order)})",
                )
            )
            continue
        if not all(FIRST_YEAR <= moment.year <= LAST_YEAR for moment in (begin, finish or begin)):
            rejected.append(Rejected(name, line, f"{wanted['start']}, {wanted['end']}: {_YEARS}"))
            continue
        planned = row["planned"].strip().lower()
        if planned not in _YES and planned not in _NO:
            rejected.append(
                Rejected(name, line, f"{wanted['planned']}: '{row['planned']}' is not yes or no")
            )
            continue
        first = _instant_of(begin, calendar)
        last = _instant_of(finish, calendar) if finish else None
        if last is not None and last < first:
            rejected.append(Rejected(name, line, f"{wanted['end']}: ends before it starts"))
            continue
        items.append(Outage(line, service, first, last, planned in _YES))
    return Outages(name, items, rejected)
