"""Country profiles: one page per member state (and one for the EU) that gathers, for a single geo, what the
chapters compute for all of them — AI use by size class of enterprise, the SME gap and its trend, the AI
technologies used, and the exposure of employment to generative AI — against the EU27, with what is missing.

The tables are built by small pure functions on the frames of :class:`ProfileInputs`, reusing
:mod:`analysis.chapters.adoption` and :mod:`analysis.chapters.exposure` (the same definitions as the chapters).

Units used throughout:

- ``value``, ``ref_value``, ``small``, ``large``: **percent of enterprises** (0-100) of the size class
  (Eurostat ``isoc_eb_ai``, unit ``PC_ENT``);
- ``gap_pp``: **percentage points**, large (250+) − SMEs (10-249); ``diff_pp``: **percentage points**, the
  geo's value − the EU's;
- ``exposed_pct``: **percent of employment** in scored occupations (ILO 2025 gradients 1-4, the chapter's
  default definition); ``mean_score``: ILO 2025 score (0-1, share of exposed tasks); ``coverage_pct``: percent
  of total employment in scored 2-digit groups with a value.

Missing is never zero: an absent row or Eurostat's ``:`` gives NaN, any difference computed from it is NaN, and
text says "not available". For the EU27 page there is no reference: the ``ref_*`` columns are NaN and the
sentences say the EU is the reference.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np
import pandas as pd

from analysis.chapters import adoption as ad
from analysis.chapters import exposure as ex
from analysis.chapters.coverage import describe_flag
from analysis.chapters.params import NotebookParams, ParameterError, choice_error, register
from analysis.core import figures
from analysis.core import fmt as nf
from analysis.tables import process

EU = "EU27_2020"
#: The member states in Eurostat's protocol order (the order of the countries' names in their own languages).
MEMBER_STATES: tuple[str, ...] = (
    "BE", "BG", "CZ", "DK", "DE", "EE", "IE", "EL", "ES", "FR", "HR", "IT", "CY", "LV", "LT", "LU", "HU", "MT",
    "NL", "AT", "PL", "PT", "RO", "SI", "SK", "FI", "SE",
)
if sorted(MEMBER_STATES) != sorted(ad.EU27_MEMBER_STATES):  # pragma: no cover - a typo guard
    raise RuntimeError("profiles.MEMBER_STATES differs from adoption.EU27_MEMBER_STATES")
#: The geos with a profile page: the EU first, then the member states.
PROFILE_GEOS: tuple[str, ...] = (EU, *MEMBER_STATES)

#: English names as Eurostat uses them (Czechia, Greece for EL).
COUNTRY_NAMES: dict[str, str] = {EU: "European Union", **{g: ad.COUNTRY_NAMES[g] for g in MEMBER_STATES}}

INDICATOR = "E_AI_TANY"
SMALL, LARGE, ALL = "10-249", "GE250", "GE10"
#: The exposure definition of the labour chapter's default run.
EXPOSURE_INDEX = "ilo2025"
EXPOSED_RULE = "gradient"
#: Percent of total employment that scored 2-digit groups with a value must cover for the exposed share to be
#: compared with other countries (the labour chapter's threshold).
COVERAGE_MIN = 95.0
NOT_AVAILABLE = "not available"
#: Below this absolute difference (percentage points) a value is "level with" the EU.
LEVEL_PP = 0.05

ADOPTION_SOURCE = ad.SOURCE
EXPOSURE_SOURCE = f"{ex.INDEX_SOURCES[EXPOSURE_INDEX]}; Eurostat (2026), lfsa_egai2d"
STATUSES: tuple[str, ...] = ("available", "partly available", NOT_AVAILABLE)


def country_name(geo: str) -> str:
    """English name of a profile geo (``EL`` → Greece, ``EU27_2020`` → European Union); other Eurostat codes get
    :func:`analysis.chapters.adoption.label` (``NO`` → Norway), unknown codes are returned as they are."""
    return COUNTRY_NAMES.get(geo) or ad.label(geo)


#: Names that take "the" in running text.
_WITH_ARTICLE: frozenset[str] = frozenset({EU, "NL"})


def prose_name(geo: str) -> str:
    """The name as it reads inside a sentence: "the European Union", "the Netherlands", "Denmark"."""
    name = country_name(geo)
    return f"the {name}" if geo in _WITH_ARTICLE else name


def capitalised(text: str) -> str:
    """``text`` with its first letter upper-cased (for a sentence that starts with a prose name)."""
    return text[:1].upper() + text[1:]


def reference_for(geo: str) -> str | None:
    """The geo a profile compares with: the EU27, or None on the EU27's own page."""
    return None if geo == EU else EU


# ------------------------------------------------------------------------------------------------ parameters
#: The notebook this chapter module serves (read by ``analysis.chapters.registry``: the one place it is named here).
NOTEBOOK = "country_profile"


@register
class ProfileParams(NotebookParams):
    """Parameters of ``notebooks/country_profile.ipynb``: ``geo`` = ``EU27_2020`` or a member state's Eurostat
    code (``EL`` for Greece). Checked against the list of profile geos, not against the data: a member state with
    missing data still gets a page that says what is missing."""

    notebook: ClassVar[str] = NOTEBOOK
    reads: ClassVar[tuple[str, ...]] = ("ai_adoption", "employment_by_occupation", "exposure_ilo",
                                        "exposure_indices")
    geo: str = EU

    def check_data(self) -> None:
        if self.geo in PROFILE_GEOS:
            return
        err = choice_error(self.notebook, "geo", self.geo, PROFILE_GEOS)
        name = country_name(self.geo)
        if name != self.geo:  # a known Eurostat geo that is not the EU27 or a member state (NO, EA, TR…)
            raise ParameterError(f"{err} ({self.geo} = {name} is not an EU member state; profiles cover the EU27 "
                                 "and its 27 member states)")
        raise err


# ------------------------------------------------------------------------------------------------ inputs
@dataclass(frozen=True)
class ProfileInputs:
    """What a profile reads: ``adoption`` (the ``isoc_eb_ai`` rows of ``ai_adoption``), ``employment``
    (``employment_by_occupation``) and ``view`` (ILO 2025 scores and exposed shares by 2-digit group)."""

    adoption: pd.DataFrame
    employment: pd.DataFrame
    view: ex.IndexView


def load_inputs() -> ProfileInputs:
    """Read the processed tables of :attr:`ProfileParams.reads` (the only I/O of this module)."""
    view = ex.prepare_index(ex.load_indices(), process.load("exposure_ilo"), EXPOSURE_INDEX, EXPOSED_RULE)
    return ProfileInputs(adoption=ad.load_adoption(), employment=process.load("employment_by_occupation"),
                         view=view)


# ------------------------------------------------------------------------------------------------ text helpers
def num(x: float, digits: int = 1) -> str:
    """``x`` rounded half away from zero (:func:`analysis.chapters.adoption.fmt`: 19.95 → ``"20.0"``), or ``"not
    available"`` for NaN."""
    return NOT_AVAILABLE if x is None or pd.isna(x) else ad.fmt(x, digits)


def pct(x: float, digits: int = 1) -> str:
    """``"12.3 %"`` (half away from zero), or ``"not available"`` for NaN (a missing value never reads
    ``"0.0 %"``)."""
    return NOT_AVAILABLE if x is None or pd.isna(x) else f"{ad.fmt(x, digits)} %"


def pp(x: float, digits: int = 1) -> str:
    """``"12.3 pp"`` (half away from zero), or ``"not available"`` for NaN."""
    return NOT_AVAILABLE if x is None or pd.isna(x) else f"{ad.fmt(x, digits)} pp"


def with_reference(value: float, ref: float, has_reference: bool, unit: str = "%", inner: bool = False,
                   noun: str = "") -> str:
    """``"27.6 % (EU 20.0 %)"`` (``inner=True``, for use inside brackets: ``"27.6 %; EU 20.0 %"``; ``noun`` goes
    after the first value: ``"27.6 % of enterprises; EU 20.0 %"``); without a reference (the EU page) just
    ``"20.0 %"``; NaN → "not available"."""
    f = pct if unit == "%" else pp
    first = f(value) + (f" {noun}" if noun and pd.notna(value) else "")
    if not has_reference:
        return first
    return f"{first}; EU {f(ref)}" if inner else f"{first} (EU {f(ref)})"


def compare(value: float, ref: float, has_reference: bool, what: str = "the EU", more: str = "above",
            less: str = "below", level: str = "level with") -> str:
    """``"7.6 pp above the EU"`` / ``"below"`` / ``"level with the EU"`` (for gaps: ``more="wider than"``…); the
    direction is that of the difference rounded as shown (a difference that rounds to 0.0 pp is "level with");
    ``""`` without a reference; ``"no comparison with the EU possible (a value is not available)"`` when either
    is NaN."""
    if not has_reference:
        return ""
    if pd.isna(value) or pd.isna(ref):
        return f"no comparison with {what} possible (a value is not available)"
    d = float(value) - float(ref)
    sign = ad.direction(d)
    if sign == 0:
        return f"{level} {what}"
    return f"{pp(abs(d))} {more if sign > 0 else less} {what}"


# ------------------------------------------------------------------------------------------------ adoption
def survey_years(frame: pd.DataFrame, indicator: str = INDICATOR) -> list[int]:
    """Survey years with at least one value of ``indicator`` (any geo), ascending (2022 had no AI module)."""
    sel = frame.loc[(frame["indicator"] == indicator) & (frame["unit"] == "PC_ENT") & frame["value"].notna()]
    return sorted(int(y) for y in sel["year"].unique())


def latest_year(frame: pd.DataFrame, indicator: str = INDICATOR) -> int | None:
    """The latest survey year of ``indicator`` (the same year for every profile, so that geos compare); None if
    the indicator has no value at all."""
    years = survey_years(frame, indicator)
    return years[-1] if years else None


def _pair(frame: pd.DataFrame, indicator: str, geo: str, reference: str | None, size_class: str,
          year: int | None) -> dict[str, float | str]:
    if year is None:
        v, f = float("nan"), ""
    else:
        v, f = ad.value_at(frame, indicator, geo, size_class, year)
    if reference is None or year is None:
        r, rf = float("nan"), ""
    else:
        r, rf = ad.value_at(frame, indicator, reference, size_class, year)
    return {"value": v, "flag": f, "ref_value": r, "ref_flag": rf, "diff_pp": v - r}


def size_profile(frame: pd.DataFrame, geo: str, year: int | None, reference: str | None = EU,
                 indicator: str = INDICATOR) -> pd.DataFrame:
    """Share of enterprises using ``indicator`` (percent of the size class) by size class in ``year``, for
    ``geo`` and ``reference``. Columns: size_class, label, value, flag, ref_value, ref_flag, diff_pp (percentage
    points, geo − reference). One row per class of :data:`analysis.chapters.adoption.SIZE_CLASSES`, NaN where
    missing."""
    rows = [{"size_class": sc, "label": ad.label(sc), **_pair(frame, indicator, geo, reference, sc, year)}
            for sc in ad.SIZE_CLASSES]
    return pd.DataFrame(rows, columns=["size_class", "label", "value", "flag", "ref_value", "ref_flag", "diff_pp"])


def gap_history(frame: pd.DataFrame, geo: str, reference: str | None = EU, years: list[int] | None = None,
                small: str = SMALL, large: str = LARGE, indicator: str = INDICATOR) -> pd.DataFrame:
    """The SME gap (large − SMEs, percentage points) of ``geo`` and ``reference`` in every survey year.

    Columns: year, small, large (percent), gap_pp, flags, ref_small, ref_large, ref_gap_pp, ref_flags, diff_pp
    (geo gap − reference gap, pp), after_break (True from 2025, when the questionnaire added an item). One row
    per year of ``years`` (default: :func:`survey_years`); NaN where a value is missing."""
    years = survey_years(frame, indicator) if years is None else sorted(years)
    cols = ["year", "small", "large", "gap_pp", "flags", "ref_small", "ref_large", "ref_gap_pp", "ref_flags",
            "diff_pp", "after_break"]
    rows = []
    empty = pd.Series({"small": np.nan, "large": np.nan, "gap_pp": np.nan, "flags": ""})
    for y in years:
        geos = [geo] if reference is None else [geo, reference]
        g = ad.size_gap(frame, small, large, indicator, int(y), geos=geos).set_index("geo")
        own = g.loc[geo] if geo in g.index else empty
        ref = g.loc[reference] if reference is not None and reference in g.index else empty
        rows.append({"year": int(y), "small": own["small"], "large": own["large"], "gap_pp": own["gap_pp"],
                     "flags": own["flags"], "ref_small": ref["small"], "ref_large": ref["large"],
                     "ref_gap_pp": ref["gap_pp"], "ref_flags": ref["flags"],
                     "diff_pp": own["gap_pp"] - ref["gap_pp"], "after_break": int(y) >= ad.QUESTIONNAIRE_CHANGE_YEAR})
    out = pd.DataFrame(rows, columns=cols)
    for c in ("small", "large", "gap_pp", "ref_small", "ref_large", "ref_gap_pp", "diff_pp"):
        out[c] = out[c].astype("float64")
    for c in ("flags", "ref_flags"):
        out[c] = out[c].fillna("").astype(str)
    out["after_break"] = out["after_break"].astype(bool)
    return out


@dataclass(frozen=True)
class GapTrend:
    """The gap's change over the comparable years (before the 2025 questionnaire change) and its latest value.

    ``first_year``/``last_year``: the first and last years before the break with a gap for the geo (None if
    none); ``change_pp`` = gap(last) − gap(first), percentage points (> 0: the gap widened; NaN with fewer than
    two such years); ``ref_*`` the same for the reference in the same years; ``latest_year``/``latest_gap_pp``:
    the latest survey year and the geo's gap then (may be after the break); ``flagged``: the geo's years whose
    gap rests on a flagged value, e.g. ``"2023 b"`` (empty if none). When Eurostat flags a break in series
    (``b``) in a year after the first, the comparison starts at that year (``series_break``): like for like."""

    first_year: int | None
    last_year: int | None
    gap_first: float
    gap_last: float
    change_pp: float
    ref_gap_first: float
    ref_gap_last: float
    ref_change_pp: float
    latest_year: int | None
    latest_gap_pp: float
    ref_latest_gap_pp: float
    flagged: str = ""
    #: the year of a Eurostat break in series (``b``) after the first comparable year: the trend starts there
    series_break: int | None = None


def gap_trend(history: pd.DataFrame) -> GapTrend:
    """Summarise a :func:`gap_history` table (see :class:`GapTrend`)."""
    nan = float("nan")
    before = history.loc[~history["after_break"] & history["gap_pp"].notna()]
    # a Eurostat break in series (b) flags the first value of the new series: compare only from there on
    b_years = [int(y) for y, f in zip(before["year"], before["flags"], strict=True)
               if ad.has_flag(pd.Series([f]), "b").iloc[0]]
    broken = [y for y in b_years if y > int(before["year"].min())] if len(before) else []
    if broken:
        before = before.loc[before["year"] >= max(broken)]
    if before.empty:
        first = last = None
        g1 = g2 = r1 = r2 = nan
    else:
        a, b = before.iloc[0], before.iloc[-1]
        first, last = int(a["year"]), int(b["year"])
        g1, g2, r1, r2 = a["gap_pp"], b["gap_pp"], a["ref_gap_pp"], b["ref_gap_pp"]
    two = first is not None and last is not None and first < last
    if history.empty:
        ly, lg, lr = None, nan, nan
    else:
        z = history.iloc[-1]
        ly, lg, lr = int(z["year"]), float(z["gap_pp"]), float(z["ref_gap_pp"])
    flagged = history.loc[history["flags"] != ""]
    return GapTrend(first_year=first, last_year=last, gap_first=float(g1), gap_last=float(g2),
                    change_pp=float(g2 - g1) if two else nan, ref_gap_first=float(r1), ref_gap_last=float(r2),
                    ref_change_pp=float(r2 - r1) if two else nan, latest_year=ly, latest_gap_pp=lg,
                    ref_latest_gap_pp=lr,
                    flagged=", ".join(f"{y} {f}" for y, f in zip(flagged["year"], flagged["flags"], strict=True)),
                    series_break=max(broken) if broken else None)


def technology_profile(frame: pd.DataFrame, geo: str, year: int | None, reference: str | None = EU,
                       size_class: str = ALL, technologies: tuple[str, ...] = ad.TECHNOLOGIES) -> pd.DataFrame:
    """Share of enterprises (percent, all enterprises by default) using each AI technology in ``year``, geo vs
    reference. Columns: indicator, label, value, flag, ref_value, ref_flag, diff_pp. Sorted by the geo's value
    (largest first; ties by the reference's value), technologies without a value for the geo last."""
    rows = [{"indicator": t, "label": ad.label(t), **_pair(frame, t, geo, reference, size_class, year)}
            for t in technologies]
    out = pd.DataFrame(rows, columns=["indicator", "label", "value", "flag", "ref_value", "ref_flag", "diff_pp"])
    out = out.sort_values(["value", "ref_value", "indicator"], ascending=[False, False, True], na_position="last",
                          kind="mergesort")
    return out.reset_index(drop=True)


def barrier_status(frame: pd.DataFrame, geo: str, year: int | None) -> tuple[str, str]:
    """Whether Eurostat publishes the reasons for not using AI (unit ``PC_ENT_AI_EC``, 8 reasons × 4 size
    classes) for ``geo``: (status, detail). ``not available`` when no value in any year."""
    b = frame.loc[frame["indicator"].isin(ad.BARRIERS) & (frame["unit"] == "PC_ENT_AI_EC") & (frame["geo"] == geo)
                  & frame["value"].notna()]
    if b.empty:
        without = ad.members_without(frame, ad.BARRIERS, "PC_ENT_AI_EC")
        return NOT_AVAILABLE, ("Eurostat publishes them for no survey year"
                               + (f"; member states without them: {', '.join(without)}" if without else ""))
    years = sorted(int(y) for y in b["year"].unique())
    if year is None or year not in years:
        return "partly available", f"none for {year}; years with data: {', '.join(map(str, years))}"
    res = ad.barriers(frame, geo, year)
    n = len(res.table)
    if not res.missing:
        return "available", f"{year}: all {n} values (8 reasons × 4 size classes)"
    return "partly available", f"{year}: {n - len(res.missing)} of {n} values (8 reasons × 4 size classes)"


# ------------------------------------------------------------------------------------------------ exposure
def exposure_profile(employment: pd.DataFrame, view: ex.IndexView, geo: str, reference: str | None = EU,
                     year: int | None = None, coverage_min: float = COVERAGE_MIN) -> pd.DataFrame:
    """Employment-weighted exposure of ``geo`` and ``reference`` in ``year`` (default: the latest LFS year),
    computed as in the labour chapter (:func:`analysis.chapters.exposure.weighted_exposure`, every 2-digit group of that
    year expected).

    One row per role (``country``, then ``reference`` unless None): role, geo, year, mean_score (0-1),
    exposed_pct (percent of scored employment), coverage_pct, n_missing, missing (2-digit groups without an
    employment value), u_pct (percent of scored employment flagged ``u``), comparable (coverage ≥
    ``coverage_min`` as shown, :func:`analysis.chapters.exposure.well_covered`). A geo without employment values
    gets NaN (never 0) and comparable False."""
    two = ex.two_digit_employment(employment)
    if year is None:
        year = int(two["year"].max()) if len(two) else None
    part = two.loc[two["year"] == year] if year is not None else two.iloc[0:0]
    groups = sorted(part["isco08"].unique())
    geos = [("country", geo)] + ([] if reference is None else [("reference", reference)])
    mine = part.loc[part["geo"].isin([g for _, g in geos])]
    have = mine.groupby("geo")["value_thousands"].count() if len(mine) else pd.Series(dtype="int64")
    with_values = list(have[have > 0].index)
    rows_in = employment.loc[(employment["year"] == year) & employment["geo"].isin(with_values)]  # with TOTAL
    res = (ex.weighted_exposure(rows_in, view.scores2, view.exposed2, groups=groups) if with_values
           else pd.DataFrame(columns=["geo"]))
    res = res.set_index("geo")
    rows = []
    for role, g in geos:
        if g in res.index:
            r = res.loc[g]
            rows.append({"role": role, "geo": g, "year": year, "mean_score": float(r["mean_score"]),
                         "exposed_pct": float(r["exposed_pct"]), "coverage_pct": float(r["coverage_pct"]),
                         "n_missing": int(r["n_missing"]), "missing": str(r["missing"]), "u_pct": float(r["u_pct"])})
        else:
            rows.append({"role": role, "geo": g, "year": year, "mean_score": np.nan, "exposed_pct": np.nan,
                         "coverage_pct": np.nan, "n_missing": len(groups), "missing": " ".join(groups),
                         "u_pct": np.nan})
    out = pd.DataFrame(rows)
    out["comparable"] = ex.well_covered(out["coverage_pct"], coverage_min) & out["exposed_pct"].notna()
    return out


# ------------------------------------------------------------------------------------------------ findings (text)
# Each ``*_finding`` is a figure title (the finding, short); each ``*_sentence`` the paragraph under it. ``geo``
# decides the names and whether there is a reference (none on the EU27's page).
def _verb(change: float, widened: str = "widened", narrowed: str = "narrowed", level: str = "stayed level") -> str:
    d = ad.direction(change)
    return widened if d > 0 else narrowed if d < 0 else level


def size_finding(sizes: pd.DataFrame, geo: str, year: int | None) -> str:
    """The title of the size-class figure: overall use and how it compares with the EU."""
    s, name, has_ref = sizes.set_index("size_class"), country_name(geo), reference_for(geo) is not None
    if s["value"].isna().all():
        return f"{name}: AI use by size class is {NOT_AVAILABLE} for {year}"
    a, ra = s.loc[ALL, "value"], s.loc[ALL, "ref_value"]
    if pd.isna(a):
        return f"{name}, {year}: large enterprises {pct(s.loc[LARGE, 'value'])}, SMEs {pct(s.loc[SMALL, 'value'])}"
    head = f"{name}, {year}: {pct(a)} of enterprises use AI"
    if has_ref and pd.notna(ra):
        return f"{head}, {compare(a, ra, True)} ({pct(ra)})"
    return f"{head}; large enterprises {pct(s.loc[LARGE, 'value'])}, SMEs {pct(s.loc[SMALL, 'value'])}"


def size_sentence(sizes: pd.DataFrame, geo: str, year: int | None) -> str:
    """The shares of all enterprises, SMEs and large ones using AI, each against the EU."""
    s, prose, has_ref = sizes.set_index("size_class"), prose_name(geo), reference_for(geo) is not None
    if s["value"].isna().all():
        return (f"Eurostat publishes no share of enterprises using AI for {prose} in {year}: this section is "
                f"{NOT_AVAILABLE}.")
    parts = [f"{lab} {with_reference(s.loc[c, 'value'], s.loc[c, 'ref_value'], has_ref)}"
             for c, lab in ((ALL, "all enterprises (10 or more persons employed)"), (SMALL, "SMEs (10-249)"),
                            (LARGE, "large enterprises (250 or more)"))]
    out = f"In {year}, the share of enterprises using at least one AI technology in {prose} was: {'; '.join(parts)}."
    sm, lg = s.loc[SMALL, "value"], s.loc[LARGE, "value"]
    if pd.notna(sm) and pd.notna(lg) and sm > 0:
        rs, rl = s.loc[SMALL, "ref_value"], s.loc[LARGE, "ref_value"]
        ref_ok = has_ref and pd.notna(rs) and pd.notna(rl) and rs > 0
        out += f" Large enterprises used AI {num(lg / sm)} times as often as SMEs" + (
            f" (EU {num(rl / rs)} times)" if ref_ok else "")
        o = ad.odds_ratio(lg, sm)
        if pd.notna(o):
            out += f"; the odds ratio, which does not depend on the level of the shares, was {num(o)}" + (
                f" (EU {num(ad.odds_ratio(rl, rs))})" if ref_ok else "")
        out += "."
    missing = [ad.label(c) for c in s.index if pd.isna(s.loc[c, "value"])]
    if missing:
        out += f" Not available: {', '.join(missing)}."
    return out


def trend_finding(trend: GapTrend, geo: str) -> str:
    """The title of the gap-trend figure."""
    name, has_ref = country_name(geo), reference_for(geo) is not None
    if trend.first_year is None or trend.first_year == trend.last_year or pd.isna(trend.change_pp):
        return f"{name}: the SME gap was {pp(trend.latest_gap_pp)} in {trend.latest_year}; no comparable trend"
    t = (f"{name}: the SME gap {_verb(trend.change_pp, level='held')} from {num(trend.gap_first, 0)} to "
         f"{num(trend.gap_last, 0)} pp, {trend.first_year}–{trend.last_year}")
    if has_ref and pd.notna(trend.ref_change_pp):
        t += f" (EU: {num(trend.ref_gap_first, 0)} to {num(trend.ref_gap_last, 0)} pp)"
    return t


def _change(change: float, first: float, last: float) -> str:
    """``"widened by 7.5 pp, from 21.0 pp to 28.5 pp"``; ``"stayed level (21.0 pp and 21.0 pp)"`` when the
    change rounds to 0.0 pp."""
    verb = _verb(change)
    if verb == "stayed level":
        return f"stayed level ({pp(first)} and {pp(last)})"
    return f"{verb} by {pp(abs(change))}, from {pp(first)} to {pp(last)}"


def trend_sentence(trend: GapTrend, geo: str) -> str:
    """The SME gap's change over the comparable years, then its value after the 2025 break."""
    prose, has_ref = prose_name(geo), reference_for(geo) is not None
    if trend.first_year is None or trend.first_year == trend.last_year:
        only = "" if trend.first_year is None else f" (only {trend.first_year} before the 2025 change)"
        out = (f"The SME gap of {prose} is {NOT_AVAILABLE} for two comparable survey years{only}: no trend can be "
               "shown.")
    else:
        out = (f"Like for like, between {trend.first_year} and {trend.last_year}"
               + (f" (Eurostat flags a break in series in {trend.series_break}, so earlier years are not compared)"
                  if trend.series_break else "")
               + f", the gap between large enterprises and SMEs in {prose} " + _change(trend.change_pp, trend.gap_first,
                                                                                       trend.gap_last))
        if has_ref and pd.notna(trend.ref_change_pp):
            out += "; in the EU it " + _change(trend.ref_change_pp, trend.ref_gap_first, trend.ref_gap_last)
        elif has_ref:
            out += f"; the EU's change is {NOT_AVAILABLE}"
        out += "."
    if trend.latest_year is not None and trend.latest_year >= ad.QUESTIONNAIRE_CHANGE_YEAR:
        out += (f" In {trend.latest_year}, on the wider questionnaire (one more AI technology counted, so not "
                "compared with earlier years), the gap was "
                f"{with_reference(trend.latest_gap_pp, trend.ref_latest_gap_pp, has_ref, unit='pp')}.")
    if trend.flagged:
        parts = []
        for part in trend.flagged.split(", "):
            y, *letters = part.split()
            parts.append(f"{y}: " + ", ".join(f"{t} ({describe_flag(t)})" for t in letters))
        out += f" Eurostat flags values behind the gap of {prose} — " + "; ".join(parts) + "."
    return out


def technology_finding(tech: pd.DataFrame, geo: str, year: int | None) -> str:
    """The title of the technologies figure: the most used technology, and the EU's share of it."""
    name, has_ref = country_name(geo), reference_for(geo) is not None
    have = tech.loc[tech["value"].notna()]
    if have.empty:
        return f"{name}: use of AI technologies is {NOT_AVAILABLE} for {year}"
    top = have.iloc[0]
    return (f"{name}, {year}: {top['label']} is the most used AI technology "
            f"({with_reference(top['value'], top['ref_value'], has_ref, inner=True, noun='of enterprises')})")


def technology_sentence(tech: pd.DataFrame, geo: str, year: int | None) -> str:
    """The most and least used technologies; how many are above / below the EU; which are not available."""
    prose, has_ref = prose_name(geo), reference_for(geo) is not None
    have = tech.loc[tech["value"].notna()]
    missing = tech.loc[tech["value"].isna(), "label"].tolist()
    if have.empty:
        return f"Eurostat publishes no value on AI technologies for {prose} in {year}: this section is {NOT_AVAILABLE}."
    top, low = have.iloc[0], have.iloc[-1]
    out = (f"In {year}, the technology used most often by enterprises in {prose} was {top['label']} "
           f"({with_reference(top['value'], top['ref_value'], has_ref, inner=True, noun='of enterprises')}), "
           f"the one used least {low['label']} "
           f"({with_reference(low['value'], low['ref_value'], has_ref, inner=True)}).")
    if has_ref:
        d = have["diff_pp"].dropna()
        # the direction of the difference rounded as shown (as :func:`compare`): 11.85 − 11.80 is 0.04999… in binary
        # floating point but 0.05 in Eurostat's decimals, shown as 0.1 pp and so counted as above
        signs = [ad.direction(x) for x in d]
        out += (f" {capitalised(prose)} is above the EU share for {signs.count(1)} and below it for "
                f"{signs.count(-1)} of the {len(d)} technologies with both values.")
    if missing:
        out += f" Not available: {', '.join(missing)}."
    return out


def exposure_finding(expo: pd.DataFrame, geo: str) -> str:
    """The title of the exposure figure."""
    name = country_name(geo)
    e = expo.set_index("role")
    c = e.loc["country"]
    if pd.isna(c["exposed_pct"]):
        return f"{name}: the share of employment exposed to generative AI is {NOT_AVAILABLE}"
    t = f"{name}, {c['year']}: {pct(c['exposed_pct'])} of employment is in occupations exposed to generative AI"
    if not c["comparable"]:
        return t + f" — but only {pct(c['coverage_pct'])} of employment is covered, too little to compare"
    if "reference" in e.index:
        r = e.loc["reference"]
        t += f", {compare(c['exposed_pct'], r['exposed_pct'], True)} ({pct(r['exposed_pct'])})"
    return t


def exposure_sentence(expo: pd.DataFrame, geo: str, coverage_min: float = COVERAGE_MIN) -> str:
    """The exposed share and mean score against the EU, and what the coverage allows."""
    prose = prose_name(geo)
    e = expo.set_index("role")
    c = e.loc["country"]
    if pd.isna(c["exposed_pct"]):
        return (f"Eurostat publishes no employment by occupation for {prose} in {c['year']}: the exposure of its "
                f"jobs is {NOT_AVAILABLE}.")
    has_ref = "reference" in e.index
    r = e.loc["reference"] if has_ref else None
    out = (f"In {c['year']}, {with_reference(c['exposed_pct'], r['exposed_pct'] if has_ref else np.nan, has_ref)} "
           f"of employment in {prose} was in occupations exposed to generative AI (ILO 2025 gradients 1-4); the "
           f"employment-weighted mean ILO score was {num(c['mean_score'], 3)}"
           + (f" (EU {num(r['mean_score'], 3)})" if has_ref and pd.notna(r["mean_score"]) else "") + ".")
    out += f" Occupations with a score and an employment value cover {pct(c['coverage_pct'])} of its employment"
    if c["n_missing"]:
        what = "group has" if c["n_missing"] == 1 else "groups have"
        out += f"; {c['n_missing']} 2-digit occupation {what} no employment value ({c['missing']})"
    out += "."
    if not c["comparable"]:
        out += (f" That is below the {num(coverage_min, 0)} % the labour chapter requires: the share is not comparable "
                "with other countries'.")
    return out


# ------------------------------------------------------------------------------------------------ data gaps
@dataclass(frozen=True)
class DataGaps:
    """What is missing or flagged for a geo: ``items`` (item, status, detail; status one of :data:`STATUSES`),
    ``flags`` (source, flag, meaning, values, missing: counts of the geo's flagged values, by flag as published)
    and ``sentences`` (plain English, one per problem)."""

    geo: str
    items: pd.DataFrame
    flags: pd.DataFrame
    sentences: list[str] = field(default_factory=list)

    @property
    def missing_items(self) -> list[str]:
        """Items not fully available."""
        return self.items.loc[self.items["status"] != "available", "item"].tolist()

    def text(self) -> str:
        return " ".join(self.sentences)


def _status(n_have: int, n_all: int) -> str:
    return "available" if n_have == n_all and n_all > 0 else NOT_AVAILABLE if n_have == 0 else "partly available"


def flag_counts(frame: pd.DataFrame, value: str, source: str) -> pd.DataFrame:
    """Rows per flag as published (non-empty), with its meaning (:func:`analysis.chapters.coverage.describe_flag`) and
    how many of them have no value. Columns: source, flag, meaning, values, missing."""
    f = frame.loc[frame["flag"].fillna("") != ""]
    if f.empty:
        return pd.DataFrame(columns=["source", "flag", "meaning", "values", "missing"])
    g = f.assign(_na=f[value].isna()).groupby("flag", sort=True)
    out = pd.DataFrame({"values": g.size().astype("int64"), "missing": g["_na"].sum().astype("int64")}).reset_index()
    out.insert(0, "source", source)
    out.insert(2, "meaning", out["flag"].map(describe_flag))
    return out[["source", "flag", "meaning", "values", "missing"]]


def _tables(geo: str, inputs: ProfileInputs) -> dict:
    """The profile's tables (year, sizes, history, technologies, exposure), computed once on the rows of the geo
    and its reference."""
    frame, ref = inputs.adoption, reference_for(geo)
    years = survey_years(frame)
    year = years[-1] if years else None
    mine = frame.loc[frame["geo"].isin([geo] if ref is None else [geo, ref])]
    return {"year": year, "sizes": size_profile(mine, geo, year, ref),
            "history": gap_history(mine, geo, ref, years=years),
            "technologies": technology_profile(mine, geo, year, ref),
            "exposure": exposure_profile(inputs.employment, inputs.view, geo, ref)}


def data_gaps(geo: str, inputs: ProfileInputs | None = None, tables: dict | None = None) -> DataGaps:
    """What the profile of ``geo`` cannot show, item by item, and the Eurostat flags on its values.

    Items: AI use by size class (latest survey year), the SME gap in each survey year, the AI technologies
    (latest year), the reasons for not using AI (barriers; not shown on the profile, see the SME chapter) and
    employment by occupation for the exposure figure (latest LFS year; ``partly available`` when scored groups
    with a value cover less than :data:`COVERAGE_MIN` percent of employment). Flags: the geo's rows of
    ``isoc_eb_ai`` (every indicator, unit and year) and its 2-digit LFS rows in the exposure year.
    ``inputs`` default: :func:`load_inputs`; ``tables``: the profile's tables if already computed."""
    inputs = inputs if inputs is not None else load_inputs()
    frame, name = inputs.adoption, prose_name(geo)
    t = tables if tables is not None else _tables(geo, inputs)
    year, sizes, hist, tech = t["year"], t["sizes"], t["history"], t["technologies"]
    expo = t["exposure"].set_index("role").loc["country"]
    items = []

    n = int(sizes["value"].notna().sum())
    miss = sizes.loc[sizes["value"].isna(), "label"].tolist()
    items.append({"item": f"AI use by size class, {year}", "status": _status(n, len(sizes)),
                  "detail": f"{n} of {len(sizes)} size classes" + (f"; missing: {', '.join(miss)}" if miss else "")})
    n = int(hist["gap_pp"].notna().sum())
    miss_y = hist.loc[hist["gap_pp"].isna(), "year"].astype(str).tolist()
    items.append({"item": "SME gap, survey years " + ", ".join(hist["year"].astype(str)),
                  "status": _status(n, len(hist)),
                  "detail": f"{n} of {len(hist)} years" + (f"; missing: {', '.join(miss_y)}" if miss_y else "")})
    n = int(tech["value"].notna().sum())
    miss = tech.loc[tech["value"].isna(), "label"].tolist()
    items.append({"item": f"AI technologies, {year}", "status": _status(n, len(tech)),
                  "detail": f"{n} of {len(tech)} technologies" + (f"; missing: {', '.join(miss)}" if miss else "")})
    status, detail = barrier_status(frame, geo, year)
    items.append({"item": "Reasons for not using AI (barriers)", "status": status, "detail": detail})
    if pd.isna(expo["exposed_pct"]):
        e_status, e_detail = NOT_AVAILABLE, "no employment by occupation"
    else:
        e_status = "available" if expo["comparable"] else "partly available"
        e_detail = (f"scored groups with a value cover {pct(expo['coverage_pct'])} of employment"
                    + (f"; {expo['n_missing']} 2-digit groups without a value: {expo['missing']}"
                       if expo["n_missing"] else ""))
    items.append({"item": f"Employment by occupation (exposure), {expo['year']}", "status": e_status,
                  "detail": e_detail})
    items_df = pd.DataFrame(items, columns=["item", "status", "detail"])

    emp = ex.two_digit_employment(inputs.employment)
    emp = emp.loc[(emp["geo"] == geo) & (emp["year"] == expo["year"])]
    flags = pd.concat([flag_counts(frame.loc[frame["geo"] == geo], "value", "AI use (isoc_eb_ai)"),
                       flag_counts(emp, "value_thousands", f"employment by occupation (lfsa_egai2d), {expo['year']}")],
                      ignore_index=True)
    flags["values"] = flags["values"].astype("int64")
    flags["missing"] = flags["missing"].astype("int64")

    sentences = []
    for it in items:
        if it["status"] == NOT_AVAILABLE:
            sentences.append(f"{it['item']}: {NOT_AVAILABLE} for {name} ({it['detail']}).")
        elif it["status"] == "partly available":
            sentences.append(f"{it['item']}: only partly available for {name} ({it['detail']}).")
    if not sentences:
        sentences.append(f"Every item of this profile is available for {name}.")
    if flags.empty:
        sentences.append(f"None of the values of {name} used here carries a Eurostat flag.")
    for r in flags.itertuples(index=False):
        noun, verb = ("value", "carries") if r.values == 1 else ("values", "carry")
        without = "" if not r.missing else ", without a value" if r.values == 1 else \
            f", {r.missing} of them without a value"
        sentences.append(f"{r.values} {noun} of {r.source} {verb} the flag {r.flag} ({r.meaning}){without}.")
    return DataGaps(geo=geo, items=items_df, flags=flags, sentences=sentences)


# ------------------------------------------------------------------------------------------------ the profile
@dataclass(frozen=True)
class Profile:
    """Every table of one profile page (see :func:`build_profile`)."""

    geo: str
    name: str
    reference: str | None
    year: int | None
    sizes: pd.DataFrame
    history: pd.DataFrame
    trend: GapTrend
    technologies: pd.DataFrame
    exposure: pd.DataFrame
    gaps: DataGaps

    @property
    def has_reference(self) -> bool:
        return self.reference is not None

    def headline(self) -> dict[str, float | int | str | None]:
        """The at-a-glance numbers: shares (percent) of all enterprises, SMEs and large ones using AI in
        ``year``, the SME gap (pp), the exposed share of employment (percent), each with the EU's (``eu_*``, NaN
        on the EU page)."""
        s = self.sizes.set_index("size_class")
        h = self.history.set_index("year")
        gap = h["gap_pp"].get(self.year, np.nan) if self.year is not None else np.nan
        ref_gap = h["ref_gap_pp"].get(self.year, np.nan) if self.year is not None else np.nan
        e = self.exposure.set_index("role")
        ref = e.loc["reference"] if "reference" in e.index else None
        ey = e.loc["country", "year"]
        return {
            "geo": self.geo, "year": self.year,
            "all": float(s.loc[ALL, "value"]), "sme": float(s.loc[SMALL, "value"]),
            "large": float(s.loc[LARGE, "value"]), "gap_pp": float(gap),
            "eu_all": float(s.loc[ALL, "ref_value"]), "eu_sme": float(s.loc[SMALL, "ref_value"]),
            "eu_large": float(s.loc[LARGE, "ref_value"]), "eu_gap_pp": float(ref_gap),
            "exposure_year": None if ey is None or pd.isna(ey) else int(ey),
            "exposed_pct": float(e.loc["country", "exposed_pct"]),
            "eu_exposed_pct": float(ref["exposed_pct"]) if ref is not None else np.nan,
            "exposure_comparable": bool(e.loc["country", "comparable"]),
        }


def build_profile(geo: str, inputs: ProfileInputs) -> Profile:
    """All tables of the profile of ``geo`` (a profile geo; others work too but are not checked)."""
    t = _tables(geo, inputs)
    return Profile(geo=geo, name=country_name(geo), reference=reference_for(geo), year=t["year"], sizes=t["sizes"],
                   history=t["history"], trend=gap_trend(t["history"]), technologies=t["technologies"],
                   exposure=t["exposure"], gaps=data_gaps(geo, inputs, t))


def glance(profile: Profile) -> dict[str, str]:
    """The at-a-glance lines (plain text, numbers formatted, "not available" for missing)."""
    h, r = profile.headline(), profile.has_reference
    gap_cmp = compare(h["gap_pp"], h["eu_gap_pp"], r, what="the EU's", more="wider than", less="narrower than",
                      level="level with")
    exp_line = with_reference(h["exposed_pct"], h["eu_exposed_pct"], r)
    if pd.notna(h["exposed_pct"]) and not h["exposure_comparable"]:
        exp_line += " — low coverage, not comparable"
    return {
        "all": with_reference(h["all"], h["eu_all"], r),
        "sme": with_reference(h["sme"], h["eu_sme"], r),
        "large": with_reference(h["large"], h["eu_large"], r),
        "gap": with_reference(h["gap_pp"], h["eu_gap_pp"], r, unit="pp") + (f", {gap_cmp}" if gap_cmp else ""),
        "exposed": exp_line,
    }


#: The unit of each at-a-glance value (:func:`glance`): percent of enterprises of the size class, percentage
#: points (large − SMEs), percent of employment.
GLANCE_UNITS: dict[str, str] = {"all": "%", "sme": "%", "large": "%", "gap": "pp", "exposed": "%"}


def _employment_flags(gaps: DataGaps) -> str:
    """The flags of the geo's 2-digit employment values (with a value) in the exposure year, from the profile's
    flag counts (:func:`flag_counts` of :func:`data_gaps`)."""
    f = gaps.flags
    emp = f.loc[f["source"].str.startswith("employment by occupation") & (f["values"] > f["missing"])]
    return ad.combine_flags(*emp["flag"])


def glance_flags(profile: Profile) -> dict[str, str]:
    """Eurostat's flags on the geo's own values behind each at-a-glance value (the keys of :func:`glance`),
    sorted, space-separated, each once (``"b u"``); ``""`` when none. The EU's values (in brackets) are not
    included: a flag on the EU27's value does not reach a member state's key.

    ``all``, ``sme``, ``large``: the flag of that size class's value in ``year`` (:attr:`Profile.sizes`);
    ``gap``: both inputs' flags (SMEs and large, :attr:`Profile.history` in ``year``); ``exposed``: the flags of
    the geo's 2-digit employment values of the exposure year that have a value (the profile keeps the flags only
    as counts per flag, :attr:`DataGaps.flags`, not per occupation group: the unscored groups, the armed forces,
    are counted with the scored ones). A flag is kept when its value is missing (``@C`` confidential on a
    "not available" value says why); for ``exposed`` flagged cells without a value are not used, so not kept."""
    s = profile.sizes.set_index("size_class")["flag"].fillna("").astype(str)
    h = profile.history.set_index("year")["flags"]
    gap = str(h.get(profile.year, "")) if profile.year is not None else ""
    return {"all": ad.combine_flags(s.get(ALL, "")), "sme": ad.combine_flags(s.get(SMALL, "")),
            "large": ad.combine_flags(s.get(LARGE, "")), "gap": ad.combine_flags(*gap.split()),
            "exposed": _employment_flags(profile.gaps)}


# ------------------------------------------------------------------------------------------------ 2030 target
def target_sentence(frame: pd.DataFrame, geo: str) -> str:
    """AI take-up of ``geo`` (all enterprises and SMEs) against the Digital Decade's 75 % line (Decision (EU)
    2022/2481): the path, the growth needed from the latest year (compound % a year and pp a year) and why the
    series does not measure the target (:func:`analysis.chapters.adoption.target_sentence`); the EU's need beside it."""
    out = ad.target_sentence(ad.target_path(frame, geo), geo, frame)
    if reference_for(geo) is None:
        return out
    eu = ad.target_path(frame, EU)
    eu = eu.loc[eu["value"].notna() & (eu["size_class"] == ALL)]
    if eu.empty:
        return out + f" The EU's path is {NOT_AVAILABLE}."
    last = eu.iloc[-1]
    g = ad.required_growth(last["value"], int(last["year"]))
    if pd.isna(g["cagr_pct"]):
        return out
    return out + (f" For comparison, the EU ({num(last['value'])} % of all enterprises in {int(last['year'])}) would "
                  f"need {num(g['cagr_pct'])} % a year, or {num(g['pp_per_year'])} pp a year.")


def reference_text(has_reference: bool) -> str:
    """The line under the page title that says what the values in brackets are."""
    if has_reference:
        return "Each value is followed by the EU27's in brackets."
    return ("The EU27 is the reference of the member-state profiles; its values are Eurostat's EU27 aggregates, not "
            "averages of the countries' values.")


# ------------------------------------------------------------------------------------------------ tables
def items_table(gaps: DataGaps) -> pd.DataFrame:
    """The data-gaps items for :func:`analysis.core.figures.table` (text already)."""
    return gaps.items.rename(columns={"item": "Item", "status": "Status", "detail": "Detail"})


def flags_table(gaps: DataGaps) -> pd.DataFrame:
    """The flag counts for :func:`analysis.core.figures.table`, counts as text."""
    f = gaps.flags.rename(columns={"source": "Source", "flag": "Flag", "meaning": "Meaning",
                                   "values": "Flagged values", "missing": "Of which without a value"})
    for c in ("Flagged values", "Of which without a value"):
        f[c] = [nf.count(v) for v in f[c]]
    return f


# ------------------------------------------------------------------------------------------------ figures
# Each ``figure_*`` draws one figure of the profile and returns (figure, plotted data, keyword arguments of
# :func:`analysis.core.figures.publish` including the alt text generated from the plotted data); None when there is
# nothing to draw (the section's sentence then says what is not available).
def _wrap(ax, text: str) -> None:  # noqa: ANN001
    import textwrap

    text = text.replace(" %", "\u00a0%").replace(" pp", "\u00a0pp")
    ax.set_title("\n".join(textwrap.wrap(text, 76)))


def _colours(has_reference: bool) -> tuple[str, str]:
    return (figures.PALETTE[1] if has_reference else figures.PALETTE[0]), figures.PALETTE[0]


def paired_alt(what: str, table: pd.DataFrame, geo: str, labels: list[str], unit: str = "%") -> str:
    """The text alternative of a bar chart of ``geo`` (and the EU beside it): each bar's label, the geo's value
    and the EU's, rounded as everywhere, "not available" when missing."""
    has_ref = reference_for(geo) is not None
    items = []
    for lab, v, r in zip(labels, table["value"], table["ref_value"], strict=True):
        items.append(f"{lab} {num(v)}" + (f" {unit}" if pd.notna(v) else "")
                     + (f" (EU {num(r)}" + (f" {unit})" if pd.notna(r) else ")") if has_ref else ""))
    return f"Bar chart: {what}, {country_name(geo)}" + (" against the EU" if has_ref else "") + ". " + "; ".join(
        items) + "."


def _paired_bars(ax, table: pd.DataFrame, labels: list[str], geo: str) -> None:  # noqa: ANN001
    has_ref = reference_for(geo) is not None
    own, eu = _colours(has_ref)
    rows = np.arange(len(table))
    series = [("value", "flag", country_name(geo), own)] + ([("ref_value", "ref_flag", "EU27", eu)] if has_ref else [])
    h = 0.8 / len(series)
    for k, (col, fcol, lab, colour) in enumerate(series):
        ys = rows + (k - (len(series) - 1) / 2) * h
        bars = ax.barh(ys, table[col].to_numpy(dtype=float), height=h, label=lab,
                       color=colour,  # pragma: no mutate
                       )
        ad.hatch_flagged(bars, table[fcol])
        for y, val, fl in zip(ys, table[col], table[fcol], strict=True):
            text = NOT_AVAILABLE if pd.isna(val) else f"{num(val)} %" + (f" ({fl})" if fl else "")
            ax.annotate(text, (0 if pd.isna(val) else val, y),
                        xytext=(3, 0), textcoords="offset points",  # pragma: no mutate
                        va="center", fontsize=8, color="0.4" if pd.isna(val) else "black",  # pragma: no mutate
                        )
    ax.set_yticks(rows, labels)
    ax.invert_yaxis()
    if has_ref:
        ax.legend(
            frameon=False, fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1),  # pragma: no mutate
        )


def _flag_note(table: pd.DataFrame, key: pd.Series, geo: str) -> str:
    return ad.flag_note(pd.concat([table["flag"], table["ref_flag"]]),
                        pd.concat([key + f" {country_name(geo)}", key + " EU27"]))


def figure_sizes(prof: Profile) -> tuple | None:
    import matplotlib.pyplot as plt

    s = prof.sizes
    if s[["value", "ref_value"]].isna().all().all():
        return None
    fig, ax = plt.subplots(figsize=(8, 3.8))  # pragma: no mutate
    _paired_bars(ax, s, list(s["label"]), prof.geo)
    ax.set_xlabel("% of enterprises of the size class using at least one AI technology")
    _wrap(ax, size_finding(s, prof.geo, prof.year))
    return fig, s, {"name": "ai-use-by-size", "source": ADOPTION_SOURCE, "unit": "% of enterprises of the size class",
                    "notes": f"E_AI_TANY, unit PC_ENT, {prof.year}. diff_pp = {prof.name} − EU27, percentage points. "
                             + _flag_note(s, s["label"], prof.geo),
                    "alt": paired_alt(f"share of enterprises using AI by size class, {prof.year}", s, prof.geo,
                                      list(s["label"]))}


def figure_trend(prof: Profile) -> tuple | None:
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D

    hist, has_ref = prof.history, prof.has_reference
    if hist[["gap_pp", "ref_gap_pp"]].isna().all().all():
        return None
    own, eu = _colours(has_ref)
    fig, ax = plt.subplots(figsize=(8, 4))  # pragma: no mutate
    series = [("gap_pp", "flags", prof.name, own)] + ([("ref_gap_pp", "ref_flags", "EU27", eu)] if has_ref else [])
    styles = ((2.2, "o"), (1.4, "s"))  # pragma: no mutate
    for (col, fcol, lab, colour), (lw, marker) in zip(series, styles, strict=False):
        s = hist.set_index("year")[col].dropna()
        for i, (yrs, style) in enumerate(ad.trend_segments(s.index)):
            ax.plot(yrs, s.reindex(yrs).to_numpy(), linestyle="--" if style == "break" else "-",
                    label=lab if i == 0 else None,
                    color=colour, marker=marker, ms=4, lw=lw,  # pragma: no mutate
                    )
        fl = hist.loc[(hist[fcol] != "") & hist[col].notna()]
        ax.scatter(fl["year"], fl[col],
                   s=70, facecolors="none", edgecolors="black", zorder=3,  # pragma: no mutate
                   )
    ax.set_ylim(bottom=0)
    top = ax.get_ylim()[1]
    ax.axvspan(2021.6, 2022.4,
               color="0.9", zorder=0,  # pragma: no mutate
               )
    ax.text(2022, top * 0.97, "no AI module\nin 2022",
            ha="center", va="top", fontsize=8, color="0.35",  # pragma: no mutate
            )
    ax.axvline(ad.QUESTIONNAIRE_CHANGE_YEAR - 0.5,
               color="0.4", ls=":", lw=1,  # pragma: no mutate
               )
    ax.set_xticks(list(hist["year"]))
    ax.set_ylabel("gap, percentage points (large − SMEs)")
    handles, _ = ax.get_legend_handles_labels()
    handles += [Line2D([], [], label="into 2025: new questionnaire\nitem (pictures, video,\nsound), not comparable",
                       color="0.3", ls="--",  # pragma: no mutate
                       ),
                Line2D([], [], label="flagged value",
                       marker="o", ms=9, mfc="none", mec="black", ls="",  # pragma: no mutate
                       )]
    ax.legend(handles=handles,
              frameon=False, fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1),  # pragma: no mutate
              )
    _wrap(ax, trend_finding(prof.trend, prof.geo))
    long = pd.concat([pd.DataFrame({"who": prof.name, "year": hist["year"], "value": hist["gap_pp"]})]
                     + ([pd.DataFrame({"who": "EU27", "year": hist["year"], "value": hist["ref_gap_pp"]})]
                        if has_ref else []))
    names = pd.concat([hist["year"].astype(str) + f" {prof.name}", hist["year"].astype(str) + " EU27"])
    return fig, hist, {
        "name": "sme-gap-trend", "source": ADOPTION_SOURCE,
        "unit": "percentage points (share of large enterprises − share of SMEs)",
        "notes": "SMEs: 10-249 persons employed; large: 250 or more. No AI module in 2022. Dashed: the 2025 "
                 "questionnaire added an item, so 2025 is not strictly comparable with 2024. Circled: "
                 + ad.flag_note(pd.concat([hist["flags"], hist["ref_flags"]]), names).replace("(hatched)", ""),
        "alt": ad.lines_alt("the gap between large enterprises and SMEs by survey year", long, "who", unit="pp")}


def figure_technologies(prof: Profile) -> tuple | None:
    import matplotlib.pyplot as plt

    t = prof.technologies
    if t[["value", "ref_value"]].isna().all().all():
        return None
    fig, ax = plt.subplots(figsize=(8, 4.6))  # pragma: no mutate
    _paired_bars(ax, t, list(t["label"]), prof.geo)
    ax.set_xlabel("% of all enterprises (10 or more persons employed)")
    _wrap(ax, technology_finding(t, prof.geo, prof.year))
    return fig, t, {"name": "technologies", "source": ADOPTION_SOURCE, "unit": "% of enterprises",
                    "notes": f"All enterprises (GE10), unit PC_ENT, {prof.year}. Generating pictures, video, sound "
                             "(E_AI_TPVSG) is asked from 2025 only. An enterprise can use several technologies. "
                             + _flag_note(t, t["label"], prof.geo),
                    "alt": paired_alt(f"share of enterprises using each AI technology, {prof.year}", t, prof.geo,
                                      list(t["label"]))}


def figure_exposure(prof: Profile) -> tuple | None:
    import matplotlib.pyplot as plt

    expo = prof.exposure
    if expo["exposed_pct"].isna().all():
        return None
    own, eu = _colours(prof.has_reference)
    fig, ax = plt.subplots(figsize=(7.5, 0.9 + 0.55 * len(expo)))  # pragma: no mutate
    labels = [prof.name if r == "country" else "EU27" for r in expo["role"]]
    bars = ax.barh(labels, expo["exposed_pct"].to_numpy(dtype=float),
                   height=0.6, color=[own if r == "country" else eu for r in expo["role"]],  # pragma: no mutate
                   )
    for bar, val, ok, cov in zip(bars, expo["exposed_pct"], expo["comparable"], expo["coverage_pct"], strict=True):
        if not ok and pd.notna(val):
            bar.set_hatch("//")
        text = NOT_AVAILABLE if pd.isna(val) else f"{num(val)} %" + ("" if ok else f" ({num(cov, 0)} % covered)")
        ax.annotate(text, (0 if pd.isna(val) else val, bar.get_y() + bar.get_height() / 2),
                    xytext=(3, 0), textcoords="offset points", va="center", fontsize=8,  # pragma: no mutate
                    )
    ax.invert_yaxis()
    ax.set_xlim(0, max(60.0, float(expo["exposed_pct"].max()) * 1.25))
    ax.set_xlabel("% of employment in occupations exposed to generative AI (ILO 2025 gradients 1-4)")
    _wrap(ax, exposure_finding(expo, prof.geo))
    return fig, expo, {
        "name": "exposure", "source": EXPOSURE_SOURCE, "unit": "% of employment",
        "notes": "Employment-weighted over ISCO-08 2-digit groups with a score (the armed forces have none); a group's "
                 "exposed share is the share of its unit groups in ILO gradients 1-4. Hatched: scored groups with a "
                 f"value cover less than {num(COVERAGE_MIN, 0)} % of employment (suppressed cells): not comparable.",
        "alt": ad.bars_alt("share of employment in occupations exposed to generative AI", labels, expo["exposed_pct"],
                           "%", flags=["" if ok else "low coverage" for ok in expo["comparable"]])}


def figure_target(frame: pd.DataFrame, prof: Profile) -> tuple:
    fig, data, meta = ad.figure_target(ad.target_path(frame, prof.geo), prof.geo)
    fig.axes[0].set_title(fig.axes[0].get_title().replace(ad.name(prof.geo), prof.name, 1))
    meta["alt"] = meta["alt"].replace(ad.name(prof.geo), prof.name)
    return fig, data, meta


def items_caption(geo: str) -> str:
    return f"What this profile can show for {prose_name(geo)}: status of each item"


def flags_caption(geo: str) -> str:
    return f"Eurostat flags on the values used for {prose_name(geo)}, by source"
