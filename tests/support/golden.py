"""The review's output, pinned: snapshots of the reviewed bundled workbook and of a reviewed
10,000-line sample, to hold speed work (issue 14) to "the same workbook, cell for cell".

The bundled workbook's snapshot is kept whole (``tests/data/golden/bundled.json``: a diff
names the cell that changed); the sample's is kept as one SHA-256 per sheet (its snapshot is
megabytes).  Both are :mod:`tests.support.snapshot` dumps — values, formulas, number
formats, fonts, fills, alignment, borders, merges, widths, print titles, conditional-format
rules, defined names — read back by openpyxl, independently of our writer.

A change that is meant to change the output regenerates them, and says why in its commit:

    python -m tests.support.golden --update
"""

from __future__ import annotations

import hashlib
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

from tests.support.snapshot import snapshot

REPO = Path(__file__).resolve().parents[2]
GOLDEN = REPO / "tests" / "data" / "golden"
BUNDLED = REPO / "workbook" / "budget_review.xlsm"
SAMPLE_LINES, SAMPLE_SEED = 10_000, 14


def canonical(dump: Any) -> bytes:
    return json.dumps(dump, ensure_ascii=False, sort_keys=True, default=str).encode("utf-8")


def digests(dump: dict[str, Any]) -> dict[str, str]:
    """One SHA-256 per sheet of a snapshot ("sheet:<name>") and per other entry (order,
    defined names …), so a mismatch names where the workbook changed."""
    out = {}
    for key, value in dump.items():
        if key == "sheets" and isinstance(value, dict):
            for name, sheet in value.items():
                out[f"sheet:{name}"] = hashlib.sha256(canonical(sheet)).hexdigest()
        else:
            out[key] = hashlib.sha256(canonical(value)).hexdigest()
    return out


def reviewed_snapshots(folder: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """(bundled, sample) snapshots of a fresh review of each."""
    from xlbudget.app.review import review_file
    from xlbudget.app.sample import write_sample

    bundled = folder / "bundled.xlsm"
    bundled.write_bytes(BUNDLED.read_bytes())
    sample = folder / "sample.xlsm"
    write_sample(sample, SAMPLE_LINES, random_state=SAMPLE_SEED)
    return (
        snapshot(review_file(bundled, folder / "bundled.review.xlsm").output),
        snapshot(review_file(sample, folder / "sample.review.xlsm").output),
    )


def update() -> None:
    GOLDEN.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        bundled, sample = reviewed_snapshots(Path(folder))
    (GOLDEN / "bundled.json").write_bytes(
        json.dumps(bundled, ensure_ascii=False, sort_keys=True, indent=0, default=str).encode()
    )
    (GOLDEN / "sample10000.sha256.json").write_text(
        json.dumps(digests(sample), ensure_ascii=False, sort_keys=True, indent=1) + "\n",
        encoding="utf-8",
    )


if __name__ == "__main__":
    if sys.argv[1:] != ["--update"]:
        sys.exit(__doc__)
    update()
    print(f"written: {GOLDEN}")
