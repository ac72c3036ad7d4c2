"""Officer-style workbooks for the reading corpus, with their expected results.

Each ``make_<name>(dir) -> Case`` writes one workbook the way a council officer types it
(captions, department rows, project names only on their first row, merged cells, banded
headers, 소계/합 계 rows, blank rows, notes, text numbers, percent-formatted fractions …)
and returns what ``xlbudget check --json`` must report for it.

Every expected figure is computed here, from the numbers put in, with ``decimal.Decimal``
(rates: ROUND_HALF_UP to one decimal, as Excel's ROUND). Nothing here imports xlbudget.
The shapes come from the seed report (../shared/seed), DOMAIN.md and issue 10, not from
xlbudget's reader.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

D = Decimal
ONE_DECIMAL = D("0.1")
ZERO = D(0)

# The documented severity of each rule (docs/review.md, issue 10).
SEVERITY = {
    "SUM": "error",
    "DIFF": "error",
    "RATE": "error",
    "RATE_ZERO_BASE": "error",
    "MISSING": "warning",
    "BALANCE": "error",
    "UNSPENT_RATE": "error",
    "BUDGET_NOT_POSITIVE": "warning",
    "SPENT_OVER_BUDGET": "warning",
    "SPENT_OVER_OBLIGATION": "warning",
    "NOT_NUMBER": "error",
    "READ_UNREAD": "warning",
    "COLUMN_UNREAD": "warning",
    "UNIT": "warning",
}
# Rules that point at a whole row (a table that could not be read): only the row is compared.
ROW_RULES = frozenset({"READ_UNREAD"})
THRESHOLD = D("70")


# --------------------------------------------------------------------------------------
# arithmetic (Decimal only)


def r1(x: Decimal) -> Decimal:
    """One decimal, half up (Excel's ROUND(x, 1))."""
    return x.quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


def r0(x: Decimal) -> Decimal:
    return x.quantize(D("1"), rounding=ROUND_HALF_UP)


def unspent_rate(budget: Decimal, spent: Decimal) -> Decimal | None:
    """불용률 = (예산현액 − 지출액) / 예산현액 × 100, one decimal; none over a budget ≤ 0."""
    if budget <= 0:
        return None
    return r1((budget - spent) / budget * 100)


def change_rate(new: Decimal, base: Decimal) -> Decimal | None:
    """증감율 = (new − base) / base × 100, one decimal; blank over a zero base."""
    if base == 0:
        return None
    return r1((new - base) / base * 100)


def is_flagged(budget: Decimal, spent: Decimal, threshold: Decimal = THRESHOLD) -> bool:
    rate = unspent_rate(budget, spent)
    return rate is not None and rate >= threshold


def num(x: Decimal | None) -> int | float | None:
    """A Decimal as the number a cell holds."""
    if x is None:
        return None
    return int(x) if x == x.to_integral_value() else float(x)


def commas(x: Decimal) -> str:
    """1234567 → '1,234,567'; negatives with △ (as officers type them)."""
    sign = "△" if x < 0 else ""
    x = abs(x)
    if x == x.to_integral_value():
        return f"{sign}{int(x):,}"
    whole, frac = f"{x}".split(".")
    return f"{sign}{int(whole):,}.{frac}"


def tri(x: Decimal | None) -> str | int | float | None:
    """A negative as △-text, a positive as a number: how the report's tables are typed."""
    if x is None:
        return None
    return commas(x) if x < 0 else num(x)


def korean_baekman(n: int) -> str:
    """An amount in 백만원 as the report writes it: 110433 → '1,104억 3천 3백만원'."""
    eok, rest = divmod(n, 100)
    parts = []
    if eok:
        parts.append(f"{eok:,}억")
    if rest:
        cheon, baek = divmod(rest, 10)
        small = ""
        if cheon:
            small += f"{cheon}천"
        if baek:
            small += (" " if cheon else "") + f"{baek}백"
        parts.append(small + "만원")
        return " ".join(parts)
    return parts[0] + "원"


# --------------------------------------------------------------------------------------
# the expectations


@dataclass(frozen=True)
class Flag:
    """A flagged line: what xlbudget must say about it (None: not compared)."""

    department: str | None
    project: str | None
    item: str | None
    rate: Decimal | None


@dataclass
class ReviewExpect:
    """What ``review`` must produce for the workbook."""

    exit_code: int
    # 검토_미집행: department headings in order, and the number of lines under each.
    unspent_groups: list[tuple[str, int]] | None = None
    # Sentences (spaces removed before comparing): each tuple is (must contain all of,
    # must contain none of) for at least one sentence.
    sentences: list[tuple[tuple[str, ...], tuple[str, ...]]] = field(default_factory=list)
    # A caption that must appear in 검토_미집행, e.g. "(단위 : 원)".
    unspent_caption: str | None = None


@dataclass
class Case:
    name: str
    shape: str  # one line: what this workbook covers
    path: Path
    lines: dict[str, int]  # table kind → lines read (every kind read, and only those)
    findings: set[tuple[str, str, str]]  # (sheet, cell, rule) of severity 오류/경고
    flagged: dict[tuple[str, int], Flag]  # (sheet, row 1-based) → the flagged line
    exit_code: int
    totals: dict[str, int] = field(default_factory=dict)  # table kind → 합계/소계 rows
    sheets: dict[str, set[str]] = field(default_factory=dict)  # kind → sheets read from
    skipped: dict[str, set[int]] = field(default_factory=dict)  # kind → rows to be listed
    units: dict[str, str] = field(default_factory=dict)  # kind → unit
    unrecognised: dict[str, set[str]] = field(default_factory=dict)  # kind → header texts
    # reading.unread: True must name something, False must be empty, None not asserted
    unread: bool | None = False
    # texts that must all appear in one entry of the reading summary (a table's notes or
    # places, or an unread line): e.g. which of two tables was read
    reading_mentions: list[tuple[str, ...]] = field(default_factory=list)
    info_rules: set[str] = field(default_factory=set)  # 참고 findings that must be there
    review: ReviewExpect | None = None


# --------------------------------------------------------------------------------------
# writing helpers

BOLD = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="center", horizontal="center")


def put(ws, row: int, col: int, values: list[Any], bold: bool = False) -> None:
    for i, v in enumerate(values):
        if v is None:
            continue
        c = ws.cell(row=row, column=col + i, value=v)
        if bold:
            c.font = BOLD


def a1(col: int, row: int) -> str:
    return f"{get_column_letter(col)}{row}"


def write_settings(wb: Workbook, items: dict[str, Any], title: str = "설정") -> None:
    ws = wb.create_sheet(title)
    ws["A1"] = "검토 설정"
    ws["A1"].font = BOLD
    put(ws, 3, 1, ["항목", "값", "설명"], bold=True)
    for i, (k, v) in enumerate(items.items()):
        put(ws, 4 + i, 1, [k, v])
    ws.column_dimensions["A"].width = 14
    ws.column_dimensions["B"].width = 20


@dataclass
class Line:
    dept: str
    project: str
    item: str
    budget: Decimal
    oblig: Decimal | None
    spent: Decimal
    # shown 지출잔액 − (예산현액 − 지출액): a planted error, or rounding
    balance_delta: Decimal = ZERO
    rate_shown: Decimal | None = None  # a planted 불용률 (else the correct one)
    show_project: bool = True  # False: the project's name is not repeated on this row

    @property
    def balance(self) -> Decimal:
        return self.budget - self.spent + self.balance_delta

    @property
    def rate(self) -> Decimal | None:
        return unspent_rate(self.budget, self.spent)


def L(dept, project, item, budget, oblig, spent, **kw) -> Line:
    return Line(dept, project, item, D(budget), None if oblig is None else D(oblig), D(spent), **kw)


@dataclass
class Written:
    """Where an execution table went: rows by kind and every line's row."""

    sheet: str
    header_row: int
    cols: dict[str, int]
    line_rows: dict[int, Line] = field(default_factory=dict)
    total_rows: list[int] = field(default_factory=list)
    skip_rows: set[int] = field(default_factory=set)  # department, blank, repeated header
    total_dept: dict[int, str] = field(default_factory=dict)  # 소계 row → its department

    def cell(self, row: int, key: str) -> str:
        return a1(self.cols[key], row)

    def flags(self, threshold: Decimal = THRESHOLD) -> dict[tuple[str, int], Flag]:
        return {
            (self.sheet, row): Flag(ln.dept, ln.project, ln.item, ln.rate)
            for row, ln in self.line_rows.items()
            if is_flagged(ln.budget, ln.spent, threshold)
        }


AMOUNT_KEYS = ("예산현액", "지출원인행위액", "지출액", "지출잔액")


def write_execution(
    ws,
    header_row: int,
    left: int,
    keys: list[str],
    headers: list[str],
    rows: list[tuple],
    amount: Callable[[Decimal], Any] = num,
    rate: Callable[[Decimal | None], Any] = num,
    rate_format: str | None = "0.0",
) -> Written:
    """Write an execution table; ``rows`` are ("line", Line) | ("dept", name) | ("blank",)
    | ("header",) | ("subtotal", label key, label, {key: delta}) | ("total", label key,
    label, {key: delta}, merge_to_key). A 소계 covers the lines since the previous 소계 or
    department row; a 합계 covers every line of the table (wherever it stands).
    """
    cols = {k: left + i for i, k in enumerate(keys)}
    w = Written(ws.title, header_row, cols)
    put(ws, header_row, left, headers, bold=True)
    for i in range(len(keys)):
        ws.cell(row=header_row, column=left + i).alignment = WRAP
    row = header_row + 1
    since: list[Line] = []  # lines since the last 소계 / department row
    pending_totals: list[tuple[int, tuple]] = []

    def write_sums(r: int, covered: list[Line], label_key: str, label: str, delta: dict) -> None:
        b = sum((ln.budget for ln in covered), D(0)) + delta.get("예산현액", D(0))
        o = sum((ln.oblig or D(0) for ln in covered), D(0)) if "지출원인행위액" in cols else None
        s = sum((ln.spent for ln in covered), D(0)) + delta.get("지출액", D(0))
        bal = sum((ln.balance for ln in covered), D(0)) + delta.get("지출잔액", D(0))
        values = {"예산현액": b, "지출원인행위액": o, "지출액": s, "지출잔액": bal}
        ws.cell(row=r, column=cols[label_key], value=label).font = BOLD
        for k in AMOUNT_KEYS:
            if k in cols and values[k] is not None:
                ws.cell(row=r, column=cols[k], value=amount(values[k])).font = BOLD
        if "불용률" in cols:
            c = ws.cell(row=r, column=cols["불용률"], value=rate(unspent_rate(b, s)))
            if rate_format:
                c.number_format = rate_format

    for spec in rows:
        kind = spec[0]
        if kind == "line":
            ln: Line = spec[1]
            values = {
                "담당관": ln.dept,
                "세부사업": ln.project if ln.show_project else None,
                "통계목": ln.item,
                "예산현액": amount(ln.budget),
                "지출원인행위액": None if ln.oblig is None else amount(ln.oblig),
                "지출액": amount(ln.spent),
                "지출잔액": amount(ln.balance),
                "불용률": rate(ln.rate_shown if ln.rate_shown is not None else ln.rate),
            }
            for k in keys:
                if values.get(k) is not None:
                    c = ws.cell(row=row, column=cols[k], value=values[k])
                    if k == "불용률" and rate_format:
                        c.number_format = rate_format
                    elif k in AMOUNT_KEYS and isinstance(values[k], (int, float)):
                        c.number_format = "#,##0"
            w.line_rows[row] = ln
            since.append(ln)
        elif kind == "dept":
            c = ws.cell(row=row, column=left, value=spec[1])
            c.font = BOLD
            ws.merge_cells(
                start_row=row, start_column=left, end_row=row, end_column=left + len(keys) - 1
            )
            w.skip_rows.add(row)
            since = []
        elif kind == "blank":
            w.skip_rows.add(row)
        elif kind == "header":
            put(ws, row, left, headers, bold=True)
            w.skip_rows.add(row)
        elif kind == "subtotal":
            _, label_key, label, delta = spec
            write_sums(row, since, label_key, label, delta)
            w.total_rows.append(row)
            since = []
        elif kind == "total":
            pending_totals.append((row, spec))
            w.total_rows.append(row)
        else:  # pragma: no cover
            raise ValueError(kind)
        row += 1
    for r, (_, label_key, label, delta, merge_to) in pending_totals:
        write_sums(r, list(w.line_rows.values()), label_key, label, delta)
        if merge_to:
            ws.merge_cells(
                start_row=r, start_column=cols[label_key], end_row=r, end_column=cols[merge_to]
            )
    for k, c in cols.items():
        ws.column_dimensions[get_column_letter(c)].width = 22 if k == "세부사업" else 13
    return w


EXEC_KEYS = [
    "담당관",
    "세부사업",
    "통계목",
    "예산현액",
    "지출원인행위액",
    "지출액",
    "지출잔액",
    "불용률",
]
EXEC_HEADERS = [
    "담당관",
    "세부사업",
    "통계목",
    "예산현액",
    "지출원인행위액",
    "지출액",
    "지출잔액",
    "불용률",
]


def base_settings(**over: Any) -> dict[str, Any]:
    items: dict[str, Any] = {
        "소관": "스마트도시정책관",
        "회계연도": 2021,
        "회차": "제2회",
        "기준일": _dt.datetime(2021, 7, 31),
        "금액단위": "천원",
        "요약단위": "백만원",
        "미집행기준": 70,
    }
    items.update(over)
    return items


# --------------------------------------------------------------------------------------
# 1. the report's own execution table


def make_report_execution(dir: Path) -> Case:
    """〈미집행사업 현황〉 as the report prints it: caption, (단위 : 천원), the report's headers
    (가)/(나)/다=(가-나)/다/가, department alone on a row, project name on its first row only,
    소계 per project (in the 통계목 column), a blank row and a page-break repeated header
    inside, 합 계 at the end. Two 지출잔액 one 천원 off (rounding, as in the seed): no finding,
    also not on the 합 계 whose 지출잔액 is the sum of the shown ones (2 off)."""
    path = dir / "report_execution.xlsx"
    wb = Workbook()
    cover = wb.active
    cover.title = "표지"
    cover["B3"] = "2021년도 제2회 스마트도시정책관 소관 추가경정예산안 검토보고 자료"
    ws = wb.create_sheet("미집행현황")
    ws["A1"] = "〈 스마트도시정책관 70%이상 미집행사업 현황(2021. 7. 31. 기준) 〉"
    ws.merge_cells("A1:G1")
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
    sd, bd = "스마트도시담당관", "빅데이터담당관"
    p1, p2, p3, p4 = (
        "엠보팅 서비스 운영",
        "블록체인 기반 공유행정 도입",
        "스마트도시 민·관 협력",
        "디지털배움터 운영",
    )
    p5, p6 = "서울서베이", "빅데이터 캠퍼스 운영"
    sub = ("subtotal", "통계목", "소계", {})
    rows = [
        ("dept", sd),
        ("line", L(sd, p1, "사무관리비", 1800, 0, 0)),
        sub,
        ("line", L(sd, p2, "사무관리비", 18000, 2360, 2360, balance_delta=D(1))),
        ("line", L(sd, p2, "행사운영비", 10000, 0, 0, show_project=False)),
        sub,
        ("line", L(sd, p3, "사무관리비", 355000, 111184, 49114, balance_delta=D(1))),
        ("line", L(sd, p3, "자치단체경상보조금", 60000, 0, 0, show_project=False)),
        ("line", L(sd, p3, "행사운영비", 100000, 1000, 0, show_project=False)),
        ("line", L(sd, p3, "시설비", 200000, 150000, 110000, show_project=False)),
        sub,
        # 69.95% → 70.0 (flagged); 69.94% → 69.9 (not)
        ("line", L(sd, p4, "사무관리비", 2000, 601, 601)),
        ("line", L(sd, p4, "일반운영비", 10000, 3006, 3006, show_project=False)),
        sub,
        ("blank",),
        ("header",),
        ("dept", bd),
        ("line", L(bd, p5, "사무관리비", 3030250, 2916370, 0)),
        ("line", L(bd, p5, "전산개발비", 926000, 0, 0, show_project=False)),
        sub,
        ("line", L(bd, p6, "사무관리비", 21100, 19520, 3000)),
        # 618,247 / 854,512 = 72.3505…% → 72.4
        ("line", L(bd, p6, "공공운영비", 854512, 786906, 236265, show_project=False)),
        ("line", L(bd, p6, "행사운영비", 34400, 33729, 0, show_project=False)),
        ("line", L(bd, p6, "국내여비", 50000, 40000, 40000, show_project=False)),
        sub,
        ("total", "세부사업", "합 계", {}, "통계목"),
    ]
    w = write_execution(ws, 3, 1, keys, headers, rows)
    write_settings(wb, base_settings())
    wb.save(path)
    flags = w.flags()
    return Case(
        name="report_execution",
        shape=" ".join(make_report_execution.__doc__.split()),
        path=path,
        lines={"집행현황": len(w.line_rows), "설정": 7},
        totals={"집행현황": len(w.total_rows)},
        findings=set(),
        flagged=flags,
        exit_code=0,
        sheets={"집행현황": {"미집행현황"}},
        skipped={"집행현황": w.skip_rows},
        units={"집행현황": "천원"},
        review=ReviewExpect(
            exit_code=0,
            unspent_groups=_groups(flags),
        ),
    )


def _groups(flags: dict[tuple[str, int], Flag]) -> list[tuple[str, int]]:
    """Departments in order of first appearance, with their flagged lines."""
    out: dict[str, int] = {}
    for key in sorted(flags, key=lambda k: (k[0], k[1])):
        dept = flags[key].department or ""
        out[dept] = out.get(dept, 0) + 1
    return list(out.items())


# --------------------------------------------------------------------------------------
# 2. 담당관 and 세부사업 merged down, 합 계 on top, 소계 only under multi-line projects


def make_project_merged(dir: Path) -> Case:
    """집행현황 with 담당관 and 세부사업 merged down over their rows, 합 계 first, 소계 only
    under projects of several 통계목 (label in the 세부사업 column); planted: one 소계 whose
    예산현액 and 지출잔액 are 100 more than its project's lines (two SUM)."""
    path = dir / "project_merged.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.title = "집행현황"
    ws["A1"] = "〈미집행사업 현황〉"
    ws["H2"] = "(단위 : 천원, %)"
    it, gs = "정보시스템담당관", "공간정보담당관"
    rows = [
        ("total", "담당관", "합 계", {}, "통계목"),
        ("line", L(it, "공통행정시스템 운영", "사무관리비", 53600, 50500, 13100)),
        ("line", L(it, "개인정보보호체계 고도화", "사무관리비", 29650, 6600, 6600)),
        ("line", L(it, "개인정보보호체계 고도화", "연구용역비", 50000, 0, 0)),
        ("line", L(it, "개인정보보호체계 고도화", "자산및물품취득비", 192937, 0, 0)),
        ("subtotal", "세부사업", "소계", {}),
        ("line", L(it, "정보기술아키텍처(EA) 운영", "사무관리비", 2000, 0, 0)),
        ("line", L(it, "행정포털 운영", "전산개발비", 226343, 200000, 150000)),
        ("line", L(it, "행정포털 운영", "사무관리비", 80000, 20000, 20000)),
        ("subtotal", "세부사업", "소계", {}),
        ("line", L(gs, "지도정보 플랫폼 고도화 구축", "사무관리비", 35600, 9400, 9400)),
        ("line", L(gs, "지도정보 플랫폼 고도화 구축", "공공운영비", 200800, 200800, 50200)),
        ("subtotal", "세부사업", "소계", {"예산현액": D(100), "지출잔액": D(100)}),
        ("line", L(gs, "스마트 불편신고 운영", "사무관리비", 1200, 0, 0)),
        ("line", L(gs, "드론공간정보 운영", "사무관리비", 550058, 376600, 1600)),
    ]
    # A 소계 here covers its own project only: write it with the right scope.
    w = _write_scoped(ws, rows)
    # merge 담당관 down over each department's rows (소계 rows included), 세부사업 over a
    # project's 통계목 rows; clear the cells a merge hides first.
    _merge_down(ws, w, "담당관", lambda r: w.line_rows[r].dept if r in w.line_rows else None)
    _merge_down(ws, w, "세부사업", lambda r: w.line_rows[r].project if r in w.line_rows else None)
    wb.save(path)
    bad = w.total_rows[3]  # the third 소계 (지도정보 플랫폼)
    return Case(
        name="project_merged",
        shape=" ".join(make_project_merged.__doc__.split()),
        path=path,
        lines={"집행현황": len(w.line_rows)},
        totals={"집행현황": len(w.total_rows)},
        findings={
            ("집행현황", w.cell(bad, "예산현액"), "SUM"),
            ("집행현황", w.cell(bad, "지출잔액"), "SUM"),
        },
        flagged=w.flags(),
        exit_code=1,
        sheets={"집행현황": {"집행현황"}},
        units={"집행현황": "천원"},
        info_rules={"NO_SETTINGS"},
    )


def _write_scoped(ws, rows: list[tuple]) -> Written:
    """write_execution, but a 소계 covers only the lines of the project just above it."""
    cols = {k: 1 + i for i, k in enumerate(EXEC_KEYS)}
    w = Written(ws.title, 3, cols)
    put(ws, 3, 1, EXEC_HEADERS, bold=True)
    row = 4
    totals: list[tuple[int, tuple]] = []
    for spec in rows:
        if spec[0] == "line":
            ln = spec[1]
            vals = [
                ln.dept,
                ln.project,
                ln.item,
                num(ln.budget),
                num(ln.oblig),
                num(ln.spent),
                num(ln.balance),
                num(ln.rate),
            ]
            put(ws, row, 1, vals)
            ws.cell(row=row, column=8).number_format = "0.0"
            w.line_rows[row] = ln
        else:
            totals.append((row, spec))
            w.total_rows.append(row)
        row += 1
    line_items = sorted(w.line_rows.items())
    for r, spec in totals:
        _, label_key, label, delta = spec[:4]
        if spec[0] == "total":
            covered = [ln for _, ln in line_items]
        else:
            above = [ln for lr, ln in line_items if lr < r]
            project = above[-1].project
            covered = []
            for ln in reversed(above):
                if ln.project != project:
                    break
                covered.append(ln)
            # the department of a 소계 row (the merged 담당관 cell covers it)
            w.total_dept[r] = above[-1].dept
        b = sum((ln.budget for ln in covered), D(0)) + delta.get("예산현액", D(0))
        o = sum((ln.oblig for ln in covered), D(0))
        s = sum((ln.spent for ln in covered), D(0))
        bal = sum((ln.balance for ln in covered), D(0)) + delta.get("지출잔액", D(0))
        ws.cell(row=r, column=cols[label_key], value=label).font = BOLD
        put(ws, r, 4, [num(b), num(o), num(s), num(bal), num(unspent_rate(b, s))], bold=True)
        ws.cell(row=r, column=8).number_format = "0.0"
        if spec[0] == "total" and spec[4]:
            ws.merge_cells(
                start_row=r, start_column=cols[label_key], end_row=r, end_column=cols[spec[4]]
            )
    return w


def _merge_down(ws, w: Written, key: str, value_of: Callable[[int], str | None]) -> None:
    """Merge equal consecutive values of ``key`` down; a 소계 row joins the 담당관 run."""
    col = w.cols[key]
    first = w.header_row + 1
    last = max([*w.line_rows, *w.total_rows])
    dept_of_total = w.total_dept
    run_start, run_value = None, None

    def close(end: int) -> None:
        if run_start is not None and end > run_start:
            for r in range(run_start + 1, end + 1):
                ws.cell(row=r, column=col).value = None
            ws.merge_cells(start_row=run_start, start_column=col, end_row=end, end_column=col)

    for r in range(first, last + 2):
        v = value_of(r) if r <= last else None
        if v is None and key == "담당관" and r in dept_of_total:
            v = dept_of_total[r]
        if v is not None and v == run_value:
            continue
        close(r - 1)
        run_start, run_value = (r, v) if v is not None else (None, None)


# --------------------------------------------------------------------------------------
# 3. full-width headers, 불용률 as percent-formatted fractions


def make_fullwidth_percent(dir: Path) -> Case:
    """Headers typed with full-width forms and line breaks (예산현액（가）,
    지출잔액　다＝（가－나）, 불용률　다／가, 부서명/세부사업명/통계목명),
    불용률 stored as fractions shown with a percent format (0.836 → 83.6%);
    planted: one 지출잔액 100 off (BALANCE), one 불용률 75.0% that must be 100.0%
    (UNSPENT_RATE)."""
    path = dir / "fullwidth_percent.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    headers = [
        "부서명",
        "세부사업명",
        "통계목명",
        "예산현액\n（가）",
        "지출원인행위액",
        "지출액（나）",
        "지출잔액　다＝（가－나）",
        "불용률　다／가",
    ]
    dc = "데이터센터"
    rows = [
        ("line", L(dc, "정보시스템 유지관리", "사무관리비", 24000, 0, 0)),
        ("line", L(dc, "정보통신시설 유지관리", "사무관리비", 122400, 20061, 20061)),
        ("line", L(dc, "정보통신시설 유지관리", "자산및물품취득비", 342744, 60013, 0)),
        (
            "line",
            L(
                dc,
                "정보자원 통합 관리",
                "자산및물품취득비",
                7994213,
                18550,
                18550,
                balance_delta=D(100),
            ),
        ),
        ("line", L(dc, "클라우드센터 운영", "사무관리비", 12400, 2700, 2700)),
        ("line", L(dc, "클라우드센터 운영", "시설비", 1124339, 0, 0, rate_shown=D("75.0"))),
        ("line", L(dc, "전산장비 운영", "공공운영비", 500000, 400000, 400000)),
        ("line", L(dc, "전산장비 운영", "사무관리비", 10000, 10000, 10000)),
    ]

    def fraction(x: Decimal | None) -> float | None:
        return None if x is None else float(x / 100)

    w = write_execution(ws, 1, 1, EXEC_KEYS, headers, rows, rate=fraction, rate_format="0.0%")
    wb.save(path)
    rows_by_item = {(ln.project, ln.item): r for r, ln in w.line_rows.items()}
    bal_row = rows_by_item[("정보자원 통합 관리", "자산및물품취득비")]
    rate_row = rows_by_item[("클라우드센터 운영", "시설비")]
    flags = w.flags()
    # the planted 불용률: which of shown/computed is reported is not asserted
    flags[("Sheet1", rate_row)] = Flag(dc, "클라우드센터 운영", "시설비", None)
    return Case(
        name="fullwidth_percent",
        shape=" ".join(make_fullwidth_percent.__doc__.split()),
        path=path,
        lines={"집행현황": 8},
        totals={"집행현황": 0},
        findings={
            ("Sheet1", w.cell(bal_row, "지출잔액"), "BALANCE"),
            ("Sheet1", w.cell(rate_row, "불용률"), "UNSPENT_RATE"),
        },
        flagged=flags,
        exit_code=1,
        sheets={"집행현황": {"Sheet1"}},
        units={"집행현황": "천원"},
    )


# --------------------------------------------------------------------------------------
# 4. 세입 and 세출 on one sheet, no 수준 column, banded headers, merged groups; nothing else

# 세입, true figures in 천원 (the summary shows them rounded to 백만원)
REVENUE_TRUE = [
    # (구분, 세부, 당초, 기정, 추경) in 천원
    ("지방세수입", None, 1_234_567, 1_234_567, 1_300_400),
    ("세외수입", "경상적", 8_965_432, 8_965_432, 8_965_432),
    ("세외수입", "임시적", 892_604, 892_604, 950_000),
    ("세외수입", "지방행정 제재부과금", 96_250, 96_250, 96_250),
    ("보조금", "국고보조금등", 378_420, 5_265_300, 5_265_300),
    ("보전수입등", "보전수입등", 5_800, 5_800, 5_800),
]

# 세출 as the seed prints it (백만원): rounding edges the check must accept
EXPENDITURE_SEED = [
    # (label, 당초, 기정, 추경, 증감 당초, 증감 기정, 율 당초, 율 기정)
    ("소계(일반회계)", 97625, 105469, 104874, 7250, -594, "7.4", "-0.6"),
    ("행정운영경비", 727, 727, 727, 0, 0, "0.0", "0.0"),
    ("재무활동", 3, 94, 94, 91, 0, "2698.9", "0.0"),
    ("사 업 비", 96894, 104648, 104054, 7159, -594, "7.4", "-0.6"),
    ("소계 (도시개발특별회계)", 2964, 4964, 4964, 2000, 0, "67.5", "0.0"),
    ("재무활동", 0, 2000, 2000, 2000, 0, None, "0.0"),
    ("사 업 비", 2964, 2964, 2964, 0, 0, "0.0", "0.0"),
]
EXPENDITURE_TOTAL = ("총 계", 100589, 110433, 109838, 9250, -594, "9.2", "-0.5")


def revenue_shown() -> tuple[list[tuple], tuple]:
    """세입 rows as shown in 백만원 (each figure rounded from 천원), and the 합 계 row."""

    def show(t: tuple[int, int, int]) -> tuple:
        d, g, c = (D(x) for x in t)
        return (
            r0(d / 1000),
            r0(g / 1000),
            r0(c / 1000),
            r0((c - d) / 1000),
            r0((c - g) / 1000),
            change_rate(c, d),
            change_rate(c, g),
        )

    rows = [(a, b, *show(t[2:])) for a, b, *_ in REVENUE_TRUE for t in [_find(a, b)]]
    sums = tuple(sum(D(t[i]) for t in REVENUE_TRUE) for i in (2, 3, 4))
    total = ("합 계", None, *show(sums))
    return rows, total


def _find(a: str, b: str | None) -> tuple:
    return next(t for t in REVENUE_TRUE if t[0] == a and t[1] == b)


def _banded_header(ws, top: int, middle_band: str | None, new_label: str) -> None:
    """구 분 (merged over two label columns and two rows) | [band over 당초/기정] |
    추경 | 증감 over 당초/기정 | 증감율 over 당초/기정."""
    ws.cell(row=top, column=1, value="구 분")
    ws.merge_cells(start_row=top, start_column=1, end_row=top + 1, end_column=2)
    if middle_band:
        ws.cell(row=top, column=3, value=middle_band)
        ws.merge_cells(start_row=top, start_column=3, end_row=top, end_column=4)
        ws.cell(row=top + 1, column=3, value="당초")
        ws.cell(row=top + 1, column=4, value="기정")
    else:
        for col, text in ((3, "당초"), (4, "기정")):
            ws.cell(row=top, column=col, value=text)
            ws.merge_cells(start_row=top, start_column=col, end_row=top + 1, end_column=col)
    ws.cell(row=top, column=5, value=new_label)
    ws.merge_cells(start_row=top, start_column=5, end_row=top + 1, end_column=5)
    for col, band in ((6, "증감"), (8, "증감율")):
        ws.cell(row=top, column=col, value=band)
        ws.merge_cells(start_row=top, start_column=col, end_row=top, end_column=col + 1)
        ws.cell(row=top + 1, column=col, value="당초")
        ws.cell(row=top + 1, column=col + 1, value="기정")
    for r in (top, top + 1):
        for c in range(1, 10):
            ws.cell(row=r, column=c).font = BOLD
            ws.cell(row=r, column=c).alignment = WRAP


NEG_FORMAT = '#,##0;"△"#,##0'
RATE_FORMAT = '0.0;"△"0.0'


def make_summary_only(dir: Path) -> Case:
    """A summary-only workbook: 세입 and 세출 stacked on one sheet (captions 〈…세입 규모〉 /
    〈…세출 규모〉, (단위 : 백만원, %)), no 수준 column, "구 분" merged over two label
    columns, two-row banded headers (예산 over 당초/기정, 증감 and 증감율 over 당초/기정),
    세외수입 and 행정관리 merged over their rows, 소계 rows, 세출's 증감율 as percent-formatted
    fractions (0.092 shown 9.2%, as the report prints them); 세입 rounded from 천원 and the
    seed's 세출 figures: rounding edges only, no finding; review must work."""
    path = dir / "summary_only.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.title = "추경개요"
    ws["A1"] = "〈2021년도 제2회 추경예산안 세입 규모〉"
    ws["I2"] = "(단위 : 백만원, %)"
    _banded_header(ws, 3, None, "추경")
    rows, total = revenue_shown()
    r = 5
    put(ws, r, 1, ["합 계"], bold=True)
    ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=2)
    put(ws, r, 3, [tri(x) for x in total[2:]], bold=True)
    r += 1
    for label, detail, *vals in rows:
        put(ws, r, 1, [label, detail])
        put(ws, r, 3, [tri(x) for x in vals])
        if detail is None:
            ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=2)
        r += 1
    # 세외수입 merged over its three rows
    first = 6 + next(i for i, t in enumerate(rows) if t[0] == "세외수입")
    for rr in range(first + 1, first + 3):
        ws.cell(row=rr, column=1).value = None
    ws.merge_cells(start_row=first, start_column=1, end_row=first + 2, end_column=1)
    revenue_rows = r - 6
    # the 세출 table below, two blank rows between
    top = r + 2
    ws.cell(row=top, column=1, value="〈2021년도 제2회 추경예산안 세출 규모〉")
    ws.cell(row=top + 1, column=9, value="(단위 : 백만원, %)")
    _banded_header(ws, top + 2, "예산", "추경예산")
    r = top + 4
    label, *vals = EXPENDITURE_TOTAL
    put(ws, r, 1, [label], bold=True)
    ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=2)
    _put_amounts(ws, r, vals)
    r += 1
    group_first = r
    for label, *vals in EXPENDITURE_SEED:
        ws.cell(row=r, column=2, value=label)
        _put_amounts(ws, r, vals)
        r += 1
    ws.cell(row=group_first, column=1, value="행정관리")
    ws.merge_cells(start_row=group_first, start_column=1, end_row=r - 1, end_column=1)
    wb.create_sheet("메모")["A1"] = "검토 메모: 세출 구조조정 관련 자료 요청(8.19.)"
    wb.save(path)
    rev_total = int(total[3])  # 세입 기정 합계 (백만원)
    return Case(
        name="summary_only",
        shape=" ".join(make_summary_only.__doc__.split()),
        path=path,
        lines={"세입": revenue_rows, "세출": 5},
        totals={"세입": 1, "세출": 3},
        findings=set(),
        flagged={},
        exit_code=0,
        sheets={"세입": {"추경개요"}, "세출": {"추경개요"}},
        units={"세입": "백만원", "세출": "백만원"},
        review=ReviewExpect(
            exit_code=0,
            sentences=[
                # the 세출 sentence: 추경 109,838 and 기정 110,433 백만원
                (("추가경정세출예산은", korean_baekman(109838), korean_baekman(110433)), ()),
                # the 세입 sentence: its own 기정 total, never the 세출 figures
                (("세입", korean_baekman(rev_total)), (korean_baekman(110433),)),
            ],
        ),
    )


PERCENT_FORMAT = '0.0%;"△"0.0%'


def _put_amounts(ws, r: int, vals: list) -> None:
    """Amounts as numbers with a △ format; rates as fractions shown "9.2%" (as printed)."""
    for i, v in enumerate(vals):
        if v is None:
            continue
        if i >= 5:
            c = ws.cell(row=r, column=3 + i, value=float(D(v) / 100))
            c.number_format = PERCENT_FORMAT
        else:
            c = ws.cell(row=r, column=3 + i, value=v)
            c.number_format = NEG_FORMAT


# --------------------------------------------------------------------------------------
# 5. summary tables with planted errors, in the middle of sheets


def make_summary_errors(dir: Path) -> Case:
    """세입 in the middle of a sheet (text above, ※ notes below), 세출 with one 증감 column
    (추경 − 기정) and △-text negatives, 사업별증감 without a 합계 and 담당관 only on a group's
    first row; planted: a 세입 증감율 copied from another column (RATE), a 세출 총계 당초 100
    off (SUM), a 증감율 3.0 for 0.0 (RATE), a 증감 with its △ lost (DIFF only), an empty 추경
    (MISSING), a rate over a zero base (RATE_ZERO_BASE)."""
    path = dir / "summary_errors.xlsx"
    wb = Workbook()
    # --- 세입, table starts at B7
    ws = wb.active
    ws.title = "표1"
    ws["B2"] = "1. 세 입"
    ws["B3"] = (
        "- 2021년 스마트도시정책관 세입 기정예산은 당초예산 103억 3천 8백만원에서 국고보조금 "
        "2건(48억 8천 7백만원)을 간주처리한 152억 2천 5백만원임."
    )
    ws["B5"] = "〈2021년도 제2회 추경예산안 세입 규모〉"
    ws["H6"] = "(단위 : 백만원, %)"
    put(ws, 7, 2, ["구분", "세부", "당초", "기정", "추경", "증감", "증감율"], bold=True)
    rev = [
        ("세외수입", "경상적", 8965, 8965, 8965),
        ("세외수입", "임시적", 893, 893, 893),
        ("세외수입", "지방행정 제재부과금", 96, 96, 96),
        ("보조금", "국고보조금등", 378, 5265, 5265),
        ("보전수입등", "보전수입등", 6, 6, 6),
    ]
    tot = tuple(sum(t[i] for t in rev) for i in (2, 3, 4))
    put(ws, 8, 2, ["합 계", None, *tot, tot[2] - tot[1], 0.0], bold=True)
    ws.merge_cells("B8:C8")
    r = 9
    rate_cell = None
    for a, b, d, g, c in rev:
        shown_rate = num(change_rate(D(c), D(g)))
        if b == "국고보조금등":
            shown_rate = 1294.0  # the 당초-based rate typed in the 기정-based column
            rate_cell = a1(8, r)
        put(ws, r, 2, [a, b, d, g, c, c - g, shown_rate])
        ws.cell(row=r, column=8).number_format = "0.0"
        r += 1
    ws.cell(row=r + 1, column=2, value="※ 보조금은 국고보조금 간주처리분(2건) 포함")
    ws.cell(row=r + 2, column=2, value="※ 단위 미만은 반올림하여 합계가 일치하지 않을 수 있음")
    ws.cell(row=r + 4, column=2, value="- 세입예산은 기정예산과 같은 수준임.")

    # --- 세출, one 증감 column (추경 − 기정), △ as text
    ws2 = wb.create_sheet("표2")
    ws2["A1"] = "〈2021년도 제2회 추경예산안 세출 규모〉"
    ws2["H2"] = "(단위 : 백만원, %)"
    put(ws2, 3, 1, ["구 분", None, "당초", "기정", "추경", "증감", "증감율"], bold=True)
    ws2.merge_cells("A3:B3")
    exp_rows = [
        # label, 당초, 기정, 추경
        ("소계(일반회계)", 97625, 105469, 104874),
        ("행정운영경비", 727, 727, 727),
        ("재무활동", 3, 94, 94),
        ("사 업 비", 96894, 104648, 104054),
        ("소계 (도시개발특별회계)", 2964, 4964, 4964),
        ("재무활동", 0, 2000, 2000),
        ("사 업 비", 2964, 2964, 2964),
    ]
    total = ("총 계", 100589 + 100, 110433, 109838)  # planted: 당초 100 off
    exp_total_cell = "C4"
    put(ws2, 4, 1, [total[0]], bold=True)
    ws2.merge_cells("A4:B4")
    put(ws2, 4, 3, [total[1], total[2], total[3], "△594", "△0.5"], bold=True)
    r = 5
    rate_err_cell = None
    for label, d, g, c in exp_rows:
        diff = D(c - g)
        rate = change_rate(D(c), D(g))
        if label == "소계(일반회계)":
            diff = D(-594)  # the seed's rounding edge: 104,874 − 105,469 = −595
        shown_rate: Any = commas(rate) if rate is not None and rate < 0 else num(rate)
        if label == "행정운영경비":
            shown_rate = 3.0  # planted
            rate_err_cell = a1(7, r)
        put(ws2, r, 2, [label, d, g, c, commas(diff) if diff < 0 else num(diff), shown_rate])
        r += 1
    ws2.cell(row=5, column=1, value="행정관리")
    ws2.merge_cells(start_row=5, start_column=1, end_row=r - 1, end_column=1)

    # --- 사업별증감 without a 합계 row
    ws3 = wb.create_sheet("표3")
    ws3["A1"] = "○ 추가경정예산 주요 사업별 예산 증감내역"
    ws3["G2"] = "(단위 : 백만원, %)"
    put(ws3, 3, 1, ["담당관", "세부사업", "당초", "기정", "추경", "증감", "증감율"], bold=True)
    projects = [
        ("스마트도시담당관", "세계스마트시티 기구 운영", 699, 699, 665),
        ("정보시스템담당관", "인공지능 서비스 구축 운영", 720, 720, 520),
        (None, "행정포털 운영", 2673, 2673, 2552),
        ("공간정보담당관", "항공사진 촬영 및 다목적활용 데이터 구축", 1338, 1338, None),
        (None, "드론공간정보 운영", 706, 706, 656),
        ("정보통신보안담당관", "스마트도시 통신인프라 확충(신규)", 0, 0, 500),
    ]
    found: dict[str, str] = {}
    for i, (dept, proj, d, g, c) in enumerate(projects):
        r = 4 + i
        if c is None:
            put(ws3, r, 1, [dept, proj, d, g])
            found["MISSING"] = a1(5, r)
            continue
        diff = D(c - g)
        rate = change_rate(D(c), D(g))
        shown_diff: Any = commas(diff) if diff < 0 else num(diff)
        shown_rate: Any = commas(rate) if rate is not None and rate < 0 else num(rate)
        if proj == "인공지능 서비스 구축 운영":
            shown_diff = 200  # planted: the △ lost
            found["DIFF"] = a1(6, r)
        if g == 0:
            shown_rate = 100.0  # planted: a rate over a zero base
            found["RATE_ZERO_BASE"] = a1(7, r)
        put(ws3, r, 1, [dept, proj, d, g, c, shown_diff, shown_rate])
    write_settings(wb, base_settings())
    wb.save(path)
    return Case(
        name="summary_errors",
        shape=" ".join(make_summary_errors.__doc__.split()),
        path=path,
        lines={"세입": 5, "세출": 5, "사업별증감": 6, "설정": 7},
        totals={"세입": 1, "세출": 3, "사업별증감": 0},
        findings={
            ("표1", rate_cell, "RATE"),
            ("표2", exp_total_cell, "SUM"),
            ("표2", rate_err_cell, "RATE"),
            ("표3", found["DIFF"], "DIFF"),
            ("표3", found["MISSING"], "MISSING"),
            ("표3", found["RATE_ZERO_BASE"], "RATE_ZERO_BASE"),
        },
        flagged={},
        exit_code=1,
        sheets={"세입": {"표1"}, "세출": {"표2"}, "사업별증감": {"표3"}},
        units={"세입": "백만원", "세출": "백만원", "사업별증감": "백만원"},
    )


# --------------------------------------------------------------------------------------
# 6. amounts in 원


def _won_lines() -> list[tuple]:
    a, b = "민원여권과", "토지정보과"
    return [
        ("line", L(a, "여권 발급", "사무관리비", 1_000_000_000, 150_000_000, 100_000_000)),
        ("line", L(a, "여권 발급", "시설비", 500_000_000, 100_000_000, 100_000_000)),
        (
            "line",
            L(a, "무인민원발급기 운영", "자산및물품취득비", 400_000_000, 300_000_000, 300_000_000),
        ),
        ("line", L(b, "지적재조사", "사무관리비", 12_345_678, 10_000_000, 10_000_000)),
        ("line", L(b, "지적재조사", "공공운영비", 87_654_322, 80_000_000, 80_000_000)),
    ]


def make_units_won(dir: Path) -> Case:
    """Amounts in 원, declared in 설정 (금액단위 원) and in the caption "(단위 : 원)": unit 원,
    and the review's sentence and caption say 원 (15억원, not 1조 5,000억원)."""
    path = dir / "units_won.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.title = "집행현황"
    ws["A1"] = "〈민원토지국 미집행사업 현황(2021. 7. 31. 기준)〉"
    ws["H2"] = "(단위 : 원)"
    w = write_execution(ws, 3, 1, EXEC_KEYS, EXEC_HEADERS, _won_lines())
    write_settings(wb, base_settings(소관="민원토지국", 금액단위="원"))
    wb.save(path)
    flags = w.flags()
    budget = sum((w.line_rows[r].budget for _, r in flags), D(0))
    balance = sum((w.line_rows[r].balance for _, r in flags), D(0))
    assert (budget, balance) == (D(1_500_000_000), D(1_300_000_000))
    return Case(
        name="units_won",
        shape=" ".join(make_units_won.__doc__.split()),
        path=path,
        lines={"집행현황": 5, "설정": 7},
        totals={"집행현황": 0},
        findings=set(),
        flagged=flags,
        exit_code=0,
        units={"집행현황": "원"},
        review=ReviewExpect(
            exit_code=0,
            unspent_groups=_groups(flags),
            sentences=[(("불용률", "2건", "15억원", "13억원"), ("1조",))],
            unspent_caption="(단위 : 원)",
        ),
    )


def make_unit_mismatch(dir: Path) -> Case:
    """설정 says 금액단위 천원 but the table's caption says "(단위 : 원)": a UNIT 경고; the
    table is read in 설정's unit."""
    path = dir / "unit_mismatch.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.title = "집행현황"
    ws["A1"] = "〈미집행사업 현황〉"
    ws["H2"] = "(단위 : 원)"
    sd = "스마트도시담당관"
    rows = [
        ("line", L(sd, "엠보팅 서비스 운영", "사무관리비", 1800, 0, 0)),
        ("line", L(sd, "사물인터넷 도시조성", "시설비", 663620, 191620, 191620)),
        ("line", L(sd, "사물인터넷 도시조성", "자산및물품취득비", 855433, 207433, 207433)),
    ]
    w = write_execution(ws, 3, 1, EXEC_KEYS, EXEC_HEADERS, rows)
    write_settings(wb, base_settings())
    wb.save(path)
    return Case(
        name="unit_mismatch",
        shape=" ".join(make_unit_mismatch.__doc__.split()),
        path=path,
        lines={"집행현황": 3, "설정": 7},
        findings={("*", "*", "UNIT")},
        flagged=w.flags(),
        exit_code=0,
        units={"집행현황": "천원"},
    )


# --------------------------------------------------------------------------------------
# 7. the report's 〈 소 요 예 산 〉 blocks, stacked


def make_stacked_items(dir: Path) -> Case:
    """통계목증감 as the report prints it: per project a heading "가. …", a paragraph,
    "〈 소 요 예 산 〉", (단위 : 천원), header 구 분 | 추경예산(안) (A) | 기정예산 (B) | 증감 (A-B),
    a 계 row, then a "□ 예산과목 증감내역" text table, blank rows, the next block; planted:
    one 추경 typed 6,000 for 600 (DIFF on its row, SUM on its 계)."""
    path = dir / "stacked_items.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.title = "사업별 검토"
    blocks = [
        (
            "가. 세계스마트시티기구(WeGo) 운영",
            [
                ("사무관리비", 4800, 4800),
                ("국외업무여비", 600, 35000),
                ("시책추진업무추진비", 8000, 8000),
                ("국제부담금", 651238, 651238),
            ],
        ),
        (
            "나. 인공지능 서비스 구축 운영의 연구용역비 감액",
            [
                ("사무관리비", 8600, 8600),
                ("공공운영비", 107943, 107943),
                ("시책추진업무추진비", 3000, 3000),
                ("연구용역비", 0, 200000),
                ("전산개발비", 400000, 400000),
            ],
        ),
        (
            "다. 행정포털 운영",
            [
                ("전산개발비", 226343, 266343),
                ("자산및물품취득비", 1165157, 1246000),
                ("사무관리비", 1160229, 1160229),
            ],
        ),
    ]
    r = 1
    findings = set()
    lines = 0
    for bi, (heading, items) in enumerate(blocks):
        ws.cell(row=r, column=1, value=heading).font = BOLD
        ws.cell(row=r + 1, column=1, value="- 본 사업의 추경 감액 내역은 다음과 같음.")
        ws.cell(row=r + 3, column=1, value="〈 소 요 예 산 〉")
        ws.cell(row=r + 4, column=4, value="(단위 : 천원)")
        hr = r + 5
        put(ws, hr, 1, ["구 분", "추경예산(안) (A)", "기정예산 (B)", "증감 (A-B)"], bold=True)
        new_sum = sum(D(a) for _, a, _ in items)
        old_sum = sum(D(b) for _, _, b in items)
        put(ws, hr + 1, 1, ["계", num(new_sum), num(old_sum), tri(new_sum - old_sum)], bold=True)
        for i, (item, new, old) in enumerate(items):
            rr = hr + 2 + i
            shown_new = new
            if bi == 0 and item == "국외업무여비":
                shown_new = 6000  # planted: an extra zero; 증감 left as typed from 600
                findings.add(("사업별 검토", a1(4, rr), "DIFF"))
                findings.add(("사업별 검토", a1(2, hr + 1), "SUM"))
            put(ws, rr, 1, [item, shown_new, old, tri(D(new) - D(old))])
            lines += 1
        after = hr + 2 + len(items)
        ws.cell(row=after + 1, column=1, value="□ 예산과목 증감내역")
        put(ws, after + 2, 1, ["과목구분", "산출내역 및 증감사유"], bold=True)
        put(ws, after + 3, 1, [items[1][0], f"○{items[1][0]} 감액 = 낙찰차액 등"])
        put(ws, after + 4, 2, ["증감사유"])
        put(ws, after + 5, 2, ["코로나19로 사업 축소"])
        r = after + 8
    # in the first block, the planted 추경 breaks the 계: keep the 계 as the officer typed
    # it from the right figures (written above from `items`, i.e. with 600).
    wb.save(path)
    return Case(
        name="stacked_items",
        shape=" ".join(make_stacked_items.__doc__.split()),
        path=path,
        lines={"통계목증감": lines},
        totals={"통계목증감": 3},
        findings=findings,
        flagged={},
        exit_code=1,
        sheets={"통계목증감": {"사업별 검토"}},
        units={"통계목증감": "천원"},
    )


# --------------------------------------------------------------------------------------
# 8. two years of 집행현황


def make_two_years(dir: Path) -> Case:
    """Two 집행현황 sheets, "집행현황(2020)" (first, with a planted BALANCE error) and
    "집행현황(2021)", 설정 회계연도 2021: only 2021 is read, and the reading says so; the
    2020 table's error is not reported."""
    path = dir / "two_years.xlsx"
    wb = Workbook()
    wb.remove(wb.active)
    sd = "스마트도시담당관"
    y2020 = [
        ("line", L(sd, "엠보팅 서비스 운영", "사무관리비", 1500, 0, 1500)),
        (
            "line",
            L(
                sd,
                "블록체인 기반 공유행정 도입",
                "사무관리비",
                17000,
                9000,
                9000,
                balance_delta=D(500),
            ),
        ),
        ("line", L(sd, "사물인터넷 도시조성", "시설비", 500000, 480000, 480000)),
        ("line", L(sd, "사물인터넷 도시조성", "자산및물품취득비", 700000, 690000, 690000)),
        ("line", L(sd, "디지털배움터 운영", "사무관리비", 300000, 290000, 290000)),
    ]
    y2021 = [
        ("line", L(sd, "엠보팅 서비스 운영", "사무관리비", 1800, 0, 0)),
        (
            "line",
            L(
                sd,
                "블록체인 기반 공유행정 도입",
                "사무관리비",
                18000,
                2360,
                2360,
                balance_delta=D(1),
            ),
        ),
        ("line", L(sd, "블록체인 기반 공유행정 도입", "행사운영비", 10000, 0, 0)),
        ("line", L(sd, "사물인터넷 도시조성", "시설비", 663620, 500000, 500000)),
        ("line", L(sd, "사물인터넷 도시조성", "자산및물품취득비", 855433, 800000, 800000)),
        ("line", L(sd, "디지털배움터 운영", "사무관리비", 391000, 200000, 150000)),
    ]
    written = {}
    for year, rows in (("2020", y2020), ("2021", y2021)):
        ws = wb.create_sheet(f"집행현황({year})")
        ws["A1"] = (
            f"〈{year}회계연도 미집행사업 현황({year}. "
            f"{'12. 31.' if year == '2020' else '7. 31.'} 기준)〉"
        )
        ws["H2"] = "(단위 : 천원)"
        written[year] = write_execution(ws, 3, 1, EXEC_KEYS, EXEC_HEADERS, rows)
    write_settings(wb, base_settings())
    wb.save(path)
    return Case(
        name="two_years",
        shape=" ".join(make_two_years.__doc__.split()),
        path=path,
        lines={"집행현황": 6, "설정": 7},
        totals={"집행현황": 0},
        findings=set(),
        flagged=written["2021"].flags(),
        exit_code=0,
        sheets={"집행현황": {"집행현황(2021)"}},
        # the summary says which was used: the 2020 table named as not read, 2021 as read
        unread=None,
        reading_mentions=[("집행현황(2020)", "2021")],
    )


# --------------------------------------------------------------------------------------
# 9. zero / negative 예산현액, only 지출잔액 wrong, spent over budget, the 70% edge


def make_edge_lines(dir: Path) -> Case:
    """Lines at the edges: 예산현액 0 and △5,000 (never flagged, BUDGET_NOT_POSITIVE; the
    negative one also SPENT_OVER_BUDGET since 0 > △5,000), a row whose only error is its
    지출잔액 (BALANCE, not UNSPENT_RATE: 83.3% is right), 지출액 over 예산현액, 69.95% → 70.0
    (flagged) and 69.94% → 69.9 (not), a budget of 7 with 71.4%."""
    path = dir / "edge_lines.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.title = "집행"
    dd = "정보통신보안담당관"
    rows = [
        ("line", L(dd, "행정정보통신망 운영", "사무관리비", 0, 0, 0)),
        ("line", L(dd, "행정정보통신망 운영", "시설비", -5000, 0, 0)),
        (
            "line",
            L(dd, "지능형 CCTV 고도화", "사무관리비", 60000, 10000, 10000, balance_delta=D(5000)),
        ),
        ("line", L(dd, "정보시스템 보안관리 고도화", "행사운영비", 10000, 10200, 10200)),
        ("line", L(dd, "스마트 서울 CCTV 안전센터 운영", "사무관리비", 2000, 601, 601)),
        ("line", L(dd, "스마트 서울 CCTV 안전센터 운영", "공공운영비", 10000, 3006, 3006)),
        ("line", L(dd, "초고속정보통신 인프라 운영", "사무관리비", 1800, 0, 0)),
        ("line", L(dd, "초고속정보통신 인프라 운영", "연구용역비", 7, 2, 2)),
    ]
    w = write_execution(
        ws,
        1,
        1,
        EXEC_KEYS,
        EXEC_HEADERS,
        rows,
        amount=num,
        rate=lambda x: None if x is None else num(x),
    )
    # the report shows negatives with △: format, not text
    for r in w.line_rows:
        for k in AMOUNT_KEYS:
            ws.cell(row=r, column=w.cols[k]).number_format = NEG_FORMAT
        ws.cell(row=r, column=w.cols["불용률"]).number_format = RATE_FORMAT
    wb.save(path)
    by = {(ln.project, ln.item): r for r, ln in w.line_rows.items()}
    r0_, rneg = by[("행정정보통신망 운영", "사무관리비")], by[("행정정보통신망 운영", "시설비")]
    rbal = by[("지능형 CCTV 고도화", "사무관리비")]
    rover = by[("정보시스템 보안관리 고도화", "행사운영비")]
    flags = w.flags()
    assert ("집행", r0_) not in flags and ("집행", rneg) not in flags
    return Case(
        name="edge_lines",
        shape=" ".join(make_edge_lines.__doc__.split()),
        path=path,
        lines={"집행현황": 8},
        totals={"집행현황": 0},
        findings={
            ("집행", w.cell(r0_, "예산현액"), "BUDGET_NOT_POSITIVE"),
            ("집행", w.cell(rneg, "예산현액"), "BUDGET_NOT_POSITIVE"),
            ("집행", w.cell(rneg, "지출액"), "SPENT_OVER_BUDGET"),
            ("집행", w.cell(rbal, "지출잔액"), "BALANCE"),
            ("집행", w.cell(rover, "지출액"), "SPENT_OVER_BUDGET"),
        },
        flagged=flags,
        exit_code=1,
        info_rules={"NO_SETTINGS"},
    )


# --------------------------------------------------------------------------------------
# 10. numbers typed as text


def make_text_numbers(dir: Path) -> Case:
    """Every amount typed as text ("1,800,000", " 18,000,000 ", "△594,000", "△11.9"),
    unit only from the caption "(단위 : 원)" (no 설정); planted: 지출원인행위액 "미정"
    (NOT_NUMBER, the line still read) and a 지출액 over 예산현액 (SPENT_OVER_BUDGET)."""
    path = dir / "text_numbers.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.title = "집행현황"
    ws["A1"] = "〈민원토지국 집행현황〉"
    ws["H2"] = "(단위 : 원)"
    put(ws, 3, 1, EXEC_HEADERS, bold=True)
    a, b = "민원여권과", "토지정보과"
    data = [
        # dept, project, item, budget, oblig, spent (Decimal), and how each cell is typed
        (a, "여권 발급", "사무관리비", 1_800_000, 0, 0),
        (a, "여권 발급", "공공운영비", 18_000_000, 2_360_000, 2_360_000),
        (a, "민원콜센터 운영", "사무관리비", 5_000_000, 5_594_000, 5_594_000),
        (b, "지적재조사", "시설비", 200_000_000, None, 50_000_000),
        (b, "지적재조사", "사무관리비", 3_000_000, 1_000_000, 1_000_000),
    ]
    flagged = {}
    findings = set()
    for i, (dept, proj, item, bud, obl, sp) in enumerate(data):
        r = 4 + i
        bud, sp = D(bud), D(sp)
        rate = unspent_rate(bud, sp)
        cells = [
            dept,
            proj,
            item,
            f" {commas(bud)} " if i == 1 else commas(bud),
            "미정" if obl is None else commas(D(obl)),
            commas(sp),
            commas(bud - sp),
            commas(rate),
        ]
        put(ws, r, 1, cells)
        if obl is None:
            findings.add(("집행현황", a1(5, r), "NOT_NUMBER"))
        if sp > bud:
            findings.add(("집행현황", a1(6, r), "SPENT_OVER_BUDGET"))
        if is_flagged(bud, sp):
            flagged[("집행현황", r)] = Flag(dept, proj, item, rate)
    wb.save(path)
    return Case(
        name="text_numbers",
        shape=" ".join(make_text_numbers.__doc__.split()),
        path=path,
        lines={"집행현황": 5},
        findings=findings,
        flagged=flagged,
        exit_code=1,
        units={"집행현황": "원"},
        info_rules={"NO_SETTINGS"},
    )


# --------------------------------------------------------------------------------------
# 11. a near miss: an execution table without 지출액


def make_unreadable(dir: Path) -> Case:
    """A 집행현황-like table (부서, 세부사업, 통계목, 예산현액, 지출원인행위액, 지출잔액, 불용률)
    without 지출액: READ_UNREAD 경고 on its header row, listed as unread, exit 1."""
    path = dir / "unreadable.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.title = "집행실적"
    ws["A1"] = "〈집행실적 현황(2021. 7. 31. 기준)〉"
    ws["G2"] = "(단위 : 천원)"
    put(
        ws,
        3,
        1,
        ["부서", "세부사업", "통계목", "예산현액", "지출원인행위액", "지출잔액", "불용률"],
        bold=True,
    )
    sd = "스마트도시담당관"
    for i, (p, it, b, o, s) in enumerate(
        [
            ("엠보팅 서비스 운영", "사무관리비", 1800, 0, 0),
            ("블록체인 기반 공유행정 도입", "사무관리비", 18000, 2360, 2360),
            ("사물인터넷 도시조성", "시설비", 663620, 191620, 191620),
            ("디지털배움터 운영", "사무관리비", 391000, 0, 0),
        ]
    ):
        b, s = D(b), D(s)
        put(ws, 4 + i, 1, [sd, p, it, num(b), o, num(b - s), num(unspent_rate(b, s))])
    write_settings(wb, base_settings())
    wb.save(path)
    return Case(
        name="unreadable",
        shape=" ".join(make_unreadable.__doc__.split()),
        path=path,
        lines={"설정": 7},
        findings={("집행실적", "A3", "READ_UNREAD")},
        flagged={},
        exit_code=1,
        unread=True,
    )


# --------------------------------------------------------------------------------------
# 12. an extra numeric column nobody knows


def make_extra_column(dir: Path) -> Case:
    """집행현황 with an unknown numeric column 이월액 (COLUMN_UNREAD 경고 on its header, listed
    as unrecognised, exit 1) and a text column 비고 (no finding)."""
    path = dir / "extra_column.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.title = "집행현황"
    headers = [
        "담당관",
        "세부사업",
        "통계목",
        "예산현액",
        "이월액",
        "지출원인행위액",
        "지출액",
        "지출잔액",
        "불용률",
        "비고",
    ]
    put(ws, 1, 1, headers, bold=True)
    sd = "공간정보담당관"
    data = [
        ("지도정보 플랫폼 고도화 구축", "사무관리비", 35600, 5600, 9400, 9400, "용역 발주 예정"),
        ("지도정보 플랫폼 고도화 구축", "공공운영비", 200800, 0, 200800, 50200, None),
        ("스마트 불편신고 운영", "사무관리비", 1200, 0, 0, 0, "연말 집행"),
        ("드론공간정보 운영", "사무관리비", 550058, 50058, 376600, 1600, None),
    ]
    flagged = {}
    for i, (p, it, b, carry, o, s, note) in enumerate(data):
        r = 2 + i
        b, s = D(b), D(s)
        put(
            ws,
            r,
            1,
            [sd, p, it, num(b), carry, o, num(s), num(b - s), num(unspent_rate(b, s)), note],
        )
        if is_flagged(b, s):
            flagged[("집행현황", r)] = Flag(sd, p, it, unspent_rate(b, s))
    wb.save(path)
    return Case(
        name="extra_column",
        shape=" ".join(make_extra_column.__doc__.split()),
        path=path,
        lines={"집행현황": 4},
        findings={("집행현황", "E1", "COLUMN_UNREAD")},
        flagged=flagged,
        exit_code=1,
        unrecognised={"집행현황": {"이월액"}},
        info_rules={"NO_SETTINGS"},
    )


# --------------------------------------------------------------------------------------
# 13. a table in the middle of a sheet, notes below; 정보화사업 with a repeated header


def make_middle_of_sheet(dir: Path) -> Case:
    """집행현황 starting at C7 of a report sheet: a heading and a paragraph above (with
    numbers in the text), caption, blank row and "※ …" notes below; 정보화사업 (사업명,
    사업기간, 사업예산 (예산)) whose header is repeated after a page break ("사 업 명")."""
    path = dir / "middle_of_sheet.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.title = "검토자료"
    ws["C2"] = "라. 집행실적 저조 사업에 대한 검토"
    ws["C2"].font = BOLD
    ws["C3"] = (
        "- 2021회계연도 공간정보담당관 소관 사업별 예산집행현황(2021. 7. 31. 기준)을 보면, "
        "70%이상 미집행되어 집행률이 저조한 사업 6건, 예산현액 8억 3천만원 규모임."
    )
    ws["C5"] = "〈 공간정보담당관 70%이상 미집행사업 현황(2021. 7. 31. 기준) 〉"
    ws["J6"] = "(단위 : 천원)"
    gs = "공간정보담당관"
    rows = [
        ("line", L(gs, "지도정보 플랫폼 고도화 구축", "사무관리비", 35600, 9400, 9400)),
        ("line", L(gs, "지도정보 플랫폼 고도화 구축", "공공운영비", 200800, 200800, 50200)),
        ("line", L(gs, "스마트 불편신고 운영", "사무관리비", 1200, 0, 0)),
        (
            "line",
            L(gs, "항공사진 촬영 및 다목적활용 데이터 구축", "공공운영비", 96250, 96250, 24060),
        ),
        ("line", L(gs, "드론공간정보 운영", "사무관리비", 550058, 376600, 1600)),
        ("line", L(gs, "공간정보 품질관리", "사무관리비", 40000, 30000, 30000)),
    ]
    w = write_execution(ws, 7, 3, EXEC_KEYS, EXEC_HEADERS, rows)
    last = max(w.line_rows)
    ws.cell(row=last + 2, column=3, value="※ 지출원인행위액은 계약 체결액 기준임")
    ws.cell(
        row=last + 3, column=3, value="※ 자료: 서울시 e-호조(2021. 7. 31.), 공간정보담당관 제출"
    )
    ws.cell(
        row=last + 5,
        column=3,
        value="- 공간정보담당관은 적기 집행을 위한 노력이 요망된다고 하겠음.",
    )

    it = wb.create_sheet("붙임1")
    it["A1"] = "붙임 1  2021년 스마트도시정책관 정보화사업 목록(2021. 8. 19. 기준)"
    it["C2"] = "(단위 : 천원)"
    put(it, 3, 1, ["사업명", "사업기간", "사업예산 (예산)"], bold=True)
    projects = [
        ("2021년 사물인터넷 도시조성", "2021.6~2021.12", 1120000),
        ("도시데이터센터 유지관리", "2021.1~2021.12", 273112),
        ("IoT 도시데이터시스템 유지관리", "2021.1~2021.12", 169371),
        ("s-map플랫폼 고도화", "2021.3~12", 1200000),
        ("지하시설물통합정보시스템 기능개선", "2021.4~2021.11", 182780),
        ("공간정보시스템 유지관리 사업", "2021.1.~2021.12.", 215202),
        None,  # page break: the header again
        ("다기능사무기기 보급", "2021.1.~2021.12.", 2917420),
        ("스마트서울 CCTV 안전센터 시스템 고도화 구축", "2021.1.~2021.6..", 480543),
        (
            "20~21년 공통행정시스템 운영 및 유지보수",
            "(1차) 2020.1.~12.(1년) (2차)2021.1.~12.(1년)",
            631301,
        ),
        ("모바일오피스 유지관리", "2021.1.~12.", 62907),
    ]
    repeated_row = None
    for i, p in enumerate(projects):
        if p is None:
            repeated_row = 4 + i
            put(it, repeated_row, 1, ["사 업 명", "사업기간", "사업예산 (예산)"], bold=True)
        else:
            put(it, 4 + i, 1, list(p))
    it.cell(
        row=4 + len(projects) + 1,
        column=1,
        value="※ 2021년 정보화사업 발주정보 중 스마트도시정책관 부분 발췌",
    )
    wb.save(path)
    return Case(
        name="middle_of_sheet",
        shape=" ".join(make_middle_of_sheet.__doc__.split()),
        path=path,
        lines={"집행현황": 6, "정보화사업": 10},
        totals={"집행현황": 0, "정보화사업": 0},
        findings=set(),
        flagged=w.flags(),
        exit_code=0,
        sheets={"집행현황": {"검토자료"}, "정보화사업": {"붙임1"}},
        skipped={"정보화사업": {repeated_row}},
        info_rules={"NO_SETTINGS"},
    )


# --------------------------------------------------------------------------------------
# 14. header aliases, an Excel Table, the seed's 사업별 table, 미집행기준 80


def make_aliases_table(dir: Path) -> Case:
    """집행현황 as an Excel Table ("집행표") with the aliases 부서 | 사업명 | 예산과목, 설정
    미집행기준 80 (75.0% not flagged, 79.95% → 80.0 flagged); the seed's 사업별 table with
    a banded header (2021 예산 over 당초/기정, "2021예산 (추경예산안)", 증감 and 증감률 over
    당초/기정), 세부사업명, 합 계 on top, 담당관 merged down, rates as "△5.9%" fractions:
    rounding edges only; planted: 지출액 over 지출원인행위액 (SPENT_OVER_OBLIGATION)."""
    from openpyxl.worksheet.table import Table, TableStyleInfo

    path = dir / "aliases_table.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.title = "집행자료"
    ws["A1"] = "〈사업별 집행현황〉"
    ws["H2"] = "(단위 : 천원)"
    headers = [
        "부서",
        "사업명",
        "예산과목",
        "예산현액",
        "지출원인행위액",
        "지출액",
        "지출잔액",
        "불용률",
    ]
    sd = "스마트도시담당관"
    rows = [
        ("line", L(sd, "사물인터넷 도시조성", "시설비", 663620, 191620, 165905)),  # 75.0
        ("line", L(sd, "사물인터넷 도시조성", "자산및물품취득비", 855433, 207433, 171087)),
        ("line", L(sd, "스마트도시 민·관 협력", "사무관리비", 20000, 4010, 4010)),  # 79.95
        ("line", L(sd, "스마트도시 민·관 협력", "행사운영비", 100000, 1000, 3000)),  # 97.0
        ("line", L(sd, "기본경비", "국내여비", 110600, 28000, 28000)),  # 74.7
    ]
    w = write_execution(ws, 3, 1, EXEC_KEYS, headers, rows)
    table = Table(displayName="집행표", ref=f"A3:H{max(w.line_rows)}")
    table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
    ws.add_table(table)
    by = {(ln.project, ln.item): r for r, ln in w.line_rows.items()}
    over = by[("스마트도시 민·관 협력", "행사운영비")]

    ws2 = wb.create_sheet("사업별")
    ws2["A1"] = "○ 추가경정예산 주요 사업별 예산 증감내역"
    ws2["I2"] = "(단위 : 백만원, %)"
    for col, text in ((1, "담당관"), (2, "세부사업명"), (5, "2021예산 (추경예산안)")):
        ws2.cell(row=3, column=col, value=text)
        ws2.merge_cells(start_row=3, start_column=col, end_row=4, end_column=col)
    for col, band in ((3, "2021 예산"), (6, "증감"), (8, "증감률")):
        ws2.cell(row=3, column=col, value=band)
        ws2.merge_cells(start_row=3, start_column=col, end_row=3, end_column=col + 1)
        ws2.cell(row=4, column=col, value="당초")
        ws2.cell(row=4, column=col + 1, value="기정")
    seed = [
        ("스마트도시담당관", "세계스마트시티 기구 운영", 699, 699, 665),
        ("정보시스템담당관", "인공지능 서비스 구축 운영", 720, 720, 520),
        ("정보시스템담당관", "행정포털 운영", 2673, 2673, 2552),
        ("공간정보담당관", "항공사진 촬영 및 다목적활용 데이터 구축", 1338, 1338, 1238),
        ("공간정보담당관", "드론공간정보 운영", 706, 706, 656),
        ("정보통신보안담당관", "서울사이버안전 센터 운영", 3873, 3873, 3784),
    ]

    def figures(d: int, g: int, c: int, diff: int | None = None) -> list:
        dd = D(c - d) if diff is None else D(diff)
        dg = D(c - g) if diff is None else D(diff)
        rd, rg = r1(dd / d * 100), r1(dg / g * 100)
        return [d, g, c, num(dd), num(dg), float(rd / 100), float(rg / 100)]

    put(ws2, 5, 1, ["합 계"], bold=True)
    ws2.merge_cells("A5:B5")
    put(ws2, 5, 3, figures(10008, 10008, 9413, diff=-594), bold=True)
    for i, (dept, proj, d, g, c) in enumerate(seed):
        put(ws2, 6 + i, 1, [dept, proj, *figures(d, g, c)])
    for r in range(5, 6 + len(seed)):
        for col in range(3, 8):
            ws2.cell(row=r, column=col).number_format = NEG_FORMAT
        for col in (8, 9):
            ws2.cell(row=r, column=col).number_format = PERCENT_FORMAT
    for first, last in ((7, 8), (9, 10)):  # 담당관 merged over its projects
        ws2.cell(row=last, column=1).value = None
        ws2.merge_cells(start_row=first, start_column=1, end_row=last, end_column=1)
    write_settings(wb, base_settings(미집행기준=80))
    wb.save(path)
    flags = w.flags(threshold=D(80))
    return Case(
        name="aliases_table",
        shape=" ".join(make_aliases_table.__doc__.split()),
        path=path,
        lines={"집행현황": 5, "사업별증감": 6, "설정": 7},
        totals={"집행현황": 0, "사업별증감": 1},
        findings={("집행자료", w.cell(over, "지출액"), "SPENT_OVER_OBLIGATION")},
        flagged=flags,
        exit_code=0,
        sheets={"집행현황": {"집행자료"}, "사업별증감": {"사업별"}},
        units={"집행현황": "천원", "사업별증감": "백만원"},
    )


MAKERS: list[Callable[[Path], Case]] = [
    make_report_execution,
    make_project_merged,
    make_fullwidth_percent,
    make_summary_only,
    make_summary_errors,
    make_units_won,
    make_unit_mismatch,
    make_stacked_items,
    make_two_years,
    make_edge_lines,
    make_text_numbers,
    make_unreadable,
    make_extra_column,
    make_middle_of_sheet,
    make_aliases_table,
]


def build_all(dir: Path) -> list[Case]:
    dir.mkdir(parents=True, exist_ok=True)
    return [make(dir) for make in MAKERS]


if __name__ == "__main__":  # write the corpus somewhere to look at it: python -m … DIR
    import sys

    out = Path(sys.argv[1] if len(sys.argv) > 1 else "corpus_out")
    for case in build_all(out):
        print(
            f"{case.name:20} {case.path}  lines={case.lines} findings={len(case.findings)} "
            f"flagged={len(case.flagged)} exit={case.exit_code}"
        )
