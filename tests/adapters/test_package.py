"""The file adapter's package layer: vetted reading, lxml editing, atomic deterministic writing,
one backup policy, and the ribbon/VBA wiring with the content type each suffix needs."""

from __future__ import annotations

import io
import zipfile
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
from defusedxml.ElementTree import fromstring

from tests.support.parts import read_parts, write_parts
from xlbudget.adapters.xlsx import safety
from xlbudget.adapters.xlsx.package import (
    CT_VBA,
    CUSTOM_UI_PART,
    MAIN_TYPES,
    REL_CUSTOM_UI,
    REL_VBA,
    VBA_PART,
    WORKBOOK,
    Package,
    backup,
    to_bytes,
    write_atomic,
)
from xlbudget.app.review import review_file
from xlbudget.core.errors import InputError, OutputError, UnsafeFileError

REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
CT_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"


def _rels(data: bytes) -> list[tuple[str, str]]:
    return [
        (r.get("Type"), r.get("Target")) for r in fromstring(data).iter(f"{REL_NS}Relationship")
    ]


def _content_types(data: bytes) -> tuple[dict[str, str], dict[str, str]]:
    root = fromstring(data)
    defaults = {d.get("Extension"): d.get("ContentType") for d in root.iter(f"{CT_NS}Default")}
    overrides = {o.get("PartName"): o.get("ContentType") for o in root.iter(f"{CT_NS}Override")}
    return defaults, overrides


def _openpyxl_resave(path: Path) -> bytes:
    """The workbook as another program (openpyxl) saves it: the ribbon relationship is lost."""
    wb = openpyxl.load_workbook(path, keep_vba=True)
    wb["설정"]["B5"].value = 2022
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


# ------------------------------------------------------------------------------ reading
def test_open_reads_every_part_as_it_is(built_path: Path) -> None:
    package = Package.open(built_path)
    assert package.parts == read_parts(built_path)
    assert list(package.sheet_parts())[:2] == ["세입", "세출"]
    assert {t.name for t in package.tables()} >= {"tbl_execution", "tbl_settings"}


def test_a_zip_bomb_is_refused_before_inflating(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/worksheets/sheet1.xml", b"\0" * (8 * 1024 * 1024))
    with pytest.raises(UnsafeFileError, match="zip bomb"):
        Package.open(bomb)


def test_oversized_packages_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    big = tmp_path / "big.xlsx"
    with zipfile.ZipFile(big, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("a.bin", bytes(range(256)) * 64)
    monkeypatch.setattr(safety, "MAX_TOTAL_BYTES", 1000)  # the one limit (1 GiB in real use)
    with pytest.raises(UnsafeFileError, match="최대 0 MB"):
        Package.open(big)


@pytest.mark.parametrize("name", ["../evil.xml", "/abs.xml", "xl/../../x.xml"])
def test_unsafe_member_names_are_refused(tmp_path: Path, name: str) -> None:
    path = tmp_path / "evil.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(zipfile.ZipInfo(name), b"<x/>")
    with pytest.raises(UnsafeFileError, match="잘못된 파트 이름"):
        Package.open(path)


def test_a_file_that_is_not_a_zip_is_named(tmp_path: Path) -> None:
    path = tmp_path / "plain.xlsm"
    path.write_text("not a zip")
    with pytest.raises(UnsafeFileError, match=r"plain\.xlsm"):
        Package.open(path)


def test_a_doctype_is_refused_even_past_the_vetting(built_path: Path) -> None:
    package = Package(read_parts(built_path))
    package.parts[WORKBOOK] = b'<!DOCTYPE x [<!ENTITY a "b">]><workbook/>'
    with pytest.raises(InputError, match="DTD"):
        package.xml(WORKBOOK)


def test_parts_only_read_keep_their_bytes(built_path: Path) -> None:
    package = Package.open(built_path)
    original = dict(package.parts)
    package.tables()  # parses table parts and rels, edits nothing
    assert package.to_parts() == original
    package.edit("xl/styles.xml")
    assert package.to_parts()["xl/styles.xml"] != original["xl/styles.xml"]  # re-serialized


# ------------------------------------------------------------------------------ writing
def test_writing_is_deterministic_and_ordered(tmp_path: Path, built_path: Path) -> None:
    parts = read_parts(built_path)
    shuffled = dict(sorted(parts.items(), reverse=True))
    assert to_bytes(parts) == to_bytes(shuffled) == built_path.read_bytes()
    with zipfile.ZipFile(io.BytesIO(to_bytes(parts))) as zf:
        infos = zf.infolist()
    assert [i.filename for i in infos[:2]] == ["[Content_Types].xml", "_rels/.rels"]
    assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}


def test_writing_replaces_atomically(tmp_path: Path, built_path: Path) -> None:
    target = tmp_path / "out.xlsm"
    target.write_bytes(b"old")
    write_atomic(built_path.read_bytes(), target)
    assert target.read_bytes() == built_path.read_bytes()
    assert [p.name for p in tmp_path.iterdir()] == ["out.xlsm"]  # no temp file left behind


def test_a_failed_write_leaves_the_target_alone(tmp_path: Path) -> None:
    target = tmp_path / "out.xlsm"
    target.write_bytes(b"old")
    with pytest.raises(OutputError, match=r"out\.xlsm"):
        write_atomic(123, target)  # type: ignore[arg-type]
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.xlsm"]


def test_one_backup_policy_never_overwrites_an_earlier_backup(tmp_path: Path) -> None:
    book = tmp_path / "book.xlsm"
    book.write_bytes(b"v1")
    moment = datetime(2026, 12, 1, 9, 30, 0)
    first = backup(book, moment)
    book.write_bytes(b"v2")
    second = backup(book, moment)  # the same second: a new name, the first kept
    assert first.name == "book.backup-20261201-093000.xlsm"
    assert second.name == "book.backup-20261201-093000-2.xlsm"
    assert first.read_bytes() == b"v1" and second.read_bytes() == b"v2"


# -------------------------------------------------------------------------- ribbon and VBA
def test_openpyxl_drops_the_ribbon_relationship(built_path: Path) -> None:
    """Why finish() restores it: a workbook saved by another program may lack it."""
    resaved = read_parts(_openpyxl_resave(built_path))
    assert CUSTOM_UI_PART in resaved
    assert REL_CUSTOM_UI not in {t for t, _ in _rels(resaved["_rels/.rels"])}


def test_finish_restores_ribbon_and_vba(built_path: Path, tmp_path: Path) -> None:
    original = read_parts(built_path)
    fixed = Package.from_bytes(_openpyxl_resave(built_path), "x.xlsm").finish(".xlsm")
    assert (REL_CUSTOM_UI, CUSTOM_UI_PART) in _rels(fixed["_rels/.rels"])
    assert fixed[CUSTOM_UI_PART] == original[CUSTOM_UI_PART]
    assert fixed[VBA_PART] == original[VBA_PART]
    assert (REL_VBA, "vbaProject.bin") in _rels(fixed["xl/_rels/workbook.xml.rels"])
    defaults, overrides = _content_types(fixed["[Content_Types].xml"])
    assert defaults["bin"] == CT_VBA
    assert overrides["/xl/workbook.xml"] == MAIN_TYPES[".xlsm"]
    out = tmp_path / "resaved.xlsm"
    write_parts(fixed, out)
    assert openpyxl.load_workbook(out, keep_vba=True)["설정"]["B5"].value == 2022


def test_finish_is_idempotent(built_path: Path) -> None:
    parts = read_parts(built_path)
    assert Package(parts).finish(".xlsm") == parts  # the build already is complete
    once = Package.from_bytes(_openpyxl_resave(built_path), "x.xlsm").finish(".xlsm")
    assert Package(once).finish(".xlsm") == once
    assert _rels(once["_rels/.rels"]).count((REL_CUSTOM_UI, CUSTOM_UI_PART)) == 1


@pytest.mark.parametrize("suffix", [".xlsm", ".xltm"])
def test_the_main_content_type_follows_the_output_suffix(
    built_path: Path, tmp_path: Path, suffix: str
) -> None:
    """Regression (issue 9, #5): an .xltm input got the .xlsm main content type."""
    src = tmp_path / f"book{suffix}"
    src.write_bytes(built_path.read_bytes())
    out = review_file(src).output
    assert out is not None and out.suffix == suffix
    _, overrides = _content_types(read_parts(out)["[Content_Types].xml"])
    assert overrides["/xl/workbook.xml"] == MAIN_TYPES[suffix]
    assert openpyxl.load_workbook(out, keep_vba=True).template == (suffix == ".xltm")


def test_a_macro_free_output_carries_no_vba(built_path: Path) -> None:
    parts = Package(read_parts(built_path)).finish(".xlsx")
    assert VBA_PART not in parts
    assert REL_VBA not in {t for t, _ in _rels(parts["xl/_rels/workbook.xml.rels"])}
    assert (
        _content_types(parts["[Content_Types].xml"])[1]["/xl/workbook.xml"] == MAIN_TYPES[".xlsx"]
    )


def test_finish_refuses_a_non_workbook() -> None:
    with pytest.raises(InputError, match="통합 문서 패키지가 아닙니다"):
        Package({"a.xml": b"<a/>"}).finish(".xlsx")


def _zipfile_bytes(parts: dict[str, bytes]) -> bytes:
    """The archive as zipfile writes it, entry by entry in to_bytes' order."""
    lead = ["[Content_Types].xml", "_rels/.rels", "docProps/app.xml", "docProps/core.xml"]
    lead += ["xl/workbook.xml", "xl/_rels/workbook.xml.rels"]
    lead = [name for name in lead if name in parts]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in lead + sorted(set(parts) - set(lead)):
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            data = parts[name]
            archive.writestr(info, data, compresslevel=1 if len(data) > 1 << 20 else 6)
    return buffer.getvalue()


def test_the_archive_is_the_one_zipfile_writes(built_path: Path) -> None:
    """The zip records are written by hand (to copy deflated entries); they stay zipfile's,
    also for a big part (level 1) and a name that is not ASCII."""
    parts = read_parts(built_path)
    parts["xl/media/큰그림.bin"] = bytes(range(256)) * 8192  # 2 MB
    assert to_bytes(parts) == _zipfile_bytes(parts)


def test_unchanged_parts_are_copied_still_deflated(tmp_path: Path, built_path: Path) -> None:
    """A part xlbudget did not change keeps the source's compressed bytes (here deflated
    at level 9, which xlbudget never uses); a changed one is deflated again."""
    parts = read_parts(built_path)
    source = tmp_path / "level9.xlsm"
    with zipfile.ZipFile(source, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data, zipfile.ZIP_DEFLATED, compresslevel=9)
    package = Package.open(source)
    package.edit("xl/styles.xml")  # written again: not the source's bytes any more
    out = package.save(tmp_path / "out.xlsm")
    with zipfile.ZipFile(source) as before, zipfile.ZipFile(out) as after:
        assert {i.filename: after.read(i) for i in after.infolist()} == package.to_parts()
        sizes = {i.filename: i.compress_size for i in before.infolist()}
        copied = {i.filename for i in after.infolist() if i.compress_size == sizes[i.filename]}
        assert "xl/theme/theme1.xml" in copied and VBA_PART in copied
        assert "xl/styles.xml" not in copied


def test_a_part_given_in_pieces_is_written_whole(tmp_path: Path, built_path: Path) -> None:
    """Pieces (deflated on the second thread once they pass a megabyte) are the part."""
    package = Package(read_parts(built_path))
    big = [b"<x>%d</x>" % i * 20_000 for i in range(12)]
    package.set_bytes("xl/big.xml", iter(big))
    package.set_bytes("xl/small.xml", iter([b"<a/>", memoryview(b"<b/>")]))
    out = package.save(tmp_path / "out.xlsm")
    assert package.parts["xl/big.xml"] == b"".join(big)
    with zipfile.ZipFile(out) as archive:
        assert archive.testzip() is None
        assert archive.read("xl/big.xml") == b"".join(big)
        assert archive.read("xl/small.xml") == b"<a/><b/>"
    assert out.read_bytes() == _zipfile_bytes(read_parts(out))
