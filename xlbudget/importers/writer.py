"""Write an imported table into a workbook: replace a table's rows, keep everything else.

The table is found by its Excel Table name (schema), else by an Excel Table or a plain range
whose header row holds the table's columns (aliases allowed, spaces ignored): users rename
tables and paste plain ranges, never rely on fixed addresses.  New rows take the style and
number format of the table's first data row; a column whose first data row holds a formula
(a calculated column such as 지출잔액) keeps that formula unless the source gave the value.
The Excel Table's ``ref``, its autofilter, and the conditional formats and data validations
that covered the old rows are stretched to the new rows.  Rows left over below are cleared.

Rows are never inserted or deleted: openpyxl's ``insert_rows``/``delete_rows`` move cells but
not the formulas, merged cells, names, charts and conditional formats that point at them, so
a table that must grow over content below it is refused, naming the first such cell.

Text from data is always a string cell: a 세부사업 named "=HYPERLINK(…)" stays text.

The target is vetted and checked for parts openpyxl would drop before it is loaded, and saved
with ``xlbudget.adapters.openpyxl_io`` (atomic; ribbon and VBA wiring restored).
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from copy import copy
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.formatting.formatting import ConditionalFormattingList
from openpyxl.formula.translate import Translator
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import CellRange, MultiCellRange
from openpyxl.worksheet.table import Table
from openpyxl.worksheet.worksheet import Worksheet

from ..adapters import openpyxl_io
from ..core.money import ParseError, parse_amount
from ..review.read import InputError
from ..schema import TABLES, TableSpec, normalize_header
from .convert import tidy
from .model import ImportInputError

#: 설정's 미집행기준 when the workbook has none (the review's default too).
DEFAULT_THRESHOLD = Decimal(70)

Progress = Callable[[str], None]


def _quiet(_: str) -> None:
    return None


@dataclass
class TableLocation:
    """Where a table sits: header row, columns (1-based), data rows, and its Excel Table."""

    ws: Worksheet
    table: Table | None
    header_row: int
    first_col: int
    last_col: int
    last_row: int  # last data row (== header_row when the table has no data rows)
    columns: dict[str, int]  # canonical column → sheet column number
    totals_rows: int = 0

    @property
    def first_row(self) -> int:
        return self.header_row + 1

    def describe(self) -> str:
        name = f"표 '{self.table.displayName}'" if self.table is not None else "범위"
        return (
            f"시트 '{self.ws.title}' {name} "
            f"{get_column_letter(self.first_col)}{self.header_row}:"
            f"{get_column_letter(self.last_col)}{self.last_row}"
        )


def load_target(path: Path) -> Workbook:
    """The workbook to import into, keeping its VBA project (.xlsm).

    Refused before openpyxl parses a byte when it is hostile or damaged (zip bomb, DTD, huge
    sheet) or holds parts openpyxl would silently drop on saving (customXml, shapes,
    slicers, form controls, threaded comments …): ``openpyxl_io.preflight`` says which.
    """
    try:
        return openpyxl_io.load_for_writing(Path(path))
    except InputError as exc:
        raise ImportInputError(str(exc)) from None


def _canonical(spec: TableSpec) -> dict[str, str]:
    names = {normalize_header(c): c for c in spec.columns}
    for col, aliases in spec.aliases.items():
        for alias in aliases:
            names.setdefault(normalize_header(alias), col)
    return names


def _header_map(ws: Worksheet, row: int, first: int, last: int, spec: TableSpec) -> dict[str, int]:
    names = _canonical(spec)
    found: dict[str, int] = {}
    for col in range(first, last + 1):
        key = names.get(normalize_header(ws.cell(row, col).value))
        if key and key not in found:
            found[key] = col
    return found


def _has_required(found: dict[str, int], spec: TableSpec) -> bool:
    return all(c in found for c in spec.required)


def _from_table(ws: Worksheet, table: Table, spec: TableSpec) -> TableLocation | None:
    rng = CellRange(table.ref)
    header_rows = table.headerRowCount if table.headerRowCount is not None else 1
    if header_rows != 1:
        return None
    found = _header_map(ws, rng.min_row, rng.min_col, rng.max_col, spec)
    if not _has_required(found, spec):
        return None
    totals = table.totalsRowCount or 0
    return TableLocation(
        ws, table, rng.min_row, rng.min_col, rng.max_col, rng.max_row - totals, found, totals
    )


def find_table(wb: Workbook, spec: TableSpec) -> TableLocation:
    """The table of ``spec`` in ``wb``: by Excel Table name, then by header texts."""
    sheets = sorted(wb.worksheets, key=lambda ws: ws.title != spec.sheet)
    for ws in sheets:
        for table in ws.tables.values():
            if table.displayName.lower() == spec.table.lower():
                loc = _from_table(ws, table, spec)
                if loc is None:
                    raise ImportInputError(
                        f"시트 '{ws.title}' 표 '{table.displayName}'({table.ref})의 머리글에 "
                        f"필요한 열이 없습니다: {', '.join(spec.required)}"
                    )
                return loc
    for ws in sheets:
        for table in ws.tables.values():
            loc = _from_table(ws, table, spec)
            if loc is not None:
                return loc
    for ws in sheets:
        for row in ws.iter_rows(min_row=1, max_row=min(ws.max_row, 50)):
            cells = [c for c in row if c.value is not None]
            if not cells:
                continue
            first, last = cells[0].column, cells[-1].column
            found = _header_map(ws, cells[0].row, first, last, spec)
            if _has_required(found, spec):
                first, last = min(found.values()), max(found.values())
                end = cells[0].row
                while any(
                    ws.cell(end + 1, c).value not in (None, "") for c in range(first, last + 1)
                ):
                    end += 1
                return TableLocation(ws, None, cells[0].row, first, last, end, found)
    raise ImportInputError(
        f"통합문서에서 '{spec.key}' 표를 찾지 못했습니다: 표 이름 '{spec.table}'도, "
        f"머리글 {', '.join(spec.required)}을(를) 가진 행도 없습니다."
    )


def read_threshold(wb: Workbook, default: Decimal = DEFAULT_THRESHOLD) -> Decimal:
    """설정's 미집행기준 (percent) of the target workbook; ``default`` when absent or not a number.

    The import summary counts lines at or over the same threshold the review will mark, so a
    city that reviews at 50% does not read a count made at 70%.
    """
    try:
        loc = find_table(wb, TABLES["설정"])
    except ImportInputError:
        return default
    key_col, value_col = loc.columns.get("항목"), loc.columns.get("값")
    if key_col is None or value_col is None:
        return default
    for row in range(loc.first_row, loc.last_row + 1):
        if normalize_header(loc.ws.cell(row, key_col).value) != "미집행기준":
            continue
        try:
            value = parse_amount(loc.ws.cell(row, value_col).value)
        except ParseError:
            return default
        return default if value is None else tidy(value)
    return default


def _translate(formula: str, origin: str, target: str) -> str:
    if "[@" in formula or not re.search(r"\$?[A-Z]{1,3}\$?\d", formula):
        return formula  # structured or address-free formulas are the same on every row
    return Translator(formula, origin=origin).translate_formula(target)


def _stretch(
    ranges: MultiCellRange, loc: TableLocation, old_last: int, new_last: int
) -> MultiCellRange:
    """Ranges that covered the table's data rows, stretched (or shrunk) to the new rows."""
    out = []
    for rng in ranges.ranges:
        r = CellRange(rng.coord)
        inside = loc.first_col <= r.min_col and r.max_col <= loc.last_col
        if (
            inside
            and loc.first_row <= r.min_row <= max(old_last, loc.first_row)
            and r.max_row == old_last
        ):
            r = CellRange(
                min_col=r.min_col,
                min_row=r.min_row,
                max_col=r.max_col,
                max_row=max(new_last, r.min_row),
            )
        out.append(r.coord)
    return MultiCellRange(" ".join(out))


def _stretch_formats(ws: Worksheet, loc: TableLocation, old_last: int, new_last: int) -> None:
    if old_last == new_last:
        return
    old = ws.conditional_formatting
    new = ConditionalFormattingList()
    for cf in old:
        sqref = _stretch(cf.sqref, loc, old_last, new_last)
        for rule in cf.rules:
            new.add(str(sqref), rule)
    ws.conditional_formatting = new
    for dv in ws.data_validations.dataValidation:
        dv.sqref = _stretch(dv.sqref, loc, old_last, new_last)


def _first_content_below(ws: Worksheet, row: int) -> str | None:
    """A1 address of the first cell below ``row`` (any column) that holds something."""
    cells = [
        (r, c)
        for (r, c), cell in ws._cells.items()
        if r > row and cell.value is not None and cell.value != ""
    ]
    cells += [(m.min_row, m.min_col) for m in ws.merged_cells.ranges if m.max_row > row]
    if not cells:
        return None
    r, c = min(cells)
    return f"{get_column_letter(c)}{max(r, row + 1)}"


def _check_room(loc: TableLocation, new_tail: int) -> None:
    """Refuse to grow the table over anything below it (see the module docstring)."""
    tail = loc.last_row + loc.totals_rows
    if new_tail <= tail:
        return
    where = _first_content_below(loc.ws, tail)
    if where is not None:
        raise ImportInputError(
            f"시트 '{loc.ws.title}'의 표 아래 {where} 셀에 내용이 있어 행을 늘릴 수 "
            f"없습니다({loc.describe()} → {new_tail}행까지 필요). 그 내용을 다른 시트로 옮기거나 "
            "지운 뒤 다시 실행하십시오. (통합문서는 바뀌지 않았습니다)"
        )


def replace_rows(
    loc: TableLocation,
    frame: pd.DataFrame,
    provided: frozenset[str] | set[str],
    progress: Progress = _quiet,
) -> int:
    """Replace the data rows of ``loc`` by ``frame``'s rows; returns the new last data row.

    ``provided`` names the columns whose values come from the source: those always win over
    a formula of the template row; other columns keep the template's formula if it has one.
    """
    ws = loc.ws
    n = len(frame)
    if n == 0:
        raise ImportInputError("가져올 행이 없습니다.")
    first, old_last = loc.first_row, loc.last_row
    template_row = first if old_last >= first else None
    styles: dict[int, Any] = {}
    formulas: dict[int, str] = {}
    for col in range(loc.first_col, loc.last_col + 1):
        if template_row is None:
            continue
        cell = ws.cell(template_row, col)
        styles[col] = copy(cell._style)
        if cell.data_type == "f" and isinstance(cell.value, str):
            formulas[col] = cell.value
    height = ws.row_dimensions[template_row].height if template_row else None
    totals = [
        (ws.cell(old_last + 1 + i, c).value, copy(ws.cell(old_last + 1 + i, c)._style))
        for i in range(loc.totals_rows)
        for c in range(loc.first_col, loc.last_col + 1)
    ]
    new_last = first + n - 1
    tail = old_last + loc.totals_rows
    _check_room(loc, new_last + loc.totals_rows)
    # Clear the old data (and totals) rows, only inside the table's columns.
    for row in range(first, max(tail, first - 1) + 1):
        for col in range(loc.first_col, loc.last_col + 1):
            ws._cells.pop((row, col), None)
    # Columns of the frame that are written (mapped through the header, in sheet order).
    write_cols = [(loc.columns[c], c) for c in frame.columns if c in loc.columns]
    values = {c: frame[c].tolist() for _, c in write_cols}
    all_cols = range(loc.first_col, loc.last_col + 1)
    by_col = {col: name for col, name in write_cols}
    origin = {col: f"{get_column_letter(col)}{template_row}" for col in formulas}
    for i in range(n):
        row = first + i
        for col in all_cols:
            name = by_col.get(col)
            cell = ws.cell(row, col)
            if col in styles:
                cell._style = copy(styles[col])
            if col in formulas and (name is None or name not in provided):
                cell.value = _translate(
                    formulas[col], origin[col], f"{get_column_letter(col)}{row}"
                )
                continue
            if name is None:
                continue
            value = values[name][i]
            if value is None:
                continue
            if isinstance(value, str):
                openpyxl_io.set_text(cell, value)  # data, never a formula
            else:
                cell.value = value
        if height is not None:
            ws.row_dimensions[row].height = height
        if i and i % 20000 == 0:
            progress(f"쓰는 중 {i:,}/{n:,}행")
    for k, (value, style) in enumerate(totals):
        cell = ws.cell(
            new_last + 1 + k // (loc.last_col - loc.first_col + 1),
            loc.first_col + k % (loc.last_col - loc.first_col + 1),
        )
        cell.value, cell._style = value, style
    if loc.table is not None:
        ref = (
            f"{get_column_letter(loc.first_col)}{loc.header_row}:"
            f"{get_column_letter(loc.last_col)}{new_last + loc.totals_rows}"
        )
        loc.table.ref = ref
        if loc.table.autoFilter is not None:
            loc.table.autoFilter.ref = (
                f"{get_column_letter(loc.first_col)}{loc.header_row}:"
                f"{get_column_letter(loc.last_col)}{new_last}"
            )
    _stretch_formats(ws, loc, old_last, new_last)
    loc.last_row = new_last
    return new_last


# --------------------------------------------------------------------------- saving


def save_workbook(wb: Workbook, out: Path, progress: Progress = _quiet) -> None:
    """Save atomically with the ribbon and VBA wiring restored (``openpyxl_io.save``)."""
    progress(f"저장 중: {Path(out).name}")
    try:
        openpyxl_io.save(wb, Path(out))
    except InputError as exc:  # OutputError: full disk, read-only file …; nothing written
        raise ImportInputError(str(exc)) from None


def backup_path(path: Path) -> Path:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    return path.with_name(f"{path.stem}.backup-{stamp}{path.suffix}")


def make_backup(path: Path) -> Path:
    """Copy ``path`` beside itself before an in-place write; returns the copy's path."""
    target = backup_path(path)
    shutil.copy2(path, target)
    return target
