"""coverage: the data-coverage page's summary of a table that holds no row (a bug: it raised before its own
"no rows" branch)."""

from __future__ import annotations

import math

import pandas as pd

from analysis.chapters import coverage as cov


def _empty() -> pd.DataFrame:
    return pd.DataFrame({"geo": pd.Series(dtype=str), "year": pd.Series(dtype="int64"),
                         "value": pd.Series(dtype="float64"), "flag": pd.Series(dtype=str)})


def test_summary_of_an_empty_table_has_no_years_and_no_missing_share() -> None:
    out = cov.summary(_empty(), "value")
    pct = out.pop("missing_pct")
    assert math.isnan(pct)  # no row: no share of missing rows (not 0 %)
    assert out == {"rows": 0, "geos": 0, "years": 0, "first_year": None, "last_year": None, "missing": 0,
                   "flagged": 0}


def test_summary_of_one_row_still_counts_its_year() -> None:
    one = pd.DataFrame({"geo": ["AT"], "year": [2021], "value": [float("nan")], "flag": [""]})
    assert cov.summary(one, "value") == {"rows": 1, "geos": 1, "years": 1, "first_year": 2021, "last_year": 2021,
                                         "missing": 1, "missing_pct": 100.0, "flagged": 0}
