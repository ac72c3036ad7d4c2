"""설정: every setting xlbudget reads, its default, and how Excel reads the same value.

This is the one place for thresholds and their defaults.  A setting's value comes from the
workbook's 설정 table (항목 / 값); a missing table or row gives the default, and a value that
cannot be read gives the default *and* a finding naming its cell, never a silent guess.

A percent setting (미집행기준, 계약저조기준) is also read by Excel: the conditional formats
compare against a defined name (``xb_threshold``).  Python and Excel must read the cell the
same way, or the review lists lines the sheet does not colour.  Both therefore follow one
rule, written twice here side by side: a number is itself, but a number strictly between
0 and 1 is a fraction (70% typed in Excel is stored as 0.7) and counts ×100; text is
trimmed, every "%" is dropped, and a plain decimal ("70", "70.5") is its value; anything
else is the default.  Excel's form is
``IFERROR(IF(AND(ISNUMBER(c),c>0,c<1),c*100,VALUE(SUBSTITUTE(TRIM(c),"%",""))),default)``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

from .korean import UNITS
from .model import Finding
from .refs import a1, quote_sheet
from .schema import TableSpec

Kind = Literal["text", "date", "unit", "percent", "digits", "flag"]


@dataclass(frozen=True)
class Setting:
    key: str  # the 항목 text in 설정
    default: Any
    kind: Kind
    description: str
    name: str | None = None  # the workbook's defined name for it (ASCII, valid in every Excel)


SETTINGS: tuple[Setting, ...] = (
    Setting("소관", "", "text", "검토 대상 실·국(소관 부서)"),
    Setting("회계연도", "", "text", "예산의 회계연도"),
    Setting("회차", "", "text", "검토 대상 예산안의 회차"),
    Setting("기준일", "", "date", "집행현황(예산현액·지출액) 기준일"),
    Setting("금액단위", "천원", "unit", "세부 표(통계목·집행현황·정보화사업)의 금액 단위"),
    Setting("요약단위", "백만원", "unit", "요약 표(세입·세출·사업별 증감)의 금액 단위"),
    Setting(
        "미집행기준",
        70,
        "percent",
        "불용률이 이 값(%) 이상인 통계목을 미집행사업으로 표시",
        "xb_threshold",
    ),
    Setting(
        "계약저조기준",
        30,
        "percent",
        "지출원인행위액이 예산현액의 이 값(%) 미만이면 계약도 저조한 줄로 따로 표시",
        "xb_contract_threshold",
    ),
    Setting("금액띄어쓰기", True, "flag", "문장 속 금액을 단위마다 띄어 씀(예: 3억 5천 9백만원)"),
    Setting("증감율소수", 1, "digits", "증감율·불용률의 소수 자릿수(반올림, ROUND 방식)"),
)
SETTING: dict[str, Setting] = {s.key: s for s in SETTINGS}
#: Decimals of rates when nothing says otherwise (the report's one decimal).
DEFAULT_DIGITS: int = SETTING["증감율소수"].default
#: Settings that conditional formats refer to by a defined name.
NAMED: tuple[Setting, ...] = tuple(s for s in SETTINGS if s.name)
MAX_DIGITS = 6

_PLAIN_DECIMAL = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$")
_YES = frozenset({"예", "true", "1", "y", "yes", "참"})
_NO = frozenset({"아니오", "아니요", "false", "0", "n", "no", "거짓"})


def setting_number(value: Any) -> Decimal | None:
    """A numeric setting (a percent, the decimals) as Excel's
    ``VALUE(SUBSTITUTE(TRIM(v),"%",""))`` reads it; None if Excel would answer an error (then
    both sides use the default)."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float, Decimal)):
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            return None
        return number if number.is_finite() else None
    text = " ".join(str(value).split()).replace("%", "").strip()
    if not _PLAIN_DECIMAL.match(text):
        return None
    return Decimal(text)


def percent_value(value: Any) -> Decimal | None:
    """A percent setting as both sides read it: :func:`setting_number`, except that a
    *number* strictly between 0 and 1 is a fraction (70% typed in Excel is stored as 0.7
    under a percent format) and counts ×100.  No threshold below 1% makes sense, so this
    never misreads a deliberate one."""
    number = setting_number(value)
    if number is not None and not isinstance(value, str) and 0 < number < 1:
        return number * 100
    return number


def percent_formula(cell_ref: str, default: Any) -> str:
    """Excel's side of :func:`percent_value` for the cell ``cell_ref`` (a defined name body)."""
    c = cell_ref
    return (
        f"IFERROR(IF(AND(ISNUMBER({c}),{c}>0,{c}<1),{c}*100,"
        f'VALUE(SUBSTITUTE(TRIM({c}),"%",""))),{default})'
    )


@dataclass(frozen=True)
class Settings:
    """The 설정 values as read, where each came from, and what could not be read."""

    values: dict[str, Any] = field(default_factory=dict)  # 항목 → raw cell value
    cells: dict[str, tuple[str, int, int]] = field(default_factory=dict)  # → (sheet, row, col)
    findings: tuple[Finding, ...] = ()

    def _finding(self, key: str, message: str, severity: Any = "경고") -> Finding:
        sheet, row, col = self.cells.get(key, ("설정", None, None))
        return Finding(sheet, row, col, "SETTING", severity, message)

    def percent(self, key: str) -> float:
        value = percent_value(self.values.get(key))
        return float(SETTING[key].default if value is None else value)

    def text(self, key: str, default: str | None = None) -> str:
        """The value as text (a date as the report writes it); else ``default``, else the
        registered default."""
        value = self.values.get(key)
        if isinstance(value, (dt.date, dt.datetime)):
            return f"{value.year}. {value.month}. {value.day}."
        if value is None or (isinstance(value, str) and not value.strip()):
            if default is not None:
                return default
            setting = SETTING.get(key)
            return "" if setting is None else str(setting.default)
        return text(value)

    def declared_unit(self, spec: TableSpec) -> str | None:
        """The unit 설정 declares for a table's amounts (요약단위 / 금액단위), if it names a
        known one.  The table's unit is settled by the reader (설정, else its caption)."""
        if not spec.unit_setting:
            return None
        unit = self.text(spec.unit_setting, "").replace(" ", "")
        return unit if unit in UNITS else None

    def flag(self, key: str) -> bool:
        text = self.text(key).lower()
        if text in _YES:
            return True
        if text in _NO:
            return False
        return bool(SETTING[key].default)

    @property
    def threshold(self) -> float:
        """미집행기준 (percent): lines with 불용률 at or above it are low-execution lines."""
        return self.percent("미집행기준")

    @property
    def contract_threshold(self) -> float:
        """계약저조기준 (percent): obligations below it mark a line as hardly contracted."""
        return self.percent("계약저조기준")

    @property
    def digits(self) -> int:
        """Decimals of rates, 0–6; anything else falls back to the report's 1."""
        value = setting_number(self.values.get("증감율소수"))
        if value is None or value != value.to_integral_value() or not 0 <= value <= MAX_DIGITS:
            return DEFAULT_DIGITS
        return int(value)

    @property
    def spaced(self) -> bool:
        return self.flag("금액띄어쓰기")

    def name_formula(self, setting: Setting) -> str:
        """The body of the defined name ``setting.name``: Excel's reading of the same cell."""
        cell = self.cells.get(setting.key)
        if cell is None:
            return _number(self.percent(setting.key))
        sheet, row, col = cell
        ref = f"{quote_sheet(sheet)}!{a1(row, col, absolute=True)}"
        return percent_formula(ref, setting.default)

    def names(self) -> dict[str, str]:
        """Every defined name the conditional formats use, with its body."""
        return {s.name: self.name_formula(s) for s in NAMED if s.name}


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def check_values(values: dict[str, Any], cells: dict[str, tuple[str, int, int]]) -> list[Finding]:
    """A finding for every value that cannot be read as its kind (the default is used)."""
    found = []
    draft = Settings(values, cells)
    for key, raw in values.items():
        setting = SETTING.get(key)
        if setting is None or raw is None or (isinstance(raw, str) and not raw.strip()):
            continue
        problem = None
        if setting.kind == "percent" and percent_value(raw) != setting_number(raw):
            found.append(
                draft._finding(
                    key,
                    f"설정 '{key}'의 값 {raw!r}은(는) 백분율 서식의 소수로 보고 "
                    f"{percent_value(raw):g}%로 읽었습니다(Excel의 조건부 서식도 같음).",
                    "참고",
                )
            )
        if setting.kind == "percent" and setting_number(raw) is None:
            problem = "숫자(예: 70 또는 70%)가 아닙니다"
        elif setting.kind == "digits" and draft.digits != setting_number(raw):
            problem = f"0~{MAX_DIGITS} 사이의 정수가 아닙니다"
        elif setting.kind == "flag" and draft.text(key).lower() not in _YES | _NO:
            problem = "예/아니오가 아닙니다"
        elif setting.kind == "unit":
            if draft.text(key).replace(" ", "") not in UNITS:
                problem = f"알 수 없는 단위입니다(가능: {', '.join(UNITS)})"
        if problem:
            found.append(
                draft._finding(
                    key,
                    f"설정 '{key}'의 값 {raw!r}: {problem}. 기본값 {setting.default}을(를) "
                    f"사용했습니다.",
                )
            )
    return found


def text(value: Any) -> str:
    """A label cell as text: integral floats without ".0", surrounding spaces removed."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()
