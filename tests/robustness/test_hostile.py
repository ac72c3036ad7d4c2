"""Hostile and damaged files are refused quickly, before any parser sees them, with exit 2.

Each file is a real file on disk.  "Before any parser" is observed, not assumed: openpyxl's
and calamine's entry points are replaced by tripwires, and zipfile's reads are counted, so a
refused zip bomb is known to be refused without being inflated.
"""

from __future__ import annotations

import subprocess
import sys
import warnings
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
import python_calamine
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import BUNDLED_WORKBOOK, REPO
from tests.robustness import builders as b
from xlbudget.app.review import review_file
from xlbudget.cli import main
from xlbudget.cli.common import INTERNAL_ERROR
from xlbudget.core.errors import InputError, UnsafeFileError

XML_PARTS = [
    "xl/workbook.xml",
    "xl/worksheets/sheet1.xml",
    "xl/sharedStrings.xml",
    "xl/tables/table1.xml",
    "[Content_Types].xml",
    "xl/_rels/workbook.xml.rels",
]
ENTITIES = {"laughs": (b.LAUGHS_DTD, b"&lol9;"), "xxe": (b.XXE_DTD, b"&xxe;")}


@pytest.fixture
def tripwires(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """Fail if openpyxl or calamine is asked to parse; count the bytes zipfile inflates."""
    seen = {"inflated": 0}

    def tripwire(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("a parser was reached for a file that should have been refused")

    monkeypatch.setattr("openpyxl.load_workbook", tripwire)
    monkeypatch.setattr(python_calamine.CalamineWorkbook, "from_path", tripwire)
    real_read = zipfile.ZipExtFile.read

    def counting_read(self: zipfile.ZipExtFile, n: int = -1) -> bytes:
        data = real_read(self, n)
        seen["inflated"] += len(data)
        return data

    monkeypatch.setattr(zipfile.ZipExtFile, "read", counting_read)
    return seen


def refused(path: Path, capsys: pytest.CaptureFixture[str], *words: str) -> str:
    """Run the file pipeline and the CLI on ``path``: both refuse, naming the file and ``words``."""
    for steps, write in ((("check",), False), (("check", "mark", "fill"), True)):
        with pytest.raises(InputError) as info:
            review_file(path, steps=steps, write=write)
        message = str(info.value)
        assert path.name in message
        for word in words:
            assert word in message, message
    capsys.readouterr()
    assert main(["review", str(path), "-q"]) == 2
    err = capsys.readouterr().err
    assert path.name in err and "Traceback" not in err and INTERNAL_ERROR not in err
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]  # nothing written
    return message


# ----------------------------------------------------------------------------- XML


def test_parsers_themselves_do_not_expand_entities(tmp_path: Path) -> None:
    """Why the DTD check is belt and braces: openpyxl uses defusedxml, calamine refuses."""
    assert openpyxl.DEFUSEDXML is True
    parts = b.raw_package()
    parts["xl/sharedStrings.xml"] = b.with_dtd(parts["xl/sharedStrings.xml"], *ENTITIES["laughs"])
    path = b.write_zip(parts, tmp_path / "laughs.xlsx")
    with pytest.raises(Exception, match="strings"):
        openpyxl.load_workbook(path)
    with pytest.raises(python_calamine.XmlError, match="unrecognized entity"):
        python_calamine.CalamineWorkbook.from_path(str(path))
    # calamine ignores a DTD in parts it reads only for names: the workbook would open with
    # values that silently differ from Excel's; xlbudget refuses the file instead.
    parts = b.raw_package()
    parts["xl/workbook.xml"] = b.with_dtd(parts["xl/workbook.xml"], *ENTITIES["laughs"])
    path = b.write_zip(parts, tmp_path / "laughs_wb.xlsx")
    rows = python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_name("집행현황")
    assert max(len(str(v)) for row in rows.to_python() for v in row) < 100


@pytest.mark.parametrize("part", XML_PARTS)
@pytest.mark.parametrize("kind", sorted(ENTITIES))
def test_dtd_in_any_part_is_refused(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    tripwires: dict[str, int],
    part: str,
    kind: str,
) -> None:
    parts = b.raw_package()
    parts[part] = b.with_dtd(parts[part], *ENTITIES[kind])
    path = b.write_zip(parts, tmp_path / f"{kind}.xlsx")
    message = refused(path, capsys, part, "DTD")
    assert "hostname" not in message


def test_dtd_in_utf16_part_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], tripwires: dict[str, int]
) -> None:
    parts = b.raw_package()
    text = b.with_dtd(parts["xl/sharedStrings.xml"], *ENTITIES["laughs"]).decode("utf-8")
    text = text.replace('encoding="UTF-8"', 'encoding="UTF-16"')
    parts["xl/sharedStrings.xml"] = text.encode("utf-16")
    refused(b.write_zip(parts, tmp_path / "utf16.xlsx"), capsys, "DTD")


def test_malformed_xml_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], tripwires: dict[str, int]
) -> None:
    parts = b.raw_package()
    parts["xl/workbook.xml"] = parts["xl/workbook.xml"].replace(b"</sheets>", b"</sheet>")
    refused(b.write_zip(parts, tmp_path / "broken.xlsx"), capsys, "xl/workbook.xml", "XML")


# ----------------------------------------------------------------------------- zip


def test_ratio_bomb_refused_without_inflating(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], tripwires: dict[str, int]
) -> None:
    path = b.ratio_bomb(tmp_path / "bomb.xlsx")
    refused(path, capsys, "zip bomb")
    assert tripwires["inflated"] == 0


def test_lying_sizes_refused_after_declared_bytes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], tripwires: dict[str, int]
) -> None:
    """A part that declares 1,000 bytes but inflates to 40 MB: read stops at 1,000, CRC fails."""
    path = b.lying_size_zip(tmp_path / "liar.xlsx")
    refused(path, capsys, "xl/sharedStrings.xml", "손상")
    assert tripwires["inflated"] < 5_000_000  # every part once per run, each ≤ its declared size


def test_far_cell_would_abort_calamine_so_it_is_refused(tmp_path: Path) -> None:
    """One value in XFD1048576 makes calamine allocate 17 billion cells and abort the process.

    Run in a child process: if the guard ever fails, the child dies, not the test session.
    """
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "메모"
    ws["A1"] = "처음"
    ws["XFD1048576"] = 1
    path = tmp_path / "far.xlsx"
    wb.save(path)
    run = subprocess.run(
        [
            sys.executable,
            "-c",
            f"import sys; from xlbudget.cli import main; sys.exit(main(['check', {str(path)!r}]))",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 2, run.stderr
    assert "'메모'" in run.stderr and "XFD1048576" in run.stderr and "far.xlsx" in run.stderr


def test_cells_without_addresses_count_toward_the_grid(tmp_path: Path) -> None:
    from xlbudget.adapters.xlsx.safety import sheet_extent

    placed = b'<sheetData><row r="3"><c r="B3"><v>1</v></c><c r="D3" s="1"/></row></sheetData>'
    assert sheet_extent(placed) == (3, 2)  # D3 holds nothing: formatting only
    counted = b"<sheetData><row><c><v>1</v></c><c><v>2</v></c></row><row><c><v>3</v></c></row>"
    rows, cols = sheet_extent(counted + b"</sheetData>")
    assert rows >= 2 and cols >= 2
    prefixed = b'<x:sheetData><x:row r="2"><x:c r="C2"><x:v>1</x:v></x:c></x:row></x:sheetData>'
    assert sheet_extent(prefixed) == (2, 3)
    after = b'<sheetData><row r="5"><c r="A5"><v>1</v></c><c><v>1</v></c></row></sheetData>'
    rows, cols = sheet_extent(after)
    assert rows >= 5 and cols >= 2


_CELL = st.tuples(
    st.sampled_from(["A", "b", "H", "Z", "AB", "xfd"]),  # the letters, any case
    st.sampled_from(["1", "3", "9", "10", "0012", "100004"]),  # the digits, leading zeros too
    st.sampled_from(["valued", "empty", "formatted", "rich"]),
)


def _sheet(cells: list[tuple[str, str, str]], addressed: bool) -> bytes:
    body = {
        "valued": "><v>1</v></c>",
        "empty": "></c>",  # not self-closing: counted as holding something, as calamine does
        "formatted": ' s="1"/>',
        "rich": ' t="inlineStr"><is><r><rPr><color rgb="FF0000"/></rPr><t>x</t></r></is></c>',
    }
    out = [f'<c r="{c}{r}"' + body[k] if addressed else "<c" + body[k] for c, r, k in cells]
    return (
        "<worksheet><cols><col min='1'/></cols><sheetData><row>"
        + "".join(out)
        + "</row></sheetData></worksheet>"
    ).encode()


@given(st.lists(_CELL, max_size=12), st.booleans())
def test_the_fast_extent_is_the_exact_one(
    cells: list[tuple[str, str, str]], addressed: bool
) -> None:
    """The fast scan of the usual markup agrees with the exact pattern, whatever the cells:
    formatting-only ones at the extremes, cells placed by counting, rich-text runs."""
    from xlbudget.adapters.xlsx.safety import exact_extent, sheet_extent

    data = _sheet(cells, addressed)
    assert sheet_extent(data) == exact_extent(data)


def _copy_with(path: Path, edit: Callable[[zipfile.ZipFile, zipfile.ZipFile], None]) -> Path:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # duplicate names are the point of one case
        with zipfile.ZipFile(BUNDLED_WORKBOOK) as src, zipfile.ZipFile(path, "w") as dst:
            edit(src, dst)
    return path


def _all_then(extra: Callable[[zipfile.ZipFile], None], compress: int = zipfile.ZIP_DEFLATED):
    def edit(src: zipfile.ZipFile, dst: zipfile.ZipFile) -> None:
        for info in src.infolist():
            dst.writestr(info.filename, src.read(info), compress_type=compress)
        extra(dst)

    return edit


def _flip_member_bytes(path: Path) -> Path:
    data = bytearray(BUNDLED_WORKBOOK.read_bytes())
    with zipfile.ZipFile(BUNDLED_WORKBOOK) as archive:
        info = archive.getinfo("xl/worksheets/sheet5.xml")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for i in range(start + 100, start + 140):
        data[i] ^= 0x5A
    path.write_bytes(bytes(data))
    return path


def _encrypted_member(path: Path) -> Path:
    data = bytearray(BUNDLED_WORKBOOK.read_bytes())
    pos = data.find(b"PK\x01\x02")  # first central-directory entry: set "encrypted"
    data[pos + 8] |= 0x01
    path.write_bytes(bytes(data))
    return path


HOSTILE: dict[str, tuple[Callable[[Path], Path], tuple[str, ...]]] = {
    "encrypted.xlsx": (b.encrypted_workbook, ("암호로 보호된 통합 문서",)),
    "old.xlsx": (
        lambda p: p.write_bytes(b.cfb({"Workbook": b"\x09\x08" + bytes(200)})) and p,
        (".xls",),
    ),
    "other_ole.xlsx": (lambda p: p.write_bytes(b.cfb({"Contents": bytes(100)})) and p, ("OLE",)),
    "text.xlsx": (
        lambda p: p.write_text("예산 자료입니다", encoding="utf-8") and p,
        ("엑셀 통합 문서(.xlsx/.xlsm)가 아닙니다",),
    ),
    "picture.xlsm": (
        lambda p: p.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64)) and p,
        ("zip 형식이 아님",),
    ),
    "export.xlsx": (
        lambda p: p.write_text("<html><table><tr><td>1</td></tr></table></html>") and p,
        ("HTML",),
    ),
    "empty.xlsx": (lambda p: p.write_bytes(b"") or p, ("빈 파일",)),
    "half.xlsm": (
        lambda p: p.write_bytes(BUNDLED_WORKBOOK.read_bytes()[:30_000]) and p,
        ("잘렸거나 손상",),
    ),
    "tail_cut.xlsm": (
        lambda p: p.write_bytes(BUNDLED_WORKBOOK.read_bytes()[:-10]) and p,
        ("잘렸거나 손상",),
    ),
    "flipped.xlsm": (_flip_member_bytes, ("xl/worksheets/sheet5.xml", "손상")),
    "encrypted_member.xlsm": (_encrypted_member, ("암호화",)),
    "binary.xlsx": (
        lambda p: b.write_zip(
            {"xl/workbook.bin": b"\x83\x01", "[Content_Types].xml": b"<Types/>"}, p
        ),
        (".xlsb",),
    ),
    "document.xlsx": (
        lambda p: b.write_zip({"word/document.xml": b"<w/>"}, p),
        ("xl/workbook.xml 없음",),
    ),
    "duplicate.xlsm": (
        lambda p: _copy_with(p, _all_then(lambda d: d.writestr("xl/workbook.xml", b"<workbook/>"))),
        ("두 번",),
    ),
    "traversal.xlsm": (
        lambda p: _copy_with(p, _all_then(lambda d: d.writestr("../../evil.xml", b"<x/>"))),
        ("잘못된 파트 이름",),
    ),
    "bzip2.xlsm": (
        lambda p: _copy_with(p, _all_then(lambda d: None, zipfile.ZIP_BZIP2)),
        ("압축 방식",),
    ),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_file_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], tripwires: dict[str, int], name: str
) -> None:
    make, words = HOSTILE[name]
    path = tmp_path / name
    make(path)
    refused(path, capsys, *words)
    assert tripwires["inflated"] < 2_000_000


def test_missing_and_directory_inputs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(tmp_path / "없음.xlsx")]) == 2
    assert "없음.xlsx" in capsys.readouterr().err
    folder = tmp_path / "폴더.xlsx"
    folder.mkdir()
    assert main(["check", str(folder)]) == 2
    err = capsys.readouterr().err
    assert "폴더" in err and "Traceback" not in err and INTERNAL_ERROR not in err


def test_control_characters_in_data_do_not_break_saving(tmp_path: Path) -> None:
    """``_x0001_`` decodes to a control character XML cannot hold; the review still saves."""
    rows = [[*b.EXEC_HEADERS, b.NOTE], *[[*r, b.NOTE] for r in b.EXEC_ROWS]]
    rows[3][1] = "데이터_x0001_분석"
    path = b.write_zip(b.raw_package(rows), tmp_path / "ctrl.xlsx")
    result = review_file(path)
    ws = openpyxl.load_workbook(result.output)["검토_미집행"]
    names = {c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)}
    assert "데이터분석" in names


def test_a_full_height_sheet_fits_the_limits_an_absurd_extent_does_not() -> None:
    """A city's sheet may use all 1,048,576 rows (16 columns of figures); one value in a far
    column of the last row is refused, naming the sheet and the cell to clear."""
    from xlbudget.adapters.xlsx.safety import check_grids

    part = "xl/worksheets/sheet1.xml"
    check_grids({part: (1_048_576, 16)}, {part: "집행현황"}, Path("city.xlsx"))
    with pytest.raises(UnsafeFileError, match=r"'집행현황'.*A1:AZ1048576"):
        check_grids({part: (1_048_576, 52)}, {part: "집행현황"}, Path("city.xlsx"))
