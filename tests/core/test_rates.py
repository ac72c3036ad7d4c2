"""증감, 증감율, 불용률, 집행률 (xlbudget.core.rates): scalars exact, columns in numpy."""

from __future__ import annotations

import math
from decimal import Decimal

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from xlbudget.core import seed
from xlbudget.core.rates import (
    change,
    change_array,
    exec_rate,
    exec_rate_array,
    percent_of,
    rate,
    rate_array,
    unspent_rate,
    unspent_rate_array,
)
from xlbudget.core.schema import TABLES


def vec(fn, *columns, **kw):
    return fn(*[np.array(c, dtype=float) for c in columns], **kw)


@pytest.mark.parametrize(
    ("new", "base", "expected"),
    [
        (10045, 10000, "0.5"),  # 0.45 → 0.5: half up
        (9955, 10000, "-0.5"),  # −0.45 → −0.5: away from zero
        (10335, 10000, "3.4"),  # 3.35 → 3.4
        (109838, 110433, "-0.5"),  # the seed's 세출 총계
        (5265, 378, "1292.9"),
        (1, 3, "-66.7"),
    ],
)
def test_rate_half_up(new: int, base: int, expected: str) -> None:
    assert rate(new, base) == Decimal(expected)
    assert vec(rate_array, [new], [base])[0] == float(expected)


@pytest.mark.parametrize("base", [0, 0.0, None, "", "0", "-"])
def test_rate_is_blank_over_a_zero_or_empty_base(base: object) -> None:
    assert rate(5, base) is None
    assert unspent_rate(base, 5) is None
    assert exec_rate(base, 5) is None


def test_rate_arrays_blank_over_zero_or_empty_base() -> None:
    out = vec(rate_array, [5, 5, 5], [0, np.nan, 4])
    assert math.isnan(out[0]) and math.isnan(out[1]) and out[2] == 25.0


def test_change_counts_empty_as_zero() -> None:
    assert change(None, 594) == -594
    assert change("1,234", None) == 1234
    assert change("△594", "(6)") == -588
    assert vec(change_array, [np.nan, 1234], [594, np.nan]).tolist() == [-594, 1234]


def test_digits_option() -> None:
    assert rate(10045, 10000, digits=2) == Decimal("0.45")
    assert rate(10045, 10000, digits=0) == Decimal(0)
    assert percent_of(1, 3, 3) == Decimal("33.333")
    assert vec(rate_array, [10045], [10000], digits=2)[0] == 0.45


def test_unspent_and_exec_rates() -> None:
    # 스마트도시 민·관 협력 사무관리비: 예산현액 355,000, 지출액 49,114 천원 → 86.2 %
    assert unspent_rate(355000, 49114) == Decimal("86.2")
    assert exec_rate(355000, 49114) == Decimal("13.8")
    assert unspent_rate(1800, 0) == Decimal("100.0")
    assert exec_rate(1800, None) == Decimal(0)


def test_unspent_rate_is_read_under_both_names() -> None:
    spec = TABLES["집행현황"]
    assert "불용률" in seed.load("집행현황").columns and "불용률" in spec.columns
    assert "미집행률" in spec.aliases["불용률"]


money = st.integers(-(10**12), 10**12)
positive = st.integers(1, 10**12)


@given(st.lists(st.tuples(money, money), min_size=1, max_size=20), st.integers(0, 3))
def test_scalar_and_vector_rates_agree(pairs: list[tuple[int, int]], digits: int) -> None:
    new, base = zip(*pairs, strict=True)
    for fn, vfn in (
        (rate, rate_array),
        (unspent_rate, unspent_rate_array),
        (exec_rate, exec_rate_array),
    ):
        column = vec(vfn, new, base, digits=digits)
        for n, b, got in zip(new, base, column, strict=True):
            expected = fn(n, b, digits)
            if expected is None:
                assert math.isnan(got)
            else:
                assert got == float(expected), (fn.__name__, n, b)


@given(positive, st.integers(0, 10**12))
def test_exec_and_unspent_add_up_to_100_within_rounding(budget: int, spent: int) -> None:
    total = exec_rate(budget, spent) + unspent_rate(budget, spent)
    assert abs(total - 100) <= Decimal("0.1")
