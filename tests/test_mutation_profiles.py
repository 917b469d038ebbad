"""Tests written against the survivors of a mutation run of analysis.chapters.profiles (issue 16).

The country profiles caught 1 of 4 planted bugs in the last review. These tests pin, on tiny hand-made tables whose
answers are written by hand, what a reader sees: the direction of every comparison with the EU (above / below,
wider / narrower, widened / narrowed), values on the rounding threshold, the EU's value never shown as the
country's, flags carried from every input, and "not available" (never 0) where a value is missing.
"""

from __future__ import annotations

import math

import pandas as pd
from _frames import ai_rows

from analysis.chapters import profiles as pr

NAN = float("nan")
T = "E_AI_TANY"
EU = "EU27_2020"
rows = ai_rows


# ------------------------------------------------------------------------------------------------ text helpers
def test_number_helpers_round_half_away_and_never_show_zero_for_missing() -> None:
    assert pr.num(19.95) == "20.0" and pr.num(28.5, 0) == "29" and pr.num(NAN) == "not available"
    assert pr.num(None) == "not available" and pr.num(0.0) == "0.0"
    assert pr.pct(0.05) == "0.1 %" and pr.pct(12.345, 2) == "12.35 %"
    assert pr.pct(NAN) == "not available" and pr.pct(None) == "not available"
    assert pr.pp(7.55) == "7.6 pp" and pr.pp(3.0, 0) == "3 pp"
    assert pr.pp(NAN) == "not available" and pr.pp(None) == "not available"


def test_with_reference_every_form() -> None:
    assert pr.with_reference(27.6, 20.0, True) == "27.6 % (EU 20.0 %)"
    assert pr.with_reference(27.6, 20.0, True, inner=True) == "27.6 %; EU 20.0 %"
    assert pr.with_reference(27.6, 20.0, True, noun="of enterprises") == "27.6 % of enterprises (EU 20.0 %)"
    assert pr.with_reference(27.6, 20.0, True, inner=True, noun="of enterprises") == "27.6 % of enterprises; EU 20.0 %"
    assert pr.with_reference(NAN, 20.0, True, noun="of enterprises") == "not available (EU 20.0 %)"
    assert pr.with_reference(27.6, NAN, True) == "27.6 % (EU not available)"
    assert pr.with_reference(3.0, 4.0, True, unit="pp") == "3.0 pp (EU 4.0 pp)"
    assert pr.with_reference(27.6, 20.0, False) == "27.6 %"
    assert pr.with_reference(27.6, 20.0, False, noun="of jobs") == "27.6 % of jobs"


def test_compare_words_missing_and_no_reference() -> None:
    assert pr.compare(30.0, 36.0, True, what="the EU's", more="wider than", less="narrower than") == (
        "6.0 pp narrower than the EU's")
    assert pr.compare(36.0, 30.0, True, what="the EU's", more="wider than", less="narrower than") == (
        "6.0 pp wider than the EU's")
    assert pr.compare(20.0, 20.04, True, level="on a par with") == "on a par with the EU"
    assert pr.compare(11.85, 11.8, True) == "0.1 pp above the EU"      # 0.04999… in binary, 0.05 as published
    assert pr.compare(11.8, 11.85, True) == "0.1 pp below the EU"
    for v, r in ((NAN, 1.0), (1.0, NAN)):
        assert pr.compare(v, r, True) == "no comparison with the EU possible (a value is not available)"
    assert pr.compare(NAN, 1.0, True, what="the EU's") == (
        "no comparison with the EU's possible (a value is not available)")
    assert pr.compare(1.0, 2.0, False) == "" and pr.compare(NAN, 2.0, False) == ""


def test_names_and_reference() -> None:
    assert pr.country_name("EL") == "Greece" and pr.country_name(EU) == "European Union"
    assert pr.country_name("NO") == "Norway" and pr.country_name("XX") == "XX"
    assert pr.prose_name("NL") == "the Netherlands" and pr.prose_name(EU) == "the European Union"
    assert pr.prose_name("DK") == "Denmark"
    assert pr.capitalised("the Netherlands") == "The Netherlands" and pr.capitalised("") == ""
    assert pr.reference_for(EU) is None and pr.reference_for("DK") == EU


# ------------------------------------------------------------------------------------------------ the trend
def _history(flags: tuple[str, ...] = ("b", "", "u", ""), gaps: tuple[float, ...] = (44.0, 40.0, 37.0, 33.5),
             refs: tuple[float, ...] = (21.0, 23.0, 28.5, 36.0)) -> pd.DataFrame:
    return pd.DataFrame({"year": [2021, 2023, 2024, 2025], "gap_pp": list(gaps), "ref_gap_pp": list(refs),
                         "flags": list(flags), "after_break": [False, False, False, True]})


def test_gap_trend_fields_by_hand() -> None:
    t = pr.gap_trend(_history())
    # a b flag in the first year starts nothing: the comparison is 2021 → 2024
    assert (t.first_year, t.last_year, t.series_break) == (2021, 2024, None)
    assert (t.gap_first, t.gap_last, t.change_pp) == (44.0, 37.0, -7.0)
    assert (t.ref_gap_first, t.ref_gap_last, t.ref_change_pp) == (21.0, 28.5, 7.5)
    assert (t.latest_year, t.latest_gap_pp, t.ref_latest_gap_pp) == (2025, 33.5, 36.0)
    assert t.flagged == "2021 b, 2024 u"


def test_gap_trend_starts_at_the_last_break_and_skips_missing_years() -> None:
    t = pr.gap_trend(_history(flags=("", "b u", "b", "")))
    assert (t.first_year, t.last_year, t.series_break) == (2024, 2024, 2024)
    assert math.isnan(t.change_pp) and math.isnan(t.ref_change_pp)
    t = pr.gap_trend(_history(flags=("", "b", "", "")))
    assert (t.first_year, t.last_year, t.series_break, t.change_pp) == (2023, 2024, 2023, -3.0)
    t = pr.gap_trend(_history(gaps=(NAN, 40.0, 37.0, 33.5)))
    assert (t.first_year, t.gap_first, t.change_pp, t.ref_change_pp) == (2023, 40.0, -3.0, 5.5)
    after = pr.gap_trend(_history().iloc[3:])
    assert after.first_year is None and after.last_year is None and math.isnan(after.change_pp)
    assert math.isnan(after.gap_first) and after.latest_year == 2025 and after.latest_gap_pp == 33.5
    empty = pr.gap_trend(_history().iloc[0:0])
    assert empty.latest_year is None and math.isnan(empty.latest_gap_pp) and math.isnan(empty.ref_latest_gap_pp)
    assert empty.flagged == "" and empty.series_break is None


def _trend(change: float, ref_change: float = 7.5, latest: int | None = 2025) -> pr.GapTrend:
    return pr.GapTrend(first_year=2021, last_year=2024, gap_first=21.0, gap_last=21.0 + change, change_pp=change,
                       ref_gap_first=21.0, ref_gap_last=21.0 + ref_change, ref_change_pp=ref_change,
                       latest_year=latest, latest_gap_pp=33.5, ref_latest_gap_pp=36.0)


def test_trend_finding_directions_and_reference() -> None:
    assert pr.trend_finding(_trend(7.5), "DK") == (
        "Denmark: the SME gap widened from 21 to 29 pp, 2021–2024 (EU: 21 to 29 pp)")
    assert pr.trend_finding(_trend(-7.0), "DK") == (
        "Denmark: the SME gap narrowed from 21 to 14 pp, 2021–2024 (EU: 21 to 29 pp)")
    assert pr.trend_finding(_trend(0.04), "DK").startswith("Denmark: the SME gap held from 21 to 21 pp")
    assert pr.trend_finding(_trend(0.05), "DK").startswith("Denmark: the SME gap widened from 21 to 21 pp")
    assert pr.trend_finding(_trend(-0.05), "DK").startswith("Denmark: the SME gap narrowed")
    assert pr.trend_finding(_trend(1.0, ref_change=NAN), "DK") == (
        "Denmark: the SME gap widened from 21 to 22 pp, 2021–2024")
    assert pr.trend_finding(_trend(7.5), EU) == "European Union: the SME gap widened from 21 to 29 pp, 2021–2024"
    same = pr.GapTrend(2024, 2024, 21.0, 21.0, NAN, 1.0, 1.0, NAN, 2025, NAN, 36.0)
    assert pr.trend_finding(same, "RO") == "Romania: the SME gap was not available in 2025; no comparable trend"


def test_trend_sentence_exact() -> None:
    t = pr.GapTrend(first_year=2021, last_year=2024, gap_first=44.0, gap_last=37.0, change_pp=-7.0, ref_gap_first=21.0,
                    ref_gap_last=28.5, ref_change_pp=7.5, latest_year=2025, latest_gap_pp=33.5, ref_latest_gap_pp=36.0,
                    flagged="2021 b, 2024 u d", series_break=None)
    assert pr.trend_sentence(t, "NL") == (
        "Like for like, between 2021 and 2024, the gap between large enterprises and SMEs in the Netherlands "
        "narrowed by 7.0 pp, from 44.0 pp to 37.0 pp; in the EU it widened by 7.5 pp, from 21.0 pp to 28.5 pp. In "
        "2025, on the wider questionnaire (one more AI technology counted, so not compared with earlier years), the "
        "gap was 33.5 pp (EU 36.0 pp). Eurostat flags values behind the gap of the Netherlands — 2021: b (break in "
        "time series); 2024: u (low reliability), d (definition differs).")


def test_trend_sentence_variants() -> None:
    level = pr.trend_sentence(_trend(0.04, ref_change=NAN, latest=2024), "DK")
    assert level == ("Like for like, between 2021 and 2024, the gap between large enterprises and SMEs in Denmark "
                     "stayed level (21.0 pp and 21.0 pp); the EU's change is not available.")
    eu = pr.trend_sentence(_trend(7.5, ref_change=NAN), EU)
    assert "in the European Union widened by 7.5 pp, from 21.0 pp to 28.5 pp. In 2025" in eu
    assert "EU's change" not in eu and "(EU " not in eu and eu.endswith("the gap was 33.5 pp.")
    one = pr.GapTrend(2024, 2024, 21.0, 21.0, NAN, 1.0, 1.0, NAN, 2024, 21.0, 36.0)
    assert pr.trend_sentence(one, "DK") == ("The SME gap of Denmark is not available for two comparable survey years "
                                            "(only 2024 before the 2025 change): no trend can be shown.")
    broken = pr.GapTrend(2023, 2024, 40.0, 37.0, -3.0, 23.0, 28.5, 5.5, 2024, 37.0, 28.5, series_break=2023)
    assert pr.trend_sentence(broken, "DK").startswith(
        "Like for like, between 2023 and 2024 (Eurostat flags a break in series in 2023, so earlier years are not "
        "compared), the gap between large enterprises and SMEs in Denmark narrowed by 3.0 pp")


# ------------------------------------------------------------------------------------------------ sizes
def _sizes_frame() -> pd.DataFrame:
    out = []
    for sc, dk, eu in (("10-49", 37.5, 17.0), ("50-249", 58.0, 30.0), ("10-249", 41.0, 19.0), ("GE250", 74.5, 55.0),
                       ("GE10", 42.0, 20.0)):
        out += [(T, sc, "DK", 2025, dk, "u" if sc == "10-49" else ""), (T, sc, EU, 2025, eu, "")]
    out += [(T, "10-249", "RO", 2025, 4.7, ""), (T, "GE250", "RO", 2025, NAN, "@C")]
    return rows(*out)


def test_size_profile_carries_both_flags_and_differences() -> None:
    s = pr.size_profile(_sizes_frame(), "DK", 2025).set_index("size_class")
    assert s.loc["10-49", ["value", "flag", "ref_value", "ref_flag"]].tolist() == [37.5, "u", 17.0, ""]
    assert s.loc["GE10", "diff_pp"] == 22.0 and s.loc["GE250", "diff_pp"] == 19.5
    ro = pr.size_profile(_sizes_frame(), "RO", 2025).set_index("size_class")
    assert ro.loc["GE250", "flag"] == "@C" and math.isnan(ro.loc["GE250", "value"])
    assert math.isnan(ro.loc["GE250", "diff_pp"]) and ro.loc["GE250", "ref_value"] == 55.0
    eu = pr.size_profile(_sizes_frame(), EU, 2025, reference=None)
    assert eu["ref_value"].isna().all() and (eu["ref_flag"] == "").all() and eu["diff_pp"].isna().all()
    none = pr.size_profile(_sizes_frame(), "DK", None)
    assert none["value"].isna().all() and none["ref_value"].isna().all()


def test_size_finding_and_sentence_exact() -> None:
    f = _sizes_frame()
    dk = pr.size_profile(f, "DK", 2025)
    assert pr.size_finding(dk, "DK", 2025) == (
        "Denmark, 2025: 42.0 % of enterprises use AI, 22.0 pp above the EU (20.0 %)")
    eu = pr.size_profile(f, EU, 2025, reference=None)
    assert pr.size_finding(eu, EU, 2025) == ("European Union, 2025: 20.0 % of enterprises use AI; large enterprises "
                                            "55.0 %, SMEs 19.0 %")
    ro = pr.size_profile(f, "RO", 2025)
    assert pr.size_finding(ro, "RO", 2025) == "Romania, 2025: large enterprises not available, SMEs 4.7 %"
    assert pr.size_finding(pr.size_profile(f, "BE", 2025), "BE", 2025) == (
        "Belgium: AI use by size class is not available for 2025")
    # DK: 74.5 / 41 = 1.817 → 1.8 times; odds (74.5 / 25.5) / (41 / 59) = 4.204 → 4.2
    # EU: 55 / 19 = 2.895 → 2.9 times; odds (55 / 45) / (19 / 81) = 5.211 → 5.2
    assert pr.size_sentence(dk, "DK", 2025) == (
        "In 2025, the share of enterprises using at least one AI technology in Denmark was: all enterprises (10 or "
        "more persons employed) 42.0 % (EU 20.0 %); SMEs (10-249) 41.0 % (EU 19.0 %); large enterprises (250 or "
        "more) 74.5 % (EU 55.0 %). Large enterprises used AI 1.8 times as often as SMEs (EU 2.9 times); the odds "
        "ratio, which does not depend on the level of the shares, was 4.2 (EU 5.2).")
    assert pr.size_sentence(eu, EU, 2025).endswith("as often as SMEs; the odds ratio, which does not depend on the "
                                                   "level of the shares, was 5.2.")
    assert pr.size_sentence(ro, "RO", 2025) == (
        "In 2025, the share of enterprises using at least one AI technology in Romania was: all enterprises (10 or "
        "more persons employed) not available (EU 20.0 %); SMEs (10-249) 4.7 % (EU 19.0 %); large enterprises (250 "
        "or more) not available (EU 55.0 %). Not available: small (10-49), medium (50-249), large (250+), all (10+).")
    assert pr.size_sentence(pr.size_profile(f, "BE", 2025), "BE", 2025) == (
        "Eurostat publishes no share of enterprises using AI for Belgium in 2025: this section is not available.")


def test_size_sentence_without_the_eu_ratio_when_an_eu_share_is_missing_or_zero() -> None:
    f = _sizes_frame()
    f.loc[(f["geo"] == EU) & (f["size_class"] == "10-249"), "value"] = 0.0
    text = pr.size_sentence(pr.size_profile(f, "DK", 2025), "DK", 2025)
    assert "1.8 times as often as SMEs; the odds ratio" in text and "was 4.2." in text and "(EU 2.9" not in text
    g = _sizes_frame()
    g.loc[(g["geo"] == "DK") & (g["size_class"] == "10-249"), "value"] = 0.0     # zero SMEs: no ratio at all
    assert "times as often" not in pr.size_sentence(pr.size_profile(g, "DK", 2025), "DK", 2025)
    h = _sizes_frame()
    h.loc[(h["geo"] == "DK") & (h["size_class"] == "GE250"), "value"] = 100.0     # odds infinite: no odds ratio
    text = pr.size_sentence(pr.size_profile(h, "DK", 2025), "DK", 2025)
    assert "2.4 times as often as SMEs (EU 2.9 times)." in text and "odds ratio" not in text


# ------------------------------------------------------------------------------------------------ technologies
def _tech() -> pd.DataFrame:
    return pd.DataFrame({
        "indicator": ["E_AI_TNLG", "E_AI_TTM", "E_AI_TSR", "E_AI_TIR", "E_AI_TPVSG"],
        "label": ["natural language generation", "text mining", "speech recognition", "image recognition",
                  "generating pictures"],
        "value": [30.8, 11.85, 11.84, 3.0, NAN], "flag": ["", "", "", "u", ""],
        "ref_value": [8.8, 11.8, 11.8, 3.05, 4.0], "ref_flag": ["", "", "", "", ""],
        "diff_pp": [22.0, 11.85 - 11.8, 11.84 - 11.8, 3.0 - 3.05, NAN]})


def test_technology_sentence_counts_every_direction_on_the_rounding_threshold() -> None:
    # text mining +0.05 (0.04999… in binary) is shown as 0.1 pp above: counted above, as compare() says; speech
    # recognition +0.04 is level; image recognition −0.05 is below. A real bug found by the mutation run: the
    # count compared the binary difference with 0.05 and called text mining level.
    text = pr.technology_sentence(_tech(), "NL", 2025)
    assert text == (
        "In 2025, the technology used most often by enterprises in the Netherlands was natural language generation "
        "(30.8 % of enterprises; EU 8.8 %), the one used least image recognition (3.0 %; EU 3.1 %). The Netherlands "
        "is above the EU share for 2 and below it for 1 of the 4 technologies with both values. Not available: "
        "generating pictures.")
    assert pr.technology_finding(_tech(), "NL", 2025) == (
        "Netherlands, 2025: natural language generation is the most used AI technology (30.8 % of enterprises; EU "
        "8.8 %)")
    eu = _tech().assign(ref_value=NAN, diff_pp=NAN)
    assert pr.technology_sentence(eu, EU, 2025) == (
        "In 2025, the technology used most often by enterprises in the European Union was natural language "
        "generation (30.8 % of enterprises), the one used least image recognition (3.0 %). Not available: "
        "generating pictures.")
    assert pr.technology_finding(eu, EU, 2025).endswith("(30.8 % of enterprises)")
    none = _tech().assign(value=NAN)
    assert pr.technology_sentence(none, "DK", 2021) == (
        "Eurostat publishes no value on AI technologies for Denmark in 2021: this section is not available.")
    assert pr.technology_finding(none, "DK", 2021) == "Denmark: use of AI technologies is not available for 2021"


def test_technology_profile_order_ties_and_flags() -> None:
    f = rows(("E_AI_TTM", "GE10", "DK", 2025, 10.0, "u"), ("E_AI_TTM", "GE10", EU, 2025, 5.0, "b"),
             ("E_AI_TSR", "GE10", "DK", 2025, 10.0, ""), ("E_AI_TSR", "GE10", EU, 2025, 7.0, ""),
             ("E_AI_TML", "GE10", "DK", 2025, NAN, ""), ("E_AI_TML", "GE10", EU, 2025, 9.0, ""),
             ("E_AI_TAR", "GE10", "DK", 2025, 12.0, ""), ("E_AI_TAR", "GE250", "DK", 2025, 50.0, ""))
    t = pr.technology_profile(f, "DK", 2025, technologies=("E_AI_TTM", "E_AI_TSR", "E_AI_TML", "E_AI_TAR"))
    assert t["indicator"].tolist() == ["E_AI_TAR", "E_AI_TSR", "E_AI_TTM", "E_AI_TML"]   # tie 10/10: EU 7 before 5
    assert t.loc[2, ["flag", "ref_flag", "diff_pp"]].tolist() == ["u", "b", 5.0]
    assert t.loc[1, "label"] == "speech recognition"


# ------------------------------------------------------------------------------------------------ exposure
def _expo(country: dict, reference: dict | None = None) -> pd.DataFrame:
    base = {"year": 2025, "mean_score": NAN, "exposed_pct": NAN, "coverage_pct": NAN, "n_missing": 0,
            "missing": "", "u_pct": NAN, "comparable": False}
    rows_ = [{**base, "role": "country", "geo": "DK", **country}]
    if reference is not None:
        rows_.append({**base, "role": "reference", "geo": EU, **reference})
    return pd.DataFrame(rows_)


def test_exposure_finding_and_sentence_exact() -> None:
    dk = {"mean_score": 0.2345, "exposed_pct": 27.6, "coverage_pct": 98.0, "comparable": True}
    eu = {"geo": EU, "mean_score": 0.21, "exposed_pct": 25.05, "coverage_pct": 99.0, "comparable": True}
    e = _expo(dk, eu)
    assert pr.exposure_finding(e, "DK") == ("Denmark, 2025: 27.6 % of employment is in occupations exposed to "
                                            "generative AI, 2.6 pp above the EU (25.1 %)")
    assert pr.exposure_sentence(e, "DK") == (
        "In 2025, 27.6 % (EU 25.1 %) of employment in Denmark was in occupations exposed to generative AI (ILO 2025 "
        "gradients 1-4); the employment-weighted mean ILO score was 0.235 (EU 0.210). Occupations with a score and "
        "an employment value cover 98.0 % of its employment.")
    below = _expo({**dk, "exposed_pct": 20.0}, eu)
    assert pr.exposure_finding(below, "DK").endswith("5.1 pp below the EU (25.1 %)")
    alone = _expo(dk)
    assert pr.exposure_finding(alone, EU) == ("European Union, 2025: 27.6 % of employment is in occupations exposed "
                                              "to generative AI")
    assert pr.exposure_sentence(alone, EU).startswith("In 2025, 27.6 % of employment in the European Union was")
    assert "mean ILO score was 0.235." in pr.exposure_sentence(alone, EU)


def test_exposure_low_coverage_missing_groups_and_no_data() -> None:
    low = _expo({"mean_score": 0.3, "exposed_pct": 30.0, "coverage_pct": 94.0, "n_missing": 1, "missing": "OC01",
                 "comparable": False},
                {"mean_score": NAN, "exposed_pct": 25.0, "coverage_pct": 99.0, "comparable": True})
    assert pr.exposure_finding(low, "DK") == ("Denmark, 2025: 30.0 % of employment is in occupations exposed to "
                                              "generative AI — but only 94.0 % of employment is covered, too little "
                                              "to compare")
    text = pr.exposure_sentence(low, "DK")
    assert "mean ILO score was 0.300. Occupations" in text                 # the EU's score is missing: not shown
    assert "; 1 2-digit occupation group has no employment value (OC01)." in text
    assert text.endswith("That is below the 95 % the labour chapter requires: the share is not comparable with "
                         "other countries'.")
    two = _expo({"mean_score": 0.3, "exposed_pct": 30.0, "coverage_pct": 96.0, "n_missing": 2, "missing": "OC01 OC02",
                 "comparable": True})
    assert "; 2 2-digit occupation groups have no employment value (OC01 OC02)." in pr.exposure_sentence(two, "DK")
    assert "below the" not in pr.exposure_sentence(two, "DK")
    assert pr.exposure_sentence(two, "DK", coverage_min=97.0).endswith("cover 96.0 % of its employment; 2 2-digit "
                                                                       "occupation groups have no employment value "
                                                                       "(OC01 OC02).")
    none = _expo({}, {"exposed_pct": 25.0})
    assert pr.exposure_finding(none, "DK") == (
        "Denmark: the share of employment exposed to generative AI is not available")
    assert pr.exposure_sentence(none, "DK") == ("Eurostat publishes no employment by occupation for Denmark in 2025: "
                                                "the exposure of its jobs is not available.")


# ------------------------------------------------------------------------------------------------ flags and gaps
def test_flag_counts_by_flag_with_missing() -> None:
    f = pd.DataFrame({"value": [1.0, NAN, 2.0, NAN, 3.0, 4.0], "flag": ["u", "u", "b", "@C", "", None]})
    out = pr.flag_counts(f, "value", "AI use")
    assert out.columns.tolist() == ["source", "flag", "meaning", "values", "missing"]
    assert out.values.tolist() == [["AI use", "@C", "confidential", 1, 1],
                                   ["AI use", "b", "break in time series", 1, 0],
                                   ["AI use", "u", "low reliability", 2, 1]]
    assert pr.flag_counts(f.iloc[4:], "value", "x").empty


def test_barrier_status() -> None:
    U = "PC_ENT_AI_EC"
    full = [(b, sc, "DK", 2025, 10.0, "", U) for b in ("E_AI_BCST", "E_AI_BLE", "E_AI_BINC", "E_AI_BDDT",
                                                          "E_AI_BCDP", "E_AI_BLEG", "E_AI_BEC", "E_AI_BNU")
            for sc in ("10-49", "50-249", "GE250", "GE10")]
    f = rows(*full, ("E_AI_BCST", "GE10", "DK", 2023, 5.0, "", U), ("E_AI_BCST", "GE10", "AT", 2025, 5.0, "", U),
             ("E_AI_BCST", "GE10", "AT", 2023, NAN, "", U), ("E_AI_BCST", "GE10", "FR", 2025, 5.0, "", "PC_ENT"))
    assert pr.barrier_status(f, "DK", 2025) == ("available", "2025: all 32 values (8 reasons × 4 size classes)")
    assert pr.barrier_status(f, "AT", 2025) == ("partly available", "2025: 1 of 32 values (8 reasons × 4 size classes)")
    assert pr.barrier_status(f, "AT", 2023) == ("partly available", "none for 2023; years with data: 2025")
    assert pr.barrier_status(f, "DK", 2024) == ("partly available", "none for 2024; years with data: 2023, 2025")
    assert pr.barrier_status(f, "DK", None) == ("partly available", "none for None; years with data: 2023, 2025")
    status, detail = pr.barrier_status(f, "FR", 2025)
    assert status == "not available"
    assert detail.startswith("Eurostat publishes them for no survey year; member states without them: BE, BG, CY, "
                             "CZ, DE, EE, EL, ES, FI, FR,")
    all_members = rows(*[("E_AI_BCST", "GE10", g, 2025, 1.0, "", U) for g in pr.MEMBER_STATES])
    assert pr.barrier_status(all_members, "NO", 2025) == ("not available", "Eurostat publishes them for no survey year")


# ------------------------------------------------------------------------------------------------ target, texts
def test_target_sentence_gives_the_eu_need_from_its_latest_year() -> None:
    f = rows((T, "GE10", EU, 2023, 8.0, ""), (T, "GE10", EU, 2024, 10.0, ""), (T, "GE10", EU, 2025, 15.0, ""),
             (T, "10-249", EU, 2025, 70.0, ""), (T, "GE10", "DK", 2025, 42.0, ""))
    text = pr.target_sentence(f, "DK")
    assert "isoc_eb_ai holds AI indicators only (1 of them, all on AI)" in text      # the table's own note
    assert "In Denmark, for all enterprises, AI take-up was 42.0 % in 2025" in text
    # EU 2025, GE10 (not the SMEs' 70 %): (75 / 15) ** (1 / 5) − 1 = 38.0 %; (75 − 15) / 5 = 12.0 pp
    assert text.endswith(" For comparison, the EU (15.0 % of all enterprises in 2025) would need 38.0 % a year, or "
                         "12.0 pp a year.")
    assert "For comparison" not in pr.target_sentence(f, EU)
    no_eu = f.loc[f["geo"] != EU]
    assert pr.target_sentence(no_eu, "DK").endswith(" The EU's path is not available.")
    zero = f.assign(value=f["value"].where(f["geo"] != EU, 0.0))
    assert "For comparison" not in pr.target_sentence(zero, "DK")            # no growth rate from 0 %
    met = f.assign(value=f["value"].where(f["geo"] != EU, 80.0))
    assert pr.target_sentence(met, "DK").endswith("would need 0.0 % a year, or 0.0 pp a year.")


def test_reference_text_and_non_member_message() -> None:
    from analysis.chapters.params import ParameterError, validate

    assert pr.reference_text(True) == "Each value is followed by the EU27's in brackets."
    assert pr.reference_text(False) == ("The EU27 is the reference of the member-state profiles; its values are "
                                        "Eurostat's EU27 aggregates, not averages of the countries' values.")
    try:
        validate("country_profile", {"geo": "NO"})
    except ParameterError as err:
        msg = str(err)
    assert msg.startswith("country_profile: parameter geo='NO' is not valid; choose one of: EU27_2020, BE, BG,")
    assert msg.endswith(", SE (NO = Norway is not an EU member state; profiles cover the EU27 and its 27 member "
                        "states)")


# ------------------------------------------------------------------------------------------------ inputs, years, tables
def test_load_inputs_reads_the_four_tables(monkeypatch) -> None:  # noqa: ANN001
    from analysis.chapters import adoption as ad
    from analysis.chapters import exposure as ex
    from analysis.tables import process

    monkeypatch.setattr(ex, "load_indices", lambda: "indices")
    monkeypatch.setattr(process, "load", lambda name: f"table {name}")
    monkeypatch.setattr(ex, "prepare_index", lambda *args: args)
    monkeypatch.setattr(ad, "load_adoption", lambda: "adoption")
    got = pr.load_inputs()
    assert got.view == ("indices", "table exposure_ilo", "ilo2025", "gradient")
    assert got.adoption == "adoption" and got.employment == "table employment_by_occupation"


def test_survey_and_latest_year_count_values_not_rows() -> None:
    f = rows((T, "GE10", "DK", 2023, 1.0, ""), (T, "GE10", "DK", 2024, 2.0, ""), (T, "GE10", "DK", 2025, NAN, "@C"),
             (T, "GE10", "DK", 2026, 3.0, "", "PC_ENT_AI_EC"), ("E_AI_TTM", "GE10", "DK", 2027, 3.0, ""),
             (T, "GE10", "SE", 2021, 3.0, ""))
    assert pr.survey_years(f) == [2021, 2023, 2024]
    assert pr.latest_year(f) == 2024 and pr.latest_year(f, "E_AI_TTM") == 2027
    assert pr.latest_year(f, "E_AI_TML") is None


def test_items_and_flags_tables() -> None:
    items = pd.DataFrame({"item": ["AI use"], "status": ["available"], "detail": ["5 of 5"]})
    flags = pd.DataFrame({"source": ["AI use"], "flag": ["u"], "meaning": ["low reliability"], "values": [1234],
                          "missing": [0]})
    gaps = pr.DataGaps(geo="DK", items=items, flags=flags, sentences=["One.", "Two."])
    assert pr.items_table(gaps).columns.tolist() == ["Item", "Status", "Detail"]
    assert pr.items_table(gaps).values.tolist() == [["AI use", "available", "5 of 5"]]
    ft = pr.flags_table(gaps)
    assert ft.columns.tolist() == ["Source", "Flag", "Meaning", "Flagged values", "Of which without a value"]
    assert ft.values.tolist() == [["AI use", "u", "low reliability", "1,234", "0"]]
    assert gaps.text() == "One. Two." and gaps.missing_items == []


def test_size_texts_on_small_shares_and_the_eu_page() -> None:
    f = _sizes_frame()
    f.loc[f["size_class"] == "10-249", "value"] = 0.5           # SMEs at 0.5 %: a ratio exists (0 < 0.5 < 1)
    text = pr.size_sentence(pr.size_profile(f, "DK", 2025), "DK", 2025)
    assert "Large enterprises used AI 149.0 times as often as SMEs (EU 110.0 times)" in text
    eu = pr.size_sentence(pr.size_profile(_sizes_frame(), EU, 2025, reference=None), EU, 2025)
    assert eu.startswith("In 2025, the share of enterprises using at least one AI technology in the European Union "
                         "was: all enterprises (10 or more persons employed) 20.0 %; SMEs (10-249) 19.0 %; large "
                         "enterprises (250 or more) 55.0 %. Large enterprises used AI 2.9 times as often as SMEs;")
    g = _sizes_frame()
    g.loc[(g["geo"] == "DK") & (g["size_class"] == "GE10"), "value"] = NAN     # all missing, the classes not
    assert pr.size_finding(pr.size_profile(g, "DK", 2025), "DK", 2025) == (
        "Denmark, 2025: large enterprises 74.5 %, SMEs 41.0 %")


def test_trend_finding_without_a_change_shows_the_latest_gap() -> None:
    t = pr.GapTrend(2021, 2024, 21.0, NAN, NAN, 21.0, 28.5, 7.5, 2025, 33.5, 36.0)   # the last comparable gap missing
    assert pr.trend_finding(t, "DK") == "Denmark: the SME gap was 33.5 pp in 2025; no comparable trend"


def test_flag_counts_types_and_empty_columns() -> None:
    f = pd.DataFrame({"value": [1.0, NAN], "flag": ["u", "b"]})
    out = pr.flag_counts(f, "value", "AI use")
    assert str(out["values"].dtype) == "int64" and str(out["missing"].dtype) == "int64"
    empty = pr.flag_counts(f.assign(flag=""), "value", "x")
    assert empty.empty and empty.columns.tolist() == ["source", "flag", "meaning", "values", "missing"]
    two_missing = _tech().assign(value=[30.8, 11.85, 11.84, NAN, NAN])
    assert pr.technology_sentence(two_missing, "NL", 2025).endswith(
        " Not available: image recognition, generating pictures.")


# ------------------------------------------------------------------------------------------------ figures
# Hand-made profile tables, drawn: each test reads back what a reader sees (bar lengths and positions, hatching of
# flagged values, the numbers written beside the bars, ticks, labels, titles, legends, notes, alt texts).
def _agg() -> None:
    import matplotlib

    matplotlib.use("Agg")


def _close(fig) -> None:  # noqa: ANN001
    import matplotlib.pyplot as plt

    plt.close(fig)


def _wrapped(text: str) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(text.replace(" %", "\u00a0%").replace(" pp", "\u00a0pp"), 76))


def _sizes_table(ref: bool = True) -> pd.DataFrame:
    return pd.DataFrame({
        "size_class": ["GE10", "10-249", "GE250"], "label": ["all (10+)", "SMEs (10-249)", "large (250+)"],
        "value": [42.0, NAN, 74.5], "flag": ["", "c", "u"],
        "ref_value": [20.0, 19.0, 55.0] if ref else [NAN, NAN, NAN], "ref_flag": ["b", "", ""] if ref else ["", "", ""],
        "diff_pp": [22.0, NAN, 19.5] if ref else [NAN, NAN, NAN]})


def _empty_history() -> pd.DataFrame:
    return pd.DataFrame({"year": [2025], "small": [NAN], "large": [NAN], "gap_pp": [NAN], "flags": [""],
                         "ref_small": [NAN], "ref_large": [NAN], "ref_gap_pp": [NAN], "ref_flags": [""],
                         "diff_pp": [NAN], "after_break": [True]})


def _prof(geo: str = "DK", sizes: pd.DataFrame | None = None, history: pd.DataFrame | None = None,
          tech: pd.DataFrame | None = None, expo: pd.DataFrame | None = None) -> pr.Profile:
    ref = pr.reference_for(geo)
    hist = history if history is not None else _empty_history()
    gaps = pr.DataGaps(geo, pd.DataFrame(columns=["item", "status", "detail"]),
                       pd.DataFrame(columns=["source", "flag", "meaning", "values", "missing"]))
    return pr.Profile(geo=geo, name=pr.country_name(geo), reference=ref, year=2025,
                      sizes=sizes if sizes is not None else _sizes_table(ref is not None), history=hist,
                      trend=pr.gap_trend(hist), technologies=tech if tech is not None else _sizes_table(),
                      exposure=expo if expo is not None else pd.DataFrame(), gaps=gaps)


def test_wrap_title_keeps_units_with_their_numbers() -> None:
    import matplotlib.pyplot as plt

    _agg()
    fig, ax = plt.subplots()
    text = "Denmark, 2025: 42.0 % of enterprises use AI, 22.0 pp above the EU (20.0 %), and some more words here"
    pr._wrap(ax, text)
    _close(fig)
    # 76 characters at most per line; the number and its unit never split (no-break space before % and pp)
    assert ax.get_title() == ("Denmark, 2025: 42.0\u00a0% of enterprises use AI, 22.0\u00a0pp above the EU "
                              "(20.0\u00a0%),\nand some more words here")


def test_colours_country_differs_from_eu_only_with_a_reference() -> None:
    from analysis.core import figures

    assert pr._colours(True) == (figures.PALETTE[1], figures.PALETTE[0])
    assert pr._colours(False) == (figures.PALETTE[0], figures.PALETTE[0])


def test_figure_sizes_bars_hatching_labels_and_meta() -> None:
    _agg()
    prof = _prof()
    fig, data, meta = pr.figure_sizes(prof)
    ax = fig.axes[0]
    _close(fig)
    assert data is prof.sizes
    bars = ax.patches
    assert len(bars) == 6                       # Denmark's three bars, then the EU's three
    widths = [b.get_width() for b in bars]
    assert widths[0] == 42.0 and math.isnan(widths[1]) and widths[2] == 74.5 and widths[3:] == [20.0, 19.0, 55.0]
    # two bars per row, 0.4 high each: Denmark's above (centre row − 0.2), the EU's below (row + 0.2)
    assert [round(b.get_height(), 9) for b in bars] == [0.4] * 6
    assert [round(b.get_y() + b.get_height() / 2, 9) for b in bars] == [-0.2, 0.8, 1.8, 0.2, 1.2, 2.2]
    assert [b.get_hatch() for b in bars] == [None, "//", "//", "//", None, None]    # flagged values hatched
    assert [b.get_label() for b in (bars[0], bars[3])] == ["_nolegend_", "_nolegend_"]
    texts = [(a.get_text(), tuple(round(x, 9) for x in a.xy)) for a in ax.texts]
    assert texts == [("42.0 %", (42.0, -0.2)), ("not available", (0.0, 0.8)), ("74.5 % (u)", (74.5, 1.8)),
                     ("20.0 % (b)", (20.0, 0.2)), ("19.0 %", (19.0, 1.2)), ("55.0 %", (55.0, 2.2))]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["all (10+)", "SMEs (10-249)", "large (250+)"]
    assert list(ax.get_yticks()) == [0, 1, 2] and ax.yaxis_inverted()
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["Denmark", "EU27"]
    assert ax.get_xlabel() == "% of enterprises of the size class using at least one AI technology"
    assert ax.get_title() == _wrapped(pr.size_finding(prof.sizes, "DK", 2025))
    assert meta["name"] == "ai-use-by-size" and meta["source"] == pr.ADOPTION_SOURCE
    assert meta["unit"] == "% of enterprises of the size class"
    assert meta["notes"] == ("E_AI_TANY, unit PC_ENT, 2025. diff_pp = Denmark − EU27, percentage points. "
                             "Flagged values (hatched): b = break in time series (all (10+) EU27); "
                             "c = confidential (SMEs (10-249) Denmark); u = low reliability (large (250+) Denmark).")
    assert meta["alt"] == ("Bar chart: share of enterprises using AI by size class, 2025, Denmark against the EU. "
                           "all (10+) 42.0 % (EU 20.0 %); SMEs (10-249) not available (EU 19.0 %); "
                           "large (250+) 74.5 % (EU 55.0 %).")


def test_figure_sizes_on_the_eu_page_and_when_nothing_is_available() -> None:
    _agg()
    prof = _prof(EU)
    fig, _data, meta = pr.figure_sizes(prof)
    ax = fig.axes[0]
    _close(fig)
    assert len(ax.patches) == 3 and ax.get_legend() is None           # no reference: one bar per row, no legend
    assert [round(b.get_height(), 9) for b in ax.patches] == [0.8] * 3
    assert [round(b.get_y() + b.get_height() / 2, 9) for b in ax.patches] == [0.0, 1.0, 2.0]
    assert meta["alt"] == ("Bar chart: share of enterprises using AI by size class, 2025, European Union. "
                           "all (10+) 42.0 %; SMEs (10-249) not available; large (250+) 74.5 %.")
    none = _sizes_table()
    none[["value", "ref_value"]] = NAN
    assert pr.figure_sizes(_prof(sizes=none)) is None
    only_eu = _sizes_table()
    only_eu["value"] = NAN
    fig, _data, _meta = pr.figure_sizes(_prof(sizes=only_eu))   # the EU's bars are drawn, Denmark's say so
    _close(fig)
    assert [a.get_text() for a in fig.axes[0].texts][:3] == ["not available"] * 3


def test_figure_technologies_bars_labels_and_meta() -> None:
    _agg()
    tech = _sizes_table().assign(label=["text mining", "speech recognition", "image recognition"])
    prof = _prof(tech=tech)
    fig, data, meta = pr.figure_technologies(prof)
    ax = fig.axes[0]
    _close(fig)
    assert data is tech and len(ax.patches) == 6
    assert [b.get_hatch() for b in ax.patches] == [None, "//", "//", "//", None, None]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["text mining", "speech recognition", "image recognition"]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["Denmark", "EU27"]
    assert ax.get_xlabel() == "% of all enterprises (10 or more persons employed)"
    assert ax.get_title() == _wrapped(pr.technology_finding(tech, "DK", 2025))
    assert (meta["name"], meta["source"], meta["unit"]) == ("technologies", pr.ADOPTION_SOURCE, "% of enterprises")
    assert meta["notes"] == (
        "All enterprises (GE10), unit PC_ENT, 2025. Generating pictures, video, sound (E_AI_TPVSG) is asked from 2025 "
        "only. An enterprise can use several technologies. Flagged values (hatched): b = break in time series "
        "(text mining EU27); c = confidential (speech recognition Denmark); u = low reliability "
        "(image recognition Denmark).")
    assert meta["alt"] == ("Bar chart: share of enterprises using each AI technology, 2025, Denmark against the EU. "
                           "text mining 42.0 % (EU 20.0 %); speech recognition not available (EU 19.0 %); "
                           "image recognition 74.5 % (EU 55.0 %).")
    none = tech.assign(value=NAN, ref_value=NAN)
    assert pr.figure_technologies(_prof(tech=none)) is None


def _trend_history() -> pd.DataFrame:
    return pd.DataFrame({
        "year": [2021, 2023, 2024, 2025], "small": [NAN] * 4, "large": [NAN] * 4,
        "gap_pp": [44.0, NAN, 37.0, 33.5], "flags": ["", "", "u", ""],
        "ref_small": [NAN] * 4, "ref_large": [NAN] * 4,
        "ref_gap_pp": [21.0, 23.0, 28.5, 36.0], "ref_flags": ["", "b", "", ""],
        "diff_pp": [23.0, NAN, 8.5, -2.5], "after_break": [False, False, False, True]})


def test_figure_trend_lines_circles_ticks_and_meta() -> None:
    _agg()
    hist = _trend_history()
    prof = _prof(history=hist)
    fig, data, meta = pr.figure_trend(prof)
    ax = fig.axes[0]
    _close(fig)
    assert data is hist
    lines = [(list(ln.get_xdata()), list(ln.get_ydata()), ln.get_linestyle(),
              None if ln.get_label().startswith("_") else ln.get_label()) for ln in ax.lines]
    # Denmark: 2023 missing → no line across it (2021 and 2024 alone); the step into 2025 dashed; the EU: 2021
    # alone, 2023-24, 2024-25; each line named once in the legend
    assert lines[:6] == [
        ([2021], [44.0], "-", "Denmark"), ([2024], [37.0], "-", None), ([2024, 2025], [37.0, 33.5], "--", None),
        ([2021], [21.0], "-", "EU27"), ([2023, 2024], [23.0, 28.5], "-", None),
        ([2024, 2025], [28.5, 36.0], "--", None)]
    assert lines[6][0] == [2024.5, 2024.5] and len(lines) == 7   # the questionnaire change, between 2024 and 2025
    # flagged values circled: Denmark's 2024 (u), the EU's 2023 (b)
    assert [c.get_offsets().tolist() for c in ax.collections] == [[[2024.0, 37.0]], [[2023.0, 23.0]]]
    assert ax.get_ylim()[0] == 0
    span = ax.patches[0]                                         # 2022 (no AI module) shaded
    assert (round(span.get_x(), 9), round(span.get_x() + span.get_width(), 9)) == (2021.6, 2022.4)
    note = ax.texts[0]
    assert note.get_text() == "no AI module\nin 2022" and note.get_position() == (2022, ax.get_ylim()[1] * 0.97)
    assert list(ax.get_xticks()) == [2021, 2023, 2024, 2025]
    assert ax.get_ylabel() == "gap, percentage points (large − SMEs)"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "Denmark", "EU27", "into 2025: new questionnaire\nitem (pictures, video,\nsound), not comparable",
        "flagged value"]
    assert ax.get_title() == _wrapped(pr.trend_finding(prof.trend, "DK"))
    assert (meta["name"], meta["source"]) == ("sme-gap-trend", pr.ADOPTION_SOURCE)
    assert meta["unit"] == "percentage points (share of large enterprises − share of SMEs)"
    assert meta["notes"] == (
        "SMEs: 10-249 persons employed; large: 250 or more. No AI module in 2022. Dashed: the 2025 questionnaire "
        "added an item, so 2025 is not strictly comparable with 2024. Circled: Flagged values : "
        "b = break in time series (2023 EU27); u = low reliability (2024 Denmark).")
    assert meta["alt"] == (
        "Line chart: the gap between large enterprises and SMEs by survey year (pp). Denmark: 2021 44.0, "
        "2023 n/a, 2024 37.0, 2025 33.5; EU27: 2021 21.0, 2023 23.0, 2024 28.5, 2025 36.0.")


def test_figure_trend_eu_page_and_nothing_to_draw() -> None:
    _agg()
    hist = _trend_history()
    hist[["ref_gap_pp"]] = NAN
    hist["ref_flags"] = ""
    fig, _data, meta = pr.figure_trend(_prof(EU, history=hist))
    ax = fig.axes[0]
    _close(fig)
    assert [ln.get_label() for ln in ax.lines if not ln.get_label().startswith("_")] == ["European Union"]
    assert [c.get_offsets().tolist() for c in ax.collections] == [[[2024.0, 37.0]]]   # no EU27 series drawn
    assert [t.get_text() for t in ax.get_legend().get_texts()][0] == "European Union"
    assert "EU27" not in meta["alt"] and meta["alt"].startswith("Line chart: the gap between large enterprises and "
                                                                "SMEs by survey year (pp). European Union: 2021 44.0")
    assert pr.figure_trend(_prof(history=_empty_history())) is None


def _expo_table(country: float = 30.0, cov: float = 90.0, ok: bool = False, eu: float = 25.0) -> pd.DataFrame:
    return pd.DataFrame({"role": ["country", "reference"], "geo": ["DK", EU], "year": [2025, 2025],
                         "mean_score": [0.3, 0.25], "exposed_pct": [country, eu], "coverage_pct": [cov, 99.0],
                         "n_missing": [2, 0], "missing": ["01 02", ""], "u_pct": [0.0, 0.0],
                         "comparable": [ok, True]})


def test_figure_exposure_bars_hatching_labels_and_meta() -> None:
    _agg()
    expo = _expo_table()
    prof = _prof(expo=expo)
    fig, data, meta = pr.figure_exposure(prof)
    ax = fig.axes[0]
    _close(fig)
    assert data is expo
    assert [b.get_width() for b in ax.patches] == [30.0, 25.0]
    assert [b.get_hatch() for b in ax.patches] == ["//", None]           # low coverage hatched
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Denmark", "EU27"] and ax.yaxis_inverted()
    texts = [(a.get_text(), a.xy[0], a.xy[1]) for a in ax.texts]
    ys = [b.get_y() + b.get_height() / 2 for b in ax.patches]
    assert texts == [("30.0 % (90 % covered)", 30.0, ys[0]), ("25.0 %", 25.0, ys[1])]
    assert ax.get_xlim() == (0.0, 60.0)                                   # 30 × 1.25 < 60
    assert ax.get_xlabel() == "% of employment in occupations exposed to generative AI (ILO 2025 gradients 1-4)"
    assert ax.get_title() == _wrapped(pr.exposure_finding(expo, "DK"))
    assert (meta["name"], meta["source"], meta["unit"]) == ("exposure", pr.EXPOSURE_SOURCE, "% of employment")
    assert meta["notes"] == (
        "Employment-weighted over ISCO-08 2-digit groups with a score (the armed forces have none); a group's exposed "
        "share is the share of its unit groups in ILO gradients 1-4. Hatched: scored groups with a value cover less "
        "than 95 % of employment (suppressed cells): not comparable.")
    assert meta["alt"] == ("Bar chart: share of employment in occupations exposed to generative AI. "
                           "Denmark 30.0 % (low coverage); EU27 25.0 %.")


def test_figure_exposure_limits_missing_and_none() -> None:
    _agg()
    fig, _data, meta = pr.figure_exposure(_prof(expo=_expo_table(country=80.0, cov=99.5, ok=True)))
    ax = fig.axes[0]
    _close(fig)
    assert ax.get_xlim() == (0.0, 100.0)                                  # 80 × 1.25
    assert [b.get_hatch() for b in ax.patches] == [None, None]
    assert [a.get_text() for a in ax.texts] == ["80.0 %", "25.0 %"]
    assert meta["alt"].endswith("Denmark 80.0 %; EU27 25.0 %.")
    fig, _data, meta = pr.figure_exposure(_prof(expo=_expo_table(country=NAN, cov=NAN)))
    ax = fig.axes[0]
    _close(fig)
    assert [b.get_hatch() for b in ax.patches] == [None, None]           # a missing value is not hatched
    assert [(a.get_text(), a.xy[0]) for a in ax.texts] == [("not available", 0), ("25.0 %", 25.0)]
    assert meta["alt"].endswith("Denmark not available (low coverage); EU27 25.0 %.")
    assert pr.figure_exposure(_prof(expo=_expo_table(country=NAN, eu=NAN))) is None


# ------------------------------------------------------------------------------------------------ computed tables
# The shared tiny fixture of test_profiles (EU complete; DK with a b and a u flag; RO with a confidential large
# value in 2025, no 2023 rows, no barriers, employment cells missing and flagged u).
import pytest  # noqa: E402
import test_profiles as tp  # noqa: E402


@pytest.fixture
def tiny_frame() -> pd.DataFrame:
    return tp.tiny.__wrapped__()


@pytest.fixture
def tiny_inputs() -> pr.ProfileInputs:
    return pr.ProfileInputs(tp.tiny.__wrapped__(), tp.employment.__wrapped__(), tp.view.__wrapped__())


def _nan_equal(got: dict, want: dict) -> None:
    assert got.keys() == want.keys()
    for k, w in want.items():
        g = got[k]
        if isinstance(w, float) and math.isnan(w):
            assert isinstance(g, float) and math.isnan(g), k
        elif isinstance(w, float):
            assert math.isclose(g, w, abs_tol=1e-9), (k, g, w)
        else:
            assert g == w, (k, g, w)


def test_gap_history_by_hand(tiny_frame: pd.DataFrame) -> None:
    tiny = tiny_frame
    h = pr.gap_history(tiny, "DK")
    assert h.columns.tolist() == ["year", "small", "large", "gap_pp", "flags", "ref_small", "ref_large",
                                  "ref_gap_pp", "ref_flags", "diff_pp", "after_break"]
    assert h["year"].tolist() == [2021, 2023, 2024, 2025]
    assert h["small"].tolist() == [20.0, 15.0, 25.0, 41.0] and h["large"].tolist() == [64.0, 52.0, 62.0, 74.5]
    assert h["gap_pp"].tolist() == [44.0, 37.0, 37.0, 33.5] and h["flags"].tolist() == ["", "b", "", ""]
    assert h["ref_small"].tolist() == [7.0, 7.5, 12.5, 19.0] and h["ref_large"].tolist() == [28.0, 30.5, 41.0, 55.0]
    assert h["ref_gap_pp"].tolist() == [21.0, 23.0, 28.5, 36.0] and h["ref_flags"].tolist() == ["", "", "", ""]
    assert h["diff_pp"].tolist() == [23.0, 14.0, 8.5, -2.5]                       # DK − EU
    assert h["after_break"].tolist() == [False, False, False, True] and h["after_break"].dtype == bool
    for c in ("small", "large", "gap_pp", "ref_small", "ref_large", "ref_gap_pp", "diff_pp"):
        assert str(h[c].dtype) == "float64", c
    ro = pr.gap_history(tiny, "RO", years=[2025, 2023, 2021])                      # years sorted; missing → NaN
    assert ro["year"].tolist() == [2021, 2023, 2025]
    assert ro["gap_pp"].iloc[0] == 6.0 and ro["gap_pp"].iloc[1:].isna().all()
    assert ro["small"].iloc[0] == 2.0 and math.isnan(ro["small"].iloc[1])
    assert ro["small"].iloc[2] == 4.7 and math.isnan(ro["large"].iloc[2]) and ro["flags"].tolist() == ["", "", "@C"]
    assert ro["diff_pp"].iloc[0] == -15.0 and ro["diff_pp"].iloc[1:].isna().all()
    alone = pr.gap_history(tiny, "DK", reference=None)                            # the EU page: no reference
    assert alone["gap_pp"].tolist() == [44.0, 37.0, 37.0, 33.5]
    assert alone[["ref_small", "ref_large", "ref_gap_pp", "diff_pp"]].isna().all().all()
    assert alone["ref_flags"].tolist() == ["", "", "", ""]
    eu = pr.gap_history(tiny, EU, reference=None)
    assert eu["gap_pp"].tolist() == [21.0, 23.0, 28.5, 36.0]


def test_exposure_profile_by_hand(tiny_inputs: pr.ProfileInputs) -> None:
    employment, view = tiny_inputs.employment, tiny_inputs.view
    e = pr.exposure_profile(employment, view, "DK")
    # DK 2025: OC11 60 (score 0.5, exposed, flagged u), OC21 60 (0.2, not exposed), OC01 unscored; total 125
    _nan_equal(e.iloc[0].to_dict(), {"role": "country", "geo": "DK", "year": 2025, "mean_score": 0.35,
                                     "exposed_pct": 50.0, "coverage_pct": 96.0, "n_missing": 0, "missing": "",
                                     "u_pct": 50.0, "comparable": True})
    # EU 2025: (100·0.5 + 300·0.2) / 400 = 0.275; 100 / 400 exposed; 400 of 410 covered
    _nan_equal(e.iloc[1].to_dict(), {"role": "reference", "geo": EU, "year": 2025, "mean_score": 0.275,
                                     "exposed_pct": 25.0, "coverage_pct": 400 / 410 * 100, "n_missing": 0,
                                     "missing": "", "u_pct": 0.0, "comparable": True})
    ro = pr.exposure_profile(employment, view, "RO", reference=None)
    assert len(ro) == 1
    _nan_equal(ro.iloc[0].to_dict(), {"role": "country", "geo": "RO", "year": 2025, "mean_score": 0.5,
                                      "exposed_pct": 100.0, "coverage_pct": 25.0, "n_missing": 2,
                                      "missing": "OC01 OC21", "u_pct": 0.0, "comparable": False})
    xx = pr.exposure_profile(employment, view, "XX")                 # no employment: NaN, never 0; every group missing
    _nan_equal(xx.iloc[0].to_dict(), {"role": "country", "geo": "XX", "year": 2025, "mean_score": NAN,
                                      "exposed_pct": NAN, "coverage_pct": NAN, "n_missing": 3,
                                      "missing": "OC01 OC11 OC21", "u_pct": NAN, "comparable": False})
    assert xx.iloc[1]["exposed_pct"] == 25.0
    old = pr.exposure_profile(employment, view, "DK", year=2024)     # 2024: only OC11 and OC21 expected
    _nan_equal(old.iloc[0].to_dict(), {"role": "country", "geo": "DK", "year": 2024, "mean_score": 0.35,
                                       "exposed_pct": 50.0, "coverage_pct": 100.0, "n_missing": 0, "missing": "",
                                       "u_pct": 0.0, "comparable": True})
    _nan_equal(old.iloc[1].to_dict(), {"role": "reference", "geo": EU, "year": 2024, "mean_score": NAN,
                                       "exposed_pct": NAN, "coverage_pct": NAN, "n_missing": 2,
                                       "missing": "OC11 OC21", "u_pct": NAN, "comparable": False})
    none = pr.exposure_profile(employment.iloc[0:0], view, "DK")
    assert none["year"].isna().all() or none["year"].tolist() == [None, None]
    assert none["exposed_pct"].isna().all() and not none["comparable"].any()


def test_headline_by_hand(tiny_inputs: pr.ProfileInputs) -> None:
    inputs = tiny_inputs
    _nan_equal(pr.build_profile("DK", inputs).headline(), {
        "geo": "DK", "year": 2025, "all": 42.0, "sme": 41.0, "large": 74.5, "gap_pp": 33.5, "eu_all": 20.0,
        "eu_sme": 19.0, "eu_large": 55.0, "eu_gap_pp": 36.0, "exposure_year": 2025, "exposed_pct": 50.0,
        "eu_exposed_pct": 25.0, "exposure_comparable": True})
    _nan_equal(pr.build_profile("RO", inputs).headline(), {
        "geo": "RO", "year": 2025, "all": 5.2, "sme": 4.7, "large": NAN, "gap_pp": NAN, "eu_all": 20.0,
        "eu_sme": 19.0, "eu_large": 55.0, "eu_gap_pp": 36.0, "exposure_year": 2025, "exposed_pct": 100.0,
        "eu_exposed_pct": 25.0, "exposure_comparable": False})
    _nan_equal(pr.build_profile(EU, inputs).headline(), {
        "geo": EU, "year": 2025, "all": 20.0, "sme": 19.0, "large": 55.0, "gap_pp": 36.0, "eu_all": NAN,
        "eu_sme": NAN, "eu_large": NAN, "eu_gap_pp": NAN, "exposure_year": 2025, "exposed_pct": 25.0,
        "eu_exposed_pct": NAN, "exposure_comparable": True})
    empty = pr.ProfileInputs(inputs.adoption.iloc[0:0], inputs.employment.iloc[0:0], inputs.view)
    h = pr.build_profile("DK", empty).headline()                      # no survey year, no exposure year
    assert h["year"] is None and h["exposure_year"] is None
    assert math.isnan(h["gap_pp"]) and math.isnan(h["eu_gap_pp"]) and math.isnan(h["all"])


def test_data_gaps_items_flags_and_sentences_by_hand(tiny_inputs: pr.ProfileInputs) -> None:
    inputs = tiny_inputs
    dk = pr.data_gaps("DK", inputs)
    tech_missing = ("autonomous robots, vehicles, drones, image recognition/processing, machine learning for data "
                    "analysis, workflow automation / decision support, generating pictures, video, sound, speech "
                    "recognition")
    assert dk.items.to_dict("records") == [
        {"item": "AI use by size class, 2025", "status": "available", "detail": "5 of 5 size classes"},
        {"item": "SME gap, survey years 2021, 2023, 2024, 2025", "status": "available", "detail": "4 of 4 years"},
        {"item": "AI technologies, 2025", "status": "partly available",
         "detail": "2 of 8 technologies; missing: " + tech_missing},
        {"item": "Reasons for not using AI (barriers)", "status": "partly available",
         "detail": "2025: 1 of 32 values (8 reasons × 4 size classes)"},
        {"item": "Employment by occupation (exposure), 2025", "status": "available",
         "detail": "scored groups with a value cover 96.0 % of employment"}]
    assert dk.flags.to_dict("records") == [
        {"source": "AI use (isoc_eb_ai)", "flag": "b", "meaning": "break in time series", "values": 1, "missing": 0},
        {"source": "AI use (isoc_eb_ai)", "flag": "u", "meaning": "low reliability", "values": 1, "missing": 0},
        {"source": "employment by occupation (lfsa_egai2d), 2025", "flag": "u", "meaning": "low reliability",
         "values": 1, "missing": 0}]
    assert dk.sentences == [
        f"AI technologies, 2025: only partly available for Denmark (2 of 8 technologies; missing: {tech_missing}).",
        "Reasons for not using AI (barriers): only partly available for Denmark (2025: 1 of 32 values (8 reasons × 4 "
        "size classes)).",
        "1 value of AI use (isoc_eb_ai) carries the flag b (break in time series).",
        "1 value of AI use (isoc_eb_ai) carries the flag u (low reliability).",
        "1 value of employment by occupation (lfsa_egai2d), 2025 carries the flag u (low reliability)."]
    ro = pr.data_gaps("RO", inputs)
    assert ro.items["status"].tolist() == ["partly available"] * 3 + ["not available", "partly available"]
    assert ro.items["detail"].tolist()[:2] == [
        "2 of 5 size classes; missing: small (10-49), medium (50-249), large (250+)",
        "2 of 4 years; missing: 2023, 2025"]
    assert ro.items["detail"].iloc[4] == ("scored groups with a value cover 25.0 % of employment; 2 2-digit groups "
                                          "without a value: OC01 OC21")
    assert ro.flags[["flag", "values", "missing"]].to_dict("records") == [
        {"flag": "@C", "values": 1, "missing": 1}, {"flag": "u", "values": 2, "missing": 2}]
    assert ro.sentences[0] == ("AI use by size class, 2025: only partly available for Romania (2 of 5 size classes; "
                               "missing: small (10-49), medium (50-249), large (250+)).")
    assert ro.sentences[3].startswith("Reasons for not using AI (barriers): not available for Romania (Eurostat "
                                      "publishes them for no survey year;")
    assert ro.sentences[-2:] == [
        "1 value of AI use (isoc_eb_ai) carries the flag @C (confidential), without a value.",
        "2 values of employment by occupation (lfsa_egai2d), 2025 carry the flag u (low reliability), 2 of them "
        "without a value."]
    assert ro.missing_items == ro.items["item"].tolist()
    assert dk.missing_items == ["AI technologies, 2025", "Reasons for not using AI (barriers)"]
    assert dk.text() == " ".join(dk.sentences)
    xx = pr.data_gaps("XX", inputs)
    assert xx.items["detail"].iloc[4] == "no employment by occupation" and xx.items["status"].iloc[4] == "not available"
    assert xx.sentences[-1] == "None of the values of XX used here carries a Eurostat flag."
    assert str(xx.flags["values"].dtype) == "int64" and str(xx.flags["missing"].dtype) == "int64"


def test_glance_flags_own_values_only(tiny_inputs: pr.ProfileInputs) -> None:
    inputs = tiny_inputs
    assert pr.glance_flags(pr.build_profile("DK", inputs)) == {"all": "", "sme": "", "large": "", "gap": "",
                                                               "exposed": "u"}
    # RO: the confidential large value (no value) keeps its flag, and the gap built on it; the u cells of
    # employment have no value, so the exposed share carries no flag
    assert pr.glance_flags(pr.build_profile("RO", inputs)) == {"all": "", "sme": "", "large": "@C", "gap": "@C",
                                                               "exposed": ""}
    sizes = _sizes_table().assign(flag=["b", "c", "u"], ref_flag=["z", "z", "z"])
    hist = _trend_history().assign(flags=["", "", "", "u b"], ref_flags=["z"] * 4)
    prof = _prof(sizes=sizes, history=hist)
    flags = pd.DataFrame({"source": ["AI use (isoc_eb_ai)", "employment by occupation (lfsa_egai2d), 2025",
                                     "employment by occupation (lfsa_egai2d), 2025"],
                          "flag": ["e", "u", "b"], "meaning": ["", "", ""], "values": [3, 2, 1], "missing": [0, 1, 1]})
    prof = pr.Profile(**{**prof.__dict__, "gaps": pr.DataGaps("DK", prof.gaps.items, flags)})
    # sorted, each once; the EU's flags (z) never reach the country's keys; b only on a cell without a value
    assert pr.glance_flags(prof) == {"all": "b", "sme": "c", "large": "u", "gap": "b u", "exposed": "u"}
    no_year = pr.Profile(**{**prof.__dict__, "year": None})
    assert pr.glance_flags(no_year)["gap"] == ""
    assert pr.GLANCE_UNITS == {"all": "%", "sme": "%", "large": "%", "gap": "pp", "exposed": "%"}


def test_figure_target_names_the_eu_as_the_profile_does(tiny_inputs: pr.ProfileInputs) -> None:
    _agg()
    fig, _data, meta = pr.figure_target(tiny_inputs.adoption, pr.build_profile(EU, tiny_inputs))
    _close(fig)
    title = fig.axes[0].get_title()
    # the adoption chapter calls it "EU27"; the profile page is "European Union" (20.0 % of all enterprises, 2025)
    assert title.startswith("European Union: 20.0 % of enterprises used AI in 2025") and "EU27" not in title
    assert meta["alt"].startswith("Line chart: share of enterprises using AI, European Union, against a 75 % line")
    assert "EU27" not in meta["alt"]


def test_status_boundaries() -> None:
    assert [pr._status(h, n) for h, n in ((2, 2), (1, 2), (0, 2), (0, 0), (1, 1))] == [
        "available", "partly available", "not available", "not available", "available"]


def test_flag_counts_exact_sorted_by_flag() -> None:
    f = pd.DataFrame({"value": [1.0, NAN, NAN, 2.0, 3.0], "flag": ["u", "b", "u", None, ""]})
    assert pr.flag_counts(f, "value", "AI use").to_dict("records") == [
        {"source": "AI use", "flag": "b", "meaning": "break in time series", "values": 1, "missing": 1},
        {"source": "AI use", "flag": "u", "meaning": "low reliability", "values": 2, "missing": 1}]


def test_paired_alt_a_missing_eu_value_has_no_unit() -> None:
    table = pd.DataFrame({"value": [12.0, NAN], "ref_value": [NAN, 8.25]})
    assert pr.paired_alt("x", table, "DK", ["a", "b"], unit="pp") == (
        "Bar chart: x, Denmark against the EU. a 12.0 pp (EU not available); b not available (EU 8.3 pp).")


def test_glance_flags_of_absent_rows_and_missing_flags_are_empty() -> None:
    sizes = _sizes_table().assign(flag=[NAN, None, "u"]).iloc[[0, 1]]     # no GE250 row; NaN and None flags
    hist = _trend_history()                                               # no 2026 row
    prof = _prof(sizes=sizes, history=hist)
    prof = pr.Profile(**{**prof.__dict__, "year": 2026})
    assert pr.glance_flags(prof) == {"all": "", "sme": "", "large": "", "gap": "", "exposed": ""}
    empty = pr.Profile(**{**prof.__dict__, "sizes": sizes.iloc[0:0]})
    assert pr.glance_flags(empty) == {"all": "", "sme": "", "large": "", "gap": "", "exposed": ""}
