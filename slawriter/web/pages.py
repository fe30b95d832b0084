"""Questions as form fields, and posted fields as answers: the wizard's own handlers read,
check and show every answer, so a message in the browser is the one the terminal (and
``slawriter validate``) gives.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, cast

from slawriter.files.roundtrip import get, plain
from slawriter.web.anchors import field_id
from slawriter.wizard.answers import MISSING, Item, to_loc
from slawriter.wizard.engine import Wizard
from slawriter.wizard.handlers import (
    NONE,
    TYPED_HOURS,
    Asked,
    Prompter,
    check_answer,
    handler_for,
    hours_problem,
    parse_answer,
    typed_calendar,
)
from slawriter.wizard.questions import Question, Section


@dataclass
class Field:
    """One question on a page."""

    name: str  # the form field's name: the answer's field path (services[0].name)
    id: str  # the HTML id, also the anchor the review and the findings link to
    label: str
    help: str
    kind: str  # text, lines, select, yesno, checkboxes
    value: str = ""
    lines: int = 1
    choices: list[tuple[str, str, bool]] = field(default_factory=list)  # value, label, chosen
    error: str | None = None
    required: bool = False
    internal: bool = False
    again: str | None = None  # why it is asked again (it depends on a changed answer)
    typed_hours: str | None = None  # a calendar's field for weekly hours typed on the spot
    typed_id: str = ""
    typed_value: str = ""


@dataclass
class GroupItem:
    index: int
    label: str
    fields: list[Field]
    removable: bool


@dataclass
class GroupField:
    name: str
    id: str
    label: str
    help: str
    item_name: str
    items: list[GroupItem]
    again: str | None = None


HOURS_SUFFIX = "~hours"  # the typed hours' field beside a calendar's choice


def field_name(wizard: Wizard, question: Question, item: Item | None) -> str:
    return question.key if item is None else _dotted(wizard.loc(question, item))


def _dotted(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _asked(wizard: Wizard, question: Question, item: Item | None, default: Any) -> Asked:
    # Reading and checking a typed answer never prompts: the handlers' validators use only
    # the question, the answers and the model, so no prompter is needed here.
    return Asked(
        wizard, cast(Prompter, None), question, item, default, wizard.model_key(question, item)
    )


def _choices(wizard: Wizard, question: Question, optional: bool) -> list[tuple[Any, str]]:
    handler = handler_for(question)
    choices = handler.choices(wizard, question)
    if optional:
        label = "At any time (no limit)" if question.type == "calendar" else "None"
        choices = [*choices, (NONE, label)]
    return choices


def build_field(
    wizard: Wizard,
    question: Question,
    item: Item | None = None,
    posted: dict[str, Any] | None = None,
) -> Field:
    """The field for ``question`` with its stored answer, else its default (or, after a
    refused save, what was typed and why it was refused)."""
    handler = handler_for(question)
    name = field_name(wizard, question, item)
    stored = wizard.stored(question, item)
    value = plain(stored) if stored is not MISSING else wizard.default_for(question, item)
    asked = _asked(wizard, question, item, value)
    optional = asked.optional or not question.required
    error = None
    if (
        stored is not MISSING
        and plain(stored) is not None
        and question.type not in ("include", "flags")
    ):
        error = check_answer(question, plain(stored), wizard.model, asked.key)
    shown = Field(
        name=name,
        id=field_id(name),
        label=question.title if item is None else question.prompt,
        help=wizard.help_text(question, value),
        kind="text",
        required=not optional,
        internal=question.internal,
        error=error,
    )
    kind = question.type
    if kind in ("choice", "calendar"):
        shown.kind = "select"
        chosen = NONE if value is None else value
        shown.choices = [
            (str(v), label, str(v) == str(chosen))
            for v, label in _choices(wizard, question, asked.optional)
        ]
        if not any(c[2] for c in shown.choices) and shown.choices and value is not None:
            shown.choices.insert(0, (str(value), str(value), True))
        if kind == "calendar" and not question.choices:
            # As the terminal offers it: hours typed on the spot become a calendar.
            shown.choices.append((TYPED_HOURS, "Other hours (type them below)", False))
            shown.typed_hours = f"{name}{HOURS_SUFFIX}"
            shown.typed_id = field_id(shown.typed_hours)
    elif kind == "multi":
        shown.kind = "checkboxes"
        picked = {str(v) for v in (value or [])} if isinstance(value, list) else set()
        shown.choices = [
            (str(v), label, str(v) in picked) for v, label in handler.choices(wizard, question)
        ]
    elif kind == "flags":
        shown.kind = "checkboxes"
        if isinstance(value, dict):
            picked = {str(k) for k, v in value.items() if v}
        else:
            picked = {str(v) for v in (value or [])}
        shown.choices = [(str(v), label, str(v) in picked) for v, label in wizard.service_choices()]
    elif kind in ("confirm", "include"):
        shown.kind = "yesno"
        yes = (
            (stored is not MISSING and plain(stored) is not None)
            if kind == "include" and stored is not MISSING
            else bool(value)
        )
        shown.value = "yes" if yes else "no"
    elif kind == "list" and not question.separator:
        shown.kind = "lines"
        items = value if isinstance(value, list) else []
        shown.value = "\n".join(str(v) for v in items)
        shown.lines = max(3, len(items) + 1)
    else:
        shown.value = "" if value is None else handler.typed(question, value)
    if posted is not None and name in posted:
        shown.value, shown.error = posted[name]
        if shown.typed_hours and shown.value:
            shown.typed_value = shown.value
            shown.choices = [(v, label, v == TYPED_HOURS) for v, label, _on in shown.choices]
    return shown


def keep_typed(items: list[Field | GroupField], form: Any, shown: set[str]) -> None:
    """Put what was typed (a refused save's form) back in the page's fields, so nothing
    typed is lost; only the fields the page showed (an unticked box is not posted)."""
    fields = [
        f
        for entry in items
        for f in (
            [f for row in entry.items for f in row.fields]
            if isinstance(entry, GroupField)
            else [entry]
        )
    ]
    for f in fields:
        if f.name not in shown:
            continue
        if f.kind == "select":
            raw = str(form.get(f.name, ""))
            if f.typed_hours and raw == TYPED_HOURS:
                f.typed_value = str(form.get(f.typed_hours, ""))
            f.choices = [(v, label, v == raw) for v, label, _on in f.choices]
        elif f.kind == "checkboxes":
            picked = {str(v) for v in form.getlist(f.name)}
            f.choices = [(v, label, v in picked) for v, label, _on in f.choices]
        else:
            f.value = str(form.get(f.name, "")).replace("\r\n", "\n")


def build_group(wizard: Wizard, question: Question, posted: dict[str, Any] | None) -> GroupField:
    items = []
    count = len(plain(get(wizard.data, to_loc(question.key))) or [])
    for index in range(count):
        item = Item(question, (*to_loc(question.key), index), {})
        fields = [
            build_field(wizard, sub, item, posted)
            for sub in question.questions
            if not handler_for(sub).generated and wizard.applies(sub, item)
        ]
        items.append(
            GroupItem(
                index=index,
                label=f"{question.item_name.capitalize()} {index + 1}: "
                f"{wizard.item_label(question, index)}",
                fields=fields,
                removable=count > question.min_items,
            )
        )
    return GroupField(
        name=question.key,
        id=field_id(question.key),
        label=question.title,
        help=question.help,
        item_name=question.item_name,
        items=items,
    )


def section_questions(wizard: Wizard, section_id: str) -> list[Question]:
    return [
        q
        for q in wizard.questions.questions
        if q.section == section_id and wizard.applies(q) and not handler_for(q).generated
    ]


def sections(wizard: Wizard) -> list[Section]:
    """The sections with at least one question that applies, in order."""
    return [s for s in wizard.questions.sections if section_questions(wizard, s.id)]


def remaining(wizard: Wizard) -> list[tuple[str, str]]:
    """The answers still needed, as ``slawriter new --defaults`` lists them: every default
    taken (on a copy), what is left has no default and must be given."""
    import copy

    trial = Wizard(
        wizard.questions, copy.deepcopy(wizard.data), wizard.sources, wizard.model, lambda: None
    )
    trial.mark_progress()
    trial.run()
    return trial.missing


def default_text(wizard: Wizard, question: Question) -> str | None:
    """What the review shows for an answer not in the file that a default gives: the default,
    marked as one (the answers to go are only those no default gives, as ``remaining``)."""
    if wizard.stored(question) is not MISSING or question.type == "group":
        return None
    default = plain(wizard.default_for(question))
    if default is None:
        return None
    return f"{handler_for(question).show(wizard, question, None, default)} (default)"


def fill_groups(wizard: Wizard, section_id: str) -> bool:
    """Repeating groups of a section not yet answered get their default items, as the
    terminal offers them; True when one was filled."""
    filled = False
    for question in section_questions(wizard, section_id):
        if question.type == "group" and not wizard.answered(question):
            wizard.ask_group(question)  # no prompter: the default items are taken
            filled = True
    return filled


# --- reading what was posted ---------------------------------------------------------------


class Refused(Exception):
    """One answer that cannot be stored: what was typed, and why."""

    def __init__(self, typed: str, message: str) -> None:
        super().__init__(message)
        self.typed = typed
        self.message = message


def read_answer(wizard: Wizard, question: Question, item: Item | None, form: Any) -> Any:
    """The value to store for ``question`` from the posted form; Refused says why not."""
    name = field_name(wizard, question, item)
    kind = question.type
    stored = wizard.stored(question, item)
    if kind in ("choice", "calendar"):
        raw = str(form.get(name, ""))
        if kind == "calendar" and raw == TYPED_HOURS and not question.choices:
            text = str(form.get(f"{name}{HOURS_SUFFIX}", "")).strip()
            problem = (
                hours_problem(text)
                if text
                else "Type the weekly hours below the choice, e.g. mon-fri 08:00-18:00"
            )
            if problem:
                raise Refused(text, problem)
            return typed_calendar(wizard, text)
        asked = _asked(wizard, question, item, None)
        for value, _label in _choices(wizard, question, asked.optional):
            if str(value) == raw:
                return None if value == NONE else value
        raise Refused(raw, "Choose one of the choices")
    if kind in ("multi", "flags"):
        picked = set(form.getlist(name))
        options = (
            wizard.service_choices()
            if kind == "flags"
            else handler_for(question).choices(wizard, question)
        )
        if kind == "flags":
            return {value: str(value) in picked for value, _ in options}
        values = [value for value, _ in options if str(value) in picked]
        if question.required and not values:
            raise Refused("", "Choose at least one")
        return values
    if kind in ("confirm", "include"):
        yes = str(form.get(name, "")) == "yes"
        if kind == "confirm":
            return yes
        if not yes:
            return None
        return plain(stored) if isinstance(plain(stored), dict) else {}
    text = str(form.get(name, "")).replace("\r\n", "\n").replace("\r", "\n")
    if kind == "list" and not question.separator:
        text = "; ".join(line.strip() for line in text.splitlines() if line.strip())
    default = plain(stored) if stored is not MISSING else None
    asked = _asked(wizard, question, item, default)
    allow_empty = asked.optional or not question.required
    if allow_empty and text.strip() in ("", "-"):
        return [] if kind == "list" and not question.required else None
    problem = handler_for(question).validator(asked, allow_empty)(text)
    if problem:
        raise Refused(str(form.get(name, "")), problem)
    return parse_answer(question, text)


def item_title(group: Question, index: int) -> str:
    """'Service 2': an item as the page heads it, whatever is (not yet) typed in it."""
    return f"{group.item_name.capitalize()} {index + 1}"


def where(wizard: Wizard, path: str) -> str:
    """The label a field shows on its page, for a field path in a message: 'Uptime target
    (Service 2)', never ``services[1].uptime.target``. An id is made from another answer
    (the name), so a missing id is that answer's. A whole part of the file that is missing
    ('agreement') is its section's."""
    found = wizard.locate(path)
    if found is not None:
        question, item, sub = found
        if item is None or sub is None:
            return question.title
        if handler_for(sub).generated and sub.from_key:
            sub = next((q for q in question.questions if q.key == sub.from_key), sub)
        index = item.loc[-1]
        assert isinstance(index, int)
        return f"{sub.prompt} ({item_title(question, index)})"
    for question in wizard.questions.questions:
        if question.key.startswith((f"{path}.", f"{path}[")):
            section = wizard.questions.section_by_id.get(question.section or "")
            if section is not None:
                return section.title
    return path


def in_words(message: str) -> str:
    """A model's message as the page says it."""
    return "an answer is needed here" if message == "required field is missing" else message
