"""workbook.xml as a tree: the sheet list, defined names, views and calculation settings.

Defined names local to a sheet (``localSheetId``) and the views' ``activeTab`` /
``firstSheet`` point at sheets by index; inserting or removing a sheet shifts those indexes,
so they are held here as the sheet elements they meant and written back as indexes at the
end: a print-title name stays on its sheet and the active tab stays the active tab.
"""

from __future__ import annotations

from typing import Any

from lxml import etree

from ...core.errors import InputError
from .package import NS_R, WORKBOOK, Package, q

#: Children of <workbook> in schema order (ECMA-376 CT_Workbook).
ORDER = (
    "fileVersion",
    "fileSharing",
    "workbookPr",
    "AlternateContent",
    "workbookProtection",
    "bookViews",
    "sheets",
    "functionGroups",
    "externalReferences",
    "definedNames",
    "calcPr",
    "oleSize",
    "customWorkbookViews",
    "pivotCaches",
    "smartTagPr",
    "smartTagTypes",
    "webPublishing",
    "fileRecoveryPr",
    "webPublishObjects",
    "extLst",
)


def local_name(element: Any) -> str:
    return etree.QName(element).localname


def insert_in_order(parent: Any, child: Any, order: tuple[str, ...]) -> Any:
    """Insert ``child`` before the first sibling that comes after it in ``order``."""
    rank = order.index(local_name(child))
    for i, sibling in enumerate(parent):
        if isinstance(sibling.tag, str) and local_name(sibling) in order:
            if order.index(local_name(sibling)) > rank:
                parent.insert(i, child)
                return child
    parent.append(child)
    return child


class WorkbookXml:
    """The sheet list and what points into it, edited in place on the package's tree."""

    def __init__(self, package: Package) -> None:
        self.root = package.edit(WORKBOOK)
        sheets = self.root.find(q("sheets"))
        if sheets is None:
            raise InputError(f"{WORKBOOK}에 <sheets>가 없습니다 | no <sheets> in {WORKBOOK}")
        self.sheets_element = sheets
        self.sheets: list[Any] = list(sheets.iter(q("sheet")))
        for sheet in self.sheets:
            if sheet.get("name") is None or sheet.get(q("id", NS_R)) is None:
                raise InputError(f"{WORKBOOK}의 시트 항목이 불완전합니다 | incomplete <sheet>")
        # What each index meant, held as the sheet elements themselves.
        self.local: dict[Any, Any] = {}
        for name in self.root.iter(q("definedName")):
            if name.get("localSheetId") is not None:
                self.local[name] = self._at(name.get("localSheetId"), name.get("name"))
        self.views: list[tuple[Any, Any | None, Any | None]] = [
            (view, self._at(view.get("activeTab", "0")), self._at(view.get("firstSheet", "0")))
            for view in self.root.iter(q("workbookView"))
        ]

    def _at(self, index: str | None, name: str | None = None) -> Any:
        try:
            return self.sheets[int(index or 0)]
        except (ValueError, IndexError):
            if name is None:
                return None
            raise InputError(
                f"{WORKBOOK}의 이름 {name!r}이 없는 시트 번호를 가리킵니다 | bad localSheetId"
            ) from None

    # ------------------------------------------------------------------ sheets
    def names(self) -> list[str]:
        return [s.get("name") for s in self.sheets]

    def find(self, name: str) -> Any:
        return next((s for s in self.sheets if s.get("name") == name), None)

    def rel_id(self, sheet: Any) -> str:
        return sheet.get(q("id", NS_R))

    def remove(self, sheet: Any) -> int:
        """Take ``sheet`` out (and the names local to it); returns where it stood."""
        index = self.sheets.index(sheet)
        self.sheets.remove(sheet)
        self.sheets_element.remove(sheet)
        for name, target in list(self.local.items()):
            if target is sheet:
                name.getparent().remove(name)
                del self.local[name]
        self.views = [
            (view, None if a is sheet else a, None if f is sheet else f)
            for view, a, f in self.views
        ]
        return index

    def insert(self, index: int, name: str, rel_id: str) -> Any:
        used = {int(s.get("sheetId", 0)) for s in self.sheets}
        sheet_id = next(n for n in range(1, len(used) + 2) if n not in used)
        element = etree.Element(q("sheet"), nsmap=None)
        element.set("name", name)
        element.set("sheetId", str(sheet_id))
        element.set(q("id", NS_R), rel_id)
        self.sheets.insert(index, element)
        self.sheets_element.insert(index, element)
        return element

    # ------------------------------------------------------------------ defined names
    def _names_element(self) -> Any:
        found = self.root.find(q("definedNames"))
        if found is None:
            found = insert_in_order(self.root, etree.Element(q("definedNames")), ORDER)
        return found

    def set_name(self, name: str, body: str, sheet: Any = None) -> None:
        """Add or replace (in place) the defined name ``name`` (local to ``sheet`` if given)."""
        container = self._names_element()
        for element in container.iter(q("definedName")):
            if element.get("name") == name and self.local.get(element) is sheet:
                element.text = body
                return
        element = etree.SubElement(container, q("definedName"), name=name)
        if sheet is not None:
            element.set("localSheetId", "0")
            self.local[element] = sheet
        element.text = body

    # ------------------------------------------------------------------ finishing
    def write_back(self) -> None:
        """Indexes from the elements they meant; a full recalculation when Excel opens it."""
        index = {id(s): i for i, s in enumerate(self.sheets)}
        for name, sheet in self.local.items():
            name.set("localSheetId", str(index[id(sheet)]))
        for view, active, first in self.views:
            for key, sheet in (("activeTab", active), ("firstSheet", first)):
                if view.get(key) is not None or sheet is not None:
                    view.set(key, str(index.get(id(sheet), 0)))
        names = self.root.find(q("definedNames"))
        if names is not None and len(names) == 0:
            self.root.remove(names)
        calc = self.root.find(q("calcPr"))
        if calc is None:
            calc = insert_in_order(self.root, etree.Element(q("calcPr")), ORDER)
        calc.set("fullCalcOnLoad", "1")
