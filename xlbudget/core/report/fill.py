"""검토서 작성: render the 양식_ templates into 검토_ sheets (a list of SheetPlans).

Each template cell is checked and compiled once (:mod:`.language`), then evaluated for every
output row it produces.  A cell that cannot be rendered — a refused construct, a limit, an
error in the data it reads — becomes ``#양식오류`` with one TEMPLATE finding for that
template cell, however many rows it repeats on; the rest of the sheet is still written.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from ..korean import won_words
from ..model import Finding
from ..numformat import AMOUNT_FORMAT, RATE_FORMAT, RATE_PCT_FORMAT, rate_format, tri
from ..plan import CellWrite, ChartSpec, SheetPlan
from ..rates import rate as rate_of
from ..refs import a1, col_index
from ..rules import display_formula
from ..schema import REVIEW_PREFIX
from ..settings import Settings
from .language import (
    MAX_MAGNITUDE_DIGITS,
    MAX_TEXT,
    Formula,
    IterationBudget,
    Known,
    TemplateEnvironment,
    TemplateLimit,
    TemplateRefused,
    plain,
)
from .pages import document_keeps, page_breaks
from .sentences import change_word
from .templates import FOR_RE, MERGE_SAME, TemplateCell, TemplateSheet, document_style

_FOR = re.compile(FOR_RE)
_ATTR = re.compile(r"^\s*([^\W\d]\w*)\.([^\W\d]\w*)\s*$")
_CONST_FORMULA = re.compile(r"^\s*(?:f|formula)\('([^'\\{}]*(?:\{row\}[^'\\{}]*)*)'\)\s*$")
_RULE = r"rule\(\s*'([^']*)'((?:\s*,\s*\w+\s*=\s*'[A-Z]{1,3}')*)\s*\)"
_RULE_CALL = re.compile(rf"^\s*{_RULE}\s*$")
_SUBMITTED = re.compile(
    rf"^\s*(?:submitted|calc)\(\s*([^\W\d]\w*)\s*,\s*'([^']*)'\s*,\s*(?:'([^']*)'|{_RULE})\s*\)\s*$"
)
_KWARG = re.compile(r"(\w+)\s*=\s*'([A-Z]{1,3})'")
_EXPR = re.compile(r"^\{\{(?P<expr>(?:(?!\}\}).)*)\}\}$", re.S)
ERROR_VALUE = "#양식오류"


def submitted(row: Any, column: str, fallback: Any) -> Formula | float | None:
    """The submitted figure of ``row``'s input cell if it is a number, else ``fallback``.

    Review tables show what was submitted (the report reproduces the submitted tables, and
    the check lists what does not add up); only a figure that is missing is computed.  Both
    are formulas, so the review follows the input sheet when a number changes in Excel —
    except a figure typed as text ("△594"): no number to Excel, so a formula would show the
    recomputed figure instead; it is written as the number read (until the next 검토서 작성).
    A fallback that is no formula is text for the formula (None: a blank).
    """
    if isinstance(row, dict) and row.get("group"):
        return None  # a department's heading row of a table has no figures
    if isinstance(fallback, Formula):
        text = fallback.text
    elif fallback is None:
        text = '""'
    else:
        text = str(fallback)
    text = text.removeprefix("=")
    where = row.get("_ref") if isinstance(row, dict) else None
    ref = where.cell(column) if where else None
    # What the formula shows: the submitted number, else what the fallback shows.
    given = row if where is None or where.values is None else where.values
    value = given.get(column) if ref is not None else None
    if type(value) in (int, float) or (
        isinstance(value, (int, float)) and not isinstance(value, bool)
    ):
        if math.isfinite(value):
            if column in where.text:
                # Typed as text ("△594"): Excel's ISNUMBER says no and the formula would
                # show the recomputed figure, not the one submitted; the review shows the
                # submitted number.
                return value
            # A rate typed as a fraction with a percent format is a figure ×100 (as read).
            return Known(
                f"=IF(ISNUMBER({ref}),{where.figure(column, ref)},{text})", value, None, ()
            )
    if ref is not None:
        text = f"IF(ISNUMBER({ref}),{where.figure(column, ref)},{text})"
    if isinstance(fallback, Known):
        return Known("=" + text, fallback.value, fallback.rule, fallback.columns)
    return Formula("=" + text)


@dataclass(frozen=True, slots=True)
class Column:
    """An evaluator's column form: ``of(rows, variables)`` gives, for each row, what the
    evaluator gives with ``reads`` bound to that row (``reads`` None: it reads no row)."""

    reads: str | None
    of: Callable[[list[Any], dict[str, Any]], list[Any]]


class _Failure(Exception):
    """A template cell that could not be evaluated on one row, and why (written later)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _reason(exc: Exception) -> str:
    """Why a template cell could not be filled, as its finding says it."""
    if isinstance(exc, _Failure):
        return exc.reason
    if isinstance(exc, (TemplateRefused, TemplateLimit)):
        return str(exc)
    if isinstance(exc, RecursionError):
        return "식이 너무 깊게 중첩되어 있습니다"
    if isinstance(exc, MemoryError):
        return "메모리가 부족합니다"
    # A message may quote an object's repr (``<generator object … at 0x7f…>``): without its
    # address, so that the same template gives the same finding on every run.
    return f"{type(exc).__name__}: {_ADDRESS.sub('', str(exc))[:200]}"


_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")


def _document_look(cell: TemplateCell, kind: str, row: dict[str, Any]) -> TemplateCell | None:
    """``cell`` styled as the document row ``row`` of ``kind`` has it (None: nothing there)."""
    style = document_style(kind, row, cell.col)
    return None if style is None else replace(cell, style=style)


class Renderer:
    """Renders template sheets with one checked environment and a shared context."""

    def __init__(
        self, context: dict[str, Any], settings: Settings, budget: IterationBudget
    ) -> None:
        self.env = TemplateEnvironment(budget)
        self.context = context
        self.settings = settings
        self.errors: list[Finding] = []
        self._failed: set[tuple[str, int, int]] = set()  # template cells already reported
        self._cache: dict[str, Callable[[dict[str, Any]], Any]] = {}
        self._evaluators: dict[int, Callable[[dict[str, Any]], Any]] = {}  # per template cell
        #: The column form of an evaluator, by the evaluator's identity (kept with it).
        self._columns: dict[int, tuple[Callable[..., Any], Column]] = {}
        self._styles: dict[tuple[Any, bool, bool], tuple[Any, ...]] = {}
        self._styles_by_id: dict[tuple[int, bool, bool], tuple[Any, tuple[Any, ...]]] = {}
        digits = settings.digits
        # Rate formats of the templates follow 설정's 증감율소수, as the rates do.
        self._rate_formats = {
            RATE_FORMAT: rate_format(digits),
            RATE_PCT_FORMAT: rate_format(digits, percent_sign=True),
        }

    def functions(self, plan: SheetPlan, state: dict[str, Any]) -> dict[str, Any]:
        s = self.settings

        def won(
            x: Any, unit: str = "천원", precision: str | None = None, spaced: bool | None = None
        ) -> str:
            return (
                ""
                if x is None
                else won_words(x, unit, precision or None, s.spaced if spaced is None else spaced)
            )

        def rule(name: str, **columns: str) -> Formula:
            return rule_formula(name, s.digits, columns)

        def chart(title: str, categories: str, values: list[str], skip_first: bool = False) -> None:
            block = state.get("block")
            if not block:
                return None
            first, last = block
            first += 1 if skip_first else 0
            if first > last:
                return None
            plan.charts.append(
                ChartSpec(
                    str(title),
                    state["anchor"],
                    (col_index(categories), first, last),
                    tuple((col_index(v), first, last, block[0] - 1) for v in values),
                )
            )
            return None

        return {
            "won": won,
            "tri": lambda x, digits=0, suffix="": "" if x is None else tri(x, digits, suffix),
            "rate": lambda new, base, digits=s.digits: rate_of(new, base, digits),
            "change_word": change_word,
            "formula": Formula,
            "f": Formula,
            "submitted": submitted,
            "calc": submitted,
            "rule": rule,
            "chart": chart,
            "abs": abs,
        }

    def _compiled(self, text: str, expression: bool) -> Callable[[dict[str, Any]], Any]:
        """A callable of the variables; the two commonest shapes skip Jinja's context setup.

        ``r.name`` on a dict row, a constant ``formula('…')``, ``rule(…)`` and
        ``submitted(r, '…', rule(…))`` written with literals are evaluated directly, with
        the same results as through Jinja: a block of tens of thousands of rows would
        otherwise spend most of its time creating contexts.  Every text is checked against
        the template language first.
        """
        key = ("E:" if expression else "T:") + text
        if key in self._cache:
            return self._cache[key]
        slow = self.env.compiled(text, expression)  # raises TemplateRefused
        fn: Callable[[dict[str, Any]], Any] = slow
        column: Column | None = None  # the same, over a block's rows at once
        if expression and (m := _ATTR.match(text)):
            name, attr = m.groups()

            def fn(v: dict[str, Any]) -> Any:
                obj = v.get(name)
                return obj.get(attr) if type(obj) is dict else slow(v)

            column = Column(name, lambda rows, v: [row.get(attr) for row in rows])
        elif expression and (m := _CONST_FORMULA.match(text)):
            formula = Formula(m.group(1))
            fn = lambda v: formula  # noqa: E731
            column = Column(None, lambda rows, v: [formula] * len(rows))
        elif expression and (m := _RULE_CALL.match(text)):
            rule_formula = self._rule(m.group(1), m.group(2))
            if rule_formula is not None:
                fn = lambda v: rule_formula  # noqa: E731
                column = Column(None, lambda rows, v: [rule_formula] * len(rows))
        elif expression and (m := _SUBMITTED.match(text)):
            row_name, heading, literal = m.group(1), m.group(2), m.group(3)
            fallback = literal if literal is not None else self._rule(m.group(4), m.group(5))
            if fallback is not None:
                fn = lambda v: submitted(v.get(row_name), heading, fallback)  # noqa: E731
                column = Column(
                    row_name, lambda rows, v: [submitted(row, heading, fallback) for row in rows]
                )
        if fn is slow:
            source = "{{ " + text + " }}" if expression else text
            shape = self.env.row_attributes(source, _PURE)
            if shape is not None:
                fn, column = _remembered(slow, *shape)
        if column is not None:
            self._columns[id(fn)] = (fn, column)
        self._cache[key] = fn
        return fn

    def _rule(self, name: str, kwargs: str) -> Formula | None:
        """The formula of ``rule(name, …)`` written literally (None: let Jinja say why not)."""
        try:
            columns = dict(_KWARG.findall(kwargs))
            return rule_formula(name, self.settings.digits, columns)
        except ValueError:
            return None

    def _style(self, cell: TemplateCell, bold: bool, number: bool = False) -> tuple[Any, ...]:
        """The look (plan.Look) of this template cell's output, bold or not (cached).

        Looked up first by the style object's identity (hashing a Style, nine fields, for
        each of 300,000 cells cost a third of a second); the entry keeps the object, so an
        identity reused by a later object is recognised and looked up by value."""
        style = cell.style
        fast = self._styles_by_id.get((id(style), bold, number))
        if fast is not None and fast[0] is style:
            return fast[1]
        key = (style, bold, number)
        found = self._styles.get(key)
        if found is not None:
            self._styles_by_id[(id(style), bold, number)] = (style, found)
        if found is None:
            style = cell.style
            number_format = style.number_format or (AMOUNT_FORMAT if number else None)
            number_format = self._rate_formats.get(number_format, number_format)
            found = self._styles[key] = (
                number_format,
                style.bold or bold,
                style.fill,
                style.align,
                style.wrap,
                style.border,
                style.font_size,
            )
        return found

    def _fail(self, template: TemplateSheet, cell: TemplateCell, reason: str) -> None:
        """One TEMPLATE finding per template cell, however many rows it repeats on."""
        key = (template.name, cell.row, cell.col)
        if key in self._failed:
            return
        self._failed.add(key)
        source = str(cell.value)
        self.errors.append(
            Finding(
                template.name,
                cell.row,
                cell.col,
                "TEMPLATE",
                "경고",
                f"양식 셀을 채울 수 없습니다({reason}): {source[:60]}"
                + ("…" if len(source) > 60 else ""),
            )
        )

    def _evaluator(self, template: TemplateSheet, cell: TemplateCell) -> Callable[..., Any] | None:
        evaluate = self._evaluators.get(id(cell))
        if evaluate is None:
            value = cell.value
            if not isinstance(value, str) or ("{{" not in value and "{%" not in value):
                return None
            m = _EXPR.match(value.strip())
            try:
                evaluate = self._compiled(m["expr"], True) if m else self._compiled(value, False)
            except TemplateRefused as exc:
                reason = str(exc)

                def evaluate(_: dict[str, Any], reason: str = reason) -> Any:
                    raise TemplateRefused(reason)

            self._evaluators[id(cell)] = evaluate
        return evaluate

    def _writes(
        self,
        cell: TemplateCell,
        looks: list[TemplateCell | None] | None,
        results: list[Any],
        rows: list[int],
        bolds: list[bool],
        failed: Callable[[int, str], None],
    ) -> list[CellWrite | None]:
        """The cells a template cell's results make, one per output row of ``rows`` (None: no
        cell): a formula, a number (its amount format unless the template gives one), text,
        a blank that keeps its borders.  A result that is a failure, or that breaks a limit,
        becomes ``#양식오류`` and is passed to ``failed`` (row index, reason).  ``looks``:
        each row's style source where rows differ (document rows; None there: skipped)."""
        col = cell.col
        out: list[CellWrite | None] = []
        append = out.append
        # A block's rows look like their one template cell: its styles (plain and bold, as
        # text and as a number) are found once; a document row looks its own way.
        plain = (self._style(cell, False), self._style(cell, True))
        figure = (self._style(cell, False, True), self._style(cell, True, True))
        limit = 10.0**MAX_MAGNITUDE_DIGITS
        look = cell
        for i, result in enumerate(results):
            bold = bolds[i]
            if looks is None:
                shape = plain[bold]
            else:
                look = looks[i]
                if look is None:
                    append(None)
                    continue
                shape = self._style(look, bold)
            row, kind = rows[i], type(result)
            try:
                if kind is _Failure:
                    raise result
                if kind is Formula or kind is Known:
                    text = result.text.replace("{row}", str(row + 1))
                    if not text.startswith("="):
                        text = "=" + text
                    write = CellWrite(row, col, text, True, shape)
                    if kind is Known:
                        # A submitted figure is what it shows (nothing to keep but the
                        # number); a rule's result is resolved with its row when a document
                        # needs it (.values).
                        write.shows = result.value if result.rule is None else result
                elif result is None or (kind is float and not math.isfinite(result)):
                    # An empty cell of a table keeps its borders.
                    write = CellWrite(row, col, None, False, shape) if look.style.border else None
                elif kind in (int, float) or (
                    isinstance(result, (int, float)) and kind is not bool
                ):
                    if abs(result) >= limit:
                        raise TemplateLimit(f"숫자가 너무 큽니다(10^{MAX_MAGNITUDE_DIGITS} 이상)")
                    number = figure[bold] if looks is None else self._style(look, bold, True)
                    write = CellWrite(row, col, result, False, number)
                else:
                    text = str(result)
                    if len(text) > MAX_TEXT:
                        raise TemplateLimit(f"글자가 너무 깁니다(칸 하나에 {MAX_TEXT:,}자까지)")
                    write = CellWrite(row, col, text, False, shape)
            except (KeyboardInterrupt, SystemExit):
                raise
            except Exception as exc:  # a template is untrusted input
                failed(i, _reason(exc))
                write = CellWrite(row, col, ERROR_VALUE, False, shape)
            append(write)
        return out

    def sheet(self, template: TemplateSheet) -> SheetPlan:
        plan = SheetPlan(
            template.output,
            col_widths=dict(template.col_widths),
            landscape=template.landscape,
            title_rows=template.title_rows,
        )
        by_row: dict[int, list[TemplateCell]] = {}
        for cell in template.cells:
            by_row.setdefault(cell.row, []).append(cell)
        state: dict[str, Any] = {"block": None}
        blocks: list[tuple[int, int]] = []
        keeps: list[tuple[int, int]] = []
        heads: int | None = None  # the first of the header rows right above a block
        functions = self.functions(plan, state)
        out_row = 0
        for r in range(max(by_row, default=-1) + 1):
            cells = by_row.get(r, [])
            head = next((c for c in cells if c.col == 0 and isinstance(c.value, str)), None)
            m = _FOR.match(head.value.strip()) if head else None
            rest = [c for c in cells if c is not head] if m else cells
            if m and head is not None:
                try:
                    found = self._compiled(m.group(2), True)(self.context)
                    items = plain(found or [])
                except (KeyboardInterrupt, SystemExit):
                    raise
                except Exception as exc:  # refused, a limit, not a list: the block is empty
                    self._fail(template, head, f"반복 행을 펼칠 수 없습니다: {exc}")
                    items = []
                start = out_row
                state["group"] = {}
                # One dict for the block, its loop variable and row set per item: nothing
                # keeps it (Jinja copies what it is given), and copying the whole context
                # for each of 100,000 rows is what a city's table would otherwise pay.
                variables = {**self.context, **functions}
                name = m.group(1)
                self._emit_rows(plan, template, rest, items, name, variables, out_row, state)
                out_row += len(items)
                state["block"] = (start, out_row - 1) if items else None
                _merge_same(plan, state.pop("group"))
                if items:
                    blocks.append((start, out_row - 1))
                # The last table's header repeats on every page: a sheet's long table comes
                # last, so no page shows another table under a header not its own.  Document
                # rows (검토의견) hold tables of their own: no header repeats for them.
                documents = bool(items) and type(items[0]) is dict and "_kind" in items[0]
                if documents:
                    plan.title_rows = None
                    keeps += document_keeps(items, start)
                else:
                    plan.title_rows = (heads if heads is not None else start - 1, start - 1)
                heads = None
            else:
                variables = {**self.context, **functions}
                self._emit_rows(plan, template, rest, [None], None, variables, out_row, state)
                # A table's header may be several banded rows: they repeat together.
                is_head = bool(rest) and all(c.style.fill and c.style.border for c in rest)
                heads = (out_row if heads is None else heads) if is_head else None
                out_row += 1
        plan.footer = (self.footer(), plan.name.removeprefix(REVIEW_PREFIX))
        plan.breaks = page_breaks(plan, blocks, keeps)
        return plan

    def footer(self) -> str:
        """Whose review this is, at the foot of every printed page."""
        s = self.settings
        office, year, round_ = (s.text(k, "") or "○○" for k in ("소관", "회계연도", "회차"))
        return f"{year}년도 {round_} {office} 소관 추가경정예산안 검토보고"

    def _emit_rows(
        self,
        plan: SheetPlan,
        template: TemplateSheet,
        cells: list[TemplateCell],
        items: list[Any],
        name: str | None,
        variables: dict[str, Any],
        first: int,
        state: dict[str, Any],
    ) -> None:
        """The rows ``cells`` make, one per item (``name`` bound to it; no name: one row of
        the sheet outside any block).  A document row (검토의견) takes its cells' style from
        its kind.

        A city's block has hundreds of thousands of cells, so a block is rendered column by
        column: a template cell whose expression reads only its row (``r.예산현액``,
        ``submitted(r, …)``, a constant ``rule(…)``) is evaluated over all rows in one pass,
        without binding variables per cell.  Every other cell is evaluated row by row in
        the template's order, as before (a ``chart()`` places itself where it is evaluated),
        and failures are reported in row order whichever way they were found.
        """
        n = len(items)
        rs = items if name == "r" else [variables.get("r")] * n
        bolds = [type(r) is dict and bool(r.get("group") or r.get("수준") == 0) for r in rs]
        kinds = [r.get("_kind") if type(r) is dict else None for r in rs]
        documents = any(k is not None for k in kinds)
        by_rows = name is not None and all(type(item) is dict for item in items)
        failures: list[tuple[int, int, str]] = []  # (row index, template cell, reason)
        columns: list[list[Any]] = []
        looks: list[list[TemplateCell | None] | None] = []
        slow: list[tuple[int, TemplateCell, Callable[..., Any]]] = []
        constant: list[bool] = []  # a cell without an expression: its value on every row
        for j, cell in enumerate(cells):
            evaluate = self._evaluator(template, cell)
            constant.append(evaluate is None)
            looks.append(
                [
                    cell if k is None else _document_look(cell, k, r)
                    for k, r in zip(kinds, rs, strict=True)
                ]
                if documents
                else None
            )
            found = self._columns.get(id(evaluate)) if evaluate is not None else None
            column = found[1] if found is not None and found[0] is evaluate else None
            results: list[Any] | None = None
            if evaluate is None:
                results = []  # written as it stands, below
            elif column is not None and not documents and column.reads in (None, name):
                if column.reads is None or by_rows:
                    try:
                        results = column.of(items, variables)
                    except (KeyboardInterrupt, SystemExit):
                        raise
                    except Exception:  # evaluated row by row: each cell says why
                        results = None
            if results is None:
                results = [None] * n
                slow.append((j, cell, evaluate))
            columns.append(results)
        for i, item in enumerate(items):  # the rest, row by row in template order
            if not slow:
                break
            if name is not None:
                variables[name] = item
            variables["row"] = first + i + 1
            for j, cell, evaluate in slow:
                look = looks[j]
                if look is not None and look[i] is None:
                    continue  # nothing there in this document row
                state["anchor"] = (first + i, cell.col)
                try:
                    columns[j][i] = evaluate(variables)
                except (KeyboardInterrupt, SystemExit):
                    raise
                except Exception as exc:  # a template is untrusted input
                    columns[j][i] = _Failure(_reason(exc))
        writes: list[list[CellWrite | None]] = []
        numbers = list(range(first, first + n))  # one int per row, shared by its cells
        for j, cell in enumerate(cells):
            if constant[j]:
                rows_looks = looks[j] or [cell] * n
                writes.append(
                    [
                        None
                        if look is None
                        else CellWrite(
                            numbers[i], cell.col, cell.value, False, self._style(look, bold)
                        )
                        for i, (look, bold) in enumerate(zip(rows_looks, bolds, strict=True))
                    ]
                )
                continue
            writes.append(
                self._writes(
                    cell,
                    looks[j],
                    columns[j],
                    numbers,
                    bolds,
                    lambda i, reason, j=j: failures.append((i, j, reason)),
                )
            )
            columns[j] = []  # its results are cells now: a city's block lets them go at once
        for _, j, reason in sorted(failures):
            self._fail(template, cells[j], reason)
        group = state.get("group")
        append, merges = plan.cells.append, plan.merges
        shapes = [
            (c.col, c.style.span, c.style.down, c.style.wrap, MERGE_SAME in str(c.value))
            for c in cells
        ]
        for i in range(n):
            out_row = first + i
            for j, (col, span, down, wrap, same) in enumerate(shapes):
                write = writes[j][i]
                if write is None:
                    continue
                if looks[j] is not None:
                    style = looks[j][i].style
                    span, down, wrap = style.span, style.down, style.wrap
                append(write)
                if span > 1 or down > 1:
                    merges.append((out_row, col, out_row + down - 1, col + span - 1))
                if group is not None and same:
                    group.setdefault(col, []).append(write)
                if wrap and write.value and isinstance(write.value, str):
                    _grow_row(plan, out_row, col, span, write.value)


def _grow_row(plan: SheetPlan, out_row: int, col: int, span: int, text: str) -> None:
    """Excel does not grow a row for wrapped text written by a program: estimate the lines
    (a Hangul syllable is about two digit widths) and set the row's height."""
    width = sum(plan.col_widths.get(c, 9.0) for c in range(col, col + span))
    lines = sum(
        math.ceil(max(text_width(part), 1.0) * 1.05 / max(width, 1.0)) for part in text.split("\n")
    )
    if lines > 1:
        plan.row_heights[out_row] = max(plan.row_heights.get(out_row, 0), 15.0 * lines)


#: Template functions whose result depends on their arguments alone (``chart`` places a
#: chart, ``submitted``/``rule`` read the row's position, ``range`` charges the iteration
#: budget on every call: not these).
_PURE = frozenset({"won", "tri", "rate", "change_word", "abs"})
_MEMO_LIMIT = 4096


def _remembered(
    slow: Callable[[dict[str, Any]], Any], name: str, attrs: tuple[str, ...]
) -> tuple[Callable[[dict[str, Any]], Any], Column]:
    """``slow`` remembered by the row attributes it reads (and its column form): a block of
    100,000 rows whose column says '계약 저조' / '지출 저조' / '' asks Jinja three times, not
    100,000.  Rows whose attributes cannot be a key (a list …) and errors are never
    remembered; after ``_MEMO_LIMIT`` distinct keys nothing more is stored (a column of
    unique texts)."""
    memo: dict[tuple[Any, ...], Any] = {}

    def remembered(row: Any, v: dict[str, Any]) -> Any:
        key = tuple(row.get(a) for a in attrs)
        try:
            return memo[key]
        except KeyError:
            pass
        except TypeError:  # an unhashable attribute value
            return slow(v)
        result = slow(v)
        if len(memo) < _MEMO_LIMIT:
            memo[key] = result
        return result

    def fn(v: dict[str, Any]) -> Any:
        row = v.get(name)
        return remembered(row, v) if type(row) is dict else slow(v)

    def of(rows: list[Any], v: dict[str, Any]) -> list[Any]:
        out = []
        for row in rows:
            v[name] = row
            out.append(remembered(row, v))
        return out

    return fn, Column(name, of)


def rule_formula(name: str, digits: int, columns: dict[str, str]) -> Known:
    """``rule(name, …)``: its Excel text, and the rule to compute what it shows."""
    text = "=" + display_formula(name, digits, columns)
    return Known(text, None, name, tuple(columns.items()))


def _merge_same(plan: SheetPlan, columns: dict[int, list[CellWrite]]) -> None:
    """Merge down each run of equal values in a block's 세로병합 columns (value kept once)."""
    for col, writes in columns.items():
        run: list[CellWrite] = []
        for write in [*writes, None]:
            if write is not None and run and write.value == run[0].value and write.value:
                run.append(write)
                continue
            if len(run) > 1:
                plan.merges.append((run[0].row, col, run[-1].row, col))
                for covered in run[1:]:
                    covered.value = None
            run = [write] if write is not None else []


def text_width(text: str) -> float:
    """How wide ``text`` prints, in Excel's column units (the width of a digit): a Hangul
    syllable or other wide character about 1.8, a space or a punctuation mark about 0.6."""
    width = 0.0
    for ch in text:
        if ord(ch) >= 0x1100 and not 0x2000 <= ord(ch) <= 0x206F:
            width += 1.8
        elif ch.isalnum():
            width += 1.0
        else:
            width += 0.6
    return width


def cell_ref(cell: TemplateCell) -> str:
    return a1(cell.row, cell.col)


def referenced_names(templates: list[TemplateSheet]) -> set[str]:
    """Every variable the templates read (what the context must hold for them)."""
    env = TemplateEnvironment(IterationBudget())
    names: set[str] = set()
    for template in templates:
        for cell in template.cells:
            if isinstance(cell.value, str) and ("{{" in cell.value or "{%" in cell.value):
                text = cell.value.strip()
                m = _FOR.match(text)
                names |= env.names("{{ " + m.group(2) + " }}" if m else text)
    return names
