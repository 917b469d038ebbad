"""analysis.chapters.exposure, the chapter's sentences: their premises (index counts, ties, the sector bound and its
sensitivity, the definition table), the rounding rule, alt texts and the thin notebook. Expected values are
computed by hand in the comments, never with the function under test."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.chapters import exposure as ex

ROOT = Path(__file__).resolve().parents[1]
G = "Exposed: Gradient "


# ------------------------------------------------------------------------------------------ fixtures
def _indices(scores: dict[str, dict[str, float]]) -> pd.DataFrame:
    """A hand-made ``exposure_indices`` (only the columns :func:`unit_scores` reads)."""
    rows = [{"isco08": code, "index": name, "score": s, "score_bls": np.nan}
            for name, by in scores.items() for code, s in by.items()]
    return pd.DataFrame(rows)


def _ilo(gradients: dict[str, str]) -> pd.DataFrame:
    return pd.DataFrame({"isco08": list(gradients), "index_version": 2025, "gradient": list(gradients.values())})


CODES = ["1111", "1112", "1113", "1114", "1115"]
#: ILO 2025: 2 of 5 unit groups in gradients 1-4 → top share 0.4.
ILO = _ilo({"1111": f"{G}4", "1112": f"{G}1", "1113": "Minimal Exposure", "1114": "Not Exposed",
            "1115": "Not Exposed"})


# ------------------------------------------------------------------------------------------ ties and counts
def test_top_k_rounds_half_away_from_zero() -> None:
    assert ex.top_k(0.25, 2) == 1  # 0.5 → 1 (Python's round would give 0)
    assert ex.top_k(0.125, 20) == 3  # 2.5 → 3 (round: 2)
    assert ex.top_k(0.4, 5) == 2


def test_exposed_units_tie_rules_at_the_cut() -> None:
    s = pd.Series([0.9, 0.5, 0.5, 0.5, 0.1], index=CODES)
    # top share 0.4 of 5 → k = 2; the 2nd highest score 0.5 is shared by 1112, 1113, 1114
    incl = ex.exposed_units(s, "gradient", "ilo2023", top_share=0.4, ties="include")
    assert incl.to_dict() == {"1111": 1.0, "1112": 1.0, "1113": 1.0, "1114": 1.0, "1115": 0.0}
    code = ex.exposed_units(s, "gradient", "ilo2023", top_share=0.4, ties="code")
    assert code.to_dict() == {"1111": 1.0, "1112": 1.0, "1113": 0.0, "1114": 0.0, "1115": 0.0}
    # the rule does not depend on the order of the input
    rev = ex.exposed_units(s.iloc[::-1], "gradient", "ilo2023", top_share=0.4, ties="code")
    assert rev.sort_index().to_dict() == code.to_dict()
    with pytest.raises(ValueError, match="tie rule"):
        ex.exposed_units(s, "gradient", "ilo2023", top_share=0.4, ties="random")  # type: ignore[arg-type]


def test_threshold_exactly_on_the_cut_is_exposed() -> None:
    s = pd.Series([0.5, 0.49999, 0.51], index=["1111", "1112", "1113"])
    out = ex.exposed_units(s, "threshold", "ilo2025", threshold=0.5)
    assert out.to_dict() == {"1111": 1.0, "1112": 0.0, "1113": 1.0}


def test_percentile_threshold_quantile_definition_exact() -> None:
    # z-score index: percentile rank with method "max": [1, 2, 2, 4] → 0.25, 0.75, 0.75, 1.0
    s = pd.Series([1.0, 2.0, 2.0, 4.0], index=["1111", "1112", "1113", "1114"])
    out = ex.exposed_units(s, "threshold", "aioe", threshold=0.75)
    assert out.to_dict() == {"1111": 0.0, "1112": 1.0, "1113": 1.0, "1114": 1.0}
    out = ex.exposed_units(s, "threshold", "aioe", threshold=0.76)
    assert out.to_dict() == {"1111": 0.0, "1112": 0.0, "1113": 0.0, "1114": 1.0}


def test_flag_counts_differ_by_coverage_and_ties_and_text_says_so() -> None:
    ind = _indices({
        "ilo2025": dict(zip(CODES, [0.8, 0.6, 0.3, 0.2, 0.1], strict=True)),
        "ilo2023": dict(zip(CODES, [0.9, 0.5, 0.5, 0.5, 0.1], strict=True)),  # ties at the cut
        "aioe": dict(zip(CODES, [2.0, 1.0, 0.0, np.nan, np.nan], strict=True)),  # 3 scored → k = round(1.2) = 1
    })
    counts = ex.index_flag_counts(ind, ILO, names=("ilo2025", "ilo2023", "aioe")).set_index("index")
    assert counts.loc["ilo2025", "n_flagged"] == 2
    assert counts.loc["ilo2023", "n_flagged"] == 2 and counts.loc["ilo2023", "n_flagged_ties"] == 4
    assert counts.loc["ilo2023", "n_tied_at_cut"] == 3 and counts.loc["ilo2023", "cut_score"] == 0.5
    assert counts.loc["aioe", "n_scored"] == 3 and counts.loc["aioe", "n_flagged"] == 1
    text = ex.index_count_sentence(counts.reset_index())
    assert "do not flag the same number" in text and "Every index flags the same number" not in text
    assert "ILO 2023 2 of 5 (4 if all 3 unit groups tied at the cut-off score 0.500 were flagged)" in text
    assert "AIOE 1 of 3" in text and "Coverage: AIOE score fewer" in text
    assert "Ties: under ILO 2023" in text and ex.TIE_RULE_TEXT in text


def test_same_counts_only_when_equal() -> None:
    ind = _indices({"ilo2025": dict(zip(CODES, [0.8, 0.6, 0.3, 0.2, 0.1], strict=True)),
                    "ilo2023": dict(zip(CODES, [0.9, 0.7, 0.5, 0.4, 0.1], strict=True))})
    counts = ex.index_flag_counts(ind, ILO, names=("ilo2025", "ilo2023"))
    assert counts["n_flagged"].tolist() == [2, 2]
    assert ex.index_count_sentence(counts).startswith("Every index flags the same number of unit groups.")
    # equal with the tie rule but not with ties included: not "the same number"
    ind_t = _indices({"ilo2025": dict(zip(CODES, [0.8, 0.6, 0.3, 0.2, 0.1], strict=True)),
                      "ilo2023": dict(zip(CODES, [0.9, 0.5, 0.5, 0.2, 0.1], strict=True))})
    text = ex.index_count_sentence(ex.index_flag_counts(ind_t, ILO, names=("ilo2025", "ilo2023")))
    assert "do not flag the same number" in text and "3 if all 2 unit groups tied" in text


def test_tie_range_sentence_measures_what_ties_add() -> None:
    effect = pd.DataFrame({"label": ["A", "B", "C"], "exposed_pct": [30.0, 33.4, 31.0],
                           "exposed_pct_ties": [30.0, 36.15, 31.0]})
    text = ex.tie_range_sentence(effect)
    # shown 36.15 → 36.2 (half away); widths of the shown endpoints 3.4 and 6.2; ties add 2.8
    assert "from 30.0 % (A) to 33.4 % (B) with the tie rule, a range of 3.4 pp" in text
    assert "30.0 % (A) to 36.2 % (B), a range of 6.2 pp: ties at the cut-off account for 2.8 pp" in text
    same = ex.tie_range_sentence(effect.assign(exposed_pct_ties=effect["exposed_pct"]))
    assert "would not change that range" in same and "account for" not in same


# ------------------------------------------------------------------------------------------ sector bound
@pytest.fixture
def sector_inputs() -> tuple[pd.DataFrame, pd.DataFrame, pd.Series, pd.Series]:
    cells = pd.DataFrame({"isco08": ["OC2", "OC5", "OC2", "OC4", "OC5", "OC0"],
                          "nace": ["P", "P", "K", "K", "Z", "Z"],
                          "value_thousands": [100.0, 100.0, 50.0, 50.0, 100.0, 10.0]})
    scores1 = pd.DataFrame({"score": [0.4, 0.6, 0.3], "exposed_share": [0.5, 1.0, 0.2]},
                           index=pd.Index(["OC2", "OC4", "OC5"], name="isco08"))
    return cells, scores1, pd.Series({"OC23": 0.2, "OC22": 0.1}), pd.Series({"OC23": 0.1, "OC22": 0.0})


def test_sector_sensitivity_replaces_the_major_group(sector_inputs) -> None:
    cells, scores1, scores2, exposed2 = sector_inputs
    sens = ex.sector_sensitivity(cells, scores1, scores2, exposed2, {"P": {"OC2": "OC23"}}).set_index("nace")
    # P: bound (100·0.5 + 100·0.2)/200 = 35 %; with OC23 (100·0.1 + 100·0.2)/200 = 15 %
    assert sens.loc["P", "exposed_pct"] == pytest.approx(35.0)
    assert sens.loc["P", "exposed_pct_2d"] == pytest.approx(15.0)
    assert sens.loc["P", "mean_score_2d"] == pytest.approx((100 * 0.2 + 100 * 0.3) / 200)
    assert sens.loc["P", "substituted"] == "OC2→OC23" and sens.loc["P", "low"] == pytest.approx(15.0)
    # K (75 %) and Z (20 %, armed forces unscored) unchanged
    assert sens.loc["K", "exposed_pct_2d"] == pytest.approx(75.0)
    assert sens.loc["Z", "exposed_pct"] == pytest.approx(20.0)
    with pytest.raises(KeyError, match="OC99"):
        ex.sector_sensitivity(cells, scores1, scores2, exposed2, {"P": {"OC2": "OC99"}})


def test_sector_sentence_states_no_order_when_the_sensitivity_changes_it(sector_inputs) -> None:
    cells, scores1, scores2, exposed2 = sector_inputs
    # bound: K 75, P 35, Z 20; sensitivity: K 75, Z 20, P 15 → the order changes (P and Z swap)
    sens = ex.sector_sensitivity(cells, scores1, scores2, exposed2, {"P": {"OC2": "OC23"}})
    text = ex.sector_sentence(sens, "XX", 2024)
    assert "does not rank sections" in text and "order of sections is the same" not in text
    assert "2 of 3 sections change rank" in text
    assert "the most exposed is Financial and insurance activities (K)" in text
    assert "least exposed" not in text  # the least exposed differs: Z vs P
    assert ("35.0 % of its employment in exposed occupations with major-group averages, 15.0 % if its professionals "
            "(OC2) were all teaching professionals (OC23)") in text
    assert "cannot say which figure is closer" in text


def test_sector_sentence_states_the_order_only_when_both_readings_agree(sector_inputs) -> None:
    cells, scores1, scores2, exposed2 = sector_inputs
    mild = pd.Series({"OC23": 0.4})  # P = (100·0.4 + 100·0.2)/200 = 30 %: still between K 75 and Z 20
    sens = ex.sector_sensitivity(cells, scores1, scores2, mild, {"P": {"OC2": "OC23"}})
    text = ex.sector_sentence(sens, "XX", 2024)
    assert ("order of sections is the same under both readings: most exposed Financial and insurance activities (K), "
            "least Z (Z)") in text
    assert "does not rank" not in text


def test_cell_missing_in_every_member_is_missing_not_zero() -> None:
    members = ("AA", "BB")
    sector = pd.DataFrame({"isco08": ["OC1", "OC1", "OC2", "OC2"], "nace": ["C"] * 4, "geo": ["AA", "BB"] * 2,
                           "year": [2024] * 4, "value_thousands": [10.0, 5.0, np.nan, np.nan],
                           "flag": ["", "", "u", "u"]})
    eu = ex.eu_sector_sum(sector, members).set_index("isco08")
    assert np.isnan(eu.loc["OC2", "value_thousands"]) and eu.loc["OC2", "n_present"] == 0
    scores1 = pd.DataFrame({"score": [0.2, 0.6], "exposed_share": [0.0, 1.0]}, index=["OC1", "OC2"])
    row = ex.sector_exposure(eu.reset_index(), scores1).iloc[0]
    assert row["exposed_pct"] == pytest.approx(0.0) and row["emp_scored"] == 15.0 and row["n_missing"] == 1


# ------------------------------------------------------------------------------------------ definitions table
@pytest.fixture
def table_inputs() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    ilo = _ilo({"1111": f"{G}4", "1112": f"{G}1", "2111": "Minimal Exposure", "2112": "Not Exposed"})
    ind = _indices({"ilo2025": {"1111": 0.7, "1112": 0.5, "2111": 0.3, "2112": 0.1, "0110": np.nan}})
    emp = pd.DataFrame({"isco08": ["OC11", "OC21", "OC01", "TOTAL"], "geo": "XX", "year": 2025,
                        "value_thousands": [100.0, 300.0, 5.0, 405.0], "flag": ["", "", "u", ""]})
    return ind, ilo, emp


def test_sensitivity_table_by_hand(table_inputs) -> None:
    ind, ilo, emp = table_inputs
    t = ex.sensitivity_table(ind, ilo, emp, "XX", 2025).set_index(["definition", "weighting"])
    eq = "unit groups equal within 2-digit groups"
    # 1–4: OC11 1.0, OC21 0 → 100/400 = 25 %; 4 only: OC11 0.5 → 12.5 %; minimal + 1–4: OC21 0.5 → 62.5 %
    assert t.loc[("gradients 1–4", eq), "exposed_pct"] == pytest.approx(25.0)
    assert t.loc[("gradient 4 only", eq), "exposed_pct"] == pytest.approx(12.5)
    assert t.loc[("gradients 1–3", eq), "exposed_pct"] == pytest.approx(12.5)
    assert t.loc[("gradients 3–4", eq), "exposed_pct"] == pytest.approx(12.5)
    assert t.loc[("minimal exposure and gradients 1–4", eq), "exposed_pct"] == pytest.approx(62.5)
    assert t.loc[("gradients 1–4", eq), "n_units"] == 2
    assert t["headline"].sum() == 1 and t.loc[("gradients 1–4", eq), "headline"]
    w = t.loc[("gradients 1–4", "unit groups weighted by employment")]
    assert np.isnan(w["exposed_pct"]) and w["note"] == ex.NO_4DIGIT_WEIGHTS


def test_sensitivity_display_and_sentence(table_inputs) -> None:
    ind, ilo, emp = table_inputs
    t = ex.sensitivity_table(ind, ilo, emp, "XX", 2025)
    d = ex.sensitivity_display(t, "XX")
    assert d["XX employment exposed"].tolist() == ["25.0 %", "12.5 %", "12.5 %", "12.5 %", "12.5 %", "62.5 %",
                                                   "not computable"]
    assert d["Headline"].tolist()[0] == "✓ headline" and set(d["Headline"].tolist()[1:]) == {""}
    text = ex.sensitivity_sentence(t, "XX")
    assert text.startswith("The headline counts gradients 1–4 (25.0 % of XX employment).")
    assert "highest gradient (12.5 %)" in text and "not computable" in text
    with pytest.raises(ValueError, match="unknown ILO category"):
        ex.gradient_flags(ind.set_index("isco08")["score"], ilo.set_index("isco08")["gradient"], ("Gradient 9",))


# ------------------------------------------------------------------------------------------ rounding, names, flags
def _countries(rows: list[tuple[str, float, float, float]]) -> pd.DataFrame:
    return pd.DataFrame([{"geo": g, "exposed_pct": e, "coverage_pct": c, "u_pct": u, "mean_score": 0.3125,
                          "emp_scored": 1000.0, "emp_unscored": 12.5, "unscored": "OC01", "n_missing": 0,
                          "missing": ""} for g, e, c, u in rows])


def test_country_texts_round_half_away_names_and_coverage() -> None:
    c = _countries([("EU27_2020", 32.65, 99.0, 0.0), ("RO", 24.25, 99.0, 0.0), ("NL", 38.85, 99.0, 2.0),
                    ("LU", 53.1, 76.6, 0.0)])
    t = ex.country_texts(c, "NL", 2025)
    assert t["eu_exposed"] == "32.7 %" and t["eu_mean"] == "0.313"  # 32.65 → 32.7, 0.3125 → 0.313
    assert (t["ms_min"], t["ms_min_geo"], t["ms_max"], t["ms_max_geo"]) == ("24.3 %", "Romania", "38.9 %",
                                                                            "Netherlands")
    assert t["low_cov"] == "Luxembourg (53.1 %, 76.6 % of employment covered)"
    assert t["geo_sentence"].startswith("Netherlands ranks 2 of 3 member states")
    shown = ex.countries_shown(c, "NL")
    assert shown["name"].tolist() == ["Romania", "EU27", "Netherlands (u)", "Luxembourg"]  # u flag carried
    assert shown["low_coverage"].tolist() == [False, False, False, True]
    alt = ex.alt_countries(shown, 2025)
    assert "from 24.3 % in Romania to 38.9 % in Netherlands" in alt and "Hatched for low coverage: Luxembourg" in alt
    assert " RO" not in alt and "NL " not in alt


def test_coverage_mark_is_decided_on_the_value_as_shown() -> None:
    """A country whose coverage is shown as 95.0 % is not listed among the poorly covered (the mark is 95 %):
    94.99 and 94.95 round half away from zero to 95.0 (shown "95.0 %") → well covered, in the range; 94.94 → 94.9
    → poorly covered, listed; NaN (no employment) is never covered."""
    c = _countries([("EU27_2020", 32.0, 99.0, 0.0), ("FR", 20.0, 94.99, 0.0), ("IT", 40.0, 94.95, 0.0),
                    ("ES", 30.0, 94.94, 0.0), ("DE", 35.0, 99.0, 0.0)])
    t = ex.country_texts(c, "DE", 2025)
    assert t["low_cov"] == "Spain (30.0 %, 94.9 % of employment covered)"
    assert (t["ms_min"], t["ms_min_geo"], t["ms_max"], t["ms_max_geo"]) == ("20.0 %", "France", "40.0 %", "Italy")
    assert t["countries_title"].endswith("well-covered member states 20.0–40.0 %")
    shown = ex.countries_shown(c, "DE")  # by share: FR 20, ES 30, EU 32, DE 35, IT 40
    assert shown["geo"].tolist() == ["FR", "ES", "EU27_2020", "DE", "IT"]
    assert shown["low_coverage"].tolist() == [False, True, False, False, False]
    assert ex.alt_countries(shown, 2025).endswith("Hatched for low coverage: Spain.")
    assert ex.well_covered(pd.Series([95.0, 94.95, 94.9499, np.nan, 100.0])).tolist() == [True, True, False, False,
                                                                                           True]
    assert ex.well_covered(pd.Series([89.96]), minimum=90.0).tolist() == [True]


def test_mix_texts_names_and_break_flags() -> None:
    mix = pd.DataFrame({"geo": ["EU27_2020", "DK", "BG"], "exposed_base": [32.29, 30.0, 20.0],
                        "exposed_target": [32.62, 29.0, 22.76], "d_exposed_pp": [0.335, -1.0, 2.755],
                        "n_break": [0, 2, 0], "dropped": ["", "", "OC62"], "n_dropped": [0, 0, 1]})
    t = ex.mix_texts(mix, "EU27_2020", 2023, 2025)
    assert t["mix_eu_pp"] == "+0.34 percentage points" and t["mix_max_pp"] == "+2.76"  # half away
    assert t["mix_breaks"] == "Denmark" and t["mix_dropped"] == "Bulgaria: OC62" and t["mix_n_up"] == "1"
    shown = ex.mix_shown(mix, "EU27_2020")
    assert shown["name"].tolist() == ["Denmark (b)", "EU27", "Bulgaria"]
    assert "from −1.00 in Denmark to +2.76 in Bulgaria" in ex.alt_mix(shown, 2023, 2025)


def test_teacher_texts_decide_on_the_unrounded_value() -> None:
    teachers = pd.DataFrame({"index": ["ilo2025", "lm_aioe", "aioe", "ilo2025"],
                             "unit": ["OC23", "OC23", "OC23", "2330"], "pct_workers": [53.25, 90.0, 89.96, 40.0],
                             "pct_units": [60.0, 90.0, 80.0, 40.0], "score": 0.3, "n_units": 40})
    t = ex.teacher_texts(teachers, "ilo2025")
    assert t["teach_agree"] == "LM-AIOE" and t["teach_n_agree"] == "1"  # exactly 90 reaches the mark; 89.96 not
    assert t["teach_verdict"].startswith("Whether teachers are more exposed than 90 % of other workers depends")
    assert t["teach_min"] == "53.3 %" and t["teach_sel"] == "53.3 %"  # 53.25 → 53.3
    assert "LM-AIOE 90.0 %" in ex.alt_teachers(teachers) and "AIOE 90.0 %" in ex.alt_teachers(teachers)
    none = ex.teacher_texts(teachers.assign(pct_workers=[53.25, 89.9, 89.96, 40.0]), "ilo2025")
    assert none["teach_verdict"] == "No index reproduces the teachers claim." and none["teach_agree"] == "none of them"


def test_alt_texts_state_values() -> None:
    counts = pd.DataFrame({"gradient": ["Not Exposed", "Exposed: Gradient 4"], "unit_groups": [3, 1],
                           "exposed": [False, True]})
    assert ex.alt_gradients(counts).endswith("1 (25.0 %) are in gradients 1 to 4.")
    corr = pd.DataFrame([[1.0, 0.785], [0.785, 1.0]], index=["ilo2025", "aioe"], columns=["ilo2025", "aioe"])
    assert "lowest 0.79 (ILO 2025 and AIOE)" in ex.alt_correlations(corr)
    sens = pd.DataFrame({"nace": ["P", "A"], "exposed_pct": [43.35, 5.0], "exposed_pct_2d": [22.05, 5.0],
                         "substituted": ["OC2→OC23", ""], "emp_scored": [1.0, 1.0]})
    assert "A 5.0 % and P 43.4 % (2-digit sensitivity 22.1 %)" in ex.alt_sectors(sens, "EU27", 2024)


def test_displays_format_and_mark_missing() -> None:
    by = pd.DataFrame({"label": ["X"], "weighting": ["bls"], "mean_score": [0.31849], "exposed_pct": [19.95],
                       "emp_unscored": [1226.5], "coverage_pct": [98.85]})
    d = ex.index_table_display(by).iloc[0].tolist()
    assert d == ["X", "weighted by US employment", "0.318", "20.0 %", "1,227", "98.9 %"]
    losses = pd.DataFrame({"index": ["ilo2025"], "soc_in_source": [0], "soc_mapped": [0], "soc_unmapped": [0],
                           "soc_no_weight": [0], "us_emp_unmapped_pct": [np.nan], "isco_scored": [427],
                           "isco_unscored": [9]})
    row = ex.losses_display(losses).iloc[0].tolist()
    assert row == ["ILO 2025", "—", "—", "—", "—", "—", "427", "9"]


def test_country_name() -> None:
    assert ex.country_name("DE") == "Germany" and ex.country_name("EU27_2020") == "EU27"
    assert ex.country_name("CH") == "Switzerland" and ex.country_name("ZZ") == "ZZ"


# ------------------------------------------------------------------------------------------ the notebook
def _notebook() -> dict:
    return json.loads((ROOT / "notebooks" / "labour_exposure.ipynb").read_text(encoding="utf-8"))


def test_notebook_is_thin_and_has_no_prose_formats() -> None:
    nb = _notebook()
    code = [c["source"] if isinstance(c["source"], str) else "".join(c["source"])
            for c in nb["cells"] if c["cell_type"] == "code"]
    lines = [ln for src in code for ln in src.splitlines() if ln.strip()]
    assert len(lines) < 150
    markdown = "".join(c["source"] if isinstance(c["source"], str) else "".join(c["source"])
                       for c in nb["cells"] if c["cell_type"] == "markdown")
    assert not re.search(r"\{glue:text\}`[a-z_0-9]+:", markdown)  # no format specs: glue formatted text
    for src in code:
        if "figures.publish(" in src:
            assert src.count("figures.publish(") == src.count("alt=ex.alt_")
        if not src.startswith("# NBVAL_CHECK_OUTPUT"):
            assert ".round(" not in src and not re.search(r":\.\d+f", src)


def test_headline_cells_are_removed_from_the_page() -> None:
    for c in _notebook()["cells"]:
        src = c["source"] if isinstance(c["source"], str) else "".join(c["source"])
        if c["cell_type"] == "code" and "NBVAL_CHECK_OUTPUT" in src:
            assert "remove-cell" in c["metadata"].get("tags", [])


# ------------------------------------------------------------------------------------------ integration
@pytest.mark.integration
def test_real_counts_premise(processed: Path) -> None:
    from analysis.tables import process

    ind, ilo = ex.load_indices(), process.load("exposure_ilo")
    counts = ex.index_flag_counts(ind, ilo)
    text = ex.index_count_sentence(counts)
    differ = counts["n_flagged"].nunique() > 1 or counts["n_flagged_ties"].nunique() > 1
    assert ("do not flag the same number" in text) == differ
    for r in counts.itertuples():  # the ILO 2025 count is its gradients 1-4, counted here independently
        if r.index == "ilo2025":
            g = ilo[ilo["index_version"] == 2025]["gradient"]
            assert r.n_flagged == int(g.str.startswith("Exposed: Gradient").sum())
        else:
            assert r.n_flagged == r.k


@pytest.mark.integration
def test_real_sector_sentence_premise(processed: Path) -> None:
    from analysis.tables import process

    ind, ilo = ex.load_indices(), process.load("exposure_ilo")
    emp, sector = process.load("employment_by_occupation"), process.load("employment_by_occupation_sector")
    sv = ex.sector_view(sector, emp, ex.prepare_index(ind, ilo, "ilo2025"), ex.EU_AGGREGATE, 2025)
    rows = sv.sens[sv.sens["emp_scored"] > 0]
    same = (rows.sort_values("exposed_pct")["nace"].tolist() == rows.sort_values("exposed_pct_2d")["nace"].tolist())
    text = ex.sector_sentence(sv.sens, "EU27", sv.year)
    assert ("order of sections is the same" in text) == same
    assert ("does not rank sections" in text) == (not same)


# ------------------------------------------------------------------------------------------ small pieces
def test_gradient_counts_and_texts() -> None:
    counts = ex.gradient_counts(ILO)
    assert counts["unit_groups"].tolist() == [2, 1, 1, 0, 0, 1]  # GRADIENT_ORDER: not, minimal, 1, 2, 3, 4
    t = ex.gradient_texts(counts)
    assert (t["n_exposed_ilo"], t["n_units_ilo"], t["pct_exposed_units"]) == ("2", "5", "40.0 %")


def test_top_occupations_ties_in_code_order() -> None:
    s4 = pd.Series([0.5, 0.9, 0.5, np.nan], index=["2222", "1111", "1112", "3333"])
    view = ex.IndexView("ilo2025", s4, s4, s4, s4)
    ilo = pd.DataFrame({"isco08": ["1111", "1112"], "index_version": 2025, "title": ["A", "B"], "gradient": ""})
    top = ex.top_occupations(view, ilo, n=3)
    assert top["isco08"].tolist() == ["1111", "1112", "2222"]
    assert top["title"].tolist() == ["A", "B", "(title not in the ILO file)"]
    assert ex.top_texts(top, "ilo2025")["top_score"] == "0.90"


def test_rule_text_and_threshold_branch() -> None:
    assert ex.rule_text(ILO, "ilo2025", "gradient", 0.5) == "ILO 2025 exposure gradients 1–4"
    assert ex.rule_text(ILO, "aioe", "gradient", 0.5).startswith("the top 40.0 % of the unit groups AIOE scores")
    assert ex.rule_text(ILO, "eloundou", "threshold", 0.455) == "score of at least 0.46"  # half away
    assert ex.rule_text(ILO, "aioe", "threshold", 0.755) == "percentile rank among unit groups of at least 76"
    by = pd.DataFrame({"index": ["ilo2025", "aioe"], "weighting": ["none", "none"], "exposed_pct": [0.0, 29.55]})
    text = ex.index_texts(by, pd.DataFrame(), pd.DataFrame(), "threshold", "EU")["rule_compare"]
    assert "from 0.0 % (ILO 2025) to 29.6 % (AIOE)" in text and "same number" not in text


def test_sector_flags_carried_from_members_and_cells() -> None:
    members = ("AA", "BB")
    sector = pd.DataFrame({"isco08": ["OC1", "OC1", "OC2", "OC2"], "nace": ["C"] * 4, "geo": ["AA", "BB"] * 2,
                           "year": [2024] * 4, "value_thousands": [10.0, 5.0, 30.0, np.nan],
                           "flag": ["", "u", "b", "u"]})
    eu = ex.eu_sector_sum(sector, members)
    by = eu.set_index("isco08")
    # OC1: BB's 5 flagged u enters the sum; OC2: only AA's 30 (flag b) enters, BB's suppressed u does not
    assert by.loc["OC1", "flag"] == "u" and by.loc["OC1", "value_u_thousands"] == 5.0
    assert by.loc["OC2", "flag"] == "b" and by.loc["OC2", "value_u_thousands"] == 0.0
    scores1 = pd.DataFrame({"score": [0.2, 0.6], "exposed_share": [0.0, 1.0]}, index=["OC1", "OC2"])
    row = ex.sector_exposure(eu, scores1).iloc[0]
    assert row["u_pct"] == pytest.approx(100 * 5 / 45) and row["n_break"] == 1
    # a member state's own cells: the flag of the cell
    cells = pd.DataFrame({"isco08": ["OC1", "OC2"], "nace": ["C", "C"], "value_thousands": [10.0, 30.0],
                          "flag": ["u", ""]})
    assert ex.sector_exposure(cells, scores1).iloc[0]["u_pct"] == pytest.approx(25.0)


def test_flag_counts_display_gives_the_reason() -> None:
    counts = pd.DataFrame({"index": ["ilo2025", "ilo2023", "aioe"], "label": ["ILO 2025", "ILO 2023", "AIOE"],
                           "n_scored": [427, 427, 422], "n_flagged": [112, 112, 111],
                           "n_flagged_ties": [112, 124, 111], "n_tied_at_cut": [0, 13, 1]})
    effect = pd.DataFrame({"index": ["aioe", "ilo2025", "ilo2023"], "exposed_pct": [30.45, 32.6, 33.4],
                           "exposed_pct_ties": [30.45, 32.6, 36.1]})
    d = ex.flag_counts_display(counts, effect)
    assert d["Why the count differs"].tolist() == ["reference (ILO gradients 1–4)",
                                                   "ties: 13 unit groups share the cut-off score",
                                                   "coverage: 5 fewer unit groups scored"]
    assert d["EU employment exposed (tie rule)"].tolist() == ["32.6 %", "33.4 %", "30.5 %"]  # aligned, half away
    assert d["Flagged, every tie included"].tolist() == ["112", "124", "111"]
