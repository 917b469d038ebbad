"""analysis.chapters.exposure: crosswalk averaging, aggregation, weighted exposure, exposed shares, percentiles,
parameters,
and the chapter's headline against an independent computation from the processed tables."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.chapters import exposure as ex
from analysis.chapters.params import ParameterError, validate
from analysis.core import config
from analysis.readers.bls import parse_bls_employment
from analysis.tables import occupation_scores as occ

ROOT = Path(__file__).resolve().parents[1]


# ------------------------------------------------------------------------------------------ SOC → ISCO
@pytest.fixture
def crosswalk() -> pd.DataFrame:
    # 11-0001 → 1111 and 1112 (split); 11-0002 → 1111; 11-0003 → 2222; nothing maps to 3333 but it is in the universe
    return pd.DataFrame({"soc10": ["11-0001", "11-0001", "11-0002", "11-0003"],
                         "isco08": ["1111", "1112", "1111", "2222"]})


def test_soc_to_isco_many_to_many_mean_and_counts(crosswalk: pd.DataFrame) -> None:
    soc = pd.DataFrame({"soc": ["11-0001", "11-0002", "99-9999"], "score": [0.2, 0.6, 0.9]})
    res = occ.soc_to_isco(soc, crosswalk, universe=["1111", "1112", "2222", "3333"])
    s = res.scores.set_index("isco08")
    assert s.loc["1111", "score"] == pytest.approx(0.4)  # mean of 0.2 and 0.6
    assert s.loc["1112", "score"] == pytest.approx(0.2)  # 11-0001 counts fully in each of its unit groups
    assert s.loc["1111", "n_soc"] == 2 and s.loc["1112", "n_soc"] == 1
    assert math.isnan(s.loc["2222", "score"]) and s.loc["2222", "n_soc_crosswalk"] == 1  # its SOC has no score
    assert math.isnan(s.loc["3333", "score"]) and s.loc["3333", "n_soc_crosswalk"] == 0
    assert res.isco_without_score == ["2222", "3333"]
    assert res.unmapped_soc["soc"].tolist() == ["99-9999"]  # counted, not dropped silently


def test_soc_to_isco_weighted_splits_weight_and_skips_missing(crosswalk: pd.DataFrame) -> None:
    soc = pd.DataFrame({"soc": ["11-0001", "11-0002", "11-0003"], "score": [0.2, 0.6, 0.5]})
    weights = pd.Series({"11-0001": 200.0, "11-0002": 100.0})  # 11-0003 has no weight
    s = occ.soc_to_isco(soc, crosswalk, weights=weights).scores.set_index("isco08")
    # 1111: 11-0001 brings 200/2 = 100 workers (split over 2 unit groups), 11-0002 brings 100 → (0.2+0.6)/2
    assert s.loc["1111", "score_weighted"] == pytest.approx((100 * 0.2 + 100 * 0.6) / 200)
    assert s.loc["1112", "score_weighted"] == pytest.approx(0.2)
    assert math.isnan(s.loc["2222", "score_weighted"]) and s.loc["2222", "score"] == pytest.approx(0.5)
    assert s.loc["2222", "n_soc"] == 1 and s.loc["2222", "n_soc_weighted"] == 0


def test_soc_to_isco_rejects_duplicate_soc(crosswalk: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match="11-0001"):
        occ.soc_to_isco(pd.DataFrame({"soc": ["11-0001", "11-0001"], "score": [0.1, 0.2]}), crosswalk)


def test_onet_to_soc_averages_onet_occupations() -> None:
    frame = pd.DataFrame({"code": ["11-1011.00", "11-1011.03", "13-2011.00"], "Title": ["CEO", "CSO", "Acct"],
                          "x": [0.2, 0.4, 1.0]})
    out = occ.onet_to_soc(frame, "code", ["x"]).set_index("soc")
    assert out.loc["11-1011", "x"] == pytest.approx(0.3) and out.loc["11-1011", "n_onet"] == 2
    assert out.loc["11-1011", "title"] == "CEO"


def test_parse_bls_employment_detailed_only_and_marks() -> None:
    raw = pd.DataFrame({"OCC_CODE": ["00-0000", "11-1011", "11-1021", "11-1000"],
                        "O_GROUP": ["total", "detailed", "detailed", "minor"],
                        "TOT_EMP": ["140,000", "1,234", "**", "5,000"]})
    out = parse_bls_employment(raw)
    assert list(out.index) == ["11-1011", "11-1021"]
    assert out["11-1011"] == 1234.0 and math.isnan(out["11-1021"])


# ------------------------------------------------------------------------------------------ aggregation, exposed
@pytest.fixture
def scores4() -> pd.Series:
    return pd.Series([0.2, 0.4, np.nan, 0.9, 0.1], index=["2310", "2320", "2330", "2511", "9111"], name="x")


def test_to_two_digit_mean_median_max(scores4: pd.Series) -> None:
    mean = ex.to_two_digit(scores4, "mean")
    assert mean.loc["OC23", "score"] == pytest.approx(0.3)
    assert mean.loc["OC23", "n_units"] == 2 and mean.loc["OC23", "n_units_total"] == 3
    assert ex.to_two_digit(scores4, "max").loc["OC23", "score"] == pytest.approx(0.4)
    assert ex.to_two_digit(pd.Series([0.1, 0.2, 0.9], index=["2310", "2320", "2330"]), "median").loc[
        "OC23", "score"] == pytest.approx(0.2)
    with pytest.raises(ValueError, match="mean, median or max"):
        ex.to_two_digit(scores4, "sum")  # type: ignore[arg-type]


def test_exposed_units_rules(scores4: pd.Series) -> None:
    grads = pd.Series({"2310": "Exposed: Gradient 1", "2320": "Minimal Exposure", "2511": "Exposed: Gradient 4",
                       "9111": "Not Exposed"})
    g = ex.exposed_units(scores4, "gradient", "ilo2025", gradients=grads)
    assert g.to_dict() == pytest.approx({"2310": 1.0, "2320": 0.0, "2330": np.nan, "2511": 1.0, "9111": 0.0},
                                        nan_ok=True)
    top = ex.exposed_units(scores4, "gradient", "aioe", top_share=0.5)  # 4 scored → top 2: 2511 and 2320
    assert top.dropna().to_dict() == {"2310": 0.0, "2320": 1.0, "2511": 1.0, "9111": 0.0}
    thr = ex.exposed_units(scores4, "threshold", "ilo2025", threshold=0.4)
    assert thr.dropna().to_dict() == {"2310": 0.0, "2320": 1.0, "2511": 1.0, "9111": 0.0}
    pct = ex.exposed_units(scores4, "threshold", "aioe", threshold=0.75)  # z-scores: percentile rank ≥ 0.75
    assert pct.dropna().to_dict() == {"2310": 0.0, "2320": 1.0, "2511": 1.0, "9111": 0.0}
    with pytest.raises(ValueError, match="top_share"):
        ex.exposed_units(scores4, "gradient", "aioe")


def test_exposed_share_two_digit_is_share_of_scored_units(scores4: pd.Series) -> None:
    flags = pd.Series([1.0, 0.0, np.nan, 1.0], index=["2310", "2320", "2330", "2511"])
    share = ex.exposed_share_two_digit(flags)
    assert share["OC23"] == pytest.approx(0.5) and share["OC25"] == pytest.approx(1.0)


# ------------------------------------------------------------------------------------------ weighted exposure
def _emp(rows: list[tuple[str, str, int, float, str]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["isco08", "geo", "year", "value_thousands", "flag"])


def test_weighted_exposure_with_missing_employment_and_unscored_group() -> None:
    emp = _emp([("OC01", "XX", 2025, 10.0, ""), ("OC11", "XX", 2025, 100.0, ""),
                ("OC23", "XX", 2025, 300.0, "u"), ("OC41", "XX", 2025, np.nan, "u"), ("TOTAL", "XX", 2025, 500.0, ""),
                ("OC1", "XX", 2025, 100.0, "")])
    scores2 = pd.Series({"OC11": 0.2, "OC23": 0.4, "OC41": 0.8})
    shares2 = pd.Series({"OC11": 0.0, "OC23": 0.5, "OC41": 1.0})
    row = ex.weighted_exposure(emp, scores2, shares2).iloc[0]
    assert row["mean_score"] == pytest.approx((100 * 0.2 + 300 * 0.4) / 400)  # OC41 (no employment) left out
    assert row["exposed_pct"] == pytest.approx(100 * (300 * 0.5) / 400)
    assert row["emp_scored"] == 400.0 and row["emp_unscored"] == 10.0 and row["emp_total"] == 500.0
    assert row["coverage_pct"] == pytest.approx(80.0)
    assert row["n_missing"] == 1 and row["missing"] == "OC41"
    assert row["emp_u"] == 300.0 and row["u_pct"] == pytest.approx(75.0)


def test_mix_change_uses_groups_present_in_both_years() -> None:
    emp = _emp([("OC11", "XX", 2023, 100.0, ""), ("OC23", "XX", 2023, 100.0, ""), ("OC41", "XX", 2023, 50.0, ""),
                ("OC11", "XX", 2025, 100.0, ""), ("OC23", "XX", 2025, 300.0, "b"), ("OC41", "XX", 2025, np.nan, "")])
    scores2 = pd.Series({"OC11": 0.2, "OC23": 0.4, "OC41": 0.8})
    shares2 = pd.Series({"OC11": 0.0, "OC23": 1.0, "OC41": 1.0})
    row = ex.mix_change(emp, scores2, shares2, 2023, 2025).iloc[0]
    assert row["exposed_base"] == pytest.approx(50.0) and row["exposed_target"] == pytest.approx(75.0)
    assert row["d_exposed_pp"] == pytest.approx(25.0)
    assert row["mean_base"] == pytest.approx(0.3) and row["d_mean"] == pytest.approx(0.35 - 0.3)
    assert row["dropped"] == "OC41" and row["n_break"] == 1


def test_eu_sector_sum_strict_and_lenient() -> None:
    members = ("AA", "BB")
    sector = pd.DataFrame({"isco08": ["OC1", "OC1", "OC2", "OC2"], "nace": ["C"] * 4, "geo": ["AA", "BB"] * 2,
                           "year": [2024] * 4, "value_thousands": [10.0, 5.0, 7.0, np.nan], "flag": ["", "", "", "u"]})
    lenient = ex.eu_sector_sum(sector, members).set_index("isco08")
    assert lenient.loc["OC1", "value_thousands"] == 15.0 and lenient.loc["OC2", "value_thousands"] == 7.0
    assert lenient.loc["OC2", "n_present"] == 1 and not lenient.loc["OC2", "complete"]
    strict = ex.eu_sector_sum(sector, members, require_all=True).set_index("isco08")
    assert math.isnan(strict.loc["OC2", "value_thousands"])
    with pytest.raises(ValueError, match="CC"):
        ex.eu_sector_sum(sector, ("AA", "CC"))


def test_one_digit_and_sector_exposure() -> None:
    emp = _emp([("OC11", "XX", 2024, 100.0, ""), ("OC12", "XX", 2024, 300.0, ""), ("OC23", "XX", 2024, 50.0, "")])
    scores1 = ex.one_digit_scores(emp, pd.Series({"OC11": 0.2, "OC12": 0.6, "OC23": 0.5}),
                                  pd.Series({"OC11": 0.0, "OC12": 1.0, "OC23": 1.0}), "XX", 2024)
    assert scores1.loc["OC1", "score"] == pytest.approx(0.5) and scores1.loc["OC1", "exposed_share"] == 0.75
    cells = pd.DataFrame({"isco08": ["OC0", "OC1", "OC2", "OC3"], "nace": ["O"] * 4,
                          "value_thousands": [5.0, 10.0, 30.0, np.nan]})
    row = ex.sector_exposure(cells, scores1).iloc[0]
    assert row["mean_score"] == pytest.approx((10 * 0.5 + 30 * 0.5) / 40)
    assert row["exposed_pct"] == pytest.approx(100 * (10 * 0.75 + 30 * 1.0) / 40)
    assert row["emp_unscored"] == 5.0 and row["n_missing"] == 1


# ------------------------------------------------------------------------------------------ percentiles, correlations
def test_percentile_rank_weighted_unweighted_ties() -> None:
    scores = pd.Series({"A": 0.1, "B": 0.5, "C": 0.5, "D": 0.9, "E": np.nan})
    assert ex.percentile_rank(scores, "B") == pytest.approx(100 * (1 + 0.5) / 3)  # A lower, C tied (half), D higher
    weights = pd.Series({"A": 10.0, "B": 1.0, "C": 20.0, "D": 70.0, "E": 5.0})
    assert ex.percentile_rank(scores, "B", weights) == pytest.approx(100 * (10 + 10) / 100)
    assert ex.percentile_rank(scores, "D", weights) == pytest.approx(100.0)  # all 31 other workers lower
    assert math.isnan(ex.percentile_rank(scores, "E"))


def test_rank_correlations_are_spearman() -> None:
    wide = pd.DataFrame({"a": [1.0, 2.0, 3.0, 4.0], "b": [10.0, 40.0, 30.0, 90.0], "c": [4.0, 3.0, 2.0, np.nan]})
    corr = ex.rank_correlations(wide)
    from scipy.stats import spearmanr

    assert corr.loc["a", "b"] == pytest.approx(spearmanr(wide["a"], wide["b"]).statistic)
    assert corr.loc["a", "c"] == pytest.approx(-1.0)


def test_plain_strips_markdown() -> None:
    assert ex.plain("**bold** and [a link](#).") == "bold and a link."


# ------------------------------------------------------------------------------------------ parameters
def test_params_defaults_and_types() -> None:
    p = validate("labour_exposure", {}, check_data=False)
    assert (p.geo, p.year, p.index, p.exposed, p.threshold, p.aggregation) == (
        "EU27_2020", 2025, "ilo2025", "gradient", 0.5, "mean")
    with pytest.raises(ParameterError, match=r"year='2025': Input should be a valid integer"):
        validate("labour_exposure", {"year": "2025"}, check_data=False)


@pytest.mark.parametrize(("values", "message"), [
    ({"index": "foo"}, "index='foo': Input should be 'ilo2025', 'ilo2023', 'aioe', 'lm_aioe' or 'eloundou'"),
    ({"exposed": "all"}, "exposed='all': Input should be 'gradient' or 'threshold'"),
    ({"aggregation": "sum"}, "aggregation='sum': Input should be 'mean', 'median' or 'max'"),
    ({"threshold": 1.5}, "threshold=1.5: Input should be less than 1"),
    ({"threshold": 0.0}, "threshold=0.0: Input should be greater than 0"),
    ({"country": "FR"}, "unknown parameter(s) country"),
])
def test_params_invalid_messages(values: dict, message: str) -> None:
    with pytest.raises(ParameterError) as err:
        validate("labour_exposure", values, check_data=False)
    assert message in str(err.value)
    assert str(err.value).startswith("labour_exposure:")


# ------------------------------------------------------------------------------------------ quotes from the seed
def test_quotes_are_verbatim_in_the_strategy_seed() -> None:
    seed = config.seeds_dir() / ex.STRATEGY_SEED
    if not seed.exists():
        pytest.skip(f"seed file {seed} is absent")
    text = seed.read_text(encoding="utf-8")
    for quote in (ex.JRC_TEACHERS_QUOTE, ex.CEDEFOP_QUOTE, ex.ILO_FOOTNOTE_QUOTE, ex.MONITORING_QUOTE):
        assert quote in text
    assert f"⁶⁸ {ex.JRC_TEACHERS_QUOTE}" in text  # it is footnote 68
    assert f"que {ex.JRC_TEACHERS_PERCENTILE:.0f} % des autres" in ex.JRC_TEACHERS_QUOTE
    assert f"({ex.CEDEFOP_PERCENT:.0f} %)" in ex.CEDEFOP_QUOTE


# ------------------------------------------------------------------------------------------ integration
@pytest.mark.integration
def test_params_check_data(processed: Path) -> None:
    assert validate("labour_exposure", {"geo": "FR", "index": "ilo2023"}).geo == "FR"
    with pytest.raises(ParameterError, match=r"geo='XX' is not valid; choose one of: EU27_2020, EA21, AT"):
        validate("labour_exposure", {"geo": "XX"})
    with pytest.raises(ParameterError, match=r"year=2019 is not valid; choose one of: 2023, 2024, 2025"):
        validate("labour_exposure", {"year": 2019})


@pytest.mark.integration
def test_processed_indices_table(processed: Path) -> None:
    ind = ex.load_indices()
    assert set(ind["index"]) == set(ex.ALL_INDICES)
    assert ind.groupby("index").size().nunique() == 1  # same ISCO universe for every index
    assert ind["isco08"].nunique() == 436
    ilo = pd.read_csv(processed / "exposure_ilo.csv", dtype={"isco08": str})
    ilo25 = ilo[ilo["index_version"] == 2025].set_index("isco08")["mean"]
    mine = ind[ind["index"] == "ilo2025"].set_index("isco08")["score"].dropna()
    pd.testing.assert_series_equal(mine, ilo25.reindex(mine.index), check_names=False)
    # every ISCO unit group without a score says why
    assert (ind.loc[ind["score"].isna(), "note"] != "").all()


@pytest.mark.integration
def test_soc_index_equals_direct_crosswalk_mean(processed: Path) -> None:
    """AIOE score of 2330 (secondary teachers) = mean of the AIOE of the SOC codes the crosswalk maps to it."""
    from analysis.readers.crosswalk import read_soc_isco_crosswalk
    from analysis.readers.sources import raw_path

    cw = read_soc_isco_crosswalk(raw_path("ibs-crosswalk-soc10-isco08", "soc10_isco08.dta"))
    aioe = pd.read_excel(raw_path("felten-aioe", "AIOE_DataAppendix.xlsx"), sheet_name="Appendix A")
    socs = cw.loc[cw["isco08"] == "2330", "soc10"]
    expected = aioe.loc[aioe["SOC Code"].isin(socs), "AIOE"].mean()
    ind = ex.load_indices()
    row = ind[(ind["index"] == "aioe") & (ind["isco08"] == "2330")].iloc[0]
    assert row["score"] == pytest.approx(expected)
    assert row["n_soc"] == aioe["SOC Code"].isin(socs).sum()


def _independent_eu_headline(processed: Path, year: int = 2025) -> tuple[float, float]:
    """EU weighted mean ILO 2025 score and % of employment in exposed occupations, straight from the CSVs."""
    ilo = pd.read_csv(processed / "exposure_ilo.csv", dtype={"isco08": str}, keep_default_na=False)
    ilo = ilo[ilo["index_version"] == 2025].copy()
    ilo["g2"] = "OC" + ilo["isco08"].str[:2]
    ilo["exp"] = ilo["gradient"].str.startswith("Exposed: Gradient").astype(float)
    by2 = ilo.groupby("g2").agg(score=("mean", "mean"), share=("exp", "mean"))
    emp = pd.read_csv(processed / "employment_by_occupation.csv", dtype={"isco08": str}, keep_default_na=False)
    emp = emp[(emp["geo"] == "EU27_2020") & (emp["year"] == year) & emp["isco08"].str.fullmatch(r"OC\d\d")]
    emp = emp[emp["value_thousands"] != ""].assign(v=lambda f: f["value_thousands"].astype(float))
    m = emp.merge(by2, left_on="isco08", right_index=True)
    return (float((m["v"] * m["score"]).sum() / m["v"].sum()), float(100 * (m["v"] * m["share"]).sum() / m["v"].sum()))


@pytest.mark.integration
def test_eu_headline_equals_independent_computation(processed: Path) -> None:
    from analysis.tables import process

    mean, share = _independent_eu_headline(processed)
    ind, ilo, emp = ex.load_indices(), process.load("exposure_ilo"), process.load("employment_by_occupation")
    view = ex.prepare_index(ind, ilo, "ilo2025")
    row = ex.weighted_exposure(emp[(emp["geo"] == "EU27_2020") & (emp["year"] == 2025)], view.scores2,
                               view.exposed2).iloc[0]
    assert row["mean_score"] == pytest.approx(mean, abs=1e-12)
    assert row["exposed_pct"] == pytest.approx(share, abs=1e-10)


@pytest.mark.integration
def test_notebook_headline_contains_eu_headline(processed: Path) -> None:
    mean, share = _independent_eu_headline(processed)
    nb = json.loads((ROOT / "notebooks" / "labour_exposure.ipynb").read_text(encoding="utf-8"))
    outputs = "".join("".join(o.get("text", "")) for c in nb["cells"] if c["cell_type"] == "code"
                      for o in c.get("outputs", []))
    assert f"employment-weighted mean score {mean:.3f}" in outputs
    assert f"share of employment in exposed occupations {share:.1f} %" in outputs
    assert "teachers (ISCO 23) under lm_aioe" in outputs
