"""What the review's formula cells show (xlbudget's own evaluation, which the HWPX export
prints) against LibreOffice's recalculation of the written workbook, cell by cell."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from xlbudget.core.plan import Plan
from xlbudget.core.report.values import resolve

BLANK = (None, "")


def compare_shown(plan: Plan, lo_values: dict[str, list[list[Any]]]) -> int:
    """Assert every formula cell's ``shows`` equals LibreOffice's value of the same cell
    (a blank where LibreOffice has none); return how many were compared."""
    compared = 0
    for sheet in plan.sheets:
        resolve(sheet.cells, plan.digits)
        grid = lo_values[sheet.name]
        for w in sheet.cells:
            if not w.formula:
                continue
            lo = grid[w.row][w.col] if w.row < len(grid) and w.col < len(grid[w.row]) else None
            where = f"{sheet.name}!{w.value} at row {w.row + 1} col {w.col + 1}"
            assert w.shows is not None, f"xlbudget cannot say what {where} shows"
            if w.shows == "":
                assert lo in BLANK, f"{where}: xlbudget blank, LibreOffice {lo!r}"
            else:
                assert isinstance(lo, (int, float)), f"{where}: xlbudget {w.shows}, LO {lo!r}"
                got, want = Decimal(w.shows), Decimal(repr(lo))
                assert abs(got - want) <= Decimal("1e-9") * max(1, abs(want)), (
                    f"{where}: xlbudget {w.shows}, LibreOffice {lo!r}"
                )
            compared += 1
    return compared
