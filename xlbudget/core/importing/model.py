"""Records the importers hand around: a problem found in a source row, and an import's result.

A bad row is never dropped: it is written to the workbook like any other and reported as a
``Problem`` naming the source file, the row number a user can find it by, the column and why
it is suspect.  The reviewer decides; the importer only points.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, NamedTuple

from ..errors import InputError

#: Hidden columns every mapped frame carries: where each row came from.
SOURCE_COL = "_source"
ROW_COL = "_row"


class ImportInputError(InputError):
    """Input of an import a user must fix (missing file, empty export, unknown column)."""


class Problem(NamedTuple):
    """One suspect value of one source row.

    ``row`` is 1-based and means what a user sees: the sheet row number for CSV/XLSX (header
    rows included), the position in the ``projects`` list for a 지방재정365 JSON file.
    """

    source: str
    row: int
    column: str
    reason: str
    value: Any = None

    def text(self) -> str:
        where = f"{self.source} {self.row}행" if self.source else f"{self.row}행"
        col = f" [{self.column}]" if self.column else ""
        if self.value is None:
            val = ""
        elif isinstance(self.value, Decimal):
            val = f" (값: {self.value:,})"
        else:
            val = f" (값: {self.value!r})"
        return f"{where}{col}: {self.reason}{val}"

    def as_dict(self) -> dict[str, Any]:
        value = self.value
        if isinstance(value, Decimal):
            value = str(value)
        return {
            "source": self.source,
            "row": self.row,
            "column": self.column,
            "reason": self.reason,
            "value": value,
        }


@dataclass
class ImportResult:
    """What an import did: the table written, its totals (exact, in the table's unit)."""

    table: str
    unit: str
    rows: int
    totals: dict[str, Decimal]
    problems: list[Problem]
    output: Path | None
    sources: list[str]
    preset: str
    notes: list[str] = field(default_factory=list)
    low_execution: int | None = None  # lines with 불용률 ≥ threshold (집행현황 only)
    backup: Path | None = None
    threshold: Decimal | None = None  # 설정's 미집행기준 used for low_execution (percent)
