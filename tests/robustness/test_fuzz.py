"""Fuzzed 집행현황 tables: every run ends in a result or one clear error, and loses nothing.

Two layers.  The file layer writes a real workbook per example (random blanks, text in number
cells, △/▲/parentheses, huge and negative numbers, zero budgets, duplicate, missing,
renamed and reordered headers, merged cells, extra sheets, odd sheet names, a 설정 table with
nonsense) and runs the CLI on it.  The pure layer feeds the engine BookData directly, with
many more examples because it is fast.  Example counts follow the hypothesis profile of
tests/conftest.py (CI: 60 file cases, 300 engine cases).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import io
import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.table import Table

from xlbudget.cli import main
from xlbudget.cli.common import INTERNAL_ERROR
from xlbudget.core.engine import build_plan
from xlbudget.core.errors import InputError
from xlbudget.core.model import BookData, TableRef
from xlbudget.core.plan import Plan
from xlbudget.core.schema import TABLES

EXEC = TABLES["집행현황"]
NUMERIC = set(EXEC.numeric) | set(EXEC.rates)
INJECTIONS = ['=HYPERLINK("http://x","y")', "+cmd|' /C calc'!A0", "@SUM(1)", "-2+3"]
#: Examples per test: the file layer writes and reviews a workbook (~0.3 s), the engine
#: layer is pure and fast.
FILE_EXAMPLES = settings.default.max_examples
ENGINE_EXAMPLES = settings.default.max_examples * 5

safe_text = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Co")), max_size=12)
texts = st.one_of(
    st.sampled_from(["", " ", "사업", "합계", "소계", "#N/A", "0", "△", "-", *INJECTIONS]),
    safe_text,
)
#: Amounts up to ±1e300 (천원): absurd, but the review must still end in a result.
HUGE = 1e300
numbers = st.one_of(
    st.integers(-(10**15), 10**15),
    st.floats(-HUGE, HUGE, allow_nan=False, allow_infinity=False),
    st.sampled_from([0, 0.0, -0.0, HUGE, -HUGE, 5e-324, 10**15, -(10**15)]),
    st.sampled_from(
        [
            "△594",
            "▲12",
            "(1,234)",
            "1,234",
            "12.5%",
            "abc",
            "",
            " ",
            "△",
            "()",
            "1e999",
            "#DIV/0!",
            "1,2,3",
            "--5",
            "０",
        ]
    ),
    st.none(),
)

#: 증감율소수 as users might type it, absurd values included (they fall back to 1).
digits_setting = st.one_of(
    st.integers(-5, 400), st.floats(-10, 400), st.sampled_from(["", "한", "1.5"])
)


def header_variants(name: str) -> list[str]:
    return [name, f" {name} ", name[:1] + " " + name[1:], *EXEC.aliases.get(name, ())]


@st.composite
def headers(draw: st.DrawFn) -> list[Any]:
    """The 집행현황 columns reordered, sometimes renamed, dropped, doubled, blank or extra."""
    cols: list[Any] = list(draw(st.permutations(list(EXEC.columns))))
    cols = [draw(st.sampled_from(header_variants(c))) if draw(st.booleans()) else c for c in cols]
    if draw(st.integers(0, 4)) == 0 and len(cols) > 1:
        del cols[draw(st.integers(0, len(cols) - 1))]
    if draw(st.integers(0, 3)) == 0:
        cols.insert(draw(st.integers(0, len(cols))), draw(st.sampled_from(cols)))
    if draw(st.integers(0, 3)) == 0:
        cols.insert(draw(st.integers(0, len(cols))), draw(st.sampled_from([None, "", "비고"])))
    return cols


def canonical(header: Any) -> str | None:
    text = "".join(str(header or "").split())
    for column in EXEC.columns:
        if text in {"".join(v.split()) for v in header_variants(column)}:
            return column
    return None


@st.composite
def sheets(draw: st.DrawFn) -> dict[str, Any]:
    cols = draw(headers())
    body = []
    for _ in range(draw(st.integers(0, 8))):
        if draw(st.integers(0, 6)) == 0:
            body.append([None] * len(cols))
            continue
        body.append([draw(numbers if canonical(c) in NUMERIC else texts) for c in cols])
    return {
        "name": draw(st.sampled_from(["집행현황", "Sheet1", "자료 (2)", "집행'현황", "세출"])),
        "headers": cols,
        "rows": body,
        "at": (draw(st.integers(0, 3)), draw(st.integers(0, 2))),
        "table": draw(st.booleans()),
        "merge": draw(st.booleans()),
        "extra": draw(st.lists(st.lists(st.one_of(texts, numbers), max_size=5), max_size=3)),
        "settings": draw(
            st.none()
            | st.fixed_dictionaries(
                {
                    "미집행기준": numbers,
                    "계약저조기준": numbers,
                    "증감율소수": digits_setting,
                    "금액띄어쓰기": texts,
                    "기준일": texts,
                }
            )
        ),
        "macro": draw(st.booleans()),
    }


def put_row(ws: Any, values: list[Any]) -> None:
    """Append a row whose texts stay texts (openpyxl would make "=…" a formula)."""
    ws.append(values)
    for cell in ws[ws.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"


def write_case(spec: dict[str, Any], folder: Path) -> Path:
    """The spec as a real workbook; returns its path."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = spec["name"]
    r0, c0 = spec["at"]
    for r, row in enumerate([spec["headers"], *spec["rows"]]):
        for c, value in enumerate(row):
            cell = ws.cell(row=r0 + r + 1, column=c0 + c + 1, value=value)
            if isinstance(value, str):
                cell.data_type = "s"
    first, last_col = (
        f"{get_column_letter(c0 + 1)}{r0 + 1}",
        get_column_letter(c0 + len(spec["headers"])),
    )
    names = [h for h in spec["headers"] if isinstance(h, str) and h.strip()]
    if spec["table"] and len(set(names)) == len(spec["headers"]) and spec["rows"]:
        ws.add_table(
            Table(
                displayName="tbl_execution", ref=f"{first}:{last_col}{r0 + 1 + len(spec['rows'])}"
            )
        )
    elif spec["merge"] and spec["rows"]:
        top = r0 + 2
        ws.merge_cells(start_row=top, start_column=c0 + 1, end_row=top + 1, end_column=c0 + 1)
    for i, junk in enumerate(spec["extra"]):
        put_row(wb.create_sheet(f"기타{i}"), junk)
    if spec["settings"] is not None:
        st_ws = wb.create_sheet("설정")
        put_row(st_ws, ["항목", "값", "설명"])
        for key, value in spec["settings"].items():
            put_row(st_ws, [key, value, ""])
    path = folder / ("입력.xlsm" if spec["macro"] else "입력.xlsx")
    wb.save(path)
    return path


def run_cli(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    return code, out.getvalue(), err.getvalue()


@settings(
    max_examples=FILE_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(spec=sheets())
def test_fuzzed_workbook_ends_in_result_or_clear_error(spec: dict[str, Any]) -> None:
    folder = Path(tempfile.mkdtemp(prefix="xb-fuzz-"))
    try:
        src = write_case(spec, folder)
        before = hashlib.sha256(src.read_bytes()).hexdigest()
        out = folder / f"결과{src.suffix}"
        code, stdout, err = run_cli("review", str(src), "-o", str(out), "--json", "-q")
        assert code in (0, 1, 2)
        assert "Traceback" not in err and INTERNAL_ERROR not in err, err
        assert hashlib.sha256(src.read_bytes()).hexdigest() == before
        left = sorted(p.name for p in folder.iterdir())
        if code == 2:
            assert left == [src.name], left  # no half output, no temp file
            assert "집행현황" in err or f"'{spec['name']}'" in err, err
            if "필요한 열" in err:
                assert f"'{spec['name']}'" in err and "머리글 행" in err
                assert any(c in err.split("필요한 열")[1] for c in EXEC.required)
            return
        assert left == sorted([src.name, out.name]), left
        payload = json.loads(stdout)
        wb = openpyxl.load_workbook(out)
        source = openpyxl.load_workbook(src)
        assert set(source.sheetnames) <= set(wb.sheetnames)
        for finding in payload["findings"]:
            if finding["rule"] == "NOT_NUMBER":
                value = source[finding["sheet"]][finding["cell"]].value
                assert isinstance(value, str), (finding, value)
        for ws in wb.worksheets:  # text from data never became a formula
            for row in ws.iter_rows():
                for cell in row:
                    if cell.data_type == "f":
                        assert not any(
                            s in str(cell.value) for s in ("cmd|", "HYPERLINK", "@SUM", "-2+3")
                        )
    finally:
        shutil.rmtree(folder, ignore_errors=True)


# ----------------------------------------------------------------------------- engine layer

cell_values = st.one_of(
    texts,
    numbers,
    st.booleans(),
    st.dates(min_value=dt.date(1900, 1, 1)).map(lambda d: dt.datetime(d.year, d.month, d.day)),
    st.sampled_from([dt.time(12, 30), dt.timedelta(days=2)]),
)


@st.composite
def books(draw: st.DrawFn) -> BookData:
    """Sheets as calamine would hand them over, with the 집행현황 table and sometimes more."""
    spec = draw(sheets())
    r0, c0 = spec["at"]
    width = c0 + len(spec["headers"])
    grid: list[list[Any]] = [[None] * width for _ in range(r0)]
    for row in [spec["headers"], *spec["rows"]]:
        grid.append(
            [None] * c0
            + [float(v) if isinstance(v, int) and not isinstance(v, bool) else v for v in row]
        )
    sheets_ = {spec["name"]: grid}
    for i, junk in enumerate(spec["extra"]):
        sheets_[f"기타{i}"] = [list(junk)]
    if draw(st.booleans()):
        other = draw(st.sampled_from(["세입", "세출", "사업별증감", "통계목증감", "정보화사업"]))
        cols = list(TABLES[other].columns)
        rows = draw(
            st.lists(st.lists(cell_values, min_size=len(cols), max_size=len(cols)), max_size=6)
        )
        sheets_.setdefault(other, [cols, *rows])
    if spec["settings"] is not None:
        sheets_["설정"] = [
            ["항목", "값", "설명"],
            *[[k, v, ""] for k, v in spec["settings"].items()],
        ]
    tables = []
    if spec["table"] and spec["rows"]:
        tables.append(
            TableRef("tbl_execution", spec["name"], r0, c0, r0 + len(spec["rows"]), width - 1)
        )
    return BookData(sheets_, tables, "fuzz.xlsx")


@settings(
    max_examples=ENGINE_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    book=books(),
    steps=st.sampled_from([("check",), ("mark",), ("fill",), ("check", "mark", "fill")]),
)
def test_fuzzed_engine_gives_plan_or_input_error(book: BookData, steps: tuple[str, ...]) -> None:
    try:
        plan = build_plan(book, steps)
    except InputError as exc:
        message = str(exc)
        assert "집행현황" in message or any(f"'{s}'" in message for s in book.sheets), message
        return
    assert isinstance(plan, Plan)
    for finding in plan.findings:
        if finding.rule == "NOT_NUMBER":
            col = openpyxl.utils.column_index_from_string(finding.cell.rstrip("0123456789")) - 1
            row = int(finding.cell.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")) - 1
            value = book.sheets[finding.sheet][row][col]
            assert not isinstance(value, (int, float)) or isinstance(value, bool), value
    for sheet in plan.sheets:
        for write in sheet.cells:
            if write.formula:
                assert not any(s in str(write.value) for s in ("cmd|", "HYPERLINK", "@SUM"))
            elif isinstance(write.value, str) and write.value in INJECTIONS:
                assert not write.formula


# ----------------------------------------------------------------------------- known bugs
# Found by this fuzzing in modules this suite does not own (not strict: their owners are
# changing them; an XPASS here means the marker can go).

_EXEC_HEADER = [
    "담당관",
    "세부사업",
    "통계목",
    "불용률",
    "지출잔액",
    "지출액",
    "예산현액",
    "지출원인행위액",
]


@pytest.mark.parametrize("budget", [1e300, 1e308])
def test_absurd_amount_is_a_result_not_a_crash(budget: float) -> None:
    header = [
        "담당관",
        "세부사업",
        "통계목",
        "지출원인행위액",
        "예산현액",
        "지출액",
        "지출잔액",
        "불용률",
    ]
    book = BookData({"집행현황": [header, [None, None, None, 0.0, budget, 0.0, 0.0, 0.0]]})
    plan = build_plan(book, ("fill",))
    assert plan.sentences


@pytest.mark.parametrize("digits", [-1.0, 309.0])
def test_absurd_digits_setting_is_a_result_not_a_crash(digits: float) -> None:
    book = BookData(
        {
            "집행현황": [_EXEC_HEADER, [None, None, None, 0.0, 0.0, 0.0, 2.0, 0.0]],
            "설정": [["항목", "값"], ["증감율소수", digits]],
        }
    )
    plan = build_plan(book, ("fill",))
    assert plan.sentences


pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")
