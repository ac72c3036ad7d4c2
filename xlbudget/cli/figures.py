"""``xlbudget figures``: the seed report's key figures (a quick look that the core is right)."""

from __future__ import annotations

import argparse
from typing import Any

from ..core import seed
from ..core.importing.convert import low_execution
from ..core.korean import won_words
from ..core.numformat import tri
from ..core.rates import rate
from ..core.settings import SETTING
from .common import EXIT_OK, guarded


def add_commands(subs: Any) -> None:
    parser = subs.add_parser(
        "figures",
        help="seed 보고서의 주요 수치 출력 | print the seed report's key figures",
    )
    parser.set_defaults(run=run_figures)


def run_figures(args: argparse.Namespace) -> int:
    return guarded(_figures, "figures")


def _figures() -> int:
    spend = seed.load("세출").iloc[0]
    print(
        f"세출 총계(백만원): 기정 {tri(spend['기정'])}, 추경 {tri(spend['추경'])}, "
        f"증감 {tri(spend['추경'] - spend['기정'])}, "
        f"증감율 {tri(rate(spend['추경'], spend['기정']), 1, '%')}"
    )
    print(
        f"  → 추경 {won_words(spend['추경'], '백만원')} / 기정 {won_words(spend['기정'], '백만원')}"
    )
    lines = seed.load("집행현황")
    threshold = SETTING["미집행기준"].default
    flagged = low_execution(lines, threshold)
    print(f"집행현황 {len(lines)}건 중 불용률 {threshold}% 이상 {len(flagged)}건")
    return EXIT_OK
