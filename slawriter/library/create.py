"""``slawriter library init``: a copy of the built-in library for a firm to keep in Git."""

from __future__ import annotations

import shutil
from pathlib import Path

from slawriter.errors import InputError, RefusedError
from slawriter.files.output import display_path

# Everything a firm may customise: clause files (and the unmeasurable-wording list),
# profiles (and their question files) and the Word master template.
LIBRARY_PARTS = ("clauses", "profiles", "templates")

README = """# Our slawriter clause library

A copy of the slawriter built-in library, made with `slawriter library init`. Keep it in Git:
the commit is recorded in every agreement drafted from it (`slawriter provenance FILE.docx`).

- `clauses/`: one Markdown file per clause variant, with front matter (version, status,
  approval); `clauses/unmeasurable-wording.yaml` lists wording the linter flags.
- `profiles/`: which clauses each kind of agreement gets, in order, with defaults.
- `templates/agreement.docx`: the Word master template.

Use it with `slawriter render AGREEMENT.yaml --library {name}` (or set SLAWRITER_LIBRARY).
Check it with `slawriter clauses lint --library {name}` before every commit, and print it for
review with `slawriter clauses book --library {name} --out clause-book.docx`.

The built-in clauses are a starting point written by the slawriter project, not legal advice;
they are licensed CC BY 4.0 (clauses/LICENSE).
"""


def create_library(source: Path, target: Path) -> list[Path]:
    """Copy the library at ``source`` into the new folder ``target``; return what was made."""
    name = display_path(target)
    if target.exists() and not target.is_dir():
        raise InputError(f"{name} is a file, not a folder: choose a new folder name")
    if target.is_dir() and any(target.iterdir()):
        raise RefusedError(
            f"Refusing to write into {name}: the folder is not empty. Choose a new folder "
            "(slawriter library init never overwrites files)."
        )
    made = []
    for part in LIBRARY_PARTS:
        shutil.copytree(
            source / part,
            target / part,
            ignore=shutil.ignore_patterns("__pycache__", "*.pyc", ".*"),
            dirs_exist_ok=True,
        )
        made.append(target / part)
    readme = target / "README.md"
    readme.write_text(README.format(name=name), "utf-8")
    made.append(readme)
    return made
