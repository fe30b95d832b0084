"""Lint a clause library: every problem a legal reviewer can fix before a customer sees it.

Each finding names the file, the line, what is wrong and why it matters. The checks read the
files themselves (a broken clause file is a finding, not a crash) and walk each template's
syntax tree; nothing is rendered. The names a clause may use come from the caller
(``slawriter.pipeline.clause_names``), which builds them from the models and helpers, so the
linter cannot drift from what rendering provides.
"""

from __future__ import annotations

import dataclasses
import difflib
import math
import re
import types
import typing
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from xml.etree import ElementTree as ET

from jinja2 import TemplateSyntaxError, meta, nodes
from jinja2.parser import Parser

from slawriter.errors import InputError
from slawriter.files.output import display_path
from slawriter.files.reading import NotReadable, check_zip
from slawriter.library.clauses import Clause, parse_clause
from slawriter.library.profiles import Profile, load_profile
from slawriter.templating import (
    MUTATING_METHODS,
    Limits,
    Sandbox,
    make_sandbox,
    model_methods,
)
from slawriter.templating.sandbox import DEFAULT_LIMITS, FORMAT_METHODS, TEXT_ENCODING

if TYPE_CHECKING:
    from slawriter.library import Library

# Attributes the sandbox refuses (or that only an escape attempt would use). Any name that
# starts with an underscore is refused as well.
UNSAFE_ATTRIBUTES = frozenset(
    [
        "mro",
        "func_globals",
        "func_code",
        "func_closure",
        "func_defaults",
        "f_globals",
        "f_locals",
        "f_builtins",
        "f_code",
        "f_back",
        "gi_frame",
        "gi_code",
        "gi_yieldfrom",
        "cr_frame",
        "cr_code",
        "cr_await",
        "ag_frame",
        "ag_code",
        "tb_frame",
        "tb_next",
        "co_code",
        "im_func",
        "im_self",
        "im_class",
    ]
)
# Markdown the assembler refuses, found line by line (a line of Jinja logic never matches).
LAYOUT_RULES = (
    (
        re.compile(r"^ {0,3}#{1,6}(\s|$)"),
        "a heading: the clause title is the heading; start a paragraph with **bold words** "
        "for a run-in title",
    ),
    (re.compile(r"^ {0,3}(```|~~~)"), "a code block"),
    (re.compile(r"^ {0,3}([-*_])(\s*\1){2,}\s*$"), "a horizontal rule (or heading underline)"),
    (re.compile(r"^ {0,3}<[A-Za-z/!]"), "raw HTML"),
)
# Filters whose result has the shape of their input (a list stays a list of the same items).
SAME_SHAPE_FILTERS = frozenset({"list", "sort", "selectattr", "rejectattr", "unique", "reverse"})
ITEM_FILTERS = frozenset({"first", "last", "random", "min", "max"})
LIST_METHODS = frozenset({"index", "count"})


@dataclass(frozen=True)
class Finding:
    file: str
    line: int | None
    kind: str  # schema, duplicate, syntax, unknown-name, condition, profile, missing-section,
    #            unreachable, draft-include, wording, security
    what: str
    why: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: [{self.kind}] {self.what}: {self.why}"


# --- shapes: what the linter knows about a value's type ---------------------------------------


@dataclass(frozen=True)
class ListOf:
    item: Any


@dataclass(frozen=True)
class DictOf:
    value: Any


@dataclass(frozen=True)
class TupleOf:
    items: tuple[Any, ...]


@dataclass(frozen=True)
class Returns:
    result: Any


UNKNOWN: Any = None  # a value the linter cannot check (any attribute is accepted)


# Filters that read a named attribute of every item.
ATTRIBUTE_FILTERS = frozenset(
    {"map", "selectattr", "rejectattr", "sort", "groupby", "sum", "unique", "min", "max"}
)
LIMITS: Limits = DEFAULT_LIMITS  # what the sandbox allows one render (slawriter.templating)
MAX_RANGE = LIMITS.range_items
MODEL_METHODS = model_methods()


def shape_of(hint: Any) -> Any:
    """A type annotation, class, function or value -> a shape (or UNKNOWN)."""
    origin = typing.get_origin(hint)
    if origin is typing.Annotated:
        return shape_of(typing.get_args(hint)[0])
    if origin in (typing.Union, types.UnionType):
        options = [a for a in typing.get_args(hint) if a is not type(None)]
        return shape_of(options[0]) if len(options) == 1 else UNKNOWN
    if origin is typing.Literal:
        return str
    if origin in (list, tuple, set, frozenset) or (
        isinstance(origin, type) and issubclass(origin, (list, tuple))
    ):
        args = typing.get_args(hint)
        return ListOf(shape_of(args[0]) if args else UNKNOWN)
    if origin is dict or (isinstance(origin, type) and issubclass(origin, Mapping)):
        args = typing.get_args(hint)
        return DictOf(shape_of(args[1]) if len(args) == 2 else UNKNOWN)
    if origin is not None:
        return UNKNOWN
    if isinstance(hint, type):
        if issubclass(hint, dict):
            return DictOf(UNKNOWN)
        return hint
    if callable(hint):
        return Returns(_return_shape(hint))
    if isinstance(hint, dict):
        return DictOf(UNKNOWN)
    if hint is None or isinstance(hint, str):
        return UNKNOWN
    return type(hint)


def _return_shape(function: Any) -> Any:
    try:
        return shape_of(typing.get_type_hints(function).get("return"))
    except Exception:  # an annotation that cannot be resolved: do not guess
        return UNKNOWN


def _dataclass_fields(cls: type) -> dict[str, Any]:
    """A dataclass's fields and their types (fields without defaults are not attributes)."""
    if not dataclasses.is_dataclass(cls):
        return {}
    try:
        hints = typing.get_type_hints(cls)
    except Exception:  # an annotation that cannot be resolved: names only
        hints = {}
    return {f.name: hints.get(f.name) for f in dataclasses.fields(cls)}


def _attribute_shape(shape: Any, name: str) -> tuple[Any, bool]:
    """The shape of ``shape.name`` and whether the attribute is known to exist."""
    if shape is UNKNOWN:
        return UNKNOWN, True
    if isinstance(shape, DictOf):
        if name in ("items",):
            return Returns(ListOf(TupleOf((str, shape.value)))), True
        if name == "values":
            return Returns(ListOf(shape.value)), True
        if name == "keys":
            return Returns(ListOf(str)), True
        if name == "get":
            return Returns(shape.value), True
        return shape.value, True  # Jinja falls back to item lookup: priorities.P1
    if isinstance(shape, ListOf):
        return UNKNOWN, name in LIST_METHODS
    if isinstance(shape, TupleOf | Returns):
        return UNKNOWN, True
    if isinstance(shape, type):
        fields = getattr(shape, "model_fields", None)
        if isinstance(fields, dict) and name in fields:
            return shape_of(fields[name].annotation), True
        data_fields = _dataclass_fields(shape)
        if name in data_fields:
            return shape_of(data_fields[name]), True
        if not hasattr(shape, name):
            return UNKNOWN, False
        member = getattr(shape, name)
        if isinstance(member, property):
            return _return_shape(member.fget), True
        if callable(member):
            return Returns(_return_shape(member)), True
        return UNKNOWN, True
    return UNKNOWN, True


def _describe(shape: Any) -> str:
    if isinstance(shape, ListOf):
        return "a list"
    if isinstance(shape, DictOf):
        return "a mapping"
    if isinstance(shape, type):
        return shape.__name__
    return "a value"


def _attributes_of(shape: Any) -> list[str]:
    if isinstance(shape, type):
        fields = getattr(shape, "model_fields", None)
        if isinstance(fields, dict):
            return list(fields)
        names = set(_dataclass_fields(shape)) | set(dir(shape))
        return sorted(n for n in names if not n.startswith("_"))
    return []


# --- values the linter can work out without running anything -----------------------------------

WIDTH_FILTERS = frozenset({"center", "indent", "wordwrap", "batch", "slice", "tojson", "truncate"})


@dataclass(frozen=True)
class Huge:
    """An integer too large to compute: only its number of digits is known."""

    digits: int


@dataclass(frozen=True)
class Text:
    """A literal string or list, by length only."""

    length: int


def static_value(node: nodes.Node) -> Any:
    """An int, Huge, Text, or None for what depends on data. Never computes a huge number,
    never builds a long string (Jinja's own as_const would do both)."""
    if isinstance(node, nodes.Const):
        value = node.value
        if isinstance(value, bool):
            return None
        if isinstance(value, int):
            return value
        return Text(len(value)) if isinstance(value, str) else None
    if isinstance(node, nodes.List | nodes.Tuple):
        return Text(len(node.items))
    if isinstance(node, nodes.Neg):
        inner = static_value(node.node)
        return -inner if isinstance(inner, int) else inner if isinstance(inner, Huge) else None
    if not isinstance(node, nodes.Add | nodes.Sub | nodes.Mul | nodes.Pow | nodes.FloorDiv):
        return None
    left, right = static_value(node.left), static_value(node.right)
    if left is None or right is None:
        return None
    if isinstance(node, nodes.Mul):
        if isinstance(left, Text) and isinstance(right, int):
            return Text(left.length * max(right, 0))
        if isinstance(right, Text) and isinstance(left, int):
            return Text(right.length * max(left, 0))
    if isinstance(left, Text) or isinstance(right, Text):
        if isinstance(node, nodes.Add) and isinstance(left, Text) and isinstance(right, Text):
            return Text(left.length + right.length)
        return None
    if isinstance(left, Huge) or isinstance(right, Huge):
        if isinstance(node, nodes.FloorDiv):
            return None
        return Huge(max(_digits(left), _digits(right)))
    if isinstance(node, nodes.Pow):
        if right < 0 or abs(left) <= 1:
            return None
        digits = right * math.log10(abs(left))
        if digits * math.log2(10) > LIMITS.int_bits:
            return Huge(int(digits) + 1)
        return int(left**right)
    if isinstance(node, nodes.Mul):
        result = left * right
    elif isinstance(node, nodes.Add):
        result = left + right
    elif isinstance(node, nodes.Sub):
        result = left - right
    else:
        result = left // right if right else None
    if isinstance(result, int) and result.bit_length() > LIMITS.int_bits:
        return Huge(len(str(abs(result) >> (result.bit_length() - 64))) + 1)
    return result


def _digits(value: Any) -> int:
    return value.digits if isinstance(value, Huge) else len(str(abs(value)))


def _static_range(node: nodes.Node) -> int | None:
    """The number of steps of range(<literals>), if that is what ``node`` is."""
    if not (
        isinstance(node, nodes.Call)
        and isinstance(node.node, nodes.Name)
        and node.node.name == "range"
        and node.args
        and not node.kwargs
    ):
        return None
    values = [static_value(arg) for arg in node.args]
    if any(isinstance(v, Huge) for v in values):
        return 10**18
    if not all(isinstance(v, int) for v in values):
        return None
    try:
        return len(range(*values))
    except (OverflowError, ValueError, TypeError):
        return None


# --- the template walker -----------------------------------------------------------------------


class TemplateChecker:
    """Walks one template (or condition) tree: unknown names, attributes, filters, security."""

    def __init__(
        self,
        env: Sandbox,
        names: Mapping[str, Any],
        report: Any,  # callable(line_in_template, kind, what, why)
    ) -> None:
        self.env = env
        self.names = names
        self.report = report
        self.includes: list[tuple[int, str | None]] = []

    def check(self, tree: nodes.Node) -> None:
        # jinja2.meta says which names come from outside the template; the walker's scopes
        # then tell a name set inside an {% if %} (known) from one never set (unknown).
        # (an unknown filter is reported by the walker, so meta must not stop on it).
        tree.set_environment(_TOLERANT)
        self.undeclared = meta.find_undeclared_variables(tree)  # type: ignore[arg-type]
        self.reported: set[str] = set()
        self._security(tree)
        scope: dict[str, Any] = {n: shape_of(v) for n, v in self.names.items()}
        self._body(getattr(tree, "body", [tree]), scope)

    def _unknown_name(self, node: nodes.Name, scope: Mapping[str, Any]) -> None:
        name = node.name
        if (
            name in scope
            or name in self.env.globals
            or name not in self.undeclared
            or name in self.reported
        ):
            return
        self.reported.add(name)
        known = sorted(set(self.names) | set(self.env.globals))
        close = difflib.get_close_matches(name, known, n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        self.report(
            node.lineno,
            "unknown-name",
            f"'{name}' is not a name a clause can use{hint}",
            "the agreement and the documented helpers have no such name, so "
            "rendering would stop with an error (see slawriter docs clause-authors)",
        )

    # -- security: scanned over the whole tree, whatever the walker understands ----------------
    def _security(self, tree: nodes.Node) -> None:
        self._refused_constructs(tree)
        self._budget(tree)
        self._loops(tree, 1)
        self._internals(tree)

    def _internals(self, tree: nodes.Node) -> None:
        for node in tree.find_all((nodes.Getattr, nodes.Getitem, nodes.Filter)):
            attribute: str | None = None
            dynamic = False
            if isinstance(node, nodes.Getattr):
                attribute = node.attr
            elif isinstance(node, nodes.Getitem):
                if isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, str):
                    attribute = node.arg.value
            elif isinstance(node, nodes.Filter) and node.name == "attr":
                if node.args and isinstance(node.args[0], nodes.Const):
                    attribute = str(node.args[0].value)
                else:
                    dynamic = True
            if dynamic:
                self.report(
                    node.lineno,
                    "security",
                    "the attr filter with a computed attribute name",
                    "an attribute name built at render time cannot be checked and is the "
                    "usual way to reach Python internals; name the field directly",
                )
            elif attribute is not None and (
                attribute.startswith("_") or attribute in UNSAFE_ATTRIBUTES
            ):
                self.report(
                    node.lineno,
                    "security",
                    f"access to the internal attribute '{attribute}'",
                    "clause templates run in a sandbox that refuses Python internals; this "
                    "looks like an attempt to escape it and would fail at render time",
                )

    def _refused_constructs(self, tree: nodes.Node) -> None:
        """What the sandbox refuses although it is no Python internal: self, str.format,
        model methods, and methods that change the agreement data."""
        for name in tree.find_all(nodes.Name):
            if name.name == "self" and name.ctx == "load":
                self.report(
                    name.lineno,
                    "security",
                    "the name 'self'",
                    "it prints the template's internal name and a memory address, so the "
                    "document would differ from run to run; the sandbox refuses it",
                )
        for node in tree.find_all(nodes.Getattr):
            if node.attr in FORMAT_METHODS:
                self.report(
                    node.lineno,
                    "security",
                    f"the string method '{node.attr}'",
                    "it can read any attribute named inside the string, internals included; "
                    "the sandbox refuses it: join text with ~ or use the format filter",
                )
            elif node.attr in TEXT_ENCODING:
                self.report(
                    node.lineno,
                    "security",
                    f"the string method '{node.attr}'",
                    "clauses work with text, not bytes (whose size the budget would not "
                    "see); the sandbox refuses it",
                )
            elif node.attr in MODEL_METHODS:
                self.report(
                    node.lineno,
                    "security",
                    f"the model method '{node.attr}'",
                    "templates may read an agreement's fields, not call its methods (they "
                    "can reach internal data); the sandbox refuses it",
                )
        for call in tree.find_all(nodes.Call):
            callee = call.node
            if isinstance(callee, nodes.Getattr) and callee.attr in MUTATING_METHODS:
                self.report(
                    call.lineno,
                    "security",
                    f"the method '{callee.attr}' changes the data it is called on",
                    "templates may only read the agreement (a change would alter what later "
                    "clauses print); the sandbox refuses it",
                )

    def _budget(self, tree: nodes.Node) -> None:
        """Powers, repetitions and widths whose size is visible in the template."""
        limit = LIMITS.value_chars
        for node in tree.find_all(nodes.BinExpr):
            value = static_value(node)
            if isinstance(node, nodes.Pow) and isinstance(value, Huge):
                if not any(isinstance(static_value(n), Huge) for n in (node.left, node.right)):
                    self.report(
                        node.lineno,
                        "template",
                        f"a power with about {value.digits:,} digits",
                        f"the sandbox refuses numbers over {LIMITS.int_bits:,} bits, so "
                        "rendering would stop with an error",
                    )
            elif isinstance(node, nodes.Mul) and isinstance(value, Text) and value.length > limit:
                self.report(
                    node.lineno,
                    "template",
                    f"a repetition {value.length:,} characters long",
                    f"the sandbox allows at most {limit:,} characters in one value, so "
                    "rendering would stop with an error",
                )
        for filter_node in tree.find_all(nodes.Filter):
            subject = static_value(filter_node.node) if filter_node.node is not None else None
            if (
                filter_node.name == "wordwrap"
                and isinstance(subject, Text)
                and subject.length > LIMITS.wrap_chars
            ):
                self.report(
                    filter_node.lineno,
                    "template",
                    f"the wordwrap filter on {subject.length:,} characters",
                    f"the sandbox wraps at most {LIMITS.wrap_chars:,} characters (wrapping "
                    "takes time that grows with the square of the text), so rendering would "
                    "stop with an error",
                )
            for arg in [*filter_node.args, *(k.value for k in filter_node.kwargs)]:
                value = static_value(arg)
                too_big = isinstance(value, Huge) or (isinstance(value, int) and value > limit)
                if filter_node.name in WIDTH_FILTERS and too_big:
                    self.report(
                        filter_node.lineno,
                        "template",
                        f"the {filter_node.name} filter with a width of "
                        + (f"{value:,}" if isinstance(value, int) else "over 10^1,000"),
                        f"the sandbox allows at most {limit:,} characters in one value, so "
                        "rendering would stop with an error",
                    )

    def _loops(self, node: nodes.Node, outer: int) -> None:
        """Loops over literal ranges whose steps (multiplied when nested) pass the budget."""
        for child in node.iter_child_nodes():
            if not isinstance(child, nodes.For):
                self._loops(child, outer)
                continue
            total = outer * (_static_range(child.iter) or 1)
            if total > LIMITS.iterations:
                self.report(
                    child.lineno,
                    "template",
                    f"loops of {total:,} steps" if total < 10**18 else "loops of over 10^18 steps",
                    f"the sandbox allows {LIMITS.iterations:,} loop steps per render, so "
                    "rendering would stop with an error",
                )
                continue
            self._loops(child, total)

    # -- statements ----------------------------------------------------------------------
    def _body(self, body: list[nodes.Node], scope: dict[str, Any]) -> None:
        for node in body:
            self._statement(node, scope)

    def _statement(self, node: nodes.Node, scope: dict[str, Any]) -> None:
        if isinstance(node, nodes.Output):
            for child in node.nodes:
                if not isinstance(child, nodes.TemplateData):
                    self.expr(child, scope)
        elif isinstance(node, nodes.If):
            self.expr(node.test, scope)
            self._body(node.body, scope)
            for branch in node.elif_:
                self._statement(branch, scope)
            self._body(node.else_, scope)
        elif isinstance(node, nodes.For):
            item = self._item_shape(self.expr(node.iter, scope))
            inner = dict(scope)
            inner["loop"] = UNKNOWN
            self._bind(node.target, item, inner)
            if node.test is not None:
                self.expr(node.test, inner)
            self._body(node.body, inner)
            self._body(node.else_, scope)
        elif isinstance(node, nodes.Assign):
            self._bind(node.target, self.expr(node.node, scope), scope)
        elif isinstance(node, nodes.AssignBlock):
            self._body(node.body, dict(scope))
            self._bind(node.target, str, scope)
        elif isinstance(node, nodes.With):
            inner = dict(scope)
            for target, value in zip(node.targets, node.values, strict=False):
                self._bind(target, self.expr(value, scope), inner)
            self._body(node.body, inner)
        elif isinstance(node, nodes.Macro | nodes.CallBlock):
            inner = dict(scope)
            for arg in node.args:
                inner[arg.name] = UNKNOWN
            inner.update(caller=UNKNOWN, varargs=UNKNOWN, kwargs=UNKNOWN)
            if isinstance(node, nodes.Macro):
                scope[node.name] = UNKNOWN
            else:
                self.expr(node.call, scope)
            self._body(node.body, inner)
        elif isinstance(node, nodes.Include | nodes.Import | nodes.FromImport | nodes.Extends):
            template = node.template
            name = template.value if isinstance(template, nodes.Const) else None
            self.includes.append((node.lineno, name if isinstance(name, str) else None))
            if isinstance(node, nodes.Import):
                scope[node.target] = UNKNOWN
            elif isinstance(node, nodes.FromImport):
                for entry in node.names:
                    scope[entry[1] if isinstance(entry, tuple) else entry] = UNKNOWN
        elif isinstance(node, nodes.ExprStmt):
            self.expr(node.node, scope)
        elif isinstance(node, nodes.Expr):
            self.expr(node, scope)
        else:
            for part in node.iter_child_nodes():
                if isinstance(part, nodes.Expr):
                    self.expr(part, scope)
                else:
                    self._statement(part, scope)

    def _bind(self, target: nodes.Node, shape: Any, scope: dict[str, Any]) -> None:
        if isinstance(target, nodes.Name):
            scope[target.name] = shape
        elif isinstance(target, nodes.Tuple):
            items = shape.items if isinstance(shape, TupleOf) else ()
            for index, item in enumerate(target.items):
                self._bind(item, items[index] if index < len(items) else UNKNOWN, scope)
        elif isinstance(target, nodes.NSRef):
            pass

    @staticmethod
    def _item_shape(shape: Any) -> Any:
        if isinstance(shape, ListOf):
            return shape.item
        if isinstance(shape, DictOf):
            return str  # iterating a mapping gives its keys
        return UNKNOWN

    # -- expressions ----------------------------------------------------------------------
    def expr(self, node: nodes.Node, scope: Mapping[str, Any]) -> Any:
        if isinstance(node, nodes.Name):
            self._unknown_name(node, scope)
            return scope.get(node.name, UNKNOWN)
        if isinstance(node, nodes.Getattr):
            return self._attribute(node, self.expr(node.node, scope), node.attr)
        if isinstance(node, nodes.Getitem):
            base = self.expr(node.node, scope)
            self.expr(node.arg, scope)
            if isinstance(base, DictOf):
                return base.value
            if isinstance(base, ListOf) and not isinstance(node.arg, nodes.Slice):
                return base.item
            return base if isinstance(base, ListOf) else UNKNOWN
        if isinstance(node, nodes.Call):
            if isinstance(node.node, nodes.Name) and node.node.name == "range":
                self._range(node)
            function = self.expr(node.node, scope)
            self._arguments(node, scope)
            return function.result if isinstance(function, Returns) else UNKNOWN
        if isinstance(node, nodes.Filter | nodes.Test):
            return self._filter_or_test(node, scope)
        if isinstance(node, nodes.CondExpr):
            self.expr(node.test, scope)
            shape = self.expr(node.expr1, scope)
            if node.expr2 is not None:
                self.expr(node.expr2, scope)
            return shape
        for child in node.iter_child_nodes():
            if isinstance(child, nodes.Expr):
                self.expr(child, scope)
            elif isinstance(child, nodes.Keyword | nodes.Pair):
                for grandchild in child.iter_child_nodes():
                    self.expr(grandchild, scope)
        if isinstance(node, nodes.Const):
            return type(node.value) if node.value is not None else UNKNOWN
        if isinstance(node, nodes.List):
            return ListOf(UNKNOWN)
        return UNKNOWN

    def _arguments(self, node: nodes.Call | nodes.Filter | nodes.Test, scope: Any) -> None:
        for arg in node.args:
            self.expr(arg, scope)
        for keyword in node.kwargs:
            self.expr(keyword.value, scope)
        for extra in (node.dyn_args, node.dyn_kwargs):
            if extra is not None:
                self.expr(extra, scope)

    def _attribute_argument(self, node: nodes.Filter, base: Any) -> None:
        """map(attribute='x'), selectattr('x'), sort(attribute='x.y'), ...: the named field is
        read from every item at render time, so check it like item.x."""
        names = [k.value for k in node.kwargs if k.key == "attribute"]
        if node.name in ("selectattr", "rejectattr", "groupby") and node.args:
            names.append(node.args[0])
        for name in names:
            if not (isinstance(name, nodes.Const) and isinstance(name.value, str)):
                continue
            shape = self._item_shape(base)
            for part in name.value.split("."):
                if part.startswith("_") or part in UNSAFE_ATTRIBUTES:
                    self.report(
                        node.lineno,
                        "security",
                        f"the {node.name} filter reads the internal attribute '{part}'",
                        "clause templates run in a sandbox that refuses Python internals; "
                        "this would fail (or print Undefined) at render time",
                    )
                    break
                if part.isdigit():
                    shape = UNKNOWN
                    continue
                shape = self._attribute(node, shape, part)

    def _range(self, node: nodes.Call) -> None:
        for arg in node.args:
            value = static_value(arg)
            if isinstance(value, Huge) or (isinstance(value, int) and abs(value) > MAX_RANGE):
                count = f"about 10^{value.digits - 1}" if isinstance(value, Huge) else f"{value:,}"
                self.report(
                    node.lineno,
                    "template",
                    f"range() over {count} items",
                    f"the sandbox allows at most {MAX_RANGE:,} items in a range, so "
                    "rendering would stop with an error",
                )

    def _attribute(self, node: nodes.Node, base: Any, name: str) -> Any:
        if name.startswith("_") or name in UNSAFE_ATTRIBUTES:
            return UNKNOWN  # reported by the security scan
        shape, known = _attribute_shape(base, name)
        if not known:
            choices = _attributes_of(base)
            close = difflib.get_close_matches(name, choices, n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            self.report(
                node.lineno,
                "unknown-name",
                f"'{name}' is not a field of {_describe(base)}{hint}",
                "the agreement model has no such field, so rendering would stop with an error",
            )
        return shape

    def _filter_or_test(self, node: nodes.Filter | nodes.Test, scope: Any) -> Any:
        base = self.expr(node.node, scope) if node.node is not None else UNKNOWN
        self._arguments(node, scope)
        if isinstance(node, nodes.Filter) and node.name in ATTRIBUTE_FILTERS:
            self._attribute_argument(node, base)
        if isinstance(node, nodes.Test):
            if node.name not in self.env.tests:
                self.report(
                    node.lineno,
                    "unknown-name",
                    f"'{node.name}' is not a Jinja test",
                    "rendering would stop with an error",
                )
            return bool
        if node.name not in self.env.filters:
            close = difflib.get_close_matches(node.name, sorted(self.env.filters), n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            self.report(
                node.lineno,
                "unknown-name",
                f"'{node.name}' is not a filter clauses can use{hint}",
                "neither Jinja nor the documented helpers have this filter, so rendering "
                "would stop with an error",
            )
            return UNKNOWN
        if node.name in SAME_SHAPE_FILTERS:
            return base
        if node.name in ITEM_FILTERS:
            return self._item_shape(base)
        if node.name == "dictsort" and isinstance(base, DictOf):
            return ListOf(TupleOf((str, base.value)))
        return UNKNOWN


# --- the library -------------------------------------------------------------------------------


def _lint_environment(filters: frozenset[str]) -> Sandbox:
    # The sandbox itself: templates are only parsed here, and its intercepted operators keep
    # jinja2.meta's compiler from working out `9 ** 99999999` while it looks for names.
    env = make_sandbox()
    env.filters.update({name: _no_op for name in filters})
    return env


def _no_op(value: Any, *args: Any, **kwargs: Any) -> Any:
    return value


class _EveryName(dict[str, Any]):
    """A filter or test table that has every name (for jinja2.meta's code generator)."""

    def __contains__(self, key: object) -> bool:
        return True

    def __missing__(self, key: str) -> Any:
        return _no_op

    def get(self, key: str, default: Any = None) -> Any:
        return self[key]


_TOLERANT = make_sandbox()
_TOLERANT.filters = _EveryName(_TOLERANT.filters)
_TOLERANT.tests = _EveryName(_TOLERANT.tests)


W_NS = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# docxtpl's paragraph, row, cell and run tags ({%p if %}, {{r x }}) are Jinja once the letter
# is dropped.
DOCXTPL_TAG = re.compile(r"(\{[{%]-?)\s*(?:p|tr|tc|r)\s")


def _part_label(name: str) -> str:
    if name == "word/document.xml":
        return "the cover (word/document.xml)"
    if "header" in name:
        return f"a header ({name})"
    if "footer" in name:
        return f"a footer ({name})"
    return name


_TEXT_TAGS = frozenset(W_NS + tag for tag in ("t", "instrText", "delText", "delInstrText"))


def word_template_text(template: Path) -> list[tuple[str, str]]:
    """(part, text) for each part of the .docx docxtpl renders: one line per paragraph, so a
    line number is the paragraph's number in its part."""
    try:
        check_zip(template)  # a zip bomb would fill memory while the parts are read
    except NotReadable:
        return []  # reported by template_check
    try:
        with zipfile.ZipFile(template) as archive:
            # Every XML part under word/, whatever its name: a header renamed through the
            # relationships (word/hdrX.xml) is still rendered, so it is still linted.
            names = [
                n
                for n in sorted(archive.namelist())
                if (n.startswith("word/") and n.endswith(".xml")) or n == "docProps/core.xml"
            ]
            parts = [(n, archive.read(n)) for n in names]
    except (OSError, zipfile.BadZipFile, KeyError):
        return []  # reported by template_check
    found = []
    for name, data in parts:
        try:
            root = ET.fromstring(data)
        except ET.ParseError:
            continue
        if name == "docProps/core.xml":
            lines = [element.text or "" for element in root]
        else:
            # Every run's text, field codes (w:instrText) included: docxtpl renders the whole
            # part as one template, so Jinja anywhere in it runs.
            lines = [
                "".join(e.text or "" for e in paragraph.iter() if e.tag in _TEXT_TAGS)
                for paragraph in root.iter(W_NS + "p")
            ]
        text = DOCXTPL_TAG.sub(r"\1 ", "\n".join(lines))
        if "{{" in text or "{%" in text:
            found.append((_part_label(name), text))
    return found


def _front_matter_line(clause_path: Path, key: str) -> int | None:
    pattern = re.compile(rf"^{re.escape(key)}\s*:")
    for number, line in enumerate(clause_path.read_text("utf-8").splitlines(), start=1):
        if pattern.match(line):
            return number
    return None


class LibraryLinter:
    def __init__(
        self,
        root: Path,
        names: Mapping[str, Any],
        filters: frozenset[str],
        wording_dir: Path,
        template_check: Callable[[Path], list[tuple[str, str]]] | None = None,
    ) -> None:
        self.root = root
        self.template_check = template_check
        self.names = names
        self.env = _lint_environment(filters)
        self.wording_dir = wording_dir
        self.findings: list[Finding] = []

    def add(self, file: str, line: int | None, kind: str, what: str, why: str) -> None:
        self.findings.append(Finding(file, line, kind, what, why))

    def run(self) -> list[Finding]:
        clauses = self._clauses()
        profiles = self._profiles()
        for clause in clauses.values():
            self._template(clause, clauses)
            self._condition(clause)
            self._governance(clause, profiles)
        self._profile_fit(profiles, clauses)
        self._reachability(profiles, clauses)
        self._wording(clauses)
        if self.template_check is not None:
            template = self.root / "templates" / "agreement.docx"
            for what, why in self.template_check(template):
                self.add(display_path(template), None, "template", what, why)
        self._word_template(self.root / "templates" / "agreement.docx")
        return sorted(self.findings, key=lambda f: (f.file, f.line or 0, f.kind, f.what))

    def _word_template(self, template: Path) -> None:
        """The Jinja in the Word master template's cover, headers, footers and properties,
        checked like a clause's (docxtpl renders it in the same sandbox)."""
        file = display_path(template)
        env = make_sandbox()
        for part, text in word_template_text(template):

            def report(line: int | None, kind: str, what: str, why: str, part: str = part) -> None:
                if kind in ("security", "template"):
                    self.add(file, None, kind, f"{part}, paragraph {line or 1}: {what}", why)

            try:
                tree = env.parse(text)
            except TemplateSyntaxError:
                continue  # reported by template_check, which names the placeholder
            tree.set_environment(_TOLERANT)
            names = {name: UNKNOWN for name in meta.find_undeclared_variables(tree)}
            TemplateChecker(env, names, report).check(tree)

    # -- loading ----------------------------------------------------------------------------
    def _load_failed(self, path: Path, error: InputError, why: str) -> None:
        """Every problem that kept a clause or profile file from loading, as schema findings."""
        for problem in error.problems:
            where = f"{problem.path}: " if problem.path else ""
            self.add(problem.file, problem.line, "schema", where + problem.message, why)
        if not error.problems:
            self.add(display_path(path), 1, "schema", error.message, "cannot load")

    def _clauses(self) -> dict[tuple[str, str], Clause]:
        clauses: dict[tuple[str, str], Clause] = {}
        for path in sorted((self.root / "clauses").glob("*.md")):
            try:
                clause = parse_clause(path)
            except InputError as error:
                self._load_failed(
                    path,
                    error,
                    "the front matter must follow the clause schema (slawriter docs "
                    "clause-authors) or the library cannot be loaded",
                )
                continue
            if clause.key in clauses:
                other = clauses[clause.key]
                self.add(
                    clause.display,
                    _front_matter_line(path, "variant") or 2,
                    "duplicate",
                    f"clause {clause.meta.id} variant {clause.meta.variant} is also "
                    f"defined in {other.display}",
                    "each id and variant pair must be unique, or nobody can tell which "
                    "wording an agreement gets",
                )
                continue
            expected = f"{clause.meta.id}.{clause.meta.variant}.md"
            if path.name != expected:
                self.add(
                    clause.display,
                    _front_matter_line(path, "id") or 2,
                    "schema",
                    f"the file name should be {expected}",
                    "clause files are named <id>.<variant>.md so reviewers can find them",
                )
            clauses[clause.key] = clause
        return clauses

    def _profiles(self) -> dict[str, Profile]:
        profiles: dict[str, Profile] = {}
        for path in sorted((self.root / "profiles").glob("*.yaml")):
            try:
                profile = load_profile(path)
            except InputError as error:
                self._load_failed(path, error, "the profile cannot be loaded")
                continue
            profiles[profile.id] = profile
            if profile.id != path.stem:
                self.add(
                    display_path(path),
                    _line(profile, ("id",)),
                    "schema",
                    f"the profile id '{profile.id}' differs from its file name",
                    f"agreements name a profile by file name ('profile: {path.stem}')",
                )
        return profiles

    # -- one clause --------------------------------------------------------------------------
    def _reporter(self, clause: Clause, first_line: int) -> Any:
        def report(line: int | None, kind: str, what: str, why: str) -> None:
            self.add(clause.display, first_line + (line or 1) - 1, kind, what, why)

        return report

    def _template(self, clause: Clause, clauses: Mapping[tuple[str, str], Clause]) -> None:
        try:
            tree = self.env.parse(clause.body, clause.display)
        except TemplateSyntaxError as error:
            self.add(
                clause.display,
                clause.body_line + (error.lineno or 1) - 1,
                "syntax",
                f"Jinja syntax error: {error.message}",
                "the clause cannot be rendered at all",
            )
            return
        checker = TemplateChecker(self.env, self.names, self._reporter(clause, clause.body_line))
        checker.check(tree)
        self._includes(clause, checker.includes, clauses)
        self._layout(clause)

    def _layout(self, clause: Clause) -> None:
        """Markdown the assembler refuses: headings, code blocks, rules and raw HTML."""
        for offset, line in enumerate(clause.body.splitlines()):
            for pattern, what in LAYOUT_RULES:
                if pattern.match(line):
                    self.add(
                        clause.display,
                        clause.body_line + offset,
                        "layout",
                        what,
                        "the agreement layout is fixed (slawriter docs clause-authors): rendering "
                        "would stop with an error",
                    )
                    break

    def _includes(
        self,
        clause: Clause,
        includes: list[tuple[int, str | None]],
        clauses: Mapping[tuple[str, str], Clause],
    ) -> None:
        by_name: dict[str, Clause] = {}
        for other in clauses.values():
            by_name[other.path.name] = other
            by_name[other.display] = other
            by_name[f"{other.meta.id}.{other.meta.variant}"] = other
        for line, name in includes:
            file_line = clause.body_line + line - 1
            if name is None:
                self.add(
                    clause.display,
                    file_line,
                    "security",
                    "a template included by a computed name",
                    "reviewers cannot tell which wording it brings in; name the clause file",
                )
                continue
            target = by_name.get(name) or by_name.get(Path(name).name)
            if target is None:
                self.add(
                    clause.display,
                    file_line,
                    "unknown-name",
                    f"includes '{name}', which is not a clause of this library",
                    "rendering would stop with an error",
                )
            elif clause.meta.status == "approved" and target.meta.status != "approved":
                self.add(
                    clause.display,
                    file_line,
                    "draft-include",
                    f"this approved clause includes {target.display}, which is "
                    f"{target.meta.status}",
                    "unapproved wording would reach customers through an approved clause; "
                    "approve the included clause or stop including it",
                )

    def _condition(self, clause: Clause) -> None:
        condition = clause.meta.condition
        if not condition:
            return
        line = _front_matter_line(clause.path, "condition") or 2
        try:
            parser = Parser(self.env, condition, state="variable")
            expression = parser.parse_expression()
            if parser.stream.current.type != "eof":
                raise TemplateSyntaxError(
                    f"unexpected '{parser.stream.current.value}'", 1, None, None
                )
        except TemplateSyntaxError as error:
            self.add(
                clause.display,
                line,
                "condition",
                f"the condition '{condition}' does not parse: {error.message}",
                "rendering would stop with an error for every agreement",
            )
            return
        tree = nodes.Template([nodes.Output([expression], lineno=1)], lineno=1)
        tree.set_environment(self.env)

        def report(_: int | None, kind: str, what: str, why: str) -> None:
            self.add(clause.display, line, "condition", f"in the condition: {what}", why)

        TemplateChecker(self.env, self.names, report).check(tree)

    def _governance(self, clause: Clause, profiles: Mapping[str, Profile]) -> None:
        meta = clause.meta
        if meta.status == "approved" and (not meta.approved_by or not meta.approved_on):
            missing = " and ".join(
                k for k in ("approved_by", "approved_on") if not getattr(meta, k)
            )
            self.add(
                clause.display,
                _front_matter_line(clause.path, "status") or 2,
                "schema",
                f"approved without {missing}",
                "an approval must say who approved the wording and when",
            )
        for name in meta.profiles:
            if profiles and name not in profiles:
                self.add(
                    clause.display,
                    _front_matter_line(clause.path, "profiles") or 2,
                    "profile",
                    f"lists the profile '{name}', which does not exist",
                    f"the library's profiles are {', '.join(sorted(profiles))}",
                )

    # -- the library as a whole ---------------------------------------------------------------
    def _profile_fit(
        self, profiles: Mapping[str, Profile], clauses: Mapping[tuple[str, str], Clause]
    ) -> None:
        for profile in profiles.values():
            file = display_path(profile.doc.path) if profile.doc else profile.id
            sections: set[str] = set()
            for index, choice in enumerate(profile.clauses):
                clause = clauses.get((choice.clause, choice.variant))
                if clause is None:
                    have = sorted(v for c, v in clauses if c == choice.clause)
                    self.add(
                        file,
                        _line(profile, ("clauses", index)),
                        "profile",
                        f"lists clause '{choice.clause}' variant '{choice.variant}', which "
                        "the library does not have"
                        + (f" (variants: {', '.join(have)})" if have else ""),
                        "every agreement with this profile would fail to render",
                    )
                    continue
                sections.add(clause.meta.section)
                if clause.meta.status == "retired":
                    self.add(
                        file,
                        _line(profile, ("clauses", index)),
                        "profile",
                        f"uses {clause.display}, which is retired",
                        "retired clauses may not be used; choose another variant",
                    )
            for index, section in enumerate(profile.requires):
                if section not in sections:
                    self.add(
                        file,
                        _line(profile, ("requires", index)),
                        "missing-section",
                        f"the profile requires the section '{section}' but none of its "
                        "clauses provides it",
                        "agreements drafted with this profile would lack a section an SLA "
                        "must have",
                    )

    def _reachability(
        self, profiles: Mapping[str, Profile], clauses: Mapping[tuple[str, str], Clause]
    ) -> None:
        listed = {(c.clause, c.variant) for p in profiles.values() for c in p.clauses}
        used_ids = {clause_id for clause_id, _ in listed}
        for key, clause in clauses.items():
            if clause.meta.status == "retired" or key in listed:
                continue
            if clause.meta.position and key[0] in used_ids:
                continue  # a fallback an agreement can select with variants:
            if clause.meta.position:
                why = (
                    f"it is a fallback, but no profile uses the clause '{key[0]}', so no "
                    "agreement can select it"
                )
            else:
                why = (
                    "no profile lists it and it has no 'position:' marking it as a fallback "
                    "an agreement may select; list it in a profile, add a position, or "
                    "retire it"
                )
            self.add(
                clause.display,
                _front_matter_line(clause.path, "variant") or 2,
                "unreachable",
                f"variant '{key[1]}' of clause '{key[0]}' is never used",
                why,
            )

    def _wording(self, clauses: Mapping[tuple[str, str], Clause]) -> None:
        from slawriter.library.wording import load_wording, wording_path

        folder = self.root / "clauses"
        if not wording_path(folder).is_file():
            folder = self.wording_dir
        try:
            wording = load_wording(folder)
        except InputError as error:
            for problem in error.problems:
                self.add(problem.file, problem.line, "schema", problem.message, error.message)
            return
        for clause in clauses.values():
            for hit in wording.find(clause.body):
                self.add(
                    clause.display,
                    clause.body_line + hit.line - 1,
                    "wording",
                    f"'{hit.text}' is unmeasurable wording ({hit.term.id})",
                    f"{hit.term.why}; instead: {hit.term.instead}",
                )


def _line(profile: Profile, loc: tuple[Any, ...]) -> int | None:
    if profile.doc is None:
        return None
    found = profile.doc.position(loc)
    return found[0] if found else None


def lint_library(
    root: Path,
    names: Mapping[str, Any],
    filters: frozenset[str],
    wording_dir: Path,
    template_check: Callable[[Path], list[tuple[str, str]]] | None = None,
) -> list[Finding]:
    """Every finding for the library at ``root``, sorted by file and line.

    ``names`` and ``filters`` are what clause templates may use (pipeline.clause_names);
    ``wording_dir`` holds the unmeasurable-wording list to use when the library has none;
    ``template_check`` reports (what, why) problems of the Word master template.
    """
    return LibraryLinter(root, names, filters, wording_dir, template_check).run()


def check_word_template(template: Path) -> list[tuple[str, str]]:
    """Placeholders in the Word master template that slawriter does not fill."""
    from slawriter.errors import SlawriterError
    from slawriter.render.word import TEMPLATE_VARIABLES, template_placeholders

    if not template.is_file():
        return [("the Word master template is missing", "every render needs it")]
    try:
        used = template_placeholders(template)
    except SlawriterError as error:
        return [(error.message, "every render would stop with this error")]
    return [
        (
            f"the placeholder '{name}' is not one slawriter fills",
            f"rendering would stop with an error; the cover, header and footer may use "
            f"{', '.join(sorted(TEMPLATE_VARIABLES))}",
        )
        for name in sorted(used - TEMPLATE_VARIABLES)
    ]


def lint(library: Library) -> list[Finding]:
    """Every finding for ``library``: its clauses, profiles, wording list and Word template,
    checked against the names the drafting engine gives clause templates."""
    from slawriter.drafting.context import clause_names
    from slawriter.library import builtin_library_root

    names, filters = clause_names()
    wording_dir = builtin_library_root() / "clauses"
    return lint_library(library.root, names, filters, wording_dir, check_word_template)
