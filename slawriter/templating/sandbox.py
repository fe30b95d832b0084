"""One sandboxed Jinja environment for every template: what templates may not do, and their budget.

Templates come from a clause library a firm edits (clauses, the Word master template), so they
are treated as untrusted code. On top of Jinja's immutable sandbox (no names starting with an
underscore, no Python internals, no method that changes a list, dict or set):

- no file paths, modules or classes; on pydantic models only fields and properties, never
  methods (``model_dump()``, ``model_copy()``...);
- no ``str.format`` / ``format_map`` (they reach attributes by name inside a string), and no
  ``self`` (it prints the template's internal name); printing a function, class or any object
  without a text form is refused, since it prints a memory address and makes output differ
  from run to run;
- a budget per render (``Limits``): time, loop iterations, output size, range() sizes, the
  size of any string or list a template builds, the total it builds, and the digits of an
  integer (``9 ** 99999999``). The time budget is checked cooperatively, in the sandbox's own
  hooks (attribute access, calls, operators, loop steps), so no signal or thread is needed and
  the process pool is unaffected.

Every refusal raises ``jinja2.exceptions.SecurityError`` (``BudgetExceeded`` for the budget)
from inside the template's frame, so callers can name the template and its line.
"""

from __future__ import annotations

import inspect
import math
import re
import time
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping, Sized
from contextlib import contextmanager
from dataclasses import dataclass
from functools import wraps
from pathlib import PurePath
from types import ModuleType
from typing import Any

from jinja2 import Environment, StrictUndefined, Template, nodes
from jinja2.environment import TemplateExpression
from jinja2.exceptions import SecurityError, TemplateSyntaxError
from jinja2.filters import FILTERS as DEFAULT_FILTERS
from jinja2.nodes import EvalContext
from jinja2.runtime import Context, Undefined
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.visitor import NodeTransformer
from pydantic import BaseModel


@dataclass(frozen=True)
class Limits:
    """What one render of one template may use. Tests pass small limits to stay fast."""

    seconds: float = 2.0  # wall time, checked in the sandbox's hooks
    iterations: int = 1_000_000  # loop steps, all loops together
    output_chars: int = 5_000_000  # the rendered text
    value_chars: int = 5_000_000  # any one string (or list, counting its items' text) built
    built_chars: int = 50_000_000  # everything calls and operators build, together
    range_items: int = 100_000  # range() (Jinja's own sandbox cap, kept)
    int_bits: int = 4_096  # about 1,230 digits: far beyond any money or minute count
    # wordwrap's cost grows with the square of a long word: no paragraph is this long
    wrap_chars: int = 20_000
    # all the templates of one document together (a library of slow clauses adds up)
    document_seconds: float = 10.0


DEFAULT_LIMITS = Limits()

# Methods that change a list, dict, set or deque (Jinja's immutable sandbox refuses them;
# listed here so the linter can flag them by name).
MUTATING_METHODS = frozenset(
    {
        "add",
        "append",
        "appendleft",
        "clear",
        "difference_update",
        "discard",
        "extend",
        "extendleft",
        "insert",
        "intersection_update",
        "pop",
        "popitem",
        "popleft",
        "remove",
        "reverse",
        "rotate",
        "setdefault",
        "sort",
        "symmetric_difference_update",
        "update",
    }
)
FORMAT_METHODS = frozenset({"format", "format_map"})
# Clauses have no use for bytes, and bytes would need their own size checks everywhere.
TEXT_ENCODING = frozenset({"encode"})
_OPAQUE = (PurePath, ModuleType, type)


def model_methods() -> frozenset[str]:
    """The public methods and attributes every pydantic model has (none is for templates)."""
    return frozenset(name for name in dir(BaseModel) if not name.startswith("_"))


class BudgetExceeded(SecurityError):
    """A template went over its budget (time, size, iterations, ranges, powers)."""


class TemplateRefused(TemplateSyntaxError, SecurityError):
    """A construct refused when the template is compiled; it carries its line number."""


# --- sizes -------------------------------------------------------------------------------------


def _size(value: Any, limit: int) -> int:
    """Characters ``value`` holds or prints as: a string's length; a container's items, each
    counted (a list of 100,000 references to one long string is 100,000 long strings once
    printed). Counting stops past ``limit``."""
    if isinstance(value, str | bytes | bytearray):
        return len(value)
    if isinstance(value, list | tuple | set | frozenset | dict):
        total = len(value)
        items = value.items() if isinstance(value, dict) else value
        for item in items:
            total += _size(item, limit)
            if total > limit:
                break
        return total
    return 1


_TEXT = (str, bytes, bytearray)
_SEQUENCES = (str, bytes, bytearray, list, tuple)

# What Python prints for an object with no text of its own (also as autoescaped Markup): the
# last line of defence against memory addresses reaching a document.
_DEFAULT_REPR = re.compile(
    r"object at 0x[0-9a-fA-F]+|(?:<|&lt;|&#60;)(?:bound method |built-in (?:function|method) "
    r"|function |method |class (?:'|&#39;|&#34;|\")|module (?:'|&#39;))"
)

# Filters that build a text or a list from their first argument: an input larger than any
# value a template may build is refused before the filter copies (or wraps) it.
_BUILDING_FILTERS = frozenset(
    {
        "batch", "center", "capitalize", "escape", "e", "forceescape", "format", "indent",
        "join", "list", "lower", "map", "reject", "rejectattr", "replace", "reverse",
        "select", "selectattr", "slice", "sort", "string", "striptags", "title", "trim",
        "unique", "upper", "urlencode", "urlize", "wordwrap", "xmlattr", "dictsort",
        "groupby", "items",
    }
)  # fmt: skip


_PRINTF = re.compile(r"%(?:\([^)]*\))?[#0\- +]*(\*|\d+)?(?:\.(\*|\d+))?")


# --- the environment ---------------------------------------------------------------------------


@dataclass
class _Meter:
    label: str
    deadline: float
    iterations: int = 0
    built: int = 0
    # the document's own deadline, when it comes before this template's
    document_deadline: float | None = None


class SandboxTemplate(Template):
    """A template whose render is metered: time, iterations and output size."""

    def render(self, *args: Any, **kwargs: Any) -> str:
        environment = self.environment
        assert isinstance(environment, Sandbox)
        with environment.metering(self.name or "a template"):
            context = self.new_context(dict(*args, **kwargs))
            try:
                return "".join(environment.metered_output(self.root_render_func(context)))  # type: ignore[arg-type]
            except Exception:
                environment.handle_exception()


class _MeteredExpression(TemplateExpression):
    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        environment = self._template.environment
        assert isinstance(environment, Sandbox)
        with environment.metering(self._template.name or "an expression"):
            return super().__call__(*args, **kwargs)


class _Guard(NodeTransformer):
    """Compile-time refusals, and the hooks that meter loops and ``~``."""

    def __init__(self, name: str | None, filename: str | None) -> None:
        self.name = name
        self.filename = filename

    def visit_Name(self, node: nodes.Name) -> nodes.Node:
        if node.name == "self" and node.ctx == "load":
            raise TemplateRefused(
                "'self' is not available to templates: it prints the template's internal "
                "name and makes the output differ from run to run",
                node.lineno,
                self.name,
                self.filename,
            )
        return node

    def visit_For(self, node: nodes.For) -> nodes.Node:
        self.generic_visit(node)
        node.iter = _hook("metered_iter", node.iter, node.lineno)
        return node

    def visit_Concat(self, node: nodes.Concat) -> nodes.Node:
        self.generic_visit(node)
        return _hook("checked", node, node.lineno)


def _hook(name: str, argument: nodes.Node, lineno: int) -> nodes.Call:
    return nodes.Call(nodes.EnvironmentAttribute(name), [argument], [], None, None, lineno=lineno)


class Sandbox(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox, narrowed (see the module docstring) and metered."""

    template_class = SandboxTemplate
    # Intercepted so they are checked, and so the compiler never folds `9 ** 99999999` itself.
    intercepted_binops = frozenset({"+", "*", "**", "%"})

    def __init__(self, limits: Limits | None = None, **options: Any) -> None:
        super().__init__(**options)
        # read when the environment is made, not when this module was imported
        self.limits = limits if limits is not None else DEFAULT_LIMITS
        self._meter: _Meter | None = None
        self._document_deadline: float | None = None
        self.globals["range"] = self.metered_range
        # Random filler text and random choices: never wanted in a contract, and different on
        # every run (the same input must give the same bytes).
        self.globals.pop("lipsum", None)
        self.filters.pop("random", None)
        self.filters = {name: self._guarded(name, f) for name, f in self.filters.items()}

    # -- compiling ---------------------------------------------------------------------------
    def _generate(
        self,
        source: nodes.Template,
        name: str | None,
        filename: str | None,
        defer_init: bool = False,
    ) -> str:
        guarded = _Guard(name, filename).visit(source)
        guarded.set_environment(self)
        return super()._generate(guarded, name, filename, defer_init)

    def compile_expression(self, source: str, undefined_to_none: bool = True) -> TemplateExpression:
        expression = super().compile_expression(source, undefined_to_none)
        return _MeteredExpression(expression._template, undefined_to_none)

    # -- the budget ------------------------------------------------------------------------
    @contextmanager
    def document(self) -> Iterator[None]:
        """Share one time budget (``Limits.document_seconds``) among every template rendered
        inside: the clauses of one document. Each template keeps its own budget too."""
        if self._document_deadline is not None:
            yield
            return
        self._document_deadline = time.monotonic() + self.limits.document_seconds
        try:
            yield
        finally:
            self._document_deadline = None

    @contextmanager
    def metering(self, label: str) -> Iterator[None]:
        """Meter everything rendered inside (nested renders share the outer budget)."""
        if self._meter is not None:
            yield
            return
        self._meter = _Meter(
            label, time.monotonic() + self.limits.seconds, document_deadline=self._document_deadline
        )
        try:
            yield
        finally:
            self._meter = None

    def _tick(self) -> None:
        meter = self._meter
        if meter is None:
            return
        now = time.monotonic()
        if meter.document_deadline is not None and now > meter.document_deadline:
            raise BudgetExceeded(
                f"the document's templates ran for more than {self.limits.document_seconds:g} s "
                "together (the document's time budget)"
            )
        if now > meter.deadline:
            raise BudgetExceeded(
                f"the template ran for more than {self.limits.seconds:g} s (its time budget)"
            )

    def _count_items(self, items: int = 1) -> None:
        """Count loop steps and items that filters produce against the loop budget."""
        meter = self._meter
        if meter is not None:
            meter.iterations += items
            if meter.iterations > self.limits.iterations:
                raise BudgetExceeded(
                    f"the template's loops ran more than {self.limits.iterations:,} times "
                    "(its loop budget)"
                )
            self._tick()

    def _too_big(self, what: str, size: int, limit: int | None = None) -> None:
        limit = self.limits.value_chars if limit is None else limit
        if size > limit:
            raise BudgetExceeded(f"{what} would be {size:,} characters long: at most {limit:,}")

    def checked(self, value: Any) -> Any:
        """Count what a call or operator built against the budget."""
        limits = self.limits
        size = _size(value, limits.value_chars)
        self._too_big("a value the template built", size)
        if isinstance(value, str):
            _refuse_default_repr(value)
        meter = self._meter
        if meter is not None:
            meter.built += size
            if meter.built > limits.built_chars:
                raise BudgetExceeded(
                    f"the template built more than {limits.built_chars:,} characters of "
                    "values (its size budget)"
                )
        return value

    def metered_iter(self, iterable: Iterable[Any]) -> Generator[Any, None, None]:
        for item in iterable:
            self._count_items()
            yield item

    def _bounded_list(self, items: Iterable[Any], separator: int = 0) -> list[Any]:
        """Materialise what a filter or join made on the fly, counting as it goes, so a
        generator of huge items stops at the budget instead of after filling memory."""
        if isinstance(items, list):
            return items
        limit = self.limits.value_chars
        out: list[Any] = []
        size = 0
        for item in items:
            self._count_items()
            size += _size(item, limit) + (separator if out else 0)
            self._too_big("the joined text" if separator else "the list", size)
            out.append(item)
        return out

    def metered_output(self, chunks: Generator[str, None, None]) -> Iterator[str]:
        limit = self.limits.output_chars
        total = 0
        for chunk in chunks:
            total += len(chunk)
            if total > limit:
                # Raised inside the template's frame, so the error carries its line.
                chunks.throw(
                    BudgetExceeded(f"the output exceeds {limit:,} characters (its size budget)")
                )
            if _DEFAULT_REPR.search(chunk):
                chunks.throw(SecurityError(_ADDRESS_REFUSAL))
            yield chunk

    def metered_range(self, *args: int) -> range:
        self._tick()
        numbers = range(*args)
        try:
            count = len(numbers)
        except OverflowError:
            count = abs(numbers.stop - numbers.start) // abs(numbers.step)
        if count > self.limits.range_items:
            raise BudgetExceeded(
                f"range() over {count:,} items: templates may use at most "
                f"{self.limits.range_items:,}"
            )
        return numbers

    # -- operators ---------------------------------------------------------------------------
    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        self._tick()
        if operator == "**":
            self._check_power(left, right)
        elif operator == "*":
            self._check_product(left, right)
        elif operator == "+":
            if isinstance(left, _SEQUENCES) and isinstance(right, _SEQUENCES):
                limit = self.limits.value_chars
                self._too_big("the sum", _size(left, limit) + _size(right, limit))
        elif operator == "%" and isinstance(left, str):
            self._check_printf(left, right if isinstance(right, tuple) else (right,))
        return self.checked(super().call_binop(context, operator, left, right))

    def _check_power(self, base: Any, exponent: Any) -> None:
        if (
            isinstance(base, int)
            and isinstance(exponent, int)
            and exponent > 0
            and abs(base) > 1
            and exponent * math.log2(abs(base)) > self.limits.int_bits
        ):
            digits = int(exponent * math.log10(abs(base))) + 1
            raise BudgetExceeded(
                f"{base} ** {exponent} would have about {digits:,} digits: templates may "
                f"compute numbers of at most {self.limits.int_bits:,} bits"
            )

    def _check_product(self, left: Any, right: Any) -> None:
        if isinstance(left, int) and isinstance(right, int):
            if left.bit_length() + right.bit_length() > self.limits.int_bits:
                raise BudgetExceeded(
                    f"a product of {left.bit_length() + right.bit_length():,} bits: templates "
                    f"may compute numbers of at most {self.limits.int_bits:,} bits"
                )
            return
        times, sequence = (left, right) if isinstance(left, int) else (right, left)
        if isinstance(times, int) and isinstance(sequence, _SEQUENCES):
            size = _size(sequence, self.limits.value_chars) * max(times, 0)
            self._too_big("the repetition", size)

    def _check_printf(self, template: str, arguments: tuple[Any, ...]) -> None:
        limit = self.limits.value_chars
        for match in _PRINTF.finditer(template):
            for width in match.groups():
                if width == "*":
                    for argument in arguments:
                        if isinstance(argument, int):
                            self._too_big("the formatted field", argument, limit)
                elif width is not None:
                    self._too_big("the formatted field", int(width), limit)

    # -- attributes and calls ----------------------------------------------------------------
    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        if not super().is_safe_attribute(obj, attr, value):
            return False
        if isinstance(obj, _OPAQUE) or isinstance(value, _OPAQUE):
            return False
        if isinstance(obj, str) and attr in FORMAT_METHODS | TEXT_ENCODING:
            return False
        if isinstance(obj, BaseModel):
            cls = type(obj)
            return attr in cls.model_fields or isinstance(getattr(cls, attr, None), property)
        return True

    def wrap_str_format(self, value: Any) -> None:
        return None  # str.format and format_map are refused outright (is_safe_attribute)

    def unsafe_undefined(self, obj: Any, attribute: str) -> Undefined:
        if isinstance(obj, str) and attribute in FORMAT_METHODS:
            why = (
                "str.format and format_map are not available to templates; "
                "use ~ or the format filter"
            )
        elif isinstance(obj, str) and attribute in TEXT_ENCODING:
            why = "str.encode is not available to templates: clauses work with text, not bytes"
        elif isinstance(obj, BaseModel) and not attribute.startswith("_"):
            why = (
                f"'{attribute}' is a method of {type(obj).__name__}: templates may read "
                "its fields, not call its methods"
            )
        elif attribute in MUTATING_METHODS:
            why = f"'{attribute}' would change the agreement data, which templates may only read"
        else:
            why = f"access to attribute {attribute!r} of {type(obj).__name__!r} object is unsafe"
        # Raised, not returned as an Undefined: map(attribute=...), selectattr and attr would
        # otherwise put the Undefined in a list, which prints as "Undefined" with no error.
        raise SecurityError(why)

    def getattr(self, obj: Any, attribute: str) -> Any:
        self._tick()
        return super().getattr(obj, attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        self._tick()
        return super().getitem(obj, argument)

    def call(self, context: Context, obj: Any, /, *args: Any, **kwargs: Any) -> Any:
        self._tick()
        owner = getattr(obj, "__self__", None)
        if isinstance(owner, _TEXT):
            name = getattr(obj, "__name__", "")
            if name == "join" and args:
                args = (self._bounded_list(args[0], len(owner)), *args[1:])
            self._check_string_method(owner, name, args)
        return self.checked(super().call(context, obj, *args, **kwargs))

    def _check_string_method(
        self, text: str | bytes | bytearray, name: str, args: tuple[Any, ...]
    ) -> None:
        first = args[0] if args else None
        if name in ("center", "ljust", "rjust", "zfill") and isinstance(first, int):
            self._too_big(f"str.{name}()", first)
        elif name == "expandtabs" and isinstance(first, int):
            tabs = _occurrences(text, "\t" if isinstance(text, str) else b"\t")
            self._too_big("str.expandtabs()", len(text) + tabs * first)
        elif name == "replace" and len(args) >= 2:
            self._check_replace(text, args[0], args[1])
        elif name == "join" and args:
            self._check_join(text, args[0])

    def _check_replace(self, text: str | bytes | bytearray, old: Any, new: Any) -> None:
        if isinstance(old, _TEXT) and isinstance(new, _TEXT):
            hits = len(text) + 1 if not old else _occurrences(text, old)
            self._too_big("the replacement", len(text) + hits * max(len(new) - len(old), 0))

    def _check_join(self, separator: Any, items: Any) -> None:
        if isinstance(items, list | tuple | range):
            limit = self.limits.value_chars
            width = len(separator) if isinstance(separator, _TEXT) else len(str(separator))
            size = width * max(len(items) - 1, 0)
            size += _size(list(items) if isinstance(items, range) else items, limit)
            self._too_big("the joined text", size)

    # -- filters -----------------------------------------------------------------------------
    def add_filters(self, filters: Mapping[str, Callable[..., Any]]) -> None:
        """Install filters, metered like Jinja's own."""
        self.filters.update({name: self._guarded(name, f) for name, f in filters.items()})

    def _guarded(self, name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        try:
            signature: inspect.Signature | None = inspect.signature(function)
        except (TypeError, ValueError):
            signature = None
        builtin = DEFAULT_FILTERS.get(name) is function

        @wraps(function)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            self._tick()
            if builtin and signature is not None:
                try:
                    bound = signature.bind(*args, **kwargs)
                except TypeError:
                    pass  # the call itself reports the wrong arguments
                else:
                    if name == "join" and "value" in bound.arguments:
                        separator = bound.arguments.get("d", "")
                        width = len(separator) if isinstance(separator, str) else 0
                        bound.arguments["value"] = self._bounded_list(
                            bound.arguments["value"], width
                        )
                        args, kwargs = bound.args, bound.kwargs
                    self._check_filter(name, bound.arguments)
            result = function(*args, **kwargs)
            if isinstance(result, Iterator):
                return self._produced(result)
            return self.checked(result)

        return guarded

    def _produced(self, items: Iterator[Any]) -> Generator[Any, None, None]:
        """The items a filter yields (map, batch, select...), each counted and checked, so
        chained filters cannot make millions of items in one expression."""
        for item in items:
            self._count_items()
            yield self.checked(item)

    def _check_filter(self, name: str, arguments: dict[str, Any]) -> None:
        values = list(arguments.values())
        if name in _BUILDING_FILTERS:
            # the first argument after an eval context is the value being filtered
            subject = next((v for v in values if not _is_context(v)), None)
            self._too_big(f"the {name} filter's input", _size(subject, self.limits.value_chars))
        if name == "format":
            value = next((v for v in values if isinstance(v, str)), "")
            extra = arguments.get("args", ())
            self._check_printf(value, tuple(extra) if isinstance(extra, tuple) else ())
            return
        if name == "replace":
            self._check_replace(
                str(arguments.get("s", "")), arguments.get("old"), arguments.get("new")
            )
            return
        if name == "join":
            items = arguments.get("value")
            if isinstance(items, Iterator):
                return  # items made on the fly are counted as they are built
            self._check_join(arguments.get("d", ""), items)
            return
        if name == "indent":
            text, width = str(arguments.get("s", "")), arguments.get("width", 4)
            step = len(width) if isinstance(width, str) else width
            if isinstance(step, int):
                self._too_big("the indented text", len(text) + (text.count("\n") + 1) * step)
            return
        if name == "wordwrap":
            text, width = str(arguments.get("s", "")), arguments.get("width", 79)
            self._too_big("the text to wrap", len(text), self.limits.wrap_chars)
            wrap = arguments.get("wrapstring") or "\n"
            if isinstance(width, int) and isinstance(wrap, str):
                lines = len(text) // max(width, 1) + text.count("\n") + 1
                self._too_big("the wrapped text", len(text) + lines * len(wrap))
            return
        if name in ("batch", "slice"):
            # batch(1) over a long text makes one list per character, and chained batches
            # multiply the work: count the lists before they are made
            items, count = arguments.get("value"), arguments.get("linecount")
            if name == "slice":
                produced = count if isinstance(count, int) else 0
            elif isinstance(count, int) and isinstance(items, Sized):
                produced = len(items) // max(count, 1) + 1
            else:
                produced = 0
            self._count_items(produced)
            return
        if name == "sum":
            start = arguments.get("start", 0)
            if not isinstance(start, int | float) and start is not None:
                raise SecurityError("the sum filter adds numbers only")
            return
        if name in ("default", "d", "int", "float", "round", "truncate"):
            return
        for value in values[1:]:  # widths, counts, indents: never near the budget
            if isinstance(value, int) and not isinstance(value, bool):
                self._too_big(f"the {name} filter's result", value)


def _occurrences(text: Any, part: Any) -> int:
    """``text.count(part)`` for str or bytes; a mismatch (str in bytes) fails in the call."""
    try:
        return int(text.count(part))
    except TypeError:
        return 0


def _inherits(kind: type, method: str) -> bool:
    """Whether ``kind`` prints with object's own method (a memory address)."""
    return bool(getattr(kind, method) is getattr(object, method))


_ADDRESS_REFUSAL = (
    "this prints a function, class or object that has no text form (its memory address): "
    "only text, numbers, dates and agreement fields can be printed"
)


def _refuse_default_repr(text: str) -> None:
    if _DEFAULT_REPR.search(text):
        raise SecurityError(_ADDRESS_REFUSAL)


def _is_context(value: Any) -> bool:
    """Whether a filter's argument is what Jinja passes before the value (pass_context...)."""
    return isinstance(value, Context | EvalContext | Environment)


def _printable(finalize: Callable[[Any], Any] | None) -> Callable[[Any], Any]:
    """Refuse to print what only has a memory address to show (functions, classes, objects)."""

    def check(value: Any) -> Any:
        if isinstance(value, list | tuple | set | frozenset | dict):
            # a container prints its items' reprs: [cycler] prints a class
            _refuse_default_repr(repr(value))
        if not isinstance(value, str | Undefined):
            kind = type(value)
            if (
                callable(value)
                or isinstance(value, _OPAQUE)
                or (_inherits(kind, "__repr__") and _inherits(kind, "__str__"))
            ):
                raise SecurityError(
                    f"a {kind.__name__} cannot be printed: only text, numbers, dates and "
                    "agreement fields can (it would print a memory address)"
                )
        return value if finalize is None else finalize(value)

    return check


def make_sandbox(
    *,
    limits: Limits | None = None,
    finalize: Callable[[Any], Any] | None = None,
    **options: Any,
) -> Sandbox:
    """The environment every template is rendered in: StrictUndefined, immutable, metered.

    ``options`` are Jinja's (loader, autoescape, trim_blocks...). ``finalize`` runs after
    the check that refuses printing functions, classes and other address-only objects.
    """
    options.setdefault("undefined", StrictUndefined)
    if options["undefined"] is not StrictUndefined:
        raise ValueError("templates are always rendered with StrictUndefined")
    return Sandbox(limits, finalize=_printable(finalize), **options)
