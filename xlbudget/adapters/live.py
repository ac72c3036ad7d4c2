"""Live-workbook adapter: the same contract as the file adapter, through xlwings.

Values go to Excel in bulk, one 2-D write per generated sheet (each cell-by-cell call would
cross into Excel).  Every text that is not a template formula is written with a leading
apostrophe: ``Range.value`` re-parses strings as if typed, so "=…" would become a formula,
"12-3" or "1/4" a date, "007" the number 7, and a leading "'" would be eaten; with the
apostrophe Excel stores the text as is (the apostrophe is not part of the value).
Number formats, bold, fills, wrapping, merges, row heights and column widths go through
xlwings' own Range API, which every engine has (the remote engine measures column widths in
points, Excel in characters: converted).  Conditional formats and charts need Excel's object
model (``.api``, desktop Excel); where the engine lacks it (xlwings' remote engine, used in
tests on Linux), that part is skipped and reported in ``ApplyReport.skipped``, and the
ribbon's message box lists it.  Borders are not drawn by this adapter.  New sheets go where
:func:`xlbudget.core.plan.insertion_index` says, as in the file writer; a review sheet that
exists is replaced where it stands.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from typing import Any

from ..core.model import BookData, TableRef
from ..core.plan import RULE_MARKER, ApplyReport, ChartSpec, Plan, SheetPlan, insertion_index
from ..core.refs import a1, col_letter, parse_range
from ..core.report.templates import Style, TemplateSheet, default_templates, template_from_grid
from ..core.schema import TEMPLATE_PREFIX

XL_EXPRESSION = 2  # XlFormatConditionType.xlExpression
XL_A1, XL_R1C1 = 1, -4150  # XlReferenceStyle
XL_PORTRAIT, XL_LANDSCAPE = 1, 2  # XlPageOrientation
#: Why a part was skipped, for the user: the engine lacks it, Excel on the desktop has it.
NEEDS_EXCEL = "이 환경에서는 만들 수 없습니다(Windows용 Excel에서 실행하면 만들어짐)"


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
            first_row, first_col, last_row, last_col = parse_range(table.range.address)
            tables.append(
                TableRef(table.name, sheet.name, first_row, first_col, last_row, last_col)
            )
    templates = []
    for name, rows in sheets.items():
        if name.startswith(TEMPLATE_PREFIX):
            templates.append(_styled(book.sheets[name], template_from_grid(name, rows)))
    return BookData(sheets, tables, getattr(book, "name", ""), templates)


def _styled(sheet: Any, template: TemplateSheet) -> TemplateSheet:
    """A template read as values, with the styles its output cells should get.

    Values come in bulk, formats do not: the remote engine cannot read them at all, and on
    Windows each is one call into Excel.  So every cell first takes the style of the default
    template's cell with the same text (at the same place, else anywhere in that template:
    a row inserted above does not lose the formats), and the sheet its column widths and
    orientation; then, where the engine can, Excel's own number format and bold override it,
    so a format the user changed in the 양식_ sheet wins.
    """
    default = next((t for t in default_templates() if t.name == template.name), None)
    if default is not None:
        at = {(c.row, c.col, c.value): c.style for c in default.cells}
        by_text: dict[Any, Style] = {}
        for c in default.cells:
            by_text.setdefault(c.value, c.style)
        template.cells = [
            replace(c, style=at.get((c.row, c.col, c.value)) or by_text.get(c.value) or c.style)
            for c in template.cells
        ]
        template.col_widths = template.col_widths or dict(default.col_widths)
        template.landscape = default.landscape
        template.title_rows = default.title_rows
    try:
        cells = []
        for c in template.cells:
            target = sheet.range((c.row + 1, c.col + 1))
            fmt = target.number_format
            number_format = None if fmt in (None, "General", "G/표준") else fmt
            cells.append(
                replace(
                    c,
                    style=replace(
                        c.style,
                        number_format=number_format or c.style.number_format,
                        bold=bool(target.font.bold) or c.style.bold,
                    ),
                )
            )
        template.cells = cells
    except (NotImplementedError, AttributeError, TypeError):
        pass  # an engine without format reads (remote): the defaults above stand
    return template


def _cell_value(value: Any, formula: bool) -> Any:
    """The value to send: text gets Excel's own "this is text" prefix, so it is not re-parsed."""
    if isinstance(value, str) and not formula and value:
        return "'" + value
    return value


def _is_remote(book: Any) -> bool:
    try:
        return book.app.engine.name == "remote"
    except AttributeError:
        return False


def _width(width: float, points: bool) -> float:
    """A column width in characters (Excel's unit, the plan's) or in points (Office Scripts)."""
    return round((width * 7 + 5) * 0.75, 2) if points else width


def _write_sheet(book: Any, sheet: SheetPlan, review_order: list[str], report: ApplyReport) -> None:
    names = [s.name for s in book.sheets]
    if sheet.name in names:
        index = names.index(sheet.name)
        book.sheets[sheet.name].delete()
        names.remove(sheet.name)
    else:
        index = insertion_index(names, sheet.name, review_order)
    # after= the sheet before it rather than before=: the remote engine (xlwings 0.37.8)
    # inserts one place too early with before= on any sheet but the first
    if index == 0:
        ws = book.sheets.add(sheet.name, before=book.sheets[0])
    else:
        ws = book.sheets.add(sheet.name, after=book.sheets[index - 1])
    if not sheet.cells:
        return
    height = max(c.row for c in sheet.cells) + 1
    width = max(c.col for c in sheet.cells) + 1
    grid: list[list[Any]] = [[None] * width for _ in range(height)]
    formats: dict[str, list[tuple[int, int]]] = defaultdict(list)
    fills: dict[str, list[tuple[int, int]]] = defaultdict(list)
    bold: list[tuple[int, int]] = []
    wrap: list[tuple[int, int]] = []
    for cell in sheet.cells:
        grid[cell.row][cell.col] = _cell_value(cell.value, cell.formula)
        if cell.number_format:
            formats[cell.number_format].append((cell.row, cell.col))
        if cell.bold:
            bold.append((cell.row, cell.col))
        if cell.wrap:
            wrap.append((cell.row, cell.col))
        if cell.fill:
            fills[cell.fill].append((cell.row, cell.col))
    ws.range("A1").value = grid
    for number_format, cells in formats.items():
        for ref in _runs(cells):
            ws.range(ref).number_format = number_format
    points = _is_remote(book)
    try:
        for ref in _runs(bold):
            ws.range(ref).font.bold = True
        for col, w in sheet.col_widths.items():
            letter = col_letter(col)
            ws.range(f"{letter}:{letter}").column_width = _width(w, points)
    except (NotImplementedError, AttributeError):
        report.skipped.append(f"{sheet.name}: 굵은 글꼴·열 너비 — {NEEDS_EXCEL}")
    try:
        for color, cells in fills.items():
            for ref in _runs(cells):
                ws.range(ref).color = f"#{color[-6:]}"
        for ref in _runs(wrap):
            ws.range(ref).wrap_text = True
        for r1, c1, r2, c2 in sheet.merges:
            ws.range((r1 + 1, c1 + 1), (r2 + 1, c2 + 1)).merge()
        for row, height in sheet.row_heights.items():
            ws.range(f"{row + 1}:{row + 1}").row_height = height
    except (NotImplementedError, AttributeError):
        report.skipped.append(f"{sheet.name}: 채우기·줄 바꿈·셀 병합·행 높이 — {NEEDS_EXCEL}")
    try:
        _page_setup(ws, sheet)
    except (NotImplementedError, AttributeError):
        report.skipped.append(
            f"{sheet.name}: 인쇄 설정(방향·반복 행·바닥글·쪽 나눔) — {NEEDS_EXCEL}"
        )
    for spec in sheet.charts:
        try:
            _add_chart(ws, spec)
        except (NotImplementedError, AttributeError):
            report.skipped.append(f"{sheet.name}: 차트 '{spec.title}' — {NEEDS_EXCEL}")


def _page_setup(ws: Any, sheet: SheetPlan) -> None:
    """Orientation, one page wide, the repeated header, the footer and the page breaks, as
    the file adapter writes them."""
    setup = ws.api.PageSetup
    setup.Orientation = XL_LANDSCAPE if sheet.landscape else XL_PORTRAIT
    setup.Zoom = False
    setup.FitToPagesWide = 1
    setup.FitToPagesTall = False
    if sheet.title_rows and sheet.title_rows[0] >= 0:
        setup.PrintTitleRows = f"${sheet.title_rows[0] + 1}:${sheet.title_rows[1] + 1}"
    left, right = (text.replace("&", "&&") for text in sheet.footer)
    setup.LeftFooter, setup.CenterFooter, setup.RightFooter = left, "&P / &N", right
    for row in sheet.breaks:
        ws.api.HPageBreaks.Add(Before=ws.api.Rows(row + 1))


def _add_chart(ws: Any, spec: ChartSpec) -> None:
    """A clustered bar chart at the spec's anchor over its category and value columns."""
    cat_col, first, last = spec.categories
    title_row = spec.series[0][3] if spec.series else first - 1
    areas = [
        f"{col_letter(c)}{title_row + 1}:{col_letter(c)}{last + 1}"
        for c in (cat_col, *(col for col, *_ in spec.series))
    ]
    anchor = ws.range(a1(*spec.anchor))
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
            letter = col_letter(col)
            out.append(f"{letter}{start + 1}:{letter}{prev + 1}")
            if row is not None:
                start = prev = row
    return out


def _relative_to_active_cell(app: Any, formula: str, target: Any) -> str:
    """``formula`` (relative to ``target``'s top-left) rewritten relative to the active cell.

    Through COM, ``FormatConditions.Add`` reads relative references (``$D5``) relative to the
    active cell, not to the range (Microsoft KB 895562): a rule for D5 added while Z100 is
    selected would test row 100.  So the formula goes to R1C1 relative to the top-left and
    back to A1 relative to the active cell; Excel then maps it onto the right rows.
    ``ToAbsolute`` is left out: the ``$`` of each reference stays as it is.
    """
    try:
        active = app.ActiveCell
    except Exception:  # COM raises when no window/sheet has a cell cursor
        active = None
    if active is None:
        raise ValueError(
            "조건부 서식을 넣으려면 먼저 워크시트의 셀 하나를 선택한 뒤 다시 누르십시오 "
            "(no active cell: a chart sheet or no window is active)."
        )
    r1c1 = app.ConvertFormula(
        Formula="=" + formula,
        FromReferenceStyle=XL_A1,
        ToReferenceStyle=XL_R1C1,
        RelativeTo=target.Cells(1, 1),
    )
    a1 = (
        app.ConvertFormula(
            Formula=r1c1, FromReferenceStyle=XL_R1C1, ToReferenceStyle=XL_A1, RelativeTo=active
        )
        if isinstance(r1c1, str)
        else None
    )
    if not isinstance(a1, str):  # Excel returns an error code (e.g. over 255 characters)
        raise ValueError(f"조건부 서식 수식을 변환하지 못했습니다: ={formula}")
    return a1


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
            target = book.sheets[rule.sheet].api.Range(rule.ref.replace(" ", ","))  # a union
            formula = _relative_to_active_cell(book.app.api, rule.formula, target)
            condition = target.FormatConditions.Add(Type=XL_EXPRESSION, Formula1=formula)
            r, g, b = (int(rule.fill[i : i + 2], 16) for i in (0, 2, 4))
            condition.Interior.Color = r + g * 256 + b * 65536  # Excel's BGR integer
            condition.StopIfTrue = rule.stop
    except (NotImplementedError, AttributeError):
        sheets = ", ".join(sorted(plan.rule_sheets))
        report.skipped.append(f"{sheets}: 조건부 서식 {len(plan.rules)}개 — {NEEDS_EXCEL}")


def _define_names(book: Any, names: dict[str, str], report: ApplyReport) -> None:
    """Define each book-level name, or point an existing one at the new target (as the file
    adapters replace it): a 설정 table that moved must not leave the rules on its old cell."""
    try:
        existing = {n.name: n for n in book.names}
        for name, target in names.items():
            if name not in existing:
                book.names.add(name, "=" + target)
            elif existing[name].refers_to != "=" + target:
                existing[name].refers_to = "=" + target
    except (NotImplementedError, AttributeError):
        report.skipped.append(f"이름 정의 {', '.join(names)} — {NEEDS_EXCEL}")


def apply_plan(plan: Plan, book: Any) -> ApplyReport:
    report = ApplyReport(output=getattr(book, "name", None))
    for sheet in plan.sheets:
        _write_sheet(book, sheet, plan.review_order, report)
    _define_names(book, plan.names, report)
    _apply_rules(book, plan, report)
    return report


class LiveBook:
    """The workbook open in Excel (an xlwings Book), keeping the adapter contract."""

    def __init__(self, book: Any) -> None:
        self.book = book

    def read_book(self) -> BookData:
        return read_book(self.book)

    def apply_plan(self, plan: Plan) -> ApplyReport:
        return apply_plan(plan, self.book)
