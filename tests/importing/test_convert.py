"""Unit conversion is exact and bad numbers are kept and reported (pure functions)."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from xlbudget.core.importing.convert import clean_text, convert_amounts
from xlbudget.core.importing.model import ROW_COL, SOURCE_COL


def column(values: list) -> pd.DataFrame:
    return pd.DataFrame(
        {"a": pd.Series(values, dtype=object), SOURCE_COL: "s", ROW_COL: range(1, len(values) + 1)}
    )


@given(st.lists(st.integers(-(10**15), 10**15), min_size=1, max_size=30))
def test_won_to_thousands_is_exact(values: list[int]):
    out, problems = convert_amounts(column(values), ["a"], "원", "천원")
    assert problems == []
    assert [v * 1000 for v in out["a"]] == values  # nothing rounded away
    assert [v.as_tuple().exponent >= -3 for v in out["a"]] == [True] * len(values)


def test_text_amounts_parse_or_are_kept_and_reported():
    out, problems = convert_amounts(
        column(["1,234,567", "△1,000", "(2,000)", None, "", "12OO", "#N/A", 5.5]),
        ["a"],
        "원",
        "천원",
    )
    assert list(out["a"]) == [
        Decimal("1234.567"),
        Decimal(-1),
        Decimal(-2),
        None,
        None,
        "12OO",
        "#N/A",
        Decimal("0.0055"),
    ]
    assert [(p.row, p.value) for p in problems] == [(6, "12OO"), (7, "#N/A")]


def test_names_trimmed_and_empty_names_reported():
    frame = pd.DataFrame(
        {"세부사업": [" 가 ", "", None, "나\x07"], SOURCE_COL: "s", ROW_COL: [2, 3, 4, 5]}
    )
    out, problems = clean_text(frame, ["세부사업"])
    assert list(out["세부사업"]) == ["가", None, None, "나"]
    assert [(p.row, p.reason) for p in problems] == [
        (3, "이름이 비어 있습니다"),
        (4, "이름이 비어 있습니다"),
        (5, "제어 문자를 지웠습니다"),
    ]
