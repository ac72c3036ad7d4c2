"""미집행 표시: native conditional formats on the 집행현황 table, and the lines they mark.

The rules are Excel formulas over the row's own 예산현액, 지출원인행위액 and 지출액 cells and the
workbook names ``xb_threshold`` / ``xb_contract_threshold`` (설정's 미집행기준, 계약저조기준), so
the colour follows in Excel when a number or a threshold changes, with no Python running.
Both the formulas and the list of flagged lines come from :mod:`xlbudget.core.rules`, so
the sheet colours exactly the lines the review lists and the sentences count.  Two styles:
barely contracted (계약률 below 계약저조기준) and contracted but unpaid.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import rules
from ..plan import RuleWrite
from ..reading import Table
from ..refs import col_letter
from ..settings import Settings

FILL_UNCONTRACTED = "F8CBAD"  # red-orange: hardly any contract, hardly any payment
FILL_UNPAID = "FFE699"  # yellow: contracted, not yet paid


def _env(table: Table, settings: Settings) -> dict[str, Any]:
    frame = table.frame
    env: dict[str, Any] = {
        column: frame[column].to_numpy(dtype=float)
        for column in ("예산현액", "지출액", "지출원인행위액")
        if column in frame
    }
    env["미집행기준"] = settings.threshold
    env["계약저조기준"] = settings.contract_threshold
    return env


def rules_for(table: Table, settings: Settings) -> list[RuleWrite]:
    """The two rules over the table's lines: whole rows, in runs between its 합계/소계 rows
    (a total is not a line: the sheet colours only what the review lists).  Blocks laid out
    alike share one rule; a block with other columns gets its own."""
    frame = table.frame
    if frame.empty:
        return []
    digits = settings.digits
    layouts: dict[tuple[Any, ...], list[tuple[int, int, int, int]]] = {}
    owners: dict[tuple[Any, ...], Any] = {}
    blocks = frame["_block"].to_numpy()
    rows = frame["_row"].to_numpy()
    total_rows = (
        table.totals.groupby("_block")["_row"].apply(list).to_dict()
        if not table.totals.empty
        else {}
    )
    for index, block in enumerate(table.blocks):
        lines = np.sort(rows[blocks == index])
        if lines.size == 0:
            continue
        region = block.region
        key = (region.sheet, region.first_col, region.last_col, tuple(sorted(block.cols.items())))
        owners.setdefault(key, block)
        breaks = sorted(total_rows.get(index, []))
        for run in _runs(lines, breaks):
            layouts.setdefault(key, []).append((run[0], region.first_col, run[1], region.last_col))
    out = []
    for key, areas in layouts.items():
        block = owners[key]
        refs = {name: f"${col_letter(col)}{areas[0][0] + 1}" for name, col in block.cols.items()}
        made = [(rules.unspent_flag_rule(digits), FILL_UNPAID, False)]
        if "지출원인행위액" in block.cols:
            made.insert(0, (rules.low_contract_flag_rule(digits), FILL_UNCONTRACTED, True))
        out += [
            RuleWrite(
                block.region.sheet,
                *areas[0],
                rules.excel(expr, refs),
                fill,
                stop=stop,
                more=tuple(areas[1:]),
            )
            for expr, fill, stop in made
        ]
    return out


def _runs(lines: np.ndarray, breaks: list[int]) -> list[tuple[int, int]]:
    """(first, last) sheet rows of the runs of ``lines`` that no row of ``breaks`` splits."""
    runs: list[tuple[int, int]] = []
    start = prev = int(lines[0])
    cuts = np.asarray(breaks)
    for row in lines[1:]:
        row = int(row)
        if cuts.size and np.any((cuts > prev) & (cuts < row)):
            runs.append((start, prev))
            start = row
        prev = row
    runs.append((start, prev))
    return runs


def low_contract(table: Table, settings: Settings) -> np.ndarray | None:
    """Where the barely-contracted rule holds (None when the table has no 지출원인행위액)."""
    if "지출원인행위액" not in table.frame:
        return None
    return rules.evaluate(rules.low_contract_flag_rule(settings.digits), _env(table, settings))


def flagged(table: Table, settings: Settings) -> list[dict[str, Any]]:
    """Lines the unspent rule marks, with their figures and whether they are barely contracted."""
    frame = table.frame
    digits = settings.digits
    env = _env(table, settings)
    hit = np.flatnonzero(rules.evaluate(rules.unspent_flag_rule(digits), env))
    budget = env["예산현액"]
    spent = env["지출액"]
    rate = rules.evaluate(rules.unspent_rate_rule(rules.BUDGET, rules.SPENT, digits), env)
    obligated = env.get("지출원인행위액", np.full(len(frame), np.nan))
    low = low_contract(table, settings)

    def column(name: str) -> list[Any]:
        return frame[name].to_numpy()[hit].tolist() if name in frame else [""] * len(hit)

    rows = (frame["_row"].to_numpy()[hit] + 1).tolist()
    sheets = [table.blocks[int(b)].region.sheet for b in frame["_block"].to_numpy()[hit]]
    lows = low[hit].tolist() if low is not None else [None] * len(hit)
    # The figures the line was submitted with, where its table has them: a review cell shows
    # the submitted figure (``submitted()``), the rule only where none was given.
    given = [c for c in ("지출잔액", "불용률") if c in frame]
    submitted = (
        [
            dict(zip(given, values, strict=True))
            for values in zip(*(_nums(frame[c].to_numpy()[hit]) for c in given), strict=True)
        ]
        if given
        else [{} for _ in rows]
    )
    return [
        {
            "sheet": sheet,
            "row": row,
            "department": dept,
            "project": project,
            "item": item,
            "budget": b,
            "obligations": o,
            "spent": s,
            "unspent_rate": r,
            "low_contract": lo,
            "submitted": given_values,
        }
        for sheet, row, dept, project, item, b, o, s, r, lo, given_values in zip(
            sheets,
            rows,
            column("담당관"),
            column("세부사업"),
            column("통계목"),
            _nums(budget[hit]),
            _nums(obligated[hit]),
            _nums(spent[hit]),
            _nums(rate[hit]),
            lows,
            submitted,
            strict=True,
        )
    ]


def _nums(values: np.ndarray) -> list[float | int | None]:
    """The figures as a template shows them: None for an empty (or infinite) one, an int for
    a whole number, else the float.  One pass over the array, not a call per figure: 38,000
    flagged lines of a 100,000-line table have five figures each."""
    v = np.asarray(values, dtype=float)
    out = np.array(v.tolist(), dtype=object)
    with np.errstate(invalid="ignore"):
        whole = np.isfinite(v) & (v == np.floor(v))
    small = whole & (np.abs(v) < 2.0**62)  # exact as int64; larger whole ones (rare) one by one
    out[small] = v[small].astype(np.int64).tolist()
    for i in np.flatnonzero(whole & ~small):
        out[i] = int(v[i])
    out[~np.isfinite(v)] = None
    return out.tolist()
