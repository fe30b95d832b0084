"""slawriter schema: the JSON Schema of the agreement or provider file."""

from __future__ import annotations

import argparse

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


def run(args: argparse.Namespace) -> int:
    import json

    from slawriter.errors import EXIT_OK
    from slawriter.library import Library
    from slawriter.library.schema import agreement_schema, provider_schema

    schema = provider_schema() if args.provider else agreement_schema(Library.locate(args.library))
    print(json.dumps(schema, indent=2, sort_keys=True))
    return EXIT_OK
