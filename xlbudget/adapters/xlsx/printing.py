"""A copy of a workbook that prints only some of its sheets (the 검토_ sheets, for a PDF).

A spreadsheet prints every visible sheet; an officer prints the review sheets.  Only
``xl/workbook.xml`` changes: the other sheets are hidden (not removed, so every formula of
the review still finds its input) and lose their print areas, which LibreOffice would print
even on a hidden sheet.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from ...core.errors import InputError
from .package import WORKBOOK, Package, q

_PRINT_AREA = "_xlnm.Print_Area"


def only_sheets_visible(
    src: str | os.PathLike[str], dst: str | os.PathLike[str], keep: Sequence[str]
) -> Path:
    """Write ``src`` to ``dst`` with every sheet outside ``keep`` hidden; ``src`` unchanged."""
    package = Package.open(src)
    root = package.edit(WORKBOOK)
    sheets = root.findall(f"{q('sheets')}/{q('sheet')}")
    names = [s.get("name") for s in sheets]
    if not any(n in keep for n in names):
        raise InputError(f"인쇄할 시트가 없습니다: {', '.join(keep) or '(없음)'}")
    hidden: set[str] = set()
    for index, sheet in enumerate(sheets):
        if sheet.get("name") in keep:
            sheet.attrib.pop("state", None)
        else:
            sheet.set("state", "hidden")
            hidden.add(str(index))
    view = root.find(f"{q('bookViews')}/{q('workbookView')}")
    if view is not None:
        view.set("activeTab", str(next(i for i, n in enumerate(names) if n in keep)))
        view.attrib.pop("firstSheet", None)
    names_root = root.find(q("definedNames"))
    if names_root is not None:
        for name in list(names_root):
            if name.get("name") == _PRINT_AREA and name.get("localSheetId") in hidden:
                names_root.remove(name)
    return package.save(dst)
