"""What this means for the strategy: the strategy's actions (Annex 3) set against what the book measured.

Three comparisons, each from the processed tables and the other chapters' public functions:

* **Barriers.** Eurostat asks the reasons for not using AI only of enterprises that *considered* using AI but do
  not use it (unit ``PC_ENT_AI_EC``: % of those enterprises). The same answers are also published as % of all
  enterprises (``PC_ENT``), so the share of enterprises the answers describe is
  ``100 · Σ PC_ENT / Σ PC_ENT_AI_EC`` over the reasons (:func:`considered_share`, percent of all enterprises of
  the size class). Actions are set against each reason through the words of their English text
  (:data:`BARRIER_TERMS`, our list, shown to readers): a mention is not a measure of how well an action answers it.
* **Sectors.** The sector areas of Annex 3 (:func:`analysis.chapters.dialogues.sector_table`): dialogue participants
  (persons, "about N"), actions (counts) and AI adoption (% of enterprises with 10+ employees, EU27,
  ``isoc_eb_ain2``); and the activities of the survey with the lowest adoption, whichever sector they belong to.
* **Occupations.** The 2-digit ISCO-08 groups most exposed to generative AI under one index
  (:func:`analysis.chapters.exposure.prepare_index`: share of the group's scored unit groups that are exposed,
  0–1), with
  their EU employment (thousands of persons, ``lfsa_egai2d``), against the actions that name skills or workers.

Units: percent (0–100) for shares of enterprises, percentage points for differences, counts for actions,
thousands of persons for employment. Every number a reader sees goes through :mod:`analysis.core.fmt`.
"""

from __future__ import annotations

import re
from typing import ClassVar, Literal

import numpy as np
import pandas as pd
from pydantic import Field

from analysis.chapters import adoption as ad
from analysis.chapters import dialogues as dl
from analysis.chapters import exposure as ex
from analysis.chapters.params import NotebookParams, choice_error, register
from analysis.core import fmt
from analysis.core.figures import PALETTE
from analysis.tables import process

#: The aggregate every comparison is made for.
GEO = "EU27_2020"
#: Size classes of the barrier table: all enterprises (10+ employees) and SMEs (10-249), by column suffix.
BARRIER_SIZES: dict[str, str] = {"all": "GE10", "sme": "10-249"}
#: Our search terms (regular expressions, case-insensitive) that mark an Annex 3 action's English text as
#: mentioning a reason for not using AI. A mention is not an answer; the list is shown to readers.
BARRIER_TERMS: dict[str, str] = {
    "E_AI_BLE": r"\bskills?\b|\btraining\b|\bexpertise\b|\bliteracy\b|upskill|reskill|\btalent",
    "E_AI_BCST": r"\bfund(?:s|ing)?\b|\bfinanc|\binvest|\bcosts?\b|\bvouchers?\b",
    "E_AI_BLEG": r"\blegal\b|\bguidance\b|\bguidelines?\b|\bAI Act\b|\bcompliance\b|\bcontractual\b",
    "E_AI_BDDT": r"\bdata\b|\bdatasets?\b",
    "E_AI_BCDP": r"\bprivacy\b|\bdata protection\b|\bpersonal data\b|\bGDPR\b",
    "E_AI_BINC": r"\binteroperab|\bintegrat",
    "E_AI_BEC": r"\bethic|\btrustworthy\b|\bresponsible\b",
    "E_AI_BNU": r"\bself-assessment\b|\bneeds\b|\bdemonstrat|\buse cases?\b",
}
#: Words that mark an action as addressing workers and skills (the occupational side).
WORKFORCE_TERMS = r"\bskills?\b|\btraining\b|\bliteracy\b|upskill|reskill|\bworkers?\b|\bworkforce\b|\bstaff\b"
#: The Annex 3 heading on the workforce.
WORKFORCE_AREA_FR = "Mettre en place une main-d'œuvre adaptée à l'IA dans toutes les compétences sectorielles"
#: Activities of isoc_eb_ain2 that are aggregates or parts of others (left out of the "lowest adoption" list).
NOT_SECTIONS: tuple[str, ...] = ("C10-S951_X_K", "ICT", "C10-C12", "C21", "C26", "C29_C30")
#: The other chapters this one draws on (run ids, for ``{doc}`` links) and their titles.
EVIDENCE: dict[str, str] = {
    "sme_adoption_gap": "The SME AI-adoption gap",
    "sector_dialogues": "Who was heard: sector dialogues and actions",
    "labour_exposure": "Which jobs are exposed to generative AI",
    "claims_check": "Claims check",
}


# --------------------------------------------------------------------------------------------- parameters
#: The notebook this chapter module serves (read by ``analysis.chapters.registry``: the one place it is named here).
NOTEBOOK = "strategy_implications"


@register
class ImplicationsParams(NotebookParams):
    """Parameters of ``notebooks/strategy_implications.ipynb``.

    ``barrier_year``: survey year of the reasons for not using AI (None = the latest year with EU values);
    ``adoption_year``: survey year of sector adoption (None = latest); ``mapping``: the sector mapping of the
    dialogues chapter; ``exposure_index``: the exposure index of the labour chapter; ``employment_year``: LFS
    year of the EU employment weights (None = latest); ``top_n``: how many sector areas and occupation groups
    the lists name.
    """

    notebook: ClassVar[str] = NOTEBOOK
    reads: ClassVar[tuple[str, ...]] = ("actions", "dialogues", "sector_map", "ai_adoption", "exposure_ilo",
                                        "exposure_indices", "employment_by_occupation")
    barrier_year: int | None = None
    adoption_year: int | None = None
    mapping: Literal["primary", "alternative"] = "primary"
    exposure_index: Literal["ilo2025", "ilo2023", "aioe", "lm_aioe", "eloundou"] = "ilo2025"
    employment_year: int | None = None
    top_n: int = Field(3, ge=1, le=10)

    def check_data(self) -> None:
        frame = process.load("ai_adoption")
        if self.barrier_year is not None and self.barrier_year not in barrier_years(ad.ai_rows(frame)):
            raise choice_error(self.notebook, "barrier_year", self.barrier_year,
                               [None, *barrier_years(ad.ai_rows(frame))])
        if self.adoption_year is not None and self.adoption_year not in dl.adoption_years(frame):
            raise choice_error(self.notebook, "adoption_year", self.adoption_year, [None, *dl.adoption_years(frame)])
        if self.employment_year is not None:
            years = employment_years(process.load("employment_by_occupation"))
            if self.employment_year not in years:
                raise choice_error(self.notebook, "employment_year", self.employment_year, [None, *years])


# --------------------------------------------------------------------------------------------- barriers
def barrier_years(frame: pd.DataFrame, geo: str = GEO) -> list[int]:
    """Years with at least one EU value of the reasons for not using AI (``PC_ENT_AI_EC``), ascending."""
    sel = frame[frame["indicator"].isin(ad.BARRIERS) & (frame["unit"] == "PC_ENT_AI_EC") & (frame["geo"] == geo)
                & frame["value"].notna()]
    return sorted(int(y) for y in sel["year"].unique())


def resolve(year: int | None, years: list[int], what: str) -> int:
    """``year`` if in ``years``, the latest when None; ValueError otherwise."""
    if not years:
        raise ValueError(f"no {what} years in the data")
    if year is None:
        return years[-1]
    if year not in years:
        raise ValueError(f"{what} year {year} not in the data; years: {years}")
    return year


def considered_share(frame: pd.DataFrame, geo: str, year: int, size_class: str) -> dict[str, float | int]:
    """Share of all enterprises of ``size_class`` that considered using AI but do not use it (percent, 0–100).

    Each reason is published both as % of those enterprises (``PC_ENT_AI_EC``) and as % of all enterprises
    (``PC_ENT``); their ratio is the considered share. We take the ratio of the sums over the reasons with both
    values (``share``), and report the smallest and largest per-reason ratio (``low``, ``high``; they differ
    only through Eurostat's rounding) and ``n`` reasons used. NaN (n = 0) when no reason has both values.
    """
    a = ad.barriers(frame, geo, year, (size_class,), unit="PC_ENT").table.set_index("indicator")["value"]
    b = ad.barriers(frame, geo, year, (size_class,), unit="PC_ENT_AI_EC").table.set_index("indicator")["value"]
    both = a.notna() & b.notna() & (b > 0)
    if not both.any():
        return {"share": float("nan"), "low": float("nan"), "high": float("nan"), "n": 0}
    ratios = 100 * a[both] / b[both]
    return {"share": float(100 * a[both].sum() / b[both].sum()), "low": float(ratios.min()),
            "high": float(ratios.max()), "n": int(both.sum())}


def actions_mentioning(actions: pd.DataFrame, pattern: str) -> pd.DataFrame:
    """Annex 3 actions whose English text (``action_en``) matches ``pattern`` (case-insensitive regex)."""
    hit = actions["action_en"].str.contains(pattern, flags=re.IGNORECASE, regex=True, na=False)
    return actions.loc[hit].reset_index(drop=True)


def barrier_table(frame: pd.DataFrame, actions: pd.DataFrame, year: int, geo: str = GEO) -> pd.DataFrame:
    """One row per reason for not using AI, most cited by all enterprises first (ties in Eurostat's order).

    Columns: indicator, label; ``pct_all`` / ``pct_sme`` (% of the enterprises of 10+ employees / of SMEs that
    considered AI but do not use it) with ``flag_all`` / ``flag_sme``; ``pct_of_all`` (the same answers of
    enterprises with 10+ employees as % of all of them); ``rank`` (1 = most cited by all enterprises, ties
    share the smaller rank); ``rank_sme``; ``actions`` (count of actions mentioning it, :data:`BARRIER_TERMS`),
    ``action_ids``, ``terms``."""
    out = pd.DataFrame({"indicator": list(ad.BARRIERS), "label": [ad.label(b) for b in ad.BARRIERS]})
    for key, size in BARRIER_SIZES.items():
        t = ad.barriers(frame, geo, year, (size,), unit="PC_ENT_AI_EC").table.set_index("indicator")
        out[f"pct_{key}"] = out["indicator"].map(t["value"]).astype(float)
        out[f"flag_{key}"] = out["indicator"].map(t["flag"]).fillna("").astype(str)
    every = ad.barriers(frame, geo, year, (BARRIER_SIZES["all"],), unit="PC_ENT").table.set_index("indicator")
    out["pct_of_all"] = out["indicator"].map(every["value"]).astype(float)
    out = out.sort_values("pct_all", ascending=False, kind="mergesort", na_position="last")
    out["rank"] = out["pct_all"].rank(ascending=False, method="min").astype("Int64")
    out["rank_sme"] = out["pct_sme"].rank(ascending=False, method="min").astype("Int64")
    found = {b: actions_mentioning(actions, BARRIER_TERMS[b]) for b in out["indicator"]}
    out["actions"] = [len(found[b]) for b in out["indicator"]]
    out["action_ids"] = [" ".join(found[b]["action_id"]) for b in out["indicator"]]
    out["terms"] = [BARRIER_TERMS[b] for b in out["indicator"]]
    return out.reset_index(drop=True)


def barrier_sentence(table: pd.DataFrame, considered: dict, year: int, n_actions: int,
                     users: float = float("nan")) -> str:
    """The barriers finding for enterprises with 10+ employees: the share of enterprises the answers describe
    (:func:`considered_share`) and, given ``users`` (% of enterprises using AI), the share of non-users who never
    considered it and were not asked; the three most cited reasons in descending order with their shares of
    those enterprises, what the first is as a share of all enterprises, and how many actions mention each."""
    have = table[table["pct_all"].notna()].sort_values("pct_all", ascending=False, kind="mergesort")
    if have.empty:
        return f"Eurostat publishes no EU reasons for not using AI for {year}."
    if np.isnan(considered["share"]):
        who = ("Eurostat asks the reasons only of enterprises that considered using AI but do not use it; the "
               "data do not give their share of all enterprises")
    else:
        who = (f"Eurostat asks the reasons only of enterprises that considered using AI but do not use it: "
               f"{fmt.pct(considered['share'])} of EU enterprises with 10+ employees in {year}")
        if not np.isnan(users) and 100 - users >= considered["share"]:
            who += (f"; the other {fmt.pct(100 - users - considered['share'])} of enterprises that do not use AI "
                    "never considered it and were not asked why")
    top = have.head(3)
    listed = ", then ".join(f"{r.label} ({fmt.pct(r.pct_all)})" for r in top.itertuples())
    first = top.iloc[0]
    text = f"{who}. Among those that considered it, the most cited reason was {listed}."
    if not np.isnan(first["pct_of_all"]):
        text += (f" The first reason thus concerns {fmt.pct(first['pct_of_all'])} of all enterprises, not "
                 f"{fmt.pct(first['pct_all'])}.")
    counts = "; ".join(f"{r.label}: {r.actions}" for r in top.itertuples())
    text += f" Annex 3 actions (of {n_actions}) whose text mentions these reasons: {counts}."
    if not np.isnan(considered["share"]):
        size = "a minority" if considered["share"] < 50 else "a majority"
        text += (f" The answers thus describe {size} of enterprises, those that have already weighed AI; why the "
                 "others never considered it, these data do not say.")
    return text


def sme_barrier_sentence(table: pd.DataFrame, considered_sme: dict, year: int) -> str:
    """SMEs (10-249) against all enterprises: the SMEs' first reason and whether their three most cited reasons
    are the same, in the same order; the SMEs' considered share."""
    s = table[table["pct_sme"].notna()].sort_values("pct_sme", ascending=False, kind="mergesort")
    if s.empty:
        return f"Eurostat publishes no EU values for SMEs in {year}."
    a = table[table["pct_all"].notna()].sort_values("pct_all", ascending=False, kind="mergesort")
    same = list(s["indicator"].head(3)) == list(a["indicator"].head(3))
    share = ("" if np.isnan(considered_sme["share"]) else
             f" {fmt.pct(considered_sme['share'])} of SMEs considered AI without using it.")
    order = "the same, in the same order," if same else "not the same, or not in the same order,"
    return (f"For SMEs the first reason is {s['label'].iloc[0]} ({fmt.pct(s['pct_sme'].iloc[0])}); their three most "
            f"cited reasons are {order} as for all enterprises.{share}")


def _terms_text(pattern: str) -> str:
    """A regex of :data:`BARRIER_TERMS` as words for readers (``\\bskills?\\b|upskill`` → ``skill(s), upskill…``)."""
    words = []
    for alt in pattern.replace("(?:s|ing)?", "(s/ing)").split("|"):
        w = alt.replace("\\b", "").replace("s?", "(s)")
        words.append(w if alt.endswith("\\b") else w + "…")
    return ", ".join(words)


def barrier_reader_table(table: pd.DataFrame) -> pd.DataFrame:
    """Reader's table of :func:`barrier_table` (values with flags; ``–`` when not published)."""
    def col(key: str) -> list[str]:
        return ["–" if np.isnan(v) else dl.value_text(v, f)
                for v, f in zip(table[f"pct_{key}"], table[f"flag_{key}"], strict=True)]

    return pd.DataFrame({
        "Rank": ["–" if pd.isna(v) else str(int(v)) for v in table["rank"]],
        "Reason for not using AI": table["label"],
        "10+ employees (% of those that considered AI)": col("all"),
        "SMEs (% of those that considered AI)": col("sme"),
        "10+ employees (% of all)": ["–" if np.isnan(v) else fmt.num(v) for v in table["pct_of_all"]],
        "Actions mentioning it": table["actions"].map(fmt.count),
        "Words searched": [_terms_text(t) for t in table["terms"]],
    })


def barrier_alt(table: pd.DataFrame, year: int) -> str:
    """Text alternative of the barrier figure: bars in descending order, both size classes, and action counts."""
    parts = [f"{r.label}: 10+ employees {dl.value_text(r.pct_all, r.flag_all)} %, SMEs "
             f"{dl.value_text(r.pct_sme, r.flag_sme)} %, {r.actions} actions" for r in table.itertuples()]
    return (f"Horizontal bar chart of the reasons for not using AI in {year}, as % of EU enterprises that "
            "considered using it, most cited first: " + "; ".join(parts) + ".")


# --------------------------------------------------------------------------------------------- sectors
def sector_sentence(st: pd.DataFrame, k: int, year: int) -> str:
    """Sector areas heard most vs adopting least: the ``k`` comparable areas with the lowest adoption (ascending;
    areas tied with the k-th are included) and their share of participants and actions; the ``k`` areas with
    most participants and their adoption."""
    comp = st[st["status"] == "comparable"].sort_values(["adoption", "area_en"], kind="mergesort")
    if comp.empty:
        return f"No sector area has a comparable adoption value for {year}."
    low = lowest_areas(st, k)
    total_p, total_a = float(st["participants"].sum()), int(st["actions"].sum())
    names = ", ".join(f"{r.area_en} ({fmt.pct(r.adoption)})" for r in low.itertuples())
    p_share = 100 * float(low["participants"].sum()) / total_p if total_p > 0 else float("nan")
    a_share = 100 * int(low["actions"].sum()) / total_a if total_a > 0 else float("nan")
    heard = st.sort_values("participants", ascending=False, kind="mergesort").head(k)
    heard_txt = ", ".join(f"{r.area_en} (≈ {fmt.num(r.participants, 0, thousands=True)}; "
                          + (f"adoption {fmt.pct(r.adoption)}" if r.status == "comparable" else "not measured")
                          + ")" for r in heard.itertuples())
    p_txt = "–" if np.isnan(p_share) else fmt.pct(p_share)
    a_txt = "–" if np.isnan(a_share) else fmt.pct(a_share)
    gone = st[st["status"] != "comparable"]
    gone_txt = ("" if gone.empty else
                f" {len(gone)} areas cannot be set against adoption at all, because the survey does not measure them: "
                + ", ".join(f"{r.area_en} ({r.actions} actions)" for r in gone.itertuples()) + ".")
    tie = " (ties with the last included)" if len(low) > k else ""
    return (f"Among the sector areas whose adoption the survey measures, the {len(low)} with the lowest AI adoption "
            f"in {year}{tie} are {names}. They drew {p_txt} of the sector dialogues' participants and hold {a_txt} of "
            f"the {total_a} sector actions. The most heard areas were {heard_txt}.{gone_txt}")


def lowest_areas(st: pd.DataFrame, k: int) -> pd.DataFrame:
    """The comparable sector areas of :func:`analysis.chapters.dialogues.sector_table` with the ``k`` lowest
    adoption values,
    ascending, every area tied with the k-th included (areas sharing one activity share its value)."""
    comp = st[st["status"] == "comparable"].sort_values(["adoption", "area_en"], kind="mergesort")
    if comp.empty:
        return comp
    cut = comp["adoption"].iloc[min(k, len(comp)) - 1]
    return comp[comp["adoption"] <= cut]


def lowest_activities(adoption: pd.DataFrame, year: int, sector_map: pd.DataFrame, k: int) -> pd.DataFrame:
    """The ``k`` activities (NACE sections of isoc_eb_ain2, aggregates and sub-activities excluded) with the
    lowest adoption in ``year`` (%, ascending), each with the strategy sectors our mapping links to it under
    either mapping (``sectors``, "" when none) and its flag."""
    sel = adoption[(adoption["year"] == year) & ~adoption["nace"].isin(NOT_SECTIONS) & adoption["value"].notna()]
    sel = sel.sort_values(["value", "nace"], kind="mergesort").head(k)
    links = []
    for code in sel["nace"]:
        hit = sector_map[(sector_map["nace_primary"] == code) | (sector_map["nace_alternative"] == code)]
        links.append(", ".join(hit["sector_en"]))
    return pd.DataFrame({"nace": sel["nace"].to_numpy(), "activity": [dl.nace_label(c) for c in sel["nace"]],
                         "value": sel["value"].to_numpy(float), "flag": sel["flag"].fillna("").to_numpy(),
                         "sectors": links})


def lowest_activities_sentence(low: pd.DataFrame, year: int) -> str:
    """Which activities have the lowest adoption (ascending) and which of them a strategy sector covers."""
    if low.empty:
        return f"No activity has an adoption value for {year}."
    names = ", ".join(f"{r.activity}, {dl.value_text(r.value, r.flag)} %" for r in low.itertuples())
    linked = low[low["sectors"] != ""]
    if linked.empty:
        link = "none of them is linked to a sector of the strategy by our mapping"
    elif len(linked) == len(low):
        link = "each is linked to a sector of the strategy by our mapping"
    else:
        names_linked = ", ".join(f"{r.activity} ({r.sectors})" for r in linked.itertuples())
        unlinked = ", ".join(low.loc[low["sectors"] == "", "activity"])
        link = (f"only {names_linked} is linked to a sector of the strategy by our mapping" if len(linked) == 1 else
                f"{names_linked} are linked to sectors of the strategy by our mapping, {unlinked} not")
    return f"Across all activities the survey publishes, the lowest adoption in {year} is in {names}: {link}."


def sector_reader_table(st: pd.DataFrame) -> pd.DataFrame:
    """Reader's table of the sector areas sorted by adoption (not measured last)."""
    s = st.assign(_a=st["adoption"].fillna(np.inf)).sort_values(["_a", "area_en"], kind="mergesort")
    return pd.DataFrame({
        "Sector area (Annex 3)": s["area_en"],
        "AI adoption (%)": ["not measured" if np.isnan(v) else dl.value_text(v, f)
                            for v, f in zip(s["adoption"], s["flag"], strict=True)],
        "Participants (about N)": [dl.approx_label(v) for v in s["participants"]],
        "Actions": s["actions"].map(fmt.count),
    })


def sector_alt(st: pd.DataFrame, year: int) -> str:
    """Text alternative of the sector figure (adoption against participants)."""
    comp = st[st["status"] == "comparable"].sort_values("adoption", kind="mergesort")
    pts = "; ".join(f"{r.area_en}: {fmt.pct(r.adoption)}, about {fmt.num(r.participants, 0, thousands=True)} "
                    f"participants, {r.actions} actions" for r in comp.itertuples())
    gone = ", ".join(st.loc[st["status"] != "comparable", "area_en"]) or "none"
    return (f"Scatter plot of sector AI adoption in {year} against dialogue participants (log scale), one point per "
            f"sector area, lowest adoption first: {pts}. Not measured: {gone}.")


# --------------------------------------------------------------------------------------------- occupations
def employment_years(employment: pd.DataFrame, geo: str = GEO) -> list[int]:
    """LFS years with EU 2-digit employment values, ascending."""
    two = ex.two_digit_employment(employment)
    return sorted(int(y) for y in two.loc[(two["geo"] == geo) & two["value_thousands"].notna(), "year"].unique())


def top_exposed(exposed2: pd.Series, scores2: pd.Series, employment: pd.DataFrame, year: int, k: int,
                geo: str = GEO) -> pd.DataFrame:
    """The ``k`` 2-digit ISCO groups with the highest exposed share (0–1; ties broken by the higher score, then
    the code), with EU employment in ``year`` (thousands; NaN when not published) and its flag, and the group's
    share of total employment (percent). Columns: isco08, title, exposed_pct, score, employment, flag,
    employment_pct; ``attrs["n_at_top"]``: how many groups share the highest exposed share."""
    two = ex.two_digit_employment(employment)
    part = two[(two["geo"] == geo) & (two["year"] == year)].set_index("isco08")
    total = employment[(employment["isco08"] == "TOTAL") & (employment["geo"] == geo) & (employment["year"] == year)]
    total_v = float(total["value_thousands"].iloc[0]) if len(total) else float("nan")
    frame = pd.DataFrame({"exposed": exposed2, "score": scores2.reindex(exposed2.index)}).dropna(subset=["exposed"])
    frame = frame.rename_axis("isco08").reset_index()
    frame = frame.sort_values(["exposed", "score", "isco08"], ascending=[False, False, True],
                              kind="mergesort").head(k)
    emp = frame["isco08"].map(part["value_thousands"]).astype(float)
    out = pd.DataFrame({
        "isco08": frame["isco08"].to_numpy(), "title": [ex.ISCO_TITLES.get(c, c) for c in frame["isco08"]],
        "exposed_pct": 100 * frame["exposed"].to_numpy(float), "score": frame["score"].to_numpy(float),
        "employment": emp.to_numpy(), "flag": frame["isco08"].map(part["flag"]).fillna("").astype(str).to_numpy(),
        "employment_pct": (100 * emp / total_v).to_numpy(),
    })
    #: groups sharing the highest exposed share (more than k when the top is tied)
    out.attrs["n_at_top"] = int((exposed2 == exposed2.max()).sum()) if exposed2.notna().any() else 0
    return out


def occupation_sentence(top: pd.DataFrame, index_label: str, year: int, workforce: pd.DataFrame,
                        mentioning: pd.DataFrame, named: pd.DataFrame, n_actions: int) -> str:
    """The occupations finding: the most exposed groups (descending exposed share), their EU employment and its
    share, the actions of the workforce heading, those whose text names skills or workers, and how many name one
    of the listed occupation groups (``named``, :func:`names_an_occupation`)."""
    if top.empty:
        return "No occupation group has an exposure value."
    n_top = int(top.attrs.get("n_at_top", 0))
    if n_top > len(top):
        names = (f"the {n_top} groups with {fmt.num(top['exposed_pct'].iloc[0], 0)} % of their unit groups exposed; "
                 f"the {len(top)} with the highest score are " + ", ".join(top["title"]))
    else:
        names = ", ".join(f"{r.title} ({fmt.num(r.exposed_pct, 0)} % of unit groups exposed)"
                          for r in top.itertuples())
    emp = top["employment"]
    if emp.notna().all():
        jobs = (f"; together they employ {fmt.num(emp.sum() / 1000, 1)} million people in the EU in {year} "
                f"({fmt.pct(top['employment_pct'].sum())} of employment)")
    else:
        jobs = f"; employment is not published for all of them in {year}"
    tied = ("none names one of these occupation groups" if named.empty else
            f"{len(named)} name{'s' if len(named) == 1 else ''} one of these occupation groups")
    return (f"Under {index_label}, the most exposed occupation groups are {names}{jobs}. Annex 3 has "
            f"{len(workforce)} actions under its workforce heading; {len(mentioning)} of its {n_actions} actions "
            f"mention skills, training or workers, and {tied}.")


def names_an_occupation(actions: pd.DataFrame, titles: list[str]) -> pd.DataFrame:
    """Actions whose English text contains one of the occupation ``titles`` (case-insensitive, whole title)."""
    if not titles:
        return actions.iloc[0:0]
    pattern = "|".join(re.escape(t) for t in titles)
    return actions_mentioning(actions, pattern)


def occupation_reader_table(top: pd.DataFrame) -> pd.DataFrame:
    """Reader's table of :func:`top_exposed`."""
    return pd.DataFrame({
        "Occupation group (ISCO-08)": top["title"],
        "Unit groups exposed (%)": [fmt.num(v, 0) for v in top["exposed_pct"]],
        "EU employment (thousands)": [dl.value_text(v, f) if not np.isnan(v) else "not published"
                                      for v, f in zip(top["employment"], top["flag"], strict=True)],
        "Share of employment (%)": ["–" if np.isnan(v) else fmt.num(v) for v in top["employment_pct"]],
    })


def occupation_alt(top: pd.DataFrame, index_label: str, year: int) -> str:
    """Text alternative of the occupations figure."""
    parts = "; ".join(f"{r.title}: {fmt.num(r.exposed_pct, 0)} % of unit groups exposed, "
                      + ("employment not published" if np.isnan(r.employment)
                         else f"{fmt.num(r.employment, 0, thousands=True)} thousand employed")
                      for r in top.itertuples())
    return (f"Horizontal bar chart of EU employment in {year} in the occupation groups most exposed to generative "
            f"AI under {index_label}, labelled with their exposed share: {parts}.")


# --------------------------------------------------------------------------------------------- summary
def overview_texts(actions: pd.DataFrame) -> dict[str, str]:
    """Glue texts of the overview: the count of Annex 3 actions and of flagships."""
    return {"n_actions": fmt.count(len(actions)),
            "n_flagship": fmt.count(int((actions["kind"] == "flagship").sum())) if "kind" in actions else "–"}


def summary_sentence(table: pd.DataFrame, considered: dict, st: pd.DataFrame, top: pd.DataFrame) -> str:
    """The chapter's opening finding in one sentence: who the barrier answers describe, the first reason, the
    lowest-adoption area and the most exposed occupation group."""
    parts = []
    if not np.isnan(considered["share"]) and len(table) and not np.isnan(table["pct_all"].iloc[0]):
        parts.append(f"the reasons enterprises give for not using AI come from the {fmt.pct(considered['share'])} "
                     f"that considered it, and {table['label'].iloc[0]} leads them")
    comp = st[st["status"] == "comparable"].sort_values(["adoption", "area_en"], kind="mergesort")
    if len(comp):
        parts.append(f"{comp['area_en'].iloc[0]} has the lowest AI adoption of the measured sector areas")
    if len(top):
        parts.append(f"{top['title'].iloc[0]} are the occupation group most exposed to generative AI")
    if not parts:
        return "The data give no finding to set against the actions."
    return "In short: " + "; ".join(parts) + "."


def headline_lines(table: pd.DataFrame, considered: dict, st: pd.DataFrame, top: pd.DataFrame,
                   low: pd.DataFrame) -> list[str]:
    """The nbval headline lines (plain numbers)."""
    first = table.iloc[0]
    comp = st[st["status"] == "comparable"].sort_values(["adoption", "area_en"], kind="mergesort")
    return [
        f"Considered AI but do not use it: {fmt.num(considered['share'], 2)} % of enterprises "
        f"(per-reason {fmt.num(considered['low'], 2)}-{fmt.num(considered['high'], 2)}, n = {considered['n']})",
        f"First reason: {first['indicator']} {fmt.num(first['pct_all'], 2)} % of considerers, "
        f"{fmt.num(first['pct_of_all'], 2)} % of all; actions mentioning: {first['actions']}",
        "Lowest adoption areas: " + ", ".join(f"{r.unit} {fmt.num(r.adoption, 2)}" for r in comp.head(3).itertuples()),
        "Lowest activities: " + ", ".join(f"{r.nace} {fmt.num(r.value, 2)}" for r in low.itertuples()),
        "Most exposed groups: " + ", ".join(f"{r.isco08} {fmt.num(r.exposed_pct, 1)} % ({fmt.num(r.employment, 1)})"
                                            for r in top.itertuples()),
    ]


# --------------------------------------------------------------------------------------------- figures
def plot_barriers(table: pd.DataFrame, year: int):  # noqa: ANN201
    """Paired bars: each reason as % of the enterprises (10+ employees; SMEs hatched) that considered AI, most
    cited on top, with the count of actions mentioning it at the right."""
    import matplotlib.pyplot as plt


    t = table.iloc[::-1].reset_index(drop=True)
    y = np.arange(len(t))
    fig, ax = plt.subplots(
        figsize=(8, 5),  # pragma: no mutate
    )
    ax.barh(y + 0.2, t["pct_all"], height=0.4, label="10+ employees",
            color=PALETTE[0],  # pragma: no mutate
            )
    ax.barh(y - 0.2, t["pct_sme"], height=0.4, hatch="//", label="SMEs (10-249)",
            color=PALETTE[1], edgecolor="white",  # pragma: no mutate
            )
    ends = np.fmax(t["pct_all"].fillna(0).to_numpy(), t["pct_sme"].fillna(0).to_numpy())
    for yi, n, end in zip(y, t["actions"], ends, strict=True):
        ax.text(end + 1, yi, f"{n} action{'s' if n != 1 else ''}",
                va="center", fontsize=7,  # pragma: no mutate
                )
    ax.set_yticks(y, t["label"],
                  fontsize=8,  # pragma: no mutate
                  )
    ax.set_xlim(0, float(ends.max()) * 1.25 if len(ends) else 1)
    ax.set_xlabel(f"% of enterprises that considered using AI but do not use it, EU27, {year}")
    ax.set_title(f"{t['label'].iloc[-1].capitalize()} is the most cited reason (with the actions that mention each)")
    ax.legend(
        fontsize=7, loc="lower right",  # pragma: no mutate
    )
    return fig


def plot_sectors(st: pd.DataFrame, year: int):  # noqa: ANN201
    """Sector areas: AI adoption (%) against dialogue participants (about N, log scale); areas not measured are
    listed under the axis instead of plotted."""
    import matplotlib.pyplot as plt


    comp = st[st["status"] == "comparable"]
    fig, ax = plt.subplots(
        figsize=(8, 5),  # pragma: no mutate
    )
    ax.scatter(comp["participants"], comp["adoption"], s=30 + 12 * comp["actions"],
               color=PALETTE[0], alpha=0.85,  # pragma: no mutate
               )
    ax.set_xscale("log")
    ax.margins(x=0.45, y=0.12)  # pragma: no mutate
    dl.label_points(ax, comp["participants"], comp["adoption"], [a.split(" (")[0] for a in comp["area_en"]])
    ax.set_xlabel("dialogue participants (about N; log scale); marker area grows with the actions")
    ax.set_ylabel(f"enterprises using AI, {year} (%, EU27)")
    low = lowest_areas(st, 1)
    ax.set_title(f"{low['area_en'].iloc[0]} adopts least ({fmt.pct(low['adoption'].iloc[0])}) and drew "
                 f"≈ {fmt.num(low['participants'].iloc[0], 0, thousands=True)} participants" if len(low) else
                 "No sector area measured")
    gone = ", ".join(st.loc[st["status"] != "comparable", "area_en"])
    if gone:
        fig.text(0.01, -0.02, "Not measured by the survey: " + gone,
                 fontsize=7, color="grey",  # pragma: no mutate
                 )
    return fig


def plot_occupations(top: pd.DataFrame, index_label: str, year: int):  # noqa: ANN201
    """Bars: EU employment (thousands) in the most exposed occupation groups, labelled with the exposed share."""
    import matplotlib.pyplot as plt


    t = top.iloc[::-1]
    fig, ax = plt.subplots(figsize=(8, 0.6 * len(t) + 1.8))
    ax.barh(t["title"], t["employment"].fillna(0),
            color=PALETTE[0],  # pragma: no mutate
            )
    for i, (v, e) in enumerate(zip(t["employment"], t["exposed_pct"], strict=True)):
        label = "not published" if np.isnan(v) else f"{fmt.num(v, 0, thousands=True)} ({fmt.num(e, 0)} % exposed)"
        ax.text(0 if np.isnan(v) else v, i, " " + label,
                va="center", fontsize=7,  # pragma: no mutate
                )
    ax.set_xlim(0, float(np.nanmax(t["employment"].to_numpy())) * 1.45 if t["employment"].notna().any() else 1)
    ax.tick_params(axis="y", labelsize=8)  # pragma: no mutate
    ax.set_xlabel(f"EU employment, {year} (thousands of persons)")
    ax.set_title(f"The most exposed occupation groups under {index_label}")
    return fig
