"""claims: what the mutation run (issue 16) found untested in the unit suite: references of quotes for the
chapters and every claim on hand-made seed texts, the section a quote sits in at the edges of the text, the quote
checker's line bounds, the teachers percentiles from hand-made tables, the parameter check on the data and the
inputs' loading. Expected values are worked out by hand, never with the function under test."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from analysis.chapters import adoption as ad
from analysis.chapters import claims as cl
from analysis.chapters import exposure as ex
from analysis.chapters.params import ParameterError
from analysis.core import config
from analysis.tables import process

COM_SEED = "000_81fec92c49a045ae.txt"
ANNEX_SEED = "001_a8731323e5abd126.txt"
SLIDES_SEED = "002_a809fa4f3693a740.txt"
WEB_SEED = "003_099581df78cc34d1.txt"
COM = "COM(2025) 723 final"
COM_VERSION = "French version: Council document 13731/25"
COMMUNICATION = [
    "Titre", "", "1. Introduction", "", "Texte avec 13,5 %² et une note³.", "",
    "² Eurostat.", "", "³ Voir la page.", "",
    "suite de la phrase.", "", "1.1. Sous-section", "", "Plus de 90 000 robots⁴.", "", "⁴ IFR 2024.", "",
    "2. Deuxième", "", "Texte sans note.",
]


@pytest.fixture
def seeds(tmp_path: Path) -> Path:
    (tmp_path / COM_SEED).write_text("\n".join(COMMUNICATION), encoding="utf-8")
    (tmp_path / ANNEX_SEED).write_text("ANNEXES\nAnnexe 2: Initiatives\nune initiative\n", encoding="utf-8")
    (tmp_path / SLIDES_SEED).write_text("10 secteurs en tête\n\nAPPLY AI\n\n10 secteurs\n", encoding="utf-8")
    (tmp_path / WEB_SEED).write_text("Faits\n\n  Les faits  \n", encoding="utf-8")
    return tmp_path


def _doc(seed: str = "000_0000000000000000.txt", layout: str = "communication") -> cl.Document:
    return cl.Document(key="doc", seed=seed, layout=layout, reference="REF", version="French",
                       url="https://example.org/doc")


def _claim(**kw) -> cl.Claim:
    base = dict(id="x", title="X", document="doc", line=1, quote_fr="q", quote_en="q", stated_text="1",
                evidence="commitment", why="a pledge")
    base.update(kw)
    return cl.Claim(**base)


# ------------------------------------------------------------------------------------------ references for chapters
def test_quote_reference_in_each_layout(seeds: Path) -> None:
    assert cl.quote_reference("ec2025applyai", "Plus de 90 000 robots⁴", seeds) == (
        f"{COM}, section 1.1, footnote 4, p. 2 ({COM_VERSION})")
    assert cl.quote_reference("ec2025applyai", "Texte sans note", seeds) == f"{COM}, section 2, p. 3 ({COM_VERSION})"
    assert cl.quote_reference("ec2025applyaiannexes", "une initiative", seeds) == (
        f"{COM}, Annexes 1 to 3, Annex 2 ({COM_VERSION} ADD 1)")
    # slides: the nearest non-blank line above the quote is its heading; the first line has none
    slides = ("European AI Office, « La coordination européenne de l'IA », slides, CIFE 23rd annual forum, Nice, "
              "9 December 2025")
    assert cl.quote_reference("aioffice2025cife", "10 secteurs", seeds) == f"{slides} (French slides)"
    (seeds / SLIDES_SEED).write_text("Intro\n\nAPPLY AI\n\n10 secteurs\n", encoding="utf-8")
    assert cl.quote_reference("aioffice2025cife", "10 secteurs", seeds) == (
        f"{slides}, slide « APPLY AI » (French slides)")
    assert cl.quote_reference("ec2025aifacts", "Les faits", seeds) == (
        "European Commission, web page « Intelligence artificielle », section « Faits » (French page)")


def test_quote_reference_refuses_unknown_documents_and_absent_quotes(seeds: Path) -> None:
    with pytest.raises(KeyError, match=r"unknown document 'nowhere'; known: ec2025applyai, ec2025applyaiannexes, "):
        cl.quote_reference("nowhere", "x", seeds)
    with pytest.raises(ValueError, match=f"^quote not found in {COM}: 'une phrase absente'$".replace("(", r"\(")
                       .replace(")", r"\)")):
        cl.quote_reference("ec2025applyai", "une phrase absente", seeds)


def test_locations_for_every_claim_of_a_registry(seeds: Path) -> None:
    docs = {"com": cl.Document(key="com", seed=COM_SEED, layout="communication", reference="C", version="V",
                               url="https://example.org/c"),
            "ann": cl.Document(key="ann", seed=ANNEX_SEED, layout="annexes", reference="A", version="V",
                               url="https://example.org/a")}
    claims = (_claim(id="a", document="com", line=15, quote_fr="Plus de 90 000 robots⁴"),
              _claim(id="b", document="com", line=5, quote_fr="13,5 %² et une note³"),
              _claim(id="c", document="ann", line=3, quote_fr="une initiative"))
    where = cl.locations(cl.Registry(documents=docs, claims=claims), seeds)
    assert where == {
        "a": cl.Location(section="1.1", section_title="Sous-section", footnotes=(4,), page=2),
        "b": cl.Location(section="1", section_title="Introduction", footnotes=(2, 3), page=1),
        "c": cl.Location(annex=2)}
    assert cl.cited_reference(docs["com"], where["b"]) == "C, section 1, footnotes 2 and 3, p. 1 (V)"


def test_section_at_the_edges_of_the_text() -> None:
    doc = _doc()
    # the heading is the first line, right above the quote
    assert cl.locate(doc, ["1. Un", "texte"], _claim(line=2, quote_fr="texte")).section == "1"
    # the nearest heading above, not the one before it
    assert cl.locate(doc, ["1. Un", "x", "2. Deux"], _claim(line=3, quote_fr="2. Deux")).section_title == "Deux"
    # the heading is the last line
    assert cl.locate(doc, ["x", "1. Un"], _claim(line=2, quote_fr="1. Un")).section == "1"
    # a footnote at the end of the text does not hide the heading of line 1
    where = cl.locate(doc, ["1. Un", "texte²", "² note"], _claim(line=2, quote_fr="texte²"))
    assert (where.section, where.footnotes, where.page) == ("1", (2,), 1)


# ------------------------------------------------------------------------------------------ quote checker bounds
def test_quote_problems_line_bounds_and_headings(tmp_path: Path) -> None:
    seed = "000_0000000000000000.txt"
    (tmp_path / seed).write_text("premier\nTITRE\nsecond\n", encoding="utf-8")
    docs = {"doc": _doc(seed)}
    first = _claim(id="a", line=1, quote_fr="premier")  # line 1 is a valid line
    above = _claim(id="b", line=3, quote_fr="TITRE")  # on the line above, not at its line
    below = _claim(id="c", line=1, quote_fr="premier", heading="TITRE")  # a heading below is not a heading
    last = _claim(id="d", line=3, quote_fr="second", heading="TITRE")
    assert cl.quote_problems(tmp_path, (first, above, below, last), docs) == [
        f"b: quote not found at {seed}, line 3", f"c: heading not found above {seed}, line 1"]


def test_quote_problems_defaults_to_the_registry(tmp_path: Path) -> None:
    data = yaml.safe_load(cl.registry_file().read_text(encoding="utf-8"))
    for doc in data["documents"].values():
        (tmp_path / doc["seed"]).write_text("rien\n", encoding="utf-8")
    problems = cl.quote_problems(tmp_path)
    assert [p.split(":")[0] for p in problems] == [c["id"] for c in data["claims"]]


# ------------------------------------------------------------------------------------------ teachers, weights years
def _employment() -> pd.DataFrame:
    rows = [("OC11", "EU27_2020", 2024, 100.0), ("OC23", "EU27_2020", 2024, 50.0), ("OC25", "EU27_2020", 2024, 30.0),
            ("OC11", "EU27_2020", 2023, np.nan), ("TOTAL", "EU27_2020", 2025, 180.0),
            ("OC11", "DE", 2022, 10.0), ("OC25", "DE", 2024, 1000.0), ("OC11", "EU27_2020", 2021, 1.0),
            ("OC25", "EU27_2020", 2021, 1000.0), ("OC23", "EU27_2020", 2021, 1.0)]
    return pd.DataFrame([(*r, "") for r in rows], columns=["isco08", "geo", "year", "value_thousands", "flag"])


def _indices() -> pd.DataFrame:
    return pd.DataFrame({"isco08": ["1111", "2310", "2320", "2511"] * 2,
                         "index": ["ilo2025"] * 4 + ["aioe"] * 4,
                         "score": [0.2, 0.6, 0.4, 0.9, 3.0, 1.0, 2.0, -1.0], "score_bls": np.nan})


def test_teachers_percentiles_weights_by_eu_employment_of_the_year() -> None:
    pct = cl.teachers_percentiles(_indices(), _employment(), 2024, names=("ilo2025", "aioe"))
    # ILO 2025: OC23 = mean(0.6, 0.4) = 0.5; OC11 (100) lower, OC25 (30) higher → 100·100/130
    # AIOE: OC23 = mean(1.0, 2.0) = 1.5; OC11 (3.0) higher, OC25 (−1.0) lower → 100·30/130
    assert pct.index.tolist() == ["ilo2025", "aioe"]
    assert pct.tolist() == pytest.approx([100 * 100 / 130, 100 * 30 / 130])
    # 2021: OC11 1 lower, OC25 1000 higher → ILO 2025: 100·1/1001
    assert cl.teachers_percentiles(_indices(), _employment(), 2021, names=("ilo2025",)).tolist() == pytest.approx(
        [100 * 1 / 1001])
    assert cl.teachers_percentiles(_indices(), _employment(), 2024, "max", ("aioe",)).tolist() == pytest.approx(
        [100 * 30 / 130])


def test_weights_years_and_the_parameter_check(monkeypatch: pytest.MonkeyPatch) -> None:
    # 2023: EU value missing; 2025: TOTAL only (not a 2-digit group); 2022: DE only
    assert cl.weights_years(_employment()) == [2021, 2024]
    monkeypatch.setattr(process, "load", lambda name: {"employment_by_occupation": _employment()}[name])
    cl.ClaimsParams(weights_year=2024).check_data()
    with pytest.raises(ParameterError, match=r"^claims_check: parameter weights_year=2025 is not valid; choose one "
                                             r"of: 2021, 2024$"):
        cl.ClaimsParams(weights_year=2025).check_data()


def test_load_inputs_reads_each_table(monkeypatch: pytest.MonkeyPatch) -> None:
    tables = {name: pd.DataFrame({"table": [name]}) for name in
              ("dialogues", "actions", "employment_by_occupation", "employment_by_occupation_sector")}
    monkeypatch.setattr(process, "load", lambda name: tables[name])
    monkeypatch.setattr(ad, "load_adoption", lambda: pd.DataFrame({"table": ["ai_adoption"]}))
    monkeypatch.setattr(ex, "load_indices", lambda: pd.DataFrame({"table": ["exposure_indices"]}))
    inp = cl.load_inputs()
    assert {k: v["table"].iloc[0] for k, v in vars(inp).items()} == {
        "ai_adoption": "ai_adoption", "dialogues": "dialogues", "actions": "actions",
        "indices": "exposure_indices", "employment": "employment_by_occupation",
        "sector": "employment_by_occupation_sector"}


def test_seed_lines_reads_utf8(tmp_path: Path) -> None:
    (tmp_path / "000_0000000000000000.txt").write_bytes("Défis ⁴\nsuite".encode())
    assert cl.seed_lines(_doc(), tmp_path) == ["Défis ⁴", "suite"]
    assert config.seeds_dir().name == "seeds"


# ------------------------------------------------------------------------------------------ sentences' branches
def test_strategic_sectors_without_the_public_sector() -> None:
    actions = pd.DataFrame({"group_fr": [cl.ANNEX3_SECTOR_GROUP] * 3, "area_fr": ["Robotique", "Énergie", "Santé"]})
    f = cl.strategic_sectors(actions)
    assert f.values == (3.0,) and f.text == "3 industrial sectors in Annex 3"
    assert f.note == ("Counted from our transcription of Annex 3 of the strategy (its heading « Secteurs industriels "
                      "stratégiques » lists 3 areas, the public sector not among them): a check of the slides against "
                      "the strategy, not against outside data.")


def test_findings_text_plural_and_singular_branches() -> None:
    counts = {"reproduced": 1, "consistent": 1, "mixed": 1, "differs": 2, "not tested here": 0,
              "not testable with public data": 2, "commitment": 1}
    # tested = 1 + 1 + 1 + 2 = 5 of 8; two closed sources "rest"; one pledge "is a commitment"
    assert cl.findings_text(counts, 2) == (
        "Of the 8 claims with figures that the book found in the 2 documents it quotes, its data test 5: "
        "1 reproduced, 1 consistent with a related measure, 1 mixed and 2 differing. "
        "0 could be checked against a published source or public data that this book does not use; "
        "2 rest on closed sources; 1 is a commitment (budgets, targets, plans), not measurements.")
    with pytest.raises(KeyError, match="counts lack mixed, commitment"):
        cl.findings_text({k: v for k, v in counts.items() if k not in ("mixed", "commitment")}, 2)


def _ai(rows: list[tuple[str, str, str, int, float, str]]) -> pd.DataFrame:
    return pd.DataFrame([{"dataset": "isoc_eb_ai", "indicator": i, "unit": "PC_ENT", "size_class": s,
                          "nace": "C10-S951_X_K", "geo": g, "year": y, "value": v, "flag": f}
                         for i, g, s, y, v, f in rows])


def test_sme_ai_use_survey_years_and_flags_of_both_figures() -> None:
    eu = "EU27_2020"
    ai = _ai([("E_AI_TANY", eu, "GE10", 2024, 13.48, "u"), ("E_AI_TANY", eu, "10-249", 2024, 12.64, "p"),
              ("E_AI_TANY", eu, "GE250", 2024, 41.17, ""), ("E_AI_TANY", eu, "10-249", 2021, 12.6, ""),
              ("E_AI_TX", eu, "GE10", 2019, 5.0, ""), ("E_AI_TANY", "DE", "GE10", 2018, 13.5, "")])
    f = cl.sme_ai_use(ai, 2024)
    # survey years of the EU's any-AI indicator only (not 2019's other indicator, not 2018's Germany); 2021 has no
    # GE10 value, so only 2024 can match
    assert f.note.endswith("The strategy names no year; of the survey years 2021, 2024, the rounded figures match in "
                           "2024. Large enterprises (250+): 41.17 %. Flags: p u.")


def test_counts_when_a_level_or_a_format_is_absent() -> None:
    d = pd.DataFrame({"level": ["sectoral", "sectoral"], "sectors_fr": ["Énergie", "Santé"],
                      "date": pd.to_datetime(["2025-01-02", "2025-02-03"]), "format": ["experts", "experts"],
                      "participants": [10, 20]})
    f = cl.dialogue_counts(d)
    assert f.values == (2.0, 0.0) and f.text == "2 sectoral and 0 high-level dialogues in Annex 1"
    assert cl.dialogue_counts(d.assign(level="high-level")).values == (0.0, 2.0)
    t = cl.technical_dialogues(d)
    assert t.text == "2 sectoral dialogues in Annex 1"
    assert t.note == ("Annex 1 calls them 'dialogues structurés sectoriels': 0 open to all, 2 for experts only, on 2 "
                      "sectors; with the high-level dialogues the annex lists 2.")
    assert "0 for experts only" in cl.technical_dialogues(d.assign(format="open")).note


def test_teachers_finding_with_no_index_at_the_mark_and_an_unnamed_index() -> None:
    pct = pd.Series({"custom": 80.0, "aioe": 70.05})
    f = cl.teachers_finding(pct, "custom", 2024, stated=90.5)
    assert f.values == (80.0,) and f.verdict == "differs"
    assert f.text == "80.0 % under custom (custom 80.0 %; AIOE 70.1 %)"
    assert f.note == (
        "Percent of other EU workers (EU27 LFS 2024, 2-digit occupations; ties count half) whose occupation is less "
        "exposed than teaching professionals (ISCO 23; 2-digit score = unweighted mean of its unit groups, as in the "
        "exposure chapter), under each of the book's 2 public indices. Footnote 68 cites the JRC's Generative AI "
        "Outlook Report, whose index and weights are not public, so none of our indices is the claim's measure. What "
        "ours can establish: the 91 % mark is reached under no index (0 of 2), and teachers' place depends on the "
        "index, from 70.1 % (AIOE) to 80.0 % (custom). What they cannot: say which figure the JRC's index gives.")
    two = cl.teachers_finding(pd.Series({"aioe": 93.0, "lm_aioe": 95.0, "ilo2025": 50.0}), "aioe", 2024)
    assert "reached under AIOE (Felten et al. 2021), LM-AIOE (Felten et al. 2023) (2 of 3)" in two.note
    assert two.verdict == "mixed"


# ------------------------------------------------------------------------------------------ the claims table
def test_evaluate_claims_rows_by_hand(seeds: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    docs = {"com": cl.Document(key="com", seed=COM_SEED, layout="communication", reference="C", version="V",
                               url="https://example.org/c")}
    a = cl.Claim(id="a", title="A", document="com", line=5, quote_fr="13,5 %² et une note³", quote_en="q",
                 stated_text="3 and 1", stated=(3.0, 1.0), stated_as=("trois", "un"), rule="equals",
                 compute="dialogue_counts", chapter="sector_dialogues")
    b = _claim(id="b", document="com", line=15, quote_fr="Plus de 90 000 robots⁴", evidence="published",
               public_data="Eurostat X", why="Not in our data.")
    c = _claim(id="c", document="com", line=21, quote_fr="Texte sans note.", evidence="closed", why="Closed source.")
    d = pd.DataFrame({"level": ["sectoral"] * 3 + ["high-level"], "sectors_fr": ["E", "E", "R", "P"],
                      "date": pd.to_datetime(["2025-01-02"] * 4), "format": ["open"] * 4, "participants": 1})
    empty = pd.DataFrame()
    inputs = cl.Inputs(ai_adoption=empty, dialogues=d, actions=empty, indices=empty, employment=empty, sector=empty)
    monkeypatch.setattr(config, "seeds_dir", lambda: seeds)
    t = cl.evaluate_claims(inputs=inputs, claims=(a, b, c), documents=docs)
    assert list(t.columns) == list(cl.COLUMNS) and t["id"].tolist() == ["a", "b", "c"]
    row = t.iloc[0].to_dict()
    assert row.pop("note").startswith("Counted from our transcription of Annex 1")
    assert row == {"id": "a", "claim": "A", "document": "com", "where": "C, section 1, footnotes 2 and 3, p. 1",
                   "reference": "C, section 1, footnotes 2 and 3, p. 1 (V; https://example.org/c)",
                   "stated": "3 and 1", "our_value": "3 sectoral and 1 high-level dialogues in Annex 1",
                   "status": "reproduced", "chapter": "sector_dialogues.ipynb"}
    assert t.iloc[1].to_dict() == {
        "id": "b", "claim": "X", "document": "com", "where": "C, section 1.1, footnote 4, p. 2",
        "reference": "C, section 1.1, footnote 4, p. 2 (V; https://example.org/c)", "stated": "1",
        "our_value": "—", "status": "not tested here", "chapter": "",
        "note": "Not in our data. Where it can be checked: Eurostat X."}
    assert t.iloc[2][["where", "status", "note"]].tolist() == ["C, section 2, p. 3", "not testable with public data",
                                                               "Closed source."]
    # locations given by the caller are used as given (no seed text read)
    wrong = cl.evaluate_claims(inputs=inputs, claims=(a,), documents=docs, where={"a": cl.Location()})
    assert wrong.iloc[0]["where"] == "C" and wrong.iloc[0]["status"] == "reproduced"
