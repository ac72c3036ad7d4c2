"""Worksheet parts: new review sheets written from a plan, rules placed in existing sheets.

A review sheet is generated whole, as text with every value escaped (a sheet of 400,000
cells is written in a second; building a tree of them would take several).  Text is always
an inline string, never a formula, whatever it starts with; only a plan's formula cells are
formulas.

An existing sheet that receives conditional formats may be a data sheet of 100,000 rows.
It is never parsed whole: the part is split where its ``sheetData`` ends (everything before
is copied as is) and only what follows — conditional formats, page setup, drawings, table
parts, extensions — is parsed as a tree, edited and written again.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from lxml import etree

from ...core.errors import InputError
from ...core.plan import RULE_MARKER, CellWrite, ChartSpec, RuleWrite, SheetPlan
from ...core.refs import a1, col_letter
from ...core.schema import cell_text
from .package import NS_MAIN, NS_R, PARSER_OPTIONS, parse_xml, q
from .styles import Styles, _num
from .workbook import insert_in_order, local_name

#: Children of <worksheet> in schema order (ECMA-376 CT_Worksheet).
ORDER = (
    "sheetPr",
    "dimension",
    "sheetViews",
    "sheetFormatPr",
    "cols",
    "sheetData",
    "sheetCalcPr",
    "sheetProtection",
    "protectedRanges",
    "scenarios",
    "autoFilter",
    "sortState",
    "dataConsolidate",
    "customSheetViews",
    "mergeCells",
    "phoneticPr",
    "conditionalFormatting",
    "dataValidations",
    "hyperlinks",
    "printOptions",
    "pageMargins",
    "pageSetup",
    "headerFooter",
    "rowBreaks",
    "colBreaks",
    "customProperties",
    "cellWatches",
    "ignoredErrors",
    "smartTags",
    "drawing",
    "legacyDrawing",
    "legacyDrawingHF",
    "picture",
    "oleObjects",
    "controls",
    "webPublishItems",
    "tableParts",
    "extLst",
)


def text(value: str) -> str:
    """Text for XML: characters XML 1.0 cannot hold removed, the rest escaped.

    What :func:`xml.sax.saxutils.escape` does, replacing only what is there: most texts
    hold no ``&<>``, and this runs for every text and formula cell (half as long).
    """
    value = cell_text(value)
    if "&" in value:
        value = value.replace("&", "&amp;")
    if "<" in value:
        value = value.replace("<", "&lt;")
    if ">" in value:
        value = value.replace(">", "&gt;")
    return value


def _inline_body(s: str, value: str) -> str:
    """A text cell as an inline string (after its ref): never a formula, whatever it says."""
    return f'{s} t="inlineStr"><is><t xml:space="preserve">{text(value)}</t></is></c>'


#: Integers below this in size are finite floats: the shortcut of :func:`cell_body`.
_FLOAT_LIMIT = 2**1023


def cell_body(write: CellWrite, style: int) -> str:
    """A planned cell's ``<c>`` element after its reference: style, type and content.

    The ref is left out so that a sheet can reuse the body of a repeated text (see
    :func:`sheet_xml`): the element is ``<c r="B7"`` followed by this.
    """
    s = f' s="{style}"' if style else ""
    value = write.value
    if type(value) is int and -_FLOAT_LIMIT < value < _FLOAT_LIMIT:
        return f"{s}><v>{value}</v></c>"  # the usual number: what the last line would give
    if write.formula and isinstance(value, str):
        formula = value[1:] if value.startswith("=") else value
        return f"{s}><f>{text(formula)}</f></c>"
    if value is None or value == "":  # as openpyxl: an empty text is an empty (styled) cell
        return f"{s}/>"
    if isinstance(value, str):
        return _inline_body(s, value)
    if isinstance(value, bool):
        return f'{s} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, (datetime, date)):
        from openpyxl.utils.datetime import to_excel

        value = to_excel(value)
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        return _inline_body(s, str(value))
    if not math.isfinite(number):
        return f"{s}/>"
    if isinstance(value, int) or (hasattr(value, "dtype") and value.dtype.kind in "iu"):
        number_text = str(int(value))
    else:
        number_text = repr(number)
    return f"{s}><v>{number_text}</v></c>"


def _footer_text(text: str) -> str:
    """Text for a header/footer section: "&" is a code there, so it is doubled; the few
    characters a cell cannot hold are dropped."""
    return cell_text(text).replace("&", "&&")[:120]


def _rows(sheet: SheetPlan) -> list[tuple[int, list[CellWrite]]]:
    """The planned cells by row, rows and cells in order; a later write of a cell wins.

    Rows given a height but no cell are there too (empty).
    """
    by_row: dict[int, dict[int, CellWrite]] = {}
    for write in sheet.cells:
        row = by_row.get(write.row)
        if row is None:
            row = by_row[write.row] = {}
        row[write.col] = write
    for r in sheet.row_heights:
        by_row.setdefault(r, {})
    # Plans write in row and column order as a rule: timsort then only checks.
    return [(r, [row[c] for c in sorted(row)]) for r, row in sorted(by_row.items())]


#: Strings gathered before a piece of a sheet is handed on (about 1 MB of XML).
_PIECE = 16_384


def sheet_xml(sheet: SheetPlan, styles: Styles, drawing_rel: str | None) -> Iterator[bytes]:
    """The worksheet part of a planned review sheet, in pieces of about a megabyte.

    Written as text, cell after cell (the 미집행 sheet of a 100,000-line book has 300,000).
    A text cell's body is made once per distinct (style, text) and reused: names of
    departments and 목 repeat thousands of times, and escaping them is most of the work.
    Pieces, so that the part is deflated while the rest is written (Package.set_bytes) and
    the sheet's text never exists whole.
    """
    rows = _rows(sheet)
    max_row = max([0, *(r for r, _ in rows), *(m[2] for m in sheet.merges)])
    max_col = max([0, *(ws[-1].col for _, ws in rows if ws), *(m[3] for m in sheet.merges)])
    dimension = "A1" if not sheet.cells else f"A1:{a1(max_row, max_col)}"
    out = [
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<worksheet xmlns="{NS_MAIN}" xmlns:r="{NS_R}">'
        '<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>'
        f'<dimension ref="{dimension}"/>'
        '<sheetViews><sheetView workbookViewId="0"/></sheetViews>'
        '<sheetFormatPr defaultRowHeight="15"/>'
    ]
    if sheet.col_widths:
        out.append("<cols>")
        for col in sorted(sheet.col_widths):
            width = quoteattr(_num(sheet.col_widths[col]))
            out.append(f'<col min="{col + 1}" max="{col + 1}" width={width} customWidth="1"/>')
        out.append("</cols>")
    out.append("<sheetData>")
    letters = [col_letter(c) for c in range(max_col + 1)]
    xf, known_xf = styles.xf, styles.xf_cache  # its cache read here: a call less per cell
    texts: dict[tuple[int, str], str] = {}
    heights = sheet.row_heights
    append = out.append
    for r, writes in rows:
        height = heights.get(r)
        ht = f' ht={quoteattr(_num(height))} customHeight="1"' if height is not None else ""
        number = str(r + 1)
        append(f'<row r="{number}"{ht}>')
        for write in writes:
            style = known_xf.get(write.style_key)
            if style is None:
                style = xf(write)
            value = write.value
            if type(value) is str and not write.formula:
                body = texts.get((style, value))
                if body is None:
                    body = texts[(style, value)] = cell_body(write, style)
            else:
                body = cell_body(write, style)
            append(f'<c r="{letters[write.col]}{number}"{body}')
        append("</row>")
        if len(out) > _PIECE:
            yield "".join(out).encode("utf-8")
            out.clear()
    out.append("</sheetData>")
    if sheet.merges:
        out.append(f'<mergeCells count="{len(sheet.merges)}">')
        for r1, c1, r2, c2 in sheet.merges:
            out.append(f'<mergeCell ref="{a1(r1, c1)}:{a1(r2, c2)}"/>')
        out.append("</mergeCells>")
    orientation = "landscape" if sheet.landscape else "portrait"
    out.append(
        '<pageMargins left="0.75" right="0.75" top="1" bottom="1" header="0.5" footer="0.5"/>'
        f'<pageSetup paperSize="9" orientation="{orientation}" fitToWidth="1" fitToHeight="0"/>'
    )
    left, right = sheet.footer
    footer = f"&L{_footer_text(left)}&C&P / &N&R{_footer_text(right)}"
    out.append(f"<headerFooter><oddFooter>{escape(footer)}</oddFooter></headerFooter>")
    if sheet.breaks:
        out.append(
            f'<rowBreaks count="{len(sheet.breaks)}" manualBreakCount="{len(sheet.breaks)}">'
        )
        out += [f'<brk id="{r}" max="16383" man="1"/>' for r in sorted(sheet.breaks)]
        out.append("</rowBreaks>")
    if drawing_rel:
        out.append(f'<drawing r:id="{drawing_rel}"/>')
    out.append("</worksheet>")
    yield "".join(out).encode("utf-8")


# ----------------------------------------------------------------------------- charts


def chart_parts(sheet: SheetPlan) -> tuple[bytes, list[bytes]]:
    """(drawing part, chart parts) of the sheet's charts, made by openpyxl's public API.

    openpyxl saves a throwaway workbook holding one sheet named like ours, with the charts;
    its drawing and chart parts are taken from that file.  The drawing's relationships are
    remade by the caller for the chart part names it chooses.
    """
    import zipfile

    from openpyxl import Workbook
    from openpyxl.chart import BarChart, Reference, Series

    wb = Workbook()
    ws = wb.active
    ws.title = sheet.name
    wanted = {(title_row, col) for spec in sheet.charts for col, _, _, title_row in spec.series}
    for write in sheet.cells:  # the series titles are read from the sheet
        if (write.row, write.col) in wanted and write.value is not None:
            ws.cell(row=write.row + 1, column=write.col + 1, value=str(write.value))
    for spec in sheet.charts:
        ws.add_chart(_bar_chart(spec, ws, BarChart, Reference, Series), a1(*spec.anchor))
    buffer = io.BytesIO()
    wb.save(buffer)
    with zipfile.ZipFile(buffer) as archive:
        drawing = archive.read("xl/drawings/drawing1.xml")
        charts = [archive.read(f"xl/charts/chart{i}.xml") for i in range(1, len(sheet.charts) + 1)]
    return drawing, charts


def _bar_chart(spec: ChartSpec, ws: Any, BarChart: Any, Reference: Any, Series: Any) -> Any:
    chart = BarChart()
    chart.type = "bar" if spec.horizontal else "col"
    chart.title = spec.title
    chart.style = 10
    chart.height, chart.width = 9, 18
    chart.x_axis.tickLblPos = "low"  # category labels clear of negative bars
    for col, first, last, title_row in spec.series:
        values = Reference(ws, min_col=col + 1, min_row=first + 1, max_row=last + 1)
        title = ws.cell(row=title_row + 1, column=col + 1).value if title_row >= 0 else None
        chart.series.append(Series(values, title=str(title) if title else None))
    cat_col, first, last = spec.categories
    chart.set_categories(Reference(ws, min_col=cat_col + 1, min_row=first + 1, max_row=last + 1))
    return chart


# ------------------------------------------------------------------------- rules in a sheet

_SHEET_DATA_END = re.compile(rb"</(?:[\w.-]+:)?sheetData\s*>|<(?:[\w.-]+:)?sheetData\s*/>")


def _root_start(data: bytes, name: str) -> tuple[Any, bytes]:
    """The worksheet root element (from its start tag only) and that start tag as bytes."""
    for _, element in etree.iterparse(io.BytesIO(data), events=("start",), **PARSER_OPTIONS):
        if local_name(element) != "worksheet":
            raise InputError(f"{name} 파트가 워크시트가 아닙니다 | {name} is not a worksheet")
        qname = element.prefix + ":worksheet" if element.prefix else "worksheet"
        decls = "".join(
            f" xmlns{':' + p if p else ''}={quoteattr(uri)}" for p, uri in element.nsmap.items()
        )
        return element, f"<{qname}{decls}>".encode()
    raise InputError(f"{name} 파트가 비어 있습니다 | {name} is empty")


def replace_rules(
    data: bytes, name: str, rules: list[RuleWrite], styles: Styles
) -> list[bytes | memoryview]:
    """The sheet part with xlbudget's rules (they mention RULE_MARKER) replaced by ``rules``,
    in pieces: the rows as they were (a view of ``data``, not a copy of it), then the rest.

    Rules of the user's own are kept as they are; only the part after ``sheetData`` is
    parsed and written again (see the module docstring).
    """
    try:
        root, start = _root_start(data, name)
    except etree.XMLSyntaxError as exc:
        raise InputError(f"{name} 파트를 읽을 수 없습니다 | cannot parse {name}: {exc}") from None
    # The last mention of sheetData is its end (nothing after it may name it); a byte
    # search finds it at memory speed in a sheet of 100,000 rows, and the tag is checked.
    mention = data.rfind(b"sheetData")
    end = _SHEET_DATA_END.match(data, data.rfind(b"<", 0, mention)) if mention > 0 else None
    if end is None or end.end() < mention:
        raise InputError(f"{name} 파트에 <sheetData>가 없습니다 | no <sheetData> in {name}")
    closing = end.group(0)
    self_closing = closing.endswith(b"/>")
    prefix = root.prefix + ":" if root.prefix else ""
    placeholder = f"<{prefix}sheetData/>".encode()
    tail_root = parse_xml(start + placeholder + data[end.end() :], name)
    _edit_rules(tail_root, rules, styles)
    serialized = etree.tostring(tail_root, encoding="UTF-8", xml_declaration=False)
    cut = serialized.index(placeholder) + len(placeholder)
    rows = memoryview(data)[: end.start()]
    return [rows, placeholder if self_closing else closing, serialized[cut:]]


def _formulas(rule: Any) -> str:
    return "".join(f.text or "" for f in rule.iter(q("formula")))


def _edit_rules(root: Any, rules: list[RuleWrite], styles: Styles) -> None:
    priorities = [0]
    for block in list(root.findall(q("conditionalFormatting"))):
        for rule in list(block.findall(q("cfRule"))):
            if RULE_MARKER in _formulas(rule):
                block.remove(rule)
            elif (rule.get("priority") or "").isdigit():
                priorities.append(int(rule.get("priority")))
        if block.find(q("cfRule")) is None:
            root.remove(block)
    top = max(priorities)
    blocks: dict[str, Any] = {}
    for i, rule in enumerate(rules, 1):
        block = blocks.get(rule.ref)
        if block is None:
            block = etree.Element(q("conditionalFormatting"), sqref=rule.ref)
            blocks[rule.ref] = block
        element = etree.SubElement(
            block,
            q("cfRule"),
            type="expression",
            dxfId=str(styles.dxf(rule)),
            priority=str(top + i),
        )
        if rule.stop:
            element.set("stopIfTrue", "1")
        etree.SubElement(element, q("formula")).text = rule.formula.lstrip("=")
    for block in blocks.values():
        insert_in_order(root, block, ORDER)
