"""Changes and rates of a budget review: 증감, 증감율, 불용률, 집행률.

Every rate is a percent rounded half up to a number of decimals (one by default), and is blank
(None / NaN) over a zero or empty base, as the seed report leaves 재무활동's rate blank over a
당초 of 0.  An empty amount counts as 0 in a change: a line new in the 추경 has no 기정.

Scalars use Decimal: the quotient is exact and then seen at Excel's 15 significant digits
before rounding, as ROUND sees a quotient the sheet computed; columns use numpy (float, then
the same half-up rounding of the value as shown).  Both therefore give what Excel's
ROUND(…, 1) gives on the same sheet, and agree with each other.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import numpy as np

from .money import HUNDRED, ZERO, parse_amount, round_half_up, round_half_up_array, significant

#: The seed's label for (예산현액 − 지출액) / 예산현액; mid-year the same figure is also called
#: 미집행률.  Both are accepted as column headers; the seed's is the one we print.
UNSPENT_LABEL = "불용률"
UNSPENT_ALIASES = ("불용률", "미집행률")
EXEC_LABEL = "집행률"


def _num(value: Any) -> Decimal:
    parsed = parse_amount(value)
    return ZERO if parsed is None else parsed


def change(new: Any, base: Any) -> Decimal:
    """증감: new − base, empty counting as 0."""
    return _num(new) - _num(base)


def percent_of(part: Any, whole: Any, digits: int = 1) -> Decimal | None:
    """part / whole × 100, half up to ``digits``; None over a zero or empty whole."""
    w = parse_amount(whole)
    if w is None or w == ZERO:
        return None
    return round_half_up(significant(_num(part) * HUNDRED / w), digits)


def rate(new: Any, base: Any, digits: int = 1) -> Decimal | None:
    """증감율: (new − base) / base × 100."""
    return percent_of(change(new, base), base, digits)


def unspent_rate(budget: Any, spent: Any, digits: int = 1) -> Decimal | None:
    """불용률 (미집행률): (예산현액 − 지출액) / 예산현액 × 100."""
    return percent_of(change(budget, spent), budget, digits)


def exec_rate(budget: Any, spent: Any, digits: int = 1) -> Decimal | None:
    """집행률: 지출액 / 예산현액 × 100."""
    return percent_of(spent, budget, digits)


# --------------------------------------------------------------------------- vector forms
# Inputs are float arrays already parsed (NaN = empty), as money.parse_column returns them.


def _zero_empty(values: np.ndarray) -> np.ndarray:
    """A float copy with empty cells (NaN) as 0 (cheaper than np.nan_to_num on one cell)."""
    out = np.array(values, dtype=float)
    out[np.isnan(out)] = 0.0
    return out


def change_array(new: np.ndarray, base: np.ndarray) -> np.ndarray:
    return _zero_empty(new) - _zero_empty(base)


def percent_of_array(part: np.ndarray, whole: np.ndarray, digits: int = 1) -> np.ndarray:
    part, whole = np.broadcast_arrays(_zero_empty(part), np.asarray(whole, dtype=float))
    # Blank (NaN) over a zero or empty whole; where= avoids dividing there at all.
    raw = np.full(part.shape, np.nan)
    with np.errstate(over="ignore", invalid="ignore"):  # absurd amounts give inf, not noise
        np.divide(part * 100.0, whole, out=raw, where=(whole != 0) & ~np.isnan(whole))
    return round_half_up_array(raw, digits)


def rate_array(new: np.ndarray, base: np.ndarray, digits: int = 1) -> np.ndarray:
    return percent_of_array(change_array(new, base), base, digits)


def unspent_rate_array(budget: np.ndarray, spent: np.ndarray, digits: int = 1) -> np.ndarray:
    return percent_of_array(change_array(budget, spent), budget, digits)


def exec_rate_array(budget: np.ndarray, spent: np.ndarray, digits: int = 1) -> np.ndarray:
    return percent_of_array(spent, budget, digits)
