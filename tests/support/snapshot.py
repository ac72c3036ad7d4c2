"""A canonical, writer-independent dump of what a workbook shows: the oracle for rewrites.

Why: the file writer is rebuilt (and later made faster) while its output must stay what it
was.  openpyxl reads the written file back, independently of our writer, and this module
keeps what a user sees and Excel computes: sheet order, every cell's value or formula, its
number format, font, fill, alignment and border, merges, column widths, print titles,
conditional-format rules and defined names.  Two dumps compare equal when the workbooks
show the same thing, whatever bytes each writer chose.

    python -m tests.support.snapshot BOOK.xlsm > snapshot.json
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import openpyxl


def _color(color: Any) -> str | None:
    rgb = getattr(color, "rgb", None)
    return rgb[-6:].upper() if isinstance(rgb, str) else None


def _cell(cell: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    value = cell.value
    if value is not None:
        out["v"] = value if isinstance(value, (int, float, str, bool)) else str(value)
    if cell.number_format not in ("General", None):
        out["fmt"] = cell.number_format
    font = cell.font
    if font is not None:
        if font.b:
            out["bold"] = True
        if font.sz not in (None, 10, 11):
            out["size"] = float(font.sz)
    fill = cell.fill
    if fill is not None and fill.fill_type == "solid":
        out["fill"] = _color(fill.fgColor)
    align = cell.alignment
    if align is not None:
        if align.horizontal:
            out["align"] = align.horizontal
        if align.wrap_text:
            out["wrap"] = True
    border = cell.border
    if border is not None and border.left is not None and border.left.style:
        out["border"] = border.left.style
    return out


def snapshot(path: str | Path, sheets: tuple[str, ...] | None = None) -> dict[str, Any]:
    """The dump of ``path`` (all sheets, or those whose names start with ``sheets``)."""
    wb = openpyxl.load_workbook(path, rich_text=False)
    out: dict[str, Any] = {"order": wb.sheetnames, "sheets": {}, "names": {}}
    for name, defined in sorted(wb.defined_names.items()):
        out["names"][name] = defined.attr_text
    for ws in wb.worksheets:
        if sheets is not None and not ws.title.startswith(sheets):
            continue
        cells = {}
        for row in ws.iter_rows():
            for cell in row:
                dumped = _cell(cell)
                if dumped:
                    cells[cell.coordinate] = dumped
        rules = []
        for cf in ws.conditional_formatting:
            for rule in cf.rules:
                fill = rule.dxf.fill if rule.dxf else None
                rules.append(
                    {
                        "ref": str(cf.sqref),
                        "type": rule.type,
                        "formula": list(rule.formula or []),
                        "stop": bool(rule.stopIfTrue),
                        "fill": _color(fill.fgColor) if fill else None,
                    }
                )
        out["sheets"][ws.title] = {
            "cells": cells,
            "merges": sorted(str(m) for m in ws.merged_cells.ranges),
            "widths": {
                k: round(v.width, 2) for k, v in sorted(ws.column_dimensions.items()) if v.width
            },
            "heights": {str(k): v.height for k, v in sorted(ws.row_dimensions.items()) if v.height},
            "print_titles": ws.print_title_rows,
            "landscape": ws.page_setup.orientation == "landscape",
            "rules": rules,
            "charts": len(ws._charts),
        }
    return out


def diff(a: dict[str, Any], b: dict[str, Any], limit: int = 20) -> list[str]:
    """Human-readable differences between two dumps (empty when equal)."""
    found: list[str] = []

    def walk(x: Any, y: Any, where: str) -> None:
        if len(found) >= limit:
            return
        if isinstance(x, dict) and isinstance(y, dict):
            for key in sorted(set(x) | set(y), key=str):
                if key not in x or key not in y:
                    found.append(f"{where}/{key}: {x.get(key, '∅')!r} ≠ {y.get(key, '∅')!r}")
                else:
                    walk(x[key], y[key], f"{where}/{key}")
        elif x != y:
            found.append(f"{where}: {x!r} ≠ {y!r}")

    walk(a, b, "")
    return found


if __name__ == "__main__":
    json.dump(snapshot(sys.argv[1]), sys.stdout, ensure_ascii=False, indent=1, sort_keys=True)
