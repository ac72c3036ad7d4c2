"""Where the printed pages of a review sheet break: never after a title or a table's header
alone, never through a chart.

Excel and LibreOffice break pages by height; xlbudget cannot ask them, so it estimates the
same way they print a sheet set to fit one page wide: the columns' width gives the scale,
the rows' heights (15 points unless set) give each page's rows.  Where a page would end
inside the rows that lead into a table (its caption, unit line and header) or inside a
chart, a manual break is put before them instead.  The estimate errs early: a break that
is a row too soon costs a little white space; one too late leaves a header alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..plan import SheetPlan

#: A4 in points, and the margins the review sheets print with (0.75" sides, 1" top/bottom).
A4 = (595.0, 842.0)
MARGINS = (54.0 * 2, 72.0 * 2)
ROW_HEIGHT = 15.0
DEFAULT_WIDTH = 8.43
CHART_ROWS = 18  # a chart is 260 points high: about 18 rows
LEAD_ROWS = 8  # rows above a table's first line kept with it (caption, unit, header)
SMALL_TABLE = 25  # a table of no more lines than this is kept whole on one page


def _column_points(width: float) -> float:
    """Excel's column width (in digit widths) as printed points (7 px a digit + 5 px)."""
    return (width * 7 + 5) * 0.75


def document_keeps(items: Sequence[dict[str, Any]], start: int) -> list[tuple[int, int]]:
    """Runs of document rows (검토의견) that stay on one page: a heading with its paragraph,
    a table from its caption (or header) to its last line."""
    keeps: list[tuple[int, int]] = []
    open_at: int | None = None
    for i, item in enumerate(items):
        kind = item.get("_kind")
        row = start + i
        if kind == "heading":
            keeps.append((row, row + 1))
        if kind in ("caption", "subheading") or (kind in ("unit", "head") and open_at is None):
            open_at = row if open_at is None else open_at
        if kind in ("blank", "opinion", "text", "heading") and open_at is not None:
            keeps.append((open_at, row - 1))
            open_at = None
    if open_at is not None:
        keeps.append((open_at, start + len(items) - 1))
    return keeps


def page_breaks(
    plan: SheetPlan,
    blocks: Sequence[tuple[int, int]],
    extra: Sequence[tuple[int, int]] = (),
) -> list[int]:
    """Rows (0-based) before which a page must break, for the sheet's blocks and charts
    (and ``extra`` runs to keep together)."""
    # One pass over the cells (a city's sheet has hundreds of thousands): the last row and
    # column, and the rows that show something.
    last = last_col = 0
    filled: set[int] = set()
    for c in plan.cells:
        if c.row > last:
            last = c.row
        if c.col > last_col:
            last_col = c.col
        if c.value is not None and c.value != "":
            filled.add(c.row)
    last = max([last, *(c.anchor[0] + CHART_ROWS for c in plan.charts)])
    width = sum(_column_points(plan.col_widths.get(c, DEFAULT_WIDTH)) for c in range(last_col + 1))
    page_w, page_h = (A4[1], A4[0]) if plan.landscape else A4
    scale = min(1.0, (page_w - MARGINS[0]) / max(width, 1.0))
    room = (page_h - MARGINS[1]) / scale
    titles = 0.0
    if plan.title_rows and plan.title_rows[0] >= 0:
        titles = sum(
            plan.row_heights.get(r, ROW_HEIGHT)
            for r in range(plan.title_rows[0], plan.title_rows[1] + 1)
        )
    # Runs of rows that must stay on one page: a table's lead-in with its first line, a chart.
    keep: list[tuple[int, int]] = []
    previous_end = -1
    for start, end in blocks:
        lead = start
        while (
            lead > previous_end + 1
            and start - lead < LEAD_ROWS
            and (lead - 1 in filled or lead - 2 in filled)
        ):
            lead -= 1
        while lead < start and lead not in filled:  # not from a blank row
            lead += 1
        keep.append((lead, end if end - start < SMALL_TABLE else start))
        previous_end = end
    keep += [(c.anchor[0], c.anchor[0] + CHART_ROWS - 1) for c in plan.charts]
    keep += list(extra)
    breaks: list[int] = []
    used, page_start, r = 0.0, 0, 0
    while r <= last:
        height = plan.row_heights.get(r, ROW_HEIGHT)
        if used + height > room and r > page_start:
            run = next((k for k in keep if k[0] < r <= k[1] and k[0] > page_start), None)
            r = run[0] if run else r
            breaks.append(r)
            page_start = r
            used = titles if plan.title_rows and r > plan.title_rows[1] else 0.0
            continue
        used += height
        r += 1
    return breaks
