"""What a row of a table is, from its label and its numbers.

Officers type tables the way the report prints them: a 합계 row first, 소계 rows between
groups, a department's name alone on a row above its lines, blank rows, notes ("※ …"),
the header repeated after a page break.  Each is recognised here by its label (spaces and
full-width forms ignored), never by its position, so that no 소계 is read as a project and
no line is lost.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from ..schema import name_key

#: Row kinds: what the reader does with each.
LINE = "line"  # a line of the table (a project, an item, a summary row)
TOTAL = "total"  # 합계 / 총계 / 계: the table's (or a project's) total
SUBTOTAL = "subtotal"  # 소계: a group's total
GROUP = "group"  # a department (or group) name alone on its row: it heads the lines below
BLANK = "blank"
NOTE = "note"  # ※ a note, 자료: a source line
HEADER = "header"  # the header repeated (after a page break)
MORE = "more"  # text only in a column such as 산출내역: it continues the line above
PROJECT = "project"  # a project's name alone on its row: it names the lines below

#: Why a row is not a line, as the reading summary says it.
REASONS = {
    TOTAL: "합계 행",
    SUBTOTAL: "소계 행",
    GROUP: "부서·구분 행",
    BLANK: "빈 행",
    NOTE: "메모 행",
    HEADER: "머리글 반복 행",
    MORE: "윗줄에 이어지는 설명 행",
    PROJECT: "사업명 행",
}

_TOTALS = {"합계", "총계", "계", "총액", "합", "누계"}
_SUBTOTAL = re.compile(r"^소계")
_GROUP_TOTAL = re.compile(r"\S\s+(?:소\s*계|합\s*계|총\s*계|계)\s*(?:[(（][^)）]*[)）])?$")
#: The first letters of every total's label (Hangul is unchanged by NFKC normalisation).
_FIRST = frozenset(k[0] for k in (*_TOTALS, "소계"))
_NOTE = re.compile(r"^(?:※|\*|주\)|주:|자료:|출처:|\(주\)|-\s*주)")
_HEADING = re.compile(r"^(?:[가-하]\.|[0-9]+\.|[ⅠⅡⅢⅣⅤⅥ]+\.|[①-⑳]|○|□|■|▶|◎)\s*")


def total_kind(text: Any) -> str | None:
    """TOTAL or SUBTOTAL when ``text`` is a total's label ("합 계", "소계(일반회계)")."""
    if not isinstance(text, str):
        return None
    return _text_kind(text)


@lru_cache(maxsize=8192)  # a city's 100,000 lines repeat a few hundred labels
def _text_kind(text: str) -> str | None:
    stripped = text.strip()
    # Most labels are settled here, without normalising: a total's label starts with one of
    # a few letters, or ends in 계 (a group's "스마트도시담당관 소계") or a bracket.
    if not stripped or (stripped[0] not in _FIRST and stripped[-1] not in "계)）"):
        return None
    key = name_key(text)
    if not key:
        return None
    if key in _TOTALS:
        return TOTAL
    if _SUBTOTAL.match(key):
        return SUBTOTAL
    # A group's own total: "스마트도시담당관 소계", "세외수입 합계", "행정관리 계" (a word,
    # a space, then the total word; "일반회계" has no space and is no total).
    if _GROUP_TOTAL.search(stripped):
        return SUBTOTAL
    return None


def is_note(text: Any) -> bool:
    return isinstance(text, str) and bool(_NOTE.match(text.strip()))


def heading_name(text: Any) -> str | None:
    """The name in a heading above a table ("가. 세계스마트시티기구(WeGo) 운영" → the name)."""
    if not isinstance(text, str):
        return None
    stripped = text.strip()
    m = _HEADING.match(stripped)
    if not m:
        return None
    name = stripped[m.end() :].strip().strip("“”\"'‘’")
    return name or None


def is_number(value: Any) -> bool:
    """A cell that holds a number (or text that reads as one: "1,234", "△594")."""
    if isinstance(value, bool):
        return False
    if isinstance(value, (int, float)):
        return value == value
    if isinstance(value, str):
        return bool(re.fullmatch(r"\s*[△▲\-+(]?\s*[0-9][0-9,]*(\.[0-9]+)?\s*%?\)?\s*", value))
    return False


def has_value(value: Any) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())
