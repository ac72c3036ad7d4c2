"""The review as a document: the 검토_ sheets' plan read as paragraphs and tables.

One report model, two renderers: the review sheets are written from the plan's
``SheetPlan``s, and the document (the HWPX export) is made from the very same ``SheetPlan``s
by reading their layout back — a bordered run of rows is a table (its shaded rows the
header, its merges the spans), any other cell with text is a paragraph.  No second template
system exists that could say something the sheets do not.

Pure data in, pure data out: renderers (:mod:`xlbudget.adapters.hwpx`) only draw it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from ..numformat import as_shown
from ..plan import CellWrite, Plan, SheetPlan
from ..refs import a1
from ..schema import REVIEW_PREFIX
from .values import resolve

#: The fill of an opinion placeholder ("○ 검토의견: (작성)"): the officer writes it.
PLACEHOLDER_FILL = "FFF2CC"


@dataclass(frozen=True)
class Paragraph:
    text: str
    bold: bool = False
    size: float | None = None
    align: str | None = None  # "left" | "center" | "right"
    #: An opinion the officer writes in Hangul (shown shaded, as on the sheet).
    placeholder: bool = False
    #: Starts a new page (a page break of the sheet, or the sheet's first line).
    page_break: bool = False
    #: Where it came from, for messages: (sheet, 0-based row, 0-based column).
    source: tuple[str, int, int] = ("", 0, 0)


@dataclass(frozen=True)
class TableCell:
    row: int
    col: int
    text: str
    rowspan: int = 1
    colspan: int = 1
    bold: bool = False
    fill: str | None = None
    align: str | None = None
    numeric: bool = False


@dataclass(frozen=True)
class Table:
    rows: int
    cols: int
    #: Relative widths of the columns (the sheet's column widths).
    widths: tuple[float, ...]
    cells: tuple[TableCell, ...]
    #: Shaded rows at the top: the header, repeated on every page the table spans.
    header_rows: int = 0
    page_break: bool = False
    source: tuple[str, int, int] = ("", 0, 0)


Block = Paragraph | Table


@dataclass(frozen=True)
class Part:
    """One review sheet's share of the document."""

    sheet: str
    title: str
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class Document:
    title: str
    parts: tuple[Part, ...]
    #: Formula cells whose value xlbudget could not compute: shown empty, listed here.
    unknown: tuple[str, ...] = field(default_factory=tuple)
    #: Charts of the sheets, which the document does not draw: "sheet: title", listed here.
    charts: tuple[str, ...] = field(default_factory=tuple)

    def texts(self) -> list[str]:
        """Every paragraph and every table cell text, in reading order (tests, search)."""
        out: list[str] = []
        for part in self.parts:
            for block in part.blocks:
                if isinstance(block, Paragraph):
                    out.append(block.text)
                else:
                    out += [c.text for c in block.cells]
        return out


def shown_text(write: CellWrite) -> str:
    """The text the sheet shows in this cell (a formula: what it computes to)."""
    value = write.shows if write.formula else write.value
    if write.formula and value is None:
        return ""
    return as_shown(value, write.number_format)


def document(plan: Plan) -> Document:
    """The document of the plan's review sheets, in their order."""
    parts: list[Part] = []
    unknown: list[str] = []
    charts: list[str] = []
    title = ""
    for sheet in plan.sheets:
        charts += [f"{sheet.name}: {chart.title}" for chart in sheet.charts]
        resolve(sheet.cells, plan.digits)
        unknown += [
            f"{sheet.name}!{a1(w.row, w.col)}" for w in sheet.cells if w.formula and w.shows is None
        ]
        part = _part(sheet)
        parts.append(part)
        title = title or sheet.footer[0]
    return Document(title, tuple(parts), tuple(unknown), tuple(charts))


def _part(sheet: SheetPlan) -> Part:
    rows: dict[int, list[CellWrite]] = {}
    for write in sheet.cells:
        rows.setdefault(write.row, []).append(write)
    covered: set[tuple[int, int]] = set()
    spans: dict[tuple[int, int], tuple[int, int]] = {}
    for r0, c0, r1, c1 in sheet.merges:
        spans[(r0, c0)] = (r1 - r0 + 1, c1 - c0 + 1)
        covered |= {(r, c) for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)} - {(r0, c0)}
    bordered = {r for r, ws in rows.items() if any(w.border for w in ws)}
    # A merge down from a bordered row keeps the rows it covers inside the table.
    for r0, _c0, r1, _ in sheet.merges:
        if r0 in bordered:
            bordered |= set(range(r0, r1 + 1))
    breaks = set(sheet.breaks)
    blocks: list[Block] = []
    pending_break = True  # every sheet starts a page
    last = max(rows, default=-1)
    r = 0
    while r <= last:
        if r in breaks:
            pending_break = True
        if r in bordered:
            end = r
            # One table however many pages it spans: the word processor breaks it and
            # repeats its header (the sheet's page breaks inside it are Excel's, not ours).
            while end + 1 in bordered:
                end += 1
            blocks.append(_table(sheet, rows, range(r, end + 1), spans, covered, pending_break))
            pending_break = False
            r = end + 1
            continue
        for write in sorted(rows.get(r, []), key=lambda w: w.col):
            text = shown_text(write)
            if not text.strip() or (r, write.col) in covered:
                continue
            blocks.append(
                Paragraph(
                    text,
                    bold=write.bold,
                    size=write.font_size,
                    align=write.align,
                    placeholder=write.fill == PLACEHOLDER_FILL,
                    page_break=pending_break,
                    source=(sheet.name, r, write.col),
                )
            )
            pending_break = False
        r += 1
    return Part(sheet.name, sheet.name.removeprefix(REVIEW_PREFIX), tuple(blocks))


def _table(
    sheet: SheetPlan,
    rows: dict[int, list[CellWrite]],
    span: Iterable[int],
    spans: dict[tuple[int, int], tuple[int, int]],
    covered: set[tuple[int, int]],
    page_break: bool,
) -> Table:
    row_list = list(span)
    first, last_row = row_list[0], row_list[-1]
    cols_used = sorted(
        {
            c
            for r in row_list
            for w in rows.get(r, [])
            if w.border
            for c in range(w.col, w.col + spans.get((r, w.col), (1, 1))[1])
        }
    )
    lo, hi = cols_used[0], cols_used[-1]
    # A column no cell starts in (covered by merges in every row) would be dropped by a
    # word processor's table model; it is folded into its neighbour instead.
    starts = {w.col for r in row_list for w in rows.get(r, []) if (r, w.col) not in covered}
    starts |= {c for c in range(lo, hi + 1) if not any((r, c) in covered for r in row_list)}
    grid = [c for c in range(lo, hi + 1) if c in starts]
    index = {c: i for i, c in enumerate(grid)}
    widths = []
    for i, c in enumerate(grid):
        nxt = grid[i + 1] if i + 1 < len(grid) else hi + 1
        widths.append(sum(sheet.col_widths.get(k, 9.0) for k in range(c, nxt)))
    cells: list[TableCell] = []
    header_rows = 0
    counting_header = True
    for r in row_list:
        writes = {w.col: w for w in rows.get(r, [])}
        framed = [w for w in writes.values() if w.border]
        is_header = bool(framed) and all(w.fill for w in framed)
        if counting_header and is_header:
            header_rows += 1
        else:
            counting_header = False
        for c in grid:
            if (r, c) in covered:
                continue
            down, across = spans.get((r, c), (1, 1))
            down = min(down, last_row - r + 1)
            end_col = c + across - 1
            colspan = sum(1 for g in grid if c <= g <= end_col)
            write = writes.get(c)
            text = shown_text(write) if write is not None else ""
            numeric = write is not None and (write.formula or isinstance(write.value, (int, float)))
            cells.append(
                TableCell(
                    r - first,
                    index[c],
                    text,
                    down,
                    max(colspan, 1),
                    bold=bool(write and write.bold),
                    fill=write.fill if write is not None else None,
                    align=(write.align if write is not None and write.align else None)
                    or ("right" if numeric else None),
                    numeric=numeric,
                )
            )
    return Table(
        len(row_list),
        len(grid),
        tuple(widths),
        tuple(cells),
        header_rows,
        page_break,
        (sheet.name, first, lo),
    )
