"""Fixtures of the importer tests: a target workbook and one real import shared per session.

The target is the bundled workbook when it exists, else one built by the workbook builder,
else a plain workbook with only the 집행현황 table: the importer must work on all three.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from tests.conftest import BUNDLED_WORKBOOK, REAL_DATA, need

LOFIN = REAL_DATA / "lofin365_qwgjk_popfund"
PROJECTS = LOFIN / "projects"
OPENFISCAL = (
    next(
        iter(sorted((REAL_DATA / "openfiscal_budget2023_statgarten_datatoys").glob("*.xlsx"))), None
    )
    if REAL_DATA.is_dir()
    else None
)
#: Three real files: 4772000 has budget-≤0 and overspent rows, 4717000 overspent rows.
SUBSET = ("2612000.json", "4717000.json", "4772000.json")


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="session")
def target_workbook(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A read-only master copy of the workbook to import into (tests copy it if they write)."""
    folder = tmp_path_factory.mktemp("target")
    if BUNDLED_WORKBOOK.is_file():
        return Path(shutil.copy2(BUNDLED_WORKBOOK, folder / BUNDLED_WORKBOOK.name))
    try:
        from xlbudget.workbook.build import build_workbook
    except ImportError:
        from xlbudget.app.sample import blank_workbook

        path = folder / "budget_review.xlsx"
        blank_workbook().save(path)
        return path
    return build_workbook(folder / "budget_review.xlsm")


@pytest.fixture(scope="session")
def real_lofin(shared_dir: Path) -> list[Path]:
    return [need(PROJECTS / name, "real export") for name in SUBSET]
