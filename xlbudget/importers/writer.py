"""Write an imported table into a workbook: replace a table's rows, keep everything else.

The table is found by its Excel Table name (schema), else by an Excel Table or a plain range
whose header row holds the table's columns (aliases allowed, spaces ignored): users rename
tables and paste plain ranges, never rely on fixed addresses.  New rows take the style and
number format of the table's first data row; a column whose first data row holds a formula
(a calculated column such as 지출잔액) keeps that formula unless the source gave the value.
The Excel Table's ``ref``, its autofilter, and the conditional formats and data validations
that covered the old rows are stretched to the new rows.  Rows left over below are cleared.

Text from data is always a string cell: a 세부사업 named "=HYPERLINK(…)" stays text.

openpyxl's ``keep_vba`` keeps the VBA project and the ribbon XML but rewrites
``_rels/.rels`` without the ribbon's relationship; ``save_workbook`` restores it (with
``xlbudget.workbook.package`` when present) and replaces the target atomically.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import zipfile
from collections.abc import Callable
from copy import copy
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import pandas as pd
from openpyxl import Workbook, load_workbook
from openpyxl.formatting.formatting import ConditionalFormattingList
from openpyxl.formula.translate import Translator
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import CellRange, MultiCellRange
from openpyxl.worksheet.table import Table
from openpyxl.worksheet.worksheet import Worksheet

from ..schema import TableSpec, normalize_header
from .model import ImportInputError

Progress = Callable[[str], None]
_RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"


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
    """The workbook to import into, keeping its VBA project (.xlsm)."""
    if not path.is_file():
        raise ImportInputError(f"통합문서를 찾을 수 없습니다: {path}")
    try:
        return load_workbook(path, keep_vba=path.suffix.lower() == ".xlsm")
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise ImportInputError(f"통합문서를 열 수 없습니다: {path} ({exc})") from exc


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


def _content_below(ws: Worksheet, row: int) -> bool:
    return any(r > row and c.value is not None for (r, _), c in ws._cells.items())


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
    if _content_below(ws, tail):
        shift = (new_last + loc.totals_rows) - tail
        if shift > 0:
            ws.insert_rows(tail + 1, shift)
        elif shift < 0:
            ws.delete_rows(new_last + loc.totals_rows + 1, -shift)
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
            cell.value = value
            if isinstance(value, str):
                cell.data_type = "s"  # data, never a formula
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


def _fix_root_rels(saved: Path, original: Path | None) -> None:
    """Put back root relationships (the ribbon's customUI) that openpyxl dropped."""
    if original is None or not zipfile.is_zipfile(original):
        return
    with zipfile.ZipFile(original) as zin:
        if "_rels/.rels" not in zin.namelist():
            return
        orig = ET.fromstring(zin.read("_rels/.rels"))
    with zipfile.ZipFile(saved) as zout:
        names = set(zout.namelist())
        rels = ET.fromstring(zout.read("_rels/.rels"))
    have = {(r.get("Type"), r.get("Target", "").lstrip("/")) for r in rels}
    ids = {r.get("Id") for r in rels}
    missing = [
        r
        for r in orig
        if (r.get("Type"), r.get("Target", "").lstrip("/")) not in have
        and r.get("Target", "").lstrip("/") in names
    ]
    if not missing:
        return
    for rel in missing:
        rid, k = rel.get("Id"), 1
        while rid in ids:
            rid, k = f"rIdXb{k}", k + 1
        ids.add(rid)
        ET.SubElement(
            rels,
            f"{{{_RELS_NS}}}Relationship",
            {"Id": rid, "Type": rel.get("Type"), "Target": rel.get("Target")},
        )
    ET.register_namespace("", _RELS_NS)
    data = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + ET.tostring(rels)
    fixed = saved.with_name(saved.name + ".rels")
    with zipfile.ZipFile(saved) as zin, zipfile.ZipFile(fixed, "w", zipfile.ZIP_DEFLATED) as zo:
        for info in zin.infolist():
            zo.writestr(info, data if info.filename == "_rels/.rels" else zin.read(info))
    os.replace(fixed, saved)


def _package_module() -> Any | None:
    try:
        from ..workbook import package  # written by the workbook engineer
    except ImportError:
        return None
    needed = ("read_parts", "write_parts", "ensure_ribbon_and_vba")
    return package if all(hasattr(package, n) for n in needed) else None


def save_workbook(
    wb: Workbook, out: Path, original: Path | None = None, progress: Progress = _quiet
) -> None:
    """Save atomically (temp file beside ``out``, then rename), ribbon relationship restored."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{out.stem}.", suffix=out.suffix, dir=out.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        progress(f"저장 중: {out.name}")
        wb.save(tmp)
        package = _package_module() if out.suffix.lower() == ".xlsm" else None
        if package is not None:
            parts = package.read_parts(tmp)
            fixed = package.ensure_ribbon_and_vba(parts)
            package.write_parts(fixed if fixed is not None else parts, out)
            tmp.unlink(missing_ok=True)
            return
        _fix_root_rels(tmp, original)
        os.replace(tmp, out)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def backup_path(path: Path) -> Path:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    return path.with_name(f"{path.stem}.backup-{stamp}{path.suffix}")


def make_backup(path: Path) -> Path:
    """Copy ``path`` beside itself before an in-place write; returns the copy's path."""
    target = backup_path(path)
    shutil.copy2(path, target)
    return target
