"""A real browser (Debian's chromium driven by playwright) over the built book, served on 127.0.0.1.

Every page loads with no console error, no failed request and no request to another host; every figure image
has a non-zero natural width; the search page finds "SME"; a screenshot of the SME chapter is written to
``_build/screenshots/``.
"""

from __future__ import annotations

import functools
import http.server
import shutil
import threading
from pathlib import Path
from urllib.parse import urlparse

import pytest

pytestmark = [pytest.mark.integration, pytest.mark.browser]

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


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


def _pages(html: Path) -> list[str]:
    skip = {"genindex.html", "search.html"}
    return sorted(str(p.relative_to(html)) for p in html.rglob("*.html")
                  if p.name not in skip and "_static" not in p.parts and ".pytest_cache" not in p.parts
                  and p.name != "index.html")


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
        page.goto(f"{base}/{rel}", wait_until="networkidle")
        widths = page.eval_on_selector_all("img", "imgs => imgs.map(i => [i.currentSrc, i.naturalWidth])")
        errors += [f"image {src} has zero width" for src, w in widths if w == 0]
        problems += [f"{rel}: {e}" for e in errors]
        page.close()
        page = browser.new_page()
    page.close()
    assert problems == []


def test_figures_have_source_line_and_working_data_links(site, browser):
    base, html = site
    page = browser.new_page()
    checked = total_figures = 0
    for rel in _pages(html):
        if "/executed/" not in rel:
            continue
        page.goto(f"{base}/{rel}", wait_until="networkidle")
        figures = page.eval_on_selector_all("div.cell_output img", "imgs => imgs.length")
        sources = page.eval_on_selector_all("p.figure-source", "ps => ps.map(p => p.innerText)")
        assert figures == len(sources), f"{rel}: {figures} figures but {len(sources)} source lines"
        total_figures += figures
        for link in page.eval_on_selector_all("p.figure-source a", "as => as.map(a => a.href)"):
            resp = page.request.get(link)
            assert resp.ok, f"{rel}: {link} -> {resp.status}"
            checked += 1
    assert checked > 0 and total_figures >= 35  # every chapter and profile shows figures
    page.close()


def test_search_finds_sme(site, browser):
    base, _ = site
    page = browser.new_page()
    page.goto(f"{base}/search.html?q=SME", wait_until="networkidle")
    page.wait_for_selector("ul.search li", timeout=15000)
    assert page.locator("ul.search li").count() > 0
    page.close()


def test_screenshot_of_sme_chapter(site, browser):
    base, html = site
    target = html.parent / "screenshots" / "sme_adoption_gap.png"
    target.parent.mkdir(parents=True, exist_ok=True)
    chapter = html / "book" / "generated" / "executed" / "sme_adoption_gap.html"
    rel = chapter.relative_to(html) if chapter.exists() else Path("book/intro.html")
    page = browser.new_page(viewport={"width": 1280, "height": 1600})
    page.goto(f"{base}/{rel}", wait_until="networkidle")
    page.screenshot(path=str(target), full_page=False)
    page.close()
    assert target.stat().st_size > 10_000
