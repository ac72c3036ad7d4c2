"""One import, end to end: detect the format, read, map (pure), write the workbook, report.

The workbook given is never modified unless ``in_place`` is asked for, and then a backup copy
is written first.  By default the result goes to ``<stem>.imported<suffix>`` beside it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from pathlib import Path

from ..schema import TABLES
from . import presets, sources
from .convert import low_execution, totals
from .model import ImportInputError, ImportResult
from .presets import Mapped
from .writer import (
    DEFAULT_THRESHOLD,
    find_table,
    load_target,
    make_backup,
    read_threshold,
    replace_rows,
    save_workbook,
)

Progress = Callable[[str], None]
FORMATS = ("auto", "lofin365", "openfiscal", "generic")
WORKBOOK_NAME = Path("workbook") / "budget_review.xlsm"


def _quiet(_: str) -> None:
    return None


def default_workbook() -> Path:
    """``workbook/budget_review.xlsm`` of the current folder, else of the source checkout."""
    here = Path.cwd() / WORKBOOK_NAME
    if here.is_file():
        return here
    return Path(__file__).resolve().parents[2] / WORKBOOK_NAME


def default_output(workbook: Path) -> Path:
    return workbook.with_name(f"{workbook.stem}.imported{workbook.suffix}")


def detect_format(paths: Sequence[Path], config: Path | None = None) -> str:
    """The preset for ``paths``: JSON/folders → lofin365; 열린재정 headers → openfiscal."""
    if config is not None:
        return "generic"
    first = paths[0]
    if first.is_dir() or first.suffix.lower() == ".json":
        return "lofin365"
    if first.suffix.lower() in (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"):
        rows = sources.read_rows(first)
        if (
            sources.find_header_row(rows, [[presets.OPENFISCAL_NAME], [presets.OPENFISCAL_FINAL]])
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
) -> Mapped:
    """Read ``paths`` and map them onto one table (no workbook involved)."""
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
            read.frame, sources.read_regions(region_file), table or "집행현황", group_by
        )
        if read.empty_files:
            mapped.notes.append("빈 파일: " + ", ".join(p.name for p in read.empty_files))
        if read.exe_dates:
            mapped.notes.append("기준일: " + ", ".join(sorted(read.exe_dates)))
        return mapped
    if len(paths) != 1 or not paths[0].is_file():
        raise ImportInputError(
            f"'{fmt}' 형식은 파일 하나를 가져옵니다: {', '.join(str(p) for p in paths)}"
        )
    path = paths[0]
    if fmt == "openfiscal":
        rows = sources.read_rows(path)
        header = sources.find_header_row(
            rows, [[presets.OPENFISCAL_NAME], [presets.OPENFISCAL_FINAL]]
        )
        if header is None:
            raise ImportInputError(
                f"열린재정 세부사업 형식이 아닙니다 ('{presets.OPENFISCAL_NAME}', "
                f"'{presets.OPENFISCAL_FINAL}' 머리글 없음): {path.name}"
            )
        raw = sources.frame_from_rows(rows, header, path.name)
        if raw.empty:
            raise _empty(path.name)
        return presets.openfiscal(raw, table or "사업별증감")
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
            [c, *spec.aliases.get(c, ())] for c in spec.required if c != "수준"
        ]
        header = sources.find_header_row(rows, wanted)
        if header is None:
            raise ImportInputError(
                f"{path.name}: 머리글 행을 찾지 못했습니다 (찾은 열: "
                f"{', '.join(str(w[0]) for w in wanted)}). 매핑 설정의 header_row를 적어 주세요."
            )
    raw = sources.frame_from_rows(rows, header, path.name)
    if raw.empty:
        raise _empty(path.name)
    columns = dict(cfg.columns) or sources.auto_columns(list(raw.columns), spec)
    return presets.generic(raw, spec, columns, cfg.constants, cfg.unit)


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
    """Import ``paths`` into ``workbook``'s table and save the result (see module docstring)."""
    workbook = Path(workbook) if workbook is not None else default_workbook()
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
    mapped = map_source(paths, fmt, table, config, group_by, regions, progress)
    progress(f"통합문서 여는 중: {workbook.name}")
    wb = load_target(workbook)
    threshold = read_threshold(wb)
    loc = find_table(wb, mapped.spec)
    progress(f"{len(mapped.frame):,}행을 {loc.describe()}에 쓰는 중")
    replace_rows(loc, mapped.frame, written_columns(mapped), progress)
    backup = make_backup(workbook) if in_place else None
    save_workbook(wb, target, progress)
    return summarize(mapped, target, [str(p) for p in paths], backup, threshold)


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
    threshold: Decimal = DEFAULT_THRESHOLD,
) -> ImportResult:
    """The result of an import; lines over ``threshold`` only when 지출액 has numbers."""
    spec = mapped.spec
    low = None
    if (
        spec.key == "집행현황"
        and "지출액" in mapped.provided
        and any(isinstance(v, Decimal) for v in mapped.frame["지출액"].tolist())
    ):
        low = len(low_execution(mapped.frame, threshold))
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
