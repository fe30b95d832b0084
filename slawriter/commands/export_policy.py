"""slawriter export-policy: the agreement as a helpdesk's SLA configuration, and the check of
a policy read back from the helpdesk."""

from __future__ import annotations

import argparse
from pathlib import Path

from slawriter.commands import library_option

NAME = "export-policy"
HELP = "write the agreement as Zendesk, Freshdesk or Jira SLA policies, or OpenSLO documents"
DESCRIPTION = (
    "Write the helpdesk's SLA configuration from the agreement: Zendesk SLA policy and "
    "schedules, Freshdesk SLA policy and business hours, Jira Service Management SLA goals and "
    "calendars with a set-up checklist, or OpenSLO documents for the uptime targets. What the "
    "target cannot express is listed in <name>.<target>-NOT-EXPRESSED.md and printed as "
    "warnings (exit 0).\n\n"
    "With --check POLICY.json, compare a policy saved from the helpdesk (Zendesk, Freshdesk, or "
    "the Jira file written here) with the agreement: exit 0 when they agree, 1 with each "
    "difference, 2 when the file is not a policy."
)
EXAMPLES = """examples:
  slawriter export-policy examples/acme-standard.yaml --to zendesk --out policy/
  slawriter export-policy --check policy/acme-standard.zendesk-sla-policy.json \
      examples/acme-standard.yaml"""

TARGETS = ("zendesk", "freshdesk", "jira", "openslo")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("agreement", type=Path, metavar="AGREEMENT.yaml")
    parser.add_argument("--to", choices=TARGETS, help="the helpdesk or format to write")
    parser.add_argument(
        "--out", type=Path, default=Path("policy"), metavar="DIR", help="folder (default: policy/)"
    )
    parser.add_argument(
        "--check",
        type=Path,
        metavar="POLICY.json",
        help="compare this policy from the helpdesk with the agreement instead of writing",
    )
    parser.add_argument(
        "--force", action="store_true", help="replace outputs even if someone edited them"
    )
    library_option(parser)


def run(args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.markup import escape

    from slawriter.errors import EXIT_FOUND, EXIT_OK, InputError
    from slawriter.files.load import load_agreement
    from slawriter.files.output import display_path
    from slawriter.library import Library
    from slawriter.policy.check import compare
    from slawriter.policy.export import write
    from slawriter.policy.targets import promises
    from slawriter.text.words import plural

    console = Console(highlight=False, soft_wrap=True, emoji=False)
    warnings = Console(stderr=True, highlight=False, soft_wrap=True, emoji=False)
    quiet = getattr(args, "quiet", False)  # -q: only problems (drift); warnings still shown
    loaded = load_agreement(args.agreement, Library.locate(args.library))
    if args.check is not None:
        drift = compare(args.check, promises(loaded))
        name = escape(display_path(args.check))
        if drift.chosen:
            console.print(f"Compared the policy {escape(drift.chosen)}")
        if not drift.differences:
            if not quiet:
                console.print(
                    f"{name} ({drift.target}) agrees with "
                    f"{escape(display_path(loaded.path))}: no drift"
                )
            return EXIT_OK
        count = plural(len(drift.differences), "place")
        agreement = escape(display_path(loaded.path))
        console.print(
            f"[yellow]{name} ({drift.target}) differs from {agreement}[/yellow] in {count}:"
        )
        for line in drift.differences:
            console.print(f"  - {escape(line)}")
        return EXIT_FOUND
    if args.to is None:
        raise InputError(
            "export-policy: say which target with --to (zendesk, freshdesk, jira or openslo), "
            "or give --check POLICY.json"
        )
    written, export = write(loaded, args.to, args.out, args.force)
    if export.not_expressed:
        warnings.print(
            f"[yellow]Not expressed in {args.to}[/yellow] ({len(export.not_expressed)}; "
            "listed in the NOT-EXPRESSED file):"
        )
        for item in export.not_expressed:
            warnings.print(f"  - {escape(item)}")
    if quiet:
        return EXIT_OK
    names = ", ".join(display_path(p) for p in written)
    console.print(f"[green]Exported[/green] {escape(display_path(loaded.path))} -> {escape(names)}")
    return EXIT_OK
