"""slawriter schema: the JSON Schema of the agreement or provider file, the field reference,
and where the example files are."""

from __future__ import annotations

import argparse

from slawriter.commands import library_option

NAME = "schema"
HELP = "print the JSON Schema of the agreement (or provider) file, or the field reference"
DESCRIPTION = (
    "Print the JSON Schema of the agreement file, for editors and scripts. Fields that a "
    "profile of the library supplies by default are not required in the schema, so an "
    "agreement that relies on its profile's defaults validates. Every property has a "
    "description and an example. What validate refuses that the schema cannot express "
    "(references between fields, the provider file, the hours grammar) is listed in the "
    "schema's $comment.\n\n"
    "--docs prints the field reference (Markdown) instead; --examples prints the folder "
    "that holds the example agreements and provider files."
)
EXAMPLES = """examples:
  slawriter schema > agreement.schema.json
  slawriter schema --provider > provider.schema.json
  slawriter schema --docs | less
  cp "$(slawriter schema --examples)"/corner-shop-smb.yaml my-agreement.yaml"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--provider", action="store_true", help="the provider file's schema")
    which.add_argument(
        "--docs", action="store_true", help="print the field reference (Markdown) instead"
    )
    which.add_argument(
        "--examples", action="store_true", help="print the folder of the example files"
    )
    library_option(parser)


def run(args: argparse.Namespace) -> int:
    import json

    from slawriter.errors import EXIT_OK

    if args.docs:
        from slawriter.library.reference import reference

        print(reference(), end="")
        return EXIT_OK
    if args.examples:
        from slawriter.library.schema import examples_folder

        print(examples_folder())
        return EXIT_OK
    from slawriter.library import Library
    from slawriter.library.schema import agreement_schema, provider_schema

    schema = provider_schema() if args.provider else agreement_schema(Library.locate(args.library))
    print(json.dumps(schema, indent=2, sort_keys=True))
    return EXIT_OK
