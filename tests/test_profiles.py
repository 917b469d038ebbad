"""Country profiles (analysis.profiles): tables, text, data gaps, parameters; the notebook for a country with gaps."""

from __future__ import annotations

import json
import math
import re
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from _frames import ai_rows  # noqa: E402

from analysis import adoption as ad
from analysis import exposure as ex
from analysis import profiles as pr
from analysis.params import ParameterError, validate

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
    assert pr.with_reference(27.64, 19.95, True) == "27.6 % (EU 19.9 %)"
    assert pr.with_reference(27.64, NAN, True) == "27.6 % (EU not available)"
    assert pr.with_reference(NAN, 19.95, True, inner=True, noun="of enterprises") == "not available; EU 19.9 %"
    assert pr.with_reference(19.95, NAN, False) == "19.9 %"
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
    h = pr.gap_history(tiny, "DK").set_index("year")
    assert list(h.index) == [2021, 2023, 2024, 2025]
    assert h.loc[2021, "gap_pp"] == pytest.approx(44.0) and h.loc[2021, "ref_gap_pp"] == pytest.approx(21.0)
    assert h.loc[2021, "diff_pp"] == pytest.approx(23.0)
    assert h.loc[2023, "flags"] == "b"
    assert list(h["after_break"]) == [False, False, False, True]
    t = pr.gap_trend(h.reset_index())
    assert (t.first_year, t.last_year) == (2021, 2024)
    assert t.change_pp == pytest.approx(37.0 - 44.0)
    assert t.ref_change_pp == pytest.approx(28.5 - 21.0)
    assert t.latest_year == 2025 and t.latest_gap_pp == pytest.approx(33.5)
    assert t.flagged == "2023 b"
    text = pr.trend_sentence(t, "DK")
    assert "narrowed by 7.0 pp, from 44.0 pp to 37.0 pp" in text and "widened by 7.5 pp" in text
    assert "2023: b (break in time series)" in text
    assert pr.trend_finding(t, "DK") == "Denmark: the SME gap narrowed from 44 to 37 pp, 2021–2024 (EU: 21 to 28 pp)"


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
def test_committed_notebook_headline(processed: Path) -> None:
    want = _direct_headline(processed, "EU27_2020")
    nb = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    text = "".join("".join(o.get("text", "")) for c in nb["cells"] if c["cell_type"] == "code"
                   for o in c.get("outputs", []))
    assert f"EU27_2020 {want['year']} E_AI_TANY: all (GE10) {want['eu_all']:.2f} %" in text
    assert f"{want['exposed_pct']:.1f} % of employment in exposed occupations" in text
    params_cell = next(c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", []))
    assert "".join(params_cell["source"]).strip() == 'geo = "EU27_2020"'


@pytest.mark.integration
def test_notebook_runs_for_a_country_with_gaps(processed: Path, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """Romania: Eurostat publishes no barrier data; the page must say so (and not crash)."""
    from analysis import build, config, figures

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
            "ai-use-by-size.png", "exposure.png", "sme-gap-trend.png", "technologies.png"]
    finally:
        shutil.rmtree(downloads, ignore_errors=True)
        shutil.rmtree(out_dir, ignore_errors=True)
        if out_dir.parent.is_dir() and not any(out_dir.parent.iterdir()):
            out_dir.parent.rmdir()
