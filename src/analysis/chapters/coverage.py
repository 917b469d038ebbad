"""Data coverage of a processed table: which countries and years have values, how much is missing, which flags.

Shares are in percent (0-100) of the table's rows; missing means Eurostat's ``:`` (empty value), never zero.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar, Literal

import pandas as pd

from analysis.chapters.params import NotebookParams, register
from analysis.core import fmt
from analysis.readers.eurostat import FLAG_MEANINGS
from analysis.tables import process

if TYPE_CHECKING:
    from matplotlib.figure import Figure

#: Tables with ``geo`` and ``year`` columns that the coverage notebook can describe, with their value column.
COVERAGE_TABLES: dict[str, str] = {
    "ai_adoption": "value",
    "employment_by_occupation": "value_thousands",
    "employment_by_occupation_sector": "value_thousands",
}


#: The notebook this chapter module serves (read by ``analysis.chapters.registry``: the one place it is named here).
NOTEBOOK = "data_coverage"


@register
class CoverageParams(NotebookParams):
    """Parameters of ``notebooks/data_coverage.ipynb``."""

    notebook: ClassVar[str] = NOTEBOOK
    table: Literal["ai_adoption", "employment_by_occupation", "employment_by_occupation_sector"] = "ai_adoption"

    def input_tables(self) -> tuple[str, ...]:
        return (self.table,)


def value_column(table: str) -> str:
    return COVERAGE_TABLES[table]


def summary(frame: pd.DataFrame, value: str) -> dict[str, float | int | None]:
    """Counts of rows, countries, years and missing values; ``missing_pct`` in percent of rows. A table without
    rows has no first or last year (``None``) and no share of missing rows (NaN)."""
    n = len(frame)
    missing = int(frame[value].isna().sum())
    return {
        "rows": n,
        "geos": int(frame["geo"].nunique()),
        "years": int(frame["year"].nunique()),
        "first_year": int(frame["year"].min()) if n else None,
        "last_year": int(frame["year"].max()) if n else None,
        "missing": missing,
        "missing_pct": 100.0 * missing / n if n else float("nan"),
        "flagged": int((frame["flag"] != "").sum()),
    }


def coverage_matrix(frame: pd.DataFrame, value: str) -> pd.DataFrame:
    """Percent of rows with a value, by geo (rows) × year (columns). Geos absent in a year are NaN."""
    have = frame.assign(_has=frame[value].notna().astype(float) * 100.0)
    return have.pivot_table(index="geo", columns="year", values="_has", aggfunc="mean").sort_index()


def flag_counts(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows per flag (``""`` = no flag excluded), with the flag's meaning, by year. Columns: flag, meaning, year,
    rows."""
    flagged = frame[frame["flag"] != ""]
    out = flagged.groupby(["flag", "year"], as_index=False).size().rename(columns={"size": "rows"})
    out.insert(1, "meaning", out["flag"].map(lambda f: describe_flag(f)))
    return out.sort_values(["flag", "year"]).reset_index(drop=True)


def describe_flag(flag: str) -> str:
    """Meaning of a (possibly combined) Eurostat flag, e.g. ``"bu"`` → "break in time series; low reliability"."""
    if flag in FLAG_MEANINGS:
        return FLAG_MEANINGS[flag]
    parts = [FLAG_MEANINGS.get(ch, f"unknown flag {ch!r}") for ch in flag]
    return "; ".join(parts)


def missing_by_geo(frame: pd.DataFrame, value: str) -> pd.Series:
    """Percent of rows missing, by geo, highest first."""
    share = frame.groupby("geo")[value].apply(lambda s: 100.0 * s.isna().mean())
    return share.sort_values(ascending=False, kind="mergesort")


def matrix_alt(matrix: pd.DataFrame, table: str) -> str:
    """Text alternative of the coverage heat map (``matrix``: percent of rows with a value, geo × year): its extent,
    the mean coverage, and the countries and years with full and with no coverage, in words."""
    if matrix.empty:
        return f"Heat map of {table}: the table holds no row."
    years = [int(y) for y in matrix.columns]
    cells = pd.Series(matrix.to_numpy().ravel()).dropna()
    full = sorted(matrix.index[(matrix == 100.0).all(axis=1)])
    empty = sorted(matrix.index[(matrix.fillna(0.0) == 0.0).all(axis=1)])
    text = (f"Heat map of the share of rows of {table} with a value, for {len(matrix)} countries and aggregates "
            f"(rows) and the years {years[0]} to {years[-1]} (columns). Over the cells present, "
            f"{fmt.num(cells.mean())} % of rows have a value on average.")
    absent = int(matrix.isna().sum().sum())
    if absent:
        text += f" {absent} country-years are absent from the table."
    text += (f" Complete in every year: {len(full)} of {len(matrix)}." if full else " No country is complete in "
             "every year.")
    if empty:
        text += f" Without any value: {', '.join(map(str, empty))}."
    return text


def flags_alt(flags: pd.DataFrame, table: str) -> str:
    """Text alternative of the stacked bars of flagged values (``flags``: from :func:`flag_counts`): the total
    and, by flag, how many rows carry it."""
    if flags.empty:
        return f"No value of {table} carries a flag."
    by_flag = flags.groupby("flag")["rows"].sum()
    parts = [f"{fmt.count(n)} {describe_flag(f)} ({f})" for f, n in by_flag.items()]
    years = sorted(int(y) for y in flags["year"].unique())
    return (f"Stacked bar chart of the {fmt.count(int(by_flag.sum()))} flagged values of {table} by year "
            f"({years[0]} to {years[-1]}): " + "; ".join(parts) + ".")


def trend_alt(series: pd.DataFrame, label=str) -> str:
    """Text alternative of a line chart of one country's shares (percent) by size class and year (``series``:
    columns ``size_class``, ``year``, ``value``): for each size class, its first and last year and values."""
    rows = series.loc[series["value"].notna()].sort_values("year", kind="mergesort")
    if rows.empty:
        return "Line chart with no value to show."
    parts = []
    for sc, s in rows.groupby("size_class", sort=False):
        first, last = s.iloc[0], s.iloc[-1]
        parts.append(f"{label(sc)} from {fmt.num(first['value'])} % in {int(first['year'])} to "
                     f"{fmt.num(last['value'])} % in {int(last['year'])}")
    return "Line chart of the share of enterprises by size class: " + "; ".join(parts) + "."


# ------------------------------------------------------------------------------------------ the page's texts
def source_line(table: str) -> str:
    """The figures' source line: the attribution of each source the processed ``table`` was built from."""
    meta = process.get_table(table)
    return "; ".join(s["attribution"].removeprefix("Source: ") for s in process.sources_meta(meta))


def matrix_title(table: str) -> str:
    return f"{table}: share of rows with a value, by country and year"


MATRIX_NOTES = ("Blank cells: the country is absent from the table that year. Aggregates (EU27_2020, EA…) are rows "
                "like countries.")


def flags_title(table: str) -> str:
    return f"{table}: flagged values by year and flag"


def flags_notes(flags: pd.DataFrame) -> str:
    """What each flag present in ``flags`` means, in flag order (``b: break in time series; …``)."""
    return "; ".join(f"{f}: {describe_flag(f)}" for f in sorted(flags["flag"].unique()))


def flags_caption(table: str) -> str:
    return f"{table}: flagged values by flag and year (rows)"


def missing_caption(table: str) -> str:
    return f"{table}: the ten countries or aggregates with the largest share of missing values (%)"


def missing_table(missing: pd.Series, label: Callable[[str], str]) -> pd.DataFrame:
    """The reader's table of :func:`missing_by_geo`'s first rows: country or aggregate name, percent missing as
    shown (one decimal, half away from zero)."""
    return pd.DataFrame({"country or aggregate": [label(g) for g in missing.index],
                         "% of rows missing": missing.map(fmt.num).to_list()})


# -------------------------------------------------------------------------------------------------- figures
#: Hatches of the flag bars, in flag order: colour is not the only encoding of the flag.
FLAG_HATCHES = ["", "//", "..", "xx", "\\\\", "++"]


def figure_matrix(matrix: pd.DataFrame, table: str) -> Figure:
    """Heat map of :func:`coverage_matrix` (percent of rows with a value; rows: geo, columns: year)."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, max(4, 0.22 * len(matrix))))  # pragma: no mutate
    im = ax.imshow(matrix.to_numpy(), vmin=0, vmax=100,
                   aspect="auto", cmap="Blues",  # pragma: no mutate
                   )
    ax.set_yticks(range(len(matrix)), matrix.index,
                  fontsize=7,  # pragma: no mutate
                  )
    ax.set_xticks(range(len(matrix.columns)), matrix.columns)
    ax.grid(False)  # pragma: no mutate
    ax.set_title(matrix_title(table))
    fig.colorbar(im, ax=ax, label="% of rows with a value")
    return fig


def figure_flags(flags: pd.DataFrame, table: str) -> Figure:
    """Stacked bars of :func:`flag_counts` (rows) by year, one hatched segment per flag."""
    import matplotlib.pyplot as plt

    pivot = flags.pivot_table(index="year", columns="flag", values="rows", aggfunc="sum", fill_value=0)
    fig, ax = plt.subplots()
    pivot.plot.bar(ax=ax, stacked=True)
    for bars, hatch in zip(ax.containers, FLAG_HATCHES, strict=False):
        for bar in bars:
            bar.set_hatch(hatch)
    ax.set_ylabel("rows")
    ax.set_title(flags_title(table))
    return fig


def figure_trend(eu: pd.DataFrame, sizes: tuple[str, ...], label: Callable[[str], str]) -> Figure:
    """Lines of the EU's share of enterprises using AI (percent) by size class and year, one marker per class."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    for sc, marker in zip(sizes, "osD^v", strict=False):
        s = eu.loc[eu["size_class"] == sc]
        ax.plot(s["year"], s["value"], marker=marker, label=label(sc))
    ax.set_xticks(sorted(eu["year"].unique()))
    ax.set_ylabel("% of enterprises")
    ax.legend(frameon=False, fontsize=8)  # pragma: no mutate
    ax.set_title("European Union: enterprises using AI, by size class")
    return fig
