"""Tests of the LibreOffice harness itself (tests/support/libreoffice.py).

Every expected value is computed here, independently of LibreOffice: sums in Python, rates
with Decimal ROUND_HALF_UP (Excel's and Calc's ROUND), the △ text by hand.  soffice starts
cost seconds, so the workbooks are built once per module and converted in batches.
"""

from __future__ import annotations

import io
import re
import struct
import subprocess
import zipfile
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import openpyxl
import pytest
from openpyxl.workbook.defined_name import DefinedName

from tests.support.libreoffice import (
    LibreOffice,
    LibreOfficeError,
    LibreOfficeNotFound,
    hide_other_sheets,
    ods_basic_modules,
    pdf_text,
    pdf_to_png,
)

pytestmark = pytest.mark.libreoffice

SHEET = "검토_개요"
OTHER = "Other시트"
TRI_FORMAT = '#,##0;"△"#,##0'
# (기준액, 신청액): half-up boundaries of ROUND(...,1) in both signs, and plain cases.
CASES = [
    (10000, 10045),  # +0.45 % → 0.5
    (10000, 9955),  # -0.45 % → -0.5 (half away from zero)
    (10000, 10125),  # +1.25 % → 1.3
    (20000, 20049),  # +0.245 % → 0.2
    (3000, 4419),  # +47.3 %
    (-3000, 5000),  # negative base, shown with △
    (1000, 1000),  # no change
]
FILLER_ROWS = 90  # makes the sheet longer than one A4 page
STALE = 999


def _rate(base: int, new: int) -> float:
    exact = (Decimal(new) - Decimal(base)) / Decimal(base) * 100
    return float(exact.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def _tri(value: int) -> str:
    return f"△{-value:,}" if value < 0 else f"{value:,}"


def _review_book(path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = SHEET
    ws.append(["기준액", "신청액", "합계", "증감율", "표시", "기준의2배", "없는함수"])
    for r, (base, new) in enumerate(CASES, start=2):
        ws.append(
            [
                base,
                new,
                f"=A{r}+B{r}",
                f"=ROUND((B{r}-A{r})/A{r}*100,1)",
                f'=TEXT(A{r},"#,##0;""△""#,##0")',
                "=기준액*2",
                "=XB_NO_SUCH_FUNCTION(1)",
            ]
        )
        ws[f"A{r}"].number_format = TRI_FORMAT
    for i in range(FILLER_ROWS):
        ws.append([f"채움{i + 1}"])
    ws.append(["마지막줄"])
    wb.defined_names["기준액"] = DefinedName("기준액", attr_text=f"'{SHEET}'!$A$2")
    other = wb.create_sheet(OTHER)
    other["A1"] = "다른 시트 내용"
    other["A2"] = f"='{SHEET}'!C2*10"
    wb.save(path)


def _stale_book(path: Path) -> None:
    """``=A1+B1`` whose cached value is a wrong 999 (openpyxl writes none: patch the XML)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"], ws["B1"], ws["C1"] = 7, 8, "=A1+B1"
    buf = io.BytesIO()
    wb.save(buf)
    with zipfile.ZipFile(buf) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data, n = re.subn(
                    rb"(<f>A1\+B1</f>)(?:<v\s*/>|<v></v>)", rb"\1<v>%d</v>" % STALE, data
                )
                assert n == 1, "openpyxl's cell XML changed; adapt the patch"
            zout.writestr(info, data)


def _macro_book(path: Path) -> None:
    """An .xlsm carrying a standard module, written with the project's VBA writer."""
    from xlbudget.workbook import vba

    source = (
        'Attribute VB_Name = "Module1"\nFunction XB_PING(x)\n    XB_PING = x * 2\nEnd Function\n'
    )
    project = vba.build_vba_project([vba.VbaModule("Module1", "standard", source)])
    buf = io.BytesIO()
    openpyxl.Workbook().save(buf)
    with zipfile.ZipFile(buf) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "[Content_Types].xml":
                data = data.replace(
                    b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                    b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
                )
                data = data.replace(
                    b"<Default ",
                    b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>'
                    b"<Default ",
                    1,
                )
            elif info.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(
                    b"</Relationships>",
                    b'<Relationship Id="rIdVba" Type="http://schemas.microsoft.com/office/2006/'
                    b'relationships/vbaProject" Target="vbaProject.bin"/></Relationships>',
                )
            zout.writestr(info, data)
        zout.writestr("xl/vbaProject.bin", project)


@pytest.fixture(scope="module")
def lo(soffice: str):
    with LibreOffice(soffice) as office:
        yield office


@pytest.fixture(scope="module")
def books(tmp_path_factory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("lo_books")
    paths = {"review": d / "review.xlsx", "stale": d / "stale.xlsx"}
    _review_book(paths["review"])
    _stale_book(paths["stale"])
    return paths


@pytest.fixture(scope="module")
def originals(books: dict[str, Path]) -> dict[str, bytes]:
    """The bytes as written, taken before any conversion (the fixtures below depend on it)."""
    return {key: path.read_bytes() for key, path in books.items()}


@pytest.fixture(scope="module")
def values(lo: LibreOffice, books: dict[str, Path], originals):
    """Both workbooks recalculated by ONE soffice start."""
    return lo.recalculated_many([books["review"], books["stale"]])


@pytest.fixture(scope="module")
def review_pdf(lo: LibreOffice, books: dict[str, Path], originals, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("lo_pdf")
    return lo.render_pdf(books["review"], out, sheets=[SHEET], single_page_sheets=True)


# -- recalculation -----------------------------------------------------------------------------
def test_sheets_keep_their_korean_names(values, books):
    assert list(values[books["review"].resolve()]) == [SHEET, OTHER]


def test_sums_and_half_up_rates_as_libreoffice_computes_them(values, books):
    rows = values[books["review"].resolve()][SHEET]
    for (base, new), row in zip(CASES, rows[1:], strict=False):
        assert row[0] == base and row[1] == new
        assert row[2] == base + new
        assert row[3] == pytest.approx(_rate(base, new), abs=1e-9), (base, new, row[3])
    assert rows[1][3] == 0.5 and rows[2][3] == -0.5  # the two half-up boundaries


def test_custom_number_format_gives_triangle_text(values, books):
    rows = values[books["review"].resolve()][SHEET]
    for (base, _), row in zip(CASES, rows[1:], strict=False):
        assert row[4] == _tri(base)
    assert rows[6][4] == "△3,000"


def test_defined_name_and_cross_sheet_reference(values, books):
    book = values[books["review"].resolve()]
    first_base, first_new = CASES[0]
    assert all(row[5] == first_base * 2 for row in book[SHEET][1 : 1 + len(CASES)])
    assert book[OTHER][1][0] == (first_base + first_new) * 10


def test_unknown_function_is_the_error_libreoffice_shows(values, books):
    rows = values[books["review"].resolve()][SHEET]
    assert {row[6] for row in rows[1 : 1 + len(CASES)]} == {"#NAME?"}


def test_stale_cached_value_is_replaced_by_recalculation(values, books):
    on_disk = openpyxl.load_workbook(books["stale"], data_only=True).active["C1"].value
    assert on_disk == STALE  # the file really carries the wrong cached value
    assert values[books["stale"].resolve()]["Sheet"][0] == [7, 8, 15]


def test_recalc_always_is_written_to_the_private_profile(lo):
    xcu = (lo.profile_dir / "user" / "registrymodifications.xcu").read_text(encoding="utf-8")
    for prop in ("OOXMLRecalcMode", "ODFRecalcMode"):
        assert re.search(rf'name="{prop}"[^<]*><value>0</value>', xcu), prop


def test_inputs_are_not_modified(values, review_pdf, books, originals):
    for key, path in books.items():
        assert path.read_bytes() == originals[key], key


# -- rendering ---------------------------------------------------------------------------------
def test_pdf_shows_only_the_selected_sheet_on_one_page(review_pdf):
    assert review_pdf.suffix == ".pdf" and review_pdf.stat().st_size > 1000
    assert review_pdf.read_bytes().startswith(b"%PDF-")
    text = pdf_text(review_pdf)
    assert "기준액" in text and "마지막줄" in text  # Hangul text and the sheet's last row
    assert "△3,000" in text  # the custom number format as displayed
    assert "다른 시트 내용" not in text  # the other sheet was hidden
    info = subprocess.run(["pdfinfo", str(review_pdf)], capture_output=True, text=True)
    assert re.search(r"^Pages:\s+1$", info.stdout, re.M), info.stdout


def test_pdf_of_another_sheet_with_its_page_setup(lo, books, tmp_path):
    pdf = lo.render_pdf(books["review"], tmp_path, sheets=[OTHER])
    text = pdf_text(pdf)
    assert "다른 시트 내용" in text
    assert (
        f"{(CASES[0][0] + CASES[0][1]) * 10:,}" in text
        or str((CASES[0][0] + CASES[0][1]) * 10) in text
    )
    assert "기준액" not in text and "마지막줄" not in text


def test_pdf_embeds_a_korean_font(review_pdf):
    fonts = subprocess.run(["pdffonts", str(review_pdf)], capture_output=True, text=True).stdout
    assert re.search(r"Nanum|CJK|Gothic|Myeongjo|Batang|Gulim|Malgun|Baekmuk|Un", fonts), (
        "no Korean font embedded; install fonts-nanum\n" + fonts
    )


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    length, kind = struct.unpack(">I4s", data[8:16])
    assert kind == b"IHDR" and length == 13
    return struct.unpack(">II", data[16:24])


def test_png_is_a_real_image_of_the_page(review_pdf, tmp_path):
    info = subprocess.run(["pdfinfo", str(review_pdf)], capture_output=True, text=True).stdout
    w_pt, h_pt = map(float, re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info).groups())
    png = pdf_to_png(review_pdf, tmp_path / "sub" / "page.png", page=1, dpi=50)
    data = png.read_bytes()
    width, height = _png_size(data)
    assert data.endswith(b"IEND\xaeB`\x82")
    assert abs(width - w_pt * 50 / 72) <= 2 and abs(height - h_pt * 50 / 72) <= 2
    from PIL import Image

    with Image.open(png) as img:
        img.load()
        lo_, hi = img.convert("L").getextrema()
    assert lo_ < 100 and hi > 200  # dark text on a light page, not a blank image


def test_pdf_to_png_rejects_a_missing_page(review_pdf, tmp_path):
    with pytest.raises(LibreOfficeError, match="page 5"):
        pdf_to_png(review_pdf, tmp_path / "p5.png", page=5)
    assert not (tmp_path / "p5.png").exists()


def test_hide_other_sheets_names_unknown_sheets(books, tmp_path):
    with pytest.raises(ValueError, match=r"no sheet named 'Nope'.*검토_개요"):
        hide_other_sheets(books["review"], tmp_path / "x.xlsx", ["Nope"])
    copy = tmp_path / "y.xlsx"
    hide_other_sheets(books["review"], copy, [OTHER])
    wb = openpyxl.load_workbook(copy)
    assert [ws.sheet_state for ws in wb.worksheets] == ["hidden", "visible"]
    assert wb.active.title == OTHER


# -- VBA → Basic -------------------------------------------------------------------------------
def test_xlsm_vba_arrives_as_basic_module(lo, tmp_path):
    xlsm = tmp_path / "macro.xlsm"
    _macro_book(xlsm)
    ods = lo.convert(xlsm, "ods", tmp_path / "out")
    modules = ods_basic_modules(ods)
    assert "Module1" in modules
    assert "Function XB_PING(x)" in modules["Module1"]
    assert "XB_PING = x * 2" in modules["Module1"]


# -- failures ----------------------------------------------------------------------------------
def test_unloadable_file_raises_with_libreoffice_output(lo, tmp_path):
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"PK\x03\x04 this is not a workbook")
    with pytest.raises(LibreOfficeError, match=r"no pdf for bad\.xlsx[\s\S]*could not be loaded"):
        lo.convert(bad, "pdf", tmp_path / "out")


def test_missing_input_and_overwrite_are_refused_before_starting(lo, books, tmp_path):
    with pytest.raises(FileNotFoundError, match=r"nope\.xlsx"):
        lo.convert(tmp_path / "nope.xlsx", "pdf", tmp_path)
    with pytest.raises(ValueError, match="overwrite the input"):
        lo.convert(books["review"], "xlsx", books["review"].parent)


def test_missing_soffice_is_a_clear_error():
    with pytest.raises(LibreOfficeNotFound, match="apt-get install libreoffice-calc"):
        LibreOffice("/nonexistent/soffice")


def _processes_mentioning(text: str) -> list[int]:
    """Live (non-zombie) processes whose command line contains ``text``."""
    found = []
    for proc in Path("/proc").iterdir():
        try:
            if text.encode() in (proc / "cmdline").read_bytes():
                found.append(int(proc.name))
        except (OSError, ValueError):
            continue
    return found


def test_timeout_kills_soffice(soffice, books, tmp_path):
    with LibreOffice(soffice, timeout=0.5) as office:
        with pytest.raises(LibreOfficeError, match=r"timed out after 0\.5 s"):
            office.convert(books["review"], "pdf", tmp_path)
        assert _processes_mentioning(str(office.profile_dir)) == []
    assert not list(tmp_path.glob("*.pdf"))
