"""File adapter: read a workbook file into BookData, apply a Plan, save a new file safely.

Values are read with python-calamine (fast, and it reads files openpyxl cannot open); tables
from the package XML.  Writing uses openpyxl with ``keep_vba=True``, then the package is
repaired (the ribbon relationship openpyxl drops) and written atomically: the input is never
touched unless the caller asks for the same path, and a failure midway leaves no half file.
"""

from __future__ import annotations

import io
import re
import zipfile
from copy import copy
from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.chart import BarChart, Reference, Series
from openpyxl.formatting.formatting import ConditionalFormattingList
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.workbook.defined_name import DefinedName

from ..review.model import RULE_MARKER, BookData, CellWrite, Plan, SheetPlan
from ..review.read import InputError
from ..review.templates import Style, TemplateSheet, template_from_cells, template_from_grid
from ..schema import TEMPLATE_PREFIX
from . import ooxml

# ----------------------------------------------------------------------------- reading


def open_package(path: Path) -> zipfile.ZipFile:
    """Open the file as an OOXML zip, after the hostile-input checks of :mod:`xlbudget.safety`.

    Everything is refused here, before openpyxl, ``ooxml`` or calamine parse a byte: a file
    that is not a zip (encrypted, old .xls, HTML), a zip bomb, a damaged part, a DTD in any
    XML part, a sheet too large for calamine's dense grid.
    """
    from .. import safety

    path = Path(path)
    archive = safety.vet(path)
    if "xl/workbook.xml" not in archive.namelist():
        names = archive.namelist()
        archive.close()
        kind = "바이너리 통합 문서(.xlsb)" if "xl/workbook.bin" in names else "다른 형식의 zip 파일"
        raise InputError(
            f"'{path.name}'은(는) 엑셀 통합 문서(.xlsx/.xlsm)가 아닙니다({kind}, "
            f"xl/workbook.xml 없음): {path}"
        )
    return archive


#: Characters XML 1.0 cannot hold; calamine decodes them from ``_x0001_`` escapes, and
#: openpyxl refuses to write them, so a value that carries one could never be saved.
_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _clean_value(value: Any) -> Any:
    if value == "":
        return None
    if isinstance(value, str) and _ILLEGAL_XML.search(value):
        return _ILLEGAL_XML.sub("", value)
    return value


def read_values(path: Path) -> dict[str, list[list[Any]]]:
    """Every sheet's cell values from (0, 0), as calamine reads them (cached formula values).

    Call it on a file that :func:`open_package` accepted: calamine is native code, and a
    file it cannot handle may take the process down rather than raise.
    """
    from python_calamine import CalamineWorkbook

    path = Path(path)
    try:
        book = CalamineWorkbook.from_path(str(path))
        out = {}
        for name in book.sheet_names:
            sheet = book.get_sheet_by_name(name)
            out[name] = [
                [_clean_value(v) for v in row] for row in sheet.to_python(skip_empty_area=False)
            ]
    except (KeyboardInterrupt, SystemExit, MemoryError):
        raise
    except BaseException as exc:  # calamine's Rust panics are BaseExceptions
        raise InputError(
            f"'{path.name}'의 셀 값을 읽을 수 없습니다: {path} ({type(exc).__name__}: {exc})"
        ) from None
    return out


def read_book(path: Path, wb: Any = None) -> BookData:
    """BookData for a file; with an openpyxl workbook, template sheets keep their styles."""
    path = Path(path)
    with open_package(path) as archive:
        tables = ooxml.list_tables(archive)
    sheets = read_values(path)
    templates: list[TemplateSheet] = []
    if wb is not None:
        templates = [
            read_template(wb[name]) for name in wb.sheetnames if name.startswith(TEMPLATE_PREFIX)
        ]
    else:
        templates = [
            template_from_grid(name, rows)
            for name, rows in sheets.items()
            if name.startswith(TEMPLATE_PREFIX)
        ]
    return BookData(sheets, tables, str(path), templates)


def read_template(ws: Any) -> TemplateSheet:
    """A 양식_ sheet with the styles that the output cells should copy."""
    cells = {}
    spans = {(m.min_row, m.min_col): m.max_col - m.min_col + 1 for m in ws.merged_cells.ranges}
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
            span = spans.get((cell.row, cell.column), 1)
            cells[(cell.row - 1, cell.column - 1)] = (cell.value, replace(style, span=span))
    widths = {}
    for letter, dim in ws.column_dimensions.items():
        if dim.width:
            from openpyxl.utils import column_index_from_string

            widths[column_index_from_string(letter) - 1] = dim.width
    return template_from_cells(ws.title, cells, widths, ws.page_setup.orientation == "landscape")


# ----------------------------------------------------------------------------- writing


def set_text(cell: Any, text: str) -> None:
    """Write ``text`` as text even when it starts like a formula (=, +, -, @)."""
    cell.value = text
    cell.data_type = "s"


_THIN = Side(style="thin", color="808080")


@lru_cache(maxsize=256)
def _style_objects(style: tuple) -> tuple[Font, PatternFill | None, Alignment, Border | None]:
    bold, size, fill, align, wrap, border = style
    font = Font(name="맑은 고딕", bold=bold, size=size or 10)
    pattern = PatternFill("solid", fgColor=fill) if fill else None
    alignment = Alignment(horizontal=align, vertical="center", wrap_text=wrap)
    edge = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN) if border else None
    return font, pattern, alignment, edge


def apply_style(cell: Any, style: Style | CellWrite) -> None:
    """Font, fill, alignment, border and number format of a Style (or a CellWrite)."""
    font, pattern, alignment, edge = _style_objects(
        (style.bold, style.font_size, style.fill, style.align, style.wrap, style.border)
    )
    cell.font = font
    cell.alignment = alignment
    if pattern is not None:
        cell.fill = pattern
    if edge is not None:
        cell.border = edge
    if style.number_format:
        cell.number_format = style.number_format


def _write_sheet(wb: Any, sheet: SheetPlan) -> None:
    if sheet.name in wb.sheetnames:
        del wb[sheet.name]
    index = len(wb.sheetnames)
    if sheet.after and sheet.after in wb.sheetnames:
        index = wb.sheetnames.index(sheet.after) + 1
    ws = wb.create_sheet(sheet.name, index)
    # Styling a cell through openpyxl's descriptors hashes every style object (slow for tens of
    # thousands of cells); style one cell per distinct style, then copy its style ids.
    styled: dict[tuple, Any] = {}
    for write in sheet.cells:
        cell = ws.cell(row=write.row + 1, column=write.col + 1)
        if write.formula:
            cell.value = write.value
        elif isinstance(write.value, str):
            set_text(cell, write.value)
        else:
            cell.value = write.value
        key = write.style_key
        if key in styled:
            cell._style = copy(styled[key])
        else:
            apply_style(cell, write)
            styled[key] = copy(cell._style)
    for col, width in sheet.col_widths.items():
        ws.column_dimensions[get_column_letter(col + 1)].width = width
    for r1, c1, r2, c2 in sheet.merges:
        ws.merge_cells(start_row=r1 + 1, start_column=c1 + 1, end_row=r2 + 1, end_column=c2 + 1)
    for row, height in sheet.row_heights.items():
        ws.row_dimensions[row + 1].height = height
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if sheet.landscape else "portrait"
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    if sheet.title_rows and sheet.title_rows[0] >= 0:
        ws.print_title_rows = f"{sheet.title_rows[0] + 1}:{sheet.title_rows[1] + 1}"
    for spec in sheet.charts:
        chart = BarChart()
        chart.type = "bar" if spec.horizontal else "col"
        chart.title = spec.title
        chart.style = 10
        chart.height, chart.width = 9, 18
        chart.x_axis.tickLblPos = "low"  # category labels clear of negative bars
        for col, first, last, title_row in spec.series:
            values = Reference(ws, min_col=col + 1, min_row=first + 1, max_row=last + 1)
            title = ws.cell(row=title_row + 1, column=col + 1).value
            chart.series.append(Series(values, title=str(title) if title else None))
        cat_col, first, last = spec.categories
        chart.set_categories(
            Reference(ws, min_col=cat_col + 1, min_row=first + 1, max_row=last + 1)
        )
        ws.add_chart(chart, spec.anchor)


def _replace_rules(wb: Any, plan: Plan) -> None:
    """Drop xlbudget's earlier rules (they mention RULE_MARKER) and add the plan's."""
    for name in plan.rule_sheets:
        if name not in wb.sheetnames:
            continue
        ws = wb[name]
        kept = ConditionalFormattingList()
        for cf in ws.conditional_formatting:
            for rule in cf.rules:
                if not any(RULE_MARKER in f for f in (rule.formula or [])):
                    kept.add(str(cf.sqref), rule)
        ws.conditional_formatting = kept
    for rule in plan.rules:
        ws = wb[rule.sheet]
        ws.conditional_formatting.add(
            rule.ref,
            FormulaRule(
                formula=[rule.formula],
                stopIfTrue=rule.stop,
                fill=PatternFill("solid", start_color=rule.fill, end_color=rule.fill),
                font=Font(color=rule.font_color) if rule.font_color else None,
            ),
        )


def _define_names(wb: Any, names: dict[str, str]) -> None:
    for name, target in names.items():
        if name in wb.defined_names:
            del wb.defined_names[name]
        wb.defined_names[name] = DefinedName(name, attr_text=target)


def apply_plan(plan: Plan, wb: Any) -> None:
    """Apply the plan's sheets, names and rules to a loaded openpyxl workbook."""
    for sheet in plan.sheets:
        _write_sheet(wb, sheet)
    _define_names(wb, plan.names)
    _replace_rules(wb, plan)


# ----------------------------------------------------------------------------- files


def load_for_writing(path: Path) -> Any:
    """openpyxl workbook of ``path``, keeping the VBA project of an .xlsm."""
    path = Path(path)
    preflight(path)
    try:
        return load_workbook(
            path, keep_vba=path.suffix.lower() in (".xlsm", ".xltm"), rich_text=True
        )
    except (KeyboardInterrupt, SystemExit, MemoryError):
        raise
    except Exception as exc:
        raise InputError(
            f"통합 문서를 열 수 없습니다: {path} ({type(exc).__name__}: {exc})"
        ) from None


def save(wb: Any, out: Path) -> Path:
    """Save atomically: serialize in memory, repair the package, then temp file + rename.

    Nothing is written beside ``out`` until the whole package exists, and then only a temp
    file that :func:`write_parts` renames over ``out`` or removes: a crash or a full disk
    leaves the input and an earlier ``out`` as they were.  Every failure is an OutputError
    that says so.
    """
    from .. import safety
    from ..workbook.package import read_parts
    from .package_io import save_parts

    out = Path(out)
    try:
        buffer = io.BytesIO()
        wb.save(buffer)
        parts = read_parts(buffer.getvalue())
    except (KeyboardInterrupt, SystemExit):
        raise
    except Exception as exc:
        raise safety.output_error(exc, out) from exc
    save_parts(parts, out)  # read-only check, ribbon/VBA repair, atomic write
    return out


#: Parts that openpyxl does not carry over; a workbook holding them is not re-saved by it.
_DROPPED = (
    ("xl/ctrlProps/", "양식 컨트롤"),
    ("xl/activeX/", "ActiveX 컨트롤"),
    ("xl/slicers/", "슬라이서"),
    ("xl/slicerCaches/", "슬라이서"),
    ("xl/timelines/", "시간 표시 막대"),
    ("xl/embeddings/", "포함된 개체(OLE)"),
    ("xl/chartsheets/", "차트 시트"),
    ("customXml/", "사용자 지정 XML"),
)


def preflight(path: Path) -> None:
    """Refuse, with a clear message, a workbook whose parts openpyxl would silently lose."""
    from defusedxml import ElementTree as SafeET

    from .. import safety

    path = Path(path)
    dropped = _DROPPED + safety.MORE_DROPPED
    with open_package(path) as archive:
        names = archive.namelist()
        lost = sorted({label for prefix, label in dropped for n in names if n.startswith(prefix)})
        for name in names:
            if name.startswith("xl/drawings/drawing") and name.endswith(".xml"):
                root = SafeET.fromstring(archive.read(name))
                lost += safety.drawing_losses(root)
                tags = {el.tag.rsplit("}", 1)[-1] for el in root.iter()}
                if "pic" in tags and not _has_pillow():
                    lost.append("그림(Pillow 미설치)")
    if lost:
        raise InputError(
            f"'{path.name}'에는 파일로 저장할 때 보존할 수 없는 요소가 있어 중단했습니다: "
            f"{', '.join(dict.fromkeys(lost))}. 엑셀에서 리본의 [예산검토] 단추로 실행하거나, "
            "해당 요소를 다른 파일로 옮긴 뒤 다시 실행하십시오. (원본은 바뀌지 않았습니다)"
        )


def _has_pillow() -> bool:
    try:
        import PIL  # noqa: F401
    except ImportError:
        return False
    return True
