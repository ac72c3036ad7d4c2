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
from collections.abc import Sequence
from dataclasses import dataclass, field
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

    def __call__(self, raw: list[list[Any]], view: list[list[Any]], r: int) -> str:
        region = self.region
        row = view[r] if r < len(view) else []
        cells = row[region.first_col : region.last_col + 1]
        present = [v for v in cells if v is not None and (not isinstance(v, str) or v.strip())]
        if not present:
            return kinds.BLANK
        if kinds.is_note(present[0]):
            return kinds.NOTE
        for col in self.labels:
            kind = kinds.total_kind(row[col]) if col < len(row) else None
            if kind:
                return kind
        values = raw[r] if r < len(raw) else []
        if any(c < len(values) and kinds.is_number(values[c]) for c in self.amounts):
            return kinds.LINE
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


def read_block(
    spec: TableSpec,
    region: Region,
    raw: list[list[Any]],
    view: list[list[Any]],
    percent: set[tuple[int, int]],
    index: int,
    findings: list[Finding],
) -> tuple[Block, pd.DataFrame, pd.DataFrame]:
    """The block's lines (and totals of a flat table) as frames, and what was read."""
    last = _trim(spec, region, raw, view)
    block = Block(region, last)
    header_keys = {
        header_key(_value(view, region.header_row + i, c))
        for i in range(region.header_rows)
        for c in range(region.first_col, region.last_col + 1)
    } - {""}
    classify = Classifier(spec, region, header_keys)
    label_cols = {
        c: region.cols[c]
        for c in spec.columns
        if c in region.cols and c not in spec.numeric and c not in spec.rates
    }
    records: list[dict[str, Any]] = []
    department: str | None = None
    fills: dict[str, Any] = {}
    by_col = {col: column for column, col in region.cols.items()}
    once = [c for c in ("담당관", "세부사업", "구분") if c in label_cols]
    for r in range(region.body_start, last + 1):
        kind = classify(raw, view, r)
        if kind in SKIPPED_KINDS:
            text = _first_text(view, r, region)
            block.skipped.append(Skipped(r, kind, text[:40]))
            if kind == kinds.GROUP:
                if "담당관" in spec.columns:
                    department, fills = text, {}
                else:  # a group of a summary table ("세외수입" over its rows)
                    fills = {"구분": text}
            elif kind == kinds.PROJECT:
                fills["세부사업"] = text
            elif kind == kinds.MORE and records:
                _continue(records[-1], view, r, region, by_col)
            continue
        record: dict[str, Any] = {"_row": r, "_block": index, "_kind": kind}
        for column, col in region.cols.items():
            source = view if column in label_cols else raw
            record[column] = _value(source, r, col)
        # Labels printed once (a project's name on its first line) fill the lines below.
        for column in once:
            value = record.get(column)
            if kinds.has_value(value):
                if kinds.total_kind(value) is None:  # "소계" names nothing below it
                    fills[column] = value
            elif column in fills and kind == kinds.LINE:
                record[column] = fills[column]
        if department is not None and not kinds.has_value(record.get("담당관")):
            record["담당관"] = department
        if spec.key == "통계목증감" and not kinds.has_value(record.get("세부사업")):
            if region.heading:
                record["세부사업"] = region.heading
        records.append(record)
    hierarchical = spec.key in HIERARCHICAL
    if hierarchical and "수준" not in region.cols:
        _hierarchy(spec, records)
    if not hierarchical and "통계목" in region.cols and "세부사업" in region.cols:
        _outline_totals(records)
    totals = [] if hierarchical else [x for x in records if x["_kind"] != kinds.LINE]
    if not hierarchical:
        records = [x for x in records if x["_kind"] == kinds.LINE]
    block.lines = sum(x["_kind"] == kinds.LINE for x in records)
    block.totals = len(records) - block.lines + len(totals)
    columns = ["_row", "_block", "_kind", *region.cols]
    if hierarchical and "수준" not in columns:
        columns.append("수준")
    frame = pd.DataFrame.from_records(records) if records else pd.DataFrame(columns=columns)
    total_frame = pd.DataFrame.from_records(totals) if totals else pd.DataFrame()
    if spec.key == "세출" and "회계" not in region.cols and not frame.empty:
        frame["회계"] = _accounts(frame)
    for fr in (frame, total_frame):
        if not fr.empty:
            _numbers(spec, region, fr, percent, block, findings)
    return block, frame, total_frame


def _continue(
    record: dict[str, Any], view: list[list[Any]], r: int, region: Region, by_col: dict[int, str]
) -> None:
    """Text continuing the line above (산출내역 over several rows) joins that line's cell."""
    for c in range(region.first_col, region.last_col + 1):
        value = _value(view, r, c)
        column = by_col.get(c)
        if column is None or not kinds.has_value(value):
            continue
        before = record.get(column)
        record[column] = f"{before}\n{value}" if kinds.has_value(before) else value


def _hierarchy(spec: TableSpec, records: list[dict[str, Any]]) -> None:
    """수준 and the parent of each row of a summary table typed without a 수준 column.

    Totals stand above their parts (총계 first, each 소계 above its rows, as the report
    prints) or below them (parts first, then their 소계, the 총계 last): the block's first
    row tells which.  In 통계목증감 every 계/소계 is a project's total (수준 0).
    """
    if not records:
        return
    items = spec.key == "통계목증감"
    sub_level = 0 if items else 1
    top = records[0]["_kind"] != kinds.LINE
    total: int | None = None
    sub: int | None = None
    pending: list[int] = []  # bottom-up: rows waiting for their total
    pending_subs: list[int] = []
    for i, record in enumerate(records):
        kind = record["_kind"]
        if top:
            if kind == kinds.TOTAL and not items:
                record["수준"], record["_parent"] = 0, -1
                total, sub = i, None
            elif kind != kinds.LINE:
                record["수준"] = sub_level
                record["_parent"] = -1 if items or total is None else total
                sub = i
            else:
                parent = sub if sub is not None else total
                record["_parent"] = -1 if parent is None else parent
                record["수준"] = records[parent]["수준"] + 1 if parent is not None else 1
            continue
        if kind == kinds.LINE:
            pending.append(i)
            record["수준"], record["_parent"] = 1, -1
        elif kind == kinds.SUBTOTAL or items:
            record["수준"], record["_parent"] = sub_level, -1
            for j in pending:
                records[j]["_parent"], records[j]["수준"] = i, sub_level + 1
            pending, pending_subs = [], [*pending_subs, i]
        else:  # a grand total below everything
            record["수준"], record["_parent"] = 0, -1
            for j in [*pending_subs, *pending]:
                records[j]["_parent"] = i
            for j in pending:
                records[j]["수준"] = 1
            pending, pending_subs = [], []


def _outline_totals(records: list[dict[str, Any]]) -> None:
    """A project's own row in an outline (e-호조 style): its name and its items' totals,
    no 통계목, its items below it.  It is the project's total, not a line."""
    for i, record in enumerate(records[:-1]):
        following = records[i + 1]
        if (
            record["_kind"] == kinds.LINE
            and not kinds.has_value(record.get("통계목"))
            and kinds.has_value(record.get("세부사업"))
            and following["_kind"] == kinds.LINE
            and kinds.has_value(following.get("통계목"))
            and following.get("세부사업") == record.get("세부사업")
        ):
            record["_kind"] = kinds.SUBTOTAL


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
        frame[column] = frame[column].map(_text)


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
