"""slawriter check, portfolio mode, the memo, and render refusing unaccepted errors."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import docx
import pytest

from slawriter.cli import main
from tests.conftest import copy_examples, need_tool


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text, f"test set-up: {old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), "utf-8")


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    copy_examples(tmp_path, "acme-standard.yaml", "corner-shop-smb.yaml")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def combined_decorative(workdir: Path) -> None:
    """A combined figure of 97 % that cannot fail before one of the services' own targets."""
    edit(
        workdir / "acme-standard.yaml",
        "  target: 99.0\n  basis: business-hours",
        "  target: 97.0\n  basis: business-hours",
    )


def single_server(workdir: Path) -> None:
    """Acme's file service without its standby server: one repair breaks 99.5 %."""
    edit(workdir / "acme-standard.yaml", "files: true", "files: false")


# --- check -------------------------------------------------------------------------------------


def test_check_clean_example_exits_0(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "check", "corner-shop-smb.yaml")
    assert code == 0
    assert out.startswith("corner-shop-smb.yaml: 0 errors, 0 warnings, 2 notes")
    assert "Notes" in out and "uptime-vs-recovery" in out


def test_check_reports_an_error_with_exit_1(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    single_server(workdir)
    combined_decorative(workdir)
    code, out, _ = run(capsys, "check", "acme-standard.yaml")
    assert code == 1
    assert out.startswith("acme-standard.yaml: 2 errors, 2 warnings, 1 note")
    errors = out.split("Errors", 1)[1].split("Warnings", 1)[0]
    assert "uptime-vs-recovery: files: 99.5%" in errors
    assert "fields: services[files].uptime.target" in errors
    assert "fix: needs redundancy" in errors


def test_check_strict_turns_warnings_into_errors(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    combined_decorative(workdir)
    assert run(capsys, "check", "acme-standard.yaml")[0] == 0  # one warning
    assert run(capsys, "check", "acme-standard.yaml", "--strict")[0] == 1


def test_check_json(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    single_server(workdir)
    code, out, _ = run(capsys, "check", "acme-standard.yaml", "--json")
    assert code == 1
    data = json.loads(out)
    assert "agreements" not in data  # only in portfolio mode
    first = data["findings"][0]
    assert first["id"] == "uptime-vs-recovery" and first["severity"] == "error"
    assert first["paths"][0] == "services[files].uptime.target"
    assert first["agreement"] == "acme-standard.yaml"
    assert set(first) == {"id", "severity", "message", "paths", "suggestion", "agreement"}


def test_check_bad_input_exits_2(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    edit(workdir / "acme-standard.yaml", "response: 30m", "response: half an hour")
    code, out, err = run(capsys, "check", "acme-standard.yaml")
    assert code == 2 and not out
    assert "priorities.P1.response" in err and "Traceback" not in err
    assert run(capsys, "check")[0] == 2


def test_list_rules(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "check", "--list-rules")
    assert code == 0
    ids = [line.split()[0] for line in out.splitlines()]
    assert ids[0] == "warranty-vs-resolution" and "vague-term" in ids and len(ids) == 24
    assert "escalation-out-of-hours" in ids
    assert ids[-2:] == ["service-without-remedy", "credit-cap-vs-tiers"]


def test_portfolio_second_customer_tips_the_first(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    customers = workdir / "customers"
    customers.mkdir()
    for name in ("provider.yaml", "northwind-logo.png", "acme-standard.yaml"):
        (customers / name).write_bytes((workdir / name).read_bytes())
    code, out, _ = run(capsys, "check", "--portfolio", "customers", "--json")
    assert code == 0, out
    alone = json.loads(out)
    assert not [f for f in alone["findings"] if f["id"] == "staffing-vs-response"]

    # A second customer with a busy help desk shares the same four people on shift.
    busy = (workdir / "corner-shop-smb.yaml").read_text("utf-8")
    busy = busy.replace("expected_tickets: {P1: 0.5, P2: 4, P3: 8}", "expected_tickets: {P3: 1400}")
    assert "P3: 1400" in busy
    (customers / "busy-clinic.yaml").write_text(busy, "utf-8")
    code, out, _ = run(capsys, "check", "--portfolio", "customers", "--json")
    assert code == 1
    data = json.loads(out)
    assert [a["file"] for a in data["agreements"]] == [
        "customers/acme-standard.yaml",
        "customers/busy-clinic.yaml",
    ]
    acme = [
        f
        for f in data["findings"]
        if f["agreement"] == "customers/acme-standard.yaml" and f["id"] == "staffing-vs-response"
    ]
    assert acme and acme[0]["severity"] == "error"
    assert "priorities.P1.response" in acme[0]["paths"]
    assert "shared with 1 other agreement" in acme[0]["message"]
    # Checked on its own, the first agreement is still fine: the team is only shared in
    # portfolio mode.
    assert run(capsys, "check", "customers/acme-standard.yaml")[0] == 0


# --- the memo ----------------------------------------------------------------------------------


def test_memo_markdown_has_findings_and_figures(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    single_server(workdir)
    code, out, _ = run(capsys, "check", "acme-standard.yaml", "--memo", "out/memo.md")
    assert code == 1
    assert "Memo written to out/memo.md (internal)" in out
    memo = (workdir / "out" / "memo.md").read_text("utf-8")
    assert memo.startswith("# Feasibility memo (internal)\n")
    # An internal memo, not a contract: no parties, the verdict straight after the cover.
    cover, _, body = memo.partition("\n## ")
    assert "Internal: do not send to the customer" in cover
    assert "NW-SLA-2027-014" in cover and "Acme Precision Engineering Ltd" in cover
    assert "**Provider**" not in cover and "**Customer**" not in cover
    assert body.startswith("1. Summary\n") and "## Contents" not in memo
    assert "Do not send as drafted" in memo
    assert "Error (uptime-vs-recovery)" in memo
    assert "What would fix it:" in memo
    # Response-time service levels per priority with the staff needed.
    assert "Response times and staffing" in memo
    assert "| P1 | 30m on 24x7 |" in memo
    assert "Method: each priority is measured in its own calendar hours with Erlang C" in memo
    # The 24x7 P1 is measured at night against the one person on call, with P1 tickets only.
    assert "| P1 | 30m on 24x7 | 1 | 1 | 0.00 |" in memo
    assert "agent(s)" not in memo
    # Downtime budgets per service against a repair.
    assert "| Email and calendar | 99.9% of all hours | 44.64 min |" in memo
    assert "one repair breaks it" in memo
    assert "## Signatures" not in memo


def test_memo_docx_opens_in_libreoffice(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    soffice = need_tool("soffice", "libreoffice")
    code, _, err = run(capsys, "check", "acme-standard.yaml", "--memo", "memo.docx")
    assert code == 0, err
    document = docx.Document(str(workdir / "memo.docx"))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings[:4] == [
        "Summary",
        "Findings",
        "Response times and staffing",
        "Downtime budgets and repairs",
    ]
    # The cover names no parties ("between ... (the "Provider") and ..."), and no contents
    # list comes between the cover and the summary.
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Internal: do not send to the customer" in text
    assert "between" not in text.split("Summary")[0]
    assert "Provider" not in text and "Customer”" not in text
    assert not [p for p in document.paragraphs if p.style.name.startswith("toc")]
    subprocess.run(
        [
            soffice,
            "--headless",
            f"-env:UserInstallation=file://{workdir / 'lo-profile'}",
            "--convert-to",
            "pdf",
            "--outdir",
            str(workdir),
            str(workdir / "memo.docx"),
        ],
        check=True,
        capture_output=True,
        timeout=50,
    )
    pdf = workdir / "memo.pdf"
    assert pdf.exists() and pdf.stat().st_size > 5000


# --- render ------------------------------------------------------------------------------------


def test_render_refuses_while_an_error_stands(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    single_server(workdir)
    code, _out, err = run(capsys, "render", "acme-standard.yaml", "--out", "out", "--format", "md")
    assert code == 3
    assert "uptime-vs-recovery" in err and "--accept-risk uptime-vs-recovery=" in err
    assert not (workdir / "out").exists()


def test_render_with_accepted_risk_records_it_internally(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    single_server(workdir)
    reason = "standby file server ordered, installed by 15 January"
    code, out, _ = run(
        capsys,
        *["render", "acme-standard.yaml", "--out", "out", "--format", "md"],
        "--accept-risk",
        f'uptime-vs-recovery="{reason}"',
        "--accept-risk",  # the same repair also breaks the combined figure
        f'combined-vs-services="{reason}"',
    )
    assert code == 0
    assert "Accepted risks in acme-standard.yaml" in out
    record = json.loads((workdir / "out" / "acme-standard.slawriter.json").read_text("utf-8"))
    risk, combined = record["accepted_risks"]
    assert combined["rule"] == "combined-vs-services"
    assert risk["rule"] == "uptime-vs-recovery" and risk["reason"] == reason
    assert risk["message"].startswith("files: 99.5%")
    document = (workdir / "out" / "acme-standard.md").read_text("utf-8")
    assert reason not in document and "uptime-vs-recovery" not in document


def test_render_prints_warnings_and_renders(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    combined_decorative(workdir)
    code, out, _ = run(capsys, "render", "acme-standard.yaml", "--out", "out", "--format", "md")
    assert code == 0
    assert "Warnings in acme-standard.yaml" in out and "combined-decorative" in out
    record = json.loads((workdir / "out" / "acme-standard.slawriter.json").read_text("utf-8"))
    assert record["accepted_risks"] == []


def test_accept_risk_needs_a_known_rule_and_a_reason(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = ["render", "acme-standard.yaml", "--out", "out", "--format", "md", "--accept-risk"]
    code, _, err = run(capsys, *base, "no-such-rule=because")
    assert code == 2 and "unknown rule 'no-such-rule'" in err
    code, _, err = run(capsys, *base, "uptime-vs-recovery")
    assert code == 2 and 'RULE-ID="reason"' in err
