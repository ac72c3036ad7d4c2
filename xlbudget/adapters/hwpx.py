"""The review as a Hangul document (HWPX, KS X 6101 / OWPML), drawn with python-hwpx.

Only drawing happens here: what the document says — every paragraph, table, span and
figure — is :class:`xlbudget.core.report.document.Document`, read from the same plan as the
검토_ sheets.  python-hwpx (Apache-2.0, maintained, lxml only) writes the package; text goes
in as run text, which the library escapes, so a formula- or markup-looking name stays
literal.

Layout, as council reports are printed: A4 portrait (the seed gives its text, not its page
setup: 20 mm sides, 20 mm top, 15 mm bottom), body in 함초롬바탕, tables in 맑은 고딕 with
shaded header rows that repeat on every page, amounts right-aligned, totals bold, "(단위 :
…)" right-aligned, "- N -" page numbers centred in the footer, every review sheet starting
a new page.  A table wider than the page in the sheet's column widths gets a smaller font
(down to 7 pt) rather than figures broken over two lines.
"""

from __future__ import annotations

import io
import itertools
import math
import uuid
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from ..core.report.document import Document, Paragraph, Table

#: HWP units: 7,200 per inch.
_MM = 7200 / 25.4
PAGE_WIDTH_MM, PAGE_HEIGHT_MM = 210.0, 297.0
MARGINS_MM = {"left": 20.0, "right": 20.0, "top": 20.0, "bottom": 15.0}
HEADER_FOOTER_MM = 15.0
BODY_FONT, TABLE_FONT = "함초롬바탕", "맑은 고딕"
BODY_SIZE, TABLE_SIZE, SMALLEST = 11.0, 9.0, 7.0
#: Excel's column width unit (the width of "0" in 11 pt Calibri) in millimetres.
_WIDTH_UNIT_MM = 1.9
#: A table row's least height (about one line of 9 pt text with the cell's margins).
ROW_HEIGHT = round(7.0 * _MM)
PLACEHOLDER_SHADE = "#FFF2CC"

_ALIGN = {"left": "LEFT", "center": "CENTER", "right": "RIGHT", None: "JUSTIFY"}


class _Styles:
    """The document's character and paragraph properties, made once each and reused."""

    def __init__(self, doc: Any) -> None:
        self.doc = doc
        self.header = doc.parts.headers[0]
        self._runs: dict[tuple[Any, ...], str] = {}
        self._paras: dict[tuple[Any, ...], str] = {}

    def run(self, font: str, size: float, bold: bool = False, shade: str | None = None) -> str:
        key = (font, size, bold, shade)
        if key not in self._runs:
            self._runs[key] = self.doc.styles.ensure_run(
                font=font, size=size, bold=bold, highlight=shade
            )
        return self._runs[key]

    def para(self, align: str | None, page_break: bool = False) -> str:
        key = (align, page_break)
        if key not in self._paras:
            self._paras[key] = self.header.ensure_paragraph_format(
                alignment=_ALIGN.get(align, "JUSTIFY"),
                break_setting={"page_break_before": page_break, "keep_with_next": False},
            )
        return self._paras[key]


@contextmanager
def _stable_ids() -> Iterator[None]:
    """python-hwpx numbers tables, footers and paragraphs from ``uuid4``: random, so two
    exports of the same review would differ in every id.  While a document is built, ids
    are counted instead (through the seam python-hwpx keeps for exactly this), so the same
    review gives the same file.  Without the seam (another python-hwpx) ids stay random."""
    try:
        from hwpx.oxml import _document_primitives as primitives
    except ImportError:
        yield
        return
    original = getattr(primitives, "uuid4", None)
    if original is None:
        yield
        return
    counter = itertools.count(1)
    primitives.uuid4 = lambda: uuid.UUID(int=1_000_000_000 + next(counter))
    try:
        yield
    finally:
        primitives.uuid4 = original


def hwpx_bytes(document: Document) -> bytes:
    """The document as an .hwpx package (the same document gives the same bytes)."""
    from hwpx import HwpxDocument

    with warnings.catch_warnings(), _stable_ids():
        warnings.simplefilter("ignore", DeprecationWarning)
        doc = HwpxDocument.new()
        doc.page.setup(
            paper_size="A4",
            orientation="PORTRAIT",
            margin_left_mm=MARGINS_MM["left"],
            margin_right_mm=MARGINS_MM["right"],
            margin_top_mm=MARGINS_MM["top"],
            margin_bottom_mm=MARGINS_MM["bottom"],
            header_margin_mm=HEADER_FOOTER_MM,
            footer_margin_mm=HEADER_FOOTER_MM,
        )
        styles = _Styles(doc)
        text_mm = PAGE_WIDTH_MM - MARGINS_MM["left"] - MARGINS_MM["right"]
        width = round(text_mm * _MM)
        first = True
        for part in document.parts:
            for block in part.blocks:
                if isinstance(block, Paragraph):
                    _paragraph(doc, styles, block, first)
                else:
                    _table(doc, styles, block, width, _table_size(block, text_mm), first)
                first = False
        doc.page.set_page_number(
            format_type="DIGIT", position="BOTTOM_CENTER", prefix="- ", suffix=" -"
        )
        out = io.BytesIO()
        doc.save_to_stream(out)
        return out.getvalue()


def _paragraph(doc: Any, styles: _Styles, block: Paragraph, first: bool) -> None:
    size = block.size or (BODY_SIZE + 1 if block.bold else BODY_SIZE)
    shade = PLACEHOLDER_SHADE if block.placeholder else None
    run = styles.run(BODY_FONT, size, block.bold, shade)
    para = styles.para(block.align, block.page_break and not first)
    if first:  # the blank document's one paragraph holds the section settings: use it
        paragraph = doc.paragraphs[0]
        paragraph.para_pr_id_ref = para
        paragraph.add_run(block.text, char_pr_id_ref=run)
        return
    doc.add_paragraph(block.text, para_pr_id_ref=para, char_pr_id_ref=run, inherit_style=False)


#: A line of text, in millimetres per point of font size (1 pt = 0.3528 mm; 160% spacing).
_LINE = 0.3528 * 1.6
#: A cell's inner margins (python-hwpx's default: 510 HWP units left and right, 141 top and
#: bottom), in millimetres, across and down, with a little room for the borders.
_CELL_PAD = 2 * 510 / _MM + 0.5
_CELL_PAD_DOWN = 2 * 141 / _MM + 1.0
#: The page's body height (A4 less the margins, header and footer), in HWP units.
_BODY_HEIGHT = round((297.0 - 20.0 - 15.0 - 2 * 15.0) * _MM)


def _lines(text: str, room_mm: float, size: float) -> int:
    """How many lines ``text`` takes in a cell ``room_mm`` wide (a Hangul syllable is about
    one em wide, a digit or Latin letter half of one)."""
    usable = max(room_mm - _CELL_PAD, size * 0.3528)
    return sum(max(1, math.ceil(_text_mm(part, size) / usable)) for part in text.split("\n"))


def _text_mm(text: str, size: float) -> float:
    """How wide ``text`` prints on one line at ``size`` points."""
    em = size * 0.3528
    return sum(em if ord(ch) >= 0x1100 else em * 0.6 for ch in text)


def _column_widths(block: Table, width_mm: float, size: float) -> list[float]:
    """Column widths in millimetres: the sheet's proportions, widened where a figure would
    break over two lines ("△200,00/0") or a word would not fit; the room is taken from the
    columns that have more than they need, figures first served."""
    total = sum(max(w, 1.0) for w in block.widths)
    share = [max(w, 1.0) / total * width_mm for w in block.widths]
    figures = [0.0] * block.cols  # a figure or a short header: never broken
    words = [0.0] * block.cols  # the longest word of a text column
    for cell in block.cells:
        if cell.colspan != 1 or not cell.text:
            continue
        if cell.numeric or (cell.row < block.header_rows and len(cell.text) <= 8):
            figures[cell.col] = max(figures[cell.col], _text_mm(cell.text, size) + 4.5)
        else:
            word = max((_text_mm(w, size) for w in cell.text.split()), default=0.0)
            words[cell.col] = max(words[cell.col], min(word + 4.5, width_mm * 0.3))
    two_syllables = 2 * size * 0.3528 + 4.5
    floors = [max(f, min(w, two_syllables)) for f, w in zip(figures, words, strict=True)]
    cols = [max(f, w, s) for f, w, s in zip(figures, words, share, strict=True)]
    for floor in (  # give back first down to each word, then down to the floors
        [max(f, w) for f, w in zip(figures, words, strict=True)],
        floors,
    ):
        excess = sum(cols) - width_mm
        slack = [max(c - f, 0.0) for c, f in zip(cols, floor, strict=True)]
        if excess <= 0:
            break
        take = min(1.0, excess / sum(slack)) if sum(slack) > 0 else 0.0
        cols = [c - sl * take for c, sl in zip(cols, slack, strict=True)]
    if sum(cols) > width_mm:  # even the floors do not fit: everything shrinks alike
        cols = [c * width_mm / sum(cols) for c in cols]
    return cols


def _table_size(block: Table, text_mm: float) -> float:
    """The font size at which the table's columns, as wide as on the sheet, fit the page."""
    sheet_mm = sum(block.widths) * _WIDTH_UNIT_MM * TABLE_SIZE / 11.0
    if sheet_mm <= text_mm:
        return TABLE_SIZE
    return max(SMALLEST, round(TABLE_SIZE * text_mm / sheet_mm * 2) / 2)


def _row_heights(block: Table, col_mm: list[float], size: float) -> list[int]:
    """Each row as tall as its longest text needs (HWP units): a reader that does not grow
    a row to its text (rhwp for one) would otherwise print lines over the next row.  A cell
    spanning rows shares its lines among them; what they lack goes to its last row."""
    line_mm = size * _LINE
    lines = [1] * block.rows
    spanning = []
    for cell in block.cells:
        if not cell.text:
            continue
        room = sum(col_mm[cell.col : cell.col + cell.colspan])
        need = _lines(cell.text, room, size)
        if cell.rowspan == 1:
            lines[cell.row] = max(lines[cell.row], need)
        else:
            spanning.append((cell, need))
    heights_mm = [max(ROW_HEIGHT / _MM, n * line_mm + _CELL_PAD_DOWN) for n in lines]
    for cell, need in spanning:
        rows = range(cell.row, min(cell.row + cell.rowspan, block.rows))
        short = need * line_mm + _CELL_PAD_DOWN - sum(heights_mm[r] for r in rows)
        if short > 0:
            heights_mm[rows[-1]] += short
    return [round(h * _MM) for h in heights_mm]


def _table(doc: Any, styles: _Styles, block: Table, width: int, size: float, first: bool) -> None:
    if block.page_break and not first:
        doc.add_paragraph("", para_pr_id_ref=styles.para(None, True), inherit_style=False)
    col_mm = _column_widths(block, width / _MM, size)
    heights = _row_heights(block, col_mm, size)
    table = doc.add_table(block.rows, block.cols, width=width, height=sum(heights))
    table.set_column_widths(col_mm)
    if sum(heights) > _BODY_HEIGHT:
        # A table laid out as a character never breaks across pages (Hangul cuts it at the
        # paper's edge): a tall one flows, and Hangul breaks it between rows.
        table.set_treat_as_char(False)
    if block.header_rows:
        table.element.set("repeatHeader", "1")
    spans = []
    # The grid before any merge (python-hwpx's ``cell()`` re-maps the grid on every call).
    grid = [row.cells for row in table.rows]
    for r, row in enumerate(grid):
        for c in row:
            c.set_size(height=heights[r])
    table.element.find("{*}sz").set("height", str(sum(heights)))
    shading: dict[str, str] = {}  # fill → borderFill id, minted once per colour
    for cell in block.cells:
        target = grid[cell.row][cell.col]
        if cell.text:
            target.set_text(cell.text, split_paragraphs="\n" in cell.text, preserve_format=False)
        run = styles.run(TABLE_FONT, size, cell.bold)
        para = styles.para(cell.align or ("center" if cell.row < block.header_rows else "left"))
        for paragraph in target.paragraphs:
            paragraph.para_pr_id_ref = para
            for r in paragraph.runs:
                r.char_pr_id_ref = run
        if cell.row < block.header_rows:
            target.element.set("header", "1")
        if cell.fill:
            if cell.fill not in shading:
                table.set_cell_shading(cell.row, cell.col, "#" + cell.fill)
                shading[cell.fill] = target.element.get("borderFillIDRef")
            target.element.set("borderFillIDRef", shading[cell.fill])
        if cell.rowspan > 1 or cell.colspan > 1:
            spans.append(cell)
    # Merge bottom-right first, so no merge shifts the cells a later one names.
    for cell in sorted(spans, key=lambda c: (c.row, c.col), reverse=True):
        table.merge_cells(
            cell.row, cell.col, cell.row + cell.rowspan - 1, cell.col + cell.colspan - 1
        )
