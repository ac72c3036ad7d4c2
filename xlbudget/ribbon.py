"""The 예산검토 ribbon tab's Python side: button id → action, nothing more.

Every button of ``customUI14.xml`` calls the VBA procedure ``XbOnAction``, which runs
``xlbudget.ribbon.run('<button id>')`` through xlwings' ``RunPython``.  ``ACTIONS`` is the
allow-list: an id that is not in it is reported and ignored.  The work itself lives in
``xlbudget.app.live`` (imported lazily, so a click never pays for modules it does not use).
"""

from __future__ import annotations

import sys
from typing import Any

from .core.schema import TITLE

#: Ribbon button id → action name (the ids of workbook/src/customUI14.xml).
ACTIONS: dict[str, str] = {
    "xbFill": "fill",
    "xbMark": "mark",
    "xbCheck": "check",
    "xbImportUdfs": "import_udfs",
    "xbHelp": "help",
}
#: Modules whose XB_ functions "함수 가져오기" imports when xlwings.conf names none.
UDF_MODULES = "xlbudget.udfs"
#: Only modules of this package are imported from the workbook's "UDF Modules" entry: the
#: entry travels with the file, and importing a module runs its code.
UDF_PACKAGE = "xlbudget"
HELP_TEXT = (
    "예산검토 탭 사용법\n"
    "1. 세입·세출·사업별증감·통계목증감·집행현황 시트의 표에 제출 자료를 붙여 넣습니다"
    "(표 이름과 머리글은 그대로 두세요).\n"
    "2. [표 점검]: 합계·증감·증감율·불용률을 다시 계산해 틀린 칸을 검토_점검 시트에 적습니다.\n"
    "3. [미집행 표시]: 불용률이 설정 시트의 미집행기준(%) 이상인 줄을 색으로 표시합니다.\n"
    "4. [검토서 작성]: 양식_ 시트대로 검토_ 시트를 새로 씁니다(검토_ 시트는 매번 다시 만듭니다).\n"
    "5. [함수 가져오기]: XB_RATE, XB_UNSPENT, XB_WON 같은 함수를 이 통합문서에서 쓸 수 있게 "
    "합니다(함수예시 시트 참고).\n"
    "설정(기준일, 미집행기준 등)은 설정 시트에서 바꿉니다."
)
NOT_WINDOWS = (
    "함수 가져오기는 Windows용 Excel에서만 됩니다. 이 컴퓨터에서는 XB_ 함수를 쓸 수 없습니다 "
    "(Import Functions needs Excel on Windows)."
)
IMPORT_FAILED = (
    "XB_ 함수를 가져오지 못했습니다. 파일 → 옵션 → 보안 센터 → 보안 센터 설정 → 매크로 설정에서 "
    '"VBA 프로젝트 개체 모델에 안전하게 액세스할 수 있음"을 켠 뒤 다시 누르십시오 '
    "(Trust access to the VBA project object model).\n\n원인: {error}"
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
    elif action == "import_udfs":
        import_udfs(book)
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


def _allowed(module: str) -> bool:
    return module == UDF_PACKAGE or module.startswith(UDF_PACKAGE + ".")


def udf_modules(book: Any) -> str:
    """The ``xlbudget.`` modules of the book's xlwings.conf "UDF Modules", else ``xlbudget.udfs``.

    Other modules named there are left out (see ``UDF_PACKAGE``).
    """
    try:
        from xlwings.utils import read_config_sheet

        config = read_config_sheet(book) or {}
    except Exception:  # no sheet / an engine without sheet reads: fall back to the default
        config = {}
    for key, value in config.items():
        if str(key).strip().upper() == "UDF MODULES" and value:
            modules = [m.strip() for m in str(value).split(";") if _allowed(m.strip())]
            return ";".join(modules) or UDF_MODULES
    return UDF_MODULES


def import_udfs(book: Any) -> None:
    """Import the XB_ functions into ``book``, as xlwings' own "Import Functions" does."""
    if not sys.platform.startswith("win"):
        book.app.alert(NOT_WINDOWS, title=TITLE)
        return
    import xlwings

    try:
        xlwings.import_udfs(udf_modules(book), book.api)
    except Exception as exc:  # untrusted VBA project access, a COM error: a message, no trace
        book.app.alert(IMPORT_FAILED.format(error=f"{type(exc).__name__}: {exc}"), title=TITLE)
        return
    book.app.alert("XB_ 함수를 가져왔습니다. 함수예시 시트에서 결과를 확인하세요.", title=TITLE)
