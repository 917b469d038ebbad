"""Readers for the xlsx / Stata sources: Eurostat custom extracts, ILO GenAI scores, SOC→ISCO crosswalk.

Unit tests build tiny look-alike files in tmp_path; integration tests read the offline mirror
(``ANALYSIS_DATA_MIRROR``) and assert facts of the real files.
"""

from __future__ import annotations

import math
import os
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from analysis.readers.crosswalk import CrosswalkFormatError, normalise_soc10, read_soc_isco_crosswalk
from analysis.readers.eurostat import EurostatFormatError, read_custom_extract_xlsx
from analysis.readers.eurostat_xlsx import geo_code, position_code, read_extract
from analysis.readers.ilo import (
    GRADIENT_ORDER,
    IloFormatError,
    is_exposed_gradient,
    read_ilo_scores,
    read_ilo_tasks,
)

NACE = "Statistical classification of economic activities in the European Community (NACE Rev. 2)"
ISCO = "International Standard Classification of Occupations 2008 (ISCO-08)"

# ---------------------------------------------------------------- Eurostat custom extract (xlsx)


def _extract_sheet(ws, isco_label: str, rows: list[tuple]) -> None:
    """Fill one data sheet the way the Data Browser does (header block, TIME line, GEO table, footnotes)."""
    ws.append(["Data extracted on 19/05/2025 21:52:47 from [ESTAT]"])
    ws.append(["Dataset: ", "Employment by sex, age, occupation and economic activity (1 000) [lfsa_eisn2]"])
    ws.append(["Last updated: ", "14/04/2025 23:00"])
    for dim, pos in [("Time frequency", "Annual"), ("Age class", "15 years or over"), ("Sex", "Total"),
                     (NACE, "Manufacturing"), (ISCO, isco_label), ("Unit of measure", "Thousand persons")]:
        ws.append([dim, None, pos])
    ws.append(["TIME", "2023", None, "2024", None])
    ws.append(["GEO (Labels)", "", "", "", ""])
    for row in rows:
        ws.append(list(row))
    ws.append(["Special value"])
    ws.append([":", "not available"])
    ws.append(["Observation flags:"])
    ws.append(["u", "low reliability"])


def write_extract(path: Path, sheet2_rows: list[tuple] | None = None) -> Path:
    wb = openpyxl.Workbook()
    wb.active.title = "Summary"
    wb.active.append(["Employment by sex, age, occupation and economic activity (1 000)"])
    wb.create_sheet("Structure").append(["Structure"])
    _extract_sheet(wb.create_sheet("Sheet 1"), "Managers", [
        ("Belgium", 12.5, "", 13.0, "b"),
        ("Germany (until 1990 former territory of the FRG)", ":", "u", 250.25, ""),
    ])
    _extract_sheet(wb.create_sheet("Sheet 2"), "Armed forces occupations", sheet2_rows or [
        ("Greece", 3.0, "u", ":", ""),
        ("Türkiye", 0, "", 1.5, "du"),
    ])
    wb.save(path)
    return path


def test_read_extract_tidy_values_and_flags(tmp_path: Path) -> None:
    got = read_extract(write_extract(tmp_path / "extract.xlsx"))
    fixed = {"freq": "A", "age": "Y_GE15", "sex": "T", "nace_r2": "C", "unit": "THS_PER"}
    rows = [("OC1", "BE", 2023, 12.5, ""), ("OC1", "BE", 2024, 13.0, "b"),
            ("OC1", "DE", 2023, math.nan, "u"), ("OC1", "DE", 2024, 250.25, ""),
            ("OC0", "EL", 2023, 3.0, "u"), ("OC0", "EL", 2024, math.nan, ""),
            ("OC0", "TR", 2023, 0.0, ""), ("OC0", "TR", 2024, 1.5, "du")]
    expected = pd.DataFrame([{**fixed, "isco08": i, "geo": g, "year": y, "value": v, "flag": f}
                             for i, g, y, v, f in rows])
    expected = expected[["freq", "age", "sex", "nace_r2", "isco08", "unit", "geo", "year", "value", "flag"]]
    pd.testing.assert_frame_equal(got, expected)
    assert got["year"].dtype == "int64" and got["value"].dtype == "float64"


def test_eurostat_module_delegates_to_extract_reader(tmp_path: Path) -> None:
    path = write_extract(tmp_path / "extract.xlsx")
    pd.testing.assert_frame_equal(read_custom_extract_xlsx(path), read_extract(path))


def test_unknown_geo_label_names_sheet_and_label(tmp_path: Path) -> None:
    path = write_extract(tmp_path / "extract.xlsx", sheet2_rows=[("Atlantis", 1.0, "", 2.0, "")])
    with pytest.raises(EurostatFormatError, match=r"sheet 'Sheet 2': unknown geo label 'Atlantis'"):
        read_extract(path)


def test_bad_cell_names_sheet_and_geo(tmp_path: Path) -> None:
    path = write_extract(tmp_path / "extract.xlsx", sheet2_rows=[("Greece", "n/a", "", 2.0, "")])
    with pytest.raises(EurostatFormatError, match=r"sheet 'Sheet 2', geo 'Greece': cannot read Eurostat cell"):
        read_extract(path)


def test_missing_time_line_is_a_layout_error(tmp_path: Path) -> None:
    path = write_extract(tmp_path / "extract.xlsx")
    wb = openpyxl.load_workbook(path)
    wb["Sheet 2"]["A10"] = "PERIOD"
    wb.save(path)
    with pytest.raises(EurostatFormatError, match=r"sheet 'Sheet 2': no line starting with 'TIME'"):
        read_extract(path)


def test_geo_and_position_codes() -> None:
    assert geo_code("Greece") == "EL"
    assert geo_code("Germany (until 1990 former territory of the FRG)") == "DE"
    assert geo_code("Euro area \u2013 20 countries (from 2023)") == "EA20"
    assert geo_code("European Union - 27 countries (from 2020)") == "EU27_2020"
    assert position_code("age", "From 15 to 64 years") == "Y15-64"
    assert position_code("age", "Less than 25 years") == "Y_LT25"
    assert position_code("nace_r2", "Information and communication") == "J"
    assert position_code("isco08", "Elementary occupations") == "OC9"
    assert position_code("some_other_dimension", "Kept as label") == "Kept as label"
    with pytest.raises(EurostatFormatError, match=r"unknown isco08 label 'Wizards'"):
        position_code("isco08", "Wizards")


# ---------------------------------------------------------------- ILO GenAI scores (xlsx)


def _ilo_frame() -> pd.DataFrame:
    """Two occupations: armed forces officers (code stored as int 110) with 2 tasks, 2511 with 3 tasks."""
    return pd.DataFrame({
        "label4d": ["0110 - Commissioned Armed Forces Officers"] * 2 + ["2511 - Systems Analysts"] * 3,
        "label1d": ["0 - Armed forces occupations"] * 2 + ["2 - Professionals"] * 3,
        "ISCO_08": [110, 110, 2511, 2511, 2511],
        "Title": ["Commissioned Armed Forces Officers"] * 2 + ["Systems Analysts"] * 3,
        "taskID": [1, 2, 1, 2, 3],
        "Task_ISCO": ["Lead", "Plan", "Analyse", "Design", "Test"],
        "score_2023": [0.1, 0.3, 0.4, float("nan"), 0.5],
        "score_2025": [0.2, 0.3, 0.5, 0.45, 0.55],
        "source": ["predicted"] * 5,
        "mean_score_2023": [0.2, 0.2, 0.45, 0.45, 0.45],
        "mean_score_2025": [0.25, 0.25, 0.5, 0.5, 0.5],
        "SD_2023": [0.14, 0.14, 0.07, 0.07, 0.07],
        "SD_2025": [0.07, 0.07, 0.05, 0.05, 0.05],
        "potential25": ["Not Exposed"] * 2 + ["Exposed: Gradient 3"] * 3,
        "potential23": ["Not affected", "Not affected", "The Big Uknown", "Augmentation Potential",
                        "Augmentation Potential"],
    })


def write_ilo(path: Path, frame: pd.DataFrame | None = None) -> Path:
    (_ilo_frame() if frame is None else frame).to_excel(path, sheet_name="Sheet1", index=False)
    return path


def test_read_ilo_scores_one_row_per_occupation_and_version(tmp_path: Path) -> None:
    got = read_ilo_scores(write_ilo(tmp_path / "ilo.xlsx"))
    expected = pd.DataFrame({
        "isco08": ["0110", "0110", "2511", "2511"],
        "title": ["Commissioned Armed Forces Officers"] * 2 + ["Systems Analysts"] * 2,
        "index_version": [2023, 2025, 2023, 2025],
        "mean": [0.2, 0.25, 0.45, 0.5],
        "sd": [0.14, 0.07, 0.07, 0.05],
        "gradient": ["", "Not Exposed", "", "Exposed: Gradient 3"],
        "n_tasks": [2, 2, 3, 3],
    })
    pd.testing.assert_frame_equal(got, expected)


def test_read_ilo_tasks(tmp_path: Path) -> None:
    got = read_ilo_tasks(write_ilo(tmp_path / "ilo.xlsx"))
    assert list(got.columns) == ["isco08", "task_id", "score_2023", "score_2025"]
    assert got["isco08"].tolist() == ["0110", "0110", "2511", "2511", "2511"]
    assert got["task_id"].tolist() == [1, 2, 1, 2, 3]
    assert math.isnan(got.loc[3, "score_2023"]) and got.loc[3, "score_2025"] == 0.45


def test_ilo_missing_column_is_named(tmp_path: Path) -> None:
    path = write_ilo(tmp_path / "ilo.xlsx", _ilo_frame().drop(columns="potential25"))
    with pytest.raises(IloFormatError, match=r"missing column\(s\) \['potential25'\]"):
        read_ilo_scores(path)


def test_ilo_mean_must_be_constant_within_occupation(tmp_path: Path) -> None:
    frame = _ilo_frame()
    frame.loc[4, "mean_score_2025"] = 0.51
    with pytest.raises(IloFormatError, match=r"mean_score_2025 differs .* occupation 2511"):
        read_ilo_scores(write_ilo(tmp_path / "ilo.xlsx", frame))


def test_ilo_mean_must_match_task_scores(tmp_path: Path) -> None:
    frame = _ilo_frame()
    frame.loc[:1, "mean_score_2023"] = 0.3
    with pytest.raises(IloFormatError, match=r"mean_score_2023 of occupation 0110 is not the mean"):
        read_ilo_scores(write_ilo(tmp_path / "ilo.xlsx", frame))


def test_ilo_unknown_gradient(tmp_path: Path) -> None:
    frame = _ilo_frame()
    frame.loc[:1, "potential25"] = "Exposed: Gradient 5"
    with pytest.raises(IloFormatError, match=r"unknown potential25 label\(s\) \['Exposed: Gradient 5'\]"):
        read_ilo_scores(write_ilo(tmp_path / "ilo.xlsx", frame))


def test_gradient_order_and_exposed() -> None:
    assert GRADIENT_ORDER[0] == "Not Exposed" and GRADIENT_ORDER[-1] == "Exposed: Gradient 4"
    assert [is_exposed_gradient(g) for g in GRADIENT_ORDER] == [False, False, True, True, True, True]
    assert is_exposed_gradient("") is False
    with pytest.raises(ValueError, match="unknown ILO exposure gradient"):
        is_exposed_gradient("Exposed")


# ---------------------------------------------------------------- SOC-2010 → ISCO-08 crosswalk (Stata)


def test_read_crosswalk_normalises_and_dedups(tmp_path: Path) -> None:
    raw = pd.DataFrame({"soc10": pd.Series([551011, 111011, 111011, 111011], dtype="int32"),
                        "isco08": pd.Series([110, 1120, 1112, 1120], dtype="int16")})
    path = tmp_path / "cw.dta"
    raw.to_stata(path, write_index=False)
    got = read_soc_isco_crosswalk(path)
    expected = pd.DataFrame({"soc10": ["11-1011", "11-1011", "55-1011"], "isco08": ["1112", "1120", "0110"]})
    pd.testing.assert_frame_equal(got, expected)


def test_crosswalk_missing_column(tmp_path: Path) -> None:
    path = tmp_path / "cw.dta"
    pd.DataFrame({"soc": [111011], "isco08": [1112]}).to_stata(path, write_index=False)
    with pytest.raises(CrosswalkFormatError, match=r"missing column\(s\) \['soc10'\]"):
        read_soc_isco_crosswalk(path)


def test_normalise_soc10_accepts_text_forms() -> None:
    assert normalise_soc10(pd.Series(["11-1011", "151132", " 29-1141 "], name="soc")).tolist() == [
        "11-1011", "15-1132", "29-1141"]
    with pytest.raises(CrosswalkFormatError, match="not a SOC-2010 code: '11-101'"):
        normalise_soc10(pd.Series(["11-101"], name="soc"))


# ---------------------------------------------------------------- integration: the offline mirror


@pytest.fixture(scope="module")
def mirror() -> Path:
    root = os.environ.get("ANALYSIS_DATA_MIRROR")
    if not root:
        pytest.skip("ANALYSIS_DATA_MIRROR not set")
    return Path(root)


@pytest.fixture(scope="module")
def eisn2(mirror: Path) -> pd.DataFrame:
    return read_extract(mirror / "eurostat-lfsa_eisn2" / "lfsa_eisn2_custom_16774333.xlsx")


@pytest.mark.integration
def test_eisn2_shape(eisn2: pd.DataFrame) -> None:
    assert len(eisn2) == 210 * 36 * 2 == 15_120
    assert list(eisn2.columns) == ["freq", "age", "sex", "nace_r2", "isco08", "unit", "geo", "year", "value",
                                   "flag"]
    assert eisn2[["freq", "age", "sex", "unit"]].drop_duplicates().values.tolist() == [
        ["A", "Y_GE15", "T", "THS_PER"]]
    assert sorted(eisn2["nace_r2"].unique()) == list("ABCDEFGHIJKLMNOPQRSTU")
    assert sorted(eisn2["isco08"].unique()) == [f"OC{i}" for i in range(10)]
    assert eisn2.groupby(["nace_r2", "isco08"]).size().eq(72).all()
    assert sorted(eisn2["year"].unique()) == [2023, 2024]
    geos = set(eisn2["geo"])
    assert len(geos) == 36 and {"EL", "DE", "UK", "TR", "CH"} <= geos
    assert not geos & {"EU27_2020", "EU28", "EA20", "GR", "GB"}


@pytest.mark.integration
def test_eisn2_known_values_and_flags(eisn2: pd.DataFrame) -> None:
    cell = eisn2.set_index(["nace_r2", "isco08", "geo", "year"])[["value", "flag"]]
    assert tuple(cell.loc[("A", "OC1", "BE", 2023)]) == (2.7, "u")
    assert tuple(cell.loc[("A", "OC1", "ES", 2023)]) == (19.3, "d")
    assert tuple(cell.loc[("C", "OC7", "DE", 2023)]) == (2048.0, "")
    assert tuple(cell.loc[("J", "OC2", "EL", 2024)]) == (52.1, "")
    value, flag = cell.loc[("A", "OC1", "DK", 2023)]
    assert math.isnan(value) and flag == "bu"
    assert eisn2["flag"].value_counts().to_dict() == {"": 8923, "u": 5385, "d": 546, "du": 95, "b": 88, "bu": 83}
    assert eisn2["value"].isna().sum() == 7424
    assert eisn2.loc[eisn2["geo"].isin(["UK", "ME", "MK"]), "value"].isna().all()
    assert eisn2.loc[eisn2["flag"].str.contains("b"), ["geo", "year"]].drop_duplicates().values.tolist() == [
        ["DK", 2023]]
    assert eisn2.loc[(eisn2["geo"] == "BE") & (eisn2["year"] == 2023), "value"].sum() == pytest.approx(4998.5)


@pytest.fixture(scope="module")
def ilo_path(mirror: Path) -> Path:
    return mirror / "ilo-genai-isco08" / "Final_Scores_ISCO08_Gmyrek_et_al_2025.xlsx"


@pytest.mark.integration
def test_ilo_scores_real_file(ilo_path: Path) -> None:
    scores = read_ilo_scores(ilo_path)
    assert len(scores) == 427 * 2 and scores["isco08"].nunique() == 427
    assert scores.groupby("index_version")["n_tasks"].sum().tolist() == [3266, 3266]
    latest = scores[scores["index_version"] == 2025]
    assert latest["gradient"].value_counts().to_dict() == {
        "Not Exposed": 231, "Minimal Exposure": 84, "Exposed: Gradient 2": 44, "Exposed: Gradient 3": 38,
        "Exposed: Gradient 1": 17, "Exposed: Gradient 4": 13}
    assert (scores.loc[scores["index_version"] == 2023, "gradient"] == "").all()
    row = scores.set_index(["isco08", "index_version"]).loc[("4132", 2025)]
    assert (row["title"], row["mean"], row["sd"], row["gradient"], row["n_tasks"]) == (
        "Data Entry Clerks", 0.70, 0.03, "Exposed: Gradient 4", 5)
    row = scores.set_index(["isco08", "index_version"]).loc[("1111", 2023)]
    assert (row["title"], row["mean"], row["sd"], row["n_tasks"]) == ("Legislators", 0.22, 0.07, 8)
    assert not scores["isco08"].str.startswith("0").any()  # no armed-forces occupations in the ILO file


@pytest.mark.integration
def test_ilo_tasks_real_file(ilo_path: Path) -> None:
    tasks = read_ilo_tasks(ilo_path)
    assert len(tasks) == 3266 and tasks["isco08"].nunique() == 427
    assert tasks["score_2023"].isna().sum() == 3 and tasks["score_2025"].notna().all()


@pytest.mark.integration
def test_crosswalk_real_file(mirror: Path, ilo_path: Path) -> None:
    cw = read_soc_isco_crosswalk(mirror / "ibs-crosswalk-soc10-isco08" / "soc10_isco08.dta")
    assert len(cw) == 1131 and cw["soc10"].nunique() == 839 and cw["isco08"].nunique() == 436
    assert cw.iloc[0].tolist() == ["11-1011", "1112"]
    assert {"0110", "0210", "0310"} <= set(cw["isco08"])
    ilo = set(read_ilo_tasks(ilo_path)["isco08"])
    assert ilo <= set(cw["isco08"])
    assert sorted(set(cw["isco08"]) - ilo) == ["0110", "0210", "0310", "1439", "3139", "3435", "5249", "7319",
                                                "8189"]
