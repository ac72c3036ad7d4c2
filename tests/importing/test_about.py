"""What an import writes into 설정: the data's own 소관, 회계연도, 기준일, or nothing.

The seed's 설정 (스마트도시정책관, 2021, 제2회, 2021. 7. 31.) must never title another
district's data: after a real 지방재정365 import, 설정 holds the export's region and exeYmd,
and 회차 (which an execution export cannot tell) is emptied with a note.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import openpyxl
import pytest

from tests.conftest import need
from tests.importing.conftest import PROJECTS
from xlbudget.app.importing import import_source
from xlbudget.cli import main
from xlbudget.core.importing.about import changes, report_date
from xlbudget.core.settings import Settings


def settings_values(path: Path) -> dict[str, object]:
    ws = openpyxl.load_workbook(path)["설정"]
    return {r[0]: r[1] for r in ws.iter_rows(min_row=5, max_col=2, values_only=True) if r[0]}


def test_report_date_reads_the_export_day() -> None:
    assert report_date("20260705") == "2026. 7. 5."
    assert report_date("2021-07-31") == "2021. 7. 31."
    assert report_date("2026135") is None and report_date("20261305") is None


def test_changes_set_what_the_data_tells_and_empty_the_rest() -> None:
    cells = {k: ("설정", i, 1) for i, k in enumerate(("소관", "회계연도", "회차", "기준일"))}
    current = Settings(
        {"소관": "스마트도시정책관", "회계연도": 2021, "회차": "제2회", "기준일": "2021. 7. 31."},
        cells,
    )
    new, notes = changes(current, {"소관": "부산 중구", "회계연도": "2021"}, "집행현황")
    assert new == {"소관": "부산 중구", "회차": "", "기준일": ""}
    assert len(notes) == 3 and any("스마트도시정책관 → 부산 중구" in n for n in notes)
    # 기준일 belongs to 집행현황's figures: another table's import leaves it alone.
    new, _ = changes(current, {}, "사업별증감")
    assert set(new) == {"소관", "회계연도", "회차"}


@pytest.fixture
def district(shared_dir: Path) -> Path:
    path = PROJECTS / "2611000.json"
    need(path, "지방재정365 export 2611000")
    return path


def test_real_import_titles_the_district_not_the_seed(
    district: Path, tmp_path: Path, target_workbook: Path
) -> None:
    doc = json.loads(district.read_text(encoding="utf-8"))
    workbook = Path(shutil.copy2(target_workbook, tmp_path / "w.xlsm"))
    result = import_source([district], workbook, tmp_path / "out.xlsm")
    values = settings_values(tmp_path / "out.xlsm")
    ymd = str(doc["exeYmd"])
    expected_day = f"{int(ymd[:4])}. {int(ymd[4:6])}. {int(ymd[6:])}."
    assert values["기준일"] == expected_day
    assert str(values["회계연도"]) == ymd[:4]
    assert values["소관"] not in (None, "스마트도시정책관")
    assert values["회차"] is None
    assert any("회차" in n and "비웠습니다" in n for n in result.notes)
    # The input workbook is untouched.
    assert settings_values(workbook)["소관"] == "스마트도시정책관"


def test_import_without_a_workbook_makes_one_of_its_own(
    district: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """No seed table comes along: 세입 … are empty, 집행현황 holds the district's lines."""
    monkeypatch.chdir(tmp_path)
    assert main(["import", str(district), "-q"]) in (0, 1)
    out = tmp_path / f"{district.stem}.xlsm"
    assert out.is_file()
    capsys.readouterr()
    assert main(["check", str(out), "--json"]) in (0, 1)
    payload = json.loads(capsys.readouterr().out)
    lines = {t["table"]: t["lines"] for t in payload["reading"]["tables"]}
    records = json.loads(district.read_text(encoding="utf-8"))["projects"]
    assert lines["집행현황"] == len(records)
    assert all(lines[k] == 0 for k in ("세입", "세출", "사업별증감", "통계목증감", "정보화사업"))
    assert not any(f["sheet"] == "세입" for f in payload["findings"])
    assert not any("스마트도시정책관" in s for s in payload["sentences"])
