"""A real browser (Debian's chromium driven by playwright) over the built book, served on 127.0.0.1.

Every page: loads with no console error, no failed request and no request to another host; passes axe-core
(WCAG 2.1 A/AA rules, light and dark mode) with no serious or critical violation; every image has a real text
alternative (not empty, not a file name); no debugging residue (``match: True``, dicts of paths, ``0.0``
p-values, reprs, index columns); nothing wider than the viewport at 390 px and 1,280 px; a title naming its
subject. Every figure has an anchor, a visible permalink, a source line with working links and the command that
re-creates it. The interactive chart changes when a country is chosen. The PDF edition opens, has a bookmark per
chapter and profile, and holds the book's headline numbers. Screenshots of a chapter at 390 px and 1,280 px,
light and dark, are written to ``_build/screenshots/``.
"""

from __future__ import annotations

import functools
import http.server
import json
import re
import shutil
import subprocess
import threading
from pathlib import Path
from urllib.parse import urlparse

import pytest

pytestmark = [pytest.mark.integration, pytest.mark.browser]

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
WIDTHS = (390, 1280)
SCREENSHOT_PAGE = "chapters/sme-adoption-gap.html"
CHART_PAGE = "about/data-coverage-ai-adoption.html"


@pytest.fixture(scope="module")
def site(built_book):
    assert built_book["returncode"] == 0, built_book["output"][-3000:]
    handler = functools.partial(_QuietHandler, directory=str(built_book["html"]))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", built_book["html"]
    server.shutdown()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def book():
    from analysis.book import build

    b = build.load_book(ROOT / "book" / "runs.yml")
    return b, build.page_paths(b)


def _pages(html: Path) -> list[str]:
    """Every page of the site (not the redirects that keep old addresses working, not the search machinery)."""
    skip = {"genindex.html", "search.html", "index.html"}
    return sorted(str(p.relative_to(html)) for p in html.rglob("*.html")
                  if p.name not in skip and "_static" not in p.parts and ".pytest_cache" not in p.parts
                  and "executed" not in p.parts)


def _goto(page, url: str) -> None:
    page.goto(url, wait_until="networkidle")


def _dark(page) -> None:
    page.evaluate("document.documentElement.dataset.theme = 'dark'; document.documentElement.dataset.mode = 'dark'")
    page.wait_for_timeout(50)


def test_every_page_loads_cleanly_and_offline(site, browser):
    base, html = site
    pages = _pages(html)
    assert len(pages) >= 4
    problems: list[str] = []
    page = browser.new_page()
    for rel in pages:
        errors: list[str] = []
        page.on("console", lambda m, e=errors: e.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda exc, e=errors: e.append(str(exc)))
        page.on("requestfailed", lambda r, e=errors: e.append(f"failed request {r.url}"))
        page.on("response", lambda r, e=errors: e.append(f"HTTP {r.status} for {r.url}") if r.status >= 400 else None)
        page.on("request", lambda r, e=errors: e.append(f"external request {r.url}")
                if urlparse(r.url).hostname not in ("127.0.0.1", None) and not r.url.startswith("data:") else None)
        _goto(page, f"{base}/{rel}")
        widths = page.eval_on_selector_all("img", "imgs => imgs.map(i => [i.currentSrc, i.naturalWidth])")
        errors += [f"image {src} has zero width" for src, w in widths if w == 0 and src]
        problems += [f"{rel}: {e}" for e in errors]
        page.close()
        page = browser.new_page()
    page.close()
    assert problems == []


def test_axe_no_serious_or_critical_violation(site, browser):
    """axe-core's WCAG 2.1 A/AA rules on every page, in light and dark mode."""
    from axe_playwright_python.sync_playwright import Axe

    base, html = site
    axe = Axe()
    options = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
    found: list[str] = []
    summary: dict[str, int] = {}
    for scheme in ("light", "dark"):
        page = browser.new_page(color_scheme=scheme)
        for rel in _pages(html):
            _goto(page, f"{base}/{rel}")
            if scheme == "dark":
                _dark(page)
            for v in axe.run(page, options=options).response["violations"]:
                key = f"{scheme} {v['id']} ({v['impact']})"
                summary[key] = summary.get(key, 0) + len(v["nodes"])
                if v["impact"] in ("serious", "critical"):
                    found.append(f"{rel} [{scheme}]: {v['id']} ({v['impact']}) x{len(v['nodes'])}: "
                                 f"{v['nodes'][0]['target']} {v['nodes'][0]['html'][:120]}")
        page.close()
    report = html.parent / "axe-summary.json"
    report.write_text(json.dumps(summary, indent=1, sort_keys=True))
    assert found == []


_FILE_NAME = re.compile(r"(^[0-9a-f]{16,}|\.(png|jpe?g|svg|gif|webp)$)", re.I)


def test_every_image_has_a_real_text_alternative(site, browser):
    base, html = site
    page = browser.new_page()
    bad: list[str] = []
    for rel in _pages(html):
        _goto(page, f"{base}/{rel}")
        for src, alt in page.eval_on_selector_all(
                "main img", "imgs => imgs.map(i => [i.getAttribute('src'), i.getAttribute('alt')])"):
            alt = (alt or "").strip()
            if not alt or _FILE_NAME.search(alt) or len(alt.split()) < 4:
                bad.append(f"{rel}: {src} alt={alt!r}")
    page.close()
    assert bad == []


RESIDUE = [
    (re.compile(r"match: (True|False)"), "an nbval print ('match: …')"),
    (re.compile(r"\{'(csv|png|json)':"), "a dict of download paths"),
    (re.compile(r"\bp(-value)?\s*[=:]?\s*0\.0+(?![0-9])"), "a p-value shown as 0.0 (use fmt.pvalue: < 0.001)"),
    (re.compile(r"\bdtype: \w+"), "a pandas repr"),
    (re.compile(r" object at 0x[0-9a-f]+"), "a Python object repr"),
    (re.compile(r"NBVAL_CHECK_OUTPUT"), "a headline cell's marker"),
]

_RESIDUE_JS = """() => {
  const main = document.querySelector('main') || document.body;
  const text = [];
  const walker = document.createTreeWalker(main, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    if (node.parentElement && node.parentElement.closest('details.hide, .cell_input, script, style')) continue;
    text.push(node.textContent);
  }
  const pvals = [];
  for (const table of main.querySelectorAll('table')) {
    const heads = [...table.querySelectorAll('thead th')].map(th => th.innerText.trim());
    heads.forEach((h, i) => {
      if (!/p[- ]?value|^P>\\|[zt]\\|$/i.test(h)) return;
      for (const row of table.querySelectorAll('tbody tr')) {
        const cell = row.children[i];
        if (cell && /^0(\\.0+)?$/.test(cell.innerText.trim())) pvals.push(h + ' = ' + cell.innerText.trim());
      }
    });
  }
  const index = main.querySelectorAll('table.dataframe tbody th').length;
  return [text.join(' '), pvals, index];
}"""


def test_no_debugging_residue(site, browser):
    """What readers see (collapsed code excluded) holds no nbval prints, reprs, dicts, 0.0 p-values or DataFrame
    index columns."""
    base, html = site
    page = browser.new_page()
    found: list[str] = []
    for rel in _pages(html):
        _goto(page, f"{base}/{rel}")
        text, pvals, index_cells = page.evaluate(_RESIDUE_JS)
        for pattern, what in RESIDUE:
            m = pattern.search(text)
            if m:
                found.append(f"{rel}: {what}: …{text[max(0, m.start() - 40):m.end() + 40]}…")
        found += [f"{rel}: table p-value {p}" for p in pvals]
        if index_cells:
            found.append(f"{rel}: {index_cells} DataFrame index cells (use analysis.core.figures.table)")
    page.close()
    assert found == []


_OVERFLOW_JS = """() => {
  const vw = document.documentElement.clientWidth;
  const out = [];
  const scrolls = (el) => { for (let a = el.parentElement; a; a = a.parentElement) {
      const o = getComputedStyle(a).overflowX; if (o === 'auto' || o === 'scroll' || o === 'hidden') return true; }
    return false; };
  for (const el of document.querySelectorAll('article.bd-article *')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0 || !el.checkVisibility({visibilityProperty: true})) continue;
    if (r.right > vw + 1 && !scrolls(el)) {
      out.push(el.tagName.toLowerCase() + '.' + el.className + ' right=' + Math.round(r.right));
    }
  }
  return [document.documentElement.scrollWidth - vw, out.slice(0, 3)];
}"""


def test_nothing_wider_than_the_viewport(site, browser):
    base, html = site
    found: list[str] = []
    for width in WIDTHS:
        page = browser.new_page(viewport={"width": width, "height": 900})
        for rel in _pages(html):
            _goto(page, f"{base}/{rel}")
            excess, offenders = page.evaluate(_OVERFLOW_JS)
            if excess > 1 or offenders:
                found.append(f"{rel} at {width}px: page {excess}px too wide; {offenders}")
        page.close()
    assert found == []


def test_titles_and_first_headings_name_their_subject(site, browser, book):
    base, html = site
    runs, paths = book[0].runs(), book[1]
    page = browser.new_page()
    titles: dict[str, str] = {}
    for run in runs:
        rel = f"{paths[run.id]}.html"
        assert (html / rel).exists(), f"{run.id}: no page at {rel}"
        _goto(page, f"{base}/{rel}")
        title, h1 = page.title(), page.locator("main h1").first.inner_text()
        if run.parameters:  # one notebook, many pages: the run's title names each one
            assert title.startswith(run.title) and run.title in h1, f"{rel}: title {title!r}, h1 {h1!r}"
        titles[rel] = title
    page.close()
    assert len(set(titles.values())) == len(titles), "two pages share a title"
    old = html / "book" / "generated" / "executed" / "profile__DK.html"
    assert "countries/denmark.html" in old.read_text()  # the old address redirects


def test_figures_have_anchor_permalink_source_reproduce_and_working_links(site, browser, book):
    base, html = site
    page = browser.new_page()
    checked = total = 0
    for rel in (f"{p}.html" for p in book[1].values()):
        _goto(page, f"{base}/{rel}")
        figs = page.eval_on_selector_all("figure.analysis-figure", """fs => fs.map(f => [f.id,
            !!f.querySelector('a.permalink[href="#' + f.id + '"]'), !!f.querySelector('.figure-source'),
            (f.querySelector('.figure-reproduce code') || {}).innerText || ''])""")
        for fid, permalink, source, command in figs:
            assert fid.startswith("fig-") and permalink and source, f"{rel}#{fid}"
            assert command.startswith("python -m analysis run "), f"{rel}#{fid}: no 'Reproduce this' command"
        total += len(figs)
        for link in page.eval_on_selector_all(".figure-source a:not(.permalink)", "as => as.map(a => a.href)"):
            resp = page.request.get(link)
            assert resp.ok, f"{rel}: {link} -> {resp.status}"
            checked += 1
        stray = page.eval_on_selector_all("div.cell_output img:not(figure img)", "imgs => imgs.length")
        assert stray == 0, f"{rel}: {stray} image(s) shown without the figure frame (use figures.publish)"
    page.close()
    assert checked > 0 and total >= 35  # every chapter and profile shows figures


def test_links_between_pages_work(site, browser):
    """Every link from a page to another page or file of the site answers (addresses moved: nothing left behind)."""
    base, html = site
    page = browser.new_page()
    targets: dict[str, str] = {}
    for rel in _pages(html):
        _goto(page, f"{base}/{rel}")
        for href in page.eval_on_selector_all("main a[href]", "as => as.map(a => a.href)"):
            url = href.split("#")[0]
            if url.startswith(base) and url not in targets:
                targets[url] = rel
    broken = [f"{rel}: {url}" for url, rel in targets.items() if not page.request.get(url).ok]
    page.close()
    assert broken == []


def test_every_page_links_the_pdf(site, browser):
    base, html = site
    page = browser.new_page()
    for rel in _pages(html)[:5] + ["book/intro.html"]:
        _goto(page, f"{base}/{rel}")
        href = page.eval_on_selector("a.pdf-edition", "a => a.href")
        assert page.request.get(href).ok, f"{rel}: {href}"
    page.close()


def test_interactive_chart_follows_the_chosen_country(site, browser):
    base, html = site
    page = browser.new_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    _goto(page, f"{base}/{CHART_PAGE}")
    chart = page.locator("[data-analysis-chart].analysis-chart-live").first
    chart.wait_for(timeout=15000)
    svg = chart.locator(".analysis-chart-view svg").first
    before = svg.inner_html()
    select = chart.locator("select").first
    options = select.locator("option").all_inner_texts()
    assert "Denmark" in options and "Belgium" in options  # country names, not codes
    assert select.input_value() != "Denmark"
    select.select_option("Denmark")
    page.wait_for_function("b => document.querySelector('[data-analysis-chart] .analysis-chart-view svg')"
                           ".innerHTML !== b", arg=before, timeout=5000)
    assert svg.inner_html() != before
    mark = chart.locator(".analysis-chart-view svg path.mark-symbol, .analysis-chart-view svg g.mark-symbol path")
    mark.first.hover(force=True)
    page.wait_for_timeout(300)
    tooltip = page.locator("#vg-tooltip-element")
    assert tooltip.count() == 1 and "Denmark" in tooltip.inner_text()
    assert all(urlparse(u).hostname in ("127.0.0.1", None) for u in requests), requests
    assert chart.locator("img.analysis-chart-static").count() == 1  # the print version is kept
    page.close()


def test_screenshots_of_a_chapter(site, browser):
    base, html = site
    out = html.parent / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    for width in WIDTHS:
        for scheme in ("light", "dark"):
            page = browser.new_page(viewport={"width": width, "height": 1400}, color_scheme=scheme)
            _goto(page, f"{base}/{SCREENSHOT_PAGE}")
            if scheme == "dark":
                _dark(page)
            target = out / f"sme-adoption-gap-{width}-{scheme}.png"
            page.screenshot(path=str(target), full_page=False)
            page.close()
            assert target.stat().st_size > 10_000


# ---------------------------------------------------------------- the PDF edition


def _pdf_text(path: Path) -> str:
    if shutil.which("pdftotext"):
        return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                              check=True).stdout
    from pypdf import PdfReader

    return "\n".join(p.extract_text() or "" for p in PdfReader(path).pages)


def _outline_titles(outline) -> list[str]:
    out: list[str] = []
    for item in outline:
        if isinstance(item, list):
            out += _outline_titles(item)
        else:
            out.append(item.title)
    return out


@pytest.fixture(scope="module")
def pdf_file(site):
    from analysis.book.pdf import PDF_NAME

    path = site[1] / PDF_NAME
    assert path.exists(), "the build writes the PDF edition"
    return path


def test_pdf_opens_with_a_bookmark_per_chapter(pdf_file, book, site):
    from pypdf import PdfReader

    reader = PdfReader(pdf_file)
    assert len(reader.pages) > 20
    titles = set(_outline_titles(reader.outline))
    missing = []
    for run in book[0].runs():  # each chapter, profile and coverage page: its first heading is a bookmark
        page = (site[1] / f"{book[1][run.id]}.html").read_text(encoding="utf-8")
        h1 = re.sub(r"<[^>]+>", "", re.search(r"<h1[^>]*>(.*?)</h1>", page, re.S).group(1))
        h1 = h1.replace("#", "").strip()
        if h1 not in titles:
            missing.append(h1)
    assert missing == [], f"no bookmark for {missing}; bookmarks: {sorted(titles)[:40]}"


@pytest.mark.skipif(not shutil.which("pdfimages"), reason="poppler-utils not installed")
def test_pdf_holds_every_figure(pdf_file, book, site):
    figures = sum(len(list((site[1] / "downloads" / run_id).glob("*.png"))) for run_id in book[1])
    listing = subprocess.run(["pdfimages", "-list", str(pdf_file)], capture_output=True, text=True, check=True).stdout
    images = sum(1 for line in listing.splitlines()[2:] if line.split()[2:3] == ["image"])
    assert images >= figures > 0  # no lazily loaded figure left out of the print


def test_pdf_holds_title_page_and_headline_numbers(pdf_file, processed):
    from analysis.book.build import git_commit
    from analysis.chapters import adoption as ad
    from analysis.core import fmt

    text = re.sub(r"\s+", " ", _pdf_text(pdf_file))
    assert "Apply AI: the evidence" in text[:2000] and git_commit() in text[:3000]
    assert "page 1 of" in text
    frame = ad.load_adoption()
    year = ad.STRATEGY_YEAR
    for size in ("GE10", "10-249"):  # the strategy's two headline numbers, recomputed from the processed data
        value = ad.value_at(frame, "E_AI_TANY", "EU27_2020", size, year)
        if isinstance(value, tuple):
            value = value[0]
        assert f"{fmt.num(value)} %" in text or f"{fmt.num(value)}%" in text, f"{size} {year}: {fmt.num(value)}"
