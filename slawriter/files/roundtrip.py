"""Round-trip YAML: load a file, change some values, save it, keep what a person wrote.

The wizard rewrites an agreement file after every answer. ruamel.yaml's round-trip mode keeps
comments, key order and quoting of everything it does not touch, so notes a person added by
hand survive. Saves are atomic (slawriter.files.write_atomic): a reader sees the old file or
the new one, never half of one.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError

from slawriter.errors import InputError
from slawriter.files.output import display_path, write_atomic
from slawriter.files.reading import MAX_YAML_BYTES, NotReadable, read_regular
from slawriter.files.yaml import check_structure
from slawriter.model.paths import Loc


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096  # one line per value: long sentences are not folded
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def load(path: Path) -> CommentedMap:
    """The file's round-trip mapping, or an empty one when the file does not exist."""
    if not path.exists() and not path.is_symlink():
        return CommentedMap()
    try:
        raw = read_regular(path, MAX_YAML_BYTES)
    except NotReadable as error:
        raise InputError(f"{display_path(path)}: {error}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(
            f"{display_path(path)}: is not UTF-8 text: save the file as UTF-8"
        ) from None
    return loads(text, path)


def loads(text: str, path: Path) -> CommentedMap:
    check_structure(text, path)  # alias bombs, deep nesting and tags, before ruamel sees them
    try:
        data = _yaml().load(text)
    except YAMLError as error:
        raise InputError(
            f"{display_path(path)} is not valid YAML: run 'slawriter validate "
            f"{display_path(path)}' for details ({str(error).splitlines()[0]})"
        ) from None
    if data is None:
        return CommentedMap()
    if not isinstance(data, CommentedMap):
        raise InputError(f"{display_path(path)}: expected a mapping of fields (key: value lines)")
    return data


def dumps(data: CommentedMap) -> str:
    stream = io.StringIO()
    _yaml().dump(data, stream)
    return stream.getvalue()


def save(path: Path, data: CommentedMap) -> None:
    write_atomic(path, dumps(data).encode("utf-8"))


def to_yaml(value: Any) -> Any:
    """Plain Python values -> values ruamel writes well (block lists and maps, numbers)."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral() else float(value)
    if isinstance(value, dict) and not isinstance(value, CommentedMap):
        out = CommentedMap()
        for key, item in value.items():
            out[key] = to_yaml(item)
        return out
    if isinstance(value, list | tuple) and not isinstance(value, CommentedSeq):
        seq = CommentedSeq()
        seq.extend(to_yaml(item) for item in value)
        return seq
    return value


def plain(value: Any) -> Any:
    """Round-trip values -> plain dict/list/str/int/float/bool/date (for validation)."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, str):
        return str(value)
    if isinstance(value, date):
        return date(value.year, value.month, value.day)
    return value


_MISSING = object()


def get(data: Any, loc: Sequence[str | int], default: Any = None) -> Any:
    node = data
    for part in loc:
        if isinstance(part, int):
            if not isinstance(node, list) or not 0 <= part < len(node):
                return default
            node = node[part]
        else:
            if not isinstance(node, dict) or part not in node:
                return default
            node = node[part]
    return node


def has(data: Any, loc: Sequence[str | int]) -> bool:
    return get(data, loc, _MISSING) is not _MISSING


def put(data: CommentedMap, loc: Loc, value: Any) -> None:
    """Set ``loc`` to ``value``, creating mappings on the way; a list index may append."""
    if not loc:
        raise ValueError("empty location")
    node: Any = data
    for position, part in enumerate(loc[:-1]):
        following = loc[position + 1]
        if isinstance(part, int):
            while len(node) <= part:
                node.append(CommentedMap())
            if node[part] is None:
                node[part] = CommentedMap()
            node = node[part]
        else:
            if not isinstance(node.get(part), dict | list):
                node[part] = CommentedSeq() if isinstance(following, int) else CommentedMap()
            node = node[part]
    last = loc[-1]
    if isinstance(last, int):
        while len(node) <= last:
            node.append(None)
        node[last] = to_yaml(value)
    else:
        node[last] = to_yaml(value)


def delete(data: CommentedMap, loc: Loc) -> bool:
    """Remove ``loc``; mappings left empty on the way are removed too. True if it existed."""
    if not has(data, loc):
        return False
    parent = get(data, loc[:-1]) if len(loc) > 1 else data
    del parent[loc[-1]]
    if len(loc) > 1 and isinstance(parent, dict) and not parent:
        delete(data, loc[:-1])
    return True


def copy_comments(source: Any, target: Any) -> None:
    """Put ``source``'s comments on the same keys and items of ``target`` (a newer copy).

    The file on disk may have gained hand comments while the wizard held its own copy:
    they are carried over before the wizard's copy is written.
    """
    if isinstance(source, CommentedMap) and isinstance(target, CommentedMap):
        if source.ca.comment and not target.ca.comment:
            target.ca.comment = source.ca.comment
        for key, comment in source.ca.items.items():
            if key in target:
                target.ca.items[key] = comment
        for key, value in source.items():
            if key in target:
                copy_comments(value, target[key])
    elif isinstance(source, CommentedSeq) and isinstance(target, CommentedSeq):
        for index, comment in source.ca.items.items():
            if isinstance(index, int) and index < len(target):
                target.ca.items[index] = comment
        for value, newer in zip(source, target, strict=False):
            copy_comments(value, newer)
