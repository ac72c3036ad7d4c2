"""The ribbon's path (xlbudget.review.live) through xlwings, on Linux, with the remote engine.

xlwings' remote engine is handed the workbook as JSON and records what Python does to it as
actions (``addSheet``, ``setValues``, ``setNumberFormat``, ``alert`` …) that Excel would then
replay; tests/support/remote_book.py builds that JSON from a real workbook file.  The actions
are compared with what the file pipeline (openpyxl) writes for the same workbook: the same
cells, the same formulas, the same △ number formats.  What the remote engine cannot do
(conditional formats, charts) must be listed in the closing message box, never raised.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.utils.cell import range_boundaries

from tests.conftest import BUNDLED_WORKBOOK, REVIEW_SHEETS
from tests.support import remote_book
from xlbudget import ribbon
from xlbudget.app import live
from xlbudget.app.review import review_file
from xlbudget.core.numformat import TRI

REVIEW = REVIEW_SHEETS


@pytest.fixture(scope="module", autouse=True)
def _engine() -> Iterator[None]:
    """The remote engine, with xlwings' non-commercial licence key set for this module only."""
    patch = pytest.MonkeyPatch()
    patch.setenv("XLWINGS_LICENSE_KEY", os.environ.get("XLWINGS_LICENSE_KEY", "noncommercial"))
    remote_book.remote_engine()
    yield
    patch.undo()


@pytest.fixture(scope="module", params=["bundled", "with_templates"])
def source(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled workbook, and one built with its 양식_ template sheets (which the live
    path reads back as values only)."""
    folder = tmp_path_factory.mktemp(f"live_{request.param}")
    path = folder / "budget_review.xlsm"
    if request.param == "bundled":
        path.write_bytes(BUNDLED_WORKBOOK.read_bytes())
    else:
        from xlbudget.workbook.build import build_workbook

        build_workbook(path)
        assert any(s.startswith("양식_") for s in openpyxl.load_workbook(path).sheetnames)
    return path


@pytest.fixture(scope="module")
def file_review(source: Path) -> tuple[Path, Any]:
    """The file pipeline's output for the same steps as the ribbon's 검토서 작성."""
    result = review_file(source, source.with_name("file.xlsm"), steps=("check", "fill"))
    return result.output, result.plan


@pytest.fixture(scope="module")
def filled(source: Path) -> tuple[Any, Any]:
    """(remote Book after live.fill, the plan it returned)."""
    book = remote_book.book(source)
    plan = live.fill(book)
    assert plan is not None
    return book, plan


def sheet_actions(book: Any) -> dict[str, list[dict[str, Any]]]:
    """Sheet name → the actions recorded on it, for the sheets the run added."""
    names = [s.name for s in book.sheets]
    out: dict[str, list[dict[str, Any]]] = {}
    for action in remote_book.actions(book):
        if action["func"] == "addSheet":
            out[action["args"][1]] = []
        elif action.get("sheet_position") is not None:
            name = names[action["sheet_position"]]
            if name in out:
                out[name].append(action)
    return out


def cells_of(action: dict[str, Any]) -> list[tuple[int, int]]:
    return [
        (action["start_row"] + r, action["start_column"] + c)
        for r in range(action["row_count"])
        for c in range(action["column_count"])
    ]


def expected_grid(ws: Any) -> dict[tuple[int, int], Any]:
    """(row, col) → the value Excel is to be sent for each non-empty cell of a file sheet."""
    out = {}
    for row in ws.iter_rows():
        for cell in row:
            value = cell.value
            if value is None:
                continue
            if cell.data_type == "s" and value:
                value = "'" + value  # Excel keeps text as typed, never re-parsed
            out[(cell.row - 1, cell.column - 1)] = value
    return out


def sent_grid(actions: list[dict[str, Any]]) -> dict[tuple[int, int], Any]:
    out = {}
    for action in actions:
        if action["func"] != "setValues":
            continue
        for r, row in enumerate(action["values"]):
            for c, value in enumerate(row):
                if value not in (None, ""):
                    out[(action["start_row"] + r, action["start_column"] + c)] = value
    return out


def alerts(book: Any) -> list[str]:
    return [a["args"][0] for a in remote_book.actions(book, "alert")]


# ----------------------------------------------------------------------------- fill


def test_fill_adds_the_review_sheets(filled) -> None:
    book, _ = filled
    added = [a["args"][1] for a in remote_book.actions(book, "addSheet")]
    assert added == list(REVIEW)
    assert all(
        len([a for a in acts if a["func"] == "setValues"]) == 1
        for acts in sheet_actions(book).values()
    )


def test_fill_sends_what_the_file_pipeline_writes(filled, file_review) -> None:
    book, _ = filled
    out, _ = file_review
    wb = openpyxl.load_workbook(out)
    sent = sheet_actions(book)
    for name in REVIEW:
        expected = expected_grid(wb[name])
        got = sent_grid(sent[name])
        assert got.keys() == expected.keys(), name
        for key, value in expected.items():
            if isinstance(value, (int, float)):
                assert got[key] == pytest.approx(value), (name, key)
            else:
                assert got[key] == value, (name, key)
    formulas = [v for v in sent_grid(sent["검토_개요"]).values() if str(v).startswith("=")]
    assert formulas and all("ROUND(" in f or "COUNT(" in f for f in formulas)


def test_fill_sets_the_same_number_formats(filled, file_review) -> None:
    """Every cell the file formats (△ amounts, △ rates with %) gets that format live too."""
    book, _ = filled
    out, _ = file_review
    wb = openpyxl.load_workbook(out)
    sent = sheet_actions(book)
    for name in REVIEW:
        live_formats: dict[tuple[int, int], str] = {}
        for action in sent[name]:
            if action["func"] == "setNumberFormat":
                fmt = action["args"][0] if isinstance(action["args"], list) else action["args"]
                for key in cells_of(action):
                    live_formats[key] = fmt
        file_formats = {
            (c.row - 1, c.column - 1): c.number_format
            for row in wb[name].iter_rows()
            for c in row
            if c.number_format != "General" and c.value is not None
        }
        assert {k: v for k, v in live_formats.items() if k in file_formats} == file_formats
    formats = {
        a["args"][0] for acts in sent.values() for a in acts if a["func"] == "setNumberFormat"
    }
    assert any(f'"{TRI}"' in f and "%" in f for f in formats)  # rates: △0.5%
    assert any(f'"{TRI}"' in f and "%" not in f for f in formats)  # amounts: △594


def test_fill_alert_reports_results_and_what_was_skipped(filled, file_review) -> None:
    book, plan = filled
    out, file_plan = file_review
    [message] = alerts(book)
    errors = sum(f.severity == "오류" for f in file_plan.findings)
    assert f"점검 오류 {errors}건" in message
    assert f"불용률 기준 이상 {len(file_plan.flagged)}건" in message
    # The charts the file has cannot be made by the remote engine: each is listed.
    wb = openpyxl.load_workbook(out)
    charts = [
        (name, chart.title.tx.rich.p[0].r[0].t) for name in REVIEW for chart in wb[name]._charts
    ]
    assert charts
    assert "건너뛴 항목" in message
    for name, title in charts:
        assert f"{name}: 차트 '{title}'" in message
    assert plan.findings == file_plan.findings


def test_text_is_sent_as_text(source: Path) -> None:
    """Data text reaches Excel as typed: not a formula, not a date, not a number."""
    values = remote_book.read_values(source)
    rows = values["집행현황"]
    header = next(i for i, r in enumerate(rows) if "세부사업" in r)
    column = rows[header].index("세부사업")
    injected = [
        '=HYPERLINK("http://x","y")',
        "+1",
        "-3 삭감",
        "@SUM(A1)",
        "12-3",  # a date to Excel
        "1/4",  # a date (or a fraction) to Excel
        "007",  # the number 7 to Excel
        "'인용",  # Excel would eat the apostrophe
    ]
    for offset, text in enumerate(injected, start=1):
        rows[header + offset][column] = text
    book = remote_book.book(source, values)
    assert live.fill(book) is not None
    sent = sent_grid(sheet_actions(book)["검토_미집행"])
    texts = set(sent.values())
    for text in injected:
        assert "'" + text in texts
        assert text not in texts
    # The template's own formulas are sent as formulas.
    assert any(str(v).startswith("=IF(") for v in texts)


def without(source: Path, sheets: tuple[str, ...], folder: Path) -> Path:
    """A copy of ``source`` without ``sheets`` (a real file, for both pipelines)."""
    wb = openpyxl.load_workbook(source, keep_vba=True)
    for name in sheets:
        del wb[name]
    path = folder / source.name
    wb.save(path)
    return path


def test_new_sheets_go_before_xlwings_conf(source: Path, tmp_path: Path) -> None:
    """Without 양식_ sheets to follow, the 검토_ sheets go last but before xlwings.conf (the
    file writers' order)."""
    names = openpyxl.load_workbook(source, read_only=True).sheetnames
    assert names[-1] == "xlwings.conf"
    path = without(source, tuple(n for n in names if n.startswith("양식_")), tmp_path)
    book = remote_book.book(path)
    assert live.fill(book) is not None
    after = [s.name for s in book.sheets]
    assert after[-len(REVIEW) - 1 :] == [*REVIEW, "xlwings.conf"]
    assert after[: -len(REVIEW) - 1] == [n for n in names[:-1] if not n.startswith("양식_")]


def test_fill_twice_replaces_the_review_sheets(file_review) -> None:
    out, _ = file_review
    book = remote_book.book(out)  # already has the four 검토_ sheets
    before = [s.name for s in book.sheets]
    assert live.fill(book) is not None
    actions = remote_book.actions(book)
    assert [a["func"] for a in actions].count("sheetDelete") == len(REVIEW)
    assert [s.name for s in book.sheets] == before


# ----------------------------------------------------------------------------- mark, check


def test_mark_defines_names_and_reports_skipped_rules(source: Path) -> None:
    book = remote_book.book(source)
    assert live.mark(book) is not None
    names = {a["args"][0]: a["args"][1] for a in remote_book.actions(book, "namesAdd")}
    assert set(names) == {"xb_threshold", "xb_contract_threshold"}
    assert all(
        target.startswith("=IFERROR(IF(AND(ISNUMBER('설정'!$") and "SUBSTITUTE(TRIM(" in target
        for target in names.values()
    )
    assert not remote_book.actions(book, "addSheet")  # mark writes no sheet
    [message] = alerts(book)
    assert "집행현황: 조건부 서식 2개" in message


def test_check_writes_only_the_findings_sheet(source: Path, file_review) -> None:
    book = remote_book.book(source)
    assert live.check(book) is not None
    assert [a["args"][1] for a in remote_book.actions(book, "addSheet")] == ["검토_점검"]
    out, _ = file_review
    expected = expected_grid(openpyxl.load_workbook(out)["검토_점검"])
    assert sent_grid(sheet_actions(book)["검토_점검"]) == expected


def test_check_needs_no_execution_table(source: Path, tmp_path: Path) -> None:
    """표 점검 works on a workbook without 집행현황, as the CLI's check does."""
    path = without(source, ("집행현황",), tmp_path)
    book = remote_book.book(path)
    plan = live.check(book)
    assert plan is not None
    assert [a["args"][1] for a in remote_book.actions(book, "addSheet")] == ["검토_점검"]
    [message] = alerts(book)
    assert message.startswith("완료:") and "집행현황" not in message
    file_plan = review_file(path, steps=("check",), write=False).plan
    assert plan.findings == file_plan.findings
    sent = set(sent_grid(sheet_actions(book)["검토_점검"]).values())
    assert all("'" + f.message in sent for f in file_plan.findings)


def test_mark_repoints_existing_names(source: Path) -> None:
    """A name that exists is redefined (the file adapters replace it), not left stale."""
    wb = openpyxl.load_workbook(source, read_only=True)
    defined = {n: wb.defined_names[n].attr_text for n in ("xb_threshold", "xb_contract_threshold")}
    data = remote_book.payload(source)
    stale = "='설정'!$A$1"
    data["names"] = [
        {
            "name": name,
            "refers_to": stale if name == "xb_threshold" else "=" + target,
            "sheet_index": None,
            "address": None,
            "book_scope": True,
            "scope_sheet_name": None,
            "scope_sheet_index": None,
        }
        for name, target in defined.items()
    ]
    import xlwings as xw

    book = xw.Book(json=data)
    assert live.mark(book) is not None
    assert not remote_book.actions(book, "namesAdd")
    moved = remote_book.actions(book, "setNameRefersTo")
    assert [(a["args"][0], a["args"][-1]) for a in moved] == [
        ("xb_threshold", "=" + defined["xb_threshold"])
    ]


def test_missing_table_ends_in_an_alert(source: Path) -> None:
    values = remote_book.read_values(source)
    del values["집행현황"]
    book = remote_book.book(source, values)
    assert live.mark(book) is None  # no exception: mark alone has nothing to do
    assert [a["func"] for a in remote_book.actions(book)] == ["alert"]
    [message] = alerts(book)
    assert "집행현황" in message and "tbl_execution" in message
    assert "Traceback" not in message


def test_missing_table_removes_only_its_part(source: Path) -> None:
    values = remote_book.read_values(source)
    del values["집행현황"]
    book = remote_book.book(source, values)
    plan = live.fill(book)
    assert plan is not None
    assert plan.reading.missing == ["집행현황"]
    assert any("집행현황 표가 통합문서에 없어" in s for s in plan.sentences)
    assert len(remote_book.actions(book, "addSheet")) == len(REVIEW)


def test_unreadable_figure_is_a_finding_not_a_crash(source: Path) -> None:
    values = remote_book.read_values(source)
    rows = values["집행현황"]
    header = next(i for i, r in enumerate(rows) if "지출액" in r)
    rows[header + 1][rows[header].index("지출액")] = "모름"
    book = remote_book.book(source, values)
    plan = live.fill(book)
    assert plan is not None
    assert any(f.rule == "NOT_NUMBER" and "모름" in f.message for f in plan.findings)
    assert len(remote_book.actions(book, "addSheet")) == len(REVIEW)


# ----------------------------------------------------------------------------- ribbon


def test_ribbon_buttons_run_the_live_actions(source: Path, filled) -> None:
    book = remote_book.book(source)
    ribbon.run("xbFill", book)
    reference, _ = filled
    assert remote_book.actions(book) == remote_book.actions(reference)


@pytest.mark.parametrize("button", ["evil", "fill", "xbFill;import os"])
def test_ribbon_unknown_button_does_nothing_but_report(source: Path, button: str) -> None:
    book = remote_book.book(source)
    ribbon.run(button, book)
    actions = remote_book.actions(book)
    assert [a["func"] for a in actions] == ["alert"]
    assert repr(button) in actions[0]["args"][0]


def test_payload_matches_the_file(source: Path) -> None:
    """The helper's JSON is what Office Scripts would send: rectangular values from A1,
    tables where the file has them."""
    data = remote_book.payload(source)
    wb = openpyxl.load_workbook(source)
    assert [s["name"] for s in data["sheets"]] == wb.sheetnames
    for sheet in data["sheets"]:
        widths = {len(r) for r in sheet["values"]}
        assert len(widths) == 1, sheet["name"]
        ws = wb[sheet["name"]]
        assert {t["name"] for t in sheet["tables"]} == set(ws.tables)
        for table in sheet["tables"]:
            min_col, min_row, max_col, max_row = range_boundaries(table["range_address"])
            headers = [ws.cell(min_row, c).value for c in range(min_col, max_col + 1)]
            assert sheet["values"][min_row - 1][min_col - 1 : max_col] == headers
            body = range_boundaries(table["data_body_range_address"])
            assert body == (min_col, min_row + 1, max_col, max_row)


@pytest.mark.parametrize("after", [0, 1, 2])
def test_escape_leaves_the_book_unchanged(source: Path, after: int) -> None:
    """Esc at any stage before writing (before reading, after reading, after the plan):
    a message, and not one change to the book."""
    book = remote_book.book(source)
    asked = iter([False] * after + [True] * 3)
    assert live._run(book, ("check", "fill"), cancelled=lambda: next(asked)) is None
    actions = remote_book.actions(book)
    assert [a["func"] for a in actions] == ["alert"]
    assert "취소했습니다" in actions[0]["args"][0] and "바뀌지 않았습니다" in actions[0]["args"][0]


def test_progress_is_shown_in_percent(source: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shown: list[str] = []
    monkeypatch.setattr(live, "_status", lambda book, text: shown.append(text or ""))
    assert live.check(remote_book.book(source)) is not None
    assert [s.split(": ", 1)[1][:10] for s in shown if s] == [
        "(1/3, 0%) ",
        "(2/3, 30%)",
        "(3/3, 70%)",
    ]


# ------------------------------------------------------------------ 검토보고서 내보내기


def test_export_button_writes_the_same_document_as_the_command_line(
    source: Path, tmp_path: Path
) -> None:
    """The ribbon's 검토보고서 내보내기 reads the open book (through xlwings) and writes the
    same report as ``xlbudget export`` of the file; the book itself gets no change at all."""
    from tests.support import hwpx_reader
    from xlbudget.app.export import export_file

    if not hwpx_reader.available():
        pytest.skip("rhwp cannot run here")
    book = remote_book.book(source)
    out = live.export(book, tmp_path / "live.hwpx")
    assert out == tmp_path / "live.hwpx"
    assert [a["func"] for a in book.json()["actions"]] == ["alert"]  # nothing but the message
    assert str(out) in alerts(book)[0]
    by_file = export_file(source, tmp_path / "file.hwpx").output
    live_doc, file_doc = hwpx_reader.read(out), hwpx_reader.read(by_file)
    assert live_doc.paragraphs == file_doc.paragraphs
    assert [[c.text for c in t] for t in live_doc.tables] == [
        [c.text for c in t] for t in file_doc.tables
    ]


def test_export_of_an_unsaved_book_asks_to_save_it_first(source: Path) -> None:
    book = remote_book.book(source)
    assert not Path(book.fullname or "").is_absolute()  # the remote engine has no file
    assert live.export(book) is None
    assert "먼저 파일로 저장" in alerts(book)[0]
