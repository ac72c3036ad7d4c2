"""``xlbudget export``: the review as the document councils file (HWPX), or a PDF."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ..app.paths import WORKBOOK_NAME, bundled_workbook
from .common import EXIT_FINDINGS, EXIT_OK, guarded

HELP = "검토보고서 내보내기 (HWPX 또는 PDF) | export the review as .hwpx or .pdf"


def add_commands(subs: Any) -> None:
    parser = subs.add_parser("export", help=HELP, description=HELP)
    parser.add_argument(
        "workbook", nargs="?", type=Path, default=None, help=f"통합 문서 (기본: {WORKBOOK_NAME})"
    )
    kind = parser.add_mutually_exclusive_group()
    kind.add_argument(
        "--hwpx",
        dest="format",
        action="store_const",
        const="hwpx",
        help="한글 문서 (기본; -o 이름이 .pdf 이면 PDF)",
    )
    kind.add_argument(
        "--pdf", dest="format", action="store_const", const="pdf", help="PDF (LibreOffice 필요)"
    )
    parser.add_argument(
        "-o", "--output", type=Path, help="결과 파일 (기본: <이름>.검토보고서.<형식>, 원본 옆)"
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="진행 표시 없이")
    parser.set_defaults(run=run, format=None)


def run(args: argparse.Namespace) -> int:
    args.workbook = args.workbook or bundled_workbook()
    return guarded(lambda: _run(args), args.workbook)


def _run(args: argparse.Namespace) -> int:
    from ..app.export import export_file
    from ..core.reading import UNREAD_RULES
    from ..core.report.document import Table

    progress = None if args.quiet else (lambda msg: print(msg, file=sys.stderr, flush=True))
    result = export_file(args.workbook, args.output, args.format, progress)
    doc, plan = result.document, result.plan
    tables = sum(1 for part in doc.parts for b in part.blocks if isinstance(b, Table))
    print(f"검토보고서: {', '.join(part.title for part in doc.parts)} — 표 {tables}개")
    if doc.charts:
        print(
            f"※ 차트 {len(doc.charts)}개는 문서에 넣지 않았습니다(검토_ 시트에서 보십시오): "
            + "; ".join(doc.charts)
        )
    if doc.unknown:
        print(
            f"※ 값을 계산하지 못한 수식 {len(doc.unknown)}칸은 빈칸으로 두었습니다: "
            + ", ".join(doc.unknown[:10])
            + (" …" if len(doc.unknown) > 10 else "")
        )
    errors = [f for f in plan.findings if f.severity == "오류" or f.rule in UNREAD_RULES]
    if errors:
        print(f"※ 제출 표 점검에서 오류 {len(errors)}건이 나왔습니다(문서의 '제출 표 점검 결과').")
    if result.backup is not None:
        print(f"백업: {result.backup} (덮어쓴 이전 파일)")
    print(f"저장: {result.output}")
    return EXIT_FINDINGS if errors else EXIT_OK
