"""Spreadsheet function arguments in, cell values out: the shared body of every XB_ UDF.

xlwings hands a UDF a scalar for one cell and a list of rows for a range (``ndim=2``); Excel
wants back a value of the same shape.  ``apply_cells`` parses every argument as one column,
broadcasts them like Excel does (a single cell against a range), calls a vector function of
the core once, and returns the result in the caller's shape.  A bad cell becomes a
``CellError`` (``#VALUE!`` with its reason) in its own cell, so one bad number does not blank
a whole column, and the adapter can hand Excel a real error value that ``ISERROR`` sees;
nothing raises, so Excel never shows a Python traceback.

Speed matters because one array formula may cover a whole column: a column that holds only
numbers and blanks (the usual case) is converted in one C-level call, and only columns with
text go through the string parser.  Building the answer (a list of 100,000 row lists, which
xlwings requires) is done with the garbage collector paused: the collector would otherwise
walk every list of the arguments and of the answer several times while they are built, which
costs more than the whole computation.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from itertools import chain
from operator import itemgetter
from typing import Any

import numpy as np
import pandas as pd

from .collector import collector_paused
from .errors import NUM, VALUE, CellError
from .money import EXCEL_ERRORS, ParseError, parse_amount, parse_column

#: Largest range a UDF accepts (cells).  A whole-column reference (1,048,576 rows) is fine;
#: beyond that the answer is an error, not a frozen Excel.
MAX_CELLS = 2_000_000


class ArgumentError(ValueError):
    """An option (not a cell value) that the function cannot use."""


class _TooLarge(ArgumentError):
    def __init__(self) -> None:
        super().__init__(f"범위가 너무 큽니다 (최대 {MAX_CELLS:,}칸)")


#: Types that a range of numbers and blanks consists of, as xlwings passes it.
_PLAIN_TYPES = frozenset({float, int, type(None)})


@dataclass(frozen=True)
class _Arg:
    """One parsed argument: numbers (NaN = empty), bad cells, raw cells (only if any is bad)."""

    values: np.ndarray  # 2-D float
    bad: np.ndarray | None  # 2-D bool, None when no cell is bad
    raw: np.ndarray | None  # 2-D object, kept only to name the bad cells
    is_range: bool


def _parse_flat(flat: list[Any], shape: tuple[int, int], is_range: bool) -> _Arg:
    if set(map(type, flat)) <= _PLAIN_TYPES:
        try:  # None becomes NaN; an int beyond float range falls through to the parser
            values = np.array(flat, dtype=float).reshape(shape)
            return _Arg(values, None, None, is_range)
        except OverflowError:
            pass
    raw = np.fromiter(flat, dtype=object, count=len(flat))
    values, bad = parse_column(raw)
    if not bad.any():
        return _Arg(values.reshape(shape), None, None, is_range)
    return _Arg(values.reshape(shape), bad.reshape(shape), raw.reshape(shape), is_range)


def _parse_arg(value: Any) -> _Arg:
    """Parse a scalar, a list of rows (xlwings' ndim=2), a flat list (a column) or an array."""
    if isinstance(value, np.ndarray):
        arr = value.reshape(1, 1) if value.ndim == 0 else np.atleast_2d(value)
        if arr.ndim != 2:
            raise ArgumentError(f"범위는 2차원이어야 합니다 ({arr.ndim}차원)")
        return _parse_flat(arr.ravel().tolist(), arr.shape, value.ndim > 0)
    if not isinstance(value, (list, tuple)):
        return _parse_flat([value], (1, 1), False)
    if not value:
        return _Arg(np.empty((0, 0)), None, None, True)
    if not isinstance(value[0], (list, tuple)):  # a flat list is one column
        if any(isinstance(v, (list, tuple)) for v in value):
            raise ArgumentError("범위에 행과 값이 섞여 있습니다")
        return _parse_flat(list(value), (len(value), 1), True)
    try:  # one C-level pass checks that every row has a length, and the same one
        widths = set(map(len, value))
    except TypeError:
        raise ArgumentError("범위에 행과 값이 섞여 있습니다") from None
    if len(widths) != 1:
        raise ArgumentError("범위의 행 길이가 서로 다릅니다")
    width = widths.pop()
    flat = list(map(itemgetter(0), value)) if width == 1 else list(chain.from_iterable(value))
    return _parse_flat(flat, (len(value), width), True)


def int_option(
    value: Any, name: str, low: int = 0, high: int = 10, default: int | None = None
) -> int:
    """An integer option such as ``digits`` (Excel passes 1.0 for 1).

    An empty cell given as the option means its ``default`` when there is one: Excel users
    point options at cells, and a blank there should not break a whole column.
    """
    if value is None or value == "":
        if default is not None:
            return default
        raise ArgumentError(f"{name} 값이 비어 있습니다")
    try:
        number = parse_amount(value)
    except ParseError as exc:
        raise ArgumentError(f"{name}은(는) 정수여야 합니다: {value!r}") from exc
    if number is None or number != number.to_integral_value() or not low <= number <= high:
        raise ArgumentError(f"{name}은(는) {low}~{high} 사이의 정수여야 합니다: {value!r}")
    return int(number)


def bool_option(value: Any, name: str, default: bool | None = None) -> bool:
    """A yes/no option as Excel users write it: TRUE/FALSE, 1/0, 예/아니오 (blank: default)."""
    if default is not None and (value is None or value == ""):
        return default
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


def apply_cells(
    vector_fn: Callable[..., np.ndarray],
    *args: Any,
    error: Callable[[CellError], Any] | None = None,
) -> Any:
    """Parse ``args`` as numbers, broadcast, run ``vector_fn`` once, shape the answer.

    Empty results (NaN, or "" from a text function) become "" so Excel shows a blank; a cell
    that is not a number becomes ``CellError("#VALUE!", …)`` naming what was found, and an
    Excel error in an argument (``#N/A``) comes back as that error, as Excel's own functions
    pass it on.  ``error`` maps each CellError to what the caller's host can show (an adapter
    that cannot return error values gives them as text); by default they stay typed.
    """
    try:
        with collector_paused():
            return _apply(vector_fn, args, error)
    except _TooLarge as exc:
        found = CellError(NUM, str(exc))
    except ArgumentError as exc:
        found = CellError(VALUE, str(exc))
    except Exception as exc:  # a UDF must answer with a value, never raise
        found = CellError(VALUE, f"계산할 수 없습니다 ({type(exc).__name__}: {exc})")
    return found if error is None else error(found)


def _apply(
    vector_fn: Callable[..., np.ndarray],
    args: tuple[Any, ...],
    error: Callable[[CellError], Any] | None,
) -> Any:
    for value in args:  # refuse a huge range before converting it
        if isinstance(value, (list, tuple)) and len(value) > MAX_CELLS:
            raise _TooLarge
    parsed = [_parse_arg(a) for a in args]
    if any(p.values.size > MAX_CELLS for p in parsed):
        raise _TooLarge
    try:
        shape = np.broadcast_shapes(*(p.values.shape for p in parsed))
    except ValueError:
        sizes = " 와 ".join(f"{p.values.shape[0]}×{p.values.shape[1]}" for p in parsed)
        raise ArgumentError(f"범위 크기가 맞지 않습니다: {sizes}") from None
    columns = [
        p.values.ravel() if p.values.shape == shape else np.broadcast_to(p.values, shape).ravel()
        for p in parsed
    ]
    result = np.asarray(vector_fn(*columns))
    if result.shape != (int(np.prod(shape)),):
        result = np.broadcast_to(result, shape).ravel()
    out = result.astype(object)  # numbers become Python floats, in C
    if result.dtype.kind == "f":
        out[np.isnan(result)] = ""
    elif result.dtype.kind == "O":
        out[pd.isna(result)] = ""
    bad = _mark_bad_cells(out, parsed, shape)
    if error is not None:
        if result.dtype.kind == "O":  # a text function may answer with errors of its own
            bad |= np.frompyfunc(lambda v: isinstance(v, CellError), 1, 1)(out).astype(bool)
        for i in np.flatnonzero(bad):
            out[i] = error(out[i])
    if not any(p.is_range for p in parsed):
        return out[0]
    return out.reshape(shape).tolist()


def _mark_bad_cells(out: np.ndarray, parsed: list[_Arg], shape: tuple[int, ...]) -> np.ndarray:
    """Write the error of each bad cell into ``out`` (flat), first bad argument first; returns
    where errors were written."""
    done = np.zeros(out.shape, dtype=bool)
    for p in parsed:
        if p.bad is None:
            continue
        bad = np.broadcast_to(p.bad, shape).ravel() & ~done
        if not bad.any():
            continue
        raw = np.broadcast_to(p.raw, shape).ravel()
        for i in np.flatnonzero(bad):
            found = raw[i]
            text = found.strip() if isinstance(found, str) else None
            # An Excel error passes through, as in Excel's own functions.
            out[i] = (
                CellError(text)
                if text in EXCEL_ERRORS
                else CellError(VALUE, f"숫자가 아닙니다: {found!r}")
            )
        done |= bad
    return done
