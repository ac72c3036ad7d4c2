"""Parsing of cell values and Excel-style half-up rounding (xlbudget.core.money)."""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from xlbudget.core.money import (
    D,
    ParseError,
    cut,
    parse_amount,
    parse_column,
    round_half_up,
    round_half_up_array,
    significant,
)

FULL_WIDTH = str.maketrans("0123456789,.-()", "０１２３４５６７８９，．－（）")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (1234, "1234"),
        (1234.0, "1234"),
        (0.1, "0.1"),
        (-594.5, "-594.5"),
        ("1,234", "1234"),
        ("△594", "-594"),
        ("▲594", "-594"),
        ("-594", "-594"),
        ("(594)", "-594"),
        ("  1,234,567  ", "1234567"),
        ("１，２３４", "1234"),
        ("（５９４）", "-594"),
        ("△ 1,234.50", "-1234.50"),
        ("47.3%", "47.3"),
        ("+12", "12"),
        (".5", "0.5"),
        ("\u00a0594\u3000", "594"),
    ],
)
def test_parse_amount_accepts_every_input_style(raw: object, expected: str) -> None:
    assert parse_amount(raw) == Decimal(expected)


@pytest.mark.parametrize("raw", [None, "", "   ", "-", "△", float("nan")])
def test_parse_amount_empty_cells_are_none(raw: object) -> None:
    assert parse_amount(raw) is None


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        ("#N/A", "엑셀 오류값"),
        ("#DIV/0!", "엑셀 오류값"),
        ("abc", "숫자가 아닙니다"),
        ("1,23", "숫자가 아닙니다"),  # thousands groups must have three digits
        ("12,34,567", "숫자가 아닙니다"),
        ("1.2.3", "숫자가 아닙니다"),
        ("(-594)", "부호가 두 번"),
        ("1e5", "숫자가 아닙니다"),
        (True, "참/거짓"),
        ([1], "알 수 없는 값의 형식"),
    ],
)
def test_parse_amount_errors_name_what_was_found(raw: object, words: str) -> None:
    with pytest.raises(ParseError) as info:
        parse_amount(raw)
    assert words in str(info.value)
    assert repr(raw) in str(info.value)
    assert info.value.found == raw


def test_d_uses_the_fifteen_digits_excel_shows() -> None:
    assert D(0.1) == Decimal("0.1")
    assert D(0.1 + 0.2) == Decimal("0.3")
    assert D(0.44999999999999996) == Decimal("0.45")
    assert D(-0.0) == 0 and not D(-0.0).is_signed()
    assert D(np.float64(2.675)) == Decimal("2.675")
    assert D(123456789012345.0) == Decimal(123456789012345)


def test_significant_and_cut() -> None:
    assert significant(Decimal("12.3449999999999999999")) == Decimal("12.3450000000000")
    assert significant(Decimal(0)) == 0
    assert cut(Decimal("-1.99")) == Decimal(-1)
    assert cut(Decimal("120843"), -4) == Decimal("1.2E+5")
    assert round_half_up(Decimal(10) ** 30) == Decimal(10) ** 30


# --------------------------------------------------------------------------- parsing styles

amounts = st.decimals(
    min_value=Decimal("-1e12"), max_value=Decimal("1e12"), places=2, allow_nan=False
).filter(lambda d: d == d.quantize(Decimal("0.01")))


def styles(value: Decimal) -> list[str]:
    """Every way a person or a finance system writes ``value`` in a cell."""
    mag = abs(value)
    body = f"{mag:,.2f}".rstrip("0").rstrip(".") if mag != mag.to_integral() else f"{mag:,.0f}"
    plain = body.replace(",", "")
    if value >= 0:
        return [plain, body, f"  {body} ", body.translate(FULL_WIDTH), f"+{plain}"]
    return [
        f"-{plain}",
        f"-{body}",
        f"△{body}",
        f"▲{body}",
        f"({body})",
        f"△ {body}",
        f"-{body}".translate(FULL_WIDTH),
        f"({body})".translate(FULL_WIDTH),
        f"−{body}",  # U+2212 minus sign
    ]


@given(amounts)
def test_every_input_style_parses_back(value: Decimal) -> None:
    texts = styles(value)
    for text in texts:
        assert parse_amount(text) == value, text
    numbers, bad = parse_column(texts)
    assert not bad.any()
    assert (numbers == float(value)).all()


cells = st.one_of(
    st.none(),
    st.integers(-(10**12), 10**12),
    st.floats(-1e12, 1e12, allow_nan=False),
    amounts.map(lambda v: styles(v)[-1]),
    st.sampled_from(["", " ", "-", "abc", "#N/A", "(-5)", "1,23", "12%"]),
    st.booleans(),
)


@given(st.lists(cells, max_size=30))
def test_parse_column_agrees_with_parse_amount(values: list) -> None:
    numbers, bad = parse_column(values)
    assert len(numbers) == len(values) == len(bad)
    for value, number, is_bad in zip(values, numbers, bad, strict=True):
        try:
            expected = parse_amount(value)
        except ParseError:
            assert is_bad, value
            continue
        assert not is_bad, value
        if expected is None:
            assert math.isnan(number), value
        else:  # floats pass through; the scalar sees them at Excel's 15 digits
            assert D(float(number)) == expected, value


def test_parse_column_of_numbers_takes_the_fast_path() -> None:
    numbers, bad = parse_column(np.array([1.5, None, 3], dtype=object))
    assert np.isnan(numbers[1]) and numbers[0] == 1.5 and numbers[2] == 3.0
    assert not bad.any()


# --------------------------------------------------------------------------- rounding


def excel_round(x: float, digits: int) -> Decimal:
    """Reference: the 15-digit value Excel shows, rounded half away from zero."""
    shown = Decimal(f"{x:.15g}")
    return shown.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)


@pytest.mark.parametrize(
    ("x", "digits", "expected"),
    [
        (2.675, 2, 2.68),  # Python's round(2.675, 2) is 2.67
        (1.005, 2, 1.01),
        (0.45, 1, 0.5),
        (-0.45, 1, -0.5),
        (0.44999999999999996, 1, 0.5),  # shows as 0.45 in Excel
        (2.5, 0, 3.0),
        (-2.5, 0, -3.0),
        (0.5, 0, 1.0),
        (1234.5, -1, 1230.0),
        (1250.0, -2, 1300.0),
        (-0.04, 1, 0.0),
        (45 * 100 / 10000, 1, 0.5),
        (-45 * 100 / 10000, 1, -0.5),
    ],
)
def test_round_half_up_known_values(x: float, digits: int, expected: float) -> None:
    got = round_half_up_array(np.array([x]), digits)[0]
    assert got == expected and math.copysign(1, got) == math.copysign(1, expected or 1.0)
    assert float(round_half_up(D(x), digits)) == expected


def test_round_half_up_array_keeps_blanks_and_huge_values() -> None:
    out = round_half_up_array(np.array([np.nan, 1e300, -1e16 - 2, 0.0, -0.0]), 1)
    assert math.isnan(out[0])
    assert out[1] == 1e300 and out[2] == -1e16
    assert not np.signbit(out[3:]).any()


@given(st.floats(-1e14, 1e14, allow_nan=False, allow_infinity=False), st.integers(0, 4))
def test_round_half_up_array_equals_decimal_reference(x: float, digits: int) -> None:
    got = round_half_up_array(np.array([x]), digits)[0]
    assert got == float(excel_round(x, digits))
    assert got == float(round_half_up(D(x), digits))  # scalar and vector agree


@given(st.integers(-(10**12), 10**12), st.integers(0, 3))
def test_decimal_ties_round_away_from_zero(k: int, digits: int) -> None:
    """x = (k + ½)·10⁻ᵈ is a tie in decimal even when its float is not."""
    tie = (Decimal(k) + Decimal("0.5")).scaleb(-digits)
    assume(len(tie.as_tuple().digits) <= 15)
    got = round_half_up_array(np.array([float(tie)]), digits)[0]
    away = (Decimal(k) + (1 if k >= 0 else 0)).scaleb(-digits)
    assert got == float(away)


@given(st.lists(st.floats(-1e9, 1e9, allow_nan=False), max_size=50), st.integers(0, 3))
def test_round_half_up_array_is_elementwise(values: list[float], digits: int) -> None:
    whole = round_half_up_array(np.array(values, dtype=float), digits)
    each = [round_half_up_array(np.array([v]), digits)[0] for v in values]
    assert whole.tolist() == each
