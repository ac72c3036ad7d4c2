"""Writer-agnostic records of a review: what was read, what was found, what to write.

Rows and columns are 0-based here, as in pandas; only the adapters know that Excel counts
from 1.  A ``Plan`` is pure data, so a golden test can compare it and either adapter (openpyxl
for files, xlwings for the open workbook) can apply it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple

from openpyxl.utils import get_column_letter

Severity = Literal["오류", "경고", "참고"]
SEVERITY_EN = {"오류": "error", "경고": "warning", "참고": "info"}


def a1(row: int, col: int, absolute: bool = False) -> str:
    """A1 reference of a 0-based (row, col)."""
    letter = get_column_letter(col + 1)
    return f"${letter}${row + 1}" if absolute else f"{letter}{row + 1}"


class Finding(NamedTuple):
    """One inconsistency in a submitted table (or in the input itself)."""

    sheet: str
    cell: str  # A1 reference, "" when it concerns a whole table
    rule: str  # stable code, e.g. "SUM", "DIFF", "RATE"
    severity: Severity
    message: str  # Korean, for the 검토_점검 sheet

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
        return f"{a1(self.first_row, self.first_col)}:{a1(self.last_row, self.last_col)}"


@dataclass
class BookData:
    """A workbook as plain values: every sheet as rows of cell values, plus its tables."""

    sheets: dict[str, list[list[Any]]]
    tables: list[TableRef] = field(default_factory=list)
    source: str = ""
    templates: list[Any] = field(default_factory=list)  # TemplateSheets read from 양식_ sheets


@dataclass(slots=True)
class CellWrite:
    """One cell to write (plain slots, not frozen: plans hold hundreds of thousands)."""

    row: int
    col: int
    value: Any  # number, text, None; a formula when ``formula`` is True
    formula: bool = False
    number_format: str | None = None
    bold: bool = False
    fill: str | None = None  # RGB hex, e.g. "FFF2CC"
    align: str | None = None  # "left" | "center" | "right"
    wrap: bool = False
    border: bool = False
    font_size: float | None = None

    @property
    def style_key(self) -> tuple[Any, ...]:
        """Everything that decides the cell's look; equal keys share one Excel style."""
        return (
            self.bold,
            self.font_size,
            self.fill,
            self.align,
            self.wrap,
            self.border,
            self.number_format,
        )


@dataclass(frozen=True)
class ChartSpec:
    """A bar chart over cells of the same sheet (0-based inclusive ranges)."""

    title: str
    anchor: str  # A1 cell where the chart's top-left sits
    categories: tuple[int, int, int]  # col, first_row, last_row
    series: tuple[tuple[int, int, int, int], ...]  # (col, first_row, last_row, title_row)
    y_title: str = ""
    horizontal: bool = True


@dataclass
class SheetPlan:
    """A sheet that xlbudget generates entirely (a 검토_ sheet): replaced on every run."""

    name: str
    cells: list[CellWrite] = field(default_factory=list)
    col_widths: dict[int, float] = field(default_factory=dict)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)
    row_heights: dict[int, float] = field(default_factory=dict)
    charts: list[ChartSpec] = field(default_factory=list)
    title_rows: tuple[int, int] | None = None  # rows repeated on every printed page
    landscape: bool = False
    after: str | None = None  # place after this sheet (else at the end)


@dataclass(frozen=True)
class RuleWrite:
    """A native conditional-format rule (formula type) that xlbudget owns."""

    sheet: str
    ref: str  # A1 range the rule applies to
    formula: str  # Excel formula without the leading "=", relative to the range's top-left
    fill: str  # RGB hex
    font_color: str | None = None
    stop: bool = False


#: Every rule xlbudget writes mentions this name; re-running removes rules that do, so the
#: mark step never adds duplicates and never touches the user's own rules.
RULE_MARKER = "xb_threshold"


@dataclass
class Plan:
    sheets: list[SheetPlan] = field(default_factory=list)
    rules: list[RuleWrite] = field(default_factory=list)
    rule_sheets: set[str] = field(default_factory=set)  # sheets whose xlbudget rules to replace
    names: dict[str, str] = field(default_factory=dict)  # defined names the rules refer to
    findings: list[Finding] = field(default_factory=list)
    flagged: list[dict[str, Any]] = field(default_factory=list)
    sentences: list[str] = field(default_factory=list)
