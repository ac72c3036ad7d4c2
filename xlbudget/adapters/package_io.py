"""Write a review Plan straight into the workbook's zip parts, leaving every other part alone.

Why: openpyxl's load + save round trip re-serializes every sheet (12 s on 100,000 execution
lines) and silently rewrites parts it does not understand.  xlbudget owns only its 검토_
sheets, its conditional-format rules (they mention ``RULE_MARKER``), a few defined names and
appended cell styles; this module writes exactly those and copies every other part byte for
byte.  The big data sheet that carries the rules is never parsed as a tree: only its
top-level ``<conditionalFormatting>`` blocks are cut out and re-inserted by position.

The small XML documents (workbook, rels, content types, styles) are edited as text at
located elements, so namespace prefixes and ``mc:Ignorable`` stay exactly as the author wrote
them; defusedxml parses each of them first, so a malformed or hostile document is refused
before any edit.  Every choice (part numbers, ids, order) depends only on the input, so the
same input gives the same bytes, and re-running on the output gives the output again.
"""

from __future__ import annotations

import math
import posixpath
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, ClassVar
from xml.sax.saxutils import escape, quoteattr
from xml.sax.saxutils import unescape as _unescape

from defusedxml.ElementTree import fromstring
from openpyxl.utils import get_column_letter

from ..review.model import RULE_MARKER, CellWrite, ChartSpec, Plan, RuleWrite, SheetPlan, a1
from ..review.read import InputError

__all__ = ["apply_plan_to_package"]

WORKBOOK = "xl/workbook.xml"
WORKBOOK_RELS = "xl/_rels/workbook.xml.rels"
CONTENT_TYPES = "[Content_Types].xml"
STYLES = "xl/styles.xml"
XLWINGS_CONF = "xlwings.conf"

_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_WORKSHEET = f"{_R}/worksheet"
REL_DRAWING = f"{_R}/drawing"
REL_CHART = f"{_R}/chart"
REL_CALC_CHAIN = f"{_R}/calcChain"
CT_WORKSHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
CT_DRAWING = "application/vnd.openxmlformats-officedocument.drawing+xml"
CT_CHART = "application/vnd.openxmlformats-officedocument.drawingml.chart+xml"
FONT_NAME = "맑은 고딕"
BORDER_RGB = "FF808080"

_ATTR = re.compile(r"""([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

#: Children of <workbook> that follow <definedNames>, in schema order (calcPr first).
_WORKBOOK_TAIL = (
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


def _attrs(tag: str) -> dict[str, str]:
    """Attributes of one start tag (values unescaped)."""
    return {
        m.group(1): _unescape(
            m.group(2) if m.group(2) is not None else m.group(3), {"&quot;": '"', "&apos;": "'"}
        )
        for m in _ATTR.finditer(tag)
    }


def _attr(value: Any) -> str:
    return quoteattr(str(value))


def _text(value: str) -> str:
    return escape(_ILLEGAL_XML.sub("", value))


def _parse(parts: dict[str, bytes], name: str) -> None:
    """Refuse a missing or malformed XML part (defusedxml also refuses DTDs and entities)."""
    if name not in parts:
        raise InputError(f"통합 문서 패키지에 {name} 파트가 없습니다 | part {name} is missing")
    try:
        fromstring(parts[name])
    except Exception as exc:  # ParseError, DTDForbidden, EntitiesForbidden …
        raise InputError(
            f"통합 문서의 {name} 파트를 읽을 수 없습니다 | cannot parse part {name}: "
            f"{type(exc).__name__}: {exc}"
        ) from None


def _decode(parts: dict[str, bytes], name: str) -> str:
    _parse(parts, name)
    try:
        return parts[name].decode("utf-8")
    except UnicodeDecodeError:
        raise InputError(
            f"통합 문서의 {name} 파트가 UTF-8이 아닙니다 | part {name} is not UTF-8"
        ) from None


def _prefix(xml: str, root: str, name: str) -> str:
    """The namespace prefix of the root element (``""`` or ``"x:"``), reused for new tags."""
    m = re.search(rf"<(?:([\w.-]+):)?{root}[\s/>]", xml)
    if m is None:
        raise InputError(f"{name} 파트에 <{root}> 요소가 없습니다 | no <{root}> in {name}")
    return f"{m.group(1)}:" if m.group(1) else ""


def _first_tag(xml: str, prefix: str, names: Iterable[str], start: int = 0) -> int | None:
    """Offset of the first start tag among ``names`` at or after ``start`` (None if none)."""
    alternatives = "|".join(names)
    m = re.compile(rf"<{re.escape(prefix)}(?:{alternatives})[\s/>]").search(xml, start)
    return m.start() if m else None


def _block(xml: str, prefix: str, name: str) -> tuple[int, int] | None:
    """(start, end) of the element ``name`` (``<x>…</x>`` or ``<x/>``), or None."""
    p = re.escape(prefix)
    m = re.compile(rf"<{p}{name}(?:\s[^>]*)?(?:/>|>.*?</{p}{name}\s*>)", re.S).search(xml)
    return (m.start(), m.end()) if m else None


def _set_attr(tag: str, key: str, value: str) -> str:
    """A start tag with ``key`` set to ``value`` (replaced, or added before ``>``/``/>``)."""
    pattern = re.compile(rf"""(\s{re.escape(key)}\s*=\s*)(?:"[^"]*"|'[^']*')""")
    if pattern.search(tag):
        return pattern.sub(lambda m: f"{m.group(1)}{_attr(value)}", tag, count=1)
    end = len(tag) - (2 if tag.endswith("/>") else 1)
    return f"{tag[:end].rstrip()} {key}={_attr(value)}{tag[end:]}"


def _rels_path(part: str) -> str:
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", f"{name}.rels")


def _resolve(source: str, target: str) -> str:
    """Package path of a relationship target written in ``source``'s rels."""
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(source), target))


def _relative(source: str, target: str) -> str:
    return posixpath.relpath(target, posixpath.dirname(source))


# ------------------------------------------------------------------------- flat documents


_REL_TAG = re.compile(r"<(?:[\w.-]+:)?Relationship\s[^>]*?/?>(?:\s*</(?:[\w.-]+:)?Relationship>)?")
_OVERRIDE_TAG = re.compile(r"<(?:[\w.-]+:)?Override\s[^>]*?/?>(?:\s*</(?:[\w.-]+:)?Override>)?")


class _Package:
    """The parts plus small helpers for rels and content types (edited as text)."""

    def __init__(self, parts: dict[str, bytes]) -> None:
        self.parts = dict(parts)

    # rels ----------------------------------------------------------------------------------
    def rels(self, source: str) -> list[dict[str, str]]:
        name = _rels_path(source)
        if name not in self.parts:
            return []
        xml = _decode(self.parts, name)
        return [_attrs(m.group(0)) for m in _REL_TAG.finditer(xml)]

    def targets(self, source: str) -> list[str]:
        return [
            _resolve(source, r.get("Target", ""))
            for r in self.rels(source)
            if r.get("TargetMode") != "External"
        ]

    def remove_rels(self, source: str, keep: Callable[[dict[str, str]], bool]) -> None:
        name = _rels_path(source)
        if name not in self.parts:
            return
        xml = _decode(self.parts, name)
        out = _REL_TAG.sub(lambda m: m.group(0) if keep(_attrs(m.group(0))) else "", xml)
        if out != xml:
            self.parts[name] = out.encode("utf-8")

    def add_rel(self, source: str, rel_type: str, target: str, rel_id: str | None = None) -> str:
        """Append a relationship (relative target); returns its id (smallest free rIdN)."""
        name = _rels_path(source)
        if name in self.parts:
            xml = _decode(self.parts, name)
        else:
            xml = (
                '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships '
                'xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                "</Relationships>"
            )
        used = {_attrs(m.group(0)).get("Id") for m in _REL_TAG.finditer(xml)}
        if rel_id is None:
            n = 1
            while f"rId{n}" in used:
                n += 1
            rel_id = f"rId{n}"
        prefix = _prefix(xml, "Relationships", name)
        close = xml.rfind(f"</{prefix}Relationships")
        if close < 0:
            raise InputError(f"{name} 파트의 형식이 예상과 다릅니다 | unexpected layout of {name}")
        tag = (
            f"<{prefix}Relationship Id={_attr(rel_id)} Type={_attr(rel_type)} "
            f"Target={_attr(_relative(source, target))}/>"
        )
        self.parts[name] = (xml[:close] + tag + xml[close:]).encode("utf-8")
        return rel_id

    def referenced(self, part: str) -> bool:
        """Whether any relationship in the package still points at ``part``."""
        for name in self.parts:
            if not name.endswith(".rels"):
                continue
            folder = posixpath.dirname(posixpath.dirname(name))
            source = posixpath.join(folder, posixpath.basename(name)[: -len(".rels")])
            if part in self.targets(source):  # "" for the package's own _rels/.rels
                return True
        return False

    # parts ---------------------------------------------------------------------------------
    def remove_tree(self, part: str) -> None:
        """Delete ``part``, its rels and overrides, then what only it referenced."""
        targets = self.targets(part)
        self.parts.pop(part, None)
        self.parts.pop(_rels_path(part), None)
        self.remove_overrides({part})
        for target in dict.fromkeys(targets):
            if target in self.parts and not self.referenced(target):
                self.remove_tree(target)

    def free_name(self, pattern: str) -> str:
        """Smallest free ``pattern % n`` (n ≥ 1): re-running reuses what it removed."""
        n = 1
        while pattern % n in self.parts or _rels_path(pattern % n) in self.parts:
            n += 1
        return pattern % n

    # content types -------------------------------------------------------------------------
    def remove_overrides(self, names: set[str]) -> None:
        xml = _decode(self.parts, CONTENT_TYPES)
        wanted = {f"/{n}" for n in names}
        out = _OVERRIDE_TAG.sub(
            lambda m: "" if _attrs(m.group(0)).get("PartName") in wanted else m.group(0), xml
        )
        if out != xml:
            self.parts[CONTENT_TYPES] = out.encode("utf-8")

    def add_override(self, part: str, content_type: str) -> None:
        self.remove_overrides({part})  # a stale override of a free part name
        xml = _decode(self.parts, CONTENT_TYPES)
        prefix = _prefix(xml, "Types", CONTENT_TYPES)
        close = xml.rfind(f"</{prefix}Types")
        if close < 0:
            raise InputError(f"{CONTENT_TYPES} 형식이 예상과 다릅니다 | unexpected layout")
        tag = f"<{prefix}Override PartName={_attr('/' + part)} ContentType={_attr(content_type)}/>"
        self.parts[CONTENT_TYPES] = (xml[:close] + tag + xml[close:]).encode("utf-8")


# ------------------------------------------------------------------------------ workbook.xml


@dataclass
class _Sheet:
    name: str
    tag: str  # raw <sheet …/> text, kept as written
    rel_id: str
    sheet_id: int


@dataclass
class _Name:
    tag: str  # raw <definedName …>…</definedName> text
    name: str
    local: _Sheet | None  # the sheet a localSheetId pointed at (indexes change, sheets don't)


@dataclass
class _Workbook:
    """workbook.xml as its original text plus the sheet and defined-name lists to rewrite."""

    xml: str
    prefix: str
    r_prefix: str
    sheets: list[_Sheet]
    names: list[_Name]
    views: list[tuple[_Sheet | None, _Sheet | None]] = field(default_factory=list)

    @classmethod
    def parse(cls, xml: str) -> _Workbook:
        p = _prefix(xml, "workbook", WORKBOOK)
        r_match = re.search(rf'xmlns:([\w.-]+)\s*=\s*["\']{re.escape(_R)}["\']', xml)
        r_prefix = r_match.group(1) if r_match else "r"
        sheets_block = _block(xml, p, "sheets")
        if sheets_block is None:
            raise InputError(f"{WORKBOOK}에 <sheets>가 없습니다 | no <sheets> in {WORKBOOK}")
        sheets = []
        body = xml[sheets_block[0] : sheets_block[1]]
        for m in re.finditer(
            rf"<{re.escape(p)}sheet\s[^>]*?/?>(?:\s*</{re.escape(p)}sheet>)?", body
        ):
            attrs = _attrs(m.group(0))
            try:
                sheet = _Sheet(
                    attrs["name"], m.group(0), attrs[f"{r_prefix}:id"], int(attrs["sheetId"])
                )
            except (KeyError, ValueError):
                raise InputError(
                    f"{WORKBOOK}의 시트 항목이 불완전합니다 | incomplete <sheet> {m.group(0)!r}"
                ) from None
            sheets.append(sheet)
        names = []
        names_block = _block(xml, p, "definedNames")
        if names_block is not None:
            body = xml[names_block[0] : names_block[1]]
            for m in re.finditer(
                rf"<{re.escape(p)}definedName\s[^>]*?(?:/>|>.*?</{re.escape(p)}definedName\s*>)",
                body,
                re.S,
            ):
                attrs = _attrs(m.group(0)[: m.group(0).index(">") + 1])
                local = None
                if "localSheetId" in attrs:
                    try:
                        local = sheets[int(attrs["localSheetId"])]
                    except (ValueError, IndexError):
                        raise InputError(
                            f"{WORKBOOK}의 이름 {attrs.get('name')!r}이 없는 시트 번호를 "
                            f"가리킵니다 | bad localSheetId"
                        ) from None
                names.append(_Name(m.group(0), attrs.get("name", ""), local))
        book = cls(xml, p, r_prefix, sheets, names)
        for m in re.finditer(rf"<{re.escape(p)}workbookView\b[^>]*>", xml):
            attrs = _attrs(m.group(0))
            book.views.append(
                (book._at(attrs.get("activeTab", "0")), book._at(attrs.get("firstSheet", "0")))
            )
        return book

    def _at(self, index: str) -> _Sheet | None:
        try:
            return self.sheets[int(index)]
        except (ValueError, IndexError):
            return None

    def index(self, name: str) -> int | None:
        return next((i for i, s in enumerate(self.sheets) if s.name == name), None)

    def remove(self, sheet: _Sheet) -> None:
        self.sheets.remove(sheet)
        self.names = [n for n in self.names if n.local is not sheet]
        self.views = [(None if a is sheet else a, None if f is sheet else f) for a, f in self.views]

    def set_name(self, name: str, target: str, local: _Sheet | None = None) -> None:
        """Add (at the end) or replace (in place) a defined name."""
        p = self.prefix
        local_attr = ' localSheetId="0"' if local is not None else ""
        tag = f"<{p}definedName name={_attr(name)}{local_attr}>{_text(target)}</{p}definedName>"
        for i, old in enumerate(self.names):
            if old.name == name and old.local is local:
                self.names[i] = _Name(tag, name, local)
                return
        self.names.append(_Name(tag, name, local))

    def serialize(self) -> str:
        p = self.prefix
        xml = self.xml
        index = {id(s): i for i, s in enumerate(self.sheets)}
        sheets = f"<{p}sheets>{''.join(s.tag for s in self.sheets)}</{p}sheets>"
        start, end = _block(xml, p, "sheets")  # type: ignore[misc]
        xml = xml[:start] + sheets + xml[end:]
        names = "".join(
            n.tag
            if n.local is None
            else re.sub(
                r"""(\slocalSheetId\s*=\s*)(?:"[^"]*"|'[^']*')""",
                lambda m, n=n: f'{m.group(1)}"{index[id(n.local)]}"',
                n.tag,
                count=1,
            )
            for n in self.names
        )
        block = _block(xml, p, "definedNames")
        if block is not None:
            new = f"<{p}definedNames>{names}</{p}definedNames>" if names else ""
            xml = xml[: block[0]] + new + xml[block[1] :]
        elif names:
            at = _first_tag(
                xml,
                p,
                _WORKBOOK_TAIL,
                xml.find(f"</{p}sheets>"),
            )
            at = xml.rfind(f"</{p}workbook") if at is None else at
            xml = xml[:at] + f"<{p}definedNames>{names}</{p}definedNames>" + xml[at:]
        views = iter(self.views)

        def view(m: re.Match[str]) -> str:
            active, first = next(views, (None, None))
            tag = m.group(0)
            for key, sheet in (("activeTab", active), ("firstSheet", first)):
                if key in _attrs(tag) or sheet is not None:
                    tag = _set_attr(tag, key, str(index.get(id(sheet), 0)))
            return tag

        xml = re.sub(rf"<{re.escape(p)}workbookView\b[^>]*>", view, xml)
        calc = re.search(rf"<{re.escape(p)}calcPr\b[^>]*>", xml)
        if calc is not None:
            xml = (
                xml[: calc.start()]
                + _set_attr(calc.group(0), "fullCalcOnLoad", "1")
                + (xml[calc.end() :])
            )
        else:
            at = _first_tag(
                xml,
                p,
                _WORKBOOK_TAIL[1:],
                xml.find(f"</{p}sheets>"),
            )
            at = xml.rfind(f"</{p}workbook") if at is None else at
            xml = xml[:at] + f'<{p}calcPr fullCalcOnLoad="1"/>' + xml[at:]
        return xml


# -------------------------------------------------------------------------------- styles.xml


def _key(element: Any) -> tuple:
    """Order-free identity of a style element: equal keys look the same in Excel."""
    return (
        element.tag.rsplit("}", 1)[-1],
        tuple(sorted(element.attrib.items())),
        tuple(sorted(_key(child) for child in element)),
    )


class _Styles:
    """Append-only view of styles.xml: existing ids never change, equal entries are reused."""

    LISTS = ("numFmts", "fonts", "fills", "borders", "cellXfs", "dxfs")
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
    CHILD: ClassVar[dict[str, str]] = {
        "numFmts": "numFmt",
        "fonts": "font",
        "fills": "fill",
        "borders": "border",
        "cellXfs": "xf",
        "dxfs": "dxf",
    }

    def __init__(self, xml: str) -> None:
        self.xml = xml
        self.p = _prefix(xml, "styleSheet", STYLES)
        root = fromstring(xml.encode("utf-8"))
        self.ns = root.tag[1:].split("}")[0] if root.tag.startswith("{") else ""
        self.known: dict[str, dict[tuple, int]] = {}
        self.count: dict[str, int] = {}
        self.added: dict[str, list[str]] = {k: [] for k in self.LISTS}
        self.formats: dict[str, int] = {}
        for name in self.LISTS:
            container = root.find(self._q(name))
            children = (
                [] if container is None else list(container.findall(self._q(self.CHILD[name])))
            )
            self.count[name] = len(children)
            self.known[name] = {}
            for i, child in enumerate(children):
                self.known[name].setdefault(_key(child), i)
            if name == "numFmts":
                for child in children:
                    self.formats.setdefault(
                        child.get("formatCode", ""), int(child.get("numFmtId", 0))
                    )
        for name in ("fonts", "fills", "borders", "cellXfs"):
            if root.find(self._q(name)) is None:
                raise InputError(f"{STYLES}에 <{name}>가 없습니다 | no <{name}> in {STYLES}")
        self.xf_cache: dict[tuple, int] = {}

    def _q(self, name: str) -> str:
        return f"{{{self.ns}}}{name}" if self.ns else name

    def _add(self, kind: str, xml: str) -> int:
        """Index of an entry equal to ``xml`` (existing or appended)."""
        p = self.p
        wrapped = re.sub(r"<(/?)", rf"<\1{p}", xml) if p else xml
        ns_decl = f' xmlns{":" + p[:-1] if p else ""}="{self.ns}"'
        probe = fromstring(f"<{p}probe{ns_decl}>{wrapped}</{p}probe>".encode())[0]
        key = _key(probe)
        if key in self.known[kind]:
            return self.known[kind][key]
        index = self.count[kind]
        self.known[kind][key] = index
        self.count[kind] += 1
        self.added[kind].append(wrapped)
        return index

    def number_format(self, code: str | None) -> int:
        if not code or code == "General":
            return 0
        from openpyxl.styles.numbers import BUILTIN_FORMATS_REVERSE

        if code in BUILTIN_FORMATS_REVERSE:
            return BUILTIN_FORMATS_REVERSE[code]
        if code not in self.formats:
            used = set(self.formats.values())
            new = max([163, *used]) + 1
            self.formats[code] = new
            self.count["numFmts"] += 1
            p = self.p
            self.added["numFmts"].append(f'<{p}numFmt numFmtId="{new}" formatCode={_attr(code)}/>')
        return self.formats[code]

    def xf(self, write: CellWrite) -> int:
        key = write.style_key
        if key in self.xf_cache:
            return self.xf_cache[key]
        size = write.font_size or 10
        font = self._add(
            "fonts",
            f"<font>{'<b/>' if write.bold else ''}<sz val={_attr(_num(size))}/>"
            f"<name val={_attr(FONT_NAME)}/></font>",
        )
        fill = 0
        if write.fill:
            fill = self._add(
                "fills",
                f'<fill><patternFill patternType="solid"><fgColor rgb={_attr(_argb(write.fill))}/>'
                f'<bgColor indexed="64"/></patternFill></fill>',
            )
        border = 0
        if write.border:
            side = "".join(
                f'<{s} style="thin"><color rgb="{BORDER_RGB}"/></{s}>'
                for s in ("left", "right", "top", "bottom")
            )
            border = self._add("borders", f"<border>{side}<diagonal/></border>")
        fmt = self.number_format(write.number_format)
        align = f" horizontal={_attr(write.align)}" if write.align else ""
        wrap = ' wrapText="1"' if write.wrap else ""
        xf = self._add(
            "cellXfs",
            f'<xf numFmtId="{fmt}" fontId="{font}" fillId="{fill}" borderId="{border}" xfId="0"'
            f'{" applyNumberFormat=" + chr(34) + "1" + chr(34) if fmt else ""} applyFont="1"'
            f"{' applyFill=' + chr(34) + '1' + chr(34) if fill else ''}"
            f'{" applyBorder=" + chr(34) + "1" + chr(34) if border else ""} applyAlignment="1">'
            f'<alignment{align} vertical="center"{wrap}/></xf>',
        )
        self.xf_cache[key] = xf
        return xf

    def dxf(self, rule: RuleWrite) -> int:
        font = (
            f"<font><color rgb={_attr(_argb(rule.font_color))}/></font>" if rule.font_color else ""
        )
        color = _attr(_argb(rule.fill))
        return self._add(
            "dxfs",
            f'<dxf>{font}<fill><patternFill patternType="solid"><fgColor rgb={color}/>'
            f"<bgColor rgb={color}/></patternFill></fill></dxf>",
        )

    def serialize(self) -> str:
        xml = self.xml
        p = self.p
        for kind in self.LISTS:
            if not self.added[kind]:
                continue
            new = "".join(self.added[kind])
            block = _block(xml, p, kind)
            if block is not None:
                start, end = block
                text = xml[start:end]
                if text.endswith("/>"):
                    open_tag = text[:-2].rstrip() + ">"
                    text = f"{open_tag}{new}</{p}{kind}>"
                else:
                    close = text.rfind(f"</{p}{kind}")
                    text = text[:close] + new + text[close:]
                open_end = text.index(">") + 1
                text = _set_attr(text[:open_end], "count", str(self.count[kind])) + text[open_end:]
                xml = xml[:start] + text + xml[end:]
            else:
                later = self.ORDER[self.ORDER.index(kind) + 1 :]
                at = _first_tag(xml, p, later)
                at = xml.rfind(f"</{p}styleSheet") if at is None else at
                xml = (
                    xml[:at]
                    + f'<{p}{kind} count="{self.count[kind]}">{new}</{p}{kind}>'
                    + (xml[at:])
                )
        return xml


def _argb(rgb: str) -> str:
    rgb = rgb.lstrip("#").upper()
    return rgb if len(rgb) == 8 else f"FF{rgb[-6:]}"


def _num(value: float) -> str:
    """A number as OOXML writes it: integers without ``.0``."""
    value = float(value)
    return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)


# ---------------------------------------------------------------------------- sheet writing


def _inline(ref: str, s: str, text: str) -> str:
    """A text cell as an inline string: never a formula, whatever it starts with."""
    return f'<c r="{ref}"{s} t="inlineStr"><is><t xml:space="preserve">{_text(text)}</t></is></c>'


def _cell_xml(ref: str, write: CellWrite, style: int) -> str:
    s = f' s="{style}"' if style else ""
    value = write.value
    if write.formula and isinstance(value, str):
        formula = value[1:] if value.startswith("=") else value
        return f'<c r="{ref}"{s}><f>{_text(formula)}</f></c>'
    if value is None or value == "":  # as openpyxl: an empty text is an empty (styled) cell
        return f'<c r="{ref}"{s}/>'
    if isinstance(value, str):
        return _inline(ref, s, value)
    if isinstance(value, bool):
        return f'<c r="{ref}"{s} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, (datetime, date)):
        from openpyxl.utils.datetime import to_excel

        value = to_excel(value)
    try:
        number = float(value)
    except (TypeError, ValueError):
        return _inline(ref, s, str(value))
    if not math.isfinite(number):
        return f'<c r="{ref}"{s}/>'
    text = (
        str(int(value))
        if isinstance(value, int) or (hasattr(value, "dtype") and value.dtype.kind in "iu")
        else repr(number)
    )
    return f'<c r="{ref}"{s}><v>{text}</v></c>'


def _sheet_xml(sheet: SheetPlan, styles: _Styles, drawing_rel: str | None) -> bytes:
    cells: dict[tuple[int, int], CellWrite] = {}
    for write in sheet.cells:
        cells[(write.row, write.col)] = write
    rows: dict[int, list[int]] = {}
    for r, c in cells:
        rows.setdefault(r, []).append(c)
    for r in sheet.row_heights:
        rows.setdefault(r, [])
    max_row = max([0, *rows, *(m[2] for m in sheet.merges)])
    max_col = max([0, *(c for _, c in cells), *(m[3] for m in sheet.merges)])
    dimension = "A1" if not cells else f"A1:{a1(max_row, max_col)}"
    out = [
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<worksheet xmlns="{_MAIN}" xmlns:r="{_R}">'
        '<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>'
        f'<dimension ref="{dimension}"/>'
        '<sheetViews><sheetView workbookViewId="0"/></sheetViews>'
        '<sheetFormatPr defaultRowHeight="15"/>'
    ]
    if sheet.col_widths:
        out.append("<cols>")
        for col in sorted(sheet.col_widths):
            out.append(
                f'<col min="{col + 1}" max="{col + 1}" width={_attr(_num(sheet.col_widths[col]))}'
                ' customWidth="1"/>'
            )
        out.append("</cols>")
    out.append("<sheetData>")
    letters = [get_column_letter(c + 1) for c in range(max_col + 1)]
    xf = styles.xf
    for r in sorted(rows):
        height = sheet.row_heights.get(r)
        ht = f' ht={_attr(_num(height))} customHeight="1"' if height is not None else ""
        out.append(f'<row r="{r + 1}"{ht}>')
        number = str(r + 1)
        for c in sorted(rows[r]):
            write = cells[(r, c)]
            out.append(_cell_xml(letters[c] + number, write, xf(write)))
        out.append("</row>")
    out.append("</sheetData>")
    if sheet.merges:
        out.append(f'<mergeCells count="{len(sheet.merges)}">')
        for r1, c1, r2, c2 in sheet.merges:
            out.append(f'<mergeCell ref="{a1(r1, c1)}:{a1(r2, c2)}"/>')
        out.append("</mergeCells>")
    orientation = "landscape" if sheet.landscape else "portrait"
    out.append(
        '<pageMargins left="0.75" right="0.75" top="1" bottom="1" header="0.5" footer="0.5"/>'
        f'<pageSetup paperSize="9" orientation="{orientation}" fitToWidth="1" fitToHeight="0"/>'
    )
    if drawing_rel:
        out.append(f'<drawing r:id="{drawing_rel}"/>')
    out.append("</worksheet>")
    return "".join(out).encode("utf-8")


def _charts_xml(sheet: SheetPlan, chart_paths: list[str]) -> tuple[bytes, bytes, list[bytes]]:
    """(drawing xml, drawing rels xml, chart xmls), made by openpyxl's serializers.

    openpyxl writes only these new parts; a throwaway worksheet named like the sheet gives
    the series references their sheet name.
    """
    from openpyxl import Workbook
    from openpyxl.chart import BarChart, Reference, Series
    from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing
    from openpyxl.xml.functions import tostring

    ws = Workbook().active
    ws.title = sheet.name
    wanted = {(title_row, col) for spec in sheet.charts for col, _, _, title_row in spec.series}
    titles = {(w.row, w.col): w.value for w in sheet.cells if (w.row, w.col) in wanted}
    drawing = SpreadsheetDrawing()
    charts = []
    for spec, path in zip(sheet.charts, chart_paths, strict=True):
        chart = _bar_chart(spec, ws, titles, BarChart, Reference, Series)
        chart.anchor = spec.anchor
        number = int(re.search(r"(\d+)\.xml$", path).group(1))  # type: ignore[union-attr]
        chart._id = number
        drawing.charts.append(chart)
        charts.append(tostring(chart._write()))
    drawing_xml = tostring(drawing._write())
    rels_xml = tostring(drawing._write_rels())
    return drawing_xml, rels_xml, charts


def _bar_chart(
    spec: ChartSpec, ws: Any, titles: dict, BarChart: Any, Reference: Any, Series: Any
) -> Any:
    chart = BarChart()
    chart.type = "bar" if spec.horizontal else "col"
    chart.title = spec.title
    chart.style = 10
    chart.height, chart.width = 9, 18
    chart.x_axis.tickLblPos = "low"
    for col, first, last, title_row in spec.series:
        values = Reference(ws, min_col=col + 1, min_row=first + 1, max_row=last + 1)
        title = titles.get((title_row, col))
        chart.series.append(Series(values, title=str(title) if title else None))
    cat_col, first, last = spec.categories
    chart.set_categories(Reference(ws, min_col=cat_col + 1, min_row=first + 1, max_row=last + 1))
    return chart


# ------------------------------------------------------------------------ rule sheet surgery

_AFTER_CF = (
    "dataValidations",
    "hyperlinks",
    "printOptions",
    "pageMargins",
    "pageSetup",
    "headerFooter",
    "rowBreaks",
    "colBreaks",
    "customProperties",
    "cellWatches",
    "ignoredErrors",
    "smartTags",
    "drawing",
    "legacyDrawing",
    "legacyDrawingHF",
    "picture",
    "oleObjects",
    "controls",
    "webPublishItems",
    "tableParts",
    "extLst",
)


def _replace_rules(xml: bytes, name: str, rules: list[RuleWrite], styles: _Styles) -> bytes:
    """Cut xlbudget's rules (they mention RULE_MARKER) out of a sheet and insert ``rules``.

    Only bytes after ``</sheetData>`` are searched and edited; the cell data is copied.
    """
    m = re.search(rb"<(?:([\w.-]+):)?worksheet[\s>]", xml)
    if m is None:
        raise InputError(f"{name} 파트가 워크시트가 아닙니다 | {name} is not a worksheet")
    p = (m.group(1) + b":") if m.group(1) else b""
    ep = re.escape(p)
    end_data = xml.find(b"</" + p + b"sheetData>")
    if end_data < 0:
        empty = re.search(rb"<" + ep + rb"sheetData\s*/>", xml)
        if empty is None:
            raise InputError(f"{name} 파트에 <sheetData>가 없습니다 | no <sheetData> in {name}")
        end_data = empty.end()
    head, tail = xml[:end_data], xml[end_data:]
    cf = re.compile(
        rb"<" + ep + rb"conditionalFormatting[\s>].*?</" + ep + rb"conditionalFormatting\s*>", re.S
    )
    rule_re = re.compile(rb"<" + ep + rb"cfRule[\s>/](?:[^>]*/>|.*?</" + ep + rb"cfRule\s*>)", re.S)
    marker = RULE_MARKER.encode()
    first_cf: int | None = None

    def keep(block: re.Match[bytes]) -> bytes:
        nonlocal first_cf
        text = block.group(0)
        kept = rule_re.sub(
            lambda r: b"" if marker in _formulas(r.group(0), ep) else r.group(0), text
        )
        if rule_re.search(kept) is None:
            return b""
        return kept

    tail = cf.sub(keep, tail)
    priorities = [int(x) for x in re.findall(rb'\spriority\s*=\s*["\'](\d+)["\']', tail)]
    top = max(priorities, default=0)
    blocks: dict[str, list[str]] = {}
    for i, rule in enumerate(rules, 1):
        stop = ' stopIfTrue="1"' if rule.stop else ""
        pp = p.decode()
        blocks.setdefault(rule.ref, []).append(
            f'<{pp}cfRule type="expression" dxfId="{styles.dxf(rule)}" priority="{top + i}"{stop}>'
            f"<{pp}formula>{_text(rule.formula.lstrip('='))}</{pp}formula></{pp}cfRule>"
        )
    new = "".join(
        f"<{p.decode()}conditionalFormatting sqref={_attr(ref)}>{''.join(items)}"
        f"</{p.decode()}conditionalFormatting>"
        for ref, items in blocks.items()
    ).encode("utf-8")
    at_match = re.compile(
        rb"<" + ep + rb"(?:" + b"|".join(a.encode() for a in _AFTER_CF) + rb")[\s/>]"
    ).search(tail)
    if at_match is not None:
        at = at_match.start()
    else:
        at = tail.rfind(b"</" + p + b"worksheet")
        if at < 0:
            raise InputError(f"{name} 파트의 끝이 없습니다 | truncated worksheet {name}")
    return head + tail[:at] + new + tail[at:]


def _formulas(rule: bytes, ep: bytes) -> bytes:
    return b"".join(re.findall(rb"<" + ep + rb"formula>(.*?)</" + ep + rb"formula>", rule, re.S))


# ------------------------------------------------------------------------------- the writer


def _sheet_part(pkg: _Package, book: _Workbook, sheet: _Sheet) -> str:
    for rel in pkg.rels(WORKBOOK):
        if rel.get("Id") == sheet.rel_id:
            return _resolve(WORKBOOK, rel.get("Target", ""))
    raise InputError(
        f"시트 '{sheet.name}'의 파트를 {WORKBOOK_RELS}에서 찾을 수 없습니다 | "
        f"no relationship {sheet.rel_id} for sheet {sheet.name!r}"
    )


def _position(book: _Workbook, sheet: SheetPlan) -> int:
    if sheet.after is not None:
        index = book.index(sheet.after)
        if index is not None:
            return index + 1
    if book.sheets and book.sheets[-1].name == XLWINGS_CONF:
        return len(book.sheets) - 1
    return len(book.sheets)


def apply_plan_to_package(plan: Plan, parts: dict[str, bytes]) -> dict[str, bytes]:
    """The package with ``plan`` applied; every part xlbudget does not own is copied as is.

    Pure over the parts (the caller reads and writes the file).  Order of work: defined
    names, then every planned sheet removed, then every planned sheet inserted (so re-running
    on the output frees and reuses the same part numbers and ids: idempotent), rules, styles.
    """
    for name in (CONTENT_TYPES, WORKBOOK, WORKBOOK_RELS, STYLES):
        _parse(parts, name)
    pkg = _Package(parts)
    book = _Workbook.parse(_decode(pkg.parts, WORKBOOK))
    styles = _Styles(_decode(pkg.parts, STYLES))

    for name, target in plan.names.items():
        book.set_name(name, target)

    for sheet in plan.sheets:
        index = book.index(sheet.name)
        if index is None:
            continue
        old = book.sheets[index]
        part = _sheet_part(pkg, book, old)
        book.remove(old)
        pkg.remove_rels(WORKBOOK, lambda r, old=old: r.get("Id") != old.rel_id)
        pkg.remove_tree(part)

    for sheet in plan.sheets:
        part = pkg.free_name("xl/worksheets/sheet%d.xml")
        drawing_rel = None
        if sheet.charts:
            drawing = pkg.free_name("xl/drawings/drawing%d.xml")
            charts = []
            for _ in sheet.charts:
                chart = pkg.free_name("xl/charts/chart%d.xml")
                pkg.parts[chart] = b""  # reserve the name
                charts.append(chart)
            drawing_xml, drawing_rels, chart_xmls = _charts_xml(sheet, charts)
            pkg.parts[drawing] = drawing_xml
            pkg.parts[_rels_path(drawing)] = drawing_rels
            for chart, xml in zip(charts, chart_xmls, strict=True):
                pkg.parts[chart] = xml
                pkg.add_override(chart, CT_CHART)
            pkg.add_override(drawing, CT_DRAWING)
            drawing_rel = pkg.add_rel(part, REL_DRAWING, drawing)
        pkg.parts[part] = _sheet_xml(sheet, styles, drawing_rel)
        pkg.add_override(part, CT_WORKSHEET)
        rel_id = pkg.add_rel(WORKBOOK, REL_WORKSHEET, part)
        used = {s.sheet_id for s in book.sheets}
        sheet_id = next(n for n in range(1, len(used) + 2) if n not in used)
        p = book.prefix
        tag = (
            f'<{p}sheet name={_attr(sheet.name)} sheetId="{sheet_id}" '
            f'{book.r_prefix}:id="{rel_id}"/>'
        )
        record = _Sheet(sheet.name, tag, rel_id, sheet_id)
        book.sheets.insert(_position(book, sheet), record)
        if sheet.title_rows and sheet.title_rows[0] >= 0:
            first, last = sheet.title_rows
            quoted = sheet.name.replace("'", "''")
            book.set_name("_xlnm.Print_Titles", f"'{quoted}'!${first + 1}:${last + 1}", record)

    by_sheet: dict[str, list[RuleWrite]] = {}
    for rule in plan.rules:
        by_sheet.setdefault(rule.sheet, []).append(rule)
    for name in sorted(set(plan.rule_sheets) | set(by_sheet)):
        index = book.index(name)
        if index is None:
            if name in by_sheet:
                raise InputError(
                    f"조건부 서식을 넣을 시트 '{name}'가 통합 문서에 없습니다 | no sheet {name!r}"
                )
            continue
        part = _sheet_part(pkg, book, book.sheets[index])
        if part not in pkg.parts:
            raise InputError(f"시트 '{name}'의 파트 {part}가 없습니다 | missing part {part}")
        pkg.parts[part] = _replace_rules(pkg.parts[part], part, by_sheet.get(name, []), styles)

    calc = [r for r in pkg.rels(WORKBOOK) if r.get("Type") == REL_CALC_CHAIN]
    for rel in calc:
        target = _resolve(WORKBOOK, rel.get("Target", ""))
        pkg.remove_rels(WORKBOOK, lambda r, rel=rel: r.get("Id") != rel.get("Id"))
        pkg.parts.pop(target, None)
        pkg.remove_overrides({target})

    pkg.parts[WORKBOOK] = book.serialize().encode("utf-8")
    pkg.parts[STYLES] = styles.serialize().encode("utf-8")
    for name in (WORKBOOK, STYLES, CONTENT_TYPES, WORKBOOK_RELS):
        _parse(pkg.parts, name)  # our own edits must leave well-formed XML
    return pkg.parts


# ------------------------------------------------------------------------------ file helpers


def template_workbook(parts: dict[str, bytes], prefix: str) -> Any:
    """An openpyxl workbook of only the sheets whose names start with ``prefix``.

    The 양식_ sheets carry the styles the review sheets copy; loading just them (a package
    whose workbook.xml lists nothing else) costs milliseconds, where loading the whole
    workbook with openpyxl parses every data row.
    """
    import io
    import zipfile

    from openpyxl import load_workbook

    pkg = _Package(parts)
    book = _Workbook.parse(_decode(parts, WORKBOOK))
    others = [s for s in book.sheets if not s.name.startswith(prefix)]
    book.sheets = [s for s in book.sheets if s.name.startswith(prefix)]
    if not book.sheets:
        return None
    book.names = []
    book.views = [(None, None) for _ in book.views]
    # Leave out the other sheets' parts: the big data sheets are neither copied nor parsed.
    skip = {_sheet_part(pkg, book, s) for s in others}
    skip |= {_rels_path(name) for name in skip} | {"xl/vbaProject.bin"}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for name, data in parts.items():
            if name not in skip:
                archive.writestr(name, book.serialize() if name == WORKBOOK else data)
    try:
        return load_workbook(buffer, rich_text=True)
    except (KeyboardInterrupt, SystemExit, MemoryError):
        raise
    except Exception as exc:
        raise InputError(
            f"양식 시트를 읽을 수 없습니다 | cannot read the template sheets "
            f"({type(exc).__name__}: {exc})"
        ) from None


def save_parts(parts: dict[str, bytes], out: Any) -> None:
    """Repair the ribbon/VBA wiring and write atomically; failures become OutputErrors."""
    from pathlib import Path

    from .. import safety
    from ..workbook.package import ensure_ribbon_and_vba, write_parts

    out = Path(out)
    if safety.is_read_only(out):
        raise safety.OutputError(
            f"결과 파일이 읽기 전용이라 덮어쓸 수 없습니다: {out}. 읽기 전용 속성을 끄거나 "
            "다른 이름(-o)으로 저장하십시오. 원본과 기존 결과 파일은 바뀌지 않았습니다."
        )
    try:
        write_parts(ensure_ribbon_and_vba(parts), out)
    except (KeyboardInterrupt, SystemExit):
        raise
    except Exception as exc:
        raise safety.output_error(exc, out) from exc
