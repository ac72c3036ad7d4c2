"""Amounts in Korean words, in the style of the review report, and back.

The report writes 110,433 백만원 as "1,104억 3천 3백만원": the 조 and 억 groups as numerals with
thousands separators, the 만 group (and the 원 group below it) spelled digit by digit with
천/백/십, "원" at the end, △ before a negative.  Sentences shorten amounts by cutting (절사)
below a unit ("1억2천만원" for 120,843 천원), never by rounding, unless asked to.  Both the
spaced style ("3천 4백 4십만원") and the unspaced one ("3천4백4십만원") occur.
"""

from __future__ import annotations

import re
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from typing import Any, Literal

import numpy as np
import pandas as pd

from .errors import NUM, CellError
from .money import ParseError, parse_amount, round_half_up, round_half_up_array

#: Units that amounts are stated in and that sentences are cut to, in 원.
UNITS: dict[str, int] = {
    "원": 1,
    "천원": 10**3,
    "만원": 10**4,
    "십만원": 10**5,
    "백만원": 10**6,
    "천만원": 10**7,
    "억원": 10**8,
    "십억원": 10**9,
    "백억원": 10**10,
    "천억원": 10**11,
    "조원": 10**12,
}

#: Largest amount written in words: 1자 (10^24) 원, far beyond any public budget; larger
#: values are data errors and get a clear message instead of a Decimal overflow.
MAX_WON = Decimal(10) ** 24

_PLACES = ((1000, "천"), (100, "백"), (10, "십"), (1, ""))
_TRI = "△"


def unit_factor(unit: str) -> int:
    """Won per ``unit``; a clear error for an unknown unit name."""
    key = (unit or "원").strip().replace(" ", "")
    if key not in UNITS:
        raise ValueError(f"알 수 없는 단위입니다: {unit!r} (가능: {', '.join(UNITS)})")
    return UNITS[key]


def to_won(
    amount: Any,
    unit: str = "천원",
    precision: str | None = None,
    mode: Literal["cut", "round"] = "cut",
) -> int:
    """The amount in whole 원, cut (절사) or rounded half up to ``precision`` if given."""
    value = parse_amount(amount)
    if value is None:
        raise ParseError(amount, "금액이 비어 있습니다")
    scaled = value * unit_factor(unit)
    if abs(scaled) >= MAX_WON:
        raise ParseError(amount, "금액이 너무 큽니다(10^24원 이상)")
    # First to whole 원 (half up: 0.5원 is not a coin), then cut or round to the precision.
    won = int(round_half_up(scaled))
    step = unit_factor(precision) if precision else 1
    if step == 1:
        return won
    rounding = ROUND_DOWN if mode == "cut" else ROUND_HALF_UP
    return int((Decimal(won) / step).quantize(Decimal(1), rounding=rounding)) * step


def _spell(group: int, spaced: bool) -> str:
    pieces = [f"{(group // place) % 10}{name}" for place, name in _PLACES if (group // place) % 10]
    return (" " if spaced else "").join(pieces)


def won_words(
    amount: Any,
    unit: str = "천원",
    precision: str | None = None,
    spaced: bool = True,
    mode: Literal["cut", "round"] = "cut",
) -> str:
    """Korean words for ``amount`` given in ``unit``: "1,104억 3천 3백만원".

    ``precision`` names the unit below which the amount is cut (or rounded, ``mode="round"``);
    None or "" keeps it exact to the 원.
    """
    won = to_won(amount, unit, precision or None, mode)
    sign, won = (_TRI, -won) if won < 0 else ("", won)
    jo, rest = divmod(won, 10**12)
    eok, rest = divmod(rest, 10**8)
    man, il = divmod(rest, 10**4)
    parts = []
    if jo:
        parts.append(f"{jo:,}조")
    if eok:
        parts.append(f"{eok:,}억")
    if man:
        parts.append(_spell(man, spaced) + "만")
    if il:
        parts.append(_spell(il, spaced))
    if not parts:
        return "0원"
    return sign + (" " if spaced else "").join(parts) + "원"


_WORDS_RE = re.compile(
    r"^(?P<sign>[△▲-]?)(?:(?P<jo>[\d,천백십]+)조)?(?:(?P<eok>[\d,천백십]+)억)?"
    r"(?:(?P<man>[\d,천백십]+)만)?(?P<il>[\d,천백십]*)원$"
)
_NUMERAL_RE = re.compile(r"\d{1,3}(?:,\d{3})+|\d+")
_SPELLED_RE = re.compile(r"(?:([1-9]?)천)?(?:([1-9]?)백)?(?:([1-9]?)십)?([1-9]?)")
#: Largest value of a group below 조 (억, 만 and the 원 group each hold 4 digits).
_GROUP_LIMIT = 10**4


def _group_value(text: str | None, whole: str, limited: bool = True) -> int:
    """Value of one group: numerals ("1,104", "5,000") or spelled ("3천4백4십", "천")."""
    if not text:
        return 0
    if _NUMERAL_RE.fullmatch(text):
        value = int(text.replace(",", ""))
    elif m := _SPELLED_RE.fullmatch(text):
        # A place that is present has group "" (one: "천") or its digit; absent is None.
        thousands, hundreds, tens, ones = m.groups()
        value = int(ones or 0) + sum(
            int(d or 1) * place
            for d, place in ((thousands, 1000), (hundreds, 100), (tens, 10))
            if d is not None
        )
    else:
        raise ParseError(whole, "금액 표현을 읽을 수 없습니다")
    if limited and value >= _GROUP_LIMIT:
        raise ParseError(whole, f"한 자리 묶음이 {_GROUP_LIMIT:,} 이상입니다: {text!r}")
    return value


def parse_won_words(text: str, unit: str = "원") -> Decimal:
    """Inverse of :func:`won_words`: "1,104억 3천 3백만원" → 110433 (with unit "백만원")."""
    if not isinstance(text, str):
        raise ParseError(text, "금액 표현(문자열)이 아닙니다")
    compact = re.sub(r"\s+", "", text)
    m = _WORDS_RE.match(compact)
    if not m or compact.lstrip("△▲-") == "원":
        raise ParseError(text, "금액 표현을 읽을 수 없습니다")
    won = (
        _group_value(m["jo"], text, limited=False) * 10**12
        + _group_value(m["eok"], text) * 10**8
        + _group_value(m["man"], text) * 10**4
        + _group_value(m["il"], text)
    )
    if m["sign"]:
        won = -won
    return Decimal(won) / unit_factor(unit)


# --------------------------------------------------------------------------- vector form


def _spell_array(group: np.ndarray, spaced: bool) -> pd.Series:
    sep = " " if spaced else ""
    out = pd.Series([""] * len(group), dtype=object)
    for place, name in _PLACES:
        d = (group // place) % 10
        piece = pd.Series(np.where(d > 0, d.astype(str), ""), dtype=object)
        piece = piece.where(piece == "", piece + name)
        joiner = np.where((out != "") & (piece != ""), sep, "")
        out = out + joiner + piece
    return out


def won_words_array(
    amounts: np.ndarray,
    unit: str = "천원",
    precision: str | None = None,
    spaced: bool = True,
    mode: Literal["cut", "round"] = "cut",
) -> np.ndarray:
    """Vector form of :func:`won_words` over a float array (NaN → "").

    Works in int64 whole 원 (exact up to 9.2e18 원, far above any public budget); the
    cutting is integer division, so no float artefacts reach the words.
    """
    a = np.asarray(amounts, float).ravel()
    if a.size == 0:
        return np.empty(0, dtype=object)
    ok = np.isfinite(a)
    factor = unit_factor(unit)
    step = unit_factor(precision) if precision else 1
    # Amounts arrive in their unit with few decimals: scale to 원 through the shown value.
    # Whole 원, half up on the value as shown, as to_won does; beyond 2**53 원 (9,007조) a
    # float no longer holds every 원, so such an amount is an error, not a wrong word.
    with np.errstate(over="ignore"):  # an overflow becomes inf, caught as too big below
        won_f = round_half_up_array(np.where(ok, a, 0.0) * factor, 0)
    too_big = np.abs(won_f) >= 2.0**53
    won = np.where(too_big, 0.0, won_f).astype(np.int64)
    mag = np.abs(won)
    if step > 1:
        if mode == "cut":
            mag = (mag // step) * step
        else:
            mag = ((mag + step // 2) // step) * step
    jo, rest = np.divmod(mag, 10**12)
    eok, rest = np.divmod(rest, 10**8)
    man, il = np.divmod(rest, 10**4)
    sep = " " if spaced else ""

    def numeral(group: np.ndarray, suffix: str) -> pd.Series:
        s = pd.Series(group).map("{:,}".format) + suffix
        return s.where(group > 0, "")

    pieces = [
        numeral(jo, "조"),
        numeral(eok, "억"),
        (_spell_array(man, spaced) + "만").where(man > 0, ""),
        _spell_array(il, spaced).where(il > 0, ""),
    ]
    out = pd.Series([""] * len(a), dtype=object)
    for piece in pieces:
        joiner = np.where((out != "") & (piece != ""), sep, "")
        out = out + joiner + piece
    out = out.where(out != "", "0")
    sign = np.where((won < 0) & (mag > 0), _TRI, "")
    result = (sign + out + "원").to_numpy(dtype=object)
    result[too_big & ok] = CellError(NUM, "금액이 너무 큽니다")
    result[~ok] = ""
    return result


# --------------------------------------------------------------------------- particles
#: Each particle pair: (after a final consonant, after none).  으로/로 also takes 로 after ㄹ.
_PAIRS = {
    p: pair
    for pair in (
        ("이", "가"),
        ("을", "를"),
        ("은", "는"),
        ("과", "와"),
        ("으로", "로"),
        ("이다", "다"),
    )
    for p in pair
}
#: The final consonant (jongseong index; 0 = none, 8 = ㄹ) of how a digit is read aloud.
_DIGIT_FINAL = {"0": 21, "1": 8, "2": 0, "3": 16, "4": 0, "5": 0, "6": 1, "7": 8, "8": 8, "9": 0}
#: … of the place a round number ends in: 십 백 천, then 만 억 조 by groups of four.
_PLACE_FINAL = {1: 17, 2: 1, 3: 4}
_GROUP_FINAL = {1: 4, 2: 1, 3: 0}  # 만 억 조
_SYMBOL_FINAL = {"%": 0, "％": 0}  # 퍼센트


def _final(word: str) -> int:
    """The final consonant of how ``word`` ends when read aloud (a number by its reading:
    20,292 이만 이백구십이 → none; 10,338 …팔 → ㄹ; 2,000 이천 → ㄴ)."""
    text = re.sub(r"\s*[(（][^()（）]*[)）]\s*$", "", word.rstrip())  # "2건(48억원)" → "2건"
    text = text.rstrip("'\"’”」』〉》 ")  # a quoted name is read by its last syllable
    if not text:
        return 0
    last = text[-1]
    if "가" <= last <= "힣":
        return (ord(last) - 0xAC00) % 28
    if last in _SYMBOL_FINAL:
        return _SYMBOL_FINAL[last]
    m = re.search(r"(\d[\d,]*)(?:\.(\d+))?$", text)
    if not m:
        return 0
    if m.group(2):
        return _DIGIT_FINAL[m.group(2)[-1]]
    digits = m.group(1).replace(",", "")
    stripped = digits.rstrip("0")
    zeros = len(digits) - len(stripped)
    if not stripped:
        return _DIGIT_FINAL["0"]
    if zeros == 0:
        return _DIGIT_FINAL[digits[-1]]
    if zeros < 4:
        return _PLACE_FINAL[zeros]
    return _GROUP_FINAL.get(zeros // 4, 0)


def josa(word: Any, particle: str) -> str:
    """``word`` with the form of ``particle`` that its reading takes: josa("20,292", "과")
    is "20,292와", josa("10,338", "가") is "10,338이", josa("3천만원", "를") is "3천만원을"."""
    text = str(word)
    with_final, without = _PAIRS[particle]
    final = _final(text)
    if with_final == "으로" and final == 8:
        return text + "로"
    return text + (with_final if final else without)
