"""The SME AI-adoption gap (analysis.chapters.adoption): gaps, ranks, changes, barriers, the panel model, parameters."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from _frames import ai_rows  # noqa: E402

from analysis.chapters import adoption as ad
from analysis.chapters.params import ParameterError, validate

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "sme_adoption_gap.ipynb"
NAN = float("nan")


rows = ai_rows


@pytest.fixture
def tiny() -> pd.DataFrame:
    T = "E_AI_TANY"
    return rows(
        (T, "10-249", "AA", 2024, 10.0, ""), (T, "GE250", "AA", 2024, 40.0, ""),   # gap 30, ratio 4
        (T, "10-249", "BB", 2024, 5.0, "u"), (T, "GE250", "BB", 2024, 20.0, "b"),  # gap 15, ratio 4, flags b u
        (T, "10-249", "CC", 2024, NAN, "@C"), (T, "GE250", "CC", 2024, 30.0, ""),  # missing → NaN
        (T, "GE250", "DD", 2024, 12.0, ""),                                          # no small row → NaN
        (T, "10-249", "EE", 2024, 0.0, ""), (T, "GE250", "EE", 2024, 10.0, ""),    # ratio undefined → NaN
        (T, "10-249", "EU27_2020", 2024, 8.0, ""), (T, "GE250", "EU27_2020", 2024, 32.0, ""),
        (T, "10-249", "AA", 2023, 6.0, ""), (T, "GE250", "AA", 2023, 30.0, ""),    # gap 24, ratio 5
        (T, "10-249", "BB", 2023, 4.0, ""), (T, "GE250", "BB", 2023, 22.0, ""),    # gap 18, ratio 5.5
        (T, "GE10", "AA", 2024, 12.0, ""), (T, "GE10", "AA", 2023, 8.0, ""),
    )


# ------------------------------------------------------------------------------------------------ gaps
def test_size_gap_hand_computed(tiny: pd.DataFrame) -> None:
    g = ad.size_gap(tiny, "10-249", "GE250", "E_AI_TANY", 2024).set_index("geo")
    assert g.loc["AA", "gap_pp"] == pytest.approx(30.0)
    assert g.loc["AA", "ratio"] == pytest.approx(4.0)
    assert g.loc["BB", "gap_pp"] == pytest.approx(15.0)
    assert g.loc["BB", "ratio"] == pytest.approx(4.0)
    assert (g.loc["BB", "flag_small"], g.loc["BB", "flag_large"], g.loc["BB", "flags"]) == ("u", "b", "b u")
    assert g.loc["AA", "flags"] == ""


def test_size_gap_missing_input_gives_nan_never_zero(tiny: pd.DataFrame) -> None:
    g = ad.size_gap(tiny, "10-249", "GE250", "E_AI_TANY", 2024).set_index("geo")
    for geo in ("CC", "DD"):
        assert math.isnan(g.loc[geo, "gap_pp"]) and math.isnan(g.loc[geo, "ratio"])
    assert g.loc["CC", "flag_small"] == "@C"           # the confidentiality flag is carried
    assert g.loc["DD", "flag_small"] == ""             # absent row: no flag, still NaN
    assert g.loc["EE", "gap_pp"] == pytest.approx(10.0)
    assert math.isnan(g.loc["EE", "ratio"])            # 10 / 0 is not a ratio
    assert list(g.index) == sorted(g.index)


def test_rank_gap(tiny: pd.DataFrame) -> None:
    g = ad.size_gap(tiny, "10-249", "GE250", "E_AI_TANY", 2024)
    r = ad.rank_gap(g)
    ranked = r.loc[r["rank"].notna()]
    assert list(ranked["geo"]) == ["AA", "BB", "EE"]
    assert list(ranked["rank"]) == [1, 2, 3]
    # the aggregate and the NaN gaps get no rank and come last
    assert set(r.loc[r["rank"].isna(), "geo"]) == {"EU27_2020", "CC", "DD"}
    assert r["rank"].isna().tolist()[-3:] == [True, True, True]
    by_ratio = ad.rank_gap(g, by="ratio")
    assert list(by_ratio.loc[by_ratio["rank"].notna(), "rank"]) == [1, 1]  # AA and BB tie at 4.0
    smallest_first = ad.rank_gap(g, ascending=True)
    assert smallest_first.iloc[0]["geo"] == "EE"


def test_gap_change(tiny: pd.DataFrame) -> None:
    c = ad.gap_change(tiny, 2023, 2024, "10-249", "GE250", "E_AI_TANY").set_index("geo")
    assert c.loc["AA", "change_pp"] == pytest.approx(6.0)          # 30 − 24
    assert c.loc["AA", "change_ratio"] == pytest.approx(-1.0)      # 4 − 5
    assert c.loc["BB", "change_pp"] == pytest.approx(-3.0)         # 15 − 18
    assert c.loc["BB", "change_ratio"] == pytest.approx(-1.5)
    assert c.loc["BB", "flags_to"] == "b u" and c.loc["BB", "flags_from"] == ""
    assert math.isnan(c.loc["EE", "change_pp"])                    # no 2023 value


def test_technology_gaps_sorted_and_missing_last() -> None:
    f = rows(("E_AI_TTM", "10-249", "AA", 2025, 5.0, ""), ("E_AI_TTM", "GE250", "AA", 2025, 15.0, ""),
             ("E_AI_TML", "10-249", "AA", 2025, 2.0, ""), ("E_AI_TML", "GE250", "AA", 2025, 22.0, "u"),
             ("E_AI_TAR", "10-249", "AA", 2025, NAN, ""), ("E_AI_TAR", "GE250", "AA", 2025, 3.0, ""))
    t = ad.technology_gaps(f, "AA", 2025, technologies=("E_AI_TTM", "E_AI_TML", "E_AI_TAR", "E_AI_TPVSG"))
    assert list(t["indicator"]) == ["E_AI_TML", "E_AI_TTM", "E_AI_TAR", "E_AI_TPVSG"]
    assert t.loc[0, "gap_pp"] == pytest.approx(20.0) and t.loc[0, "ratio"] == pytest.approx(11.0)
    assert t.loc[0, "flags"] == "u" and t.loc[0, "label"] == "machine learning for data analysis"
    assert t["gap_pp"].isna().tolist() == [False, False, True, True]


def test_barriers_lists_missing() -> None:
    f = rows(("E_AI_BCST", "10-49", "AA", 2024, 40.0, "", "PC_ENT_AI_EC"),
             ("E_AI_BCST", "GE250", "AA", 2024, 30.0, "u", "PC_ENT_AI_EC"),
             ("E_AI_BLE", "10-49", "AA", 2024, 60.0, "", "PC_ENT_AI_EC"),
             ("E_AI_BLE", "GE250", "AA", 2024, NAN, "", "PC_ENT_AI_EC"),
             ("E_AI_BLE", "10-49", "AA", 2024, 99.0, "", "PC_ENT"))       # other unit: ignored
    b = ad.barriers(f, "AA", 2024, size_classes=("10-49", "GE250"), indicators=("E_AI_BCST", "E_AI_BLE"))
    assert b.available
    assert b.missing == [("E_AI_BLE", "GE250")]
    w = b.wide()
    assert list(w.index) == ["E_AI_BLE", "E_AI_BCST"]                     # ordered by the first class
    assert w.loc["E_AI_BCST", "GE250"] == pytest.approx(30.0)
    assert b.table.set_index(["indicator", "size_class"]).loc[("E_AI_BCST", "GE250"), "flag"] == "u"
    none = ad.barriers(f, "ZZ", 2024, size_classes=("10-49",), indicators=("E_AI_BCST",))
    assert not none.available and none.missing == [("E_AI_BCST", "10-49")]
    assert "AT" in ad.members_without(f, ("E_AI_BCST",), "PC_ENT_AI_EC")


def test_series_and_value_at(tiny: pd.DataFrame) -> None:
    s = ad.adoption_series(tiny, "E_AI_TANY", "AA", ["GE250", "10-249"])
    assert list(zip(s["size_class"], s["year"], strict=True)) == [
        ("GE250", 2023), ("GE250", 2024), ("10-249", 2023), ("10-249", 2024)]
    assert ad.value_at(tiny, "E_AI_TANY", "BB", "10-249", 2024) == (5.0, "u")
    v, fl = ad.value_at(tiny, "E_AI_TANY", "BB", "10-249", 2021)
    assert math.isnan(v) and fl == ""


def test_flags_helpers() -> None:
    assert ad.combine_flags("b", "", "u", "b") == "b u"
    s = pd.Series(["", "u", "b u", "@C", "bu"])
    assert ad.has_flag(s, "u").tolist() == [False, True, True, False, True]
    assert ad.has_flag(s, "@C").tolist() == [False, False, False, True, False]
    note = ad.flag_note(pd.Series(["", "b"]), pd.Series(["AA", "NL"]))
    assert "b = break in time series (NL)" in note
    assert ad.flag_note(pd.Series(["", ""])) == "No plotted value carries a Eurostat flag."


def test_trend_segments_do_not_bridge_2022() -> None:
    assert ad.trend_segments([2021, 2023, 2024, 2025]) == [
        ([2021], "solid"), ([2023, 2024], "solid"), ([2024, 2025], "break")]
    assert ad.trend_segments([2025]) == [([2025], "solid")]
    assert ad.trend_segments([2023, 2024]) == [([2023, 2024], "solid")]


# ------------------------------------------------------------------------------------------------ panel and model
def test_gap_panel_member_states_and_flags(tiny: pd.DataFrame) -> None:
    extra = rows(("E_AI_TANY", "GE10", "BB", 2024, 6.0, ""), ("E_AI_TANY", "GE10", "BB", 2023, 5.0, ""))
    p = ad.gap_panel(pd.concat([tiny, extra]), geos=("AA", "BB", "CC"))
    assert list(zip(p["geo"], p["year"], strict=True)) == [("AA", 2023), ("AA", 2024), ("BB", 2023), ("BB", 2024)]
    row = p.set_index(["geo", "year"]).loc[("BB", 2024)]
    assert row["gap_pp"] == pytest.approx(15.0) and row["overall"] == pytest.approx(6.0)
    assert bool(row["flag_u"]) and bool(row["flag_b"])
    assert ad.panel_flag_summary(p) == {"rows": 4, "u_rows": 1, "b_rows": 1, "countries": 2, "years": 2}
    with pytest.raises(ValueError, match="aggregates"):
        ad.gap_panel(tiny, geos=("AA", "EU27_2020"))


def synthetic_panel(noise: float = 0.0, seed: int = 1) -> pd.DataFrame:
    """gap = 5 + 0.8 × overall + year effect (2023: +2, 2024: +3) [+ noise], 12 countries × 3 years."""
    rng = np.random.default_rng(seed)
    recs = []
    for i in range(12):
        for y, eff in ((2021, 0.0), (2023, 2.0), (2024, 3.0)):
            overall = 3.0 + 1.7 * i + 2.5 * (y - 2021) + (i % 3)
            recs.append({"geo": f"G{i:02d}", "year": y, "overall": overall,
                         "gap_pp": 5.0 + 0.8 * overall + eff + noise * rng.standard_normal(),
                         "w": 1.0, "flag_u": False, "flag_b": False, "flags": ""})
    return pd.DataFrame(recs)


def test_model_recovers_known_coefficient() -> None:
    m = ad.fit_gap_model(synthetic_panel())
    assert m.coef("overall") == pytest.approx(0.8, abs=1e-9)
    assert m.coef("Intercept") == pytest.approx(5.0, abs=1e-8)
    assert m.coef("C(year)[T.2023]") == pytest.approx(2.0, abs=1e-8)
    assert m.coef("C(year)[T.2024]") == pytest.approx(3.0, abs=1e-8)
    assert (m.nobs, m.n_clusters, m.method) == (36, 12, "OLS")
    assert m.r2 == pytest.approx(1.0)
    assert list(m.table.columns) == ["term", "estimate", "std_error", "t", "p_value", "ci_low", "ci_high"]


def test_model_with_noise_clustered_se_and_wls() -> None:
    p = synthetic_panel(noise=0.5)
    m = ad.fit_gap_model(p)
    assert m.coef("overall") == pytest.approx(0.8, abs=0.05)
    assert 0 < m.se("overall") < 0.05
    assert m.pvalues["overall"] < 1e-6
    w = ad.fit_gap_model(p, weights="w")           # equal weights: WLS = OLS
    assert w.method == "WLS"
    assert w.coef("overall") == pytest.approx(m.coef("overall"))
    assert w.se("overall") == pytest.approx(m.se("overall"))
    # a missing value drops the row (and its cluster membership) before fitting
    p.loc[0, "overall"] = np.nan
    assert ad.fit_gap_model(p).nobs == 35


def test_model_needs_two_clusters() -> None:
    p = synthetic_panel()
    with pytest.raises(ValueError, match="at least 2 clusters"):
        ad.fit_gap_model(p.loc[p["geo"] == "G00"])


def test_gap_trend_recovers_year_effects() -> None:
    recs = [{"geo": f"G{i}", "year": y, "gap_pp": 10.0 + i + eff, "ratio": 4.0 - eff / 10}
            for i in range(6) for y, eff in ((2021, 0.0), (2023, 4.0), (2025, 9.0))]
    p = pd.DataFrame(recs)
    ye = ad.year_effects(ad.gap_trend(p, "gap_pp"))
    assert ye["year"].tolist() == [2023, 2025]
    assert ye["estimate"].tolist() == pytest.approx([4.0, 9.0])
    ye_r = ad.year_effects(ad.gap_trend(p, "ratio"))
    assert ye_r["estimate"].tolist() == pytest.approx([-0.4, -0.9])   # < 0: the ratio is closing
    with pytest.raises(ValueError, match="two survey years"):
        ad.gap_trend(p.loc[p["year"] == 2021])


# ------------------------------------------------------------------------------------------------ parameters
@pytest.fixture
def params_data(monkeypatch: pytest.MonkeyPatch) -> pd.DataFrame:
    T = "E_AI_TANY"
    f = rows((T, "10-249", "EU27_2020", 2024, 12.64, ""), (T, "GE250", "EU27_2020", 2024, 41.17, ""),
             (T, "10-249", "EU27_2020", 2025, 18.9, ""), (T, "GE250", "EU27_2020", 2025, 55.03, ""),
             (T, "GE10", "EU27_2020", 2025, 19.95, ""),
             (T, "10-249", "DK", 2023, 14.1, ""), (T, "GE250", "DK", 2023, 51.4, ""),
             (T, "10-249", "ME", 2025, 10.0, ""), (T, "GE250", "ME", 2025, NAN, "@C"),
             ("E_AI_TML", "10-249", "DK", 2023, 3.0, ""), ("E_AI_TML", "GE250", "DK", 2023, 20.0, ""),
             ("E_AI_BCST", "10-249", "DK", 2023, 30.0, "", "PC_ENT_AI_EC"))
    monkeypatch.setattr(ad, "load_adoption", lambda: f.copy())
    return f


def test_params_defaults_and_resolved_year(params_data: pd.DataFrame) -> None:
    p = validate("sme_adoption_gap", {})
    assert (p.geo, p.year, p.indicator, p.small, p.large) == ("EU27_2020", None, "E_AI_TANY", "10-249", "GE250")
    assert p.resolved_year() == 2025
    assert validate("sme_adoption_gap", {"geo": "DK"}).resolved_year() == 2023
    assert validate("sme_adoption_gap", {"year": 2024}).resolved_year() == 2024


def test_params_unknown_name(params_data: pd.DataFrame) -> None:
    with pytest.raises(ParameterError, match=r"unknown parameter\(s\) country; valid parameters: geo"):
        validate("sme_adoption_gap", {"country": "DK"})


def test_params_wrong_type(params_data: pd.DataFrame) -> None:
    with pytest.raises(ParameterError, match=r"year='2024'.*valid integer"):
        validate("sme_adoption_gap", {"year": "2024"})


def test_params_unknown_geo_lists_valid_geos(params_data: pd.DataFrame) -> None:
    with pytest.raises(ParameterError) as err:
        validate("sme_adoption_gap", {"geo": "XX"})
    msg = str(err.value)
    assert "geo='XX' is not valid; choose one of: DK, EU27_2020" in msg
    assert "ME" not in msg.split("choose one of:")[1]   # no year with both classes (large is confidential)
    with pytest.raises(ParameterError, match="reference_geo='XX' is not valid"):
        validate("sme_adoption_gap", {"reference_geo": "XX"})


def test_params_year_not_in_data(params_data: pd.DataFrame) -> None:
    with pytest.raises(ParameterError, match=r"year=2022 is not valid; choose one of: 2024, 2025$"):
        validate("sme_adoption_gap", {"year": 2022})
    with pytest.raises(ParameterError, match=r"year=2024 is not valid; choose one of: 2023$"):
        validate("sme_adoption_gap", {"geo": "DK", "year": 2024})


def test_params_small_equals_large(params_data: pd.DataFrame) -> None:
    with pytest.raises(ParameterError, match="small and large must be two different size classes"):
        validate("sme_adoption_gap", {"small": "GE250"})


def test_params_indicator_and_size_class(params_data: pd.DataFrame) -> None:
    with pytest.raises(ParameterError, match=r"indicator='E_AI_BCST' is not valid; choose one of: E_AI_TANY, "
                                             r"E_AI_TML"):
        validate("sme_adoption_gap", {"indicator": "E_AI_BCST"})
    with pytest.raises(ParameterError, match=r"large='GE500' is not valid; choose one of: 10-249, GE250, GE10"):
        validate("sme_adoption_gap", {"large": "GE500"})
    assert validate("sme_adoption_gap", {"indicator": "E_AI_TML", "geo": "DK", "reference_geo": "DK"}
                    ).resolved_year() == 2023


# ------------------------------------------------------------------------------------------------ integration
@pytest.mark.integration
def test_member_states_match_the_data(processed: Path) -> None:
    frame = ad.load_adoption()
    assert ad.member_states_in(frame) == sorted(ad.EU27_MEMBER_STATES)
    non_members = set(frame["geo"]) - set(ad.EU27_MEMBER_STATES)
    assert {g for g in non_members if ad.is_aggregate(g)} == {"EU27_2020", "EA"}
    assert ad.members_without(frame, ad.BARRIERS, "PC_ENT_AI_EC") == ["CZ", "FR", "IE", "RO"]
    panel = ad.gap_panel(frame)
    assert set(panel["geo"]) <= set(ad.EU27_MEMBER_STATES) and panel["geo"].nunique() == 27


@pytest.mark.integration
def test_strategy_figures_from_the_data(processed: Path) -> None:
    frame = ad.load_adoption()
    all_, _ = ad.value_at(frame, "E_AI_TANY", "EU27_2020", "GE10", 2024)
    sme, _ = ad.value_at(frame, "E_AI_TANY", "EU27_2020", "10-249", 2024)
    assert (all_, sme) == (13.48, 12.64)
    assert (round(all_, 1), round(sme, 1)) == (ad.STRATEGY_FIGURES["GE10"], ad.STRATEGY_FIGURES["10-249"])
    series = ad.adoption_series(frame, "E_AI_TANY", "EU27_2020", ["GE10", "10-249"]).set_index(
        ["size_class", "year"])
    assert series.loc[("GE10", 2024), "value"] == 13.48 and series.loc[("10-249", 2024), "value"] == 12.64
    gap = ad.size_gap(frame, "10-249", "GE10", "E_AI_TANY", 2024).set_index("geo").loc["EU27_2020"]
    assert gap["gap_pp"] == pytest.approx(13.48 - 12.64)
    # the same numbers straight from the CSV, read as text
    raw = pd.read_csv(processed / "ai_adoption.csv", dtype=str, keep_default_na=False)
    sel = raw.loc[(raw["dataset"] == "isoc_eb_ai") & (raw["indicator"] == "E_AI_TANY") & (raw["unit"] == "PC_ENT")
                  & (raw["geo"] == "EU27_2020") & (raw["year"] == "2024")].set_index("size_class")["value"]
    assert float(sel["GE10"]) == all_ and float(sel["10-249"]) == sme


@pytest.mark.integration
def test_strategy_sentence_on_the_data(processed: Path) -> None:
    """The chapter's first finding, run from the package on the processed table (not read from a notebook)."""
    text = ad.strategy_sentence(ad.load_adoption())
    assert "13.48 % of all enterprises" in text and "12.64 % of SMEs" in text
    assert "13.5 % and 12.6 %, the strategy's figures." in text
    assert "41.17 % of large enterprises, 28.53 pp more than SMEs" in text
    assert "In 2025 the EU shares were 19.95 % (all) and 18.90 % (SMEs), on a questionnaire" in text


@pytest.mark.integration
def test_chapter_findings_on_the_data(processed: Path) -> None:
    frame = ad.load_adoption()
    assert ad.like_for_like_years(sorted(frame["year"].unique())) == (2023, 2024)
    assert ad.series_breaks(frame, 2021, 2024) == {"FR": [2023], "SE": [2023]}
    assert ad.series_breaks(frame, 2023, 2024) == {}
    slopes = ad.panel_slopes(ad.gap_panel(frame)).set_index(["design", "sample"])
    assert slopes["nobs"].tolist() == [108, 27, 108, 81, 27, 81]
    assert "isoc_eb_ai holds AI indicators only" in ad.combined_indicator_note(frame)


@pytest.mark.integration
def test_cli_rejects_unknown_geo_and_year(processed: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from analysis.__main__ import main

    assert main(["run", "sme_adoption_gap", "-p", "geo", "XX"]) == 1
    err = capsys.readouterr().err
    assert "geo='XX' is not valid; choose one of:" in err and "DK" in err and "EU27_2020" in err
    assert main(["run", "sme_adoption_gap", "-p", "year", "2022"]) == 1
    assert "year=2022 is not valid; choose one of: 2021, 2023, 2024, 2025" in capsys.readouterr().err


# ------------------------------------------------------------------------------------------------ rounding
def test_fmt_rounds_half_away_from_zero() -> None:
    assert ad.fmt(12.25) == "12.3"          # f"{12.25:.1f}" gives 12.2 (half to even)
    assert ad.fmt(19.95) == "20.0" and ad.fmt(-0.25) == "-0.3" and ad.fmt(NAN) == "n/a"


def test_strategy_match_uses_the_book_rounding() -> None:
    # 13.45 and 12.55 round (half away from zero) to the strategy's 13.5 and 12.6; Python's round gives 13.4
    assert ad.strategy_matches({"all": 13.45, "sme": 12.55, "large": 40.0})
    assert not ad.strategy_matches({"all": 13.44, "sme": 12.55, "large": 40.0})
    assert not ad.strategy_matches({"all": NAN, "sme": 12.55, "large": 40.0})
    f = rows(("E_AI_TANY", "GE10", "EU27_2020", 2024, 13.45, ""), ("E_AI_TANY", "10-249", "EU27_2020", 2024, 12.55, ""),
             ("E_AI_TANY", "GE250", "EU27_2020", 2024, 40.0, ""))
    text = ad.strategy_sentence(f)
    assert "rounded to one decimal, 13.5 % and 12.6 %, the strategy's figures." in text
    assert "27.45 pp more than SMEs" in text          # 40 − 12.55
    f.loc[0, "value"] = 13.3
    assert "not the strategy's 13.5 % and 12.6 %" in ad.strategy_sentence(f)
    f.loc[0, "value"] = NAN
    assert "cannot be checked" in ad.strategy_sentence(f)


# ------------------------------------------------------------------------------------------------ odds ratio
def test_odds_ratio_hand_computed() -> None:
    assert ad.odds_ratio(40.0, 10.0) == pytest.approx(6.0)             # (40/60) / (10/90)
    assert ad.odds_ratio(55.0, 20.0) == pytest.approx(44 / 9)          # (55/45) / (20/80) = 4.888…
    for large, small in ((40.0, 0.0), (100.0, 10.0), (NAN, 10.0)):
        assert math.isnan(ad.odds_ratio(large, small))
    s = ad.odds_ratio(pd.Series([40.0, 50.0]), pd.Series([10.0, 50.0]))
    assert s.tolist() == pytest.approx([6.0, 1.0])


@pytest.fixture
def widen_pp_fall_or() -> pd.DataFrame:
    """EU: SMEs 10 → 20 %, large 40 → 55 %: the gap widens in points (30 → 35) but the odds ratio falls (6 → 4.89).
    AA: the same. BB: a break in series (b) in 2024. CC: SMEs missing in 2024."""
    T = "E_AI_TANY"
    out = []
    for g in ("EU27_2020", "AT"):
        out += [(T, "10-249", g, 2023, 10.0, ""), (T, "GE250", g, 2023, 40.0, ""),
                (T, "10-249", g, 2024, 20.0, ""), (T, "GE250", g, 2024, 55.0, "")]
    out += [(T, "10-249", "BE", 2023, 10.0, "b"), (T, "GE250", "BE", 2023, 30.0, ""),   # b in year_from: fine
            (T, "10-249", "BE", 2024, 12.0, ""), (T, "GE250", "BE", 2024, 31.0, ""),    # gap 20 → 19
            (T, "10-249", "BG", 2023, 10.0, ""), (T, "GE250", "BG", 2023, 30.0, ""),
            (T, "10-249", "BG", 2024, 5.0, "b"), (T, "GE250", "BG", 2024, 40.0, ""),    # break inside
            (T, "10-249", "CY", 2023, 10.0, ""), (T, "GE250", "CY", 2023, 30.0, ""),
            (T, "GE250", "CY", 2024, 30.0, ""),
            (T, "10-249", "EU27_2020", 2025, 30.0, ""), (T, "GE250", "EU27_2020", 2025, 60.0, "")]
    return rows(*out)


def test_points_widen_while_odds_ratio_falls(widen_pp_fall_or: pd.DataFrame) -> None:
    c = ad.gap_change(widen_pp_fall_or, 2023, 2024).set_index("geo")
    eu = c.loc["EU27_2020"]
    assert eu["change_pp"] == pytest.approx(5.0)
    assert (eu["or_from"], eu["or_to"]) == (pytest.approx(6.0), pytest.approx(44 / 9))
    assert eu["change_log_or"] == pytest.approx(math.log((44 / 9) / 6.0)) and eu["change_log_or"] < 0
    text = ad.odds_sentence(c.reset_index(), 2023, 2024)
    assert "in points it is wider (30.0 to 35.0 pp)" in text
    assert "in odds narrower (odds ratio 6.0 to 4.9)" in text
    assert "Points and odds disagree" in text
    # the reverse: both shares fall so that the points narrow but the odds ratio rises
    f = rows(("E_AI_TANY", "10-249", "EU27_2020", 2023, 20.0, ""), ("E_AI_TANY", "GE250", "EU27_2020", 2023, 55.0, ""),
             ("E_AI_TANY", "10-249", "EU27_2020", 2024, 10.0, ""), ("E_AI_TANY", "GE250", "EU27_2020", 2024, 40.0, ""))
    text = ad.odds_sentence(ad.gap_change(f, 2023, 2024), 2023, 2024)
    assert "in points it is narrower (35.0 to 30.0 pp)" in text and "in odds wider" in text


def test_odds_table_names_and_formats(widen_pp_fall_or: pd.DataFrame) -> None:
    t = ad.odds_table(ad.gap_change(widen_pp_fall_or, 2023, 2024), 2023, 2024)
    assert t["Country"].tolist() == ["EU27", "Austria", "Belgium", "Bulgaria", "Cyprus"]
    row = t.set_index("Country").loc["EU27"]
    assert (row["Odds ratio 2023"], row["Odds ratio 2024"], row["Change of the log odds ratio"]) == (
        "6.0", "4.9", "-0.20")
    assert t.set_index("Country").loc["Cyprus", "Gap 2024 (pp)"] == "n/a"
    assert t.set_index("Country").loc["Bulgaria", "Not like for like because"] == (
        "Eurostat break in series (b) in 2024")


# ------------------------------------------------------------------------------------------------ breaks
def test_break_premise() -> None:
    assert ad.questionnaire_break_between(2024, 2025) and ad.questionnaire_break_between(2021, 2025)
    assert ad.questionnaire_break_between(2025, 2023)
    assert not ad.questionnaire_break_between(2023, 2024) and not ad.questionnaire_break_between(2021, 2024)
    assert ad.like_for_like_years([2021, 2023, 2024, 2025]) == (2023, 2024)
    assert ad.like_for_like_years([2021, 2023]) == (2021, 2023)
    assert ad.like_for_like_years([2024, 2025]) is None and ad.like_for_like_years([2025]) is None


def test_comparison_across_a_break_is_refused_or_labelled(widen_pp_fall_or: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match="not like for like: the questionnaire changed in 2025"):
        ad.like_for_like_change(widen_pp_fall_or, 2024, 2025)
    c = ad.gap_change(widen_pp_fall_or, 2024, 2025).set_index("geo")
    assert not c.loc["EU27_2020", "comparable"]
    assert c.loc["EU27_2020", "break"].startswith("questionnaire change in 2025")
    text = ad.closing_sentence(c.reset_index(), 2024, 2025)
    assert "not like for like" in text and "not read as a change" in text
    assert "widened" not in text and "narrowed" not in text
    same = ad.like_for_like_change(widen_pp_fall_or, 2023, 2024).set_index("geo")
    assert same.loc["BE", "comparable"] and same.loc["BE", "break"] == ""   # b in the first year: no break between
    assert not same.loc["BG", "comparable"] and same.loc["BG", "break"] == "Eurostat break in series (b) in 2024"


def test_closing_sentence_counts_and_directions(widen_pp_fall_or: pd.DataFrame) -> None:
    c = ad.gap_change(widen_pp_fall_or, 2023, 2024)
    text = ad.closing_sentence(c, 2023, 2024)
    assert text.startswith("Like for like, between 2023 and 2024 (no questionnaire change between them), the gap of "
                           "the EU27 widened in points, from 30.0 to 35.0 pp (+5.0 pp)")
    assert "the odds ratio from 6.0 to 4.9 (narrower on the log-odds scale)" in text
    # AT widened, BE narrowed (20 → 19), BG has a break inside (not counted), CY has no 2024 value
    assert "Among the 2 member states with both years, the gap in points widened in 1 and narrowed in 1" in text
    # odds ratios: AT 6.0 → 4.89; BE (30/70)/(10/90) = 3.86 → (31/69)/(12/88) = 3.29: both fell
    assert "the odds ratio fell in 2 of 2" in text
    assert "between the two years: Bulgaria." in text


def test_closing_sentence_threshold_and_missing_everywhere() -> None:
    T = "E_AI_TANY"
    f = rows((T, "10-249", "EU27_2020", 2023, 10.0, ""), (T, "GE250", "EU27_2020", 2023, 40.0, ""),
             (T, "10-249", "EU27_2020", 2024, 10.0, ""), (T, "GE250", "EU27_2020", 2024, 40.05, ""))
    assert "widened in points, from 30.0 to 30.1 pp (+0.1 pp)" in ad.closing_sentence(ad.gap_change(f, 2023, 2024),
                                                                                        2023, 2024)
    f.loc[3, "value"] = 40.04                       # rounds to 30.0: not called a change
    assert "did not change (to 0.1) in points" in ad.closing_sentence(ad.gap_change(f, 2023, 2024), 2023, 2024)
    f["value"] = NAN
    text = ad.closing_sentence(ad.gap_change(f, 2023, 2024), 2023, 2024)
    assert "the gap of the EU27 is not available for both years" in text
    assert "Among the 0 member states with both years" in text


# ------------------------------------------------------------------------------------------------ sentences
def test_size_sentence_values_flags_and_missing(tiny: pd.DataFrame) -> None:
    g = ad.size_gap(tiny, "10-249", "GE250", "E_AI_TANY", 2024)
    text = ad.size_sentence(g, "BB", "EU27_2020", 2024, "E_AI_TANY", "10-249", "GE250")
    assert "20.0 % of large (250+) enterprises and 5.0 % of SMEs (10-249)" in text
    assert "a gap of 15.0 percentage points, 4.0 times the share, or an odds ratio of 4.8" in text  # (20/80)/(5/95)
    assert "Eurostat flags these values (b u)." in text
    assert "In the EU27 the gap was 24.0 pp (4.0 times" in text
    assert "not available" in ad.size_sentence(g, "CC", "EU27_2020", 2024, "E_AI_TANY", "10-249", "GE250")


def test_ranking_sentence_direction(tiny: pd.DataFrame) -> None:
    t = tiny.assign(geo=tiny["geo"].replace({"AA": "AT", "BB": "BE", "CC": "CY", "DD": "DK", "EE": "EE"}))
    g = ad.size_gap(t, "10-249", "GE250", "E_AI_TANY", 2024)
    text = ad.ranking_sentence(g, "BE", 2024, "10-249", "GE250")
    assert "largest in Austria (30.0 pp) and smallest in Estonia (10.0 pp)" in text
    assert "Belgium ranks 2 of 3 member states" in text
    assert "is not a member state" in ad.ranking_sentence(g, "EU27_2020", 2024, "10-249", "GE250")


def test_trend_sentence_keeps_the_break_apart() -> None:
    T = "E_AI_TANY"
    f = rows((T, "10-249", "AT", 2021, 5.0, ""), (T, "GE250", "AT", 2021, 20.0, ""),
             (T, "10-249", "AT", 2024, 8.25, ""), (T, "GE250", "AT", 2024, 30.0, ""),
             (T, "10-249", "AT", 2025, 12.0, ""), (T, "GE250", "AT", 2025, 45.0, ""))
    text = ad.trend_sentence(ad.adoption_series(f, T, "AT", ad.SIZE_CLASSES), "AT", T, "10-249", "GE250")
    assert "Like for like, between 2021 and 2024" in text and "from 5.0 % to 8.3 %" in text
    assert "In 2025, on a questionnaire that counts one more technology, they were 45.0 % and 12.0 %" in text


def test_target_growth_hand_computed() -> None:
    g = ad.required_growth(20.0, 2025)
    assert g["years"] == 5 and g["pp_per_year"] == pytest.approx(11.0)       # (75 − 20) / 5
    assert g["cagr_pct"] == pytest.approx(30.2585, abs=1e-4)                 # 3.75 ** 0.2 = 1.302585
    assert ad.required_growth(80.0, 2025) == {"years": 5.0, "cagr_pct": 0.0, "pp_per_year": 0.0}
    assert ad.required_growth(75.0, 2025)["cagr_pct"] == 0.0                 # exactly on the target
    for bad in (ad.required_growth(NAN, 2025), ad.required_growth(0.0, 2025), ad.required_growth(10.0, 2030)):
        assert math.isnan(bad["cagr_pct"]) and math.isnan(bad["pp_per_year"])


def test_target_sentence_says_what_the_series_is_not() -> None:
    T = "E_AI_TANY"
    f = rows((T, "GE10", "EU27_2020", 2021, 8.0, ""), (T, "GE10", "EU27_2020", 2025, 20.0, ""),
             (T, "10-249", "EU27_2020", 2021, 7.0, ""))
    text = ad.target_sentence(ad.target_path(f, "EU27_2020"), "EU27_2020", f)
    assert "counts AI alone, so it is not a measure of the target's attainment" in text
    assert "no indicator of cloud, big data and/or AI combined" in text
    assert "for all enterprises, AI take-up went from 8.0 % in 2021 to 20.0 % in 2025; reaching 75 % by 2030 would " \
           "take 30.3 % a year (compound growth of the share) or 11.0 pp a year (straight line)" in text
    assert "The 2025 value is on the wider questionnaire" in text
    assert "not available" in ad.target_sentence(ad.target_path(f, "AT"), "AT")


def test_alt_texts() -> None:
    alt = ad.bars_alt("gap by country", ["Austria", "Belgium"], [19.95, NAN], "pp", flags=["b", ""])
    assert alt == "Bar chart: gap by country. Austria 20.0 pp (b); Belgium not available."
    long = pd.DataFrame({"s": ["a", "a", "b"], "year": [2021, 2023, 2021], "value": [1.25, 2.0, NAN]})
    assert ad.lines_alt("x", long, "s") == "Line chart: x (%). a: 2021 1.3, 2023 2.0; b: 2021 n/a."


# ------------------------------------------------------------------------------------------------ between vs within
def test_cluster_se_hand_computed() -> None:
    """gap = a + b·overall on 6 rows in 3 clusters; b = 31/35, residuals ×35 = −10, 29, −37, 37, −29, 10.
    Slope variance (CR1) = Σ_g (Σ_i (x_i − x̄) u_i)² / Sxx² × G/(G−1) × (N−1)/(N−K), with cluster scores ×35 of
    −18.5, 37, −18.5, Sxx = 17.5, G = 3, N = 6, K = 2."""
    p = pd.DataFrame({"geo": ["A", "A", "B", "B", "C", "C"], "overall": [1.0, 2, 3, 4, 5, 6],
                      "gap_pp": [1.0, 3, 2, 5, 4, 6]})
    m = ad.fit_gap_model(p, "gap_pp ~ overall")
    assert m.coef("overall") == pytest.approx(31 / 35)
    want = math.sqrt((18.5 ** 2 + 37 ** 2 + 18.5 ** 2) / 35 ** 2 / 17.5 ** 2 * (3 / 2) * (5 / 4))
    assert m.se("overall") == pytest.approx(want, rel=1e-10)            # 0.10131
    assert want == pytest.approx(0.101308, abs=1e-6)


def between_within_panel(within: float) -> pd.DataFrame:
    """Six countries × three years: levels differ between countries (gap = 5 + 1.5 × 10·i), and within a country
    the gap moves by ``within`` pp per point of its own adoption deviation; small fixed noise."""
    noise = [0.1, -0.1, 0.3, 0.1, -0.3, 0.2, 0.7, 0.5, -0.4, -0.6, -0.3, 0.0, -1.2, -0.1, -0.6, -0.4, -0.3, -0.2]
    dev = [(1.0, -1.0, 0.0), (0.0, 1.0, -1.0), (-1.0, 0.0, 1.0)]
    recs, k = [], 0
    for i in range(6):
        for t, y in enumerate((2021, 2023, 2024)):
            d = dev[i % 3][t]
            recs.append({"geo": ad.EU27_MEMBER_STATES[i], "year": y, "overall": 10.0 * i + 2.0 * t + d,
                         "gap_pp": 5.0 + 15.0 * i + within * d + noise[k]})
            k += 1
    return pd.DataFrame(recs)


@pytest.mark.parametrize("within", [0.0, -2.0])
def test_between_positive_within_not_no_within_claim(within: float) -> None:
    slopes = ad.panel_slopes(between_within_panel(within))
    s = slopes.set_index(["design", "sample"])
    assert s.loc[("between", "all years"), "slope"] > 1.0 and s.loc[("between", "all years"), "ci_low"] > 0
    w = s.loc[("within", "all years")]
    assert w["ci_low"] < 0 and (w["ci_high"] > 0 if within == 0 else w["ci_high"] < 0)
    text = ad.panel_sentence(slopes)
    assert text.startswith("Between countries: where a larger share of enterprises uses AI, the gap in points is wider")
    assert "its gap was wider" not in text and "where and when" not in text.lower()
    assert "the data do not show that a country's gap changes this way as its own adoption rises" in text
    if within == 0:   # slope −0.08, 95 % CI −0.53 to 0.36: no direction is claimed
        assert "Within countries (country and year effects), the data show no clear link" in text
        assert "not clearly different from zero" in text
    else:
        assert "in the years a country's adoption was higher its gap was narrower" in text


def test_within_positive_is_said() -> None:
    slopes = ad.panel_slopes(between_within_panel(3.0))
    text = ad.panel_sentence(slopes)
    assert "in the years a country's adoption was higher its gap was wider" in text
    assert "holds between countries and within them" in text
    t = ad.slopes_table(slopes)
    assert list(t.columns)[:4] == ["Design", "Sample", "Slope (pp per point)", "Clustered SE"]
    assert t["p-value"].iloc[1] == "< 0.001"


# ------------------------------------------------------------------------------------------------ figures
def test_chapter_figures_draw_and_carry_alt_text(widen_pp_fall_or: pd.DataFrame) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    f = widen_pp_fall_or
    gaps = ad.size_gap(f, "10-249", "GE250", "E_AI_TANY", 2024)
    change = ad.gap_change(f, 2023, 2024)
    made = [ad.figure_share_by_size(f, gaps, "AT", 2024, "E_AI_TANY", ("10-249", "GE250")),
            ad.figure_trend(ad.adoption_series(f, "E_AI_TANY", "AT", ad.SIZE_CLASSES), "AT", "E_AI_TANY", "10-249",
                            "GE250"),
            ad.figure_target(ad.target_path(f, "EU27_2020"), "EU27_2020"),
            ad.figure_gap_by_country(gaps, "AT", "EU27_2020", 2024, "E_AI_TANY", "10-249", "GE250"),
            ad.figure_gap_change(change, "AT", "EU27_2020", 2023, 2024, "E_AI_TANY")]
    for fig, data, meta in made:
        assert set(meta) == {"name", "source", "unit", "notes", "alt"} and meta["alt"].endswith(".")
        assert not data.empty
        plt.close(fig)
    alt = made[3][2]["alt"]
    assert alt.startswith("Bar chart: gap in percentage points between large enterprises and SMEs by country, 2024.")
    assert "Austria 35.0 pp" in alt and "Bulgaria 35.0 pp" in alt   # names, not codes
    assert "not counted in the text (Bulgaria)." in made[4][2]["notes"]
    assert made[4][0].axes[0].get_title().startswith("2023–2024, like for like: the gap in points widened in 1 of 2")


def test_panel_sentence_with_one_survey_year_makes_no_within_claim() -> None:
    one = between_within_panel(3.0)
    one = one.loc[one["year"] == 2024]
    slopes = ad.panel_slopes(one)
    assert slopes.set_index(["design", "sample"]).loc[("within", "all years"), "slope"] != \
        slopes.set_index(["design", "sample"]).loc[("within", "all years"), "slope"]   # NaN: not estimable
    text = ad.panel_sentence(slopes)
    assert "Within countries the slope cannot be estimated: there is one survey year per country." in text
    assert "its gap was wider" not in text
    assert ad.slopes_table(slopes)["Slope (pp per point)"].iloc[2] == "n/a"
    assert "too few survey years" in ad.panel_title(slopes)


def test_a_geo_with_its_own_break_is_not_called_a_change(widen_pp_fall_or: pd.DataFrame) -> None:
    c = ad.gap_change(widen_pp_fall_or, 2023, 2024)
    text = ad.closing_sentence(c, 2023, 2024, reference="BG")
    assert text.startswith("Between 2023 and 2024 the gap of Bulgaria went from 20.0 to 35.0 pp, but Eurostat flags a "
                           "break in series (b) in 2024: the two years are not like for like for it")
    assert "Bulgaria widened" not in text and "the gap of Bulgaria widened" not in text
    assert ad.odds_sentence(c, 2023, 2024, "BG").endswith("Not like for like: Eurostat break in series (b) in 2024.")
    assert "Not like for like" not in ad.odds_sentence(c, 2023, 2024, "AT")


def test_trend_sentence_starts_after_a_series_break() -> None:
    T = "E_AI_TANY"
    f = rows((T, "10-249", "FR", 2021, 6.0, ""), (T, "GE250", "FR", 2021, 31.0, ""),
             (T, "10-249", "FR", 2023, 5.4, "b"), (T, "GE250", "FR", 2023, 20.9, "b"),
             (T, "10-249", "FR", 2024, 9.3, ""), (T, "GE250", "FR", 2024, 32.7, ""))
    text = ad.trend_sentence(ad.adoption_series(f, T, "FR", ad.SIZE_CLASSES), "FR", T, "10-249", "GE250")
    assert text.startswith("Like for like, between 2023 and 2024 (Eurostat flags a break in series in 2023, so earlier "
                           "years are not compared) the share of large (250+) enterprises")
    assert "from 20.9 % to 32.7 %" in text and "2021" not in text
    two = f.loc[f["year"] != 2024]
    assert "fewer than two comparable survey years before 2025 for any AI technology (Eurostat flags a break in " \
           "series in 2023)" in ad.trend_sentence(ad.adoption_series(two, T, "FR", ad.SIZE_CLASSES), "FR", T,
                                                  "10-249", "GE250")


def test_closing_picks_like_for_like_then_the_break(widen_pp_fall_or: pd.DataFrame) -> None:
    cl = ad.closing(widen_pp_fall_or, "EU27_2020", 2025)
    assert (cl.pair, cl.step) == ((2023, 2024), (2024, 2025))
    assert cl.texts["closing"].startswith("Like for like, between 2023 and 2024")
    assert "not like for like" in cl.texts["break"] and "2024 to 2025" in cl.texts["break"]
    at2024 = ad.closing(widen_pp_fall_or, "EU27_2020", 2024)
    assert (at2024.pair, at2024.step, at2024.texts["break"]) == ((2023, 2024), None, "")
    only = ad.closing(widen_pp_fall_or.loc[widen_pp_fall_or["year"] == 2025], "EU27_2020", 2025)
    assert only.pair is None and only.change is None
    assert only.texts["closing"] == ("The EU27 has no two survey years up to 2025 without a break between them: no "
                                     "like-for-like change to show.")
    assert ad.odds_caption(2023, 2024).endswith("like for like: EU27 and member states")
    assert ad.odds_caption(2024, 2025).endswith("across the 2025 questionnaire change, not like for like")
