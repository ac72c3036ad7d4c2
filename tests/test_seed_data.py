"""The seed CSVs in xlbudget/data/seed must match the seed report's printed tables.

The oracle is the seed TEXT file (/work/shared/seed/...): each table is found by its heading,
split on tabs, and every label and number is compared with the CSV transcription. Nothing of
the CSV content is copied here, so a transcription error (a wrong digit, a lost row, a
mislabelled project) fails.
"""

from __future__ import annotations

import csv
import io
import re

import pytest

from tests.conftest import REPO, SEED_TEXT, need

DATA = REPO / "xlbudget" / "data" / "seed"
LINES = need(SEED_TEXT, "the seed report").read_text(encoding="utf-8").split("\n")

HEADERS = {
    "세입.csv": "수준,구분,세부,당초,기정,추경,증감_당초,증감_기정,증감율_당초,증감율_기정",
    "세출.csv": "수준,구분,회계,세부,당초,기정,추경,증감_당초,증감_기정,증감율_당초,증감율_기정",
    "사업별증감.csv": "수준,담당관,세부사업,"
    "당초,기정,추경,증감_당초,증감_기정,증감율_당초,증감율_기정",
    "통계목증감.csv": "수준,담당관,세부사업,통계목,기정,추경,증감,산출내역,증감사유",
    "집행현황.csv": "담당관,세부사업,통계목,예산현액,지출원인행위액,지출액,지출잔액,불용률",
    "정보화사업.csv": "사업명,사업기간,사업예산",
    "설정.csv": "항목,값",
}
SUMMARY_VALUES = ["당초", "기정", "추경", "증감_당초", "증감_기정", "증감율_당초", "증감율_기정"]

# 담당관 of each project with a budget change, as written in section II.1 of the report.
DEPARTMENT_OF = {
    "세계스마트시티기구운영": "스마트도시담당관",
    "인공지능서비스구축운영": "정보시스템담당관",
    "행정포털운영": "정보시스템담당관",
    "항공사진촬영및다목적활용데이터구축": "공간정보담당관",
    "드론공간정보운영": "공간정보담당관",
    "서울사이버안전센터운영": "정보통신보안담당관",
}
# The 낙찰차액 table abbreviates one 통계목; its 예산과목 block prints the full name.
ITEM_ALIAS = {"자산취득비": "자산및물품취득비"}


# ---------------------------------------------------------------- seed-text helpers


def clean(cell: str) -> str:
    return re.sub(r"</?b>", "", cell).strip()


def squash(text: str) -> str:
    """Name key that ignores whitespace (names are split by stray spaces in the seed)."""
    return re.sub(r"\s+", "", text)


NUMBER = re.compile(r"[△-]?[\d,]+(?:\.\d+)?%?")


def is_number(cell: str) -> bool:
    return bool(NUMBER.fullmatch(clean(cell)))


def plain(cell: str) -> str:
    """Printed number -> CSV form: no thousands separators, △ -> '-', no '%'."""
    cell = clean(cell)
    if cell == "":
        return ""
    assert NUMBER.fullmatch(cell), f"not a printed number: {cell!r}"
    return cell.replace(",", "").replace("%", "").replace("△", "-")


def line_index(text: str, start: int = 0) -> int:
    for i in range(start, len(LINES)):
        if text in LINES[i]:
            return i
    raise AssertionError(f"heading {text!r} not found in the seed")


def line_indexes(text: str) -> list[int]:
    return [i for i, line in enumerate(LINES) if text in line]


def table_at(start: int) -> tuple[int, list[list[str]]]:
    """The first block of consecutive tab-separated lines at or after `start`."""
    i = start
    while "\t" not in LINES[i]:
        i += 1
    rows = []
    while i < len(LINES) and "\t" in LINES[i]:
        rows.append([clean(c) for c in LINES[i].split("\t")])
        i += 1
    return i, rows


def table_after(heading: str, start: int = 0) -> list[list[str]]:
    return table_at(line_index(heading, start))[1]


def labels_and_values(cells: list[str]) -> tuple[list[str], list[str]]:
    """Split a summary row into its leading label cells and its printed numbers."""
    first = next(i for i, c in enumerate(cells) if is_number(c))
    values = cells[first:]
    while values and values[-1] == "":
        values = values[:-1]
    return cells[:first], [plain(v) for v in values]


# ---------------------------------------------------------------- CSV helpers


def read_csv(name: str) -> list[dict[str, str]]:
    with open(DATA / name, encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        assert reader.fieldnames == HEADERS[name].split(",")
        return list(reader)


@pytest.mark.parametrize("name", sorted(HEADERS))
def test_csv_file_format(name: str) -> None:
    raw = (DATA / name).read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf"), "no BOM"
    assert b"\r" not in raw, "LF newlines only"
    text = raw.decode("utf-8")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[0] == HEADERS[name].split(",")
    assert all(len(r) == len(rows[0]) for r in rows)
    assert all(c == c.strip() and "<b>" not in c for r in rows for c in r)
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    assert out.getvalue() == text, "written by the csv module with default quoting"


# ---------------------------------------------------------------- 세입


def test_revenue_matches_seed() -> None:
    seed = table_after("세입 규모〉")
    assert seed[2][1:3] == ["당초", "기정"]  # three header rows, then data
    rows = read_csv("세입.csv")
    assert len(rows) == len(seed) - 3 == 7
    group = ""
    for row, cells in zip(rows, seed[3:], strict=True):
        labels, values = labels_and_values(cells)
        group = labels[0] or group
        assert row["구분"] == group
        assert row["세부"] == (labels[1] if len(labels) > 1 else "")
        assert row["수준"] == ("0" if squash(group) == "합계" else "1")
        if group == "세외수입":  # one column lost in extraction: assumed to be 추경
            assert len(values) == 6
            values = [*values[:2], "", *values[2:]]
        assert [row[c] for c in SUMMARY_VALUES] == values
    # the rate header reads "기정 당초" but the first rate is 당초-based (4,888 / 10,338)
    assert rows[0]["증감율_당초"] == "47.3"
    # quirks kept as printed: 지방세수입 equals the sum of the three 세외수입 rows
    non_tax = sum(int(r["당초"]) for r in rows if r["구분"] == "세외수입")
    assert int(rows[1]["당초"]) == non_tax


# ---------------------------------------------------------------- 세출


def test_expenditure_matches_seed() -> None:
    first, second = (table_at(i)[1] for i in line_indexes("세출 규모〉"))
    data = first[3:]
    assert data == second[3:], "the two printed copies of the table are identical"
    rows = read_csv("세출.csv")
    assert len(rows) == len(data) == 8
    account = ""
    for row, cells in zip(rows, data, strict=True):
        labels, values = labels_and_values(cells)
        assert [row[c] for c in SUMMARY_VALUES] == values
        if len(labels) == 1:  # 총 계
            assert (row["수준"], row["구분"], row["회계"], row["세부"]) == (
                "0",
                labels[0],
                "",
                labels[0],
            )
            continue
        group, label = labels
        assert row["구분"] == "행정관리" and group in ("", "행정관리")
        if label.startswith("소계"):
            account = re.sub(r"[()\s]|소계", "", label)
            assert (row["수준"], row["회계"], row["세부"]) == ("1", label, label)
        else:
            assert (row["수준"], row["회계"], row["세부"]) == ("2", account, label)
    assert {r["회계"] for r in rows if r["수준"] == "2"} == {"일반회계", "도시개발특별회계"}
    # empty printed rate (특별회계 재무활동, 당초 0) stays empty
    assert [r["증감율_당초"] for r in rows].count("") == 1


# ---------------------------------------------------------------- 사업별 증감


def project_table() -> list[list[str]]:
    return table_after("주요 사업별 예산 증감내역")[3:]


def test_projects_match_seed() -> None:
    seed = project_table()
    rows = read_csv("사업별증감.csv")
    assert len(rows) == len(seed) == 7
    for row, cells in zip(rows, seed, strict=True):
        (label,), values = labels_and_values(cells)
        assert row["세부사업"] == label
        assert [row[c] for c in SUMMARY_VALUES] == values
        if squash(label) == "합계":
            assert (row["수준"], row["담당관"]) == ("0", "")
        else:
            assert (row["수준"], row["담당관"]) == ("1", DEPARTMENT_OF[squash(label)])


def test_departments_are_those_named_in_the_report() -> None:
    # section II.1: "스마트도시담당관 1건(...), 정보시스템담당관 2건(...), ..."
    sentence = LINES[line_index("스마트도시담당관 1건(")]
    counts = {d: int(n) for d, n in re.findall(r"(\S+담당관) (\d)건", sentence)}
    rows = [r for r in read_csv("사업별증감.csv") if r["수준"] == "1"]
    assert counts == {d: sum(r["담당관"] == d for r in rows) for d in counts}
    # the 낙찰차액 paragraph names the department of each of its projects
    text = LINES[line_index("낙찰차액 조정에 따른 감액은")]
    parts = re.split(r"(\S+담당관)의 ", text)  # [..., dept, its projects, dept, ...]
    named = [
        (dept, name)
        for dept, segment in zip(parts[1::2], parts[2::2], strict=True)
        for name in re.findall(r"“([^”]+)”", segment)
    ]
    assert len(named) == 4
    for dept, name in named:
        assert DEPARTMENT_OF[squash(name)] == dept


# ---------------------------------------------------------------- 통계목 증감


def change_blocks(start: int) -> dict[str, tuple[str, str]]:
    """A 예산과목 증감내역 table: {squashed 과목: (○ 산출 lines, 증감사유 lines)}."""
    out: dict[str, tuple[list[str], list[str]]] = {}
    key = ""
    in_reason = False
    for cells in table_at(start)[1][1:]:
        text = [c for c in cells[1:] if c]
        if cells[0]:
            key, in_reason = squash(cells[0]), False
            out[key] = ([], [])
        if text == ["증감사유"]:
            in_reason = True
        else:
            out[key][in_reason].append(" ".join(text))
    return {k: ("\n".join(calc), "\n".join(why)) for k, (calc, why) in out.items()}


def items_csv(project_key: str) -> list[dict[str, str]]:
    return [r for r in read_csv("통계목증감.csv") if squash(r["세부사업"]) == project_key]


def printed_project_names() -> dict[str, str]:
    return {squash(c[0]): c[0] for c in project_table() if squash(c[0]) != "합계"}


def test_required_budget_tables_match_seed() -> None:
    names = printed_project_names()
    starts = line_indexes("소 요 예 산")
    assert len(starts) == 2
    for start in starts:
        heading = next(LINES[i] for i in range(start, 0, -1) if LINES[i].startswith("## "))
        key = next(k for k in names if k in squash(re.sub(r"\(WeGo\)", "", heading)))
        seed = table_after("소 요 예 산", start)
        assert seed[0][1:] == ["추경예산(안) (A)", "기정예산 (B)", "증감 (A-B)"]
        blocks = change_blocks(line_index("예산과목 증감내역", start))
        rows = items_csv(key)
        assert len(rows) == len(seed) - 1
        for row, (item, a, b, diff) in zip(rows, seed[1:], strict=True):
            assert row["세부사업"] == names[key]  # block heading differs: 사업별 table's name
            assert row["담당관"] == DEPARTMENT_OF[key]
            assert row["통계목"] == item
            assert row["수준"] == ("0" if item == "계" else "1")
            assert (row["기정"], row["추경"], row["증감"]) == (plain(b), plain(a), plain(diff))
            calc, why = blocks.pop(squash(item), ("", ""))
            assert (row["산출내역"], row["증감사유"]) == (calc, why)
        assert blocks == {}, "every 예산과목 of the block is in the table"


def test_bid_savings_tables_match_seed() -> None:
    seed = table_after("낙찰차액 조정에 따른 감액")[2:]
    assert len(seed) == 4
    for cells in seed:
        name, reasons = cells[1], cells[5]
        key = squash(name)
        rows = items_csv(key)
        li = [clean(x) for x in re.findall(r"<li>(.*?)</li>", reasons)]
        total, items = rows[0], rows[1:]
        assert (total["수준"], total["통계목"], total["세부사업"]) == ("0", "계", name)
        assert (total["기정"], total["추경"], total["증감"]) == tuple(map(plain, cells[2:5]))
        assert total["증감사유"] == li[0] and total["산출내역"] == ""
        blocks = change_blocks(line_index(f"“{name}” 예산과목 증감내역"))
        assert len(items) == len(li) - 1 == len(blocks)
        for row, reason in zip(items, li[1:], strict=True):
            item, was, now = re.fullmatch(r"◦ (\S+)\(([\d,]+)천원→([\d,]+)천원\)", reason).groups()
            assert (row["수준"], row["세부사업"], row["통계목"]) == ("1", name, item)
            assert row["담당관"] == DEPARTMENT_OF[key]
            assert (row["기정"], row["추경"], row["증감"]) == (plain(was), plain(now), "")
            calc, why = blocks[ITEM_ALIAS.get(item, item)]
            assert (row["산출내역"], row["증감사유"]) == (calc, why)
            assert calc.startswith("○") and why


def test_item_rows_cover_every_changed_project() -> None:
    rows = read_csv("통계목증감.csv")
    names = printed_project_names()
    assert {squash(r["세부사업"]) for r in rows} == set(names)
    assert sum(r["수준"] == "0" for r in rows) == len(names)
    # the 계 rows agree with the 사업별 table once rounded to 백만원
    summary = {squash(r["세부사업"]): r for r in read_csv("사업별증감.csv")}
    for r in rows:
        if r["수준"] == "0":
            assert round(int(r["추경"]) / 1000) == int(summary[squash(r["세부사업"])]["추경"])


# ---------------------------------------------------------------- 집행현황


def execution_lines() -> list[tuple[str, list[str]]]:
    """(담당관, cells) for every data line of the 70%이상 미집행사업 table, all pages."""
    start = line_index("70%이상 미집행사업 현황(2021. 7. 31. 기준)")
    end = line_index("전문위원", start)
    header = None
    dept = ""
    out = []
    for line in LINES[start:end]:
        if "\t" not in line:
            continue
        cells = [clean(c) for c in line.split("\t")]
        if header is None or cells == header:  # first and repeated page headers
            header = cells
            continue
        if not any(cells[1:]):
            dept = cells[0]
            continue
        out.append((dept, cells))
    return out


def test_execution_table_matches_seed() -> None:
    seed = execution_lines()
    rows = read_csv("집행현황.csv")
    assert len(seed) == len(rows) == 61
    project = ""
    for row, (dept, cells) in zip(rows, seed, strict=True):
        project = cells[0] or project  # name printed only on a project's first line
        assert (row["담당관"], row["세부사업"], row["통계목"]) == (dept, project, cells[1])
        values = [plain(c) for c in cells[2:7]]
        assert [row[c] for c in HEADERS["집행현황.csv"].split(",")[3:]] == values
    # the continuation line after the page break belongs to 서울사이버안전센터 운영
    after_break = [r for r in rows if r["세부사업"] == "서울사이버안전센터 운영"]
    assert [r["통계목"] for r in after_break] == ["사무관리비", "전산개발비", "자산및물품취득비"]
    assert {r["담당관"] for r in rows} == {
        "스마트도시담당관",
        "빅데이터담당관",
        "정보시스템담당관",
        "공간정보담당관",
        "정보통신보안담당관",
        "데이터센터",
    }
    # every line is at least 70% unspent (the table's selection rule)
    assert all(float(r["불용률"]) >= 70 for r in rows)


# ---------------------------------------------------------------- 정보화사업


def test_it_project_list_matches_seed() -> None:
    start = line_index("정보화사업 목록(2021. 8. 19. 기준)")
    end = line_index("※ 2021년 정보화사업 발주정보", start)
    seed = [[clean(c) for c in line.split("\t")] for line in LINES[start:end] if "\t" in line]
    data = [c for c in seed if squash(c[0]) != "사업명"]
    assert len(seed) - len(data) == 3, "three printed header rows skipped"
    rows = read_csv("정보화사업.csv")
    assert len(rows) == len(data)
    for row, (name, period, budget) in zip(rows, data, strict=True):
        assert (row["사업명"], row["사업기간"], row["사업예산"]) == (name, period, plain(budget))
    # the text says "현재 69개 사업(붙임 1) 참조)"
    stated = re.search(r"(\d+)개 사업\(붙임 1\)", LINES[line_index("개 사업(붙임 1)")])
    assert len(rows) == int(stated.group(1)) == 69


# ---------------------------------------------------------------- 설정


def test_settings_match_seed() -> None:
    settings = {r["항목"]: r for r in read_csv("설정.csv")}
    assert list(settings) == [
        "소관",
        "회계연도",
        "회차",
        "기준일",
        "금액단위",
        "요약단위",
        "미집행기준",
        "계약저조기준",
        "금액띄어쓰기",
        "증감율소수",
    ]
    assert all(r["값"] for r in settings.values())
    value = {k: r["값"] for k, r in settings.items()}
    title = LINES[line_index("# ")]
    assert value["소관"] in title and value["회계연도"] in title
    assert value["회차"].replace("추가경정예산", "") in title and "추가경정예산" in title
    year, month, day = (int(x) for x in value["기준일"].split("-"))
    assert f"미집행사업 현황({year}. {month}. {day}. 기준)" in "\n".join(LINES)
    assert f"{value['미집행기준']}%이상 미집행" in "\n".join(LINES)
    assert f"(단위 : {value['금액단위']})" in LINES
    assert f"(단위 : {value['요약단위']}, %)" in LINES
    assert value["금액띄어쓰기"] == "예" and "3억 5천 9백만원" in "\n".join(LINES)
    decimals = int(value["증감율소수"])
    rates = [r["불용률"] for r in read_csv("집행현황.csv")]
    assert all(len(r.split(".")[1]) == decimals for r in rates)
