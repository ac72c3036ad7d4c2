"""The parts of the report officers write: particles, amounts in sentences, 검토의견 by theme,
and the anomalies worth pointing out.  Expectations are the seed report's own words
(../shared/seed) or figures worked out here by hand."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
from openpyxl.worksheet.table import Table as ExcelTable

from tests.conftest import BUNDLED_WORKBOOK
from xlbudget.app.review import review_file
from xlbudget.cli import main
from xlbudget.core.korean import josa
from xlbudget.core.report.opinions import default_themes


@pytest.mark.parametrize(
    ("word", "particle", "expected"),
    [
        ("20,292", "과", "20,292와"),  # 이만 이백구십이
        ("10,338", "가", "10,338이"),  # …삼십팔
        ("100", "가", "100이"),  # 백
        ("1,000", "를", "1,000을"),  # 천
        ("2,000만", "가", "2,000만이"),
        ("0.5%", "이", "0.5%가"),  # 퍼센트
        ("7", "으로", "7로"),  # 칠: ㄹ takes 로
        ("3", "로", "3으로"),
        ("국고보조금 2건(48억 8천 7백만원)", "를", "국고보조금 2건(48억 8천 7백만원)을"),
        ("‘세계스마트시티 기구 운영’", "와", "‘세계스마트시티 기구 운영’과"),
    ],
)
def test_particles_follow_how_a_number_is_read(word: str, particle: str, expected: str) -> None:
    assert josa(word, particle) == expected


@pytest.fixture(scope="module")
def seed_plan():
    return review_file(BUNDLED_WORKBOOK, steps=("check", "fill"), write=False).plan


def _sheet_text(plan, name: str) -> list[str]:
    sheet = next(s for s in plan.sheets if s.name == name)
    return [str(c.value) for c in sorted(sheet.cells, key=lambda c: (c.row, c.col)) if c.value]


def test_sentences_write_amounts_and_counts_as_the_report(seed_plan) -> None:
    text = " ".join(seed_plan.sentences)
    # The report: "스마트도시담당관 1건(3천4백4십만원), 정보시스템담당관 2건(3억2천만원), …"
    assert "스마트도시담당관 1건(3천4백4십만원), 정보시스템담당관 2건(3억2천만원)" in text
    assert "0.5%(5억9천4백만원) 감액하고자" in text
    assert "국고보조금등 48억 8천 7백만원을 간주처리한 152억 2천 6백만원" in text
    assert "주요 사업 6개 모두" in text and "6개 중 6개" not in text
    assert "줄은" not in text and "61건 중 61건" not in text


def test_opinions_by_theme_on_the_seed(seed_plan) -> None:
    """The report's three themes, in its order, with the 4 낙찰차액 projects."""
    cells = _sheet_text(seed_plan, "검토_의견")
    headings = [c for c in cells if c[:2] in ("가.", "나.", "다.", "라.")]
    assert headings == [
        "가. 세계스마트시티 기구 운영",
        "나. 사업의 낙찰차액 조정에 따른 감액",
        "다. 인공지능 서비스 구축 운영의 연구용역비 감액",
    ]
    paragraph = next(c for c in cells if "낙찰차액 조정에 따른 감액은" in c)
    assert (
        "정보시스템담당관의 “행정포털 운영” 사업(1억2천만원) 1건, 공간정보담당관의 "
        "“항공사진 촬영 및 다목적활용 데이터 구축” 사업(1억원), “드론공간정보 운영” "
        "사업(5천만원) 등 2건, 정보통신보안담당관의 “서울사이버안전센터 운영” 사업"
        "(8천9백만원) 1건 등 총 4건, 3억 5천 9백만원의 낙찰차액을" in paragraph
    )
    assert cells.count("○ 검토의견: (작성)") == 3  # the judgement is left to the officer
    assert "라. 집행실적 저조 사업에 대한 검토" in _sheet_text(seed_plan, "검토_미집행")


def _items_book(path: Path, themes: list[list] | None = None) -> Path:
    """Another department's 통계목증감 (천원): a 국외여비 cut in two projects, a 낙찰차액
    cut, and a cut that fits no theme."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "통계목증감"
    ws.append(
        ["수준", "담당관", "세부사업", "통계목", "기정", "추경", "증감", "산출내역", "증감사유"]
    )
    rows = [
        [0, "관광과", "해외관광객 유치", "계", 50000, 38000, -12000, None, None],
        [1, "관광과", "해외관광객 유치", "국외업무여비", 20000, 8000, -12000, None, "출장 취소"],
        [1, "관광과", "해외관광객 유치", "사무관리비", 30000, 30000, 0, None, None],
        [0, "관광과", "관광안내소 운영", "계", 90000, 70000, -20000, None, None],
        [1, "관광과", "관광안내소 운영", "시설비", 90000, 70000, -20000, None, "공사 낙찰차액"],
        [0, "체육과", "생활체육 교류", "계", 15000, 14000, -1000, None, None],
        [1, "체육과", "생활체육 교류", "국외여비", 5000, 4000, -1000, None, None],
        [0, "체육과", "체육시설 관리", "계", 40000, 37500, -2500, None, None],
        [1, "체육과", "체육시설 관리", "공공운영비", 40000, 37500, -2500, None, "요금 인하"],
    ]
    for row in rows:
        ws.append(row)
    if themes is not None:
        rules = wb.create_sheet("검토주제")
        rules.append(["주제", "묶음", "찾을 열", "낱말", "조건", "제목", "문단"])
        for theme in themes:
            rules.append(theme)
        rules.add_table(ExcelTable(displayName="tbl_themes", ref=f"A1:G{len(themes) + 1}"))
    wb.save(path)
    return path


def test_opinions_on_another_departments_workbook(tmp_path: Path) -> None:
    plan = review_file(_items_book(tmp_path / "t.xlsx"), steps=("fill",), write=False).plan
    cells = _sheet_text(plan, "검토_의견")
    headings = [c for c in cells if c[:2] in ("가.", "나.", "다.")]
    # 국외여비 is a section per project (two), 낙찰차액 one section; no 전액 cut.
    assert headings == [
        "가. 해외관광객 유치",
        "나. 생활체육 교류",
        "다. 사업의 낙찰차액 조정에 따른 감액",
    ]
    assert any("‘국외업무여비’ 1천2백만원을 감액하려는 것임" in c for c in cells)
    assert any(
        "관광과의 “관광안내소 운영” 사업(2천만원) 1건 등 총 1건, 2천만원의" in c for c in cells
    )
    # The cut no rule takes is said, not dropped.
    assert any(
        c.startswith("※ 검토주제 규칙에 맞지 않은 감액 1건") and "체육시설 관리" in c for c in cells
    )


def test_an_officers_own_theme_rule(tmp_path: Path) -> None:
    """A rule added in the workbook's 검토주제 table makes its own section."""
    mine = [
        "요금 인하",
        "사업",
        "증감사유",
        "요금",
        "감액",
        "{사업}의 요금 인하",
        "○ {사업}: {감액} 감액.",
    ]
    book = _items_book(tmp_path / "t.xlsx", [mine])
    plan = review_file(book, steps=("fill",), write=False).plan
    cells = _sheet_text(plan, "검토_의견")
    assert "가. 체육시설 관리의 요금 인하" in cells
    assert "○ 체육시설 관리: 2백5십만원 감액." in cells
    assert [t.name for t in default_themes()] == [
        "국외여비 감액",
        "낙찰차액 감액",
        "사업계획 변경에 따른 전액 감액",
    ]


def test_anomalies_of_the_seed_are_pointed_out(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(BUNDLED_WORKBOOK), "--json"]) == 1
    findings = json.loads(capsys.readouterr().out)["findings"]
    variants = [f for f in findings if f["rule"] == "NAME_VARIANT"]
    assert len(variants) == 1 and "세계스마트시티지구 운영" in variants[0]["message"]
    periods = [f for f in findings if f["rule"] == "PERIOD"]
    assert [(f["sheet"], f["severity"]) for f in periods] == [("정보화사업", "warning")]
    assert "2021.2.~2012.12." in periods[0]["message"]


def test_unspent_table_shows_its_two_tiers_in_words(seed_plan) -> None:
    """Readable in black and white: 49 lines barely contracted, 12 contracted but unpaid
    (the seed's 61 lines; 49 is the sentence's count of 계약조차 저조)."""
    cells = _sheet_text(seed_plan, "검토_미집행")
    assert cells.count("계약 저조") == 49 and cells.count("지출 저조") == 12
    assert any(c.startswith("※ 구분: 계약 저조 = 지출원인행위액이 예산현액의 30%") for c in cells)


def test_summary_tables_have_the_reports_banded_header_and_groups(seed_plan) -> None:
    sheet = next(s for s in seed_plan.sheets if s.name == "검토_개요")
    text = {(c.row, c.col): c.value for c in sheet.cells}
    merges = set(sheet.merges)
    # 구 분 over two rows and two columns; 행정관리 once, over its seven rows.
    assert sum(1 for r1, c1, r2, c2 in merges if (r2 - r1, c2 - c1) == (1, 1)) == 2
    group = [m for m in merges if m[1] == m[3] == 1 and m[2] - m[0] == 6]
    assert len(group) == 1 and text[(group[0][0], 1)] == "행정관리"
    seoi = [m for m in merges if m[1] == m[3] == 1 and m[2] - m[0] == 2]
    assert [text[(m[0], 1)] for m in seoi] == ["세외수입"]


def test_chart_titles_read_as_written(seed_plan) -> None:
    titles = [c.title for s in seed_plan.sheets for c in s.charts]
    assert titles == ["사업별 증감(기정 대비, 백만원)", "담당관별 예산현액과 지출액(천원)"]


def test_a_citys_unspent_sentence_names_ten_projects_a_department_and_counts_the_rest() -> None:
    """At city scale a department has thousands of projects with nothing spent: the 라.
    sentence names the first ten (as the report names all of its handful) and counts the
    rest; 검토_미집행 still lists every line."""
    from xlbudget.core.report.sentences import NAMED_PROJECTS, _not_spent_at_all

    lines = [
        {
            "department": "도로과",
            "project": f"사업{i:04d}",
            "item": "시설비",
            "spent": 0.0,
            "budget": 1000.0,
        }
        for i in range(1234)
    ] + [
        {
            "department": "공원과",
            "project": "공원 정비",
            "item": "재료비",
            "spent": 0.0,
            "budget": 10.0,
        }
    ]
    text = _not_spent_at_all(lines, "2021. 7. 31.")
    road, park = text.split("\n")
    assert road.count("“") == NAMED_PROJECTS == 10
    assert "“사업0009(시설비)”" in road and "사업0010" not in road
    assert road.endswith("외 1,224개 사업,")
    assert park == (
        "- 공원과의 사업 중 “공원 정비(재료비)” 사업 등은 2분기가 지난 시점에서 예산 "
        "전액이 집행되지 않고 있음."
    )
