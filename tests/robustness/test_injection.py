"""Text from data that looks like a formula is written as text: in every sheet and in JSON.

Checked in the saved XML itself, not through openpyxl's reading of it: a cell holding such a
text must be a string cell (``t="s"`` or ``t="inlineStr"``) with no ``<f>`` element.
"""

from __future__ import annotations

import contextlib
import io
import json
import zipfile
from pathlib import Path

from defusedxml import ElementTree as SafeET

from tests.robustness import builders as b
from xlbudget.cli import main

M = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
INJECTIONS = [
    '=HYPERLINK("http://evil.example","클릭")',
    "+cmd|' /C calc'!A0",
    "@SUM(1)",
    "-2+3",
    "=1+1",
]


def injected_workbook(path: Path) -> Path:
    rows = [
        [INJECTIONS[i % 2], name, INJECTIONS[(i + 2) % len(INJECTIONS)], 1_000 * (i + 1), 0, 0]
        for i, name in enumerate(INJECTIONS)
    ]
    return b.execution_workbook(path, rows=rows, settings={"기준일": "=NOW()", "미집행기준": 70})


def string_cells(archive: zipfile.ZipFile) -> dict[str, list[tuple[str, str | None, bool]]]:
    """Per sheet part: (text, t attribute, has <f>) for every cell whose text is known."""
    shared: list[str] = []
    if "xl/sharedStrings.xml" in archive.namelist():
        root = SafeET.fromstring(archive.read("xl/sharedStrings.xml"))
        shared = ["".join(t.text or "" for t in si.iter(f"{M}t")) for si in root.iter(f"{M}si")]
    out: dict[str, list[tuple[str, str | None, bool]]] = {}
    for name in archive.namelist():
        if not name.startswith("xl/worksheets/sheet"):
            continue
        cells = []
        for c in SafeET.fromstring(archive.read(name)).iter(f"{M}c"):
            kind, has_f = c.get("t"), c.find(f"{M}f") is not None
            v = c.find(f"{M}v")
            if kind == "s" and v is not None:
                text = shared[int(v.text)]
            elif kind == "inlineStr":
                text = "".join(t.text or "" for t in c.iter(f"{M}t"))
            else:
                text = v.text if v is not None else ""
            cells.append((text or "", kind, has_f))
        out[name] = cells
    return out


def test_formula_like_text_stays_text_in_every_sheet_and_json(tmp_path: Path) -> None:
    src = injected_workbook(tmp_path / "inj.xlsx")
    out = tmp_path / "inj.review.xlsx"
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        code = main(["review", str(src), "-o", str(out), "--json"])
    assert code in (0, 1), stderr.getvalue()
    with zipfile.ZipFile(out) as archive:
        sheets = string_cells(archive)
        formulas = [
            SafeET.tostring(f, encoding="unicode")
            for name in archive.namelist()
            if name.startswith("xl/worksheets/sheet")
            for f in SafeET.fromstring(archive.read(name)).iter(f"{M}f")
        ]
    found = {text for cells in sheets.values() for text, _, _ in cells} & set(INJECTIONS)
    assert found == set(INJECTIONS)  # each made it into the output, somewhere
    seen_in_review_sheets = 0
    for cells in sheets.values():
        for text, kind, has_f in cells:
            if text in INJECTIONS or text == "=NOW()":
                assert kind in ("s", "inlineStr") and not has_f, (text, kind)
                seen_in_review_sheets += 1
    assert seen_in_review_sheets > 2 * len(INJECTIONS)  # input sheet and 검토_ sheets
    # No formula anywhere carries the data's text (the review's own formulas are fine).
    for formula in formulas:
        assert not any(s in formula for s in ("HYPERLINK", "cmd|", "@SUM", "NOW()"))
    payload = json.loads(stdout.getvalue())
    projects = {row["project"] for row in payload["flagged"]}
    assert projects == set(INJECTIONS)  # plain JSON strings, exactly as in the data


def test_injection_survives_a_second_review(tmp_path: Path) -> None:
    """The reviewed file reviewed again: still text (openpyxl must not re-read it as formula)."""
    src = injected_workbook(tmp_path / "inj.xlsx")
    first = tmp_path / "one.xlsx"
    second = tmp_path / "two.xlsx"
    assert main(["review", str(src), "-o", str(first), "-q"]) in (0, 1)
    assert main(["review", str(first), "-o", str(second), "-q"]) in (0, 1)
    with zipfile.ZipFile(second) as archive:
        cells = [c for cs in string_cells(archive).values() for c in cs if c[0] in INJECTIONS]
    assert cells and all(kind in ("s", "inlineStr") and not f for _, kind, f in cells)
