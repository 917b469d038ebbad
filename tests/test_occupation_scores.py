"""analysis.tables.occupation_scores: the SOC-level scores of the exposure chapter's tables built from tiny
hand-made raw files (what each reader is given, how the long frame is assembled). Expected values by hand."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from analysis.tables import occupation_scores as occ


def test_soc_scores_long_felten_then_eloundou_averaged_to_soc() -> None:
    felten = {"aioe": pd.DataFrame({"soc": ["11-1011"], "title": ["Chief Executives"], "score": [1]}),
              "lm_aioe": pd.DataFrame({"soc": ["13-2011"], "title": ["Accountants"], "score": [-0.5]})}
    # two O*NET occupations of 11-1011: GPT-4 β (0.2 + 0.4) / 2 = 0.3, human β (0.1 + 0.2) / 2 = 0.15
    elo = pd.DataFrame({"O*NET-SOC Code": ["11-1011.03", "11-1011.00"], "Title": ["CSO", "Chief Executives"],
                        "dv_rating_beta": [0.4, 0.2], "human_rating_beta": [0.2, 0.1]})
    out = occ.soc_scores_long(felten, elo)
    assert out["index"].tolist() == ["aioe", "lm_aioe", "eloundou", "eloundou_human"]
    assert out["soc"].tolist() == ["11-1011", "13-2011", "11-1011", "11-1011"]
    assert out["title"].tolist() == ["Chief Executives", "Accountants", "Chief Executives", "Chief Executives"]
    assert out["score"].tolist() == pytest.approx([1.0, -0.5, 0.3, 0.15]) and out["score"].dtype == "float64"
    assert out["n_onet"].tolist() == [0, 0, 2, 2]
    assert list(out.columns) == ["index", "soc", "title", "score", "n_onet"]
    assert out.index.tolist() == [0, 1, 2, 3]  # one plain index over the four parts


def test_read_soc_sources_gives_each_reader_its_declared_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = {
        ("felten-aioe", "AIOE_DataAppendix.xlsx"): tmp_path / "aioe.xlsx",
        ("felten-aioe", "Language Modeling AIOE and AIIE.xlsx"): tmp_path / "lm.xlsx",
        ("eloundou-gpts", "occ_level.csv"): tmp_path / "occ_level.csv",
        ("bls-oews-2021", "national_May2021_dl.csv"): tmp_path / "bls.csv",
        ("ibs-crosswalk-soc10-isco08", "soc10_isco08.dta"): tmp_path / "cw.dta",
    }
    pd.DataFrame({"SOC Code": ["11-1011"], "Occupation Title": ["CEO"], "AIOE": [1.5]}).to_excel(
        files[("felten-aioe", "AIOE_DataAppendix.xlsx")], sheet_name="Appendix A", index=False)
    pd.DataFrame({"SOC Code": ["11-1011"], "Occupation Title": ["CEO"], "Language Modeling AIOE": [0.5]}).to_excel(
        files[("felten-aioe", "Language Modeling AIOE and AIIE.xlsx")], sheet_name="LM AIOE", index=False)
    files[("eloundou-gpts", "occ_level.csv")].write_text(
        "O*NET-SOC Code,Title,dv_rating_beta,human_rating_beta\n11-1011.00,CEO,0.25,0.75\n")
    files[("bls-oews-2021", "national_May2021_dl.csv")].write_text(
        'OCC_CODE,O_GROUP,TOT_EMP\n11-1011,detailed,"2,000"\n')
    pd.DataFrame({"soc10": [111011], "isco08": [1120]}).to_stata(
        files[("ibs-crosswalk-soc10-isco08", "soc10_isco08.dta")], write_index=False)
    monkeypatch.setattr(occ, "raw_file", lambda source, name: (files[(source, name)], "any"))
    occ.read_soc_sources.cache_clear()
    try:
        src = occ.read_soc_sources()
    finally:
        occ.read_soc_sources.cache_clear()
    assert src.scores.set_index("index")["score"].to_dict() == {"aioe": 1.5, "lm_aioe": 0.5, "eloundou": 0.25,
                                                                "eloundou_human": 0.75}
    assert src.crosswalk.to_dict("list") == {"soc10": ["11-1011"], "isco08": ["1120"]}
    assert src.us_employment.to_dict() == {"11-1011": 2000.0}
