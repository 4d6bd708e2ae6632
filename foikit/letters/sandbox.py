"""The sandbox that letters and officers' answer texts are rendered in.

Three walls, so that no single mistake becomes an escalation:

1. **Plain data.** A template's context holds dicts, lists, strings, numbers, booleans and None,
   plus `figure`, a closure over a plain table of figures (`plain()` refuses anything else).
   Nothing in it leads to the register, a connection, the file system or another requester.
2. **A small language for answers.** An answer may print values, look up keys, loop (two deep at
   most), test with `if`, and use a list of harmless filters. It may not call methods, set
   variables, define macros, include or import other templates, or format strings with `%`.
   `check_answer_syntax` refuses the rest when the answer is saved, naming what is not allowed.
3. **A budget.** Every render runs under a time and output limit; operators, calls, lookups and
   filters check it, `range` is capped and `*` and `**` cannot build huge values. A render that
   goes over ends in one `RenderLimit` error naming what was being rendered.

The register side (a read-only connection during rendering) lives in foikit.register.
"""

from __future__ import annotations

import datetime as dt
import functools
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from foikit.errors import TemplateError

if TYPE_CHECKING:
    from jinja2 import Template
    from jinja2.nodes import Node

# Limits. An answer is a sentence or a short table; a letter a few pages.
MAX_ANSWER_SOURCE = 10_000  # characters of template text in one answer
MAX_ANSWER_OUTPUT = 50_000  # characters one answer may produce
MAX_LETTER_OUTPUT = 5_000_000  # characters of XML one letter part may produce
ANSWER_SECONDS = 2.0
LETTER_SECONDS = 20.0
MAX_RANGE = 1_000  # items `range()` may give
MAX_VALUE = 100_000  # items or characters `*`, `+` and `**` may build
MAX_LOOP_DEPTH = 2
MAX_NESTING = 40  # how deep an answer's expressions may nest (Python's compiler is not linear)
MAX_NODES = 2_000  # how many pieces an answer may have
# What an answer may ask of `loop` inside a for loop.
LOOP_ATTRIBUTES = frozenset(
    {"index", "index0", "revindex", "revindex0", "first", "last", "length", "previtem", "nextitem"}
)

# The names an answer may use: reference data and the request's own plain facts. Never the
# requester (a published letter has none) and never anything of another request.
ANSWER_NAMES = frozenset({"csps", "figures", "figure", "office", "ico", "today", "request"})

# Filters an answer may use: Jinja's harmless ones and foikit's formats. Excluded on purpose:
# center, indent, wordwrap, format, batch, slice, attr, pprint, xmlattr, urlize, tojson,
# filesizeformat (width or size arguments that build huge strings, or reach attributes).
ANSWER_FILTERS = frozenset(
    {
        "abs",
        "capitalize",
        "count",
        "d",
        "default",
        "e",
        "escape",
        "first",
        "float",
        "int",
        "join",
        "last",
        "length",
        "list",
        "lower",
        "map",
        "max",
        "min",
        "reject",
        "rejectattr",
        "round",
        "select",
        "selectattr",
        "sort",
        "string",
        "sum",
        "title",
        "trim",
        "unique",
        "upper",
        # foikit.formats
        "uk_date",
        "ordinal_date",
        "money",
        "words",
    }
)


class RenderLimit(TemplateError):
    """A render went over its time or size budget, or tried something the sandbox forbids."""


# -- plain data ------------------------------------------------------------------------------

PLAIN_SCALARS = (str, int, float, bool, type(None), dt.date)


def plain(value: Any, where: str = "context") -> Any:
    """A deep copy of `value` made of dicts, lists and scalars only; anything else is a bug."""
    if isinstance(value, PLAIN_SCALARS):
        return value
    if isinstance(value, Mapping):
        return {str(k): plain(v, f"{where}.{k}") for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v, f"{where}[{i}]") for i, v in enumerate(value)]
    raise TypeError(f"{where} holds a {type(value).__name__}: a template context holds plain data")


def is_plain(value: Any) -> bool:
    try:
        plain(value)
    except TypeError:
        return False
    return True


# -- the budget ------------------------------------------------------------------------------


@dataclass
class Budget:
    what: str
    seconds: float
    max_chars: int
    deadline: float = 0.0

    def check_time(self) -> None:
        if time.monotonic() > self.deadline:
            raise RenderLimit(
                f"it took longer than {self.seconds:g} seconds: simplify it "
                "(fewer or smaller loops)"
            )

    def check_size(self, chars: int) -> None:
        if chars > self.max_chars:
            raise RenderLimit(f"it would be longer than {self.max_chars:,} characters: simplify it")


_BUDGET: ContextVar[Budget | None] = ContextVar("foikit_render_budget", default=None)


@contextmanager
def budget(what: str, seconds: float, max_chars: int) -> Iterator[Budget]:
    """Render under a time and size limit (nested budgets: the inner one applies)."""
    current = Budget(what, seconds, max_chars, time.monotonic() + seconds)
    token = _BUDGET.set(current)
    try:
        yield current
    finally:
        _BUDGET.reset(token)


def tick() -> None:
    current = _BUDGET.get()
    if current is not None:
        current.check_time()


def _check_value(value: Any) -> Any:
    if isinstance(value, (str, list, tuple, dict)) and len(value) > MAX_VALUE:
        raise RenderLimit(f"a value of more than {MAX_VALUE:,} items is not allowed in a template")
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 256:
        raise RenderLimit("a number that large is not allowed in a template")
    return value


def capped_range(*args: int) -> range:
    result = range(*args)
    if len(result) > MAX_RANGE:
        raise RenderLimit(f"range() may give at most {MAX_RANGE:,} numbers in a template")
    return result


def _power(left: Any, right: Any) -> Any:
    if isinstance(right, (int, float)) and abs(right) > 64:
        raise RenderLimit("a power above 64 is not allowed in a template")
    return left**right


def _multiply(left: Any, right: Any) -> Any:
    for seq, times in ((left, right), (right, left)):
        if (
            isinstance(seq, (str, list, tuple))
            and isinstance(times, int)
            and len(seq) * max(times, 0) > MAX_VALUE
        ):
            raise RenderLimit(
                f"a value of more than {MAX_VALUE:,} items is not allowed in a template"
            )
    return left * right


def _modulo(left: Any, right: Any) -> Any:
    if isinstance(left, str):
        raise RenderLimit("'%' formatting is not allowed in a template: use the filters")
    return left % right


# -- the environments ---------------------------------------------------------------------------


@functools.cache
def bounded_environment_class() -> type:
    from jinja2.exceptions import SecurityError
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    class BoundedEnvironment(ImmutableSandboxedEnvironment):
        """Jinja's immutable sandbox, with every operation checked against the budget."""

        intercepted_binops = frozenset({"+", "-", "*", "/", "//", "%", "**"})

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.globals.clear()  # no lipsum, cycler, joiner, namespace, dict
            self.globals["range"] = capped_range
            self.binop_table.update({"**": _power, "*": _multiply, "%": _modulo})

        def call_binop(self, context: Any, op: str, left: Any, right: Any) -> Any:
            tick()
            return _check_value(self.binop_table[op](left, right))

        def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805
            tick()
            if getattr(__obj, "__name__", None) in ("format", "format_map") and isinstance(
                getattr(__obj, "__self__", None), str
            ):
                raise SecurityError("str.format is not allowed in a template: use the filters")
            return _check_value(super().call(__context, __obj, *args, **kwargs))

        def getattr(self, obj: Any, attribute: str) -> Any:
            tick()
            return super().getattr(obj, attribute)

        def getitem(self, obj: Any, argument: Any) -> Any:
            tick()
            return super().getitem(obj, argument)

    return BoundedEnvironment


@functools.cache
def answer_environment_class() -> type:
    from jinja2.exceptions import SecurityError
    from jinja2.runtime import LoopContext

    base = bounded_environment_class()

    class AnswerEnvironment(base):  # type: ignore[misc, valid-type]
        """Answers see keys of plain data only: no attribute or method of any object."""

        def getattr(self, obj: Any, attribute: str) -> Any:
            tick()
            if str(attribute).startswith("_"):
                raise SecurityError(f"the name {attribute!r} is not allowed in an answer")
            if isinstance(obj, Mapping) and attribute in obj:
                return obj[attribute]
            if isinstance(obj, LoopContext) and attribute in LOOP_ATTRIBUTES:
                return getattr(obj, attribute)
            return self.undefined(obj=obj, name=attribute)

        def getitem(self, obj: Any, argument: Any) -> Any:
            tick()
            if isinstance(argument, str) and argument.startswith("_"):
                raise SecurityError(f"the name {argument!r} is not allowed in an answer")
            if isinstance(obj, Mapping):
                if argument in obj:
                    return obj[argument]
            elif isinstance(obj, (list, tuple, str)) and isinstance(argument, (int, slice)):
                try:
                    return obj[argument]
                except IndexError:
                    pass
            return self.undefined(obj=obj, name=str(argument))

        def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805
            if __obj is not capped_range and not getattr(__obj, "foikit_answer_callable", False):
                raise SecurityError("an answer may call figure() and range() only")
            return super().call(__context, __obj, *args, **kwargs)

    return AnswerEnvironment


def bounded_filter(func: Callable[..., Any]) -> Callable[..., Any]:
    """A filter that checks the budget and the size of what it is given and gives back: a
    filter is Python running at full speed, outside the operator and lookup hooks."""

    @functools.wraps(func)  # keeps Jinja's pass_context / pass_environment marks
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        tick()
        for arg in args:
            _check_value(arg)
        result = func(*args, **kwargs)
        if isinstance(result, Iterator):
            result = list(result)  # a lazy map or select would run outside the budget
        tick()
        return _check_value(result)

    return wrapped


def answer_callable(func: Callable[..., Any]) -> Callable[..., Any]:
    """Mark a function of foikit's own as one an answer may call (figure())."""
    func.foikit_answer_callable = True  # type: ignore[attr-defined]
    return func


def answer_finalize(value: Any) -> Any:
    """What an answer prints: a value, never a function (`{{ figure }}` is a slip for a call)."""
    from jinja2 import Undefined

    if isinstance(value, Undefined):
        value._fail_with_undefined_error()
    if callable(value):
        raise RenderLimit("a function cannot be printed: call it, e.g. figure('dhr', 'claimed')")
    return value


def render_bounded(template: Template, context: Mapping[str, Any]) -> str:
    """Render under the current budget, checking the output's size as it grows."""
    current = _BUDGET.get()
    if current is None:
        return str(template.render(context))
    pieces: list[str] = []
    size = 0
    for piece in template.generate(context):
        size += len(piece)
        current.check_size(size)
        current.check_time()
        pieces.append(piece)
    return "".join(pieces)


# -- checking an answer's shape -------------------------------------------------------------------


def _forbidden(node: Node) -> str | None:
    from jinja2 import nodes

    banned: dict[type, str] = {
        nodes.Macro: "{% macro %}",
        nodes.CallBlock: "{% call %}",
        nodes.FilterBlock: "{% filter %}",
        nodes.Include: "{% include %}",
        nodes.Import: "{% import %}",
        nodes.FromImport: "{% from ... import %}",
        nodes.Extends: "{% extends %}",
        nodes.Block: "{% block %}",
        nodes.Assign: "{% set %}",
        nodes.AssignBlock: "{% set %}",
        nodes.With: "{% with %}",
        nodes.Scope: "a scope",
        nodes.ScopedEvalContextModifier: "{% autoescape %}",
        nodes.EvalContextModifier: "{% autoescape %}",
    }
    for kind, label in banned.items():
        if isinstance(node, kind):
            return f"{label} is not allowed in an answer"
    if isinstance(node, nodes.For) and node.recursive:
        return "recursive loops are not allowed in an answer"
    if isinstance(node, nodes.Filter) and node.name not in ANSWER_FILTERS:
        return f"the filter {node.name!r} is not allowed in an answer"
    if isinstance(node, nodes.Getattr) and node.attr.startswith("_"):
        return f"the name {node.attr!r} is not allowed in an answer"
    if isinstance(node, nodes.Const) and isinstance(node.value, str) and "__" in node.value:
        return f"{node.value!r} is not allowed in an answer"
    if isinstance(node, nodes.Name) and node.name in ("self", "caller", "varargs", "kwargs"):
        return f"the name {node.name!r} is not allowed in an answer"
    return None


def _nesting(node: Node) -> int:
    """How deep the tree goes, without recursion (a hostile answer may be very deep)."""
    deepest = 0
    stack = [(node, 1)]
    while stack:
        current, depth = stack.pop()
        deepest = max(deepest, depth)
        if deepest > MAX_NESTING:
            break
        stack.extend((child, depth + 1) for child in current.iter_child_nodes())
    return deepest


def _loop_depth(node: Node, depth: int = 0) -> int:
    from jinja2 import nodes

    here = depth + 1 if isinstance(node, nodes.For) else depth
    return max([here, *(_loop_depth(child, here) for child in node.iter_child_nodes())])


def check_answer_syntax(text: str, env: Any) -> None:
    """Refuse an answer that is not a valid template or steps outside the answer language.

    Raises TemplateError naming the problem (or Jinja's TemplateSyntaxError); says nothing of
    the values (see foikit.letters.render_answer).
    """
    from jinja2 import meta, nodes

    if len(text) > MAX_ANSWER_SOURCE:
        raise RenderLimit(f"an answer may be at most {MAX_ANSWER_SOURCE:,} characters")
    try:
        tree = env.parse(text)  # a TemplateSyntaxError is reported by the caller as such
    except RecursionError:
        raise RenderLimit("the answer nests too deeply: simplify it") from None
    if _nesting(tree) > MAX_NESTING:
        raise RenderLimit(f"expressions may nest at most {MAX_NESTING} deep in an answer")
    all_nodes = list(tree.find_all(nodes.Node))
    if len(all_nodes) > MAX_NODES:
        raise RenderLimit(f"an answer may have at most {MAX_NODES:,} parts: simplify it")
    for node in all_nodes:
        problem = _forbidden(node)
        if problem:
            raise RenderLimit(problem)
    if _loop_depth(tree) > MAX_LOOP_DEPTH:
        raise RenderLimit(f"loops may nest at most {MAX_LOOP_DEPTH} deep in an answer")
    unknown = sorted(meta.find_undeclared_variables(tree) - ANSWER_NAMES - {"range"})
    if unknown:
        names = ", ".join(unknown)
        raise TemplateError(
            f"uses {names}, which an answer cannot: it may use {', '.join(sorted(ANSWER_NAMES))}"
        )
