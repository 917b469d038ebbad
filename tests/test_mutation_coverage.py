"""coverage (the data-coverage page): counts, shares and flags on a hand-made table. No unit test reached
this module before the mutation run of issue 16. Expected values are counted by hand in the comments."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from analysis.chapters import coverage as cov


@pytest.fixture
def frame() -> pd.DataFrame:
    # AT: 2023 value, 2024 missing (u); BE: 2023 missing (no flag), 2024 value (bu); DE: 2024 value (b) only
    return pd.DataFrame({"geo": ["AT", "AT", "BE", "BE", "DE"], "year": [2023, 2024, 2023, 2024, 2024],
                         "value": [10.0, np.nan, np.nan, 5.0, 7.0], "flag": ["", "u", "", "bu", "b"]})


def test_value_column_and_params() -> None:
    assert cov.value_column("employment_by_occupation") == "value_thousands"
    assert cov.value_column("ai_adoption") == "value"
    assert cov.CoverageParams().input_tables() == ("ai_adoption",)
    assert cov.CoverageParams(table="employment_by_occupation_sector").input_tables() == (
        "employment_by_occupation_sector",)


def test_summary_counts_missing_not_zero(frame: pd.DataFrame) -> None:
    # 5 rows, 3 geos, 2 years; 2 missing = 40 %; 3 rows carry a flag
    assert cov.summary(frame, "value") == {"rows": 5, "geos": 3, "years": 2, "first_year": 2023, "last_year": 2024,
                                           "missing": 2, "missing_pct": 40.0, "flagged": 3}


def test_coverage_matrix_percent_with_a_value(frame: pd.DataFrame) -> None:
    m = cov.coverage_matrix(frame, "value")
    assert m.index.tolist() == ["AT", "BE", "DE"] and m.columns.tolist() == [2023, 2024]
    assert m.loc["AT"].tolist() == [100.0, 0.0] and m.loc["BE"].tolist() == [0.0, 100.0]
    assert math.isnan(m.loc["DE", 2023]) and m.loc["DE", 2024] == 100.0  # absent in 2023: NaN, not 0
    two = pd.concat([frame, frame.assign(value=1.0)])  # each cell twice, once with a value → 50 % where missing
    assert cov.coverage_matrix(two, "value").loc["AT", 2024] == 50.0


def test_flag_counts_by_flag_and_year_with_meanings(frame: pd.DataFrame) -> None:
    out = cov.flag_counts(frame.assign(year=[2024, 2024, 2023, 2024, 2023]))
    assert list(out.columns) == ["flag", "meaning", "year", "rows"]
    assert out.values.tolist() == [["b", "break in time series", 2023, 1],
                                   ["bu", "break in time series; low reliability", 2024, 1],
                                   ["u", "low reliability", 2024, 1]]
    assert out.index.tolist() == [0, 1, 2]


def test_describe_flag_combined_and_unknown() -> None:
    assert cov.describe_flag("u") == "low reliability"
    assert cov.describe_flag("@C") == "confidential"  # a known two-character flag, not split
    assert cov.describe_flag("bx") == "break in time series; unknown flag 'x'"


def test_missing_by_geo_highest_first_ties_in_order() -> None:
    f = pd.DataFrame({"geo": ["AT", "AT", "BE", "BE", "CY", "CY", "CY", "CY"],
                      "value": [np.nan, 1.0, np.nan, 2.0, np.nan, np.nan, np.nan, 1.0]})
    out = cov.missing_by_geo(f, "value")
    assert out.index.tolist() == ["CY", "AT", "BE"] and out.tolist() == [75.0, 50.0, 50.0]


def test_missing_by_geo_keeps_code_order_among_many_ties() -> None:
    # 64 geos AA…HH; every third (0, 3, …) has 1 of 4 rows missing (25 %), the others 2 of 4 (50 %)
    geos = [a + b for a in "ABCDEFGH" for b in "ABCDEFGH"]
    rows = []
    for i, g in enumerate(geos):
        n_missing = 1 if i % 3 == 0 else 2
        rows += [(g, np.nan)] * n_missing + [(g, 1.0)] * (4 - n_missing)
    out = cov.missing_by_geo(pd.DataFrame(rows, columns=["geo", "value"]), "value")
    half = [g for i, g in enumerate(geos) if i % 3]
    quarter = [g for i, g in enumerate(geos) if i % 3 == 0]
    assert out.index.tolist() == half + quarter  # a stable sort: alphabetical within each share
    assert out.tolist() == [50.0] * len(half) + [25.0] * len(quarter)
