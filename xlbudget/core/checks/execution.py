"""집행현황: 예산현액, 지출액, 지출잔액 and 불용률 of each line, within rounding."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..model import Finding
from ..rates import change_array, unspent_rate_array
from ..reading import Table
from ..settings import Settings
from .tolerance import EPS, HALF, amount, label, pct, rate_feasible


def check_execution(table: Table, settings: Settings) -> list[Finding]:
    """집행현황: 지출잔액 = 예산현액 − 지출액 and 불용률 = 지출잔액 / 예산현액, within rounding."""
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
        np.isfinite(budget) & (budget <= 0),
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
        balance = frame["지출잔액"].to_numpy(dtype=float) if "지출잔액" in frame else None
        ok = rate_feasible(
            -shown, np.nan_to_num(spent), budget, None if balance is None else -balance, digits
        )
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
