"""A workbook file as an xlwings remote-engine Book, to run the live (ribbon) path on Linux.

xlwings' remote engine (``xlwings.pro._xlremote``, free for non-commercial use) is the one
Office Scripts and Office.js clients drive: it is handed the workbook as JSON (every sheet's
values, its tables, the defined names) and records what Python does to the workbook as a list
of actions (``book.json()["actions"]``: ``addSheet``, ``setValues``, ``setNumberFormat``,
``alert`` …) that the client would then replay in Excel.  So the live adapter runs for real,
against the same object model it meets in Excel, and its effects can be asserted on.

The payload is built the way the Office Scripts client builds it: values from A1 to the used
extent, rectangular, empty cells as "", dates as ISO-8601 strings with a "Z"; table addresses
without the sheet name.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

CLIENT = "Microsoft Office Scripts"


def remote_engine() -> None:
    """Register xlwings' remote engine, as xlwings does at import when the key is set.

    xlwings adds the engine only if XLWINGS_LICENSE_KEY was set at its first import; other
    tests import xlwings long before, so it is added here the same way.  Adding an engine does
    not make it the active one (xw.Book(json=…) picks the remote engine itself).
    """
    import xlwings as xw

    if "remote" in [engine.name for engine in xw.engines]:
        return
    had_key = "XLWINGS_LICENSE_KEY" in os.environ
    os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")
    try:
        from xlwings.pro import _xlremote
    finally:
        if not had_key:
            del os.environ["XLWINGS_LICENSE_KEY"]  # needed only for the licence check
    xw.engines.add(xw.main.Engine(impl=_xlremote.engine))


def _json_value(value: Any) -> Any:
    """A cell value as Office Scripts sends it: "" for empty, dates as ISO strings."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None).isoformat(timespec="milliseconds") + "Z"
    if isinstance(value, dt.date):
        return (
            dt.datetime(value.year, value.month, value.day).isoformat(timespec="milliseconds") + "Z"
        )
    if isinstance(value, dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return value.total_seconds() / 86400.0
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _rectangular(rows: list[list[Any]]) -> list[list[Any]]:
    width = max((len(r) for r in rows), default=0)
    if width == 0:
        return [[]]
    return [[_json_value(v) for v in r] + [""] * (width - len(r)) for r in rows]


def _tables(path: Path) -> dict[str, list[dict[str, Any]]]:
    """Sheet name → its Excel Tables in the remote engine's shape."""
    import openpyxl
    from openpyxl.utils.cell import get_column_letter, range_boundaries

    wb = openpyxl.load_workbook(path, read_only=False)
    out: dict[str, list[dict[str, Any]]] = {}
    try:
        for ws in wb.worksheets:
            found = []
            for table in ws.tables.values():
                min_col, min_row, max_col, max_row = range_boundaries(table.ref)
                head = 1 if table.headerRowCount in (None, 1) else 0
                totals = table.totalsRowCount or 0
                first, last = get_column_letter(min_col), get_column_letter(max_col)

                def rows(a: int, b: int, first: str = first, last: str = last) -> str | None:
                    return f"{first}{a}:{last}{b}" if a <= b else None

                found.append(
                    {
                        "name": table.displayName or table.name,
                        "range_address": table.ref,
                        "header_row_range_address": rows(min_row, min_row) if head else None,
                        "data_body_range_address": rows(min_row + head, max_row - totals),
                        "total_row_range_address": rows(max_row, max_row) if totals else None,
                        "show_headers": bool(head),
                        "show_totals": bool(totals),
                        "table_style": (table.tableStyleInfo.name if table.tableStyleInfo else "")
                        or "",
                        "show_autofilter": table.autoFilter is not None,
                    }
                )
            out[ws.title] = found
    finally:
        wb.close()
    return out


def payload(
    path: str | os.PathLike[str],
    values: dict[str, list[list[Any]]] | None = None,
    name: str | None = None,
) -> dict[str, Any]:
    """The remote-engine JSON of the workbook file ``path``.

    ``values`` (sheet → rows) replaces what is read from the file, so a test can hand the
    engine edited cells without writing a file; sheets absent from it are dropped.
    """
    import xlwings as xw
    from python_calamine import CalamineWorkbook

    path = Path(path)
    if values is None:
        book = CalamineWorkbook.from_path(str(path))
        values = {
            sheet: book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
            for sheet in book.sheet_names
        }
    tables = _tables(path)
    return {
        "client": CLIENT,
        "version": xw.__version__,
        "book": {"name": name or path.name, "active_sheet_index": 0, "selection": "A1"},
        "names": [],
        "sheets": [
            {
                "name": sheet,
                "values": _rectangular(rows),
                "pictures": [],
                "tables": tables.get(sheet, []),
            }
            for sheet, rows in values.items()
        ],
    }


def book(path: str | os.PathLike[str], values: dict[str, list[list[Any]]] | None = None) -> Any:
    """A remote-engine ``xw.Book`` of the workbook file ``path`` (see :func:`payload`)."""
    import xlwings as xw

    remote_engine()
    return xw.Book(json=payload(path, values))


def read_values(path: str | os.PathLike[str]) -> dict[str, list[list[Any]]]:
    """Sheet → rows of a workbook file as calamine reads them (to edit before :func:`book`)."""
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_path(str(path))
    return {
        s: [list(r) for r in wb.get_sheet_by_name(s).to_python(skip_empty_area=False)]
        for s in wb.sheet_names
    }


def actions(book: Any, func: str | None = None) -> list[dict[str, Any]]:
    """The recorded actions of ``book`` (only those calling ``func`` when given)."""
    return [a for a in book.json()["actions"] if func is None or a["func"] == func]
