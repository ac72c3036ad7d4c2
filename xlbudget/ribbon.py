"""The 예산검토 ribbon tab's Python side: button id → action, nothing more.

Every button of ``customUI14.xml`` calls the VBA procedure ``XbOnAction``, which runs
``xlbudget.ribbon.run('<button id>')`` through xlwings' ``RunPython``.  ``ACTIONS`` is the
allow-list: an id that is not in it is reported and ignored.  The work itself lives in
``xlbudget.app.live`` (imported lazily, so a click never pays for modules it does not use).
"""

from __future__ import annotations

from typing import Any

from .core.schema import TITLE

#: Ribbon button id → action name (the ids of workbook/src/customUI14.xml).
ACTIONS: dict[str, str] = {
    "xbFill": "fill",
    "xbMark": "mark",
    "xbCheck": "check",
    "xbExport": "export",
    "xbHelp": "help",
}
HELP_TEXT = (
    "예산검토 탭 사용법\n"
    "1. 세입·세출·사업별증감·통계목증감·집행현황 시트의 표에 제출 자료를 붙여 넣습니다"
    "(표 이름과 머리글은 그대로 두세요).\n"
    "2. [표 점검]: 합계·증감·증감율·불용률을 다시 계산해 틀린 칸을 검토_점검 시트에 적습니다.\n"
    "3. [미집행 표시]: 불용률이 설정 시트의 미집행기준(%) 이상인 줄을 색으로 표시합니다.\n"
    "4. [검토서 작성]: 양식_ 시트대로 검토_ 시트를 새로 씁니다(검토_ 시트는 매번 다시 만듭니다).\n"
    "   [검토보고서 내보내기]: 같은 내용을 한글 문서(<이름>.검토보고서.hwpx)로 통합 문서 옆에 "
    "저장합니다(먼저 통합 문서를 저장하십시오).\n"
    "5. XB_RATE, XB_UNSPENT, XB_WON 같은 함수는 통합문서를 열면 바로 쓸 수 있습니다"
    "(함수 마법사의 예산검토 범주; 오류 값의 이유는 =XB_WHY(셀)).\n"
    "설정(기준일, 미집행기준 등)은 설정 시트에서 바꿉니다."
)


def unknown_button_message(button_id: str) -> str:
    return f"알 수 없는 리본 단추입니다: {button_id!r} (unknown ribbon button; nothing was done)"


def run(button_id: str, book: Any = None) -> None:
    """Run the action of ribbon button ``button_id`` on ``book`` (default: the calling book).

    An id outside ``ACTIONS`` does nothing but report: a Korean message box on the calling
    book (VBA passes no book), and a ValueError naming the id only when there is no book at
    all (called outside Excel).
    """
    action = ACTIONS.get(button_id) if isinstance(button_id, str) else None
    if book is None:
        book = _caller()
    if action is None:
        message = unknown_button_message(str(button_id))
        if book is None:
            raise ValueError(message)
        book.app.alert(message, title=TITLE)
        return
    if book is None:
        raise ValueError("예산검토 리본은 Excel에서 눌러야 합니다 (no calling workbook).")
    if action == "help":
        book.app.alert(HELP_TEXT, title=TITLE)
    else:
        from .app import live

        getattr(live, action)(book)


def _caller() -> Any:
    """The workbook that called through ``RunPython``, or None outside Excel."""
    try:
        import xlwings as xw

        return xw.Book.caller()
    except Exception:  # xlwings raises a bare Exception when not called from Excel
        return None
