"""Read a workbook file into BookData: every sheet's values, its Excel Tables, its templates.

Values are read with python-calamine (fast, and it reads files openpyxl cannot open), as the
cached results of formulas; tables from the package's table parts.  The 양식_ template
sheets are read with their styles (the review sheets copy them) through openpyxl, from a
package that holds only those sheets: the big data sheets are neither copied nor parsed.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import replace
from pathlib import Path
from typing import Any

from ...core.errors import InputError
from ...core.model import BookData
from ...core.numformat import is_percent_format
from ...core.refs import col_index, parse_range
from ...core.report.templates import Style, TemplateSheet, template_from_cells
from ...core.schema import GENERATED_PREFIXES, ILLEGAL_CELL_CHARS, TEMPLATE_PREFIX, cell_text
from .package import STYLES, VBA_PART, WORKBOOK, Package, q, serialize_xml, to_bytes
from .workbook import WorkbookXml

Merges = dict[str, list[tuple[int, int, int, int]]]


def read_values(path: Path) -> dict[str, list[list[Any]]]:
    """Every sheet's cell values from (0, 0), as calamine reads them (cached formula values).

    Call it on a file that :meth:`Package.open` accepted: calamine is native code, and a
    file it cannot handle may take the process down rather than raise.
    """
    return read_sheets(path)


def read_sheets(path: Path, skip: tuple[str, ...] = ()) -> dict[str, list[list[Any]]]:
    """Every sheet's values (see :func:`read_values`); a sheet whose name starts with one
    of ``skip`` is listed without its values (a review never reads the sheets it makes,
    and a reviewed city workbook's 검토_미집행 has tens of thousands of rows)."""
    from python_calamine import CalamineWorkbook

    path = Path(path)
    try:
        book = CalamineWorkbook.from_path(str(path))
        out = {}
        # calamine decodes characters a cell cannot hold from ``_x0001_`` escapes; no
        # writer may write them back, so they are dropped here.
        dirty = ILLEGAL_CELL_CHARS.search
        # One object per distinct text: a city's sheet repeats its departments, projects
        # and 통계목 hundreds of thousands of times, and calamine makes each cell anew.
        texts: dict[str, str] = {}
        same = texts.setdefault
        for name in book.sheet_names:
            if skip and name.startswith(skip):
                out[name] = []
                continue
            sheet = book.get_sheet_by_name(name)
            # Inline rather than a call per cell: a city's sheet has millions of cells.
            out[name] = [
                [
                    v
                    if v.__class__ is not str
                    else (None if v == "" else (cell_text(v) if dirty(v) else same(v, v)))
                    for v in row
                ]
                for row in sheet.to_python(skip_empty_area=False)
            ]
    except (KeyboardInterrupt, SystemExit, MemoryError):
        raise
    except BaseException as exc:  # calamine's Rust panics are BaseExceptions
        raise InputError(
            f"'{path.name}'의 셀 값을 읽을 수 없습니다: {path} ({type(exc).__name__}: {exc})"
        ) from None
    return out


def read_book(package: Package, path: Path) -> BookData:
    """BookData of the file ``path`` whose vetted package is ``package``."""
    return BookData(
        read_sheets(path, GENERATED_PREFIXES),
        package.tables(),
        str(path),
        read_templates(package),
        merged_ranges(package),
        percent_cells(package),
        uncached_formulas(package),
    )


_MERGE = re.compile(rb'<mergeCell\b[^>]*\bref="([A-Z]{1,3}[0-9]+(?::[A-Z]{1,3}[0-9]+)?)"')


def merged_ranges(package: Package) -> Merges:
    """Sheet → its merged ranges, 0-based (first row, first col, last row, last col)."""
    out: Merges = {}
    for name, part in package.sheet_parts().items():
        data = package.parts.get(part, b"")
        ranges = []
        for m in _MERGE.finditer(data):
            try:
                ranges.append(parse_range(m.group(1).decode()))
            except ValueError:
                continue
        out[name] = ranges
    return out


#: Built-in number formats that show a percent (0%, 0.00%).
_PERCENT_BUILTIN = frozenset({9, 10})
#: A cell element's attributes (the sheet XML is scanned, not parsed: it may be huge).
_CELL = re.compile(rb"<c\b([^>]*)>")
_ATTR_R = re.compile(rb'\br="([A-Z]{1,3})([0-9]+)"')
_ATTR_S = re.compile(rb'\bs="([0-9]+)"')
#: Percent cells kept per sheet: enough to tell how each rate column is stored.
MAX_PERCENT_CELLS = 50_000


def percent_styles(package: Package) -> frozenset[int]:
    """The cell style indexes (``s``) whose number format shows a percent."""
    if STYLES not in package.parts:
        return frozenset()
    root = package.xml(STYLES)
    codes = {int(f.get("numFmtId", "-1")): f.get("formatCode", "") for f in root.iter(q("numFmt"))}
    xfs = root.find(q("cellXfs"))
    if xfs is None:
        return frozenset()
    out = set()
    for i, xf in enumerate(xfs.findall(q("xf"))):
        fmt = int(xf.get("numFmtId", "0") or 0)
        if fmt in _PERCENT_BUILTIN or is_percent_format(codes.get(fmt)):
            out.add(i)
    return frozenset(out)


#: A cell holding a formula and no stored result (a file written by a program that does
#: not calculate): its value is unknown until a spreadsheet opens and saves the file.
_UNCACHED = re.compile(
    rb"<c\b([^>]*?)(?<!/)>\s*<f\b[^>]*?(?:/>|>[^<]*</f>)\s*(?:<v\s*/>|<v>\s*</v>)?\s*</c>"
)
MAX_UNCACHED_CELLS = 10_000


def uncached_formulas(package: Package) -> dict[str, set[tuple[int, int]]]:
    """Sheet → the cells whose formula has no stored result (read as empty by calamine)."""
    out: dict[str, set[tuple[int, int]]] = {}
    for name, part in package.sheet_parts().items():
        cells: set[tuple[int, int]] = set()
        out[name] = cells
        data = package.parts.get(part, b"")
        if name.startswith(GENERATED_PREFIXES) or b"<f" not in data:
            continue
        for m in _UNCACHED.finditer(data):
            r = _ATTR_R.search(m.group(1))
            if r is not None:
                cells.add((int(r.group(2)) - 1, col_index(r.group(1).decode())))
                if len(cells) >= MAX_UNCACHED_CELLS:
                    break
    return out


def percent_cells(package: Package) -> dict[str, set[tuple[int, int]]]:
    """Sheet → the cells shown as percents (a rate typed as 0.85 and shown as 85.0%)."""
    styles = percent_styles(package)
    wanted = {str(i).encode() for i in styles}
    out: dict[str, set[tuple[int, int]]] = {}
    for name, part in package.sheet_parts().items():
        cells: set[tuple[int, int]] = set()
        out[name] = cells
        if not wanted or name.startswith(GENERATED_PREFIXES) or part not in package.parts:
            continue
        data = package.parts[part]
        for m in _CELL.finditer(data):
            attrs = m.group(1)
            s = _ATTR_S.search(attrs)
            if s is None or s.group(1) not in wanted:
                continue
            r = _ATTR_R.search(attrs)
            if r is None:
                continue
            cells.add((int(r.group(2)) - 1, col_index(r.group(1).decode())))
            if len(cells) >= MAX_PERCENT_CELLS:
                break
    return out


def read_templates(package: Package) -> list[TemplateSheet]:
    """The 양식_ sheets with the styles their output cells copy (none: an empty list)."""
    wb = _template_workbook(package)
    if wb is None:
        return []
    return [read_template(ws) for ws in wb.worksheets]


def _template_workbook(package: Package) -> Any:
    """An openpyxl workbook of only the 양식_ sheets, from a reduced copy of the package."""
    from lxml import etree
    from openpyxl import load_workbook

    sheet_parts = package.sheet_parts()
    keep = {n for n in sheet_parts if n.startswith(TEMPLATE_PREFIX)}
    if not keep:
        return None
    root = etree.fromstring(serialize_xml(package.xml(WORKBOOK)))  # a copy to cut down
    reduced = Package({WORKBOOK: b""})
    reduced.set_xml(WORKBOOK, root)
    book = WorkbookXml(reduced)
    for sheet in list(book.sheets):
        if sheet.get("name") not in keep:
            book.remove(sheet)
    names = root.find(q("definedNames"))
    if names is not None:
        root.remove(names)
    for view in root.iter(q("workbookView")):
        for key in ("activeTab", "firstSheet"):
            if view.get(key) is not None:
                view.set(key, "0")
    skip = {part for name, part in sheet_parts.items() if name not in keep} | {VBA_PART}
    parts = {name: data for name, data in package.parts.items() if name not in skip}
    parts[WORKBOOK] = serialize_xml(root)
    try:
        return load_workbook(io.BytesIO(to_bytes(parts)), rich_text=True)
    except (KeyboardInterrupt, SystemExit, MemoryError):
        raise
    except (Exception, zipfile.BadZipFile) as exc:
        raise InputError(
            f"양식 시트를 읽을 수 없습니다 | cannot read the template sheets "
            f"({type(exc).__name__}: {exc})"
        ) from None


def read_template(ws: Any) -> TemplateSheet:
    """A 양식_ sheet with the styles that the output cells should copy."""
    cells = {}
    spans = {
        (m.min_row, m.min_col): (m.max_col - m.min_col + 1, m.max_row - m.min_row + 1)
        for m in ws.merged_cells.ranges
    }
    for row in ws.iter_rows():
        for cell in row:
            if cell.value in (None, ""):
                continue
            fill = cell.fill.fgColor.rgb if cell.fill and cell.fill.fill_type == "solid" else None
            style = Style(
                number_format=None if cell.number_format == "General" else cell.number_format,
                bold=bool(cell.font and cell.font.b),
                fill=fill[-6:] if isinstance(fill, str) else None,
                align=cell.alignment.horizontal if cell.alignment else None,
                wrap=bool(cell.alignment and cell.alignment.wrap_text),
                border=bool(cell.border and cell.border.left and cell.border.left.style),
                font_size=cell.font.sz if cell.font and cell.font.sz not in (None, 11) else None,
            )
            span, down = spans.get((cell.row, cell.column), (1, 1))
            cells[(cell.row - 1, cell.column - 1)] = (
                cell.value,
                replace(style, span=span, down=down),
            )
    widths = {
        col_index(letter): dim.width for letter, dim in ws.column_dimensions.items() if dim.width
    }
    return template_from_cells(ws.title, cells, widths, ws.page_setup.orientation == "landscape")
