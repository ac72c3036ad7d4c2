"""What an officer would want pointed out, though no sum is wrong: a project spelled two
ways in two tables, a 사업기간 that ends before it starts.

The seed itself has both: 집행현황's "세계스마트시티지구 운영" is 사업별증감's "세계스마트시티
기구 운영", and one 정보화사업 runs "2021.2.~2012.12.".  Names are compared without spaces
(as everywhere); two names are pointed out when they differ in one Hangul syllable and each
is found in a table the other is not — within one table, "상반기"/"하반기" are two projects.
"""

from __future__ import annotations

import re
from collections import defaultdict

import numpy as np

from ..korean import josa
from ..model import Finding
from ..reading import Table
from ..refs import parse_a1
from ..schema import name_key
from ..settings import Settings

#: Where project names stand, per table.
NAME_COLUMNS = {
    "사업별증감": "세부사업",
    "통계목증감": "세부사업",
    "집행현황": "세부사업",
    "정보화사업": "사업명",
}
MIN_LENGTH = 6  # shorter names differ by one syllable too easily
_YEAR_MONTH = re.compile(r"((?:19|20)\d\d)\s*[.\-/년]\s*(\d{1,2})(?!\d)")


def check_names(tables: dict[str, Table], settings: Settings) -> list[Finding]:
    """Project names one syllable apart, each only in tables the other is not in."""
    # key → table → (text, table, row index, column): where a name is, spelt out only for
    # the few names a finding quotes.
    places: dict[str, dict[str, tuple[str, Table, int, str]]] = defaultdict(dict)
    for key, column in NAME_COLUMNS.items():
        table = tables.get(key)
        if table is None or column not in table.frame:
            continue
        # A name repeats on every line of its project: only its first line can be a place.
        names = table.frame[column]
        firsts = np.flatnonzero(~names.duplicated().to_numpy())
        for i, name in zip(firsts.tolist(), names.to_numpy()[firsts].tolist(), strict=True):
            text = str(name or "").strip()
            k = name_key(text)
            if len(k) >= MIN_LENGTH and key not in places[k]:
                places[k][key] = (text, table, i, column)
    findings = []
    seen: set[frozenset[str]] = set()
    for names in _one_apart(list(places)):
        for a in names:
            for b in names:
                pair = frozenset((a, b))
                if a >= b or pair in seen or set(places[a]) & set(places[b]):
                    continue
                seen.add(pair)
                text_a, cell_a = _where(next(iter(places[a].values())))
                text_b, cell_b = _where(next(iter(places[b].values())))
                sheet, _, ref = cell_a.partition("!")
                row, col = _cell(ref)
                findings.append(
                    Finding(
                        sheet,
                        row,
                        col,
                        "NAME_VARIANT",
                        "참고",
                        f"{josa(repr_name(text_a) + f'({cell_a})', '과')} "
                        f"{repr_name(text_b)}({cell_b})은 한 글자만 다릅니다: 같은 "
                        "사업이면 이름을 맞추십시오.",
                    )
                )
    return findings


def _one_apart(keys: list[str]) -> list[list[str]]:
    """Groups of ``keys`` alike but for one Hangul syllable at one place, each in ``keys``'
    order, the groups ordered by their first key and then by that place.

    Names one substitution apart share a key with that position left out.  30,000 names
    would make a string per name and syllable; instead each name's code points get one
    64-bit hash, and leaving a position out is one subtraction per name (an array pass per
    position).  Names whose hashes meet are then compared exactly, so a collision of the
    hashes never pairs two names.
    """
    if len(keys) < 2:
        return []
    grid = np.array(keys, dtype=str)
    width = grid.dtype.itemsize // 4
    grid = grid.view(np.uint32).reshape(len(keys), width)
    lengths = np.fromiter(map(len, keys), dtype=np.uint64, count=len(keys))
    hangul = (grid >= ord("가")) & (grid <= ord("힣"))
    weights = np.arange(1, width + 1, dtype=np.uint64) * np.uint64(_MIX) | np.uint64(1)
    terms = grid.astype(np.uint64) * weights  # integer arrays wrap around: arithmetic mod 2**64
    whole = terms.sum(axis=1, dtype=np.uint64) + lengths * np.uint64(_MIX)
    groups: list[tuple[int, int, list[str]]] = []
    for i in range(width):
        idx = np.flatnonzero(hangul[:, i])  # a key shorter than i + 1 has a 0 there
        if idx.size < 2:
            continue
        rest = whole[idx] - terms[idx, i]
        order = np.argsort(rest, kind="stable")  # equal hashes keep the keys' order
        rest, idx = rest[order], idx[order]
        starts = np.flatnonzero(np.r_[True, rest[1:] != rest[:-1]])
        sizes = np.diff(np.r_[starts, rest.size])
        shared = sizes >= 2
        for start, size in zip(starts[shared].tolist(), sizes[shared].tolist(), strict=True):
            alike: dict[str, list[int]] = {}
            for j in idx[start : start + size].tolist():
                alike.setdefault(keys[j][:i] + keys[j][i + 1 :], []).append(j)
            groups += [(g[0], i, [keys[j] for j in g]) for g in alike.values() if len(g) >= 2]
    groups.sort(key=lambda g: g[:2])
    return [names for _, _, names in groups]


#: An odd 64-bit constant (the golden ratio's) that spreads the code points in the hash.
_MIX = 0x9E3779B97F4A7C15


def _where(place: tuple[str, Table, int, str]) -> tuple[str, str]:
    text, table, i, column = place
    return text, f"{table.block_of(i).region.sheet}!{table.cell(i, column)}"


def repr_name(text: str) -> str:
    return f"‘{text}’"


def _cell(ref: str) -> tuple[int | None, int | None]:
    try:
        return parse_a1(ref)
    except ValueError:
        return None, None


def check_periods(table: Table, settings: Settings) -> list[Finding]:
    """정보화사업 사업기간 that end before they start, or name a month that is none."""
    frame = table.frame
    if "사업기간" not in frame:
        return []
    findings = []
    for i, text in enumerate(frame["사업기간"]):
        marks = [(int(y), int(m)) for y, m in _YEAR_MONTH.findall(str(text or ""))]
        problem = None
        if any(not 1 <= m <= 12 for _, m in marks):
            problem = "없는 달이 적혀 있습니다"
        elif len(marks) >= 2 and marks[-1] < marks[0]:
            problem = (
                f"끝({marks[-1][0]}.{marks[-1][1]}.)이 시작({marks[0][0]}.{marks[0][1]}.)보다 "
                "앞섭니다"
            )
        if problem:
            findings.append(
                table.finding(
                    i,
                    "사업기간",
                    "PERIOD",
                    "경고",
                    f"'{frame['사업명'].iat[i] if '사업명' in frame else ''}'의 사업기간 "
                    f"'{text}': {problem}.",
                )
            )
    return findings
