"""Codelists are data (CSV files read once by analysis.core.codelists); the old public names are aliases."""

from __future__ import annotations

from pathlib import Path

import analysis
from analysis.chapters import adoption, exposure
from analysis.core import codelists
from analysis.readers import eurostat_xlsx as _xlsx_extract

SRC = Path(analysis.__file__).resolve().parent


def test_codelist_files_have_unique_codes_and_no_blank_required_cells() -> None:
    for name, key in (("nace_sections", "code"), ("isco08", "code"), ("countries", "code"),
                      ("geo_labels", "eurostat_label")):
        rows = codelists.read(name)
        keys = [r[key] for r in rows]
        assert rows and len(keys) == len(set(keys)) and all(keys), name


def test_values_as_published() -> None:
    # NACE Rev. 2: Eurostat's label of section E and the book's shorter name of it
    assert codelists.NACE_CODES_BY_LABEL[
        "Water supply; sewerage, waste management and remediation activities"] == "E"
    assert codelists.NACE_SECTIONS["E"] == "Water supply; sewerage, waste management and remediation"
    assert list(codelists.NACE_SECTIONS) == [chr(c) for c in range(ord("A"), ord("U") + 1)]  # 21 sections
    # ISCO-08: the ILO title has a comma that Eurostat's extract label has not
    assert codelists.ISCO_TITLES["OC8"] == "Plant and machine operators, and assemblers"
    assert codelists.ISCO_CODES_BY_LABEL["Plant and machine operators and assemblers"] == "OC8"
    assert len([c for c in codelists.ISCO_TITLES if len(c) == 3]) == 10  # OC0…OC9
    assert len([c for c in codelists.ISCO_TITLES if len(c) == 4]) == 43  # the sub-major groups
    assert codelists.COUNTRY_NAMES["EL"] == "Greece" and codelists.GEO_CODES["Greece"] == "EL"
    assert codelists.GEO_CODES["Czech Republic"] == codelists.GEO_CODES["Czechia"] == "CZ"
    assert "UK" in codelists.EXTRA_GEO_NAMES and "UK" not in codelists.COUNTRY_NAMES


def test_old_public_names_are_aliases() -> None:
    assert adoption.COUNTRY_NAMES is codelists.COUNTRY_NAMES
    assert exposure.ISCO_TITLES is codelists.ISCO_TITLES
    assert exposure.NACE_SECTIONS is codelists.NACE_SECTIONS
    assert exposure.EXTRA_GEO_NAMES is codelists.EXTRA_GEO_NAMES
    assert _xlsx_extract.NACE_R2_SECTIONS is codelists.NACE_CODES_BY_LABEL
    assert _xlsx_extract.ISCO08_MAJOR_GROUPS is codelists.ISCO_CODES_BY_LABEL
    assert _xlsx_extract.GEO_CODES is codelists.GEO_CODES
    assert exposure.country_name("UK") == "United Kingdom" and exposure.country_name("DE") == "Germany"


def test_each_codelist_is_defined_once() -> None:
    """No module spells a codelist out: the section and group names live only in the CSV files."""
    for path in SRC.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "Mining and quarrying" not in text, path
        assert "Skilled agricultural, forestry and fishery workers" not in text, path
        assert '"Liechtenstein"' not in text, path
