"""Speed work must not change what the review writes: the reviewed bundled workbook and a
reviewed 10,000-line sample are held, cell for cell (values, formulas, formats, merges,
conditional-format rules, names), to the snapshots pinned in tests/data/golden
(:mod:`tests.support.golden`; regenerate only for a change meant to change the output)."""

from __future__ import annotations

import json

import pytest

from tests.support.golden import GOLDEN, digests, reviewed_snapshots
from tests.support.snapshot import diff


@pytest.fixture(scope="module")
def snapshots(tmp_path_factory: pytest.TempPathFactory):
    return reviewed_snapshots(tmp_path_factory.mktemp("golden"))


def test_the_bundled_review_is_the_pinned_one(snapshots) -> None:
    pinned = json.loads((GOLDEN / "bundled.json").read_text(encoding="utf-8"))
    now = json.loads(json.dumps(snapshots[0], ensure_ascii=False, default=str))
    assert not diff(pinned, now), "\n".join(diff(pinned, now))


def test_the_10000_line_review_is_the_pinned_one(snapshots) -> None:
    pinned = json.loads((GOLDEN / "sample10000.sha256.json").read_text(encoding="utf-8"))
    now = digests(snapshots[1])
    changed = sorted(k for k in pinned.keys() | now.keys() if pinned.get(k) != now.get(k))
    assert not changed, f"the review of the 10,000-line sample changed in: {changed}"
    assert len(now) > 20 and any(k.startswith("sheet:검토_") for k in now)


def test_the_pins_can_fail(snapshots) -> None:
    """The comparison sees a one-cell change (the pins are not vacuous)."""
    pinned = json.loads((GOLDEN / "bundled.json").read_text(encoding="utf-8"))
    changed = json.loads(json.dumps(snapshots[0], ensure_ascii=False, default=str))
    sheet = changed["sheets"]["검토_개요"]
    cells = sheet["cells"] if "cells" in sheet else sheet
    key = next(iter(cells))
    cells[key] = {"v": "changed"}
    assert diff(pinned, changed)
    assert digests(changed) != digests(json.loads(json.dumps(snapshots[0], default=str)))
