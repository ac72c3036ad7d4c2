"""Numbers as they arrive from cells and exports, and exact half-up rounding.

Budget figures reach us as Excel floats, ints, empty cells (None) and text written by people
or by finance systems: ``1,234``, ``△594``, ``▲594``, ``-594``, ``(594)``, full-width digits.
This module is the one place where such values become numbers.  Scalars become ``Decimal``
(floats via their 15 significant digits, the digits Excel shows and computes ROUND on, so 0.1
stays 0.1 and not 0.1000000000000000055…, and 0.1 + 0.2 is 0.3); whole columns become float
arrays with NaN for empty cells, parsed with vector string operations.

Rounding is half-up, away from zero, as Excel's ROUND does.  Python's ``round()`` rounds half
to even and works on the binary float, so round(0.45, 1) is 0.5 by luck and round(2.675, 2) is
2.67: both are wrong for a budget report.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from decimal import (
    ROUND_DOWN,
    ROUND_HALF_EVEN,
    ROUND_HALF_UP,
    Context,
    Decimal,
    InvalidOperation,
)
from typing import Any

import numpy as np
import pandas as pd

ZERO = Decimal(0)

#: Significant digits that Excel shows and rounds on (its "15-digit precision").
EXCEL_DIGITS = 15

#: Excel's error values, as xlwings and openpyxl hand them to Python (text).
EXCEL_ERRORS = frozenset(
    {
        "#DIV/0!",
        "#N/A",
        "#NAME?",
        "#NULL!",
        "#NUM!",
        "#REF!",
        "#VALUE!",
        "#GETTING_DATA",
        "#SPILL!",
        "#CALC!",
        "#FIELD!",
        "#BLOCKED!",
        "#CONNECT!",
        "#BUSY!",
        "#UNKNOWN!",
    }
)

# Full-width digits and signs (from Korean IMEs and HWP pastes) to ASCII; minus-like dashes
# to '-'; the two triangles that mark negatives to '-'.
_TRANSLATE = str.maketrans(
    {
        **{chr(0xFF10 + i): str(i) for i in range(10)},
        "，": ",",
        "．": ".",
        "（": "(",
        "）": ")",
        "－": "-",
        "＋": "+",
        "％": "%",
        "−": "-",
        "–": "-",
        "—": "-",
        "△": "-",
        "▲": "-",
        "▵": "-",
        "\u00a0": " ",
        "\u3000": " ",
    }
)
_NUMBER_RE = re.compile(r"^([+-]?)(\d{1,3}(?:,\d{3})+|\d+)?(\.\d+)?$")


class ParseError(ValueError):
    """A cell value that is not a number; ``found`` is the value as it was found."""

    def __init__(self, found: Any, reason: str = "숫자가 아닙니다") -> None:
        self.found = found
        self.reason = reason
        super().__init__(f"{reason}: {found!r}")


def D(value: Any) -> Decimal:
    """Decimal from int, float or Decimal; no parsing of text.

    A float becomes the decimal number Excel shows for it (15 significant digits): a cell
    holding 0.1 + 0.2 shows 0.3 and ROUNDs as 0.3, and a rate computed in the sheet as
    0.44999999999999996 is 0.45 to Excel's ROUND.
    """
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool):
        raise ParseError(value, "참/거짓 값은 숫자가 아닙니다")
    if isinstance(value, (int, np.integer)):
        return Decimal(int(value))
    if isinstance(value, (float, np.floating)):
        if not math.isfinite(value):
            raise ParseError(value, "유한한 숫자가 아닙니다")
        return Decimal(format(float(value), ".15g")) + 0  # + 0: -0.0 becomes 0
    raise ParseError(value)


def _clean_text(text: str) -> tuple[str, bool]:
    """Normalise one text cell; returns (ascii number text, negative-by-parentheses)."""
    s = text.translate(_TRANSLATE).strip().replace(" ", "")
    if s.endswith("%"):
        s = s[:-1]
    neg = False
    if len(s) >= 2 and s[0] == "(" and s[-1] == ")":
        neg, s = True, s[1:-1]
    return s, neg


def parse_amount(value: Any) -> Decimal | None:
    """Parse one cell value into a Decimal; ``None`` for an empty cell.

    Raises ParseError, naming what was found, for text that is not a number and for Excel
    error values (``#N/A`` …): a silent zero would make a wrong report look right.
    """
    if value is None:
        return None
    if isinstance(value, (bool, np.bool_)):
        raise ParseError(value, "참/거짓 값은 숫자가 아닙니다")
    if isinstance(value, (int, float, Decimal, np.number)):
        if isinstance(value, (float, np.floating)) and math.isnan(value):
            return None
        return D(value)
    if isinstance(value, str):
        if value.strip() in EXCEL_ERRORS:
            raise ParseError(value, "엑셀 오류값입니다")
        s, neg = _clean_text(value)
        if s in ("", "-"):
            # An empty cell, or a lone dash that tables use for "nothing".
            return None
        m = _NUMBER_RE.match(s)
        if not m or (m.group(2) is None and m.group(3) is None):
            raise ParseError(value)
        try:
            number = Decimal((m.group(2) or "0").replace(",", "") + (m.group(3) or ""))
        except InvalidOperation as exc:  # pragma: no cover - the regex admits only digits
            raise ParseError(value) from exc
        if neg and m.group(1):
            raise ParseError(value, "부호가 두 번 있습니다")
        return -number if (neg or m.group(1) == "-") else number
    raise ParseError(value, f"알 수 없는 값의 형식({type(value).__name__})입니다")


def _quantize(value: Decimal, digits: int, rounding: str) -> Decimal:
    # A context wide enough for the result, so that 1e30 to 0 decimals is not an error.
    context = Context(prec=max(28, value.adjusted() + digits + 2))
    return value.quantize(Decimal(1).scaleb(-digits), rounding=rounding, context=context)


def round_half_up(value: Decimal, digits: int = 0) -> Decimal:
    """Round half away from zero to ``digits`` decimals, as Excel's ROUND."""
    return _quantize(value, digits, ROUND_HALF_UP)


def significant(value: Decimal, digits: int = EXCEL_DIGITS) -> Decimal:
    """``value`` rounded to ``digits`` significant digits (half even, as a float prints).

    Scalar arithmetic that Excel would do in floating point (a rate = part × 100 / whole) is
    done exactly and then seen at 15 digits, so that it ROUNDs as the sheet does.
    """
    if not value.is_finite() or value == 0:
        return value
    exp = value.adjusted() - digits + 1
    return value.quantize(Decimal(1).scaleb(exp), rounding=ROUND_HALF_EVEN)


def cut(value: Decimal, digits: int = 0) -> Decimal:
    """Cut (절사) towards zero to ``digits`` decimals, as the report shortens amounts."""
    return _quantize(value, digits, ROUND_DOWN)


# --------------------------------------------------------------------------- vector forms


_NUMERIC_KINDS = frozenset({"floating", "integer", "mixed-integer-float", "empty", "decimal"})


def parse_column(values: Iterable[Any] | np.ndarray | pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Parse a whole column at once: (float array with NaN for empty, bool mask of bad cells).

    Numbers pass straight through; only text cells go through vectorised string cleaning, so
    a column of 100,000 floats costs one conversion, not 100,000 Python calls.
    """
    s = (
        values
        if isinstance(values, pd.Series)
        else pd.Series(list(values) if not isinstance(values, np.ndarray) else values, dtype=object)
    )
    if s.dtype.kind in "fiu" or pd.api.types.infer_dtype(s, skipna=True) in _NUMERIC_KINDS:
        # The common case (a column of numbers and blanks): one C-level conversion.
        out = s.to_numpy(dtype=float, na_value=np.nan)
        return out, np.zeros(len(out), dtype=bool)
    obj = s.astype(object)
    is_text = obj.map(lambda v: isinstance(v, str)).to_numpy(dtype=bool)
    is_bool = obj.map(lambda v: isinstance(v, bool)).to_numpy(dtype=bool)
    out = np.full(len(obj), np.nan)
    bad = is_bool.copy()
    numeric = ~is_text & ~is_bool
    if numeric.any():
        num = pd.to_numeric(obj[numeric], errors="coerce")
        num_arr = num.to_numpy(dtype=float)
        out[numeric] = num_arr
        # None/NaN are empty cells; anything else that did not convert is bad.
        raw = obj[numeric]
        bad[numeric] = np.isnan(num_arr) & ~raw.isna().to_numpy()
    if is_text.any():
        text = obj[is_text].astype(str)
        stripped = text.str.strip()
        errors = stripped.isin(EXCEL_ERRORS).to_numpy()
        cleaned = stripped.str.translate(_TRANSLATE).str.replace(" ", "", regex=False)
        cleaned = cleaned.str.removesuffix("%")
        paren = cleaned.str.startswith("(") & cleaned.str.endswith(")") & (cleaned.str.len() > 1)
        cleaned = cleaned.where(~paren, cleaned.str.slice(1, -1))
        empty = cleaned.isin(["", "-"]).to_numpy()
        parts = cleaned.str.extract(r"^([+-]?)(\d{1,3}(?:,\d{3})+|\d+)?(\.\d+)?$")
        matched = parts[0].notna().to_numpy() & (parts[1].notna() | parts[2].notna()).to_numpy()
        double_sign = paren.to_numpy() & (parts[0].fillna("") != "").to_numpy()
        digits = parts[1].fillna("0").str.replace(",", "", regex=False) + parts[2].fillna("")
        mag = pd.to_numeric(digits.where(matched, "nan"), errors="coerce").to_numpy(dtype=float)
        sign = np.where((parts[0] == "-").to_numpy() | paren.to_numpy(), -1.0, 1.0)
        vals = np.where(matched & ~double_sign, sign * mag, np.nan)
        vals[empty] = np.nan
        out[is_text] = vals
        bad[is_text] = errors | (~empty & (~matched | double_sign))
    return out, bad


def round_half_up_array(values: np.ndarray, digits: int = 0) -> np.ndarray:
    """Half-up rounding of a float array as Excel's ROUND does it (NaN stays NaN).

    Excel rounds the value it shows (15 significant digits), so a float stored as 0.44999…
    that shows as 0.45 rounds to 0.5.  Only values within 15 digits of a tie can come out
    differently from plain ``floor(|x|·10^d + ½)``; those few (and magnitudes beyond 15 integer
    digits) are rounded exactly through Decimal, the rest in one vector pass.  The result is
    the double nearest to the rounded decimal, as Excel stores it.
    """
    v = np.asarray(values, dtype=float)
    finite = np.isfinite(v)
    mag = np.abs(np.where(finite, v, 0.0))  # NaN and ±inf are put back at the end
    scale = 10.0 ** abs(digits)
    with np.errstate(over="ignore", invalid="ignore"):  # near 1e308, scaling overflows
        y = mag * scale if digits >= 0 else mag / scale
        r = np.floor(y + 0.5)
        out = r / scale if digits >= 0 else r * scale
        # A tie at 15 significant digits lies within 5e-15 (relative) of y; 4e-14 leaves
        # room for the error of the multiplication and of y + 0.5.  Huge values (and those
        # whose scaling overflowed) go the exact way.
        suspect = (np.abs(y - np.floor(y) - 0.5) <= 4e-14 * y + 1e-300) | (mag >= 1e15)
    for i in np.flatnonzero(suspect & finite):
        out.flat[i] = abs(float(_round_excel(float(v.flat[i]), digits)))
    out = np.copysign(out, v) + 0.0  # + 0.0 turns -0.0 into 0.0
    return np.where(finite, out, v)


def _round_excel(value: float, digits: int) -> Decimal:
    """Scalar reference of :func:`round_half_up_array` (also used for its rare hard cases)."""
    number = D(value)
    if number == 0 or digits >= EXCEL_DIGITS - 1 - number.adjusted():
        return number  # no shown digit below the wanted ones: nothing to round
    return round_half_up(number, digits)
