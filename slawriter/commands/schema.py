"""slawriter schema: the JSON Schema of the agreement or provider file."""

from __future__ import annotations

import argparse

NAME = "schema"
HELP = "print the JSON Schema of the agreement (or provider) file"
DESCRIPTION = "Print the JSON Schema of the agreement file, for editors and scripts."
EXAMPLES = """examples:
  slawriter schema > agreement.schema.json
  slawriter schema --provider > provider.schema.json"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--provider", action="store_true", help="the provider file's schema")


def run(args: argparse.Namespace) -> int:
    import json

    from slawriter.model.agreement import Agreement
    from slawriter.model.provider import Provider

    model = Provider if args.provider else Agreement
    schema = model.model_json_schema(mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    print(json.dumps(schema, indent=2, sort_keys=True))
    return 0
