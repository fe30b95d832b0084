"""The agreement and provider files' field reference, from the models themselves.

``slawriter schema --docs`` prints it, so an installed user has it without the repository;
docs/agreement-file.md is the same text (scripts/agreement_reference.py writes it, and
tests/test_docs_and_packaging.py fails when the two differ). Change a model, run `make docs`.
"""

from __future__ import annotations

import types
import typing
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from slawriter.model.agreement import Agreement
from slawriter.model.provider import Provider

INTRO = """# The agreement and provider files: field reference

Generated from the models (`slawriter schema --docs` prints it); do not edit by hand.
Field paths use the syntax of every slawriter message: `priorities.P1.response`,
`services[email].uptime.target` (a list item by its `id`), `exclusions[0]` (by position).

Types: *duration* is `15s`, `30m`, `4h`, `1h 30m` or `N business days` (a bare `day` is
refused as ambiguous); *period* is calendar `N days`, `N months` or `N years`; *hours* is weekly
hours such as `mon-fri 09:00-17:30`, `mon-fri 08:00-12:00, 13:00-17:00; sat 09:00-12:00`,
`mon-fri 22:00-06:00` (overnight) or `24x7`; *percent* is a number from 0 to 100 (`99.9`).
Fields marked *required* have no default; the profile's `defaults:` may supply them.
*Limits* are refused by `slawriter validate` with a message naming the field: they keep every
accepted file computable by `check`, `render` and `report`, and quick. Text may not contain
characters a Word document cannot hold (control characters other than tab and line breaks,
U+FFFE, U+FFFF and unpaired surrogates).
"""

_NAMES = {
    "Duration": "duration",
    "Period": "period",
    "WeeklyHours": "hours",
    "Decimal": "number",
    "str": "text",
    "int": "whole number",
    "float": "number",
    "bool": "yes/no",
    "date": "date (YYYY-MM-DD)",
}


def _type_name(annotation: Any) -> str:
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Annotated:
        base = args[0]
        meta = (
            " ".join(repr(m) for m in args[1:])
            + " "
            + " ".join(repr(getattr(m, "func", "")) for m in args[1:])
        )
        if "percent" in meta or "_percent" in meta:
            return "percent"
        if "_money" in meta:
            return "money"
        if "_slug" in meta:
            return "id"
        if "_priority_id" in meta:
            return "priority id"
        if "_timezone" in meta:
            return "time zone (IANA)"
        if "_holiday_code" in meta:
            return "holidays (CC or CC-SUB)"
        if "_day_hours" in meta:
            return "hours of one day"
        return _type_name(base)
    if origin in (typing.Union, types.UnionType):
        names = [_type_name(a) for a in args if a is not type(None)]
        return " or ".join(names)
    if origin is typing.Literal:
        return " / ".join(f"`{a}`" for a in args)
    if origin is list:
        return f"list of {_type_name(args[0])}"
    if origin is dict:
        return f"mapping of {_type_name(args[0])} to {_type_name(args[1])}"
    if origin is tuple:
        return "hours of one day"
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return "mapping (below)"
    return _NAMES.get(getattr(annotation, "__name__", str(annotation)), str(annotation))


def _limits(info: FieldInfo) -> str:
    """The limits of a field as the reader meets them: its own, then each entry's."""
    found: list[str] = []

    def note(text: str) -> None:
        if text not in found:
            found.append(text)

    def walk(annotation: Any, prefix: str) -> None:
        origin = typing.get_origin(annotation)
        args = typing.get_args(annotation)
        if origin is typing.Annotated:
            for meta in args[1:]:
                own(meta, prefix)
            walk(args[0], prefix)
        elif origin in (typing.Union, types.UnionType):
            for arg in args:
                walk(arg, prefix)
        elif origin is list:
            walk(args[0], "each: ")
        elif origin is dict:
            walk(args[0], "keys: ")
            walk(args[1], "each: ")

    def own(meta: Any, prefix: str) -> None:
        text = getattr(meta, "doc_limit", None)
        if isinstance(text, str):
            note(prefix + text)
        low, high = getattr(meta, "ge", None), getattr(meta, "le", None)
        if high is not None:
            note(f"{prefix}at most {high:,}")
        elif low is not None and low > 0:
            note(f"{prefix}at least {low:,}")

    for meta in info.metadata:
        own(meta, "")
    walk(info.annotation, "")
    return "; ".join(found)


def _default(info: FieldInfo) -> str:
    if info.is_required():
        return "*required*"
    if info.default_factory is not None:
        value = info.default_factory()  # type: ignore[call-arg]
        if isinstance(value, BaseModel):
            return "(defaults below)"
        return "empty" if not value else f"`{value}`"
    value = info.default
    if value is None or value is PydanticUndefined:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return f"`{getattr(value, 'text', value)}`"


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    found: list[type[BaseModel]] = []
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    for arg in typing.get_args(annotation):
        found.extend(_models_in(arg))
    return found


def _rows(model: type[BaseModel], prefix: str, out: list[str], seen: set[str]) -> None:
    for name, info in model.model_fields.items():
        if info.exclude:
            continue
        path = f"{prefix}{name}"
        description = (info.description or "").replace("|", "\\|")
        kind = _type_name(
            typing.Annotated[info.annotation, *info.metadata] if info.metadata else info.annotation
        )
        out.append(f"| `{path}` | {kind} | {_default(info)} | {_limits(info)} | {description} |")
        for sub in _models_in(info.annotation):
            origin = typing.get_origin(info.annotation)
            if origin is list or "list of" in _type_name(info.annotation):
                child = f"{path}[id]." if "id" in sub.model_fields else f"{path}[n]."
            elif "mapping of" in _type_name(info.annotation):
                key = "P1" if "priority" in _type_name(info.annotation) else "NAME"
                child = f"{path}.{key}."
            else:
                child = f"{path}."
            if (child + sub.__name__) in seen:
                continue
            seen.add(child + sub.__name__)
            _rows(sub, child, out, seen)


def reference() -> str:
    lines = [INTRO]
    for title, model in (("The agreement file", Agreement), ("The provider file", Provider)):
        lines += [
            f"## {title}",
            "",
            "| Field | Type | Default | Limits | Meaning |",
            "|---|---|---|---|---|",
        ]
        _rows(model, "", lines, set())
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
