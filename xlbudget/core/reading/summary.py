"""What was read, as data: each table's place, how it was found, its lines and skipped rows.

``check`` and ``review`` print it, ``--json`` returns it and 검토_점검 shows it, so an
officer sees that the 61 lines of 집행현황 were read (and the three 소계 rows were not lines)
before trusting "오류 0건".  A table that could not be read is said here, and is a finding.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from ..schema import RULE_TABLES


@dataclass
class TableSummary:
    key: str
    places: list[str]  # "시트 '집행현황' A4:H65 (엑셀 표 'tbl_execution')" per block
    lines: int
    totals: int
    skipped: list[tuple[str, str, str]]  # (cell, reason, text)
    columns: dict[str, str]  # canonical column → its column letter (first block)
    unknown: list[str]  # header texts no column was found for
    unit: str
    unit_from: str
    notes: list[str] = field(default_factory=list)

    def text(self) -> list[str]:
        reasons = Counter(reason for _, reason, _ in self.skipped)
        skipped = ", ".join(f"{r} {n}" for r, n in reasons.items())
        if self.key == "설정":
            return [f"설정: {' · '.join(self.places)} — 항목 {self.lines}개"]
        lines = [
            f"{self.key}: {' · '.join(self.places)} — "
            + (f"줄 {self.lines:,}개" if self.lines or self.totals else "빈 표")
            + (f", 합계·소계 {self.totals}행" if self.totals else "")
            + (f", 건너뛴 행 {len(self.skipped)}개({skipped})" if self.skipped else "")
            + (f", 단위 {self.unit}({self.unit_from})" if self.unit else "")
        ]
        if self.unknown:
            lines.append(f"  읽지 않은 열: {', '.join(self.unknown)}")
        lines += [f"  {note}" for note in self.notes]
        return lines

    def as_json(self) -> dict[str, Any]:
        return {
            "table": self.key,
            "places": self.places,
            "lines": self.lines,
            "totals": self.totals,
            "skipped": [{"cell": c, "reason": r, "text": t} for c, r, t in self.skipped],
            "columns": self.columns,
            "unrecognised_columns": self.unknown,
            "unit": self.unit,
            "unit_from": self.unit_from,
            "notes": self.notes,
        }


@dataclass
class ReadingSummary:
    tables: list[TableSummary] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # kinds of table the book does not have
    unread: list[str] = field(default_factory=list)  # what looked like a table but was not read
    #: Tables of another year than the one reviewed, left aside on purpose.
    other_years: list[str] = field(default_factory=list)

    def text(self) -> list[str]:
        out = ["읽은 표:"]
        for table in self.tables:
            out += ["  " + line for line in table.text()]
        if self.missing:
            named = [f"{k}(기본 규칙 사용)" if k in RULE_TABLES else k for k in self.missing]
            out.append(f"  없는 표: {', '.join(named)}")
        out += [f"  {note}" for note in self.other_years]
        if self.unread:
            out.append("읽지 못한 표:")
            out += [f"  {u}" for u in self.unread]
        return out

    def rows(self) -> list[dict[str, Any]]:
        """One row per table (and per table missing or not read), for 검토_점검."""
        out: list[dict[str, Any]] = []
        for table in self.tables:
            text = table.text()
            head = text[0].split(" — ", 1)
            detail = [head[0].split(": ", 1)[-1], *(t.strip() for t in text[1:])]
            if table.skipped:
                reasons = Counter(reason for _, reason, _ in table.skipped)
                detail.append("건너뛴 행: " + ", ".join(f"{r} {n}" for r, n in reasons.items()))
            out.append(
                {
                    "표": table.key,
                    "줄": table.lines,
                    "합계": table.totals,
                    "단위": f"{table.unit}({table.unit_from})" if table.unit else "",
                    "내용": "\n".join(detail),
                }
            )
        out += [{"표": key, "내용": "통합문서에 없음"} for key in self.missing]
        out += [{"표": "읽지 못함", "내용": text} for text in self.unread]
        out += [{"표": "다른 연도", "내용": text} for text in self.other_years]
        return out

    def as_json(self) -> dict[str, Any]:
        return {
            "tables": [t.as_json() for t in self.tables],
            "missing": self.missing,
            "unread": self.unread,
            "other_years": self.other_years,
        }
