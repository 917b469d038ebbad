"""Processed tables: schemas, determinism, atomic writes, and a bad input leaving data/processed untouched."""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path

import pandas as pd
import pandera.errors
import pytest

from analysis.core.storage import atomic_write_bytes
from analysis.tables import process


def _snapshot(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.glob("*")) if p.is_file()}


def test_ai_schema_rejects_out_of_range_and_duplicates():
    row = {"dataset": "isoc_eb_ai", "indicator": "E_AI_TANY", "unit": "PC_ENT", "size_class": "GE10",
           "nace": "C10-S951_X_K", "geo": "AT", "year": 2024, "value": 20.0, "flag": ""}
    ok = pd.DataFrame([row, {**row, "geo": "BE", "value": math.nan, "flag": "u"}])
    process.AI_SCHEMA.validate(ok)
    with pytest.raises(pandera.errors.SchemaError):
        process.AI_SCHEMA.validate(pd.DataFrame([{**row, "value": 140.0}]))
    with pytest.raises(pandera.errors.SchemaError):
        process.AI_SCHEMA.validate(pd.DataFrame([row, row]))
    with pytest.raises(pandera.errors.SchemaError):
        process.AI_SCHEMA.validate(pd.DataFrame([{**row, "flag": "1"}]))


def test_atomic_write_leaves_no_partial_file(tmp_path, monkeypatch):
    target = tmp_path / "t.csv"
    target.write_bytes(b"old")

    class Boom(Exception):
        pass

    import os

    def fail(*_):
        raise Boom

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(Boom):
        atomic_write_bytes(target, b"new")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["t.csv"]


def test_unknown_table_lists_known():
    with pytest.raises(KeyError, match="known: ai_adoption"):
        process.get_table("nope")


@pytest.mark.integration
def test_processed_tables_have_meta_and_match_schema(processed):
    for table in process.all_tables():
        csv = processed / f"{table.name}.csv"
        meta = json.loads(csv.with_suffix(".meta.json").read_text())
        assert meta["rows"] == len(process.load(table.name)) > 0
        assert meta["description"] and meta["unit"] and meta["processing"] and meta["sources"]
        table.schema.validate(process.load(table.name))


@pytest.mark.integration
def test_ai_adoption_reproduces_strategy_claim(processed):
    ai = process.load("ai_adoption")
    sel = ai[(ai.dataset == "isoc_eb_ai") & (ai.indicator == "E_AI_TANY") & (ai.unit == "PC_ENT")
             & (ai.geo == "EU27_2020") & (ai.year == 2024)].set_index("size_class")["value"]
    assert (sel["GE10"], sel["10-249"]) == (13.48, 12.64)
    assert set(ai.dataset) == {"isoc_eb_ai", "isoc_eb_ain2"}


@pytest.fixture
def mirror_project(project_copy, mirror, tmp_path, monkeypatch):
    """A throw-away project with its own copy of the mirror (so files can be corrupted)."""
    own = tmp_path / "mirror"
    shutil.copytree(mirror, own)
    monkeypatch.setenv("ANALYSIS_DATA_MIRROR", str(own))
    return project_copy, own


@pytest.mark.integration
def test_process_is_deterministic(mirror_project):
    from analysis.readers.sources import fetch

    root, _ = mirror_project
    fetch(log=lambda *_: None)
    process.process(log=lambda *_: None)
    first = _snapshot(root / "data" / "processed")
    process.process(log=lambda *_: None, force=True)
    assert _snapshot(root / "data" / "processed") == first
    assert len([n for n in first if n.endswith(".csv")]) == len(process.all_tables())


@pytest.mark.integration
def test_corrupted_mirror_stops_build_and_keeps_processed(mirror_project, capsys):
    from analysis.__main__ import main

    root, own = mirror_project
    assert main(["fetch"]) == 0 and main(["process"]) == 0
    before = _snapshot(root / "data" / "processed")
    victim = own / "eurostat-isoc_eb_ai" / "isoc_eb_ai.tsv"
    victim.chmod(0o644)
    victim.write_bytes(victim.read_bytes()[:1000])  # truncated
    (root / "data/raw/eurostat-isoc_eb_ai/isoc_eb_ai.tsv").unlink()  # force a new fetch
    capsys.readouterr()
    assert main(["build"]) == 1
    err = capsys.readouterr().err
    assert "checksum mismatch" in err and "isoc_eb_ai.tsv" in err
    assert "e2094d4768e9729e318b28422b4963294c47b9b73611d21934522af6360136f8" in err
    assert _snapshot(root / "data" / "processed") == before


@pytest.mark.integration
def test_missing_mirror_stops_build_and_keeps_processed(mirror_project, capsys, monkeypatch, tmp_path):
    from analysis.__main__ import main

    root, own = mirror_project
    assert main(["fetch"]) == 0 and main(["process"]) == 0
    before = _snapshot(root / "data" / "processed")
    shutil.rmtree(root / "data" / "raw" / "eurostat-lfsa_egai2d")
    monkeypatch.setenv("ANALYSIS_DATA_MIRROR", str(tmp_path / "gone"))
    assert main(["build"]) == 1
    assert "is not a directory" in capsys.readouterr().err
    assert _snapshot(root / "data" / "processed") == before


@pytest.mark.integration
def test_bad_raw_data_fails_validation_before_any_write(mirror_project, monkeypatch):
    from analysis.readers.sources import fetch

    root, _ = mirror_project
    fetch(log=lambda *_: None)
    process.process(log=lambda *_: None)
    before = _snapshot(root / "data" / "processed")
    real = process.read_isoc_eb_ai

    def broken():
        frame = real()
        frame.loc[0, "value"] = 250.0  # an impossible percentage
        return frame

    monkeypatch.setattr(process, "read_isoc_eb_ai", broken)
    tables = [process.Table(**{**t.__dict__, "build": process.build_ai_adoption}) if t.name == "ai_adoption"
              else t for t in process.TABLES]
    monkeypatch.setattr(process, "TABLES", tables)
    with pytest.raises(pandera.errors.SchemaError):
        process.process(log=lambda *_: None, force=True)
    assert _snapshot(root / "data" / "processed") == before


@pytest.mark.integration
def test_process_skips_unchanged_tables_and_rebuilds_changed_ones(mirror_project):
    from analysis.readers.sources import fetch

    root, _ = mirror_project
    fetch(log=lambda *_: None)
    process.process(log=lambda *_: None)
    said: list[str] = []
    process.process(log=said.append)
    assert all(s.startswith("up to date") for s in said) and len(said) == len(process.all_tables())
    # a changed raw input (here: a newer vintage, verified and recorded in its provenance as a download would
    # be) re-processes exactly the tables reading it
    from analysis.core.storage import sha256_file

    raw = root / "data" / "raw" / "eurostat-lfsa_egai2d" / "lfsa_egai2d_2023-2025.csv"
    raw.write_bytes(raw.read_bytes() + b"\n")
    prov_path = raw.with_name(raw.name + ".provenance.json")
    prov = json.loads(prov_path.read_text())
    prov_path.write_text(json.dumps({**prov, "sha256": sha256_file(raw), "pinned": False}))
    said.clear()
    process.process(log=said.append)
    rebuilt = sorted(s.split()[1] for s in said if s.startswith("processed"))
    readers = sorted(f"{t.name}.csv" for t in process.all_tables() if "eurostat-lfsa_egai2d" in t.sources)
    assert rebuilt == readers


def test_official_layouts_are_read_where_the_mirror_holds_another(project_copy, monkeypatch, tmp_path):
    """Without the mirror, Eurostat's own downloads (SDMX-CSV for lfsa_eisn2, SDMX codelists) still process."""
    sdmx = tmp_path / "eisn2.csv"
    sdmx.write_text(
        "DATAFLOW,LAST UPDATE,freq,isco08,nace_r2,age,sex,unit,geo,TIME_PERIOD,OBS_VALUE,OBS_FLAG\n"
        "ESTAT:LFSA_EISN2(1.0),x,A,OC2,P,Y_GE15,T,THS_PER,AT,2024,120.5,\n"
        "ESTAT:LFSA_EISN2(1.0),x,A,OC2,P,Y_GE15,F,THS_PER,AT,2024,80.0,\n"
        "ESTAT:LFSA_EISN2(1.0),x,A,TOTAL,P,Y_GE15,T,THS_PER,AT,2024,300.0,\n"
        "ESTAT:LFSA_EISN2(1.0),x,A,OC3,Q,Y_GE15,T,THS_PER,AT,2024,,u\n"
    )
    codelist = tmp_path / "codes.tsv"
    codelist.write_text("CODE\tNAME\nE_AI_TANY\tAny AI\n")
    files = {"eurostat-lfsa_eisn2": (sdmx, "eurostat-extract-xlsx"), "eurostat-codelists": (codelist, "labels-csv")}
    monkeypatch.setattr(process, "raw_file", lambda sid, file=0: files[sid])
    frame = process.EMP_SECTOR_SCHEMA.validate(process.build_employment_by_occupation_sector())
    assert frame.to_dict("records")[0] == {"isco08": "OC2", "nace": "P", "geo": "AT", "year": 2024,
                                           "value_thousands": 120.5, "flag": ""}
    assert len(frame) == 2 and math.isnan(frame.iloc[1]["value_thousands"]) and frame.iloc[1]["flag"] == "u"
    labels = process.LABELS_SCHEMA.validate(process.build_labels())
    assert labels.empty and list(labels.columns) == process.LABEL_COLUMNS


def test_raw_file_by_position_or_declared_name(monkeypatch):
    """Every builder reads its raw inputs through ``process.raw_file``: a file by its position in ``sources.yml``
    or by its declared name; an undeclared name is an error that lists the declared ones."""
    from types import SimpleNamespace

    files = [SimpleNamespace(name="a.csv", format="csv"), SimpleNamespace(name="b.xlsx", format="xlsx")]
    monkeypatch.setattr(process, "load_registry", lambda: SimpleNamespace(get=lambda sid: SimpleNamespace(files=files)))
    monkeypatch.setattr(process, "verified_raw", lambda sid, name: f"{sid}/{name}")
    assert process.raw_file("src") == ("src/a.csv", "csv")
    assert process.raw_file("src", 1) == process.raw_file("src", "b.xlsx") == ("src/b.xlsx", "xlsx")
    with pytest.raises(FileNotFoundError, match=r"^src: no file 'c.txt' declared in sources.yml \(declared: "
                                                r"\['a.csv', 'b.xlsx'\]\)$"):
        process.raw_file("src", "c.txt")
