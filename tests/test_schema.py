"""`slawriter schema` and `slawriter validate` agree: every file validate accepts, the schema
accepts; every file validate refuses, the schema refuses too, except the refusals listed in
CANNOT_SAY, each for a reason the schema module names (NOT_EXPRESSED).

The corpus (tests/schema/) is hand-written: each file names an example agreement as its base
and the fields it changes. The schema is checked by `jsonschema` (a standard validator) with
formats asserted, on the data as an editor's YAML 1.2 reader sees it (dates are text).
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from slawriter.cli import main
from slawriter.errors import InputError
from slawriter.files.load import validate_files
from slawriter.files.yaml import deep_merge
from slawriter.library import Library
from slawriter.library.schema import NOT_EXPRESSED

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
CORPUS = Path(__file__).resolve().parent / "schema"

# Refused by validate, accepted by the schema: the file, and which of NOT_EXPRESSED says why.
CANNOT_SAY = {
    "unknown-calendar": "references by name",
    "priority-out-of-order": "priorities numbered",
    "duplicate-service-id": "priorities numbered",  # ... and ids unique within a list
    "hours-not-understood": "weekly hours",
    "unknown-time-zone": "time zones",
    "no-provider-file": "the provider file",
    "duration-over-a-year": "durations and periods",
    "percent-with-five-decimals": "percentages and amounts",
    "entity-unknown-where-registered": "a jurisdiction's forms of entity",
}


class _EditorLoader(yaml.SafeLoader):
    """YAML as a YAML 1.2 editor reads it: no time stamps, true and false the only booleans."""


_EditorLoader.yaml_implicit_resolvers = {
    first: [
        (tag, regexp)
        for tag, regexp in resolvers
        if tag not in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:bool")
    ]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
for _first in "tTfF":
    _EditorLoader.add_implicit_resolver(
        "tag:yaml.org,2002:bool",
        re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
        [_first],
    )


def _read(path: Path) -> Any:
    return yaml.load(path.read_text("utf-8"), Loader=_EditorLoader)


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    from slawriter.library.schema import agreement_schema

    return agreement_schema(Library.locate(None))


@pytest.fixture(scope="module")
def checker(schema: dict[str, Any]) -> jsonschema.Draft202012Validator:
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


def _corpus(kind: str) -> list[Path]:
    return sorted((CORPUS / kind).glob("*.yaml"))


def _build(path: Path, folder: Path) -> tuple[Path, Any]:
    """The corpus file laid over its base, written beside the example provider files."""
    first = path.read_text("utf-8").splitlines()[0]
    assert first.startswith("# base: "), f"{path.name} must start with '# base: FILE'"
    base = _read(EXAMPLES / first.removeprefix("# base: "))
    data = deep_merge(base, _read(path))
    for name in ("provider.yaml", "provider-us.yaml", "northwind-logo.png"):
        shutil.copy(EXAMPLES / name, folder / name)
    target = folder / path.name
    target.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    return target, data


def _validate_refuses(path: Path) -> bool:
    try:
        validate_files([path], Library.locate(None))
    except InputError:
        return True
    return False


def _examples() -> list[Path]:
    return [p for p in sorted(EXAMPLES.glob("*.yaml")) if "profile" in _read(p)]


@pytest.mark.parametrize("path", _examples(), ids=lambda p: p.stem)
def test_the_schema_accepts_every_example(
    path: Path, checker: jsonschema.Draft202012Validator
) -> None:
    assert not _validate_refuses(path)
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in checker.iter_errors(_read(path))]
    assert errors == []


@pytest.mark.parametrize("path", _corpus("good"), ids=lambda p: p.stem)
def test_the_schema_accepts_what_validate_accepts(
    path: Path, tmp_path: Path, checker: jsonschema.Draft202012Validator
) -> None:
    built, data = _build(path, tmp_path)
    assert not _validate_refuses(built)
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in checker.iter_errors(data)]
    assert errors == []


@pytest.mark.parametrize("path", _corpus("bad"), ids=lambda p: p.stem)
def test_the_schema_refuses_what_validate_refuses_where_it_can_say_so(
    path: Path, tmp_path: Path, checker: jsonschema.Draft202012Validator
) -> None:
    built, data = _build(path, tmp_path)
    assert _validate_refuses(built), f"validate accepts {path.name}: not a bad file"
    refused = not checker.is_valid(data)
    if path.stem in CANNOT_SAY:
        assert not refused, f"the schema refuses {path.name}: take it off CANNOT_SAY"
        assert any(reason.startswith(CANNOT_SAY[path.stem]) for reason in NOT_EXPRESSED)
    else:
        assert refused, f"the schema accepts {path.name}, which validate refuses"


def test_the_corpus_covers_both_sides() -> None:
    bad = {p.stem for p in _corpus("bad")}
    assert set(CANNOT_SAY) <= bad
    assert len(bad - set(CANNOT_SAY)) >= 17  # refusals the schema makes itself
    assert len(_corpus("good")) >= 5


def _properties(schema: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """Every property of every mapping in the schema, by owner and name."""
    owners = [("(file)", schema), *schema.get("$defs", {}).items()]
    return [
        (f"{owner}.{name}", node)
        for owner, model in owners
        for name, node in model.get("properties", {}).items()
    ]


def test_every_property_has_a_description_and_an_example(schema: dict[str, Any]) -> None:
    from slawriter.library.schema import provider_schema

    for whole in (schema, provider_schema()):
        found = _properties(whole)
        assert len(found) > 150 if whole is schema else len(found) > 20
        assert [name for name, node in found if not node.get("description")] == []
        assert [name for name, node in found if not node.get("examples")] == []


def test_every_example_in_the_schema_is_valid_by_the_schema(schema: dict[str, Any]) -> None:
    """An editor offers the examples as completions: each must pass its own property."""
    for name, node in _properties(schema):
        sub = {**node, "$defs": schema["$defs"]}
        checker = jsonschema.Draft202012Validator(sub, format_checker=jsonschema.FormatChecker())
        for example in node["examples"]:
            errors = [e.message for e in checker.iter_errors(example)]
            assert errors == [], f"{name}: example {example!r}"


def test_schema_command_prints_the_same_schema(
    schema: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["schema"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed == schema
    assert printed["properties"]["profile"]["enum"] == ["smb", "standard"]
