"""The 함수예시 sheet: each XB_ worksheet function applied to the seed's own cells.

Every example points at the input sheets' real cells (addresses come from where the builder
wrote the tables), shows what Excel should display once the functions are imported, and
puts the figure the report prints beside it, so a reviewer sees both the function and the
report's rounding quirks at a glance.  Without Python/xlwings the formulas show #NAME?.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd
from openpyxl.styles import Alignment, Font
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from .. import udfs
from ..core import schema, seed
from ..core.numformat import AMOUNT_FORMAT, RATE_FORMAT
from .sheets import TableLayout, cell_value, put, setup_print, text_width

HEADERS = ("함수", "수식", "결과", "예상 결과", "보고서 값", "보고서 위치", "설명")
HEADER_ROW = 4
NOTE = (
    "이 시트의 '결과' 열은 xlbudget의 XB_ 함수를 씁니다. 함수는 통합문서 안에 들어 있어 "
    "매크로를 허용하고 열면 바로 쓸 수 있습니다(매크로를 막으면 #NAME?). Python과 xlbudget"
    "(pip install xlbudget)이 없으면 #VALUE! 로 보이며 =XB_WHY(셀)이 이유를 알려 줍니다. "
    "'예상 결과'는 같은 셀 값으로 Python이 계산한 값, '보고서 값'은 보고서에 인쇄된 값입니다."
)

#: Plain Python twins of the worksheet functions (on Linux the xlwings decorators are no-ops).
FUNCTIONS: dict[str, Callable[..., Any]] = {
    "XB_DIFF": udfs.XB_DIFF,
    "XB_RATE": udfs.XB_RATE,
    "XB_UNSPENT": udfs.XB_UNSPENT,
    "XB_EXEC": udfs.XB_EXEC,
    "XB_WON": udfs.XB_WON,
    "XB_TRI": udfs.XB_TRI,
}

NUMBER_FORMATS = {
    "XB_DIFF": AMOUNT_FORMAT,
    "XB_RATE": RATE_FORMAT,
    "XB_UNSPENT": RATE_FORMAT,
    "XB_EXEC": RATE_FORMAT,
}


@dataclass(frozen=True)
class Example:
    """One row: ``function(*args)`` where an arg is a (table key, column, row) cell or a literal."""

    function: str
    args: tuple[Any, ...]
    printed: Any  # the report's figure (None when the report prints none)
    where: str  # where the report prints it
    note: str
    negate: bool = False  # wrap the first cell in ABS(): the report words a cut unsigned


@dataclass(frozen=True)
class CellArg:
    key: str  # schema table key
    column: str
    row: int  # 0-based data row


def _squash(value: Any) -> str:
    return "".join(str(value).split())


def _row(frame: pd.DataFrame, **match: Any) -> int:
    """Index of the single seed row whose columns equal ``match`` (whitespace-insensitive)."""
    hit = pd.Series(True, index=frame.index)
    for column, value in match.items():
        hit &= frame[column].map(_squash) == _squash(value)
    rows = list(frame.index[hit])
    if len(rows) != 1:
        raise LookupError(f"seed row {match} found {len(rows)} times")
    return int(rows[0])


def default_examples() -> list[Example]:
    """The examples, located in the seed by labels (not by fixed row numbers)."""
    revenue, spend = seed.load("세입"), seed.load("세출")
    items, lines = seed.load("통계목증감"), seed.load("집행현황")
    rev_total = _row(revenue, 수준="0")
    spend_total = _row(spend, 수준="0")
    finance = _row(spend, 회계="일반회계", 세부="재무활동")
    travel = _row(items, 세부사업="세계스마트시티 기구 운영", 통계목="국외업무여비")
    chain = _row(lines, 세부사업="블록체인 기반 공유행정 도입", 통계목="사무관리비")

    def c(key: str, column: str, row: int) -> CellArg:
        return CellArg(key, column, row)

    return [
        Example(
            "XB_RATE",
            (c("세입", "추경", rev_total), c("세입", "당초", rev_total)),
            revenue.at[rev_total, "증감율_당초"],
            "〈세입 규모〉 합계 증감율",
            "증감율 = (추경 − 당초) / 당초 × 100, 소수 1자리 반올림",
        ),
        Example(
            "XB_RATE",
            (c("세출", "추경", spend_total), c("세출", "기정", spend_total)),
            spend.at[spend_total, "증감율_기정"],
            "〈세출 규모〉 총계 증감율(기정 대비)",
            "△는 감소를 뜻합니다(셀 값은 음수)",
        ),
        Example(
            "XB_RATE",
            (c("세출", "기정", finance), c("세출", "당초", finance)),
            spend.at[finance, "증감율_당초"],
            "〈세출 규모〉 재무활동 증감율(당초 대비)",
            "보고서는 천원 단위 원자료로 계산: 백만원으로 반올림된 당초(3)로는 값이 다릅니다 "
            "(반올림 범위 안의 차이라 표 점검은 오류로 보지 않음)",
        ),
        Example(
            "XB_DIFF",
            (c("세출", "추경", spend_total), c("세출", "기정", spend_total)),
            spend.at[spend_total, "증감_기정"],
            "〈세출 규모〉 총계 증감",
            "보고서는 천원 단위에서 뺀 뒤 반올림(△594): 백만원 값끼리 빼면 1 차이",
        ),
        Example(
            "XB_UNSPENT",
            (c("집행현황", "예산현액", chain), c("집행현황", "지출액", chain)),
            lines.at[chain, "불용률"],
            "〈70%이상 미집행사업 현황〉 블록체인 기반 공유행정 도입 사무관리비 불용률",
            "불용률 = (예산현액 − 지출액) / 예산현액 × 100",
        ),
        Example(
            "XB_EXEC",
            (c("집행현황", "예산현액", chain), c("집행현황", "지출액", chain)),
            None,
            "보고서에 없음",
            "집행률 = 지출액 / 예산현액 × 100 (= 100 − 불용률)",
        ),
        Example(
            "XB_WON",
            (c("세출", "기정", spend_total), "백만원"),
            "1,104억 3천 3백만원",
            "추경예산 개요 본문(세출 기정)",
            "금액을 한글 단위로(띄어 쓰기)",
        ),
        Example(
            "XB_WON",
            (c("세입", "기정", rev_total), "백만원"),
            "152억 2천 6백만원",
            "추경예산 개요 본문(세입 기정)",
            "금액을 한글 단위로",
        ),
        Example(
            "XB_WON",
            (c("통계목증감", "증감", travel), "천원", "", False),
            "3천4백4십만원",
            "검토의견(국외업무여비 감액)",
            "감액은 ABS로 부호를 떼고, FALSE = 붙여 쓰기",
            negate=True,
        ),
        Example(
            "XB_TRI",
            (c("세출", "증감_기정", spend_total),),
            "△594",
            "〈세출 규모〉 총계 증감",
            "음수를 △로 쓴 글자(문장에 붙여 넣기용)",
        ),
        Example(
            "XB_TRI",
            (c("세출", "증감율_기정", spend_total), 1),
            "△0.5",
            "〈세출 규모〉 총계 증감율",
            "소수 자릿수 1",
        ),
    ]


def _literal(value: Any) -> str:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, str):
        return '"' + value.replace('"', '""') + '"'
    return repr(value)


def formula(example: Example, layouts: Mapping[str, TableLayout]) -> str:
    """The Excel formula of an example, e.g. ``=XB_RATE('세입'!F5,'세입'!D5)``."""
    parts = []
    for i, arg in enumerate(example.args):
        if isinstance(arg, CellArg):
            ref = layouts[arg.key].ref(arg.column, arg.row)
            parts.append(f"ABS({ref})" if example.negate and i == 0 else ref)
        else:
            parts.append(_literal(arg))
    return f"={example.function}({','.join(parts)})"


def expected(example: Example, values: Callable[[CellArg], Any]) -> Any:
    """What Excel should show: the Python function on the same cell values."""
    args = []
    for i, arg in enumerate(example.args):
        if isinstance(arg, CellArg):
            value = values(arg)
            args.append(abs(value) if example.negate and i == 0 else value)
        else:
            args.append(arg)
    result = FUNCTIONS[example.function](*args)
    return None if result == "" else result


def _seed_value(arg: CellArg) -> Any:
    value = seed.load(arg.key).at[arg.row, arg.column]
    return None if pd.isna(value) else float(value)


def write_examples_sheet(wb: Workbook, layouts: Mapping[str, TableLayout]) -> Worksheet:
    """Create 함수예시 at the end of ``wb``."""
    ws = wb.create_sheet(schema.FUNCTION_SHEET)
    put(ws, 1, 1, "XB_ 함수 예시 (보고서 수치로)").font = Font(bold=True, size=12)
    put(ws, 2, 1, NOTE).alignment = Alignment(wrap_text=True, vertical="top")
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=len(HEADERS))
    ws.row_dimensions[2].height = 62
    for j, header in enumerate(HEADERS, start=1):
        put(ws, HEADER_ROW, j, header).font = Font(bold=True)
    widths = [text_width(h) + 2 for h in HEADERS]
    for i, example in enumerate(default_examples(), start=HEADER_ROW + 1):
        text = formula(example, layouts)
        want = expected(example, _seed_value)
        printed = cell_value(example.printed)
        row = (example.function, text, text, cell_value(want), printed, example.where, example.note)
        fmt = NUMBER_FORMATS.get(example.function)
        for j, value in enumerate(row, start=1):
            cell = ws.cell(row=i, column=j)
            if j == 3:
                cell.value = value  # the live formula
            else:
                put(ws, i, j, value)
            if fmt and j in (3, 4, 5):
                cell.number_format = fmt
            shown = row[3] if j == 3 else value  # the live cell shows a result, not its formula
            widths[j - 1] = max(widths[j - 1], text_width(str(shown or "")) + 2)
    for j, width in enumerate(widths, start=1):
        ws.column_dimensions[chr(64 + j)].width = min(width, 60)
    ws.freeze_panes = f"A{HEADER_ROW + 1}"
    setup_print(ws, f"A1:G{ws.max_row}", landscape=True)
    return ws
