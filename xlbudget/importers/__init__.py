"""Importers: finance-system exports (지방재정365, 열린재정, any CSV/XLSX) into the workbook.

Pure steps (``convert``, ``presets``) map and check rows as DataFrames; thin readers
(``sources``) and the writer (``writer``) touch files; ``pipeline.import_source`` joins them.
See ``presets`` for how each export's columns land in the workbook's tables.
"""

from .model import ImportInputError, ImportResult, Problem
from .pipeline import default_output, import_source, map_source
from .presets import Mapped

__all__ = [
    "ImportInputError",
    "ImportResult",
    "Mapped",
    "Problem",
    "default_output",
    "import_source",
    "map_source",
]
