"""Tests written against the survivors of a mutation run of analysis.chapters.adoption (issue 16).

Each test runs the package code on a tiny hand-made frame whose expected answer is written by hand (never computed
with the function under test): boundaries (values on a threshold, a fraction that rounds, a value missing
everywhere), the direction of every comparison a sentence makes, flags carried from every input, and the
sentences, tables and figures that had no test at all.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from _frames import ai_rows

from analysis.chapters import adoption as ad

NAN = float("nan")
T = "E_AI_TANY"
U = "PC_ENT_AI_EC"
rows = ai_rows


# ------------------------------------------------------------------------------------------------ loading
def test_ai_rows_keeps_only_the_dataset_and_all_activities() -> None:
    f = rows((T, "GE10", "AT", 2024, 10.0, ""), (T, "GE10", "BE", 2024, 20.0, ""), (T, "GE10", "BG", 2024, 30.0, ""))
    f.loc[1, "dataset"] = "isoc_eb_ain2"     # the by-activity table
    f.loc[2, "nace"] = "C10-33"              # manufacturing only
    out = ad.ai_rows(f)
    assert out["geo"].tolist() == ["AT"] and out.index.tolist() == [0]


def test_load_adoption_reads_the_processed_table_and_returns_a_copy(tmp_path, monkeypatch) -> None:  # noqa: ANN001
    from analysis.tables import process

    monkeypatch.setenv("ANALYSIS_ROOT", str(tmp_path))
    with pytest.raises(FileNotFoundError, match="ai_adoption.csv does not exist"):
        ad.load_adoption()
    (tmp_path / "data" / "processed").mkdir(parents=True)
    (tmp_path / "data" / "processed" / "ai_adoption.csv").write_text("x\n")
    f = rows((T, "GE10", "AT", 2024, 10.0, ""), (T, "GE10", "BE", 2024, 20.0, ""))
    f.loc[1, "dataset"] = "isoc_eb_ain2"
    asked: list[str] = []
    monkeypatch.setattr(process, "load", lambda name: asked.append(name) or f.copy())
    first = ad.load_adoption()
    assert asked == ["ai_adoption"] and first["geo"].tolist() == ["AT"]
    first.loc[0, "value"] = -1.0                       # the caller's copy, not the cached frame
    assert ad.load_adoption().loc[0, "value"] == 10.0


def test_aggregates_and_member_states() -> None:
    assert ad.is_aggregate("EU27_2020") and ad.is_aggregate("EA20") and ad.is_aggregate("EA")
    assert not ad.is_aggregate("EE") and not ad.is_aggregate("ES") and not ad.is_aggregate("AT")
    f = rows((T, "GE10", "SE", 2024, 1.0, ""), (T, "GE10", "EU27_2020", 2024, 1.0, ""),
             (T, "GE10", "NO", 2024, 1.0, ""), (T, "GE10", "AT", 2024, 1.0, ""), (T, "GE10", "AT", 2023, 1.0, ""))
    assert ad.member_states_in(f) == ["AT", "SE"]


def test_label_looks_in_every_table() -> None:
    assert ad.label("E_AI_TML") == "machine learning for data analysis"
    assert ad.label("E_AI_BCST") == "costs seem too high"
    assert ad.label("GE250") == "large (250+)"
    assert ad.label("EL") == "Greece"
    assert ad.label("XX") == "XX"


# ------------------------------------------------------------------------------------------------ barriers
def _barrier_frame() -> pd.DataFrame:
    """AT: values in 2021 and 2024, a row without a value in 2023; EU27: no value in 2021; CZ: rows, no value;
    FR: no row at all (as Eurostat: CZ FR IE RO publish none)."""
    out = []
    for y in (2021, 2023, 2024):
        out += [("E_AI_BCST", "GE10", "CZ", y, NAN, "", U)]
        out += [("E_AI_BCST", "GE10", "EU27_2020", y, NAN if y == 2021 else 33.0, "", U)]
    out += [("E_AI_BCST", "GE10", "AT", 2021, 44.0, "", U), ("E_AI_BCST", "GE10", "AT", 2023, NAN, "", U)]
    at24 = {"E_AI_BCST": (40.0, 35.0, 30.0, 38.0), "E_AI_BLE": (50.0, 45.0, 20.0, 48.0)}
    for ind, vals in at24.items():
        for sc, v in zip(("10-49", "50-249", "GE250", "GE10"), vals, strict=True):
            out.append((ind, sc, "AT", 2024, v, "u" if (ind, sc) == ("E_AI_BCST", "GE250") else "", U))
    out.append(("E_AI_BCST", "GE10", "AT", 2024, 99.0, "", "PC_ENT"))      # another unit: ignored
    out.append(("E_AI_TANY", "GE10", "AT", 2024, 12.0, "", U))            # not a barrier: ignored
    return rows(*out)


def test_barrier_coverage_counts_values_not_rows() -> None:
    cov = ad.barrier_coverage(_barrier_frame())
    assert list(cov.index) == ["AT", "CZ", "EU27_2020"] and list(cov.columns) == [2021, 2023, 2024]
    assert cov.loc["AT"].tolist() == [1, 0, 8]
    assert cov.loc["CZ"].tolist() == [0, 0, 0]
    assert cov.loc["EU27_2020"].tolist() == [0, 1, 1]


def test_barrier_coverage_of_a_geo_without_rows_in_a_year_is_zero() -> None:
    # a real bug found by the mutation run: pandas gave NaN for the absent (geo, year) and the integer cast crashed
    f = rows(("E_AI_BCST", "GE10", "AT", 2023, 5.0, "", U), ("E_AI_BCST", "GE10", "BE", 2024, 6.0, "", U))
    cov = ad.barrier_coverage(f)
    assert cov.loc["AT"].tolist() == [1, 0] and cov.loc["BE"].tolist() == [0, 1]


def test_members_without_barrier_values() -> None:
    out = ad.members_without(_barrier_frame(), ad.BARRIERS, U)
    assert "AT" not in out and "CZ" in out and "FR" in out and len(out) == 26
    assert out == sorted(out)
    # a value in another unit does not count
    assert "AT" in ad.members_without(_barrier_frame(), ("E_AI_TANY",), "PC_ENT")


@pytest.mark.parametrize(("geo", "year", "want"), [
    ("AT", 2024, ("AT", 2024, "")),
    ("AT", 2023, ("AT", 2021, "No barrier values for Austria in 2023; shown: 2021.")),   # latest earlier year
    ("AT", 2025, ("AT", 2024, "No barrier values for Austria in 2025; shown: 2024.")),
    ("AT", 2020, ("AT", 2024, "No barrier values for Austria in 2020; shown: 2024.")),   # none earlier: latest
    ("FR", 2024, ("EU27_2020", 2024, "Eurostat publishes no barrier data for France; shown: the EU27.")),
    ("CZ", 2024, ("EU27_2020", 2024, "Eurostat publishes no barrier data for Czechia; shown: the EU27.")),
    ("CZ", 2021, ("EU27_2020", 2024, "Eurostat publishes no barrier data for Czechia; shown: the EU27. "
                                     "No barrier values for the EU27 in 2021; shown: 2024.")),
])
def test_barrier_choice(geo: str, year: int, want: tuple) -> None:
    assert ad.barrier_choice(_barrier_frame(), geo, year) == want


def test_barrier_sentence_top_reason_cost_and_what_is_not_published() -> None:
    f = _barrier_frame()
    res = ad.barriers(f, "AT", 2024)
    text = ad.barrier_sentence(f, res, note="A note.")
    assert text.startswith("A note. Among the enterprises of Austria that considered using AI but did not use it "
                           "in 2024, the reason given most often was 'lack of relevant expertise' (48.0 % of all "
                           "such enterprises; 50.0 % of small and 20.0 % of large ones). Cost was cited by 40.0 % "
                           "of small and 30.0 % of large ones. Barrier data (unit: % of enterprises that considered "
                           "AI but do not use it) are not published for Belgium, Bulgaria, Cyprus, Czechia, ")
    assert text.endswith("Slovenia, Slovakia; the EU27 values are missing for 2021.")
    assert "Austria," not in text.split("not published for")[1]
    assert ad.barrier_sentence(f, res).startswith("Among the enterprises of Austria")


def test_barrier_sentence_without_values_and_without_cost() -> None:
    f = _barrier_frame()
    assert ad.barrier_sentence(f, ad.barriers(f, "CZ", 2024)) == "No barrier values for Czechia in 2024."
    assert ad.barrier_sentence(f, ad.barriers(f, "CZ", 2024), "N.") == "N. No barrier values for Czechia in 2024."
    no_cost = ad.barriers(f, "AT", 2024, indicators=("E_AI_BLE",))
    text = ad.barrier_sentence(f.loc[f["geo"] != "EU27_2020"], no_cost)
    assert "Cost was cited" not in text and "'lack of relevant expertise' (48.0 %" in text
    assert text.endswith("Slovenia, Slovakia.")         # no EU27 row: nothing said missing for it


def test_barriers_wide_orders_by_all_enterprises() -> None:
    res = ad.barriers(_barrier_frame(), "AT", 2024)
    w = res.wide()
    assert list(w.columns) == ["10-49", "50-249", "GE250", "GE10"]
    assert list(w.index[:2]) == ["E_AI_BLE", "E_AI_BCST"]           # 48 > 38 (GE10), although 10-49: 50 > 40
    assert len(res.missing) == 6 * 4 and ("E_AI_BINC", "GE10") in res.missing
    assert res.table.loc[res.table["indicator"] == "E_AI_BCST", "flag"].tolist() == ["", "", "u", ""]
    assert res.table.loc[0, "label"] == "costs seem too high"
    # without GE10 the first class orders the rows
    w2 = ad.barriers(_barrier_frame(), "AT", 2024, size_classes=("GE250", "10-49")).wide()
    assert list(w2.columns) == ["10-49", "GE250"] and list(w2.index[:2]) == ["E_AI_BLE", "E_AI_BCST"]


def test_break_list_text() -> None:
    f = rows((T, "GE10", "NL", 2025, 1.0, "b"), (T, "GE250", "NL", 2025, 1.0, "b"),
             (T, "10-249", "FR", 2024, 1.0, "b u"), (T, "GE10", "FR", 2023, 1.0, "b"),
             (T, "GE10", "AT", 2023, 1.0, "u"),                         # not a break
             ("E_AI_TTM", "GE10", "BE", 2023, 1.0, "b"),                # another indicator
             (T, "GE10", "DE", 2023, 1.0, "b", U))                      # another unit
    assert ad.break_list_text(f) == "France 2023, 2024; Netherlands 2025"
    assert ad.break_list_text(f, "E_AI_TTM") == "Belgium 2023"
    assert ad.break_list_text(f.loc[f["geo"] == "AT"]) == "none"


# ------------------------------------------------------------------------------------------------ technologies
def test_technology_sentence_points_ratio_and_missing() -> None:
    tech = pd.DataFrame({
        "indicator": ["E_AI_TML", "E_AI_TTM", "E_AI_TPVSG"],
        "label": ["machine learning", "text mining", "pictures"],
        "small": [2.0, 10.0, NAN], "large": [22.04, 25.0, NAN], "gap_pp": [20.04, 15.0, NAN],
        "ratio": [11.02, 2.5, NAN], "flags": ["", "", ""]})
    text = ad.technology_sentence(tech, "NL", 2025)
    assert text == ("In the Netherlands, 2025, the widest gap in points is in machine learning (20.0 pp: 22.0 % of "
                    "large enterprises against 2.0 % of SMEs); the widest as a ratio is machine learning (11.0 "
                    "times). Not available: pictures.")
    tech.loc[1, "ratio"] = 12.0                        # the ratio ranks differently from the points
    assert "the widest as a ratio is text mining (12.0 times)" in ad.technology_sentence(tech, "NL", 2025)
    tech2 = tech.iloc[:2].assign(ratio=NAN)
    assert ad.technology_sentence(tech2, "AT", 2025).endswith("2.0 % of SMEs).")
    none = tech.assign(gap_pp=NAN)
    assert ad.technology_sentence(none, "AT", 2021) == "No technology has both values for Austria in 2021."


# ------------------------------------------------------------------------------------------------ panel
def test_panel_facts_counts_rows_flags_countries_years() -> None:
    panel = pd.DataFrame({"geo": ["AT", "AT", "BE", "BG"], "year": [2023, 2024, 2024, 2025],
                          "flag_u": [True, False, True, False], "flag_b": [False, False, False, True]})
    assert ad.panel_flag_summary(panel) == {"rows": 4, "u_rows": 2, "b_rows": 1, "countries": 3, "years": 3}
    assert ad.panel_facts(panel) == ("The panel has 4 country-years from 3 member states over 3 survey years; 2 "
                                     "rows carry a low-reliability (u) flag and 1 a break in series (b).")


def test_value_at_refuses_two_rows_for_one_cell() -> None:
    f = rows((T, "GE10", "AT", 2024, 10.0, ""), (T, "GE10", "AT", 2024, 11.0, ""))
    with pytest.raises(ValueError, match=r"^2 rows for E_AI_TANY PC_ENT AT GE10 2024; expected one$"):
        ad.value_at(f, T, "AT", "GE10", 2024)
    v, fl = ad.value_at(f, T, "AT", "GE10", 2024, unit=U)          # another unit: no row
    assert math.isnan(v) and fl == ""


# ------------------------------------------------------------------------------------------------ trend model
def _additive_panel() -> pd.DataFrame:
    """gap = country effect (AT 10, BE 28, BG 5) + year effect (2023 0, 2024 +2, 2025 +3), exactly; unbalanced,
    so that year means without country effects differ: 2023 (10 + 5) / 2 = 7.5, 2024 (12 + 30) / 2 = 21,
    2025 (31 + 8) / 2 = 19.5 → year coefficients 13.5 and 12.0."""
    return pd.DataFrame({"geo": ["AT", "AT", "BE", "BE", "BG", "BG"], "year": [2023, 2024, 2024, 2025, 2023, 2025],
                         "gap_pp": [10.0, 12.0, 30.0, 31.0, 5.0, 8.0], "ratio": [2.0, 2.0, 3.0, 3.0, 1.0, 1.5]})


def test_gap_trend_within_and_pooled_year_effects() -> None:
    p = _additive_panel()
    within = ad.year_effects(ad.gap_trend(p))
    assert list(within.columns[:2]) == ["year", "term"] and within["year"].dtype == np.int64
    assert within.index.tolist() == [0, 1] and "index" not in within.columns
    assert within["year"].tolist() == [2024, 2025]
    assert within["estimate"].tolist() == pytest.approx([2.0, 3.0], abs=1e-9)
    pooled = ad.year_effects(ad.gap_trend(p, country_effects=False))
    assert pooled["estimate"].tolist() == pytest.approx([13.5, 12.0], abs=1e-9)
    assert ad.gap_trend(p, "ratio", country_effects=False).formula == "ratio ~ C(year)"
    assert ad.gap_trend(p).formula == "gap_pp ~ C(year) + C(geo)"


def test_gap_trend_needs_two_years_and_two_are_enough() -> None:
    p = _additive_panel()
    two = p.loc[p["year"] < 2025]
    assert ad.year_effects(ad.gap_trend(two, country_effects=False))["year"].tolist() == [2024]
    with pytest.raises(ValueError, match="^a trend needs at least two survey years in the panel$"):
        ad.gap_trend(p.loc[p["year"] == 2024])


# ------------------------------------------------------------------------------------------------ strategy
def _strategy_frame(ge10: float = 13.48, sme: float = 12.55, large: float = 41.17) -> pd.DataFrame:
    eu = "EU27_2020"
    return rows((T, "GE10", eu, 2024, ge10, ""), (T, "10-249", eu, 2024, sme, ""), (T, "GE250", eu, 2024, large, ""),
                (T, "GE10", eu, 2025, 20.0, ""), (T, "10-249", eu, 2025, 19.5, ""),
                (T, "GE10", eu, 2026, NAN, ""),                               # no value: not the latest year
                (T, "GE10", "AT", 2024, 50.0, ""), (T, "10-249", "AT", 2024, 50.0, ""),
                (T, "GE10", "AT", 2027, 50.0, ""),                            # another geo's later year
                ("E_AI_TTM", "GE10", eu, 2024, 1.0, ""), ("E_AI_TTM", "GE10", eu, 2027, 1.0, ""))


def test_strategy_numbers_and_match_on_the_rounding_boundary() -> None:
    assert ad.strategy_numbers(_strategy_frame()) == {"all": 13.48, "sme": 12.55, "large": 41.17}
    assert ad.strategy_matches({"all": 13.45, "sme": 12.55, "large": 1.0})      # both round up to the strategy's
    assert not ad.strategy_matches({"all": 13.44, "sme": 12.6, "large": 1.0})
    assert not ad.strategy_matches({"all": 13.5, "sme": 12.54999, "large": 1.0})
    assert not ad.strategy_matches({"all": 13.5, "sme": NAN, "large": 1.0})
    assert ad.strategy_matches({"all": 13.5, "sme": 12.6, "large": NAN})         # large is not the strategy's


def test_strategy_sentence_exact() -> None:
    text = ad.strategy_sentence(_strategy_frame())
    assert text == ("The survey of 2024 gives, for the EU27, 13.48 % of all enterprises with 10 or more persons "
                    "employed and 12.55 % of SMEs (10-249) using at least one AI technology; rounded to one decimal, "
                    "13.5 % and 12.6 %, the strategy's figures. What the sentence leaves out is the other end: "
                    "41.17 % of large enterprises, 28.62 pp more than SMEs, or 3.3 times their share. In 2025 the EU "
                    "shares were 20.00 % (all) and 19.50 % (SMEs), on a questionnaire that counts one more "
                    "technology (see caveats).")


def test_strategy_sentence_mismatch_missing_and_no_break() -> None:
    text = ad.strategy_sentence(_strategy_frame(ge10=13.44))
    assert "rounded to one decimal, 13.4 % and 12.6 %, not the strategy's 13.5 % and 12.6 %. What" in text
    assert ad.strategy_sentence(_strategy_frame(large=NAN)) == (
        "Eurostat's EU27 shares for 2024 are not all available: the strategy's figures cannot be checked.")
    f = _strategy_frame()
    f = f.loc[f["year"] != 2025]
    assert ad.strategy_sentence(f).endswith("or 3.3 times their share.")
    # the latest year after the one compared, without the questionnaire change between them: no caveat
    eu = "EU27_2020"
    g = rows((T, "GE10", eu, 2023, 8.0, ""), (T, "10-249", eu, 2023, 7.5, ""), (T, "GE250", eu, 2023, 30.0, ""),
             (T, "GE10", eu, 2024, 13.48, ""), (T, "10-249", eu, 2024, 12.55, ""))
    assert ad.strategy_sentence(g, 2023).endswith(
        "not the strategy's 13.5 % and 12.6 %. What the sentence leaves out is the other end: 30.00 % of large "
        "enterprises, 22.50 pp more than SMEs, or 4.0 times their share. In 2024 the EU shares were 13.48 % (all) "
        "and 12.55 % (SMEs).")


# ------------------------------------------------------------------------------------------------ 2030 target
def _target_frame() -> pd.DataFrame:
    return rows((T, "GE10", "AT", 2023, 8.0, ""), (T, "GE10", "AT", 2024, 10.0, ""), (T, "GE10", "AT", 2025, 15.0, ""),
                (T, "10-249", "AT", 2024, 12.0, ""), (T, "10-249", "AT", 2025, NAN, ""),
                (T, "GE250", "AT", 2024, 40.0, ""), ("E_AI_TTM", "GE10", "AT", 2024, 1.0, ""))


TARGET_HEAD = ("The Digital Decade target is 75 % of enterprises taking up cloud computing, big data and/or AI by "
               "2030; the series here counts AI alone, so it is not a measure of the target's attainment (an "
               "enterprise using only cloud services counts towards the target, not here).")


def test_target_sentence_exact() -> None:
    f = _target_frame()
    path = ad.target_path(f, "AT")
    assert path["after_break"].tolist() == [False, False, True, False, True]
    # GE10: (75 / 15) ** (1 / 5) = 1.37973 → 38.0 % a year; (75 − 15) / 5 = 12.0 pp a year.
    # SMEs: (75 / 12) ** (1 / 6) = 1.35721 → 35.7 % a year; 63 / 6 = 10.5 pp a year.
    assert ad.target_sentence(path, "AT", f) == (
        TARGET_HEAD + " isoc_eb_ai holds AI indicators only (2 of them, all on AI): no indicator of cloud, big data "
        "and/or AI combined, so the target itself cannot be measured here. In Austria, for all enterprises, AI "
        "take-up went from 8.0 % in 2023 to 15.0 % in 2025; reaching 75 % by 2030 would take 38.0 % a year "
        "(compound growth of the share) or 12.0 pp a year (straight line); for SMEs, AI take-up was 12.0 % in 2024; "
        "reaching 75 % by 2030 would take 35.7 % a year (compound growth of the share) or 10.5 pp a year (straight "
        "line). The 2025 value is on the wider questionnaire (one more AI technology), so the path's last step is "
        "not like for like.")


def test_target_sentence_missing_class_no_break_and_nothing() -> None:
    f = _target_frame()
    only_ge10 = ad.target_path(f.loc[(f["size_class"] == "GE10") & (f["year"] < 2025)], "AT")
    text = ad.target_sentence(only_ge10, "AT")
    assert text == (TARGET_HEAD + " In Austria, for all enterprises, AI take-up went from 8.0 % in 2023 to 10.0 % in "
                    "2024; reaching 75 % by 2030 would take 39.9 % a year (compound growth of the share) or 10.8 pp a "
                    "year (straight line); for SMEs AI take-up is not available.")
    after = ad.target_path(f.loc[f["year"] == 2025], "AT")              # only the wider questionnaire: no step
    assert ad.target_sentence(after, "AT").endswith("(straight line); for SMEs AI take-up is not available.")
    met = ad.target_path(rows((T, "GE10", "AT", 2024, 80.0, "")), "AT")
    assert "was 80.0 % in 2024; reaching 75 % by 2030 would take 0.0 % a year" in ad.target_sentence(met, "AT")
    none = ad.target_sentence(ad.target_path(f, "BE"), "BE")
    assert none == TARGET_HEAD + " AI take-up is not available for Belgium."


def test_required_growth_boundaries() -> None:
    assert ad.required_growth(15.0, 2025) == {"years": 5.0, "cagr_pct": pytest.approx(100 * (5 ** 0.2 - 1)),
                                              "pp_per_year": 12.0}
    assert ad.required_growth(75.0, 2025) == {"years": 5.0, "cagr_pct": 0.0, "pp_per_year": 0.0}
    assert ad.required_growth(0.5, 2029) == {"years": 1.0, "cagr_pct": pytest.approx(14900.0), "pp_per_year": 74.5}
    for value, year in ((0.0, 2025), (NAN, 2025), (None, 2025), (10.0, 2030), (10.0, 2031)):
        g = ad.required_growth(value, year)
        assert set(g) == {"years", "cagr_pct", "pp_per_year"}
        assert math.isnan(g["cagr_pct"]) and math.isnan(g["pp_per_year"])
    assert ad.required_growth(10.0, 2031)["years"] == -1.0


def test_combined_indicator_note() -> None:
    f = rows((T, "GE10", "AT", 2024, 1.0, ""), ("E_CC", "GE10", "AT", 2024, 1.0, ""),
             ("E_BD", "GE10", "AT", 2024, 1.0, ""))
    assert ad.combined_indicator_note(f) == "The table also holds E_BD, E_CC."
    assert ad.combined_indicator_note(f.loc[f["indicator"] == T]).startswith("isoc_eb_ai holds AI indicators only "
                                                                           "(1 of them")


# ------------------------------------------------------------------------------------------------ size sentence
def test_size_sentence_exact_and_reference_rules() -> None:
    f = rows((T, "10-249", "NL", 2024, 10.0, ""), (T, "GE250", "NL", 2024, 40.0, "u"),
             (T, "10-249", "EU27_2020", 2024, 20.0, ""), (T, "GE250", "EU27_2020", 2024, 50.0, ""))
    gaps = ad.size_gap(f, "10-249", "GE250", T, 2024)
    # NL: odds (40 / 60) / (10 / 90) = 6.0; EU: (50 / 50) / (20 / 80) = 4.0
    assert ad.size_sentence(gaps, "NL", "EU27_2020", 2024, T, "10-249", "GE250") == (
        "In the Netherlands, 2024, 40.0 % of large (250+) enterprises and 10.0 % of SMEs (10-249) used any AI "
        "technology: a gap of 30.0 percentage points, 4.0 times the share, or an odds ratio of 6.0. Eurostat flags "
        "these values (u). In the EU27 the gap was 30.0 pp (2.5 times; odds ratio 4.0).")
    own = ad.size_sentence(gaps, "EU27_2020", "EU27_2020", 2024, T, "10-249", "GE250")
    assert own.endswith("or an odds ratio of 4.0.")
    no_ref = ad.size_sentence(gaps.loc[gaps["geo"] == "NL"], "NL", "EU27_2020", 2024, T, "10-249", "GE250")
    assert no_ref.endswith("Eurostat flags these values (u).")
    assert ad.size_sentence(gaps, "AT", "EU27_2020", 2024, "E_AI_TML", "10-249", "GE250") == (
        "In Austria, 2024, the gap for machine learning for data analysis is not available (a value is missing).")


def test_odds_table_orders_member_states_by_name() -> None:
    f = rows(*[(T, sc, g, y, v, "") for g in ("DE", "DK", "EU27_2020") for y in (2023, 2024)
               for sc, v in (("10-249", 10.0), ("GE250", 40.0))])
    t = ad.odds_table(ad.gap_change(f, 2023, 2024), 2023, 2024)
    assert t["Country"].tolist() == ["EU27", "Denmark", "Germany"]


# ------------------------------------------------------------------------------------------------ technologies (table)
def test_technology_gaps_exact_table_for_one_geo_among_several() -> None:
    f = rows(("E_AI_TTM", "10-249", "AT", 2025, 50.0, ""), ("E_AI_TTM", "GE250", "AT", 2025, 90.0, ""),   # other geo
             ("E_AI_TTM", "10-249", "BE", 2025, 5.0, "u"), ("E_AI_TTM", "GE250", "BE", 2025, 15.0, ""),
             ("E_AI_TML", "10-249", "BE", 2025, 2.0, ""), ("E_AI_TML", "GE250", "BE", 2025, 12.0, "b"),
             ("E_AI_TSR", "10-249", "BE", 2024, 1.0, ""), ("E_AI_TSR", "GE250", "BE", 2024, 9.0, ""))   # other year
    t = ad.technology_gaps(f, "BE", 2025, technologies=("E_AI_TSR", "E_AI_TTM", "E_AI_TML"))
    assert t.columns.tolist() == ["indicator", "label", "small", "large", "gap_pp", "ratio", "flags"]
    assert t.index.tolist() == [0, 1, 2]
    # TML and TTM both 10 pp: ties by indicator code; TSR not asked in 2025 comes last, empty flags
    assert t["indicator"].tolist() == ["E_AI_TML", "E_AI_TTM", "E_AI_TSR"]
    assert t.iloc[1, 1:].tolist() == ["text mining", 5.0, 15.0, 10.0, 3.0, "u"]
    assert t.iloc[0, 6] == "b" and t.iloc[0, 5] == 6.0
    assert t.iloc[2, 6] == "" and t.iloc[2, 2:6].isna().all()


# ------------------------------------------------------------------------------------------------ ranking
def _ranking_frame() -> pd.DataFrame:
    """gap / odds ratio: AT 30 / 6.0; BE 25 / 3.27; BG 18 / 12.25; CY 10 / 1.56; EU27 and Norway not ranked."""
    out = []
    for g, s, lg in (("AT", 10.0, 40.0), ("BE", 20.0, 45.0), ("BG", 2.0, 20.0), ("CY", 30.0, 40.0),
                     ("EU27_2020", 8.0, 40.0), ("NO", 5.0, 60.0)):
        out += [(T, "10-249", g, 2024, s, ""), (T, "GE250", g, 2024, lg, "")]
    return rows(*out)


def test_ranking_sentence_exact_points_odds_and_rank_correlation() -> None:
    gaps = ad.size_gap(_ranking_frame(), "10-249", "GE250", T, 2024)
    # ranks by points AT BE BG CY = 1 2 3 4, by odds 2 3 1 4: Σd² = 6, Spearman 1 − 6·6 / (4·15) = 0.40
    assert ad.ranking_sentence(gaps, "BE", 2024, "10-249", "GE250") == (
        "In 2024, among member states, the gap between large (250+) and SMEs (10-249) enterprises was largest in "
        "Austria (30.0 pp) and smallest in Cyprus (10.0 pp). On the odds scale, the largest odds ratio was "
        "Bulgaria's (12.3) and the smallest Cyprus's (1.6). The two rankings have a rank correlation of 0.40. "
        "Belgium ranks 2 of 4 member states by the gap in points.")
    assert ad.ranking_sentence(gaps, "NO", 2024, "10-249", "GE250").endswith(
        " Norway is not a member state and is not ranked.")
    assert ad.ranking_sentence(gaps, "EU27_2020", 2024, "10-249", "GE250").endswith(
        " The EU27 is not a member state and is not ranked.")


def test_ranking_sentence_two_one_and_no_member_states() -> None:
    gaps = ad.size_gap(_ranking_frame(), "10-249", "GE250", T, 2024)
    two = gaps.loc[gaps["geo"].isin(["AT", "BE"])]
    assert ad.ranking_sentence(two, "AT", 2024, "10-249", "GE250") == (
        "In 2024, among member states, the gap between large (250+) and SMEs (10-249) enterprises was largest in "
        "Austria (30.0 pp) and smallest in Belgium (25.0 pp). On the odds scale, the largest odds ratio was "
        "Austria's (6.0) and the smallest Belgium's (3.3). The two rankings have a rank correlation of 1.00. "
        "Austria ranks 1 of 2 member states by the gap in points.")
    one = ad.ranking_sentence(gaps.loc[gaps["geo"] == "CY"], "CY", 2024, "10-249", "GE250")
    assert "odds" not in one and one.endswith("Cyprus ranks 1 of 1 member states by the gap in points.")
    assert ad.ranking_sentence(gaps.loc[gaps["geo"] == "NO"], "NO", 2024, "10-249", "GE250") == (
        "No member state has both values in 2024.")
    assert ad.ranking_title(gaps, 2024, T) == ("2024: large enterprises' lead in any AI technology ranges from 10 pp "
                                               "(Cyprus) to 30 pp (Austria)")


# ------------------------------------------------------------------------------------------------ the panel
def test_gap_panel_refuses_aggregates_and_duplicate_cells_and_has_columns_when_empty() -> None:
    f = rows((T, "10-249", "AT", 2024, 10.0, ""), (T, "GE250", "AT", 2024, 40.0, ""),
             (T, "GE10", "AT", 2024, 12.0, ""), (T, "GE10", "AT", 2024, 13.0, ""))
    with pytest.raises(ValueError, match=r"^the panel holds countries only; aggregates given: EU27_2020, EA$"):
        ad.gap_panel(f, geos=("AT", "EU27_2020", "EA"))
    with pytest.raises(pd.errors.MergeError):                      # two overall values for one country-year
        ad.gap_panel(f)
    empty = ad.gap_panel(f, indicator="E_AI_TML")
    assert empty.empty and empty.columns.tolist() == ["geo", "year", "small", "large", "overall", "gap_pp", "ratio",
                                                      "flags", "flag_u", "flag_b"]


def test_gap_panel_carries_the_flag_of_every_input() -> None:
    flags = {"AT": ("u", "", ""), "BE": ("", "b", ""), "BG": ("", "", "bu"), "CY": ("", "", "")}
    f = rows(*[(T, sc, g, 2024, NAN if (g, sc) == ("CY", "GE10") else v, fl[k]) for g, fl in flags.items()
               for k, (sc, v) in enumerate((("10-249", 10.0), ("GE250", 40.0), ("GE10", 12.0)))])
    p = ad.gap_panel(f).set_index("geo")
    assert p.index.tolist() == ["AT", "BE", "BG"]                      # CY: overall missing, dropped
    assert p["flags"].tolist() == ["u", "b", "bu"]
    assert p["flag_u"].tolist() == [True, False, True] and p["flag_b"].tolist() == [False, True, True]
    assert p.columns.tolist()[:5] == ["year", "small", "large", "overall", "gap_pp"]


# ------------------------------------------------------------------------------------------------ parameters
@pytest.fixture
def params_frame(monkeypatch: pytest.MonkeyPatch) -> pd.DataFrame:
    f = rows((T, "10-249", "EU27_2020", 2024, 12.0, ""), (T, "GE250", "EU27_2020", 2024, 41.0, ""),
             (T, "10-249", "DK", 2023, 14.0, ""), (T, "GE250", "DK", 2023, NAN, "@C"))
    monkeypatch.setattr(ad, "load_adoption", lambda: f.copy())
    return f


@pytest.mark.parametrize(("values", "message"), [
    ({"indicator": "E_AI_TML"}, "sme_adoption_gap: parameter indicator='E_AI_TML' is not valid; choose one of: "
                                "E_AI_TANY"),
    ({"small": "GE500"}, "sme_adoption_gap: parameter small='GE500' is not valid; choose one of: 10-249, GE250"),
    ({"geo": "DK"}, "sme_adoption_gap: parameter geo='DK' is not valid; choose one of: EU27_2020"),
    ({"year": 2023}, "sme_adoption_gap: parameter year=2023 is not valid; choose one of: 2024"),
])
def test_params_errors_name_the_notebook(params_frame: pd.DataFrame, values: dict, message: str) -> None:
    from analysis.chapters.params import ParameterError, validate

    with pytest.raises(ParameterError) as err:
        validate("sme_adoption_gap", values)
    assert str(err.value) == message


def test_resolved_year_without_any_year_says_what_is_missing(params_frame: pd.DataFrame) -> None:
    from analysis.chapters.params import ParameterError, validate

    p = validate("sme_adoption_gap", {"geo": "DK"}, check_data=False)
    with pytest.raises(ParameterError) as err:
        p.resolved_year()
    assert str(err.value) == "sme_adoption_gap: no year with values for E_AI_TANY 10-249 and GE250 in DK"


# ------------------------------------------------------------------------------------------------ is it closing?
def _closing_frame(years: tuple[int, ...] = (2023, 2024, 2025)) -> pd.DataFrame:
    """Small (10-49) vs large: 10/40 → 20/55 → 30/60 (gap 30 → 35 → 30) in NO, AT, the EU27 and TR; the SMEs
    (10-249) at 50 % everywhere, so that a comparison of the default classes gives another gap."""
    vals = {2023: (10.0, 40.0), 2024: (20.0, 55.0), 2025: (30.0, 60.0)}
    out = []
    for g in ("NO", "AT", "EU27_2020", "TR"):
        for y in years:
            s, lg = vals[y]
            out += [(T, "10-49", g, y, s, ""), (T, "GE250", g, y, lg, ""), (T, "10-249", g, y, 50.0, "")]
    return rows(*out)


def test_closing_for_a_non_member_uses_its_classes_and_names_it() -> None:
    c = ad.closing(_closing_frame(), "NO", 2025, small="10-49")
    assert (c.pair, c.step) == ((2023, 2024), (2024, 2025))
    ch = c.change.set_index("geo")
    assert "NO" in ch.index and "EU27_2020" in ch.index and "AT" in ch.index and "TR" not in ch.index
    assert (ch.loc["NO", "gap_from"], ch.loc["NO", "gap_to"]) == (30.0, 35.0)          # 10-49, not 10-249
    st = c.step_change.set_index("geo")
    assert (st.loc["NO", "gap_from"], st.loc["NO", "gap_to"]) == (35.0, 30.0) and "TR" not in st.index
    assert c.texts["closing"].startswith("Like for like, between 2023 and 2024 (no questionnaire change between "
                                         "them), the gap of Norway widened in points, from 30.0 to 35.0 pp (+5.0 pp)")
    assert c.texts["odds"].startswith("The three scales of the gap of Norway, 2023 to 2024: in points it is wider")
    assert c.texts["break"].startswith("From 2024 to 2025 the gap of Norway went from 35.0 to 30.0 pp")


def test_closing_without_a_like_for_like_pair() -> None:
    c = ad.closing(_closing_frame((2024, 2025)), "NO", 2025, small="10-49")
    assert c.pair is None and c.change is None and c.step is None and c.step_change is None
    assert c.texts == {"closing": "Norway has no two survey years up to 2025 without a break between them: no "
                                  "like-for-like change to show.", "odds": "", "break": ""}
    same = ad.closing(_closing_frame(), "AT", 2024, small="10-49")
    assert same.pair == (2023, 2024) and same.step is None and same.texts["break"] == ""
    assert same.texts["odds"].startswith("The three scales of the gap of Austria")


# ------------------------------------------------------------------------------------------------ figures
def _slopes(within: float = -0.125) -> pd.DataFrame:
    rows_ = []
    for sample in ("all years", "2023–2024"):
        for design, slope in (("pooled", 0.5), ("between", 0.95), ("within", within)):
            rows_.append({"design": design, "label": ad.DESIGN_LABELS[design], "sample": sample, "slope": slope,
                          "se": 0.0549, "p_value": 0.04, "ci_low": slope - 0.11, "ci_high": slope + 0.11, "nobs": 4,
                          "clusters": 2})
    return pd.DataFrame(rows_)


def test_panel_title_exact() -> None:
    assert ad.panel_title(_slopes()) == ("Between countries the gap is 0.95 pp wider per point of adoption; within "
                                         "countries (before the break) \u22120.13 pp (SE 0.05)")
    assert ad.panel_title(_slopes(0.125)).endswith("(before the break) +0.13 pp (SE 0.05)")
    s = _slopes()
    s.loc[(s["design"] == "within") & (s["sample"] == "all years"), "slope"] = NAN     # only the last sample counts
    assert ad.panel_title(s).startswith("Between countries the gap is 0.95 pp")
    s.loc[s["design"] == "within", "slope"] = NAN
    assert ad.panel_title(s) == ("Member states: the gap against overall adoption (too few survey years to separate "
                                 "between and within)")
    s = _slopes()
    s.loc[s["design"] == "between", "slope"] = NAN
    assert ad.panel_title(s).startswith("Member states: the gap against overall adoption")


@pytest.fixture
def agg() -> None:
    import matplotlib

    matplotlib.use("Agg")


def test_figure_panel_meta_and_between_line(agg: None) -> None:
    import matplotlib.pyplot as plt

    panel = pd.DataFrame({"geo": ["AT", "AT", "BE", "BE"], "year": [2023, 2024, 2023, 2024],
                          "overall": [10.0, 14.0, 30.0, 34.0], "gap_pp": [20.0, 24.0, 40.0, 42.0],
                          "flags": ["u", "", "", ""]})
    fig, data, meta = ad.figure_panel(panel, _slopes(), T)
    assert data is panel
    assert meta["name"] == "panel-gap-vs-adoption" and meta["unit"] == "percent; percentage points"
    assert meta["source"] == ad.SOURCE
    assert meta["notes"] == ("4 country-years, 2 member states. Line: the slope between country means. Flagged values "
                             ": u = low reliability (AT).")
    assert meta["alt"].startswith("Scatter plot of the gap against overall adoption, member states by survey year. "
                                  "Between countries: ")
    ax = fig.axes[0]
    # country means AT (12, 22), BE (32, 41); line through the mean (22, 31.5) with the between slope 0.95
    line = ax.lines[0]
    assert list(line.get_xdata()) == pytest.approx([12.0, 32.0])
    assert list(line.get_ydata()) == pytest.approx([22.0, 41.0])
    assert ax.get_title().startswith("Between countries the gap is 0.95 pp wider")
    assert ax.get_xlabel() == "overall adoption: % of all enterprises using any AI technology"
    assert ax.get_ylabel() == "gap, percentage points (large − SMEs)"
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["2023", "2024", "country mean", "between slope"]
    plt.close(fig)


def test_figure_technologies_meta_annotations_and_title(agg: None) -> None:
    import matplotlib.pyplot as plt

    tech = pd.DataFrame({"indicator": ["E_AI_TML", "E_AI_TTM", "E_AI_TSR"],
                         "label": ["machine learning for data analysis", "text mining", "speech recognition"],
                         "small": [2.0, 5.0, NAN], "large": [12.0, 15.0, NAN], "gap_pp": [10.0, 10.0, NAN],
                         "ratio": [6.0, 3.0, NAN], "flags": ["b", "u", ""]})
    fig, data, meta = ad.figure_technologies(tech, "BE", 2025, "10-249", "GE250")
    assert data["indicator"].tolist() == ["E_AI_TML", "E_AI_TTM"] and data.index.tolist() == [0, 1]
    assert meta["name"] == "technology-gaps" and meta["unit"] == "% of enterprises; percentage points"
    assert meta["notes"] == ("Technologies ranked by gap in points; in brackets: ratio large / SMEs. Generating "
                             "pictures, video, sound (E_AI_TPVSG) is asked from 2025 only. Flagged values [in "
                             "brackets]: b = break in time series (E_AI_TML); u = low reliability (E_AI_TTM).")
    assert meta["alt"] == ("Bar chart: gap in percentage points between large enterprises and SMEs by AI technology, "
                           "Belgium, 2025. machine learning for data analysis 10.0 pp (b); text mining 10.0 pp (u).")
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.texts] == ["+10.0 pp (×3.0) [u]", "+10.0 pp (×6.0) [b]"]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["text mining", "machine learning for data analysis"]
    assert ax.get_title().replace("\n", " ") == ("Belgium, 2025: machine learning for data analysis carries the widest "
                                                 "size gap (10.0 pp)")
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["SMEs (10-249)", "large (250+)"]
    assert ax.get_xlabel() == "% of enterprises of the size class"
    plt.close(fig)


def test_figure_barriers_meta_hatching_and_title(agg: None) -> None:
    import matplotlib.pyplot as plt

    f = _barrier_frame()
    res = ad.barriers(f, "AT", 2024)
    fig, data, meta = ad.figure_barriers(f, res, "A note.")
    assert data is res.table
    assert meta["name"] == "barriers"
    assert meta["unit"] == "% of enterprises that considered using AI but do not use it (PC_ENT_AI_EC)"
    assert meta["notes"].startswith("A note. Not published for Belgium, Bulgaria, ")
    assert meta["notes"].endswith("Slovenia, Slovakia. Each class has its own denominator. Flagged values (hatched): "
                                  "u = low reliability (GE250).")
    assert meta["alt"].startswith("Bar chart: reasons for not using AI, share of all enterprises that considered it, "
                                  "Austria, 2024. lack of relevant expertise 48.0 %; costs seem too high 38.0 %; "
                                  "incompatible with existing systems not available; ")
    ax = fig.axes[0]
    assert ax.get_title().replace("\n", " ") == ("Austria, 2024: 'lack of relevant expertise' is the barrier cited "
                                                 "most often (48 %)")
    assert sum(p.get_hatch() == "//" for p in ax.patches) == 1
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["small (10-49)", "medium (50-249)", "large (250+)"]
    assert ax.get_yticklabels()[0].get_text() == "lack of relevant expertise"
    assert ad.figure_barriers(f, res, "")[2]["notes"].startswith("Not published for Belgium")
    plt.close("all")


# ------------------------------------------------------------------------------------------------ figures: values
def _trend_series() -> pd.DataFrame:
    """SMEs in 2021, 2023-2025 (2023 flagged u); large with no value in 2021, 2024 flagged b."""
    return pd.DataFrame({"size_class": ["10-249"] * 4 + ["GE250"] * 4,
                         "year": [2021, 2023, 2024, 2025] * 2,
                         "value": [5.0, 7.0, 8.0, 12.0, NAN, 30.0, 35.0, 40.0],
                         "flag": ["", "u", "", "", "", "", "b", ""]})


def _span_x(patch) -> list[float]:  # noqa: ANN001
    xs = patch.get_patch_transform().transform(patch.get_path().vertices)[:, 0]
    return [float(xs.min()), float(xs.max())]


def test_draw_trend_lines_styles_circles_and_marks(agg: None) -> None:
    import matplotlib.pyplot as plt

    from analysis.core import figures

    fig, ax = plt.subplots()
    ad.draw_trend(ax, _trend_series(), highlight=("GE250",))
    lines = ax.lines[:-1]
    assert [list(ln.get_xdata()) for ln in lines] == [[2021], [2023, 2024], [2024, 2025], [2023, 2024], [2024, 2025]]
    assert [list(ln.get_ydata()) for ln in lines] == [[5.0], [7.0, 8.0], [8.0, 12.0], [30.0, 35.0], [35.0, 40.0]]
    assert [ln.get_linestyle() for ln in lines] == ["-", "-", "--", "-", "--"]
    assert [ln.get_color() for ln in lines] == [figures.PALETTE[0]] * 3 + [figures.PALETTE[1]] * 2
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["SMEs (10-249)", "large (250+)"]
    assert [c.get_offsets().tolist() for c in ax.collections] == [[[2023.0, 7.0]], [[2024.0, 35.0]]]
    assert list(ax.lines[-1].get_xdata()) == [2024.5, 2024.5]
    assert _span_x(ax.patches[0]) == pytest.approx([2021.6, 2022.4])
    assert [t.get_text() for t in ax.texts] == ["no AI module\nin 2022", "2025: new item\n(pictures, video,\nsound)"]
    assert ax.texts[0].get_position()[0] == 2022
    assert list(ax.get_xticks()) == [2021, 2023, 2024, 2025]
    plt.close(fig)


def test_colours_of_geo_reference_aggregates_members_and_others() -> None:
    from analysis.core import figures

    p = figures.PALETTE
    got = ad._colours(pd.Series(["BE", "EU27_2020", "EA", "AT", "NO", "BE"]), "BE", "EU27_2020")
    assert got == [p[1], p[3], p[2], p[0], "#b0b0b0", p[1]]
    assert ad._colours(pd.Series(["EU27_2020", "AT"]), "AT", "FR") == [p[2], p[1]]


def _share_frame() -> pd.DataFrame:
    return rows((T, "10-49", "BE", 2024, 10.0, ""), (T, "50-249", "BE", 2024, NAN, ""),
                (T, "10-249", "BE", 2024, 12.0, "u"), (T, "GE250", "BE", 2024, 40.0, ""),
                (T, "GE10", "BE", 2024, 13.0, ""), (T, "GE10", "BE", 2023, 99.0, ""),
                (T, "GE10", "AT", 2024, 99.0, ""))


def test_figure_share_by_size_bars_labels_hatching_and_meta(agg: None) -> None:
    import matplotlib.pyplot as plt

    from analysis.core import figures

    f = _share_frame()
    gaps = ad.size_gap(f, "10-249", "GE250", T, 2024)
    fig, d, meta = ad.figure_share_by_size(f, gaps, "BE", 2024, T, ("10-249", "GE250"))
    assert d["size_class"].tolist() == ["10-49", "50-249", "10-249", "GE250", "GE10"]
    assert d.columns.tolist()[:2] == ["size_class", "size"] and d.index.tolist() == [0, 1, 2, 3, 4]
    ax = fig.axes[0]
    bars = ax.containers[0]
    assert [b.get_width() for b in bars] == [10.0, 0.0, 12.0, 40.0, 13.0]
    assert [b.get_hatch() for b in bars] == [None, None, "//", None, None]
    p = figures.PALETTE
    assert [matplotlib_hex(b.get_facecolor()) for b in bars] == [p[0], p[0], p[1], p[1], p[0]]
    assert [t.get_text() for t in ax.texts] == ["10.0 %", "not available", "12.0 % (u)", "40.0 %", "13.0 %"]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["small (10-49)", "medium (50-249)", "SMEs (10-249)",
                                                           "large (250+)", "all (10+)"]
    assert ax.yaxis_inverted()
    assert ax.get_xlabel() == "% of enterprises using any AI technology"
    assert ax.get_title().replace("\n", " ") == ("Belgium, 2024: 40 % of large enterprises use any AI technology, "
                                                 "3.3 times the SME share")
    assert meta["name"] == "share-by-size" and meta["source"] == ad.SOURCE
    assert meta["unit"] == "% of enterprises of the size class"
    assert meta["notes"] == ("E_AI_TANY, unit PC_ENT. Highlighted: the two classes compared. Flagged values "
                             "(hatched): u = low reliability (10-249).")
    assert meta["alt"] == ("Bar chart: share of enterprises using any AI technology by size class, Belgium, 2024. "
                           "small (10-49) 10.0 %; medium (50-249) not available; SMEs (10-249) 12.0 % (u); "
                           "large (250+) 40.0 %; all (10+) 13.0 %.")
    plt.close(fig)


def matplotlib_hex(rgba) -> str:  # noqa: ANN001
    from matplotlib.colors import to_hex

    return to_hex(rgba)


def test_figure_trend_labels_title_and_meta(agg: None) -> None:
    import matplotlib.pyplot as plt

    s = _trend_series()
    fig, data, meta = ad.figure_trend(s, "BE", T, "10-249", "GE250")
    assert data is s
    ax = fig.axes[0]
    assert ax.get_ylabel() == "% of enterprises using any AI technology"
    # the break flagged in 2024 leaves one year before 2025: the first sentence, without its full stop
    assert ax.get_title().replace("\n", " ") == ("Belgium has fewer than two comparable survey years before 2025 for "
                                                 "any AI technology (Eurostat flags a break in series in 2024)")
    assert [ln.get_linewidth() for ln in ax.lines[:5]] == [2.2] * 5
    assert meta["name"] == "trend-by-size" and meta["source"] == ad.SOURCE
    assert meta["unit"] == "% of enterprises of the size class"
    assert meta["notes"].startswith("No AI module in 2022 (no line drawn across it). Dashed: the 2025 questionnaire")
    assert meta["notes"].endswith("not strictly comparable with 2024. Circled: Flagged values : b = break in time "
                                  "series (GE250); u = low reliability (10-249).")
    assert meta["alt"].startswith("Line chart: share of enterprises using any AI technology by size class and year, "
                                  "Belgium (%). SMEs (10-249): 2021 5.0, 2023 7.0, 2024 8.0, 2025 12.0; large "
                                  "(250+): 2021 n/a, 2023 30.0")
    plt.close(fig)


def test_figure_target_line_text_limits_and_meta(agg: None) -> None:
    import matplotlib.pyplot as plt

    path = pd.DataFrame({"size_class": ["GE10", "GE10", "10-249"], "year": [2023, 2024, 2024],
                         "value": [8.0, 13.5, 12.0], "flag": ["", "", ""]})
    fig, data, meta = ad.figure_target(path, "EU27_2020")
    assert data is path
    ax = fig.axes[0]
    assert list(ax.lines[-1].get_ydata()) == [75.0, 75.0]
    assert ax.texts[-1].get_text() == "75 %: Digital Decade target for cloud, big data and/or AI (not AI alone)"
    assert ax.texts[-1].get_position() == (2023.0, 73.0)
    assert ax.get_ylim() == (0.0, 80.0)
    assert ax.get_ylabel() == "% of enterprises using AI"
    assert ax.get_title().replace("\n", " ").startswith("EU27: 13.5 % of enterprises used AI in 2024")
    assert [ln.get_linewidth() for ln in ax.lines[:2]] == [1.2, 1.2]
    assert meta["name"] == "target-2030" and meta["source"] == ad.SOURCE and meta["unit"] == "% of enterprises"
    assert meta["notes"].startswith("E_AI_TANY (AI alone), all enterprises (GE10) and SMEs (10-249). The 75 % line")
    assert meta["notes"].endswith("its attainment. Dashed: the 2025 questionnaire change.")
    assert meta["alt"] == ("Line chart: share of enterprises using AI, EU27, against a 75 % line (%). all (10+): 2023 "
                           "8.0, 2024 13.5; SMEs (10-249): 2024 12.0.")
    plt.close(fig)
    fig, _, _ = ad.figure_target(path.iloc[0:0], "EU27_2020")
    assert fig.axes[0].texts[-1].get_position()[0] == 2021
    plt.close(fig)


def _gaps_frame() -> pd.DataFrame:
    return pd.DataFrame({"geo": ["AT", "BE", "EU27_2020", "FR", "NO"],
                         "small": [10.0, 20.0, 15.0, NAN, 5.0], "large": [30.0, 60.0, 40.0, 50.0, 15.0],
                         "gap_pp": [20.0, 40.0, 25.0, NAN, 10.0], "ratio": [3.0, 3.0, 40 / 15, NAN, 3.0],
                         "flags": ["", "u", "", "", "b"],
                         "odds_ratio": [27 / 7, 6.0, 34 / 9, NAN, 57 / 17]})


def test_figure_gap_by_country_bars_from_zero_and_one_and_meta(agg: None) -> None:
    import matplotlib.pyplot as plt

    from analysis.core import figures

    fig, ranked, meta = ad.figure_gap_by_country(_gaps_frame(), "AT", "EU27_2020", 2024, T, "10-249", "GE250")
    assert ranked["geo"].tolist() == ["BE", "AT", "NO", "EU27_2020"]
    a0, a1 = fig.axes
    # bottom to top: EU27 (unranked), Norway, Austria, Belgium
    assert [b.get_width() for b in a0.containers[0]] == pytest.approx([25.0, 10.0, 20.0, 40.0])
    assert [b.get_x() for b in a0.containers[0]] == [0.0] * 4
    assert [b.get_width() for b in a1.containers[0]] == pytest.approx([34 / 9 - 1, 57 / 17 - 1, 27 / 7 - 1, 5.0])
    assert [b.get_x() for b in a1.containers[0]] == [1.0] * 4
    assert [b.get_hatch() for b in a0.containers[0]] == [None, "//", None, "//"]
    p = figures.PALETTE
    assert [matplotlib_hex(b.get_facecolor()) for b in a0.containers[0]] == [p[3], "#b0b0b0", p[1], p[0]]
    assert [t.get_text() for t in a0.get_yticklabels()] == ["EU27", "Norway (b)", "Austria", "Belgium (u)"]
    assert list(a0.lines[0].get_xdata()) == [0.0, 0.0] and list(a1.lines[0].get_xdata()) == [1.0, 1.0]
    assert a0.get_xlabel() == "gap, percentage points (large − SMEs)"
    assert a1.get_xlabel() == "odds ratio large / SMEs (1 = the same odds)"
    assert a0.get_title().replace("\n", " ") == ("2024: large enterprises' lead in any AI technology ranges from 20 pp "
                                                 "(Austria) to 40 pp (Belgium)")
    assert meta["name"] == "gap-by-country" and meta["unit"] == "percentage points; odds ratio"
    assert meta["source"] == ad.SOURCE
    assert meta["notes"] == (f"E_AI_TANY, GE250 vs 10-249. {ad.COLOUR_NOTE} Flagged values (hatched): b = break in "
                             "time series (NO); u = low reliability (BE). No gap (a value missing or confidential): "
                             "France.")
    assert meta["alt"] == ("Bar chart: gap in percentage points between large enterprises and SMEs by country, 2024. "
                           "Belgium 40.0 pp (u); Austria 20.0 pp; Norway 10.0 pp (b); EU27 25.0 pp.")
    plt.close(fig)
    fig, _, meta = ad.figure_gap_by_country(_gaps_frame().iloc[:3], "AT", "EU27_2020", 2024, T, "10-249", "GE250")
    assert meta["notes"].endswith("u = low reliability (BE).")
    plt.close(fig)


def test_figure_gap_change_bars_hatching_and_meta(agg: None) -> None:
    import matplotlib.pyplot as plt

    change = pd.DataFrame({"geo": ["AT", "BE", "EU27_2020", "FR", "DE"],
                           "change_pp": [2.0, -1.0, 0.5, NAN, 2.0],
                           "change_log_or": [0.1, -0.2, 0.05, NAN, -0.01],
                           "comparable": [True, False, True, True, True]})
    fig, plot, meta = ad.figure_gap_change(change, "BE", "EU27_2020", 2023, 2024, T)
    assert plot["geo"].tolist() == ["BE", "EU27_2020", "AT", "DE"] and plot.index.tolist() == [0, 1, 2, 3]
    assert plot["flags"].tolist() == ["b", "", "", ""]
    assert plot["name"].tolist() == ["Belgium", "EU27", "Austria", "Germany"]
    a0, a1 = fig.axes
    assert [b.get_width() for b in a0.containers[0]] == [-1.0, 0.5, 2.0, 2.0]
    assert [b.get_width() for b in a1.containers[0]] == [-0.2, 0.05, 0.1, -0.01]
    assert [b.get_x() for b in a1.containers[0]] == [0.0] * 4
    assert [b.get_hatch() for b in a1.containers[0]] == ["//", None, None, None]
    assert a0.get_xlabel() == "change of the gap, percentage points"
    assert a1.get_xlabel() == "change of the log odds ratio"
    assert a0.get_title().replace("\n", " ") == ("2023–2024, like for like: the gap in points widened in 2 of 2 member "
                                                 "states; the odds ratio fell in 1")
    assert meta["name"] == "gap-change" and meta["unit"] == "percentage points; log odds ratio"
    assert meta["source"] == ad.SOURCE
    assert meta["notes"] == (f"E_AI_TANY, 2023 to 2024: no questionnaire change between the two years. "
                             f"{ad.COLOUR_NOTE} Hatched: a Eurostat break in series between them, not counted in the "
                             "text (Belgium).")
    assert meta["alt"] == ("Bar chart: change of the gap in percentage points, 2023 to 2024. Belgium -1.0 pp (b); "
                           "EU27 0.5 pp; Austria 2.0 pp; Germany 2.0 pp.")
    plt.close(fig)


# ------------------------------------------------------------------------------------------------ computations
def test_odds_ratio_edges_types_and_index() -> None:
    assert ad.odds_ratio(10.0, 50.0) == pytest.approx(1 / 9)          # below 1 is kept: (10/90) / (50/50)
    assert ad.odds_ratio(50, 20) == 4.0 and isinstance(ad.odds_ratio(50, 20), float)   # ints: (50/50) / (20/80)
    for large, small in ((0.0, 20.0), (20.0, 100.0), (20.0, 0.0), (100.0, 100.0), (20.0, NAN)):
        assert math.isnan(ad.odds_ratio(large, small))
    s = ad.odds_ratio(pd.Series([75.0, 0.0], index=[5, 7]), 50.0)
    assert s.index.tolist() == [5, 7] and s.dtype == "float64"
    assert s.iloc[0] == 3.0 and math.isnan(s.iloc[1])
    t = ad.odds_ratio(50.0, pd.Series([20.0, 50.0], index=["a", "b"]))
    assert isinstance(t, pd.Series) and t.index.tolist() == ["a", "b"] and t.tolist() == [4.0, 1.0]
    assert t.dtype == "float64"


def test_size_gap_columns_filters_flags_and_zero_share() -> None:
    f = rows((T, "10-249", "BE", 2024, 20.0, "u"), (T, "GE250", "BE", 2024, 60.0, ""),
             (T, "10-249", "AT", 2024, 0.0, ""), (T, "GE250", "AT", 2024, 30.0, "b"),
             (T, "10-249", "CZ", 2024, 10.0, ""),                       # no large value: NaN gap
             (T, "GE250", "DK", 2024, 50.0, "e"),                       # no small value
             (T, "10-249", "BE", 2023, 1.0, ""), (T, "GE250", "BE", 2023, 2.0, ""),
             (T, "GE10", "BE", 2024, 30.0, ""),
             ("E_AI_TML", "10-249", "BE", 2024, 3.0, ""), ("E_AI_TML", "GE250", "BE", 2024, 9.0, ""),
             (T, "10-249", "BE", 2024, 7.0, "", "PC_ENT_AI_EC"), (T, "GE250", "BE", 2024, 8.0, "", "PC_ENT_AI_EC"))
    g = ad.size_gap(f, "10-249", "GE250", T, 2024)
    assert g.columns.tolist() == ["geo", "small", "large", "gap_pp", "ratio", "flag_small", "flag_large", "flags",
                                  "odds_ratio", "log_odds_ratio"]
    assert g["geo"].tolist() == ["AT", "BE", "CZ", "DK"] and g.index.tolist() == [0, 1, 2, 3]
    assert g["small"].tolist()[:3] == [0.0, 20.0, 10.0] and math.isnan(g["small"].iloc[3])
    assert g["large"].tolist()[0:2] == [30.0, 60.0] and math.isnan(g["large"].iloc[2]) and g["large"].iloc[3] == 50.0
    assert g["gap_pp"].tolist()[:2] == [30.0, 40.0] and g["gap_pp"].iloc[2:].isna().all()
    assert math.isnan(g["ratio"].iloc[0]) and g["ratio"].iloc[1] == 3.0 and g["ratio"].iloc[2:].isna().all()
    assert g["flag_small"].tolist() == ["", "u", "", ""] and g["flag_large"].tolist() == ["b", "", "", "e"]
    assert g["flags"].tolist() == ["b", "u", "", "e"]
    assert math.isnan(g["odds_ratio"].iloc[0]) and g["odds_ratio"].iloc[1] == pytest.approx(6.0)  # (60/40)/(20/80)
    assert g["log_odds_ratio"].iloc[1] == pytest.approx(math.log(6.0))
    assert g["small"].dtype == "float64" and g["large"].dtype == "float64"
    only = ad.size_gap(f, "10-249", "GE250", T, 2024, geos=["BE", "CZ"])
    assert only["geo"].tolist() == ["BE", "CZ"]
    assert ad.size_gap(f, "10-249", "GE250", T, 2024, unit="PC_ENT_AI_EC")["gap_pp"].tolist() == [1.0]
    assert ad.size_gap(f, "10-249", "GE250", T, 2023)["gap_pp"].tolist() == [1.0]
    empty = ad.size_gap(f.iloc[0:0], "10-249", "GE250", T, 2024)
    assert empty.empty and empty.columns.tolist()[:3] == ["geo", "small", "large"]


# ------------------------------------------------------------------------------------------------ panel sentences
def _sl(b: tuple, w: tuple, w0: tuple) -> pd.DataFrame:
    """Slopes by (design, sample): each of between / within (all years) / within (2023–2024) given as
    (slope, ci_low, ci_high); SE, p and countries differ by row so that a row mix-up shows."""
    extra = {("between", "all years"): (0.0549, 0.04, 4, 2), ("within", "all years"): (0.2, 0.0004, 9, 3),
             ("within", "2023–2024"): (0.3, 0.5, 6, 4)}
    given = {("between", "all years"): b, ("within", "all years"): w, ("within", "2023–2024"): w0}
    out = []
    for sample in ("all years", "2023–2024"):
        for design in ("pooled", "between", "within"):
            slope, lo, hi = given.get((design, sample), (9.0, 8.0, 10.0))
            se, p, n, g = extra.get((design, sample), (1.0, 0.9, 1, 1))
            out.append({"design": design, "label": ad.DESIGN_LABELS[design], "sample": sample, "slope": slope,
                        "se": se, "p_value": p, "ci_low": lo, "ci_high": hi, "nobs": n, "clusters": g})
    return pd.DataFrame(out)


B = "(+0.95 pp per point (SE 0.05, p = 0.040, 2 countries), on country means). "
W = "(+0.10 pp per point (SE 0.20, p < 0.001, 3 countries))"
W0 = "\u22120.13 pp per point (SE 0.30, p = 0.500, 4 countries)"
END = " (Clear = the 95 % confidence interval excludes zero; standard errors clustered by country.)"


def test_panel_sentence_between_only() -> None:
    s = _sl((0.95, 0.5, 1.4), (0.1, -0.2, 0.4), (-0.125, -0.3, 0.05))
    assert ad.panel_sentence(s) == (
        "Between countries: where a larger share of enterprises uses AI, the gap in points is wider " + B
        + "Within countries (country and year effects), the data show no clear link between a country's adoption "
        "and its gap " + W + "; without the 2025 questionnaire break (2023–2024) the within slope is " + W0
        + ", not clearly different from zero. The relation is a difference between countries; the data do not show "
        "that a country's gap changes this way as its own adoption rises." + END)


def test_panel_sentence_all_positive_all_negative_and_mixed() -> None:
    s = _sl((0.95, 0.5, 1.4), (0.1, 0.05, 0.4), (-0.125, 0.01, 0.3))
    assert ad.panel_sentence(s) == (
        "Between countries: where a larger share of enterprises uses AI, the gap in points is wider " + B
        + "Within countries (country and year effects), in the years a country's adoption was higher its gap was "
        "wider " + W + "; without the 2025 questionnaire break (2023–2024) the within slope is " + W0
        + ", clearly positive. The relation holds between countries and within them, with and without the break "
        "year." + END)
    s = _sl((0.95, -1.4, -0.5), (0.1, -0.4, -0.05), (-0.125, -0.3, -0.01))
    text = ad.panel_sentence(s)
    assert text.startswith("Between countries: where a larger share of enterprises uses AI, the gap in points is "
                           "narrower (")
    assert "Within countries (country and year effects), in the years a country's adoption was higher its gap was " \
           "narrower (" in text
    assert text.endswith(", clearly negative. The relation holds between countries and within them, with and "
                         "without the break year." + END)
    s = _sl((0.95, 0.5, 1.4), (0.1, 0.05, 0.4), (-0.125, -0.3, 0.0))      # an interval ending on zero: not clear
    text = ad.panel_sentence(s)
    assert ", not clearly different from zero. The relation is a difference between countries" in text
    s = _sl((0.95, 0.0, 1.4), (0.1, 0.05, 0.4), (-0.125, 0.01, 0.3))       # between interval starting on zero
    text = ad.panel_sentence(s)
    assert text.startswith("Between countries: the gap in points shows no clear relation to the share of enterprises "
                           "using AI (")
    assert text.endswith(", clearly positive." + END)


def test_panel_sentence_without_within_estimates() -> None:
    s = _sl((0.95, 0.5, 1.4), (NAN, NAN, NAN), (NAN, NAN, NAN))
    assert ad.panel_sentence(s) == (
        "Between countries: where a larger share of enterprises uses AI, the gap in points is wider " + B
        + "Within countries the slope cannot be estimated: there is one survey year per country. The relation is a "
        "difference between countries; the data do not show that a country's gap changes this way as its own "
        "adoption rises." + END)
    s = _sl((0.95, 0.5, 1.4), (0.1, 0.05, 0.4), (NAN, NAN, NAN))
    assert ad.panel_sentence(s).endswith(
        W + "; there are not enough years before the 2025 questionnaire break to fit it without the break. The "
        "relation is a difference between countries; the data do not show that a country's gap changes this way as "
        "its own adoption rises." + END)
    s = _sl((NAN, NAN, NAN), (NAN, NAN, NAN), (NAN, NAN, NAN))
    assert ad.panel_sentence(s).startswith("Between countries: the gap in points shows no clear relation to the share "
                                           "of enterprises using AI (not estimable: 4 country-years, on country means)")


def test_clear_on_the_boundaries() -> None:
    def r(lo: float, hi: float) -> pd.Series:
        return pd.Series({"ci_low": lo, "ci_high": hi})

    assert [ad._clear(r(*x)) for x in ((0.0, 1.0), (0.01, 1.0), (-1.0, 0.0), (-1.0, -0.01), (-1.0, 1.0))] == \
           [0, 1, 0, -1, 0]
    assert ad._clear(r(NAN, -1.0)) == 0 and ad._clear(r(1.0, NAN)) == 0


def test_slopes_table_exact() -> None:
    s = pd.DataFrame({"label": ["a", "b"], "sample": ["all years", "2023–2024"], "slope": [0.0005, NAN],
                      "se": [0.12345, NAN], "p_value": [0.04, NAN], "ci_low": [-0.0015, NAN],
                      "ci_high": [1.2345, NAN], "nobs": [12.0, 3.0], "clusters": [4.0, 3.0]})
    t = ad.slopes_table(s)
    assert t.columns.tolist() == ["Design", "Sample", "Slope (pp per point)", "Clustered SE", "p-value", "95 % CI",
                                  "Observations", "Countries"]
    assert t.to_dict("list") == {
        "Design": ["a", "b"], "Sample": ["all years", "2023–2024"], "Slope (pp per point)": ["0.001", "n/a"],
        "Clustered SE": ["0.123", "n/a"], "p-value": ["0.040", "n/a"], "95 % CI": ["-0.002 to 1.235", "n/a"],
        "Observations": ["12", "3"], "Countries": ["4", "3"]}


# ------------------------------------------------------------------------------------------------ closing sentences
def _change(**eu: object) -> pd.DataFrame:
    """A gap_change table: the EU27 (overridable), AT widened by 0.05 (shown as 0.1), BE moved by −0.04 (shown as
    0.0), DE narrowed by 0.05, FR without a change, IT with its own break, NO not a member state."""
    base = {"geo": "EU27_2020", "gap_from": 20.0, "gap_to": 20.05, "change_pp": 0.05, "ratio_from": 3.0,
            "ratio_to": 2.5, "change_ratio": -0.5, "or_from": 4.0, "or_to": 3.5, "change_log_or": -0.05,
            "break": "", "comparable": True}
    base.update(eu)
    out = [base]
    for g, cpp, clo, comp in (("AT", 0.05, 0.004, True), ("BE", -0.04, -0.005, True), ("DE", -0.05, NAN, True),
                              ("FR", NAN, NAN, True), ("IT", 3.0, -1.0, False), ("NO", 5.0, -1.0, True)):
        out.append({"geo": g, "gap_from": 10.0, "gap_to": 10.0 + (0 if math.isnan(cpp) else cpp), "change_pp": cpp,
                    "ratio_from": 2.0, "ratio_to": 2.0, "change_ratio": 0.0, "or_from": 2.0, "or_to": 2.0,
                    "change_log_or": clo, "break": "" if comp else "Eurostat break in series (b) in 2024",
                    "comparable": comp})
    return pd.DataFrame(out)


COUNTS = (" Among the 3 member states with both years, the gap in points widened in 1 and narrowed in 1; the odds "
          "ratio fell in 1 of 2. Not counted, because Eurostat flags a break in their series between the two years: "
          "Italy.")


def test_closing_sentence_like_for_like_exact() -> None:
    assert ad.closing_sentence(_change(), 2023, 2024) == (
        "Like for like, between 2023 and 2024 (no questionnaire change between them), the gap of the EU27 widened "
        "in points, from 20.0 to 20.1 pp (+0.1 pp); as a ratio it went from 3.0 to 2.5, and the odds ratio from 4.0 "
        "to 3.5 (narrower on the log-odds scale)." + COUNTS)
    flat = ad.closing_sentence(_change(change_pp=0.04, change_log_or=0.04), 2023, 2024)
    assert "the gap of the EU27 did not change (to 0.1) in points" in flat and "(unchanged on the log-odds" in flat
    down = ad.closing_sentence(_change(change_pp=-0.05, change_log_or=0.05), 2023, 2024)
    assert "the gap of the EU27 narrowed in points" in down and "(wider on the log-odds scale)" in down
    assert "(\u22120.1 pp)" in down


def test_closing_sentence_reference_broken_missing_and_no_broken_members() -> None:
    assert ad.closing_sentence(_change(comparable=False, **{"break": "Eurostat break in series (b) in 2024"}),
                               2023, 2024) == (
        "Between 2023 and 2024 the gap of the EU27 went from 20.0 to 20.1 pp, but Eurostat flags a break in series "
        "(b) in 2024: the two years are not like for like for it, and the difference is not read as a change. Like "
        "for like elsewhere:" + COUNTS)
    missing = "Like for like, between 2023 and 2024 (no questionnaire change between them), the gap of the EU27 is " \
              "not available for both years."
    assert ad.closing_sentence(_change(change_pp=NAN, comparable=False), 2023, 2024) == missing + COUNTS
    assert ad.closing_sentence(_change(), 2023, 2024, reference="SE") == missing.replace("the EU27", "Sweden") + COUNTS
    c = _change()
    c = c.loc[c["geo"] != "IT"]
    assert ad.closing_sentence(c, 2023, 2024).endswith("the odds ratio fell in 1 of 2.")


def test_closing_sentence_across_the_questionnaire_change() -> None:
    assert ad.closing_sentence(_change(), 2024, 2025, reference="AT") == (
        "From 2024 to 2025 the gap of Austria went from 10.0 to 10.1 pp and the odds ratio from 2.0 to 2.0, but the "
        "questionnaire changed in 2025 (one more AI technology counted): the two years are not like for like, and "
        "the difference is not read as a change of the gap.")


def test_odds_sentence_scales_agreement_and_break() -> None:
    assert ad.odds_sentence(_change(), 2023, 2024) == (
        "The three scales of the gap of the EU27, 2023 to 2024: in points it is wider (20.0 to 20.1 pp), as a ratio "
        "of shares narrower (3.0 to 2.5), in odds narrower (odds ratio 4.0 to 3.5). Points and odds disagree: a gap "
        "in points grows mechanically when both shares rise from low levels, while the odds ratio, which does not "
        "depend on the level of the shares, shows whether large enterprises' relative advantage changed.")
    agree = ad.odds_sentence(_change(change_pp=-0.04, change_ratio=0.004, change_log_or=0.004), 2023, 2024)
    assert agree == ("The three scales of the gap of the EU27, 2023 to 2024: in points it is unchanged (20.0 to 20.1 "
                     "pp), as a ratio of shares unchanged (3.0 to 2.5), in odds unchanged (odds ratio 4.0 to 3.5). "
                     "Points and odds agree on the direction.")
    up = ad.odds_sentence(_change(change_ratio=0.005, change_log_or=0.005, **{"break": "x y"}), 2023, 2024)
    assert "as a ratio of shares wider" in up and "in odds wider" in up
    assert up.endswith("Points and odds agree on the direction. Not like for like: x y.")
    for kw in ({"change_pp": NAN}, {"change_log_or": NAN}):
        assert ad.odds_sentence(_change(**kw), 2023, 2024) == ("The odds ratios of the EU27 are not available for "
                                                               "2023 and 2024.")
    assert ad.odds_sentence(_change(), 2023, 2024, reference="SE").startswith("The odds ratios of Sweden are not")


# ------------------------------------------------------------------------------------------------ trend sentence
def _tseries(flags: dict | None = None, drop: tuple = ()) -> pd.DataFrame:
    """SMEs 5, 7, 8, 12 and large 20, 30, 35, 40 in 2021, 2023, 2024, 2025; ``flags``: {(class, year): flag};
    ``drop``: (class, year) cells without a value; a GE10 row that must not count."""
    out = []
    for sc, vals in (("10-249", (5.0, 7.0, 8.0, 12.0)), ("GE250", (20.0, 30.0, 35.0, 40.0)),
                     ("GE10", (1.0, 1.0, 1.0, 1.0))):
        for y, v in zip((2021, 2023, 2024, 2025), vals, strict=True):
            out.append({"size_class": sc, "year": y, "value": NAN if (sc, y) in drop else v,
                        "flag": (flags or {}).get((sc, y), "")})
    return pd.DataFrame(out)


STEP = (" In 2025, on a questionnaire that counts one more technology, they were 40.0 % and 12.0 %: the step from "
        "2024 mixes real change with the wider definition.")


def test_trend_sentence_exact_and_breaks_that_count() -> None:
    full = ("Like for like, between 2021 and 2024 the share of large (250+) enterprises using any AI technology in "
            "Belgium went from 20.0 % to 35.0 %, that of SMEs (10-249) from 5.0 % to 8.0 %." + STEP)
    assert ad.trend_sentence(_tseries(), "BE", T, "10-249", "GE250") == full
    # b on the first year, on 2025, or on another class is not a break inside the like-for-like years
    for fl in ({("10-249", 2021): "b"}, {("GE250", 2025): "b"}, {("GE10", 2024): "b"}, {("GE250", 2023): "u"}):
        assert ad.trend_sentence(_tseries(fl), "BE", T, "10-249", "GE250") == full
    assert ad.trend_sentence(_tseries({("GE250", 2023): "b"}), "BE", T, "10-249", "GE250") == (
        "Like for like, between 2023 and 2024 (Eurostat flags a break in series in 2023, so earlier years are not "
        "compared) the share of large (250+) enterprises using any AI technology in Belgium went from 30.0 % to "
        "35.0 %, that of SMEs (10-249) from 7.0 % to 8.0 %." + STEP)
    # a year with one class missing is not compared
    assert ad.trend_sentence(_tseries(drop=(("GE250", 2021),)), "BE", T, "10-249", "GE250").startswith(
        "Like for like, between 2023 and 2024 the share")


def test_trend_sentence_too_few_years_and_nothing() -> None:
    one = _tseries({("10-249", 2024): "b"})
    assert ad.trend_sentence(one, "NL", T, "10-249", "GE250") == (
        "The Netherlands has fewer than two comparable survey years before 2025 for any AI technology (Eurostat flags "
        "a break in series in 2024)." + STEP)
    only25 = _tseries(drop=(("GE250", 2021), ("GE250", 2023), ("GE250", 2024)))
    assert ad.trend_sentence(only25, "BE", T, "10-249", "GE250") == (
        "Belgium has fewer than two comparable survey years before 2025 for any AI technology.")
    no25 = _tseries(drop=(("10-249", 2025),))
    assert ad.trend_sentence(no25, "BE", T, "10-249", "GE250").endswith("from 5.0 % to 8.0 %.")
    none = _tseries(drop=tuple((sc, y) for sc in ("10-249",) for y in (2021, 2023, 2024, 2025)))
    assert ad.trend_sentence(none, "EU27_2020", T, "10-249", "GE250") == (
        "Any AI technology is not available for both size classes in the EU27: no trend to show.")
    assert ad.trend_sentence(_tseries(), "BE", T, "10-49", "GE250") == (
        "Any AI technology is not available for both size classes in Belgium: no trend to show.")


# ------------------------------------------------------------------------------------------------ panel
def test_gap_panel_rows_flags_and_filters() -> None:
    f = rows((T, "10-249", "BE", 2024, 20.0, ""), (T, "GE10", "BE", 2024, 22.0, ""),
             (T, "10-249", "BE", 2023, 20.0, ""), (T, "GE250", "BE", 2023, 40.0, ""),
             (T, "GE10", "BE", 2023, 25.0, "b"),
             (T, "10-249", "AT", 2024, 12.0, "b"), (T, "GE250", "AT", 2024, 36.0, ""), (T, "GE10", "AT", 2024, NAN, ""),
             (T, "10-249", "AT", 2023, 10.0, "u"), (T, "GE250", "AT", 2023, 30.0, ""),
             (T, "GE10", "AT", 2023, 15.0, "u"),
             (T, "10-249", "NO", 2023, 1.0, ""), (T, "GE250", "NO", 2023, 2.0, ""), (T, "GE10", "NO", 2023, 1.5, ""),
             (T, "10-249", "AT", 2021, 1.0, "", "PC_ENT_AI_EC"), (T, "GE250", "AT", 2021, 2.0, "", "PC_ENT_AI_EC"),
             (T, "GE10", "AT", 2021, 1.5, "", "PC_ENT_AI_EC"))
    p = ad.gap_panel(f)
    assert p.columns.tolist() == ["geo", "year", "small", "large", "overall", "gap_pp", "ratio", "flags", "flag_u",
                                  "flag_b"]
    assert p[["geo", "year"]].values.tolist() == [["AT", 2023], ["BE", 2023]] and p.index.tolist() == [0, 1]
    assert p["overall"].tolist() == [15.0, 25.0] and p["gap_pp"].tolist() == [20.0, 20.0]
    assert p["ratio"].tolist() == [3.0, 2.0] and p["small"].tolist() == [10.0, 20.0]
    assert p["flags"].tolist() == ["u", "b"]
    assert p["flag_u"].tolist() == [True, False] and p["flag_b"].tolist() == [False, True]
    assert p["flag_u"].dtype == bool and p["flag_b"].dtype == bool
    assert ad.gap_panel(f, geos=("BE",))["geo"].tolist() == ["BE"]
    assert ad.gap_panel(f, geos=("AT", "NO"))["geo"].tolist() == ["AT", "NO"]
    sme = ad.gap_panel(f, overall="10-249")
    assert sme[["geo", "year"]].values.tolist() == [["AT", 2023], ["AT", 2024], ["BE", 2023]]
    assert sme["overall"].tolist() == [10.0, 12.0, 20.0] and sme["flags"].tolist() == ["u", "b", ""]
    ec = ad.gap_panel(f, unit="PC_ENT_AI_EC")
    assert ec[["geo", "year", "gap_pp"]].values.tolist() == [["AT", 2021, 1.0]]
    with pytest.raises(ValueError, match="aggregates given: EA, EU27_2020$"):
        ad.gap_panel(f, geos=("AT", "EA", "EU27_2020"))
    empty = ad.gap_panel(f, indicator="E_AI_TML")
    assert empty.empty and empty.columns.tolist() == p.columns.tolist()


# ------------------------------------------------------------------------------------------------ ranking, notes, alt
def test_rank_gap_ties_exclusions_and_direction() -> None:
    g = pd.DataFrame({"geo": ["FR", "AT", "BE", "EU27_2020", "DE", "CZ"],
                      "gap_pp": [10.0, 20.0, 20.0, 50.0, NAN, 5.0], "ratio": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]})
    r = ad.rank_gap(g)
    assert r["geo"].tolist() == ["AT", "BE", "FR", "CZ", "EU27_2020", "DE"] and r.index.tolist() == list(range(6))
    assert r["rank"].tolist()[:4] == [1, 1, 3, 4] and r["rank"].iloc[4:].isna().all()
    assert str(r["rank"].dtype) == "Int64" and "_unranked" not in r.columns
    up = ad.rank_gap(g, ascending=True)
    assert up["geo"].tolist() == ["CZ", "FR", "AT", "BE", "EU27_2020", "DE"]
    assert up["rank"].tolist()[:4] == [1, 2, 3, 3]
    every = ad.rank_gap(g, exclude=())
    assert every["geo"].tolist() == ["EU27_2020", "AT", "BE", "FR", "CZ", "DE"]
    assert every["rank"].tolist()[:5] == [1, 2, 2, 4, 5]
    by_ratio = ad.rank_gap(g, by="ratio")
    assert by_ratio["geo"].tolist() == ["CZ", "DE", "BE", "AT", "FR", "EU27_2020"]
    assert by_ratio["rank"].tolist()[:5] == [1, 2, 3, 4, 5]
    assert g["geo"].tolist()[0] == "FR" and "rank" not in g.columns        # the input is not changed


def test_flag_note_tokens_names_and_empty() -> None:
    fl = pd.Series(["b u", "", NAN, "u", "b", "e"])
    nm = pd.Series(["NL", "AT", "BE", "NL", "DE", ""])
    assert ad.flag_note(fl, nm) == ("Flagged values (hatched): b = break in time series (NL, DE); e = estimated; "
                                    "u = low reliability (NL).")
    assert ad.flag_note(fl) == "Flagged values (hatched): b = break in time series; e = estimated; u = low reliability."
    assert ad.flag_note(pd.Series(["", NAN])) == "No plotted value carries a Eurostat flag."
    assert ad.flag_note(pd.Series([], dtype=object)) == "No plotted value carries a Eurostat flag."


def test_bars_alt_limit_units_and_flags() -> None:
    assert ad.bars_alt("w", ["a", "b", "c"], [1.25, NAN, -0.05], unit="", decimals=1) == \
        "Bar chart: w. a 1.3; b not available; c -0.1."
    assert ad.bars_alt("w", ["a", "b"], [1.0, 2.0], "pp", 0, flags=["u", ""]) == "Bar chart: w. a 1 pp (u); b 2 pp."
    assert ad.bars_alt("w", list("abc"), [1.0, 2.0, 3.0], limit=2) == "Bar chart: w. a 1.0 %; b 2.0 %; and 1 more."
    assert ad.bars_alt("w", list("ab"), [1.0, 2.0], limit=2) == "Bar chart: w. a 1.0 %; b 2.0 %."


def test_technology_gaps_ties_missing_and_columns() -> None:
    f = rows(("E_AI_TTM", "10-249", "BE", 2024, 5.0, ""), ("E_AI_TTM", "GE250", "BE", 2024, 15.0, "u"),
             ("E_AI_TML", "10-249", "BE", 2024, 2.0, "b"), ("E_AI_TML", "GE250", "BE", 2024, 12.0, ""),
             ("E_AI_TNLG", "10-249", "BE", 2024, 1.0, ""), ("E_AI_TNLG", "GE250", "BE", 2024, 21.0, ""),
             ("E_AI_TSR", "10-249", "AT", 2024, 1.0, ""), ("E_AI_TSR", "GE250", "AT", 2024, 50.0, ""),
             ("E_AI_TML", "10-249", "BE", 2023, 1.0, ""), ("E_AI_TML", "GE250", "BE", 2023, 90.0, ""))
    t = ad.technology_gaps(f, "BE", 2024, technologies=("E_AI_TTM", "E_AI_TSR", "E_AI_TML", "E_AI_TNLG"))
    assert t.columns.tolist() == ["indicator", "label", "small", "large", "gap_pp", "ratio", "flags"]
    assert t["indicator"].tolist() == ["E_AI_TNLG", "E_AI_TML", "E_AI_TTM", "E_AI_TSR"]
    assert t.index.tolist() == [0, 1, 2, 3]
    assert t["label"].tolist()[1:3] == ["machine learning for data analysis", "text mining"]
    assert t["gap_pp"].tolist()[:3] == [20.0, 10.0, 10.0] and math.isnan(t["gap_pp"].iloc[3])
    assert t["ratio"].tolist()[:3] == [21.0, 6.0, 3.0] and t["small"].tolist()[:3] == [1.0, 2.0, 5.0]
    assert t["large"].tolist()[:3] == [21.0, 12.0, 15.0] and math.isnan(t["large"].iloc[3])
    assert math.isnan(t["small"].iloc[3]) and math.isnan(t["ratio"].iloc[3])
    assert t["flags"].tolist() == ["", "b", "u", ""]


def test_gap_change_columns_values_flags_and_breaks() -> None:
    f = rows((T, "10-249", "CZ", 2023, 5.0, "e"), (T, "GE250", "CZ", 2023, 10.0, ""),
             (T, "10-249", "BE", 2024, 20.0, ""), (T, "GE250", "BE", 2024, 40.0, "b"),
             (T, "10-249", "AT", 2023, 10.0, ""), (T, "GE250", "AT", 2023, 30.0, ""),
             (T, "10-249", "AT", 2024, 20.0, "u"), (T, "GE250", "AT", 2024, 50.0, ""))
    c = ad.gap_change(f, 2023, 2024)
    assert c.columns.tolist() == ["geo", "gap_from", "gap_to", "change_pp", "ratio_from", "ratio_to", "change_ratio",
                                  "flags_from", "flags_to", "or_from", "or_to", "change_log_or", "break",
                                  "comparable"]
    assert c["geo"].tolist() == ["AT", "BE", "CZ"] and c.index.tolist() == [0, 1, 2]
    at = c.iloc[0]
    assert (at["gap_from"], at["gap_to"], at["change_pp"]) == (20.0, 30.0, 10.0)
    assert (at["ratio_from"], at["ratio_to"], at["change_ratio"]) == (3.0, 2.5, -0.5)
    assert at["or_from"] == pytest.approx(27 / 7) and at["or_to"] == pytest.approx(4.0)   # (30/70)/(10/90), 1/(1/4)
    assert at["change_log_or"] == pytest.approx(math.log(4.0) - math.log(27 / 7))
    assert c["flags_from"].tolist() == ["", "", "e"] and c["flags_to"].tolist() == ["u", "b", ""]
    assert c["break"].tolist() == ["", "Eurostat break in series (b) in 2024", ""]
    assert c["comparable"].tolist() == [True, False, True]
    assert c["change_pp"].iloc[1:].isna().all() and c["change_log_or"].iloc[1:].isna().all()
    across = ad.gap_change(f, 2024, 2025)
    assert across["break"].iloc[0] == "questionnaire change in 2025 (one more AI technology counted)"
    assert ad.gap_change(f, 2023, 2024, geos=["CZ"])["geo"].tolist() == ["CZ"]


def test_fit_gap_model_hand_computed_ols_wls_and_refusals() -> None:
    # y = 0.1 + 0.6 x: Sxy = 3, Sxx = 5; residuals −0.1, 0.3, −0.3, 0.1: SSR 0.2 of SST 2, R² 0.9
    p = pd.DataFrame({"geo": ["A", "B", "C", "C", "D"], "overall": [0.0, 1.0, 2.0, 3.0, NAN],
                      "gap_pp": [0.0, 1.0, 1.0, 2.0, 5.0], "w": [1.0, 1.0, 1.0, 1.0, 1.0], "other": [NAN] * 5})
    m = ad.fit_gap_model(p, "gap_pp ~ overall")
    assert m.method == "OLS" and m.formula == "gap_pp ~ overall" and m.nobs == 4 and m.n_clusters == 3
    assert m.coef("overall") == pytest.approx(0.6) and m.coef("Intercept") == pytest.approx(0.1)
    assert m.r2 == pytest.approx(0.9)
    assert m.table.columns.tolist() == ["term", "estimate", "std_error", "t", "p_value", "ci_low", "ci_high"]
    assert m.table["term"].tolist() == ["Intercept", "overall"]
    row = m.table.set_index("term").loc["overall"]
    assert row["estimate"] == pytest.approx(0.6) and row["std_error"] == pytest.approx(m.se("overall"))
    assert row["t"] == pytest.approx(0.6 / m.se("overall"))
    half = 4.302652729911275 * m.se("overall")                         # t with G − 1 = 2 degrees of freedom
    assert (row["ci_low"], row["ci_high"]) == (pytest.approx(0.6 - half), pytest.approx(0.6 + half))
    assert m.pvalues["overall"] == pytest.approx(row["p_value"]) and m.bse["overall"] == m.se("overall")
    wls = ad.fit_gap_model(p, "gap_pp ~ overall", weights="w")
    assert wls.method == "WLS" and wls.coef("overall") == pytest.approx(0.6) and wls.nobs == 4
    with pytest.raises(ValueError, match="need at least 2 clusters; got 1"):
        ad.fit_gap_model(p.assign(geo="A"), "gap_pp ~ overall")
    with pytest.raises(ValueError, match=r"gap_pp ~ overall: 2 observations for 2 coefficients; too few to fit"):
        ad.fit_gap_model(p.iloc[[0, 2]], "gap_pp ~ overall")


# ------------------------------------------------------------------------------------------------ figures: more values
def test_figure_technologies_plotted_values(agg: None) -> None:
    import matplotlib.pyplot as plt

    tech = pd.DataFrame({"indicator": ["E_AI_TML", "E_AI_TTM", "E_AI_TSR"],
                         "label": ["machine learning for data analysis", "text mining", "speech recognition"],
                         "small": [2.0, 5.0, NAN], "large": [12.0, 15.0, NAN], "gap_pp": [10.0, 10.0, NAN],
                         "ratio": [6.0, 3.0, NAN], "flags": ["", "u", ""]})
    fig, _, meta = ad.figure_technologies(tech, "BE", 2025, "10-249", "GE250")
    ax = fig.axes[0]
    segs = ax.collections[0].get_segments()
    assert [s.tolist() for s in segs] == [[[5.0, 0.0], [15.0, 0.0]], [[2.0, 1.0], [12.0, 1.0]]]
    assert ax.collections[1].get_offsets().tolist() == [[5.0, 0.0], [2.0, 1.0]]
    assert ax.collections[2].get_offsets().tolist() == [[15.0, 0.0], [12.0, 1.0]]
    assert [t.xy for t in ax.texts] == [(15.0, 0), (12.0, 1)]
    assert [t.get_text() for t in ax.texts] == ["+10.0 pp (×3.0) [u]", "+10.0 pp (×6.0)"]
    assert list(ax.get_yticks()) == [0, 1]
    assert meta["source"] == ad.SOURCE
    plt.close(fig)
    fig, asked, _ = ad.figure_technologies(tech.iloc[2:], "BE", 2025, "10-249", "GE250")
    assert asked.empty and fig.axes[0].get_title() == ""
    plt.close(fig)


def test_figure_panel_points_and_means(agg: None) -> None:
    import matplotlib.pyplot as plt

    panel = pd.DataFrame({"geo": ["AT", "AT", "BE", "BE"], "year": [2024, 2023, 2023, 2024],
                          "overall": [14.0, 10.0, 30.0, 34.0], "gap_pp": [24.0, 20.0, 40.0, 42.0],
                          "flags": ["", "", "", ""]})
    fig, _, meta = ad.figure_panel(panel, _slopes(), T)
    ax = fig.axes[0]
    offs = [c.get_offsets().tolist() for c in ax.collections]
    assert offs == [[[10.0, 20.0], [30.0, 40.0]], [[14.0, 24.0], [34.0, 42.0]], [[12.0, 22.0], [32.0, 41.0]]]
    assert ax.get_legend().get_title().get_text() == "survey year"
    assert meta["notes"].endswith("No plotted value carries a Eurostat flag.")
    assert meta["notes"].startswith("4 country-years, 2 member states.")
    plt.close(fig)


def test_figure_barriers_bar_values_and_no_title_without_barriers(agg: None) -> None:
    import matplotlib.pyplot as plt

    f = _barrier_frame()
    res = ad.barriers(f, "AT", 2024)
    fig, _, _ = ad.figure_barriers(f, res, "")
    ax = fig.axes[0]
    order = list(res.wide().index)
    small = res.table.loc[res.table["size_class"] == "10-49"].set_index("indicator").reindex(order)["value"]
    widths = [b.get_width() for b in ax.containers[0]]
    assert widths[:2] == [50.0, 40.0] and widths[:2] == small.tolist()[:2]
    assert [b.get_width() for b in ax.containers[2]][:2] == [20.0, 30.0]
    assert ax.yaxis_inverted()
    assert ax.get_xlabel() == "% of enterprises that considered AI but do not use it"
    assert list(ax.get_yticks()) == list(range(len(order)))
    plt.close(fig)


# ------------------------------------------------------------------------------------------------ flags, breaks, titles
def test_has_flag_letters_and_special_tokens() -> None:
    fl = pd.Series(["b", "u b", "@C", "bu", NAN, "|x", "@b", ""])
    assert ad.has_flag(fl, "b").tolist() == [True, True, False, True, False, False, False, False]
    assert ad.has_flag(fl, "@C").tolist() == [False, False, True, False, False, False, False, False]
    assert ad.has_flag(fl, "|x").tolist() == [False, False, False, False, False, True, False, False]
    assert ad.has_flag(fl, "@b").tolist() == [False] * 6 + [True, False]
    assert ad.has_flag(pd.Series(["@Cb"]), "C").tolist() == [False]


def test_series_breaks_window_classes_and_units() -> None:
    f = rows((T, "10-249", "AT", 2024, 1.0, "b"), (T, "GE250", "BE", 2024, 1.0, "b u"),
             (T, "GE250", "BE", 2023, 1.0, "b"), (T, "GE10", "CZ", 2024, 1.0, "b"),
             (T, "10-249", "DE", 2024, 1.0, "b", "PC_ENT_AI_EC"), ("E_AI_TML", "10-249", "FR", 2024, 1.0, "b"),
             (T, "10-249", "AT", 2025, 1.0, "b"), (T, "10-249", "IT", 2024, 1.0, "u"))
    assert ad.series_breaks(f, 2023, 2024) == {"AT": [2024], "BE": [2024]}
    assert ad.series_breaks(f, 2024, 2023) == {"AT": [2024], "BE": [2024]}
    assert ad.series_breaks(f, 2022, 2025) == {"AT": [2024, 2025], "BE": [2023, 2024]}
    assert ad.series_breaks(f, 2023, 2024, size_classes=("GE10",)) == {"CZ": [2024]}
    assert ad.series_breaks(f, 2023, 2024, unit="PC_ENT_AI_EC") == {"DE": [2024]}
    assert ad.series_breaks(f, 2023, 2024, indicator="E_AI_TML") == {"FR": [2024]}


def test_size_change_and_target_titles() -> None:
    gaps = pd.DataFrame({"geo": ["BE", "AT"], "large": [39.5, 40.0], "ratio": [3.25, 2.0],
                         "gap_pp": [NAN, 20.0]})
    assert ad.size_title(gaps, "BE", 2024, T) == "Belgium, 2024: the size gap is not available"
    assert ad.size_title(gaps, "FR", 2024, T) == "France, 2024: the size gap is not available"
    assert ad.size_title(gaps.assign(gap_pp=1.0), "BE", 2024, T) == (
        "Belgium, 2024: 40 % of large enterprises use any AI technology, 3.3 times the SME share")
    ch = pd.DataFrame({"geo": ["AT", "BE", "DE", "FR", "NO", "IT"], "change_pp": [0.05, -0.04, 0.2, NAN, 1.0, 1.0],
                       "change_log_or": [-0.005, -0.004, NAN, -1.0, -1.0, -1.0],
                       "comparable": [True, True, True, True, True, False]})
    assert ad.change_title(ch, 2023, 2024) == ("2023–2024, like for like: the gap in points widened in 2 of 3 member "
                                               "states; the odds ratio fell in 1")
    path = pd.DataFrame({"size_class": ["GE10", "GE10", "10-249"], "year": [2023, 2024, 2025],
                         "value": [8.0, NAN, 20.0]})
    assert ad.target_title(path, "AT") == ("Austria: 8.0 % of enterprises used AI in 2023; the Digital Decade line "
                                           "(75 % by 2030) counts cloud, big data and/or AI")
    assert ad.target_title(path.iloc[1:], "AT") == "Austria: AI take-up is not available"


def test_lines_alt_order_and_rounding() -> None:
    t = pd.DataFrame({"s": ["b", "a", "b", "a"], "year": [2024, 2023, 2023, 2024], "value": [1.25, NAN, 2.0, 3.0]})
    assert ad.lines_alt("w", t, "s") == "Line chart: w (%). b: 2023 2.0, 2024 1.3; a: 2023 n/a, 2024 3.0."
    assert ad.lines_alt("w", t, "s", "pp", 0) == "Line chart: w (pp). b: 2023 2, 2024 1; a: 2023 n/a, 2024 3."


def _exact_panel(years: tuple[int, ...]) -> pd.DataFrame:
    """gap = 2 × overall exactly, three countries: every design's slope is 2."""
    ov = {"A": {2023: 10.0, 2024: 12.0, 2025: 20.0}, "B": {2023: 20.0, 2024: 25.0, 2025: 30.0},
          "C": {2023: 30.0, 2024: 31.0, 2025: 45.0}}
    out = [{"geo": g, "year": y, "overall": ov[g][y], "gap_pp": 2 * ov[g][y]} for g in ov for y in years]
    return pd.DataFrame(out)


def test_panel_slopes_samples_designs_and_counts() -> None:
    s = ad.panel_slopes(_exact_panel((2023, 2024, 2025)))
    assert s.columns.tolist() == ["design", "label", "sample", "slope", "se", "p_value", "ci_low", "ci_high", "nobs",
                                  "clusters"]
    assert s["design"].tolist() == ["pooled", "between", "within"] * 2
    assert s["label"].tolist() == [ad.DESIGN_LABELS[d] for d in ("pooled", "between", "within")] * 2
    assert s["sample"].tolist() == ["all years"] * 3 + ["2023–2024"] * 3
    assert s["slope"].tolist() == pytest.approx([2.0] * 6)
    assert s["nobs"].tolist() == [9, 3, 9, 6, 3, 6] and s["clusters"].tolist() == [3] * 6
    one = ad.panel_slopes(_exact_panel((2024, 2025)))
    assert one["sample"].tolist()[3:] == ["2024–2024"] * 3
    assert one["slope"].iloc[3:5].tolist() == pytest.approx([2.0, 2.0]) and math.isnan(one["slope"].iloc[5])
    assert one["nobs"].tolist()[3:] == [3, 3, 3] and one["clusters"].tolist()[3:] == [3, 3, 3]
    assert one.iloc[5][["se", "p_value", "ci_low", "ci_high"]].isna().all()
    none = ad.panel_slopes(_exact_panel((2025,)))
    assert none["sample"].tolist()[3:] == ["before 2025"] * 3
    assert none["slope"].iloc[3:].isna().all() and none["nobs"].tolist()[3:] == [0, 0, 0]
    assert none["clusters"].tolist()[3:] == [0, 0, 0]
    assert none["slope"].iloc[0:2].tolist() == pytest.approx([2.0, 2.0]) and math.isnan(none["slope"].iloc[2])
    later = ad.panel_slopes(_exact_panel((2023, 2024, 2025)), break_year=2024)
    assert later["sample"].tolist()[3:] == ["2023–2023"] * 3 and later["nobs"].tolist()[3:] == [3, 3, 3]


def test_adoption_series_order_filters_and_missing() -> None:
    f = rows((T, "GE250", "BE", 2024, 40.0, "u"), (T, "10-249", "BE", 2024, 12.0, ""),
             (T, "GE250", "BE", 2023, NAN, ""), (T, "10-249", "BE", 2023, 10.0, "b"),
             (T, "GE10", "BE", 2024, 13.0, ""), (T, "10-249", "AT", 2024, 99.0, ""),
             (T, "10-249", "BE", 2025, 98.0, "", "PC_ENT_AI_EC"), ("E_AI_TML", "10-249", "BE", 2024, 97.0, ""))
    s = ad.adoption_series(f, T, "BE", ["GE250", "10-249"])
    assert s.columns.tolist() == ["size_class", "year", "value", "flag"] and s.index.tolist() == [0, 1, 2, 3]
    assert s[["size_class", "year"]].values.tolist() == [["GE250", 2023], ["GE250", 2024], ["10-249", 2023],
                                                        ["10-249", 2024]]
    assert math.isnan(s["value"].iloc[0]) and s["value"].tolist()[1:] == [40.0, 10.0, 12.0]
    assert s["flag"].tolist() == ["", "u", "b", ""]
    assert ad.adoption_series(f, T, "BE", ("10-249",), unit="PC_ENT_AI_EC")["value"].tolist() == [98.0]


def test_barriers_wide_columns_key_and_ties() -> None:
    t = pd.DataFrame({"indicator": ["X", "X", "Y", "Y", "Z", "Z"], "label": [""] * 6,
                      "size_class": ["GE250", "10-49", "GE250", "10-49", "GE250", "10-49"],
                      "value": [5.0, 10.0, 50.0, 10.0, NAN, NAN], "flag": [""] * 6})
    w = ad.Barriers(geo="AT", year=2024, unit=U, table=t).wide()
    assert w.columns.tolist() == ["10-49", "GE250"]                  # the order of SIZE_CLASSES
    assert w.index.tolist() == ["X", "Y", "Z"]                        # keyed on 10-49: a tie keeps the order
    assert w.loc["Y", "GE250"] == 50.0 and w.loc["Z"].isna().all()
    t2 = pd.concat([t, pd.DataFrame({"indicator": ["X", "Y", "Z"], "label": [""] * 3, "size_class": ["GE10"] * 3,
                                     "value": [1.0, 2.0, 3.0], "flag": [""] * 3})], ignore_index=True)
    w2 = ad.Barriers(geo="AT", year=2024, unit=U, table=t2).wide()
    assert w2.index.tolist() == ["Z", "Y", "X"] and w2.columns.tolist() == ["10-49", "GE250", "GE10"]
    assert ad.Barriers(geo="AT", year=2024, unit=U, table=t).available
    assert not ad.Barriers(geo="AT", year=2024, unit=U, table=t.assign(value=NAN)).available


def test_barriers_grid_filters_and_missing() -> None:
    f = rows(("E_AI_BLE", "GE10", "AT", 2024, 48.0, "u", U), ("E_AI_BCST", "GE10", "AT", 2024, 38.0, "", U),
             ("E_AI_BCST", "10-49", "AT", 2024, 40.0, "", U), ("E_AI_BCST", "GE10", "AT", 2023, 1.0, "", U),
             ("E_AI_BCST", "GE10", "BE", 2024, 2.0, "", U), ("E_AI_BCST", "GE10", "AT", 2024, 3.0, ""),
             ("E_AI_BCST", "50-249", "AT", 2024, 4.0, "", U), ("E_AI_BOTH", "GE10", "AT", 2024, 5.0, "", U))
    r = ad.barriers(f, "AT", 2024, size_classes=("10-49", "GE10"), indicators=("E_AI_BCST", "E_AI_BLE"))
    assert (r.geo, r.year, r.unit) == ("AT", 2024, U)
    assert r.table.columns.tolist() == ["indicator", "label", "size_class", "value", "flag"]
    assert r.table[["indicator", "size_class"]].values.tolist() == [["E_AI_BCST", "10-49"], ["E_AI_BCST", "GE10"],
                                                                    ["E_AI_BLE", "10-49"], ["E_AI_BLE", "GE10"]]
    assert r.table["label"].tolist()[0] == "costs seem too high"
    assert r.table["value"].tolist()[:2] == [40.0, 38.0] and math.isnan(r.table["value"].iloc[2])
    assert r.table["flag"].tolist() == ["", "", "", "u"]
    assert r.missing == [("E_AI_BLE", "10-49")]
    assert ad.barriers(f, "AT", 2024, unit="PC_ENT", indicators=("E_AI_BCST",)).table["value"].tolist()[3] == 3.0


def test_figures_return_their_plotted_data_without_an_index_column_and_share_the_country_axis(agg: None) -> None:
    import matplotlib.pyplot as plt

    fig, ranked, _ = ad.figure_gap_by_country(_gaps_frame(), "AT", "EU27_2020", 2024, T, "10-249", "GE250")
    assert "index" not in ranked.columns and len(fig.axes) == 2
    assert fig.axes[0].get_shared_y_axes().joined(fig.axes[0], fig.axes[1])
    plt.close(fig)
    change = pd.DataFrame({"geo": ["AT", "BE"], "change_pp": [2.0, -1.0], "change_log_or": [0.1, -0.2],
                           "comparable": [True, True]})
    fig, plot, _ = ad.figure_gap_change(change, "BE", "EU27_2020", 2023, 2024, T)
    assert plot.columns.tolist() == ["geo", "change_pp", "change_log_or", "comparable", "name", "flags"]
    assert fig.axes[0].get_shared_y_axes().joined(fig.axes[0], fig.axes[1])
    plt.close(fig)
