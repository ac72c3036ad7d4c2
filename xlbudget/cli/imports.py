"""``xlbudget import`` and ``xlbudget sample``: exports in, synthetic workbooks out.

Exit codes follow the CLI: 0 imported with no suspect rows, 1 imported but some rows need a
look (listed), 2 bad input (nothing written).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..app.importing import FORMATS, import_source
from ..core.importing.convert import low_execution
from ..core.importing.model import ImportResult
from ..core.importing.presets import GROUP_BY
from ..core.schema import TABLES
from ..core.settings import SETTING
from .common import EXIT_FINDINGS, EXIT_OK, guarded

#: Problems printed in the text summary (all of them go to --json).
MAX_LISTED = 100


class _Progress:
    """Progress lines on stderr: rewritten in place on a terminal, plain lines otherwise."""

    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet
        self.tty = sys.stderr.isatty()
        self.start = time.perf_counter()

    def __call__(self, message: str) -> None:
        if self.quiet:
            return
        text = f"[{time.perf_counter() - self.start:6.1f}s] {message}"
        if self.tty:
            sys.stderr.write("\r\033[K" + text)
        else:
            sys.stderr.write(text + "\n")
        sys.stderr.flush()

    def done(self) -> None:
        if self.tty and not self.quiet:
            sys.stderr.write("\r\033[K")
            sys.stderr.flush()


def _amount(value: Decimal) -> str:
    sign = "△" if value < 0 else ""
    return f"{sign}{abs(value):,}"


def summary_text(result: ImportResult) -> str:
    """The Korean summary a user reads after an import."""
    lines = [f"{result.table} {result.rows:,}행을 가져왔습니다 → {result.output}"]
    if result.backup is not None:
        lines.append(f"  백업: {result.backup}")
    lines.append(
        "  합계("
        + result.unit
        + "): "
        + ", ".join(f"{k} {_amount(v)}" for k, v in result.totals.items())
    )
    if result.low_execution is not None:
        threshold = result.threshold if result.threshold is not None else 70
        lines.append(f"  불용률 {threshold}% 이상: {result.low_execution:,}행")
    if result.notes:
        lines.append("  매핑: " + "; ".join(result.notes))
    if result.problems:
        rows = len({(p.source, p.row) for p in result.problems})
        lines.append(
            f"확인이 필요한 행 {rows:,}개 (문제 {len(result.problems):,}건, 행은 그대로 "
            "가져왔습니다):"
        )
        lines += [f"  - {p.text()}" for p in result.problems[:MAX_LISTED]]
        if len(result.problems) > MAX_LISTED:
            lines.append(f"  … 외 {len(result.problems) - MAX_LISTED:,}건 (전체: --json)")
    else:
        lines.append("문제 행 없음")
    return "\n".join(lines)


def summary_json(result: ImportResult) -> dict:
    return {
        "table": result.table,
        "unit": result.unit,
        "rows": result.rows,
        "totals": {k: str(v) for k, v in result.totals.items()},
        "low_execution": result.low_execution,
        "threshold": str(result.threshold) if result.threshold is not None else None,
        "output": str(result.output),
        "backup": str(result.backup) if result.backup else None,
        "sources": result.sources,
        "preset": result.preset,
        "notes": result.notes,
        "problems": [p.as_dict() for p in result.problems],
    }


def configure_import(p: argparse.ArgumentParser) -> None:
    p.set_defaults(run=run_import)
    p.add_argument(
        "source",
        nargs="+",
        type=Path,
        help="내보낸 파일(들) 또는 폴더 (지방재정365 JSON 폴더, 열린재정 xlsx, CSV/XLSX)",
    )
    p.add_argument(
        "--into",
        dest="workbook",
        type=Path,
        default=None,
        help="가져올 통합문서 (기본: 빈 입력 표의 새 작업 통합문서, xlbudget new 와 같음)",
    )
    p.add_argument(
        "-o",
        "--output",
        type=Path,
        default=None,
        help=(
            "결과 파일 (기본: --into가 있으면 <이름>.imported<확장자>, 입력은 그대로 둡니다; "
            "없으면 현재 폴더의 <원본 이름>.xlsm)"
        ),
    )
    p.add_argument(
        "--in-place", action="store_true", help="통합문서를 직접 고칩니다 (먼저 백업 사본을 씁니다)"
    )
    p.add_argument("--format", choices=FORMATS, default="auto", help="원본 형식 (기본: 자동)")
    p.add_argument(
        "--table",
        choices=list(TABLES),
        default=None,
        help="대상 표 (기본: 형식별 — 지방재정365·일반 → 집행현황, 열린재정 → 사업별증감)",
    )
    p.add_argument("--config", type=Path, default=None, help="열 매핑 설정 (TOML)")
    p.add_argument(
        "--group-by",
        choices=GROUP_BY,
        default="auto",
        help="지방재정365: 담당관 열에 넣을 값 (기본: 지역 하나면 분야, 여럿이면 지역+분야)",
    )
    p.add_argument(
        "--regions",
        type=Path,
        default=None,
        help="지방재정365: regions.json (기본: 원본 옆 data/regions.json)",
    )
    p.add_argument("--json", action="store_true", help="결과를 JSON으로 출력")
    p.add_argument("-q", "--quiet", action="store_true", help="진행 표시 없음")


def run_import(args: argparse.Namespace) -> int:
    progress = _Progress(args.quiet)

    def report(message: str) -> None:
        """The one error line: on stderr, or as ``{"error": …}`` with --json."""
        progress.done()
        if args.json:
            print(json.dumps({"error": message.removeprefix("오류: ")}, ensure_ascii=False))
        else:
            print(message, file=sys.stderr)

    def run() -> int:
        result = import_source(
            args.source,
            args.workbook,
            args.output,
            args.format,
            args.table,
            args.config,
            args.group_by,
            args.regions,
            args.in_place,
            progress,
        )
        progress.done()
        if args.json:
            print(json.dumps(summary_json(result), ensure_ascii=False, indent=1))
        else:
            print(summary_text(result))
        return EXIT_FINDINGS if result.problems else EXIT_OK

    return guarded(run, " ".join(str(s) for s in args.source), report)


def configure_sample(p: argparse.ArgumentParser) -> None:
    p.set_defaults(run=run_sample)
    p.add_argument("--lines", type=int, required=True, help="집행현황 행 수")
    p.add_argument("-o", "--output", type=Path, required=True, help="결과 파일 (.xlsm/.xlsx)")
    p.add_argument(
        "--random-state", type=int, default=0, help="난수 시작값 (같은 값이면 같은 결과)"
    )
    p.add_argument(
        "--inconsistent",
        type=int,
        default=0,
        metavar="K",
        help="지출잔액에 1천원 차이를 K개 심습니다 (검토 기능 시험용)",
    )
    p.add_argument("-q", "--quiet", action="store_true", help="진행 표시 없음")


def run_sample(args: argparse.Namespace) -> int:
    from ..app.sample import write_sample

    progress = _Progress(args.quiet)

    def run() -> int:
        frame, planted = write_sample(
            args.output, args.lines, args.random_state, args.inconsistent, progress
        )
        progress.done()
        threshold = SETTING["미집행기준"].default
        low = len(low_execution(frame, threshold))
        print(
            f"집행현황 {len(frame):,}행 → {args.output} (불용률 {threshold}% 이상 {low:,}행"
            + (
                f", 지출잔액 오류 {len(planted)}개: "
                f"{', '.join(str(i + 1) for i in planted[:20])}번째 행"
                if planted
                else ""
            )
            + ")"
        )
        return EXIT_OK

    return guarded(run, args.output)


def add_commands(subs: Any) -> None:
    configure_import(
        subs.add_parser(
            "import",
            help="내보낸 재정 자료를 통합문서 표로 가져오기 | import finance-system exports",
        )
    )
    configure_sample(
        subs.add_parser("sample", help="합성 집행현황 통합문서 만들기 | write a synthetic workbook")
    )
