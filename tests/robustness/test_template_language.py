"""The template language: what a 양식_ cell may say, and that nothing it says hurts the run.

A template comes from the workbook under review.  Each cell either renders (a value, a text,
a formula) or becomes ``#양식오류`` with one TEMPLATE finding; nothing raises out of the
renderer, nothing runs for long, nothing grows without bound.  Hypothesis writes the
templates from a grammar of the constructs that matter (powers, products, concatenation,
loops, filters, calls, attribute access).
"""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from xlbudget.core.report.fill import ERROR_VALUE, Renderer
from xlbudget.core.report.language import (
    Budgeted,
    IterationBudget,
    TemplateEnvironment,
    TemplateLimit,
    TemplateRefused,
)
from xlbudget.core.report.templates import TemplateCell, TemplateSheet
from xlbudget.core.settings import Settings


def render(text: str, rows: int = 3, budget: int = 10_000_000) -> tuple[object, list[str]]:
    """The value the cell gets, and the TEMPLATE findings' messages."""
    pool = IterationBudget(budget)
    data = Budgeted([{"금액": i * 10, "이름": f"사업{i}"} for i in range(rows)], pool)
    renderer = Renderer(
        {"집행현황": data, "소관": "가부", "문장": {"세출": "○ 문장"}}, Settings(), pool
    )
    plan = renderer.sheet(TemplateSheet("양식_시험", [TemplateCell(0, 1, text)]))
    value = next((c.value for c in plan.cells), None)
    return value, [f.message for f in renderer.errors if f.rule == "TEMPLATE"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("{{ 1 + 2 }}", 3),
        ("{{ 소관 }} 소관", "가부 소관"),
        ("{{ 집행현황|map(attribute='금액')|sum }}", 30),
        ("{{ 집행현황|length }}", 3),
        ("{{ '가' * 3 }}", "가가가"),
        ("{{ 2 ** 10 }}", 1024),
        ("{% for r in 집행현황 %}{{ r.이름 }};{% endfor %}", "사업0;사업1;사업2;"),
        ("{{ 문장.세출 }}", "○ 문장"),
        ("{{ (집행현황|first).금액 }}", 0),
        ("{{ '가나다'|replace('나', '-') }}", "가-다"),
    ],
)
def test_what_a_template_may_say(text: str, expected: object) -> None:
    assert render(text) == (expected, [])


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("{{ 10**400 }}", "숫자가 너무 큽니다"),
        ("{{ 9 ** (9 ** 8) }}", "숫자가 너무 큽니다"),
        ("{{ (10**200) * (10**200) }}", "숫자가 너무 큽니다"),
        ("{{ 'x' * 10**6 }}", "글자가 너무 깁니다"),
        ("{{ 'x'|replace('', 'xxxxxxxxxx') * 3000 }}", "글자가 너무 깁니다"),
        ("{{ '가'.ljust(10**9) }}", "부를 수 있는 함수가 아닙니다"),
        ("{{ ''.__class__ }}", "밑줄"),
        ("{% for a in 집행현황 %}{% for b in 집행현황 %}.{% endfor %}{% endfor %}", "한 겹"),
        ("{% set x = 1 %}{{ x }}", "쓸 수 없는 구문"),
        ("{% macro m() %}{% endmacro %}", "쓸 수 없는 구문"),
        ("{{ lipsum() }}", "부를 수 있는 함수가 아닙니다"),
        ("{{ 'a'|center(10**9) }}", "쓸 수 없는 필터"),
        ("{{ range(10**9)|list }}", "반복이 너무 많습니다"),
        ("{{ (" * 300 + "1" + ")" * 300 + " }}", ""),
    ],
)
def test_what_a_template_may_not_say(text: str, reason: str) -> None:
    value, errors = render(text)
    assert value == ERROR_VALUE
    assert len(errors) == 1 and reason in errors[0]


def test_the_iteration_budget_is_shared_by_the_whole_fill() -> None:
    """A pass over 100,000 lines in each row of a 100,000-row block stops, not runs for hours."""
    value, errors = render("{{ 집행현황|map(attribute='금액')|sum }}", rows=100_000, budget=250_000)
    assert value == sum(range(100_000)) * 10 and errors == []
    pool = IterationBudget(250_000)
    rows = Budgeted([{"금액": 1}] * 100_000, pool)
    renderer = Renderer({"집행현황": rows}, Settings(), pool)
    template = TemplateSheet(
        "양식_시험",
        [
            TemplateCell(0, 0, "{% for r in 집행현황 %}"),
            TemplateCell(0, 1, "{{ 집행현황|map(attribute='금액')|sum }}"),
        ],
    )
    plan = renderer.sheet(template)
    values = [c.value for c in plan.cells]
    assert len(values) == 100_000 and values[:2] == [100_000, 100_000]
    assert values[-1] == ERROR_VALUE  # the budget ran out; the block itself is not charged
    assert [f.rule for f in renderer.errors] == ["TEMPLATE"]  # one finding, not 99,998


def test_the_language_check_names_the_construct() -> None:
    env = TemplateEnvironment(IterationBudget())
    with pytest.raises(TemplateRefused, match="Include"):
        env.check("{% include 'x' %}")
    with pytest.raises(TemplateLimit):
        env.call_binop(None, "**", 10, 10_000)


# ----------------------------------------------------------------------------- fuzzing

ATOMS = st.sampled_from(
    [
        "1",
        "9",
        "10",
        "-3",
        "0.5",
        "'가'",
        "'x'",
        "집행현황",
        "소관",
        "문장",
        "r",
        "none",
        "[1, 2]",
        "(집행현황|first)",
        "range(5)",
    ]
)
BINARY = st.sampled_from(["+", "-", "*", "**", "/", "//", "%", "~", "==", "<", " and ", " or "])
FILTERS = st.sampled_from(
    [
        "|length",
        "|sum",
        "|list",
        "|first",
        "|upper",
        "|int",
        "|string",
        "|join(',')",
        "|map(attribute='금액')",
        "|replace('x', 'xx')",
        "|center(9)",
        "|attr('__class__')",
    ]
)


def expressions(depth: int = 3) -> st.SearchStrategy[str]:
    return st.recursive(
        ATOMS,
        lambda inner: st.one_of(
            st.tuples(inner, BINARY, inner).map(lambda t: f"({t[0]}{t[1]}{t[2]})"),
            st.tuples(inner, FILTERS).map(lambda t: f"({t[0]}{t[1]})"),
            inner.map(lambda e: f"({e}).금액"),
            inner.map(lambda e: f"({e}).__class__"),
            inner.map(lambda e: f"abs({e})"),
            inner.map(lambda e: f"won({e})"),
            inner.map(lambda e: f"{e}.upper()"),
        ),
        max_leaves=8,
    )


TEMPLATES = st.one_of(
    expressions().map(lambda e: "{{ " + e + " }}"),
    st.tuples(expressions(), expressions()).map(
        lambda t: f"앞 {{{{ {t[0]} }}}} 뒤 {{{{ {t[1]} }}}}"
    ),
    st.tuples(expressions(), expressions()).map(
        lambda t: "{% for r in " + t[0] + " %}{{ " + t[1] + " }}{% endfor %}"
    ),
    st.tuples(expressions(), expressions()).map(
        lambda t: "{% if " + t[0] + " %}{{ " + t[1] + " }}{% endif %}"
    ),
    st.text(max_size=40).map(lambda s: "{{ " + s + " }}"),
)


@settings(max_examples=300)
@given(TEMPLATES)
@example("{{ 0, }}")  # a template but not one expression: once an exception out of the fill
def test_any_template_renders_or_becomes_a_finding(text: str) -> None:
    value, errors = render(text)
    if value == ERROR_VALUE:
        assert len(errors) == 1
    else:
        assert errors == []
        assert value is None or isinstance(value, (int, float, str))
        if isinstance(value, str):
            assert len(value) <= 32_767
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            assert abs(value) < 1e300


def test_remembered_expressions_are_those_of_row_attributes_only() -> None:
    """The renderer remembers an expression's result by the row attributes it reads only
    when nothing else can change it (the row passed whole, other variables, a dict method
    named like an attribute, a stateful function: never remembered)."""
    from xlbudget.core.report.fill import _PURE
    from xlbudget.core.report.language import IterationBudget, TemplateEnvironment

    env = TemplateEnvironment(IterationBudget())
    shape = env.row_attributes
    assert shape("{{ '' if r.group or r.계약저조 is none else 'x' }}", _PURE) == (
        "r",
        ("group", "계약저조"),
    )
    assert shape("{{ won(r['예산현액']) }}", _PURE) == ("r", ("예산현액",))
    assert shape("{{ submitted(r, '증감', 'x') }}", _PURE) is None  # the row itself
    assert shape("{{ r.items }}", _PURE) is None  # a dict method, not a column
    assert shape("{{ r.a + 기준 }}", _PURE) is None  # another variable
    assert shape("{{ chart('t', 'C', ['G']) or r.a }}", _PURE) is None  # stateful
    assert shape("{{ r[k] }}", _PURE) is None  # a computed key


def test_a_failing_template_says_the_same_on_every_run() -> None:
    """A finding quoting an object names no memory address: the 검토_점검 sheet of a
    re-run is the same sheet."""
    text = "{{ won((1|map(attribute='금액'))) }}"
    first, second = render(text), render(text)
    assert first == second and first[0] == ERROR_VALUE
    assert "generator" in first[1][0] and " at 0x" not in first[1][0]
