"""Numbers as the report prints them: thousands separators and △ for negatives.

Korean budget documents never print a minus sign: a cut of 594 is "△594", a rate of −0.5% is
"△0.5%".  ``tri`` does this for text (sentences, JSON); the Excel number formats below do it
for cells, so the cell keeps its number and Excel still computes with it.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd

from .money import parse_amount, round_half_up, round_half_up_array
from .settings import DEFAULT_DIGITS

TRI = "△"


def amount_format(digits: int = 0) -> str:
    """Excel number format for amounts with ``digits`` decimals and △ negatives."""
    frac = "." + "0" * digits if digits > 0 else ""
    return f'#,##0{frac};"{TRI}"#,##0{frac};0{frac}'


def rate_format(digits: int = DEFAULT_DIGITS, percent_sign: bool = False) -> str:
    """Excel number format for percent-point rates with △ negatives."""
    frac = "." + "0" * digits if digits > 0 else ""
    pct = '"%"' if percent_sign else ""
    return f'#,##0{frac}{pct};"{TRI}"#,##0{frac}{pct};0{frac}{pct}'


#: Amounts: 1,234 / △594 / 0.
AMOUNT_FORMAT = amount_format(0)
#: Rates in percent points, the default decimals: 47.3 / △0.5 / 0.0.
RATE_FORMAT = rate_format(DEFAULT_DIGITS)
#: Rates with a percent sign that is text, not Excel's ×100 (the cell holds 47.3, not 0.473).
RATE_PCT_FORMAT = rate_format(DEFAULT_DIGITS, percent_sign=True)


def tri(value: Any, digits: int = 0, suffix: str = "") -> str:
    """Text of a number with separators and △ for negatives; "" for an empty value.

    A value that rounds to zero prints without △ ("0.0", not "△0.0").
    """
    number = parse_amount(value) if not isinstance(value, Decimal) else value
    if number is None:
        return ""
    q = round_half_up(number, digits)
    text = f"{abs(q):,.{digits}f}"
    return (TRI if q < 0 else "") + text + suffix


def tri_array(values: np.ndarray, digits: int = 0, suffix: str = "") -> np.ndarray:
    """Vector form of :func:`tri` over a float array (NaN → "")."""
    v = round_half_up_array(np.asarray(values, float).ravel(), digits)
    if v.size == 0:
        return np.empty(0, dtype=object)
    s = pd.Series(np.abs(v))
    body = s.map(f"{{:,.{digits}f}}".format)  # one C-level format per value, no branching
    prefix = np.where(v < 0, TRI, "")
    out = (pd.Series(prefix) + body + suffix).to_numpy(dtype=object)
    out[~np.isfinite(v)] = ""
    return out


def is_percent_format(code: str | None) -> bool:
    """Whether an Excel number format shows its value ×100 with a % ("0.0%"; not the
    literal "%" in quotes that our rate formats use)."""
    if not code:
        return False
    return "%" in re.sub(r'"[^"]*"|\\.', "", code)


_QUOTED = re.compile(r'"([^"]*)"')


def as_shown(value: Any, code: str | None) -> str:
    """The text a cell shows for ``value`` under one of the number formats xlbudget writes
    (:func:`amount_format`, :func:`rate_format`, "0.0%"-style percents), as Excel shows it:
    "10,338", "△594", "47.3", "△0.5%"; a blank for None or "".  Text is itself; a number
    under another format (or none) shows as Excel's General does."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    number = value if isinstance(value, Decimal) else Decimal(repr(float(value)))
    sections = code.split(";") if code and code != "General" else []
    if not sections or not re.search(r"[0#]", sections[0]):
        return _general(number)
    # The section is chosen by the value's sign before rounding, as Excel does: −0.04 under
    # a one-decimal rate format shows "△0.0" in the cell (unlike :func:`tri`'s text).
    negative = number < 0
    section = sections[1] if negative and len(sections) > 1 else sections[0]
    if number == 0 and len(sections) > 2:
        section = sections[2]
    body = _QUOTED.sub("", section)
    digits = len(body.split(".", 1)[1].rstrip("%")) if "." in body else 0
    if "%" in body:
        number *= 100
    q = round_half_up(number, digits)
    text = f"{abs(q):,.{digits}f}" if "," in body else f"{abs(q):.{digits}f}"
    if "%" in body:
        text += "%"
    literal = _QUOTED.findall(section)
    prefix = literal[0] if literal and section.startswith('"') else ""
    suffix = literal[-1] if literal and section.endswith('"') else ""
    sign = "-" if negative and len(sections) == 1 else ""
    return sign + prefix + text + suffix


def _general(number: Decimal) -> str:
    """Excel's General format: an integer as is, else up to 10 significant digits."""
    if number == number.to_integral_value():
        return f"{number:.0f}"
    text = f"{float(number):.10g}"
    return text
