"""slawriter provenance: which clause versions a generated agreement was drafted from."""

from __future__ import annotations

import argparse
from pathlib import Path

NAME = "provenance"
HELP = "print which clause versions, profile and library an agreement was drafted from"
DESCRIPTION = (
    "Print the provenance a generated Word agreement carries in its custom properties: the "
    "slawriter version, the profile, the agreement file's SHA-256 hash, the library commit "
    "and each clause's id, variant and version. Works on a file edited in Word as well."
)
EXAMPLES = """examples:
  slawriter provenance out/acme-standard.docx
  slawriter provenance out/acme-standard.docx --json"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("documents", nargs="+", type=Path, metavar="FILE.docx")
    parser.add_argument("--json", action="store_true", help="print JSON (one object per file)")


def run(args: argparse.Namespace) -> int:
    from slawriter.drafting.provenance import read_provenance
    from slawriter.errors import EXIT_OK
    from slawriter.files.output import display_path

    found = [(path, read_provenance(path)) for path in args.documents]
    for index, (path, provenance) in enumerate(found):
        if args.json:
            print(provenance.as_json())
            continue
        if index:
            print()
        if len(found) > 1:
            print(f"{display_path(path)}:")
        print(provenance.as_text())
    return EXIT_OK
