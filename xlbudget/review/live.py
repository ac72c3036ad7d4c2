"""Ribbon actions on the workbook open in Excel: the file pipeline's steps through xlwings.

Each action reads the open book, builds the same Plan as the CLI, and applies it with the
xlwings adapter.  Progress goes to Excel's status bar; any problem becomes a Korean message
box, never a Python traceback in front of the user.
"""

from __future__ import annotations

from typing import Any

from ..adapters import xlwings_io
from ..schema import TEMPLATE_PREFIX
from . import fill as fill_step
from .engine import book_templates, build_plan, read_tables
from .model import BookData, Plan
from .read import InputError, read_settings
from .templates import default_templates

TITLE = "예산검토"
#: The template 표 점검 renders (its output is 검토_점검).
CHECK_TEMPLATE = TEMPLATE_PREFIX + "점검"
_INPUT_TABLES = ("세입", "세출", "사업별증감", "통계목증감", "집행현황", "정보화사업")


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


def check_plan(data: BookData) -> Plan:
    """The ``check`` step's Plan plus the 검토_점검 sheet, rendered from its template alone.

    ``build_plan(…, ("check", "fill"))`` would need 집행현황 (the fill step does), while the
    check itself, like the CLI's ``check``, works on whatever tables the book has.  The
    template sees the same context as in a full fill (``fill.build_context``); the tables are
    read a second time for it, which costs little next to writing the sheet.
    """
    plan = build_plan(data, ("check",))
    settings = read_settings(data, [])
    tables = read_tables(data, [], _INPUT_TABLES)
    context = fill_step.build_context(tables, settings, plan.findings, plan.flagged)
    renderer = fill_step.Renderer(context, settings)
    templates = book_templates(data)
    template = next((t for t in templates if t.name == CHECK_TEMPLATE), None)
    if template is None:  # the book's own templates lack it: the default one
        templates = default_templates()
        template = next(t for t in templates if t.name == CHECK_TEMPLATE)
    # Where a full fill would put it: after the review sheet before it, else after the
    # templates (as engine.build_plan does), else at the end.
    index = templates.index(template)
    before = templates[index - 1].output if index > 0 else None
    after = before if before in data.sheets else (templates[-1].name if data.templates else None)
    plan.sheets = [renderer.sheet(template, after)]
    plan.findings = plan.findings + renderer.errors
    plan.sentences = [context["문장"]["점검"]]
    return plan


def _run(book: Any, steps: tuple[str, ...]) -> Plan | None:
    try:
        _status(book, f"{TITLE}: 표 읽는 중…")
        data = xlwings_io.read_book(book)
        _status(book, f"{TITLE}: 계산 중…")
        plan = check_plan(data) if steps == ("check",) else build_plan(data, steps)
        _status(book, f"{TITLE}: 쓰는 중…")
        report = xlwings_io.apply_plan(plan, book)
    except InputError as exc:
        alert(book, f"입력 표를 확인하십시오.\n\n{exc}")
        return None
    except Exception as exc:
        alert(book, f"처리 중 오류가 발생했습니다: {type(exc).__name__}: {exc}")
        return None
    finally:
        _status(book, None)
    errors = sum(f.severity == "오류" for f in plan.findings)
    lines = [f"완료: 점검 오류 {errors}건, 불용률 기준 이상 {len(plan.flagged)}건."]
    if report.skipped:
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
    return _run(book, ("check",))
