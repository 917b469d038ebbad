"""Codelists are data (CSV files read once by analysis.core.codelists); the old public names are aliases."""

from __future__ import annotations

from pathlib import Path

import pytest

import analysis
from analysis.chapters import adoption, dialogues, exposure
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
        assert "costs seem too high" not in text, path  # ai_barriers.csv
        assert "image recognition/processing" not in text, path  # ai_technologies.csv
        assert "motor vehicles and other transport equipment" not in text, path  # nace_ain2.csv
        assert '"medium (50-249)"' not in text, path  # size_classes.csv


#: The book's short labels of the AI-survey codes: file → the codes in the order the book shows them (charts,
#: tables, lists), written out by hand from the survey's questionnaire order.
BOOK_ORDER: dict[str, list[str]] = {
    "ai_technologies": ["E_AI_TANY", "E_AI_TTM", "E_AI_TSR", "E_AI_TNLG", "E_AI_TIR", "E_AI_TML", "E_AI_TPA",
                        "E_AI_TAR", "E_AI_TPVSG", "E_AI_TGE2", "E_AI_TGE3", "E_AI_TX"],
    "ai_barriers": ["E_AI_BCST", "E_AI_BLE", "E_AI_BINC", "E_AI_BDDT", "E_AI_BCDP", "E_AI_BLEG", "E_AI_BEC",
                    "E_AI_BNU"],
    "size_classes": ["10-49", "50-249", "10-249", "GE250", "GE10"],
    "nace_ain2": ["C", "C10-C12", "C21", "C26", "C29_C30", "D_E", "F", "G", "H", "I", "J", "L", "M", "N",
                  "C10-S951_X_K", "ICT"],
}


@pytest.mark.parametrize("name", sorted(BOOK_ORDER))
def test_label_codelists_unique_codes_no_empty_label_book_order(name: str) -> None:
    rows = codelists.read(name)
    codes = [r["code"] for r in rows]
    assert len(codes) == len(set(codes)) and all(codes), name
    assert all(r["label"].strip() == r["label"] != "" for r in rows), name  # no empty or padded label
    assert codes == BOOK_ORDER[name]


def test_label_codelists_are_the_chapters_names_in_the_book_order() -> None:
    assert adoption.TECHNOLOGY_LABELS is codelists.AI_TECHNOLOGY_LABELS
    assert adoption.BARRIER_LABELS is codelists.AI_BARRIER_LABELS
    assert adoption.SIZE_LABELS is codelists.SIZE_CLASS_LABELS
    assert dialogues.NACE_LABELS is codelists.NACE_AIN2_LABELS
    # the individual technologies (group "technology"), the reasons and the size classes keep the book's order
    assert adoption.TECHNOLOGIES == ("E_AI_TTM", "E_AI_TSR", "E_AI_TNLG", "E_AI_TIR", "E_AI_TML", "E_AI_TPA",
                                     "E_AI_TAR", "E_AI_TPVSG")
    assert adoption.BARRIERS == tuple(BOOK_ORDER["ai_barriers"])
    assert adoption.SIZE_CLASSES == ("10-49", "50-249", "10-249", "GE250", "GE10")
    # labels as the book prints them (a comma inside a label survives the CSV quoting)
    assert adoption.label("E_AI_TAR") == "autonomous robots, vehicles, drones"
    assert adoption.label("E_AI_BNU") == "AI not useful for the enterprise"
    assert adoption.label("GE250") == "large (250+)"
    assert dialogues.nace_label("C26") == "computer, electronic and optical products (C26)"
