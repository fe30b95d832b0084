"""The command line: the one place a SlawriterError becomes a message and an exit code.

Exit codes (every command): 0 done; 1 done, and it found problems; 2 bad input or usage;
3 refused in order to protect something (e.g. an edited output without --force);
130 interrupted, with everything saved.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from slawriter import __version__
from slawriter.errors import SlawriterError

EXIT_OK, EXIT_FOUND, EXIT_INPUT, EXIT_REFUSED, EXIT_INTERRUPTED = 0, 1, 2, 3, 130


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        sys.stderr.write(f"{self.prog}: error: {message}\n")
        raise SystemExit(EXIT_INPUT)


def _formatter(prog: str) -> argparse.HelpFormatter:
    return argparse.RawDescriptionHelpFormatter(prog, max_help_position=32)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="slawriter",
        description="Draft measurable IT service level agreements from one agreement file.",
        epilog="examples:\n"
        "  slawriter render examples/acme-standard.yaml --out out/\n"
        "  slawriter validate examples/acme-standard.yaml\n"
        "  slawriter schema > agreement.schema.json\n\n"
        "exit codes: 0 done, 1 found problems, 2 bad input, 3 refused to protect "
        "something, 130 interrupted",
        formatter_class=_formatter,
    )
    parser.add_argument("--version", action="version", version=f"slawriter {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    def library_option(sub: argparse.ArgumentParser) -> None:
        sub.add_argument(
            "--library",
            metavar="DIR",
            help="clause library to use (default: $SLAWRITER_LIBRARY, else the built-in one)",
        )

    render = commands.add_parser(
        "render",
        help="draft the agreement documents (Word, Markdown, PDF)",
        description="Draft the agreement documents from one or more agreement files.",
        epilog="examples:\n"
        "  slawriter render examples/acme-standard.yaml --out out/\n"
        "  slawriter render examples/*.yaml --out out/ --format docx,md,pdf",
        formatter_class=_formatter,
    )
    render.add_argument("agreements", nargs="+", type=Path, metavar="AGREEMENT.yaml")
    render.add_argument(
        "--out",
        type=Path,
        default=Path("out"),
        metavar="DIR",
        help="folder for the documents (default: out/)",
    )
    render.add_argument(
        "--format",
        default="docx,md",
        metavar="LIST",
        help="comma-separated: docx, md, pdf (default: docx,md; pdf needs LibreOffice)",
    )
    render.add_argument(
        "--force", action="store_true", help="replace outputs even if someone edited them"
    )
    render.add_argument(
        "--allow-draft",
        action="store_true",
        help="render draft clauses, with a visible DRAFT marking",
    )
    library_option(render)

    validate = commands.add_parser(
        "validate",
        help="check agreement files without writing anything",
        description="Check agreement files (and the provider files they name) and report "
        "every problem with file, line and field.",
        epilog="example:\n  slawriter validate examples/acme-standard.yaml",
        formatter_class=_formatter,
    )
    validate.add_argument("agreements", nargs="+", type=Path, metavar="AGREEMENT.yaml")
    library_option(validate)

    schema = commands.add_parser(
        "schema",
        help="print the JSON Schema of the agreement (or provider) file",
        description="Print the JSON Schema of the agreement file, for editors and scripts.",
        epilog="examples:\n  slawriter schema > agreement.schema.json\n"
        "  slawriter schema --provider > provider.schema.json",
        formatter_class=_formatter,
    )
    schema.add_argument("--provider", action="store_true", help="the provider file's schema")
    return parser


def _render(args: argparse.Namespace) -> int:
    from rich.console import Console

    from slawriter.files import display_path
    from slawriter.library import Library
    from slawriter.pipeline import parse_formats, render_files

    formats = parse_formats(args.format)
    library = Library.locate(args.library)
    outcome = render_files(
        args.agreements,
        args.out,
        formats,
        library=library,
        force=args.force,
        allow_draft=args.allow_draft,
    )
    console = Console(highlight=False, soft_wrap=True)
    for note in outcome.skipped:
        console.print(f"Skipped {note}", markup=False)
    for item in outcome.written:
        names = ", ".join(display_path(p) for p in item.files)
        console.print(
            f"[green]Drafted[/green] {display_path(item.agreement)} -> {names}", markup=True
        )
    return EXIT_OK


def _validate(args: argparse.Namespace) -> int:
    from slawriter.files import display_path
    from slawriter.library import Library
    from slawriter.pipeline import validate_files

    library = Library.locate(args.library)
    agreements, providers = validate_files(args.agreements, library)
    for loaded in agreements:
        agreement = loaded.agreement
        services = len(agreement.services)
        print(
            f"{display_path(loaded.path)}: valid ({loaded.profile.id} profile, "
            f"{services} service{'s' if services != 1 else ''}, "
            f"{len(agreement.priorities)} priorities, "
            f"provider {display_path(loaded.provider_path)})"
        )
    for path in providers:
        print(f"{display_path(path)}: valid provider file")
    return EXIT_OK


def _schema(args: argparse.Namespace) -> int:
    import json

    from slawriter.model.agreement import Agreement
    from slawriter.model.provider import Provider

    model = Provider if args.provider else Agreement
    schema = model.model_json_schema(mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    print(json.dumps(schema, indent=2, sort_keys=True))
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handlers = {"render": _render, "validate": _validate, "schema": _schema}
    if args.command is None:
        parser.print_help()
        return EXIT_INPUT
    try:
        return handlers[args.command](args)
    except SlawriterError as error:
        sys.stderr.write(f"slawriter: {error}\n")
        return error.exit_code
    except KeyboardInterrupt:
        sys.stderr.write("slawriter: interrupted\n")
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        return EXIT_OK


if __name__ == "__main__":
    raise SystemExit(main())
