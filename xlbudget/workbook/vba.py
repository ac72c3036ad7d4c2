"""Pure-Python writer for an uncompiled Excel VBA project (``xl/vbaProject.bin``).

Why this exists: no maintained, permissively licensed PyPI package writes a correct
vbaProject.bin (``ms-ovba`` 0.0.1's compressor corrupts streams >= 657 bytes, ``cfbwrite``
is AGPL, ``olefile``/``oletools`` only read).  The project we write carries source only:
``_VBA_PROJECT`` declares version 0xFFFF ("no performance cache"), so Excel compiles the
modules from the compressed source on first open, exactly like xlwings'
``quickstart_standalone.xlsm``.

Layers (each specified by Microsoft's open specifications):

* [MS-OVBA] 2.4.1 compression (:func:`compress` / :func:`decompress`);
* [MS-OVBA] 2.3.4 ``VBA/dir`` stream, 2.3.1 ``PROJECT`` text stream, 2.3.3 ``PROJECTwm``;
* [MS-CFB] compound file (version 3, 512-byte sectors) holding those streams.

Output is deterministic: identical modules and project id give identical bytes.
"""

from __future__ import annotations

import re
import struct
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

__all__ = [
    "DEFAULT_PROJECT_ID",
    "VbaModule",
    "build_vba_project",
    "compress",
    "decompress",
    "module_from_file",
    "read_vba_modules",
    "xlwings_standalone_modules",
]

DEFAULT_PROJECT_ID = "{5A3E0D2C-7B41-4C9E-9F1A-2B6D8C0E4F17}"
ModuleKind = Literal["standard", "class", "document"]

# ---------------------------------------------------------------------------------------------
# [MS-OVBA] 2.4.1 compression
# ---------------------------------------------------------------------------------------------
_CHUNK = 4096


def _token_bits(pos_in_chunk: int) -> int:
    """Bits used for the offset part of a CopyToken; grows with the decompressed position."""
    return max((pos_in_chunk - 1).bit_length(), 4)


def _compress_chunk(data: bytes, start: int, end: int) -> bytes:
    """Compress data[start:end] (<= 4096 bytes) into the body of one CompressedChunk.

    Matches the spec's greedy search: longest match, nearest candidate on ties.  A 3-byte
    hash chain keeps it fast; the chain is newest-first, so ties keep the nearest candidate.
    """
    out = bytearray()
    chains: dict[bytes, list[int]] = {}
    cur = start
    while cur < end:
        flag_pos = len(out)
        out.append(0)
        flags = 0
        for bit in range(8):
            if cur >= end:
                break
            bits = _token_bits(cur - start)
            max_len = min((0xFFFF >> bits) + 3, end - cur)
            best_len, best_pos = 0, 0
            if max_len >= 3:
                for cand in reversed(chains.get(data[cur : cur + 3], ())):
                    n = 3
                    while n < max_len and data[cand + n] == data[cur + n]:
                        n += 1
                    if n > best_len:
                        best_len, best_pos = n, cand
                        if n == max_len:
                            break
            if best_len >= 3:
                token = ((cur - best_pos - 1) << (16 - bits)) | (best_len - 3)
                out += struct.pack("<H", token)
                flags |= 1 << bit
                step = best_len
            else:
                out.append(data[cur])
                step = 1
            for p in range(cur, cur + step):
                if p + 3 <= end:
                    chains.setdefault(data[p : p + 3], []).append(p)
            cur += step
        out[flag_pos] = flags
    return bytes(out)


def compress(data: bytes) -> bytes:
    """Return the [MS-OVBA] CompressedContainer for ``data``.

    A full 4096-byte chunk that does not shrink below 4096 bytes is stored raw (flag bit
    clear, exactly 4096 bytes), as the spec requires.  A *final* partial chunk cannot be
    stored raw without zero padding (raw chunks always decompress to 4096 bytes), which
    would change the data, so that case raises instead of silently corrupting; it needs
    >= 3641 bytes without any repeated 3-byte sequence and never occurs for source code.
    """
    out = bytearray(b"\x01")
    for start in range(0, len(data), _CHUNK):
        end = min(start + _CHUNK, len(data))
        body = _compress_chunk(data, start, end)
        if len(body) <= _CHUNK:
            out += struct.pack("<H", 0xB000 | (len(body) + 2 - 3)) + body
        elif end - start == _CHUNK:
            out += struct.pack("<H", 0x3000 | 0x0FFF) + data[start:end]
        else:
            raise ValueError(
                f"final chunk of {end - start} bytes is incompressible and cannot be stored "
                "raw without padding"
            )
    return bytes(out)


def decompress(data: bytes) -> bytes:
    """Decode an [MS-OVBA] CompressedContainer (strict about signatures, lenient at the end)."""
    if not data or data[0] != 0x01:
        raise ValueError("not an MS-OVBA compressed container (signature byte != 0x01)")
    out = bytearray()
    pos = 1
    while pos < len(data):
        if pos + 2 > len(data):
            raise ValueError("truncated chunk header")
        (header,) = struct.unpack_from("<H", data, pos)
        if (header >> 12) & 0b111 != 0b011:
            raise ValueError(f"bad chunk signature at offset {pos}")
        chunk_end = min(pos + (header & 0x0FFF) + 3, len(data))
        pos += 2
        chunk_start = len(out)
        if not header & 0x8000:
            out += data[pos : pos + _CHUNK]
            pos += _CHUNK
            continue
        while pos < chunk_end:
            flags = data[pos]
            pos += 1
            for bit in range(8):
                if pos >= chunk_end:
                    break
                if not (flags >> bit) & 1:
                    out.append(data[pos])
                    pos += 1
                    continue
                if pos + 2 > chunk_end:
                    raise ValueError("truncated copy token")
                (token,) = struct.unpack_from("<H", data, pos)
                pos += 2
                bits = _token_bits(len(out) - chunk_start)
                length = (token & (0xFFFF >> bits)) + 3
                src = len(out) - ((token >> (16 - bits)) + 1)
                if src < chunk_start:
                    raise ValueError("copy token points before the chunk start")
                for i in range(length):  # byte-wise: the source may overlap the output
                    out.append(out[src + i])
        pos = chunk_end
    return bytes(out)


# ---------------------------------------------------------------------------------------------
# [MS-CFB] compound file writer (version 3)
# ---------------------------------------------------------------------------------------------
# Why not the ``ms-cfb`` package: version 0.0.x from a single author, imports ``ms_dtyp``
# without declaring it, and pulls in PyYAML plus a red-black-tree package for what is a
# ~100-line job here.  Our writer is checked against olefile in the tests.
_SECTOR = 512
_MINI = 64
_MINI_CUTOFF = 4096
_FREESECT, _ENDOFCHAIN, _FATSECT, _NOSTREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF


@dataclass
class _Entry:
    name: str
    kind: int  # 1 storage, 2 stream, 5 root
    data: bytes = b""
    children: list[int] | None = None
    left: int = _NOSTREAM
    right: int = _NOSTREAM
    child: int = _NOSTREAM
    black: bool = True
    start: int = _ENDOFCHAIN


def _cfb_key(name: str) -> tuple[int, str]:
    """[MS-CFB] 2.6.4 sibling order: shorter names first, then case-insensitive compare."""
    return len(name.encode("utf-16-le")) // 2, name.upper()


def _link_siblings(entries: list[_Entry], ids: list[int]) -> int:
    """Link ``ids`` into a balanced binary search tree and return its root id.

    Colouring: nodes on an incomplete deepest level are red, all others black.  Because a
    midpoint split leaves null links only on the last two levels, every root-to-leaf path
    then has the same number of black nodes, so this is a valid red-black tree.
    """
    ordered = sorted(ids, key=lambda i: _cfb_key(entries[i].name))
    depth_max = len(ordered).bit_length() - 1
    full = len(ordered) == (1 << (depth_max + 1)) - 1

    def build(lo: int, hi: int, depth: int) -> int:
        if lo >= hi:
            return _NOSTREAM
        mid = (lo + hi) // 2
        node = entries[ordered[mid]]
        node.left = build(lo, mid, depth + 1)
        node.right = build(mid + 1, hi, depth + 1)
        node.black = full or depth < depth_max
        return ordered[mid]

    return build(0, len(ordered), 0)


def _build_cfb(streams: dict[str, bytes]) -> bytes:
    """Serialize ``{"storage/stream": data}`` as a deterministic CFB v3 file.

    Layout: header, mini-stream sectors, large streams, MiniFAT, directory, FAT.  Times and
    CLSIDs are zero so the output depends only on the input.
    """
    entries = [_Entry("Root Entry", 5, children=[])]
    storages: dict[str, int] = {"": 0}
    for path, data in streams.items():
        parts = path.split("/")
        parent = ""
        for depth, part in enumerate(parts):
            if len(part) > 31 or any(c in part for c in "/\\:!"):
                raise ValueError(f"invalid compound-file name: {part!r}")
            key = "/".join(parts[: depth + 1])
            is_stream = depth == len(parts) - 1
            if not is_stream and key in storages:
                parent = key
                continue
            if key in storages:
                raise ValueError(f"duplicate compound-file path: {path!r}")
            entry = _Entry(part, 2, data) if is_stream else _Entry(part, 1, children=[])
            entries.append(entry)
            sibling_list = entries[storages[parent]].children
            assert sibling_list is not None
            sibling_list.append(len(entries) - 1)
            storages[key] = len(entries) - 1
            parent = key
    for entry in entries:
        if entry.children:
            entry.child = _link_siblings(entries, entry.children)

    fat: list[int] = []
    body = bytearray()

    def put_chain(data: bytes, unit: int, table: list[int], out: bytearray) -> int:
        """Append ``data`` as a chain of ``unit``-sized sectors; return the first sector."""
        count = -(-len(data) // unit)
        if count == 0:
            return _ENDOFCHAIN
        first = len(table)
        table.extend(range(first + 1, first + count))
        table.append(_ENDOFCHAIN)
        out += data.ljust(count * unit, b"\0")
        return first

    minifat: list[int] = []
    ministream = bytearray()
    for entry in entries:
        if entry.kind == 2 and len(entry.data) < _MINI_CUTOFF:
            entry.start = put_chain(entry.data, _MINI, minifat, ministream)
    entries[0].data = bytes(ministream)
    entries[0].start = put_chain(entries[0].data, _SECTOR, fat, body)
    for entry in entries:
        if entry.kind == 2 and len(entry.data) >= _MINI_CUTOFF:
            entry.start = put_chain(entry.data, _SECTOR, fat, body)
    minifat_bytes = struct.pack(f"<{len(minifat)}I", *minifat)
    minifat_start = put_chain(minifat_bytes, _SECTOR, fat, body)

    directory = bytearray()
    for entry in entries + [None] * (-len(entries) % (_SECTOR // 128)):
        if entry is None:
            directory += bytes(68) + struct.pack("<3I", _NOSTREAM, _NOSTREAM, _NOSTREAM)
            directory += bytes(128 - 80)
            continue
        name = entry.name.encode("utf-16-le") + b"\0\0"
        size = len(entry.data) if entry.kind != 1 else 0
        start = entry.start if entry.kind != 1 else 0
        directory += name.ljust(64, b"\0") + struct.pack(
            "<HBB3I16sIQQIQ",
            len(name),
            entry.kind,
            1 if entry.black else 0,
            entry.left,
            entry.right,
            entry.child,
            bytes(16),
            0,
            0,
            0,
            start,
            size,
        )
    dir_start = put_chain(bytes(directory), _SECTOR, fat, body)

    n_fat = 0
    while n_fat * (_SECTOR // 4) < len(fat) + n_fat:
        n_fat += 1
    if n_fat > 109:
        raise ValueError("VBA project too large for a compound file without DIFAT sectors")
    fat_start = len(fat)
    fat.extend([_FATSECT] * n_fat)
    fat.extend([_FREESECT] * (n_fat * (_SECTOR // 4) - len(fat)))
    body += struct.pack(f"<{len(fat)}I", *fat)

    difat = [fat_start + i for i in range(n_fat)] + [_FREESECT] * (109 - n_fat)
    header = struct.pack(
        "<8s16sHHHHH6sIIIIIIIII109I",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
        bytes(16),
        0x003E,
        0x0003,
        0xFFFE,
        9,
        6,
        bytes(6),
        0,
        n_fat,
        dir_start,
        0,
        _MINI_CUTOFF,
        minifat_start,
        -(-len(minifat_bytes) // _SECTOR),
        _ENDOFCHAIN,
        0,
        *difat,
    )
    return header + bytes(body)


# ---------------------------------------------------------------------------------------------
# [MS-OVBA] project streams
# ---------------------------------------------------------------------------------------------
_CODEPAGE = 1252
_LCID = 0x0409
_SYSKIND = 3  # 64-bit Windows, as in xlwings' quickstart_standalone.xlsm
_REFERENCES = (
    (
        "stdole",
        r"*\G{00020430-0000-0000-C000-000000000046}#2.0#0#C:\Windows\System32\stdole2.tlb"
        "#OLE Automation",
    ),
    (
        "Office",
        r"*\G{2DF8D04C-5BFA-101B-BDE5-00AA0044DE52}#2.0#0#C:\Program Files\Common Files"
        r"\Microsoft Shared\OFFICE16\MSO.DLL#Microsoft Office 16.0 Object Library",
    ),
)
_DOC_BASES = {
    "{00020819-0000-0000-C000-000000000046}": "workbook",
    "{00020820-0000-0000-C000-000000000046}": "worksheet",
    "{00020821-0000-0000-C000-000000000046}": "chart",
}
_CLASS_BASE = "0{FCFB3D2A-A0FA-1068-A738-08002B3371B5}"
_IDENT = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,30}")
_GUID = re.compile(r"\{[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}\}")


@dataclass(frozen=True)
class VbaModule:
    """One VBA module; ``source`` is the full text as stored, including Attribute lines."""

    name: str
    kind: ModuleKind
    source: str

    def encoded(self) -> bytes:
        """Source as stored in the module stream: CRLF line endings, cp1252 bytes."""
        text = self.source.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\r\n")
        return text.encode("cp1252")


def _attribute(source: str, attr: str) -> str | None:
    """Value of ``Attribute <attr> = ...`` (quotes stripped), or None when absent."""
    m = re.search(rf'^Attribute {attr} = "?([^"\r\n]*)"?\s*$', source, re.M | re.I)
    return m.group(1) if m else None


def _validate(modules: Sequence[VbaModule]) -> None:
    """Reject what Excel would reject or silently mangle, with a message naming the module."""
    seen: set[str] = set()
    for m in modules:
        if not _IDENT.fullmatch(m.name):
            raise ValueError(f"invalid VBA module name {m.name!r}")
        if m.name.upper() in seen:
            raise ValueError(f"duplicate VBA module name {m.name!r} (names are case-insensitive)")
        seen.add(m.name.upper())
        if m.kind not in ("standard", "class", "document"):
            raise ValueError(f"{m.name}: unknown module kind {m.kind!r}")
        try:
            m.encoded()
        except UnicodeEncodeError as exc:
            raise ValueError(f"{m.name}: source is not representable in cp1252") from exc
        if _attribute(m.source, "VB_Name") != m.name:
            raise ValueError(f'{m.name}: source must start with Attribute VB_Name = "{m.name}"')
        if m.kind == "document" and (_attribute(m.source, "VB_Base") or "")[1:] not in _DOC_BASES:
            raise ValueError(f"{m.name}: document module needs a workbook/worksheet VB_Base")


def _rec(rid: int, payload: bytes = b"") -> bytes:
    return struct.pack("<HI", rid, len(payload)) + payload


def _text_rec(rid: int, uid: int, text: str) -> bytes:
    """A record with an MBCS string followed by its UTF-16LE twin (``uid`` = Reserved id)."""
    return _rec(rid, text.encode("cp1252")) + _rec(uid, text.encode("utf-16-le"))


def _dir_stream(modules: Sequence[VbaModule]) -> bytes:
    """Uncompressed ``VBA/dir`` content ([MS-OVBA] 2.3.4.2)."""
    out = bytearray()
    out += _rec(0x01, struct.pack("<I", _SYSKIND))
    out += _rec(0x02, struct.pack("<I", _LCID))
    out += _rec(0x14, struct.pack("<I", _LCID))
    out += _rec(0x03, struct.pack("<H", _CODEPAGE))
    out += _rec(0x04, b"VBAProject")
    out += _text_rec(0x05, 0x40, "")  # DOCSTRING
    out += _text_rec(0x06, 0x3D, "")  # HELPFILEPATH (both copies empty)
    out += _rec(0x07, struct.pack("<I", 0))  # HELPCONTEXT
    out += _rec(0x08, struct.pack("<I", 0))  # LIBFLAGS
    out += struct.pack("<HIIH", 0x09, 4, 1, 0)  # VERSION: Reserved=4, major 1, minor 0
    out += _text_rec(0x0C, 0x3C, "")  # CONSTANTS
    for name, libid in _REFERENCES:
        out += _text_rec(0x16, 0x3E, name)
        lib = libid.encode("cp1252")
        out += _rec(0x0D, struct.pack("<I", len(lib)) + lib + struct.pack("<IH", 0, 0))
    out += _rec(0x0F, struct.pack("<H", len(modules)))
    out += _rec(0x13, struct.pack("<H", 0xFFFF))  # PROJECTCOOKIE
    for m in modules:
        out += _rec(0x19, m.name.encode("cp1252")) + _rec(0x47, m.name.encode("utf-16-le"))
        out += _text_rec(0x1A, 0x32, m.name)  # MODULESTREAMNAME
        out += _text_rec(0x1C, 0x48, "")  # MODULEDOCSTRING
        out += _rec(0x31, struct.pack("<I", 0))  # MODULEOFFSET: source starts the stream
        out += _rec(0x1E, struct.pack("<I", 0))  # MODULEHELPCONTEXT
        out += _rec(0x2C, struct.pack("<H", 0xFFFF))  # MODULECOOKIE
        out += _rec(0x21 if m.kind == "standard" else 0x22)
        out += _rec(0x2B)
    out += _rec(0x10)
    return bytes(out)


def _encrypt(project_id: str, data: bytes, seed: int = 0x07, ignored: int = 0x07) -> str:
    """[MS-OVBA] 2.4.3.2 data "encryption" (obfuscation) for the CMG/DPB/GC lines.

    A fixed seed and fixed "ignored" bytes (as in the spec's 3.1.6 example) keep the output
    deterministic.  ProjKey is derived from the project id, so CMG/DPB/GC values copied from
    another project would be inconsistent with ours.
    """
    version_enc, proj_key = seed ^ 2, sum(project_id.encode("ascii")) & 0xFF
    out = bytearray([seed, version_enc, seed ^ proj_key])
    unenc1, enc1, enc2 = proj_key, seed ^ proj_key, version_enc
    plain = bytes([ignored] * ((seed & 6) // 2)) + struct.pack("<I", len(data)) + data
    for byte in plain:
        enc = byte ^ ((enc2 + unenc1) & 0xFF)
        out.append(enc)
        enc2, enc1, unenc1 = enc1, enc, byte
    return out.hex().upper()


def _project_stream(modules: Sequence[VbaModule], project_id: str) -> bytes:
    """The ``PROJECT`` text stream ([MS-OVBA] 2.3.1): unprotected and visible."""
    lines = [f'ID="{project_id}"']
    for m in modules:
        lines.append(
            {"document": f"Document={m.name}/&H00000000", "class": f"Class={m.name}"}.get(
                m.kind, f"Module={m.name}"
            )
        )
    lines += [
        'Name="VBAProject"',
        'HelpContextID="0"',
        'VersionCompatible32="393222000"',
        f'CMG="{_encrypt(project_id, bytes(4))}"',  # ProjectProtectionState: none
        f'DPB="{_encrypt(project_id, bytes(1))}"',  # ProjectPassword: none
        f'GC="{_encrypt(project_id, bytes([0xFF]))}"',  # ProjectVisibilityState: visible
        "",
        "[Host Extender Info]",
        "&H00000001={3832D640-CF90-11CF-8E43-00A0C911005A};VBE;&H00000000",
        "",
        "[Workspace]",
    ]
    lines += [f"{m.name}=0, 0, 0, 0, C" for m in modules]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("cp1252")


def _projectwm_stream(modules: Sequence[VbaModule]) -> bytes:
    """``PROJECTwm`` ([MS-OVBA] 2.3.3): MBCS and UTF-16 name pairs, double-NUL terminated."""
    out = bytearray()
    for m in modules:
        out += m.name.encode("cp1252") + b"\0" + m.name.encode("utf-16-le") + b"\0\0"
    return bytes(out + b"\0\0")


def build_vba_project(modules: Sequence[VbaModule], project_id: str = DEFAULT_PROJECT_ID) -> bytes:
    """Return the bytes of ``xl/vbaProject.bin`` holding ``modules`` as uncompiled source.

    ``project_id`` is a fixed GUID (upper-case, braced) so builds are reproducible.
    """
    if not _GUID.fullmatch(project_id):
        raise ValueError(f"project_id must look like {{XXXXXXXX-XXXX-...}}: {project_id!r}")
    modules = list(modules)
    _validate(modules)
    streams = {
        "PROJECT": _project_stream(modules, project_id),
        "PROJECTwm": _projectwm_stream(modules),
        # Version 0xFFFF = no performance cache: Excel compiles from the module source.
        "VBA/_VBA_PROJECT": bytes.fromhex("CC61FFFF000100"),
        "VBA/dir": compress(_dir_stream(modules)),
    }
    for m in modules:
        streams[f"VBA/{m.name}"] = compress(m.encoded())
    return _build_cfb(streams)


# ---------------------------------------------------------------------------------------------
# Reading (verification, and extracting xlwings' modules)
# ---------------------------------------------------------------------------------------------
def _dir_records(dir_data: bytes) -> list[tuple[int, bytes]]:
    """Split a decompressed ``dir`` stream into (record id, payload) up to the terminator."""
    records, pos = [], 0
    while pos + 6 <= len(dir_data):
        rid, size = struct.unpack_from("<HI", dir_data, pos)
        if rid == 0x09:  # PROJECTVERSION: "size" is a Reserved field; the payload is 6 bytes
            size = 6
        records.append((rid, dir_data[pos + 6 : pos + 6 + size]))
        pos += 6 + size
        if rid == 0x10:
            break
    return records


def _parse_dir(dir_data: bytes) -> tuple[int, list[tuple[str, str, int, int]]]:
    """Return (codepage, [(module name, stream name, source offset, MODULETYPE id)])."""
    codepage, modules = _CODEPAGE, []
    name = stream = ""
    offset = mtype = 0
    for rid, payload in _dir_records(dir_data):
        if rid == 0x03:
            (codepage,) = struct.unpack("<H", payload)
        elif rid == 0x47:  # MODULENAMEUNICODE / MODULESTREAMNAME unicode: exact names
            name = payload.decode("utf-16-le")
        elif rid == 0x32:
            stream = payload.decode("utf-16-le")
        elif rid == 0x31:
            (offset,) = struct.unpack("<I", payload)
        elif rid in (0x21, 0x22):
            mtype = rid
        elif rid == 0x2B:
            modules.append((name, stream, offset, mtype))
    return codepage, modules


def _read_modules(data: bytes) -> list[tuple[str, int, str]]:
    """(name, MODULETYPE id, source) for each module of a vbaProject.bin, in dir order."""
    import olefile  # lazy: reading is a verification/extraction path, not needed to write

    with olefile.OleFileIO(data) as ole:
        codepage, entries = _parse_dir(decompress(ole.openstream("VBA/dir").read()))
        return [
            (
                name,
                mtype,
                decompress(ole.openstream(f"VBA/{stream}").read()[offset:]).decode(f"cp{codepage}"),
            )
            for name, stream, offset, mtype in entries
        ]


def read_vba_modules(data: bytes) -> dict[str, str]:
    """Module name -> source text (as stored, CRLF) of any vbaProject.bin, ours or Excel's."""
    return {name: source for name, _, source in _read_modules(data)}


def module_from_file(path: str | Path) -> VbaModule:
    """Load an exported ``.bas``/``.cls`` file, normalised to the stored module-stream form.

    VBE exports classes with a ``VERSION 1.0 CLASS``/``BEGIN``...``END`` header and without
    the ``VB_Base``/``VB_TemplateDerived``/``VB_Customizable`` attributes that Excel stores;
    we strip the former and add the latter.  A ``.cls`` whose VB_Base is a workbook or
    worksheet type is a document module (ThisWorkbook, Sheet1, ...).
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".bas", ".cls"):
        raise ValueError(f"{path}: only .bas and .cls modules are supported")
    text = path.read_bytes().decode("cp1252").replace("\r\n", "\n")
    text = re.sub(r"\AVERSION [^\n]*\nBEGIN\n.*?^END\n", "", text, flags=re.M | re.S)
    name = _attribute(text, "VB_Name") or path.stem
    if suffix == ".bas":
        return VbaModule(name, "standard", text)
    base = _attribute(text, "VB_Base")
    if base and base[1:] in _DOC_BASES:
        return VbaModule(name, "document", text)
    lines = text.split("\n")
    if base is None:
        lines.insert(1, f'Attribute VB_Base = "{_CLASS_BASE}"')
    attrs = [i for i, line in enumerate(lines) if line.startswith("Attribute VB_")]
    last = attrs[-1] if attrs else 0
    for extra in ("VB_Customizable", "VB_TemplateDerived"):
        if _attribute(text, extra) is None:
            lines.insert(last + 1, f"Attribute {extra} = False")
    return VbaModule(name, "class", "\n".join(lines))


def _standalone_vba_bytes() -> tuple[bytes, str]:
    import zipfile

    import xlwings

    path = Path(xlwings.__file__).parent / "quickstart_standalone.xlsm"
    with zipfile.ZipFile(path) as zf:
        return zf.read("xl/vbaProject.bin"), xlwings.__version__


def xlwings_standalone_modules() -> list[VbaModule]:
    """The ``xlwings`` (.bas) and ``Dictionary`` (.cls) modules of the installed xlwings.

    Extracted at call time from xlwings' own quickstart_standalone.xlsm so the VBA always
    matches the Python package; a version mismatch would make RunPython fail at runtime,
    so it raises here instead.
    """
    data, version = _standalone_vba_bytes()
    sources = read_vba_modules(data)
    missing = {"xlwings", "Dictionary"} - sources.keys()
    if missing:
        raise RuntimeError(f"quickstart_standalone.xlsm lacks VBA module(s) {sorted(missing)}")
    found = re.search(r"^'Version:\s*(\S+)", sources["xlwings"], re.M)
    if not found or found.group(1) != version:
        raise RuntimeError(
            f"xlwings VBA module version {found.group(1) if found else '?'} does not match "
            f"the installed xlwings {version}"
        )
    return [
        VbaModule("xlwings", "standard", sources["xlwings"]),
        VbaModule("Dictionary", "class", sources["Dictionary"]),
    ]
