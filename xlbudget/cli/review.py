"""``xlbudget review | check | mark | fill``: the review pipeline from the command line.

What was read is printed first (each table, its lines, the rows skipped and why), so "오류
0건" is never read without knowing what it is about.  The exit code is 1 when a check found
an error *or* something that looked like a table could not be read: a clean exit means
everything given was read and checked.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from ..app.paths import WORKBOOK_NAME, bundled_workbook
from ..app.review import review_file
from ..core.reading import UNREAD_RULES
from .common import EXIT_FINDINGS, EXIT_OK, guarded

COMMANDS = (
    (
        "review",
        ("check", "mark", "fill"),
        "점검·미집행 표시·검토서 작성을 한 번에 | check, mark and fill",
    ),
    ("check", ("check",), "제출 표 점검만 (파일을 쓰지 않음) | check the submitted tables"),
    ("mark", ("mark",), "미집행 줄에 조건부 서식 | mark low-execution lines"),
    ("fill", ("fill",), "검토_ 시트 작성 | fill the review sheets"),
)


def add_commands(subs: Any) -> None:
    for name, steps, help_text in COMMANDS:
        parser = subs.add_parser(name, help=help_text, description=help_text)
        _configure(parser, writes=name != "check")
        parser.set_defaults(run=lambda args, steps=steps: run(args, steps))


def _configure(parser: argparse.ArgumentParser, writes: bool = True) -> None:
    parser.add_argument(
        "workbook",
        nargs="?",
        type=Path,
        default=None,
        help=f"검토할 통합 문서 (기본: {WORKBOOK_NAME})",
    )
    if writes:
        parser.add_argument(
            "-o", "--output", type=Path, help="결과 파일 (기본: <이름>.review<확장자>, 원본 옆)"
        )
        parser.add_argument(
            "--in-place",
            action="store_true",
            help="원본에 덮어쓰기 (먼저 <이름>.backup-<시각><확장자> 로 백업)",
        )
    parser.add_argument("--json", action="store_true", help="결과를 JSON 한 개로 출력")
    parser.add_argument("-q", "--quiet", action="store_true", help="진행 표시 없이")


def run(args: argparse.Namespace, steps: tuple[str, ...]) -> int:
    args.workbook = args.workbook or bundled_workbook()
    return guarded(lambda: _run(args, steps), args.workbook)


def _run(args: argparse.Namespace, steps: tuple[str, ...]) -> int:
    progress = (
        None if args.quiet or args.json else (lambda msg: print(msg, file=sys.stderr, flush=True))
    )
    result = review_file(
        args.workbook,
        getattr(args, "output", None),
        steps,
        getattr(args, "in_place", False),
        progress,
    )
    plan = result.plan
    errors = [f for f in plan.findings if f.severity == "오류" or f.rule in UNREAD_RULES]
    if args.json:
        payload: dict[str, Any] = {
            "output": str(result.output) if result.output else None,
            "backup": str(result.backup) if result.backup else None,
            "flagged": plan.flagged,
            "findings": [f.as_json() for f in plan.findings],
            "sentences": plan.sentences,
            "reading": plan.reading.as_json() if plan.reading else None,
        }
        print(json.dumps(payload, ensure_ascii=False, indent=1))
    else:
        if plan.reading:
            print("\n".join(plan.reading.text()))
        for finding in plan.findings:
            where = f"{finding.sheet}!{finding.cell}" if finding.cell else finding.sheet
            print(f"[{finding.severity}] {where} {finding.rule}: {finding.message}")
        counts = {k: sum(f.severity == k for f in plan.findings) for k in ("오류", "경고", "참고")}
        print(
            f"점검: 오류 {counts['오류']}건, 경고 {counts['경고']}건, 참고 {counts['참고']}건 · "
            f"불용률 기준 이상 {len(plan.flagged)}건"
        )
        for sentence in plan.sentences:
            print(sentence)
        if result.backup:
            print(f"백업: {result.backup}")
        if result.output:
            print(f"저장: {result.output}")
    return EXIT_FINDINGS if errors else EXIT_OK
