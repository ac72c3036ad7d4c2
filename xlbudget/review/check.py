"""Check the submitted tables: sums, differences, rates and execution figures.

Each check is ``check_*(table, ...) -> list[Finding]`` and never raises.  A figure as printed
is rounded: a table in 백만원 made from 천원 figures shows each number within ±0.5 of its true
value.  So a check asks whether *any* true values consistent with the shown ones could give
the shown result — the interval the shown figures allow — and reports only what no rounding
can explain: a 합계 off by more than its parts' rounding, a rate that no unrounded figures
could give (1,294.0% from 5,265 and 378 is possible; 1,394.0% is not), a mislabelled row.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..core.numformat import tri
from ..core.rates import unspent_rate_array
from ..schema import normalize_header
from .model import Finding, a1
from .read import Table

HALF = 0.5  # a shown amount is within ±0.5 of its unit of its true value
EPS = 1e-9


def _amount(value: float) -> str:
    return tri(value) if np.isfinite(value) else "(빈칸)"


def _pct(value: float, digits: int) -> str:
    """A rate as text for a message; a value that overflowed is said to be so."""
    return tri(value, digits) if np.isfinite(value) else "(계산 불가)"


def _label(table: Table, i: int) -> str:
    frame = table.frame
    for column in ("세부", "세부사업", "구분", "통계목", "사업명"):
        if column in frame and frame[column].iat[i]:
            label = frame[column].iat[i]
            if column == "세부" and "구분" in frame and frame["구분"].iat[i] not in ("", label):
                label = f"{frame['구분'].iat[i]} {label}"
            if column == "세부사업" and "통계목" in frame and frame["통계목"].iat[i]:
                label = f"{label}({frame['통계목'].iat[i]})"
            return f"'{label}'"
    return f"{int(frame['_row'].iat[i]) + 1}행"


# ----------------------------------------------------------------------------- intervals


def _ratio_bounds(num: np.ndarray, den: np.ndarray, h: float) -> tuple[np.ndarray, np.ndarray]:
    """Bounds of N/D for true N, D within ±h of the shown num, den (den − h > 0)."""
    corners = np.stack([(num + a) / (den + b) for a in (-h, h) for b in (-h, h)])
    return corners.min(axis=0), corners.max(axis=0)


def _rate_feasible(
    shown: np.ndarray,
    new: np.ndarray | None,
    base: np.ndarray,
    diff: np.ndarray | None,
    digits: int = 1,
) -> np.ndarray:
    """True where the shown rate (percent) is possible for some true figures behind the shown.

    Two relaxations, each a superset of what is possible: from new and base, and from the
    shown difference and base; a rate outside their intersection is impossible.
    """
    half_rate = 0.5 * 10.0**-digits
    ok_base = base - HALF > EPS
    lo = np.full(shown.shape, -np.inf)
    hi = np.full(shown.shape, np.inf)
    with np.errstate(invalid="ignore", divide="ignore"):
        safe_base = np.where(ok_base, base, 1.0)
        if new is not None:
            l1, h1 = _ratio_bounds(np.nan_to_num(new), safe_base, HALF)
            has = np.isfinite(new)
            lo = np.where(has, np.maximum(lo, (l1 - 1) * 100), lo)
            hi = np.where(has, np.minimum(hi, (h1 - 1) * 100), hi)
        if diff is not None:
            l2, h2 = _ratio_bounds(np.nan_to_num(diff), safe_base, HALF)
            has = np.isfinite(diff)
            lo = np.where(has, np.maximum(lo, l2 * 100), lo)
            hi = np.where(has, np.minimum(hi, h2 * 100), hi)
    inside = (shown >= lo - half_rate - 1e-7) & (shown <= hi + half_rate + 1e-7)
    return ~ok_base | ~np.isfinite(shown) | inside


# ----------------------------------------------------------------------------- summaries


def _children(levels: np.ndarray, i: int) -> list[int]:
    """Rows directly under row i: the following rows one level deeper, until the level returns."""
    out = []
    for j in range(i + 1, len(levels)):
        if levels[j] <= levels[i]:
            break
        if levels[j] == levels[i] + 1:
            out.append(j)
    return out


def check_hierarchy(table: Table, columns: tuple[str, ...]) -> list[Finding]:
    """Every 합계/소계 row equals the sum of the rows one level under it, within rounding."""
    frame = table.frame
    if "수준" not in frame:
        return []
    levels = frame["수준"].fillna(99).to_numpy()
    findings: list[Finding] = []
    for i in range(len(frame)):
        kids = _children(levels, i)
        if not kids:
            continue
        for column in columns:
            if column not in frame:
                continue
            total = frame[column].iat[i]
            parts = frame[column].iloc[kids].to_numpy(dtype=float)
            if not np.isfinite(total) or not np.isfinite(parts).any():
                continue
            expected = float(np.nansum(parts))
            tolerance = HALF * (len(kids) + 1)
            if abs(total - expected) > tolerance + EPS:
                hint = _mislabel_hint(table, kids, column, total)
                findings.append(
                    Finding(
                        table.sheet,
                        table.cell(i, column),
                        "SUM",
                        "오류",
                        f"{_label(table, i)}의 {column} {_amount(total)}이(가) 하위 {len(kids)}개 "
                        f"행의 합 {_amount(expected)}과 다릅니다(차이 {_amount(total - expected)}, "
                        f"반올림 허용 ±{tolerance:g}).{hint}",
                    )
                )
    return findings


def _mislabel_hint(table: Table, kids: list[int], column: str, total: float) -> str:
    """Explain a sum error by a row that repeats a group's subtotal under its own name."""
    frame = table.frame
    if "구분" not in frame:
        return ""
    groups = frame.iloc[kids].groupby("구분", sort=False)
    for i in kids:
        for name, group in groups:
            if name == frame["구분"].iat[i] or len(group) < 2:
                continue
            part = float(np.nansum(group[column].to_numpy(dtype=float)))
            if abs(frame[column].iat[i] - part) <= HALF * (len(group) + 1):
                others = [k for k in kids if k not in group.index]
                rest = float(np.nansum(frame[column].iloc[others].to_numpy(dtype=float)))
                same = abs(rest - total) <= HALF * (len(kids) + 1)
                return (
                    f" {_label(table, i)} 행의 값({_amount(frame[column].iat[i])})이 "
                    f"'{name}' {len(group)}개 행의 합과 같습니다: 소계가 잘못된 이름으로 "
                    f"들어간 것으로 보입니다"
                    + (f"(합계는 '{name}' 세부 행을 뺀 합과 같음)." if same else ".")
                )
    return ""


def check_missing(table: Table, columns: tuple[str, ...]) -> list[Finding]:
    """A row with some amounts but an empty cell in a required amount column."""
    frame = table.frame
    present = [c for c in columns if c in frame]
    if not present:
        return []
    values = frame[present].to_numpy(dtype=float)
    partial = np.isfinite(values).any(axis=1)
    findings = []
    for i, j in zip(*np.nonzero(~np.isfinite(values) & partial[:, None]), strict=True):
        findings.append(
            Finding(
                table.sheet,
                table.cell(int(i), present[j]),
                "MISSING",
                "경고",
                f"{_label(table, int(i))}의 {present[j]} 값이 비어 있습니다.",
            )
        )
    return findings


def check_differences(table: Table, pairs: tuple[tuple[str, str, str], ...]) -> list[Finding]:
    """증감 = new − base, within the rounding of three shown figures."""
    frame = table.frame
    findings = []
    for diff_col, new_col, base_col in pairs:
        if not {diff_col, new_col, base_col} <= set(frame):
            continue
        diff, new, base = (frame[c].to_numpy(dtype=float) for c in (diff_col, new_col, base_col))
        expected = np.nan_to_num(new) - np.nan_to_num(base)
        bad = np.isfinite(diff) & np.isfinite(new) & (np.abs(diff - expected) > 3 * HALF + EPS)
        for i in np.flatnonzero(bad):
            findings.append(
                Finding(
                    table.sheet,
                    table.cell(int(i), diff_col),
                    "DIFF",
                    "오류",
                    f"{_label(table, int(i))}의 {diff_col} {_amount(diff[i])}이(가) {new_col} − "
                    f"{base_col} = {_amount(expected[i])}과 다릅니다.",
                )
            )
    return findings


def check_rates(
    table: Table, rates: tuple[tuple[str, str, str, str], ...], digits: int = 1
) -> list[Finding]:
    """증감율 possible for some true figures behind the shown ones; blank iff base is 0."""
    frame = table.frame
    findings = []
    for rate_col, new_col, base_col, diff_col in rates:
        if not {rate_col, base_col} <= set(frame):
            continue
        shown = frame[rate_col].to_numpy(dtype=float)
        base = frame[base_col].to_numpy(dtype=float)
        new = frame[new_col].to_numpy(dtype=float) if new_col in frame else None
        diff = frame[diff_col].to_numpy(dtype=float) if diff_col in frame else None
        ok = _rate_feasible(shown, new, base, diff, digits)
        zero_base = np.isfinite(base) & (np.abs(base) <= EPS)
        for i in np.flatnonzero(~ok):
            n = new[i] if new is not None else np.nan
            findings.append(
                Finding(
                    table.sheet,
                    table.cell(int(i), rate_col),
                    "RATE",
                    "오류",
                    f"{_label(table, int(i))}의 {rate_col} {_pct(shown[i], digits)}%는 표시된 "
                    f"{base_col} {_amount(base[i])}, {new_col} {_amount(n)}에서 반올림으로 나올 수 "
                    f"없는 값입니다.",
                )
            )
        for i in np.flatnonzero(zero_base & np.isfinite(shown) & (np.abs(shown) > EPS)):
            findings.append(
                Finding(
                    table.sheet,
                    table.cell(int(i), rate_col),
                    "RATE_ZERO_BASE",
                    "오류",
                    f"{_label(table, int(i))}의 {base_col}이(가) 0인데 {rate_col}이(가) "
                    f"{_pct(shown[i], digits)}%입니다(빈칸이어야 함).",
                )
            )
    return findings


_SUMMARY_PAIRS = (("증감_당초", "추경", "당초"), ("증감_기정", "추경", "기정"))
_SUMMARY_RATES = (
    ("증감율_당초", "추경", "당초", "증감_당초"),
    ("증감율_기정", "추경", "기정", "증감_기정"),
)
_SUMMARY_AMOUNTS = ("당초", "기정", "추경", "증감_당초", "증감_기정")


def check_summary(table: Table, digits: int = 1) -> list[Finding]:
    """세입, 세출, 사업별증감: hierarchy sums, empty cells, differences, rates."""
    return [
        *check_missing(table, ("당초", "기정", "추경")),
        *check_hierarchy(table, _SUMMARY_AMOUNTS),
        *check_differences(table, _SUMMARY_PAIRS),
        *check_rates(table, _SUMMARY_RATES, digits),
    ]


# ----------------------------------------------------------------------------- items


def check_items(table: Table) -> list[Finding]:
    """통계목증감: row 증감 = 추경 − 기정; a project's 증감 = the sum of its items' changes.

    Amount sums are checked only where a project lists unchanged items too (a change of 0):
    the 낙찰차액 blocks list only the changed items, so their amounts cannot add up.
    """
    frame = table.frame
    findings = check_differences(table, (("증감", "추경", "기정"),))
    levels = frame["수준"].fillna(99).to_numpy()
    change = (
        np.where(
            frame["증감"].notna(), frame["증감"], frame["추경"].fillna(0) - frame["기정"].fillna(0)
        )
        if "증감" in frame
        else (frame["추경"].fillna(0) - frame["기정"].fillna(0)).to_numpy()
    )
    for i in range(len(frame)):
        kids = _children(levels, i)
        if not kids:
            continue
        expected = float(np.sum(change[kids]))
        total = float(change[i])
        if abs(total - expected) > HALF * (len(kids) + 1) + EPS:
            findings.append(
                Finding(
                    table.sheet,
                    table.cell(i, "증감" if "증감" in frame else "추경"),
                    "SUM",
                    "오류",
                    f"{_label(table, i)}의 증감 {_amount(total)}이(가) 통계목별 증감의 합 "
                    f"{_amount(expected)}과 다릅니다.",
                )
            )
        if np.any(np.abs(change[kids]) <= EPS):
            sub = Table(
                table.spec, table.ref, frame.iloc[[i, *kids]].reset_index(drop=True), table.cols
            )
            sub.frame["수준"] = [0] + [1] * len(kids)
            findings += check_hierarchy(sub, ("기정", "추경"))
    return findings


# ----------------------------------------------------------------------------- execution


def check_execution(table: Table, digits: int = 1) -> list[Finding]:
    """집행현황: 지출잔액 = 예산현액 − 지출액 and 불용률 = 지출잔액 / 예산현액, within rounding."""
    frame = table.frame
    budget = frame["예산현액"].to_numpy(dtype=float)
    spent = frame["지출액"].to_numpy(dtype=float)
    findings: list[Finding] = []
    add = findings.append

    def each(
        mask: np.ndarray, column: str, rule: str, severity: str, message: Callable[[int], str]
    ) -> None:
        for i in np.flatnonzero(mask):
            add(Finding(table.sheet, table.cell(int(i), column), rule, severity, message(int(i))))

    each(
        np.isfinite(budget) & (budget <= 0),
        "예산현액",
        "BUDGET_NOT_POSITIVE",
        "경고",
        lambda i: f"{_label(table, i)}의 예산현액이 {_amount(budget[i])}입니다(0보다 커야 함).",
    )
    each(
        np.isfinite(spent) & np.isfinite(budget) & (spent > budget + EPS),
        "지출액",
        "SPENT_OVER_BUDGET",
        "경고",
        lambda i: (
            f"{_label(table, i)}의 지출액 {_amount(spent[i])}이(가) 예산현액 "
            f"{_amount(budget[i])}보다 큽니다."
        ),
    )
    if "지출원인행위액" in frame:
        obligated = frame["지출원인행위액"].to_numpy(dtype=float)
        each(
            np.isfinite(obligated) & np.isfinite(spent) & (spent > obligated + 2 * HALF),
            "지출액",
            "SPENT_OVER_OBLIGATION",
            "경고",
            lambda i: (
                f"{_label(table, i)}의 지출액 {_amount(spent[i])}이(가) 지출원인행위액 "
                f"{_amount(obligated[i])}보다 큽니다."
            ),
        )
    if "지출잔액" in frame:
        balance = frame["지출잔액"].to_numpy(dtype=float)
        expected = np.nan_to_num(budget) - np.nan_to_num(spent)
        each(
            np.isfinite(balance) & (np.abs(balance - expected) > 3 * HALF + EPS),
            "지출잔액",
            "BALANCE",
            "오류",
            lambda i: (
                f"{_label(table, i)}의 지출잔액 {_amount(balance[i])}이(가) 예산현액 − "
                f"지출액 = {_amount(expected[i])}과 다릅니다."
            ),
        )
    if "불용률" in frame:
        shown = frame["불용률"].to_numpy(dtype=float)
        # 불용률 = −(증감율 of 지출액 over 예산현액); the shown 지출잔액 is that change, negated.
        balance = frame["지출잔액"].to_numpy(dtype=float) if "지출잔액" in frame else None
        ok = _rate_feasible(
            -shown, np.nan_to_num(spent), budget, None if balance is None else -balance, digits
        )
        computed = unspent_rate_array(budget, spent, digits)
        each(
            ~ok,
            "불용률",
            "UNSPENT_RATE",
            "오류",
            lambda i: (
                f"{_label(table, i)}의 불용률 {_pct(shown[i], digits)}%는 예산현액 "
                f"{_amount(budget[i])}, 지출액 {_amount(spent[i])}에서 나올 수 없습니다"
                f"(계산값 {_pct(computed[i], digits)}%)."
            ),
        )
    return findings


# ----------------------------------------------------------------------------- across tables


def check_projects_vs_items(projects: Table, items: Table) -> list[Finding]:
    """A project's change in 사업별증감 (백만원) equals its 통계목 change (천원), rounded."""
    frame = items.frame
    totals = frame[frame["수준"] == 0]
    by_name = {normalize_header(n): i for i, n in enumerate(projects.frame["세부사업"])}
    findings = []
    for _, row in totals.iterrows():
        j = by_name.get(normalize_header(row["세부사업"]))
        if j is None or "증감_기정" not in projects.frame:
            continue
        shown = projects.frame["증감_기정"].iat[j]
        change = row.get("증감", np.nan)  # 증감 is optional in 통계목증감
        if not np.isfinite(change):
            change = row["추경"] - row["기정"]
        item_cell = a1(int(row["_row"]), items.cols.get("증감", items.cols["추경"]))
        if np.isfinite(shown) and abs(shown - change / 1000) > HALF + EPS:
            findings.append(
                Finding(
                    projects.sheet,
                    projects.cell(j, "증감_기정"),
                    "CROSS",
                    "오류",
                    f"{_label(projects, j)}의 증감 {_amount(shown)}백만원이 통계목 표의 증감 "
                    f"{_amount(change)}천원({items.sheet} {item_cell})과 맞지 않습니다.",
                )
            )
    return findings
