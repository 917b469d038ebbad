"""analysis.chapters.claims: the registry (validated data, quotes verbatim at their seed lines), the public
references derived
from the seed text, the precision rule, our values on hand-made frames, parameters, the page for readers, and the
claims table against independent computations from the data."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from analysis.chapters import claims as cl
from analysis.chapters import exposure as ex
from analysis.chapters.params import NOTEBOOK_MODULES, ParameterError, validate
from analysis.core import config, fmt
from analysis.tables import process

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "claims_check.ipynb"


# ------------------------------------------------------------------------------------------ registry and quotes
def _seeds() -> Path:
    folder = config.seeds_dir()
    if not all((folder / d.seed).exists() for d in cl.DOCUMENTS.values()):
        pytest.skip(f"seed texts not found in {folder}")
    return folder


@pytest.mark.parametrize("claim", cl.CLAIMS, ids=[c.id for c in cl.CLAIMS])
def test_quote_is_verbatim_at_its_seed_line(claim: cl.Claim) -> None:
    lines = (_seeds() / cl.DOCUMENTS[claim.document].seed).read_text(encoding="utf-8").splitlines()
    n = claim.quote_fr.count("\n") + 1
    assert claim.quote_fr in "\n".join(lines[claim.line - 1:claim.line - 1 + n]), f"{claim.id}: not at {claim.line}"


def test_quote_problems_is_empty_for_the_registry() -> None:
    assert cl.quote_problems(_seeds()) == []


def _doc(seed: str = "000_0000000000000000.txt", layout: str = "communication") -> cl.Document:
    return cl.Document(key="doc", seed=seed, layout=layout, reference="REF", version="French",
                       url="https://example.org/doc")


def _claim(**kw) -> cl.Claim:
    base = dict(id="x", title="X", document="doc", line=1, quote_fr="q", quote_en="q", stated_text="13.5; 12.6",
                stated=(13.5, 12.6), stated_as=("13,5", "12,6"), rule="equals", compute="sme_ai_use")
    base.update(kw)
    return cl.Claim(**base)


def test_quote_problems_reports_a_wrong_line_a_changed_quote_and_a_missing_heading(tmp_path: Path) -> None:
    seed = "000_0000000000000000.txt"
    (tmp_path / seed).write_text("TITRE\nseuls 13,5 % des entreprises\n200 milliards\npour l'IA\n", encoding="utf-8")
    docs = {"doc": _doc(seed)}
    good = _claim(id="a", line=2, quote_fr="13,5 % des entreprises", heading="TITRE")
    two_lines = _claim(id="b", line=3, quote_fr="200 milliards\npour l'IA")
    wrong_line = _claim(id="c", line=1, quote_fr="13,5 % des entreprises")
    changed = _claim(id="d", line=2, quote_fr="13.5 % des entreprises")
    beyond = _claim(id="e", line=9, quote_fr="x")
    no_heading = _claim(id="f", line=2, quote_fr="13,5 %", heading="AUTRE")
    problems = cl.quote_problems(tmp_path, (good, two_lines, wrong_line, changed, beyond, no_heading), docs)
    assert problems == [f"c: quote not found at {seed}, line 1", f"d: quote not found at {seed}, line 2",
                        f"e: quote not found at {seed}, line 9", f"f: heading not found above {seed}, line 2"]


def test_registry_documents_are_the_bibliography_keys() -> None:
    bib = (ROOT / "book" / "references.bib").read_text(encoding="utf-8")
    keys = re.findall(r"^@\w+\{([^,]+),", bib, flags=re.M)
    assert len(keys) == len(set(keys)), "one entry per key"
    for key in ["ec2025applyai", "ec2025applyaiannexes", "ec2025aifacts", "aioffice2025cife",
                "magazine2025aicontinent", "eu2022digitaldecade"]:
        assert key in keys
    assert set(cl.DOCUMENTS) <= set(keys)
    for key, doc in cl.DOCUMENTS.items():
        entry = bib[bib.index(f"{{{key},"):]
        entry = entry[:entry.find("\n}") + 2]
        if doc.url:
            assert doc.url in entry, f"{key}: the bibliography gives the registry's address"
        assert not cl.SEED_NAME.search(entry)


def _write_registry(tmp_path: Path, data: dict) -> Path:
    path = tmp_path / "claims.yml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def _minimal() -> dict:
    return {"documents": {"doc": {"seed": "000_0000000000000000.txt", "layout": "web", "reference": "R",
                                  "version": "French", "url": "https://example.org"}},
            "claims": [{"id": "a", "title": "A", "document": "doc", "line": 1, "quote_fr": "q", "quote_en": "q",
                        "stated_text": "s", "evidence": "commitment", "why": "a pledge"}]}


def test_load_registry_accepts_a_minimal_file(tmp_path: Path) -> None:
    reg = cl.load_registry(_write_registry(tmp_path, _minimal()))
    assert [c.id for c in reg.claims] == ["a"] and reg.documents["doc"].key == "doc"


@pytest.mark.parametrize(("change", "message"), [
    (lambda d: d["claims"][0].update(document="other"), "unknown document 'other'"),
    (lambda d: d["claims"].append(dict(d["claims"][0])), "duplicate claim ids: a"),
    (lambda d: d["claims"][0].update(compute="nothing", evidence=None, why=""), "unknown computation 'nothing'"),
    (lambda d: d["claims"][0].update(compute="sme_ai_use"), "either compute"),
    (lambda d: d["claims"][0].update(evidence="published"), "public_data names where"),
    (lambda d: d["claims"][0].update(why=""), "must say why"),
    (lambda d: d["claims"][0].update(colour="red"), "colour"),
    (lambda d: d["claims"][0].update(line=0), "line"),
    (lambda d: d["claims"][0].update(evidence=None, compute="sme_ai_use", why="", stated=[13.5],
                                     stated_as=["13,4"], rule="equals"), "is not the number 13.5"),
    (lambda d: d["claims"][0].update(evidence=None, compute="sme_ai_use", why="", stated=[13.5],
                                     stated_as=["13,5"]), "go together"),
    (lambda d: d["claims"][0].update(chapter="nowhere"), "unknown chapter 'nowhere'"),
    (lambda d: d["documents"]["doc"].pop("url"), "either url or no_url"),
    (lambda d: d["documents"]["doc"].update(url="ftp://x"), "url"),
    (lambda d: d["documents"]["doc"].update(seed="strategy.txt"), "seed"),
])
def test_load_registry_rejects_bad_entries(tmp_path: Path, change, message: str) -> None:
    data = _minimal()
    change(data)
    with pytest.raises(ValueError, match=message):
        cl.load_registry(_write_registry(tmp_path, data))


def test_every_claim_has_a_public_reference_and_untested_ones_say_why() -> None:
    where = cl.locations(seeds_dir=_seeds())
    for c in cl.CLAIMS:
        doc = cl.DOCUMENTS[c.document]
        ref = cl.full_reference(doc, where[c.id])
        assert ref.startswith(doc.reference), c.id
        assert (doc.url in ref) if doc.url else ("no web address" in ref), c.id
        assert not cl.SEED_NAME.search(ref) and "seed" not in ref.lower() and "line" not in ref, c.id
        if doc.layout == "communication":
            assert where[c.id].section and where[c.id].page, f"{c.id}: a Communication quote has section and page"
        if c.compute is None:
            assert c.why and c.evidence in cl.EVIDENCE_STATUS
        else:
            assert c.compute in cl.COMPUTATIONS
        assert c.chapter is None or c.chapter in NOTEBOOK_MODULES


def test_references_of_some_claims_by_hand() -> None:
    """Section, footnote and page read off the seed text by hand (headings, footnote markers, footnote blocks)."""
    where = cl.locations(seeds_dir=_seeds())
    ref = {c.id: cl.reference(cl.DOCUMENTS[c.document], where[c.id]) for c in cl.CLAIMS}
    assert ref["sme_ai_use"] == "COM(2025) 723 final, section 1, footnote 2, p. 1"
    assert ref["dialogues_total"] == "COM(2025) 723 final, section 1, footnote 6, p. 1"  # the footnote's marker
    assert ref["agrifood_adoption"] == "COM(2025) 723 final, section 2.9, footnote 47, p. 12"
    assert ref["teachers_exposure"] == "COM(2025) 723 final, section 3.2, footnote 68, p. 16"
    assert ref["robots"] == "COM(2025) 723 final, section 2.2, p. 4"  # no footnote: no source given
    assert ref["sectors_slides"].endswith("slide « APPLY AI STRATEGY »")


def test_display_quote_removes_markdown_only() -> None:
    assert cl.display_quote("plus que 90 %  des ([Rapport](#)) **autres**") == "plus que 90 % des (Rapport) autres"
    assert cl.display_quote("200\u00a0milliards\npour") == "200 milliards pour"


# ------------------------------------------------------------------------------------------ locating quotes
_COMMUNICATION = [
    "Titre", "", "1. Introduction", "", "Texte avec 13,5 %² et une note³.", "",
    "² Eurostat.", "", "³ Voir la page.", "",  # page 1 ends with its footnotes
    "suite de la phrase.", "", "1.1. Sous-section", "", "Plus de 90 000 robots⁴.", "", "⁴ IFR 2024.", "",
    "2. Deuxième", "", "Texte sans note.",
]


def test_communication_pages_break_after_each_footnote_block() -> None:
    pages = cl.communication_pages(_COMMUNICATION)
    assert pages[3] == 1 and pages[5] == 1 and pages[9] == 1
    assert pages[11] == 2 and pages[15] == 2 and pages[17] == 2
    assert pages[19] == 3 and pages[21] == 3
    with pytest.raises(ValueError, match="no numbered section"):
        cl.communication_pages(["pas de titre", "² note"])


def test_locate_in_a_communication_body_line_and_footnote_line() -> None:
    doc = _doc()
    body = cl.locate(doc, _COMMUNICATION, _claim(line=5, quote_fr="13,5 %² et une note³"))
    assert body == cl.Location(section="1", section_title="Introduction", footnotes=(2, 3), page=1)
    foot = cl.locate(doc, _COMMUNICATION, _claim(line=17, quote_fr="IFR 2024"))
    assert (foot.section, foot.footnotes, foot.page) == ("1.1", (4,), 2)  # the section of the marker ⁴
    plain = cl.locate(doc, _COMMUNICATION, _claim(line=21, quote_fr="Texte sans note."))
    assert (plain.section, plain.footnotes, plain.page) == ("2", (), 3)
    assert cl.reference(doc, body) == "REF, section 1, footnotes 2 and 3, p. 1"
    assert cl.reference(doc, plain) == "REF, section 2, p. 3"


def test_locate_in_annexes_slides_and_web_pages() -> None:
    lines = ["ANNEXES", "Annexe 1: Dialogues", "ligne", "## Annexe 2: initiatives", "autre ligne"]
    doc = _doc(layout="annexes")
    assert cl.locate(doc, lines, _claim(line=5)).annex == 2
    assert cl.reference(doc, cl.locate(doc, lines, _claim(line=3))) == "REF, Annex 1"
    with pytest.raises(ValueError, match="no 'Annexe N:'"):
        cl.locate(doc, ["rien"], _claim(line=1))
    slides = _doc(layout="slides")
    assert cl.reference(slides, cl.locate(slides, [], _claim(heading="TITRE "))) == "REF, slide « TITRE »"
    web = _doc(layout="web")
    assert cl.reference(web, cl.locate(web, [], _claim(heading="Faits"))) == "REF, section « Faits »"
    assert cl.reference(web, cl.locate(web, [], _claim())) == "REF"


def test_full_reference_gives_the_address_or_why_there_is_none() -> None:
    where = cl.Location(section="1", page=1)
    assert cl.full_reference(_doc(), where) == "REF, section 1, p. 1 (French; https://example.org/doc)"
    closed = cl.Document(key="k", seed="000_0000000000000000.txt", layout="slides", reference="R", version="V",
                         no_url="none known")
    assert cl.full_reference(closed, cl.Location()) == "R (V; no web address: none known)"


def test_quote_reference_for_chapters() -> None:
    _seeds()
    assert cl.quote_reference("ec2025applyai", ex.JRC_TEACHERS_QUOTE) == \
        "COM(2025) 723 final, section 3.2, footnote 68, p. 16 (French version: Council document 13731/25)"
    assert cl.quote_reference("ec2025applyai", "seuls 13,5 % des entreprises et 12,6 % des PME²").startswith(
        "COM(2025) 723 final, section 1, footnote 2, p. 1")
    with pytest.raises(ValueError, match="quote not found"):
        cl.quote_reference("ec2025applyai", "une phrase absente")
    with pytest.raises(KeyError, match="unknown document"):
        cl.quote_reference("nowhere", "x")


def test_superscripts() -> None:
    assert cl.superscript_number("⁶⁸") == 68 and cl.superscript_number("²") == 2


# ------------------------------------------------------------------------------------------ precision and rounding
@pytest.mark.parametrize(("written", "number", "decimals"), [
    ("13,5", 13.5, 1), ("12,6", 12.6, 1), ("2,2", 2.2, 1), ("17", 17.0, 0), ("deux", 2.0, 0), ("30", 30.0, -1),
    ("90", 90.0, -1), ("1200", 1200.0, -2), ("90 000", 90000.0, -4), ("90\u00a0000", 90000.0, -4), ("65", 65.0, 0),
])
def test_stated_precision_follows_the_writing(written: str, number: float, decimals: int) -> None:
    assert cl.parse_stated(written) == number
    assert cl.stated_decimals(written) == decimals


def test_parse_stated_refuses_what_is_not_a_number() -> None:
    with pytest.raises(ValueError, match="cannot read"):
        cl.parse_stated("environ trente")


def test_exact_counts_ignore_round_zeros() -> None:
    assert _claim(stated=(10.0,), stated_as=("10",)).decimals == (-1,)
    assert _claim(stated=(10.0,), stated_as=("10",), exact_count=True).decimals == (0,)
    assert cl.claim("sectors_slides").decimals == (0,)  # 10 sectors: 9 or 11 would differ
    assert cl.claim("dialogues_total").decimals == (0, 0) and cl.claim("manufacturing_employment").decimals == (-1,)


@pytest.mark.parametrize(("ours", "stated", "decimals", "expected"), [
    (13.48, 13.5, 1, True),
    (13.45, 13.5, 1, True),  # half away from zero on the decimal representation (the float 13.45 is 13.4499…)
    (13.4499, 13.5, 1, False),
    (13.55, 13.5, 1, False),  # rounds to 13.6
    (19.95, 20.0, 1, True),  # as the prose prints it: 20.0
    (31.7, 30.0, -1, True),  # "30 millions": tens of millions
    (25.0, 30.0, -1, True),
    (24.99, 30.0, -1, False),
    (35.0, 30.0, -1, False),  # rounds to 40
    (31.7, 30.0, 0, False),  # what the old one-unit rule said
    (17.0, 17.0, 0, True),
    (16.0, 17.0, 0, False),
])
def test_equals_rounds_half_away_to_the_stated_precision(ours: float, stated: float, decimals: int,
                                                        expected: bool) -> None:
    assert cl.matches(ours, stated, "equals", decimals) is expected


@pytest.mark.parametrize("x", [19.95, 13.45, 12.64, 0.05, 2.675, -0.25, 53.29, 89.5, 31.65])
def test_prose_and_claims_round_alike(x: float) -> None:
    """What a sentence prints (analysis.core.fmt) is what the claims rule compares: the printed number always
    matches."""
    for decimals in (0, 1):
        printed = float(fmt.num(x, decimals))
        assert cl.matches(x, printed, "equals", decimals)
        assert fmt.round_half_away(x, decimals) == fmt.round_half_away(printed, decimals)
    assert fmt.num(19.95, 1) == "20.0" and cl.matches(19.95, 20.0, "equals", 1)


@pytest.mark.parametrize(("ours", "expected"), [(93.07, True), (90.0, True), (89.5, True), (89.49, False),
                                                (53.29, False)])
def test_at_least_compares_the_rounded_value(ours: float, expected: bool) -> None:
    assert cl.matches(ours, 90.0, "at_least", 0) is expected


def test_matches_refuses_missing_values_and_unknown_rules() -> None:
    with pytest.raises(ValueError, match="missing"):
        cl.matches(float("nan"), 13.5, "equals", 1)
    with pytest.raises(ValueError, match="unknown rule"):
        cl.matches(13.5, 13.5, "about", 1)  # type: ignore[arg-type]


def test_precision_text() -> None:
    assert cl.precision_text(30.0, -1, "equals") == ("stated to the nearest 10: any value from 25 up to (not "
                                                     "including) 35 reads as 30")
    assert cl.precision_text(13.5, 1, "equals") == ("stated to the nearest 0.1: any value from 13.45 up to (not "
                                                    "including) 13.55 reads as 13.5")
    assert cl.precision_text(90.0, 0, "at_least") == "stated to the nearest 1: any value from 89.5 up reads as at " \
                                                     "least 90"


# ------------------------------------------------------------------------------------------ statuses
def test_decide_status_on_hand_made_findings() -> None:
    same, other = _claim(), _claim(same_measure=False)
    assert cl.decide_status(same, cl.Finding((13.48, 12.64), "")) == "reproduced"
    assert cl.decide_status(other, cl.Finding((13.48, 12.64), "")) == "consistent"
    assert cl.decide_status(same, cl.Finding((13.48, 12.66), "")) == "differs"  # one of two is enough to differ
    assert cl.decide_status(other, cl.Finding((13.56, 12.64), "")) == "differs"
    assert cl.decide_status(same, cl.Finding((0.0,), "", verdict="mixed")) == "mixed"
    with pytest.raises(ValueError, match="2 stated numbers"):
        cl.decide_status(same, cl.Finding((13.48,), ""))
    with pytest.raises(ValueError, match="unknown verdict"):
        cl.decide_status(same, cl.Finding((1.0,), "", verdict="true"))
    with pytest.raises(ValueError, match="needs its finding"):
        cl.decide_status(same, None)
    base = dict(compute=None, stated=(), stated_as=(), rule=None, why="w")
    assert cl.decide_status(_claim(**base, evidence="published", public_data="Eurostat sbs"), None) == \
        "not tested here"
    assert cl.decide_status(_claim(**base, evidence="closed"), None) == "not testable with public data"
    assert cl.decide_status(_claim(**base, evidence="commitment"), None) == "commitment"


def test_several_measures_verdict() -> None:
    assert cl.several_measures_verdict([True, True]) == "consistent"
    assert cl.several_measures_verdict([True, False]) == "mixed"
    assert cl.several_measures_verdict([False]) == "differs"
    with pytest.raises(ValueError):
        cl.several_measures_verdict([])


def test_evaluate_claims_without_computations_loads_nothing() -> None:
    base = dict(compute=None, stated=(), stated_as=(), rule=None, line=1, quote_fr="q")
    claims = (_claim(id="a", **base, evidence="published", public_data="somewhere", why="Not here."),
              _claim(id="b", **base, evidence="closed", why="Proprietary.", chapter="labour_exposure"),
              _claim(id="c", **base, evidence="commitment", why="A pledge."))
    where = {c.id: cl.Location(heading="H") for c in claims}
    table = cl.evaluate_claims(cl.ClaimsParams(), claims=claims, where=where, documents={"doc": _doc()})
    assert list(table.columns) == list(cl.COLUMNS)
    assert table["status"].tolist() == ["not tested here", "not testable with public data", "commitment"]
    assert table["our_value"].tolist() == ["—", "—", "—"]
    assert table["chapter"].tolist() == ["", "labour_exposure.ipynb", ""]
    assert table.loc[0, "note"] == "Not here. Where it can be checked: somewhere."
    assert cl.status_counts(table) == {"reproduced": 0, "consistent": 0, "mixed": 0, "differs": 0,
                                       "not tested here": 1, "not testable with public data": 1, "commitment": 1}


def test_findings_text_from_hand_counts() -> None:
    counts = {"reproduced": 4, "consistent": 2, "mixed": 1, "differs": 0, "not tested here": 3,
              "not testable with public data": 1, "commitment": 2}
    assert cl.findings_text(counts, 5) == (
        "Of the 13 claims with figures that the book found in the 5 documents it quotes, its data test 7: "
        "4 reproduced, 2 consistent with a related measure, 1 mixed and 0 differing. "
        "3 could be checked against a published source or public data that this book does not use; "
        "1 rests on closed sources; 2 are commitments (budgets, targets, plans), not measurements.")
    assert cl.findings_text({**counts, "reproduced": 1, "consistent": 0, "mixed": 0, "not tested here": 0,
                             "not testable with public data": 0, "commitment": 0}, 1).startswith(
        "Of the 1 claim with figures that the book found in the 1 document it quotes, its data test 1:")
    with pytest.raises(KeyError, match="commitment"):
        cl.findings_text({k: v for k, v in counts.items() if k != "commitment"}, 5)


def test_reader_table_and_short_references() -> None:
    table = pd.DataFrame({"id": ["a"], "claim": ["A"], "document": ["aioffice2025cife"], "where": ["W"],
                          "reference": ["R, slide « T » (V; https://x.org)"], "stated": ["s"], "our_value": ["—"],
                          "status": ["commitment"], "chapter": [""], "note": ["n"]})
    shown = cl.reader_table(table)
    assert list(shown.columns) == ["Claim", "Where", "The document says", "Our data say", "Status"]
    assert shown.iloc[0].tolist() == ["A", "W", "s", "—", "→ commitment"]
    strategy = cl.Document(key="ec2025applyai", seed="000_0000000000000000.txt", layout="communication",
                           reference="COM(2025) 723 final", version="V", url="https://x.org")
    where = cl.Location(section="3.2", footnotes=(68,), page=16)
    assert cl.short_reference(strategy, where) == "COM(2025) 723, section 3.2, footnote 68, p. 16"
    assert cl.short_reference(_doc(), where) == "REF, section 3.2, footnote 68, p. 16"  # no short name: as is


# ------------------------------------------------------------------------------------------ our values
def _ai_frame(rows: list[tuple[str, int, float]], indicator: str = "E_AI_TANY", unit: str = "PC_ENT") -> pd.DataFrame:
    return pd.DataFrame([{"dataset": "isoc_eb_ai", "indicator": indicator, "unit": unit, "size_class": s,
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
        "participants": [280, 250, 30, 1050],
    })


def test_dialogue_counts_and_technical_dialogues() -> None:
    f = cl.dialogue_counts(_dialogues())
    assert f.values == (3.0, 1.0)
    assert f.text == "3 sectoral and 1 high-level dialogues in Annex 1"
    assert "20.09.2024 to 02.07.2025" in f.note and "about 1,610 attendances" in f.note
    t = cl.technical_dialogues(_dialogues())
    assert t.values == (3.0,)
    assert "1 open to all, 2 for experts only, on 2 sectors" in t.note and "lists 4" in t.note


def test_strategic_sectors_leaves_the_public_sector_apart() -> None:
    actions = pd.DataFrame({"group_fr": [cl.ANNEX3_SECTOR_GROUP] * 4 + [""],
                            "area_fr": ["Robotique", "Robotique", "Énergie", "Secteur public", "Gouvernance"]})
    f = cl.strategic_sectors(actions)
    assert f.values == (2.0,) and f.text == "2 industrial sectors and the public sector in Annex 3"
    assert cl.decide_status(cl.claim("sectors_slides"), cl.Finding((11.0,), "")) == "differs"
    assert "lists 3 areas, the public sector among them" in f.note
    assert cl.decide_status(cl.claim("sectors_slides"), f) == "differs"
    with pytest.raises(ValueError, match="no area"):
        cl.strategic_sectors(actions[actions["group_fr"] == ""])


def test_manufacturing_employment_sums_member_states_and_states_the_precision() -> None:
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
    assert "from 25 up to (not including) 35 reads as 30" in f.note
    assert cl.decide_status(cl.claim("manufacturing_employment"), f) == "consistent"  # another measure, in range
    assert cl.decide_status(cl.claim("manufacturing_employment"), cl.Finding((36.0,), "")) == "differs"
    with pytest.raises(KeyError, match="2023"):
        cl.manufacturing_employment(pd.DataFrame(rows), 2023)


def test_teachers_finding_weighs_every_index() -> None:
    pct = pd.Series({"ilo2025": 53.29, "lm_aioe": 89.6, "aioe": 78.1})
    f = cl.teachers_finding(pct, "ilo2025", 2025)
    assert f.values == (53.29,)
    assert f.text == "53.3 % under ILO 2025 (LM-AIOE 89.6 %; AIOE 78.1 %; ILO 2025 53.3 %)"
    assert "reached under LM-AIOE (Felten et al. 2023) (1 of 3)" in f.note  # 89.6 rounds to 90
    assert "from 53.3 % (ILO 2025) to 89.6 % (LM-AIOE)" in f.note and "not public" in f.note
    assert f.verdict == "mixed" and cl.decide_status(cl.claim("teachers_exposure"), f) == "mixed"
    assert cl.teachers_finding(pct, "lm_aioe", 2025).verdict == "mixed"  # the shown index does not decide
    assert cl.teachers_finding(pd.Series({"a": 91.0, "b": 95.0}), "a", 2025).verdict == "consistent"
    assert cl.teachers_finding(pd.Series({"a": 60.0, "b": 70.0}), "a", 2025).verdict == "differs"
    with pytest.raises(KeyError, match="eloundou"):
        cl.teachers_finding(pct, "eloundou", 2025)


def _barrier_frame() -> pd.DataFrame:
    """SMEs' reasons, percent of those that considered AI: 2024 and 2025 (hand-made); all SMEs for 2025."""
    shares = {2024: {"E_AI_BLE": 71.0, "E_AI_BLEG": 52.6, "E_AI_BCDP": 48.6, "E_AI_BDDT": 44.2, "E_AI_BINC": 41.5,
                     "E_AI_BCST": 33.4, "E_AI_BEC": 23.7, "E_AI_BNU": 21.2},
              2025: {"E_AI_BLE": 70.5, "E_AI_BLEG": 53.7, "E_AI_BCDP": 52.5, "E_AI_BDDT": 43.5, "E_AI_BINC": 41.8,
                     "E_AI_BCST": 43.5, "E_AI_BEC": 24.8, "E_AI_BNU": np.nan}}
    frames = [_ai_frame([("10-249", y, v)], indicator=code, unit="PC_ENT_AI_EC")
              for y, d in shares.items() for code, v in d.items()]
    frames.append(_ai_frame([("10-249", 2025, 4.2)], indicator="E_AI_BCST"))
    frames.append(_ai_frame([("10-249", 2025, 7.7)], indicator="E_AI_BLE"))
    return pd.concat(frames, ignore_index=True)


def test_barrier_ranks_by_year_with_ties_and_missing_values() -> None:
    ranks = cl.barrier_ranks(_barrier_frame()).set_index(["year", "indicator"])
    assert ranks.loc[(2024, "E_AI_BCST"), "rank"] == 6 and ranks.loc[(2024, "E_AI_BLEG"), "rank"] == 2
    assert ranks.loc[(2025, "E_AI_BCST"), "rank"] == 4 and ranks.loc[(2025, "E_AI_BDDT"), "rank"] == 4  # a tie
    assert ranks.loc[(2025, "E_AI_BEC"), "rank"] == 7 and (2025, "E_AI_BNU") not in ranks.index
    assert ranks.loc[(2024, "E_AI_BLE"), "n"] == 8 and ranks.loc[(2025, "E_AI_BLE"), "n"] == 7
    with pytest.raises(ValueError, match="no barrier values"):
        cl.barrier_ranks(_barrier_frame(), size_class="GE250")


def test_sme_fears_and_legal_uncertainty_on_hand_made_ranks() -> None:
    fears = cl.sme_fears(_barrier_frame())
    assert fears.values == (4.0, 1.0) and fears.verdict == "mixed"  # cost 4th (tied) of 7; expertise 1st
    assert fears.text == ("SMEs, 2025: too costly: 'costs seem too high' 4th of 7 (43.5 %); too complicated: "
                          "'lack of relevant expertise' 1st of 7 (70.5 %)")
    assert "'costs seem too high' ranks 6th in 2024, 4th in 2025" in fears.note
    assert "'costs seem too high' 4.2 %, 'lack of relevant expertise' 7.7 %" in fears.note
    legal = cl.legal_uncertainty(_barrier_frame())
    assert legal.values == (2.0,) and legal.verdict == "consistent"
    assert "'unclear legal consequences' not published" in legal.note  # no all-SME value in the fixture
    assert cl.main_barrier_check(cl.barrier_ranks(_barrier_frame()), {"cost": ("E_AI_BCST",)}, year=2024) == \
        {"cost": 6}
    with pytest.raises(KeyError, match="no rank"):
        cl.main_barrier_check(cl.barrier_ranks(_barrier_frame()), {"x": ("E_AI_BNU",)})


def test_ordinal() -> None:
    assert [cl.ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 22)] == \
        ["1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd"]


# ------------------------------------------------------------------------------------------ the page for readers
def _notebook() -> dict:
    return json.loads(NOTEBOOK.read_text(encoding="utf-8"))


def test_notebook_has_a_cited_section_per_claim() -> None:
    nb = _notebook()
    markdown = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    for c in cl.CLAIMS:
        start = markdown.index(f"{{glue:text}}`{c.id}__fr`")
        end = markdown.find("{glue:text}`", markdown.find(f"`{c.id}__note`", start) + 1)
        section = markdown[markdown.rfind("####", 0, start):end if end > 0 else None]
        for key in ("en", "ref", "stated", "status", "note"):
            assert f"`{c.id}__{key}`" in section, f"{c.id}: {key} missing"
        assert f"{{cite}}`{c.document}`" in section, f"{c.id}: no citation of its document"
        assert "book's translation" in section
        assert (f"]({c.chapter}.ipynb)" in section) if c.chapter else ("No chapter" in section), c.id
    params_cell = next(c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", []))
    assert "".join(params_cell["source"]).split() == ["exposure_index", "=", '"ilo2025"', "weights_year", "=",
                                                      str(cl.ClaimsParams().weights_year)]


def test_notebook_is_clean_for_readers() -> None:
    nb = _notebook()
    for cell in nb["cells"]:
        source = "".join(cell["source"])
        assert not cl.SEED_NAME.search(source), "a seed file name in the page source"
        if "NBVAL_CHECK_OUTPUT" in source:
            assert "remove-cell" in cell["metadata"].get("tags", []), "headline cells are hidden from readers"
        for output in cell.get("outputs", []):
            text = json.dumps(output, ensure_ascii=False)
            assert not cl.SEED_NAME.search(text), "a seed file name in an output"
    code = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
    assert "figures.table(" in code and "html_table" not in code


def _norm(text: str) -> str:
    return " ".join(text.split())


def test_book_pages_show_no_seed_file_and_cite_their_quotes() -> None:
    """No book page names a seed file; every French quote of the introduction is a registry claim's quote (so it is
    verbatim in the seed), followed by the book's translation and the claim's public reference."""
    seeds = {d.seed for d in cl.DOCUMENTS.values()}
    for page in sorted((ROOT / "book").glob("*.md")):
        text = page.read_text(encoding="utf-8")
        assert not cl.SEED_NAME.search(text) and not any(s in text for s in seeds), page.name
    where = cl.locations(seeds_dir=_seeds())
    known = {cl.reference(cl.DOCUMENTS[c.document], where[c.id]) for c in cl.CLAIMS}
    for page in sorted((ROOT / "book").glob("*.md")):
        for ref in re.findall(r"COM\(2025\) 723 final, section [\d.]+(?:, footnotes? [\d, and]+?)?, p\. \d+",
                              _norm(page.read_text(encoding="utf-8"))):
            assert ref in known, f"{page.name}: {ref} is not where the text puts it"
    intro = (ROOT / "book" / "intro.md").read_text(encoding="utf-8")
    flat = _norm(intro)
    quotes = re.findall(r"«\s*(.+?)\s*»", flat)
    assert quotes, "the introduction quotes the strategy in French"
    for quote in quotes:
        claim = next((c for c in cl.CLAIMS if quote in _norm(c.quote_fr)), None)
        assert claim is not None, f"not a registry quote: {quote[:50]}"
        following = flat[flat.index(quote):][:len(quote) + 400]
        assert "the book's translation" in following, f"no translation: {quote[:40]}"
        assert f"{{cite}}`{claim.document}`" in following, f"no citation: {quote[:40]}"
        assert cl.reference(cl.DOCUMENTS[claim.document], where[claim.id]) in following, f"no reference: {quote[:40]}"


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
def test_dialogue_and_sector_claims_match_the_raw_annex_transcriptions(table: pd.DataFrame) -> None:
    with open(config.strategy_dir() / "dialogues.csv", encoding="utf-8", newline="") as fh:
        levels = [r["level"] for r in csv.DictReader(fh)]
    sectoral, high = levels.count("sectoral"), levels.count("high-level")
    assert (sectoral, high) == (17, 2)
    expected = f"{sectoral} sectoral and {high} high-level dialogues in Annex 1"
    assert table.loc["dialogues_total", "our_value"] == expected
    assert table.loc["dialogues_total", "status"] == "reproduced"
    assert table.loc["dialogues_technical", "status"] == "reproduced"
    with open(config.strategy_dir() / "actions.csv", encoding="utf-8", newline="") as fh:
        areas = {r["area_fr"] for r in csv.DictReader(fh) if r["group_fr"] == "Secteurs industriels stratégiques"}
    assert len(areas - {"Secteur public"}) == 10
    assert table.loc["sectors_slides", "status"] == "reproduced"


@pytest.mark.integration
def test_manufacturing_employment_against_an_independent_sum(processed: Path, table: pd.DataFrame) -> None:
    raw = pd.read_csv(processed / "employment_by_occupation_sector.csv", dtype=str, keep_default_na=False)
    sel = raw[(raw["nace"] == "C") & (raw["year"] == "2024") & raw["geo"].isin(ex.EU27)]
    total = pd.to_numeric(sel["value_thousands"].replace("", None)).sum() / 1000
    assert table.loc["manufacturing_employment", "our_value"].startswith(f"{fmt.num(total, 1)} million employed")
    expected = "consistent" if 25 <= total < 35 else "differs"  # "30 millions", tens of millions; another measure
    assert table.loc["manufacturing_employment", "status"] == expected


@pytest.mark.integration
def test_teachers_status_weighs_every_index(table: pd.DataFrame) -> None:
    pct = cl.teachers_percentiles(ex.load_indices(), process.load("employment_by_occupation"),
                                  cl.ClaimsParams().weights_year)
    assert set(pct.index) == set(ex.ALL_INDICES)
    holding = sorted(i for i, v in pct.items() if v >= 89.5)
    expected = "consistent" if len(holding) == len(pct) else "mixed" if holding else "differs"
    row = table.loc["teachers_exposure"]
    assert row["status"] == expected
    assert f"({len(holding)} of {len(pct)})" in row["note"]
    for i in ex.INDEX_CHOICES:  # the shown index changes the text, not the status
        status = cl.evaluate_claims(cl.ClaimsParams(exposure_index=i), claims=(cl.claim("teachers_exposure"),))
        assert status.loc[0, "status"] == expected, i


@pytest.mark.integration
def test_barrier_claims_against_the_processed_csv(processed: Path, table: pd.DataFrame) -> None:
    raw = pd.read_csv(processed / "ai_adoption.csv", keep_default_na=False, na_values=[""])
    sel = raw[raw["indicator"].str.startswith("E_AI_B") & (raw["unit"] == "PC_ENT_AI_EC")
              & (raw["geo"] == "EU27_2020") & (raw["size_class"] == "10-249") & raw["value"].notna()]
    latest = sel[sel["year"] == sel["year"].max()].set_index("indicator")["value"]
    cost_rank = int((latest > latest["E_AI_BCST"]).sum()) + 1
    legal_rank = int((latest > latest["E_AI_BLEG"]).sum()) + 1
    expertise_rank = int((latest > latest["E_AI_BLE"]).sum()) + 1
    fears = [cost_rank <= 3, expertise_rank <= 3]
    assert table.loc["sme_fears", "status"] == ("consistent" if all(fears) else "mixed" if any(fears) else "differs")
    assert table.loc["legal_uncertainty", "status"] == ("consistent" if legal_rank <= 3 else "differs")
    assert f"'costs seem too high' {cl.ordinal(cost_rank)} of {len(latest)}" in table.loc["sme_fears", "our_value"]


@pytest.mark.integration
def test_every_claim_has_a_status_a_public_reference_and_no_seed_name(table: pd.DataFrame) -> None:
    assert set(table["status"]) <= set(cl.STATUSES)
    untested = table["status"].isin(["not tested here", "not testable with public data", "commitment"])
    assert (table.loc[untested, "our_value"] == "—").all()
    assert not table["note"].eq("").any() and not table["reference"].eq("").any()
    assert list(table.index) == [c.id for c in cl.CLAIMS]
    for column in table.columns:
        assert not table[column].astype(str).str.contains(cl.SEED_NAME).any(), column


def test_claims_chapter_links_are_book_chapter_pages() -> None:
    """The claims' chapter links come from book/runs.yml (the one registry): each is a chapter page there."""
    from analysis.book import build

    titles = {r.notebook: r.title for r in build.load_book(ROOT / "book" / "runs.yml").runs() if r.id == r.notebook}
    assert cl.CHAPTERS == titles
    linked = {c.chapter for c in cl.CLAIMS if c.chapter is not None}
    assert linked and linked <= set(titles)


