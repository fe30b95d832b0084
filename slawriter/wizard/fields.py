"""Answers and the model: the field type a question's key names, and typed-text helpers.

A bad answer is refused at the prompt with the same message ``slawriter validate`` would give,
because the check is the model's own field type (a pydantic TypeAdapter for the field the
question's key names). How each question type reads typed text is its handler's
(handlers.py); the shared pieces (numbers, time zones, holiday codes) are here.
"""

from __future__ import annotations

import re
import types
import typing
import unicodedata
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any

from pydantic import BaseModel, TypeAdapter, ValidationError

from slawriter.errors import InputError, Problem
from slawriter.model.paths import parse_path
from slawriter.wizard.questions import Question, QuestionSet

_NO_FIELD = object()


def _unwrap(annotation: Any) -> list[Any]:
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return [annotation]
    if origin in (typing.Union, types.UnionType):
        out: list[Any] = []
        for arg in typing.get_args(annotation):
            if arg is not type(None):
                out.extend(_unwrap(arg))
        return out
    return [annotation]


def _base(annotation: Any) -> Any:
    while typing.get_origin(annotation) is typing.Annotated:
        annotation = typing.get_args(annotation)[0]
    return annotation


def annotation_at(model: type[BaseModel], key: str) -> Any:
    """The type annotation of the field a key names (``services[].uptime.target``)."""
    current: Any = model
    for part in parse_path(key.replace("[]", "[0]")):
        found: Any = _NO_FIELD
        for kind in _unwrap(current):
            base = _base(kind)
            if (isinstance(part, str) and part.startswith("[")) or isinstance(part, int):
                if typing.get_origin(base) in (list, tuple):
                    found = typing.get_args(base)[0]
            elif isinstance(base, type) and issubclass(base, BaseModel):
                info = base.model_fields.get(part)
                if info is not None:
                    found = info.rebuild_annotation()
            elif typing.get_origin(base) is dict:
                found = typing.get_args(base)[1]
            if found is not _NO_FIELD:
                break
        if found is _NO_FIELD:
            raise KeyError(key)
        current = found
    return current


def allows_none(model: type[BaseModel], key: str) -> bool:
    annotation = annotation_at(model, key)
    origin = typing.get_origin(annotation)
    return origin in (typing.Union, types.UnionType) and type(None) in typing.get_args(annotation)


@cache
def _adapter(model: type[BaseModel], key: str) -> TypeAdapter[Any]:
    return TypeAdapter(annotation_at(model, key))


def model_error(model: type[BaseModel], key: str, value: Any) -> str | None:
    """The model's complaint about ``value`` at ``key``, or None when it is acceptable."""
    try:
        _adapter(model, key).validate_python(value)
    except ValidationError as error:
        first = error.errors()[0]
        message = str(first["msg"]).removeprefix("Value error, ")
        if first["type"] == "missing":
            return "required field is missing"
        return message
    return None


def item_error(model: type[BaseModel], key: str, item: Any, value: Any) -> str | None:
    """The model's complaint about ``value`` at ``key`` beside the item's other answers: a
    rule that reads a sibling (a phone channel's contact is a telephone number) is checked
    with it, so the prompt refuses what ``validate`` would. Other fields' problems are not
    this answer's and are left to their own questions."""
    head, _, last = key.rpartition(".")
    if not head.endswith("]") or not isinstance(item, dict):
        return None
    try:
        parent = _base(_unwrap(annotation_at(model, head))[0])
    except (KeyError, ValueError):
        return None
    if not (isinstance(parent, type) and issubclass(parent, BaseModel)):
        return None
    try:
        parent.model_validate({**item, last: value})
    except ValidationError as error:
        for found in error.errors():
            if tuple(found["loc"]) == (last,):
                return str(found["msg"]).removeprefix("Value error, ")
    return None


def check_keys(questions: QuestionSet, model: type[BaseModel]) -> None:
    """Every key names a field of the model: a misspelt key is an error naming the file."""
    problems = []

    def walk(question: Question, prefix: str) -> None:
        key = f"{prefix}{question.key}"
        try:
            annotation_at(model, key)
        except (KeyError, ValueError):
            problems.append(
                Problem(
                    str(questions.source),
                    f"question '{key}' does not name a field of the {model.__name__.lower()} "
                    "file (see 'slawriter schema --docs')",
                )
            )
            return
        for sub in question.questions:
            walk(sub, f"{key}[].")

    for question in questions.questions:
        walk(question, "")
    if problems:
        raise InputError(f"{questions.source}: questions that name no field", problems)


# --- typed answers ---------------------------------------------------------------------------


_GROUPED = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?")
CURRENCY_SIGNS = {"£": "GBP", "$": "USD", "€": "EUR", "R": "ZAR"}


def number(text: str, such_as: str = "a number such as 1250.5") -> Decimal:
    """A number; thousands may be grouped (1,250) but a decimal comma (99,9) is refused with
    the calculators' message (``'99,9' is not a percentage such as 99.9``), never misread."""
    cleaned = text.strip()
    if "," in cleaned:
        if not _GROUPED.fullmatch(cleaned):
            raise ValueError(f"'{text}' is not {such_as}")
        cleaned = cleaned.replace(",", "")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(f"'{text}' is not {such_as}") from None
    if not value.is_finite():
        raise ValueError(f"'{text}' is not {such_as}")
    return value


def amount(text: str, currency: str | None) -> Decimal:
    """Money typed with or without its sign or code: '£450', '450 GBP', 'GBP 1,200.50'.

    A sign or code of another currency than ``currency`` is refused: fees are in the
    provider's currency (None: any sign is taken off unchecked).
    """
    cleaned = " ".join(text.split())
    found: str | None = None
    code = re.fullmatch(r"([A-Za-z]{3})\s*(.+)|(.+?)\s*([A-Za-z]{3})", cleaned)
    if code:
        found = (code.group(1) or code.group(4)).upper()
        cleaned = code.group(2) or code.group(3)
    elif cleaned[:1] in CURRENCY_SIGNS and cleaned[:1] != "R":
        found, cleaned = CURRENCY_SIGNS[cleaned[0]], cleaned[1:].strip()
    elif cleaned.startswith(("A$", "C$", "NZ$")):
        sign, _, cleaned = cleaned.partition("$")
        found = {"A": "AUD", "C": "CAD", "NZ": "NZD"}[sign]
    if found == "USD" and currency in ("AUD", "CAD", "NZD"):
        found = currency  # "$" is also the sign of these dollars
    if found is not None and currency is not None and found != currency:
        raise ValueError(f"'{text}' is in {found}, but this agreement's fees are in {currency}")
    in_currency = f" (in {currency})" if currency else ""
    return number(cleaned, f"an amount such as 450 or 1250.50{in_currency}")


def plain_number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral() else float(value)


def find_timezone(text: str) -> str:
    """An IANA zone, or the one zone whose city is ``text`` ("London" -> Europe/London)."""
    import zoneinfo

    zones = zoneinfo.available_timezones()
    if text in zones:
        return text
    wanted = "_".join(text.split()).lower()
    matches = sorted(z for z in zones if "/" in z and z.rsplit("/", 1)[1].lower() == wanted)
    return matches[0] if len(matches) == 1 else text


def find_holiday_code(text: str) -> str:
    """A holiday code, or the one country or region named ``text`` ("England" -> GB-ENG)."""
    code = text.upper()
    if re.fullmatch(r"[A-Z]{2,3}(-[A-Z0-9]{1,5})?", code) or not text:
        return code
    wanted = " ".join(text.split()).lower()
    matches = sorted(c for c, name in holiday_names().items() if name.lower() == wanted)
    return matches[0] if len(matches) == 1 else code


@cache
def holiday_names() -> dict[str, str]:
    """Code -> name for countries (United Kingdom) and regions (England) with holidays."""
    import holidays

    _codes, names = holiday_codes()
    # Two-letter codes only: GBR-ENG is an alias of GB-ENG and would make "England" ambiguous.
    # Likewise UK-ENG (UK has no territory name of its own, unlike GB).
    found = {code: name for code, name in names.items() if len(code) == 2 and name != code}
    for country in list(found):
        kind = getattr(holidays, country, None)
        for name, sub in (getattr(kind, "subdivisions_aliases", None) or {}).items():
            found.setdefault(f"{country}-{sub}", name)
    return found


def format_answer(question: Question, value: Any) -> str:
    """A stored value as the user would type it (the default shown at the prompt)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return str(value)


def slug(text: str, taken: typing.Collection[str] = ()) -> str:
    """An id made from a name: ``Email and calendar`` -> ``email-and-calendar``, unique.
    Accents are taken off (``Société Générale`` -> ``societe-generale``), not made gaps."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    base = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "item"
    if not base[0].isalpha():
        base = f"item-{base}"
    base = base[:40].rstrip("-")
    candidate, number = base, 2
    while candidate in taken:
        candidate = f"{base}-{number}"
        number += 1
    return candidate


def model_default(model: type[BaseModel], key: str) -> Any:
    """The model's default for a field (``agreement.term.initial`` -> ``12 months``)."""
    parts = parse_path(key.replace("[]", "[0]"))
    parent_key = ""
    for part in parts[:-1]:
        if isinstance(part, int) or part.startswith("["):
            parent_key += f"[{part}]" if isinstance(part, int) else part
        else:
            parent_key += f".{part}" if parent_key else part
    try:
        parent = annotation_at(model, parent_key) if parent_key else model
    except (KeyError, ValueError):
        return None
    last = parts[-1]
    for kind in _unwrap(parent):
        base = _base(kind)
        if isinstance(base, type) and issubclass(base, BaseModel) and isinstance(last, str):
            info = base.model_fields.get(last)
            if info is None or info.is_required() or info.default_factory is not None:
                return None
            default = info.default
            if isinstance(default, bool | str | int | float):
                return default
            return None
    return None


@cache
def timezones() -> list[str]:
    """The IANA zones a person would pick (Europe/London), for completion at the prompt."""
    import zoneinfo

    return sorted(
        z for z in zoneinfo.available_timezones() if "/" in z and not z.startswith("Etc/")
    )


@cache
def holiday_codes() -> tuple[list[str], dict[str, str]]:
    import holidays

    try:
        from babel import Locale

        names: dict[str, str] = dict(Locale("en").territories)
    except Exception:  # babel without territory names: codes alone still work
        names = {}
    codes: list[str] = []
    meta: dict[str, str] = {}
    for country, subdivisions in sorted(holidays.list_supported_countries().items()):
        name = names.get(country, country)
        codes.append(country)
        meta[country] = name
        for sub in subdivisions:
            code = f"{country}-{sub}"
            codes.append(code)
            meta[code] = name
    return codes, meta
