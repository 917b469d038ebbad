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

from analysis.params import NotebookParams, ParameterError, choice_error, register

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

COUNTRY_NAMES: dict[str, str] = {
    "AT": "Austria", "BE": "Belgium", "BG": "Bulgaria", "CY": "Cyprus", "CZ": "Czechia", "DE": "Germany",
    "DK": "Denmark", "EE": "Estonia", "EL": "Greece", "ES": "Spain", "FI": "Finland", "FR": "France",
    "HR": "Croatia", "HU": "Hungary", "IE": "Ireland", "IT": "Italy", "LT": "Lithuania", "LU": "Luxembourg",
    "LV": "Latvia", "MT": "Malta", "NL": "Netherlands", "PL": "Poland", "PT": "Portugal", "RO": "Romania",
    "SE": "Sweden", "SI": "Slovenia", "SK": "Slovakia", "EU27_2020": "EU27", "EA": "Euro area",
    "AL": "Albania", "BA": "Bosnia and Herzegovina", "ME": "Montenegro", "MK": "North Macedonia", "NO": "Norway",
    "RS": "Serbia", "TR": "Türkiye",
}

#: Size classes (persons employed), smallest first.
SIZE_CLASSES: tuple[str, ...] = ("10-49", "50-249", "10-249", "GE250", "GE10")
SIZE_LABELS: dict[str, str] = {
    "10-49": "small (10-49)", "50-249": "medium (50-249)", "10-249": "SMEs (10-249)", "GE250": "large (250+)",
    "GE10": "all (10+)",
}

#: The individual AI technologies asked about (E_AI_TPVSG only from 2025).
TECHNOLOGIES: tuple[str, ...] = (
    "E_AI_TTM", "E_AI_TSR", "E_AI_TNLG", "E_AI_TIR", "E_AI_TML", "E_AI_TPA", "E_AI_TAR", "E_AI_TPVSG",
)
TECHNOLOGY_LABELS: dict[str, str] = {
    "E_AI_TANY": "any AI technology",
    "E_AI_TTM": "text mining",
    "E_AI_TSR": "speech recognition",
    "E_AI_TNLG": "natural language generation",
    "E_AI_TIR": "image recognition/processing",
    "E_AI_TML": "machine learning for data analysis",
    "E_AI_TPA": "workflow automation / decision support",
    "E_AI_TAR": "autonomous robots, vehicles, drones",
    "E_AI_TPVSG": "generating pictures, video, sound",
    "E_AI_TGE2": "2 or more AI technologies",
    "E_AI_TGE3": "3 or more AI technologies",
    "E_AI_TX": "no AI technology",
}
#: Reasons for not using AI, asked of enterprises that do not use it.
BARRIERS: tuple[str, ...] = (
    "E_AI_BCST", "E_AI_BLE", "E_AI_BINC", "E_AI_BDDT", "E_AI_BCDP", "E_AI_BLEG", "E_AI_BEC", "E_AI_BNU",
)
BARRIER_LABELS: dict[str, str] = {
    "E_AI_BCST": "costs seem too high",
    "E_AI_BLE": "lack of relevant expertise",
    "E_AI_BINC": "incompatible with existing systems",
    "E_AI_BDDT": "data availability or quality",
    "E_AI_BCDP": "data protection and privacy",
    "E_AI_BLEG": "unclear legal consequences",
    "E_AI_BEC": "ethical considerations",
    "E_AI_BNU": "AI not useful for the enterprise",
}
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
    from analysis import process

    return ai_rows(process.load("ai_adoption"))


def load_adoption() -> pd.DataFrame:
    """The ``isoc_eb_ai`` rows of ``data/processed/ai_adoption.csv`` (cached per file version; a copy)."""
    from analysis import config

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
    ratio (large / small, dimensionless), flag_small, flag_large (as published), flags (both combined). A geo
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
    out["flags"] = [combine_flags(x, y) for x, y in zip(out["flag_small"], out["flag_large"], strict=True)]
    cols = ["geo", "small", "large", "gap_pp", "ratio", "flag_small", "flag_large", "flags"]
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


def gap_change(frame: pd.DataFrame, year_from: int, year_to: int, small: str = "10-249", large: str = "GE250",
               indicator: str = "E_AI_TANY", unit: str = "PC_ENT",
               geos: list[str] | tuple[str, ...] | None = None) -> pd.DataFrame:
    """Change of the size gap between two survey years, per geo.

    Columns: geo, gap_from, gap_to (percentage points), change_pp (gap_to − gap_from, percentage points; > 0 =
    the gap widened), ratio_from, ratio_to, change_ratio (ratio_to − ratio_from; < 0 = large enterprises' lead
    shrank in relative terms), flags_from, flags_to. NaN when either year is missing.
    """
    a = size_gap(frame, small, large, indicator, year_from, unit, geos)
    b = size_gap(frame, small, large, indicator, year_to, unit, geos)
    a = a[["geo", "gap_pp", "ratio", "flags"]].rename(
        columns={"gap_pp": "gap_from", "ratio": "ratio_from", "flags": "flags_from"})
    b = b[["geo", "gap_pp", "ratio", "flags"]].rename(
        columns={"gap_pp": "gap_to", "ratio": "ratio_to", "flags": "flags_to"})
    out = a.merge(b, on="geo", how="outer", validate="one_to_one")
    out["change_pp"] = out["gap_to"] - out["gap_from"]
    out["change_ratio"] = out["ratio_to"] - out["ratio_from"]
    for col in ("flags_from", "flags_to"):
        out[col] = out[col].fillna("").astype(str)
    cols = ["geo", "gap_from", "gap_to", "change_pp", "ratio_from", "ratio_to", "change_ratio", "flags_from",
            "flags_to"]
    return out[cols].sort_values("geo", kind="mergesort").reset_index(drop=True)


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
    return sel.assign(_has=sel["value"].notna()).pivot_table(index="geo", columns="year", values="_has",
                                                             aggfunc="sum").astype("int64")


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
@register
class SmeGapParams(NotebookParams):
    """Parameters of ``notebooks/sme_adoption_gap.ipynb``.

    ``geo`` and ``reference_geo``: Eurostat geo codes with data for ``indicator`` in both size classes;
    ``year``: a survey year with both values for ``geo`` (None = the latest); ``indicator``: an ``E_AI_T*``
    technology indicator; ``small`` / ``large``: two different size classes.
    """

    notebook: ClassVar[str] = "sme_adoption_gap"
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
    """A number for prose: ``digits`` decimals, ``"n/a"`` when missing."""
    return "n/a" if x is None or pd.isna(x) else f"{x:.{digits}f}"


def flag_note(flags: pd.Series, names: pd.Series | None = None) -> str:
    """Say which Eurostat flags the plotted values carry (and where): ``"Flagged (hatched): b = break in time
    series (NL)."``; empty flags give ``"No plotted value carries a Eurostat flag."``."""
    from analysis.coverage import describe_flag

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
