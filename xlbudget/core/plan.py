"""A plan: writer-agnostic records of what a review writes, and where new sheets go.

Rows and columns are 0-based here, as in pandas; only the adapters know that Excel counts
from 1.  Formulas are Excel formula text (that is the language a cell speaks), ranges and
anchors are numbers.  A ``Plan`` is pure data, so a golden test can compare it and every
adapter (the file writer, the live workbook) applies the same plan the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from .model import Finding
from .refs import range_a1
from .schema import TEMPLATE_PREFIX, XLWINGS_CONF_SHEET
from .settings import DEFAULT_DIGITS, SETTING

#: A cell's look: (number_format, bold, fill, align, wrap, border, font_size); ``fill`` is an
#: RGB hex ("FFF2CC"), ``align`` "left" | "center" | "right".  Equal looks share one Excel
#: style, and the cells of a table column share one tuple.
Look = tuple[str | None, bool, str | None, str | None, bool, bool, float | None]


def look(
    number_format: str | None = None,
    bold: bool = False,
    fill: str | None = None,
    align: str | None = None,
    wrap: bool = False,
    border: bool = False,
    font_size: float | None = None,
) -> Look:
    """A look by its parts' names."""
    return (number_format, bold, fill, align, wrap, border, font_size)


PLAIN: Look = look()


class CellWrite:
    """One cell to write: six slots, its look one tuple shared with its column's other
    cells (a city's plan holds millions of cells; twelve slots each cost 150 MB more)."""

    __slots__ = ("col", "formula", "look", "row", "shows", "value")

    def __init__(
        self,
        row: int,
        col: int,
        value: Any,  # number, text, None; a formula when ``formula`` is True
        formula: bool = False,
        look: Look = PLAIN,
        shows: Any = None,
    ) -> None:
        self.row = row
        self.col = col
        self.value = value
        self.formula = formula
        self.look = look
        #: What a formula cell shows, as Python computes it (a number, "" for a blank, None
        #: if not known: a template author's own formula); a document renders it, the tests
        #: hold it to LibreOffice's recalculation.  Unused for a cell that is not a formula.
        self.shows = shows

    number_format = property(lambda self: self.look[0])
    bold = property(lambda self: self.look[1])
    fill = property(lambda self: self.look[2])
    align = property(lambda self: self.look[3])
    wrap = property(lambda self: self.look[4])
    border = property(lambda self: self.look[5])
    font_size = property(lambda self: self.look[6])

    @property
    def style_key(self) -> Look:
        """Everything that decides the cell's look; equal keys share one Excel style."""
        return self.look

    def _fields(self) -> tuple[Any, ...]:
        return (self.row, self.col, self.value, self.formula, self.look, self.shows)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not CellWrite:
            return NotImplemented
        return self._fields() == other._fields()  # type: ignore[attr-defined]

    __hash__ = None  # type: ignore[assignment]  # mutable (a merge blanks covered cells)

    def __repr__(self) -> str:
        row, col, value, formula, look, shows = self._fields()
        return f"CellWrite({row}, {col}, {value!r}, {formula}, {look!r}, {shows!r})"


@dataclass(frozen=True)
class ChartSpec:
    """A bar chart over cells of the same sheet (0-based inclusive ranges)."""

    title: str
    anchor: tuple[int, int]  # (row, col) of the chart's top-left cell
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
    #: Printed at the foot of every page: (left, right) text; the page number is centred.
    footer: tuple[str, str] = ("", "")
    #: Rows that start a new printed page (0-based), so no title ends a page alone.
    breaks: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class RuleWrite:
    """A native conditional-format rule (formula type) that xlbudget owns."""

    sheet: str
    first_row: int
    first_col: int
    last_row: int
    last_col: int
    formula: str  # Excel formula without "=", relative to the range's top-left cell
    fill: str  # RGB hex
    font_color: str | None = None
    stop: bool = False
    #: Further areas of the same rule (a table whose 소계 rows are not to be coloured is
    #: covered in runs between them); the formula stays relative to the first area.
    more: tuple[tuple[int, int, int, int], ...] = ()

    @property
    def ref(self) -> str:
        """The areas as a ``sqref`` (space-separated, as the file format writes them)."""
        return " ".join(range_a1(*area) for area in self.areas)

    @property
    def areas(self) -> tuple[tuple[int, int, int, int], ...]:
        return ((self.first_row, self.first_col, self.last_row, self.last_col), *self.more)


#: Every rule xlbudget writes mentions this name (미집행기준's defined name); re-running
#: removes rules that do, so the mark step never adds duplicates and never touches the
#: user's own rules.
RULE_MARKER: str = SETTING["미집행기준"].name or "xb_threshold"


@dataclass
class Plan:
    sheets: list[SheetPlan] = field(default_factory=list)
    #: Every review sheet the templates make, in their order (also those not in ``sheets``):
    #: the order new sheets are placed in (see :func:`insertion_index`).
    review_order: list[str] = field(default_factory=list)
    rules: list[RuleWrite] = field(default_factory=list)
    rule_sheets: set[str] = field(default_factory=set)  # sheets whose xlbudget rules to replace
    names: dict[str, str] = field(default_factory=dict)  # defined names the rules refer to
    findings: list[Finding] = field(default_factory=list)
    flagged: list[dict[str, Any]] = field(default_factory=list)
    sentences: list[str] = field(default_factory=list)
    #: What was read of the workbook (a ``ReadingSummary``): printed, returned and shown.
    reading: Any = None
    #: 설정's 증감율소수: the decimals the rules round rates to (a document computes with it).
    digits: int = DEFAULT_DIGITS


@dataclass
class ApplyReport:
    """What an adapter did with a plan: where it went, and what it could not do there."""

    output: str | None = None
    skipped: list[str] = field(default_factory=list)


def insertion_index(order: Sequence[str], name: str, review_order: Sequence[str]) -> int:
    """Where the review sheet ``name`` goes among the sheets ``order`` (which lacks it).

    The one rule for every adapter: review sheets stand together in template order, after
    the nearest review sheet before them (else before the nearest one after them); the
    first one goes after the last 양식_ sheet, else before a trailing xlwings.conf (xlwings
    reads its settings from there and users expect it last), else at the end.  A sheet that
    already exists is replaced where it stands, which the adapters handle by keeping its
    index: a user who moved it keeps it there.
    """
    names = list(order)
    position = review_order.index(name) if name in review_order else len(review_order)
    for before in reversed(review_order[:position]):
        if before in names:
            return names.index(before) + 1
    for after in review_order[position + 1 :]:
        if after in names:
            return names.index(after)
    templates = [i for i, n in enumerate(names) if n.startswith(TEMPLATE_PREFIX)]
    if templates:
        return templates[-1] + 1
    if names and names[-1] == XLWINGS_CONF_SHEET:
        return len(names) - 1
    return len(names)
