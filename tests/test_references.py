"""Every message of model/references.py, as `slawriter validate` shows it: one edit of the
example agreement per message, and the exact field and words the user reads."""

from __future__ import annotations

import copy
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from slawriter.cli import main
from slawriter.errors import EXIT_BAD_INPUT, EXIT_OK
from tests.conftest import EXAMPLES

Data = dict[str, Any]


def _set(*path: str | int, value: Any) -> Callable[[Data], None]:
    def edit(data: Data) -> None:
        node: Any = data
        for key in path[:-1]:
            node = node[key]
        if value is _DELETE:
            del node[path[-1]]
        else:
            node[path[-1]] = value

    return edit


_DELETE = object()


def _rename_p4(data: Data) -> None:
    data["priorities"]["P5"] = data["priorities"].pop("P4")


def _no_fees(data: Data) -> None:
    for service in data["services"]:
        service.pop("monthly_fee", None)


CALENDARS = "24x7, business, extended, hardware-9x5"

# (id, edit, field path as printed, message)
CASES: list[tuple[str, Callable[[Data], None], str, str]] = [
    ("default calendar", _set("default_calendar", value="busines"), "default_calendar",
     f"unknown calendar 'busines' (defined: {CALENDARS}); did you mean 'business'?"),
    ("priority order", _rename_p4, "priorities",
     "priorities must be P1, P2, P3, P4 in order, found P1, P2, P3, P5"),
    ("duplicate service", _set("services", 1, "id", value="email"), "services[email].id",
     "duplicate service id 'email'"),
    ("uptime calendar", _set("services", 0, "uptime", "calendar", value="nights"),
     "services[email].uptime.calendar",
     f"unknown calendar 'nights' (defined: {CALENDARS})"),
    ("combined calendar", _set("combined_uptime", "calendar", value="extnded"),
     "combined_uptime.calendar",
     f"unknown calendar 'extnded' (defined: {CALENDARS}); did you mean 'extended'?"),
    ("combined named twice", _set("combined_uptime", "services", value=["email", "email", "files"]),
     "combined_uptime.services[1]", "service 'email' is named twice"),
    ("combined without target",
     _set("combined_uptime", "services", value=["email", "files", "desktop"]),
     "combined_uptime.services[2]",
     "service 'desktop' has no uptime target, so it cannot count towards the combined figure: "
     "give it one or leave it out"),
    ("combined unknown service", _set("combined_uptime", "services", value=["email", "flies"]),
     "combined_uptime.services[1]",
     "unknown service 'flies' (defined: email, files, remote-access, desktop); "
     "did you mean 'files'?"),
    ("combined of one", _set("combined_uptime", "services", value=["email"]), "combined_uptime",
     "a combined figure needs at least two services with uptime targets; with one, its own "
     "target says it all: remove combined_uptime"),
    ("maintenance calendar", _set("maintenance", "calendar", value="weekends"),
     "maintenance.calendar", f"unknown calendar 'weekends' (defined: {CALENDARS})"),
    ("duplicate channel", _set("reporting", "channels", 1, "id", value="phone"),
     "reporting.channels[phone].id", "duplicate channel id 'phone'"),
    ("channel calendar", _set("reporting", "channels", 0, "calendar", value="nights"),
     "reporting.channels[phone].calendar", f"unknown calendar 'nights' (defined: {CALENDARS})"),
    ("channel priority", _set("reporting", "channels", 0, "priorities", value=["P1", "P7"]),
     "reporting.channels[phone].priorities[1]",
     "unknown priority 'P7' (defined: P1, P2, P3, P4)"),
    ("priority calendar", _set("priorities", "P2", "calendar", value="nights"),
     "priorities.P2.calendar", f"unknown calendar 'nights' (defined: {CALENDARS})"),
    ("out-of-hours calendar", _set("out_of_hours", "calendar", value="nights"),
     "out_of_hours.calendar", f"unknown calendar 'nights' (defined: {CALENDARS})"),
    ("out-of-hours priority", _set("out_of_hours", "priorities", value=["P5"]),
     "out_of_hours.priorities[0]", "unknown priority 'P5' (defined: P1, P2, P3, P4)"),
    ("out-of-hours without calendar", _set("out_of_hours", "calendar", value=_DELETE),
     "out_of_hours.calendar",
     "out-of-hours support is available, so name the calendar when it can be called on"),
    ("duplicate constraint", _set("constraints", 1, "id", value="site-sundays"),
     "constraints[site-sundays].id", "duplicate constraint id 'site-sundays'"),
    ("constraint calendar", _set("constraints", 0, "calendar", value="nights"),
     "constraints[site-sundays].calendar", f"unknown calendar 'nights' (defined: {CALENDARS})"),
    ("constraint service", _set("constraints", 0, "services", value=["files", "printers"]),
     "constraints[site-sundays].services[1]",
     "unknown service 'printers' (defined: email, files, remote-access, desktop)"),
    ("modified target priority",
     _set("constraints", 0, "modified_targets", value={"P9": {"resolution": "2h"}}),
     "constraints[site-sundays].modified_targets.P9",
     "unknown priority 'P9' (defined: P1, P2, P3, P4)"),
    ("modified target calendar",
     _set("constraints", 0, "modified_targets", "P1", "calendar", value="nights"),
     "constraints[site-sundays].modified_targets.P1.calendar",
     f"unknown calendar 'nights' (defined: {CALENDARS})"),
    ("site access without calendar", _set("constraints", 0, "calendar", value=_DELETE),
     "constraints[site-sundays].calendar", "name the calendar of when the site can be entered"),
    ("warranty without calendar", _set("constraints", 1, "calendar", value=_DELETE),
     "constraints[server-warranty].calendar",
     "name the calendar of the vendor's cover window (e.g. a 9x5 calendar)"),
    ("warranty without onsite response", _set("constraints", 1, "onsite_response", value=_DELETE),
     "constraints[server-warranty].onsite_response",
     "a hardware-warranty constraint needs the vendor's onsite response (e.g. '1 business day' "
     "for next-business-day cover, or '4h')"),
    ("credits without fees", _no_fees, "credits",
     "service credits are a share of a service's monthly fee when its uptime target is missed, "
     "but no service has both an uptime target and a monthly_fee: add them, or remove credits"),
    ("credit tiers order", _set("credits", "tiers", 0, "below", value=94.0), "credits.tiers",
     "credit tiers must run from the highest 'below' threshold to the lowest"),
    ("asset service", _set("internal", "assets", 0, "services", value=["fils"]),
     "internal.assets[fs01].services[0]",
     "unknown service 'fils' (defined: email, files, remote-access, desktop); "
     "did you mean 'files'?"),
    ("asset calendar", _set("internal", "assets", 0, "calendar", value="nights"),
     "internal.assets[fs01].calendar", f"unknown calendar 'nights' (defined: {CALENDARS})"),
    ("asset warranty", _set("internal", "assets", 0, "warranty", value="nbd-cover"),
     "internal.assets[fs01].warranty", "unknown hardware-warranty constraint 'nbd-cover'"),
    ("redundancy service", _set("internal", "redundancy", "mail", value=True),
     "internal.redundancy.mail",
     "unknown service 'mail' (defined: email, files, remote-access, desktop); "
     "did you mean 'email'?"),
    ("expected tickets priority", _set("internal", "expected_tickets", "P6", value=3),
     "internal.expected_tickets.P6", "unknown priority 'P6' (defined: P1, P2, P3, P4)"),
]  # fmt: skip


@pytest.fixture(scope="module")
def acme() -> Data:
    data: Data = yaml.safe_load((EXAMPLES / "acme-standard.yaml").read_text("utf-8"))
    return data


def _validate(folder: Path, data: Data, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    for name in ("provider.yaml", "northwind-logo.png"):
        shutil.copy(EXAMPLES / name, folder / name)
    path = folder / "acme.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), "utf-8")
    capsys.readouterr()
    code = main(["validate", str(path)])
    return code, capsys.readouterr().err


def test_the_example_refers_only_to_what_it_defines(
    acme: Data, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, err = _validate(tmp_path, copy.deepcopy(acme), capsys)
    assert (code, err) == (EXIT_OK, "")


@pytest.mark.parametrize(("edit", "field", "message"), [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])  # fmt: skip
def test_each_broken_reference_is_named_with_its_field(
    acme: Data,
    edit: Callable[[Data], None],
    field: str,
    message: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    data = copy.deepcopy(acme)
    edit(data)
    code, err = _validate(tmp_path, data, capsys)
    assert code == EXIT_BAD_INPUT
    lines = [line.split(": ", 1)[1] for line in err.splitlines() if line.startswith("  ")]
    assert f"{field}: {message}" in lines, err
