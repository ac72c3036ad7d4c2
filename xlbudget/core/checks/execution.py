"""집행현황: 예산현액, 지출액, 지출잔액 and 불용률 of each line, within rounding."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from ..model import Finding
from ..rates import change_array, unspent_rate_array
from ..reading import Table
from ..settings import Settings
from .summary import check_hierarchy
from .tolerance import EPS, HALF, amount, label, pct, rate_feasible


def check_execution(table: Table, settings: Settings) -> list[Finding]:
    """집행현황: each line's and each 합계/소계 row's figures, and each total's sum."""
    findings = check_rows(table, settings)
    if not table.totals.empty:
        totals = Table(table.spec, table.blocks, table.totals)
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
            f"{label(table, i)}의 지출액 {amount(spent[i])}이(가) 예산현액 "
            f"{amount(budget[i])}보다 큽니다."
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
                f"{label(table, i)}의 지출액 {amount(spent[i])}이(가) 지출원인행위액 "
                f"{amount(obligated[i])}보다 큽니다."
            ),
        )
    if "지출잔액" in frame:
        balance = frame["지출잔액"].to_numpy(dtype=float)
        expected = change_array(budget, spent)
        each(
            np.isfinite(balance) & (np.abs(balance - expected) > 3 * HALF + EPS),
            "지출잔액",
            "BALANCE",
            "오류",
            lambda i: (
                f"{label(table, i)}의 지출잔액 {amount(balance[i])}이(가) 예산현액 − "
                f"지출액 = {amount(expected[i])}과 다릅니다."
            ),
        )
    if "불용률" in frame:
        shown = frame["불용률"].to_numpy(dtype=float)
        # 불용률 = −(증감율 of 지출액 over 예산현액); the shown 지출잔액 is that change, negated.
        # A rate that either the 지출액 or the shown 지출잔액 explains is not the wrong cell:
        # when only the 지출잔액 is wrong, BALANCE says so and the rate stands.
        ok = rate_feasible(-shown, np.nan_to_num(spent), budget, None, digits)
        if "지출잔액" in frame:
            balance = frame["지출잔액"].to_numpy(dtype=float)
            ok |= np.isfinite(balance) & rate_feasible(-shown, None, budget, -balance, digits)
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

    A 소계 covers the lines between it and the previous total or department row (printed
    below its lines) or, where the block's first 소계 stands above its lines, the lines
    after it up to the next; a 합계 covers every line of its block before it (or after it,
    when it stands first).
    """
    frame, totals = table.frame, table.totals
    findings: list[Finding] = []
    for index, block in enumerate(table.blocks):
        lines = frame.index[frame["_block"] == index]
        line_rows = frame["_row"].to_numpy()[lines]
        mine = totals.index[totals["_block"] == index]
        groups = sorted(s.row for s in block.skipped if s.kind == "group")
        bounds = sorted([*groups, *totals["_row"].to_numpy()[mine].tolist()])
        subtotal_rows = [
            int(totals["_row"].iat[t]) for t in mine if totals["_kind"].iat[t] == "subtotal"
        ]
        # 소계 above its lines: the first one has no line between it and what precedes it.
        top = (
            bool(subtotal_rows)
            and not _between(line_rows, _before(bounds, subtotal_rows[0]), subtotal_rows[0]).any()
        )
        for t in mine:
            row, kind = int(totals["_row"].iat[t]), totals["_kind"].iat[t]
            if kind == "subtotal":
                if top:
                    scope = _between(line_rows, row, _after(bounds, row))
                else:
                    scope = _between(line_rows, _before(bounds, row), row)
            else:
                earlier = [
                    int(totals["_row"].iat[u])
                    for u in mine
                    if totals["_kind"].iat[u] == "total" and totals["_row"].iat[u] < row
                ]
                start = max(earlier, default=-1)
                scope = _between(line_rows, start, row)
                if not scope.any():
                    scope = _between(line_rows, row, 1 << 30)
            covered = lines[scope]
            if covered.size == 0:
                continue
            sub = Table(
                table.spec,
                table.blocks,
                pd.concat([totals.loc[[t]], frame.loc[covered]], ignore_index=True),
            )
            sub.frame["수준"] = [0] + [1] * covered.size
            findings += check_hierarchy(sub, AMOUNTS)
    return findings


def _between(rows: np.ndarray, low: int, high: int) -> np.ndarray:
    return (rows > low) & (rows < high)


def _before(bounds: list[int], row: int) -> int:
    return max((b for b in bounds if b < row), default=-1)


def _after(bounds: list[int], row: int) -> int:
    return min((b for b in bounds if b > row), default=1 << 30)
