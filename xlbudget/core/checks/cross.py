"""Across tables: a project's change in 사업별증감 against its items in 통계목증감."""

from __future__ import annotations

import numpy as np

from ..korean import unit_factor
from ..model import Finding
from ..refs import a1
from ..schema import name_key
from ..settings import Settings
from ..tables import Table
from .tolerance import EPS, HALF, amount, label


def check_projects_vs_items(projects: Table, items: Table, settings: Settings) -> list[Finding]:
    """A project's 증감 in 사업별증감 equals its 통계목 change, in the units of each table."""
    frame = items.frame
    totals = frame[frame["수준"] == 0]
    by_name = {name_key(n): i for i, n in enumerate(projects.frame["세부사업"])}
    item_unit, project_unit = settings.unit(items.spec), settings.unit(projects.spec)
    ratio = unit_factor(item_unit) / unit_factor(project_unit)
    findings = []
    for _, row in totals.iterrows():
        j = by_name.get(name_key(row["세부사업"]))
        if j is None or "증감_기정" not in projects.frame:
            continue
        shown = projects.frame["증감_기정"].iat[j]
        change = row.get("증감", np.nan)  # 증감 is optional in 통계목증감
        if not np.isfinite(change):
            change = row["추경"] - row["기정"]
        item_cell = a1(int(row["_row"]), items.cols.get("증감", items.cols["추경"]))
        if np.isfinite(shown) and abs(shown - change * ratio) > HALF + EPS:
            findings.append(
                projects.finding(
                    j,
                    "증감_기정",
                    "CROSS",
                    "오류",
                    f"{label(projects, j)}의 증감 {amount(shown)}{project_unit}이 "
                    f"통계목 표의 증감 {amount(change)}{item_unit}"
                    f"({items.sheet} {item_cell})과 맞지 않습니다.",
                )
            )
    return findings
