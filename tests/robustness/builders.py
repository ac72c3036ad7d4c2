"""Small real workbooks for the robustness tests: built with openpyxl, or part by part.

``raw_package`` writes the XML parts by hand so that a test controls every byte (shared
strings, a table part, a DTD); ``hostile`` variants are made from it with plain byte edits.
"""

from __future__ import annotations

import io
import os
import struct
import zipfile
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import openpyxl
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.table import Table, TableStyleInfo

EXEC_HEADERS = ["담당관", "세부사업", "통계목", "예산현액", "지출원인행위액", "지출액"]
EXEC_ROWS = [
    ["정보시스템담당관", "행정정보 시스템 운영", "일반운영비", 120_000, 30_000, 20_000],
    ["정보시스템담당관", "행정정보 시스템 운영", "여비", 5_000, 4_000, 4_000],
    ["빅데이터담당관", "데이터 분석", "연구용역비", 80_000, 0, 0],
]
#: A text the tests look for in every part it is injected into.
NOTE = "비고메모"


def execution_workbook(
    path: Path,
    headers: list[Any] | None = None,
    rows: list[list[Any]] | None = None,
    sheet: str = "집행현황",
    table: bool = True,
    settings: dict[str, Any] | None = None,
) -> Path:
    """An .xlsx (or .xlsm name: openpyxl writes the same) with a 집행현황 table, via openpyxl."""
    headers = EXEC_HEADERS if headers is None else headers
    rows = EXEC_ROWS if rows is None else rows
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    ws.append(headers)
    for row in rows:
        ws.append(row)
        for cell in ws[ws.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # data text stays text, even "=…"
    if table:
        ref = f"A1:{get_column_letter(len(headers))}{len(rows) + 1}"
        t = Table(displayName="tbl_execution", ref=ref)
        t.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
        ws.add_table(t)
    if settings is not None:
        st = wb.create_sheet("설정")
        st.append(["항목", "값", "설명"])
        for key, value in settings.items():
            st.append([key, value, ""])
            if isinstance(value, str):
                st.cell(row=st.max_row, column=2).data_type = "s"
    wb.save(path)
    return path


# ----------------------------------------------------------------------------- raw parts

_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PR = "http://schemas.openxmlformats.org/package/2006/relationships"
_DECL = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


def raw_package(rows: list[list[Any]] | None = None) -> dict[str, bytes]:
    """A minimal, valid .xlsx as parts: one sheet 집행현황 with shared strings and a table.

    Strings go to the shared-string table, except ``NOTE`` in the header row, which is an
    inline string: so a test can put something into the sheet part and the shared strings.
    """
    rows = [[*EXEC_HEADERS, NOTE], *[[*r, NOTE] for r in EXEC_ROWS]] if rows is None else rows
    strings: list[str] = []
    sheet_rows = []
    for r, row in enumerate(rows, start=1):
        cells = []
        for c, value in enumerate(row, start=1):
            ref = f"{get_column_letter(c)}{r}"
            if value is None:
                continue
            if isinstance(value, str) and r == 1 and value == NOTE:
                cells.append(f'<c r="{ref}" t="inlineStr"><is><t>{escape(value)}</t></is></c>')
            elif isinstance(value, str):
                strings.append(value)
                cells.append(f'<c r="{ref}" t="s"><v>{len(strings) - 1}</v></c>')
            else:
                cells.append(f'<c r="{ref}"><v>{value}</v></c>')
        sheet_rows.append(f'<row r="{r}">{"".join(cells)}</row>')
    last = f"{get_column_letter(len(rows[0]))}{len(rows)}"
    columns = "".join(
        f'<tableColumn id="{i}" name={quoteattr(str(h))}/>' for i, h in enumerate(rows[0], 1)
    )
    parts = {
        "[Content_Types].xml": (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
            'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.'
            'openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
            '<Override PartName="/xl/tables/table1.xml" ContentType="application/vnd.'
            'openxmlformats-officedocument.spreadsheetml.table+xml"/>'
            '<Override PartName="/xl/styles.xml" ContentType="application/vnd.'
            'openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>'
        ),
        "xl/styles.xml": (
            f'<styleSheet xmlns="{_NS}"><fonts count="1"><font><sz val="11"/>'
            '<name val="Calibri"/></font></fonts><fills count="2"><fill><patternFill '
            'patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>'
            '</fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/>'
            '</border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" '
            'fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="1"><xf numFmtId="0" '
            'fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs></styleSheet>'
        ),
        "_rels/.rels": (
            f'<Relationships xmlns="{_PR}"><Relationship Id="rId1" Type="http://schemas.'
            'openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
            'Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<workbook xmlns="{_NS}" xmlns:r="{_R}"><sheets>'
            '<sheet name="집행현황" sheetId="1" r:id="rId1"/></sheets>'
            '<definedNames><definedName name="xb_note">"메모"</definedName></definedNames>'
            "</workbook>"
        ),
        "xl/_rels/workbook.xml.rels": (
            f'<Relationships xmlns="{_PR}">'
            f'<Relationship Id="rId1" Type="{_R}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{_R}/sharedStrings" Target="sharedStrings.xml"/>'
            f'<Relationship Id="rId3" Type="{_R}/styles" Target="styles.xml"/>'
            "</Relationships>"
        ),
        "xl/worksheets/sheet1.xml": (
            f'<worksheet xmlns="{_NS}" xmlns:r="{_R}"><dimension ref="A1:{last}"/>'
            f"<sheetData>{''.join(sheet_rows)}</sheetData>"
            '<tableParts count="1"><tablePart r:id="rId1"/></tableParts></worksheet>'
        ),
        "xl/worksheets/_rels/sheet1.xml.rels": (
            f'<Relationships xmlns="{_PR}">'
            f'<Relationship Id="rId1" Type="{_R}/table" Target="../tables/table1.xml"/>'
            "</Relationships>"
        ),
        "xl/sharedStrings.xml": (
            f'<sst xmlns="{_NS}" count="{len(strings)}" uniqueCount="{len(strings)}">'
            + "".join(f"<si><t>{escape(s)}</t></si>" for s in strings)
            + "</sst>"
        ),
        "xl/tables/table1.xml": (
            f'<table xmlns="{_NS}" id="1" name="tbl_execution" displayName="tbl_execution" '
            f'ref="A1:{last}"><autoFilter ref="A1:{last}"/>'
            f'<tableColumns count="{len(rows[0])}">{columns}</tableColumns></table>'
        ),
    }
    return {name: _DECL + text.encode("utf-8") for name, text in parts.items()}


def write_zip(parts: dict[str, bytes], path: Path, method: int = zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", method) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return path


# ----------------------------------------------------------------------------- hostile

LAUGHS_DTD = (
    b'<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        b'<!ENTITY lol%d "%s">' % (i, (b"&lol;" if i == 1 else b"&lol%d;" % (i - 1)) * 10)
        for i in range(1, 10)
    )
    + b"]>"
)
XXE_DTD = b'<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/hostname">]>'


def with_dtd(data: bytes, dtd: bytes, reference: bytes) -> bytes:
    """``data`` with ``dtd`` after the XML declaration and ``reference`` used where it can be.

    The reference replaces the NOTE text if the part has it (text content), else it becomes
    an attribute of the root element (an entity bomb expands there too); an external entity
    cannot stand in an attribute, so then the part only declares it.
    """
    assert data.startswith(_DECL)
    body = data[len(_DECL) :]
    note = NOTE.encode("utf-8")
    if note in body:
        body = body.replace(note, reference, 1)
    elif reference != b"&xxe;":
        end = body.index(b">")
        body = body[:end] + b' xbx="' + reference + b'"' + body[end:]
    return _DECL + dtd + body


def lying_size_zip(path: Path, part: str = "xl/sharedStrings.xml", declared: int = 1000) -> Path:
    """A valid package whose ``part`` inflates to ~40 MB but declares ``declared`` bytes."""
    parts = raw_package()
    parts[part] = parts[part].replace(
        b"</sst>", b"<si><t>" + b"a" * 40_000_000 + b"</t></si></sst>"
    )
    write_zip(parts, path)
    data = bytearray(path.read_bytes())
    name = part.encode()
    for sig, size_at in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        start = 0
        while (pos := data.find(sig, start)) >= 0:
            start = pos + 4
            name_len = struct.unpack_from("<H", data, pos + (26 if sig == b"PK\x03\x04" else 28))[0]
            name_at = pos + (30 if sig == b"PK\x03\x04" else 46)
            if bytes(data[name_at : name_at + name_len]) == name:
                struct.pack_into("<I", data, pos + size_at, declared)
    path.write_bytes(bytes(data))
    return path


def ratio_bomb(path: Path, size: int = 60 * 2**20) -> Path:
    """A package with a sheet of ``size`` bytes of one repeated cell (ratio ≫ 200)."""
    parts = raw_package()
    parts["xl/worksheets/sheet2.xml"] = b"<x>" + b" " * size + b"</x>"
    return write_zip(parts, path)


def cfb(streams: dict[str, bytes]) -> bytes:
    """An OLE compound file (what encrypted workbooks and old .xls files are)."""
    from xlbudget.workbook.vba import _build_cfb

    return _build_cfb(streams)


def encrypted_workbook(path: Path) -> Path:
    """What Excel writes for a password-protected workbook: EncryptionInfo + EncryptedPackage."""
    info = struct.pack("<HHI", 4, 4, 0x40) + b"<encryption/>"  # agile encryption header
    package = struct.pack("<Q", 2048) + os.urandom(2048)
    path.write_bytes(cfb({"EncryptionInfo": info, "EncryptedPackage": package}))
    return path


def zip_bytes(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()
