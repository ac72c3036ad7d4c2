"""Cell addresses: 0-based (row, column) pairs, and their A1 text for people and formulas.

The plan counts from 0 as pandas does.  A1 text appears where a person or Excel reads it: a
finding's cell ("D5"), a formula, a defined name.  This is the one place that turns the two
into each other (openpyxl's helpers are not used in the core).
"""

from __future__ import annotations

import re
from functools import lru_cache

MAX_COLUMNS = 16_384
_A1 = re.compile(r"^\$?([A-Za-z]{1,3})\$?([0-9]{1,7})$")


@lru_cache(maxsize=4096)
def col_letter(col: int) -> str:
    """Letters of the 0-based column ``col``: 0 → A, 25 → Z, 26 → AA."""
    if not 0 <= col < MAX_COLUMNS:
        raise ValueError(f"열 번호가 범위를 벗어났습니다: {col}")
    letters = ""
    n = col + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def col_index(letters: str) -> int:
    """0-based column of ``letters``: A → 0, AA → 26."""
    n = 0
    for ch in letters.upper():
        if not "A" <= ch <= "Z":
            raise ValueError(f"열 문자가 아닙니다: {letters!r}")
        n = n * 26 + ord(ch) - 64
    if not 1 <= n <= MAX_COLUMNS:
        raise ValueError(f"열이 범위를 벗어났습니다: {letters!r}")
    return n - 1


def a1(row: int, col: int, absolute: bool = False) -> str:
    """A1 text of the 0-based (row, col): (4, 3) → "D5" (absolute: "$D$5")."""
    letter = col_letter(col)
    return f"${letter}${row + 1}" if absolute else f"{letter}{row + 1}"


def range_a1(first_row: int, first_col: int, last_row: int, last_col: int) -> str:
    """A1 text of an inclusive 0-based rectangle: "A5:H65" (one cell: "A5")."""
    start, end = a1(first_row, first_col), a1(last_row, last_col)
    return start if start == end else f"{start}:{end}"


def parse_a1(text: str) -> tuple[int, int]:
    """0-based (row, col) of "D5" or "$D$5"."""
    m = _A1.match(text.strip())
    if not m:
        raise ValueError(f"셀 주소가 아닙니다: {text!r}")
    return int(m.group(2)) - 1, col_index(m.group(1))


def parse_range(text: str) -> tuple[int, int, int, int]:
    """0-based inclusive (first_row, first_col, last_row, last_col) of "A5:H65" or "A5"."""
    start, _, end = text.partition(":")
    r1, c1 = parse_a1(start)
    r2, c2 = parse_a1(end) if end else (r1, c1)
    return min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2)


def quote_sheet(name: str) -> str:
    """A sheet name as a formula writes it: always quoted, quotes doubled ('검토_개요')."""
    return "'" + name.replace("'", "''") + "'"
