"""Golden tests of the review pipeline on the bundled seed workbook (real .xlsm files).

The oracle for the execution list is an independent recomputation from the seed CSVs with
Decimal; the oracle for the findings is what the seed report is known to contain (DOMAIN.md):
the revenue table's 합계 does not equal its parts because the row labelled 지방세수입 holds the
세외수입 subtotal, and nothing that only rounding explains.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import openpyxl
import pytest

from tests.conftest import BUNDLED_WORKBOOK, REVIEW_SHEETS
from xlbudget.app.review import review_file
from xlbudget.cli import main
from xlbudget.core import seed

RIBBON_REL = "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility"


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def reviewed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, object]:
    """The bundled workbook copied, reviewed once; (input copy, output, result)."""
    folder = tmp_path_factory.mktemp("review")
    src = folder / "budget_review.xlsm"
    src.write_bytes(BUNDLED_WORKBOOK.read_bytes())
    result = review_file(src)
    return src, result.output, result


def expected_flagged() -> list[tuple[str, str, str, Decimal]]:
    """Lines with 불용률 ≥ 70 recomputed from the seed CSV with Decimal, half up."""
    out = []
    for row in seed.load("집행현황").itertuples():
        budget, spent = Decimal(repr(row.예산현액)), Decimal(repr(row.지출액))
        rate = ((budget - spent) / budget * 100).quantize(Decimal("0.1"), ROUND_HALF_UP)
        if rate >= 70:
            out.append((row.담당관, row.세부사업, row.통계목, rate))
    return out


def test_findings_on_seed(reviewed) -> None:
    _, _, result = reviewed
    errors = [f for f in result.plan.findings if f.severity == "오류"]
    # The revenue 합계 ≠ its parts, in the 당초 and 기정 columns, with the mislabel explained.
    assert {(f.sheet, f.rule) for f in errors} == {("세입", "SUM")}
    assert len(errors) == 2
    assert all("지방세수입" in f.message and "세외수입" in f.message for f in errors)
    assert {f.cell[0] for f in errors} == {"D", "E"}  # 당초, 기정 of the 합계 row
    # No rounding-only difference is reported: 1,294.0%, 2698.9%, 지출잔액 one 천원 off.
    rules = {f.rule for f in result.plan.findings}
    assert not rules & {"RATE", "BALANCE", "UNSPENT_RATE", "DIFF", "CROSS"}
    # The three 세외수입 rows whose 추경 was lost in extraction are reported as empty.
    missing = [f for f in result.plan.findings if f.rule == "MISSING"]
    assert len(missing) == 3 and all(f.sheet == "세입" and f.severity == "경고" for f in missing)


def test_flagged_lines_equal_independent_recomputation(reviewed) -> None:
    _, _, result = reviewed
    got = [
        (f["department"], f["project"], f["item"], Decimal(repr(f["unspent_rate"])))
        for f in result.plan.flagged
    ]
    assert got == expected_flagged()
    assert len(got) == 61


def test_sentences_on_seed(reviewed) -> None:
    _, _, result = reviewed
    text = "\n".join(result.plan.sentences)
    assert "기정 예산 1,104억 3천 3백만원 대비 0.5% 감액된 수준" in text
    assert "1,098억 3천 8백만원" in text  # 109,838 백만원 as shown in the table
    assert "152억 2천 6백만원" in text and "103억 3천 8백만원" in text
    # The report's cut amounts by department (천원 figures cut to 백만원).
    assert "정보시스템담당관 2건(3억2천만원)" in text
    assert "공간정보담당관 2건(1억5천만원)" in text
    assert "정보통신보안담당관 1건(8천9백만원)" in text
    assert "(5억9천4백만원)" in text


def test_input_untouched_and_vba_ribbon_kept(reviewed) -> None:
    src, out, _ = reviewed
    assert sha(src) == sha(BUNDLED_WORKBOOK)
    assert out == src.with_name("budget_review.review.xlsm")
    with zipfile.ZipFile(src) as a, zipfile.ZipFile(out) as b:
        assert a.read("xl/vbaProject.bin") == b.read("xl/vbaProject.bin")
        assert a.read("customUI/customUI14.xml") == b.read("customUI/customUI14.xml")
        assert RIBBON_REL in b.read("_rels/.rels").decode()
        # Every part of the input is still in the output.
        assert set(a.namelist()) - set(b.namelist()) <= {"docProps/app.xml"}


def test_review_sheets_written(reviewed) -> None:
    _, out, _ = reviewed
    wb = openpyxl.load_workbook(out)
    for name in REVIEW_SHEETS:
        assert name in wb.sheetnames
    unspent = wb["검토_미집행"]
    values = [c.value for row in unspent.iter_rows() for c in row]
    for dept in ("스마트도시담당관", "빅데이터담당관", "데이터센터"):
        assert dept in values
    # Computed columns are native formulas.
    formulas = [v for v in values if isinstance(v, str) and v.startswith("=")]
    assert any("ROUND(" in f for f in formulas)
    assert len(wb["검토_사업별"]._charts) == 1 and len(unspent._charts) == 1
    findings = [c.value for c in wb["검토_점검"]["F"] if c.value]
    assert any("지방세수입" in str(v) for v in findings)


def conditional_rules(path: Path, sheet: str) -> list[tuple[str, str]]:
    ws = openpyxl.load_workbook(path)[sheet]
    return [
        (str(cf.sqref), rule.formula[0]) for cf in ws.conditional_formatting for rule in cf.rules
    ]


def test_mark_rules_use_settings_names(reviewed) -> None:
    _, out, _ = reviewed
    rules = conditional_rules(out, "집행현황")
    assert len(rules) == 2
    assert all("xb_threshold" in formula for _, formula in rules)
    assert any("xb_contract_threshold" in formula for _, formula in rules)
    wb = openpyxl.load_workbook(out)
    assert "xb_threshold" in wb.defined_names


def test_review_is_idempotent(reviewed, tmp_path: Path) -> None:
    """Reviewing the reviewed file gives the same cells, rules and sheets: nothing doubles."""
    _, out, _ = reviewed
    again = review_file(out, tmp_path / "again.xlsm").output
    first, second = openpyxl.load_workbook(out), openpyxl.load_workbook(again)
    assert first.sheetnames == second.sheetnames
    for name in first.sheetnames:
        a = [[c.value for c in row] for row in first[name].iter_rows()]
        b = [[c.value for c in row] for row in second[name].iter_rows()]
        assert a == b, name
    assert conditional_rules(out, "집행현황") == conditional_rules(again, "집행현황")


def test_user_rule_survives_mark(tmp_path: Path) -> None:
    from openpyxl.formatting.rule import FormulaRule
    from openpyxl.styles import PatternFill

    src = tmp_path / "mine.xlsm"
    wb = openpyxl.load_workbook(BUNDLED_WORKBOOK, keep_vba=True)
    wb["집행현황"].conditional_formatting.add(
        "A5:A10", FormulaRule(formula=["LEN($A5)>3"], fill=PatternFill("solid", "00FF00"))
    )
    wb.save(src)
    out = review_file(src, tmp_path / "out.xlsm", ("mark",)).output
    out2 = review_file(out, tmp_path / "out2.xlsm", ("mark",)).output
    rules = conditional_rules(out2, "집행현황")
    assert ("A5:A10", "LEN($A5)>3") in rules
    assert len(rules) == 3


def edited(tmp_path: Path, changes: dict[tuple[str, str], object]) -> Path:
    """A copy of the bundled workbook with some cells changed (a submitted table with errors)."""
    wb = openpyxl.load_workbook(BUNDLED_WORKBOOK, keep_vba=True)
    for (sheet, ref), value in changes.items():
        wb[sheet][ref] = value
    path = tmp_path / "edited.xlsm"
    wb.save(path)
    return path


def header_cell(path: Path, sheet: str, header: str, label: str) -> str:
    """A1 of the cell in column ``header`` on the first row whose cells contain ``label``."""
    ws = openpyxl.load_workbook(path)[sheet]
    columns = {
        c.value: c.column_letter
        for row in ws.iter_rows(max_row=10)
        for c in row
        if isinstance(c.value, str)
    }
    for row in ws.iter_rows():
        if any(c.value == label for c in row):
            return f"{columns[header]}{row[0].row}"
    raise AssertionError(f"{label} not in {sheet}")


def test_real_errors_are_caught(tmp_path: Path) -> None:
    rate = header_cell(BUNDLED_WORKBOOK, "세출", "증감율_기정", "행정운영경비")
    balance = header_cell(BUNDLED_WORKBOOK, "집행현황", "지출잔액", "엠보팅 서비스 운영")
    unspent = header_cell(BUNDLED_WORKBOOK, "집행현황", "불용률", "엠보팅 서비스 운영")
    path = edited(
        tmp_path, {("세출", rate): 3.0, ("집행현황", balance): 1805, ("집행현황", unspent): "△5"}
    )
    result = review_file(path, steps=("check",), write=False)
    got = {(f.sheet, f.cell, f.rule) for f in result.plan.findings}
    assert ("세출", rate, "RATE") in got
    assert ("집행현황", balance, "BALANCE") in got
    assert ("집행현황", unspent, "UNSPENT_RATE") in got


def test_text_numbers_and_formula_injection(tmp_path: Path) -> None:
    budget = header_cell(BUNDLED_WORKBOOK, "집행현황", "예산현액", "엠보팅 서비스 운영")
    name = header_cell(BUNDLED_WORKBOOK, "집행현황", "세부사업", "엠보팅 서비스 운영")
    path = edited(tmp_path, {("집행현황", budget): "1,800"})
    wb = openpyxl.load_workbook(path, keep_vba=True)
    wb["집행현황"][name].value = '=HYPERLINK("http://x","y")'
    wb["집행현황"][name].data_type = "s"
    wb.save(path)
    result = review_file(path, tmp_path / "out.xlsm")
    assert not any(f.rule == "NOT_NUMBER" for f in result.plan.findings)
    assert result.plan.flagged[0]["budget"] == 1800
    ws = openpyxl.load_workbook(result.output)["검토_미집행"]
    cells = [c for row in ws.iter_rows() for c in row if c.value == '=HYPERLINK("http://x","y")']
    assert cells and all(c.data_type == "s" for c in cells)


def test_bad_number_is_a_finding_with_its_cell(tmp_path: Path) -> None:
    spent = header_cell(BUNDLED_WORKBOOK, "집행현황", "지출액", "엠보팅 서비스 운영")
    path = edited(tmp_path, {("집행현황", spent): "모름"})
    result = review_file(path, steps=("check",), write=False)
    bad = [f for f in result.plan.findings if f.rule == "NOT_NUMBER"]
    assert [(f.sheet, f.cell) for f in bad] == [("집행현황", spent)]
    assert "모름" in bad[0].message


def test_cli_json_and_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "b.xlsm"
    src.write_bytes(BUNDLED_WORKBOOK.read_bytes())
    assert main(["review", str(src), "--json"]) == 1  # the seed has real errors
    payload = json.loads(capsys.readouterr().out)
    assert payload["output"].endswith("b.review.xlsm")
    assert len(payload["flagged"]) == 61
    assert set(payload["flagged"][0]) == {
        "sheet",
        "row",
        "department",
        "project",
        "item",
        "budget",
        "obligations",
        "spent",
        "unspent_rate",
        "low_contract",
        "submitted",  # the figures the line was submitted with (지출잔액, 불용률)
    }
    assert payload["flagged"][1]["submitted"] == {"지출잔액": 15641, "불용률": 86.9}
    assert sum(line["low_contract"] for line in payload["flagged"]) == 49
    assert {"sheet", "cell", "rule", "severity", "message"} == set(payload["findings"][0])
    assert any("0.5% 감액된 수준" in s for s in payload["sentences"])
    assert main(["check", str(tmp_path / "missing.xlsm")]) == 2
    assert "파일이 없습니다" in capsys.readouterr().err
    not_excel = tmp_path / "fake.xlsx"
    not_excel.write_text("hello")
    assert main(["check", str(not_excel)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "fake.xlsx" in err


def test_missing_table_removes_only_its_part(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without 집행현황 the rest is still reviewed, and the report says what is missing;
    only ``mark`` alone, which could do nothing, is an error."""
    wb = openpyxl.load_workbook(BUNDLED_WORKBOOK, keep_vba=True)
    del wb["집행현황"]
    path = tmp_path / "no_exec.xlsm"
    wb.save(path)
    assert main(["mark", str(path), "-o", str(tmp_path / "m.xlsm")]) == 2
    err = capsys.readouterr().err
    assert "집행현황" in err and "tbl_execution" in err and "Traceback" not in err
    out = tmp_path / "out.xlsm"
    assert main(["review", str(path), "-o", str(out), "--json"]) == 1  # the seed's 세입 error
    payload = json.loads(capsys.readouterr().out)
    assert payload["reading"]["missing"] == ["집행현황"]
    assert [f["cell"] for f in payload["findings"] if f["rule"] == "SUM"] == ["D5", "E5"]
    assert any("집행현황 표가 통합문서에 없어" in s for s in payload["sentences"])
    assert any(f["rule"] == "STEP_SKIPPED" for f in payload["findings"])
    filled = openpyxl.load_workbook(out)
    assert "검토_개요" in filled.sheetnames and "검토_점검" in filled.sheetnames


def test_in_place_writes_a_backup(tmp_path: Path) -> None:
    src = tmp_path / "b.xlsm"
    src.write_bytes(BUNDLED_WORKBOOK.read_bytes())
    before = sha(src)
    result = review_file(src, in_place=True)
    assert result.backup is not None and result.backup.name.startswith("b.backup-")
    assert sha(result.backup) == before
    assert "검토_개요" in openpyxl.load_workbook(src).sheetnames


def test_in_place_with_output_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "b.xlsm"
    src.write_bytes(BUNDLED_WORKBOOK.read_bytes())
    before = sha(src)
    assert main(["review", str(src), "--in-place", "-o", str(tmp_path / "x.xlsm")]) == 2
    assert "--in-place" in capsys.readouterr().err
    assert sha(src) == before and not (tmp_path / "x.xlsm").exists()


def test_items_table_without_change_column(tmp_path: Path) -> None:
    """증감 is optional in 통계목증감: the cross-check falls back to 추경 − 기정."""
    wb = openpyxl.load_workbook(BUNDLED_WORKBOOK, keep_vba=True)
    ws = wb["통계목증감"]
    table = ws.tables["tbl_items"]
    header = [c.value for c in ws[4]]
    col = header.index("증감") + 1
    for row in ws.iter_rows(min_row=4, min_col=col, max_col=col):
        row[0].value = "비고" if row[0].row == 4 else None
    table.tableColumns[col - 1].name = "비고"
    path = tmp_path / "no_change.xlsm"
    wb.save(path)
    result = review_file(path, steps=("check",), write=False)
    assert not [f for f in result.plan.findings if f.rule == "CROSS"]


def test_totals_row_of_a_table_is_not_a_line(tmp_path: Path) -> None:
    from xlbudget.adapters.xlsx import Package

    wb = openpyxl.load_workbook(BUNDLED_WORKBOOK, keep_vba=True)
    ws = wb["집행현황"]
    table = ws.tables["tbl_execution"]
    first, last = table.ref.split(":")
    last_row = int("".join(ch for ch in last if ch.isdigit()))
    ws.cell(row=last_row + 1, column=2, value="합계")
    ws.cell(row=last_row + 1, column=4, value=999999)
    table.ref = f"{first}:{''.join(ch for ch in last if ch.isalpha())}{last_row + 1}"
    table.totalsRowCount = 1
    path = tmp_path / "totals.xlsm"
    wb.save(path)
    tables = {t.name: t for t in Package.open(path).tables()}
    assert tables["tbl_execution"].last_row == last_row - 1  # 0-based: the last data line
    result = review_file(path, steps=("check",), write=False)
    assert len(result.plan.flagged) == 61


def test_check_sheet_shows_what_was_read(tmp_path: Path) -> None:
    """검토_점검 lists each table read, its lines and totals, under the findings."""
    out = tmp_path / "r.xlsm"
    assert main(["review", str(BUNDLED_WORKBOOK), "-o", str(out), "-q"]) == 1
    rows = list(openpyxl.load_workbook(out)["검토_점검"].iter_rows(values_only=True))
    start = next(i for i, r in enumerate(rows) if r[1] and str(r[1]).startswith("○ 읽은 표"))
    read = {r[1]: (r[2], r[3], r[4]) for r in rows[start + 2 :] if r[1]}
    assert read["집행현황"] == (61, 0, "천원(설정 금액단위)")
    assert read["세입"] == (6, 1, "백만원(설정 요약단위)")
    assert read["통계목증감"][:2] == (16, 6)


def test_the_cycle_collector_is_paused_for_a_run_and_restored(tmp_path) -> None:
    """run_steps pauses Python's cycle collector (a city's review makes millions of
    objects) and restores it however the run ends — in the UDF server, too."""
    import gc

    from xlbudget.adapters.xlsx import XlsxFile
    from xlbudget.app.pipeline import Cancelled, run_steps

    seen: list[bool] = []
    src = tmp_path / "b.xlsm"
    src.write_bytes(BUNDLED_WORKBOOK.read_bytes())
    assert gc.isenabled()
    run_steps(XlsxFile(src, None), progress=lambda _: seen.append(gc.isenabled()), write=False)
    assert seen and not any(seen) and gc.isenabled()
    with pytest.raises(Cancelled):
        run_steps(XlsxFile(src, None), cancelled=lambda: True)
    assert gc.isenabled()
    gc.disable()
    try:
        run_steps(XlsxFile(src, None), write=False)
        assert not gc.isenabled()  # left as it was found
    finally:
        gc.enable()
