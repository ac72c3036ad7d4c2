"""검토보고서 내보내기 (HWPX): the exported document, read back by an independent parser.

The document is written by python-hwpx and read here by rhwp (a separate Rust parser and
renderer, :mod:`tests.support.hwpx_reader`).  What it must hold is taken from two sources
that share nothing with the export's code:

* LibreOffice's own rendering of the reviewed workbook's 검토_ sheets, cell by cell, *as
  shown* (its recalculation, its number formats): every sentence and every table cell of the
  review must be in the document with that text;
* the seed report itself (``../shared/seed``): the 세출 table's rows as printed there.
"""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest
from defusedxml import ElementTree

from tests.conftest import BUNDLED_WORKBOOK
from tests.support import hwpx_reader
from tests.support.libreoffice import LibreOffice, pdf_page_count, pdf_text
from xlbudget.app.export import export_file
from xlbudget.app.review import review_file
from xlbudget.core.errors import InputError

pytestmark = pytest.mark.skipif(not hwpx_reader.available(), reason="rhwp cannot run here")

SEED_REPORT = next(Path(__file__).resolve().parents[3].glob("shared/seed/*.txt"), None)


def _norm(text: str) -> str:
    """Whitespace-insensitive text (a word processor may break a cell's text into lines)."""
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("hwpx")
    src = folder / "budget_review.xlsm"
    src.write_bytes(BUNDLED_WORKBOOK.read_bytes())
    result = export_file(src, folder / "검토보고서.hwpx")
    assert src.read_bytes() == BUNDLED_WORKBOOK.read_bytes()  # the input is untouched
    return result.output


@pytest.fixture(scope="module")
def read_back(exported: Path, tmp_path_factory: pytest.TempPathFactory) -> hwpx_reader.ReadBack:
    pngs = tmp_path_factory.mktemp("hwpx_png") / "page"
    back = hwpx_reader.read(exported, str(pngs), pages=2)
    assert Path(f"{pngs}-1.png").stat().st_size > 10_000  # a page was drawn, not a blank
    return back


@pytest.fixture(scope="module")
def shown(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[list[str]]]:
    """The 검토_ sheets of the reviewed bundled workbook, as LibreOffice shows them."""
    folder = tmp_path_factory.mktemp("hwpx_lo")
    src = folder / "budget_review.xlsm"
    src.write_bytes(BUNDLED_WORKBOOK.read_bytes())
    reviewed = review_file(src).output
    with LibreOffice() as lo:
        sheets = lo.shown_text(reviewed)
    return {name: rows for name, rows in sheets.items() if name.startswith("검토_")}


def _document_texts(back: hwpx_reader.ReadBack) -> list[str]:
    texts = [_norm(p) for p in back.paragraphs]
    texts += [_norm(c.text) for table in back.tables for c in table]
    return texts


@pytest.mark.libreoffice
def test_every_cell_libreoffice_shows_is_in_the_document(shown, read_back) -> None:
    """Every non-empty cell of every review sheet, as LibreOffice shows it (sentences,
    captions, units, headers, figures with their △ and %), is a paragraph or a table cell
    of the exported document, with the same text."""
    assert set(shown) >= {"검토_개요", "검토_사업별", "검토_의견", "검토_미집행", "검토_붙임"}
    have = set(_document_texts(read_back))
    missing: list[str] = []
    checked = 0
    for sheet, rows in shown.items():
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                if not text.strip():
                    continue
                checked += 1
                if _norm(text) not in have:
                    missing.append(f"{sheet}!R{r + 1}C{c + 1}: {text[:60]!r}")
    assert checked > 1200
    assert not missing, f"{len(missing)} of {checked} shown cells missing: {missing[:15]}"


@pytest.mark.libreoffice
def test_each_table_has_the_cells_of_its_sheet_rows(shown, read_back) -> None:
    """Figures sit in tables, not in loose text: each numeric cell LibreOffice shows in a
    review table is a cell of some table of the document."""
    cells = {_norm(c.text) for table in read_back.tables for c in table}
    numbers = {
        _norm(t)
        for rows in shown.values()
        for row in rows
        for t in row
        if re.fullmatch(r"△?[\d,]+(\.\d+)?%?", t.strip())
    }
    assert len(numbers) > 300
    assert numbers <= cells, sorted(numbers - cells)[:20]


@pytest.mark.skipif(SEED_REPORT is None, reason="../shared/seed not present")
def test_the_expenditure_table_reads_as_the_seed_report_prints_it(read_back) -> None:
    """The 세출 규모 table, row by row, as the seed report prints it (its 총 계 and 소계 rows)."""
    text = SEED_REPORT.read_text(encoding="utf-8")
    printed = {}
    for line in text.splitlines():
        parts = [p for p in line.split("\t") if p.strip()]
        if parts and parts[0] in ("총 계", "행정관리"):
            printed[parts[0]] = parts
    assert printed["총 계"] == [
        "총 계",
        "100,589",
        "110,433",
        "109,838",
        "9,250",
        "△594",
        "9.2%",
        "△0.5%",
    ]
    rows: dict[str, list[str]] = {}
    for table in read_back.tables:
        by_row: dict[int, list[hwpx_reader.Cell]] = {}
        for cell in table:
            by_row.setdefault(cell.row, []).append(cell)
        for cells in by_row.values():
            texts = [c.text for c in sorted(cells, key=lambda c: c.col) if c.text.strip()]
            if texts and texts[0] == "총 계" and "세출" not in rows:
                rows["세출"] = texts
            if texts and texts[0] == "행정관리" and "소계" not in rows:
                rows["소계"] = texts
    assert rows["세출"] == printed["총 계"]
    # The seed prints 행정관리's first line as "행정관리 소계(일반회계) 97,625 …".
    assert rows["소계"] == printed["행정관리"]


def test_outline_bullets_captions_and_units(read_back) -> None:
    paragraphs = [p.strip() for p in read_back.paragraphs if p.strip()]
    assert paragraphs[0] == "2021년도 제2회 스마트도시정책관 소관 추가경정예산안 검토보고"
    for heading in ("Ⅰ. 추경예산 개요", "1. 세 입", "2. 세 출", "Ⅱ. 검토의견"):
        assert heading in paragraphs, heading
    assert any(p.startswith("가. ") for p in paragraphs)
    assert any(p.startswith("라. ") for p in paragraphs)
    assert "〈2021년도 제2회 추경예산안 세출 규모〉" in paragraphs
    assert "(단위 : 백만원, %)" in paragraphs
    assert sum(p.startswith("○ ") for p in paragraphs) >= 8
    sentence = next(p for p in paragraphs if "추가경정세출예산은" in p)
    assert "1,104억 3천 3백만원 대비 0.5% 감액된 수준" in sentence


def test_tables_have_merged_group_cells_and_a_repeating_banded_header(read_back, exported) -> None:
    revenue = next(t for t in read_back.tables if any(c.text == "지방세수입" for c in t))
    by_text = {c.text: c for c in revenue}
    assert (by_text["구 분"].rowspan, by_text["구 분"].colspan) == (2, 2)
    assert by_text["예산"].colspan == 2 and by_text["추경예산"].rowspan == 2
    assert by_text["세외수입"].rowspan == 3  # 경상적, 임시적, 지방행정 제재부과금
    section = _section_xml(exported)
    tables = section.findall(".//{*}tbl")
    assert len(tables) == len(read_back.tables)
    assert all(t.get("repeatHeader") == "1" for t in tables[:2])
    header_cells = [
        tc for tc in tables[0].iter() if tc.tag.endswith("}tc") and tc.get("header") == "1"
    ]
    assert len(header_cells) == 11  # the two banded header rows of the 세입 table


def _section_xml(path: Path):
    with zipfile.ZipFile(path) as z:
        return ElementTree.fromstring(z.read("Contents/section0.xml"))


def _header_xml(path: Path):
    with zipfile.ZipFile(path) as z:
        return ElementTree.fromstring(z.read("Contents/header.xml"))


def test_fonts_page_and_placeholders(exported: Path, read_back) -> None:
    header = _header_xml(exported)
    faces = {f.get("face") for f in header.iter() if f.tag.endswith("}font")}
    assert {"함초롬바탕", "맑은 고딕"} <= faces
    section = _section_xml(exported)
    page = next(e for e in section.iter() if e.tag.endswith("}pagePr"))
    # A4 in HWP units (7,200 per inch): 210 × 297 mm, to a unit's rounding.
    assert abs(int(page.get("width")) - 59528) <= 3 and abs(int(page.get("height")) - 84188) <= 3
    assert page.get("landscape") in ("WIDELY", None)  # portrait, as the report is printed
    assert any(e.tag.endswith("}pageNum") for e in section.iter())
    # Opinion placeholders: their own paragraphs, shaded so the officer finds them in Hangul.
    shaded = {
        c.get("id")
        for c in header.iter()
        if c.tag.endswith("}charPr") and (c.get("shadeColor") or "").upper() == "#FFF2CC"
    }
    assert shaded
    marked = [
        "".join(t.text or "" for t in run.iter() if t.tag.endswith("}t"))
        for run in section.iter()
        if run.tag.endswith("}run") and run.get("charPrIDRef") in shaded
    ]
    # The seed's 가.–다. each end with one (라. is the execution table's own text).
    assert len(marked) == 3 and all(m == "○ 검토의견: (작성)" for m in marked), marked
    assert sum("검토의견: (작성)" in p for p in read_back.paragraphs) == 3


def test_right_alignment_of_figures(exported: Path) -> None:
    header = _header_xml(exported)
    right = {
        p.get("id")
        for p in header.iter()
        if p.tag.endswith("}paraPr")
        and any(a.tag.endswith("}align") and a.get("horizontal") == "RIGHT" for a in p)
    }
    section = _section_xml(exported)
    figures = [
        p
        for p in section.iter()
        if p.tag.endswith("}p")
        and re.fullmatch(
            r"△?[\d,]+", "".join(t.text or "" for t in p.iter() if t.tag.endswith("}t"))
        )
    ]
    assert len(figures) > 200
    assert all(p.get("paraPrIDRef") in right for p in figures)


# ------------------------------------------------------------------------ untrusted text


def test_formula_and_markup_looking_text_stays_literal(tmp_path: Path) -> None:
    src = tmp_path / "hostile.xlsm"
    wb = openpyxl.load_workbook(BUNDLED_WORKBOOK, keep_vba=True)
    ws = wb["집행현황"]
    hostile = {
        "엠보팅 서비스 운영": '=HYPERLINK("http://x","y")',
        "디지털배운터 운영": "<hp:t>주입</hp:t>&amp;",
    }
    header = next(r for r in ws.iter_rows() if any(c.value == "세부사업" for c in r))
    col = next(c.column for c in header if c.value == "세부사업")
    for row in ws.iter_rows(min_row=header[0].row + 1):
        cell = ws.cell(row[0].row, col)
        if cell.value in hostile:
            cell.value = hostile[cell.value]
            cell.data_type = "s"
    wb.save(src)
    out = export_file(src, tmp_path / "out.hwpx").output
    back = hwpx_reader.read(out)
    texts = [c.text for t in back.tables for c in t] + back.paragraphs
    assert any(t == hostile["엠보팅 서비스 운영"] for t in texts)
    assert any(t == hostile["디지털배운터 운영"] for t in texts)
    with zipfile.ZipFile(out) as z:
        body = z.read("Contents/section0.xml").decode("utf-8")
    assert "<hp:t>주입" not in body.replace("&lt;hp:t&gt;주입", "")


def test_a_workbook_without_review_data_is_refused_and_nothing_written(tmp_path: Path) -> None:
    src = tmp_path / "empty.xlsx"
    wb = openpyxl.Workbook()
    wb.active["A1"] = "메모"
    wb.save(src)
    out = tmp_path / "out.hwpx"
    out.write_bytes(b"an older report")
    with pytest.raises(InputError, match="검토할 자료가 없습니다"):
        export_file(src, out)
    assert out.read_bytes() == b"an older report"
    assert [p.name for p in tmp_path.iterdir()] == sorted(["empty.xlsx", "out.hwpx"]) or set(
        p.name for p in tmp_path.iterdir()
    ) == {"empty.xlsx", "out.hwpx"}


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "xlbudget", "export", *args], capture_output=True, text=True
    )


def test_command_line(tmp_path: Path) -> None:
    """Exit 1 as ``review`` does when the check found errors (the seed has two), and says
    so; the charts it leaves out are named; the document is where it says."""
    src = tmp_path / "book.xlsm"
    src.write_bytes(BUNDLED_WORKBOOK.read_bytes())
    proc = _cli(str(src), "-q")
    assert proc.returncode == 1, proc.stderr
    out = tmp_path / "book.검토보고서.hwpx"
    assert f"저장: {out}" in proc.stdout
    assert "오류 2건" in proc.stdout
    assert "차트 2개는 문서에 넣지 않았습니다" in proc.stdout
    assert "개요, 사업별, 의견, 미집행, 붙임, 점검" in proc.stdout
    assert hwpx_reader.read(out).tables
    bad = _cli(str(tmp_path / "none.xlsx"))
    assert bad.returncode == 2 and "통합 문서 파일이 없습니다" in bad.stderr
    assert "Traceback" not in bad.stderr


def test_an_earlier_export_is_backed_up_not_lost(tmp_path: Path) -> None:
    """The officer may have written the 검토의견 into the last export in Hangul."""
    src = tmp_path / "book.xlsm"
    src.write_bytes(BUNDLED_WORKBOOK.read_bytes())
    out = tmp_path / "report.hwpx"
    out.write_bytes(b"written in Hangul")
    result = export_file(src, out)
    assert result.backup is not None and result.backup.read_bytes() == b"written in Hangul"
    assert result.backup.name.startswith("report.backup-") and result.backup.suffix == ".hwpx"
    assert out.read_bytes() != b"written in Hangul"


def test_the_output_name_and_the_format_agree(tmp_path: Path) -> None:
    src = tmp_path / "book.xlsm"
    src.write_bytes(BUNDLED_WORKBOOK.read_bytes())
    with pytest.raises(InputError, match=r"\.hwpx인데 --pdf"):
        export_file(src, tmp_path / "r.hwpx", "pdf")
    with pytest.raises(InputError, match="폴더가 없습니다"):
        export_file(src, tmp_path / "missing" / "r.hwpx")
    (tmp_path / "dir.hwpx").mkdir()
    with pytest.raises(InputError, match="폴더가 있습니다"):
        export_file(src, tmp_path / "dir.hwpx")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["book.xlsm", "dir.hwpx"]


def test_exporting_twice_gives_the_same_file(exported: Path, tmp_path: Path) -> None:
    src = tmp_path / "budget_review.xlsm"
    src.write_bytes(BUNDLED_WORKBOOK.read_bytes())
    again = export_file(src, tmp_path / "again.hwpx").output
    assert again.read_bytes() == exported.read_bytes()


def test_a_long_table_flows_over_pages_with_all_its_rows(exported: Path, read_back) -> None:
    """A table taller than a page may not be laid out as a character (Hangul cuts such a
    table at the paper's edge): it flows, and every row of it is in the document."""
    section = _section_xml(exported)
    tables = section.findall(".//{*}tbl")
    body = (297 - 20 - 15 - 30) * 7200 / 25.4
    tall = [t for t in tables if int(t.find("{*}sz").get("height")) > body]
    assert tall, "the seed has tables longer than a page (사업별·통계목별, 미집행)"
    for table in tall:
        assert table.find("{*}pos").get("treatAsChar") == "0"
    items = next(t for t in read_back.tables if any(c.text == "서울사이버안전센터 운영" for c in t))
    assert any(c.text == "자산취득비" for c in items)  # the last rows are there


# ----------------------------------------------------------------------------------- PDF


@pytest.mark.libreoffice
def test_pdf_is_the_review_sheets_as_an_officer_prints_them(tmp_path: Path) -> None:
    """``--pdf``: LibreOffice prints the 검토_ sheets only — the same pages as printing the
    reviewed workbook with every other sheet hidden (the test helper's own way)."""
    src = tmp_path / "book.xlsm"
    src.write_bytes(BUNDLED_WORKBOOK.read_bytes())
    pdf = export_file(src, tmp_path / "report.pdf", "pdf").output
    assert pdf.read_bytes().startswith(b"%PDF")
    text = re.sub(r"\s+", "", pdf_text(pdf))
    assert "2021년도제2회스마트도시정책관소관추가경정예산안검토보고" in text
    assert "1,104억3천3백만원대비0.5%감액된수준" in text
    assert "〈미집행사업현황〉" not in text  # the 집행현황 input sheet's caption: not printed
    reviewed = review_file(src, tmp_path / "reviewed.xlsm").output
    sheets = [
        s
        for s in openpyxl.load_workbook(reviewed, read_only=True).sheetnames
        if s.startswith("검토_")
    ]
    with LibreOffice() as lo:
        expected = lo.render_pdf(reviewed, tmp_path / "expected", sheets=sheets)
    assert pdf_page_count(pdf) == pdf_page_count(expected)
    assert src.read_bytes() == BUNDLED_WORKBOOK.read_bytes()
