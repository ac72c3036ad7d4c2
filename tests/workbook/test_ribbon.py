"""The ribbon: its XML, the VBA callbacks it names, and the Python allow-list behind them."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import xlwings as xw
from defusedxml.ElementTree import fromstring

from tests.support.parts import read_parts
from xlbudget import ribbon
from xlbudget.adapters.xlsx.package import CUSTOM_UI_PART
from xlbudget.workbook.build import ribbon_xml
from xlbudget.workbook.vba import read_vba_modules

CUI = "{http://schemas.microsoft.com/office/2009/07/customui}"
RIBBON_SIGNATURE = re.compile(
    r"^\s*(Public\s+|Private\s+)?Sub\s+(\w+)\s*\(\s*(?:ByRef\s+)?(\w+)\s+As\s+IRibbonControl\s*\)",
    re.M | re.I,
)


@pytest.fixture(scope="module")
def buttons(built_path: Path) -> list[Any]:
    data = read_parts(built_path)[CUSTOM_UI_PART]
    assert data == ribbon_xml()  # the part is the source file, byte for byte
    root = fromstring(data)
    assert root.tag == f"{CUI}customUI"
    return list(root.iter(f"{CUI}button"))


def test_ribbon_tab_and_buttons(buttons: list[Any], built_path: Path) -> None:
    root = fromstring(read_parts(built_path)[CUSTOM_UI_PART])
    tabs = list(root.iter(f"{CUI}tab"))
    assert [t.get("label") for t in tabs] == ["예산검토"]
    labels = {b.get("id"): b.get("label") for b in buttons}
    assert labels == {
        "xbFill": "검토서 작성",
        "xbMark": "미집행 표시",
        "xbCheck": "표 점검",
        "xbExport": "검토보고서 내보내기",
        "xbHelp": "도움말",
    }
    assert all(b.get("imageMso") for b in buttons)
    ids = [e.get("id") for e in root.iter() if e.get("id")]
    assert len(ids) == len(set(ids))  # control ids are unique


def test_button_ids_and_actions_agree(buttons: list[Any]) -> None:
    assert {b.get("id") for b in buttons} == set(ribbon.ACTIONS)
    # The VBA side lets only [A-Za-z0-9_]{1,64} through to RunPython.
    assert all(re.fullmatch(r"[A-Za-z0-9_]{1,64}", i) for i in ribbon.ACTIONS)


def test_every_on_action_is_a_ribbon_callback(buttons: list[Any], built_path: Path) -> None:
    modules = read_vba_modules(read_parts(built_path)["xl/vbaProject.bin"])
    callbacks: dict[str, str] = {}
    for module, source in modules.items():
        for m in RIBBON_SIGNATURE.finditer(source):
            assert not (m.group(1) or "").strip().lower() == "private", m.group(0)
            callbacks[m.group(2)] = module
    actions = {b.get("onAction") for b in buttons}
    assert actions == {"XbOnAction"}
    assert actions <= callbacks.keys()
    assert callbacks["XbOnAction"] == "XbRibbon"
    body = modules["XbRibbon"]
    assert 'Like "[A-Za-z0-9_]"' in body  # the id is checked before RunPython
    assert "xlbudget.ribbon.run('\" & buttonId & \"')" in body


# ------------------------------------------------------------------------------ run()
@pytest.fixture(scope="module")
def remote_engine() -> None:
    """xlwings' remote engine (free for non-commercial use), registered as xlwings does."""
    from tests.support.remote_book import remote_engine as register

    register()


@pytest.fixture
def book(remote_engine: None) -> Any:
    """A real xlwings remote-engine Book: its actions are recorded in ``book.json()``."""
    return xw.Book(
        json={
            "client": "Microsoft Office Scripts",
            "version": xw.__version__,
            "book": {"name": "budget_review.xlsm", "active_sheet_index": 0, "selection": "A1"},
            "names": [],
            "sheets": [
                {
                    "name": "세입",
                    "values": [["〈추경예산안 세입 규모〉"]],
                    "pictures": [],
                    "tables": [],
                }
            ],
        }
    )


def alerts(book: Any) -> list[list[Any]]:
    return [a["args"] for a in book.json()["actions"] if a["func"] == "alert"]


@pytest.mark.parametrize("button", ["evil", "xbfill", "xbFill'); import os; ('", "", "fill"])
def test_unknown_button_only_reports(book: Any, button: str) -> None:
    ribbon.run(button, book)
    actions = book.json()["actions"]
    assert [a["func"] for a in actions] == ["alert"]  # nothing but the message
    prompt, title = actions[0]["args"][:2]
    assert "알 수 없는 리본 단추" in prompt and repr(button) in prompt
    assert title == ribbon.TITLE


def test_unknown_button_without_a_book_raises() -> None:
    with pytest.raises(ValueError, match="unknown ribbon button"):
        ribbon.run("evil")


def test_unknown_button_from_vba_alerts_on_the_calling_book(book: Any) -> None:
    """VBA passes no book: the message goes to the calling book, never a traceback."""
    book.set_mock_caller()  # xlwings' own stand-in for a RunPython call
    try:
        ribbon.run("evil")
    finally:
        del xw.Book._mock_caller
    actions = book.json()["actions"]
    assert [a["func"] for a in actions] == ["alert"]
    assert "알 수 없는 리본 단추" in actions[0]["args"][0]


def test_help_shows_the_help_text(book: Any) -> None:
    ribbon.run("xbHelp", book)
    assert alerts(book) == [[ribbon.HELP_TEXT, ribbon.TITLE, "ok", "", ""]]
    for label in ("검토서 작성", "미집행 표시", "표 점검", "XB_WHY"):
        assert label in ribbon.HELP_TEXT
    assert "함수 가져오기" not in ribbon.HELP_TEXT  # the functions are in the workbook


def test_no_import_step_is_offered(buttons: list[Any]) -> None:
    """The XB_ functions are built into the workbook: an "Import Functions" button would
    write xlwings' own wrappers under the same names beside ours."""
    assert "xbImportUdfs" not in ribbon.ACTIONS
    assert not [b for b in buttons if "가져오기" in (b.get("label") or "")]
