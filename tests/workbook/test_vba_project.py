"""The workbook's VBA project, read back by oletools' olevba (an independent reader)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from oletools.olevba import VBA_Parser

from tests.conftest import REPO
from tests.support.parts import read_parts
from xlbudget.workbook.build import source_dir, vba_modules
from xlbudget.workbook.vba import VbaModule, read_vba_modules


@pytest.fixture(scope="module")
def expected_modules(built_path: Path) -> list[VbaModule]:
    import openpyxl

    wb = openpyxl.load_workbook(built_path)
    return vba_modules([ws.sheet_properties.codeName for ws in wb.worksheets])


def test_olevba_reads_every_module_back_identical(
    built_path: Path, expected_modules: list[VbaModule]
) -> None:
    parser = VBA_Parser(str(built_path))  # olevba opens the .xlsm zip itself
    try:
        assert parser.detect_vba_macros()
        got = {name: code for _, _, name, code in parser.extract_macros()}
    finally:
        parser.close()
    suffix = {"standard": ".bas", "class": ".cls", "document": ".cls"}
    want = {m.name + suffix[m.kind]: m.encoded().decode("cp1252") for m in expected_modules}
    assert got == want


def test_our_module_is_stored_as_written(built_path: Path) -> None:
    source = (source_dir() / "vba" / "XbRibbon.bas").read_bytes()
    assert source.isascii()
    stored = read_vba_modules(read_parts(built_path)["xl/vbaProject.bin"])["XbRibbon"]
    # VBA keeps CRLF line ends; the text file in the repository may use LF.
    assert stored.encode("cp1252") == source.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


def test_xlwings_vba_matches_the_pinned_package(built_path: Path) -> None:
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    pins = [d for d in pyproject["project"]["dependencies"] if d.startswith("xlwings==")]
    assert len(pins) == 1
    stored = read_vba_modules(read_parts(built_path)["xl/vbaProject.bin"])
    version = re.search(r"^'Version: (\S+)", stored["xlwings"], re.M)
    assert version and version.group(1) == pins[0].split("==")[1]
    assert {"xlwings", "Dictionary", "XbRibbon", "ThisWorkbook"} <= stored.keys()


def test_no_module_shares_a_name_with_a_procedure(built_path: Path) -> None:
    stored = read_vba_modules(read_parts(built_path)["xl/vbaProject.bin"])
    procedures = set()
    for source in stored.values():
        procedures |= {
            m.group(1).lower()
            for m in re.finditer(
                r"^\s*(?:(?:Public|Private|Friend)\s+)?(?:Static\s+)?"
                r"(?:Sub|Function)\s+(\w+)",
                source,
                re.M | re.I,
            )
        }
    assert not {name.lower() for name in stored} & procedures
