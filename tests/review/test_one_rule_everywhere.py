"""Each rule lives in one place: the sheet colours what the review lists and the sentences say.

Regression tests of the code read of issue 9 (each failed before the fix):

1. the low-contract sentence compared the unrounded ratio while the conditional format
   rounds first;
2. the 세입 sentence rounded its rate to one decimal whatever 증감율소수 said;
3. a text threshold in 설정 ("70%") was read as 70 by Python while the defined name pointed
   at the text cell, so Excel/LibreOffice coloured nothing;
4. the writers put the 검토_ sheets in different places;
6. a 양식_ cell ``{{ 10**400 }}`` ended the run with an internal error and
   ``{{ 9 ** (9 ** 8) }}`` hung it;
7. the worksheet functions' errors were text, not typed errors an adapter can map.
(5, the .xltm content type, is in tests/adapters/test_package.py.)

The conditional formats are checked where they run: LibreOffice recalculates each rule's
formula, moved to every data row as a conditional format applies it, next to the data.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.formula.translate import Translator

from tests.conftest import BUNDLED_WORKBOOK, REVIEW_SHEETS
from tests.robustness import builders as b
from tests.support import remote_book
from tests.support.libreoffice import LibreOffice
from xlbudget.adapters.live import LiveBook
from xlbudget.app.review import review_file
from xlbudget.core import cellargs
from xlbudget.core.engine import build_plan
from xlbudget.core.errors import CellError
from xlbudget.core.plan import insertion_index
from xlbudget.core.rates import rate_array

PROBE_COL = 20  # column U: beside every data table of these workbooks


def probe_rules(path: Path, office: LibreOffice) -> list[list[bool]]:
    """For each data row of the rule sheet: which of xlbudget's rules hold, as LibreOffice
    computes them (the rule formula moved to that row, in a cell beside the row)."""
    wb = openpyxl.load_workbook(path, keep_vba=path.suffix == ".xlsm")
    sheet = next(ws for ws in wb.worksheets if ws.conditional_formatting)
    rules = [
        (str(cf.sqref), rule.formula[0])
        for cf in sheet.conditional_formatting
        for rule in cf.rules
        if "xb_threshold" in rule.formula[0]
    ]
    assert rules, "no xlbudget rule in the file"
    first, last = rules[0][0].split(":")
    top = int("".join(c for c in first if c.isdigit()))
    bottom = int("".join(c for c in last if c.isdigit()))
    origin = "".join(c for c in first if c.isalpha()) + str(top)
    for row in range(top, bottom + 1):
        for k, (_, formula) in enumerate(rules):
            # The rule as it applies to this row (its cell references are row-relative).
            applied_at = "".join(c for c in origin if c.isalpha()) + str(row)
            moved = Translator("=" + formula, origin=origin).translate_formula(applied_at)
            sheet.cell(row=row, column=PROBE_COL + k).value = f"=IF({moved[1:]},1,0)"
    probe = path.with_name(path.stem + ".probe.xlsx")
    wb.save(probe)
    values = office.recalculated(probe)[sheet.title]
    return [
        [values[row - 1][PROBE_COL - 1 + k] == 1 for k in range(len(rules))]
        for row in range(top, bottom + 1)
    ]


def _execution_book(tmp_path: Path, rows: list[list[Any]], settings: dict[str, Any]) -> Path:
    headers = ["담당관", "세부사업", "통계목", "예산현액", "지출원인행위액", "지출액"]
    return b.execution_workbook(tmp_path / "book.xlsx", headers, rows, settings=settings)


# ------------------------------------------------------------------------------- 1 and 3


@pytest.mark.libreoffice
def test_low_contract_sentence_counts_what_the_rule_colours(tmp_path: Path, soffice: str) -> None:
    """Regression 1: 29,999 / 100,001 = 29.9997% shows as 30.0%: not below 30."""
    rows = [
        ["가과", "가사업", "사무관리비", 100_001, 29_999, 0],  # 30.0% as shown: not low
        ["가과", "나사업", "사무관리비", 100_000, 29_940, 0],  # 29.9%: low
        ["가과", "다사업", "시설비", 1_000, 900, 100],  # contracted, unpaid: flagged, not low
    ]
    src = _execution_book(tmp_path, rows, {"미집행기준": 70, "계약저조기준": 30})
    result = review_file(src, steps=("check", "mark"))
    assert [line["low_contract"] for line in result.plan.flagged] == [False, True, False]
    with LibreOffice(soffice) as office:
        colours = probe_rules(result.output, office)
    low_rule, unspent_rule = zip(*colours, strict=True)
    assert list(low_rule) == [False, True, False]
    assert list(unspent_rule) == [True, True, True]
    assert "계약조차 저조한 것은 1건" in " ".join(
        review_file(src, steps=("check", "fill"), write=False).plan.sentences
    )


@pytest.mark.libreoffice
@pytest.mark.parametrize("typed", ["70%", " 70 ", "70", 70, "50%", "칠십", 0.7, 0.5])
def test_threshold_typed_as_text_colours_what_the_review_lists(
    tmp_path: Path, soffice: str, typed: Any
) -> None:
    """Regression 3: Python and the defined name read the 설정 cell the same way (also a
    number below 1, which is 70% typed in Excel: both read it ×100)."""
    rows = [
        ["가과", "가사업", "사무관리비", 1_000, 0, 290],  # 71.0%
        ["가과", "나사업", "사무관리비", 1_000, 0, 300],  # 70.0%
        ["가과", "다사업", "시설비", 1_000, 0, 450],  # 55.0%
        ["가과", "라사업", "시설비", 1_000, 0, 600],  # 40.0%
    ]
    src = _execution_book(tmp_path, rows, {"미집행기준": typed})
    result = review_file(src)
    listed = [line["row"] - 2 for line in result.plan.flagged]  # 0-based data rows
    # "칠십" cannot be read: 70; 0.7 is 70% typed in Excel (a fraction under a % format)
    expected = {"50%": [0, 1, 2], "0.5": [0, 1, 2]}.get(str(typed), [0, 1])
    assert listed == expected
    if typed == "칠십":
        assert any(f.rule == "SETTING" and f.sheet == "설정" for f in result.plan.findings)
    with LibreOffice(soffice) as office:
        colours = probe_rules(result.output, office)
    assert [i for i, row in enumerate(colours) if row[-1]] == expected  # the unspent rule


# ------------------------------------------------------------------------------------- 2


def test_revenue_sentence_follows_the_decimals_setting(tmp_path: Path) -> None:
    """Regression 2: with 증감율소수 = 2 both sentences write two decimals (0.45%, not 0.5%)."""
    wb = openpyxl.load_workbook(BUNDLED_WORKBOOK, keep_vba=True)
    settings = wb["설정"]
    for row in settings.iter_rows(min_row=5):
        if row[0].value == "증감율소수":
            row[1].value = 2
    revenue = wb["세입"]
    header = [c.value for c in revenue[4]]
    total_row = next(r for r in revenue.iter_rows(min_row=5) if r[1].value == "합 계")
    total_row[header.index("추경")].value = 15_295  # (15,295 − 15,226) / 15,226 = 0.4532%
    path = tmp_path / "two_decimals.xlsm"
    wb.save(path)
    sentences = review_file(path, steps=("check", "fill"), write=False).plan.sentences
    revenue_text = next(s for s in sentences if "세입예산" in s)
    spending_text = next(s for s in sentences if "세출예산은" in s)
    assert "기정예산 대비 0.45% 증액된" in revenue_text
    assert "대비 0.54% 감액된" in spending_text  # 594 / 110,433 = 0.538%


# ------------------------------------------------------------------------------------- 4


@pytest.mark.parametrize(
    ("order", "name", "expected"),
    [
        (["입력", "양식_개요", "양식_점검", "함수예시", "xlwings.conf"], "검토_개요", 3),
        (["입력", "함수예시", "xlwings.conf"], "검토_개요", 2),
        (["입력"], "검토_개요", 1),
        (["입력", "검토_개요", "검토_미집행", "xlwings.conf"], "검토_사업별", 2),
        (["입력", "검토_개요", "검토_미집행", "xlwings.conf"], "검토_점검", 3),
        (["입력", "검토_미집행", "xlwings.conf"], "검토_개요", 1),
    ],
)
def test_one_placement_rule(order: list[str], name: str, expected: int) -> None:
    review = list(REVIEW_SHEETS)
    assert insertion_index(order, name, review) == expected


def _sheet_order_by_file_and_live(src: Path, steps: tuple[str, ...], sheets: Any = None) -> Any:
    from xlbudget.adapters.xlsx import XlsxFile

    out = src.with_name(src.stem + ".out" + src.suffix)
    adapter = XlsxFile(src, out)
    adapter.apply_plan(build_plan(adapter.read_book(), steps, sheets))
    file_order = openpyxl.load_workbook(out).sheetnames
    book = remote_book.book(src)
    live = LiveBook(book)
    live.apply_plan(build_plan(live.read_book(), steps, sheets))
    return file_order, [s.name for s in book.sheets]


@pytest.fixture(scope="module")
def _remote() -> Any:
    remote_book.remote_engine()
    yield


@pytest.mark.usefixtures("_remote")
@pytest.mark.parametrize("drop_templates", [False, True])
def test_file_and_live_adapters_place_sheets_alike(tmp_path: Path, drop_templates: bool) -> None:
    """Regression 4: one placement rule, so both adapters give the same sheet order."""
    wb = openpyxl.load_workbook(BUNDLED_WORKBOOK, keep_vba=True)
    if drop_templates:
        for name in [n for n in wb.sheetnames if n.startswith("양식_")]:
            del wb[name]
    src = tmp_path / "book.xlsm"
    wb.save(src)
    file_order, live_order = _sheet_order_by_file_and_live(src, ("check", "mark", "fill"))
    assert file_order == live_order
    assert file_order[-1] == "xlwings.conf"
    reviews = [n for n in file_order if n.startswith("검토_")]
    assert reviews == list(REVIEW_SHEETS)
    check_file, check_live = _sheet_order_by_file_and_live(src, ("check", "fill"), {"검토_점검"})
    assert check_file == check_live and "검토_점검" in check_file


# ------------------------------------------------------------------------------------- 6

HOSTILE = {
    "B1": "{{ 10**400 }}",
    "B2": "{{ 9 ** (9 ** 8) }}",
    "B3": "{{ 'x' * 10**9 }}",
    "B4": "{{ '가'.ljust(10**9) }}",
    "B5": "{% for a in range(100000) %}{% for b in range(100000) %}.{% endfor %}{% endfor %}",
    "B6": "{{ 집행현황|map(attribute='예산현액')|sum }}",  # allowed: a real use
    "B7": "{{ ().__class__ }}",
}


def test_hostile_templates_become_template_findings(tmp_path: Path) -> None:
    """Regression 6: each cell becomes #양식오류 with its finding, quickly, and the run ends.

    Run in a child process with a time limit: before the fix B2 never finished.
    """
    wb = openpyxl.load_workbook(BUNDLED_WORKBOOK, keep_vba=True)
    ws = wb.create_sheet("양식_악성")
    for ref, text in HOSTILE.items():
        ws[ref] = text
    src = tmp_path / "hostile.xlsm"
    wb.save(src)
    code = (
        "import json, sys; from xlbudget.app.review import review_file; "
        "r = review_file(sys.argv[1]); "
        "print(json.dumps([f.as_json() for f in r.plan.findings if f.rule == 'TEMPLATE']))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(src)], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-2000:]
    cells = {
        f["cell"] for f in json.loads(done.stdout.splitlines()[-1]) if f["sheet"] == "양식_악성"
    }
    assert cells == {"B1", "B2", "B3", "B4", "B5", "B7"}
    out = openpyxl.load_workbook(src.with_name("hostile.review.xlsm"))["검토_악성"]
    assert [out[f"B{i}"].value for i in (1, 2, 3, 4, 5, 7)] == ["#양식오류"] * 6
    assert isinstance(out["B6"].value, (int, float)) and out["B6"].value > 0


# ------------------------------------------------------------------------------------- 7


def test_the_core_answers_with_typed_errors() -> None:
    """Regression 7: a bad cell is a CellError (code and reason), not text an adapter must
    guess at; an Excel error in the input comes back as that error."""
    out = cellargs.apply_cells(rate_array, [[110.0], ["abc"], ["#N/A"]], [[100.0], [1.0], [1.0]])
    assert out[0] == [10.0]
    assert out[1] == [CellError("#VALUE!", "숫자가 아닙니다: 'abc'")]
    assert out[2] == [CellError("#N/A")]
    assert cellargs.apply_cells(rate_array, [[1.0], [2.0]], [[1.0], [2.0], [3.0]]) == CellError(
        "#VALUE!", "범위 크기가 맞지 않습니다: 2×1 와 3×1"
    )
