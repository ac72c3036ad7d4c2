"""Live-workbook adapter: the same BookData in and Plan out, through xlwings.

Values go to Excel in bulk, one 2-D write per generated sheet (each cell-by-cell call would
cross into Excel).  Text that starts like a formula is written with a leading apostrophe, so
Excel keeps it as text.  Conditional formats, borders, column widths and charts need Excel's
object model (``.api``, Windows); where the engine lacks one (xlwings' remote engine, used in
tests on Linux), that part is skipped and reported in ``ApplyReport.skipped``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import range_boundaries

from ..review.model import RULE_MARKER, BookData, ChartSpec, Plan, SheetPlan, TableRef
from ..review.templates import template_from_cells
from ..schema import TEMPLATE_PREFIX

FORMULA_STARTS = ("=", "+", "-", "@")
XL_EXPRESSION = 2  # XlFormatConditionType.xlExpression


@dataclass
class ApplyReport:
    skipped: list[str] = field(default_factory=list)


def _grid(sheet: Any) -> list[list[Any]]:
    used = sheet.used_range
    last = used.last_cell
    values = sheet.range((1, 1), (last.row, last.column)).options(ndim=2).value
    return [list(row) for row in (values or [])]


def read_book(book: Any) -> BookData:
    """BookData of an open xlwings Book (values from A1, tables by their ranges)."""
    sheets: dict[str, list[list[Any]]] = {}
    tables: list[TableRef] = []
    for sheet in book.sheets:
        sheets[sheet.name] = _grid(sheet)
        for table in sheet.tables:
            min_col, min_row, max_col, max_row = range_boundaries(
                table.range.address.replace("$", "")
            )
            tables.append(
                TableRef(table.name, sheet.name, min_row - 1, min_col - 1, max_row - 1, max_col - 1)
            )
    templates = []
    for name, rows in sheets.items():
        if name.startswith(TEMPLATE_PREFIX):
            cells = {
                (r, c): (v, None)
                for r, row in enumerate(rows)
                for c, v in enumerate(row)
                if v not in (None, "")
            }
            templates.append(template_from_cells(name, cells))
    return BookData(sheets, tables, getattr(book, "name", ""), templates)


def _cell_value(value: Any, formula: bool) -> Any:
    if isinstance(value, str) and not formula and value.startswith(FORMULA_STARTS):
        return "'" + value  # Excel's own way of saying "this is text"
    return value


def _write_sheet(book: Any, sheet: SheetPlan, report: ApplyReport) -> None:
    names = [s.name for s in book.sheets]
    if sheet.name in names:
        book.sheets[sheet.name].delete()
        names.remove(sheet.name)
    after = book.sheets[sheet.after] if sheet.after in names else book.sheets[-1]
    ws = book.sheets.add(sheet.name, after=after)
    if not sheet.cells:
        return
    height = max(c.row for c in sheet.cells) + 1
    width = max(c.col for c in sheet.cells) + 1
    grid: list[list[Any]] = [[None] * width for _ in range(height)]
    formats: dict[str, list[tuple[int, int]]] = defaultdict(list)
    bold: list[tuple[int, int]] = []
    for cell in sheet.cells:
        grid[cell.row][cell.col] = _cell_value(cell.value, cell.formula)
        if cell.number_format:
            formats[cell.number_format].append((cell.row, cell.col))
        if cell.bold:
            bold.append((cell.row, cell.col))
    ws.range("A1").value = grid
    for number_format, cells in formats.items():
        for ref in _runs(cells):
            ws.range(ref).number_format = number_format
    try:
        for ref in _runs(bold):
            ws.range(ref).font.bold = True
        for col, w in sheet.col_widths.items():
            ws.range(f"{get_column_letter(col + 1)}:{get_column_letter(col + 1)}").column_width = w
    except (NotImplementedError, AttributeError) as exc:
        report.skipped.append(f"{sheet.name}: 글꼴·열 너비 ({exc})")
    for spec in sheet.charts:
        try:
            _add_chart(ws, spec)
        except (NotImplementedError, AttributeError) as exc:
            report.skipped.append(f"{sheet.name}: 차트 '{spec.title}' ({exc})")


def _add_chart(ws: Any, spec: ChartSpec) -> None:
    """A clustered bar chart at the spec's anchor over its category and value columns."""
    cat_col, first, last = spec.categories
    title_row = spec.series[0][3] if spec.series else first - 1
    areas = [
        f"{get_column_letter(c + 1)}{title_row + 1}:{get_column_letter(c + 1)}{last + 1}"
        for c in (cat_col, *(col for col, *_ in spec.series))
    ]
    anchor = ws.range(spec.anchor)
    chart = ws.charts.add(left=anchor.left, top=anchor.top, width=520, height=260)
    chart.set_source_data(ws.range(",".join(areas)))
    chart.chart_type = "bar_clustered" if spec.horizontal else "column_clustered"
    chart.api[1].HasTitle = True
    chart.api[1].ChartTitle.Text = spec.title


def _runs(cells: list[tuple[int, int]]) -> list[str]:
    """A1 ranges covering ``cells``: vertical runs of consecutive rows per column."""
    by_col: dict[int, list[int]] = defaultdict(list)
    for row, col in cells:
        by_col[col].append(row)
    out = []
    for col, rows in by_col.items():
        rows.sort()
        start = prev = rows[0]
        for row in [*rows[1:], None]:
            if row is not None and row == prev + 1:
                prev = row
                continue
            letter = get_column_letter(col + 1)
            out.append(f"{letter}{start + 1}:{letter}{prev + 1}")
            if row is not None:
                start = prev = row
    return out


def _apply_rules(book: Any, plan: Plan, report: ApplyReport) -> None:
    """Replace xlbudget's conditional formats through Excel's object model (Windows)."""
    if not plan.rules:
        return
    try:
        for name in plan.rule_sheets:
            conditions = book.sheets[name].api.Cells.FormatConditions
            for i in range(conditions.Count, 0, -1):
                condition = conditions.Item(i)
                if RULE_MARKER in str(getattr(condition, "Formula1", "")):
                    condition.Delete()
        for rule in plan.rules:
            target = book.sheets[rule.sheet].api.Range(rule.ref)
            condition = target.FormatConditions.Add(Type=XL_EXPRESSION, Formula1="=" + rule.formula)
            r, g, b = (int(rule.fill[i : i + 2], 16) for i in (0, 2, 4))
            condition.Interior.Color = r + g * 256 + b * 65536  # Excel's BGR integer
            condition.StopIfTrue = rule.stop
    except (NotImplementedError, AttributeError) as exc:
        report.skipped.append(f"조건부 서식 {len(plan.rules)}개: 이 엔진에서는 쓸 수 없음 ({exc})")


def _define_names(book: Any, names: dict[str, str], report: ApplyReport) -> None:
    try:
        existing = {n.name for n in book.names}
        for name, target in names.items():
            if name not in existing:
                book.names.add(name, "=" + target)
    except (NotImplementedError, AttributeError) as exc:
        report.skipped.append(f"이름 정의: 이 엔진에서는 쓸 수 없음 ({exc})")


def apply_plan(plan: Plan, book: Any) -> ApplyReport:
    report = ApplyReport()
    for sheet in plan.sheets:
        _write_sheet(book, sheet, report)
    _define_names(book, plan.names, report)
    _apply_rules(book, plan, report)
    return report
