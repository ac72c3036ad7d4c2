"""Benchmark: ``xlbudget review`` on 10,000 / 30,000 / 100,000 execution lines.

Baseline, measured in the same run on the same file: the floor of merely loading and saving
the workbook with openpyxl (``load_workbook(keep_vba=True)`` + ``save``).  Every measurement
runs in a fresh Python process (so imports and memory are comparable) and reports wall time,
CPU time and peak memory (max RSS); figures are medians of ``--repeat`` runs, reported as
ratios against the baseline.  Synthetic workbooks come from ``xlbudget sample`` and are cached
in ``--cache`` (the 100,000-line one takes about half a minute to write).

    python benchmarks/bench_review.py --out benchmarks/results/review.txt \
        --plot docs/img/perf_review.png
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

CHILD = r"""
import json, resource, sys, time
t0, c0 = time.perf_counter(), time.process_time()
mode, src, out = sys.argv[1], sys.argv[2], sys.argv[3]
if mode == "floor":
    import openpyxl
    wb = openpyxl.load_workbook(src, keep_vba=True)
    wb.save(out)
else:
    from pathlib import Path
    from xlbudget.app.review import review_file
    kwargs = {} if mode == "review" else {"engine": mode.split(":", 1)[1]}
    review_file(Path(src), Path(out), **kwargs)
print(json.dumps({"wall": time.perf_counter() - t0, "cpu": time.process_time() - c0,
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def machine() -> str:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return (
        f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores, {cpu}, "
        f"Python {platform.python_version()}, load {load:.1f}"
    )


def sample(lines: int, cache: Path) -> Path:
    path = cache / f"sample_{lines}.xlsm"
    if not path.exists():
        cache.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [
                sys.executable,
                "-m",
                "xlbudget",
                "sample",
                "--lines",
                str(lines),
                "-o",
                str(path),
                "--seed",
                "1",
                "-q",
            ],
            check=True,
            cwd=REPO,
        )
    return path


def measure(mode: str, src: Path, repeat: int) -> dict[str, float]:
    runs = []
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(repeat):
            out = Path(tmp) / f"out{i}{src.suffix}"
            done = subprocess.run(
                [sys.executable, "-c", CHILD, mode, str(src), str(out)],
                check=True,
                capture_output=True,
                text=True,
                cwd=REPO,
            )
            runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
    return {k: statistics.median(r[k] for r in runs) for k in runs[0]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", default="10000,30000,100000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--modes",
        default="review",
        help="comma list: review (default engine), engine:package, engine:openpyxl",
    )
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "xlb-bench")
    parser.add_argument("--out", type=Path)
    parser.add_argument("--plot", type=Path)
    args = parser.parse_args()
    modes = args.modes.split(",")
    rows = []
    lines_out = [f"machine: {machine()}", f"repeat: {args.repeat} (median)", ""]
    header = (
        f"{'lines':>8} {'mode':<16} {'wall s':>8} {'cpu s':>8} {'rss MB':>8} "
        f"{'× floor time':>13} {'× floor mem':>12}"
    )
    lines_out.append(header)
    for n in [int(x) for x in args.lines.split(",")]:
        src = sample(n, args.cache)
        floor = measure("floor", src, args.repeat)
        lines_out.append(
            f"{n:>8} {'openpyxl floor':<16} {floor['wall']:>8.2f} "
            f"{floor['cpu']:>8.2f} {floor['rss_mb']:>8.0f} {1:>13.2f} {1:>12.2f}"
        )
        for mode in modes:
            got = measure(mode, src, args.repeat)
            rows.append(
                {
                    "lines": n,
                    "mode": mode,
                    **got,
                    "floor_wall": floor["wall"],
                    "floor_rss": floor["rss_mb"],
                }
            )
            lines_out.append(
                f"{n:>8} {mode:<16} {got['wall']:>8.2f} {got['cpu']:>8.2f} {got['rss_mb']:>8.0f} "
                f"{got['wall'] / floor['wall']:>13.2f} {got['rss_mb'] / floor['rss_mb']:>12.2f}"
            )
        print("\n".join(lines_out[-1 - len(modes) :]), flush=True)
    text = "\n".join(lines_out) + "\n"
    print(text)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text, encoding="utf-8")
    if args.plot:
        plot(rows, args.plot)
    return 0


def plot(rows: list[dict], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.4, 4))
    lines = sorted({r["lines"] for r in rows})
    floor = {r["lines"]: r["floor_wall"] for r in rows}
    ax.plot(lines, [floor[n] for n in lines], "k--o", label="openpyxl load+save (floor)")
    for mode in dict.fromkeys(r["mode"] for r in rows):
        pts = [r for r in rows if r["mode"] == mode]
        ax.plot([r["lines"] for r in pts], [r["wall"] for r in pts], "-o", label=mode)
    ax.set_xlabel("execution lines")
    ax.set_ylabel("seconds (median wall time)")
    ax.set_title("xlbudget review: time against lines")
    ax.grid(True, alpha=0.3)
    ax.legend()
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)


if __name__ == "__main__":
    sys.exit(main())
