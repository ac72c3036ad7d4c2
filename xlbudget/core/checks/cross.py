"""Across tables: a project's change in 사업별증감 against its items in 통계목증감."""

from __future__ import annotations

import numpy as np

from ..korean import unit_factor
from ..model import Finding
from ..reading import Table
from ..schema import name_key
from ..settings import Settings
from .tolerance import EPS, HALF, amount, label


def check_projects_vs_items(projects: Table, items: Table, settings: Settings) -> list[Finding]:
    """A project's 증감 in 사업별증감 equals its 통계목 change, in the units of each table."""
    frame = items.frame
    by_name = {name_key(n): i for i, n in enumerate(projects.frame["세부사업"])}
    ratio = unit_factor(items.unit) / unit_factor(projects.unit)
    findings = []
    if "증감_기정" not in projects.frame:
        return findings
    for i in np.flatnonzero(frame["수준"].to_numpy() == 0):
        i = int(i)
        j = by_name.get(name_key(frame["세부사업"].iat[i]))
        if j is None:
            continue
        shown = projects.frame["증감_기정"].iat[j]
        change = frame["증감"].iat[i] if "증감" in frame else np.nan  # optional in 통계목증감
        if not np.isfinite(change):
            change = frame["추경"].iat[i] - frame["기정"].iat[i]
        item_cell = items.cell(i, "증감") or items.cell(i, "추경")
        if np.isfinite(shown) and abs(shown - change * ratio) > HALF + EPS:
            findings.append(
                projects.finding(
                    j,
                    "증감_기정",
                    "CROSS",
                    "오류",
                    f"{label(projects, j)}의 증감 {amount(shown)}{projects.unit}이 "
                    f"통계목 표의 증감 {amount(change)}{items.unit}"
                    f"({items.block_of(i).region.sheet} {item_cell})와 맞지 않습니다.",
                )
            )
    return findings
