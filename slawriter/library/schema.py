"""The JSON Schema of the agreement and provider files, for editors and scripts.

It accepts every file ``slawriter validate`` accepts and refuses what JSON Schema can say:
types, enumerations, patterns (ids, priority ids, dates, durations, periods), limits, the
library's profiles, jurisdictions, regimes and clause variants. What it cannot say is listed
in ``NOT_EXPRESSED`` (and in the README); tests/test_schema.py holds the two to that.

Fields a profile of the library supplies by default are not required in the agreement's
schema, so an agreement that relies on its profile's defaults validates. Every property has a
description and an example (from the built-in example agreements where they have the field),
so that an editor's hover explains it.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from slawriter.files.yaml import deep_merge
from slawriter.model.agreement import Agreement
from slawriter.model.provider import Provider

if TYPE_CHECKING:
    from slawriter.library import Library

JSON_SCHEMA_DRAFT = "https://json-schema.org/draft/2020-12/schema"

# What `validate` refuses that the schema cannot: each needs another file, a computation or
# a comparison between fields that JSON Schema has no words for.
NOT_EXPRESSED = (
    "references by name: calendars, services, priorities and warranty constraints named "
    "elsewhere in the agreement or the provider file must exist",
    "priorities numbered P1, P2, ... in order, and ids unique within a list",
    "the provider file: it must exist and be valid, and a logo must be a PNG or JPEG",
    "fields a profile supplies: the schema cannot tell which profile leaves which field to "
    "the agreement, so a field any profile supplies is optional for every profile",
    "weekly hours: the grammar (days, times, overlaps, at least one hour a week)",
    "durations and periods: at most a year (periods 100 years), a unit used once, not zero",
    "time zones and holiday calendars: known to this computer's time zone database and to "
    "the holidays package",
    "a jurisdiction's forms of entity, and the company number some of them print",
    "percentages and amounts written as numbers: at most 4 decimal places",
)


def agreement_schema(library: Library) -> dict[str, Any]:
    schema = Agreement.model_json_schema(mode="validation")
    _pattern_keys(schema)
    supplied: dict[str, Any] = {}
    for path in _profile_files(library):
        supplied = deep_merge(supplied, library.profile(path.stem).defaults)
    relax_defaults(schema, supplied, schema)
    _library_names(schema, library)
    _cross_field(schema)
    profiles = [_as_json(library.profile(p.stem).defaults) for p in _profile_files(library)]
    add_examples(schema, [doc for doc in _examples() if "profile" in doc] + profiles)
    schema["$schema"] = JSON_SCHEMA_DRAFT
    schema["$comment"] = "Refused by 'slawriter validate' but not by this schema: " + "; ".join(
        NOT_EXPRESSED
    )
    schema["title"] = "slawriter agreement file"
    schema["description"] = (
        "One agreement between a provider and a customer. Field reference: "
        "'slawriter schema --docs'."
    )
    return schema


def _profile_files(library: Library) -> list[Path]:
    return sorted(library.profiles_dir.glob("*.yaml"))


def provider_schema() -> dict[str, Any]:
    schema = Provider.model_json_schema(mode="validation")
    _pattern_keys(schema)
    add_examples(schema, [doc for doc in _examples() if "profile" not in doc])
    schema["$schema"] = JSON_SCHEMA_DRAFT
    schema["title"] = "slawriter provider file"
    schema["description"] = (
        "The provider: shared by all its agreements. Field reference: 'slawriter schema --docs'."
    )
    return schema


def examples_folder() -> Path:
    """The built-in example agreements and provider files (inside the package when
    installed from a wheel)."""
    from slawriter.library import builtin_library_root

    return builtin_library_root() / "examples"


def _examples() -> list[dict[str, Any]]:
    """The built-in example files (agreements and providers), as JSON sees them."""
    from slawriter.files.yaml import read_yaml

    found = []
    for path in sorted(examples_folder().glob("*.yaml")):
        data = read_yaml(path).data
        if isinstance(data, dict):
            found.append(_as_json(data))
    return found


def _as_json(value: Any) -> Any:
    """YAML's values as a JSON document (and an editor's YAML 1.2 reader) has them."""
    if isinstance(value, dict):
        return {str(_as_json(k)): _as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_json(item) for item in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


def _resolve(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    """``node`` with a $ref followed."""
    while "$ref" in node:
        node = schema["$defs"][node["$ref"].rsplit("/", 1)[-1]]
    return node


def _options(schema: dict[str, Any], node: dict[str, Any]) -> list[dict[str, Any]]:
    """The schemas ``node`` allows, $refs followed and anyOf opened (null left out)."""
    node = _resolve(schema, node)
    if "anyOf" in node:
        found: list[dict[str, Any]] = []
        for option in node["anyOf"]:
            found.extend(_options(schema, option))
        return found
    return [] if node.get("type") == "null" else [node]


def _walk(node: Any, visit: Any) -> None:
    if isinstance(node, dict):
        visit(node)
        for value in node.values():
            _walk(value, visit)
    elif isinstance(node, list):
        for value in node:
            _walk(value, visit)


def _pattern_keys(schema: dict[str, Any]) -> None:
    """pydantic writes a mapping with patterned keys (priorities: P1 to P9) as
    patternProperties, which lets any other key through: say instead that every key must
    match and every value is an entry."""

    def visit(node: dict[str, Any]) -> None:
        patterns = node.get("patternProperties")
        if isinstance(patterns, dict) and len(patterns) == 1:
            ((pattern, entry),) = patterns.items()
            del node["patternProperties"]
            node["additionalProperties"] = entry
            names = node.setdefault("propertyNames", {})
            names["pattern"] = pattern

    _walk(schema, visit)


def _target(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any] | None:
    """The object schema ``node`` stands for, following $ref and nullable anyOf."""
    options = [o for o in _options(schema, node) if "properties" in o]
    return options[0] if len(options) == 1 else None


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
                # profile's entry of the same key (P1 from P1). Which keys a profile has is
                # not the schema's to know, so a field any entry supplies is optional.
                entry = _target(schema, child["additionalProperties"])
                supplied: dict[str, Any] = {}
                for each in value.values():
                    if isinstance(each, dict):
                        supplied = deep_merge(supplied, each)
                if entry is not None:
                    relax_defaults(schema, supplied, entry)


def _library_names(schema: dict[str, Any], library: Library) -> None:
    """The names the library defines: profiles, jurisdictions, regimes, clause variants."""
    properties = schema["properties"]
    profiles = [path.stem for path in _profile_files(library)]
    properties["profile"]["enum"] = profiles
    places = sorted(library.jurisdictions.places)
    regimes = sorted(library.jurisdictions.regimes)
    defs = schema["$defs"]
    if places:
        defs["AgreementInfo"]["properties"]["jurisdiction"]["enum"] = places
        for option in defs["Customer"]["properties"]["registered_in"]["anyOf"]:
            if option.get("type") == "string":
                option["enum"] = places
    if regimes:
        for option in defs["DataProtection"]["properties"]["regimes"]["anyOf"]:
            if option.get("type") == "array":
                option["items"]["enum"] = regimes
    variants: dict[str, list[str]] = {}
    for clause_id, variant in library.clauses:
        variants.setdefault(clause_id, []).append(variant)
    field = properties["variants"]
    field["properties"] = {
        clause_id: {
            "type": "string",
            "enum": sorted(names),
            "description": f"The variant of the clause '{clause_id}' to use",
        }
        for clause_id, names in sorted(variants.items())
    }
    field["additionalProperties"] = False
    chosen = [(c, sorted(v)) for c, v in sorted(variants.items()) if len(v) > 1]
    if chosen:
        field["examples"] = [{chosen[0][0]: chosen[0][1][-1]}]


def _cross_field(schema: dict[str, Any]) -> None:
    """Rules between the fields of one mapping that JSON Schema can state."""
    # Under HIPAA the business associate agreement must be named (model/agreement.py).
    schema["$defs"]["DataProtection"]["if"] = {
        "properties": {"regimes": {"type": "array", "contains": {"const": "hipaa"}}},
        "required": ["regimes"],
    }
    schema["$defs"]["DataProtection"]["then"] = {"required": ["processing_terms"]}


def add_examples(schema: dict[str, Any], documents: list[Any]) -> None:
    """Give every property that has no example the first value the example files give it."""
    seen: set[int] = set()

    def visit(node: dict[str, Any], values: list[Any]) -> None:
        for option in _options(schema, node):
            if id(option) in seen and not values:
                continue
            seen.add(id(option))
            properties = option.get("properties")
            if isinstance(properties, dict):
                mappings = [v for v in values if isinstance(v, dict)]
                for name, child in properties.items():
                    found = [m[name] for m in mappings if name in m]
                    visit(child, found)
                    if "examples" not in child:
                        example = _example(schema, child, found)
                        if example:
                            child["examples"] = example
            items = option.get("items")
            if isinstance(items, dict):
                visit(items, [i for v in values if isinstance(v, list) for i in v])
            entries = option.get("additionalProperties")
            if isinstance(entries, dict):
                visit(entries, [e for v in values if isinstance(v, dict) for e in v.values()])

    visit(schema, documents)


def _example(schema: dict[str, Any], node: dict[str, Any], found: list[Any]) -> list[Any]:
    """Examples for a property: its type's own, else a value from the example files, else
    its default (or its one allowed value), so that every property has one."""
    options = _options(schema, node)
    for option in options:
        if "examples" in option:
            return list(option["examples"])
    if found:
        return [found[0]]
    if node.get("default") is not None:
        return [node["default"]]
    for option in options:
        if "const" in option:
            return [option["const"]]
        if "enum" in option:
            return [option["enum"][0]]
    for option in options:  # a mapping no example file has: one made of its fields' examples
        fields = option.get("properties", {})
        made = {k: v["examples"][0] for k, v in fields.items() if v.get("examples")}
        if made:
            return [made]
    return []
