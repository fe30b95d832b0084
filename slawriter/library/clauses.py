"""Clause files: YAML front matter and a Markdown body with Jinja2."""

# No `from __future__ import annotations` in the model modules: pydantic would then compile
# and evaluate every field's annotation as a string when the models are built (docs/performance.md).

from collections.abc import Container
from datetime import date
from pathlib import Path
from typing import Literal

from pydantic import Field

from slawriter.errors import InputError, Problem
from slawriter.files.output import display_path
from slawriter.files.yaml import parse_yaml, validate_model
from slawriter.model.common import Line, Slug, Strict


class ClauseMeta(Strict):
    id: Slug
    variant: Slug
    title: Line
    section: Slug = Field(description="The SLA section this clause provides, e.g. scope")
    order: int = Field(description="Default position in the clause book")
    version: str = Field(pattern=r"^\d+\.\d+\.\d+$", description="Semantic version")
    status: Literal["draft", "approved", "retired"]
    approved_by: Line | None = None
    approved_on: date | None = None
    profiles: list[Slug] = Field(default_factory=list)
    condition: Line | None = Field(
        default=None, description="Jinja expression; the clause is left out when it is false"
    )
    position: Line | None = Field(
        default=None, description="For fallback variants: the negotiated position it represents"
    )


class Clause:
    """One clause variant: its metadata and its Jinja2 Markdown body."""

    def __init__(self, path: Path, meta: ClauseMeta, body: str, body_line: int) -> None:
        self.path = path
        self.meta = meta
        self.body = body
        self.body_line = body_line  # the file line on which the body starts
        self.condition_line = 2  # the file line of the condition in the front matter

    @property
    def key(self) -> tuple[str, str]:
        return (self.meta.id, self.meta.variant)

    @property
    def display(self) -> str:
        return display_path(self.path)


def parse_clause(path: Path) -> Clause:
    name = display_path(path)
    text = path.read_text("utf-8")
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        raise InputError(
            f"{name} has no front matter",
            [
                Problem(
                    name,
                    "a clause file starts with a '---' line, its YAML front matter "
                    "and another '---' line",
                    1,
                    1,
                )
            ],
        )
    for index in range(1, len(lines)):
        if lines[index].strip() == "---":
            break
    else:
        raise InputError(
            f"{name}: front matter is not closed",
            [Problem(name, "no closing '---' line after the front matter", 1, 1)],
        )
    front = "".join(lines[1:index])
    # A blank first line stands for the opening '---', so YAML line numbers are file lines.
    doc = parse_yaml("\n" + front, path)
    meta = validate_model(ClauseMeta, doc.data, [doc], "clause front matter")
    clause = Clause(path, meta, "".join(lines[index + 1 :]), index + 2)
    clause.condition_line = (doc.positions.get(("condition",)) or (2, 1))[0]
    return clause


def load_clauses(folder: Path) -> dict[tuple[str, str], Clause]:
    clauses: dict[tuple[str, str], Clause] = {}
    problems: list[Problem] = []
    for path in sorted(folder.glob("*.md")):
        try:
            clause = parse_clause(path)
        except InputError as error:
            problems.extend(error.problems or [Problem(display_path(path), error.message)])
            continue
        if clause.key in clauses:
            other = clauses[clause.key].display
            problems.append(
                Problem(
                    clause.display,
                    f"clause {clause.meta.id} variant "
                    f"{clause.meta.variant} is also defined in {other}",
                    2,
                    1,
                )
            )
            continue
        clauses[clause.key] = clause
    if problems:
        raise InputError("the clause library has problems", problems)
    return clauses


def chosen_variant(
    available: Container[tuple[str, str]], clause_id: str, profile_variant: str, asked: str | None
) -> str:
    """The variant of ``clause_id`` an agreement gets: the profile's, or the fallback the
    agreement asks for by name. A fallback comes in the profile's own style where the library
    has it, as every other clause does: a small-business agreement (whose profile uses the
    'plain' variants) asking for 'authorisation-pause' gets 'authorisation-pause-plain', so
    the agreement file names the same position whichever profile it uses."""
    if asked is None or asked == profile_variant:
        return profile_variant
    styled = f"{asked}-{profile_variant}"
    return styled if (clause_id, styled) in available else asked
