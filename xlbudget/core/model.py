"""What a workbook holds, as plain values, and what a check finds in it.

``BookData`` is every sheet as rows of cell values plus the Excel Tables' places: the one
shape both adapters (a file, the workbook open in Excel) read a workbook into.  ``Finding``
is one inconsistency with the sheet and the 0-based cell it concerns; its A1 text is made
only when shown to a person.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple

from .refs import a1, range_a1

Severity = Literal["오류", "경고", "참고"]
SEVERITY_EN: dict[str, str] = {"오류": "error", "경고": "warning", "참고": "info"}


class Finding(NamedTuple):
    """One inconsistency in a submitted table (or in the input itself).

    ``row``/``col`` are 0-based; both None when the finding concerns a whole table or sheet.
    """

    sheet: str
    row: int | None
    col: int | None
    rule: str  # stable code, e.g. "SUM", "DIFF", "RATE"
    severity: Severity
    message: str  # Korean, for the 검토_점검 sheet

    @property
    def cell(self) -> str:
        """The cell as a person reads it ("D5"), "" for a whole table."""
        if self.row is None or self.col is None:
            return ""
        return a1(self.row, self.col)

    def as_json(self) -> dict[str, str]:
        return {
            "sheet": self.sheet,
            "cell": self.cell,
            "rule": self.rule,
            "severity": SEVERITY_EN[self.severity],
            "message": self.message,
        }


@dataclass(frozen=True)
class TableRef:
    """Where an Excel Table (or a header-found range) sits: 0-based, inclusive bounds."""

    name: str
    sheet: str
    first_row: int  # header row
    first_col: int
    last_row: int
    last_col: int

    @property
    def ref(self) -> str:
        return range_a1(self.first_row, self.first_col, self.last_row, self.last_col)


@dataclass
class BookData:
    """A workbook as plain values: every sheet as rows of cell values, plus its tables.

    ``merges`` and ``percent`` help the reader understand tables typed as reports print
    them: a merged label ("행정관리" over its rows) names every row it covers, and a rate
    stored as a fraction under a percent format (0.85 shown as 85.0%) is a percent.  An
    adapter that cannot tell leaves them empty; the reader then infers what it can.
    """

    sheets: dict[str, list[list[Any]]]
    tables: list[TableRef] = field(default_factory=list)
    source: str = ""
    templates: list[Any] = field(default_factory=list)  # TemplateSheets read from 양식_ sheets
    #: Sheet → merged ranges (first row, first col, last row, last col), 0-based inclusive.
    merges: dict[str, list[tuple[int, int, int, int]]] = field(default_factory=dict)
    #: Sheet → the cells (0-based row, col) with a percent number format.
    percent: dict[str, set[tuple[int, int]]] = field(default_factory=dict)
    #: Sheet → the cells whose formula has no stored result (their value is unknown here).
    uncached: dict[str, set[tuple[int, int]]] = field(default_factory=dict)
