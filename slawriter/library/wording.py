"""The shared list of unmeasurable wording (clauses/unmeasurable-wording.yaml), checked loudly.

The feasibility checker (rule vague-term) and the clause linter both read it through
:func:`load_wording`, so a firm adds a phrase once and both tools see it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from pydantic import Field

from slawriter.errors import InputError, Problem
from slawriter.files.output import display_path
from slawriter.files.yaml import read_yaml, validate_model
from slawriter.model.common import Line, Slug, Strict

WORDING_FILE = "unmeasurable-wording.yaml"


class Term(Strict):
    id: Slug
    pattern: str
    why: Line
    instead: Line
    examples: list[str] = Field(min_length=1)


class WordingFile(Strict):
    terms: list[Term] = Field(min_length=1)
    must_not_flag: list[str] = Field(default_factory=list)


@dataclass(frozen=True)
class Hit:
    term: Term
    text: str  # the words that matched
    line: int  # line within the text searched, from 1


@dataclass(frozen=True)
class Wording:
    terms: tuple[tuple[Term, re.Pattern[str]], ...]

    def find(self, text: str) -> list[Hit]:
        """Every unmeasurable phrase in ``text``, in order of appearance."""
        hits: list[tuple[int, Hit]] = []
        for term, pattern in self.terms:
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                hits.append((match.start(), Hit(term, match.group(0), line)))
        return [hit for _, hit in sorted(hits, key=lambda pair: pair[0])]


def wording_path(clauses_dir: Path) -> Path:
    return clauses_dir / WORDING_FILE


def load_wording(clauses_dir: Path) -> Wording:
    """Read and check the list; a missing file means an empty list (a firm's own library)."""
    path = wording_path(clauses_dir)
    if not path.is_file():
        return Wording(())
    doc = read_yaml(path)
    data = validate_model(WordingFile, doc.data, [doc], "the unmeasurable-wording list")
    name = display_path(path)
    problems: list[Problem] = []
    compiled: list[tuple[Term, re.Pattern[str]]] = []
    for index, term in enumerate(data.terms):
        line, column = doc.position(("terms", index, "pattern")) or (None, None)
        try:
            pattern = re.compile(term.pattern, re.IGNORECASE)
        except re.error as error:
            problems.append(
                Problem(
                    name,
                    f"not a regular expression: {error}",
                    line,
                    column,
                    f"terms[{term.id}].pattern",
                )
            )
            continue
        for example in term.examples:
            if not pattern.search(example):
                problems.append(
                    Problem(
                        name,
                        f"the pattern does not match its own example '{example}'",
                        line,
                        column,
                        f"terms[{term.id}].examples",
                    )
                )
        for sample in data.must_not_flag:
            found = pattern.search(sample)
            if found:
                problems.append(
                    Problem(
                        name,
                        f"the pattern flags '{found.group(0)}' in '{sample}', which is listed "
                        "under must_not_flag",
                        line,
                        column,
                        f"terms[{term.id}].pattern",
                    )
                )
        compiled.append((term, pattern))
    if problems:
        raise InputError(f"{name} has {len(problems)} problem(s)", problems)
    return Wording(tuple(compiled))
