"""Read a workbook's zip parts in tests, independently of xlbudget's own package code."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path


def read_parts(source: str | Path | bytes) -> dict[str, bytes]:
    """Every part of a zip package (a file, or its bytes), as zipfile reads it."""
    stream = io.BytesIO(source) if isinstance(source, bytes) else Path(source)
    with zipfile.ZipFile(stream) as archive:
        return {
            info.filename: archive.read(info) for info in archive.infolist() if not info.is_dir()
        }


def write_parts(parts: dict[str, bytes], path: str | Path) -> Path:
    """A zip package of ``parts`` (for hand-made test files)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return Path(path)
