"""The seed report as oracle: every rate, 불용률 and amount in words that its own figures give.

Summary tables (세입, 세출, 사업별증감) show 백만원 figures rounded from 천원, and the report
computed their rates from the unrounded figures.  So a rate is recomputable from the shown
figures only when rounding does not move it; the two that are not are listed in
NOT_RECOMPUTABLE, and for them we assert that some unrounded figures (each within ±0.5 of the
shown one) give the printed rate, which is what a review of a submitted table can demand.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal
from itertools import product

import numpy as np
import pandas as pd
import pytest

from tests.conftest import SEED_TEXT
from xlbudget.core import seed
from xlbudget.core.korean import parse_won_words, won_words, won_words_array
from xlbudget.core.money import parse_amount, round_half_up
from xlbudget.core.rates import percent_of, rate, unspent_rate, unspent_rate_array

HALF = Decimal("0.5")

# --------------------------------------------------------------------------- 집행현황 불용률


def test_all_61_unspent_rates_from_budget_and_spent() -> None:
    table = seed.load("집행현황")
    assert len(table) == 61
    printed = table["불용률"].to_numpy()
    vector = unspent_rate_array(table["예산현액"].to_numpy(), table["지출액"].to_numpy())
    assert vector.tolist() == printed.tolist()
    scalar = [unspent_rate(b, s) for b, s in zip(table["예산현액"], table["지출액"], strict=True)]
    assert [float(r) for r in scalar] == printed.tolist()
    assert (printed >= 70).all()  # the table lists lines with 불용률 ≥ 70 %


def test_two_remaining_balances_differ_by_one_thousand_won() -> None:
    """DOMAIN.md: two 지출잔액 differ by 1 천원 from 예산현액 − 지출액 (rounding from 원)."""
    table = seed.load("집행현황")
    diff = table["지출잔액"] - (table["예산현액"] - table["지출액"])
    off = table.loc[diff != 0, ["세부사업", "통계목"]]
    assert diff[diff != 0].tolist() == [1, 1]
    assert off.values.tolist() == [
        ["블록체인 기반 공유행정 도입", "사무관리비"],
        ["스마트도시 민·관 협력", "사무관리비"],
    ]
    # The printed 불용률 is the same whichever balance is used.
    for _, row in table.loc[diff != 0].iterrows():
        assert percent_of(row["지출잔액"], row["예산현액"]) == Decimal(str(row["불용률"]))


# --------------------------------------------------------------------------- summary-table rates

#: (table, row label, basis) of the rates that the shown figures do not reproduce.
NOT_RECOMPUTABLE = {
    ("세입", "국고보조금등", "당초"),  # 4,888 / 378 = 1293.1 %, printed 1294.0
    ("세출", "일반회계 재무활동", "당초"),  # 91 / 3 = 3033.3 %, printed 2698.9
}
LABEL = {"세입": "세부", "세출": "세부", "사업별증감": "세부사업"}


def rate_rows():
    for name in ("세입", "세출", "사업별증감"):
        table = seed.load(name)
        for _, row in table.iterrows():
            label = row[LABEL[name]] or row["구분"]
            if name == "세출" and row["수준"] == 2:
                label = f"{row['회계']} {label}"
            for basis in ("당초", "기정"):
                yield name, label, basis, row


ROWS = list(rate_rows())


def printed_rate(row: pd.Series, basis: str) -> Decimal | None:
    value = row[f"증감율_{basis}"]
    return None if isinstance(value, float) and math.isnan(value) else Decimal(str(value))


@pytest.mark.parametrize(
    ("name", "label", "basis", "row"), ROWS, ids=[f"{n}-{lb}-{b}" for n, lb, b, _ in ROWS]
)
def test_summary_rates(name: str, label: str, basis: str, row: pd.Series) -> None:
    printed = printed_rate(row, basis)
    change, base = parse_amount(row[f"증감_{basis}"]), parse_amount(row[basis])
    shown = percent_of(change, base)
    if not isinstance(row["추경"], float) or not math.isnan(row["추경"]):
        assert rate(row["추경"], base) == shown or (name, label, basis) in NOT_RECOMPUTABLE
    if (name, label, basis) not in NOT_RECOMPUTABLE:
        assert shown == printed
        return
    assert shown != printed
    # Unrounded figures within ±0.5 of the shown ones: the rate is monotonic in each, so its
    # range is spanned by the corners of that box.
    corners = [
        percent_of(change + dc, base + db, digits=6) for dc, db in product((-HALF, HALF), repeat=2)
    ]
    low, high = round_half_up(min(corners), 1), round_half_up(max(corners), 1)
    assert low <= printed <= high


def test_rate_over_zero_base_is_blank() -> None:
    table = seed.load("세출")
    row = table[(table["회계"] == "도시개발특별회계") & (table["세부"] == "재무활동")].iloc[0]
    assert row["당초"] == 0 and math.isnan(row["증감율_당초"])
    assert rate(row["추경"], row["당초"]) is None


def test_not_recomputable_list_names_real_rows() -> None:
    keys = {(n, lb, b) for n, lb, b, _ in ROWS}
    assert NOT_RECOMPUTABLE <= keys


def test_project_rates_from_unrounded_thousands() -> None:
    """사업별증감's rates equal the rates of the 천원 totals in 통계목증감 (its 계 rows)."""
    items = seed.load("통계목증감")
    totals = items[items["통계목"] == "계"]
    projects = seed.load("사업별증감").iloc[1:]
    assert len(totals) == len(projects) == 6
    for (_, total), (_, project) in zip(totals.iterrows(), projects.iterrows(), strict=True):
        assert float(rate(total["추경"], total["기정"])) == project["증감율_기정"]
        assert round_half_up(Decimal(int(total["기정"])) / 1000) == project["기정"]
    grand = rate(totals["추경"].sum(), totals["기정"].sum())
    assert float(grand) == seed.load("사업별증감").iloc[0]["증감율_기정"]


# --------------------------------------------------------------------------- amounts in words


@pytest.fixture(scope="module")
def report_text(shared_dir) -> str:
    return SEED_TEXT.read_text(encoding="utf-8")


def item_change(project: str, *, level: int = 0) -> int:
    items = seed.load("통계목증감")
    hits = items[
        (items["세부사업"].str.replace(" ", "") == project.replace(" ", ""))
        & (items["수준"] == level)
    ]
    assert len(hits) == 1, project
    return int(hits["증감"].iloc[0])


def summary(name: str, column: str, **where: str) -> float:
    table = seed.load(name)
    mask = np.ones(len(table), dtype=bool)
    for key, value in where.items():
        mask &= table[key] == value
    assert mask.sum() == 1
    return float(table.loc[mask, column].iloc[0])


def sentence_cases():
    """(words as printed, amount, unit, precision, spaced, where the figure comes from)."""
    portal = item_change("행정포털 운영")
    aerial = item_change("항공사진 촬영 및 다목적활용 데이터 구축")
    drone = item_change("드론공간정보 운영")
    cyber = item_change("서울사이버안전센터 운영")
    wego = item_change("세계스마트시티 기구 운영")
    ai = item_change("인공지능 서비스 구축 운영")
    return [
        ("1,104억 3천 3백만원", summary("세출", "기정", 수준=0), "백만원", None, True),
        ("152억 2천 6백만원", summary("세입", "기정", 구분="합 계"), "백만원", None, True),
        ("152억 2천 6백만원", summary("세입", "추경", 구분="합 계"), "백만원", None, True),
        ("103억 3천 8백만원", summary("세입", "당초", 구분="합 계"), "백만원", None, True),
        ("5억9천4백만원", -summary("세출", "증감_기정", 수준=0), "백만원", None, False),
        ("5억9천4백만원", -(wego + ai + portal + aerial + drone + cyber), "천원", "백만원", False),
        ("3천4백4십만원", -wego, "천원", None, False),
        ("3천 4백 4십만원", -wego, "천원", None, True),
        ("3억2천만원", -(ai + portal), "천원", "천만원", False),
        ("1억5천만원", -(aerial + drone), "천원", None, False),
        ("8천9백만원", -cyber, "천원", None, False),
        ("1억2천만원", -portal, "천원", "천만원", False),
        ("1억원", -aerial, "천원", None, False),
        ("5천만원", -drone, "천원", None, False),
        ("3억 5천 9백만원", -(portal + aerial + drone + cyber), "천원", "백만원", True),
        ("2억원", -ai, "천원", None, True),
    ]


CASES = sentence_cases()


@pytest.mark.parametrize(
    ("words", "amount", "unit", "precision", "spaced"), CASES, ids=[c[0] for c in CASES]
)
def test_amounts_in_words_of_the_report(
    words, amount, unit, precision, spaced, report_text
) -> None:
    assert words in report_text
    assert won_words(amount, unit, precision, spaced) == words
    assert won_words_array(np.array([amount]), unit, precision, spaced).tolist() == [words]
    # and back: the words give the amount, cut as the sentence cut it
    back = parse_won_words(words, unit)
    assert (
        0
        <= Decimal(str(amount)) - back
        < (
            Decimal(10**7 if precision == "천만원" else 10**6)
            / {"천원": 1000, "백만원": 10**6}[unit]
        )
    )


def test_trillions_from_the_city_summary_table(report_text) -> None:
    """ "1조 8,557억원" is the 코로나 상생 국민지원금 of the city's summary table (억원)."""
    row = next(line for line in report_text.splitlines() if line.startswith("17,858\t"))
    amount = parse_amount(row.split("\t")[1])
    assert amount == 18557
    assert "1조 8,557억원" in report_text
    assert won_words(amount, "억원") == "1조 8,557억원"
    assert parse_won_words("1조 8,557억원", "억원") == amount
    # the same table's "(재난기금 998억원 포함)", in the same style
    assert "998억원" in row and won_words(998, "억원") == "998억원"


def test_expenditure_sentence_uses_shown_figures(report_text) -> None:
    """ "1,098억 3천 9백만원" is 기정 110,433 − 594 (shown figures), not the shown 추경 109,838.

    The 천원 figures (추경 = 기정 − 594,243) with 기정 rounding to 110,433 and 추경 to 109,838
    put 추경 in [109,838.257, 109,838.5) 백만원, whose words are 1,098억 3천 8백만원: the
    sentence was written from the rounded columns.  The rate (0.5 % 감액) is the same.
    """
    assert "1,098억 3천 9백만원" in report_text
    base = summary("세출", "기정", 수준=0)
    cut = summary("세출", "증감_기정", 수준=0)
    shown_new = summary("세출", "추경", 수준=0)
    assert won_words(base + cut, "백만원") == "1,098억 3천 9백만원"
    assert won_words(shown_new, "백만원") == "1,098억 3천 8백만원"
    assert rate(shown_new, base) == Decimal("-0.5") == rate(base + cut, base)
    assert "0.5%(5억9천4백만원) 감액" in report_text


def test_revenue_change_words_need_unrounded_figures(report_text) -> None:
    """ "48억 8천 7백만원" (국고보조금 2건) is cut from a figure that the table rounds to 4,888.

    won_words of the shown 4,888 gives 8백; every 천원 figure in [4,887.5, 4,888) 백만원
    rounds to the shown 4,888 and cuts to the printed words.
    """
    assert "국고보조금 2건(48억 8천 7백만원)" in report_text
    shown = summary("세입", "증감_당초", 구분="합 계")
    assert won_words(shown, "백만원") == "48억 8천 8백만원"
    for thousands in (4_887_500, 4_887_750, 4_887_999):
        amount = Decimal(thousands) / 1000
        assert round_half_up(amount) == shown
        assert won_words(amount, "백만원", "백만원") == "48억 8천 7백만원"
    assert parse_won_words("48억 8천 7백만원", "백만원") == Decimal(shown) - 1  # cut, not rounded


def test_every_amount_sentence_of_the_report_is_covered(report_text) -> None:
    """Each amount in the report's own style (천/백/십 in the 만 group) is checked above."""
    style = re.compile(
        r"(?:[\d,]+조 ?)?(?:[\d,]+억 ?)?(?:[1-9][천백십] ?)+만원|(?:[\d,]+조 ?)?[\d,]+억원"
    )
    found = {m.replace(" ", "") for m in style.findall(report_text)}
    checked = {words.replace(" ", "") for words, *_ in CASES}
    checked |= {"1,098억3천9백만원", "48억8천7백만원", "1조8,557억원", "998억원"}
    assert found <= checked, found - checked
