"""xlbudget on more officer-style workbooks (``more_books``): shapes the first corpus does
not hold.  Same rules as ``test_corpus``: every line read, every planted error found, no
false finding, nothing unread left unsaid, and the exit code 0 only when all was read and
nothing is wrong.  Expectations come from openpyxl + Decimal, never from xlbudget.

Each workbook is checked once (``xlbudget check --json`` through ``xlbudget.cli.main``);
each aspect is its own test.
"""

from __future__ import annotations

import json
import tempfile
from collections import Counter
from pathlib import Path

import pytest

from tests.corpus import more_books as mb
from tests.corpus import officer_books as ob
from tests.corpus.test_corpus import (
    RUNS,
    Run,
    check_exit_code,
    check_flagged_lines,
    check_info_findings,
    check_read_from_the_right_sheet,
    check_review,
    check_totals,
    check_units,
    check_unread_listed,
    row_of,
    serious,
    show,
)

with tempfile.TemporaryDirectory() as _d:  # only to learn each case's aspects
    _CASES = {c.name: c for c in mb.build_all(Path(_d))}
NAMES = list(_CASES)


def names_with(attr: str) -> list[str]:
    return [n for n, c in _CASES.items() if getattr(c, attr)]


@pytest.fixture(scope="module")
def more(tmp_path_factory) -> dict[str, mb.MoreCase]:
    root = tmp_path_factory.mktemp("more")
    return {c.name: c for c in mb.build_all(root)}


@pytest.fixture
def checked(more):
    return lambda name: RUNS.check(more[name])


@pytest.fixture
def reviewed(more):
    return lambda name: RUNS.review(more[name])


def _reading(run: Run) -> str:
    return json.dumps(run.data["reading"], ensure_ascii=False, default=str)[:3000]


@pytest.mark.parametrize("name", NAMES)
def test_exit_code(name, checked):
    check_exit_code(*checked(name))


@pytest.mark.parametrize("name", NAMES)
def test_every_line_read(name, checked):
    """Each expected table kind read once with exactly its lines; no other kind read."""
    case, run = checked(name)
    got = Counter(t["table"] for t in run.data["reading"]["tables"])
    lines = {t["table"]: t["lines"] for t in run.data["reading"]["tables"] if got[t["table"]] == 1}
    doubled = {k: v for k, v in got.items() if v > 1}
    assert not doubled, f"tables read more than once: {doubled}"
    assert lines == case.lines, (
        f"{case.shape}\nlines expected {case.lines}\n          got {lines}\n"
        f"reading: {_reading(run)}"
    )


@pytest.mark.parametrize("name", names_with("totals"))
def test_totals(name, checked):
    check_totals(*checked(name))


@pytest.mark.parametrize("name", names_with("sheets"))
def test_read_from_the_right_sheet(name, checked):
    check_read_from_the_right_sheet(*checked(name))


@pytest.mark.parametrize("name", [n for n, c in _CASES.items() if c.findings_checked])
def test_findings_exact(name, checked):
    """Every planted 오류/경고 found, no other, none twice, each with its documented severity;
    rows that must be reported carry a finding; optional findings may appear."""
    case, run = checked(name)
    found = serious(run.data)
    keys = []
    for f in found:
        cell = f"@{row_of(f['cell'])}" if f["rule"] in ob.ROW_RULES else f["cell"]
        keys.append((f["sheet"], cell, f["rule"]))
    dupes = [k for k, n in Counter(keys).items() if n > 1]
    expected = set()
    wild = Counter()
    for sheet, cell, rule in case.findings:
        if sheet == "*":
            wild[rule] += 1
        elif rule in ob.ROW_RULES:
            expected.add((sheet, f"@{row_of(cell)}", rule))
        else:
            expected.add((sheet, cell, rule))
    got = set(keys)
    problems = []
    for rule, n in wild.items():
        matching = {k for k in got if k[2] == rule}
        if len(matching) != n:
            problems.append(f"{rule}: expected {n}, got {sorted(matching)}")
        got -= matching
    # rows that must be reported (any cell of the row, a rule among those allowed)
    for (sheet, row), rules in case.row_findings.items():
        on_row = {
            k for k in got if k[0] == sheet and row_of(k[1]) == row and (not rules or k[2] in rules)
        }
        if not on_row:
            allowed = "/".join(sorted(rules)) if rules else "any rule"
            problems.append(f"row {sheet}!{row} must be reported ({allowed}), nothing found there")
        got -= {k for k in got if k[0] == sheet and row_of(k[1]) == row}
    for sheet, cell, rule in case.optional:
        got -= {k for k in got if k[2] == rule and k[0] == sheet and cell in ("*", k[1])}
    missing, extra = expected - got, got - expected
    assert not (missing or extra or dupes or problems), (
        f"{case.shape}\nmissing (planted, not found): {sorted(missing)}\n"
        f"extra (false findings): {sorted(extra)}\nduplicated: {dupes}\n"
        + "\n".join(problems)
        + f"\nall 오류/경고 findings:\n{show(found)}"
    )
    wrong = [
        f for f in found if f["rule"] in ob.SEVERITY and ob.SEVERITY[f["rule"]] != f["severity"]
    ]
    assert not wrong, f"severity differs from the documented one:\n{show(wrong)}"


@pytest.mark.parametrize("name", names_with("must_say"))
def test_something_said(name, checked):
    """What cannot be checked is said: a 오류/경고 finding or an unread entry."""
    case, run = checked(name)
    assert serious(run.data) or run.data["reading"]["unread"], (
        f"{case.shape}\nnothing said: no 오류/경고 finding, nothing unread\n"
        f"findings:\n{show(run.data['findings'])}\nreading: {_reading(run)}"
    )


@pytest.mark.parametrize("name", NAMES)
def test_flagged_lines(name, checked):
    check_flagged_lines(*checked(name))


@pytest.mark.parametrize("name", names_with("units"))
def test_units(name, checked):
    check_units(*checked(name))


@pytest.mark.parametrize("name", NAMES)
def test_unread_listed(name, checked):
    check_unread_listed(*checked(name))


@pytest.mark.parametrize("name", names_with("info_rules"))
def test_info_findings(name, checked):
    check_info_findings(*checked(name))


@pytest.mark.parametrize("name", names_with("review"))
def test_review(name, reviewed):
    check_review(*reviewed(name))
