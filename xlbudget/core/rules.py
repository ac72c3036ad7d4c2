"""The review's rate rules, each defined once and rendered three ways.

증감율, 불용률, 집행률, 계약률 and the two low-execution flags are small formulas over a row's
cells.  The sentences, the checks, the worksheet functions, the conditional formats and the
review templates must all agree on them, down to the rounding: a line counted in a sentence
but not coloured by the sheet's rule is a wrong report.  So each rule is written here once
as an expression tree, and every user derives from it:

* ``evaluate`` — numpy over whole columns (the checks, the flags, the UDFs' array form);
* ``evaluate_exact`` — Decimal for one value (sentences, the UDFs' scalar form): the
  quotient exact, then seen at Excel's 15 significant digits before ROUND, as Excel does;
* ``excel`` — the Excel formula text (conditional formats, template cells), which
  LibreOffice recalculates to the same values in the tests.

Cells are read as Excel's ``N()`` reads them: an empty cell (or text) counts as 0.  A
division by zero is an error in Excel and NaN here; comparisons with either are false, and
a display formula shows a blank over a zero base, as the seed report does.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Context, Decimal, DivisionByZero, InvalidOperation
from typing import Any

import numpy as np

from .money import ZERO, parse_amount, round_half_up, round_half_up_array, significant
from .settings import SETTING

#: Evaluation context of the exact form: wide enough that a quotient keeps 15 digits and more.
_CONTEXT = Context(prec=40, traps=[DivisionByZero, InvalidOperation])


class Blank:
    """The empty result of a display formula (Excel ``""``; NaN / None here)."""


BLANK = Blank()


@dataclass(frozen=True)
class Expr:
    """A node of a rule.  Operators build trees: ``(budget - spent) / budget * 100``."""

    def __add__(self, other: Any) -> Expr:
        return Bin("+", self, lift(other))

    def __sub__(self, other: Any) -> Expr:
        return Bin("-", self, lift(other))

    def __mul__(self, other: Any) -> Expr:
        return Bin("*", self, lift(other))

    def __truediv__(self, other: Any) -> Expr:
        return Bin("/", self, lift(other))

    def __ge__(self, other: Any) -> Expr:  # type: ignore[override]
        return Cmp(">=", self, lift(other))

    def __gt__(self, other: Any) -> Expr:  # type: ignore[override]
        return Cmp(">", self, lift(other))

    def __lt__(self, other: Any) -> Expr:  # type: ignore[override]
        return Cmp("<", self, lift(other))

    def eq(self, other: Any) -> Expr:
        return Cmp("=", self, lift(other))

    # The three renderings (see the module docstring); ``prec`` is the binding strength.
    prec = 9

    def excel(self, refs: Mapping[str, str], names: Mapping[str, str]) -> str:
        raise NotImplementedError

    def array(self, env: Mapping[str, Any], n: int) -> np.ndarray:
        raise NotImplementedError

    def exact(self, env: Mapping[str, Any]) -> Decimal | bool | None:
        raise NotImplementedError


def lift(value: Any) -> Expr:
    return value if isinstance(value, Expr) else Num(value)


@dataclass(frozen=True)
class Col(Expr):
    """A cell of the row, read as ``N()`` reads it (empty or text → 0)."""

    name: str

    def excel(self, refs: Mapping[str, str], names: Mapping[str, str]) -> str:
        return f"N({refs[self.name]})"

    def array(self, env: Mapping[str, Any], n: int) -> np.ndarray:
        values = np.array(np.broadcast_to(np.asarray(env[self.name], dtype=float), (n,)))
        values[np.isnan(values)] = 0.0
        return values

    def exact(self, env: Mapping[str, Any]) -> Decimal:
        value = env[self.name]
        parsed = value if isinstance(value, Decimal) else parse_amount(value)
        return ZERO if parsed is None else parsed


@dataclass(frozen=True)
class Raw(Col):
    """A cell as itself (for COUNT, which must see blanks): only inside ``Count``."""

    def excel(self, refs: Mapping[str, str], names: Mapping[str, str]) -> str:
        return refs[self.name]


@dataclass(frozen=True)
class Num(Expr):
    value: Any

    def excel(self, refs: Mapping[str, str], names: Mapping[str, str]) -> str:
        number = float(self.value)
        return str(int(number)) if number.is_integer() else repr(number)

    def array(self, env: Mapping[str, Any], n: int) -> np.ndarray:
        return np.full(n, float(self.value))

    def exact(self, env: Mapping[str, Any]) -> Decimal:
        return Decimal(str(self.value))


@dataclass(frozen=True)
class Param(Expr):
    """A setting (미집행기준 …): its defined name in Excel, its value here."""

    key: str

    def excel(self, refs: Mapping[str, str], names: Mapping[str, str]) -> str:
        return names.get(self.key) or SETTING[self.key].name or self.key

    def array(self, env: Mapping[str, Any], n: int) -> np.ndarray:
        return np.full(n, float(env[self.key]))

    def exact(self, env: Mapping[str, Any]) -> Decimal:
        return Decimal(str(env[self.key]))


_PREC = {"+": 1, "-": 1, "*": 2, "/": 2}


@dataclass(frozen=True)
class Bin(Expr):
    op: str
    left: Expr
    right: Expr

    @property
    def prec(self) -> int:  # type: ignore[override]
        return _PREC[self.op]

    def excel(self, refs: Mapping[str, str], names: Mapping[str, str]) -> str:
        left = self.left.excel(refs, names)
        right = self.right.excel(refs, names)
        if self.left.prec < self.prec:
            left = f"({left})"
        if self.right.prec < self.prec or (self.right.prec == self.prec and self.op in "-/"):
            right = f"({right})"
        return f"{left}{self.op}{right}"

    def array(self, env: Mapping[str, Any], n: int) -> np.ndarray:
        a, b = self.left.array(env, n), self.right.array(env, n)
        with np.errstate(all="ignore"):
            if self.op == "+":
                return a + b
            if self.op == "-":
                return a - b
            if self.op == "*":
                return a * b
            out = np.full(n, np.nan)  # a division by zero is an error (#DIV/0!) in Excel
            np.divide(a, b, out=out, where=(b != 0) & ~np.isnan(b))
            return out

    def exact(self, env: Mapping[str, Any]) -> Decimal | None:
        a, b = self.left.exact(env), self.right.exact(env)
        if a is None or b is None or isinstance(a, bool) or isinstance(b, bool):
            return None
        if self.op == "+":
            return _CONTEXT.add(a, b)
        if self.op == "-":
            return _CONTEXT.subtract(a, b)
        if self.op == "*":
            return _CONTEXT.multiply(a, b)
        return None if b == ZERO else _CONTEXT.divide(a, b)


@dataclass(frozen=True)
class Round(Expr):
    """Excel's ROUND: half up on the value as shown (15 significant digits)."""

    arg: Expr
    digits: int

    def excel(self, refs: Mapping[str, str], names: Mapping[str, str]) -> str:
        return f"ROUND({self.arg.excel(refs, names)},{self.digits})"

    def array(self, env: Mapping[str, Any], n: int) -> np.ndarray:
        return round_half_up_array(self.arg.array(env, n), self.digits)

    def exact(self, env: Mapping[str, Any]) -> Decimal | None:
        value = self.arg.exact(env)
        if value is None or isinstance(value, bool):
            return None
        return round_half_up(significant(value), self.digits)


_CMP = {
    ">=": np.greater_equal,
    ">": np.greater,
    "<": np.less,
    "<=": np.less_equal,
    "=": np.equal,
}


@dataclass(frozen=True)
class Cmp(Expr):
    op: str
    left: Expr
    right: Expr
    prec = 0

    def excel(self, refs: Mapping[str, str], names: Mapping[str, str]) -> str:
        return f"{self.left.excel(refs, names)}{self.op}{self.right.excel(refs, names)}"

    def array(self, env: Mapping[str, Any], n: int) -> np.ndarray:
        a, b = self.left.array(env, n), self.right.array(env, n)
        with np.errstate(invalid="ignore"):
            return _CMP[self.op](a, b) & ~np.isnan(a) & ~np.isnan(b)

    def exact(self, env: Mapping[str, Any]) -> bool | None:
        a, b = self.left.exact(env), self.right.exact(env)
        if a is None or b is None:
            return None
        return bool(_CMP[self.op](a, b))


@dataclass(frozen=True)
class Logic(Expr):
    """AND(…) / OR(…); an error (None / NaN) inside makes the whole false, as in a rule."""

    op: str  # "AND" | "OR"
    args: tuple[Expr, ...]

    def excel(self, refs: Mapping[str, str], names: Mapping[str, str]) -> str:
        return f"{self.op}({','.join(a.excel(refs, names) for a in self.args)})"

    def array(self, env: Mapping[str, Any], n: int) -> np.ndarray:
        parts = [np.asarray(a.array(env, n), dtype=bool) for a in self.args]
        return np.logical_and.reduce(parts) if self.op == "AND" else np.logical_or.reduce(parts)

    def exact(self, env: Mapping[str, Any]) -> bool | None:
        parts = [a.exact(env) for a in self.args]
        if any(p is None for p in parts):
            return None
        return all(parts) if self.op == "AND" else any(parts)


def And(*args: Expr) -> Expr:  # named like the Excel function it writes
    return Logic("AND", args)


def Or(*args: Expr) -> Expr:
    return Logic("OR", args)


@dataclass(frozen=True)
class Count(Expr):
    """COUNT(cells): how many of the cells hold a number."""

    args: tuple[Raw, ...]

    def excel(self, refs: Mapping[str, str], names: Mapping[str, str]) -> str:
        return f"COUNT({','.join(a.excel(refs, names) for a in self.args)})"

    def array(self, env: Mapping[str, Any], n: int) -> np.ndarray:
        return sum(
            (~np.isnan(np.broadcast_to(np.asarray(env[a.name], dtype=float), (n,)))).astype(float)
            for a in self.args
        )

    def exact(self, env: Mapping[str, Any]) -> Decimal:
        count = 0
        for a in self.args:
            try:
                count += parse_amount(env[a.name]) is not None
            except ValueError:
                pass
        return Decimal(count)


@dataclass(frozen=True)
class If(Expr):
    """IF(cond, then, else) of a display formula; ``BLANK`` is the empty text."""

    cond: Expr
    then: Expr | Blank
    other: Expr | Blank

    def excel(self, refs: Mapping[str, str], names: Mapping[str, str]) -> str:
        def part(x: Expr | Blank) -> str:
            return '""' if isinstance(x, Blank) else x.excel(refs, names)

        return f"IF({self.cond.excel(refs, names)},{part(self.then)},{part(self.other)})"

    def array(self, env: Mapping[str, Any], n: int) -> np.ndarray:
        cond = np.asarray(self.cond.array(env, n), dtype=bool)
        a = np.full(n, np.nan) if isinstance(self.then, Blank) else self.then.array(env, n)
        b = np.full(n, np.nan) if isinstance(self.other, Blank) else self.other.array(env, n)
        return np.where(cond, a, b)

    def exact(self, env: Mapping[str, Any]) -> Decimal | bool | None:
        cond = self.cond.exact(env)
        branch = self.then if cond else self.other
        return None if isinstance(branch, Blank) else branch.exact(env)


# --------------------------------------------------------------------------- the rules


# Each function below builds the expression of one rule (``…_rule``); :mod:`.rates` holds
# the same rules evaluated on values, for callers that have numbers rather than columns.


def change_rule(new: Expr, base: Expr) -> Expr:
    """증감: new − base (an empty cell counts as 0, as in a new line of the 추경)."""
    return new - base


def _percent(part: Expr, whole: Expr, digits: int) -> Expr:
    """part / whole × 100, half up as shown; an error (#DIV/0!) over a zero whole."""
    return Round(part / whole * 100, digits)


def share_rule(part: Expr, whole: Expr, digits: int) -> Expr:
    """part / whole × 100, half up; blank over a zero or empty whole."""
    return If(whole.eq(0), BLANK, _percent(part, whole, digits))


def rate_rule(new: Expr, base: Expr, digits: int) -> Expr:
    """증감율 (%): (new − base) / base × 100, half up; blank over a zero or empty base."""
    return share_rule(change_rule(new, base), base, digits)


def unspent_rate_rule(budget: Expr, spent: Expr, digits: int) -> Expr:
    """불용률 (미집행률, %): (예산현액 − 지출액) / 예산현액 × 100."""
    return share_rule(change_rule(budget, spent), budget, digits)


def exec_rate_rule(budget: Expr, spent: Expr, digits: int) -> Expr:
    """집행률 (%): 지출액 / 예산현액 × 100."""
    return share_rule(spent, budget, digits)


BUDGET, OBLIGATED, SPENT = Col("예산현액"), Col("지출원인행위액"), Col("지출액")
THRESHOLD, CONTRACT_THRESHOLD = Param("미집행기준"), Param("계약저조기준")


def unspent_flag_rule(digits: int) -> Expr:
    """A low-execution line: a positive 예산현액 and 불용률 (as shown) ≥ 미집행기준."""
    unspent = _percent(change_rule(BUDGET, SPENT), BUDGET, digits)
    return And(BUDGET > 0, unspent >= THRESHOLD)


def low_contract_flag_rule(digits: int) -> Expr:
    """A low-execution line that is hardly contracted: 계약률 (as shown) < 계약저조기준."""
    contracted = _percent(OBLIGATED, BUDGET, digits)
    return And(unspent_flag_rule(digits), contracted < CONTRACT_THRESHOLD)


# --------------------------------------------------------------------------- display forms
# The review sheets show a computed figure only where its inputs are there: a blank input
# gives a blank, not a 0 or a −100%.  Each display rule names its inputs; templates call it
# as ``rule("증감율", new="F", base="D")``.

_NEW, _BASE = Col("new"), Col("base")
_BUDGET_IN, _SPENT_IN = Col("budget"), Col("spent")


def _any_blank(*names: str) -> Expr:
    """True where any of the named input cells holds no number."""
    return Count(tuple(Raw(n) for n in names)) < len(names)


DISPLAY: dict[str, tuple[tuple[str, ...], Any]] = {
    "증감": (
        ("new", "base"),
        lambda d: If(_any_blank("new", "base"), BLANK, change_rule(_NEW, _BASE)),
    ),
    "증감율": (
        ("new", "base"),
        lambda d: If(_any_blank("new", "base"), BLANK, rate_rule(_NEW, _BASE, d)),
    ),
    "지출잔액": (
        ("budget", "spent"),
        lambda d: If(_any_blank("budget"), BLANK, change_rule(_BUDGET_IN, _SPENT_IN)),
    ),
    "불용률": (("budget", "spent"), lambda d: unspent_rate_rule(_BUDGET_IN, _SPENT_IN, d)),
    "집행률": (("budget", "spent"), lambda d: exec_rate_rule(_BUDGET_IN, _SPENT_IN, d)),
}


def display(name: str, digits: int) -> Expr:
    """The display rule ``name`` (a key of ``DISPLAY``) at ``digits`` decimals."""
    if name not in DISPLAY:
        raise ValueError(f"알 수 없는 규칙입니다: {name!r} (가능: {', '.join(DISPLAY)})")
    return DISPLAY[name][1](digits)


def display_formula(name: str, digits: int, columns: Mapping[str, str]) -> str:
    """Excel text of a display rule whose inputs sit in the given columns of the same row:
    ``display_formula("증감율", 1, {"new": "F", "base": "D"})`` (``{row}`` marks the row)."""
    inputs = DISPLAY[name][0] if name in DISPLAY else ()
    missing = [i for i in inputs if i not in columns]
    unknown = [c for c in columns if c not in inputs]
    if name not in DISPLAY or missing or unknown:
        raise ValueError(
            f"규칙 {name!r}의 입력은 {', '.join(inputs) or '(없음)'}입니다"
            f"(빠짐: {', '.join(missing) or '-'}, 모름: {', '.join(unknown) or '-'})"
        )
    refs = {key: f"{letter}{{row}}" for key, letter in columns.items()}
    return excel(display(name, digits), refs)


# --------------------------------------------------------------------------- rendering


def evaluate(expr: Expr, env: Mapping[str, Any]) -> np.ndarray:
    """``expr`` over whole columns: ``env`` maps column names to float arrays (NaN = empty)
    and setting keys to numbers; results are floats (NaN = blank/error) or booleans."""
    sizes = [np.size(v) for v in env.values() if np.ndim(v) > 0]
    return expr.array(env, max(sizes, default=1))


def evaluate_exact(expr: Expr, env: Mapping[str, Any]) -> Any:
    """``expr`` for one row, exactly (Decimal; None for a blank or an error)."""
    return expr.exact(env)


def excel(expr: Expr, refs: Mapping[str, str], names: Mapping[str, str] | None = None) -> str:
    """``expr`` as Excel formula text (no leading "="): ``refs`` maps each column to a cell
    reference; settings become their defined names."""
    return expr.excel(refs, names or {})
