"""Run review steps on a workbook file: read, plan, write a new file (or in place, backed up).

This is the whole file pipeline; the CLI only parses arguments and prints.  The input is never
modified unless ``in_place`` is asked for, and then a backup is written first.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from ..adapters import openpyxl_io
from .engine import STEPS, build_plan
from .model import Plan
from .read import InputError

Progress = Callable[[str], None]


@dataclass
class Result:
    plan: Plan
    output: Path | None


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
    if src.suffix.lower() not in (".xlsx", ".xlsm", ".xltx", ".xltm"):
        raise InputError(f"엑셀 통합 문서(.xlsx, .xlsm)가 아닙니다: {src}")
    writes = write and any(s in steps for s in ("mark", "fill"))
    wb = None
    if writes:
        say("통합 문서 여는 중…")
        wb = openpyxl_io.load_for_writing(src)
    say("표 읽는 중…")
    book = openpyxl_io.read_book(src, wb)
    say("점검·계산 중…")
    plan = build_plan(book, steps)
    if not writes:
        return Result(plan, None)
    target = src if in_place else Path(out) if out else default_output(src)
    if target.resolve() == src.resolve():
        if not in_place:
            raise InputError(f"출력 파일이 입력과 같습니다: {src} (덮어쓰려면 --in-place)")
        backup = src.with_name(f"{src.stem}.backup{src.suffix}")
        shutil.copy2(src, backup)
        say(f"백업: {backup}")
    say("결과 쓰는 중…")
    openpyxl_io.apply_plan(plan, wb)
    openpyxl_io.save(wb, target)
    return Result(plan, target)
