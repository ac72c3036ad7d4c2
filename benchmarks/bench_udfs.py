"""Benchmark of the XB_ worksheet functions on a whole column (not part of pytest).

Run: ``python benchmarks/bench_udfs.py [--rows 100000] [--repeat 7] [--out FILE]``

Arguments are built exactly as xlwings passes a one-column range with ``ndim=2``: a list of
100,000 one-element row lists of floats.  For XB_RATE and XB_UNSPENT it reports the median
time of the array form over several runs, and the time of calling the scalar form row by row
(what 100,000 single-cell formulas cost, without Excel's own per-call overhead), measured in
the same run on the first ``--scalar-rows`` rows (default 10,000; 100,000 single calls take
half a minute) and scaled to the whole column.  The target for the array form is ≤ 50 ms
per 100,000 rows, judged on the median CPU time (equal to wall time on an idle machine;
the wall time is reported too, with the load average, since the machine may be shared).
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from xlbudget import udfs

TARGET_MS = 50.0


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def timed(fn: Callable[[], Any], repeat: int) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU times of ``repeat`` calls (CPU time is less hurt by a busy machine)."""
    wall, cpu = [], []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return wall, cpu


def columns(rows: int) -> tuple[list[list[float]], list[list[float]]]:
    """Budget-like figures in 천원: bases 1 … 10⁹, news within ±50 %, some zero bases."""
    rng = np.random.default_rng(2021)
    base = rng.integers(1, 10**9, rows).astype(float)
    base[rng.random(rows) < 0.01] = 0.0  # blank rates
    new = np.round(base * rng.uniform(0.5, 1.5, rows))
    return [[v] for v in new.tolist()], [[v] for v in base.tolist()]


def bench(
    name: str, fn: Callable[..., Any], a: list, b: list, repeat: int, scalar_rows: int
) -> dict[str, float]:
    array_times, cpu_times = timed(lambda: fn(a, b), repeat)
    sample = [(x[0], y[0]) for x, y in zip(a[:scalar_rows], b[:scalar_rows], strict=True)]
    start = time.perf_counter()
    scalar = [[fn(x, y)] for x, y in sample]
    scalar_time = (time.perf_counter() - start) * len(a) / len(sample)
    if fn(a, b)[: len(sample)] != scalar:
        raise SystemExit(f"{name}: the array form differs from the scalar form")
    median = statistics.median(array_times)
    return {
        "array_median_ms": median * 1000,
        "array_min_ms": min(array_times) * 1000,
        "array_max_ms": max(array_times) * 1000,
        "array_cpu_ms": statistics.median(cpu_times) * 1000,
        "scalar_ms": scalar_time * 1000,
        "ratio": scalar_time / median,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--scalar-rows", type=int, default=10_000)
    parser.add_argument("--out", type=Path, help="also write the report to this file")
    args = parser.parse_args(argv)

    a, b = columns(args.rows)
    lines = [
        f"benchmarks/bench_udfs.py  ({time.strftime('%Y-%m-%d %H:%M')})",
        f"machine: nproc={os.cpu_count()}  cpu={cpu_model()}",
        f"python {platform.python_version()}  numpy {np.__version__}  "
        f"platform {platform.platform()}",
        f"input: {args.rows:,} rows as xlwings passes them (list of one-element float lists);"
        f" array form: median of {args.repeat} runs; scalar form: row by row over the first"
        f" {min(args.scalar_rows, args.rows):,} rows, scaled to {args.rows:,}",
        "",
        f"{'function':<12}{'array median':>14}{'(min–max)':>18}{'cpu median':>12}"
        f"{'scalar rows':>14}{'ratio':>9}{'target':>10}",
    ]
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    lines.insert(2, f"load average (1 min) at start: {load:.2f}")
    ok = True
    for name, fn in (("XB_RATE", udfs.XB_RATE), ("XB_UNSPENT", udfs.XB_UNSPENT)):
        r = bench(name, fn, a, b, args.repeat, min(args.scalar_rows, args.rows))
        # Judged on CPU time: on an idle machine it equals the wall time of this
        # single-threaded code, and it stays meaningful when other jobs share the cores.
        meets = r["array_cpu_ms"] <= TARGET_MS * args.rows / 100_000
        ok &= meets
        lines.append(
            f"{name:<12}{r['array_median_ms']:>11.1f} ms"
            f"{r['array_min_ms']:>8.1f}–{r['array_max_ms']:.1f} ms"
            f"{r['array_cpu_ms']:>9.1f} ms"
            f"{r['scalar_ms'] / 1000:>12.2f} s{r['ratio']:>8.0f}×"
            f"{'ok' if meets else 'SLOW':>10}"
        )
    report = "\n".join(lines) + "\n"
    print(report, end="")
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        tmp = args.out.with_suffix(args.out.suffix + ".tmp")
        tmp.write_text(report, encoding="utf-8")
        os.replace(tmp, args.out)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
