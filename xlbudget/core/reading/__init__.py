"""Read the workbook an officer has: every table, wherever and however it was typed.

The one reader of xlbudget (the review and the importers alike).  :func:`read_book` finds
the tables (:mod:`.regions`), reads 설정 first, picks among tables of several years the one
of 설정's 회계연도, reads each table's rows (:mod:`.table`), settles each table's unit (설정,
else the "(단위 : …)" line above it, else the table's own) and says what it read
(:mod:`.summary`).  Whatever it could not read becomes a finding naming the sheet and row.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..errors import InputError
from ..korean import UNITS
from ..model import BookData, Finding
from ..refs import a1, col_letter, range_a1
from ..schema import GENERATED_PREFIXES, INPUT_TABLES, TABLES, XLWINGS_CONF_SHEET, TableSpec
from ..settings import SETTING, Settings, check_values
from .regions import Layout, NearMiss, Region, find_regions
from .summary import ReadingSummary, TableSummary
from .table import Block, Table, combine, read_block

__all__ = ["UNREAD_RULES", "Reading", "Table", "read_book"]

#: Findings that say part of the workbook was not read (a clean exit is never given then).
UNREAD_RULES = frozenset({"READ_UNREAD", "COLUMN_UNREAD", "NO_AMOUNTS", "FORMULA_UNCACHED"})


@dataclass
class Reading:
    """The tables of a book, its settings, what was read and what was found in reading."""

    tables: dict[str, Table] = field(default_factory=dict)
    settings: Settings = field(default_factory=Settings)
    summary: ReadingSummary = field(default_factory=ReadingSummary)
    findings: list[Finding] = field(default_factory=list)


def read_book(book: BookData, keys: Sequence[str] = INPUT_TABLES) -> Reading:
    """Read every table of ``keys`` (and 설정) that ``book`` holds."""
    layout = find_regions(book, (*keys, "설정"))
    reading = Reading()
    reading.settings = _settings(book, layout, reading)
    year = reading.settings.text("회계연도").strip()
    for key in keys:
        spec = TABLES[key]
        regions = [r for r in layout.regions if r.spec.key == key]
        if not regions:
            reading.summary.missing.append(key)
            continue
        regions = _this_year(regions, year, reading)
        view = layout.views
        blocks = [
            read_block(
                spec,
                region,
                book.sheets[region.sheet],
                view[region.sheet],
                book.percent.get(region.sheet, set()),
                i,
                reading.findings,
            )
            for i, region in enumerate(regions)
        ]
        table = combine(spec, blocks)
        _drop_empty_columns(table)
        _unknown_numbers(table, book, reading)
        _uncached(table, book, reading)
        _unit(table, reading)
        reading.tables[key] = table
        reading.summary.tables.append(_summarise(table))
    for miss in layout.near_misses:
        _near_miss(miss, reading)
    if set(keys) >= set(INPUT_TABLES):  # the whole book was read: say what was left
        _stray_numbers(book, layout, reading)
    return reading


#: Numbers outside every table are said when at least this many rows hold two or more.
STRAY_ROWS = 2


def _stray_numbers(book: BookData, layout: Layout, reading: Reading) -> None:
    """Rows of numbers that no table took (a table whose header xlbudget did not know, a
    second table beside another) are a finding: nothing the user gave is left unsaid."""
    for sheet, rows in book.sheets.items():
        if sheet.startswith(GENERATED_PREFIXES) or sheet == XLWINGS_CONF_SHEET:
            continue
        areas = [
            (r.header_row, r.last_row, r.first_col, r.last_col)
            for r in layout.regions
            if r.sheet == sheet
        ]
        said = min((m.row for m in layout.near_misses if m.sheet == sheet), default=None)
        hits: list[tuple[int, list[int]]] = []
        # Rows a table holds from end to end (most rows) are settled first, a table at once.
        lengths = np.fromiter(map(len, rows), dtype=int, count=len(rows))
        whole = np.zeros(len(rows), dtype=bool)
        for a, b, lo, hi in areas:
            if lo <= 0:
                whole[a : b + 1] |= hi >= lengths[a : b + 1] - 1
        for i in np.flatnonzero(~whole).tolist():
            row = rows[i]
            spans = [(lo, hi) for a, b, lo, hi in areas if a <= i <= b]
            cols = [
                c
                for c, v in enumerate(row)
                if v.__class__ in (int, float) and not any(lo <= c <= hi for lo, hi in spans)
            ]
            if len(cols) >= 2 and (said is None or i < said):
                hits.append((i, cols))
        for cluster in _clusters(hits):
            if len(cluster) < STRAY_ROWS:
                continue
            first, last = cluster[0][0], cluster[-1][0]
            lo = min(min(cols) for _, cols in cluster)
            hi = max(max(cols) for _, cols in cluster)
            count = sum(len(cols) for _, cols in cluster)
            text = (
                f"시트 '{sheet}' {range_a1(first, lo, last, hi)}에 숫자 {count}개가 있으나 "
                "어느 표로도 읽지 않았습니다: 표라면 그 위에 머리글(예: 세부사업, 예산현액, "
                "지출액)이 있는지 확인하십시오."
            )
            reading.summary.unread.append(text)
            reading.findings.append(Finding(sheet, first, lo, "READ_UNREAD", "경고", text))


def _clusters(hits: list[tuple[int, list[int]]], gap: int = 2) -> list[list[tuple[int, list[int]]]]:
    """Runs of rows no more than ``gap`` blank rows apart."""
    out: list[list[tuple[int, list[int]]]] = []
    for hit in hits:
        if out and hit[0] - out[-1][-1][0] <= gap + 1:
            out[-1].append(hit)
        else:
            out.append([hit])
    return out


# ----------------------------------------------------------------------------- 설정

#: 설정 items that say whose, which year's and which day's data the review is about.
DESCRIBING = ("소관", "회계연도", "기준일")


def _settings(book: BookData, layout: Layout, reading: Reading) -> Settings:
    spec = TABLES["설정"]
    regions = [r for r in layout.regions if r.spec.key == "설정"]
    if not regions:
        reading.findings.append(
            Finding(
                spec.sheet,
                None,
                None,
                "NO_SETTINGS",
                "참고",
                f"설정 표가 없어 기본값(미집행기준 {SETTING['미집행기준'].default}%, "
                f"계약저조기준 {SETTING['계약저조기준'].default}%, 소수 "
                f"{SETTING['증감율소수'].default}자리)을 사용했습니다.",
            )
        )
        return Settings()
    region = regions[0]
    block, frame, _ = read_block(
        spec, region, book.sheets[region.sheet], layout.views[region.sheet], set(), 0, []
    )
    rows = book.sheets[region.sheet]
    value_col = region.cols["값"]
    values: dict[str, Any] = {}
    cells: dict[str, tuple[str, int, int]] = {}
    for key, r in zip(frame.get("항목", []), frame.get("_row", []), strict=True):
        if not key:
            continue
        row = rows[int(r)] if int(r) < len(rows) else []
        values[key] = row[value_col] if value_col < len(row) else None
        cells[key] = (region.sheet, int(r), value_col)
    problems = check_values(values, cells)
    reading.findings.extend(problems)
    for key in DESCRIBING:
        if key in cells and not Settings(values).text(key, ""):
            sheet, row, col = cells[key]
            reading.findings.append(
                Finding(
                    sheet,
                    row,
                    col,
                    "SETTING_BLANK",
                    "참고",
                    f"설정 '{key}'이(가) 비어 있어 검토서 문장에는 "
                    f"{'○○로 적었습니다' if key != '기준일' else '기준일 없이 적었습니다'}.",
                )
            )
    reading.summary.tables.append(
        TableSummary(
            "설정",
            [f"{block.place} ({region.how})"],
            len(values),
            0,
            [],
            {},
            [],
            "",
            "-",
        )
    )
    return Settings(values, cells, tuple(problems))


# ----------------------------------------------------------------------------- choices


def _this_year(regions: list[Region], year: str, reading: Reading) -> list[Region]:
    """Of tables that name different years, those of 설정's 회계연도 (else the latest)."""
    years = {r.year for r in regions if r.year}
    if len(years) < 2:
        return regions
    wanted = year if year in years else max(years)
    chosen = [r for r in regions if r.year in (wanted, None)]
    for region in regions:
        if region not in chosen:
            reading.summary.other_years.append(
                f"{region.spec.key}: {region.place}는 {region.year}년 표라 읽지 않았습니다"
                f"({'설정 회계연도 ' + year if year == wanted else '가장 최근 연도 ' + wanted}"
                f"의 표를 읽음)."
            )
    return chosen


def _drop_empty_columns(table: Table) -> None:
    """An optional amount column with no number at all (지출원인행위액 of an export that has
    none) is no column: nothing may be claimed of it."""
    frame = table.frame
    if frame.empty:
        return
    for column in table.spec.numeric:
        if (
            column in frame
            and column not in table.spec.required
            and frame[column].notna().sum() == 0
        ):
            del frame[column]
            for block in table.blocks:
                if column in block.region.cols:
                    block.dropped.add(column)
                    block.notes.append(
                        f"{column} 열에 숫자가 하나도 없어 없는 열로 보았습니다"
                        + ("(계약 여부는 판단하지 않음)" if column == "지출원인행위액" else "")
                    )


def _unknown_numbers(table: Table, book: BookData, reading: Reading) -> None:
    """A column whose header names nothing known but that holds numbers is a finding: it
    may be an amount under a header xlbudget does not know, left unchecked."""
    for block in table.blocks:
        region = block.region
        rows = book.sheets[region.sheet]
        for col, text in region.unknown:
            values = [
                rows[r][col] if col < len(rows[r]) else None
                for r in range(region.body_start, min(block.last_row + 1, len(rows)))
            ]
            numbers = sum(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values)
            if numbers:
                reading.findings.append(
                    Finding(
                        region.sheet,
                        region.header_row,
                        col,
                        "COLUMN_UNREAD",
                        "경고",
                        f"{table.spec.key} 표의 {col_letter(col)}열 '{text}'에 숫자 {numbers}개가 "
                        f"있으나 어떤 열인지 알 수 없어 점검하지 않았습니다(알아보는 열: "
                        f"{', '.join(table.spec.columns)}).",
                    )
                )


def _uncached(table: Table, book: BookData, reading: Reading) -> None:
    """Formulas whose result was never stored (a file no spreadsheet has saved) read as
    empty: the table is not what the user sees, so it is said, once per block."""
    for block in table.blocks:
        region = block.region
        cells = sorted(
            (r, c)
            for r, c in book.uncached.get(region.sheet, ())
            if region.body_start <= r <= block.last_row and region.first_col <= c <= region.last_col
        )
        if cells:
            r, c = cells[0]
            reading.findings.append(
                Finding(
                    region.sheet,
                    r,
                    c,
                    "FORMULA_UNCACHED",
                    "경고",
                    f"{table.spec.key} 표의 수식 {len(cells)}개({a1(r, c)} 등)에 계산 결과가 "
                    "저장되어 있지 않아 빈칸으로 읽었습니다(그 셀은 점검하지 못함). Excel이나 "
                    "LibreOffice에서 열어 저장한 뒤 다시 실행하십시오.",
                )
            )


def _unit(table: Table, reading: Reading) -> None:
    """설정's unit, else the unit line above the table, else the table's own."""
    spec = table.spec
    settings = reading.settings
    declared = settings.declared_unit(spec)
    captions = [b.region.unit.replace(" ", "") for b in table.blocks if b.region.unit]
    caption = next((c for c in captions if c in UNITS), None)
    if declared:
        table.unit, table.unit_from = declared, f"설정 {spec.unit_setting}"
        if caption and caption != declared:
            block = next(b for b in table.blocks if b.region.unit)
            reading.findings.append(
                Finding(
                    block.region.sheet,
                    block.region.header_row,
                    block.region.first_col,
                    "UNIT",
                    "경고",
                    f"{spec.key} 표 위에는 단위가 {caption}로 적혀 있으나 설정 "
                    f"{spec.unit_setting}은(는) {declared}입니다: 설정을 따랐습니다. 표의 "
                    "단위가 맞다면 설정을 고치십시오.",
                )
            )
    elif caption:
        table.unit, table.unit_from = caption, "표 위 단위 줄"
    else:
        table.unit, table.unit_from = spec.unit, "기본값"


def _near_miss(miss: NearMiss, reading: Reading) -> None:
    text = (
        f"시트 '{miss.sheet}' {miss.row + 1}행은 {miss.spec.key} 표처럼 보이지만 필요한 열"
        f"({', '.join(miss.missing)})이 없어 읽지 않았습니다(찾은 열: {', '.join(miss.found)})."
    )
    reading.summary.unread.append(text)
    reading.findings.append(Finding(miss.sheet, miss.row, miss.col, "READ_UNREAD", "경고", text))


# ----------------------------------------------------------------------------- summary


def _summarise(table: Table) -> TableSummary:
    places = [f"{b.place} ({b.region.how})" for b in table.blocks]
    skipped = [
        (a1(s.row, b.region.first_col), s.reason, s.text) for b in table.blocks for s in b.skipped
    ]
    unknown = [f"{col_letter(c)}열 '{t}'" for b in table.blocks for c, t in b.region.unknown]
    notes = [note for b in table.blocks for note in dict.fromkeys(b.notes)]
    headings = [b.region.heading for b in table.blocks if b.region.heading]
    if len(table.blocks) > 1 and headings:
        notes.append(f"{len(table.blocks)}개 블록을 한 표로 읽음: {', '.join(headings[:5])}")
    return TableSummary(
        table.spec.key,
        places,
        sum(b.lines for b in table.blocks),
        sum(b.totals for b in table.blocks),
        skipped,
        {c: col_letter(i) for c, i in table.blocks[0].cols.items()},
        list(dict.fromkeys(unknown)),
        table.unit,
        table.unit_from,
        notes,
    )


def empty_frame(spec: TableSpec) -> pd.DataFrame:
    return pd.DataFrame(columns=[*spec.columns, "_row", "_block"])


__all__ += ["Block", "empty_frame"]


def not_found(spec: TableSpec) -> InputError:
    """The error of a table the workbook does not have (what it must look like)."""
    return InputError(
        f"'{spec.sheet}' 표(엑셀 표 이름 {spec.table})를 찾을 수 없습니다: "
        f"머리글 {', '.join(spec.required)} 이(가) 있는 표가 필요합니다."
    )


__all__ += ["not_found"]
