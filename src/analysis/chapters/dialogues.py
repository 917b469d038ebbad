"""Who was heard: the strategy's structured dialogues (Annex 1), its actions (Annex 3) and sector AI adoption.

Units used throughout:

* **participants**: persons attending a dialogue, as stated by the Commission ("Environ N", i.e. *about* N;
  all 19 numbers are approximate round numbers). They count attendances, not distinct persons: someone at two
  dialogues counts twice. A relative band ``b`` turns each approximate N into ``[N·(1-b), N·(1+b)]`` persons;
  sums of bands add the low ends and the high ends (as if every error had the same sign: a conservative band).
* **actions**: counts of Annex 3 rows (Commission actions with a target date), ``flagship`` or ``other``.
* **adoption**: Eurostat ``isoc_eb_ain2``, indicator ``E_AI_TANY`` (enterprises using at least one AI
  technology), ``PC_ENT`` (% of enterprises, 0-100), enterprises with 10+ employees, EU27_2020.
* **days**: calendar days between a dialogue and the strategy's adoption (8 October 2025, the date of
  COM(2025) 723, "Bruxelles, le 8.10.2025" in the strategy's text).

Sectors: Annex 1 names twelve sectors, Annex 3 eleven sector areas (health care and pharmaceuticals merged) with
other names ("Industrie manufacturière" vs "Fabrication, ingénierie et construction"). The committed
``data/raw/strategy/sector_map.csv`` (:func:`load_sector_map`) gives each canonical ``sector`` its Annex 1 name,
the terms naming it in the two multi-sector high-level dialogues, its Annex 3 area and two mappings to an
``isoc_eb_ain2`` NACE code (``primary``, ``alternative``), each with ``comparable`` and a ``reason``.
Sectors are joined to actions through their Annex 3 area: a *unit* is one Annex 3 area with the sectors mapped to
it (``health+pharmaceuticals`` is one unit). A unit is comparable with adoption only if all its sectors are
comparable with the same code.
"""

from __future__ import annotations

import itertools
import math
import re
from pathlib import Path
from typing import ClassVar, Literal

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pydantic import Field

from analysis.chapters.params import NotebookParams, choice_error, register
from analysis.core import codelists, config, fmt
from analysis.core.figures import PALETTE
from analysis.readers.annexes import ACTIONS_SCHEMA, DIALOGUES_SCHEMA, SECTORAL_AREAS_FR, deadline_label, parse_deadline
from analysis.tables import process
from analysis.tables.process import Table

#: The strategy's date: COM(2025) 723 is dated "Bruxelles, le 8.10.2025" (seed 000_81fec92c49a045ae.txt).
ADOPTION_DATE = pd.Timestamp("2025-10-08")
SECTOR_MAP_FILE = "sector_map.csv"
MAPPINGS: tuple[str, ...] = ("primary", "alternative")
#: The sector-adoption series: dataset, indicator, unit, size class, geo.
ADOPTION_DATASET = "isoc_eb_ain2"
ADOPTION_INDICATOR = "E_AI_TANY"
ADOPTION_UNIT = "PC_ENT"
ADOPTION_SIZE = "GE10"
ADOPTION_GEO = "EU27_2020"
#: NACE codes published by isoc_eb_ain2 in the mirror (see the data's SOURCES.md).
NACE_CODES: tuple[str, ...] = (
    "C", "D_E", "F", "G", "H", "I", "J", "L", "M", "N", "C10-S951_X_K", "C10-C12", "C21", "C26", "C29_C30", "ICT",
)  # fmt: skip
#: Formats of Annex 1 in display order, with English labels.
FORMAT_LABELS: dict[str, str] = {
    "open": "Open to all",
    "experts": "Experts only",
    "high-level-open": "High-level: DGs and open to the public",
    "high-level-representatives": "High-level: DGs, consumer and staff representatives",
}
#: Largest number of points for which the rank-correlation test enumerates all n! pairings (8! = 40,320); the
#: correlations on more points get no test (they are described, not tested).
EXACT_MAX_N = 8


# --------------------------------------------------------------------------------------------- parameters
#: The notebook this chapter module serves (read by ``analysis.chapters.registry``: the one place it is named here).
NOTEBOOK = "sector_dialogues"


@register
class DialoguesParams(NotebookParams):
    """Parameters of ``notebooks/sector_dialogues.ipynb``."""

    notebook: ClassVar[str] = NOTEBOOK
    reads: ClassVar[tuple[str, ...]] = ("dialogues", "actions", "ai_adoption", "sector_map")
    #: Add the two high-level dialogues to the per-sector figures (their attendance shared among the sectors
    #: they name). The totals always report both levels.
    include_high_level: bool = False
    #: Relative band for "Environ N": N·(1 ± approx_band). 0 = take the numbers as exact.
    approx_band: float = Field(0.1, ge=0, lt=1)
    #: Which NACE mapping of data/raw/strategy/sector_map.csv to compare sectors with.
    mapping: Literal["primary", "alternative"] = "primary"
    #: Seed of the horizontal jitter in the dialogue-size figure (no statistic depends on it).
    seed: int = 20251008
    #: Survey year of sector adoption; None = the latest year in the data.
    adoption_year: int | None = None

    def check_data(self) -> None:
        if self.adoption_year is None:
            return

        years = adoption_years(process.load("ai_adoption"))
        if self.adoption_year not in years:
            raise choice_error(self.notebook, "adoption_year", self.adoption_year, [None, *years])


# --------------------------------------------------------------------------------------------- sector map
def _comparable_consistent(df: pd.DataFrame) -> pd.Series:
    """Row-wise: ``comparable_<m>`` is true exactly when ``nace_<m>`` is not empty, for both mappings."""
    ok = pd.Series(True, index=df.index)
    for m in MAPPINGS:
        ok &= df[f"comparable_{m}"] == (df[f"nace_{m}"] != "")
    return ok


_nace = pa.Column(str, pa.Check.isin(["", *NACE_CODES]))
_reason = pa.Column(str, pa.Check.str_length(min_value=10))
SECTOR_MAP_SCHEMA = pa.DataFrameSchema(
    {
        "sector": pa.Column(str, pa.Check.str_matches(r"^[a-z][a-z_]*$"), unique=True),
        "sector_en": pa.Column(str, pa.Check.str_length(min_value=1)),
        "annex1_sector_fr": pa.Column(str, pa.Check.str_length(min_value=1), unique=True),
        "annex1_high_level_fr": pa.Column(str),
        "annex3_area_fr": pa.Column(str, pa.Check.isin(["", *SECTORAL_AREAS_FR])),
        "nace_primary": _nace,
        "comparable_primary": pa.Column(bool),
        "reason_primary": _reason,
        "nace_alternative": _nace,
        "comparable_alternative": pa.Column(bool),
        "reason_alternative": _reason,
    },
    checks=[pa.Check(_comparable_consistent,
                     error="comparable_primary / comparable_alternative must be true exactly when the nace code "
                           "is set")],
    strict=True,
    ordered=True,
    name="sector_map",
)


def _to_bool(col: pd.Series) -> pd.Series:
    out = col.str.strip().str.lower().map({"true": True, "false": False})
    if out.isna().any():
        raise ValueError(f"column {col.name!r}: expected true/false, got {col[out.isna()].unique().tolist()}")
    return out.astype(bool)


def load_sector_map(path: Path | str | None = None) -> pd.DataFrame:
    """``data/raw/strategy/sector_map.csv`` (or ``path``), typed (``comparable_*`` bool, the rest text, empty
    cells ``""``) and validated with :data:`SECTOR_MAP_SCHEMA`; raises ``pandera.errors.SchemaError``."""
    df = pd.read_csv(Path(path) if path else config.strategy_dir() / SECTOR_MAP_FILE, dtype=str,
                     keep_default_na=False, encoding="utf-8")
    for m in MAPPINGS:
        if f"comparable_{m}" in df:
            df[f"comparable_{m}"] = _to_bool(df[f"comparable_{m}"])
    return SECTOR_MAP_SCHEMA.validate(df)


def prepare_sector_map(frame: pd.DataFrame) -> pd.DataFrame:
    """Type ``process.load("sector_map")`` (text cells, ``True``/``False``) like :func:`load_sector_map`."""
    df = frame.copy()
    for m in MAPPINGS:
        df[f"comparable_{m}"] = _to_bool(df[f"comparable_{m}"].astype(str))
    return SECTOR_MAP_SCHEMA.validate(df)


def mapping_view(sector_map: pd.DataFrame, mapping: str) -> pd.DataFrame:
    """One mapping of the sector map: columns sector, sector_en, annex1_sector_fr, annex1_high_level_fr,
    annex3_area_fr, nace, comparable, reason."""
    if mapping not in MAPPINGS:
        raise ValueError(f"unknown mapping {mapping!r}; choose one of {', '.join(MAPPINGS)}")
    keep = ["sector", "sector_en", "annex1_sector_fr", "annex1_high_level_fr", "annex3_area_fr"]
    out = sector_map[keep].copy()
    out["nace"] = sector_map[f"nace_{mapping}"]
    out["comparable"] = sector_map[f"comparable_{mapping}"].astype(bool)
    out["reason"] = sector_map[f"reason_{mapping}"]
    return out


def sector_units(sector_map: pd.DataFrame, mapping: str) -> pd.DataFrame:
    """The join units: one per Annex 3 area (a sector without an area is its own unit), in Annex 3's order
    (areas it does not know, then sectors without an area, last, in map order).

    Columns: ``unit`` (sector ids joined with ``+``), ``sectors`` (list), ``annex3_area_fr``, ``nace``,
    ``comparable`` (true only if every sector of the unit is comparable with the same code) and ``reason``
    (the sectors' reasons, prefixed with the sector name when the unit has several).
    """
    view = mapping_view(sector_map, mapping)
    key = view["annex3_area_fr"].where(view["annex3_area_fr"] != "", "sector:" + view["sector"])
    rows = []
    for _, grp in view.groupby(key, sort=False):
        codes = set(grp["nace"])
        comparable = bool(grp["comparable"].all()) and len(codes) == 1
        if len(grp) == 1:
            reason = grp["reason"].iloc[0]
        else:
            reason = "; ".join(f"{r.sector_en}: {r.reason}" for r in grp.itertuples())
            if not comparable:
                reason = "Annex 3 merges these sectors and they have no common code. " + reason
        rows.append({
            "unit": "+".join(grp["sector"]),
            "sectors": list(grp["sector"]),
            "annex3_area_fr": grp["annex3_area_fr"].iloc[0],
            "nace": grp["nace"].iloc[0] if comparable else "",
            "comparable": comparable,
            "reason": reason,
        })
    out = pd.DataFrame(rows)
    rank = {area: i for i, area in enumerate(SECTORAL_AREAS_FR)}
    order = out["annex3_area_fr"].map(lambda a: rank.get(a, len(rank)))
    return out.iloc[order.argsort(kind="stable")].reset_index(drop=True)


# --------------------------------------------------------------------------------------------- inputs
def prepare_dialogues(frame: pd.DataFrame) -> pd.DataFrame:
    """Type ``process.load("dialogues")`` (text cells) as :func:`analysis.readers.annexes.load_dialogues` does: ``date``
    datetime, ``participants`` and ``seed_line`` int, ``participants_approx`` bool; validated."""
    df = frame.copy()
    df["date"] = pd.to_datetime(df["date"], format="%Y-%m-%d")
    for col in ("participants", "seed_line"):
        df[col] = pd.to_numeric(df[col]).astype("int64")
    df["participants_approx"] = _to_bool(df["participants_approx"].astype(str))
    return DIALOGUES_SCHEMA.validate(df)


def prepare_actions(frame: pd.DataFrame) -> pd.DataFrame:
    """Type ``process.load("actions")``: ``deadline_year``/``seed_line`` int, ``deadline_quarter`` Int64 (missing
    for year-only targets), ``open_ended`` bool; validated."""
    df = frame.copy()
    for col in ("deadline_year", "seed_line"):
        df[col] = pd.to_numeric(df[col]).astype("int64")
    df["deadline_quarter"] = pd.to_numeric(df["deadline_quarter"].astype(str).replace("", None)).astype("Int64")
    df["open_ended"] = _to_bool(df["open_ended"].astype(str))
    return ACTIONS_SCHEMA.validate(df)


def sector_adoption(ai_adoption: pd.DataFrame, geo: str = ADOPTION_GEO) -> pd.DataFrame:
    """The isoc_eb_ain2 series (E_AI_TANY, PC_ENT, GE10) for ``geo``: columns nace, year, value (% of
    enterprises, 0-100; NaN = not available), flag."""
    sel = ai_adoption[
        (ai_adoption["dataset"] == ADOPTION_DATASET) & (ai_adoption["indicator"] == ADOPTION_INDICATOR)
        & (ai_adoption["unit"] == ADOPTION_UNIT) & (ai_adoption["size_class"] == ADOPTION_SIZE)
        & (ai_adoption["geo"] == geo)
    ]
    return sel[["nace", "year", "value", "flag"]].sort_values(["nace", "year"]).reset_index(drop=True)


def adoption_years(ai_adoption: pd.DataFrame) -> list[int]:
    """Survey years present in isoc_eb_ain2 (any geo, any activity), ascending."""
    years = ai_adoption.loc[ai_adoption["dataset"] == ADOPTION_DATASET, "year"]
    return sorted(int(y) for y in years.unique())


def resolve_year(ai_adoption: pd.DataFrame, year: int | None) -> int:
    """``year`` if present in isoc_eb_ain2, the latest year when ``None``; ValueError otherwise."""
    years = adoption_years(ai_adoption)
    if not years:
        raise ValueError("no isoc_eb_ain2 rows in the adoption table")
    if year is None:
        return years[-1]
    if year not in years:
        raise ValueError(f"year {year} not in isoc_eb_ain2; years: {years}")
    return year


# --------------------------------------------------------------------------------------------- bands
def participant_band(participants: pd.Series, approx: pd.Series, band: float) -> pd.DataFrame:
    """Low and high ends (persons) of each stated number: ``N·(1-band)``, ``N·(1+band)`` where ``approx`` is
    true, ``N`` itself otherwise. Columns ``participants_low``, ``participants_high`` (float)."""
    if not 0 <= band < 1:
        raise ValueError(f"band must be in [0, 1), got {band}")
    n = participants.astype(float)
    width = np.where(approx.astype(bool), band, 0.0) * n
    return pd.DataFrame({"participants_low": n - width, "participants_high": n + width}, index=participants.index)


def with_band(dialogues: pd.DataFrame, band: float) -> pd.DataFrame:
    """The dialogues with ``participants_low`` / ``participants_high`` (persons) added."""
    return dialogues.join(participant_band(dialogues["participants"], dialogues["participants_approx"], band))


def approx_label(n: int | float, approx: bool = True) -> str:
    """``"≈ 400"`` for an approximate number, ``"400"`` otherwise (whole persons, half away from zero)."""
    text = fmt.num(n, 0, thousands=True)
    return f"≈ {text}" if approx else text


def totals(dialogues: pd.DataFrame, band: float) -> pd.DataFrame:
    """Dialogues and participants by level plus an ``all`` row: columns level, dialogues, participants (persons
    as stated), participants_low, participants_high (sums of the bands)."""
    df = with_band(dialogues, band)
    cols = ["participants", "participants_low", "participants_high"]
    by = df.groupby("level", sort=False).agg(dialogues=("dialogue_id", "size"), **{c: (c, "sum") for c in cols})
    by.loc["all"] = [len(df), *(df[c].sum() for c in cols)]
    out = by.reset_index()
    out["dialogues"] = out["dialogues"].astype("int64")
    out["participants"] = out["participants"].astype("int64")
    return out


# --------------------------------------------------------------------------------------------- sectors
def _high_level_sectors(text: str, view: pd.DataFrame) -> list[str]:
    """Sectors named in a high-level dialogue's sector cell, via each sector's ``annex1_high_level_fr`` terms
    (``|``-separated, verbatim substrings). Raises ValueError if words remain that no term covers."""
    found, rest = [], text
    for row in view.itertuples():
        terms = [t for t in row.annex1_high_level_fr.split("|") if t]
        hit = [t for t in terms if t in text]
        if hit:
            found.append(row.sector)
            for t in hit:
                rest = rest.replace(t, " ")
    residue = re.sub(r"(?:\bet\b|[,;\s])+", " ", rest).strip()
    if residue or not found:
        raise ValueError(f"high-level dialogue sectors {text!r}: not covered by the sector map (left: {residue!r})")
    return found


def assign_dialogues(dialogues: pd.DataFrame, sector_map: pd.DataFrame, band: float,
                     include_high_level: bool) -> pd.DataFrame:
    """Dialogues → canonical sectors, one row per dialogue × sector.

    A sectoral dialogue goes to the sector whose ``annex1_sector_fr`` equals its ``sectors_fr`` (share 1). With
    ``include_high_level``, a high-level dialogue goes to every sector it names, its attendance shared equally
    (share 1/k of k sectors) so that the sectors' participants still add up to the stated total.
    Columns: dialogue_id, sector, level, format, share, participants, participants_low, participants_high (persons
    × share). Raises ValueError for a sector name the map does not know.
    """
    view = mapping_view(sector_map, MAPPINGS[0])
    by_name = dict(zip(view["annex1_sector_fr"], view["sector"], strict=True))
    df = with_band(dialogues, band)
    rows = []
    for r in df.itertuples():
        if r.level == "sectoral":
            if r.sectors_fr not in by_name:
                raise ValueError(f"{r.dialogue_id}: sector {r.sectors_fr!r} is not in the sector map")
            sectors = [by_name[r.sectors_fr]]
        elif include_high_level:
            sectors = _high_level_sectors(r.sectors_fr, view)
        else:
            continue
        share = 1.0 / len(sectors)
        for s in sectors:
            rows.append({"dialogue_id": r.dialogue_id, "sector": s, "level": r.level, "format": r.format,
                         "share": share, "participants": r.participants * share,
                         "participants_low": r.participants_low * share,
                         "participants_high": r.participants_high * share})
    cols = ["dialogue_id", "sector", "level", "format", "share", "participants", "participants_low",
            "participants_high"]
    return pd.DataFrame(rows, columns=cols)


def participation_by_sector(assigned: pd.DataFrame, sector_map: pd.DataFrame) -> pd.DataFrame:
    """Per canonical sector (map order, every sector kept): ``dialogues`` (count of distinct dialogues),
    ``participants`` / ``_low`` / ``_high`` (persons, shared attendance summed) and participants by format
    (``participants_<format>``). Sectors without a dialogue get 0."""
    base = sector_map[["sector", "sector_en"]].copy()
    agg = assigned.groupby("sector").agg(
        dialogues=("dialogue_id", "nunique"), participants=("participants", "sum"),
        participants_low=("participants_low", "sum"), participants_high=("participants_high", "sum"))
    fmt = assigned.pivot_table(index="sector", columns="format", values="participants", aggfunc="sum",
                               fill_value=0.0)
    fmt = fmt.reindex(columns=[f for f in FORMAT_LABELS if f in fmt.columns]).add_prefix("participants_")
    out = base.merge(agg, left_on="sector", right_index=True, how="left").merge(
        fmt, left_on="sector", right_index=True, how="left")
    num = [c for c in out.columns if c not in ("sector", "sector_en")]
    out[num] = out[num].fillna(0.0)
    out["dialogues"] = out["dialogues"].astype("int64")
    return out.reset_index(drop=True)


def participation_by_format(dialogues: pd.DataFrame, band: float, include_high_level: bool) -> pd.DataFrame:
    """Per format (display order): dialogues (count), participants (sum, persons), participants_low/high (sum of
    bands), median and min/max per dialogue (persons as stated)."""
    df = with_band(dialogues, band)
    if not include_high_level:
        df = df[df["level"] == "sectoral"]
    out = df.groupby("format").agg(
        dialogues=("dialogue_id", "size"), participants=("participants", "sum"),
        participants_low=("participants_low", "sum"), participants_high=("participants_high", "sum"),
        median=("participants", "median"), min=("participants", "min"), max=("participants", "max"))
    out = out.reindex([f for f in FORMAT_LABELS if f in out.index])
    out.insert(0, "format_en", [FORMAT_LABELS[f] for f in out.index])
    return out.reset_index()


# --------------------------------------------------------------------------------------------- open vs experts
def open_vs_experts(dialogues: pd.DataFrame, band: float = 0.0) -> dict[str, float | int | bool]:
    """Participants per sectoral dialogue, ``open`` vs ``experts`` (persons as stated).

    Returns n and median of each group, ``median_ratio`` (open / experts), ``mean_ratio``; the Mann–Whitney U of
    open vs experts with its exact two-sided p (``p_exact``, scipy ``method="exact"``, which assumes no ties) and
    the exact permutation p of U over all C(n, n_open) splits (``p_permutation``; valid with ties);
    ``rank_biserial`` = 2U/(n_open·n_experts) − 1 (1 = every open dialogue larger than every expert one); and
    ``separated_within_band``: whether the smallest open dialogue's low end still exceeds the largest expert
    dialogue's high end under the relative ``band``.
    """
    sec = with_band(dialogues[dialogues["level"] == "sectoral"], band)
    a = sec.loc[sec["format"] == "open"]
    b = sec.loc[sec["format"] == "experts"]
    x, y = a["participants"].to_numpy(float), b["participants"].to_numpy(float)
    if len(x) == 0 or len(y) == 0:
        raise ValueError("need sectoral dialogues of both formats (open, experts)")
    from scipy import stats  # scipy.stats costs half a second to import: only when a test is computed
    mw = stats.mannwhitneyu(x, y, alternative="two-sided", method="exact")

    def u_stat(s1: np.ndarray, s2: np.ndarray, axis: int = -1) -> np.ndarray:
        return stats.mannwhitneyu(s1, s2, axis=axis, method="asymptotic").statistic

    perm = stats.permutation_test((x, y), u_stat, permutation_type="independent", vectorized=True,
                                  n_resamples=np.inf, alternative="two-sided")
    return {
        "n_open": len(x), "n_experts": len(y),
        "median_open": float(np.median(x)), "median_experts": float(np.median(y)),
        "median_ratio": float(np.median(x) / np.median(y)), "mean_ratio": float(x.mean() / y.mean()),
        "u": float(mw.statistic), "p_exact": float(mw.pvalue), "p_permutation": float(perm.pvalue),
        "rank_biserial": float(2 * mw.statistic / (len(x) * len(y)) - 1),
        "separated_within_band": bool(a["participants_low"].min() > b["participants_high"].max()),
    }


def format_glm(dialogues: pd.DataFrame) -> dict[str, float]:
    """Negative-binomial regression of participants (persons as stated) on format, sectoral dialogues:
    ``rate_ratio`` = expected participants of an open dialogue / an expert one, its 95 % Wald interval
    (``low``, ``high``), its p-value and the dispersion ``alpha`` (NB2). statsmodels ``negativebinomial``."""
    import statsmodels.formula.api as smf

    sec = dialogues.loc[dialogues["level"] == "sectoral", ["participants", "format"]].copy()
    sec["is_open"] = (sec["format"] == "open").astype(int)
    fit = smf.negativebinomial("participants ~ is_open", sec).fit(disp=0)
    ci = fit.conf_int().loc["is_open"]
    return {"rate_ratio": float(np.exp(fit.params["is_open"])), "low": float(np.exp(ci.iloc[0])),
            "high": float(np.exp(ci.iloc[1])), "p": float(fit.pvalues["is_open"]),
            "alpha": float(fit.params["alpha"]), "n": int(fit.nobs), "converged": bool(fit.mle_retvals["converged"])}


# --------------------------------------------------------------------------------------------- timeline
def timeline(dialogues: pd.DataFrame, adoption: pd.Timestamp = ADOPTION_DATE) -> pd.DataFrame:
    """Dialogues by date with ``days_before`` (calendar days from the dialogue to ``adoption``), oldest first."""
    out = dialogues[["dialogue_id", "level", "sectors_en", "date", "format", "participants"]].copy()
    out["days_before"] = (adoption - out["date"]).dt.days.astype("int64")
    return out.sort_values(["date", "dialogue_id"]).reset_index(drop=True)


# --------------------------------------------------------------------------------------------- actions
def actions_by_area(actions: pd.DataFrame) -> pd.DataFrame:
    """Actions (count) per Annex 3 area × kind, in the annex's order: area_fr, area_en, sectoral (bool: one of
    the eleven sector areas), flagship, other, total."""
    order = list(dict.fromkeys(actions["area_fr"]))
    counts = pd.crosstab(actions["area_fr"], actions["kind"]).reindex(index=order, columns=["flagship", "other"],
                                                                       fill_value=0)
    names = actions.drop_duplicates("area_fr").set_index("area_fr")["area_en"]
    out = counts.reset_index()
    out.insert(1, "area_en", out["area_fr"].map(names))
    out.insert(2, "sectoral", out["area_fr"].isin(SECTORAL_AREAS_FR))
    out["total"] = out["flagship"] + out["other"]
    out.columns.name = None
    return out


def deadline_periods(actions: pd.DataFrame) -> pd.DataFrame:
    """Each action's deadline as a period: ``period`` ("Q4 2025", or "2026 (year only)"), ``order`` (year + quarter
    / 10, year-only after Q4: year + 0.5), ``label`` (:func:`analysis.readers.annexes.deadline_label`)."""
    out = actions[["action_id", "area_en", "kind", "deadline_text", "deadline_year", "deadline_quarter",
                   "open_ended"]].copy()
    q = out["deadline_quarter"]
    out["period"] = [f"{y} (year only)" if pd.isna(qq) else f"Q{int(qq)} {y}"
                     for y, qq in zip(out["deadline_year"], q, strict=True)]
    out["order"] = out["deadline_year"] + q.astype("Float64").fillna(5.0).astype(float) / 10
    out["label"] = [deadline_label(parse_deadline(t)) for t in out["deadline_text"]]
    return out


def deadlines_by_quarter(actions: pd.DataFrame) -> pd.DataFrame:
    """Actions (count) per deadline period × kind × open-ended, on the full grid of quarters from Q1 of the first
    deadline year to Q4 of the last (empty quarters kept as 0), plus a "year only" period after each year's Q4
    that has any. Columns: period, order, year, quarter (Int64; missing for year only), kind, open_ended, actions.
    """
    per = deadline_periods(actions)
    years = range(int(per["deadline_year"].min()), int(per["deadline_year"].max()) + 1)
    grid = [(f"Q{q} {y}", y + q / 10, y, q) for y in years for q in range(1, 5)]
    grid += [(f"{y} (year only)", y + 0.5, y, pd.NA) for y in years if f"{y} (year only)" in set(per["period"])]
    periods = pd.DataFrame(grid, columns=["period", "order", "year", "quarter"])
    full = periods.merge(pd.DataFrame({"kind": ["flagship", "other"]}), how="cross").merge(
        pd.DataFrame({"open_ended": [False, True]}), how="cross")
    counts = per.groupby(["period", "kind", "open_ended"]).size().rename("actions").reset_index()
    out = full.merge(counts, on=["period", "kind", "open_ended"], how="left")
    out["actions"] = out["actions"].fillna(0).astype("int64")
    out["quarter"] = out["quarter"].astype("Int64")
    out["year"] = out["year"].astype("int64")
    return out.sort_values(["order", "kind", "open_ended"]).reset_index(drop=True)


# --------------------------------------------------------------------------------------------- per-sector table
def sector_table(assigned: pd.DataFrame, actions: pd.DataFrame, sector_map: pd.DataFrame,
                 adoption: pd.DataFrame, mapping: str, year: int) -> pd.DataFrame:
    """One row per unit (Annex 3 sector area), every unit kept, comparable or not.

    ``assigned``: :func:`assign_dialogues`; ``adoption``: :func:`sector_adoption` (one geo). Columns: unit,
    area_en, sectors_en, dialogues (distinct dialogues), participants / participants_low / participants_high
    (persons), flagship, other, actions (counts), nace, comparable, status (``comparable``, ``not comparable``
    or ``no value <year>``), adoption (% of enterprises, NaN unless comparable and published), flag, year, reason.
    """
    units = sector_units(sector_map, mapping)
    sector_to_unit = {s: u for u, ss in zip(units["unit"], units["sectors"], strict=True) for s in ss}
    a = assigned.assign(unit=assigned["sector"].map(sector_to_unit))
    dia = a.groupby("unit").agg(dialogues=("dialogue_id", "nunique"), participants=("participants", "sum"),
                                participants_low=("participants_low", "sum"),
                                participants_high=("participants_high", "sum"))
    act = pd.crosstab(actions["area_fr"], actions["kind"]).reindex(columns=["flagship", "other"], fill_value=0)
    area_en = actions.drop_duplicates("area_fr").set_index("area_fr")["area_en"]
    names = sector_map.set_index("sector")["sector_en"]
    out = units.merge(dia, left_on="unit", right_index=True, how="left")
    out = out.merge(act, left_on="annex3_area_fr", right_index=True, how="left")
    for col in ("dialogues", "flagship", "other"):
        out[col] = out[col].fillna(0).astype("int64")
    for col in ("participants", "participants_low", "participants_high"):
        out[col] = out[col].fillna(0.0).astype(float)
    out["actions"] = out["flagship"] + out["other"]
    out["sectors_en"] = [" + ".join(names[s] for s in ss) for ss in out["sectors"]]
    out["area_en"] = out["annex3_area_fr"].map(area_en).fillna(out["sectors_en"])
    ad = adoption.loc[adoption["year"] == year].set_index("nace")
    out["adoption"] = [float(ad.at[c, "value"]) if ok and c in ad.index else np.nan
                       for c, ok in zip(out["nace"], out["comparable"], strict=True)]
    out["flag"] = [str(ad.at[c, "flag"]) if ok and c in ad.index else ""
                   for c, ok in zip(out["nace"], out["comparable"], strict=True)]
    out["status"] = np.where(~out["comparable"], "not comparable",
                             np.where(out["adoption"].isna(), f"no value {year}", "comparable"))
    out["year"] = year
    cols = ["unit", "area_en", "sectors_en", "dialogues", "participants", "participants_low", "participants_high",
            "flagship", "other", "actions", "nace", "comparable", "status", "adoption", "flag", "year", "reason"]
    return out[cols]


# --------------------------------------------------------------------------------------------- sector adoption
#: English names of the isoc_eb_ain2 activities (NACE Rev. 2 codes as Eurostat publishes them; codelists/nace_ain2.csv).
NACE_LABELS: dict[str, str] = codelists.NACE_AIN2_LABELS
#: The all-activities aggregate of isoc_eb_ain2 (manufacturing and services, 10+ employees, finance excluded).
NACE_ALL = "C10-S951_X_K"
#: Sectors the survey measures only in part, with what it leaves out (checked against sector_map.csv's reasons).
PARTIAL_COVERAGE: dict[str, str] = {
    "agrifood": "food, beverages and tobacco manufacturing only: agriculture (NACE A) is outside the survey",
}


def nace_label(code: str) -> str:
    """``"H"`` → ``"transportation and storage (H)"``; an unknown code is returned as it is."""
    return f"{NACE_LABELS[code]} ({code})" if code in NACE_LABELS else code


def value_text(value: float, flag: str = "", decimals: int = 1) -> str:
    """A published percentage with its Eurostat flag: ``"12.5"``, ``"12.5 u"``; missing → ``"not available"``."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return "not available"
    return f"{fmt.num(value, decimals)} {flag}".strip()


def flagship_adoption(sector_map: pd.DataFrame, adoption: pd.DataFrame, mapping: str) -> pd.DataFrame:
    """AI adoption of each of the strategy's sectors (map order, every sector kept), from ``adoption``
    (:func:`sector_adoption`, one geo).

    Columns: sector, sector_en, nace, activity (:func:`nace_label`), coverage (``covered``, ``partly covered``
    (:data:`PARTIAL_COVERAGE`) or ``not covered``), reason (the map's), then for each survey year ``y`` present:
    ``value_<y>`` (% of enterprises with 10+ employees using AI, NaN = not published) and ``flag_<y>``.
    """
    view = mapping_view(sector_map, mapping)
    wide = adoption.pivot_table(index="nace", columns="year", values="value", aggfunc="first", dropna=False)
    flags = adoption.pivot_table(index="nace", columns="year", values="flag", aggfunc="first")
    years = sorted(int(y) for y in adoption["year"].unique())
    out = view[["sector", "sector_en", "nace", "comparable", "reason"]].copy()
    out["activity"] = [nace_label(c) if ok else "" for c, ok in zip(out["nace"], out["comparable"], strict=True)]
    out["coverage"] = [("partly covered" if s in PARTIAL_COVERAGE else "covered") if ok else "not covered"
                       for s, ok in zip(out["sector"], out["comparable"], strict=True)]
    for y in years:
        out[f"value_{y}"] = [float(wide.at[c, y]) if ok and c in wide.index and y in wide.columns else np.nan
                             for c, ok in zip(out["nace"], out["comparable"], strict=True)]
        out[f"flag_{y}"] = [str(flags.at[c, y]) if ok and c in flags.index and y in flags.columns
                            and isinstance(flags.at[c, y], str) else ""
                            for c, ok in zip(out["nace"], out["comparable"], strict=True)]
    return out.drop(columns=["comparable"]).reset_index(drop=True)


def all_activities(adoption: pd.DataFrame, year: int) -> tuple[float, str]:
    """The all-activities value (:data:`NACE_ALL`, % of enterprises) and its flag in ``year``; NaN if absent."""
    row = adoption[(adoption["nace"] == NACE_ALL) & (adoption["year"] == year)]
    if row.empty:
        return float("nan"), ""
    return float(row["value"].iloc[0]), str(row["flag"].iloc[0] or "")


def flagship_adoption_sentence(fa: pd.DataFrame, year: int, average: float) -> str:
    """What the sector levels show in ``year``: how many sectors are measured, the lowest and highest (with the
    activity measured), how many lie above / below ``average`` (all activities, %), and which sectors the
    survey does not cover or covers in part. Sectors sharing one activity are named together."""
    col, fcol = f"value_{year}", f"flag_{year}"
    have = fa[fa[col].notna()]
    gone = fa[fa["coverage"] == "not covered"]
    parts = []
    if have.empty:
        parts.append(f"No sector of the strategy has an adoption value for {year}")
    else:
        lo, hi = have[col].min(), have[col].max()
        lo_names = " and ".join(have.loc[have[col] == lo, "sector_en"])
        hi_names = " and ".join(have.loc[have[col] == hi, "sector_en"])
        lo_act = have.loc[have[col] == lo, "activity"].iloc[0]
        hi_act = have.loc[have[col] == hi, "activity"].iloc[0]
        lo_flag = have.loc[have[col] == lo, fcol].iloc[0]
        hi_flag = have.loc[have[col] == hi, fcol].iloc[0]
        parts.append(
            f"In {year}, {len(have)} of the strategy's {len(fa)} sectors can be measured: the share of enterprises "
            f"using AI ranges from {value_text(lo, lo_flag)} % in {lo_names} ({lo_act}) to "
            f"{value_text(hi, hi_flag)} % in {hi_names} ({hi_act})")
        if not np.isnan(average):
            above = int((have[col] > average).sum())
            below = int((have[col] < average).sum())
            parts[-1] += (f"; {above} lie above and {below} below the {fmt.num(average)} % of all activities in "
                          "the survey")
    if len(gone):
        parts.append("The survey does not measure " + ", ".join(gone["sector_en"]) + " (outside its scope or no "
                     "matching activity)")
    for s in fa.loc[fa["coverage"] == "partly covered", "sector"]:
        name = fa.loc[fa["sector"] == s, "sector_en"].iloc[0]
        parts.append(f"{name} is measured by {PARTIAL_COVERAGE[s]}")
    return ". ".join(parts) + "."


def unmeasured_actions_sentence(st: pd.DataFrame) -> str:
    """How many of the sector actions (:func:`sector_table`) fall in areas without an adoption value, and whether
    the area with most actions is one of them (first in the annex's order on ties)."""
    gone = st[st["status"] != "comparable"]
    total = int(st["actions"].sum())
    top = st.sort_values("actions", ascending=False, kind="mergesort").iloc[0]
    text = (f"{int(gone['actions'].sum())} of the {total} sector actions concern areas without an adoption value "
            f"({len(gone)} of {len(st)} areas)")
    if top["status"] != "comparable":
        text += f", among them the area with most actions, {top['area_en']} ({top['actions']})"
    else:
        text += f"; the area with most actions, {top['area_en']} ({top['actions']}), is measured"
    return text + "."


def flagship_adoption_table(fa: pd.DataFrame) -> pd.DataFrame:
    """Reader's table of :func:`flagship_adoption`: Sector, Activity measured, one column per year (value with
    its flag, ``–`` when not published or not covered), Coverage."""
    years = [int(c.split("_")[1]) for c in fa.columns if c.startswith("value_")]
    out = pd.DataFrame({"Sector": fa["sector_en"], "Activity measured (NACE)": fa["activity"].replace("", "–")})
    for y in years:
        out[f"{y} (%)"] = ["–" if np.isnan(v) else value_text(v, f)
                           for v, f in zip(fa[f"value_{y}"], fa[f"flag_{y}"], strict=True)]
    out["Coverage"] = [c if c != "partly covered" else f"partly covered: {PARTIAL_COVERAGE.get(s, '')}"
                       for c, s in zip(fa["coverage"], fa["sector"], strict=True)]
    return out


def flagship_adoption_alt(fa: pd.DataFrame, year: int, average: float) -> str:
    """Text alternative of the sector-adoption figure: the bars in descending order with their values."""
    col = f"value_{year}"
    have = fa[fa[col].notna()].sort_values(col, ascending=False, kind="mergesort")
    bars = "; ".join(f"{r.sector_en} {value_text(getattr(r, col), getattr(r, f'flag_{year}'))} %"
                     for r in have.itertuples())
    gone = ", ".join(fa.loc[fa[col].isna(), "sector_en"]) or "none"
    avg = f" Dashed line: all activities, {fmt.num(average)} %." if not np.isnan(average) else ""
    return (f"Horizontal bar chart of the share of enterprises using AI in {year}, by strategy sector: {bars}. "
            f"No bar (not measured): {gone}.{avg}")


# --------------------------------------------------------------------------------------------- correlations
def _spearman_rows(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Spearman's rho along the last axis (average ranks for ties); NaN where either side is constant."""
    from scipy import stats  # scipy.stats costs half a second to import: only when a test is computed

    rx = stats.rankdata(x, axis=-1)
    ry = stats.rankdata(y, axis=-1)
    rx = rx - rx.mean(axis=-1, keepdims=True)
    ry = ry - ry.mean(axis=-1, keepdims=True)
    den = np.sqrt((rx**2).sum(axis=-1) * (ry**2).sum(axis=-1))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, (rx * ry).sum(axis=-1) / np.where(den > 0, den, 1.0), np.nan)


def spearman(x: np.ndarray | pd.Series, y: np.ndarray | pd.Series) -> float:
    """Spearman's rank correlation (−1…1) of two equal-length vectors; NaN if either is constant."""
    return float(_spearman_rows(np.asarray(x, float), np.asarray(y, float)))


def exact_permutation_p(x: np.ndarray | pd.Series, y: np.ndarray | pd.Series) -> tuple[float, int]:
    """Two-sided exact permutation p-value of Spearman's rho: the share of **all** n! pairings of ``y`` with
    ``x`` whose |rho| is at least the observed |rho| (the observed pairing included; tolerance 1e-12 for ties
    of rho). Returns (p, number of pairings enumerated). Raises ValueError above :data:`EXACT_MAX_N` points.
    """
    x, y = np.asarray(x, float), np.asarray(y, float)
    n = len(x)
    if n > EXACT_MAX_N:
        raise ValueError(f"exact permutation test enumerates n! pairings: n = {n} > {EXACT_MAX_N}")
    observed = abs(spearman(x, y))
    perms = np.array(list(itertools.permutations(range(n))), dtype=np.int64)
    rhos = np.abs(_spearman_rows(np.broadcast_to(x, perms.shape), y[perms]))
    hits = int(np.sum(rhos >= observed - 1e-12))
    return hits / len(perms), len(perms)


def spearman_test(x: np.ndarray | pd.Series, y: np.ndarray | pd.Series,
                  max_n: int = EXACT_MAX_N) -> dict[str, float | int | bool]:
    """Spearman's rho (−1…1) of paired vectors with the exact permutation p-value (:func:`exact_permutation_p`)
    when 3 ≤ n ≤ ``max_n``; otherwise no test (``p`` NaN, ``permutations`` 0). A description of these points,
    not a sample estimate: no interval is given. Returns n, rho, p, permutations, exact."""
    x, y = np.asarray(x, float), np.asarray(y, float)
    if x.shape != y.shape or x.ndim != 1:
        raise ValueError("x and y must be 1-D vectors of the same length")
    n = len(x)
    rho = spearman(x, y) if n >= 3 else np.nan
    if n < 3 or np.isnan(rho) or n > min(max_n, EXACT_MAX_N):
        return {"n": n, "rho": rho, "p": np.nan, "permutations": 0, "exact": False}
    p, k = exact_permutation_p(x, y)
    return {"n": n, "rho": rho, "p": p, "permutations": k, "exact": True}


#: The correlations the chapter reports: (x, y, which units).
CORRELATIONS: tuple[tuple[str, str, str], ...] = (
    ("participants", "actions", "all"),
    ("participants", "adoption", "comparable"),
    ("actions", "adoption", "comparable"),
)
#: Below this |rho| the rankings are called practically unrelated, whatever the sign.
WEAK_RHO = 0.1
#: Words for the correlation's variables.
VARIABLE_WORDS: dict[str, str] = {"participants": "dialogue participants", "actions": "Annex 3 actions",
                                  "adoption": "AI adoption"}


def sector_correlations(table: pd.DataFrame) -> pd.DataFrame:
    """Spearman correlations of :data:`CORRELATIONS` on :func:`sector_table`: participants (persons) vs actions
    on all units; both vs adoption (%) on the units with a comparable, published adoption value. Columns: x, y,
    units, n, rho, p (exact permutation, NaN above :data:`EXACT_MAX_N` points), permutations, exact, reading."""
    rows = []
    for x, y, which in CORRELATIONS:
        sub = table if which == "all" else table[table["status"] == "comparable"]
        res = spearman_test(sub[x], sub[y])
        rows.append({"x": x, "y": y, "units": ", ".join(sub["unit"]), **res,
                     "reading": describe_rho(res["rho"], res["n"], res["p"])})
    return pd.DataFrame(rows)


def rho_direction(rho: float) -> str:
    """'higher … tend to go with higher …' words: ``same order`` (rho > 0), ``opposite order`` (rho < 0),
    ``no order`` (0 or NaN)."""
    if np.isnan(rho) or rho == 0:
        return "no order"
    return "same order" if rho > 0 else "opposite order"


def describe_rho(rho: float, n: int, p: float = float("nan")) -> str:
    """One sentence on a rank correlation on few points, always framed as description.

    ``rho`` (−1…1) on ``n`` points; ``p`` the exact permutation p (NaN: no test). The sentence gives rho and n
    through :mod:`analysis.core.fmt`, says whether the areas rank in the same or the opposite order (practically
    unrelated when |rho| < :data:`WEAK_RHO`), the exact p when
    there is one ("p < 0.001" style, with the count of pairings) and ends "description, not evidence of a link".
    """
    if np.isnan(rho):
        return f"no rank correlation can be computed on these {n} points (one side is constant or n < 3)"
    words = {"same order": "the areas rank partly in the same order",
             "opposite order": "the areas rank partly in the opposite order",
             "no order": "the two rankings are unrelated"}[rho_direction(rho)]
    if 0 < abs(rho) < WEAK_RHO:
        words = "the two rankings are practically unrelated"
    text = f"Spearman ρ = {fmt.num(rho, 2)} on {n} points: {words}"
    if not np.isnan(p):
        text += f" (exact permutation p = {fmt.pvalue(p)}, all {fmt.count(math.factorial(n))} pairings)"
    else:
        text += f" (no test: above {EXACT_MAX_N} points the {n}! pairings are not enumerated)"
    return text + "; description, not evidence of a link"


def overlapping_band_pairs(low: pd.Series, high: pd.Series) -> int:
    """Pairs of units whose participant bands ``[low, high]`` overlap: the pairs whose order an uneven error
    within the band could swap (a uniform relative band scales all totals alike and changes no rank)."""
    lo, hi = np.asarray(low, float), np.asarray(high, float)
    count = 0
    for i in range(len(lo)):
        for j in range(i + 1, len(lo)):
            if lo[i] <= hi[j] and lo[j] <= hi[i]:
                count += 1
    return count


# --------------------------------------------------------------------------------------------- chapter text
def _date_text(d: pd.Timestamp) -> str:
    """``8 October 2025``."""
    return f"{d.day} {d:%B %Y}"


def totals_texts(dialogues: pd.DataFrame, actions: pd.DataFrame, band: float) -> dict[str, str]:
    """Glue texts of the chapter's totals: dialogue counts by level, participants as stated (persons) and the
    band's ends, the band in percent, actions by kind (counts)."""
    tot = totals(dialogues, band).set_index("level")
    kinds = actions["kind"].value_counts()

    def get(lvl: str, col: str) -> float:
        return tot.at[lvl, col] if lvl in tot.index else 0

    return {
        "n_dialogues": fmt.count(get("all", "dialogues")), "n_sectoral": fmt.count(get("sectoral", "dialogues")),
        "n_high": fmt.count(get("high-level", "dialogues")),
        "n_approx": fmt.count(int(dialogues["participants_approx"].sum())),
        "participants_all": fmt.count(get("all", "participants")),
        "participants_sectoral": fmt.count(get("sectoral", "participants")),
        "participants_high": fmt.count(get("high-level", "participants")),
        "participants_low": fmt.num(get("all", "participants_low"), 0, thousands=True),
        "participants_high_end": fmt.num(get("all", "participants_high"), 0, thousands=True),
        "band_pct": fmt.num(100 * band, 0),
        "n_actions": fmt.count(len(actions)), "n_flagship": fmt.count(int(kinds.get("flagship", 0))),
        "n_other": fmt.count(int(kinds.get("other", 0))),
    }


def headline_totals(dialogues: pd.DataFrame, actions: pd.DataFrame, band: float) -> list[str]:
    """The nbval headline lines of the totals (plain numbers, no formatting for readers)."""
    tot = totals(dialogues, band).set_index("level")
    kinds = actions["kind"].value_counts()
    return [
        f"Dialogues: {tot.at['all', 'dialogues']} ({tot.at['sectoral', 'dialogues']} sectoral + "
        f"{tot.at['high-level', 'dialogues']} high-level)",
        f"Participants as stated: {tot.at['all', 'participants']} (sectoral {tot.at['sectoral', 'participants']}, "
        f"high-level {tot.at['high-level', 'participants']}); band ±{fmt.num(100 * band, 0)} %: "
        f"{fmt.num(tot.at['all', 'participants_low'], 0)}-{fmt.num(tot.at['all', 'participants_high'], 0)}",
        f"Actions: {len(actions)} = {kinds.get('flagship', 0)} flagship + {kinds.get('other', 0)} other",
    ]


def dialogue_table(dialogues: pd.DataFrame) -> pd.DataFrame:
    """Reader's table of Annex 1: Level, Sector(s), Date, Format (English), Participants ("≈ N")."""
    out = pd.DataFrame({
        "Level": dialogues["level"], "Sector(s)": dialogues["sectors_en"],
        "Date": [_date_text(d) for d in dialogues["date"]],
        "Format": dialogues["format"].map(FORMAT_LABELS).fillna(dialogues["format"]),
        "Participants": [approx_label(n, a) for n, a in zip(dialogues["participants"],
                                                            dialogues["participants_approx"], strict=True)],
    })
    return out.reset_index(drop=True)


def sector_participation_texts(by_sector: pd.DataFrame, include_high_level: bool) -> dict[str, str]:
    """Glue texts of the per-sector participation: the two sectors with most participants (persons, ≈),
    how many sectors were heard only in expert-only dialogues and their range, the high-level note."""
    top = by_sector.sort_values("participants", ascending=False, kind="mergesort").head(2)
    expert_only = by_sector[(by_sector["participants_open"] == 0) & (by_sector["dialogues"] > 0)] \
        if "participants_open" in by_sector else by_sector[by_sector["dialogues"] > 0]
    rng = (f"{fmt.num(expert_only['participants'].min(), 0, thousands=True)}–"
           f"{fmt.num(expert_only['participants'].max(), 0, thousands=True)}" if len(expert_only) else "–")
    return {
        "top1_sector": top["sector_en"].iloc[0], "top1_n": fmt.num(top["participants"].iloc[0], 0, thousands=True),
        "top2_sector": top["sector_en"].iloc[1], "top2_n": fmt.num(top["participants"].iloc[1], 0, thousands=True),
        "n_expert_only_sectors": fmt.count(len(expert_only)), "expert_only_range": rng,
        "hl_note": ("are included, their attendance shared equally among the sectors they name"
                    if include_high_level else "are left out of the per-sector figures (parameter include_high_level)"),
    }


def open_experts_texts(ove: dict, glm: dict) -> dict[str, str]:
    """Glue texts of the open vs expert-only comparison (:func:`open_vs_experts`, :func:`format_glm`). The
    separation sentence follows the rank-biserial r: 1 every open dialogue larger, −1 every expert one larger,
    otherwise 'mostly larger/smaller' or 'neither'."""
    r = ove["rank_biserial"]
    if r == 1:
        sep = "Every open dialogue was larger than every expert-only one"
    elif r == -1:
        sep = "Every expert-only dialogue was larger than every open one"
    elif r > 0:
        sep = "Open dialogues were mostly larger than expert-only ones"
    elif r < 0:
        sep = "Open dialogues were mostly smaller than expert-only ones"
    else:
        sep = "Neither format's dialogues were generally larger"
    return {
        "n_open": fmt.count(ove["n_open"]), "n_experts": fmt.count(ove["n_experts"]),
        "n_splits": fmt.count(math.comb(ove["n_open"] + ove["n_experts"], ove["n_open"])),
        "median_open": fmt.num(ove["median_open"], 0), "median_experts": fmt.num(ove["median_experts"], 1),
        "median_ratio": fmt.num(ove["median_ratio"], 1), "mw_u": fmt.num(ove["u"], 0),
        "mw_p": fmt.pvalue(ove["p_exact"]), "mw_p_perm": fmt.pvalue(ove["p_permutation"]),
        "rank_biserial": fmt.num(r, 2), "separation_sentence": sep,
        "separated": "still holds" if ove["separated_within_band"] else "no longer holds",
        "glm_rr": fmt.num(glm["rate_ratio"], 1), "glm_ci": f"{fmt.num(glm['low'], 1)}–{fmt.num(glm['high'], 1)}",
        "glm_alpha": fmt.num(glm["alpha"], 2),
    }


def headline_open_experts(ove: dict, glm: dict, band: float) -> list[str]:
    """The nbval headline lines of the format comparison."""
    return [
        f"Open (n = {ove['n_open']}) vs experts only (n = {ove['n_experts']}): medians "
        f"{fmt.num(ove['median_open'], 0)} vs {fmt.num(ove['median_experts'], 1)} participants, ratio "
        f"{fmt.num(ove['median_ratio'], 2)}",
        f"Mann-Whitney U = {ove['u']:.0f}, exact two-sided p = {ove['p_exact']:.2e} (permutation p = "
        f"{ove['p_permutation']:.2e}); rank-biserial r = {fmt.num(ove['rank_biserial'], 2)}; "
        f"separation within ±{fmt.num(100 * band, 0)} % band: {ove['separated_within_band']}",
        f"Negative binomial: rate ratio open/experts {fmt.num(glm['rate_ratio'], 2)} (95 % CI "
        f"{fmt.num(glm['low'], 2)}-{fmt.num(glm['high'], 2)}), alpha {fmt.num(glm['alpha'], 2)}, n = {glm['n']}",
    ]


def timeline_texts(tl: pd.DataFrame, adoption: pd.Timestamp = ADOPTION_DATE) -> dict[str, str]:
    """Glue texts of the timeline (:func:`timeline`): first and last dialogue, days before adoption (calendar
    days), the gap to the second dialogue, how many fell in the strategy's year and when."""
    first, last = tl.iloc[0], tl.iloc[-1]
    same_year = tl[tl["date"].dt.year == adoption.year]
    return {
        "first_date": _date_text(first["date"]), "first_sector": first["sectors_en"],
        "gap_days": fmt.count((tl.iloc[1]["date"] - first["date"]).days) if len(tl) > 1 else "0",
        "last_date": _date_text(last["date"]), "max_days": fmt.count(tl["days_before"].max()),
        "min_days": fmt.count(tl["days_before"].min()), "adoption_date": _date_text(adoption),
        "n_2025": fmt.count(len(same_year)),
        "range_2025": (f"{same_year['date'].min():%B}–{same_year['date'].max():%B %Y}" if len(same_year) else "–"),
    }


def action_texts(by_area: pd.DataFrame) -> dict[str, str]:
    """Glue texts of the actions by area (:func:`actions_by_area`): headings, sector areas and their actions,
    the area with most actions and the one with most flagships (first in the annex's order on ties)."""
    top = by_area.sort_values("total", ascending=False, kind="mergesort").iloc[0]
    most_flag = by_area.sort_values("flagship", ascending=False, kind="mergesort").iloc[0]
    return {
        "n_areas": fmt.count(len(by_area)), "n_sector_areas": fmt.count(int(by_area["sectoral"].sum())),
        "sectoral_actions": fmt.count(int(by_area.loc[by_area["sectoral"], "total"].sum())),
        "top_area": top["area_en"], "top_area_n": fmt.count(top["total"]), "top_area_flag": fmt.count(top["flagship"]),
        "most_flag_area": most_flag["area_en"], "most_flag_n": fmt.count(most_flag["flagship"]),
    }


def deadline_texts(actions: pd.DataFrame) -> dict[str, str]:
    """Glue texts of the target dates: first and last period, actions per deadline year, the busiest period
    (a year-only target is its own period, "2026 (year only)", never a quarter), open-ended and year-only counts."""
    per = deadline_periods(actions).sort_values("order", kind="mergesort")
    by_year = actions.groupby("deadline_year").size()
    peak = per.groupby("period", sort=False).size().sort_values(ascending=False, kind="mergesort")
    return {
        "n_open_ended": fmt.count(int(actions["open_ended"].sum())),
        "n_year_only": fmt.count(int(actions["deadline_quarter"].isna().sum())),
        "deadlines_by_year": ", ".join(f"{fmt.count(n)} in {y}" for y, n in by_year.items()),
        "peak_period": str(peak.index[0]), "peak_n": fmt.count(int(peak.iloc[0])),
        "first_deadline": str(per.iloc[0]["period"]), "last_deadline": str(per.iloc[-1]["period"]),
    }


def comparison_texts(st: pd.DataFrame, corr: pd.DataFrame, mapping: str, year: int, latest: int) -> dict[str, str]:
    """Glue texts of the side-by-side comparison: mapping, year, the timing note (the 2025 wave's new AI item),
    counts of units, those not compared (with why), band overlaps, codes shared by several units, and one
    sentence per correlation (:func:`describe_rho`)."""
    comparable = st[st["status"] == "comparable"]
    not_comp = st[st["status"] != "comparable"]
    shared = comparable.groupby("nace")["unit"].count()
    names = [a if s == "not comparable" else f"{a} ({s})"
             for a, s in zip(not_comp["area_en"], not_comp["status"], strict=True)]
    out = {
        "mapping": mapping, "adoption_year": str(year), "n_units": fmt.count(len(st)),
        "n_comparable": fmt.count(len(comparable)), "not_comparable": "; ".join(names) or "none",
        "overlap_pairs": fmt.count(overlapping_band_pairs(st["participants_low"], st["participants_high"])),
        "shared_codes": ", ".join(f"{nace_label(c)}: {n} areas" for c, n in shared[shared > 1].items()) or "none",
        "timing_note": ("the latest wave added an item (generating pictures, video or sound) to the AI question, so "
                        "it is not strictly comparable with the wave before" if year == latest else
                        "later waves exist; the latest one changed the AI question"),
        "exact_max_n": fmt.count(EXACT_MAX_N), "exact_max_perms": fmt.count(math.factorial(EXACT_MAX_N)),
    }
    for r in corr.itertuples():
        out[f"reading_{r.x}_{r.y}"] = r.reading
    return out


def headline_correlations(corr: pd.DataFrame, mapping: str) -> list[str]:
    """The nbval headline lines of the correlations: one per :data:`CORRELATIONS` entry."""
    lines = []
    for r in corr.itertuples():
        p = f"exact permutation p = {fmt.num(r.p, 3)} ({r.permutations} pairings)" if r.exact else "no test"
        lines.append(f"Spearman {r.x} vs {r.y} ({mapping} mapping, n = {r.n}): rho = {fmt.num(r.rho, 2)}, {p}")
    return lines


def sector_view_table(st: pd.DataFrame, year: int) -> pd.DataFrame:
    """Reader's table of :func:`sector_table`: names (not codes), counts, participants "≈ N", the activity
    compared with, the status, adoption with its flag (``–`` when not compared)."""
    return pd.DataFrame({
        "Sector area (Annex 3)": st["area_en"], "Dialogues": st["dialogues"].map(fmt.count),
        "Participants": [approx_label(v) for v in st["participants"]],
        "Flagship actions": st["flagship"].map(fmt.count), "Other actions": st["other"].map(fmt.count),
        "Activity compared (NACE)": [nace_label(c) if c else "–" for c in st["nace"]],
        "Comparison": st["status"],
        f"AI adoption {year} (%)": ["–" if np.isnan(v) else value_text(v, f)
                                    for v, f in zip(st["adoption"], st["flag"], strict=True)],
    })


def format_table(by_format: pd.DataFrame) -> pd.DataFrame:
    """Reader's table of :func:`participation_by_format` (persons, ≈)."""
    return pd.DataFrame({
        "Format": by_format["format_en"], "Dialogues": by_format["dialogues"].map(fmt.count),
        "Participants (sum)": [approx_label(v) for v in by_format["participants"]],
        "Band": [f"{fmt.num(lo, 0, thousands=True)}–{fmt.num(hi, 0, thousands=True)}"
                 for lo, hi in zip(by_format["participants_low"], by_format["participants_high"], strict=True)],
        "Median per dialogue": [fmt.num(v, 1, thousands=True) for v in by_format["median"]],
        "Smallest–largest": [f"{fmt.num(a, 0, thousands=True)}–{fmt.num(b, 0, thousands=True)}"
                             for a, b in zip(by_format["min"], by_format["max"], strict=True)],
    })


# --------------------------------------------------------------------------------------------- alt texts
def _list(items: list[str], limit: int = 12) -> str:
    return "; ".join(items[:limit]) + (f"; and {len(items) - limit} more" if len(items) > limit else "")


def alt_participants_by_sector(by_sector: pd.DataFrame) -> str:
    """Text alternative of the participants-by-sector bars: sectors in descending order with ≈ participants."""
    s = by_sector.sort_values("participants", ascending=False, kind="mergesort")
    return ("Horizontal stacked bars of dialogue participants by sector, coloured by format, with the band as "
            "whiskers: " + _list([f"{r.sector_en} about {fmt.num(r.participants, 0, thousands=True)}"
                                  for r in s.itertuples()]) + ".")


def alt_format(ove: dict, by_format: pd.DataFrame) -> str:
    """Text alternative of the dialogue-size strip plot by format."""
    parts = [f"{r.format_en}: {r.dialogues} dialogues, median {fmt.num(r.median, 1)} participants"
             for r in by_format.itertuples()]
    return ("Dot plot of participants per dialogue on a log scale, one column per format: " + "; ".join(parts)
            + f". The median open dialogue is {fmt.num(ove['median_ratio'], 1)} times the median expert one.")


def alt_timeline(tl: pd.DataFrame) -> str:
    """Text alternative of the timeline."""
    t = timeline_texts(tl)
    return (f"Timeline of the {len(tl)} dialogues, one row per sector, marker size by participants: from "
            f"{t['first_date']} ({t['first_sector']}) to {t['last_date']}, {t['max_days']} to {t['min_days']} days "
            f"before the strategy's adoption on {t['adoption_date']}, marked by a dashed line.")


def alt_actions_by_area(by_area: pd.DataFrame) -> str:
    """Text alternative of the actions-by-area bars (annex order, flagship + other)."""
    return ("Horizontal stacked bars of Annex 3 actions by area, flagship and other: "
            + _list([f"{r.area_en} {r.total} ({r.flagship} flagship)" for r in by_area.itertuples()], 16) + ".")


def alt_deadlines(actions: pd.DataFrame) -> str:
    """Text alternative of the deadline bars."""
    t = deadline_texts(actions)
    return (f"Stacked bars of actions by target quarter, from {t['first_deadline']} to {t['last_deadline']}: "
            f"{t['deadlines_by_year']}; the busiest period is {t['peak_period']} with {t['peak_n']} actions; "
            f"{t['n_open_ended']} open-ended actions are hatched; {t['n_year_only']} give a year only.")


def alt_scatter(table: pd.DataFrame, x: str, y: str, reading: str) -> str:
    """Text alternative of a scatter of two columns of :func:`sector_table`, one point per area."""
    pts = [f"{r.area_en}: {fmt.num(getattr(r, x), 1 if x == 'adoption' else 0)}, "
           f"{fmt.num(getattr(r, y), 1 if y == 'adoption' else 0)}" for r in table.itertuples()]
    return (f"Scatter plot of {VARIABLE_WORDS[y]} against {VARIABLE_WORDS[x]}, one point per sector area ("
            + _list(pts) + "). " + reading + ".")


# --------------------------------------------------------------------------------------------- figures
def _palette() -> tuple[dict[str, str], dict[str, str]]:
    return (dict(zip(FORMAT_LABELS, PALETTE, strict=False)), {"flagship": PALETTE[0], "other": PALETTE[1]})


def label_points(ax, xs, ys, labels) -> None:  # noqa: ANN001 (matplotlib axes)
    """Label scatter points without overprinting: each label takes the first offset whose box overlaps no label
    placed before it (top points first)."""
    fig = ax.figure
    fig.canvas.draw()
    placed = []
    offsets = [(5, 4), (5, -11), (5, 14), (5, -21), (5, 24), (5, -31)]
    for x, y, lab in sorted(zip(xs, ys, labels, strict=True), key=lambda t: (-t[1], t[0])):
        for dx, dy in offsets:
            ann = ax.annotate(lab, (x, y), xytext=(dx, dy), textcoords="offset points", fontsize=7)
            box = ann.get_window_extent(fig.canvas.get_renderer())
            if not any(box.overlaps(b) for b in placed):
                break
            ann.remove()
        else:
            ann = ax.annotate(lab, (x, y), xytext=offsets[0], textcoords="offset points", fontsize=7)
            box = ann.get_window_extent(fig.canvas.get_renderer())
        placed.append(box)


def plot_participants_by_sector(by_sector: pd.DataFrame, band: float):  # noqa: ANN201
    """Stacked bars of participants by sector and format, whiskers N·(1 ± band)."""
    import matplotlib.pyplot as plt

    colours, _ = _palette()
    s = by_sector.sort_values("participants", kind="mergesort")
    top = s.iloc[::-1].head(2)
    fig, ax = plt.subplots(figsize=(8, 5))  # pragma: no mutate
    left = np.zeros(len(s))
    for f, label in FORMAT_LABELS.items():
        col = f"participants_{f}"
        if col in s and s[col].sum() > 0:
            ax.barh(s["sector_en"], s[col], left=left, label=label,
                    color=colours[f],  # pragma: no mutate
            )
            left += s[col].to_numpy()
    ax.errorbar(s["participants"], s["sector_en"], xerr=[s["participants"] - s["participants_low"],
                                                         s["participants_high"] - s["participants"]],
                fmt="none", label=f"±{fmt.num(100 * band, 0)} % band",
                ecolor="black", capsize=3, lw=1,  # pragma: no mutate
    )
    ax.set_xlabel("participants (persons, as stated: 'about N')")
    ax.set_title(f"{top['sector_en'].iloc[0]} (≈ {fmt.num(top['participants'].iloc[0], 0, thousands=True)}) and "
                 f"{top['sector_en'].iloc[1]} (≈ {fmt.num(top['participants'].iloc[1], 0, thousands=True)}) drew "
                 "the most participants")
    ax.legend(loc="lower right", fontsize=8)  # pragma: no mutate
    return fig


def plot_format(dialogues: pd.DataFrame, by_format: pd.DataFrame, ove: dict, band: float,
                include_high_level: bool, seed: int):  # noqa: ANN201
    """Dialogue sizes by format (log scale), jittered with ``seed``, medians as black lines."""
    import matplotlib.pyplot as plt

    colours, _ = _palette()
    shown = with_band(dialogues if include_high_level else dialogues[dialogues["level"] == "sectoral"], band)
    fig, ax = plt.subplots()
    rng = np.random.default_rng(seed)
    for i, f in enumerate(by_format["format"]):
        sub = shown[shown["format"] == f]
        x = i + rng.uniform(-0.15, 0.15, len(sub))
        ax.errorbar(x, sub["participants"], yerr=[sub["participants"] - sub["participants_low"],
                                                 sub["participants_high"] - sub["participants"]],
                    fmt="o",
                    color=colours[f], ecolor="grey", capsize=2, alpha=0.9,  # pragma: no mutate
        )
        ax.hlines(sub["participants"].median(), i - 0.3, i + 0.3,
                  color="black", lw=2,  # pragma: no mutate
        )
    ax.set_yscale("log")
    ax.set_xticks(range(len(by_format)), [f"{lbl}\n(n = {n})" for lbl, n in
                                          zip(by_format["format_en"], by_format["dialogues"], strict=True)],
                  fontsize=8,  # pragma: no mutate
    )
    ax.set_ylabel("participants per dialogue (log scale)")
    ax.set_title(f"Open dialogues were about {fmt.num(ove['median_ratio'], 0)}× the size of expert-only ones "
                 f"(medians ≈ {fmt.num(ove['median_open'], 0)} vs ≈ {fmt.num(ove['median_experts'], 1)})")
    return fig


def plot_timeline(dialogues: pd.DataFrame, tl: pd.DataFrame):  # noqa: ANN201
    """Dialogues by date and sector, marker area ∝ participants, the adoption date dashed."""
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt

    colours, _ = _palette()
    order = list(dict.fromkeys(dialogues["sectors_en"]))
    fig, ax = plt.subplots(figsize=(9, 5.5))  # pragma: no mutate
    for f, label in FORMAT_LABELS.items():
        sub = tl[tl["format"] == f]
        ax.scatter(sub["date"], [order.index(s) for s in sub["sectors_en"]], s=20 + sub["participants"] * 0.6,
                   label=label,
                   color=colours[f], alpha=0.8, edgecolor="white",  # pragma: no mutate
        )
    ax.axvline(ADOPTION_DATE, ls="--",
               color="black", lw=1,  # pragma: no mutate
    )
    ax.annotate(f"strategy adopted\n{ADOPTION_DATE.day} {ADOPTION_DATE:%b %Y}", (ADOPTION_DATE, 0),
                xytext=(-5, 0), textcoords="offset points", ha="right", va="top", fontsize=8,  # pragma: no mutate
    )
    ax.set_yticks(range(len(order)), [s if len(s) < 45 else s[:42] + "…" for s in order],
                  fontsize=8,  # pragma: no mutate
    )
    ax.invert_yaxis()
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%b %Y"))
    ax.set_title(f"The dialogues ran {tl['days_before'].max()} to {tl['days_before'].min()} days before the "
                 "strategy's adoption")
    handles = [plt.Line2D([], [], marker="o", ls="", label=lbl,
                          color=colours[f], markersize=7,  # pragma: no mutate
                          )
               for f, lbl in FORMAT_LABELS.items() if f in set(tl["format"])]
    ax.legend(handles=handles, title="marker area ∝ participants",
              fontsize=7, loc="lower left", title_fontsize=7,  # pragma: no mutate
    )
    return fig


def plot_actions_by_area(by_area: pd.DataFrame):  # noqa: ANN201
    """Stacked bars of actions (flagship, other) by Annex 3 area, in the annex's order."""
    import matplotlib.pyplot as plt

    _, kinds = _palette()
    plot = by_area.iloc[::-1]
    top = by_area.sort_values("total", ascending=False, kind="mergesort").iloc[0]
    fig, ax = plt.subplots(figsize=(8, 6))
    labels = [a if len(a) < 50 else a[:47] + "…" for a in plot["area_en"]]
    ax.barh(labels, plot["flagship"], color=kinds["flagship"], label="flagship")
    ax.barh(labels, plot["other"], left=plot["flagship"], color=kinds["other"], label="other", hatch="//",
            edgecolor="white",  # pragma: no mutate
    )
    n_cross = int((~by_area["sectoral"]).sum())
    ax.axhline(n_cross - 0.5, ls=":",
               color="grey", lw=0.8,  # pragma: no mutate
    )
    ax.text(plot["total"].max(), n_cross - 0.4, "sector areas ↑  cross-cutting ↓",
            ha="right", fontsize=7, color="grey",  # pragma: no mutate
    )
    ax.tick_params(axis="y", labelsize=8)  # pragma: no mutate
    ax.set_xlabel("actions (count)")
    ax.set_title(f"{top['area_en']} has the most actions ({top['total']}); {int(by_area['flagship'].sum())} of "
                 f"{int(by_area['total'].sum())} are flagships")
    ax.legend(loc="lower right")  # pragma: no mutate
    return fig


def plot_deadlines(actions: pd.DataFrame):  # noqa: ANN201
    """Actions by target period (quarters, year-only periods after Q4), hatched when open-ended."""
    import matplotlib.pyplot as plt

    _, kinds = _palette()
    dq = deadlines_by_quarter(actions)
    dq = dq[dq["order"] >= dq.loc[dq["actions"] > 0, "order"].min()]
    periods = dq.drop_duplicates("period")[["period", "order"]].reset_index(drop=True)
    by_year = actions.groupby("deadline_year").size()
    fig, ax = plt.subplots(figsize=(9, 4.5))  # pragma: no mutate
    bottom = np.zeros(len(periods))
    for kind in ("flagship", "other"):
        for oe in (False, True):
            vals = (dq[(dq["kind"] == kind) & (dq["open_ended"] == oe)].set_index("period")["actions"]
                    .reindex(periods["period"]).to_numpy())
            ax.bar(range(len(periods)), vals, bottom=bottom, hatch="///" if oe else None,
                   label=f"{kind}, from this date onwards (open-ended) →" if oe else f"{kind}, by this date",
                   color=kinds[kind], alpha=0.55 if oe else 1, edgecolor="white",  # pragma: no mutate
            )
            bottom += vals
    for i, p in enumerate(periods["period"]):
        if int(dq[(dq["period"] == p) & dq["open_ended"]]["actions"].sum()):
            ax.annotate("→", (i, bottom[i]),
                        xytext=(0, 2), textcoords="offset points", ha="center", fontsize=11,  # pragma: no mutate
            )
    adopt_q = f"Q{(ADOPTION_DATE.month - 1) // 3 + 1} {ADOPTION_DATE.year}"
    if adopt_q in set(periods["period"]):
        pos = periods.index[periods["period"] == adopt_q][0]
        ax.axvline(pos - 0.5, ls="--",
                   color="black", lw=1,  # pragma: no mutate
        )
        ax.text(pos - 0.55, 0.9 * bottom.max(), f"adoption\n{ADOPTION_DATE.day} {ADOPTION_DATE:%b %Y}",
                fontsize=7, va="top", ha="right",  # pragma: no mutate
        )
    ax.set_xticks(range(len(periods)), periods["period"],
                  rotation=45, ha="right", fontsize=8,  # pragma: no mutate
    )
    ax.set_ylabel("actions (count)")
    ax.set_title(f"Most target dates fall in {by_year.idxmax()} ({by_year.max()} of {len(actions)}); "
                 f"{int(actions['open_ended'].sum())} are open-ended")
    ax.legend(fontsize=7, loc="upper right")  # pragma: no mutate
    return fig, dq


def plot_flagship_adoption(fa: pd.DataFrame, year: int, average: float):  # noqa: ANN201
    """Bars: each strategy sector's AI adoption in ``year`` (the year before as a ring), the all-activities value
    dashed; sectors the survey does not measure keep their row, marked 'not measured'."""
    import matplotlib.pyplot as plt


    col = f"value_{year}"
    prev = f"value_{year - 1}"
    s = fa.assign(_v=fa[col].fillna(-1)).sort_values("_v", kind="mergesort")
    fig, ax = plt.subplots(figsize=(8, 5))  # pragma: no mutate
    y = np.arange(len(s))
    vals = s[col].fillna(0).to_numpy()
    hatches = ["//" if c == "partly covered" else "" for c in s["coverage"]]
    ax.barh(y, vals, hatch=hatches, label=f"{year}",
            color=PALETTE[0], edgecolor="white",  # pragma: no mutate
    )
    if prev in s:
        ax.scatter(s[prev], y, label=f"{year - 1}",
                   facecolor="white", edgecolor=PALETTE[1], zorder=3,  # pragma: no mutate
        )
    for yi, v, f in zip(y, s[col], s[f"flag_{year}"], strict=True):
        ax.text((0 if np.isnan(v) else v) + 0.8, yi, "not measured" if np.isnan(v) else value_text(v, f),
                va="center", fontsize=7, color="grey" if np.isnan(v) else "black",  # pragma: no mutate
                bbox={"facecolor": "white", "edgecolor": "none", "pad": 1},  # pragma: no mutate
                )
    if not np.isnan(average):
        ax.axvline(average, ls="--", label=f"all activities, {fmt.num(average)} %",
                   color="black", lw=1,  # pragma: no mutate
        )
    ax.set_yticks(y, s["sector_en"],
                  fontsize=8,  # pragma: no mutate
    )
    ax.set_xlabel(f"enterprises using AI, {year} (% of enterprises with 10+ employees, EU27)")
    have = fa[fa[col].notna()]
    ax.set_title(f"AI use ranges from {fmt.num(have[col].min())} % to {fmt.num(have[col].max())} % across the "
                 f"{len(have)} measurable sectors" if len(have) else f"No sector measured in {year}")
    ax.legend(fontsize=7, loc="lower right")  # pragma: no mutate
    return fig


def plot_scatter(ax, table: pd.DataFrame, x: str, y: str, band: float | None = None) -> None:  # noqa: ANN001
    """One point per sector area (x, y of :func:`sector_table`), labelled; whiskers for the participant band."""
    if x == "participants" and band is not None:
        ax.errorbar(table[x], table[y], xerr=[table[x] - table["participants_low"],
                                              table["participants_high"] - table[x]],
                    fmt="o",
                    color=PALETTE[0], ecolor="grey", capsize=2,  # pragma: no mutate
        )
    else:
        ax.scatter(table[x], table[y],
                   color=PALETTE[0],  # pragma: no mutate
        )
    if x == "participants":
        ax.set_xscale("log")
    ax.margins(x=0.45, y=0.1)  # pragma: no mutate
    label_points(ax, table[x], table[y], [f"{a.split(',')[0]}" for a in table["sectors_en"]])
    ax.set_xlabel({"participants": "dialogue participants (about N; log scale)",
                   "actions": "Annex 3 actions (count)"}[x])


# --------------------------------------------------------------------------------------------- processed table
def build_sector_map() -> pd.DataFrame:
    return load_sector_map()


def _processed_tables() -> list:
    import dataclasses


    # read the CSV back typed (comparable_* as bool) where process.Table supports a reader
    typed = {"read": load_sector_map} if "read" in {f.name for f in dataclasses.fields(Table)} else {}
    return [
        Table("sector_map", build_sector_map, (), SECTOR_MAP_SCHEMA, ("sector",),
              "Our mapping of the strategy's sectors: Annex 1 dialogue sector ↔ Annex 3 sector area ↔ the NACE code "
              "of Eurostat isoc_eb_ain2 it is compared with, under two mappings (primary, alternative), each with "
              "a reason (data/raw/strategy/sector_map.csv; not the Commission's).",
              "text; comparable_*: true/false",
              "Copied from the committed data/raw/strategy/sector_map.csv and validated (SECTOR_MAP_SCHEMA); rows "
              "sorted by sector id.",
              {"sector": "canonical sector id", "annex1_sector_fr": "Annex 1 sector name, verbatim",
               "annex1_high_level_fr": "terms naming the sector in the high-level dialogues, |-separated",
               "annex3_area_fr": "Annex 3 sector area, verbatim",
               "nace_primary": "isoc_eb_ain2 NACE code (primary mapping); empty = not comparable",
               "nace_alternative": "isoc_eb_ain2 NACE code (alternative mapping); empty = not comparable"},
              **typed),
    ]


#: Extra processed tables, registered with ``analysis.tables.process`` (built by ``python -m analysis process``).
PROCESSED_TABLES = process.declare(_processed_tables())
