"""Pure steps of an import: map columns, convert units exactly, derive, validate.

Every step takes a DataFrame and returns a new one (plus a list of ``Problem``); nothing reads
or writes a file.  Amount columns hold ``Decimal`` (exact), ``None`` (empty) or, for a value
that is not a number, the original text: such a value is kept so the reviewer sees it in the
workbook, and reported, never turned into a silent 0.

Units are converted with Decimal arithmetic: 1,234,567원 is 1,234.567천원, not 1,235 and not
1234.5670000000001.  The workbook cell then holds the exact decimal text.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd

from .. import rules
from ..korean import unit_factor
from ..money import ZERO, ParseError, parse_amount
from ..schema import ILLEGAL_CELL_CHARS, TableSpec, cell_text, normalize_header
from ..settings import DEFAULT_DIGITS, SETTING
from .model import ROW_COL, SOURCE_COL, ImportInputError, Problem

#: Text columns whose emptiness makes a row unidentifiable (reported, still kept).
NAME_COLUMNS = ("세부사업", "사업명")


def tidy(value: Decimal) -> Decimal:
    """Drop trailing zeros a unit conversion leaves (1,000원 → 1천원, not 1.000)."""
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()


def unit_ratio(from_unit: str, to_unit: str) -> Decimal:
    """Exact factor from ``from_unit`` to ``to_unit`` (원 → 천원 is 0.001)."""
    try:
        return Decimal(unit_factor(from_unit)) / Decimal(unit_factor(to_unit))
    except ValueError as exc:
        raise ImportInputError(str(exc)) from exc


def map_columns(
    raw: pd.DataFrame,
    spec: TableSpec,
    columns: Mapping[str, str],
    constants: Mapping[str, Any] | None = None,
) -> pd.DataFrame:
    """The target table's columns taken from ``raw``: {target column: source column}.

    ``constants`` fills a target column with one value (a label the source lacks).  Target
    columns not given stay empty.  ``_source``/``_row`` are carried along.
    """
    unknown = [t for t in [*columns, *(constants or {})] if t not in spec.columns]
    if unknown:
        raise ImportInputError(
            f"'{spec.key}' 표에 없는 열입니다: {', '.join(unknown)} "
            f"(가능: {', '.join(spec.columns)})"
        )
    by_header = {normalize_header(c): c for c in raw.columns}
    columns = {t: by_header.get(normalize_header(s), s) for t, s in columns.items()}
    missing = [s for s in columns.values() if s not in raw.columns]
    if missing:
        raise ImportInputError(
            f"원본에 열이 없습니다: {', '.join(missing)} (원본 머리글: "
            f"{', '.join(str(c) for c in raw.columns if not str(c).startswith('_'))})"
        )
    out = pd.DataFrame(index=raw.index)
    for target in spec.columns:
        if target in columns:
            out[target] = raw[columns[target]].astype(object)
        elif constants and target in constants:
            out[target] = constants[target]
        else:
            out[target] = None
    out[SOURCE_COL] = raw[SOURCE_COL] if SOURCE_COL in raw else ""
    out[ROW_COL] = raw[ROW_COL] if ROW_COL in raw else range(1, len(raw) + 1)
    return out.reset_index(drop=True)


def _where(frame: pd.DataFrame) -> Iterable[tuple[str, int]]:
    return zip(frame[SOURCE_COL].tolist(), frame[ROW_COL].tolist(), strict=True)


def convert_amounts(
    frame: pd.DataFrame, columns: Iterable[str], from_unit: str, to_unit: str
) -> tuple[pd.DataFrame, list[Problem]]:
    """Parse amount columns and convert them exactly from ``from_unit`` to ``to_unit``.

    Text that is not a number (``"1,2OO"``, ``"#N/A"``) stays as it was found and becomes a
    problem; empty cells stay empty.
    """
    ratio = unit_ratio(from_unit, to_unit)
    out = frame.copy()
    problems: list[Problem] = []
    where = list(_where(frame))
    for col in columns:
        values = frame[col].tolist()
        converted: list[Any] = []
        for i, value in enumerate(values):
            if type(value) is int:  # the common case of JSON exports: no parsing needed
                converted.append(tidy(Decimal(value) * ratio))
                continue
            try:
                number = parse_amount(value)
            except ParseError as exc:
                converted.append(value)
                problems.append(Problem(*where[i], col, exc.reason, value))
                continue
            converted.append(None if number is None else tidy(number * ratio))
        out[col] = pd.Series(converted, index=out.index, dtype=object)
    problems.sort(key=lambda p: (p.source, p.row))
    return out, problems


def clean_text(
    frame: pd.DataFrame, columns: Iterable[str], required: Iterable[str] = NAME_COLUMNS
) -> tuple[pd.DataFrame, list[Problem]]:
    """Labels as text: trimmed, empty → None; control characters (invalid in xlsx) removed.

    An empty name in a ``required`` column is a problem (the row is kept: its amounts still
    count in the totals the reviewer checks).
    """
    out = frame.copy()
    problems: list[Problem] = []
    where = list(_where(frame))
    required = set(required)
    for col in columns:
        if col not in out:
            continue
        cleaned: list[Any] = []
        for i, value in enumerate(out[col].tolist()):
            if value is None or (isinstance(value, float) and value != value):
                text = ""
            else:
                text = str(value).strip()
            if ILLEGAL_CELL_CHARS.search(text):
                problems.append(Problem(*where[i], col, "제어 문자를 지웠습니다", text))
                text = cell_text(text)
            if not text and col in required:
                problems.append(Problem(*where[i], col, "이름이 비어 있습니다"))
            cleaned.append(text or None)
        out[col] = pd.Series(cleaned, index=out.index, dtype=object)
    return out, problems


def _num(value: Any) -> Decimal | None:
    return value if isinstance(value, Decimal) else None


def _floats(values: list[Any]) -> np.ndarray:
    """Amounts as floats (NaN for empty or text), as the workbook will hold them."""
    return np.array(
        [
            float(v) if isinstance(v, (Decimal, int, float)) and not isinstance(v, bool) else np.nan
            for v in values
        ],
        dtype=float,
    )


def _decimals(values: np.ndarray) -> list[Decimal | None]:
    """Rates computed as floats, written back as the decimals Excel shows (15 digits)."""
    return [None if v != v else tidy(Decimal(format(v, ".15g"))) for v in values.tolist()]


def unspent_values(
    budget: list[Any], spent: list[Any], digits: int = DEFAULT_DIGITS
) -> list[Decimal | None]:
    """불용률 per line, by the review's own rule (:func:`xlbudget.core.rules.unspent_rate_rule`).

    Blank over a zero, empty or non-numeric budget; an empty 지출액 counts as 0 only when the
    budget is there (a line with no payment yet is 100% unspent); a 지출액 that is text (not
    a number) leaves the rate blank.
    """
    b, e = _floats(budget), _floats(spent)
    unknown = np.array([not (v is None or isinstance(v, Decimal)) for v in spent], dtype=bool)
    rule = rules.unspent_rate_rule(rules.BUDGET, rules.SPENT, digits)
    rate = rules.evaluate(rule, {"예산현액": b, "지출액": e})
    rate[np.isnan(b) | unknown] = np.nan
    return _decimals(rate)


def derive_execution(
    frame: pd.DataFrame, provided: Iterable[str], digits: int = DEFAULT_DIGITS
) -> pd.DataFrame:
    """Fill 지출잔액 and 불용률 where the source did not provide them.

    Only from a source that has 지출액: without execution data (a budget-only export) an
    empty 지출액 is unknown, not 0, and must not read as 100% unspent.
    """
    out = frame.copy()
    provided = set(provided)
    if "지출액" not in provided:
        return out
    budget, spent = out["예산현액"].tolist(), out["지출액"].tolist()
    if "지출잔액" not in provided:
        out["지출잔액"] = pd.Series(
            [
                None
                if _num(b) is None or not (e is None or isinstance(e, Decimal))
                else b - (e or ZERO)
                for b, e in zip(budget, spent, strict=True)
            ],
            index=out.index,
            dtype=object,
        )
    if "불용률" not in provided:
        out["불용률"] = pd.Series(
            unspent_values(budget, spent, digits), index=out.index, dtype=object
        )
    return out


def validate_execution(frame: pd.DataFrame) -> list[Problem]:
    """Lines a reviewer must look at: 예산현액 ≤ 0 or empty, 지출액 < 0, 지출액 > 예산현액."""
    problems: list[Problem] = []
    for (source, row), b, e in zip(
        _where(frame), frame["예산현액"].tolist(), frame["지출액"].tolist(), strict=True
    ):
        if b is None:
            problems.append(Problem(source, row, "예산현액", "예산현액이 비어 있습니다"))
        elif isinstance(b, Decimal) and b <= ZERO:
            problems.append(Problem(source, row, "예산현액", "예산현액이 0 이하입니다", b))
        if isinstance(e, Decimal):
            if e < ZERO:
                problems.append(Problem(source, row, "지출액", "지출액이 음수입니다", e))
            if isinstance(b, Decimal) and e > b:
                problems.append(
                    Problem(source, row, "지출액", f"지출액이 예산현액({b})보다 큽니다", e)
                )
    return problems


def derive_changes(
    frame: pd.DataFrame, provided: Iterable[str], digits: int = DEFAULT_DIGITS
) -> pd.DataFrame:
    """Fill 증감 (추경 − 기준) and 증감율 of a 당초/기정/추경 table where not provided."""
    out = frame.copy()
    provided = set(provided)
    new = out["추경"].tolist()
    for base_col in ("당초", "기정"):
        if base_col not in out:
            continue
        base = out[base_col].tolist()
        diff = [
            n - b if isinstance(n, Decimal) and isinstance(b, Decimal) else None
            for n, b in zip(new, base, strict=True)
        ]
        if f"증감_{base_col}" not in provided:
            out[f"증감_{base_col}"] = pd.Series(diff, index=out.index, dtype=object)
        if f"증감율_{base_col}" not in provided:
            new_f, base_f = _floats(new), _floats(base)
            rate = rules.evaluate(
                rules.rate_rule(rules.Col("new"), rules.Col("base"), digits),
                {"new": new_f, "base": base_f},
            )
            rate[np.isnan(new_f) | np.isnan(base_f)] = np.nan
            out[f"증감율_{base_col}"] = pd.Series(_decimals(rate), index=out.index, dtype=object)
    return out


def totals(frame: pd.DataFrame, columns: Iterable[str]) -> dict[str, Decimal]:
    """Exact sums of the numeric values of ``columns`` (text and empty cells are skipped).

    A column with no number at all (지출원인행위액 of a source that lacks it) has no total,
    rather than a misleading 0.
    """
    out: dict[str, Decimal] = {}
    for c in columns:
        if c not in frame:
            continue
        numbers = [v for v in frame[c].tolist() if isinstance(v, Decimal)]
        if numbers:
            out[c] = sum(numbers, ZERO)
    return out


def low_execution(
    frame: pd.DataFrame,
    threshold: Decimal | float = SETTING["미집행기준"].default,
    digits: int = DEFAULT_DIGITS,
) -> pd.DataFrame:
    """Lines the review will flag: the unspent rule of :mod:`xlbudget.core.rules`."""
    flags = rules.evaluate(
        rules.unspent_flag_rule(digits),
        {
            "예산현액": _floats(frame["예산현액"].tolist()),
            "지출액": _floats(frame["지출액"].tolist()),
            "미집행기준": float(threshold),
        },
    )
    return frame[flags]
