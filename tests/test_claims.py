"""analysis.claims: quotes verbatim at their seed lines, the status rule at its boundaries, our values on hand-made
frames, parameters, and the claims table against independent computations from the data."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis import claims as cl
from analysis import config, process
from analysis import exposure as ex
from analysis.params import NOTEBOOK_MODULES, ParameterError, validate

ROOT = Path(__file__).resolve().parents[1]


# ------------------------------------------------------------------------------------------ registry and quotes
def _seeds() -> Path:
    folder = config.seeds_dir()
    if not (folder / cl.STRATEGY_SEED).exists():
        pytest.skip(f"seed text not found in {folder}")
    return folder


@pytest.mark.parametrize("claim", cl.CLAIMS, ids=[c.id for c in cl.CLAIMS])
def test_quote_is_verbatim_at_its_seed_line(claim: cl.Claim) -> None:
    lines = (_seeds() / claim.seed).read_text(encoding="utf-8").splitlines()
    assert claim.quote_fr in lines[claim.line - 1], f"{claim.id}: not at {claim.source}"


def test_quote_problems_is_empty_for_the_registry() -> None:
    assert cl.quote_problems(_seeds()) == []


def test_quote_problems_reports_a_wrong_line_and_a_changed_quote(tmp_path: Path) -> None:
    (tmp_path / "seed.txt").write_text("première ligne\nseuls 13,5 % des entreprises\n", encoding="utf-8")
    good = cl.Claim("a", "A", "s", "seed.txt", 2, "13,5 % des entreprises", "13.5 % of enterprises", (13.5,), "",
                    "%", 1)
    wrong_line = cl.Claim("b", "B", "s", "seed.txt", 1, "13,5 % des entreprises", "", (13.5,), "", "%", 1)
    changed = cl.Claim("c", "C", "s", "seed.txt", 2, "13.5 % des entreprises", "", (13.5,), "", "%", 1)
    beyond = cl.Claim("d", "D", "s", "seed.txt", 9, "x", "", (1.0,), "", "", 0)
    problems = cl.quote_problems(tmp_path, (good, wrong_line, changed, beyond))
    assert problems == ["b: quote not found at seed.txt, line 1", "c: quote not found at seed.txt, line 2",
                        "d: quote not found at seed.txt, line 9"]


def test_registry_is_consistent() -> None:
    ids = [c.id for c in cl.CLAIMS]
    assert len(ids) == len(set(ids))
    for c in cl.CLAIMS:
        assert c.seed in (cl.STRATEGY_SEED, cl.ANNEX_SEED)
        assert c.quote_en and c.stated and c.stated_text and c.title
        assert c.chapter is None or (c.chapter in cl.CHAPTERS and c.chapter in NOTEBOOK_MODULES)
        if c.compute is None:
            assert c.why, f"{c.id}: an untested claim must say why"
        else:
            assert not c.public_data and not c.why


def test_display_quote_removes_markdown_only() -> None:
    assert cl.display_quote("plus que 90 %  des ([Rapport](#)) **autres**") == "plus que 90 % des (Rapport) autres"


# ------------------------------------------------------------------------------------------ the rule
@pytest.mark.parametrize(("ours", "stated", "decimals", "expected"), [
    (13.48, 13.5, 1, True),
    (13.45, 13.5, 1, True),  # half-up on the decimal representation (the binary float 13.45 is 13.4499…)
    (13.4499, 13.5, 1, False),
    (13.5499, 13.5, 1, True),
    (13.55, 13.5, 1, False),  # rounds to 13.6
    (12.64, 12.6, 1, True),
    (31.7, 30.0, 0, False),
    (30.49, 30.0, 0, True),
    (29.5, 30.0, 0, True),
    (17.0, 17.0, 0, True),
    (16.0, 17.0, 0, False),
])
def test_equals_rounds_half_up_to_the_stated_precision(ours: float, stated: float, decimals: int,
                                                      expected: bool) -> None:
    assert cl.matches(ours, stated, "equals", decimals) is expected


@pytest.mark.parametrize(("ours", "expected"), [(93.07, True), (90.0, True), (89.5, True), (89.49, False),
                                                (53.29, False)])
def test_at_least_compares_the_rounded_value(ours: float, expected: bool) -> None:
    assert cl.matches(ours, 90.0, "at_least", 0) is expected


def test_matches_refuses_missing_values_and_unknown_rules() -> None:
    with pytest.raises(ValueError, match="missing"):
        cl.matches(float("nan"), 13.5, "equals", 1)
    with pytest.raises(ValueError, match="unknown rule"):
        cl.matches(13.5, 13.5, "about", 1)  # type: ignore[arg-type]


def _claim(**kw) -> cl.Claim:
    base = dict(id="x", title="X", where="s", seed="seed.txt", line=1, quote_fr="q", quote_en="q",
                stated=(13.5, 12.6), stated_text="13.5; 12.6", unit="%", decimals=1,
                compute=lambda i, p: cl.Finding((0.0, 0.0), ""))
    base.update(kw)
    return cl.Claim(**base)


def test_decide_status_on_hand_made_findings() -> None:
    c = _claim()
    assert cl.decide_status(c, cl.Finding((13.48, 12.64), "")) == "reproduced"
    assert cl.decide_status(c, cl.Finding((13.48, 12.66), "")) == "differs"  # one of two is enough to differ
    assert cl.decide_status(c, cl.Finding((13.56, 12.64), "")) == "differs"
    with pytest.raises(ValueError, match="2 stated numbers"):
        cl.decide_status(c, cl.Finding((13.48,), ""))
    assert cl.decide_status(_claim(compute=None, public_data="Eurostat sbs"), None) == "not tested here"
    assert cl.decide_status(_claim(compute=None), None) == "not testable with public data"


def test_evaluate_claims_without_computations_loads_nothing() -> None:
    claims = (_claim(id="a", compute=None, public_data="somewhere", why="not here"),
              _claim(id="b", compute=None, why="proprietary", chapter="labour_exposure"))
    table = cl.evaluate_claims(cl.ClaimsParams(), claims=claims)
    assert list(table.columns) == list(cl.COLUMNS)
    assert table["status"].tolist() == ["not tested here", "not testable with public data"]
    assert table["our_value"].tolist() == ["—", "—"]
    assert table["chapter"].tolist() == ["", "labour_exposure.ipynb"]
    assert table.loc[0, "note"] == "not here Public data that could test it: somewhere."
    assert cl.status_counts(table) == {"reproduced": 0, "differs": 0, "not tested here": 1,
                                       "not testable with public data": 1}


# ------------------------------------------------------------------------------------------ our values
def _ai_frame(rows: list[tuple[str, int, float]]) -> pd.DataFrame:
    return pd.DataFrame([{"dataset": "isoc_eb_ai", "indicator": "E_AI_TANY", "unit": "PC_ENT", "size_class": s,
                          "nace": "C10-S951_X_K", "geo": "EU27_2020", "year": y, "value": v, "flag": ""}
                         for s, y, v in rows])


def test_sme_ai_use_values_and_matching_years() -> None:
    ai = _ai_frame([("GE10", 2024, 13.48), ("10-249", 2024, 12.64), ("GE250", 2024, 41.17),
                    ("GE10", 2023, 13.46), ("10-249", 2023, 12.55), ("GE250", 2023, 30.0),
                    ("GE10", 2021, np.nan), ("10-249", 2021, 12.6)])
    f = cl.sme_ai_use(ai, 2024)
    assert f.values == (13.48, 12.64)
    assert "13.48 % of enterprises and 12.64 % of SMEs (EU27, 2024)" == f.text
    assert "the rounded figures match in 2023, 2024." in f.note  # 2023: 13.5 and 12.6 too; 2021 has a NaN
    assert "41.17 %" in f.note


def _dialogues() -> pd.DataFrame:
    return pd.DataFrame({
        "level": ["sectoral", "sectoral", "sectoral", "high-level"],
        "sectors_fr": ["Énergie", "Énergie", "Robotique", "Secteur public"],
        "date": pd.to_datetime(["2024-09-20", "2025-03-31", "2025-06-12", "2025-07-02"]),
        "format": ["open", "experts", "experts", "high-level-open"],
        "participants": [280, 250, 30, 50],
    })


def test_dialogue_counts_and_technical_dialogues() -> None:
    f = cl.dialogue_counts(_dialogues())
    assert f.values == (3.0, 1.0)
    assert f.text == "3 sectoral and 1 high-level dialogues in Annex 1"
    assert "20.09.2024 to 02.07.2025" in f.note and "about 610 attendances" in f.note
    t = cl.technical_dialogues(_dialogues())
    assert t.values == (3.0,)
    assert "1 open to all, 2 for experts only, on 2 sectors" in t.note and "lists 4" in t.note


def test_manufacturing_employment_sums_member_states_and_counts_missing_cells() -> None:
    rows = []
    for geo in ex.EU27:
        for isco in ("OC7", "OC0"):
            value = {("DE", "OC7"): 20000.0, ("FR", "OC7"): 11000.0}.get((geo, isco), np.nan)
            rows.append({"isco08": isco, "nace": "C", "geo": geo, "year": 2024, "value_thousands": value, "flag": ""})
    rows.append({"isco08": "OC7", "nace": "C", "geo": "NO", "year": 2024, "value_thousands": 999.0, "flag": ""})
    rows.append({"isco08": "OC7", "nace": "F", "geo": "DE", "year": 2024, "value_thousands": 999.0, "flag": ""})
    f = cl.manufacturing_employment(pd.DataFrame(rows), 2024)
    assert f.values == (31.0,)  # DE + FR only: Norway and construction are left out
    assert f.text == "31.0 million employed persons (2024)"
    assert "52 of 54 country × occupation cells have no value" in f.note
    assert "+1.0 million (+3.3 %)" in f.note
    with pytest.raises(KeyError, match="2023"):
        cl.manufacturing_employment(pd.DataFrame(rows), 2023)


def test_teachers_finding_status_index_and_holding_indices() -> None:
    pct = pd.Series({"ilo2025": 53.29, "lm_aioe": 89.6, "aioe": 78.1})
    f = cl.teachers_finding(pct, "ilo2025", 2025)
    assert f.values == (53.29,)
    assert f.text.startswith("53.3 % under ILO 2025 (LM-AIOE 89.6 %; AIOE 78.1 %; ILO 2025 53.3 %)")
    assert "reached under LM-AIOE (Felten et al. 2023);" in f.note  # 89.6 rounds to 90
    assert cl.decide_status(cl.claim("teachers_exposure"), f) == "differs"
    assert cl.decide_status(cl.claim("teachers_exposure"), cl.teachers_finding(pct, "lm_aioe", 2025)) == "reproduced"
    with pytest.raises(KeyError, match="eloundou"):
        cl.teachers_finding(pct, "eloundou", 2025)


# ------------------------------------------------------------------------------------------ notebook
def test_notebook_has_a_section_per_claim_with_its_chapter_link() -> None:
    nb = json.loads((ROOT / "notebooks" / "claims_check.ipynb").read_text(encoding="utf-8"))
    markdown = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    for c in cl.CLAIMS:
        start = markdown.index(f"{{glue:text}}`{c.id}__fr`")
        section = markdown[start:markdown.find("####", start) if "####" in markdown[start:] else None]
        for key in ("en", "stated", "status", "note"):
            assert f"`{c.id}__{key}`" in section, f"{c.id}: {key} missing"
        assert (f"]({c.chapter}.ipynb)" in section) if c.chapter else ("No chapter" in section), c.id
    params_cell = next(c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", []))
    assert "".join(params_cell["source"]).split() == ["exposure_index", "=", '"ilo2025"', "weights_year", "=",
                                                      str(cl.ClaimsParams().weights_year)]


# ------------------------------------------------------------------------------------------ parameters
def test_defaults_follow_the_exposure_chapter() -> None:
    assert cl.ClaimsParams().weights_year == ex.ExposureParams().year
    assert cl.ClaimsParams().exposure_index == "ilo2025"


def test_parameter_type_and_name_errors() -> None:
    with pytest.raises(ParameterError, match=r"claims_check: invalid parameter\(s\): exposure_index='ilo': "
                                             r"Input should be 'ilo2025', 'ilo2023', 'aioe', 'lm_aioe' or 'eloundou'"):
        validate("claims_check", {"exposure_index": "ilo"}, check_data=False)
    with pytest.raises(ParameterError, match=r"weights_year='2025': Input should be a valid integer"):
        validate("claims_check", {"weights_year": "2025"}, check_data=False)
    with pytest.raises(ParameterError, match=r"claims_check: unknown parameter\(s\) index; valid parameters: "
                                             r"exposure_index \(one of: ilo2025, ilo2023, aioe, lm_aioe, eloundou\), "
                                             r"weights_year \(int\)"):
        validate("claims_check", {"index": "ilo2025"}, check_data=False)


@pytest.mark.integration
def test_weights_year_must_have_eu_employment(processed: Path) -> None:
    with pytest.raises(ParameterError, match=r"claims_check: parameter weights_year=2019 is not valid; choose one "
                                             r"of: 2023, 2024, 2025"):
        validate("claims_check", {"weights_year": 2019})
    assert validate("claims_check", {"weights_year": 2023, "exposure_index": "lm_aioe"}).weights_year == 2023


# ------------------------------------------------------------------------------------------ integration
@pytest.fixture(scope="module")
def table(processed: Path) -> pd.DataFrame:
    return cl.evaluate_claims().set_index("id")


@pytest.mark.integration
def test_sme_claim_reproduced_from_the_processed_csv(processed: Path, table: pd.DataFrame) -> None:
    raw = pd.read_csv(processed / "ai_adoption.csv", dtype=str, keep_default_na=False)
    sel = raw[(raw["dataset"] == "isoc_eb_ai") & (raw["indicator"] == "E_AI_TANY") & (raw["unit"] == "PC_ENT")
              & (raw["nace"] == "C10-S951_X_K") & (raw["geo"] == "EU27_2020") & (raw["year"] == "2024")]
    values = sel.set_index("size_class")["value"]
    assert (values["GE10"], values["10-249"]) == ("13.48", "12.64")
    row = table.loc["sme_ai_use"]
    assert row["status"] == "reproduced"
    assert row["our_value"] == "13.48 % of enterprises and 12.64 % of SMEs (EU27, 2024)"
    assert "match in 2024." in row["note"]  # the only survey year whose rounded figures are the strategy's


@pytest.mark.integration
def test_dialogue_claims_match_the_raw_annex_transcription(table: pd.DataFrame) -> None:
    with open(config.strategy_dir() / "dialogues.csv", encoding="utf-8", newline="") as fh:
        levels = [r["level"] for r in csv.DictReader(fh)]
    sectoral, high = levels.count("sectoral"), levels.count("high-level")
    assert (sectoral, high) == (17, 2)
    expected = f"{sectoral} sectoral and {high} high-level dialogues in Annex 1"
    assert table.loc["dialogues_total", "our_value"] == expected
    assert table.loc["dialogues_total", "status"] == "reproduced"
    assert table.loc["dialogues_technical", "status"] == "reproduced"


@pytest.mark.integration
def test_manufacturing_employment_against_an_independent_sum(processed: Path, table: pd.DataFrame) -> None:
    raw = pd.read_csv(processed / "employment_by_occupation_sector.csv", dtype=str, keep_default_na=False)
    sel = raw[(raw["nace"] == "C") & (raw["year"] == "2024") & raw["geo"].isin(ex.EU27)]
    total = pd.to_numeric(sel["value_thousands"].replace("", None)).sum() / 1000
    assert table.loc["manufacturing_employment", "our_value"].startswith(f"{total:.1f} million employed persons")
    expected = "reproduced" if round(total) == 30 else "differs"
    assert table.loc["manufacturing_employment", "status"] == expected


@pytest.mark.integration
def test_teachers_status_depends_on_the_index(table: pd.DataFrame) -> None:
    pct = cl.teachers_percentiles(ex.load_indices(), process.load("employment_by_occupation"),
                                  cl.ClaimsParams().weights_year)
    assert set(pct.index) == set(ex.INDEX_CHOICES)
    holding = sorted(i for i, v in pct.items() if round(v) >= 90)
    row = table.loc["teachers_exposure"]
    assert row["status"] == ("reproduced" if "ilo2025" in holding else "differs")
    for i in holding:
        assert ex.INDEX_LABELS[i] in row["note"]
    for i in ex.INDEX_CHOICES:
        status = cl.evaluate_claims(cl.ClaimsParams(exposure_index=i), claims=(cl.claim("teachers_exposure"),))
        assert status.loc[0, "status"] == ("reproduced" if i in holding else "differs"), i


@pytest.mark.integration
def test_every_claim_has_a_status_and_untested_ones_no_value(table: pd.DataFrame) -> None:
    assert set(table["status"]) <= set(cl.STATUSES)
    untested = table["status"].isin(["not tested here", "not testable with public data"])
    assert (table.loc[untested, "our_value"] == "—").all()
    assert not table["note"].eq("").any()
    assert list(table.index) == [c.id for c in cl.CLAIMS]


def test_chapter_titles_match_book_runs() -> None:
    from analysis import build

    titles = {r.notebook: r.title for r in build.load_book(ROOT / "book" / "runs.yml").runs() if r.id == r.notebook}
    for notebook, title in cl.CHAPTERS.items():
        if notebook in titles:  # a chapter not yet in runs.yml is checked once it is added
            assert titles[notebook] == title, notebook
