"""Import of real 지방재정365 exports: counts, exact totals, bad rows, the 70% list.

Every expectation is recomputed here from the raw JSON with plain Python integers and
fractions, never with the importer's own helpers.
"""

from __future__ import annotations

import json
import shutil
import zipfile
from decimal import Decimal
from fractions import Fraction
from math import floor
from pathlib import Path

import openpyxl
import pytest
from openpyxl.worksheet.cell_range import CellRange

from tests.importing.conftest import PROJECTS, sha256
from xlbudget.app.importing import import_source
from xlbudget.cli import main

HEADERS = (
    "담당관",
    "세부사업",
    "통계목",
    "예산현액",
    "지출원인행위액",
    "지출액",
    "지출잔액",
    "불용률",
)


def raw_records(files: list[Path]) -> list[tuple[str, int, dict]]:
    out = []
    for f in files:
        for i, rec in enumerate(json.loads(f.read_text(encoding="utf-8"))["projects"], 1):
            out.append((f.name, i, rec))
    return out


def table_rows(path: Path) -> list[dict]:
    """Data rows of the 집행현황 Excel Table of an output workbook, by header."""
    wb = openpyxl.load_workbook(path)
    ws = wb["집행현황"]
    table = ws.tables["tbl_execution"]
    ref = CellRange(table.ref)
    rows = list(
        ws.iter_rows(
            min_row=ref.min_row,
            max_row=ref.max_row,
            min_col=ref.min_col,
            max_col=ref.max_col,
            values_only=True,
        )
    )
    header = rows[0]
    assert tuple(header) == HEADERS
    return [dict(zip(header, r, strict=True)) for r in rows[1:]]


def exact(value: object) -> Decimal:
    """A cell number as the decimal text written in the file (floats via repr)."""
    assert isinstance(value, (int, float)), value
    return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)


@pytest.fixture(scope="module")
def imported(real_lofin, target_workbook, tmp_path_factory):
    folder = tmp_path_factory.mktemp("lofin")
    workbook = Path(shutil.copy2(target_workbook, folder / target_workbook.name))
    before = {p: sha256(p) for p in [workbook, *real_lofin]}
    out = folder / f"out{workbook.suffix}"
    result = import_source(real_lofin, workbook, out)
    after = {p: sha256(p) for p in before}
    return result, out, before, after, workbook


def test_counts_and_totals_equal_the_source(imported, real_lofin):
    result, out, *_ = imported
    records = raw_records(real_lofin)
    budget = sum(r["bdgCashAmt"] for _, _, r in records)
    spent = sum(r["epAmt"] for _, _, r in records)
    assert result.rows == len(records) == 1156 + 1945 + 1506
    assert result.totals["예산현액"] == Decimal(budget) / 1000
    assert result.totals["지출액"] == Decimal(spent) / 1000
    assert "지출원인행위액" not in result.totals  # the source has none: no fake 0 total
    rows = table_rows(out)
    assert len(rows) == len(records)
    for row, (_, _, rec) in zip(rows, records, strict=True):
        assert row["세부사업"] == rec["dbizNm"].strip()  # outer spaces trimmed
        assert exact(row["예산현액"]) * 1000 == rec["bdgCashAmt"]
        assert exact(row["지출액"]) * 1000 == rec["epAmt"]
        assert row["지출원인행위액"] is None
        assert row["통계목"] == "(전체) " + rec["acntDvNm"]
    assert sum(exact(r["예산현액"]) for r in rows) * 1000 == budget


def test_bad_rows_are_kept_and_reported_with_row_numbers(imported, real_lofin):
    result, out, *_ = imported
    records = raw_records(real_lofin)
    not_positive = {(f, i) for f, i, r in records if r["bdgCashAmt"] <= 0}
    overspent = {(f, i) for f, i, r in records if r["epAmt"] > r["bdgCashAmt"]}
    assert len(not_positive) >= 4 and len(overspent) >= 4  # the real quirks are in the subset
    reported_budget = {(p.source, p.row) for p in result.problems if p.column == "예산현액"}
    reported_over = {(p.source, p.row) for p in result.problems if "보다 큽니다" in p.reason}
    assert reported_budget == not_positive
    assert reported_over == overspent
    assert len(table_rows(out)) == len(records)  # nothing dropped


def test_low_execution_list_matches_a_plain_recomputation(imported, real_lofin):
    result, out, *_ = imported
    expected = []
    for n, (_, _, rec) in enumerate(raw_records(real_lofin)):
        b, e = rec["bdgCashAmt"], rec["epAmt"]
        if b > 0:
            tenths = Fraction(1000 * (b - e), b)  # 불용률 in tenths of a percent
            rounded = floor(tenths + Fraction(1, 2)) if tenths >= 0 else -floor(-tenths + 0.5)
            if rounded >= 700:
                expected.append(n)
    rows = table_rows(out)
    got = [n for n, r in enumerate(rows) if r["불용률"] is not None and r["불용률"] >= 70]
    assert got == expected
    assert result.low_execution == len(expected)
    for r in rows:  # 지출잔액 is exactly 예산현액 − 지출액 on every line
        assert exact(r["지출잔액"]) == exact(r["예산현액"]) - exact(r["지출액"])


def test_inputs_unchanged_and_ribbon_kept(imported):
    result, out, before, after, workbook = imported
    assert before == after
    assert result.output == out and out.is_file()
    with zipfile.ZipFile(workbook) as z:
        had_ribbon = "customUI/customUI14.xml" in z.namelist()
    if had_ribbon:
        with zipfile.ZipFile(out) as z:
            assert "customUI/customUI14.xml" in z.read("_rels/.rels").decode()
            assert "xl/vbaProject.bin" in z.namelist()
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == openpyxl.load_workbook(workbook).sheetnames


def test_single_region_groups_by_field(target_workbook, tmp_path, shared_dir):
    path = PROJECTS / "2612000.json"
    out = tmp_path / f"one{target_workbook.suffix}"
    import_source([path], target_workbook, out)
    fields = [r["fldNm"] for r in json.loads(path.read_text(encoding="utf-8"))["projects"]]
    assert [r["담당관"] for r in table_rows(out)] == fields


def test_empty_export_is_a_clear_error(target_workbook, tmp_path, capsys, shared_dir):
    out = tmp_path / f"empty{target_workbook.suffix}"
    code = main(
        [
            "import",
            str(PROJECTS / "2812000.json"),
            "--into",
            str(target_workbook),
            "-o",
            str(out),
            "-q",
        ]
    )
    err = capsys.readouterr().err
    assert code == 2
    assert "2812000.json" in err and "비어" in err
    assert "Traceback" not in err
    assert not out.exists()


def test_cli_json_summary(real_lofin, target_workbook, tmp_path, capsys):
    out = tmp_path / f"cli{target_workbook.suffix}"
    code = main(
        [
            "import",
            str(real_lofin[0]),
            "--into",
            str(target_workbook),
            "-o",
            str(out),
            "--json",
            "-q",
        ]
    )
    doc = json.loads(capsys.readouterr().out)
    records = raw_records(real_lofin[:1])
    assert code == 1  # 2612000.json has one 예산현액 0 line
    assert doc["rows"] == len(records)
    assert Decimal(doc["totals"]["예산현액"]) * 1000 == sum(r["bdgCashAmt"] for *_, r in records)
    assert [(p["source"], p["row"]) for p in doc["problems"]] == [
        (f, i) for f, i, r in records if r["bdgCashAmt"] <= 0
    ]


def test_default_output_never_overwrites_the_workbook(real_lofin, target_workbook, tmp_path):
    workbook = Path(shutil.copy2(target_workbook, tmp_path / target_workbook.name))
    digest = sha256(workbook)
    result = import_source(real_lofin[:1], workbook)
    assert result.output == workbook.with_name(f"{workbook.stem}.imported{workbook.suffix}")
    assert sha256(workbook) == digest
    in_place = import_source(real_lofin[:1], workbook, in_place=True)
    assert in_place.output == workbook and in_place.backup is not None
    assert sha256(in_place.backup) == digest
    assert sha256(workbook) != digest


def test_import_review_read_back_loses_no_line(imported, real_lofin, tmp_path):
    """Import → review → read back: every source line is still in 집행현황, with its amounts,
    and the review's flagged lines are exactly the lines whose 불용률 is ≥ 70."""
    from xlbudget.app.review import review_file

    _, out, *_ = imported
    reviewed = review_file(out, tmp_path / "reviewed.xlsm").output
    records = raw_records(real_lofin)
    rows = table_rows(reviewed)
    assert len(rows) == len(records)
    budget_won = sum(int(rec.get("bdgCashAmt") or 0) for _, _, rec in records)
    spent_won = sum(int(rec.get("epAmt") or 0) for _, _, rec in records)
    assert sum(exact(r["예산현액"]) for r in rows if r["예산현액"] is not None) * 1000 == budget_won
    assert sum(exact(r["지출액"]) for r in rows if r["지출액"] is not None) * 1000 == spent_won
    names = sorted((rec.get("dbizNm") or "").strip() for _, _, rec in records)
    assert sorted(r["세부사업"] or "" for r in rows) == names

    def unspent(rec: dict) -> Fraction | None:
        budget, spent = int(rec.get("bdgCashAmt") or 0), int(rec.get("epAmt") or 0)
        if budget <= 0:
            return None
        # 불용률 rounded half up to one decimal, in exact fractions.
        return Fraction(floor(Fraction(budget - spent, budget) * 1000 + Fraction(1, 2)), 10)

    expected = sum(1 for _, _, rec in records if (u := unspent(rec)) is not None and u >= 70)
    wb = openpyxl.load_workbook(reviewed)
    listed = [
        row
        for row in wb["검토_미집행"].iter_rows(values_only=True)
        if isinstance(row[2], str) and row[3] is not None and not isinstance(row[3], str)
    ]
    assert len(listed) == expected
