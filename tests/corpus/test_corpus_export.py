"""The export on officers' own workbooks (the corpus), not only the bundled one.

* Every corpus workbook: the review reads as a document in which every formula's value is
  known (none left blank for want of a rule) and every sentence of the review is a
  paragraph; a workbook with nothing to review is refused with the one clear message.
* The corpus workbooks with review data: every formula value the document prints equals
  LibreOffice's recalculation of the reviewed file (one soffice start for all of them).
* Two of them exported to HWPX and read back by rhwp: every cell LibreOffice shows on their
  검토_ sheets is in the document.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.corpus import more_books as mb
from tests.corpus import officer_books as ob
from tests.support import hwpx_reader
from tests.support.libreoffice import LibreOffice
from tests.support.shown import compare_shown
from xlbudget.app.export import export_file
from xlbudget.app.review import review_file
from xlbudget.core.errors import InputError
from xlbudget.core.report.document import Paragraph, document


@pytest.fixture(scope="module")
def books(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("corpus_export")
    cases = ob.build_all(root / "officer") + mb.build_all(root / "more")
    return {c.name: c for c in cases}


def _plan(path: Path) -> Any:
    return review_file(path, write=False).plan


def test_every_corpus_book_reads_as_a_document_or_is_refused(books) -> None:
    documents = 0
    for name, case in books.items():
        plan = _plan(case.path)
        if not plan.reading.tables:
            with pytest.raises(InputError, match="검토할 자료가 없습니다"):
                export_file(case.path, case.path.with_suffix(".hwpx"))
            assert not case.path.with_suffix(".hwpx").exists()
            continue
        doc = document(plan)
        assert doc.unknown == (), f"{name}: formulas without a value: {doc.unknown[:5]}"
        paragraphs = {
            re.sub(r"\s+", "", b.text)
            for part in doc.parts
            for b in part.blocks
            if isinstance(b, Paragraph)
        }
        missing = [s for s in plan.sentences if re.sub(r"\s+", "", s) not in paragraphs]
        assert not missing, f"{name}: sentences not in the document: {missing[:3]}"
        documents += 1
    assert documents >= 25


@pytest.fixture(scope="module")
def reviewed(books) -> dict[str, Path]:
    """The corpus books with something to review, reviewed (files LibreOffice will open)."""
    out = {}
    for name, case in books.items():
        target = case.path.with_name(case.path.stem + ".exported-review.xlsx")
        result = review_file(case.path, target)
        if result.plan.reading.tables:
            out[name] = result.output
    return out


@pytest.mark.libreoffice
def test_corpus_formula_values_are_what_libreoffice_computes(reviewed) -> None:
    with LibreOffice() as lo:
        values = lo.recalculated_many(list(reviewed.values()))
    compared = 0
    for name, path in reviewed.items():
        try:
            compared += compare_shown(_plan(path), values[path.resolve()])
        except AssertionError as exc:
            raise AssertionError(f"{name}: {exc}") from None
    assert compared > 400


@pytest.mark.libreoffice
@pytest.mark.skipif(not hwpx_reader.available(), reason="rhwp cannot run here")
@pytest.mark.parametrize("name", ["report_execution", "units_won"])
def test_corpus_export_holds_every_shown_cell(name, books, reviewed, tmp_path: Path) -> None:
    out = export_file(books[name].path, tmp_path / f"{name}.hwpx").output
    back = hwpx_reader.read(out)
    have = {re.sub(r"\s+", "", t) for t in back.paragraphs}
    have |= {re.sub(r"\s+", "", c.text) for t in back.tables for c in t}
    with LibreOffice() as lo:
        shown = lo.shown_text(reviewed[name])
    missing = [
        f"{sheet}!R{r + 1}C{c + 1}: {text[:50]!r}"
        for sheet, rows in shown.items()
        if sheet.startswith("검토_")
        for r, row in enumerate(rows)
        for c, text in enumerate(row)
        if text.strip() and re.sub(r"\s+", "", text) not in have
    ]
    assert not missing, missing[:15]


@pytest.mark.libreoffice
def test_a_figure_typed_as_text_is_shown_as_submitted(reviewed) -> None:
    """summary_errors types the 세출 증감 as text ("△594", the seed's rounding edge, where
    추경 − 기정 = 104,874 − 105,469 = −595).  Excel cannot compute with text, so a formula
    taking the cell over would show the recomputed △595; the review shows what was typed."""
    with LibreOffice() as lo:
        shown = lo.shown_text(reviewed["summary_errors"])
    rows = [[t.strip() for t in row] for row in shown["검토_개요"]]
    total = next(r for r in rows if r[1:2] == ["총 계"] or "총 계" in r[:3])
    first = next(r for r in rows if "소계(일반회계)" in r)
    assert "△594" in total and "△594" in first, (total, first)
    assert "△595" not in total + first
