"""Spreadsheet function arguments in, cell values out: the shared body of every XB_ UDF.

xlwings hands a UDF a scalar for one cell and a list of rows for a range (``ndim=2``); Excel
wants back a value of the same shape.  ``apply_cells`` parses every argument as one column,
broadcasts them like Excel does (a single cell against a range), calls a vector function of
the core once, and returns the result in the caller's shape.  Bad cells become an error text
in their own cell, so one bad number does not blank a whole column; nothing raises, so Excel
never shows a Python traceback.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import chain
from typing import Any

import numpy as np
import pandas as pd

from .money import EXCEL_ERRORS, ParseError, parse_amount, parse_column

#: Largest range a UDF accepts (cells).  A whole-column reference (1,048,576 rows) is fine;
#: beyond that the answer is an error, not a frozen Excel.
MAX_CELLS = 2_000_000

VALUE_ERROR = "#VALUE!"
NUM_ERROR = "#NUM!"


class ArgumentError(ValueError):
    """An option (not a cell value) that the function cannot use."""


def error_text(code: str, reason: str) -> str:
    """An Excel-style error with its reason, e.g. ``#VALUE! 숫자가 아닙니다: 'abc'``."""
    return f"{code} {reason}"


def _as_2d(value: Any) -> tuple[np.ndarray, bool]:
    """(2-D object array, was it a range?) for a scalar, a list of rows or a flat list."""
    if isinstance(value, (list, tuple)):
        if not value:
            return np.empty((0, 0), dtype=object), True
        try:
            widths = set(map(len, value))
        except TypeError:  # a flat list (no rows) is one column
            value, widths = [[v] for v in value], {1}
        if len(widths) != 1 or any(isinstance(r, str) for r in value[:1]):
            raise ArgumentError("범위의 행 길이가 서로 다릅니다")
        flat = np.array([*chain.from_iterable(value), None], dtype=object)[:-1]
        return flat.reshape(len(value), len(value[0])), True
    if isinstance(value, np.ndarray):
        return (value.reshape(1, 1) if value.ndim == 0 else np.atleast_2d(value)).astype(
            object
        ), value.ndim > 0
    arr = np.empty((1, 1), dtype=object)
    arr[0, 0] = value
    return arr, False


def int_option(value: Any, name: str, low: int = 0, high: int = 10) -> int:
    """An integer option such as ``digits`` (Excel passes 1.0 for 1)."""
    if value is None or value == "":
        raise ArgumentError(f"{name} 값이 비어 있습니다")
    try:
        number = parse_amount(value)
    except ParseError as exc:
        raise ArgumentError(f"{name}은(는) 정수여야 합니다: {value!r}") from exc
    if number is None or number != number.to_integral_value() or not low <= number <= high:
        raise ArgumentError(f"{name}은(는) {low}~{high} 사이의 정수여야 합니다: {value!r}")
    return int(number)


def bool_option(value: Any, name: str) -> bool:
    """A yes/no option as Excel users write it: TRUE/FALSE, 1/0, 예/아니오."""
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return bool(value)
    text = str(value).strip().lower()
    if text in ("true", "1", "예", "y", "yes", "참"):
        return True
    if text in ("false", "0", "아니오", "n", "no", "거짓", ""):
        return False
    raise ArgumentError(f"{name}은(는) TRUE/FALSE 여야 합니다: {value!r}")


def apply_cells(vector_fn: Callable[..., np.ndarray], *args: Any) -> Any:
    """Parse ``args`` as numbers, broadcast, run ``vector_fn`` once, shape the answer.

    Empty results (NaN, or "" from a text function) become "" so Excel shows a blank.
    """
    try:
        shaped = [_as_2d(a) for a in args]
        arrays = [a for a, _ in shaped]
        if any(a.size > MAX_CELLS for a in arrays):
            return error_text(NUM_ERROR, f"범위가 너무 큽니다 (최대 {MAX_CELLS:,}칸)")
        try:
            bcast = np.broadcast_arrays(*arrays)
        except ValueError:
            sizes = " 와 ".join(f"{a.shape[0]}×{a.shape[1]}" for a in arrays)
            return error_text(VALUE_ERROR, f"범위 크기가 맞지 않습니다: {sizes}")
        shape = bcast[0].shape
        parsed = [parse_column(a.ravel()) for a in bcast]
        bad = np.zeros(int(np.prod(shape)), dtype=bool)
        for _, b in parsed:
            bad |= b
        result = np.asarray(vector_fn(*[v for v, _ in parsed]))
        rows = result.reshape(shape).tolist()  # one C-level conversion to Python values
        blank = np.flatnonzero(pd.isna(result)) if result.dtype.kind in "fO" else ()
        width = shape[1]
        for i in blank:
            rows[i // width][i % width] = ""
        for i in np.flatnonzero(bad):
            found = next(a.ravel()[i] for a, (_, b) in zip(bcast, parsed, strict=True) if b[i])
            rows[i // width][i % width] = (
                found.strip()  # an Excel error passes through, as in Excel's own functions
                if isinstance(found, str) and found.strip() in EXCEL_ERRORS
                else error_text(VALUE_ERROR, f"숫자가 아닙니다: {found!r}")
            )
        if not any(is_range for _, is_range in shaped):
            return rows[0][0]
        return rows
    except ArgumentError as exc:
        return error_text(VALUE_ERROR, str(exc))
    except Exception as exc:  # noqa: BLE001 - a UDF must answer with a value, never raise
        return error_text(VALUE_ERROR, f"계산할 수 없습니다 ({type(exc).__name__}: {exc})")
