"""Reading answers: a question set evaluated against one data mapping.

``Answers`` says what an answer is, whether a question applies and what its default is, for
the mapping it holds. The wizard is an ``Answers`` that also asks; ``over`` evaluates the
same questions against other data (the ``--data`` answers staged before anything is written)
without touching the wizard's own.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass, field
from datetime import date
from functools import cache, lru_cache
from typing import Any

from pydantic import BaseModel
from ruamel.yaml import YAML

from slawriter.files.roundtrip import get, has, plain
from slawriter.files.yaml import deep_merge
from slawriter.model.agreement import ALWAYS_CALENDAR
from slawriter.model.paths import Loc, parse_path
from slawriter.wizard import fields
from slawriter.wizard.computed import COMPUTE, first_of_next_month
from slawriter.wizard.questions import Question, QuestionSet, split_condition

MISSING = object()  # no answer stored (None is an answer: "none")


@dataclass(kw_only=True)
class Sources:
    """What defaults may come from besides earlier answers. ``today`` is always given: the
    dates offered (the first of next month) and a renewal's start depend on it."""

    today: date
    profile_defaults: dict[str, Any] = field(default_factory=dict)
    provider: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Item:
    """One item of a repeating group being asked."""

    group: Question
    loc: Loc
    defaults: dict[str, Any]


@lru_cache(maxsize=4096)  # the browser turns the same paths many times a request
def to_loc(path: str) -> Loc:
    return tuple(
        int(p[1:-1]) if isinstance(p, str) and p[1:-1].isdigit() else p for p in parse_path(path)
    )


def truthy(value: Any) -> bool:
    if value is None or value is False or value == "" or value == []:
        return False
    return value is not MISSING


@cache
def _scalar(text: str) -> Any:
    return YAML(typ="safe", pure=True).load(text)


def _holds(operator: str | None, value: Any, raw: str | None) -> bool:
    if operator is None:
        return truthy(value)
    expected = _scalar(raw or "")
    if operator == "==":
        return bool(value == expected)
    if operator == "!=":
        return bool(value != expected)
    return isinstance(expected, list) and value in expected


class Answers:
    def __init__(
        self, questions: QuestionSet, data: Any, sources: Sources, model: type[BaseModel]
    ) -> None:
        self.questions = questions
        self.data = data
        self.sources = sources
        self.model = model

    def over(self, data: Any) -> Answers:
        """The same questions, sources and model, read from ``data`` instead."""
        return Answers(self.questions, data, self.sources, self.model)

    # --- values --------------------------------------------------------------------------------

    def value(self, path: str, item: Item | None = None) -> Any:
        if "[]." in path:
            # services[].uptime: the items' values that hold, so a condition holds for any.
            head, _, rest = path.partition("[].")
            items = self.value(head, item)
            found = [get(x, to_loc(rest)) for x in items] if isinstance(items, list) else []
            return [plain(x) for x in found if truthy(x)]
        if path.startswith("item."):
            if item is None:
                return None
            return plain(get(self.data, item.loc + to_loc(path[5:])))
        loc = to_loc(path)
        found = get(self.data, loc, MISSING)
        if found is not MISSING:
            return plain(found)
        return get(self.sources.profile_defaults, loc)

    def date_value(self, path: str) -> date:
        value = self.value(path)
        return value if isinstance(value, date) else first_of_next_month(self, None)

    def merged(self) -> dict[str, Any]:
        merged: dict[str, Any] = deep_merge(self.sources.profile_defaults, plain(self.data))
        return merged

    def currency(self) -> str:
        """The currency fees are in: the provider's."""
        locale = self.sources.provider.get("locale") or {}
        return str(locale.get("currency") or "GBP")

    def clock_of(self, priority: str) -> str:
        """The calendar a priority's targets are counted on (its own, else the default)."""
        own = self.value(f"priorities.{priority}.calendar")
        return str(own or self.value("default_calendar") or "business")

    def priority_ids(self) -> list[str]:
        priorities = self.merged().get("priorities")
        return [str(p) for p in priorities] if isinstance(priorities, dict) else []

    def priority_choices(self) -> list[tuple[Any, str]]:
        merged = self.merged().get("priorities") or {}
        return [(p, f"{p} {merged[p].get('name', '')}".strip()) for p in self.priority_ids()]

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

    # --- questions -----------------------------------------------------------------------------

    def applies(self, question: Question, item: Item | None = None) -> bool:
        if not question.condition:
            return True
        for negate, path, operator, raw in split_condition(question.condition):
            if _holds(operator, self.value(path, item), raw) == negate:
                return False
        return True

    def _default_from(self, source: str, item: Item | None) -> Any:
        kind, _, rest = source.partition(":")
        if kind == "compute":
            return COMPUTE[rest](self, item) if rest in COMPUTE else None
        if kind == "answer":
            return self.value(rest)
        if kind == "item":
            return self.value(f"item.{rest}", item)
        if kind == "profile":
            return get(self.sources.profile_defaults, to_loc(rest))
        return get(self.sources.provider, to_loc(rest))

    def default_for(self, question: Question, item: Item | None = None) -> Any:
        if question.no_default:
            return None
        if item is not None:
            value = get(item.defaults, to_loc(question.key))
            if value is not None:
                return value
        for source in question.default_from:
            value = self._default_from(source, item)
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

    def stored(self, question: Question, item: Item | None = None) -> Any:
        """The stored answer as written (MISSING when there is none)."""
        return get(self.data, self.loc(question, item), MISSING)

    def item_label(self, group: Question, index: int) -> str:
        item = plain(get(self.data, (*to_loc(group.key), index))) or {}
        key = group.item_label or "name"
        label = get(item, to_loc(key)) if isinstance(item, dict) else None
        if label is None and isinstance(item, dict):
            label = item.get("id")
        return str(label) if label is not None else f"{group.item_name} {index + 1}"

    def taken_ids(self, item: Item | None) -> set[str]:
        """The ids of the other items of ``item``'s group."""
        if item is None:
            return set()
        group_loc = item.loc[:-1]
        items = plain(get(self.data, group_loc)) or []
        return {
            str(other.get("id"))
            for index, other in enumerate(items)
            if isinstance(other, dict) and (*group_loc, index) != item.loc
        }

    def question_for_path(self, path: str) -> Question | None:
        """The question that sets a field path from a message (``services[email].name``)."""
        pattern = re.sub(r"\[[^\]]*\]", "[]", path)
        best: Question | None = None
        for question in self.questions.questions:
            keys = [question.key] + [f"{question.key}[].{sub.key}" for sub in question.questions]
            for key in keys:
                matches = pattern == key or pattern.startswith((f"{key}.", f"{key}["))
                if matches and (best is None or len(question.key) > len(best.key)):
                    best = question
        return best
