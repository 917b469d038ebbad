"""Chapter "Who was heard": dialogues, actions, sector mapping and sector adoption (analysis.chapters.dialogues)."""

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

from analysis.chapters import dialogues as dl
from analysis.chapters.params import ParameterError, coerce_cli, validate
from analysis.core import config
from analysis.readers.annexes import SECTORAL_AREAS_FR

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
    assert dl.approx_label(127.5) == "≈ 128" and dl.approx_label(126.5) == "≈ 127"  # not banker's 128 / 126


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


def test_exact_permutation_p_on_four_points_by_hand() -> None:
    # n = 4: 24 pairings; rho = 1 - sum(d²)/10. y = (1, 2, 4, 3): sum d² = 2, rho = 0.8.
    # |rho| >= 0.8 needs sum d² <= 2 (identity + 3 adjacent swaps) or >= 18 (reverse + 3): 8 of 24 pairings.
    p, k = dl.exact_permutation_p([1, 2, 3, 4], [1, 2, 4, 3])
    assert k == 24 and p == pytest.approx(8 / 24)
    # perfect order: only the identity and the reverse reach |rho| = 1
    p, _ = dl.exact_permutation_p([10, 20, 30, 40], [1, 2, 3, 4])
    assert p == pytest.approx(2 / 24)
    # a negative rho of the same size gives the same two-sided p
    assert dl.exact_permutation_p([1, 2, 3, 4], [3, 4, 2, 1])[0] == pytest.approx(8 / 24)


def test_spearman_test_is_exact_up_to_eight_points_and_silent_above() -> None:
    res = dl.spearman_test([1, 2, 3, 4], [1, 2, 4, 3])
    assert res["exact"] and res["permutations"] == 24 and res["rho"] == pytest.approx(0.8)
    y9 = [1, 0, 2, 3, 5, 4, 6, 8, 7]
    res = dl.spearman_test(list(range(9)), y9)
    assert not res["exact"] and np.isnan(res["p"]) and res["permutations"] == 0
    assert res["rho"] == pytest.approx(dl.spearman(list(range(9)), y9))
    few = dl.spearman_test([1, 2], [2, 1])
    assert few["n"] == 2 and np.isnan(few["rho"]) and np.isnan(few["p"])
    with pytest.raises(ValueError, match="n = 9 > 8"):
        dl.exact_permutation_p(list(range(9)), list(range(9)))
    with pytest.raises(ValueError, match="same length"):
        dl.spearman_test([1, 2, 3], [1, 2])


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


def test_describe_rho_follows_the_sign_and_always_says_description() -> None:
    pos = dl.describe_rho(0.8, 4, 1 / 3)
    assert "same order" in pos and "ρ = 0.80 on 4 points" in pos and "p = 0.333" in pos and "24 pairings" in pos
    neg = dl.describe_rho(-0.5, 7, 0.2627)
    assert "opposite order" in neg and "same order" not in neg and "5,040 pairings" in neg
    none = dl.describe_rho(0.3, 11)
    assert "no test" in none and "p =" not in none
    for text in (pos, neg, none):
        assert text.endswith("description, not evidence of a link")
    assert "unrelated" in dl.describe_rho(0.0, 5, 1.0)
    assert "p = < 0.001" in dl.describe_rho(0.99, 8, 0.0004)  # through fmt.pvalue
    assert "can be computed" in dl.describe_rho(float("nan"), 2)
    weak = dl.describe_rho(0.06, 11)
    assert "practically unrelated" in weak and "same order" not in weak


def test_band_overlaps() -> None:
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
    assert (p.include_high_level, p.approx_band, p.mapping, p.adoption_year) == (False, 0.1, "primary", None)


@pytest.mark.parametrize(("values", "message"), [
    ({"bogus": 1}, "unknown parameter(s) bogus; valid parameters: include_high_level"),
    ({"seed": "1"}, "seed='1': Input should be a valid integer"),
    ({"n_boot": 2000}, "unknown parameter(s) n_boot"),
    ({"include_high_level": "yes"}, "include_high_level='yes': Input should be a valid boolean"),
    ({"approx_band": 2.0}, "approx_band=2.0: Input should be less than 1"),
    ({"approx_band": -0.1}, "approx_band=-0.1: Input should be greater than or equal to 0"),
    ({"mapping": "broad"}, "mapping='broad': Input should be 'primary' or 'alternative'"),
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
    """The committed annex tables read directly with pandas (independent of analysis.readers.annexes)."""
    return (pd.read_csv(STRATEGY / "dialogues.csv", keep_default_na=False),
            pd.read_csv(STRATEGY / "actions.csv", keep_default_na=False))


@pytest.fixture(scope="module")
def chapter(processed: Path) -> dict:
    from analysis.tables import process

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
    from analysis.tables import process

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
            corr = dl.sector_correlations(st)
            n_comp = int((st["status"] == "comparable").sum())
            assert corr["n"].tolist() == [11, n_comp, n_comp]
            assert corr["exact"].tolist() == [False, n_comp <= dl.EXACT_MAX_N, n_comp <= dl.EXACT_MAX_N]
            assert corr["reading"].str.endswith("description, not evidence of a link").all()
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


# ------------------------------------------------------------------------------------------ sector adoption
def adoption_map() -> pd.DataFrame:
    """Four sectors: two measured (J, H), agrifood measured in part (C10-C12), health not measured."""
    return pd.DataFrame({
        "sector": ["media", "mobility", "agrifood", "health"],
        "sector_en": ["Media", "Mobility", "Agri-food", "Health"],
        "annex1_sector_fr": ["M", "Mo", "A", "H"], "annex1_high_level_fr": ["", "", "", ""],
        "annex3_area_fr": ["", "", "", ""],
        "nace_primary": ["J", "H", "C10-C12", ""], "comparable_primary": [True, True, True, False],
        "reason_primary": ["media are in J", "transport is H", "food manufacturing; farming outside", "outside scope"],
        "nace_alternative": ["J", "H", "", ""], "comparable_alternative": [True, True, False, False],
        "reason_alternative": ["media are in J", "transport is H", "agriculture is outside", "outside scope"],
    })


def adoption_rows() -> pd.DataFrame:
    return pd.DataFrame({
        "nace": ["J", "H", "C10-C12", "C10-S951_X_K", "J", "H", "C10-C12", "C10-S951_X_K"],
        "year": [2024, 2024, 2024, 2024, 2025, 2025, 2025, 2025],
        "value": [40.0, 8.0, np.nan, 13.0, 62.45, 11.15, 12.5, 19.95],
        "flag": ["", "", "", "", "", "u", "", ""],
    })


def test_flagship_adoption_keeps_every_sector_and_carries_flags() -> None:
    fa = dl.flagship_adoption(adoption_map(), adoption_rows(), "primary").set_index("sector")
    assert list(fa.index) == ["media", "mobility", "agrifood", "health"]
    assert fa["coverage"].to_dict() == {"media": "covered", "mobility": "covered", "agrifood": "partly covered",
                                        "health": "not covered"}
    assert fa.at["mobility", "value_2025"] == 11.15 and fa.at["mobility", "flag_2025"] == "u"
    assert np.isnan(fa.at["agrifood", "value_2024"])  # missing stays missing, not 0
    assert np.isnan(fa.at["health", "value_2025"]) and fa.at["health", "activity"] == ""
    assert fa.at["mobility", "activity"] == "transportation and storage (H)"
    alt = dl.flagship_adoption(adoption_map(), adoption_rows(), "alternative").set_index("sector")
    assert alt.at["agrifood", "coverage"] == "not covered"


def test_flagship_adoption_sentence_names_lowest_highest_and_counts_against_the_average() -> None:
    fa = dl.flagship_adoption(adoption_map(), adoption_rows(), "primary")
    avg, flag = dl.all_activities(adoption_rows(), 2025)
    assert (avg, flag) == (19.95, "")
    text = dl.flagship_adoption_sentence(fa, 2025, avg)
    assert "3 of the strategy's 4 sectors can be measured" in text
    assert "from 11.2 u % in Mobility (transportation and storage (H))" in text  # 11.15 → 11.2, flag carried
    assert "to 62.5 % in Media" in text  # 62.45 → 62.5 (half away from zero)
    assert "1 lie above and 2 below the 20.0 % of all activities" in text  # 19.95 → 20.0
    assert "does not measure Health" in text and "Agri-food is measured by food" in text
    # reversed values: the sentence follows the data
    rev = adoption_rows().assign(value=[40.0, 8.0, np.nan, 13.0, 5.0, 70.0, 12.5, 19.95])
    text = dl.flagship_adoption_sentence(dl.flagship_adoption(adoption_map(), rev, "primary"), 2025, 19.95)
    assert "from 5.0 % in Media" in text and "to 70.0 u % in Mobility" in text
    assert "1 lie above and 2 below" in text
    assert np.isnan(dl.all_activities(adoption_rows(), 1999)[0])


def test_flagship_adoption_table_and_alt_text() -> None:
    fa = dl.flagship_adoption(adoption_map(), adoption_rows(), "primary")
    tab = dl.flagship_adoption_table(fa)
    assert tab.columns.tolist() == ["Sector", "Activity measured (NACE)", "2024 (%)", "2025 (%)", "Coverage"]
    assert tab["2025 (%)"].tolist() == ["62.5", "11.2 u", "12.5", "–"]
    assert tab["2024 (%)"].tolist()[2] == "–"
    assert tab["Coverage"].iloc[2].startswith("partly covered: food")
    alt = dl.flagship_adoption_alt(fa, 2025, 19.95)
    assert alt.index("Media 62.5 %") < alt.index("Agri-food 12.5 %") < alt.index("Mobility 11.2 u %")
    assert "No bar (not measured): Health" in alt and "all activities, 20.0 %" in alt


def test_partial_coverage_matches_the_committed_map() -> None:
    prim = dl.mapping_view(dl.load_sector_map(), "primary").set_index("sector")
    for sector in dl.PARTIAL_COVERAGE:
        assert prim.at[sector, "comparable"] and "outside" in prim.at[sector, "reason"]
    assert set(dl.NACE_CODES) <= set(dl.NACE_LABELS)


# ------------------------------------------------------------------------------------------ chapter text
def test_totals_texts_round_half_away_and_headline() -> None:
    d = tiny_dialogues().assign(participants=[105, 20, 50, 10])  # 185 ± 10 % of 135 approx: 171.5–198.5
    t = dl.totals_texts(d, tiny_actions(), 0.1)
    assert (t["participants_low"], t["participants_high_end"]) == ("172", "199")  # not banker's 172 / 198
    assert (t["n_dialogues"], t["n_sectoral"], t["n_high"], t["n_approx"]) == ("4", "3", "1", "3")
    assert (t["n_actions"], t["n_flagship"], t["n_other"], t["band_pct"]) == ("4", "2", "2", "10")
    lines = dl.headline_totals(d, tiny_actions(), 0.1)
    assert lines[0] == "Dialogues: 4 (3 sectoral + 1 high-level)" and lines[2] == "Actions: 4 = 2 flagship + 2 other"


def test_open_experts_texts_follow_the_direction() -> None:
    glm = {"rate_ratio": 13.25, "low": 8.2, "high": 21.45, "alpha": 0.234}
    base = {"n_open": 3, "n_experts": 2, "median_open": 200.0, "median_experts": 15.0, "median_ratio": 13.35,
            "u": 6.0, "p_exact": 0.2, "p_permutation": 0.0004, "separated_within_band": True}
    t = dl.open_experts_texts({**base, "rank_biserial": 1.0}, glm)
    assert t["separation_sentence"].startswith("Every open dialogue was larger")
    assert (t["mw_p"], t["mw_p_perm"], t["n_splits"]) == ("0.200", "< 0.001", "10")
    assert (t["median_ratio"], t["glm_rr"], t["glm_ci"]) == ("13.4", "13.3", "8.2–21.5")  # half away from zero
    assert dl.open_experts_texts({**base, "rank_biserial": -1.0}, glm)["separation_sentence"].startswith(
        "Every expert-only dialogue was larger")
    assert "mostly smaller" in dl.open_experts_texts({**base, "rank_biserial": -0.4}, glm)["separation_sentence"]
    assert "mostly larger" in dl.open_experts_texts({**base, "rank_biserial": 0.4}, glm)["separation_sentence"]
    sep = dl.open_experts_texts({**base, "rank_biserial": 1.0, "separated_within_band": False}, glm)
    assert sep["separated"] == "no longer holds"


def test_deadline_texts_keep_a_year_only_target_out_of_the_quarters() -> None:
    a = tiny_actions()  # Q4 2025, from Q1 2026, 2026 (year only), Q2 2027
    t = dl.deadline_texts(a)
    assert t["n_year_only"] == "1" and t["n_open_ended"] == "1"
    assert t["deadlines_by_year"] == "1 in 2025, 2 in 2026, 1 in 2027"
    assert (t["first_deadline"], t["last_deadline"]) == ("Q4 2025", "Q2 2027")
    # two year-only targets make "2026 (year only)" the busiest period, never a quarter of 2026
    more = pd.concat([a, a.iloc[[2]].assign(action_id="A5")], ignore_index=True)
    t = dl.deadline_texts(more)
    assert (t["peak_period"], t["peak_n"]) == ("2026 (year only)", "2")
    assert "year only" in dl.alt_deadlines(more)


def test_action_and_timeline_texts() -> None:
    by = dl.actions_by_area(tiny_actions())
    t = dl.action_texts(by)
    assert (t["top_area"], t["top_area_n"], t["top_area_flag"]) == ("Area X", "2", "1")
    assert t["most_flag_area"] == "Area X"  # tie with Area Z at one flagship: the annex's order decides
    tl = dl.timeline(tiny_dialogues())
    tt = dl.timeline_texts(tl)
    assert (tt["first_date"], tt["max_days"], tt["min_days"], tt["gap_days"]) == ("1 April 2025", "190", "7", "61")
    assert tt["range_2025"] == "April–October 2025"


def test_reader_tables_use_names_and_formatted_values() -> None:
    m = tiny_map()
    st = dl.sector_table(dl.assign_dialogues(tiny_dialogues(), m, 0.1, False), tiny_actions(), m, tiny_adoption(),
                         "primary", 2025)
    view = dl.sector_view_table(st, 2025)
    assert view["Activity compared (NACE)"].tolist() == ["–", "information and communication (J)"]
    assert view["AI adoption 2025 (%)"].tolist() == ["–", "50.0 u"]
    assert view["Participants"].tolist() == ["≈ 120", "≈ 50"]
    dt = dl.dialogue_table(tiny_dialogues())
    assert dt["Format"].tolist()[:2] == ["Open to all", "Experts only"] and dt["Date"].iloc[0] == "1 April 2025"
    alt = dl.alt_scatter(st, "participants", "actions", "Spearman ρ = 1.00 on 2 points")
    assert "Area X: 120, 2; Area Y: 50, 1" in alt and alt.endswith("on 2 points.")
    assert dl.alt_participants_by_sector(dl.participation_by_sector(
        dl.assign_dialogues(tiny_dialogues(), m, 0.1, False), m)).index("Alpha about 100") > 0


def test_comparison_texts_list_what_is_not_compared() -> None:
    m = tiny_map()
    st = dl.sector_table(dl.assign_dialogues(tiny_dialogues(), m, 0.1, False), tiny_actions(), m, tiny_adoption(),
                         "primary", 2025)
    t = dl.comparison_texts(st, dl.sector_correlations(st), "primary", 2025, 2025)
    assert t["not_comparable"] == "Area X" and t["n_comparable"] == "1" and t["n_units"] == "2"
    assert "not strictly comparable" in t["timing_note"]
    assert "later waves exist" in dl.comparison_texts(st, dl.sector_correlations(st), "primary", 2024, 2025)[
        "timing_note"]
    assert "can be computed on these 2 points" in t["reading_participants_actions"]


@pytest.mark.integration
def test_notebook_is_thin_with_hidden_headlines_and_no_reprs(processed: Path) -> None:
    import re

    nb = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    lines = [ln for c in code for ln in "".join(c["source"]).splitlines() if ln.strip()]
    assert len(lines) < 150
    assert not any(re.search(r'\bf"', ln) for ln in lines), "prose f-strings belong in analysis.chapters.dialogues"
    assert not any(".style" in ln for ln in lines), "tables go through figures.table"
    head = [c for c in code if "NBVAL_CHECK_OUTPUT" in "".join(c["source"])]
    assert len(head) == 3 and all("remove-cell" in c["metadata"].get("tags", []) for c in head)
    assert "execute_result" not in {o["output_type"] for c in code for o in c.get("outputs", [])}
    publishes = sum("figures.publish(" in "".join(c["source"]) for c in code)
    alts = sum("alt=" in "".join(c["source"]) for c in code)
    assert publishes == alts == 8


def test_unmeasured_actions_sentence_follows_the_data() -> None:
    st = pd.DataFrame({"area_en": ["Health", "Media", "Energy"], "actions": [12, 4, 3],
                       "status": ["not comparable", "comparable", "no value 2025"]})
    text = dl.unmeasured_actions_sentence(st)
    assert text.startswith("15 of the 19 sector actions concern areas without an adoption value (2 of 3 areas)")
    assert "among them the area with most actions, Health (12)" in text
    measured = st.assign(actions=[1, 4, 3])
    assert "the area with most actions, Media (4), is measured" in dl.unmeasured_actions_sentence(measured)
