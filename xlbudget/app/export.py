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
from .pipeline import Cancelled, run_steps

FORMATS = ("hwpx", "pdf")
Progress = Callable[[str], None]


@dataclass
class Exported:
    output: Path
    document: Document
    plan: Plan
    #: A copy of the file the export replaced (an officer may have written in it).
    backup: Path | None = None


def default_output(src: Path, fmt: str) -> Path:
    """``<stem>.검토보고서.<fmt>`` beside the workbook."""
    return src.with_name(f"{src.stem}.검토보고서.{fmt}")


def output_format(out: Path | None, asked: str | None) -> str:
    """The format to write: the one asked for, else the output's suffix, else HWPX; an
    output whose suffix says the other format is refused (a PDF named .hwpx helps no one)."""
    by_suffix = out.suffix.lower().lstrip(".") if out is not None else ""
    if asked is not None and asked not in FORMATS:
        raise InputError(f"알 수 없는 형식입니다: {asked} (가능: {', '.join(FORMATS)})")
    if asked is None:
        return by_suffix if by_suffix in FORMATS else "hwpx"
    if by_suffix in FORMATS and by_suffix != asked:
        raise InputError(
            f"결과 파일 이름({out.name})이 .{by_suffix}인데 --{asked} 로 쓰라고 했습니다: "
            f"이름을 .{asked} 로 바꾸거나 --{by_suffix} 를 쓰십시오."
        )
    return asked


def check_output(src: Path, target: Path) -> None:
    """Refuse an output path that cannot work, before the slow part: say why, touch nothing."""
    if target.resolve() == src.resolve():
        raise InputError(f"결과 파일이 원본과 같습니다: {target}")
    if target.is_dir():
        raise InputError(f"결과 파일 자리에 폴더가 있습니다: {target} (파일 이름을 주십시오)")
    if not target.parent.is_dir():
        raise InputError(f"결과를 쓸 폴더가 없습니다: {target.parent}")
    from ..adapters.xlsx.package import refuse_read_only

    refuse_read_only(target)


def review_document(
    adapter: BookAdapter,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] = lambda: False,
) -> tuple[Plan, Document]:
    """The plan of a full review (nothing written) and the document it reads as."""
    say = progress or (lambda _m: None)
    plan, _ = run_steps(adapter, STEPS, progress=say, write=False, cancelled=cancelled)
    refuse_empty(plan)
    return plan, document(plan)


def refuse_empty(plan: Plan) -> None:
    """A workbook without any table to review gives no report: say so, write nothing."""
    if plan.reading and plan.reading.tables:
        return
    unread = "; ".join(plan.reading.unread) if plan.reading and plan.reading.unread else ""
    raise InputError(
        "검토할 자료가 없습니다: 통합 문서에서 세입·세출·사업별증감·통계목증감·집행현황 "
        "표를 하나도 찾지 못했습니다. 머리글(예: 세부사업, 예산현액, 지출액)이 있는 표를 "
        "넣어 주십시오." + (f" (읽지 못한 표: {unread})" if unread else "")
    )


def _replace(data: bytes, out: Path) -> Path | None:
    """Write ``data`` to ``out`` atomically; a file already there is backed up first (the
    officer may have written the 검토의견 into the last export)."""
    from ..adapters.xlsx.package import backup, write_atomic

    saved = backup(out) if out.exists() else None
    write_atomic(data, out)
    return saved


def export_hwpx(
    adapter: BookAdapter,
    out: Path,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] = lambda: False,
) -> Exported:
    """Write the review of ``adapter``'s book as an .hwpx document to ``out``."""
    from ..adapters.hwpx import hwpx_bytes

    say = progress or (lambda _m: None)
    plan, doc = review_document(adapter, say, cancelled)
    say("(3/3, 70%) 문서 쓰는 중…")
    data = hwpx_bytes(doc)
    if cancelled():
        raise Cancelled("문서 쓰기 전")
    saved = _replace(data, out)
    return Exported(out, doc, plan, saved)


def export_file(
    src: Path, out: Path | None = None, fmt: str | None = None, progress: Progress | None = None
) -> Exported:
    """``xlbudget export``: the review of the workbook file ``src`` as HWPX or PDF (``fmt``,
    else the suffix of ``out``, else HWPX)."""
    from ..adapters.xlsx import XlsxFile
    from ..adapters.xlsx.package import WORKBOOK_SUFFIXES

    src = Path(src)
    kind = output_format(Path(out) if out else None, fmt)
    if not src.exists():
        raise InputError(f"통합 문서 파일이 없습니다: {src}")
    if src.suffix.lower() not in WORKBOOK_SUFFIXES:
        raise InputError(f"엑셀 통합 문서(.xlsx, .xlsm, .xltx, .xltm)가 아닙니다: {src}")
    target = Path(out) if out else default_output(src, kind)
    check_output(src, target)
    if kind == "hwpx":
        return export_hwpx(XlsxFile(src, None), target, progress)
    return _export_pdf(src, target, progress)


def _export_pdf(src: Path, out: Path, progress: Progress | None) -> Exported:
    """The reviewed workbook's 검토_ sheets, printed to PDF by LibreOffice."""
    from ..adapters.xlsx import XlsxFile
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
        # The pipeline as ever; a book with nothing to review is refused after it wrote only
        # this temporary copy.
        plan, _ = run_steps(XlsxFile(src, reviewed), STEPS, progress=say)
        refuse_empty(plan)
        doc = document(plan)
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
        saved = _replace(pdf.read_bytes(), out)
    return Exported(out, doc, plan, saved)
