"""One engine for every shell: BookData in, Plan out (pure; no Excel, no files).

Steps: ``check`` lists the inconsistencies of the submitted tables (the registry of
:mod:`.checks`), ``mark`` adds the low-execution conditional formats, ``fill`` writes the
검토_ sheets from the 양식_ templates (all of them, or the ones asked for: the ribbon's
표 점검 writes only 검토_점검).  The workbook is read once (:mod:`.reading`); each
step runs on the tables it has, and a missing table removes only its part of the review,
with a note saying so.  Only ``mark`` alone, asked of a workbook without 집행현황, is an
error: there is nothing it could do.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

from .checks import run_checks
from .errors import InputError
from .model import BookData, Finding
from .plan import Plan
from .reading import not_found, read_book
from .report import mark
from .report.context import build_context
from .report.fill import Renderer, referenced_names
from .report.language import IterationBudget
from .report.sentences import sentences
from .report.templates import TemplateSheet, default_templates
from .schema import INPUT_TABLES, REVIEW_PREFIX, RULE_TABLES, TABLES, TEMPLATE_PREFIX

STEPS = ("check", "mark", "fill")
#: The review sheet of the findings (the ribbon's 표 점검 writes only this one).
CHECK_SHEET = REVIEW_PREFIX + "점검"


def book_templates(book: BookData) -> list[TemplateSheet]:
    """The workbook's own 양식_ sheets if it has any (users may edit them), else the defaults."""
    own = [t for t in book.templates if t.name.startswith(TEMPLATE_PREFIX)]
    return own or default_templates()


def _selected(templates: list[TemplateSheet], sheets: Collection[str]) -> list[TemplateSheet]:
    """The templates whose output is in ``sheets``; a default one where the book lacks it."""
    chosen = [t for t in templates if t.output in sheets]
    have = {t.output for t in chosen}
    chosen += [t for t in default_templates() if t.output in sheets and t.output not in have]
    return chosen


def build_plan(
    book: BookData, steps: Iterable[str] = STEPS, sheets: Collection[str] | None = None
) -> Plan:
    """The plan of ``steps`` for ``book``; ``sheets`` limits fill to those review sheets.

    ``book`` is let go as soon as its tables are read: a caller that hands it over without
    keeping a reference (the pipeline) frees the values of a city's sheets — a million rows
    — before the plan is built, instead of holding them beside it.
    """
    steps = tuple(steps)
    unknown = [s for s in steps if s not in STEPS]
    if unknown:
        raise InputError(f"알 수 없는 단계입니다: {', '.join(unknown)} (가능: {', '.join(STEPS)})")
    reading = read_book(book, (*INPUT_TABLES, *RULE_TABLES))
    templates = book_templates(book) if "fill" in steps else []
    del book
    findings: list[Finding] = list(reading.findings)
    settings, tables = reading.settings, reading.tables
    execution = tables.get("집행현황")
    if execution is None and steps == ("mark",):
        raise not_found(TABLES["집행현황"])
    if execution is None and "mark" in steps:
        findings.append(_skipped("mark", "미집행 표시(조건부 서식)"))
    plan = Plan(reading=reading.summary, digits=settings.digits)
    if "check" in steps or "fill" in steps:
        findings += run_checks(tables, settings)
    plan.findings = findings
    if execution is not None:
        plan.flagged = mark.flagged(execution, settings)
    if "mark" in steps and execution is not None:
        plan.rules = mark.rules_for(execution, settings)
        plan.rule_sheets = {execution.sheet}
        plan.names = settings.names()
    text = sentences(tables, settings, findings, plan.flagged)
    if "fill" in steps:
        plan.review_order = [t.output for t in templates]
        chosen = templates if sheets is None else _selected(templates, sheets)
        budget = IterationBudget()
        wanted = referenced_names(chosen)
        context = build_context(
            tables, settings, findings, plan.flagged, text, budget, wanted, reading.summary
        )
        renderer = Renderer(context, settings, budget)
        plan.sheets = [renderer.sheet(t) for t in chosen]
        plan.findings = findings + renderer.errors
        if sheets is not None:
            text = {k: v for k, v in text.items() if k == "점검"}
    plan.sentences = list(text.values()) if "fill" in steps else []
    return plan


def _skipped(step: str, what: str) -> Finding:
    spec = TABLES["집행현황"]
    return Finding(
        spec.sheet,
        None,
        None,
        "STEP_SKIPPED",
        "참고",
        f"집행현황 표가 없어 {what}를 하지 않았습니다 (단계 {step}). 머리글 "
        f"{', '.join(spec.required)}이(가) 있는 표를 넣으면 함께 검토합니다.",
    )
