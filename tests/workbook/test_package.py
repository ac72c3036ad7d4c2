"""The zip-package helpers: safe reading, deterministic atomic writing, ribbon/VBA repair."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import openpyxl
import pytest
from defusedxml.ElementTree import fromstring

from xlbudget.workbook import package
from xlbudget.workbook.package import (
    CUSTOM_UI_PART,
    MACRO_MAIN_TYPE,
    REL_CUSTOM_UI,
    REL_VBA,
    VBA_PART,
    VBA_TYPE,
    PackageError,
    ensure_ribbon_and_vba,
    read_parts,
    write_parts,
)

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


def _openpyxl_resave(path: Path) -> dict[str, bytes]:
    wb = openpyxl.load_workbook(path, keep_vba=True)
    wb["설정"]["B5"].value = 2022  # a real edit, as the review pipeline makes
    buffer = io.BytesIO()
    wb.save(buffer)
    return read_parts(buffer.getvalue())


# ------------------------------------------------------------------------------ reading
def test_read_parts_returns_every_part(built_path: Path) -> None:
    parts = read_parts(built_path)
    with zipfile.ZipFile(built_path) as zf:
        assert sorted(parts) == sorted(zf.namelist())
        assert all(parts[n] == zf.read(n) for n in zf.namelist())


def test_read_parts_rejects_a_zip_bomb(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/worksheets/sheet1.xml", b"\0" * (8 * 1024 * 1024))
    with pytest.raises(PackageError, match="compression ratio"):
        read_parts(bomb)


def test_read_parts_rejects_oversized_packages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    big = tmp_path / "big.xlsx"
    with zipfile.ZipFile(big, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("a.bin", bytes(range(256)) * 64)
    monkeypatch.setattr(package, "MAX_TOTAL_BYTES", 1000)  # the real limit is 500 MB
    with pytest.raises(PackageError, match="exceeds 1000"):
        read_parts(big)


@pytest.mark.parametrize("name", ["../evil.xml", "/abs.xml", "xl/../../x.xml"])
def test_read_parts_rejects_unsafe_names(tmp_path: Path, name: str) -> None:
    path = tmp_path / "evil.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(zipfile.ZipInfo(name), b"<x/>")
    with pytest.raises(PackageError, match="unsafe"):
        read_parts(path)


def test_read_parts_rejects_non_zip(tmp_path: Path) -> None:
    path = tmp_path / "plain.xlsm"
    path.write_text("not a zip")
    with pytest.raises(PackageError, match=r"plain\.xlsm"):
        read_parts(path)


# ------------------------------------------------------------------------------ writing
def test_write_parts_is_deterministic_and_ordered(tmp_path: Path, built_path: Path) -> None:
    parts = read_parts(built_path)
    shuffled = dict(sorted(parts.items(), reverse=True))
    a, b = tmp_path / "a.xlsm", tmp_path / "b.xlsm"
    write_parts(parts, a)
    write_parts(shuffled, b)
    assert a.read_bytes() == b.read_bytes() == built_path.read_bytes()
    with zipfile.ZipFile(a) as zf:
        infos = zf.infolist()
    assert infos[0].filename == "[Content_Types].xml"
    assert infos[1].filename == "_rels/.rels"
    assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}


def test_write_parts_replaces_atomically(tmp_path: Path, built_path: Path) -> None:
    target = tmp_path / "out.xlsm"
    target.write_bytes(b"old")
    write_parts(read_parts(built_path), target)
    assert target.read_bytes() == built_path.read_bytes()
    assert [p.name for p in tmp_path.iterdir()] == ["out.xlsm"]  # no temp file left behind


def test_write_parts_leaves_the_target_alone_on_failure(tmp_path: Path) -> None:
    target = tmp_path / "out.xlsm"
    target.write_bytes(b"old")
    with pytest.raises(TypeError):
        write_parts({"a.xml": 123}, target)  # type: ignore[dict-item]
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.xlsm"]


# -------------------------------------------------------------------------- ribbon and VBA
def test_openpyxl_drops_the_ribbon_relationship(built_path: Path) -> None:
    """The reason ensure_ribbon_and_vba exists (fails if a future openpyxl keeps it)."""
    resaved = _openpyxl_resave(built_path)
    assert CUSTOM_UI_PART in resaved
    assert REL_CUSTOM_UI not in {t for t, _ in _rels(resaved["_rels/.rels"])}


def test_ensure_restores_ribbon_and_vba_after_openpyxl_save(
    built_path: Path, tmp_path: Path
) -> None:
    original = read_parts(built_path)
    fixed = ensure_ribbon_and_vba(_openpyxl_resave(built_path))
    assert (REL_CUSTOM_UI, CUSTOM_UI_PART) in _rels(fixed["_rels/.rels"])
    assert fixed[CUSTOM_UI_PART] == original[CUSTOM_UI_PART]
    assert fixed[VBA_PART] == original[VBA_PART]
    assert (REL_VBA, "vbaProject.bin") in _rels(fixed["xl/_rels/workbook.xml.rels"])
    defaults, overrides = _content_types(fixed["[Content_Types].xml"])
    assert defaults["bin"] == VBA_TYPE
    assert overrides["/xl/workbook.xml"] == MACRO_MAIN_TYPE
    out = tmp_path / "resaved.xlsm"
    write_parts(fixed, out)
    wb = openpyxl.load_workbook(out, keep_vba=True)
    assert wb["설정"]["B5"].value == 2022  # the edit survived, and the file still loads


def test_ensure_is_idempotent(built_path: Path) -> None:
    parts = read_parts(built_path)
    assert ensure_ribbon_and_vba(parts) == parts  # the build already is complete
    once = ensure_ribbon_and_vba(_openpyxl_resave(built_path))
    assert ensure_ribbon_and_vba(once) == once
    assert _rels(once["_rels/.rels"]).count((REL_CUSTOM_UI, CUSTOM_UI_PART)) == 1


def test_ensure_adds_content_types_when_missing(built_path: Path) -> None:
    parts = read_parts(built_path)
    parts["[Content_Types].xml"] = (
        b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        b'relationships+xml"/><Override PartName="/xl/workbook.xml" ContentType="application/'
        b'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>'
    )
    parts["xl/_rels/workbook.xml.rels"] = (
        b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        b'<Relationship Id="xbVbaProject" Type="urn:other" Target="x.xml"/></Relationships>'
    )
    fixed = ensure_ribbon_and_vba(parts)
    defaults, overrides = _content_types(fixed["[Content_Types].xml"])
    assert defaults["bin"] == VBA_TYPE
    assert overrides["/xl/workbook.xml"] == MACRO_MAIN_TYPE
    assert overrides[f"/{CUSTOM_UI_PART}"] == "application/xml"  # no xml Default to cover it
    rels = fromstring(fixed["xl/_rels/workbook.xml.rels"]).findall(f"{REL_NS}Relationship")
    assert len({r.get("Id") for r in rels}) == 2  # a free id was chosen, not a duplicate


def test_ensure_without_ribbon_or_vba_changes_nothing(built_path: Path) -> None:
    parts = read_parts(built_path)
    del parts[CUSTOM_UI_PART], parts[VBA_PART]
    parts["_rels/.rels"] = _openpyxl_resave(built_path)["_rels/.rels"]
    before = dict(parts)
    after = ensure_ribbon_and_vba(parts)
    assert after["_rels/.rels"] == before["_rels/.rels"]
    assert parts == before  # the input mapping is not modified


def test_ensure_rejects_a_non_workbook() -> None:
    with pytest.raises(PackageError, match="not a workbook"):
        ensure_ribbon_and_vba({"a.xml": b"<a/>"})
