"""Tests written against the surviving mutants of ``make mutate`` (analysis.chapters.dialogues, issue 16).

Each test runs the package code on a tiny hand-made frame whose answer is worked out by hand in the comments (never
with the function under test): the filters of every input, the direction of every comparison a sentence makes,
values on a threshold, numbers that round half away from zero, flags carried, and the words and numbers of every
figure's title, axis labels and legend.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
import pandera.errors
import pytest

from analysis.chapters import dialogues as dl

matplotlib.use("Agg")

ROOT = Path(__file__).resolve().parents[1]
STRATEGY = ROOT / "data" / "raw" / "strategy"


# ------------------------------------------------------------------------------------------ tiny frames
def text_csv(name: str) -> pd.DataFrame:
    """A committed strategy table read as text, as ``process.load`` returns it."""
    return pd.read_csv(STRATEGY / name, dtype=str, keep_default_na=False)


def dialogues() -> pd.DataFrame:
    """Four sectoral dialogues (two open, two expert-only) and one high-level one, sizes chosen for hand sums."""
    return pd.DataFrame({
        "dialogue_id": ["D1", "D2", "D3", "D4", "H1"],
        "level": ["sectoral", "sectoral", "sectoral", "sectoral", "high-level"],
        "sectors_fr": ["Alpha", "Alpha", "Beta", "Gamma", "alpha et beta"],
        "sectors_en": ["Alpha", "Alpha", "Beta", "Gamma", "Alpha and beta"],
        "date": pd.to_datetime(["2024-12-20", "2025-03-01", "2025-05-15", "2025-09-30", "2025-07-01"]),
        "format": ["open", "open", "experts", "experts", "high-level-open"],
        "participants": [300, 100, 20, 40, 1000],
        "participants_approx": [True, True, True, False, True],
    })


def sector_map() -> pd.DataFrame:
    """Three sectors, each its own Annex 3 area; gamma has no code under the primary mapping."""
    return pd.DataFrame({
        "sector": ["alpha", "beta", "gamma"], "sector_en": ["Alpha", "Beta", "Gamma"],
        "annex1_sector_fr": ["Alpha", "Beta", "Gamma"], "annex1_high_level_fr": ["alpha", "beta", ""],
        "annex3_area_fr": ["X", "Y", "Z"],
        "nace_primary": ["J", "H", ""], "comparable_primary": [True, True, False],
        "reason_primary": ["media are J", "transport is H", "no activity"],
        "nace_alternative": ["J", "", ""], "comparable_alternative": [True, False, False],
        "reason_alternative": ["media are J", "no code", "no activity"],
    })


def actions() -> pd.DataFrame:
    """Five actions: area X 2 (1 flagship), Y 1, W (cross-cutting) 2 flagships; one year-only, one open-ended."""
    return pd.DataFrame({
        "action_id": ["A1", "A2", "A3", "A4", "A5"],
        "area_fr": ["X", "X", "Y", "W", "W"],
        "area_en": ["Area X", "Area X", "Area Y", "Area W", "Area W"],
        "kind": ["flagship", "other", "other", "flagship", "flagship"],
        "deadline_text": ["T4 2025", "2026", "A partir du T1 2026", "T1 2026", "T2 2026"],
        "deadline_year": [2025, 2026, 2026, 2026, 2026],
        "deadline_quarter": pd.array([4, pd.NA, 1, 1, 2], dtype="Int64"),
        "open_ended": [False, False, True, False, False],
    })


def ai_frame() -> pd.DataFrame:
    """isoc_eb_ain2 rows: the wanted series (J, H, all activities) plus one row failing each filter."""
    base = {"dataset": "isoc_eb_ain2", "indicator": "E_AI_TANY", "unit": "PC_ENT", "size_class": "GE10",
            "geo": "EU27_2020", "flag": ""}
    rows = [
        {**base, "nace": "J", "year": 2025, "value": 50.0, "flag": "u"},
        {**base, "nace": "H", "year": 2025, "value": 10.0},
        {**base, "nace": "H", "year": 2024, "value": 8.0},
        {**base, "nace": "C10-S951_X_K", "year": 2025, "value": 20.0},
        {**base, "nace": "J", "year": 2024, "value": 40.0},
        {**base, "dataset": "isoc_eb_ai", "nace": "F", "year": 2023, "value": 1.0},
        {**base, "indicator": "E_AI_TX", "nace": "F", "year": 2025, "value": 2.0},
        {**base, "unit": "PC_ENT_AI", "nace": "F", "year": 2025, "value": 3.0},
        {**base, "size_class": "10-49", "nace": "F", "year": 2025, "value": 4.0},
        {**base, "geo": "DE", "nace": "F", "year": 2021, "value": 5.0},
    ]
    return pd.DataFrame(rows)


# ------------------------------------------------------------------------------------------ inputs
def test_prepare_dialogues_types_the_text_table() -> None:
    d = dl.prepare_dialogues(text_csv("dialogues.csv"))
    first = d.iloc[0]  # D01: 5 Feb 2025, "Environ 400", seed line 48
    assert first["date"] == pd.Timestamp("2025-02-05") and first["participants"] == 400
    assert first["participants_approx"] is True or first["participants_approx"] == np.True_
    assert first["seed_line"] == 48
    assert d["participants"].dtype == "int64" and d["seed_line"].dtype == "int64"
    assert d["participants_approx"].dtype == bool and str(d["date"].dtype).startswith("datetime64")


def test_prepare_actions_keeps_year_only_targets_missing() -> None:
    raw = text_csv("actions.csv")
    a = dl.prepare_actions(raw)
    assert a["deadline_year"].dtype == "int64" and a["seed_line"].dtype == "int64"
    assert str(a["deadline_quarter"].dtype) == "Int64" and a["open_ended"].dtype == bool
    year_only = raw["deadline_quarter"] == ""
    assert a.loc[year_only, "deadline_quarter"].isna().all() and year_only.any()  # missing, not 0
    assert a.loc[~year_only, "deadline_quarter"].astype(int).tolist() == raw.loc[~year_only, "deadline_quarter"] \
        .astype(int).tolist()
    assert a.iloc[0]["deadline_year"] == 2027 and a.iloc[0]["deadline_quarter"] == 2  # A001: T2 2027
    assert a["open_ended"].sum() == (raw["open_ended"] == "true").sum()


def test_prepare_sector_map_reads_true_false_text() -> None:
    raw = text_csv(dl.SECTOR_MAP_FILE)
    raw["comparable_primary"] = raw["comparable_primary"].str.capitalize()  # "True"/"False" as process writes
    m = dl.prepare_sector_map(raw)
    assert m["comparable_primary"].dtype == bool
    assert m["comparable_primary"].tolist() == (raw["nace_primary"] != "").tolist()
    assert m["comparable_alternative"].tolist() == (raw["nace_alternative"] != "").tolist()
    with pytest.raises(ValueError, match="expected true/false, got \\['maybe'\\]"):
        dl.prepare_sector_map(raw.assign(comparable_primary="maybe"))


def test_sector_adoption_applies_every_filter_and_sorts() -> None:
    s = dl.sector_adoption(ai_frame())
    # only the five wanted rows, sorted by nace then year
    assert s.columns.tolist() == ["nace", "year", "value", "flag"]
    assert s[["nace", "year"]].values.tolist() == [["C10-S951_X_K", 2025], ["H", 2024], ["H", 2025],
                                                   ["J", 2024], ["J", 2025]]
    assert s["flag"].tolist() == ["", "", "", "", "u"]
    de = dl.sector_adoption(ai_frame(), geo="DE")
    assert de["value"].tolist() == [5.0]


def test_adoption_years_and_resolve_year() -> None:
    # isoc_eb_ain2 years of any geo / activity: 2021 (DE), 2024, 2025; 2023 is another dataset
    assert dl.adoption_years(ai_frame()) == [2021, 2024, 2025]
    assert dl.resolve_year(ai_frame(), None) == 2025
    assert dl.resolve_year(ai_frame(), 2024) == 2024
    with pytest.raises(ValueError, match=r"year 2023 not in isoc_eb_ain2; years: \[2021, 2024, 2025\]"):
        dl.resolve_year(ai_frame(), 2023)
    with pytest.raises(ValueError, match="no isoc_eb_ain2 rows"):
        dl.resolve_year(ai_frame().iloc[5:6], None)


def test_to_bool_is_strict_and_trims() -> None:
    assert dl._to_bool(pd.Series([" TRUE ", "false"], name="c")).tolist() == [True, False]
    with pytest.raises(ValueError, match="column 'c': expected true/false, got \\['1'\\]"):
        dl._to_bool(pd.Series(["true", "1"], name="c"))


# ------------------------------------------------------------------------------------------ bands, totals
def test_band_on_the_threshold_and_totals_by_level() -> None:
    # band 0.25: 300 -> 225..375, 100 -> 75..125, 20 -> 15..25, 40 exact, 1000 -> 750..1250
    tot = dl.totals(dialogues(), 0.25).set_index("level")
    assert tot.index.tolist() == ["sectoral", "high-level", "all"]
    assert tot.loc["sectoral"].tolist() == [4, 460, 355.0, 565.0]
    assert tot.loc["high-level"].tolist() == [1, 1000, 750.0, 1250.0]
    assert tot.loc["all"].tolist() == [5, 1460, 1105.0, 1815.0]
    assert tot["dialogues"].dtype == "int64" and tot["participants"].dtype == "int64"
    band = dl.participant_band(pd.Series([10]), pd.Series([True]), 0.999)
    assert band.iloc[0].tolist() == pytest.approx([0.01, 19.99])


def test_totals_texts_and_headline_by_hand() -> None:
    t = dl.totals_texts(dialogues(), actions(), 0.25)
    assert t == {
        "n_dialogues": "5", "n_sectoral": "4", "n_high": "1", "n_approx": "4",
        "participants_all": "1,460", "participants_sectoral": "460", "participants_high": "1,000",
        "participants_low": "1,105", "participants_high_end": "1,815", "band_pct": "25",
        "n_actions": "5", "n_flagship": "3", "n_other": "2",
    }
    # no high-level dialogue at all: its count is 0, not an error
    sec = dl.totals_texts(dialogues().iloc[:4], actions(), 0.0)
    assert (sec["n_high"], sec["participants_high"], sec["participants_all"]) == ("0", "0", "460")
    assert dl.headline_totals(dialogues(), actions(), 0.25) == [
        "Dialogues: 5 (4 sectoral + 1 high-level)",
        "Participants as stated: 1460 (sectoral 460, high-level 1000); band ±25 %: 1105-1815",
        "Actions: 5 = 3 flagship + 2 other",
    ]
    none = dl.totals_texts(dialogues(), actions().iloc[0:0].assign(kind=pd.Series(dtype=str)), 0.1)
    assert (none["n_flagship"], none["n_other"]) == ("0", "0")


# ------------------------------------------------------------------------------------------ open vs experts
def test_format_glm_rate_ratio_is_the_ratio_of_group_means() -> None:
    # NB2 with one binary regressor: fitted means = group means, so the rate ratio = 250 / 25 = 10 exactly;
    # the high-level dialogue (5000) is left out; the Wald interval is symmetric on the log scale.
    d = pd.DataFrame({"dialogue_id": list("abcdefghi"), "level": ["sectoral"] * 8 + ["high-level"],
                      "format": ["open"] * 4 + ["experts"] * 4 + ["high-level-open"],
                      "participants": [100, 300, 200, 400, 10, 30, 20, 40, 5000]})
    g = dl.format_glm(d)
    assert g["rate_ratio"] == pytest.approx(10.0, rel=1e-6)
    assert g["low"] < 10 < g["high"] and np.sqrt(g["low"] * g["high"]) == pytest.approx(10.0, rel=1e-4)
    assert g["n"] == 8 and g["converged"] and g["alpha"] > 0 and 0 < g["p"] < 0.05


def test_open_vs_experts_direction_medians_and_means() -> None:
    # sectoral only: open 300, 100 (median 200, mean 200); experts 20, 40 (median 30, mean 30)
    res = dl.open_vs_experts(dialogues(), 0.25)
    assert (res["n_open"], res["n_experts"]) == (2, 2)
    assert (res["median_open"], res["median_experts"]) == (200.0, 30.0)
    assert res["median_ratio"] == pytest.approx(200 / 30) and res["mean_ratio"] == pytest.approx(200 / 30)
    # U counts open > expert pairs: 4 of 4; r = 2·4/4 − 1 = 1; exact p two-sided = 2 / C(4, 2) = 1/3
    assert res["u"] == 4.0 and res["rank_biserial"] == 1.0
    assert res["p_exact"] == pytest.approx(1 / 3) and res["p_permutation"] == pytest.approx(1 / 3)
    # band 0.25: smallest open low end 75 > largest expert high end 40 (exact): separated
    assert res["separated_within_band"] is True
    # open low end exactly on the expert high end is not "exceeds": 100·(1−b) = 40 at b = 0.6
    assert dl.open_vs_experts(dialogues(), 0.6)["separated_within_band"] is False
    # reversed sizes: U = 0, r = −1
    rev = dialogues().assign(participants=[20, 40, 300, 100, 1000])
    r = dl.open_vs_experts(rev, 0.0)
    assert r["u"] == 0.0 and r["rank_biserial"] == -1.0 and r["median_ratio"] == pytest.approx(30 / 200)
    with pytest.raises(ValueError, match="both formats"):
        dl.open_vs_experts(dialogues().assign(format="open"))


def test_open_vs_experts_permutation_p_with_ties_by_hand() -> None:
    # open (30, 20), experts (20, 10): U = 1 (30>20) + 1 (30>10) + 0.5 (20=20) + 1 (20>10) = 3.5 of 4.
    # The 6 splits of {30, 20, 20, 10} give U = 3.5, 3.5, 2, 2, 0.5, 0.5 (mean 2): |U − 2| >= 1.5 in 4 of 6.
    d = pd.DataFrame({"dialogue_id": list("abcd"), "level": "sectoral", "format": ["open", "open", "experts",
                      "experts"], "participants": [30, 20, 20, 10], "participants_approx": False})
    res = dl.open_vs_experts(d)
    assert res["u"] == 3.5 and res["p_permutation"] == pytest.approx(4 / 6)
    assert res["rank_biserial"] == pytest.approx(0.75)


def test_open_experts_headline_lines() -> None:
    ove = {"n_open": 3, "n_experts": 2, "median_open": 200.0, "median_experts": 15.25, "median_ratio": 13.115,
           "u": 6.0, "p_exact": 0.2, "p_permutation": 0.00041, "rank_biserial": 1.0, "separated_within_band": True}
    glm = {"rate_ratio": 13.125, "low": 8.005, "high": 21.455, "alpha": 0.235, "n": 5}
    assert dl.headline_open_experts(ove, glm, 0.1) == [
        "Open (n = 3) vs experts only (n = 2): medians 200 vs 15.3 participants, ratio 13.12",
        "Mann-Whitney U = 6, exact two-sided p = 2.00e-01 (permutation p = 4.10e-04); rank-biserial r = 1.00; "
        "separation within ±10 % band: True",
        "Negative binomial: rate ratio open/experts 13.13 (95 % CI 8.01-21.46), alpha 0.24, n = 5",
    ]
    t = dl.open_experts_texts({**ove, "rank_biserial": 0.0}, glm)
    assert t["separation_sentence"] == "Neither format's dialogues were generally larger"
    assert (t["n_open"], t["n_experts"], t["median_open"], t["median_experts"], t["mw_u"], t["rank_biserial"],
            t["separated"], t["glm_alpha"]) == ("3", "2", "200", "15.3", "6", "0.00", "still holds", "0.24")
    assert t["n_splits"] == "10"  # C(5, 2)


# ------------------------------------------------------------------------------------------ per-sector / format
def test_participation_by_format_sums_medians_and_extremes() -> None:
    by = dl.participation_by_format(dialogues(), 0.25, False)
    assert by.columns.tolist() == ["format", "format_en", "dialogues", "participants", "participants_low",
                                   "participants_high", "median", "min", "max"]
    assert by.values.tolist() == [
        ["open", "Open to all", 2, 400, 300.0, 500.0, 200.0, 100, 300],
        ["experts", "Experts only", 2, 60, 55.0, 65.0, 30.0, 20, 40],
    ]
    both = dl.participation_by_format(dialogues(), 0.25, True).set_index("format")
    assert both.at["high-level-open", "participants_low"] == 750.0
    tab = dl.format_table(both.reset_index())
    assert tab.columns.tolist() == ["Format", "Dialogues", "Participants (sum)", "Band", "Median per dialogue",
                                    "Smallest–largest"]
    assert tab.values.tolist()[0] == ["Open to all", "2", "≈ 400", "300–500", "200.0", "100–300"]
    assert tab.values.tolist()[2][:4] == ["High-level: DGs and open to the public", "1", "≈ 1,000", "750–1,250"]


def test_assign_and_participation_by_sector_by_hand() -> None:
    m = sector_map()
    a = dl.assign_dialogues(dialogues(), m, 0.25, True)
    # H1 (1000, ±25 %) shared by alpha and beta: 500 each, band 375..625
    h = a[a["dialogue_id"] == "H1"].set_index("sector")
    assert h["share"].tolist() == [0.5, 0.5] and h["participants"].tolist() == [500.0, 500.0]
    assert h["participants_low"].tolist() == [375.0, 375.0] and h["participants_high"].tolist() == [625.0, 625.0]
    assert h["level"].tolist() == ["high-level"] * 2 and h["format"].tolist() == ["high-level-open"] * 2
    by = dl.participation_by_sector(a, m).set_index("sector")
    # alpha: D1 300 + D2 100 + 500 = 900 (2 open + the high-level share), 3 distinct dialogues
    assert by.at["alpha", "participants"] == 900.0 and by.at["alpha", "dialogues"] == 3
    assert by.at["alpha", "participants_low"] == 225 + 75 + 375 and by.at["alpha", "participants_open"] == 400.0
    assert by.at["gamma", "participants_experts"] == 40.0 and by.at["gamma", "participants_high"] == 40.0
    assert [c for c in by.columns if c.startswith("participants_") and c not in ("participants_low",
            "participants_high")] == ["participants_open", "participants_experts", "participants_high-level-open"]
    # a sector without any dialogue keeps its row with zeros
    m4 = pd.concat([m, m.iloc[[2]].assign(sector="delta", sector_en="Delta", annex1_sector_fr="Delta")])
    by4 = dl.participation_by_sector(dl.assign_dialogues(dialogues(), m4, 0.25, False), m4).set_index("sector")
    assert by4.loc["delta", ["dialogues", "participants", "participants_open"]].tolist() == [0, 0.0, 0.0]
    assert by4["dialogues"].dtype == "int64"


def test_high_level_terms_must_cover_every_word() -> None:
    view = dl.mapping_view(sector_map(), "primary")
    assert dl._high_level_sectors("alpha, beta et alpha", view) == ["alpha", "beta"]
    with pytest.raises(ValueError, match="left: 'gamma'"):
        dl._high_level_sectors("alpha et gamma", view)
    with pytest.raises(ValueError, match="left: ''"):
        dl._high_level_sectors(" et ", view)  # nothing named at all


def test_sector_participation_texts_top_two_and_expert_only_range() -> None:
    m = sector_map()
    by = dl.participation_by_sector(dl.assign_dialogues(dialogues(), m, 0.1, False), m)
    t = dl.sector_participation_texts(by, False)
    # alpha 400 (open), gamma 40 and beta 20 (experts only)
    assert (t["top1_sector"], t["top1_n"], t["top2_sector"], t["top2_n"]) == ("Alpha", "400", "Gamma", "40")
    assert (t["n_expert_only_sectors"], t["expert_only_range"]) == ("2", "20–40")
    assert t["hl_note"].startswith("are left out")
    assert dl.sector_participation_texts(by, True)["hl_note"].startswith("are included, their attendance shared")
    # without an open column every sector with a dialogue counts as expert-only; none → "–"
    no_open = by.drop(columns="participants_open")
    assert dl.sector_participation_texts(no_open, False)["n_expert_only_sectors"] == "3"
    assert dl.sector_participation_texts(by.assign(dialogues=0), False)["expert_only_range"] == "–"
    # half away from zero: 40.5 -> 41
    half = by.assign(participants=[400.0, 20.0, 40.5])
    assert dl.sector_participation_texts(half, False)["top2_n"] == "41"


# ------------------------------------------------------------------------------------------ units and sector table
def test_sector_units_order_unknown_areas_last_and_single_reasons() -> None:
    units = dl.sector_units(sector_map(), "primary")
    assert units["unit"].tolist() == ["alpha", "beta", "gamma"]
    assert units["reason"].tolist() == ["media are J", "transport is H", "no activity"]
    assert units["nace"].tolist() == ["J", "H", ""] and units["comparable"].tolist() == [True, True, False]
    assert units["sectors"].tolist() == [["alpha"], ["beta"], ["gamma"]]
    # two sectors in one area with the same code: comparable, reasons prefixed with the names, no warning
    m = sector_map().assign(annex3_area_fr=["X", "X", ""], nace_primary=["J", "J", ""])
    u = dl.sector_units(m, "primary")
    assert u["unit"].tolist() == ["alpha+beta", "gamma"] and u["comparable"].tolist() == [True, False]
    assert u.at[0, "reason"] == "Alpha: media are J; Beta: transport is H" and u.at[0, "nace"] == "J"
    assert u.at[1, "annex3_area_fr"] == ""


def test_sector_table_carries_flags_and_status_by_year() -> None:
    m = sector_map()
    adop = dl.sector_adoption(ai_frame())
    st = dl.sector_table(dl.assign_dialogues(dialogues(), m, 0.25, False), actions(), m, adop, "primary", 2025)
    st = st.set_index("unit")
    assert st.loc["alpha", ["adoption", "flag", "status", "nace"]].tolist() == [50.0, "u", "comparable", "J"]
    assert st.loc["beta", ["adoption", "flag", "status"]].tolist() == [10.0, "", "comparable"]
    assert st.at["gamma", "status"] == "not comparable" and np.isnan(st.at["gamma", "adoption"])
    assert st.loc["alpha", ["dialogues", "participants", "participants_low", "participants_high"]].tolist() == [
        2, 400.0, 300.0, 500.0]
    assert st.loc["alpha", ["flagship", "other", "actions"]].tolist() == [1, 1, 2]
    assert st.loc["gamma", ["flagship", "other", "actions", "dialogues"]].tolist() == [0, 0, 0, 1]
    assert st.at["gamma", "area_en"] == "Gamma"  # an area without actions is named by its sectors
    assert (st["year"] == 2025).all() and st.at["alpha", "area_en"] == "Area X"
    old = dl.sector_table(dl.assign_dialogues(dialogues(), m, 0.25, False), actions(), m, adop, "primary", 2024)
    assert old.set_index("unit").loc["alpha", ["adoption", "flag"]].tolist() == [40.0, ""]


# ------------------------------------------------------------------------------------------ correlations
def test_spearman_rows_with_ties_by_hand() -> None:
    # x = (1, 2, 2, 3) ranks (1, 2.5, 2.5, 4); y = (1, 2, 3, 4): centred (−1.5, 0, 0, 1.5) and (−1.5, −.5, .5, 1.5)
    # rho = (2.25 + 2.25) / sqrt(4.5 · 5) = 4.5 / sqrt(22.5)
    assert dl.spearman([1, 2, 2, 3], [1, 2, 3, 4]) == pytest.approx(4.5 / np.sqrt(22.5))
    assert np.isnan(dl.spearman([5, 5, 5], [1, 2, 3]))
    rows = dl._spearman_rows(np.array([[1.0, 2, 3], [1, 2, 3]]), np.array([[1.0, 2, 3], [3, 2, 1]]))
    assert rows.tolist() == pytest.approx([1.0, -1.0])


def test_exact_permutation_p_three_points_and_ties_of_rho() -> None:
    # n = 3: rho of the 6 pairings of y = (1, 2, 3) with x = (1, 2, 3): 1, .5, .5, −.5, −.5, −1.
    # observed (1, 3, 2): rho = 0.5, every |rho| >= 0.5: p = 6/6 (tolerance keeps the ties of rho)
    p, k = dl.exact_permutation_p([1, 2, 3], [1, 3, 2])
    assert (p, k) == (1.0, 6)
    assert dl.exact_permutation_p([1, 2, 3], [3, 2, 1]) == (2 / 6, 6)
    # the observed rho of 8 points is still enumerated (8! = 40,320 pairings)
    res = dl.spearman_test(list(range(8)), list(range(8)))
    assert res["exact"] and res["permutations"] == 40320 and res["p"] == pytest.approx(2 / 40320)
    # max_n lowers the limit: 4 points above max_n = 3 get no test
    assert dl.spearman_test([1, 2, 3, 4], [1, 2, 4, 3], max_n=3)["permutations"] == 0
    # three points are enough for a test; a constant side gives no rho and no test
    assert dl.spearman_test([1, 2, 3], [3, 2, 1])["exact"]
    flat = dl.spearman_test([1, 2, 3], [2, 2, 2])
    assert np.isnan(flat["rho"]) and flat["permutations"] == 0 and flat["n"] == 3
    with pytest.raises(ValueError, match="1-D"):
        dl.spearman_test(np.ones((2, 3)), np.ones((2, 3)))


def test_sector_correlations_use_the_right_units() -> None:
    st = pd.DataFrame({
        "unit": list("abcd"), "participants": [10.0, 20.0, 30.0, 40.0], "actions": [1, 2, 3, 5],
        "adoption": [5.0, 4.0, 3.0, np.nan], "status": ["comparable"] * 3 + ["not comparable"],
    })
    c = dl.sector_correlations(st).set_index(["x", "y"])
    pa_ = c.loc[("participants", "actions")]
    assert pa_["units"] == "a, b, c, d" and pa_["n"] == 4 and pa_["rho"] == pytest.approx(1.0)
    assert pa_["p"] == pytest.approx(2 / 24) and pa_["permutations"] == 24 and bool(pa_["exact"])
    pad = c.loc[("participants", "adoption")]
    assert pad["units"] == "a, b, c" and pad["n"] == 3 and pad["rho"] == pytest.approx(-1.0)
    assert "opposite order" in pad["reading"] and "6 pairings" in pad["reading"]
    lines = dl.headline_correlations(c.reset_index(), "primary")
    assert lines[0] == ("Spearman participants vs actions (primary mapping, n = 4): rho = 1.00, exact permutation "
                        "p = 0.083 (24 pairings)")
    no = c.reset_index().assign(exact=False)
    assert dl.headline_correlations(no, "alternative")[2].endswith("rho = -1.00, no test")


def test_describe_rho_on_the_weak_threshold_and_words() -> None:
    # |rho| = 0.1 exactly is not "practically unrelated" (< 0.1 is)
    on = dl.describe_rho(0.1, 5, 1.0)
    assert "the areas rank partly in the same order" in on and "practically" not in on
    assert "practically unrelated" in dl.describe_rho(-0.099, 5, 1.0)
    assert "the two rankings are unrelated" in dl.describe_rho(0.0, 5, 1.0)
    assert dl.describe_rho(-0.5, 4, 0.5) == ("Spearman ρ = -0.50 on 4 points: the areas rank partly in the opposite "
                                             "order (exact permutation p = 0.500, all 24 pairings); description, "
                                             "not evidence of a link")
    assert dl.describe_rho(0.305, 9) == ("Spearman ρ = 0.31 on 9 points: the areas rank partly in the same order "
                                         "(no test: above 8 points the 9! pairings are not enumerated); "
                                         "description, not evidence of a link")
    assert dl.describe_rho(float("nan"), 2) == ("no rank correlation can be computed on these 2 points (one side is "
                                                "constant or n < 3)")
    assert dl.rho_direction(float("nan")) == "no order" and dl.rho_direction(0.0) == "no order"
    assert dl.rho_direction(-1e-9) == "opposite order" and dl.rho_direction(1e-9) == "same order"


def test_overlapping_band_pairs_touching_ends_overlap() -> None:
    # [0, 10] and [10, 20] touch: an uneven error could swap them; [21, 30] overlaps neither
    assert dl.overlapping_band_pairs(pd.Series([0, 10, 21]), pd.Series([10, 20, 30])) == 1
    assert dl.overlapping_band_pairs(pd.Series([0, 5, 8]), pd.Series([10, 9, 12])) == 3
    assert dl.overlapping_band_pairs(pd.Series([10, 0]), pd.Series([20, 9])) == 0
    assert dl.overlapping_band_pairs(pd.Series([0, 11]), pd.Series([10, 20])) == 0


# ------------------------------------------------------------------------------------------ actions and deadlines
def test_actions_by_area_columns_and_sectoral_flag() -> None:
    from analysis.readers.annexes import SECTORAL_AREAS_FR

    a = actions().assign(area_fr=[SECTORAL_AREAS_FR[0]] * 2 + ["Y", "W", "W"])
    by = dl.actions_by_area(a)
    assert by.columns.tolist() == ["area_fr", "area_en", "sectoral", "flagship", "other", "total"]
    assert by["sectoral"].tolist() == [True, False, False]
    assert by[["area_en", "flagship", "other", "total"]].values.tolist() == [
        ["Area X", 1, 1, 2], ["Area Y", 0, 1, 1], ["Area W", 2, 0, 2]]
    t = dl.action_texts(by)
    # tie Area X / Area W at 2 actions: the annex's order names Area X; Area W has most flagships
    assert t == {"n_areas": "3", "n_sector_areas": "1", "sectoral_actions": "2", "top_area": "Area X",
                 "top_area_n": "2", "top_area_flag": "1", "most_flag_area": "Area W", "most_flag_n": "2"}
    assert dl.alt_actions_by_area(by) == ("Horizontal stacked bars of Annex 3 actions by area, flagship and other: "
                                          "Area X 2 (1 flagship); Area Y 1 (0 flagship); Area W 2 (2 flagship).")


def test_deadline_periods_order_year_only_after_q4() -> None:
    per = dl.deadline_periods(actions())
    assert per["period"].tolist() == ["Q4 2025", "2026 (year only)", "Q1 2026", "Q1 2026", "Q2 2026"]
    assert per["order"].tolist() == pytest.approx([2025.4, 2026.5, 2026.1, 2026.1, 2026.2])
    assert per["label"].tolist() == ["Q4 2025", "2026", "from Q1 2026", "Q1 2026", "Q2 2026"]
    assert per.columns.tolist()[:7] == ["action_id", "area_en", "kind", "deadline_text", "deadline_year",
                                        "deadline_quarter", "open_ended"]


def test_deadlines_by_quarter_full_grid_by_hand() -> None:
    dq = dl.deadlines_by_quarter(actions())
    # 2 years × 4 quarters + "2026 (year only)" = 9 periods × 2 kinds × 2 open-ended = 36 rows
    assert len(dq) == 36 and dq["actions"].sum() == 5
    periods = list(dict.fromkeys(dq["period"]))
    assert periods == ["Q1 2025", "Q2 2025", "Q3 2025", "Q4 2025", "Q1 2026", "Q2 2026", "Q3 2026", "Q4 2026",
                       "2026 (year only)"]
    got = dq[dq["actions"] > 0][["period", "kind", "open_ended", "actions"]].values.tolist()
    assert got == [["Q4 2025", "flagship", False, 1], ["Q1 2026", "flagship", False, 1],
                   ["Q1 2026", "other", True, 1], ["Q2 2026", "flagship", False, 1],
                   ["2026 (year only)", "other", False, 1]]
    first = dq.iloc[0]
    assert (first["year"], first["quarter"], first["order"], first["kind"], first["open_ended"]) == (
        2025, 1, pytest.approx(2025.1), "flagship", False)
    assert dq["year"].dtype == "int64" and str(dq["quarter"].dtype) == "Int64" and dq["actions"].dtype == "int64"
    assert dq[dq["period"] == "2026 (year only)"]["quarter"].isna().all()
    assert dq[dq["period"] == "2026 (year only)"]["order"].iloc[0] == pytest.approx(2026.5)


def test_deadline_texts_peak_and_alt() -> None:
    t = dl.deadline_texts(actions())
    # Q1 2026 has two actions (A3 open-ended, A4): the busiest period
    assert t == {"n_open_ended": "1", "n_year_only": "1", "deadlines_by_year": "1 in 2025, 4 in 2026",
                 "peak_period": "Q1 2026", "peak_n": "2", "first_deadline": "Q4 2025",
                 "last_deadline": "2026 (year only)"}
    assert dl.alt_deadlines(actions()) == (
        "Stacked bars of actions by target quarter, from Q4 2025 to 2026 (year only): 1 in 2025, 4 in 2026; the "
        "busiest period is Q1 2026 with 2 actions; 1 open-ended actions are hatched; 1 give a year only.")


# ------------------------------------------------------------------------------------------ timeline
def test_timeline_texts_by_hand() -> None:
    tl = dl.timeline(dialogues())
    assert tl["dialogue_id"].tolist() == ["D1", "D2", "D3", "H1", "D4"]
    # 20 Dec 2024 -> 8 Oct 2025: 11 + 31 + 28 + 31 + 30 + 31 + 30 + 31 + 31 + 30 + 8 = 292 days; 30 Sep: 8 days
    assert tl["days_before"].tolist() == [292, 221, 146, 99, 8] and tl["days_before"].dtype == "int64"
    t = dl.timeline_texts(tl)
    assert t == {"first_date": "20 December 2024", "first_sector": "Alpha", "gap_days": "71",
                 "last_date": "30 September 2025", "max_days": "292", "min_days": "8",
                 "adoption_date": "8 October 2025", "n_2025": "4", "range_2025": "March–September 2025"}
    one = dl.timeline_texts(tl.iloc[:1])
    assert one["gap_days"] == "0" and one["n_2025"] == "0" and one["range_2025"] == "–"
    assert dl.alt_timeline(tl) == (
        "Timeline of the 5 dialogues, one row per sector, marker size by participants: from 20 December 2024 "
        "(Alpha) to 30 September 2025, 292 to 8 days before the strategy's adoption on 8 October 2025, marked by a "
        "dashed line.")
    later = dl.timeline(dialogues(), pd.Timestamp("2025-10-10"))
    assert later["days_before"].iloc[-1] == 10


# ------------------------------------------------------------------------------------------ flagship adoption
def test_flagship_adoption_flags_of_every_year_and_ties() -> None:
    m = sector_map().assign(nace_primary=["J", "J", ""])  # alpha and beta share J: tied lowest and highest
    adop = dl.sector_adoption(ai_frame())
    fa = dl.flagship_adoption(m, adop, "primary")
    assert fa.columns.tolist() == ["sector", "sector_en", "nace", "reason", "activity", "coverage", "value_2024",
                                   "flag_2024", "value_2025", "flag_2025"]
    assert fa["flag_2025"].tolist() == ["u", "u", ""] and fa["flag_2024"].tolist() == ["", "", ""]
    assert fa["value_2024"].tolist()[:2] == [40.0, 40.0] and np.isnan(fa["value_2024"].iloc[2])
    text = dl.flagship_adoption_sentence(fa, 2025, 50.0)
    # both sectors at 50.0 = the average: neither above nor below
    assert "2 of the strategy's 3 sectors can be measured" in text
    assert "from 50.0 u % in Alpha and Beta (information and communication (J))" in text
    assert "0 lie above and 0 below the 50.0 %" in text
    assert "The survey does not measure Gamma (outside its scope or no matching activity)." in text
    nothing = dl.flagship_adoption_sentence(fa, 2023, float("nan")) if "value_2023" in fa else None
    assert nothing is None
    empty = fa.assign(value_2025=np.nan)
    assert dl.flagship_adoption_sentence(empty, 2025, 50.0).startswith(
        "No sector of the strategy has an adoption value for 2025. The survey does not measure Gamma")
    no_avg = dl.flagship_adoption_sentence(fa, 2025, float("nan"))
    assert "lie above" not in no_avg
    # a flag that is NaN in the data is carried as "" (not "nan")
    adop_nan = adop.assign(flag=[None, None, None, None, "u"])
    assert dl.flagship_adoption(m, adop_nan, "primary")["flag_2024"].tolist() == ["", "", ""]


def test_flagship_table_alt_and_all_activities_flag() -> None:
    fa = dl.flagship_adoption(sector_map(), dl.sector_adoption(ai_frame()), "primary")
    tab = dl.flagship_adoption_table(fa)
    assert tab.values.tolist() == [["Alpha", "information and communication (J)", "40.0", "50.0 u", "covered"],
                                   ["Beta", "transportation and storage (H)", "8.0", "10.0", "covered"],
                                   ["Gamma", "–", "–", "–", "not covered"]]
    alt = dl.flagship_adoption_alt(fa, 2025, float("nan"))
    assert alt == ("Horizontal bar chart of the share of enterprises using AI in 2025, by strategy sector: "
                   "Alpha 50.0 u %; Beta 10.0 %. No bar (not measured): Gamma.")
    full = dl.flagship_adoption_alt(fa.iloc[:2], 2025, 20.0)
    assert full.endswith("No bar (not measured): none. Dashed line: all activities, 20.0 %.")
    flagged = pd.DataFrame({"nace": [dl.NACE_ALL], "year": [2025], "value": [21.0], "flag": ["b"]})
    assert dl.all_activities(flagged, 2025) == (21.0, "b")
    assert dl.all_activities(flagged.assign(flag=[None]), 2025) == (21.0, "")
    assert dl.all_activities(flagged.assign(nace="J"), 2025)[1] == ""


def test_value_and_nace_labels() -> None:
    assert dl.value_text(12.25, "u") == "12.3 u" and dl.value_text(12.25) == "12.3"
    assert dl.value_text(None) == "not available" and dl.value_text(float("nan"), "u") == "not available"
    assert dl.value_text(7, "", 0) == "7"
    assert dl.nace_label("H") == "transportation and storage (H)" and dl.nace_label("Q") == "Q"


# ------------------------------------------------------------------------------------------ reader tables, alt
def test_dialogue_table_and_alt_texts() -> None:
    dt = dl.dialogue_table(dialogues().assign(format=["open", "open", "experts", "experts", "odd"]))
    assert dt.columns.tolist() == ["Level", "Sector(s)", "Date", "Format", "Participants"]
    assert dt.values.tolist()[3] == ["sectoral", "Gamma", "30 September 2025", "Experts only", "40"]
    assert dt["Format"].iloc[4] == "odd" and dt["Participants"].iloc[4] == "≈ 1,000"
    by = dl.participation_by_format(dialogues(), 0.1, False)
    ove = {"median_ratio": 6.65}
    assert dl.alt_format(ove, by) == (
        "Dot plot of participants per dialogue on a log scale, one column per format: Open to all: 2 dialogues, "
        "median 200.0 participants; Experts only: 2 dialogues, median 30.0 participants. The median open dialogue "
        "is 6.7 times the median expert one.")
    m = sector_map()
    bs = dl.participation_by_sector(dl.assign_dialogues(dialogues(), m, 0.1, False), m)
    assert dl.alt_participants_by_sector(bs) == (
        "Horizontal stacked bars of dialogue participants by sector, coloured by format, with the band as "
        "whiskers: Alpha about 400; Gamma about 40; Beta about 20.")
    assert dl._list(list("abc"), 2) == "a; b; and 1 more" and dl._list(list("ab"), 2) == "a; b"


def test_sector_view_table_and_scatter_alt() -> None:
    m = sector_map()
    st = dl.sector_table(dl.assign_dialogues(dialogues(), m, 0.1, False), actions(), m,
                         dl.sector_adoption(ai_frame()), "primary", 2025)
    v = dl.sector_view_table(st, 2025)
    assert v.columns.tolist() == ["Sector area (Annex 3)", "Dialogues", "Participants", "Flagship actions",
                                  "Other actions", "Activity compared (NACE)", "Comparison", "AI adoption 2025 (%)"]
    assert v.values.tolist() == [
        ["Area X", "2", "≈ 400", "1", "1", "information and communication (J)", "comparable", "50.0 u"],
        ["Area Y", "1", "≈ 20", "0", "1", "transportation and storage (H)", "comparable", "10.0"],
        ["Gamma", "1", "≈ 40", "0", "0", "–", "not comparable", "–"]]
    alt = dl.alt_scatter(st.iloc[:2], "actions", "adoption", "R")
    assert alt == ("Scatter plot of AI adoption against Annex 3 actions, one point per sector area (Area X: 2, "
                   "50.0; Area Y: 1, 10.0). R.")


def test_comparison_texts_shared_codes_and_overlaps() -> None:
    st = pd.DataFrame({
        "unit": list("abcd"), "area_en": ["A", "B", "C", "D"], "nace": ["J", "J", "H", ""],
        "status": ["comparable", "comparable", "no value 2025", "not comparable"],
        "participants_low": [0.0, 5.0, 30.0, 100.0], "participants_high": [10.0, 20.0, 40.0, 200.0],
        "participants": [5.0, 10.0, 35.0, 150.0], "actions": [1, 2, 3, 4], "adoption": [1.0, 1.0, np.nan, np.nan],
    })
    corr = pd.DataFrame({"x": ["participants"], "y": ["actions"], "reading": ["R1"]})
    t = dl.comparison_texts(st, corr, "alternative", 2024, 2025)
    assert t["mapping"] == "alternative" and t["adoption_year"] == "2024"
    assert (t["n_units"], t["n_comparable"]) == ("4", "2")
    assert t["not_comparable"] == "C (no value 2025); D"
    assert t["overlap_pairs"] == "1" and t["shared_codes"] == "information and communication (J): 2 areas"
    assert (t["exact_max_n"], t["exact_max_perms"]) == ("8", "40,320") and t["reading_participants_actions"] == "R1"
    one = dl.comparison_texts(st.assign(nace=["J", "H", "H", ""]), corr, "primary", 2025, 2025)
    assert one["shared_codes"] == "none"
    allc = dl.comparison_texts(st.assign(status="comparable"), corr, "primary", 2025, 2025)
    assert allc["not_comparable"] == "none"


def test_unmeasured_actions_sentence_ties_go_to_the_annex_order() -> None:
    st = pd.DataFrame({"area_en": ["Health", "Media"], "actions": [4, 4], "status": ["comparable", "no value 2025"]})
    assert dl.unmeasured_actions_sentence(st) == (
        "4 of the 8 sector actions concern areas without an adoption value (1 of 2 areas); the area with most "
        "actions, Health (4), is measured.")


# ------------------------------------------------------------------------------------------ figures
def _texts(fig) -> dict:  # noqa: ANN001
    ax = fig.axes[0]
    leg = ax.get_legend()
    return {"title": ax.get_title(), "x": ax.get_xlabel(), "y": ax.get_ylabel(),
            "legend": [t.get_text() for t in leg.get_texts()] if leg else [],
            "yticks": [t.get_text() for t in ax.get_yticklabels()],
            "xticks": [t.get_text() for t in ax.get_xticklabels()]}


def test_plot_participants_by_sector_title_and_bars() -> None:
    import matplotlib.pyplot as plt

    m = sector_map()
    bs = dl.participation_by_sector(dl.assign_dialogues(dialogues(), m, 0.1, False), m)
    fig = dl.plot_participants_by_sector(bs, 0.1)
    t = _texts(fig)
    assert t["title"] == "Alpha (≈ 400) and Gamma (≈ 40) drew the most participants"
    assert t["x"] == "participants (persons, as stated: 'about N')"
    assert t["legend"] == ["Open to all", "Experts only", "±10 % band"]
    assert t["yticks"] == ["Beta", "Gamma", "Alpha"]  # ascending, largest on top
    widths = [p.get_width() for p in fig.axes[0].patches]
    assert widths == [0.0, 0.0, 400.0, 20.0, 40.0, 0.0]  # open then experts, stacked
    lefts = [p.get_x() for p in fig.axes[0].patches]
    assert lefts == [0.0, 0.0, 0.0, 0.0, 0.0, 400.0]
    plt.close(fig)


def test_plot_format_title_ticks_and_medians() -> None:
    import matplotlib.pyplot as plt

    by = dl.participation_by_format(dialogues(), 0.1, False)
    ove = {"median_ratio": 6.5, "median_open": 200.0, "median_experts": 30.25}
    fig = dl.plot_format(dialogues(), by, ove, 0.1, False, 1)
    t = _texts(fig)
    assert t["title"] == "Open dialogues were about 7× the size of expert-only ones (medians ≈ 200 vs ≈ 30.3)"
    assert t["xticks"] == ["Open to all\n(n = 2)", "Experts only\n(n = 2)"]
    assert t["y"] == "participants per dialogue (log scale)" and fig.axes[0].get_yscale() == "log"
    lines = fig.axes[0].collections
    segs = [c.get_segments()[0] for c in lines if hasattr(c, "get_segments") and len(c.get_segments()) == 1]
    medians = sorted({float(s[0][1]) for s in segs if s[0][1] == s[1][1]})
    assert 200.0 in medians and 30.0 in medians
    plt.close(fig)


def test_plot_timeline_title_and_rows() -> None:
    import matplotlib.pyplot as plt

    tl = dl.timeline(dialogues())
    fig = dl.plot_timeline(dialogues(), tl)
    t = _texts(fig)
    assert t["title"] == "The dialogues ran 292 to 8 days before the strategy's adoption"
    assert t["yticks"] == ["Alpha", "Beta", "Gamma", "Alpha and beta"]
    assert [x.get_text() for x in fig.axes[0].get_legend().get_texts()] == [
        "Open to all", "Experts only", "High-level: DGs and open to the public"]
    assert fig.axes[0].get_legend().get_title().get_text() == "marker area ∝ participants"
    assert any("strategy adopted\n8 Oct 2025" == x.get_text() for x in fig.axes[0].texts)
    plt.close(fig)


def test_plot_actions_by_area_title() -> None:
    import matplotlib.pyplot as plt

    by = dl.actions_by_area(actions())
    fig = dl.plot_actions_by_area(by)
    t = _texts(fig)
    assert t["title"] == "Area X has the most actions (2); 3 of 5 are flagships"
    assert t["x"] == "actions (count)" and t["legend"] == ["flagship", "other"]
    assert t["yticks"] == ["Area W", "Area Y", "Area X"]
    plt.close(fig)


def test_plot_deadlines_title_and_grid() -> None:
    import matplotlib.pyplot as plt

    fig, dq = dl.plot_deadlines(actions())
    t = _texts(fig)
    assert t["title"] == "Most target dates fall in 2026 (4 of 5); 1 are open-ended"
    # the grid starts at the first quarter with an action (Q4 2025)
    assert t["xticks"] == ["Q4 2025", "Q1 2026", "Q2 2026", "Q3 2026", "Q4 2026", "2026 (year only)"]
    assert dq["order"].min() == pytest.approx(2025.4)
    assert t["legend"][:2] == ["flagship, by this date", "flagship, from this date onwards (open-ended) →"]
    assert t["y"] == "actions (count)"
    assert [x.get_text() for x in fig.axes[0].texts if x.get_text() == "→"] == ["→"]
    assert any(x.get_text() == "adoption\n8 Oct 2025" for x in fig.axes[0].texts)
    plt.close(fig)


def test_plot_flagship_adoption_title_and_labels() -> None:
    import matplotlib.pyplot as plt

    fa = dl.flagship_adoption(sector_map(), dl.sector_adoption(ai_frame()), "primary")
    fig = dl.plot_flagship_adoption(fa, 2025, 20.0)
    t = _texts(fig)
    assert t["title"] == "AI use ranges from 10.0 % to 50.0 % across the 2 measurable sectors"
    assert t["yticks"] == ["Gamma", "Beta", "Alpha"]
    assert t["legend"] == ["2024", "all activities, 20.0 %", "2025"]
    assert t["x"] == "enterprises using AI, 2025 (% of enterprises with 10+ employees, EU27)"
    labels = [x.get_text() for x in fig.axes[0].texts]
    assert labels == ["not measured", "10.0", "50.0 u"]
    plt.close(fig)
    fig = dl.plot_flagship_adoption(fa.assign(value_2025=np.nan), 2025, float("nan"))
    assert fig.axes[0].get_title() == "No sector measured in 2025"
    plt.close(fig)


def test_plot_scatter_axes_and_labels() -> None:
    import matplotlib.pyplot as plt

    m = sector_map()
    st = dl.sector_table(dl.assign_dialogues(dialogues(), m, 0.1, False), actions(), m,
                         dl.sector_adoption(ai_frame()), "primary", 2025)
    fig, ax = plt.subplots()
    dl.plot_scatter(ax, st, "participants", "actions", band=0.1)
    assert ax.get_xscale() == "log" and ax.get_xlabel() == "dialogue participants (about N; log scale)"
    assert sorted(x.get_text() for x in ax.texts) == ["Alpha", "Beta", "Gamma"]
    plt.close(fig)
    fig, ax = plt.subplots()
    dl.plot_scatter(ax, st, "actions", "adoption")
    assert ax.get_xscale() == "linear" and ax.get_xlabel() == "Annex 3 actions (count)"
    plt.close(fig)


def test_label_points_do_not_overprint() -> None:
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    ax.scatter([1, 1, 1], [1, 1, 1])
    dl.label_points(ax, [1, 1, 1], [1, 1, 1], ["first label", "second label", "third label"])
    fig.canvas.draw()
    boxes = [t.get_window_extent(fig.canvas.get_renderer()) for t in ax.texts]
    assert len(boxes) == 3
    assert not any(boxes[i].overlaps(boxes[j]) for i in range(3) for j in range(i + 1, 3))
    offsets = [t.xyann for t in ax.texts]
    assert offsets == [(5, 4), (5, -11), (5, 14)]
    plt.close(fig)


def test_palette_maps_formats_and_kinds() -> None:
    from analysis.core.figures import PALETTE

    formats, kinds = dl._palette()
    assert list(formats) == list(dl.FORMAT_LABELS) and formats["open"] == PALETTE[0]
    assert formats["high-level-representatives"] == PALETTE[3]
    assert kinds == {"flagship": PALETTE[0], "other": PALETTE[1]}


# ------------------------------------------------------------------------------------------ second round (survivors)
def test_separation_sentences_word_for_word() -> None:
    glm = {"rate_ratio": 2.0, "low": 1.0, "high": 4.0, "alpha": 0.1}
    base = {"n_open": 2, "n_experts": 2, "median_open": 20.0, "median_experts": 10.0, "median_ratio": 2.0,
            "u": 3.0, "p_exact": 0.5, "p_permutation": 0.5, "separated_within_band": False}
    words = {0.5: "Open dialogues were mostly larger than expert-only ones",
             -0.5: "Open dialogues were mostly smaller than expert-only ones",
             1.0: "Every open dialogue was larger than every expert-only one",
             -1.0: "Every expert-only dialogue was larger than every open one"}
    for r, sentence in words.items():
        assert dl.open_experts_texts({**base, "rank_biserial": r}, glm)["separation_sentence"] == sentence


def test_open_experts_headline_band_percent_rounds_half_away() -> None:
    ove = {"n_open": 2, "n_experts": 2, "median_open": 20.0, "median_experts": 10.0, "median_ratio": 2.0,
           "u": 3.0, "p_exact": 0.5, "p_permutation": 0.5, "rank_biserial": 0.5, "separated_within_band": False}
    glm = {"rate_ratio": 2.0, "low": 1.0, "high": 4.0, "alpha": 0.1, "n": 4}
    # 100 · 0.125 = 12.5 -> "13"
    assert dl.headline_open_experts(ove, glm, 0.125)[1].endswith("separation within ±13 % band: False")
    assert dl.totals_texts(dialogues(), actions(), 0.125)["band_pct"] == "13"
    assert "band ±13 %" in dl.headline_totals(dialogues(), actions(), 0.125)[1]


def test_alt_actions_by_area_lists_sixteen_areas() -> None:
    n = 17
    by = pd.DataFrame({"area_fr": [f"F{i}" for i in range(n)], "area_en": [f"A{i}" for i in range(n)],
                       "sectoral": False, "flagship": 1, "other": 0, "total": 1})
    alt = dl.alt_actions_by_area(by)
    assert "A15 1 (1 flagship); and 1 more." in alt and "A16" not in alt
    assert "A15 1 (1 flagship)." in dl.alt_actions_by_area(by.iloc[:16])


def test_format_table_band_ends_have_thousands_separators() -> None:
    d = dialogues().assign(participants=[3000, 1000, 20, 40, 1000])  # open: 4,000 ± 25 % = 3,000–5,000
    tab = dl.format_table(dl.participation_by_format(d, 0.25, False))
    assert tab["Band"].tolist() == ["3,000–5,000", "55–65"] and tab["Participants (sum)"].iloc[0] == "≈ 4,000"


def test_resolve_year_message_and_expert_only_counts_with_thousands() -> None:
    with pytest.raises(ValueError, match="^no isoc_eb_ain2 rows in the adoption table$"):
        dl.resolve_year(ai_frame().iloc[5:6], None)
    by = pd.DataFrame({"sector": list("abcd"), "sector_en": ["A", "B", "C", "D"], "dialogues": [1, 1, 1, 0],
                       "participants": [5000.0, 1500.0, 1200.0, 0.0]})
    t = dl.sector_participation_texts(by, False)  # no open column: sectors with a dialogue (D has none)
    assert (t["n_expert_only_sectors"], t["expert_only_range"]) == ("3", "1,200–5,000")
    assert (t["top1_n"], t["top2_n"]) == ("5,000", "1,500")


def test_spearman_on_two_points_and_a_two_dialogue_timeline() -> None:
    # two points: ranks centred ±0.5, sum of squares 0.5 each, den = 0.5 (below 1): rho = ±0.25 / 0.5 = ±1
    assert dl.spearman([1, 2], [1, 2]) == 1.0 and dl.spearman([1, 2], [5, 3]) == -1.0
    tl = dl.timeline(dialogues().iloc[:2])  # 20 Dec 2024 and 1 Mar 2025: 11 + 31 + 28 + 1 = 71 days apart
    assert dl.timeline_texts(tl)["gap_days"] == "71"


def test_plot_actions_by_area_stacks_hatches_separates_and_truncates() -> None:
    import matplotlib.pyplot as plt
    from matplotlib.colors import to_hex

    from analysis.core.figures import PALETTE
    from analysis.readers.annexes import SECTORAL_AREAS_FR

    long = "A very long cross-cutting heading of the annex, 52 ch"  # 52 characters: cut to 47 + "…"
    a = actions().assign(area_fr=[SECTORAL_AREAS_FR[0]] * 2 + ["Y", "W", "W"],
                         area_en=["Area X", "Area X", "Area Y", long, long])
    by = dl.actions_by_area(a)  # X (sector area) 1 + 1, Y 0 + 1, W 2 + 0; two cross-cutting headings
    fig = dl.plot_actions_by_area(by)
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == [long[:47] + "…", "Area Y", "Area X"]
    flag, other = ax.patches[:3], ax.patches[3:]
    assert [p.get_width() for p in other] == [0, 1, 1] and [p.get_x() for p in other] == [2, 0, 1]  # stacked
    assert {to_hex(p.get_facecolor()) for p in flag} == {to_hex(PALETTE[0])}
    assert {to_hex(p.get_facecolor()) for p in other} == {to_hex(PALETTE[1])}
    assert {p.get_hatch() for p in other} == {"//"} and {p.get_hatch() for p in flag} == {None}
    sep = [ln for ln in ax.lines if ln.get_linestyle() == ":"]
    assert len(sep) == 1 and sep[0].get_ydata()[0] == pytest.approx(1.5)  # 2 cross-cutting rows below it
    assert fig.get_size_inches().tolist() == [8, 6]
    plt.close(fig)


def test_plot_flagship_adoption_marks_partial_coverage_and_places_labels() -> None:
    import matplotlib.pyplot as plt
    from matplotlib.colors import to_hex

    from analysis.core.figures import PALETTE

    m = sector_map().assign(sector=["agrifood", "beta", "gamma"])  # agrifood: partly covered (hatched)
    fa = dl.flagship_adoption(m, dl.sector_adoption(ai_frame()), "primary")
    fig = dl.plot_flagship_adoption(fa, 2025, 20.0)
    ax = fig.axes[0]
    bars = ax.patches  # ascending: gamma (not measured, 0), beta 10, agrifood 50
    assert [p.get_width() for p in bars] == [0.0, 10.0, 50.0]
    assert [p.get_hatch() or "" for p in bars] == ["", "", "//"]
    assert {to_hex(p.get_facecolor()) for p in bars} == {to_hex(PALETTE[0])}
    texts = ax.texts
    assert [t.get_position() for t in texts] == [(0.8, 0), (10.8, 1), (50.8, 2)]
    assert [to_hex(t.get_color()) for t in texts] == [to_hex("grey"), to_hex("black"), to_hex("black")]
    ring = ax.collections[0]
    assert ring.get_offsets().tolist() == [[np.nan, 0], [8.0, 1], [40.0, 2]] or \
        ring.get_offsets()[1:].tolist() == [[8.0, 1], [40.0, 2]]
    assert to_hex(ring.get_edgecolor()[0]) == to_hex(PALETTE[1]) and to_hex(ring.get_facecolor()[0]) == "#ffffff"
    assert [ln.get_xdata()[0] for ln in ax.lines] == [20.0]
    plt.close(fig)


def test_plot_deadlines_stacks_kinds_and_hatches_open_ended_by_hand() -> None:
    import matplotlib.pyplot as plt

    fig, _ = dl.plot_deadlines(actions())
    bars = fig.axes[0].patches  # 4 series (flagship/other × by-date/open-ended) × 6 periods, Q4 2025 … 2026 year only
    heights = [[p.get_height() for p in bars[i * 6:(i + 1) * 6]] for i in range(4)]
    assert heights == [[1, 1, 1, 0, 0, 0], [0] * 6, [0, 0, 0, 0, 0, 1], [0, 1, 0, 0, 0, 0]]
    bottoms = [[p.get_y() for p in bars[i * 6:(i + 1) * 6]] for i in range(4)]
    assert bottoms == [[0] * 6, [1, 1, 1, 0, 0, 0], [1, 1, 1, 0, 0, 0], [1, 1, 1, 0, 0, 1]]
    hatches = [{p.get_hatch() or "" for p in bars[i * 6:(i + 1) * 6]} for i in range(4)]
    assert hatches == [{""}, {"///"}, {""}, {"///"}]
    plt.close(fig)


def test_flagship_adoption_alt_lists_every_unmeasured_sector() -> None:
    fa = dl.flagship_adoption(sector_map(), dl.sector_adoption(ai_frame()), "primary")
    assert dl.flagship_adoption_alt(fa.assign(value_2025=[50.0, np.nan, np.nan]), 2025, float("nan")).endswith(
        "No bar (not measured): Beta, Gamma.")


def test_headline_band_percent_near_a_rounding_edge() -> None:
    ove = {"n_open": 2, "n_experts": 2, "median_open": 20.0, "median_experts": 10.0, "median_ratio": 2.0,
           "u": 3.0, "p_exact": 0.5, "p_permutation": 0.5, "rank_biserial": 0.5, "separated_within_band": False}
    glm = {"rate_ratio": 2.0, "low": 1.0, "high": 4.0, "alpha": 0.1, "n": 4}
    # 100 · 0.0149 = 1.49 -> "1" (a factor of 101 would give 1.5049 -> "2")
    assert dl.headline_open_experts(ove, glm, 0.0149)[1].endswith("separation within ±1 % band: False")


def test_format_table_median_and_range_have_thousands_separators() -> None:
    # open dialogues 3,000 and 1,000: median (3000 + 1000) / 2 = 2,000.0, smallest–largest 1,000–3,000;
    # experts 20 and 40: median 30.0, range 20–40 (no separator below a thousand)
    d = dialogues().assign(participants=[3000, 1000, 20, 40, 1000])
    tab = dl.format_table(dl.participation_by_format(d, 0.25, False))
    assert tab["Median per dialogue"].tolist() == ["2,000.0", "30.0"]
    assert tab["Smallest–largest"].tolist() == ["1,000–3,000", "20–40"]
    # a median halfway between two sizes keeps its decimal and rounds nothing away: (3491 + 3492) / 2 = 3,491.5
    d2 = dialogues().assign(participants=[3491, 3492, 20, 40, 1000])
    tab2 = dl.format_table(dl.participation_by_format(d2, 0.0, False))
    assert tab2["Median per dialogue"].tolist() == ["3,491.5", "30.0"]
    assert tab2["Smallest–largest"].tolist()[0] == "3,491–3,492"


# ------------------------------------------------------------------------------------------ survivors, run 2 (issue 16)
AREAS = dl.SECTORAL_AREAS_FR


def test_sector_map_schema_checks_every_row_not_only_the_first() -> None:
    good = sector_map().assign(annex3_area_fr=[AREAS[0], AREAS[1], ""], reason_primary="a reason of ten+",
                               reason_alternative="a reason of ten+")
    assert dl.SECTOR_MAP_SCHEMA.validate(good)["sector"].tolist() == ["alpha", "beta", "gamma"]
    bad = good.copy()
    bad.loc[2, "comparable_primary"] = True  # gamma, the last row: comparable with no code
    with pytest.raises(pandera.errors.SchemaError, match="must be true exactly when the nace code is set"):
        dl.SECTOR_MAP_SCHEMA.validate(bad)


def test_mapping_view_names_the_choices() -> None:
    with pytest.raises(ValueError, match=r"^unknown mapping 'third'; choose one of primary, alternative$"):
        dl.mapping_view(sector_map(), "third")


def test_sector_units_follow_the_annex_order_then_the_rest_in_map_order() -> None:
    # map order: an unknown area Z, the annex's 2nd area, a sector without area, its 1st area, an unknown Y,
    # another sector without area. Annex areas first in annex order; then the others as they come in the map.
    m = pd.DataFrame({
        "sector": ["s1", "s2", "s3", "s4", "s5", "s6"], "sector_en": ["S1", "S2", "S3", "S4", "S5", "S6"],
        "annex1_sector_fr": ["a", "b", "c", "d", "e", "f"], "annex1_high_level_fr": [""] * 6,
        "annex3_area_fr": ["Z", AREAS[1], "", AREAS[0], "Y", ""],
        "nace_primary": ["J"] * 6, "comparable_primary": [True] * 6, "reason_primary": ["r1", "r2", "r3", "r4", "r5",
                                                                                           "r6"],
        "nace_alternative": [""] * 6, "comparable_alternative": [False] * 6, "reason_alternative": ["x"] * 6,
    })
    u = dl.sector_units(m, "primary")
    assert u["unit"].tolist() == ["s4", "s2", "s1", "s3", "s5", "s6"]  # two sectors without area: two units
    assert u.columns.tolist() == ["unit", "sectors", "annex3_area_fr", "nace", "comparable", "reason"]
    assert u.index.tolist() == list(range(6))


def test_sector_units_many_unknown_areas_keep_map_order() -> None:
    # 30 units of the same rank (no area): a stable sort keeps the map order on this many ties
    n = 30
    m = pd.DataFrame({
        "sector": [f"s{i:02d}" for i in range(n)][::-1], "sector_en": ["S"] * n,
        "annex1_sector_fr": [f"a{i}" for i in range(n)], "annex1_high_level_fr": [""] * n,
        "annex3_area_fr": [""] * (n - 1) + [AREAS[3]],
        "nace_primary": [""] * n, "comparable_primary": [False] * n, "reason_primary": ["r"] * n,
        "nace_alternative": [""] * n, "comparable_alternative": [False] * n, "reason_alternative": ["x"] * n,
    })
    u = dl.sector_units(m, "primary")
    ids = [f"s{i:02d}" for i in range(n)][::-1]
    assert u["unit"].tolist() == [ids[-1], *ids[:-1]]


def test_sector_units_merged_without_common_code_say_so_and_get_no_code() -> None:
    m = sector_map().assign(annex3_area_fr=["X", "X", "Z"])  # alpha J, beta H in one area: no common code
    u = dl.sector_units(m, "primary")
    assert u["unit"].tolist() == ["alpha+beta", "gamma"]
    assert u.at[0, "comparable"] == False and u.at[0, "nace"] == ""  # noqa: E712
    assert u.at[0, "reason"] == ("Annex 3 merges these sectors and they have no common code. "
                                 "Alpha: media are J; Beta: transport is H")


def test_sector_units_keep_unknown_areas_in_map_order_not_sorted() -> None:
    m = sector_map().assign(annex3_area_fr=["Z", "Y", "X"])
    assert dl.sector_units(m, "primary")["unit"].tolist() == ["alpha", "beta", "gamma"]


def test_prepare_dialogues_rejects_dates_not_in_iso_form() -> None:
    raw = text_csv("dialogues.csv")
    raw["date"] = pd.to_datetime(raw["date"]).dt.strftime("%d %B %Y")  # "05 February 2025": readable, not ISO
    with pytest.raises(ValueError):
        dl.prepare_dialogues(raw)


def test_participant_band_keeps_the_index_of_a_filtered_table() -> None:
    band = dl.participant_band(pd.Series([100, 40], index=[10, 20]), pd.Series([True, False], index=[10, 20]), 0.5)
    assert band.index.tolist() == [10, 20] and band.values.tolist() == [[50.0, 150.0], [40.0, 40.0]]
    w = dl.with_band(dialogues().iloc[[4, 0]], 0.5)  # H1 (1000) and D1 (300), index 4 and 0
    assert w["participants_low"].tolist() == [500.0, 150.0] and w["participants_high"].tolist() == [1500.0, 450.0]


def test_processed_sector_map_table_metadata() -> None:
    (t,) = dl._processed_tables()
    assert (t.name, t.sources, t.key, t.build) == ("sector_map", (), ("sector",), dl.build_sector_map)
    assert t.schema is dl.SECTOR_MAP_SCHEMA and t.read is dl.load_sector_map
    assert t.description == (
        "Our mapping of the strategy's sectors: Annex 1 dialogue sector ↔ Annex 3 sector area ↔ the NACE code "
        "of Eurostat isoc_eb_ain2 it is compared with, under two mappings (primary, alternative), each with "
        "a reason (data/raw/strategy/sector_map.csv; not the Commission's).")
    assert t.unit == "text; comparable_*: true/false"
    assert t.processing == ("Copied from the committed data/raw/strategy/sector_map.csv and validated "
                            "(SECTOR_MAP_SCHEMA); rows sorted by sector id.")
    assert t.columns == {
        "sector": "canonical sector id", "annex1_sector_fr": "Annex 1 sector name, verbatim",
        "annex1_high_level_fr": "terms naming the sector in the high-level dialogues, |-separated",
        "annex3_area_fr": "Annex 3 sector area, verbatim",
        "nace_primary": "isoc_eb_ain2 NACE code (primary mapping); empty = not comparable",
        "nace_alternative": "isoc_eb_ain2 NACE code (alternative mapping); empty = not comparable"}
    assert set(t.columns) <= set(dl.SECTOR_MAP_SCHEMA.columns)


def test_high_level_terms_may_hold_spaces_and_match_the_second_term() -> None:
    view = dl.mapping_view(sector_map().assign(annex1_high_level_fr=["soins de santé|pharma", "beta", ""]), "primary")
    assert dl._high_level_sectors("soins de santé et beta", view) == ["alpha", "beta"]
    assert dl._high_level_sectors("pharma, beta", view) == ["alpha", "beta"]  # the second term alone


def test_assign_dialogues_skips_a_high_level_row_and_goes_on() -> None:
    d = dialogues().iloc[[4, 0, 2]]  # the high-level dialogue first, then D1 (Alpha) and D3 (Beta)
    a = dl.assign_dialogues(d, sector_map(), 0.0, False)
    assert a["dialogue_id"].tolist() == ["D1", "D3"] and a["sector"].tolist() == ["alpha", "beta"]


def test_assign_dialogues_without_rows_keeps_the_columns() -> None:
    a = dl.assign_dialogues(dialogues().iloc[[4]], sector_map(), 0.0, False)  # only a high-level dialogue, left out
    assert a.empty and a.columns.tolist() == ["dialogue_id", "sector", "level", "format", "share", "participants",
                                              "participants_low", "participants_high"]


def test_participation_by_sector_columns_and_index() -> None:
    by = dl.participation_by_sector(dl.assign_dialogues(dialogues(), sector_map(), 0.0, False), sector_map())
    assert by.columns.tolist() == ["sector", "sector_en", "dialogues", "participants", "participants_low",
                                   "participants_high", "participants_open", "participants_experts"]
    assert by.index.tolist() == [0, 1, 2]


def test_open_vs_experts_nine_and_nine_are_enumerated_exactly() -> None:
    # 9 open dialogues (100…108) all larger than 9 expert ones (1…9): U = 9·9 = 81, r = 1. Of the
    # C(18, 9) = 48,620 splits only the observed one and its mirror are as extreme: p = 2 / 48,620 both for the
    # exact U distribution and for the full permutation test (not a 9,999-draw sample; not the normal
    # approximation scipy's "auto" picks when both groups exceed 8)
    sizes = list(range(100, 109)) + list(range(1, 10))
    d = pd.DataFrame({"dialogue_id": [f"d{i}" for i in range(18)], "level": "sectoral",
                      "format": ["open"] * 9 + ["experts"] * 9, "participants": sizes, "participants_approx": True})
    res = dl.open_vs_experts(d)
    assert (res["n_open"], res["n_experts"], res["u"], res["rank_biserial"]) == (9, 9, 81.0, 1.0)
    assert res["p_exact"] == pytest.approx(2 / 48620, rel=1e-9)
    assert res["p_permutation"] == pytest.approx(2 / 48620, rel=1e-9)


def test_open_vs_experts_error_names_both_formats() -> None:
    with pytest.raises(ValueError, match=r"^need sectoral dialogues of both formats \(open, experts\)$"):
        dl.open_vs_experts(dialogues().assign(format="experts"))


def test_format_glm_prints_nothing(capsys: pytest.CaptureFixture) -> None:
    d = pd.DataFrame({"dialogue_id": list("abcdefgh"), "level": "sectoral", "format": ["open"] * 4 + ["experts"] * 4,
                      "participants": [100, 300, 200, 400, 10, 30, 20, 40]})
    dl.format_glm(d)
    assert capsys.readouterr().out == ""


def test_spearman_reads_numbers_given_as_text_as_numbers() -> None:
    # as numbers 9 < 10 < 11 (rho = 1 with 1, 2, 3); compared as text "10" < "11" < "9" they would not be
    x = pd.Series(["9", "10", "11"], dtype=object)
    assert dl.spearman(x, [1, 2, 3]) == pytest.approx(1.0)
    assert dl.spearman([1, 2, 3], x) == pytest.approx(1.0)
    p, k = dl.exact_permutation_p(x, [1, 2, 3])  # |rho| = 1: the pairing and its reverse of 3! = 6
    assert (p, k) == (pytest.approx(2 / 6), 6)
    p, k = dl.exact_permutation_p([1, 2, 3], x)
    assert (p, k) == (pytest.approx(2 / 6), 6)


def test_spearman_test_error_message_and_rho_words_in_full() -> None:
    with pytest.raises(ValueError, match="^x and y must be 1-D vectors of the same length$"):
        dl.spearman_test([1, 2, 3], [1, 2])
    assert dl.describe_rho(0.0, 5, 1.0) == ("Spearman ρ = 0.00 on 5 points: the two rankings are unrelated (exact "
                                            "permutation p = 1.000, all 120 pairings); description, not evidence "
                                            "of a link")
    assert dl.describe_rho(0.05, 3, 1.0) == ("Spearman ρ = 0.05 on 3 points: the two rankings are practically "
                                             "unrelated (exact permutation p = 1.000, all 6 pairings); description, "
                                             "not evidence of a link")


def test_overlapping_band_pairs_reads_text_as_numbers_and_the_first_low_end_may_touch() -> None:
    # [10, 30] and [3, 9] do not overlap as numbers (10 > 9); as text "10" <= "9" and "3" <= "30" they would
    assert dl.overlapping_band_pairs(pd.Series(["10", "3"]), pd.Series(["30", "9"])) == 0
    # the first band's low end on the second's high end: [5, 10] and [1, 5] touch
    assert dl.overlapping_band_pairs(pd.Series([5, 1]), pd.Series([10, 5])) == 1


def test_timeline_columns_and_index() -> None:
    tl = dl.timeline(dialogues().iloc[::-1])
    assert tl.columns.tolist() == ["dialogue_id", "level", "sectors_en", "date", "format", "participants",
                                   "days_before"]
    assert tl.index.tolist() == [0, 1, 2, 3, 4] and tl["dialogue_id"].tolist() == ["D1", "D2", "D3", "H1", "D4"]


def test_actions_by_area_when_one_kind_is_absent() -> None:
    a = actions().assign(kind="flagship")  # no "other" action at all: its column is 0, not missing
    by = dl.actions_by_area(a)
    assert by.columns.tolist() == ["area_fr", "area_en", "sectoral", "flagship", "other", "total"]
    assert by[["flagship", "other", "total"]].values.tolist() == [[2, 0, 2], [1, 0, 1], [2, 0, 2]]
    assert by.columns.name is None
    assert dl.actions_by_area(actions().assign(kind="other"))["flagship"].tolist() == [0, 0, 0]


def test_deadlines_by_quarter_columns_and_index() -> None:
    dq = dl.deadlines_by_quarter(actions())
    assert dq.columns.tolist() == ["period", "order", "year", "quarter", "kind", "open_ended", "actions"]
    assert dq.index.tolist() == list(range(36))


def test_sector_table_keeps_a_unit_without_dialogues_and_merges_names() -> None:
    # alpha and beta share area X (both J); gamma (area Z) has no dialogue here; every action is a flagship
    m = sector_map().assign(annex3_area_fr=["X", "X", "Z"], nace_primary=["J", "J", ""])
    d = dialogues().iloc[[0, 1, 2]]  # D1, D2 (Alpha, open 300 + 100), D3 (Beta, 20)
    adop = dl.sector_adoption(ai_frame())
    st = dl.sector_table(dl.assign_dialogues(d, m, 0.5, False), actions().assign(kind="flagship"), m, adop,
                         "primary", 2025)
    assert st["unit"].tolist() == ["alpha+beta", "gamma"]
    assert st["sectors_en"].tolist() == ["Alpha + Beta", "Gamma"]
    assert st["dialogues"].tolist() == [3, 0] and st["dialogues"].dtype == "int64"
    # 300 + 100 + 20 = 420 persons, band ±50 %: 210–630; gamma 0 (no dialogue), not missing
    assert st["participants"].tolist() == [420.0, 0.0]
    assert st["participants_low"].tolist() == [210.0, 0.0] and st["participants_high"].tolist() == [630.0, 0.0]
    # area X: A1, A2 flagships; Y and W are no unit here; "other" is 0, not missing
    assert st[["flagship", "other", "actions"]].values.tolist() == [[2, 0, 2], [0, 0, 0]]
    assert st["flagship"].dtype == "int64" and st["other"].dtype == "int64"
    assert st["flag"].tolist() == ["u", ""] and st["adoption"].tolist()[0] == 50.0  # gamma: no flag, not "nan"


def test_flagship_adoption_a_code_without_rows_is_missing_not_an_error() -> None:
    adop = dl.sector_adoption(ai_frame())
    fa = dl.flagship_adoption(sector_map(), adop[adop["nace"] != "H"], "primary")  # beta (H) has no row at all
    assert fa["value_2025"].tolist()[:1] == [50.0] and np.isnan(fa.at[1, "value_2025"])
    assert fa["flag_2025"].tolist() == ["u", "", ""] and fa.at[1, "coverage"] == "covered"


def hand_fa() -> pd.DataFrame:
    """Five sectors: A and C tie at the top (30.0), B lowest (10.0, flag u), D and E not covered."""
    return pd.DataFrame({
        "sector": ["a", "b", "c", "d", "e"], "sector_en": ["A", "B", "C", "D", "E"],
        "nace": ["X", "Y", "X", "", ""], "activity": ["act x (X)", "act y (Y)", "act x (X)", "", ""],
        "coverage": ["covered", "covered", "covered", "not covered", "not covered"], "reason": ["r"] * 5,
        "value_2025": [30.0, 10.0, 30.0, np.nan, np.nan], "flag_2025": ["", "u", "", "", ""],
    })


def test_flagship_adoption_sentence_names_tied_sectors_and_every_unmeasured_one() -> None:
    # lowest B 10.0 u; highest A and C (30.0, one activity); against 20.0: A, C above (2), B below (1)
    assert dl.flagship_adoption_sentence(hand_fa(), 2025, 20.0) == (
        "In 2025, 3 of the strategy's 5 sectors can be measured: the share of enterprises using AI ranges from "
        "10.0 u % in B (act y (Y)) to 30.0 % in A and C (act x (X)); 2 lie above and 1 below the 20.0 % of all "
        "activities in the survey. The survey does not measure D, E (outside its scope or no matching activity).")


def test_flagship_adoption_table_partly_covered_without_a_note() -> None:
    fa = hand_fa().assign(coverage=["partly covered", "covered", "covered", "not covered", "not covered"])
    tab = dl.flagship_adoption_table(fa)  # "a" is not in PARTIAL_COVERAGE: the note is empty
    assert tab["Coverage"].tolist()[:2] == ["partly covered: ", "covered"]


#: 20 rows: the first ten at 1, the last ten at 2 (enough ties for an unstable sort to reorder them).
TWENTY = [1.0] * 10 + [2.0] * 10


def test_unmeasured_actions_sentence_ties_among_many_areas_go_to_the_first() -> None:
    st = pd.DataFrame({"area_en": [f"A{i}" for i in range(20)], "actions": [int(v) for v in TWENTY],
                       "status": ["comparable"] * 10 + ["not comparable"] * 10})
    # 10 areas of 2 actions tie for most: the first of them in the annex's order is A10
    assert dl.unmeasured_actions_sentence(st) == (
        "20 of the 30 sector actions concern areas without an adoption value (10 of 20 areas), among them the "
        "area with most actions, A10 (2).")


def test_flagship_adoption_alt_ties_among_many_keep_the_map_order() -> None:
    fa = pd.DataFrame({"sector_en": [f"S{i}" for i in range(20)], "value_2025": TWENTY, "flag_2025": [""] * 20})
    alt = dl.flagship_adoption_alt(fa, 2025, float("nan"))
    bars = "; ".join([f"S{i} 2.0 %" for i in range(10, 20)] + [f"S{i} 1.0 %" for i in range(10)])
    assert alt == (f"Horizontal bar chart of the share of enterprises using AI in 2025, by strategy sector: {bars}. "
                   "No bar (not measured): none.")


def test_deadline_texts_tied_periods_go_to_the_earlier_one() -> None:
    # Q4 2025 and Q1 2026 both have two actions: the earlier period is the busiest, not the first by name
    a = actions().assign(deadline_text=["T4 2025", "T4 2025", "T1 2026", "T1 2026", "T3 2026"],
                         deadline_year=[2025, 2025, 2026, 2026, 2026],
                         deadline_quarter=pd.array([4, 4, 1, 1, 3], dtype="Int64"), open_ended=False)
    t = dl.deadline_texts(a)
    assert (t["peak_period"], t["peak_n"], t["first_deadline"], t["last_deadline"]) == ("Q4 2025", "2", "Q4 2025",
                                                                                      "Q3 2026")


def test_deadline_texts_ties_among_many_periods_go_to_the_earliest() -> None:
    # 20 quarters Q1 2025 … Q4 2029: the first ten with one action, the last ten with two; the busiest period is
    # the earliest of the ten tied ones, Q3 2027 (the 11th quarter)
    quarters = [(2025 + i // 4, i % 4 + 1) for i in range(20)]
    rows = [(y, q) for k, (y, q) in enumerate(quarters) for _ in range(1 if k < 10 else 2)]
    a = pd.DataFrame({"action_id": [f"A{i}" for i in range(len(rows))], "area_fr": "W", "area_en": "Area W",
                      "kind": "other", "deadline_text": [f"T{q} {y}" for y, q in rows],
                      "deadline_year": [y for y, _ in rows],
                      "deadline_quarter": pd.array([q for _, q in rows], dtype="Int64"), "open_ended": False})
    t = dl.deadline_texts(a)
    assert (t["peak_period"], t["peak_n"]) == ("Q3 2027", "2")


def test_action_texts_ties_among_many_areas_go_to_the_annex_order() -> None:
    by = pd.DataFrame({"area_fr": [f"F{i}" for i in range(20)], "area_en": [f"A{i}" for i in range(20)],
                       "sectoral": [True] * 20, "flagship": [int(v) for v in TWENTY], "other": 0,
                       "total": [int(v) for v in TWENTY]})
    t = dl.action_texts(by)  # ten areas tie at 2 actions (2 flagships): the first of them, A10
    assert (t["top_area"], t["top_area_n"], t["most_flag_area"], t["most_flag_n"]) == ("A10", "2", "A10", "2")


def test_band_percent_of_one_half_and_a_missing_kind_in_the_headline() -> None:
    # band 0.5: 100 · 0.5 = 50 % exactly (a factor off by one percent would show 51)
    assert dl.totals_texts(dialogues(), actions(), 0.5)["band_pct"] == "50"
    lines = dl.headline_totals(dialogues(), actions().assign(kind="flagship"), 0.5)
    # approximate numbers 300 + 100 + 20 + 1000 = 1420 (D4's 40 is exact): 1460 ∓ 710 = 750–2170
    assert lines[1].endswith("band ±50 %: 750-2170")
    assert lines[2] == "Actions: 5 = 5 flagship + 0 other"
    other = dl.headline_totals(dialogues(), actions().assign(kind="other"), 0.5)
    assert other[2] == "Actions: 5 = 0 flagship + 5 other"


def test_sector_participation_ties_among_many_sectors_keep_the_map_order() -> None:
    by = pd.DataFrame({"sector": [f"s{i}" for i in range(20)], "sector_en": [f"S{i}" for i in range(20)],
                       "dialogues": 1, "participants": [1000 * v for v in TWENTY]})
    t = dl.sector_participation_texts(by, False)  # ten sectors tie at 2,000: the first two of them, S10 and S11
    assert (t["top1_sector"], t["top1_n"], t["top2_sector"], t["top2_n"]) == ("S10", "2,000", "S11", "2,000")
    alt = dl.alt_participants_by_sector(by)
    listed = "; ".join([f"S{i} about 2,000" for i in range(10, 20)] + ["S0 about 1,000", "S1 about 1,000"])
    assert alt == ("Horizontal stacked bars of dialogue participants by sector, coloured by format, with the band as "
                   f"whiskers: {listed}; and 8 more.")


def test_list_shows_twelve_items_by_default() -> None:
    items = [str(i) for i in range(13)]
    assert dl._list(items) == "0; 1; 2; 3; 4; 5; 6; 7; 8; 9; 10; 11; and 1 more"
    assert dl._list(items[:12]) == "0; 1; 2; 3; 4; 5; 6; 7; 8; 9; 10; 11"


def test_comparison_texts_list_two_shared_codes_and_the_timing_notes() -> None:
    st = pd.DataFrame({
        "unit": list("abcd"), "area_en": ["A", "B", "C", "D"], "nace": ["J", "J", "H", "H"],
        "status": ["comparable"] * 4, "participants_low": [0.0, 20.0, 40.0, 60.0],
        "participants_high": [10.0, 30.0, 50.0, 70.0], "participants": [5.0, 25.0, 45.0, 65.0],
        "actions": [1, 2, 3, 4], "adoption": [1.0, 1.0, 2.0, 2.0]})
    corr = pd.DataFrame({"x": ["participants"], "y": ["actions"], "reading": ["R1"]})
    t = dl.comparison_texts(st, corr, "primary", 2025, 2025)
    assert t["shared_codes"] == "transportation and storage (H): 2 areas, information and communication (J): 2 areas"
    assert t["overlap_pairs"] == "0"
    assert t["timing_note"] == ("the latest wave added an item (generating pictures, video or sound) to the AI "
                                "question, so it is not strictly comparable with the wave before")
    assert dl.comparison_texts(st, corr, "primary", 2024, 2025)["timing_note"] == (
        "later waves exist; the latest one changed the AI question")


def test_alt_scatter_gives_adoption_one_decimal_on_either_axis() -> None:
    table = pd.DataFrame({"area_en": ["A"], "adoption": [12.35], "actions": [3]})
    assert dl.alt_scatter(table, "adoption", "actions", "R") == (
        "Scatter plot of Annex 3 actions against AI adoption, one point per sector area (A: 12.4, 3). R.")


def scatter_table() -> pd.DataFrame:
    """Two areas: 400 persons (band 360–440) with 3 actions, 20 (18–22) with 1; names with a comma and spaces."""
    return pd.DataFrame({"sectors_en": ["Health care, pharmaceuticals", "Public sector"],
                         "participants": [400.0, 20.0], "participants_low": [360.0, 18.0],
                         "participants_high": [440.0, 22.0], "actions": [3, 1], "adoption": [12.0, 8.0]})


def test_plot_scatter_whiskers_span_each_band_and_points_are_not_joined() -> None:
    import matplotlib.pyplot as plt
    from matplotlib.container import ErrorbarContainer

    fig, ax = plt.subplots()
    dl.plot_scatter(ax, scatter_table(), "participants", "actions", band=0.1)
    (eb,) = [c for c in ax.containers if isinstance(c, ErrorbarContainer)]
    data_line, _, (whiskers,) = eb.lines
    assert data_line.get_linestyle() == "None" and data_line.get_marker() == "o"  # points, no line between them
    assert data_line.get_xdata().tolist() == [400.0, 20.0] and data_line.get_ydata().tolist() == [3, 1]
    assert [s.tolist() for s in whiskers.get_segments()] == [[[360.0, 3.0], [440.0, 3.0]], [[18.0, 1.0], [22.0, 1.0]]]
    # labels: the area's name up to its first comma
    assert sorted(t.get_text() for t in ax.texts) == ["Health care", "Public sector"]
    plt.close(fig)


@pytest.mark.parametrize(("x", "y", "band"), [("participants", "actions", None), ("actions", "adoption", 0.1)])
def test_plot_scatter_without_a_band_or_participants_draws_plain_points(x: str, y: str, band: float | None) -> None:
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    dl.plot_scatter(ax, scatter_table(), x, y, band=band)
    assert ax.containers == [] and len(ax.collections) == 1
    assert ax.collections[0].get_offsets().tolist() == scatter_table()[[x, y]].astype(float).values.tolist()
    plt.close(fig)


def test_label_points_tries_six_offsets_then_falls_back_to_the_first() -> None:
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    labels = [f"label {i}" for i in range(8)] + ["far away"]
    # eight labels on one point: six offsets, then the first again; a ninth on a far point is checked against all
    dl.label_points(ax, [1] * 8 + [0], [1] * 8 + [0], labels)
    assert [t.xyann for t in ax.texts] == [(5, 4), (5, -11), (5, 14), (5, -21), (5, 24), (5, -31), (5, 4), (5, 4),
                                           (5, 4)]
    assert [t.get_text() for t in ax.texts] == labels  # ties in y and x keep the given order
    assert {t.anncoords for t in ax.texts} == {"offset points"} and {t.get_fontsize() for t in ax.texts} == {7}
    assert [tuple(t.xy) for t in ax.texts] == [(1, 1)] * 8 + [(0, 0)]
    plt.close(fig)


def test_label_points_places_the_top_point_first_then_the_left_one() -> None:
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    # b lies a hair above a: b is placed first and keeps the first offset; a moves to the second
    dl.label_points(ax, [1, 1], [1.0, 1.0001], ["a", "b"])
    assert {t.get_text(): t.xyann for t in ax.texts} == {"b": (5, 4), "a": (5, -11)}
    plt.close(fig)
    fig, ax = plt.subplots()
    # same height: the left point (a, given second) is placed first
    dl.label_points(ax, [1.0001, 1], [1, 1], ["b", "a"])
    assert {t.get_text(): t.xyann for t in ax.texts} == {"a": (5, 4), "b": (5, -11)}
    plt.close(fig)
    fig, ax = plt.subplots()
    with pytest.raises(ValueError):
        dl.label_points(ax, [1, 2], [1, 2], ["only one label"])
    plt.close(fig)


def test_plot_participants_by_sector_stacks_three_formats_and_whiskers_by_hand() -> None:
    import matplotlib.pyplot as plt
    from matplotlib.container import ErrorbarContainer

    # A: 100 open + 50 experts + 30 high-level = 180 (band 160–200); B: 1,000 open (900–1,100); C: 1,200 open + 1
    # expert (1,201; 1,100–1,300). Experts sum to exactly 51, high-level to 30.
    by = pd.DataFrame({"sector": ["a", "b", "c"], "sector_en": ["A", "B", "C"], "dialogues": [3, 1, 2],
                       "participants": [180.0, 1000.0, 1201.0], "participants_low": [160.0, 900.0, 1100.0],
                       "participants_high": [200.0, 1100.0, 1300.0], "participants_open": [100.0, 1000.0, 1200.0],
                       "participants_experts": [50.0, 0.0, 1.0], "participants_high-level-open": [30.0, 0.0, 0.0]})
    fig = dl.plot_participants_by_sector(by, 0.5)
    ax = fig.axes[0]
    t = _texts(fig)
    assert t["title"] == "C (≈ 1,201) and B (≈ 1,000) drew the most participants"
    assert t["legend"] == ["Open to all", "Experts only", "High-level: DGs and open to the public", "±50 % band"]
    assert t["yticks"] == ["A", "B", "C"]
    bars = ax.patches  # open A B C, experts A B C, high-level A B C
    assert [p.get_width() for p in bars] == [100.0, 1000.0, 1200.0, 50.0, 0.0, 1.0, 30.0, 0.0, 0.0]
    assert [p.get_x() for p in bars] == [0.0, 0.0, 0.0, 100.0, 1000.0, 1200.0, 150.0, 1000.0, 1201.0]
    (eb,) = [c for c in ax.containers if isinstance(c, ErrorbarContainer)]
    data_line, _, (whiskers,) = eb.lines
    assert data_line is None  # fmt "none": whiskers only, no marker or line
    assert [s[:, 0].tolist() for s in whiskers.get_segments()] == [[160.0, 200.0], [900.0, 1100.0], [1100.0, 1300.0]]
    plt.close(fig)
    # a format nobody attended gets no bar and no legend entry; one person is enough for an entry
    fig = dl.plot_participants_by_sector(by.assign(**{"participants_high-level-open": 0.0}), 0.5)
    assert _texts(fig)["legend"] == ["Open to all", "Experts only", "±50 % band"]
    plt.close(fig)
    fig = dl.plot_participants_by_sector(by.assign(**{"participants_high-level-open": [1.0, 0.0, 0.0]}), 0.5)
    assert _texts(fig)["legend"] == ["Open to all", "Experts only", "High-level: DGs and open to the public",
                                     "±50 % band"]
    plt.close(fig)


def test_plot_participants_by_sector_ties_among_many_sectors_keep_the_map_order() -> None:
    import matplotlib.pyplot as plt

    vals = [2000.0, 1000.0] * 10  # S0 2,000, S1 1,000, S2 2,000, …
    by = pd.DataFrame({"sector": [f"s{i}" for i in range(20)], "sector_en": [f"S{i}" for i in range(20)],
                       "dialogues": 1, "participants": vals, "participants_low": vals, "participants_high": vals,
                       "participants_open": vals})
    fig = dl.plot_participants_by_sector(by, 0.0)
    # ascending; ties in the map's order: the odd sectors (1,000) first, then the even ones (2,000)
    assert _texts(fig)["yticks"] == [f"S{i}" for i in range(1, 20, 2)] + [f"S{i}" for i in range(0, 20, 2)]
    plt.close(fig)


def test_plot_format_points_whiskers_jitter_and_medians_by_hand() -> None:
    import matplotlib.pyplot as plt
    from matplotlib.container import ErrorbarContainer

    d = dialogues()
    by = dl.participation_by_format(d, 0.5, True)  # open, experts, high-level-open
    ove = {"median_ratio": 6.5, "median_open": 200.0, "median_experts": 30.0}
    fig = dl.plot_format(d, by, ove, 0.5, True, 7)
    ax = fig.axes[0]
    ebs = [c for c in ax.containers if isinstance(c, ErrorbarContainer)]
    # the jitter is seed 7's uniform draws on (−0.15, 0.15), two for open, two for experts, one for high-level
    rng = np.random.default_rng(7)
    draws = [rng.uniform(-0.15, 0.15, 2), rng.uniform(-0.15, 0.15, 2), rng.uniform(-0.15, 0.15, 1)]
    for i, (eb, ys, bands) in enumerate(zip(ebs, [[300, 100], [20, 40], [1000]],
                                            [[[150, 450], [50, 150]], [[10, 30], [40, 40]], [[500, 1500]]],
                                            strict=True)):
        data_line, _, (whiskers,) = eb.lines
        assert data_line.get_linestyle() == "None" and data_line.get_marker() == "o"
        assert data_line.get_ydata().tolist() == ys
        assert np.allclose(data_line.get_xdata(), i + draws[i])
        assert [s[:, 1].tolist() for s in whiskers.get_segments()] == bands  # D4 (40) is exact: no whisker
    medians = [c.get_segments()[0].tolist() for c in ax.collections if len(c.get_segments()) == 1
               and c.get_segments()[0][0][1] == c.get_segments()[0][1][1]]
    assert medians == [[[-0.3, 200.0], [0.3, 200.0]], [[0.7, 30.0], [1.3, 30.0]], [[1.7, 1000.0], [2.3, 1000.0]]]
    plt.close(fig)


def test_plot_timeline_points_sizes_adoption_line_and_ticks_by_hand() -> None:
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt

    long44 = "A sector name of exactly forty-four letters."  # 44 characters: kept whole
    long45 = "A sector name of exactly forty-five letters.."  # 45 characters: cut to 42 + "…"
    assert (len(long44), len(long45)) == (44, 45)
    d = dialogues().assign(sectors_en=["Alpha", "Alpha", long44, long45, "Alpha and beta"])
    tl = dl.timeline(d)
    fig = dl.plot_timeline(d, tl)
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Alpha", long44, long45[:42] + "…", "Alpha and beta"]
    # one scatter per format, in FORMAT_LABELS order: open D1, D2 (row 0); experts D3 (row 1), D4 (row 2); H1 (row 3)
    pts = [c for c in ax.collections if len(c.get_offsets())]
    days = [mdates.date2num(pd.Timestamp(x)) for x in ["2024-12-20", "2025-03-01", "2025-05-15", "2025-09-30",
                                                        "2025-07-01"]]
    assert [c.get_offsets().tolist() for c in pts] == [[[days[0], 0], [days[1], 0]], [[days[2], 1], [days[3], 2]],
                                                      [[days[4], 3]]]
    # marker area 20 + 0.6 · participants: 300 → 200, 100 → 80, 20 → 32, 40 → 44, 1000 → 620
    assert [np.round(c.get_sizes(), 9).tolist() for c in pts] == [[200.0, 80.0], [32.0, 44.0], [620.0]]
    (adopt,) = [ln for ln in ax.lines if ln.get_linestyle() == "--"]
    assert mdates.date2num(adopt.get_xdata()[0]) == mdates.date2num(dl.ADOPTION_DATE)
    (note,) = [t for t in ax.texts if t.get_text() == "strategy adopted\n8 Oct 2025"]
    assert mdates.date2num(note.xy[0]) == mdates.date2num(dl.ADOPTION_DATE) and note.xy[1] == 0
    assert ax.xaxis.get_major_formatter().fmt == "%b %Y"
    handles = ax.get_legend().legend_handles
    assert [h.get_marker() for h in handles] == ["o"] * 3 and {h.get_linestyle() for h in handles} == {"None"}
    plt.close(fig)


def test_plot_actions_by_area_ties_truncation_and_separator_note_by_hand() -> None:
    import matplotlib.pyplot as plt

    n49 = "An area heading of exactly forty-nine characters."  # kept whole
    n50 = "An area heading of exactly fifty characters, yes.."  # 50 characters: cut to 47 + "…"
    assert (len(n49), len(n50)) == (49, 50)
    names = [n49, n50] + [f"A{i}" for i in range(2, 20)]
    by = pd.DataFrame({"area_fr": [f"F{i}" for i in range(20)], "area_en": names, "sectoral": [False] * 2 + [True] * 18,
                       "flagship": [int(v) for v in TWENTY], "other": 0, "total": [int(v) for v in TWENTY]})
    fig = dl.plot_actions_by_area(by)
    ax = fig.axes[0]
    # ten areas tie at 2 actions: the title names the first of them in the annex's order, A10
    assert ax.get_title() == "A10 has the most actions (2); 30 of 30 are flagships"
    ticks = [t.get_text() for t in ax.get_yticklabels()]
    assert ticks[-2:] == [n50[:47] + "…", n49]  # annex order from the top
    (note,) = [t for t in ax.texts if t.get_text() == "sector areas ↑  cross-cutting ↓"]
    assert note.get_position() == (2, pytest.approx(1.6))  # at the longest bar, just above the separator (2 − 0.4)
    plt.close(fig)


def test_plot_deadlines_places_the_adoption_line_and_the_open_ended_arrow_by_hand() -> None:
    import matplotlib.pyplot as plt

    fig, _ = dl.plot_deadlines(actions())  # periods Q4 2025 (0), Q1 2026 (1), …; the strategy's quarter is Q4 2025
    ax = fig.axes[0]
    (adopt,) = [ln for ln in ax.lines if ln.get_linestyle() == "--"]
    assert adopt.get_xdata()[0] == pytest.approx(-0.5)  # just before Q4 2025
    (note,) = [t for t in ax.texts if t.get_text() == "adoption\n8 Oct 2025"]
    # left of the line, at 0.9 × the tallest stack (Q1 2026: 2 actions) = 1.8
    assert note.get_position() == (pytest.approx(-0.55), pytest.approx(1.8))
    (arrow,) = [t for t in ax.texts if t.get_text() == "→"]
    assert tuple(arrow.xy) == (1, 2)  # on top of Q1 2026's stack, the period of the open-ended A3
    plt.close(fig)


def test_plot_flagship_adoption_order_ties_and_the_dashed_average() -> None:
    import matplotlib.pyplot as plt

    # 20 sectors: S0 not measured, S1 at 0.5 %, then alternating ties (S2 2.0, S3 1.0, S4 2.0, …, S19 1.0)
    vals = [np.nan, 0.5] + [2.0, 1.0] * 9
    fa = pd.DataFrame({"sector": [f"s{i}" for i in range(20)], "sector_en": [f"S{i}" for i in range(20)],
                       "coverage": ["not covered"] + ["covered"] * 19, "value_2025": vals, "flag_2025": ""})
    fig = dl.plot_flagship_adoption(fa, 2025, 1.5)
    ax = fig.axes[0]
    # ascending from the bottom: the unmeasured sector below even 0.5 %, ties in the map's order
    assert [t.get_text() for t in ax.get_yticklabels()] == (["S0", "S1"] + [f"S{i}" for i in range(3, 20, 2)]
                                                             + [f"S{i}" for i in range(2, 20, 2)])
    (avg,) = [ln for ln in ax.lines if ln.get_linestyle() == "--"]
    assert avg.get_xdata()[0] == 1.5 and avg.get_label() == "all activities, 1.5 %"
    plt.close(fig)
