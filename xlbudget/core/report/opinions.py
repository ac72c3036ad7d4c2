"""Ⅱ. 검토의견: the report's themed sections, drafted from the data by the officer's rules.

The part of the report officers write by hand groups the changes by theme: 국외여비 cut,
낙찰차액 cut, a project cut in full.  Which change belongs to which theme is a rule kept in
the workbook (the 검토주제 table: where to look, for which words, for what kind of change,
and the title and paragraph to write), so an officer adds a theme without a programmer.
Each item of 통계목증감 that is cut goes to the first theme it fits; for each theme the
section gets its heading (가., 나., …), the factual paragraph with the figures filled in,
and the table the report prints (a project's 〈소요예산〉 and its 산출내역·증감사유, or one
table of every project of the theme), then a marked place for the officer's opinion: the
judgement stays theirs, and nothing the data does not hold is written.  A cut that fits no
theme is listed at the end, never dropped.

The rules are untrusted text: a paragraph's ``{이름}`` fields are replaced by plain
substitution from a fixed list (no format language, no attribute access).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources
from typing import Any

import pandas as pd

from ..korean import to_won, won_words
from ..schema import name_key
from ..settings import Settings

#: The section letters of 검토의견, in order (라. follows the themes: 집행실적 저조).
LETTERS = "가나다라마바사아자차카타파하"
_FIELD = re.compile(r"\{(\w+)\}")
#: The columns a document row fills, B to H.
COLS = "bcdefgh"
#: Columns of 통계목증감 a rule may look in.
SEARCHABLE = ("통계목", "산출내역", "증감사유", "세부사업", "담당관")


@dataclass(frozen=True)
class Theme:
    name: str
    group: str  # "사업": a section per project; "모두": one section for the theme
    columns: tuple[str, ...]  # where the words are looked for
    words: tuple[str, ...]  # any of them (none: every change of the condition)
    condition: str  # 감액 | 전액감액 | 증액
    title: str
    paragraph: str


def _split(text: Any) -> tuple[str, ...]:
    return tuple(w.strip() for w in re.split(r"[,，\n]", str(text or "")) if w.strip())


def theme_from(row: dict[str, Any]) -> Theme:
    return Theme(
        str(row.get("주제") or "").strip(),
        "모두" if str(row.get("묶음") or "").strip() == "모두" else "사업",
        tuple(c for c in _split(row.get("찾을 열")) if c in SEARCHABLE) or SEARCHABLE,
        _split(row.get("낱말")),
        str(row.get("조건") or "감액").replace(" ", ""),
        str(row.get("제목") or row.get("주제") or "").strip(),
        str(row.get("문단") or "").strip(),
    )


def default_themes() -> list[Theme]:
    """The rules shipped with xlbudget (the seed report's three themes)."""
    path = resources.files("xlbudget") / "data" / "rules" / "검토주제.csv"
    with path.open("r", encoding="utf-8") as fh:
        frame = pd.read_csv(fh, dtype=str, keep_default_na=False)
    return [theme_from(r) for r in frame.to_dict("records")]


def themes_of(frame: pd.DataFrame | None) -> list[Theme]:
    """The workbook's rules (its 검토주제 table), else the defaults."""
    if frame is None or frame.empty:
        return default_themes()
    return [t for t in (theme_from(r) for r in frame.to_dict("records")) if t.name]


def fill_in(text: str, fields: dict[str, str]) -> str:
    """``{이름}`` replaced by its value; an unknown field is left as written."""
    return _FIELD.sub(lambda m: fields.get(m.group(1), m.group(0)), text)


# --------------------------------------------------------------------------- matching


def _fits(theme: Theme, item: dict[str, Any]) -> bool:
    new, base = item.get("추경"), item.get("기정")
    if new is None or base is None:
        return False
    if theme.condition == "전액감액" and not (base > 0 and abs(new) < 1e-9):
        return False
    if theme.condition == "감액" and not new < base:
        return False
    if theme.condition == "증액" and not new > base:
        return False
    if not theme.words:
        return True
    where = " ".join(str(item.get(c) or "") for c in theme.columns)
    key = name_key(where)
    return any(name_key(w) in key for w in theme.words)


def assign(items: list[dict[str, Any]], themes: list[Theme]) -> tuple[list[list[int]], list[int]]:
    """For each theme, the items (positions) it takes first; and the cuts no theme took."""
    taken: list[list[int]] = [[] for _ in themes]
    left: list[int] = []
    for i, item in enumerate(items):
        if item.get("수준") == 0:
            continue
        for t, theme in enumerate(themes):
            if _fits(theme, item):
                taken[t].append(i)
                break
        else:
            if (item.get("추경") or 0) < (item.get("기정") or 0):
                left.append(i)
    return taken, left


# --------------------------------------------------------------------------- rows


def _row(kind: str, **cells: Any) -> dict[str, Any]:
    return {"_kind": kind, **{c: None for c in COLS}, **cells}


class Drafter:
    """Builds the document rows of 검토의견 (see the module docstring)."""

    def __init__(self, items: list[dict[str, Any]], settings: Settings, unit: str) -> None:
        self.items = items
        self.settings = settings
        self.unit = unit
        self.projects: dict[str, list[int]] = {}
        for i, item in enumerate(items):
            self.projects.setdefault(name_key(item.get("세부사업")), []).append(i)

    def words(self, amount: float, spaced: bool = False) -> str:
        """An amount as the report writes it in a sentence (exact to the 만원 below 1억,
        cut to the 백만원 above)."""
        try:
            exact = abs(to_won(amount, self.unit))
            precision = "만원" if exact < 10**8 else "백만원"
            return won_words(amount, self.unit, precision, spaced)
        except ValueError:
            return "(금액 표시 불가)"

    def change(self, i: int) -> float:
        item = self.items[i]
        value = item.get("증감")
        if value is None and item.get("추경") is not None and item.get("기정") is not None:
            value = item["추경"] - item["기정"]
        return float(value or 0)

    def total(self, project: str) -> dict[str, Any] | None:
        rows = [self.items[i] for i in self.projects.get(name_key(project), [])]
        return next((r for r in rows if r.get("수준") == 0), None)

    def rows(self, themes: list[Theme]) -> tuple[list[dict[str, Any]], int]:
        """The document rows, and how many sections they hold."""
        taken, left = assign(self.items, themes)
        out: list[dict[str, Any]] = []
        sections = 0
        for theme, picked in zip(themes, taken, strict=True):
            if not picked:
                continue
            groups = [picked] if theme.group == "모두" else self._by_project(picked)
            for group in groups:
                out += self._section(LETTERS[min(sections, len(LETTERS) - 1)], theme, group)
                sections += 1
        if left:
            names = ", ".join(
                f"“{self.items[i].get('세부사업')}”의 ‘{self.items[i].get('통계목')}’"
                f"({self.words(-self.change(i))})"
                for i in left
            )
            out.append(
                _row(
                    "text",
                    b=f"※ 검토주제 규칙에 맞지 않은 감액 {len(left)}건: {names}",
                    _span=7,
                )
            )
        return out, sections

    def _by_project(self, picked: list[int]) -> list[list[int]]:
        groups: dict[str, list[int]] = {}
        for i in picked:
            groups.setdefault(name_key(self.items[i].get("세부사업")), []).append(i)
        return list(groups.values())

    def _fields(self, theme: Theme, group: list[int]) -> dict[str, str]:
        first = self.items[group[0]]
        cut = -sum(self.change(i) for i in group)
        project = str(first.get("세부사업") or "")
        total = self.total(project) or {}
        s = self.settings
        fields = {
            "소관": s.text("소관", "") or "○○",
            "주제": theme.name,
            "사업": project,
            "담당관": str(first.get("담당관") or ""),
            "통계목": ", ".join(dict.fromkeys(str(self.items[i].get("통계목")) for i in group)),
            "감액": self.words(cut),
            "기정": f"{total.get('기정', first.get('기정')) or 0:,.0f}",
            "추경": f"{total.get('추경', first.get('추경')) or 0:,.0f}",
            "단위": self.unit,
            "증감사유": " ".join(
                str(self.items[i].get("증감사유") or "").strip() for i in group
            ).strip()
            or "(증감사유 없음)",
            "건수": str(len(self._by_project(group))),
            "합계": self.words(cut, spaced=True),
        }
        fields["부서별"] = self._by_department(group)
        return fields

    def _by_department(self, group: list[int]) -> str:
        """ "정보시스템담당관의 “행정포털 운영” 사업(1억2천만원) 1건, 공간정보담당관의 …"."""
        depts: dict[str, dict[str, float]] = {}
        for i in group:
            item = self.items[i]
            dept = str(item.get("담당관") or "(담당관 미기재)")
            project = str(item.get("세부사업") or "")
            depts.setdefault(dept, {})
            depts[dept][project] = depts[dept].get(project, 0.0) - self.change(i)
        parts = []
        for dept, projects in depts.items():
            named = ", ".join(f"“{p}” 사업({self.words(a)})" for p, a in projects.items())
            parts.append(f"{dept}의 {named} {'등 ' if len(projects) > 1 else ''}{len(projects)}건")
        return ", ".join(parts)

    def _section(self, letter: str, theme: Theme, group: list[int]) -> list[dict[str, Any]]:
        fields = self._fields(theme, group)
        out = [
            _row("heading", b=f"{letter}. {fill_in(theme.title, fields)}", _span=7),
            _row("text", b=fill_in(theme.paragraph, fields), _span=7),
        ]
        if theme.group == "모두":
            out += self._theme_table(theme, group)
        else:
            out += self._budget_table(group)
        out.append(_row("opinion", b="○ 검토의견: (작성)", _span=7))
        out.append(_row("blank"))
        return out

    def _budget_table(self, group: list[int]) -> list[dict[str, Any]]:
        """〈 소 요 예 산 〉 of the project (계 first), then its 예산과목 증감내역."""
        project = self.items[group[0]].get("세부사업")
        rows = [self.items[i] for i in self.projects.get(name_key(project), [])]
        total = next((r for r in rows if r.get("수준") == 0), None)
        lines = [r for r in rows if r.get("수준") != 0]
        out = [
            _row("caption", b="〈 소 요 예 산 〉", _span=4),
            _row("unit", e=f"(단위 : {self.unit})", _width=4),
            _row(
                "head",
                b="구 분",
                c="추경예산(안) (A)",
                d="기정예산 (B)",
                e="증감 (A-B)",
                _width=4,
            ),
        ]
        shown = ([("total", "계", total)] if total is not None else []) + [
            ("line", line.get("통계목"), line) for line in lines
        ]
        for kind, label, row in shown:
            out.append(
                _row(kind, b=label, c=row.get("추경"), d=row.get("기정"), e=_diff(row), _width=4)
            )
        out.append(_row("blank"))
        out.append(_row("subheading", b="□ 예산과목 증감내역", _span=4))
        return out + self._item_lines(group)

    def _theme_table(self, theme: Theme, group: list[int]) -> list[dict[str, Any]]:
        """One table of every project of the theme: 사업명, 기정, 추경, 증감액, 사유."""
        out = [
            _row("unit", g=f"(단위 : {self.unit})", _width=6),
            _row(
                "head",
                b="구분",
                c="사업명",
                d="기정",
                e="추경",
                f="증감액",
                g="증(감액) 사유",
                _width=7,
                _spans={6: 2},
            ),
        ]
        for members in self._by_project(group):
            first = self.items[members[0]]
            total = self.total(str(first.get("세부사업") or "")) or {}
            reasons = [f"○ {theme.name}"] + [
                f"◦ {self.items[i].get('통계목')}({_n(self.items[i].get('기정'))}{self.unit}→"
                f"{_n(self.items[i].get('추경'))}{self.unit})"
                for i in members
            ]
            out.append(
                _row(
                    "line",
                    b="세출",
                    c=first.get("세부사업"),
                    d=total.get("기정"),
                    e=total.get("추경"),
                    f=sum(self.change(i) for i in members),
                    g="\n".join(reasons),
                    _width=7,
                    _spans={6: 2},
                )
            )
        for members in self._by_project(group):
            project = self.items[members[0]].get("세부사업")
            out += [
                _row("blank"),
                _row("caption", b=f"〈 “{project}” 예산과목 증감내역 〉", _span=7),
                *self._item_lines(members),
            ]
        return out

    def _item_lines(self, members: list[int]) -> list[dict[str, Any]]:
        """과목구분 | 산출내역 및 증감사유 of the items (the report's 예산과목 증감내역)."""
        out = [_row("head", b="과목구분", c="산출내역 및 증감사유", _width=4, _spans={2: 3})]
        for i in members:
            item = self.items[i]
            text = str(item.get("산출내역") or "").strip()
            reason = str(item.get("증감사유") or "").strip()
            if reason:
                text = f"{text}\n증감사유\n{reason}".strip()
            out.append(_row("line", b=item.get("통계목"), c=text, _width=4, _spans={2: 3}))
        return out


def _diff(row: dict[str, Any]) -> Any:
    value = row.get("증감")
    if value is None and row.get("추경") is not None and row.get("기정") is not None:
        value = row["추경"] - row["기정"]
    return value


def _n(value: Any) -> str:
    return f"{value:,.0f}" if isinstance(value, (int, float)) else str(value or "")


def opinion_rows(
    items: list[dict[str, Any]], themes: list[Theme], settings: Settings, unit: str
) -> tuple[list[dict[str, Any]], int]:
    """The document rows of 검토의견 and how many lettered sections they hold."""
    return Drafter(items, settings, unit).rows(themes)


def next_letter(sections: int) -> str:
    """The letter of the section after ``sections`` themed ones (라. when there are three)."""
    return LETTERS[min(sections, len(LETTERS) - 1)]
