"""미집행 표시: native conditional formats on the 집행현황 table, and the list they mark.

The rules are Excel formulas over the row's own 예산현액, 지출원인행위액 and 지출액 cells and the
workbook names ``xb_threshold`` / ``xb_contract_threshold`` (설정's 미집행기준, 계약저조기준), so
the colour follows in Excel when a number or a threshold changes, with no Python running.
The rate is rounded as the report prints it (ROUND(…, 1)), so a line shown as 70.0% is marked.
Two styles: barely contracted (지출원인행위액 below 계약저조기준) and contracted but unpaid.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from openpyxl.utils import get_column_letter, quote_sheetname

from ..core.rates import unspent_rate_array
from ..schema import NAME_CONTRACT_THRESHOLD, NAME_THRESHOLD, NAMED_SETTINGS
from .model import RuleWrite, a1
from .read import Settings, Table

FILL_UNCONTRACTED = "F8CBAD"  # red-orange: hardly any contract, hardly any payment
FILL_UNPAID = "FFE699"  # yellow: contracted, not yet paid


def rules(table: Table, digits: int = 1) -> list[RuleWrite]:
    """The two rules over the table's data rows (whole rows of the table)."""
    frame = table.frame
    if frame.empty:
        return []
    first = int(frame["_row"].min())
    last = int(frame["_row"].max())
    ref = f"{a1(first, table.ref.first_col)}:{a1(last, table.ref.last_col)}"

    def col(name: str) -> str:
        return f"${get_column_letter(table.cols[name] + 1)}{first + 1}"

    budget, spent = col("예산현액"), col("지출액")
    unspent = (
        f"AND(N({budget})>0,ROUND((N({budget})-N({spent}))/N({budget})*100,{digits})"
        f">={NAME_THRESHOLD})"
    )
    out = []
    if "지출원인행위액" in table.cols:
        obligated = col("지출원인행위액")
        low_contract = (
            f"AND({unspent},ROUND(N({obligated})/N({budget})*100,{digits})"
            f"<{NAME_CONTRACT_THRESHOLD})"
        )
        out.append(RuleWrite(table.sheet, ref, low_contract, FILL_UNCONTRACTED, stop=True))
    out.append(RuleWrite(table.sheet, ref, unspent, FILL_UNPAID))
    return out


def names(settings: Settings) -> dict[str, str]:
    """Defined names the rules use: the 설정 cells, or the value itself without a 설정 table."""
    out = {}
    for name, key in NAMED_SETTINGS.items():
        if key in settings.cells:
            sheet, ref = settings.cells[key]
            letters = ref.rstrip("0123456789")
            out[name] = f"{quote_sheetname(sheet)}!${letters}${ref[len(letters) :]}"
        else:
            out[name] = repr(
                settings.threshold if name == NAME_THRESHOLD else settings.contract_threshold
            )
    return out


def flagged(table: Table, settings: Settings) -> list[dict[str, Any]]:
    """Lines whose 불용률 (recomputed, rounded as shown) is at or above the threshold."""
    frame = table.frame
    digits = settings.digits
    budget = frame["예산현액"].to_numpy(dtype=float)
    spent = frame["지출액"].to_numpy(dtype=float)
    rate = unspent_rate_array(budget, spent, digits)
    hit = np.flatnonzero(np.nan_to_num(rate, nan=-np.inf) >= settings.threshold)
    obligated = (
        frame["지출원인행위액"].to_numpy(dtype=float)
        if "지출원인행위액" in frame
        else np.full(len(frame), np.nan)
    )

    def column(name: str) -> list[Any]:
        return frame[name].to_numpy()[hit].tolist() if name in frame else [""] * len(hit)

    rows = (frame["_row"].to_numpy()[hit] + 1).tolist()
    return [
        {
            "sheet": table.sheet,
            "row": row,
            "department": dept,
            "project": project,
            "item": item,
            "budget": _num(b),
            "obligations": _num(o),
            "spent": _num(s),
            "unspent_rate": _num(r),
        }
        for row, dept, project, item, b, o, s, r in zip(
            rows,
            column("담당관"),
            column("세부사업"),
            column("통계목"),
            budget[hit].tolist(),
            obligated[hit].tolist(),
            spent[hit].tolist(),
            rate[hit].tolist(),
            strict=True,
        )
    ]


def _num(value: float) -> float | int | None:
    if value != value or value in (float("inf"), float("-inf")):
        return None
    return int(value) if float(value).is_integer() else float(value)
