"""Eurostat readers on tiny fixtures: flags, ':' as missing, gzip, trailing spaces, SDMX-CSV."""

from __future__ import annotations

import gzip
import math

import pandas as pd
import pytest

from analysis.readers.eurostat import EurostatFormatError, read_bulk_tsv, read_sdmx_csv, split_value_flag

TSV = (
    "freq,size_emp,indic_is,unit,geo\\TIME_PERIOD\t2021 \t2023 \t2024 \n"
    "A,10-249,E_AI_TANY,PC_ENT,EU27_2020\t: \t7.47 \t12.64 \n"
    "A,GE250,E_AI_TANY,PC_ENT,DK\t24.1 b\t: u\t41.17 \n"
)


@pytest.mark.parametrize(
    ("cell", "value", "flag"),
    [("12.3 b", 12.3, "b"), (": ", math.nan, ""), (": u", math.nan, "u"), ("7", 7.0, ""), ("", math.nan, ""),
     (" 0.5 ", 0.5, ""), ("3.2 bu", 3.2, "bu"), (": @C", math.nan, "@C"), (None, math.nan, ""), (4, 4.0, "")],
)
def test_split_value_flag(cell, value, flag):
    v, f = split_value_flag(cell)
    assert (math.isnan(v) and math.isnan(value)) or v == value
    assert f == flag


@pytest.mark.parametrize("bad", ["abc def", "12,5", "1.2.3"])
def test_split_value_flag_rejects_garbage(bad):
    with pytest.raises(EurostatFormatError, match="cannot read Eurostat cell"):
        split_value_flag(bad)


@pytest.mark.parametrize("compress", [False, True])
def test_read_bulk_tsv(tmp_path, compress):
    path = tmp_path / ("x.tsv.gz" if compress else "x.tsv")
    data = TSV.encode()
    path.write_bytes(gzip.compress(data) if compress else data)
    frame = read_bulk_tsv(path)
    assert list(frame.columns) == ["freq", "size_emp", "indic_is", "unit", "geo", "year", "value", "flag"]
    assert len(frame) == 6
    assert frame["year"].dtype == "int64" and frame["value"].dtype == "float64"
    row = frame[(frame.geo == "EU27_2020") & (frame.year == 2024)].iloc[0]
    assert row.value == 12.64 and row.flag == ""
    missing = frame[(frame.geo == "EU27_2020") & (frame.year == 2021)].iloc[0]
    assert math.isnan(missing.value) and missing.flag == ""  # ':' is missing, never zero
    dk = frame[frame.geo == "DK"].set_index("year")
    assert (dk.loc[2021, "value"], dk.loc[2021, "flag"]) == (24.1, "b")
    assert math.isnan(dk.loc[2023, "value"]) and dk.loc[2023, "flag"] == "u"


def test_read_bulk_tsv_rejects_other_layouts(tmp_path):
    path = tmp_path / "bad.tsv"
    path.write_text("a,b\t2021\nx,y\t1\n")
    with pytest.raises(EurostatFormatError, match="not a Eurostat bulk TSV"):
        read_bulk_tsv(path)
    path.write_text("a,geo\\TIME_PERIOD\t2021 \t2022 \nx,y\t1 \n")
    with pytest.raises(EurostatFormatError, match="line 2"):
        read_bulk_tsv(path)


def test_read_sdmx_csv(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text(
        "DATAFLOW,LAST UPDATE,freq,isco08,age,sex,unit,geo,TIME_PERIOD,OBS_VALUE,OBS_FLAG,CONF_STATUS\n"
        "ESTAT:X(1.0),30/06/26 11:00:00,A,OC23,Y15-74,T,THS_PER,AT,2024,161.2,,\n"
        "ESTAT:X(1.0),30/06/26 11:00:00,A,OC01,Y15-74,T,THS_PER,AT,2024,,u,\n"
        "ESTAT:X(1.0),30/06/26 11:00:00,A,OC02,Y15-74,T,THS_PER,AT,2024,,,C\n"
        "ESTAT:X(1.0),30/06/26 11:00:00,A,OC03,Y15-74,T,THS_PER,AT,2023,3.5,b,\n"
    )
    frame = read_sdmx_csv(path)
    assert list(frame.columns) == ["isco08", "age", "sex", "unit", "geo", "year", "value", "flag"]
    got = frame.set_index("isco08")
    assert got.loc["OC23", "value"] == 161.2 and got.loc["OC23", "flag"] == ""
    assert math.isnan(got.loc["OC01", "value"]) and got.loc["OC01", "flag"] == "u"
    assert got.loc["OC02", "flag"] == "@C"
    assert got.loc["OC03", "year"] == 2023 and got.loc["OC03", "flag"] == "b"


def test_read_sdmx_csv_rejects_non_numeric(tmp_path):
    path = tmp_path / "x.csv"
    pd.DataFrame({"geo": ["AT"], "TIME_PERIOD": ["2024"], "OBS_VALUE": ["12a"]}).to_csv(path, index=False)
    with pytest.raises(EurostatFormatError, match="non-numeric OBS_VALUE '12a'"):
        read_sdmx_csv(path)
    pd.DataFrame({"geo": ["AT"], "value": ["1"]}).to_csv(path, index=False)
    with pytest.raises(EurostatFormatError, match="not an SDMX-CSV"):
        read_sdmx_csv(path)


@pytest.mark.integration
def test_mirror_tsv_reproduces_published_headline(mirror):
    frame = read_bulk_tsv(mirror / "eurostat-isoc_eb_ai" / "isoc_eb_ai.tsv")
    sel = frame[(frame.indic_is == "E_AI_TANY") & (frame.unit == "PC_ENT") & (frame.geo == "EU27_2020")
                & (frame.year == 2024)].set_index("size_emp")["value"]
    assert sel["GE10"] == 13.48 and sel["10-249"] == 12.64  # COM(2025) 723: "13,5 %" and "12,6 %"
    assert set(frame.year) == {2021, 2023, 2024, 2025}
