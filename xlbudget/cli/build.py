"""``xlbudget build-workbook`` (the bundled .xlsm from the text sources) and ``xlbudget new``
(an officer's own working workbook, with empty input tables, anywhere)."""

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
    new = subs.add_parser(
        "new",
        help="내 작업 통합문서 만들기(빈 입력 표) | a working workbook of your own",
        description=(
            "리본·VBA·양식_ 시트와 빈 입력 표, 설정을 갖춘 작업 통합문서(.xlsm)를 만듭니다. "
            "표에 자료를 붙여 넣거나 xlbudget import 로 가져온 뒤 검토하십시오."
        ),
    )
    new.add_argument(
        "-o", "--output", type=Path, default=Path(NEW_NAME), help=f"출력 파일 (기본: {NEW_NAME})"
    )
    for key, english, example in NEW_SETTINGS:
        new.add_argument(
            f"--{key}", f"--{english}", dest=key, default="", help=f"설정 {key} (예: {example})"
        )
    new.add_argument("--force", action="store_true", help="같은 이름의 파일이 있으면 덮어쓰기")
    new.set_defaults(run=run_new)


#: The default name of ``xlbudget new``'s workbook, and the 설정 items it takes.
NEW_NAME = "예산검토.xlsm"
NEW_SETTINGS = (
    ("소관", "office", "스마트도시정책관"),
    ("회계연도", "year", "2026"),
    ("회차", "round", "제1회"),
    ("기준일", "as-of", "2026-07-31"),
)


def run_new(args: argparse.Namespace) -> int:
    from ..workbook.build import new_workbook

    def make() -> int:
        values = {key: getattr(args, key) for key, _, _ in NEW_SETTINGS if getattr(args, key)}
        path = new_workbook(args.output, values, overwrite=args.force)
        blank = [key for key, _, _ in NEW_SETTINGS if key not in values]
        print(f"{path} 작성 완료 | written")
        if blank:
            print(f"설정에서 채울 항목: {', '.join(blank)}")
        return EXIT_OK

    return guarded(make, args.output)


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
