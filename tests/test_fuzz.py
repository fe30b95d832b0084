"""Fuzzing as part of the suite: mutated agreement files and broken ticket exports never crash.

Agreement files start from the two example agreements and are mutated field by field (odd
calendars, time zones, holiday codes, percentages, credit tiers, durations, dates near the
limits, hostile text), so most cases stay valid and reach deep into ``check`` and ``render``.
Ticket exports use the canonical columns with odd values, encodings and line endings. Each
case runs the real commands in this process through ``slawriter.cli.main``.

The property: every run ends with a documented exit code (0, 1, 2 or 3), never 70 (internal
error) nor an exception; an agreement ``validate`` accepts is computable (``check`` and
``render`` do not then say it is bad input), and one it refuses is refused by them too.

Derandomised and bounded here (a few hundred cases); ``SLAWRITER_FUZZ_EXAMPLES`` raises the
number, and ``make fuzz`` (``scripts/fuzz.py``) runs 10,000 of each and counts the crashes
instead of stopping at the first.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import datetime as dt
import io
import os
import re
import shutil
import signal
import sys
import tempfile
import time
import traceback
import warnings
from collections import Counter
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from slawriter.cli import main

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
AGREEMENTS = ("acme-standard.yaml", "corner-shop-smb.yaml")
DOCUMENTED_EXITS = {0, 1, 2, 3}
EXAMPLES_ENV = "SLAWRITER_FUZZ_EXAMPLES"

# Cases in the suite: about 0.3 s per agreement (validate, check, render) and 0.1 s per ticket
# export (one in four also writes the Markdown report) on an idle 2-core machine: about 25 s.
SUITE_AGREEMENT_CASES = 50
SUITE_TICKET_CASES = 50  # about 0.2 s each: the suite stays near 3 minutes

# Inputs whose crashes are known and fixed elsewhere would be listed here, left out of the
# suite's generators until their fix lands (`make fuzz` always includes them). None are open.
OPEN_ELSEWHERE: set[str] = set()


# -- running a command in this process -------------------------------------------------------


class Hang(BaseException):
    """Raised by the watchdog in a command that runs too long (not an Exception: main lets it
    through, so it is reported as a hang and not as exit 70)."""


class _ErrorStream(io.StringIO):
    """Standard error that also keeps the traceback of the exception being handled when
    something is written: main turns every unexpected exception into one sentence and exit 70,
    and this is where the fuzzer learns where it came from."""

    def __init__(self) -> None:
        super().__init__()
        self.exc: BaseException | None = None
        self.traceback: str | None = None

    def write(self, text: str) -> int:
        if self.traceback is None:
            exc = sys.exc_info()[1]
            if exc is not None:
                self.exc = exc
                self.traceback = traceback.format_exc()
        return super().write(text)


@dataclass
class Run:
    argv: list[str]
    code: int | None
    stdout: str
    stderr: str
    seconds: float
    exc: BaseException | None = None
    traceback: str | None = None


def run_cli(argv: list[str], watchdog: float | None = None) -> Run:
    """``slawriter ARGV`` in this process, warnings as errors (as in the suite), output kept."""
    out, err = io.StringIO(), _ErrorStream()
    code: int | None = None
    exc: BaseException | None = None
    tb: str | None = None
    started = time.perf_counter()
    previous: Any = None
    if watchdog is not None:

        def _expire(signum: int, frame: FrameType | None) -> None:
            raise Hang(f"still running after {watchdog:g} s")

        previous = signal.signal(signal.SIGALRM, _expire)
        signal.setitimer(signal.ITIMER_REAL, watchdog)
    try:
        with (
            contextlib.redirect_stdout(out),
            contextlib.redirect_stderr(err),
            warnings.catch_warnings(),
        ):
            warnings.simplefilter("error")
            try:
                code = main(argv)
            except SystemExit as stop:
                code = stop.code if isinstance(stop.code, int) else 2
            except (Hang, Exception) as escaped:
                exc, tb = escaped, traceback.format_exc()
    finally:
        if watchdog is not None:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
    if code == 130:  # main saw a KeyboardInterrupt: the person running the fuzzer pressed Ctrl-C
        raise KeyboardInterrupt
    if exc is None and code == 70:
        exc, tb = err.exc, err.traceback
    return Run(argv, code, out.getvalue(), err.getvalue(), time.perf_counter() - started, exc, tb)


# -- what counts as a failure ----------------------------------------------------------------


# How the runs ended, by command and exit code: the runner prints it, to show how deep the cases
# reach (a fuzzer whose cases are all refused by validate tests little beyond the validator).
OUTCOMES: Counter[tuple[str, int | None]] = Counter()


@dataclass
class Failure:
    """One broken promise: ``signature`` groups the same bug found by different inputs."""

    kind: str
    command: str
    signature: str
    detail: str
    files: dict[str, bytes] = field(default_factory=dict)
    argv: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return f"{self.kind} in {self.command}: {self.signature}\n{self.detail}"


def _where(exc: BaseException | None) -> str:
    """The innermost slawriter frame of an exception: file:line in function."""
    if exc is None or exc.__traceback__ is None:
        return "?"
    frames = traceback.extract_tb(exc.__traceback__)
    ours = [f for f in frames if f"{os.sep}slawriter{os.sep}" in f.filename]
    frame = (ours or frames)[-1]
    name = frame.filename.split(f"{os.sep}slawriter{os.sep}", 1)[-1]
    return f"{name}:{frame.lineno} in {frame.name}"


def _masked(message: str) -> str:
    """A message without its numbers, paths and quoted values, to group failures by cause."""
    line = next((raw.strip() for raw in message.splitlines()[1:] if raw.strip()), message.strip())
    line = re.sub(r"^\S+?:\d+:\d+: ", "", line)
    line = re.sub(r"'[^']*'", "'…'", line)
    return re.sub(r"\d+", "N", line)[:160]


def crash(run: Run) -> Failure | None:
    """An exception, exit 70 or an undocumented exit code; None when the run ended properly."""
    command = run.argv[0]
    if run.exc is not None:
        kind = "hang" if isinstance(run.exc, Hang) else "crash"
        signature = f"{type(run.exc).__name__} at {_where(run.exc)}"
        detail = run.traceback or ""
        if run.code is None and not isinstance(run.exc, Hang):
            kind = "escaped"
        return Failure(kind, command, signature, detail, argv=run.argv)
    if run.code not in DOCUMENTED_EXITS:
        return Failure(
            "exit", command, f"exit {run.code}: {_masked(run.stderr)}", run.stderr, argv=run.argv
        )
    if "Traceback (most recent call last)" in run.stderr + run.stdout:
        return Failure("traceback", command, _masked(run.stderr), run.stderr, argv=run.argv)
    return None


# -- values ----------------------------------------------------------------------------------

# A case is tame (every value valid, so it reaches check and render) or wild (about one value in
# four invalid, and the structure and text may be broken too); about one case in four is wild.
WILD: ContextVar[bool] = ContextVar("WILD", default=True)


def mostly(valid: st.SearchStrategy[Any], invalid: st.SearchStrategy[Any]) -> Any:
    @st.composite
    def choose(draw: st.DrawFn) -> Any:
        if WILD.get() and draw(st.integers(0, 3)) == 0:
            return draw(invalid)
        return draw(valid)

    return choose()


@contextlib.contextmanager
def wildness(draw: st.DrawFn) -> Iterator[bool]:
    wild = draw(st.integers(0, 3)) == 0
    token = WILD.set(wild)
    try:
        yield wild
    finally:
        WILD.reset(token)


HOSTILE_TEXT = [
    "Smith & Sons <Holdings> *Star*_Co_ | Ωμέγα",
    "&amp; &lt;b&gt; &#x41; &",
    "<script>alert(1)</script>",
    "<w:p>not XML</w:p> ]]> <!--",
    "*bold* **strong** _em_ __u__ ~~s~~ `code` ``x``",
    "| a | b |\n|---|---|",
    "# Heading\n\n- item\n1. item\n> quote",
    "---",
    "[link](javascript:alert(1)) ![img](x.png)",
    "{{ 7 * 7 }} {% if true %}x{% endif %} {# c #}",
    "\\ \\\\ \\* $ % ^ ~",
    'O\'Brien "quoted" ‘curly’ “double” «guillemets»',
    "שלום עולם مرحبا بالعالم",
    "\u202eevil\u202c right-to-left override",
    "\u200f\u200e\u200d\u200b\u2060 invisible",
    "📄🚀 👩‍💻 🇬🇧 🏳️‍🌈",
    "株式会社テスト 有限公司 주식회사",
    "e\u0301 combining  a\u0308",
    "\u00a0non-breaking\u00a0spaces\u00a0",
    "  leading and trailing  ",
    "tab\tinside",
    "line one\nline two",
    "=cmd|' /C calc'!A0",
    "+1 -1 @SUM(A1)",
    "%s %d {0} {name} %(x)s",
    "NULL null None ~ yes no true",
    "A" * 300,
    "ß" * 150,
]
INVALID_TEXT = [
    "",
    "A" * 301,
    "control \x01\x02\x07\x1b[31m",
    "nul \x00 byte",
    "\x7f delete \x85 next line",
    "\ufffe\uffff not characters",
    "lone surrogate \ud800",
    "vertical\x0btab form\x0cfeed",
    "carriage\rreturn",
]
PLAIN_TEXT = ["Acme Ltd", "Email", "Northwind", "x", "IT support"]


def _texts(pool: list[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(PLAIN_TEXT + pool),
        st.lists(st.sampled_from(pool + PLAIN_TEXT), min_size=2, max_size=3).map(
            lambda parts: " ".join(parts)[:300].strip()
        ),
        st.text(st.characters(codec="utf-8", exclude_categories=["Cc", "Cs", "Cn"]), max_size=40)
        .map(str.strip)
        .filter(bool),
    )


_INVALID_TEXT = st.one_of(
    st.sampled_from(INVALID_TEXT), st.text(max_size=20), st.none(), st.integers(), st.just([])
)
SINGLE_LINE = [t for t in HOSTILE_TEXT if "\n" not in t]
# Names, titles and contacts are one line; criteria, descriptions and exclusions may be several.
text_values = mostly(_texts(SINGLE_LINE), _INVALID_TEXT)
free_text_values = mostly(_texts(HOSTILE_TEXT), _INVALID_TEXT)
FREE_TEXT_KEYS = {"criteria", "description", "exclusions", "additional", "notes"}

ids = mostly(
    st.sampled_from(["email", "files", "svc", "a-b", "svc2", "x" * 300, "a-1-b"]),
    st.sampled_from(["", "with space", "a/b", "x" * 301, "<id>", "P1", "-", "a\nb", "📄", "svc_2"])
    | st.integers(),
)
priority_ids = mostly(
    st.sampled_from(["P1", "P2", "P3", "P4", "P5", "P9"]),
    st.sampled_from(["P0", "P10", "p1", "Critical", "", "P1 ", 1]),
)

DURATIONS_VALID = [
    "15s",
    "1m",
    "30m",
    "4h",
    "1h 30m",
    "90 minutes",
    "1 business day",
    "2 business days",
    "10 business days",
    "23h 59m 59s",
    "720h",
    "200 business days",
]
DURATIONS_INVALID = [
    "0s",
    "0 business days",
    "8760h",
    "99999h",
    "1000 business days",
    "1 day",
    "",
    "half an hour",
    "-5m",
    "5",
    "1e3h",
    "∞",
    "4hours",
    "1.5h",
    "9" * 40 + "h",
    "1 business",
    30,
    1.5,
    True,
    None,
    -1,
    10**30,
]
durations = mostly(st.sampled_from(DURATIONS_VALID), st.sampled_from(DURATIONS_INVALID))

PERIODS_VALID = ["1 day", "30 days", "12 months", "24 months", "1 year", "100 years"]
PERIODS_INVALID = [
    "0 days",
    "forever",
    "-1 days",
    "",
    12,
    "1000 years",
    "99999 months",
    "9" * 30 + " days",
    "1 fortnight",
    None,
]
periods = mostly(st.sampled_from(PERIODS_VALID), st.sampled_from(PERIODS_INVALID))

percents = mostly(
    st.sampled_from([0, 0.0001, 1, 50, 90, 95, 97.5, 99, 99.5, 99.9, 99.95, 99.99, 99.9999, 100])
    | st.floats(0, 100).map(lambda x: round(x, 4)),
    st.sampled_from(
        [
            -1,
            101,
            99.99999,
            1e-9,
            float("nan"),
            float("inf"),
            "1E-999999999",
            "99.9%",
            "99.9",
            True,
            None,
            10**400,
        ]
    ),
)
money = mostly(
    st.sampled_from([0, 0.01, 1, 95, 850, 12.3456, 999_999_999.9999, 1_000_000_000])
    | st.integers(0, 10**9),
    st.sampled_from(
        [-1, 1_000_000_000.01, 1e300, "1E+999999999", "£100", 12.34567, float("inf"), "nan"]
    ),
)
ticket_counts = mostly(
    st.sampled_from([0, 0.5, 1, 45, 1000, 10_000, 1_000_000, 10_000_000])
    | st.floats(0, 10_000).map(lambda x: round(x, 3)),
    st.sampled_from([-1, 10_000_001, 1e12, float("inf"), float("nan"), "many", None]),
)
small_ints = mostly(st.integers(1, 12), st.sampled_from([0, -1, 13, 121, 2**63, 1.5, "two", None]))
booleans = mostly(st.booleans(), st.sampled_from(["maybe", 2, None, "yes", "no", 0, 1]))

DATES_NEAR_LIMITS = [
    dt.date(1970, 1, 1),
    dt.date(2200, 12, 31),
    dt.date(2200, 1, 1),
    dt.date(2035, 12, 31),
    dt.date(2036, 1, 1),  # after the Indian holiday tables end: the library warns
    dt.date(2000, 12, 31),
    dt.date(2024, 2, 29),
    dt.date(2027, 3, 28),  # clocks go forward in Europe/London
    dt.date(2027, 10, 31),  # and back
    dt.date(2100, 2, 28),
]
dates = mostly(
    st.sampled_from(DATES_NEAR_LIMITS) | st.dates(dt.date(1970, 1, 1), dt.date(2200, 12, 31)),
    st.sampled_from(
        [
            dt.date(1969, 12, 31),
            dt.date(2201, 1, 1),
            dt.date(1, 1, 1),
            dt.date(9999, 12, 31),
            "2027-02-30",
            "2027-13-01",
            "tomorrow",
            "01/02/2027",
            20270101,
        ]
    ),
)

TIME_ZONES = [
    "Europe/London",
    "UTC",
    "Etc/UTC",
    "America/New_York",
    "America/St_Johns",  # UTC-03:30
    "Asia/Kolkata",
    "Asia/Kathmandu",  # +05:45
    "Australia/Lord_Howe",  # a 30-minute daylight saving shift
    "Pacific/Chatham",  # +12:45/+13:45
    "Pacific/Kiritimati",  # +14:00
    "Pacific/Apia",  # skipped 30 December 2011
    "Etc/GMT+12",
    "Antarctica/Troll",  # +00:00/+02:00
    "Africa/Casablanca",  # Ramadan offsets
    "America/Sao_Paulo",
    "Asia/Tehran",
]
time_zones = mostly(
    st.sampled_from(TIME_ZONES),
    st.sampled_from(
        ["", "Not/AZone", "europe/london", "GMT+1", "+01:00", "Europe/London ", "..", 5]
    ),
)

HOLIDAYS = [
    "GB",
    "GB-ENG",
    "GB-SCT",
    "GB-NIR",
    "US",
    "US-NY",
    "US-CA",
    "DE-BY",
    "FR",
    "JP",
    "AU-NSW",
    "CA-QC",
    "IE",
    "NZ",
    "ZA",
    "IN",  # warns outside 2001-2035
    "KR",
    "SA",  # a Hijri calendar
    "IL",
]
holiday_codes = mostly(
    st.sampled_from(HOLIDAYS),
    st.sampled_from(["XX", "GB-XYZ", "gb-eng", "", "GB_ENG", "GB-", "-ENG", "G" * 21, 44]),
)

DAYS = ["mon-fri", "sat", "sun", "mon,wed,fri", "fri-mon", "monday", "SAT", "mon-sun", "tue-thu"]
TIMES = [
    "09:00-17:30",
    "22:00-06:00",
    "00:00-24:00",
    "00:00-00:01",
    "23:59-00:00",
    "08:00-12:00, 13:00-17:00",
    "12:00-12:00",
    "0:00-23:59",
    "23:00-24:00",
    "06:00-06:00",
    "closed",
    "07:00–19:00",  # an en dash pasted from Word
]


@st.composite
def clock_times(draw: st.DrawFn) -> str:
    start_h = draw(st.integers(0, 23))
    end_h = draw(st.integers(0, 24))
    minutes = st.sampled_from([0, 1, 15, 30, 59])
    start_m = draw(minutes)
    end_m = 0 if end_h == 24 else draw(minutes)
    return f"{start_h:02d}:{start_m:02d}-{end_h:02d}:{end_m:02d}"


weekly_hours = mostly(
    st.one_of(
        st.sampled_from(["24x7", "24/7", "mon-fri 09:00-17:30", "mon-fri 22:00-06:00"]),
        st.lists(
            st.tuples(st.sampled_from(DAYS), st.sampled_from(TIMES) | clock_times()).map(" ".join),
            min_size=1,
            max_size=3,
        ).map("; ".join),
    ),
    st.sampled_from(
        [
            "",
            "mon-fri 25:00-26:00",
            "funday 09:00-17:00",
            "mon-fri 24:00-01:00",
            "mon 09:00-17:00, 10:00-11:00",
            "mon-fri 9-5",
            "wed-thu 00:00-00:01",
            "sun closed",
            "mon-fri 09:00-17:00;;",
            ["mon 09:00-17:00", "tue 09:00-17:00"],
            None,
        ]
    ),
)
day_hours = mostly(
    st.sampled_from(["08:30-12:30", "00:00-24:00", "22:00-06:00", "closed", "09:00-10:00"]),
    st.sampled_from(["", "mon 09:00-12:00", "25:00-26:00", None]),
)


@st.composite
def calendars(draw: st.DrawFn) -> dict[str, Any]:
    calendar: dict[str, Any] = {"timezone": draw(time_zones), "hours": draw(weekly_hours)}
    if draw(st.booleans()):
        calendar["holidays"] = draw(holiday_codes)
    if draw(st.integers(0, 4)) == 0:
        calendar["closed"] = draw(st.lists(dates, max_size=3))
    if draw(st.integers(0, 4)) == 0:
        calendar["reduced"] = draw(st.dictionaries(dates, day_hours, max_size=2))
    return calendar


ENUMS = {
    "kind": ["site-access", "hardware-warranty", "remote-only", "other"],
    "channel-kind": ["phone", "email", "portal", "chat", "other"],
    "basis": ["all-time", "business-hours"],
    "precedence": ["master", "sla"],
    "disposal": ["return-and-destroy", "destroy", "return"],
    "patching": ["provider", "customer"],
    "report": ["monthly", "quarterly"],
    "meeting": ["monthly", "quarterly", "six-monthly", "annually"],
    "period": ["calendar-month"],
    "profile": ["standard", "smb"],
}
DURATION_KEYS = {
    "response",
    "resolution",
    "update",
    "interval",
    "minimum_outage",
    "monthly_cap",
    "emergency_notice",
    "minimum_charge",
    "onsite_response",
    "frequency",
    "rpo",
    "rto",
    "breach_notice",
    "restore_time",
    "after",
    "reply_within",
}
PERIOD_KEYS = {
    "initial",
    "renewal",
    "notice",
    "retention",
    "disposal_within",
    "claim_window",
    "within",
    "report_within",
}
BOOLEAN_KEYS = {
    "counts_toward_uptime",
    "emergency_counts_toward_uptime",
    "degraded_counts",
    "customer_access",
    "available",
    "hosted_content",
    "offsite",
    "personal_data",
    "sole_remedy",
    "spares_on_site",
    "incomplete",
}
PERCENT_KEYS = {"target", "below", "credit", "cap"}

Path_ = tuple[str | int, ...]


def value_for(path: Path_, names: list[str]) -> st.SearchStrategy[Any]:
    """A strategy for a new value at ``path``, chosen by what the field holds."""
    keys = [part for part in path if isinstance(part, str)]
    key = keys[-1] if keys else ""
    parent = keys[-2] if len(keys) > 1 else ""
    if parent == "redundancy":
        return booleans
    if parent == "expected_tickets":
        return ticket_counts
    if key == "priorities" and isinstance(path[-1], int):
        return priority_ids
    if key in ("calendar", "default_calendar"):
        return mostly(st.sampled_from([*names, "24x7"]), st.sampled_from(["nope", "", "24X7"]))
    if (key == "notice" and parent == "maintenance") or key in DURATION_KEYS:
        return durations
    if key in PERIOD_KEYS:
        return periods
    if key in ("hours", "window"):
        return weekly_hours
    if key == "timezone":
        return time_zones
    if key == "holidays":
        return holiday_codes
    if key in PERCENT_KEYS:
        return percents
    if key in ("monthly_fee", "rate"):
        return money
    if key in ("consecutive_months", "months_in_twelve"):
        return small_ints
    if key in ("effective_date", "closed"):
        return dates
    if key in BOOLEAN_KEYS:
        return booleans
    if key == "kind" and "channels" in keys:
        key = "channel-kind"
    if key in ENUMS:
        return mostly(st.sampled_from(ENUMS[key]), st.sampled_from(["", "other", "MONTHLY", 1]))
    if key in ("id", "services", "warranty") or parent == "variants":
        return ids
    return free_text_values if key in FREE_TEXT_KEYS else text_values


# -- agreement files -------------------------------------------------------------------------


def _leaves(node: Any, path: Path_ = ()) -> Iterator[Path_]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _leaves(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _leaves(value, (*path, index))
    elif path:
        yield path


def _containers(node: Any, path: Path_ = ()) -> Iterator[Path_]:
    if isinstance(node, dict | list):
        if path:
            yield path
        items = node.items() if isinstance(node, dict) else enumerate(node)
        for key, value in items:
            yield from _containers(value, (*path, key))


def _get(data: Any, path: Path_) -> Any:
    for part in path:
        data = data[part]
    return data


def _calendar_names(data: dict[str, Any]) -> list[str]:
    own = list(data.get("calendars") or {}) if isinstance(data.get("calendars"), dict) else []
    return [*own, "business", "extended", "hardware-9x5"]


def _set_leaf(draw: st.DrawFn, data: dict[str, Any]) -> str:
    paths = [p for p in _leaves(data) if p[0] not in ("slawriter", "provider")]
    if not WILD.get():  # a renamed id leaves the references to it dangling
        paths = [p for p in paths if p[-1] != "id"]
    path = draw(st.sampled_from(paths))
    _get(data, path[:-1])[path[-1]] = draw(value_for(path, _calendar_names(data)))
    return f"set {path}"


def _delete(draw: st.DrawFn, data: dict[str, Any]) -> str:
    paths = [p for p in [*_leaves(data), *_containers(data)] if p[0] != "provider"]
    path = draw(st.sampled_from(paths))
    del _get(data, path[:-1])[path[-1]]
    return f"delete {path}"


def _duplicate(draw: st.DrawFn, data: dict[str, Any]) -> str:
    lists = [p for p in _containers(data) if isinstance(_get(data, p), list) and _get(data, p)]
    if not lists:
        return "no list to duplicate"
    path = draw(st.sampled_from(lists))
    items = _get(data, path)
    items.append(yaml.safe_load(yaml.safe_dump(draw(st.sampled_from(items)))))
    return f"duplicate an item of {path}"


def _add_calendar(draw: st.DrawFn, data: dict[str, Any]) -> str:
    name = draw(mostly(st.sampled_from(["business", "night", "always", "visits"]), text_values))
    if not isinstance(data.get("calendars"), dict):
        data["calendars"] = {}
    try:
        data["calendars"][name] = draw(calendars())
    except TypeError:  # an unhashable name: the mapping cannot hold it, nor can YAML
        return "calendar with an unhashable name"
    # Put it to use: the default calendar, a priority's clock, an uptime basis, a constraint.
    user = draw(st.sampled_from(["default", "priority", "uptime", "constraint", "oncall", "none"]))
    priorities = data.get("priorities")
    if user == "default":
        data["default_calendar"] = name
    elif user == "priority" and isinstance(priorities, dict) and priorities:
        pid = draw(st.sampled_from(sorted(priorities, key=str)))
        if isinstance(priorities[pid], dict):
            priorities[pid]["calendar"] = name
    elif user == "uptime" and isinstance(data.get("services"), list) and data["services"]:
        service = draw(st.sampled_from(data["services"]))
        if isinstance(service, dict):
            service["uptime"] = {"target": draw(percents), "basis": "business-hours"}
            service["uptime"]["calendar"] = name
    elif user == "constraint" and isinstance(data.get("constraints"), list) and data["constraints"]:
        constraint = draw(st.sampled_from(data["constraints"]))
        if isinstance(constraint, dict):
            constraint["calendar"] = name
    elif user == "oncall":
        data["out_of_hours"] = {"available": True, "calendar": name, "priorities": ["P1"]}
    return f"calendar {name!r} for {user}"


def _priorities(draw: st.DrawFn, data: dict[str, Any]) -> str:
    if WILD.get():
        chosen = draw(st.lists(priority_ids, min_size=1, max_size=6, unique_by=str))
    else:
        chosen = [f"P{n}" for n in range(1, draw(st.integers(1, 6)) + 1)]
    data["priorities"] = {
        pid: {
            "name": draw(text_values),
            "criteria": draw(free_text_values),
            "response": draw(durations),
            "resolution": draw(durations),
            "update": draw(durations),
            **(
                {"calendar": draw(value_for(("calendar",), _calendar_names(data)))}
                if draw(st.booleans())
                else {}
            ),
        }
        for pid in chosen
    }
    if not WILD.get():  # what names a priority names one that exists
        _keep_priorities(data, set(chosen))
    return f"priorities {chosen}"


def _keep_priorities(data: dict[str, Any], known: set[str]) -> None:
    for channel in (data.get("reporting") or {}).get("channels") or []:
        channel["priorities"] = [p for p in channel.get("priorities", []) if p in known] or ["P1"]
    for constraint in data.get("constraints") or []:
        targets = constraint.get("modified_targets") or {}
        constraint["modified_targets"] = {p: t for p, t in targets.items() if p in known}
    internal = data.get("internal") or {}
    if "expected_tickets" in internal:
        tickets = internal["expected_tickets"]
        internal["expected_tickets"] = {p: n for p, n in tickets.items() if p in known}
    out_of_hours = data.get("out_of_hours") or {}
    if "priorities" in out_of_hours:
        out_of_hours["priorities"] = [p for p in out_of_hours["priorities"] if p in known]


def _add_service(draw: st.DrawFn, data: dict[str, Any]) -> str:
    service: dict[str, Any] = {
        "id": draw(ids),
        "name": draw(text_values),
        "systems": draw(st.lists(text_values, min_size=1, max_size=3)),
    }
    if draw(st.booleans()):
        service["uptime"] = {
            "target": draw(percents),
            "basis": draw(st.sampled_from(ENUMS["basis"])),
        }
    if draw(st.booleans()):
        service["monthly_fee"] = draw(money)
    if draw(st.booleans()):
        service["sites"] = draw(st.lists(text_values, max_size=2))
    if not isinstance(data.get("services"), list):
        data["services"] = []
    data["services"].append(service)
    return f"service {service['id']!r}"


def _credits(draw: st.DrawFn, data: dict[str, Any]) -> str:
    tiers = draw(
        st.lists(
            st.fixed_dictionaries({"below": percents, "credit": percents}),
            min_size=0 if WILD.get() else 1,
            max_size=5,
            unique_by=lambda tier: str(tier["below"]),
        )
    )
    if not WILD.get():  # tiers run from the highest threshold down, for a service with a fee
        tiers.sort(key=lambda tier: -tier["below"])
        for service in data.get("services") or []:
            if isinstance(service, dict) and service.get("uptime"):
                service.setdefault("monthly_fee", draw(money))
                break
    data["credits"] = {"tiers": tiers, "cap": draw(percents)}
    if draw(st.booleans()):
        data["credits"]["termination"] = {
            "consecutive_months": draw(small_ints),
            "months_in_twelve": draw(small_ints),
        }
    return f"credits {len(tiers)} tiers"


def _constraint(draw: st.DrawFn, data: dict[str, Any]) -> str:
    services = data.get("services") if isinstance(data.get("services"), list) else []
    service_ids = [s["id"] for s in services if isinstance(s, dict) and "id" in s]
    constraint: dict[str, Any] = {
        "id": draw(ids),
        "kind": draw(value_for(("kind",), [])),
        "description": draw(free_text_values),
        "services": draw(
            st.lists(st.sampled_from(service_ids) if service_ids else ids, max_size=2)
        ),
        "calendar": draw(value_for(("calendar",), _calendar_names(data))),
        "modified_targets": draw(
            st.dictionaries(
                priority_ids,
                st.fixed_dictionaries(
                    {}, optional={"response": durations, "resolution": durations}
                ),
                max_size=2,
            )
        ),
    }
    if draw(st.booleans()):
        constraint["onsite_response"] = draw(durations)
    if draw(st.booleans()):
        constraint["site"] = draw(text_values)
    if not isinstance(data.get("constraints"), list):
        data["constraints"] = []
    data["constraints"].append(constraint)
    return f"constraint {constraint['kind']!r}"


def _maintenance(draw: st.DrawFn, data: dict[str, Any]) -> str:
    maintenance = data.get("maintenance") if isinstance(data.get("maintenance"), dict) else {}
    maintenance["window"] = draw(weekly_hours)
    if draw(st.booleans()):
        maintenance["counts_toward_uptime"] = draw(booleans)
    data["maintenance"] = maintenance
    return "maintenance window"


def _effective(draw: st.DrawFn, data: dict[str, Any]) -> str:
    agreement = data.get("agreement")
    if isinstance(agreement, dict):
        agreement["effective_date"] = draw(dates)
    return "effective date"


MUTATIONS: list[Callable[[st.DrawFn, dict[str, Any]], str]] = [
    _set_leaf,
    _set_leaf,
    _set_leaf,
    _delete,
    _duplicate,
    _add_calendar,
    _add_calendar,
    _priorities,
    _add_service,
    _credits,
    _constraint,
    _maintenance,
    _effective,
]


@dataclass
class AgreementCase:
    base: str
    mutations: list[str]
    text: str
    file_name: str

    def __repr__(self) -> str:  # hypothesis prints this for a failing case
        return f"AgreementCase({self.base}, {self.mutations}, {self.file_name!r}):\n{self.text}"


_BASES = {name: (EXAMPLES / name).read_text("utf-8") for name in AGREEMENTS}


def _dump(data: dict[str, Any]) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10_000)


@st.composite
def agreement_cases(draw: st.DrawFn) -> AgreementCase:
    with wildness(draw) as wild:
        return _agreement_case(draw, wild)


def _agreement_case(draw: st.DrawFn, wild: bool) -> AgreementCase:
    base = draw(st.sampled_from(AGREEMENTS))
    data = yaml.safe_load(_BASES[base])
    applied = []
    mutations = MUTATIONS if wild else [m for m in MUTATIONS if m not in (_delete, _duplicate)]
    for mutation in draw(st.lists(st.sampled_from(mutations), max_size=5)):
        try:
            applied.append(mutation(draw, data))
        except (KeyError, IndexError, TypeError):  # an earlier mutation removed the place
            applied.append(f"{mutation.__name__} had nowhere to go")
    try:
        text = _dump(data)
    except yaml.YAMLError:
        text = _BASES[base]
    # Now and then the text itself is broken, as a careless edit would.
    damage = "none"
    if wild:
        damage = draw(
            st.sampled_from(["none"] * 4 + ["truncate", "indent", "tab", "duplicate-key"])
        )
    if damage == "truncate":
        text = text[: draw(st.integers(0, len(text)))]
    elif damage == "indent":
        lines = text.splitlines(keepends=True)
        at = draw(st.integers(0, len(lines) - 1))
        lines[at] = " " + lines[at]
        text = "".join(lines)
    elif damage == "tab":
        text = text.replace("  ", "\t", 1)
    elif damage == "duplicate-key":
        text = text + "customer:\n  name: Twice\n"
    if damage != "none":
        applied.append(f"text: {damage}")
    file_name = draw(
        st.sampled_from(["agreement.yaml"] * 6 + ["Ωμέγα & <co> 'x'.yaml", "a b.yml", "株式.yaml"])
    )
    return AgreementCase(base, applied, text, file_name)


def _copy_provider(folder: Path) -> None:
    for name in ("provider.yaml", "northwind-logo.png"):
        shutil.copy(EXAMPLES / name, folder / name)


def check_agreement(case: AgreementCase, watchdog: float | None = None) -> list[Failure]:
    """validate, check and render --format md on one agreement file; the broken promises."""
    with tempfile.TemporaryDirectory(prefix="slawriter-fuzz-") as tmp:
        folder = Path(tmp)
        _copy_provider(folder)
        path = folder / case.file_name
        path.write_text(case.text, "utf-8")
        runs = [
            run_cli(["validate", str(path)], watchdog),
            run_cli(["check", str(path)], watchdog),
            run_cli(
                ["render", str(path), "--out", str(folder / "out"), "--format", "md"], watchdog
            ),
        ]
    for run in runs:
        OUTCOMES[(run.argv[0], run.code)] += 1
    failures = [f for f in map(crash, runs) if f is not None]
    validate = runs[0]
    if validate.code == 0:
        for run in runs[1:]:
            if run.code == 2:
                failures.append(
                    Failure(
                        "accepted-but-not-computable",
                        run.argv[0],
                        f"validate said valid, {run.argv[0]} said: {_masked(run.stderr)}",
                        run.stderr,
                        argv=run.argv,
                    )
                )
    elif validate.code == 2:
        for run in runs[1:]:
            if run.code in (0, 1):
                failures.append(
                    Failure(
                        "refused-but-used",
                        run.argv[0],
                        f"validate refused ({_masked(validate.stderr)}), {run.argv[0]} exit "
                        f"{run.code}",
                        validate.stderr,
                        argv=run.argv,
                    )
                )
    for failure in failures:
        failure.files = {case.file_name: case.text.encode("utf-8")}
    return failures


# -- ticket exports --------------------------------------------------------------------------

TICKET_COLUMNS = ["id", "priority", "created", "responded", "resolved", "service", "paused"]
PRIORITY_WORDS = ["P1", "P2", "P3", "P4", "Critical", "High", "Medium", "Low", "1", "Sev 2"]
PRIORITY_ODD = [
    "P9",
    "",
    "p1",
    " P1 ",
    "Priority 1 - Emergency",
    "9" * 30,
    "-1",
    "1.0",
    "NaN",
    "P1\u200b",
    "Ωμέγα",
    "None",
]
SERVICES = ["email", "files", "remote-access", "desktop", "it-support"]
FORMATS = [
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M:%SZ",
    "%Y-%m-%dT%H:%M:%S+05:45",
    "%Y-%m-%dT%H:%M:%S-12:00",
    "%Y-%m-%dT%H:%M:%S.%f",
    "%d/%m/%Y %H:%M",
    "%m/%d/%Y %I:%M %p",
    "%d.%m.%Y %H:%M",
    "%Y-%m-%d %H:%M:%S%z",
]
ODD_TIMES = [
    "",
    "0001-01-01 00:00",
    "9999-12-31 23:59",
    "2027-02-30 10:00",
    "2027-03-28 01:30",  # does not exist in Europe/London
    "2027-10-31 01:30",  # happens twice
    "1970-01-01T00:00:00Z",
    "2027-01-05",
    "not a date",
    "1e9",
    "99999999999999999999",
    "2027-01-05 25:00",
    "1736072400",
    "2027-01-05T10:00:00+99:00",
    "٢٠٢٧-٠١-٠٥ ١٠:٠٠",
    "2027-01-05 10:00 Europe/London",
    "NaT",
]
JANUARY = dt.datetime(2027, 1, 1)
moments = st.integers(-15 * 24 * 60, 45 * 24 * 60).map(lambda m: JANUARY + dt.timedelta(minutes=m))


@st.composite
def ticket_times(draw: st.DrawFn, after: dt.datetime | None = None) -> tuple[dt.datetime, str]:
    if after is not None and draw(st.integers(0, 3)):
        moment = after + dt.timedelta(minutes=draw(st.integers(-60, 10 * 24 * 60)))
    else:
        moment = draw(moments)
    if draw(st.integers(0, 5)) == 0:
        odd = ODD_TIMES
        if "ticket-year-edges" in OPEN_ELSEWHERE:
            odd = [t for t in ODD_TIMES if not t.startswith(("0001", "9999"))]
        return moment, draw(st.sampled_from(odd))
    return moment, moment.strftime(draw(st.sampled_from(FORMATS)))


@st.composite
def pauses(draw: st.DrawFn, created: dt.datetime) -> str:
    spans = []
    for _ in range(draw(st.integers(1, 2))):
        start = created + dt.timedelta(minutes=draw(st.integers(-30, 3000)))
        end = start + dt.timedelta(minutes=draw(st.integers(-60, 3000)))
        spans.append(f"{start:%Y-%m-%d %H:%M}/{end:%Y-%m-%d %H:%M}")
    odd = st.sampled_from(["/", "a/b", "2027-01-05 10:00", "2027-01-05 10:00/", ";;", "x" * 50])
    return str(draw(mostly(st.just(";".join(spans)), odd)))


@st.composite
def ticket_rows(draw: st.DrawFn, number: int, id_pool: list[str]) -> dict[str, str]:
    created, created_text = draw(ticket_times())
    _, responded = draw(ticket_times(created))
    _, resolved = draw(ticket_times(created))
    row = {
        "id": draw(
            mostly(
                st.just(f"T-{1000 + number}") | st.sampled_from(id_pool),
                st.sampled_from(["", "T-1000", '=HYPERLINK("http://x")', "x" * 5000])
                | text_values.map(str),
            )
        ),
        "priority": draw(mostly(st.sampled_from(PRIORITY_WORDS), st.sampled_from(PRIORITY_ODD))),
        "created": created_text,
        "responded": draw(st.sampled_from(["", responded, responded])),
        "resolved": draw(st.sampled_from(["", resolved, resolved])),
        "service": draw(mostly(st.sampled_from(SERVICES), st.sampled_from(["", "nope", "EMAIL"]))),
        "paused": draw(st.sampled_from(["", "", "", "pause"])),
    }
    if row["paused"] == "pause":
        row["paused"] = draw(pauses(created))
    return row


@dataclass
class TicketCase:
    agreement: str
    tickets: bytes
    outages: bytes | None
    period: str
    as_of: str
    date_order: str | None
    notes: list[str]
    documents: bool

    def __repr__(self) -> str:
        return (
            f"TicketCase({self.agreement}, period={self.period}, as_of={self.as_of}, "
            f"date_order={self.date_order}, documents={self.documents}, {self.notes}):\n"
            f"{self.tickets[:4000]!r}\noutages: {self.outages!r}"
        )


ENCODINGS = ["utf-8"] * 4 + ["utf-8-sig", "utf-8-sig", "cp1252", "latin-1"]
WILD_ENCODINGS = ["utf-16", "utf-16-le", "utf-32", "cp437", "shift_jis"]


def _encode(text: str, encoding: str) -> bytes:
    if encoding == "utf-8-sig":
        return codecs.BOM_UTF8 + text.encode("utf-8", "surrogatepass")
    return text.encode(encoding, "replace" if encoding != "utf-8" else "surrogatepass")


@st.composite
def csv_bytes(draw: st.DrawFn, header: list[str], rows: list[list[str]], notes: list[str]) -> bytes:
    quoting = draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_MINIMAL, csv.QUOTE_ALL, None]))
    newline = draw(st.sampled_from(["\n", "\n", "\r\n", "\r"]))
    if quoting is None:  # written by hand, without quoting: commas in values shift columns
        text = newline.join(",".join(line) for line in [header, *rows]) + newline
        notes.append("unquoted")
    else:
        buffer = io.StringIO()
        csv.writer(buffer, quoting=quoting, lineterminator=newline).writerows([header, *rows])
        text = buffer.getvalue()
    encoding = draw(st.sampled_from(ENCODINGS + (WILD_ENCODINGS if WILD.get() else [])))
    notes.append(f"{encoding} {newline!r}")
    data = _encode(text, encoding)
    damage = "none"
    if WILD.get():
        damage = draw(
            st.sampled_from(["none"] * 4 + ["truncate", "blank-lines", "nul", "bom-inside"])
        )
    if damage == "truncate":
        data = data[: draw(st.integers(0, len(data)))]
    elif damage == "blank-lines":
        data = data.replace(newline.encode(), (newline * 3).encode(), 2)
    elif damage == "nul":
        at = draw(st.integers(0, len(data)))
        data = data[:at] + b"\x00" + data[at:]
    elif damage == "bom-inside":
        at = draw(st.integers(0, len(data)))
        data = data[:at] + codecs.BOM_UTF8 + data[at:]
    if damage != "none":
        notes.append(damage)
    if "cp1252-undefined" in OPEN_ELSEWHERE:
        data = _defined_in_cp1252(data)
    return data


def _defined_in_cp1252(data: bytes) -> bytes:
    """Bytes a Windows-1252 reader can decode: the five it leaves undefined become '?'."""
    try:
        data.removeprefix(codecs.BOM_UTF8).decode("utf-8")
    except UnicodeDecodeError:
        return data.translate(bytes.maketrans(b"\x81\x8d\x8f\x90\x9d", b"?????"))
    return data


@st.composite
def ticket_cases(draw: st.DrawFn) -> TicketCase:
    with wildness(draw):
        return _ticket_case(draw)


def _ticket_case(draw: st.DrawFn) -> TicketCase:
    notes: list[str] = []
    header = list(TICKET_COLUMNS)
    if draw(st.booleans()):
        header = header[:5] + draw(st.lists(st.sampled_from(header[5:]), unique=True))
    shape = draw(st.sampled_from(["canonical"] * 4 + ["case", "shuffled", "extra", "ragged"]))
    notes.append(shape)
    id_pool = [f"T-{n}" for n in range(1000, 1004)]
    rows = [draw(ticket_rows(n, id_pool)) for n in range(draw(st.integers(0, 25)))]
    table = [[row.get(column, "") for column in header] for row in rows]
    if shape == "case":
        header = [column.upper() if n % 2 else column.title() for n, column in enumerate(header)]
    elif shape == "shuffled":
        order = draw(st.permutations(range(len(header))))
        header = [header[i] for i in order]
        table = [[line[i] for i in order] for line in table]
    elif shape == "extra":
        header = [*header, "notes", ""]
        table = [[*line, draw(text_values.map(str)), ""] for line in table]
    elif shape == "ragged" and table:
        at = draw(st.integers(0, len(table) - 1))
        table[at] = table[at][: draw(st.integers(0, len(header)))] + ["spare"] * draw(
            st.integers(0, 2)
        )
    tickets = draw(csv_bytes(header, table, notes))
    outages = None
    if draw(st.integers(0, 3)) == 0:
        outage_rows = []
        for _ in range(draw(st.integers(0, 6))):
            start, start_text = draw(ticket_times())
            _, end_text = draw(ticket_times(start))
            outage_rows.append(
                [
                    draw(mostly(st.sampled_from(SERVICES[:4]), st.sampled_from(["", "x"]))),
                    start_text,
                    draw(st.sampled_from([end_text, end_text, ""])),
                    draw(
                        mostly(st.sampled_from(["yes", "no"]), st.sampled_from(["", "maybe", "1"]))
                    ),
                ]
            )
        outages = draw(csv_bytes(["service", "start", "end", "planned"], outage_rows, notes))
    return TicketCase(
        agreement=draw(st.sampled_from(["acme-standard.yaml"] * 3 + ["corner-shop-smb.yaml"])),
        tickets=tickets,
        outages=outages,
        period=draw(
            mostly(
                st.sampled_from(["2027-01", "2027-01", "2027-Q1", "2026-12", "2027-02", "2027-q1"]),
                st.sampled_from(["1970-01", "2200-12", "9999-12", "2027-13", "0001-01", "2027"]),
            )
        ),
        as_of=draw(
            mostly(
                st.sampled_from(["2027-02-05T12:00", "2027-01-15T00:00", "2027-04-01T00:00Z"]),
                st.sampled_from(
                    ["9999-12-31T23:59", "1970-01-01T00:00", "2027-03-28T01:30", "0001-01-01T00:00"]
                ),
            )
        ),
        date_order=draw(st.sampled_from([None, None, "day-first", "month-first"])),
        notes=notes,
        documents=draw(st.integers(0, 3)) == 0,
    )


def check_tickets(case: TicketCase, watchdog: float | None = None) -> list[Failure]:
    """report --json (now and then with the Markdown report) on one ticket export."""
    with tempfile.TemporaryDirectory(prefix="slawriter-fuzz-") as tmp:
        folder = Path(tmp)
        _copy_provider(folder)
        shutil.copy(EXAMPLES / case.agreement, folder / case.agreement)
        tickets = folder / "tickets.csv"
        tickets.write_bytes(case.tickets)
        argv = ["report", str(folder / case.agreement), "--tickets", str(tickets)]
        files = {"tickets.csv": case.tickets}
        if case.outages is not None:
            (folder / "outages.csv").write_bytes(case.outages)
            argv += ["--outages", str(folder / "outages.csv")]
            files["outages.csv"] = case.outages
        argv += ["--period", case.period, "--as-of", case.as_of, "--json"]
        if case.documents:  # the charts make this several times slower than the figures alone
            argv += ["--out", str(folder / "reports"), "--format", "md"]
        if case.date_order:
            argv += ["--date-order", case.date_order]
        run = run_cli(argv, watchdog)
    OUTCOMES[("report", run.code)] += 1
    failure = crash(run)
    if failure is None:
        return []
    failure.files = files
    return [failure]


# -- the tests -------------------------------------------------------------------------------


def examples(default: int) -> int:
    return int(os.environ.get(EXAMPLES_ENV) or default)


def fuzz_settings(count: int) -> settings:
    return settings(
        derandomize=True,
        database=None,
        max_examples=count,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )


AGREEMENT_CASES = examples(SUITE_AGREEMENT_CASES)
TICKET_CASES = examples(SUITE_TICKET_CASES)


# Generous: a busy machine runs the cases several times slower.
@pytest.mark.timeout(120 + 4 * AGREEMENT_CASES)
@fuzz_settings(AGREEMENT_CASES)
@given(case=agreement_cases())
def test_mutated_agreements_never_crash_validate_check_or_render(case: AgreementCase) -> None:
    failures = check_agreement(case)
    assert not failures, "\n\n".join(map(str, failures))


@pytest.mark.timeout(120 + 3 * TICKET_CASES)
@fuzz_settings(TICKET_CASES)
@given(case=ticket_cases())
def test_broken_ticket_exports_never_crash_report(case: TicketCase) -> None:
    failures = check_tickets(case)
    assert not failures, "\n\n".join(map(str, failures))


def test_the_fuzzer_reports_an_internal_error_with_its_traceback(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The harness itself: a bug that main turns into exit 70 is a failure naming its place."""
    from slawriter.commands import validate

    def broken(args: object) -> int:
        return {}["missing"]  # type: ignore[no-any-return]

    monkeypatch.setattr(validate, "run", broken)
    failure = crash(run_cli(["validate", str(EXAMPLES / AGREEMENTS[0])]))
    assert failure is not None and failure.kind == "crash"
    assert failure.signature.startswith("KeyError at ")
    assert "Traceback (most recent call last)" in failure.detail and "in broken" in failure.detail


def test_a_valid_example_is_not_a_failure() -> None:
    case = AgreementCase("acme-standard.yaml", [], _BASES["acme-standard.yaml"], "a.yaml")
    assert check_agreement(case) == []


# -- what the fuzzer found, kept as reproductions ---------------------------------------------


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("--period", "9999-12"),  # ValueError: year 10000 is out of range
        ("--period", "0001-01"),  # OverflowError: date value out of range
        ("--as-of", "0001-01-01T00:00"),  # ValueError: year 0 is out of range
        ("--as-of", "9999-12-31T23:59"),
    ],
)
def test_a_report_period_or_as_of_outside_the_computable_years_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], option: str, value: str
) -> None:
    _copy_provider(tmp_path)
    shutil.copy(EXAMPLES / AGREEMENTS[0], tmp_path / AGREEMENTS[0])
    argv = ["report", str(tmp_path / AGREEMENTS[0]), "--json"]
    argv += ["--tickets", str(EXAMPLES / "acme-2027-01-tickets.csv")]
    argv += {"--period": ["--as-of", "2027-02-05T12:00"], "--as-of": ["--period", "2027-01"]}[
        option
    ]
    assert main([*argv, option, value]) == 2
    err = capsys.readouterr().err
    assert err == (
        f"slawriter: {option}: '{value}' is outside the years slawriter can compute with "
        "(1970 to 2200)\n"
    )


def test_a_report_at_the_edges_of_the_computable_years_is_measured(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _copy_provider(tmp_path)
    # In force from the first computable year (a period before the effective date is refused),
    # with no tickets (tickets all outside the period are a warning).
    text = (EXAMPLES / AGREEMENTS[0]).read_text(encoding="utf-8")
    (tmp_path / AGREEMENTS[0]).write_text(
        text.replace("effective_date: 2027-01-01", "effective_date: 1970-01-01"), encoding="utf-8"
    )
    tickets = tmp_path / "tickets.csv"
    tickets.write_text(
        (EXAMPLES / "acme-2027-01-tickets.csv").read_text(encoding="utf-8").splitlines()[0],
        encoding="utf-8",
    )
    argv = ["report", str(tmp_path / AGREEMENTS[0]), "--json", "--tickets", str(tickets)]
    assert main([*argv, "--period", "2200-12", "--as-of", "2200-12-31T23:59"]) == 0
    assert main([*argv, "--period", "1970-01", "--as-of", "1970-01-01T00:00"]) == 0
    assert '"period": "1970-01"' in capsys.readouterr().out
