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


# ------------------------------------------------------------------ the page's texts and figures (moved from cells)
def test_page_texts_name_the_table() -> None:
    assert cov.matrix_title("t") == "t: share of rows with a value, by country and year"
    assert cov.flags_title("t") == "t: flagged values by year and flag"
    assert cov.flags_caption("t") == "t: flagged values by flag and year (rows)"
    assert cov.missing_caption("t") == ("t: the ten countries or aggregates with the largest share of missing "
                                        "values (%)")
    assert "absent from the table that year" in cov.MATRIX_NOTES


def test_flags_notes_in_flag_order_once_each() -> None:
    flags = pd.DataFrame({"flag": ["u", "b", "u"], "year": [2023, 2023, 2024], "rows": [1, 2, 3]})
    assert cov.flags_notes(flags) == f"b: {cov.describe_flag('b')}; u: {cov.describe_flag('u')}"


def test_missing_table_names_and_rounds_half_away() -> None:
    missing = pd.Series([12.25, 0.05], index=["AT", "EU27_2020"])
    table = cov.missing_table(missing, {"AT": "Austria", "EU27_2020": "European Union"}.get)
    assert table.to_dict("list") == {"country or aggregate": ["Austria", "European Union"],
                                     "% of rows missing": ["12.3", "0.1"]}


def test_figure_matrix_rows_columns_and_scale(frame: pd.DataFrame) -> None:
    import matplotlib.pyplot as plt

    matrix = cov.coverage_matrix(frame, "value")
    fig = cov.figure_matrix(matrix, "t")
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == list(matrix.index)
    assert [t.get_text() for t in ax.get_xticklabels()] == [str(c) for c in matrix.columns]
    assert ax.images[0].get_clim() == (0, 100)
    assert ax.get_title() == "t: share of rows with a value, by country and year"
    assert fig.axes[1].get_ylabel() == "% of rows with a value"  # the colour bar says what the colour is
    plt.close(fig)


def test_figure_flags_stacks_rows_and_hatches_each_flag() -> None:
    import matplotlib.pyplot as plt

    flags = pd.DataFrame({"year": [2023, 2023, 2024], "flag": ["b", "u", "u"], "rows": [2, 1, 3]})
    fig = cov.figure_flags(flags, "t")
    ax = fig.axes[0]
    b_bars, u_bars = ax.containers
    assert [bar.get_height() for bar in b_bars] == [2, 0] and [bar.get_height() for bar in u_bars] == [1, 3]
    assert [bar.get_y() for bar in u_bars] == [2, 0]  # stacked on the b segment
    assert {bar.get_hatch() for bar in b_bars} == {""} and {bar.get_hatch() for bar in u_bars} == {"//"}
    assert ax.get_ylabel() == "rows" and ax.get_title() == "t: flagged values by year and flag"
    plt.close(fig)


def test_figure_trend_one_line_per_size_class() -> None:
    import matplotlib.pyplot as plt

    eu = pd.DataFrame({"size_class": ["S", "S", "L", "L"], "year": [2021, 2023, 2021, 2023],
                       "value": [5.0, 7.5, 20.0, 30.0]})
    fig = cov.figure_trend(eu, ("S", "L"), {"S": "small", "L": "large"}.get)
    ax = fig.axes[0]
    assert [line.get_label() for line in ax.lines] == ["small", "large"]
    assert [list(line.get_ydata()) for line in ax.lines] == [[5.0, 7.5], [20.0, 30.0]]
    assert [line.get_marker() for line in ax.lines] == ["o", "s"]
    assert list(ax.get_xticks()) == [2021, 2023]
    assert ax.get_title() == "European Union: enterprises using AI, by size class"
    plt.close(fig)


@pytest.mark.integration
def test_source_line_gives_the_attributions_of_the_tables_sources(processed) -> None:
    line = cov.source_line("employment_by_occupation")
    assert "lfsa_egai2d" in line and not line.startswith("Source:")


# ------------------------------------------------------------------ text alternatives of the three figures
def test_matrix_alt_counts_extent_mean_absent_complete_and_empty() -> None:
    # AT: 100, 100 (complete); BE: 0, 50; DE: absent in 2023, 0 in 2024 (no value in any year present)
    matrix = pd.DataFrame({2023: [100.0, 0.0, np.nan], 2024: [100.0, 50.0, 0.0]}, index=["AT", "BE", "DE"])
    # mean over the 5 cells present: (100 + 0 + 100 + 50 + 0) / 5 = 50.0
    assert cov.matrix_alt(matrix, "t") == (
        "Heat map of the share of rows of t with a value, for 3 countries and aggregates (rows) and the years 2023 "
        "to 2024 (columns). Over the cells present, 50.0 % of rows have a value on average. 1 country-years are "
        "absent from the table. Complete in every year: 1 of 3. Without any value: DE.")


def test_matrix_alt_without_complete_row_absent_cell_or_empty_row() -> None:
    matrix = pd.DataFrame({2021: [99.95, 12.5], 2023: [100.0, 37.5]}, index=["AT", "BE"])
    # mean (99.95 + 12.5 + 100 + 37.5) / 4 = 62.4875 → 62.5
    assert cov.matrix_alt(matrix, "t") == (
        "Heat map of the share of rows of t with a value, for 2 countries and aggregates (rows) and the years 2021 "
        "to 2023 (columns). Over the cells present, 62.5 % of rows have a value on average. No country is complete "
        "in every year.")
    assert cov.matrix_alt(matrix.iloc[0:0], "t") == "Heat map of t: the table holds no row."


def test_flags_alt_totals_by_flag_and_years() -> None:
    flags = pd.DataFrame({"flag": ["b", "u", "u"], "year": [2021, 2021, 2024], "rows": [1200, 2, 3]})
    assert cov.flags_alt(flags, "t") == (
        f"Stacked bar chart of the 1,205 flagged values of t by year (2021 to 2024): 1,200 {cov.describe_flag('b')} "
        f"(b); 5 {cov.describe_flag('u')} (u).")
    assert cov.flags_alt(flags.iloc[0:0], "t") == "No value of t carries a flag."


def test_trend_alt_first_and_last_year_per_class_in_year_order() -> None:
    series = pd.DataFrame({"size_class": ["S", "S", "S", "L", "L"], "year": [2024, 2021, 2023, 2021, 2024],
                           "value": [12.25, 5.0, np.nan, 20.0, 30.05]})
    assert cov.trend_alt(series, {"S": "small", "L": "large"}.get) == (
        "Line chart of the share of enterprises by size class: small from 5.0 % in 2021 to 12.3 % in 2024; "
        "large from 20.0 % in 2021 to 30.1 % in 2024.")
    assert cov.trend_alt(series.assign(value=np.nan)) == "Line chart with no value to show."


# ------------------------------------------------------------------ second round (survivors of the mutation run)
def test_source_line_joins_the_attributions_without_their_prefix(monkeypatch: pytest.MonkeyPatch) -> None:
    seen = []

    def get_table(name: str) -> str:
        seen.append(name)
        return f"meta of {name}"

    def sources_meta(meta: str) -> list[dict]:
        assert meta == "meta of t"
        return [{"attribution": "Source: Eurostat (lfsa_egai2d)"}, {"attribution": "ILO, Source: 2025"}]

    monkeypatch.setattr(cov.process, "get_table", get_table)
    monkeypatch.setattr(cov.process, "sources_meta", sources_meta)
    # only a leading "Source: " goes; the sources are joined by "; "
    assert cov.source_line("t") == "Eurostat (lfsa_egai2d); ILO, Source: 2025"
    assert seen == ["t"]


def test_summary_of_a_table_without_rows_and_of_empty_flags() -> None:
    empty = pd.DataFrame({"geo": [], "year": [], "value": [], "flag": []})
    out = cov.summary(empty, "value")
    assert math.isnan(out.pop("missing_pct"))
    assert out == {"rows": 0, "geos": 0, "years": 0, "first_year": None, "last_year": None, "missing": 0,
                   "flagged": 0}
    # one row, value present, no flag: 0 % missing; years 2020 and 2022 → first 2020, last 2022
    f = pd.DataFrame({"geo": ["AT", "AT"], "year": [2022, 2020], "value": [1.0, 2.0], "flag": ["", ""]})
    assert cov.summary(f, "value") == {"rows": 2, "geos": 1, "years": 2, "first_year": 2020, "last_year": 2022,
                                       "missing": 0, "missing_pct": 0.0, "flagged": 0}
    assert type(cov.summary(f, "value")["first_year"]) is int


def test_coverage_matrix_sorts_geos_and_averages_within_a_cell() -> None:
    f = pd.DataFrame({"geo": ["SE", "AT", "AT", "AT", "AT"], "year": [2024, 2023, 2023, 2023, 2023],
                      "value": [1.0, 1.0, np.nan, np.nan, np.nan], "flag": [""] * 5})
    m = cov.coverage_matrix(f, "value")
    assert m.index.tolist() == ["AT", "SE"]
    assert m.loc["AT", 2023] == 25.0 and m.loc["SE", 2024] == 100.0  # 1 of 4 rows; mean, not sum or max


def test_flag_counts_counts_rows_per_flag_and_year() -> None:
    f = pd.DataFrame({"geo": ["AT", "BE", "CY", "DE"], "year": [2023, 2023, 2024, 2023],
                      "value": [1.0, 2.0, 3.0, 4.0], "flag": ["u", "u", "u", ""]})
    out = cov.flag_counts(f)
    assert out.to_dict("list") == {"flag": ["u", "u"], "meaning": ["low reliability"] * 2, "year": [2023, 2024],
                                   "rows": [2, 1]}


def test_missing_by_geo_uses_the_given_value_column() -> None:
    f = pd.DataFrame({"geo": ["AT", "AT", "BE"], "value": [1.0, 1.0, 1.0], "other": [np.nan, 1.0, 1.0]})
    out = cov.missing_by_geo(f, "other")
    assert out.to_dict() == {"AT": 50.0, "BE": 0.0}


def test_figure_matrix_draws_the_matrix_values_at_their_ticks() -> None:
    import matplotlib.pyplot as plt

    matrix = pd.DataFrame({2021: [100.0, 0.0, np.nan], 2023: [50.0, 25.0, 75.0]}, index=["AT", "BE", "DE"])
    fig = cov.figure_matrix(matrix, "t")
    ax = fig.axes[0]
    data = np.ma.filled(ax.images[0].get_array().astype(float), np.nan)
    assert np.array_equal(data, matrix.to_numpy(), equal_nan=True)
    assert ax.get_yticks().tolist() == [0, 1, 2] and ax.get_xticks().tolist() == [0, 1]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["AT", "BE", "DE"]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["2021", "2023"]
    assert ax.images[0].norm.vmin == 0 and ax.images[0].norm.vmax == 100
    assert len(fig.axes) == 2 and fig.axes[1].get_ylabel() == "% of rows with a value"
    plt.close(fig)


def test_figure_flags_on_its_own_axes_with_one_bar_per_year() -> None:
    import matplotlib.pyplot as plt

    flags = pd.DataFrame({"year": [2023, 2023, 2024, 2024], "flag": ["b", "b", "u", "e"], "rows": [2, 5, 3, 4]})
    fig = cov.figure_flags(flags, "x")
    assert len(fig.axes) == 1
    ax = fig.axes[0]
    assert len(ax.containers) == 3  # b, e, u
    b_bars, e_bars, u_bars = ax.containers
    assert [bar.get_height() for bar in b_bars] == [7, 0]  # summed within year and flag
    assert [bar.get_height() for bar in e_bars] == [0, 4] and [bar.get_y() for bar in e_bars] == [7, 0]
    assert [bar.get_y() for bar in u_bars] == [7, 4]
    assert [bar.get_hatch() for bar in e_bars] == ["//", "//"] and [bar.get_hatch() for bar in u_bars] == ["..", ".."]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["2023", "2024"]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["b", "e", "u"]
    assert ax.get_title() == "x: flagged values by year and flag"
    plt.close(fig)


def test_figure_trend_x_values_markers_and_only_the_asked_classes() -> None:
    import matplotlib.pyplot as plt

    eu = pd.DataFrame({"size_class": ["S", "S", "M", "M", "L", "X"], "year": [2021, 2024, 2021, 2024, 2023, 2022],
                       "value": [5.0, 7.5, 10.0, 12.0, 30.0, 1.0]})
    fig = cov.figure_trend(eu, ("S", "M", "L"), str.lower)
    assert len(fig.axes) == 1
    ax = fig.axes[0]
    assert [line.get_label() for line in ax.lines] == ["s", "m", "l"]
    assert [list(line.get_xdata()) for line in ax.lines] == [[2021, 2024], [2021, 2024], [2023]]
    assert [list(line.get_ydata()) for line in ax.lines] == [[5.0, 7.5], [10.0, 12.0], [30.0]]
    assert [line.get_marker() for line in ax.lines] == ["o", "s", "D"]
    assert list(ax.get_xticks()) == [2021, 2022, 2023, 2024]  # every year of the table
    assert ax.get_ylabel() == "% of enterprises"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["s", "m", "l"]
    plt.close(fig)
