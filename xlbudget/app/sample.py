"""Synthetic 집행현황 workbooks of any size, for benchmarks and tests (``xlbudget sample``).

A whole city's execution status is tens of thousands of lines; the seed has 61.  The sample
draws lines that look like the real thing: departments, projects with 1–5 통계목 each (names
from the seed report), 예산현액 log-normal in 천원, 지출액 mostly below 예산현액, about 40%
of lines at 불용률 ≥ 70% (30% drawn low, plus lines with nothing paid yet), obligations
between payments and budget, 지출잔액 and 불용률 computed.  ``inconsistent`` plants that many
1-천원 errors in 지출잔액 (the seed's quirk of rounding from 원), so checks have something to
find.  The same ``random_state`` gives the same workbook.

The rows go into the bundled workbook (so VBA and ribbon are kept), or into one the
workbook builder makes when the bundled one is not there, through the same package writer
as every import.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from ..adapters.xlsx.package import WORKBOOK_SUFFIXES
from ..core import seed
from ..core.importing.model import ImportInputError
from ..core.rates import unspent_rate_array
from ..core.schema import TABLES
from ..workbook.build import build_workbook
from .importing import open_target, write_rows
from .paths import bundled_workbook

Progress = Callable[[str], None]

DEPARTMENTS = (
    "기획담당관",
    "예산담당관",
    "감사담당관",
    "홍보담당관",
    "총무과",
    "자치행정과",
    "세무과",
    "회계과",
    "민원여권과",
    "복지정책과",
    "노인복지과",
    "장애인복지과",
    "여성가족과",
    "아동청소년과",
    "보건정책과",
    "위생과",
    "일자리정책과",
    "경제정책과",
    "청년정책과",
    "문화예술과",
    "체육진흥과",
    "관광정책과",
    "교통정책과",
    "주차관리과",
    "도로과",
    "도시계획과",
    "건축과",
    "주택과",
    "환경정책과",
    "공원녹지과",
    "하천관리과",
    "안전총괄과",
    "재난관리과",
)
TOPICS = (
    "스마트",
    "데이터",
    "청년",
    "노인",
    "아동",
    "장애인",
    "도시재생",
    "공원",
    "도로",
    "하천",
    "문화",
    "체육",
    "관광",
    "복지",
    "안전",
    "환경",
    "교통",
    "주차",
    "일자리",
    "창업",
    "보건",
    "방역",
    "주민자치",
    "마을",
    "평생학습",
    "도서관",
    "전통시장",
    "소상공인",
    "기후",
    "에너지",
    "자원순환",
    "반려동물",
)
OBJECTS = (
    "지원",
    "운영",
    "구축",
    "조성",
    "관리",
    "유지보수",
    "활성화",
    "개선",
    "홍보",
    "교육",
    "축제",
    "센터 운영",
    "시스템 구축",
    "기반 조성",
    "정비",
    "실태조사",
)
#: 통계목 of the seed report, plus common items of the local-finance classification.
EXTRA_ITEMS = (
    "일반보상금",
    "재료비",
    "시설비",
    "민간위탁금",
    "민간경상사업보조",
    "기간제근로자등보수",
    "국내여비",
    "행사운영비",
    "공공운영비",
)


def item_names() -> list[str]:
    """통계목 names: the seed's (both tables) and a few standard ones; no totals, no headers."""
    names = set(seed.load("집행현황")["통계목"]) | set(seed.load("통계목증감")["통계목"])
    names |= set(EXTRA_ITEMS)
    return sorted(n for n in names if n and n not in ("계", "통계목") and '"' not in n)


def synthetic_execution(
    lines: int, random_state: int = 0, inconsistent: int = 0
) -> tuple[pd.DataFrame, list[int]]:
    """``lines`` execution lines and the 0-based positions of planted 지출잔액 errors."""
    if lines < 1:
        raise ImportInputError(f"--lines는 1 이상이어야 합니다: {lines}")
    rng = np.random.default_rng(random_state)
    items = np.array(item_names())
    seed_lines = seed.load("집행현황")
    depts = np.array(sorted(set(seed_lines["담당관"]) | set(DEPARTMENTS)))
    seed_projects = np.array(list(dict.fromkeys(seed_lines["세부사업"])))
    # Projects, vectorised: enough of them for ``lines`` at 1–5 items each (mean 3).
    n_proj = lines // 2 + 5
    counts = rng.integers(1, 6, n_proj)
    n_proj = int(np.searchsorted(np.cumsum(counts), lines) + 1)
    counts = counts[:n_proj]
    names = pd.Series(rng.choice(np.array(TOPICS), n_proj)).str.cat(
        pd.Series(rng.choice(np.array(OBJECTS), n_proj)), sep=" "
    )
    from_seed = rng.random(n_proj) < 0.05
    names[from_seed] = rng.choice(seed_projects, int(from_seed.sum()))
    repeat = names.groupby(names).cumcount()
    names = names.where(repeat == 0, names + "(" + (repeat + 1).astype(str) + ")")
    project_dept = rng.choice(depts, n_proj)
    # Distinct 통계목 per project: the first ``count`` of a random permutation of all items.
    order = rng.random((n_proj, len(items))).argsort(axis=1)[:, :5]
    keep = np.arange(5)[None, :] < counts[:, None]
    project_of_line = np.repeat(np.arange(n_proj), counts)[:lines]
    item_of_line = items[order[keep]][:lines]
    rows = pd.DataFrame(
        {
            "담당관": project_dept[project_of_line],
            "세부사업": names.to_numpy()[project_of_line],
            "통계목": item_of_line,
        }
    )
    budget = np.maximum(np.rint(rng.lognormal(np.log(50_000), 1.4, lines)), 100).astype(np.int64)
    low = rng.random(lines) < 0.3
    exec_share = np.where(low, rng.uniform(0.0, 0.3, lines), rng.uniform(0.3, 1.0, lines))
    exec_share[rng.random(lines) < 0.12] = 0.0  # nothing paid yet (as many seed lines)
    over = rng.random(lines) < 0.002  # a few overspent lines, as real exports have
    exec_share[over] = rng.uniform(1.0, 1.1, int(over.sum()))
    spent = np.floor(budget * exec_share).astype(np.int64)
    left = np.maximum(budget - spent, 0)
    contracted = spent + np.floor(left * rng.uniform(0.0, 1.0, lines) ** 2).astype(np.int64)
    remaining = budget - spent
    unspent = unspent_rate_array(budget.astype(float), spent.astype(float))
    planted: list[int] = []
    if inconsistent:
        planted = sorted(rng.choice(lines, size=min(inconsistent, lines), replace=False).tolist())
        remaining[planted] += rng.choice([-1, 1], size=len(planted))
    frame = rows.astype(object)
    frame["예산현액"] = budget.tolist()
    frame["지출원인행위액"] = contracted.tolist()
    frame["지출액"] = spent.tolist()
    frame["지출잔액"] = remaining.tolist()
    frame["불용률"] = [float(v) for v in unspent]
    return frame, planted


def _template(workdir: Path) -> Path:
    """The workbook to start from: the bundled one, else one freshly built."""
    bundled = bundled_workbook()
    if bundled.is_file():
        return bundled
    return build_workbook(workdir / "budget_review.xlsm")


def write_sample(
    out: Path,
    lines: int,
    random_state: int = 0,
    inconsistent: int = 0,
    progress: Progress = lambda _: None,
) -> tuple[pd.DataFrame, list[int]]:
    """Write a workbook with ``lines`` synthetic 집행현황 lines to ``out`` (atomically)."""
    out = Path(out)
    if out.suffix.lower() not in WORKBOOK_SUFFIXES:
        raise ImportInputError(f"출력 파일은 .xlsm 또는 .xlsx여야 합니다: {out}")
    progress(f"{lines:,}행 생성 중 (random_state {random_state})")
    frame, planted = synthetic_execution(lines, random_state, inconsistent)
    workdir = Path(tempfile.mkdtemp(prefix="xlbudget-sample-"))
    try:
        package, book = open_target(_template(workdir))
        write_rows(package, book, TABLES["집행현황"], frame, frozenset(frame.columns), progress)
        progress(f"저장 중: {out.name}")
        package.save(out)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return frame, planted
