"""Question files: the wizard's questions are data in the library, validated loudly.

``profiles/questions/<profile>.yaml`` lists sections and questions in the order they are
asked. A question's ``key`` is a field path of the agreement file (README syntax); inside a
repeating group the keys are relative to one item. ``based_on`` lets a profile reuse another
profile's questions, leave some out and change others. See docs/wizard.md.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from slawriter.errors import InputError, Problem
from slawriter.files.output import display_path
from slawriter.files.yaml import read_yaml, validate_model
from slawriter.model.paths import parse_path
from slawriter.text.words import plural

QuestionType = Literal[
    "text",
    "choice",
    "multi",
    "confirm",
    "number",
    "integer",
    "percent",
    "duration",
    "period",
    "hours",
    "timezone",
    "holidays",
    "date",
    "list",
    "include",
    "calendar",
    "group",
    "id",
    "flags",
    "money",
    "mapping",
]
ChoicesFrom = Literal["priorities", "services", "calendars"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Choice(_Strict):
    value: Any
    label: str


class Validation(_Strict):
    min: float | None = None
    max: float | None = None
    pattern: str | None = None
    message: str | None = Field(default=None, description="Shown when the pattern fails")


class Question(_Strict):
    key: str = Field(description="Field path in the agreement (relative to the item in a group)")
    prompt: str = Field(default="", description="The question, as the user reads it")
    label: str | None = Field(default=None, description="Short name in the review table")
    help: str = Field(default="", description="What it means; what customers usually choose")
    type: QuestionType = "text"
    section: str | None = None
    required: bool = Field(default=True, description="False: an empty answer is allowed")
    choices: list[Choice] = Field(default_factory=list)
    choices_from: ChoicesFrom | None = None
    default: Any = None
    default_from: list[str] = Field(
        default_factory=list,
        description="Sources tried in order: answer:PATH, profile:PATH, provider:PATH, "
        "compute:NAME",
    )
    condition: str | None = Field(default=None, description="Asked only when this holds")
    no_default: bool = Field(
        default=False,
        description="Offer nothing: the profile's value is a stand-in the answer must replace",
    )
    validation: Validation | None = None
    depends_on: list[str] = Field(
        default_factory=list, description="Asked again when one of these answers changes"
    )
    internal: bool = Field(default=False, description="For the provider only; never printed")
    separator: str | None = Field(
        default=None,
        description="list: the items are typed on one line, split at this character",
    )
    value_type: Literal["number", "duration", "targets"] = Field(
        default="number",
        description="mapping: what follows each key ('P1 0.5', 'P1 90m', 'P1 resolution 8h')",
    )
    # repeating groups
    questions: list[Question] = Field(default_factory=list)
    item_name: str = "item"
    min_items: int = 0
    default_items: list[dict[str, Any]] = Field(default_factory=list)
    default_items_from: str | None = Field(default=None, description="compute:NAME")
    item_label: str | None = Field(default=None, description="Sub-key naming an item")
    item_format: str | None = Field(
        default=None, description="How an item is shown, e.g. 'below {below}%: {credit}%'"
    )
    offer_defaults: bool = Field(
        default=False, description="Show the default items and offer to take them all at once"
    )
    # the id of an item, made from another answer (never asked)
    from_key: str | None = Field(default=None, alias="from")

    @model_validator(mode="before")
    @classmethod
    def _short_forms(cls, data: Any) -> Any:
        if isinstance(data, dict):
            data = dict(data)
            if isinstance(data.get("default_from"), str):
                data["default_from"] = [data["default_from"]]
            if isinstance(data.get("depends_on"), str):
                data["depends_on"] = [data["depends_on"]]
            choices = data.get("choices")
            if choices and data.get("type", "text") == "text":
                # A list of choices is offered as a choice in both front ends, never as a
                # free-text box where anything else could be typed.
                data["type"] = "choice"
            if isinstance(choices, list):
                data["choices"] = [
                    {"value": c, "label": str(c)} if not isinstance(c, dict) else c for c in choices
                ]
        return data

    @property
    def title(self) -> str:
        return self.label or self.prompt


class Section(_Strict):
    id: str
    title: str
    intro: str = ""
    internal: bool = False
    keep_defaults: bool = Field(
        default=True,
        description="Offer to keep every default of the section at once (shown as a table)",
    )


class QuestionFile(_Strict):
    based_on: str | None = None
    leave_out: list[str] = Field(default_factory=list)
    change: dict[str, dict[str, Any]] = Field(default_factory=dict)
    sections: list[Section] = Field(default_factory=list)
    questions: list[Question] = Field(default_factory=list)


class QuestionSet:
    """The questions of one profile, in order, with their sections."""

    def __init__(self, sections: list[Section], questions: list[Question], source: Path):
        self.sections = sections
        self.questions = questions
        self.source = source
        self.section_by_id = {s.id: s for s in sections}

    def find(self, key: str) -> Question | None:
        for question in self.questions:
            if question.key == key:
                return question
        return None


_CONDITION = re.compile(
    r"^\s*(not\s+)?([A-Za-z_][\w.\[\]-]*)\s*(?:(==|!=|in)\s*(.+?))?\s*$",
)


def split_condition(condition: str) -> list[tuple[bool, str, str | None, str | None]]:
    """``a and not b and c == x`` -> [(negate, path, operator, value text), ...]."""
    parts = []
    for clause in re.split(r"\s+and\s+", condition.strip()):
        match = _CONDITION.match(clause)
        if not match:
            raise ValueError(
                f"'{clause}' is not a condition: expected PATH, not PATH, PATH == VALUE, "
                "PATH != VALUE or PATH in [A, B], joined with 'and'"
            )
        negate, path, operator, value = match.groups()
        parts.append((bool(negate), path, operator, value))
    return parts


def _check(question: Question, where: str, keys: set[str], problems: list[str]) -> None:
    def bad(message: str) -> None:
        problems.append(f"{where}: question '{question.key}': {message}")

    if question.type != "id" and not question.prompt:
        bad("needs a prompt")
    try:
        parse_path(question.key)
    except ValueError as error:
        bad(str(error))
    if question.type in ("choice", "multi") and not (question.choices or question.choices_from):
        bad(f"a {question.type} question needs choices or choices_from")
    if question.type == "group" and not question.questions:
        bad("a group needs questions (one item's fields)")
    if question.type == "id" and not question.from_key:
        bad("an id question needs 'from' (the answer the id is made from)")
    if question.condition:
        try:
            split_condition(question.condition)
        except ValueError as error:
            bad(str(error))
    for source in question.default_from:
        kind, _, rest = source.partition(":")
        if kind not in ("answer", "profile", "provider", "compute", "item") or not rest:
            bad(
                f"default_from '{source}': expected answer:PATH, item:PATH, profile:PATH, "
                "provider:PATH or compute:NAME"
            )
    for dependency in question.depends_on:
        if dependency not in keys:
            bad(f"depends_on '{dependency}' is not the key of an earlier question")
    inner = {q.key for q in question.questions}
    for sub in question.questions:
        _check(sub, where, inner | keys, problems)


def _merge(raw: QuestionFile, base: QuestionSet | None, where: str) -> QuestionSet:
    problems: list[str] = []
    sections = list(base.sections) if base else []
    questions = list(base.questions) if base else []
    if base:
        known = {q.key for q in questions}
        inner = {f"{q.key}.{sub.key}" for q in questions for sub in q.questions}
        for key in raw.leave_out:
            if key not in known | inner:
                problems.append(f"{where}: leave_out '{key}' is not a question of {raw.based_on}")
        questions = [
            q.model_copy(
                update={
                    "questions": [
                        sub for sub in q.questions if f"{q.key}.{sub.key}" not in raw.leave_out
                    ]
                }
            )
            if q.questions
            else q
            for q in questions
            if q.key not in raw.leave_out
        ]
        for key, fields in raw.change.items():
            for index, question in enumerate(questions):
                if question.key == key:
                    data = question.model_dump(by_alias=True, exclude_unset=True)
                    data.update(fields)
                    try:
                        questions[index] = Question.model_validate(data)
                    except Exception as error:
                        problems.append(f"{where}: change '{key}': {error}")
                    break
            else:
                problems.append(f"{where}: change '{key}' is not a question of {raw.based_on}")
        by_id = {s.id: i for i, s in enumerate(sections)}
        for section in raw.sections:
            if section.id in by_id:
                sections[by_id[section.id]] = section
            else:
                sections.append(section)
    else:
        sections = list(raw.sections)
    questions.extend(raw.questions)
    questions = _infer_dependencies(questions)
    section_ids = {s.id for s in sections}
    seen: set[str] = set()
    for question in questions:
        if question.key in seen:
            problems.append(f"{where}: question '{question.key}' appears twice")
        if question.section not in section_ids:
            problems.append(
                f"{where}: question '{question.key}': section '{question.section}' is not "
                f"one of the sections ({', '.join(sorted(section_ids))})"
            )
        _check(question, where, seen, problems)
        seen.add(question.key)
    if problems:
        count = len(problems)
        raise InputError(
            f"{where}: {plural(count, 'problem')} in the question file",
            [Problem(where, message.removeprefix(f"{where}: ")) for message in problems],
        )
    return QuestionSet(sections, questions, Path(where))


def _list_source(question: Question) -> str | None:
    """The answer a question's choices come from: services for flags and choices_from."""
    if question.type == "flags":
        return "services"
    if question.choices_from == "services":
        return "services"
    return None


def _infer_dependencies(questions: list[Question]) -> list[Question]:
    """A question whose choices come from an earlier answer (the services) depends on it,
    declared or not: adding or removing a service in the review asks it again."""
    out: list[Question] = []
    earlier: set[str] = set()
    for question in questions:
        sources = {_list_source(question)} | {_list_source(sub) for sub in question.questions}
        needed = [
            key
            for key in sorted(s for s in sources if s)
            if key in earlier and key not in question.depends_on and key != question.key
        ]
        if needed:
            question = question.model_copy(update={"depends_on": [*question.depends_on, *needed]})
        out.append(question)
        earlier.add(question.key)
    return out


def load_questions(folder: Path, name: str, _seen: tuple[str, ...] = ()) -> QuestionSet:
    """The questions for profile (or provider) ``name`` from ``folder``."""
    path = folder / f"{name}.yaml"
    if not path.is_file():
        raise InputError(
            f"no questions for '{name}': expected {display_path(path)} "
            "(each profile needs a question file; see slawriter docs wizard)"
        )
    if name in _seen:
        raise InputError(f"{display_path(path)}: based_on goes round in a circle")
    doc = read_yaml(path)
    raw = validate_model(QuestionFile, doc.data, [doc], "a question file")
    base = load_questions(folder, raw.based_on, (*_seen, name)) if raw.based_on else None
    return _merge(raw, base, display_path(path))
