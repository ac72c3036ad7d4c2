"""Benchmark: import ALL real 지방재정365 lines (32 files, 46,719 lines) into the workbook.

Run with ``python benchmarks/bench_import.py`` (not under pytest).  Timings on a shared
machine are noisy, so each figure is the best of a few runs, and the import is also given as a
ratio to baselines measured in the same run:

* ``json``        — plain ``json.load`` of the same 32 files (reading alone);
* ``target i/o``  — openpyxl load + save of the target workbook (as shipped, ~60 lines);
* ``output i/o``  — openpyxl load + save of the imported workbook (46,719 lines): the floor
  any openpyxl-based writer of a table this size pays.

Results go to ``benchmarks/results/import.txt``.
"""

from __future__ import annotations

import json
import platform
import sys
import tempfile
import time
from pathlib import Path

import openpyxl

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from xlbudget.app.importing import import_source  # noqa: E402
from xlbudget.app.sample import write_sample  # noqa: E402

PROJECTS = REPO.parent / "shared" / "data" / "real" / "lofin365_qwgjk_popfund" / "projects"
RESULTS = REPO / "benchmarks" / "results" / "import.txt"
RUNS = 2


def best(fn, runs: int = RUNS) -> tuple[float, object]:
    times, value = [], None
    for _ in range(runs):
        start = time.perf_counter()
        value = fn()
        times.append(time.perf_counter() - start)
    return min(times), value


def target_workbook(folder: Path) -> Path:
    bundled = REPO / "workbook" / "budget_review.xlsm"
    if bundled.is_file():
        return bundled
    from xlbudget.workbook.build import build_workbook

    return build_workbook(folder / "budget_review.xlsm")


def load_save(src: Path, dst: Path) -> None:
    wb = openpyxl.load_workbook(src, keep_vba=src.suffix == ".xlsm")
    wb.save(dst)


def main() -> int:
    files = sorted(PROJECTS.glob("*.json"))
    if len(files) != 32:
        print(f"expected 32 files in {PROJECTS}, found {len(files)}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        target = target_workbook(folder)
        out = folder / f"imported{target.suffix}"
        t_json, lines = best(
            lambda: sum(len(json.loads(f.read_bytes())["projects"]) for f in files)
        )
        t_target, _ = best(lambda: load_save(target, folder / f"t{target.suffix}"))
        t_import, result = best(lambda: import_source([PROJECTS], target, out))
        t_output, _ = best(lambda: load_save(out, folder / f"o{target.suffix}"))
        t_sample, _ = best(lambda: write_sample(folder / "s.xlsm", 100_000, 1), runs=1)
    base_small = t_json + t_target
    base_full = t_json + t_output
    report = [
        "xlbudget import benchmark (python benchmarks/bench_import.py)",
        f"machine: {platform.platform()}, Python {platform.python_version()}, "
        f"openpyxl {openpyxl.__version__}; best of {RUNS} runs",
        f"source: {len(files)} 지방재정365 files, {lines:,} lines",
        f"imported rows: {result.rows:,}; problems reported: {len(result.problems):,}; "
        f"불용률 ≥ 70%: {result.low_execution:,}",
        f"totals (천원): 예산현액 {result.totals['예산현액']:,}, "
        f"지출액 {result.totals['지출액']:,}",
        "",
        f"json.load of the 32 files            {t_json:8.2f} s",
        f"openpyxl load+save, target workbook  {t_target:8.2f} s",
        f"openpyxl load+save, imported output  {t_output:8.2f} s",
        f"xlbudget import (all 32 files)       {t_import:8.2f} s",
        f"  ratio to json + target load/save   {t_import / base_small:8.1f} x",
        f"  ratio to json + output load/save   {t_import / base_full:8.2f} x",
        f"xlbudget sample --lines 100000       {t_sample:8.2f} s (1 run)",
    ]
    text = "\n".join(report) + "\n"
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
