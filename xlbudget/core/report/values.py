"""What the review sheets' formula cells show, computed without a spreadsheet.

The 검토_ sheets hold live formulas (a figure follows the input sheet when it changes in
Excel), so a file has no values for them until a spreadsheet recalculates.  A document made
from the same plan (the HWPX export) needs those values: each formula xlbudget writes comes
from one display rule of :mod:`..rules` (``rule()``, ``submitted()``), so the value is that
rule evaluated exactly over the cells of its row — the same rule, not a second copy.  The
tests hold these values to LibreOffice's recalculation of the written workbook.

Resolved on demand (a review that writes no document never pays for it).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

from ..plan import CellWrite
from ..refs import col_index
from ..rules import display, evaluate_exact
from .language import Known


class _Unknown:
    """What a formula shows when xlbudget did not write it from a rule."""


_UNKNOWN = _Unknown()


def shown_values(writes: list[CellWrite], digits: int) -> None:
    """Set ``shows`` of one output row's formula cells: the number Excel will show there,
    computed by the very rule the formula was written from (:mod:`..rules`) over the cells
    it reads in this row.  A cell is read as Excel's ``N()`` and ``COUNT`` read it (a number
    is a number; text and empty are nothing).  What cannot be known stays None: a template
    author's own ``formula()``, a rule reading one, a rule reading itself."""
    by_col = {w.col: w for w in writes}

    def value(write: CellWrite | None, seen: frozenset[int]) -> Any:
        if write is None:
            return None
        if not write.formula:
            v = write.value
            number = isinstance(v, (int, float)) and not isinstance(v, bool)
            return v if number and math.isfinite(v) else None
        known = write.shows
        if type(known) is not Known:  # resolved already, or never known
            return _UNKNOWN if known is None else known
        if known.rule is None:
            write.shows = known.value
            return write.shows
        write.shows = None
        if write.col in seen:
            return _UNKNOWN
        env: dict[str, Any] = {}
        for name, letter in known.columns:
            env[name] = value(by_col.get(col_index(letter)), seen | {write.col})
            if env[name] is _UNKNOWN:
                return _UNKNOWN
            if env[name] == "":  # a blank display result reads as empty
                env[name] = None
        result = evaluate_exact(display(known.rule, digits), env)
        write.shows = "" if result is None else result
        return write.shows

    for write in writes:
        if write.formula and type(write.shows) is Known:
            value(write, frozenset())


def resolve(cells: Iterable[CellWrite], digits: int) -> None:
    """:func:`shown_values` for every row of a sheet's cells."""
    rows: dict[int, list[CellWrite]] = {}
    for write in cells:
        rows.setdefault(write.row, []).append(write)
    for writes in rows.values():
        shown_values(writes, digits)
