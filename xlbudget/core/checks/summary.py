"""세입, 세출 and 사업별증감: hierarchy sums, empty cells, differences and rates.

A summary table's rows nest by 수준 (0 = 합계/총계, 1 = its parts, 2 = theirs); every total
must equal the sum of the rows one level under it, within the rounding of the figures
shown (see :mod:`.tolerance`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..korean import josa
from ..model import Finding
from ..rates import change_array
from ..reading import Table
from ..settings import DEFAULT_DIGITS, Settings
from .tolerance import EPS, amount, label, pct, rate_feasible


def children(levels: np.ndarray, i: int) -> list[int]:
    """Rows directly under row i: the following rows one level deeper, until the level returns."""
    out = []
    for j in range(i + 1, len(levels)):
        if levels[j] <= levels[i]:
            break
        if levels[j] == levels[i] + 1:
            out.append(j)
    return out


def child_lists(frame: pd.DataFrame) -> list[list[int]]:
    """The rows directly under each row: by the parent the reader gave each row (a table
    typed without 수준, its totals above or below their parts), else by 수준 as typed."""
    if "_parent" in frame:
        out: list[list[int]] = [[] for _ in range(len(frame))]
        for j, parent in enumerate(frame["_parent"].fillna(-1).astype(int)):
            if parent >= 0:
                out[parent].append(j)
        return out
    if "수준" not in frame:
        return [[] for _ in range(len(frame))]
    levels = frame["수준"].fillna(99).to_numpy()
    return [children(levels, i) for i in range(len(frame))]


def check_hierarchy(table: Table, columns: tuple[str, ...]) -> list[Finding]:
    """Every 합계/소계 row equals the sum of the rows one level under it, within rounding."""
    frame = table.frame
    if "수준" not in frame:
        return []
    findings: list[Finding] = []
    for i, kids in enumerate(child_lists(frame)):
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
            tolerance = table.half * (len(kids) + 1)
            if abs(total - expected) > tolerance + EPS:
                hint = _mislabel_hint(table, kids, column, total)
                findings.append(
                    table.finding(
                        i,
                        column,
                        "SUM",
                        "오류",
                        f"{label(table, i)}의 {column} {josa(amount(total), '이')} 하위 "
                        f"{len(kids)}개 행의 합 {josa(amount(expected), '과')} 다릅니다"
                        f"(차이 {amount(total - expected)}, 반올림 허용 ±{tolerance:g}).{hint}",
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
            if abs(frame[column].iat[i] - part) <= table.half * (len(group) + 1):
                others = [k for k in kids if k not in group.index]
                rest = float(np.nansum(frame[column].iloc[others].to_numpy(dtype=float)))
                same = abs(rest - total) <= table.half * (len(kids) + 1)
                return (
                    f" {label(table, i)} 행의 값({amount(frame[column].iat[i])})이 "
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
            table.finding(
                int(i),
                present[j],
                "MISSING",
                "경고",
                f"{label(table, int(i))}의 {present[j]} 값이 비어 있습니다.",
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
        expected = change_array(new, base)
        off = np.abs(diff - expected) > 3 * table.half + EPS
        bad = np.isfinite(diff) & np.isfinite(new) & off
        for i in np.flatnonzero(bad):
            findings.append(
                table.finding(
                    int(i),
                    diff_col,
                    "DIFF",
                    "오류",
                    f"{label(table, int(i))}의 {diff_col} {josa(amount(diff[i]), '이')} "
                    f"{new_col} − {base_col} = {josa(amount(expected[i]), '과')} 다릅니다.",
                )
            )
    return findings


def check_rates(
    table: Table, rates: tuple[tuple[str, str, str, str], ...], digits: int = DEFAULT_DIGITS
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
        # Explained by the amounts or by the shown 증감: not the wrong cell (a wrong 증감 is
        # DIFF's finding, and the rate that the amounts give stands).
        ok = rate_feasible(shown, new, base, None, digits, table.half)
        if diff is not None:
            ok |= np.isfinite(diff) & rate_feasible(shown, None, base, diff, digits, table.half)
        zero_base = np.isfinite(base) & (np.abs(base) <= EPS)
        for i in np.flatnonzero(~ok):
            n = new[i] if new is not None else np.nan
            findings.append(
                table.finding(
                    int(i),
                    rate_col,
                    "RATE",
                    "오류",
                    f"{label(table, int(i))}의 {rate_col} {pct(shown[i], digits)}%는 표시된 "
                    f"{base_col} {amount(base[i])}, {new_col} {amount(n)}에서 반올림으로 나올 수 "
                    f"없는 값입니다.",
                )
            )
        for i in np.flatnonzero(zero_base & np.isfinite(shown) & (np.abs(shown) > EPS)):
            findings.append(
                table.finding(
                    int(i),
                    rate_col,
                    "RATE_ZERO_BASE",
                    "오류",
                    f"{label(table, int(i))}의 {josa(base_col, '이')} 0인데 {josa(rate_col, '이')} "
                    f"{pct(shown[i], digits)}%입니다(빈칸이어야 함).",
                )
            )
    return findings


_SUMMARY_PAIRS = (("증감_당초", "추경", "당초"), ("증감_기정", "추경", "기정"))
_SUMMARY_RATES = (
    ("증감율_당초", "추경", "당초", "증감_당초"),
    ("증감율_기정", "추경", "기정", "증감_기정"),
)
_SUMMARY_AMOUNTS = ("당초", "기정", "추경", "증감_당초", "증감_기정")


def check_summary(table: Table, settings: Settings) -> list[Finding]:
    """세입, 세출, 사업별증감: hierarchy sums, empty cells, differences, rates."""
    digits = settings.digits
    return [
        *check_missing(table, ("당초", "기정", "추경")),
        *check_hierarchy(table, _SUMMARY_AMOUNTS),
        *check_differences(table, _SUMMARY_PAIRS),
        *check_rates(table, _SUMMARY_RATES, digits),
    ]
