"""More officer-style workbooks: shapes the first corpus (``officer_books``) does not hold.

Each ``make_<name>(dir) -> MoreCase`` writes one workbook as a council officer (or the
program an officer got it from) would, and returns what ``xlbudget check --json`` must say.
Expected figures are computed here with ``decimal.Decimal`` from the numbers put in; nothing
here imports xlbudget.  Shapes: 연번/사업코드/비고 columns and headers with line breaks,
amounts typed as text in every way (full-width digits, "-", "85.0%", "(1,200)", no-break
spaces), department subtotals, 백만원 with decimals, 세입|세출 side by side, two kinds
stacked on one sheet, an Excel Table with a totals row, formulas with and without cached
values, a LibreOffice-saved file (shared strings), hidden rows and columns, 미집행기준
typed as 70%, a stray cell far below, e-호조's outline (a project row carrying its items'
totals), lines without amounts, 담당관 printed once, headers "(천원)"/"(%)", 통계목증감 with
산출내역 continuation rows and 소계 below, summary tables bottom-up, 정보화사업 with 연번/합계.
"""

from __future__ import annotations

import datetime as _dt
import os
import re
import shutil
import subprocess
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from tests.corpus.officer_books import (
    BOLD,
    EXEC_HEADERS,
    EXEC_KEYS,
    THRESHOLD,
    WRAP,
    Case,
    Flag,
    Line,
    ReviewExpect,
    Written,
    _groups,
    a1,
    base_settings,
    change_rate,
    commas,
    is_flagged,
    num,
    put,
    tri,
    unspent_rate,
    write_execution,
    write_settings,
)

D = Decimal


def ln(dept, project, item, budget, oblig, spent, **kw) -> Line:
    """A line; amounts may be given as str ("35.6") for exact decimals."""
    return Line(
        dept,
        project,
        item,
        D(str(budget)),
        None if oblig is None else D(str(oblig)),
        D(str(spent)),
        **kw,
    )


@dataclass
class MoreCase(Case):
    # Rows that must carry at least one 오류/경고 finding (any cell of the row); the value
    # is the set of acceptable rules (None: any rule).  Findings on these rows are not
    # counted as extra.
    row_findings: dict[tuple[str, int], frozenset[str] | None] = field(default_factory=dict)
    # Findings that may appear but need not: (sheet, cell or "*", rule).
    optional: set[tuple[str, str, str]] = field(default_factory=set)
    # False: the exact set of findings is not asserted (only exit code, lines, must_say).
    findings_checked: bool = True
    # Something must be said (a 오류/경고 finding or an unread entry): nothing silent.
    must_say: bool = False
    # Why an expectation may be argued (empty: none is).
    debatable: str = ""


def _shape(fn: Callable) -> str:
    return " ".join((fn.__doc__ or "").split())


def _flags_of(w: Written, threshold: Decimal = THRESHOLD) -> dict[tuple[str, int], Flag]:
    return w.flags(threshold)


# --------------------------------------------------------------------------------------
# cached values for formula cells (what Excel or LibreOffice store beside a formula)

_FCELL = r'(<c r="{ref}"[^>]*>)(<f>.*?</f>)<v\s*/?>(?:</v>)?(</c>)'


def cache_values(path: Path, sheet_index: int, values: dict[str, Any]) -> None:
    """Give each formula cell of sheet ``sheet_index`` (1-based, openpyxl's part naming) its
    cached value, as a workbook saved by Excel holds it."""
    part = f"xl/worksheets/sheet{sheet_index}.xml"
    with zipfile.ZipFile(path) as z:
        items = [(i, z.read(i.filename)) for i in z.infolist()]
    out = []
    for info, data in items:
        if info.filename == part:
            text = data.decode("utf-8")
            for ref, value in values.items():  # numbers only (an empty result is left)
                pattern = re.compile(_FCELL.format(ref=ref))
                v = repr(float(value)).removesuffix(".0")
                new, n = pattern.subn(
                    lambda m, v=v: f"{m.group(1)}{m.group(2)}<v>{v}</v>{m.group(3)}", text
                )
                assert n == 1, f"formula cell {ref} not found in {part}"
                text = new
            data = text.encode("utf-8")
        out.append((info, data))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for info, data in out:
            z.writestr(info.filename, data)


def soffice_path() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


# --------------------------------------------------------------------------------------
# 1. 연번, 사업코드, 비고; headers with line breaks and stray spaces


def make_serial_code_note(dir: Path) -> MoreCase:
    """집행현황 whose first column is 연번 (1, 2, 3 … as numbers), with a 사업코드 column (text
    codes "0101-01"), a 비고 text column, headers with line breaks and stray spaces ("예  산\\n현
    액", " 지출액 ", "세 부 사 업"), a 합 계 row at the bottom (연번 blank); planted: one
    지출잔액 1,000 off (BALANCE). The 연번 column is a row number, not an unknown amount: no
    COLUMN_UNREAD."""
    path = dir / "serial_code_note.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.title = "집행현황"
    ws["A1"] = "〈정보시스템담당관 사업별 집행현황(2021. 7. 31. 기준)〉"
    ws["K2"] = "(단위 : 천원)"
    keys = [
        "연번",
        "담당관",
        "코드",
        "세부사업",
        "통계목",
        "예산현액",
        "지출원인행위액",
        "지출액",
        "지출잔액",
        "불용률",
        "비고",
    ]
    headers = [
        "연번",
        "부서",
        "사업\n코드",
        "세 부 사 업",
        "통계목",
        "예  산\n현  액",
        "지출\n원인행위액",
        " 지출액 ",
        "지출\n잔액",
        "불용률\n",
        "비  고",
    ]
    it = "정보시스템담당관"
    rows = [
        ("line", ln(it, "공통행정시스템 운영", "사무관리비", 53600, 50500, 13100)),
        ("line", ln(it, "개인정보보호체계 고도화", "사무관리비", 29650, 6600, 6600)),
        ("line", ln(it, "개인정보보호체계 고도화", "연구용역비", 50000, 0, 0)),
        (
            "line",
            ln(it, "행정포털 운영", "전산개발비", 226343, 200000, 150000, balance_delta=D(1000)),
        ),
        ("line", ln(it, "행정포털 운영", "사무관리비", 80000, 20000, 20000)),
        ("line", ln(it, "정보기술아키텍처(EA) 운영", "사무관리비", 2000, 0, 0)),
        ("total", "세부사업", "합 계", {}, None),
    ]
    w = write_execution(ws, 3, 1, keys, headers, rows)
    codes = {
        "공통행정시스템 운영": "0101-01",
        "개인정보보호체계 고도화": "0101-02",
        "행정포털 운영": "0102-05",
        "정보기술아키텍처(EA) 운영": "0103-01",
    }
    notes = {2: "용역 발주 예정", 4: "연말 집행", 6: "사업 취소 검토"}
    for i, r in enumerate(sorted(w.line_rows), start=1):
        line = w.line_rows[r]
        ws.cell(row=r, column=w.cols["연번"], value=i)
        ws.cell(row=r, column=w.cols["코드"], value=codes[line.project])
        if i in notes:
            ws.cell(row=r, column=w.cols["비고"], value=notes[i])
    write_settings(wb, base_settings(소관="기획조정실"))
    wb.save(path)
    bad = next(r for r, x in w.line_rows.items() if x.balance_delta)
    return MoreCase(
        name="serial_code_note",
        shape=_shape(make_serial_code_note),
        path=path,
        lines={"집행현황": 6, "설정": 7},
        totals={"집행현황": 1},
        findings={("집행현황", w.cell(bad, "지출잔액"), "BALANCE")},
        flagged=_flags_of(w),
        exit_code=1,
        units={"집행현황": "천원"},
        debatable="연번 holds numbers under a header xlbudget does not list; a row number is "
        "still no amount (COLUMN_UNREAD on it would be a false finding).",
    )


# --------------------------------------------------------------------------------------
# 2. amounts typed as text, every way at once


def make_text_forms(dir: Path) -> MoreCase:
    """집행현황 typed as text the ways pasted tables arrive: 불용률 "85.0%" (text with a %
    sign), "-" for nothing spent, no-break and trailing spaces ("18,000\\u00a0"), one line
    pasted from HWP in full-width digits ("１２，０００", "７５．０％"), an overspent line
    whose 지출잔액 is "(1,200)" and 불용률 "-12.0%" (SPENT_OVER_BUDGET 경고); planted: a
    불용률 "50.0%" where 100.0% is right (UNSPENT_RATE)."""
    path = dir / "text_forms.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.title = "집행현황"
    ws["A1"] = "〈디지털정책과 집행현황〉"
    ws["H2"] = "(단위 : 천원)"
    put(ws, 3, 1, EXEC_HEADERS, bold=True)
    dp = "디지털정책과"

    def fw(s: str) -> str:  # full-width forms, as HWP pastes them
        table = {**{str(i): chr(0xFF10 + i) for i in range(10)}, ",": "，", ".": "．", "%": "％"}
        return "".join(table.get(ch, ch) for ch in s)

    lines = [
        # project, item, budget, oblig, spent, how typed: (budget, oblig, spent, balance, rate)
        ("디지털 포용 확산", "사무관리비", 20000, 3000, 3000, None),
        ("디지털 포용 확산", "행사운영비", 18000, 0, 0, "dash"),
        ("공공 와이파이 확충", "시설비", 12000, 3000, 3000, "fullwidth"),
        ("공공 와이파이 확충", "자산및물품취득비", 10000, 11200, 11200, "overspent"),
        ("스마트 경로당", "사무관리비", 9000, 0, 0, "planted"),
        ("스마트 경로당", "공공운영비", 40000, 38000, 36000, "nbsp"),
    ]
    findings = set()
    flagged = {}
    for i, (proj, item, b, o, s, how) in enumerate(lines):
        r = 4 + i
        b, o, s = D(b), D(o), D(s)
        rate = unspent_rate(b, s)
        cells: list[Any] = [
            dp,
            proj,
            item,
            commas(b),
            commas(o),
            commas(s),
            commas(b - s),
            f"{rate}%",
        ]
        if how == "dash":
            cells[4], cells[5] = "-", "-"
        elif how == "fullwidth":
            cells[3:8] = [
                fw(commas(b)),
                fw(commas(o)),
                fw(commas(s)),
                fw(commas(b - s)),
                fw(f"{rate}%"),
            ]
        elif how == "overspent":
            cells[6] = f"({commas(s - b)})"
            cells[7] = f"-{abs(rate)}%"
            findings.add(("집행현황", a1(6, r), "SPENT_OVER_BUDGET"))
        elif how == "planted":
            cells[7] = "50.0%"
            findings.add(("집행현황", a1(8, r), "UNSPENT_RATE"))
        elif how == "nbsp":
            cells[3] = commas(b) + "\u00a0"
            cells[5] = " " + commas(s) + " "
        put(ws, r, 1, cells)
        if is_flagged(b, s):
            # the planted row: which rate is reported (shown or computed) is not asserted
            flagged[("집행현황", r)] = Flag(dp, proj, item, None if how == "planted" else rate)
    wb.save(path)
    return MoreCase(
        name="text_forms",
        shape=_shape(make_text_forms),
        path=path,
        lines={"집행현황": 6},
        totals={"집행현황": 0},
        findings=findings,
        flagged=flagged,
        exit_code=1,
        units={"집행현황": "천원"},
        info_rules={"NO_SETTINGS"},
    )


# --------------------------------------------------------------------------------------
# 3. department subtotals: "스마트도시담당관 소계", and "소 계" over several projects


def make_dept_subtotals(dir: Path) -> MoreCase:
    """집행현황 with 담당관 on every line and a subtotal per department, the two ways they are
    typed: "스마트도시담당관 소계" (label in the 담당관 column, merged over 담당관..통계목) and
    "소 계" in the 세부사업 column covering all of 빅데이터담당관's three projects, then "합 계"
    (merged 담당관..통계목) over all lines; planted: the "소 계" 지출액 500 too high (SUM). Neither
    subtotal is a line (nor flagged)."""
    path = dir / "dept_subtotals.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.title = "집행현황"
    ws["A1"] = "〈스마트도시정책관 집행현황〉"
    ws["H2"] = "(단위 : 천원)"
    sd, bd = "스마트도시담당관", "빅데이터담당관"
    rows = [
        ("line", ln(sd, "엠보팅 서비스 운영", "사무관리비", 1800, 0, 0)),
        ("line", ln(sd, "사물인터넷 도시조성", "시설비", 663620, 191620, 191620)),
        ("line", ln(sd, "사물인터넷 도시조성", "자산및물품취득비", 855433, 207433, 207433)),
        ("subtotal", "담당관", "스마트도시담당관 소계", {}),
        ("line", ln(bd, "서울서베이", "사무관리비", 3030250, 2916370, 0)),
        ("line", ln(bd, "빅데이터 캠퍼스 운영", "공공운영비", 854512, 786906, 236265)),
        ("line", ln(bd, "빅데이터 캠퍼스 운영", "국내여비", 50000, 40000, 40000)),
        ("line", ln(bd, "데이터 기반 행정 활성화", "연구용역비", 100000, 90000, 90000)),
        ("subtotal", "세부사업", "소 계", {"지출액": D(500)}),
        ("total", "담당관", "합 계", {}, "통계목"),
    ]
    w = write_execution(ws, 3, 1, EXEC_KEYS, EXEC_HEADERS, rows)
    first_sub = w.total_rows[0]
    ws.merge_cells(start_row=first_sub, start_column=1, end_row=first_sub, end_column=3)
    bad = w.total_rows[1]
    wb.save(path)
    return MoreCase(
        name="dept_subtotals",
        shape=_shape(make_dept_subtotals),
        path=path,
        lines={"집행현황": 7},
        totals={"집행현황": 3},
        findings={("집행현황", w.cell(bad, "지출액"), "SUM")},
        flagged=_flags_of(w),
        exit_code=1,
        info_rules={"NO_SETTINGS"},
    )


# --------------------------------------------------------------------------------------
# 4. 집행현황 in 백만원 with one decimal


def make_baekman_decimals(dir: Path) -> MoreCase:
    """집행현황 in 백만원 with one decimal (설정 금액단위 백만원, caption "(단위 : 백만원, %)"):
    35.6, 9.4, 26.2 …; planted: one 지출잔액 5.0 too high (BALANCE) and one 0.8 too high
    (80만원 off where figures are shown to 0.1 백만원: BALANCE — debatable, the documented
    tolerance is a flat 1.5); review: 검토_미집행 captioned in 백만원 and the sentence sums
    the flagged 예산현액 (8억 8천 4백만원), never 1,000× off."""
    path = dir / "baekman_decimals.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.title = "집행현황"
    ws["A1"] = "〈공간정보담당관 미집행사업 현황(2021. 7. 31. 기준)〉"
    ws["H2"] = "(단위 : 백만원, %)"
    gs = "공간정보담당관"
    rows = [
        ("line", ln(gs, "지도정보 플랫폼 고도화 구축", "사무관리비", "35.6", "9.4", "9.4")),
        (
            "line",
            ln(
                gs,
                "지도정보 플랫폼 고도화 구축",
                "공공운영비",
                "200.8",
                "200.8",
                "50.2",
                balance_delta=D("0.8"),
            ),
        ),
        ("line", ln(gs, "스마트 불편신고 운영", "사무관리비", "1.2", "0", "0")),
        (
            "line",
            ln(gs, "항공사진 촬영 및 다목적활용 데이터 구축", "공공운영비", "96.3", "96.3", "24.1"),
        ),
        (
            "line",
            ln(
                gs,
                "드론공간정보 운영",
                "사무관리비",
                "550.1",
                "376.6",
                "1.6",
                balance_delta=D("5.0"),
            ),
        ),
        ("line", ln(gs, "공간정보 품질관리", "사무관리비", "40.0", "30.0", "30.0")),
    ]
    w = write_execution(ws, 3, 1, EXEC_KEYS, EXEC_HEADERS, rows)
    for r in w.line_rows:
        for k in ("예산현액", "지출원인행위액", "지출액", "지출잔액"):
            ws.cell(row=r, column=w.cols[k]).number_format = "#,##0.0"
    write_settings(wb, base_settings(소관="공간정보담당관", 금액단위="백만원"))
    wb.save(path)
    flags = _flags_of(w)
    flagged_budget = sum((w.line_rows[r].budget for _, r in flags), D(0))
    assert flagged_budget == D("884.0"), flagged_budget  # 8억 8천 4백만원
    findings = {
        ("집행현황", w.cell(r, "지출잔액"), "BALANCE")
        for r, x in w.line_rows.items()
        if x.balance_delta
    }
    return MoreCase(
        name="baekman_decimals",
        shape=_shape(make_baekman_decimals),
        path=path,
        lines={"집행현황": 6, "설정": 7},
        totals={"집행현황": 0},
        findings=findings,
        flagged=flags,
        exit_code=1,
        units={"집행현황": "백만원"},
        review=ReviewExpect(
            exit_code=1,
            unspent_groups=_groups(flags),
            sentences=[(("불용률", f"{len(flags)}건", "8억8천4백"), ("1조", "884억", "8,840억"))],
            unspent_caption="(단위 : 백만원)",
        ),
        debatable="the 0.8 백만원 BALANCE: docs/review.md gives a flat tolerance of 1.5 (three "
        "rounded integers); with figures shown to 0.1 the rounding is ±0.05 each, so 0.8 off "
        "is a real 80만원 error an officer wants found.",
    )


# --------------------------------------------------------------------------------------
# 5. 세입 | 세출 side by side


def _summary_rows(parts: list[tuple[str, str | None, int, int, int]]) -> list[list[Any]]:
    out = []
    for a, b, d, g, c in parts:
        diff = D(c - g)
        rate = change_rate(D(c), D(g))
        out.append([a, b, d, g, c, tri(diff), tri(rate)])
    return out


def make_side_by_side(dir: Path) -> MoreCase:
    """세입 (A:G) and 세출 (I:O) side by side on one sheet, same header row (구분 | 세부 |
    당초 | 기정 | 추경 | 증감 | 증감율), each under its own caption and unit line, 합계/총계
    first; planted: 세출 사업비 증감율 "△6.0" for △0.6 (RATE). Both tables read."""
    path = dir / "side_by_side.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.title = "추경개요"
    ws["A1"] = "〈2021년도 제2회 추경예산안 세입 규모〉"
    ws["G2"] = "(단위 : 백만원, %)"
    ws["I1"] = "〈2021년도 제2회 추경예산안 세출 규모〉"
    ws["O2"] = "(단위 : 백만원, %)"
    header = ["구분", "세부", "당초", "기정", "추경", "증감", "증감율"]
    put(ws, 3, 1, header, bold=True)
    put(ws, 3, 9, header, bold=True)
    rev = [
        ("지방세수입", None, 1235, 1235, 1300),
        ("세외수입", "경상적", 8965, 8965, 8965),
        ("세외수입", "임시적", 893, 893, 950),
        ("보조금", "국고보조금등", 378, 5265, 5265),
    ]
    exp = [
        ("행정운영경비", None, 727, 727, 727),
        ("재무활동", None, 3, 94, 94),
        ("사업비", None, 96894, 104648, 104054),
    ]

    def total(label: str, parts: list) -> tuple:
        return (label, None, *(sum(p[i] for p in parts) for i in (2, 3, 4)))

    rev_rows = _summary_rows([total("합 계", rev), *rev])
    exp_rows = _summary_rows([total("총 계", exp), *exp])
    for i, row in enumerate(rev_rows):
        put(ws, 4 + i, 1, row, bold=i == 0)
    rate_cell = None
    for i, row in enumerate(exp_rows):
        if row[0] == "사업비":
            assert row[6] == "△0.6", row
            row[6] = "△6.0"  # planted
            rate_cell = a1(15, 4 + i)
        put(ws, 4 + i, 9, row, bold=i == 0)
    write_settings(wb, base_settings())
    wb.save(path)
    return MoreCase(
        name="side_by_side",
        shape=_shape(make_side_by_side),
        path=path,
        lines={"세입": 4, "세출": 3, "설정": 7},
        totals={"세입": 1, "세출": 1},
        findings={("추경개요", rate_cell, "RATE")},
        flagged={},
        exit_code=1,
        sheets={"세입": {"추경개요"}, "세출": {"추경개요"}},
        units={"세입": "백만원", "세출": "백만원"},
    )


# --------------------------------------------------------------------------------------
# 6. 사업별증감 and 집행현황 stacked on one sheet, units from their captions


def make_two_kinds_stacked(dir: Path) -> MoreCase:
    """One sheet 검토자료: 사업별증감 (담당관 | 세부사업 | 기정 | 추경 | 증감 | 증감율,
    "(단위 : 백만원, %)") on top, two blank rows, then 집행현황 with its own caption and
    "(단위 : 천원)"; no 설정: each table's unit from its own caption; planted: a 증감 with
    its △ lost (DIFF) above, a 지출잔액 100 off (BALANCE) below."""
    path = dir / "two_kinds_stacked.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.title = "검토자료"
    ws["A1"] = "○ 추가경정예산 주요 사업별 예산 증감내역"
    ws["F2"] = "(단위 : 백만원, %)"
    put(ws, 3, 1, ["담당관", "세부사업", "기정", "추경", "증감", "증감율"], bold=True)
    projects = [
        ("스마트도시담당관", "세계스마트시티 기구 운영", 699, 665),
        ("정보시스템담당관", "인공지능 서비스 구축 운영", 720, 520),
        ("정보시스템담당관", "행정포털 운영", 2673, 2552),
        ("공간정보담당관", "드론공간정보 운영", 706, 656),
    ]
    diff_cell = None
    for i, (dept, proj, g, c) in enumerate(projects):
        r = 4 + i
        diff = D(c - g)
        shown = tri(diff)
        if proj == "행정포털 운영":
            shown = num(-diff)  # planted: 121 for △121
            diff_cell = a1(5, r)
        put(ws, r, 1, [dept, proj, g, c, shown, tri(change_rate(D(c), D(g)))])
    top = 4 + len(projects) + 2
    ws.cell(row=top, column=1, value="〈 70%이상 미집행사업 현황(2021. 7. 31. 기준) 〉")
    ws.cell(row=top + 1, column=8, value="(단위 : 천원)")
    sd, it = "스마트도시담당관", "정보시스템담당관"
    rows = [
        ("line", ln(sd, "엠보팅 서비스 운영", "사무관리비", 1800, 0, 0)),
        ("line", ln(sd, "디지털배움터 운영", "사무관리비", 391000, 0, 0)),
        (
            "line",
            ln(it, "행정포털 운영", "전산개발비", 226343, 200000, 50000, balance_delta=D(100)),
        ),
        ("line", ln(it, "공통행정시스템 운영", "사무관리비", 53600, 50500, 13100)),
        ("line", ln(it, "공통행정시스템 운영", "공공운영비", 20000, 15000, 15000)),
    ]
    w = write_execution(ws, top + 2, 1, EXEC_KEYS, EXEC_HEADERS, rows)
    wb.save(path)
    bad = next(r for r, x in w.line_rows.items() if x.balance_delta)
    return MoreCase(
        name="two_kinds_stacked",
        shape=_shape(make_two_kinds_stacked),
        path=path,
        lines={"사업별증감": 4, "집행현황": 5},
        totals={"사업별증감": 0, "집행현황": 0},
        findings={
            ("검토자료", diff_cell, "DIFF"),
            ("검토자료", w.cell(bad, "지출잔액"), "BALANCE"),
        },
        flagged=_flags_of(w),
        exit_code=1,
        sheets={"사업별증감": {"검토자료"}, "집행현황": {"검토자료"}},
        units={"사업별증감": "백만원", "집행현황": "천원"},
        info_rules={"NO_SETTINGS"},
    )


# --------------------------------------------------------------------------------------
# 7. an Excel Table with a totals row, formulas with cached values


def _exec_formulas(ws, w: Written, rate_digits: int = 1) -> dict[str, Any]:
    """지출잔액 and 불용률 of each line as formulas; returns {cell: cached value}."""
    cached: dict[str, Any] = {}
    c = w.cols
    for r, line in w.line_rows.items():
        b, s = a1(c["예산현액"], r), a1(c["지출액"], r)
        bal = a1(c["지출잔액"], r)
        ws[bal] = f"={b}-{s}"
        cached[bal] = line.budget - line.spent
        rate = a1(c["불용률"], r)
        ws[rate] = f'=IF({b}>0,ROUND(({b}-{s})/{b}*100,{rate_digits}),"")'
        cached[rate] = unspent_rate(line.budget, line.spent)
    return cached


def make_excel_table_totals(dir: Path) -> MoreCase:
    """집행현황 as an Excel Table ("집행표") with its totals row on (label "요약", as Korean
    Excel writes it, and SUBTOTAL(109,…) formulas), 지출잔액 and 불용률 as formulas; cached
    values stored as Excel stores them. The totals row is no line; nothing wrong: exit 0."""
    from openpyxl.worksheet.table import Table, TableColumn, TableStyleInfo

    path = dir / "excel_table_totals.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.title = "집행"
    ws["A1"] = "〈정보통신보안담당관 집행현황〉"
    ws["H2"] = "(단위 : 천원)"
    dd = "정보통신보안담당관"
    rows = [
        ("line", ln(dd, "행정정보통신망 운영", "사무관리비", 120000, 30000, 30000)),
        ("line", ln(dd, "행정정보통신망 운영", "시설비", 500000, 480000, 120000)),
        ("line", ln(dd, "지능형 CCTV 고도화", "사무관리비", 60000, 10000, 10000)),
        ("line", ln(dd, "스마트 서울 CCTV 안전센터 운영", "공공운영비", 10000, 9000, 9000)),
        ("line", ln(dd, "초고속정보통신 인프라 운영", "연구용역비", 75000, 0, 0)),
    ]
    w = write_execution(ws, 3, 1, EXEC_KEYS, EXEC_HEADERS, rows)
    cached = _exec_formulas(ws, w)
    last = max(w.line_rows)
    tot = last + 1
    ws.cell(row=tot, column=1, value="요약")
    for k in ("예산현액", "지출원인행위액", "지출액", "지출잔액"):
        col = w.cols[k]
        ref = a1(col, tot)
        ws[ref] = f"=SUBTOTAL(109,집행표[{k}])"
        cached[ref] = sum(
            (
                (x.oblig or D(0))
                if k == "지출원인행위액"
                else x.budget
                if k == "예산현액"
                else x.spent
                if k == "지출액"
                else x.budget - x.spent
            )
            for x in w.line_rows.values()
        )
    table = Table(displayName="집행표", ref=f"A3:H{tot}", totalsRowCount=1)
    table.tableColumns = [
        TableColumn(
            id=i + 1,
            name=h,
            totalsRowLabel="요약" if i == 0 else None,
            totalsRowFunction="sum"
            if EXEC_KEYS[i] in ("예산현액", "지출원인행위액", "지출액", "지출잔액")
            else None,
        )
        for i, h in enumerate(EXEC_HEADERS)
    ]
    table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
    ws.add_table(table)
    ws.cell(row=tot + 2, column=1, value="※ 자료: e-호조(2021. 7. 31.)")
    write_settings(wb, base_settings(소관="정보통신보안담당관"))
    wb.save(path)
    cache_values(path, 1, cached)
    return MoreCase(
        name="excel_table_totals",
        shape=_shape(make_excel_table_totals),
        path=path,
        lines={"집행현황": 5, "설정": 7},
        findings=set(),
        flagged=_flags_of(w),
        exit_code=0,
        sheets={"집행현황": {"집행"}},
        units={"집행현황": "천원"},
    )


# --------------------------------------------------------------------------------------
# 8. formulas without cached values (a workbook made by a program, never opened in Excel)


def make_formulas_uncached(dir: Path) -> MoreCase:
    """집행현황 whose 지출잔액, 불용률 and 합계 row are formulas with no cached value (a file
    written by a program and never opened in Excel: no figure behind the formulas). The
    figures cannot be checked: that must be said (a finding or an unread entry) and the
    exit code must not be 0; 예산현액/지출액 are typed, so the lines are still read."""
    path = dir / "formulas_uncached.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.title = "집행현황"
    ws["A1"] = "〈미집행사업 현황〉"
    ws["H2"] = "(단위 : 천원)"
    sd = "스마트도시담당관"
    rows = [
        ("line", ln(sd, "엠보팅 서비스 운영", "사무관리비", 1800, 0, 0)),
        ("line", ln(sd, "블록체인 기반 공유행정 도입", "사무관리비", 18000, 2360, 2360)),
        ("line", ln(sd, "사물인터넷 도시조성", "시설비", 663620, 191620, 191620)),
        ("line", ln(sd, "디지털배움터 운영", "사무관리비", 391000, 200000, 150000)),
        ("total", "세부사업", "합 계", {}, None),
    ]
    w = write_execution(ws, 3, 1, EXEC_KEYS, EXEC_HEADERS, rows)
    _exec_formulas(ws, w)
    tot = w.total_rows[0]
    first, last = min(w.line_rows), max(w.line_rows)
    for k in ("예산현액", "지출원인행위액", "지출액", "지출잔액"):
        col = get_column_letter(w.cols[k])
        ws.cell(row=tot, column=w.cols[k], value=f"=SUM({col}{first}:{col}{last})")
    ws.cell(row=tot, column=w.cols["불용률"], value=None)
    wb.save(path)
    return MoreCase(
        name="formulas_uncached",
        shape=_shape(make_formulas_uncached),
        path=path,
        lines={"집행현황": 4},
        findings=set(),
        findings_checked=False,
        must_say=True,
        flagged=_flags_of(w),
        exit_code=1,
        debatable="which rule names uncomputed formulas is open; only that something is said "
        "and the exit is not 0 is asserted.",
    )


# --------------------------------------------------------------------------------------
# 9. hidden rows and a hidden column


def make_hidden_rows_cols(dir: Path) -> MoreCase:
    """집행현황 with a hidden line (its row hidden, its 지출잔액 1,000 off: BALANCE) and the
    지출원인행위액 column hidden; the 합 계 covers every line, the hidden one too. Hidden is not
    absent: every line is read and checked."""
    path = dir / "hidden_rows_cols.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.title = "집행현황"
    ws["A1"] = "〈미집행사업 현황〉"
    ws["H2"] = "(단위 : 천원)"
    bd = "빅데이터담당관"
    rows = [
        ("line", ln(bd, "서울서베이", "사무관리비", 3030250, 2916370, 0)),
        ("line", ln(bd, "서울서베이", "전산개발비", 926000, 0, 0)),
        (
            "line",
            ln(bd, "빅데이터 캠퍼스 운영", "사무관리비", 21100, 19520, 3000, balance_delta=D(1000)),
        ),
        ("line", ln(bd, "빅데이터 캠퍼스 운영", "공공운영비", 854512, 786906, 236265)),
        ("line", ln(bd, "빅데이터 캠퍼스 운영", "행사운영비", 34400, 33729, 0)),
        ("total", "세부사업", "합 계", {}, None),
    ]
    w = write_execution(ws, 3, 1, EXEC_KEYS, EXEC_HEADERS, rows)
    bad = next(r for r, x in w.line_rows.items() if x.balance_delta)
    ws.row_dimensions[bad].hidden = True
    ws.column_dimensions[get_column_letter(w.cols["지출원인행위액"])].hidden = True
    write_settings(wb, base_settings(소관="빅데이터담당관"))
    wb.save(path)
    return MoreCase(
        name="hidden_rows_cols",
        shape=_shape(make_hidden_rows_cols),
        path=path,
        lines={"집행현황": 5, "설정": 7},
        totals={"집행현황": 1},
        findings={("집행현황", w.cell(bad, "지출잔액"), "BALANCE")},
        flagged=_flags_of(w),
        exit_code=1,
        debatable="whether a hidden row should be read: hidden rows hold data the totals "
        "include; an officer who hid a line still wants its error found.",
    )


# --------------------------------------------------------------------------------------
# 10. 설정 with only some items, 미집행기준 typed as 70% (0.7 shown as 70%)


def make_settings_percent(dir: Path) -> MoreCase:
    """설정 with only 소관, 회계연도 and 미집행기준 typed "70%" in Excel (stored 0.7, shown 70%
    by a percent format), nothing else; 집행현황 lines at 5.0, 40.0, 69.9, 70.0, 85.0 and 100.0
    %: only the last three are flagged (a threshold of 0.7% would flag five)."""
    path = dir / "settings_percent.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.title = "집행현황"
    ws["A1"] = "〈미집행사업 현황〉"
    ws["H2"] = "(단위 : 천원)"
    sd = "스마트도시담당관"
    rows = [
        ("line", ln(sd, "사업A 운영", "사무관리비", 10000, 9500, 9500)),  # 5.0
        ("line", ln(sd, "사업B 운영", "사무관리비", 10000, 6000, 6000)),  # 40.0
        ("line", ln(sd, "사업C 운영", "사무관리비", 10000, 3006, 3006)),  # 69.94 → 69.9
        ("line", ln(sd, "사업D 운영", "사무관리비", 10000, 3000, 3000)),  # 70.0
        ("line", ln(sd, "사업E 운영", "사무관리비", 10000, 1500, 1500)),  # 85.0
        ("line", ln(sd, "사업F 운영", "사무관리비", 10000, 0, 0)),  # 100.0
    ]
    w = write_execution(ws, 3, 1, EXEC_KEYS, EXEC_HEADERS, rows)
    st = wb.create_sheet("설정")
    put(st, 1, 1, ["항목", "값"], bold=True)
    put(st, 2, 1, ["소관", "스마트도시정책관"])
    put(st, 3, 1, ["회계연도", 2021])
    put(st, 4, 1, ["미집행기준", 0.7])
    st["B4"].number_format = "0%"
    wb.save(path)
    flags = _flags_of(w)
    assert len(flags) == 3
    return MoreCase(
        name="settings_percent",
        shape=_shape(make_settings_percent),
        path=path,
        lines={"집행현황": 6, "설정": 3},
        findings=set(),
        # a warning that 0.7 was read as 70% would be fair
        optional={("설정", "*", "SETTING")},
        flagged=flags,
        exit_code=0,
    )


# --------------------------------------------------------------------------------------
# 11. a stray cell far below the table


def make_stray_far_below(dir: Path) -> MoreCase:
    """집행현황 (20 lines) with a cell holding one space at H60000 and a stray "작성: 예산팀
    홍길동" at A5000 (what Ctrl+End finds in real files): read as usual, no finding."""
    path = dir / "stray_far_below.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.title = "집행현황"
    ws["A1"] = "〈미집행사업 현황〉"
    ws["H2"] = "(단위 : 천원)"
    sd = "스마트도시담당관"
    rows = []
    for i in range(20):
        b = D(10000 + 1000 * i)
        s = D(500 * i * i % 9000)
        rows.append(("line", Line(sd, f"사업{i + 1:02d} 운영", "사무관리비", b, s, s)))
    w = write_execution(ws, 3, 1, EXEC_KEYS, EXEC_HEADERS, rows)
    ws.cell(row=5000, column=1, value="작성: 예산팀 홍길동")
    ws.cell(row=60000, column=8, value=" ")
    write_settings(wb, base_settings())
    wb.save(path)
    return MoreCase(
        name="stray_far_below",
        shape=_shape(make_stray_far_below),
        path=path,
        lines={"집행현황": 20, "설정": 7},
        totals={"집행현황": 0},
        findings=set(),
        flagged=_flags_of(w),
        exit_code=0,
    )


# --------------------------------------------------------------------------------------
# 12. e-호조's outline: a project row carrying its items' totals


def make_outline_projects(dir: Path) -> MoreCase:
    """집행현황 as e-호조's 세부사업별 report prints it: a department row, then each project on
    a row of its own carrying the project's totals (통계목 blank), its 통계목 rows below it
    (세부사업 blank). The project rows are totals (checked, never lines, never flagged); the
    통계목 rows are the lines, each under its project."""
    path = dir / "outline_projects.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.title = "세부사업별 집행"
    ws["A1"] = "〈세부사업별 예산 집행현황(2021. 7. 31. 기준)〉"
    ws["G2"] = "(단위 : 천원)"
    keys = ["세부사업", "통계목", "예산현액", "지출원인행위액", "지출액", "지출잔액", "불용률"]
    put(
        ws,
        3,
        1,
        ["세부사업", "통계목", "예산현액", "지출원인행위액", "지출액", "지출잔액", "불용률"],
        bold=True,
    )
    cols = {k: 1 + i for i, k in enumerate(keys)}
    sd = "스마트도시담당관"
    ws.cell(row=4, column=1, value=sd).font = BOLD
    ws.merge_cells(start_row=4, start_column=1, end_row=4, end_column=7)
    projects = [
        ("엠보팅 서비스 운영", [("사무관리비", 1800, 0, 0), ("행사운영비", 5000, 4000, 4000)]),
        (
            "사물인터넷 도시조성",
            [("시설비", 663620, 191620, 191620), ("자산및물품취득비", 855433, 207433, 207433)],
        ),
        ("디지털배움터 운영", [("사무관리비", 391000, 0, 0)]),
    ]
    r = 5
    w = Written(ws.title, 3, cols)
    for proj, items in projects:
        b = sum(D(x[1]) for x in items)
        o = sum(D(x[2]) for x in items)
        s = sum(D(x[3]) for x in items)
        put(
            ws,
            r,
            1,
            [proj, None, num(b), num(o), num(s), num(b - s), num(unspent_rate(b, s))],
            bold=True,
        )
        w.total_rows.append(r)
        r += 1
        for item, bb, oo, ss in items:
            line = Line(sd, proj, item, D(bb), D(oo), D(ss))
            put(ws, r, 2, [item, bb, oo, ss, num(line.balance), num(line.rate)])
            w.line_rows[r] = line
            r += 1
    wb.save(path)
    return MoreCase(
        name="outline_projects",
        shape=_shape(make_outline_projects),
        path=path,
        lines={"집행현황": 5},
        totals={"집행현황": 3},
        findings=set(),
        flagged=_flags_of(w),
        exit_code=0,
        info_rules={"NO_SETTINGS"},
        debatable="a project row without the word 소계 is recognised only by its place (통계목 "
        "blank, items below summing to it); realistic (e-호조's outline) but harder.",
    )


# --------------------------------------------------------------------------------------
# 13. lines whose amounts are missing


def make_missing_amounts(dir: Path) -> MoreCase:
    """집행현황 (담당관 on every line) with a line 담당관 | 세부사업 | 통계목 and no amount at
    all, and a row 담당관 | 세부사업 with neither 통계목 nor amounts (a project typed, figures
    not yet filled in): each must be reported on its row (MISSING or the like), never
    dropped; also a line whose 지출원인행위액 and 지출액 are left blank for nothing spent
    (지출잔액 = 예산현액, 불용률 100.0): read as 0, flagged, no finding."""
    path = dir / "missing_amounts.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.title = "집행현황"
    ws["A1"] = "〈미집행사업 현황〉"
    ws["H2"] = "(단위 : 천원)"
    put(ws, 3, 1, EXEC_HEADERS, bold=True)
    ad = "자치행정과"
    data = [
        ("주민자치회 운영", "사무관리비", 30000, 12000, 12000),
        ("주민자치회 운영", "행사운영비", None, None, None),  # no amounts
        ("마을공동체 지원", None, None, None, None),  # project only
        ("청년 마을활동 지원", "민간경상사업보조", 50000, "blank", "blank"),
        ("주민참여예산 운영", "사무관리비", 8000, 1000, 1000),
    ]
    flagged = {}
    row_findings = {}
    for i, (proj, item, b, o, s) in enumerate(data):
        r = 4 + i
        if b is None:
            put(ws, r, 1, [ad, proj, item])
            row_findings[("집행현황", r)] = None
            continue
        bb = D(b)
        ss = D(0) if s == "blank" else D(s)
        rate = unspent_rate(bb, ss)
        put(
            ws,
            r,
            1,
            [
                ad,
                proj,
                item,
                b,
                None if o == "blank" else o,
                None if s == "blank" else s,
                num(bb - ss),
                num(rate),
            ],
        )
        if is_flagged(bb, ss):
            flagged[("집행현황", r)] = Flag(ad, proj, item, rate)
    wb.save(path)
    return MoreCase(
        name="missing_amounts",
        shape=_shape(make_missing_amounts),
        path=path,
        lines={"집행현황": 5},
        findings=set(),
        row_findings=row_findings,
        flagged=flagged,
        exit_code=1,
        info_rules={"NO_SETTINGS"},
        debatable="exit 1 for a line without figures (a MISSING 경고 alone may be meant to exit "
        "0; but a line that could not be checked is 'something unread'); a blank 지출액 read "
        "as 0 when 지출잔액 = 예산현액 says so.",
    )


# --------------------------------------------------------------------------------------
# 14. 담당관 printed once (not merged), banded header


def make_dept_once(dir: Path) -> MoreCase:
    """집행현황 with a two-row header (부서 / 세부사업명 / 통계목 / 예산현액 merged down, band
    "집행실적" over 원인행위액 | 지출액, 지출잔액 and 불용률 merged down), 담당관 typed only on
    a department's first line and 세부사업 only on a project's first line (neither merged):
    every flagged line names its department; 검토_미집행 has one heading per 담당관."""
    path = dir / "dept_once.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.title = "집행현황"
    ws["A1"] = "〈스마트도시정책관 70%이상 미집행사업 현황〉"
    ws["H2"] = "(단위 : 천원)"
    for col, text in (
        (1, "부서"),
        (2, "세부사업명"),
        (3, "통계목"),
        (4, "예산현액"),
        (7, "지출잔액"),
        (8, "불용률"),
    ):
        ws.cell(row=3, column=col, value=text).font = BOLD
        ws.merge_cells(start_row=3, start_column=col, end_row=4, end_column=col)
    ws.cell(row=3, column=5, value="집행실적").font = BOLD
    ws.merge_cells("E3:F3")
    ws.cell(row=4, column=5, value="원인행위액").font = BOLD
    ws.cell(row=4, column=6, value="지출액").font = BOLD
    sd, bd, it = "스마트도시담당관", "빅데이터담당관", "정보시스템담당관"
    lines = [
        ln(sd, "엠보팅 서비스 운영", "사무관리비", 1800, 0, 0),
        ln(sd, "사물인터넷 도시조성", "시설비", 663620, 191620, 191620),
        ln(sd, "사물인터넷 도시조성", "자산및물품취득비", 855433, 207433, 207433),
        ln(sd, "디지털배움터 운영", "사무관리비", 391000, 0, 0),
        ln(bd, "서울서베이", "사무관리비", 3030250, 2916370, 0),
        ln(bd, "서울서베이", "전산개발비", 926000, 0, 0),
        ln(bd, "빅데이터 캠퍼스 운영", "행사운영비", 34400, 33729, 0),
        ln(it, "개인정보보호체계 고도화", "연구용역비", 50000, 0, 0),
        ln(it, "개인정보보호체계 고도화", "자산및물품취득비", 192937, 0, 0),
        ln(it, "행정포털 운영", "사무관리비", 80000, 60000, 60000),
    ]
    cols = {k: i + 1 for i, k in enumerate(EXEC_KEYS)}
    w = Written(ws.title, 3, cols)
    prev_dept = prev_proj = None
    for i, x in enumerate(lines):
        r = 5 + i
        put(
            ws,
            r,
            1,
            [
                x.dept if x.dept != prev_dept else None,
                x.project if (x.project, x.dept) != (prev_proj, prev_dept) else None,
                x.item,
                num(x.budget),
                num(x.oblig),
                num(x.spent),
                num(x.balance),
                num(x.rate),
            ],
        )
        prev_dept, prev_proj = x.dept, x.project
        w.line_rows[r] = x
    write_settings(wb, base_settings())
    wb.save(path)
    flags = _flags_of(w)
    return MoreCase(
        name="dept_once",
        shape=_shape(make_dept_once),
        path=path,
        lines={"집행현황": 10, "설정": 7},
        totals={"집행현황": 0},
        findings=set(),
        flagged=flags,
        exit_code=0,
        review=ReviewExpect(exit_code=0, unspent_groups=_groups(flags)),
    )


# --------------------------------------------------------------------------------------
# 15. headers carrying their unit: "(천원)", "(%)"


def make_header_units(dir: Path) -> MoreCase:
    """Headers that carry their unit, as many officers type them: 집행현황 with "예산현액\\n(천원)",
    "지출액(천원)", "지출잔액(천원)", "불용률(%)" and no caption; 사업별증감 with "기정(A)",
    "추경(B)", "증감(B-A)", "증감률(%)"; planted: one 불용률 75.0 for 100.0 (UNSPENT_RATE) and
    one 증감률 9.9 for 0.0 (RATE) — both columns must be recognised and checked."""
    path = dir / "header_units.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.title = "집행현황"
    headers = [
        "담당관",
        "세부사업",
        "통계목",
        "예산현액\n(천원)",
        "지출원인행위액\n(천원)",
        "지출액(천원)",
        "지출잔액(천원)",
        "불용률(%)",
    ]
    dc = "데이터센터"
    rows = [
        ("line", ln(dc, "정보시스템 유지관리", "사무관리비", 24000, 0, 0, rate_shown=D("75.0"))),
        ("line", ln(dc, "정보통신시설 유지관리", "사무관리비", 122400, 20061, 20061)),
        ("line", ln(dc, "클라우드센터 운영", "사무관리비", 12400, 2700, 2700)),
        ("line", ln(dc, "전산장비 운영", "공공운영비", 500000, 400000, 400000)),
    ]
    w = write_execution(ws, 1, 1, EXEC_KEYS, headers, rows)
    bad = next(r for r, x in w.line_rows.items() if x.rate_shown is not None)
    flags = _flags_of(w)
    flags[("집행현황", bad)] = Flag(dc, "정보시스템 유지관리", "사무관리비", None)

    ws2 = wb.create_sheet("사업별")
    put(
        ws2,
        1,
        1,
        ["담당관", "세부사업명", "기정(A)", "추경(B)", "증감(B-A)", "증감률(%)"],
        bold=True,
    )
    projects = [
        ("데이터센터", "정보시스템 유지관리", 2400, 2400),
        ("데이터센터", "정보통신시설 유지관리", 1224, 1100),
        ("데이터센터", "클라우드센터 운영", 124, 150),
    ]
    rate_cell = None
    for i, (dept, proj, g, c) in enumerate(projects):
        rate = change_rate(D(c), D(g))
        shown = tri(rate)
        if c == g:
            shown = 9.9  # planted
            rate_cell = a1(6, 2 + i)
        put(ws2, 2 + i, 1, [dept, proj, g, c, tri(D(c - g)), shown])
    wb.save(path)
    return MoreCase(
        name="header_units",
        shape=_shape(make_header_units),
        path=path,
        lines={"집행현황": 4, "사업별증감": 3},
        findings={
            ("집행현황", w.cell(bad, "불용률"), "UNSPENT_RATE"),
            ("사업별", rate_cell, "RATE"),
        },
        flagged=flags,
        exit_code=1,
        units={"집행현황": "천원"},
        unread=False,
        info_rules={"NO_SETTINGS"},
    )


# --------------------------------------------------------------------------------------
# 16. 통계목증감 with 산출내역 continuation rows, 소계 below, negatives in every form


def make_items_continuation(dir: Path) -> MoreCase:
    """통계목증감 as a flat table (담당관 | 세부사업 | 통계목 | 기정 | 추경 | 증감 | 산출내역),
    세부사업 on a project's first row only, 산출내역 as multi-line cells and running on over
    continuation rows (only 산출내역 text, no 통계목, no amounts), 증감 negatives typed "(1,234)",
    "-1,234", "△ 1,234" and "▲500", a "소 계" row (in 통계목) below each project's items;
    planted: in the second project one 추경 typed 100,000 for 10,000 with its 증감 left right
    (DIFF on the item, SUM on its 소계's 추경)."""
    path = dir / "items_continuation.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.title = "통계목별 증감"
    ws["A1"] = "〈사업별 예산과목 증감내역〉"
    ws["G2"] = "(단위 : 천원)"
    put(ws, 3, 1, ["담당관", "세부사업", "통계목", "기정", "추경", "증감", "산출내역"], bold=True)
    sd = "스마트도시담당관"
    projects = [
        (
            "세계스마트시티기구(WeGo) 운영",
            [
                ("사무관리비", 4800, 4800, None, ["○ 회의비 4,800천원\n - 1,200천원 × 4회"]),
                (
                    "국외업무여비",
                    35000,
                    600,
                    "paren",
                    ["○ 국외출장 감액 △34,400천원", " - 코로나19로 출장 취소", " - 잔액 600천원"],
                ),
                ("행사운영비", 20000, 18766, "minus", ["○ 총회 개최 낙찰차액 △1,234천원"]),
            ],
        ),
        (
            "인공지능 서비스 구축 운영",
            [
                ("사무관리비", 8600, 8600, None, ["○ 사무용품 8,600천원"]),
                (
                    "전산개발비",
                    410000,
                    400000,
                    "tri",
                    ["○ 시스템 개발 400,000천원\n(낙찰차액 감액)"],
                ),
                ("공공운영비", 10500, 10000, "tri_black", ["○ 운영비 감액 △500천원"]),
            ],
        ),
    ]
    r = 4
    lines = 0
    findings = set()
    skipped_rows: set[int] = set()
    for pi, (proj, items) in enumerate(projects):
        g_sum = c_sum = D(0)
        for ii, (item, g, c, neg, calc) in enumerate(items):
            g, c = D(g), D(c)
            diff = c - g
            shown_c: Any = num(c)
            if pi == 1 and item == "공공운영비":
                shown_c = 100000  # planted: an extra zero
                findings.add(("통계목별 증감", a1(6, r), "DIFF"))
            if neg == "paren":
                shown_d: Any = f"({commas(-diff)})"
            elif neg == "minus":
                shown_d = f"-{commas(-diff)}"
            elif neg == "tri":
                shown_d = f"△ {commas(-diff)}"
            elif neg == "tri_black":
                shown_d = f"▲{commas(-diff)}"
            else:
                shown_d = num(diff)
            put(
                ws,
                r,
                1,
                [
                    sd if ii == 0 else None,
                    proj if ii == 0 else None,
                    item,
                    num(g),
                    shown_c,
                    shown_d,
                    calc[0],
                ],
            )
            ws.cell(row=r, column=7).alignment = WRAP
            lines += 1
            g_sum += g
            c_sum += c
            r += 1
            for more in calc[1:]:  # 산출내역 running on
                ws.cell(row=r, column=7, value=more)
                skipped_rows.add(r)
                r += 1
        put(ws, r, 3, ["소 계", num(g_sum), num(c_sum), tri(c_sum - g_sum)], bold=True)
        if pi == 1:
            findings.add(("통계목별 증감", a1(5, r), "SUM"))
        r += 1
    wb.save(path)
    return MoreCase(
        name="items_continuation",
        shape=_shape(make_items_continuation),
        path=path,
        lines={"통계목증감": lines},
        totals={"통계목증감": 2},
        findings=findings,
        flagged={},
        exit_code=1,
        sheets={"통계목증감": {"통계목별 증감"}},
        units={"통계목증감": "천원"},
        info_rules={"NO_SETTINGS"},
    )


# --------------------------------------------------------------------------------------
# 17. summary tables bottom-up: parts first, 소계 below, 총계/합계 at the bottom


def make_summary_bottom_up(dir: Path) -> MoreCase:
    """세출 typed bottom-up (each 회계's rows, then its "소계(…)" below them, "총 계" last)
    and 사업별증감 with its "합 계" at the bottom; planted: 세출 총계 당초 100 too high (SUM
    on that cell), and the 사업별 합계 leaves out its last project (500/500/500: SUM on
    당초, 기정, 추경). No other finding."""
    path = dir / "summary_bottom_up.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.title = "세출"
    ws["A1"] = "〈2021년도 제2회 추경예산안 세출 규모〉"
    ws["G2"] = "(단위 : 백만원, %)"
    put(ws, 3, 1, ["구분", "세부", "당초", "기정", "추경", "증감", "증감율"], bold=True)
    gen = [
        ("일반회계", "행정운영경비", 727, 727, 727),
        ("일반회계", "재무활동", 3, 94, 94),
        ("일반회계", "사업비", 96894, 104648, 104054),
    ]
    spc = [
        ("도시개발특별회계", "재무활동", 0, 2000, 2000),
        ("도시개발특별회계", "사업비", 2964, 2964, 2964),
    ]

    def sums(parts):
        return tuple(sum(p[i] for p in parts) for i in (2, 3, 4))

    r = 4
    for account, parts in (("일반회계", gen), ("도시개발특별회계", spc)):
        for row in _summary_rows(parts):
            put(ws, r, 1, row)
            r += 1
        d, g, c = sums(parts)
        put(ws, r, 1, _summary_rows([(f"소계({account})", None, d, g, c)])[0], bold=True)
        r += 1
    d, g, c = sums(gen + spc)
    total = _summary_rows([("총 계", None, d, g, c)])[0]
    total[2] = d + 100  # planted
    put(ws, r, 1, total, bold=True)
    sum_cell = a1(3, r)

    ws2 = wb.create_sheet("사업별")
    ws2["A1"] = "○ 추가경정예산 주요 사업별 예산 증감내역"
    ws2["H2"] = "(단위 : 백만원, %)"
    put(ws2, 3, 1, ["담당관", "세부사업", "당초", "기정", "추경", "증감", "증감율"], bold=True)
    projects = [
        ("스마트도시담당관", "세계스마트시티 기구 운영", 699, 699, 665),
        ("정보시스템담당관", "인공지능 서비스 구축 운영", 720, 720, 520),
        ("공간정보담당관", "드론공간정보 운영", 706, 706, 656),
        ("공간정보담당관", "공간정보 품질관리", 500, 500, 500),
    ]
    r = 4
    for dept, proj, d, g, c in projects:
        put(ws2, r, 1, [dept, proj, d, g, c, tri(D(c - g)), tri(change_rate(D(c), D(g)))])
        r += 1
    d, g, c = (sum(p[i] for p in projects[:-1]) for i in (2, 3, 4))  # planted: last left out
    put(ws2, r, 1, ["합 계", None, d, g, c, tri(D(c - g)), tri(change_rate(D(c), D(g)))], bold=True)
    ws2.merge_cells(start_row=r, start_column=1, end_row=r, end_column=2)
    write_settings(wb, base_settings())
    wb.save(path)
    return MoreCase(
        name="summary_bottom_up",
        shape=_shape(make_summary_bottom_up),
        path=path,
        lines={"세출": 5, "사업별증감": 4, "설정": 7},
        totals={"세출": 3, "사업별증감": 1},
        findings={
            ("세출", sum_cell, "SUM"),
            ("사업별", a1(3, r), "SUM"),
            ("사업별", a1(4, r), "SUM"),
            ("사업별", a1(5, r), "SUM"),
        },
        flagged={},
        exit_code=1,
        sheets={"세출": {"세출"}, "사업별증감": {"사업별"}},
    )


# --------------------------------------------------------------------------------------
# 18. a workbook saved by LibreOffice: shared strings, formulas computed by Calc


def make_libreoffice_saved(dir: Path) -> MoreCase:
    """집행현황 with formulas (지출잔액 =D−F, 불용률 =ROUND(…), 소계 =SUM per project, 합 계 =SUM
    of the 소계s), header "예산현액(가)" etc., saved by LibreOffice Calc (shared strings, its
    own styles, cached values computed by Calc); nothing wrong: exit 0. (Without LibreOffice
    the cached values are written as Excel would.)"""
    path = dir / "libreoffice_saved.xlsx"
    raw = dir / "libreoffice_source.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.title = "미집행"
    ws["A1"] = "〈정보시스템담당관 미집행사업 현황〉"
    ws["G2"] = "(단위 : 천원)"
    keys = ["세부사업", "통계목", "예산현액", "지출원인행위액", "지출액", "지출잔액", "불용률"]
    headers = [
        "세부사업명",
        "통계목",
        "예산현액 (가)",
        "지출 원인행위액",
        "지출액(나)",
        "지출잔액 다=(가-나)",
        "불용률 다/가",
    ]
    put(ws, 3, 1, headers, bold=True)
    cols = {k: i + 1 for i, k in enumerate(keys)}
    it = "정보시스템담당관"
    projects = [
        ("공통행정시스템 운영", [("사무관리비", 53600, 50500, 13100), ("공공운영비", 20000, 0, 0)]),
        (
            "개인정보보호체계 고도화",
            [
                ("사무관리비", 29650, 6600, 6600),
                ("연구용역비", 50000, 0, 0),
                ("자산및물품취득비", 192937, 0, 0),
            ],
        ),
    ]
    w = Written(ws.title, 3, cols)
    r = 4
    sub_rows = []
    for proj, items in projects:
        first = r
        for i, (item, b, o, s) in enumerate(items):
            line = Line(it, proj, item, D(b), D(o), D(s))
            put(ws, r, 1, [proj if i == 0 else None, item, b, o, s])
            w.line_rows[r] = line
            r += 1
        put(ws, r, 2, ["소계"], bold=True)
        for k in ("예산현액", "지출원인행위액", "지출액"):
            col = get_column_letter(cols[k])
            ws.cell(row=r, column=cols[k], value=f"=SUM({col}{first}:{col}{r - 1})")
        w.total_rows.append(r)
        sub_rows.append(r)
        r += 1
    put(ws, r, 1, ["합 계"], bold=True)
    for k in ("예산현액", "지출원인행위액", "지출액"):
        col = get_column_letter(cols[k])
        ws.cell(row=r, column=cols[k], value="=" + "+".join(f"{col}{x}" for x in sub_rows))
    w.total_rows.append(r)
    for row in [*w.line_rows, *w.total_rows]:
        b, s = a1(cols["예산현액"], row), a1(cols["지출액"], row)
        ws.cell(row=row, column=cols["지출잔액"], value=f"={b}-{s}")
        ws.cell(row=row, column=cols["불용률"], value=f'=IF({b}>0,ROUND(({b}-{s})/{b}*100,1),"")')
    wb.save(raw)
    office = soffice_path()
    if office:
        with tempfile.TemporaryDirectory() as tmp:
            subprocess.run(
                [
                    office,
                    "--headless",
                    "--norestore",
                    f"-env:UserInstallation=file://{tmp}/profile",
                    "--convert-to",
                    "xlsx",
                    "--outdir",
                    str(Path(tmp) / "out"),
                    str(raw),
                ],
                check=True,
                capture_output=True,
                timeout=120,
                env={**os.environ, "HOME": tmp},
            )
            shutil.copy(Path(tmp) / "out" / raw.name, path)
    else:  # cached values as Excel would store them
        shutil.copy(raw, path)
        values: dict[str, Any] = {}
        for row, line in w.line_rows.items():
            values[a1(cols["지출잔액"], row)] = line.budget - line.spent
            values[a1(cols["불용률"], row)] = line.rate
        covered = {
            sub_rows[0]: [x for x in w.line_rows if x < sub_rows[0]],
            sub_rows[1]: [x for x in w.line_rows if sub_rows[0] < x < sub_rows[1]],
            w.total_rows[-1]: list(w.line_rows),
        }
        for row, rows_ in covered.items():
            b = sum(w.line_rows[x].budget for x in rows_)
            o = sum(w.line_rows[x].oblig for x in rows_)
            s = sum(w.line_rows[x].spent for x in rows_)
            for k, v in (
                ("예산현액", b),
                ("지출원인행위액", o),
                ("지출액", s),
                ("지출잔액", b - s),
                ("불용률", unspent_rate(b, s)),
            ):
                values[a1(cols[k], row)] = v
        cache_values(path, 1, values)
    raw.unlink()
    return MoreCase(
        name="libreoffice_saved",
        shape=_shape(make_libreoffice_saved),
        path=path,
        lines={"집행현황": 5},
        totals={"집행현황": 3},
        findings=set(),
        # no 담당관 column and no department row: the department is not compared
        flagged={k: Flag(None, f.project, f.item, f.rate) for k, f in _flags_of(w).items()},
        exit_code=0,
        units={"집행현황": "천원"},
        info_rules={"NO_SETTINGS"},
    )


# --------------------------------------------------------------------------------------
# 19. 정보화사업 with 연번, 담당부서, dates and a 합계 row


def make_it_projects_total(dir: Path) -> MoreCase:
    """정보화사업 as an officer lists it: 연번 | 사업명 | 담당부서 | 사업기간 | 사업예산,
    사업기간 typed every way ("2021.1.~12.", a date cell, 2021.3 turned into a number by
    Excel), a "합 계" row at the bottom (연번 blank): 5 lines, the 합계 no line, no finding."""
    path = dir / "it_projects_total.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.title = "정보화사업"
    ws["A1"] = "붙임 1  2021년 정보화사업 목록"
    ws["E2"] = "(단위 : 천원)"
    put(ws, 3, 1, ["연번", "사업명", "담당부서", "사업기간", "사업예산"], bold=True)
    projects = [
        ("도시데이터센터 유지관리", "스마트도시담당관", "2021.1.~12.", 273112),
        ("IoT 도시데이터시스템 유지관리", "스마트도시담당관", _dt.datetime(2021, 1, 1), 169371),
        ("s-map플랫폼 고도화", "공간정보담당관", 2021.3, 1200000),
        ("모바일오피스 유지관리", "정보시스템담당관", "2021.1.~2021.12.", 62907),
        ("다기능사무기기 보급", "정보시스템담당관", "'21.1.~'21.12.", 2917420),
    ]
    for i, (name, dept, period, budget) in enumerate(projects):
        put(ws, 4 + i, 1, [i + 1, name, dept, period, budget])
        ws.cell(row=4 + i, column=5).number_format = "#,##0"
    total_row = 4 + len(projects)
    put(ws, total_row, 2, ["합 계", None, None, sum(p[3] for p in projects)], bold=True)
    write_settings(wb, base_settings())
    wb.save(path)
    return MoreCase(
        name="it_projects_total",
        shape=_shape(make_it_projects_total),
        path=path,
        lines={"정보화사업": 5, "설정": 7},
        totals={"정보화사업": 1},
        findings=set(),
        flagged={},
        exit_code=0,
        units={"정보화사업": "천원"},
    )


MAKERS: list[Callable[[Path], MoreCase]] = [
    make_serial_code_note,
    make_text_forms,
    make_dept_subtotals,
    make_baekman_decimals,
    make_side_by_side,
    make_two_kinds_stacked,
    make_excel_table_totals,
    make_formulas_uncached,
    make_hidden_rows_cols,
    make_settings_percent,
    make_stray_far_below,
    make_outline_projects,
    make_missing_amounts,
    make_dept_once,
    make_header_units,
    make_items_continuation,
    make_summary_bottom_up,
    make_libreoffice_saved,
    make_it_projects_total,
]


def build_all(dir: Path) -> list[MoreCase]:
    dir.mkdir(parents=True, exist_ok=True)
    return [make(dir) for make in MAKERS]


if __name__ == "__main__":  # python -m tests.corpus.more_books DIR
    import sys

    out = Path(sys.argv[1] if len(sys.argv) > 1 else "more_out")
    for case in build_all(out):
        print(
            f"{case.name:22} {case.path}  lines={case.lines} findings={len(case.findings)} "
            f"flagged={len(case.flagged)} exit={case.exit_code}"
        )
