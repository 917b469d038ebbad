"""The readers of the SOC-based exposure sources: Felten AIOE appendices (xlsx), Eloundou occ_level.csv, BLS OEWS
national CSV, on tiny hand-made files."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from analysis.readers.bls import read_bls_employment
from analysis.readers.eloundou import EloundouFormatError, read_eloundou_occupations
from analysis.readers.felten import FeltenFormatError, read_felten_scores


def test_felten_appendix_sheet_and_columns(tmp_path: Path) -> None:
    path = tmp_path / "aioe.xlsx"
    with pd.ExcelWriter(path) as xl:
        pd.DataFrame({"x": [1]}).to_excel(xl, sheet_name="Other", index=False)
        pd.DataFrame({"SOC Code": [" 11-1011", "13-2011 "], "Occupation Title": ["Chief Executives", "Accountants"],
                      "AIOE": [1, -0.5]}).to_excel(xl, sheet_name="Appendix A", index=False)
        pd.DataFrame({"SOC Code": ["11-1011"], "Occupation Title": ["Chief Executives"],
                      "Language Modeling AIOE": [0.25]}).to_excel(xl, sheet_name="LM AIOE", index=False)
    aioe = read_felten_scores(path, "aioe")
    assert aioe.to_dict("list") == {"soc": ["11-1011", "13-2011"], "title": ["Chief Executives", "Accountants"],
                                    "score": [1.0, -0.5]}
    assert aioe["score"].dtype == "float64"
    assert read_felten_scores(path, "lm_aioe")["score"].tolist() == [0.25]


def test_felten_appendix_without_its_score_column(tmp_path: Path) -> None:
    path = tmp_path / "aioe.xlsx"
    pd.DataFrame({"SOC Code": ["11-1011"], "Occupation Title": ["x"], "Score": [1.0]}).to_excel(
        path, sheet_name="Appendix A", index=False)
    with pytest.raises(FeltenFormatError, match=r"^Felten aioe: column 'AIOE' missing"):
        read_felten_scores(path, "aioe")


def test_eloundou_codes_stay_text_and_columns_are_checked(tmp_path: Path) -> None:
    path = tmp_path / "occ_level.csv"
    path.write_text("O*NET-SOC Code,Title,dv_rating_beta,human_rating_beta\n11-1011.00,Chief Executives,0.5,0.25\n")
    out = read_eloundou_occupations(path)
    assert out["O*NET-SOC Code"].tolist() == ["11-1011.00"] and out["dv_rating_beta"].tolist() == [0.5]
    path.write_text("O*NET-SOC Code,Title,dv_rating_beta\n11-1011.00,Chief Executives,0.5\n")
    with pytest.raises(EloundouFormatError, match=r"missing column\(s\) \['human_rating_beta'\]"):
        read_eloundou_occupations(path)


def test_bls_national_file_detailed_occupations_in_persons(tmp_path: Path) -> None:
    path = tmp_path / "national.csv"
    path.write_text('OCC_CODE,O_GROUP,TOT_EMP\n00-0000,total,"140,000"\n11-1011,detailed,"1,234"\n'
                    "11-1021,detailed,**\n11-1000,minor,NA\n")
    out = read_bls_employment(path)
    assert list(out.index) == ["11-1011", "11-1021"] and out["11-1011"] == 1234.0 and math.isnan(out["11-1021"])


def test_bls_parse_strips_codes_sorts_and_names_the_series() -> None:
    from analysis.readers.bls import parse_bls_employment

    raw = pd.DataFrame({"OCC_CODE": [" 15-1252 ", "11-1011", "13-2011", "99-0000"],
                        "O_GROUP": [" detailed", "detailed ", "detailed", "broad"],
                        "TOT_EMP": [" 1,500,000 ", "200", "#", "5"]})
    out = parse_bls_employment(raw)
    assert out.name == "us_employment" and out.dtype == "float64"
    assert list(out.index) == ["11-1011", "13-2011", "15-1252"]  # sorted by SOC code, spaces stripped
    assert out["15-1252"] == 1500000.0 and out["11-1011"] == 200.0 and math.isnan(out["13-2011"])
    whole = parse_bls_employment(raw.iloc[[1]])
    assert whole.dtype == "float64" and whole.tolist() == [200.0]
    # a decimal is a number; "3." and "-4" are not numbers of the file's form
    odd = parse_bls_employment(raw.assign(TOT_EMP=["1.5", "-4", "3.", "4"]))
    assert odd["15-1252"] == 1.5 and math.isnan(odd["11-1011"]) and math.isnan(odd["13-2011"])


def test_bls_parse_a_soc_code_twice_is_an_error() -> None:
    from analysis.readers.bls import parse_bls_employment

    raw = pd.DataFrame({"OCC_CODE": ["11-1011", "13-2011", "13-2011 "], "O_GROUP": ["detailed"] * 3,
                        "TOT_EMP": ["1", "2", "3"]})
    with pytest.raises(ValueError, match=r"^BLS OEWS: SOC code '13-2011' appears twice$"):
        parse_bls_employment(raw)
