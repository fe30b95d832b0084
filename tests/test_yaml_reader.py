"""The fast YAML reader (libyaml) gives exactly what ruamel gives: values, their types, the
line and column of every key and item, and ruamel's own error messages."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from slawriter.errors import InputError
from slawriter.files import yaml as reader
from tests.conftest import ROOT


def typed(value: Any) -> Any:
    """``value`` with each scalar's type beside it (True == 1 in Python, not in YAML)."""
    if isinstance(value, dict):
        return {typed(key): typed(item) for key, item in value.items()}
    if isinstance(value, list):
        return [typed(item) for item in value]
    if isinstance(value, str | int | float | date | None):
        return (type(value).__name__, value)
    return repr(value)  # ruamel's own objects (a tagged scalar) compare by identity


def both(text: str) -> tuple[reader.YamlDoc, reader.YamlDoc]:
    path = Path("x.yaml")
    return reader.parse_yaml(text, path), reader._ruamel_parse(text, path)


def assert_same(text: str) -> None:
    fast, slow = both(text)
    assert typed(fast.data) == typed(slow.data)
    assert fast.positions == slow.positions


def repository_yaml() -> list[Path]:
    found = [
        *sorted((ROOT / "examples").glob("*.yaml")),
        *sorted((ROOT / "profiles").glob("*.yaml")),
        *sorted((ROOT / "clauses").glob("*.yaml")),
        *sorted((ROOT / "slawriter").rglob("*.yaml")),
        # tests/hostile/ holds files every reader refuses (alias bombs, tags): test_hostile.py
        *sorted(p for p in (ROOT / "tests").rglob("*.yaml") if "hostile" not in p.parts),
    ]
    assert len(found) >= 6
    return found


@pytest.mark.parametrize("path", repository_yaml(), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_yaml_file_in_the_repository_reads_the_same(path: Path) -> None:
    assert_same(path.read_text("utf-8-sig"))


def test_every_clause_front_matter_reads_the_same() -> None:
    clauses = sorted((ROOT / "clauses").glob("*.md"))
    assert clauses
    for path in clauses:
        front = path.read_text("utf-8").split("---\n")[1]
        assert_same("\n" + front)


@pytest.mark.parametrize(
    "text",
    [
        "a: 1\nb: -2\nc: +3\nd: 0\ne: 1.5\nf: -0.25\ng: 2027-01-31\nh: true\ni: False\n",
        "a: ~\nb: null\nc:\nd: NULL\ne: yes\nf: no\ng: on\nh: off\ni: y\n",
        "a: '1'\nb: \"true\"\nc: |\n  one\n  two\nd: >\n  folded\n  text\n\ne: !!str 5\n",
        "a: 0777\nb: 0o17\nc: 0x1F\nd: 1_000\ne: 1e3\nf: .5\ng: .inf\nh: -.inf\ni: .nan\n",
        "a: 1.\nb: 12:30\nc: 2027-01-31T10:00:00Z\nd: 2027-1-3 10:00:00\ne: 10:00-17:00\n",
        "- a\n- [b, c]\n- {d: 1, e: [2, 3]}\n-\n  - nested\n  - - deeper\n",
        "base: &b {x: 1}\nother: *b\n",
        "base: &b {x: 1}\nother:\n  <<: *b\n  y: 2\n",
        "1: one\n2.5: two\n2027-01-01: date\nfalse: yes\n~: nothing\n",
        "text: +44 117 496 0123\nnote: -- not a list\ndash: '-'\nplus: +\nstar: a*b\n",
        "é: ünïcödé\nkey: 'a: b'\n\"quoted key\": [1, 'two', 3.0]\nwide: 漢字 and more\n",
        "%YAML 1.1\n---\na: yes\n",
        "a: =\nb: '<<'\nc: !!str x\n",  # tags other than the core ones are refused: test_hostile
        "a:\n  b:\n    c:\n      - d: 1\n        e: 2\n      - f\n",
    ],
)
def test_unusual_values_read_as_ruamel_reads_them(text: str) -> None:
    assert_same(text)


@pytest.mark.parametrize(
    "text",
    [
        "a: 1\na: 2\n",
        "a:\n  b: 1\n  c: 2\n  b: 3\n",
        "a: [1, 2\nb: 3\n",
        "a: 2027-02-30\n",
        "a: b: c\n",
        "- a\nb: c\n",
        "a: 1\n---\nb: 2\n",
        "\tkey: value\n",
    ],
)
def test_bad_yaml_fails_with_ruamel_s_message(text: str) -> None:
    path = Path("x.yaml")
    with pytest.raises(InputError) as fast:
        reader.parse_yaml(text, path)
    with pytest.raises(InputError) as slow:
        reader._ruamel_parse(text, path)
    assert fast.value.message == slow.value.message
    assert fast.value.problems == slow.value.problems


def test_the_fast_path_reads_a_plain_agreement_without_ruamel() -> None:
    text = (ROOT / "examples" / "acme-standard.yaml").read_text("utf-8")
    data, positions = reader._fast_parse(text)
    assert data["agreement"]["effective_date"] == date(2027, 1, 1)
    assert positions[("agreement", "reference")] == (9, 3)
