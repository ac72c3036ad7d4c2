"""``xlbudget export``: the review as the document councils file (HWPX), or a PDF."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ..app.paths import WORKBOOK_NAME, bundled_workbook
from .common import EXIT_OK, guarded

HELP = "검토보고서 내보내기 (HWPX 또는 PDF) | export the review as .hwpx or .pdf"


def add_commands(subs: Any) -> None:
    parser = subs.add_parser("export", help=HELP, description=HELP)
    parser.add_argument(
        "workbook", nargs="?", type=Path, default=None, help=f"통합 문서 (기본: {WORKBOOK_NAME})"
    )
    kind = parser.add_mutually_exclusive_group()
    kind.add_argument(
        "--hwpx", dest="format", action="store_const", const="hwpx", help="한글 문서 (기본)"
    )
    kind.add_argument(
        "--pdf", dest="format", action="store_const", const="pdf", help="PDF (LibreOffice 필요)"
    )
    parser.add_argument(
        "-o", "--output", type=Path, help="결과 파일 (기본: <이름>.검토보고서.<형식>, 원본 옆)"
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="진행 표시 없이")
    parser.set_defaults(run=run, format="hwpx")


def run(args: argparse.Namespace) -> int:
    args.workbook = args.workbook or bundled_workbook()
    return guarded(lambda: _run(args), args.workbook)


def _run(args: argparse.Namespace) -> int:
    from ..app.export import export_file
    from ..core.report.document import Table

    progress = None if args.quiet else (lambda msg: print(msg, file=sys.stderr, flush=True))
    result = export_file(args.workbook, args.output, args.format, progress)
    doc = result.document
    tables = sum(1 for part in doc.parts for b in part.blocks if isinstance(b, Table))
    print(f"검토보고서: {len(doc.parts)}개 장, 표 {tables}개")
    if doc.unknown:
        print(
            f"※ 값을 계산하지 못한 수식 {len(doc.unknown)}칸은 빈칸으로 두었습니다: "
            + ", ".join(doc.unknown[:10])
            + (" …" if len(doc.unknown) > 10 else "")
        )
    print(f"저장: {result.output}")
    return EXIT_OK
