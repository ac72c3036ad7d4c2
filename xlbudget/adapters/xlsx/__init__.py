"""The file adapter: a workbook file read and written as a package of parts (lxml).

``XlsxFile(source, output)`` keeps the adapter contract (:mod:`..contract`): ``read_book``
reads the vetted source, ``apply_plan`` applies a plan and writes the result to ``output``
atomically (the source itself only when the caller asks for it).
"""

from __future__ import annotations

from pathlib import Path

from ...core.model import BookData
from ...core.plan import ApplyReport, Plan
from .package import Package
from .reader import read_book
from .writer import apply_plan

__all__ = ["Package", "XlsxFile"]


class XlsxFile:
    """A workbook file: read from ``source``, a plan written to ``output``."""

    def __init__(self, source: str | Path, output: str | Path | None = None) -> None:
        self.source = Path(source)
        self.output = Path(output) if output is not None else None
        self._package: Package | None = None

    @property
    def package(self) -> Package:
        if self._package is None:
            self._package = Package.open(self.source)
        return self._package

    def read_book(self) -> BookData:
        return read_book(self.package, self.source)

    def apply_plan(self, plan: Plan) -> ApplyReport:
        if self.output is None:
            raise ValueError("XlsxFile has no output to write the plan to")
        report = apply_plan(plan, self.package)
        self.package.save(self.output)
        report.output = str(self.output)
        return report
