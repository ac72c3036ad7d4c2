"""Checks a workbook file must pass before any parser sees it, and clear errors for outputs.

Officers open files from other departments; some are damaged, some may be hostile.  The
parsers behind xlbudget each have their own weak spot: lxml and openpyxl parse XML (an
entity bomb or an external entity), python-calamine is native code that allocates a dense
grid from the farthest cell with a value (one value in XFD1048576 aborts the whole process,
which no ``except`` can catch), and any zip reader will inflate a zip bomb.  So a file is
vetted once, cheaply, in this order, and refused with a Korean message that names the file
and what is wrong:

1. the first bytes: an encrypted workbook, an old .xls, an HTML export or an empty file is
   not a zip and gets its own explanation;
2. the zip directory: member count, declared sizes and compression ratio (nothing inflated
   yet), encrypted or exotic members, duplicate names;
3. every XML part, inflated one at a time up to its declared size (zipfile stops there and
   checks the CRC, so a lying size cannot inflate more): well-formed, no DTD at all (Excel
   never writes one, and it is the carrier of entity bombs and XXE), and every sheet's grid
   of valued cells small enough for calamine.
"""

from __future__ import annotations

import errno
import re
import stat
import xml.parsers.expat
import zipfile
import zlib
from pathlib import Path

from ...core.errors import OutputError, UnsafeFileError
from ...core.refs import MAX_COLUMNS, col_letter

#: Uncompressed, all parts together: a full sheet (1,048,576 rows) of a city's budget lines
#: is about 480 MB of XML.
MAX_TOTAL_BYTES = 1024 * 1024 * 1024
MAX_RATIO = 200  # uncompressed / compressed; real workbooks are 5–30
MAX_MEMBERS = 10_000
#: Cells of the rectangle from A1 to a sheet's farthest valued cell (what calamine allocates
#: and read_values returns): a sheet of Excel's full height (1,048,576 rows) up to 19 columns
#: wide, a 50,000-row × 400-column export; an absurd extent (one value in XFD1048576 is 17
#: billion cells) is refused before calamine sees it.
MAX_SHEET_CELLS = 20_000_000
MAX_BOOK_CELLS = 30_000_000
_CHUNK = 1 << 20

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_XML_SUFFIXES = (".xml", ".rels", ".vml")
_SUPPORTED_COMPRESSION = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)


# ----------------------------------------------------------------------------- the file


def check_file(path: Path) -> None:
    """Refuse a file that is not an OOXML zip, explaining what it is instead."""
    path = Path(path)
    try:
        with open(path, "rb") as fh:
            head = fh.read(8)
    except FileNotFoundError:
        raise UnsafeFileError(f"파일이 없습니다: {path}") from None
    except IsADirectoryError:
        raise UnsafeFileError(f"파일이 아니라 폴더입니다: {path}") from None
    except OSError as exc:
        raise UnsafeFileError(f"파일을 읽을 수 없습니다: {path} ({exc.strerror})") from None
    if head.startswith(ZIP_MAGICS):
        return
    name = path.name
    if not head:
        raise UnsafeFileError(f"'{name}'은(는) 빈 파일(0바이트)입니다: {path}")
    if head == OLE_MAGIC:
        raise UnsafeFileError(_describe_ole(path))
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith(b"<"):
        raise UnsafeFileError(
            f"'{name}'은(는) 엑셀 통합 문서가 아니라 HTML/XML 문서입니다(확장자만 엑셀). "
            f"엑셀에서 열어 '다른 이름으로 저장 → Excel 통합 문서(.xlsx)'로 저장한 뒤 다시 "
            f"실행하십시오: {path}"
        )
    raise UnsafeFileError(
        f"'{name}'은(는) 엑셀 통합 문서(.xlsx/.xlsm)가 아닙니다(zip 형식이 아님, 처음 바이트 "
        f"{head[:4].hex(' ')}): {path}"
    )


def _describe_ole(path: Path) -> str:
    """An OLE compound file: an encrypted OOXML workbook or an old binary .xls."""
    import olefile

    name = path.name
    try:
        with olefile.OleFileIO(str(path)) as ole:
            streams = {"/".join(entry) for entry in ole.listdir(streams=True, storages=False)}
    except Exception:  # a damaged compound file: say what it claims to be
        streams = set()
    if {"EncryptionInfo", "EncryptedPackage"} & streams:
        return (
            f"'{name}'은(는) 암호로 보호된 통합 문서입니다. 엑셀에서 열어 [파일 → 정보 → 통합 "
            f"문서 보호 → 암호 설정]에서 암호를 지우고 저장한 뒤 다시 실행하십시오: {path}"
        )
    if {"Workbook", "Book"} & streams:
        return (
            f"'{name}'은(는) 옛 엑셀 형식(.xls, Excel 97-2003)입니다. 엑셀에서 열어 "
            f"'Excel 통합 문서(.xlsx)'로 저장한 뒤 다시 실행하십시오: {path}"
        )
    return (
        f"'{name}'은(는) 엑셀 통합 문서(.xlsx/.xlsm)가 아닌 OLE 복합 문서이거나 손상된 "
        f"파일입니다: {path}"
    )


def open_zip(path: Path) -> zipfile.ZipFile:
    """The file as a zip, after :func:`check_file`; a truncated zip gets its own message."""
    check_file(path)
    try:
        return zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise UnsafeFileError(
            f"'{Path(path).name}'이(가) 잘렸거나 손상되었습니다(zip 목차를 찾을 수 없음). "
            f"복사나 내려받기가 끝까지 되었는지 확인하십시오: {path}"
        ) from None
    except (OSError, ValueError, NotImplementedError) as exc:
        raise UnsafeFileError(f"'{Path(path).name}'을(를) 열 수 없습니다: {path} ({exc})") from None


# ----------------------------------------------------------------------------- the zip


def check_archive(archive: zipfile.ZipFile, path: Path) -> None:
    """Refuse by the zip directory alone: bombs, encryption, exotic or duplicate members."""
    name = Path(path).name
    infos = archive.infolist()
    if len(infos) > MAX_MEMBERS:
        raise UnsafeFileError(
            f"'{name}'에 파트가 {len(infos):,}개나 있습니다(최대 {MAX_MEMBERS:,}): {path}"
        )
    total = sum(i.file_size for i in infos)
    packed = max(sum(i.compress_size for i in infos), 1)
    try:
        on_disk = max(Path(path).stat().st_size, 1)
    except OSError:
        on_disk = packed
    ratio = total / min(packed, on_disk)
    if total > MAX_TOTAL_BYTES or ratio > MAX_RATIO:
        raise UnsafeFileError(
            f"'{name}'은(는) 압축을 풀면 비정상적으로 커지는 파일입니다(zip bomb 의심, "
            f"{total:,} 바이트, 압축률 {ratio:,.0f}배; 최대 {MAX_TOTAL_BYTES // 2**20} MB, "
            f"{MAX_RATIO}배). 파일을 열지 않았습니다: {path}"
        )
    seen: set[str] = set()
    for info in infos:
        if info.filename in seen:
            raise UnsafeFileError(
                f"'{name}'에 같은 이름의 파트가 두 번 있습니다({info.filename}): 손상되었거나 "
                f"조작된 파일입니다: {path}"
            )
        seen.add(info.filename)
        member = info.filename.replace("\\", "/")
        if member.startswith("/") or ".." in member.split("/"):
            raise UnsafeFileError(
                f"'{name}'에 잘못된 파트 이름이 있습니다({info.filename!r}): 조작된 파일일 수 "
                f"있어 열지 않았습니다: {path}"
            )
        if info.flag_bits & 0x1:
            raise UnsafeFileError(
                f"'{name}'의 파트 {info.filename}이(가) 암호화되어 있습니다(암호로 보호된 "
                f"파일): {path}"
            )
        if info.compress_type not in _SUPPORTED_COMPRESSION:
            raise UnsafeFileError(
                f"'{name}'의 파트 {info.filename}은(는) 엑셀이 쓰지 않는 압축 방식"
                f"({info.compress_type})입니다: {path}"
            )


# ----------------------------------------------------------------------------- the parts


class _Refused(Exception):
    """Raised from an expat handler to stop parsing at a DTD."""


def _expat_check(data: bytes) -> None:
    """Parse ``data`` for well-formedness only, stopping at the start of any DTD."""
    parser = xml.parsers.expat.ParserCreate()
    parser.SetParamEntityParsing(xml.parsers.expat.XML_PARAM_ENTITY_PARSING_NEVER)

    def refuse(*_args: object) -> None:
        raise _Refused

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse
    parser.Parse(data, True)


def _looks_like_xml(name: str, data: bytes) -> bool:
    if name.lower().endswith(_XML_SUFFIXES):
        return True
    head = data[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
    return head.startswith(b"<") or data[:2] in (b"\xff\xfe", b"\xfe\xff")


#: The address of a cell that holds something (not self-closing): ``<c r="B7" t="s">``.
#: ``[<:]c`` stands for an optionally prefixed tag (``<x:c``) and is much faster than a group.
_VALUED_REF = re.compile(
    rb"""[<:]c\s[^>]*?\br\s*=\s*["']\$?([A-Za-z]{1,3})\$?([0-9]{1,7})["'][^>]*(?<!/)>"""
)
_CELL_OPEN = re.compile(rb"<(?:[\w.-]+:)?c(\s[^>]*)?>")
_ROW_REF = re.compile(rb"""[<:]row\s[^>]*?\br\s*=\s*["']([0-9]{1,7})["']""")
_ROW_SPLIT = re.compile(rb"[<:]row[\s>/]")
_SHEET_DATA = re.compile(rb"<(?:[\w.-]+:)?sheetData[\s>/]")


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ch - 64
    return n


def _valued(data: bytes) -> int:
    """How many cells of ``data`` hold a value (a ``<v>`` or an inline ``<is>``)."""
    if b"<sheetData" in data:  # the usual unprefixed markup: count in C
        return data.count(b"<v>") + data.count(b"<v ") + data.count(b"<is>")
    return sum(not a.endswith(b"/") for a in _CELL_OPEN.findall(data))


#: The usual markup of a cell, its address first: ``<c r="AB12"``.  Separate patterns for the
#: letters and the digits: ``findall`` of one group is several times faster than of a pair.
_COLUMN_OF_CELL = re.compile(rb'<c r="([A-Za-z]{1,3})[0-9]{1,7}"')
_ROW_OF_CELL = re.compile(rb'<c r="[A-Za-z]{1,3}([0-9]{1,7})"')


def sheet_extent(data: bytes) -> tuple[int, int]:
    """(rows, columns) of the rectangle from A1 to the farthest cell that holds something
    (:func:`exact_extent`), found fast in the usual markup.

    A city's data sheet has millions of cells, and collecting each one's address with the
    exact pattern cost most of the vetting.  When every element of ``sheetData`` that starts
    with ``<c`` is a cell whose address comes first (``<c r="B7"``: what Excel, openpyxl and
    LibreOffice write), the farthest column and row among all cells are found by two light
    scans; if a cell holding something stands at both extremes (a formatting-only cell does
    not count), that is the exact answer.  Anything else — prefixed tags, cells placed by
    counting, rich-text runs, a farthest cell that holds nothing — takes the exact path.
    """
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return exact_extent(data)
    start = data.find(b"<sheetData")
    end = data.rfind(b"</sheetData>")
    if start < 0 or end < start:
        return exact_extent(data)
    tags = data.count(b"<c", start, end)
    rows = _ROW_OF_CELL.findall(data, start, end)
    if not rows or len(rows) != tags:
        return exact_extent(data)
    distinct_rows = set(rows)
    max_row = max(int(r) for r in distinct_rows)
    columns = set(_COLUMN_OF_CELL.findall(data, start, end))
    max_col = max(_column_number(c) for c in columns)
    # The cells at the extremes, each spelling of them: one must hold something.
    far_columns = b"|".join(re.escape(c) for c in columns if _column_number(c) == max_col)
    far_rows = b"|".join(re.escape(r) for r in distinct_rows if int(r) == max_row)
    at_column = re.compile(rb'<c r="(?:%s)[0-9]{1,7}"[^>]*(?<!/)>' % far_columns)
    at_row = re.compile(rb'<c r="[A-Za-z]{1,3}(?:%s)"[^>]*(?<!/)>' % far_rows)
    if at_column.search(data, start, end) and at_row.search(data, start, end):
        return max(max_row, 1), max_col
    return exact_extent(data)


def exact_extent(data: bytes) -> tuple[int, int]:
    """(rows, columns) of the rectangle from A1 to the farthest cell that holds something.

    An upper bound of what calamine allocates: self-closing cells (``<c r="X9" s="1"/>``,
    formatting only) hold no value and are skipped, as calamine skips them; cells or rows
    without an ``r`` attribute are counted as if they followed the farthest explicit one.
    """
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        data = data.decode("utf-16").encode("utf-8")
    refs = _VALUED_REF.findall(data)
    max_col = max((_column_number(c) for c in {c for c, _ in refs}), default=0)
    max_row = max((int(r) for r in {r for _, r in refs}), default=0)
    valued = _valued(data)
    if not refs and not valued:
        return 0, 0
    if len(refs) >= valued:  # every valued cell has its address: the usual case
        return max(max_row, 1), max_col
    segments = _ROW_SPLIT.split(data)[1:]  # some cells are placed by counting
    max_col += max((_valued(b"<sheetData>" + seg) for seg in segments), default=valued)
    row_refs = _ROW_REF.findall(data)
    max_row = max(max_row, max((int(r) for r in set(row_refs)), default=0), 1)
    if len(row_refs) < len(segments):  # and some rows too
        max_row += len(segments)
    return max_row, max_col


def check_parts(
    archive: zipfile.ZipFile, path: Path
) -> tuple[dict[str, bytes], dict[str, tuple[int, int]]]:
    """Inflate each part once (up to its declared size): XML well-formed, no DTD.

    Returns the parts' bytes, so that nothing is inflated twice (the package is built from
    them), and each sheet part's grid (rows, columns) for :func:`check_grids`, which needs
    the sheet names to say where a grid is too large.
    """
    name = Path(path).name
    parts: dict[str, bytes] = {}
    grids: dict[str, tuple[int, int]] = {}
    for info in archive.infolist():
        if info.is_dir():
            continue
        part = info.filename
        try:
            data = archive.read(info)  # checks the CRC; never more than the declared size
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError, RuntimeError) as exc:
            raise UnsafeFileError(
                f"'{name}'의 파트 {part}이(가) 손상되었습니다({exc}). 엑셀에서 열어 다시 "
                f"저장하거나 원본을 다시 받으십시오: {path}"
            ) from None
        parts[part] = data
        if not _looks_like_xml(part, data):
            continue
        try:
            _expat_check(data)
        except _Refused:
            raise UnsafeFileError(
                f"'{name}'의 파트 {part}에 DTD(<!DOCTYPE>·엔티티 선언)가 들어 있습니다. 엑셀이 "
                f"만든 파일에는 없는 것으로, 악성 파일(XML 폭탄·외부 엔티티)일 수 있어 열지 "
                f"않았습니다: {path}"
            ) from None
        except xml.parsers.expat.ExpatError as exc:
            raise UnsafeFileError(
                f"'{name}'의 파트 {part}이(가) 올바른 XML이 아닙니다({exc}). 손상된 "
                f"파일입니다: {path}"
            ) from None
        if _SHEET_DATA.search(data):
            grids[part] = sheet_extent(data)
    return parts, grids


def check_grids(grids: dict[str, tuple[int, int]], sheet_names: dict[str, str], path: Path) -> None:
    """Refuse a sheet (or a book) whose grid of valued cells calamine could not allocate.

    ``sheet_names`` maps a sheet part to its sheet name, for the message.
    """
    total = 0
    for part, (rows, cols) in grids.items():
        cells = rows * cols
        total += cells
        if cells > MAX_SHEET_CELLS:
            sheet = sheet_names.get(part, part)
            far = f"{col_letter(min(max(cols, 1), MAX_COLUMNS) - 1)}{rows}"
            raise UnsafeFileError(
                f"'{Path(path).name}' 시트 '{sheet}'의 사용 범위가 A1:{far}로 너무 큽니다"
                f"({cells:,}칸, 최대 {MAX_SHEET_CELLS:,}칸). 시트 '{sheet}'의 {far} 근처에 "
                f"남은 값을 지우고(행·열 삭제) 저장한 뒤 다시 실행하십시오: {path}"
            )
    if total > MAX_BOOK_CELLS:
        raise UnsafeFileError(
            f"'{Path(path).name}'의 시트들이 모두 {total:,}칸으로 너무 큽니다(최대 "
            f"{MAX_BOOK_CELLS:,}칸). 검토에 쓰지 않는 큰 시트를 다른 파일로 옮기십시오: {path}"
        )


def vet(path: Path) -> tuple[dict[str, bytes], dict[str, tuple[int, int]]]:
    """The parts of the workbook zip ``path``, inflated once, after every check above but
    the grid sizes (whose message needs the sheet names: :func:`check_grids`)."""
    with open_zip(path) as archive:
        check_archive(archive, path)
        return check_parts(archive, path)


# ----------------------------------------------------------------------------- outputs


def is_read_only(path: Path) -> bool:
    """True for an existing file without write permission bits (Windows' read-only flag)."""
    try:
        return not Path(path).stat().st_mode & stat.S_IWUSR
    except OSError:
        return False


def output_error(exc: BaseException, out: Path) -> OutputError:
    """A clear message for a failed write of ``out``; nothing else was changed."""
    kept = "원본과 기존 결과 파일은 바뀌지 않았습니다"
    if isinstance(exc, OutputError):
        return exc
    code = getattr(exc, "errno", None)
    if code in (errno.ENOSPC, errno.EDQUOT):
        why = "디스크 공간이 부족합니다"
    elif isinstance(exc, IsADirectoryError):
        why = "같은 이름의 폴더가 있습니다"
    elif isinstance(exc, (NotADirectoryError, FileExistsError)):
        why = "출력 폴더 경로 중간에 같은 이름의 파일이 있습니다"
    elif isinstance(exc, PermissionError) or code in (errno.EACCES, errno.EPERM, errno.EROFS):
        why = "쓸 수 없습니다(읽기 전용이거나 다른 프로그램, 예컨대 엑셀이 파일을 열고 있습니다)"
    elif isinstance(exc, OSError):
        why = f"파일 시스템 오류({exc.strerror or exc})"
    else:
        why = f"저장 중 오류({type(exc).__name__}: {exc})"
    return OutputError(f"결과 파일을 저장하지 못했습니다: {out} — {why}. {kept}.")
