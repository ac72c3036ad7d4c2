"""LibreOffice Calc as the real spreadsheet client of the test suite (and of scripts/).

Why: Excel is not available in CI, but every workbook we write must open in a real
spreadsheet program, our formulas must give there the values Python computed, review sheets
must render, and VBA must survive.  LibreOffice (Debian ``libreoffice-calc``, headless) does
all four from the command line.

Why a private profile: a profile directory is locked by one running soffice, so concurrent
runs sharing the user's profile clash (the second call is handed to the first process and
may return before its output exists).  Our own profile also holds the settings this harness
relies on, written before the first start into ``user/registrymodifications.xcu``:

* ``Calc/Formula/Load`` ``OOXMLRecalcMode`` and ``ODFRecalcMode`` = 0 ("always recalculate").
  LibreOffice's default (1, "never") keeps the cached ``<v>`` of an .xlsx formula cell, so a
  stale cached value would pass unnoticed; checked by experiment with LibreOffice 7.4: an
  openpyxl file whose ``=A1+B1`` carries a wrong cached 999 converts to 999 with the default
  profile and to the true sum with this one.  (Cells without a cached value, as openpyxl
  writes them, are computed either way.)
* macro security "very high": documents' macros never run during a conversion (the VBA
  source is still imported as Basic, which is what :meth:`ods_basic_modules` reads).
* no first-start wizard or tip-of-the-day.

Each soffice start costs seconds: batch with :meth:`LibreOffice.convert_many` /
:meth:`LibreOffice.recalculated_many` where you can.
"""

from __future__ import annotations

import html
import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import weakref
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import defusedxml.ElementTree as SafeET

__all__ = [
    "DEFAULT_TIMEOUT",
    "LibreOffice",
    "LibreOfficeError",
    "LibreOfficeNotFound",
    "find_soffice",
    "hide_other_sheets",
    "ods_basic_modules",
    "pdf_page_count",
    "pdf_text",
    "pdf_to_png",
    "read_values",
    "select_pdf_pages",
    "sheet_names",
]

DEFAULT_TIMEOUT = 180.0
"""Seconds one soffice run may take before it is killed (a first start in a fresh profile on
a loaded 2-core machine takes ~5 s; a hung import dialog would otherwise block forever)."""

_REGISTRY = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
 xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" \
oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" \
oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop \
oor:name="MacroSecurityLevel" oor:op="fuse"><value>3</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Misc"><prop oor:name="FirstRun" \
oor:op="fuse"><value>false</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Misc"><prop oor:name="ShowTipOfTheDay" \
oor:op="fuse"><value>false</value></prop></item>
</oor:items>
"""

_SCRIPT_NS = "{http://openoffice.org/2000/script}"
_NOISE = re.compile(r"^Warning: failed to launch javaldx.*$\n?", re.M)


class LibreOfficeError(RuntimeError):
    """soffice ran but did not produce what was asked (message carries its output)."""


class LibreOfficeNotFound(LibreOfficeError):
    """No usable soffice executable."""


def find_soffice() -> str | None:
    """Path of ``soffice`` (or ``libreoffice``) on PATH, or None."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def _ext(fmt: str) -> str:
    """Extension LibreOffice gives the output of ``--convert-to fmt`` ("pdf:calc_pdf_Export")."""
    return fmt.split(":", 1)[0].lower()


class LibreOffice:
    """One headless LibreOffice with its own profile; methods are safe to call from threads
    (runs are serialized: one profile serves one soffice at a time)."""

    def __init__(
        self, soffice: str | os.PathLike[str] | None = None, timeout: float = DEFAULT_TIMEOUT
    ) -> None:
        path = str(soffice) if soffice is not None else find_soffice()
        if path is None or shutil.which(path) is None:
            raise LibreOfficeNotFound(
                f"LibreOffice (soffice) not found{f' at {path!r}' if path else ' on PATH'}; "
                "install it, e.g. `apt-get install libreoffice-calc` on Debian/Ubuntu"
            )
        self.soffice = path
        self.timeout = timeout
        self._profile = Path(tempfile.mkdtemp(prefix="xlbudget-lo-profile-"))
        (self._profile / "user").mkdir()
        (self._profile / "user" / "registrymodifications.xcu").write_text(
            _REGISTRY, encoding="utf-8"
        )
        self._lock = threading.Lock()
        self._finalizer = weakref.finalize(self, shutil.rmtree, self._profile, True)

    # -- lifecycle ---------------------------------------------------------------------------
    @property
    def profile_dir(self) -> Path:
        return self._profile

    def close(self) -> None:
        """Remove the private profile (also done at garbage collection / interpreter exit)."""
        self._finalizer()

    def __enter__(self) -> LibreOffice:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- running soffice ---------------------------------------------------------------------
    def _run(self, args: Sequence[str], timeout: float) -> str:
        """Run soffice with our profile; return its combined output.  On timeout the whole
        process group (the ``soffice`` shell wrapper, oosplash and soffice.bin) is killed."""
        cmd = [
            self.soffice,
            f"-env:UserInstallation={self._profile.as_uri()}",
            "--headless",
            "--invisible",
            "--norestore",
            "--nologo",
            "--nodefault",
            "--nolockcheck",
            *args,
        ]
        with self._lock:
            proc = subprocess.Popen(
                cmd,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            try:
                out, _ = proc.communicate(timeout=timeout)
            except subprocess.TimeoutExpired:
                _kill_group(proc)
                raise LibreOfficeError(
                    f"LibreOffice timed out after {timeout:g} s and was killed: {' '.join(args)}"
                ) from None
        text = _NOISE.sub("", out.decode("utf-8", "replace"))
        if proc.returncode != 0:
            raise LibreOfficeError(
                f"LibreOffice exited with status {proc.returncode} for {' '.join(args)}:\n{text}"
            )
        return text

    def convert_many(
        self,
        srcs: Iterable[str | os.PathLike[str]],
        fmt: str,
        outdir: str | os.PathLike[str],
        filter: str | None = None,
        timeout: float | None = None,
    ) -> list[Path]:
        """Convert several files with ONE soffice start; return the outputs in ``srcs`` order.

        ``fmt`` is what ``--convert-to`` takes ("xlsx", "ods", "pdf", "csv"), optionally with
        the filter after a colon; ``filter`` is appended the same way ("calc_pdf_Export:{...}").
        Outputs are written to a private directory inside ``outdir`` and moved into place
        with os.replace, so a half-written file never appears and an input is never
        overwritten.
        """
        sources = [Path(s).resolve() for s in srcs]
        if not sources:
            return []
        for src in sources:
            if not src.is_file():
                raise FileNotFoundError(f"no such workbook: {src}")
        out = Path(outdir).resolve()
        out.mkdir(parents=True, exist_ok=True)
        ext = _ext(fmt)
        targets = [out / f"{s.stem}.{ext}" for s in sources]
        if len(set(targets)) != len(targets):
            raise ValueError(f"two inputs would convert to the same file in {out}: {sources}")
        for src, target in zip(sources, targets, strict=True):
            if target == src:
                raise ValueError(f"converting {src} to {ext} in {out} would overwrite the input")
        spec = f"{fmt}:{filter}" if filter else fmt
        per_run = timeout if timeout is not None else self.timeout + 10.0 * (len(sources) - 1)
        with tempfile.TemporaryDirectory(prefix=".lo-out-", dir=out) as tmp:
            log = self._run(["--convert-to", spec, "--outdir", tmp, *map(str, sources)], per_run)
            missing = [s.name for s in sources if not (Path(tmp) / f"{s.stem}.{ext}").is_file()]
            if missing:
                raise LibreOfficeError(
                    f"LibreOffice produced no {ext} for {', '.join(missing)} "
                    f"(--convert-to {spec}). Its output:\n{log.strip() or '(none)'}"
                )
            for src, target in zip(sources, targets, strict=True):
                os.replace(Path(tmp) / f"{src.stem}.{ext}", target)
        return targets

    def convert(
        self,
        src: str | os.PathLike[str],
        fmt: str,
        outdir: str | os.PathLike[str],
        filter: str | None = None,
        timeout: float | None = None,
    ) -> Path:
        """Convert one file (see :meth:`convert_many`); return the output path."""
        return self.convert_many([src], fmt, outdir, filter=filter, timeout=timeout)[0]

    # -- text as shown --------------------------------------------------------------------------
    def shown_text(self, src: str | os.PathLike[str]) -> dict[str, list[list[str]]]:
        """Every sheet's cells as LibreOffice *shows* them after recalculating (number
        formats applied: "10,338", "△594", "47.3%"): sheet name → rows → texts.

        One CSV per sheet (the filter's last token, -1, asks for all sheets; token 9 for
        "save cell contents as shown"), UTF-8 (76), comma-separated, quoted.
        """
        import csv

        src = Path(src).resolve()
        with tempfile.TemporaryDirectory(prefix="xlbudget-shown-") as tmp:
            staged = Path(tmp) / f"book{src.suffix}"
            shutil.copyfile(src, staged)
            out = Path(tmp) / "out"
            out.mkdir()
            spec = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,-1"
            self._run(["--convert-to", spec, "--outdir", str(out), str(staged)], self.timeout)
            sheets: dict[str, list[list[str]]] = {}
            for path in out.glob("book-*.csv"):
                with path.open(encoding="utf-8", newline="") as fh:
                    sheets[path.stem.removeprefix("book-")] = list(csv.reader(fh))
        if not sheets:
            raise LibreOfficeError(f"LibreOffice wrote no CSV for {src}")
        return sheets

    # -- values after recalculation ----------------------------------------------------------
    def recalculated_many(
        self, srcs: Iterable[str | os.PathLike[str]]
    ) -> dict[Path, dict[str, list[list[Any]]]]:
        """:meth:`recalculated` for several workbooks with one soffice start (keys: the
        resolved source paths)."""
        sources = [Path(s).resolve() for s in srcs]
        with tempfile.TemporaryDirectory(prefix="xlbudget-recalc-") as tmp:
            # Numbered copies: inputs with equal stems (a.xlsx, a.xlsm) cannot collide, and
            # the originals are never opened for writing.
            staged = []
            for i, src in enumerate(sources):
                if not src.is_file():
                    raise FileNotFoundError(f"no such workbook: {src}")
                staged.append(Path(tmp) / f"{i}-{src.name}")
                shutil.copyfile(src, staged[-1])
            outs = self.convert_many(staged, "xlsx", Path(tmp) / "out")
            return {src: read_values(out) for src, out in zip(sources, outs, strict=True)}

    def recalculated(self, src: str | os.PathLike[str]) -> dict[str, list[list[Any]]]:
        """Every sheet's values (sheet name → rows → cells) as LibreOffice computes them.

        The file is opened in the recalc-always profile and saved as .xlsx, whose cached
        values are then LibreOffice's; read with openpyxl ``data_only``.  Errors come back
        as the Excel error strings LibreOffice writes: "#NAME?" for an unknown function,
        "#DIV/0!", "#N/A"; its own codes without an Excel twin (Err:508 bad parentheses,
        Err:510 missing operand, shown as such in a PDF) arrive as "#VALUE!".  Rows run
        from A1 to the sheet's used extent; empty cells are None.
        """
        return self.recalculated_many([src])[Path(src).resolve()]

    # -- rendering ---------------------------------------------------------------------------
    def render_pdf(
        self,
        src: str | os.PathLike[str],
        outdir: str | os.PathLike[str],
        sheets: Sequence[str] | None = None,
        single_page_sheets: bool = False,
    ) -> Path:
        """Render a workbook to ``outdir/<stem>.pdf`` (formulas recalculated first).

        ``single_page_sheets``: each sheet on one page of its own size (LibreOffice's "whole
        sheet export"), handy for pictures; otherwise the sheets' own page setup applies.

        ``sheets`` (.xlsx/.xlsm only; LibreOffice has no sheet option on the command line):
        only these sheets.  Normal export: the other sheets are hidden in a temporary copy,
        since the export skips hidden sheets.  Whole-sheet export in LibreOffice 7.4 exports
        hidden (and empty) sheets too, one page per sheet in tab order, so there the whole
        workbook is rendered and the selected pages are cut out with poppler (checked: the
        page count must equal the sheet count).
        """
        source = Path(src).resolve()
        filt = "calc_pdf_Export"
        if single_page_sheets:
            filt += ':{"SinglePageSheets":{"type":"boolean","value":"true"}}'
        if not sheets:
            return self.convert(source, "pdf", outdir, filter=filt)
        names = sheet_names(source)
        _check_sheets(source, names, sheets)
        with tempfile.TemporaryDirectory(prefix="xlbudget-render-") as tmp:
            if not single_page_sheets:
                copy = Path(tmp) / source.name
                hide_other_sheets(source, copy, sheets)
                return self.convert(copy, "pdf", outdir, filter=filt)
            full = self.convert(source, "pdf", tmp, filter=filt)
            pages = pdf_page_count(full)
            if pages != len(names):
                raise LibreOfficeError(
                    f"{source.name}: whole-sheet PDF has {pages} pages for {len(names)} sheets; "
                    "cannot tell which page is which sheet"
                )
            target = Path(outdir).resolve() / f"{source.stem}.pdf"
            return select_pdf_pages(full, [names.index(s) + 1 for s in sheets], target)

    def ods_basic_modules(self, ods_path: str | os.PathLike[str]) -> dict[str, str]:
        """Basic modules stored in an .ods (see :func:`ods_basic_modules`)."""
        return ods_basic_modules(ods_path)


# ------------------------------------------------------------------------------------------
# Helpers that need no soffice
# ------------------------------------------------------------------------------------------
def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.communicate()


def read_values(xlsx: str | os.PathLike[str]) -> dict[str, list[list[Any]]]:
    """Cached values of every sheet of an .xlsx (sheet name → rows → cells)."""
    import openpyxl

    wb = openpyxl.load_workbook(xlsx, data_only=True)
    try:
        return {
            ws.title: [list(row) for row in ws.iter_rows(values_only=True)] for ws in wb.worksheets
        }
    finally:
        wb.close()


_SHEET_TAG = re.compile(r"<(?:\w+:)?sheet\b[^>]*?/?>")
_NAME_ATTR = re.compile(r'\sname="([^"]*)"')


def _workbook_xml(path: str | os.PathLike[str]) -> str:
    with zipfile.ZipFile(path) as zf:
        if "xl/workbook.xml" not in zf.namelist():
            raise ValueError(f"{path}: sheet selection needs an .xlsx/.xlsm workbook")
        return zf.read("xl/workbook.xml").decode("utf-8")


def _tag_name(tag: str) -> str:
    m = _NAME_ATTR.search(tag)
    return html.unescape(m.group(1)) if m else ""


def sheet_names(path: str | os.PathLike[str]) -> list[str]:
    """Sheet names of an .xlsx/.xlsm in tab order, hidden ones included."""
    return [_tag_name(t) for t in _SHEET_TAG.findall(_workbook_xml(path))]


def _check_sheets(src: object, names: Sequence[str], wanted: Sequence[str]) -> None:
    unknown = [k for k in wanted if k not in names]
    if unknown:
        raise ValueError(
            f"{src}: no sheet named {', '.join(map(repr, unknown))}; "
            f"sheets are {', '.join(map(repr, names))}"
        )


def hide_other_sheets(
    src: str | os.PathLike[str], dst: str | os.PathLike[str], keep: Sequence[str]
) -> None:
    """Copy an .xlsx/.xlsm to ``dst`` with every sheet not in ``keep`` hidden (kept ones made
    visible) and the first kept sheet active.  Only ``xl/workbook.xml`` is edited, as text, so
    charts, images, VBA and everything openpyxl would drop survive; ``src`` is not modified."""
    xml = _workbook_xml(src)
    names = sheet_names(src)
    _check_sheets(src, names, keep)

    def edit(m: re.Match[str]) -> str:
        tag = re.sub(r'\sstate="[^"]*"', "", m.group(0))
        if _tag_name(tag) in keep:
            return tag
        return re.sub(r"^(<(?:\w+:)?sheet)\b", r'\1 state="hidden"', tag)

    body = _SHEET_TAG.sub(edit, xml)
    active = str(next(i for i, n in enumerate(names) if n in keep))

    def view(m: re.Match[str]) -> str:
        tag = re.sub(r'\s(?:activeTab|firstSheet)="\d+"', "", m.group(1))
        return f'{tag} activeTab="{active}"{m.group(2)}'

    body = re.sub(r"(<(?:\w+:)?workbookView\b[^>]*?)(\s*/?>)", view, body, count=1)
    # LibreOffice still prints a hidden sheet that has a print area: drop those print areas.
    hidden = {str(i) for i, n in enumerate(names) if n not in keep}

    def print_area(m: re.Match[str]) -> str:
        local = re.search(r'localSheetId="(\d+)"', m.group(0))
        return "" if local and local.group(1) in hidden else m.group(0)

    body = re.sub(
        r'<(?:\w+:)?definedName\b[^>]*name="_xlnm\.Print_Area"[^>]*>.*?</(?:\w+:)?definedName>',
        print_area,
        body,
        flags=re.S,
    )
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            is_wb = info.filename == "xl/workbook.xml"
            zout.writestr(info, body.encode("utf-8") if is_wb else zin.read(info))


def ods_basic_modules(ods_path: str | os.PathLike[str]) -> dict[str, str]:
    """Module name → Basic source of every ``Basic/<library>/<module>.xml`` in an .ods.

    LibreOffice imports an .xlsm's VBA into library "VBAProject" (as Basic with
    ``Option VBASupport 1``); "Standard" is usually empty.  A module name present in two
    libraries is returned as "<library>/<module>" for both.
    """
    found: list[tuple[str, str, str]] = []
    with zipfile.ZipFile(ods_path) as zf:
        for name in zf.namelist():
            parts = name.split("/")
            if len(parts) != 3 or parts[0] != "Basic" or not parts[2].endswith(".xml"):
                continue
            if parts[2] in ("script-lb.xml", "dialog-lb.xml"):
                continue
            root = SafeET.fromstring(zf.read(name))
            if root.tag != f"{_SCRIPT_NS}module":
                continue
            module = root.get(f"{_SCRIPT_NS}name") or parts[2][: -len(".xml")]
            found.append((parts[1], module, root.text or ""))
    counts: dict[str, int] = {}
    for _, module, _ in found:
        counts[module] = counts.get(module, 0) + 1
    return {
        (module if counts[module] == 1 else f"{lib}/{module}"): text for lib, module, text in found
    }


def _poppler(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        raise LibreOfficeNotFound(
            f"{tool} not found; install poppler-utils (`apt-get install poppler-utils`)"
        )
    return path


def _poppler_run(args: Sequence[str], what: str) -> bytes:
    proc = subprocess.run(args, capture_output=True, timeout=120, check=False)
    if proc.returncode != 0:
        raise LibreOfficeError(f"{what}: {proc.stderr.decode('utf-8', 'replace').strip()}")
    return proc.stdout


def pdf_page_count(pdf: str | os.PathLike[str]) -> int:
    """Number of pages of a PDF (``pdfinfo``)."""
    out = _poppler_run([_poppler("pdfinfo"), str(pdf)], f"pdfinfo failed on {pdf}")
    m = re.search(rb"^Pages:\s+(\d+)\s*$", out, re.M)
    if m is None:
        raise LibreOfficeError(f"pdfinfo reports no page count for {pdf}")
    return int(m.group(1))


def select_pdf_pages(
    pdf: str | os.PathLike[str], pages: Sequence[int], out_pdf: str | os.PathLike[str]
) -> Path:
    """Write the given 1-based ``pages`` of ``pdf``, in that order, to ``out_pdf``
    (``pdfseparate`` + ``pdfunite``; written atomically)."""
    target = Path(out_pdf).resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".pdf-", dir=target.parent) as tmp:
        parts = []
        for i, page in enumerate(pages):
            part = Path(tmp) / f"part{i}.pdf"
            _poppler_run(
                [_poppler("pdfseparate"), "-f", str(page), "-l", str(page), str(pdf), str(part)],
                f"pdfseparate could not take page {page} of {pdf}",
            )
            parts.append(part)
        joined = Path(tmp) / "joined.pdf"
        if len(parts) == 1:
            joined = parts[0]
        else:
            _poppler_run(
                [_poppler("pdfunite"), *map(str, parts), str(joined)], f"pdfunite failed on {pdf}"
            )
        os.replace(joined, target)
    return target


def pdf_to_png(
    pdf: str | os.PathLike[str], out_png: str | os.PathLike[str], page: int = 1, dpi: int = 110
) -> Path:
    """Render one 1-based page of a PDF to PNG with poppler's ``pdftoppm`` (written
    atomically; the parent directory is created)."""
    count = pdf_page_count(pdf)
    if not 1 <= page <= count:
        raise LibreOfficeError(f"{Path(pdf).name} has {count} page(s); cannot render page {page}")
    target = Path(out_png).resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".png-", dir=target.parent) as tmp:
        prefix = Path(tmp) / "page"
        args = ["-png", "-r", str(dpi), "-f", str(page), "-l", str(page), "-singlefile"]
        _poppler_run(
            [_poppler("pdftoppm"), *args, str(pdf), str(prefix)],
            f"pdftoppm could not render page {page} of {pdf}",
        )
        os.replace(prefix.with_suffix(".png"), target)
    return target


def pdf_text(pdf: str | os.PathLike[str]) -> str:
    """Text of a PDF in reading layout (``pdftotext -layout``; pages end with a form feed),
    to check what a rendered page shows."""
    out = _poppler_run(
        [_poppler("pdftotext"), "-layout", "-enc", "UTF-8", str(pdf), "-"],
        f"pdftotext failed on {pdf}",
    )
    return out.decode("utf-8")
