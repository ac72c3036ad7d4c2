"""What a template sees: the input tables as rows, the flagged lines, findings, sentences.

Every name here is one a 양식_ sheet may use (``세입``, ``집행현황``, ``미집행_행`` …); the
lists are :class:`.language.Budgeted`, so a template's passes over them are counted.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from ..model import Finding
from ..reading import Table
from ..refs import col_letter, quote_sheet
from ..schema import TABLES
from ..settings import Settings
from .language import Budgeted, IterationBudget
from .opinions import next_letter, opinion_rows, themes_of

#: What a template shows for a 설정 item left blank (소관, 회계연도, 회차, 기준일).
BLANK = "○○"


@dataclass(frozen=True)
class RowRef:
    """Where a record's row sits in its input table, so a formula can refer to its cells."""

    sheet: str
    row: int  # 0-based sheet row
    cols: dict[str, int]  # canonical column → 0-based sheet column (shared by the table)
    #: The figures submitted in that row, where the record itself holds other (computed)
    #: ones; None: the record's own values are the submitted ones.
    values: dict[str, Any] | None = None
    #: Rate columns whose cells hold fractions shown with a percent format (0.836 shown
    #: "83.6%"): read ×100 by the reader, so a formula taking the cell must do the same.
    percent: frozenset[str] = frozenset()
    #: Columns whose cell in this row holds a figure typed as text ("△594"): Excel cannot
    #: compute with it, so the review shows it as the number read, not through a formula.
    text: frozenset[str] = frozenset()

    def figure(self, column: str, ref: str | None = None) -> str | None:
        """The cell as a figure in the review's terms (``…*100`` for a fraction rate);
        ``ref``: the cell's address, when the caller has it already."""
        ref = ref or self.cell(column)
        return f"{ref}*100" if ref is not None and column in self.percent else ref

    def cell(self, column: str) -> str | None:
        col = self.cols.get(column)
        if col is None:
            return None
        return _column_of(self.sheet, col) + str(self.row + 1)


@lru_cache(maxsize=1024)
def _column_of(sheet: str, col: int) -> str:
    """``'시트'!$C$``: a cell address of the column but its row (one per column, not per
    cell: a city's review refers to hundreds of thousands of cells)."""
    return f"{quote_sheet(sheet)}!${col_letter(col)}$"


def records(table: Table | None) -> list[dict[str, Any]]:
    """The table's rows as dicts (NaN → None), each with a RowRef to its input cells."""
    if table is None:
        return []
    frame = table.frame.drop(columns=["_row", "_block", "_kind", "_parent"], errors="ignore")
    frame = frame.astype(object).where(frame.notna(), None)
    rows = frame.to_dict("records")
    refs = [(b.region.sheet, b.cols, frozenset(b.percent)) for b in table.blocks]
    for row, sheet_row, block in zip(
        rows, table.frame["_row"].tolist(), table.frame["_block"].tolist(), strict=True
    ):
        sheet, cols, percent = refs[int(block)]
        text = typed_as_text(table.blocks[int(block)], sheet_row)
        row["_ref"] = RowRef(sheet, sheet_row, cols, None, percent, text)
    return rows


_NONE: frozenset[str] = frozenset()


def typed_as_text(block: Any, sheet_row: int) -> frozenset[str]:
    """The columns of ``sheet_row`` whose figure was typed as text."""
    if not block.text_numbers:
        return _NONE
    return frozenset(c for c, rows in block.text_numbers.items() if sheet_row in rows)


def units(tables: dict[str, Table]) -> dict[str, str]:
    """Each table's unit as read (설정, its caption, else its default)."""
    return {key: tables[key].unit if key in tables else spec.unit for key, spec in TABLES.items()}


def total(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The table's 수준-0 row (합계/총계), or an empty dict."""
    return next((r for r in rows if r.get("수준") == 0), {})


def unspent_rows(flagged: list[dict[str, Any]], table: Table | None = None) -> list[dict[str, Any]]:
    """Display rows of the low-execution table: one row per department, then its lines,
    grouped by project.  Departments and projects keep the order they first appear in, so
    an export listed by 분야 in source order still shows each department once."""
    # Per sheet, what every RowRef of its lines shares (the first block of the sheet wins).
    shared: dict[str, tuple[dict[str, int], frozenset[str], Any]] = (
        {}
        if table is None
        else {
            b.region.sheet: (b.cols, frozenset(b.percent), b if b.text_numbers else None)
            for b in reversed(table.blocks)
        }
    )
    order: dict[Any, int] = {}
    projects: dict[tuple[Any, Any], int] = {}
    keys = [
        (
            order.setdefault(line["department"], len(order)),
            projects.setdefault((line["department"], line["project"]), len(projects)),
        )
        for line in flagged
    ]
    lines = [flagged[i] for i in sorted(range(len(flagged)), key=keys.__getitem__)]
    rows: list[dict[str, Any]] = []
    department: Any = object()
    project: Any = None
    nothing: tuple[dict[str, int], frozenset[str], Any] = ({}, frozenset(), None)
    for line in lines:
        if line["department"] != department:
            department, project = line["department"], None
            name = department or "(담당관 미기재)"
            rows.append({"group": True, "담당관": name, "이름": name})
        sheet, row = line["sheet"], line["row"] - 1
        cols, percent, texts = shared.get(sheet, nothing)
        first = line["project"] != project
        rows.append(
            {
                "group": False,
                "first": first,
                "이름": line["project"] if first else "",
                "담당관": department,
                "세부사업": line["project"],
                "통계목": line["item"],
                "예산현액": line["budget"],
                "지출원인행위액": line["obligations"],
                "지출액": line["spent"],
                "불용률": line["unspent_rate"],
                "계약저조": line.get("low_contract"),
                "_ref": RowRef(
                    sheet,
                    row,
                    cols,
                    line.get("submitted", {}),
                    percent,
                    _NONE if texts is None else typed_as_text(texts, row),
                ),
            }
        )
        project = line["project"]
    return rows


def department_rows(
    exec_table: Table | None, flagged: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Execution by department over all lines, with the count of flagged lines."""
    if exec_table is None or "담당관" not in exec_table.frame:
        return []
    frame = exec_table.frame
    grouped = frame.groupby("담당관", sort=False)[["예산현액", "지출액"]].sum(min_count=1)
    counts: dict[str, int] = {}
    for line in flagged:
        counts[line["department"]] = counts.get(line["department"], 0) + 1
    return [
        {
            "담당관": dept,
            "건수": counts.get(dept, 0),
            "예산현액": _clean(row["예산현액"]),
            "지출액": _clean(row["지출액"]),
        }
        for dept, row in grouped.iterrows()
    ]


def _clean(value: Any) -> Any:
    return None if isinstance(value, float) and not np.isfinite(value) else value


def build_context(
    tables: dict[str, Table],
    settings: Settings,
    findings: list[Finding],
    flagged: list[dict[str, Any]],
    text: dict[str, str],
    budget: IterationBudget,
    wanted: Collection[str] | None = None,
    reading: Any = None,
) -> dict[str, Any]:
    """Everything a template can refer to, by the Korean names the default templates use.

    Only the names in ``wanted`` (those the templates mention; all when None) are built: a
    city's 100,000 집행현황 rows become records only if a template reads them.
    """
    exec_table = tables.get("집행현황")
    drafted: list[Any] = []

    def opinions() -> tuple[list[dict[str, Any]], int]:
        """The themed sections of 검토의견 (made once, read by two names)."""
        if not drafted:
            items = tables.get("통계목증감")
            rules = tables.get("검토주제")
            drafted.append(
                opinion_rows(
                    records(items),
                    themes_of(rules.frame if rules is not None else None),
                    settings,
                    items.unit if items is not None else TABLES["통계목증감"].unit,
                )
            )
        return drafted[0]

    def data(rows: list[Any]) -> Budgeted:
        return Budgeted(rows, budget)

    makers: dict[str, Callable[[], Any]] = {
        "설정": lambda: dict(settings.values),
        # A blank item is written ○○, as an officer marks what is still to be filled in.
        "소관": lambda: settings.text("소관", "") or BLANK,
        "회계연도": lambda: settings.text("회계연도", "") or BLANK,
        "회차": lambda: settings.text("회차", "") or BLANK,
        "기준일": lambda: settings.text("기준일", "") or BLANK,
        "미집행기준": lambda: settings.threshold,
        "계약저조기준": lambda: settings.contract_threshold,
        "세입": lambda: data(records(tables.get("세입"))),
        "세출": lambda: data(records(tables.get("세출"))),
        "사업별": lambda: data(records(tables.get("사업별증감"))),
        "통계목": lambda: data(records(tables.get("통계목증감"))),
        "집행현황": lambda: data(records(exec_table)),
        "정보화사업": lambda: data(records(tables.get("정보화사업"))),
        "미집행": lambda: data(flagged),
        "미집행_행": lambda: data(unspent_rows(flagged, exec_table)),
        "미집행_부서": lambda: data(department_rows(exec_table, flagged)),
        "점검": lambda: data([{**f._asdict(), "cell": f.cell} for f in findings]),
        "문장": lambda: dict(text),
        "검토의견": lambda: data(opinions()[0]),
        "절": lambda: {"미집행": next_letter(opinions()[1])},
        "읽기": lambda: data(reading.rows() if reading is not None else []),
        "단위": lambda: units(tables),
        "세입_합계": lambda: total(records(tables.get("세입"))),
        "세출_총계": lambda: total(records(tables.get("세출"))),
    }
    return {name: make() for name, make in makers.items() if wanted is None or name in wanted}
