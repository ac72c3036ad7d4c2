"""What ``xlbudget export`` (HWPX) costs, stage by stage, on the seed and a 2,000-line sample.

Stages, timed in one process (wall and CPU, best of ``--repeat``): the review plan (read +
check + fill, nothing written), the document model, python-hwpx building the document, and
python-hwpx saving it (serialization and its open-safety validation, which always runs).  The
baseline, measured in the same run on the same file: ``xlbudget review`` writing the
reviewed workbook (the .xlsm an officer gets from 검토서 작성).

    python benchmarks/bench_export.py [--lines 2000] [--repeat 3]
        [--out benchmarks/results/export.txt]
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
WORKBOOK = REPO / "workbook" / "budget_review.xlsm"
TARGET = 2.0  # seconds, the 2,000-line department (issue 13)


def timed(fn: Callable[[], Any], repeat: int) -> tuple[float, float, Any]:
    """Best wall and best CPU seconds of ``repeat`` runs, and the last result."""
    walls, cpus, result = [], [], None
    for _ in range(repeat):
        w, c = time.perf_counter(), time.process_time()
        result = fn()
        walls.append(time.perf_counter() - w)
        cpus.append(time.process_time() - c)
    return min(walls), min(cpus), result


def stages(src: Path, repeat: int, tmp: Path) -> dict[str, tuple[float, float]]:
    import hwpx

    from xlbudget.adapters import hwpx as draw
    from xlbudget.adapters.xlsx import XlsxFile
    from xlbudget.app.export import review_document
    from xlbudget.app.review import review_file

    out: dict[str, tuple[float, float]] = {}
    w, c, _ = timed(lambda: review_file(src, tmp / "reviewed.xlsm"), repeat)
    out["baseline: xlbudget review (writes the .xlsm)"] = (w, c)
    w, c, (_plan, doc) = timed(lambda: review_document(XlsxFile(src, None)), repeat)
    out["review plan + document model"] = (w, c)
    # python-hwpx's own two parts: building the document, and saving it.
    saved: dict[str, tuple[float, float]] = {}
    original = hwpx.HwpxDocument.save_to_stream

    def save_timed(self: Any, stream: io.BytesIO, **kw: Any) -> Any:
        w0, c0 = time.perf_counter(), time.process_time()
        result = original(self, stream, **kw)
        saved["save"] = (time.perf_counter() - w0, time.process_time() - c0)
        return result

    hwpx.HwpxDocument.save_to_stream = save_timed
    try:
        best: tuple[float, float, float, float] | None = None
        for _ in range(repeat):
            w0, c0 = time.perf_counter(), time.process_time()
            draw.hwpx_bytes(doc)
            total = (time.perf_counter() - w0, time.process_time() - c0)
            run = (total[0] - saved["save"][0], total[1] - saved["save"][1], *saved["save"])
            best = run if best is None or run[0] + run[2] < best[0] + best[2] else best
    finally:
        hwpx.HwpxDocument.save_to_stream = original
    assert best is not None
    out["python-hwpx: build the document"] = (best[0], best[1])
    out["python-hwpx: save (serialize + open-safety check)"] = (best[2], best[3])
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    from xlbudget.app.sample import write_sample

    lines = [
        f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python "
        f"{platform.python_version()}, load {os.getloadavg()[0]:.1f}",
        f"best of {args.repeat} (seconds, wall / CPU)",
    ]
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        sample = tmp / "sample.xlsm"
        write_sample(sample, args.lines)
        for label, src in (("seed workbook", WORKBOOK), (f"{args.lines:,}-line sample", sample)):
            figures = stages(src, args.repeat, tmp)
            lines.append(f"{label}:")
            for name, (w, c) in figures.items():
                lines.append(f"  {name:52} {w:6.2f} / {c:6.2f}")
            export = sum(w for n, (w, _) in figures.items() if not n.startswith("baseline"))
            base = figures["baseline: xlbudget review (writes the .xlsm)"][0]
            lines.append(
                f"  export, all stages: {export:.2f} s wall = {export / base:.1f} × the review "
                f"baseline" + (f" (target < {TARGET} s)" if src == sample else "")
            )
    text = "\n".join(lines)
    print(text)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
