"""The template language of the 양식_ sheets: a small, safe subset of Jinja2.

양식_ sheets come from the workbook under review, so a template is untrusted input: it must
not reach Python's internals, hang the run, exhaust memory or crash it.  Jinja's sandbox
covers the first; the rest is done here, in three layers:

1. **What a template may say** (checked before it runs, per cell): output, ``if``, one
   level of ``for``, arithmetic, comparisons, the filters and tests listed below, and calls
   of the functions below only — no macros, blocks, ``set``, imports, method calls
   (``'x'.ljust(10**9)``) or nested loops.  Anything else is refused with a reason.
2. **How big a value may get** (checked while it runs): powers, products and sums that
   would make a number beyond 10^300 or a text beyond Excel's 32,767 characters stop with
   :class:`TemplateLimit` (``{{ 9 ** (9 ** 8) }}`` is refused at once, not computed).
3. **How much a template may iterate**: the data lists count every pass over them (``for``,
   ``sum``, ``in`` …) against one budget per fill, so a loop over 100,000 lines inside a
   table row of 100,000 lines stops instead of running for hours.

A cell that breaks a limit becomes ``#양식오류`` with a TEMPLATE finding naming the cell.

Functions a template author can call (the old names ``f`` and ``calc`` still work):
``formula("=…{row}…")``, ``submitted(r, "열", fallback)``, ``rule("증감율", new="F",
base="D")``, ``won(x, unit, precision, spaced)``, ``tri(x, digits, suffix)``, ``rate(new,
base)``, ``change_word(x)``, ``chart(title, "C", ["G"])``, ``abs(x)``, ``range(n)``.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from jinja2 import TemplateError, meta, nodes
from jinja2.sandbox import SandboxedEnvironment

#: Longest text a cell can hold in Excel.
MAX_TEXT = 32_767
#: Largest magnitude a template may compute (Excel's doubles end near 1.8e308).
MAX_MAGNITUDE_DIGITS = 300
#: Items a whole fill may iterate over inside template expressions.
ITERATION_BUDGET = 10_000_000

FUNCTIONS = frozenset(
    {
        "formula",
        "f",
        "submitted",
        "calc",
        "rule",
        "won",
        "tri",
        "rate",
        "change_word",
        "chart",
        "abs",
        "range",
    }
)
FILTERS = frozenset(
    {
        "abs",
        "attr",
        "capitalize",
        "count",
        "d",
        "default",
        "dictsort",
        "e",
        "escape",
        "first",
        "float",
        "groupby",
        "int",
        "items",
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
        "replace",
        "reverse",
        "round",
        "select",
        "selectattr",
        "sort",
        "string",
        "sum",
        "title",
        "trim",
        "truncate",
        "unique",
        "upper",
    }
)
_ALLOWED_NODES = (
    nodes.Template,
    nodes.Output,
    nodes.TemplateData,
    nodes.Const,
    nodes.Name,
    nodes.Getattr,
    nodes.Getitem,
    nodes.Slice,
    nodes.Tuple,
    nodes.List,
    nodes.Dict,
    nodes.Pair,
    nodes.Keyword,
    nodes.BinExpr,
    nodes.UnaryExpr,
    nodes.And,
    nodes.Or,
    nodes.Not,
    nodes.Compare,
    nodes.Operand,
    nodes.Concat,
    nodes.CondExpr,
    nodes.If,
    nodes.For,
    nodes.Filter,
    nodes.Test,
    nodes.Call,
)


class TemplateLimit(Exception):
    """A template asked for more than a review sheet can need (the message says what)."""


class TemplateRefused(Exception):
    """A template uses something outside the template language (the message says what)."""


@dataclass(frozen=True)
class Formula:
    """A formula made by a template author with ``formula("=…{row}…")``; data never makes one."""

    text: str


@dataclass(frozen=True)
class Known(Formula):
    """A formula whose result Python knows, so a document can show it without a spreadsheet:
    ``value`` itself (a submitted figure), or else the display rule ``rule`` over the cells of
    its own row (``columns``: the rule's input name → column letter).  Only ``rule()`` and
    ``submitted()`` make one; a template author's ``formula()`` stays a plain Formula."""

    value: Any = None
    rule: str | None = None
    columns: tuple[tuple[str, str], ...] = ()


class IterationBudget:
    """Items a fill may still iterate over inside template expressions."""

    def __init__(self, items: int = ITERATION_BUDGET) -> None:
        self.left = items

    def spend(self, items: int) -> None:
        self.left -= items
        if self.left < 0:
            raise TemplateLimit(
                f"양식의 반복이 너무 많습니다(검토 한 번에 {ITERATION_BUDGET:,}개까지)"
            )


class Budgeted(list):  # type: ignore[type-arg]
    """A data list whose every pass (iteration, ``in``) is charged to a :class:`IterationBudget`."""

    __slots__ = ("budget",)

    def __init__(self, items: Iterable[Any], budget: IterationBudget) -> None:
        super().__init__(items)
        self.budget = budget

    def __iter__(self) -> Iterator[Any]:
        self.budget.spend(len(self))
        return super().__iter__()

    def __contains__(self, item: object) -> bool:
        self.budget.spend(len(self))
        return super().__contains__(item)

    def __reversed__(self) -> Iterator[Any]:
        self.budget.spend(len(self))
        return super().__reversed__()


def plain(items: Any) -> list[Any]:
    """The items of a data list without charging the budget (the renderer's own blocks)."""
    return list.copy(items) if isinstance(items, list) else list(items)


def _digits(value: Any) -> float:
    """Decimal digits of a number's magnitude (0 for non-numbers)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return 0.0
    if isinstance(value, int):
        return value.bit_length() * 0.30103
    return math.log10(abs(value)) if value and math.isfinite(value) else 0.0


def _sized(value: Any) -> int:
    return len(value) if isinstance(value, (str, list, tuple)) else 0


class TemplateEnvironment(SandboxedEnvironment):
    """Jinja's sandbox with the language and limits of this module."""

    intercepted_binops = frozenset({"**", "*", "+"})

    def __init__(self, budget: IterationBudget) -> None:
        super().__init__(finalize=lambda v: "" if v is None else v, autoescape=False)
        self.budget = budget
        self.filters = {name: f for name, f in self.filters.items() if name in FILTERS}
        self.filters["replace"] = self._replace
        self.globals = {"range": self._range}

    # ------------------------------------------------------------------ limits
    def call_binop(self, context: Any, operator_: str, left: Any, right: Any) -> Any:
        if operator_ == "**":
            if isinstance(right, (int, float)) and not isinstance(right, bool) and right > 0:
                if _digits(left) * right > MAX_MAGNITUDE_DIGITS:
                    raise TemplateLimit(f"숫자가 너무 큽니다(10^{MAX_MAGNITUDE_DIGITS} 이상)")
            return operator.pow(left, right)
        if operator_ == "*":
            for seq, n in ((left, right), (right, left)):
                if _sized(seq) and isinstance(n, int) and _sized(seq) * n > MAX_TEXT:
                    raise TemplateLimit(f"글자가 너무 깁니다(칸 하나에 {MAX_TEXT:,}자까지)")
            if _digits(left) + _digits(right) > MAX_MAGNITUDE_DIGITS:
                raise TemplateLimit(f"숫자가 너무 큽니다(10^{MAX_MAGNITUDE_DIGITS} 이상)")
            return operator.mul(left, right)
        if _sized(left) + _sized(right) > MAX_TEXT * 4:
            raise TemplateLimit(f"글자가 너무 깁니다(칸 하나에 {MAX_TEXT:,}자까지)")
        return operator.add(left, right)

    def _range(self, *args: int) -> range:
        numbers = range(*args)
        self.budget.spend(len(numbers))
        return numbers

    @staticmethod
    def _replace(value: Any, old: str, new: str, count: int | None = None) -> str:
        text = str(value)
        times = text.count(str(old)) if old else len(text) + 1
        if count is not None:
            times = min(times, max(count, 0))
        if len(text) + times * max(len(str(new)) - len(str(old)), 0) > MAX_TEXT:
            raise TemplateLimit(f"글자가 너무 깁니다(칸 하나에 {MAX_TEXT:,}자까지)")
        return text.replace(str(old), str(new), -1 if count is None else count)

    # ------------------------------------------------------------------ language
    def check(self, source: str) -> None:
        """Refuse (TemplateRefused) a template that uses anything outside the language."""
        try:
            tree = self.parse(source)
        except TemplateError as exc:
            raise TemplateRefused(f"양식 문법 오류: {exc}") from None
        except RecursionError:
            raise TemplateRefused("양식 식이 너무 깊게 중첩되어 있습니다") from None
        _check_node(tree, loops=0)

    def names(self, source: str) -> set[str]:
        """The variables ``source`` reads (none if it cannot be parsed: it will be refused)."""
        try:
            return set(meta.find_undeclared_variables(self.parse(source)))
        except (TemplateError, RecursionError):
            return set()

    def row_attributes(
        self, source: str, pure: frozenset[str]
    ) -> tuple[str, tuple[str, ...]] | None:
        """(name, attributes) when ``source`` reads one variable only through constant
        attributes (``r.group``, ``r['계약저조']``) besides the functions in ``pure``: then
        its result depends on those attribute values alone, and can be remembered by them.
        None for anything else (or anything that does not parse)."""
        try:
            tree = self.parse(source)
        except (TemplateError, RecursionError):
            return None
        names = set(meta.find_undeclared_variables(tree)) - pure
        if len(names) != 1:
            return None
        (name,) = names
        attrs: list[str] = []
        accessed: set[int] = set()
        for node in tree.find_all((nodes.Getattr, nodes.Getitem)):
            if not isinstance(node.node, nodes.Name) or node.node.name != name:
                continue
            getattr_ = isinstance(node, nodes.Getattr)
            attr = node.attr if getattr_ else getattr(node.arg, "value", None)
            if isinstance(node, nodes.Getitem) and not isinstance(node.arg, nodes.Const):
                return None
            if not isinstance(attr, str) or hasattr(dict, attr):  # r.items is a dict method
                return None
            attrs.append(attr)
            accessed.add(id(node.node))
        uses = [n for n in tree.find_all(nodes.Name) if n.name == name]
        if not uses or any(id(n) not in accessed for n in uses):
            return None  # the row itself is used (passed to a function, compared …)
        return name, tuple(dict.fromkeys(attrs))

    def compiled(self, text: str, expression: bool) -> Callable[[dict[str, Any]], Any]:
        """A checked, compiled template: an expression (typed result) or a text template."""
        source = "{{ " + text + " }}" if expression else text
        self.check(source)
        # Only the variables the template reads are handed over: Jinja copies what it is
        # given into a new context on every call, and the review's context holds every
        # table (a 100,000-row block would copy it 100,000 times).
        names = tuple(self.names(source))

        def only(variables: dict[str, Any]) -> dict[str, Any]:
            return {k: variables[k] for k in names if k in variables}

        try:
            if expression:
                compiled = self.compile_expression(text, undefined_to_none=True)
                return lambda variables: compiled(**only(variables))
            render = self.from_string(text).render
        except TemplateError as exc:
            # ``{{ 0, }}`` parses as a template but not as one expression: the same refusal
            # as any other syntax error, never an exception out of the fill.
            raise TemplateRefused(f"양식 문법 오류: {exc}") from None
        return lambda variables: render(**only(variables))


def _check_node(node: nodes.Node, loops: int) -> None:
    if not isinstance(node, _ALLOWED_NODES):
        raise TemplateRefused(f"양식에서 쓸 수 없는 구문입니다: {type(node).__name__}")
    if isinstance(node, nodes.For):
        if loops or node.recursive:
            raise TemplateRefused("양식 안의 반복(for)은 한 겹만 쓸 수 있습니다")
        loops += 1
    elif isinstance(node, nodes.Call):
        if not isinstance(node.node, nodes.Name) or node.node.name not in FUNCTIONS:
            raise TemplateRefused(
                "양식에서 부를 수 있는 함수가 아닙니다"
                + (f": {node.node.name}" if isinstance(node.node, nodes.Name) else "")
                + f" (가능: {', '.join(sorted(FUNCTIONS))})"
            )
        if node.dyn_args is not None or node.dyn_kwargs is not None:
            raise TemplateRefused("양식의 함수 호출에 *args/**kwargs는 쓸 수 없습니다")
    elif isinstance(node, nodes.Filter) and node.name not in FILTERS:
        raise TemplateRefused(f"양식에서 쓸 수 없는 필터입니다: {node.name}")
    elif isinstance(node, nodes.Getattr) and node.attr.startswith("_"):
        raise TemplateRefused(f"밑줄로 시작하는 속성은 쓸 수 없습니다: {node.attr}")
    for child in node.iter_child_nodes():
        _check_node(child, loops)
