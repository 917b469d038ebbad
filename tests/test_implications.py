"""Closing chapter "What this means for the strategy" (analysis.chapters.implications): hand-made fixtures, answers
by hand."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.chapters import adoption as ad
from analysis.chapters import implications as im
from analysis.chapters.params import ParameterError, validate

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "strategy_implications.ipynb"


# ------------------------------------------------------------------------------------------ fixtures
def barrier_frame(year: int = 2025) -> pd.DataFrame:
    """EU barrier rows: three reasons in PC_ENT_AI_EC and PC_ENT for GE10 and SMEs (10-249), one flagged.

    Considered share (GE10) = (5 + 4 + 2) / (50 + 40 + 20) · 100 = 10 %; SMEs: (4.5 + 4.5 + 1.8) / (50 + 45 + 20)
    · 100 = 10.8/115 · 100 = 9.391… %.
    """
    rows = []
    data = {  # indicator: (GE10 considered %, GE10 all %, SME considered %, SME all %, flag of the GE10 value)
        "E_AI_BLE": (50.0, 5.0, 45.0, 4.5, ""),
        "E_AI_BCST": (40.0, 4.0, 50.0, 4.5, "u"),
        "E_AI_BLEG": (20.0, 2.0, 20.0, 1.8, ""),
    }
    for ind, (c_all, a_all, c_sme, a_sme, flag) in data.items():
        rows += [
            {"indicator": ind, "unit": "PC_ENT_AI_EC", "size_class": "GE10", "value": c_all, "flag": flag},
            {"indicator": ind, "unit": "PC_ENT", "size_class": "GE10", "value": a_all, "flag": ""},
            {"indicator": ind, "unit": "PC_ENT_AI_EC", "size_class": "10-249", "value": c_sme, "flag": ""},
            {"indicator": ind, "unit": "PC_ENT", "size_class": "10-249", "value": a_sme, "flag": ""},
        ]
    rows.append({"indicator": "E_AI_TANY", "unit": "PC_ENT", "size_class": "GE10", "value": 20.0, "flag": ""})
    frame = pd.DataFrame(rows)
    frame["geo"], frame["year"], frame["dataset"], frame["nace"] = "EU27_2020", year, "isoc_eb_ai", "C10-S951_X_K"
    return frame


def tiny_actions() -> pd.DataFrame:
    return pd.DataFrame({
        "action_id": ["A1", "A2", "A3", "A4"],
        "area_fr": ["X", im.WORKFORCE_AREA_FR, "Y", im.WORKFORCE_AREA_FR],
        "action_en": ["Provide funding for AI in clinics.", "Offer AI literacy training to workers.",
                      "Develop guidelines on the AI Act.", "Train General and keyboard clerks in AI tools."],
    })


def tiny_sector_table() -> pd.DataFrame:
    """Four areas: three comparable (B and C tie at 20 %), D not comparable."""
    return pd.DataFrame({
        "unit": ["a", "b", "c", "d"], "area_en": ["Area A", "Area B", "Area C", "Area D"],
        "sectors_en": ["A", "B", "C", "D"], "participants": [100.0, 300.0, 50.0, 550.0],
        "actions": [2, 3, 1, 4], "status": ["comparable", "comparable", "comparable", "not comparable"],
        "adoption": [10.0, 20.0, 20.0, np.nan], "flag": ["", "u", "", ""],
    })


# ------------------------------------------------------------------------------------------ barriers
def test_considered_share_is_the_ratio_of_sums_by_hand() -> None:
    c = im.considered_share(barrier_frame(), "EU27_2020", 2025, "GE10")
    assert c["share"] == pytest.approx(10.0) and c["n"] == 3
    assert c["low"] == pytest.approx(10.0) and c["high"] == pytest.approx(10.0)
    sme = im.considered_share(barrier_frame(), "EU27_2020", 2025, "10-249")
    assert sme["share"] == pytest.approx(100 * 10.8 / 115)
    assert sme["low"] == pytest.approx(9.0) and sme["high"] == pytest.approx(10.0)  # 4.5/50 and 4.5/45
    none = im.considered_share(barrier_frame(), "EU27_2020", 2024, "GE10")
    assert np.isnan(none["share"]) and none["n"] == 0


def test_barrier_table_ranks_descending_carries_flags_and_counts_actions() -> None:
    t = im.barrier_table(ad.ai_rows(barrier_frame()), tiny_actions(), 2025)
    assert t["indicator"].tolist()[:3] == ["E_AI_BLE", "E_AI_BCST", "E_AI_BLEG"]
    assert t["rank"].tolist()[:3] == [1, 2, 3]
    assert t["rank_sme"].tolist()[:3] == [2, 1, 3]  # SMEs cite costs first
    assert t.set_index("indicator").at["E_AI_BCST", "flag_all"] == "u"
    assert t["pct_all"].iloc[3:].isna().all()  # reasons without data stay missing, ranked last
    counts = t.set_index("indicator")["actions"].to_dict()
    assert (counts["E_AI_BLE"], counts["E_AI_BCST"], counts["E_AI_BLEG"]) == (1, 1, 1)  # literacy, funding, AI Act
    assert t.set_index("indicator").at["E_AI_BLE", "action_ids"] == "A2"


def test_barrier_sentence_states_who_answered_and_the_order() -> None:
    t = im.barrier_table(ad.ai_rows(barrier_frame()), tiny_actions(), 2025)
    c = im.considered_share(barrier_frame(), "EU27_2020", 2025, "GE10")
    text = im.barrier_sentence(t, c, 2025, 4, users=20.0)
    assert "10.0 % of EU enterprises with 10+ employees in 2025" in text
    assert "the other 70.0 % of enterprises that do not use AI never considered it" in text  # 100 - 20 - 10
    assert text.index("lack of relevant expertise (50.0 %)") < text.index("costs seem too high (40.0 %)") < \
        text.index("unclear legal consequences (20.0 %)")
    assert "concerns 5.0 % of all enterprises, not 50.0 %" in text
    assert "(of 4)" in text
    no_share = im.barrier_sentence(t, {"share": float("nan")}, 2025, 4)
    assert "do not give their share" in no_share
    assert "publishes no EU reasons" in im.barrier_sentence(t.assign(pct_all=np.nan), c, 2025, 4)


def test_sme_sentence_detects_a_different_order() -> None:
    t = im.barrier_table(ad.ai_rows(barrier_frame()), tiny_actions(), 2025)
    sme = im.considered_share(barrier_frame(), "EU27_2020", 2025, "10-249")
    text = im.sme_barrier_sentence(t, sme, 2025)
    assert text.startswith("For SMEs the first reason is costs seem too high (50.0 %)")
    assert "not the same, or not in the same order" in text and "9.4 % of SMEs" in text
    same = t.assign(pct_sme=t["pct_all"])
    assert "the same, in the same order" in im.sme_barrier_sentence(same, sme, 2025)


def test_barrier_reader_table_and_alt() -> None:
    t = im.barrier_table(ad.ai_rows(barrier_frame()), tiny_actions(), 2025)
    r = im.barrier_reader_table(t)
    assert r["10+ employees (% of those that considered AI)"].tolist()[:3] == ["50.0", "40.0 u", "20.0"]
    assert r["10+ employees (% of all)"].iloc[3] == "–" and r["Rank"].iloc[3] == "–"
    assert "literacy" in r["Words searched"].iloc[0] and "\\b" not in r["Words searched"].iloc[0]
    alt = im.barrier_alt(t, 2025)
    assert "costs seem too high: 10+ employees 40.0 u %, SMEs 50.0 %, 1 actions" in alt


# ------------------------------------------------------------------------------------------ sectors
def test_lowest_areas_include_ties_and_skip_unmeasured() -> None:
    low = im.lowest_areas(tiny_sector_table(), 2)
    assert low["unit"].tolist() == ["a", "b", "c"]  # B and C tie at the 2nd value
    assert im.lowest_areas(tiny_sector_table(), 1)["unit"].tolist() == ["a"]


def test_sector_sentence_direction_and_shares_by_hand() -> None:
    text = im.sector_sentence(tiny_sector_table(), 1, 2025)
    assert "the 1 with the lowest AI adoption in 2025 are Area A (10.0 %)" in text
    assert "drew 10.0 % of the sector dialogues' participants" in text  # 100 / 1000
    assert "hold 20.0 % of the 10 sector actions" in text  # 2 / 10
    assert "most heard areas were Area D (≈ 550; not measured)" in text
    # reversing adoption moves the lowest area
    rev = tiny_sector_table().assign(adoption=[30.0, 20.0, 25.0, np.nan])
    assert "are Area B (20.0 %)" in im.sector_sentence(rev, 1, 2025)


def test_lowest_activities_exclude_aggregates_and_link_sectors() -> None:
    adoption = pd.DataFrame({"nace": ["F", "H", "I", "C10-S951_X_K", "C10-C12", "J"], "year": 2025,
                             "value": [10.79, 11.15, 11.98, 5.0, 1.0, 60.0], "flag": ["", "u", "", "", "", ""]})
    smap = pd.DataFrame({"sector_en": ["Mobility", "Media"], "nace_primary": ["H", "J"],
                         "nace_alternative": ["", "J"]})
    low = im.lowest_activities(adoption, 2025, smap, 3)
    assert low["nace"].tolist() == ["F", "H", "I"]
    assert low["sectors"].tolist() == ["", "Mobility", ""]
    text = im.lowest_activities_sentence(low, 2025)
    assert "construction (F), 10.8 %" in text and "transportation and storage (H), 11.2 u %" in text
    assert "only transportation and storage (H) (Mobility) is linked" in text
    assert "none of them is linked" in im.lowest_activities_sentence(low.assign(sectors=""), 2025)
    two = im.lowest_activities_sentence(low.assign(sectors=["Building", "Mobility", ""]), 2025)
    assert "(Mobility) are linked to sectors of the strategy by our mapping, accommodation and food services (I) not" \
        in two
    assert "each is linked" in im.lowest_activities_sentence(low.assign(sectors="X"), 2025)


def test_sector_reader_table_sorts_by_adoption_and_marks_missing() -> None:
    r = im.sector_reader_table(tiny_sector_table())
    assert r["Sector area (Annex 3)"].tolist() == ["Area A", "Area B", "Area C", "Area D"]
    assert r["AI adoption (%)"].tolist() == ["10.0", "20.0 u", "20.0", "not measured"]
    assert "Not measured: Area D" in im.sector_alt(tiny_sector_table(), 2025)


# ------------------------------------------------------------------------------------------ occupations
def occupation_inputs() -> tuple[pd.Series, pd.Series, pd.DataFrame]:
    exposed2 = pd.Series({"OC41": 1.0, "OC25": 1.0, "OC42": 0.5, "OC93": 0.0})
    scores2 = pd.Series({"OC41": 0.6, "OC25": 0.4, "OC42": 0.5, "OC93": 0.1})
    emp = pd.DataFrame({"isco08": ["OC41", "OC25", "OC42", "OC93", "TOTAL"], "geo": "EU27_2020", "year": 2025,
                        "value_thousands": [8000.0, 5000.0, np.nan, 1000.0, 200000.0],
                        "flag": ["", "", "", "u", ""]})
    return exposed2, scores2, emp


def test_top_exposed_breaks_ties_by_score_and_keeps_missing_employment() -> None:
    e2, s2, emp = occupation_inputs()
    top = im.top_exposed(e2, s2, emp, 2025, 3)
    assert top["isco08"].tolist() == ["OC41", "OC25", "OC42"]
    assert top["exposed_pct"].tolist() == [100.0, 100.0, 50.0]
    assert top["employment_pct"].iloc[0] == pytest.approx(4.0)  # 8000 / 200000
    assert np.isnan(top["employment"].iloc[2])
    assert top.attrs["n_at_top"] == 2


def test_occupation_sentence_counts_and_missing_employment() -> None:
    e2, s2, emp = occupation_inputs()
    acts = tiny_actions()
    wf = acts[acts["area_fr"] == im.WORKFORCE_AREA_FR]
    men = im.actions_mentioning(acts, im.WORKFORCE_TERMS)
    top2 = im.top_exposed(e2, s2, emp, 2025, 2)
    named = im.names_an_occupation(acts, list(top2["title"]))
    assert named["action_id"].tolist() == ["A4"]
    text = im.occupation_sentence(top2, "ILO 2025", 2025, wf, men, named, len(acts))
    assert "together they employ 13.0 million people in the EU in 2025 (6.5 % of employment)" in text
    # by hand: only A2 matches the workforce words ("literacy", "training", "workers"); A4's "Train" is not
    # "training", and an occupation's name is not a workforce word
    assert "Annex 3 has 2 actions under its workforce heading; 1 of its 4 actions mention" in text
    assert "1 names one of these occupation groups" in text
    top1 = im.top_exposed(e2, s2, emp, 2025, 1)
    assert "the 2 groups with 100 % of their unit groups exposed; the 1 with the highest score" in \
        im.occupation_sentence(top1, "ILO 2025", 2025, wf, men, named.iloc[0:0], 4)
    top3 = im.top_exposed(e2, s2, emp, 2025, 3)
    t3 = im.occupation_sentence(top3, "ILO 2025", 2025, wf, men, named.iloc[0:0], 4)
    assert "employment is not published for all of them" in t3 and "none names" in t3
    r = im.occupation_reader_table(top3)
    assert r["EU employment (thousands)"].tolist() == ["8000.0", "5000.0", "not published"]


def test_summary_and_headline() -> None:
    t = im.barrier_table(ad.ai_rows(barrier_frame()), tiny_actions(), 2025)
    c = im.considered_share(barrier_frame(), "EU27_2020", 2025, "GE10")
    e2, s2, emp = occupation_inputs()
    top = im.top_exposed(e2, s2, emp, 2025, 2)
    text = im.summary_sentence(t, c, tiny_sector_table(), top)
    assert "from the 10.0 % that considered it, and lack of relevant expertise leads them" in text
    assert "Area A has the lowest" in text and "General and keyboard clerks are the occupation group" in text
    low = pd.DataFrame({"nace": ["F"], "value": [10.79]})
    lines = im.headline_lines(t, c, tiny_sector_table(), top, low)
    assert lines[0].startswith("Considered AI but do not use it: 10.00 %") and lines[3] == "Lowest activities: F 10.79"


# ------------------------------------------------------------------------------------------ parameters
def test_parameters_defaults_and_rejections() -> None:
    from typing import get_args

    from analysis.chapters import exposure as ex

    assert set(get_args(im.ImplicationsParams.model_fields["exposure_index"].annotation)) == set(ex.INDEX_CHOICES)
    p = validate("strategy_implications", {}, check_data=False)
    assert (p.barrier_year, p.mapping, p.exposure_index, p.top_n) == (None, "primary", "ilo2025", 3)
    for values, message in (({"top_n": 0}, "greater than or equal to 1"), ({"mapping": "x"}, "mapping='x'"),
                            ({"exposure_index": "gpt"}, "exposure_index='gpt'"), ({"bogus": 1}, "unknown")):
        with pytest.raises(ParameterError, match=re.escape(message)):
            validate("strategy_implications", values, check_data=False)
    with pytest.raises(ValueError, match="not in the data"):
        im.resolve(1999, [2023, 2025], "barrier")
    assert im.resolve(None, [2023, 2025], "barrier") == 2025


# ------------------------------------------------------------------------------------------ integration
@pytest.mark.integration
def test_parameters_checked_against_the_data(processed: Path) -> None:
    with pytest.raises(ParameterError, match="barrier_year=2021 is not valid"):
        validate("strategy_implications", {"barrier_year": 2021})  # the EU barrier values are missing in 2021
    with pytest.raises(ParameterError, match="employment_year=1990"):
        validate("strategy_implications", {"employment_year": 1990})
    assert validate("strategy_implications", {"barrier_year": 2024}).barrier_year == 2024


@pytest.mark.integration
def test_considered_share_on_the_real_data(processed: Path) -> None:
    frame = ad.load_adoption()
    year = im.barrier_years(frame)[-1]
    c = im.considered_share(frame, "EU27_2020", year, "GE10")
    assert c["n"] == len(ad.BARRIERS) and 0 < c["share"] < 100
    assert c["high"] - c["low"] < 0.5  # the per-reason ratios agree up to Eurostat's rounding
    users, _ = ad.value_at(frame, "E_AI_TANY", "EU27_2020", "GE10", year)
    assert c["share"] < 100 - users  # those who considered AI are a subset of the non-users


@pytest.mark.integration
def test_notebook_is_thin_and_its_headline_is_refreshed(processed: Path) -> None:
    nb = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    lines = [ln for c in code for ln in "".join(c["source"]).splitlines() if ln.strip()]
    assert len(lines) < 150
    assert not any(re.search(r'\bf"', ln) for ln in lines), "prose f-strings belong in analysis.chapters.implications"
    head = [c for c in code if "NBVAL_CHECK_OUTPUT" in "".join(c["source"])]
    assert head and all("remove-cell" in c["metadata"].get("tags", []) for c in head)
    text = "".join("".join(o.get("text", "")) for c in head for o in c.get("outputs", []))
    assert text.startswith("Considered AI but do not use it:")
    assert "execute_result" not in {o["output_type"] for c in code for o in c.get("outputs", [])}


def test_sector_sentence_says_ties_and_lists_unmeasured_areas() -> None:
    text = im.sector_sentence(tiny_sector_table(), 2, 2025)
    assert "the 3 with the lowest AI adoption in 2025 (ties with the last included) are Area A" in text
    assert "1 areas cannot be set against adoption at all" in text and "Area D (4 actions)" in text
    assert "ties" not in im.sector_sentence(tiny_sector_table(), 1, 2025)


def test_barrier_sentence_calls_a_minority_a_minority() -> None:
    t = im.barrier_table(ad.ai_rows(barrier_frame()), tiny_actions(), 2025)
    assert "describe a minority of enterprises" in im.barrier_sentence(t, {"share": 10.0}, 2025, 4)
    assert "describe a majority of enterprises" in im.barrier_sentence(t, {"share": 60.0}, 2025, 4)


def test_overview_texts_count_actions() -> None:
    acts = tiny_actions().assign(kind=["flagship", "other", "flagship", "other"])
    assert im.overview_texts(acts) == {"n_actions": "4", "n_flagship": "2"}
