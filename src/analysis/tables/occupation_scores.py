"""The occupation-score tables of the exposure chapter: AI-exposure scores of every ISCO-08 unit group under each
index (``exposure_indices``) and the SOC-level scores behind the SOC-based ones (``exposure_soc_scores``).

Scores stay in each index's own unit: ILO 2023 / 2025 and Eloundou et al. are shares of an occupation's tasks
(0–1); Felten–Raj–Seamans AIOE and LM-AIOE are standardised across US SOC occupations (mean 0, SD 1). US employment
(BLS OEWS) is persons. Occupation codes are text: ISCO-08 unit groups ``"2330"``, US SOC ``"25-2031"``.

The SOC-based indices reach ISCO-08 through the IBS SOC-2010 → ISCO-08 crosswalk (many-to-many). AIOE and LM-AIOE
use SOC-2010 codes; Eloundou et al. (O*NET-SOC 2019) and the BLS OEWS May 2021 weights use SOC-2018 codes, matched
to the SOC-2010 crosswalk **by identical code only** (no SOC 2018 → 2010 bridge is in the project's sources):
renumbered occupations are lost and counted (``exposure_soc_scores.n_isco = 0``), never dropped silently.

The raw files are read by the readers (:mod:`analysis.readers.felten`, :mod:`~analysis.readers.eloundou`,
:mod:`~analysis.readers.bls`, :mod:`~analysis.readers.crosswalk`, :mod:`~analysis.readers.ilo`) through
:func:`analysis.tables.process.raw_file`; the chapter module declares :data:`TABLES`
(``PROCESSED_TABLES = process.declare(occupation_scores.TABLES)``) and reads them back with :func:`load_indices` and
:func:`load_soc_scores`.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import pandas as pd
import pandera.pandas as pa

from analysis.readers.bls import read_bls_employment
from analysis.readers.crosswalk import read_soc_isco_crosswalk
from analysis.readers.eloundou import CODE as ELOUNDOU_CODE
from analysis.readers.eloundou import read_eloundou_occupations
from analysis.readers.felten import read_felten_scores
from analysis.readers.ilo import read_ilo_scores
from analysis.tables import process
from analysis.tables.process import Table, raw_file

#: Every index of ``exposure_indices`` (``eloundou_human``: the same measure as ``eloundou``, rated by humans).
ALL_INDICES: tuple[str, ...] = ("ilo2025", "ilo2023", "aioe", "lm_aioe", "eloundou", "eloundou_human")
#: Indices on a 0–1 "share of exposed tasks" scale; the others are standardised (z-scores).
SHARE_SCALE: frozenset[str] = frozenset({"ilo2025", "ilo2023", "eloundou", "eloundou_human"})
#: The indices scored on US SOC occupations and mapped to ISCO-08 through the crosswalk.
SOC_INDICES: tuple[str, ...] = ("aioe", "lm_aioe", "eloundou", "eloundou_human")
#: The sources both tables read (``exposure_soc_scores``: all but the ILO file).
SOURCES: tuple[str, ...] = ("ilo-genai-isco08", "felten-aioe", "eloundou-gpts", "ibs-crosswalk-soc10-isco08",
                            "bls-oews-2021")


# ---------------------------------------------------------------------------------------------- SOC → ISCO
def onet_to_soc(frame: pd.DataFrame, code: str, score_columns: list[str]) -> pd.DataFrame:
    """O*NET-SOC occupations (``"11-1011.03"``) → 6-digit SOC (``"11-1011"``): unweighted mean of each score over
    the O*NET occupations of a SOC code (no weights exist below SOC). Adds ``n_onet``; keeps the first title (the
    ``.00`` occupation's, which carries the SOC title)."""
    soc = frame[code].astype(str).str.strip().str[:7]
    bad = soc[~soc.str.fullmatch(r"\d{2}-\d{4}")]
    if len(bad):
        raise ValueError(f"{code}: not an O*NET-SOC code: {bad.iloc[0]!r}")
    grouped = frame.assign(soc=soc).sort_values(code).groupby("soc", sort=True)
    out = grouped[score_columns].mean()
    out.insert(0, "title", grouped["Title"].first())
    out["n_onet"] = grouped.size().astype("int64")
    return out.reset_index()


@dataclass(frozen=True)
class IscoScores:
    """Result of :func:`soc_to_isco`.

    ``scores``: one row per ISCO-08 unit group of the universe (``isco08``, ``score`` unweighted mean,
    ``score_weighted`` employment-weighted mean, ``n_soc`` scored SOC codes averaged, ``n_soc_weighted`` of which
    with a weight, ``n_soc_crosswalk`` SOC codes the crosswalk maps to the unit group); ``unmapped_soc``: SOC codes
    with a score that the crosswalk does not know (``soc``, ``score``); ``isco_without_score``: unit groups of the
    universe with no score (codes, sorted).
    """

    scores: pd.DataFrame
    unmapped_soc: pd.DataFrame
    isco_without_score: list[str]


def soc_to_isco(soc_scores: pd.DataFrame, crosswalk: pd.DataFrame, weights: pd.Series | None = None,
                universe: list[str] | None = None) -> IscoScores:
    """Map SOC-level scores (columns ``soc``, ``score``; score in the index's own unit) to ISCO-08 unit groups.

    Many-to-many: an ISCO unit group's ``score`` is the unweighted mean of the scores of every SOC code the
    crosswalk maps to it (each SOC counted once per unit group). ``score_weighted`` weights each SOC by its US
    employment (``weights``, persons, indexed by SOC) **divided equally among the ISCO unit groups it maps to**, so
    that a SOC split over k unit groups counts for 1/k of its workers in each; SOC codes without a weight are left
    out of the weighted mean only (counted in ``n_soc`` but not in ``n_soc_weighted``); a unit group whose scored
    SOC codes all lack a weight gets NaN. Unit groups of ``universe`` (default: every ISCO code of the crosswalk)
    without any scored SOC get NaN scores and are listed; SOC codes absent from the crosswalk are returned, never
    dropped silently. SOC codes with a NaN score are treated as unscored.
    """
    scored = soc_scores.loc[soc_scores["score"].notna(), ["soc", "score"]]
    if scored["soc"].duplicated().any():
        raise ValueError(f"soc_to_isco: SOC code {scored.loc[scored['soc'].duplicated(), 'soc'].iloc[0]!r} twice")
    pairs = crosswalk[["soc10", "isco08"]].drop_duplicates()
    unmapped = scored[~scored["soc"].isin(pairs["soc10"])].sort_values("soc").reset_index(drop=True)
    k = pairs.groupby("soc10")["isco08"].transform("size")
    merged = pairs.assign(k=k).merge(scored, left_on="soc10", right_on="soc", how="inner")
    if weights is not None:
        w = merged["soc10"].map(weights).astype("float64")
        merged = merged.assign(w=w / merged["k"])
    else:
        merged = merged.assign(w=np.nan)
    merged = merged.assign(wx=merged["w"] * merged["score"], has_w=merged["w"].notna())
    g = merged.groupby("isco08", sort=True)
    out = pd.DataFrame({
        "score": g["score"].mean(),
        "n_soc": g["soc"].size().astype("int64"),
        "n_soc_weighted": g["has_w"].sum().astype("int64"),
        "wx": g["wx"].sum(min_count=1),
        "w": g["w"].sum(min_count=1),
    })
    out["score_weighted"] = out["wx"] / out["w"]
    codes = sorted(set(universe) if universe is not None else set(pairs["isco08"]))
    out = out.reindex(codes)
    out["n_soc"] = out["n_soc"].fillna(0).astype("int64")
    out["n_soc_weighted"] = out["n_soc_weighted"].fillna(0).astype("int64")
    out["n_soc_crosswalk"] = pairs.groupby("isco08").size().reindex(codes).fillna(0).astype("int64")
    out = out.rename_axis("isco08").reset_index()[
        ["isco08", "score", "score_weighted", "n_soc", "n_soc_weighted", "n_soc_crosswalk"]]
    missing = out.loc[out["score"].isna(), "isco08"].tolist()
    return IscoScores(scores=out, unmapped_soc=unmapped, isco_without_score=missing)


# ---------------------------------------------------------------------------------------------- raw sources
class SocSources(NamedTuple):
    """What the SOC-based indices are built from: ``scores`` (long: ``index``, ``soc``, ``title``, ``score`` in the
    index's unit, ``n_onet`` O*NET occupations averaged, 0 for Felten), the ``crosswalk`` (``soc10``, ``isco08``)
    and ``us_employment`` (persons by SOC code, BLS OEWS May 2021)."""

    scores: pd.DataFrame
    crosswalk: pd.DataFrame
    us_employment: pd.Series


def soc_scores_long(felten: dict[str, pd.DataFrame], eloundou: pd.DataFrame) -> pd.DataFrame:
    """The SOC-level scores of every SOC-based index in one long frame (``index``, ``soc``, ``title``, ``score``,
    ``n_onet``): ``felten`` maps ``aioe``/``lm_aioe`` to :func:`analysis.readers.felten.read_felten_scores` frames
    (n_onet 0); ``eloundou`` is ``occ_level.csv`` (:func:`analysis.readers.eloundou.read_eloundou_occupations`),
    averaged to SOC codes by :func:`onet_to_soc` (GPT-4 β → ``eloundou``, human β → ``eloundou_human``)."""
    frames = [pd.DataFrame({"index": name, "soc": frame["soc"], "title": frame["title"],
                            "score": frame["score"].astype("float64"), "n_onet": 0})
              for name, frame in felten.items()]
    soc = onet_to_soc(eloundou, ELOUNDOU_CODE, ["dv_rating_beta", "human_rating_beta"])
    for name, col in (("eloundou", "dv_rating_beta"), ("eloundou_human", "human_rating_beta")):
        frames.append(pd.DataFrame({"index": name, "soc": soc["soc"], "title": soc["title"],
                                    "score": soc[col].astype("float64"), "n_onet": soc["n_onet"]}))
    return pd.concat(frames, ignore_index=True)


@functools.lru_cache(maxsize=1)
def read_soc_sources() -> SocSources:
    """Read the raw files of the SOC-based indices once per process (both tables are built from them)."""
    felten = {"aioe": read_felten_scores(raw_file("felten-aioe", "AIOE_DataAppendix.xlsx")[0], "aioe"),
              "lm_aioe": read_felten_scores(raw_file("felten-aioe", "Language Modeling AIOE and AIIE.xlsx")[0],
                                            "lm_aioe")}
    elo = read_eloundou_occupations(raw_file("eloundou-gpts", "occ_level.csv")[0])
    bls = read_bls_employment(raw_file("bls-oews-2021", "national_May2021_dl.csv")[0])
    cw = read_soc_isco_crosswalk(raw_file("ibs-crosswalk-soc10-isco08", "soc10_isco08.dta")[0])
    return SocSources(soc_scores_long(felten, elo), cw, bls)


# ---------------------------------------------------------------------------------------------- the tables
def build_soc_scores() -> pd.DataFrame:
    """``exposure_soc_scores``: every SOC occupation of each SOC-based index with its score, how many ISCO unit
    groups the crosswalk maps it to (0 = lost) and its US employment (BLS OEWS May 2021; NaN = no weight)."""
    scores, cw, bls = read_soc_sources()
    n_isco = cw.groupby("soc10").size()
    out = scores.assign(n_isco=scores["soc"].map(n_isco).fillna(0).astype("int64"),
                        us_employment=scores["soc"].map(bls).astype("float64"))
    out["n_onet"] = out["n_onet"].astype("int64")
    return out[list(SOC_SCORES_SCHEMA.columns)]


def build_exposure_indices() -> pd.DataFrame:
    """``exposure_indices``: one row per ISCO-08 unit group × index (ILO native; SOC-based via the crosswalk)."""
    scores, cw, bls = read_soc_sources()
    ilo = read_ilo_scores(raw_file("ilo-genai-isco08", "Final_Scores_ISCO08_Gmyrek_et_al_2025.xlsx")[0])
    universe = sorted(set(cw["isco08"]) | set(ilo["isco08"]))
    frames = []
    for version in (2025, 2023):
        part = ilo[ilo["index_version"] == version].set_index("isco08")["mean"].reindex(universe)
        frames.append(pd.DataFrame({
            "isco08": universe, "index": f"ilo{version}", "score": part.to_numpy(), "score_bls": np.nan,
            "n_soc": 0, "n_soc_bls": 0, "n_soc_crosswalk": 0,
            "note": np.where(part.isna(), "not in the ILO file", "ILO published mean of task scores (ISCO-08)")}))
    for name in SOC_INDICES:
        src = scores[scores["index"] == name]
        res = soc_to_isco(src[["soc", "score"]], cw, weights=bls, universe=universe)
        s = res.scores
        note = np.select(
            [s["n_soc_crosswalk"] == 0, s["n_soc"] == 0, s["n_soc"] < s["n_soc_crosswalk"]],
            ["no SOC code in the crosswalk", "none of the crosswalk's SOC codes has a score",
             "mean over the SOC codes with a score (some of the crosswalk's lack one)"],
            default="mean over all the crosswalk's SOC codes")
        frames.append(pd.DataFrame({
            "isco08": s["isco08"], "index": name, "score": s["score"], "score_bls": s["score_weighted"],
            "n_soc": s["n_soc"], "n_soc_bls": s["n_soc_weighted"], "n_soc_crosswalk": s["n_soc_crosswalk"],
            "note": note}))
    out = pd.concat(frames, ignore_index=True)
    for col in ("n_soc", "n_soc_bls", "n_soc_crosswalk"):
        out[col] = out[col].astype("int64")
    out["note"] = out["note"].astype(str)
    return out[list(INDICES_SCHEMA.columns)]


INDICES_SCHEMA = pa.DataFrameSchema(
    {
        "isco08": pa.Column(str, pa.Check.str_matches(r"^\d{4}$")),
        "index": pa.Column(str, pa.Check.isin(ALL_INDICES)),
        "score": pa.Column("float64", nullable=True),
        "score_bls": pa.Column("float64", nullable=True),
        "n_soc": pa.Column("int64", pa.Check.ge(0)),
        "n_soc_bls": pa.Column("int64", pa.Check.ge(0)),
        "n_soc_crosswalk": pa.Column("int64", pa.Check.ge(0)),
        "note": pa.Column(str),
    },
    checks=[
        pa.Check(lambda f: ~f["index"].isin(list(SHARE_SCALE)) | f["score"].isna() | f["score"].between(0, 1),
                 error="share-scale indices must lie in [0, 1]"),
        pa.Check(lambda f: f["n_soc_bls"] <= f["n_soc"], error="n_soc_bls <= n_soc"),
        pa.Check(lambda f: f["n_soc"] <= f["n_soc_crosswalk"], error="n_soc <= n_soc_crosswalk"),
    ],
    unique=["isco08", "index"], strict=True, ordered=True,
)

SOC_SCORES_SCHEMA = pa.DataFrameSchema(
    {
        "index": pa.Column(str, pa.Check.isin(SOC_INDICES)),
        "soc": pa.Column(str, pa.Check.str_matches(r"^\d{2}-\d{4}$")),
        "title": pa.Column(str),
        "score": pa.Column("float64"),
        "n_onet": pa.Column("int64", pa.Check.ge(0)),
        "n_isco": pa.Column("int64", pa.Check.ge(0)),
        "us_employment": pa.Column("float64", pa.Check.ge(0), nullable=True),
    },
    unique=["index", "soc"], strict=True, ordered=True,
)


def typed_from_text(frame: pd.DataFrame, schema: pa.DataFrameSchema) -> pd.DataFrame:
    """Numeric columns of ``schema`` read as text (``process.load`` keeps unknown columns as text, ``""`` for
    missing) → their declared dtype; columns already numeric are left alone."""
    out = frame.copy()
    for name, column in schema.columns.items():
        dtype = str(column.dtype)
        if name in out.columns and dtype in ("float64", "int64") and not pd.api.types.is_numeric_dtype(out[name]):
            out[name] = pd.to_numeric(out[name].replace("", None)).astype(dtype)
    return out


class TextTolerantSchema:
    """A pandera schema that first types text columns (as ``process.load`` returns this chapter's tables) by the
    schema's declared dtypes, then validates: the same checks hold for the built frame and for the CSV read back."""

    def __init__(self, schema: pa.DataFrameSchema):
        self.schema = schema

    def validate(self, frame: pd.DataFrame) -> pd.DataFrame:
        return self.schema.validate(typed_from_text(frame, self.schema))


#: The two tables, declared by the chapter module (``PROCESSED_TABLES = process.declare(TABLES)``).
TABLES: list[Table] = [
    Table("exposure_indices", build_exposure_indices, SOURCES, TextTolerantSchema(INDICES_SCHEMA),
          ("isco08", "index"),
          "Generative-AI / AI exposure score of every ISCO-08 unit group (4-digit) under six indices: ILO 2025 "
          "and 2023 (native ISCO-08), Felten et al. AIOE and language-modelling AIOE, Eloundou et al. β "
          "(GPT-4 and human ratings), the last four mapped from US SOC codes.",
          "score in each index's own unit: ILO and Eloundou 0-1 (share of exposed tasks); AIOE and LM-AIOE "
          "standardised (mean 0, SD 1 over US SOC occupations)",
          "ILO: the published occupation means. SOC-based: Eloundou O*NET-SOC occupations averaged to 6-digit SOC "
          "(unweighted); SOC codes matched to the IBS SOC-2010 → ISCO-08 crosswalk by identical code (Eloundou "
          "uses SOC 2018 codes: renumbered ones are lost, see exposure_soc_scores.n_isco = 0); score = "
          "unweighted mean over the SOC codes mapped to the unit group; score_bls = mean weighted by US "
          "employment (BLS OEWS May 2021, SOC 2018 codes matched by identical code; a SOC mapped to k unit groups "
          "counts 1/k of its workers in each). Universe: the 436 ISCO-08 unit groups of the crosswalk and the "
          "ILO file; empty score = no score (counted, see note).",
          {"isco08": "ISCO-08 unit group (4 digits, text)",
           "index": "ilo2025, ilo2023, aioe, lm_aioe, eloundou (GPT-4 β), eloundou_human (human β)",
           "score": "unweighted mean over mapped SOC codes (ILO: published mean); empty = no score",
           "score_bls": "US-employment-weighted mean (SOC-based indices only); empty = no weight or n/a",
           "n_soc": "scored SOC codes averaged (0 for ILO)", "n_soc_bls": "of which with a BLS weight",
           "n_soc_crosswalk": "SOC codes the crosswalk maps to the unit group",
           "note": "how the score was obtained or why it is missing"}),
    Table("exposure_soc_scores", build_soc_scores, SOURCES[1:], TextTolerantSchema(SOC_SCORES_SCHEMA),
          ("index", "soc"),
          "The SOC-level scores behind the SOC-based exposure indices, with what the crosswalk and the US "
          "weights do to each SOC occupation (the audit trail of exposure_indices).",
          "score in the index's own unit; us_employment persons",
          "Felten: sheets 'Appendix A' (AIOE) and 'LM AIOE' as published. Eloundou: dv_rating_beta (GPT-4) and "
          "human_rating_beta averaged over the O*NET-SOC occupations of each SOC code (n_onet). n_isco = ISCO "
          "unit groups the IBS crosswalk maps the code to (0: not in the SOC-2010 crosswalk, lost). "
          "us_employment: BLS OEWS May 2021 TOT_EMP of the detailed occupation with the identical code "
          "(empty: none).",
          {"n_onet": "O*NET-SOC occupations averaged (Eloundou; 0 for Felten)",
           "n_isco": "ISCO-08 unit groups the SOC code maps to (0 = not in the crosswalk)",
           "us_employment": "US employment, persons, BLS OEWS May 2021; empty = no matching code"}),
]


def load_indices() -> pd.DataFrame:
    """The processed ``exposure_indices`` table with its numeric columns typed (score NaN where missing)."""
    return typed_from_text(process.load("exposure_indices"), INDICES_SCHEMA)


def load_soc_scores() -> pd.DataFrame:
    """The processed ``exposure_soc_scores`` table, typed."""
    return typed_from_text(process.load("exposure_soc_scores"), SOC_SCORES_SCHEMA)
