"""What a click costs: a ribbon button or `xlbudget review` on a department's workbook.

A ribbon action runs Python through xlwings' RunPython: a fresh interpreter, the imports, the
work.  This measures each part, as CPU time of child processes (the machine is shared, so
CPU time is the honest figure), median of several runs:

* ``review``: ``python -m xlbudget review workbook/budget_review.xlsm -o …`` (the seed);
* ``review 2,000``: the same on a 2,000-line sample (``xlbudget sample``);
* ``imports``: ``import xlbudget.app.review`` alone, and its floor ``import pandas``;
* ``udfs``: ``import xlwings, xlbudget.udfs`` minus ``import xlwings`` (the UDF server has
  paid for xlwings already; what our module adds);
* ``warm``: a second review in the same process (what a click would cost in a running
  server: no start-up, no imports).

    python benchmarks/bench_click.py [--repeat 5] [--out benchmarks/results/click.txt]
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
WORKBOOK = REPO / "workbook" / "budget_review.xlsm"
TARGETS = {"review": 0.5, "udfs": 0.15}


def child_cpu(args: list[str]) -> float:
    """CPU seconds (user + system) of one child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(args, check=False, capture_output=True, cwd=REPO)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def median_cpu(args: list[str], repeat: int) -> float:
    child_cpu(args)  # warm the disk cache
    return statistics.median(child_cpu(args) for _ in range(repeat))


def in_process(code: str, repeat: int) -> float:
    """Median of what ``code`` prints: a CPU time it measured inside its own process."""
    runs = [
        float(subprocess.run(python(code), capture_output=True, text=True, cwd=REPO).stdout)
        for _ in range(repeat)
    ]
    return statistics.median(runs)


def python(code: str) -> list[str]:
    return [sys.executable, "-c", code]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    lines: list[str] = [
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}, load {os.getloadavg()[0]:.1f}",
        f"median CPU time of {args.repeat} runs (seconds)",
    ]
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "r.xlsm"
        sample = Path(tmp) / "sample.xlsm"
        subprocess.run(
            [sys.executable, "-m", "xlbudget", "sample", "--lines", "2000", "-o", str(sample)],
            check=True,
            capture_output=True,
            cwd=REPO,
        )
        review = [sys.executable, "-m", "xlbudget", "review", str(WORKBOOK), "-o", str(out), "-q"]
        big = [sys.executable, "-m", "xlbudget", "review", str(sample), "-o", str(out), "-q"]
        figures = {
            "start-up (python -c pass)": median_cpu(python("pass"), args.repeat),
            "import numpy": median_cpu(python("import numpy"), args.repeat),
            "import openpyxl (imports numpy too)": median_cpu(
                python("import openpyxl"), args.repeat
            ),
            "import pandas (floor)": median_cpu(python("import pandas"), args.repeat),
            "import xlbudget.app.review": median_cpu(
                python("import xlbudget.app.review"), args.repeat
            ),
            "review (seed workbook)": median_cpu(review, args.repeat),
            "review (2,000-line sample)": median_cpu(big, args.repeat),
        }
        # Timed inside the process after xlwings is in: the difference of two whole-process
        # medians drowns 0.05 s in the ±0.2 s noise of xlwings' own import on this machine.
        udfs = (
            "import time, xlwings\n"
            "t = time.process_time()\n"
            "import xlbudget.udfs\n"
            "print(time.process_time() - t)"
        )
        figures["import xlbudget.udfs beyond xlwings"] = in_process(udfs, args.repeat)
        warm = (
            "import time, xlbudget.app.review as r\n"
            f"r.review_file({str(WORKBOOK)!r}, {str(out)!r})\n"
            "t = time.process_time()\n"
            f"r.review_file({str(WORKBOOK)!r}, {str(out)!r})\n"
            "print(time.process_time() - t)"
        )
        figures["review in a running process (warm)"] = in_process(warm, args.repeat)
    for name, value in figures.items():
        lines.append(f"  {name:40} {value:6.3f}")
    review_cpu = figures["review (seed workbook)"]
    lines.append(
        f"review: {review_cpu:.3f} s (target ≤ {TARGETS['review']} s; "
        f"{review_cpu / figures['import pandas (floor)']:.1f} × the import of pandas alone)"
    )
    lines.append(
        f"udfs: {figures['import xlbudget.udfs beyond xlwings']:.3f} s beyond xlwings "
        f"(target ≤ {TARGETS['udfs']} s)"
    )
    text = "\n".join(lines)
    print(text)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
