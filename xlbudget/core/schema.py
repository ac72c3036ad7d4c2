"""The workbook's input tables: sheet, Excel Table name, columns, units.

One description shared by the workbook builder, the importers and the review pipeline, so a
column renamed here is renamed everywhere.  Tables are found in a workbook by their Excel
Table name first, then by their header texts (users may rename a table or paste a plain
range), never by fixed addresses.  Header matching ignores spaces, so "지출 원인행위액" and
"지출원인행위액" are the same column; ``aliases`` lists other headers that exports use.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field


@dataclass(frozen=True)
class TableSpec:
    key: str  # seed CSV stem and the reader's key
    sheet: str  # sheet that holds it in the bundled workbook
    table: str  # Excel Table (ListObject) name, ASCII for portability
    title: str  # caption printed above the table, as in the report
    unit: str  # unit of its amounts ("" when none) unless 설정 says otherwise
    columns: tuple[str, ...]
    required: tuple[str, ...]
    numeric: tuple[str, ...] = ()
    rates: tuple[str, ...] = ()
    aliases: dict[str, tuple[str, ...]] = field(default_factory=dict)
    unit_setting: str = ""  # the 설정 item that may give another unit (요약단위, 금액단위)
    #: Label columns, outer to inner: a header merged over several columns names them in
    #: this order ("구 분" over two columns of 세입 is 구분 and 세부).
    labels: tuple[str, ...] = ()
    #: Words that mark this table in a sheet name, a caption above it or its row labels;
    #: they tell apart tables whose headers are the same (세입 and 세출).
    hints: tuple[str, ...] = ()


_SUMMARY_NUM = ("당초", "기정", "추경", "증감_당초", "증감_기정")
_SUMMARY_RATES = ("증감율_당초", "증감율_기정")
_SUMMARY_ALIASES = {
    "증감율_당초": ("증감률_당초", "증감율(당초)", "증감률(당초)"),
    # A single 증감 / 증감율 column is against 기정, as the report computes it (DOMAIN.md).
    "증감율_기정": ("증감률_기정", "증감율(기정)", "증감률(기정)", "증감율", "증감비율"),
    "증감_당초": ("증감(당초)",),
    "증감_기정": ("증감(기정)", "증감", "증감액"),
    "추경": ("추경예산", "추경예산안", "추경예산(안)"),
    "기정": ("기정예산",),
    "당초": ("당초예산",),
}

TABLES: dict[str, TableSpec] = {
    spec.key: spec
    for spec in (
        TableSpec(
            "세입",
            "세입",
            "tbl_revenue",
            "〈추경예산안 세입 규모〉",
            "백만원",
            ("수준", "구분", "세부", *_SUMMARY_NUM, *_SUMMARY_RATES),
            ("구분", "당초", "기정", "추경"),
            _SUMMARY_NUM,
            _SUMMARY_RATES,
            _SUMMARY_ALIASES,
            unit_setting="요약단위",
            labels=("구분", "세부"),
            hints=("세입", "지방세", "세외수입", "보조금", "보전수입", "지방교부세", "조정교부금"),
        ),
        TableSpec(
            "세출",
            "세출",
            "tbl_expenditure",
            "〈추경예산안 세출 규모〉",
            "백만원",
            ("수준", "구분", "회계", "세부", *_SUMMARY_NUM, *_SUMMARY_RATES),
            ("당초", "기정", "추경"),
            _SUMMARY_NUM,
            _SUMMARY_RATES,
            _SUMMARY_ALIASES,
            unit_setting="요약단위",
            labels=("구분", "세부"),
            hints=("세출", "행정운영경비", "사업비", "재무활동", "일반회계", "특별회계", "예비비"),
        ),
        TableSpec(
            "사업별증감",
            "사업별증감",
            "tbl_projects",
            "○ 추가경정예산 주요 사업별 예산 증감내역",
            "백만원",
            ("수준", "담당관", "세부사업", *_SUMMARY_NUM, *_SUMMARY_RATES),
            ("세부사업", "기정", "추경"),
            _SUMMARY_NUM,
            _SUMMARY_RATES,
            {
                **_SUMMARY_ALIASES,
                "세부사업": ("세부사업명", "사업명", "세부사업별"),
                "담당관": ("부서", "부서명", "담당부서", "실과"),
            },
            unit_setting="요약단위",
            labels=("담당관", "세부사업"),
            hints=("사업별", "주요사업", "주요 사업"),
        ),
        TableSpec(
            "통계목증감",
            "통계목증감",
            "tbl_items",
            "〈사업별 예산과목 증감내역〉",
            "천원",
            (
                "수준",
                "담당관",
                "세부사업",
                "통계목",
                "기정",
                "추경",
                "증감",
                "산출내역",
                "증감사유",
            ),
            ("통계목", "기정", "추경"),
            ("기정", "추경", "증감"),
            (),
            {
                "세부사업": ("세부사업명", "사업명"),
                "통계목": ("예산과목", "과목구분", "통계목명", "구분", "과목"),
                "기정": ("기정예산",),
                "추경": ("추경예산", "추경예산안"),
                "증감": ("증감액",),
                "산출내역": ("산출내역및증감사유", "산출근거"),
                "담당관": ("부서", "부서명", "담당부서", "실과"),
            },
            unit_setting="금액단위",
            labels=("담당관", "세부사업", "통계목"),
            hints=("통계목", "소요예산", "예산과목", "산출내역"),
        ),
        TableSpec(
            "집행현황",
            "집행현황",
            "tbl_execution",
            "〈미집행사업 현황〉",
            "천원",
            (
                "담당관",
                "세부사업",
                "통계목",
                "예산현액",
                "지출원인행위액",
                "지출액",
                "지출잔액",
                "불용률",
            ),
            ("세부사업", "예산현액", "지출액"),
            ("예산현액", "지출원인행위액", "지출액", "지출잔액"),
            ("불용률",),
            {
                "담당관": ("부서", "부서명", "담당부서", "실과", "분야"),
                "세부사업": ("세부사업명", "사업명"),
                "통계목": ("통계목명", "예산과목", "과목"),
                "지출원인행위액": ("원인행위액", "지출원인행위", "계약액"),
                "지출액": ("집행액",),
                "지출잔액": ("잔액", "미집행액"),
                "불용률": ("미집행률", "불용율"),
            },
            unit_setting="금액단위",
            labels=("담당관", "세부사업", "통계목"),
            hints=("집행", "미집행", "불용"),
        ),
        TableSpec(
            "정보화사업",
            "정보화사업",
            "tbl_it_projects",
            "붙임 1 정보화사업 목록",
            "천원",
            ("사업명", "사업기간", "사업예산"),
            ("사업명", "사업예산"),
            ("사업예산",),
            (),
            {"사업예산": ("예산", "사업예산(예산)")},
            unit_setting="금액단위",
            labels=("사업명",),
            hints=("정보화",),
        ),
        TableSpec(
            "설정",
            "설정",
            "tbl_settings",
            "검토 설정",
            "",
            ("항목", "값", "설명"),
            ("항목", "값"),
        ),
        TableSpec(
            "검토주제",
            "검토주제",
            "tbl_themes",
            "검토의견 주제 규칙",
            "",
            ("주제", "묶음", "찾을 열", "낱말", "조건", "제목", "문단"),
            ("주제", "조건", "문단"),
            labels=("주제",),
            hints=("검토주제", "주제"),
        ),
    )
}

#: The input tables in workbook order (설정 is read on its own).
INPUT_TABLES = ("세입", "세출", "사업별증감", "통계목증감", "집행현황", "정보화사업")
#: Tables of rules the officer keeps in the workbook (defaults when the workbook has none).
RULE_TABLES = ("검토주제",)
#: The ribbon tab and the title of every message box xlbudget shows in Excel.
TITLE = "예산검토"

#: Sheets the review pipeline generates (it owns them entirely) and their templates.
REVIEW_PREFIX = "검토_"
TEMPLATE_PREFIX = "양식_"
FUNCTION_SHEET = "함수예시"
XLWINGS_CONF_SHEET = "xlwings.conf"
#: Sheets xlbudget writes or ships, never read as input tables (their headers look alike).
GENERATED_PREFIXES = (TEMPLATE_PREFIX, REVIEW_PREFIX, FUNCTION_SHEET)


#: Characters no workbook can hold (XML 1.0 forbids them); cell text is written without them.
ILLEGAL_CELL_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def cell_text(value: str) -> str:
    """``value`` without the characters a cell cannot hold."""
    return ILLEGAL_CELL_CHARS.sub("", value) if ILLEGAL_CELL_CHARS.search(value) else value


def unit_caption(unit: str, rates: bool = False) -> str:
    """The unit line the report prints above a table: "(단위 : 천원)", "(단위 : 백만원, %)"."""
    if not unit:
        return "(단위 : %)" if rates else ""
    return f"(단위 : {unit}, %)" if rates else f"(단위 : {unit})"


def name_key(text: object) -> str:
    """A project or department name as compared: stray spaces and full-width forms ignored
    ("정보격 차해소" = "정보격차해소"); the printed text stays the label."""
    return normalize_header(text)


def normalize_header(text: object) -> str:
    """Header text as compared: Unicode-normalised (NFKC: "예산현액（가）" = "예산현액(가)"),
    without spaces or line breaks ("지출 원인행위액" = "지출원인행위액")."""
    if text is None:
        return ""
    return "".join(unicodedata.normalize("NFKC", str(text)).split())
