"""The last net: numbers that no table took are said, never silently left out.

A table whose header xlbudget does not know at all ("올해 예산", "쓴 돈") matches no kind and
is not even a near miss; its numbers must still be reported, and ``check`` must not exit 0.
"""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest

from xlbudget.cli import main


def test_numbers_outside_every_table_are_said(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "내 표"
    ws.append(["세부사업", "통계목", "예산현액", "지출액"])
    ws.append(["가 사업", "사무관리비", 1000, 100])
    ws.append(["나 사업", "여비", 500, 500])
    ws.append([])
    ws.append([])
    ws.append([])
    ws.append(["사업", "올해 예산", "쓴 돈"])  # a header xlbudget cannot know
    ws.append(["다 사업", 2000, 100])
    ws.append(["라 사업", 3000, 2900])
    ws.append(["마 사업", 100, 0])
    path = tmp_path / "mine.xlsx"
    wb.save(path)
    assert main(["check", str(path), "--json"]) == 1
    payload = json.loads(capsys.readouterr().out)
    read = {t["table"]: t["lines"] for t in payload["reading"]["tables"]}
    assert read == {"집행현황": 2}
    stray = [f for f in payload["findings"] if f["rule"] == "READ_UNREAD"]
    assert [(f["sheet"], f["cell"]) for f in stray] == [("내 표", "B8")]
    assert "B8:C10" in stray[0]["message"] and "숫자 6개" in stray[0]["message"]
    assert payload["reading"]["unread"] == [stray[0]["message"]]


def test_a_year_or_a_lone_figure_is_not_a_table(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """One number on a row (a year in a caption, a page number) is no table."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["2021", 2021])
    ws.append(["세부사업", "통계목", "예산현액", "지출액"])
    ws.append(["가 사업", "사무관리비", 1000, 400])
    ws.append([])
    ws.append(["쪽", 3])
    path = tmp_path / "fine.xlsx"
    wb.save(path)
    assert main(["check", str(path), "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["reading"]["unread"] == []
