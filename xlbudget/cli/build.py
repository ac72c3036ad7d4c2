"""``xlbudget build-workbook``: write the bundled .xlsm from the text sources."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ..app.paths import WORKBOOK_NAME, repo_root
from .common import EXIT_BAD_INPUT, EXIT_OK, guarded


def default_output() -> Path | None:
    """workbook/budget_review.xlsm of the checkout, else of the current directory if it has one."""
    root = repo_root()
    if root is not None:
        return root / WORKBOOK_NAME
    here = Path.cwd() / WORKBOOK_NAME
    return here if here.parent.is_dir() else None


def add_commands(subs: Any) -> None:
    parser = subs.add_parser(
        "build-workbook",
        help="작업 통합문서(.xlsm) 만들기 | build the bundled workbook",
    )
    parser.add_argument(
        "-o",
        "--output",
        type=Path,
        default=None,
        help=f"출력 파일(.xlsm) | output path (default: {WORKBOOK_NAME} of the checkout)",
    )
    parser.set_defaults(run=run_build)


def run_build(args: argparse.Namespace) -> int:
    from ..workbook.build import build_workbook

    target = args.output or default_output()
    if target is None:
        print(
            "출력 경로를 -o 로 지정하세요(저장소 밖에서는 기본 경로가 없습니다) | "
            "give the output path with -o",
            file=sys.stderr,
        )
        return EXIT_BAD_INPUT

    def build() -> int:
        path = build_workbook(target)
        print(f"{path} 작성 완료 | written")
        return EXIT_OK

    return guarded(build, target)
