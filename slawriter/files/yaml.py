"""Reading YAML with a line and column for every key, and validating it against the models
with messages that name the file, line and field."""

from __future__ import annotations

import functools
import re
import types
import typing
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import yaml as pyyaml

from slawriter.errors import InputError, Problem
from slawriter.files.output import display_path
from slawriter.files.reading import MAX_YAML_BYTES, NotReadable, is_stdin, read_regular
from slawriter.model.paths import Loc, format_path
from slawriter.text.words import plural

if TYPE_CHECKING:
    from pydantic import BaseModel, ValidationError

# pydantic is imported where models are validated: reading a file (the wizard's first
# question reads the profiles) does not need it.
M = TypeVar("M", bound="BaseModel")


@dataclass
class YamlDoc:
    """A parsed YAML file: plain Python data plus the line and column of every key and item."""

    path: Path
    data: Any
    positions: dict[Loc, tuple[int, int]] = field(default_factory=dict)
    text: str = ""
    # Dates that do not exist (2027-02-30), kept in ``data`` as their text so the rest of the
    # file is still checked: validate_model reports them with the other problems.
    bad_dates: list[BadDate] = field(default_factory=list)

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
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    if isinstance(node, _Unread):
        return node  # kept as it is: _collect_bad_dates finds it
    if isinstance(node, CommentedMap):
        out: dict[Any, Any] = {}
        for key in node:
            plain_key = (
                key if isinstance(key, _Unread) else str(key) if isinstance(key, str)
                else _plain(key, (), {})
            )  # fmt: skip
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


# --- the fast path: libyaml composes, we construct ---------------------------------------------
# ruamel.yaml (YAML 1.2, round-trip) is the reference reader: its values, positions and error
# messages are what users see. It is also slow (a third of a render went into it), so files
# are first composed by libyaml through PyYAML's C parser, whose nodes carry the same line and
# column marks, and only the plainest scalars are given values here: anything else (a tag, an
# alias, a merge key, a duplicate key, a time stamp, a number written unusually, a directive,
# any error) sends the whole file to ruamel, so the result is always ruamel's.


class _Fallback(Exception):
    """The fast path does not handle this file: read it with ruamel."""


class _Unread(str):
    """A date such as 2027-02-30 as the readers give it: its text, and the ``mark`` of its
    place. The rest of the file is read on; _collect_bad_dates turns these into plain text
    and notes each one's field, so every problem in the file is reported at once."""

    mark: Any = None


def _unread(text: str, mark: Any) -> _Unread:
    value = _Unread(text)
    value.mark = mark
    return value


@dataclass(frozen=True)
class BadDate:
    """A date that does not exist, where it is: its field's location, line and column."""

    loc: Loc
    text: str
    line: int | None
    column: int | None


def _collect_bad_dates(node: Any, loc: Loc, found: list[BadDate]) -> Any:
    """``node`` with every _Unread turned into plain text, each one noted in ``found``."""

    def note(value: _Unread, where: Loc) -> str:
        mark = value.mark
        line, column = (mark.line + 1, mark.column + 1) if mark is not None else (None, None)
        found.append(BadDate(where, str(value), line, column))
        return str(value)

    if isinstance(node, dict):
        out: dict[Any, Any] = {}
        for key, value in node.items():
            plain_key = note(key, (*loc, str(key))) if isinstance(key, _Unread) else key
            out[plain_key] = _collect_bad_dates(value, (*loc, plain_key), found)
        return out
    if isinstance(node, list):
        return [_collect_bad_dates(item, (*loc, index), found) for index, item in enumerate(node)]
    if isinstance(node, _Unread):
        return note(node, loc)
    return node


def _date_message(text: str) -> str:
    """Both readers' words for a date that does not exist: what is wrong with it."""
    import calendar

    found = _DATE.match(text.strip())
    reason = "not a date"
    if found:
        year, month, day = int(found[1]), int(found[2]), int(found[3])
        if not 1 <= month <= 12:
            reason = f"there is no month {month}"
        elif day < 1 or day > calendar.monthrange(year, month)[1]:
            month_name = calendar.month_name[month]
            reason = f"{month_name} {year} has {calendar.monthrange(year, month)[1]} days"
    return f"'{text.strip()}' is not a date: {reason} (dates are written YYYY-MM-DD)"


def date_problems(doc: YamlDoc, data: Any = None) -> list[Problem]:
    """The dates in ``doc`` that do not exist, as problems with their field paths (named by
    the ids in ``data``, the document's own data unless given)."""
    return [
        Problem(
            display_path(doc.path),
            _date_message(bad.text),
            bad.line,
            bad.column,
            format_path(bad.loc, doc.data if data is None else data),
        )
        for bad in doc.bad_dates
    ]


_PLAIN = "tag:slawriter:plain"  # a plain scalar, left for _scalar to resolve
_TEXT = "tag:slawriter:text"  # quoted or a block scalar, not tagged
_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"
_INT = re.compile(r"[-+]?(?:0|[1-9][0-9]*)")
_FLOAT = re.compile(r"[-+]?[0-9]+\.[0-9]+")
_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_CONSTANTS: dict[str, Any] = {
    **dict.fromkeys(("true", "True", "TRUE"), True),
    **dict.fromkeys(("false", "False", "FALSE"), False),
    **dict.fromkeys(("", "~", "null", "Null", "NULL"), None),
}
# Every plain scalar ruamel's YAML 1.2 resolver makes anything but text (from
# ruamel/yaml/resolver.py): one the fast path does not resolve itself falls back.
_NOT_TEXT = re.compile(
    r"""(?:[-+]?0b[0-1_]+|[-+]?0o?[0-7_]+|[-+]?[0-9_]+|[-+]?0x[0-9a-fA-F_]+
    |[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+]?[0-9]+)?
    |[-+]?(?:[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)
    |[-+]?\.[0-9_]+(?:[eE][-+][0-9]+)?
    |[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)
    |[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]
    |[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?
     (?:[Tt]|[\ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?
     (?:[\ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?
    |<<|=|!|&|\*)""",
    re.X,
)


if pyyaml.__with_libyaml__:

    class _Composer(pyyaml.CSafeLoader):
        """libyaml's parser; plain scalars are marked for _scalar instead of resolved."""

        def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
            if kind is pyyaml.ScalarNode:
                return _PLAIN if implicit[0] else _TEXT
            return _SEQ if kind is pyyaml.SequenceNode else _MAP


def _scalar(node: Any) -> Any:
    value: str = node.value
    if node.tag == _TEXT:
        return value
    if node.tag != _PLAIN:
        raise _Fallback
    if value in _CONSTANTS:
        return _CONSTANTS[value]
    if _INT.fullmatch(value):
        return int(value)
    if _FLOAT.fullmatch(value):
        return float(value)
    found = _DATE.fullmatch(value)
    if found:
        try:
            return date(int(found[1]), int(found[2]), int(found[3]))
        except ValueError:
            return _unread(value, node.start_mark)
    if _NOT_TEXT.fullmatch(value):
        raise _Fallback
    return value


def _construct(node: Any, loc: Loc, positions: dict[Loc, tuple[int, int]], seen: set[int]) -> Any:
    if id(node) in seen or len(loc) > MAX_DEPTH:  # an alias, or too deep: check_structure
        raise _Fallback
    seen.add(id(node))
    if node.tag == _MAP:
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, pyyaml.ScalarNode):
                raise _Fallback
            key = _scalar(key_node)
            if key in out:  # ruamel reports duplicate keys in its words
                raise _Fallback
            mark = key_node.start_mark
            positions[(*loc, key)] = (mark.line + 1, mark.column + 1)
            out[key] = _construct(value_node, (*loc, key), positions, seen)
        return out
    if node.tag == _SEQ:
        items = []
        for index, item in enumerate(node.value):
            mark = item.start_mark
            positions[(*loc, index)] = (mark.line + 1, mark.column + 1)
            items.append(_construct(item, (*loc, index), positions, seen))
        return items
    if isinstance(node, pyyaml.ScalarNode):
        return _scalar(node)
    raise _Fallback  # a tagged collection


def _fast_parse(text: str) -> tuple[Any, dict[Loc, tuple[int, int]]]:
    if not pyyaml.__with_libyaml__ or text.startswith("%") or "\n%" in text:
        raise _Fallback  # no libyaml, or a directive (%YAML 1.1 changes how values read)
    try:
        root = pyyaml.compose(text, Loader=_Composer)
    except pyyaml.YAMLError:
        raise _Fallback from None
    if root is None:
        raise _Fallback
    positions: dict[Loc, tuple[int, int]] = {}
    return _construct(root, (), positions, set()), positions


# --- what no reader is given: alias bombs, deep nesting, tags ---------------------------------
# An alias repeats a value by reference: ten levels of ten aliases each ("billion laughs")
# are a few lines of text and 10^10 values once expanded, which every reader here expands.
# Deep nesting makes the readers recurse past Python's limit, and tags ask a YAML reader to
# build objects of a named type. So a file is first scanned as a stream of events (libyaml's
# or PyYAML's parser: iterative, and it expands nothing) and refused when it has any of them.

MAX_DEPTH = 100  # levels of nesting; an agreement file needs about 6
MAX_ALIAS_VALUES = 100_000  # values that aliases may add once expanded
_CORE = "tag:yaml.org,2002:"
_ALLOWED_TAGS = {None, "!"} | {_CORE + kind for kind in ("str", "int", "float", "bool", "null",
                                                          "map", "seq")}  # fmt: skip


def _refusal(path: Path, message: str, mark: Any) -> InputError:
    name = display_path(path)
    line = mark.line + 1 if mark is not None else None
    column = mark.column + 1 if mark is not None else None
    return InputError(f"{name} cannot be read", [Problem(name, message, line, column)])


def check_structure(text: str, path: Path) -> None:
    """Refuse an alias bomb, nesting deeper than MAX_DEPTH levels and tags (InputError with
    the line and column). The text is scanned by libyaml's or PyYAML's parser; text they
    cannot parse (an anchor named ``&a.0`` is one) is scanned again by ruamel's own parser,
    since ruamel, which reads it next, would expand its aliases: no file reaches a reader
    unchecked. Text no parser can read is left to the reader to report."""
    import yaml.events as pyyaml_events

    loader = pyyaml.CSafeLoader if pyyaml.__with_libyaml__ else pyyaml.SafeLoader
    try:
        _scan(pyyaml.parse(text, Loader=loader), path, pyyaml_events)
    except pyyaml.YAMLError:
        pass
    else:
        return
    from ruamel.yaml import YAML
    from ruamel.yaml import events as ruamel_events
    from ruamel.yaml.error import YAMLError

    try:
        _scan(YAML(typ="rt").parse(text), path, ruamel_events)
    except YAMLError:
        return  # the reader reports the error in its own words


def _scan(events: Iterable[Any], path: Path, kinds: Any) -> None:
    """Refuse what check_structure refuses, in a stream of ``kinds`` events (PyYAML's or
    ruamel's module of event classes: they have the same names and fields)."""
    sizes: dict[str, int] = {}  # anchor -> values in its node, aliases expanded
    open_anchors: list[str | None] = []
    counts: list[int] = []  # values in each open collection so far
    added = 0  # values added by aliases
    for event in events:
        if isinstance(event, kinds.DocumentStartEvent):
            sizes.clear()
            continue
        raw_tag = getattr(event, "tag", None)
        tag: str | None = None if raw_tag is None else str(raw_tag)
        if tag not in _ALLOWED_TAGS:
            shown = "!!" + tag.removeprefix(_CORE) if tag and tag.startswith(_CORE) else tag
            raise _refusal(
                path,
                f"tags are not allowed (found '{shown}'): write the value without it, "
                "in quotes if it is text",
                event.start_mark,
            )
        if isinstance(event, kinds.AliasEvent):
            if event.anchor in open_anchors:
                raise _refusal(
                    path,
                    f"the alias *{event.anchor} is inside the value it refers to: "
                    "it would repeat for ever",
                    event.start_mark,
                )
            size = sizes.get(str(event.anchor), 1)
            added += size
            if added > MAX_ALIAS_VALUES:
                raise _refusal(
                    path,
                    f"aliases (here *{event.anchor}) expand this file to more than "
                    f"{MAX_ALIAS_VALUES:,} values, which looks like an 'alias bomb': "
                    "write the values out, or repeat fewer of them",
                    event.start_mark,
                )
        elif isinstance(event, kinds.CollectionStartEvent):
            if len(counts) >= MAX_DEPTH:
                raise _refusal(
                    path,
                    f"nested more than {MAX_DEPTH} levels deep: no slawriter file needs "
                    "that many; check the indentation and brackets",
                    event.start_mark,
                )
            open_anchors.append(event.anchor)
            counts.append(1)
            continue
        elif isinstance(event, kinds.CollectionEndEvent):
            anchor = open_anchors.pop()
            size = counts.pop()
            if anchor is not None:
                sizes[anchor] = size
        elif isinstance(event, kinds.ScalarEvent):
            size = 1
            if event.anchor is not None:
                sizes[event.anchor] = 1
        else:
            continue
        if counts:
            counts[-1] += size


def parse_yaml(text: str, path: Path, *, keep_bad_dates: bool = False) -> YamlDoc:
    """The YAML ``text`` of ``path``. A date that does not exist is an InputError, unless
    ``keep_bad_dates``: then it is left in ``bad_dates`` for validate_model to report along
    with every other problem of the file."""
    try:
        data, positions = _fast_parse(text)
    except _Fallback:
        check_structure(text, path)
        return _ruamel_parse(text, path, keep_bad_dates=keep_bad_dates)
    return _finish(YamlDoc(path, data, positions, text), keep_bad_dates)


def _finish(doc: YamlDoc, keep_bad_dates: bool) -> YamlDoc:
    doc.data = _collect_bad_dates(doc.data, (), doc.bad_dates)
    if doc.bad_dates and not keep_bad_dates:
        name = display_path(doc.path)
        raise InputError(f"{name} is not valid YAML", date_problems(doc))
    return doc


@functools.cache
def _ruamel_constructor() -> type:
    """ruamel's round-trip constructor, except that a date which does not exist (2027-02-30)
    is read as its text with its node's place: ruamel's own ValueError has no line or column."""
    from ruamel.yaml.constructor import RoundTripConstructor

    class Constructor(RoundTripConstructor):
        def construct_yaml_timestamp(self, node: Any, values: Any = None) -> Any:
            try:
                return super().construct_yaml_timestamp(node, values)
            except ValueError:
                return _unread(str(node.value), node.start_mark)

    Constructor.add_constructor("tag:yaml.org,2002:timestamp", Constructor.construct_yaml_timestamp)
    return Constructor


def _ruamel_parse(text: str, path: Path, *, keep_bad_dates: bool = False) -> YamlDoc:
    from ruamel.yaml import YAML
    from ruamel.yaml.constructor import DuplicateKeyError
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    yaml = YAML(typ="rt")
    yaml.Constructor = _ruamel_constructor()
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
    except RecursionError:  # check_structure could not scan the file; ruamel could
        raise _refusal(path, f"nested too deeply (at most {MAX_DEPTH} levels)", None) from None
    except (ValueError, TypeError, KeyError) as error:
        # ruamel raises plain exceptions for some values, e.g. a date such as 2027-02-30.
        raise InputError(
            f"{name} is not valid YAML",
            [Problem(name, f"a value cannot be read: {error} (check dates, YYYY-MM-DD)")],
        ) from None
    positions: dict[Loc, tuple[int, int]] = {}
    data = _plain(raw, (), positions)
    return _finish(YamlDoc(path, data, positions, text), keep_bad_dates)


def read_yaml(path: Path, *, keep_bad_dates: bool = False) -> YamlDoc:
    """The YAML file at ``path`` (see parse_yaml for ``keep_bad_dates``)."""
    name = display_path(path)

    def fail(message: str, line: int | None = None, column: int | None = None) -> InputError:
        return InputError(f"{name}: {message}", [Problem(name, message, line, column)])

    if path.is_dir() and not is_stdin(path):
        raise fail("is a folder, not a YAML file")
    try:
        raw = read_regular(path, MAX_YAML_BYTES)
    except NotReadable as error:
        raise fail(str(error)) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        before = raw[: error.start]
        line = before.count(b"\n") + 1
        column = error.start - (before.rfind(b"\n") + 1) + 1
        raise fail("is not UTF-8 text: save the file as UTF-8", line, column) from None
    return parse_yaml(text, path, keep_bad_dates=keep_bad_dates)


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
    from pydantic import BaseModel

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
        import difflib  # only for a file with an unknown field

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
    if kind in ("date_from_datetime_parsing", "date_parsing", "date_type"):
        return (
            f"expected a date as YYYY-MM-DD, e.g. 2027-01-01, found {_describe(error.get('input'))}"
        )
    if kind in (
        "int_type",
        "int_parsing",
        "float_parsing",
        "decimal_parsing",
        "bool_parsing",
        "int_from_float",
    ):
        return f"{message.lower()}, found {_describe(error.get('input'))}"
    if kind == "too_short":
        return f"{message.lower()}: give at least one entry"
    return message


def validation_problems(
    error: ValidationError,
    model: type[BaseModel],
    data: Any,
    docs: Iterable[YamlDoc],
    skip: Iterable[Loc] = (),
) -> list[Problem]:
    """pydantic's errors as problems, except those at or inside a location in ``skip``."""
    docs = list(docs)
    skip = list(skip)
    problems = []
    for item in error.errors():
        loc = tuple(p for p in item["loc"] if p != "[key]")
        # pydantic adds the validator name to a location in some unions; drop such parts
        loc = tuple(p for p in loc if isinstance(p, int) or "[" not in str(p))
        if any(loc[: len(place)] == place for place in skip):
            continue
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
    from pydantic import ValidationError

    # A date that does not exist is reported in its own words, not pydantic's as well.
    problems = [problem for doc in docs for problem in date_problems(doc, data)]
    skip = [bad.loc for doc in docs for bad in doc.bad_dates]
    try:
        validated = model.model_validate(data)
    except ValidationError as error:
        problems += validation_problems(error, model, data, docs, skip)
    else:
        if not problems:
            return validated
    count = len(problems)
    raise InputError(
        f"{display_path(docs[0].path)}: {plural(count, 'problem')} in {what}",
        sorted(problems, key=lambda p: (p.file, p.line or 0, p.column or 0)),
    )
