"""The SME AI-adoption gap: who uses AI, by size class of enterprise, and how far SMEs trail large enterprises.

Data: the ``isoc_eb_ai`` rows of the processed table ``ai_adoption`` (Eurostat, community survey on ICT usage
and e-commerce in enterprises; all activities in scope ``C10-S951_X_K``, i.e. manufacturing, services and
construction, without agriculture, mining and the financial sector).

Units used throughout:

- shares (``value``, ``small``, ``large``, ``overall``): **percent of enterprises** (0-100) of the size class,
  in the unit named by ``unit`` (``PC_ENT``: % of all enterprises of the class; ``PC_ENT_AI_EC``: % of the
  enterprises that considered using AI but do not use it);
- ``gap_pp``: **percentage points**, large − small;
- ``ratio``: **dimensionless**, large / small (how many times more often large enterprises use it);
- flags: Eurostat's, carried as published (``b`` break in series, ``u`` low reliability, ``d`` definition
  differs, ``@C`` confidential). A missing value (Eurostat's ``:``) is NaN, never zero, and any gap or ratio
  computed from it is NaN.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

import numpy as np
import pandas as pd
from pydantic import model_validator

from analysis.chapters.coverage import describe_flag
from analysis.chapters.params import NotebookParams, ParameterError, choice_error, register
from analysis.core import codelists, config, figures
from analysis.core import fmt as nf
from analysis.tables import process

DATASET = "isoc_eb_ai"
#: All activities in the survey's scope (manufacturing, services, construction; no agriculture, mining, finance).
NACE_ALL = "C10-S951_X_K"
SOURCE = "Eurostat (2026), isoc_eb_ai, release of 15 June 2026"

#: The 27 member states (Eurostat geo codes; Greece is EL). Checked against the data in the tests.
EU27_MEMBER_STATES: tuple[str, ...] = (
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "EL", "ES", "FI", "FR", "HR", "HU", "IE", "IT", "LT", "LU",
    "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
)
#: Aggregates in the data (rows that are not countries).
AGGREGATES: tuple[str, ...] = ("EU27_2020", "EA")

COUNTRY_NAMES: dict[str, str] = codelists.COUNTRY_NAMES  # codelists/countries.csv

#: Size classes (persons employed), smallest first, and their labels (codelists/size_classes.csv).
SIZE_LABELS: dict[str, str] = codelists.SIZE_CLASS_LABELS
SIZE_CLASSES: tuple[str, ...] = tuple(SIZE_LABELS)

#: The individual AI technologies asked about (E_AI_TPVSG only from 2025), and the labels of every technology code
#: (codelists/ai_technologies.csv).
TECHNOLOGIES: tuple[str, ...] = codelists.AI_TECHNOLOGIES
TECHNOLOGY_LABELS: dict[str, str] = codelists.AI_TECHNOLOGY_LABELS
#: Reasons for not using AI, asked of enterprises that do not use it, and their labels (codelists/ai_barriers.csv).
BARRIER_LABELS: dict[str, str] = codelists.AI_BARRIER_LABELS
BARRIERS: tuple[str, ...] = tuple(BARRIER_LABELS)
#: First survey year with the new item E_AI_TPVSG: E_AI_TANY from this year is not strictly comparable.
QUESTIONNAIRE_CHANGE_YEAR = 2025
#: Survey years without an AI module.
YEARS_WITHOUT_AI_MODULE: tuple[int, ...] = (2022,)


def label(code: str) -> str:
    """A short English label for a technology, barrier, size class or geo code (the code itself if unknown)."""
    for table in (TECHNOLOGY_LABELS, BARRIER_LABELS, SIZE_LABELS, COUNTRY_NAMES):
        if code in table:
            return table[code]
    return code


# ------------------------------------------------------------------------------------------------ loading
@functools.lru_cache(maxsize=4)
def _load_cached(path: str, mtime_ns: int) -> pd.DataFrame:
    return ai_rows(process.load("ai_adoption"))


def load_adoption() -> pd.DataFrame:
    """The ``isoc_eb_ai`` rows of ``data/processed/ai_adoption.csv`` (cached per file version; a copy)."""
    path = Path(config.processed_dir()) / "ai_adoption.csv"
    if not path.exists():
        raise FileNotFoundError(f"{path} does not exist: run `python -m analysis process`")
    return _load_cached(str(path), path.stat().st_mtime_ns).copy()


def ai_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows of dataset ``isoc_eb_ai`` for all activities in scope (drops the by-activity ``isoc_eb_ain2``)."""
    keep = (frame["dataset"] == DATASET) & (frame["nace"] == NACE_ALL)
    return frame.loc[keep].reset_index(drop=True)


def is_aggregate(geo: str) -> bool:
    """True for EU/euro-area aggregates (EU27_2020, EA, EA20 …), False for countries."""
    return geo in AGGREGATES or geo.startswith(("EU", "EA"))


def member_states_in(frame: pd.DataFrame) -> list[str]:
    """The EU member states present in ``frame`` (sorted)."""
    return sorted(set(frame["geo"]) & set(EU27_MEMBER_STATES))


# ------------------------------------------------------------------------------------------------ selection
def _select(frame: pd.DataFrame, indicator: str, unit: str) -> pd.DataFrame:
    return frame.loc[(frame["indicator"] == indicator) & (frame["unit"] == unit)]


def adoption_series(frame: pd.DataFrame, indicator: str, geo: str, size_classes: list[str] | tuple[str, ...],
                    unit: str = "PC_ENT") -> pd.DataFrame:
    """Share of enterprises (percent, 0-100, of the size class; ``unit`` as in Eurostat) for one indicator and
    geo, by size class and year. Columns: size_class, year, value, flag; sorted by the order of
    ``size_classes`` then year. Missing values stay NaN; years absent from the data are absent (no row for 2022).
    """
    sel = _select(frame, indicator, unit)
    sel = sel.loc[(sel["geo"] == geo) & sel["size_class"].isin(list(size_classes)),
                  ["size_class", "year", "value", "flag"]]
    order = {s: i for i, s in enumerate(size_classes)}
    sel = sel.assign(_o=sel["size_class"].map(order)).sort_values(["_o", "year"], kind="mergesort")
    return sel.drop(columns="_o").reset_index(drop=True)


def value_at(frame: pd.DataFrame, indicator: str, geo: str, size_class: str, year: int,
             unit: str = "PC_ENT") -> tuple[float, str]:
    """One published value (percent) and its flag; ``(nan, "")`` when the row is absent."""
    sel = _select(frame, indicator, unit)
    sel = sel.loc[(sel["geo"] == geo) & (sel["size_class"] == size_class) & (sel["year"] == year)]
    if sel.empty:
        return float("nan"), ""
    if len(sel) > 1:
        raise ValueError(f"{len(sel)} rows for {indicator} {unit} {geo} {size_class} {year}; expected one")
    row = sel.iloc[0]
    return float(row["value"]), str(row["flag"])


def combine_flags(*flags: str) -> str:
    """The distinct non-empty flags, sorted and space-separated (``"b", "", "u"`` → ``"b u"``)."""
    return " ".join(sorted({f for f in flags if isinstance(f, str) and f}))


def has_flag(flags: pd.Series, letter: str) -> pd.Series:
    """True where a flags column (single or combined) contains ``letter`` (``"u"``, ``"b"``, ``"@C"``…)."""
    if letter.startswith(("@", "|")):
        return flags.fillna("").str.split().apply(lambda toks: letter in toks)
    return flags.fillna("").str.split().apply(lambda toks: any(letter in t for t in toks if t[:1] not in "@|"))


# ------------------------------------------------------------------------------------------------ gaps
def size_gap(frame: pd.DataFrame, small: str, large: str, indicator: str, year: int, unit: str = "PC_ENT",
             geos: list[str] | tuple[str, ...] | None = None) -> pd.DataFrame:
    """The size gap per geo in ``year``.

    Columns: geo, small, large (percent of enterprises of each class), gap_pp (percentage points, large − small),
    ratio (large / small, dimensionless), flag_small, flag_large (as published), flags (both combined),
    odds_ratio and log_odds_ratio (:func:`odds_ratio`, dimensionless; NaN at 0 or 100 %). A geo
    present for only one class, or with a missing value, gets NaN gap and ratio (never 0); a zero small share
    gives an infinite ratio, reported as NaN. Sorted by geo.
    """
    sel = _select(frame, indicator, unit)
    sel = sel.loc[sel["year"] == year]
    if geos is not None:
        sel = sel.loc[sel["geo"].isin(list(geos))]
    a = sel.loc[sel["size_class"] == small, ["geo", "value", "flag"]].rename(
        columns={"value": "small", "flag": "flag_small"})
    b = sel.loc[sel["size_class"] == large, ["geo", "value", "flag"]].rename(
        columns={"value": "large", "flag": "flag_large"})
    out = a.merge(b, on="geo", how="outer", validate="one_to_one")
    out["flag_small"] = out["flag_small"].fillna("").astype(str)
    out["flag_large"] = out["flag_large"].fillna("").astype(str)
    out["small"] = out["small"].astype("float64")
    out["large"] = out["large"].astype("float64")
    out["gap_pp"] = out["large"] - out["small"]
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = out["large"] / out["small"]
    out["ratio"] = ratio.where(np.isfinite(ratio))
    out["odds_ratio"] = odds_ratio(out["large"], out["small"])
    out["log_odds_ratio"] = np.log(out["odds_ratio"])
    out["flags"] = [combine_flags(x, y) for x, y in zip(out["flag_small"], out["flag_large"], strict=True)]
    cols = ["geo", "small", "large", "gap_pp", "ratio", "flag_small", "flag_large", "flags", "odds_ratio",
            "log_odds_ratio"]
    return out[cols].sort_values("geo", kind="mergesort").reset_index(drop=True)


def rank_gap(gaps: pd.DataFrame, by: str = "gap_pp", ascending: bool = False,
             exclude: list[str] | tuple[str, ...] = AGGREGATES) -> pd.DataFrame:
    """Rank the rows of a :func:`size_gap` table by ``by`` (``gap_pp`` or ``ratio``): rank 1 = largest gap
    (``ascending=False``). Geos in ``exclude`` (aggregates by default) and NaN gaps get no rank (``<NA>``) and
    come last; ties share the lower rank. Returns the rows sorted with an integer ``rank`` column."""
    out = gaps.copy()
    rankable = ~out["geo"].isin(list(exclude)) & out[by].notna()
    ranks = out.loc[rankable, by].rank(method="min", ascending=ascending)
    out["rank"] = pd.array([pd.NA] * len(out), dtype="Int64")
    out.loc[rankable, "rank"] = ranks.astype("int64").to_numpy()
    out["_unranked"] = ~rankable
    out = out.sort_values(["_unranked", by, "geo"], ascending=[True, ascending, True], kind="mergesort",
                          na_position="last")
    return out.drop(columns="_unranked").reset_index(drop=True)


def odds_ratio(large: float | pd.Series, small: float | pd.Series) -> float | pd.Series:
    """Odds ratio of using AI, large vs small enterprises: ``(L / (100 − L)) / (S / (100 − S))`` with L, S in
    percent (0-100); dimensionless, 1 = the same odds. Its logarithm (log-odds scale) is the usual scale-free
    measure of a gap between shares far from 50 %. NaN when a share is missing, 0 or 100 (odds 0 or infinite)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        ol = np.asarray(large, dtype="float64") / (100.0 - np.asarray(large, dtype="float64"))
        os_ = np.asarray(small, dtype="float64") / (100.0 - np.asarray(small, dtype="float64"))
        out = ol / os_
        ok = np.isfinite(out) & (out > 0)
    out = np.where(ok, out, np.nan)
    if isinstance(large, pd.Series):
        return pd.Series(out, index=large.index, dtype="float64")
    if isinstance(small, pd.Series):
        return pd.Series(out, index=small.index, dtype="float64")
    return float(out)


def questionnaire_break_between(year_from: int, year_to: int,
                                break_year: int = QUESTIONNAIRE_CHANGE_YEAR) -> bool:
    """True when a comparison of ``year_from`` with ``year_to`` spans the questionnaire change (``year_from <
    break_year <= year_to``, either order): the 2025 survey counts one more AI technology."""
    a, b = sorted((int(year_from), int(year_to)))
    return a < break_year <= b


def series_breaks(frame: pd.DataFrame, year_from: int, year_to: int, indicator: str = "E_AI_TANY",
                  size_classes: list[str] | tuple[str, ...] = ("10-249", "GE250"), unit: str = "PC_ENT") -> dict[
        str, list[int]]:
    """Eurostat's own breaks in series (flag ``b``) that a comparison of two years spans, by geo: a ``b`` flags
    the first value after the break, so a break in year t lies between ``year_from`` and ``year_to`` when
    ``year_from < t <= year_to``. Returns ``{geo: [years]}`` for geos with such a break (others absent)."""
    a, b = sorted((int(year_from), int(year_to)))
    sel = _select(frame, indicator, unit)
    sel = sel.loc[sel["size_class"].isin(list(size_classes)) & (sel["year"] > a) & (sel["year"] <= b)
                  & has_flag(sel["flag"], "b")]
    return {str(g): sorted({int(y) for y in d["year"]}) for g, d in sel.groupby("geo", sort=True)}


def break_label(year_from: int, year_to: int, geo_breaks: list[int] | None = None,
                break_year: int = QUESTIONNAIRE_CHANGE_YEAR) -> str:
    """Why a comparison of two years is not like for like ("" when it is): the questionnaire change and/or a
    break in series flagged by Eurostat (``geo_breaks``: its years, from :func:`series_breaks`)."""
    parts = []
    if questionnaire_break_between(year_from, year_to, break_year):
        parts.append(f"questionnaire change in {break_year} (one more AI technology counted)")
    if geo_breaks:
        parts.append("Eurostat break in series (b) in " + ", ".join(map(str, geo_breaks)))
    return "; ".join(parts)


def gap_change(frame: pd.DataFrame, year_from: int, year_to: int, small: str = "10-249", large: str = "GE250",
               indicator: str = "E_AI_TANY", unit: str = "PC_ENT",
               geos: list[str] | tuple[str, ...] | None = None) -> pd.DataFrame:
    """Change of the size gap between two survey years, per geo, labelled when the comparison spans a break.

    Columns: geo, gap_from, gap_to (percentage points), change_pp (gap_to − gap_from, percentage points; > 0 =
    the gap widened), ratio_from, ratio_to, change_ratio (ratio_to − ratio_from; < 0 = large enterprises' lead
    shrank in relative terms), flags_from, flags_to, or_from, or_to (odds ratios), change_log_or (log odds
    ratio to − from; < 0 = the gap narrowed on the log-odds scale), break (:func:`break_label`: why the two
    years are not like for like, "" when they are) and comparable (``break == ""``). NaN when either year is
    missing.
    """
    a = size_gap(frame, small, large, indicator, year_from, unit, geos)
    b = size_gap(frame, small, large, indicator, year_to, unit, geos)
    a = a[["geo", "gap_pp", "ratio", "flags", "odds_ratio"]].rename(
        columns={"gap_pp": "gap_from", "ratio": "ratio_from", "flags": "flags_from", "odds_ratio": "or_from"})
    b = b[["geo", "gap_pp", "ratio", "flags", "odds_ratio"]].rename(
        columns={"gap_pp": "gap_to", "ratio": "ratio_to", "flags": "flags_to", "odds_ratio": "or_to"})
    out = a.merge(b, on="geo", how="outer", validate="one_to_one")
    out["change_pp"] = out["gap_to"] - out["gap_from"]
    out["change_ratio"] = out["ratio_to"] - out["ratio_from"]
    out["change_log_or"] = np.log(out["or_to"]) - np.log(out["or_from"])
    for col in ("flags_from", "flags_to"):
        out[col] = out[col].fillna("").astype(str)
    breaks = series_breaks(frame, year_from, year_to, indicator, (small, large), unit)
    out["break"] = [break_label(year_from, year_to, breaks.get(g)) for g in out["geo"]]
    out["comparable"] = out["break"] == ""
    cols = ["geo", "gap_from", "gap_to", "change_pp", "ratio_from", "ratio_to", "change_ratio", "flags_from",
            "flags_to", "or_from", "or_to", "change_log_or", "break", "comparable"]
    return out[cols].sort_values("geo", kind="mergesort").reset_index(drop=True)


def like_for_like_change(frame: pd.DataFrame, year_from: int, year_to: int, **kwargs) -> pd.DataFrame:
    """:func:`gap_change` for two years without the questionnaire change between them; refuses (ValueError) a
    comparison that spans it. Geos with a break of their own keep ``comparable`` False."""
    if questionnaire_break_between(year_from, year_to):
        raise ValueError(f"{year_from} and {year_to} are not like for like: the questionnaire changed in "
                         f"{QUESTIONNAIRE_CHANGE_YEAR} (one more AI technology counted)")
    return gap_change(frame, year_from, year_to, **kwargs)


def like_for_like_years(years: list[int] | tuple[int, ...],
                        break_year: int = QUESTIONNAIRE_CHANGE_YEAR) -> tuple[int, int] | None:
    """The headline comparison: the latest two consecutive survey years with no questionnaire change between
    them (``[2021, 2023, 2024, 2025]`` → ``(2023, 2024)``); None when there is no such pair."""
    ys = sorted({int(y) for y in years})
    pairs = [(a, b) for a, b in zip(ys, ys[1:], strict=False) if not questionnaire_break_between(a, b, break_year)]
    return pairs[-1] if pairs else None


def technology_gaps(frame: pd.DataFrame, geo: str, year: int, small: str = "10-249", large: str = "GE250",
                    technologies: list[str] | tuple[str, ...] = TECHNOLOGIES, unit: str = "PC_ENT") -> pd.DataFrame:
    """Which AI technologies carry the largest size gap, for one geo and year.

    Columns: indicator, label, small, large (percent of enterprises of each class), gap_pp (percentage points,
    large − small), ratio (large / small), flags. Sorted by gap_pp, largest first; technologies not asked that
    year (NaN) last.
    """
    rows = []
    for ind in technologies:
        g = size_gap(frame, small, large, ind, year, unit, geos=[geo])
        if g.empty:
            rows.append({"indicator": ind, "small": np.nan, "large": np.nan, "gap_pp": np.nan, "ratio": np.nan,
                         "flags": ""})
            continue
        r = g.iloc[0]
        rows.append({"indicator": ind, "small": r["small"], "large": r["large"], "gap_pp": r["gap_pp"],
                     "ratio": r["ratio"], "flags": r["flags"]})
    out = pd.DataFrame(rows, columns=["indicator", "small", "large", "gap_pp", "ratio", "flags"])
    out.insert(1, "label", out["indicator"].map(label).astype(str))
    out = out.sort_values(["gap_pp", "indicator"], ascending=[False, True], kind="mergesort", na_position="last")
    return out.reset_index(drop=True)


@dataclass(frozen=True)
class Barriers:
    """Barrier shares for one geo and year (see :func:`barriers`)."""

    geo: str
    year: int
    unit: str
    #: long: indicator, label, size_class, value (percent), flag
    table: pd.DataFrame
    #: (indicator, size_class) pairs with no value (absent row or Eurostat ``:``)
    missing: list[tuple[str, str]] = field(default_factory=list)

    @property
    def available(self) -> bool:
        return bool(self.table["value"].notna().any())

    def wide(self) -> pd.DataFrame:
        """indicator × size_class, percent; rows ordered by the all-enterprises share (or first class)."""
        w = self.table.pivot_table(index="indicator", columns="size_class", values="value", aggfunc="first",
                                   dropna=False, sort=False)
        cols = [c for c in SIZE_CLASSES if c in w.columns]
        w = w[cols]
        key = "GE10" if "GE10" in w.columns else cols[0]
        return w.sort_values(key, ascending=False, kind="mergesort")


def barriers(frame: pd.DataFrame, geo: str, year: int,
             size_classes: list[str] | tuple[str, ...] = ("10-49", "50-249", "GE250", "GE10"),
             unit: str = "PC_ENT_AI_EC", indicators: list[str] | tuple[str, ...] = BARRIERS) -> Barriers:
    """Reasons for not using AI by size class for one geo and year.

    ``unit="PC_ENT_AI_EC"``: percent of the enterprises of the class that considered using AI but do not use it
    (the denominator differs by class). Published for EU27_2020, EA, 23 member states (not CZ, FR, IE, RO), NO
    and TR; the EU27 value is missing in 2021. The result lists each (indicator, size class) without a value.
    """
    sel = frame.loc[frame["indicator"].isin(list(indicators)) & (frame["unit"] == unit) & (frame["geo"] == geo)
                    & (frame["year"] == year) & frame["size_class"].isin(list(size_classes))]
    grid = pd.MultiIndex.from_product([list(indicators), list(size_classes)], names=["indicator", "size_class"])
    table = (sel.set_index(["indicator", "size_class"])[["value", "flag"]].reindex(grid).reset_index())
    table["flag"] = table["flag"].fillna("").astype(str)
    table.insert(1, "label", table["indicator"].map(label).astype(str))
    missing = [(i, s) for i, s, v in zip(table["indicator"], table["size_class"], table["value"], strict=True)
               if pd.isna(v)]
    return Barriers(geo=geo, year=year, unit=unit, table=table, missing=missing)


def barrier_coverage(frame: pd.DataFrame, unit: str = "PC_ENT_AI_EC",
                     indicators: list[str] | tuple[str, ...] = BARRIERS) -> pd.DataFrame:
    """Number of barrier values present (not missing) by geo × year, in ``unit``; geos absent have no row."""
    sel = frame.loc[frame["indicator"].isin(list(indicators)) & (frame["unit"] == unit)]
    # fill_value=0: a geo with no row at all in a survey year has 0 values in it (pandas would give NaN and crash
    # the integer cast)
    return sel.assign(_has=sel["value"].notna()).pivot_table(index="geo", columns="year", values="_has",
                                                             aggfunc="sum", fill_value=0).astype("int64")


def members_without(frame: pd.DataFrame, indicators: list[str] | tuple[str, ...], unit: str) -> list[str]:
    """EU member states with no value at all for ``indicators`` in ``unit`` (e.g. the barriers: CZ FR IE RO)."""
    sel = frame.loc[frame["indicator"].isin(list(indicators)) & (frame["unit"] == unit) & frame["value"].notna()]
    return sorted(set(EU27_MEMBER_STATES) - set(sel["geo"]))


# ------------------------------------------------------------------------------------------------ trend
def trend_segments(years: list[int] | pd.Series, break_year: int = QUESTIONNAIRE_CHANGE_YEAR) -> list[
        tuple[list[int], str]]:
    """Split survey years into line segments to draw: consecutive years only (no line across 2022, which had no
    AI module), and the step into ``break_year`` drawn separately (style ``"break"``) from the rest
    (``"solid"``); an isolated year is a one-point segment. ``[2021, 2023, 2024, 2025]`` →
    ``[([2021], "solid"), ([2023, 2024], "solid"), ([2024, 2025], "break")]``."""
    ys = sorted({int(y) for y in years})
    runs: list[list[int]] = []
    for y in ys:
        if runs and y == runs[-1][-1] + 1:
            runs[-1].append(y)
        else:
            runs.append([y])
    out: list[tuple[list[int], str]] = []
    for run in runs:
        if break_year in run and run[0] < break_year:
            before = [y for y in run if y < break_year]
            out.append((before, "solid"))
            out.append(([before[-1]] + [y for y in run if y >= break_year], "break"))
        else:
            out.append((run, "solid"))
    return out


# ------------------------------------------------------------------------------------------------ the model
def gap_panel(frame: pd.DataFrame, small: str = "10-249", large: str = "GE250", indicator: str = "E_AI_TANY",
              overall: str = "GE10", unit: str = "PC_ENT",
              geos: list[str] | tuple[str, ...] = EU27_MEMBER_STATES) -> pd.DataFrame:
    """Country-year panel of the size gap and overall adoption, member states only (no aggregates).

    Columns: geo, year, small, large, overall (percent of enterprises of each class; ``overall`` = the class
    ``overall``, all enterprises by default), gap_pp (percentage points, large − small), ratio (large / small),
    flags (all three inputs combined), flag_u (any input flagged low reliability), flag_b (any input with a
    break in series). Only rows where gap and overall are all present are kept; sorted by geo, year.
    """
    bad = [g for g in geos if is_aggregate(g)]
    if bad:
        raise ValueError(f"the panel holds countries only; aggregates given: {', '.join(bad)}")
    years = sorted(_select(frame, indicator, unit)["year"].unique())
    parts = []
    for y in years:
        g = size_gap(frame, small, large, indicator, int(y), unit, geos)
        ov = _select(frame, indicator, unit)
        ov = ov.loc[(ov["year"] == y) & (ov["size_class"] == overall) & ov["geo"].isin(list(geos)),
                    ["geo", "value", "flag"]].rename(columns={"value": "overall", "flag": "flag_overall"})
        g = g.merge(ov, on="geo", how="left", validate="one_to_one")
        g.insert(1, "year", int(y))
        parts.append(g)
    if not parts:
        return pd.DataFrame(columns=["geo", "year", "small", "large", "overall", "gap_pp", "ratio", "flags",
                                     "flag_u", "flag_b"])
    panel = pd.concat(parts, ignore_index=True)
    panel["flag_overall"] = panel["flag_overall"].fillna("").astype(str)
    panel["flags"] = [combine_flags(*t) for t in zip(panel["flag_small"], panel["flag_large"],
                                                     panel["flag_overall"], strict=True)]
    panel["flag_u"] = has_flag(panel["flags"], "u").astype(bool)
    panel["flag_b"] = has_flag(panel["flags"], "b").astype(bool)
    panel = panel.loc[panel["gap_pp"].notna() & panel["overall"].notna()]
    cols = ["geo", "year", "small", "large", "overall", "gap_pp", "ratio", "flags", "flag_u", "flag_b"]
    return panel[cols].sort_values(["geo", "year"], kind="mergesort").reset_index(drop=True)


def panel_flag_summary(panel: pd.DataFrame) -> dict[str, int]:
    """Rows of a :func:`gap_panel` with a low-reliability (``u``) or break (``b``) flag, and in total."""
    return {"rows": len(panel), "u_rows": int(panel["flag_u"].sum()), "b_rows": int(panel["flag_b"].sum()),
            "countries": int(panel["geo"].nunique()), "years": int(panel["year"].nunique())}


@dataclass(frozen=True)
class GapModel:
    """A fitted regression with country-clustered standard errors (see :func:`fit_gap_model`)."""

    formula: str
    method: str
    params: pd.Series
    bse: pd.Series
    pvalues: pd.Series
    nobs: int
    n_clusters: int
    r2: float
    table: pd.DataFrame

    def coef(self, term: str) -> float:
        return float(self.params[term])

    def se(self, term: str) -> float:
        return float(self.bse[term])


def fit_gap_model(panel: pd.DataFrame, formula: str = "gap_pp ~ overall + C(year)", weights: str | None = None,
                  cluster: str = "geo") -> GapModel:
    """Fit ``formula`` on a country-year panel by OLS (or WLS with the column ``weights``) with standard errors
    clustered by ``cluster`` (country): ``cov_type="cluster"``, small-sample correction, t reference
    distribution with G − 1 degrees of freedom (G = number of clusters).

    Default: the gap (percentage points) on overall adoption (percent of all enterprises) with year effects; the
    coefficient of ``overall`` is in percentage points of gap per percentage point of overall adoption. Rows
    with a missing variable are dropped before fitting (so clusters align).
    """
    import statsmodels.formula.api as smf

    names = set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", formula))
    used = [c for c in panel.columns if c in names or c == cluster or c == weights]
    data = panel.dropna(subset=used).reset_index(drop=True)
    groups = pd.factorize(data[cluster])[0]
    n_clusters = int(len(set(groups)))
    if n_clusters < 2:
        raise ValueError(f"clustered standard errors need at least 2 clusters; got {n_clusters}")
    if weights:
        model = smf.wls(formula, data=data, weights=data[weights])
        method = "WLS"
    else:
        model = smf.ols(formula, data=data)
        method = "OLS"
    n_obs, k = model.exog.shape
    if n_obs <= k:
        raise ValueError(f"{formula}: {n_obs} observations for {k} coefficients; too few to fit")
    res = model.fit(cov_type="cluster", cov_kwds={"groups": groups}, use_t=True)
    ci = res.conf_int()
    table = pd.DataFrame({
        "term": res.params.index.astype(str),
        "estimate": res.params.to_numpy(),
        "std_error": res.bse.to_numpy(),
        "t": res.tvalues.to_numpy(),
        "p_value": res.pvalues.to_numpy(),
        "ci_low": ci.iloc[:, 0].to_numpy(),
        "ci_high": ci.iloc[:, 1].to_numpy(),
    })
    return GapModel(formula=formula, method=method, params=res.params, bse=res.bse, pvalues=res.pvalues,
                    nobs=int(res.nobs), n_clusters=n_clusters, r2=float(res.rsquared), table=table)


def gap_trend(panel: pd.DataFrame, outcome: str = "gap_pp", country_effects: bool = True) -> GapModel:
    """Is the gap closing? ``outcome`` (``gap_pp`` in percentage points or ``ratio``) on year effects (first year
    = reference), with country effects by default (change within countries), country-clustered SEs.
    Year coefficients < 0 mean the gap is smaller than in the reference year."""
    if panel["year"].nunique() < 2:
        raise ValueError("a trend needs at least two survey years in the panel")
    formula = f"{outcome} ~ C(year)" + (" + C(geo)" if country_effects else "")
    return fit_gap_model(panel, formula)


def year_effects(model: GapModel) -> pd.DataFrame:
    """The year rows of a model's coefficient table, with the year as an integer column."""
    t = model.table.loc[model.table["term"].str.startswith("C(year)")].copy()
    t.insert(0, "year", t["term"].str.extract(r"\[T\.(\d+)\]")[0].astype("int64"))
    return t.reset_index(drop=True)


# ------------------------------------------------------------------------------------------------ parameters
#: The notebook this chapter module serves (read by ``analysis.chapters.registry``: the one place it is named here).
NOTEBOOK = "sme_adoption_gap"


@register
class SmeGapParams(NotebookParams):
    """Parameters of ``notebooks/sme_adoption_gap.ipynb``.

    ``geo`` and ``reference_geo``: Eurostat geo codes with data for ``indicator`` in both size classes;
    ``year``: a survey year with both values for ``geo`` (None = the latest); ``indicator``: an ``E_AI_T*``
    technology indicator; ``small`` / ``large``: two different size classes.
    """

    notebook: ClassVar[str] = NOTEBOOK
    reads: ClassVar[tuple[str, ...]] = ("ai_adoption",)
    geo: str = "EU27_2020"
    year: int | None = None
    indicator: str = "E_AI_TANY"
    small: str = "10-249"
    large: str = "GE250"
    reference_geo: str = "EU27_2020"

    @model_validator(mode="after")
    def _classes_differ(self) -> SmeGapParams:
        if self.small == self.large:
            raise ValueError(f"small and large must be two different size classes (both are {self.small!r})")
        return self

    def _pc_ent(self) -> pd.DataFrame:
        frame = load_adoption()
        return frame.loc[frame["unit"] == "PC_ENT"]

    def _both(self, frame: pd.DataFrame) -> pd.DataFrame:
        """geo × year rows with values for both size classes of the indicator."""
        sel = frame.loc[(frame["indicator"] == self.indicator) & frame["size_class"].isin([self.small, self.large])
                        & frame["value"].notna()]
        n = sel.groupby(["geo", "year"])["size_class"].nunique()
        return n[n == 2].reset_index()[["geo", "year"]]

    def check_data(self) -> None:
        nb = self.notebook
        frame = self._pc_ent()
        indicators = sorted(i for i in frame["indicator"].unique() if str(i).startswith("E_AI_T"))
        if self.indicator not in indicators:
            raise choice_error(nb, "indicator", self.indicator, indicators)
        classes = [c for c in SIZE_CLASSES if c in set(frame["size_class"])]
        for name in ("small", "large"):
            if getattr(self, name) not in classes:
                raise choice_error(nb, name, getattr(self, name), classes)
        both = self._both(frame)
        geos = sorted(both["geo"].unique())
        for name in ("geo", "reference_geo"):
            if getattr(self, name) not in geos:
                raise choice_error(nb, name, getattr(self, name), geos)
        if self.year is not None:
            years = sorted(int(y) for y in both.loc[both["geo"] == self.geo, "year"])
            if self.year not in years:
                raise choice_error(nb, "year", self.year, years)

    def resolved_year(self) -> int:
        """``year``, or the latest year with both size classes' values for ``geo`` and ``indicator``."""
        if self.year is not None:
            return self.year
        both = self._both(self._pc_ent())
        years = both.loc[both["geo"] == self.geo, "year"]
        if years.empty:
            raise ParameterError(f"{self.notebook}: no year with values for {self.indicator} {self.small} and "
                                 f"{self.large} in {self.geo}")
        return int(years.max())


# ------------------------------------------------------------------------------------------------ text helpers
#: The strategy's figures (COM(2025) 723, section 1, footnote 2: Eurostat isoc_eb_ai), percent, survey year 2024.
STRATEGY_FIGURES: dict[str, float] = {"GE10": 13.5, "10-249": 12.6}
STRATEGY_YEAR = 2024


def fmt(x: float, digits: int = 1) -> str:
    """A number for prose: ``digits`` decimals rounded half away from zero (:func:`analysis.core.fmt.num`: 19.95 →
    ``"20.0"``), ``"n/a"`` when missing."""
    return "n/a" if x is None or pd.isna(x) else nf.num(clean(x), digits)


def clean(x: float) -> float:
    """``x`` without binary floating-point noise (to 9 decimals): differences of Eurostat's two-decimal values
    are exact decimals (40.05 − 10.00 = 30.05, not 30.049999999999997), so that rounding half away from zero to
    the precision shown treats them as the decimals they are. Not a rounding for display."""
    return round(float(x), 9)


def flag_note(flags: pd.Series, names: pd.Series | None = None) -> str:
    """Say which Eurostat flags the plotted values carry (and where): ``"Flagged (hatched): b = break in time
    series (NL)."``; empty flags give ``"No plotted value carries a Eurostat flag."``."""
    where: dict[str, list[str]] = {}
    names = names if names is not None else pd.Series([""] * len(flags), index=flags.index)
    for fl, nm in zip(flags.fillna(""), names, strict=True):
        for tok in str(fl).split():
            where.setdefault(tok, [])
            if nm and nm not in where[tok]:
                where[tok].append(str(nm))
    if not where:
        return "No plotted value carries a Eurostat flag."
    parts = [f"{tok} = {describe_flag(tok)}" + (f" ({', '.join(w)})" if w else "") for tok, w in sorted(where.items())]
    return "Flagged values (hatched): " + "; ".join(parts) + "."


# ------------------------------------------------------------------------------------------------ sentences
# Every sentence the chapter shows is built here from data, numbers through :mod:`analysis.core.fmt` (half away from
# zero). A direction ("widened", "above") is read from the value rounded as shown, so that the words never
# contradict the printed number (a change of 0.04 pp is "unchanged", 0.05 pp rounds to 0.1 and is "widened").
def direction(x: float, decimals: int = 1) -> int:
    """+1, 0 or −1: the sign of ``x`` rounded half away from zero to ``decimals`` (the precision shown)."""
    d = nf.round_half_away(clean(x), decimals)
    return 1 if d > 0 else -1 if d < 0 else 0


def name(geo: str) -> str:
    """A geo's name for readers (``EU27_2020`` → ``EU27``, ``EL`` → ``Greece``)."""
    return label(geo)


def prose(geo: str, start: bool = False) -> str:
    """A geo's name inside a sentence: "the EU27", "the euro area", "the Netherlands", "Denmark" (``start``:
    capitalised, for the start of a sentence)."""
    n = name(geo)
    text = f"the {n}" if geo in ("EU27_2020", "EA", "NL") else n
    return text[:1].upper() + text[1:] if start else text


def names_list(geos: list[str] | tuple[str, ...]) -> str:
    """Country names joined for a sentence: ``France, Sweden``; ``none`` for an empty list."""
    return ", ".join(name(g) for g in geos) or "none"


def strategy_numbers(frame: pd.DataFrame, year: int = STRATEGY_YEAR) -> dict[str, float]:
    """The EU27 shares (percent) behind the strategy's figures: all enterprises (GE10), SMEs, large ones."""
    return {k: value_at(frame, "E_AI_TANY", "EU27_2020", sc, year)[0]
            for k, sc in (("all", "GE10"), ("sme", "10-249"), ("large", "GE250"))}


def strategy_matches(numbers: dict[str, float]) -> bool:
    """Whether the published EU27 shares, rounded half away from zero to one decimal, are the strategy's."""
    return all(pd.notna(numbers[k])
               and nf.round_half_away(numbers[k], 1) == nf.round_half_away(STRATEGY_FIGURES[sc], 1)
               for k, sc in (("all", "GE10"), ("sme", "10-249")))


def strategy_sentence(frame: pd.DataFrame, year: int = STRATEGY_YEAR) -> str:
    """What the data say about the strategy's "13.5 % of enterprises and 12.6 % of SMEs", and what they leave out
    (large enterprises), then the latest EU shares with the questionnaire change stated."""
    n = strategy_numbers(frame, year)
    if any(pd.isna(v) for v in n.values()):
        return f"Eurostat's EU27 shares for {year} are not all available: the strategy's figures cannot be checked."
    same = strategy_matches(n)
    out = (f"The survey of {year} gives, for the EU27, {fmt(n['all'], 2)} % of all enterprises with 10 or more "
           f"persons employed and {fmt(n['sme'], 2)} % of SMEs (10-249) using at least one AI technology; rounded "
           f"to one decimal, {fmt(n['all'])} % and {fmt(n['sme'])} %, "
           + ("the strategy's figures." if same else
              f"not the strategy's {fmt(STRATEGY_FIGURES['GE10'])} % and {fmt(STRATEGY_FIGURES['10-249'])} %.")
           + f" What the sentence leaves out is the other end: {fmt(n['large'], 2)} % of large enterprises, "
           f"{fmt(n['large'] - n['sme'], 2)} pp more than SMEs, or {fmt(n['large'] / n['sme'])} times their share.")
    sel = frame.loc[(frame["indicator"] == "E_AI_TANY") & (frame["geo"] == "EU27_2020") & frame["value"].notna()]
    latest = int(sel["year"].max())
    if latest > year:
        a = value_at(frame, "E_AI_TANY", "EU27_2020", "GE10", latest)[0]
        s = value_at(frame, "E_AI_TANY", "EU27_2020", "10-249", latest)[0]
        out += (f" In {latest} the EU shares were {fmt(a, 2)} % (all) and {fmt(s, 2)} % (SMEs)"
                + (", on a questionnaire that counts one more technology (see caveats)."
                   if questionnaire_break_between(year, latest) else "."))
    return out


def size_sentence(gaps: pd.DataFrame, geo: str, reference: str, year: int, indicator: str, small: str,
                  large: str) -> str:
    """The two classes' shares in ``geo`` and the gap in points, as a ratio and as an odds ratio; the
    reference's gap beside it. ``gaps``: a :func:`size_gap` table holding both geos."""
    g = gaps.set_index("geo")
    what = label(indicator)
    if geo not in g.index or pd.isna(g.loc[geo, "gap_pp"]):
        return f"In {prose(geo)}, {year}, the gap for {what} is not available (a value is missing)."
    r = g.loc[geo]
    out = (f"In {prose(geo)}, {year}, {fmt(r['large'])} % of {label(large)} enterprises and {fmt(r['small'])} % of "
           f"{label(small)} used {what}: a gap of {fmt(r['gap_pp'])} percentage points, {fmt(r['ratio'])} times the "
           f"share, or an odds ratio of {fmt(r['odds_ratio'])}.")
    if r["flags"]:
        out += f" Eurostat flags these values ({r['flags']})."
    if reference != geo and reference in g.index and pd.notna(g.loc[reference, "gap_pp"]):
        q = g.loc[reference]
        out += (f" In {prose(reference)} the gap was {fmt(q['gap_pp'])} pp ({fmt(q['ratio'])} times; odds ratio "
                f"{fmt(q['odds_ratio'])}).")
    return out


def trend_sentence(series: pd.DataFrame, geo: str, indicator: str, small: str, large: str) -> str:
    """The two classes' shares over the like-for-like years (before the questionnaire change), then the step
    into the break year stated as such. ``series``: :func:`adoption_series` rows (size_class, year, value)."""
    s = series.loc[series["value"].notna()].pivot_table(index="year", columns="size_class", values="value")
    what = label(indicator)
    years = [int(y) for y in s.index if pd.notna(s.get(small, pd.Series(dtype=float)).get(y))
             and pd.notna(s.get(large, pd.Series(dtype=float)).get(y))]
    before = [y for y in years if y < QUESTIONNAIRE_CHANGE_YEAR]
    after = [y for y in years if y >= QUESTIONNAIRE_CHANGE_YEAR]
    flagged_b = series.loc[series["size_class"].isin([small, large]) & has_flag(series["flag"], "b"), "year"]
    broken = sorted({int(y) for y in flagged_b if int(y) in before and int(y) > before[0]})
    if broken:
        before = [y for y in before if y >= broken[-1]]
    if not years:
        return (f"{what[:1].upper() + what[1:]} is not available for both size classes in {prose(geo)}: no trend "
                "to show.")
    if len(before) >= 2:
        a, b = before[0], before[-1]
        out = (f"Like for like, between {a} and {b}"
               + (f" (Eurostat flags a break in series in {broken[-1]}, so earlier years are not compared)"
                  if broken else "")
               + f" the share of {label(large)} enterprises using {what} in "
               f"{prose(geo)} went from {fmt(s.loc[a, large])} % to {fmt(s.loc[b, large])} %, that of "
               f"{label(small)} from {fmt(s.loc[a, small])} % to {fmt(s.loc[b, small])} %.")
    else:
        out = (f"{prose(geo, True)} has fewer than two comparable survey years before {QUESTIONNAIRE_CHANGE_YEAR} "
               f"for {what}" + (f" (Eurostat flags a break in series in {broken[-1]})" if broken else "") + ".")
    if after and before:
        z = after[-1]
        out += (f" In {z}, on a questionnaire that counts one more technology, they were {fmt(s.loc[z, large])} % "
                f"and {fmt(s.loc[z, small])} %: the step from {before[-1]} mixes real change with the wider "
                "definition.")
    return out


def ranking_sentence(gaps: pd.DataFrame, geo: str, year: int, small: str, large: str) -> str:
    """Largest and smallest gap among member states, in points, as a ratio and as an odds ratio; where ``geo``
    ranks; the rank correlation of points and odds ratios (Spearman, description of the member states)."""
    members = gaps.loc[gaps["geo"].isin(EU27_MEMBER_STATES) & gaps["gap_pp"].notna()]
    if members.empty:
        return f"No member state has both values in {year}."
    pp_r = rank_gap(members)
    or_r = rank_gap(members, by="odds_ratio")
    or_r = or_r.loc[or_r["rank"].notna()]
    top, bottom = pp_r.iloc[0], pp_r.iloc[-1]
    out = (f"In {year}, among member states, the gap between {label(large)} and {label(small)} enterprises was "
           f"largest in {name(top['geo'])} ({fmt(top['gap_pp'])} pp) and smallest in {name(bottom['geo'])} "
           f"({fmt(bottom['gap_pp'])} pp).")
    if len(or_r) >= 2:
        out += (f" On the odds scale, the largest odds ratio was {name(or_r.iloc[0]['geo'])}'s "
                f"({fmt(or_r.iloc[0]['odds_ratio'])}) and the smallest {name(or_r.iloc[-1]['geo'])}'s "
                f"({fmt(or_r.iloc[-1]['odds_ratio'])}).")
        rho = members["gap_pp"].corr(members["odds_ratio"], method="spearman")
        out += f" The two rankings have a rank correlation of {fmt(rho, 2)}."
    own = pp_r.set_index("geo")["rank"].get(geo, pd.NA)
    out += (f" {prose(geo, True)} is not a member state and is not ranked." if pd.isna(own)
            else f" {prose(geo, True)} ranks {int(own)} of {len(pp_r)} member states by the gap in points.")
    return out


def _moved(x: float, up: str = "widened", down: str = "narrowed", flat: str = "did not change (to 0.1)") -> str:
    d = direction(x)
    return up if d > 0 else down if d < 0 else flat


def closing_sentence(change: pd.DataFrame, year_from: int, year_to: int, reference: str = "EU27_2020") -> str:
    """Is the gap closing? The reference's gap in points, ratio and odds ratio between two years, and how many
    member states' gaps widened or narrowed (in points and on the log-odds scale).

    Across the questionnaire change the sentence says the two years are not like for like and makes no claim of
    a change; member states whose own series has a Eurostat break between the two years are left out of the
    counts and named."""
    if questionnaire_break_between(year_from, year_to):
        r = change.set_index("geo").reindex([reference]).iloc[0]
        return (f"From {year_from} to {year_to} the gap of {prose(reference)} went from {fmt(r['gap_from'])} to "
                f"{fmt(r['gap_to'])} pp and the odds ratio from {fmt(r['or_from'])} to {fmt(r['or_to'])}, but the "
                f"questionnaire changed in {QUESTIONNAIRE_CHANGE_YEAR} (one more AI technology counted): the two "
                "years are not like for like, and the difference is not read as a change of the gap.")
    c = change.set_index("geo")
    out = f"Like for like, between {year_from} and {year_to} (no questionnaire change between them), "
    if reference in c.index and pd.notna(c.loc[reference, "change_pp"]) and not c.loc[reference, "comparable"]:
        r = c.loc[reference]
        out = (f"Between {year_from} and {year_to} the gap of {prose(reference)} went from {fmt(r['gap_from'])} to "
               f"{fmt(r['gap_to'])} pp, but {r['break'].replace('Eurostat', 'Eurostat flags a')}: the two years are "
               "not like for like for it, and the difference is not read as a change. Like for like elsewhere:")
    elif reference in c.index and pd.notna(c.loc[reference, "change_pp"]):
        r = c.loc[reference]
        out += (f"the gap of {prose(reference)} {_moved(r['change_pp'])} in points, from {fmt(r['gap_from'])} to "
                f"{fmt(r['gap_to'])} pp ({nf.signed(clean(r['change_pp']), 1, 'pp')}); as a ratio it went from "
                f"{fmt(r['ratio_from'])} to {fmt(r['ratio_to'])}, and the odds ratio from {fmt(r['or_from'])} to "
                f"{fmt(r['or_to'])} ({_moved(r['change_log_or'], 'wider', 'narrower', 'unchanged')} on the "
                "log-odds scale).")
    else:
        out += f"the gap of {prose(reference)} is not available for both years."
    m = change.loc[change["geo"].isin(EU27_MEMBER_STATES) & change["change_pp"].notna()]
    broken = m.loc[~m["comparable"], "geo"].tolist()
    m = m.loc[m["comparable"]]
    wide = int(sum(direction(x) > 0 for x in m["change_pp"]))
    narrow = int(sum(direction(x) < 0 for x in m["change_pp"]))
    lo = m["change_log_or"].dropna()
    or_down = int(sum(direction(x, 2) < 0 for x in lo))
    out += (f" Among the {len(m)} member states with both years, the gap in points widened in {wide} and "
            f"narrowed in {narrow}; the odds ratio fell in {or_down} of {len(lo)}.")
    if broken:
        out += (" Not counted, because Eurostat flags a break in their series between the two years: "
                f"{names_list(broken)}.")
    return out


def odds_sentence(change: pd.DataFrame, year_from: int, year_to: int, reference: str = "EU27_2020") -> str:
    """Points vs ratio vs odds ratio for the reference between two years: what each scale shows, and that the
    odds ratio is the scale-free one."""
    r = change.set_index("geo").reindex([reference]).iloc[0]
    if pd.isna(r["change_pp"]) or pd.isna(r["change_log_or"]):
        return f"The odds ratios of {prose(reference)} are not available for {year_from} and {year_to}."
    pp_d, ratio_d, or_d = direction(r["change_pp"]), direction(r["change_ratio"], 2), direction(r["change_log_or"], 2)
    words = {1: "wider", -1: "narrower", 0: "unchanged"}
    out = (f"The three scales of the gap of {prose(reference)}, {year_from} to {year_to}: in points it is "
           f"{words[pp_d]} ({fmt(r['gap_from'])} to {fmt(r['gap_to'])} pp), as a ratio of shares {words[ratio_d]} "
           f"({fmt(r['ratio_from'])} to {fmt(r['ratio_to'])}), in odds {words[or_d]} (odds ratio "
           f"{fmt(r['or_from'])} to {fmt(r['or_to'])}).")
    if pp_d != or_d:
        out += (" Points and odds disagree: a gap in points grows mechanically when both shares rise from low "
                "levels, while the odds ratio, which does not depend on the level of the shares, shows whether "
                "large enterprises' relative advantage changed.")
    else:
        out += " Points and odds agree on the direction."
    if r.get("break"):
        out += f" Not like for like: {r['break']}."
    return out


def odds_table(change: pd.DataFrame, year_from: int, year_to: int) -> pd.DataFrame:
    """The gap in points and the odds ratio in two years for the EU27 then every member state, formatted for
    :func:`analysis.core.figures.table` (names, not codes; "n/a" where missing; the break column says why a pair of
    years is not like for like)."""
    order = ["EU27_2020"] + sorted((g for g in change["geo"] if g in EU27_MEMBER_STATES), key=name)
    c = change.set_index("geo").reindex(order)
    return pd.DataFrame({
        "Country": [name(g) for g in order],
        f"Gap {year_from} (pp)": [fmt(x) for x in c["gap_from"]],
        f"Gap {year_to} (pp)": [fmt(x) for x in c["gap_to"]],
        f"Odds ratio {year_from}": [fmt(x) for x in c["or_from"]],
        f"Odds ratio {year_to}": [fmt(x) for x in c["or_to"]],
        "Change of the log odds ratio": [fmt(x, 2) for x in c["change_log_or"]],
        "Not like for like because": [b if isinstance(b, str) and b else "" for b in c["break"]],
    })


def technology_sentence(tech: pd.DataFrame, geo: str, year: int) -> str:
    """Which technology carries the widest gap in points and which the largest odds ratio. ``tech``:
    :func:`technology_gaps`."""
    asked = tech.dropna(subset=["gap_pp"])
    if asked.empty:
        return f"No technology has both values for {prose(geo)} in {year}."
    t0 = asked.iloc[0]
    tr = asked.dropna(subset=["ratio"]).sort_values("ratio", ascending=False, kind="mergesort")
    out = (f"In {prose(geo)}, {year}, the widest gap in points is in {t0['label']} ({fmt(t0['gap_pp'])} pp: "
           f"{fmt(t0['large'])} % of large enterprises against {fmt(t0['small'])} % of SMEs)")
    if not tr.empty:
        out += f"; the widest as a ratio is {tr.iloc[0]['label']} ({fmt(tr.iloc[0]['ratio'])} times)"
    missing = tech.loc[tech["gap_pp"].isna(), "label"].tolist()
    return out + "." + (f" Not available: {', '.join(missing)}." if missing else "")


def barrier_choice(frame: pd.DataFrame, geo: str, year: int,
                   reference: str = "EU27_2020") -> tuple[str, int | None, str]:
    """The geo and year whose barriers can be shown: ``geo`` in ``year`` when published, else the reference
    and/or the latest earlier year with values; returns (geo, year, note saying what was substituted)."""
    cov = barrier_coverage(frame)
    note, b_geo, b_year = [], geo, year
    if b_geo not in cov.index or cov.loc[b_geo].sum() == 0:
        note.append(f"Eurostat publishes no barrier data for {prose(geo)}; shown: {prose(reference)}.")
        b_geo = reference
    if b_geo in cov.index and cov.loc[b_geo].get(b_year, 0) == 0:
        have = [int(y) for y, n in cov.loc[b_geo].items() if n > 0]
        alt = max((y for y in have if y <= b_year), default=max(have) if have else None)
        note.append(f"No barrier values for {prose(b_geo)} in {b_year}; shown: {alt}.")
        b_year = alt
    return b_geo, b_year, " ".join(note)


def barrier_sentence(frame: pd.DataFrame, res: Barriers, note: str = "") -> str:
    """The reason given most often, by small and large enterprises, and cost; where the data are not published."""
    w = res.wide()
    if w.empty or w.iloc[:, 0].isna().all():
        return f"{note} No barrier values for {prose(res.geo)} in {res.year}.".strip()
    top = w.index[0]
    out = (f"{note} Among the enterprises of {prose(res.geo)} that considered using AI but did not use it in "
           f"{res.year}, the reason given most often was '{label(top)}' ({fmt(w.loc[top, 'GE10'])} % of all such "
           f"enterprises; {fmt(w.loc[top, '10-49'])} % of small and {fmt(w.loc[top, 'GE250'])} % of large ones).")
    if "E_AI_BCST" in w.index:
        out += (f" Cost was cited by {fmt(w.loc['E_AI_BCST', '10-49'])} % of small and "
                f"{fmt(w.loc['E_AI_BCST', 'GE250'])} % of large ones.")
    cov = barrier_coverage(frame)
    eu = cov.loc["EU27_2020"] if "EU27_2020" in cov.index else pd.Series(dtype="int64")
    eu_missing = [str(y) for y, n in eu.items() if n == 0]
    out += (" Barrier data (unit: % of enterprises that considered AI but do not use it) are not published for "
            f"{names_list(members_without(frame, BARRIERS, 'PC_ENT_AI_EC'))}"
            + (f"; the EU27 values are missing for {', '.join(eu_missing)}." if eu_missing else "."))
    return out.strip()


def break_list_text(frame: pd.DataFrame, indicator: str = "E_AI_TANY") -> str:
    """Eurostat's breaks in series (``b``) of ``indicator``: ``France 2023; Netherlands 2025`` or ``none``."""
    sel = frame.loc[(frame["indicator"] == indicator) & (frame["unit"] == "PC_ENT") & has_flag(frame["flag"], "b")]
    by = sel.groupby("geo")["year"].apply(lambda y: sorted({int(v) for v in y}))
    return "; ".join(f"{name(g)} {', '.join(map(str, ys))}" for g, ys in sorted(by.items(), key=lambda t: name(t[0]))) \
        or "none"


# ------------------------------------------------------------------------------------------------ between vs within
#: The three designs of :func:`panel_slopes`.
DESIGNS: dict[str, str] = {
    "pooled": "gap_pp ~ overall + C(year)",
    "between": "gap_pp ~ overall",
    "within": "gap_pp ~ overall + C(year) + C(geo)",
}
DESIGN_LABELS: dict[str, str] = {
    "pooled": "pooled (year effects)",
    "between": "between countries (country means)",
    "within": "within countries (country and year effects)",
}


def country_means(panel: pd.DataFrame) -> pd.DataFrame:
    """One row per country: the mean gap (pp) and mean overall adoption (percent) over its panel years."""
    return panel.groupby("geo", as_index=False)[["gap_pp", "overall"]].mean()


def panel_slopes(panel: pd.DataFrame, break_year: int = QUESTIONNAIRE_CHANGE_YEAR) -> pd.DataFrame:
    """The slope of the gap (pp) on overall adoption (percent), pp of gap per point of adoption, by design and
    sample, with standard errors clustered by country.

    Designs: ``pooled`` (year effects; mixes differences between and within countries), ``between`` (OLS on
    country means; one row per country, so the clustered SE is the heteroskedasticity-robust HC1 one) and
    ``within`` (country and year fixed effects: how a country's gap moves with its own adoption). Samples: all
    years, and the years before ``break_year`` (without the questionnaire change). Columns: design, label,
    sample, slope, se, p_value, ci_low, ci_high (95 %, t with G − 1 df), nobs, clusters."""
    rows = []
    pre = panel.loc[panel["year"] < break_year]
    samples = [("all years", panel),
               (f"{int(pre['year'].min())}–{break_year - 1}" if len(pre) else f"before {break_year}", pre)]
    for sample, data in samples:
        for design, formula in DESIGNS.items():
            d = country_means(data) if design == "between" else data
            if design != "between" and data["year"].nunique() < 2:
                formula = formula.replace(" + C(year)", "")
            try:
                m = fit_gap_model(d, formula)
            except ValueError:
                rows.append({"design": design, "label": DESIGN_LABELS[design], "sample": sample, "slope": np.nan,
                             "se": np.nan, "p_value": np.nan, "ci_low": np.nan, "ci_high": np.nan,
                             "nobs": len(d), "clusters": d["geo"].nunique()})
                continue
            t = m.table.set_index("term").loc["overall"]
            rows.append({"design": design, "label": DESIGN_LABELS[design], "sample": sample,
                         "slope": float(t["estimate"]), "se": float(t["std_error"]), "p_value": float(t["p_value"]),
                         "ci_low": float(t["ci_low"]), "ci_high": float(t["ci_high"]), "nobs": m.nobs,
                         "clusters": m.n_clusters})
    return pd.DataFrame(rows)


def _clear(row: pd.Series) -> int:
    """+1 / −1 when the 95 % interval lies above / below zero, 0 when it includes zero or is missing."""
    if pd.isna(row["ci_low"]) or pd.isna(row["ci_high"]):
        return 0
    return 1 if row["ci_low"] > 0 else -1 if row["ci_high"] < 0 else 0


def _slope_text(row: pd.Series) -> str:
    if pd.isna(row["slope"]):
        return f"not estimable: {int(row['nobs'])} country-years"
    return (f"{nf.signed(clean(row['slope']), 2)} pp per point (SE {fmt(row['se'], 2)}, p {_p(row['p_value'])}, "
            f"{int(row['clusters'])} countries)")


def _p(p: float) -> str:
    text = nf.pvalue(p)
    return text if text.startswith("<") else f"= {text}"


def panel_sentence(slopes: pd.DataFrame) -> str:
    """What the panel supports, and only that: the between-country relation and the within-country one (all
    years, and before the break), each said to be clear (95 % interval excluding zero) or not. A within-country
    link is claimed only when the within slope is clearly positive (or negative) in both samples."""
    s = slopes.set_index(["design", "sample"])
    samples = list(dict.fromkeys(slopes["sample"]))
    allyrs, before = samples[0], samples[-1]
    b, w, w0 = s.loc[("between", allyrs)], s.loc[("within", allyrs)], s.loc[("within", before)]
    cb, cw, cw0 = _clear(b), _clear(w), _clear(w0)
    out = "Between countries: " + {
        1: "where a larger share of enterprises uses AI, the gap in points is wider",
        -1: "where a larger share of enterprises uses AI, the gap in points is narrower",
        0: "the gap in points shows no clear relation to the share of enterprises using AI",
    }[cb] + f" ({_slope_text(b)}, on country means). "
    if pd.isna(w["slope"]):
        out += "Within countries the slope cannot be estimated: there is one survey year per country."
    else:
        out += "Within countries (country and year effects), " + {
            1: "in the years a country's adoption was higher its gap was wider",
            -1: "in the years a country's adoption was higher its gap was narrower",
            0: "the data show no clear link between a country's adoption and its gap",
        }[cw] + f" ({_slope_text(w)})"
        if pd.isna(w0["slope"]):
            out += (f"; there are not enough years before the {QUESTIONNAIRE_CHANGE_YEAR} questionnaire break to "
                    "fit it without the break.")
        else:
            out += (f"; without the {QUESTIONNAIRE_CHANGE_YEAR} questionnaire break ({before}) the within slope is "
                    f"{_slope_text(w0)}" + {1: ", clearly positive.", -1: ", clearly negative.",
                                            0: ", not clearly different from zero."}[cw0])
    if cb != 0 and not (cw == cw0 == cb):
        out += (" The relation is a difference between countries; the data do not show that a country's gap "
                "changes this way as its own adoption rises.")
    elif cb != 0 and cw == cw0 == cb:
        out += " The relation holds between countries and within them, with and without the break year."
    out += " (Clear = the 95 % confidence interval excludes zero; standard errors clustered by country.)"
    return out


def slopes_table(slopes: pd.DataFrame) -> pd.DataFrame:
    """:func:`panel_slopes` formatted for :func:`analysis.core.figures.table`."""
    return pd.DataFrame({
        "Design": slopes["label"], "Sample": slopes["sample"],
        "Slope (pp per point)": [fmt(x, 3) for x in slopes["slope"]],
        "Clustered SE": [fmt(x, 3) for x in slopes["se"]],
        "p-value": ["n/a" if pd.isna(p) else nf.pvalue(p) for p in slopes["p_value"]],
        "95 % CI": ["n/a" if pd.isna(a) else f"{fmt(a, 3)} to {fmt(b, 3)}"
                    for a, b in zip(slopes["ci_low"], slopes["ci_high"], strict=True)],
        "Observations": slopes["nobs"].astype(int).astype(str), "Countries": slopes["clusters"].astype(int).astype(str),
    })


def panel_facts(panel: pd.DataFrame) -> str:
    """The panel's size and flags in one sentence."""
    f = panel_flag_summary(panel)
    return (f"The panel has {f['rows']} country-years from {f['countries']} member states over {f['years']} survey "
            f"years; {f['u_rows']} rows carry a low-reliability (u) flag and {f['b_rows']} a break in series (b).")


# ------------------------------------------------------------------------------------------------ 2030 target
#: Decision (EU) 2022/2481 (Digital Decade), Article 4(1)(3)(a): by 2030 at least 75 % of Union enterprises take
#: up cloud computing services, big data and/or artificial intelligence (percent of enterprises).
TARGET_PCT = 75.0
TARGET_YEAR = 2030


def target_path(frame: pd.DataFrame, geo: str, size_classes: tuple[str, ...] = ("GE10", "10-249"),
                indicator: str = "E_AI_TANY") -> pd.DataFrame:
    """The share of enterprises using AI (percent) by size class and year for ``geo``, with flag and
    ``after_break`` (survey year on the wider questionnaire). Missing values stay NaN."""
    s = adoption_series(frame, indicator, geo, size_classes)
    s["after_break"] = s["year"] >= QUESTIONNAIRE_CHANGE_YEAR
    return s


def required_growth(value: float, year: int, target: float = TARGET_PCT,
                    target_year: int = TARGET_YEAR) -> dict[str, float]:
    """What it takes to go from ``value`` (percent) in ``year`` to ``target`` (percent) in ``target_year``:
    ``cagr_pct`` (compound growth of the share, percent per year: (target / value)^(1 / years) − 1) and
    ``pp_per_year`` (straight line, percentage points per year). Zero when the target is already met; NaN when
    the value is missing or zero, or ``year`` is not before ``target_year``."""
    years = target_year - int(year)
    if value is None or pd.isna(value) or value <= 0 or years <= 0:
        return {"years": float(years), "cagr_pct": np.nan, "pp_per_year": np.nan}
    if value >= target:
        return {"years": float(years), "cagr_pct": 0.0, "pp_per_year": 0.0}
    return {"years": float(years), "cagr_pct": 100.0 * ((target / value) ** (1.0 / years) - 1.0),
            "pp_per_year": (target - value) / years}


def combined_indicator_note(frame: pd.DataFrame) -> str:
    """Whether the adoption table holds an indicator of the Digital Decade target itself (cloud, big data
    and/or AI); it holds only the ``E_AI_*`` AI indicators, which the sentence says."""
    inds = sorted(set(frame["indicator"]))
    other = [i for i in inds if not str(i).startswith("E_AI_")]
    if other:
        return f"The table also holds {', '.join(other)}."
    return (f"isoc_eb_ai holds AI indicators only ({len(inds)} of them, all on AI): no indicator of cloud, big "
            "data and/or AI combined, so the target itself cannot be measured here.")


def target_sentence(path: pd.DataFrame, geo: str, frame: pd.DataFrame | None = None) -> str:
    """AI take-up against the Digital Decade line: the path, the growth needed from the latest year to reach 75 %
    by 2030 (compound, % per year; and linear, pp per year), and why the series does not measure the target."""
    p = path.loc[path["value"].notna()]
    out = (f"The Digital Decade target is {fmt(TARGET_PCT, 0)} % of enterprises taking up cloud computing, big "
           f"data and/or AI by {TARGET_YEAR}; the series here counts AI alone, so it is not a measure of the "
           "target's attainment (an enterprise using only cloud services counts towards the target, not here).")
    if frame is not None:
        out += " " + combined_indicator_note(frame)
    if p.empty:
        return out + f" AI take-up is not available for {prose(geo)}."
    parts = []
    for sc, who in (("GE10", "all enterprises"), ("10-249", "SMEs")):
        q = p.loc[p["size_class"] == sc]
        if q.empty:
            parts.append(f"for {who} AI take-up is not available")
            continue
        first, last = q.iloc[0], q.iloc[-1]
        g = required_growth(last["value"], int(last["year"]))
        text = (f"for {who}, AI take-up went from {fmt(first['value'])} % in {int(first['year'])} to "
                f"{fmt(last['value'])} % in {int(last['year'])}" if len(q) > 1 else
                f"for {who}, AI take-up was {fmt(last['value'])} % in {int(last['year'])}")
        if pd.notna(g["cagr_pct"]):
            text += (f"; reaching {fmt(TARGET_PCT, 0)} % by {TARGET_YEAR} would take {fmt(g['cagr_pct'])} % a year "
                     f"(compound growth of the share) or {fmt(g['pp_per_year'])} pp a year (straight line)")
        parts.append(text)
    out += f" In {prose(geo)}, " + "; ".join(parts) + "."
    if bool(p["after_break"].any()) and bool((~p["after_break"]).any()):
        out += (f" The {QUESTIONNAIRE_CHANGE_YEAR} value is on the wider questionnaire (one more AI technology), "
                "so the path's last step is not like for like.")
    return out


# ------------------------------------------------------------------------------------------------ alt text
def bars_alt(what: str, names: list[str] | pd.Series, values: list[float] | pd.Series, unit: str = "%",
             decimals: int = 1, flags: list[str] | pd.Series | None = None, limit: int = 30) -> str:
    """A bar chart's text alternative: what it shows, then each bar's name and value (rounded half away from
    zero; "not available" for NaN; a flag in brackets), at most ``limit`` bars."""
    names, values = list(names), list(values)
    flags = list(flags) if flags is not None else [""] * len(names)
    items = [f"{n} {'not available' if pd.isna(v) else fmt(v, decimals) + (' ' + unit if unit else '')}"
             + (f" ({f})" if f else "") for n, v, f in zip(names, values, flags, strict=True)]
    more = f"; and {len(items) - limit} more" if len(items) > limit else ""
    return f"Bar chart: {what}. " + "; ".join(items[:limit]) + more + "."


def lines_alt(what: str, table: pd.DataFrame, series: str, unit: str = "%", decimals: int = 1) -> str:
    """A line chart's text alternative from long data (``series`` column, year, value): each line's values by
    year."""
    parts = []
    for key, d in table.groupby(series, sort=False):
        d = d.sort_values("year")
        pts = ", ".join(f"{int(y)} {fmt(v, decimals)}"
                        for y, v in zip(d["year"], d["value"], strict=True))
        parts.append(f"{key}: {pts}")
    return f"Line chart: {what} ({unit}). " + "; ".join(parts) + "."


# ------------------------------------------------------------------------------------------------ figure titles
# Each title states the figure's finding in words drawn from the plotted data (numbers rounded as everywhere).
def size_title(gaps: pd.DataFrame, geo: str, year: int, indicator: str) -> str:
    r = gaps.set_index("geo").reindex([geo]).iloc[0]
    if pd.isna(r["gap_pp"]):
        return f"{name(geo)}, {year}: the size gap is not available"
    return (f"{name(geo)}, {year}: {fmt(r['large'], 0)} % of large enterprises use {label(indicator)}, "
            f"{fmt(r['ratio'])} times the SME share")


def target_title(path: pd.DataFrame, geo: str) -> str:
    p = path.loc[path["value"].notna() & (path["size_class"] == "GE10")]
    if p.empty:
        return f"{name(geo)}: AI take-up is not available"
    last = p.iloc[-1]
    return (f"{name(geo)}: {fmt(last['value'])} % of enterprises used AI in {int(last['year'])}; the Digital Decade "
            f"line ({fmt(TARGET_PCT, 0)} % by {TARGET_YEAR}) counts cloud, big data and/or AI")


def ranking_title(gaps: pd.DataFrame, year: int, indicator: str) -> str:
    m = rank_gap(gaps.loc[gaps["geo"].isin(EU27_MEMBER_STATES) & gaps["gap_pp"].notna()])
    if m.empty:
        return f"{year}: no member state has both values"
    return (f"{year}: large enterprises' lead in {label(indicator)} ranges from {fmt(m.iloc[-1]['gap_pp'], 0)} pp "
            f"({name(m.iloc[-1]['geo'])}) to {fmt(m.iloc[0]['gap_pp'], 0)} pp ({name(m.iloc[0]['geo'])})")


def change_title(change: pd.DataFrame, year_from: int, year_to: int) -> str:
    m = change.loc[change["geo"].isin(EU27_MEMBER_STATES) & change["change_pp"].notna() & change["comparable"]]
    wide = int(sum(direction(x) > 0 for x in m["change_pp"]))
    fell = int(sum(direction(x, 2) < 0 for x in m["change_log_or"].dropna()))
    return (f"{year_from}–{year_to}, like for like: the gap in points widened in {wide} of {len(m)} member states; "
            f"the odds ratio fell in {fell}")


def panel_title(slopes: pd.DataFrame) -> str:
    s = slopes.set_index(["design", "sample"])
    b = s.loc[("between", "all years")]
    w = s.loc[("within", slopes["sample"].iloc[-1])]
    if pd.isna(b["slope"]) or pd.isna(w["slope"]):
        return "Member states: the gap against overall adoption (too few survey years to separate between and within)"
    return (f"Between countries the gap is {fmt(b['slope'], 2)} pp wider per point of adoption; within countries "
            f"(before the break) {nf.signed(clean(w['slope']), 2)} pp (SE {fmt(w['se'], 2)})")


# ------------------------------------------------------------------------------------------------ drawing
def hatch_flagged(bars, flags: list[str] | pd.Series) -> None:  # noqa: ANN001 - matplotlib containers
    """Hatch the bars whose flag is not empty (colour is never the only mark of a flagged value)."""
    for bar, fl in zip(bars, list(flags), strict=True):
        if isinstance(fl, str) and fl:
            bar.set_hatch("//")


def draw_trend(ax, series: pd.DataFrame, highlight: tuple[str, ...] = ()) -> None:  # noqa: ANN001
    """Lines by size class over the survey years: no line across 2022 (no AI module), the step into the
    questionnaire change dashed, flagged values circled. ``series``: size_class, year, value, flag."""
    s_all = series.loc[series["value"].notna()]
    for i, sc in enumerate(dict.fromkeys(s_all["size_class"])):
        s = s_all.loc[s_all["size_class"] == sc].set_index("year")["value"]
        colour = figures.PALETTE[i % len(figures.PALETTE)]
        for yrs, style in trend_segments(s.index):
            ax.plot(yrs, s.reindex(yrs).to_numpy(), color=colour,
                    marker="o", ms=4,  # pragma: no mutate
                    linestyle="--" if style == "break" else "-",
                    lw=2.2 if sc in highlight else 1.2,  # pragma: no mutate
                    label=label(sc) if yrs[0] == s.index.min() else None)
        fl = s_all.loc[(s_all["size_class"] == sc) & (s_all["flag"] != "")]
        ax.scatter(fl["year"], fl["value"],
                   s=70, facecolors="none", edgecolors="black", zorder=3,  # pragma: no mutate
                   )
    top = ax.get_ylim()[1]
    ax.axvspan(2021.6, 2022.4,
               color="0.9", zorder=0,  # pragma: no mutate
               )
    ax.text(
            2022, top * 0.97,  # pragma: no mutate
            "no AI module\nin 2022",
            ha="center", va="top", fontsize=8, color="0.35",  # pragma: no mutate
            )
    ax.axvline(QUESTIONNAIRE_CHANGE_YEAR - 0.5,
               color="0.4", ls=":", lw=1,  # pragma: no mutate
               )
    ax.text(
            QUESTIONNAIRE_CHANGE_YEAR - 0.47,  # pragma: no mutate
            top * 0.6,  # pragma: no mutate
            f"{QUESTIONNAIRE_CHANGE_YEAR}: new item\n(pictures, video,\nsound)",
            fontsize=8, color="0.35", va="top",  # pragma: no mutate
            )
    ax.set_xticks(sorted(s_all["year"].unique()))
    ax.legend(
        fontsize=8, frameon=False, loc="upper left", bbox_to_anchor=(1.01, 1),  # pragma: no mutate
    )


def draw_paired_bars(axes, table: pd.DataFrame, columns: list[tuple[str, str]], colours: list[str],
                     ratio: tuple[str, ...] = ()) -> None:  # noqa: ANN001
    """One horizontal bar panel per (column, x label) of ``table`` (which has ``name`` and ``flags``); flagged
    bars hatched; columns in ``ratio`` drawn from 1 (the same odds), a line at 0 otherwise."""
    for ax, (col, xlabel) in zip(axes, columns, strict=True):
        base = 1.0 if col in ratio else 0.0
        bars = ax.barh(table["name"], table[col] - base, left=base, color=colours)
        hatch_flagged(bars, table["flags"])
        ax.axvline(base,
                   color="0.3", lw=0.8,  # pragma: no mutate
                   )
        ax.set_xlabel(xlabel)
        ax.tick_params(axis="y", labelsize=8)  # pragma: no mutate


# ------------------------------------------------------------------------------------------------ chapter figures
# Each ``figure_*`` draws one figure of the chapter and returns (figure, plotted data, the keyword arguments of
# :func:`analysis.core.figures.publish`: name, source, unit, notes and the alt text generated from the plotted data).
def _title(ax, text: str) -> None:  # noqa: ANN001
    import textwrap

    ax.set_title("\n".join(textwrap.wrap(text, 78)))


def figure_share_by_size(frame: pd.DataFrame, gaps: pd.DataFrame, geo: str, year: int, indicator: str,
                         compared: tuple[str, str]) -> tuple:
    import matplotlib.pyplot as plt


    d = adoption_series(frame, indicator, geo, SIZE_CLASSES)
    d = d.loc[d["year"] == year].reset_index(drop=True)
    d.insert(1, "size", d["size_class"].map(label))
    fig, ax = plt.subplots(figsize=(7, 3.6))  # pragma: no mutate
    bars = ax.barh(d["size"], d["value"].fillna(0),
                   color=[figures.PALETTE[1 if s in compared else 0] for s in d["size_class"]])
    hatch_flagged(bars, d["flag"])
    ax.bar_label(bars, [("not available" if pd.isna(v) else f"{fmt(v)} %") + (f" ({f})" if f else "")
                        for v, f in zip(d["value"], d["flag"], strict=True)],
                 padding=3, fontsize=9,  # pragma: no mutate
                 )
    ax.invert_yaxis()
    ax.set_xlabel(f"% of enterprises using {label(indicator)}")
    _title(ax, size_title(gaps, geo, year, indicator))
    return fig, d, {"name": "share-by-size", "source": SOURCE, "unit": "% of enterprises of the size class",
                    "notes": f"{indicator}, unit PC_ENT. Highlighted: the two classes compared. "
                             + flag_note(d["flag"], d["size_class"]),
                    "alt": bars_alt(f"share of enterprises using {label(indicator)} by size class, {name(geo)}, "
                                    f"{year}", d["size"], d["value"], "%", flags=d["flag"])}


def figure_trend(series: pd.DataFrame, geo: str, indicator: str, small: str, large: str) -> tuple:
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    draw_trend(ax, series, highlight=(small, large))
    ax.set_ylabel(f"% of enterprises using {label(indicator)}")
    _title(ax, trend_sentence(series, geo, indicator, small, large).split(". ")[0])
    return fig, series, {
        "name": "trend-by-size", "source": SOURCE, "unit": "% of enterprises of the size class",
        "notes": "No AI module in 2022 (no line drawn across it). Dashed: the 2025 questionnaire added an item "
                 "(generating pictures, video, sound), so 2025 is not strictly comparable with 2024. Circled: "
                 + flag_note(series["flag"], series["size_class"]).replace("(hatched)", ""),
        "alt": lines_alt(f"share of enterprises using {label(indicator)} by size class and year, {name(geo)}",
                         series.assign(size=series["size_class"].map(label)), "size")}


def figure_target(path: pd.DataFrame, geo: str) -> tuple:
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    draw_trend(ax, path)
    ax.axhline(TARGET_PCT,
               color="0.2", lw=1.2, ls="-.",  # pragma: no mutate
               )
    ax.text(
            float(path["year"].min()) if len(path) else 2021,  # pragma: no mutate
            TARGET_PCT - 2,  # pragma: no mutate
            f"{fmt(TARGET_PCT, 0)} %: Digital Decade target for cloud, big data and/or AI (not AI alone)",
            fontsize=8, va="top",  # pragma: no mutate
            )
    ax.set_ylim(0, 80)
    ax.set_ylabel("% of enterprises using AI")
    _title(ax, target_title(path, geo))
    return fig, path, {
        "name": "target-2030", "source": SOURCE, "unit": "% of enterprises",
        "notes": "E_AI_TANY (AI alone), all enterprises (GE10) and SMEs (10-249). The 75 % line of Decision (EU) "
                 "2022/2481 counts enterprises using cloud, big data and/or AI: the AI series is not a measure of "
                 "its attainment. Dashed: the 2025 questionnaire change.",
        "alt": lines_alt(f"share of enterprises using AI, {name(geo)}, against a {fmt(TARGET_PCT, 0)} % line",
                         path.assign(size=path["size_class"].map(label)), "size")}


def _colours(geos: pd.Series, geo: str, reference: str) -> list[str]:
    return [figures.PALETTE[1] if g == geo else figures.PALETTE[3] if g == reference else figures.PALETTE[2]
            if is_aggregate(g) else figures.PALETTE[0] if g in EU27_MEMBER_STATES else "#b0b0b0" for g in geos]


COLOUR_NOTE = ("Orange: the chosen geo; purple: the reference (if different); green: aggregates; blue: member "
               "states; grey: other countries.")


def figure_gap_by_country(gaps: pd.DataFrame, geo: str, reference: str, year: int, indicator: str,
                          small: str, large: str) -> tuple:
    import matplotlib.pyplot as plt

    ranked = rank_gap(gaps.loc[gaps["gap_pp"].notna()])
    plot = ranked.iloc[::-1].reset_index(drop=True)
    plot["name"] = plot["geo"].map(label) + np.where(plot["flags"] != "", " (" + plot["flags"] + ")", "")
    fig, axes = plt.subplots(1, 2, sharey=True,
                             figsize=(9, max(5, 0.24 * len(plot))),  # pragma: no mutate
                             )
    draw_paired_bars(axes, plot, [("gap_pp", "gap, percentage points (large − SMEs)"),
                                  ("odds_ratio", "odds ratio large / SMEs (1 = the same odds)")],
                     _colours(plot["geo"], geo, reference), ratio=("odds_ratio",))
    _title(axes[0], ranking_title(gaps, year, indicator))
    missing = sorted(set(gaps["geo"]) - set(ranked["geo"]))
    return fig, ranked, {
        "name": "gap-by-country", "source": SOURCE, "unit": "percentage points; odds ratio",
        "notes": f"{indicator}, {large} vs {small}. {COLOUR_NOTE} " + flag_note(plot["flags"], plot["geo"])
                 + (f" No gap (a value missing or confidential): {names_list(missing)}." if missing else ""),
        "alt": bars_alt(f"gap in percentage points between large enterprises and SMEs by country, {year}",
                        ranked["geo"].map(label), ranked["gap_pp"], "pp", flags=ranked["flags"])}


def figure_gap_change(change: pd.DataFrame, geo: str, reference: str, year_from: int, year_to: int,
                      indicator: str) -> tuple:
    import matplotlib.pyplot as plt

    plot = change.dropna(subset=["change_pp"]).sort_values("change_pp", kind="mergesort").reset_index(drop=True)
    plot["name"] = plot["geo"].map(label)
    plot["flags"] = np.where(plot["comparable"], "", "b")
    fig, axes = plt.subplots(1, 2, sharey=True,
                             figsize=(9, max(5, 0.24 * len(plot))),  # pragma: no mutate
                             )
    draw_paired_bars(axes, plot, [("change_pp", "change of the gap, percentage points"),
                                  ("change_log_or", "change of the log odds ratio")],
                     _colours(plot["geo"], geo, reference))
    _title(axes[0], change_title(change, year_from, year_to))
    broken = plot.loc[~plot["comparable"], "geo"].tolist()
    return fig, plot, {
        "name": "gap-change", "source": SOURCE, "unit": "percentage points; log odds ratio",
        "notes": f"{indicator}, {year_from} to {year_to}: no questionnaire change between the two years. {COLOUR_NOTE} "
                 f"Hatched: a Eurostat break in series between them, not counted in the text "
                 f"({names_list(broken)}).",
        "alt": bars_alt(f"change of the gap in percentage points, {year_from} to {year_to}", plot["name"],
                        plot["change_pp"], "pp", flags=plot["flags"])}


def figure_technologies(tech: pd.DataFrame, geo: str, year: int, small: str, large: str) -> tuple:
    import matplotlib.pyplot as plt


    asked = tech.dropna(subset=["gap_pp"]).reset_index(drop=True)
    plot = asked.iloc[::-1].reset_index(drop=True)
    fig, ax = plt.subplots(figsize=(8, 0.45 * len(plot) + 1.5))  # pragma: no mutate
    ypos = np.arange(len(plot))
    ax.hlines(ypos, plot["small"], plot["large"],
              color="0.7", lw=3,  # pragma: no mutate
              )
    ax.scatter(plot["small"], ypos, label=label(small),
               color=figures.PALETTE[0], marker="o", zorder=3,  # pragma: no mutate
               )
    ax.scatter(plot["large"], ypos, label=label(large),
               color=figures.PALETTE[1], marker="s", zorder=3,  # pragma: no mutate
               )
    for y_, (g, r, fl, lg) in enumerate(plot[["gap_pp", "ratio", "flags", "large"]].itertuples(index=False)):
        ax.annotate(f"+{fmt(g)} pp (×{fmt(r)})" + (f" [{fl}]" if fl else ""), (lg, y_),
                    xytext=(6, 0), textcoords="offset points", va="center", fontsize=8,  # pragma: no mutate
                    )
    ax.set_yticks(ypos, plot["label"])
    ax.set_xlabel("% of enterprises of the size class")
    ax.legend(frameon=False, fontsize=8, loc="lower right")  # pragma: no mutate
    if len(asked):
        _title(ax, f"{name(geo)}, {year}: {asked.iloc[0]['label']} carries the widest size gap "
                   f"({fmt(asked.iloc[0]['gap_pp'])} pp)")
    return fig, asked, {
        "name": "technology-gaps", "source": SOURCE, "unit": "% of enterprises; percentage points",
        "notes": "Technologies ranked by gap in points; in brackets: ratio large / SMEs. Generating pictures, video, "
                 "sound (E_AI_TPVSG) is asked from 2025 only. "
                 + flag_note(plot["flags"], plot["indicator"]).replace("(hatched)", "[in brackets]"),
        "alt": bars_alt(f"gap in percentage points between large enterprises and SMEs by AI technology, "
                        f"{name(geo)}, {year}", asked["label"], asked["gap_pp"], "pp", flags=asked["flags"])}


def figure_barriers(frame: pd.DataFrame, res: Barriers, note: str) -> tuple:
    import matplotlib.pyplot as plt


    plot, order = res.table.loc[res.table["size_class"] != "GE10"], list(res.wide().index)
    fig, ax = plt.subplots(figsize=(8, 5))  # pragma: no mutate
    for k, sc in enumerate(("10-49", "50-249", "GE250")):
        d = plot.loc[plot["size_class"] == sc].set_index("indicator").reindex(order)
        bars = ax.barh(
                       np.arange(len(order)) + (k - 1) * 0.27,  # pragma: no mutate
                       d["value"], label=label(sc),
                       height=0.27, color=figures.PALETTE[[0, 2, 1][k]],  # pragma: no mutate
                       )
        hatch_flagged(bars, d["flag"].fillna(""))
    ax.set_yticks(np.arange(len(order)), [label(i) for i in order])
    ax.invert_yaxis()
    ax.set_xlabel("% of enterprises that considered AI but do not use it")
    ax.legend(frameon=False, fontsize=8, loc="lower right")  # pragma: no mutate
    ge10 = res.table.loc[res.table["size_class"] == "GE10"].set_index("indicator").reindex(order)
    if order:
        _title(ax, f"{name(res.geo)}, {res.year}: '{label(order[0])}' is the barrier cited most often "
                   f"({fmt(ge10['value'].iloc[0], 0)} %)")
    return fig, res.table, {
        "name": "barriers", "source": SOURCE,
        "unit": "% of enterprises that considered using AI but do not use it (PC_ENT_AI_EC)",
        "notes": (note + " " if note else "") + "Not published for "
                 + names_list(members_without(frame, BARRIERS, "PC_ENT_AI_EC")) + ". Each class has its own "
                 "denominator. " + flag_note(plot["flag"], plot["size_class"]),
        "alt": bars_alt(f"reasons for not using AI, share of all enterprises that considered it, {name(res.geo)}, "
                        f"{res.year}", [label(i) for i in order], ge10["value"], "%")}


def figure_panel(panel: pd.DataFrame, slopes: pd.DataFrame, indicator: str) -> tuple:
    import matplotlib.pyplot as plt


    fig, ax = plt.subplots()
    for i, (y_, d) in enumerate(panel.groupby("year")):
        ax.scatter(d["overall"], d["gap_pp"], label=str(y_),
                   color=figures.PALETTE[i % 6], marker="osD^"[i % 4], s=18,  # pragma: no mutate
                   )
    means = country_means(panel)
    ax.scatter(means["overall"], means["gap_pp"], label="country mean",
               s=50, facecolors="none", edgecolors="black",  # pragma: no mutate
               )
    b = slopes.set_index(["design", "sample"]).loc[("between", "all years"), "slope"]
    xs = np.linspace(means["overall"].min(), means["overall"].max(), 2)
    ax.plot(xs, means["gap_pp"].mean() + b * (xs - means["overall"].mean()), label="between slope",
            color="black", lw=1,  # pragma: no mutate
            )
    ax.set_xlabel(f"overall adoption: % of all enterprises using {label(indicator)}")
    ax.set_ylabel("gap, percentage points (large − SMEs)")
    ax.legend(title="survey year",
              fontsize=8, frameon=False, loc="upper left", bbox_to_anchor=(1.01, 1),  # pragma: no mutate
              )
    _title(ax, panel_title(slopes))
    return fig, panel, {
        "name": "panel-gap-vs-adoption", "source": SOURCE, "unit": "percent; percentage points",
        "notes": f"{len(panel)} country-years, {panel['geo'].nunique()} member states. Line: the slope between "
                 "country means. " + flag_note(panel["flags"], panel["geo"]).replace("(hatched)", ""),
        "alt": "Scatter plot of the gap against overall adoption, member states by survey year. "
               + panel_sentence(slopes)}


# ------------------------------------------------------------------------------------------------ is it closing?
@dataclass(frozen=True)
class Closing:
    """The two comparisons of "is the gap closing?" (see :func:`closing`): ``pair`` (like for like, None when no
    two years are without a break between them) and its :func:`gap_change` table ``change``; ``step`` the years
    across the questionnaire change (None when the chosen year is not after ``pair``) and its table
    ``step_change``; ``texts``: the sentences, by name (closing, odds, break)."""

    pair: tuple[int, int] | None
    change: pd.DataFrame | None
    step: tuple[int, int] | None
    step_change: pd.DataFrame | None
    texts: dict[str, str]


def closing(frame: pd.DataFrame, geo: str, year: int, small: str = "10-249", large: str = "GE250",
            indicator: str = "E_AI_TANY") -> Closing:
    """The like-for-like comparison (the latest two consecutive survey years up to ``year`` with no
    questionnaire change between them) for the EU27, every member state and ``geo``, and the step from the
    pair's last year to ``year`` when that spans the change, with their sentences."""
    years = adoption_series(frame, indicator, geo, [small]).dropna(subset=["value"])["year"]
    pair = like_for_like_years(sorted(int(y) for y in years if y <= year))
    geos = list(EU27_MEMBER_STATES) + ["EU27_2020"] + ([geo] if geo not in EU27_MEMBER_STATES + ("EU27_2020",) else [])
    step = (pair[1], year) if pair and year > pair[1] else None
    kw = {"small": small, "large": large, "indicator": indicator, "geos": geos}
    change = like_for_like_change(frame, *pair, **kw) if pair else None
    step_change = gap_change(frame, *step, **kw) if step else None
    texts = {
        "closing": closing_sentence(change, *pair, geo) if pair else
        f"{prose(geo, True)} has no two survey years up to {year} without a break between them: no like-for-like "
        "change to show.",
        "odds": odds_sentence(change, *pair, geo) if pair else "",
        "break": closing_sentence(step_change, *step, geo) if step else "",
    }
    return Closing(pair=pair, change=change, step=step, step_change=step_change, texts=texts)


def odds_caption(year_from: int, year_to: int) -> str:
    """The caption of an :func:`odds_table`: like for like, or across the questionnaire change."""
    if questionnaire_break_between(year_from, year_to):
        return (f"The gap in points and the odds ratio (large vs SMEs), {year_from} and {year_to}: across the "
                f"{QUESTIONNAIRE_CHANGE_YEAR} questionnaire change, not like for like")
    return (f"The gap in points and the odds ratio (large vs SMEs), {year_from} and {year_to}, like for like: EU27 "
            "and member states")


SLOPES_CAPTION = ("Slope of the gap (pp) on overall adoption (percent), by design and sample; standard errors "
                  "clustered by country")
