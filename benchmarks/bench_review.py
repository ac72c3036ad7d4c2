"""Benchmark: ``xlbudget review`` on the bundled workbook and on 10,000–100,000 lines.

Baseline, measured in the same run on the same file: the floor of merely loading and saving
the workbook with openpyxl (``load_workbook(keep_vba=True)`` + ``save``).  With ``--before
PATH`` (a checkout of an earlier commit, e.g. ``git worktree add /tmp/before HEAD~1``) that
checkout's review runs on the same files too, so a change is measured against what it
replaced in one run.  Every measurement runs in a fresh Python process (imports and memory
comparable) and reports wall time, CPU time and peak memory (max RSS); figures are medians
of ``--repeat`` runs, reported as ratios against the floor.  Synthetic workbooks come from
``xlbudget sample`` (of ``--sample-from``, default this checkout) and are cached in
``--cache``; ``seed`` in ``--lines`` is the bundled workbook (61 lines).

    python benchmarks/bench_review.py --lines seed,10000,100000 --before /tmp/before \
        --out benchmarks/results/review.txt --plot docs/img/perf_review.png
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
mode, src, out, checkout = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
if mode == "floor":
    import openpyxl
    wb = openpyxl.load_workbook(src, keep_vba=True)
    wb.save(out)
else:
    sys.path.insert(0, checkout)
    from pathlib import Path
    try:
        from xlbudget.app.review import review_file
    except ImportError:  # a checkout from before the app layer
        from xlbudget.review.files import review_file
    assert Path(sys.modules["xlbudget"].__file__).resolve().is_relative_to(Path(checkout))
    review_file(Path(src), Path(out))
print(json.dumps({"wall": time.perf_counter() - t0, "cpu": time.process_time() - c0,
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""
OFFICE_CHILD = r"""
import json, resource, subprocess, sys, time
t0 = time.perf_counter()
subprocess.run(json.loads(sys.argv[1]), check=True, capture_output=True)
print(json.dumps({"wall": time.perf_counter() - t0, "cpu": float("nan"),
                  "rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))
"""
#: Checkouts from before lxml was a dependency write workbooks only without openpyxl's lxml
#: serializer (their text-edited package writer cannot read lxml's namespace placement).
OLD_ENV = {"OPENPYXL_LXML": "False"}


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


def _env(checkout: Path) -> dict[str, str]:
    env = dict(os.environ, PYTHONPATH=str(checkout))
    # As on a user's machine: modules compiled once, not on every start (some sandboxes
    # set this, which adds half a second of compiling to every run).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    if not (checkout / "xlbudget" / "app").is_dir():
        env.update(OLD_ENV)
    return env


def sample(lines: str, cache: Path, checkout: Path) -> Path:
    """The workbook of ``lines`` lines (``seed``: the bundled one), written by ``checkout``."""
    if lines == "seed":
        return checkout / "workbook" / "budget_review.xlsm"
    path = cache / f"sample_{lines}_{checkout.name}.xlsm"
    if not path.exists():
        cache.mkdir(parents=True, exist_ok=True)
        new = (checkout / "xlbudget" / "app").is_dir()
        random = ["--random-state", "1"] if new else ["--seed", "1"]
        command = [sys.executable, "-m", "xlbudget", "sample", "--lines", lines, "-o", str(path)]
        subprocess.run([*command, *random, "-q"], check=True, cwd=checkout, env=_env(checkout))
    return path


def measure(mode: str, src: Path, repeat: int, checkout: Path) -> dict[str, float] | str:
    """Median figures of ``repeat`` fresh runs, or why the run failed (an older checkout
    refuses a full sheet, for one)."""
    runs = []
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(repeat):
            out = Path(tmp) / f"out{i}{src.suffix}"
            done = subprocess.run(
                [sys.executable, "-c", CHILD, mode, str(src), str(out), str(checkout)],
                capture_output=True,
                text=True,
                cwd=checkout,
                env=_env(checkout),
            )
            if done.returncode != 0:
                lines = done.stderr.strip().splitlines() or [f"exit {done.returncode}"]
                return lines[-1][:160]
            runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
    return {k: statistics.median(r[k] for r in runs) for k in runs[0]}


def libreoffice(src: Path, repeat: int) -> dict[str, float] | None:
    """LibreOffice headless opening and saving the same file (``--convert-to xlsx``), its
    own profile, after one warm-up run (the profile's creation): what a user doing it by
    hand in a spreadsheet pays at least.  None without soffice."""
    import shutil

    soffice = shutil.which("soffice")
    if soffice is None:
        return None
    runs = []
    with tempfile.TemporaryDirectory() as tmp:
        profile = (Path(tmp) / "profile").as_uri()
        for i in range(repeat + 1):
            out = Path(tmp) / f"out{i}"
            command = [
                soffice,
                f"-env:UserInstallation={profile}",
                "--headless",
                "--norestore",
                "--convert-to",
                "xlsx",
                "--outdir",
                str(out),
                str(src),
            ]
            # In a process of its own: the peak memory of a process's children is the peak
            # of all of them so far (the floor's runs included), not of this one.
            done = subprocess.run(
                [sys.executable, "-c", OFFICE_CHILD, json.dumps(command)],
                check=True,
                capture_output=True,
                text=True,
            )
            if i:  # the first run made the profile
                runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
    return {k: statistics.median(r[k] for r in runs) for k in runs[0]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", default="seed,10000,30000,100000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--before", type=Path, help="an earlier checkout to measure too")
    parser.add_argument(
        "--sample-from", type=Path, default=REPO, help="the checkout that writes the samples"
    )
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "xlb-bench")
    parser.add_argument("--out", type=Path)
    parser.add_argument("--plot", type=Path)
    parser.add_argument(
        "--no-libreoffice",
        dest="libreoffice",
        action="store_false",
        help="skip the LibreOffice load+save baseline",
    )
    parser.add_argument(
        "--floor-up-to",
        type=int,
        default=None,
        help="measure the openpyxl floor only up to this many lines (it takes minutes and "
        "gigabytes at a full sheet); larger sizes are compared with LibreOffice alone",
    )
    parser.add_argument(
        "--replot", type=Path, help="only draw --plot again from a run's saved .json rows"
    )
    args = parser.parse_args()
    if args.replot:
        plot(json.loads(args.replot.read_text(encoding="utf-8")), args.plot)
        return 0
    modes = {"review": REPO}
    if args.before:
        modes = {"before": args.before.resolve(), **modes}
    for checkout in modes.values():  # compile each checkout's modules before timing
        code = "import xlbudget.app.review" if (checkout / "xlbudget" / "app").is_dir() else ""
        subprocess.run([sys.executable, "-c", code], cwd=checkout, env=_env(checkout))
    rows = []
    lines_out = [f"machine: {machine()}", f"repeat: {args.repeat} (median)", ""]
    header = (
        f"{'lines':>8} {'mode':<16} {'wall s':>8} {'cpu s':>8} {'rss MB':>8} "
        f"{'× floor time':>13} {'× floor mem':>12}"
    )
    lines_out.append(header)
    if args.before:
        lines_out.insert(2, f"before: {args.before}")
    for n in args.lines.split(","):
        src = sample(n, args.cache, args.sample_from.resolve())
        size = 0 if n == "seed" else int(n)
        nan = {"wall": float("nan"), "cpu": float("nan"), "rss_mb": float("nan")}
        floor: dict[str, float] | str = nan
        if args.floor_up_to is None or size <= args.floor_up_to:
            floor = measure("floor", src, args.repeat, REPO)
        if isinstance(floor, str):
            lines_out.append(f"{n:>8} {'openpyxl floor':<16} failed: {floor}")
            floor = nan
        elif floor is nan:
            lines_out.append(f"{n:>8} {'openpyxl floor':<16} not measured (--floor-up-to)")
        else:
            lines_out.append(
                f"{n:>8} {'openpyxl floor':<16} {floor['wall']:>8.2f} "
                f"{floor['cpu']:>8.2f} {floor['rss_mb']:>8.0f} {1:>13.2f} {1:>12.2f}"
            )
        office = libreoffice(src, args.repeat) if args.libreoffice else None
        if office is not None:
            rows.append(
                {
                    "lines": n,
                    "mode": "LibreOffice load+save",
                    **office,
                    "floor_wall": floor["wall"],
                    "floor_rss": floor["rss_mb"],
                }
            )
            lines_out.append(
                f"{n:>8} {'LibreOffice':<16} {office['wall']:>8.2f} {'-':>8} "
                f"{office['rss_mb']:>8.0f} {office['wall'] / floor['wall']:>13.2f} "
                f"{office['rss_mb'] / floor['rss_mb']:>12.2f}"
            )
        for mode, checkout in modes.items():
            got = measure(mode, src, args.repeat, checkout)
            if isinstance(got, str):
                lines_out.append(f"{n:>8} {mode:<16} failed: {got}")
                continue
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
                + (f"   {got['wall'] / office['wall']:.2f} × LibreOffice" if office else "")
            )
        print("\n".join(lines_out[-2 - len(modes) :]), flush=True)
    text = "\n".join(lines_out) + "\n"
    print(text)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text, encoding="utf-8")
        args.out.with_suffix(".json").write_text(json.dumps(rows, indent=1), encoding="utf-8")
    if args.plot:
        plot(rows, args.plot)
    return 0


def plot(rows: list[dict], path: Path) -> None:
    """Time and peak memory against lines, log-log: a straight line of slope 1 is linear
    growth (the dotted line: the review's smallest size scaled linearly)."""
    import math

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax, mem) = plt.subplots(1, 2, figsize=(10, 4))
    rows = [r for r in rows if r["lines"] != "seed"]
    for r in rows:
        r["lines"] = int(r["lines"])
    lines = sorted({r["lines"] for r in rows})
    floor = {r["lines"]: (r["floor_wall"], r["floor_rss"]) for r in rows}
    measured = [n for n in lines if not math.isnan(floor[n][0])]
    if measured:
        ax.plot(measured, [floor[n][0] for n in measured], "k--o", label="openpyxl load+save")
        mem.plot(measured, [floor[n][1] for n in measured], "k--o", label="openpyxl load+save")
    for mode in dict.fromkeys(r["mode"] for r in rows):
        pts = sorted((r for r in rows if r["mode"] == mode), key=lambda r: r["lines"])
        xs = [r["lines"] for r in pts]
        ax.plot(xs, [r["wall"] for r in pts], "-o", label=mode)
        mem.plot(xs, [r["rss_mb"] for r in pts], "-o", label=mode)
        if mode == "review" and len(pts) > 1:
            # Linear growth through the review's second point (the first, 10,000 lines,
            # is mostly the fixed cost of starting: imports, templates, styles).
            at = pts[1]
            scale = at["wall"] / at["lines"]
            ax.plot(xs, [scale * x for x in xs], ":", color="grey", label="linear from there")
    mem.axhline(3 * 1024, color="red", lw=0.8, ls="--", label="3 GB (3,072 MB)")
    for axis, label in ((ax, "seconds (median wall time)"), (mem, "peak memory, MB (max RSS)")):
        axis.set_xscale("log")
        axis.set_yscale("log")
        axis.set_xlabel("execution lines")
        axis.set_ylabel(label)
        axis.grid(True, which="both", alpha=0.3)
        axis.legend(fontsize=8)
    ax.set_title("xlbudget review: time")
    mem.set_title("xlbudget review: memory")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)


if __name__ == "__main__":
    sys.exit(main())
