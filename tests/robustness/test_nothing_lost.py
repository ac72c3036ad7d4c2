"""Nothing lost: a failed save changes nothing; a good save keeps every part of the input.

Failures are injected where they really happen (the disk fills while the temp file is being
synced, the rename is refused because Excel holds the file); the assertions are on bytes.
"""

from __future__ import annotations

import errno
import hashlib
import io
import os
import zipfile
from collections import Counter
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.chart import BarChart, Reference
from openpyxl.comments import Comment
from openpyxl.drawing.image import Image
from openpyxl.styles import Font, PatternFill
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation

from tests.conftest import BUNDLED_WORKBOOK
from tests.robustness import builders as b
from xlbudget.adapters.xlsx import Package
from xlbudget.adapters.xlsx.safety import OutputError
from xlbudget.app.review import review_file
from xlbudget.cli import main
from xlbudget.cli.common import INTERNAL_ERROR
from xlbudget.core.schema import REVIEW_PREFIX

#: Parts the file writer edits (its own sheets, rules, names and styles); all others
#: must come out byte for byte.
EDITED = (
    "[Content_Types].xml",
    "xl/workbook.xml",
    "xl/_rels/workbook.xml.rels",
    "xl/styles.xml",
    "docProps/app.xml",
)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


@pytest.fixture
def bundled(tmp_path: Path) -> tuple[Path, Path]:
    """A copy of the bundled workbook and an earlier output beside it."""
    src = tmp_path / "budget.xlsm"
    src.write_bytes(BUNDLED_WORKBOOK.read_bytes())
    earlier = tmp_path / "budget.review.xlsm"
    earlier.write_bytes(b"earlier review output")
    return src, earlier


def failed_run(src: Path, capsys: pytest.CaptureFixture[str], *words: str) -> str:
    before = {p: digest(p) for p in src.parent.iterdir()}
    capsys.readouterr()
    assert main(["review", str(src), "-q"]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and INTERNAL_ERROR not in err, err
    for word in words:
        assert word in err, err
    after = {p: digest(p) for p in src.parent.iterdir()}
    assert after == before  # same files, same bytes: no temp file left, nothing half-written
    return err


def test_disk_full_while_syncing_the_temp_file(
    bundled: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    src, earlier = bundled

    def full(_fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    failed_run(src, capsys, "디스크 공간이 부족합니다", earlier.name, "바뀌지 않았습니다")


class _HalfWriter:
    """A file whose disk fills up halfway through the first big write."""

    def __init__(self, fh: Any) -> None:
        self.fh = fh

    def write(self, data: bytes) -> int:
        self.fh.write(data[: len(data) // 2])
        self.fh.flush()
        raise OSError(errno.ENOSPC, "No space left on device")

    def __getattr__(self, name: str) -> Any:
        return getattr(self.fh, name)

    def __enter__(self) -> _HalfWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.fh.close()


def test_disk_full_halfway_through_the_temp_file(
    bundled: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    src, earlier = bundled
    real = os.fdopen
    monkeypatch.setattr(os, "fdopen", lambda *a, **k: _HalfWriter(real(*a, **k)))
    failed_run(src, capsys, "디스크 공간이 부족합니다", earlier.name)


def test_a_full_disk_is_an_output_error(
    bundled: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    src, _earlier = bundled
    before = {p: digest(p) for p in src.parent.iterdir()}
    real = os.fdopen
    monkeypatch.setattr(os, "fdopen", lambda *a, **k: _HalfWriter(real(*a, **k)))
    with pytest.raises(OutputError, match="디스크 공간"):
        review_file(src)
    assert {p: digest(p) for p in src.parent.iterdir()} == before


def test_rename_refused_because_the_output_is_open_in_excel(
    bundled: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    src, earlier = bundled

    def locked(a: Any, b_: Any) -> None:
        raise PermissionError(errno.EACCES, "The process cannot access the file", str(b_))

    monkeypatch.setattr(os, "replace", locked)
    failed_run(src, capsys, "다른 프로그램", earlier.name)


# ----------------------------------------------------------------------------- parts kept


def cells(ws: Any) -> dict[str, tuple[Any, ...]]:
    """Value (formula text for formulas), type, number format, bold, fill and border per cell."""
    out = {}
    for row in ws.iter_rows():
        for c in row:
            if c.value is None and not c.has_style:
                continue
            out[c.coordinate] = (
                c.value,
                c.data_type,
                c.number_format,
                c.font.b,
                c.fill.fgColor.rgb,
                c.border.left.style,
                c.alignment.horizontal,
                c.comment.text if c.comment else None,
            )
    return out


def validations(ws: Any) -> list[tuple[str, str, str | None]]:
    return sorted((str(v.sqref), v.type, v.formula1) for v in ws.data_validations.dataValidation)


def user_rules(ws: Any) -> list[tuple[str, str]]:
    return sorted(
        (str(cf.sqref), str(r.formula))
        for cf in ws.conditional_formatting
        for r in cf.rules
        if not any("xb_" in f for f in r.formula or [])
    )


def assert_kept(src: Path, out: Path, rule_sheets: tuple[str, ...] = ()) -> None:
    """Every input part is in the output; every input sheet keeps its cells and rules.

    Every part the writer does not edit is byte-identical, and of the sheets only those
    carrying xlbudget's rules (``rule_sheets``) may differ at all.
    """
    with zipfile.ZipFile(src) as a, zipfile.ZipFile(out) as o:
        missing = set(a.namelist()) - set(o.namelist())
        assert missing <= {"docProps/app.xml"}, missing
        rule_parts = {
            part for name, part in Package.open(src).sheet_parts().items() if name in rule_sheets
        }
        changed = [
            n for n in a.namelist() if n not in (*EDITED, *rule_parts) and a.read(n) != o.read(n)
        ]
        assert not changed, changed
        for name in a.namelist():
            if name.startswith(("xl/media/", "customUI/")) or name == "xl/vbaProject.bin":
                assert a.read(name) == o.read(name), name
        kinds = Counter(n.rsplit("/", 1)[0] for n in o.namelist())
        for folder, count in Counter(n.rsplit("/", 1)[0] for n in a.namelist()).items():
            assert kinds[folder] >= count, folder
    tables_in = {(t.name, t.sheet, t.ref) for t in Package.open(src).tables()}
    assert tables_in <= {(t.name, t.sheet, t.ref) for t in Package.open(out).tables()}
    before = openpyxl.load_workbook(src)
    after = openpyxl.load_workbook(out)
    for name in before.sheetnames:
        assert not name.startswith(REVIEW_PREFIX)
        ws_in, ws_out = before[name], after[name]
        assert cells(ws_in) == cells(ws_out), name
        assert sorted(map(str, ws_in.merged_cells.ranges)) == sorted(
            map(str, ws_out.merged_cells.ranges)
        )
        assert validations(ws_in) == validations(ws_out), name
        assert user_rules(ws_in) == user_rules(ws_out), name
        assert len(ws_in._images) == len(ws_out._images)
        assert len(ws_in._charts) == len(ws_out._charts)
    for key, name in before.defined_names.items():
        assert after.defined_names[key].attr_text == name.attr_text


def test_bundled_workbook_keeps_every_part(tmp_path: Path) -> None:
    src = tmp_path / "budget.xlsm"
    src.write_bytes(BUNDLED_WORKBOOK.read_bytes())
    out = review_file(src).output
    assert_kept(src, out, ("집행현황",))


def rich_workbook(path: Path) -> Path:
    """A 집행현황 table beside an image, a chart, a validation, a name, styles and a note."""
    from PIL import Image as PILImage

    b.execution_workbook(path)
    wb = openpyxl.load_workbook(path)
    ws = wb.create_sheet("자료")
    ws.append(["항목", "금액"])
    for i in range(1, 6):
        ws.append([f"항목{i}", i * 1000])
    ws["C1"] = "=SUM(B2:B6)"
    ws["A1"].font = Font(bold=True)
    ws["B2"].fill = PatternFill("solid", fgColor="FFF2CC")
    ws["B2"].number_format = "#,##0"
    ws["A8"] = "병합"
    ws.merge_cells("A8:C8")
    ws["A2"].comment = Comment("검토자 메모", "담당")
    chart = BarChart()
    chart.add_data(Reference(ws, min_col=2, min_row=1, max_row=6), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=2, max_row=6))
    ws.add_chart(chart, "E2")
    picture = io.BytesIO()
    PILImage.new("RGB", (8, 8), (200, 30, 30)).save(picture, format="PNG")
    ws.add_image(Image(picture), "E20")
    dv = DataValidation(type="list", formula1='"예,아니오"', allow_blank=True)
    ws.add_data_validation(dv)
    dv.add("D2:D6")
    wb.defined_names["자료_합계"] = DefinedName("자료_합계", attr_text="자료!$C$1")
    wb.save(path)
    return path


def test_rich_workbook_keeps_image_chart_validation_name(tmp_path: Path) -> None:
    src = rich_workbook(tmp_path / "rich.xlsx")
    out = review_file(src).output
    assert_kept(src, out, ("집행현황",))
    with zipfile.ZipFile(src) as a, zipfile.ZipFile(out) as o:
        media = [n for n in a.namelist() if n.startswith("xl/media/")]
        assert media and all(a.read(n) == o.read(n) for n in media)
    ws = openpyxl.load_workbook(out)["자료"]
    assert ws["A2"].comment.text == "검토자 메모" and ws["C1"].value == "=SUM(B2:B6)"


XDR = b"http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"


def test_shape_in_drawing_comes_out_byte_for_byte(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A shape (which openpyxl would drop on re-saving) survives: its drawing is not touched."""
    rich = rich_workbook(tmp_path / "base.xlsx")
    src = tmp_path / "shape.xlsx"
    shape = (
        b"<xdr:twoCellAnchor><xdr:from><xdr:col>1</xdr:col><xdr:colOff>0</xdr:colOff>"
        b"<xdr:row>1</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:from><xdr:to><xdr:col>3</xdr:col>"
        b"<xdr:colOff>0</xdr:colOff><xdr:row>3</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:to>"
        b'<xdr:sp macro="" textlink=""><xdr:nvSpPr><xdr:cNvPr id="9" name="Memo Box"/>'
        b"<xdr:cNvSpPr/></xdr:nvSpPr><xdr:spPr/></xdr:sp><xdr:clientData/></xdr:twoCellAnchor>"
    )
    with zipfile.ZipFile(rich) as a, zipfile.ZipFile(src, "w", zipfile.ZIP_DEFLATED) as o:
        for info in a.infolist():
            data = a.read(info)
            if info.filename.startswith("xl/drawings/drawing"):
                # openpyxl writes the drawing in the default namespace; declare xdr for the
                # shape, as Excel's own drawings do.
                data = data.replace(b"<wsDr ", b'<wsDr xmlns:xdr="' + XDR + b'" ', 1)
                data = data.replace(b"</wsDr>", shape + b"</wsDr>")
            o.writestr(info.filename, data)
    before = digest(src)
    out = review_file(src).output
    assert digest(src) == before
    with zipfile.ZipFile(src) as a, zipfile.ZipFile(out) as o:
        drawings = [n for n in a.namelist() if n.startswith("xl/drawings/drawing")]
        assert drawings and all(a.read(n) == o.read(n) for n in drawings)
        assert any(b"<xdr:sp " in o.read(n) for n in drawings)
    assert main(["check", str(src), "-q"]) in (0, 1)  # reading alone loses nothing
    capsys.readouterr()


@pytest.mark.parametrize(
    ("part", "label"),
    [
        ("xl/threadedComments/threadedComment1.xml", "스레드 메모"),
        ("xl/ctrlProps/ctrlProp1.xml", "양식 컨트롤"),
        ("xl/slicers/slicer1.xml", "슬라이서"),
    ],
)
def test_parts_openpyxl_would_drop_are_kept(tmp_path: Path, part: str, label: str) -> None:
    """Threaded comments, form controls, slicers … (openpyxl drops them) come out as they were."""
    src = b.execution_workbook(tmp_path / "parts.xlsx")
    with zipfile.ZipFile(src, "a") as archive:
        archive.writestr(part, b'<?xml version="1.0"?><x xmlns="urn:x"/>')
    out = review_file(src).output
    with zipfile.ZipFile(src) as a, zipfile.ZipFile(out) as o:
        assert a.read(part) == o.read(part)
