"""The XB_ worksheet functions, called with exactly what xlwings passes them.

xlwings hands a UDF floats for numbers, None for empty cells, str for text (and, with
``err_to_str``, "#N/A" for an Excel error), and a list of rows for a range (``ndim=2``).
"""

from __future__ import annotations

import inspect
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xlbudget import udfs
from xlbudget.core import cellargs as ca
from xlbudget.core import seed
from xlbudget.core.errors import CellError
from xlbudget.core.money import ParseError, parse_amount
from xlbudget.core.rates import rate, rate_array
from xlbudget.udfs import XB_DIFF, XB_EXEC, XB_RATE, XB_TRI, XB_UNSPENT, XB_WON

HANGUL = re.compile(r"[가-힣]")
LATIN = re.compile(r"[A-Za-z]{3,}")


def column(values):
    return [[v] for v in values]


def test_scalars() -> None:
    assert XB_RATE(10045.0, 10000.0) == 0.5
    assert XB_RATE(9955.0, 10000.0) == -0.5
    assert XB_RATE(10045.0, 10000.0, 2.0) == 0.45
    assert XB_RATE(5.0, 0.0) == ""
    assert XB_RATE(5.0, None) == ""
    assert XB_DIFF(109838.0, 110433.0) == -595.0
    assert XB_DIFF(None, 594.0) == -594.0
    assert XB_UNSPENT(355000.0, 49114.0) == 86.2
    assert XB_EXEC(355000.0, 49114.0) == 13.8
    assert XB_TRI(-594.0) == "△594"
    assert XB_TRI(-0.54, 1.0) == "△0.5"
    assert XB_TRI(None) == ""


def test_won_examples_of_the_issue() -> None:
    assert XB_WON(110433.0, "백만원") == "1,104억 3천 3백만원"
    assert XB_WON(120843.0, "천원", "천만원", False) == "1억2천만원"
    assert XB_WON(359843.0, "천원", "백만원", True) == "3억 5천 9백만원"
    assert XB_WON(34400.0) == "3천 4백 4십만원"  # default unit 천원, spaced
    assert XB_WON(34400.0, "천원", None, "FALSE") == "3천4백4십만원"
    assert XB_WON(34400.0, "천원", "", 0.0) == "3천4백4십만원"
    assert XB_WON(None) == ""
    assert XB_WON(34400.0, "천원", None, None) == "3천 4백 4십만원"  # a blank cell: default
    assert XB_TRI(-0.54, None) == "△1" and XB_RATE(10045.0, 10000.0, None) == 0.5


def test_ranges_keep_their_shape() -> None:
    new = [[110433.0, 727.0], [3.0, None]]
    base = [[100589.0, 727.0], [0.0, 5.0]]
    assert XB_RATE(new, base) == [[9.8, 0.0], ["", -100.0]]
    assert XB_DIFF(new, base) == [[9844.0, 0.0], [3.0, -5.0]]
    assert XB_TRI(column([-594.0, 1234.5, None]), 1) == [["△594.0"], ["1,234.5"], [""]]
    assert XB_WON(column([110433.0, 15226.0]), "백만원") == [
        ["1,104억 3천 3백만원"],
        ["152억 2천 6백만원"],
    ]


def test_single_cell_broadcasts_against_a_range() -> None:
    assert XB_RATE(column([110.0, 90.0, None]), 100.0) == [[10.0], [-10.0], [-100.0]]
    assert XB_RATE(column([110.0, 90.0]), [[100.0]]) == [[10.0], [-10.0]]
    assert XB_DIFF([[1.0, 2.0, 3.0]], column([1.0, 2.0])) == [[0.0, 1.0, 2.0], [-1.0, 0.0, 1.0]]


def test_text_numbers_in_cells() -> None:
    new = column(["1,234", "△594", "(594)", "１，０００", " 5 ", "-"])
    assert XB_DIFF(new, 0.0) == column([1234.0, -594.0, -594.0, 1000.0, 5.0, 0.0])


def test_bad_cells_say_what_they_found_in_their_own_cell() -> None:
    new = column([110.0, "abc", "#N/A", True, 120.0, " #DIV/0! "])
    out = XB_RATE(new, 100.0)
    assert out[0] == [10.0] and out[4] == [20.0]
    assert out[1] == ["#VALUE! 숫자가 아닙니다: 'abc'"]
    assert out[2] == ["#N/A"]  # Excel errors pass through
    assert out[3][0].startswith("#VALUE!") and "True" in out[3][0]
    assert out[5] == ["#DIV/0!"]
    # the first bad argument names the error
    assert XB_RATE("x", "#REF!") == "#VALUE! 숫자가 아닙니다: 'x'"
    assert XB_RATE(1.0, "#REF!") == "#REF!"


@pytest.mark.parametrize(
    ("call", "words"),
    [
        (lambda: XB_RATE(1.0, 2.0, "x"), "digits"),
        (lambda: XB_RATE(1.0, 2.0, 1.5), "digits"),
        (lambda: XB_RATE(1.0, 2.0, 11.0), "digits"),
        (lambda: XB_TRI(1.0, "x"), "digits"),
        (lambda: XB_TRI(1.0, -1.0), "digits"),
        (lambda: XB_WON(1.0, "달러"), "알 수 없는 단위"),
        (lambda: XB_WON(1.0, "천원", "엔"), "알 수 없는 단위"),
        (lambda: XB_WON(1.0, "천원", "", "maybe"), "spaced"),
        (lambda: XB_RATE(column([1.0, 2.0]), column([1.0, 2.0, 3.0])), "범위 크기"),
        (lambda: XB_RATE([[1.0], [2.0, 3.0]], 1.0), "행 길이"),
        (lambda: XB_RATE([[1.0], 2.0], 1.0), "섞여"),
    ],
)
def test_bad_options_give_a_value_error_text(call, words: str) -> None:
    out = call()
    assert isinstance(out, str) and out.startswith("#VALUE! ") and words in out


def test_huge_range_is_refused() -> None:
    out = XB_DIFF([[0.0]] * (udfs.ca.MAX_CELLS + 1), 0.0)
    assert out.startswith("#NUM!")


weird = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.floats(),
        st.integers(),
        st.text(max_size=5),
        st.sampled_from(["#N/A", "△", "(1)", "1,2"]),
    ),
    lambda inner: st.lists(inner, max_size=3),
    max_leaves=8,
)


def _cells(answer):
    """Every cell of an answer (a scalar or rows of cells)."""
    if isinstance(answer, list):
        return [c for row in answer for c in (row if isinstance(row, list) else [row])]
    return [answer]


@given(weird, weird, weird)
def test_any_input_answers_with_values_or_excel_errors(a, b, c) -> None:
    """Whatever Excel passes, each cell is a number, a blank, a text answer or an error
    value's text (#…), never a traceback; the core itself answers with typed errors."""
    for answer in (
        *(fn(a, b, c) for fn in (XB_RATE, XB_UNSPENT, XB_EXEC)),
        XB_DIFF(a, b),
    ):
        for cell in _cells(answer):
            assert isinstance(cell, float) or cell == "" or str(cell).startswith("#"), cell
    for answer in (XB_TRI(a, c), XB_WON(a, "천원", "", c)):
        for cell in _cells(answer):
            assert isinstance(cell, str), cell
    for cell in _cells(ca.apply_cells(rate_array, a, b)):
        assert isinstance(cell, (float, CellError)) or cell == "", cell


floats = st.one_of(st.none(), st.floats(-1e12, 1e12, allow_nan=False), st.integers(-1e9, 1e9))


@given(st.lists(st.tuples(floats, floats), min_size=1, max_size=30))
def test_array_form_equals_scalar_form(pairs) -> None:
    new = [[n] for n, _ in pairs]
    base = [[b] for _, b in pairs]
    for fn in (XB_RATE, XB_UNSPENT, XB_EXEC, XB_DIFF):
        assert fn(new, base) == [[fn(n, b)] for n, b in pairs], fn.__name__
    assert XB_TRI(new, 1) == [[XB_TRI(n, 1)] for n, _ in pairs]


cents = st.decimals(min_value=-(10**12), max_value=10**12, places=2, allow_nan=False)


@given(st.lists(st.tuples(floats, st.one_of(st.none(), cents)), min_size=1, max_size=30))
def test_text_cells_give_the_same_numbers(pairs) -> None:
    """A column with a text number takes the parser's path; the answers must not change."""
    new = [[n] for n, _ in pairs]
    base = [[None if b is None else float(b)] for _, b in pairs]
    as_text = [[None if b is None else f"{b:,}"] for _, b in pairs]
    assert XB_RATE(new, as_text) == XB_RATE(new, base)
    assert XB_TRI(as_text, 2) == XB_TRI(base, 2)


def test_agrees_with_the_core_scalar() -> None:
    assert XB_RATE(5265.0, 378.0) == float(rate(5265, 378))


def test_execution_table_as_a_range() -> None:
    table = seed.load("집행현황")
    budget = column(table["예산현액"].tolist())
    spent = column(table["지출액"].tolist())
    assert XB_UNSPENT(budget, spent) == column(table["불용률"].tolist())
    execution = XB_EXEC(budget, spent)
    for (u,), (e,) in zip(XB_UNSPENT(budget, spent), execution, strict=True):
        assert abs(u + e - 100) <= 0.1 + 1e-9


# --------------------------------------------------------------------------- help texts


def public_udfs():
    return [obj for name, obj in vars(udfs).items() if name.startswith("XB_")]


def test_udfs_lists_every_function() -> None:
    assert set(udfs.UDFS) == set(public_udfs()) and len(udfs.UDFS) == 6


@pytest.mark.parametrize("fn", udfs.UDFS, ids=lambda f: f.__name__)
def test_every_parameter_has_korean_and_english_help(fn) -> None:
    for name in inspect.signature(fn).parameters:
        doc = udfs.ARG_DOCS[name]
        korean, english = doc.split(" | ")
        assert HANGUL.search(korean) and LATIN.search(english), name
    korean, english = fn.__doc__.split(" | ")
    assert HANGUL.search(korean) and LATIN.search(english)


def test_range_arguments_are_read_as_rows_with_errors_as_text() -> None:
    for fn in udfs.UDFS:
        for name in inspect.signature(fn).parameters:
            options = udfs.arg_options(name)
            if name in udfs.RANGE_ARGS:
                assert options == {"ndim": 2, "err_to_str": True}
            else:
                assert options == {}
    assert set(udfs.ARG_DOCS) == {p for fn in udfs.UDFS for p in inspect.signature(fn).parameters}


def test_parse_error_type_is_a_value_error() -> None:
    with pytest.raises(ValueError):
        parse_amount("abc")
    assert issubclass(ParseError, ValueError)
