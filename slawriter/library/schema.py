"""The JSON Schema of the agreement and provider files, for editors and scripts.

Fields a profile of the library supplies by default are not required in the agreement's
schema, so an agreement that relies on its profile's defaults validates.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from slawriter.files.yaml import deep_merge
from slawriter.model.agreement import Agreement
from slawriter.model.provider import Provider

if TYPE_CHECKING:
    from slawriter.library import Library

JSON_SCHEMA_DRAFT = "https://json-schema.org/draft/2020-12/schema"


def agreement_schema(library: Library) -> dict[str, Any]:
    schema = Agreement.model_json_schema(mode="validation")
    supplied: dict[str, Any] = {}
    for path in sorted(library.profiles_dir.glob("*.yaml")):
        supplied = deep_merge(supplied, library.profile(path.stem).defaults)
    relax_defaults(schema, supplied, schema)
    schema["$schema"] = JSON_SCHEMA_DRAFT
    return schema


def provider_schema() -> dict[str, Any]:
    schema = Provider.model_json_schema(mode="validation")
    schema["$schema"] = JSON_SCHEMA_DRAFT
    return schema


def _target(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any] | None:
    """The object schema ``node`` stands for, following $ref and nullable anyOf."""
    for _ in range(4):
        if "$ref" in node:
            node = schema["$defs"][node["$ref"].rsplit("/", 1)[-1]]
        elif "anyOf" in node:
            options = [o for o in node["anyOf"] if o.get("type") != "null"]
            if len(options) != 1:
                return None
            node = options[0]
        else:
            break
    return node if "properties" in node else None


def relax_defaults(schema: dict[str, Any], defaults: dict[str, Any], node: dict[str, Any]) -> None:
    """Drop from ``required`` every field the profile defaults supply, at every depth."""
    required = node.get("required")
    if isinstance(required, list):
        node["required"] = [name for name in required if name not in defaults]
        if not node["required"]:
            del node["required"]
    for name, value in defaults.items():
        child = node.get("properties", {}).get(name)
        if isinstance(value, dict) and isinstance(child, dict):
            target = _target(schema, child)
            if target is not None:
                relax_defaults(schema, value, target)
            elif isinstance(child.get("additionalProperties"), dict):
                # A mapping such as priorities: each entry takes missing fields from the
                # profile's entry of the same key (P1 from P1), so relax by what they share.
                entries = [v for v in value.values() if isinstance(v, dict)]
                entry = _target(schema, child["additionalProperties"])
                if entries and entry is not None:
                    shared = {k: v for k, v in entries[0].items() if all(k in e for e in entries)}
                    relax_defaults(schema, shared, entry)
