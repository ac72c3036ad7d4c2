"""What an import says about 설정: whose data it is, of which year, as of which day.

A workbook's 설정 titles and dates the review (소관, 회계연도, 회차, 기준일).  After an import,
those values describe the imported data or nothing: the bundled workbook's 스마트도시정책관
and 2021. 7. 31. must never title another district's 2026 execution.  So each value the
source tells (a 지방재정365 export's exeYmd and region, an 열린재정 file's 회계연도 and 소관)
is set, and each it cannot tell is emptied, with a note saying which and what it was.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from ..settings import Settings

#: The 설정 items an import of each table decides (기준일 belongs to 집행현황's figures).
ABOUT_KEYS: dict[str, tuple[str, ...]] = {
    "집행현황": ("소관", "회계연도", "회차", "기준일"),
}
DEFAULT_KEYS = ("소관", "회계연도", "회차")


def keys_for(table: str) -> tuple[str, ...]:
    return ABOUT_KEYS.get(table, DEFAULT_KEYS)


def report_date(ymd: str) -> str | None:
    """ "20260705" → "2026. 7. 5." (the report's way); None when it is no date."""
    m = re.fullmatch(r"\s*(\d{4})-?(\d{2})-?(\d{2})\s*", ymd)
    if not m:
        return None
    year, month, day = (int(g) for g in m.groups())
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    return f"{year}. {month}. {day}."


def changes(
    current: Settings, about: Mapping[str, str], table: str
) -> tuple[dict[str, str], list[str]]:
    """(item → new value, notes) for the 설정 items the import of ``table`` decides."""
    out: dict[str, str] = {}
    notes: list[str] = []
    for key in keys_for(table):
        if key not in current.cells:
            continue
        old = current.text(key, "")
        new = about.get(key, "").strip()
        if new == old:
            continue
        out[key] = new
        if new:
            notes.append(f"설정 {key}: {old or '(빈칸)'} → {new} (가져온 자료에서)")
        else:
            notes.append(
                f"설정 {key}을(를) 비웠습니다: 가져온 자료로는 알 수 없습니다(이전 값 {old}). "
                "검토서에 쓰려면 설정에 적으십시오."
            )
    return out, notes
