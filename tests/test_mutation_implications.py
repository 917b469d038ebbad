"""Tests written against the surviving mutants of ``make mutate`` (analysis.chapters.implications, issue 16).

Tiny hand-made frames, answers worked out by hand in the comments (never with the function under test): every
filter of every input, thresholds (a share of exactly 50 %, users leaving exactly the considered share), ties,
flags carried, missing values kept missing, and the words of every sentence, table and figure.
"""

from __future__ import annotations

import math

import matplotlib
import numpy as np
import pandas as pd
import pytest

from analysis.chapters import adoption as ad
from analysis.chapters import implications as im
from analysis.chapters.params import ParameterError, validate

matplotlib.use("Agg")


# ------------------------------------------------------------------------------------------ fixtures
def barrier_frame(year: int = 2025) -> pd.DataFrame:
    """EU rows of three reasons, PC_ENT_AI_EC and PC_ENT, GE10 and 10-249 (the GE10 costs value flagged "u").

    GE10: considered share = (5 + 4 + 2) / (50 + 40 + 20) · 100 = 10 %.
    """
    rows = []
    data = {  # indicator: (GE10 considered %, GE10 all %, SME considered %, SME all %, GE10 flag, SME flag)
        "E_AI_BLE": (50.0, 5.0, 45.0, 4.5, "", ""),
        "E_AI_BCST": (40.0, 4.0, 50.0, 4.5, "u", ""),
        "E_AI_BLEG": (20.0, 2.0, 20.0, 1.8, "", "b"),
    }
    for ind, (c_all, a_all, c_sme, a_sme, flag, flag_sme) in data.items():
        rows += [
            {"indicator": ind, "unit": "PC_ENT_AI_EC", "size_class": "GE10", "value": c_all, "flag": flag},
            {"indicator": ind, "unit": "PC_ENT", "size_class": "GE10", "value": a_all, "flag": ""},
            {"indicator": ind, "unit": "PC_ENT_AI_EC", "size_class": "10-249", "value": c_sme, "flag": flag_sme},
            {"indicator": ind, "unit": "PC_ENT", "size_class": "10-249", "value": a_sme, "flag": ""},
        ]
    frame = pd.DataFrame(rows)
    frame["geo"], frame["year"], frame["dataset"], frame["nace"] = "EU27_2020", year, "isoc_eb_ai", "C10-S951_X_K"
    return frame


def actions() -> pd.DataFrame:
    return pd.DataFrame({
        "action_id": ["A1", "A2", "A3", "A4"],
        "area_fr": ["X", im.WORKFORCE_AREA_FR, "Y", im.WORKFORCE_AREA_FR],
        "kind": ["flagship", "other", "flagship", "flagship"],
        "action_en": ["Provide FUNDING for AI in clinics.", "Offer AI literacy training to workers.",
                      "Develop guidelines on the AI Act.", "Train General and keyboard clerks in AI tools."],
    })


def sector_table() -> pd.DataFrame:
    """Four areas: A 10 %, B 20 % (u), C 30 %, D not measured; participants 100 + 300 + 50 + 550 = 1000."""
    return pd.DataFrame({
        "unit": ["a", "b", "c", "d"], "area_en": ["Area A", "Area B", "Area C", "Area D"],
        "participants": [100.0, 300.0, 50.0, 550.0], "actions": [2, 3, 1, 4],
        "status": ["comparable", "comparable", "comparable", "not comparable"],
        "adoption": [10.0, 20.0, 30.0, np.nan], "flag": ["", "u", "", ""],
    })


def occupations() -> tuple[pd.Series, pd.Series, pd.DataFrame]:
    exposed2 = pd.Series({"OC41": 1.0, "OC25": 0.75, "OC42": 0.5, "OC93": np.nan})
    scores2 = pd.Series({"OC41": 0.6, "OC25": 0.4, "OC42": 0.5, "OC93": 0.1})
    emp = pd.DataFrame({
        "isco08": ["OC41", "OC25", "OC42", "OC93", "TOTAL", "OC4", "OC41", "OC41"],
        "geo": ["EU27_2020"] * 6 + ["DE", "EU27_2020"], "year": [2025] * 7 + [2024],
        "value_thousands": [8000.0, 4000.0, 2000.0, 1000.0, 200000.0, 30000.0, 900.0, 7000.0],
        "flag": ["b", "", "", "u", "", "", "", ""],
    })
    return exposed2, scores2, emp


# ------------------------------------------------------------------------------------------ barriers
def test_barrier_years_filters_unit_geo_indicator_and_missing() -> None:
    f = pd.concat([
        barrier_frame(2025),
        barrier_frame(2023).assign(value=np.nan),  # no value: not a year
        barrier_frame(2022).assign(unit="PC_ENT"),  # only the other unit
        barrier_frame(2021).assign(geo="DE"),
        barrier_frame(2020).assign(indicator="E_AI_TANY"),
    ], ignore_index=True)
    assert im.barrier_years(f) == [2025]
    assert im.barrier_years(f, geo="DE") == [2021]
    assert im.barrier_years(pd.concat([barrier_frame(2025), barrier_frame(2024)])) == [2024, 2025]


def test_resolve_names_what_is_missing() -> None:
    with pytest.raises(ValueError, match="no barrier years in the data"):
        im.resolve(None, [], "barrier")
    with pytest.raises(ValueError, match=r"employment year 1999 not in the data; years: \[2023, 2025\]"):
        im.resolve(1999, [2023, 2025], "employment")
    assert im.resolve(2023, [2023, 2025], "x") == 2023


def test_considered_share_skips_zero_and_missing_denominators() -> None:
    f = barrier_frame()
    # BLEG considered = 0 (cannot divide), BCST share of all missing: only BLE is used, 5 / 50 = 10 %
    f.loc[(f["indicator"] == "E_AI_BLEG") & (f["unit"] == "PC_ENT_AI_EC"), "value"] = 0.0
    f.loc[(f["indicator"] == "E_AI_BCST") & (f["unit"] == "PC_ENT"), "value"] = np.nan
    c = im.considered_share(ad.ai_rows(f), "EU27_2020", 2025, "GE10")
    assert c == {"share": pytest.approx(10.0), "low": pytest.approx(10.0), "high": pytest.approx(10.0), "n": 1}
    # ratio of sums, not mean of ratios: (6 + 4) / (50 + 20) = 14.29 %, per reason 12 % and 20 %
    g = barrier_frame().query("indicator != 'E_AI_BCST'").copy()
    g.loc[(g["indicator"] == "E_AI_BLE") & (g["unit"] == "PC_ENT") & (g["size_class"] == "GE10"), "value"] = 6.0
    g.loc[(g["indicator"] == "E_AI_BLEG") & (g["unit"] == "PC_ENT") & (g["size_class"] == "GE10"), "value"] = 4.0
    c = im.considered_share(g, "EU27_2020", 2025, "GE10")
    assert c["share"] == pytest.approx(1000 / 70) and (c["low"], c["high"]) == (pytest.approx(12.0), 20.0)
    assert isinstance(c["n"], int) and c["n"] == 2
    de = im.considered_share(barrier_frame().assign(geo="DE"), "DE", 2025, "GE10")
    assert de["share"] == pytest.approx(10.0)


def test_actions_mentioning_ignores_case_and_missing_text() -> None:
    a = pd.concat([actions(), pd.DataFrame({"action_id": ["A5"], "action_en": [None]})], ignore_index=True)
    hit = im.actions_mentioning(a, im.BARRIER_TERMS["E_AI_BCST"])
    assert hit["action_id"].tolist() == ["A1"] and hit.index.tolist() == [0]  # "FUNDING", reindexed
    assert im.actions_mentioning(a, r"\btraining\b")["action_id"].tolist() == ["A2"]
    assert im.actions_mentioning(a, r"workers?")["action_id"].tolist() == ["A2"]


def test_barrier_table_ties_share_the_smaller_rank_in_eurostat_order() -> None:
    f = barrier_frame()
    f.loc[(f["indicator"] == "E_AI_BLE") & (f["unit"] == "PC_ENT_AI_EC") & (f["size_class"] == "GE10"),
          "value"] = 40.0  # ties with costs (40, "u")
    t = im.barrier_table(ad.ai_rows(f), actions(), 2025)
    assert t.columns.tolist() == ["indicator", "label", "pct_all", "flag_all", "pct_sme", "flag_sme", "pct_of_all",
                                  "rank", "rank_sme", "actions", "action_ids", "terms"]
    # ad.BARRIERS lists costs before expertise: the tie keeps that order
    assert t["indicator"].tolist()[:3] == ["E_AI_BCST", "E_AI_BLE", "E_AI_BLEG"]
    assert t["rank"].tolist()[:3] == [1, 1, 3] and t["rank"].iloc[3:].isna().all()
    assert t["rank_sme"].tolist()[:3] == [1, 2, 3]  # SMEs: costs 50, expertise 45, legal 20
    assert t["flag_all"].tolist()[:3] == ["u", "", ""] and t["flag_sme"].tolist()[:3] == ["", "", "b"]
    assert t["flag_all"].iloc[3] == "" and np.isnan(t["pct_sme"].iloc[3])
    assert t["pct_of_all"].tolist()[:3] == [4.0, 5.0, 2.0]
    assert t["label"].iloc[0] == "costs seem too high" and t["terms"].iloc[0] == im.BARRIER_TERMS["E_AI_BCST"]
    assert t["actions"].tolist()[:3] == [1, 1, 1] and t["action_ids"].tolist()[:3] == ["A1", "A2", "A3"]
    other = t.set_index("indicator")
    assert other.at["E_AI_BDDT", "actions"] == 0 and other.at["E_AI_BDDT", "action_ids"] == ""


def test_barrier_sentence_in_full_and_its_thresholds() -> None:
    t = im.barrier_table(ad.ai_rows(barrier_frame()), actions(), 2025)
    c = im.considered_share(ad.ai_rows(barrier_frame()), "EU27_2020", 2025, "GE10")
    assert im.barrier_sentence(t, c, 2025, 4, users=20.0) == (
        "Eurostat asks the reasons only of enterprises that considered using AI but do not use it: 10.0 % of EU "
        "enterprises with 10+ employees in 2025; the other 70.0 % of enterprises that do not use AI never "
        "considered it and were not asked why. Among those that considered it, the most cited reason was lack of "
        "relevant expertise (50.0 %), then costs seem too high (40.0 %), then unclear legal consequences (20.0 %). "
        "The first reason thus concerns 5.0 % of all enterprises, not 50.0 %. Annex 3 actions (of 4) whose text "
        "mentions these reasons: lack of relevant expertise: 1; costs seem too high: 1; unclear legal "
        "consequences: 1. The answers thus describe a minority of enterprises, those that have already weighed AI; "
        "why the others never considered it, these data do not say.")
    # users leave exactly the considered share (100 − 90 = 10): the other non-users are 0.0 %
    assert "the other 0.0 % of enterprises" in im.barrier_sentence(t, c, 2025, 4, users=90.0)
    # users leave less than the considered share: no "other" clause (the numbers would not add up)
    assert "never considered it and were not asked" not in im.barrier_sentence(t, c, 2025, 4, users=90.5)
    assert "never considered it and were not asked" not in im.barrier_sentence(t, c, 2025, 4)
    # exactly 50 % is a majority, not a minority
    assert "describe a majority of enterprises" in im.barrier_sentence(t, {"share": 50.0}, 2025, 4)
    assert "describe a minority" in im.barrier_sentence(t, {"share": 49.99}, 2025, 4)
    # no share of all enterprises for the first reason: no "thus concerns" sentence; only two reasons
    two = t.assign(pct_of_all=np.nan)
    two.loc[2, "pct_all"] = np.nan
    text = im.barrier_sentence(two, {"share": float("nan")}, 2025, 7)
    assert "thus concerns" not in text and "then unclear" not in text and "(of 7)" in text
    assert "describe a" not in text


def test_sme_sentence_in_full() -> None:
    t = im.barrier_table(ad.ai_rows(barrier_frame()), actions(), 2025)
    assert im.sme_barrier_sentence(t, {"share": 9.391}, 2025) == (
        "For SMEs the first reason is costs seem too high (50.0 %); their three most cited reasons are not the "
        "same, or not in the same order, as for all enterprises. 9.4 % of SMEs considered AI without using it.")
    assert im.sme_barrier_sentence(t, {"share": float("nan")}, 2025).endswith("as for all enterprises.")
    assert im.sme_barrier_sentence(t.assign(pct_sme=np.nan), {"share": 1.0}, 2024) == (
        "Eurostat publishes no EU values for SMEs in 2024.")
    # the same three in the same order even if a fourth differs
    same = t.assign(pct_sme=[50.0, 40.0, 20.0, 1.0, np.nan, np.nan, np.nan, np.nan])
    assert "are the same, in the same order," in im.sme_barrier_sentence(same, {"share": 1.0}, 2025)


def test_terms_text_by_hand() -> None:
    assert im._terms_text(im.BARRIER_TERMS["E_AI_BCST"]) == "fund(s/ing), financ…, invest…, cost(s), voucher(s)"
    assert im._terms_text(r"\bdata\b|\bdatasets?\b") == "data, dataset(s)"
    assert im._terms_text(r"upskill|\bAI Act\b") == "upskill…, AI Act"


def test_barrier_reader_table_and_alt_in_full() -> None:
    t = im.barrier_table(ad.ai_rows(barrier_frame()), actions(), 2025)
    r = im.barrier_reader_table(t)
    assert r.columns.tolist() == ["Rank", "Reason for not using AI", "10+ employees (% of those that considered AI)",
                                  "SMEs (% of those that considered AI)", "10+ employees (% of all)",
                                  "Actions mentioning it", "Words searched"]
    assert r.values.tolist()[2] == ["3", "unclear legal consequences", "20.0", "20.0 b", "2.0", "1",
                                    "legal, guidance, guideline(s), AI Act, compliance, contractual"]
    assert r.values.tolist()[3][:6] == ["–", t["label"].iloc[3], "–", "–", "–", "0"]
    assert im.barrier_alt(t.head(2), 2025) == (
        "Horizontal bar chart of the reasons for not using AI in 2025, as % of EU enterprises that considered using "
        "it, most cited first: lack of relevant expertise: 10+ employees 50.0 %, SMEs 45.0 %, 1 actions; costs seem "
        "too high: 10+ employees 40.0 u %, SMEs 50.0 %, 1 actions.")


# ------------------------------------------------------------------------------------------ sectors
def test_sector_sentence_in_full() -> None:
    assert im.sector_sentence(sector_table(), 2, 2025) == (
        "Among the sector areas whose adoption the survey measures, the 2 with the lowest AI adoption in 2025 are "
        "Area A (10.0 %), Area B (20.0 %). They drew 40.0 % of the sector dialogues' participants and hold 50.0 % "
        "of the 10 sector actions. The most heard areas were Area D (≈ 550; not measured), Area B (≈ 300; adoption "
        "20.0 %). 1 areas cannot be set against adoption at all, because the survey does not measure them: Area D "
        "(4 actions).")
    # no participants and no actions at all: shares are "–", not a division by zero
    empty = sector_table().assign(participants=0.0, actions=0)
    assert "They drew – of the sector dialogues' participants and hold – of the 0 sector actions" in \
        im.sector_sentence(empty, 1, 2025)
    measured = sector_table().iloc[:3]
    assert "cannot be set against" not in im.sector_sentence(measured, 1, 2025)
    assert im.sector_sentence(sector_table().assign(status="not comparable"), 1, 2024) == (
        "No sector area has a comparable adoption value for 2024.")


def test_lowest_areas_edges() -> None:
    st = sector_table()
    assert im.lowest_areas(st, 10)["unit"].tolist() == ["a", "b", "c"]  # k above the count: all measured
    assert im.lowest_areas(st, 3)["unit"].tolist() == ["a", "b", "c"]
    assert im.lowest_areas(st.assign(status="no value 2025"), 2).empty
    # ties broken by name: "Area C" and "Area B" both 20 %: both kept, B first
    tie = st.assign(adoption=[30.0, 20.0, 20.0, np.nan], area_en=["Area A", "Area C", "Area B", "Area D"])
    assert im.lowest_areas(tie, 1)["area_en"].tolist() == ["Area B", "Area C"]


def test_lowest_activities_filters_year_missing_and_ties() -> None:
    adoption = pd.DataFrame({
        "nace": ["F", "H", "I", "N", "ICT", "F", "M"], "year": [2025, 2025, 2025, 2025, 2025, 2024, 2025],
        "value": [10.0, 10.0, np.nan, 12.0, 1.0, 0.5, 30.0], "flag": ["", None, "", "e", "", "", ""],
    })
    smap = pd.DataFrame({"sector_en": ["Mobility", "Tourism", "Build"], "nace_primary": ["", "N", "F"],
                         "nace_alternative": ["H", "N", ""]})
    low = im.lowest_activities(adoption, 2025, smap, 3)
    # 2024 row, missing I and the ICT aggregate are out; F and H tie at 10.0: by code
    assert low.columns.tolist() == ["nace", "activity", "value", "flag", "sectors"]
    assert low.values.tolist() == [["F", "construction (F)", 10.0, "", "Build"],
                                   ["H", "transportation and storage (H)", 10.0, "", "Mobility"],
                                   ["N", "administrative and support services (N)", 12.0, "e", "Tourism"]]
    assert im.lowest_activities_sentence(low, 2025) == (
        "Across all activities the survey publishes, the lowest adoption in 2025 is in construction (F), 10.0 %, "
        "transportation and storage (H), 10.0 %, administrative and support services (N), 12.0 e %: each is "
        "linked to a sector of the strategy by our mapping.")
    assert im.lowest_activities_sentence(low.iloc[0:0], 2023) == "No activity has an adoption value for 2023."
    assert len(im.lowest_activities(adoption, 2025, smap, 1)) == 1


def test_sector_reader_table_and_alt_in_full() -> None:
    st = sector_table().iloc[[3, 2, 1, 0]].reset_index(drop=True)
    r = im.sector_reader_table(st)
    assert r.values.tolist() == [["Area A", "10.0", "≈ 100", "2"], ["Area B", "20.0 u", "≈ 300", "3"],
                                 ["Area C", "30.0", "≈ 50", "1"], ["Area D", "not measured", "≈ 550", "4"]]
    assert r.columns.tolist() == ["Sector area (Annex 3)", "AI adoption (%)", "Participants (about N)", "Actions"]
    assert im.sector_alt(st, 2025) == (
        "Scatter plot of sector AI adoption in 2025 against dialogue participants (log scale), one point per sector "
        "area, lowest adoption first: Area A: 10.0 %, about 100 participants, 2 actions; Area B: 20.0 %, about 300 "
        "participants, 3 actions; Area C: 30.0 %, about 50 participants, 1 actions. Not measured: Area D.")
    assert im.sector_alt(st.iloc[1:], 2025).endswith("Not measured: none.")


# ------------------------------------------------------------------------------------------ occupations
def test_employment_years_two_digit_eu_values_only() -> None:
    _, _, emp = occupations()
    extra = pd.DataFrame({"isco08": ["OC4", "TOTAL", "OC41", "OC41"], "geo": "EU27_2020", "year": [2020, 2021, 2022,
                          2023], "value_thousands": [1.0, 1.0, np.nan, 5.0], "flag": ""})
    # 2020 and 2021 have no 2-digit row, 2022 is missing: 2023, 2024, 2025
    assert im.employment_years(pd.concat([emp, extra], ignore_index=True)) == [2023, 2024, 2025]
    assert im.employment_years(emp, geo="DE") == [2025]


def test_top_exposed_by_hand() -> None:
    e2, s2, emp = occupations()
    top = im.top_exposed(e2, s2, emp, 2025, 3)
    # OC93 has no exposure value: dropped; EU 2025 total 200,000 thousand
    assert top.columns.tolist() == ["isco08", "title", "exposed_pct", "score", "employment", "flag",
                                    "employment_pct"]
    assert top["isco08"].tolist() == ["OC41", "OC25", "OC42"]
    assert top["title"].tolist() == ["General and keyboard clerks",
                                     "Information and communications technology professionals",
                                     "Customer services clerks"]
    assert top["exposed_pct"].tolist() == [100.0, 75.0, 50.0] and top["score"].tolist() == [0.6, 0.4, 0.5]
    assert top["employment"].tolist() == [8000.0, 4000.0, 2000.0] and top["flag"].tolist() == ["b", "", ""]
    assert top["employment_pct"].tolist() == pytest.approx([4.0, 2.0, 1.0])
    assert top.attrs["n_at_top"] == 1
    # another year: OC41 7,000 and no total -> share missing
    old = im.top_exposed(e2, s2, emp, 2024, 1)
    assert old["employment"].tolist() == [7000.0] and np.isnan(old["employment_pct"].iloc[0])
    # ties of exposed share and score: the code decides (OC25 before OC41)
    tie = im.top_exposed(pd.Series({"OC41": 1.0, "OC25": 1.0}), pd.Series({"OC41": 0.5, "OC25": 0.5}), emp, 2025, 1)
    assert tie["isco08"].tolist() == ["OC25"] and tie.attrs["n_at_top"] == 2
    none = im.top_exposed(pd.Series({"OC41": np.nan}), pd.Series({"OC41": 0.5}), emp, 2025, 1)
    assert none.empty and none.attrs["n_at_top"] == 0
    de = im.top_exposed(e2, s2, emp, 2025, 1, geo="DE")
    assert de["employment"].tolist() == [900.0]


def test_occupation_sentence_in_full() -> None:
    e2, s2, emp = occupations()
    top = im.top_exposed(e2, s2, emp, 2025, 2)
    a = actions()
    wf = a[a["area_fr"] == im.WORKFORCE_AREA_FR]
    named = im.names_an_occupation(a.assign(action_en=a["action_en"].str.replace("AI tools", "ICT professionals")),
                                   ["General and keyboard clerks", "Information and communications technology "
                                    "professionals", "ICT professionals"])
    assert named["action_id"].tolist() == ["A4"]
    text = im.occupation_sentence(top, "ILO 2025", 2025, wf, a.iloc[:1], pd.concat([named, named]), 4)
    assert text == (
        "Under ILO 2025, the most exposed occupation groups are General and keyboard clerks (100 % of unit groups "
        "exposed), Information and communications technology professionals (75 % of unit groups exposed); together "
        "they employ 12.0 million people in the EU in 2025 (6.0 % of employment). Annex 3 has 2 actions under its "
        "workforce heading; 1 of its 4 actions mention skills, training or workers, and 2 name one of these "
        "occupation groups.")
    assert im.occupation_sentence(top.iloc[0:0], "x", 2025, wf, a, named, 4) == (
        "No occupation group has an exposure value.")
    # exactly as many groups at the top as listed: the names are listed, not "the n groups"
    top.attrs["n_at_top"] = 2
    assert "the 2 groups with" not in im.occupation_sentence(top, "x", 2025, wf, a, named, 4)
    # regex characters in a title are literal
    assert im.names_an_occupation(a, ["AI (tools)"]).empty and im.names_an_occupation(a, []).empty


def test_occupation_reader_table_and_alt_in_full() -> None:
    e2, s2, emp = occupations()
    top = im.top_exposed(e2, s2, emp, 2025, 2)
    top.loc[1, ["employment", "employment_pct"]] = np.nan
    r = im.occupation_reader_table(top)
    assert r.columns.tolist() == ["Occupation group (ISCO-08)", "Unit groups exposed (%)",
                                  "EU employment (thousands)", "Share of employment (%)"]
    assert r.values.tolist() == [["General and keyboard clerks", "100", "8000.0 b", "4.0"],
                                 ["Information and communications technology professionals", "75", "not published",
                                  "–"]]
    assert im.occupation_alt(top, "ILO 2025", 2025) == (
        "Horizontal bar chart of EU employment in 2025 in the occupation groups most exposed to generative AI under "
        "ILO 2025, labelled with their exposed share: General and keyboard clerks: 100 % of unit groups exposed, "
        "8,000 thousand employed; Information and communications technology professionals: 75 % of unit groups "
        "exposed, employment not published.")


# ------------------------------------------------------------------------------------------ summary
def test_overview_summary_and_headline_in_full() -> None:
    assert im.overview_texts(actions().drop(columns="kind")) == {"n_actions": "4", "n_flagship": "–"}
    assert im.overview_texts(actions())["n_flagship"] == "3"
    t = im.barrier_table(ad.ai_rows(barrier_frame()), actions(), 2025)
    c = im.considered_share(ad.ai_rows(barrier_frame()), "EU27_2020", 2025, "GE10")
    e2, s2, emp = occupations()
    top = im.top_exposed(e2, s2, emp, 2025, 2)
    assert im.summary_sentence(t, c, sector_table(), top) == (
        "In short: the reasons enterprises give for not using AI come from the 10.0 % that considered it, and lack "
        "of relevant expertise leads them; Area A has the lowest AI adoption of the measured sector areas; General "
        "and keyboard clerks are the occupation group most exposed to generative AI.")
    nothing = im.summary_sentence(t.iloc[0:0], {"share": float("nan")}, sector_table().assign(status="x"),
                                  top.iloc[0:0])
    assert nothing == "The data give no finding to set against the actions."
    no_first = im.summary_sentence(t.assign(pct_all=np.nan), c, sector_table(), top.iloc[0:0])
    assert no_first == "In short: Area A has the lowest AI adoption of the measured sector areas."
    low = pd.DataFrame({"nace": ["F", "H"], "value": [10.794, 11.155]})
    assert im.headline_lines(t, c, sector_table(), top, low) == [
        "Considered AI but do not use it: 10.00 % of enterprises (per-reason 10.00-10.00, n = 3)",
        "First reason: E_AI_BLE 50.00 % of considerers, 5.00 % of all; actions mentioning: 1",
        "Lowest adoption areas: a 10.00, b 20.00, c 30.00",
        "Lowest activities: F 10.79, H 11.16",
        "Most exposed groups: OC41 100.0 % (8000.0), OC25 75.0 % (4000.0)",
    ]


# ------------------------------------------------------------------------------------------ parameters vs data
def test_check_data_against_a_fake_processed_store(monkeypatch: pytest.MonkeyPatch) -> None:
    from analysis.tables import process

    ain2 = pd.DataFrame({"dataset": "isoc_eb_ain2", "indicator": "E_AI_TANY", "unit": "PC_ENT",
                         "size_class": "GE10", "geo": "EU27_2020", "nace": "J", "year": [2024], "value": [1.0],
                         "flag": ""})
    frame = pd.concat([barrier_frame(2025), ain2], ignore_index=True)
    _, _, emp = occupations()
    tables = {"ai_adoption": frame, "employment_by_occupation": emp}
    monkeypatch.setattr(process, "load", lambda name: tables[name])
    ok = validate("strategy_implications", {"barrier_year": 2025, "adoption_year": 2024, "employment_year": 2024})
    assert (ok.barrier_year, ok.adoption_year, ok.employment_year) == (2025, 2024, 2024)
    assert validate("strategy_implications", {}).barrier_year is None
    cases = [({"barrier_year": 2024}, "barrier_year=2024 is not valid; choose one of: None, 2025"),
             ({"adoption_year": 2025}, "adoption_year=2025 is not valid; choose one of: None, 2024"),
             ({"employment_year": 2023}, "employment_year=2023 is not valid; choose one of: None, 2024, 2025")]
    for values, message in cases:
        with pytest.raises(ParameterError, match=message):
            validate("strategy_implications", values)
    # the dialogues chapter checks its adoption year the same way
    assert validate("sector_dialogues", {"adoption_year": 2024}).adoption_year == 2024
    assert validate("sector_dialogues", {}).adoption_year is None
    with pytest.raises(ParameterError, match="adoption_year=2023 is not valid; choose one of: None, 2024"):
        validate("sector_dialogues", {"adoption_year": 2023})


# ------------------------------------------------------------------------------------------ figures
def test_plot_barriers_texts_and_limits() -> None:
    import matplotlib.pyplot as plt

    t = im.barrier_table(ad.ai_rows(barrier_frame()), actions(), 2025)
    t.loc[0, "actions"] = 2
    fig = im.plot_barriers(t.head(3), 2025)
    ax = fig.axes[0]
    assert ax.get_title() == "Lack of relevant expertise is the most cited reason (with the actions that mention each)"
    assert ax.get_xlabel() == "% of enterprises that considered using AI but do not use it, EU27, 2025"
    assert [x.get_text() for x in ax.get_yticklabels()] == ["unclear legal consequences", "costs seem too high",
                                                            "lack of relevant expertise"]
    assert [x.get_text() for x in ax.texts] == ["1 action", "1 action", "2 actions"]
    assert [x.get_position()[0] for x in ax.texts] == [21.0, 51.0, 51.0]  # the longer bar + 1
    assert ax.get_xlim() == pytest.approx((0, 62.5))  # 50 · 1.25
    assert [x.get_text() for x in ax.get_legend().get_texts()] == ["10+ employees", "SMEs (10-249)"]
    widths = sorted(p.get_width() for p in ax.patches)
    assert widths == [20.0, 20.0, 40.0, 45.0, 50.0, 50.0]
    plt.close(fig)


def test_plot_sectors_texts() -> None:
    import matplotlib.pyplot as plt

    fig = im.plot_sectors(sector_table(), 2025)
    ax = fig.axes[0]
    assert ax.get_title() == "Area A adopts least (10.0 %) and drew ≈ 100 participants"
    assert ax.get_ylabel() == "enterprises using AI, 2025 (%, EU27)" and ax.get_xscale() == "log"
    assert ax.get_xlabel() == "dialogue participants (about N; log scale); marker area grows with the actions"
    assert [x.get_text() for x in fig.texts] == ["Not measured by the survey: Area D"]
    assert sorted(x.get_text() for x in ax.texts) == ["Area A", "Area B", "Area C"]
    sizes = ax.collections[0].get_sizes().tolist()
    assert sizes == [54.0, 66.0, 42.0]  # 30 + 12 · actions
    plt.close(fig)
    fig = im.plot_sectors(sector_table().iloc[:3], 2025)
    assert fig.texts == [] and fig.axes[0].get_title().startswith("Area A adopts least")
    plt.close(fig)
    fig = im.plot_sectors(sector_table().assign(status="not comparable"), 2025)
    assert fig.axes[0].get_title() == "No sector area measured"
    plt.close(fig)


def test_plot_occupations_texts_and_limits() -> None:
    import matplotlib.pyplot as plt

    e2, s2, emp = occupations()
    top = im.top_exposed(e2, s2, emp, 2025, 2)
    top.loc[1, "employment"] = np.nan
    fig = im.plot_occupations(top, "ILO 2025", 2025)
    ax = fig.axes[0]
    assert ax.get_title() == "The most exposed occupation groups under ILO 2025"
    assert ax.get_xlabel() == "EU employment, 2025 (thousands of persons)"
    assert [x.get_text() for x in ax.texts] == [" not published", " 8,000 (100 % exposed)"]
    assert [x.get_position()[0] for x in ax.texts] == [0, 8000.0]
    assert ax.get_xlim() == pytest.approx((0, 11600.0))  # 8000 · 1.45
    assert [p.get_width() for p in ax.patches] == [0.0, 8000.0]
    assert fig.get_size_inches().tolist() == pytest.approx([8, 0.6 * 2 + 1.8])
    plt.close(fig)
    fig = im.plot_occupations(top.assign(employment=np.nan), "x", 2025)
    assert fig.axes[0].get_xlim() == pytest.approx((0, 1))
    plt.close(fig)


# ------------------------------------------------------------------------------------------ second round (survivors)
def test_resolve_takes_the_latest_of_three() -> None:
    assert im.resolve(None, [2021, 2023, 2025], "barrier") == 2025


def test_sector_reader_table_sorts_by_adoption_not_by_name() -> None:
    # names in the opposite order of adoption; two areas not measured; participants above a thousand
    st = pd.DataFrame({
        "unit": list("abcde"), "area_en": ["Zeta", "Beta", "Alpha", "Yota", "Delta"],
        "participants": [1500.0, 300.0, 50.0, 2500.0, 10.0], "actions": [2, 3, 1, 4, 0],
        "status": ["comparable", "comparable", "comparable", "not comparable", "no value 2025"],
        "adoption": [10.0, 20.0, 30.0, np.nan, np.nan], "flag": ["", "u", "", "", ""],
    })
    r = im.sector_reader_table(st)
    assert r["Sector area (Annex 3)"].tolist() == ["Zeta", "Beta", "Alpha", "Delta", "Yota"]
    assert r["Participants (about N)"].tolist() == ["≈ 1,500", "≈ 300", "≈ 50", "≈ 10", "≈ 2,500"]
    alt = im.sector_alt(st, 2025)
    assert "first: Zeta: 10.0 %, about 1,500 participants, 2 actions; Beta: 20.0 %" in alt
    assert alt.endswith("Not measured: Yota, Delta.")


def test_check_data_messages_name_the_notebook(monkeypatch: pytest.MonkeyPatch) -> None:
    from analysis.tables import process

    frame = barrier_frame(2025)
    _, _, emp = occupations()
    monkeypatch.setattr(process, "load", lambda name: {"ai_adoption": frame, "employment_by_occupation": emp}[name])
    for values in ({"barrier_year": 2024}, {"adoption_year": 2025}, {"employment_year": 2023}):
        with pytest.raises(ParameterError) as err:
            validate("strategy_implications", values)
        assert str(err.value).startswith(f"strategy_implications: parameter {next(iter(values))}=")
    with pytest.raises(ParameterError) as err:
        validate("sector_dialogues", {"adoption_year": 2025})
    assert str(err.value) == "sector_dialogues: parameter adoption_year=2025 is not valid; choose one of: None"


def test_sector_sentence_shares_of_a_small_total() -> None:
    # participants 0.2 + 0.3 = 0.5 in all: the lowest area's share is 40 %, not "–"
    st = sector_table().iloc[:2].assign(participants=[0.2, 0.3])
    assert "They drew 40.0 % of the sector dialogues' participants" in im.sector_sentence(st, 1, 2025)


def test_lowest_activities_joins_several_sectors_and_sentences_word_for_word() -> None:
    adoption = pd.DataFrame({"nace": ["F", "H", "I"], "year": 2025, "value": [1.0, 2.0, 3.0], "flag": ""})
    smap = pd.DataFrame({"sector_en": ["Mobility", "Logistics"], "nace_primary": ["H", "H"],
                         "nace_alternative": ["", ""]})
    low = im.lowest_activities(adoption, 2025, smap, 3)
    assert low["sectors"].tolist() == ["", "Mobility, Logistics", ""]
    assert im.lowest_activities_sentence(low, 2025).endswith(
        ": only transportation and storage (H) (Mobility, Logistics) is linked to a sector of the strategy by our "
        "mapping.")
    assert im.lowest_activities_sentence(low.assign(sectors=""), 2025).endswith(
        ": none of them is linked to a sector of the strategy by our mapping.")
    two = low.assign(sectors=["A", "B", ""])
    assert im.lowest_activities_sentence(two, 2025).endswith(
        ": construction (F) (A), transportation and storage (H) (B) are linked to sectors of the strategy by our "
        "mapping, accommodation and food services (I) not.")
    one = low.assign(sectors=["A", "", ""])
    assert im.lowest_activities_sentence(one, 2025).endswith(
        ": only construction (F) (A) is linked to a sector of the strategy by our mapping.")
    two_unlinked = pd.concat([low, low.iloc[[2]].assign(nace="N", activity="administrative (N)")])
    assert "(Mobility, Logistics) is linked" in im.lowest_activities_sentence(two_unlinked, 2025)
    both = pd.concat([two, low.iloc[[2]].assign(activity="administrative (N)")])
    assert im.lowest_activities_sentence(both, 2025).endswith(
        "by our mapping, accommodation and food services (I), administrative (N) not.")


def test_sector_sentence_one_action_thousands_and_unmeasured_list() -> None:
    st = sector_table().assign(participants=[1500.0, 300.0, 50.0, 2500.0], actions=[1, 0, 0, 0])
    st = pd.concat([st, st.iloc[[3]].assign(area_en="Area E", actions=0)], ignore_index=True)
    text = im.sector_sentence(st, 1, 2025)
    assert "hold 100.0 % of the 1 sector actions" in text  # 1 of 1
    assert "The most heard areas were Area D (≈ 2,500; not measured)." in text
    assert text.endswith("2 areas cannot be set against adoption at all, because the survey does not measure them: "
                         "Area D (0 actions), Area E (0 actions).")
    assert im.sector_sentence(sector_table().iloc[:3], 1, 2025).endswith(
        "The most heard areas were Area B (≈ 300; adoption 20.0 %).")


def test_occupation_sentence_tied_names_and_no_attrs() -> None:
    e2 = pd.Series({"OC41": 1.0, "OC25": 1.0, "OC42": 1.0})
    s2 = pd.Series({"OC41": 0.6, "OC25": 0.4, "OC42": 0.5})
    _, _, emp = occupations()
    top = im.top_exposed(e2, s2, emp, 2025, 2)
    wf = actions().iloc[0:0]
    text = im.occupation_sentence(top, "X", 2025, wf, wf, wf, 4)
    assert text.startswith("Under X, the most exposed occupation groups are the 3 groups with 100 % of their unit "
                           "groups exposed; the 2 with the highest score are General and keyboard clerks, Customer "
                           "services clerks; together they employ 10.0 million people")
    plain = top.copy()
    plain.attrs = {}
    assert im.occupation_sentence(plain, "X", 2025, wf, wf, wf, 4).startswith(
        "Under X, the most exposed occupation groups are General and keyboard clerks (100 % of unit groups exposed)")


def test_sme_order_summary_and_headline_look_at_three_only() -> None:
    t = im.barrier_table(ad.ai_rows(barrier_frame()), actions(), 2025)
    four = t.assign(pct_all=[50.0, 40.0, 20.0, 10.0, np.nan, np.nan, np.nan, np.nan],
                    pct_sme=[50.0, 40.0, 20.0, 1.0, 5.0, np.nan, np.nan, np.nan])
    assert "are the same, in the same order," in im.sme_barrier_sentence(four, {"share": 1.0}, 2025)
    # the first reason published, the second not: the barrier part of the summary is kept
    one = t.assign(pct_all=[50.0] + [np.nan] * 7)
    assert im.summary_sentence(one, {"share": 10.0}, sector_table().assign(status="x"), pd.DataFrame()) == (
        "In short: the reasons enterprises give for not using AI come from the 10.0 % that considered it, and lack "
        "of relevant expertise leads them.")
    st = pd.concat([sector_table().iloc[:3], sector_table().iloc[[0]].assign(unit="e", area_en="Area E",
                                                                             adoption=40.0)], ignore_index=True)
    e2, s2, emp = occupations()
    lines = im.headline_lines(t, {"share": 10.0, "low": 9.0, "high": 11.0, "n": 3}, st,
                              im.top_exposed(e2, s2, emp, 2025, 1), pd.DataFrame({"nace": [], "value": []}))
    assert lines[2] == "Lowest adoption areas: a 10.00, b 20.00, c 30.00"


def test_last_words_of_the_barrier_and_occupation_sentences() -> None:
    t = im.barrier_table(ad.ai_rows(barrier_frame()), actions(), 2025)
    assert im.barrier_sentence(t, {"share": float("nan")}, 2025, 4).startswith(
        "Eurostat asks the reasons only of enterprises that considered using AI but do not use it; the data do not "
        "give their share of all enterprises. Among those")
    four = t.assign(pct_all=[50.0, 40.0, 20.0, 10.0, np.nan, np.nan, np.nan, np.nan])
    assert "then unclear legal consequences (20.0 %). " in im.barrier_sentence(four, {"share": float("nan")}, 2025, 4)
    e2, s2, emp = occupations()
    top = im.top_exposed(e2, s2, emp, 2025, 2).assign(employment=[8050.0, 4000.0])  # 12,050 thousand -> 12.1 million
    wf = actions().iloc[0:0]
    text = im.occupation_sentence(top, "X", 2025, wf, wf, wf, 4)
    assert "together they employ 12.1 million people" in text
    assert text.endswith("mention skills, training or workers, and none names one of these occupation groups.")


# ------------------------------------------------------------------------------------------ third round (figures)
def test_plot_barriers_bar_positions_heights_and_hatching() -> None:
    import matplotlib.pyplot as plt

    t = im.barrier_table(ad.ai_rows(barrier_frame()), actions(), 2025).head(3)
    fig = im.plot_barriers(t, 2025)
    ax = fig.axes[0]
    all_bars, sme_bars = ax.containers
    # most cited on top: rows reversed, 10+ bars at y + 0.2, SME bars at y - 0.2, each 0.4 high
    assert [p.get_width() for p in all_bars] == [20.0, 40.0, 50.0]
    assert [p.get_width() for p in sme_bars] == [20.0, 50.0, 45.0]
    assert [p.get_y() for p in all_bars] == pytest.approx([0.0, 1.0, 2.0])  # centre y + 0.2 minus half of 0.4
    assert [p.get_y() for p in sme_bars] == pytest.approx([-0.4, 0.6, 1.6])
    assert [p.get_height() for p in ax.patches] == pytest.approx([0.4] * 6)
    assert [p.get_hatch() for p in all_bars] == [None] * 3 and [p.get_hatch() for p in sme_bars] == ["//"] * 3
    assert all_bars.get_label() == "10+ employees" and sme_bars.get_label() == "SMEs (10-249)"
    assert ax.get_yticks().tolist() == [0, 1, 2]
    assert [x.get_position()[1] for x in ax.texts] == [0, 1, 2]
    assert ax.get_title().startswith("Lack of relevant expertise is")
    plt.close(fig)


def test_plot_barriers_missing_values_and_empty_table() -> None:
    import matplotlib.pyplot as plt

    t = im.barrier_table(ad.ai_rows(barrier_frame()), actions(), 2025).head(2)
    t["pct_sme"] = np.nan
    t["actions"] = [0, 1]
    fig = im.plot_barriers(t, 2025)
    ax = fig.axes[0]
    # a missing SME share counts as 0 for the text position only
    assert [x.get_position()[0] for x in ax.texts] == [41.0, 51.0]
    assert [x.get_text() for x in ax.texts] == ["1 action", "0 actions"]
    assert ax.get_xlim() == pytest.approx((0, 62.5))
    plt.close(fig)


def test_plot_sectors_points_and_short_names() -> None:
    import matplotlib.pyplot as plt

    st = sector_table()
    st.loc[1, "area_en"] = "Area B (health)"
    fig = im.plot_sectors(st, 2024)
    ax = fig.axes[0]
    assert ax.collections[0].get_offsets().tolist() == [[100.0, 10.0], [300.0, 20.0], [50.0, 30.0]]
    assert sorted(x.get_text() for x in ax.texts) == ["Area A", "Area B", "Area C"]
    assert ax.get_ylabel() == "enterprises using AI, 2024 (%, EU27)"
    assert fig.texts[0].get_text() == "Not measured by the survey: Area D"
    plt.close(fig)
    st = sector_table()
    st.loc[0, "participants"] = 1234.0
    st.loc[[2, 3], "status"] = "not comparable"
    fig = im.plot_sectors(st, 2025)
    assert fig.axes[0].get_title() == "Area A adopts least (10.0 %) and drew ≈ 1,234 participants"
    assert fig.texts[0].get_text() == "Not measured by the survey: Area C, Area D"
    plt.close(fig)


def test_plot_occupations_bars_in_reverse_order() -> None:
    import matplotlib.pyplot as plt

    e2, s2, emp = occupations()
    top = im.top_exposed(e2, s2, emp, 2025, 3)
    fig = im.plot_occupations(top, "ILO 2025", 2024)
    ax = fig.axes[0]
    assert [x.get_text() for x in ax.get_yticklabels()] == top["title"].iloc[::-1].tolist()
    assert [p.get_width() for p in ax.patches] == top["employment"].iloc[::-1].tolist()
    assert [x.get_position()[1] for x in ax.texts] == [0, 1, 2]
    assert ax.get_xlabel() == "EU employment, 2024 (thousands of persons)"
    assert ax.get_xlim() == pytest.approx((0, float(top["employment"].max()) * 1.45))
    plt.close(fig)


def test_top_exposed_unknown_group_all_missing_and_scores_in_another_order() -> None:
    _, _, emp = occupations()
    exposed2 = pd.Series({"OC99": 0.9, "OC41": 0.9, "OC25": np.nan})
    scores2 = pd.Series({"OC41": 0.2, "OC99": 0.7})  # another order than exposed2: aligned by code
    top = im.top_exposed(exposed2, scores2, emp, 2025, 5)
    assert top["isco08"].tolist() == ["OC99", "OC41"]  # tie on 0.9: the higher score first; OC25 (missing) dropped
    assert top["score"].tolist() == [0.7, 0.2]
    assert top.loc[0, "title"] == "OC99"  # no title known: the code
    assert math.isnan(top.loc[0, "employment"]) and top.loc[0, "flag"] == ""  # not published: no flag, not "nan"
    assert top["flag"].tolist() == ["", "b"] and top.attrs["n_at_top"] == 2
    none = im.top_exposed(pd.Series({"OC41": np.nan}), scores2, emp, 2025, 5)
    assert len(none) == 0 and none.attrs["n_at_top"] == 0
