"""The .xlsm as a zip of parts: safe reading, deterministic writing, ribbon/VBA repair.

Why this exists: openpyxl writes good sheets but knows nothing of a ribbon, and when it
re-saves a macro workbook (``keep_vba=True``) it copies ``customUI/customUI14.xml`` and
``xl/vbaProject.bin`` yet rebuilds ``_rels/.rels`` without the ribbon's relationship, so the
ribbon silently disappears.  Every pipeline that saves the workbook with openpyxl therefore
ends with :func:`ensure_ribbon_and_vba` on the saved parts.  XML is edited only through a
parser (defusedxml), never with text substitution.
"""

from __future__ import annotations

import io
import os
import tempfile
import zipfile
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET
from xml.sax.saxutils import quoteattr

from defusedxml.ElementTree import fromstring

__all__ = [
    "CONTENT_TYPES",
    "CUSTOM_UI_PART",
    "MACRO_MAIN_TYPE",
    "MAX_RATIO",
    "MAX_TOTAL_BYTES",
    "REL_CUSTOM_UI",
    "REL_VBA",
    "VBA_PART",
    "VBA_TYPE",
    "PackageError",
    "ensure_ribbon_and_vba",
    "read_parts",
    "to_bytes",
    "write_parts",
]

MAX_TOTAL_BYTES = 500 * 1024 * 1024
MAX_RATIO = 200
CONTENT_TYPES = "[Content_Types].xml"
ROOT_RELS = "_rels/.rels"
WORKBOOK_PART = "xl/workbook.xml"
WORKBOOK_RELS = "xl/_rels/workbook.xml.rels"
CUSTOM_UI_PART = "customUI/customUI14.xml"
VBA_PART = "xl/vbaProject.bin"
REL_CUSTOM_UI = "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility"
REL_VBA = "http://schemas.microsoft.com/office/2006/relationships/vbaProject"
MACRO_MAIN_TYPE = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
VBA_TYPE = "application/vnd.ms-office.vbaProject"
_CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
#: Parts that lead the archive, in this order; the rest follow sorted by name.
_LEADING = (
    CONTENT_TYPES,
    ROOT_RELS,
    "docProps/app.xml",
    "docProps/core.xml",
    WORKBOOK_PART,
    WORKBOOK_RELS,
)


class PackageError(ValueError):
    """A file that is not a usable workbook package (message says which file and why)."""


def read_parts(path: str | os.PathLike[str] | bytes) -> dict[str, bytes]:
    """All parts of a zip package (a file, or its bytes), refusing zip bombs and unsafe names.

    Limits: 500 MB uncompressed in total and a compression ratio of at most 200, checked on
    the declared sizes before anything is inflated (zipfile then enforces the declared sizes
    and CRCs while reading).
    """
    source: Any = io.BytesIO(path) if isinstance(path, bytes) else Path(path)
    path = "<bytes>" if isinstance(path, bytes) else Path(path)
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError) as exc:
        raise PackageError(
            f"{path}: 엑셀 파일(zip)이 아닙니다 | not an Excel (zip) file: {exc}"
        ) from None
    with archive:
        infos = archive.infolist()
        total = sum(i.file_size for i in infos)
        packed = sum(i.compress_size for i in infos)
        if total > MAX_TOTAL_BYTES:
            raise PackageError(
                f"{path}: 압축을 풀면 {total / 2**20:.0f} MB로 너무 큽니다(최대 500 MB) | "
                f"uncompressed size {total} bytes exceeds {MAX_TOTAL_BYTES}"
            )
        if total > packed * MAX_RATIO:
            raise PackageError(
                f"{path}: 압축률이 비정상적입니다(zip bomb 의심) | compression ratio "
                f"{total / max(packed, 1):.0f} exceeds {MAX_RATIO}"
            )
        parts: dict[str, bytes] = {}
        for info in infos:
            name = info.filename
            if info.is_dir():
                continue
            if name.startswith(("/", "\\")) or ".." in name.split("/") or name in parts:
                raise PackageError(
                    f"{path}: 잘못된 파트 이름 | unsafe or duplicate member {name!r}"
                )
            try:
                parts[name] = archive.read(info)
            except (zipfile.BadZipFile, OSError) as exc:
                raise PackageError(
                    f"{path}: {name} 파트가 손상되었습니다 | corrupt part: {exc}"
                ) from None
    return parts


def _ordered(parts: dict[str, bytes]) -> list[str]:
    lead = [name for name in _LEADING if name in parts]
    return lead + sorted(set(parts) - set(lead))


def to_bytes(parts: dict[str, bytes]) -> bytes:
    """The package as zip bytes: fixed part order and timestamps, so equal parts → equal bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in _ordered(parts):
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0  # same bytes on Windows and Linux
            info.external_attr = 0
            archive.writestr(info, parts[name], compresslevel=6)
    return buffer.getvalue()


def write_parts(parts: dict[str, bytes], path: str | os.PathLike[str]) -> None:
    """Write the package deterministically and atomically (temp file + os.replace)."""
    path = Path(path)
    data = to_bytes(parts)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o7777)  # replacing a file keeps its mode
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; give the usual file mode
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# ------------------------------------------------------------------------------ XML editing
def _serialize(root: ET.Element, namespace: str) -> bytes:
    """Write a flat package document (Relationships / Types: a root of empty elements).

    ElementTree's ``default_namespace`` refuses unqualified attributes, and registering a
    default prefix is global state, so these two-level documents are written directly.
    """

    def local(tag: str) -> str:
        if not tag.startswith(f"{{{namespace}}}"):
            raise PackageError(f"unexpected element {tag} in a package document")
        return tag.split("}", 1)[1]

    def attrs(element: ET.Element) -> str:
        return "".join(f" {k}={quoteattr(v)}" for k, v in element.attrib.items())

    lines = [
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n',
        f'<{local(root.tag)} xmlns="{namespace}"{attrs(root)}>',
    ]
    for child in root:
        if len(child) or (child.text or "").strip():
            raise PackageError(f"unexpected content in {local(child.tag)}")
        lines.append(f"<{local(child.tag)}{attrs(child)}/>")
    lines.append(f"</{local(root.tag)}>")
    return "".join(lines).encode("utf-8")


def _ensure_relationship(
    parts: dict[str, bytes], rels_part: str, rel_type: str, target: str, rel_id: str
) -> None:
    """Add a relationship of ``rel_type`` to ``target`` unless one exists (any id)."""
    if rels_part in parts:
        root = fromstring(parts[rels_part])
    else:
        root = ET.Element(f"{{{_REL_NS}}}Relationships")
    rels = root.findall(f"{{{_REL_NS}}}Relationship")
    if any(
        r.get("Type") == rel_type
        and r.get("Target", "").lstrip("/") in (target, _absolute(rels_part, target))
        for r in rels
    ):
        return
    used = {r.get("Id") for r in rels}
    new_id, n = rel_id, 1
    while new_id in used:
        n += 1
        new_id = f"{rel_id}{n}"
    ET.SubElement(
        root, f"{{{_REL_NS}}}Relationship", {"Id": new_id, "Type": rel_type, "Target": target}
    )
    parts[rels_part] = _serialize(root, _REL_NS)


def _absolute(rels_part: str, target: str) -> str:
    """Package path of a relative target of ``rels_part`` (xl/_rels/x.rels → xl/target)."""
    source_dir = rels_part.rsplit("_rels/", 1)[0]
    return source_dir + target


def _ensure_content_types(parts: dict[str, bytes], macro: bool) -> None:
    root = fromstring(parts[CONTENT_TYPES])
    changed = False
    defaults = {d.get("Extension", "").lower(): d for d in root.findall(f"{{{_CT_NS}}}Default")}
    overrides = {o.get("PartName"): o for o in root.findall(f"{{{_CT_NS}}}Override")}
    if CUSTOM_UI_PART in parts and "xml" not in defaults and f"/{CUSTOM_UI_PART}" not in overrides:
        ET.SubElement(
            root,
            f"{{{_CT_NS}}}Override",
            {"PartName": f"/{CUSTOM_UI_PART}", "ContentType": "application/xml"},
        )
        changed = True
    if macro:
        if "bin" not in defaults:
            element = ET.Element(
                f"{{{_CT_NS}}}Default", {"Extension": "bin", "ContentType": VBA_TYPE}
            )
            root.insert(0, element)  # Defaults conventionally precede Overrides
            changed = True
        elif defaults["bin"].get("ContentType") != VBA_TYPE:
            defaults["bin"].set("ContentType", VBA_TYPE)
            changed = True
        main = overrides.get(f"/{WORKBOOK_PART}")
        if main is None:
            ET.SubElement(
                root,
                f"{{{_CT_NS}}}Override",
                {"PartName": f"/{WORKBOOK_PART}", "ContentType": MACRO_MAIN_TYPE},
            )
            changed = True
        elif main.get("ContentType") != MACRO_MAIN_TYPE:
            main.set("ContentType", MACRO_MAIN_TYPE)
            changed = True
    if changed:
        parts[CONTENT_TYPES] = _serialize(root, _CT_NS)


def ensure_ribbon_and_vba(parts: dict[str, bytes]) -> dict[str, bytes]:
    """Restore the ribbon and VBA wiring of a macro workbook after an openpyxl save.

    Idempotent: parts that are already right are returned byte-for-byte unchanged.  Adds
    (1) the ``_rels/.rels`` relationship to ``customUI/customUI14.xml`` when that part
    exists, (2) the workbook → ``vbaProject.bin`` relationship, the ``bin`` content type and
    the macro-enabled main content type when ``xl/vbaProject.bin`` exists.
    """
    if CONTENT_TYPES not in parts or WORKBOOK_PART not in parts:
        raise PackageError("not a workbook package: [Content_Types].xml or xl/workbook.xml missing")
    parts = dict(parts)
    if CUSTOM_UI_PART in parts:
        _ensure_relationship(parts, ROOT_RELS, REL_CUSTOM_UI, CUSTOM_UI_PART, "xbCustomUI")
    macro = VBA_PART in parts
    if macro:
        _ensure_relationship(parts, WORKBOOK_RELS, REL_VBA, "vbaProject.bin", "xbVbaProject")
    _ensure_content_types(parts, macro)
    return parts
