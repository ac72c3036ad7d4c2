"""Where the tables are: Excel Tables, header rows anywhere, stacked blocks, other years.

A table is found by its Excel Table (ListObject) first, else by a header row (one to three
rows, banded) holding the columns its kind needs, anywhere in any sheet but xlbudget's own.
A header row is given to the one kind it fits best (the most columns it names, then the
words of the sheet name, the caption above and the row labels: "세입" or "세출"), so no
table is read twice.  A table runs from its header to the next header, caption or unit
line, or the end of the sheet: blank rows inside do not end it.  Above a header, the
caption ("〈…세출 규모〉"), the unit line ("(단위 : 천원)"), a heading ("가. 사업명") and a
year are taken for the table.  A header row that names some of a kind's columns but not
all it needs is kept as a near miss: the user is told it was not read.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..model import BookData, TableRef
from ..refs import range_a1
from ..schema import GENERATED_PREFIXES, TABLES, TableSpec, name_key
from . import labels
from .headers import column_keys, header_key, header_unit, is_header_text, match_columns

MAX_HEADER_ROWS = 3
ABOVE = 4  # rows above a header searched for its caption, unit line and heading
_UNIT = re.compile(r"단위\s*[:：]?\s*([^\s,)%]+)")
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d)")


@dataclass
class Region:
    """One table as found: its header, its columns, its extent and what stands above it."""

    spec: TableSpec
    sheet: str
    header_row: int  # 0-based, the first header row
    header_rows: int
    first_col: int
    last_col: int
    last_row: int  # the last row that may belong to the table (before trimming)
    cols: dict[str, int]
    unknown: list[tuple[int, str]]
    how: str
    excel_name: str | None = None
    caption: str = ""
    heading: str | None = None
    unit: str | None = None
    year: str | None = None
    score: float = 0.0

    @property
    def body_start(self) -> int:
        return self.header_row + self.header_rows

    def ref(self, last_row: int | None = None) -> TableRef:
        name = self.excel_name or self.spec.table
        last = self.last_row if last_row is None else last_row
        return TableRef(name, self.sheet, self.header_row, self.first_col, last, self.last_col)

    @property
    def place(self) -> str:
        cells = range_a1(self.header_row, self.first_col, self.last_row, self.last_col)
        return f"시트 '{self.sheet}' {cells}"


@dataclass
class NearMiss:
    """A header row that looks like a table of ``spec`` but lacks columns it needs."""

    spec: TableSpec
    sheet: str
    row: int
    found: list[str]
    missing: list[str]
    col: int | None = None  # the header's first column


@dataclass
class Layout:
    """Every region and near miss of a book, and each sheet as the reader sees it."""

    regions: list[Region] = field(default_factory=list)
    near_misses: list[NearMiss] = field(default_factory=list)
    views: dict[str, list[list[Any]]] = field(default_factory=dict)  # merged text spread


# --------------------------------------------------------------------------- sheet views


def spread(rows: list[list[Any]], merges: Sequence[tuple[int, int, int, int]]) -> list[list[Any]]:
    """The rows with each merged range's text in every cell it covers (numbers are left:
    a merged amount counted twice would be wrong)."""
    if not merges:
        return rows
    out = [list(r) for r in rows]
    width = max((len(r) for r in rows), default=0)
    for r1, c1, r2, c2 in merges:
        if r1 >= len(out) or c1 >= len(out[r1]):
            continue
        c2 = min(c2, width - 1)  # a merge over the whole sheet spreads over its data only
        value = out[r1][c1]
        if not isinstance(value, str):
            continue
        for r in range(r1, min(r2, len(out) - 1) + 1):
            row = out[r]
            if len(row) <= c2:
                row.extend([None] * (c2 + 1 - len(row)))
            for c in range(c1, c2 + 1):
                if row[c] in (None, ""):
                    row[c] = value
    return out


def _cell(rows: list[list[Any]], r: int, c: int) -> Any:
    return rows[r][c] if r < len(rows) and c < len(rows[r]) else None


def _maybe_header(row: list[Any]) -> bool:
    """Cheap filter: two text cells or more and no number (data rows are skipped fast)."""
    texts = 0
    for v in row:
        if isinstance(v, str):
            texts += 1
        elif isinstance(v, (int, float)) and not isinstance(v, bool):
            return False
    return texts >= 2


# --------------------------------------------------------------------------- header rows


def _labels_complete(spec: TableSpec, cols: dict[str, int]) -> bool:
    return not spec.labels or any(label in cols for label in spec.labels)


def _assign_label_spans(
    spec: TableSpec, cols: dict[str, int], header: list[list[Any]], last_col: int
) -> None:
    """A label header over several columns names the spec's next labels ("구 분" over two
    columns of 세입: 구분, 세부)."""
    taken = set(cols.values())
    for i, label in enumerate(spec.labels):
        if label not in cols:
            continue
        col = cols[label]
        text = [header_key(r[col]) if col < len(r) else "" for r in header]
        nxt = col + 1
        for following in spec.labels[i + 1 :]:
            if following in cols or nxt > last_col or nxt in taken:
                break
            stack = [header_key(r[nxt]) if nxt < len(r) else "" for r in header]
            if any(s and s != t for s, t in zip(stack, text, strict=True)):
                break
            cols[following] = nxt
            taken.add(nxt)
            nxt += 1


def match_header(
    spec: TableSpec, view: list[list[Any]], r: int, lo: int = 0, hi: int | None = None
) -> tuple[int, dict[str, int], list[tuple[int, str]], int, int] | None:
    """(header rows, columns, unknown cells, first col, last col) if row ``r`` starts a
    header of ``spec`` within columns ``lo``..``hi``; the banded reading with the most
    columns wins."""
    best = None
    width = max((len(view[i]) for i in range(r, min(r + MAX_HEADER_ROWS, len(view)))), default=0)
    if hi is not None:
        width = min(width, hi + 1)
    for k in range(1, MAX_HEADER_ROWS + 1):
        if r + k > len(view):
            break
        rows = view[r : r + k]
        if k > 1 and (
            not _maybe_header(rows[-1])
            and not all(v in (None, "") or is_header_text(v) for v in rows[-1])
        ):
            break
        cols, unknown = match_columns(spec, rows, lo, width - 1)
        if not all(c in cols for c in spec.required) or not _labels_complete(spec, cols):
            continue
        first = min(cols.values())
        last = max(cols.values())
        while last + 1 < width and any(
            is_header_text(_cell(rows, i, last + 1)) for i in range(len(rows))
        ):
            last += 1
        while first > lo and any(
            is_header_text(_cell(rows, i, first - 1)) for i in range(len(rows))
        ):
            first -= 1
        _assign_label_spans(spec, cols, rows, last)
        unknown = [(c, t) for c, t in unknown if first <= c <= last and c not in cols.values()]
        if best is None or len(cols) > len(best[1]):
            best = (k, cols, unknown, first, last)
    return best


def _context_above(
    view: list[list[Any]], r: int, floor: int, lo: int = 0, hi: int | None = None
) -> tuple[str, str | None, str | None]:
    """(caption text, heading name, unit) from the rows just above a header, in columns
    ``lo``..``hi`` (a table standing beside another has its own caption)."""
    caption_parts: list[str] = []
    heading = unit = None
    for i in range(r - 1, max(floor, r - ABOVE) - 1, -1):
        cells = view[i][lo : None if hi is None else hi + 1]
        texts = [str(v).strip() for v in cells if isinstance(v, str) and v.strip()]
        if any(labels.is_number(v) for v in cells if not isinstance(v, str)):
            break
        for text in texts:
            m = _UNIT.search(text)
            if m and text.lstrip("(（[ ").startswith("단위"):
                unit = unit or m.group(1)
                continue
            name = labels.heading_name(text)
            if name and heading is None:
                heading = name
            caption_parts.append(text)
    return " ".join(reversed(caption_parts)), heading, unit


def _hint_score(spec: TableSpec, sheet: str, caption: str, body: list[str]) -> float:
    words = (*spec.hints, spec.key)
    score = 0.0
    if any(w in sheet for w in words):
        score += 3
    if any(w.replace(" ", "") in caption.replace(" ", "") for w in words):
        score += 3
    score += min(3, sum(any(w in label for w in spec.hints) for label in body))
    return score


def _body_labels(
    spec: TableSpec, view: list[list[Any]], start: int, cols: dict[str, int]
) -> list[str]:
    out = []
    columns = [cols[c] for c in (*spec.labels, "구분", "세부") if c in cols]
    for row in view[start : start + 30]:
        for c in columns:
            v = _cell([row], 0, c)
            if isinstance(v, str) and v.strip():
                out.append(name_key(v))
    return out


# --------------------------------------------------------------------------- the book


def _year(*texts: str | None) -> str | None:
    for text in texts:
        if text:
            m = _YEAR.search(text)
            if m:
                return m.group(1)
    return None


def find_regions(book: BookData, keys: Sequence[str] = tuple(TABLES)) -> Layout:
    """Every table of the kinds ``keys`` in ``book`` (see the module docstring).

    Every kind competes for each header, even when fewer are asked for: a 통계목증감 table
    is never taken for a 사업별증감 one because only 사업별증감 was wanted.
    """
    wanted = set(keys)
    specs = list(TABLES.values())
    all_keys = set().union(*(column_keys(s) for s in specs))
    layout = Layout()
    for sheet, rows in book.sheets.items():
        if sheet.startswith(GENERATED_PREFIXES):
            continue
        view = spread(rows, book.merges.get(sheet, ()))
        layout.views[sheet] = view
        taken: list[tuple[int, int]] = []
        found: list[Region] = []
        for table in book.tables:
            if table.sheet != sheet:
                continue
            region = _excel_table(table, specs, view, layout.near_misses)
            if region is not None:
                found.append(region)
                taken.append((region.header_row, region.last_row))
        candidates: list[Region] = []
        inside = np.zeros(len(view), dtype=bool)  # rows of an Excel Table (all, often)
        for a, b in taken:
            inside[max(a, 0) : b + 1] = True
        for r in np.flatnonzero(~inside).tolist():
            row = view[r]
            if not _maybe_header(row):
                continue
            if sum(header_key(v) in all_keys for v in row if isinstance(v, str)) < 2:
                continue
            whole = _best_region(specs, layout, sheet, view, r, 0, None)
            segments = _segments(view, r)
            parts = [_best_region(specs, layout, sheet, view, r, a, b) for a, b in segments]
            found_parts = [p for p in parts if p is not None]
            if len(found_parts) >= 2:  # tables side by side on one header row
                candidates += found_parts
            elif whole is not None:
                candidates.append(whole)
        # A header row inside another's banded header is not a table of its own; nor is
        # the header repeated after a page break (the same columns, nothing above it but
        # the table's own rows): the table goes on below it.
        kept: list[Region] = []
        for region in sorted(candidates, key=lambda reg: (reg.header_row, reg.first_col)):
            above = [k for k in kept if _overlap(k, region)]
            if above and above[-1].header_row + above[-1].header_rows > region.header_row:
                continue
            if above and _repeated_header(above[-1], region):
                continue
            kept.append(region)
        for region in kept:
            below = [k for k in kept if _overlap(k, region) and k.header_row > region.header_row]
            if below:
                nxt = min(below, key=lambda reg: reg.header_row)
                region.last_row = nxt.header_row - 1 - _rows_above(view, nxt.header_row)
            for a, _ in taken:  # stop before an Excel Table below
                if a > region.header_row:
                    region.last_row = min(region.last_row, a - 1)
            region.last_row = _before_foreign_header(view, region)
        found += kept
        found.sort(key=lambda reg: reg.header_row)
        layout.regions += found
    layout.near_misses = [
        m
        for m in layout.near_misses
        if m.spec.key in wanted
        and not any(
            reg.sheet == m.sheet and reg.header_row <= m.row <= reg.last_row
            for reg in layout.regions
        )
    ]
    return layout


def _best_region(
    specs: list[TableSpec],
    layout: Layout,
    sheet: str,
    view: list[list[Any]],
    r: int,
    lo: int,
    hi: int | None,
) -> Region | None:
    """The kind of table whose header row ``r`` (within columns lo..hi) fits best."""
    best: Region | None = None
    for spec in specs:
        match = match_header(spec, view, r, lo, hi)
        if match is None:
            _near_miss(layout, spec, sheet, view, r, lo, hi)
            continue
        k, cols, unknown, first, last = match
        caption, heading, unit = _context_above(view, r, 0, lo, last)
        if unit is None:
            units = (header_unit(_cell(view, r + i, c)) for i in range(k) for c in cols.values())
            unit = next((u for u in units if u), None)
        body = _body_labels(spec, view, r + k, cols)
        score = len(cols) + _hint_score(spec, sheet, caption, body)
        region = Region(
            spec,
            sheet,
            r,
            k,
            first,
            last,
            len(view) - 1,
            cols,
            unknown,
            f"머리글 {r + 1}행" + (f"~{r + k}행" if k > 1 else ""),
            caption=caption,
            heading=heading,
            unit=unit,
            year=_year(caption, heading, sheet),
            score=score,
        )
        if best is None or region.score > best.score:
            best = region
    return best


def _segments(view: list[list[Any]], r: int) -> list[tuple[int, int]]:
    """Column runs of a header row (and the row under it) split by an empty column: tables
    that stand side by side."""
    rows = view[r : r + 2]
    width = max(len(x) for x in rows)
    filled = [
        any(labels.has_value(_cell(rows, i, c)) for i in range(len(rows))) for c in range(width)
    ]
    out: list[tuple[int, int]] = []
    start = None
    for c, full in enumerate([*filled, False]):
        if full and start is None:
            start = c
        elif not full and start is not None:
            out.append((start, c - 1))
            start = None
    return out


def _before_foreign_header(view: list[list[Any]], region: Region) -> int:
    """The table's last row, before another table's header below it: after a blank row, a
    row of text only with text where this table has amounts ("올해 예산" over its 예산현액
    column) starts something else, even if xlbudget does not know what."""
    amounts = {
        region.cols[c] for c in (*region.spec.numeric, *region.spec.rates) if c in region.cols
    }
    known = column_keys(region.spec)  # its own header, repeated after a page break
    blank = False
    for r in range(region.body_start, min(region.last_row, len(view) - 1) + 1):
        cells = view[r][region.first_col : region.last_col + 1]
        present = [(region.first_col + i, v) for i, v in enumerate(cells) if labels.has_value(v)]
        if not present:
            blank = True
            continue
        if (
            blank
            and len(present) >= 2
            and all(is_header_text(v) for _, v in present)
            and any(c in amounts for c, _ in present)
            and sum(header_key(v) in known for _, v in present) * 2 < len(present)
        ):
            return r - 1
        blank = False
    return region.last_row


def _overlap(a: Region, b: Region) -> bool:
    return a.first_col <= b.last_col and b.first_col <= a.last_col


def _repeated_header(previous: Region, region: Region) -> bool:
    return (
        region.spec is previous.spec
        and region.cols == previous.cols
        and region.header_rows == previous.header_rows
        and not region.caption
        and region.heading is None
        and region.unit is None
    )


def _rows_above(view: list[list[Any]], r: int) -> int:
    """How many rows right above a header are its caption, unit line or heading."""
    n = 0
    for i in range(r - 1, max(0, r - ABOVE) - 1, -1):
        row = view[i]
        if any(isinstance(v, (int, float)) and not isinstance(v, bool) for v in row):
            break
        texts = [v for v in row if isinstance(v, str) and v.strip()]
        if not texts or len(texts) > 2:
            break
        n += 1
    return n


def _excel_table(
    table: TableRef, specs: list[TableSpec], view: list[list[Any]], misses: list[NearMiss]
) -> Region | None:
    """The Excel Table as a region of the kind its header says (its name breaks ties); a
    table named as ours whose header lacks needed columns is a near miss."""
    header = [_cell(view, table.first_row, c) for c in range(table.last_col + 1)]
    best: Region | None = None
    for spec in specs:
        cols, unknown = match_columns(spec, [header], table.first_col, table.last_col)
        if not all(c in cols for c in spec.required) or not _labels_complete(spec, cols):
            if table.name.lower() == spec.table.lower():  # ours by name, but not readable
                missing = [c for c in spec.required if c not in cols]
                misses.append(
                    NearMiss(
                        spec, table.sheet, table.first_row, list(cols), missing, table.first_col
                    )
                )
            continue
        caption, heading, unit = _context_above(view, table.first_row, 0)
        body = _body_labels(spec, view, table.first_row + 1, cols)
        score = len(cols) + _hint_score(spec, table.sheet, caption, body)
        score += 100 if table.name.lower() == spec.table.lower() else 0
        region = Region(
            spec,
            table.sheet,
            table.first_row,
            1,
            table.first_col,
            table.last_col,
            table.last_row,
            cols,
            unknown,
            f"엑셀 표 '{table.name}'",
            excel_name=table.name,
            caption=caption,
            heading=heading,
            unit=unit,
            year=_year(caption, heading, table.sheet),
            score=score,
        )
        if best is None or region.score > best.score:
            best = region
    return best


def _near_miss(
    layout: Layout,
    spec: TableSpec,
    sheet: str,
    view: list[list[Any]],
    r: int,
    lo: int = 0,
    hi: int | None = None,
) -> None:
    """Keep a header row that names two or more of ``spec``'s columns, an amount among them."""
    last = len(view[r]) - 1 if hi is None else min(hi, len(view[r]) - 1)
    cols, _ = match_columns(spec, view[r : r + 1], lo, last)
    amounts = set(spec.numeric) | {"값"}
    if len(cols) >= 2 and set(cols) & amounts:
        missing = [c for c in spec.required if c not in cols]
        if spec.labels and not any(label in cols for label in spec.labels):
            missing.append(" 또는 ".join(spec.labels))
        if missing and not any(m.sheet == sheet and m.row == r for m in layout.near_misses):
            first = min(cols.values())
            layout.near_misses.append(NearMiss(spec, sheet, r, list(cols), missing, first))
