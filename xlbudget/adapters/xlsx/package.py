"""A workbook file as a package of parts: vetted reading, lxml editing, atomic writing.

Why parts: xlbudget owns only its 검토_ sheets, its conditional-format rules, two defined
names and the styles it appends.  Editing the package directly copies every other part of
the user's file byte for byte (shapes, slicers, controls, pivot caches and parts no library
knows survive), and is several times faster than loading and re-saving the whole workbook.

How: every file is vetted first (:mod:`.safety`: not a zip, zip bombs, DTDs, huge grids),
then XML parts are parsed on demand with lxml (a parser that resolves no entity, loads no
DTD and reaches no network; a DOCTYPE is refused outright), edited as trees — lxml keeps
namespace prefixes and ``mc:Ignorable`` as the author wrote them — and serialized only if
changed.  Writing is deterministic (fixed timestamps and part order: equal parts give equal
bytes) and atomic (a temp file renamed over the target), and restores the ribbon and VBA
wiring with the content type the output's suffix needs (.xlsm, .xltm, …).
"""

from __future__ import annotations

import io
import os
import posixpath
import struct
import tempfile
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO

from lxml import etree

from ...core.errors import InputError, OutputError, UnsafeFileError
from ...core.model import TableRef
from ...core.refs import parse_range
from . import safety

CONTENT_TYPES = "[Content_Types].xml"
ROOT_RELS = "_rels/.rels"
WORKBOOK = "xl/workbook.xml"
WORKBOOK_RELS = "xl/_rels/workbook.xml.rels"
STYLES = "xl/styles.xml"
CUSTOM_UI_PART = "customUI/customUI14.xml"
VBA_PART = "xl/vbaProject.bin"

NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
NS_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
NS_CT = "http://schemas.openxmlformats.org/package/2006/content-types"
REL_WORKSHEET = f"{NS_R}/worksheet"
REL_DRAWING = f"{NS_R}/drawing"
REL_CHART = f"{NS_R}/chart"
REL_TABLE = f"{NS_R}/table"
REL_CALC_CHAIN = f"{NS_R}/calcChain"
REL_CUSTOM_UI = "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility"
REL_VBA = "http://schemas.microsoft.com/office/2006/relationships/vbaProject"
CT_WORKSHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
CT_DRAWING = "application/vnd.openxmlformats-officedocument.drawing+xml"
CT_CHART = "application/vnd.openxmlformats-officedocument.drawingml.chart+xml"
CT_VBA = "application/vnd.ms-office.vbaProject"
#: The workbook part's content type for each file suffix: Excel refuses a file whose
#: content type does not match its extension (an .xltm with the .xlsm type, say).
MAIN_TYPES = {
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    ".xlsm": "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    ".xltx": "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml",
    ".xltm": "application/vnd.ms-excel.template.macroEnabled.main+xml",
}
MACRO_SUFFIXES = frozenset({".xlsm", ".xltm"})
WORKBOOK_SUFFIXES = tuple(MAIN_TYPES)

_DECLARATION = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
#: How every XML part of a workbook is parsed (the one place): no entity is resolved, no
#: DTD loaded, no network reached; sheets of a million rows are allowed (huge_tree).  The
#: file was vetted before (a DOCTYPE anywhere refuses it); parse_xml checks again.
PARSER_OPTIONS: dict[str, bool] = {
    "resolve_entities": False,
    "no_network": True,
    "load_dtd": False,
    "huge_tree": True,
}
_PARSER = etree.XMLParser(**PARSER_OPTIONS)
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
#: Parts that lead the archive, in this order; the rest follow sorted by name.
_LEADING = (
    CONTENT_TYPES,
    ROOT_RELS,
    "docProps/app.xml",
    "docProps/core.xml",
    WORKBOOK,
    WORKBOOK_RELS,
)


def q(tag: str, ns: str = NS_MAIN) -> str:
    """Clark notation of ``tag`` in ``ns`` (``{…main}sheet``)."""
    return f"{{{ns}}}{tag}"


def parse_xml(data: bytes, name: str) -> Any:
    """The root element of the XML part ``name``; a DOCTYPE or malformed XML is refused."""
    try:
        root = etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise InputError(
            f"통합 문서의 {name} 파트가 올바른 XML이 아닙니다 | cannot parse part {name}: {exc}"
        ) from None
    if root.getroottree().docinfo.doctype:
        raise UnsafeFileError(
            f"통합 문서의 {name} 파트에 DTD가 있어 읽지 않았습니다 | DTD in {name}"
        )
    return root


def serialize_xml(root: Any) -> bytes:
    """A part's bytes: the usual declaration, then the tree as lxml writes it (UTF-8)."""
    return _DECLARATION + etree.tostring(root, encoding="UTF-8", xml_declaration=False)


def rels_path(part: str) -> str:
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", f"{name}.rels")


def resolve(source: str, target: str) -> str:
    """Package path of a relationship target written in ``source``'s rels."""
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(source), target))


@dataclass(frozen=True)
class Relationship:
    id: str
    type: str
    target: str  # package path (resolved), or the raw target of an external one
    external: bool


class Package:
    """The parts of one workbook; XML parts parsed on demand and written back if changed."""

    def __init__(self, parts: dict[str, bytes], source: str = "") -> None:
        self.parts = dict(parts)
        self.source = source
        self._trees: dict[str, Any] = {}  # parts being edited: serialized on writing
        self._read: dict[str, Any] = {}  # parts only read: their bytes stay as they are
        # Writing: which bytes came from ``source`` (their zip entries may be copied as they
        # are, see _ready_entries), and parts deflated while they were made (set_bytes).
        self._loaded = {name: id(data) for name, data in self.parts.items()} if source else {}
        self._deflated: dict[str, tuple[bytes, _Deflation]] = {}

    # ------------------------------------------------------------------ reading
    @classmethod
    def open(cls, path: str | os.PathLike[str]) -> Package:
        """The vetted package of a workbook file (see :mod:`.safety`)."""
        path = Path(path)
        parts, grids = safety.vet(path)  # every part inflated once, and checked
        package = cls(parts, str(path))
        if WORKBOOK not in parts:
            kind = (
                "바이너리 통합 문서(.xlsb)"
                if "xl/workbook.bin" in parts
                else "다른 형식의 zip 파일"
            )
            raise InputError(
                f"'{path.name}'은(는) 엑셀 통합 문서(.xlsx/.xlsm)가 아닙니다({kind}, "
                f"{WORKBOOK} 없음): {path}"
            )
        names = {part: sheet for sheet, part in package.sheet_parts().items()}
        safety.check_grids(grids, names, path)
        return package

    @classmethod
    def from_bytes(cls, data: bytes, name: str = "<bytes>") -> Package:
        """A package from zip bytes (vetted as a file would be)."""
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / (Path(name).name or "book.xlsx")
            path.write_bytes(data)
            return cls.open(path)

    def xml(self, name: str) -> Any:
        """The parsed root of part ``name``, to read (an edited part: its edited tree)."""
        if name in self._trees:
            return self._trees[name]
        if name not in self._read:
            self._read[name] = parse_xml(self._bytes(name), name)
        return self._read[name]

    def edit(self, name: str) -> Any:
        """The parsed root of part ``name``, to change: it is written again on saving."""
        if name not in self._trees:
            root = self._read.pop(name, None)
            self._trees[name] = root if root is not None else parse_xml(self._bytes(name), name)
        return self._trees[name]

    def _bytes(self, name: str) -> bytes:
        if name not in self.parts:
            raise InputError(f"통합 문서 패키지에 {name} 파트가 없습니다 | part {name} is missing")
        return self.parts[name]

    def set_bytes(self, name: str, data: bytes | Iterable[bytes | memoryview]) -> None:
        """Replace part ``name`` by ``data`` (a part written as text, not as a tree).

        ``data`` may come in pieces, as it is made: a big part is then deflated on a second
        thread while the next pieces are made (see :class:`_Deflation`), and saving only
        copies the result.
        """
        self._trees.pop(name, None)
        self._read.pop(name, None)
        self._deflated.pop(name, None)
        if isinstance(data, bytes):
            self.parts[name] = data
            return
        kept: list[bytes | memoryview] = []
        held = 0
        deflation = None
        for piece in data:
            kept.append(piece)
            if deflation is not None:
                deflation.feed(piece)
                continue
            held += len(piece)
            if held > _BIG_PART:  # big, so its level is known: deflate from here on
                deflation = _Deflation(_level(held))
                for earlier in kept:
                    deflation.feed(earlier)
        joined = self.parts[name] = b"".join(kept)
        if deflation is not None:
            deflation.close()
            self._deflated[name] = (joined, deflation)

    def set_xml(self, name: str, root: Any) -> None:
        self._read.pop(name, None)
        self._trees[name] = root
        self.parts[name] = b""  # placeholder until serialized

    def to_parts(self) -> dict[str, bytes]:
        """Every part as bytes, edited ones serialized again, the rest as they were."""
        for name, root in self._trees.items():
            if name in self.parts:
                self.parts[name] = serialize_xml(root)
        self._trees.clear()
        self._read.clear()
        return dict(self.parts)

    # ------------------------------------------------------------------ relationships
    def rels(self, source: str) -> list[Relationship]:
        name = rels_path(source) if source else ROOT_RELS
        if name not in self.parts and name not in self._trees:
            return []
        out = []
        for rel in self.xml(name).iter(q("Relationship", NS_RELS)):
            external = rel.get("TargetMode") == "External"
            target = rel.get("Target", "")
            out.append(
                Relationship(
                    rel.get("Id", ""),
                    rel.get("Type", ""),
                    target if external else resolve(source, target),
                    external,
                )
            )
        return out

    def _rels_root(self, source: str) -> Any:
        name = rels_path(source) if source else ROOT_RELS
        if name not in self.parts and name not in self._trees:
            self.set_xml(name, etree.Element(q("Relationships", NS_RELS), nsmap={None: NS_RELS}))
        return self.edit(name)

    def add_rel(self, source: str, rel_type: str, target: str) -> str:
        """Append a relationship (target relative to ``source``); returns its new id."""
        root = self._rels_root(source)
        used = {r.get("Id") for r in root}
        n = 1
        while f"rId{n}" in used:
            n += 1
        rel_id = f"rId{n}"
        relative = posixpath.relpath(target, posixpath.dirname(source) or ".")
        etree.SubElement(
            root, q("Relationship", NS_RELS), Id=rel_id, Type=rel_type, Target=relative
        )
        return rel_id

    def remove_rels(self, source: str, drop: Callable[[Relationship], bool]) -> None:
        name = rels_path(source) if source else ROOT_RELS
        if name not in self.parts and name not in self._trees:
            return
        by_id = {r.id: r for r in self.rels(source)}
        root = self.edit(name)
        for element in list(root):
            rel = by_id.get(element.get("Id", ""))
            if rel is not None and drop(rel):
                root.remove(element)

    def targets(self, source: str) -> list[str]:
        return [r.target for r in self.rels(source) if not r.external]

    def referenced(self, part: str) -> bool:
        """Whether any relationship in the package still points at ``part``."""
        for name in list(self.parts):
            if not name.endswith(".rels"):
                continue
            folder = posixpath.dirname(posixpath.dirname(name))
            source = posixpath.join(folder, posixpath.basename(name)[: -len(".rels")])
            if part in self.targets(source if name != ROOT_RELS else ""):
                return True
        return False

    # ------------------------------------------------------------------ parts
    def remove_tree(self, part: str) -> None:
        """Delete ``part``, its rels and content type, then what only it referenced."""
        targets = self.targets(part) if rels_path(part) in self.parts else []
        for name in (part, rels_path(part)):
            self.parts.pop(name, None)
            self._trees.pop(name, None)
            self._read.pop(name, None)
        self.remove_override(part)
        for target in dict.fromkeys(targets):
            if target in self.parts and not self.referenced(target):
                self.remove_tree(target)

    def free_name(self, pattern: str) -> str:
        """Smallest free ``pattern % n`` (n ≥ 1): re-running reuses what it removed."""
        n = 1
        while pattern % n in self.parts or rels_path(pattern % n) in self.parts:
            n += 1
        return pattern % n

    def add_part(
        self, name: str, data: bytes | Iterable[bytes | memoryview], content_type: str
    ) -> None:
        self.set_bytes(name, data)
        self.set_override(name, content_type)

    # ------------------------------------------------------------------ content types
    def _override(self, part: str) -> Any:
        for element in self.xml(CONTENT_TYPES).iter(q("Override", NS_CT)):
            if element.get("PartName") == "/" + part:
                return element
        return None

    def content_type(self, part: str) -> str | None:
        found = self._override(part)
        if found is not None:
            return found.get("ContentType")
        ext = part.rsplit(".", 1)[-1].lower()
        for element in self.xml(CONTENT_TYPES).iter(q("Default", NS_CT)):
            if element.get("Extension", "").lower() == ext:
                return element.get("ContentType")
        return None

    def set_override(self, part: str, content_type: str) -> None:
        found = self._override(part)
        if found is None:
            etree.SubElement(
                self.edit(CONTENT_TYPES),
                q("Override", NS_CT),
                PartName="/" + part,
                ContentType=content_type,
            )
        elif found.get("ContentType") != content_type:
            self.edit(CONTENT_TYPES)
            self._override(part).set("ContentType", content_type)

    def remove_override(self, part: str) -> None:
        if self._override(part) is not None:
            self.edit(CONTENT_TYPES)
            found = self._override(part)
            found.getparent().remove(found)

    def set_default(self, extension: str, content_type: str) -> None:
        root = self.edit(CONTENT_TYPES)
        for element in root.iter(q("Default", NS_CT)):
            if element.get("Extension", "").lower() == extension:
                if element.get("ContentType") != content_type:
                    element.set("ContentType", content_type)
                return
        element = etree.Element(q("Default", NS_CT), Extension=extension, ContentType=content_type)
        root.insert(0, element)  # Defaults conventionally precede Overrides

    # ------------------------------------------------------------------ workbook structure
    def sheet_parts(self) -> dict[str, str]:
        """Sheet name → worksheet part, in workbook order."""
        rels = {r.id: r.target for r in self.rels(WORKBOOK) if not r.external}
        out = {}
        for sheet in self.xml(WORKBOOK).iter(q("sheet")):
            part = rels.get(sheet.get(q("id", NS_R), ""))
            if part:
                out[sheet.get("name", "")] = part
        return out

    def tables(self) -> list[TableRef]:
        """Every Excel Table with its sheet and 0-based bounds (header row first).

        Found through each sheet's relationships: the (possibly huge) sheet XML itself is
        never parsed here.
        """
        out = []
        for sheet, part in self.sheet_parts().items():
            for rel in self.rels(part):
                if rel.type != REL_TABLE or rel.external or rel.target not in self.parts:
                    continue
                table = self.xml(rel.target)
                try:
                    first_row, first_col, last_row, last_col = parse_range(table.get("ref", "A1"))
                except ValueError:
                    raise InputError(
                        f"시트 '{sheet}'의 표 정의({rel.target})의 범위를 읽을 수 없습니다: "
                        f"{table.get('ref')!r}"
                    ) from None
                # A totals row is part of the ref but is not a data line.
                last_row -= int(table.get("totalsRowCount") or 0)
                name = table.get("displayName") or table.get("name") or ""
                out.append(TableRef(name, sheet, first_row, first_col, last_row, last_col))
        return out

    # ------------------------------------------------------------------ writing
    def finish(self, suffix: str) -> dict[str, bytes]:
        """The parts to write as a ``suffix`` file: ribbon and VBA wired, content types right.

        Idempotent: parts that are already right are returned byte-for-byte unchanged.
        """
        suffix = suffix.lower()
        if CONTENT_TYPES not in self.parts or WORKBOOK not in self.parts:
            raise InputError(
                "통합 문서 패키지가 아닙니다: [Content_Types].xml 또는 xl/workbook.xml 없음"
            )
        if CUSTOM_UI_PART in self.parts and not any(
            r.type == REL_CUSTOM_UI and r.target == CUSTOM_UI_PART for r in self.rels("")
        ):
            self.add_rel("", REL_CUSTOM_UI, CUSTOM_UI_PART)
        if CUSTOM_UI_PART in self.parts and self.content_type(CUSTOM_UI_PART) is None:
            self.set_override(CUSTOM_UI_PART, "application/xml")
        if VBA_PART in self.parts and suffix in MAIN_TYPES and suffix not in MACRO_SUFFIXES:
            # A macro-free file type must not carry a VBA project: Excel refuses it.
            self.remove_rels(WORKBOOK, lambda r: r.type == REL_VBA)
            self.parts.pop(VBA_PART, None)
            self.remove_override(VBA_PART)
        if VBA_PART in self.parts:
            if not any(r.type == REL_VBA for r in self.rels(WORKBOOK)):
                self.add_rel(WORKBOOK, REL_VBA, VBA_PART)
            if self.content_type(VBA_PART) != CT_VBA:
                self.set_default("bin", CT_VBA)
        main = MAIN_TYPES.get(suffix)
        if main is not None and self.content_type(WORKBOOK) != main:
            self.set_override(WORKBOOK, main)
        return self.to_parts()

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the package to ``path`` deterministically and atomically.

        The archive is written straight into the temporary file; parts deflated while they
        were made, and parts still as they were read, are copied in deflated.
        """
        path = Path(path)
        parts = self.finish(path.suffix)
        with self._ready_entries(parts) as ready:
            write_atomic(lambda fh: _write_zip(fh, parts, ready), path)
        self._deflated.clear()
        return path

    def _ready_entries(self, parts: dict[str, bytes]) -> _SourceEntries:
        """The zip entries of ``parts`` that need no deflating: those deflated as they were
        made, and those whose bytes are the ones read from ``source``, copied from it as
        they are (compressed: the user's parts are neither inflated nor deflated again).

        A source entry is used only if it is deflated, not encrypted, and its size and
        CRC-32 are those of the bytes in hand (the file may have changed since it was read).
        """
        ready = _SourceEntries()
        for name, (data, deflation) in self._deflated.items():
            if parts.get(name) is data:
                ready.entries[name] = deflation.entry()
        candidates = {
            name: data
            for name, data in parts.items()
            if name not in ready.entries and self._loaded.get(name) == id(data)
        }
        if not candidates:
            return ready
        try:
            ready.open(self.source)
            assert ready.archive is not None
            infos = {info.filename: info for info in ready.archive.infolist()}
        except (OSError, zipfile.BadZipFile, ValueError):
            ready.close()
            return _SourceEntries(ready.entries)
        for name, data in candidates.items():
            info = infos.get(name)
            if (
                info is not None
                and info.compress_type == zipfile.ZIP_DEFLATED
                and not info.flag_bits & 1
                and info.file_size == len(data)
                and info.CRC == zlib.crc32(data)
            ):
                ready.entries[name] = _Entry(info.CRC, info.file_size, ready.copier(info))
        return ready


# ------------------------------------------------------------------------------ zip output

#: Parts larger than this (a sheet of tens of thousands of rows) are deflated at level 1:
#: three times faster than level 6 for about a quarter more bytes (a 46 MB sheet: 0.22 s
#: against 0.67 s, 6.6 MB against 5.3 MB).  Smaller parts keep level 6, so the bundled
#: workbook's bytes are what they were.
_BIG_PART = 1 << 20


def _level(size: int) -> int:
    """The deflate level of a part of ``size`` bytes (the one rule, see _BIG_PART)."""
    return 1 if size > _BIG_PART else 6


def _deflater(level: int) -> Any:
    """A raw deflate stream, as :mod:`zipfile` makes it (so equal parts give equal bytes)."""
    return zlib.compressobj(level, zlib.DEFLATED, -15)


@dataclass
class _Entry:
    """A zip entry's data, deflated already: CRC-32 and size of the part, and its
    compressed bytes, given in pieces (``compressed`` is called once, when it is written)."""

    crc: int
    size: int
    compressed: Callable[[], Iterator[bytes]]


_WORKER: ThreadPoolExecutor | None = None


def _worker() -> ThreadPoolExecutor:
    """The one deflating thread: one, so the pieces of a part are deflated in order."""
    global _WORKER
    if _WORKER is None:
        _WORKER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="xlbudget-deflate")
    return _WORKER


class _Deflation:
    """A part deflated on a second thread while its next pieces, or other parts, are made.

    zlib lets go of the interpreter lock while it deflates, so the 46 MB data sheet and the
    generated review sheet of a 100,000-line book are compressed while Python still writes
    the review sheets; saving then only copies their bytes.  Pieces are deflated one after
    the other into one stream: the bytes equal those of deflating the whole part at once.
    """

    def __init__(self, level: int) -> None:
        self._compressor = _deflater(level)
        self._crc = 0
        self._size = 0
        self._out: list[bytes] = []
        self._jobs: list[Future[None]] = []

    def feed(self, piece: bytes | memoryview) -> None:
        self._jobs.append(_worker().submit(self._deflate, piece))

    def close(self) -> None:
        self._jobs.append(_worker().submit(self._finish))

    def _deflate(self, piece: bytes | memoryview) -> None:
        self._crc = zlib.crc32(piece, self._crc)
        self._size += len(piece)
        self._out.append(self._compressor.compress(piece))

    def _finish(self) -> None:
        self._out.append(self._compressor.flush())

    def entry(self) -> _Entry:
        """The finished entry (waits for the deflating thread; its error is raised here)."""
        for job in self._jobs:
            job.result()
        return _Entry(self._crc, self._size, lambda: iter(self._out))


@dataclass
class _SourceEntries:
    """Entries ready to be written, some read from the source archive while it is open."""

    entries: dict[str, _Entry] = field(default_factory=dict)
    archive: zipfile.ZipFile | None = None

    def open(self, source: str) -> None:
        self.archive = zipfile.ZipFile(source)

    def copier(self, info: zipfile.ZipInfo) -> Callable[[], Iterator[bytes]]:
        """The compressed bytes of the source entry ``info``, read when they are written."""
        archive = self.archive
        assert archive is not None and archive.fp is not None

        def read() -> Iterator[bytes]:
            fh = archive.fp
            fh.seek(info.header_offset)
            header = fh.read(_LOCAL.size)
            if len(header) != _LOCAL.size or header[:4] != b"PK\x03\x04":
                raise zipfile.BadZipFile(f"bad local header of {info.filename}")
            name_length, extra_length = struct.unpack("<2H", header[26:30])
            fh.seek(name_length + extra_length, os.SEEK_CUR)
            left = info.compress_size
            while left:
                block = fh.read(min(left, 1 << 20))
                if not block:
                    raise zipfile.BadZipFile(f"{info.filename} is cut short")
                left -= len(block)
                yield block

        return read

    def close(self) -> None:
        if self.archive is not None:
            self.archive.close()
            self.archive = None

    def __enter__(self) -> dict[str, _Entry]:
        return self.entries

    def __exit__(self, *_: object) -> None:
        self.close()


#: Zip records as :mod:`zipfile` writes them: version 2.0, deflated, DOS time, no extra
#: fields; sizes past ZIP64_LIMIT would need ZIP64 records, which are not written.
_LOCAL = struct.Struct("<4s2B4HL2L2H")
_CENTRAL = struct.Struct("<4s4B4HL2L5H2L")
_END = struct.Struct("<4s4H2LH")
_DOS_DATE = (_ZIP_TIME[0] - 1980) << 9 | _ZIP_TIME[1] << 5 | _ZIP_TIME[2]
_DOS_TIME = _ZIP_TIME[3] << 11 | _ZIP_TIME[4] << 5 | _ZIP_TIME[5] // 2
_MODE = 0o600 << 16  # zipfile's ?rw------- for an entry given none (create_system 0)


def _local_header(filename: bytes, flags: int, crc: int, compressed: int, size: int) -> bytes:
    fields = (20, 0, flags, zipfile.ZIP_DEFLATED, _DOS_TIME, _DOS_DATE, crc, compressed, size)
    return _LOCAL.pack(b"PK\x03\x04", *fields, len(filename), 0) + filename


def _write_zip(fh: BinaryIO, parts: dict[str, bytes], ready: dict[str, _Entry]) -> None:
    """Write ``parts`` as a zip archive to ``fh``: fixed part order and timestamps, so equal
    parts give equal bytes — the bytes :mod:`zipfile` wrote before (the tests compare).

    Every entry is deflated here (level by size, :func:`_level`) or copied from ``ready``,
    then its local header is written again with the sizes, as zipfile does on a seekable
    file.  No workbook comes near ZIP64's 4 GiB (input is limited to 1 GiB inflated); one
    that did is refused rather than written wrong.
    """
    lead = [name for name in _LEADING if name in parts]
    offset = 0
    central = []
    for name in lead + sorted(set(parts) - set(lead)):
        entry = ready.get(name)
        if entry is None:
            data = parts[name]
            compressor = _deflater(_level(len(data)))
            body = compressor.compress(data) + compressor.flush()
            entry = _Entry(zlib.crc32(data), len(data), lambda body=body: iter((body,)))
        try:
            filename, flags = name.encode("ascii"), 0
        except UnicodeEncodeError:
            filename, flags = name.encode("utf-8"), 0x800
        fh.write(_local_header(filename, flags, 0, 0, 0))
        compressed = 0
        for block in entry.compressed():
            fh.write(block)
            compressed += len(block)
        if max(compressed, entry.size, offset) > zipfile.ZIP64_LIMIT:
            raise ValueError(f"part {name} would need ZIP64, which is not written")
        header = _local_header(filename, flags, entry.crc, compressed, entry.size)
        fh.seek(offset)
        fh.write(header)
        fh.seek(0, os.SEEK_END)
        record = (20, 0, 20, 0, flags, zipfile.ZIP_DEFLATED, _DOS_TIME, _DOS_DATE, entry.crc)
        sizes = (compressed, entry.size, len(filename), 0, 0, 0, 0, _MODE, offset)
        central.append(_CENTRAL.pack(b"PK\x01\x02", *record, *sizes) + filename)
        offset += len(header) + compressed
    if len(central) > zipfile.ZIP_FILECOUNT_LIMIT or offset > zipfile.ZIP64_LIMIT:
        raise ValueError("the archive would need ZIP64, which is not written")
    directory = b"".join(central)
    fh.write(directory)
    count = len(central)
    fh.write(_END.pack(b"PK\x05\x06", 0, 0, count, count, len(directory), offset, 0))


def to_bytes(parts: dict[str, bytes]) -> bytes:
    """The package as zip bytes: fixed part order and timestamps, so equal parts → equal bytes."""
    buffer = io.BytesIO()
    _write_zip(buffer, parts, {})
    return buffer.getvalue()


def refuse_read_only(path: Path) -> None:
    """An OutputError when ``path`` exists read-only (checked before any work is done)."""
    if safety.is_read_only(path):
        raise OutputError(
            f"결과 파일이 읽기 전용이라 덮어쓸 수 없습니다: {path}. 읽기 전용 속성을 끄거나 "
            "다른 이름(-o)으로 저장하십시오. 원본과 기존 결과 파일은 바뀌지 않았습니다."
        )


def write_atomic(data: bytes | Callable[[BinaryIO], None], path: str | os.PathLike[str]) -> None:
    """Write ``data`` to ``path`` through a temp file and a rename: never a half file.

    ``data`` may be a function that writes into the (seekable) temp file: a workbook's
    archive is written so, without being held in memory whole.  A failure becomes an
    OutputError that says why and that nothing else changed.
    """
    path = Path(path)
    refuse_read_only(path)
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        with os.fdopen(fd, "wb") as fh:
            if callable(data):
                data(fh)
            else:
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
    except (KeyboardInterrupt, SystemExit):
        if tmp:
            Path(tmp).unlink(missing_ok=True)
        raise
    except Exception as exc:
        if tmp:
            Path(tmp).unlink(missing_ok=True)
        raise safety.output_error(exc, path) from exc


def backup(path: str | os.PathLike[str], now: datetime | None = None) -> Path:
    """Copy ``path`` beside itself before it is overwritten; returns the copy.

    The one backup policy of every command: ``<stem>.backup-YYYYMMDD-HHMMSS<suffix>``,
    written atomically, never over an earlier backup (a second one the same second gets
    ``-2``), so each in-place run keeps what was there before it.
    """
    path = Path(path)
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.stem}.backup-{stamp}{path.suffix}")
    n = 2
    while target.exists():
        target = path.with_name(f"{path.stem}.backup-{stamp}-{n}{path.suffix}")
        n += 1
    write_atomic(path.read_bytes(), target)
    return target
