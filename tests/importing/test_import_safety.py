"""Hostile and awkward inputs of ``xlbudget import``: refused with one line and exit 2.

Every file here is a real .xlsx/.xlsm/.csv written to tmp_path; the workbook and the sources
must be byte-for-byte unchanged afterwards and no output may appear.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import zipfile
from decimal import Decimal
from fractions import Fraction
from math import floor
from pathlib import Path

import openpyxl
import pytest
from openpyxl.worksheet.table import Table

from tests.conftest import REAL_DATA, REPO, need
from tests.importing.conftest import OPENFISCAL, sha256
from xlbudget.app.importing import ImportInputError, import_source, map_source, summarize
from xlbudget.cli import main
from xlbudget.cli.common import INTERNAL_ERROR
from xlbudget.cli.imports import summary_text
from xlbudget.core.schema import TABLES

SPEC = TABLES["집행현황"]
DTD = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">'
    b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>\n'
    b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
    b'extended-properties"><Application>&b;</Application></Properties>'
)


def rezip(src: Path, dst: Path, parts: dict[str, bytes]) -> Path:
    """A copy of the package ``src`` with ``parts`` replaced or added."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            if info.filename not in parts:
                zout.writestr(info, zin.read(info))
        for name, data in parts.items():
            zout.writestr(name, data)
    return dst


def source_xlsx(path: Path, rows: list[list]) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


GOOD_ROWS = [
    ["담당관", "세부사업", "통계목", "예산현액", "지출액"],
    ["가과", "가 사업", "사무관리비", 1000, 100],
    ["나과", "나 사업", "시설비", 2000, 2000],
]


def run_cli(args: list[str], capsys) -> tuple[int, str, str]:
    code = main(["import", *[str(a) for a in args], "-q"])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def assert_one_line_refusal(code: int, err: str, *needles: str) -> None:
    assert code == 2
    assert "Traceback" not in err and INTERNAL_ERROR not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("오류: ")
    for needle in needles:
        assert needle in lines[0]


@pytest.fixture
def workbook(target_workbook: Path, tmp_path: Path) -> Path:
    return Path(shutil.copy2(target_workbook, tmp_path / target_workbook.name))


# ----------------------------------------------------------------------------- item 1: vetting


def test_far_cell_source_exits_2_instead_of_aborting_in_calamine(workbook, tmp_path):
    """One value in XFD1048576 used to abort the process (exit 134, Rust backtrace)."""
    src = source_xlsx(tmp_path / "big.xlsx", GOOD_ROWS)
    wb = openpyxl.load_workbook(src)
    wb.active["XFD1048576"] = 1
    wb.save(src)
    out = tmp_path / f"out{workbook.suffix}"
    before = (sha256(src), sha256(workbook))
    command = ["import", str(src), "--into", str(workbook), "-o", str(out), "-q"]
    proc = subprocess.run(
        [sys.executable, "-m", "xlbudget", *command],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
    )
    assert proc.returncode == 2, proc.stderr
    assert "XFD1048576" in proc.stderr and "big.xlsx" in proc.stderr
    assert "panicked" not in proc.stderr and "Traceback" not in proc.stderr
    assert (sha256(src), sha256(workbook)) == before and not out.exists()


@pytest.mark.parametrize("kind", ["dtd", "zip bomb"])
def test_hostile_source_parts_are_refused(kind, workbook, tmp_path, capsys):
    plain = source_xlsx(tmp_path / "plain.xlsx", GOOD_ROWS)
    extra = (
        {"docProps/app.xml": DTD}
        if kind == "dtd"
        else {"xl/media/pad.bin": bytes(20 * 2**20)}  # 20 MB of zeros, ~20 KB packed
    )
    src = rezip(plain, tmp_path / "hostile.xlsx", extra)
    out = tmp_path / f"out{workbook.suffix}"
    code, _, err = run_cli([src, "--into", workbook, "-o", out], capsys)
    assert_one_line_refusal(code, err, "hostile.xlsx", "DTD" if kind == "dtd" else "zip bomb")
    assert not out.exists()
    # format detection reads the source too: the same refusal, not a calamine call
    with pytest.raises(ImportInputError, match=r"hostile\.xlsx"):
        map_source([src])


def test_hostile_target_workbook_is_refused(workbook, tmp_path, capsys):
    src = source_xlsx(tmp_path / "src.xlsx", GOOD_ROWS)
    bad = rezip(workbook, tmp_path / f"dtd{workbook.suffix}", {"docProps/app.xml": DTD})
    before = sha256(bad)
    out = tmp_path / f"out{workbook.suffix}"
    code, _, err = run_cli([src, "--into", bad, "-o", out], capsys)
    assert_one_line_refusal(code, err, "DTD", bad.name)
    assert sha256(bad) == before and not out.exists()


# ----------------------------------------------------------------------- item 2: dropped parts


def test_target_with_custom_xml_keeps_it_byte_for_byte(workbook, tmp_path, capsys):
    """Parts no library knows (custom XML, which openpyxl drops) pass through an import."""
    src = source_xlsx(tmp_path / "src.xlsx", GOOD_ROWS)
    item = b'<?xml version="1.0"?><meta xmlns="urn:x"><a>1</a></meta>'
    custom = rezip(workbook, tmp_path / f"custom{workbook.suffix}", {"customXml/item1.xml": item})
    before = sha256(custom)
    out = tmp_path / f"out{workbook.suffix}"
    code, _, err = run_cli([src, "--into", custom, "-o", out], capsys)
    assert code == 0, err
    assert sha256(custom) == before
    with zipfile.ZipFile(out) as archive:
        assert archive.read("customXml/item1.xml") == item


# ------------------------------------------------------------------ item 3: no fake 100% unspent


def openfiscal_like(path: Path) -> Path:
    """A small sheet with the 열린재정 세부사업 예산편성현황 headers (amounts in 천원)."""
    return source_xlsx(
        path,
        [
            ["소관명", "회계명", "세부사업명", "정부안금액(천원)", "국회확정금액(천원)"],
            ["가부", "일반회계", "가 사업", 1000, 1200],
            ["가부", "일반회계", "나 사업", 500, 500],
        ],
    )


def test_budget_only_source_reports_no_unspent_lines(tmp_path, capsys):
    """Formula columns of the workbook are not kept when there is no 지출액 to feed them."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = SPEC.sheet
    ws.append(list(SPEC.columns))
    ws.append(["x", "y", "z", 10, None, None, "=D2-F2", '=IF(D2=0,"",ROUND(G2/D2*100,1))'])
    ws.add_table(Table(displayName=SPEC.table, ref="A1:H2"))
    target = tmp_path / "target.xlsx"
    wb.save(target)
    src = openfiscal_like(tmp_path / "of.xlsx")
    out = tmp_path / "out.xlsx"
    args = [src, "--format", "openfiscal", "--table", "집행현황", "--into", target, "-o", out]
    code, stdout, _ = run_cli(args, capsys)
    assert code == 0
    assert "불용률" not in stdout
    rows = list(openpyxl.load_workbook(out)[SPEC.sheet].iter_rows(min_row=2, values_only=True))
    assert [r[3] for r in rows] == [1200, 500]
    assert all(r[5] is None and r[6] is None and r[7] is None for r in rows)


def test_real_openfiscal_execution_target_has_no_low_execution_count(shared_dir):
    need(REAL_DATA / "openfiscal_budget2023_statgarten_datatoys", "열린재정 export")
    assert OPENFISCAL is not None and OPENFISCAL.is_file(), "열린재정 xlsx missing"
    mapped = map_source([OPENFISCAL], table="집행현황")
    assert "지출액" not in mapped.provided and "지출잔액" not in mapped.provided
    result = summarize(mapped, None, [str(OPENFISCAL)])
    assert result.low_execution is None and result.threshold is None
    assert "불용률" not in summary_text(result)


def test_empty_spending_column_gives_no_low_execution_count(workbook, tmp_path):
    src = tmp_path / "empty_spent.csv"
    src.write_text(
        "담당관,세부사업,통계목,예산현액,지출액\n가과,가,사무관리비,100,\n나과,나,시설비,200,\n",
        encoding="utf-8",
    )
    result = import_source([src], workbook, tmp_path / f"o{workbook.suffix}")
    assert result.rows == 2 and result.low_execution is None


def test_threshold_comes_from_the_workbook_settings(workbook, tmp_path, real_lofin):
    wb = openpyxl.load_workbook(workbook, keep_vba=True)
    ws = wb["설정"]
    cell = next(
        row[1] for row in ws.iter_rows(min_col=1, max_col=2) if row[0].value == "미집행기준"
    )
    cell.value = 50
    wb.save(workbook)
    source = real_lofin[0]
    result = import_source([source], workbook, tmp_path / f"o{workbook.suffix}")
    expected = 0
    for rec in json.loads(source.read_text(encoding="utf-8"))["projects"]:
        budget, spent = rec["bdgCashAmt"], rec["epAmt"]
        if budget > 0:
            tenths = Fraction(1000 * (budget - spent), budget)
            rounded = floor(tenths + Fraction(1, 2)) if tenths >= 0 else -floor(-tenths + 0.5)
            expected += rounded >= 500
    assert result.threshold == Decimal(50)
    assert result.low_execution == expected
    assert f"불용률 50% 이상: {expected:,}행" in summary_text(result)


# --------------------------------------------------------------- item 4: content below the table


def small_target(path: Path, rows: int, below: dict[str, object]) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = SPEC.sheet
    ws.append(list(SPEC.columns))
    for i in range(rows):
        ws.append(["과", f"사업{i}", "목", 10, 0, 0, 10, 100])
    ws.add_table(Table(displayName=SPEC.table, ref=f"A1:H{rows + 1}"))
    for ref, value in below.items():
        ws[ref] = value
    wb.save(path)
    return path


def csv_rows(path: Path, n: int) -> Path:
    lines = ["담당관,세부사업,통계목,예산현액,지출액"]
    lines += [f"가과,사업{i},사무관리비,{1000 + i},{i}" for i in range(n)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_growing_over_content_below_is_refused_naming_the_cell(tmp_path, capsys):
    target = small_target(tmp_path / "t.xlsx", 2, {"J80": "메모", "A70": "=SUM(D2:D3)"})
    before = sha256(target)
    out = tmp_path / "o.xlsx"
    code, _, err = run_cli([csv_rows(tmp_path / "s.csv", 100), "--into", target, "-o", out], capsys)
    assert_one_line_refusal(code, err, "A70", "행을 늘릴 수 없습니다")
    assert sha256(target) == before and not out.exists()


def test_shrinking_leaves_content_below_where_it_was(tmp_path):
    target = small_target(tmp_path / "t.xlsx", 10, {"A15": "메모", "J20": "=SUM(D2:D11)"})
    out = tmp_path / "o.xlsx"
    result = import_source([csv_rows(tmp_path / "s.csv", 3)], target, out)
    ws = openpyxl.load_workbook(out)[SPEC.sheet]
    assert result.rows == 3 and ws.tables[SPEC.table].ref == "A1:H4"
    assert [ws.cell(r, 2).value for r in range(2, 5)] == ["사업0", "사업1", "사업2"]
    assert all(ws.cell(r, c).value is None for r in range(5, 12) for c in range(1, 9))
    assert ws["A15"].value == "메모" and ws["J20"].value == "=SUM(D2:D11)"


def test_growing_with_nothing_below_still_works(tmp_path):
    target = small_target(tmp_path / "t.xlsx", 2, {"J1": "옆 메모"})
    out = tmp_path / "o.xlsx"
    result = import_source([csv_rows(tmp_path / "s.csv", 50)], target, out)
    ws = openpyxl.load_workbook(out)[SPEC.sheet]
    assert result.rows == 50 and ws.tables[SPEC.table].ref == "A1:H51"
    assert ws["D51"].value == 1049 and ws["J1"].value == "옆 메모"


# ------------------------------------------------------------ items 5 and 6: the command line


@pytest.mark.parametrize(
    ("config", "csv_bytes", "needle"),
    [
        ('encoding = "nope"\n', "담당관,세부사업\n".encode(), "nope"),
        ('encoding = "base64"\n', "담당관,세부사업\n".encode(), "base64"),
        ('delimiter = ";;"\n', "담당관,세부사업\n".encode(), "CSV"),
        ("encoding = 5\n", "담당관,세부사업\n".encode(), "encoding"),
        ("", ('담당관,세부사업\n"' + "가" * 200_000 + '",나\n').encode(), "field limit"),
    ],
)
def test_bad_csv_settings_are_one_clear_line(config, csv_bytes, needle, workbook, tmp_path, capsys):
    src = tmp_path / "s.csv"
    src.write_bytes(csv_bytes)
    cfg = tmp_path / "m.toml"
    cfg.write_text(config + '[columns]\n"세부사업" = "세부사업"\n', encoding="utf-8")
    out = tmp_path / f"o{workbook.suffix}"
    code, _, err = run_cli([src, "--config", cfg, "--into", workbook, "-o", out], capsys)
    assert_one_line_refusal(code, err, needle)
    assert not out.exists()


def test_unexpected_error_is_one_internal_error_line(workbook, tmp_path, capsys, monkeypatch):
    """A bug (here: an exception the importer never raises on purpose) ends in one line."""
    import xlbudget.cli.imports as cli_import

    def broken(*_args, **_kwargs):
        raise RuntimeError("unexpected\nsecond line")

    monkeypatch.setattr(cli_import, "import_source", broken)
    src = source_xlsx(tmp_path / "src.xlsx", GOOD_ROWS)
    code, _, err = run_cli([src, "--into", workbook], capsys)
    assert code == 2 and "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(INTERNAL_ERROR)
    assert "RuntimeError" in lines[0] and "src.xlsx" in lines[0]


def test_in_place_with_output_is_refused(workbook, tmp_path, capsys):
    src = source_xlsx(tmp_path / "src.xlsx", GOOD_ROWS)
    before = sha256(workbook)
    out = tmp_path / f"other{workbook.suffix}"
    code, _, err = run_cli([src, "--into", workbook, "--in-place", "-o", out], capsys)
    assert_one_line_refusal(code, err, "--in-place", "-o")
    assert sha256(workbook) == before and not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([workbook.name, src.name])
