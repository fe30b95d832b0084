"""The commands as users run them: exit codes, the cli's own branches, validate's success
output, report's presets and diff's every kind of change."""

from __future__ import annotations

import copy
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from slawriter.cli import main
from slawriter.errors import (
    EXIT_BAD_INPUT,
    EXIT_FOUND,
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_REFUSED,
)
from tests.conftest import EXAMPLES

Data = dict[str, Any]


@pytest.fixture(scope="module")
def acme() -> Data:
    data: Data = yaml.safe_load((EXAMPLES / "acme-standard.yaml").read_text("utf-8"))
    return data


def _write(folder: Path, name: str, data: Data) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for support in ("provider.yaml", "northwind-logo.png"):
        if not (folder / support).exists():
            shutil.copy(EXAMPLES / support, folder / support)
    path = folder / name
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), "utf-8")
    return path


# --- diff: every kind of change, in the words the summary prints ---------------------------


def _edit(*path: str | int, value: Any = None, delete: bool = False) -> Callable[[Data], None]:
    def edit(data: Data) -> None:
        node: Any = data
        for key in path[:-1]:
            node = node[key]
        if delete:
            del node[path[-1]]
        else:
            node[path[-1]] = value

    return edit


def _both(*edits: Callable[[Data], None]) -> Callable[[Data], None]:
    def edit(data: Data) -> None:
        for one in edits:
            one(data)

    return edit


def _drop_p4(data: Data) -> None:
    del data["priorities"]["P4"]
    for channel in data["reporting"]["channels"]:
        channel["priorities"] = [p for p in channel["priorities"] if p != "P4"]
    del data["internal"]["expected_tickets"]["P4"]


def _drop_desktop(data: Data) -> None:
    data["services"] = [s for s in data["services"] if s["id"] != "desktop"]
    data["constraints"][0]["services"] = ["files"]


EXCLUSIONS = [
    "The SolidWorks PDM vault and its database, which are supported by their vendor under "
    "the Customer's own support contract",
    "Hardware that is outside its manufacturer's warranty and not covered by a Provider "
    "hardware-care plan",
]

# (id, edit of the old side (None: as the example), edit of the new side, the lines
# commitment_changes gives)
DIFF_CASES: list[tuple[str, Callable[[Data], None] | None, Callable[[Data], None], list[str]]] = [
    ("dict value changed", None,
     _edit("constraints", 0, "modified_targets", "P1", "resolution", value="2 business days"),
     ["Constraints, site-sundays, modified targets, P1, resolution: 1 Business Day -> "
      "2 Business Days"]),
    ("dict key added", None,
     _edit("constraints", 0, "modified_targets", "P2", value={"resolution": "3 business days"}),
     ["Constraints, site-sundays, modified targets, P2: added (resolution 3 Business Days)"]),
    ("dict key removed", None, _edit("constraints", 1, "modified_targets", "P1", delete=True),
     ["Constraints, server-warranty, modified targets, P1: removed"]),
    ("named item removed", None, _edit("escalation", 2, delete=True),
     ["Escalation, Managing Director: removed"]),
    ("named item added", _edit("escalation", 2, delete=True), lambda data: None,
     ["Escalation, Managing Director: added"]),
    ("named item changed", None, _edit("escalation", 0, "reply_within", value="30m"),
     ["Escalation, Service Desk Team Leader, reply within: 1 hour -> 30 minutes"]),
    ("value removed from a list", None, _edit("exclusions", value=EXCLUSIONS),
     ["Exclusions: removed 'Faults caused by changes made to covered systems without the "
      "Provider's written agreement'",
      "Exclusions: removed 'The Customer's telephone system and broadband lines, which are "
      "supplied and supported by their carrier'"]),
    ("list reordered", None, lambda data: data["exclusions"].reverse(),
     ["Exclusions: order changed"]),
    ("part removed", None, _edit("combined_uptime", delete=True),
     ["Combined uptime: removed"]),
    ("part added", _edit("combined_uptime", delete=True), lambda data: None,
     ["Combined uptime: added (target 99 %, basis business-hours, services email; files; "
      "remote-access)"]),
    ("part changed", None, _edit("combined_uptime", "target", value=98.0),
     ["Uptime, combined, target: 99 % -> 98 %"]),
    ("value emptied", None, _edit("out_of_hours", "rate", value=None),
     ["Out-of-hours support, rate: 95 -> none"]),
    ("priority removed", None, _drop_p4,
     ["P4 (Low) removed", "Reporting, channels, phone, priorities: removed 'P4'",
      "Reporting, channels, portal, priorities: removed 'P4'",
      "Reporting, channels, email, priorities: removed 'P4'"]),
    ("priority added", _drop_p4, lambda data: None,
     ["P4 (Low) added: response 1 Business Day, resolution 5 Business Days, "
      "updates every 2 Business Days", "Reporting, channels, phone, priorities: added 'P4'",
      "Reporting, channels, portal, priorities: added 'P4'",
      "Reporting, channels, email, priorities: added 'P4'"]),
    ("priority target changed", None, _edit("priorities", "P2", "update", value="3h"),
     ["P2 update interval: 2 hours -> 3 hours"]),
    ("service removed", None, _drop_desktop,
     ["Service Desktop and user support removed",
      "Constraints, site-sundays, services: removed 'desktop'"]),
    ("service added", _drop_desktop, lambda data: None,
     ["Service Desktop and user support added",
      "Constraints, site-sundays, services: added 'desktop'"]),
    ("uptime basis changed", None, _edit("services", 1, "uptime", "basis", value="all-time"),
     ["Uptime, File and print services, basis: business-hours -> all-time"]),
    ("uptime target and calendar changed", None,
     _edit("services", 1, "uptime", value={"target": 99.9, "basis": "business-hours",
                                           "calendar": "extended"}),
     ["Uptime, File and print services: 99.5 % -> 99.9 %",
      "Uptime, File and print services, calendar: none -> extended"]),
    ("service field changed", None, _edit("services", 0, "users", value="90 named users"),
     ["Service Email and calendar, users: 85 named users -> 90 named users"]),
    ("credit tier added and removed", None,
     _edit("credits", "tiers", value=[{"below": 99.9, "credit": 5},
                                      {"below": 99.5, "credit": 10},
                                      {"below": 99.0, "credit": 25},
                                      {"below": 90.0, "credit": 50}]),
     ["Service credit below 95 %: removed (was 50 %)", "Service credit below 90 %: added (50 %)"]),
]  # fmt: skip


@pytest.mark.parametrize(("old_edit", "new_edit", "expected"), [c[1:] for c in DIFF_CASES],
                         ids=[c[0] for c in DIFF_CASES])  # fmt: skip
def test_diff_names_every_kind_of_change(
    acme: Data,
    old_edit: Callable[[Data], None] | None,
    new_edit: Callable[[Data], None],
    expected: list[str],
    tmp_path: Path,
) -> None:
    from slawriter.files.load import load_agreement
    from slawriter.library import Library
    from slawriter.review.diff import commitment_changes

    old_data, new_data = copy.deepcopy(acme), copy.deepcopy(acme)
    if old_edit is not None:
        old_edit(old_data)
    new_edit(new_data)
    library = Library.locate(None)
    old = load_agreement(_write(tmp_path / "old", "acme.yaml", old_data), library)
    new = load_agreement(_write(tmp_path / "new", "acme.yaml", new_data), library)
    assert commitment_changes(old.agreement, new.agreement) == expected


def _drafts(tmp_path: Path, acme: Data) -> tuple[Path, Path]:
    old = _write(tmp_path / "old", "acme.yaml", acme)
    new = _write(tmp_path / "new", "acme.yaml", acme)
    return old, new


def test_diff_compares_the_provider_files_too(
    acme: Data, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old, new = _drafts(tmp_path, acme)
    provider = new.parent / "provider.yaml"
    text = provider.read_text("utf-8")
    assert text.count("hours: mon-fri 08:00-17:00") == 1
    provider.write_text(text.replace("mon-fri 08:00-17:00", "mon-fri 08:00-18:00"), "utf-8")
    assert main(["diff", str(old), str(new)]) == EXIT_FOUND
    out = capsys.readouterr().out.splitlines()
    assert out[1] == (
        "  Provider, calendars, hardware-9x5, hours: Monday to Friday, 08:00 to 17:00 -> "
        "Monday to Friday, 08:00 to 18:00"
    )


@pytest.mark.parametrize(
    ("extra", "code", "message"),
    [
        (["--out", "redline.pdf"], EXIT_BAD_INPUT, "redline.pdf: the redline is a .docx file"),
        (["--out", "taken.docx"], EXIT_REFUSED, "Refusing to overwrite taken.docx: pass --force"),
        (["--date", "Christmas"], EXIT_BAD_INPUT, "--date: 'Christmas' is not a date such as"),
    ],
    ids=["not docx", "exists", "bad date"],
)
def test_diff_refuses_before_drafting(
    acme: Data,
    extra: list[str],
    code: int,
    message: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    old, new = _drafts(tmp_path, acme)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "taken.docx").write_bytes(b"someone's redline")
    assert main(["diff", str(old), str(new), *extra]) == code
    assert message in capsys.readouterr().err
    assert (tmp_path / "taken.docx").read_bytes() == b"someone's redline"


def test_diff_takes_two_agreements_or_one_with_an_old_library(
    acme: Data, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old, new = _drafts(tmp_path, acme)
    assert main(["diff", str(old), str(new), str(new)]) == EXIT_BAD_INPUT
    assert "diff compares OLD.yaml NEW.yaml" in capsys.readouterr().err


# --- validate: what success says -----------------------------------------------------------


def test_validate_names_profile_services_priorities_and_provider(
    acme: Data, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    one_service = copy.deepcopy(acme)
    one_service["services"] = one_service["services"][:1]
    del one_service["combined_uptime"]
    one_service["constraints"] = []
    one_service["internal"] = {"redundancy": {"email": True}}
    unfinished = copy.deepcopy(acme) | {"incomplete": True}
    _write(tmp_path, "acme.yaml", acme)
    _write(tmp_path, "solo.yaml", one_service)
    _write(tmp_path, "draft.yaml", unfinished)
    monkeypatch.chdir(tmp_path)
    paths = ["acme.yaml", "solo.yaml", "draft.yaml", "provider.yaml"]
    assert main(["validate", *paths]) == EXIT_OK
    assert capsys.readouterr().out.splitlines() == [
        "acme.yaml: valid (standard profile, 4 services, 4 priorities, provider provider.yaml)",
        "solo.yaml: valid (standard profile, 1 service, 4 priorities, provider provider.yaml)",
        "draft.yaml: valid (standard profile, 4 services, 4 priorities, provider provider.yaml)",
        "  unfinished: the questionnaire has not finished; carry on with "
        "'slawriter new --resume draft.yaml'",
        "provider.yaml: valid provider file",
    ]


def test_validate_checks_a_provider_file_given_on_its_own(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = tmp_path / "provider.yaml"
    text = (EXAMPLES / "provider.yaml").read_text("utf-8")
    broken.write_text(text.replace("agents: 4", "agents: many"), "utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["validate", "provider.yaml"]) == EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert err.startswith("slawriter: 1 problem found\n  provider.yaml:")
    assert "internal.staffing[0].agents" in err


# --- the cli: usage, and how each outcome becomes an exit code --------------------------------


def test_no_command_prints_the_help_and_exits_with_bad_usage(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main([]) == EXIT_BAD_INPUT
    out = capsys.readouterr().out
    assert out.startswith("usage: slawriter")
    assert "exit codes: 0 done, 1 found problems, 2 bad input, 3 refused" in out


def test_a_bad_option_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as raised:
        main(["validate", "--colour"])
    assert raised.value.code == EXIT_BAD_INPUT
    assert "slawriter validate: error: the following arguments are required" in (
        capsys.readouterr().err
    )


def _raising(error: BaseException) -> Callable[[object], int]:
    def run(args: object) -> int:
        raise error

    return run


@pytest.mark.parametrize(
    ("error", "code", "err"),
    [
        (KeyboardInterrupt(), EXIT_INTERRUPTED, "slawriter: interrupted\n"),
        (BrokenPipeError(), EXIT_OK, ""),
        (
            ZeroDivisionError("division by zero"),
            EXIT_INTERNAL,
            "slawriter: internal error (ZeroDivisionError: division by zero). This is a bug in "
            "slawriter, not in your files; please report it with the command you ran.\n",
        ),
    ],
    ids=["ctrl-c", "closed pipe", "bug"],
)
def test_each_way_a_command_can_end_has_its_exit_code(
    error: BaseException,
    code: int,
    err: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import slawriter.commands.schema

    monkeypatch.setattr(slawriter.commands.schema, "run", _raising(error))
    assert main(["schema"]) == code
    assert capsys.readouterr().err == err


def test_a_refusal_exits_3_and_bad_input_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "notes.txt").write_text("ours", "utf-8")
    assert main(["library", "init", str(tmp_path / "taken")]) == EXIT_REFUSED
    assert "Refusing to write into" in capsys.readouterr().err
    (tmp_path / "file").write_text("", "utf-8")
    assert main(["library", "init", str(tmp_path / "file")]) == EXIT_BAD_INPUT
    assert "is a file, not a folder" in capsys.readouterr().err


# --- report: presets are files ------------------------------------------------------------


def test_report_lists_the_presets_with_their_descriptions(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["report", "--list-presets"]) == EXIT_OK
    lines = capsys.readouterr().out.splitlines()
    unconfirmed = "(column names not confirmed against the vendor's documentation)"
    pad = " " * 13
    none = f"{pad}status history: no documented export"
    canonical = "; read with the canonical columns"
    not_found = f"{none}: no documentation of a status history export by the vendor was found"
    assert lines == [
        "canonical    slawriter's own column names (the default)",
        "autotask     Autotask PSA ticket export (import template format) (not "
        "confirmed against the vendor's documentation: 'Priority', 'First Response Date/Time', "
        "'Complete Date/Time', 'Issue Type')",
        f"{pad}https://autotask.net/help/content/4_admin/_UTILITIES_IMPORT/Ticket_Import.htm",
        f"{not_found}{canonical}",
        f"connectwise  ConnectWise Manage service ticket export {unconfirmed}",
        f"{not_found}{canonical}",
        f"freshdesk    Freshdesk ticket export {unconfirmed}",
        f"{not_found}{canonical}",
        f"halopsa      HaloPSA ticket export {unconfirmed}",
        f"{not_found}{canonical}",
        "jira         Jira / Jira Service Management issue export (CSV) (column names "
        "not confirmed against the vendor's documentation)",
        f"{pad}https://support.atlassian.com/jira-software-cloud/docs/export-issues/",
        f"{none}: the CSV issue export has no history; Jira Data Center's data pipeline "
        f"writes one (preset jira-dc){canonical}",
        "jira-dc      Jira (Service Management) Data Center data pipeline export "
        "(issues, issue_history) (not confirmed against the vendor's documentation: "
        "'priority', 'created_date', 'resolution_date')",
        f"{pad}https://confluence.atlassian.com/display/ADMINJIRASERVER/Data+pipeline+export+schema",
        f"{pad}status history: the vendor's documented export (https://ja.confluence.atlassian."
        "com/display/ADMINJIRASERVER0908/_SvIncludePlusContent-_DP_Schema_Issue_History_Jira)",
        "zendesk      Zendesk Support CSV ticket export (column names confirmed against "
        "the vendor's documentation)",
        f"{pad}https://support.zendesk.com/hc/en-us/articles/4408886165402",
        f"{none}: Zendesk documents ticket history only through its API (ticket audits and "
        f"the incremental ticket event export, JSON), not as a CSV export{canonical}",
    ]


def test_a_library_adds_a_preset_with_a_file_and_a_broken_one_is_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    library = tmp_path / "lib"
    assert main(["library", "init", str(library)]) == EXIT_OK
    (library / "presets").mkdir()
    (library / "presets" / "deskly.yaml").write_text(
        "name: Deskly\ndescription: Deskly CSV export\ntickets:\n  id: Ref\n", "utf-8"
    )
    capsys.readouterr()
    assert main(["report", "--list-presets", "--library", str(library)]) == EXIT_OK
    assert (
        "deskly       Deskly CSV export "
        "(column names not confirmed against the vendor's documentation)"
    ) in capsys.readouterr().out.splitlines()
    (library / "presets" / "deskly.yaml").write_text(
        "name: Deskly\ntickets:\n  id: Ref\n  opened: Opened\n", "utf-8"
    )
    assert main(["report", "--list-presets", "--library", str(library)]) == EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert "deskly.yaml:4:3: tickets.opened: unknown field 'opened'" in err, err


def test_report_needs_an_agreement_tickets_and_a_period(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["report", "--period", "2027-01"]) == EXIT_BAD_INPUT
    assert capsys.readouterr().err == (
        "slawriter: report needs AGREEMENT.yaml, --tickets (or --list-presets)\n"
    )


def test_the_presets_keep_the_columns_they_had() -> None:
    """The files say what the dict in presets.py said before presets became data, except
    where issue 13 matched them to the vendors' documented exports (Autotask's created)."""
    from slawriter.measure.mapping import list_presets

    presets = list_presets()
    assert {name: (m.name, m.tickets["created"], m.priorities) for name, m in presets.items()} == {
        "autotask": ("Autotask PSA", "Create Date/Time",
                     {"critical": "P1", "high": "P2", "medium": "P3", "low": "P4"}),
        "connectwise": ("ConnectWise Manage", "Date Entered", {}),
        "freshdesk": ("Freshdesk", "Created time", {"urgent": "P1", "high": "P2", "medium": "P3",
                                                    "normal": "P3", "low": "P4"}),
        "halopsa": ("HaloPSA", "Date Logged", {}),
        "jira": ("Jira Service Management", "Created", {"highest": "P1", "high": "P2",
                                                        "medium": "P3", "low": "P4",
                                                        "lowest": "P4"}),
        # Added by issue 13: the data pipeline's files, which carry the status history.
        "jira-dc": ("Jira Data Center data pipeline", "created_date",
                    {"highest": "P1", "high": "P2", "medium": "P3", "low": "P4",
                     "lowest": "P4"}),
        "zendesk": ("Zendesk", "Created at", {"urgent": "P1", "high": "P2", "medium": "P3",
                                              "normal": "P3", "low": "P4"}),
    }  # fmt: skip
    # No preset reads pauses: exports rarely carry them (docs/measurement.md).
    assert all("paused" not in m.tickets for m in presets.values())
    # Zendesk exports the first reply only as minutes after logging (no "First reply at").
    assert [c for c in presets["zendesk"].tickets] == [
        "id", "priority", "created", "resolved", "service", "first_reply_minutes"
    ]  # fmt: skip
