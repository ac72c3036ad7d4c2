"""Header texts as officers and reports write them, and the table columns they name.

A header cell is compared by its key: Unicode-normalised (NFKC: full-width "예산현액（가）" is
"예산현액(가)"), without spaces or line breaks, without the report's column markers ("(가)",
"(A-B)", "다=(가-나)", "다/가", "(안)"), and with 증감률 read as 증감율.  Two or three header
rows (the report's banded headers, 예산 / 증감 / 증감율 over 당초 and 기정) are read as
one: a band word over a leaf names the leaf in that band ("증감" over "당초" is 증감_당초).
Merged header cells are spread over the columns they cover before this.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from typing import Any

from ..schema import TableSpec

#: The report's column markers, removed from a header's key (after spaces are removed).
_MARKERS = (
    re.compile(r"[가-하]=\(?[가-하](?:[-+/][가-하])*\)?$"),  # 다=(가-나)
    re.compile(r"[가-하]/[가-하]$"),  # 다/가
    re.compile(r"\((?:[가-하A-Za-z](?:[-+/×*][가-하A-Za-z])*|안)\)"),  # (가) (A-B) (a+b) (안)
    _UNIT_MARK := re.compile(r"\((?:단위[:：]?)?(천원|백만원|억원|원|%)\)"),  # (천원) (%)
)
#: Columns that are no amount to check: a row number, a code (each is read as nothing,
#: not reported as an unknown column of numbers).
IGNORED = frozenset({"연번", "번호", "순번", "no", "no.", "순위", "코드"})
#: A year written before a header ("2021년도 예산", "2021 추경").
_YEAR = re.compile(r"^(?:19|20)\d\d(?:년도|년)?(?=[^년도\d])")
#: Band words: a column under one of them is that band's version of its leaf.
BANDS = {
    "증감": "증감_",
    "증감액": "증감_",
    "증감율": "증감율_",
    "비율": "증감율_",
    "증감비율": "증감율_",
}
#: Leaves that a band prefixes.
LEAVES = ("당초", "기정")
#: Band words that add nothing (예산 over 당초/기정, a year over its columns).
_PLAIN_BAND = re.compile(r"^(?:\d{4}년?도?)?(?:예산|본예산)?(?:\(?추경예산안?\)?)?$")


def header_key(text: Any) -> str:
    """The key a header cell is compared by (see the module docstring)."""
    if text is None:
        return ""
    key = "".join(unicodedata.normalize("NFKC", str(text)).split())
    for marker in _MARKERS:
        key = marker.sub("", key)
    return _YEAR.sub("", key).replace("률", "율")


def column_keys(spec: TableSpec) -> dict[str, str]:
    """Header key → canonical column, for the spec's columns and their aliases."""
    keys: dict[str, str] = {}
    for column in spec.columns:
        keys[header_key(column)] = column
    for column in spec.columns:
        for alias in spec.aliases.get(column, ()):
            keys.setdefault(header_key(alias), column)
    return keys


def _leaf(key: str) -> str | None:
    """당초 / 기정 when ``key`` names one of them ("당초예산", "기정(B)")."""
    for leaf in LEAVES:
        if key in (leaf, f"{leaf}예산"):
            return leaf
    return None


def column_name(stack: Sequence[Any], keys: dict[str, str]) -> str | None:
    """The canonical column a column's header cells (top to bottom) name, or None."""
    texts = [header_key(t) for t in stack if t not in (None, "")]
    if not texts:
        return None
    leaf = _leaf(texts[-1])
    if leaf is not None:
        for band in reversed(texts[:-1]):  # the nearest band word above the leaf
            if band in BANDS:
                return keys.get(header_key(BANDS[band] + leaf))
            if not _PLAIN_BAND.match(band):
                break
    for text in reversed(texts):
        if text in keys:
            return keys[text]
        for inner in re.findall(r"\(([^()]+)\)", text):  # "2021예산(추경예산안)"
            if header_key(inner) in keys:
                return keys[header_key(inner)]
    return keys.get("".join(texts))


def header_unit(text: Any) -> str | None:
    """The unit a header names ("예산현액(천원)" → 천원), if any."""
    if text is None:
        return None
    m = _UNIT_MARK.search("".join(unicodedata.normalize("NFKC", str(text)).split()))
    return m.group(1) if m and m.group(1) != "%" else None


def is_ignored(text: Any) -> bool:
    key = header_key(text).lower()
    return key in IGNORED or key.endswith("코드")


def match_columns(
    spec: TableSpec, header_rows: Sequence[Sequence[Any]], first_col: int, last_col: int
) -> tuple[dict[str, int], list[tuple[int, str]]]:
    """Canonical column → sheet column, and the header cells no column was found for.

    ``header_rows`` are the header's rows (merged cells already spread), each a full sheet
    row; the first match of a column wins.
    """
    keys = column_keys(spec)
    found: dict[str, int] = {}
    unknown: list[tuple[int, str]] = []
    for col in range(first_col, last_col + 1):
        stack = [row[col] if col < len(row) else None for row in header_rows]
        name = column_name(stack, keys)
        if name is not None and name not in found:
            found[name] = col
        elif name is None:
            text = " ".join(str(t).strip() for t in stack if t not in (None, ""))
            if text and not is_ignored(stack[-1] if stack[-1] not in (None, "") else text):
                unknown.append((col, text))
    return found, unknown


def is_header_text(value: Any) -> bool:
    """A cell that may be part of a header row: text that is not a number."""
    if not isinstance(value, str) or not value.strip():
        return False
    return not re.fullmatch(r"[\s△▲+\-(),.%0-9]+", value)


def header_map(spec: TableSpec, headers: Sequence[Any]) -> dict[str, int]:
    """Canonical column → position among one row of ``headers`` (first match wins): how an
    export's own header row is matched to a table's columns."""
    found, _ = match_columns(spec, [list(headers)], 0, len(headers) - 1)
    return found


#: Rows of a sheet searched for an export's header row.
HEADER_SEARCH_ROWS = 200


def find_header_row(
    rows: Sequence[Sequence[Any]], groups: Sequence[Sequence[str]], limit: int = HEADER_SEARCH_ROWS
) -> int | None:
    """0-based index of the first row holding one header of every group in ``groups``."""
    wanted = [{header_key(w) for w in group} for group in groups]
    for i, row in enumerate(rows[:limit]):
        cells = {header_key(c) for c in row if c is not None}
        if all(group & cells for group in wanted):
            return i
    return None


def required_groups(spec: TableSpec) -> list[list[str]]:
    """For each required column, the header texts that name it (the column and its aliases)."""
    return [[c, *spec.aliases.get(c, ())] for c in spec.required]
