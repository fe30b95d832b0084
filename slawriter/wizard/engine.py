"""The questionnaire: asks a question set's questions and writes each answer into the file.

The wizard works on a round-trip YAML mapping (the agreement or provider file) and calls
``save`` after every answer, so an interrupt never loses more than the question on screen.
Without a prompter it runs non-interactively: every default is taken and the answers no
default can give are collected in ``missing``.
"""

from __future__ import annotations

import contextlib
import zoneinfo
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import Any, Protocol

from pydantic import BaseModel
from ruamel.yaml import YAML

from slawriter.files.roundtrip import delete, get, has, plain, put
from slawriter.files.yaml import deep_merge
from slawriter.model.agreement import ALWAYS_CALENDAR
from slawriter.model.paths import Loc, parse_path
from slawriter.wizard import fields
from slawriter.wizard.computed import COMPUTE, first_of_next_month
from slawriter.wizard.fields import holiday_codes
from slawriter.wizard.questions import Question, QuestionSet, Section, split_condition

NONE = "__none__"  # the value of a "none" choice (questionary cannot use None)
_MISSING = object()


class Prompter(Protocol):
    def heading(self, section: Section, number: int, total: int) -> None: ...
    def note(self, text: str, style: str = "") -> None: ...
    def rich(self, renderable: Any) -> None: ...
    def help(self, text: str, internal: bool = False) -> None: ...
    def finding(self, severity: str, message: str, suggestion: str) -> None: ...
    def text(
        self,
        message: str,
        default: str,
        validate: Callable[[str], str | None],
        completions: list[str] | None = None,
        meta: dict[str, str] | None = None,
        instruction: str | None = None,
    ) -> str: ...
    def select(
        self,
        message: str,
        choices: list[tuple[Any, str]],
        default: Any = None,
        instruction: str | None = None,
    ) -> Any: ...
    def checkbox(
        self,
        message: str,
        choices: list[tuple[Any, str]],
        checked: list[Any],
        instruction: str | None = None,
        at_least_one: bool = False,
    ) -> list[Any]: ...
    def confirm(self, message: str, default: bool) -> bool: ...


@dataclass
class Sources:
    """What defaults may come from besides earlier answers."""

    profile_defaults: dict[str, Any] = field(default_factory=dict)
    provider: dict[str, Any] = field(default_factory=dict)
    today: date = field(default_factory=date.today)


@dataclass(frozen=True)
class Item:
    """One item of a repeating group being asked."""

    group: Question
    loc: Loc
    defaults: dict[str, Any]


def to_loc(path: str) -> Loc:
    return tuple(
        int(p[1:-1]) if isinstance(p, str) and p[1:-1].isdigit() else p for p in parse_path(path)
    )


def truthy(value: Any) -> bool:
    if value is None or value is False or value == "" or value == []:
        return False
    return value is not _MISSING


@cache
def _scalar(text: str) -> Any:
    return YAML(typ="safe", pure=True).load(text)


class Wizard:
    def __init__(
        self,
        questions: QuestionSet,
        data: Any,
        sources: Sources,
        model: type[BaseModel],
        save: Callable[[], None],
        prompter: Prompter | None = None,
    ) -> None:
        self.questions = questions
        self.data = data
        self.sources = sources
        self.model = model
        self._save = save
        self.prompter = prompter
        self.missing: list[tuple[str, str]] = []  # (field path, question) still needed
        self._shown_sections: set[str] = set()
        self._frontier: int | None = None
        self._finished = False
        self.must_ask: set[str] = set()  # asked even when a default exists (renewals)

    # --- reading answers ---------------------------------------------------------------------

    def value(self, path: str, item: Item | None = None) -> Any:
        if path.startswith("item."):
            if item is None:
                return None
            return plain(get(self.data, item.loc + to_loc(path[5:])))
        loc = to_loc(path)
        found = get(self.data, loc, _MISSING)
        if found is not _MISSING:
            return plain(found)
        return get(self.sources.profile_defaults, loc)

    def _date_value(self, path: str) -> date:
        value = self.value(path)
        return value if isinstance(value, date) else first_of_next_month(self, None)

    def merged(self) -> dict[str, Any]:
        merged: dict[str, Any] = deep_merge(self.sources.profile_defaults, plain(self.data))
        return merged

    def priority_ids(self) -> list[str]:
        priorities = self.merged().get("priorities")
        return [str(p) for p in priorities] if isinstance(priorities, dict) else []

    def service_choices(self) -> list[tuple[Any, str]]:
        services = plain(self.data.get("services")) or []
        return [
            (s["id"], f"{s.get('name', s['id'])}")
            for s in services
            if isinstance(s, dict) and isinstance(s.get("id"), str)
        ]

    def calendar_choices(self) -> list[tuple[Any, str]]:
        from slawriter.model.hours import HoursError, parse_weekly_hours

        specs = dict(self.sources.provider.get("calendars") or {})
        specs.update(plain(self.data.get("calendars")) or {})
        out: list[tuple[Any, str]] = []
        for name, spec in specs.items():
            described = str(spec.get("hours", ""))
            with contextlib.suppress(HoursError, TypeError, AttributeError):
                described = parse_weekly_hours(spec.get("hours", "")).describe()
            extras = ", ".join(str(x) for x in (spec.get("timezone"), spec.get("holidays")) if x)
            out.append((name, f"{name}: {described}" + (f" ({extras})" if extras else "")))
        if ALWAYS_CALENDAR not in specs:
            out.append((ALWAYS_CALENDAR, f"{ALWAYS_CALENDAR}: every day, 24 hours a day"))
        return out

    def applies(self, question: Question, item: Item | None = None) -> bool:
        if not question.condition:
            return True
        for negate, path, operator, raw in split_condition(question.condition):
            value = self.value(path, item)
            if operator is None:
                result = truthy(value)
            else:
                expected = _scalar(raw or "")
                if operator == "==":
                    result = value == expected
                elif operator == "!=":
                    result = value != expected
                else:
                    result = isinstance(expected, list) and value in expected
            if negate:
                result = not result
            if not result:
                return False
        return True

    def default_for(self, question: Question, item: Item | None = None) -> Any:
        if item is not None:
            value = get(item.defaults, to_loc(question.key))
            if value is not None:
                return value
        for source in question.default_from:
            kind, _, rest = source.partition(":")
            if kind == "compute":
                value = COMPUTE[rest](self, item) if rest in COMPUTE else None
            elif kind == "answer":
                value = self.value(rest)
            elif kind == "item":
                value = self.value(f"item.{rest}", item)
            elif kind == "profile":
                value = get(self.sources.profile_defaults, to_loc(rest))
            else:
                value = get(self.sources.provider, to_loc(rest))
            if value is not None:
                return value
        if question.default is not None:
            return question.default
        if item is None:
            value = get(self.sources.profile_defaults, to_loc(question.key))
            if value is not None:
                return value
        return fields.model_default(self.model, self.model_key(question, item))

    def model_key(self, question: Question, item: Item | None = None) -> str:
        return f"{item.group.key}[].{question.key}" if item else question.key

    def loc(self, question: Question, item: Item | None = None) -> Loc:
        return (item.loc if item else ()) + to_loc(question.key)

    def answered(self, question: Question, item: Item | None = None) -> bool:
        return has(self.data, self.loc(question, item))

    def answer_text(self, question: Question, item: Item | None = None) -> str:
        value = plain(get(self.data, self.loc(question, item), _MISSING))
        if value is _MISSING:
            return "(not answered)" if question.required else "none"
        if question.type == "include":
            return "yes" if value is not None else "no"
        if question.type == "group":
            return (
                ", ".join(self._item_label(question, i) for i in range(len(value or []))) or "none"
            )
        if question.type == "flags" and isinstance(value, dict):
            names = dict(self.service_choices())
            return ", ".join(str(names.get(k, k)) for k, v in value.items() if v) or "none"
        if question.type in ("choice", "calendar") and value is not None:
            labels = dict(self._choices(question, item))
            return str(labels.get(value, value))
        if question.type == "multi" and isinstance(value, list):
            labels = dict(self._choices(question, item))
            return ", ".join(str(labels.get(v, v)) for v in value) or "none"
        if value is None:
            return "none"
        if isinstance(value, list):
            return "; ".join(str(v) for v in value) or "none"
        if question.type == "percent":
            return f"{fields.format_answer(question, value)}%"
        return fields.format_answer(question, value)

    def _item_label(self, group: Question, index: int) -> str:
        item = plain(get(self.data, (*to_loc(group.key), index))) or {}
        key = group.item_label or "name"
        label = get(item, to_loc(key)) if isinstance(item, dict) else None
        if label is None and isinstance(item, dict):
            label = item.get("id")
        return str(label) if label is not None else f"{group.item_name} {index + 1}"

    # --- writing answers ---------------------------------------------------------------------

    def store(self, question: Question, value: Any, item: Item | None = None) -> None:
        loc = self.loc(question, item)
        if value is None and question.type != "include":
            # "None" is written only where leaving the field out would mean something else
            # (no automatic renewal is 'renewal: null'; without it the default applies).
            key = self.model_key(question, item)
            if fields.model_default(self.model, key) is None:
                if delete(self.data, loc):
                    self._save()
                return
        put(self.data, loc, value)
        self._save()

    def remove(self, loc: Loc) -> None:
        if delete(self.data, loc):
            self._save()

    # --- running -------------------------------------------------------------------------------

    def mark_progress(self, finished: bool = False) -> None:
        """Remember how far the file got (call before adding answers from the command line).

        ``finished``: the file is a finished agreement; only what it lacks and needs is asked.
        """
        answered = [i for i, q in enumerate(self.questions.questions) if self.answered(q)]
        last = len(self.questions.questions) if finished else max(answered, default=-1)
        self._frontier = last
        # In a finished file (or a renewal's source) a missing optional block was left out
        # on purpose: it counts as "no", never as a question still to ask.
        self._finished = finished

    def run(self) -> None:
        """Ask every question that applies and is not answered yet, in order."""
        if self._frontier is None:
            self.mark_progress()
        frontier = self._frontier if self._frontier is not None else -1
        for index, question in enumerate(self.questions.questions):
            if not self.applies(question):
                continue
            if question.type == "group":
                if not self.answered(question) and self._finished and question.min_items == 0:
                    continue  # an optional list left out of a finished file: none
                if not self.answered(question) or index >= frontier:
                    self.ask_group(question, resume=self.answered(question))
                else:
                    self._complete_items(question)
                continue
            if self.answered(question):
                if question.key in self.must_ask or not self._stored_is_valid(question):
                    self.ask(question)  # a stored answer that no longer validates
                continue
            # Before the last answered question, an optional answer was left out on purpose
            # and a value the profile or the model supplies needs no answer in the file.
            if (
                index > frontier
                or question.key in self.must_ask
                or (question.required and not self._supplied_elsewhere(question))
            ):
                self.ask(question)

    def _supplied_elsewhere(self, question: Question) -> bool:
        if question.type in ("include", "flags"):
            return True  # left out means none
        if question.type == "group":
            return False
        loc = to_loc(question.key)
        if get(self.sources.profile_defaults, loc) is not None:
            return True
        return fields.model_default(self.model, question.key) is not None

    def _stored_is_valid(self, question: Question, item: Item | None = None) -> bool:
        value = plain(get(self.data, self.loc(question, item)))
        if value is None:
            return True
        key = self.model_key(question, item)
        return fields.check_answer(question, value, self.model, key) is None

    def _section(self, question: Question) -> None:
        if self.prompter is None or question.section is None:
            return
        if question.section in self._shown_sections:
            return
        self._shown_sections.add(question.section)
        used = {q.section for q in self.questions.questions}
        sections = [s for s in self.questions.sections if s.id in used]
        section = self.questions.section_by_id[question.section]
        self.prompter.heading(section, sections.index(section) + 1, len(sections))

    def ask(self, question: Question, item: Item | None = None, fresh: bool = False) -> None:
        """Ask one question (its stored answer, else its default, is offered) and save.

        ``fresh``: offer the default even when an answer is stored (a dependent answer that
        was the old default gets the new one).
        """
        if question.type == "group":
            self.ask_group(question)
            return
        if question.type == "id":
            if not self.answered(question, item):
                taken = self._taken_ids(item)
                base = self.value(f"item.{question.from_key}", item) if item else None
                self.store(question, fields.slug(str(base or question.key), taken), item)
            return
        stored = get(self.data, self.loc(question, item), _MISSING)
        if stored is not _MISSING and not fresh and self._stored_is_valid(question, item):
            default = plain(stored)
        else:
            default = self.default_for(question, item)
        key = self.model_key(question, item)
        if self.prompter is None:
            self._take_default(question, item, default, key)
            return
        if item is None:
            self._section(question)
        section = self.questions.section_by_id.get(question.section or "")
        self.prompter.help(question.help, question.internal and not (section and section.internal))
        value = self._prompt(question, item, default, key)
        self.store(question, value, item)

    def _taken_ids(self, item: Item | None) -> set[str]:
        if item is None:
            return set()
        group_loc = item.loc[:-1]
        items = plain(get(self.data, group_loc)) or []
        return {
            str(other.get("id"))
            for index, other in enumerate(items)
            if isinstance(other, dict) and (*group_loc, index) != item.loc
        }

    def _take_default(self, question: Question, item: Item | None, default: Any, key: str) -> None:
        if question.type == "include":
            self.store(question, {} if default else None, item)
            return
        if default is None and question.type == "flags":
            default = []
        if default is None:
            if question.required and not fields.allows_none(self.model, key):
                self.missing.append((self._display_path(question, item), question.prompt))
            elif fields.allows_none(self.model, key):
                self.store(question, None, item)
            return
        if question.type == "flags" and isinstance(default, list):
            default = {sid: sid in default for sid, _ in self.service_choices()}
        problem = fields.check_answer(question, plain(default), self.model, key)
        if problem:
            self.missing.append(
                (self._display_path(question, item), f"{question.prompt} ({problem})")
            )
            return
        self.store(question, default, item)

    def _display_path(self, question: Question, item: Item | None) -> str:
        from slawriter.model.paths import format_path

        return format_path(self.loc(question, item), plain(self.data))

    # --- the prompt for each type ---------------------------------------------------------------

    def _choices(self, question: Question, item: Item | None) -> list[tuple[Any, str]]:
        choices = [(c.value, c.label) for c in question.choices]
        if question.choices_from == "priorities" or (
            question.type == "multi" and question.choices_from is None and not choices
        ):
            merged = self.merged().get("priorities") or {}
            choices += [
                (p, f"{p} {merged[p].get('name', '')}".strip()) for p in self.priority_ids()
            ]
        elif question.choices_from == "services":
            choices += self.service_choices()
        elif question.choices_from == "calendars" or question.type == "calendar":
            known = {value for value, _ in choices}
            choices = [c for c in self.calendar_choices() if c[0] not in known] + choices
        return choices

    def _validator(
        self, question: Question, key: str, allow_empty: bool
    ) -> Callable[[str], str | None]:
        def validate(text: str) -> str | None:
            if not text.strip():
                return None if allow_empty else "An answer is needed here"
            try:
                value = fields.parse_answer(question, text)
            except ValueError as error:
                return str(error)
            return fields.check_answer(question, value, self.model, key)

        return validate

    def _prompt(self, question: Question, item: Item | None, default: Any, key: str) -> Any:
        prompter = self.prompter
        assert prompter is not None
        kind = question.type
        message = question.prompt
        optional = not question.required and fields.allows_none(self.model, key)
        if kind in ("confirm", "include"):
            if kind == "include":
                stored = get(self.data, self.loc(question, item), _MISSING)
                yes = stored is not None if stored is not _MISSING else bool(default)
                keep = plain(stored) if isinstance(stored, dict) else {}
                return keep if prompter.confirm(message, yes) else None
            return prompter.confirm(message, bool(default))
        if kind in ("choice", "calendar"):
            choices = self._choices(question, item)
            if optional:
                choices.append((NONE, "None"))
            picked = prompter.select(message, choices, default if default is not None else NONE)
            return None if picked == NONE else picked
        if kind == "multi":
            choices = self._choices(question, item)
            checked = list(default or [])
            return prompter.checkbox(message, choices, checked, at_least_one=question.required)
        if kind == "flags":
            choices = self.service_choices()
            checked = (
                [k for k, v in (default or {}).items() if v]
                if isinstance(default, dict)
                else list(default or [])
            )
            picked = prompter.checkbox(message, choices, checked)
            return {sid: sid in picked for sid, _ in choices}
        if kind == "list":
            return self._ask_list(question, item, list(default or []), key)
        completions: list[str] | None = None
        meta: dict[str, str] | None = None
        if kind == "timezone":
            completions = timezones()
        elif kind == "holidays":
            completions, meta = holiday_codes()
        allow_empty = optional or not question.required
        shown = fields.format_answer(question, default)
        instruction = None
        if allow_empty:
            instruction = "(optional: type - for none)" if shown else "(optional)"
        validate = self._validator(question, key, allow_empty)
        text = prompter.text(
            message,
            shown,
            lambda text: None if allow_empty and text.strip() == "-" else validate(text),
            completions=completions,
            meta=meta,
            instruction=instruction,
        )
        if not text.strip() or text.strip() == "-":
            return None
        return fields.parse_answer(question, text)

    def _ask_list(self, question: Question, item: Item | None, items: list[Any], key: str) -> Any:
        prompter = self.prompter
        assert prompter is not None
        if items:
            kept = prompter.checkbox(
                f"{question.prompt} (untick any to leave out)",
                [(index, str(text)) for index, text in enumerate(items)],
                list(range(len(items))),
            )
            items = [items[index] for index in kept]
        validate_one = self._validator(
            question.model_copy(update={"type": "text"}), f"{key}[0]", True
        )

        def validate(text: str) -> str | None:
            if not text.strip():
                return "Give at least one" if question.required and not items else None
            return validate_one(text)

        while True:
            if items:
                message = f"{question.title}: {question.item_name} {len(items) + 1}"
                instruction = "(leave empty to finish)"
            else:
                message, instruction = question.prompt, None
            text = prompter.text(message, "", validate, instruction=instruction)
            if not text.strip():
                break
            items.append(" ".join(text.split()))
        return items if items or question.required else []

    # --- repeating groups ------------------------------------------------------------------------

    def _group_defaults(self, question: Question) -> list[dict[str, Any]]:
        if question.default_items_from:
            name = question.default_items_from.partition(":")[2]
            computed = COMPUTE[name](self, None) if name in COMPUTE else None
            if computed:
                return list(computed)
        if question.default_items:
            return list(question.default_items)
        profile = get(self.sources.profile_defaults, to_loc(question.key))
        return list(profile) if isinstance(profile, list) else []

    def _items(self, question: Question) -> list[Any]:
        items = get(self.data, to_loc(question.key))
        return list(items) if isinstance(items, list) else []

    def _item(self, question: Question, index: int, defaults: list[dict[str, Any]]) -> Item:
        return Item(
            question,
            (*to_loc(question.key), index),
            defaults[index] if index < len(defaults) else {},
        )

    def _fill_item(self, item: Item, only_missing: bool) -> None:
        for sub in item.group.questions:
            item = self._still_default(item)
            if not self.applies(sub, item):
                if self.answered(sub, item) and sub.type != "id":
                    self.remove(self.loc(sub, item))
                continue
            if only_missing:
                if self.answered(sub, item):
                    if self._stored_is_valid(sub, item):
                        continue
                elif not sub.required and sub.type != "id":
                    continue  # an optional answer left out on purpose
                elif self._finished and sub.type in ("include", "flags"):
                    continue  # left out of a finished file: "no"
            self.ask(sub, item)

    def _still_default(self, item: Item) -> Item:
        """The item without its defaults once an answer differs from the default item's."""
        for sub in item.group.questions:
            expected = get(item.defaults, to_loc(sub.key))
            if (
                expected is not None
                and self.answered(sub, item)
                and plain(get(self.data, self.loc(sub, item))) != expected
            ):
                # The user describes something else than the default item: its other
                # defaults (the systems of "IT support", say) no longer fit.
                return Item(item.group, item.loc, {})
        return item

    def _fill_defaults(self, item: Item) -> None:
        """Every answer of one item from its defaults, nothing asked."""
        prompter, self.prompter = self.prompter, None
        try:
            self._fill_item(item, only_missing=False)
        finally:
            self.prompter = prompter

    def describe_item(self, group: Question, index: int) -> str:
        """``Email and calendar (uptime target: 99.9; ...)`` for lists and the review."""
        item = Item(group, (*to_loc(group.key), index), {})
        parts = []
        label_key = group.item_label or "name"
        for sub in group.questions:
            if sub.type == "id" or sub.key == label_key or not self.answered(sub, item):
                continue
            if not self.applies(sub, item):
                continue
            value = plain(get(self.data, self.loc(sub, item)))
            if value is None or value == [] or sub.type == "include":
                continue
            parts.append(f"{sub.title.rstrip('?')}: {self.answer_text(sub, item)}")
        return "; ".join(parts)

    def _describe_item(self, group: Question, index: int) -> str:
        if group.item_format:
            item = plain(get(self.data, (*to_loc(group.key), index)))
            shown = {
                key: ", ".join(str(v) for v in value) if isinstance(value, list) else value
                for key, value in (item.items() if isinstance(item, dict) else [])
            }
            try:
                return group.item_format.format_map(shown)
            except (KeyError, ValueError, IndexError):
                pass
        detail = self.describe_item(group, index)
        label = self._item_label(group, index)
        return f"{label} ({detail})" if detail else label

    def _complete_items(self, question: Question) -> None:
        defaults = self._group_defaults(question)
        for index in range(len(self._items(question))):
            self._fill_item(self._item(question, index, defaults), only_missing=True)

    def ask_group(self, question: Question, resume: bool = False) -> None:
        defaults = self._group_defaults(question)
        loc = to_loc(question.key)
        if self.prompter is None:
            if not self.answered(question):
                put(self.data, loc, [])
                for index in range(len(defaults)):
                    self._fill_item(self._item(question, index, defaults), only_missing=False)
                self._save()
            self._complete_items(question)
            return
        self._section(question)
        self.prompter.help(question.help, question.internal)
        self._complete_items(question)
        count = len(self._items(question))
        if count:
            listing = ", ".join(self._item_label(question, i) for i in range(count))
            self.prompter.note(f"  So far: {listing}", "dim")
            if not self.prompter.confirm(f"Add another {question.item_name}?", False):
                return
        elif question.offer_defaults and defaults:
            put(self.data, loc, [])
            for index in range(len(defaults)):
                self._fill_defaults(self._item(question, index, defaults))
            count = len(defaults)
            for index in range(count):
                self.prompter.note(f"  {index + 1}. {self._describe_item(question, index)}")
            if self.prompter.confirm(f"Use these {count} {question.item_name}s?", True):
                self._save()
                return
            put(self.data, loc, [])
            defaults = []
        elif question.min_items == 0 and not self.prompter.confirm(
            f"{question.prompt}", bool(defaults)
        ):
            put(self.data, loc, [])
            self._save()
            return
        if not self.answered(question):
            put(self.data, loc, [])
        while True:
            index = len(self._items(question))
            self.prompter.note(f"  {question.item_name.capitalize()} {index + 1}", "bold")
            self._fill_item(self._item(question, index, defaults), only_missing=False)
            more = index + 1 < len(defaults)
            if not self.prompter.confirm(f"Add another {question.item_name}?", more):
                break

    def edit_group(self, question: Question) -> None:
        assert self.prompter is not None
        defaults = self._group_defaults(question)
        while True:
            count = len(self._items(question))
            choices: list[tuple[Any, str]] = [
                (("change", i), f"Change {self._item_label(question, i)}") for i in range(count)
            ]
            choices.append((("add", count), f"Add a {question.item_name}"))
            choices += [
                (("remove", i), f"Remove {self._item_label(question, i)}")
                for i in range(count)
                if count > question.min_items
            ]
            choices.append((("done", 0), "Done"))
            action, index = self.prompter.select(f"{question.prompt}", choices, ("done", 0))
            if action == "done":
                return
            if action == "remove":
                self.remove((*to_loc(question.key), index))
                continue
            self._fill_item(self._item(question, index, defaults), only_missing=False)

    # --- review and edit -----------------------------------------------------------------------

    def dependents(self, key: str) -> list[Question]:
        """Questions that depend on ``key``, directly or through others, in asking order."""
        found: set[str] = set()
        changed = {key}
        grew = True
        while grew:
            grew = False
            for question in self.questions.questions:
                if question.key not in found and changed & set(question.depends_on):
                    found.add(question.key)
                    changed.add(question.key)
                    grew = True
        return [q for q in self.questions.questions if q.key in found]

    def edit(self, question: Question) -> None:
        """Ask ``question`` again, then every answer that depends on it, then what is new."""
        assert self.prompter is not None
        dependents = self.dependents(question.key)
        old_defaults = {d.key: self.default_for(d) for d in dependents}
        before = {q.key for q in self.questions.questions if self.applies(q)}
        if question.type == "group":
            self.edit_group(question)
        else:
            self.ask(question)
        for dependent in dependents:
            if not self.applies(dependent):
                continue
            stored = self.value(dependent.key)
            self.prompter.note(f"  Asked again because it depends on '{question.title}':", "yellow")
            # An answer that was the old default is offered the new default.
            self.ask(dependent, fresh=stored is not None and stored == old_defaults[dependent.key])
        for other in self.questions.questions:
            applies = self.applies(other)
            if not applies and self.answered(other):
                self.remove(to_loc(other.key))
            elif applies and (
                other.key not in before or (other.required and not self.answered(other))
            ):
                self.ask(other)  # newly applicable, or needed

    def sections_with_answers(self) -> Iterator[tuple[Section, list[Question]]]:
        for section in self.questions.sections:
            shown = [
                q
                for q in self.questions.questions
                if q.section == section.id and self.applies(q) and q.type != "id"
            ]
            if shown:
                yield section, shown

    def review(self, summary: Callable[[Wizard], Any]) -> None:
        """Show every answer by section; let the user change any until they finish."""
        assert self.prompter is not None
        self._shown_sections.update(s.id for s in self.questions.sections)  # no headings now
        while True:
            self.prompter.rich(summary(self))
            choices: list[tuple[Any, str]] = [
                ("finish", "Everything is right: create the documents")
            ]
            choices += [
                (section.id, f"Change something in: {section.title}")
                for section, _ in self.sections_with_answers()
            ]
            picked = self.prompter.select("What next?", choices, "finish")
            if picked == "finish":
                return
            self.edit_section(picked)

    def edit_section(self, section_id: str) -> None:
        assert self.prompter is not None
        questions = dict(self.sections_with_answers_by_id()).get(section_id, [])
        choices: list[tuple[Any, str]] = [
            (q.key, f"{q.title}: {self._short(self.answer_text(q))}") for q in questions
        ]
        choices.append(("back", "Back to the summary"))
        picked = self.prompter.select("Which answer?", choices, choices[0][0])
        if picked == "back":
            return
        question = self.questions.find(picked)
        assert question is not None
        self.edit(question)

    def sections_with_answers_by_id(self) -> Iterator[tuple[str, list[Question]]]:
        for section, questions in self.sections_with_answers():
            yield section.id, questions

    @staticmethod
    def _short(text: str, width: int = 60) -> str:
        return text if len(text) <= width else text[: width - 1] + "…"

    def question_for_path(self, path: str) -> Question | None:
        """The question that sets a field path from a message (``services[email].name``)."""
        import re

        pattern = re.sub(r"\[[^\]]*\]", "[]", path)
        best: Question | None = None
        for question in self.questions.questions:
            keys = [question.key] + [f"{question.key}[].{sub.key}" for sub in question.questions]
            for key in keys:
                matches = pattern == key or pattern.startswith((f"{key}.", f"{key}["))
                if matches and (best is None or len(question.key) > len(best.key)):
                    best = question
        return best


@cache
def timezones() -> list[str]:
    return sorted(
        z for z in zoneinfo.available_timezones() if "/" in z and not z.startswith("Etc/")
    )
