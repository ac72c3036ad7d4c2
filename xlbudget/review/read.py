"""Find the input tables in a workbook's values and turn them into typed DataFrames.

Tables are found by their Excel Table name first, then by their header texts anywhere in a
sheet, so users may move, rename or re-paste them.  Columns are matched by header text (spaces
ignored, aliases accepted), so they may be reordered and extra columns may appear.  Numbers
may arrive as text (``△594``, ``1,234``); a cell that is not a number becomes a finding that
names its sheet and cell, not a crash, and the rest of the table is still read.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..core.money import ParseError, parse_amount, parse_column
from ..schema import (
    FUNCTION_SHEET,
    REVIEW_PREFIX,
    TABLES,
    TEMPLATE_PREFIX,
    TableSpec,
    normalize_header,
)
from .model import BookData, Finding, TableRef, a1

GENERATED_PREFIXES = (TEMPLATE_PREFIX, REVIEW_PREFIX, FUNCTION_SHEET)


class InputError(ValueError):
    """Input the pipeline cannot work with; the message names sheet, table and what is missing."""


@dataclass
class Table:
    spec: TableSpec
    ref: TableRef
    frame: pd.DataFrame  # canonical columns, numbers as float (NaN = empty), "_row" = sheet row
    cols: dict[str, int]  # canonical column → 0-based sheet column

    @property
    def sheet(self) -> str:
        return self.ref.sheet

    def cell(self, index: int, column: str) -> str:
        """A1 address of ``column`` in the frame's row ``index`` (positional)."""
        return a1(int(self.frame["_row"].iat[index]), self.cols[column])


def _header_map(spec: TableSpec, headers: list[Any]) -> dict[str, int]:
    """Canonical column → position among ``headers``, by normalised text and aliases."""
    wanted: dict[str, str] = {}
    for column in spec.columns:
        wanted[normalize_header(column)] = column
        for alias in spec.aliases.get(column, ()):
            wanted.setdefault(normalize_header(alias), column)
    found: dict[str, int] = {}
    for pos, header in enumerate(headers):
        column = wanted.get(normalize_header(header))
        if column and column not in found:
            found[column] = pos
    return found


def locate(book: BookData, spec: TableSpec) -> TableRef | None:
    """The table for ``spec``: by Excel Table name, else by a header row holding its columns."""
    for ref in book.tables:
        if ref.name.lower() == spec.table.lower():
            return ref
    required = {normalize_header(c) for c in spec.required}
    # Its usual sheet first; never xlbudget's own sheets, whose headers look like the inputs.
    order = sorted(
        (s for s in book.sheets if not s.startswith(GENERATED_PREFIXES)),
        key=lambda s: s != spec.sheet,
    )
    for sheet in order:
        rows = book.sheets[sheet]
        for r, row in enumerate(rows[:200]):
            texts = {normalize_header(v) for v in row if isinstance(v, str)}
            if required <= texts | _alias_hits(spec, row):
                first = min(i for i, v in enumerate(row) if v not in (None, ""))
                last = max(i for i, v in enumerate(row) if v not in (None, ""))
                end = r
                while end + 1 < len(rows) and any(
                    v not in (None, "") for v in rows[end + 1][first : last + 1]
                ):
                    end += 1
                return TableRef(spec.table, sheet, r, first, end, last)
    return None


def _alias_hits(spec: TableSpec, row: list[Any]) -> set[str]:
    return {normalize_header(c) for c in _header_map(spec, row)}


def _cell_value(rows: list[list[Any]], r: int, c: int) -> Any:
    if r < len(rows) and c < len(rows[r]):
        return rows[r][c]
    return None


def read_table(book: BookData, key: str, findings: list[Finding]) -> Table:
    """Read one input table; missing table or required columns raise InputError."""
    spec = TABLES[key]
    ref = locate(book, spec)
    if ref is None:
        raise InputError(
            f"'{spec.sheet}' 표(엑셀 표 이름 {spec.table})를 찾을 수 없습니다: "
            f"머리글 {', '.join(spec.required)} 이(가) 있는 표가 필요합니다."
        )
    rows = book.sheets[ref.sheet]
    headers = [_cell_value(rows, ref.first_row, c) for c in range(ref.first_col, ref.last_col + 1)]
    mapping = _header_map(spec, headers)
    missing = [c for c in spec.required if c not in mapping]
    if missing:
        raise InputError(
            f"시트 '{ref.sheet}'의 표 {ref.name}({ref.ref})에 필요한 열이 없습니다: "
            f"{', '.join(missing)} (머리글 행 {ref.first_row + 1})"
        )
    cols = {column: ref.first_col + pos for column, pos in mapping.items()}
    body = range(ref.first_row + 1, ref.last_row + 1)
    data = {column: [_cell_value(rows, r, c) for r in body] for column, c in cols.items()}
    frame = pd.DataFrame(data, dtype=object)
    frame["_row"] = list(body)
    present = [c for c in spec.columns if c in cols]
    empty = frame[present].map(lambda v: v is None or (isinstance(v, str) and not v.strip()))
    frame = frame[~empty.all(axis=1)].reset_index(drop=True)  # blank rows inside the table
    for column in (*spec.numeric, *spec.rates, *(("수준",) if "수준" in cols else ())):
        if column not in cols:
            continue
        values, bad = parse_column(frame[column])
        for i in np.flatnonzero(bad):
            findings.append(
                Finding(
                    ref.sheet,
                    a1(int(frame["_row"].iat[i]), cols[column]),
                    "NOT_NUMBER",
                    "오류",
                    f"{column} 값이 숫자가 아닙니다: {frame[column].iat[i]!r}",
                )
            )
        frame[column] = values
    for column in present:
        if column not in spec.numeric and column not in spec.rates and column != "수준":
            frame[column] = frame[column].map(_text)
    if key == "집행현황":
        # A project's name is printed only on its first 통계목 row; so is a department.
        for column in ("담당관", "세부사업"):
            if column in frame:
                frame[column] = frame[column].replace("", np.nan).ffill().fillna("")
    table = Table(spec, ref, frame, cols)
    return table


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


@dataclass(frozen=True)
class Settings:
    values: dict[str, Any]
    cells: dict[str, tuple[str, str]]  # 항목 → (sheet, A1 of its 값)

    def number(self, key: str, default: float) -> float:
        try:
            parsed = parse_amount(self.values.get(key))
        except ParseError:
            return default
        return default if parsed is None else float(parsed)

    def text(self, key: str, default: str = "") -> str:
        value = self.values.get(key)
        if isinstance(value, (dt.date, dt.datetime)):
            return f"{value.year}. {value.month}. {value.day}."
        return default if value in (None, "") else _text(value)

    def flag(self, key: str, default: bool) -> bool:
        text = self.text(key).lower()
        if text in ("예", "true", "1", "y", "yes", "참"):
            return True
        if text in ("아니오", "false", "0", "n", "no", "거짓"):
            return False
        return default

    @property
    def threshold(self) -> float:
        return self.number("미집행기준", 70.0)

    @property
    def contract_threshold(self) -> float:
        return self.number("계약저조기준", 30.0)

    @property
    def digits(self) -> int:
        """Decimals of rates, 0–6; anything else in 설정 falls back to the report's 1."""
        value = self.number("증감율소수", 1)
        return int(value) if value == int(value) and 0 <= value <= 6 else 1

    @property
    def spaced(self) -> bool:
        return self.flag("금액띄어쓰기", True)


def read_settings(book: BookData, findings: list[Finding]) -> Settings:
    """The 설정 table; defaults (70%, 30%, one decimal, spaced) when it is absent."""
    spec = TABLES["설정"]
    if locate(book, spec) is None:
        findings.append(
            Finding(
                spec.sheet,
                "",
                "NO_SETTINGS",
                "참고",
                "설정 표가 없어 기본값(미집행기준 70%)을 사용했습니다.",
            )
        )
        return Settings({}, {})
    table = read_table(book, "설정", findings)
    rows = book.sheets[table.sheet]
    values: dict[str, Any] = {}
    cells: dict[str, tuple[str, str]] = {}
    for i, key in enumerate(table.frame["항목"]):
        r = int(table.frame["_row"].iat[i])
        values[key] = _cell_value(rows, r, table.cols["값"])
        cells[key] = (table.sheet, a1(r, table.cols["값"]))
    return Settings(values, cells)
