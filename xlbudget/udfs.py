"""The XB_ worksheet functions (xlwings UDFs) that budget officers type into cells.

Each function is a one-line wrapper over the core.  Every argument may be one cell or a range:
given ranges, a function answers with a range of the same shape, computed in one vector pass,
so a single array formula serves a whole column (in Excel 365 type ``=XB_RATE(D2:D5000,
C2:C5000)`` once and it spills; this is far faster than 5,000 single-cell formulas, because
each UDF call crosses from Excel to Python).  A zero or empty base gives a blank; a cell that
is not a number gives ``#VALUE! …`` with the reason in that cell only.

The core answers with typed errors (``CellError``); classic xlwings UDFs cannot hand Excel
an error value, so :func:`shown` turns each into its text here, the one place that knows.

In the workbook, VBA wrappers generated from these signatures (``workbook/functions.py``)
make them callable as soon as the workbook opens, turn the error texts into real error
values and register the argument help below (Korean first, then English) for Excel's
Function Wizard; no "Import Functions" step.  On Linux and macOS without Excel the
decorators do nothing and these are plain Python functions.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import xlwings as xw

from .core import cellargs as ca
from .core.errors import CellError
from .core.korean import unit_factor, won_words_array
from .core.numformat import tri_array
from .core.rates import change_array, exec_rate_array, rate_array, unspent_rate_array
from .core.settings import DEFAULT_DIGITS

F = TypeVar("F", bound=Callable[..., Any])

#: Argument help for the Function Wizard; ranges are read as 2-D (rows of cells).
ARG_DOCS: dict[str, str] = {
    "new": "비교 금액(추경 등), 셀 또는 범위 | new amount (e.g. 추경), cell or range",
    "base": "기준 금액(기정·당초), 셀 또는 범위 | base amount (기정/당초), cell or range",
    "budget": "예산현액, 셀 또는 범위 | budget available (예산현액), cell or range",
    "spent": "지출액, 셀 또는 범위 | amount spent (지출액), cell or range",
    "amount": "금액, 셀 또는 범위 | amount, cell or range",
    "value": "숫자, 셀 또는 범위 | number, cell or range",
    "digits": "소수 자릿수(기본 1) | decimals (default 1)",
    "unit": "금액의 단위: 원, 천원, 백만원, 억원 (기본 천원) | unit of the amount (default 천원)",
    "precision": (
        "이 단위 미만 절사(빈칸=정확히): 만원, 백만원, 천만원, 억원 … | cut below this unit"
    ),
    "spaced": "띄어쓰기(TRUE: 3천 4백만원, FALSE: 3천4백만원) | spaced style",
}
RANGE_ARGS = frozenset({"new", "base", "budget", "spent", "amount", "value"})
#: xlwings options of a range argument: always rows of cells, and Excel errors as their text
#: (``"#N/A"``), so that they pass through to the answer; without ``err_to_str`` xlwings turns
#: them into None and an error in the input would silently become a blank or a zero.
RANGE_OPTIONS: dict[str, Any] = {"ndim": 2, "err_to_str": True}


def arg_options(name: str) -> dict[str, Any]:
    """The xlwings converter options of the argument ``name`` (a fresh dict)."""
    return dict(RANGE_OPTIONS) if name in RANGE_ARGS else {}


def register(
    fn: F, func: Callable[..., Any] | None = None, arg: Callable[..., Any] | None = None
) -> F:
    """Apply xlwings' ``func``/``arg`` decorators (classic ``xw`` ones by default) to ``fn``.

    The decorators are parameters so that tests can register the same functions, with the
    same options, through ``xlwings.server`` (Office.js), whose argument conversion runs on
    Linux too.
    """
    func = func or xw.func
    arg = arg or xw.arg
    names = fn.__code__.co_varnames[: fn.__code__.co_argcount]
    wrapped = fn
    for name in reversed(names):
        wrapped = arg(name, doc=ARG_DOCS[name], **arg_options(name))(wrapped)
    return func(category="xlbudget")(wrapped)


def udf(fn: F) -> F:
    """Register ``fn`` with xlwings: ranges as 2-D, help text from ARG_DOCS."""
    return register(fn)


def shown(error: CellError) -> str:
    """How an error reaches the cell through classic xlwings: its text (``#VALUE! …``)."""
    return str(error)


def cells(vector_fn: Callable[..., Any], *args: Any) -> Any:
    """The core's cell machinery with this host's way of showing errors."""
    return ca.apply_cells(vector_fn, *args, error=shown)


@udf
def XB_DIFF(new: Any, base: Any) -> Any:
    """증감: new − base (빈칸은 0) | change: new − base (blank counts as 0)."""
    return cells(change_array, new, base)


@udf
def XB_RATE(new: Any, base: Any, digits: Any = DEFAULT_DIGITS) -> Any:
    """증감율(%): (new − base) / base × 100, 반올림; 기준이 0·빈칸이면 빈칸 | rate of change."""
    return cells(lambda n, b: rate_array(n, b, _digits(digits)), new, base)


@udf
def XB_UNSPENT(budget: Any, spent: Any, digits: Any = DEFAULT_DIGITS) -> Any:
    """불용률(%): (예산현액 − 지출액) / 예산현액 × 100 | unspent rate in percent."""
    return cells(lambda b, s: unspent_rate_array(b, s, _digits(digits)), budget, spent)


@udf
def XB_EXEC(budget: Any, spent: Any, digits: Any = DEFAULT_DIGITS) -> Any:
    """집행률(%): 지출액 / 예산현액 × 100 | execution rate in percent."""
    return cells(lambda b, s: exec_rate_array(b, s, _digits(digits)), budget, spent)


@udf
def XB_WON(amount: Any, unit: Any = "천원", precision: Any = "", spaced: Any = True) -> Any:
    """금액을 한글 단위로: 110433,"백만원" → 1,104억 3천 3백만원 | amount in Korean words."""
    return cells(
        lambda a: won_words_array(
            a, _unit(unit), _unit(precision) or None, ca.bool_option(spaced, "spaced", default=True)
        ),
        amount,
    )


@udf
def XB_TRI(value: Any, digits: Any = 0) -> Any:
    """음수를 △로 표시한 문자열: -594 → △594 | the number as text with △ for negatives."""
    return cells(lambda v: tri_array(v, ca.int_option(digits, "digits", default=0)), value)


def _digits(value: Any) -> int:
    """The decimals option of a rate (blank: the report's default)."""
    return ca.int_option(value, "digits", default=DEFAULT_DIGITS)


def _unit(name: Any) -> str:
    """A unit option as text ("" stays ""), checked against the known units."""
    text = "" if name is None else str(name).strip()
    if text:
        try:
            unit_factor(text)
        except ValueError as exc:
            raise ca.ArgumentError(str(exc)) from exc
    return text


#: Every worksheet function of this module, in the order of the documentation.
UDFS: tuple[Callable[..., Any], ...] = (XB_DIFF, XB_RATE, XB_UNSPENT, XB_EXEC, XB_WON, XB_TRI)
