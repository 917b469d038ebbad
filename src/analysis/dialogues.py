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

import re
from pathlib import Path
from typing import ClassVar, Literal

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pydantic import Field
from scipy import stats

from analysis import config
from analysis.annexes import ACTIONS_SCHEMA, DIALOGUES_SCHEMA, SECTORAL_AREAS_FR, deadline_label, parse_deadline
from analysis.params import NotebookParams, choice_error, register

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
#: Permutations for the Spearman permutation p-value (exact when n! is smaller).
PERMUTATIONS = 9999


# --------------------------------------------------------------------------------------------- parameters
@register
class DialoguesParams(NotebookParams):
    """Parameters of ``notebooks/sector_dialogues.ipynb``."""

    notebook: ClassVar[str] = "sector_dialogues"
    reads: ClassVar[tuple[str, ...]] = ("dialogues", "actions", "ai_adoption", "sector_map")
    #: Add the two high-level dialogues to the per-sector figures (their attendance shared among the sectors
    #: they name). The totals always report both levels.
    include_high_level: bool = False
    #: Relative band for "Environ N": N·(1 ± approx_band). 0 = take the numbers as exact.
    approx_band: float = Field(0.1, ge=0, lt=1)
    #: Which NACE mapping of data/raw/strategy/sector_map.csv to compare sectors with.
    mapping: Literal["primary", "alternative"] = "primary"
    #: Bootstrap resamples for the rank-correlation intervals.
    n_boot: int = Field(2000, ge=100, le=200_000)
    seed: int = 20251008
    #: Survey year of sector adoption; None = the latest year in the data.
    adoption_year: int | None = None

    def check_data(self) -> None:
        if self.adoption_year is None:
            return
        from analysis import process

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
    """Type ``process.load("dialogues")`` (text cells) as :func:`analysis.annexes.load_dialogues` does: ``date``
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
    """``"≈ 400"`` for an approximate number, ``"400"`` otherwise."""
    return f"≈ {n:,.0f}" if approx else f"{n:,.0f}"


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
    / 10, year-only after Q4: year + 0.5), ``label`` (:func:`analysis.annexes.deadline_label`)."""
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


# --------------------------------------------------------------------------------------------- correlations
def _spearman_rows(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Spearman's rho along the last axis (average ranks for ties); NaN where either side is constant."""
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


def bootstrap_spearman(x: np.ndarray | pd.Series, y: np.ndarray | pd.Series, n_boot: int, seed: int,
                       level: float = 0.95) -> dict[str, float | int]:
    """Spearman's rho with a percentile bootstrap interval and a permutation p-value.

    Pairs are resampled with replacement ``n_boot`` times (``numpy.random.default_rng(seed)``); resamples where
    either side is constant have no rho and are dropped (``n_valid`` counts the rest). ``p`` is the two-sided
    permutation p of rho (exact when n! ≤ :data:`PERMUTATIONS`, else that many random pairings, same seed).
    Returns n, rho, low, high, n_valid, p.
    """
    x, y = np.asarray(x, float), np.asarray(y, float)
    if x.shape != y.shape or x.ndim != 1:
        raise ValueError("x and y must be 1-D vectors of the same length")
    n = len(x)
    rho = spearman(x, y) if n >= 3 else np.nan
    if n < 3 or np.isnan(rho):
        return {"n": n, "rho": rho, "low": np.nan, "high": np.nan, "n_valid": 0, "p": np.nan}
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, n, size=(n_boot, n))
    boot = _spearman_rows(x[idx], y[idx])
    boot = boot[~np.isnan(boot)]
    alpha = (1 - level) / 2
    low, high = (np.quantile(boot, [alpha, 1 - alpha]) if len(boot) else (np.nan, np.nan))
    perm = stats.permutation_test(
        (x, y), lambda a, b, axis=-1: _spearman_rows(np.moveaxis(a, axis, -1), np.moveaxis(b, axis, -1)),
        permutation_type="pairings", vectorized=True, n_resamples=PERMUTATIONS, alternative="two-sided",
        rng=np.random.default_rng(seed))
    return {"n": n, "rho": rho, "low": float(low), "high": float(high), "n_valid": int(len(boot)),
            "p": float(perm.pvalue)}


#: The correlations the chapter reports: (x, y, which units).
CORRELATIONS: tuple[tuple[str, str, str], ...] = (
    ("participants", "actions", "all"),
    ("participants", "adoption", "comparable"),
    ("actions", "adoption", "comparable"),
)


def sector_correlations(table: pd.DataFrame, n_boot: int, seed: int) -> pd.DataFrame:
    """Spearman correlations of :data:`CORRELATIONS` on :func:`sector_table`: participants (persons) vs actions
    on all units; both vs adoption (%) on the units with a comparable, published adoption value. Columns: x, y,
    units, n, rho, low, high (percentile bootstrap, 95 %), n_valid, p (permutation), reading."""
    rows = []
    for x, y, which in CORRELATIONS:
        sub = table if which == "all" else table[table["status"] == "comparable"]
        res = bootstrap_spearman(sub[x], sub[y], n_boot=n_boot, seed=seed)
        rows.append({"x": x, "y": y, "units": ", ".join(sub["unit"]), **res,
                     "reading": describe_rho(res["rho"], res["low"], res["high"], res["p"])})
    return pd.DataFrame(rows)


def describe_rho(rho: float, low: float, high: float, p: float = float("nan")) -> str:
    """Plain words for a rank correlation: 'no clear rank association' when the bootstrap interval holds 0 (or is
    missing); 'positive/negative rank association' when it excludes 0 and the permutation ``p`` < 0.05 (or is not
    given); '… (not confirmed by the permutation test)' when the interval excludes 0 but ``p`` ≥ 0.05."""
    if any(np.isnan(v) for v in (rho, low, high)) or low <= 0 <= high:
        return "no clear rank association"
    sign = "positive" if rho > 0 else "negative"
    if not np.isnan(p) and p >= 0.05:
        return f"tentative {sign} rank association (not confirmed by the permutation test)"
    return f"{sign} rank association"


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


# --------------------------------------------------------------------------------------------- processed table
def build_sector_map() -> pd.DataFrame:
    return load_sector_map()


def _processed_tables() -> list:
    import dataclasses

    from analysis.process import Table

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


#: Extra processed tables collected by ``analysis.process.all_tables``.
PROCESSED_TABLES = _processed_tables()
