"""Names one Hangul syllable apart (xlbudget.core.checks.anomalies._one_apart).

The grouping hashes each name once and compares exactly only where hashes meet; it must
give the groups, and their order, that the plain reading of the rule gives: a string per
name and syllable, with that syllable left out.
"""

from __future__ import annotations

from collections import defaultdict

from hypothesis import given
from hypothesis import strategies as st

from xlbudget.core.checks.anomalies import _one_apart


def plain(keys: list[str]) -> list[list[str]]:
    """The rule as first written: names sharing a key with one syllable left out."""
    buckets: dict[tuple[int, str], list[str]] = defaultdict(list)
    for k in keys:
        for i, ch in enumerate(k):
            if "가" <= ch <= "힣":
                buckets[(i, k[:i] + k[i + 1 :])].append(k)
    return [names for names in buckets.values() if len(names) >= 2]


# Few letters, so that names one syllable apart are common; NUL and spaces at the ends too.
NAMES = st.lists(st.text(alphabet="가나다힣a1 \x00", max_size=7), max_size=60, unique=True)


@given(NAMES)
def test_groups_are_the_plain_rules(keys: list[str]) -> None:
    assert _one_apart(keys) == plain(keys)


def test_the_seed_pair() -> None:
    keys = ["세계스마트시티지구운영", "정보격차해소", "세계스마트시티기구운영"]
    assert _one_apart(keys) == [["세계스마트시티지구운영", "세계스마트시티기구운영"]]
