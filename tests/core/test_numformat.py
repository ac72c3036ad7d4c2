"""△ text and the Excel number formats that show △ for negatives (xlbudget.core.numformat)."""

from __future__ import annotations

import csv
import subprocess
from decimal import Decimal

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook

from xlbudget.core.money import D
from xlbudget.core.numformat import (
    AMOUNT_FORMAT,
    RATE_FORMAT,
    RATE_PCT_FORMAT,
    amount_format,
    rate_format,
    tri,
    tri_array,
)


@pytest.mark.parametrize(
    ("value", "digits", "suffix", "expected"),
    [
        (-594, 0, "", "△594"),
        (1234567, 0, "", "1,234,567"),
        (0, 0, "", "0"),
        (-0.54, 1, "%", "△0.5%"),
        (-0.04, 1, "", "0.0"),  # rounds to zero: no △
        (2698.94, 1, "%", "2,698.9%"),
        ("△594", 0, "", "△594"),
        ("(1,234.5)", 0, "", "△1,235"),
        (None, 0, "", ""),
        ("", 1, "%", ""),
        (Decimal("-0.45"), 1, "", "△0.5"),
    ],
)
def test_tri(value: object, digits: int, suffix: str, expected: str) -> None:
    assert tri(value, digits, suffix) == expected


def test_tri_array_blanks() -> None:
    assert tri_array(np.array([np.nan, -594.0, 0.0]), 0).tolist() == ["", "△594", "0"]


@given(st.lists(st.floats(-1e12, 1e12, allow_nan=False), max_size=30), st.integers(0, 3))
def test_tri_array_equals_tri(values: list[float], digits: int) -> None:
    got = tri_array(np.array(values, dtype=float), digits, "%").tolist()
    assert got == [tri(v, digits, "%") for v in values]


@given(st.integers(-(10**12), 10**12))
def test_tri_text_parses_back(value: int) -> None:
    from xlbudget.core.money import parse_amount

    assert parse_amount(tri(value)) == value
    assert D(value) == value


def test_format_strings() -> None:
    assert AMOUNT_FORMAT == amount_format(0) == '#,##0;"△"#,##0;0'
    assert RATE_FORMAT == rate_format(1) == '#,##0.0;"△"#,##0.0;0.0'
    assert RATE_PCT_FORMAT == '#,##0.0"%";"△"#,##0.0"%";0.0"%"'
    assert amount_format(2) == '#,##0.00;"△"#,##0.00;0.00'


CASES = [  # (value, format, text that a spreadsheet must show)
    (1234567, AMOUNT_FORMAT, "1,234,567"),
    (-594, AMOUNT_FORMAT, "△594"),
    (0, AMOUNT_FORMAT, "0"),
    (-594.4, AMOUNT_FORMAT, "△594"),
    (47.3, RATE_FORMAT, "47.3"),
    (-0.54, RATE_FORMAT, "△0.5"),
    (0, RATE_FORMAT, "0.0"),
    (2698.94, RATE_FORMAT, "2,698.9"),
    (-0.5, RATE_PCT_FORMAT, "△0.5%"),
    (9.2, RATE_PCT_FORMAT, "9.2%"),
]


@pytest.mark.libreoffice
def test_formats_show_triangles_in_a_real_spreadsheet(soffice: str, tmp_path) -> None:
    """Write the formats into an .xlsx, let LibreOffice render it to CSV, read the text."""
    book = Workbook()
    sheet = book.active
    for row, (value, fmt, _) in enumerate(CASES, start=1):
        cell = sheet.cell(row=row, column=1, value=value)
        cell.number_format = fmt
    src = tmp_path / "formats.xlsx"
    book.save(src)
    out = tmp_path / "out"
    subprocess.run(
        [
            soffice,
            "--headless",
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true",
            "--outdir",
            str(out),
            str(src),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    with (out / "formats.csv").open(encoding="utf-8") as fh:
        shown = [row[0] for row in csv.reader(fh)]
    assert shown == [text for _, _, text in CASES]
