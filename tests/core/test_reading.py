"""The reader's small parts on their own: header texts, row labels, merged cells.

The shapes of whole workbooks are tested in ``tests/corpus``; these pin the rules that
those shapes rest on, each with the text an officer or a report actually writes.
"""

from __future__ import annotations

import pytest

from xlbudget.core.reading.headers import column_keys, column_name, header_key
from xlbudget.core.reading.labels import GROUP, SUBTOTAL, TOTAL, heading_name, total_kind
from xlbudget.core.reading.regions import spread
from xlbudget.core.schema import TABLES


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("예산현액（가）", "예산현액"),
        ("지출잔액 다=(가-나)", "지출잔액"),
        ("불용률 다/가", "불용율"),
        ("증감\n(A-B)", "증감"),
        ("추경예산(안)", "추경예산"),
        ("2021년 예산", "예산"),
        ("지출 원인행위액", "지출원인행위액"),
    ],
)
def test_header_key(text: str, key: str) -> None:
    assert header_key(text) == key


def test_banded_header_names_the_band_of_a_leaf() -> None:
    keys = column_keys(TABLES["세출"])
    assert column_name(["증감", "당초"], keys) == "증감_당초"
    assert column_name(["증감률", "기정"], keys) == "증감율_기정"
    assert column_name(["2021예산", "당초"], keys) == "당초"  # a plain band adds nothing
    assert column_name(["증감"], keys) == "증감_기정"  # one 증감 column is against 기정


@pytest.mark.parametrize(
    ("label", "kind"),
    [
        ("합 계", TOTAL),
        ("총　계", TOTAL),
        ("계", TOTAL),
        ("소계(일반회계)", SUBTOTAL),
        ("소 계", SUBTOTAL),
        ("계약직 인건비", None),
        ("소방안전", None),
        (1234, None),
    ],
)
def test_total_labels(label: object, kind: str | None) -> None:
    assert total_kind(label) == kind


def test_heading_names_the_project() -> None:
    assert heading_name("가. 세계스마트시티기구(WeGo) 운영") == "세계스마트시티기구(WeGo) 운영"
    assert heading_name("〈 소 요 예 산 〉") is None
    assert GROUP == "group"


def test_merged_text_spreads_over_data_only() -> None:
    """A merge over the whole sheet (a hostile or careless file) costs no more than the data."""
    rows = [["행정관리", 1.0], [None, 2.0], [None, None]]
    out = spread(rows, [(0, 0, 1_048_575, 16_383)])
    assert [r[0] for r in out] == ["행정관리"] * 3
    assert [len(r) for r in out] == [2, 2, 2]
    assert out[1][1] == 2.0  # numbers are never copied into other cells
    assert rows[1][0] is None  # the input is not changed
