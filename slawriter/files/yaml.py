"""Reading YAML with a line and column for every key, and validating it against the models
with messages that name the file, line and field."""

from __future__ import annotations

import difflib
import types
import typing
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import DuplicateKeyError
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from slawriter.errors import InputError, Problem
from slawriter.files.output import display_path
from slawriter.model.paths import Loc, format_path

M = TypeVar("M", bound=BaseModel)


@dataclass
class YamlDoc:
    """A parsed YAML file: plain Python data plus the line and column of every key and item."""

    path: Path
    data: Any
    positions: dict[Loc, tuple[int, int]] = field(default_factory=dict)
    text: str = ""

    def position(self, loc: Loc) -> tuple[int, int] | None:
        """Line and column (1-based) of ``loc``, or of its nearest ancestor in this file."""
        for end in range(len(loc), 0, -1):
            found = self.positions.get(tuple(loc[:end]))
            if found:
                return found
        return None

    def has(self, loc: Loc) -> bool:
        return tuple(loc) in self.positions


def _plain(node: Any, loc: Loc, positions: dict[Loc, tuple[int, int]]) -> Any:
    """ruamel's round-trip objects -> dict/list/str/int/float/bool/date, recording positions."""
    if isinstance(node, CommentedMap):
        out: dict[Any, Any] = {}
        for key in node:
            plain_key = _plain(key, (), {}) if not isinstance(key, str) else str(key)
            try:
                line, column = node.lc.key(key)
            except (KeyError, TypeError):  # a key merged in with '<<:' has no place of its own
                pass
            else:
                positions[(*loc, plain_key)] = (line + 1, column + 1)
            out[plain_key] = _plain(node[key], (*loc, plain_key), positions)
        return out
    if isinstance(node, CommentedSeq):
        items = []
        for index, item in enumerate(node):
            line, column = node.lc.item(index)
            positions[(*loc, index)] = (line + 1, column + 1)
            items.append(_plain(item, (*loc, index), positions))
        return items
    if isinstance(node, bool) or node is None:
        return node
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        return float(node)
    if isinstance(node, str):
        return str(node)
    if isinstance(node, datetime):
        return datetime(*node.timetuple()[:6], node.microsecond, tzinfo=node.tzinfo)
    if isinstance(node, date):
        return date(node.year, node.month, node.day)
    return node


def _first_definition(text: str, key: str, line: int, column: int) -> int | None:
    """The 1-based line of the first ``key:`` at ``column`` in the mapping that holds the
    duplicate at 0-based ``line`` (None when it cannot be told)."""
    lines = text.splitlines()
    for number in range(line - 1, -1, -1):
        candidate = lines[number]
        if candidate[:column].strip(" -") == "" and candidate[column:].startswith(
            (f"{key}:", f'"{key}":', f"'{key}':")
        ):
            return number + 1
        indent = len(candidate) - len(candidate.lstrip(" "))
        if candidate.strip() and not candidate.lstrip().startswith("#") and indent < column:
            return None  # left the mapping the duplicate is in
    return None


def parse_yaml(text: str, path: Path) -> YamlDoc:
    yaml = YAML(typ="rt")
    yaml.allow_duplicate_keys = False
    name = display_path(path)
    try:
        raw = yaml.load(text)
    except DuplicateKeyError as error:
        mark = error.problem_mark
        key = str(error.problem).split('"')[1] if '"' in str(error.problem) else "?"
        first = _first_definition(text, key, mark.line if mark else 0, mark.column if mark else 0)
        where = f" (first defined at line {first})" if first else ""
        raise InputError(
            f"{name} is not valid",
            [
                Problem(
                    name,
                    f"duplicate key '{key}'{where}; each key may appear only once",
                    mark.line + 1 if mark else None,
                    mark.column + 1 if mark else None,
                )
            ],
        ) from None
    except MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        problem = (error.problem or error.context or "not valid YAML").strip()
        raise InputError(
            f"{name} is not valid YAML",
            [
                Problem(
                    name,
                    f"not valid YAML: {problem} (check indentation, colons and quotes)",
                    mark.line + 1 if mark else None,
                    mark.column + 1 if mark else None,
                )
            ],
        ) from None
    except YAMLError as error:
        raise InputError(
            f"{name} is not valid YAML", [Problem(name, f"not valid YAML: {error}")]
        ) from None
    except (ValueError, TypeError, KeyError) as error:
        # ruamel raises plain exceptions for some values, e.g. a date such as 2027-02-30.
        raise InputError(
            f"{name} is not valid YAML",
            [Problem(name, f"a value cannot be read: {error} (check dates, YYYY-MM-DD)")],
        ) from None
    positions: dict[Loc, tuple[int, int]] = {}
    data = _plain(raw, (), positions)
    return YamlDoc(path, data, positions, text)


def read_yaml(path: Path) -> YamlDoc:
    name = display_path(path)

    def fail(message: str, line: int | None = None, column: int | None = None) -> InputError:
        return InputError(f"{name}: {message}", [Problem(name, message, line, column)])

    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise fail("no such file") from None
    except IsADirectoryError:
        raise fail("is a folder, not a YAML file") from None
    except OSError as error:
        raise fail(f"cannot be read ({error.strerror})") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        before = raw[: error.start]
        line = before.count(b"\n") + 1
        column = error.start - (before.rfind(b"\n") + 1) + 1
        raise fail("is not UTF-8 text: save the file as UTF-8", line, column) from None
    return parse_yaml(text, path)


def deep_merge(base: Any, over: Any) -> Any:
    """Mappings merge key by key; anything else in ``over`` replaces ``base``."""
    if isinstance(base, dict) and isinstance(over, dict):
        merged = dict(base)
        for key, value in over.items():
            merged[key] = deep_merge(base[key], value) if key in base else value
        return merged
    return over


def _unwrap(annotation: Any) -> list[Any]:
    """The concrete types an annotation may hold (Optional, Annotated and unions opened)."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        out: list[Any] = []
        for arg in typing.get_args(annotation):
            out.extend(_unwrap(arg))
        return out
    return [annotation]


def _fields_at(model: type[BaseModel], loc: Loc) -> list[str]:
    """The field names allowed at ``loc`` inside ``model`` (for "did you mean")."""
    candidates: list[Any] = [model]
    for part in loc:
        following: list[Any] = []
        for candidate in candidates:
            for kind in _unwrap(candidate):
                if isinstance(kind, type) and issubclass(kind, BaseModel):
                    info = kind.model_fields.get(str(part))
                    if info is not None:
                        following.append(info.annotation)
                elif typing.get_origin(kind) in (list, tuple) and isinstance(part, int):
                    following.extend(typing.get_args(kind)[:1])
                elif typing.get_origin(kind) is dict:
                    following.extend(typing.get_args(kind)[1:2])
        candidates = following
    names: list[str] = []
    for candidate in candidates:
        for kind in _unwrap(candidate):
            if isinstance(kind, type) and issubclass(kind, BaseModel):
                names.extend(kind.model_fields)
    return names


def _describe(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing"
    return repr(value)


def _message(error: Mapping[str, Any], model: type[BaseModel], loc: Loc) -> str:
    kind = error["type"]
    if kind == "missing":
        return "required field is missing"
    if kind == "extra_forbidden":
        name = str(loc[-1])
        allowed = _fields_at(model, loc[:-1])
        close = difflib.get_close_matches(name, allowed, n=1, cutoff=0.6)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        listing = f" (expected one of: {', '.join(allowed)})" if allowed and not close else ""
        return f"unknown field '{name}'{hint}{listing}"
    message = str(error["msg"]).removeprefix("Value error, ")
    if kind == "literal_error":
        expected = error.get("ctx", {}).get("expected", "")
        return f"expected {expected}, found {_describe(error.get('input'))}"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return f"expected a mapping of fields, found {_describe(error.get('input'))}"
    if kind == "list_type":
        return f"expected a list, found {_describe(error.get('input'))}"
    if kind in ("string_type",):
        return f"expected text, found {_describe(error.get('input'))}"
    if kind in (
        "int_type",
        "int_parsing",
        "float_parsing",
        "decimal_parsing",
        "bool_parsing",
        "date_from_datetime_parsing",
        "date_parsing",
        "date_type",
        "int_from_float",
    ):
        return f"{message.lower()}, found {_describe(error.get('input'))}"
    if kind == "too_short":
        return f"{message.lower()}: give at least one entry"
    return message


def validation_problems(
    error: ValidationError, model: type[BaseModel], data: Any, docs: Iterable[YamlDoc]
) -> list[Problem]:
    docs = list(docs)
    problems = []
    for item in error.errors():
        loc = tuple(p for p in item["loc"] if p != "[key]")
        # pydantic adds the validator name to a location in some unions; drop such parts
        loc = tuple(p for p in loc if isinstance(p, int) or "[" not in str(p))
        problems.append(_locate(loc, _message(item, model, loc), data, docs))
    return problems


def _locate(loc: Loc, message: str, data: Any, docs: list[YamlDoc]) -> Problem:
    path = format_path(loc, data) if loc else None
    # The first file that holds the deepest part of the location is the one to blame.
    for end in range(len(loc), -1, -1):
        for doc in docs:
            if end == 0 or doc.has(loc[:end]):
                position = doc.position(loc[:end]) if end else None
                line, column = position if position else (None, None)
                return Problem(display_path(doc.path), message, line, column, path)
    return Problem(display_path(docs[0].path), message, None, None, path)


def locate(loc: Loc, message: str, data: Any, docs: Iterable[YamlDoc]) -> Problem:
    return _locate(tuple(loc), message, data, list(docs))


def validate_model(model: type[M], data: Any, docs: Iterable[YamlDoc], what: str) -> M:
    docs = list(docs)
    if not isinstance(data, dict):
        raise InputError(
            f"{display_path(docs[0].path)} is not {what}",
            [
                Problem(
                    display_path(docs[0].path),
                    f"expected a mapping of fields, found {_describe(data)}",
                    1,
                    1,
                )
            ],
        )
    try:
        return model.model_validate(data)
    except ValidationError as error:
        problems = validation_problems(error, model, data, docs)
        count = len(problems)
        raise InputError(
            f"{display_path(docs[0].path)}: {count} problem{'s' if count != 1 else ''} in {what}",
            sorted(problems, key=lambda p: (p.file, p.line or 0, p.column or 0)),
        ) from None
