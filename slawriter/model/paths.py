"""Field paths: one syntax for errors, --data, findings and lint.

``priorities.P1.response`` names a key of a mapping; ``services[email].uptime.target`` names
the item of a list whose ``id`` is ``email``; ``exclusions[0]`` names a list item without an
id by its position, counted from 0.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

Loc = tuple[str | int, ...]

_TOKEN = re.compile(r"\.?([A-Za-z_][A-Za-z0-9_-]*)|\[([^\]]+)\]")


def format_path(loc: Sequence[str | int], data: Any = None) -> str:
    """Turn a location (keys and indices) into a field path, using ids where items have them."""
    out = ""
    node = data
    for part in loc:
        if isinstance(part, int):
            label: str = str(part)
            if isinstance(node, list) and 0 <= part < len(node):
                item = node[part]
                if isinstance(item, dict) and isinstance(item.get("id"), str):
                    label = item["id"]
                node = item
            else:
                node = None
            out += f"[{label}]"
        else:
            out += f".{part}" if out else str(part)
            node = node.get(part) if isinstance(node, dict) else None
    return out


def parse_path(path: str) -> list[str | int]:
    """Split a field path into keys, ids (str in brackets) and indices (int in brackets).

    A bracketed id stays a string (``services[email]`` -> ["services", "[email]"]) so callers
    can tell it from a mapping key; a bracketed number becomes an int.
    """
    parts: list[str | int] = []
    position = 0
    while position < len(path):
        match = _TOKEN.match(path, position)
        if not match or (position == 0 and path.startswith(".")):
            raise ValueError(f"'{path}' is not a field path (e.g. priorities.P1.response)")
        if match.group(1) is not None:
            parts.append(match.group(1))
        else:
            inner = match.group(2)
            parts.append(int(inner) if inner.isdigit() else f"[{inner}]")
        position = match.end()
    if not parts:
        raise ValueError("empty field path")
    return parts


def resolve(loc_or_path: Sequence[str | int], data: Any) -> Loc | None:
    """Turn parsed path parts into a location of plain keys and indices within ``data``."""
    out: list[str | int] = []
    node = data
    for part in loc_or_path:
        if isinstance(part, str) and part.startswith("["):
            wanted = part[1:-1]
            if not isinstance(node, list):
                return None
            for index, item in enumerate(node):
                if isinstance(item, dict) and item.get("id") == wanted:
                    out.append(index)
                    node = item
                    break
            else:
                return None
        elif isinstance(part, int):
            if not isinstance(node, list) or part >= len(node):
                return None
            out.append(part)
            node = node[part]
        else:
            if not isinstance(node, dict) or part not in node:
                return None
            out.append(part)
            node = node[part]
    return tuple(out)
