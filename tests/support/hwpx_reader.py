"""An independent reader of the HWPX files xlbudget writes: rhwp (Rust, MIT; PyPI rhwp-python).

python-hwpx writes the document; reading it back with python-hwpx would let one library be
its own judge.  rhwp is a separate HWP/HWPX parser and renderer (its own Rust code, no shared
parts), so what it reads is what another program finds in the file.

rhwp's wheel needs a newer FreeType than Debian 12's (it fails to import with "undefined
symbol: FT_Palette_Data_Get"); freetype-py's wheel ships one, preloaded here with LD_PRELOAD
in a child process (the test process has loaded the system FreeType already).  Hangul is
drawn only with the Noto CJK fonts (Debian's fonts-noto-cjk, installed by .ci/run).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_SCRIPT = r"""
import json, sys
import rhwp
path, out, pages = sys.argv[1], sys.argv[2], int(sys.argv[3])
doc = rhwp.parse(path)
ir = json.loads(doc.to_ir_json())
result = {"pages": doc.page_count, "paragraphs": doc.paragraphs(), "ir": ir}
for i in range(min(pages, doc.page_count)):
    with open(f"{out}-{i + 1}.png", "wb") as fh:
        fh.write(doc.render_png(i, dpi=80))
print(json.dumps(result, ensure_ascii=False))
"""


def freetype_library() -> str | None:
    """freetype-py's bundled libfreetype (new enough for rhwp), or None."""
    try:
        import freetype  # noqa: F401  (only to find its folder)
    except Exception:
        return None
    import importlib.util

    spec = importlib.util.find_spec("freetype")
    if spec is None or not spec.origin:
        return None
    lib = Path(spec.origin).parent / "libfreetype.so"
    return str(lib) if lib.exists() else None


@dataclass
class Cell:
    row: int
    col: int
    rowspan: int
    colspan: int
    text: str


@dataclass
class ReadBack:
    pages: int
    paragraphs: list[str]  # body paragraphs (rhwp's flat list, tables' cells included)
    tables: list[list[Cell]]  # every table's cells, in document order
    body: list[dict[str, Any]]  # rhwp's IR body blocks


def _cell_text(cell: dict[str, Any]) -> str:
    return "\n".join(
        b.get("text", "") for b in cell.get("blocks", []) if b.get("kind") == "paragraph"
    )


def read(path: str | os.PathLike[str], png_prefix: str | None = None, pages: int = 0) -> ReadBack:
    """Parse ``path`` with rhwp in a child process; optionally draw its first ``pages`` pages
    to ``<png_prefix>-N.png``."""
    env = dict(os.environ)
    lib = freetype_library()
    if lib:
        env["LD_PRELOAD"] = lib
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            _SCRIPT,
            str(path),
            png_prefix or "",
            str(pages if png_prefix else 0),
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"rhwp could not read {path}: {proc.stderr[-2000:]}")
    data = json.loads(proc.stdout.strip().splitlines()[-1])
    body = data["ir"]["body"]
    tables = [
        [
            Cell(c["row"], c["col"], c["row_span"], c["col_span"], _cell_text(c))
            for c in block["cells"]
        ]
        for block in body
        if block.get("kind") == "table"
    ]
    return ReadBack(data["pages"], data["paragraphs"], tables, body)


def available() -> bool:
    """Whether rhwp can run here (installed, and a FreeType it accepts)."""
    try:
        proc = subprocess.run(
            [sys.executable, "-c", "import rhwp"],
            capture_output=True,
            env={**os.environ, **({"LD_PRELOAD": lib} if (lib := freetype_library()) else {})},
            timeout=60,
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return proc.returncode == 0
