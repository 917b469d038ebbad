"""Codelists as data: NACE Rev. 2 sections, ISCO-08 groups, country names, Eurostat's geo labels and the book's short
labels of the AI-survey codes (technologies, reasons for not using AI, size classes, isoc_eb_ain2 activities).

Each list is a CSV file beside this module (package data), read once here; the modules that used to define them
as Python dicts keep their public names as aliases (``adoption.COUNTRY_NAMES``, ``exposure.ISCO_TITLES``,
``exposure.NACE_SECTIONS``…). Eurostat's codelist download in the mirror (``eurostat-codelists``) holds only the
labels of isoc_eb_ai's own dimensions, not these lists.

- ``nace_sections.csv``: ``code`` (A…U, TOTAL, NRP), ``eurostat_label`` (Eurostat's English label, as in its
  data browser extracts), ``book_label`` (the shorter name the book shows; empty: not a section);
- ``isco08.csv``: ``code`` (Eurostat's OC codes, TOTAL, NRP), ``title`` (ISCO-08 title; empty: not a group),
  ``eurostat_label`` (the label of Eurostat's extracts; major groups only);
- ``countries.csv``: ``code`` (Eurostat geo code), ``name`` (the name readers see), ``list`` (``adoption``: the
  geo codes of the AI-adoption tables; ``lfs``: the further ones of the labour-force tables);
- ``geo_labels.csv``: ``eurostat_label`` (incl. older spellings), ``code``;
- ``ai_technologies.csv``: ``code`` (isoc_eb_ai ``indic_is``, E_AI_T…), ``label`` (the book's short English label),
  ``group`` (``technology``: one of the AI technologies the survey asks about; ``summary``: any, 2+, 3+ or none);
- ``ai_barriers.csv``: ``code`` (E_AI_B…, the reasons for not using AI), ``label``;
- ``size_classes.csv``: ``code`` (``size_emp``: 10-49 … GE10), ``label``;
- ``nace_ain2.csv``: ``code`` (the NACE Rev. 2 activities and aggregates of isoc_eb_ain2), ``label`` (lower-case
  English name, as the book writes it in a sentence).

The file order of the last four is the order the book shows them in (charts, tables, lists).
"""

from __future__ import annotations

import csv
import functools
from pathlib import Path

DIRECTORY = Path(__file__).resolve().parent


@functools.cache
def read(name: str) -> tuple[dict[str, str], ...]:
    """The rows of ``<name>.csv`` (text; empty cells ``""``), in file order."""
    with open(DIRECTORY / f"{name}.csv", encoding="utf-8", newline="") as f:
        return tuple(csv.DictReader(f))


def mapping(name: str, key: str, value: str, **where: str) -> dict[str, str]:
    """``{row[key]: row[value]}`` over the rows of ``<name>.csv`` whose ``value`` is not empty and whose columns
    equal ``where`` (a new dict, in file order)."""
    return {r[key]: r[value] for r in read(name)
            if r[value] != "" and all(r[c] == v for c, v in where.items())}


#: NACE Rev. 2 section code → the book's name of the section (A…U).
NACE_SECTIONS: dict[str, str] = mapping("nace_sections", "code", "book_label")
#: Eurostat's English NACE labels → codes (sections, TOTAL, NRP).
NACE_CODES_BY_LABEL: dict[str, str] = mapping("nace_sections", "eurostat_label", "code")
#: ISCO-08 major (OC1) and sub-major (OC11) group → title.
ISCO_TITLES: dict[str, str] = mapping("isco08", "code", "title")
#: Eurostat's English ISCO-08 major-group labels → codes (with TOTAL, NRP).
ISCO_CODES_BY_LABEL: dict[str, str] = mapping("isco08", "eurostat_label", "code")
#: Geo code → name, for the geo codes of the AI-adoption tables.
COUNTRY_NAMES: dict[str, str] = mapping("countries", "code", "name", list="adoption")
#: Geo code → name, for the further geo codes of the labour-force tables.
EXTRA_GEO_NAMES: dict[str, str] = mapping("countries", "code", "name", list="lfs")
#: Eurostat's English geo labels (and older spellings) → geo codes.
GEO_CODES: dict[str, str] = mapping("geo_labels", "eurostat_label", "code")
#: isoc_eb_ai technology code → the book's short label (the individual technologies and the summaries, file order).
AI_TECHNOLOGY_LABELS: dict[str, str] = mapping("ai_technologies", "code", "label")
#: The individual AI technologies the survey asks about, in the book's order (E_AI_TPVSG only from 2025).
AI_TECHNOLOGIES: tuple[str, ...] = tuple(mapping("ai_technologies", "code", "label", group="technology"))
#: Reason for not using AI (E_AI_B…) → the book's short label, in the book's order.
AI_BARRIER_LABELS: dict[str, str] = mapping("ai_barriers", "code", "label")
#: Size class (persons employed) → label, smallest first.
SIZE_CLASS_LABELS: dict[str, str] = mapping("size_classes", "code", "label")
#: isoc_eb_ain2 activity (NACE Rev. 2 code or aggregate) → its lower-case English name.
NACE_AIN2_LABELS: dict[str, str] = mapping("nace_ain2", "code", "label")
