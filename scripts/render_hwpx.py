"""Draw the pages of an exported review (.hwpx) to PNG with rhwp, e.g. for docs/img/hwpx/.

    python scripts/render_hwpx.py REPORT.hwpx -o docs/img/hwpx [--pages 4]

rhwp (PyPI rhwp-python) is an HWP/HWPX parser and renderer independent of python-hwpx, the
library that writes the export: the pictures show what another program draws from the file.
It runs in a child process with freetype-py's FreeType preloaded (Debian 12's is too old for
it) and needs Debian's fonts-noto-cjk for Hangul; see tests/support/hwpx_reader.py.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from tests.support.hwpx_reader import read  # noqa: E402  (needs the repo root on sys.path)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("report", type=Path)
    parser.add_argument("-o", "--outdir", type=Path, required=True)
    parser.add_argument("--pages", type=int, default=4)
    args = parser.parse_args()
    args.outdir.mkdir(parents=True, exist_ok=True)
    back = read(args.report, str(args.outdir / "page"), pages=args.pages)
    print(
        f"{args.report}: {back.pages} pages, {len(back.tables)} tables; "
        f"{min(args.pages, back.pages)} drawn to {args.outdir}/page-N.png"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
