"""The built workbook: reproducible, complete, and holding the seed exactly as printed."""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from lxml import etree
from openpyxl.utils import range_boundaries

from tests.conftest import BUNDLED_WORKBOOK
from tests.support.parts import read_parts
from xlbudget.cli import main
from xlbudget.core import schema, seed
from xlbudget.core.numformat import AMOUNT_FORMAT, RATE_FORMAT, RATE_PCT_FORMAT
from xlbudget.core.settings import NAMED, percent_formula
from xlbudget.workbook import examples, sheets
from xlbudget.workbook.build import build_bytes
from xlbudget.workbook.vba import read_vba_modules, xlwings_standalone_modules

INPUT_KEYS = ("세입", "세출", "사업별증감", "통계목증감", "집행현황", "정보화사업")


@pytest.fixture(scope="module")
def wb(built_path: Path) -> openpyxl.Workbook:
    return openpyxl.load_workbook(built_path)


def table_frame(wb: openpyxl.Workbook, key: str) -> pd.DataFrame:
    """An Excel Table read back by its name and ``ref`` (not by a fixed address)."""
    spec = schema.TABLES[key]
    ws = wb[spec.sheet]
    table = ws.tables[spec.table]
    min_col, min_row, max_col, max_row = range_boundaries(table.ref)
    rows = [
        [c.value for c in row]
        for row in ws.iter_rows(min_row=min_row, max_row=max_row, min_col=min_col, max_col=max_col)
    ]
    return pd.DataFrame(rows[1:], columns=rows[0])


# ------------------------------------------------------------------------- reproducibility
def test_two_builds_are_byte_identical(built_bytes: bytes) -> None:
    assert build_bytes() == built_bytes


def _canonical(name: str, data: bytes) -> bytes:
    """A part as compared: XML in canonical form (C14N 2.0), other parts as bytes.

    openpyxl and lxml may serialize the same document differently from one release to the
    next (attribute order, namespace placement); what the workbook holds must not differ.
    """
    if name.endswith((".xml", ".rels")) or name == "[Content_Types].xml":
        return etree.tostring(etree.fromstring(data), method="c14n2")
    return data


def test_committed_workbook_is_a_fresh_build(built_bytes: bytes) -> None:
    assert BUNDLED_WORKBOOK.is_file(), f"{BUNDLED_WORKBOOK} missing: run `xlbudget build-workbook`"
    committed, fresh = read_parts(BUNDLED_WORKBOOK), read_parts(built_bytes)
    stale = f"{BUNDLED_WORKBOOK} is stale (its sources changed): run `xlbudget build-workbook`"
    assert sorted(committed) == sorted(fresh), stale
    for name in committed:
        assert _canonical(name, committed[name]) == _canonical(name, fresh[name]), (name, stale)


def test_cli_builds_to_the_given_path(
    tmp_path: Path, built_bytes: bytes, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "sub" / "mine.xlsm"
    assert main(["build-workbook", "-o", str(out)]) == 0
    assert out.read_bytes() == built_bytes
    assert main(["build-workbook", "-o", str(tmp_path / "mine.xlsx")]) == 2
    assert ".xlsm" in capsys.readouterr().err


def test_zip_layout_and_fixed_metadata(built_path: Path) -> None:
    with zipfile.ZipFile(built_path) as zf:
        infos = zf.infolist()
        core = zf.read("docProps/core.xml").decode()
    assert infos[0].filename == "[Content_Types].xml"
    assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}
    assert (
        re.findall(r"<dcterms:(?:created|modified)[^>]*>([^<]*)<", core)
        == ["2021-08-19T00:00:00Z"] * 2
    )


# -------------------------------------------------------------------------------- sheets
def test_sheet_order_and_code_names(wb: openpyxl.Workbook, built_path: Path) -> None:
    names = wb.sheetnames
    assert names[:8] == [*INPUT_KEYS, "설정", *schema.RULE_TABLES]
    assert names[-2:] == [schema.FUNCTION_SHEET, schema.XLWINGS_CONF_SHEET]
    assert all(n.startswith(schema.TEMPLATE_PREFIX) for n in names[8:-2])
    assert wb.code_name == "ThisWorkbook"
    code_names = [ws.sheet_properties.codeName for ws in wb.worksheets]
    assert code_names == [f"Sheet{i}" for i in range(1, len(names) + 1)]
    modules = read_vba_modules(read_parts(built_path)["xl/vbaProject.bin"])
    documents = {
        n
        for n, src in modules.items()
        if "Attribute VB_PredeclaredId = True" in src and 'VB_Base = "0{000208' in src
    }
    assert documents == {"ThisWorkbook", *code_names}  # one document module per sheet


@pytest.mark.parametrize("key", INPUT_KEYS)
def test_input_tables_hold_the_seed_as_printed(wb: openpyxl.Workbook, key: str) -> None:
    spec = schema.TABLES[key]
    got = table_frame(wb, key)
    want = seed.load(key)
    assert list(got.columns) == list(spec.columns) == list(want.columns)
    assert len(got) == len(want)
    for column in want.columns:
        if want[column].dtype.kind in "fi":
            g = pd.to_numeric(got[column]).astype(float).to_numpy()
            np.testing.assert_array_equal(g, want[column].to_numpy(float), err_msg=column)
        else:
            g = got[column].map(lambda v: "" if pd.isna(v) else str(v))
            assert g.tolist() == want[column].astype(str).tolist(), column


def test_row_counts_of_the_long_tables(wb: openpyxl.Workbook) -> None:
    assert len(table_frame(wb, "집행현황")) == 61
    assert len(table_frame(wb, "정보화사업")) == 69


def test_seed_errors_are_kept_not_corrected(wb: openpyxl.Workbook) -> None:
    revenue = table_frame(wb, "세입")
    local_tax = revenue[revenue["구분"] == "지방세수입"].iloc[0]
    assert local_tax["당초"] == 9954  # the mislabelled 세외수입 subtotal, as printed
    spend = table_frame(wb, "세출").iloc[0]
    assert spend["증감_기정"] == -594 and spend["추경"] - spend["기정"] == -595
    lines = table_frame(wb, "집행현황")
    off = lines["예산현액"] - lines["지출액"] != lines["지출잔액"]
    assert off.sum() == 2  # the two 1-천원 differences of the report


@pytest.mark.parametrize("key", INPUT_KEYS)
def test_layout_formats_and_print_setup(wb: openpyxl.Workbook, key: str) -> None:
    spec = schema.TABLES[key]
    ws = wb[spec.sheet]
    assert ws["A1"].value == spec.title
    assert ws["A2"].value == (f"(단위 : {spec.unit}, %)" if spec.rates else f"(단위 : {spec.unit})")
    assert ws.tables[spec.table].ref.startswith("A4:")
    assert ws.freeze_panes == "A5"
    assert int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4)
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
    assert not ws.merged_cells.ranges
    header = [c.value for c in ws[4]]
    for column in spec.numeric + spec.rates:
        col = header.index(column) + 1
        formats = {ws.cell(row=r, column=col).number_format for r in range(5, ws.max_row + 1)}
        if column in spec.numeric:
            assert formats == {AMOUNT_FORMAT}, column
        else:
            assert formats == {RATE_FORMAT if key == "세입" else RATE_PCT_FORMAT}, column
    for letter, dim in ws.column_dimensions.items():
        assert 6 <= dim.width <= 48, letter


def test_labels_fit_their_columns(wb: openpyxl.Workbook) -> None:
    ws = wb["집행현황"]
    width = ws.column_dimensions["B"].width
    longest = max(sheets.text_width(str(c.value)) for c in ws["B"][4:] if c.value)
    assert width >= min(longest, 46)


def test_formula_like_text_stays_text(wb: openpyxl.Workbook) -> None:
    ws = wb["함수예시"]
    texts = [c for c in ws["B"][4:] if c.value]
    assert texts and all(c.data_type == "s" and c.value.startswith("=XB_") for c in texts)


# ------------------------------------------------------------------------------- settings
def test_settings_are_typed(wb: openpyxl.Workbook) -> None:
    frame = table_frame(wb, "설정")
    values = dict(zip(frame["항목"], frame["값"], strict=True))
    raw = seed.settings()
    assert values.keys() == raw.keys()
    assert values["회계연도"] == int(raw["회계연도"]) and isinstance(values["회계연도"], int)
    assert values["기준일"] == dt.datetime.fromisoformat(raw["기준일"])  # a real date cell
    assert values["미집행기준"] == float(raw["미집행기준"])
    assert isinstance(values["소관"], str)


def test_defined_names_read_the_threshold_cells(wb: openpyxl.Workbook) -> None:
    """Each name reads its 설정 cell as Python does (number, or text such as "70%")."""
    frame = table_frame(wb, "설정")
    for setting in NAMED:
        body = wb.defined_names[setting.name].attr_text
        m = re.search(r"'설정'!\$B\$(\d+)\b.*,(\d+)\)$", body)
        assert m, body
        row, default = int(m.group(1)), int(m.group(2))
        assert body == percent_formula(f"'설정'!$B${row}", setting.default)
        assert default == setting.default
        assert wb["설정"].cell(row=row, column=1).value == setting.key
        assert wb["설정"].cell(row=row, column=2).value == float(
            frame.loc[frame["항목"] == setting.key, "값"].iloc[0]
        )


# -------------------------------------------------------------------------- xlwings.conf
def test_xlwings_conf_uses_keys_the_vba_reads(wb: openpyxl.Workbook) -> None:
    ws = wb[schema.XLWINGS_CONF_SHEET]
    rows = []
    for row in ws.iter_rows(min_row=1, max_col=2, values_only=True):
        if row[0] is None:
            break
        rows.append(row)
    conf = dict(rows)
    assert len(rows) == len(conf) == len(sheets.XLWINGS_CONF)  # contiguous from A1, unique
    assert conf["UDF Modules"] == "xlbudget.udfs"
    # Hidden so that printing the workbook prints only the review; xlwings' VBA reads the
    # sheet through wb.Sheets(…).Range(…), which works on a hidden sheet.
    assert ws.sheet_state == "hidden" and wb.sheetnames[-1] == "xlwings.conf"
    vba = next(m for m in xlwings_standalone_modules() if m.name == "xlwings").source
    read_keys = set(re.findall(r'GetConfig\("([^"]+)"', vba))
    assert {k.upper() for k in conf} <= read_keys  # GetConfig compares upper-cased keys


# --------------------------------------------------------------------------- 함수예시
CELL_REF = re.compile(r"'([^']+)'!([A-Z]+\d+)")


def _evaluate_args(wb: openpyxl.Workbook, text: str) -> tuple[str, list[object]]:
    """Function name and argument values of a formula as written in 함수예시."""
    m = re.fullmatch(r"=(XB_\w+)\((.*)\)", text)
    assert m, text
    args: list[object] = []
    for part in m.group(2).split(","):
        ref = CELL_REF.fullmatch(part.removeprefix("ABS(").removesuffix(")"))
        if ref:
            value = wb[ref.group(1)][ref.group(2)].value
            args.append(abs(value) if part.startswith("ABS(") else value)
        elif part.startswith('"'):
            args.append(part.strip('"'))
        elif part in ("TRUE", "FALSE"):
            args.append(part == "TRUE")
        else:
            args.append(float(part))
    return m.group(1), args


def test_function_examples_compute_from_the_input_cells(wb: openpyxl.Workbook) -> None:
    ws = wb[schema.FUNCTION_SHEET]
    header = [c.value for c in ws[examples.HEADER_ROW]]
    assert header == list(examples.HEADERS)
    rows = [r for r in ws.iter_rows(min_row=examples.HEADER_ROW + 1, values_only=True) if r[0]]
    assert {r[0] for r in rows} == set(examples.FUNCTIONS)  # every XB_ function is shown
    matches = 0
    for function, text, live, want, printed, _where, _note in rows:
        assert live == text  # the live cell holds the formula shown as text beside it
        name, args = _evaluate_args(wb, text)
        assert name == function
        got = examples.FUNCTIONS[name](*args)
        assert got == want or (isinstance(got, float) and got == pytest.approx(want)), text
        if printed is not None and got == printed:
            matches += 1
    assert matches >= 8  # most examples reproduce the report; the rest show its rounding


def test_function_examples_cover_the_briefs_cases(wb: openpyxl.Workbook) -> None:
    ws = wb[schema.FUNCTION_SHEET]
    rate = next(
        r for r in ws.iter_rows(values_only=True) if r[2] == "=XB_RATE('세입'!F5,'세입'!D5)"
    )  # 합계 추경 / 당초, as in the brief
    assert rate[3] == rate[4] == 47.3
    won = next(r for r in ws.iter_rows(values_only=True) if r[4] == "1,104억 3천 3백만원")
    assert won[0] == "XB_WON" and won[3] == won[4]
    note = ws["A2"].value
    assert "#NAME?" in note and "XB_WHY" in note and "함수 가져오기" not in note


def test_windows_check_lists_the_built_examples(wb: openpyxl.Workbook) -> None:
    """docs/windows-check.md §3 names the same formulas and results as the 함수예시 sheet."""
    from tests.conftest import REPO

    doc = (REPO / "docs" / "windows-check.md").read_text(encoding="utf-8")
    section = doc.split("## 3.", 1)[1].split("Also check by hand", 1)[0]
    documented = dict(re.findall(r"^\| `(=XB_[^`]+)`[^|]*\| ([^|]+?) \|", section, re.M))
    ws = wb[schema.FUNCTION_SHEET]
    built = {r[2]: r[3] for r in ws.iter_rows(min_row=5, values_only=True) if r[0]}
    assert documented.keys() == built.keys()
    for formula, want in built.items():
        shown = documented[formula]
        if isinstance(want, float | int):
            number = float(shown.replace("△", "-").replace(",", ""))
            assert number == want, formula
        else:
            assert shown == want, formula


def test_only_the_review_and_the_inputs_print(wb: openpyxl.Workbook) -> None:
    """Templates, the function examples and xlwings.conf are hidden (not printed); the
    input sheets and 설정 stay visible, and the active sheet is a visible one."""
    hidden = {ws.title for ws in wb.worksheets if ws.sheet_state == "hidden"}
    templates = {n for n in wb.sheetnames if n.startswith(schema.TEMPLATE_PREFIX)}
    assert hidden == templates | {schema.FUNCTION_SHEET, schema.XLWINGS_CONF_SHEET}
    assert wb.active.sheet_state == "visible"
