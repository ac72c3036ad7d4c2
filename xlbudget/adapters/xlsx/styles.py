"""styles.xml, append-only: existing style ids never change, equal entries are reused.

The user's cells keep their style indexes, so nothing xlbudget adds may move an existing
entry: new fonts, fills, borders, number formats, cell formats (xf) and conditional-format
formats (dxf) are appended, and an entry equal to an existing one (same element, attributes
and children, in any order) is reused instead.  The same input therefore gives the same
styles.xml, and re-running adds nothing.
"""

from __future__ import annotations

from typing import Any

from lxml import etree
from openpyxl.styles.numbers import BUILTIN_FORMATS_REVERSE

from ...core.errors import InputError
from ...core.plan import CellWrite, RuleWrite
from .package import STYLES, Package, q
from .workbook import insert_in_order, local_name

FONT_NAME = "맑은 고딕"
BORDER_RGB = "FF808080"
#: Children of <styleSheet> in schema order.
ORDER = (
    "numFmts",
    "fonts",
    "fills",
    "borders",
    "cellStyleXfs",
    "cellXfs",
    "cellStyles",
    "dxfs",
    "tableStyles",
    "colors",
    "extLst",
)
CHILD = {
    "numFmts": "numFmt",
    "fonts": "font",
    "fills": "fill",
    "borders": "border",
    "cellXfs": "xf",
    "dxfs": "dxf",
}


def _key(element: Any) -> tuple[Any, ...]:
    """Order-free identity of a style element: equal keys look the same in Excel."""
    return (
        local_name(element),
        tuple(sorted(element.attrib.items())),
        tuple(sorted(_key(child) for child in element if isinstance(child.tag, str))),
    )


def _argb(rgb: str) -> str:
    rgb = rgb.lstrip("#").upper()
    return rgb if len(rgb) == 8 else f"FF{rgb[-6:]}"


def _num(value: float) -> str:
    value = float(value)
    return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)


def _el(tag: str, children: tuple[Any, ...] = (), **attrs: str) -> Any:
    element = etree.Element(q(tag))
    for key, value in attrs.items():
        element.set(key, value)
    for child in children:
        element.append(child)
    return element


class Styles:
    """Append-only view of the package's styles.xml."""

    def __init__(self, package: Package) -> None:
        self.root = package.edit(STYLES)
        for name in ("fonts", "fills", "borders", "cellXfs"):
            if self.root.find(q(name)) is None:
                raise InputError(f"{STYLES}에 <{name}>가 없습니다 | no <{name}> in {STYLES}")
        self.known: dict[str, dict[tuple[Any, ...], int]] = {}
        for name, child in CHILD.items():
            container = self.root.find(q(name))
            items = [] if container is None else container.findall(q(child))
            self.known[name] = {}
            for i, item in enumerate(items):
                self.known[name].setdefault(_key(item), i)
        self.formats: dict[str, int] = {}
        numfmts = self.root.find(q("numFmts"))
        for item in [] if numfmts is None else numfmts.findall(q("numFmt")):
            self.formats.setdefault(item.get("formatCode", ""), int(item.get("numFmtId", 0)))
        self.xf_cache: dict[tuple[Any, ...], int] = {}

    def _container(self, kind: str) -> Any:
        found = self.root.find(q(kind))
        if found is None:
            found = insert_in_order(self.root, _el(kind, count="0"), ORDER)
        return found

    def _add(self, kind: str, element: Any) -> int:
        """Index of an entry equal to ``element`` (existing or appended)."""
        key = _key(element)
        known = self.known[kind]
        if key in known:
            return known[key]
        container = self._container(kind)
        container.append(element)
        index = len(container.findall(q(CHILD[kind]))) - 1
        container.set("count", str(index + 1))
        known[key] = index
        return index

    def number_format(self, code: str | None) -> int:
        if not code or code == "General":
            return 0
        if code in BUILTIN_FORMATS_REVERSE:  # Excel's built-in formats need no <numFmt>
            return BUILTIN_FORMATS_REVERSE[code]
        if code not in self.formats:
            new = max([163, *self.formats.values()]) + 1
            self.formats[code] = new
            container = self._container("numFmts")
            container.append(_el("numFmt", numFmtId=str(new), formatCode=code))
            container.set("count", str(len(container)))
        return self.formats[code]

    def xf(self, write: CellWrite) -> int:
        """The cell format index of a planned cell's look (cached per distinct look)."""
        key = write.style_key
        if key in self.xf_cache:
            return self.xf_cache[key]
        font_children = [_el("b")] if write.bold else []
        font_children += [_el("sz", val=_num(write.font_size or 10)), _el("name", val=FONT_NAME)]
        font = self._add("fonts", _el("font", tuple(font_children)))
        fill = 0
        if write.fill:
            pattern = _el(
                "patternFill",
                (_el("fgColor", rgb=_argb(write.fill)), _el("bgColor", indexed="64")),
                patternType="solid",
            )
            fill = self._add("fills", _el("fill", (pattern,)))
        border = 0
        if write.border:
            sides = tuple(
                _el(side, (_el("color", rgb=BORDER_RGB),), style="thin")
                for side in ("left", "right", "top", "bottom")
            )
            border = self._add("borders", _el("border", (*sides, _el("diagonal"))))
        fmt = self.number_format(write.number_format)
        alignment = _el("alignment", vertical="center")
        if write.align:
            alignment.set("horizontal", write.align)
        if write.wrap:
            alignment.set("wrapText", "1")
        attrs = {
            "numFmtId": str(fmt),
            "fontId": str(font),
            "fillId": str(fill),
            "borderId": str(border),
            "xfId": "0",
        }
        if fmt:
            attrs["applyNumberFormat"] = "1"
        attrs["applyFont"] = "1"
        if fill:
            attrs["applyFill"] = "1"
        if border:
            attrs["applyBorder"] = "1"
        attrs["applyAlignment"] = "1"
        index = self._add("cellXfs", _el("xf", (alignment,), **attrs))
        self.xf_cache[key] = index
        return index

    def dxf(self, rule: RuleWrite) -> int:
        """The differential format (fill, font colour) of a conditional-format rule."""
        children = []
        if rule.font_color:
            children.append(_el("font", (_el("color", rgb=_argb(rule.font_color)),)))
        color = _argb(rule.fill)
        pattern = _el(
            "patternFill",
            (_el("fgColor", rgb=color), _el("bgColor", rgb=color)),
            patternType="solid",
        )
        children.append(_el("fill", (pattern,)))
        return self._add("dxfs", _el("dxf", tuple(children)))
