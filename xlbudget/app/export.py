"""검토보고서 내보내기: the review as the document councils file (HWPX), or as a PDF.

HWPX: the plan the review builds (check + fill; nothing is written to the workbook) is read
as a document (:mod:`xlbudget.core.report.document`) and drawn by python-hwpx.  PDF: the
reviewed workbook is written to a temporary folder and LibreOffice prints its 검토_ sheets
only, the pages an officer would print from Excel.  Either file is written atomically; the
input is never touched.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..adapters.contract import BookAdapter
from ..core.engine import STEPS
from ..core.errors import InputError, OutputError
from ..core.plan import Plan
from ..core.report.document import Document, document
from .pipeline import run_steps

FORMATS = ("hwpx", "pdf")
Progress = Callable[[str], None]


@dataclass
class Exported:
    output: Path
    document: Document
    plan: Plan


def default_output(src: Path, fmt: str) -> Path:
    """``<stem>.검토보고서.<fmt>`` beside the workbook."""
    return src.with_name(f"{src.stem}.검토보고서.{fmt}")


def review_document(
    adapter: BookAdapter,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] = lambda: False,
) -> tuple[Plan, Document]:
    """The plan of a full review (nothing written) and the document it reads as."""
    say = progress or (lambda _m: None)
    plan, _ = run_steps(adapter, STEPS, progress=say, write=False, cancelled=cancelled)
    if not plan.reading or not plan.reading.tables:
        unread = "; ".join(plan.reading.unread) if plan.reading and plan.reading.unread else ""
        raise InputError(
            "검토할 자료가 없습니다: 통합 문서에서 세입·세출·사업별증감·통계목증감·집행현황 "
            "표를 하나도 찾지 못했습니다. 머리글(예: 세부사업, 예산현액, 지출액)이 있는 표를 "
            "넣어 주십시오." + (f" (읽지 못한 표: {unread})" if unread else "")
        )
    return plan, document(plan)


def export_hwpx(
    adapter: BookAdapter,
    out: Path,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] = lambda: False,
) -> Exported:
    """Write the review of ``adapter``'s book as an .hwpx document to ``out``."""
    from ..adapters.hwpx import hwpx_bytes
    from ..adapters.xlsx.package import write_atomic

    say = progress or (lambda _m: None)
    plan, doc = review_document(adapter, say, cancelled)
    say("문서 쓰는 중…")
    write_atomic(hwpx_bytes(doc), out)
    return Exported(out, doc, plan)


def export_file(
    src: Path, out: Path | None = None, fmt: str = "hwpx", progress: Progress | None = None
) -> Exported:
    """``xlbudget export``: the review of the workbook file ``src`` as HWPX or PDF."""
    from ..adapters.xlsx import XlsxFile
    from ..adapters.xlsx.package import WORKBOOK_SUFFIXES

    src = Path(src)
    if fmt not in FORMATS:
        raise InputError(f"알 수 없는 형식입니다: {fmt} (가능: {', '.join(FORMATS)})")
    if not src.exists():
        raise InputError(f"통합 문서 파일이 없습니다: {src}")
    if src.suffix.lower() not in WORKBOOK_SUFFIXES:
        raise InputError(f"엑셀 통합 문서(.xlsx, .xlsm, .xltx, .xltm)가 아닙니다: {src}")
    target = Path(out) if out else default_output(src, fmt)
    if target.resolve() == src.resolve():
        raise InputError(f"결과 파일이 원본과 같습니다: {target}")
    if fmt == "hwpx":
        return export_hwpx(XlsxFile(src, None), target, progress)
    return _export_pdf(src, target, progress)


def _export_pdf(src: Path, out: Path, progress: Progress | None) -> Exported:
    """The reviewed workbook's 검토_ sheets, printed to PDF by LibreOffice."""
    from ..adapters.xlsx import XlsxFile
    from ..adapters.xlsx.package import write_atomic
    from ..adapters.xlsx.printing import only_sheets_visible

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise OutputError(
            "PDF로 내보내려면 LibreOffice(soffice)가 필요합니다. 설치하거나 --hwpx 로 내보내십시오."
        )
    say = progress or (lambda _m: None)
    with tempfile.TemporaryDirectory(prefix="xlbudget-pdf-") as tmp:
        folder = Path(tmp)
        reviewed = folder / f"review{src.suffix.lower()}"
        plan, _ = run_steps(XlsxFile(src, reviewed), STEPS, progress=say)
        if not plan.reading or not plan.reading.tables:
            review_document(XlsxFile(src, None))  # raises the one "no review data" message
        printed = folder / "print.xlsx"
        only_sheets_visible(reviewed, printed, [s.name for s in plan.sheets])
        say("PDF 만드는 중 (LibreOffice)…")
        profile = (folder / "profile").as_uri()
        try:
            subprocess.run(
                [
                    soffice,
                    f"-env:UserInstallation={profile}",
                    "--headless",
                    "--norestore",
                    "--convert-to",
                    "pdf",
                    "--outdir",
                    str(folder),
                    str(printed),
                ],
                check=True,
                capture_output=True,
                timeout=300,
            )
        except (subprocess.SubprocessError, OSError) as exc:
            raise OutputError(f"LibreOffice가 PDF를 만들지 못했습니다: {exc}") from exc
        pdf = folder / "print.pdf"
        if not pdf.exists():
            raise OutputError("LibreOffice가 PDF를 만들지 못했습니다 (출력 파일 없음).")
        write_atomic(pdf.read_bytes(), out)
    return Exported(out, document(plan), plan)
