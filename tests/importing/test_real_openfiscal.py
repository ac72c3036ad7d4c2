"""Import of the real 열린재정 xlsx (which openpyxl cannot open) into 사업별증감 and 집행현황.

The expected numbers come from the sheet XML read here with zipfile + ElementTree, not from
the reader the importer uses (python-calamine).
"""

from __future__ import annotations

import zipfile
from decimal import Decimal
from pathlib import Path
from xml.etree import ElementTree as ET

import openpyxl
import pytest
from openpyxl.worksheet.cell_range import CellRange

from tests.conftest import REAL_DATA, need
from tests.importing.conftest import OPENFISCAL, sha256
from xlbudget.app.importing import import_source, map_source

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}


def sheet_rows(path: Path) -> list[list[str]]:
    """Cell texts of the first sheet, shared strings resolved, by column letter order."""
    with zipfile.ZipFile(path) as z:
        strings = [
            "".join(t.text or "" for t in si.iter(f"{{{NS['m']}}}t"))
            for si in ET.fromstring(z.read("xl/sharedStrings.xml"))
        ]
        sheet = ET.fromstring(z.read("xl/worksheets/sheet1.xml"))
    rows = []
    for row in sheet.find("m:sheetData", NS):
        cells = {}
        for c in row:
            v = c.find("m:v", NS)
            text = "" if v is None else v.text
            if c.get("t") == "s":
                text = strings[int(text)]
            cells["".join(ch for ch in c.get("r") if ch.isalpha())] = text
        rows.append([cells.get(chr(ord("A") + i), "") for i in range(14)])
    return rows


@pytest.fixture(scope="module")
def source(shared_dir) -> tuple[Path, list[list[str]]]:
    need(REAL_DATA / "openfiscal_budget2023_statgarten_datatoys", "열린재정 export")
    assert OPENFISCAL is not None and OPENFISCAL.is_file(), "열린재정 xlsx missing"
    return OPENFISCAL, sheet_rows(OPENFISCAL)


def test_openpyxl_cannot_open_it(source):
    with pytest.raises(TypeError):
        openpyxl.load_workbook(source[0])


def test_projects_table_gets_government_and_assembly_amounts(source, target_workbook, tmp_path):
    path, rows = source
    header, body = rows[0], rows[1:]
    gov, final = header.index("정부안금액(천원)"), header.index("국회확정금액(천원)")
    out = tmp_path / f"of{target_workbook.suffix}"
    before = sha256(path)
    result = import_source([path], target_workbook, out)
    assert sha256(path) == before
    assert result.table == "사업별증감" and result.unit == "백만원"
    assert result.rows == len(body) == 9074
    assert result.totals["기정"] == sum(Decimal(r[gov] or 0) for r in body) / 1000
    assert result.totals["추경"] == sum(Decimal(r[final] or 0) for r in body) / 1000
    assert result.problems == []
    ws = openpyxl.load_workbook(out)["사업별증감"]
    ref = CellRange(ws.tables["tbl_projects"].ref)
    assert ref.max_row - ref.min_row == len(body)
    head = [c.value for c in ws[ref.min_row]]
    first = dict(zip(head, [c.value for c in ws[ref.min_row + 1]], strict=False))
    assert first["세부사업"] == body[0][header.index("세부사업명")]
    assert first["담당관"] == body[0][header.index("소관명")]
    assert Decimal(repr(first["기정"])) * 1000 == Decimal(body[0][gov])
    changed = sum(1 for r in body if r[gov] != r[final])
    written = [
        dict(zip(head, [c.value for c in row], strict=False))
        for row in ws.iter_rows(min_row=ref.min_row + 1, max_row=ref.max_row)
    ]
    assert sum(1 for w in written if w["증감_기정"] not in (0, None)) == changed == 1071


def test_execution_target_leaves_spending_empty(source):
    path, rows = source
    mapped = map_source([path], table="집행현황")
    final = rows[0].index("국회확정금액(천원)")
    assert list(mapped.frame["예산현액"]) == [Decimal(r[final]) for r in rows[1:]]
    assert mapped.frame["지출액"].isna().all() and mapped.frame["불용률"].isna().all()
    assert all(t.startswith("(전체) ") for t in mapped.frame["통계목"])
