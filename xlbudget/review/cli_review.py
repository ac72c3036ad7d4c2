"""``xlbudget review | check | mark | fill``: the review pipeline from the command line."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from ..cli import EXIT_BAD_INPUT, EXIT_FINDINGS, EXIT_OK, command
from ..workbook.package import PackageError
from .files import review_file
from .read import InputError

BUNDLED = Path("workbook") / "budget_review.xlsm"
#: Start of the message for an unexpected error (tests look for it: it means a bug).
INTERNAL_ERROR = "오류: 예상하지 못한 문제로 중단했습니다:"


def _configure(parser: argparse.ArgumentParser, writes: bool = True) -> None:
    parser.add_argument(
        "workbook",
        nargs="?",
        type=Path,
        default=BUNDLED,
        help=f"검토할 통합 문서 (기본: {BUNDLED})",
    )
    if writes:
        parser.add_argument(
            "-o", "--output", type=Path, help="결과 파일 (기본: <이름>.review<확장자>, 원본 옆)"
        )
        parser.add_argument(
            "--in-place",
            action="store_true",
            help="원본에 덮어쓰기 (먼저 <이름>.backup<확장자> 로 백업)",
        )
        parser.add_argument(
            "--engine",
            choices=("package", "openpyxl"),
            default="package",
            help="파일 쓰기 방식: package(빠름, 나머지 파트 그대로) 또는 openpyxl(이전 방식)",
        )
    parser.add_argument("--json", action="store_true", help="결과를 JSON 한 개로 출력")
    parser.add_argument("-q", "--quiet", action="store_true", help="진행 표시 없이")


def _run(args: argparse.Namespace, steps: tuple[str, ...]) -> int:
    progress = (
        None if args.quiet or args.json else (lambda msg: print(msg, file=sys.stderr, flush=True))
    )
    try:
        result = review_file(
            args.workbook,
            getattr(args, "output", None),
            steps,
            getattr(args, "in_place", False),
            progress,
            engine=getattr(args, "engine", "package"),
        )
    except (InputError, PackageError) as exc:
        print(f"오류: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except PermissionError as exc:
        print(
            f"오류: 파일에 쓸 수 없습니다(읽기 전용이거나 다른 프로그램이 사용 중): {exc.filename}",
            file=sys.stderr,
        )
        return EXIT_BAD_INPUT
    except OSError as exc:
        print(f"오류: 파일을 처리할 수 없습니다: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except MemoryError:
        print(f"오류: 메모리가 부족해 중단했습니다: {args.workbook}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except Exception as exc:  # a bug must still end in one clear line, not a traceback
        print(
            f"{INTERNAL_ERROR} {args.workbook} ({type(exc).__name__}: {exc}). "
            "원본은 바뀌지 않았습니다. 이 메시지와 파일을 담당자에게 알려 주십시오.",
            file=sys.stderr,
        )
        return EXIT_BAD_INPUT
    plan = result.plan
    errors = [f for f in plan.findings if f.severity == "오류"]
    if args.json:
        payload: dict[str, Any] = {
            "output": str(result.output) if result.output else None,
            "flagged": plan.flagged,
            "findings": [f.as_json() for f in plan.findings],
            "sentences": plan.sentences,
        }
        print(json.dumps(payload, ensure_ascii=False, indent=1))
    else:
        for finding in plan.findings:
            print(
                f"[{finding.severity}] {finding.sheet}!{finding.cell} {finding.rule}: "
                f"{finding.message}"
            )
        counts = {k: sum(f.severity == k for f in plan.findings) for k in ("오류", "경고", "참고")}
        print(
            f"점검: 오류 {counts['오류']}건, 경고 {counts['경고']}건, 참고 {counts['참고']}건 · "
            f"불용률 기준 이상 {len(plan.flagged)}건"
        )
        for sentence in plan.sentences:
            print(sentence)
        if result.output:
            print(f"저장: {result.output}")
    return EXIT_FINDINGS if errors else EXIT_OK


@command("review", "점검·미집행 표시·검토서 작성을 한 번에 | check, mark and fill")(_configure)
def run_review(args: argparse.Namespace) -> int:
    return _run(args, ("check", "mark", "fill"))


@command("check", "제출 표 점검만 (파일을 쓰지 않음) | check the submitted tables")(
    lambda p: _configure(p, writes=False)
)
def run_check(args: argparse.Namespace) -> int:
    return _run(args, ("check",))


@command("mark", "미집행 줄에 조건부 서식 | mark low-execution lines")(_configure)
def run_mark(args: argparse.Namespace) -> int:
    return _run(args, ("mark",))


@command("fill", "검토_ 시트 작성 | fill the review sheets")(_configure)
def run_fill(args: argparse.Namespace) -> int:
    return _run(args, ("fill",))
