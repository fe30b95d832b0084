"""Question types: one handler each, saying how an answer of that type is asked, read from
typed text or ``--data``, taken from its default, and shown in the review.

Adding a question type is one ``Handler`` subclass and one entry in ``HANDLERS`` (plus its
name in ``questions.QuestionType``, the question files' schema; a test keeps the two equal).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Protocol

from pydantic import BaseModel
from ruamel.yaml import YAML

from slawriter.files.roundtrip import get, plain, put
from slawriter.model.agreement import ALWAYS_CALENDAR
from slawriter.model.durations import parse_duration, parse_period
from slawriter.model.hours import HoursError, parse_weekly_hours
from slawriter.wizard import fields
from slawriter.wizard.answers import MISSING, Answers, Item
from slawriter.wizard.questions import Question, Section

NONE = "__none__"  # the value of a "none" choice (questionary cannot use None)

Validator = Callable[[str], str | None]


class Prompter(Protocol):
    @property
    def width(self) -> int: ...
    def heading(self, section: Section, number: int, total: int) -> None: ...
    def note(self, text: str, style: str = "") -> None: ...
    def rich(self, renderable: Any) -> None: ...
    def help(self, text: str, internal: bool = False) -> None: ...
    def finding(self, severity: str, message: str, suggestion: str) -> None: ...
    def text(
        self,
        message: str,
        default: str,
        validate: Validator,
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


@dataclass(frozen=True)
class Asked:
    """One question on screen: what its handler needs to prompt for it."""

    answers: Answers
    prompter: Prompter
    question: Question
    item: Item | None
    default: Any  # the stored answer, else the default
    key: str  # the model field the answer is checked against

    @property
    def optional(self) -> bool:
        """May be answered "none" (and the file format takes none)."""
        return not self.question.required and fields.allows_none(self.answers.model, self.key)


# --- reading and checking typed answers ------------------------------------------------------


def parse_answer(question: Question, text: str) -> Any:
    """The value to store for ``text`` typed at ``question``; ValueError says what is wrong."""
    return handler_for(question).parse(question, text.strip())


def check_answer(question: Question, value: Any, model: type[BaseModel], key: str) -> str | None:
    """None if ``value`` may be stored at ``key``, else what is wrong with it."""
    rules = question.validation
    if rules and isinstance(value, int | float) and not isinstance(value, bool):
        if rules.min is not None and value < rules.min:
            return f"must be at least {fields.plain_number(Decimal(str(rules.min)))}"
        if rules.max is not None and value > rules.max:
            return f"must be at most {fields.plain_number(Decimal(str(rules.max)))}"
    if (
        rules
        and rules.pattern
        and isinstance(value, str)
        and not re.fullmatch(rules.pattern, value)
    ):
        return rules.message or f"must match {rules.pattern}"
    if not handler_for(question).model_checks:
        return None
    try:
        return fields.model_error(model, key, value)
    except KeyError:
        return None


def validator(question: Question, model: type[BaseModel], key: str, allow_empty: bool) -> Validator:
    """The prompt's check of typed text: the same rule ``slawriter validate`` applies."""

    def validate(text: str) -> str | None:
        if not text.strip():
            return None if allow_empty else "An answer is needed here"
        try:
            value = parse_answer(question, text)
        except ValueError as error:
            return str(error)
        return check_answer(question, value, model, key)

    return validate


def _yaml_list(text: str) -> Any:
    try:
        return YAML(typ="safe", pure=True).load(text)
    except Exception:
        raise ValueError(f"'{text}' is not a list such as [a, b]") from None


def _yes_no(text: str) -> bool:
    lowered = text.lower()
    if lowered in ("yes", "y", "true", "on"):
        return True
    if lowered in ("no", "n", "false", "off"):
        return False
    raise ValueError(f"'{text}': expected yes or no")


def _items(text: str) -> Any:
    """A list given as ``[a, b]`` or ``a; b``."""
    if text.startswith("["):
        return _yaml_list(text)
    return [part.strip() for part in text.split(";") if part.strip()]


def choices_for(
    answers: Answers, question: Question, source: str | None = None
) -> list[tuple[Any, str]]:
    """The fixed choices, then those of ``choices_from`` (else of ``source``)."""
    choices = [(c.value, c.label) for c in question.choices]
    source = question.choices_from or source
    if source == "priorities":
        choices += answers.priority_choices()
    elif source == "services":
        choices += answers.service_choices()
    elif source == "calendars":
        known = {value for value, _ in choices}
        choices = [c for c in answers.calendar_choices() if c[0] not in known] + choices
    return choices


# --- the handlers ------------------------------------------------------------------------------


class Handler:
    """A typed-text answer (``text``); subclasses change what differs for their type."""

    generated = False  # made from another answer, never asked (id)
    left_out_means_no = False  # absent from a finished file: none, never a question to ask
    null_is_an_answer = False  # "no" is written as null, not left out
    model_checks = True  # the answer is checked with the model's field type
    summarised = True  # shown in an item's one-line description

    def make(self, answers: Answers, question: Question, item: Item | None) -> Any:
        """The answer of a ``generated`` question, made from the others."""
        raise AssertionError(f"a {question.type} question is asked, not made")

    def parse(self, question: Question, text: str) -> Any:
        """Typed text (stripped) -> the value to store; ValueError says what is wrong."""
        return text

    def from_data(self, question: Question, text: str) -> Any:
        """A ``--data`` VALUE (stripped) -> the value to store."""
        return _yaml_list(text) if text.startswith("[") else self.parse(question, text)

    def unattended(self, answers: Answers, default: Any) -> Any:
        """What taking the default stores (``--defaults``, an item filled from defaults)."""
        return default

    def choices(self, answers: Answers, question: Question) -> list[tuple[Any, str]]:
        return choices_for(answers, question)

    def completions(self) -> tuple[list[str] | None, dict[str, str] | None]:
        """What Tab completes at the prompt, with a note shown beside each entry."""
        return None, None

    def prompt(self, asked: Asked) -> Any:
        question = asked.question
        completions, meta = self.completions()
        allow_empty = asked.optional or not question.required
        shown = self.typed(question, asked.default)
        instruction = None
        if allow_empty:
            instruction = "(optional: type - for none)" if shown else "(optional)"
        validate = self.validator(asked, allow_empty)
        text = asked.prompter.text(
            self.message(asked),
            shown,
            lambda text: None if allow_empty and text.strip() == "-" else validate(text),
            completions=completions,
            meta=meta,
            instruction=instruction,
        )
        if not text.strip() or text.strip() == "-":
            return None
        return parse_answer(question, text)

    def typed(self, question: Question, value: Any) -> str:
        """A stored value as the user would type it (the default offered at the prompt)."""
        return fields.format_answer(question, value)

    def message(self, asked: Asked) -> str:
        return asked.question.prompt

    def validator(self, asked: Asked, allow_empty: bool) -> Validator:
        general = validator(asked.question, asked.answers.model, asked.key, allow_empty)
        item = asked.item
        if item is None or not self.model_checks:
            return general

        def validate(text: str) -> str | None:
            problem = general(text)
            if problem or text.strip() in ("", "-"):
                return problem
            siblings = plain(get(asked.answers.data, item.loc))
            value = parse_answer(asked.question, text)
            return fields.item_error(asked.answers.model, asked.key, siblings, value)

        return validate

    def show(self, answers: Answers, question: Question, item: Item | None, value: Any) -> str:
        """A stored answer in the review (never MISSING: the wizard says "not answered")."""
        if value is None:
            return "none"
        if isinstance(value, list):
            return "; ".join(str(v) for v in value) or "none"
        return self.show_value(question, value)

    def show_value(self, question: Question, value: Any) -> str:
        return fields.format_answer(question, value)


class Number(Handler):
    whole = False

    def parse(self, question: Question, text: str) -> Any:
        number = fields.number(text)
        if self.whole and number != number.to_integral():
            raise ValueError(f"'{text}' is not a whole number")
        return fields.plain_number(number)


class Integer(Number):
    whole = True


class Money(Number):
    """An amount in the provider's currency: '£450' and '450 GBP' are read as 450."""

    def parse(self, question: Question, text: str) -> Any:
        return fields.plain_number(fields.amount(text, None))

    def message(self, asked: Asked) -> str:
        return f"{asked.question.prompt} ({asked.answers.currency()})"

    def validator(self, asked: Asked, allow_empty: bool) -> Validator:
        general = super().validator(asked, allow_empty)
        currency = asked.answers.currency()

        def validate(text: str) -> str | None:
            if text.strip():
                try:
                    fields.amount(text, currency)
                except ValueError as error:
                    return str(error)
            return general(text)

        return validate

    def show_value(self, question: Question, value: Any) -> str:
        return fields.format_answer(question, value)


class Percent(Handler):
    def parse(self, question: Question, text: str) -> Any:
        number = fields.number(text.strip().removesuffix("%"), "a percentage such as 99.9")
        if not Decimal(0) <= number <= Decimal(100):
            raise ValueError(f"{text} is not between 0 and 100")
        return fields.plain_number(number)

    def show_value(self, question: Question, value: Any) -> str:
        return f"{fields.format_answer(question, value)}%"


_TARGET = re.compile(r"priorities\.([^.]+)\.(response|resolution|update)")


class Duration(Handler):
    def parse(self, question: Question, text: str) -> Any:
        return parse_duration(text).text

    def show(self, answers: Answers, question: Question, item: Item | None, value: Any) -> str:
        shown = super().show(answers, question, item, value)
        target = _TARGET.fullmatch(question.key) if item is None else None
        if target and value is not None:
            # A target means nothing without its clock: "P1 response 30m (24x7)".
            return f"{shown} ({answers.clock_of(target.group(1))})"
        return shown


class Period(Handler):
    def parse(self, question: Question, text: str) -> Any:
        return parse_period(text).text


class WeeklyHours(Handler):
    def parse(self, question: Question, text: str) -> Any:
        try:
            parse_weekly_hours(text)
        except HoursError as error:
            raise ValueError(str(error)) from None
        return " ".join(text.split())


class TimeZone(Handler):
    def completions(self) -> tuple[list[str] | None, dict[str, str] | None]:
        return fields.timezones(), None

    def parse(self, question: Question, text: str) -> Any:
        return fields.find_timezone(text)


class Holidays(Handler):
    def completions(self) -> tuple[list[str] | None, dict[str, str] | None]:
        return fields.holiday_codes()

    def parse(self, question: Question, text: str) -> Any:
        return fields.find_holiday_code(text)


class Date(Handler):
    def parse(self, question: Question, text: str) -> Any:
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise ValueError(
                f"'{text}' is not a date: write it as YYYY-MM-DD, e.g. 2027-01-01"
            ) from None


class Choice(Handler):
    def prompt(self, asked: Asked) -> Any:
        choices = self.choices(asked.answers, asked.question)
        if asked.optional:
            choices.append((NONE, "None"))
        default = asked.default if asked.default is not None else NONE
        picked = asked.prompter.select(asked.question.prompt, choices, default)
        return None if picked == NONE else picked

    def show(self, answers: Answers, question: Question, item: Item | None, value: Any) -> str:
        if value is None:
            return super().show(answers, question, item, value)
        return str(dict(self.choices(answers, question)).get(value, value))


TYPED_HOURS = "__typed_hours__"  # the choice "Other hours (I will type them)"


class Calendar(Choice):
    """A choice of the calendars defined (in the file and the provider file), 24x7 included,
    or weekly hours typed on the spot (which become a named calendar of the agreement)."""

    def choices(self, answers: Answers, question: Question) -> list[tuple[Any, str]]:
        choices = choices_for(answers, question, "calendars")
        if question.key == "out_of_hours.calendar":
            # Out-of-hours cover is outside the customer's business hours: those are no choice.
            usual = answers.value("default_calendar") or "business"
            choices = [c for c in choices if c[0] != usual]
        return choices

    def prompt(self, asked: Asked) -> Any:
        question = asked.question
        choices = self.choices(asked.answers, question)
        default = asked.default if asked.default is not None else NONE
        if asked.optional:
            # Leaving it empty means "at any time": offered as that, and not beside a 24x7
            # choice that would mean the same.
            if default != ALWAYS_CALENDAR:
                choices = [c for c in choices if c[0] != ALWAYS_CALENDAR]
            choices.append((NONE, "At any time (no limit)"))
        if not question.choices:  # a question with its own typed choice keeps it alone
            choices.append(
                (TYPED_HOURS, "Other hours (I will type them, e.g. mon-fri 08:00-18:00)")
            )
        picked = asked.prompter.select(question.prompt, choices, default)
        if picked == TYPED_HOURS:
            return self._typed_calendar(asked)
        return None if picked == NONE else picked

    def _typed_calendar(self, asked: Asked) -> str:
        text = asked.prompter.text("Weekly hours", "", hours_problem).strip()
        return typed_calendar(asked.answers, text)


def hours_problem(text: str) -> str | None:
    """Why typed weekly hours (mon-fri 08:00-18:00) cannot be read; None when they can."""
    try:
        parse_weekly_hours(text)
    except HoursError as error:
        return str(error)
    return None


def typed_calendar(answers: Answers, text: str) -> str:
    """Weekly hours typed on the spot (checked with hours_problem): a calendar named after
    them, in the time zone and with the public holidays of the customer's business hours."""
    text = text.strip()
    specs = dict(answers.sources.provider.get("calendars") or {})
    specs.update(plain(answers.data.get("calendars")) or {})
    base = specs.get(answers.value("default_calendar") or "business") or {}
    name = fields.slug(text)
    if name in specs and specs[name].get("hours") != text:
        name = fields.slug(text, set(specs))
    spec: dict[str, Any] = {"hours": text, "timezone": base.get("timezone") or "UTC"}
    if base.get("holidays"):
        spec["holidays"] = base["holidays"]
    put(answers.data, ("calendars", name), spec)
    return name


class Multi(Handler):
    def choices(self, answers: Answers, question: Question) -> list[tuple[Any, str]]:
        # A multiple choice with nothing to choose from named: the priorities.
        return choices_for(answers, question, None if question.choices else "priorities")

    def from_data(self, question: Question, text: str) -> Any:
        return _items(text)

    def prompt(self, asked: Asked) -> Any:
        return asked.prompter.checkbox(
            asked.question.prompt,
            self.choices(asked.answers, asked.question),
            list(asked.default or []),
            at_least_one=asked.question.required,
        )

    def show(self, answers: Answers, question: Question, item: Item | None, value: Any) -> str:
        if not isinstance(value, list):
            return super().show(answers, question, item, value)
        labels = dict(self.choices(answers, question))
        return ", ".join(str(labels.get(v, v)) for v in value) or "none"


class Confirm(Handler):
    def from_data(self, question: Question, text: str) -> Any:
        return _yes_no(text)

    def prompt(self, asked: Asked) -> Any:
        return asked.prompter.confirm(asked.question.prompt, bool(asked.default))


class Include(Handler):
    """Yes: the optional section is present (``{}`` until its questions fill it); no: null."""

    left_out_means_no = True
    null_is_an_answer = True
    model_checks = False
    summarised = False  # its questions say what it holds

    def from_data(self, question: Question, text: str) -> Any:
        return {} if _yes_no(text) else None

    def unattended(self, answers: Answers, default: Any) -> Any:
        return {} if default else None

    def prompt(self, asked: Asked) -> Any:
        stored = asked.answers.stored(asked.question, asked.item)
        yes = stored is not None if stored is not MISSING else bool(asked.default)
        keep = plain(stored) if isinstance(stored, dict) else {}
        return keep if asked.prompter.confirm(asked.question.prompt, yes) else None

    def show(self, answers: Answers, question: Question, item: Item | None, value: Any) -> str:
        return "yes" if value is not None else "no"


class Flags(Handler):
    """Tick services: a mapping of service id to yes or no."""

    left_out_means_no = True
    model_checks = False

    def unattended(self, answers: Answers, default: Any) -> Any:
        if default is None:
            default = []
        if isinstance(default, list):
            return {sid: sid in default for sid, _ in answers.service_choices()}
        return default

    def prompt(self, asked: Asked) -> Any:
        default = asked.default
        choices = asked.answers.service_choices()
        checked = (
            [k for k, v in (default or {}).items() if v]
            if isinstance(default, dict)
            else list(default or [])
        )
        picked = asked.prompter.checkbox(asked.question.prompt, choices, checked)
        return {sid: sid in picked for sid, _ in choices}

    def show(self, answers: Answers, question: Question, item: Item | None, value: Any) -> str:
        if not isinstance(value, dict):
            return super().show(answers, question, item, value)
        names = dict(answers.service_choices())
        return ", ".join(str(names.get(k, k)) for k, v in value.items() if v) or "none"


class List(Handler):
    """One item per line; an empty line finishes. Items already given can be unticked.

    With a ``separator`` the items are typed on one line (an address, the systems of a
    service): ``1 High St, Bristol BS1 1AA``.
    """

    def from_data(self, question: Question, text: str) -> Any:
        return _items(text)

    def parse(self, question: Question, text: str) -> Any:
        separator = question.separator or ";"
        return [" ".join(part.split()) for part in text.split(separator) if part.strip()]

    def typed(self, question: Question, value: Any) -> str:
        if isinstance(value, list):
            return f"{question.separator or ';'} ".join(str(v) for v in value)
        return super().typed(question, value)

    def validator(self, asked: Asked, allow_empty: bool) -> Validator:
        one = validator(
            asked.question.model_copy(update={"type": "text"}),
            asked.answers.model,
            f"{asked.key}[0]",
            True,
        )
        whole = validator(asked.question, asked.answers.model, asked.key, allow_empty)

        def validate(text: str) -> str | None:
            for part in self.parse(asked.question, text):
                problem = one(part)
                if problem:
                    return f"'{part}': {problem}"
            return whole(text)

        return validate

    def prompt(self, asked: Asked) -> Any:
        question, prompter = asked.question, asked.prompter
        if question.separator:
            sep = question.separator
            asked = Asked(
                asked.answers,
                prompter,
                question.model_copy(
                    update={"prompt": f"{question.prompt} (separate with '{sep}')"}
                ),
                asked.item,
                asked.default,
                asked.key,
            )
            value = super().prompt(asked)
            return value if value is not None or question.required else []
        items = list(asked.default or [])
        if items:
            kept = prompter.checkbox(
                f"{question.prompt} (untick any to leave out)",
                [(index, str(text)) for index, text in enumerate(items)],
                list(range(len(items))),
            )
            items = [items[index] for index in kept]
        one = question.model_copy(update={"type": "text"})
        validate_one = validator(one, asked.answers.model, f"{asked.key}[0]", True)

        def validate(text: str) -> str | None:
            if not text.strip():
                return "Give at least one" if question.required and not items else None
            return validate_one(text)

        while True:
            if items:
                message = f"{question.title}: {question.item_name} {len(items) + 1}"
                instruction: str | None = "(leave empty to finish)"
            else:
                message, instruction = question.prompt, None
            text = prompter.text(message, "", validate, instruction=instruction)
            if not text.strip():
                break
            items.append(" ".join(text.split()))
        return items if items or question.required else []


_TARGET_FIELDS = ("response", "resolution")


class Mapping(Handler):
    """Per priority on one line: ``P1 0.5, P2 4, P3 8`` (numbers), ``P1 90m, default 25m``
    (durations) or ``P1 resolution 1 business day; P2 response 4h`` (modified targets)."""

    def parse(self, question: Question, text: str) -> Any:
        out: dict[str, Any] = {}
        for part in re.split(r"[;,]", text):
            words = part.split()
            if not words:
                continue
            if len(words) < 2:
                raise ValueError(
                    f"'{part.strip()}': expected a key and a value, e.g. {_example(question)}"
                )
            key, rest = words[0], words[1:]
            key = key.upper() if re.fullmatch(r"[pP]\d", key) else key
            if question.value_type == "targets":
                field = rest[0].lower()
                if field not in _TARGET_FIELDS or len(rest) < 2:
                    raise ValueError(
                        f"'{part.strip()}': expected a priority, 'response' or 'resolution' "
                        f"and a time, e.g. {_example(question)}"
                    )
                out.setdefault(key, {})[field] = parse_duration(" ".join(rest[1:])).text
            elif question.value_type == "duration":
                out[key] = parse_duration(" ".join(rest)).text
            else:
                out[key] = fields.plain_number(fields.number(" ".join(rest)))
        return out

    def from_data(self, question: Question, text: str) -> Any:
        return _yaml_list(text) if text.startswith("{") else self.parse(question, text)

    def typed(self, question: Question, value: Any) -> str:
        if not isinstance(value, dict):
            return super().typed(question, value)
        if question.value_type == "targets":
            return "; ".join(
                f"{key} {field} {target}"
                for key, fields_ in value.items()
                for field, target in (fields_ or {}).items()
                if field in _TARGET_FIELDS and target is not None
            )
        return ", ".join(f"{key} {v}" for key, v in value.items())

    def show(self, answers: Answers, question: Question, item: Item | None, value: Any) -> str:
        return self.typed(question, value) or "none"


def _example(question: Question) -> str:
    return {
        "targets": "'P1 resolution 1 business day; P2 resolution 3 business days'",
        "duration": "'P1 90m, P2 60m, default 25m'",
    }.get(question.value_type, "'P1 0.5, P2 4, P3 8'")


class Group(Handler):
    """A repeating group: the wizard asks its items (engine.Wizard.ask_group)."""

    model_checks = False

    def prompt(self, asked: Asked) -> Any:
        raise AssertionError("a group is asked item by item, never as one prompt")

    def show(self, answers: Answers, question: Question, item: Item | None, value: Any) -> str:
        labels = (answers.item_label(question, i) for i in range(len(value or [])))
        return ", ".join(labels) or "none"


class Id(Handler):
    """An item's id, made from another of its answers (``from``) and never asked."""

    generated = True

    def make(self, answers: Answers, question: Question, item: Item | None) -> str:
        base = answers.value(f"item.{question.from_key}", item) if item else None
        return fields.slug(str(base or question.key), answers.taken_ids(item))

    def prompt(self, asked: Asked) -> Any:
        raise AssertionError("an id is made from another answer, never asked")


HANDLERS: dict[str, Handler] = {
    "text": Handler(),
    "choice": Choice(),
    "multi": Multi(),
    "confirm": Confirm(),
    "number": Number(),
    "integer": Integer(),
    "percent": Percent(),
    "duration": Duration(),
    "period": Period(),
    "hours": WeeklyHours(),
    "timezone": TimeZone(),
    "holidays": Holidays(),
    "date": Date(),
    "list": List(),
    "include": Include(),
    "calendar": Calendar(),
    "group": Group(),
    "id": Id(),
    "flags": Flags(),
    "money": Money(),
    "mapping": Mapping(),
}


def handler_for(question: Question) -> Handler:
    return HANDLERS[question.type]
