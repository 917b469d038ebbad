"""The claims of the five documents the book quotes, checked against the book's data.

The registry is data: ``data/raw/strategy/claims.yml`` lists the documents (official reference, French version,
web address) and every claim (the French original quoted verbatim from its seed file and line, the book's English
translation, the figure as stated and how it is written, a comparison rule, and — when the book's data can test
it — the name of a computation in :data:`COMPUTATIONS`). :func:`load_registry` validates it with pydantic models.

Readers never see a seed file: :func:`locate` derives from the seed text where the quote is in the public document
(section and footnote numbers from the headings and footnote markers, the Communication's page from where its
footnotes break the text), and :func:`reference` turns that into the citation a reader can follow.

Statuses (:data:`STATUSES`), decided by :func:`decide_status`:

- ``reproduced``: our value measures what the document measured and, rounded half away from zero to the precision
  the figure is written to (:func:`stated_decimals`: "13,5" → tenths; the round "30 millions" → tens of
  millions), equals it ("more than X": is at least X);
- ``consistent``: a related public measure — not the document's own — agrees at that precision, or a statement
  about ranks holds in the book's data (the note says how the measures differ);
- ``mixed``: the book's measures disagree among themselves, or support one part of the claim and not another;
- ``differs``: at the stated precision, our value does not match;
- ``not tested here``: a published source or public data can check the figure, but not this book's;
- ``not testable with public data``: the source is closed (sold by subscription, unpublished or forthcoming);
- ``commitment``: a pledge, target or budget, not a measurement.

Units: percent (0-100) for shares and percentile ranks, millions of persons for employment, counts for
dialogues and sectors, ranks (1 = most cited) for barriers.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar, Literal

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, PositiveInt, ValidationError, model_validator

from analysis.chapters import adoption as ad
from analysis.chapters import exposure as ex
from analysis.chapters import registry
from analysis.chapters.params import NotebookParams, choice_error, register
from analysis.core import config, fmt
from analysis.core.yamlio import read_yaml
from analysis.tables import process

Status = Literal["reproduced", "consistent", "mixed", "differs", "not tested here", "not testable with public data",
                 "commitment"]
STATUSES: tuple[str, ...] = ("reproduced", "consistent", "mixed", "differs", "not tested here",
                             "not testable with public data", "commitment")
Rule = Literal["equals", "at_least"]
Evidence = Literal["published", "closed", "commitment"]
Layout = Literal["communication", "annexes", "slides", "web"]
#: The status of a claim the book does not test, by the kind of evidence behind it.
EVIDENCE_STATUS: dict[str, str] = {"published": "not tested here", "closed": "not testable with public data",
                                   "commitment": "commitment"}

#: Chapter pages (executed notebooks, siblings of this page in the book) and their titles, from ``book/runs.yml``.
CHAPTERS: dict[str, str] = registry.book_titles()

#: Short index names for tables and prose.
INDEX_SHORT: dict[str, str] = {"ilo2025": "ILO 2025", "ilo2023": "ILO 2023", "aioe": "AIOE", "lm_aioe": "LM-AIOE",
                               "eloundou": "GPT-4 β (Eloundou)", "eloundou_human": "human β (Eloundou)"}
#: The year footnote 22 gives for the manufacturing figures ("2024, Banque mondiale, Trading Economics").
MANUFACTURING_YEAR = 2024
MANUFACTURING_NACE = "C"
#: Annex 3's heading of the sector flagships, and its public-sector area (the slides count "10 industrial
#: sectors and the public sector").
ANNEX3_SECTOR_GROUP = "Secteurs industriels stratégiques"
PUBLIC_SECTOR_AREA = "Secteur public"
#: "Main" reasons: among the first MAIN_BARRIERS of the eight reasons for not using AI (1 = most cited).
MAIN_BARRIERS = 3
SME = "10-249"
#: The Eurostat reason nearest to each fear the strategy names (Eurostat asks no "too complicated" item).
FEARS: dict[str, tuple[str, ...]] = {"too costly": ("E_AI_BCST",), "too complicated": ("E_AI_BLE",)}
UNCERTAINTY: dict[str, tuple[str, ...]] = {"uncertainty": ("E_AI_BLEG",)}

SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_FOOTNOTE_LINE = re.compile(rf"^([{SUPERSCRIPTS}]+)\s")
_SECTION_LINE = re.compile(r"^(\d+(?:\.\d+)*)\.\s+(\S.*)$")
_ANNEX_LINE = re.compile(r"Annexe\s+(\d+)\s*:")
#: Seed file names as they look (``000_81fec92c49a045ae.txt``): never shown to readers.
SEED_NAME = re.compile(r"\b\d{3}_[0-9a-f]{16}\.txt\b")
_WORD_NUMBERS: dict[str, int] = {"un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5}


# --------------------------------------------------------------------------------------------- parameters
#: The notebook this chapter module serves (read by ``analysis.chapters.registry``: the one place it is named here).
NOTEBOOK = "claims_check"


@register
class ClaimsParams(NotebookParams):
    """Parameters of ``notebooks/claims_check.ipynb``.

    ``exposure_index``: the index whose teachers percentile is shown first for the JRC teachers claim (the status
    weighs every index); ``weights_year``: the LFS year whose EU employment weights that percentile (an
    ``employment_by_occupation`` year with EU27 2-digit values; the exposure chapter's default year by default).
    """

    notebook: ClassVar[str] = NOTEBOOK
    reads: ClassVar[tuple[str, ...]] = ("ai_adoption", "dialogues", "actions", "exposure_indices",
                                        "employment_by_occupation", "employment_by_occupation_sector")
    exposure_index: ex.IndexName = "ilo2025"
    weights_year: int = ex.ExposureParams.model_fields["year"].default

    def check_data(self) -> None:
        years = weights_years(process.load("employment_by_occupation"))
        if self.weights_year not in years:
            raise choice_error(self.notebook, "weights_year", self.weights_year, years)


def weights_years(employment: pd.DataFrame) -> list[int]:
    """LFS years with at least one EU27 2-digit employment value (the valid ``weights_year`` values)."""
    two = ex.two_digit_employment(employment)
    two = two[(two["geo"] == ex.EU_AGGREGATE) & two["value_thousands"].notna()]
    return sorted(int(y) for y in two["year"].unique())


# --------------------------------------------------------------------------------------------- registry
class Document(BaseModel):
    """A public document the book quotes; its key is its key in ``book/references.bib``."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    key: str
    seed: str = Field(pattern=r"^\d{3}_[0-9a-f]{16}\.txt$")
    layout: Layout
    reference: str = Field(min_length=1)
    version: str = Field(min_length=1)
    url: str | None = Field(default=None, pattern=r"^https://\S+$")
    no_url: str = ""

    @model_validator(mode="after")
    def _url_or_reason(self) -> Document:
        if bool(self.url) == bool(self.no_url):
            raise ValueError(f"document {self.key}: give either url or no_url (why there is no public address)")
        return self


class Claim(BaseModel):
    """One claim of the registry (see the header of ``claims.yml`` for the fields)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    title: str = Field(min_length=1)
    document: str
    line: PositiveInt
    heading: str = ""
    quote_fr: str = Field(min_length=1)
    quote_en: str = Field(min_length=1)
    stated_text: str = Field(min_length=1)
    stated: tuple[float, ...] = ()
    stated_as: tuple[str, ...] = ()
    exact_count: bool = False
    rule: Rule | None = None
    same_measure: bool = True
    compute: str | None = None
    evidence: Evidence | None = None
    public_data: str = ""
    why: str = ""
    chapter: str | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Claim:
        if (self.compute is None) == (self.evidence is None):
            raise ValueError(f"claim {self.id}: give either compute (tested) or evidence (not tested)")
        if self.evidence is not None:
            if not self.why:
                raise ValueError(f"claim {self.id}: an untested claim must say why (field why)")
            if (self.evidence == "published") != bool(self.public_data):
                raise ValueError(f"claim {self.id}: public_data names where a published figure can be checked, and "
                                 f"only for evidence: published")
            if self.stated or self.rule:
                raise ValueError(f"claim {self.id}: an untested claim has no stated numbers or rule")
        elif self.public_data or self.why:
            raise ValueError(f"claim {self.id}: a tested claim explains itself through its computation's note")
        if bool(self.stated) != bool(self.rule) or len(self.stated) != len(self.stated_as):
            raise ValueError(f"claim {self.id}: stated, stated_as and rule go together, one stated_as per number")
        for number, written in zip(self.stated, self.stated_as, strict=True):
            if parse_stated(written) != number:
                raise ValueError(f"claim {self.id}: stated_as {written!r} is not the number {number}")
        if self.chapter is not None and self.chapter not in CHAPTERS:
            raise ValueError(f"claim {self.id}: unknown chapter {self.chapter!r}; known: {', '.join(CHAPTERS)}")
        return self

    @property
    def decimals(self) -> tuple[int, ...]:
        """The precision of each stated number, in decimals (:func:`stated_decimals`; 0 for exact counts)."""
        return tuple(0 if self.exact_count else stated_decimals(s) for s in self.stated_as)


class Registry(BaseModel):
    """The documents and the claims, cross-checked (unique ids, known documents and computations)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    documents: dict[str, Document]
    claims: tuple[Claim, ...]

    @model_validator(mode="before")
    @classmethod
    def _keys(cls, data: dict) -> dict:
        docs = data.get("documents")
        if isinstance(docs, dict):
            data = {**data, "documents": {k: {**v, "key": k} if isinstance(v, dict) else v for k, v in docs.items()}}
        return data

    @model_validator(mode="after")
    def _references(self) -> Registry:
        ids = [c.id for c in self.claims]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"duplicate claim ids: {', '.join(dupes)}")
        for c in self.claims:
            if c.document not in self.documents:
                raise ValueError(f"claim {c.id}: unknown document {c.document!r}; known: {', '.join(self.documents)}")
            if c.compute is not None and c.compute not in COMPUTATIONS:
                raise ValueError(f"claim {c.id}: unknown computation {c.compute!r}; known: {', '.join(COMPUTATIONS)}")
        return self


def data_files() -> list[Path]:
    """What this chapter reads besides the processed tables (in its runs' cache keys): the claims registry and
    the documents it quotes."""
    documents = ([config.seeds_dir() / d.seed for d in load_registry().documents.values()]
                 if registry_file().exists() else [])
    return [registry_file(), *documents]


#: Read by the build for the runs' cache keys (``analysis.book.build.data_files``).
DATA_FILES = data_files


def registry_file() -> Path:
    return config.strategy_dir() / "claims.yml"


def load_registry(path: Path | None = None) -> Registry:
    """The registry in ``path`` (default ``data/raw/strategy/claims.yml``), validated.

    Raises ``ValueError`` naming the file and every problem found.
    """
    path = Path(path or registry_file())
    return _load_registry(str(path), path.stat().st_mtime_ns)


@functools.lru_cache(maxsize=4)
def _load_registry(path: str, mtime_ns: int) -> Registry:
    data = read_yaml(path)
    try:
        return Registry.model_validate(data)
    except ValidationError as err:
        raise ValueError(f"{path}: invalid claims registry:\n{err}") from None


def parse_stated(written: str) -> float:
    """The number a document writes as ``written`` (French: "13,5", "90 000", "deux")."""
    text = written.strip().lower()
    if text in _WORD_NUMBERS:
        return float(_WORD_NUMBERS[text])
    digits = text.replace("\u00a0", "").replace("\u202f", "").replace(" ", "").replace(",", ".")
    if not re.fullmatch(r"\d+(\.\d+)?", digits):
        raise ValueError(f"cannot read {written!r} as a number")
    return float(digits)


def stated_decimals(written: str) -> int:
    """The precision a number is written to, in decimals: "13,5" → 1, "17" → 0, "deux" → 0, and a round number's
    trailing zeros are not significant: "30" → -1 (tens), "1200" → -2, "90 000" → -4. Counts compared exactly
    set ``exact_count`` instead."""
    text = written.strip().lower().replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
    if text in _WORD_NUMBERS:
        return 0
    parse_stated(text)
    if "," in text:
        return len(text.split(",", 1)[1])
    stripped = text.rstrip("0")
    return -(len(text) - len(stripped)) if stripped else 0


# --------------------------------------------------------------------------------------------- where, for readers
@dataclass(frozen=True)
class Location:
    """Where a quote is in the public document: section number (and title), footnote numbers, page of the
    Communication, annex number, or the slide / web-page heading."""

    section: str = ""
    section_title: str = ""
    footnotes: tuple[int, ...] = ()
    page: int | None = None
    annex: int | None = None
    heading: str = ""


def superscript_number(text: str) -> int:
    """``"⁶⁸"`` → 68."""
    return int("".join(str(SUPERSCRIPTS.index(ch)) for ch in text))


def _is_footnote(line: str) -> bool:
    return bool(_FOOTNOTE_LINE.match(line.strip()))


def communication_pages(lines: list[str]) -> dict[int, int]:
    """Page of each non-blank line (1-based line → page) of a Communication's text, from its first section heading
    (page 1) on: a page ends with its footnotes, so a body line that follows a footnote line starts the next page.
    (A page without footnotes would go unnoticed; the Communication quoted has footnotes on every page.)"""
    first = next((i for i, ln in enumerate(lines, 1) if _SECTION_LINE.match(ln.strip())), None)
    if first is None:
        raise ValueError("no numbered section heading (e.g. '1. Introduction') in the text")
    pages: dict[int, int] = {}
    page, after_footnote = 1, False
    for number in range(first, len(lines) + 1):
        text = lines[number - 1].strip()
        if not text:
            continue
        footnote = _is_footnote(text)
        if after_footnote and not footnote:
            page += 1
        after_footnote = footnote
        pages[number] = page
    return pages


def _section_at(lines: list[str], line: int) -> tuple[str, str]:
    for number in range(line, 0, -1):
        m = _SECTION_LINE.match(lines[number - 1].strip())
        if m and not _is_footnote(lines[number - 1]):
            return m.group(1), m.group(2).strip()
    return "", ""


def _marker_line(lines: list[str], line: int, footnote: int) -> int:
    """The body line above footnote line ``line`` that carries the marker of ``footnote``."""
    marker = "".join(SUPERSCRIPTS[int(d)] for d in str(footnote))
    pattern = re.compile(rf"(?<![{SUPERSCRIPTS}]){marker}(?![{SUPERSCRIPTS}])")
    for number in range(line - 1, 0, -1):
        text = lines[number - 1]
        if not _is_footnote(text) and pattern.search(text):
            return number
    raise ValueError(f"the marker of footnote {footnote} is not above line {line}")


def locate(document: Document, lines: list[str], claim: Claim) -> Location:
    """Where ``claim`` is in ``document`` (whose seed text is ``lines``), derived from the text (see module doc)."""
    if document.layout == "communication":
        text = lines[claim.line - 1].strip()
        lead = _FOOTNOTE_LINE.match(text)
        if lead:
            footnotes: tuple[int, ...] = (superscript_number(lead.group(1)),)
            anchor = _marker_line(lines, claim.line, footnotes[0])
        else:
            footnotes = tuple(superscript_number(m) for m in re.findall(rf"[{SUPERSCRIPTS}]+", claim.quote_fr))
            anchor = claim.line
        section, title = _section_at(lines, anchor)
        return Location(section=section, section_title=title, footnotes=footnotes,
                        page=communication_pages(lines).get(claim.line))
    if document.layout == "annexes":
        for number in range(claim.line, 0, -1):
            m = _ANNEX_LINE.search(lines[number - 1])
            if m:
                return Location(annex=int(m.group(1)))
        raise ValueError(f"claim {claim.id}: no 'Annexe N:' heading above line {claim.line}")
    return Location(heading=claim.heading.strip())


def _footnote_text(numbers: tuple[int, ...]) -> str:
    if not numbers:
        return ""
    if len(numbers) == 1:
        return f"footnote {numbers[0]}"
    return "footnotes " + ", ".join(map(str, numbers[:-1])) + f" and {numbers[-1]}"


def reference(document: Document, where: Location, layout_word: str | None = None) -> str:
    """The citation a reader can follow: official reference, then section, footnote and page (or annex, slide,
    page heading), e.g. ``COM(2025) 723 final, section 3.2, footnote 68, p. 16``."""
    parts = [document.reference]
    if where.section:
        parts.append(f"section {where.section}")
    if where.footnotes:
        parts.append(_footnote_text(where.footnotes))
    if where.page is not None:
        parts.append(f"p. {where.page}")
    if where.annex is not None:
        parts.append(f"Annex {where.annex}")
    if where.heading:
        word = layout_word or ("slide" if document.layout == "slides" else "section")
        parts.append(f"{word} « {where.heading} »")
    return ", ".join(parts)


def cited_reference(document: Document, where: Location) -> str:
    """:func:`reference` with the version the book quotes, e.g. ``…, p. 16 (French version: Council document
    13731/25)``."""
    return f"{reference(document, where)} ({document.version})"


def full_reference(document: Document, where: Location) -> str:
    """:func:`reference` with the version quoted and the web address (or why there is none)."""
    address = document.url if document.url else f"no web address: {document.no_url}"
    return f"{reference(document, where)} ({document.version}; {address})"


#: Short names of the documents for the claims table (the official reference where it is short).
DOCUMENT_SHORT: dict[str, str] = {
    "ec2025applyai": "COM(2025) 723", "ec2025applyaiannexes": "COM(2025) 723, annexes",
    "ec2025aifacts": "Commission's AI page", "aioffice2025cife": "AI Office slides (CIFE, 9.12.2025)",
    "magazine2025aicontinent": "Magazine article",
}


def short_reference(document: Document, where: Location) -> str:
    """:func:`reference` under the document's short name (:data:`DOCUMENT_SHORT`), for tables:
    ``COM(2025) 723, section 3.2, footnote 68, p. 16``."""
    short = document.model_copy(update={"reference": DOCUMENT_SHORT.get(document.key, document.reference)})
    return reference(short, where)


def seed_lines(document: Document, seeds_dir: Path | None = None) -> list[str]:
    return (Path(seeds_dir or config.seeds_dir()) / document.seed).read_text(encoding="utf-8").splitlines()


def locations(registry: Registry | None = None, seeds_dir: Path | None = None) -> dict[str, Location]:
    """:func:`locate` for every claim of ``registry``, by claim id."""
    registry = registry or load_registry()
    cache: dict[str, list[str]] = {}
    out = {}
    for c in registry.claims:
        doc = registry.documents[c.document]
        if doc.seed not in cache:
            cache[doc.seed] = seed_lines(doc, seeds_dir)
        out[c.id] = locate(doc, cache[doc.seed], c)
    return out


def quote_reference(document_key: str, quote_fr: str, seeds_dir: Path | None = None) -> str:
    """The public reference (:func:`cited_reference`) of any French quote of a registry document, for chapters
    that quote it: e.g. ``quote_reference("ec2025applyai", "Les enseignants sont plus exposés")`` →
    ``COM(2025) 723 final, section 3.2, footnote 68, p. 16 (French version: Council document 13731/25)``.

    The quote must be on one line of the document's text; raises ``KeyError`` for an unknown document and
    ``ValueError`` when the quote is not found."""
    documents = load_registry().documents
    if document_key not in documents:
        raise KeyError(f"unknown document {document_key!r}; known: {', '.join(documents)}")
    document = documents[document_key]
    lines = seed_lines(document, seeds_dir)
    line = next((n for n, text in enumerate(lines, 1) if quote_fr in text), None)
    if line is None:
        raise ValueError(f"quote not found in {document.reference}: {quote_fr[:60]!r}")
    heading = ""
    if document.layout in ("slides", "web"):
        heading = next((lines[n - 1].strip() for n in range(line - 1, 0, -1) if lines[n - 1].strip()), "")
    probe = Claim.model_construct(id="quote", line=line, quote_fr=quote_fr, heading=heading)
    return cited_reference(document, locate(document, lines, probe))


# --------------------------------------------------------------------------------------------- the rule
def matches(ours: float, stated: float, rule: Rule, decimals: int) -> bool:
    """True when ``ours`` supports ``stated`` under ``rule`` at ``decimals`` (negative: tens, hundreds…): both are
    rounded half away from zero (:func:`analysis.core.fmt.round_half_away`, the book's one rounding rule)."""
    if ours is None or math.isnan(ours):
        raise ValueError("our value is missing: a claim cannot be decided on a missing value")
    mine, theirs = fmt.round_half_away(ours, decimals), fmt.round_half_away(stated, decimals)
    if rule == "equals":
        return mine == theirs
    if rule == "at_least":
        return mine >= theirs
    raise ValueError(f"unknown rule {rule!r}: choose equals or at_least")


def precision_text(stated: float, decimals: int, rule: Rule) -> str:
    """What the stated precision admits, in words, e.g. for "30" (tens): "stated to the nearest 10: any value from
    25 up to (not including) 35 reads as 30"."""
    unit = 10.0 ** (-decimals)
    shown = max(decimals, 0)
    bound = decimals + 1 if decimals >= 0 else 0
    low = fmt.num(stated - unit / 2, bound)
    head = f"stated to the nearest {fmt.num(unit, shown)}: any value from {low} up"
    if rule == "at_least":
        return f"{head} reads as at least {fmt.num(stated, shown)}"
    return f"{head} to (not including) {fmt.num(stated + unit / 2, bound)} reads as {fmt.num(stated, shown)}"


@dataclass(frozen=True)
class Finding:
    """What our data say: ``values`` compared one by one with :attr:`Claim.stated` (same order and unit), the
    text shown, a note (method, definitions, caveats), and — for claims about ranks or several measures — the
    ``verdict`` the computation decided (a status)."""

    values: tuple[float, ...]
    text: str
    note: str = ""
    verdict: str | None = None


def decide_status(claim: Claim, finding: Finding | None) -> str:
    """The status of ``claim`` given our ``finding`` (None when the claim has no computation)."""
    if claim.compute is None or finding is None:
        if claim.evidence is None:
            raise ValueError(f"claim {claim.id}: a tested claim needs its finding")
        return EVIDENCE_STATUS[claim.evidence]
    if finding.verdict is not None:
        if finding.verdict not in STATUSES:
            raise ValueError(f"claim {claim.id}: unknown verdict {finding.verdict!r}")
        return finding.verdict
    if claim.rule is None:
        raise ValueError(f"claim {claim.id}: a numeric comparison needs a rule and stated numbers")
    if len(finding.values) != len(claim.stated):
        raise ValueError(f"claim {claim.id}: {len(finding.values)} values for {len(claim.stated)} stated numbers")
    ok = [matches(o, s, claim.rule, d) for o, s, d in zip(finding.values, claim.stated, claim.decimals, strict=True)]
    if all(ok):
        return "reproduced" if claim.same_measure else "consistent"
    return "differs"


# --------------------------------------------------------------------------------------------- our values
@dataclass(frozen=True)
class Inputs:
    """The processed tables the claims are computed from."""

    ai_adoption: pd.DataFrame  # isoc_eb_ai rows (analysis.chapters.adoption.load_adoption)
    dialogues: pd.DataFrame  # Annex 1 (processed table ``dialogues``)
    actions: pd.DataFrame  # Annex 3 (processed table ``actions``)
    indices: pd.DataFrame  # exposure_indices, typed
    employment: pd.DataFrame  # employment_by_occupation (lfsa_egai2d)
    sector: pd.DataFrame  # employment_by_occupation_sector (lfsa_eisn2)


def load_inputs() -> Inputs:
    return Inputs(ai_adoption=ad.load_adoption(), dialogues=process.load("dialogues"),
                  actions=process.load("actions"), indices=ex.load_indices(),
                  employment=process.load("employment_by_occupation"),
                  sector=process.load("employment_by_occupation_sector"))


def sme_ai_use(ai: pd.DataFrame, year: int = ad.STRATEGY_YEAR) -> Finding:
    """Share of EU27 enterprises (10+ persons employed) and of SMEs (10-249) using any AI technology in ``year``
    (percent, ``isoc_eb_ai``, all activities in scope); the note names every survey year whose rounded figures
    would match the strategy's (which names no year)."""
    a, fa = ad.value_at(ai, "E_AI_TANY", "EU27_2020", "GE10", year)
    s, fs = ad.value_at(ai, "E_AI_TANY", "EU27_2020", SME, year)
    large, _ = ad.value_at(ai, "E_AI_TANY", "EU27_2020", "GE250", year)
    stated = (ad.STRATEGY_FIGURES["GE10"], ad.STRATEGY_FIGURES[SME])
    years = sorted(int(y) for y in ai.loc[(ai["indicator"] == "E_AI_TANY") & (ai["geo"] == "EU27_2020")
                                          & ai["value"].notna(), "year"].unique())
    fitting = []
    for y in years:
        vals = (ad.value_at(ai, "E_AI_TANY", "EU27_2020", "GE10", y)[0],
                ad.value_at(ai, "E_AI_TANY", "EU27_2020", SME, y)[0])
        if not any(math.isnan(v) for v in vals) and all(matches(v, t, "equals", 1)
                                                         for v, t in zip(vals, stated, strict=True)):
            fitting.append(str(y))
    flags = ad.combine_flags(fa, fs)
    text = f"{fmt.pct(a, 2)} of enterprises and {fmt.pct(s, 2)} of SMEs (EU27, {year})"
    note = (f"Eurostat isoc_eb_ai, the source footnote 2 cites: any AI technology (E_AI_TANY), % of enterprises "
            f"with 10+ persons employed in the survey's scope (no agriculture, mining or finance); SMEs = 10-249 "
            f"persons employed (micro-enterprises are outside the survey). The strategy names no year; of the survey "
            f"years {', '.join(map(str, years))}, the rounded figures match in {', '.join(fitting) or 'none'}. "
            f"Large enterprises (250+): {fmt.pct(large, 2)}." + (f" Flags: {flags}." if flags else ""))
    return Finding((a, s), text, note)


def dialogue_counts(dialogues: pd.DataFrame) -> Finding:
    """Sectoral and high-level dialogues of Annex 1 (counts of rows by ``level``), with their dates and the sum
    of the approximate attendances (persons, as stated)."""
    n = dialogues["level"].value_counts()
    sectoral, high = int(n.get("sectoral", 0)), int(n.get("high-level", 0))
    first, last = dialogues["date"].min(), dialogues["date"].max()
    total = int(dialogues["participants"].sum())
    text = f"{sectoral} sectoral and {high} high-level dialogues in Annex 1"
    note = (f"Counted from our transcription of Annex 1 (one row per dialogue): a check of the text against its own "
            f"annex, not against outside data. The dialogues are dated {first:%d.%m.%Y} to {last:%d.%m.%Y}. The "
            f"strategy states no total attendance; the annex's approximate figures ('Environ N') add up to about "
            f"{fmt.count(total)} attendances (a person at two dialogues counts twice).")
    return Finding((float(sectoral), float(high)), text, note)


def technical_dialogues(dialogues: pd.DataFrame) -> Finding:
    """The sectoral dialogues of Annex 1 (count), by format (open to all / experts only)."""
    sec = dialogues[dialogues["level"] == "sectoral"]
    kinds = sec["format"].value_counts()
    text = f"{len(sec)} sectoral dialogues in Annex 1"
    note = (f"Annex 1 calls them 'dialogues structurés sectoriels': {int(kinds.get('open', 0))} open to all, "
            f"{int(kinds.get('experts', 0))} for experts only, on {sec['sectors_fr'].nunique()} sectors; with the "
            f"high-level dialogues the annex lists {len(dialogues)}.")
    return Finding((float(len(sec)),), text, note)


def strategic_sectors(actions: pd.DataFrame) -> Finding:
    """Industrial sectors among Annex 3's strategic-sector flagships (count of distinct ``area_fr`` under
    :data:`ANNEX3_SECTOR_GROUP`, the public sector apart)."""
    areas = list(dict.fromkeys(actions.loc[actions["group_fr"] == ANNEX3_SECTOR_GROUP, "area_fr"]))
    if not areas:
        raise ValueError(f"no area under {ANNEX3_SECTOR_GROUP!r} in the actions table")
    industrial = [a for a in areas if a != PUBLIC_SECTOR_AREA]
    public = len(areas) - len(industrial)
    text = f"{len(industrial)} industrial sectors" + (" and the public sector" if public else "") + " in Annex 3"
    note = (f"Counted from our transcription of Annex 3 of the strategy (its heading « {ANNEX3_SECTOR_GROUP} » lists "
            f"{len(areas)} areas, the public sector {'among them' if public else 'not among them'}): a check of the "
            f"slides against the strategy, not against outside data.")
    return Finding((float(len(industrial)),), text, note)


def teachers_percentiles(indices: pd.DataFrame, employment: pd.DataFrame, year: int,
                         how: ex.Aggregation = "mean", names: tuple[str, ...] = ex.ALL_INDICES) -> pd.Series:
    """Percent (0-100) of other EU workers whose 2-digit occupation scores lower than teaching professionals
    (ISCO 23) under each index of ``names`` (default: the book's six), weights = EU27 LFS employment by 2-digit
    group in ``year`` (see :func:`analysis.chapters.exposure.teacher_percentiles`)."""
    two = ex.two_digit_employment(employment)
    emp2 = two[(two["geo"] == ex.EU_AGGREGATE) & (two["year"] == year)].set_index("isco08")["value_thousands"]
    t = ex.teacher_percentiles(indices, emp2, how, names=names)
    return t[t["unit"] == ex.TEACHERS_2DIGIT].set_index("index")["pct_workers"]


def several_measures_verdict(holds: list[bool]) -> str:
    """The status when several measures, none of them the document's own, test one claim: ``consistent`` when all
    agree with it, ``differs`` when none does, ``mixed`` otherwise."""
    if not holds:
        raise ValueError("no measure to decide on")
    if all(holds):
        return "consistent"
    return "differs" if not any(holds) else "mixed"


def teachers_finding(pct: pd.Series, index: str, year: int, stated: float = ex.JRC_TEACHERS_PERCENTILE) -> Finding:
    """The teachers claim under each index of ``pct`` (percentiles, percent): ``index``'s value is shown first;
    the verdict weighs every index (:func:`several_measures_verdict`, each rounded to whole percent and compared
    with "more than ``stated``"). The JRC's own index is not public: none of ours is the claim's measure."""
    if index not in pct.index:
        raise KeyError(f"index {index!r} has no teachers percentile; known: {list(pct.index)}")
    holding = [i for i, v in pct.items() if matches(v, stated, "at_least", 0)]
    listing = "; ".join(f"{INDEX_SHORT.get(i, i)} {fmt.pct(v, 1)}" for i, v in pct.sort_values(ascending=False).items())
    verdict = several_measures_verdict([i in holding for i in pct.index])
    text = f"{fmt.pct(float(pct[index]), 1)} under {INDEX_SHORT.get(index, index)} ({listing})"
    low, high = pct.idxmin(), pct.idxmax()
    note = (f"Percent of other EU workers (EU27 LFS {year}, 2-digit occupations; ties count half) whose occupation "
            f"is less exposed than teaching professionals (ISCO 23; 2-digit score = unweighted mean of its unit "
            f"groups, as in the exposure chapter), under each of the book's {len(pct)} public indices. Footnote 68 "
            f"cites the JRC's Generative AI Outlook Report, whose index and weights are not public, so none of our "
            f"indices is the claim's measure. What ours can establish: the {fmt.num(stated, 0)} % mark is reached "
            f"under {', '.join(ex.INDEX_LABELS.get(i, i) for i in holding) if holding else 'no index'} "
            f"({len(holding)} of {len(pct)}), and teachers' place depends on the index, from "
            f"{fmt.pct(float(pct[low]), 1)} ({INDEX_SHORT.get(low, low)}) to {fmt.pct(float(pct[high]), 1)} "
            f"({INDEX_SHORT.get(high, high)}). What they cannot: say which figure the JRC's index gives.")
    return Finding((float(pct[index]),), text, note, verdict)


def manufacturing_employment(sector: pd.DataFrame, year: int = MANUFACTURING_YEAR, stated: float = 30.0,
                             decimals: int = -1) -> Finding:
    """EU27 employment in manufacturing (NACE section C), millions of persons: the sum over member states and ISCO
    major groups of ``lfsa_eisn2`` (persons aged 15+), a lower bound where cells are suppressed; compared with
    ``stated`` at ``decimals`` (the strategy's round "30 millions": tens of millions)."""
    eu = ex.eu_sector_sum(sector)
    c = eu[eu["nace"] == MANUFACTURING_NACE]
    by_year = c.groupby("year")["value_thousands"].sum(min_count=1) / 1000
    if year not in by_year.index:
        raise KeyError(f"no {MANUFACTURING_NACE} employment for {year}; years: {list(by_year.index)}")
    cells = sector[(sector["nace"] == MANUFACTURING_NACE) & sector["geo"].isin(ex.EU27) & (sector["year"] == year)]
    missing = cells[cells["value_thousands"].isna()]
    top = missing["isco08"].value_counts().head(2)
    top_text = " and ".join(f"{ex.ISCO_TITLES[g].lower()} ({n})" for g, n in top.items())
    value = float(by_year[year])
    others = "; ".join(f"{fmt.num(v, 1)} million in {int(y)}" for y, v in by_year.items() if int(y) != year)
    text = f"{fmt.num(value, 1)} million employed persons ({year}" + (f"; {others})" if others else ")")
    note = (f"Eurostat LFS (lfsa_eisn2): employed persons aged 15+ in NACE section C, summed over the 27 member "
            f"states and the ISCO major groups; {len(missing)} of {len(cells)} country × occupation cells have no "
            f"value" + (f" (mostly {top_text})" if top_text else "") + ", so the sum is a lower bound. Not the "
            f"strategy's measure: footnote 22 cites the World Bank and Trading Economics for 2024, and business "
            f"statistics count 'persons employed' by enterprises (working proprietors and unpaid family workers "
            f"included), whereas the LFS counts residents by their main job. The strategy's '30 millions' is a "
            f"round number, {precision_text(stated, decimals, 'equals')}. Difference from it: "
            f"{fmt.signed(value - stated, 1)} million ({fmt.signed(100 * (value - stated) / stated, 1)} %).")
    return Finding((value,), text, note)


def ordinal(n: int) -> str:
    """1 → "1st", 2 → "2nd", 11 → "11th"."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def barrier_ranks(ai: pd.DataFrame, size_class: str = SME, geo: str = "EU27_2020",
                  unit: str = "PC_ENT_AI_EC") -> pd.DataFrame:
    """The reasons for not using AI ranked by share for ``size_class`` in ``geo``, each survey year with values.

    Columns: ``year``, ``indicator``, ``label``, ``value`` (percent of the class's enterprises that considered
    using AI but do not use it, for ``PC_ENT_AI_EC``), ``rank`` (1 = most cited; ties share the better rank),
    ``n`` (reasons with a value that year). Built on :func:`analysis.chapters.adoption.barriers`.
    """
    sel = ai[ai["indicator"].isin(ad.BARRIERS) & (ai["unit"] == unit) & (ai["geo"] == geo)
             & (ai["size_class"] == size_class) & ai["value"].notna()]
    frames = []
    for year in sorted(int(y) for y in sel["year"].unique()):
        t = ad.barriers(ai, geo, year, size_classes=(size_class,), unit=unit).table.dropna(subset=["value"])
        t = t.assign(year=year, rank=t["value"].rank(ascending=False, method="min").astype(int), n=len(t))
        frames.append(t[["year", "indicator", "label", "value", "rank", "n"]])
    if not frames:
        raise ValueError(f"no barrier values for {geo}, {size_class}, {unit}")
    return pd.concat(frames, ignore_index=True)


def main_barrier_check(ranks: pd.DataFrame, groups: dict[str, tuple[str, ...]], top: int = MAIN_BARRIERS,
                       year: int | None = None) -> dict[str, int]:
    """For each named group of reasons, its best rank in ``year`` (default: the latest); a group is "main" when
    that rank is ``top`` or better."""
    year = int(ranks["year"].max()) if year is None else year
    latest = ranks[ranks["year"] == year].set_index("indicator")["rank"]
    out = {}
    for name, codes in groups.items():
        present = [int(latest[c]) for c in codes if c in latest.index]
        if not present:
            raise KeyError(f"no rank for {name} ({', '.join(codes)}) in {year}")
        out[name] = min(present)
    return out


def _rank_history(ranks: pd.DataFrame, code: str) -> str:
    rows = ranks[ranks["indicator"] == code].sort_values("year")
    return ", ".join(f"{ordinal(int(r.rank))} in {int(r.year)}" for r in rows.itertuples())


def _all_smes(ai: pd.DataFrame, code: str, year: int) -> str:
    value, _ = ad.value_at(ai, code, "EU27_2020", SME, year, unit="PC_ENT")
    return "not published" if math.isnan(value) else fmt.pct(value, 1)


def barrier_finding(ai: pd.DataFrame, groups: dict[str, tuple[str, ...]], claim_words: str,
                    measure_note: str) -> Finding:
    """A claim that some reasons are the "main" ones, against the SMEs' ranking of the eight reasons for not using
    AI: values = each group's best rank in the latest year; verdict by :func:`several_measures_verdict` on
    "rank :data:`MAIN_BARRIERS` or better" (our measure is never the document's own)."""
    ranks = barrier_ranks(ai)
    year = int(ranks["year"].max())
    best = main_barrier_check(ranks, groups, MAIN_BARRIERS, year)
    latest = ranks[ranks["year"] == year].set_index("indicator")
    n = int(latest["n"].iloc[0])
    parts, history, shares = [], [], []
    for name, codes in groups.items():
        code = min(codes, key=lambda c: int(latest.loc[c, "rank"]))
        label = ad.BARRIER_LABELS[code]
        parts.append(f"{name}: '{label}' {ordinal(best[name])} of {n} ({fmt.pct(float(latest.loc[code, 'value']), 1)})")
        history.append(f"'{label}' ranks {_rank_history(ranks, code)}")
        shares.append(f"'{label}' {_all_smes(ai, code, year)}")
    verdict = several_measures_verdict([best[name] <= MAIN_BARRIERS for name in groups])
    text = f"SMEs, {year}: " + "; ".join(parts)
    note = (f"Eurostat isoc_eb_ai, reasons for not using AI, asked of the enterprises that considered using it; "
            f"SMEs = 10-249 persons employed, EU27, percent of the SMEs that considered AI but do not use it. We take "
            f"'{claim_words}' to be borne out when the nearest reason ranks {ordinal(MAIN_BARRIERS)} or better of the "
            f"{n} in the latest survey ({year}). By year: " + "; ".join(history) + ". " + measure_note
            + f" As a share of all SMEs in {year}: " + ", ".join(shares)
            + " (most SMEs never considered AI and were not asked).")
    return Finding(tuple(float(best[name]) for name in groups), text, note, verdict)


def sme_fears(ai: pd.DataFrame) -> Finding:
    """"Many SMEs fear AI is too complicated or too costly" against the SMEs' reasons for not using AI."""
    return barrier_finding(ai, FEARS, "many fear",
                           "Eurostat asks no 'too complicated' item; the nearest is 'lack of relevant expertise'.")


def legal_uncertainty(ai: pd.DataFrame) -> Finding:
    """"Uncertainty is among the main obstacles" against the SMEs' reasons for not using AI."""
    return barrier_finding(ai, UNCERTAINTY, "the main obstacles",
                           "Not the strategy's measure: it reports stakeholders' feedback on implementing the AI Act; "
                           "Eurostat's item is 'unclear legal consequences' (of using AI), and no item asks about a "
                           "lack of guidance.")


#: The computations a claim can name (``compute:`` in the registry).
COMPUTATIONS: dict[str, Callable[[Inputs, ClaimsParams], Finding]] = {
    "sme_ai_use": lambda i, p: sme_ai_use(i.ai_adoption),
    "dialogue_counts": lambda i, p: dialogue_counts(i.dialogues),
    "technical_dialogues": lambda i, p: technical_dialogues(i.dialogues),
    "strategic_sectors": lambda i, p: strategic_sectors(i.actions),
    "manufacturing_employment": lambda i, p: manufacturing_employment(i.sector),
    "teachers_exposure": lambda i, p: teachers_finding(teachers_percentiles(i.indices, i.employment, p.weights_year),
                                                       p.exposure_index, p.weights_year),
    "sme_fears": lambda i, p: sme_fears(i.ai_adoption),
    "legal_uncertainty": lambda i, p: legal_uncertainty(i.ai_adoption),
}



def __getattr__(name: str) -> object:
    """``REGISTRY``, ``CLAIMS`` (tuple of :class:`Claim`) and ``DOCUMENTS`` (key → :class:`Document`) are read from
    the registry file when asked for (re-read when the file changes), not when the module is imported: a warm
    kernel that imported this module earlier still sees the current file."""
    if name in ("REGISTRY", "CLAIMS", "DOCUMENTS"):
        registry = load_registry()
        return {"REGISTRY": registry, "CLAIMS": registry.claims, "DOCUMENTS": registry.documents}[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def claim(claim_id: str) -> Claim:
    for c in load_registry().claims:
        if c.id == claim_id:
            return c
    raise KeyError(f"unknown claim {claim_id!r}; known: {', '.join(c.id for c in load_registry().claims)}")


# --------------------------------------------------------------------------------------------- quotes
def display_quote(text: str) -> str:
    """A quote for display: the seed's Markdown (``**bold**``, ``[text](#)``) removed, whitespace collapsed."""
    return " ".join(ex.plain(text).split())


def quote_problems(seeds_dir: Path | None = None, claims: tuple[Claim, ...] | None = None,
                   documents: dict[str, Document] | None = None) -> list[str]:
    """Claims whose French quote is not found verbatim from its seed line on (a quote of n lines is compared with
    n lines), or whose heading is not a line above it (empty list: all are)."""
    claims = load_registry().claims if claims is None else claims
    documents = load_registry().documents if documents is None else documents
    cache: dict[str, list[str]] = {}
    problems = []
    for c in claims:
        doc = documents[c.document]
        if doc.seed not in cache:
            cache[doc.seed] = seed_lines(doc, seeds_dir)
        lines = cache[doc.seed]
        n = c.quote_fr.count("\n") + 1
        if not 1 <= c.line <= len(lines) - n + 1 or c.quote_fr not in "\n".join(lines[c.line - 1:c.line - 1 + n]):
            problems.append(f"{c.id}: quote not found at {doc.seed}, line {c.line}")
        elif c.heading and c.heading.strip() not in [ln.strip() for ln in lines[:c.line - 1]]:
            problems.append(f"{c.id}: heading not found above {doc.seed}, line {c.line}")
    return problems


# --------------------------------------------------------------------------------------------- evaluation
COLUMNS: tuple[str, ...] = ("id", "claim", "document", "where", "reference", "stated", "our_value", "status",
                            "chapter", "note")


def evaluate_claims(params: ClaimsParams | None = None, inputs: Inputs | None = None,
                    claims: tuple[Claim, ...] | None = None, where: dict[str, Location] | None = None,
                    documents: dict[str, Document] | None = None) -> pd.DataFrame:
    """One row per claim: ``id``, ``claim`` (English title), ``document`` (its key in references.bib), ``where``
    (:func:`short_reference`), ``reference`` (:func:`full_reference`: what a reader can open, never a seed file),
    ``stated`` (as stated, in English), ``our_value`` (text; "—" when not computed), ``status``
    (:func:`decide_status`), ``chapter`` (the page showing it, ``<notebook>.ipynb``, or ""), ``note`` (method,
    precision, or why it is not tested)."""
    params = params or ClaimsParams()
    claims = load_registry().claims if claims is None else claims
    documents = load_registry().documents if documents is None else documents
    needed = any(c.compute is not None for c in claims)
    inputs = inputs or (load_inputs() if needed else None)
    where = where if where is not None else locations(Registry(documents=documents, claims=claims))
    rows = []
    for c in claims:
        finding = COMPUTATIONS[c.compute](inputs, params) if c.compute is not None else None  # type: ignore[arg-type]
        status = decide_status(c, finding)
        if finding is None:
            note = f"{c.why} Where it can be checked: {c.public_data}." if c.public_data else c.why
        else:
            note = finding.note
        rows.append({"id": c.id, "claim": c.title, "document": c.document,
                     "where": short_reference(documents[c.document], where[c.id]),
                     "reference": full_reference(documents[c.document], where[c.id]), "stated": c.stated_text,
                     "our_value": finding.text if finding else "—", "status": status,
                     "chapter": f"{c.chapter}.ipynb" if c.chapter else "", "note": note})
    return pd.DataFrame(rows, columns=list(COLUMNS))


def status_counts(table: pd.DataFrame) -> dict[str, int]:
    """Number of claims per status, every status listed (zeros included), in :data:`STATUSES` order."""
    counts = table["status"].value_counts()
    return {s: int(counts.get(s, 0)) for s in STATUSES}


# --------------------------------------------------------------------------------------------- display
STATUS_SYMBOL: dict[str, str] = {
    "reproduced": "✔", "consistent": "≈", "mixed": "±", "differs": "✖", "not tested here": "○",
    "not testable with public data": "–", "commitment": "→",
}


def reader_table(table: pd.DataFrame) -> pd.DataFrame:
    """The claims table for readers (plain text, for :func:`analysis.core.figures.table`): the claim, where it is
    (:func:`short_reference`; the claim-by-claim sections and the References page give the full reference and
    web address), the figure as stated, our value, and the status with its symbol."""
    return pd.DataFrame({
        "Claim": table["claim"],
        "Where": table["where"],
        "The document says": table["stated"],
        "Our data say": table["our_value"],
        "Status": [f"{STATUS_SYMBOL[s]} {s}" for s in table["status"]],
    })


TABLE_CAPTION = ("Every claim of the five documents: where it is in the public document, what the document says, "
                 "what the book's data say, and its status (✔ reproduced, ≈ consistent, ± mixed, ✖ differs, ○ not "
                 "tested here, – not testable with public data, → commitment).")


def _count_phrase(n: int, singular: str, plural: str | None = None) -> str:
    return f"{n} {singular if n == 1 else (plural or singular + 's')}"


def findings_text(counts: dict[str, int], documents: int) -> str:
    """The page's findings in one paragraph, from :func:`status_counts` (every status in :data:`STATUSES`) and
    the number of documents the book quotes."""
    missing = [s for s in STATUSES if s not in counts]
    if missing:
        raise KeyError(f"counts lack {', '.join(missing)}")
    total = sum(counts.values())
    tested = counts["reproduced"] + counts["consistent"] + counts["mixed"] + counts["differs"]
    closed, pledges = counts["not testable with public data"], counts["commitment"]
    return (f"Of the {_count_phrase(total, 'claim')} with figures that the book found in the "
            f"{_count_phrase(documents, 'document')} it quotes, its data test {tested}: "
            f"{counts['reproduced']} reproduced, {counts['consistent']} consistent with a related measure, "
            f"{counts['mixed']} mixed and {counts['differs']} differing. "
            f"{counts['not tested here']} could be checked against a published source or public data that this book "
            f"does not use; {closed} {'rests' if closed == 1 else 'rest'} on closed sources; {pledges} "
            f"{'is a commitment' if pledges == 1 else 'are commitments'} (budgets, targets, plans), not measurements.")
