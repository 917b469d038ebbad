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
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import ClassVar, Literal

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pydantic import Field

from analysis.params import NotebookParams, choice_error, register

# ---------------------------------------------------------------------------------------------- constants
IndexName = Literal["ilo2025", "ilo2023", "aioe", "lm_aioe", "eloundou"]
Aggregation = Literal["mean", "median", "max"]
ExposedRule = Literal["gradient", "threshold"]

#: Indices a notebook parameter can choose.
INDEX_CHOICES: tuple[str, ...] = ("ilo2025", "ilo2023", "aioe", "lm_aioe", "eloundou")
#: Every index in the processed table (``eloundou_human``: the same measure rated by humans; robustness only).
ALL_INDICES: tuple[str, ...] = (*INDEX_CHOICES, "eloundou_human")
#: Indices on a 0–1 "share of exposed tasks" scale; the others are standardised (z-scores).
SHARE_SCALE: frozenset[str] = frozenset({"ilo2025", "ilo2023", "eloundou", "eloundou_human"})
SOC_INDICES: tuple[str, ...] = ("aioe", "lm_aioe", "eloundou", "eloundou_human")

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
ISCO_TITLES: dict[str, str] = {
    "OC0": "Armed forces occupations", "OC1": "Managers", "OC2": "Professionals",
    "OC3": "Technicians and associate professionals", "OC4": "Clerical support workers",
    "OC5": "Service and sales workers", "OC6": "Skilled agricultural, forestry and fishery workers",
    "OC7": "Craft and related trades workers", "OC8": "Plant and machine operators, and assemblers",
    "OC9": "Elementary occupations",
    "OC01": "Commissioned armed forces officers", "OC02": "Non-commissioned armed forces officers",
    "OC03": "Armed forces occupations, other ranks",
    "OC11": "Chief executives, senior officials and legislators", "OC12": "Administrative and commercial managers",
    "OC13": "Production and specialised services managers", "OC14": "Hospitality, retail and other services managers",
    "OC21": "Science and engineering professionals", "OC22": "Health professionals", "OC23": "Teaching professionals",
    "OC24": "Business and administration professionals",
    "OC25": "Information and communications technology professionals",
    "OC26": "Legal, social and cultural professionals", "OC31": "Science and engineering associate professionals",
    "OC32": "Health associate professionals", "OC33": "Business and administration associate professionals",
    "OC34": "Legal, social, cultural and related associate professionals",
    "OC35": "Information and communications technicians", "OC41": "General and keyboard clerks",
    "OC42": "Customer services clerks", "OC43": "Numerical and material recording clerks",
    "OC44": "Other clerical support workers", "OC51": "Personal service workers", "OC52": "Sales workers",
    "OC53": "Personal care workers", "OC54": "Protective services workers",
    "OC61": "Market-oriented skilled agricultural workers",
    "OC62": "Market-oriented skilled forestry, fishery and hunting workers",
    "OC63": "Subsistence farmers, fishers, hunters and gatherers",
    "OC71": "Building and related trades workers, excluding electricians",
    "OC72": "Metal, machinery and related trades workers", "OC73": "Handicraft and printing workers",
    "OC74": "Electrical and electronic trades workers",
    "OC75": "Food processing, wood working, garment and other craft and related trades workers",
    "OC81": "Stationary plant and machine operators", "OC82": "Assemblers",
    "OC83": "Drivers and mobile plant operators", "OC91": "Cleaners and helpers",
    "OC92": "Agricultural, forestry and fishery labourers",
    "OC93": "Labourers in mining, construction, manufacturing and transport", "OC94": "Food preparation assistants",
    "OC95": "Street and related sales and service workers", "OC96": "Refuse workers and other elementary workers",
}
#: NACE Rev. 2 sections.
NACE_SECTIONS: dict[str, str] = {
    "A": "Agriculture, forestry and fishing", "B": "Mining and quarrying", "C": "Manufacturing",
    "D": "Electricity, gas, steam and air conditioning supply",
    "E": "Water supply; sewerage, waste management and remediation", "F": "Construction",
    "G": "Wholesale and retail trade; repair of motor vehicles", "H": "Transportation and storage",
    "I": "Accommodation and food service activities", "J": "Information and communication",
    "K": "Financial and insurance activities", "L": "Real estate activities",
    "M": "Professional, scientific and technical activities", "N": "Administrative and support service activities",
    "O": "Public administration and defence; compulsory social security", "P": "Education",
    "Q": "Human health and social work activities", "R": "Arts, entertainment and recreation",
    "S": "Other service activities", "T": "Activities of households as employers",
    "U": "Activities of extraterritorial organisations and bodies",
}
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
@register
class ExposureParams(NotebookParams):
    """Parameters of ``notebooks/labour_exposure.ipynb``.

    ``geo``: an Eurostat geo code of ``employment_by_occupation`` with 2-digit values in ``year``;
    ``year``: an LFS year of that table; ``index``: the exposure index; ``exposed``: ``gradient`` = ILO 2025
    gradients 1–4 (for other indices: the same share of unit groups, taken from the top of that index), or
    ``threshold`` (see :func:`exposed_units`); ``threshold`` (0 < t < 1); ``aggregation``: how 4-digit scores
    become 2-digit scores.
    """

    notebook: ClassVar[str] = "labour_exposure"
    reads: ClassVar[tuple[str, ...]] = ("employment_by_occupation", "employment_by_occupation_sector",
                                        "exposure_ilo", "exposure_indices", "exposure_soc_scores")
    geo: str = EU_AGGREGATE
    year: int = 2025
    index: IndexName = "ilo2025"
    exposed: ExposedRule = "gradient"
    threshold: float = Field(0.5, gt=0.0, lt=1.0)
    aggregation: Aggregation = "mean"

    def check_data(self) -> None:
        from analysis import process

        emp = two_digit_employment(process.load("employment_by_occupation"))
        years = sorted(int(y) for y in emp["year"].unique())
        if self.year not in years:
            raise choice_error(self.notebook, "year", self.year, years)
        have = emp[(emp["year"] == self.year) & emp["value_thousands"].notna()]
        geos = sorted(have["geo"].unique(), key=lambda g: (g != EU_AGGREGATE, g != "EA21", g))
        if self.geo not in geos:
            raise choice_error(self.notebook, "geo", self.geo, geos)


# ---------------------------------------------------------------------------------------------- reading sources
def parse_bls_employment(raw: pd.DataFrame) -> pd.Series:
    """BLS OEWS national file (read as text) → US employment (persons) by SOC code, detailed occupations only.

    ``TOT_EMP`` is printed with thousands separators; ``**`` (estimate not released) and ``#`` become NaN.
    Returns a float Series named ``us_employment`` indexed by ``OCC_CODE`` (``"NN-NNNN"``).
    """
    detailed = raw[raw["O_GROUP"].str.strip() == "detailed"]
    text = detailed["TOT_EMP"].astype(str).str.strip().str.replace(",", "", regex=False)
    values = pd.to_numeric(text.where(text.str.fullmatch(r"\d+(\.\d+)?"), None), errors="raise").astype("float64")
    out = pd.Series(values.to_numpy(), index=detailed["OCC_CODE"].str.strip().to_numpy(), name="us_employment")
    if out.index.duplicated().any():
        raise ValueError(f"BLS OEWS: SOC code {out.index[out.index.duplicated()][0]!r} appears twice")
    return out.sort_index()


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


# ---------------------------------------------------------------------------------------------- processed tables
def _source_path(source_id: str, name: str):
    from analysis.process import _file
    from analysis.sources import load_registry

    names = [f.name for f in load_registry().get(source_id).files]
    if name not in names:
        raise FileNotFoundError(f"{source_id}: no file {name!r} declared in sources.yml (declared: {names})")
    return _file(source_id, names.index(name))[0]


@functools.lru_cache(maxsize=1)
def _read_soc_sources() -> tuple[pd.DataFrame, pd.DataFrame, pd.Series]:
    """(SOC scores long: index, soc, title, score, n_onet; crosswalk; BLS US employment by SOC)."""
    from analysis.crosswalk import read_soc_isco_crosswalk

    aioe = pd.read_excel(_source_path("felten-aioe", "AIOE_DataAppendix.xlsx"), sheet_name="Appendix A")
    lm = pd.read_excel(_source_path("felten-aioe", "Language Modeling AIOE and AIIE.xlsx"), sheet_name="LM AIOE")
    elo = pd.read_csv(_source_path("eloundou-gpts", "occ_level.csv"), dtype={"O*NET-SOC Code": str, "Title": str})
    bls = pd.read_csv(_source_path("bls-oews-2021", "national_May2021_dl.csv"), dtype=str, keep_default_na=False)
    cw = read_soc_isco_crosswalk(_source_path("ibs-crosswalk-soc10-isco08", "soc10_isco08.dta"))
    frames = []
    for name, frame, col in (("aioe", aioe, "AIOE"), ("lm_aioe", lm, "Language Modeling AIOE")):
        for need in ("SOC Code", "Occupation Title", col):
            if need not in frame.columns:
                raise ValueError(f"Felten {name}: column {need!r} missing; found {list(frame.columns)}")
        frames.append(pd.DataFrame({"index": name, "soc": frame["SOC Code"].astype(str).str.strip(),
                                    "title": frame["Occupation Title"].astype(str),
                                    "score": frame[col].astype("float64"), "n_onet": 0}))
    soc = onet_to_soc(elo, "O*NET-SOC Code", ["dv_rating_beta", "human_rating_beta"])
    for name, col in (("eloundou", "dv_rating_beta"), ("eloundou_human", "human_rating_beta")):
        frames.append(pd.DataFrame({"index": name, "soc": soc["soc"], "title": soc["title"],
                                    "score": soc[col].astype("float64"), "n_onet": soc["n_onet"]}))
    scores = pd.concat(frames, ignore_index=True)
    return scores, cw, parse_bls_employment(bls)


def build_soc_scores() -> pd.DataFrame:
    """``exposure_soc_scores``: every SOC occupation of each SOC-based index with its score, how many ISCO unit
    groups the crosswalk maps it to (0 = lost) and its US employment (BLS OEWS May 2021; NaN = no weight)."""
    scores, cw, bls = _read_soc_sources()
    n_isco = cw.groupby("soc10").size()
    out = scores.assign(n_isco=scores["soc"].map(n_isco).fillna(0).astype("int64"),
                        us_employment=scores["soc"].map(bls).astype("float64"))
    out["n_onet"] = out["n_onet"].astype("int64")
    return out[list(SOC_SCORES_SCHEMA.columns)]


def build_exposure_indices() -> pd.DataFrame:
    """``exposure_indices``: one row per ISCO-08 unit group × index (ILO native; SOC-based via the crosswalk)."""
    from analysis.ilo import read_ilo_scores

    scores, cw, bls = _read_soc_sources()
    ilo = read_ilo_scores(_source_path("ilo-genai-isco08", "Final_Scores_ISCO08_Gmyrek_et_al_2025.xlsx"))
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


def _typed_from_text(frame: pd.DataFrame, schema: pa.DataFrameSchema) -> pd.DataFrame:
    """Numeric columns of ``schema`` read as text (``process.load`` keeps unknown columns as text, ``""`` for
    missing) → their declared dtype; columns already numeric are left alone."""
    out = frame.copy()
    for name, column in schema.columns.items():
        dtype = str(column.dtype)
        if name in out.columns and dtype in ("float64", "int64") and not pd.api.types.is_numeric_dtype(out[name]):
            out[name] = pd.to_numeric(out[name].replace("", None)).astype(dtype)
    return out


class _TextTolerantSchema:
    """A pandera schema that first types text columns (as ``process.load`` returns this chapter's tables) by the
    schema's declared dtypes, then validates: the same checks hold for the built frame and for the CSV read back."""

    def __init__(self, schema: pa.DataFrameSchema):
        self.schema = schema

    def validate(self, frame: pd.DataFrame) -> pd.DataFrame:
        return self.schema.validate(_typed_from_text(frame, self.schema))


def _processed_tables() -> list:
    from analysis.process import Table

    sources = ("ilo-genai-isco08", "felten-aioe", "eloundou-gpts", "ibs-crosswalk-soc10-isco08", "bls-oews-2021")
    return [
        Table("exposure_indices", build_exposure_indices, sources, _TextTolerantSchema(INDICES_SCHEMA),
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
        Table("exposure_soc_scores", build_soc_scores, sources[1:], _TextTolerantSchema(SOC_SCORES_SCHEMA),
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


#: Collected by ``analysis.process.all_tables`` (listed in its ``EXTRA_TABLE_MODULES``).
PROCESSED_TABLES = _processed_tables()


# ---------------------------------------------------------------------------------------------- loading
def load_indices() -> pd.DataFrame:
    """The ``exposure_indices`` table with numeric columns typed (score NaN where missing)."""
    from analysis import process

    return _typed_from_text(process.load("exposure_indices"), INDICES_SCHEMA)


def load_soc_scores() -> pd.DataFrame:
    """The ``exposure_soc_scores`` table, typed."""
    from analysis import process

    return _typed_from_text(process.load("exposure_soc_scores"), SOC_SCORES_SCHEMA)


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


def ilo_exposed_unit_share(ilo: pd.DataFrame) -> float:
    """Share (0–1) of ILO-scored unit groups in the ILO 2025 gradients 1–4 (the ``gradient`` rule's size)."""
    from analysis.ilo import is_exposed_gradient

    g = ilo[ilo["index_version"] == 2025]["gradient"]
    return float(g.map(is_exposed_gradient).mean())


def exposed_units(scores4: pd.Series, rule: ExposedRule, index: str, threshold: float = 0.5,
                  gradients: pd.Series | None = None, top_share: float | None = None) -> pd.Series:
    """Which unit groups count as exposed: a float Series (1.0 / 0.0, NaN where the unit group has no score).

    - ``rule="gradient"``: for ``ilo2025``, ILO's gradients 1–4 (``gradients``: label by unit group). For any
      other index, the same **share** of unit groups taken from the top of that index (``top_share``, 0–1, e.g.
      :func:`ilo_exposed_unit_share`): the k = round(top_share × n scored) highest scores (ties at the cut
      included), so that indices are compared on the same number of exposed occupations.
    - ``rule="threshold"``: for 0–1 indices (ILO, Eloundou) score ≥ ``threshold``; for standardised indices
      (AIOE, LM-AIOE), whose values have no absolute meaning, the unit group's percentile rank among scored unit
      groups ≥ ``threshold`` (e.g. 0.75 = top quartile).
    """
    from analysis.ilo import is_exposed_gradient

    scored = scores4.dropna()
    if rule == "gradient":
        if index == "ilo2025":
            if gradients is None:
                raise ValueError("exposed_units: the gradient rule for ilo2025 needs the ILO gradients")
            flag = gradients.reindex(scored.index).fillna("").map(is_exposed_gradient).astype("float64")
        else:
            if top_share is None or not 0 < top_share < 1:
                raise ValueError("exposed_units: the gradient rule for a non-ILO-2025 index needs 0 < top_share < 1")
            k = int(round(top_share * len(scored)))
            rank = scored.rank(method="min", ascending=False)
            flag = (rank <= k).astype("float64")
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
                  threshold: float = 0.5, how: Aggregation = "mean", weighting: Literal["none", "bls"] = "none"
                  ) -> IndexView:
    """Scores and exposure flags of ``index`` at 4 and 2 digits (``ilo``: the ``exposure_ilo`` table, for the
    2025 gradients and the size of the ``gradient`` rule; see :func:`exposed_units`, :func:`to_two_digit`,
    :func:`exposed_share_two_digit`)."""
    s4 = unit_scores(indices, index, weighting)
    gradients = ilo[ilo["index_version"] == 2025].set_index("isco08")["gradient"]
    e4 = exposed_units(s4, rule, index, threshold, gradients=gradients, top_share=ilo_exposed_unit_share(ilo))
    return IndexView(index=index, scores4=s4, exposed4=e4, scores2=to_two_digit(s4, how)["score"],
                     exposed2=exposed_share_two_digit(e4))


def headline_by_index(indices: pd.DataFrame, ilo: pd.DataFrame, employment: pd.DataFrame, geo: str, year: int,
                      rule: ExposedRule = "gradient", threshold: float = 0.5, how: Aggregation = "mean",
                      names: tuple[str, ...] = ALL_INDICES, weightings: tuple[str, ...] = ("none",)
                      ) -> pd.DataFrame:
    """The headline (:func:`weighted_exposure` for ``geo`` and ``year``) under each index and weighting of SOC
    codes within ISCO groups (``"bls"`` only changes the SOC-based indices)."""
    part = employment[(employment["geo"] == geo) & (employment["year"] == year)]
    rows = []
    for name in names:
        for weighting in weightings:
            if weighting == "bls" and name not in SOC_INDICES:
                continue
            view = prepare_index(indices, ilo, name, rule, threshold, how, weighting)  # type: ignore[arg-type]
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
    ``complete``, ``geo`` (= ``EU27_2020``)."""
    part = sector[sector["geo"].isin(members)]
    absent = sorted(set(members) - set(part["geo"]))
    if absent:
        raise ValueError(f"eu_sector_sum: member state(s) {absent} absent from the sector table")
    g = part.groupby(["isco08", "nace", "year"], sort=True)["value_thousands"]
    out = pd.DataFrame({"value_thousands": g.sum(min_count=1), "n_present": g.count().astype("int64")})
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
    (major groups with no value: suppressed). Coarse: 9 scored major groups, the same score for a major group in
    every section (a clerk in finance scores like a clerk in agriculture).
    """
    rows = []
    for nace, part in sector_geo.groupby("nace", sort=True):
        part = part.set_index("isco08")["value_thousands"]
        s = scores1.reindex(part.index)
        used = part.notna() & s["score"].notna()
        w = part[used]
        tot = float(w.sum())
        rows.append({
            "nace": nace, "label": NACE_SECTIONS.get(nace, nace),
            "mean_score": float((w * s.loc[used, "score"]).sum()) / tot if tot > 0 else np.nan,
            "exposed_pct": 100.0 * float((w * s.loc[used, "exposed_share"]).sum()) / tot if tot > 0 else np.nan,
            "emp_scored": tot, "emp_unscored": float(part[part.notna() & s["score"].isna()].sum()),
            "n_missing": int(part.isna().sum()),
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
