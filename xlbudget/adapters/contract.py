"""The one contract every adapter keeps: read a workbook into values, apply a plan to it.

The engine (:mod:`xlbudget.core.engine`) knows neither files nor Excel; it takes the
``BookData`` an adapter reads and returns a ``Plan`` that the same adapter applies.  Two
adapters keep this contract: :class:`xlbudget.adapters.xlsx.XlsxFile` (a workbook file,
any OS) and :class:`xlbudget.adapters.live.LiveBook` (the workbook open in Excel, through
xlwings).  The review pipeline (:func:`xlbudget.app.pipeline.run_steps`) is written
against this Protocol only; the file and ribbon entry points choose the adapter.
"""

from __future__ import annotations

from typing import Protocol

from ..core.model import BookData
from ..core.plan import ApplyReport, Plan


class BookAdapter(Protocol):
    def read_book(self) -> BookData:
        """Every sheet's values, the Excel Tables' places and the 양식_ templates."""
        ...

    def apply_plan(self, plan: Plan) -> ApplyReport:
        """Write the plan's sheets, names and rules; say what could not be done here."""
        ...
