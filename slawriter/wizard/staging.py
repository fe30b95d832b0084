"""Answers given in advance (``slawriter new --data PATH=VALUE``), staged before any is written.

Each answer is read and checked like a typed one (its question's handler and the model's
field type), then all of them together on a copy of the file's data: a condition that does
not hold, or a rule of the whole agreement they break. Nothing is written unless every one
passes.
"""

from __future__ import annotations

import copy
import re
from typing import Any, NamedTuple

from pydantic import ValidationError
from ruamel.yaml import YAML

from slawriter.errors import InputError, Problem
from slawriter.files.roundtrip import get, plain, put
from slawriter.files.yaml import deep_merge
from slawriter.model.paths import Loc, parse_path
from slawriter.text.words import plural
from slawriter.wizard.answers import Answers, Item, to_loc
from slawriter.wizard.fields import annotation_at, model_error
from slawriter.wizard.handlers import check_answer, handler_for
from slawriter.wizard.questions import Question, split_condition


class Staged(NamedTuple):
    """One ``--data`` answer, read and checked on its own."""

    path: str  # as given: services[email].uptime.target
    loc: Loc  # where it goes in the data: ("services", 0, "uptime", "target")
    question: Question | None  # the question that asks it (None: a field no question asks)
    value: Any


def apply_data(answers: Answers, given: list[str]) -> None:
    """Write the ``--data`` answers into ``answers.data``, or raise InputError and write none."""
    staged, problems = stage(answers, given)
    if problems:
        count = len(problems)
        raise InputError(
            f"{plural(count, '--data answer')} refused; nothing was changed",
            problems,
        )
    for one in staged:
        put(answers.data, one.loc, one.value)


def stage(answers: Answers, given: list[str]) -> tuple[list[Staged], list[Problem]]:
    """The answers read from ``PATH=VALUE`` texts, and the problems with them."""
    problems: list[Problem] = []
    staged: list[Staged] = []
    for text in given:
        path, equals, value_text = text.partition("=")
        if not equals or not path.strip():
            problems.append(Problem("--data", f"'{text}': expected PATH=VALUE"))
            continue
        path = path.strip()
        try:
            one = _read(answers, path, value_text)
        except ValueError as error:
            problems.append(Problem("--data", str(error), path=path))
            continue
        staged.append(one)
    if problems:
        return staged, problems
    data = copy.deepcopy(answers.data)
    for one in staged:
        put(data, one.loc, one.value)
    return staged, _not_applying(answers, data, staged) + _model_problems(answers, data, staged)


def _read(answers: Answers, path: str, text: str) -> Staged:
    """One answer, read and checked like a typed one; ValueError says what is wrong."""
    loc, question, key = target(answers, path)
    value = data_value(question, text)
    if question is not None:
        problem = check_answer(question, value, answers.model, key)
    else:
        problem = model_error(answers.model, key, value)
    if problem:
        raise ValueError(problem)
    return Staged(path, loc, question, value)


def data_value(question: Question | None, text: str) -> Any:
    """The value of a ``--data`` text for ``question`` (None: YAML, else the text itself)."""
    text = text.strip()
    if question is not None:
        return handler_for(question).from_data(question, text)
    try:
        return YAML(typ="safe", pure=True).load(text)
    except Exception:
        return text


def target(answers: Answers, path: str) -> tuple[Loc, Question | None, str]:
    """(location, question or None, model key) for a ``--data`` field path."""
    parts = parse_path(path)
    loc = _locate(plain(answers.data), parts)
    if len(parts) >= 2 and parts[0] == "priorities" and isinstance(parts[1], str):
        known = answers.priority_ids()
        if known and parts[1] not in known:
            raise ValueError(f"{parts[1]} is not a priority of this profile ({', '.join(known)})")
    key = re.sub(r"\[[^\]]*\]", "[]", path)
    try:
        annotation_at(answers.model, key)
    except (KeyError, ValueError):
        raise ValueError(
            "not a field of the agreement file (see 'slawriter schema --docs')"
        ) from None
    return loc, _question(answers, key), key


def _locate(data: Any, parts: list[Any]) -> Loc:
    """The location a path names in ``data``: ``[email]`` is the item whose id is email."""
    loc: list[Any] = []
    node: Any = data
    for part in parts:
        if isinstance(part, str) and part.startswith("["):
            wanted = part[1:-1]
            items = node if isinstance(node, list) else []
            ids = [it.get("id") if isinstance(it, dict) else None for it in items]
            index = ids.index(wanted) if wanted in ids else None
            if index is None:
                raise ValueError(f"no item with id '{wanted}' (use [0], [1]... for new items)")
            loc.append(index)
            node = items[index]
        elif isinstance(part, int):
            loc.append(part)
            node = node[part] if isinstance(node, list) and part < len(node) else None
        else:
            loc.append(part)
            node = node.get(part) if isinstance(node, dict) else None
    return tuple(loc)


def _question(answers: Answers, key: str) -> Question | None:
    question = answers.questions.find(key)
    if question is None and "[]." in key:
        group_key, _, sub_key = key.partition("[].")
        group = answers.questions.find(group_key)
        question = next((q for q in group.questions if q.key == sub_key), None) if group else None
    return question


def _open_list(view: Answers, path: str) -> bool:
    """A LIST[].PATH condition whose list, or an item's answer, is not given yet."""
    if "[]." not in path:
        return False
    head, _, rest = path.partition("[].")
    items = get(view.data, to_loc(head))
    if not isinstance(items, list):
        return True
    return any(get(x, to_loc(rest)) is None for x in items)


def _not_applying(answers: Answers, data: Any, staged: list[Staged]) -> list[Problem]:
    """Answers to questions whose condition does not hold, given the other answers.

    A condition on an answer nobody gave is read with that answer's default, as the wizard
    will fill it in.
    """
    view = answers.over(copy.deepcopy(data))
    for one in staged:
        for _negate, path, _op, _raw in _conditions(one.question):
            asked = answers.questions.find(path)
            if path.startswith("item.") or asked is None:
                continue
            if get(view.data, to_loc(path)) is not None:
                continue
            default = view.default_for(asked)
            if default is not None:
                put(view.data, to_loc(path), default)
    problems = []
    for one in staged:
        if one.question is None or not one.question.condition:
            continue
        item, in_group = _item_of(view, one)
        if in_group and item is None:
            continue
        if any(_open_list(view, path) for _negate, path, _op, _raw in _conditions(one.question)):
            continue  # on a list not fully answered yet: decided when the wizard reaches it
        if not view.applies(one.question, item):
            problems.append(
                Problem(
                    "--data",
                    f"does not apply: it is asked only when {one.question.condition} "
                    "(give that answer too, or leave this one out)",
                    path=one.path,
                )
            )
    return problems


def _item_of(view: Answers, one: Staged) -> tuple[Item | None, bool]:
    """The group item a sub-question's answer belongs to, and whether it is in a group."""
    assert one.question is not None
    if "[]." not in one.question.key and not any(isinstance(part, int) for part in one.loc):
        return None, False
    index = next((i for i, part in enumerate(one.loc) if isinstance(part, int)), None)
    if index is None:
        return None, True
    group = view.question_for_path(".".join(str(p) for p in one.loc[:index]))
    if group is None or group.type != "group":
        return None, True
    return Item(group, tuple(one.loc[: index + 1]), {}), True


def _model_problems(answers: Answers, data: Any, staged: list[Staged]) -> list[Problem]:
    """What the whole agreement's rules say about the answers (missing fields aside)."""
    try:
        answers.model.model_validate(deep_merge(answers.sources.profile_defaults, plain(data)))
    except ValidationError as error:
        problems = []
        for entry in error.errors():
            if entry["type"] == "missing":
                continue  # answers still to come
            where = tuple(entry["loc"])
            for one in staged:
                if where[: len(one.loc)] == tuple(one.loc):
                    message = str(entry["msg"]).removeprefix("Value error, ")
                    problems.append(Problem("--data", message, path=one.path))
                    break
        return problems
    return []


def _conditions(question: Question | None) -> list[tuple[bool, str, Any, Any]]:
    if question is None or not question.condition:
        return []
    return list(split_condition(question.condition))
