"""Review a workbook file: read, plan, write a new file (or in place, after a backup).

This is the whole file pipeline; the CLI only parses arguments and prints.  The input is
never modified unless ``in_place`` is asked for, and then a backup is written first (the one
backup policy: :func:`xlbudget.adapters.xlsx.package.backup`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from ..adapters.xlsx import XlsxFile
from ..adapters.xlsx.package import (
    MACRO_SUFFIXES,
    WORKBOOK_SUFFIXES,
    backup,
    refuse_read_only,
)
from ..core.engine import STEPS
from ..core.errors import InputError, OutputError
from ..core.plan import Plan
from .pipeline import run_steps

Progress = Callable[[str], None]


@dataclass
class Result:
    plan: Plan
    output: Path | None
    backup: Path | None = None


def default_output(src: Path) -> Path:
    """``<stem>.review<suffix>`` beside the input."""
    return src.with_name(f"{src.stem}.review{src.suffix}")


def review_file(
    src: Path,
    out: Path | None = None,
    steps: Iterable[str] = STEPS,
    in_place: bool = False,
    progress: Progress | None = None,
    write: bool = True,
) -> Result:
    """Check / mark / fill ``src``; write the result to ``out`` unless ``write`` is False."""
    say = progress or (lambda _msg: None)
    src = Path(src)
    steps = tuple(steps)
    if not src.exists():
        raise InputError(f"통합 문서 파일이 없습니다: {src}")
    if src.suffix.lower() not in WORKBOOK_SUFFIXES:
        raise InputError(f"엑셀 통합 문서(.xlsx, .xlsm, .xltx, .xltm)가 아닙니다: {src}")
    writes = write and any(s in steps for s in ("mark", "fill"))
    target = None
    if in_place and out is not None and Path(out).resolve() != src.resolve():
        raise InputError(
            f"--in-place 와 -o 를 함께 쓸 수 없습니다: 원본({src})에 쓸지 "
            f"{out}에 쓸지 하나만 고르십시오."
        )
    if writes:
        target = src if in_place else Path(out) if out else default_output(src)
        check_target(src, target, in_place)
    saved: list[Path] = []

    def keep_the_input() -> None:
        if in_place:
            saved.append(backup(src))
            say(f"백업: {saved[0]}")

    # XlsxFile vets the file (hostile input) before any parser reads it.
    plan, _ = run_steps(XlsxFile(src, target), steps, None, say, keep_the_input, target is not None)
    return Result(plan, target, saved[0] if saved else None)


def check_target(src: Path, target: Path, in_place: bool) -> None:
    """Refuse an output path that cannot work, before the slow load: say why, touch nothing."""
    if target.resolve() == src.resolve() and not in_place:
        raise InputError(f"출력 파일이 입력과 같습니다: {src} (덮어쓰려면 --in-place)")
    suffix = target.suffix.lower()
    if suffix not in WORKBOOK_SUFFIXES:
        raise InputError(f"출력 파일은 .xlsx, .xlsm, .xltx, .xltm 중 하나여야 합니다: {target}")
    if (suffix in MACRO_SUFFIXES) != (src.suffix.lower() in MACRO_SUFFIXES):
        kind = (
            "매크로 통합 문서(.xlsm)"
            if src.suffix.lower() in MACRO_SUFFIXES
            else "통합 문서(.xlsx)"
        )
        raise InputError(
            f"입력이 {kind}이므로 출력도 같은 확장자({src.suffix})여야 엑셀에서 열립니다: {target}"
        )
    if target.is_dir():
        raise OutputError(f"출력 경로가 폴더입니다: {target} (파일 이름을 지정하십시오)")
    refuse_read_only(target)
    for parent in target.parents:
        if parent.exists():
            if not parent.is_dir():
                raise OutputError(
                    f"출력 폴더 경로 중간에 같은 이름의 파일이 있어 저장할 수 없습니다: {parent}"
                )
            break
