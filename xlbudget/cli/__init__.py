"""The ``xlbudget`` command line: the same pipelines as the ribbon, with no Excel needed.

Every sub-command is an ``argparse`` sub-parser added here explicitly, from the module that
runs it (``review``, ``export``, ``imports``, ``build``, ``figures``); nothing registers
itself by being imported.  Exit codes: 0 done, 1 the check found errors (or an import found
suspect rows), 2 bad input or usage.  Errors are printed as one clear message (sheet, cell,
what was expected), never as a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from . import build, export, figures, imports, review
from .common import EXIT_BAD_INPUT

#: Sub-command modules in the order ``--help`` lists them; each has ``add_commands(subs)``.
MODULES = (review, export, imports, build, figures)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="xlbudget", description="예산 검토보고서 작성 도구")
    subs = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in MODULES:
        module.add_commands(subs)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not args.command:
        parser.print_help()
        return EXIT_BAD_INPUT
    try:
        return int(args.run(args))
    except KeyboardInterrupt:
        print("중단되었습니다.", file=sys.stderr)
        return EXIT_BAD_INPUT


if __name__ == "__main__":
    sys.exit(main())
