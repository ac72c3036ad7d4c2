"""Thin readers: an export on disk → a raw DataFrame of its rows, as found.

Each reader keeps the source's own column names and values (no unit conversion, no parsing of
numbers) and adds ``_source`` (file name) and ``_row`` (the row number a user finds the row
by), so every later problem can point back to the file.  Mapping happens in ``presets``.
"""

from __future__ import annotations

import csv
import io
import json
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ..core.errors import InputError, UnsafeFileError
from ..core.importing.model import ROW_COL, SOURCE_COL, ImportInputError
from ..core.reading.headers import header_map
from ..core.schema import TableSpec

Progress = Callable[[str], None]


#: The fields of a 지방재정365 세부사업별 세출현황 record we use.
LOFIN_FIELDS = ("dbizCd", "dbizNm", "acntDvNm", "fldNm", "partNm", "bdgCashAmt", "epAmt", "cplAmt")


#: Exports read as text tables, and those read as spreadsheets (through calamine).
TEXT_SUFFIXES = (".csv", ".tsv", ".txt")
SHEET_SUFFIXES = (".xlsx", ".xlsm", ".xltx", ".xltm", ".xls", ".xlsb", ".ods")


def _quiet(_: str) -> None:
    return None


# --------------------------------------------------------------------------- 지방재정365 JSON


def lofin_files(sources: Sequence[Path]) -> list[Path]:
    """JSON files of the given paths: files as given, directories expanded (``projects/``)."""
    files: list[Path] = []
    for src in sources:
        if src.is_dir():
            inner = src / "projects" if (src / "projects").is_dir() else src
            found = sorted(inner.glob("*.json"))
            if not found:
                raise ImportInputError(f"폴더에 JSON 파일이 없습니다: {src}")
            files.extend(found)
        elif src.is_file():
            files.append(src)
        else:
            raise ImportInputError(f"파일을 찾을 수 없습니다: {src}")
    return files


def find_regions(files: Sequence[Path]) -> Path | None:
    """``regions.json`` next to the exports (as the popfund layout keeps it), if any."""
    for f in files[:1]:
        for base in (f.parent, f.parent.parent):
            for cand in (base / "data" / "regions.json", base / "regions.json"):
                if cand.is_file():
                    return cand
    return None


def read_regions(path: Path | None) -> dict[str, str]:
    """lafCd → "시도 시군구" (e.g. "부산 동구"); empty when no file."""
    if path is None:
        return {}
    try:
        entries = json.loads(path.read_text(encoding="utf-8"))
        return {
            str(e["lafCd"]): f"{e.get('sido', '')} {e.get('sigungu', '')}".strip() for e in entries
        }
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ImportInputError(
            f"지역 목록(regions.json)을 읽을 수 없습니다: {path} ({exc})"
        ) from exc


@dataclass
class LofinRead:
    frame: pd.DataFrame
    files: list[Path]
    empty_files: list[Path] = field(default_factory=list)
    exe_dates: set[str] = field(default_factory=set)


def read_lofin365(sources: Sequence[Path], progress: Progress = _quiet) -> LofinRead:
    """All ``projects`` records of the files, in file order; ``_row`` = position in the list."""
    files = lofin_files(sources)
    frames: list[pd.DataFrame] = []
    empty: list[Path] = []
    dates: set[str] = set()
    for n, path in enumerate(files, 1):
        progress(f"읽는 중 {n}/{len(files)}: {path.name}")
        try:
            doc = json.loads(path.read_bytes())
        except (OSError, ValueError) as exc:
            raise ImportInputError(f"JSON을 읽을 수 없습니다: {path} ({exc})") from exc
        if not isinstance(doc, dict) or not isinstance(doc.get("projects"), list):
            raise ImportInputError(
                f"지방재정365 세부사업별 세출현황 형식이 아닙니다 ('projects' 목록 없음): {path}"
            )
        records = doc["projects"]
        if doc.get("exeYmd"):
            dates.add(str(doc["exeYmd"]))
        if not records:
            empty.append(path)
            continue
        frame = pd.DataFrame.from_records(records)
        for col in LOFIN_FIELDS:
            if col not in frame:
                frame[col] = None
        frame["lafCd"] = str(doc.get("lafCd") or path.stem)
        frame[SOURCE_COL] = path.name
        frame[ROW_COL] = range(1, len(frame) + 1)
        frames.append(frame)
    frame = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    return LofinRead(frame, files, empty, dates)


# --------------------------------------------------------------------------- sheets and CSV


def vet_workbook(path: Path) -> None:
    """Refuse a hostile or damaged file before calamine sees it (see :mod:`.xlsx.safety`).

    calamine is native code: one value in XFD1048576 makes it allocate a grid of 17 billion
    cells and abort the process, which no ``except`` catches.  An OOXML workbook gets every
    check (zip bomb, DTD, grid size); an .xlsb or .ods (zips too) the zip checks; every
    file the size limit.
    """
    from .xlsx import safety
    from .xlsx.package import WORKBOOK_SUFFIXES, Package

    try:
        if path.suffix.lower() in WORKBOOK_SUFFIXES:
            Package.open(path)  # every check, the grid sizes included
        elif path.stat().st_size > safety.MAX_TOTAL_BYTES:
            raise UnsafeFileError(
                f"'{path.name}'이(가) 너무 큽니다"
                f"(최대 {safety.MAX_TOTAL_BYTES // 2**20:,} MB): {path}"
            )
        elif path.suffix.lower() in (".xlsb", ".ods"):
            with safety.open_zip(path) as archive:
                safety.check_archive(archive, path)
    except InputError as exc:
        raise ImportInputError(str(exc)) from None


def _rows_from_calamine(path: Path, sheet: str | int | None) -> list[list[Any]]:
    from python_calamine import CalamineWorkbook

    vet_workbook(path)
    try:
        book = CalamineWorkbook.from_path(str(path))
        if sheet is None:
            data = book.get_sheet_by_index(0)
        elif isinstance(sheet, int):
            data = book.get_sheet_by_index(sheet)
        else:
            if sheet not in book.sheet_names:
                raise ImportInputError(
                    f"시트 '{sheet}'가 없습니다: {path.name} (시트: {', '.join(book.sheet_names)})"
                )
            data = book.get_sheet_by_name(sheet)
        return data.to_python(skip_empty_area=False)
    except ImportInputError:
        raise
    except (KeyboardInterrupt, SystemExit, MemoryError):
        raise
    except BaseException as exc:  # calamine's own errors, and its Rust panics
        raise ImportInputError(f"엑셀 파일을 읽을 수 없습니다: {path} ({exc})") from None


def _rows_from_csv(path: Path, encoding: str | None, delimiter: str | None) -> list[list[Any]]:
    data = path.read_bytes()
    encodings = [encoding] if encoding else ["utf-8-sig", "cp949"]
    for enc in encodings:
        try:
            text = data.decode(enc)
            break
        except UnicodeDecodeError:
            continue
        except LookupError:  # no such codec, or not a text codec (base64, rot13)
            raise ImportInputError(
                f"매핑 설정의 encoding '{enc}'은(는) 알 수 없는 문자 인코딩입니다 "
                f"(예: utf-8, cp949): {path.name}"
            ) from None
    else:
        raise ImportInputError(f"CSV 인코딩을 알 수 없습니다 ({', '.join(encodings)}): {path}")
    if delimiter is None:
        first = text.split("\n", 1)[0]
        delimiter = "\t" if first.count("\t") > first.count(",") else ","
    try:
        return [list(r) for r in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
    except (csv.Error, TypeError) as exc:  # a NUL byte, a delimiter of several characters
        raise ImportInputError(f"CSV를 읽을 수 없습니다: {path.name} ({exc})") from None


def read_rows(
    path: Path,
    sheet: str | int | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
) -> list[list[Any]]:
    """All cell values of a CSV/TSV or a workbook's sheet, as found (text stays text)."""
    if not path.is_file():
        raise ImportInputError(f"파일을 찾을 수 없습니다: {path}")
    if path.suffix.lower() in TEXT_SUFFIXES:
        return _rows_from_csv(path, encoding, delimiter)
    return _rows_from_calamine(path, sheet)


def frame_from_rows(rows: list[list[Any]], header_index: int, source: str) -> pd.DataFrame:
    """Rows below the header as a frame named by the header texts; trailing blank rows cut.

    ``_row`` is the sheet row number (1-based, counting the rows above the header).
    """
    header = [str(c).strip() if c is not None else "" for c in rows[header_index]]
    body = rows[header_index + 1 :]
    while body and all(c in ("", None) for c in body[-1]):
        body.pop()
    width = len(header)
    body = [(list(r) + [None] * width)[:width] for r in body]
    seen: dict[str, int] = {}
    names = []
    for h in header:  # duplicate or blank headers get a suffix so no column is lost
        key = h or "(빈 머리글)"
        seen[key] = seen.get(key, 0) + 1
        names.append(key if seen[key] == 1 else f"{key}.{seen[key]}")
    frame = pd.DataFrame(body, columns=names, dtype=object)
    frame = frame.where(frame != "", None)
    frame[SOURCE_COL] = source
    frame[ROW_COL] = range(header_index + 2, header_index + 2 + len(frame))
    return frame


# --------------------------------------------------------------------------- user mapping


@dataclass
class MappingConfig:
    """A user's mapping of an export's headers onto a workbook table (TOML file).

    Example::

        table = "집행현황"        # target table (default 집행현황)
        unit = "원"               # unit of the export's amounts (default: the table's)
        sheet = "Sheet1"          # workbook sheet (default: the first)
        header_row = 3            # 1-based row of the headers (default: found by name)
        encoding = "cp949"        # CSV only (default: UTF-8, then CP949)
        [columns]                 # table column = export header (Korean keys need quotes)
        "세부사업" = "사업명"
        "예산현액" = "예산현액(원)"
        [constants]               # table column = fixed label
        "통계목" = "(전체)"
    """

    columns: dict[str, str] = field(default_factory=dict)
    constants: dict[str, Any] = field(default_factory=dict)
    table: str | None = None
    unit: str | None = None
    sheet: str | int | None = None
    header_row: int | None = None
    encoding: str | None = None
    delimiter: str | None = None


def read_config(path: Path) -> MappingConfig:
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ImportInputError(f"매핑 설정(TOML)을 읽을 수 없습니다: {path} ({exc})") from exc
    known = {
        "columns",
        "constants",
        "table",
        "unit",
        "sheet",
        "header_row",
        "encoding",
        "delimiter",
    }
    unknown = sorted(set(doc) - known)
    if unknown:
        raise ImportInputError(
            f"매핑 설정에 모르는 항목이 있습니다: {', '.join(unknown)} ({path.name}; "
            f"가능: {', '.join(sorted(known))})"
        )
    columns = doc.get("columns", {})
    if not isinstance(columns, dict) or not all(isinstance(v, str) for v in columns.values()):
        raise ImportInputError(f"[columns]는 '표 열 = \"원본 머리글\"' 형식이어야 합니다: {path}")
    for key in ("table", "unit", "encoding", "delimiter"):
        if key in doc and not isinstance(doc[key], str):
            raise ImportInputError(
                f"매핑 설정의 {key}는 따옴표로 감싼 글자여야 합니다: {doc[key]!r} ({path.name})"
            )
    sheet = doc.get("sheet")
    if isinstance(sheet, bool) or not isinstance(sheet, (str, int, type(None))):
        raise ImportInputError(
            f"매핑 설정의 sheet는 시트 이름(글자) 또는 0부터 센 번호입니다: {sheet!r}"
        )
    constants = doc.get("constants", {})
    if not isinstance(constants, dict):
        raise ImportInputError(f"[constants]는 '표 열 = 값' 형식이어야 합니다: {path}")
    header_row = doc.get("header_row")
    if header_row is not None and (not isinstance(header_row, int) or header_row < 1):
        raise ImportInputError(f"header_row는 1 이상의 정수여야 합니다: {header_row!r}")
    return MappingConfig(
        dict(columns),
        dict(constants),
        doc.get("table"),
        doc.get("unit"),
        doc.get("sheet"),
        header_row,
        doc.get("encoding"),
        doc.get("delimiter"),
    )


def auto_columns(headers: Sequence[str], spec: TableSpec) -> dict[str, str]:
    """Target column → source header, matched as the table finder matches headers."""
    names = [str(h) for h in headers]
    return {
        column: names[pos]
        for column, pos in header_map(spec, names).items()
        if not names[pos].startswith("_")
    }
