"""A found table's rows turned into a typed DataFrame, and what was read of it.

Each body row is classified (:mod:`.labels`): lines become rows of the frame; 합계 and 소계
rows of a hierarchical table (세입, 세출, 사업별증감, 통계목증감) stay in it with their 수준
(derived from the labels when the sheet has no 수준 column) and are checked as totals; in a
flat table (집행현황, 정보화사업) they are kept apart and checked, never listed as lines; a
department's name alone on a row names the lines below it; blank rows, notes and repeated
headers are skipped.  Every skipped row is listed with its reason.  A project name printed
only on its first line, and a label merged over several rows, fill the rows below.
Numbers may be text ("1,234", "△594"); rates stored as fractions with a percent format
(0.85 shown as 85.0%) are read as percents, and the summary says so.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import compress
from operator import itemgetter
from typing import Any

import numpy as np
import pandas as pd

from ..model import Finding, TableRef
from ..money import parse_column
from ..refs import a1, col_letter, range_a1
from ..schema import TableSpec, name_key
from . import labels as kinds
from .headers import header_key
from .regions import Region

HIERARCHICAL = frozenset({"세입", "세출", "사업별증감", "통계목증감"})
#: Rows that are not lines of the table (each is listed in the reading summary).
SKIPPED_KINDS = frozenset(
    {kinds.BLANK, kinds.NOTE, kinds.HEADER, kinds.GROUP, kinds.PROJECT, kinds.MORE}
)
_ACCOUNT = re.compile(r"소계\s*[(（]\s*([^)）]+?)\s*[)）]")


@dataclass
class Skipped:
    row: int  # 0-based sheet row
    kind: str  # a labels kind (BLANK, GROUP, …)
    text: str = ""

    @property
    def reason(self) -> str:
        return kinds.REASONS.get(self.kind, self.kind)


@dataclass
class Block:
    """One region of a table, as read."""

    region: Region
    last_row: int  # the last row that belongs to the table (trailing non-rows trimmed)
    lines: int = 0
    totals: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    percent: list[str] = field(default_factory=list)  # rate columns read from fractions
    #: Figures typed as text ("△594", "1,234"), by column: the 0-based sheet rows.  Excel
    #: does not compute with them (ISNUMBER is FALSE), so a formula cannot take them over.
    text_numbers: dict[str, frozenset[int]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    #: Columns in the header that hold no number at all, so are read as absent.
    dropped: set[str] = field(default_factory=set)

    @property
    def cols(self) -> dict[str, int]:
        """Canonical column → sheet column, of the columns read (the header's own mapping,
        for writing into the table, is ``region.cols``)."""
        return {k: v for k, v in self.region.cols.items() if k not in self.dropped}

    @property
    def ref(self) -> TableRef:
        return self.region.ref(self.last_row)

    @property
    def place(self) -> str:
        r = self.region
        return f"시트 '{r.sheet}' {range_a1(r.header_row, r.first_col, self.last_row, r.last_col)}"


@dataclass
class Table:
    spec: TableSpec
    blocks: list[Block]
    #: Canonical columns; numbers as float (NaN = empty); "_row" = 0-based sheet row,
    #: "_block" = the block the row came from.
    frame: pd.DataFrame
    #: The 합계/소계 rows of a flat table (집행현황 …), apart from its lines.
    totals: pd.DataFrame = field(default_factory=pd.DataFrame)
    unit: str = ""
    unit_from: str = ""
    #: Half the step of the figures as typed: 0.5 for whole numbers, 0.05 for a table in
    #: 백만원 with one decimal.  What rounding of a shown figure can explain (the checks).
    half: float = 0.5

    @property
    def sheet(self) -> str:
        return self.blocks[0].region.sheet

    @property
    def ref(self) -> TableRef:
        return self.blocks[0].ref

    @property
    def cols(self) -> dict[str, int]:
        return self.blocks[0].cols

    def block_of(self, index: int) -> Block:
        return self.blocks[int(self._positions()[0][index])]

    def row(self, index: int) -> int:
        """0-based sheet row of the frame's row ``index`` (positional)."""
        return int(self._positions()[1][index])

    def _positions(self) -> tuple[Any, Any]:
        """The frame's block and row columns as arrays (indexing a pandas column once per
        row is what a 100,000-line check would otherwise spend its time on)."""
        cached = self.__dict__.get("_positions_cache")
        if cached is None or cached[2] is not self.frame:
            cached = (self.frame["_block"].to_numpy(), self.frame["_row"].to_numpy(), self.frame)
            self.__dict__["_positions_cache"] = cached
        return cached[0], cached[1]

    def column_of(self, index: int, column: str) -> int | None:
        return self.block_of(index).cols.get(column)

    def cell(self, index: int, column: str) -> str:
        """A1 text of ``column`` in the frame's row ``index`` ("" when not in the sheet)."""
        col = self.column_of(index, column)
        return "" if col is None else a1(self.row(index), col)

    def finding(self, index: int, column: str, rule: str, severity: Any, message: str) -> Finding:
        """A finding on ``column`` of the frame's row ``index``."""
        block = self.block_of(index)
        col = block.cols.get(column)
        return Finding(block.region.sheet, self.row(index), col, rule, severity, message)


# --------------------------------------------------------------------------- one block


def _value(rows: list[list[Any]], r: int, c: int) -> Any:
    return rows[r][c] if r < len(rows) and c < len(rows[r]) else None


def _rows(rows: list[list[Any]], first: int, last: int) -> list[list[Any]]:
    """Rows ``first``..``last`` of a sheet, a row past its end as an empty one."""
    out = rows[first : last + 1]
    return out + [[] for _ in range(last + 1 - first - len(out))]


def _column(rows: list[list[Any]], col: int, at: Any = None) -> list[Any]:
    """Column ``col`` of ``rows`` (of those at the ascending positions ``at``), None past
    a row's end."""
    picked = rows if at is None or len(at) == len(rows) else list(map(rows.__getitem__, at))
    if not picked:
        return []
    if min(map(len, picked)) > col:
        return list(map(itemgetter(col), picked))  # the common case: one C-level pass
    return [row[col] if col < len(row) else None for row in picked]


def _each(fn: Callable[[Any], Any], values: list[Any]) -> list[Any]:
    """``fn`` of each value, called once per distinct value: labels repeat down 100,000
    rows.  Only for an ``fn`` whose answer equal values share (not is_number: True == 1)."""
    try:
        distinct = set(values)
    except TypeError:  # an unhashable value: no shortcut
        return list(map(fn, values))
    memo = {v: fn(v) for v in distinct}
    return list(map(memo.__getitem__, values))


class Classifier:
    """The kind of each body row of one region (see :mod:`.labels`).

    Ordered for speed as much as sense: a city's table has 100,000 lines, and most rows are
    settled by their labels and first amount, without normalising a single header text.
    A row of one text and no amount is told by the column the text stands in: the outer
    label column (담당관, else the table's first column) names a department or group; the
    세부사업 column alone names a project; any other column (산출내역, 비고) continues the
    line above.
    """

    def __init__(self, spec: TableSpec, region: Region, header_keys: set[str]) -> None:
        self.spec, self.region, self.header_keys = spec, region, header_keys
        labels = (*spec.labels, "구분", "세부", "회계", "세부사업", "사업명")
        self.labels = [region.cols[c] for c in dict.fromkeys(labels) if c in region.cols]
        self.amounts = [region.cols[c] for c in (*spec.numeric, *spec.rates) if c in region.cols]
        # Lists of names (설정, 정보화사업, 검토주제) have no department rows.
        self.groups = bool(spec.numeric) and spec.key != "정보화사업"
        outer = region.cols.get("담당관", region.cols.get("구분"))
        self.outer = region.first_col if outer is None else outer
        inner = region.cols.get("세부사업")
        self.project = inner if inner is not None and inner != self.outer else None
        self.label_set = {
            region.cols[c] for c in (*spec.labels, "구분", "세부") if c in region.cols
        }

    def kinds(self, raw: list[list[Any]], view: list[list[Any]]) -> list[str]:
        """The kind of each row of ``view`` (``raw``: the same rows' own values).

        Decided column by column, each step only for the rows still undecided: a row with
        nothing in it is blank; one whose first cell is a note is a note; a total's label
        in a label column (the first such column decides) makes a total; a number in an
        amount column makes a line.  The few rows left (texts only) are told one by one.
        """
        region = self.region
        out: list[str] = [kinds.LINE] * len(view)
        firsts = np.full(len(view), None, dtype=object)  # each row's first cell with a value
        filled = np.zeros(len(view), dtype=bool)
        todo = np.arange(len(view))
        for col in range(region.first_col, region.last_col + 1):
            if not todo.size:
                break
            cells = _column(view, col, todo)
            values = np.fromiter(cells, dtype=object, count=len(cells))
            has = np.array(_each(kinds.has_value, cells), dtype=bool)
            firsts[todo[has]], filled[todo[has]] = values[has], True
            todo = todo[~has]
        for p in todo.tolist():
            out[p] = kinds.BLANK
        todo = np.flatnonzero(filled)
        note = np.array(_each(kinds.is_note, firsts[todo].tolist()), dtype=bool)
        for p in todo[note].tolist():
            out[p] = kinds.NOTE
        todo = todo[~note]
        for col in self.labels:
            if not todo.size:
                break
            found = _each(kinds.total_kind, _column(view, col, todo))
            total = np.array([k is not None for k in found], dtype=bool)
            for p, kind in zip(todo[total].tolist(), compress(found, total), strict=True):
                out[p] = kind
            todo = todo[~total]
        for col in self.amounts:
            if not todo.size:
                break
            # Not through _each: is_number(True) is False though True == 1.
            number = np.array([kinds.is_number(v) for v in _column(raw, col, todo)], dtype=bool)
            todo = todo[~number]  # a line
        for p in todo.tolist():
            out[p] = self._textual(view[p])
        return out

    def _textual(self, row: list[Any]) -> str:
        """The kind of a row of texts only (no total's label, no amount)."""
        region = self.region
        cells = row[region.first_col : region.last_col + 1]
        present = [v for v in cells if v is not None and (not isinstance(v, str) or v.strip())]
        texts = [header_key(v) for v in present if isinstance(v, str)]
        if len(texts) >= 2 and sum(t in self.header_keys for t in texts) * 2 >= len(present):
            return kinds.HEADER
        if self.groups and len({name_key(v) for v in present}) == 1:
            at = [
                region.first_col + i
                for i, v in enumerate(cells)
                if v is not None and (not isinstance(v, str) or v.strip())
            ]
            if self.outer in at:
                return kinds.GROUP  # a department (or group) name, alone or merged across
            if self.project is not None and at == [self.project]:
                return kinds.PROJECT
            if not set(at) & self.label_set:
                return kinds.MORE
        return kinds.LINE  # a line whose amounts are missing: the checks say so


def _trim(spec: TableSpec, region: Region, raw: list[list[Any]], view: list[list[Any]]) -> int:
    """The last row of the table: trailing rows without a number or a total are not in it."""
    amounts = [region.cols[c] for c in (*spec.numeric, *spec.rates, "값") if c in region.cols]
    last = min(region.last_row, len(view) - 1)
    while last >= region.body_start:
        row_values = [_value(view, last, c) for c in range(region.first_col, region.last_col + 1)]
        if any(kinds.is_number(_value(raw, last, c)) for c in amounts):
            break
        listed = spec.key == "정보화사업" or not spec.numeric
        if listed and any(kinds.has_value(v) for v in row_values[:1]):
            if not kinds.is_note(row_values[0]):
                break
        labels_here = [
            _value(view, last, region.cols[c])
            for c in (*spec.labels, "구분", "세부")
            if c in region.cols
        ]
        if any(kinds.total_kind(v) for v in labels_here):
            break
        last -= 1
    return max(last, region.body_start - 1)


#: A record's cell that the record does not have (a column only some rows were given).
_ABSENT = object()


def read_block(
    spec: TableSpec,
    region: Region,
    raw: list[list[Any]],
    view: list[list[Any]],
    percent: set[tuple[int, int]],
    index: int,
    findings: list[Finding],
) -> tuple[Block, pd.DataFrame, pd.DataFrame]:
    """The block's lines (and totals of a flat table) as frames, and what was read.

    The rows are taken a column at a time (a city's table has 100,000 of them): each row's
    kind, then each column of the records (the rows that are not skipped), then what the
    skipped rows say of the records around them (a department's name, a project's name,
    a continued text).
    """
    last = _trim(spec, region, raw, view)
    block = Block(region, last)
    header_keys = {
        header_key(_value(view, region.header_row + i, c))
        for i in range(region.header_rows)
        for c in range(region.first_col, region.last_col + 1)
    } - {""}
    first = region.body_start
    body_view, body_raw = _rows(view, first, last), _rows(raw, first, last)
    kind_of = Classifier(spec, region, header_keys).kinds(body_raw, body_view)
    label_cols = {
        c: region.cols[c]
        for c in spec.columns
        if c in region.cols and c not in spec.numeric and c not in spec.rates
    }
    at = np.array([p for p, k in enumerate(kind_of) if k not in SKIPPED_KINDS], dtype=int)
    kinds_at = [kind_of[p] for p in at.tolist()]
    read_as_line = np.array([k == kinds.LINE for k in kinds_at], dtype=bool)
    columns: dict[str, list[Any]] = {
        column: _column(body_view if column in label_cols else body_raw, col, at)
        for column, col in region.cols.items()
    }
    groups: list[tuple[int, str]] = []  # (position, text) of the department / group rows
    named: list[tuple[int, str]] = []  # … of the project rows
    more: list[int] = []  # … of the rows continuing the line above
    for p, kind in enumerate(kind_of):
        if kind not in SKIPPED_KINDS:
            continue
        text = _first_text(view, first + p, region)
        block.skipped.append(Skipped(first + p, kind, text[:40]))
        if kind == kinds.GROUP:
            groups.append((p, text))
        elif kind == kinds.PROJECT:
            named.append((p, text))
        elif kind == kinds.MORE:
            more.append(p)
    # Labels printed once (a project's name on its first line) fill the lines below.
    department = "담당관" in spec.columns  # a group row names a department (else a 구분)
    for column in (c for c in ("담당관", "세부사업", "구분") if c in label_cols):
        events: list[tuple[int, Any]] = [
            (p, _ABSENT if department or column != "구분" else text) for p, text in groups
        ]
        if column == "세부사업":
            events += named
        _fill_down(columns[column], read_as_line, at, events)
    if department and groups:
        _department(columns, at, groups)
    if spec.key == "통계목증감" and region.heading:
        values = columns.setdefault("세부사업", [_ABSENT] * len(at))
        for j, value in enumerate(values):
            if value is _ABSENT or not kinds.has_value(value):
                values[j] = region.heading
    by_col = {col: column for column, col in region.cols.items()}
    for p in more:
        j = int(np.searchsorted(at, p)) - 1  # the record above
        if j >= 0:
            _continue(columns, j, view, first + p, region, by_col)
    hierarchical = spec.key in HIERARCHICAL
    if hierarchical and "수준" not in region.cols:
        columns["수준"], columns["_parent"] = _hierarchy(spec, kinds_at)
    if not hierarchical and "통계목" in region.cols and "세부사업" in region.cols:
        _outline_totals(kinds_at, columns["통계목"], columns["세부사업"])
    records = {"_row": (at + first).tolist(), "_block": [index] * len(at), "_kind": kinds_at}
    records.update(columns)
    is_line = [k == kinds.LINE for k in kinds_at]  # outline totals are no lines
    lines = range(len(at)) if hierarchical else list(compress(range(len(at)), is_line))
    totals = [] if hierarchical else [j for j, line in enumerate(is_line) if not line]
    block.lines = sum(is_line[j] for j in lines)
    block.totals = len(lines) - block.lines + len(totals)
    names = ["_row", "_block", "_kind", *region.cols]
    if hierarchical and "수준" not in names:
        names.append("수준")
    fixed = 3 + len(region.cols)  # _row, _block, _kind and the header's columns
    frame = _frame(records, lines, fixed) if len(lines) else pd.DataFrame(columns=names)
    total_frame = _frame(records, totals, fixed) if totals else pd.DataFrame()
    if spec.key == "세출" and "회계" not in region.cols and not frame.empty:
        frame["회계"] = _accounts(frame)
    for fr in (frame, total_frame):
        if not fr.empty:
            _numbers(spec, region, fr, percent, block, findings)
    return block, frame, total_frame


def _fill_down(
    values: list[Any], lines: np.ndarray, at: np.ndarray, events: list[tuple[int, Any]]
) -> None:
    """A line without a ``values`` label takes the label last given above it: by a record
    with one (a total's label names nothing below it), or by a skipped row in ``events``
    ((position, label), ``_ABSENT`` when the row clears it: a new department)."""
    has = np.array(_each(kinds.has_value, values), dtype=bool)
    need = np.flatnonzero(~has & lines)
    if not need.size:
        return
    names = np.array([k is None for k in _each(kinds.total_kind, values)], dtype=bool) & has
    given = np.flatnonzero(names)
    events = events + list(zip(at[given].tolist(), [values[j] for j in given], strict=True))
    events.sort(key=itemgetter(0))
    places = np.array([p for p, _ in events], dtype=int)
    for j in need.tolist():
        e = int(np.searchsorted(places, at[j])) - 1
        if e >= 0 and events[e][1] is not _ABSENT:
            values[j] = events[e][1]


def _department(
    columns: dict[str, list[Any]], at: np.ndarray, groups: list[tuple[int, str]]
) -> None:
    """A line without a 담당관 takes the department named on a row of its own above it."""
    values = columns.setdefault("담당관", [_ABSENT] * len(at))
    places = np.array([p for p, _ in groups], dtype=int)
    above = np.searchsorted(places, at) - 1
    for j in np.flatnonzero(above >= 0).tolist():
        value = values[j]
        if value is _ABSENT or not kinds.has_value(value):
            values[j] = groups[above[j]][1]


def _frame(records: dict[str, list[Any]], rows: Sequence[int], fixed: int) -> pd.DataFrame:
    """The frame of ``rows`` of the records, as pandas makes one of the records as dicts:
    the first ``fixed`` columns every record has; a column only some have comes where the
    first of those has it (then in the records' order), NaN where a record lacks it."""
    every = len(rows) == len(records["_row"])  # rows are ascending: all of them
    picked = {
        name: values if every else list(map(values.__getitem__, rows))
        for name, values in records.items()
    }
    first: dict[str, int] = {}
    for k, (name, values) in enumerate(picked.items()):
        if k < fixed:
            first[name] = 0
            continue
        where = next((i for i, v in enumerate(values) if v is not _ABSENT), None)
        if where is not None:
            first[name] = where
            picked[name] = [np.nan if v is _ABSENT else v for v in values]
    names = sorted(first, key=first.__getitem__)  # stable: ties keep the records' order
    data = zip(*(picked[n] for n in names), strict=True)
    return pd.DataFrame.from_records(list(data), columns=names)


def _continue(
    columns: dict[str, list[Any]],
    j: int,
    view: list[list[Any]],
    r: int,
    region: Region,
    by_col: dict[int, str],
) -> None:
    """Text continuing the line above (산출내역 over several rows) joins that line's cell."""
    for c in range(region.first_col, region.last_col + 1):
        value = _value(view, r, c)
        column = by_col.get(c)
        if column is None or not kinds.has_value(value):
            continue
        before = columns[column][j]
        columns[column][j] = f"{before}\n{value}" if kinds.has_value(before) else value


def _hierarchy(spec: TableSpec, kinds_at: list[str]) -> tuple[list[int], list[int]]:
    """수준 and the parent of each row of a summary table typed without a 수준 column.

    Totals stand above their parts (총계 first, each 소계 above its rows, as the report
    prints) or below them (parts first, then their 소계, the 총계 last): the block's first
    row tells which.  In 통계목증감 every 계/소계 is a project's total (수준 0).
    """
    levels, parents = [0] * len(kinds_at), [-1] * len(kinds_at)
    if not kinds_at:
        return levels, parents
    items = spec.key == "통계목증감"
    sub_level = 0 if items else 1
    top = kinds_at[0] != kinds.LINE
    total: int | None = None
    sub: int | None = None
    pending: list[int] = []  # bottom-up: rows waiting for their total
    pending_subs: list[int] = []
    for i, kind in enumerate(kinds_at):
        if top:
            if kind == kinds.TOTAL and not items:
                levels[i], parents[i] = 0, -1
                total, sub = i, None
            elif kind != kinds.LINE:
                levels[i] = sub_level
                parents[i] = -1 if items or total is None else total
                sub = i
            else:
                parent = sub if sub is not None else total
                parents[i] = -1 if parent is None else parent
                levels[i] = levels[parent] + 1 if parent is not None else 1
            continue
        if kind == kinds.LINE:
            pending.append(i)
            levels[i], parents[i] = 1, -1
        elif kind == kinds.SUBTOTAL or items:
            levels[i], parents[i] = sub_level, -1
            for j in pending:
                parents[j], levels[j] = i, sub_level + 1
            pending, pending_subs = [], [*pending_subs, i]
        else:  # a grand total below everything
            levels[i], parents[i] = 0, -1
            for j in [*pending_subs, *pending]:
                parents[j] = i
            for j in pending:
                levels[j] = 1
            pending, pending_subs = [], []
    return levels, parents


def _outline_totals(kinds_at: list[str], items: list[Any], projects: list[Any]) -> None:
    """A project's own row in an outline (e-호조 style): its name and its items' totals,
    no 통계목, its items below it.  It is the project's total, not a line."""
    if len(kinds_at) < 2:
        return
    line = np.array([k == kinds.LINE for k in kinds_at], dtype=bool)
    has_item = np.array(_each(kinds.has_value, items), dtype=bool)
    has_project = np.array(_each(kinds.has_value, projects), dtype=bool)
    # Each row is judged on the kinds as read (the row below is not yet changed).
    heads = line[:-1] & ~has_item[:-1] & has_project[:-1] & line[1:] & has_item[1:]
    for i in np.flatnonzero(heads).tolist():
        if projects[i + 1] == projects[i]:
            kinds_at[i] = kinds.SUBTOTAL


def _first_text(view: list[list[Any]], r: int, region: Region) -> str:
    for c in range(region.first_col, region.last_col + 1):
        value = _value(view, r, c)
        if kinds.has_value(value):
            return str(value).strip()
    return ""


def _accounts(frame: pd.DataFrame) -> list[str]:
    """회계 of 세출 rows from their 소계 labels ("소계(일반회계)" → 일반회계 below it)."""
    out: list[str] = []
    account = ""
    for _, row in frame.iterrows():
        label = " ".join(str(row.get(c) or "") for c in ("구분", "세부"))
        m = _ACCOUNT.search(label)
        if row.get("_kind") == kinds.SUBTOTAL:
            account = m.group(1) if m else ""
            out.append(label.split()[-1] if m else "")
        elif row.get("_kind") == kinds.TOTAL:
            account = ""
            out.append("")
        else:
            out.append(account)
    return out


def _numbers(
    spec: TableSpec,
    region: Region,
    frame: pd.DataFrame,
    percent: set[tuple[int, int]],
    block: Block,
    findings: list[Finding],
) -> None:
    """Numeric and rate columns parsed in place (text numbers too); bad cells are findings;
    rates stored as fractions (a percent format, or a column that only fits as one) ×100."""
    for column in (*spec.numeric, *spec.rates, *(("수준",) if "수준" in frame else ())):
        if column not in frame:
            continue
        values, bad = parse_column(frame[column])
        if not pd.api.types.is_numeric_dtype(frame[column]):
            typed = frame[column].map(lambda v: isinstance(v, str)).to_numpy(dtype=bool)
            typed = typed & ~bad & ~np.isnan(values)
            if typed.any():
                rows = frame["_row"].to_numpy()[typed]
                block.text_numbers[column] = frozenset(int(r) for r in rows)
        col = region.cols.get(column)
        for i in np.flatnonzero(bad):
            findings.append(
                Finding(
                    region.sheet,
                    int(frame["_row"].iat[i]),
                    col,
                    "NOT_NUMBER",
                    "오류",
                    f"{column} 값이 숫자가 아닙니다: {frame[column].iat[i]!r}",
                )
            )
        if (
            column in spec.rates
            and col is not None
            and _fractions(spec, column, values, frame, percent, col)
        ):
            values = values * 100
            block.percent.append(column)
            block.notes.append(
                f"{column} 열은 백분율 서식의 소수(0.85 = 85%)로 입력되어 100을 곱해 읽었습니다"
            )
        frame[column] = values
    for column in frame.columns:
        if (
            column.startswith("_")
            or column in spec.numeric
            or column in spec.rates
            or column == "수준"
        ):
            continue
        frame[column] = _texts(frame[column])


def _fractions(
    spec: TableSpec,
    column: str,
    values: np.ndarray,
    frame: pd.DataFrame,
    percent: set[tuple[int, int]],
    col: int,
) -> bool:
    """Whether a rate column holds fractions: its cells have a percent format, or every
    value is within ±1.5 and the rates its row's amounts give are 100 times the values."""
    rows = frame["_row"].to_numpy()[np.isfinite(values)]
    if percent and any((int(r), col) in percent for r in rows[:20]):
        return True
    finite = values[np.isfinite(values)]
    if finite.size < 2 or np.abs(finite).max() > 1.5:
        return False
    expected = _expected_rates(spec, column, frame)
    if expected is None:
        return False
    # Only rows whose rate tells the two readings apart (a 0.0 reads the same either way).
    ok = np.isfinite(expected) & np.isfinite(values) & (np.abs(expected) >= 1.5)
    if ok.sum() < 2:
        return False
    as_fraction = np.abs(values[ok] * 100 - expected[ok]) <= 0.6
    as_percent = np.abs(values[ok] - expected[ok]) <= 0.6
    return bool(as_fraction.mean() >= 0.8 and as_fraction.sum() > as_percent.sum())


def _expected_rates(spec: TableSpec, column: str, frame: pd.DataFrame) -> np.ndarray | None:
    def numbers(name: str) -> np.ndarray | None:
        if name not in frame:
            return None
        values, _ = parse_column(frame[name])
        return values

    with np.errstate(all="ignore"):
        if column == "불용률":
            budget, spent = numbers("예산현액"), numbers("지출액")
            if budget is None or spent is None:
                return None
            return (budget - np.nan_to_num(spent)) / budget * 100
        if column.startswith("증감율_"):
            base, new = numbers(column.split("_", 1)[1]), numbers("추경")
            if base is None or new is None:
                return None
            return (new - base) / base * 100
    return None


def _texts(column: pd.Series) -> pd.Series:
    """:func:`_text` of each cell.  A column of texts only (labels: a project's name on
    each of its lines) is mapped through a table of its distinct texts, each made once;
    only texts, since ``_text`` tells values apart that compare equal (True and 1)."""
    values = column.tolist()
    if set(map(type, values)) == {str}:
        distinct = set(values)
        texts = {v: _text(v) for v in distinct}
        if all(texts[v] == v for v in distinct) and _same_dtype(column):
            return column.copy()  # every text is already as read (the usual case)
        return column.map(texts.__getitem__)
    return column.map(_text)


def _same_dtype(column: pd.Series) -> bool:
    """Whether mapping ``column`` keeps its dtype (asked of one cell: texts give texts)."""
    return column.iloc[:1].map(_text).dtype == column.dtype


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        if value != value:
            return ""
        if value.is_integer():
            return str(int(value))
    return str(value).strip()


def combine(spec: TableSpec, blocks: Sequence[tuple[Block, pd.DataFrame, pd.DataFrame]]) -> Table:
    """The blocks of one kind as one table (stacked blocks, one sheet per department …)."""
    frames = []
    offset = 0
    for _, f, _ in blocks:
        if f.empty:
            continue
        if "_parent" in f:  # positions within the block → positions within the table
            f["_parent"] = [p + offset if p >= 0 else -1 for p in f["_parent"].fillna(-1)]
        frames.append(f)
        offset += len(f)
    totals = [t for _, _, t in blocks if not t.empty]
    frame = pd.concat(frames, ignore_index=True) if frames else blocks[0][1]
    for column in (*spec.numeric, *spec.rates):
        if column in frame:
            frame[column] = frame[column].astype(float)
    total = pd.concat(totals, ignore_index=True) if totals else pd.DataFrame()
    return Table(spec, [b for b, _, _ in blocks], frame, total, half=_half(spec, frame))


def _half(spec: TableSpec, frame: pd.DataFrame) -> float:
    """Half the step of the amounts as typed: whole numbers give 0.5; one or two decimals
    typed by hand give 0.05 or 0.005.  Three or more decimals are a computed or converted
    figure whose shown form is unknown here: the lenient 0.5 is kept."""
    columns = [c for c in spec.numeric if c in frame]
    if not columns or frame.empty:
        return 0.5
    values = frame[columns].to_numpy(dtype=float).ravel()
    values = np.abs(values[np.isfinite(values)])
    if values.size == 0:
        return 0.5
    for digits in (0, 1, 2):
        scaled = values * 10**digits
        if np.all(np.abs(scaled - np.round(scaled)) < 1e-6 * np.maximum(1, scaled)):
            return 0.5 * 10.0**-digits
    return 0.5


def column_letter(col: int | None) -> str:
    return "" if col is None else col_letter(col)
