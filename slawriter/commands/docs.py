"""slawriter docs: the user documentation that ships with slawriter, for an installed user
who has no copy of the repository (messages say "see slawriter docs NAME")."""

from __future__ import annotations

import argparse

NAME = "docs"
HELP = "print a page of the documentation (lists the pages without a name)"
DESCRIPTION = (
    "Print one page of slawriter's documentation as Markdown: the guides that messages "
    "refer to (clause-authors, wizard, measurement, ...). Without a name, list the pages."
)
EXAMPLES = """examples:
  slawriter docs
  slawriter docs clause-authors | less"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("name", nargs="?", metavar="NAME", help="the page, e.g. clause-authors")


def pages() -> dict[str, str]:
    """Page name -> its file's path, of the documentation shipped with slawriter."""
    from slawriter.library import builtin_library_root

    folder = builtin_library_root() / "docs"
    return {path.stem: str(path) for path in sorted(folder.glob("*.md"))}


def run(args: argparse.Namespace) -> int:
    import sys
    from pathlib import Path

    from slawriter.errors import EXIT_OK, InputError

    found = pages()
    if args.name is None:
        for name in found:
            print(name)
        return EXIT_OK
    wanted = str(args.name).removeprefix("docs/").removesuffix(".md")
    if wanted not in found:
        raise InputError(f"no documentation page '{args.name}' (pages: {', '.join(found)})")
    sys.stdout.write(Path(found[wanted]).read_text("utf-8"))
    return EXIT_OK
