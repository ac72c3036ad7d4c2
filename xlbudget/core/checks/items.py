"""통계목증감: each item's 증감, and a project's change against its items' changes."""

from __future__ import annotations

import numpy as np

from ..korean import josa
from ..model import Finding
from ..rates import change_array
from ..reading import Table
from ..settings import Settings
from .summary import check_differences, check_hierarchy, child_lists
from .tolerance import EPS, amount, label


def check_items(table: Table, settings: Settings) -> list[Finding]:
    """통계목증감: row 증감 = 추경 − 기정; a project's 증감 = the sum of its items' changes.

    Amount sums are checked only where a project lists unchanged items too (a change of 0):
    the 낙찰차액 blocks list only the changed items, so their amounts cannot add up.
    """
    frame = table.frame
    findings = check_differences(table, (("증감", "추경", "기정"),))
    lists = child_lists(frame)
    computed = change_array(frame["추경"].to_numpy(float), frame["기정"].to_numpy(float))
    change = (
        np.where(frame["증감"].notna(), frame["증감"], computed) if "증감" in frame else computed
    )
    for i, kids in enumerate(lists):
        if not kids:
            continue
        expected = float(np.sum(change[kids]))
        total = float(change[i])
        if abs(total - expected) > table.half * (len(kids) + 1) + EPS:
            findings.append(
                table.finding(
                    i,
                    "증감" if "증감" in frame else "추경",
                    "SUM",
                    "오류",
                    f"{label(table, i)}의 증감 {josa(amount(total), '이')} 통계목별 증감의 합 "
                    f"{josa(amount(expected), '과')} 다릅니다.",
                )
            )
        if np.any(np.abs(change[kids]) <= EPS):
            sub = Table(
                table.spec,
                table.blocks,
                frame.iloc[[i, *kids]].reset_index(drop=True),
                half=table.half,
            )
            sub.frame["수준"] = [0] + [1] * len(kids)
            sub.frame = sub.frame.drop(columns="_parent", errors="ignore")
            findings += check_hierarchy(sub, ("기정", "추경"))
    return findings
