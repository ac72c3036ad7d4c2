"""What the rounding of shown figures allows, and how a check names a row and a number.

A figure as printed is rounded: a table in 백만원 made from 천원 figures shows each number
within ±0.5 of its true value.  So a check asks whether *any* true values consistent with
the shown ones could give the shown result — the interval the shown figures allow — and
reports only what no rounding can explain: a 합계 off by more than its parts' rounding, a
rate that no unrounded figures could give (1,294.0% from 5,265 and 378 is possible; 1,394.0%
is not).
"""

from __future__ import annotations

import numpy as np

from ..numformat import tri
from ..reading import Table
from ..settings import DEFAULT_DIGITS

HALF = 0.5  # a shown amount is within ±0.5 of its unit of its true value
EPS = 1e-9


def amount(value: float) -> str:
    """An amount for a message (△ for negatives), with the decimals it has (up to three);
    an empty cell is said to be so."""
    if not np.isfinite(value):
        return "(빈칸)"
    digits = next((d for d in range(4) if abs(round(value, d) - value) < 1e-9), 3)
    return tri(value, digits)


def pct(value: float, digits: int) -> str:
    """A rate as text for a message; a value that overflowed is said to be so."""
    return tri(value, digits) if np.isfinite(value) else "(계산 불가)"


def label(table: Table, i: int) -> str:
    """How a message names row ``i``: its label in quotes, else its sheet row number."""
    frame = table.frame
    for column in ("세부", "세부사업", "구분", "통계목", "사업명", "담당관"):
        if column in frame and frame[column].iat[i]:
            text = frame[column].iat[i]
            if column == "세부" and "구분" in frame and frame["구분"].iat[i] not in ("", text):
                text = f"{frame['구분'].iat[i]} {text}"
            if column == "세부사업" and "통계목" in frame and frame["통계목"].iat[i]:
                text = f"{text}({frame['통계목'].iat[i]})"
            return f"'{text}'"
    return f"{table.row(i) + 1}행"


def ratio_bounds(num: np.ndarray, den: np.ndarray, h: float) -> tuple[np.ndarray, np.ndarray]:
    """Bounds of N/D for true N, D within ±h of the shown num, den (den − h > 0)."""
    corners = np.stack([(num + a) / (den + b) for a in (-h, h) for b in (-h, h)])
    return corners.min(axis=0), corners.max(axis=0)


def rate_feasible(
    shown: np.ndarray,
    new: np.ndarray | None,
    base: np.ndarray,
    diff: np.ndarray | None,
    digits: int = DEFAULT_DIGITS,
    half: float = HALF,
) -> np.ndarray:
    """True where the shown rate (percent) is possible for some true figures behind the shown.

    Two relaxations, each a superset of what is possible: from new and base, and from the
    shown difference and base; a rate outside their intersection is impossible.
    """
    half_rate = 0.5 * 10.0**-digits
    ok_base = base - half > EPS
    lo = np.full(shown.shape, -np.inf)
    hi = np.full(shown.shape, np.inf)
    with np.errstate(invalid="ignore", divide="ignore"):
        safe_base = np.where(ok_base, base, 1.0)
        if new is not None:
            l1, h1 = ratio_bounds(np.nan_to_num(new), safe_base, half)
            has = np.isfinite(new)
            lo = np.where(has, np.maximum(lo, (l1 - 1) * 100), lo)
            hi = np.where(has, np.minimum(hi, (h1 - 1) * 100), hi)
        if diff is not None:
            l2, h2 = ratio_bounds(np.nan_to_num(diff), safe_base, half)
            has = np.isfinite(diff)
            lo = np.where(has, np.maximum(lo, l2 * 100), lo)
            hi = np.where(has, np.minimum(hi, h2 * 100), hi)
    inside = (shown >= lo - half_rate - 1e-7) & (shown <= hi + half_rate + 1e-7)
    return ~ok_base | ~np.isfinite(shown) | inside
