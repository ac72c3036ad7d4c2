"""The checks of the submitted tables, listed in one registry that the engine runs.

Each check is ``check_*(*tables, settings) -> list[Finding]`` over the tables it names, as
beancount's validations are: adding a check means writing one function and one line in
``CHECKS``, never touching the engine.  A check runs when the workbook has every table it
needs; one that fails with an exception becomes a finding (``CHECK_FAILED``) naming it, so a
bug in one check never hides the others' findings.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..model import Finding
from ..reading import Table
from ..settings import Settings
from .anomalies import check_names, check_periods
from .cross import check_projects_vs_items
from .execution import check_execution
from .items import check_items
from .summary import check_summary


@dataclass(frozen=True)
class Check:
    tables: tuple[str, ...]  # the table keys it needs, in the order it takes them
    run: Callable[..., list[Finding]]


CHECKS: tuple[Check, ...] = (
    Check(("세입",), check_summary),
    Check(("세출",), check_summary),
    Check(("사업별증감",), check_summary),
    Check(("통계목증감",), check_items),
    Check(("집행현황",), check_execution),
    Check(("사업별증감", "통계목증감"), check_projects_vs_items),
    Check(("정보화사업",), check_periods),
    Check((), check_names),  # no table named: it is given every table the book has
)


def run_checks(tables: dict[str, Table], settings: Settings) -> list[Finding]:
    """Every check of ``CHECKS`` whose tables are all present, in registry order."""
    findings: list[Finding] = []
    for check in CHECKS:
        if not all(key in tables for key in check.tables):
            continue
        try:
            if not check.tables:
                findings += check.run(tables, settings)
                continue
            findings += check.run(*(tables[key] for key in check.tables), settings)
        except Exception as exc:  # one broken check must not hide the others' findings
            sheet = tables[check.tables[0]].sheet if check.tables else ""
            findings.append(
                Finding(
                    sheet,
                    None,
                    None,
                    "CHECK_FAILED",
                    "오류",
                    f"점검 {check.run.__name__}({', '.join(check.tables)})을 끝내지 못했습니다: "
                    f"{type(exc).__name__}: {exc}. 이 표의 점검 결과는 불완전합니다.",
                )
            )
    return findings
