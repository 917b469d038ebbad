"""Country profiles (analysis.chapters.profiles): tables, text, data gaps, parameters; the notebook for a country
with gaps."""

from __future__ import annotations

import math
import re
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from _frames import ai_rows  # noqa: E402

from analysis.chapters import adoption as ad
from analysis.chapters import exposure as ex
from analysis.chapters import profiles as pr
from analysis.chapters.params import ParameterError, validate
from analysis.core import fmt as nf

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "country_profile.ipynb"
NAN = float("nan")
T = "E_AI_TANY"


rows = ai_rows


@pytest.fixture
def tiny() -> pd.DataFrame:
    """EU complete; DK complete with a flag; RO with a confidential large-enterprise value in 2025, no 2023 rows
    and no barrier data."""
    eu = "EU27_2020"
    return rows(
        (T, "10-249", eu, 2021, 7.0, ""), (T, "GE250", eu, 2021, 28.0, ""), (T, "GE10", eu, 2021, 8.0, ""),
        (T, "10-249", eu, 2023, 7.5, ""), (T, "GE250", eu, 2023, 30.5, ""),
        (T, "10-249", eu, 2024, 12.5, ""), (T, "GE250", eu, 2024, 41.0, ""),
        (T, "10-249", eu, 2025, 19.0, ""), (T, "GE250", eu, 2025, 55.0, ""), (T, "GE10", eu, 2025, 20.0, ""),
        (T, "10-49", eu, 2025, 17.0, ""), (T, "50-249", eu, 2025, 30.0, ""),
        (T, "10-249", "DK", 2021, 20.0, ""), (T, "GE250", "DK", 2021, 64.0, ""),
        (T, "10-249", "DK", 2023, 15.0, "b"), (T, "GE250", "DK", 2023, 52.0, ""),
        (T, "10-249", "DK", 2024, 25.0, ""), (T, "GE250", "DK", 2024, 62.0, ""),
        (T, "10-249", "DK", 2025, 41.0, ""), (T, "GE250", "DK", 2025, 74.5, ""), (T, "GE10", "DK", 2025, 42.0, ""),
        (T, "10-49", "DK", 2025, 37.5, "u"), (T, "50-249", "DK", 2025, 58.0, ""),
        (T, "10-249", "RO", 2021, 2.0, ""), (T, "GE250", "RO", 2021, 8.0, ""),
        (T, "10-249", "RO", 2024, 3.0, ""), (T, "GE250", "RO", 2024, 11.0, ""),
        (T, "10-249", "RO", 2025, 4.7, ""), (T, "GE250", "RO", 2025, NAN, "@C"), (T, "GE10", "RO", 2025, 5.2, ""),
        ("E_AI_TTM", "GE10", eu, 2025, 11.8, ""), ("E_AI_TTM", "GE10", "DK", 2025, 29.1, ""),
        ("E_AI_TTM", "GE10", "RO", 2025, 3.6, ""),
        ("E_AI_TNLG", "GE10", eu, 2025, 8.8, ""), ("E_AI_TNLG", "GE10", "DK", 2025, 30.8, ""),
        ("E_AI_TNLG", "GE10", "RO", 2025, NAN, ""),
        ("E_AI_BCST", "GE10", eu, 2025, 30.0, "", "PC_ENT_AI_EC"),
        ("E_AI_BCST", "GE10", "DK", 2025, 25.0, "", "PC_ENT_AI_EC"),
    )


@pytest.fixture
def view() -> ex.IndexView:
    """Two scored 2-digit groups: OC11 (score 0.5, all unit groups exposed), OC21 (0.2, none); OC01 unscored."""
    s2 = pd.Series({"OC01": NAN, "OC11": 0.5, "OC21": 0.2})
    e2 = pd.Series({"OC01": NAN, "OC11": 1.0, "OC21": 0.0})
    empty = pd.Series(dtype="float64")
    return ex.IndexView(index="ilo2025", scores4=empty, exposed4=empty, scores2=s2, exposed2=e2)


def emp_rows(*items: tuple) -> pd.DataFrame:
    """(isco08, geo, year, thousands, flag) → employment_by_occupation layout."""
    frame = pd.DataFrame(items, columns=["isco08", "geo", "year", "value_thousands", "flag"])
    frame["value_thousands"] = frame["value_thousands"].astype("float64")
    frame["year"] = frame["year"].astype("int64")
    return frame


@pytest.fixture
def employment() -> pd.DataFrame:
    eu = "EU27_2020"
    return emp_rows(
        ("OC01", eu, 2025, 10.0, ""), ("OC11", eu, 2025, 100.0, ""), ("OC21", eu, 2025, 300.0, ""),
        ("TOTAL", eu, 2025, 410.0, ""),
        ("OC01", "DK", 2025, 5.0, ""), ("OC11", "DK", 2025, 60.0, "u"), ("OC21", "DK", 2025, 60.0, ""),
        ("TOTAL", "DK", 2025, 125.0, ""),
        ("OC01", "RO", 2025, NAN, "u"), ("OC11", "RO", 2025, 100.0, ""), ("OC21", "RO", 2025, NAN, "u"),
        ("TOTAL", "RO", 2025, 400.0, ""),
        ("OC11", "DK", 2024, 50.0, ""), ("OC21", "DK", 2024, 50.0, ""), ("TOTAL", "DK", 2024, 100.0, ""),
    )


@pytest.fixture
def inputs(tiny: pd.DataFrame, employment: pd.DataFrame, view: ex.IndexView) -> pr.ProfileInputs:
    return pr.ProfileInputs(adoption=tiny, employment=employment, view=view)


# ------------------------------------------------------------------------------------------------ names
def test_geos_and_names() -> None:
    assert len(pr.PROFILE_GEOS) == 28 and pr.PROFILE_GEOS[0] == "EU27_2020"
    assert sorted(pr.MEMBER_STATES) == sorted(ad.EU27_MEMBER_STATES) and len(set(pr.MEMBER_STATES)) == 27
    assert pr.MEMBER_STATES[:4] == ("BE", "BG", "CZ", "DK") and pr.MEMBER_STATES[-2:] == ("FI", "SE")
    assert [pr.country_name(g) for g in ("EL", "CZ", "NL", "EU27_2020")] == [
        "Greece", "Czechia", "Netherlands", "European Union"]
    assert all(pr.country_name(g) != g for g in pr.PROFILE_GEOS)
    assert pr.prose_name("NL") == "the Netherlands" and pr.prose_name("DK") == "Denmark"
    assert pr.prose_name("EU27_2020") == "the European Union"
    assert pr.country_name("NO") == "Norway" and pr.country_name("XX") == "XX"
    assert pr.reference_for("DK") == "EU27_2020" and pr.reference_for("EU27_2020") is None


# ------------------------------------------------------------------------------------------------ text helpers
def test_missing_is_text_never_zero() -> None:
    assert pr.pct(NAN) == "not available" and pr.pp(None) == "not available"
    assert pr.pct(0.0) == "0.0 %" and pr.pct(12.345) == "12.3 %"
    # half away from zero, as Eurostat publishes (f"{19.95:.1f}" would give 19.9)
    assert pr.with_reference(27.64, 19.95, True) == "27.6 % (EU 20.0 %)"
    assert pr.with_reference(27.64, NAN, True) == "27.6 % (EU not available)"
    assert pr.with_reference(NAN, 19.95, True, inner=True, noun="of enterprises") == "not available; EU 20.0 %"
    assert pr.with_reference(19.95, NAN, False) == "20.0 %"
    assert pr.pct(12.25) == "12.3 %" and pr.pp(-0.25) == "-0.3 pp" and pr.num(0.3245, 3) == "0.325"
    assert pr.compare(27.6, 20.0, True) == "7.6 pp above the EU"
    assert pr.compare(18.0, 20.0, True) == "2.0 pp below the EU"
    assert pr.compare(20.02, 20.0, True) == "level with the EU"
    assert pr.compare(NAN, 20.0, True).startswith("no comparison with the EU possible")
    assert pr.compare(27.6, NAN, False) == ""


# ------------------------------------------------------------------------------------------------ tables
def test_size_profile_against_eu(tiny: pd.DataFrame) -> None:
    s = pr.size_profile(tiny, "DK", 2025).set_index("size_class")
    assert list(s.index) == list(ad.SIZE_CLASSES)
    assert s.loc["GE10", "value"] == 42.0 and s.loc["GE10", "ref_value"] == 20.0
    assert s.loc["GE10", "diff_pp"] == pytest.approx(22.0)
    assert s.loc["10-49", "flag"] == "u" and s.loc["10-49", "ref_flag"] == ""


def test_size_profile_missing_is_nan(tiny: pd.DataFrame) -> None:
    s = pr.size_profile(tiny, "RO", 2025).set_index("size_class")
    assert math.isnan(s.loc["GE250", "value"]) and s.loc["GE250", "flag"] == "@C"
    assert math.isnan(s.loc["GE250", "diff_pp"])
    assert math.isnan(s.loc["10-49", "value"]) and s.loc["10-49", "flag"] == ""  # absent row
    assert s.loc["GE10", "diff_pp"] == pytest.approx(5.2 - 20.0)
    eu = pr.size_profile(tiny, "EU27_2020", 2025, reference=None)
    assert eu["ref_value"].isna().all() and eu["diff_pp"].isna().all() and eu["value"].notna().all()
    nowhere = pr.size_profile(tiny, "XX", 2025)
    assert nowhere["value"].isna().all() and (nowhere["value"] != 0).all()


def test_gap_history_and_trend(tiny: pd.DataFrame) -> None:
    tiny = tiny.assign(flag=tiny["flag"].replace({"b": ""}))   # without DK's break in 2023 (see the next test)
    h = pr.gap_history(tiny, "DK").set_index("year")
    assert list(h.index) == [2021, 2023, 2024, 2025]
    assert h.loc[2021, "gap_pp"] == pytest.approx(44.0) and h.loc[2021, "ref_gap_pp"] == pytest.approx(21.0)
    assert h.loc[2021, "diff_pp"] == pytest.approx(23.0)
    assert list(h["after_break"]) == [False, False, False, True]
    t = pr.gap_trend(h.reset_index())
    assert (t.first_year, t.last_year) == (2021, 2024)
    assert t.change_pp == pytest.approx(37.0 - 44.0)
    assert t.ref_change_pp == pytest.approx(28.5 - 21.0)
    assert t.latest_year == 2025 and t.latest_gap_pp == pytest.approx(33.5)
    assert t.flagged == "" and t.series_break is None
    text = pr.trend_sentence(t, "DK")
    assert text.startswith("Like for like, between 2021 and 2024, the gap")
    assert "narrowed by 7.0 pp, from 44.0 pp to 37.0 pp" in text and "widened by 7.5 pp" in text
    assert "In 2025, on the wider questionnaire (one more AI technology counted, so not compared" in text
    # 28.5 rounds half away from zero to 29 (f"{28.5:.0f}" gives 28)
    assert pr.trend_finding(t, "DK") == "Denmark: the SME gap narrowed from 44 to 37 pp, 2021–2024 (EU: 21 to 29 pp)"


def test_trend_starts_after_a_break_in_series(tiny: pd.DataFrame) -> None:
    """DK's 2023 SME value is flagged b (break in series): 2021 is not compared with 2023 or 2024."""
    t = pr.gap_trend(pr.gap_history(tiny, "DK"))
    assert (t.first_year, t.last_year, t.series_break) == (2023, 2024, 2023)
    assert t.change_pp == pytest.approx(0.0) and t.ref_change_pp == pytest.approx(28.5 - 23.0)
    assert t.flagged == "2023 b"
    text = pr.trend_sentence(t, "DK")
    assert "between 2023 and 2024 (Eurostat flags a break in series in 2023, so earlier years are not compared)" in text
    assert "in Denmark stayed level (37.0 pp and 37.0 pp)" in text
    assert "in the EU it widened by 5.5 pp, from 23.0 pp to 28.5 pp" in text
    assert "2023: b (break in time series)" in text          # the flag is carried into the text
    assert "2021" not in text.split("Eurostat flags values")[0]


def test_gap_history_missing_year_and_value(tiny: pd.DataFrame) -> None:
    h = pr.gap_history(tiny, "RO").set_index("year")
    assert math.isnan(h.loc[2023, "gap_pp"]) and h.loc[2023, "ref_gap_pp"] == pytest.approx(23.0)  # no RO rows
    assert math.isnan(h.loc[2025, "gap_pp"]) and h.loc[2025, "flags"] == "@C"  # large enterprises confidential
    assert math.isnan(h.loc[2025, "diff_pp"])
    t = pr.gap_trend(h.reset_index())
    assert (t.first_year, t.last_year) == (2021, 2024) and t.change_pp == pytest.approx(2.0)
    assert math.isnan(t.latest_gap_pp)
    assert "the gap was not available (EU 36.0 pp)" in pr.trend_sentence(t, "RO")
    only = pr.gap_trend(pr.gap_history(tiny, "RO", years=[2021, 2025]).loc[lambda f: f["year"] != 2024])
    assert only.first_year == only.last_year == 2021 and math.isnan(only.change_pp)
    assert "no trend can be shown" in pr.trend_sentence(only, "RO")
    none = pr.gap_trend(pr.gap_history(tiny, "XX"))
    assert none.first_year is None and math.isnan(none.change_pp)
    assert "not available for two comparable survey years" in pr.trend_sentence(none, "XX")
    assert "no comparable trend" in pr.trend_finding(none, "XX")


def test_exposure_profile_applies_the_coverage_mark_to_the_value_as_shown(view: ex.IndexView) -> None:
    # FI: scored 9,000 + 499 of 10,000 thousand = 94.99 %, shown "95.0 %" → at the 95 % mark, comparable;
    # LV: 9,000 + 494 = 94.94 %, shown "94.9 %" → below it (the labour chapter's rule: exposure.well_covered)
    emp = emp_rows(("OC01", "FI", 2025, 1.0, ""), ("OC11", "FI", 2025, 9000.0, ""), ("OC21", "FI", 2025, 499.0, ""),
                   ("TOTAL", "FI", 2025, 10000.0, ""), ("OC01", "LV", 2025, 1.0, ""), ("OC11", "LV", 2025, 9000.0, ""),
                   ("OC21", "LV", 2025, 494.0, ""), ("TOTAL", "LV", 2025, 10000.0, ""))
    fi = pr.exposure_profile(emp, view, "FI", reference=None)
    assert fi["coverage_pct"].iloc[0] == pytest.approx(94.99) and bool(fi["comparable"].iloc[0])
    text = pr.exposure_sentence(fi, "FI")
    assert "cover 95.0 % of its employment." in text and "below" not in text
    lv = pr.exposure_profile(emp, view, "LV", reference=None)
    assert not lv["comparable"].iloc[0]
    assert "cover 94.9 % of its employment. That is below the 95 % the labour chapter requires" in (
        pr.exposure_sentence(lv, "LV"))


def test_technology_profile_sorted_missing_last(tiny: pd.DataFrame) -> None:
    t = pr.technology_profile(tiny, "DK", 2025)
    assert list(t["indicator"][:2]) == ["E_AI_TNLG", "E_AI_TTM"]  # 30.8 before 29.1
    assert t["value"].iloc[2:].isna().all()  # technologies without data: NaN, never 0
    assert t.loc[0, "diff_pp"] == pytest.approx(30.8 - 8.8)
    r = pr.technology_profile(tiny, "RO", 2025)
    assert r.loc[0, "indicator"] == "E_AI_TTM"
    nlg = r.set_index("indicator").loc["E_AI_TNLG"]
    assert math.isnan(nlg["value"]) and nlg["ref_value"] == 8.8 and math.isnan(nlg["diff_pp"])
    text = pr.technology_sentence(r, "RO", 2025)
    assert "text mining (3.6 % of enterprises; EU 11.8 %)" in text and "Not available: natural language" in text
    assert pr.technology_finding(r.iloc[0:0], "RO", 2025) == "Romania: use of AI technologies is not available for 2025"


def test_exposure_profile_hand_computed(employment: pd.DataFrame, view: ex.IndexView) -> None:
    e = pr.exposure_profile(employment, view, "DK").set_index("role")
    dk, eu = e.loc["country"], e.loc["reference"]
    assert dk["year"] == 2025 and eu["geo"] == "EU27_2020"
    assert dk["mean_score"] == pytest.approx((60 * 0.5 + 60 * 0.2) / 120)
    assert dk["exposed_pct"] == pytest.approx(50.0)
    assert dk["coverage_pct"] == pytest.approx(100 * 120 / 125)
    assert dk["u_pct"] == pytest.approx(50.0) and bool(dk["comparable"])
    assert eu["exposed_pct"] == pytest.approx(25.0) and eu["mean_score"] == pytest.approx(0.275)
    ro = pr.exposure_profile(employment, view, "RO").set_index("role").loc["country"]
    assert ro["exposed_pct"] == pytest.approx(100.0) and ro["coverage_pct"] == pytest.approx(25.0)
    assert not ro["comparable"] and ro["n_missing"] == 2 and ro["missing"] == "OC01 OC21"
    assert "but only 25.0 % of employment is covered, too little to compare" in pr.exposure_finding(
        pr.exposure_profile(employment, view, "RO"), "RO")
    assert "not comparable" in pr.exposure_sentence(pr.exposure_profile(employment, view, "RO"), "RO")
    xx = pr.exposure_profile(employment, view, "XX").set_index("role").loc["country"]
    assert math.isnan(xx["exposed_pct"]) and math.isnan(xx["mean_score"]) and not xx["comparable"]
    assert pr.exposure_finding(pr.exposure_profile(employment, view, "XX"), "XX").endswith("is not available")
    only_eu = pr.exposure_profile(employment, view, "EU27_2020", reference=None)
    assert list(only_eu["role"]) == ["country"]
    assert pr.exposure_profile(employment, view, "DK", year=2024).set_index("role").loc[
        "country", "exposed_pct"] == pytest.approx(50.0)


def test_flag_counts() -> None:
    f = pd.DataFrame({"geo": ["A"] * 4, "value": [1.0, NAN, 2.0, 3.0], "flag": ["u", "u", "bd", ""]})
    c = pr.flag_counts(f, "value", "src").set_index("flag")
    assert c.loc["u", "values"] == 2 and c.loc["u", "missing"] == 1 and c.loc["u", "meaning"] == "low reliability"
    assert c.loc["bd", "meaning"] == "break in time series; definition differs"
    assert pr.flag_counts(f.iloc[3:], "value", "src").empty


def test_data_gaps(inputs: pr.ProfileInputs) -> None:
    dk = pr.data_gaps("DK", inputs)
    items = dk.items.set_index("item")
    assert items.loc["Reasons for not using AI (barriers)", "status"] == "partly available"  # 1 of 32 values
    assert items.loc["AI technologies, 2025", "detail"].startswith("2 of 8 technologies")
    ro = pr.data_gaps("RO", inputs)
    r = ro.items.set_index("item")
    assert r.loc["AI use by size class, 2025", "status"] == "partly available"
    assert "missing: small (10-49), medium (50-249), large (250+)" in r.loc["AI use by size class, 2025", "detail"]
    assert r.loc["SME gap, survey years 2021, 2023, 2024, 2025", "detail"] == "2 of 4 years; missing: 2023, 2025"
    assert r.loc["Reasons for not using AI (barriers)", "status"] == "not available"
    assert r.loc["Employment by occupation (exposure), 2025", "status"] == "partly available"
    text = ro.text()
    assert "Reasons for not using AI (barriers): not available for Romania" in text
    flags = ro.flags.set_index(["source", "flag"])
    assert flags.loc[("AI use (isoc_eb_ai)", "@C"), "values"] == 1
    assert flags.loc[("AI use (isoc_eb_ai)", "@C"), "missing"] == 1
    assert flags.loc[("employment by occupation (lfsa_egai2d), 2025", "u"), "missing"] == 2
    assert "1 value of AI use (isoc_eb_ai) carries the flag @C (confidential), without a value." in text
    eu = pr.data_gaps("EU27_2020", inputs)
    assert eu.items.set_index("item").loc["Employment by occupation (exposure), 2025", "status"] == "available"


def test_profile_of_a_geo_without_any_data(inputs: pr.ProfileInputs) -> None:
    """A geo absent from every table builds a profile whose numbers are all NaN (never 0) and says so."""
    p = pr.build_profile("XX", inputs)
    h = p.headline()
    for key in ("all", "sme", "large", "gap_pp", "exposed_pct"):
        assert math.isnan(h[key]), key
    assert not h["exposure_comparable"]
    assert set(p.gaps.items["status"]) == {"not available"}
    assert all(v.startswith("not available") for k, v in pr.glance(p).items())
    assert "this section is not available" in pr.size_sentence(p.sizes, "XX", p.year)
    assert "this section is not available" in pr.technology_sentence(p.technologies, "XX", p.year)
    assert "is not available" in pr.exposure_sentence(p.exposure, "XX")
    assert "None of the values of XX used here carries a Eurostat flag." in p.gaps.text()


def test_profile_headline_and_glance(inputs: pr.ProfileInputs) -> None:
    dk = pr.build_profile("DK", inputs)
    h = dk.headline()
    assert (h["year"], h["all"], h["sme"], h["large"], h["eu_all"]) == (2025, 42.0, 41.0, 74.5, 20.0)
    assert h["gap_pp"] == pytest.approx(33.5) and h["eu_gap_pp"] == pytest.approx(36.0)
    assert h["exposed_pct"] == pytest.approx(50.0) and h["eu_exposed_pct"] == pytest.approx(25.0)
    g = pr.glance(dk)
    assert g["all"] == "42.0 % (EU 20.0 %)"
    assert g["gap"] == "33.5 pp (EU 36.0 pp), 2.5 pp narrower than the EU's"
    eu = pr.build_profile("EU27_2020", inputs)
    assert eu.reference is None and math.isnan(eu.headline()["eu_all"])
    assert pr.glance(eu)["all"] == "20.0 %" and pr.glance(eu)["gap"] == "36.0 pp"
    assert pr.size_finding(eu.sizes, "EU27_2020", 2025).startswith("European Union, 2025: 20.0 % of enterprises")
    ro = pr.build_profile("RO", inputs)
    assert pr.glance(ro)["large"] == "not available (EU 55.0 %)"
    assert pr.glance(ro)["exposed"].endswith("low coverage, not comparable")
    assert not re.search(r"(?<![\d.])0\.0 (%|pp)", " ".join(pr.glance(ro).values()))



def _reflag(frame: pd.DataFrame, geo: str, size_class: str, year: int, flag: str) -> pd.DataFrame:
    """``frame`` with the flag of one E_AI_TANY value replaced (the value itself unchanged)."""
    out = frame.copy()
    at = (out["indicator"] == T) & (out["geo"] == geo) & (out["size_class"] == size_class) & (out["year"] == year)
    assert at.sum() == 1
    out.loc[at, "flag"] = flag
    return out


def test_glance_flags_follow_the_geos_own_inputs(tiny: pd.DataFrame, employment: pd.DataFrame,
                                                 view: ex.IndexView) -> None:
    """A u on DK's SME value reaches sme and the gap, not large or all; a b on the EU's large-enterprise value
    reaches no key of DK's page (only the EU's own page); DK's employment has a u on a group with a value (OC11),
    RO's only on groups without one."""
    base = pr.ProfileInputs(adoption=tiny, employment=employment, view=view)
    assert pr.glance_flags(pr.build_profile("DK", base)) == {"all": "", "sme": "", "large": "", "gap": "",
                                                             "exposed": "u"}
    flagged = _reflag(_reflag(tiny, "DK", "10-249", 2025, "u"), "EU27_2020", "GE250", 2025, "b")
    inputs = pr.ProfileInputs(adoption=flagged, employment=employment, view=view)
    dk = pr.build_profile("DK", inputs)
    assert pr.glance_flags(dk) == {"all": "", "sme": "u", "large": "", "gap": "u", "exposed": "u"}
    assert pr.glance(dk) == pr.glance(pr.build_profile("DK", base))  # flags do not change the text
    eu = pr.glance_flags(pr.build_profile("EU27_2020", inputs))
    assert eu == {"all": "", "sme": "", "large": "b", "gap": "b", "exposed": ""}
    # both inputs of the gap flagged: their union, sorted, each once
    both = _reflag(_reflag(flagged, "DK", "GE250", 2025, "b"), "DK", "GE10", 2025, "u")
    g = pr.glance_flags(pr.build_profile("DK", pr.ProfileInputs(adoption=both, employment=employment, view=view)))
    assert (g["all"], g["sme"], g["large"], g["gap"]) == ("u", "u", "b", "b u")
    same = _reflag(both, "DK", "GE250", 2025, "u")
    assert pr.glance_flags(pr.build_profile("DK", pr.ProfileInputs(same, employment, view)))["gap"] == "u"
    # RO: the confidential large value is not available but its flag says why; employment u only without values
    ro = pr.glance_flags(pr.build_profile("RO", base))
    assert ro == {"all": "", "sme": "", "large": "@C", "gap": "@C", "exposed": ""}
    assert set(pr.GLANCE_UNITS) == set(pr.glance(dk)) and pr.GLANCE_UNITS["gap"] == "pp"
    assert {pr.GLANCE_UNITS[k] for k in ("all", "sme", "large", "exposed")} == {"%"}


def test_glance_flags_of_a_geo_without_any_data(inputs: pr.ProfileInputs) -> None:
    assert pr.glance_flags(pr.build_profile("XX", inputs)) == dict.fromkeys(pr.GLANCE_UNITS, "")

# ------------------------------------------------------------------------------------------------ parameters
def test_params_default_and_member_states() -> None:
    assert validate("country_profile", {}).geo == "EU27_2020"
    for g in ("DK", "EL", "RO", "EU27_2020"):
        assert validate("country_profile", {"geo": g}).geo == g
    model = validate("country_profile", {}).__class__
    assert model.reads == ("ai_adoption", "employment_by_occupation", "exposure_ilo", "exposure_indices")


def test_params_unknown_geo_lists_valid_ones() -> None:
    with pytest.raises(ParameterError) as err:
        validate("country_profile", {"geo": "XX"})
    msg = str(err.value)
    assert msg.startswith("country_profile: parameter geo='XX' is not valid; choose one of: EU27_2020, BE, BG, CZ")
    assert msg.endswith("FI, SE")
    with pytest.raises(ParameterError, match="geo='GR' is not valid"):  # Greece is EL
        validate("country_profile", {"geo": "GR"})


@pytest.mark.parametrize("geo", ["NO", "EA", "TR"])
def test_params_non_member_rejected_with_reason(geo: str) -> None:
    with pytest.raises(ParameterError) as err:
        validate("country_profile", {"geo": geo})
    msg = str(err.value)
    assert f"geo='{geo}' is not valid; choose one of: EU27_2020" in msg
    assert f"({geo} = {pr.country_name(geo)} is not an EU member state; profiles cover the EU27" in msg


def test_params_types_and_names() -> None:
    with pytest.raises(ParameterError, match=r"geo=1: Input should be a valid string"):
        validate("country_profile", {"geo": 1})
    with pytest.raises(ParameterError, match=r"unknown parameter\(s\) country; valid parameters: geo \(str\)"):
        validate("country_profile", {"country": "DK"})


# ------------------------------------------------------------------------------------------------ integration
def _direct_headline(processed: Path, geo: str) -> dict[str, float]:
    """The headline straight from the processed CSVs (read as text), with plain pandas."""
    raw = pd.read_csv(processed / "ai_adoption.csv", dtype=str, keep_default_na=False)
    sel = raw[(raw["dataset"] == "isoc_eb_ai") & (raw["nace"] == "C10-S951_X_K") & (raw["indicator"] == T)
              & (raw["unit"] == "PC_ENT") & (raw["value"] != "")]
    year = sel["year"].astype(int).max()
    sel = sel[sel["year"].astype(int) == year]

    def v(g: str, size: str) -> float:
        return float(sel.loc[(sel["geo"] == g) & (sel["size_class"] == size), "value"].item())

    ilo = pd.read_csv(processed / "exposure_ilo.csv", dtype={"isco08": str}, keep_default_na=False)
    ilo = ilo[ilo["index_version"] == 2025].copy()
    ilo["g2"] = "OC" + ilo["isco08"].str[:2]
    ilo["exp"] = ilo["gradient"].str.startswith("Exposed: Gradient").astype(float)
    by2 = ilo.groupby("g2").agg(share=("exp", "mean"))
    emp = pd.read_csv(processed / "employment_by_occupation.csv", dtype={"isco08": str}, keep_default_na=False)
    emp_year = emp["year"].max()

    def exposed(g: str) -> float:
        e = emp[(emp["geo"] == g) & (emp["year"] == emp_year) & emp["isco08"].str.fullmatch(r"OC\d\d")
                & (emp["value_thousands"] != "")]
        m = e.assign(w=e["value_thousands"].astype(float)).merge(by2, left_on="isco08", right_index=True)
        return float(100 * (m["w"] * m["share"]).sum() / m["w"].sum())

    return {"year": int(year), "all": v(geo, "GE10"), "sme": v(geo, "10-249"), "large": v(geo, "GE250"),
            "gap_pp": v(geo, "GE250") - v(geo, "10-249"), "eu_all": v("EU27_2020", "GE10"),
            "eu_gap_pp": v("EU27_2020", "GE250") - v("EU27_2020", "10-249"),
            "exposed_pct": exposed(geo), "eu_exposed_pct": exposed("EU27_2020"), "exposure_year": int(emp_year)}


@pytest.fixture(scope="module")
def real_inputs(processed: Path) -> pr.ProfileInputs:
    return pr.load_inputs()


@pytest.mark.integration
@pytest.mark.parametrize("geo", ["DK", "RO", "FR"])
def test_headline_equals_direct_computation(processed: Path, real_inputs: pr.ProfileInputs, geo: str) -> None:
    want = _direct_headline(processed, geo)
    got = pr.build_profile(geo, real_inputs).headline()
    assert got["year"] == want["year"] and got["exposure_year"] == want["exposure_year"]
    for key in ("all", "sme", "large", "eu_all"):
        assert got[key] == want[key], key
    for key in ("gap_pp", "eu_gap_pp"):
        assert got[key] == pytest.approx(want[key], abs=1e-9), key
    for key in ("exposed_pct", "eu_exposed_pct"):
        assert got[key] == pytest.approx(want[key], abs=1e-9), key


@pytest.mark.integration
def test_every_profile_geo_builds(real_inputs: pr.ProfileInputs) -> None:
    missing_barriers, partial_exposure = [], []
    for geo in pr.PROFILE_GEOS:
        p = pr.build_profile(geo, real_inputs)
        h = p.headline()
        assert p.name == pr.country_name(geo) and h["year"] == 2025
        assert not any(np.isnan(h[k]) for k in ("all", "sme", "large", "gap_pp", "exposed_pct")), geo
        assert np.isnan(h["eu_all"]) == (geo == "EU27_2020")
        assert len(p.history) == 4 and p.history["gap_pp"].notna().all(), geo
        assert p.technologies["value"].notna().all(), geo
        assert p.gaps.sentences and set(p.gaps.items["status"]) <= set(pr.STATUSES)
        items = p.gaps.items.set_index("item")["status"]
        if items["Reasons for not using AI (barriers)"] == "not available":
            missing_barriers.append(geo)
        if items.filter(like="Employment by occupation").iloc[0] != "available":
            partial_exposure.append(geo)
    assert sorted(missing_barriers) == ["CZ", "FR", "IE", "RO"]
    assert partial_exposure == ["LU"]


@pytest.mark.integration
@pytest.mark.parametrize("geo", ["EU27_2020", "DK"])
def test_glance_runs_the_package_on_the_data(processed: Path, real_inputs: pr.ProfileInputs, geo: str) -> None:
    """The at-a-glance lines of a page, computed by the package, against the numbers read straight from the CSVs
    and rounded half away from zero (replaces a test that read the committed notebook's outputs)."""
    want = _direct_headline(processed, geo)
    g = pr.glance(pr.build_profile(geo, real_inputs))
    eu_all = nf.num(want["eu_all"], 1)
    assert g["all"] == (f"{eu_all} %" if geo == "EU27_2020" else f"{nf.num(want['all'], 1)} % (EU {eu_all} %)")
    assert g["exposed"].startswith(f"{nf.num(want['exposed_pct'], 1)} %")
    assert g["gap"].startswith(f"{nf.num(round(want['gap_pp'], 9), 1)} pp")
    if geo == "EU27_2020":
        assert g["all"] == "20.0 %"          # 19.95 published: half away from zero, as Eurostat rounds


@pytest.mark.integration
def test_notebook_runs_for_a_country_with_gaps(processed: Path, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """Romania: Eurostat publishes no barrier data; the page must say so (and not crash)."""
    from analysis.book import build
    from analysis.core import config, figures

    run_id = "country_profile__test"
    monkeypatch.setenv("ANALYSIS_RUN_ID", run_id)  # execute_run sets these; monkeypatch restores them
    monkeypatch.setenv("ANALYSIS_COMMIT", "unknown")
    downloads = figures.downloads_dir(run_id)
    # execute_run reports its output relative to the project root, so the output must lie inside it (_build/)
    out_dir = config.build_dir() / "test-runs" / tmp_path.name
    try:
        rec = build.execute_run(build.Run(id=run_id, notebook="country_profile", parameters={"geo": "RO"}),
                                output_dir=out_dir)
        out = (out_dir / f"{run_id}.ipynb").read_text(encoding="utf-8")
        assert rec["parameters"] == {"geo": "RO"}
        assert "Reasons for not using AI (barriers): not available for Romania" in out
        assert "RO 2025 E_AI_TANY: all (GE10)" in out
        assert '"ename"' not in out  # no error output
        assert sorted(p.name for p in downloads.glob("*.png")) == [
            "ai-use-by-size.png", "exposure.png", "sme-gap-trend.png", "target-2030.png", "technologies.png"]
    finally:
        shutil.rmtree(downloads, ignore_errors=True)
        shutil.rmtree(out_dir, ignore_errors=True)
        if out_dir.parent.is_dir() and not any(out_dir.parent.iterdir()):
            out_dir.parent.rmdir()



# ------------------------------------------------------------------------------------------------ directions
@pytest.mark.parametrize(("value", "ref", "want"), [
    (27.6, 20.0, "7.6 pp above the EU"), (18.0, 20.0, "2.0 pp below the EU"),
    (20.05, 20.0, "0.1 pp above the EU"),      # exactly on the rounding threshold: shown as 0.1, called above
    (19.95, 20.0, "0.1 pp below the EU"),
    (20.04, 20.0, "level with the EU"),        # rounds to 0.0: not called above
    (20.0, 20.0, "level with the EU"),
])
def test_compare_direction_and_threshold(value: float, ref: float, want: str) -> None:
    assert pr.compare(value, ref, True) == want


def test_gap_comparison_direction(inputs: pr.ProfileInputs) -> None:
    dk = pr.glance(pr.build_profile("DK", inputs))["gap"]
    assert dk.endswith("2.5 pp narrower than the EU's")          # 33.5 vs 36.0
    wide = inputs.adoption.copy()
    wide.loc[(wide["geo"] == "DK") & (wide["year"] == 2025) & (wide["size_class"] == "GE250"), "value"] = 80.0
    p = pr.build_profile("DK", pr.ProfileInputs(wide, inputs.employment, inputs.view))
    assert pr.glance(p)["gap"] == "39.0 pp (EU 36.0 pp), 3.0 pp wider than the EU's"


def test_size_sentence_ratio_and_odds_ratio(tiny: pd.DataFrame) -> None:
    text = pr.size_sentence(pr.size_profile(tiny, "DK", 2025), "DK", 2025)
    # 74.5 / 41 = 1.82; odds ratio (74.5/25.5) / (41/59) = 4.20; EU 55 / 19 = 2.89, (55/45) / (19/81) = 5.21
    assert "Large enterprises used AI 1.8 times as often as SMEs (EU 2.9 times)" in text
    assert "the odds ratio, which does not depend on the level of the shares, was 4.2 (EU 5.2)." in text
    ro = pr.size_sentence(pr.size_profile(tiny, "RO", 2025), "RO", 2025)
    assert "times as often" not in ro and "Not available: small (10-49), medium (50-249), large (250+)." in ro


def test_target_sentence_profile(tiny: pd.DataFrame) -> None:
    text = pr.target_sentence(tiny, "DK")
    assert "counts AI alone, so it is not a measure of the target's attainment" in text
    # DK: 42 % in 2025 → (75/42)^(1/5) − 1 = 12.3 % a year, (75 − 42)/5 = 6.6 pp a year
    assert "for all enterprises, AI take-up was 42.0 % in 2025; reaching 75 % by 2030 would take 12.3 % a year" in text
    assert "or 6.6 pp a year (straight line)" in text
    # SMEs: 20 % (2021) → 41 % (2025); (75/41)^(1/5) − 1 = 12.8 %, 6.8 pp a year
    assert "for SMEs, AI take-up went from 20.0 % in 2021 to 41.0 % in 2025" in text and "12.8 % a year" in text
    assert "For comparison, the EU (20.0 % of all enterprises in 2025) would need 30.3 % a year, or 11.0 pp a year." \
        in text
    assert "For comparison" not in pr.target_sentence(tiny, "EU27_2020")
    assert "AI take-up is not available for XX" in pr.target_sentence(tiny, "XX")


def test_profile_figures_alt_text_and_missing(inputs: pr.ProfileInputs) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    dk = pr.build_profile("DK", inputs)
    made = [pr.figure_sizes(dk), pr.figure_trend(dk), pr.figure_technologies(dk), pr.figure_exposure(dk),
            pr.figure_target(inputs.adoption, dk)]
    for fig, _data, meta in made:
        assert meta["alt"] and "DK" not in meta["alt"]            # names, not codes
        plt.close(fig)
    assert made[0][2]["alt"].startswith("Bar chart: share of enterprises using AI by size class, 2025, Denmark "
                                        "against the EU. small (10-49) 37.5 % (EU 17.0 %);")
    assert "Denmark: 2021 44.0, 2023 37.0, 2024 37.0, 2025 33.5" in made[1][2]["alt"]
    assert made[4][0].axes[0].get_title().startswith("Denmark: 42.0 % of enterprises used AI in 2025")
    xx = pr.build_profile("XX", inputs)
    fig, _data, meta = pr.figure_sizes(xx)     # the EU's bars are drawn; the missing geo says so, never 0
    plt.close(fig)
    assert "all (10+) not available (EU 20.0 %)" in meta["alt"]
    eu_only = pr.ProfileInputs(inputs.adoption.loc[inputs.adoption["geo"] == "ZZ"], inputs.employment, inputs.view)
    assert pr.figure_sizes(pr.build_profile("XX", eu_only)) is None     # missing in every geo: no figure
    t = pr.flags_table(pr.build_profile("RO", inputs).gaps)
    assert t["Flagged values"].map(type).eq(str).all()


def test_every_glance_line_and_headline_key(inputs: pr.ProfileInputs) -> None:
    """Each at-a-glance line shows the country's value first and the EU's in brackets (not the other way)."""
    dk = pr.build_profile("DK", inputs)
    h = dk.headline()
    assert (h["eu_sme"], h["eu_large"]) == (19.0, 55.0) and (h["sme"], h["large"]) == (41.0, 74.5)
    g = pr.glance(dk)
    assert g["sme"] == "41.0 % (EU 19.0 %)" and g["large"] == "74.5 % (EU 55.0 %)"
    assert g["exposed"] == "50.0 % (EU 25.0 %)"


def test_technology_sentence_counts_above_and_below(tiny: pd.DataFrame) -> None:
    dk = pr.technology_sentence(pr.technology_profile(tiny, "DK", 2025), "DK", 2025)
    assert "Denmark is above the EU share for 2 and below it for 0 of the 2 technologies with both values." in dk
    assert "natural language generation (30.8 % of enterprises; EU 8.8 %)" in dk
    ro = pr.technology_sentence(pr.technology_profile(tiny, "RO", 2025), "RO", 2025)
    assert "Romania is above the EU share for 0 and below it for 1 of the 1 technologies with both values." in ro
    eu = pr.technology_sentence(pr.technology_profile(tiny, "EU27_2020", 2025, reference=None), "EU27_2020", 2025)
    assert "above the EU share" not in eu


def test_exposure_sentence_country_first(employment: pd.DataFrame, view: ex.IndexView) -> None:
    text = pr.exposure_sentence(pr.exposure_profile(employment, view, "DK"), "DK")
    # DK: 60 of 120 scored thousands in the exposed group → 50 %; mean (60·0.5 + 60·0.2) / 120 = 0.350; EU 0.275
    assert text.startswith("In 2025, 50.0 % (EU 25.0 %) of employment in Denmark was in occupations exposed")
    assert "mean ILO score was 0.350 (EU 0.275)" in text
    assert "cover 96.0 % of its employment" in text       # 120 / 125
    assert "1 2-digit occupation group has no employment value" not in text
    assert pr.exposure_finding(pr.exposure_profile(employment, view, "DK"), "DK") == (
        "Denmark, 2025: 50.0 % of employment is in occupations exposed to generative AI, 25.0 pp above the EU (25.0 %)")


def test_reference_text() -> None:
    assert pr.reference_text(True) == "Each value is followed by the EU27's in brackets."
    assert pr.reference_text(False).startswith("The EU27 is the reference of the member-state profiles")


def test_table_captions_name_the_country() -> None:
    assert pr.items_caption("EL") == "What this profile can show for Greece: status of each item"
    assert pr.flags_caption("EU27_2020") == "Eurostat flags on the values used for the European Union, by source"
