"""The seed report's tables, as shipped with the package (xlbudget/data/seed/*.csv).

"Seed" always means the seed report (../shared/seed), the real review this project was made
from; random draws elsewhere take a ``random_state``.

They are the default data of the bundled workbook and the first test oracle.  The CSVs keep
the report exactly as printed, errors included (see data/seed/README.md).
"""

from __future__ import annotations

from importlib import resources

import pandas as pd

from .schema import INPUT_TABLES

#: Seed tables in the order the workbook shows them (their units are the schema's).
NAMES: tuple[str, ...] = (*INPUT_TABLES, "설정")
_TEXT_COLUMNS = {"수준"}


def load(name: str) -> pd.DataFrame:
    """One seed table; numbers as floats (NaN for printed blanks), labels as text."""
    if name not in NAMES:
        raise KeyError(f"seed table {name!r} unknown; known: {', '.join(NAMES)}")
    path = resources.files("xlbudget") / "data" / "seed" / f"{name}.csv"
    with path.open("r", encoding="utf-8") as fh:
        frame = pd.read_csv(fh, dtype=str, keep_default_na=False)
    for column in frame.columns:
        values = frame[column]
        numeric = pd.to_numeric(values.replace("", None), errors="coerce")
        if (
            column not in _TEXT_COLUMNS
            and name != "설정"
            and (numeric.notna() | (values == "")).all()
            and numeric.notna().any()
        ):
            frame[column] = numeric.astype(float)
    if "수준" in frame.columns:
        frame["수준"] = frame["수준"].astype(int)
    return frame


def settings() -> dict[str, str]:
    """The 설정 table as {항목: 값}."""
    frame = load("설정")
    return dict(zip(frame["항목"], frame["값"], strict=True))
