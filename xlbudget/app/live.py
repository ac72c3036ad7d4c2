"""Ribbon actions on the workbook open in Excel: the file pipeline's steps through xlwings.

Each action reads the open book, builds the same Plan as the CLI, and applies it with the
live adapter.  Progress goes to Excel's status bar; any problem becomes a Korean message
box, never a Python traceback in front of the user.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Collection
from pathlib import Path
from typing import Any, TypeVar

from ..adapters.live import LiveBook
from ..core.engine import CHECK_SHEET
from ..core.errors import XbError
from ..core.plan import Plan
from ..core.schema import TITLE
from .pipeline import Cancelled, run_steps

T = TypeVar("T")


def _status(book: Any, text: str | None) -> None:
    try:
        book.app.status_bar = text if text else False
    except (NotImplementedError, AttributeError):
        pass  # engines without a status bar (xlwings' remote engine)


def alert(book: Any, text: str) -> None:
    try:
        book.app.alert(text, title=TITLE)
    except (NotImplementedError, AttributeError):
        pass


def escape_pressed() -> bool:
    """Whether Esc is held down now (Windows; elsewhere never): the ribbon's cancel key.
    xlbudget runs in its own process, so Excel's own Esc handling cannot reach it."""
    if not sys.platform.startswith("win"):
        return False
    try:
        import ctypes

        return bool(ctypes.windll.user32.GetAsyncKeyState(0x1B) & 0x8000)  # VK_ESCAPE
    except Exception:
        return False


def _attempt(
    book: Any, work: Callable[[Callable[[str], None]], T], cancelled: str, bad: str
) -> T | None:
    """``work(progress)`` with its stages on the status bar; a cancel, bad input or any
    other failure becomes a Korean message box (``cancelled``; ``bad`` and the reason)
    and None, never a traceback in front of the user."""
    try:
        return work(lambda text: _status(book, f"{TITLE}: {text} (Esc: 취소)"))
    except Cancelled:
        alert(book, cancelled)
    except XbError as exc:
        alert(book, f"{bad}\n\n{exc}")
    except Exception as exc:
        alert(book, f"처리 중 오류가 발생했습니다: {type(exc).__name__}: {exc}")
    finally:
        _status(book, None)
    return None


def _run(
    book: Any,
    steps: tuple[str, ...],
    sheets: Collection[str] | None = None,
    cancelled: Any = escape_pressed,
) -> Plan | None:
    done = _attempt(
        book,
        lambda progress: run_steps(LiveBook(book), steps, sheets, progress, cancelled=cancelled),
        "취소했습니다. 통합문서는 바뀌지 않았습니다.",
        "입력 표를 확인하십시오.",
    )
    if done is None:
        return None
    plan, report = done
    errors = sum(f.severity == "오류" for f in plan.findings)
    lines = [f"완료: 점검 오류 {errors}건, 불용률 기준 이상 {len(plan.flagged)}건."]
    if report is not None and report.skipped:
        lines += ["", "이 환경에서 건너뛴 항목:", *report.skipped]
    alert(book, "\n".join(lines))
    return plan


def fill(book: Any) -> Plan | None:
    """검토서 작성: check, then write every 검토_ sheet."""
    return _run(book, ("check", "fill"))


def mark(book: Any) -> Plan | None:
    """미집행 표시: the conditional formats on 집행현황."""
    return _run(book, ("mark",))


def check(book: Any) -> Plan | None:
    """표 점검: the findings, written to 검토_점검 only (집행현황 is not required)."""
    return _run(book, ("check", "fill"), sheets={CHECK_SHEET})


def export(book: Any, out: Path | None = None, cancelled: Any = escape_pressed) -> Path | None:
    """검토보고서 내보내기: the review as <workbook>.검토보고서.hwpx beside the saved workbook
    (or ``out``); the workbook itself is not changed."""
    from .export import default_output, export_hwpx

    if out is None:
        saved = Path(book.fullname or "")
        if not saved.is_absolute() or not saved.parent.is_dir():
            alert(book, "통합 문서를 먼저 파일로 저장하십시오. 검토보고서는 그 옆에 저장됩니다.")
            return None
        out = default_output(saved, "hwpx")
    target = out
    done = _attempt(
        book,
        lambda progress: export_hwpx(LiveBook(book), target, progress, cancelled),
        "취소했습니다. 아무 파일도 쓰지 않았습니다.",
        "검토보고서를 만들지 못했습니다.",
    )
    if done is None:
        return None
    saved = f"\n(이전 파일은 {done.backup.name}(으)로 보관했습니다)" if done.backup else ""
    alert(book, f"검토보고서를 저장했습니다:\n{out}{saved}")
    return out
