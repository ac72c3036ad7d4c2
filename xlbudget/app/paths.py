"""Where the bundled working workbook is, for every command that defaults to it.

``workbook/budget_review.xlsm`` of the current folder (an officer's copy of the repository,
or the folder the README's first command runs in), else of the source checkout this
package runs from.  Outside both (a pip-installed package run elsewhere) there is none.
"""

from __future__ import annotations

from pathlib import Path

WORKBOOK_NAME = Path("workbook") / "budget_review.xlsm"


def repo_root() -> Path | None:
    """The source checkout this package runs from, or None for an installed package."""
    root = Path(__file__).resolve().parents[2]
    if (root / "pyproject.toml").is_file() and (root / "workbook").is_dir():
        return root
    return None


def bundled_workbook() -> Path:
    """The working workbook a command uses when none is named (it may not exist)."""
    here = Path.cwd() / WORKBOOK_NAME
    if here.is_file():
        return here
    root = repo_root()
    return root / WORKBOOK_NAME if root is not None else here
