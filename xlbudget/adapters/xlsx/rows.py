"""Replace the data rows of one table in a workbook package (the importers' writer).

The table is found by the core's one table finder (:func:`xlbudget.core.tables.locate`) in
the target's values; here its rows are rewritten in the sheet part.  New rows take the cell
style of the table's first data row; a column whose first data row holds a formula (a
calculated column such as 지출잔액) keeps that formula, moved to each row, unless the source
gave the value.  The Excel Table's ``ref`` and autofilter, and the conditional formats and
data validations that covered the old rows, are stretched to the new rows; rows left over
below are cleared.  Cells outside the table's columns are never touched.

Rows are never inserted: a table that must grow over content below it is refused, naming
the first such cell, because formulas, merged cells, names and charts that point there
would silently go wrong.  Text from data is always an inline string: a 세부사업 named
"=HYPERLINK(…)" stays text.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from lxml import etree
from openpyxl.formula.translate import Translator

from ...core.errors import InputError
from ...core.model import TableRef
from ...core.refs import a1, col_letter, parse_a1, parse_range, range_a1
from .package import REL_TABLE, WORKBOOK, Package, q
from .sheets import ORDER, text
from .workbook import WorkbookXml, insert_in_order

Progress = Callable[[str], None]


@dataclass
class _Template:
    """What the table's first data row gives every new row: styles and formulas by column."""

    styles: dict[int, str]
    formulas: dict[int, str]
    row: int  # 0-based sheet row the formulas were written for


def _quiet(_: str) -> None:
    return None


def _cells_by_col(row: Any) -> dict[int, Any]:
    out = {}
    for cell in row.iter(q("c")):
        ref = cell.get("r")
        if ref:
            out[parse_a1(ref)[1]] = cell
    return out


def _shared_masters(sheet_data: Any) -> dict[str, tuple[str, str]]:
    """si → (master cell, formula text) of the sheet's shared formulas."""
    masters = {}
    for f in sheet_data.iter(q("f")):
        if f.get("t") == "shared" and f.get("ref") and f.text:
            masters[f.get("si", "")] = (f.getparent().get("r", "A1"), f.text)
    return masters


def _template(sheet_data: Any, ref: TableRef, first_col: int, last_col: int) -> _Template:
    row_number = ref.first_row + 1  # 0-based first data row
    styles: dict[int, str] = {}
    formulas: dict[int, str] = {}
    if ref.last_row <= ref.first_row:
        return _Template(styles, formulas, row_number)
    masters = _shared_masters(sheet_data)
    for row in sheet_data.iter(q("row")):
        if int(row.get("r", 0)) - 1 != row_number:
            continue
        for col, cell in _cells_by_col(row).items():
            if not first_col <= col <= last_col:
                continue
            if cell.get("s"):
                styles[col] = cell.get("s")
            f = cell.find(q("f"))
            if f is None:
                continue
            formula = f.text
            if f.get("t") == "shared" and not formula and f.get("si") in masters:
                origin, master = masters[f.get("si")]
                formula = Translator("=" + master, origin=origin).translate_formula(cell.get("r"))
                formula = formula[1:]
            if formula and f.get("t") != "array":
                formulas[col] = formula
        break
    return _Template(styles, formulas, row_number)


def _translate(formula: str, origin_row: int, col: int, row: int) -> str:
    if "[@" in formula:
        return formula  # structured references are the same on every row
    origin = a1(origin_row, col)
    return Translator("=" + formula, origin=origin).translate_formula(a1(row, col))[1:]


def _value_xml(ref: str, s: str, value: Any) -> str | None:
    if value is None or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, str):
        return (
            f'<c r="{ref}"{s} t="inlineStr"><is><t xml:space="preserve">{text(value)}</t></is></c>'
        )
    if isinstance(value, bool):
        return f'<c r="{ref}"{s} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, Decimal):
        number = format(value, "f") if value == value.to_integral_value() else str(value)
        return f'<c r="{ref}"{s}><v>{number}</v></c>'
    if isinstance(value, int):
        return f'<c r="{ref}"{s}><v>{value}</v></c>'
    if isinstance(value, float):
        return f'<c r="{ref}"{s}><v>{value!r}</v></c>'
    return (
        f'<c r="{ref}"{s} t="inlineStr"><is><t xml:space="preserve">{text(str(value))}</t></is></c>'
    )


def _first_content_below(sheet_data: Any, row: int, merges: Sequence[str]) -> str | None:
    """A1 of the first cell below ``row`` (0-based, any column) that holds something."""
    found: list[tuple[int, int]] = []
    for element in sheet_data.iter(q("row")):
        r = int(element.get("r", 0)) - 1
        if r <= row:
            continue
        for col, cell in _cells_by_col(element).items():
            if (
                cell.find(q("v")) is not None
                or cell.find(q("f")) is not None
                or cell.find(q("is")) is not None
            ):
                found.append((r, col))
    for merge in merges:
        r1, c1, r2, _ = parse_range(merge)
        if r2 > row:
            found.append((max(r1, row + 1), c1))
    if not found:
        return None
    r, c = min(found)
    return a1(r, c)


def _stretch(
    sqref: str, first_col: int, last_col: int, first: int, old_last: int, new_last: int
) -> str:
    """Ranges that covered the table's data rows, stretched (or shrunk) to the new rows."""
    out = []
    for part in sqref.split():
        r1, c1, r2, c2 = parse_range(part)
        inside = first_col <= c1 and c2 <= last_col
        if inside and first <= r1 <= max(old_last, first) and r2 == old_last:
            r2 = max(new_last, r1)
        out.append(range_a1(r1, c1, r2, c2))
    return " ".join(out)


def replace_table_rows(
    package: Package,
    ref: TableRef,
    columns: Mapping[str, int],
    frame: Any,
    provided: frozenset[str] | set[str],
    progress: Progress = _quiet,
) -> int:
    """Write ``frame``'s rows as the data rows of the table at ``ref``; returns the new last
    data row (0-based).  ``columns`` maps the frame's canonical columns to sheet columns;
    ``provided`` names those whose values come from the source and win over a formula."""
    n = len(frame)
    if n == 0:
        raise InputError("가져올 행이 없습니다.")
    parts = package.sheet_parts()
    part = parts.get(ref.sheet)
    if part is None:
        raise InputError(f"시트 '{ref.sheet}'의 파트를 찾을 수 없습니다")
    root = package.edit(part)
    sheet_data = root.find(q("sheetData"))
    if sheet_data is None:
        raise InputError(f"시트 '{ref.sheet}'에 <sheetData>가 없습니다")
    table_root = _table_part(package, part, ref)
    totals = int(table_root.get("totalsRowCount") or 0) if table_root is not None else 0
    first_col, last_col = ref.first_col, ref.last_col
    first, old_last = ref.first_row + 1, ref.last_row
    template = _template(sheet_data, ref, first_col, last_col)
    new_last = first + n - 1
    old_tail, new_tail = old_last + totals, new_last + totals
    merges = [m.get("ref", "") for m in root.iter(q("mergeCell"))]
    if new_tail > old_tail:
        where = _first_content_below(sheet_data, old_tail, merges)
        if where is not None:
            raise InputError(
                f"시트 '{ref.sheet}'의 표 아래 {where} 셀에 내용이 있어 행을 늘릴 수 없습니다"
                f"({ref.name} {ref.ref} → {new_tail + 1}행까지 필요). 그 내용을 다른 시트로 "
                "옮기거나 지운 뒤 다시 실행하십시오. (통합문서는 바뀌지 않았습니다)"
            )
    rows = {int(r.get("r", 0)) - 1: r for r in sheet_data.iter(q("row"))}
    # The totals row's cells move with the table's end.
    totals_cells: list[tuple[int, Any]] = []
    for k in range(totals):
        row = rows.get(old_last + 1 + k)
        if row is None:
            continue
        for col, cell in _cells_by_col(row).items():
            if first_col <= col <= last_col:
                row.remove(cell)
                totals_cells.append((k, cell))
    # Clear the old data rows inside the table's columns.
    for r in range(first, max(old_tail, first - 1) + 1):
        row = rows.get(r)
        if row is None:
            continue
        for col, cell in _cells_by_col(row).items():
            if first_col <= col <= last_col:
                row.remove(cell)
    by_col = {col: name for name, col in columns.items() if name in frame.columns}
    values = {name: frame[name].tolist() for name in by_col.values()}
    letters = {col: col_letter(col) for col in range(first_col, last_col + 1)}
    for i in range(n):
        r = first + i
        cells = []
        for col in range(first_col, last_col + 1):
            ref_text = f"{letters[col]}{r + 1}"
            style = template.styles.get(col)
            s = f' s="{style}"' if style else ""
            name = by_col.get(col)
            if col in template.formulas and (name is None or name not in provided):
                formula = _translate(template.formulas[col], template.row, col, r)
                cells.append(f'<c r="{ref_text}"{s}><f>{text(formula)}</f></c>')
                continue
            xml = _value_xml(ref_text, s, values[name][i]) if name is not None else None
            if xml is None and style:
                xml = f'<c r="{ref_text}"{s}/>'
            if xml is not None:
                cells.append(xml)
        _put_cells(sheet_data, rows, r, cells, first_col)
        if i and i % 20000 == 0:
            progress(f"쓰는 중 {i:,}/{n:,}행")
    for k, cell in totals_cells:
        r = new_last + 1 + k
        col = parse_a1(cell.get("r"))[1]
        cell.set("r", a1(r, col))
        _put_element(sheet_data, rows, r, cell)
    for r in list(rows):
        row = rows[r]
        if len(row) == 0 and not set(row.attrib.keys()) - {"r", "spans"}:
            sheet_data.remove(row)
            del rows[r]
    _finish_sheet(root, first_col, last_col, first, old_last, new_last, new_tail)
    if table_root is not None:
        new_ref = range_a1(ref.first_row, first_col, new_tail, last_col)
        table_root.set("ref", new_ref)
        auto = table_root.find(q("autoFilter"))
        if auto is not None:
            auto.set("ref", range_a1(ref.first_row, first_col, new_last, last_col))
    book = WorkbookXml(package)
    book.write_back()
    return new_last


def _table_part(package: Package, sheet_part: str, ref: TableRef) -> Any:
    """The Excel Table part of ``ref`` (to edit), or None for a plain range."""
    for rel in package.rels(sheet_part):
        if rel.type == REL_TABLE and not rel.external and rel.target in package.parts:
            table = package.xml(rel.target)
            if (table.get("displayName") or table.get("name") or "") == ref.name:
                return package.edit(rel.target)
    return None


def _row_element(sheet_data: Any, rows: dict[int, Any], r: int) -> Any:
    row = rows.get(r)
    if row is not None:
        return row
    row = etree.Element(q("row"), r=str(r + 1))
    later = [k for k in rows if k > r]
    if later:
        rows[min(later)].addprevious(row)
    else:
        sheet_data.append(row)
    rows[r] = row
    return row


def _put_cells(
    sheet_data: Any, rows: dict[int, Any], r: int, cells: list[str], first_col: int
) -> None:
    if not cells:
        return
    row = _row_element(sheet_data, rows, r)
    fragment = etree.fromstring(f'<row xmlns="{etree.QName(row).namespace}">{"".join(cells)}</row>')
    existing = _cells_by_col(row)
    before = next((existing[c] for c in sorted(existing) if c > first_col), None)
    for cell in list(fragment):
        if before is not None:
            before.addprevious(cell)
        else:
            row.append(cell)


def _put_element(sheet_data: Any, rows: dict[int, Any], r: int, cell: Any) -> None:
    row = _row_element(sheet_data, rows, r)
    col = parse_a1(cell.get("r"))[1]
    existing = _cells_by_col(row)
    after = next((existing[c] for c in sorted(existing) if c > col), None)
    if after is not None:
        after.addprevious(cell)
    else:
        row.append(cell)


def _finish_sheet(
    root: Any,
    first_col: int,
    last_col: int,
    first: int,
    old_last: int,
    new_last: int,
    new_tail: int,
) -> None:
    """Stretch rules and validations over the new rows; the sheet's dimension covers them."""
    if old_last != new_last:
        for element in (*root.iter(q("conditionalFormatting")), *root.iter(q("dataValidation"))):
            sqref = element.get("sqref")
            if sqref:
                element.set(
                    "sqref", _stretch(sqref, first_col, last_col, first, old_last, new_last)
                )
    dimension = root.find(q("dimension"))
    if dimension is None:
        dimension = insert_in_order(root, etree.Element(q("dimension")), ORDER)
    try:
        _, _, r2, c2 = parse_range(dimension.get("ref") or "A1")
    except ValueError:
        r2, c2 = 0, 0
    dimension.set("ref", range_a1(0, 0, max(r2, new_tail), max(c2, last_col)))


__all__ = ["WORKBOOK", "replace_table_rows"]
