"""집행현황: 예산현액, 지출액, 지출잔액 and 불용률 of each line, within rounding."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from ..korean import josa
from ..model import Finding
from ..rates import change_array, unspent_rate_array
from ..reading import Table
from ..schema import name_key
from ..settings import Settings
from .summary import check_hierarchy
from .tolerance import EPS, amount, label, pct, rate_feasible


def check_execution(table: Table, settings: Settings) -> list[Finding]:
    """집행현황: each line's and each 합계/소계 row's figures, and each total's sum."""
    findings = check_rows(table, settings)
    if not table.totals.empty:
        totals = Table(table.spec, table.blocks, table.totals, half=table.half)
        findings += check_rows(totals, settings, lines=False)
        findings += check_totals(table)
    return findings


def check_rows(table: Table, settings: Settings, lines: bool = True) -> list[Finding]:
    """지출잔액 = 예산현액 − 지출액 and 불용률 = 지출잔액 / 예산현액, within rounding."""
    digits = settings.digits
    frame = table.frame
    budget = frame["예산현액"].to_numpy(dtype=float)
    spent = frame["지출액"].to_numpy(dtype=float)
    findings: list[Finding] = []
    add = findings.append

    def each(
        mask: np.ndarray, column: str, rule: str, severity: str, message: Callable[[int], str]
    ) -> None:
        for i in np.flatnonzero(mask):
            add(table.finding(int(i), column, rule, severity, message(int(i))))

    each(
        ~np.isfinite(budget) & lines,
        "예산현액",
        "NO_AMOUNTS",
        "경고",
        lambda i: (
            f"{label(table, i)}에 예산현액이 없어 이 줄은 점검하지 못했습니다"
            + ("(금액이 하나도 없음)." if not np.isfinite(spent[i]) else ".")
        ),
    )
    each(
        np.isfinite(budget) & (budget <= 0) & lines,
        "예산현액",
        "BUDGET_NOT_POSITIVE",
        "경고",
        lambda i: f"{label(table, i)}의 예산현액이 {amount(budget[i])}입니다(0보다 커야 함).",
    )
    each(
        np.isfinite(spent) & np.isfinite(budget) & (spent > budget + EPS),
        "지출액",
        "SPENT_OVER_BUDGET",
        "경고",
        lambda i: (
            f"{label(table, i)}의 지출액 {josa(amount(spent[i]), '이')} 예산현액 "
            f"{amount(budget[i])}보다 큽니다."
        ),
    )
    if "지출원인행위액" in frame:
        obligated = frame["지출원인행위액"].to_numpy(dtype=float)
        each(
            np.isfinite(obligated) & np.isfinite(spent) & (spent > obligated + 2 * table.half),
            "지출액",
            "SPENT_OVER_OBLIGATION",
            "경고",
            lambda i: (
                f"{label(table, i)}의 지출액 {josa(amount(spent[i]), '이')} 지출원인행위액 "
                f"{amount(obligated[i])}보다 큽니다."
            ),
        )
    if "지출잔액" in frame and lines:  # a total's 지출잔액 is checked as a sum of its lines'
        balance = frame["지출잔액"].to_numpy(dtype=float)
        expected = change_array(budget, spent)
        each(
            np.isfinite(balance) & (np.abs(balance - expected) > 3 * table.half + EPS),
            "지출잔액",
            "BALANCE",
            "오류",
            lambda i: (
                f"{label(table, i)}의 지출잔액 {josa(amount(balance[i]), '이')} 예산현액 − "
                f"지출액 = {josa(amount(expected[i]), '과')} 다릅니다."
            ),
        )
    if "불용률" in frame:
        shown = frame["불용률"].to_numpy(dtype=float)
        # 불용률 = −(증감율 of 지출액 over 예산현액); the shown 지출잔액 is that change, negated.
        # A rate that either the 지출액 or the shown 지출잔액 explains is not the wrong cell:
        # when only the 지출잔액 is wrong, BALANCE says so and the rate stands.
        half = table.half
        ok = rate_feasible(-shown, np.nan_to_num(spent), budget, None, digits, half)
        if "지출잔액" in frame:
            balance = frame["지출잔액"].to_numpy(dtype=float)
            ok |= np.isfinite(balance) & rate_feasible(-shown, None, budget, -balance, digits, half)
        computed = unspent_rate_array(budget, spent, digits)
        each(
            ~ok,
            "불용률",
            "UNSPENT_RATE",
            "오류",
            lambda i: (
                f"{label(table, i)}의 불용률 {pct(shown[i], digits)}%는 예산현액 "
                f"{amount(budget[i])}, 지출액 {amount(spent[i])}에서 나올 수 없습니다"
                f"(계산값 {pct(computed[i], digits)}%)."
            ),
        )
    return findings


AMOUNTS = ("예산현액", "지출원인행위액", "지출액", "지출잔액")


def check_totals(table: Table) -> list[Finding]:
    """Each 합계/소계 row of a flat table against the lines it covers, within rounding.

    Which lines a total covers is read from the layout, as an officer would: a 소계 covers
    the lines of its project (the 세부사업 its row names, merged or typed) between it and
    the previous total or department row — below its lines, or above them when the block's
    first 소계 stands above its lines, as reports print it; a 합계 covers its block's lines
    before it (after it, when it stands first).  An unnamed 소계 may total its department's
    lines or only the project just above it: it is wrong only if it matches neither.
    """
    frame, totals = table.frame, table.totals
    findings: list[Finding] = []
    projects = frame["세부사업"].map(name_key).to_numpy() if "세부사업" in frame else None
    for index, block in enumerate(table.blocks):
        lines = frame.index[frame["_block"] == index].to_numpy()
        rows = frame["_row"].to_numpy()[lines]
        mine = totals.index[totals["_block"] == index]
        groups = [s.row for s in block.skipped if s.kind == "group"]
        bounds = sorted([*groups, *(int(totals["_row"].iat[t]) for t in mine)])
        kinds_ = {int(totals["_row"].iat[t]): totals["_kind"].iat[t] for t in mine}
        subtotals = sorted(r for r, k in kinds_.items() if k == "subtotal")
        top = (
            bool(subtotals)
            and not _between(rows, _before(bounds, subtotals[0]), subtotals[0]).any()
        )
        for t in mine:
            row = int(totals["_row"].iat[t])
            candidates = _scopes(row, kinds_[row], top, rows, bounds, kinds_)
            name = name_key(totals["세부사업"].iat[t]) if "세부사업" in totals else ""
            if name and projects is not None and kinds_[row] == "subtotal":
                named = [m & (projects[lines] == name) for m in candidates]
                candidates = [m for m in named if m.any()] or candidates
            candidates += [
                run for m in candidates for run in _adjacent_run(m, row, rows, projects, lines)
            ]
            first: list[Finding] | None = None
            for mask in candidates:
                covered = lines[mask]
                if covered.size == 0:
                    continue
                sub = Table(
                    table.spec,
                    table.blocks,
                    pd.concat([totals.loc[[t]], frame.loc[covered]], ignore_index=True),
                    half=table.half,
                )
                sub.frame["수준"] = [0] + [1] * covered.size
                sub.frame = sub.frame.drop(columns="_parent", errors="ignore")
                found = check_hierarchy(sub, AMOUNTS)
                if not found:
                    first = []
                    break
                if first is None:
                    first = found
            findings += first or []
    return findings


def _scopes(
    row: int, kind: str, top: bool, rows: np.ndarray, bounds: list[int], kinds_: dict[int, str]
) -> list[np.ndarray]:
    """The windows of lines a total at ``row`` may cover, the likeliest first."""
    if kind == "subtotal":
        before = _between(rows, _before(bounds, row), row)
        after = _between(rows, row, _after(bounds, row))
        return [after, before] if top else [before, after]
    start = max((r for r, k in kinds_.items() if k == "total" and r < row), default=-1)
    before = _between(rows, start, row)
    after = _between(rows, row, 1 << 30)
    return [before, after] if before.any() else [after]


def _adjacent_run(
    mask: np.ndarray, row: int, rows: np.ndarray, projects: np.ndarray | None, lines: np.ndarray
) -> list[np.ndarray]:
    """Within a window, the lines of the one project next to the total (a project 소계 that
    shares its window with single-line projects, which have no 소계 of their own)."""
    if projects is None or not mask.any():
        return []
    names = projects[lines]
    picked = np.flatnonzero(mask)
    nearest = picked[-1] if rows[picked[-1]] < row else picked[0]
    return [mask & (names == names[nearest])]


def _between(rows: np.ndarray, low: int, high: int) -> np.ndarray:
    return (rows > low) & (rows < high)


def _before(bounds: list[int], row: int) -> int:
    return max((b for b in bounds if b < row), default=-1)


def _after(bounds: list[int], row: int) -> int:
    return min((b for b in bounds if b > row), default=1 << 30)
