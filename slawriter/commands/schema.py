"""slawriter schema: the JSON Schema of the agreement or provider file."""

from __future__ import annotations

import argparse
from typing import Any

from slawriter.commands import library_option

NAME = "schema"
HELP = "print the JSON Schema of the agreement (or provider) file"
DESCRIPTION = (
    "Print the JSON Schema of the agreement file, for editors and scripts. Fields that a "
    "profile of the library supplies by default are not required in the schema, so an "
    "agreement that relies on its profile's defaults validates."
)
EXAMPLES = """examples:
  slawriter schema > agreement.schema.json
  slawriter schema --provider > provider.schema.json"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--provider", action="store_true", help="the provider file's schema")
    library_option(parser)


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


def run(args: argparse.Namespace) -> int:
    import json

    from slawriter.errors import EXIT_OK
    from slawriter.files.yaml import deep_merge
    from slawriter.library import Library
    from slawriter.model.agreement import Agreement
    from slawriter.model.provider import Provider

    model = Provider if args.provider else Agreement
    schema = model.model_json_schema(mode="validation")
    if not args.provider:
        library = Library.locate(args.library)
        supplied: dict[str, Any] = {}
        for path in sorted(library.profiles_dir.glob("*.yaml")):
            supplied = deep_merge(supplied, library.profile(path.stem).defaults)
        relax_defaults(schema, supplied, schema)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    print(json.dumps(schema, indent=2, sort_keys=True))
    return EXIT_OK
