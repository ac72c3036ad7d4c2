"""Read the structure of an .xlsx/.xlsm package directly: sheets and their Excel Tables.

Reading table definitions from the zip (with defusedxml) lets ``check`` run without a full
openpyxl load, and works for files that openpyxl cannot open at all.
"""

from __future__ import annotations

import posixpath
import zipfile

from defusedxml import ElementTree as SafeET
from openpyxl.utils.cell import range_boundaries

from ..review.model import TableRef

NS = {
    "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
}
R_ID = f"{{{NS['r']}}}id"


def _rels(archive: zipfile.ZipFile, part: str) -> dict[str, str]:
    """Relationship id → absolute part name, for ``part``."""
    folder, name = posixpath.split(part)
    rels_name = posixpath.join(folder, "_rels", name + ".rels")
    if rels_name not in archive.namelist():
        return {}
    root = SafeET.fromstring(archive.read(rels_name))
    out = {}
    for rel in root.findall("rel:Relationship", NS):
        target = rel.get("Target", "")
        if rel.get("TargetMode") == "External":
            continue
        path = (
            target.lstrip("/")
            if target.startswith("/")
            else posixpath.normpath(posixpath.join(folder, target))
        )
        out[rel.get("Id", "")] = path
    return out


def sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → worksheet part, in workbook order."""
    root = SafeET.fromstring(archive.read("xl/workbook.xml"))
    rels = _rels(archive, "xl/workbook.xml")
    out = {}
    for sheet in root.findall("m:sheets/m:sheet", NS):
        part = rels.get(sheet.get(R_ID, ""))
        if part:
            out[sheet.get("name", "")] = part
    return out


TABLE_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/table"


def list_tables(archive: zipfile.ZipFile) -> list[TableRef]:
    """Every Excel Table with its sheet and 0-based bounds (header row first).

    Tables are found through each sheet's relationships, so the (possibly huge) sheet XML
    itself is never parsed here.
    """
    names = set(archive.namelist())
    tables = []
    for sheet, part in sheet_parts(archive).items():
        folder, name = posixpath.split(part)
        rels_name = posixpath.join(folder, "_rels", name + ".rels")
        if rels_name not in names:
            continue
        root = SafeET.fromstring(archive.read(rels_name))
        for rel in root.findall("rel:Relationship", NS):
            if rel.get("Type") != TABLE_REL or rel.get("TargetMode") == "External":
                continue
            target = rel.get("Target", "")
            # openpyxl writes absolute targets ("/xl/tables/table1.xml"), Excel relative ones.
            table_part = (
                target.lstrip("/")
                if target.startswith("/")
                else posixpath.normpath(posixpath.join(folder, target))
            )
            if table_part not in names:
                continue
            table = SafeET.fromstring(archive.read(table_part))
            min_col, min_row, max_col, max_row = range_boundaries(table.get("ref", "A1:A1"))
            # A totals row is part of the ref but is not a data line.
            max_row -= int(table.get("totalsRowCount") or 0)
            display = table.get("displayName") or table.get("name") or ""
            tables.append(
                TableRef(display, sheet, min_row - 1, min_col - 1, max_row - 1, max_col - 1)
            )
    return tables
