"""The file writer on the real bundled workbook: it writes what the plan says, nothing else.

The oracle is the plan itself, read back from the written file by openpyxl (a reader
independent of our writer): every planned cell's value or formula, number format, font,
fill, alignment and border, the merges, column widths, charts, print titles, rules and
names.  Every part the writer does not own is copied byte for byte, styles are only
appended, and re-running on the output gives the same bytes.  LibreOffice opens the result
and recalculates every formula of the review sheets without an error.
"""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import tostring

import openpyxl
import pytest
from defusedxml.ElementTree import fromstring
from lxml import etree
from openpyxl.cell.cell import MergedCell

from tests.conftest import BUNDLED_WORKBOOK, REVIEW_SHEETS
from tests.support.libreoffice import LibreOffice
from tests.support.parts import read_parts, write_parts
from xlbudget.adapters.xlsx import Package
from xlbudget.adapters.xlsx.writer import apply_plan
from xlbudget.app.review import review_file
from xlbudget.core.errors import InputError
from xlbudget.core.plan import RULE_MARKER, CellWrite, Plan, RuleWrite, SheetPlan, look
from xlbudget.core.refs import a1, col_letter

REVIEW = "검토_"
RULE_SHEET = "집행현황"
ERROR_TEXT = re.compile(r"^(#[A-Z/0-9]+[!?]?|Err:\d+)$")
CF_BLOCK = re.compile(rb"<conditionalFormatting[\s>].*?</conditionalFormatting>", re.S)
#: Parts the package writer edits (everything else must come through byte for byte).
EDITED = {"xl/workbook.xml", "xl/_rels/workbook.xml.rels", "[Content_Types].xml", "xl/styles.xml"}


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    tmp = tmp_path_factory.mktemp("package_io")
    src = tmp / "book.xlsm"
    shutil.copyfile(BUNDLED_WORKBOOK, src)
    out: dict[str, Any] = {"src": src}
    result = review_file(src, tmp / "package.xlsm")
    out["package"], out["plan"] = result.output, result.plan
    out["again"] = review_file(out["package"], tmp / "again.xlsm").output
    return out


MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
X14AC = "http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac"
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
STYLE_ROOT = (
    f'<styleSheet xmlns="{MAIN}" xmlns:mc="{MC}" mc:Ignorable="x14ac" xmlns:x14ac="{X14AC}">'
)
USER_RULE = (
    b'<conditionalFormatting sqref="B5:B65"><cfRule type="expression" priority="7">'
    b"<formula>LEN($B5)&gt;40</formula></cfRule></conditionalFormatting>"
)


def _like_excel(parts: dict[str, bytes]) -> dict[str, bytes]:
    """The bundled workbook as Excel would leave it after a user's edits: prefixed styles
    (mc:Ignorable x14ac), the user's own rule on the data sheet, a calcChain, and another
    active tab (함수예시, which the review sheets push to a later index)."""
    parts = dict(parts)
    styles = parts["xl/styles.xml"].decode()
    styles = styles.replace(f'<styleSheet xmlns="{MAIN}">', STYLE_ROOT, 1)
    styles = re.sub(r'<fonts count="(\d+)">', r'<fonts count="\1" x14ac:knownFonts="1">', styles)
    parts["xl/styles.xml"] = styles.encode()
    rule_part = _sheet_part(parts, RULE_SHEET)
    parts[rule_part] = parts[rule_part].replace(b"<printOptions", USER_RULE + b"<printOptions", 1)
    book = parts["xl/workbook.xml"].decode()
    tab = re.findall(r'<sheet\b[^>]*\bname="([^"]+)"', book).index("함수예시")
    parts["xl/workbook.xml"] = re.sub(r'activeTab="\d+"', f'activeTab="{tab}"', book).encode()
    parts["xl/calcChain.xml"] = f'<calcChain xmlns="{MAIN}"><c r="A1" i="1"/></calcChain>'.encode()
    rels = parts["xl/_rels/workbook.xml.rels"].decode()
    parts["xl/_rels/workbook.xml.rels"] = rels.replace(
        "</Relationships>",
        '<Relationship Id="rId99" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/calcChain" Target="calcChain.xml"/></Relationships>',
    ).encode()
    types = parts["[Content_Types].xml"].decode()
    parts["[Content_Types].xml"] = types.replace(
        "</Types>",
        '<Override PartName="/xl/calcChain.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.calcChain+xml"/></Types>',
    ).encode()
    return parts


@pytest.fixture(scope="module")
def excel_like(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    tmp = tmp_path_factory.mktemp("excel_like")
    src = tmp / "excel.xlsm"
    write_parts(_like_excel(read_parts(BUNDLED_WORKBOOK)), src)
    out = review_file(src, tmp / "excel.review.xlsm").output
    return {"src": src, "out": out}


def _parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _sheet_part(parts: dict[str, bytes], sheet: str) -> str:
    """Part name of a sheet, through workbook.xml and its rels (no openpyxl involved)."""
    ns_r = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
    book = fromstring(parts["xl/workbook.xml"])
    rel_id = next(s.get(ns_r) for s in book.iter() if s.get("name") == sheet and s.get(ns_r))
    rels = fromstring(parts["xl/_rels/workbook.xml.rels"])
    target = next(r.get("Target") for r in rels if r.get("Id") == rel_id)
    return target.lstrip("/") if target.startswith("/") else f"xl/{target}"


def _cells(ws: Any) -> dict[str, tuple]:
    out = {}
    for row in ws.iter_rows():
        for cell in row:
            if isinstance(cell, MergedCell):
                continue  # the covered cells of a merge: openpyxl gives them the border
            if cell.value in (None, "") and not cell.has_style:
                continue
            fill = cell.fill.fgColor.rgb if cell.fill.fill_type == "solid" else None
            out[cell.coordinate] = (
                cell.value,
                cell.number_format,
                bool(cell.font.b),
                fill[-6:] if isinstance(fill, str) else None,
                cell.alignment.horizontal,
                bool(cell.alignment.wrap_text),
                bool(cell.border.left.style),
            )
    return out


def _rules(ws: Any) -> list[tuple]:
    return sorted(
        (
            str(cf.sqref),
            tuple(rule.formula),
            bool(rule.stopIfTrue),
            rule.dxf.fill.bgColor.rgb[-6:] if rule.dxf else None,
        )
        for cf in ws.conditional_formatting
        for rule in cf.rules
    )


def _names(wb: Any) -> set[tuple]:
    names = {(n, None, d.attr_text) for n, d in wb.defined_names.items()}
    for ws in wb.worksheets:
        names |= {(n, ws.title, d.attr_text) for n, d in ws.defined_names.items()}
        if ws.print_title_rows:
            names.add(("print_titles", ws.title, ws.print_title_rows))
    return names


def _planned(write: CellWrite) -> tuple:
    """What openpyxl should read back for a planned cell (the same shape as ``_cells``)."""
    value = write.value
    if write.formula and isinstance(value, str) and not value.startswith("="):
        value = "=" + value
    return (
        None if value == "" else value,
        write.number_format or "General",
        write.bold,
        write.fill,
        write.align,
        write.wrap,
        write.border,
    )


def test_the_file_holds_what_the_plan_says(runs: dict[str, Any]) -> None:
    plan: Plan = runs["plan"]
    wb = openpyxl.load_workbook(runs["package"])
    review = [name for name in wb.sheetnames if name.startswith(REVIEW)]
    assert review == [s.name for s in plan.sheets] and len(review) == len(REVIEW_SHEETS)
    for sheet in plan.sheets:
        ws = wb[sheet.name]
        cells = _cells(ws)
        # A cell covered by a merge (not its first) is written for its borders only;
        # openpyxl reads it back as a MergedCell, without a value or a style of its own.
        covered = {
            (r, c)
            for r1, c1, r2, c2 in sheet.merges
            for r in range(r1, r2 + 1)
            for c in range(c1, c2 + 1)
            if (r, c) != (r1, c1)
        }
        planned = [w for w in sheet.cells if (w.row, w.col) not in covered]
        for write in planned:
            assert cells[a1(write.row, write.col)] == _planned(write), (sheet.name, write)
        assert len(cells) == len({(w.row, w.col) for w in planned}), sheet.name
        assert sorted(map(str, ws.merged_cells.ranges)) == sorted(
            f"{a1(r1, c1)}:{a1(r2, c2)}" for r1, c1, r2, c2 in sheet.merges
        )
        for col, width in sheet.col_widths.items():
            assert ws.column_dimensions[col_letter(col)].width == width
        assert [(c.anchor._from.row, c.anchor._from.col) for c in ws._charts] == [
            spec.anchor for spec in sheet.charts
        ]
        assert (ws.page_setup.orientation == "landscape") == sheet.landscape
        if sheet.title_rows:
            first, last = sheet.title_rows
            assert ws.print_title_rows == f"${first + 1}:${last + 1}"
    rules = _rules(wb[RULE_SHEET])
    assert (
        rules == sorted((r.ref, (r.formula,), r.stop, r.fill) for r in plan.rules)
        and len(rules) == 2
    )
    names = {n: d.attr_text for n, d in wb.defined_names.items()}
    assert {n: names[n] for n in plan.names} == plan.names


def test_every_part_not_owned_is_copied_byte_for_byte(runs: dict[str, Path]) -> None:
    before, after = _parts(runs["src"]), _parts(runs["package"])
    rule_part = _sheet_part(before, RULE_SHEET)
    for name, data in before.items():
        if name in EDITED:
            continue
        assert name in after, name
        if name == rule_part:
            assert CF_BLOCK.sub(b"", after[name]) == CF_BLOCK.sub(b"", data)
        else:
            assert after[name] == data, name
    for name in ("xl/vbaProject.bin", "customUI/customUI14.xml", "_rels/.rels"):
        assert after[name] == before[name]


def test_styles_are_only_appended(runs: dict[str, Path]) -> None:
    before = fromstring(_parts(runs["src"])["xl/styles.xml"])
    after = fromstring(_parts(runs["package"])["xl/styles.xml"])
    for old in before:
        new = after.find(old.tag)
        assert new is not None, old.tag
        old_items = [tostring(e) for e in old]
        assert [tostring(e) for e in new][: len(old_items)] == old_items, old.tag
    src = openpyxl.load_workbook(runs["src"])
    out = openpyxl.load_workbook(runs["package"])
    for name in src.sheetnames:
        assert _cells(out[name]) == _cells(src[name]), name


def test_rerun_gives_the_same_bytes(runs: dict[str, Path]) -> None:
    assert runs["again"].read_bytes() == runs["package"].read_bytes()


@pytest.mark.libreoffice
def test_libreoffice_recalculates_the_review_without_errors(
    runs: dict[str, Path], excel_like: dict[str, Path], soffice: str
) -> None:
    with LibreOffice(soffice) as office:
        values = office.recalculated_many([runs["package"], excel_like["out"]])
    mine = values[runs["package"].resolve()]
    review = [n for n in mine if n.startswith(REVIEW)]
    assert len(review) == len(REVIEW_SHEETS)
    for name in review:
        for book in (mine, values[excel_like["out"].resolve()]):
            errors = [
                v for row in book[name] for v in row if isinstance(v, str) and ERROR_TEXT.match(v)
            ]
            assert errors == [], name


def test_local_names_and_active_tab_follow_their_sheets(excel_like: dict[str, Path]) -> None:
    """localSheetId and activeTab are sheet indexes: inserting sheets must renumber them."""
    book = fromstring(_parts(excel_like["out"])["xl/workbook.xml"])
    m = f"{{{MAIN}}}"
    sheets = [s.get("name") for s in book.iter(f"{m}sheet")]
    local = [
        (n.get("name"), int(n.get("localSheetId")), n.text.split("!")[0].strip("'"))
        for n in book.iter(f"{m}definedName")
        if n.get("localSheetId") is not None
    ]
    assert len(local) >= 15
    for name, index, target in local:
        assert sheets[index] == target, (name, index, target)
    # Every review sheet with a table repeats its header (검토_의견's tables are its own).
    assert {(sheets[i], n) for n, i, _ in local} >= {
        (s, "_xlnm.Print_Titles") for s in sheets if s.startswith(REVIEW) and s != "검토_의견"
    }
    view = next(book.iter(f"{m}workbookView"))
    assert sheets[int(view.get("activeTab"))] == "함수예시"
    calc = next(book.iter(f"{m}calcPr"))
    assert calc.get("fullCalcOnLoad") == "1" and calc.get("calcId") == "124519"


def test_prefixes_user_rules_and_calc_chain(excel_like: dict[str, Path]) -> None:
    before, after = _parts(excel_like["src"]), _parts(excel_like["out"])
    styles = after["xl/styles.xml"].decode()
    root = etree.fromstring(after["xl/styles.xml"])  # prefixes and mc:Ignorable as written
    assert root.nsmap == {None: MAIN, "mc": MC, "x14ac": X14AC}
    assert root.get(f"{{{MC}}}Ignorable") == "x14ac" and 'x14ac:knownFonts="1"' in styles
    rule_part = _sheet_part(after, RULE_SHEET)
    sheet = after[rule_part]
    assert USER_RULE in sheet  # the user's rule, untouched
    priorities = [int(p) for p in re.findall(rb'priority="(\d+)"', sheet)]
    assert len(priorities) == 3 and len(set(priorities)) == 3 and min(priorities) == 7
    assert "xl/calcChain.xml" not in after
    assert b"calcChain" not in after["xl/_rels/workbook.xml.rels"]
    assert b"calcChain" not in after["[Content_Types].xml"]
    for name, data in before.items():
        if name not in EDITED | {rule_part, "xl/calcChain.xml"}:
            assert after[name] == data, name
    wb = openpyxl.load_workbook(excel_like["out"])
    formulas = [f for _, fs, _, _ in _rules(wb[RULE_SHEET]) for f in fs]
    assert "LEN($B5)>40" in formulas and sum(RULE_MARKER in f for f in formulas) == 2


def _plan_with(sheet: SheetPlan | None = None, rule: RuleWrite | None = None) -> Plan:
    return Plan(sheets=[sheet] if sheet else [], rules=[rule] if rule else [], rule_sheets=set())


def _apply(plan: Plan, parts: dict[str, bytes], out: Path) -> dict[str, bytes]:
    package = Package(parts)
    apply_plan(plan, package)
    package.save(out)
    return read_parts(out)


def test_text_that_looks_like_a_formula_stays_text(tmp_path: Path) -> None:
    cells = [
        CellWrite(0, 0, "=1+1"),
        CellWrite(0, 1, "-3", look=look(bold=True, fill="FFF2CC", border=True)),
        CellWrite(0, 2, "=A1&B1", formula=True),
        CellWrite(1, 0, 1234.5, look=look(number_format='#,##0.0;"△"#,##0.0;0.0')),
        CellWrite(1, 1, "<&>\"'"),
    ]
    parts = _apply(
        _plan_with(SheetPlan("검토_시험", cells)), read_parts(BUNDLED_WORKBOOK), tmp_path / "t.xlsm"
    )
    ws = openpyxl.load_workbook(tmp_path / "t.xlsm")["검토_시험"]
    assert [c.value for c in ws[1]] == ["=1+1", "-3", "=A1&B1"]
    assert [c.data_type for c in ws[1]] == ["s", "s", "f"]
    assert ws["A2"].value == 1234.5 and ws["B2"].value == "<&>\"'"
    assert ws["B1"].font.b and ws["B1"].fill.fgColor.rgb[-6:] == "FFF2CC"
    # the existing custom format keeps its id: no duplicate numFmt was appended
    styles = parts["xl/styles.xml"].decode()
    assert styles.count("#,##0.0;&quot;△&quot;#,##0.0;0.0") == 1


def test_clear_errors_name_the_part_or_sheet(tmp_path: Path) -> None:
    parts = read_parts(BUNDLED_WORKBOOK)
    broken = {k: v for k, v in parts.items() if k != "xl/styles.xml"}
    with pytest.raises(InputError, match=r"xl/styles\.xml"):
        _apply(_plan_with(), broken, tmp_path / "a.xlsm")
    bad = dict(parts, **{"xl/workbook.xml": b"<workbook><sheets>"})
    with pytest.raises(InputError, match=r"xl/workbook\.xml"):
        _apply(_plan_with(), bad, tmp_path / "b.xlsm")
    rule = RuleWrite("없는시트", 0, 0, 1, 0, "A1>xb_threshold", "FFE699")
    with pytest.raises(InputError, match="없는시트"):
        _apply(_plan_with(rule=rule), parts, tmp_path / "c.xlsm")
