"""``xlbudget new``: a working workbook of the officer's own, anywhere.

It must carry what the bundled workbook carries for Excel (the VBA project, the ribbon, the
양식_ sheets, the Excel Tables the ribbon fills) but no seed data, and 설정 as given.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import openpyxl
import pytest
from oletools.olevba import VBA_Parser

from xlbudget.cli import main
from xlbudget.core.schema import INPUT_TABLES, TABLES


def test_new_workbook_has_the_parts_and_no_seed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "내 검토.xlsm"
    assert (
        main(
            [
                "new",
                "-o",
                str(out),
                "--소관",
                "부산 중구",
                "--year",
                "2026",
                "--기준일",
                "2026-07-05",
            ]
        )
        == 0
    )
    assert "회차" in capsys.readouterr().out  # told what is left to fill
    with zipfile.ZipFile(out) as z:
        names = set(z.namelist())
    assert {"xl/vbaProject.bin", "customUI/customUI14.xml"} <= names
    parser = VBA_Parser(str(out))
    modules = {name for _, _, name, _ in parser.extract_macros()}
    assert "xlwings.bas" in modules or any("xlwings" in m for m in modules)
    wb = openpyxl.load_workbook(out)
    assert any(n.startswith("양식_") for n in wb.sheetnames)
    assert "함수예시" not in wb.sheetnames  # its examples point at the seed's cells
    for key in INPUT_TABLES:
        spec = TABLES[key]
        ws = wb[spec.sheet]
        assert spec.table in ws.tables
        body = ws.iter_rows(min_row=5, max_row=ws.max_row, values_only=True)
        assert all(v is None for row in body for v in row), key
    settings = {r[0]: r[1] for r in wb["설정"].iter_rows(min_row=5, max_col=2, values_only=True)}
    assert settings["소관"] == "부산 중구" and str(settings["회계연도"]) == "2026"
    assert settings["회차"] is None and settings["미집행기준"] == 70
    assert settings["기준일"].year == 2026  # typed as a date, as the bundled 설정's
    # It reads as a workbook with empty tables: nothing wrong, nothing unread.
    assert main(["check", str(out), "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    lines = {t["table"]: t["lines"] for t in payload["reading"]["tables"]}
    assert [lines[k] for k in INPUT_TABLES] == [0] * 6
    assert lines["검토주제"] == 3  # the shipped rules, to edit
    assert payload["reading"]["unread"] == []


def test_new_never_replaces_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "a.xlsm"
    out.write_bytes(b"mine")
    assert main(["new", "-o", str(out)]) == 2
    assert out.read_bytes() == b"mine"
    assert "이미 있습니다" in capsys.readouterr().err
    assert main(["new", "-o", str(tmp_path / "a.xlsx")]) == 2
