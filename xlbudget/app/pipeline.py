"""The review pipeline over any adapter: read the book, build the plan, apply it.

Written against the adapter contract only (:class:`xlbudget.adapters.contract.BookAdapter`),
so the file pipeline (:mod:`.review`) and the ribbon's live actions (:mod:`.live`) are the
same three steps; each adds only what its place needs (a target path and a backup, a status
bar and a message box).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable

from ..adapters.contract import BookAdapter
from ..core.collector import collector_paused
from ..core.engine import STEPS, build_plan
from ..core.plan import ApplyReport, Plan

Progress = Callable[[str], None]


class Cancelled(Exception):
    """The user asked to stop (Esc in Excel) before anything was written."""


def _quiet(_: str) -> None:
    return None


def _never() -> bool:
    return False


def run_steps(
    adapter: BookAdapter,
    steps: Iterable[str] = STEPS,
    sheets: Collection[str] | None = None,
    progress: Progress = _quiet,
    before_write: Callable[[], None] | None = None,
    write: bool = True,
    cancelled: Callable[[], bool] = _never,
) -> tuple[Plan, ApplyReport | None]:
    """Read, plan and (unless ``write`` is False) apply; ``before_write`` runs in between.

    ``cancelled`` is asked between the stages; once it says yes, nothing more is done and
    :class:`Cancelled` is raised — before the writing starts, so the book is unchanged.
    """

    def stage(text: str) -> None:
        if cancelled():
            raise Cancelled(text)
        progress(text)

    with collector_paused():
        stage("(1/3, 0%) 표 읽는 중…")
        book = [adapter.read_book()]
        stage("(2/3, 30%) 점검·계산 중…")
        # Handed over, not kept: build_plan lets a city's values (a million rows read) go
        # once its tables are read, instead of holding them beside the plan and the writer.
        plan = build_plan(book.pop(), steps, sheets)
        if not write:
            return plan, None
        if before_write is not None:
            before_write()
        stage("(3/3, 70%) 결과 쓰는 중…")
        return plan, adapter.apply_plan(plan)
