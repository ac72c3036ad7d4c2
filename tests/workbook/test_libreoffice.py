"""LibreOffice opens the built .xlsm: its VBA, tables, names and values survive.

What LibreOffice does with the VBA (found by experiment with LibreOffice 7.x, and asserted
exactly below): every module lands in the Basic library ``VBAProject`` of the .ods, as
``Basic/VBAProject/<module>.xml``, with

* a first line ``Rem Attribute VBA_ModuleType=VBAModule`` (``VBAClassModule``,
  ``VBADocumentModule`` for classes and ThisWorkbook/SheetN), then ``Option VBASupport 1``,
  and for classes ``Option ClassModule``;
* every ``Attribute ...`` line of the source removed (the module header and the
  procedure-level ones such as ``Attribute Item.VB_UserMemId = 0``), since Basic has no
  attributes;
* all other lines exactly as written, LF line ends, and one extra trailing line end.

So the comparison below is exact on every non-Attribute line; the Attribute lines are
checked by olevba instead (test_vba_project.py).
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from defusedxml.ElementTree import fromstring
from openpyxl.utils import range_boundaries

from tests.support.libreoffice import LibreOffice, ods_basic_modules
from xlbudget.core import schema, seed
from xlbudget.workbook.build import vba_modules
from xlbudget.workbook.vba import VbaModule

pytestmark = pytest.mark.libreoffice

LO_HEADER = {
    "standard": ["Rem Attribute VBA_ModuleType=VBAModule", "Option VBASupport 1"],
    "class": [
        "Rem Attribute VBA_ModuleType=VBAClassModule",
        "Option VBASupport 1",
        "Option ClassModule",
    ],
    "document": ["Rem Attribute VBA_ModuleType=VBADocumentModule", "Option VBASupport 1"],
}
TABLE_NS = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"


def as_libreoffice_basic(module: VbaModule) -> str:
    """The text LibreOffice stores for ``module`` (see the module docstring)."""
    lines = module.source.replace("\r\n", "\n").split("\n")
    kept = [line for line in lines if not line.startswith("Attribute ")]
    return "\n".join(LO_HEADER[module.kind] + kept) + "\n"


@pytest.fixture(scope="module")
def office(soffice: str) -> Any:
    with LibreOffice(soffice) as lo:
        yield lo


@pytest.fixture(scope="module")
def ods(office: LibreOffice, built_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return office.convert(built_path, "ods", tmp_path_factory.mktemp("ods"))


@pytest.fixture(scope="module")
def values(office: LibreOffice, built_path: Path) -> dict[str, list[list[Any]]]:
    return office.recalculated(built_path)


def test_every_vba_module_survives_as_basic(ods: Path, built_path: Path) -> None:
    wb = openpyxl.load_workbook(built_path)
    modules = vba_modules([ws.sheet_properties.codeName for ws in wb.worksheets])
    basic = ods_basic_modules(ods)
    assert basic.keys() == {m.name for m in modules}
    for module in modules:
        assert basic[module.name] == as_libreoffice_basic(module), module.name


def test_excel_tables_become_database_ranges(ods: Path, built_path: Path) -> None:
    with zipfile.ZipFile(ods) as zf:
        content = fromstring(zf.read("content.xml"))
    ranges = {
        r.get(f"{TABLE_NS}name"): r.get(f"{TABLE_NS}target-range-address")
        for r in content.iter(f"{TABLE_NS}database-range")
    }
    wb = openpyxl.load_workbook(built_path)
    for spec in schema.TABLES.values():
        min_col, min_row, max_col, max_row = range_boundaries(wb[spec.sheet].tables[spec.table].ref)
        first = f"{chr(64 + min_col)}{min_row}"
        last = f"{chr(64 + max_col)}{max_row}"
        assert ranges[spec.table] == f"{spec.sheet}.{first}:{spec.sheet}.{last}"
    sheets = [t.get(f"{TABLE_NS}name") for t in content.iter(f"{TABLE_NS}table")]
    assert sheets == wb.sheetnames


def test_values_as_libreoffice_sees_them(values: dict[str, list[list[Any]]]) -> None:
    revenue = values["세입"]
    assert revenue[0][0] == schema.TABLES["세입"].title
    assert revenue[4][:6] == [0, *seed.load("세입").iloc[0][["구분"]], None, 10338, 15226, 15226]
    lines = values["집행현황"]
    assert len([r for r in lines[4:] if r[0]]) == 61
    settings = {r[0]: r[1] for r in values["설정"][4:] if r[0]}
    assert settings["미집행기준"] == 70 and settings["회계연도"] == 2021


def test_udf_cells_show_value_error_without_python(values: dict[str, list[list[Any]]]) -> None:
    """The functions are in the workbook: LibreOffice finds them by name (no #NAME?, as
    before they were built in) and, with no Python behind them, shows an error value; the
    other columns stay."""
    rows = [r for r in values[schema.FUNCTION_SHEET][4:] if r[0]]
    assert rows and {r[2] for r in rows} == {"#VALUE!"}
    assert all(str(r[1]).startswith("=XB_") for r in rows)  # the formula shown as text
