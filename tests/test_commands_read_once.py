"""Commands that take an agreement file read it once (the deadline command read it twice)."""

from __future__ import annotations

import pytest

import slawriter.files.load
from slawriter.cli import main
from slawriter.files.load import Loaded
from tests.conftest import EXAMPLES

AGREEMENT = str(EXAMPLES / "acme-standard.yaml")


@pytest.mark.parametrize(
    "args",
    [
        ["deadline", "--agreement", AGREEMENT, "--priority", "P2", "--from", "2026-12-24T16:00"],
        [
            "clock",
            "--agreement",
            AGREEMENT,
            "--priority",
            "P2",
            "--from",
            "2027-01-08T16:00",
            "--to",
            "2027-01-11T10:00",
        ],
        ["downtime", "--month", "2027-02", "--agreement", AGREEMENT, "--service", "files"],
    ],
    ids=["deadline", "clock", "downtime"],
)
def test_the_agreement_is_read_once(
    args: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    reads: list[object] = []
    load = slawriter.files.load.load_agreement

    def counting(*given: object, **named: object) -> Loaded:
        reads.append(given[0])
        return load(*given, **named)  # type: ignore[arg-type]

    monkeypatch.setattr(slawriter.files.load, "load_agreement", counting)
    assert main(args) == 0
    assert capsys.readouterr().out  # it answered
    assert len(reads) == 1, reads
