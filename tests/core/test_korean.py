"""Amounts in Korean words and back (xlbudget.core.korean)."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from xlbudget.core.errors import CellError
from xlbudget.core.korean import (
    UNITS,
    parse_won_words,
    to_won,
    unit_factor,
    won_words,
    won_words_array,
)
from xlbudget.core.money import ParseError

# (amount, unit, precision, spaced, words): every example of DOMAIN.md and the issue.
DOMAIN_EXAMPLES = [
    (110433, "백만원", None, True, "1,104억 3천 3백만원"),
    (15226, "백만원", None, True, "152억 2천 6백만원"),
    (1855700, "백만원", None, True, "1조 8,557억원"),
    (34400, "천원", None, False, "3천4백4십만원"),
    (34400, "천원", None, True, "3천 4백 4십만원"),
    (200000, "천원", None, True, "2억원"),
    (120843, "천원", "천만원", False, "1억2천만원"),
    (359843, "천원", "백만원", True, "3억 5천 9백만원"),
]


@pytest.mark.parametrize(("amount", "unit", "precision", "spaced", "words"), DOMAIN_EXAMPLES)
def test_domain_examples(amount, unit, precision, spaced, words) -> None:
    assert won_words(amount, unit, precision, spaced) == words
    got = won_words_array(np.array([float(amount)]), unit, precision, spaced)
    assert got.tolist() == [words]


@pytest.mark.parametrize(
    ("amount", "unit", "precision", "mode", "words"),
    [
        (-594, "백만원", None, "cut", "△5억 9천 4백만원"),
        (0, "천원", None, "cut", "0원"),
        (0.4, "천원", "천원", "cut", "0원"),
        (-0.4, "천원", "천원", "cut", "0원"),  # no △ before nothing
        (5, "원", None, "cut", "5원"),
        (12345.678, "천원", None, "cut", "1천 2백 3십 4만 5천 6백 7십 8원"),
        (12345.6785, "천원", None, "cut", "1천 2백 3십 4만 5천 6백 7십 9원"),  # to 원, half up
        (359843, "천원", "백만원", "round", "3억 6천만원"),
        (359843, "천원", "억원", "cut", "3억원"),
        (-120843, "천원", "천만원", "round", "△1억 2천만원"),
        (18557, "억원", None, "cut", "1조 8,557억원"),
        (123456789, "백만원", None, "cut", "123조 4,567억 8천 9백만원"),
        ("△594", "백만원", "", "cut", "△5억 9천 4백만원"),
    ],
)
def test_words(amount, unit, precision, mode, words) -> None:
    assert won_words(amount, unit, precision, True, mode) == words
    vector = won_words_array(np.array([float(D_(amount))]), unit, precision, True, mode)
    assert vector.tolist() == [words]


def D_(value):
    from xlbudget.core.money import parse_amount

    return parse_amount(value)


def test_to_won_rounds_to_won_before_cutting() -> None:
    assert to_won(0.0005, "천원") == 1  # 0.5원 → 1원
    assert to_won(0.0005, "천원", "원") == 1
    assert to_won(120843, "천원", "천만원") == 120_000_000
    assert to_won(120843, "천원", "천만원", "round") == 120_000_000
    assert to_won(125000, "천원", "천만원", "round") == 130_000_000
    with pytest.raises(ParseError, match="비어"):
        to_won(None)


def test_units() -> None:
    assert unit_factor("천원") == 1000 and unit_factor(" 백만 원 ") == 10**6
    assert unit_factor("") == 1
    assert set(UNITS) >= {"원", "천원", "백만원", "억원"}
    with pytest.raises(ValueError, match="알 수 없는 단위"):
        unit_factor("달러")


def test_vector_blanks_and_overflow() -> None:
    out = won_words_array(np.array([np.nan, 1e20]), "원")
    assert out[0] == ""
    assert out[1] == CellError("#NUM!", "금액이 너무 큽니다")
    assert won_words(1e20, "원") == "100,000,000조원"  # the scalar form has no limit


@pytest.mark.parametrize(
    ("text", "unit", "amount"),
    [
        ("1,104억 3천 3백만원", "백만원", "110433"),
        ("1조 8,557억원", "억원", "18557"),
        ("3천4백4십만원", "천원", "34400"),
        ("3천 4백 4십만원", "천원", "34400"),
        ("천만원", "원", "10000000"),
        ("5,000만원", "원", "50000000"),  # numerals in the 만 group, as a press release writes
        ("998억 원", "억원", "998"),
        ("1조4,761억 원", "억원", "14761"),
        ("△5억9천4백만원", "백만원", "-594"),
        ("▲3천원", "천원", "-3"),
        ("60만원", "천원", "600"),
        ("0원", "원", "0"),
    ],
)
def test_parse_won_words(text: str, unit: str, amount: str) -> None:
    assert parse_won_words(text, unit) == Decimal(amount)


@pytest.mark.parametrize(
    "text",
    ["", "원", "억원", "4백3천만원", "12345만원", "1,2,3억원", "3천 4백 만 원x", "3천4백4십"],
)
def test_parse_won_words_rejects(text: str) -> None:
    with pytest.raises(ParseError):
        parse_won_words(text)


def test_parse_won_words_rejects_non_text() -> None:
    with pytest.raises(ParseError, match="문자열"):
        parse_won_words(1234)  # type: ignore[arg-type]


won = st.integers(-(10**17), 10**17)


@given(won, st.booleans())
def test_words_round_trip(amount: int, spaced: bool) -> None:
    words = won_words(amount, "원", spaced=spaced)
    assert parse_won_words(words, "원") == amount
    assert (" " in words) == (spaced and len(words.split()) > 1)


@given(st.integers(0, 10**15), st.sampled_from(["만원", "백만원", "천만원", "억원"]))
def test_cut_words_round_trip_to_the_cut_amount(amount: int, precision: str) -> None:
    step = unit_factor(precision)
    words = won_words(amount, "원", precision)
    assert parse_won_words(words) == amount // step * step


@given(
    st.lists(st.integers(-(10**12), 10**12), max_size=20),
    st.sampled_from(["원", "천원", "백만원"]),
    st.sampled_from([None, "만원", "천만원", "억원"]),
    st.booleans(),
    st.sampled_from(["cut", "round"]),
)
def test_vector_equals_scalar(values, unit, precision, spaced, mode) -> None:
    values = [v for v in values if abs(v) * unit_factor(unit) < 2**53]
    got = won_words_array(np.array(values, dtype=float), unit, precision, spaced, mode).tolist()
    assert got == [won_words(v, unit, precision, spaced, mode) for v in values]


@given(
    st.decimals(min_value=-(10**9), max_value=10**9, places=3, allow_nan=False),
    st.booleans(),
)
def test_vector_equals_scalar_for_fractional_thousands(amount: Decimal, spaced: bool) -> None:
    scalar = won_words(amount, "천원", None, spaced)
    assert won_words_array(np.array([float(amount)]), "천원", None, spaced).tolist() == [scalar]
