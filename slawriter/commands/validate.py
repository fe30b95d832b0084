"""slawriter validate: check agreement (and provider) files without writing anything."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from slawriter.commands import json_option, library_option

NAME = "validate"
HELP = "check agreement files without writing anything"
DESCRIPTION = (
    "Check agreement files (and the provider files they name) and report every problem "
    "with file, line and field. '-' reads an agreement from standard input (its provider "
    "path is then relative to the current folder)."
)
EXAMPLES = """examples:
  slawriter validate examples/acme-standard.yaml
  slawriter validate --json examples/*.yaml
  cat acme.yaml | slawriter validate -"""
SUMMARY = True  # -q: the exit code says it


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("agreements", nargs="+", type=Path, metavar="AGREEMENT.yaml")
    json_option(parser, "print the outcome as JSON (keys: README, 'JSON output')")
    library_option(parser)


def run(args: argparse.Namespace) -> int:
    import json
    import sys

    from slawriter.errors import EXIT_BAD_INPUT, EXIT_OK, InputError
    from slawriter.files.load import validate_files
    from slawriter.files.output import display_path
    from slawriter.files.reading import check_stdin_once
    from slawriter.library import Library
    from slawriter.text.words import plural

    check_stdin_once(args.agreements)
    library = Library.locate(args.library)
    try:
        agreements, providers = validate_files(args.agreements, library)
    except InputError as error:
        if not args.json:
            raise
        print(json.dumps(_outcome([], [], error.problems), indent=2, ensure_ascii=False))
        sys.stderr.write(f"slawriter: {error}\n")
        return EXIT_BAD_INPUT
    if args.json:
        print(json.dumps(_outcome(agreements, providers, []), indent=2, ensure_ascii=False))
        return EXIT_OK
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


def _outcome(agreements: list[Any], providers: list[Path], problems: list[Any]) -> dict[str, Any]:
    from slawriter.commands import problem_json
    from slawriter.files.output import display_path

    return {
        "valid": not problems,
        "agreements": [
            {
                "file": display_path(loaded.path),
                "profile": loaded.profile.id,
                "services": len(loaded.agreement.services),
                "priorities": list(loaded.agreement.priorities),
                "provider": display_path(loaded.provider_path),
                "incomplete": loaded.agreement.incomplete,
            }
            for loaded in agreements
        ],
        "providers": [display_path(path) for path in providers],
        "problems": [problem_json(p) for p in problems],
    }
