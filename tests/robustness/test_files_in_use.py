"""Outputs that cannot be written: a clear message, exit code 2, and nothing changed.

Tests run as root, where permission bits do not stop a write; so the blocked paths are real
obstacles (a file where a folder should be, an immutable folder via ``chattr +i``) or the
read-only attribute that xlbudget itself honours, as Excel and Windows do.
"""

from __future__ import annotations

import hashlib
import shutil
import stat
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.robustness import builders as b
from xlbudget.cli import main
from xlbudget.cli.common import INTERNAL_ERROR


def snapshot(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def refused(args: list[str], folder: Path, capsys: pytest.CaptureFixture[str], *words: str) -> None:
    before = snapshot(folder)
    capsys.readouterr()
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and INTERNAL_ERROR not in err, err
    for word in words:
        assert word in err, err
    assert snapshot(folder) == before


@pytest.fixture
def src(tmp_path: Path) -> Path:
    return b.execution_workbook(tmp_path / "입력.xlsx")


def test_output_folder_is_a_file(
    src: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "결과"
    blocker.write_text("a file, not a folder")
    out = blocker / "sub" / "out.xlsx"
    refused(
        ["review", str(src), "-o", str(out), "-q"], tmp_path, capsys, "결과", "같은 이름의 파일"
    )


def test_output_is_a_folder(src: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "out.xlsx").mkdir()
    refused(
        ["review", str(src), "-o", str(tmp_path / "out.xlsx"), "-q"],
        tmp_path,
        capsys,
        "폴더",
        "out.xlsx",
    )


def test_read_only_output_file(
    src: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out.xlsx"
    out.write_bytes(b"an earlier result")
    out.chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
    refused(["review", str(src), "-o", str(out), "-q"], tmp_path, capsys, "읽기 전용", "out.xlsx")


def test_read_only_input_in_place(
    src: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src.chmod(stat.S_IRUSR)
    refused(["review", str(src), "--in-place", "-q"], tmp_path, capsys, "읽기 전용")


@pytest.fixture
def immutable_dir(tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "잠긴폴더"
    folder.mkdir()
    if (
        shutil.which("chattr") is None
        or subprocess.run(["chattr", "+i", str(folder)], capture_output=True).returncode
    ):
        pytest.skip("chattr +i is not available on this file system")
    try:
        yield folder
    finally:
        subprocess.run(["chattr", "-i", str(folder)], check=False)


def test_locked_folder(
    src: Path, tmp_path: Path, immutable_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = immutable_dir / "out.xlsx"
    refused(
        ["review", str(src), "-o", str(out), "-q"], tmp_path, capsys, "쓸 수 없습니다", "out.xlsx"
    )


def test_macro_workbook_to_xlsx_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.conftest import BUNDLED_WORKBOOK

    src = tmp_path / "b.xlsm"
    src.write_bytes(BUNDLED_WORKBOOK.read_bytes())
    refused(["review", str(src), "-o", str(tmp_path / "b.xlsx"), "-q"], tmp_path, capsys, ".xlsm")
    refused(
        ["review", str(src), "-o", str(tmp_path / "b.csv"), "-q"],
        tmp_path,
        capsys,
        ".xlsx, .xlsm, .xltx, .xltm 중 하나",
    )
