"""Ribbon and UDF safety: an unknown button only reports; a UDF always answers, in shape.

The ribbon is driven with a recording stand-in for the calling book (no Excel here): it
records every attribute the code touches, so "does nothing but report" is observed.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

import pytest

from xlbudget import ribbon, udfs

PAIRS = (udfs.XB_DIFF, udfs.XB_RATE, udfs.XB_UNSPENT, udfs.XB_EXEC)
SINGLES = (udfs.XB_WON, udfs.XB_TRI)


class Recorder:
    """Records every attribute read and every alert; has no workbook behind it."""

    def __init__(self) -> None:
        self.touched: list[str] = []
        self.alerts: list[tuple[str, str]] = []

    def __getattr__(self, name: str) -> Any:
        self.touched.append(name)
        if name == "app":
            return self
        if name == "alert":
            return lambda text, title="", **_: self.alerts.append((text, title))
        raise AttributeError(name)


@pytest.mark.parametrize(
    "button",
    [
        "xbEvil",
        "",
        "XBFILL",
        "xbFill ",
        "__import__('os').system('id')",
        None,
        42,
        "../xbFill",
        "xbFill;xbMark",
    ],
)
def test_unknown_ribbon_id_only_reports(button: Any) -> None:
    book = Recorder()
    ribbon.run(button, book)
    assert book.touched == ["app", "alert"]  # nothing but the message box
    assert len(book.alerts) == 1 and str(button) in book.alerts[0][0]
    with pytest.raises(ValueError, match="알 수 없는 리본 단추"):
        ribbon.run(button)  # without a book: an error naming the id, nothing run


def test_ribbon_allow_list_is_the_custom_ui() -> None:
    """Every id the ribbon XML can send is allowed, and nothing else is."""
    xml = (Path(ribbon.__file__).parent / "workbook" / "src" / "customUI14.xml").read_bytes()
    ids = {i.decode() for i in re.findall(rb'<button[^>]*\sid="([^"]+)"', xml)}
    assert ids == set(ribbon.ACTIONS)


ERRORS = ["#N/A", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!"]
ODD = [
    None,
    "",
    "abc",
    "△5",
    "(1,234)",
    True,
    math.nan,
    math.inf,
    -math.inf,
    1e308,
    -1e308,
    10**400,
    [],
    "=1+1",
]


@pytest.mark.parametrize("fn", PAIRS + SINGLES, ids=lambda f: f.__name__)
@pytest.mark.parametrize("value", ERRORS + ODD, ids=repr)
def test_udf_error_and_odd_values_answer(fn: Any, value: Any) -> None:
    args = (value, 100) if fn in PAIRS else (value,)
    result = fn(*args)
    assert isinstance(result, (str, float, int, list))
    if isinstance(value, str) and value in ERRORS:
        assert result == value  # Excel errors pass through
    column = [[value], [100], [None]]
    answer = fn(column, [[100], [100], [100]]) if fn in PAIRS else fn(column)
    if isinstance(answer, list):
        assert [len(row) for row in answer] == [1, 1, 1]
    else:
        assert answer.startswith("#")  # a whole-range error, as text


def big_range(mixed: bool) -> list[list[Any]]:
    """10,000 × 100 cells; ``mixed`` puts an error, a blank or text in every seventh cell."""
    odd = ["#N/A", None, "abc", "△5", "#DIV/0!", "", "(12)"]
    return [
        [
            odd[(i // 7 + j) % 7] if mixed and (i + j) % 7 == 0 else float(i * 100 + j + 1)
            for j in range(100)
        ]
        for i in range(10_000)
    ]


def assert_shape(answer: Any) -> None:
    assert isinstance(answer, list) and len(answer) == 10_000
    assert all(isinstance(row, list) and len(row) == 100 for row in answer)


def test_udfs_on_a_10000_by_100_range() -> None:
    numbers, mixed = big_range(False), big_range(True)
    answer = udfs.XB_DIFF(mixed, numbers)
    assert_shape(answer)
    assert answer[0][0] == "#N/A" and answer[0][1] == 0.0
    for fn in (udfs.XB_RATE, udfs.XB_UNSPENT, udfs.XB_EXEC):
        assert_shape(fn(numbers, numbers))
    tri = udfs.XB_TRI(mixed)
    assert_shape(tri)
    assert tri[0][1] == "2" and tri[0][0] == "#N/A"
    won = udfs.XB_WON([row[:10] for row in numbers])  # 100,000 cells: XB_WON is the slowest
    assert len(won) == 10_000 and all(len(row) == 10 for row in won)


@pytest.mark.slow
def test_xb_won_on_a_10000_by_100_range() -> None:
    assert_shape(udfs.XB_WON(big_range(True)))
