"""Find the input tables in a workbook's values and turn them into typed DataFrames.

This is the one place where a table and its header are found, for the review and for the
importers alike.  A table is found by its Excel Table name first, then by a header row
holding its required columns anywhere in a sheet, so users may move, rename or re-paste
it.  Columns are matched by header text (Unicode-normalised, spaces ignored, aliases
accepted), so they may be reordered and extra columns may appear.  Numbers may arrive as
text (``△594``, ``1,234``); a cell that is not a number becomes a finding that names its
sheet and cell, not a crash, and the rest of the table is still read.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .errors import InputError
from .model import BookData, Finding, TableRef
from .money import parse_column
from .refs import a1
from .schema import GENERATED_PREFIXES, TABLES, TableSpec, normalize_header

#: Rows of a sheet searched for a header row.
HEADER_SEARCH_ROWS = 200


@dataclass
class Table:
    spec: TableSpec
    ref: TableRef
    frame: pd.DataFrame  # canonical columns, numbers as float (NaN = empty), "_row" = sheet row
    cols: dict[str, int]  # canonical column → 0-based sheet column

    @property
    def sheet(self) -> str:
        return self.ref.sheet

    def row(self, index: int) -> int:
        """0-based sheet row of the frame's row ``index`` (positional)."""
        return int(self.frame["_row"].iat[index])

    def cell(self, index: int, column: str) -> str:
        """A1 text of ``column`` in the frame's row ``index`` (positional)."""
        return a1(self.row(index), self.cols[column])

    def finding(self, index: int, column: str, rule: str, severity: Any, message: str) -> Finding:
        """A finding on ``column`` of the frame's row ``index``."""
        return Finding(self.sheet, self.row(index), self.cols[column], rule, severity, message)


def header_keys(spec: TableSpec) -> dict[str, str]:
    """Normalised header text → canonical column, for the columns and their aliases."""
    keys: dict[str, str] = {}
    for column in spec.columns:
        keys[normalize_header(column)] = column
    for column in spec.columns:
        for alias in spec.aliases.get(column, ()):
            keys.setdefault(normalize_header(alias), column)
    return keys


def header_map(spec: TableSpec, headers: Sequence[Any]) -> dict[str, int]:
    """Canonical column → position among ``headers`` (first match wins)."""
    keys = header_keys(spec)
    found: dict[str, int] = {}
    for pos, header in enumerate(headers):
        column = keys.get(normalize_header(header))
        if column and column not in found:
            found[column] = pos
    return found


def find_header_row(
    rows: Sequence[Sequence[Any]], groups: Sequence[Sequence[str]], limit: int = HEADER_SEARCH_ROWS
) -> int | None:
    """0-based index of the first row holding one header of every group in ``groups``."""
    wanted = [{normalize_header(w) for w in group} for group in groups]
    for i, row in enumerate(rows[:limit]):
        cells = {normalize_header(c) for c in row if c is not None}
        if all(group & cells for group in wanted):
            return i
    return None


def required_groups(spec: TableSpec) -> list[list[str]]:
    """For each required column, the header texts that name it (the column and its aliases)."""
    return [[c, *spec.aliases.get(c, ())] for c in spec.required]


def locate(book: BookData, spec: TableSpec) -> TableRef | None:
    """The table for ``spec``: by Excel Table name, else by a header row holding its columns."""
    for ref in book.tables:
        if ref.name.lower() == spec.table.lower():
            return ref
    # Its usual sheet first; never xlbudget's own sheets, whose headers look like the inputs.
    order = sorted(
        (s for s in book.sheets if not s.startswith(GENERATED_PREFIXES)),
        key=lambda s: s != spec.sheet,
    )
    groups = required_groups(spec)
    for sheet in order:
        rows = book.sheets[sheet]
        r = find_header_row(rows, groups)
        if r is None:
            continue
        row = rows[r]
        filled = [i for i, v in enumerate(row) if v not in (None, "")]
        first, last = filled[0], filled[-1]
        for ref in book.tables:  # a header row of an Excel Table under another name
            if ref.sheet == sheet and ref.first_row == r and ref.first_col <= first <= ref.last_col:
                return ref
        end = r
        while end + 1 < len(rows) and any(
            v not in (None, "") for v in rows[end + 1][first : last + 1]
        ):
            end += 1
        return TableRef(spec.table, sheet, r, first, end, last)
    return None


def _cell_value(rows: list[list[Any]], r: int, c: int) -> Any:
    if r < len(rows) and c < len(rows[r]):
        return rows[r][c]
    return None


def not_found(spec: TableSpec) -> InputError:
    """The error of a table the workbook does not have (what it must look like)."""
    return InputError(
        f"'{spec.sheet}' 표(엑셀 표 이름 {spec.table})를 찾을 수 없습니다: "
        f"머리글 {', '.join(spec.required)} 이(가) 있는 표가 필요합니다."
    )


def table_columns(book: BookData, ref: TableRef, spec: TableSpec) -> dict[str, int]:
    """Canonical column → 0-based sheet column of the table at ``ref``; a required column
    missing from its header row raises InputError naming the sheet, table and row."""
    rows = book.sheets[ref.sheet]
    headers = [_cell_value(rows, ref.first_row, c) for c in range(ref.first_col, ref.last_col + 1)]
    mapping = header_map(spec, headers)
    missing = [c for c in spec.required if c not in mapping]
    if missing:
        raise InputError(
            f"시트 '{ref.sheet}'의 표 {ref.name}({ref.ref})에 필요한 열이 없습니다: "
            f"{', '.join(missing)} (머리글 행 {ref.first_row + 1})"
        )
    return {column: ref.first_col + pos for column, pos in mapping.items()}


def read_table(book: BookData, key: str, findings: list[Finding]) -> Table:
    """Read one input table; missing table or required columns raise InputError."""
    spec = TABLES[key]
    ref = locate(book, spec)
    if ref is None:
        raise not_found(spec)
    rows = book.sheets[ref.sheet]
    cols = table_columns(book, ref, spec)
    body = range(ref.first_row + 1, ref.last_row + 1)
    lines = rows[body.start : body.stop]
    lines += [[]] * (len(body) - len(lines))  # a table whose last rows hold nothing
    data = {
        column: [row[c] if c < len(row) else None for row in lines] for column, c in cols.items()
    }
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
                    int(frame["_row"].iat[i]),
                    cols[column],
                    "NOT_NUMBER",
                    "오류",
                    f"{column} 값이 숫자가 아닙니다: {frame[column].iat[i]!r}",
                )
            )
        frame[column] = values
    for column in present:
        if column not in spec.numeric and column not in spec.rates and column != "수준":
            frame[column] = frame[column].map(text)
    if key == "집행현황":
        # A project's name is printed only on its first 통계목 row; so is a department.
        for column in ("담당관", "세부사업"):
            if column in frame:
                frame[column] = frame[column].replace("", np.nan).ffill().fillna("")
    return Table(spec, ref, frame, cols)


def read_tables(book: BookData, findings: list[Finding], keys: Sequence[str]) -> dict[str, Table]:
    """The tables among ``keys`` that the book has (a missing one is skipped)."""
    return {key: read_table(book, key, findings) for key in keys if locate(book, TABLES[key])}


def text(value: Any) -> str:
    """A label cell as text: integral floats without ".0", surrounding spaces removed."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()
