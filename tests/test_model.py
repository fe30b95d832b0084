"""The model's small types: durations, periods, percentages, field paths."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from slawriter.cli import main
from slawriter.model.durations import Duration, DurationError, parse_duration, parse_period
from slawriter.model.paths import format_path, parse_path, resolve
from tests.conftest import EXAMPLES


@pytest.mark.parametrize(
    ("text", "seconds", "business_days", "canonical", "words"),
    [
        ("15s", 15, 0, "15s", "15 seconds"),
        ("30m", 1800, 0, "30m", "30 minutes"),
        ("4h", 14400, 0, "4h", "4 hours"),
        ("1h 30m", 5400, 0, "1h 30m", "1 hour 30 minutes"),
        ("1h30m", 5400, 0, "1h 30m", "1 hour 30 minutes"),
        ("90 minutes", 5400, 0, "1h 30m", "1 hour 30 minutes"),
        ("1 hour", 3600, 0, "1h", "1 hour"),
        ("2 business days", 0, 2, "2 business days", "2 Business Days"),
        ("1 Business Day", 0, 1, "1 business day", "1 Business Day"),
    ],
)
def test_durations_parse_strictly(
    text: str, seconds: int, business_days: int, canonical: str, words: str
) -> None:
    duration = parse_duration(text)
    assert duration == Duration(seconds, business_days)
    assert duration.text == canonical
    assert duration.words() == words
    assert parse_duration(duration.text) == duration


@pytest.mark.parametrize("text", ["1 day", "2 days", "1d", "1 week", "3 wk"])
def test_bare_days_and_weeks_are_ambiguous(text: str) -> None:
    with pytest.raises(DurationError, match="ambiguous"):
        parse_duration(text)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("soon", "'soon' is not a duration"),
        ("4h 2h", "is not a duration"),
        ("", "empty duration"),
        (4, "4 has no unit: write 4m for minutes or 4h for hours"),
        ("0 business days", "at least 1"),
        (True, "expected a duration"),
        ("0m", "is zero"),
        ("9000h", "more than a year"),
        ("300 business days", "more than 261 business days"),
    ],
)
def test_bad_durations_say_what_was_expected(value: object, message: str) -> None:
    with pytest.raises(DurationError, match=message):
        parse_duration(value)


def test_periods() -> None:
    assert parse_period("30 days").words() == "30 calendar days"
    assert parse_period("1 month").text == "1 month"
    assert parse_period("12 Months").text == "12 months"
    with pytest.raises(ValueError, match="not a period"):
        parse_period("a while")


def test_field_paths_use_ids_for_keyed_lists() -> None:
    data = {
        "services": [{"id": "email"}, {"id": "files", "uptime": {"target": 1}}],
        "exclusions": ["a", "b"],
    }
    assert format_path(("services", 1, "uptime", "target"), data) == "services[files].uptime.target"
    assert format_path(("exclusions", 1), data) == "exclusions[1]"
    assert format_path(("priorities", "P1", "response"), data) == "priorities.P1.response"
    parts = parse_path("services[files].uptime.target")
    assert parts == ["services", "[files]", "uptime", "target"]
    assert resolve(parts, data) == ("services", 1, "uptime", "target")
    assert resolve(parse_path("exclusions[0]"), data) == ("exclusions", 0)
    assert resolve(parse_path("services[nope]"), data) is None
    with pytest.raises(ValueError, match="not a field path"):
        parse_path("services..x")


def test_percent_keeps_the_digits_typed() -> None:
    from slawriter.model.agreement import Uptime

    assert Uptime.model_validate({"target": 99.9}).target == Decimal("99.9")
    assert Uptime.model_validate({"target": "99.95%"}).target == Decimal("99.95")
    with pytest.raises(ValueError, match="not between 0 and 100"):
        Uptime.model_validate({"target": 100.5})


def test_schema_command_prints_json_schema(capsys: pytest.CaptureFixture[str]) -> None:
    import jsonschema
    from ruamel.yaml import YAML

    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    # Every example validates against it, including those that lean on profile defaults;
    # a file missing its customer does not.
    loader = YAML(typ="safe")
    for name in ("acme-standard", "corner-shop-smb", "special-characters"):
        data = json.loads(json.dumps(loader.load(EXAMPLES / f"{name}.yaml"), default=str))
        jsonschema.validate(data, schema)
    broken = json.loads(json.dumps(loader.load(EXAMPLES / "corner-shop-smb.yaml"), default=str))
    del broken["customer"]
    with pytest.raises(jsonschema.ValidationError, match="'customer' is a required property"):
        jsonschema.validate(broken, schema)
    assert schema["$schema"].endswith("2020-12/schema")
    assert {"agreement", "customer", "services", "priorities"} <= set(schema["properties"])
    assert "internal" in schema["properties"]
    assert main(["schema", "--provider"]) == 0
    provider = json.loads(capsys.readouterr().out)
    assert "page_size" in provider["properties"]


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["--version"])
    assert stop.value.code == 0
    assert capsys.readouterr().out.startswith("slawriter 0.")
