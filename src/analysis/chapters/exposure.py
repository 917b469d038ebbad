"""Which jobs are exposed to generative AI, country by country: occupational exposure indices mapped to ISCO-08
and weighted by European employment.

Units used throughout:

- **scores** are those of each index: ILO 2023 / 2025 and Eloundou et al. are shares of an occupation's tasks
  (0–1, 1 = every task exposed); Felten–Raj–Seamans AIOE and LM-AIOE are standardised across US SOC occupations
  (mean 0, SD 1, no upper bound). Scores of different indices are never mixed in one number.
- **employment** is thousands of persons (Eurostat LFS), US employment (BLS OEWS) is persons.
- **shares** are percent (0–100) unless a name ends in ``_share`` (0–1); changes in shares are percentage points.
- **percentile ranks** are percent (0–100) of the *other* units (occupations or workers) with a lower score.

Occupation codes are text: ISCO-08 unit groups ``"2330"``; Eurostat's sub-major (2-digit) and major (1-digit)
groups ``"OC23"`` and ``"OC2"``; US SOC ``"25-2031"``. Missing is never zero: an occupation without a score or a
cell without employment is excluded from a weighted mean and **counted** in the result, never silently dropped.

The SOC-based indices reach ISCO-08 through the IBS SOC-2010 → ISCO-08 crosswalk (many-to-many). AIOE and
LM-AIOE use SOC-2010 codes; Eloundou et al. (O*NET-SOC 2019) and the BLS OEWS May 2021 weights use SOC-2018 codes,
which are matched to the SOC-2010 crosswalk **by identical code only** (no SOC 2018 → 2010 bridge is in the
project's sources): renumbered occupations (e.g. the 15-12xx computer occupations) are lost and counted.

The raw files are read by the readers and the two tables this chapter adds (``exposure_indices``,
``exposure_soc_scores``) are built by :mod:`analysis.tables.occupation_scores`; this module declares them and
computes on the processed tables only (:func:`load_chapter_inputs`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Literal

import numpy as np
import pandas as pd
from pydantic import Field

from analysis.chapters.params import NotebookParams, choice_error, register
from analysis.core import codelists, fmt
from analysis.core.figures import PALETTE
from analysis.core.fmt import round_half_away
from analysis.readers.ilo import GRADIENT_ORDER, is_exposed_gradient
from analysis.tables import occupation_scores, process
from analysis.tables.occupation_scores import ALL_INDICES, SHARE_SCALE, SOC_INDICES, load_indices, load_soc_scores

# ---------------------------------------------------------------------------------------------- constants
IndexName = Literal["ilo2025", "ilo2023", "aioe", "lm_aioe", "eloundou"]
Aggregation = Literal["mean", "median", "max"]
ExposedRule = Literal["gradient", "threshold"]
TieRule = Literal["code", "include"]
#: The stated rule for unit groups tied at the cut-off score of the ``gradient`` rule (non-ILO-2025 indices).
TIE_RULE_TEXT = ("unit groups tied at the cut-off score are taken lower ISCO-08 code first until the index flags "
                 "exactly its share of its scored unit groups")

#: Indices a notebook parameter can choose.
INDEX_CHOICES: tuple[str, ...] = ("ilo2025", "ilo2023", "aioe", "lm_aioe", "eloundou")
# ALL_INDICES (every index in the processed table; ``eloundou_human``: the same measure rated by humans, robustness
# only), SHARE_SCALE (0–1 indices; the others are standardised) and SOC_INDICES: from analysis.tables.occupation_scores.

INDEX_LABELS: dict[str, str] = {
    "ilo2025": "ILO 2025 (Gmyrek et al. 2025)",
    "ilo2023": "ILO 2023 (Gmyrek et al. 2023)",
    "aioe": "AIOE (Felten et al. 2021)",
    "lm_aioe": "LM-AIOE (Felten et al. 2023)",
    "eloundou": "GPT-4 β (Eloundou et al. 2024)",
    "eloundou_human": "human β (Eloundou et al. 2024)",
}
INDEX_SOURCES: dict[str, str] = {
    "ilo2025": "ILO (Gmyrek et al. 2025)",
    "ilo2023": "ILO (Gmyrek, Berg & Bescond 2023)",
    "aioe": "Felten, Raj & Seamans (2021), AIOE; IBS SOC-ISCO crosswalk",
    "lm_aioe": "Felten, Raj & Seamans (2023), language-modelling AIOE; IBS SOC-ISCO crosswalk",
    "eloundou": "Eloundou et al. (2024); IBS SOC-ISCO crosswalk",
    "eloundou_human": "Eloundou et al. (2024); IBS SOC-ISCO crosswalk",
}
#: The SOC classification each SOC-based source uses (the crosswalk is SOC-2010).
SOC_VINTAGE: dict[str, str] = {"aioe": "SOC 2010", "lm_aioe": "SOC 2010", "eloundou": "O*NET-SOC 2019 (SOC 2018)",
                               "eloundou_human": "O*NET-SOC 2019 (SOC 2018)", "bls": "SOC 2018"}

EU27: tuple[str, ...] = ("AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "EL", "ES", "FI", "FR", "HR", "HU", "IE",
                         "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK")
EU_AGGREGATE = "EU27_2020"

#: ISCO-08 titles of the major (1-digit) and sub-major (2-digit) groups, in Eurostat's ``OC`` codes.
ISCO_TITLES: dict[str, str] = codelists.ISCO_TITLES  # codelists/isco08.csv
#: NACE Rev. 2 sections.
NACE_SECTIONS: dict[str, str] = codelists.NACE_SECTIONS  # codelists/nace_sections.csv
#: The strategy's sectoral flagships (COM(2025) 723, section 2) → the NACE section that holds most of each.
#: Approximate: pharmaceuticals, robotics and the automotive industry are parts of C; media are partly in J.
STRATEGY_SECTORS: dict[str, str] = {
    "Q": "2.1 health care (pharmaceuticals: in C)",
    "C": "2.2 robotics, 2.3 manufacturing (and pharma, automotive)",
    "F": "2.3 engineering and construction",
    "O": "2.4 defence, security, space; 2.11 public sector",
    "H": "2.5 mobility, transport (automotive: in C)",
    "J": "2.6 electronic communications (media: 2.10)",
    "D": "2.7 energy",
    "E": "2.8 climate and environment (partly)",
    "A": "2.9 agri-food (food industry: in C)",
    "R": "2.10 cultural and creative sectors",
}

#: The claims of COM(2025) 723 this chapter checks or names, verbatim from the French text of the strategy
#: (seed ``000_81fec92c49a045ae.txt``; the document is "OR. en", the English wording is not in the seeds).
STRATEGY_SEED = "000_81fec92c49a045ae.txt"
JRC_TEACHERS_QUOTE = ("Les enseignants sont plus exposés à l'IA générative que 90 % des autres travailleurs "
                      "([JRC Publications Repository - Generative AI Outlook Report](#)).")
JRC_TEACHERS_TRANSLATION = "Teachers are more exposed to generative AI than 90 % of other workers (our translation)"
#: The percentile the JRC claim states (percent of other workers).
JRC_TEACHERS_PERCENTILE = 90.0
CEDEFOP_QUOTE = ("une grande majorité des travailleurs européens (67 %) indiquant que l'IA les a aidés à accomplir "
                 "leurs tâches plus rapidement⁶⁹")
CEDEFOP_TRANSLATION = ("a large majority of European workers (67 %) saying that AI helped them carry out their tasks "
                       "faster (our translation; footnote 69: CEDEFOP, 'Skills empower workers in the AI revolution')")
CEDEFOP_PERCENT = 67.0
ILO_FOOTNOTE_QUOTE = ("⁷⁰ [Generative AI and Jobs: A global analysis of potential effects on job quantity and "
                      "quality | International Labour Organization](#).")
MONITORING_QUOTE = "la Commission **suivra activement l'incidence de l'IA sur le marché du travail**"
MONITORING_TRANSLATION = "the Commission will actively monitor the impact of AI on the labour market (our translation)"

TEACHERS_2DIGIT = "OC23"


def plain(markdown: str) -> str:
    """A quoted seed passage without its Markdown markup: ``**bold**`` → bold, ``[text](#)`` → text."""
    import re

    return re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", markdown).replace("**", "")


# ---------------------------------------------------------------------------------------------- parameters
#: The notebook this chapter module serves (read by ``analysis.chapters.registry``: the one place it is named here).
NOTEBOOK = "labour_exposure"


@register
class ExposureParams(NotebookParams):
    """Parameters of ``notebooks/labour_exposure.ipynb``.

    ``geo``: an Eurostat geo code of ``employment_by_occupation`` with 2-digit values in ``year``;
    ``year``: an LFS year of that table; ``index``: the exposure index; ``exposed``: ``gradient`` = ILO 2025
    gradients 1–4 (for other indices: the same share of unit groups, taken from the top of that index), or
    ``threshold`` (see :func:`exposed_units`); ``threshold`` (0 < t < 1); ``aggregation``: how 4-digit scores
    become 2-digit scores.
    """

    notebook: ClassVar[str] = NOTEBOOK
    reads: ClassVar[tuple[str, ...]] = ("employment_by_occupation", "employment_by_occupation_sector",
                                        "exposure_ilo", "exposure_indices", "exposure_soc_scores")
    geo: str = EU_AGGREGATE
    year: int = 2025
    index: IndexName = "ilo2025"
    exposed: ExposedRule = "gradient"
    threshold: float = Field(0.5, gt=0.0, lt=1.0)
    aggregation: Aggregation = "mean"

    def check_data(self) -> None:
        emp = two_digit_employment(process.load("employment_by_occupation"))
        years = sorted(int(y) for y in emp["year"].unique())
        if self.year not in years:
            raise choice_error(self.notebook, "year", self.year, years)
        have = emp[(emp["year"] == self.year) & emp["value_thousands"].notna()]
        geos = sorted(have["geo"].unique(), key=lambda g: (g != EU_AGGREGATE, g != "EA21", g))
        if self.geo not in geos:
            raise choice_error(self.notebook, "geo", self.geo, geos)


# ---------------------------------------------------------------------------------------------- processed tables
#: The tables this chapter adds (built by :mod:`analysis.tables.occupation_scores` from the raw files; registered
#: with ``analysis.tables.process``, built by ``python -m analysis process``).
PROCESSED_TABLES = process.declare(occupation_scores.TABLES)


# ---------------------------------------------------------------------------------------------- loading
def unit_scores(indices: pd.DataFrame, index: str, weighting: Literal["none", "bls"] = "none") -> pd.Series:
    """4-digit scores of one index as a Series indexed by ISCO-08 unit group (NaN kept). ``weighting="bls"``
    takes the US-employment-weighted column for SOC-based indices (ILO indices are native: same scores)."""
    part = indices[indices["index"] == index]
    if part.empty:
        raise KeyError(f"index {index!r} not in the table; known: {sorted(indices['index'].unique())}")
    col = "score_bls" if weighting == "bls" and index in SOC_INDICES else "score"
    return part.set_index("isco08")[col].rename(index).sort_index()


# ---------------------------------------------------------------------------------------------- aggregation
def two_digit_code(isco08: pd.Series | pd.Index) -> pd.Series:
    """ISCO-08 unit group ``"2330"`` → Eurostat's sub-major group code ``"OC23"``."""
    return "OC" + pd.Series(isco08, dtype="str").str[:2]


def to_two_digit(scores4: pd.Series, how: Aggregation = "mean") -> pd.DataFrame:
    """4-digit scores (Series indexed by unit group) → 2-digit groups (index ``OC11``…): ``score`` = the
    unweighted ``mean`` (default), ``median`` or ``max`` of the group's scored unit groups (no European 4-digit
    employment exists to weight them); ``n_units`` scored, ``n_units_total`` in the input (scored or not)."""
    if how not in ("mean", "median", "max"):
        raise ValueError(f"aggregation {how!r}: choose mean, median or max")
    frame = pd.DataFrame({"score": scores4.to_numpy(), "group": two_digit_code(scores4.index).to_numpy()})
    g = frame.groupby("group", sort=True)["score"]
    out = pd.DataFrame({"score": g.agg(how), "n_units": g.count().astype("int64"),
                        "n_units_total": g.size().astype("int64")})
    out.index.name = "isco08"
    return out


def top_k(top_share: float, n_scored: int) -> int:
    """Number of unit groups the ``gradient`` rule flags for a non-ILO-2025 index: ``top_share`` (0–1) × the
    index's scored unit groups, rounded half away from zero (:func:`analysis.core.fmt.round_half_away`)."""
    return int(round_half_away(top_share * n_scored, 0))


def ilo_exposed_unit_share(ilo: pd.DataFrame) -> float:
    """Share (0–1) of ILO-scored unit groups in the ILO 2025 gradients 1–4 (the ``gradient`` rule's size)."""
    g = ilo[ilo["index_version"] == 2025]["gradient"]
    return float(g.map(is_exposed_gradient).mean())


def exposed_units(scores4: pd.Series, rule: ExposedRule, index: str, threshold: float = 0.5,
                  gradients: pd.Series | None = None, top_share: float | None = None,
                  ties: TieRule = "code") -> pd.Series:
    """Which unit groups count as exposed: a float Series (1.0 / 0.0, NaN where the unit group has no score).

    - ``rule="gradient"``: for ``ilo2025``, ILO's gradients 1–4 (``gradients``: label by unit group). For any
      other index, the same **share** of its scored unit groups taken from the top of that index
      (``top_share``, 0–1, e.g. :func:`ilo_exposed_unit_share`): the k = round(top_share × n scored) highest
      scores (round half away from zero). Indices that score fewer unit groups flag fewer. ``ties`` decides unit
      groups tied at the cut-off score: ``"code"`` (default, :data:`TIE_RULE_TEXT`) flags exactly k, breaking
      ties by the lower ISCO-08 code first; ``"include"`` flags every unit group tied at the cut (more than k
      where the cut falls inside a tie).
    - ``rule="threshold"``: for 0–1 indices (ILO, Eloundou) score ≥ ``threshold``; for standardised indices
      (AIOE, LM-AIOE), whose values have no absolute meaning, the unit group's percentile rank among scored unit
      groups ≥ ``threshold`` (e.g. 0.75 = top quartile).
    """
    scored = scores4.dropna()
    if rule == "gradient":
        if index == "ilo2025":
            if gradients is None:
                raise ValueError("exposed_units: the gradient rule for ilo2025 needs the ILO gradients")
            flag = gradients.reindex(scored.index).fillna("").map(is_exposed_gradient).astype("float64")
        else:
            if top_share is None or not 0 < top_share < 1:
                raise ValueError("exposed_units: the gradient rule for a non-ILO-2025 index needs 0 < top_share < 1")
            k = top_k(top_share, len(scored))
            if ties == "include":
                rank = scored.rank(method="min", ascending=False)
                flag = (rank <= k).astype("float64")
            elif ties == "code":
                order = scored.sort_index().sort_values(ascending=False, kind="mergesort")
                flag = pd.Series(0.0, index=scored.index)
                flag[order.index[:k]] = 1.0
            else:
                raise ValueError(f"tie rule {ties!r}: choose code or include")
    elif rule == "threshold":
        if not 0 < threshold < 1:
            raise ValueError(f"threshold {threshold} must lie strictly between 0 and 1")
        if index in SHARE_SCALE:
            flag = (scored >= threshold).astype("float64")
        else:
            flag = (scored.rank(pct=True, method="max") >= threshold).astype("float64")
    else:
        raise ValueError(f"exposed rule {rule!r}: choose gradient or threshold")
    return flag.reindex(scores4.index).rename("exposed")


def exposed_share_two_digit(exposed4: pd.Series) -> pd.Series:
    """Exposed share (0–1) of each 2-digit group = the share of its **scored** unit groups that are exposed
    (unweighted; assumes a group's workers are spread evenly over its unit groups). NaN where none is scored.

    The alternative — threshold on the group's aggregated score, making each group all-or-nothing — is
    :func:`exposed_by_aggregate_score`; the chapter uses this one because it keeps the ILO gradient definition.
    """
    frame = pd.DataFrame({"x": exposed4.to_numpy(), "group": two_digit_code(exposed4.index).to_numpy()})
    out = frame.groupby("group", sort=True)["x"].mean()
    out.index.name = "isco08"
    return out.rename("exposed_share")


def exposed_by_aggregate_score(scores2: pd.Series, threshold: float) -> pd.Series:
    """Alternative 2-digit rule: 1.0 where the aggregated 2-digit score ≥ ``threshold`` (0–1 indices), else 0.0."""
    return (scores2 >= threshold).astype("float64").where(scores2.notna())


@dataclass(frozen=True)
class IndexView:
    """One index prepared for the chapter: 4-digit ``scores4`` and ``exposed4`` (1/0/NaN, by unit group), 2-digit
    ``scores2`` (index unit) and ``exposed2`` (0–1 share of the group's scored unit groups exposed)."""

    index: str
    scores4: pd.Series
    exposed4: pd.Series
    scores2: pd.Series
    exposed2: pd.Series


def prepare_index(indices: pd.DataFrame, ilo: pd.DataFrame, index: str, rule: ExposedRule = "gradient",
                  threshold: float = 0.5, how: Aggregation = "mean", weighting: Literal["none", "bls"] = "none",
                  ties: TieRule = "code") -> IndexView:
    """Scores and exposure flags of ``index`` at 4 and 2 digits (``ilo``: the ``exposure_ilo`` table, for the
    2025 gradients and the size of the ``gradient`` rule; see :func:`exposed_units`, :func:`to_two_digit`,
    :func:`exposed_share_two_digit`)."""
    s4 = unit_scores(indices, index, weighting)
    gradients = ilo[ilo["index_version"] == 2025].set_index("isco08")["gradient"]
    e4 = exposed_units(s4, rule, index, threshold, gradients=gradients, top_share=ilo_exposed_unit_share(ilo),
                       ties=ties)
    return IndexView(index=index, scores4=s4, exposed4=e4, scores2=to_two_digit(s4, how)["score"],
                     exposed2=exposed_share_two_digit(e4))


def headline_by_index(indices: pd.DataFrame, ilo: pd.DataFrame, employment: pd.DataFrame, geo: str, year: int,
                      rule: ExposedRule = "gradient", threshold: float = 0.5, how: Aggregation = "mean",
                      names: tuple[str, ...] = ALL_INDICES, weightings: tuple[str, ...] = ("none",),
                      ties: TieRule = "code") -> pd.DataFrame:
    """The headline (:func:`weighted_exposure` for ``geo`` and ``year``) under each index and weighting of SOC
    codes within ISCO groups (``"bls"`` only changes the SOC-based indices)."""
    part = employment[(employment["geo"] == geo) & (employment["year"] == year)]
    rows = []
    for name in names:
        for weighting in weightings:
            if weighting == "bls" and name not in SOC_INDICES:
                continue
            view = prepare_index(indices, ilo, name, rule, threshold, how, weighting,  # type: ignore[arg-type]
                                 ties=ties)
            res = weighted_exposure(part, view.scores2, view.exposed2).iloc[0].to_dict()
            rows.append({"index": name, "weighting": weighting, "label": INDEX_LABELS[name], **res})
    return pd.DataFrame(rows)


# ---------------------------------------------------------------------------------------------- employment
def two_digit_employment(employment: pd.DataFrame) -> pd.DataFrame:
    """Rows of ``employment_by_occupation`` for the 2-digit groups (``OC01``…``OC96``), thousands of persons."""
    return employment[employment["isco08"].str.fullmatch(r"OC\d{2}")].reset_index(drop=True)


def weighted_exposure(employment: pd.DataFrame, scores2: pd.Series, exposed2: pd.Series | None = None,
                      groups: list[str] | None = None) -> pd.DataFrame:
    """Employment-weighted exposure by geo × year from 2-digit groups.

    ``employment``: rows of ``employment_by_occupation`` (any; 2-digit rows are used, ``TOTAL`` if present gives
    the coverage); ``scores2``: score by 2-digit group (index ``OC11``…); ``exposed2``: exposed share (0–1) by
    group.
    ``groups``: the 2-digit groups expected (default: all 2-digit codes in ``employment``).

    Returns one row per geo × year: ``mean_score`` (index unit) = Σ emp·score / Σ emp over groups with both;
    ``exposed_pct`` (percent of scored employment) = 100 · Σ emp·share / Σ emp; ``emp_scored``,
    ``emp_unscored`` (employment in groups without a score, e.g. armed forces; ``unscored`` lists them),
    ``emp_total`` (``TOTAL``) and
    ``coverage_pct`` = 100 · emp_scored / emp_total (all thousands / percent); ``n_missing`` and ``missing`` (the
    expected groups with no employment value: suppressed, ``:`` or absent); ``emp_u`` and ``u_pct``: scored
    employment flagged ``u`` (low reliability), thousands and percent of emp_scored.
    """
    two = two_digit_employment(employment)
    expected = sorted(groups if groups is not None else two["isco08"].unique())
    share = exposed2 if exposed2 is not None else pd.Series(np.nan, index=scores2.index)
    rows = []
    totals = employment[employment["isco08"] == "TOTAL"].set_index(["geo", "year"])["value_thousands"]
    for (geo, year), part in two.groupby(["geo", "year"], sort=True):
        part = part.set_index("isco08").reindex(expected)
        emp = part["value_thousands"]
        score = scores2.reindex(expected)
        sh = share.reindex(expected)
        has_emp = emp.notna()
        used = has_emp & score.notna()
        w = emp[used]
        total_w = float(w.sum())
        flags = part["flag"].fillna("")
        u = float(emp[used & flags.str.contains("u")].sum())
        used_sh = used & sh.notna()
        exposed_pct = (100.0 * float((emp[used_sh] * sh[used_sh]).sum()) / float(emp[used_sh].sum())
                       if used_sh.any() else np.nan)
        total = totals.get((geo, year), np.nan)
        missing = [g for g in expected if not has_emp[g]]
        rows.append({
            "geo": geo, "year": int(year),
            "mean_score": float((w * score[used]).sum()) / total_w if total_w > 0 else np.nan,
            "exposed_pct": exposed_pct,
            "emp_scored": total_w,
            "emp_unscored": float(emp[has_emp & score.isna()].sum()),
            "unscored": " ".join(g for g in expected if has_emp[g] and np.isnan(score[g])),
            "emp_total": float(total),
            "coverage_pct": 100.0 * total_w / total if total and not np.isnan(total) else np.nan,
            "n_missing": len(missing), "missing": " ".join(missing),
            "emp_u": u, "u_pct": 100.0 * u / total_w if total_w > 0 else np.nan,
        })
    return pd.DataFrame(rows)


def mix_change(employment: pd.DataFrame, scores2: pd.Series, exposed2: pd.Series, base: int, target: int
               ) -> pd.DataFrame:
    """Change in exposure from ``base`` to ``target`` year through the employment mix only (same scores).

    For each geo, only the 2-digit groups with employment in **both** years are used (``n_dropped`` counts the
    others), so the change is not an artefact of a cell appearing or disappearing. Returns ``geo``,
    ``mean_base``, ``mean_target``, ``d_mean`` (index unit), ``exposed_base``, ``exposed_target`` (percent),
    ``d_exposed_pp`` (percentage points), ``n_dropped``, ``dropped``, ``n_break`` (groups used whose value in
    either year is flagged ``b``, break in series: a change may then be an artefact).
    """
    two = two_digit_employment(employment)
    two = two[two["year"].isin([base, target])]
    wide = two.pivot_table(index=["geo", "isco08"], columns="year", values="value_thousands", aggfunc="first")
    breaks = two.assign(b=two["flag"].str.contains("b")).groupby(["geo", "isco08"])["b"].any()
    rows = []
    for geo, part in wide.groupby(level="geo", sort=True):
        part = part.droplevel("geo")
        if base not in part.columns or target not in part.columns:
            continue
        both = part[base].notna() & part[target].notna() & scores2.reindex(part.index).notna()
        if not both.any():  # no scored group with values in both years (the pivot has both years for every geo)
            continue
        dropped = sorted(part.index[~both & scores2.reindex(part.index).notna()])
        keep = part.index[both]
        res = {}
        for year in (base, target):
            emp = part.loc[keep, year]
            s = scores2.reindex(keep)
            sh = exposed2.reindex(keep)
            res[year] = (float((emp * s).sum() / emp.sum()), 100.0 * float((emp * sh).sum() / emp.sum()))
        rows.append({"geo": geo, "mean_base": res[base][0], "mean_target": res[target][0],
                     "d_mean": res[target][0] - res[base][0], "exposed_base": res[base][1],
                     "exposed_target": res[target][1], "d_exposed_pp": res[target][1] - res[base][1],
                     "n_dropped": len(dropped), "dropped": " ".join(dropped),
                     "n_break": int(breaks.loc[geo].reindex(keep).fillna(False).sum())})
    return pd.DataFrame(rows)


# ---------------------------------------------------------------------------------------------- sectors
def eu_sector_sum(sector: pd.DataFrame, members: tuple[str, ...] = EU27, require_all: bool = False
                  ) -> pd.DataFrame:
    """EU employment by ISCO major group × NACE section × year as the **sum of member states** (``lfsa_eisn2``
    has no EU aggregate). Thousands of persons. ``n_present`` counts the members with a value; ``complete`` is
    True where all are present. ``require_all=True`` leaves the sum NaN unless complete (strict); the default sums
    the members with a value (a lower bound where some are suppressed: small cells, usually ``:`` for low
    reliability). Returns columns ``isco08``, ``nace``, ``year``, ``value_thousands``, ``n_present``,
    ``complete``, ``geo`` (= ``EU27_2020``), ``flag``: the Eurostat flag letters (sorted, e.g. ``"bu"``) of the
    members' values that enter the sum (``""`` if the table has no ``flag`` column) and ``value_u_thousands``: the
    part of the sum from members' values flagged ``u`` (low reliability)."""
    part = sector[sector["geo"].isin(members)]
    absent = sorted(set(members) - set(part["geo"]))
    if absent:
        raise ValueError(f"eu_sector_sum: member state(s) {absent} absent from the sector table")
    keys = ["isco08", "nace", "year"]
    g = part.groupby(keys, sort=True)["value_thousands"]
    out = pd.DataFrame({"value_thousands": g.sum(min_count=1), "n_present": g.count().astype("int64")})
    if "flag" in part.columns:
        used = part[part["value_thousands"].notna()]
        letters = used.groupby(keys)["flag"].agg(lambda f: "".join(sorted(set("".join(f.fillna("").astype(str))))))
        out["flag"] = letters.reindex(out.index).fillna("").astype(str)
        is_u = used["flag"].fillna("").astype(str).str.contains("u")
        out["value_u_thousands"] = used[is_u].groupby(keys)["value_thousands"].sum().reindex(out.index).fillna(0.0)
    else:
        out["flag"] = ""
        out["value_u_thousands"] = 0.0
    out["complete"] = out["n_present"] == len(members)
    if require_all:
        out["value_thousands"] = out["value_thousands"].where(out["complete"])
    return out.reset_index().assign(geo=EU_AGGREGATE)


def one_digit_scores(employment: pd.DataFrame, scores2: pd.Series, exposed2: pd.Series, geo: str, year: int
                     ) -> pd.DataFrame:
    """Major-group (1-digit) scores for ``geo`` and ``year``: the employment-weighted mean of its 2-digit groups'
    scores and exposed shares (0–1). Index ``OC1``…``OC9`` (``OC0``, armed forces, has no score)."""
    two = two_digit_employment(employment)
    part = two[(two["geo"] == geo) & (two["year"] == year)].set_index("isco08")["value_thousands"]
    frame = pd.DataFrame({"emp": part, "score": scores2.reindex(part.index), "share": exposed2.reindex(part.index)})
    frame = frame[frame["emp"].notna() & frame["score"].notna()]
    frame["major"] = "OC" + frame.index.str[2]
    g = frame.groupby("major", sort=True)
    out = pd.DataFrame({
        "score": g.apply(lambda f: float((f["emp"] * f["score"]).sum() / f["emp"].sum())),
        "exposed_share": g.apply(lambda f: float((f["emp"] * f["share"]).sum() / f["emp"].sum())),
        "emp": g["emp"].sum(),
    })
    out.index.name = "isco08"
    return out


def sector_exposure(sector_geo: pd.DataFrame, scores1: pd.DataFrame) -> pd.DataFrame:
    """Exposure by NACE section from ISCO major group × NACE employment of one geo and year (``isco08``,
    ``nace``, ``value_thousands``) and major-group scores (:func:`one_digit_scores`).

    Per section: ``mean_score`` (index unit) and ``exposed_pct`` (percent) weighted by the section's employment in
    each scored major group; ``emp_scored`` (thousands), ``emp_unscored`` (armed forces, OC0), ``n_missing``
    (major groups with no value: suppressed); from the cells' flags where present: ``u_pct`` (percent of scored
    employment flagged ``u``, low reliability: for an EU sum, the members' u-flagged values, ``value_u_thousands``)
    and ``n_break`` (scored cells with a ``b`` flag, break in series). Coarse: 9 scored major groups, the same
    score for a major group in every section (a clerk in finance scores like a clerk in agriculture).
    """
    rows = []
    for nace, cells in sector_geo.groupby("nace", sort=True):
        part = cells.set_index("isco08")["value_thousands"]
        flags = (cells.set_index("isco08")["flag"].fillna("").astype(str) if "flag" in cells.columns
                 else pd.Series("", index=part.index))
        s = scores1.reindex(part.index)
        used = part.notna() & s["score"].notna()
        w = part[used]
        tot = float(w.sum())
        if "value_u_thousands" in cells.columns:  # an EU sum: the members' u-flagged part of each cell
            u = float(cells.set_index("isco08")["value_u_thousands"][used].sum())
        else:
            u = float(w[flags[used].str.contains("u").to_numpy()].sum())
        rows.append({
            "nace": nace, "label": NACE_SECTIONS.get(nace, nace),
            "mean_score": float((w * s.loc[used, "score"]).sum()) / tot if tot > 0 else np.nan,
            "exposed_pct": 100.0 * float((w * s.loc[used, "exposed_share"]).sum()) / tot if tot > 0 else np.nan,
            "emp_scored": tot, "emp_unscored": float(part[part.notna() & s["score"].isna()].sum()),
            "n_missing": int(part.isna().sum()),
            "u_pct": 100.0 * u / tot if tot > 0 else np.nan,
            "n_break": int(flags[used].str.contains("b").sum()),
        })
    return pd.DataFrame(rows)


# ---------------------------------------------------------------------------------------------- robustness
def two_digit_table(indices: pd.DataFrame, how: Aggregation = "mean", names: tuple[str, ...] = ALL_INDICES
                    ) -> pd.DataFrame:
    """2-digit scores of several indices side by side (rows ``OC11``…, one column per index)."""
    return pd.DataFrame({n: to_two_digit(unit_scores(indices, n), how)["score"] for n in names})


def rank_correlations(wide: pd.DataFrame) -> pd.DataFrame:
    """Spearman rank correlations between the columns of ``wide`` (pairwise over rows where both have a score)."""
    ranks = wide.rank()
    return ranks.corr(method="pearson", min_periods=3)


def percentile_rank(scores: pd.Series, code: str, weights: pd.Series | None = None) -> float:
    """Percent (0–100) of the **other** units whose score is lower than ``code``'s, ties counting half.

    ``weights`` (e.g. thousands employed, indexed like ``scores``) turn it into "more exposed than X % of the
    other workers"; units with a NaN score or weight are left out. NaN if ``code`` has no score.
    """
    s = scores.dropna()
    if code not in s.index:
        return float("nan")
    w = pd.Series(1.0, index=s.index) if weights is None else weights.reindex(s.index).astype("float64")
    keep = w.notna() & (s.index != code)
    s_o, w_o = s[keep], w[keep]
    if w_o.sum() <= 0:
        return float("nan")
    x = s[code]
    below = float(w_o[s_o < x].sum()) + 0.5 * float(w_o[s_o == x].sum())
    return 100.0 * below / float(w_o.sum())


def teacher_percentiles(indices: pd.DataFrame, emp2: pd.Series, how: Aggregation = "mean",
                        names: tuple[str, ...] = ALL_INDICES) -> pd.DataFrame:
    """Where teaching professionals (ISCO 23 and its unit groups 23xx) rank under each index.

    ``emp2``: employment by 2-digit group (thousands; the weights). Rows: index × unit (``OC23`` and each 23xx):
    ``score``; ``pct_workers`` = percent of other workers less exposed (2-digit: EU employment of the other
    groups; 4-digit: each group's employment split equally among its scored unit groups — an approximation, no
    European 4-digit employment exists); ``pct_units`` = percent of other occupations (unweighted).
    """
    rows = []
    for name in names:
        s4 = unit_scores(indices, name)
        agg = to_two_digit(s4, how)
        s2 = agg["score"]
        rows.append({"index": name, "unit": TEACHERS_2DIGIT, "score": s2.get(TEACHERS_2DIGIT, np.nan),
                     "pct_workers": percentile_rank(s2, TEACHERS_2DIGIT, emp2),
                     "pct_units": percentile_rank(s2, TEACHERS_2DIGIT), "n_units": int(s2.notna().sum())})
        scored4 = s4.dropna()
        groups = two_digit_code(scored4.index).to_numpy()
        per_unit = emp2.reindex(groups).to_numpy() / agg["n_units"].reindex(groups).to_numpy()
        w4 = pd.Series(per_unit, index=scored4.index)
        for code in [c for c in s4.index if c.startswith("23")]:
            rows.append({"index": name, "unit": code, "score": s4[code],
                         "pct_workers": percentile_rank(scored4, code, w4),
                         "pct_units": percentile_rank(scored4, code), "n_units": int(scored4.size)})
    return pd.DataFrame(rows)


def crosswalk_losses(indices: pd.DataFrame, soc: pd.DataFrame) -> pd.DataFrame:
    """What the SOC → ISCO mapping loses, per SOC-based index: SOC codes in the source, mapped, not in the
    crosswalk (``soc_unmapped``), their US employment (``us_emp_unmapped_pct``: percent of the source's US
    employment with a BLS match), SOC codes without a BLS weight, ISCO unit groups with / without a score
    (``isco_unscored``; ILO indices included for comparison)."""
    rows = []
    for name in ALL_INDICES:
        s4 = indices[indices["index"] == name]
        row = {"index": name, "soc_in_source": 0, "soc_mapped": 0, "soc_unmapped": 0, "soc_no_weight": 0,
               "us_emp_unmapped_pct": np.nan,
               "isco_scored": int(s4["score"].notna().sum()), "isco_unscored": int(s4["score"].isna().sum()),
               "isco_unscored_codes": " ".join(s4.loc[s4["score"].isna(), "isco08"])}
        part = soc[soc["index"] == name]
        if len(part):
            lost = part["n_isco"] == 0
            emp = part["us_employment"]
            row.update({"soc_in_source": len(part), "soc_mapped": int((~lost).sum()), "soc_unmapped": int(lost.sum()),
                        "soc_no_weight": int(emp.isna().sum()),
                        "us_emp_unmapped_pct": 100.0 * float(emp[lost].sum()) / float(emp.sum())})
        rows.append(row)
    return pd.DataFrame(rows)


# ---------------------------------------------------------------------------------------------- names
#: Geo codes of the LFS tables that :data:`analysis.chapters.adoption.COUNTRY_NAMES` does not name.
EXTRA_GEO_NAMES: dict[str, str] = codelists.EXTRA_GEO_NAMES  # codelists/countries.csv


def country_name(geo: str) -> str:
    """A geo code as readers read it (``"DE"`` → ``"Germany"``, ``"EU27_2020"`` → ``"EU27"``); unknown codes as
    given."""
    return codelists.COUNTRY_NAMES.get(geo, EXTRA_GEO_NAMES.get(geo, geo))


def short_label(index: str) -> str:
    """``"ILO 2025 (Gmyrek et al. 2025)"`` → ``"ILO 2025"``."""
    return INDEX_LABELS[index].split(" (")[0]


def _join(items: list[str]) -> str:
    """``["a", "b", "c"]`` → ``"a, b and c"``."""
    if not items:
        return ""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


# ---------------------------------------------------------------------------------------------- index comparison
def index_flag_counts(indices: pd.DataFrame, ilo: pd.DataFrame, names: tuple[str, ...] = ALL_INDICES
                      ) -> pd.DataFrame:
    """How many ISCO-08 unit groups each index flags as exposed under the ``gradient`` rule, and why counts differ.

    One row per index: ``n_universe`` (unit groups in the table), ``n_scored``, ``k`` (ILO 2025: its unit groups
    in gradients 1–4; others: :func:`top_k` of ILO 2025's share and the index's scored unit groups — fewer scored,
    fewer flagged), ``n_flagged`` (with the tie rule :data:`TIE_RULE_TEXT`: = k), ``n_flagged_ties`` (every unit
    group tied at the cut-off flagged), ``n_tied_at_cut`` (unit groups whose score equals the k-th highest; 0 for
    ILO 2025, whose gradients are categories), ``cut_score`` (index unit; NaN for ILO 2025).
    """
    share = ilo_exposed_unit_share(ilo)
    gradients = ilo[ilo["index_version"] == 2025].set_index("isco08")["gradient"]
    rows = []
    for name in names:
        s4 = unit_scores(indices, name)
        scored = s4.dropna()
        row = {"index": name, "label": short_label(name), "n_universe": int(s4.size), "n_scored": int(scored.size)}
        if name == "ilo2025":
            n = int(exposed_units(s4, "gradient", name, gradients=gradients).sum())
            row.update(k=n, n_flagged=n, n_flagged_ties=n, n_tied_at_cut=0, cut_score=np.nan)
        else:
            k = top_k(share, int(scored.size))
            cut = float(scored.sort_values(ascending=False).iloc[k - 1]) if k > 0 else np.nan
            row.update(k=k,
                       n_flagged=int(exposed_units(s4, "gradient", name, top_share=share, ties="code").sum()),
                       n_flagged_ties=int(exposed_units(s4, "gradient", name, top_share=share, ties="include").sum()),
                       n_tied_at_cut=int((scored == cut).sum()) if k > 0 else 0, cut_score=cut)
        rows.append(row)
    return pd.DataFrame(rows)


def index_count_sentence(counts: pd.DataFrame) -> str:
    """What :func:`index_flag_counts` shows, in words: whether the indices flag the same number of unit groups
    (only if every ``n_flagged`` and ``n_flagged_ties`` is equal), each index's count of its scored unit groups,
    which counts differ because an index scores fewer unit groups (coverage) and which because of ties at the
    cut-off score, and the tie rule."""
    ref = counts.set_index("index")
    same = counts["n_flagged"].nunique() == 1 and counts["n_flagged_ties"].nunique() == 1
    parts = []
    for r in counts.itertuples():
        text = f"{r.label} {fmt.count(r.n_flagged)} of {fmt.count(r.n_scored)}"
        if r.n_flagged_ties != r.n_flagged:
            text += (f" ({fmt.count(r.n_flagged_ties)} if all {fmt.count(r.n_tied_at_cut)} unit groups tied at the "
                     f"cut-off score {fmt.num(r.cut_score, 3)} were flagged)")
        parts.append(text)
    lead = ("Every index flags the same number of unit groups." if same else
            "The indices do not flag the same number of unit groups.")
    text = f"{lead} Unit groups flagged, of those each index scores: {_join(parts)}."
    if same:
        return text
    base = ref.loc["ilo2025"] if "ilo2025" in ref.index else counts.iloc[0]
    fewer = counts[counts["n_scored"] < base["n_scored"]]
    if len(fewer):
        text += (f" Coverage: {_join(fewer['label'].tolist())} score fewer of the {fmt.count(base['n_universe'])} "
                 f"unit groups than {base['label']} ({fmt.count(base['n_scored'])}), so the same share of their "
                 "scored unit groups is fewer unit groups.")
    tied = counts[counts["n_flagged_ties"] != counts["n_flagged"]]
    if len(tied):
        text += (f" Ties: under {_join(tied['label'].tolist())} the cut-off falls inside a group of tied scores; "
                 f"this page flags exactly the index's share: {TIE_RULE_TEXT}.")
    else:
        text += " No index has ties across its cut-off."
    return text


FLAG_COUNTS_CAPTION = ("Unit groups each index flags as exposed under the gradient rule (the share of its scored unit "
                       "groups that ILO 2025 places in gradients 1–4), with and without the tie rule, and the EU share "
                       "of employment in exposed occupations either way (percent of scored employment)")


def flag_counts_display(counts: pd.DataFrame, effect: pd.DataFrame | None = None) -> pd.DataFrame:
    """:func:`index_flag_counts` (and, if given, :func:`tie_effect`) formatted for :func:`analysis.core.figures.table`,
    with the reason each count differs from ILO 2025's: coverage (fewer unit groups scored), ties at the cut-off."""
    base = counts.set_index("index").loc["ilo2025"] if "ilo2025" in set(counts["index"]) else counts.iloc[0]
    why = []
    for r in counts.itertuples():
        reasons = []
        if r.n_scored < base["n_scored"]:
            reasons.append(f"coverage: {fmt.count(base['n_scored'] - r.n_scored)} fewer unit groups scored")
        if r.n_flagged_ties != r.n_flagged:
            reasons.append(f"ties: {fmt.count(r.n_tied_at_cut)} unit groups share the cut-off score")
        why.append("; ".join(reasons) or ("reference (ILO gradients 1–4)" if r.index == "ilo2025" else "none"))
    out = pd.DataFrame({
        "Index": counts["label"], "Unit groups scored": counts["n_scored"].map(fmt.count),
        "Flagged (tie rule)": counts["n_flagged"].map(fmt.count),
        "Flagged, every tie included": counts["n_flagged_ties"].map(fmt.count),
        "Why the count differs": why,
    })
    if effect is not None:
        e = effect.set_index("index").reindex(counts["index"])
        out["EU employment exposed (tie rule)"] = e["exposed_pct"].map(fmt.pct).to_numpy()
        out["EU employment exposed (every tie)"] = e["exposed_pct_ties"].map(fmt.pct).to_numpy()
    return out


def tie_effect(indices: pd.DataFrame, ilo: pd.DataFrame, employment: pd.DataFrame, geo: str, year: int,
               how: Aggregation = "mean", names: tuple[str, ...] = ALL_INDICES) -> pd.DataFrame:
    """The exposed share (percent of scored employment) of ``geo`` in ``year`` under each index with the tie
    rule (``exposed_pct``, ties broken by ISCO code) and with every tied unit group flagged
    (``exposed_pct_ties``), gradient rule, unit groups unweighted within SOC codes."""
    rule = headline_by_index(indices, ilo, employment, geo, year, "gradient", how=how, names=names, ties="code")
    incl = headline_by_index(indices, ilo, employment, geo, year, "gradient", how=how, names=names, ties="include")
    return pd.DataFrame({"index": rule["index"], "label": rule["index"].map(short_label),
                         "exposed_pct": rule["exposed_pct"], "exposed_pct_ties": incl["exposed_pct"].to_numpy()})


def tie_range_sentence(effect: pd.DataFrame, geo_label: str = "EU") -> str:
    """The range of the exposed share across indices with the tie rule and with ties included, and how much of
    the range ties make: the difference of the two widths, in percentage points, computed from the endpoints as
    shown (rounded half away from zero to 1 decimal) so that the sentence adds up."""
    def rng(col: str) -> tuple[float, float, str, str]:
        lo, hi = effect[col].idxmin(), effect[col].idxmax()
        return effect.loc[lo, col], effect.loc[hi, col], effect.loc[lo, "label"], effect.loc[hi, "label"]

    a, b, an, bn = rng("exposed_pct")
    c, d, cn, dn = rng("exposed_pct_ties")
    # widths from the endpoints as shown (1 decimal), so that the sentence's own arithmetic holds
    ra, rb, rc, rd = (fmt.round_half_away(x, 1) for x in (a, b, c, d))
    text = (f"Across the {len(effect)} indices the {geo_label} share of employment in exposed occupations ranges "
            f"from {fmt.pct(a)} ({an}) to {fmt.pct(b)} ({bn}) with the tie rule, a range of {rb - ra} pp.")
    if (ra, rb) == (rc, rd):
        return text + " Flagging every unit group tied at the cut-off would not change that range."
    return (text + f" Flagging every unit group tied at the cut-off instead gives {fmt.pct(c)} ({cn}) to "
            f"{fmt.pct(d)} ({dn}), a range of {rd - rc} pp: ties at the cut-off account for "
            f"{(rd - rc) - (rb - ra)} pp of it.")


# ---------------------------------------------------------------------------------------------- sector sensitivity
#: Sections whose workers in a major group are mostly in one 2-digit group: NACE section → {major group: the
#: 2-digit group that replaces the major-group average in the sensitivity}. Education's professionals are mostly
#: teaching professionals; health's professionals and associate professionals mostly health ones.
SECTOR_SUBSTITUTES: dict[str, dict[str, str]] = {"P": {"OC2": "OC23"}, "Q": {"OC2": "OC22", "OC3": "OC32"}}


def sector_sensitivity(sector_geo: pd.DataFrame, scores1: pd.DataFrame, scores2: pd.Series, exposed2: pd.Series,
                       substitutes: dict[str, dict[str, str]] | None = None) -> pd.DataFrame:
    """Exposure by NACE section as a major-group bound and its 2-digit sensitivity.

    ``exposed_pct`` (percent) is :func:`sector_exposure` (each major group at its average over all sectors);
    ``exposed_pct_2d`` recomputes the sections of ``substitutes`` (default :data:`SECTOR_SUBSTITUTES`) with the
    named 2-digit group's score and exposed share (``scores2``, ``exposed2`` 0–1) in place of the major group's,
    as if all of the section's workers in that major group were in that 2-digit group; other sections keep
    ``exposed_pct``. ``substituted`` names the replacements (``"OC2→OC23"``). ``low``/``high``: the two figures'
    minimum and maximum. Raises ``KeyError`` if a substitute group has no exposed share.
    """
    subs = SECTOR_SUBSTITUTES if substitutes is None else substitutes
    base = sector_exposure(sector_geo, scores1)
    alt = base["exposed_pct"].copy()
    alt_score = base["mean_score"].copy()
    named = pd.Series("", index=base.index)
    for nace, repl in subs.items():
        hit = base.index[base["nace"] == nace]
        if not len(hit):
            continue
        s1 = scores1.copy()
        for major, group in repl.items():
            if group not in exposed2.index or pd.isna(exposed2[group]) or pd.isna(scores2.get(group, np.nan)):
                raise KeyError(f"sector_sensitivity: no exposed share for {group} (replacing {major} in {nace})")
            s1.loc[major, "exposed_share"] = float(exposed2[group])
            s1.loc[major, "score"] = float(scores2[group])
        res = sector_exposure(sector_geo[sector_geo["nace"] == nace], s1).iloc[0]
        alt[hit[0]] = res["exposed_pct"]
        alt_score[hit[0]] = res["mean_score"]
        named[hit[0]] = " ".join(f"{m}→{g}" for m, g in repl.items())
    out = base.assign(exposed_pct_2d=alt, mean_score_2d=alt_score, substituted=named)
    out["low"] = out[["exposed_pct", "exposed_pct_2d"]].min(axis=1)
    out["high"] = out[["exposed_pct", "exposed_pct_2d"]].max(axis=1)
    return out


def _order(frame: pd.DataFrame, col: str) -> list[str]:
    """Sections from most to least exposed by ``col`` (ties: NACE code order)."""
    return frame.sort_values(["nace"]).sort_values(col, ascending=False, kind="mergesort")["nace"].tolist()


def sector_sentence(sens: pd.DataFrame, geo_label: str, year: int) -> str:
    """What :func:`sector_sensitivity` supports, in words: each substituted section's two figures, and a ranking
    statement only where both readings agree (the full order if it is the same under both, else only the most or
    least exposed section if that one is the same, else none); rows without scored employment are left out."""
    rows = sens[sens["emp_scored"] > 0]
    parts = []
    for r in rows[rows["substituted"] != ""].itertuples():
        pairs = [x.split("→") for x in r.substituted.split()]
        swaps = "; and its ".join(f"{ISCO_TITLES[m].lower()} ({m}) were all {ISCO_TITLES[g].lower()} ({g})"
                                  for m, g in pairs)
        parts.append(f"{r.label} ({r.nace}): {fmt.pct(r.exposed_pct)} of its employment in exposed occupations "
                     f"with major-group averages, {fmt.pct(r.exposed_pct_2d)} if its {swaps}")
    text = (f"In {geo_label} ({year}) each section's employment is known only by ISCO major group, so each major "
            "group carries its exposure averaged over all sectors. " + ("; ".join(parts) + ". " if parts else ""))
    text += ("The LFS does not cross 2-digit occupations with sectors, so the data cannot say which figure is "
             "closer for these sections. ")
    a, b = _order(rows, "exposed_pct"), _order(rows, "exposed_pct_2d")
    name = dict(zip(rows["nace"], rows["label"], strict=True))
    if a == b:
        return text + (f"The order of sections is the same under both readings: most exposed {name[a[0]]} "
                       f"({a[0]}), least {name[a[-1]]} ({a[-1]}).")
    moved = [n for n in a if a.index(n) != b.index(n)]
    text += (f"The order of sections changes between the two readings ({fmt.count(len(moved))} of "
             f"{fmt.count(len(a))} sections change rank), so this page does not rank sections by exposure")
    same = []
    if a[0] == b[0]:
        same.append(f"under both, the most exposed is {name[a[0]]} ({a[0]})")
    if a[-1] == b[-1]:
        same.append(f"the least exposed {name[a[-1]]} ({a[-1]})")
    return text + ("; " + " and ".join(same) + ", though these too rest on major-group averages." if same else ".")


# ---------------------------------------------------------------------------------------------- exposure sensitivity
_G = "Exposed: Gradient "
#: The definitions of "exposed" the sensitivity table compares: (label, ILO 2025 categories counted, reading).
#: The first is the chapter's headline (ILO's own "exposed" occupations).
GRADIENT_DEFINITIONS: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("gradients 1–4", (f"{_G}1", f"{_G}2", f"{_G}3", f"{_G}4"), "ILO's exposed occupations (headline)"),
    ("gradients 2–4", (f"{_G}2", f"{_G}3", f"{_G}4"), "stricter: gradient 1 left out"),
    ("gradients 3–4", (f"{_G}3", f"{_G}4"), "stricter: gradients 1–2 left out"),
    ("gradient 4 only", (f"{_G}4",), "highest gradient, read as automation potential (most tasks highly exposed)"),
    ("gradients 1–3", (f"{_G}1", f"{_G}2", f"{_G}3"),
     "read as augmentation: exposed, but some tasks need people (gradient 4 left out)"),
    ("minimal exposure and gradients 1–4", ("Minimal Exposure", f"{_G}1", f"{_G}2", f"{_G}3", f"{_G}4"),
     "any exposure, including ILO's 'minimal exposure'"),
)
#: Why the within-group weighting row of the sensitivity table has no value.
NO_4DIGIT_WEIGHTS = ("not computable: the LFS publishes employment by 2-digit group only; no European employment by "
                     "4-digit unit group is in the sources")


def gradient_flags(scores4: pd.Series, gradients: pd.Series, categories: tuple[str, ...]) -> pd.Series:
    """1.0 where a scored unit group's ILO 2025 category is in ``categories``, 0.0 otherwise, NaN where unscored
    (``scores4`` NaN). Raises ``ValueError`` for a category not in :data:`analysis.readers.ilo.GRADIENT_ORDER`."""
    unknown = [c for c in categories if c not in GRADIENT_ORDER]
    if unknown:
        raise ValueError(f"unknown ILO category {unknown[0]!r}; expected one of {GRADIENT_ORDER}")
    g = gradients.reindex(scores4.index)
    flag = g.isin(categories).astype("float64")
    return flag.where(scores4.notna()).rename("exposed")


def sensitivity_table(indices: pd.DataFrame, ilo: pd.DataFrame, employment: pd.DataFrame, geo: str, year: int,
                      how: Aggregation = "mean") -> pd.DataFrame:
    """The ILO 2025 exposed share of ``geo``'s employment in ``year`` (percent of scored employment) under each
    definition of :data:`GRADIENT_DEFINITIONS`, unit groups weighted equally within 2-digit groups, plus a row
    for employment-weighted unit groups (NaN: :data:`NO_4DIGIT_WEIGHTS`). Columns ``definition``, ``reading``,
    ``weighting``, ``n_units`` (unit groups counted as exposed), ``exposed_pct``, ``headline`` (bool), ``note``."""
    s4 = unit_scores(indices, "ilo2025")
    gradients = ilo[ilo["index_version"] == 2025].set_index("isco08")["gradient"]
    scores2 = to_two_digit(s4, how)["score"]
    part = employment[(employment["geo"] == geo) & (employment["year"] == year)]
    rows = []
    for i, (label, cats, reading) in enumerate(GRADIENT_DEFINITIONS):
        e4 = gradient_flags(s4, gradients, cats)
        res = weighted_exposure(part, scores2, exposed_share_two_digit(e4)).iloc[0]
        rows.append({"definition": label, "reading": reading, "weighting": "unit groups equal within 2-digit groups",
                     "n_units": int(e4.sum()), "exposed_pct": float(res["exposed_pct"]), "headline": i == 0,
                     "note": ""})
    head = rows[0]
    rows.append({**head, "weighting": "unit groups weighted by employment", "exposed_pct": np.nan,
                 "headline": False, "reading": "within-group weighting", "note": NO_4DIGIT_WEIGHTS})
    return pd.DataFrame(rows)


def sensitivity_display(table: pd.DataFrame, geo_label: str = "EU") -> pd.DataFrame:
    """:func:`sensitivity_table` formatted for :func:`analysis.core.figures.table`: shares through
    :func:`analysis.core.fmt.pct`
    (``"not computable"`` where missing, never 0), the headline row marked."""
    return pd.DataFrame({
        "Exposed if ILO 2025 category is": table["definition"],
        "Reading": table["reading"],
        "Unit groups within a 2-digit group": table["weighting"],
        "Unit groups counted": table["n_units"].map(fmt.count),
        f"{geo_label} employment exposed": [fmt.pct(x) if pd.notna(x) else "not computable"
                                           for x in table["exposed_pct"]],
        "Headline": np.where(table["headline"], "✓ headline", ""),
    })


def sensitivity_sentence(table: pd.DataFrame, geo_label: str = "EU") -> str:
    """The sensitivity table in words: the headline, the narrowest and widest definitions, the automation and
    augmentation readings, and why within-group weighting is missing."""
    have = table[table["exposed_pct"].notna()]
    val = dict(zip(have["definition"], have["exposed_pct"].map(fmt.pct), strict=True))
    head = table.loc[table["headline"], "definition"].iloc[0]
    text = (f"The headline counts {head} ({val[head]} of {geo_label} employment). Other readings of the same index: "
            + "; ".join(f"{d} {v}" for d, v in val.items() if d != head) + ".")
    if "gradient 4 only" in val and "gradients 1–3" in val:
        text += (f" Read the ILO's way, the highest gradient ({val['gradient 4 only']}) is where automation is "
                 f"most plausible and gradients 1–3 ({val['gradients 1–3']}) are jobs more likely transformed than "
                 "replaced; both are readings of task scores, not observed job changes.")
    missing = table[table["exposed_pct"].isna()]
    if len(missing):
        text += (f" Weighting unit groups by employment within 2-digit groups is {missing['note'].iloc[0]}. The "
                 "weighting the data do allow is within unit groups, for the SOC-based indices: their SOC codes "
                 "weighted by US employment (the rows 'weighted by US employment' of the table of indices above).")
    return text


# ---------------------------------------------------------------------------------------------- chapter: inputs
@dataclass(frozen=True)
class ChapterInputs:
    """The processed tables the chapter reads (:attr:`ExposureParams.reads`), typed."""

    indices: pd.DataFrame
    soc: pd.DataFrame
    ilo: pd.DataFrame
    employment: pd.DataFrame
    sector: pd.DataFrame


def load_chapter_inputs() -> ChapterInputs:
    """Read the chapter's processed tables (the only I/O of the chapter)."""
    return ChapterInputs(indices=load_indices(), soc=load_soc_scores(), ilo=process.load("exposure_ilo"),
                         employment=process.load("employment_by_occupation"),
                         sector=process.load("employment_by_occupation_sector"))


def rule_text(ilo: pd.DataFrame, index: str, exposed: ExposedRule, threshold: float) -> str:
    """The definition of "exposed" in force, in words (shares through :mod:`analysis.core.fmt`)."""
    if exposed == "gradient":
        if index == "ilo2025":
            return "ILO 2025 exposure gradients 1–4"
        return (f"the top {fmt.pct(100 * ilo_exposed_unit_share(ilo))} of the unit groups {short_label(index)} "
                f"scores (the share ILO 2025 places in gradients 1–4; {TIE_RULE_TEXT})")
    if index in SHARE_SCALE:
        return f"score of at least {fmt.num(threshold, 2)}"
    return f"percentile rank among unit groups of at least {fmt.num(100 * threshold, 0)}"


def score_unit(index: str) -> str:
    """The unit of an index's scores, for axis labels."""
    return ("score 0–1 (share of exposed tasks)" if index in SHARE_SCALE
            else "standardised score (mean 0, SD 1 over US occupations)")


def intro_texts(inp: ChapterInputs, p: ExposureParams) -> dict[str, str]:
    """Glue texts of the chapter's overview and method: years covered, the index, the rule, the parameters."""
    lfs = sorted(int(y) for y in inp.employment["year"].unique())
    sec = sorted(int(y) for y in inp.sector["year"].unique())
    return {"lfs_years": f"{lfs[0]}–{lfs[-1]}", "sector_years": f"{sec[0]}–{sec[-1]}",
            "n_universe": fmt.count(inp.indices["isco08"].nunique()),
            "monitoring_quote": plain(MONITORING_QUOTE), "monitoring_translation": MONITORING_TRANSLATION,
            "index_label": INDEX_LABELS[p.index], "rule_text": rule_text(inp.ilo, p.index, p.exposed, p.threshold),
            "geo": country_name(p.geo), "year": str(p.year), "aggregation": p.aggregation}


# ---------------------------------------------------------------------------------------------- chapter: occupations
def gradient_counts(ilo: pd.DataFrame) -> pd.DataFrame:
    """ILO 2025 unit groups per category (``gradient``, ``unit_groups``, ``exposed`` bool), least exposed first."""
    g = ilo[ilo["index_version"] == 2025]["gradient"]
    counts = g.value_counts().reindex(GRADIENT_ORDER, fill_value=0)
    return pd.DataFrame({"gradient": GRADIENT_ORDER, "unit_groups": counts.to_numpy().astype("int64"),
                         "exposed": [is_exposed_gradient(x) for x in GRADIENT_ORDER]})


def gradient_texts(counts: pd.DataFrame) -> dict[str, str]:
    """Glue texts: unit groups in gradients 1–4 of all categorised unit groups, count and percent."""
    n, e = int(counts["unit_groups"].sum()), int(counts.loc[counts["exposed"], "unit_groups"].sum())
    return {"n_units_ilo": fmt.count(n), "n_exposed_ilo": fmt.count(e), "pct_exposed_units": fmt.pct(100 * e / n),
            "gradient_title": f"ILO 2025: {fmt.count(e)} of {fmt.count(n)} occupations are in an exposure gradient"}


def alt_gradients(counts: pd.DataFrame) -> str:
    """Alt text of the gradient bar chart: every category's count."""
    parts = [f"{g.replace('Exposed: ', '').lower()} {fmt.count(n)}" for g, n in
             zip(counts["gradient"], counts["unit_groups"], strict=True)]
    t = gradient_texts(counts)
    return (f"Bar chart of the {t['n_units_ilo']} ISCO-08 unit groups by ILO 2025 exposure category: "
            f"{_join(parts)}; {t['n_exposed_ilo']} ({t['pct_exposed_units']}) are in gradients 1 to 4.")


def top_occupations(view: IndexView, ilo: pd.DataFrame, n: int = 15) -> pd.DataFrame:
    """The ``n`` unit groups with the highest scores (ties: ISCO code order): ``isco08``, ``score``, ``title`` (ILO
    file; ``"(title not in the ILO file)"`` otherwise), ``major`` (major group title)."""
    titles = ilo[ilo["index_version"] == 2025].set_index("isco08")["title"]
    top = view.scores4.dropna().sort_index().sort_values(ascending=False, kind="mergesort").head(n)
    return pd.DataFrame({"isco08": top.index, "score": top.to_numpy(),
                         "title": top.index.map(titles).fillna("(title not in the ILO file)"),
                         "major": two_digit_code(top.index).str[:3].map(ISCO_TITLES).to_numpy()})


def top_texts(top: pd.DataFrame, index: str) -> dict[str, str]:
    """Glue texts and figure title of the top-occupations chart (score at 2 decimals)."""
    major = top["major"].value_counts(sort=True)
    major = major[major == major.max()].sort_index()
    return {"top_title": str(top["title"].iloc[0]), "top_score": fmt.num(top["score"].iloc[0], 2),
            "top_chart_title": (f"{short_label(index)}: {_join([m.lower() for m in major.index])} hold "
                                f"{fmt.count(int(major.iloc[0]))} of the {fmt.count(len(top))} most exposed "
                                "occupations" + (" each" if len(major) > 1 else ""))}


def alt_top(top: pd.DataFrame, index: str) -> str:
    """Alt text of the top-occupations chart: the first and last shown with their scores, the leading major group."""
    t = top_texts(top, index)
    return (f"Horizontal bar chart of the {fmt.count(len(top))} ISCO-08 unit groups with the highest "
            f"{short_label(index)} scores, from {top['title'].iloc[0]} ({fmt.num(top['score'].iloc[0], 2)}) to "
            f"{top['title'].iloc[-1]} ({fmt.num(top['score'].iloc[-1], 2)}). {t['top_chart_title']}.")


# ---------------------------------------------------------------------------------------------- chapter: countries
#: Percent of total employment in scored 2-digit groups with a value below which a country's figure is flagged.
COVERAGE_MIN = 95.0
#: Decimals a coverage is shown with (``fmt.pct``): the mark is applied to the value at this precision.
COVERAGE_DECIMALS = 1


def well_covered(coverage_pct: pd.Series, minimum: float = COVERAGE_MIN) -> pd.Series:
    """True where a coverage (percent of employment) reaches ``minimum`` **as the book shows it**: rounded half away
    from zero to :data:`COVERAGE_DECIMALS` decimals (:func:`analysis.core.fmt.round_half_away`), so that 94.99,
    shown "95.0 %", is well covered and no country is listed as poorly covered beside a number at the mark. NaN (no
    employment value) is not covered. A bool Series on ``coverage_pct``'s index."""
    shown = [float(round_half_away(x, COVERAGE_DECIMALS)) if pd.notna(x) else np.nan for x in coverage_pct]
    return pd.Series(shown, index=coverage_pct.index, dtype="float64").ge(minimum)


def country_texts(countries: pd.DataFrame, geo: str, year: int) -> dict[str, str]:
    """Glue texts of the country section from :func:`weighted_exposure` rows of one year (``geo`` = the page's
    country; the EU row must be present). Member states below :data:`COVERAGE_MIN` as shown (:func:`well_covered`)
    are left out of the range and listed."""
    by = countries.set_index("geo")
    eu, g = by.loc[EU_AGGREGATE], by.loc[geo]
    members = countries[countries["geo"].isin(EU27)].sort_values(["exposed_pct", "geo"], kind="mergesort")
    covered = well_covered(members["coverage_pct"])
    ok, low = members[covered], members[~covered]
    if geo == EU_AGGREGATE:
        geo_sentence = "The EU figure is computed from Eurostat's EU27 aggregate, not as a mean of the country figures."
    elif geo in EU27:
        rank = int((members["exposed_pct"] > g["exposed_pct"]).sum()) + 1
        geo_sentence = (f"{country_name(geo)} ranks {rank} of {len(members)} member states with "
                        f"{fmt.pct(g['exposed_pct'])} (mean score {fmt.num(g['mean_score'], 3)}).")
    else:
        geo_sentence = (f"{country_name(geo)}, not a member state, is shown for comparison: "
                        f"{fmt.pct(g['exposed_pct'])} (mean score {fmt.num(g['mean_score'], 3)}).")
    unscored = [f"{c} {ISCO_TITLES[c].lower()}" for c in str(eu["unscored"]).split()]
    missing = [f"{c} {ISCO_TITLES.get(c, c).lower()}" for c in str(g["missing"]).split()]
    return {
        "year": str(year), "cov_min": fmt.num(COVERAGE_MIN, 0),
        "eu_exposed": fmt.pct(eu["exposed_pct"]), "eu_mean": fmt.num(eu["mean_score"], 3),
        "eu_scored_m": fmt.num(eu["emp_scored"] / 1000), "eu_exposed_m": fmt.num(eu["emp_scored"] * eu["exposed_pct"]
                                                                                  / 100 / 1000),
        "eu_unscored": fmt.num(eu["emp_unscored"], 0, thousands=True), "eu_coverage": fmt.pct(eu["coverage_pct"]),
        "eu_unscored_groups": _join(unscored) or "none",
        "ms_min": fmt.pct(ok["exposed_pct"].iloc[0]), "ms_min_geo": country_name(ok["geo"].iloc[0]),
        "ms_max": fmt.pct(ok["exposed_pct"].iloc[-1]), "ms_max_geo": country_name(ok["geo"].iloc[-1]),
        "low_cov": _join([f"{country_name(r.geo)} ({fmt.pct(r.exposed_pct)}, {fmt.pct(r.coverage_pct)} of "
                          "employment covered)" for r in low.itertuples()]) or "none",
        "geo_sentence": geo_sentence, "geo_missing_n": fmt.count(int(g["n_missing"])),
        "geo_missing": _join(missing) or "none", "geo_coverage": fmt.pct(g["coverage_pct"]),
        "countries_title": (f"EU {fmt.pct(eu['exposed_pct'])} of employment in exposed occupations, {year}; "
                            f"well-covered member states {fmt.num(ok['exposed_pct'].iloc[0])}–"
                            f"{fmt.pct(ok['exposed_pct'].iloc[-1])}"),
    }


def countries_shown(countries: pd.DataFrame, geo: str) -> pd.DataFrame:
    """Rows plotted in the country chart: member states, the page's country and the EU, least exposed first, with
    ``name`` (country name, ``" (u)"`` where at least 1 % of the weights are flagged u) and ``low_coverage``."""
    keep = countries["geo"].isin([*EU27, geo, EU_AGGREGATE])
    out = countries[keep].sort_values(["exposed_pct", "geo"], kind="mergesort").reset_index(drop=True)
    out["name"] = [country_name(g) + (" (u)" if u >= 1 else "") for g, u in zip(out["geo"], out["u_pct"], strict=True)]
    out["low_coverage"] = ~well_covered(out["coverage_pct"])
    return out


def alt_countries(shown: pd.DataFrame, year: int) -> str:
    """Alt text of the country chart: lowest and highest well-covered member states, the EU, hatched countries."""
    ms = shown[shown["geo"].isin(EU27) & ~shown["low_coverage"]]
    eu = shown.set_index("geo").loc[EU_AGGREGATE]
    low = shown[shown["low_coverage"] & shown["geo"].isin(EU27)]
    text = (f"Two horizontal bar charts of {len(shown[shown['geo'].isin(EU27)])} member states and the EU in {year}: "
            f"share of employment in exposed occupations and mean score. The EU27 is at {fmt.pct(eu['exposed_pct'])}; "
            f"among well-covered member states the share runs from {fmt.pct(ms['exposed_pct'].iloc[0])} in "
            f"{country_name(ms['geo'].iloc[0])} to {fmt.pct(ms['exposed_pct'].iloc[-1])} in "
            f"{country_name(ms['geo'].iloc[-1])}.")
    if len(low):
        text += f" Hatched for low coverage: {_join([country_name(g) for g in low['geo']])}."
    return text


# ---------------------------------------------------------------------------------------------- chapter: mix
def mix_texts(mix: pd.DataFrame, geo: str, base: int, target: int) -> dict[str, str]:
    """Glue texts of the mix-change section from :func:`mix_change` (changes in percentage points, 2 decimals)."""
    by = mix.set_index("geo")
    ms = mix[mix["geo"].isin(EU27)].sort_values(["d_exposed_pp", "geo"], kind="mergesort")
    eu = by.loc[EU_AGGREGATE]
    up = int((ms["d_exposed_pp"] > 0).sum())
    return {
        "mix_base": str(base), "mix_target": str(target),
        "mix_eu_base": fmt.pct(eu["exposed_base"], 2), "mix_eu_target": fmt.pct(eu["exposed_target"], 2),
        "mix_eu_pp": fmt.signed(eu["d_exposed_pp"], 2, "percentage points"),
        "mix_geo_pp": fmt.signed(by.loc[geo, "d_exposed_pp"], 2, "points") if geo in by.index else "not available",
        "mix_n_up": fmt.count(up), "mix_n_ms": fmt.count(len(ms)),
        "mix_max_geo": country_name(ms["geo"].iloc[-1]), "mix_max_pp": fmt.signed(ms["d_exposed_pp"].iloc[-1], 2),
        "mix_breaks": _join([country_name(g) for g in ms.loc[ms["n_break"] > 0, "geo"]]) or "none",
        "mix_dropped": "; ".join(f"{country_name(g)}: {d}" for g, d in zip(ms["geo"], ms["dropped"], strict=True) if d)
        or "none",
        "mix_title": (f"Employment shifted towards exposed occupations in {fmt.count(up)} of {fmt.count(len(ms))} "
                      f"member states, {base}–{target}"),
    }


def mix_shown(mix: pd.DataFrame, geo: str) -> pd.DataFrame:
    """Rows of the mix-change chart: member states, the EU and the page's country, smallest change first, with
    ``name`` (country name, ``" (b)"`` where a group used is flagged b, break in series)."""
    keep = mix["geo"].isin([*EU27, EU_AGGREGATE, geo])
    out = mix[keep].sort_values(["d_exposed_pp", "geo"], kind="mergesort").reset_index(drop=True)
    out["name"] = [country_name(g) + (" (b)" if n else "") for g, n in zip(out["geo"], out["n_break"], strict=True)]
    return out


def alt_mix(shown: pd.DataFrame, base: int, target: int) -> str:
    """Alt text of the mix-change chart (``shown``: :func:`mix_change` rows plotted, smallest change first)."""
    ms = shown[shown["geo"].isin(EU27)]
    eu = shown.set_index("geo").loc[EU_AGGREGATE]
    return (f"Horizontal bar chart of the change in the share of employment in exposed occupations from {base} to "
            f"{target} through the employment mix alone, in percentage points, for {len(ms)} member states and the "
            f"EU: from {fmt.signed(ms['d_exposed_pp'].iloc[0], 2)} in {country_name(ms['geo'].iloc[0])} to "
            f"{fmt.signed(ms['d_exposed_pp'].iloc[-1], 2)} in {country_name(ms['geo'].iloc[-1])}; EU "
            f"{fmt.signed(eu['d_exposed_pp'], 2)}.")


# ---------------------------------------------------------------------------------------------- chapter: sectors
@dataclass(frozen=True)
class SectorView:
    """The sector section's inputs: ``cells`` (ISCO major group × NACE rows of ``geo`` and ``year``), ``scores1``
    (:func:`one_digit_scores`), ``sens`` (:func:`sector_sensitivity`), ``note`` (how the EU cells were built)."""

    geo: str
    year: int
    cells: pd.DataFrame
    scores1: pd.DataFrame
    sens: pd.DataFrame
    note: str


#: Percent of a section's scored employment flagged ``u`` from which the sector chart marks it ``(u)``.
SECTOR_U_MARK = 5.0


def sectors_notes(sv_note: str) -> str:
    """Processing note under the sector chart (``sv_note``: :attr:`SectorView.note`)."""
    return ("Sections in NACE order (not ranked). Orange: sections holding one of the strategy's sectoral flagships "
            "(approximate mapping; pharmaceuticals, robotics and automotive are parts of C). Major-group scores are "
            "employment-weighted means of their 2-digit groups. Diamonds: the 2-digit sensitivity. '(u)': at least "
            f"{fmt.num(SECTOR_U_MARK, 0)} % of the section's scored employment from values Eurostat flags u (low "
            "reliability); '(b)': a cell used is flagged b (break in series). " + sv_note)


def sector_view(sector: pd.DataFrame, employment: pd.DataFrame, view: IndexView, geo: str, year: int) -> SectorView:
    """Sectors of ``geo`` in the latest sector year not after ``year`` (the EU27 as a sum of members where ``geo``
    is the EU or absent from the table)."""
    years = sorted(int(y) for y in sector["year"].unique())
    sy = year if year in years else max(y for y in years if y <= year)
    if geo == EU_AGGREGATE or geo not in set(sector["geo"]):
        sgeo = EU_AGGREGATE
        cells = eu_sector_sum(sector)
        cells = cells[cells["year"] == sy]
        strict = eu_sector_sum(sector, require_all=True)
        kept = float(strict.loc[strict["year"] == sy, "value_thousands"].sum()) / float(cells["value_thousands"].sum())
        note = (f"EU27 = sum of the member states with a value in each occupation × section cell (lfsa_eisn2 has no "
                f"EU aggregate); {fmt.count(int(cells['complete'].sum()))} of {fmt.count(len(cells))} cells have all "
                f"27 members; summing only complete cells would keep {fmt.pct(100 * kept, 0)} of employment, so "
                "incomplete cells are summed (lower bounds: the missing members' cells are small, suppressed).")
        if geo != EU_AGGREGATE:
            note = f"{country_name(geo)} is not in the sector table (lfsa_eisn2): the EU27 is shown. " + note
    else:
        sgeo = geo
        cells = sector[(sector["geo"] == geo) & (sector["year"] == sy)]
        note = (f"{country_name(geo)} as published; cells without a value (suppressed, flag u) are left out and "
                "counted.")
    scores1 = one_digit_scores(employment, view.scores2, view.exposed2, sgeo, sy)
    sens = sector_sensitivity(cells, scores1, view.scores2, view.exposed2)
    sens["strategy"] = sens["nace"].map(STRATEGY_SECTORS).fillna("")
    return SectorView(geo=sgeo, year=sy, cells=cells, scores1=scores1, sens=sens, note=note)


def sector_texts(sv: SectorView) -> dict[str, str]:
    """Glue texts of the sector section (no ranking unless both readings agree, see :func:`sector_sentence`)."""
    strat = sv.sens[(sv.sens["strategy"] != "") & (sv.sens["emp_scored"] > 0)].sort_values("nace")
    def fig(r) -> str:
        return (fmt.pct(r.exposed_pct, 0) if r.substituted == "" else
                f"{fmt.pct(r.exposed_pct_2d, 0)}–{fmt.pct(r.exposed_pct, 0)}")
    return {"sector_geo": country_name(sv.geo), "sector_year": str(sv.year), "sector_note": sv.note,
            "n_major": fmt.count(int(sv.scores1["score"].notna().sum())),
            "sector_sentence": sector_sentence(sv.sens, country_name(sv.geo), sv.year),
            "sector_title": f"{country_name(sv.geo)} {sv.year}: exposure by sector, a bound with its sensitivity",
            "sec_strategy": "; ".join(f"{r.nace} {fig(r)}" for r in strat.itertuples())}


def alt_sectors(sens: pd.DataFrame, geo_label: str, year: int) -> str:
    """Alt text of the sector chart: sections in NACE order with the bound and, where computed, the sensitivity."""
    rows = sens[sens["emp_scored"] > 0].sort_values("nace")
    parts = [f"{r.nace} {fmt.pct(r.exposed_pct)}" + (f" (2-digit sensitivity {fmt.pct(r.exposed_pct_2d)})"
                                                     if r.substituted else "") for r in rows.itertuples()]
    text = (f"Horizontal bar chart, in NACE section order, of the share of each section's employment in exposed "
            f"occupations, {geo_label} {year}, with major-group averages: {_join(parts)}.")
    if "u_pct" in rows.columns:
        low = rows[rows["u_pct"] >= SECTOR_U_MARK]["nace"].tolist()
        if low:
            text += (f" Marked (u), at least {fmt.num(SECTOR_U_MARK, 0)} % of the weights of low reliability: "
                     f"{_join(low)}.")
    return text


# ---------------------------------------------------------------------------------------------- chapter: indices
def correlation_texts(corr: pd.DataFrame, wide: pd.DataFrame) -> dict[str, str]:
    """Glue texts of the rank-correlation comparison (Spearman to 2 decimals) and where ICT professionals (OC25)
    rank under the indices that score them."""
    off = corr.where(~np.eye(len(corr), dtype=bool)).stack()
    a, b = off.idxmin()
    ict = wide.rank(ascending=False).loc["OC25"].dropna() if "OC25" in wide.index else pd.Series(dtype=float)
    return {"corr_min": fmt.num(off.min(), 2), "corr_max": fmt.num(off.max(), 2),
            "corr_min_pair": f"{short_label(a)} and {short_label(b)}",
            "corr_ilo": (fmt.num(corr.loc["ilo2025", "ilo2023"], 2) if {"ilo2025", "ilo2023"} <= set(corr.columns)
                         else "not available"),
            "ict_rank_min": fmt.num(ict.min(), 0) if len(ict) else "not available",
            "ict_rank_max": fmt.num(ict.max(), 0) if len(ict) else "not available",
            "n_groups_scored": fmt.count(int(wide["ilo2025"].notna().sum())),
            "corr_title": (f"Rank correlations between indices over 2-digit groups: Spearman {fmt.num(off.min(), 2)}"
                           f"–{fmt.num(off.max(), 2)}")}


def alt_correlations(corr: pd.DataFrame) -> str:
    """Alt text of the correlation heat map: its size, lowest and highest pair."""
    t = correlation_texts(corr, pd.DataFrame({"ilo2025": [1.0]}, index=["OC11"]))
    off = corr.where(~np.eye(len(corr), dtype=bool)).stack()
    hi = off.idxmax()
    return (f"Heat map of Spearman rank correlations between {len(corr)} exposure indices over ISCO-08 2-digit "
            f"groups: lowest {t['corr_min']} ({t['corr_min_pair']}), highest {t['corr_max']} "
            f"({short_label(hi[0])} and {short_label(hi[1])}).")


def index_table_display(by_index: pd.DataFrame) -> pd.DataFrame:
    """:func:`headline_by_index` rows formatted for :func:`analysis.core.figures.table` (mean score 3 decimals in the
    index's unit, shares 1 decimal, thousands without decimals)."""
    return pd.DataFrame({
        "Index": by_index["label"],
        "SOC codes within an ISCO unit group": by_index["weighting"].map(
            {"none": "unweighted", "bls": "weighted by US employment"}),
        "Mean score (index unit)": by_index["mean_score"].map(lambda x: fmt.num(x, 3)),
        "Employment exposed": by_index["exposed_pct"].map(fmt.pct),
        "Employment without score (thousand)": by_index["emp_unscored"].map(lambda x: fmt.num(x, 0, thousands=True)),
        "Employment covered": by_index["coverage_pct"].map(fmt.pct),
    })


def index_texts(by_index: pd.DataFrame, counts: pd.DataFrame, effect: pd.DataFrame, exposed: ExposedRule,
                geo_label: str) -> dict[str, str]:
    """Glue texts of the index comparison: under the gradient rule the counts sentence (:func:`index_count_sentence`)
    and the tie effect (:func:`tie_range_sentence`); under the threshold rule only the range of the page's
    rule."""
    if exposed == "gradient":
        return {"rule_compare": index_count_sentence(counts) + " " + tie_range_sentence(effect, geo_label)}
    plain_rows = by_index[by_index["weighting"] == "none"]
    lo, hi = plain_rows["exposed_pct"].idxmin(), plain_rows["exposed_pct"].idxmax()
    return {"rule_compare": (
        f"Under the threshold rule of this page the {geo_label} share of employment in exposed occupations ranges "
        f"from {fmt.pct(plain_rows.loc[lo, 'exposed_pct'])} ({short_label(plain_rows.loc[lo, 'index'])}) to "
        f"{fmt.pct(plain_rows.loc[hi, 'exposed_pct'])} ({short_label(plain_rows.loc[hi, 'index'])}); the number of "
        "unit groups counted as exposed differs by index by construction (the tie analysis applies to the gradient "
        "rule).")}


def crosswalk_texts(losses: pd.DataFrame, indices: pd.DataFrame, emp2: pd.Series) -> dict[str, str]:
    """Glue texts of the crosswalk-loss section (``emp2``: EU employment by 2-digit group, thousands)."""
    by = losses.set_index("index")
    elo, aioe = by.loc["eloundou"], by.loc["aioe"]
    s2 = to_two_digit(unit_scores(indices, "eloundou"))
    lost = [g for g in s2.index[s2["score"].isna()] if not g.startswith("OC0")]
    return {"elo_soc": fmt.count(elo["soc_in_source"]), "elo_unmapped": fmt.count(elo["soc_unmapped"]),
            "elo_unmapped_emp": fmt.pct(elo["us_emp_unmapped_pct"]),
            "elo_isco_unscored": fmt.count(elo["isco_unscored"]),
            "elo_lost_groups": _join([f"{g} {ISCO_TITLES[g].lower()}" for g in lost]) or "none",
            "elo_lost_emp": fmt.num(float(emp2.reindex(lost).sum()), 0, thousands=True),
            "aioe_unmapped": fmt.count(aioe["soc_unmapped"]), "aioe_soc": fmt.count(aioe["soc_in_source"]),
            "aioe_isco_unscored": fmt.count(aioe["isco_unscored"]),
            "ilo_isco_unscored": fmt.count(by.loc["ilo2025", "isco_unscored"]),
            "aioe_no_weight": fmt.count(aioe["soc_no_weight"])}


def losses_display(losses: pd.DataFrame) -> pd.DataFrame:
    """:func:`crosswalk_losses` formatted for :func:`analysis.core.figures.table` ("—" where a count does not apply)."""
    soc = losses["soc_in_source"] > 0
    def cnt(col: str) -> list[str]:
        return [fmt.count(v) if s else "—" for v, s in zip(losses[col], soc, strict=True)]
    return pd.DataFrame({
        "Index": losses["index"].map(short_label), "SOC codes in source": cnt("soc_in_source"),
        "Mapped": cnt("soc_mapped"), "Not in crosswalk": cnt("soc_unmapped"),
        "No US employment weight": cnt("soc_no_weight"),
        "US employment unmapped": [fmt.pct(v) if pd.notna(v) else "—" for v in losses["us_emp_unmapped_pct"]],
        "ISCO unit groups scored": losses["isco_scored"].map(fmt.count),
        "ISCO unit groups without score": losses["isco_unscored"].map(fmt.count),
    })


# ---------------------------------------------------------------------------------------------- chapter: teachers
def teacher_texts(teachers: pd.DataFrame, index: str) -> dict[str, str]:
    """Glue texts of the teachers section from :func:`teacher_percentiles`. Whether an index reaches the claim's
    mark is decided on the unrounded percentile (``>=`` :data:`JRC_TEACHERS_PERCENTILE`); values are shown to one
    decimal so that a value just under the mark never reads as the mark."""
    t2 = teachers[teachers["unit"] == TEACHERS_2DIGIT].set_index("index")
    t4 = teachers[teachers["unit"] != TEACHERS_2DIGIT]
    agree = [short_label(i) for i in t2.index if t2.loc[i, "pct_workers"] >= JRC_TEACHERS_PERCENTILE]
    claim = fmt.pct(JRC_TEACHERS_PERCENTILE, 0)
    verdict = (f"Whether teachers are more exposed than {claim} of other workers depends on the index."
               if 0 < len(agree) < len(t2) else "All indices agree with the teachers claim." if agree else
               "No index reproduces the teachers claim.")
    rng = t4[t4["index"] == "ilo2025"]["pct_workers"]
    lo, hi = t2["pct_workers"].idxmin(), t2["pct_workers"].idxmax()
    return {"jrc_quote": plain(JRC_TEACHERS_QUOTE), "jrc_translation": JRC_TEACHERS_TRANSLATION, "jrc_pct": claim,
            "cedefop_quote": plain(CEDEFOP_QUOTE).rstrip("⁶⁹"), "cedefop_translation": CEDEFOP_TRANSLATION,
            "teach_verdict": verdict, "teach_agree": _join(agree) or "none of them",
            "teach_n_agree": fmt.count(len(agree)), "teach_n": fmt.count(len(t2)),
            "teach_min": fmt.pct(t2.loc[lo, "pct_workers"]), "teach_min_name": short_label(lo),
            "teach_max": fmt.pct(t2.loc[hi, "pct_workers"]), "teach_max_name": short_label(hi),
            "teach_sel": fmt.pct(t2.loc[index, "pct_workers"]) if index in t2.index else "not available",
            "teach_ilo_u_min": fmt.pct(rng.min()) if len(rng) else "not available",
            "teach_ilo_u_max": fmt.pct(rng.max()) if len(rng) else "not available",
            "teach_title": f"Teachers clear the JRC's {claim} mark under {fmt.count(len(agree))} of "
                           f"{fmt.count(len(t2))} indices"}


def alt_teachers(teachers: pd.DataFrame) -> str:
    """Alt text of the teachers chart: ISCO 23's percentile under each index and the claim's mark."""
    t2 = teachers[teachers["unit"] == TEACHERS_2DIGIT]
    parts = [f"{short_label(i)} {fmt.pct(v)}" for i, v in zip(t2["index"], t2["pct_workers"], strict=True)]
    return (f"Dot chart: percent of other EU workers less exposed than teaching professionals (ISCO 23) under each "
            f"index, {_join(parts)}, with grey ranges for the teaching unit groups and a dashed line at the JRC "
            f"claim's {fmt.pct(JRC_TEACHERS_PERCENTILE, 0)}.")


# ---------------------------------------------------------------------------------------------- chapter: charts
def _highlight_colors(geos: pd.Series, geo: str) -> list[str]:
    """Bar colours: the page's country orange, the EU black, others blue (the names carry the same information)."""
    return [PALETTE[1] if g == geo else ("#333333" if g == EU_AGGREGATE else PALETTE[0]) for g in geos]


def chart_countries(shown: pd.DataFrame, geo: str, unit: str, title: str):
    """Two horizontal bar charts (exposed share, mean score) of :func:`countries_shown` rows; low coverage
    hatched. Returns the matplotlib figure."""
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(9, 7), sharey=True)
    for ax, col, xlabel in ((axes[0], "exposed_pct", "% of employment in exposed occupations"),
                            (axes[1], "mean_score", f"mean score, {unit}")):
        bars = ax.barh(range(len(shown)), shown[col], color=_highlight_colors(shown["geo"], geo))
        for bar, low in zip(bars, shown["low_coverage"], strict=True):
            bar.set_hatch("///" if low else "")
        ax.set_xlabel(xlabel, fontsize=8)
    axes[0].set_yticks(range(len(shown)), shown["name"].tolist(), fontsize=8)
    axes[0].set_title(title)
    return fig


def chart_mix(shown: pd.DataFrame, geo: str, title: str):
    """Horizontal bar chart of :func:`mix_shown` rows (percentage points); more than 2 groups dropped hatched."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 6.5))
    bars = ax.barh(range(len(shown)), shown["d_exposed_pp"], color=_highlight_colors(shown["geo"], geo))
    for bar, n in zip(bars, shown["n_dropped"], strict=True):
        bar.set_hatch("///" if n > 2 else "")
    ax.set_yticks(range(len(shown)), shown["name"].tolist(), fontsize=8)
    ax.axvline(0, color="#666", lw=0.8)
    ax.set_xlabel("change in % of employment in exposed occupations (percentage points)")
    ax.set_title(title)
    return fig


def chart_sectors(plot: pd.DataFrame, title: str):
    """Bars of the major-group bound by NACE section (in NACE order, flagship sections orange) and diamonds for
    the 2-digit sensitivity (:func:`sector_sensitivity` rows)."""
    import matplotlib.pyplot as plt


    fig, ax = plt.subplots(figsize=(8, 6.5))
    ax.barh(range(len(plot)), plot["exposed_pct"], color=[PALETTE[1] if s else PALETTE[0] for s in plot["strategy"]],
            label="major-group averages")
    sub = plot[plot["substituted"] != ""]
    ax.scatter(sub["exposed_pct_2d"], [plot.index.get_loc(i) for i in sub.index], marker="D", color="black",
               zorder=3, label="2-digit sensitivity (education: OC23; health: OC22, OC32)")
    marks = [(" (u)" if u >= SECTOR_U_MARK else "") + (" (b)" if b else "")
             for u, b in zip(plot["u_pct"], plot["n_break"], strict=True)]
    ax.set_yticks(range(len(plot)), [f"{n} {lab[:38]}{m}" for n, lab, m in zip(plot["nace"], plot["label"], marks,
                                                                               strict=True)], fontsize=8)
    ax.set_xlabel("% of the section's employment in exposed occupations")
    ax.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=2)
    ax.set_title(title)
    return fig


def chart_correlations(corr: pd.DataFrame, title: str):
    """Heat map of the rank correlations, each cell labelled to 2 decimals."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.5, 5))
    im = ax.imshow(corr.to_numpy(), vmin=0, vmax=1, cmap="Blues")
    names = [short_label(n) for n in corr.columns]
    ax.set_xticks(range(len(names)), names, rotation=45, ha="right", fontsize=8)
    ax.set_yticks(range(len(names)), names, fontsize=8)
    for i in range(len(corr)):
        for j in range(len(corr)):
            ax.text(j, i, fmt.num(corr.iloc[i, j], 2), ha="center", va="center", fontsize=8,
                    color="white" if corr.iloc[i, j] > 0.7 else "black")
    ax.grid(False)
    ax.set_title(title)
    fig.colorbar(im, ax=ax, label="Spearman rank correlation")
    return fig


def chart_teachers(teachers: pd.DataFrame, title: str):
    """Percentile of teaching professionals (ISCO 23, dots) and the range of its unit groups (grey) by index, with
    the JRC claim's mark dashed."""
    import matplotlib.pyplot as plt


    t2 = teachers[teachers["unit"] == TEACHERS_2DIGIT].reset_index(drop=True)
    t4 = teachers[teachers["unit"] != TEACHERS_2DIGIT]
    fig, ax = plt.subplots(figsize=(8, 4))
    for i, name in enumerate(t2["index"]):
        units = t4[t4["index"] == name]["pct_workers"]
        ax.plot([units.min(), units.max()], [i, i], color="#bbbbbb", lw=6, solid_capstyle="round",
                label="range of unit groups 23xx" if i == 0 else None)
        ax.scatter(units, [i] * len(units), color="#888888", s=10, zorder=3)
    ax.scatter(t2["pct_workers"], t2.index, color=PALETTE[0], s=60, zorder=4, label="teaching professionals (ISCO 23)")
    ax.axvline(JRC_TEACHERS_PERCENTILE, color=PALETTE[1], ls="--",
               label=f"JRC claim ({fmt.pct(JRC_TEACHERS_PERCENTILE, 0)})")
    ax.set_yticks(range(len(t2)), t2["index"].map(short_label).tolist(), fontsize=8)
    ax.set_xlim(0, 100)
    ax.set_xlabel("% of other EU workers less exposed")
    ax.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.18), ncol=3)
    ax.set_title(title)
    return fig


# ---------------------------------------------------------------------------------------------- chapter: captions
def countries_notes() -> str:
    """Processing note under the country chart."""
    return ("Employment-weighted over ISCO-08 2-digit groups with a score (armed forces have none). Hatched: less "
            f"than {fmt.num(COVERAGE_MIN, 0)} % of total employment covered by scored 2-digit groups with a value "
            "(suppressed cells). '(u)': at least 1 % of the weights flagged u (low reliability) by Eurostat. Orange: "
            "the chosen country; black: EU27.")


def correlation_notes(how: Aggregation) -> str:
    """Processing note under the correlation heat map."""
    return (f"2-digit ISCO-08 groups ({how} of unit-group scores), pairwise over groups scored by both indices. "
            "Eloundou et al. has no score for ICT professionals (OC25): its SOC 2018 codes for computer occupations "
            "are not in the SOC-2010 crosswalk.")


def index_table_caption(year: int, rule: str) -> str:
    """Caption of the headline-by-index table (``rule``: :func:`rule_text`)."""
    return f"EU {year}: the headline under each index (exposed: {rule}; mean scores in each index's own unit)"


def sensitivity_caption(year: int) -> str:
    """Caption of the sensitivity table."""
    return (f"EU {year}, ILO 2025: share of employment in exposed occupations under other definitions of "
            "'exposed' (percent of scored employment)")
