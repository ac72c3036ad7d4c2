"""One engine for the CLI and the ribbon: BookData in, Plan out (pure; no Excel, no files).

Steps: ``check`` lists the inconsistencies of the submitted tables, ``mark`` adds the
low-execution conditional formats, ``fill`` writes the 검토_ sheets from the 양식_ templates.
A missing input table is an error only for the steps that need it.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..schema import TABLES, TEMPLATE_PREFIX
from . import check, fill, mark
from .model import BookData, Finding, Plan
from .read import InputError, Table, locate, read_settings, read_table
from .templates import TemplateSheet, default_templates

STEPS = ("check", "mark", "fill")
_SUMMARIES = ("세입", "세출", "사업별증감")


def read_tables(book: BookData, findings: list[Finding], keys: Iterable[str]) -> dict[str, Table]:
    """The tables among ``keys`` that the book has (a missing one is skipped)."""
    out = {}
    for key in keys:
        if locate(book, TABLES[key]) is not None:
            out[key] = read_table(book, key, findings)
    return out


def run_checks(tables: dict[str, Table], digits: int) -> list[Finding]:
    findings: list[Finding] = []
    for key in _SUMMARIES:
        if key in tables:
            findings += check.check_summary(tables[key], digits)
    if "통계목증감" in tables:
        findings += check.check_items(tables["통계목증감"])
    if "집행현황" in tables:
        findings += check.check_execution(tables["집행현황"], digits)
    if "사업별증감" in tables and "통계목증감" in tables:
        findings += check.check_projects_vs_items(tables["사업별증감"], tables["통계목증감"])
    return findings


def book_templates(book: BookData) -> list[TemplateSheet]:
    """The workbook's own 양식_ sheets if it has any (users may edit them), else the defaults."""
    own = [t for t in book.templates if t.name.startswith(TEMPLATE_PREFIX)]
    return own or default_templates()


def build_plan(book: BookData, steps: Iterable[str] = STEPS) -> Plan:
    steps = tuple(steps)
    unknown = [s for s in steps if s not in STEPS]
    if unknown:
        raise InputError(f"알 수 없는 단계입니다: {', '.join(unknown)} (가능: {', '.join(STEPS)})")
    plan = Plan()
    read_findings: list[Finding] = []
    settings = read_settings(book, read_findings)
    tables = read_tables(
        book, read_findings, ("세입", "세출", "사업별증감", "통계목증감", "집행현황", "정보화사업")
    )
    if ("mark" in steps or "fill" in steps) and "집행현황" not in tables:
        raise InputError(
            "'집행현황' 표(엑셀 표 이름 tbl_execution)를 찾을 수 없습니다: "
            "머리글 세부사업, 통계목, 예산현액, 지출액 이 있는 표가 필요합니다."
        )
    findings = read_findings + (
        run_checks(tables, settings.digits) if "check" in steps or "fill" in steps else []
    )
    plan.findings = findings
    execution = tables.get("집행현황")
    if execution is not None:
        plan.flagged = mark.flagged(execution, settings)
    if "mark" in steps and execution is not None:
        plan.rules = mark.rules(execution, settings.digits)
        plan.rule_sheets = {execution.sheet}
        plan.names = mark.names(settings)
    if "fill" in steps:
        context = fill.build_context(tables, settings, findings, plan.flagged)
        renderer = fill.Renderer(context, settings)
        templates = book_templates(book)
        after = templates[-1].name if book.templates else None
        for template in templates:
            sheet = renderer.sheet(template, after)
            plan.sheets.append(sheet)
            after = sheet.name
        plan.findings = findings + renderer.errors
        plan.sentences = list(context["문장"].values())
    return plan
