"""The strategy's quantitative claims, checked against the book's data: one declarative row per claim.

Every statement of COM(2025) 723 that puts a number on something is a :class:`Claim`: the French original quoted
verbatim from the seed text (file and 1-based line, checked by :func:`quote_problems`), our English translation,
the number(s) as stated, the precision they are stated to, a comparison rule, and — when the book's data can
test it — a function computing our value(s) from the processed tables. :func:`evaluate_claims` applies the rule
(:func:`decide_status`) and returns one row per claim.

Statuses (:data:`STATUSES`):

- ``reproduced``: every stated number is matched by ours under the claim's rule (``equals``: our value rounded
  half-up to the stated precision equals the stated number; ``at_least``: for "more than X", our rounded value is
  X or more);
- ``differs``: at least one stated number is not matched;
- ``not tested here``: public data exist that could test the claim (named in :attr:`Claim.public_data`), but they
  are not among this book's sources;
- ``not testable with public data``: the claim rests on proprietary, unpublished or forthcoming sources, or is a
  commitment rather than a statistic.

Units: percent (0-100) for shares and percentile ranks, millions of persons for employment, counts for
dialogues. Text that the notebook shows is plain (the seed's Markdown links and bold are removed for display by
:func:`display_quote`; the quotes themselves stay verbatim).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import ClassVar, Literal

import pandas as pd

from analysis import adoption as ad
from analysis import exposure as ex
from analysis.params import NotebookParams, choice_error, register

Status = Literal["reproduced", "differs", "not tested here", "not testable with public data"]
STATUSES: tuple[str, ...] = ("reproduced", "differs", "not tested here", "not testable with public data")
Rule = Literal["equals", "at_least"]

#: The strategy (Communication) and its annexes in the seeds directory (claims quote either).
STRATEGY_SEED = "000_81fec92c49a045ae.txt"
ANNEX_SEED = "001_a8731323e5abd126.txt"

#: Chapter pages (executed notebooks, siblings of this page in the book) and their link text.
CHAPTERS: dict[str, str] = {
    "sme_adoption_gap": "The SME AI-adoption gap",
    "labour_exposure": "Which jobs are exposed to generative AI",
    "sector_dialogues": "Who was heard: sector dialogues and actions",
    "strategy_implications": "What this means for the strategy",
}

#: Short index names for tables and prose.
INDEX_SHORT: dict[str, str] = {"ilo2025": "ILO 2025", "ilo2023": "ILO 2023", "aioe": "AIOE", "lm_aioe": "LM-AIOE",
                               "eloundou": "GPT-4 β (Eloundou)"}
#: The year footnote 22 gives for the manufacturing figures ("2024, Banque mondiale, Trading Economics").
MANUFACTURING_YEAR = 2024
MANUFACTURING_NACE = "C"


# --------------------------------------------------------------------------------------------- parameters
@register
class ClaimsParams(NotebookParams):
    """Parameters of ``notebooks/claims_check.ipynb``.

    ``exposure_index``: the index whose teachers percentile decides the status of the JRC teachers claim (the
    note lists every index); ``weights_year``: the LFS year whose EU employment weights that percentile (an
    ``employment_by_occupation`` year with EU27 2-digit values; the exposure chapter's default year by default).
    """

    notebook: ClassVar[str] = "claims_check"
    reads: ClassVar[tuple[str, ...]] = ("ai_adoption", "dialogues", "exposure_indices", "employment_by_occupation",
                                        "employment_by_occupation_sector")
    exposure_index: ex.IndexName = "ilo2025"
    weights_year: int = ex.ExposureParams.model_fields["year"].default

    def check_data(self) -> None:
        from analysis import process

        years = weights_years(process.load("employment_by_occupation"))
        if self.weights_year not in years:
            raise choice_error(self.notebook, "weights_year", self.weights_year, years)


def weights_years(employment: pd.DataFrame) -> list[int]:
    """LFS years with at least one EU27 2-digit employment value (the valid ``weights_year`` values)."""
    two = ex.two_digit_employment(employment)
    two = two[(two["geo"] == ex.EU_AGGREGATE) & two["value_thousands"].notna()]
    return sorted(int(y) for y in two["year"].unique())


# --------------------------------------------------------------------------------------------- registry
@dataclass(frozen=True)
class Inputs:
    """The processed tables the claims are computed from."""

    ai_adoption: pd.DataFrame  # isoc_eb_ai rows (analysis.adoption.load_adoption)
    dialogues: pd.DataFrame  # Annex 1 (processed table ``dialogues``)
    indices: pd.DataFrame  # exposure_indices, typed
    employment: pd.DataFrame  # employment_by_occupation (lfsa_egai2d)
    sector: pd.DataFrame  # employment_by_occupation_sector (lfsa_eisn2)


def load_inputs() -> Inputs:
    from analysis import process

    return Inputs(ai_adoption=ad.load_adoption(), dialogues=process.load("dialogues"), indices=ex.load_indices(),
                  employment=process.load("employment_by_occupation"),
                  sector=process.load("employment_by_occupation_sector"))


@dataclass(frozen=True)
class Finding:
    """What our data say: ``values`` compared one by one with :attr:`Claim.stated` (same order and unit), the
    text shown, and a note (method, definitions, caveats)."""

    values: tuple[float, ...]
    text: str
    note: str = ""


@dataclass(frozen=True)
class Claim:
    """One quantitative claim of the strategy.

    ``quote_fr`` is verbatim at line ``line`` of ``seed``; ``quote_en`` is our translation. ``stated`` holds the
    number(s) in ``unit``, stated to ``decimals`` decimals. ``compute`` is None when the book cannot test the
    claim; then ``public_data`` names public data that could (empty: none), and ``why`` says why not here.
    """

    id: str
    title: str
    where: str
    seed: str
    line: int
    quote_fr: str
    quote_en: str
    stated: tuple[float, ...]
    stated_text: str
    unit: str
    decimals: int = 0
    rule: Rule = "equals"
    compute: Callable[[Inputs, ClaimsParams], Finding] | None = None
    chapter: str | None = None
    public_data: str = ""
    why: str = ""

    @property
    def source(self) -> str:
        return f"{self.seed}, line {self.line}"


# --------------------------------------------------------------------------------------------- the rule
def round_half_up(x: float, decimals: int) -> Decimal:
    """``x`` rounded half away from zero to ``decimals`` decimals, on its shortest decimal representation (so that
    13.45 → 13.5, not the binary float's 13.4)."""
    return Decimal(repr(float(x))).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def matches(ours: float, stated: float, rule: Rule, decimals: int) -> bool:
    """True when ``ours`` supports ``stated`` under ``rule`` at the stated precision (``decimals``)."""
    if ours is None or math.isnan(ours):
        raise ValueError("our value is missing: a claim cannot be decided on a missing value")
    mine, theirs = round_half_up(ours, decimals), round_half_up(stated, decimals)
    if rule == "equals":
        return mine == theirs
    if rule == "at_least":
        return mine >= theirs
    raise ValueError(f"unknown rule {rule!r}: choose equals or at_least")


def decide_status(claim: Claim, finding: Finding | None) -> Status:
    """The status of ``claim`` given our ``finding`` (None when the claim has no computation)."""
    if claim.compute is None or finding is None:
        return "not tested here" if claim.public_data else "not testable with public data"
    if len(finding.values) != len(claim.stated):
        raise ValueError(f"claim {claim.id}: {len(finding.values)} values for {len(claim.stated)} stated numbers")
    ok = [matches(o, s, claim.rule, claim.decimals) for o, s in zip(finding.values, claim.stated, strict=True)]
    return "reproduced" if all(ok) else "differs"


# --------------------------------------------------------------------------------------------- our values
def _pct(x: float, digits: int = 2) -> str:
    return f"{x:.{digits}f} %"


def sme_ai_use(ai: pd.DataFrame, year: int = ad.STRATEGY_YEAR) -> Finding:
    """Share of EU27 enterprises (10+ persons employed) and of SMEs (10-249) using any AI technology in ``year``
    (percent, ``isoc_eb_ai``, all activities in scope); the note names every survey year whose rounded figures
    would match the strategy's (which names no year)."""
    a, fa = ad.value_at(ai, "E_AI_TANY", "EU27_2020", "GE10", year)
    s, fs = ad.value_at(ai, "E_AI_TANY", "EU27_2020", "10-249", year)
    large, _ = ad.value_at(ai, "E_AI_TANY", "EU27_2020", "GE250", year)
    stated = (ad.STRATEGY_FIGURES["GE10"], ad.STRATEGY_FIGURES["10-249"])
    years = sorted(int(y) for y in ai.loc[(ai["indicator"] == "E_AI_TANY") & (ai["geo"] == "EU27_2020")
                                          & ai["value"].notna(), "year"].unique())
    fitting = []
    for y in years:
        vals = (ad.value_at(ai, "E_AI_TANY", "EU27_2020", "GE10", y)[0],
                ad.value_at(ai, "E_AI_TANY", "EU27_2020", "10-249", y)[0])
        if not any(math.isnan(v) for v in vals) and all(matches(v, t, "equals", 1)
                                                         for v, t in zip(vals, stated, strict=True)):
            fitting.append(str(y))
    flags = ad.combine_flags(fa, fs)
    text = f"{_pct(a)} of enterprises and {_pct(s)} of SMEs (EU27, {year})"
    note = (f"Eurostat isoc_eb_ai, any AI technology (E_AI_TANY), % of enterprises with 10+ persons employed in the "
            f"survey's scope (no agriculture, mining or finance); SMEs = 10-249 persons employed (micro-enterprises "
            f"are outside the survey). The strategy names no year; of the survey years {', '.join(map(str, years))}, "
            f"the rounded figures match in {', '.join(fitting) or 'none'}. Large enterprises (250+): {_pct(large)}."
            + (f" Flags: {flags}." if flags else ""))
    return Finding((a, s), text, note)


def dialogue_counts(dialogues: pd.DataFrame) -> Finding:
    """Sectoral and high-level dialogues of Annex 1 (counts of rows by ``level``), with their dates and the sum
    of the approximate attendances (persons, as stated)."""
    n = dialogues["level"].value_counts()
    sectoral, high = int(n.get("sectoral", 0)), int(n.get("high-level", 0))
    first, last = dialogues["date"].min(), dialogues["date"].max()
    total = int(dialogues["participants"].sum())
    text = f"{sectoral} sectoral and {high} high-level dialogues in Annex 1"
    note = (f"Counted from our transcription of Annex 1 (data/raw/strategy/dialogues.csv, one row per dialogue): a "
            f"check of the text against its own annex, not against outside data. The dialogues are dated "
            f"{first:%d.%m.%Y} to {last:%d.%m.%Y}. The strategy states no total attendance; the annex's "
            f"approximate figures ('Environ N') add up to about {total:,} attendances (a person at two dialogues "
            f"counts twice).")
    return Finding((float(sectoral), float(high)), text, note)


def technical_dialogues(dialogues: pd.DataFrame) -> Finding:
    """The sectoral dialogues of Annex 1 (count), by format (open to all / experts only)."""
    sec = dialogues[dialogues["level"] == "sectoral"]
    fmt = sec["format"].value_counts()
    text = f"{len(sec)} sectoral dialogues in Annex 1"
    note = (f"Annex 1 calls them 'dialogues structurés sectoriels': {int(fmt.get('open', 0))} open to all, "
            f"{int(fmt.get('experts', 0))} for experts only, on {sec['sectors_fr'].nunique()} sectors; with the "
            f"high-level dialogues the annex lists {len(dialogues)}.")
    return Finding((float(len(sec)),), text, note)


def teachers_percentiles(indices: pd.DataFrame, employment: pd.DataFrame, year: int,
                         how: ex.Aggregation = "mean") -> pd.Series:
    """Percent (0-100) of other EU workers whose 2-digit occupation scores lower than teaching professionals
    (ISCO 23) under each selectable index (:data:`analysis.exposure.INDEX_CHOICES`), weights = EU27 LFS
    employment by 2-digit group in ``year`` (see :func:`analysis.exposure.teacher_percentiles`)."""
    two = ex.two_digit_employment(employment)
    emp2 = two[(two["geo"] == ex.EU_AGGREGATE) & (two["year"] == year)].set_index("isco08")["value_thousands"]
    t = ex.teacher_percentiles(indices, emp2, how, names=ex.INDEX_CHOICES)
    return t[t["unit"] == ex.TEACHERS_2DIGIT].set_index("index")["pct_workers"]


def teachers_finding(pct: pd.Series, index: str, year: int, stated: float = ex.JRC_TEACHERS_PERCENTILE) -> Finding:
    """The teachers claim under ``index`` (its percentile is the compared value); the text lists every index and
    the note names those under which the claim holds (rounded to whole percent, at least ``stated``)."""
    if index not in pct.index:
        raise KeyError(f"index {index!r} has no teachers percentile; known: {list(pct.index)}")
    holding = [ex.INDEX_LABELS.get(i, i) for i, v in pct.items() if matches(v, stated, "at_least", 0)]
    listing = "; ".join(f"{INDEX_SHORT.get(i, i)} {_pct(v, 1)}" for i, v in pct.sort_values(ascending=False).items())
    text = f"{_pct(float(pct[index]), 1)} under {INDEX_SHORT.get(index, index)} ({listing})"
    note = (f"Percent of other EU workers (EU27 LFS {year}, 2-digit occupations; ties count half) whose occupation "
            f"is less exposed than teaching professionals (ISCO 23; 2-digit score = unweighted mean of its unit "
            f"groups, as in the exposure chapter). The {stated:.0f} % mark is reached under "
            f"{', '.join(holding) if holding else 'no index'}; the status uses {INDEX_SHORT.get(index, index)}, "
            f"the page's parameter exposure_index. The strategy names neither the JRC's index nor its weights.")
    return Finding((float(pct[index]),), text, note)


def manufacturing_employment(sector: pd.DataFrame, year: int = MANUFACTURING_YEAR) -> Finding:
    """EU27 employment in manufacturing (NACE section C), millions of persons: the sum over member states and ISCO
    major groups of ``lfsa_eisn2`` (persons aged 15+), a lower bound where cells are suppressed."""
    eu = ex.eu_sector_sum(sector)
    c = eu[eu["nace"] == MANUFACTURING_NACE]
    by_year = c.groupby("year")["value_thousands"].sum(min_count=1) / 1000
    if year not in by_year.index:
        raise KeyError(f"no {MANUFACTURING_NACE} employment for {year}; years: {list(by_year.index)}")
    cells = sector[(sector["nace"] == MANUFACTURING_NACE) & sector["geo"].isin(ex.EU27) & (sector["year"] == year)]
    missing = cells[cells["value_thousands"].isna()]
    top = missing["isco08"].value_counts().head(2)
    top_text = " and ".join(f"{ex.ISCO_TITLES[g].lower()} ({n})" for g, n in top.items())
    value = float(by_year[year])
    others = "; ".join(f"{v:.1f} million in {int(y)}" for y, v in by_year.items() if int(y) != year)
    text = f"{value:.1f} million employed persons ({year}" + (f"; {others})" if others else ")")
    note = (f"Eurostat LFS (lfsa_eisn2): employed persons aged 15+ in NACE section C, summed over the 27 member "
            f"states and the ISCO major groups; {len(missing)} of {len(cells)} country × occupation cells have no "
            f"value (mostly {top_text}), so the sum is a lower bound. Not the strategy's measure: footnote 22 cites "
            f"the World Bank and Trading Economics for 2024, and business statistics (SBS) count 'persons "
            f"employed' by enterprises (working proprietors and unpaid family workers included), whereas the LFS "
            f"counts residents by their main job. Difference from the stated figure: {value - 30:+.1f} million "
            f"({100 * (value - 30) / 30:+.1f} %).")
    return Finding((value,), text, note)


# --------------------------------------------------------------------------------------------- the claims
_MANUFACTURING_FR = ("Le secteur manufacturier européen compte 2,2 millions d'entreprises, principalement des PME, "
                     "emploie 30 millions de personnes et génère environ 14 % du PIB de l'UE²².")
_MANUFACTURING_EN = ("The European manufacturing sector counts 2.2 million enterprises, mainly SMEs, employs 30 "
                     "million people and generates around 14 % of EU GDP.")
_S = STRATEGY_SEED

CLAIMS: tuple[Claim, ...] = (
    Claim("sme_ai_use", "Enterprises and SMEs using AI", "section 1, footnote 2", _S, 36,
          "le développement et l'adoption de l'IA au sein de l'UE restent limités, seuls 13,5 % des entreprises et "
          "12,6 % des PME² – l'épine dorsale de l'économie de l'UE – utilisant ces technologies.",
          "the development and uptake of AI in the EU remain limited, with only 13.5 % of enterprises and 12.6 % of "
          "SMEs – the backbone of the EU economy – using these technologies.",
          (ad.STRATEGY_FIGURES["GE10"], ad.STRATEGY_FIGURES["10-249"]), "13.5 % of enterprises; 12.6 % of SMEs",
          "percent of enterprises", decimals=1,
          compute=lambda i, p: sme_ai_use(i.ai_adoption), chapter="sme_adoption_gap"),
    Claim("dialogues_total", "Structured dialogues held", "footnote 6; Annex 1", _S, 54,
          "Au cours des derniers mois, 17 dialogues structurés sectoriels et deux dialogues politiques de haut "
          "niveau ont été organisés: voir le tableau en annexe.",
          "In recent months, 17 sectoral structured dialogues and two high-level policy dialogues were held: see "
          "the table in the annex.",
          (17.0, 2.0), "17 sectoral and 2 high-level dialogues", "dialogues",
          compute=lambda i, p: dialogue_counts(i.dialogues), chapter="sector_dialogues"),
    Claim("dialogues_technical", "Structured technical dialogues", "section 2", _S, 66,
          "de 17 dialogues techniques structurés (annexe 1) avec les principaux acteurs sectoriels.",
          "17 structured technical dialogues (Annex 1) with the main sectoral actors.",
          (17.0,), "17 structured technical dialogues", "dialogues",
          compute=lambda i, p: technical_dialogues(i.dialogues), chapter="sector_dialogues"),
    Claim("funding", "Funding mobilised", "section 2, footnote 10", _S, 68,
          "la Commission mobilise environ 1 milliard d'EUR provenant de ses programmes de financement¹⁰",
          "the Commission is mobilising around EUR 1 billion from its funding programmes",
          (1.0,), "about EUR 1 billion", "EUR billion",
          why="A commitment of future funding, not a statistic; the strategy gives no amounts by programme (footnote "
              "10 only names Horizon Europe, Digital Europe, EU4Health and Creative Europe) that could be added up."),
    Claim("health_patents", "Health-care AI patents", "section 2.1, footnote 19", _S, 108,
          "le nombre de brevets dans le domaine de l'IA liés aux soins de santé publiés chaque année dans les États "
          "membres de l'UE a été multiplié par 20 entre 2016 et 2024¹⁹",
          "the number of health-care-related AI patents published each year in the EU Member States was multiplied "
          "by 20 between 2016 and 2024",
          (20.0,), "× 20 (2016 to 2024)", "ratio",
          why="Footnote 19 cites a Commission study without a link or its patent classification; counting AI patents "
              "by field needs a patent database such as EPO PATSTAT, which is licensed."),
    Claim("robots", "Industrial robots and service-robot producers", "section 2.2", _S, 119,
          "Avec plus de 90 000 robots industriels installés en 2023 et plus de 400 producteurs de robots de "
          "service",
          "With more than 90,000 industrial robots installed in 2023 and more than 400 producers of service robots",
          (90000.0, 400.0), "more than 90,000 robots installed (2023); more than 400 producers", "robots; producers",
          rule="at_least",
          why="No source is given; robot installations and producers are counted by the International Federation "
              "of Robotics (World Robotics), whose data are sold, not published."),
    Claim("manufacturing_enterprises", "Manufacturing enterprises", "section 2.3, footnote 22", _S, 133,
          _MANUFACTURING_FR, _MANUFACTURING_EN, (2.2,), "2.2 million enterprises", "million enterprises", decimals=1,
          public_data="Eurostat structural business statistics (e.g. sbs_ovw_act), number of enterprises, NACE C",
          why="The book has no counts of enterprises: isoc_eb_ai gives percentages of enterprises with 10+ persons "
              "employed."),
    Claim("manufacturing_employment", "Manufacturing employment", "section 2.3, footnote 22", _S, 133,
          _MANUFACTURING_FR, _MANUFACTURING_EN, (30.0,), "30 million persons", "million persons",
          compute=lambda i, p: manufacturing_employment(i.sector), chapter="labour_exposure"),
    Claim("manufacturing_gdp", "Manufacturing share of GDP", "section 2.3, footnote 22", _S, 133,
          _MANUFACTURING_FR, _MANUFACTURING_EN, (14.0,), "about 14 % of EU GDP", "percent of GDP",
          public_data="World Bank WDI, manufacturing value added (% of GDP); Eurostat national accounts "
                      "(nama_10_a64)",
          why="The book has no national-accounts data. Note that the World Bank measures manufacturing value added "
              "against GDP, Eurostat against total gross value added."),
    Claim("telecom_operators", "Telecom operators with AI strategies", "section 2.6, footnote 34", _S, 203,
          "65 % des opérateurs du monde entier mettent en place des stratégies d'IA et testent activement des "
          "solutions fondées sur l'IA dans toutes les opérations de réseau et de service à la clientèle³⁴",
          "65 % of operators worldwide are putting AI strategies in place and actively testing AI-based solutions "
          "across network and customer-service operations",
          (65.0,), "65 % of operators worldwide", "percent of operators",
          why="Footnote 34 cites GSMA Intelligence's 'Telco AI: state of the market', a subscription report."),
    Claim("climate_vc", "Venture capital for climate start-ups", "section 2.8, footnote 39", _S, 242,
          "Depuis 2019, les jeunes pousses dans ces secteurs ont attiré environ 700 millions d'EUR de "
          "capital-risque³⁹.",
          "Since 2019, start-ups in these sectors have attracted around EUR 700 million of venture capital.",
          (700.0,), "about EUR 700 million since 2019", "EUR million",
          why="Footnote 39 cites Dealroom, a proprietary database of start-up funding rounds."),
    Claim("agrifood_adoption", "Precision-farming tools in use", "section 2.9, footnote 47", _S, 280,
          "Une enquête McKinsey réalisée en 2024 a révélé que seuls 27 % des producteurs européens utilisent des "
          "algorithmes de surveillance des rendements et que 49 % déploient des contrôleurs de pulvérisation de "
          "précision",
          "A McKinsey survey carried out in 2024 found that only 27 % of European producers use yield-monitoring "
          "algorithms and 49 % deploy precision spraying controllers",
          (27.0, 49.0), "27 % (yield monitoring); 49 % (precision spraying)", "percent of producers",
          why="A McKinsey farmer survey: the strategy cites its published summary, and we know of no open "
              "release of the survey data."),
    Claim("tourism", "Tourism in the economy", "section 2.10, footnote 49", _S, 295,
          "puisqu'il contribue à environ 5 % de la valeur ajoutée brute et soutient directement plus de 20 millions "
          "d'emplois et plus de 3 millions d'entreprises",
          "as it contributes around 5 % of gross value added and directly supports more than 20 million jobs and more "
          "than 3 million enterprises",
          (5.0, 20.0, 3.0), "about 5 % of GVA; more than 20 million jobs; more than 3 million enterprises",
          "percent; million jobs; million enterprises",
          public_data="Eurostat tourism statistics (tourism industries, business and labour-market indicators)",
          why="Tourism is not a NACE section: the book's employment by section (lfsa_eisn2) cannot isolate it, and "
              "the book has no value-added or enterprise counts."),
    Claim("media_adoption", "AI in media and creative firms", "section 2.10, footnote 50", _S, 297,
          "51 % des entreprises de jeux vidéo, 39 % des entreprises audiovisuelles et 35 % des entreprises de "
          "médias d'information ont adopté des solutions fondées sur l'IA. 35 % des créateurs de musique déclarent "
          "également utiliser l'IA pour leur travail.",
          "51 % of video-game companies, 39 % of audiovisual companies and 35 % of news-media companies have adopted "
          "AI-based solutions. 35 % of music creators also say they use AI in their work.",
          (51.0, 39.0, 35.0, 35.0), "51 %, 39 %, 35 % of firms; 35 % of music creators", "percent",
          why="Footnote 50 cites the second European Media Outlook, 'à venir' (forthcoming) when the strategy was "
              "adopted, based on a Technopolis survey whose data are not published."),
    Claim("public_sector_survey", "Public managers reporting AI", "section 2.11, footnote 55", _S, 311,
          "52 % des gestionnaires publics interrogés ont indiqué que leur administration avait déjà mis en œuvre au "
          "moins une solution d'IA, tandis que 63 % prévoient de nouveaux projets d'IA.",
          "52 % of the public managers surveyed said their administration had already implemented at least one AI "
          "solution, while 63 % are planning new AI projects.",
          (52.0, 63.0), "52 % (implemented); 63 % (planning)", "percent of managers surveyed",
          why="A Commission (JRC) survey of public managers (footnote 55): the strategy cites the report, and we "
              "know of no open release of the survey data."),
    Claim("public_sector_cases", "AI use cases in public administrations", "section 2.11, footnote 56", _S, 311,
          "en 2024, l'observatoire des technologies dans le secteur public (Public Sector Tech Watch)⁵⁶ a enregistré "
          "plus de 1200 cas d'utilisation de l'IA dans les administrations publiques de l'UE.",
          "in 2024, the Public Sector Tech Watch observatory recorded more than 1,200 AI use cases in EU public "
          "administrations.",
          (1200.0,), "more than 1,200 use cases (2024)", "use cases", rule="at_least",
          public_data="Public Sector Tech Watch case database (interoperable-europe.ec.europa.eu)",
          why="The case database is public but not among the book's sources."),
    Claim("sme_share", "SMEs among European enterprises", "section 3.1, footnote 65", _S, 349,
          "Les PME européennes, qui représentent plus de 90 % des entreprises européennes⁶⁵, éprouvent des "
          "difficultés à adopter l'IA.",
          "European SMEs, which make up more than 90 % of European enterprises, find it hard to adopt AI.",
          (90.0,), "more than 90 % of enterprises", "percent of enterprises", rule="at_least",
          public_data="Eurostat structural business statistics sbs_sc_ovw (cited in footnote 65), enterprises by "
                      "size class",
          why="The book has no counts of enterprises by size: isoc_eb_ai gives shares of enterprises using AI, "
              "and covers only enterprises with 10+ persons employed, leaving out the micro-enterprises that make "
              "up most SMEs."),
    Claim("edih", "European Digital Innovation Hubs", "section 3.1, footnote 66", _S, 349,
          "Plus de 250 pôles sont établis au niveau local et soutiennent les entreprises dans leur numérisation "
          "couvrant plus de 85 % des régions de l'UE⁶⁶.",
          "More than 250 hubs are established locally and support enterprises in their digitalisation, covering "
          "more than 85 % of EU regions.",
          (250.0, 85.0), "more than 250 hubs; more than 85 % of regions", "hubs; percent of regions",
          rule="at_least",
          public_data="The EDIH Network's catalogue of hubs and its regional-coverage report (footnote 66)",
          why="The hub catalogue is public but not among the book's sources, and the strategy does not say which "
              "regions (NUTS level) it counts."),
    Claim("cedefop_faster", "Workers saying AI made them faster", "section 3.2, footnote 69", _S, 359,
          ex.CEDEFOP_QUOTE,
          "a large majority of European workers (67 %) saying that AI helped them carry out their tasks faster",
          (ex.CEDEFOP_PERCENT,), "67 % of workers", "percent of workers", chapter="labour_exposure",
          why="A survey of workers' own experience (CEDEFOP, footnote 69): the strategy cites a policy brief, and we "
              "know of no open release of the survey data. No dataset of the book observes it: exposure scores say "
              "what AI could do in an occupation, not what workers report."),
    Claim("teachers_exposure", "Teachers' exposure to generative AI", "section 3.2, footnote 68", _S, 367,
          ex.JRC_TEACHERS_QUOTE,
          "Teachers are more exposed to generative AI than 90 % of other workers (JRC Publications Repository - "
          "Generative AI Outlook Report).",
          (ex.JRC_TEACHERS_PERCENTILE,), "more exposed than 90 % of other workers", "percentile (percent of workers)",
          rule="at_least",
          compute=lambda i, p: teachers_finding(teachers_percentiles(i.indices, i.employment, p.weights_year),
                                                p.exposure_index, p.weights_year),
          chapter="labour_exposure"),
)


def claim(claim_id: str) -> Claim:
    for c in CLAIMS:
        if c.id == claim_id:
            return c
    raise KeyError(f"unknown claim {claim_id!r}; known: {', '.join(c.id for c in CLAIMS)}")


# --------------------------------------------------------------------------------------------- quotes
def display_quote(text: str) -> str:
    """A quote for display: the seed's Markdown (``**bold**``, ``[text](#)``) removed, whitespace collapsed."""
    return " ".join(ex.plain(text).split())


def quote_problems(seeds_dir: Path | None = None, claims: tuple[Claim, ...] = CLAIMS) -> list[str]:
    """Claims whose French quote is not found verbatim on its seed line (empty list: all are)."""
    from analysis import config

    folder = Path(seeds_dir or config.seeds_dir())
    cache: dict[str, list[str]] = {}
    problems = []
    for c in claims:
        if c.seed not in cache:
            cache[c.seed] = (folder / c.seed).read_text(encoding="utf-8").splitlines()
        lines = cache[c.seed]
        if not 1 <= c.line <= len(lines) or c.quote_fr not in lines[c.line - 1]:
            problems.append(f"{c.id}: quote not found at {c.source}")
    return problems


# --------------------------------------------------------------------------------------------- evaluation
COLUMNS: tuple[str, ...] = ("id", "claim", "source", "strategy_value", "our_value", "status", "chapter", "note")


def evaluate_claims(params: ClaimsParams | None = None, inputs: Inputs | None = None,
                    claims: tuple[Claim, ...] = CLAIMS) -> pd.DataFrame:
    """One row per claim: ``id``, ``claim`` (English title), ``source`` (seed file and line), ``strategy_value``
    (as stated, in English), ``our_value`` (text; "—" when not computed), ``status`` (:func:`decide_status`),
    ``chapter`` (the page showing it, ``<notebook>.ipynb``, or ""), ``note`` (method, or why it is not tested)."""
    params = params or ClaimsParams()
    needed = any(c.compute is not None for c in claims)
    inputs = inputs or (load_inputs() if needed else None)
    rows = []
    for c in claims:
        finding = c.compute(inputs, params) if c.compute is not None else None  # type: ignore[arg-type]
        status = decide_status(c, finding)
        if finding is None:
            where = f" Public data that could test it: {c.public_data}." if c.public_data else ""
            note = f"{c.why}{where}"
        else:
            note = finding.note
        rows.append({"id": c.id, "claim": c.title, "source": c.source, "strategy_value": c.stated_text,
                     "our_value": finding.text if finding else "—", "status": status,
                     "chapter": f"{c.chapter}.ipynb" if c.chapter else "", "note": note})
    return pd.DataFrame(rows, columns=list(COLUMNS))


def status_counts(table: pd.DataFrame) -> dict[str, int]:
    """Number of claims per status, every status listed (zeros included), in :data:`STATUSES` order."""
    counts = table["status"].value_counts()
    return {s: int(counts.get(s, 0)) for s in STATUSES}


# --------------------------------------------------------------------------------------------- display
STATUS_STYLE: dict[str, tuple[str, str]] = {
    "reproduced": ("✔", "background-color: #d9f0d3"),
    "differs": ("✖", "background-color: #fbd5b5"),
    "not tested here": ("○", "background-color: #ececec"),
    "not testable with public data": ("–", "background-color: #f7f7f7; color: #555555"),
}


def html_table(table: pd.DataFrame) -> str:
    """The claims table as HTML (pandas Styler): every text cell escaped; the status cell coloured and prefixed
    with a symbol; the chapter cell a link to the chapter's page (``<notebook>.html``, a sibling page)."""
    import html

    shown = table.rename(columns={"id": "Id", "claim": "Claim", "source": "Where (seed, line)",
                                  "strategy_value": "The strategy says", "our_value": "Our data say",
                                  "status": "Status", "chapter": "Chapter", "note": "Note"})

    def status_cell(s: str) -> str:
        return html.escape(f"{STATUS_STYLE[s][0]} {s}")

    def chapter_cell(link: str) -> str:
        if not link:
            return "—"
        name = link.removesuffix(".ipynb")
        return f'<a href="{html.escape(name)}.html">{html.escape(CHAPTERS.get(name, name))}</a>'

    styler = (shown.style.set_uuid("claims").hide(axis="index")
              .format(escape="html")
              .format(status_cell, subset=["Status"])
              .format(chapter_cell, subset=["Chapter"])
              .map(lambda s: STATUS_STYLE[s][1], subset=["Status"])
              .set_table_styles([{"selector": "td, th", "props": "text-align: left; vertical-align: top; "
                                                                  "padding: 4px 6px; font-size: 0.85em"}]))
    return styler.to_html()
