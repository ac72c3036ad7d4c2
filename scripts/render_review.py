"""Render a sheet of a workbook to PNG through LibreOffice, e.g. for docs/img/.

    python scripts/render_review.py WORKBOOK --sheet 검토_개요 -o docs/img/review.png

The workbook is converted to PDF by headless LibreOffice (formulas recalculated first) and one
page is turned into a PNG with poppler's pdftoppm.  With ``--sheet`` only that sheet is
rendered (.xlsx/.xlsm: the others are hidden in a temporary copy, the input is never
changed), so page 1 is the sheet's first page under its own page setup; ``--whole-sheet``
puts the entire sheet on one page of its own size instead.

Needs LibreOffice (``libreoffice-calc``) and poppler-utils; Korean text needs a Korean font
(``fonts-nanum``).  The machinery lives in tests/support/libreoffice.py, shared with the
tests that use LibreOffice as the real spreadsheet client.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from tests.support.libreoffice import (  # noqa: E402  (needs the repo root on sys.path)
    LibreOffice,
    LibreOfficeError,
    pdf_to_png,
)


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="render_review.py",
        description="Render a workbook sheet to PNG with LibreOffice (for review screenshots).",
    )
    p.add_argument("workbook", type=Path, help=".xlsx/.xlsm (or anything Calc opens)")
    p.add_argument(
        "--sheet",
        action="append",
        default=None,
        help="sheet to render (repeatable; .xlsx/.xlsm only); default: all sheets",
    )
    p.add_argument("-o", "--output", type=Path, required=True, help="PNG file to write")
    p.add_argument("--page", type=int, default=1, help="page of the PDF to render (default 1)")
    p.add_argument("--dpi", type=int, default=110, help="resolution (default 110)")
    p.add_argument(
        "--whole-sheet",
        action="store_true",
        help="each sheet on one page of its own size, ignoring its page setup",
    )
    p.add_argument("--pdf", type=Path, default=None, help="also keep the PDF at this path")
    p.add_argument("--timeout", type=float, default=180.0, help="seconds for LibreOffice")
    return p


def render(
    workbook: Path,
    output: Path,
    sheets: list[str] | None = None,
    page: int = 1,
    dpi: int = 110,
    whole_sheet: bool = False,
    keep_pdf: Path | None = None,
    timeout: float = 180.0,
) -> Path:
    """Render ``workbook`` (only ``sheets`` when given) and write page ``page`` to ``output``."""
    if not workbook.is_file():
        raise FileNotFoundError(f"workbook not found: {workbook}")
    with LibreOffice(timeout=timeout) as lo, tempfile.TemporaryDirectory() as tmp:
        pdf = lo.render_pdf(workbook, tmp, sheets=sheets, single_page_sheets=whole_sheet)
        png = pdf_to_png(pdf, output, page=page, dpi=dpi)
        if keep_pdf is not None:
            keep_pdf.parent.mkdir(parents=True, exist_ok=True)
            staged = keep_pdf.with_name(f".{keep_pdf.name}.tmp")
            staged.write_bytes(pdf.read_bytes())
            staged.replace(keep_pdf)
    return png


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        png = render(
            args.workbook,
            args.output,
            sheets=args.sheet,
            page=args.page,
            dpi=args.dpi,
            whole_sheet=args.whole_sheet,
            keep_pdf=args.pdf,
            timeout=args.timeout,
        )
    except (OSError, ValueError, zipfile.BadZipFile, LibreOfficeError) as exc:
        print(f"render_review: {exc}", file=sys.stderr)
        return 2
    print(png)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
