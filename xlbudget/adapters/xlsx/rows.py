"""Replace the data rows of one table in a workbook package (the importers' writer).

The table is found by the core's one reader (:mod:`xlbudget.core.reading`) in the
target's values; here its rows are rewritten in the sheet part.  New rows take the cell
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

import re
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from xml.sax.saxutils import quoteattr

from lxml import etree
from openpyxl.formula.translate import Translator

from ...core.errors import InputError
from ...core.model import TableRef
from ...core.refs import a1, col_letter, parse_a1, parse_range, range_a1
from ...core.schema import cell_text
from .package import REL_TABLE, WORKBOOK, Package, q, serialize_xml
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


def _edit_sheet(package: Package, sheet: str) -> tuple[str, Any, Any]:
    """(part name, root, sheetData) of a sheet opened for editing."""
    part = package.sheet_parts().get(sheet)
    if part is None:
        raise InputError(f"시트 '{sheet}'의 파트를 찾을 수 없습니다")
    root = package.edit(part)
    sheet_data = root.find(q("sheetData"))
    if sheet_data is None:
        raise InputError(f"시트 '{sheet}'에 <sheetData>가 없습니다")
    return part, root, sheet_data


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
    ``provided`` names those whose values come from the source and win over a formula.

    The sheet is parsed once; the rows of the table's region are taken out of the tree and
    written again as text (a table of 50,000 rows is written in about a second), each with
    the cells it had outside the table's columns, in column order.
    """
    n = len(frame)
    if n == 0:
        raise InputError("가져올 행이 없습니다.")
    part, root, sheet_data = _edit_sheet(package, ref.sheet)
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
    # Take the region's rows out; keep what they hold outside the table, and its totals row.
    region_end = max(old_tail, new_tail)
    outside: dict[int, list[tuple[int, str]]] = {}
    attributes: dict[int, dict[str, str]] = {}
    totals_cells: dict[int, list[tuple[int, str]]] = {}
    placeholder = etree.Comment(f"xlbudget-rows-{uuid.uuid4().hex}")
    for row in list(sheet_data.iter(q("row"))):
        r = int(row.get("r", 0)) - 1
        if not first <= r <= region_end:
            continue
        attributes[r] = {k: v for k, v in row.attrib.items() if k not in ("r", "spans")}
        for col, cell in _cells_by_col(row).items():
            xml = etree.tostring(cell, encoding="unicode", with_tail=False)
            xml = re.sub(r'\sxmlns(:\w+)?="[^"]*"', "", xml, count=0)  # declared on the root
            if first_col <= col <= last_col:
                if old_last < r <= old_tail:
                    totals_cells.setdefault(r - old_last - 1, []).append((col, xml))
            else:
                outside.setdefault(r, []).append((col, xml))
        if placeholder.getparent() is None:
            row.addprevious(placeholder)
        sheet_data.remove(row)
    if placeholder.getparent() is None:
        _place(sheet_data, placeholder, first)
    text_rows = _region_rows(
        template, columns, frame, provided, first, new_last, first_col, last_col, progress
    )
    for k, cells in totals_cells.items():
        r = new_last + 1 + k
        text_rows.setdefault(r, []).extend(
            (col, re.sub(r'\br="\$?[A-Z]+\$?\d+"', f'r="{a1(r, col)}"', xml, count=1))
            for col, xml in cells
        )
    for r, cells in outside.items():  # cells beside the table stay in their rows
        text_rows.setdefault(r, []).extend(cells)
    template_attrs = attributes.get(first, {})
    body = []
    for r in sorted(set(text_rows) | set(attributes)):
        cells = sorted(text_rows.get(r, []))
        extra = attributes.get(r, template_attrs if first <= r <= new_last else {})
        if not cells and not extra:
            continue
        attrs = "".join(f" {k}={quoteattr(v)}" for k, v in extra.items() if not k.startswith("{"))
        body.append(f'<row r="{r + 1}"{attrs}>' + "".join(x for _, x in cells) + "</row>")
    _finish_sheet(root, first_col, last_col, first, old_last, new_last, new_tail)
    if table_root is not None:
        new_ref = range_a1(ref.first_row, first_col, new_tail, last_col)
        table_root.set("ref", new_ref)
        auto = table_root.find(q("autoFilter"))
        if auto is not None:
            auto.set("ref", range_a1(ref.first_row, first_col, new_last, last_col))
    marker = etree.tostring(placeholder, encoding="unicode")
    package.set_bytes(part, serialize_xml(root).replace(marker.encode(), "".join(body).encode(), 1))
    WorkbookXml(package).write_back()
    return new_last


def set_cells(package: Package, sheet: str, values: Mapping[tuple[int, int], Any]) -> None:
    """Write single values (0-based row, col → value; None empties the cell) into a sheet,
    keeping each cell's style: how an import sets 설정's 소관 or 기준일."""
    _, _, sheet_data = _edit_sheet(package, sheet)
    rows = {int(r.get("r", 0)) - 1: r for r in sheet_data.iter(q("row"))}
    for (r, c), value in sorted(values.items()):
        row = rows.get(r)
        if row is None:
            row = etree.Element(q("row"), r=str(r + 1))
            later = [n for n in sorted(rows) if n > r]
            if later:
                rows[later[0]].addprevious(row)
            else:
                sheet_data.append(row)
            rows[r] = row
        cells = _cells_by_col(row)
        cell = cells.get(c)
        if cell is None:
            cell = etree.Element(q("c"), r=a1(r, c))
            after = [n for n in sorted(cells) if n > c]
            if after:
                cells[after[0]].addprevious(cell)
            else:
                row.append(cell)
        for child in list(cell):
            cell.remove(child)
        cell.attrib.pop("t", None)
        if value is None:
            continue
        if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
            etree.SubElement(cell, q("v")).text = str(value)
        else:
            cell.set("t", "inlineStr")
            t = etree.SubElement(etree.SubElement(cell, q("is")), q("t"))
            t.text = cell_text(str(value))
            t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")


def _place(sheet_data: Any, placeholder: Any, first: int) -> None:
    """Put ``placeholder`` where row ``first`` belongs among the sheet's rows."""
    for row in sheet_data.iter(q("row")):
        if int(row.get("r", 0)) - 1 > first:
            row.addprevious(placeholder)
            return
    sheet_data.append(placeholder)


def _region_rows(
    template: _Template,
    columns: Mapping[str, int],
    frame: Any,
    provided: frozenset[str] | set[str],
    first: int,
    new_last: int,
    first_col: int,
    last_col: int,
    progress: Progress,
) -> dict[int, list[tuple[int, str]]]:
    """The new data rows as cell XML, by 0-based row: values, or the template's formulas."""
    by_col = {col: name for name, col in columns.items() if name in frame.columns}
    values = {name: frame[name].tolist() for name in by_col.values()}
    formulas = {
        col: fill_down(template.formulas[col], template.row)
        for col in template.formulas
        if by_col.get(col) is None or by_col[col] not in provided
    }
    plan = []
    for col in range(first_col, last_col + 1):
        style = template.styles.get(col)
        plan.append((col, col_letter(col), f' s="{style}"' if style else "", by_col.get(col)))
    out: dict[int, list[tuple[int, str]]] = {}
    for i, r in enumerate(range(first, new_last + 1)):
        number = str(r + 1)
        cells = []
        for col, letter, s, name in plan:
            ref = letter + number
            if col in formulas:
                cells.append((col, f'<c r="{ref}"{s}><f>{text(formulas[col](r))}</f></c>'))
                continue
            xml = _value_xml(ref, s, values[name][i]) if name is not None else None
            if xml is None and s:
                xml = f'<c r="{ref}"{s}/>'
            if xml is not None:
                cells.append((col, xml))
        out[r] = cells
        if i and i % 20000 == 0:
            progress(f"쓰는 중 {i:,}/{new_last - first + 1:,}행")
    return out


_CELL_REF = re.compile(r"(\$?)([A-Z]{1,3})(\$?)(\d+)(?![\w(])")


def fill_down(formula: str, origin_row: int) -> Callable[[int], str]:
    """The template row's formula moved to any row: relative row references shift, absolute
    ones (``$5``) and references to other rows' sheets stay as written, as Excel fills
    a formula down a column.  Structured references ([@열]) are the same on every row."""
    if "[" in formula:
        return lambda _row: formula
    pieces: list[str | int] = []
    pos = 0
    for quoted in re.finditer(r"'[^']*'|\"[^\"]*\"", formula):  # sheet names and strings
        pieces += _split_refs(formula[pos : quoted.start()], origin_row)
        pieces.append(quoted.group(0))
        pos = quoted.end()
    pieces += _split_refs(formula[pos:], origin_row)

    def at(row: int) -> str:
        return "".join(p if isinstance(p, str) else str(row + p + 1) for p in pieces)

    return at


def _split_refs(part: str, origin_row: int) -> list[str | int]:
    """``part`` as literal text and row offsets (ints) of its relative cell references."""
    out: list[str | int] = []
    pos = 0
    for m in _CELL_REF.finditer(part):
        if m.start() > 0 and (part[m.start() - 1].isalnum() or part[m.start() - 1] in "_."):
            continue  # part of a name or a function (LOG10, A1B2C)
        if m.group(3):  # $5: an absolute row stays
            continue
        out.append(part[pos : m.start()] + m.group(1) + m.group(2))
        out.append(int(m.group(4)) - 1 - origin_row)
        pos = m.end()
    out.append(part[pos:])
    return out


def _table_part(package: Package, sheet_part: str, ref: TableRef) -> Any:
    """The Excel Table part of ``ref`` (to edit), or None for a plain range."""
    for rel in package.rels(sheet_part):
        if rel.type == REL_TABLE and not rel.external and rel.target in package.parts:
            table = package.xml(rel.target)
            if (table.get("displayName") or table.get("name") or "") == ref.name:
                return package.edit(rel.target)
    return None


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
