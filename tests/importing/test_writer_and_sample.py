"""The table-rows writer (imports) on hand-made tables, and the synthetic sample generator."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from openpyxl.formatting.rule import CellIsRule
from openpyxl.formula.translate import Translator
from openpyxl.styles import Font
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.table import Table

from xlbudget.adapters.xlsx.rows import fill_down
from xlbudget.app.importing import open_target, write_rows
from xlbudget.app.sample import synthetic_execution
from xlbudget.cli import main
from xlbudget.core.importing.convert import convert_amounts, derive_execution, validate_execution
from xlbudget.core.importing.model import ROW_COL, SOURCE_COL
from xlbudget.core.schema import TABLES

SPEC = TABLES["집행현황"]


def frame(rows: list[tuple]) -> pd.DataFrame:
    out = pd.DataFrame(rows, columns=["담당관", "세부사업", "통계목", "예산현액", "지출액"])
    out[SOURCE_COL], out[ROW_COL] = "t.csv", range(2, 2 + len(out))
    for col in ("지출원인행위액", "지출잔액", "불용률"):
        out[col] = None
    out, _ = convert_amounts(out, ["예산현액", "지출액"], "원", "천원")
    return derive_execution(out, {"담당관", "세부사업", "통계목", "예산현액", "지출액"})


def test_formulas_styles_formats_and_validations_follow_the_rows(tmp_path: Path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "집행"
    ws.append(["메모"])
    ws.append(
        ["부서", "사업명", "예산과목", "예산현액(가)", "원인행위액", "집행액", "잔액", "미집행률"]
    )
    ws.append(["a", "b", "c", 10, None, 5, "=D3-F3", '=IF(D3=0,"",ROUND(G3/D3*100,1))'])
    ws.append(["a", "b2", "c", 20, None, 5, "=D4-F4", '=IF(D4=0,"",ROUND(G4/D4*100,1))'])
    ws["D3"].number_format = "#,##0.000"
    ws["B3"].font = Font(bold=True)
    ws.add_table(Table(displayName="MyExec", ref="A2:H4"))
    ws.conditional_formatting.add(
        "H3:H4",
        CellIsRule(operator="greaterThanOrEqual", formula=["70"], font=Font(color="FF0000")),
    )
    dv = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0")
    dv.add("D3:D4")
    ws.add_data_validation(dv)
    ws["J1"] = "옆 메모"  # beside the table, untouched
    src = tmp_path / "in.xlsx"
    wb.save(src)

    data = frame(
        [
            ("가과", "=cmd|' /C calc'!A0", "사무관리비", 1_234_567, 1_000),
            ("가과", "나", "시설비", 2_000, 0),
            ("나과", "다", "재료비", 3_000, 3_000),
        ]
    )
    package, book = open_target(src)
    provided = frozenset({"담당관", "세부사업", "통계목", "예산현액", "지출액"})
    ref = write_rows(package, book, SPEC, data, provided)
    assert ref.name == "MyExec"  # found by its headers (aliases), not by its name
    out = tmp_path / "out.xlsx"
    package.save(out)

    ws = openpyxl.load_workbook(out)["집행"]
    assert ws.tables["MyExec"].ref == "A2:H5"
    assert ws["B3"].value == "=cmd|' /C calc'!A0" and ws["B3"].data_type == "s"
    assert ws["B4"].font.bold  # style of the first data row copied
    assert ws["D3"].value == pytest.approx(1234.567) and ws["D5"].number_format == "#,##0.000"
    assert ws["G5"].value == "=D5-F5"  # derived column keeps the workbook's formula
    assert ws["H4"].value == '=IF(D4=0,"",ROUND(G4/D4*100,1))'
    assert ws["E3"].value is None and ws["J1"].value == "옆 메모"
    assert [str(cf.sqref) for cf in ws.conditional_formatting] == ["H3:H5"]
    assert str(ws.data_validations.dataValidation[0].sqref) == "D3:D5"


def test_fewer_rows_clear_the_leftovers(tmp_path: Path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(list(SPEC.columns))
    for i in range(10):
        ws.append(["x", f"p{i}", "y", 1, 0, 0, 1, 100])
    ws.add_table(Table(displayName="tbl_execution", ref="A1:H11"))
    src, out = tmp_path / "in.xlsx", tmp_path / "out.xlsx"
    wb.save(src)
    package, book = open_target(src)
    write_rows(
        package, book, SPEC, frame([("가", "나", "다", 5_000, 1_000)]), frozenset(SPEC.columns)
    )
    package.save(out)
    ws = openpyxl.load_workbook(out).active
    assert ws.tables["tbl_execution"].ref == "A1:H2"
    assert all(ws.cell(r, c).value is None for r in range(3, 12) for c in range(1, 9))
    assert ws["D2"].value == 5 and ws["G2"].value == 4 and ws["H2"].value == 80


def test_validation_of_derived_numbers():
    data = frame(
        [
            ("가", "나", "다", 0, 0),
            ("가", "나", "다", 1_000, 2_000),
            ("가", "나", "다", 3_000, 1_000),
        ]
    )
    assert list(data["불용률"]) == [None, Decimal(-100), Decimal("66.7")]
    assert [(p.row, p.column) for p in validate_execution(data)] == [(2, "예산현액"), (3, "지출액")]


def test_sample_is_deterministic_and_realistic():
    a, planted = synthetic_execution(3000, random_state=7, inconsistent=5)
    b, _ = synthetic_execution(3000, random_state=7, inconsistent=5)
    c, _ = synthetic_execution(3000, random_state=8)
    pd.testing.assert_frame_equal(a, b)
    assert not a.equals(c)
    assert len(a) == 3000 and len(planted) == 5
    per_project = a.groupby(["담당관", "세부사업"])["통계목"].agg(["count", "nunique"])
    assert per_project["count"].between(1, 5).all()
    assert (per_project["count"] == per_project["nunique"]).all()
    low = (a["불용률"] >= 70).mean()
    assert 0.30 <= low <= 0.50
    assert (a["지출액"] <= a["예산현액"]).mean() > 0.99
    assert (a["지출원인행위액"] >= a["지출액"]).all()
    wrong = a.index[a["지출잔액"] != a["예산현액"] - a["지출액"]].tolist()
    assert wrong == planted
    for budget, spent, rate in (
        a[["예산현액", "지출액", "불용률"]].head(200).itertuples(index=False)
    ):
        exact = Decimal(budget - spent) * 100 / Decimal(budget)
        assert Decimal(str(rate)) == exact.quantize(Decimal("0.1"), rounding="ROUND_HALF_UP")


def test_sample_command_writes_a_workbook(tmp_path: Path, capsys):
    out = tmp_path / "sample.xlsm"
    assert main(["sample", "--lines", "300", "-o", str(out), "--random-state", "3", "-q"]) == 0
    assert "300행" in capsys.readouterr().out
    wb = openpyxl.load_workbook(out)
    ws = wb["집행현황"]
    ref = CellRange(ws.tables["tbl_execution"].ref)
    assert ref.max_row - ref.min_row == 300
    expected, _ = synthetic_execution(300, random_state=3)
    first = [c.value for c in ws[ref.min_row + 1]]
    assert first[:4] == list(expected.iloc[0][["담당관", "세부사업", "통계목", "예산현액"]])


@pytest.mark.parametrize(
    "formula",
    [
        "D5-F5",
        'IF(D5=0,"",ROUND(G5/D5*100,1))',
        "$D5-F$5+SUM(A5:C5)",
        "'Sheet 1'!B5+'Q1 data'!C7",
        'IF(A5="B5 text","",LOG10(A5))',
        "SUM(A:A)+xb_threshold",
        "[@예산현액]-[@지출액]",
    ],
)
def test_formulas_move_down_as_excel_fills_them(formula: str) -> None:
    """The writer's own row shift agrees with openpyxl's formula translator."""
    moved = fill_down(formula, 4)  # written for sheet row 5
    for row in (4, 5, 99, 49_999):
        expected = Translator("=" + formula, origin="H5").translate_formula(f"H{row + 1}")
        assert "=" + moved(row) == expected, (formula, row)
