"""exposure: the sentences, tables and helpers the mutation run (issue 16) left unchecked. Each test runs the
package code on a tiny hand-made fixture; every expected value is worked out by hand in the comments, never with the
function under test. Whole dictionaries and sentences are compared, so a wrong key, a number at the wrong precision
or a comparison in the wrong direction fails."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from analysis.chapters import exposure as ex
from analysis.readers.bls import parse_bls_employment
from analysis.tables import occupation_scores as occ

G = "Exposed: Gradient "
JRC_PLAIN = ("Les enseignants sont plus exposés à l'IA générative que 90 % des autres travailleurs "
             "(JRC Publications Repository - Generative AI Outlook Report).")
CEDEFOP_PLAIN = ("une grande majorité des travailleurs européens (67 %) indiquant que l'IA les a aidés à accomplir "
                 "leurs tâches plus rapidement")


# ------------------------------------------------------------------------------------------ country texts
def _countries() -> pd.DataFrame:
    rows = [
        # geo, exposed_pct, coverage_pct, u_pct, mean_score, emp_scored, emp_unscored, unscored, n_missing, missing
        ("EU27_2020", 32.25, 98.85, 0.5, 0.3125, 200000.0, 1234.5, "OC01 OC02", 0, ""),
        ("AT", 30.0, 95.0, 0.0, 0.25, 1000.0, 0.0, "", 0, ""),  # coverage exactly on the mark: well covered
        ("BE", 30.0, 99.0, 1.0, 0.25, 1000.0, 0.0, "", 0, ""),  # tied with AT: code order
        ("DE", 35.0, 96.0, 0.99, 0.2345, 1000.0, 0.0, "", 2, "OC62 OCZZ"),
        ("CY", 40.0, 80.25, 0.0, 0.5, 100.0, 0.0, "", 0, ""),  # low coverage: out of the range
        ("CH", 50.0, 97.0, 0.0, 0.25, 1000.0, 0.0, "", 0, ""),  # not a member state
    ]
    cols = ["geo", "exposed_pct", "coverage_pct", "u_pct", "mean_score", "emp_scored", "emp_unscored", "unscored",
            "n_missing", "missing"]
    return pd.DataFrame(rows, columns=cols)


def test_country_texts_whole_dictionary_for_a_member_state() -> None:
    t = ex.country_texts(_countries(), "DE", 2025)
    # members by share: AT 30.0, BE 30.0, DE 35.0, CY 40.0; CY (80.25 % covered) out of the range;
    # DE: one member (CY, 40.0) above 35.0 → rank 2 of 4; 200,000 thousand = 200.0 million; 200000 × 32.25 / 100 /
    # 1000 = 64.5 million; 32.25 → 32.3 (half away), 0.2345 → 0.235, 1234.5 → 1,235, 98.85 → 98.9, 80.25 → 80.3
    assert t == {
        "year": "2025", "cov_min": "95",
        "eu_exposed": "32.3 %", "eu_mean": "0.313", "eu_scored_m": "200.0", "eu_exposed_m": "64.5",
        "eu_unscored": "1,235", "eu_coverage": "98.9 %",
        "eu_unscored_groups": "OC01 commissioned armed forces officers and OC02 non-commissioned armed forces officers",
        "ms_min": "30.0 %", "ms_min_geo": "Austria", "ms_max": "35.0 %", "ms_max_geo": "Germany",
        "low_cov": "Cyprus (40.0 %, 80.3 % of employment covered)",
        "geo_sentence": "Germany ranks 2 of 4 member states with 35.0 % (mean score 0.235).",
        "geo_missing_n": "2",
        "geo_missing": "OC62 market-oriented skilled forestry, fishery and hunting workers and OCZZ oczz",
        "geo_coverage": "96.0 %",
        "countries_title": ("EU 32.3 % of employment in exposed occupations, 2025; well-covered member states "
                            "30.0–35.0 %"),
    }


def test_country_texts_for_the_eu_and_a_non_member() -> None:
    eu = ex.country_texts(_countries(), "EU27_2020", 2024)
    assert eu["geo_sentence"] == ("The EU figure is computed from Eurostat's EU27 aggregate, not as a mean of the "
                                  "country figures.")
    assert (eu["geo_missing_n"], eu["geo_missing"], eu["geo_coverage"], eu["year"]) == ("0", "none", "98.9 %", "2024")
    ch = ex.country_texts(_countries(), "CH", 2025)
    assert ch["geo_sentence"] == "Switzerland, not a member state, is shown for comparison: 50.0 % (mean score 0.250)."
    # the EU row names no unscored group and every member is well covered: "none"
    c = _countries()
    c.loc[c["geo"] == "EU27_2020", "unscored"] = ""
    c.loc[c["geo"] == "CY", "coverage_pct"] = 95.0
    t = ex.country_texts(c, "AT", 2025)
    assert t["eu_unscored_groups"] == "none" and t["low_cov"] == "none"
    assert t["ms_max_geo"] == "Cyprus" and t["geo_sentence"].startswith("Austria ranks 3 of 4 member states")


def test_countries_shown_marks_u_from_one_percent_and_coverage_below_the_mark() -> None:
    shown = ex.countries_shown(_countries(), "CH")
    # least exposed first (ties by code): AT, BE, EU, DE, CY, CH
    assert shown["geo"].tolist() == ["AT", "BE", "EU27_2020", "DE", "CY", "CH"]
    assert shown.index.tolist() == [0, 1, 2, 3, 4, 5] and "index" not in shown.columns
    # u_pct 1.0 is marked, 0.99 is not
    assert shown["name"].tolist() == ["Austria", "Belgium (u)", "EU27", "Germany", "Cyprus", "Switzerland"]
    assert shown["low_coverage"].tolist() == [False, False, False, False, True, False]
    alt = ex.alt_countries(shown, 2025)
    assert alt == ("Two horizontal bar charts of 4 member states and the EU in 2025: share of employment in exposed "
                   "occupations and mean score. The EU27 is at 32.3 %; among well-covered member states the share runs "
                   "from 30.0 % in Austria to 35.0 % in Germany. Hatched for low coverage: Cyprus.")
    assert "Hatched" not in ex.alt_countries(shown[shown["geo"] != "CY"], 2025)


# ------------------------------------------------------------------------------------------ mix texts
def _mix() -> pd.DataFrame:
    return pd.DataFrame({
        "geo": ["EU27_2020", "DE", "FR", "IT", "CH"],
        "exposed_base": [32.125, 30.0, 20.0, 25.0, 10.0], "exposed_target": [32.5, 29.0, 20.0, 27.125, 15.0],
        "d_exposed_pp": [0.375, -1.0, 0.0, 2.125, 5.0], "n_break": [0, 1, 0, 0, 3],
        "dropped": ["", "", "OC62 OC63", "", "OC01"], "n_dropped": [0, 0, 2, 0, 1]})


def test_mix_texts_whole_dictionary() -> None:
    t = ex.mix_texts(_mix(), "DE", 2023, 2025)
    # members by change: DE −1.0, FR 0.0 (not an increase), IT +2.125; 32.125 → 32.13, 0.375 → 0.38, 2.125 → 2.13
    assert t == {
        "mix_base": "2023", "mix_target": "2025",
        "mix_eu_base": "32.13 %", "mix_eu_target": "32.50 %", "mix_eu_pp": "+0.38 percentage points",
        "mix_geo_pp": "\u22121.00 points", "mix_n_up": "1", "mix_n_ms": "3",
        "mix_max_geo": "Italy", "mix_max_pp": "+2.13", "mix_breaks": "Germany", "mix_dropped": "France: OC62 OC63",
        "mix_title": "Employment shifted towards exposed occupations in 1 of 3 member states, 2023–2025",
    }
    none = ex.mix_texts(_mix().assign(n_break=0, dropped=""), "XX", 2023, 2025)
    assert (none["mix_geo_pp"], none["mix_breaks"], none["mix_dropped"]) == ("not available", "none", "none")


def test_mix_shown_and_its_alt_text() -> None:
    shown = ex.mix_shown(_mix(), "CH")
    assert shown["geo"].tolist() == ["DE", "FR", "EU27_2020", "IT", "CH"]
    assert shown.index.tolist() == [0, 1, 2, 3, 4] and "index" not in shown.columns
    assert shown["name"].tolist() == ["Germany (b)", "France", "EU27", "Italy", "Switzerland (b)"]
    assert ex.alt_mix(shown, 2023, 2025) == (
        "Horizontal bar chart of the change in the share of employment in exposed occupations from 2023 to 2025 "
        "through the employment mix alone, in percentage points, for 3 member states and the EU: from \u22121.00 in "
        "Germany to +2.13 in Italy; EU +0.38.")


# ------------------------------------------------------------------------------------------ teachers
def _teachers() -> pd.DataFrame:
    return pd.DataFrame({
        "index": ["ilo2025", "aioe", "lm_aioe", "eloundou", "ilo2025", "ilo2025", "aioe"],
        "unit": ["OC23", "OC23", "OC23", "OC23", "2310", "2320", "2330"],
        "pct_workers": [53.25, 90.0, 89.96, 95.5, 40.15, 70.05, 10.0],
        "pct_units": 50.0, "score": 0.3, "n_units": 40})


def test_teacher_texts_whole_dictionary() -> None:
    t = ex.teacher_texts(_teachers(), "aioe")
    # at or above 90 (unrounded): AIOE 90.0 and GPT-4 β 95.5; LM-AIOE 89.96 is not (shown 90.0); 2 of 4 → "depends"
    # ILO 2025's unit groups 23xx: 40.15 → 40.2, 70.05 → 70.1 (AIOE's 2330 is not ILO's)
    assert t == {
        "jrc_quote": JRC_PLAIN, "jrc_translation": ex.JRC_TEACHERS_TRANSLATION, "jrc_pct": "90 %",
        "cedefop_quote": CEDEFOP_PLAIN, "cedefop_translation": ex.CEDEFOP_TRANSLATION,
        "teach_verdict": "Whether teachers are more exposed than 90 % of other workers depends on the index.",
        "teach_agree": "AIOE and GPT-4 β", "teach_n_agree": "2", "teach_n": "4",
        "teach_min": "53.3 %", "teach_min_name": "ILO 2025", "teach_max": "95.5 %", "teach_max_name": "GPT-4 β",
        "teach_sel": "90.0 %", "teach_ilo_u_min": "40.2 %", "teach_ilo_u_max": "70.1 %",
        "teach_title": "Teachers clear the JRC's 90 % mark under 2 of 4 indices",
    }


def test_teacher_texts_all_agree_and_missing_pieces() -> None:
    t2 = _teachers()
    t2 = t2[t2["unit"] == "OC23"].assign(pct_workers=[90.0, 91.0, 92.0, 99.0])  # no ILO unit-group rows
    t = ex.teacher_texts(t2, "ilo2023")
    assert t["teach_verdict"] == "All indices agree with the teachers claim."
    assert t["teach_agree"] == "ILO 2025, AIOE, LM-AIOE and GPT-4 β" and t["teach_n_agree"] == "4"
    assert (t["teach_sel"], t["teach_ilo_u_min"], t["teach_ilo_u_max"]) == ("not available",) * 3


def test_alt_teachers_lists_every_index() -> None:
    assert ex.alt_teachers(_teachers()) == (
        "Dot chart: percent of other EU workers less exposed than teaching professionals (ISCO 23) under each index, "
        "ILO 2025 53.3 %, AIOE 90.0 %, LM-AIOE 90.0 % and GPT-4 β 95.5 %, with grey ranges for the teaching unit "
        "groups and a dashed line at the JRC claim's 90 %.")


# ------------------------------------------------------------------------------------------ correlations
def _corr() -> pd.DataFrame:
    names = ["ilo2025", "ilo2023", "aioe"]
    return pd.DataFrame([[1.0, 0.945, 0.615], [0.945, 1.0, 0.705], [0.615, 0.705, 1.0]], index=names, columns=names)


def test_correlation_texts_whole_dictionary() -> None:
    wide = pd.DataFrame({"ilo2025": [0.1, 0.9, np.nan], "ilo2023": [0.2, 0.45, 0.4], "aioe": [np.nan, 1.0, 2.0]},
                        index=["OC11", "OC25", "OC41"])
    # OC25's rank, most exposed = 1: ILO 2025 1 (of 2), ILO 2023 1, AIOE 2; lowest pair 0.615 → 0.62 (half away)
    assert ex.correlation_texts(_corr(), wide) == {
        "corr_min": "0.62", "corr_max": "0.95", "corr_min_pair": "ILO 2025 and AIOE", "corr_ilo": "0.95",
        "ict_rank_min": "1", "ict_rank_max": "2", "n_groups_scored": "2",
        "corr_title": "Rank correlations between indices over 2-digit groups: Spearman 0.62–0.95"}
    no_ict = ex.correlation_texts(_corr().drop(index="ilo2023", columns="ilo2023"), wide.drop(index="OC25"))
    assert (no_ict["corr_ilo"], no_ict["ict_rank_min"], no_ict["ict_rank_max"]) == ("not available",) * 3
    assert no_ict["corr_min"] == no_ict["corr_max"] == "0.62"


def test_alt_correlations_names_lowest_and_highest_pairs() -> None:
    assert ex.alt_correlations(_corr()) == (
        "Heat map of Spearman rank correlations between 3 exposure indices over ISCO-08 2-digit groups: lowest 0.62 "
        "(ILO 2025 and AIOE), highest 0.95 (ILO 2025 and ILO 2023).")


# ------------------------------------------------------------------------------------------ displays
def test_losses_display_every_column() -> None:
    losses = pd.DataFrame({"index": ["ilo2025", "aioe"], "soc_in_source": [0, 1774], "soc_mapped": [0, 1770],
                           "soc_unmapped": [0, 4], "soc_no_weight": [0, 1234], "us_emp_unmapped_pct": [np.nan, 1.25],
                           "isco_scored": [1000, 420], "isco_unscored": [9, 16]})
    d = ex.losses_display(losses)
    assert list(d.columns) == ["Index", "SOC codes in source", "Mapped", "Not in crosswalk", "No US employment weight",
                               "US employment unmapped", "ISCO unit groups scored", "ISCO unit groups without score"]
    assert d.iloc[0].tolist() == ["ILO 2025", "—", "—", "—", "—", "—", "1,000", "9"]
    assert d.iloc[1].tolist() == ["AIOE", "1,774", "1,770", "4", "1,234", "1.3 %", "420", "16"]


def test_index_table_display_every_column() -> None:
    by = pd.DataFrame({"label": ["A", "B"], "weighting": ["none", "bls"], "mean_score": [0.3125, -1.2345],
                       "exposed_pct": [19.95, 0.05], "emp_unscored": [1226.5, 0.0], "coverage_pct": [98.85, 100.0]})
    d = ex.index_table_display(by)
    assert list(d.columns) == ["Index", "SOC codes within an ISCO unit group", "Mean score (index unit)",
                               "Employment exposed", "Employment without score (thousand)", "Employment covered"]
    assert d.iloc[0].tolist() == ["A", "unweighted", "0.313", "20.0 %", "1,227", "98.9 %"]
    assert d.iloc[1].tolist() == ["B", "weighted by US employment", "-1.235", "0.1 %", "0", "100.0 %"]


def test_flag_counts_display_without_ilo2025_and_without_effect() -> None:
    counts = pd.DataFrame({"index": ["aioe", "lm_aioe"], "label": ["AIOE", "LM-AIOE"], "n_scored": [1010, 1008],
                           "n_flagged": [1001, 1000], "n_flagged_ties": [1001, 1003], "n_tied_at_cut": [0, 4]})
    d = ex.flag_counts_display(counts)
    # the first row is the reference: AIOE has no reason; LM-AIOE scores 2 fewer and has ties
    assert list(d.columns) == ["Index", "Unit groups scored", "Flagged (tie rule)", "Flagged, every tie included",
                               "Why the count differs"]
    assert d.iloc[0].tolist() == ["AIOE", "1,010", "1,001", "1,001", "none"]
    assert d.iloc[1].tolist() == ["LM-AIOE", "1,008", "1,000", "1,003",
                                  "coverage: 2 fewer unit groups scored; ties: 4 unit groups share the cut-off score"]
    effect = pd.DataFrame({"index": ["lm_aioe", "aioe"], "exposed_pct": [30.25, 31.0],
                           "exposed_pct_ties": [33.35, 31.0]})
    d = ex.flag_counts_display(counts, effect)
    assert d["EU employment exposed (tie rule)"].tolist() == ["31.0 %", "30.3 %"]
    assert d["EU employment exposed (every tie)"].tolist() == ["31.0 %", "33.4 %"]


# ------------------------------------------------------------------------------------------ occupations
def test_gradient_counts_texts_and_alt() -> None:
    ilo = pd.DataFrame({"isco08": ["1", "2", "3", "4", "5"], "index_version": [2025, 2025, 2025, 2025, 2023],
                        "gradient": ["Not Exposed", f"{G}4", f"{G}4", f"{G}1", f"{G}3"]})
    counts = ex.gradient_counts(ilo)  # the 2023 row is not counted
    assert list(counts.columns) == ["gradient", "unit_groups", "exposed"] and counts["unit_groups"].dtype == "int64"
    assert counts["unit_groups"].tolist() == [1, 0, 1, 0, 0, 2]
    big = pd.DataFrame({"gradient": ["Not Exposed", "Minimal Exposure", f"{G}1", f"{G}4"],
                        "unit_groups": [1000, 1, 1, 4], "exposed": [False, False, True, True]})
    # 5 of 1,006 exposed = 0.497 % → 0.5 %
    assert ex.gradient_texts(big) == {"n_units_ilo": "1,006", "n_exposed_ilo": "5", "pct_exposed_units": "0.5 %",
                                      "gradient_title": "ILO 2025: 5 of 1,006 occupations are in an exposure gradient"}
    assert ex.alt_gradients(big) == (
        "Bar chart of the 1,006 ISCO-08 unit groups by ILO 2025 exposure category: not exposed 1,000, minimal "
        "exposure 1, gradient 1 1 and gradient 4 4; 5 (0.5 %) are in gradients 1 to 4.")


def _top() -> pd.DataFrame:
    return pd.DataFrame({"isco08": ["4131", "4110", "2511"], "score": [0.745, 0.7, 0.6],
                         "title": ["Typists", "Clerks", "Analysts"],
                         "major": ["Clerical support workers", "Clerical support workers", "Professionals"]})


def test_top_texts_and_alt_top() -> None:
    assert ex.top_texts(_top(), "ilo2025") == {
        "top_title": "Typists", "top_score": "0.75",
        "top_chart_title": "ILO 2025: clerical support workers hold 2 of the 3 most exposed occupations"}
    assert ex.alt_top(_top(), "aioe") == (
        "Horizontal bar chart of the 3 ISCO-08 unit groups with the highest AIOE scores, from Typists (0.75) to "
        "Analysts (0.60). AIOE: clerical support workers hold 2 of the 3 most exposed occupations.")
    tie = _top().iloc[1:].assign(major=["Professionals", "Managers"])
    assert ex.top_texts(tie, "ilo2025")["top_chart_title"] == (
        "ILO 2025: managers and professionals hold 1 of the 2 most exposed occupations each")


def test_top_occupations_default_fifteen_and_major_group_titles() -> None:
    codes = [f"23{i:02d}" for i in range(16)] + ["1111"]
    s4 = pd.Series([0.1 + 0.01 * i for i in range(16)] + [np.nan], index=codes)
    view = ex.IndexView("ilo2025", s4, s4, s4, s4)
    ilo = pd.DataFrame({"isco08": ["2315"], "index_version": [2025], "title": ["Top teacher"], "gradient": [""]})
    top = ex.top_occupations(view, ilo)
    assert len(top) == 15 and top["isco08"].iloc[0] == "2315" and top["isco08"].iloc[-1] == "2301"
    assert top["title"].iloc[0] == "Top teacher" and top["major"].iloc[0] == "Professionals"
    assert ex.top_occupations(view, ilo, n=2)["isco08"].tolist() == ["2315", "2314"]


# ------------------------------------------------------------------------------------------ sectors, index texts
def test_alt_sectors_marks_u_from_the_mark() -> None:
    sens = pd.DataFrame({"nace": ["P", "A", "C", "Z"], "exposed_pct": [43.35, 5.0, 20.0, 1.0],
                         "exposed_pct_2d": [22.05, 5.0, 20.0, 1.0], "substituted": ["OC2→OC23", "", "", ""],
                         "emp_scored": [1.0, 1.0, 1.0, 0.0], "u_pct": [5.0, 4.99, 7.0, 50.0]})
    # NACE order; Z has no scored employment: left out; u at 5.0 marked, 4.99 not
    assert ex.alt_sectors(sens, "EU27", 2024) == (
        "Horizontal bar chart, in NACE section order, of the share of each section's employment in exposed "
        "occupations, EU27 2024, with major-group averages: A 5.0 %, C 20.0 % and P 43.4 % (2-digit sensitivity "
        "22.1 %). Marked (u), at least 5 % of the weights of low reliability: C and P.")
    assert ex.alt_sectors(sens.drop(columns="u_pct"), "EU27", 2024).endswith("(2-digit sensitivity 22.1 %).")


def test_index_texts_gradient_and_threshold() -> None:
    counts = pd.DataFrame({"index": ["ilo2025", "ilo2023"], "label": ["ILO 2025", "ILO 2023"], "n_scored": [5, 5],
                           "n_universe": [5, 5], "n_flagged": [2, 2], "n_flagged_ties": [2, 2],
                           "n_tied_at_cut": [0, 0], "cut_score": [np.nan, 0.5]})
    effect = pd.DataFrame({"label": ["ILO 2025", "ILO 2023"], "exposed_pct": [30.0, 33.4],
                           "exposed_pct_ties": [30.0, 33.4]})
    assert ex.index_texts(pd.DataFrame(), counts, effect, "gradient", "XX") == {"rule_compare": (
        "Every index flags the same number of unit groups. Unit groups flagged, of those each index scores: ILO 2025 "
        "2 of 5 and ILO 2023 2 of 5. Across the 2 indices the XX share of employment in exposed occupations ranges "
        "from 30.0 % (ILO 2025) to 33.4 % (ILO 2023) with the tie rule, a range of 3.4 pp. Flagging every unit group "
        "tied at the cut-off would not change that range.")}
    by = pd.DataFrame({"index": ["ilo2025", "aioe", "aioe"], "weighting": ["none", "none", "bls"],
                       "exposed_pct": [20.05, 29.55, 99.0]})  # the US-weighted row is not part of the range
    assert ex.index_texts(by, counts, effect, "threshold", "XX") == {"rule_compare": (
        "Under the threshold rule of this page the XX share of employment in exposed occupations ranges from 20.1 % "
        "(ILO 2025) to 29.6 % (AIOE); the number of unit groups counted as exposed differs by index by construction "
        "(the tie analysis applies to the gradient rule).")}


# ------------------------------------------------------------------------------------------ small functions
def test_percentile_rank_boundaries() -> None:
    assert math.isnan(ex.percentile_rank(pd.Series({"A": 0.5}), "A"))  # no other unit: no rank
    # other workers' weights summing to less than one still give a rank: B above A's 0.25 → 100 %
    assert ex.percentile_rank(pd.Series({"A": 0.1, "B": 0.9}), "B", pd.Series({"A": 0.25, "B": 0.25})) == 100.0
    assert math.isnan(ex.percentile_rank(pd.Series({"A": 0.1, "B": 0.9}), "B", pd.Series({"A": 0.0, "B": 1.0})))


def test_parse_bls_employment_name_type_decimals_and_duplicates() -> None:
    raw = pd.DataFrame({"OCC_CODE": [" 11-1011 ", "11-1021"], "O_GROUP": ["detailed ", "detailed"],
                        "TOT_EMP": ["1,234.5", "#"]})
    out = parse_bls_employment(raw)
    assert out.name == "us_employment" and out.dtype == "float64"
    assert out["11-1011"] == 1234.5 and math.isnan(out["11-1021"])
    dup = pd.DataFrame({"OCC_CODE": ["11-1011", "11-1011"], "O_GROUP": ["detailed"] * 2, "TOT_EMP": ["1", "2"]})
    with pytest.raises(ValueError, match="^BLS OEWS: SOC code '11-1011' appears twice$"):
        parse_bls_employment(dup)


def test_onet_to_soc_columns_types_and_bad_codes() -> None:
    frame = pd.DataFrame({"code": ["13-2011.00", "11-1011.03", "11-1011.00"], "Title": ["Acct", "CSO", "CEO"],
                          "x": [1.0, 0.4, 0.2]})
    out = occ.onet_to_soc(frame, "code", ["x"])
    assert list(out.columns) == ["soc", "title", "x", "n_onet"] and out["n_onet"].dtype == "int64"
    assert out["soc"].tolist() == ["11-1011", "13-2011"] and out["title"].tolist() == ["CEO", "Acct"]
    with pytest.raises(ValueError, match="^code: not an O\\*NET-SOC code: '11-10X1'$"):
        occ.onet_to_soc(pd.DataFrame({"code": ["11-1011.00", "11-10X1.00"], "Title": ["a", "b"], "x": [1.0, 2.0]}),
                       "code", ["x"])


# ------------------------------------------------------------------------------------------ the chapter's pipeline
CODES = ["1111", "1112", "2111", "2112", "2113"]
#: ILO 2025: 1111 and 2111 in gradients 1-4 → 2 of 5 unit groups, top share 0.4.
ILO = pd.DataFrame({"isco08": CODES, "index_version": 2025, "title": ["t1", "t2", "t3", "t4", "t5"],
                    "gradient": [f"{G}4", "Minimal Exposure", f"{G}1", "Not Exposed", "Not Exposed"]})


def _indices() -> pd.DataFrame:
    rows = []
    table = {  # index: (score, score_bls) by unit group
        "ilo2025": ([0.8, 0.3, 0.6, 0.2, 0.1], [np.nan] * 5),
        "aioe": ([-1.0, 2.0, 1.0, 0.0, np.nan], [3.0, 2.0, 1.0, 0.0, np.nan]),
        "lm_aioe": ([2.0, 1.0, 1.0, 1.0, 0.0], [np.nan] * 5),  # three unit groups tied at the cut (k = 2)
    }
    for name, (score, bls) in table.items():
        rows += [{"isco08": c, "index": name, "score": s, "score_bls": b} for c, s, b in zip(CODES, score, bls,
                                                                                            strict=True)]
    return pd.DataFrame(rows)


def _employment() -> pd.DataFrame:
    rows = [("OC11", "XX", 2025, 100.0), ("OC21", "XX", 2025, 300.0), ("OC01", "XX", 2025, 50.0),
            ("TOTAL", "XX", 2025, 500.0), ("OC11", "YY", 2025, 999.0), ("OC21", "YY", 2025, 1.0),
            ("OC11", "XX", 2024, 1.0), ("OC21", "XX", 2024, 999.0)]
    return pd.DataFrame([(*r, "") for r in rows], columns=["isco08", "geo", "year", "value_thousands", "flag"])


def test_prepare_index_ilo_gradients_and_top_share() -> None:
    v = ex.prepare_index(_indices(), ILO, "ilo2025")
    assert v.index == "ilo2025"
    assert v.exposed4.to_dict() == {"1111": 1.0, "1112": 0.0, "2111": 1.0, "2112": 0.0, "2113": 0.0}
    assert v.scores2.to_dict() == pytest.approx({"OC11": 0.55, "OC21": 0.3})  # means of 0.8, 0.3 and 0.6, 0.2, 0.1
    assert v.exposed2.to_dict() == pytest.approx({"OC11": 0.5, "OC21": 1 / 3})
    # AIOE, 4 scored: k = round(0.4 × 4 = 1.6) = 2 → 1112 (2.0) and 2111 (1.0)
    a = ex.prepare_index(_indices(), ILO, "aioe")
    assert a.exposed4.dropna().to_dict() == {"1111": 0.0, "1112": 1.0, "2111": 1.0, "2112": 0.0}
    assert math.isnan(a.exposed4["2113"])
    # US-weighted scores: 1111 (3.0) and 1112 (2.0); OC11 mean 2.5, OC21 0.5
    b = ex.prepare_index(_indices(), ILO, "aioe", weighting="bls")
    assert b.exposed2.to_dict() == {"OC11": 1.0, "OC21": 0.0} and b.scores2.to_dict() == {"OC11": 2.5, "OC21": 0.5}
    assert ex.prepare_index(_indices(), ILO, "aioe", how="max").scores2.to_dict() == {"OC11": 2.0, "OC21": 1.0}
    # threshold 0.9 on percentile ranks 0.25, 0.5, 0.75, 1.0: only 1112
    t = ex.prepare_index(_indices(), ILO, "aioe", rule="threshold", threshold=0.9)
    assert t.exposed2.to_dict() == {"OC11": 0.5, "OC21": 0.0}
    # ties: k = 2 of 5; 1112, 2111, 2112 tied at 1.0 → code rule takes 1112; include takes all three
    assert ex.prepare_index(_indices(), ILO, "lm_aioe").exposed2.to_dict() == {"OC11": 1.0, "OC21": 0.0}
    incl = ex.prepare_index(_indices(), ILO, "lm_aioe", ties="include").exposed2
    assert incl.to_dict() == pytest.approx({"OC11": 1.0, "OC21": 2 / 3})


def test_headline_by_index_rows_and_weightings() -> None:
    h = ex.headline_by_index(_indices(), ILO, _employment(), "XX", 2025, names=("ilo2025", "aioe"),
                             weightings=("none", "bls"))
    assert list(zip(h["index"], h["weighting"], h["label"], strict=True)) == [
        ("ilo2025", "none", "ILO 2025 (Gmyrek et al. 2025)"), ("aioe", "none", "AIOE (Felten et al. 2021)"),
        ("aioe", "bls", "AIOE (Felten et al. 2021)")]  # no US weighting for a native ISCO index
    # XX 2025: OC11 100, OC21 300 scored, OC01 50 unscored, total 500
    # ILO 2025: (100·0.55 + 300·0.3)/400 = 0.3625; exposed 100·(100·0.5 + 300/3)/400 = 37.5
    # AIOE: mean 0.5, exposed 100·(50 + 150)/400 = 50; AIOE US-weighted: (250 + 150)/400 = 1.0, exposed 25
    assert h["mean_score"].tolist() == pytest.approx([0.3625, 0.5, 1.0])
    assert h["exposed_pct"].tolist() == pytest.approx([37.5, 50.0, 25.0])
    assert h["emp_unscored"].tolist() == [50.0] * 3 and h["coverage_pct"].tolist() == pytest.approx([80.0] * 3)
    thr = ex.headline_by_index(_indices(), ILO, _employment(), "XX", 2025, "threshold", 0.7, "max", names=("ilo2025",))
    # max per group: OC11 0.8, OC21 0.6; score ≥ 0.7: only 1111 → OC11 0.5, OC21 0 → 100·50/400 = 12.5
    assert thr["mean_score"].tolist() == pytest.approx([(100 * 0.8 + 300 * 0.6) / 400])
    assert thr["exposed_pct"].tolist() == pytest.approx([12.5])


def test_tie_effect_with_and_without_the_tie_rule() -> None:
    e = ex.tie_effect(_indices(), ILO, _employment(), "XX", 2025, names=("ilo2025", "lm_aioe"))
    # LM-AIOE: code rule OC11 1.0, OC21 0 → 25 %; every tie: OC21 2/3 → 100·(100 + 200)/400 = 75 %
    assert e["index"].tolist() == ["ilo2025", "lm_aioe"] and e["label"].tolist() == ["ILO 2025", "LM-AIOE"]
    assert e["exposed_pct"].tolist() == pytest.approx([37.5, 25.0])
    assert e["exposed_pct_ties"].tolist() == pytest.approx([37.5, 75.0])
    m = ex.tie_effect(_indices(), ILO, _employment(), "XX", 2025, how="max", names=("lm_aioe",))
    assert m["exposed_pct"].tolist() == pytest.approx([25.0])


def test_two_digit_table_and_aggregate_rule() -> None:
    t = ex.two_digit_table(_indices(), names=("ilo2025", "aioe"))
    assert list(t.columns) == ["ilo2025", "aioe"] and t.index.tolist() == ["OC11", "OC21"]
    assert t["ilo2025"].tolist() == pytest.approx([0.55, 0.3]) and t["aioe"].tolist() == pytest.approx([0.5, 0.5])
    assert ex.two_digit_table(_indices(), "max", names=("ilo2025",))["ilo2025"].to_dict() == {"OC11": 0.8,
                                                                                              "OC21": 0.6}
    agg = ex.exposed_by_aggregate_score(pd.Series({"OC11": 0.5, "OC12": 0.49, "OC13": np.nan}), 0.5)
    assert agg.iloc[:2].tolist() == [1.0, 0.0] and math.isnan(agg["OC13"])


def test_teacher_percentiles_by_hand() -> None:
    ind = pd.DataFrame({"isco08": ["1111", "2310", "2320", "2330", "2511"], "index": "ilo2025",
                        "score": [0.2, 0.6, 0.4, np.nan, 0.9], "score_bls": np.nan})
    emp2 = pd.Series({"OC11": 100.0, "OC23": 50.0, "OC25": 30.0})
    t = ex.teacher_percentiles(ind, emp2, names=("ilo2025",)).set_index("unit")
    assert t.index.tolist() == ["OC23", "2310", "2320", "2330"] and set(t["index"]) == {"ilo2025"}
    # OC23 = mean(0.6, 0.4) = 0.5: OC11 (100) below, OC25 (30) above → 100·100/130; 1 of 2 groups below → 50
    assert t.loc["OC23", "score"] == pytest.approx(0.5) and t.loc["OC23", "n_units"] == 3
    assert t.loc["OC23", "pct_workers"] == pytest.approx(100 * 100 / 130) and t.loc["OC23", "pct_units"] == 50.0
    # unit groups: OC23's 50 split over its 2 scored unit groups (25 each); 1111 100, 2511 30
    # 2310 (0.6): below 1111 (100) and 2320 (25) of 155 others; 2 of 3 units below
    assert t.loc["2310", "pct_workers"] == pytest.approx(100 * 125 / 155)
    assert t.loc["2310", "pct_units"] == pytest.approx(200 / 3) and t.loc["2310", "n_units"] == 4
    assert t.loc["2320", "pct_workers"] == pytest.approx(100 * 100 / 155)
    assert math.isnan(t.loc["2330", "pct_workers"]) and math.isnan(t.loc["2330", "score"])
    assert ex.teacher_percentiles(ind, emp2, "max", ("ilo2025",)).iloc[0]["score"] == pytest.approx(0.6)


def test_crosswalk_losses_counts_and_unmapped_employment() -> None:
    ind = pd.DataFrame({"isco08": ["1111", "1112", "1113", "1111", "2222", "3333"],
                        "index": ["ilo2025"] * 3 + ["aioe"] * 3, "score": [0.1, 0.2, np.nan, 1.0, np.nan, np.nan]})
    soc = pd.DataFrame({"index": "aioe", "soc": ["11-0001", "11-0002", "11-0003", "11-0004"],
                        "n_isco": [2, 0, 0, 1], "us_employment": [100.0, 50.0, np.nan, 250.0]})
    out = ex.crosswalk_losses(ind, soc).set_index("index")
    assert out.index.tolist() == list(ex.ALL_INDICES)
    # AIOE: 4 SOC codes, 2 lost (one without weight); lost employment 50 of 400 = 12.5 %
    assert out.loc["aioe"].to_dict() == {
        "soc_in_source": 4, "soc_mapped": 2, "soc_unmapped": 2, "soc_no_weight": 1, "us_emp_unmapped_pct": 12.5,
        "isco_scored": 1, "isco_unscored": 2, "isco_unscored_codes": "2222 3333"}
    ilo = out.loc["ilo2025"]
    assert (ilo["soc_in_source"], ilo["isco_scored"], ilo["isco_unscored"], ilo["isco_unscored_codes"]) == (
        0, 2, 1, "1113")
    assert math.isnan(ilo["us_emp_unmapped_pct"]) and out.loc["eloundou", "isco_scored"] == 0


def test_crosswalk_texts_by_hand() -> None:
    losses = pd.DataFrame({"index": ["ilo2025", "aioe", "eloundou"], "soc_in_source": [0, 774, 1016],
                           "soc_unmapped": [0, 3, 1234], "us_emp_unmapped_pct": [np.nan, 0.5, 12.25],
                           "isco_unscored": [9, 12, 40], "soc_no_weight": [0, 5, 7]})
    ind = pd.DataFrame({"isco08": ["0110", "2310", "2511", "2512", "4110"], "index": "eloundou",
                        "score": [np.nan, 0.5, np.nan, np.nan, np.nan], "score_bls": np.nan})
    emp2 = pd.Series({"OC01": 7.0, "OC23": 5.0, "OC25": 1000.5, "OC41": 2000.0})
    # groups without a score, armed forces (OC01) aside: OC25 and OC41; 1000.5 + 2000 → 3,001 (half away)
    assert ex.crosswalk_texts(losses, ind, emp2) == {
        "elo_soc": "1,016", "elo_unmapped": "1,234", "elo_unmapped_emp": "12.3 %", "elo_isco_unscored": "40",
        "elo_lost_groups": ("OC25 information and communications technology professionals and OC41 general and "
                            "keyboard clerks"),
        "elo_lost_emp": "3,001", "aioe_unmapped": "3", "aioe_soc": "774", "aioe_isco_unscored": "12",
        "ilo_isco_unscored": "9", "aioe_no_weight": "5"}
    scored = ind.assign(score=0.5)
    t = ex.crosswalk_texts(losses, scored, emp2)
    assert t["elo_lost_groups"] == "none" and t["elo_lost_emp"] == "0"


# ------------------------------------------------------------------------------------------ sector view
def _sector() -> pd.DataFrame:
    rows = []
    for geo in ex.EU27:
        for year, scale in ((2024, 1.0), (2022, 10.0)):  # 2022 values differ: the wrong year changes every figure
            cells = {("OC2", "C"): 1.0, ("OC5", "C"): 3.0, ("OC2", "P"): 2.0, ("OC5", "P"): 1.0,
                     ("OC2", "Q"): 1.0, ("OC3", "Q"): 1.0}
            for (isco, nace), v in cells.items():
                value = np.nan if (geo, isco, nace, year) == ("AT", "OC5", "C", 2024) else v * scale
                rows.append({"isco08": isco, "nace": nace, "geo": geo, "year": year, "value_thousands": value,
                             "flag": ""})
    return pd.DataFrame(rows)


def _sector_employment() -> pd.DataFrame:
    rows = [("OC22", 10.0), ("OC23", 30.0), ("OC32", 10.0), ("OC51", 40.0), ("OC52", 20.0)]
    emp = [(c, "EU27_2020", 2024, v, "") for c, v in rows] + [(c, "DE", 2024, 1.0, "") for c, _ in rows]
    emp += [(c, g, 2022, 5.0, "") for c, _ in rows for g in ("EU27_2020", "DE")]
    return pd.DataFrame(emp, columns=["isco08", "geo", "year", "value_thousands", "flag"])


def _sector_index_view() -> ex.IndexView:
    s2 = pd.Series({"OC22": 0.2, "OC23": 0.6, "OC32": 0.3, "OC51": 0.1, "OC52": 0.4})
    e2 = pd.Series({"OC22": 0.0, "OC23": 1.0, "OC32": 0.0, "OC51": 0.0, "OC52": 0.5})
    return ex.IndexView("ilo2025", s2, s2, s2, e2)


def test_sector_view_for_the_eu_is_the_sum_of_members() -> None:
    sv = ex.sector_view(_sector(), _sector_employment(), _sector_index_view(), ex.EU_AGGREGATE, 2025)
    assert (sv.geo, sv.year) == ("EU27_2020", 2024)  # latest sector year not after 2025
    # EU 2024 major groups: OC2 = (10·0.2 + 30·0.6)/40 = 0.5, share 30/40 = 0.75; OC3 = 0.3, 0;
    # OC5 = (40·0.1 + 20·0.4)/60 = 0.2, share 10/60
    assert sv.scores1["score"].to_dict() == pytest.approx({"OC2": 0.5, "OC3": 0.3, "OC5": 0.2})
    s = sv.sens.set_index("nace")
    # C: OC2 27, OC5 26·3 = 78 (AT suppressed): 100·(27·0.75 + 78/6)/105; P: 100·(54·0.75 + 27/6)/81
    assert s.loc["C", "exposed_pct"] == pytest.approx(100 * 33.25 / 105)
    assert s.loc["P", "exposed_pct"] == pytest.approx(100 * 45 / 81)
    # Q: OC2 → OC22 (share 0), OC3 → OC32 (share 0): 37.5 % with major groups, 0 % with the 2-digit groups
    assert s.loc["Q", "exposed_pct"] == pytest.approx(37.5) and s.loc["Q", "exposed_pct_2d"] == pytest.approx(0.0)
    assert s.loc["P", "exposed_pct_2d"] == pytest.approx(100 * 58.5 / 81)  # OC2 → OC23, share 1
    assert s["strategy"].to_dict() == {"C": ex.STRATEGY_SECTORS["C"], "P": "", "Q": ex.STRATEGY_SECTORS["Q"]}
    # 5 of 6 cells complete; complete cells hold 27 + 54 + 27 + 27 + 27 = 162 of 240 = 67.5 % → 68 %
    assert sv.note == ("EU27 = sum of the member states with a value in each occupation × section cell (lfsa_eisn2 "
                       "has no EU aggregate); 5 of 6 cells have all 27 members; summing only complete cells would "
                       "keep 68 % of employment, so incomplete cells are summed (lower bounds: the missing members' "
                       "cells are small, suppressed).")
    assert len(sv.cells) == 6 and set(sv.cells["year"]) == {2024}
    t = ex.sector_texts(sv)
    assert {k: v for k, v in t.items() if k != "sector_sentence"} == {
        "sector_geo": "EU27", "sector_year": "2024", "sector_note": sv.note, "n_major": "3",
        "sector_title": "EU27 2024: exposure by sector, a bound with its sensitivity",
        "sec_strategy": "C 32 %; Q 0 %–38 %"}  # 31.67 → 32; Q 0.0 with 2-digit groups to 37.5 → 38
    assert t["sector_sentence"].startswith("In EU27 (2024) each section's employment is known only by ISCO major")


def test_sector_view_for_a_country_and_an_absent_country() -> None:
    sv = ex.sector_view(_sector(), _sector_employment(), _sector_index_view(), "DE", 2024)
    assert (sv.geo, sv.year) == ("DE", 2024)
    assert sv.note == "Germany as published; cells without a value (suppressed, flag u) are left out and counted."
    # DE 2024, each 2-digit group 1: OC2 = 0.4, share 0.5; OC5 = 0.25, share 0.25; C = 100·(0.5 + 3·0.25)/4
    assert sv.sens.set_index("nace").loc["C", "exposed_pct"] == pytest.approx(31.25)
    earlier = ex.sector_view(_sector(), _sector_employment(), _sector_index_view(), "DE", 2023)
    assert earlier.year == 2022 and set(earlier.cells["value_thousands"]) == {10.0, 20.0, 30.0}
    ch = ex.sector_view(_sector(), _sector_employment(), _sector_index_view(), "CH", 2024)
    assert ch.geo == "EU27_2020" and ch.note.startswith(
        "Switzerland is not in the sector table (lfsa_eisn2): the EU27 is shown. EU27 = sum of the member states")


# ------------------------------------------------------------------------------------------ intro, notes, captions
def test_intro_texts_and_score_units() -> None:
    inp = ex.ChapterInputs(indices=_indices(), soc=pd.DataFrame(), ilo=ILO,
                           employment=pd.DataFrame({"year": [2023, 2021, 2025]}),
                           sector=pd.DataFrame({"year": [2024, 2020]}))
    p = ex.ExposureParams(geo="DE", year=2024, index="aioe", exposed="threshold", threshold=0.75, aggregation="max")
    assert ex.intro_texts(inp, p) == {
        "lfs_years": "2021–2025", "sector_years": "2020–2024", "n_universe": "5",
        "monitoring_quote": "la Commission suivra activement l'incidence de l'IA sur le marché du travail",
        "monitoring_translation": ex.MONITORING_TRANSLATION, "index_label": "AIOE (Felten et al. 2021)",
        "rule_text": "percentile rank among unit groups of at least 75", "geo": "Germany", "year": "2024",
        "aggregation": "max"}
    assert ex.score_unit("ilo2025") == ex.score_unit("eloundou_human") == "score 0–1 (share of exposed tasks)"
    assert ex.score_unit("lm_aioe") == "standardised score (mean 0, SD 1 over US occupations)"


def test_notes_and_captions_state_their_marks() -> None:
    assert ex.countries_notes() == (
        "Employment-weighted over ISCO-08 2-digit groups with a score (armed forces have none). Hatched: less than "
        "95 % of total employment covered by scored 2-digit groups with a value (suppressed cells). '(u)': at least "
        "1 % of the weights flagged u (low reliability) by Eurostat. Orange: the chosen country; black: EU27.")
    assert ex.sectors_notes("Note.") == (
        "Sections in NACE order (not ranked). Orange: sections holding one of the strategy's sectoral flagships "
        "(approximate mapping; pharmaceuticals, robotics and automotive are parts of C). Major-group scores are "
        "employment-weighted means of their 2-digit groups. Diamonds: the 2-digit sensitivity. '(u)': at least 5 % "
        "of the section's scored employment from values Eurostat flags u (low reliability); '(b)': a cell used is "
        "flagged b (break in series). Note.")
    assert ex.correlation_notes("median") == (
        "2-digit ISCO-08 groups (median of unit-group scores), pairwise over groups scored by both indices. Eloundou "
        "et al. has no score for ICT professionals (OC25): its SOC 2018 codes for computer occupations are not in the "
        "SOC-2010 crosswalk.")
    assert ex.index_table_caption(2024, "R") == ("EU 2024: the headline under each index (exposed: R; mean scores in "
                                                 "each index's own unit)")
    assert ex.sensitivity_caption(2023) == ("EU 2023, ILO 2025: share of employment in exposed occupations under "
                                            "other definitions of 'exposed' (percent of scored employment)")


# ------------------------------------------------------------------------------------------ reading, typing, building
def test_typed_from_text_types_numeric_columns_only() -> None:
    text = pd.DataFrame({"isco08": ["1111", "1112"], "index": ["aioe", "aioe"], "score": ["0.5", ""],
                         "score_bls": [1.5, np.nan], "n_soc": ["3", "0"], "extra": ["7", "8"]})
    out = occ.typed_from_text(text, occ.INDICES_SCHEMA)
    assert out["score"].dtype == "float64" and out["score"].iloc[0] == 0.5 and math.isnan(out["score"].iloc[1])
    assert out["n_soc"].dtype == "int64" and out["n_soc"].tolist() == [3, 0]
    assert out["isco08"].tolist() == ["1111", "1112"] and out["extra"].tolist() == ["7", "8"]  # text stays text
    assert text["score"].tolist() == ["0.5", ""]  # the input is not modified


def test_load_functions_type_the_processed_tables(monkeypatch: pytest.MonkeyPatch) -> None:
    from analysis.tables import process

    tables = {"exposure_indices": pd.DataFrame({"isco08": ["1111"], "index": ["aioe"], "score": [""],
                                                "score_bls": ["2.5"], "n_soc": ["1"], "n_soc_bls": ["0"],
                                                "n_soc_crosswalk": ["2"], "note": ["x"]}),
              "exposure_soc_scores": pd.DataFrame({"index": ["aioe"], "soc": ["11-1011"], "title": ["CEO"],
                                                   "score": ["1.25"], "n_onet": ["0"], "n_isco": ["2"],
                                                   "us_employment": [""]}),
              "exposure_ilo": ILO, "employment_by_occupation": _employment(),
              "employment_by_occupation_sector": _sector()}
    monkeypatch.setattr(process, "load", lambda name: tables[name].copy())
    ind = ex.load_indices()
    assert math.isnan(ind["score"].iloc[0]) and ind["score_bls"].iloc[0] == 2.5 and ind["n_soc_crosswalk"].iloc[0] == 2
    soc = ex.load_soc_scores()
    assert soc["score"].iloc[0] == 1.25 and soc["n_isco"].dtype == "int64" and math.isnan(soc["us_employment"].iloc[0])
    inp = ex.load_chapter_inputs()
    assert inp.indices["score_bls"].iloc[0] == 2.5 and inp.soc["n_isco"].iloc[0] == 2
    assert inp.ilo is not None and inp.ilo["isco08"].tolist() == CODES
    assert len(inp.employment) == len(_employment()) and len(inp.sector) == len(_sector())


def _soc_sources() -> tuple[pd.DataFrame, pd.DataFrame, pd.Series]:
    scores = pd.DataFrame({"index": ["aioe", "aioe", "eloundou"], "soc": ["11-1011", "11-9999", "11-1011"],
                           "title": ["CEO", "Lost", "CEO"], "score": [1.5, 0.5, 0.3], "n_onet": [0, 0, 2]})
    # 11-1011 → 1111 and 1112; 11-2022 → 1112 (no score anywhere)
    cw = pd.DataFrame({"soc10": ["11-1011", "11-1011", "11-2022"], "isco08": ["1111", "1112", "1112"]})
    bls = pd.Series({"11-1011": 1000.0, "11-2022": 10.0})
    return scores, cw, bls


def test_build_soc_scores_counts_mapping_and_weights(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(occ, "read_soc_sources", _soc_sources)
    out = occ.build_soc_scores()
    assert list(out.columns) == ["index", "soc", "title", "score", "n_onet", "n_isco", "us_employment"]
    assert out["n_isco"].tolist() == [2, 0, 2] and out["n_isco"].dtype == "int64"
    assert out["n_onet"].tolist() == [0, 0, 2] and out["n_onet"].dtype == "int64"
    assert out["us_employment"].iloc[0] == 1000.0 and math.isnan(out["us_employment"].iloc[1])
    occ.SOC_SCORES_SCHEMA.validate(out)


def test_build_exposure_indices_notes_every_case(monkeypatch: pytest.MonkeyPatch) -> None:
    ilo = pd.DataFrame({"isco08": ["1111", "2222", "1111"], "index_version": [2025, 2025, 2023],
                        "mean": [0.4, 0.7, 0.35]})
    monkeypatch.setattr(occ, "read_soc_sources", _soc_sources)
    monkeypatch.setattr(occ, "raw_file", lambda source, name: (name, "xlsx"))
    monkeypatch.setattr(occ, "read_ilo_scores", lambda path: ilo)  # the name the tables module imported
    out = occ.build_exposure_indices()
    occ.INDICES_SCHEMA.validate(out)
    by = out.set_index(["index", "isco08"])
    assert sorted(set(out["isco08"])) == ["1111", "1112", "2222"] and len(out) == 3 * len(ex.ALL_INDICES)
    assert by.loc[("ilo2025", "1111"), "score"] == 0.4 and by.loc[("ilo2023", "1111"), "score"] == 0.35
    assert by.loc[("ilo2025", "1111"), "note"] == "ILO published mean of task scores (ISCO-08)"
    assert by.loc[("ilo2025", "1112"), "note"] == "not in the ILO file" and math.isnan(by.loc[("ilo2025", "1112"),
                                                                                             "score"])
    assert math.isnan(by.loc[("ilo2025", "1111"), "score_bls"]) and by.loc[("ilo2025", "1111"), "n_soc_crosswalk"] == 0
    a = by.loc["aioe"]
    assert a["note"].to_dict() == {
        "1111": "mean over all the crosswalk's SOC codes",
        "1112": "mean over the SOC codes with a score (some of the crosswalk's lack one)",
        "2222": "no SOC code in the crosswalk"}
    assert a.loc["1111", "score"] == 1.5 and a.loc["1111", "score_bls"] == 1.5
    assert (a.loc["1112", "n_soc"], a.loc["1112", "n_soc_bls"], a.loc["1112", "n_soc_crosswalk"]) == (1, 1, 2)
    assert by.loc[("lm_aioe", "1111"), "note"] == "none of the crosswalk's SOC codes has a score"
    assert by.loc[("eloundou", "1112"), "score"] == 0.3
    assert out["n_soc"].dtype == "int64" and out["note"].map(type).eq(str).all()


# ------------------------------------------------------------------------------------------ charts
def test_highlight_colors() -> None:
    from analysis.core.figures import PALETTE

    assert ex._highlight_colors(pd.Series(["DE", "EU27_2020", "FR"]), "DE") == [PALETTE[1], "#333333", PALETTE[0]]


def test_chart_countries_and_mix_label_and_hatch() -> None:
    import matplotlib.pyplot as plt

    shown = ex.countries_shown(_countries(), "CH")
    fig = ex.chart_countries(shown, "DE", "score 0–1", "Title")
    a, b = fig.axes[:2]
    assert a.get_title() == "Title" and a.get_xlabel() == "% of employment in exposed occupations"
    assert b.get_xlabel() == "mean score, score 0–1"
    assert [t.get_text() for t in a.get_yticklabels()] == shown["name"].tolist()
    assert [p.get_hatch() for p in a.patches] == ["", "", "", "", "///", ""]  # Cyprus: low coverage
    assert [p.get_width() for p in b.patches] == shown["mean_score"].tolist()
    plt.close(fig)
    mix = ex.mix_shown(_mix().assign(n_dropped=[0, 3, 2, 0, 1]), "CH")
    fig = ex.chart_mix(mix, "DE", "Mix")
    ax = fig.axes[0]
    assert ax.get_title() == "Mix" and [p.get_hatch() for p in ax.patches] == ["///", "", "", "", ""]  # DE: 3 > 2
    assert ax.get_xlabel() == "change in % of employment in exposed occupations (percentage points)"
    assert [t.get_text() for t in ax.get_yticklabels()] == mix["name"].tolist()
    plt.close(fig)


def test_chart_sectors_correlations_teachers_labels() -> None:
    import matplotlib.pyplot as plt

    plot = pd.DataFrame({"nace": ["C", "P"], "label": ["Manufacturing", "Education"], "exposed_pct": [30.0, 40.0],
                         "exposed_pct_2d": [30.0, 20.0], "substituted": ["", "OC2→OC23"], "strategy": ["x", ""],
                         "u_pct": [5.0, 4.9], "n_break": [0, 1]})
    fig = ex.chart_sectors(plot, "Sectors")
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["C Manufacturing (u)", "P Education (b)"]
    assert ax.get_title() == "Sectors" and ax.get_xlabel() == "% of the section's employment in exposed occupations"
    assert ax.collections[0].get_offsets().tolist() == [[20.0, 1.0]]  # the diamond: P's 2-digit figure
    plt.close(fig)
    fig = ex.chart_correlations(_corr(), "Corr")
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.texts][:3] == ["1.00", "0.95", "0.62"]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["ILO 2025", "ILO 2023", "AIOE"]
    assert ax.get_title() == "Corr"
    plt.close(fig)
    fig = ex.chart_teachers(_teachers(), "Teachers")
    ax = fig.axes[0]
    assert ax.get_title() == "Teachers" and ax.get_xlim() == (0.0, 100.0)
    assert ax.get_xlabel() == "% of other EU workers less exposed"
    assert [t.get_text() for t in ax.get_yticklabels()] == ["ILO 2025", "AIOE", "LM-AIOE", "GPT-4 β"]
    assert ax.lines[0].get_xdata().tolist() == [40.15, 70.05]  # ILO 2025's unit groups 23xx
    labels = ax.get_legend_handles_labels()[1]
    assert labels == ["range of unit groups 23xx", "teaching professionals (ISCO 23)", "JRC claim (90 %)"]
    plt.close(fig)


# ------------------------------------------------------------------------------------------ more boundaries
def test_mix_change_whole_rows_skips_a_geo_without_a_year() -> None:
    emp = pd.DataFrame([
        ("OC11", "BB", 2023, 100.0, ""), ("OC23", "BB", 2023, 100.0, "b"), ("OC41", "BB", 2023, 50.0, ""),
        ("OC11", "BB", 2025, 100.0, ""), ("OC23", "BB", 2025, 300.0, ""), ("OC41", "BB", 2025, np.nan, ""),
        ("OC01", "BB", 2025, 9.0, ""), ("OC11", "CC", 2023, 100.0, ""),  # CC: no 2025 at all → no row
    ], columns=["isco08", "geo", "year", "value_thousands", "flag"])
    emp = pd.concat([emp, pd.DataFrame([("OC11", "DD", 2023, 10.0, ""), ("OC11", "DD", 2025, 30.0, "")],
                                       columns=emp.columns)])
    scores2 = pd.Series({"OC11": 0.2, "OC23": 0.4, "OC41": 0.8, "OC99": 0.9})  # OC99: a group nobody employs
    shares2 = pd.Series({"OC11": 0.0, "OC23": 1.0, "OC41": 1.0, "OC99": 1.0})
    out = ex.mix_change(emp, scores2, shares2, 2023, 2025)
    # CC has no value in 2025: no row (before the fix it got a row of NaN changes, which the chapter's
    # "largest increase" would have picked as its last member); DD, after it, is still there
    assert out["geo"].tolist() == ["BB", "DD"]
    # BB, OC11 and OC23 in both years (OC41 dropped, OC01 unscored): base (20 + 40)/200 = 0.3, share 50 %;
    # target (20 + 120)/400 = 0.35, share 75 %; OC23's 2023 value is flagged b
    assert out.iloc[0].to_dict() == pytest.approx({
        "geo": "BB", "mean_base": 0.3, "mean_target": 0.35, "d_mean": 0.05, "exposed_base": 50.0,
        "exposed_target": 75.0, "d_exposed_pp": 25.0, "n_dropped": 1, "dropped": "OC41", "n_break": 1})
    assert out.iloc[1]["n_break"] == 0 and out.iloc[1]["d_exposed_pp"] == 0.0
    two = pd.concat([emp, pd.DataFrame([("OC41", "BB", 2023, 1.0, ""), ("OC41", "DD", 2023, 1.0, "")],
                                       columns=emp.columns)])
    assert ex.mix_change(two, scores2, shares2, 2023, 2025).iloc[0]["dropped"] == "OC41"


def test_one_digit_scores_filters_geo_year_and_unscored_groups() -> None:
    emp = pd.DataFrame([("OC11", "XX", 2024, 100.0), ("OC12", "XX", 2024, 300.0), ("OC23", "XX", 2024, 50.0),
                        ("OC01", "XX", 2024, 40.0), ("OC11", "YY", 2024, 999.0), ("OC11", "XX", 2023, 999.0),
                        ("OC24", "XX", 2024, np.nan)], columns=["isco08", "geo", "year", "value_thousands"])
    s2 = pd.Series({"OC11": 0.2, "OC12": 0.6, "OC23": 0.5, "OC24": 0.9, "OC99": 0.1})
    e2 = pd.Series({"OC11": 0.0, "OC12": 1.0, "OC23": 1.0, "OC24": 1.0, "OC99": 1.0})
    out = ex.one_digit_scores(emp, s2, e2, "XX", 2024)
    # OC1 = (100·0.2 + 300·0.6)/400 = 0.5, share 300/400; OC2 = OC23 only (OC24 has no value); OC0 unscored
    assert out.index.name == "isco08" and out.index.tolist() == ["OC1", "OC2"]
    assert out["score"].tolist() == pytest.approx([0.5, 0.5]) and out["exposed_share"].tolist() == [0.75, 1.0]
    assert out["emp"].tolist() == [400.0, 50.0] and list(out.columns) == ["score", "exposed_share", "emp"]


def test_index_flag_counts_ilo_row_and_default_label() -> None:
    ind = pd.DataFrame({"isco08": CODES, "index": "ilo2025", "score": [0.8, 0.3, 0.6, 0.2, np.nan],
                        "score_bls": np.nan})
    row = ex.index_flag_counts(ind, ILO, names=("ilo2025",)).iloc[0].to_dict()
    cut = row.pop("cut_score")
    assert math.isnan(cut) and row == {"index": "ilo2025", "label": "ILO 2025", "n_universe": 5, "n_scored": 4,
                                       "k": 2, "n_flagged": 2, "n_flagged_ties": 2, "n_tied_at_cut": 0}
    effect = pd.DataFrame({"label": ["A", "B"], "exposed_pct": [30.0, 33.4], "exposed_pct_ties": [30.0, 33.4]})
    assert ex.tie_range_sentence(effect).startswith("Across the 2 indices the EU share of employment")


def test_text_tolerant_schema_types_then_validates() -> None:
    text = pd.DataFrame({"isco08": ["1111"], "index": ["aioe"], "score": ["0.5"], "score_bls": [""],
                         "n_soc": ["1"], "n_soc_bls": ["0"], "n_soc_crosswalk": ["1"], "note": ["n"]})
    out = occ.TextTolerantSchema(occ.INDICES_SCHEMA).validate(text)
    assert out["score"].iloc[0] == 0.5 and out["n_soc"].dtype == "int64"
    with pytest.raises(Exception, match="n_soc <= n_soc_crosswalk"):
        occ.TextTolerantSchema(occ.INDICES_SCHEMA).validate(text.assign(n_soc="2", n_soc_bls="0"))


def test_processed_tables_metadata() -> None:
    indices, soc = occ.TABLES
    assert ex.PROCESSED_TABLES == occ.TABLES  # the chapter declares the tables module's two tables
    assert (indices.name, indices.key, indices.build) == ("exposure_indices", ("isco08", "index"),
                                                          occ.build_exposure_indices)
    assert indices.sources == ("ilo-genai-isco08", "felten-aioe", "eloundou-gpts", "ibs-crosswalk-soc10-isco08",
                               "bls-oews-2021")
    assert (soc.name, soc.key, soc.build) == ("exposure_soc_scores", ("index", "soc"), occ.build_soc_scores)
    assert soc.sources == indices.sources[1:]
    assert indices.schema.schema is occ.INDICES_SCHEMA and soc.schema.schema is occ.SOC_SCORES_SCHEMA
    assert list(indices.columns) == list(occ.INDICES_SCHEMA.columns)  # every column documented, in order
    assert set(soc.columns) == {"n_onet", "n_isco", "us_employment"}
    # the facts a reader needs, as written (case matters: ISCO-08, SOC, BLS)
    assert indices.description.startswith("Generative-AI / AI exposure score of every ISCO-08 unit group")
    assert indices.description.endswith("the last four mapped from US SOC codes.")
    assert indices.unit.startswith("score in each index's own unit: ILO and Eloundou 0-1")
    assert indices.unit.endswith("standardised (mean 0, SD 1 over US SOC occupations)")
    assert "BLS OEWS May 2021" in indices.processing and "436 ISCO-08 unit groups" in indices.processing
    assert indices.processing.startswith("ILO: the published occupation means.")
    assert indices.processing.endswith("empty score = no score (counted, see note).")
    assert indices.columns["isco08"] == "ISCO-08 unit group (4 digits, text)"
    assert indices.columns["n_soc_bls"] == "of which with a BLS weight"
    assert soc.description.startswith("The SOC-level scores behind the SOC-based exposure indices")
    assert soc.unit == "score in the index's own unit; us_employment persons"
    assert soc.processing.startswith("Felten: sheets 'Appendix A' (AIOE) and 'LM AIOE' as published.")
    assert soc.columns["n_isco"] == "ISCO-08 unit groups the SOC code maps to (0 = not in the crosswalk)"


# ------------------------------------------------------------------------------------------ ties on many rows
#: 40 unit groups 1000…1039: even positions score 0.7, odd 0.5 — enough rows for an unstable sort to reorder ties.
MANY = pd.Series([0.5 if i % 2 else 0.7 for i in range(40)], index=[str(1000 + i) for i in range(40)])


def test_tie_rule_takes_lower_codes_first_among_many_ties() -> None:
    # top share 0.3 of 40 → k = 12: the 20 groups at 0.7 are tied; the code rule takes the 12 lowest codes
    flag = ex.exposed_units(MANY.iloc[::-1], "gradient", "ilo2023", top_share=0.3, ties="code")
    assert sorted(flag[flag == 1.0].index) == [str(1000 + 2 * i) for i in range(12)]
    view = ex.IndexView("ilo2023", MANY, MANY, MANY, MANY)
    ilo = pd.DataFrame({"isco08": ["1000"], "index_version": [2025], "title": ["First"]})
    top = ex.top_occupations(view, ilo, n=5)
    assert top["isco08"].tolist() == ["1000", "1002", "1004", "1006", "1008"]


def test_sector_order_ties_in_nace_order_among_many_sections() -> None:
    sections = list("ABCDEFGHIJKLMNOPQRSTU")
    frame = pd.DataFrame({"nace": sections[::-1], "x": [1.0 if i % 2 else 2.0 for i in range(21)][::-1]})
    order = ex._order(frame, "x")
    assert order == [s for i, s in enumerate(sections) if i % 2 == 0] + [s for i, s in enumerate(sections) if i % 2]


def test_index_flag_counts_rows_at_k_one_and_zero() -> None:
    ind = pd.DataFrame({"isco08": CODES * 2, "index": ["aioe"] * 5 + ["lm_aioe"] * 5,
                        "score": [2.0, 2.0, 1.0, np.nan, np.nan, 0.5, np.nan, np.nan, np.nan, np.nan],
                        "score_bls": np.nan})
    c = ex.index_flag_counts(ind, ILO, names=("aioe", "lm_aioe")).set_index("index")
    # AIOE: 3 scored, k = round(0.4 × 3 = 1.2) = 1; the cut 2.0 is shared by 2 → 1 flagged, 2 with every tie
    assert c.loc["aioe"].to_dict() == {"label": "AIOE", "n_universe": 5, "n_scored": 3, "k": 1, "n_flagged": 1,
                                       "n_flagged_ties": 2, "n_tied_at_cut": 2, "cut_score": 2.0}
    # LM-AIOE: 1 scored, k = round(0.4) = 0: nothing flagged, no cut
    lm = c.loc["lm_aioe"].to_dict()
    assert math.isnan(lm.pop("cut_score")) and lm == {"label": "LM-AIOE", "n_universe": 5, "n_scored": 1, "k": 0,
                                                       "n_flagged": 0, "n_flagged_ties": 0, "n_tied_at_cut": 0}


def test_index_count_sentence_without_ilo2025_and_without_ties() -> None:
    counts = pd.DataFrame({"index": ["aioe", "lm_aioe"], "label": ["AIOE", "LM-AIOE"], "n_universe": [12, 12],
                           "n_scored": [10, 8], "n_flagged": [4, 3], "n_flagged_ties": [4, 3],
                           "n_tied_at_cut": [1, 1], "cut_score": [1.0, 2.0]})
    assert ex.index_count_sentence(counts) == (
        "The indices do not flag the same number of unit groups. Unit groups flagged, of those each index scores: "
        "AIOE 4 of 10 and LM-AIOE 3 of 8. Coverage: LM-AIOE score fewer of the 12 unit groups than AIOE (10), so the "
        "same share of their scored unit groups is fewer unit groups. No index has ties across its cut-off.")


# ------------------------------------------------------------------------------------------ core functions' edges
def test_weighted_exposure_expected_groups_no_total_and_no_shares() -> None:
    emp = pd.DataFrame([("OC11", "XX", 2025, 100.0, "u"), ("OC23", "XX", 2025, 300.0, ""),
                        ("OC01", "XX", 2025, 10.0, "u"), ("OC41", "XX", 2025, np.nan, "")],
                       columns=["isco08", "geo", "year", "value_thousands", "flag"])
    scores2 = pd.Series({"OC11": 0.2, "OC23": 0.4, "OC41": 0.8, "OC52": 0.1})
    row = ex.weighted_exposure(emp, scores2, groups=["OC01", "OC11", "OC23", "OC41", "OC52"]).iloc[0]
    # OC52 is expected but absent, OC41 suppressed: both missing; OC01 has employment but no score; no TOTAL row
    assert (row["geo"], row["year"], row["n_missing"], row["missing"]) == ("XX", 2025, 2, "OC41 OC52")
    assert row["unscored"] == "OC01" and row["emp_unscored"] == 10.0 and row["emp_scored"] == 400.0
    assert math.isnan(row["exposed_pct"]) and math.isnan(row["emp_total"]) and math.isnan(row["coverage_pct"])
    assert row["mean_score"] == pytest.approx((100 * 0.2 + 300 * 0.4) / 400)
    assert row["emp_u"] == 100.0 and row["u_pct"] == 25.0  # OC01's u is unscored: not counted
    none = ex.weighted_exposure(emp[emp["isco08"] == "OC01"], scores2).iloc[0]  # nothing scored
    assert none["emp_scored"] == 0.0 and math.isnan(none["mean_score"]) and math.isnan(none["u_pct"])


def test_soc_to_isco_defaults_duplicates_and_nan_scores() -> None:
    cw = pd.DataFrame({"soc10": ["11-0001", "11-0001", "11-0002", "11-0003"],
                       "isco08": ["1111", "1111", "2222", "2222"]})  # a duplicated pair counts once
    soc = pd.DataFrame({"soc": ["11-0002", "11-0001", "11-0003", "99-0002", "99-0001"],
                        "score": [0.6, 0.2, np.nan, 0.5, 0.4]})
    res = occ.soc_to_isco(soc, cw)
    s = res.scores
    assert list(s.columns) == ["isco08", "score", "score_weighted", "n_soc", "n_soc_weighted", "n_soc_crosswalk"]
    assert s["isco08"].tolist() == ["1111", "2222"] and s["score"].tolist() == [0.2, 0.6]
    # 11-0003's score is NaN: unscored, not averaged; the weights are absent: no weighted score
    assert s["n_soc"].tolist() == [1, 1] and s["n_soc_crosswalk"].tolist() == [1, 2]
    assert s["n_soc_weighted"].tolist() == [0, 0] and s["score_weighted"].isna().all()
    assert res.unmapped_soc["soc"].tolist() == ["99-0001", "99-0002"] and res.unmapped_soc.index.tolist() == [0, 1]
    assert res.isco_without_score == []


def test_eu_sector_sum_without_flags_and_with_combined_flags() -> None:
    sector = pd.DataFrame({"isco08": ["OC1", "OC1", "OC1"], "nace": ["C"] * 3, "geo": ["AA", "BB", "CC"],
                           "year": [2024] * 3, "value_thousands": [1.0, 2.0, 4.0]})
    out = ex.eu_sector_sum(sector, ("AA", "BB", "CC")).iloc[0]
    assert out["flag"] == "" and out["value_u_thousands"] == 0.0 and out["complete"] and out["geo"] == "EU27_2020"
    flagged = ex.eu_sector_sum(sector.assign(flag=["u", "b", "ub"]), ("AA", "BB", "CC")).iloc[0]
    assert flagged["flag"] == "bu" and flagged["value_u_thousands"] == 5.0 and flagged["value_thousands"] == 7.0
    assert list(ex.eu_sector_sum(sector, ("AA", "BB", "CC")).columns) == [
        "isco08", "nace", "year", "value_thousands", "n_present", "flag", "value_u_thousands", "complete", "geo"]


def test_sector_exposure_without_flags_and_without_scored_employment() -> None:
    scores1 = pd.DataFrame({"score": [0.5], "exposed_share": [0.25]}, index=["OC1"])
    cells = pd.DataFrame({"isco08": ["OC1", "OC0", "OC0"], "nace": ["X", "Y", "X"],
                          "value_thousands": [40.0, 5.0, 10.0]})
    out = ex.sector_exposure(cells, scores1).set_index("nace")
    assert out.loc["X", "label"] == "X" and out.loc["X", "exposed_pct"] == 25.0 and out.loc["X", "u_pct"] == 0.0
    assert out.loc["X", "n_break"] == 0 and out.loc["X", "emp_unscored"] == 10.0
    y = out.loc["Y"]
    assert y["emp_scored"] == 0.0 and math.isnan(y["mean_score"]) and math.isnan(y["exposed_pct"])
    assert math.isnan(y["u_pct"])


def test_exposed_units_refusals_and_missing_gradients() -> None:
    s = pd.Series([0.2, 0.9], index=["1111", "1112"])
    with pytest.raises(ValueError, match="^exposed_units: the gradient rule for ilo2025 needs the ILO gradients$"):
        ex.exposed_units(s, "gradient", "ilo2025")
    for share in (0.0, 1.0):
        with pytest.raises(ValueError, match="needs 0 < top_share < 1"):
            ex.exposed_units(s, "gradient", "aioe", top_share=share)
    for t in (0.0, 1.0):
        with pytest.raises(ValueError, match=f"^threshold {t} must lie strictly between 0 and 1$"):
            ex.exposed_units(s, "threshold", "ilo2025", threshold=t)
    with pytest.raises(ValueError, match="^exposed rule 'any': choose gradient or threshold$"):
        ex.exposed_units(s, "any", "ilo2025")  # type: ignore[arg-type]
    # a scored unit group without an ILO gradient is not exposed; the result keeps its name
    out = ex.exposed_units(s, "gradient", "ilo2025", gradients=pd.Series({"1112": f"{G}2"}))
    assert out.to_dict() == {"1111": 0.0, "1112": 1.0} and out.name == "exposed"
    assert ex.exposed_units(s, "threshold", "ilo2025", threshold=0.5).name == "exposed"


def test_small_helpers() -> None:
    assert ex._join([]) == "" and ex._join(["a"]) == "a" and ex._join(["a", "b", "c"]) == "a, b and c"
    assert ex.two_digit_code(pd.Index(["2330", "0110"])).tolist() == ["OC23", "OC01"]
    assert ex.short_label("eloundou_human") == "human β"
    ind = pd.DataFrame({"isco08": ["2", "1"], "index": "ilo2025", "score": [0.5, 0.1], "score_bls": [9.0, 9.0]})
    s = ex.unit_scores(ind, "ilo2025", "bls")  # native ISCO index: the US weighting does not apply
    assert s.tolist() == [0.1, 0.5] and s.index.tolist() == ["1", "2"] and s.name == "ilo2025"
    with pytest.raises(KeyError, match=r"index 'aioe' not in the table; known: \['ilo2025'\]"):
        ex.unit_scores(ind, "aioe")
    out = ex.to_two_digit(pd.Series([0.1, np.nan], index=["2310", "2320"]))
    assert out["n_units"].dtype == "int64" and out.index.name == "isco08" and out["n_units_total"].tolist() == [2]
    wide = pd.DataFrame({"a": [1.0, 2.0, 3.0, np.nan], "b": [3.0, 1.0, 2.0, 4.0], "c": [np.nan, np.nan, 1.0, 2.0]})
    corr = ex.rank_correlations(wide)
    assert math.isnan(corr.loc["a", "c"]) and corr.loc["a", "b"] == pytest.approx(-0.5)  # 2 pairs: too few
    flags = ex.gradient_flags(pd.Series([0.5, np.nan], index=["1", "2"]), pd.Series({"1": f"{G}1", "2": f"{G}1"}),
                              (f"{G}1",))
    assert flags.iloc[0] == 1.0 and math.isnan(flags.iloc[1]) and flags.name == "exposed"


def _sens(rows: list[tuple[str, str, float, float, str, float]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["nace", "label", "exposed_pct", "exposed_pct_2d", "substituted", "emp_scored"])


def test_sector_sentence_whole_text_when_only_the_top_agrees() -> None:
    sens = _sens([("K", "Finance", 75.0, 75.0, "", 100.0), ("P", "Education", 35.0, 15.0, "OC2→OC23", 100.0),
                  ("Q", "Health", 40.0, 10.0, "OC2→OC22 OC3→OC32", 100.0), ("Z", "Z", 99.0, 99.0, "", 0.0)])
    # readings: K 75, Q 40, P 35 and K 75, P 15, Q 10 → Q and P move (2 of 3); the top (K) agrees; Z unscored
    assert ex.sector_sentence(sens, "XX", 2024) == (
        "In XX (2024) each section's employment is known only by ISCO major group, so each major group carries its "
        "exposure averaged over all sectors. Education (P): 35.0 % of its employment in exposed occupations with "
        "major-group averages, 15.0 % if its professionals (OC2) were all teaching professionals (OC23); Health (Q): "
        "40.0 % of its employment in exposed occupations with major-group averages, 10.0 % if its professionals (OC2) "
        "were all health professionals (OC22); and its technicians and associate professionals (OC3) were all health "
        "associate professionals (OC32). The LFS does not cross 2-digit occupations with sectors, so the data cannot "
        "say which figure is closer for these sections. The order of sections changes between the two readings (2 of "
        "3 sections change rank), so this page does not rank sections by exposure; under both, the most exposed is "
        "Finance (K), though these too rest on major-group averages.")


def test_sector_sentence_top_and_bottom_agree_or_neither() -> None:
    both = _sens([("A", "Alpha", 50.0, 50.0, "", 1.0), ("B", "Beta", 30.0, 20.0, "", 1.0),
                  ("C", "Gamma", 25.0, 25.0, "", 1.0), ("D", "Delta", 10.0, 10.0, "", 1.0)])
    # A 50, B 30, C 25, D 10 and A 50, C 25, B 20, D 10: B and C swap, A on top and D at the bottom in both
    assert ex.sector_sentence(both, "XX", 2024).endswith(
        "(2 of 4 sections change rank), so this page does not rank sections by exposure; under both, the most exposed "
        "is Alpha (A) and the least exposed Delta (D), though these too rest on major-group averages.")
    neither = _sens([("A", "Alpha", 50.0, 10.0, "", 1.0), ("B", "Beta", 30.0, 60.0, "", 1.0)])
    text = ex.sector_sentence(neither, "XX", 2024)
    assert text.endswith("(2 of 2 sections change rank), so this page does not rank sections by exposure.")
    assert "were all" not in text and "averaged over all sectors. The LFS" in text


def test_sensitivity_sentence_without_the_ilo_readings_or_missing_rows() -> None:
    table = pd.DataFrame({"definition": ["h", "x"], "exposed_pct": [10.05, 20.0], "headline": [True, False],
                          "note": ["", ""]})
    assert ex.sensitivity_sentence(table, "XX") == (
        "The headline counts h (10.1 % of XX employment). Other readings of the same index: x 20.0 %.")


# ------------------------------------------------------------------------------------------ parameters, sources, charts
def test_exposure_params_check_data_lists_valid_years_and_geos(monkeypatch: pytest.MonkeyPatch) -> None:
    from analysis.chapters.params import ParameterError
    from analysis.tables import process

    emp = pd.DataFrame([("OC11", "DE", 2024, 1.0), ("OC11", "EU27_2020", 2024, 1.0), ("OC11", "EA21", 2024, 1.0),
                        ("OC11", "AT", 2024, 1.0), ("OC11", "FR", 2024, np.nan), ("OC11", "FR", 2025, 1.0),
                        ("TOTAL", "BE", 2024, 9.0), ("OC1", "IT", 2023, 1.0)],
                       columns=["isco08", "geo", "year", "value_thousands"])
    monkeypatch.setattr(process, "load", lambda name: {"employment_by_occupation": emp}[name])
    ex.ExposureParams(geo="DE", year=2024).check_data()
    with pytest.raises(ParameterError, match=r"^labour_exposure: parameter year=2023 is not valid; choose one of: "
                                             r"2024, 2025$"):
        ex.ExposureParams(geo="DE", year=2023).check_data()
    # FR has no 2-digit value in 2024; BE only a total: the EU and euro area first, then by code
    with pytest.raises(ParameterError, match=r"parameter geo='FR' is not valid; choose one of: EU27_2020, EA21, AT, "
                                             r"DE$"):
        ex.ExposureParams(geo="FR", year=2024).check_data()


def test_build_exposure_indices_reads_the_ilo_file_by_name(monkeypatch: pytest.MonkeyPatch) -> None:
    paths = {("ilo-genai-isco08", "Final_Scores_ISCO08_Gmyrek_et_al_2025.xlsx"): "ilo.xlsx"}
    ilo = pd.DataFrame({"isco08": ["1111"], "index_version": [2025], "mean": [0.4]})
    monkeypatch.setattr(occ, "read_soc_sources", _soc_sources)
    monkeypatch.setattr(occ, "raw_file", lambda source, name: (paths[(source, name)], "xlsx"))
    monkeypatch.setattr(occ, "read_ilo_scores", lambda path: {"ilo.xlsx": ilo}[path])
    assert occ.build_exposure_indices().set_index(["index", "isco08"]).loc[("ilo2025", "1111"), "score"] == 0.4


def test_prepare_index_default_threshold_and_mix_increases_above_zero() -> None:
    v = ex.prepare_index(_indices(), ILO, "ilo2025", rule="threshold")  # default 0.5: 0.8 and 0.6 exposed
    assert v.exposed4.to_dict() == {"1111": 1.0, "1112": 0.0, "2111": 1.0, "2112": 0.0, "2113": 0.0}
    mix = _mix().assign(d_exposed_pp=[0.375, -1.0, 0.5, 2.125, 5.0])  # FR +0.5: an increase below one point
    assert ex.mix_texts(mix, "DE", 2023, 2025)["mix_n_up"] == "2"


def test_chart_axes_details() -> None:
    import matplotlib.pyplot as plt

    fig = ex.chart_mix(ex.mix_shown(_mix(), "CH"), "DE", "Mix")
    assert list(fig.axes[0].lines[0].get_xdata()) == [0, 0]  # the zero line
    plt.close(fig)
    fig = ex.chart_correlations(_corr(), "Corr")
    assert fig.axes[0].images[0].get_clim() == (0, 1) and fig.axes[1].get_ylabel() == "Spearman rank correlation"
    plt.close(fig)
    fig = ex.chart_teachers(_teachers(), "Teachers")
    assert [c.get_zorder() for c in fig.axes[0].collections] == [3, 3, 3, 3, 4]  # dots above the unit groups
    plt.close(fig)


def test_chart_colours_and_line_styles() -> None:
    import matplotlib.pyplot as plt
    from matplotlib.colors import to_rgba

    from analysis.core.figures import PALETTE

    shown = ex.countries_shown(_countries(), "CH")  # AT, BE, EU, DE, CY, CH; the page's country: DE
    fig = ex.chart_countries(shown, "DE", "u", "T")
    assert [p.get_facecolor() for p in fig.axes[0].patches] == [
        to_rgba(c) for c in (PALETTE[0], PALETTE[0], "#333333", PALETTE[1], PALETTE[0], PALETTE[0])]
    plt.close(fig)
    plot = pd.DataFrame({"nace": ["C", "P"], "label": ["M", "E"], "exposed_pct": [30.0, 40.0],
                         "exposed_pct_2d": [30.0, 20.0], "substituted": ["", "OC2→OC23"], "strategy": ["x", ""],
                         "u_pct": [0.0, 0.0], "n_break": [0, 0]})
    fig = ex.chart_sectors(plot, "S")
    assert [p.get_facecolor() for p in fig.axes[0].patches] == [to_rgba(PALETTE[1]), to_rgba(PALETTE[0])]
    plt.close(fig)
    fig = ex.chart_correlations(_corr(), "C")
    assert [t.get_color() for t in fig.axes[0].texts][:3] == ["white", "white", "black"]  # 1.00, 0.95, 0.62
    plt.close(fig)
    fig = ex.chart_teachers(_teachers(), "T")
    ax = fig.axes[0]
    assert ax.lines[-1].get_linestyle() == "--" and list(ax.lines[-1].get_xdata()) == [90.0, 90.0]
    assert to_rgba("#888888") == tuple(ax.collections[0].get_facecolor()[0])
    plt.close(fig)


def test_build_exposure_indices_has_a_plain_index(monkeypatch: pytest.MonkeyPatch) -> None:
    ilo = pd.DataFrame({"isco08": ["1111"], "index_version": [2025], "mean": [0.4]})
    monkeypatch.setattr(occ, "read_soc_sources", _soc_sources)
    monkeypatch.setattr(occ, "raw_file", lambda source, name: (name, "xlsx"))
    monkeypatch.setattr(occ, "read_ilo_scores", lambda path: ilo)  # the name the tables module imported
    out = occ.build_exposure_indices()
    assert out.index.tolist() == list(range(len(out)))


# ------------------------------------------------------------------------------------------ the definitions table
def _definitions_inputs() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    ilo = pd.DataFrame({"isco08": ["1111", "1112", "2111", "2112"], "index_version": 2025,
                        "gradient": [f"{G}4", f"{G}1", "Minimal Exposure", "Not Exposed"]})
    ind = pd.DataFrame({"isco08": ["1111", "1112", "2111", "2112", "0110"], "index": "ilo2025",
                        "score": [0.7, 0.5, 0.3, 0.1, np.nan], "score_bls": np.nan})
    emp = pd.DataFrame({"isco08": ["OC11", "OC21", "OC01", "TOTAL", "OC11", "OC21"],
                        "geo": ["XX"] * 4 + ["YY", "XX"], "year": [2025] * 5 + [2024],
                        "value_thousands": [100.0, 300.0, 5.0, 405.0, 999.0, 1.0], "flag": ""})
    return ind, ilo, emp


def test_sensitivity_sentence_in_full() -> None:
    t = ex.sensitivity_table(*_definitions_inputs(), "XX", 2025)
    # 1–4: OC11 1.0 → 100/400 = 25 %; 2–4, 3–4, 4 only, 1–3: OC11 0.5 → 12.5 %; with minimal: OC21 0.5 → 62.5 %
    assert ex.sensitivity_sentence(t, "XX") == (
        "The headline counts gradients 1–4 (25.0 % of XX employment). Other readings of the same index: gradients "
        "2–4 12.5 %; gradients 3–4 12.5 %; gradient 4 only 12.5 %; gradients 1–3 12.5 %; minimal exposure and "
        "gradients 1–4 62.5 %. Read the ILO's way, the highest gradient (12.5 %) is where automation is most "
        "plausible and gradients 1–3 (12.5 %) are jobs more likely transformed than replaced; both are readings of "
        "task scores, not observed job changes. Weighting unit groups by employment within 2-digit groups is not "
        "computable: the LFS publishes employment by 2-digit group only; no European employment by 4-digit unit group "
        "is in the sources. The weighting the data do allow is within unit groups, for the SOC-based indices: their "
        "SOC codes weighted by US employment (the rows 'weighted by US employment' of the table of indices above).")
    only4 = t[t["definition"] != "gradients 1–3"]
    assert "Read the ILO's way" not in ex.sensitivity_sentence(only4, "XX")
    last = t.iloc[-1]
    assert (last["reading"], last["note"], bool(last["headline"])) == ("within-group weighting",
                                                                        ex.NO_4DIGIT_WEIGHTS, False)
    assert t.iloc[0]["note"] == "" and t.iloc[0]["reading"] == "ILO's exposed occupations (headline)"
    # aggregation of 2-digit scores: max changes the mean score only, not the exposed shares
    assert ex.sensitivity_table(*_definitions_inputs(), "XX", 2025, how="max")["exposed_pct"].iloc[0] == 25.0
    d = ex.sensitivity_display(t, "XX")
    assert list(d.columns) == ["Exposed if ILO 2025 category is", "Reading", "Unit groups within a 2-digit group",
                               "Unit groups counted", "XX employment exposed", "Headline"]
    assert d["Unit groups counted"].tolist()[:2] == ["2", "1"]


def test_sector_sensitivity_default_substitutes_and_bounds_per_row() -> None:
    cells = pd.DataFrame({"isco08": ["OC2", "OC2"], "nace": ["P", "C"], "value_thousands": [100.0, 100.0]})
    scores1 = pd.DataFrame({"score": [0.4], "exposed_share": [0.5]}, index=pd.Index(["OC2"], name="isco08"))
    s = ex.sector_sensitivity(cells, scores1, pd.Series({"OC23": 0.2}), pd.Series({"OC23": 0.1})).set_index("nace")
    # default substitutes: education's professionals → teaching professionals; C keeps its bound
    assert s.loc["P", "substituted"] == "OC2→OC23" and s.loc["C", "substituted"] == ""
    assert s["low"].to_dict() == {"C": 50.0, "P": 10.0} and s["high"].to_dict() == {"C": 50.0, "P": 50.0}
    assert s.loc["C", "label"] == "Manufacturing"


def test_two_digit_employment_and_exposed_share_names() -> None:
    emp = pd.DataFrame({"isco08": ["TOTAL", "OC1", "OC11", "OC123", "OC23"], "value_thousands": [1.0, 2, 3, 4, 5]})
    two = ex.two_digit_employment(emp)
    assert two["isco08"].tolist() == ["OC11", "OC23"] and two.index.tolist() == [0, 1]
    share = ex.exposed_share_two_digit(pd.Series([1.0, 0.0], index=["2310", "1111"]))
    assert share.name == "exposed_share" and share.index.name == "isco08" and share.index.tolist() == ["OC11", "OC23"]
    ind = pd.DataFrame({"isco08": ["1111"], "index": "aioe", "score": [0.5], "score_bls": [0.9]})
    assert ex.unit_scores(ind, "aioe", "bls").tolist() == [0.9] and ex.unit_scores(ind, "aioe").tolist() == [0.5]


def test_zero_total_and_a_cell_missing_everywhere_keep_no_flag() -> None:
    emp = pd.DataFrame([("OC11", "XX", 2025, 100.0, ""), ("OC01", "XX", 2025, 1.0, ""), ("OC02", "XX", 2025, 2.0, ""),
                        ("TOTAL", "XX", 2025, 0.0, "")], columns=["isco08", "geo", "year", "value_thousands", "flag"])
    row = ex.weighted_exposure(emp, pd.Series({"OC11": 0.5})).iloc[0]
    assert math.isnan(row["coverage_pct"]) and row["unscored"] == "OC01 OC02"
    sector = pd.DataFrame({"isco08": ["OC1", "OC1"], "nace": ["C", "C"], "geo": ["AA", "BB"], "year": [2024, 2024],
                           "value_thousands": [np.nan, np.nan], "flag": ["u", np.nan]})
    assert ex.eu_sector_sum(sector, ("AA", "BB")).iloc[0]["flag"] == ""
