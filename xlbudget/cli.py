"""The ``xlbudget`` command line: the same pipeline as the ribbon, with no Excel needed.

Exit codes: 0 done, 1 the check found errors, 2 bad input or usage.  Errors are printed as
one clear message (sheet, cell, what was expected), never as a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from . import seed
from .core.korean import won_words
from .core.numformat import tri
from .core.rates import rate, unspent_rate

EXIT_OK, EXIT_FINDINGS, EXIT_BAD_INPUT = 0, 1, 2

Command = Callable[[argparse.Namespace], int]
_COMMANDS: dict[str, tuple[Command, Callable[[argparse.ArgumentParser], None], str]] = {}


def command(name: str, help_text: str):
    """Register a sub-command: the decorated function gets the parsed arguments."""

    def deco(configure: Callable[[argparse.ArgumentParser], None]):
        def register(run: Command) -> Command:
            _COMMANDS[name] = (run, configure, help_text)
            return run

        return register

    return deco


def _no_args(_: argparse.ArgumentParser) -> None:
    return None


@command("figures", "씨앗(seed) 보고서의 주요 수치 출력 | print the seed report's key figures")(
    _no_args
)
def run_figures(_: argparse.Namespace) -> int:
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
    flagged = [r for r in lines.itertuples() if (unspent_rate(r.예산현액, r.지출액) or 0) >= 70]
    print(f"집행현황 {len(lines)}건 중 불용률 70% 이상 {len(flagged)}건")
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="xlbudget", description="예산 검토보고서 작성 도구")
    subs = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (_, configure, help_text) in _COMMANDS.items():
        configure(subs.add_parser(name, help=help_text, description=help_text))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    _load_commands()
    parser = build_parser()
    args = parser.parse_args(argv)
    if not args.command:
        parser.print_help()
        return EXIT_BAD_INPUT
    run, _, _ = _COMMANDS[args.command]
    try:
        return run(args)
    except KeyboardInterrupt:
        print("중단되었습니다.", file=sys.stderr)
        return EXIT_BAD_INPUT


def _load_commands() -> None:
    """Import the modules that register further commands (kept lazy for a fast start)."""
    import importlib

    for module in (
        "xlbudget.workbook.cli_build",
        "xlbudget.review.cli_review",
        "xlbudget.importers.cli_import",
    ):
        try:
            importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name != module and not module.startswith(exc.name or "\0"):
                raise


if __name__ == "__main__":
    # Run as ``python -m xlbudget.cli``: commands register on the importable module, not on
    # this __main__ copy, so hand over to it.
    from xlbudget.cli import main as package_main

    sys.exit(package_main())
