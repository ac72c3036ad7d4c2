"""The bundled workbook's data sheets: the seed tables as Excel Tables, 설정, xlwings.conf.

Each input sheet holds one named Excel Table (``schema.TABLES[k].table``) with the report's
figures exactly as printed, errors included: the workbook is the document under review, so
the builder never recomputes or corrects a submitted number.  Layout: caption in row 1,
unit line in row 2, table header in row 4 (readers find tables by name and headers, so the
position is a convention, not a contract).
"""

from __future__ import annotations

import datetime as dt
import math
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any

import pandas as pd
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.table import Table, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from ..core import schema, seed
from ..core.numformat import AMOUNT_FORMAT, RATE_FORMAT, RATE_PCT_FORMAT
from ..core.report.templates import Style, TemplateSheet
from ..core.settings import NAMED, SETTING, SETTINGS, percent_formula

CAPTION_ROW, UNIT_ROW, HEADER_ROW = 1, 2, 4
FIRST_DATA_ROW = HEADER_ROW + 1
#: Rates of 세입 print without a percent sign in the report; the other tables print "%".
PLAIN_RATE_TABLES = frozenset({"세입"})
TABLE_STYLE = "TableStyleMedium2"
DATE_FORMAT = "yyyy-mm-dd"
_WRAP_COLUMNS = frozenset({"산출내역", "증감사유"})
_MAX_WIDTH, _WRAP_WIDTH = 48, 42
_FORMULA_START = ("=", "+", "-", "@")

#: xlwings.conf sheet: the keys xlwings' standalone VBA module reads (GetConfig upper-cases
#: both sides), in the order of xlwings' own quickstart_standalone.xlsm, plus our UDF module.
XLWINGS_CONF: tuple[tuple[str, Any], ...] = (
    ("Interpreter_Win", "python"),
    ("Interpreter_Mac", None),
    ("PYTHONPATH", None),
    ("Conda Path", None),
    ("Conda Env", None),
    ("UDF Modules", "xlbudget.udfs"),
    ("Debug UDFs", False),
    ("Use UDF Server", True),  # a click reuses the running Python (see README)
    ("Show Console", False),
)
XLWINGS_CONF_NOTE = (
    "xlwings 설정: A열 키, B열 값(A1부터 빈 줄 없이). Python이 PATH에 없으면 Interpreter_Win에 "
    "python.exe의 전체 경로를 적으세요(예: C:\\Users\\이름\\AppData\\Local\\Programs\\Python\\"
    "Python311\\python.exe). 줄을 지우면 %USERPROFILE%\\.xlwings\\xlwings.conf 의 값을 씁니다."
)


@dataclass(frozen=True)
class TableLayout:
    """Where a written table landed (1-based rows/columns), for formulas that point into it."""

    sheet: str
    table: str
    columns: tuple[str, ...]
    first_row: int  # first data row
    last_row: int

    def cell(self, column: str, data_index: int) -> str:
        """Absolute-free A1 address of ``column`` in the ``data_index``-th data row (0-based)."""
        col = get_column_letter(self.columns.index(column) + 1)
        return f"{col}{self.first_row + data_index}"

    def ref(self, column: str, data_index: int) -> str:
        """Sheet-qualified address, e.g. ``'세입'!F5``."""
        return f"{quote_sheetname(self.sheet)}!{self.cell(column, data_index)}"


def unit_line(spec: schema.TableSpec) -> str:
    """The unit line printed above a table: "(단위 : 백만원, %)" / "(단위 : 천원)"."""
    return schema.unit_caption(spec.unit, bool(spec.rates)) if spec.unit else ""


def text_width(text: str) -> int:
    """Display width in Excel character units: Hangul and other wide characters count 2."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def cell_value(value: Any) -> Any:
    """A seed value as a cell value: NaN/"" → empty, integral floats → int, text kept."""
    if value is None:
        return None
    if isinstance(value, float):
        if math.isnan(value):
            return None
        return int(value) if value.is_integer() else value
    if isinstance(value, str):
        return value if value != "" else None
    if hasattr(value, "item"):  # numpy scalar
        return cell_value(value.item())
    return value


def put(ws: Worksheet, row: int, column: int, value: Any) -> Any:
    """Write a value; text that looks like a formula stays text (never evaluated)."""
    cell = ws.cell(row=row, column=column)
    cell.value = value
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        cell.data_type = "s"
    return cell


def _number_format(spec: schema.TableSpec, column: str) -> str | None:
    if column in spec.rates:
        return RATE_FORMAT if spec.key in PLAIN_RATE_TABLES else RATE_PCT_FORMAT
    if column in spec.numeric:
        return AMOUNT_FORMAT
    return None


def _display(value: Any, fmt: str | None) -> str:
    if value is None:
        return ""
    if isinstance(value, (int, float)) and fmt:
        digits = 1 if fmt in (RATE_FORMAT, RATE_PCT_FORMAT) else 0
        sign = "△" if value < 0 else ""
        return f"{sign}{abs(value):,.{digits}f}" + ("%" if fmt == RATE_PCT_FORMAT else "")
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value)


def write_table(
    ws: Worksheet,
    spec: schema.TableSpec,
    frame: pd.DataFrame,
    *,
    note: str | None = None,
) -> TableLayout:
    """Write caption, unit line, header and rows of ``frame`` as the Excel Table ``spec.table``.

    ``frame`` must have exactly ``spec.columns``.  Widths, wrapping, frozen header and A4
    print setup are set here so every input sheet prints the same way.
    """
    columns = list(spec.columns)
    if list(frame.columns) != columns:
        raise ValueError(f"{spec.key}: columns {list(frame.columns)} != schema {columns}")
    put(ws, CAPTION_ROW, 1, spec.title).font = Font(bold=True, size=12)
    line = unit_line(spec) or note
    if line:
        put(ws, UNIT_ROW, 1, line)
    widths = [text_width(c) + 4 for c in columns]  # header plus the filter button
    for j, column in enumerate(columns, start=1):
        cell = put(ws, HEADER_ROW, j, column)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    formats = [_number_format(spec, c) for c in columns]
    for i, values in enumerate(frame.itertuples(index=False, name=None)):
        row = FIRST_DATA_ROW + i
        for j, (raw, fmt) in enumerate(zip(values, formats, strict=True), start=1):
            value = cell_value(raw)
            cell = put(ws, row, j, value)
            if fmt:
                cell.number_format = fmt
            elif isinstance(value, (dt.date, dt.datetime)):
                cell.number_format = DATE_FORMAT
            if columns[j - 1] in _WRAP_COLUMNS:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            text = _display(value, fmt)
            longest = max((text_width(t) for t in text.split("\n")), default=0)
            widths[j - 1] = max(widths[j - 1], longest + 2)
    last_row = FIRST_DATA_ROW + max(len(frame), 1) - 1
    last_col = get_column_letter(len(columns))
    table = Table(displayName=spec.table, ref=f"A{HEADER_ROW}:{last_col}{last_row}")
    table.tableStyleInfo = TableStyleInfo(name=TABLE_STYLE, showRowStripes=True)
    ws.add_table(table)
    for j, (column, width) in enumerate(zip(columns, widths, strict=True), start=1):
        limit = _WRAP_WIDTH if column in _WRAP_COLUMNS else _MAX_WIDTH
        ws.column_dimensions[get_column_letter(j)].width = min(width, limit)
    ws.freeze_panes = f"A{FIRST_DATA_ROW}"
    setup_print(ws, f"A1:{last_col}{last_row}", landscape=len(columns) > 6)
    return TableLayout(ws.title, spec.table, tuple(columns), FIRST_DATA_ROW, last_row)


def setup_print(ws: Worksheet, area: str, landscape: bool) -> None:
    """A4, fit to one page wide, header row repeated on every page."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.print_area = area
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"


def write_input_sheets(wb: Workbook, empty: bool = False) -> dict[str, TableLayout]:
    """One sheet per input table (schema order), each created at the end of ``wb``: the
    seed's rows, or none (a workbook of the officer's own, see ``xlbudget new``)."""
    layouts = {}
    for key in schema.INPUT_TABLES:
        spec = schema.TABLES[key]
        ws = wb.create_sheet(spec.sheet)
        frame = pd.DataFrame(columns=list(spec.columns)) if empty else seed.load(key)
        layouts[key] = write_table(ws, spec, frame)
    return layouts


def setting_value(key: str, text: str) -> Any:
    """A 설정 value typed for Excel: ISO dates → date, integers/decimals → numbers."""
    text = text.strip()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        pass
    try:
        number = float(text)
    except ValueError:
        return text
    if not math.isfinite(number):
        return text
    return int(number) if number.is_integer() and "." not in text else number


def write_settings_sheet(wb: Workbook, values: Mapping[str, str] | None = None) -> TableLayout:
    """설정 with tbl_settings and the workbook-level names pointing at its 값 cells: the
    seed's values, or (``values`` given) those and else each setting's default."""
    spec = schema.TABLES["설정"]
    ws = wb.create_sheet(spec.sheet)
    frame = seed.load("설정")
    if values is not None:
        frame = pd.DataFrame(
            {
                "항목": [s.key for s in SETTINGS],
                "값": [_default_text(values.get(s.key, s.default)) for s in SETTINGS],
            }
        )
    typed = frame.copy().astype(object)
    typed["값"] = [setting_value(k, v) for k, v in zip(frame["항목"], frame["값"], strict=True)]
    typed["설명"] = [SETTING[key].description for key in frame["항목"]]  # one place: the registry
    layout = write_table(ws, spec, typed, note="값을 바꾸면 검토서 작성·미집행 표시에 반영됩니다.")
    items = list(frame["항목"])
    for setting in NAMED:
        address = layout.cell("값", items.index(setting.key))
        col, row = address.rstrip("0123456789"), address[len(address.rstrip("0123456789")) :]
        body = percent_formula(f"{quote_sheetname(ws.title)}!${col}${row}", setting.default)
        wb.defined_names[setting.name] = DefinedName(setting.name, attr_text=body)
    return layout


def _default_text(value: Any) -> str:
    if value is True:
        return "예"
    if value is False:
        return "아니오"
    return str(value)


def write_rules_sheets(wb: Workbook) -> None:
    """The officer's rule tables (검토주제), with the rules xlbudget ships."""
    for key in schema.RULE_TABLES:
        spec = schema.TABLES[key]
        path = resources.files("xlbudget") / "data" / "rules" / f"{key}.csv"
        with path.open("r", encoding="utf-8") as fh:
            frame = pd.read_csv(fh, dtype=str, keep_default_na=False)
        write_table(
            wb.create_sheet(spec.sheet),
            spec,
            frame[list(spec.columns)],
            note="검토의견의 주제: 찾을 열의 낱말(쉼표로 여럿)과 조건(감액·전액감액·증액)으로 "
            "통계목증감의 변경을 나눕니다. 제목·문단의 {사업} {통계목} {감액} {부서별} {건수} "
            "{합계} {증감사유} {소관}은 자료로 채워집니다.",
        )


def write_xlwings_conf(wb: Workbook) -> Worksheet:
    """The ``xlwings.conf`` sheet (xlwings convention: key in A, value in B, from A1, no header)."""
    ws = wb.create_sheet(schema.XLWINGS_CONF_SHEET)
    for i, (key, value) in enumerate(XLWINGS_CONF, start=1):
        put(ws, i, 1, key)
        put(ws, i, 2, value)
    put(ws, 1, 4, XLWINGS_CONF_NOTE).alignment = Alignment(wrap_text=True, vertical="top")
    ws.column_dimensions["A"].width = 18
    ws.column_dimensions["B"].width = 40
    ws.column_dimensions["D"].width = 60
    return ws


_THIN = Side(style="thin", color="808080")


def apply_style(cell: Any, style: Style) -> None:
    """Font, fill, alignment, border and number format of a template Style."""
    cell.font = Font(name="맑은 고딕", bold=style.bold, size=style.font_size or 10)
    cell.alignment = Alignment(horizontal=style.align, vertical="center", wrap_text=style.wrap)
    if style.fill:
        cell.fill = PatternFill("solid", fgColor=style.fill)
    if style.border:
        cell.border = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
    if style.number_format:
        cell.number_format = style.number_format


def write_template(ws: Worksheet, template: TemplateSheet) -> None:
    """Write a template into an openpyxl worksheet (used by the workbook builder)."""
    for cell in template.cells:
        target = ws.cell(row=cell.row + 1, column=cell.col + 1)
        if isinstance(cell.value, str):
            put(ws, cell.row + 1, cell.col + 1, cell.value)
        else:
            target.value = cell.value
        apply_style(target, cell.style)
    for cell in template.cells:  # merge last: a merged range's other cells become read-only
        if cell.style.span > 1 or cell.style.down > 1:
            ws.merge_cells(
                start_row=cell.row + 1,
                start_column=cell.col + 1,
                end_row=cell.row + cell.style.down,
                end_column=cell.col + cell.style.span,
            )
    for col, width in template.col_widths.items():
        ws.column_dimensions[get_column_letter(col + 1)].width = width
    ws.page_setup.orientation = "landscape" if template.landscape else "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
