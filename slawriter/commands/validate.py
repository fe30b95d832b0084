"""slawriter validate: check agreement (and provider) files without writing anything."""

from __future__ import annotations

import argparse
from pathlib import Path

from slawriter.commands import library_option

NAME = "validate"
HELP = "check agreement files without writing anything"
DESCRIPTION = (
    "Check agreement files (and the provider files they name) and report every problem "
    "with file, line and field."
)
EXAMPLES = "example:\n  slawriter validate examples/acme-standard.yaml"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("agreements", nargs="+", type=Path, metavar="AGREEMENT.yaml")
    library_option(parser)


def run(args: argparse.Namespace) -> int:
    from slawriter.errors import EXIT_OK
    from slawriter.files.load import validate_files
    from slawriter.files.output import display_path
    from slawriter.library import Library
    from slawriter.text.words import plural

    library = Library.locate(args.library)
    agreements, providers = validate_files(args.agreements, library)
    for loaded in agreements:
        agreement = loaded.agreement
        services = len(agreement.services)
        print(
            f"{display_path(loaded.path)}: valid ({loaded.profile.id} profile, "
            f"{plural(services, 'service')}, "
            f"{plural(len(agreement.priorities), 'priority', 'priorities')}, "
            f"provider {display_path(loaded.provider_path)})"
        )
        if agreement.incomplete:
            print(
                f"  unfinished: the questionnaire has not finished; carry on with "
                f"'slawriter new --resume {display_path(loaded.path)}'"
            )
    for path in providers:
        print(f"{display_path(path)}: valid provider file")
    return EXIT_OK
