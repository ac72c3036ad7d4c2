"""Shared test settings: hypothesis profiles, paths to the shared reference data, LibreOffice.

CI sets HYPOTHESIS_PROFILE=ci (bounded example counts, no deadline on a loaded machine) and
CI=true, which turns a missing LibreOffice from a skip into a failure: the tests that need a
real spreadsheet client must run there.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("dev", max_examples=30, deadline=None)
settings.register_profile("thorough", max_examples=1000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SEED_TEXT = SHARED / "seed" / "000_c53a4f2b7cef52a8.txt"
REAL_DATA = SHARED / "data" / "real"
BUNDLED_WORKBOOK = REPO / "workbook" / "budget_review.xlsm"


def soffice_path() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def need(path: Path, what: str = "shared reference data") -> Path:
    """``path`` if it exists; else a skip on a developer machine and a failure in CI.

    CI has ``../shared`` beside the clone: a test that needs it must run there, and a
    missing file must fail loudly rather than turn the seed oracle into a silent skip.
    """
    if path.exists():
        return path
    if os.environ.get("CI"):
        pytest.fail(f"{what} is required in CI but missing: {path}")
    pytest.skip(f"{what} not found at {path}")


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    return need(SHARED)


@pytest.fixture(scope="session")
def soffice() -> str:
    """Path of LibreOffice; a skip on a developer machine without it, a failure in CI."""
    path = soffice_path()
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice (soffice) is required in CI but not installed")
        pytest.skip("LibreOffice (soffice) not installed")
    return path


@pytest.fixture(scope="session")
def built_bytes() -> bytes:
    """One build of the workbook per test session, shared by every test that needs it."""
    from xlbudget.workbook.build import build_bytes

    return build_bytes()


@pytest.fixture(scope="session")
def built_path(built_bytes: bytes, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("workbook") / "budget_review.xlsm"
    path.write_bytes(built_bytes)
    return path


#: The review sheets the default templates make, in order (one list for every test).
from xlbudget.core.report.templates import default_templates  # noqa: E402

REVIEW_SHEETS: tuple[str, ...] = tuple(t.output for t in default_templates())
