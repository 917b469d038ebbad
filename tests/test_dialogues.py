"""Chapter "Who was heard": dialogues, actions, sector mapping and sector adoption (analysis.dialogues)."""

from __future__ import annotations

import json
import subprocess
import sys
from math import comb
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.errors
import pytest

from analysis import config
from analysis import dialogues as dl
from analysis.annexes import SECTORAL_AREAS_FR
from analysis.params import ParameterError, coerce_cli, validate

ROOT = Path(__file__).resolve().parents[1]
STRATEGY = ROOT / "data" / "raw" / "strategy"
NOTEBOOK = ROOT / "notebooks" / "sector_dialogues.ipynb"


# ------------------------------------------------------------------------------------------ tiny frames
def tiny_map() -> pd.DataFrame:
    """Three sectors; alpha and beta share Annex 3 area X (like health and pharmaceuticals), gamma has area Y."""
    return pd.DataFrame({
        "sector": ["alpha", "beta", "gamma"],
        "sector_en": ["Alpha", "Beta", "Gamma"],
        "annex1_sector_fr": ["Alpha", "Beta", "Gamma"],
        "annex1_high_level_fr": ["alpha", "beta", ""],
        "annex3_area_fr": ["X", "X", "Y"],
        "nace_primary": ["", "C21", "J"],
        "comparable_primary": [False, True, True],
        "reason_primary": ["outside scope", "pharma C21", "media J"],
        "nace_alternative": ["C21", "C21", ""],
        "comparable_alternative": [True, True, False],
        "reason_alternative": ["proxy C21", "pharma C21", "no code"],
    })


def tiny_dialogues() -> pd.DataFrame:
    return pd.DataFrame({
        "dialogue_id": ["D1", "D2", "D3", "H1"],
        "level": ["sectoral", "sectoral", "sectoral", "high-level"],
        "sectors_fr": ["Alpha", "Beta", "Gamma", "alpha et beta"],
        "sectors_en": ["Alpha", "Beta", "Gamma", "Alpha and beta"],
        "date": pd.to_datetime(["2025-04-01", "2025-06-01", "2025-10-01", "2025-07-01"]),
        "format": ["open", "experts", "open", "high-level-open"],
        "participants": [100, 20, 50, 10],
        "participants_approx": [True, True, False, True],
    })


def tiny_actions() -> pd.DataFrame:
    return pd.DataFrame({
        "action_id": ["A1", "A2", "A3", "A4"],
        "area_fr": ["X", "X", "Y", "Z"],
        "area_en": ["Area X", "Area X", "Area Y", "Area Z"],
        "kind": ["flagship", "other", "other", "flagship"],
        "deadline_text": ["T4 2025", "A partir du T1 2026", "2026", "T2 2027"],
        "deadline_year": [2025, 2026, 2026, 2027],
        "deadline_quarter": pd.array([4, 1, pd.NA, 2], dtype="Int64"),
        "open_ended": [False, True, False, False],
    })


def tiny_adoption() -> pd.DataFrame:
    return pd.DataFrame({"nace": ["C21", "J", "C21", "J"], "year": [2024, 2024, 2025, 2025],
                         "value": [20.0, 40.0, 25.0, 50.0], "flag": ["", "", "", "u"]})


# ------------------------------------------------------------------------------------------ bands and totals
def test_band_applies_only_to_approximate_numbers() -> None:
    band = dl.participant_band(pd.Series([400, 30]), pd.Series([True, False]), 0.1)
    assert band["participants_low"].tolist() == pytest.approx([360.0, 30.0])
    assert band["participants_high"].tolist() == pytest.approx([440.0, 30.0])


def test_band_zero_is_exact_and_out_of_range_is_rejected() -> None:
    band = dl.participant_band(pd.Series([25]), pd.Series([True]), 0.0)
    assert band.iloc[0].tolist() == [25.0, 25.0]
    for bad in (1.0, -0.1):
        with pytest.raises(ValueError, match=r"band must be in \[0, 1\)"):
            dl.participant_band(pd.Series([25]), pd.Series([True]), bad)


def test_totals_sum_levels_and_bands() -> None:
    tot = dl.totals(tiny_dialogues(), 0.1).set_index("level")
    assert tot.at["sectoral", "dialogues"] == 3 and tot.at["high-level", "dialogues"] == 1
    assert tot.at["all", "participants"] == 180
    # 100 and 20 and 10 approximate (±10 %), 50 exact
    assert tot.at["all", "participants_low"] == pytest.approx(90 + 18 + 50 + 9)
    assert tot.at["all", "participants_high"] == pytest.approx(110 + 22 + 50 + 11)


def test_approx_label() -> None:
    assert dl.approx_label(400) == "≈ 400"
    assert dl.approx_label(1250, approx=False) == "1,250"


# ------------------------------------------------------------------------------------------ per-sector aggregation
def test_participation_by_sector_without_high_level() -> None:
    m = tiny_map()
    by = dl.participation_by_sector(dl.assign_dialogues(tiny_dialogues(), m, 0.1, False), m).set_index("sector")
    assert by["dialogues"].to_dict() == {"alpha": 1, "beta": 1, "gamma": 1}
    assert by["participants"].to_dict() == {"alpha": 100.0, "beta": 20.0, "gamma": 50.0}
    assert by.at["alpha", "participants_low"] == pytest.approx(90.0)
    assert by.at["gamma", "participants_high"] == pytest.approx(50.0)
    assert by.at["beta", "participants_experts"] == 20.0 and by.at["beta", "participants_open"] == 0.0


def test_high_level_attendance_is_shared_equally() -> None:
    m = tiny_map()
    assigned = dl.assign_dialogues(tiny_dialogues(), m, 0.1, True)
    by = dl.participation_by_sector(assigned, m).set_index("sector")
    assert by["dialogues"].to_dict() == {"alpha": 2, "beta": 2, "gamma": 1}
    assert by["participants"].to_dict() == {"alpha": 105.0, "beta": 25.0, "gamma": 50.0}
    assert by["participants"].sum() == tiny_dialogues()["participants"].sum()
    assert by.at["alpha", "participants_high-level-open"] == 5.0


def test_unknown_sector_names_raise() -> None:
    d = tiny_dialogues()
    d.loc[0, "sectors_fr"] = "Delta"
    with pytest.raises(ValueError, match="'Delta' is not in the sector map"):
        dl.assign_dialogues(d, tiny_map(), 0.1, False)
    d = tiny_dialogues()
    d.loc[3, "sectors_fr"] = "alpha et delta"
    with pytest.raises(ValueError, match="not covered by the sector map"):
        dl.assign_dialogues(d, tiny_map(), 0.1, True)


def test_participation_by_format() -> None:
    by = dl.participation_by_format(tiny_dialogues(), 0.1, False).set_index("format")
    assert list(by.index) == ["open", "experts"]
    assert by.at["open", "participants"] == 150 and by.at["open", "median"] == 75.0
    assert by.at["open", "participants_low"] == pytest.approx(140.0)
    both = dl.participation_by_format(tiny_dialogues(), 0.1, True)
    assert both["format"].tolist() == ["open", "experts", "high-level-open"]


# ------------------------------------------------------------------------------------------ mapping join
def test_units_merge_sectors_of_one_area_and_need_a_common_code() -> None:
    prim = dl.sector_units(tiny_map(), "primary").set_index("unit")
    assert list(prim.index) == ["alpha+beta", "gamma"]
    assert not prim.at["alpha+beta", "comparable"] and prim.at["alpha+beta", "nace"] == ""
    assert "no common code" in prim.at["alpha+beta", "reason"]
    alt = dl.sector_units(tiny_map(), "alternative").set_index("unit")
    assert alt.at["alpha+beta", "comparable"] and alt.at["alpha+beta", "nace"] == "C21"
    assert not alt.at["gamma", "comparable"]
    with pytest.raises(ValueError, match="unknown mapping 'broad'"):
        dl.mapping_view(tiny_map(), "broad")


def test_sector_table_keeps_non_comparable_units() -> None:
    m = tiny_map()
    assigned = dl.assign_dialogues(tiny_dialogues(), m, 0.1, False)
    st = dl.sector_table(assigned, tiny_actions(), m, tiny_adoption(), "primary", 2025).set_index("unit")
    assert list(st.index) == ["alpha+beta", "gamma"]  # area Z (no sector) is not a unit
    assert st.at["alpha+beta", "status"] == "not comparable" and np.isnan(st.at["alpha+beta", "adoption"])
    assert st.at["alpha+beta", "dialogues"] == 2 and st.at["alpha+beta", "participants"] == 120.0
    assert (st.at["alpha+beta", "flagship"], st.at["alpha+beta", "other"], st.at["alpha+beta", "actions"]) == (1, 1, 2)
    assert st.at["gamma", "status"] == "comparable"
    assert st.at["gamma", "adoption"] == 50.0 and st.at["gamma", "flag"] == "u"
    alt = dl.sector_table(assigned, tiny_actions(), m, tiny_adoption(), "alternative", 2024).set_index("unit")
    assert alt.at["alpha+beta", "adoption"] == 20.0 and alt.at["gamma", "status"] == "not comparable"


def test_sector_table_marks_missing_adoption_values() -> None:
    m = tiny_map()
    adoption = tiny_adoption()[lambda f: ~((f["nace"] == "J") & (f["year"] == 2025))]
    st = dl.sector_table(dl.assign_dialogues(tiny_dialogues(), m, 0.1, False), tiny_actions(), m, adoption,
                         "primary", 2025).set_index("unit")
    assert st.at["gamma", "status"] == "no value 2025" and np.isnan(st.at["gamma", "adoption"])


# ------------------------------------------------------------------------------------------ statistics
def test_spearman_on_a_known_example() -> None:
    # d = (-1, 1, -1, 1, 0): rho = 1 - 6·4 / (5·24) = 0.8
    assert dl.spearman([1, 2, 3, 4, 5], [2, 1, 4, 3, 5]) == pytest.approx(0.8)
    assert dl.spearman([1, 2, 3], [3, 2, 1]) == pytest.approx(-1.0)
    assert np.isnan(dl.spearman([1, 2, 3], [4, 4, 4]))


def test_bootstrap_is_reproducible_with_a_seed() -> None:
    x, y = list(range(1, 13)), [2, 1, 4, 3, 7, 5, 6, 12, 8, 11, 9, 10]
    a = dl.bootstrap_spearman(x, y, n_boot=500, seed=1)
    b = dl.bootstrap_spearman(x, y, n_boot=500, seed=1)
    c = dl.bootstrap_spearman(x, y, n_boot=500, seed=2)
    assert a == b
    assert (a["low"], a["high"]) != (c["low"], c["high"])
    assert a["n"] == 12 and a["rho"] == pytest.approx(dl.spearman(x, y))
    assert -1 <= a["low"] <= a["rho"] <= a["high"] <= 1
    assert 0 < a["n_valid"] <= 500 and 0 < a["p"] <= 1


def test_bootstrap_with_too_few_points() -> None:
    res = dl.bootstrap_spearman([1, 2], [2, 1], n_boot=100, seed=0)
    assert res["n"] == 2 and np.isnan(res["rho"]) and res["n_valid"] == 0


def test_open_vs_experts_exact_test() -> None:
    d = pd.DataFrame({"dialogue_id": list("abcde"), "level": "sectoral",
                      "format": ["open", "open", "open", "experts", "experts"],
                      "participants": [100, 200, 300, 10, 20], "participants_approx": True})
    res = dl.open_vs_experts(d, 0.1)
    assert (res["n_open"], res["n_experts"]) == (3, 2)
    assert res["u"] == 6.0 and res["rank_biserial"] == 1.0
    assert res["p_exact"] == pytest.approx(2 / comb(5, 2))
    assert res["p_permutation"] == pytest.approx(2 / comb(5, 2))
    assert res["median_ratio"] == pytest.approx(200 / 15)
    assert res["separated_within_band"]
    assert not dl.open_vs_experts(d.assign(participants=[100, 200, 300, 10, 95]), 0.1)["separated_within_band"]


def test_describe_rho_and_band_overlaps() -> None:
    assert dl.describe_rho(0.2, -0.3, 0.6) == "no clear rank association"
    assert dl.describe_rho(0.8, 0.2, 0.95, 0.01) == "positive rank association"
    assert dl.describe_rho(-0.8, -0.95, -0.1) == "negative rank association"
    assert dl.describe_rho(0.7, 0.05, 0.98, 0.07).startswith("tentative positive")
    assert dl.overlapping_band_pairs(pd.Series([90, 100, 200]), pd.Series([110, 120, 220])) == 1


# ------------------------------------------------------------------------------------------ timeline and deadlines
def test_timeline_days_before_adoption() -> None:
    tl = dl.timeline(tiny_dialogues()).set_index("dialogue_id")
    assert tl.at["D3", "days_before"] == 7  # 1 Oct → 8 Oct 2025
    assert tl.at["D1", "days_before"] == 190
    assert list(tl.index) == ["D1", "D2", "H1", "D3"]


def test_deadlines_by_quarter_grid() -> None:
    dq = dl.deadlines_by_quarter(tiny_actions())
    assert dq["actions"].sum() == 4
    periods = list(dict.fromkeys(dq["period"]))
    assert periods[:4] == ["Q1 2025", "Q2 2025", "Q3 2025", "Q4 2025"]
    assert "2026 (year only)" in periods and periods.index("2026 (year only)") == periods.index("Q4 2026") + 1
    assert "2025 (year only)" not in periods
    oe = dq[dq["open_ended"] & (dq["actions"] > 0)]
    assert oe[["period", "kind"]].values.tolist() == [["Q1 2026", "other"]]
    labels = dl.deadline_periods(tiny_actions())["label"].tolist()
    assert labels == ["Q4 2025", "from Q1 2026", "2026", "Q2 2027"]


def test_actions_by_area_keeps_annex_order() -> None:
    by = dl.actions_by_area(tiny_actions())
    assert by["area_fr"].tolist() == ["X", "Y", "Z"]
    assert by[["flagship", "other", "total"]].values.tolist() == [[1, 1, 2], [0, 1, 1], [1, 0, 1]]


# ------------------------------------------------------------------------------------------ parameters
def test_parameter_defaults_validate_without_data() -> None:
    p = validate("sector_dialogues", {}, check_data=False)
    assert (p.include_high_level, p.approx_band, p.mapping, p.n_boot, p.adoption_year) == (
        False, 0.1, "primary", 2000, None)


@pytest.mark.parametrize(("values", "message"), [
    ({"bogus": 1}, "unknown parameter(s) bogus; valid parameters: include_high_level"),
    ({"n_boot": "2000"}, "n_boot='2000': Input should be a valid integer"),
    ({"include_high_level": "yes"}, "include_high_level='yes': Input should be a valid boolean"),
    ({"approx_band": 2.0}, "approx_band=2.0: Input should be less than 1"),
    ({"approx_band": -0.1}, "approx_band=-0.1: Input should be greater than or equal to 0"),
    ({"mapping": "broad"}, "mapping='broad': Input should be 'primary' or 'alternative'"),
    ({"n_boot": 10}, "n_boot=10: Input should be greater than or equal to 100"),
    ({"adoption_year": "2025"}, "adoption_year='2025'"),
])
def test_invalid_parameters_are_rejected(values: dict, message: str) -> None:
    with pytest.raises(ParameterError) as err:
        validate("sector_dialogues", values, check_data=False)
    assert message in str(err.value)
    assert str(err.value).startswith("sector_dialogues:")


def test_cli_coercion_then_range_check() -> None:
    assert coerce_cli("sector_dialogues", "approx_band", "2") == 2.0
    assert coerce_cli("sector_dialogues", "adoption_year", "none") is None
    with pytest.raises(ParameterError, match="less than 1"):
        validate("sector_dialogues", {"approx_band": coerce_cli("sector_dialogues", "approx_band", "2")},
                 check_data=False)


# ------------------------------------------------------------------------------------------ sector_map.csv
def test_sector_map_schema_and_coverage() -> None:
    m = dl.load_sector_map()
    assert m["sector"].is_unique and len(m) == 12
    raw_dialogues = pd.read_csv(STRATEGY / "dialogues.csv", dtype=str, keep_default_na=False)
    raw_actions = pd.read_csv(STRATEGY / "actions.csv", dtype=str, keep_default_na=False)
    annex1 = set(raw_dialogues.loc[raw_dialogues["level"] == "sectoral", "sectors_fr"])
    assert annex1 == set(m["annex1_sector_fr"])
    annex3 = set(raw_actions.loc[raw_actions["group_fr"] != "", "area_fr"])
    assert annex3 == set(SECTORAL_AREAS_FR) <= set(m["annex3_area_fr"])
    for mapping in dl.MAPPINGS:
        view = dl.mapping_view(m, mapping)
        assert (view["comparable"] == (view["nace"] != "")).all()
        assert view["reason"].str.len().min() > 10
        assert (~view["comparable"]).any() and view["comparable"].any()
    for text in raw_dialogues.loc[raw_dialogues["level"] == "high-level", "sectors_fr"]:
        assert dl._high_level_sectors(text, dl.mapping_view(m, "primary"))  # every word covered
    d19 = raw_dialogues.loc[raw_dialogues["dialogue_id"] == "D19", "sectors_fr"].iloc[0]
    assert len(dl._high_level_sectors(d19, dl.mapping_view(m, "primary"))) == 8


def test_non_comparable_sectors_outside_the_survey_scope() -> None:
    prim = dl.mapping_view(dl.load_sector_map(), "primary").set_index("sector")
    for sector in ("health", "public_sector"):
        assert not prim.at[sector, "comparable"]
    assert "outside" in prim.at["public_sector", "reason"]


def test_sector_map_schema_rejects_inconsistent_rows(tmp_path: Path) -> None:
    bad = pd.read_csv(STRATEGY / dl.SECTOR_MAP_FILE, dtype=str, keep_default_na=False)
    bad.loc[0, "comparable_primary"] = "true"  # health: true with an empty code
    bad.to_csv(tmp_path / "map.csv", index=False)
    with pytest.raises(pandera.errors.SchemaError, match="must be true exactly when the nace code is set"):
        dl.load_sector_map(tmp_path / "map.csv")
    bad = pd.read_csv(STRATEGY / dl.SECTOR_MAP_FILE, dtype=str, keep_default_na=False)
    bad.loc[0, "nace_primary"] = "Q"
    bad.loc[0, "comparable_primary"] = "true"
    bad.to_csv(tmp_path / "map.csv", index=False)
    with pytest.raises(pandera.errors.SchemaError):
        dl.load_sector_map(tmp_path / "map.csv")


def test_adoption_date_is_the_strategy_date() -> None:
    seed = config.seeds_dir() / "000_81fec92c49a045ae.txt"
    if not seed.exists():
        pytest.skip("seed file absent")
    text = seed.read_text(encoding="utf-8")
    assert "Bruxelles, le 8.10.2025" in text and "COM(2025) 723 final" in text
    assert dl.ADOPTION_DATE == pd.Timestamp("2025-10-08")


# ------------------------------------------------------------------------------------------ integration
@pytest.fixture(scope="module")
def raw_tables() -> tuple[pd.DataFrame, pd.DataFrame]:
    """The committed annex tables read directly with pandas (independent of analysis.annexes)."""
    return (pd.read_csv(STRATEGY / "dialogues.csv", keep_default_na=False),
            pd.read_csv(STRATEGY / "actions.csv", keep_default_na=False))


@pytest.fixture(scope="module")
def chapter(processed: Path) -> dict:
    from analysis import process

    d = dl.prepare_dialogues(process.load("dialogues"))
    a = dl.prepare_actions(process.load("actions"))
    return {"dialogues": d, "actions": a, "totals": dl.totals(d, 0.1).set_index("level"),
            "ai": process.load("ai_adoption")}


@pytest.mark.integration
def test_chapter_totals_equal_the_annex_tables(chapter: dict, raw_tables: tuple) -> None:
    raw_d, raw_a = raw_tables
    tot = chapter["totals"]
    assert tot.at["all", "dialogues"] == len(raw_d) == 19
    assert tot.at["sectoral", "dialogues"] == (raw_d["level"] == "sectoral").sum() == 17
    assert tot.at["high-level", "dialogues"] == (raw_d["level"] == "high-level").sum() == 2
    assert tot.at["all", "participants"] == raw_d["participants"].sum()
    assert tot.at["sectoral", "participants"] == raw_d.loc[raw_d["level"] == "sectoral", "participants"].sum()
    assert tot.at["all", "participants_low"] == pytest.approx(0.9 * raw_d["participants"].sum())
    kinds = raw_a["kind"].value_counts()
    assert len(chapter["actions"]) == len(raw_a) == 70 == kinds["flagship"] + kinds["other"]
    assert dl.actions_by_area(chapter["actions"])["total"].sum() == 70
    assert dl.deadlines_by_quarter(chapter["actions"])["actions"].sum() == 70
    ove = dl.open_vs_experts(chapter["dialogues"])
    assert (ove["n_open"], ove["n_experts"]) == (9, 8)


@pytest.mark.integration
def test_processed_sector_map_equals_the_committed_file(processed: Path) -> None:
    from analysis import process

    committed = dl.load_sector_map().sort_values("sector").reset_index(drop=True)
    pd.testing.assert_frame_equal(dl.prepare_sector_map(process.load("sector_map")), committed)


@pytest.mark.integration
def test_sector_table_on_the_real_data(chapter: dict) -> None:
    m = dl.load_sector_map()
    ai = chapter["ai"]
    year = dl.resolve_year(ai, None)
    assert year == max(dl.adoption_years(ai))
    adoption = dl.sector_adoption(ai)
    for mapping in dl.MAPPINGS:
        for hl in (False, True):
            assigned = dl.assign_dialogues(chapter["dialogues"], m, 0.1, hl)
            st = dl.sector_table(assigned, chapter["actions"], m, adoption, mapping, year)
            assert len(st) == 11 and st["actions"].sum() == 54  # the eleven sector areas, all kept
            total = chapter["totals"].at["all" if hl else "sectoral", "participants"]
            assert st["participants"].sum() == pytest.approx(total)
            assert st["status"].isin(["comparable", "not comparable"]).all()
            assert st.loc[st["status"] == "comparable", "adoption"].between(0, 100).all()
            corr = dl.sector_correlations(st, 200, 1)
            assert corr["n"].tolist() == [11, *[int((st["status"] == "comparable").sum())] * 2]
    with pytest.raises(ValueError, match="not in isoc_eb_ain2"):
        dl.resolve_year(ai, 1999)


@pytest.mark.integration
def test_adoption_year_not_in_data_is_rejected(processed: Path) -> None:
    with pytest.raises(ParameterError) as err:
        validate("sector_dialogues", {"adoption_year": 1999})
    assert "sector_dialogues: parameter adoption_year=1999 is not valid; choose one of: None, 2021" in str(err.value)
    assert validate("sector_dialogues", {"adoption_year": 2024}).adoption_year == 2024


@pytest.mark.integration
def test_cli_rejects_a_band_out_of_range(processed: Path) -> None:
    res = subprocess.run([sys.executable, "-m", "analysis", "run", "sector_dialogues", "-p", "approx_band", "2"],
                         capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert res.returncode != 0
    assert "approx_band=2.0: Input should be less than 1" in res.stdout + res.stderr


@pytest.mark.integration
def test_notebook_headline_reports_the_annex_totals(chapter: dict, raw_tables: tuple) -> None:
    raw_d, raw_a = raw_tables
    nb = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    text = "".join("".join(o.get("text", "")) for c in nb["cells"] if c["cell_type"] == "code"
                   for o in c.get("outputs", []))
    n_sec = int((raw_d["level"] == "sectoral").sum())
    assert f"Dialogues: {len(raw_d)} ({n_sec} sectoral + {len(raw_d) - n_sec} high-level)" in text
    assert f"Participants as stated: {raw_d['participants'].sum()} " in text
    kinds = raw_a["kind"].value_counts()
    assert f"Actions: {len(raw_a)} = {kinds['flagship']} flagship + {kinds['other']} other" in text
    ove = dl.open_vs_experts(chapter["dialogues"])
    assert f"Mann-Whitney U = {ove['u']:.0f}, exact two-sided p = {ove['p_exact']:.2e}" in text
    assert text.count("Spearman ") == len(dl.CORRELATIONS)
