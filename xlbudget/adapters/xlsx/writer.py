"""Apply a review Plan to a workbook package: xlbudget's parts written, all others kept.

xlbudget owns its 검토_ sheets, its conditional-format rules (they mention
``RULE_MARKER``), the defined names those rules use, and the cell styles it appends.  This
writes exactly those and leaves every other part as it was (byte for byte: only
workbook.xml, its relationships, the content types, styles.xml and the sheet that receives
the rules are written again).  Choices depend only on the input (part numbers, ids,
positions), so the same input gives the same bytes and re-running on the output gives the
output again.
"""

from __future__ import annotations

from lxml import etree

from ...core.errors import InputError
from ...core.plan import ApplyReport, Plan, RuleWrite, SheetPlan, insertion_index
from ...core.refs import quote_sheet
from .package import (
    CT_CHART,
    CT_DRAWING,
    CT_WORKSHEET,
    NS_RELS,
    REL_CALC_CHAIN,
    REL_CHART,
    REL_DRAWING,
    REL_WORKSHEET,
    WORKBOOK,
    Package,
    q,
    rels_path,
)
from .sheets import chart_parts, replace_rules, sheet_xml
from .styles import Styles
from .workbook import WorkbookXml

PRINT_TITLES = "_xlnm.Print_Titles"


def _sheet_part(package: Package, book: WorkbookXml, sheet: object) -> str:
    rel_id = book.rel_id(sheet)
    for rel in package.rels(WORKBOOK):
        if rel.id == rel_id and not rel.external:
            return rel.target
    raise InputError(
        f"시트 '{sheet.get('name')}'의 파트를 찾을 수 없습니다 | no relationship {rel_id}"  # type: ignore[attr-defined]
    )


def _write_charts(package: Package, sheet: SheetPlan, part: str) -> str | None:
    """The drawing and chart parts of ``sheet``; returns the sheet's drawing relationship."""
    if not sheet.charts:
        return None
    drawing_xml, chart_xmls = chart_parts(sheet)
    drawing = package.free_name("xl/drawings/drawing%d.xml")
    package.add_part(drawing, drawing_xml, CT_DRAWING)
    # Relationships of the drawing to its charts, in chart order (openpyxl's rId1…).
    rels = etree.Element(q("Relationships", NS_RELS), nsmap={None: NS_RELS})
    package.set_xml(rels_path(drawing), rels)
    for xml in chart_xmls:
        chart = package.free_name("xl/charts/chart%d.xml")
        package.add_part(chart, xml, CT_CHART)
        package.add_rel(drawing, REL_CHART, chart)
    return package.add_rel(part, REL_DRAWING, drawing)


def _remove_sheet(package: Package, book: WorkbookXml, name: str) -> int | None:
    """Remove the sheet ``name`` and its parts; returns where it stood (None if absent)."""
    old = book.find(name)
    if old is None:
        return None
    part = _sheet_part(package, book, old)
    rel_id = book.rel_id(old)
    index = book.remove(old)
    package.remove_rels(WORKBOOK, lambda r: r.id == rel_id)
    package.remove_tree(part)
    return index


def _add_sheet(
    package: Package, book: WorkbookXml, styles: Styles, sheet: SheetPlan, index: int
) -> None:
    part = package.free_name("xl/worksheets/sheet%d.xml")
    package.parts[part] = b""  # reserve the name while its charts are named
    drawing_rel = _write_charts(package, sheet, part)
    package.add_part(part, sheet_xml(sheet, styles, drawing_rel), CT_WORKSHEET)
    rel_id = package.add_rel(WORKBOOK, REL_WORKSHEET, part)
    element = book.insert(index, sheet.name, rel_id)
    if sheet.title_rows and sheet.title_rows[0] >= 0:
        first, last = sheet.title_rows
        book.set_name(PRINT_TITLES, f"{quote_sheet(sheet.name)}!${first + 1}:${last + 1}", element)


def _place_rules(
    package: Package, book: WorkbookXml, styles: Styles, name: str, rules: list[RuleWrite] | None
) -> None:
    """Replace xlbudget's rules in the sheet ``name`` by ``rules`` (None: none were planned,
    and a missing sheet is then no error)."""
    element = book.find(name)
    if element is None:
        if rules is not None:
            raise InputError(
                f"조건부 서식을 넣을 시트 '{name}'가 통합 문서에 없습니다 | no sheet {name!r}"
            )
        return
    part = _sheet_part(package, book, element)
    if part not in package.parts:
        raise InputError(f"시트 '{name}'의 파트 {part}가 없습니다 | missing part {part}")
    package.set_bytes(part, replace_rules(package.parts[part], part, rules or [], styles))


def apply_plan(plan: Plan, package: Package) -> ApplyReport:
    """Apply ``plan`` to ``package`` in place (the caller saves it).

    Rules go into the user's sheets before the review sheets are written: the data sheet
    that receives them (46 MB at 100,000 lines) is then deflated on a second thread while
    the review sheets are made (Package.set_bytes).  The order changes no byte: rules take
    only dxf styles, review cells only the others.
    """
    book = WorkbookXml(package)
    styles = Styles(package)
    by_sheet: dict[str, list[RuleWrite]] = {}
    for rule in plan.rules:
        by_sheet.setdefault(rule.sheet, []).append(rule)
    generated = {sheet.name for sheet in plan.sheets}
    ruled = sorted(set(plan.rule_sheets) | set(by_sheet))
    for name in [n for n in ruled if n not in generated]:
        _place_rules(package, book, styles, name, by_sheet.get(name))
    for sheet in plan.sheets:
        index = _remove_sheet(package, book, sheet.name)
        if index is None:
            index = insertion_index(book.names(), sheet.name, plan.review_order)
        _add_sheet(package, book, styles, sheet, index)
    for name in [n for n in ruled if n in generated]:
        _place_rules(package, book, styles, name, by_sheet.get(name))
    for name, body in plan.names.items():
        book.set_name(name, body)
    # Excel rebuilds the calculation chain; a stale one would point at removed cells.
    for rel in [r for r in package.rels(WORKBOOK) if r.type == REL_CALC_CHAIN]:
        package.remove_rels(WORKBOOK, lambda r, rel=rel: r.id == rel.id)
        package.parts.pop(rel.target, None)
        package.remove_override(rel.target)
    book.write_back()
    return ApplyReport()
