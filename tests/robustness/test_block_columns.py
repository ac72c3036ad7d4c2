"""A table block is rendered column by column where a cell reads only its row (fill.py):
whatever the block's cells say, the sheet is the one rendering it row by row, cell by cell
gives — the same cells, merges, row heights and findings, in the same order.

The row-by-row renderer is the same Renderer with the column forms of its evaluators
forgotten, so both take every other step the same way.
"""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.robustness.test_template_language import expressions
from xlbudget.core.report.context import RowRef
from xlbudget.core.report.fill import Renderer
from xlbudget.core.report.language import Budgeted, IterationBudget
from xlbudget.core.report.templates import Style, TemplateCell, TemplateSheet
from xlbudget.core.settings import Settings


class RowByRow(Renderer):
    """The renderer before blocks were rendered by columns: every cell on its own."""

    def _compiled(self, text: str, expression: bool) -> Any:
        fn = super()._compiled(text, expression)
        self._columns.clear()
        return fn


ROW_SHAPES = st.sampled_from(
    [
        "r.금액",
        "r.이름",
        "r.없는열",
        "submitted(r, '지출액', rule('불용률', budget='C', spent='D'))",
        "submitted(r, '금액', '0')",
        "calc(r, '지출잔액', rule('지출잔액', budget='C', spent='D'))",
        "rule('집행률', budget='C', spent='D')",
        "formula('=C{row}-D{row}')",
        "'' if r.group or r.계약저조 is none else ('계약 저조' if r.계약저조 else '지출 저조')",
        "r.금액 * 2",
        "won(r.금액)",
        "r.이름 ~ ' 외'",
        "row",
        "chart('제목', 'B', ['C'])",
    ]
)
CELL = st.one_of(ROW_SHAPES, expressions()).map(lambda e: "{{ " + e + " }}")
PLAIN_TEXT = st.sampled_from(["고정 글자", "〃", "", "{{ r.이름 }}{# 세로병합 #}"])
LOOK = st.sampled_from(
    [Style(), Style(border=True), Style(bold=True, wrap=True), Style(span=2), Style(down=2)]
)


def _rows(values: list[tuple[Any, Any, bool, int]]) -> list[dict[str, Any]]:
    rows = []
    for i, (amount, name, group, level) in enumerate(values):
        row: dict[str, Any] = {"금액": amount, "이름": name, "지출액": amount, "수준": level}
        if group:
            row["group"] = True
        if i % 3 == 1:
            row["계약저조"] = bool(i % 2)
        if i % 4 != 3:  # most lines know their input cells; some do not
            row["_ref"] = RowRef("집행현황", 4 + i, {"금액": 2, "지출액": 3, "지출잔액": 4})
        rows.append(row)
    return rows


VALUES = st.one_of(
    st.none(), st.integers(-(10**6), 10**6), st.floats(allow_nan=True), st.text(max_size=12)
)
ROWS = st.lists(st.tuples(VALUES, VALUES, st.booleans(), st.sampled_from([0, 1, 2])), max_size=6)


def _sheet(cells: list[tuple[str, Style]]) -> TemplateSheet:
    template = [TemplateCell(0, 0, "{% for r in 집행현황 %}")]
    template += [TemplateCell(0, j + 1, text, look) for j, (text, look) in enumerate(cells)]
    return TemplateSheet("양식_시험", template, col_widths={1: 8.0, 2: 12.0})


def _rendered(kind: type[Renderer], rows: list[dict[str, Any]], sheet: TemplateSheet) -> Any:
    pool = IterationBudget(1_000_000)
    renderer = kind({"집행현황": Budgeted(rows, pool)}, Settings(), pool)
    plan = renderer.sheet(sheet)
    errors = [(f.row, f.col, f.message) for f in renderer.errors]
    return plan.cells, plan.merges, plan.row_heights, plan.charts, errors


@settings(max_examples=150)
@given(
    ROWS,
    st.lists(st.tuples(st.one_of(CELL, PLAIN_TEXT), LOOK), min_size=1, max_size=5),
)
def test_a_block_by_columns_is_the_block_cell_by_cell(
    values: list[tuple[Any, Any, bool, int]], cells: list[tuple[str, Style]]
) -> None:
    sheet = _sheet(cells)
    by_columns = _rendered(Renderer, _rows(values), sheet)
    by_cells = _rendered(RowByRow, _rows(values), sheet)
    assert by_columns == by_cells


def test_the_comparison_sees_a_difference() -> None:
    """The two renderings are compared on their values (the test above can fail)."""
    sheet = _sheet([("{{ r.금액 }}", Style())])
    one = _rendered(Renderer, _rows([(1, "가", False, 1)]), sheet)
    other = _rendered(Renderer, _rows([(2, "가", False, 1)]), sheet)
    assert one != other and one[0][0].value == 1


def test_findings_come_in_row_order_whichever_column_fails_first() -> None:
    """The second cell fails on an earlier row than the first: as a row-by-row rendering
    meets them, its finding comes first (one finding per template cell)."""
    sheet = _sheet([("{{ r.금액 + 1 }}", Style()), ("{{ r.이름 + 1 }}", Style())])
    rows = _rows([(1, 5, False, 1), (1, "x", False, 1), ("y", 5, False, 1)])
    cells, _, _, _, errors = _rendered(Renderer, rows, sheet)
    assert [col for _, col, _ in errors] == [2, 1]
    assert all("TypeError" in message for _, _, message in errors)
    assert [c.value for c in cells if c.row == 1] == [2, "#양식오류"]
    assert [c.value for c in cells if c.row == 2] == ["#양식오류", 6]
