"""One build of the workbook per test session, shared by every test of the package."""

from __future__ import annotations

from pathlib import Path

import pytest

from xlbudget.workbook.build import build_bytes


@pytest.fixture(scope="session")
def built_bytes() -> bytes:
    return build_bytes()


@pytest.fixture(scope="session")
def built_path(built_bytes: bytes, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("workbook") / "budget_review.xlsm"
    path.write_bytes(built_bytes)
    return path
