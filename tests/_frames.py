"""Tiny hand-made frames shared by the unit tests."""

from __future__ import annotations

import pandas as pd

from analysis.chapters import adoption as ad


def ai_rows(*items: tuple) -> pd.DataFrame:
    """(indicator, size_class, geo, year, value, flag[, unit]) → a frame in the ai_adoption layout."""
    out = []
    for it in items:
        ind, size, geo, year, value, flag, *unit = it
        out.append({"dataset": "isoc_eb_ai", "indicator": ind, "unit": unit[0] if unit else "PC_ENT",
                    "size_class": size, "nace": ad.NACE_ALL, "geo": geo, "year": year, "value": value,
                    "flag": flag})
    frame = pd.DataFrame(out)
    frame["value"] = frame["value"].astype("float64")
    frame["year"] = frame["year"].astype("int64")
    return frame
