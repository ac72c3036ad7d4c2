"""A user's own CSV/XLSX export, mapped by header names (TOML) or by the table's aliases."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from openpyxl.worksheet.cell_range import CellRange

from tests.importing.conftest import sha256
from xlbudget.app.importing import ImportInputError, import_source
from xlbudget.cli import main

ODD_CSV = (
    "집행현황 (2026.7.5. 기준),,,,\n"
    "부 서,사업 명,과목,예산 현액(원),집행 금액(원)\n"
    '기획담당관,=HYPERLINK("http://x"),사무관리비,"1,234,567",1000\n'
    '기획담당관,+시민 참여,국내여비,2000000,"2,500,000"\n'
    "예산담당관,-마이너스 사업,시설비,0,0\n"
    "예산담당관,@SUM(A1),재료비,12OO000,5\n"
    "예산담당관,,연구용역비,999,1\n"
)
CONFIG = """
unit = "원"
[columns]
"담당관" = "부 서"
"세부사업" = "사업 명"
"통계목" = "과목"
"예산현액" = "예산 현액(원)"
"지출액" = "집행 금액(원)"
"""


def rows_of(path: Path) -> list[dict]:
    ws = openpyxl.load_workbook(path)["집행현황"]
    ref = CellRange(ws.tables["tbl_execution"].ref)
    cells = list(ws.iter_rows(min_row=ref.min_row, max_row=ref.max_row, max_col=ref.max_col))
    head = [c.value for c in cells[0]]
    return [{h: c for h, c in zip(head, row, strict=True)} for row in cells[1:]]


@pytest.fixture
def export(tmp_path: Path) -> tuple[Path, Path]:
    csv_path = tmp_path / "집행.csv"
    csv_path.write_text(ODD_CSV, encoding="cp949")  # Korean Windows exports are CP949
    config = tmp_path / "map.toml"
    config.write_text(CONFIG, encoding="utf-8")
    return csv_path, config


def test_mapping_units_problems_and_text_cells(export, target_workbook, tmp_path):
    csv_path, config = export
    out = tmp_path / f"out{target_workbook.suffix}"
    digest = sha256(csv_path)
    result = import_source([csv_path], target_workbook, out, config=config)
    assert sha256(csv_path) == digest
    assert result.rows == 5
    rows = rows_of(out)
    assert rows[0]["예산현액"].value == pytest.approx(1234.567)
    assert Decimal(repr(rows[0]["예산현액"].value)) == Decimal("1234.567")  # exact, not rounded
    assert rows[0]["지출액"].value == 1
    names = [r["세부사업"] for r in rows]
    for cell, text in zip(
        names[:4],
        ['=HYPERLINK("http://x")', "+시민 참여", "-마이너스 사업", "@SUM(A1)"],
        strict=True,
    ):
        assert cell.value == text and cell.data_type == "s"
    assert rows[3]["예산현액"].value == "12OO000"  # kept as found, and reported
    found = {(p.row, p.column, p.reason.split(" ")[0]) for p in result.problems}
    # sheet rows: title row 1, header row 2, data from row 3
    assert (4, "지출액", "지출액이") in found  # 2,500,000 > 2,000,000
    assert (5, "예산현액", "예산현액이") in found  # 0
    assert (6, "예산현액", "숫자가") in found  # 12OO000 (letter O)
    assert (7, "세부사업", "이름이") in found  # empty name
    assert all(p.source == csv_path.name for p in result.problems)
    assert result.totals["예산현액"] == Decimal("1234.567") + 2000 + 0 + Decimal("0.999")


def test_headers_found_by_alias_without_config(target_workbook, tmp_path):
    path = tmp_path / "plain.csv"
    path.write_text(
        "부서명,세부사업명,통계목명,예산현액,지출원인행위액,집행액\n"
        "가과,나 사업,사무관리비,100,50,40\n",
        encoding="utf-8",
    )
    result = import_source([path], target_workbook, tmp_path / f"o{target_workbook.suffix}")
    assert result.rows == 1 and result.problems == []
    assert result.totals == {"예산현액": 100, "지출원인행위액": 50, "지출액": 40, "지출잔액": 60}


def test_unmapped_required_column_is_bad_input(target_workbook, tmp_path, capsys):
    path = tmp_path / "bad.csv"
    path.write_text("사업,금액\n가,1\n", encoding="utf-8")
    config = tmp_path / "m.toml"
    config.write_text('[columns]\n"세부사업" = "사업"\n', encoding="utf-8")
    with pytest.raises(ImportInputError, match="예산현액"):
        import_source([path], target_workbook, tmp_path / "x.xlsm", config=config)
    code = main(
        [
            "import",
            str(path),
            "--config",
            str(config),
            "--into",
            str(target_workbook),
            "-o",
            str(tmp_path / f"x{target_workbook.suffix}"),
            "--json",
            "-q",
        ]
    )
    assert code == 2
    assert "예산현액" in json.loads(capsys.readouterr().out)["error"]
