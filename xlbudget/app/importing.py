"""One import, end to end: detect the format, read, map (pure), write the workbook, report.

The target table is found, and the threshold the summary counts with is read, by the core's
one reader; the rows are written by the file adapter's package writer: every other part of
the workbook is kept byte for byte, but for the 설정 items the data decides (소관, 회계연도,
기준일: :mod:`xlbudget.core.importing.about`).  The workbook given is never modified unless
``in_place`` is asked for, and then a backup copy is written first (the one backup policy).
By default the result goes to ``<stem>.imported<suffix>`` beside it; without a workbook,
into a new working workbook of its own.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Sequence
from decimal import Decimal
from pathlib import Path

import pandas as pd

from ..adapters import sources
from ..adapters.xlsx import XlsxFile
from ..adapters.xlsx.package import Package, backup
from ..adapters.xlsx.reader import read_values
from ..adapters.xlsx.rows import replace_table_rows, set_cells
from ..core.errors import InputError
from ..core.importing import about, presets
from ..core.importing.convert import low_execution, tidy, totals
from ..core.importing.model import ImportInputError, ImportResult
from ..core.importing.presets import Mapped
from ..core.model import BookData, TableRef
from ..core.reading import read_book as read_tables
from ..core.reading.headers import find_header_row, required_groups
from ..core.schema import TABLES, TableSpec
from ..core.settings import DEFAULT_DIGITS, SETTING, Settings

Progress = Callable[[str], None]
FORMATS = ("auto", "lofin365", "openfiscal", "generic")


def _quiet(_: str) -> None:
    return None


def default_output(workbook: Path) -> Path:
    return workbook.with_name(f"{workbook.stem}.imported{workbook.suffix}")


def detect_format(paths: Sequence[Path], config: Path | None = None) -> str:
    """The preset for ``paths``: JSON/folders → lofin365; 열린재정 headers → openfiscal."""
    if config is not None:
        return "generic"
    first = paths[0]
    if first.is_dir() or first.suffix.lower() == ".json":
        return "lofin365"
    if first.suffix.lower() in sources.SHEET_SUFFIXES:
        rows = sources.read_rows(first)
        if (
            find_header_row(rows, [[presets.OPENFISCAL_NAME], [presets.OPENFISCAL_FINAL]])
            is not None
        ):
            return "openfiscal"
    return "generic"


def _empty(message: str) -> ImportInputError:
    return ImportInputError(f"원본에 가져올 행이 없습니다: {message}")


def map_source(
    paths: Sequence[Path],
    fmt: str = "auto",
    table: str | None = None,
    config: Path | None = None,
    group_by: str = "auto",
    regions: Path | None = None,
    progress: Progress = _quiet,
    digits: int = DEFAULT_DIGITS,
) -> Mapped:
    """Read ``paths`` and map them onto one table (no workbook involved); derived rates get
    ``digits`` decimals (the target workbook's 증감율소수)."""
    paths = [Path(p) for p in paths]
    if not paths:
        raise ImportInputError("가져올 파일을 지정하세요.")
    if fmt not in FORMATS:
        raise ImportInputError(f"--format은 {', '.join(FORMATS)} 중 하나입니다: {fmt}")
    if fmt == "auto":
        fmt = detect_format(paths, config)
    if fmt == "lofin365":
        read = sources.read_lofin365(paths, progress)
        if read.frame.empty:
            names = ", ".join(p.name for p in read.empty_files)
            raise _empty(f"{names} ('projects' 목록이 비어 있음)")
        region_file = regions or sources.find_regions(read.files)
        mapped = presets.lofin365(
            read.frame, sources.read_regions(region_file), table or "집행현황", group_by, digits
        )
        if read.empty_files:
            mapped.notes.append("빈 파일: " + ", ".join(p.name for p in read.empty_files))
        if read.exe_dates:
            mapped.notes.append("기준일: " + ", ".join(sorted(read.exe_dates)))
        if len(read.exe_dates) == 1:
            day = about.report_date(next(iter(read.exe_dates)))
            if day:
                mapped.about.update({"기준일": day, "회계연도": day[:4]})
        return mapped
    if len(paths) != 1 or not paths[0].is_file():
        raise ImportInputError(
            f"'{fmt}' 형식은 파일 하나를 가져옵니다: {', '.join(str(p) for p in paths)}"
        )
    path = paths[0]
    if fmt == "openfiscal":
        rows = sources.read_rows(path)
        header = find_header_row(rows, [[presets.OPENFISCAL_NAME], [presets.OPENFISCAL_FINAL]])
        if header is None:
            raise ImportInputError(
                f"열린재정 세부사업 형식이 아닙니다 ('{presets.OPENFISCAL_NAME}', "
                f"'{presets.OPENFISCAL_FINAL}' 머리글 없음): {path.name}"
            )
        raw = sources.frame_from_rows(rows, header, path.name)
        if raw.empty:
            raise _empty(path.name)
        return presets.openfiscal(raw, table or "사업별증감", digits)
    cfg = sources.read_config(config) if config is not None else sources.MappingConfig()
    key = table or cfg.table or "집행현황"
    if key not in TABLES:
        raise ImportInputError(f"알 수 없는 표입니다: {key} (가능: {', '.join(TABLES)})")
    spec = TABLES[key]
    rows = sources.read_rows(path, cfg.sheet, cfg.encoding, cfg.delimiter)
    if cfg.header_row is not None:
        header = cfg.header_row - 1
        if header >= len(rows):
            raise ImportInputError(f"header_row {cfg.header_row}행이 없습니다: {path.name}")
    else:
        wanted = [[h] for h in cfg.columns.values()] or [
            group for group in required_groups(spec) if group[0] != "수준"
        ]
        header = find_header_row(rows, wanted)
        if header is None:
            raise ImportInputError(
                f"{path.name}: 머리글 행을 찾지 못했습니다 (찾은 열: "
                f"{', '.join(str(w[0]) for w in wanted)}). 매핑 설정의 header_row를 적어 주세요."
            )
    raw = sources.frame_from_rows(rows, header, path.name)
    if raw.empty:
        raise _empty(path.name)
    columns = dict(cfg.columns) or sources.auto_columns(list(raw.columns), spec)
    return presets.generic(raw, spec, columns, cfg.constants, cfg.unit, digits)


def import_source(
    paths: Sequence[Path],
    workbook: Path | None = None,
    out: Path | None = None,
    fmt: str = "auto",
    table: str | None = None,
    config: Path | None = None,
    group_by: str = "auto",
    regions: Path | None = None,
    in_place: bool = False,
    progress: Progress = _quiet,
) -> ImportResult:
    """Import ``paths`` into ``workbook``'s table and save the result (see module docstring).

    Without ``workbook`` the rows go into a new working workbook (empty input tables, as
    ``xlbudget new`` makes), saved as ``out`` or ``<source name>.xlsm`` in the current
    folder: another district's data is never mixed with the bundled seed's tables.
    """
    if workbook is None:
        from ..workbook.build import new_workbook  # the builder (and xlwings) only when needed

        if in_place:
            raise ImportInputError("--in-place에는 고칠 통합문서(--into)가 필요합니다.")
        target = Path(out) if out is not None else Path.cwd() / f"{Path(paths[0]).stem}.xlsm"
        with tempfile.TemporaryDirectory(prefix="xlbudget-new-") as tmp:
            fresh = new_workbook(Path(tmp) / target.with_suffix(".xlsm").name, {})
            if target.suffix.lower() != ".xlsm":
                raise ImportInputError(
                    f"새 작업 통합문서는 매크로가 있어 .xlsm 으로 저장합니다: {target}"
                )
            return import_source(
                paths, fresh, target, fmt, table, config, group_by, regions, False, progress
            )
    workbook = Path(workbook)
    if in_place and out is not None:
        raise ImportInputError(
            f"--in-place와 -o는 함께 쓸 수 없습니다: --in-place는 {workbook.name}을(를) 직접 "
            f"고치고, -o는 결과를 {Path(out).name}에 따로 씁니다. 하나만 지정하십시오."
        )
    if in_place:
        target = workbook
    else:
        target = Path(out) if out is not None else default_output(workbook)
        if target.resolve() == workbook.resolve():
            raise ImportInputError(
                f"입력 통합문서를 덮어쓰지 않습니다: {workbook} (덮어쓰려면 --in-place)"
            )
    if any(target.resolve() == Path(p).resolve() for p in paths):
        raise ImportInputError(f"출력 파일이 원본과 같습니다: {target}")
    if target.suffix.lower() != workbook.suffix.lower():
        raise ImportInputError(
            f"출력 파일 확장자({target.suffix})가 통합문서({workbook.suffix})와 다릅니다."
        )
    progress(f"통합문서 여는 중: {workbook.name}")
    package, book = open_target(workbook)
    settings = read_tables(book, ()).settings
    mapped = map_source(paths, fmt, table, config, group_by, regions, progress, settings.digits)
    write_rows(package, book, mapped.spec, mapped.frame, written_columns(mapped), progress)
    mapped.notes += write_about(package, settings, mapped)
    saved = backup(workbook) if in_place else None
    progress(f"저장 중: {target.name}")
    package.save(target)
    threshold = tidy(Decimal(str(settings.threshold)))
    return summarize(mapped, target, [str(p) for p in paths], saved, threshold, settings.digits)


def open_target(workbook: Path) -> tuple[Package, BookData]:
    """The vetted package of the workbook to write into, and its values and tables."""
    try:
        package = XlsxFile(workbook).package  # vetted before anything parses it
        return package, BookData(read_values(workbook), package.tables(), str(workbook))
    except InputError as exc:
        raise ImportInputError(str(exc)) from None


def write_rows(
    package: Package,
    book: BookData,
    spec: TableSpec,
    frame: pd.DataFrame,
    provided: frozenset[str],
    progress: Progress = _quiet,
) -> TableRef:
    """Replace the data rows of ``spec``'s table (found by the one table finder)."""
    table = read_tables(book, (spec.key,)).tables.get(spec.key)
    if table is None:
        raise ImportInputError(
            f"통합문서에서 '{spec.key}' 표를 찾지 못했습니다: 표 이름 '{spec.table}'도, "
            f"머리글 {', '.join(spec.required)}을(를) 가진 행도 없습니다."
        )
    if len(table.blocks) > 1:
        raise ImportInputError(
            f"통합문서의 '{spec.key}' 표가 {len(table.blocks)}곳에 있어 어디에 쓸지 정할 수 "
            f"없습니다: {', '.join(b.place for b in table.blocks)}. 하나만 남기십시오."
        )
    block = table.blocks[0]
    region = block.region
    # The rows under the (possibly banded) header, as far as the table's content goes.
    ref = TableRef(
        region.excel_name or spec.table,
        region.sheet,
        region.body_start - 1,
        region.first_col,
        block.last_row if region.excel_name is None else region.last_row,
        region.last_col,
    )
    progress(f"{len(frame):,}행을 시트 '{ref.sheet}' 표 {ref.name}에 쓰는 중")
    try:
        replace_table_rows(package, ref, dict(region.cols), frame, provided, progress)
    except InputError as exc:
        raise ImportInputError(str(exc)) from None
    return ref


def write_about(package: Package, settings: Settings, mapped: Mapped) -> list[str]:
    """Set (or empty) the 설정 items the import decides; the notes say what changed."""
    new, notes = about.changes(settings, mapped.about, mapped.spec.key)
    cells = {}
    for key, value in new.items():
        sheet, row, col = settings.cells[key]
        cells.setdefault(sheet, {})[(row, col)] = value or None
    try:
        for sheet, values in cells.items():
            set_cells(package, sheet, values)
    except InputError as exc:
        raise ImportInputError(str(exc)) from None
    return notes


def written_columns(mapped: Mapped) -> frozenset[str]:
    """Columns written from the frame even over a formula of the workbook's first data row.

    Without 지출액 the workbook's own 지출잔액/불용률 formulas would read the empty 지출액
    as 0 (100% unspent); those columns are written empty instead.
    """
    if mapped.spec.key == "집행현황" and "지출액" not in mapped.provided:
        return mapped.provided | {"지출잔액", "불용률"}
    return mapped.provided


def summarize(
    mapped: Mapped,
    output: Path | None,
    source_names: list[str],
    backup: Path | None = None,
    threshold: Decimal = Decimal(SETTING["미집행기준"].default),
    digits: int = DEFAULT_DIGITS,
) -> ImportResult:
    """The result of an import; lines over ``threshold`` only when 지출액 has numbers."""
    spec = mapped.spec
    low = None
    if (
        spec.key == "집행현황"
        and "지출액" in mapped.provided
        and any(isinstance(v, Decimal) for v in mapped.frame["지출액"].tolist())
    ):
        low = len(low_execution(mapped.frame, threshold, digits))
    return ImportResult(
        spec.key,
        spec.unit,
        len(mapped.frame),
        totals(mapped.frame, spec.numeric),
        mapped.problems,
        output,
        source_names,
        mapped.preset,
        mapped.notes,
        low,
        backup,
        threshold if low is not None else None,
    )
