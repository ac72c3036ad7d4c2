"""xlbudget on officer-style workbooks: every line read, every planted error found, no
false finding, no line lost, and the reading summary says what was (not) read.

The workbooks and their expected results come from ``officer_books`` (openpyxl + Decimal,
never xlbudget). Two more cases import real 지방재정365 exports of two districts and compute
their expectations from the JSON with Decimal.

Each workbook is checked once (``xlbudget check --json`` through ``xlbudget.cli.main``);
each aspect is its own test, so one wrong aspect does not hide the others.
"""

from __future__ import annotations

import io
import json
import re
import tempfile
import traceback
from collections import Counter
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from tests.conftest import REAL_DATA, need
from tests.corpus import officer_books as ob

SEVERITY_OF = {"error": "오류", "warning": "경고", "info": "참고"}


# --------------------------------------------------------------------------------------
# running xlbudget


@dataclass
class Run:
    code: Any  # int exit code, or "exception"
    out: str
    err: str
    data: dict | None  # the parsed --json output

    def explain(self) -> str:
        return f"exit={self.code}\nstderr:\n{self.err[-3000:]}\nstdout:\n{self.out[:2000]}"


def run_cli(args: list[str]) -> Run:
    from xlbudget.cli import main

    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        try:
            code: Any = main(args)
        except SystemExit as e:  # argparse
            code = e.code
        except Exception:  # a crash is a result too: report it, do not hide it
            code = "exception"
            err.write(traceback.format_exc())
    text = out.getvalue()
    data = None
    if "--json" in args:
        try:
            data = json.loads(text, parse_float=Decimal)
        except ValueError:
            start = text.find("{")
            try:
                data = json.loads(text[start:], parse_float=Decimal) if start >= 0 else None
            except ValueError:
                data = None
    return Run(code, text, err.getvalue(), data)


def tables_of(data: dict, kind: str) -> list[dict]:
    return [t for t in data["reading"]["tables"] if t["table"] == kind]


def one_table(data: dict, kind: str) -> dict:
    found = tables_of(data, kind)
    assert len(found) == 1, f"{kind}: expected one reading entry, got {len(found)}: {found}"
    return found[0]


def row_of(cell: str) -> int | None:
    m = re.search(r"(\d+)\s*$", str(cell))
    return int(m.group(1)) if m else None


def sheets_in(places: list[str]) -> set[str]:
    out = set()
    for p in places:
        out.update(re.findall(r"시트 '([^']*)'", p))
    return out


def serious(data: dict) -> list[dict]:
    return [f for f in data["findings"] if f["severity"] in ("error", "warning")]


def show(findings: list[dict]) -> str:
    return (
        "\n".join(
            f"  [{SEVERITY_OF.get(f['severity'], f['severity'])}] {f['sheet']}!{f['cell']} "
            f"{f['rule']}: {f['message']}"
            for f in findings
        )
        or "  (none)"
    )


# --------------------------------------------------------------------------------------
# 검토_미집행


def unspent_groups(path: Path) -> list[tuple[str, list[list[Any]]]]:
    """(department heading, its line rows) in sheet order, from 검토_미집행's main table.

    The table starts under the header row holding "세부사업명"; a heading row has text in
    its first column and nothing else; it ends at the next "○ …" paragraph or "※ …" note.
    """
    wb = openpyxl.load_workbook(path)
    assert "검토_미집행" in wb.sheetnames, wb.sheetnames
    ws = wb["검토_미집행"]
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    start = col = None
    for i, r in enumerate(rows):
        for j, v in enumerate(r):
            if isinstance(v, str) and v.replace(" ", "") == "세부사업명":
                start, col = i, j
                break
        if start is not None:
            break
    assert start is not None, "검토_미집행 has no 세부사업명 header"
    groups: list[tuple[str, list[list[Any]]]] = []
    for r in rows[start + 1 :]:
        first = r[col] if col < len(r) else None
        rest = [v for v in r[col + 1 : col + 7] if v not in (None, "")]
        if isinstance(first, str) and first.strip().startswith(("○", "※")):
            break
        if first in (None, "") and not rest:
            continue
        if first not in (None, "") and not rest:
            groups.append((str(first), []))
        else:
            if not groups:
                groups.append(("(heading missing)", []))
            groups[-1][1].append(r)
    return groups


def sheet_texts(path: Path, sheet: str) -> list[str]:
    wb = openpyxl.load_workbook(path)
    ws = wb[sheet]
    return [v for r in ws.iter_rows(values_only=True) for v in r if isinstance(v, str)]


def nospace(s: str) -> str:
    return re.sub(r"\s+", "", s)


# --------------------------------------------------------------------------------------
# the synthetic corpus

with tempfile.TemporaryDirectory() as _d:  # only to learn each case's aspects
    _CASES = {c.name: c for c in ob.build_all(Path(_d))}
NAMES = list(_CASES)


def names_with(attr: str) -> list[str]:
    return [n for n, c in _CASES.items() if getattr(c, attr)]


@pytest.fixture(scope="session")
def corpus(tmp_path_factory) -> dict[str, ob.Case]:
    root = tmp_path_factory.mktemp("corpus")
    return {c.name: c for c in ob.build_all(root)}


class Runs:
    """Each workbook checked (and reviewed) once per session, however many tests ask."""

    def __init__(self) -> None:
        self.checked: dict[Path, Run] = {}
        self.reviewed: dict[Path, tuple[Run, Path]] = {}

    def check(self, case: Any) -> tuple[Any, Run]:
        if case.path not in self.checked:
            self.checked[case.path] = run_cli(["check", str(case.path), "--json", "-q"])
        run = self.checked[case.path]
        assert run.data is not None, f"{case.name}: no JSON from check\n{run.explain()}"
        return case, run

    def review(self, case: Any) -> tuple[Any, Run, Path]:
        if case.path not in self.reviewed:
            out = case.path.with_name(case.path.stem + ".review.xlsx")
            run = run_cli(["review", str(case.path), "-o", str(out), "--json", "-q"])
            self.reviewed[case.path] = (run, out)
        run, out = self.reviewed[case.path]
        return case, run, out


RUNS = Runs()


@pytest.fixture
def checked(corpus):
    return lambda name: RUNS.check(corpus[name])


@pytest.fixture
def reviewed(corpus):
    return lambda name: RUNS.review(corpus[name])


def check_exit_code(case: Any, run: Run) -> None:
    assert run.code == case.exit_code, (
        f"{case.shape}\nexpected exit {case.exit_code}, got {run.code}\n"
        f"findings:\n{show(run.data['findings'])}\nunread: {run.data['reading']['unread']}"
    )


@pytest.mark.parametrize("name", NAMES)
def test_exit_code(name, checked):
    check_exit_code(*checked(name))


def check_every_line_read(case: Any, run: Run) -> None:
    """Each expected table kind read once with exactly its lines; no other kind read."""
    got = Counter(t["table"] for t in run.data["reading"]["tables"])
    lines = {t["table"]: t["lines"] for t in run.data["reading"]["tables"] if got[t["table"]] == 1}
    doubled = {k: v for k, v in got.items() if v > 1}
    assert not doubled, f"tables read more than once: {doubled}"
    assert lines == case.lines, (
        f"{case.shape}\nlines expected {case.lines}\n          got {lines}\n"
        f"reading: {json.dumps(run.data['reading'], ensure_ascii=False, default=str)[:3000]}"
    )


@pytest.mark.parametrize("name", NAMES)
def test_every_line_read(name, checked):
    check_every_line_read(*checked(name))


def check_totals(case: Any, run: Run) -> None:
    got = {k: one_table(run.data, k)["totals"] for k in case.totals if tables_of(run.data, k)}
    assert got == case.totals, f"합계·소계 rows expected {case.totals}, got {got}"


@pytest.mark.parametrize("name", names_with("totals"))
def test_totals(name, checked):
    check_totals(*checked(name))


def check_read_from_the_right_sheet(case: Any, run: Run) -> None:
    got = {
        k: sheets_in(one_table(run.data, k)["places"])
        for k in case.sheets
        if tables_of(run.data, k)
    }
    assert got == case.sheets, f"sheets read expected {case.sheets}, got {got}"


@pytest.mark.parametrize("name", names_with("sheets"))
def test_read_from_the_right_sheet(name, checked):
    check_read_from_the_right_sheet(*checked(name))


@pytest.mark.parametrize("name", NAMES)
def test_findings_exact(name, checked):
    """Every planted 오류/경고 found, no other, none twice, each with its documented severity."""
    case, run = checked(name)
    found = serious(run.data)
    keys = []
    for f in found:
        cell = f"@{row_of(f['cell'])}" if f["rule"] in ob.ROW_RULES else f["cell"]
        keys.append((f["sheet"], cell, f["rule"]))
    dupes = [k for k, n in Counter(keys).items() if n > 1]
    expected = set()
    wild = Counter()
    for sheet, cell, rule in case.findings:
        if sheet == "*":
            wild[rule] += 1
        elif rule in ob.ROW_RULES:
            expected.add((sheet, f"@{row_of(cell)}", rule))
        else:
            expected.add((sheet, cell, rule))
    got = set(keys)
    for rule, n in wild.items():  # rules whose place is not specified: count only
        matching = {k for k in got if k[2] == rule}
        assert len(matching) == n, f"{rule}: expected {n}, got {sorted(matching)}\n{show(found)}"
        got -= matching
    missing, extra = expected - got, got - expected
    assert not (missing or extra or dupes), (
        f"{case.shape}\nmissing (planted, not found): {sorted(missing)}\n"
        f"extra (false findings): {sorted(extra)}\nduplicated: {dupes}\n"
        f"all 오류/경고 findings:\n{show(found)}"
    )
    wrong = [
        f for f in found if f["rule"] in ob.SEVERITY and ob.SEVERITY[f["rule"]] != f["severity"]
    ]
    assert not wrong, f"severity differs from the documented one:\n{show(wrong)}"


def check_flagged_lines(case: Any, run: Run) -> None:
    got = {(f["sheet"], f["row"]): f for f in run.data["flagged"]}
    assert set(got) == set(case.flagged), (
        f"{case.shape}\nflagged rows missing: {sorted(set(case.flagged) - set(got))}\n"
        f"flagged rows not expected: {sorted(set(got) - set(case.flagged))}\n"
        + "\n".join(
            f"  {k}: {got[k]['department']} / {got[k]['project']} / {got[k]['item']} "
            f"{got[k]['unspent_rate']}"
            for k in sorted(set(got) - set(case.flagged))
        )
    )
    bad = []
    for key, flag in case.flagged.items():
        g = got[key]
        for attr, want in (
            ("department", flag.department),
            ("project", flag.project),
            ("item", flag.item),
        ):
            if want is not None and g[attr] != want:
                bad.append(f"{key} {attr}: expected {want!r}, got {g[attr]!r}")
        if flag.rate is not None and Decimal(str(g["unspent_rate"])) != flag.rate:
            bad.append(f"{key} unspent_rate: expected {flag.rate}, got {g['unspent_rate']}")
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize("name", NAMES)
def test_flagged_lines(name, checked):
    check_flagged_lines(*checked(name))


@pytest.mark.parametrize("name", names_with("skipped"))
def test_skipped_rows_listed(name, checked):
    """Department rows, blank rows and repeated headers inside a table are listed as
    skipped, each with a reason."""
    case, run = checked(name)
    problems = []
    for kind, rows in case.skipped.items():
        if not tables_of(run.data, kind):
            problems.append(f"{kind}: not read")
            continue
        skipped = one_table(run.data, kind)["skipped"]
        got = {row_of(s["cell"]) for s in skipped}
        if not rows <= got:
            problems.append(
                f"{kind}: rows {sorted(rows - got)} not listed as skipped; listed: "
                f"{json.dumps(skipped, ensure_ascii=False)}"
            )
        empty = [s for s in skipped if not str(s.get("reason") or "").strip()]
        if empty:
            problems.append(f"{kind}: skipped rows without a reason: {empty}")
    assert not problems, "\n".join(problems)


def check_units(case: Any, run: Run) -> None:
    got = {
        k: (one_table(run.data, k)["unit"], one_table(run.data, k)["unit_from"])
        for k in case.units
        if tables_of(run.data, k)
    }
    assert {k: v[0] for k, v in got.items()} == case.units, f"units (unit, from): {got}"


@pytest.mark.parametrize("name", names_with("units"))
def test_units(name, checked):
    check_units(*checked(name))


def check_unread_listed(case: Any, run: Run) -> None:
    unread = run.data["reading"]["unread"]
    if case.unread is None:
        return
    if case.unread:
        assert unread, "a table that could not be read must be listed in reading.unread"
    else:
        assert not unread, f"nothing should be unread here, got {unread}"


@pytest.mark.parametrize("name", NAMES)
def test_unread_listed(name, checked):
    check_unread_listed(*checked(name))


@pytest.mark.parametrize("name", names_with("unrecognised"))
def test_unrecognised_columns(name, checked):
    case, run = checked(name)
    for kind, headers in case.unrecognised.items():
        got = one_table(run.data, kind)["unrecognised_columns"]
        text = json.dumps(got, ensure_ascii=False)
        missing = [h for h in headers if h not in text]
        assert not missing, f"{kind}: {missing} not listed as unrecognised: {got}"


@pytest.mark.parametrize("name", names_with("reading_mentions"))
def test_reading_says_which_table(name, checked):
    case, run = checked(name)
    reading = run.data["reading"]
    entries = [str(u) for u in reading["unread"] + reading["other_years"]] + [
        " ".join([t["table"], *t["places"], *t["notes"]]) for t in reading["tables"]
    ]
    for words in case.reading_mentions:
        assert any(all(w in e for w in words) for e in entries), (
            f"no entry of the reading summary mentions all of {words}:\n" + "\n".join(entries)
        )


def check_info_findings(case: Any, run: Run) -> None:
    rules = {f["rule"] for f in run.data["findings"] if f["severity"] == "info"}
    assert case.info_rules <= rules, f"참고 findings expected {case.info_rules}, got {rules}"


@pytest.mark.parametrize("name", names_with("info_rules"))
def test_info_findings(name, checked):
    check_info_findings(*checked(name))


def check_review(case: Any, run: Run, out: Path) -> None:
    exp = case.review
    assert out.exists(), f"review wrote nothing: {run.explain()}"
    problems = []
    if run.code != exp.exit_code:
        problems.append(
            f"review exit {run.code}, expected {exp.exit_code}; findings:\n"
            + show((run.data or {}).get("findings", []))
        )
    if exp.unspent_groups is not None:
        groups = [(h, len(rows)) for h, rows in unspent_groups(out)]
        if groups != exp.unspent_groups:
            problems.append(
                f"검토_미집행 groups expected {exp.unspent_groups}\n                 got {groups}"
            )
    sentences = [nospace(s) for s in (run.data or {}).get("sentences", [])]
    for must, must_not in exp.sentences:
        want = [nospace(m) for m in must]
        if not any(all(w in s for w in want) for s in sentences):
            problems.append(f"no sentence contains all of {must}")
        for s in sentences:
            if want[0] in s and any(nospace(m) in s for m in must_not):
                problems.append(f"a sentence with {must[0]!r} contains one of {must_not}: {s}")
    if exp.unspent_caption:
        captions = [t for t in sheet_texts(out, "검토_미집행") if t.strip().startswith("(단위")]
        if exp.unspent_caption not in captions:
            problems.append(f"검토_미집행 captions {captions}, expected {exp.unspent_caption!r}")
    assert not problems, (
        "\n".join(problems) + "\nsentences:\n" + "\n".join((run.data or {}).get("sentences", []))
    )


@pytest.mark.parametrize("name", names_with("review"))
def test_review(name, reviewed):
    check_review(*reviewed(name))


# --------------------------------------------------------------------------------------
# real 지방재정365 exports, imported into the bundled workbook

DISTRICTS = ["2714000", "4772000"]  # 대구 남구 (5 zero budgets), 경북 (2 spent over budget)
THOUSAND = Decimal(1000)


@dataclass
class Imported:
    source: dict
    import_run: Run
    book: Path
    check: Run
    review: Run
    review_out: Path


_imported: dict[str, Imported] = {}


@pytest.fixture
def imported(tmp_path_factory):
    def get(laf: str) -> Imported:
        if laf not in _imported:
            src = need(REAL_DATA / "lofin365_qwgjk_popfund" / "projects" / f"{laf}.json")
            root = tmp_path_factory.mktemp(f"real{laf}")
            book = root / f"{laf}.xlsm"
            imp = run_cli(["import", str(src), "-o", str(book), "--json", "-q"])
            chk = run_cli(["check", str(book), "--json", "-q"])
            rev_out = root / f"{laf}.review.xlsm"
            rev = run_cli(["review", str(book), "-o", str(rev_out), "--json", "-q"])
            source = json.loads(src.read_text(encoding="utf-8"))
            _imported[laf] = Imported(source, imp, book, chk, rev, rev_out)
        return _imported[laf]

    return get


def expected_lines(source: dict) -> list[dict]:
    """Each project in 천원: the import converts 원 → 천원 as an exact decimal (its note
    says "금액 원 → 천원 (정확한 소수)": no rounding), so 예산현액 = bdgCashAmt / 1000 and
    지출액 = epAmt / 1000 exactly; 불용률 from those, half up to one decimal."""
    out = []
    for p in source["projects"]:
        budget = Decimal(p["bdgCashAmt"]) / THOUSAND
        spent = Decimal(p["epAmt"]) / THOUSAND
        rate = ob.unspent_rate(budget, spent)
        out.append(
            dict(
                dept=p["fldNm"],
                project=p["dbizNm"],
                account=p["acntDvNm"],
                budget=budget,
                spent=spent,
                rate=rate,
                flagged=rate is not None and rate >= ob.THRESHOLD,
            )
        )
    return out


@pytest.mark.parametrize("laf", DISTRICTS)
def test_real_import_notes_state_exact_conversion(laf, imported):
    imp = imported(laf).import_run
    assert imp.code in (0, 1), imp.explain()
    notes = imp.data["notes"]
    assert any("원 → 천원" in n and "정확한 소수" in n for n in notes), (
        f"the expectations assume an exact 원 → 천원 conversion; import notes: {notes}"
    )
    assert imp.data["rows"] == len(imported(laf).source["projects"])


@pytest.mark.parametrize("laf", DISTRICTS)
def test_real_every_line_read(laf, imported):
    it = imported(laf)
    assert it.check.data is not None, it.check.explain()
    t = one_table(it.check.data, "집행현황")
    assert t["lines"] == len(it.source["projects"]), t
    assert t["totals"] == 0


@pytest.mark.parametrize("laf", DISTRICTS)
def test_real_flagged(laf, imported):
    it = imported(laf)
    exp = Counter(
        (e["dept"], e["project"], e["budget"], e["spent"], e["rate"])
        for e in expected_lines(it.source)
        if e["flagged"]
    )
    got = Counter(
        (
            f["department"],
            f["project"],
            Decimal(str(f["budget"])),
            Decimal(str(f["spent"])),
            Decimal(str(f["unspent_rate"])),
        )
        for f in it.check.data["flagged"]
    )
    assert sum(got.values()) == sum(exp.values()), (
        f"flagged count: expected {sum(exp.values())}, got {sum(got.values())}"
    )
    assert got == exp, (
        f"missing {list((exp - got).items())[:5]}; extra {list((got - exp).items())[:5]}"
    )


def _sheet_rows(book: Path) -> list[tuple[int, dict]]:
    """(row, {header: value}) of the imported 집행현황 table, read with openpyxl."""
    wb = openpyxl.load_workbook(book, read_only=True)
    ws = wb["집행현황"]
    header = None
    out = []
    for i, r in enumerate(ws.iter_rows(values_only=True), start=1):
        if header is None:
            if "예산현액" in r:
                header = {j: v for j, v in enumerate(r) if v}
            continue
        if all(v is None for v in r):
            continue
        out.append((i, {header[j]: v for j, v in enumerate(r) if j in header}))
    return out


@pytest.mark.parametrize("laf", DISTRICTS)
def test_real_findings(laf, imported):
    """On 집행현황: BUDGET_NOT_POSITIVE at each 예산현액 ≤ 0, SPENT_OVER_BUDGET at each 지출액 >
    예산현액, nothing else of severity 오류/경고 (no BALANCE/UNSPENT_RATE from decimal 천원)."""
    it = imported(laf)
    rows = _sheet_rows(it.book)
    col = {name: None for name in ("예산현액", "지출액")}
    wb = openpyxl.load_workbook(it.book, read_only=True)
    for r in wb["집행현황"].iter_rows(values_only=False):
        for c in r:
            if c.value in col:
                col[c.value] = c.column_letter
        if all(col.values()):
            break
    expected = set()
    for e in expected_lines(it.source):
        for rule, cond, column in (
            ("BUDGET_NOT_POSITIVE", e["budget"] <= 0, "예산현액"),
            ("SPENT_OVER_BUDGET", e["spent"] > e["budget"], "지출액"),
        ):
            if not cond:
                continue
            where = [
                n
                for n, v in rows
                if v.get("세부사업") == e["project"]
                and Decimal(str(v.get("예산현액"))) == e["budget"]
                and Decimal(str(v.get("지출액"))) == e["spent"]
            ]
            assert where, f"{e['project']} not found in the imported sheet"
            for n in where:
                expected.add(("집행현황", f"{col[column]}{n}", rule))
    found = [f for f in serious(it.check.data) if f["sheet"] == "집행현황"]
    got = {(f["sheet"], f["cell"], f["rule"]) for f in found}
    assert got == expected, (
        f"missing {sorted(expected - got)}\nextra {sorted(got - expected)}\n{show(found)}"
    )


@pytest.mark.parametrize("laf", DISTRICTS)
def test_real_settings_not_the_seeds(laf, imported):
    """The bundled workbook's 설정 (스마트도시정책관, 2021. 7. 31., 2021) must not title or
    date another district's 2026 data: import sets them or leaves them blank."""
    it = imported(laf)
    wb = openpyxl.load_workbook(it.book)
    values = {}
    for ws in wb.worksheets:
        for r in ws.iter_rows(values_only=True):
            if r and r[0] in ("소관", "기준일", "회계연도") and len(r) > 1:
                values[r[0]] = r[1]
    stale = []
    if values.get("소관") == "스마트도시정책관":
        stale.append("소관")
    if str(values.get("기준일", "")).startswith("2021-07-31"):
        stale.append("기준일")
    if values.get("회계연도") in (2021, "2021"):
        stale.append("회계연도")
    assert not stale, f"설정 still the seed's: {stale} ({values})"


@pytest.mark.parametrize("laf", DISTRICTS)
def test_real_review_groups_by_department(laf, imported):
    it = imported(laf)
    assert it.review.code in (0, 1), it.review.explain()
    groups = unspent_groups(it.review_out)
    headings = [h for h, _ in groups]
    repeated = {h: n for h, n in Counter(headings).items() if n > 1}
    assert not repeated, f"department headings repeated: {repeated} ({len(headings)} headings)"
    exp = Counter(e["dept"] for e in expected_lines(it.source) if e["flagged"])
    got = {h: len(rows) for h, rows in groups}
    assert got == dict(exp), f"lines per heading expected {dict(exp)}, got {got}"


@pytest.mark.parametrize("laf", DISTRICTS)
def test_real_sentences_claim_only_the_data(laf, imported):
    """No 지출원인행위액 in the export: no 계약조차 claim; no seed 기준일; the 미집행 sentence
    counts this district's lines."""
    it = imported(laf)
    sentences = (it.review.data or {}).get("sentences", [])
    lines = expected_lines(it.source)
    flagged = sum(e["flagged"] for e in lines)
    # "계약 여부는 알 수 없음" is a fair caveat; "계약조차 저조한 것은 N건" is a claim
    problems = [s for s in sentences if "계약조차" in s]
    problems += [s for s in sentences if "2021. 7. 31." in s]
    unspent = [s for s in sentences if "불용률" in s]
    assert not problems, "sentences claiming what the data does not hold:\n" + "\n".join(problems)
    assert unspent, f"no 미집행 sentence: {sentences}"
    counts = {f"{len(lines)}건", f"{len(lines):,}건"}
    assert any(c in nospace(unspent[0]) for c in counts), (
        f"미집행 sentence should count {len(lines)} lines: {unspent}"
    )
    assert f"{flagged}건" in nospace(unspent[0]), (
        f"미집행 sentence should count {flagged} flagged lines: {unspent}"
    )
