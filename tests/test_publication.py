"""The publication layer: figure HTML (alt, permalink, reproduce command), tables, readable page addresses, page
titles, the interactive chart specifications, the coverage chapter's text alternatives, the PDF's title page."""

from __future__ import annotations

import json
import re
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from analysis.book import build, pdf  # noqa: E402
from analysis.chapters import coverage
from analysis.core import figures, interactive

ROOT = Path(__file__).resolve().parents[1]


# ---------------------------------------------------------------- figures


def test_reproduce_command_from_environment(monkeypatch):
    monkeypatch.setenv(figures.NOTEBOOK_ENV, "country_profile")
    monkeypatch.setenv(figures.PARAMETERS_ENV, json.dumps({"geo": "DK", "year": 2024}))
    assert figures.reproduce_command() == "python -m analysis run country_profile -p geo DK -p year 2024"
    assert figures.reproduce_command("x", {"title": "a b"}) == "python -m analysis run x -p title 'a b'"
    monkeypatch.delenv(figures.NOTEBOOK_ENV)
    assert figures.reproduce_command() == ""


def test_publish_writes_one_png_and_shows_it_with_alt_permalink_and_command(tmp_path, monkeypatch):
    monkeypatch.setattr(figures, "downloads_dir", lambda run=None: tmp_path / "dl")
    monkeypatch.setenv(figures.RUN_ID_ENV, "demo")
    monkeypatch.setenv(figures.NOTEBOOK_ENV, "demo_nb")
    monkeypatch.setenv(figures.PARAMETERS_ENV, json.dumps({"geo": "DK"}))
    shown: list[str] = []
    monkeypatch.setattr("IPython.display.display", lambda obj: shown.append(obj.data))
    fig, ax = plt.subplots(figsize=(2, 1))
    ax.plot([0, 1], [0, 1])
    links = figures.publish(fig, pd.DataFrame({"x": [0, 1]}), name="My Fig", source="S & T", alt='Line "up" 0 to 1')
    assert sorted(p.name for p in (tmp_path / "dl").iterdir()) == ["my-fig.csv", "my-fig.json", "my-fig.png"]
    w, h = figures._png_size(tmp_path / "dl" / "my-fig.png")
    assert (w, h) == pytest.approx((2 * figures.PRINT_DPI, 1 * figures.PRINT_DPI), abs=2 * figures.PRINT_DPI)
    assert w > 2 * 100  # print resolution, more than the screen's 100 dpi
    (page,) = shown
    assert f'<img src="{links["png"]}" alt="Line &quot;up&quot; 0 to 1"' in page
    assert links["png"] == "../downloads/demo/my-fig.png"
    assert 'id="fig-my-fig"' in page and 'href="#fig-my-fig"' in page and ">link</a>" in page
    assert "Reproduce this:</strong> <code>python -m analysis run demo_nb -p geo DK</code>" in page
    assert "S &amp; T" in page and "style=" not in page  # colours come from the stylesheet (dark mode)
    meta = json.loads((tmp_path / "dl" / "my-fig.json").read_text())
    assert meta["alt"] == 'Line "up" 0 to 1' and meta["reproduce"] == "python -m analysis run demo_nb -p geo DK"
    assert not plt.fignum_exists(fig.number)  # closed: not drawn a second time inline


def test_publish_with_interactive_chart_keeps_static_image():
    chart = interactive.InteractiveChart({"mark": "bar"}, "c", "desc")
    out = figures.figure_html("c", "alt text", {"png": "a.png"}, (10, 5), "<p>cap</p>", interactive=chart)
    assert 'data-analysis-chart="c"' in out and 'class="analysis-chart-static"' in out and 'alt="alt text"' in out
    assert '<script type="application/json" class="analysis-chart-spec">{"mark": "bar"}</script>' in out


def test_table_has_caption_header_cells_anchor_no_index():
    out = figures.table_html(pd.DataFrame({"country": ["Denmark"], "share": ["12.5"]}, index=[7]), "Shares <%>",
                             name="t1")
    assert "<caption>Shares &lt;%&gt;</caption>" in out
    assert re.search(r"<th[^>]*>country</th>", out) and ">7<" not in out
    assert 'id="tbl-t1"' in out and 'href="#tbl-t1"' in out and 'tabindex="0"' in out


# ---------------------------------------------------------------- addresses and titles


def _book(yaml_text: str, tmp_path: Path) -> build.Book:
    path = tmp_path / "runs.yml"
    path.write_text(yaml_text)
    return build.load_book(path)


def test_page_paths_readable_and_stable(tmp_path):
    book = _book("""root: book/intro
parts:
  - caption: Findings
    path: chapters
    chapters:
      - run: {id: data_coverage, notebook: data_coverage, title: "Coverage"}
  - caption: Country profiles
    chapters:
      - run: {id: c__a, notebook: data_coverage, title: "Česko & Co", parameters: {table: ai_adoption}}
      - run: {id: c__b, notebook: data_coverage, title: "X", parameters: {table: ai_adoption}, path: about/x-y}
""", tmp_path)
    assert build.page_paths(book) == {"data_coverage": "chapters/data-coverage", "c__a": "country-profiles/cesko-co",
                                      "c__b": "about/x-y"}
    assert "file: country-profiles/cesko-co" in build.toc_yaml(book)


def test_page_paths_refuse_a_shared_address(tmp_path):
    book = _book("""root: book/intro
parts:
  - caption: P
    chapters:
      - run: {id: a, notebook: data_coverage, title: "Same", parameters: {table: ai_adoption}}
      - run: {id: b, notebook: data_coverage, title: "same", parameters: {table: ai_adoption}}
""", tmp_path)
    with pytest.raises(ValueError, match="share the page address p/same.html"):
        build.page_paths(book)


def test_book_addresses():
    paths = build.page_paths(build.load_book(ROOT / "book" / "runs.yml"))
    assert paths["sme_adoption_gap"] == "chapters/sme-adoption-gap"
    assert paths["profile__DK"] == "countries/denmark"
    assert paths["profile__EU27_2020"] == "countries/european-union"
    assert all(p.count("/") == 1 for p in paths.values())  # one folder deep: figures link ../downloads/


def test_page_notebook_titles_profile_and_relinks():
    run = build.Run(id="profile__DK", notebook="country_profile", title="Denmark", parameters={"geo": "DK"})
    nb = {"cells": [{"cell_type": "code", "source": "# Country profile"},
                     {"cell_type": "markdown", "source": "Intro [Data sources](../data_sources.md#x) [w](https://e.u/a.md)"},
                     {"cell_type": "markdown", "source": "# Country profile\n\ntext\n# Second"}]}
    out = build.page_notebook(nb, run, "countries/denmark")
    assert out["cells"][0]["source"] == "# Country profile"  # code untouched
    assert out["cells"][1]["source"] == ("Intro [Data sources](../book/generated/data_sources.md#x) "
                                         "[w](https://e.u/a.md)")
    assert out["cells"][2]["source"] == "# Denmark\n\ntext\n# Second"
    assert nb["cells"][2]["source"].startswith("# Country profile")  # the executed notebook is not changed
    linked = {"cells": [{"cell_type": "markdown", "source": "[gap](sme_adoption_gap.ipynb) [b](../../intro.md)"}]}
    out = build.page_notebook(linked, run, "countries/denmark", {"sme_adoption_gap": "chapters/sme-adoption-gap"})
    assert out["cells"][0]["source"] == "[gap](../chapters/sme-adoption-gap.ipynb) [b](../book/intro.md)"
    html = {"cells": [{"cell_type": "code", "source": "", "outputs": [{"output_type": "display_data", "data": {
        "text/html": '<a href="sme_adoption_gap.html#x">a</a> <a href="other.html">b</a> <a href="https://e.u/x.html">'}}]}]}
    out = build.page_notebook(html, run, "countries/denmark", {"sme_adoption_gap": "chapters/sme-adoption-gap"})
    assert out["cells"][0]["outputs"][0]["data"]["text/html"] == (
        '<a href="../chapters/sme-adoption-gap.html#x">a</a> <a href="other.html">b</a> <a href="https://e.u/x.html">')
    chapter = build.Run(id="x", notebook="x", title="Other title")
    assert build.page_notebook(nb, chapter, "chapters/x")["cells"][2]["source"].startswith("# Country profile")


def test_headline_cells_removed_from_page(tmp_path):
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("# NBVAL_CHECK_OUTPUT\nprint('match: True')"),
                nbformat.v4.new_code_cell("x = 1")]
    path = tmp_path / "n.ipynb"
    nbformat.write(nb, path)
    build._tag_for_readers(path)
    tags = [c.metadata["tags"] for c in nbformat.read(path, as_version=4).cells]
    assert tags == [["remove-cell"], ["hide-input"]]


# ---------------------------------------------------------------- interactive charts


GAPS = pd.DataFrame({"geo": ["DK", "AT", "FR"], "gap_pp": [30.0, 10.0, float("nan")], "ratio": [2.0, 1.5, None],
                     "flags": ["", "b", ""]})
NAMES = {"DK": "Denmark", "AT": "Austria", "FR": "France", "EU27_2020": "European Union"}.get


def test_gap_by_country_spec():
    spec = interactive.gap_by_country(GAPS, label=NAMES, selected="AT").spec
    assert spec["data"]["values"] == [
        {"geo": "DK", "country": "Denmark", "gap_pp": 30.0, "ratio": 2.0, "flags": ""},
        {"geo": "AT", "country": "Austria (b)", "gap_pp": 10.0, "ratio": 1.5, "flags": "b"}]  # missing dropped
    (param,) = spec["params"]
    assert param["value"] == "Austria (b)" and param["bind"]["options"] == ["Austria (b)", "Denmark"]
    assert spec["encoding"]["y"]["sort"] == {"field": "gap_pp", "order": "descending"}
    assert [t["field"] for t in spec["encoding"]["tooltip"]] == ["country", "gap_pp", "ratio"]
    assert "$schema" not in spec  # the page names no other host
    with pytest.raises(ValueError, match="no country"):
        interactive.gap_by_country(GAPS.assign(gap_pp=float("nan")))


def test_trend_by_size_filters_on_the_chosen_country():
    series = pd.DataFrame({"geo": ["DK", "DK", "AT"], "size_class": ["10-249", "GE250", "10-249"],
                           "year": [2024, 2024, 2023], "value": [10.0, 20.0, 5.0], "flag": ["", "u", ""]})
    spec = interactive.trend_by_size(series, label=NAMES, selected="DK").spec
    assert spec["params"][0]["value"] == "Denmark" and spec["params"][0]["bind"]["options"] == ["Austria", "Denmark"]
    assert all({"filter": "datum.country === country"} in layer["transform"] for layer in spec["layer"])
    assert len(spec["data"]["values"]) == 3 and spec["data"]["values"][1]["flag"] == "u"
    fills = spec["layer"][1]["encoding"]["fillOpacity"]
    assert fills["condition"]["value"] == 1.0 and fills["value"] == 0.0  # flagged points are open circles


def test_exposure_by_country_spec_and_html():
    chart = interactive.exposure_by_country(
        pd.DataFrame({"geo": ["DK", "AT"], "exposed_pct": [25.0, 22.0], "mean_score": [0.3, 0.2]}), label=NAMES,
        selected="DK")
    assert chart.spec["params"][0]["value"] == "Denmark"
    assert [r["country"] for r in chart.spec["data"]["values"]] == ["Denmark", "Austria"]
    page = chart._repr_html_()
    assert page.startswith('<div class="analysis-chart" data-analysis-chart="exposure-by-country">')
    evil = interactive.InteractiveChart({"title": "</script><b>"}, "x")
    assert "</script><b>" not in evil.spec_json()


def test_bundle_is_wrapped_and_written_once(tmp_path):
    target = interactive.write_bundle(tmp_path / "b.js")
    text = target.read_text()
    assert text.splitlines()[1] == "(function () {" and text.rstrip().endswith("})();")
    assert "https://" not in text.split("(function () {", 1)[0]
    before = target.stat().st_mtime_ns
    interactive.write_bundle(tmp_path / "b.js")
    assert target.stat().st_mtime_ns == before


# ---------------------------------------------------------------- coverage text alternatives, PDF title page


def test_coverage_alts_state_the_numbers():
    matrix = pd.DataFrame({2021: [100.0, 50.0, 0.0], 2023: [100.0, float("nan"), 0.0]}, index=["AT", "BE", "CY"])
    text = coverage.matrix_alt(matrix, "t")
    # mean over the 5 present cells: (100 + 50 + 0 + 100 + 0) / 5 = 50.0
    assert "3 countries" in text and "2021 to 2023" in text and "50.0 % of rows" in text
    assert "1 country-years are absent" in text and "Complete in every year: 1 of 3" in text and "value: CY" in text
    flags = pd.DataFrame({"flag": ["b", "b", "u"], "meaning": ["", "", ""], "year": [2021, 2023, 2023],
                          "rows": [2, 3, 1000]})
    assert coverage.flags_alt(flags, "t") == ("Stacked bar chart of the 1,005 flagged values of t by year (2021 to "
                                              "2023): 5 break in time series (b); 1,000 low reliability (u).")
    series = pd.DataFrame({"size_class": ["S", "S", "L"], "year": [2023, 2021, 2021], "value": [7.05, 2.0, 9.0]})
    assert coverage.trend_alt(series) == ("Line chart of the share of enterprises by size class: S from 2.0 % in "
                                          "2021 to 7.1 % in 2023; L from 9.0 % in 2021 to 9.0 % in 2021.")


def test_pdf_title_page_escapes_and_names_commit_and_vintages():
    page = pdf.title_page_html("abc123", "2026-11-29", [("ICT <survey>", "release of 15 June 2026")])
    assert "abc123" in page and "2026-11-29" in page and "ICT &lt;survey&gt;: release of 15 June 2026" in page
    assert "break-after: page" in page


def test_doc_roles_in_moved_pages_point_to_the_readable_addresses():
    """A chapter's {doc} link to another run (written for book/generated/executed/) follows that run to its page;
    a link to a prose page is made relative to the new folder. A missed one fails the strict build."""
    moved = {"book/generated/executed/sme_adoption_gap": "chapters/sme-adoption-gap",
             "book/generated/executed/strategy_implications": "chapters/strategy-implications"}
    text = "see {doc}`sme_adoption_gap`, {doc}`the end <strategy_implications>` and {doc}`../data_sources`"
    assert build._relink(text, "book/generated/executed", "chapters", moved) == (
        "see {doc}`sme-adoption-gap`, {doc}`the end <strategy-implications>` and "
        "{doc}`../book/generated/data_sources`")
