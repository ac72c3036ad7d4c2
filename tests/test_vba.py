"""Tests for the pure-Python vbaProject.bin writer (xlbudget.workbook.vba).

The writer is checked against independent readers (olefile for the container, oletools'
olevba for the VBA layer) and against xlwings' own uncompiled project as a structural
reference, because Excel itself is not available in CI.
"""

from __future__ import annotations

import io
import random
import struct
import zipfile
from pathlib import Path

import olefile
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from oletools.olevba import VBA_Parser, decompress_stream

from xlbudget.workbook import vba
from xlbudget.workbook.vba import (
    VbaModule,
    build_vba_project,
    compress,
    decompress,
    module_from_file,
    read_vba_modules,
    xlwings_standalone_modules,
)

WORKBOOK_BASE = "{00020819-0000-0000-C000-000000000046}"
SHEET_BASE = "{00020820-0000-0000-C000-000000000046}"

# [MS-OVBA] 3.2.2 "Normal Compression Example" (exact bytes from the spec).
SPEC_NORMAL = b"#aaabcdefaaaaghijaaaaaklaaamnopqaaaaaaaaaaaarstuvwxyzaaa"
SPEC_NORMAL_COMPRESSED = bytes.fromhex(
    "01 2F B0 00 23 61 61 61 62 63 64 65 82 66 00 70 61 67 68 69 6A 01 38 08 61 6B 6C 00 20"
    " 6D 6E 6F 70 06 71 02 70 04 00 72 73 74 75 76 10 77 78 79 7A 00 2C"
)
# [MS-OVBA] 3.2.1 "No Compression Example".
SPEC_PLAIN = b"abcdefghijklmnopqrstuv."
SPEC_PLAIN_COMPRESSED = bytes.fromhex(
    "01 19 B0 00 61 62 63 64 65 66 67 68 00 69 6A 6B 6C 6D 6E 6F 70 00 71 72 73 74 75 76 2E"
)


def _document(name: str, base: str, body: str = "") -> VbaModule:
    """A document module with the attributes Excel stores (the builder's), plus ``body``."""
    from xlbudget.workbook.build import document_module

    return VbaModule(name, "document", document_module(name, base).source + body)


OUR_MODULE = VbaModule(
    "XbRibbon",
    "standard",
    'Attribute VB_Name = "XbRibbon"\r\nOption Explicit\n\nSub XbHello()\n'
    '    MsgBox "xlbudget " & Chr(169)\nEnd Sub\n',
)


@pytest.fixture(scope="module")
def modules() -> list[VbaModule]:
    return [
        *xlwings_standalone_modules(),
        _document("ThisWorkbook", WORKBOOK_BASE),
        _document("Sheet1", SHEET_BASE, "Private Sub Worksheet_Activate()\nEnd Sub\n"),
        _document("Sheet2", SHEET_BASE),
        OUR_MODULE,
    ]


@pytest.fixture(scope="module")
def project(modules: list[VbaModule]) -> bytes:
    return build_vba_project(modules)


# --------------------------------------------------------------------------------- compression
def test_spec_examples_exact_bytes() -> None:
    assert compress(SPEC_NORMAL) == SPEC_NORMAL_COMPRESSED
    assert decompress(SPEC_NORMAL_COMPRESSED) == SPEC_NORMAL
    assert compress(SPEC_PLAIN) == SPEC_PLAIN_COMPRESSED
    assert decompress(SPEC_PLAIN_COMPRESSED) == SPEC_PLAIN


def test_empty_container_is_signature_only() -> None:
    assert compress(b"") == b"\x01"
    assert decompress(b"\x01") == b""


def _sample(kind: str, size: int, seed: int) -> bytes:
    rng = random.Random(seed)
    if kind == "random":
        return rng.randbytes(size)
    if kind == "repetitive":
        unit = rng.randbytes(rng.randint(1, 40))
        return (unit * (size // len(unit) + 1))[:size]
    if kind == "two-letter":
        return bytes(rng.choice(b"ab") for _ in range(size))
    line = f'    x{rng.randint(0, 99)} = Range("A{rng.randint(1, 9)}").Value\r\n'.encode()
    return (b"Sub Foo()\r\n" + line * (size // len(line) + 1))[:size]


def _roundtrip(data: bytes) -> None:
    try:
        packed = compress(data)
    except ValueError:
        # Only a final partial chunk without any 3-byte repeat may be refused: it cannot be
        # stored raw (raw chunks always decode to 4096 bytes) nor compressed into 4096 bytes.
        assert len(data) % 4096 > 3640
        return
    assert decompress(packed) == data
    assert decompress_stream(packed) == data  # oletools' independent decoder agrees
    pos = 1
    while pos < len(packed):  # every chunk header is well-formed; raw chunks hold 4096 bytes
        (header,) = struct.unpack_from("<H", packed, pos)
        assert header >> 12 & 0b111 == 0b011
        if not header & 0x8000:
            assert header & 0x0FFF == 0x0FFF
        pos += (header & 0x0FFF) + 3
    assert pos == len(packed)


SIZES = st.one_of(
    st.integers(0, 20000), st.sampled_from([656, 657, 4095, 4096, 4097, 8192, 12288, 20000])
)
KINDS = st.sampled_from(["random", "repetitive", "two-letter", "text"])


@settings(max_examples=150, deadline=None)
@given(kind=KINDS, size=SIZES, seed=st.integers(0, 2**32))
def test_roundtrip_property(kind: str, size: int, seed: int) -> None:
    _roundtrip(_sample(kind, size, seed))


@given(st.binary(max_size=3000))
def test_roundtrip_small_binary(data: bytes) -> None:
    _roundtrip(data)


@pytest.mark.parametrize("size", [657, 4096, 4097, 8192, 20000])
@pytest.mark.parametrize("kind", ["random", "repetitive", "two-letter", "text"])
def test_roundtrip_boundaries(kind: str, size: int) -> None:
    _roundtrip(_sample(kind, size, size))


def test_incompressible_full_chunk_is_stored_raw() -> None:
    data = _sample("random", 8192, 1) + b"tail" * 10
    packed = compress(data)
    assert struct.unpack_from("<H", packed, 1)[0] == 0x3FFF  # flag clear, size 4096
    assert packed[3 : 3 + 4096] == data[:4096]
    assert decompress(packed) == data


def test_incompressible_final_partial_chunk_is_refused() -> None:
    with pytest.raises(ValueError, match="incompressible"):
        compress(_sample("random", 4095, 7))


def test_decompress_rejects_garbage() -> None:
    with pytest.raises(ValueError):
        decompress(b"\x02\x00")
    with pytest.raises(ValueError):
        decompress(b"\x01\x00\x00")  # chunk signature bits are not 0b011


# ------------------------------------------------------------------------------------ project
def test_olevba_reads_every_module_back(modules: list[VbaModule], project: bytes) -> None:
    parser = VBA_Parser("vbaProject.bin", data=project)
    assert parser.detect_vba_macros()
    got = {vba_filename: code for _, _, vba_filename, code in parser.extract_macros()}
    suffix = {"standard": ".bas", "class": ".cls", "document": ".cls"}
    expected = {m.name + suffix[m.kind]: m.encoded().decode("cp1252") for m in modules}
    # olevba 0.60 returns the stored source verbatim, Attribute lines and CRLF included.
    assert got == expected
    parser.close()


def test_own_reader_and_line_endings(modules: list[VbaModule], project: bytes) -> None:
    got = read_vba_modules(project)
    assert list(got) == [m.name for m in modules]
    for m in modules:
        assert got[m.name] == m.encoded().decode("cp1252")
        assert "\n" not in got[m.name].replace("\r\n", "")
    assert got["XbRibbon"].endswith('MsgBox "xlbudget " & Chr(169)\r\nEnd Sub\r\n')


def test_container_streams_and_strict_parse(project: bytes) -> None:
    # DEFECT_INCORRECT makes olefile raise on any structural defect instead of logging it.
    with olefile.OleFileIO(project, raise_defects=olefile.DEFECT_INCORRECT) as ole:
        assert sorted("/".join(p) for p in ole.listdir()) == sorted(
            [
                "PROJECT",
                "PROJECTwm",
                "VBA/_VBA_PROJECT",
                "VBA/dir",
                "VBA/xlwings",
                "VBA/Dictionary",
                "VBA/ThisWorkbook",
                "VBA/Sheet1",
                "VBA/Sheet2",
                "VBA/XbRibbon",
            ]
        )
        assert ole.openstream("VBA/_VBA_PROJECT").read() == bytes.fromhex("CC61FFFF000100")
        assert ole.openstream("PROJECTwm").read() == b"".join(
            n.encode() + b"\0" + n.encode("utf-16-le") + b"\0\0"
            for n in ["xlwings", "Dictionary", "ThisWorkbook", "Sheet1", "Sheet2", "XbRibbon"]
        ) + (b"\0\0")
        text = ole.openstream("PROJECT").read().decode("cp1252")
        for entry in ole.direntries:
            if entry is not None:
                assert entry.createTime == entry.modifyTime == 0
        # The big module streams live in regular sectors, the small ones in the mini stream.
        assert ole.get_size("VBA/xlwings") >= 4096 > ole.get_size("VBA/Sheet1")
    lines = text.split("\r\n")
    assert lines[0] == f'ID="{vba.DEFAULT_PROJECT_ID}"'
    assert lines[1:7] == [
        "Module=xlwings",
        "Class=Dictionary",
        "Document=ThisWorkbook/&H00000000",
        "Document=Sheet1/&H00000000",
        "Document=Sheet2/&H00000000",
        "Module=XbRibbon",
    ]
    assert "&H00000001={3832D640-CF90-11CF-8E43-00A0C911005A};VBE;&H00000000" in lines


def test_sibling_trees_are_sorted_red_black_trees(project: bytes) -> None:
    with olefile.OleFileIO(project) as ole:
        entries = ole.direntries

        def walk(sid: int, lo: tuple[int, str] | None, hi: tuple[int, str] | None) -> int:
            """Check BST order and red-black rules; return the subtree's black height."""
            if sid == 0xFFFFFFFF:
                return 1
            e = entries[sid]
            key = vba._cfb_key(e.name)
            assert (lo is None or lo < key) and (hi is None or key < hi)
            for child in (e.sid_left, e.sid_right):
                if e.color == 0 and child != 0xFFFFFFFF:
                    assert entries[child].color == 1, "red node with red child"
            left, right = walk(e.sid_left, lo, key), walk(e.sid_right, key, hi)
            assert left == right
            return left + e.color

        for e in entries:
            if e is not None and e.sid_child != 0xFFFFFFFF:
                assert entries[e.sid_child].color == 1  # tree roots are black
                walk(e.sid_child, None, None)


def test_deterministic(modules: list[VbaModule], project: bytes) -> None:
    assert build_vba_project(modules) == project
    other = build_vba_project(modules, "{11111111-2222-3333-4444-555555555555}")
    assert other != project
    assert read_vba_modules(other) == read_vba_modules(project)


def test_dir_stream_matches_xlwings_layout(project: bytes) -> None:
    """Same record sequence as xlwings' file, except for the references we choose."""

    def records(data: bytes) -> list[tuple[int, bytes]]:
        with olefile.OleFileIO(data) as ole:
            return vba._dir_records(decompress(ole.openstream("VBA/dir").read()))

    ours, theirs = records(project), records(vba._standalone_vba_bytes()[0])
    info = [0x01, 0x02, 0x14, 0x03, 0x04, 0x05, 0x40, 0x06, 0x3D, 0x07, 0x08, 0x09, 0x0C, 0x3C]
    assert [rid for rid, _ in ours[: len(info)]] == [rid for rid, _ in theirs[: len(info)]] == info
    assert dict(ours[:4]) == dict(theirs[:4])  # SYSKIND 3, LCID/LCIDINVOKE 0x409, cp 1252
    module_ids = [0x19, 0x47, 0x1A, 0x32, 0x1C, 0x48, 0x31, 0x1E, 0x2C]

    def module_shapes(recs: list[tuple[int, bytes]]) -> list[list[int]]:
        shapes, current = [], []
        for rid, _ in recs[recs.index(next(r for r in recs if r[0] == 0x13)) + 1 :]:
            current.append(rid)
            if rid == 0x2B:
                shapes.append(current)
                current = []
        return shapes

    for shape in module_shapes(ours) + module_shapes(theirs):
        assert shape[:-2] == module_ids and shape[-2] in (0x21, 0x22) and shape[-1] == 0x2B
    assert ours[-1] == theirs[-1] == (0x10, b"")
    refs = [payload for rid, payload in ours if rid == 0x0D]
    assert [r[4:-6].split(b"#")[-1] for r in refs] == [  # strip SizeOfLibid, Reserved1/2
        b"OLE Automation",
        b"Microsoft Office 16.0 Object Library",
    ]
    with olefile.OleFileIO(project) as ole:
        parsed = vba._parse_dir(decompress(ole.openstream("VBA/dir").read()))
    assert parsed[0] == 1252
    assert [(n, t) for n, _, _, t in parsed[1]] == [
        ("xlwings", 0x21),
        ("Dictionary", 0x22),
        ("ThisWorkbook", 0x22),
        ("Sheet1", 0x22),
        ("Sheet2", 0x22),
        ("XbRibbon", 0x21),
    ]
    assert all(offset == 0 for _, _, offset, _ in parsed[1])


def test_protection_fields_follow_spec_example() -> None:
    """[MS-OVBA] 3.1.6 example values, reproduced with the spec's seeds and ignored bytes."""
    pid = "{917DED54-440B-4FD1-A5C1-74ACF261E600}"
    assert vba._encrypt(pid, bytes(4), seed=0x07) == "0705D8E3D8EDDBF1DBF1DBF1DBF1"
    assert vba._encrypt(pid, bytes(1), seed=0x0E) == "0E0CD1ECDFF4E7F5E7F5E7"
    assert vba._encrypt(pid, b"\xff", seed=0x15) == "1517CAF1D6F9D7F9D706"


# ---------------------------------------------------------------------------------- xlwings
def test_xlwings_modules_match_installed_version() -> None:
    import xlwings

    mods = {m.name: m for m in xlwings_standalone_modules()}
    assert mods["xlwings"].kind == "standard" and mods["Dictionary"].kind == "class"
    assert f"'Version: {xlwings.__version__}" in mods["xlwings"].source
    assert 'Attribute VB_Name = "Dictionary"' in mods["Dictionary"].source


def test_xlwings_version_mismatch_raises(monkeypatch: pytest.MonkeyPatch) -> None:
    data, _ = vba._standalone_vba_bytes()
    monkeypatch.setattr(vba, "_standalone_vba_bytes", lambda: (data, "0.0.1"))
    with pytest.raises(RuntimeError, match=r"does not match the installed xlwings 0\.0\.1"):
        xlwings_standalone_modules()


# ------------------------------------------------------------------------------- validation
@pytest.mark.parametrize(
    ("module", "message"),
    [
        (VbaModule("1bad", "standard", 'Attribute VB_Name = "1bad"\n'), "invalid VBA module"),
        (VbaModule("Foo", "standard", 'Attribute VB_Name = "Bar"\n'), "VB_Name"),
        (VbaModule("Foo", "standard", 'Attribute VB_Name = "Foo"\n\' \u4e2d'), "cp1252"),
        (VbaModule("Foo", "document", 'Attribute VB_Name = "Foo"\n'), "VB_Base"),
    ],
)
def test_invalid_modules_are_rejected(module: VbaModule, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        build_vba_project([module])


def test_duplicate_names_are_rejected() -> None:
    a = VbaModule("Foo", "standard", 'Attribute VB_Name = "Foo"\n')
    b = VbaModule("FOO", "standard", 'Attribute VB_Name = "FOO"\n')
    with pytest.raises(ValueError, match="duplicate"):
        build_vba_project([a, b])


def test_module_from_file(tmp_path: Path) -> None:
    bas = tmp_path / "Tools.bas"
    bas.write_bytes(b'Attribute VB_Name = "Tools"\r\nSub A()\r\nEnd Sub\r\n')
    cls = tmp_path / "Thing.cls"
    cls.write_bytes(
        b"VERSION 1.0 CLASS\r\nBEGIN\r\n  MultiUse = -1  'True\r\nEND\r\n"
        b'Attribute VB_Name = "Thing"\r\nAttribute VB_GlobalNameSpace = False\r\n'
        b"Attribute VB_Creatable = False\r\nAttribute VB_PredeclaredId = False\r\n"
        b"Attribute VB_Exposed = False\r\nPublic X As Long\r\n"
    )
    sheet = tmp_path / "Sheet1.cls"
    sheet.write_text(_document("Sheet1", SHEET_BASE).source)

    tools, thing, sheet1 = (module_from_file(p) for p in (bas, cls, sheet))
    assert (tools.name, tools.kind) == ("Tools", "standard")
    assert (sheet1.name, sheet1.kind) == ("Sheet1", "document")
    assert (thing.name, thing.kind) == ("Thing", "class")
    assert thing.source.split("\n") == [
        'Attribute VB_Name = "Thing"',
        'Attribute VB_Base = "0{FCFB3D2A-A0FA-1068-A738-08002B3371B5}"',
        "Attribute VB_GlobalNameSpace = False",
        "Attribute VB_Creatable = False",
        "Attribute VB_PredeclaredId = False",
        "Attribute VB_Exposed = False",
        "Attribute VB_TemplateDerived = False",
        "Attribute VB_Customizable = False",
        "Public X As Long",
        "",
    ]
    assert read_vba_modules(build_vba_project([tools, thing, sheet1]))["Thing"] == (
        thing.encoded().decode()
    )


# ------------------------------------------------------------------------------------- xlsm
def _make_xlsm(project: bytes) -> bytes:
    """A minimal openpyxl workbook turned into an .xlsm carrying ``project``."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.title = "Data"
    wb.create_sheet("Notes")
    wb.code_name = "ThisWorkbook"
    for ws, code_name in zip(wb.worksheets, ["Sheet1", "Sheet2"], strict=True):
        ws.sheet_properties.codeName = code_name
    raw = io.BytesIO()
    wb.save(raw)
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "[Content_Types].xml":
                data = data.replace(
                    b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                    b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
                ).replace(
                    b"<Default ",
                    b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"'
                    b"/><Default ",
                    1,
                )
            elif item.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(
                    b"</Relationships>",
                    b'<Relationship Id="rIdVBA" Type="http://schemas.microsoft.com/office/2006/'
                    b'relationships/vbaProject" Target="vbaProject.bin"/></Relationships>',
                )
            dst.writestr(item, data)
        dst.writestr("xl/vbaProject.bin", project)
    return out.getvalue()


def test_olevba_finds_modules_in_xlsm(
    tmp_path: Path, modules: list[VbaModule], project: bytes
) -> None:
    path = tmp_path / "budget.xlsm"
    path.write_bytes(_make_xlsm(project))
    with zipfile.ZipFile(path) as zf:
        types = zf.read("[Content_Types].xml")
        assert b"macroEnabled.main+xml" in types and b'Extension="bin"' in types
        assert b'codeName="Sheet1"' in zf.read("xl/worksheets/sheet1.xml")
    parser = VBA_Parser(str(path))
    assert parser.type == "OpenXML"
    found = {
        vba_filename.rsplit(".", 1)[0]: code
        for _, _, vba_filename, code in (parser.extract_macros())
    }
    parser.close()
    assert found == {m.name: m.encoded().decode("cp1252") for m in modules}
