"""The review is the report: every figure of the seed report's parts I, II (가–라) and 붙임 1
that the workbook's data holds is in the review, as LibreOffice prints it.

The figures are taken from the seed text (../shared/seed), never from xlbudget: the tables
of those parts and the amounts of their data sentences are parsed from the report, and each
must be found in what pdftotext reads from the PDF of the 검토_ sheets (figures compared as
numbers with their △ sign; amounts in words compared without spaces).  The report's own
quirks are skipped where they are, each with its reason.
"""

from __future__ import annotations

import re
import subprocess
from collections import Counter
from decimal import Decimal

import pytest

from tests.conftest import BUNDLED_WORKBOOK, REVIEW_SHEETS, SHARED
from tests.support.libreoffice import LibreOffice
from xlbudget.cli import main

SEED = SHARED / "seed"

#: Parts of the report whose tables the workbook's data holds: (first line, end line) by
#: their headings; a part ends where the next one (or a table the data does not hold) begins.
PARTS = (
    ("#### 1. 세 입", "## 2. 세 출"),
    ("## 2. 세 출", "## II. 검토의견"),
    ("## 가. 세계스마트시티기구(WeGo) 운영", "○ 행정안전부"),  # then the 재단 table: not data
    ("#### 나. 사업의 낙찰차액 조정에 따른 감액", "- 행정안전부"),
    ("## 다. 인공지능 서비스 구축 운영의 연구용역비 감액", "- 스마트도시정책관은"),
    ("## 라. 집행실적 저조 사업에 대한 검토", "전문위원"),
    ("## 붙임 1", "※ 2021년 정보화사업"),
)
#: Amounts in words the data sentences of those parts carry (their first bullet).
SENTENCE_STARTS = (
    "- 2021년 스마트도시정책관 세입",
    "- 스마트도시정책관 소관 2021년 제2회 추가경정세출예산은",
    "  - 스마트도시담당관 1건",
    "- 금번 추경에서 스마트도시정책관 사업중 낙찰차액",
    "- 본 사업은 열린정부파트너쉽",  # 가.: ‘국외업무여비’ 3천 4백 4십만원
    "- 동 사업은 인공지능 기술",  # 다.: 연구용역비 전액(2억원)
)
#: The report's figures that its own data cannot give (see DOMAIN.md).
QUIRKS = {
    # 세출 추경 is 109,838 백만원 in the report's table; its sentence reads 3천 9백 (the
    # figure was taken from 천원 data, 110,433 − 594 = 109,839).
    "1,098억3천9백만원": "the 세출 sentence's 추경 disagrees with the report's own table",
}
_NUMBER = re.compile(r"[△▲-]?\d[\d,]*(?:\.\d+)?")
_WORDS = re.compile(r"(?:[\d,]+조\s?)?(?:[\d,]+억\s?)?(?:\d천\s?)?(?:\d백\s?)?(?:\d십\s?)?\d?만?원")


def _value(token: str) -> Decimal:
    sign = -1 if token[0] in "△▲-" else 1
    return sign * Decimal(token.lstrip("△▲-").replace(",", ""))


def seed_parts() -> list[str]:
    lines = next(SEED.glob("*.txt")).read_text(encoding="utf-8").splitlines()
    out = []
    for start, end in PARTS:
        i = next(n for n, line in enumerate(lines) if line.startswith(start))
        j = next(n for n in range(i + 1, len(lines)) if lines[n].startswith(end))
        out.append("\n".join(lines[i:j]))
    return out


def seed_figures() -> Counter[Decimal]:
    """Every figure of the parts' tables (tab-separated lines), with its △."""
    figures: Counter[Decimal] = Counter()
    for part in seed_parts():
        for line in part.splitlines():
            if "\t" not in line:
                continue
            text = re.sub(r"<[^>]+>", " ", line)  # the report's HTML lists in cells
            text = re.sub(r"\d{4}\.\d{1,2}\.?(?:\d{1,2}\.?)?", " ", text)  # dates of 사업기간
            figures.update(_value(t) for t in _NUMBER.findall(text) if len(t) < 25)
    return figures


def seed_amounts() -> list[str]:
    """The amounts in words of the parts' data sentences, spaces removed."""
    lines = next(SEED.glob("*.txt")).read_text(encoding="utf-8").splitlines()
    out = []
    for line in lines:
        if line.startswith(SENTENCE_STARTS):
            out += [m.replace(" ", "") for m in _WORDS.findall(line) if re.search(r"\d", m)]
    return out


@pytest.fixture(scope="module")
def review_text(tmp_path_factory: pytest.TempPathFactory, soffice: str) -> str:
    folder = tmp_path_factory.mktemp("seed-figures")
    out = folder / "review.xlsm"
    assert main(["review", str(BUNDLED_WORKBOOK), "-o", str(out), "-q"]) == 1  # the 세입 error
    with LibreOffice(soffice) as office:
        pdf = office.render_pdf(out, folder, sheets=list(REVIEW_SHEETS))
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, check=True
    ).stdout.decode("utf-8")
    (folder / "review.txt").write_text(text, encoding="utf-8")
    return text


@pytest.mark.libreoffice
def test_every_table_figure_of_the_report_is_printed(review_text: str) -> None:
    printed = Counter(_value(t) for t in _NUMBER.findall(review_text))
    wanted = seed_figures()
    assert sum(wanted.values()) > 600  # the parts' tables hold some 670 figures
    missing = {f: n for f, n in wanted.items() if f != 0 and printed[f] < 1}
    assert not missing, f"{len(missing)} figures of the report not in the review: {missing}"


@pytest.mark.libreoffice
def test_every_amount_in_words_of_the_report_is_printed(review_text: str) -> None:
    flat = re.sub(r"\s+", "", review_text)
    amounts = seed_amounts()
    assert len(amounts) >= 15
    missing = [a for a in amounts if a not in flat and a not in QUIRKS]
    assert not missing, f"amounts of the report's sentences not in the review: {missing}"


#: What a printed page may start with: a title, a heading, a caption or unit line, a chart,
#: or a table's header (repeated) — never the middle of a table.
_PAGE_START = re.compile(
    r"^(?:\d{4}년도|[ⅠⅡ]\.|\d\. |[가-하]\. |○|〈|《|붙임|□|제출|\(단위|사업별 증감|담당관별)"
)
_HEADER_WORDS = ("세부사업", "통계목", "예산현액", "사업명", "사업기간", "구 분", "과목구분")


@pytest.mark.libreoffice
def test_every_page_has_its_number_and_starts_cleanly(review_text: str) -> None:
    pages = [p for p in review_text.split("\f") if p.strip()]
    assert len(pages) >= 15
    for n, page in enumerate(pages, 1):
        lines = [line.strip() for line in page.splitlines() if line.strip()]
        footer = [line for line in lines if f"{n} / {len(pages)}" in line]
        assert footer and "추가경정예산안 검토보고" in footer[0], f"page {n}: no footer"
        first = lines[0]
        header = sum(word in first for word in _HEADER_WORDS) >= 2
        assert _PAGE_START.match(first) or header, f"page {n} starts mid-table: {first!r}"


@pytest.mark.libreoffice
def test_every_unit_caption_of_the_report_is_printed(review_text: str) -> None:
    """ "(단위 : 백만원, %)" above the summary tables, "(단위 : 천원)" above the others."""

    def captions(text: str) -> Counter[str]:
        return Counter(re.sub(r"\s+", "", m) for m in re.findall(r"\(단위\s*:\s*[^)]+\)", text))

    wanted = captions("\n".join(seed_parts()))
    printed = captions(review_text)
    assert wanted == Counter({"(단위:백만원,%)": 3, "(단위:천원)": 4})
    assert all(printed[c] >= n for c, n in wanted.items()), (wanted, printed)
