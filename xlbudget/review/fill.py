"""검토서 작성: render the 양식_ templates into 검토_ sheets (a list of SheetPlans).

The data a template sees is built here: the input tables as rows, the low-execution lines
grouped by department, the findings, and the report's standard sentences (문장), all computed
by the core so the numbers in a sentence are the numbers in the tables.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from jinja2 import TemplateError
from jinja2.sandbox import SandboxedEnvironment
from openpyxl.utils import get_column_letter

from ..core.korean import won_words
from ..core.numformat import AMOUNT_FORMAT, tri
from ..core.rates import rate as rate_of
from .model import CellWrite, ChartSpec, Finding, SheetPlan
from .read import Settings, Table
from .templates import FOR_RE, TemplateCell, TemplateSheet

_FOR = re.compile(FOR_RE)
_ATTR = re.compile(r"^\s*([^\W\d]\w*)\.([^\W\d]\w*)\s*$")
_CONST_FORMULA = re.compile(r"^\s*f\('([^'\\{}]*(?:\{row\}[^'\\{}]*)*)'\)\s*$")
_CALC = re.compile(r"^\s*calc\(\s*([^\W\d]\w*)\s*,\s*'([^']*)'\s*,\s*'([^']*)'\s*\)\s*$")
_EXPR = re.compile(r"^\{\{(?P<expr>(?:(?!\}\}).)*)\}\}$", re.S)


@dataclass(frozen=True)
class Formula:
    """A formula made by a template author with ``f("=…{row}…")``; data can never make one."""

    text: str


@dataclass(frozen=True)
class RowRef:
    """Where a record's row sits in its input table, so a formula can refer to its cells."""

    sheet: str
    row: int  # 0-based sheet row
    cols: dict[str, int]  # canonical column → 0-based sheet column (shared by the table)

    def cell(self, column: str) -> str | None:
        col = self.cols.get(column)
        if col is None:
            return None
        sheet = self.sheet.replace("'", "''")
        return f"'{sheet}'!${_col(col)}${self.row + 1}"


def _records(table: Table | None) -> list[dict[str, Any]]:
    """The table's rows as dicts (NaN → None), each with a RowRef to its input cells."""
    if table is None:
        return []
    frame = table.frame.drop(columns="_row")
    frame = frame.astype(object).where(frame.notna(), None)
    rows = frame.to_dict("records")
    for row, sheet_row in zip(rows, table.frame["_row"].tolist(), strict=True):
        row["_ref"] = RowRef(table.sheet, sheet_row, table.cols)
    return rows


def _total(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The table's 수준-0 row (합계/총계), or an empty dict."""
    return next((r for r in rows if r.get("수준") == 0), {})


def calc(row: Any, column: str, fallback: str) -> Formula | None:
    """The submitted figure of ``row``'s input cell if it is a number, else ``fallback``.

    Review tables show what was submitted (the report reproduces the submitted tables, and
    the check lists what does not add up); only a figure that is missing is computed.  Both
    are formulas, so the review follows the input sheet when a number changes in Excel.
    """
    if isinstance(row, dict) and row.get("group"):
        return None  # a department's heading row of a table has no figures
    ref = row.get("_ref").cell(column) if isinstance(row, dict) and row.get("_ref") else None
    if ref is None:
        return Formula("=" + fallback)
    return Formula(f"=IF(ISNUMBER({ref}),{ref},{fallback})")


def change_word(value: float | None) -> str:
    if value is None or abs(value) < 1e-9:
        return "동일"
    return "증액" if value > 0 else "감액"


def _department_cuts(
    items: list[dict[str, Any]], projects: list[dict[str, Any]]
) -> list[tuple[str, int, float]]:
    """(담당관, number of projects cut, total cut in 천원) in order of appearance."""
    cuts: dict[str, list[float]] = {}
    source = [r for r in items if r.get("수준") == 0] or [
        {**r, "증감": (r.get("증감_기정") or 0) * 1000} for r in projects if r.get("수준") == 1
    ]
    for row in source:
        change = row.get("증감")
        if change is None and row.get("추경") is not None and row.get("기정") is not None:
            change = row["추경"] - row["기정"]
        if change is not None and change < 0:
            cuts.setdefault(row.get("담당관") or "(담당관 미기재)", []).append(change)
    return [(dept, len(v), -sum(v)) for dept, v in cuts.items()]


def sentences(
    tables: dict[str, Table],
    settings: Settings,
    findings: list[Finding],
    flagged: list[dict[str, Any]],
    exec_rows: list[dict[str, Any]],
) -> dict[str, str]:
    """The report's standard sentences, from the same figures as its tables."""
    s = settings
    spaced = s.spaced
    office, year, round_ = s.text("소관", "○○"), s.text("회계연도", ""), s.text("회차", "")
    summary_unit = s.text("요약단위", "백만원")
    out: dict[str, str] = {}

    def won(
        x: float, unit: str = summary_unit, precision: str | None = None, sp: bool = spaced
    ) -> str:
        try:
            return won_words(x, unit, precision, sp)
        except ValueError:  # an absurd amount in the data: the check reports it, words cannot
            return "(금액 표시 불가)"

    revenue = _total(_records(tables.get("세입")))
    if revenue.get("기정") is not None and revenue.get("당초") is not None:
        added = revenue["기정"] - revenue["당초"]
        new = revenue.get("추경")
        tail = (
            "기정예산과 같은 " + won(new)
            if new is not None and new == revenue["기정"]
            else (
                f"기정예산 대비 {tri(abs(rate_of(new, revenue['기정']) or 0), 1)}% "
                f"{change_word(new - revenue['기정'])}된 {won(new)}"
                if new is not None
                else "(추경 값 없음)"
            )
        )
        out["세입"] = (
            f"○ {year}년 {office} 세입 기정예산은 당초예산 {won(revenue['당초'])}에서 "
            f"{won(abs(added))}을 {'증액' if added >= 0 else '감액'}한 "
            f"{won(revenue['기정'])}이며, {office} 소관 {year}년도 {round_} "
            f"추가경정세입예산은 {tail}임."
        )
    spend = _total(_records(tables.get("세출")))
    if spend.get("기정") is not None and spend.get("추경") is not None:
        r = rate_of(spend["추경"], spend["기정"], s.digits)
        out["세출"] = (
            f"○ {office} 소관 {year}년도 {round_} 추가경정세출예산은 "
            f"{won(spend['추경'])}으로 기정 예산 {won(spend['기정'])} 대비 "
            f"{tri(abs(r or 0), s.digits)}% {change_word(spend['추경'] - spend['기정'])}"
            f"된 수준이며, 그 내역은 다음과 같음."
        )
        cuts = _department_cuts(
            _records(tables.get("통계목증감")), _records(tables.get("사업별증감"))
        )
        if cuts:
            total = sum(c for _, _, c in cuts)
            parts = ", ".join(f"{d} {n}건({won(c, '천원', '백만원', False)})" for d, n, c in cuts)
            out["감액내역"] = (
                f"○ 기정 예산 대비 {tri(abs(r or 0), s.digits)}%"
                f"({won(total, '천원', '백만원', False)})를 감액하고자 하는 것으로, "
                f"{parts}을 감액 편성하여 제출하였음."
            )
    projects = [p for p in _records(tables.get("사업별증감")) if p.get("수준") != 0]
    if projects:
        cut = [p for p in projects if (p.get("증감_기정") or 0) < 0]
        out["사업별"] = (
            f"○ 주요 사업 {len(projects)}개 중 {len(cut)}개 사업이 기정 대비 감액되었으며, "
            f"감액 합계는 {won(-sum(p['증감_기정'] for p in cut))}임."
            if cut
            else f"○ 주요 사업 {len(projects)}개의 증감내역은 다음과 같음."
        )
    if exec_rows:
        threshold = s.threshold
        budget = sum(r["budget"] or 0 for r in flagged)
        balance = sum((r["budget"] or 0) - (r["spent"] or 0) for r in flagged)
        low = [
            r
            for r in flagged
            if r["budget"] and (r["obligations"] or 0) / r["budget"] * 100 < s.contract_threshold
        ]
        out["미집행"] = (
            f"○ {s.text('기준일')} 기준 {office} 소관 집행현황 {len(exec_rows)}건 중 "
            f"불용률이 {threshold:g}% 이상인 줄은 {len(flagged)}건(예산현액 "
            f"{won(budget, '천원', '백만원')}, 지출잔액 {won(balance, '천원', '백만원')})"
            f"이며, 이 중 지출원인행위액이 예산현액의 {s.contract_threshold:g}% 미만으로 "
            f"계약조차 저조한 줄은 {len(low)}건임."
        )
    counts = {k: sum(f.severity == k for f in findings) for k in ("오류", "경고", "참고")}
    out["점검"] = (
        f"○ 제출된 표의 합계·증감·증감율·지출잔액·불용률을 표시된 숫자의 반올림을 감안하여 "
        f"다시 계산한 결과, 오류 {counts['오류']}건, 경고 {counts['경고']}건, "
        f"참고 {counts['참고']}건이 있음."
        if any(counts.values())
        else "○ 제출된 표를 다시 계산한 결과, 반올림으로 설명되지 않는 불일치는 없음."
    )
    return out


def unspent_rows(
    flagged: list[dict[str, Any]], cols: dict[str, int] | None = None
) -> list[dict[str, Any]]:
    """Display rows of the low-execution table: a department row, then its lines."""
    rows: list[dict[str, Any]] = []
    department, project = None, None
    for line in flagged:
        if line["department"] != department:
            department, project = line["department"], None
            name = department or "(담당관 미기재)"
            rows.append({"group": True, "담당관": name, "이름": name})
        rows.append(
            {
                "group": False,
                "first": line["project"] != project,
                "이름": line["project"] if line["project"] != project else "",
                "담당관": department,
                "세부사업": line["project"],
                "통계목": line["item"],
                "예산현액": line["budget"],
                "지출원인행위액": line["obligations"],
                "지출액": line["spent"],
                "불용률": line["unspent_rate"],
                "_ref": RowRef(line["sheet"], line["row"] - 1, cols or {}),
            }
        )
        project = line["project"]
    return rows


def department_rows(
    exec_table: Table | None, flagged: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Execution by department over all lines, with the count of flagged lines."""
    if exec_table is None or "담당관" not in exec_table.frame:
        return []
    frame = exec_table.frame
    grouped = frame.groupby("담당관", sort=False)[["예산현액", "지출액"]].sum(min_count=1)
    counts: dict[str, int] = {}
    for line in flagged:
        counts[line["department"]] = counts.get(line["department"], 0) + 1
    return [
        {
            "담당관": dept,
            "건수": counts.get(dept, 0),
            "예산현액": _clean(row["예산현액"]),
            "지출액": _clean(row["지출액"]),
        }
        for dept, row in grouped.iterrows()
    ]


def _clean(value: Any) -> Any:
    return None if isinstance(value, float) and not np.isfinite(value) else value


class Renderer:
    """Renders template sheets with one sandboxed Jinja environment and a shared context."""

    def __init__(self, context: dict[str, Any], settings: Settings) -> None:
        self.env = SandboxedEnvironment(finalize=lambda v: "" if v is None else v)
        self.context = context
        self.settings = settings
        self.errors: list[Finding] = []
        self._cache: dict[str, Callable[..., Any]] = {}
        self._evaluators: dict[int, Callable[[dict[str, Any]], Any]] = {}  # per template cell
        self._styles: dict[tuple[int, bool, bool], tuple[Any, ...]] = {}

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

        def chart(title: str, categories: str, values: list[str], skip_first: bool = False) -> None:
            from openpyxl.utils import column_index_from_string as idx

            block = state.get("block")
            if not block:
                return None
            first, last = block
            first += 1 if skip_first else 0
            if first > last:
                return None
            plan.charts.append(
                ChartSpec(
                    title,
                    f"{_col(state['anchor'][1])}{state['anchor'][0] + 1}",
                    (idx(categories) - 1, first, last),
                    tuple((idx(v) - 1, first, last, block[0] - 1) for v in values),
                )
            )
            return None

        return {
            "won": won,
            "tri": lambda x, digits=0, suffix="": "" if x is None else tri(x, digits, suffix),
            "rate": lambda new, base, digits=s.digits: rate_of(new, base, digits),
            "change_word": change_word,
            "f": Formula,
            "calc": calc,
            "chart": chart,
            "abs": abs,
        }

    def _compiled(self, text: str, expression: bool) -> Callable[[dict[str, Any]], Any]:
        """A callable of the variables; the two commonest shapes skip Jinja's context setup.

        ``r.name`` on a dict row and a constant ``f('…')`` are evaluated directly: a block of
        tens of thousands of rows would otherwise spend most of its time creating contexts.
        """
        key = ("E:" if expression else "T:") + text
        if key in self._cache:
            return self._cache[key]
        fn: Callable[[dict[str, Any]], Any]
        if not expression:
            render = self.env.from_string(text).render
            fn = lambda v: render(**v)  # noqa: E731
        elif m := _ATTR.match(text):
            slow = self.env.compile_expression(text, undefined_to_none=True)
            name, attr = m.groups()

            def fn(v: dict[str, Any]) -> Any:
                obj = v.get(name)
                return obj.get(attr) if isinstance(obj, dict) else slow(**v)
        elif m := _CALC.match(text):
            row_name, column, fallback = m.groups()
            fn = lambda v: calc(v.get(row_name), column, fallback)  # noqa: E731
        elif m := _CONST_FORMULA.match(text):
            formula = Formula(m.group(1))
            fn = lambda v: formula  # noqa: E731
        else:
            compiled = self.env.compile_expression(text, undefined_to_none=True)
            fn = lambda v: compiled(**v)  # noqa: E731
        self._cache[key] = fn
        return fn

    def _style(self, cell: TemplateCell, bold: bool, number: bool = False) -> tuple[Any, ...]:
        """CellWrite's style fields, in field order, for this template cell (cached)."""
        key = (id(cell), bold, number)
        found = self._styles.get(key)
        if found is None:
            style = cell.style
            number_format = style.number_format or (AMOUNT_FORMAT if number else None)
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

    def cell(
        self, template: TemplateSheet, cell: TemplateCell, out_row: int, variables: dict[str, Any]
    ) -> CellWrite | None:
        """One output cell (hot: called for every cell of every block row)."""
        row = variables.get("r")
        bold = type(row) is dict and bool(row.get("group") or row.get("수준") == 0)
        evaluate = self._evaluators.get(id(cell))
        if evaluate is None:
            value = cell.value
            if not isinstance(value, str) or ("{{" not in value and "{%" not in value):
                return CellWrite(out_row, cell.col, value, False, *self._style(cell, bold))
            m = _EXPR.match(value.strip())
            evaluate = self._compiled(m["expr"], True) if m else self._compiled(value, False)
            self._evaluators[id(cell)] = evaluate
        try:
            result = evaluate(variables)
        except (
            TemplateError,
            TypeError,
            ValueError,
            ArithmeticError,
            AttributeError,
            KeyError,
        ) as exc:
            self.errors.append(
                Finding(
                    template.name,
                    cell_ref(cell),
                    "TEMPLATE",
                    "경고",
                    f"양식 셀을 채울 수 없습니다({type(exc).__name__}: {exc}): {cell.value[:60]}",
                )
            )
            return CellWrite(out_row, cell.col, "#양식오류", False, *self._style(cell, bold))
        kind = type(result)
        if kind is Formula:
            text = result.text.replace("{row}", str(out_row + 1))
            return CellWrite(out_row, cell.col, text, True, *self._style(cell, bold))
        if result is None or (kind is float and not math.isfinite(result)):
            if cell.style.border:  # an empty cell of a table keeps its borders
                return CellWrite(out_row, cell.col, None, False, *self._style(cell, bold))
            return None
        if kind in (int, float) or (isinstance(result, (int, float)) and kind is not bool):
            return CellWrite(out_row, cell.col, result, False, *self._style(cell, bold, True))
        return CellWrite(out_row, cell.col, str(result), False, *self._style(cell, bold))

    def sheet(self, template: TemplateSheet, after: str | None) -> SheetPlan:
        plan = SheetPlan(
            template.output,
            col_widths=dict(template.col_widths),
            landscape=template.landscape,
            title_rows=template.title_rows,
            after=after,
        )
        by_row: dict[int, list[TemplateCell]] = {}
        for cell in template.cells:
            by_row.setdefault(cell.row, []).append(cell)
        state: dict[str, Any] = {"block": None}
        functions = self.functions(plan, state)
        out_row = 0
        for r in range(max(by_row, default=-1) + 1):
            cells = by_row.get(r, [])
            head = next((c for c in cells if c.col == 0 and isinstance(c.value, str)), None)
            m = _FOR.match(head.value.strip()) if head else None
            rest = [c for c in cells if c is not head] if m else cells
            if m:
                try:
                    items = list(self._compiled(m.group(2), True)(self.context) or [])
                except (TemplateError, TypeError, ValueError) as exc:
                    self.errors.append(
                        Finding(
                            template.name,
                            cell_ref(head),
                            "TEMPLATE",
                            "경고",
                            f"반복 행을 펼칠 수 없습니다: {exc}",
                        )
                    )
                    items = []
                start = out_row
                for item in items:
                    variables = {**self.context, **functions, m.group(1): item, "row": out_row + 1}
                    self._emit(plan, template, rest, out_row, variables, state)
                    out_row += 1
                state["block"] = (start, out_row - 1) if items else None
                if plan.title_rows is None:
                    plan.title_rows = (start - 1, start - 1)
            else:
                variables = {**self.context, **functions, "row": out_row + 1}
                self._emit(plan, template, rest, out_row, variables, state)
                out_row += 1
        return plan

    def _emit(
        self,
        plan: SheetPlan,
        template: TemplateSheet,
        cells: list[TemplateCell],
        out_row: int,
        variables: dict[str, Any],
        state: dict[str, Any],
    ) -> None:
        for cell in cells:
            state["anchor"] = (out_row, cell.col)
            write = self.cell(template, cell, out_row, variables)
            if write is None:
                continue
            plan.cells.append(write)
            span = cell.style.span
            if span > 1:
                plan.merges.append((out_row, cell.col, out_row, cell.col + span - 1))
            if cell.style.wrap and isinstance(write.value, str) and write.value:
                # Excel does not grow a row for wrapped text written by a program: estimate
                # the lines (a Hangul syllable is about two digit widths) and set the height.
                width = sum(plan.col_widths.get(c, 9.0) for c in range(cell.col, cell.col + span))
                lines = sum(
                    math.ceil(max(len(part), 1) * 1.9 / max(width, 1.0))
                    for part in write.value.split("\n")
                )
                if lines > 1:
                    plan.row_heights[out_row] = max(plan.row_heights.get(out_row, 0), 15.0 * lines)


def _col(col: int) -> str:
    return get_column_letter(col + 1)  # openpyxl caches the letters


def cell_ref(cell: TemplateCell) -> str:
    return f"{_col(cell.col)}{cell.row + 1}"


def build_context(
    tables: dict[str, Table],
    settings: Settings,
    findings: list[Finding],
    flagged: list[dict[str, Any]],
) -> dict[str, Any]:
    """Everything a template can refer to, by the Korean names the default templates use."""
    exec_table = tables.get("집행현황")
    exec_rows = _records(exec_table)
    context: dict[str, Any] = {
        "설정": dict(settings.values),
        "소관": settings.text("소관"),
        "회계연도": settings.text("회계연도"),
        "회차": settings.text("회차"),
        "기준일": settings.text("기준일"),
        "미집행기준": settings.threshold,
        "계약저조기준": settings.contract_threshold,
        "세입": _records(tables.get("세입")),
        "세출": _records(tables.get("세출")),
        "사업별": _records(tables.get("사업별증감")),
        "통계목": _records(tables.get("통계목증감")),
        "집행현황": exec_rows,
        "정보화사업": _records(tables.get("정보화사업")),
        "미집행": flagged,
        "미집행_행": unspent_rows(flagged, exec_table.cols if exec_table else None),
        "미집행_부서": department_rows(exec_table, flagged),
        "점검": [f._asdict() for f in findings],
    }
    context["세입_합계"] = _total(context["세입"])
    context["세출_총계"] = _total(context["세출"])
    context["문장"] = sentences(tables, settings, findings, flagged, exec_rows)
    return context
