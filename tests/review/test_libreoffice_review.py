"""The review sheets in a real spreadsheet program: LibreOffice recalculates and renders them.

The file pipeline writes 증감, 증감율, 지출잔액, 불용률 and 집행률 as native formulas, so what a
reader sees is what the spreadsheet computes.  Here LibreOffice opens the reviewed workbook
(recalculating every formula), and each formula cell of each 검토_ sheet is compared with the
value Python computes from the *shown* figures of the same row, as LibreOffice sees them: the
non-formula cells that the formula's column header names (당초/기정/추경, 예산현액/지출액).
Python's side is xlbudget.core.rates (Decimal, half up), not the review plan.

One LibreOffice profile serves the module: one recalculation (both workbooks at once) and one
PDF export.  The PDF's text must hold the report's sentences and △ numbers, and a page of the
overview and of the low-execution table are written as PNGs (to tmp_path; the committed
docs/img/ pictures are made by scripts/render_review.py).
"""

from __future__ import annotations

import re
import struct
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from tests.conftest import BUNDLED_WORKBOOK, REVIEW_SHEETS
from tests.support.libreoffice import LibreOffice, pdf_text, pdf_to_png
from tests.support.shown import compare_shown
from xlbudget.app.review import review_file
from xlbudget.core import seed
from xlbudget.core.rates import exec_rate, rate, unspent_rate

pytestmark = pytest.mark.libreoffice

REVIEW_PREFIX = "검토_"
ERROR_TEXT = re.compile(r"^(#[A-Z/0-9]+[!?]?|Err:\d+)$")
BLANK = (None, "")


# ----------------------------------------------------------------------------- what to expect


def _label(value: Any) -> str:
    return re.sub(r"\s+", "", value) if isinstance(value, str) else ""


def _column(header: dict[str, int], prefix: str) -> int:
    """Column of the header starting with ``prefix`` (예산현액(가), 지출액(나) …)."""
    hits = [c for label, c in header.items() if label.startswith(prefix)]
    assert len(hits) == 1, f"header {prefix!r} not unique in {sorted(header)}"
    return hits[0]


def _number(value: Any) -> Decimal | None:
    if value in BLANK:
        return None
    assert isinstance(value, (int, float)) and not isinstance(value, bool), value
    return Decimal(repr(value))


def expected_value(label: str, header: dict[str, int], row: list[Any]) -> Decimal | None:
    """What the formula under ``label`` must show, from the shown figures of its row.

    None means a blank cell: a missing figure, or a rate over a zero or empty base.
    """

    def fig(prefix: str) -> Decimal | None:
        col = _column(header, prefix)
        return _number(row[col] if col < len(row) else None)

    if label.startswith("증감율"):  # 증감율(당초), 증감율(기정)
        new, base = fig("추경"), fig(label[len("증감율(") : -1])
        if new is None or base is None or base == 0:
            return None
        return rate(new, base, 1)
    if label.startswith("증감"):  # 증감(당초), 증감(기정); 증감 = 추경 − 기정
        base_label = label[len("증감(") : -1] if "(" in label else "기정"
        new, base = fig("추경"), fig(base_label)
        return None if new is None or base is None else new - base
    if label.startswith(("지출잔액", "불용률", "집행률")):
        budget, spent = fig("예산현액"), fig("지출액")
        if label.startswith("지출잔액"):
            return None if budget is None or spent is None else budget - spent
        if budget is None or budget == 0:
            return None
        return (unspent_rate if label.startswith("불용률") else exec_rate)(budget, spent, 1)
    raise AssertionError(f"no rule for a formula under the header {label!r}")


_SUBMITTED = re.compile(r"^=IF\(ISNUMBER\('((?:[^']|'')+)'!\$([A-Z]+)\$(\d+)\)")


def submitted(formula: str, values: dict[str, list[list[Any]]]) -> Decimal | None:
    """The submitted figure a review formula shows when its input cell holds a number.

    Review tables reproduce the submitted tables: ``=IF(ISNUMBER('세출'!$H$5),'세출'!$H$5,…)``.
    The input cell's value is read from LibreOffice's own values of the input sheet.
    """
    m = _SUBMITTED.match(formula)
    if not m:
        return None
    sheet = m.group(1).replace("''", "'")
    col = openpyxl.utils.column_index_from_string(m.group(2)) - 1
    row = int(m.group(3)) - 1
    grid = values[sheet]
    value = grid[row][col] if row < len(grid) and col < len(grid[row]) else None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return Decimal(repr(value))
    return None


def formula_cells(path: Path) -> dict[str, list[tuple[int, int, str, str]]]:
    """Sheet → (row, col, header label, formula) of every formula of the 검토_ sheets.

    A formula's header is the nearest text above it in its column (data rows above hold
    numbers or formulas, so the first text met is the table's header).
    """
    wb = openpyxl.load_workbook(path)
    out: dict[str, list[tuple[int, int, str]]] = {}
    try:
        for ws in wb.worksheets:
            if not ws.title.startswith(REVIEW_PREFIX):
                continue
            grid = [[c.value for c in row] for row in ws.iter_rows()]
            cells = []
            for r, row in enumerate(grid):
                for c in range(len(row)):
                    if ws.cell(r + 1, c + 1).data_type != "f":
                        continue
                    k = next(
                        (
                            k
                            for k in range(r - 1, -1, -1)
                            if isinstance(grid[k][c], str) and not grid[k][c].startswith("=")
                        ),
                        None,
                    )
                    label = "" if k is None else banded(grid, k, c)
                    cells.append((r, c, label, str(grid[r][c])))
            out[ws.title] = cells
    finally:
        wb.close()
    return out


def banded(grid: list[list[Any]], k: int, c: int) -> str:
    """The label of column ``c`` whose header text is on row ``k``: a leaf under a band of
    the row above reads as the band's ("당초" under "증감" is "증감(당초)"; under "예산", just
    "당초").  A merged band holds its text in its first cell, so the band is looked for to
    the left."""
    leaf = _label(grid[k][c])
    if leaf in ("당초", "기정") and k > 0:
        band = next((_label(v) for v in reversed(grid[k - 1][: c + 1]) if _label(v)), "")
        if band in ("증감", "증감율"):
            return f"{band}({leaf})"
    return leaf


def header_row(grid: list[list[Any]], r: int, c: int, label: str) -> dict[str, int]:
    """Label → column of the header of the formula at (r, c) (banded headers composed)."""
    for k in range(r - 1, -1, -1):
        if k < len(grid) and c < len(grid[k]) and banded(grid, k, c) == label:
            labels = {banded(grid, k, j): j for j in range(len(grid[k])) if _label(grid[k][j])}
            if k > 0:  # a column merged down from the band row (추경예산)
                for j, v in enumerate(grid[k - 1]):
                    if _label(v) and not _label(grid[k][j]) if j < len(grid[k]) else False:
                        labels.setdefault(_label(v), j)
            return labels
    raise AssertionError(f"no header {label!r} above row {r + 1}")


def squash(text: str) -> str:
    """Text without whitespace: a wrapped cell breaks its sentence over lines in the PDF."""
    return re.sub(r"\s+", "", text)


def tri(value: Decimal, digits: int = 0) -> str:
    """△ text of a number, written out here (not numformat.tri) to check the cell format."""
    text = f"{abs(value):,.{digits}f}"
    return f"△{text}" if value < 0 else text


# ----------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def lo(soffice: str):
    with LibreOffice(soffice) as office:
        yield office


@pytest.fixture(scope="module")
def reviewed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled workbook (a copy) after ``xlbudget review``."""
    folder = tmp_path_factory.mktemp("lo_review")
    src = folder / "budget_review.xlsm"
    src.write_bytes(BUNDLED_WORKBOOK.read_bytes())
    return review_file(src).output


EMPTY_SPENT = "엠보팅 서비스 운영"  # its 지출액 is emptied in the edge workbook
INJECTED = "디지털배운터 운영"  # renamed to a text that looks like a formula
INJECTION = "=1+1"


@pytest.fixture(scope="module")
def edge(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy whose 집행현황 has an empty 지출액 and a project name starting with "=",
    reviewed."""
    folder = tmp_path_factory.mktemp("lo_edge")
    wb = openpyxl.load_workbook(BUNDLED_WORKBOOK, keep_vba=True)
    ws = wb["집행현황"]
    table = ws.tables["tbl_execution"]
    first = openpyxl.utils.cell.range_boundaries(table.ref)[1]
    columns = {c.value: c.column for c in ws[first]}
    for row in ws.iter_rows(min_row=first + 1):
        name = ws.cell(row[0].row, columns["세부사업"])
        if name.value == EMPTY_SPENT:
            ws.cell(row[0].row, columns["지출액"]).value = None
        elif name.value == INJECTED:
            name.value = INJECTION
            name.data_type = "s"
    src = folder / "edge.xlsm"
    wb.save(src)
    return review_file(src).output


@pytest.fixture(scope="module")
def recalculated(lo: LibreOffice, reviewed: Path, edge: Path) -> dict[Path, dict]:
    """Both reviewed workbooks after LibreOffice recalculated them (one soffice start)."""
    return lo.recalculated_many([reviewed, edge])


@pytest.fixture(scope="module")
def values(recalculated, reviewed: Path) -> dict[str, list[list[Any]]]:
    """Every sheet's values of the reviewed bundled workbook, as LibreOffice computes them."""
    return recalculated[reviewed.resolve()]


@pytest.fixture(scope="module")
def edge_values(recalculated, edge: Path) -> dict[str, list[list[Any]]]:
    return recalculated[edge.resolve()]


@pytest.fixture(scope="module")
def review_sheets(reviewed: Path) -> list[str]:
    wb = openpyxl.load_workbook(reviewed, read_only=True)
    try:
        return [s for s in wb.sheetnames if s.startswith(REVIEW_PREFIX)]
    finally:
        wb.close()


@pytest.fixture(scope="module")
def pdf(lo: LibreOffice, reviewed: Path, review_sheets: list[str], tmp_path_factory) -> Path:
    return lo.render_pdf(reviewed, tmp_path_factory.mktemp("lo_pdf"), sheets=review_sheets)


@pytest.fixture(scope="module")
def pages(pdf: Path) -> list[str]:
    return pdf_text(pdf).split("\f")


# ----------------------------------------------------------------------------- values


def test_every_review_sheet_is_there(review_sheets: list[str], values) -> None:
    assert set(review_sheets) == set(REVIEW_SHEETS)
    assert set(review_sheets) <= set(values)


def test_no_error_values(values, review_sheets: list[str]) -> None:
    errors = [
        (sheet, r + 1, c + 1, v)
        for sheet in review_sheets
        for r, row in enumerate(values[sheet])
        for c, v in enumerate(row)
        if isinstance(v, str) and ERROR_TEXT.match(v.strip())
    ]
    assert errors == []


@pytest.mark.parametrize("sheet", ["검토_개요", "검토_사업별", "검토_미집행"])
def test_formulas_recalculate_to_python_values(sheet: str, reviewed: Path, values) -> None:
    formulas = formula_cells(reviewed)[sheet]
    grid = values[sheet]
    assert formulas, f"{sheet} has no formulas"
    labels = set()
    for r, c, label, formula in formulas:
        row = grid[r]
        header = header_row(grid, r, c, label)
        want = submitted(formula, values)
        if want is None:
            want = expected_value(label, header, row)
        got = row[c] if c < len(row) else None
        where = f"{sheet}!{openpyxl.utils.get_column_letter(c + 1)}{r + 1} ({label})"
        if want is None:
            assert got in BLANK, f"{where}: {got!r}, expected a blank"
        else:
            assert isinstance(got, (int, float)), f"{where}: {got!r}, expected {want}"
            assert got == pytest.approx(float(want), abs=1e-9), f"{where}: {got} != {want}"
        labels.add(label)
    # Every kind of computed column of the default templates was met and checked.
    expected = {
        "검토_개요": {"증감(당초)", "증감(기정)", "증감율(당초)", "증감율(기정)"},
        "검토_사업별": {"증감(당초)", "증감(기정)", "증감율(당초)", "증감율(기정)", "증감"},
        "검토_미집행": {"지출잔액다=(가-나)", "불용률다/가", "집행률(%)"},
    }[sheet]
    assert expected <= labels


def test_blank_rates_where_the_base_is_zero_or_a_figure_missing(reviewed: Path, values) -> None:
    """The seed's 도시개발특별회계 재무활동 has a 당초 of 0 and no submitted rate: blank."""
    grid = values["검토_개요"]
    blanks = [
        (grid[r][2], label)
        for r, c, label, _ in formula_cells(reviewed)["검토_개요"]
        if label.startswith("증감율") and grid[r][c] in BLANK
    ]
    assert blanks == [("재무활동", "증감율(당초)")]


def test_unspent_table_lists_the_flagged_lines(reviewed: Path, values) -> None:
    """Every line of 검토_미집행 shows 불용률 ≥ 70 (as LibreOffice computes it)."""
    rates = [
        values["검토_미집행"][r][c]
        for r, c, label, _ in formula_cells(reviewed)["검토_미집행"]
        if label.startswith("불용률")
    ]
    execution = seed.load("집행현황")
    recomputed = [
        unspent_rate(Decimal(repr(b)), Decimal(repr(s)))
        for b, s in zip(execution["예산현액"], execution["지출액"], strict=True)
    ]
    assert len(rates) == sum(x >= 70 for x in recomputed)
    assert all(isinstance(x, float | int) and x >= 70 for x in rates)


def _line(grid: list[list[Any]], text: str) -> list[Any]:
    return next(row for row in grid if text in row)


def test_text_that_looks_like_a_formula_stays_text(edge_values) -> None:
    row = _line(edge_values["검토_미집행"], INJECTION)
    assert 2 not in row  # "=1+1" was not evaluated


def test_empty_spent_gives_a_rate_not_an_error(edge, edge_values) -> None:
    grid = edge_values["검토_미집행"]
    row = _line(grid, EMPTY_SPENT)
    rates = [
        row[c]
        for r, c, label, _ in formula_cells(edge)["검토_미집행"]
        if label.startswith("불용률") and grid[r] is row
    ]
    budget = next(v for v in row if isinstance(v, int | float))
    assert rates == [pytest.approx(float(unspent_rate(budget, None)))]


# ----------------------------------------------------------------------------- rendering


def test_pdf_shows_the_report_text(pages: list[str], values) -> None:
    text = squash("".join(pages))
    for phrase in (
        "1,104억 3천 3백만원",
        "0.5% 감액된 수준",
        "152억 2천 6백만원",
        "미집행사업 현황(2021. 7. 31. 기준)",
        "(단위 : 백만원, %)",
    ):
        assert squash(phrase) in text, phrase
    for department in seed.load("집행현황")["담당관"].unique():
        assert department in text, department


def test_pdf_shows_negative_numbers_with_triangle(pages: list[str], values) -> None:
    """The 세출 총계 row: the submitted 증감 and 증감율 against 기정, printed with △."""
    grid = values["검토_개요"]
    at = next(i for i, row in enumerate(grid) if "총계" in [_label(v) for v in row])
    row = grid[at]
    leaf = next(k for k in range(at - 1, -1, -1) if "기정" in [_label(v) for v in grid[k]])
    header = {banded(grid, leaf, j): j for j, v in enumerate(grid[leaf]) if _label(v)}
    change = _number(row[_column(header, "증감(기정)")])
    change_rate = _number(row[_column(header, "증감율(기정)")])
    assert change < 0 and change_rate < 0  # the seed's 추경 is a cut
    text = squash("".join(pages))
    assert tri(change) in text
    assert tri(change_rate, 1) + "%" in text
    assert "-" + f"{abs(change):,}" not in text  # never a minus sign


def test_pdf_holds_only_the_review_sheets(pages: list[str]) -> None:
    # Headers of the input tables ("증감율_당초", "지출원인행위액" as a Table column) appear on
    # the input sheets only; the review sheets print "증감율(당초)".
    assert pages and not [p for p in pages if "증감율_당초" in squash(p)]


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_png_of_overview_and_unspent_pages(pdf: Path, pages: list[str], tmp_path: Path) -> None:
    def first_page(marker: str) -> int:
        return 1 + next(i for i, p in enumerate(pages) if marker in squash(p))

    # Found by their headings, not by position: the PDF's page order is LibreOffice's.
    first = {"overview": first_page("Ⅰ.추경예산개요"), "unspent": first_page("집행실적저조")}
    assert first["unspent"] > first["overview"]
    for name, page in first.items():
        png = pdf_to_png(pdf, tmp_path / f"review_{name}.png", page=page, dpi=60)
        width, height = _png_size(png)
        assert width > height, f"{name}: the review sheets print in landscape"


# ------------------------------------------------------------- what a document shows (export)


def test_what_the_document_shows_is_what_libreoffice_computes(values, reviewed: Path) -> None:
    """The HWPX export prints formula cells from Python's evaluation of the same rule; it
    must be the value the spreadsheet computes, cell by cell, blanks included."""
    assert compare_shown(review_file(reviewed, write=False).plan, values) > 200


def test_what_the_document_shows_on_the_edge_workbook(edge_values, edge: Path) -> None:
    """An emptied 지출액 (blank 지출잔액/불용률) and a formula-looking name change nothing."""
    assert compare_shown(review_file(edge, write=False).plan, edge_values) > 200
