"""Interactive charts that work offline: Vega-Lite specifications (built with altair) embedded in the page, drawn
by the one JavaScript bundle the site serves itself (``_vendor/analysis-charts.js``, from ``vl_convert``; no CDN).

A chart is a ``<div>`` holding its specification as JSON; the bundle finds every such ``div`` and calls
``vegaEmbed(div, spec)`` (SVG renderer, no action menu, values shown on hover). The bundle is wrapped in a function
so that it defines no global name: it cannot clash with Sphinx's or the theme's scripts.

Notebooks display a chart with the static figure kept for print and the PDF::

    chart = interactive.gap_by_country(ranked, label=ad.label, selected=params.geo)
    figures.publish(fig, ranked, name="gap-by-country", ..., interactive=chart)

or alone (``display(chart)``; no static fallback). Country NAMES, not codes, are shown (``label``).
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from analysis.core import config
from analysis.core.storage import write_if_changed

#: The bundle's address below the site root (kept in step with book/_ext/offline_html.py).
BUNDLE_REL = "_vendor/analysis-charts.js"
#: The attribute that marks a chart container in a page.
CHART_ATTR = "data-analysis-chart"

_EMBED_SNIPPET = """
function analysisEmbedAll() {
  const containers = document.querySelectorAll("[data-analysis-chart]");
  for (const box of containers) {
    if (box.dataset.embedded) continue;
    box.dataset.embedded = "1";
    const specNode = box.querySelector("script.analysis-chart-spec");
    const view = box.querySelector(".analysis-chart-view");
    if (!specNode || !view) continue;
    const spec = JSON.parse(specNode.textContent);
    vegaEmbed(view, spec, {renderer: "svg", actions: false})
      .then(() => box.classList.add("analysis-chart-live"))
      .catch((err) => { box.dataset.embedError = String(err); });
  }
}
if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", analysisEmbedAll);
} else {
  analysisEmbedAll();
}
"""


def bundle_path() -> Path:
    """Where the bundle is written: ``book/generated/site/_vendor/`` (copied to the site root)."""
    return config.site_extra_dir() / BUNDLE_REL


def bundle_js() -> str:
    """Vega, Vega-Lite and Vega-Embed (``vl_convert.javascript_bundle``) with the embedding code, wrapped in a
    function (no global names) and stamped with the vl-convert version."""
    import vl_convert as vlc

    body = vlc.javascript_bundle(snippet=_EMBED_SNIPPET)
    return (f"/* Vega, Vega-Lite and Vega-Embed bundled by vl-convert {vlc.__version__} (BSD-3-Clause licences of "
            f"the Vega projects); written by analysis.core.interactive. */\n(function () {{\n{body}\n}})();\n")


def write_bundle(target: Path | None = None) -> Path:
    """Write the bundle once per site (again only when vl-convert changes). Returns its path."""
    import vl_convert as vlc

    target = target or bundle_path()
    stamp = target.with_name(target.name + ".version")
    if target.exists() and stamp.exists() and stamp.read_text(encoding="utf-8").strip() == vlc.__version__:
        return target
    write_if_changed(target, bundle_js().encode("utf-8"))
    write_if_changed(stamp, (vlc.__version__ + "\n").encode("utf-8"))
    return target


class InteractiveChart:
    """A Vega-Lite specification displayed as an embedded chart (``_repr_html_``)."""

    def __init__(self, spec: dict[str, Any], name: str, description: str = "") -> None:
        self.spec = spec
        self.name = name
        self.description = description

    def spec_json(self) -> str:
        """The specification as JSON safe inside a ``<script>`` element."""
        return json.dumps(self.spec, ensure_ascii=False, sort_keys=True, allow_nan=False).replace("</", "<\\/")

    def inner_html(self) -> str:
        """The live view and the specification (the parts a figure container holds)."""
        label = html.escape(self.description or self.name)
        return (f'<div class="analysis-chart-view" role="group" aria-label="{label}"></div>'
                f'<script type="application/json" class="analysis-chart-spec">{self.spec_json()}</script>')

    def _repr_html_(self) -> str:
        return (f'<div class="analysis-chart" {CHART_ATTR}="{html.escape(self.name)}">{self.inner_html()}</div>')


def _names(geos: pd.Series, label: Callable[[str], str]) -> pd.Series:
    return geos.map(lambda g: label(str(g)))


def _clean(frame: pd.DataFrame) -> pd.DataFrame:
    """Plain Python values for JSON: missing becomes null, numbers floats, text str."""
    out = frame.copy()
    for col in out.columns:
        if pd.api.types.is_numeric_dtype(out[col]):
            out[col] = out[col].astype(float)
        else:
            out[col] = out[col].astype(object).where(out[col].notna(), None)
    return out


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    rows = _clean(frame).to_dict(orient="records")
    return [{k: (None if isinstance(v, float) and v != v else v) for k, v in r.items()} for r in rows]


def _country_param(names: list[str], selected: str | None, text: str):
    import altair as alt

    options = sorted(names)
    value = selected if selected in options else options[0]
    return alt.param(name="country", value=value,
                     bind=alt.binding_select(options=options, name=text))


def _spec(chart) -> dict[str, Any]:
    spec = chart.to_dict()
    spec.pop("$schema", None)  # a URL that is never fetched; kept out so the page names no other host
    return spec


def gap_by_country(gaps: pd.DataFrame, *, label: Callable[[str], str] = str, selected: str | None = None,
                   value: str = "gap_pp", title: str = "", description: str = "") -> InteractiveChart:
    """Bars of the SME gap by country (``gaps``: columns ``geo``, ``value`` (percentage points), optional
    ``ratio``, ``flags``, ``small``, ``large`` in percent), sorted from widest to narrowest; the values on hover;
    a country chosen in the page (``selected`` by default) is highlighted. Flagged values are marked in the
    country's name, not by colour alone."""
    import altair as alt

    data = gaps.loc[gaps[value].notna()].copy()
    if data.empty:
        raise ValueError("gap_by_country: no country has a value")
    data["country"] = _names(data["geo"], label)
    flags = data["flags"].fillna("") if "flags" in data else pd.Series("", index=data.index)
    data["country"] = data["country"] + flags.map(lambda f: f" ({f})" if f else "")
    keep = ["geo", "country", value, *[c for c in ("ratio", "small", "large", "flags") if c in data]]
    data = data[keep]
    chosen = label(selected) if selected else None
    chosen_name = next((c for c in data["country"] if chosen and c.split(" (")[0] == chosen), None)
    param = _country_param(list(data["country"]), chosen_name, "Highlight a country ")
    tooltip = [alt.Tooltip("country:N", title="Country"),
               alt.Tooltip(f"{value}:Q", title="Gap (percentage points)", format=".1f")]
    if "ratio" in data:
        tooltip.append(alt.Tooltip("ratio:Q", title="Ratio (large / SMEs)", format=".2f"))
    for col, text in (("small", "SMEs (%)"), ("large", "Large (%)")):
        if col in data:
            tooltip.append(alt.Tooltip(f"{col}:Q", title=text, format=".1f"))
    chart = alt.Chart(alt.Data(values=_records(data))).mark_bar().encode(
        y=alt.Y("country:N", sort=alt.EncodingSortField(field=value, order="descending"), title=None),
        x=alt.X(f"{value}:Q", title="Gap, percentage points (large − SMEs)"),
        color=alt.condition("datum.country === country", alt.value("#e07b39"), alt.value("#1f4e79")),
        tooltip=tooltip,
    ).add_params(param).properties(width="container", title=title or "SME gap by country",
                                   description=description or "Bar chart of the SME gap by country")
    return InteractiveChart(_spec(chart), "gap-by-country", description)


def trend_by_size(series: pd.DataFrame, *, label: Callable[[str], str] = str,
                  size_label: Callable[[str], str] = str, selected: str | None = None, title: str = "",
                  description: str = "") -> InteractiveChart:
    """Lines of the share of enterprises (percent) by year, one per size class, for the country chosen in the page
    (``series``: columns ``geo``, ``size_class``, ``year``, ``value``, optional ``flag``); ``selected`` is shown
    first. The values on hover; flagged points drawn as open circles (not by colour alone)."""
    import altair as alt

    data = series.loc[series["value"].notna()].copy()
    if data.empty:
        raise ValueError("trend_by_size: no value to draw")
    data["country"] = _names(data["geo"], label)
    data["size"] = data["size_class"].map(lambda s: size_label(str(s)))
    data["flag"] = data["flag"].fillna("") if "flag" in data else ""
    data["year"] = data["year"].astype(int)
    data = data[["country", "size", "year", "value", "flag"]]
    param = _country_param(list(data["country"].unique()), label(selected) if selected else None, "Country ")
    base = alt.Chart(alt.Data(values=_records(data))).transform_filter("datum.country === country").encode(
        x=alt.X("year:O", title=None),
        y=alt.Y("value:Q", title="% of enterprises"),
        color=alt.Color("size:N", title="Size class", scale=alt.Scale(range=["#1f4e79", "#e07b39", "#5b9a68",
                                                                             "#9e4a9c", "#6b6b6b"])),
        tooltip=[alt.Tooltip("country:N", title="Country"), alt.Tooltip("size:N", title="Size class"),
                 alt.Tooltip("year:O", title="Year"), alt.Tooltip("value:Q", title="% of enterprises",
                                                                  format=".1f"),
                 alt.Tooltip("flag:N", title="Eurostat flag")],
    )
    lines = base.mark_line(strokeWidth=2)
    points = base.mark_point(size=60, strokeWidth=2, filled=True).encode(
        fillOpacity=alt.condition("datum.flag === ''", alt.value(1.0), alt.value(0.0)),
        shape=alt.Shape("size:N", legend=None))
    chart = alt.layer(lines, points).add_params(param).properties(
        width="container", height=260, title=title or "Share of enterprises using AI, by size class",
        description=description or "Line chart of AI use by enterprise size class for the chosen country")
    return InteractiveChart(_spec(chart), "trend-by-size", description)


def exposure_by_country(countries: pd.DataFrame, *, label: Callable[[str], str] = str, selected: str | None = None,
                        value: str = "exposed_pct", title: str = "", description: str = "") -> InteractiveChart:
    """Bars of the share of employment in exposed occupations (percent) by country (``countries``: columns
    ``geo``, ``value``, optional ``mean_score``, ``coverage_pct``), highest first; values on hover; a country
    chosen in the page is highlighted."""
    import altair as alt

    data = countries.loc[countries[value].notna()].copy()
    if data.empty:
        raise ValueError("exposure_by_country: no country has a value")
    data["country"] = _names(data["geo"], label)
    data = data[["geo", "country", value, *[c for c in ("mean_score", "coverage_pct") if c in data]]]
    param = _country_param(list(data["country"]), label(selected) if selected else None, "Highlight a country ")
    tooltip = [alt.Tooltip("country:N", title="Country"),
               alt.Tooltip(f"{value}:Q", title="% of employment exposed", format=".1f")]
    if "mean_score" in data:
        tooltip.append(alt.Tooltip("mean_score:Q", title="Mean score", format=".3f"))
    if "coverage_pct" in data:
        tooltip.append(alt.Tooltip("coverage_pct:Q", title="% of employment covered", format=".1f"))
    chart = alt.Chart(alt.Data(values=_records(data))).mark_bar().encode(
        y=alt.Y("country:N", sort=alt.EncodingSortField(field=value, order="descending"), title=None),
        x=alt.X(f"{value}:Q", title="% of employment in exposed occupations"),
        color=alt.condition("datum.country === country", alt.value("#e07b39"), alt.value("#1f4e79")),
        tooltip=tooltip,
    ).add_params(param).properties(width="container", title=title or "Employment exposed to generative AI",
                                   description=description or "Bar chart of exposed employment by country")
    return InteractiveChart(_spec(chart), "exposure-by-country", description)
