"""The review-sheet templates (양식_… sheets): their model and the defaults we ship.

A template is an ordinary sheet that users may edit in Excel.  Its cells are written in the
template language of :mod:`.language` (a safe subset of Jinja2), with the review's data as
variables:

* a cell holding only ``{{ expression }}`` gets the expression's value as a *typed* cell: a
  number stays a number (with the template cell's number format, △ for negatives),
  ``formula(…)`` gives a native Excel formula, ``None`` gives an empty cell;
* any other cell with ``{{ … }}`` is rendered as text (sentences such as "… 1,104억 3천
  3백만원 대비 0.5% 감액된 수준");
* a row whose first cell (column A, kept narrow) is ``{% for r in rows %}`` is a table block:
  it is written once per item of ``rows`` with ``r`` bound, and ``row`` the output row;
* ``{{ chart("title", "C", ["G"]) }}`` places a bar chart there over the last table block
  (category column, value columns);
* text from data is always written as text, never as a formula: only ``formula()``,
  ``submitted()`` and ``rule()`` make formulas, and only a template author can call them.
* ``rule("증감율", new="F", base="D")`` is the Excel form of one of the review's rules
  (:mod:`xlbudget.core.rules`) at this row, with 설정's 증감율소수: the template formula and
  the check can never disagree.

The default templates reproduce the parts of the seed report; the workbook builder writes them
into 양식_ sheets, and ``fill`` reads them back from the workbook, so an edited template wins.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from ..numformat import AMOUNT_FORMAT, RATE_FORMAT, RATE_PCT_FORMAT
from ..refs import col_index
from ..schema import REVIEW_PREFIX, TEMPLATE_PREFIX

FOR_RE = r"^\{%-?\s*for\s+(\w+)\s+in\s+(.+?)\s*-?%\}$"


@dataclass(frozen=True)
class Style:
    number_format: str | None = None
    bold: bool = False
    fill: str | None = None
    align: str | None = None
    wrap: bool = False
    border: bool = False
    font_size: float | None = None
    span: int = 1  # columns merged from this cell rightwards (sentences span the table)
    down: int = 1  # rows merged from this cell downwards (a banded header's 구 분)


@dataclass(frozen=True)
class TemplateCell:
    row: int
    col: int
    value: Any
    style: Style = Style()


@dataclass
class TemplateSheet:
    name: str  # 양식_개요
    cells: list[TemplateCell] = field(default_factory=list)
    col_widths: dict[int, float] = field(default_factory=dict)
    landscape: bool = False
    title_rows: tuple[int, int] | None = None

    @property
    def output(self) -> str:
        return REVIEW_PREFIX + self.name.removeprefix(TEMPLATE_PREFIX)


# ----------------------------------------------------------------------------- styles

TITLE = Style(bold=True, font_size=14)
HEADING = Style(bold=True, font_size=12)
TEXT = Style(wrap=True, span=9)
UNIT = Style(align="right")
HEAD = Style(bold=True, fill="D9E1F2", align="center", border=True, wrap=True)
LABEL = Style(border=True)
WRAP = Style(border=True, wrap=True)
AMT = Style(number_format=AMOUNT_FORMAT, border=True)
RATE = Style(number_format=RATE_FORMAT, border=True)
PCT = Style(number_format=RATE_PCT_FORMAT, border=True)


#: The styles of a document row (a row whose item has ``_kind``): the opinion sections are
#: such rows, their kinds chosen by the data (a heading, a paragraph, a table's header …).
DOCUMENT = {
    "heading": Style(bold=True, font_size=12),
    "subheading": Style(bold=True),
    "text": Style(wrap=True),
    "caption": Style(bold=True),
    "unit": Style(align="right"),
    "head": HEAD,
    "line": Style(border=True, wrap=True),
    "total": Style(border=True, bold=True),
    "opinion": Style(wrap=True, fill="FFF2CC"),
}
_TABLE_KINDS = frozenset({"head", "line", "total"})


def document_style(kind: str, row: dict[str, Any], col: int) -> Style | None:
    """The style of column ``col`` (B = 1) in a document row, or None: nothing there.

    A table row is bordered over its ``_width`` columns; a cell may span columns
    (``_spans``: column → how many); text kinds span the row's ``_span``.
    """
    base = DOCUMENT.get(kind)
    if base is None:
        return None
    spans = row.get("_spans") or {}
    if kind in _TABLE_KINDS:
        if not 1 <= col <= int(row.get("_width") or 0):
            return None
        if any(c < col < c + int(n) for c, n in spans.items()):
            return None  # covered by a cell spanning from its left
        return replace(base, span=int(spans.get(col, 1)))
    if col != 1 and not (kind == "unit" and col == int(row.get("_width") or 1)):
        return None
    return replace(base, span=int(row.get("_span") or 1))


class _Sheet:
    """Small builder so the default templates read like the sheets they make."""

    def __init__(self, name: str, widths: dict[str, float], landscape: bool = False) -> None:
        self.t = TemplateSheet(
            name,
            col_widths={col_index(c): w for c, w in widths.items()},
            landscape=landscape,
        )
        self.row = 0

    def line(self, *cells: Any, skip: int = 1) -> _Sheet:
        """One row from column A; each cell is a value or (value, Style)."""
        for col, cell in enumerate(cells):
            if cell is None:
                continue
            value, style = cell if isinstance(cell, tuple) else (cell, Style())
            self.t.cells.append(TemplateCell(self.row, col, value, style))
        self.row += skip
        return self

    def blank(self, n: int = 1) -> _Sheet:
        self.row += n
        return self


def _diff(column: str, new: str, base: str) -> str:
    """The submitted 증감 (input cell ``column``), or the 증감 rule where it is missing."""
    return f"{{{{ submitted(r, '{column}', rule('증감', new='{new}', base='{base}')) }}}}"


def _rate(column: str, new: str, base: str) -> str:
    """The submitted 증감율, or the 증감율 rule (blank over a 0 base) where it is missing."""
    return f"{{{{ submitted(r, '{column}', rule('증감율', new='{new}', base='{base}')) }}}}"


_SUMMARY_HEAD = ("당초", "기정", "추경", "증감(당초)", "증감(기정)", "증감율(당초)", "증감율(기정)")


def _summary_cells() -> tuple[tuple[str, Style], ...]:
    """당초 … 증감율(기정) of a summary row in columns D…J (D 당초, E 기정, F 추경)."""
    return (
        ("{{ r.당초 }}", AMT),
        ("{{ r.기정 }}", AMT),
        ("{{ r.추경 }}", AMT),
        (_diff("증감_당초", "F", "D"), AMT),
        (_diff("증감_기정", "F", "E"), AMT),
        (_rate("증감율_당초", "F", "D"), PCT),
        (_rate("증감율_기정", "F", "E"), PCT),
    )


#: In a table block, a cell whose text holds this comment is merged down over the rows
#: below that show the same value (the report's 행정관리 over its rows).  A comment, so it
#: survives in a template edited in Excel and renders as nothing.
MERGE_SAME = "{# 세로병합 #}"


def _summary_block(s: _Sheet, rows: str) -> None:
    """The 세입/세출 summary table as the report prints it: a banded two-row header (예산 /
    증감 / 증감율 over 당초 · 기정), the group (행정관리, 세외수입) merged over its rows;
    missing 증감/증감율 computed by formulas."""
    s.line(
        None,
        ("구 분", replace(HEAD, span=2, down=2)),
        ("", HEAD),
        ("예산", replace(HEAD, span=2)),
        ("", HEAD),
        ("추경예산", replace(HEAD, down=2)),
        ("증감", replace(HEAD, span=2)),
        ("", HEAD),
        ("증감율", replace(HEAD, span=2)),
        ("", HEAD),
    )
    s.line(
        None,
        ("", HEAD),
        ("", HEAD),
        ("당초", HEAD),
        ("기정", HEAD),
        ("", HEAD),
        *((h, HEAD) for h in ("당초", "기정", "당초", "기정")),
    )
    # The group label once over its rows; a total or a row that is its own group names
    # itself in 구분 and leaves 세부 empty.
    s.line(
        f"{{% for r in {rows} %}}",
        ("{{ r.구분 }}" + MERGE_SAME, LABEL),
        ("{{ '' if r.세부 == r.구분 else r.세부 }}", LABEL),
        *_summary_cells(),
    )


def _overview() -> TemplateSheet:
    s = _Sheet(
        "양식_개요",
        {"A": 2, "B": 20, "C": 22, "D": 11, "E": 11, "F": 11, "G": 11, "H": 11, "I": 12, "J": 12},
        landscape=True,
    )
    s.line(
        None,
        ("{{ 회계연도 }}년도 {{ 회차 }} {{ 소관 }} 소관 추가경정예산안 검토보고", TITLE),
        skip=2,
    )
    s.line(None, ("Ⅰ. 추경예산 개요", HEADING)).line(None, ("1. 세 입", HEADING))
    s.line(None, ("{{ 문장.세입 }}", TEXT), skip=2)
    s.line(None, ("〈{{ 회계연도 }}년도 {{ 회차 }} 추경예산안 세입 규모〉", Style(bold=True)))
    s.line(None, *[None] * 8, ("(단위 : {{ 단위.세입 }}, %)", UNIT))
    _summary_block(s, "세입")
    s.blank().line(None, ("2. 세 출", HEADING))
    s.line(None, ("{{ 문장.세출 }}", TEXT), skip=2)
    s.line(None, ("〈{{ 회계연도 }}년도 {{ 회차 }} 추경예산안 세출 규모〉", Style(bold=True)))
    s.line(None, *[None] * 8, ("(단위 : {{ 단위.세출 }}, %)", UNIT))
    _summary_block(s, "세출")
    return s.t


def _projects() -> TemplateSheet:
    s = _Sheet(
        "양식_사업별",
        {"A": 2, "B": 16, "C": 30, "D": 12, "E": 12, "F": 12, "G": 12, "H": 12, "I": 12, "J": 12},
        landscape=True,
    )
    s.line(None, ("○ 추가경정예산 주요 사업별 예산 증감내역", TITLE), skip=2)
    s.line(None, ("{{ 문장.사업별 }}", TEXT), skip=2)
    s.line(None, *[None] * 8, ("(단위 : {{ 단위.사업별증감 }}, %)", UNIT))
    s.line(None, ("담당관", HEAD), ("세부사업", HEAD), *((h, HEAD) for h in _SUMMARY_HEAD))
    s.line(
        "{% for r in 사업별 %}",
        ("{{ r.담당관 }}", WRAP),
        ("{{ r.세부사업 }}", WRAP),
        *_summary_cells(),
    )
    s.line(
        None,
        (
            '{{ chart("사업별 증감(기정 대비, " ~ 단위.사업별증감 ~ ")", "C", ["H"], '
            "skip_first=True) }}",
            Style(),
        ),
        skip=18,
    )
    s.line(None, ("○ 사업별·통계목별 증감내역 (산출내역 및 증감사유)", HEADING))
    s.line(None, *[None] * 8, ("(단위 : {{ 단위.통계목증감 }})", UNIT))
    s.line(
        None,
        ("세부사업", HEAD),
        ("통계목", HEAD),
        ("기정", HEAD),
        ("추경", HEAD),
        ("증감", HEAD),
        ("산출내역", replace(HEAD, span=3)),
        ("", HEAD),
        ("", HEAD),
        ("증감사유", HEAD),
    )
    s.line(
        "{% for r in 통계목 %}",
        ("{{ r.세부사업 if r.수준 == 0 else '' }}", WRAP),
        ("{{ r.통계목 }}", WRAP),
        ("{{ r.기정 }}", AMT),
        ("{{ r.추경 }}", AMT),
        (_diff("증감", "E", "D"), AMT),
        ("{{ r.산출내역 }}", replace(WRAP, span=3)),
        ("", WRAP),
        ("", WRAP),
        ("{{ r.증감사유 }}", WRAP),
    )
    return s.t


def _unspent() -> TemplateSheet:
    s = _Sheet(
        "양식_미집행",
        {"A": 2, "B": 34, "C": 18, "D": 14, "E": 14, "F": 14, "G": 14, "H": 11, "I": 10},
        landscape=True,
    )
    s.line(None, ("{{ 절.미집행 }}. 집행실적 저조 사업에 대한 검토", TITLE), skip=2)
    s.line(None, ("{{ 문장.미집행 }}", replace(TEXT, span=8)), skip=2)
    s.line(None, ("{{ 문장.미집행_전액 }}", replace(TEXT, span=8)), skip=2)
    s.line(None, ("○ 담당관별 집행 현황", HEADING))
    s.line(None, ("{{ 문장.미집행_부서 }}", replace(TEXT, span=8)))
    s.line(
        None,
        ("담당관", HEAD),
        ("미집행 건수", HEAD),
        ("예산현액", HEAD),
        ("지출액", HEAD),
        ("집행률(%)", HEAD),
    )
    s.line(
        "{% for r in 미집행_부서 %}",
        ("{{ r.담당관 }}", LABEL),
        ("{{ r.건수 }}", AMT),
        ("{{ r.예산현액 }}", AMT),
        ("{{ r.지출액 }}", AMT),
        ("{{ rule('집행률', budget='D', spent='E') }}", PCT),
    )
    s.line(
        None,
        (
            '{{ chart("담당관별 예산현액과 지출액(" ~ 단위.집행현황 ~ ")", "B", ["D", "E"]) }}',
            Style(),
        ),
    )
    s.blank(18)
    s.line(
        None,
        (
            "〈 {{ 소관 }} {{ 미집행기준 | int }}%이상 미집행사업 현황({{ 기준일 }} 기준) 〉",
            Style(bold=True),
        ),
    )
    s.line(None, *[None] * 7, ("(단위 : {{ 단위.집행현황 }})", UNIT))
    s.line(
        None,
        ("세부사업명", HEAD),
        ("통계목", HEAD),
        ("예산현액(가)", HEAD),
        ("지출원인행위액", HEAD),
        ("지출액(나)", HEAD),
        ("지출잔액 다=(가-나)", HEAD),
        ("불용률 다/가", HEAD),
        ("구분", HEAD),
    )
    balance = "rule('지출잔액', budget='D', spent='F')"
    unspent = "rule('불용률', budget='D', spent='F')"
    s.line(
        "{% for r in 미집행_행 %}",
        ("{{ r.이름 }}", WRAP),
        ("{{ r.통계목 }}", LABEL),
        ("{{ r.예산현액 }}", AMT),
        ("{{ r.지출원인행위액 }}", AMT),
        ("{{ r.지출액 }}", AMT),
        (f"{{{{ submitted(r, '지출잔액', {balance}) }}}}", AMT),
        (f"{{{{ submitted(r, '불용률', {unspent}) }}}}", PCT),
        (
            "{{ '' if r.group or r.계약저조 is none else "
            "('계약 저조' if r.계약저조 else '지출 저조') }}",
            Style(border=True, align="center"),
        ),
    )
    s.blank().line(None, ("{{ 문장.미집행_구분 }}", replace(TEXT, span=8)))
    return s.t


def _findings() -> TemplateSheet:
    s = _Sheet("양식_점검", {"A": 2, "B": 8, "C": 12, "D": 8, "E": 20, "F": 70}, landscape=True)
    s.line(None, ("제출 표 점검 결과", TITLE), skip=2)
    s.line(None, ("{{ 문장.점검 }}", replace(TEXT, span=5)), skip=2)
    s.line(None, ("심각도", HEAD), ("시트", HEAD), ("셀", HEAD), ("규칙", HEAD), ("내용", HEAD))
    s.line(
        "{% for r in 점검 %}",
        ("{{ r.severity }}", LABEL),
        ("{{ r.sheet }}", LABEL),
        ("{{ r.cell }}", LABEL),
        ("{{ r.rule }}", LABEL),
        ("{{ r.message }}", WRAP),
    )
    s.blank().line(None, ("○ 읽은 표 (무엇을 읽고 무엇을 건너뛰었는지)", HEADING))
    s.line(None, ("표", HEAD), ("줄", HEAD), ("합계·소계", HEAD), ("단위", HEAD), ("내용", HEAD))
    s.line(
        "{% for r in 읽기 %}",
        ("{{ r.표 }}", LABEL),
        ("{{ r.줄 }}", AMT),
        ("{{ r.합계 }}", AMT),
        ("{{ r.단위 }}", LABEL),
        ("{{ r.내용 }}", WRAP),
    )
    return s.t


def _opinions() -> TemplateSheet:
    """Ⅱ. 검토의견: 1. 세출예산 검토, then the themed sections drafted by the 검토주제 rules
    (document rows: each row's kind gives its style; see :func:`document_style`)."""
    s = _Sheet(
        "양식_의견",
        {"A": 2, "B": 22, "C": 30, "D": 14, "E": 14, "F": 14, "G": 20, "H": 20},
        landscape=True,
    )
    s.line(None, ("Ⅱ. 검토의견", TITLE), skip=2)
    s.line(None, ("1. 세출예산 검토", HEADING))
    s.line(None, ("{{ 문장.감액내역 }}", replace(TEXT, span=7)), skip=2)
    s.line("{% for r in 검토의견 %}", *((f"{{{{ r.{c} }}}}", Style()) for c in "bcdefgh"))
    return s.t


def _attachment() -> TemplateSheet:
    """붙임 1: the 정보화사업 list with its count sentence and where the list comes from."""
    s = _Sheet("양식_붙임", {"A": 2, "B": 52, "C": 34, "D": 18}, landscape=False)
    s.line(
        None,
        ("붙임 1 {{ 회계연도 }}년 {{ 소관 }} 정보화사업 목록({{ 기준일 }} 기준)", HEADING),
        skip=2,
    )
    s.line(None, ("{{ 문장.정보화사업 }}", replace(TEXT, span=3)), skip=2)
    s.line(None, None, None, ("(단위 : {{ 단위.정보화사업 }})", UNIT))
    s.line(None, ("사업명", HEAD), ("사업기간", HEAD), ("사업예산 (예산)", HEAD))
    s.line(
        "{% for r in 정보화사업 %}",
        ("{{ r.사업명 }}", WRAP),
        ("{{ r.사업기간 }}", WRAP),
        ("{{ r.사업예산 }}", AMT),
    )
    s.blank().line(None, ("{{ 문장.정보화사업_자료 }}", replace(TEXT, span=3)))
    return s.t


def default_templates() -> list[TemplateSheet]:
    """The templates of the bundled workbook, in the report's order (I. 개요 with the
    사업별 증감, Ⅱ. 검토의견 with its lettered sections, 붙임 1), then 검토_점검.

    Printing repeats the header row of each sheet's last table (set when filling).
    """
    return [_overview(), _projects(), _opinions(), _unspent(), _attachment(), _findings()]


def template_from_cells(
    name: str,
    cells: dict[tuple[int, int], tuple[Any, Style | None]],
    widths: dict[int, float] | None = None,
    landscape: bool = False,
) -> TemplateSheet:
    """A template read back from a workbook sheet (values and, where known, styles)."""
    out = [
        TemplateCell(r, c, v, s or Style())
        for (r, c), (v, s) in sorted(cells.items())
        if v not in (None, "")
    ]
    return TemplateSheet(name, out, dict(widths or {}), landscape)


def template_from_grid(name: str, rows: list[list[Any]]) -> TemplateSheet:
    """A template from a sheet's values alone (no styles known): the non-empty cells."""
    cells = {
        (r, c): (v, None)
        for r, row in enumerate(rows)
        for c, v in enumerate(row)
        if v not in (None, "")
    }
    return template_from_cells(name, cells)
