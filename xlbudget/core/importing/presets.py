"""How each known export maps onto the workbook's input tables (pure functions).

지방재정365 세부사업별 세출현황 (``lofin365``) → 집행현황 (천원)
    담당관          the source has no department.  A reviewer of one local government groups its
                    lines by policy area, so one region's import uses 분야 (``fldNm``: 사회복지,
                    교통및물류 …); an import of several regions prefixes the region from
                    ``regions.json`` ("부산 동구 사회복지") so lines of different cities never
                    merge.  ``--group-by`` chooses explicitly (분야 / 지역 / 지역분야).
    세부사업        ``dbizNm`` as printed.
    통계목          the source has no 통계목: "(전체) " + 회계 (``acntDvNm``), e.g.
                    "(전체) 일반회계" — one line per 세부사업 × 회계, clearly not a real item.
    예산현액        ``bdgCashAmt`` 원 → 천원, exact (1,234,567원 = 1,234.567천원).
    지출원인행위액  empty: the source has no obligations.
    지출액          ``epAmt`` 원 → 천원, exact.
    지출잔액, 불용률 예산현액 − 지출액 and its rate (or the workbook's own formulas).

열린재정 세부사업 예산편성현황 (``openfiscal``), amounts in 천원
    → 사업별증감 (default, 백만원): the national budget has no execution, but it has what a
    reviewer compares: the government's proposal and the assembly's decision.  기정 = 정부안,
    추경 = 국회확정, 증감/증감율 against 기정 derived; 당초 empty; 수준 1; 담당관 = 소관명.
    → 집행현황 (천원, on request): 예산현액 = 국회확정, 통계목 = "(전체) " + 회계명; 지출액,
    지출잔액 and 불용률 stay empty (no execution data: an empty 지출액 must not read as 100%
    unspent).

Generic CSV/XLSX (``generic``): columns by the user's TOML mapping, or by the table's own
headers and aliases (schema.py) when no mapping is given; unit from the mapping (default: the
table's unit).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from ..money import ParseError, parse_amount
from ..schema import TABLES, TableSpec
from ..settings import DEFAULT_DIGITS
from .convert import (
    clean_text,
    convert_amounts,
    derive_changes,
    derive_execution,
    map_columns,
    validate_execution,
)
from .model import ROW_COL, SOURCE_COL, ImportInputError, Problem

GROUP_BY = ("auto", "분야", "지역", "지역분야")
PRESET_TABLES = {
    "lofin365": ("집행현황",),
    "openfiscal": ("사업별증감", "집행현황"),
}

OPENFISCAL_NAME = "세부사업명"
OPENFISCAL_GOV = "정부안금액(천원)"
OPENFISCAL_FINAL = "국회확정금액(천원)"


@dataclass
class Mapped:
    """A source mapped onto one table: rows in the table's unit, problems, mapping notes."""

    spec: TableSpec
    frame: pd.DataFrame
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    provided: frozenset[str] = frozenset()  # columns the source gave (others were derived)
    preset: str = "generic"
    #: What the source tells about 설정 (소관, 회계연도, 기준일); see :mod:`.about`.
    about: dict[str, str] = field(default_factory=dict)


def finish(
    frame: pd.DataFrame,
    spec: TableSpec,
    provided: Iterable[str],
    unit: str,
    notes: list[str] | None = None,
    preset: str = "generic",
    digits: int = DEFAULT_DIGITS,
) -> Mapped:
    """Shared tail of every preset: parse/convert amounts, clean labels, derive (rates at the
    target workbook's ``digits``, as its review will compute them), validate."""
    provided = frozenset(provided)
    problems: list[Problem] = []
    amounts = [c for c in spec.numeric if c in provided]
    frame, found = convert_amounts(frame, amounts, unit, spec.unit or "원")
    problems += found
    rates = [c for c in spec.rates if c in provided]
    frame, found = convert_amounts(frame, rates, "원", "원")  # percent points: parse only
    problems += found
    if "수준" in spec.columns:
        frame, found = _levels(frame, "수준" in provided)
        problems += found
    text_cols = [
        c for c in spec.columns if c not in spec.numeric and c not in spec.rates and c != "수준"
    ]
    frame, found = clean_text(frame, text_cols)
    problems += found
    if spec.key == "집행현황":
        frame = derive_execution(frame, provided, digits)
        problems += validate_execution(frame)
    elif "추경" in spec.columns and "증감_기정" in spec.columns:
        frame = derive_changes(frame, provided, digits)
    problems.sort(key=lambda p: (p.source, p.row))
    return Mapped(spec, frame, problems, notes or [], provided, preset)


def _levels(frame: pd.DataFrame, provided: bool) -> tuple[pd.DataFrame, list[Problem]]:
    """수준 as an integer (1 = a project line when the source has no levels)."""
    out = frame.copy()
    if not provided:
        out["수준"] = 1
        return out, []
    problems: list[Problem] = []
    levels: list[Any] = []
    for (src, row), value in zip(
        zip(out[SOURCE_COL], out[ROW_COL], strict=True), out["수준"].tolist(), strict=True
    ):
        try:
            number = parse_amount(value)
        except ParseError:
            number = None
        if number is None or number != number.to_integral_value() or number < 0:
            problems.append(Problem(src, row, "수준", "수준은 0 이상의 정수여야 합니다", value))
            levels.append(value)
        else:
            levels.append(int(number))
    out["수준"] = pd.Series(levels, index=out.index, dtype=object)
    return out, problems


def _check_table(preset: str, table: str) -> TableSpec:
    allowed = PRESET_TABLES.get(preset, tuple(TABLES))
    if table not in allowed:
        raise ImportInputError(
            f"'{preset}' 형식은 '{table}' 표로 가져올 수 없습니다 (가능: {', '.join(allowed)})"
        )
    return TABLES[table]


def lofin365(
    raw: pd.DataFrame,
    regions: Mapping[str, str],
    table: str = "집행현황",
    group_by: str = "auto",
    digits: int = DEFAULT_DIGITS,
) -> Mapped:
    """지방재정365 세부사업별 세출현황 records → 집행현황 (see the module docstring)."""
    spec = _check_table("lofin365", table)
    if group_by not in GROUP_BY:
        raise ImportInputError(f"--group-by는 {', '.join(GROUP_BY)} 중 하나입니다: {group_by}")
    codes = raw["lafCd"].astype(str)
    region = codes.map(lambda c: regions.get(c) or c)
    field_name = raw["fldNm"].fillna("").astype(str).str.strip()
    if group_by == "auto":
        group_by = "분야" if codes.nunique() <= 1 else "지역분야"
    dept = {
        "분야": field_name,
        "지역": region,
        "지역분야": (region + " " + field_name).str.strip(),
    }[group_by]
    work = pd.DataFrame(
        {
            "dept": dept,
            "item": "(전체) " + raw["acntDvNm"].fillna("").astype(str).str.strip(),
            "dbizNm": raw["dbizNm"],
            "bdgCashAmt": raw["bdgCashAmt"],
            "epAmt": raw["epAmt"],
            SOURCE_COL: raw[SOURCE_COL],
            ROW_COL: raw[ROW_COL],
        }
    )
    frame = map_columns(
        work,
        spec,
        {
            "담당관": "dept",
            "세부사업": "dbizNm",
            "통계목": "item",
            "예산현액": "bdgCashAmt",
            "지출액": "epAmt",
        },
    )
    notes = [
        f"담당관 = {group_by}",
        "통계목 = (전체) + 회계명 (원본에 통계목 없음)",
        "지출원인행위액 없음 (원본에 없음)",
        "금액 원 → 천원 (정확한 소수)",
    ]
    mapped = finish(
        frame,
        spec,
        ("담당관", "세부사업", "통계목", "예산현액", "지출액"),
        "원",
        notes,
        "lofin365",
        digits,
    )
    if codes.nunique() == 1:
        mapped.about["소관"] = str(region.iat[0])
    return mapped


def openfiscal(
    raw: pd.DataFrame, table: str = "사업별증감", digits: int = DEFAULT_DIGITS
) -> Mapped:
    """열린재정 세부사업 예산편성현황 (천원) → 사업별증감 or 집행현황 (module docstring)."""
    spec = _check_table("openfiscal", table)
    work = raw.copy()
    if table == "사업별증감":
        frame = map_columns(
            work,
            spec,
            {
                "담당관": "소관명",
                "세부사업": OPENFISCAL_NAME,
                "기정": OPENFISCAL_GOV,
                "추경": OPENFISCAL_FINAL,
            },
        )
        notes = [
            "담당관 = 소관명",
            "기정 = 정부안, 추경 = 국회확정, 당초 없음",
            "금액 천원 → 백만원 (정확한 소수)",
        ]
        mapped = finish(
            frame, spec, ("담당관", "세부사업", "기정", "추경"), "천원", notes, "openfiscal", digits
        )
        mapped.about = _single_values(raw, {"회계연도": "회계연도", "소관": "소관명"})
        return mapped
    work["_item"] = "(전체) " + work["회계명"].fillna("").astype(str).str.strip()
    frame = map_columns(
        work,
        spec,
        {
            "담당관": "소관명",
            "세부사업": OPENFISCAL_NAME,
            "통계목": "_item",
            "예산현액": OPENFISCAL_FINAL,
        },
    )
    notes = ["담당관 = 소관명", "예산현액 = 국회확정, 지출액 없음 (편성 자료)"]
    mapped = finish(
        frame,
        spec,
        ("담당관", "세부사업", "통계목", "예산현액"),
        "천원",
        notes,
        "openfiscal",
        digits,
    )
    mapped.about = _single_values(raw, {"회계연도": "회계연도", "소관": "소관명"})
    return mapped


def _single_values(raw: pd.DataFrame, columns: Mapping[str, str]) -> dict[str, str]:
    """설정 item → the one value a source column holds on every row (none when several)."""
    out = {}
    for key, column in columns.items():
        if column in raw:
            values = {str(v).strip() for v in raw[column].dropna() if str(v).strip()}
            if len(values) == 1:
                out[key] = values.pop().removesuffix(".0")
    return out


def generic(
    raw: pd.DataFrame,
    spec: TableSpec,
    columns: Mapping[str, str],
    constants: Mapping[str, Any] | None,
    unit: str | None,
    digits: int = DEFAULT_DIGITS,
) -> Mapped:
    """Any table's columns by header name; ``unit`` of the source amounts (default: table's)."""
    if not columns:
        raise ImportInputError(
            f"'{spec.key}' 표의 열을 원본에서 찾지 못했습니다. 매핑 설정(--config)의 [columns]에 "
            f"'표 열 = \"원본 머리글\"'을 적어 주세요 (표 열: {', '.join(spec.columns)})"
        )
    missing = [
        c
        for c in spec.required
        if c not in columns
        and c not in (constants or {})
        and c != "수준"
        and not (spec.key == "집행현황" and c in ("지출잔액", "불용률"))
    ]
    if missing:
        raise ImportInputError(
            f"'{spec.key}' 표에 꼭 필요한 열이 매핑되지 않았습니다: {', '.join(missing)} "
            f"(원본 머리글을 [columns]에 적어 주세요)"
        )
    frame = map_columns(raw, spec, columns, constants)
    unit = unit or spec.unit or "원"
    notes = [f"{t} = {s}" for t, s in columns.items()] + [f"금액 {unit} → {spec.unit or '원'}"]
    return finish(frame, spec, (*columns, *(constants or {})), unit, notes, "generic", digits)
