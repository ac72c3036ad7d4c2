"""Changes and rates of a budget review as plain functions: 증감, 증감율, 불용률, 집행률.

Each is the rule of :mod:`xlbudget.core.rules` evaluated on the given values, so the
worksheet functions, the sentences and the checks compute exactly what the conditional
formats and the review sheets' formulas compute in Excel.  Every rate is a percent rounded
half up to a number of decimals (one by default), and blank (None / NaN) over a zero or
empty base, as the seed report leaves 재무활동's rate blank over a 당초 of 0.  An empty
amount counts as 0 in a change: a line new in the 추경 has no 기정.

Scalars are Decimal (the quotient exact, then seen at Excel's 15 significant digits before
rounding, as ROUND sees a quotient the sheet computed); columns are numpy float arrays
(NaN = empty), rounded half up on the value as shown.  Both give what Excel's ROUND(…, 1)
gives on the same sheet, and agree with each other.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import numpy as np

from . import rules
from .settings import DEFAULT_DIGITS

_A, _B = rules.Col("a"), rules.Col("b")
_CHANGE = rules.change_rule(_A, _B)


def _rate_rules(digits: int) -> dict[str, rules.Expr]:
    return {
        "rate": rules.rate_rule(_A, _B, digits),
        "unspent": rules.unspent_rate_rule(_A, _B, digits),
        "exec": rules.exec_rate_rule(_A, _B, digits),
        "share": rules.share_rule(_A, _B, digits),
    }


def _exact(name: str, a: Any, b: Any, digits: int) -> Decimal | None:
    value = rules.evaluate_exact(_rate_rules(digits)[name], {"a": a, "b": b})
    return value if isinstance(value, Decimal) else None


def _array(name: str, a: np.ndarray, b: np.ndarray, digits: int) -> np.ndarray:
    return rules.evaluate(_rate_rules(digits)[name], {"a": a, "b": b})


def change(new: Any, base: Any) -> Decimal:
    """증감: new − base, empty counting as 0."""
    value = rules.evaluate_exact(_CHANGE, {"a": new, "b": base})
    assert isinstance(value, Decimal)
    return value


def percent_of(part: Any, whole: Any, digits: int = DEFAULT_DIGITS) -> Decimal | None:
    """part / whole × 100, half up to ``digits``; None over a zero or empty whole."""
    return _exact("share", part, whole, digits)


def rate(new: Any, base: Any, digits: int = DEFAULT_DIGITS) -> Decimal | None:
    """증감율: (new − base) / base × 100."""
    return _exact("rate", new, base, digits)


def unspent_rate(budget: Any, spent: Any, digits: int = DEFAULT_DIGITS) -> Decimal | None:
    """불용률 (미집행률): (예산현액 − 지출액) / 예산현액 × 100."""
    return _exact("unspent", budget, spent, digits)


def exec_rate(budget: Any, spent: Any, digits: int = DEFAULT_DIGITS) -> Decimal | None:
    """집행률: 지출액 / 예산현액 × 100."""
    return _exact("exec", budget, spent, digits)


# --------------------------------------------------------------------------- vector forms
# Inputs are float arrays already parsed (NaN = empty), as money.parse_column returns them.


def change_array(new: np.ndarray, base: np.ndarray) -> np.ndarray:
    return rules.evaluate(_CHANGE, {"a": new, "b": base})


def rate_array(new: np.ndarray, base: np.ndarray, digits: int = DEFAULT_DIGITS) -> np.ndarray:
    return _array("rate", new, base, digits)


def unspent_rate_array(
    budget: np.ndarray, spent: np.ndarray, digits: int = DEFAULT_DIGITS
) -> np.ndarray:
    return _array("unspent", budget, spent, digits)


def exec_rate_array(
    budget: np.ndarray, spent: np.ndarray, digits: int = DEFAULT_DIGITS
) -> np.ndarray:
    return _array("exec", budget, spent, digits)
