"""The report's standard sentences, from the same figures and rules as its tables.

Every rate in a sentence is the rule of :mod:`xlbudget.core.rules` at 설정's 증감율소수, and
every count of low-execution lines is the count of the lines the conditional format
colours (:mod:`.mark`), so a sentence never says what the tables and the sheet do not.
"""

from __future__ import annotations

import re
from typing import Any

from ..korean import josa, to_won, unit_factor, won_words
from ..model import Finding
from ..numformat import tri
from ..rates import rate
from ..reading import Table
from ..settings import Settings
from .context import records, total
from .context import units as table_units

#: The sentence each input table gives (a missing table leaves a line saying so instead).
_PARTS = {"세입": "세입", "세출": "세출", "사업별증감": "사업별", "집행현황": "미집행"}


def change_word(value: float | None) -> str:
    if value is None or abs(value) < 1e-9:
        return "동일"
    return "증액" if value > 0 else "감액"


def department_cuts(
    items: list[dict[str, Any]], projects: list[dict[str, Any]], ratio: float = 1.0
) -> list[tuple[str, int, float]]:
    """(담당관, number of projects cut, total cut) in order of appearance, in the unit of
    ``items``; ``ratio`` turns an amount of ``projects`` into that unit."""
    cuts: dict[str, list[float]] = {}
    source = [r for r in items if r.get("수준") == 0] or [
        {**r, "증감": (r.get("증감_기정") or 0) * ratio} for r in projects if r.get("수준") == 1
    ]
    for row in source:
        change = row.get("증감")
        if change is None and row.get("추경") is not None and row.get("기정") is not None:
            change = row["추경"] - row["기정"]
        if change is not None and change < 0:
            cuts.setdefault(row.get("담당관") or "(담당관 미기재)", []).append(change)
    return [(dept, len(v), -sum(v)) for dept, v in cuts.items()]


def _revenue_change(rows: list[dict[str, Any]], added: float, words: Any) -> str:
    """How 세입 went from 당초 to 기정: the rows that changed, named (국고보조금등 is
    간주처리, as the report writes it), else the total change."""
    changed = [
        r
        for r in rows
        if r.get("수준") not in (0, None)
        and r.get("_kind", "line") == "line"
        and r.get("당초") is not None
        and r.get("기정") is not None
        and abs(r["기정"] - r["당초"]) > 1e-9
    ]
    verb = "증액한" if added >= 0 else "감액한"
    if changed and all("보조금" in str(r.get("세부") or r.get("구분")) for r in changed):
        names = ", ".join(
            f"{r.get('세부') or r.get('구분')} {words(r['기정'] - r['당초'])}" for r in changed
        )
        return f"{josa(names, '을')} 간주처리한"
    return f"{josa(words(abs(added)), '을')} {verb}"


#: Projects a department's line of the 라. sentence names; the rest are counted ("외 1,234개
#: 사업"): a city's department can have thousands, and a sentence is read, not searched
#: (검토_미집행 lists them all).  The seed's departments have at most 7.
NAMED_PROJECTS = 10


def _not_spent_at_all(flagged: list[dict[str, Any]], as_of: str) -> str:
    """라. 집행실적 저조: by department, the lines of which nothing at all is spent."""
    by_dept: dict[str, dict[str, list[str]]] = {}
    for line in flagged:
        if line.get("spent") not in (0, 0.0) or not line.get("budget"):
            continue
        dept = line["department"] or "(담당관 미기재)"
        by_dept.setdefault(dept, {}).setdefault(line["project"], []).append(line["item"])
    if not by_dept:
        return ""
    parts = []
    for i, (dept, projects) in enumerate(by_dept.items()):
        shown = list(projects.items())[:NAMED_PROJECTS]
        names = ", ".join(
            f"“{p}({', '.join(i for i in items if i)})”" if any(items) else f"“{p}”"
            for p, items in shown
        )
        more = len(projects) - len(shown)
        rest = f" 외 {more:,}개 사업" if more else " 사업"
        parts.append(f"{'○ 특히, ' if i == 0 else '- '}{dept}의 사업 중 {names}{rest}")
    month = re.search(r"\d{4}\D+(\d{1,2})\D", as_of + " ")
    quarter = (int(month.group(1)) - 1) // 3 if month else 0
    when = f"{quarter}분기가 지난 시점에서" if quarter else "현재"
    return ",\n".join(parts) + f" 등은 {when} 예산 전액이 집행되지 않고 있음."


def sentences(
    tables: dict[str, Table],
    settings: Settings,
    findings: list[Finding],
    flagged: list[dict[str, Any]],
) -> dict[str, str]:
    """The report's standard sentences, keyed by the part of the report they belong to."""
    s = settings
    digits = s.digits
    office, year, round_ = (s.text(k, "") or "○○" for k in ("소관", "회계연도", "회차"))
    units = table_units(tables)
    summary_unit = units["세출"]
    out: dict[str, str] = {}

    def won(
        x: float, unit: str = summary_unit, precision: str | None = None, spaced: bool | None = None
    ) -> str:
        try:
            return won_words(x, unit, precision, s.spaced if spaced is None else spaced)
        except ValueError:  # an absurd amount in the data: the check reports it, words cannot
            return "(금액 표시 불가)"

    def said(x: float, unit: str, spaced: bool = False) -> str:
        """An amount as the report writes it in a running sentence: exact to the 만원 below
        1억 ("3천4백4십만원"), cut to the 백만원 above ("3억 5천 9백만원")."""
        try:
            exact = abs(to_won(x, unit))
        except ValueError:
            return "(금액 표시 불가)"
        return won(x, unit, "만원" if exact < 10**8 else "백만원", spaced)

    def rate_text(new: float, base: float) -> str:
        return f"{tri(abs(rate(new, base, digits) or 0), digits)}%"

    for key, part in _PARTS.items():
        if key not in tables:
            out[part] = f"※ {key} 표가 통합문서에 없어 이 부분은 검토하지 않았음."
    revenue = total(records(tables.get("세입")))
    if revenue.get("기정") is not None and revenue.get("당초") is not None:
        added = revenue["기정"] - revenue["당초"]
        new = revenue.get("추경")
        tail = (
            "기정예산과 같은 " + won(new, units["세입"])
            if new is not None and new == revenue["기정"]
            else (
                f"기정예산 대비 {rate_text(new, revenue['기정'])} "
                f"{change_word(new - revenue['기정'])}된 {won(new, units['세입'])}"
                if new is not None
                else "(추경 값 없음)"
            )
        )
        how = _revenue_change(records(tables.get("세입")), added, lambda x: won(x, units["세입"]))
        out["세입"] = (
            f"○ {year}년 {office} 세입 기정예산은 당초예산 {won(revenue['당초'], units['세입'])}"
            f"에서 {how} {won(revenue['기정'], units['세입'])}이며, {office} 소관 {year}년도 "
            f"{round_} 추가경정세입예산은 {tail}임."
        )
    spend = total(records(tables.get("세출")))
    if spend.get("기정") is not None and spend.get("추경") is not None:
        spend_rate = rate_text(spend["추경"], spend["기정"])
        out["세출"] = (
            f"○ {office} 소관 {year}년도 {round_} 추가경정세출예산은 "
            f"{won(spend['추경'])}으로 기정 예산 {won(spend['기정'])} 대비 "
            f"{spend_rate} {change_word(spend['추경'] - spend['기정'])}"
            f"된 수준이며, 그 내역은 다음과 같음."
        )
        item_unit = units["통계목증감"]
        ratio = unit_factor(units["사업별증감"]) / unit_factor(item_unit)
        cuts = department_cuts(
            records(tables.get("통계목증감")), records(tables.get("사업별증감")), ratio
        )
        if cuts:
            cut_total = sum(c for _, _, c in cuts)
            parts = ", ".join(f"{d} {n}건({said(c, item_unit)})" for d, n, c in cuts)
            out["감액내역"] = (
                f"○ 기정 예산 대비 {spend_rate}({said(cut_total, item_unit)}) 감액하고자 하는 "
                f"것으로, {josa(parts, '을')} 감액 편성하여 제출하였음."
            )
    projects = [p for p in records(tables.get("사업별증감")) if p.get("수준") != 0]
    if projects:
        cut = [p for p in projects if (p.get("증감_기정") or 0) < 0]
        which = (
            f"{len(projects)}개 모두"
            if len(cut) == len(projects)
            else f"{len(projects)}개 중 {len(cut)}개 사업이"
        )
        out["사업별"] = (
            f"○ 주요 사업 {which} 기정 대비 감액되었으며, 감액 합계는 "
            f"{won(-sum(p['증감_기정'] for p in cut), units['사업별증감'])}임."
            if cut
            else f"○ 주요 사업 {len(projects)}개의 증감내역은 다음과 같음."
        )
    execution = tables.get("집행현황")
    if execution is not None and len(execution.frame):
        budget = sum(r["budget"] or 0 for r in flagged)
        balance = sum((r["budget"] or 0) - (r["spent"] or 0) for r in flagged)
        exec_unit = units["집행현황"]
        as_of = s.text("기준일", "")
        when = f"{as_of} 기준 " if as_of else ""
        lines = len(execution.frame)
        figures = (
            f"예산현액 {won(budget, exec_unit, '백만원')}, "
            f"지출잔액 {won(balance, exec_unit, '백만원')}"
        )
        if len(flagged) == lines:  # the table holds only the low-execution lines
            text = (
                f"○ {when}{office} 소관 불용률 {s.threshold:g}% 이상 미집행 사업(통계목)은 "
                f"{lines}건({figures})"
            )
        else:
            text = (
                f"○ {when}{office} 소관 집행현황 {lines}건 중 불용률이 {s.threshold:g}% 이상인 "
                f"것은 {len(flagged)}건({figures})"
            )
        if "지출원인행위액" in execution.frame:
            low = sum(bool(r.get("low_contract")) for r in flagged)
            text += (
                f"이며, 이 중 지출원인행위액이 예산현액의 {s.contract_threshold:g}% 미만으로 "
                f"계약조차 저조한 것은 {low}건임."
            )
        else:
            text += "임(지출원인행위액 자료가 없어 계약 여부는 알 수 없음)."
        out["미집행"] = text
        unspent = _not_spent_at_all(flagged, s.text("기준일", ""))
        if unspent:
            out["미집행_전액"] = unspent
        if "지출원인행위액" in execution.frame:
            out["미집행_구분"] = (
                f"※ 구분: 계약 저조 = 지출원인행위액이 예산현액의 {s.contract_threshold:g}% "
                "미만(계약조차 저조), 지출 저조 = 계약은 되었으나 지출이 저조"
            )
        only_flagged = " (이 표에는 불용률 기준 이상인 줄만 있어, 그 줄들의 집행률임)"
        out["미집행_부서"] = (
            f"※ 담당관별 예산현액·지출액·집행률은 집행현황 표의 {lines}건 전체 기준"
            + (only_flagged if len(flagged) == lines else "")
        )
    projects_it = tables.get("정보화사업")
    if projects_it is not None and len(projects_it.frame):
        frame = projects_it.frame
        n = len(frame)
        money = frame["사업예산"].sum(min_count=1) if "사업예산" in frame else None
        amount = (
            f"(사업예산 합계 {won(money, units['정보화사업'], '백만원')})"
            if money is not None and money == money
            else ""
        )
        out["정보화사업"] = (
            f"○ {office}의 정보화사업은 현재 {josa(f'{n}개 사업{amount}', '이')} 추진되고 있음."
        )
        out["정보화사업_자료"] = (
            f"※ 자료: 통합문서의 정보화사업 표(시트 '{projects_it.sheet}', {n}개 사업)"
        )
    counts = {k: sum(f.severity == k for f in findings) for k in ("오류", "경고", "참고")}
    out["점검"] = (
        f"○ 제출된 표의 합계·증감·증감율·지출잔액·불용률을 표시된 숫자의 반올림을 감안하여 "
        f"다시 계산한 결과, 오류 {counts['오류']}건, 경고 {counts['경고']}건, "
        f"참고 {counts['참고']}건이 있음."
        if any(counts.values())
        else "○ 제출된 표를 다시 계산한 결과, 반올림으로 설명되지 않는 불일치는 없음."
    )
    return out
