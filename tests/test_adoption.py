"""The SME AI-adoption gap (analysis.adoption): gaps, ranks, changes, barriers, the panel model, parameters."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from _frames import ai_rows  # noqa: E402

from analysis import adoption as ad
from analysis.params import ParameterError, validate

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
def test_notebook_headline_holds_the_strategy_figures() -> None:
    nb = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    headline = [c for c in nb["cells"] if c["cell_type"] == "code"
                and "".join(c["source"]).lstrip().startswith("# NBVAL_CHECK_OUTPUT")]
    assert headline, "no headline cell"
    text = "".join("".join(o.get("text", "")) for c in headline for o in c["outputs"])
    assert "all (GE10) 13.48 %" in text and "SMEs (10-249) 12.64 %" in text
    assert "match: True" in text
    params_cell = next(c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", []))
    assert 'geo = "EU27_2020"' in "".join(params_cell["source"])


@pytest.mark.integration
def test_cli_rejects_unknown_geo_and_year(processed: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from analysis.__main__ import main

    assert main(["run", "sme_adoption_gap", "-p", "geo", "XX"]) == 1
    err = capsys.readouterr().err
    assert "geo='XX' is not valid; choose one of:" in err and "DK" in err and "EU27_2020" in err
    assert main(["run", "sme_adoption_gap", "-p", "year", "2022"]) == 1
    assert "year=2022 is not valid; choose one of: 2021, 2023, 2024, 2025" in capsys.readouterr().err
