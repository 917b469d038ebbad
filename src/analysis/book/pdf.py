"""The PDF edition: the whole book in one file, linked from every page of the site.

Route (works offline): Jupyter Book 1 builds the single-page HTML edition (``--builder singlehtml``, execution off,
the same executed notebooks as the site), Debian's chromium opens it through playwright and prints it with
``page.pdf(outline=True, tagged=True, display_header_footer=True)``: bookmarks from the headings (one per chapter,
profile and page), page numbers in the footer, a tagged (accessible) PDF. Before printing, a title page with the
commit and the data vintages (from ``sources.yml``) is put in front. Figures are the PNGs the site shows, saved at
:data:`analysis.core.figures.PRINT_DPI`; interactive charts print their static image. Jupyter Book's own ``pdfhtml``
builder is not used: it downloads a browser.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import html
import http.server
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

from analysis.book.build import git_commit, render_key
from analysis.core import config
from analysis.core.storage import atomic_write_text
from analysis.readers.sources import load_registry

#: The file name at the site root (kept in step with book/_ext/offline_html.py).
PDF_NAME = "apply-ai-evidence.pdf"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def chromium_path() -> str:
    """Debian's chromium (``ANALYSIS_CHROMIUM`` overrides). Raises when it is not installed."""
    path = os.environ.get("ANALYSIS_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).exists():
        raise RuntimeError("the PDF edition needs Debian's chromium: apt-get install chromium")
    return path


def singlehtml_dir() -> Path:
    return config.build_dir() / "singlehtml"


def pdf_path() -> Path:
    """Where the PDF is written: the root of the HTML site."""
    return config.html_dir() / PDF_NAME


def build_singlehtml() -> Path:
    """Build the single-page HTML edition with Jupyter Book (execution off). Returns its ``index.html``."""
    cmd = [str(Path(sys.executable).with_name("jupyter-book")), "build", str(config.project_root()), "--keep-going",
           "--builder", "singlehtml"]
    env = dict(os.environ, PYDEVD_DISABLE_FILE_VALIDATION="1")
    proc = subprocess.run(cmd, cwd=config.project_root(), capture_output=True, text=True, env=env)
    log = config.build_dir() / "singlehtml.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    log.write_text(proc.stdout + "\n" + proc.stderr, encoding="utf-8")
    index = singlehtml_dir() / "index.html"
    if proc.returncode != 0 or not index.exists():
        tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-20:])
        raise RuntimeError(f"single-page build failed (exit {proc.returncode}); log in {log}:\n{tail}")
    return index


def title_page_html(commit: str, built: str, vintages: list[tuple[str, str]]) -> str:
    """The PDF's title page: title, what the book is, the commit and date it was built from, the data vintages.
    All text escaped."""
    esc = html.escape
    rows = "".join(f"<li>{esc(title)}: {esc(vintage)}</li>" for title, vintage in vintages)
    return (
        '<section class="pdf-title-page" style="break-after: page; padding-top: 30%; font-family: sans-serif">'
        '<p style="font-size: 28pt; font-weight: 700; margin: 0">Apply AI: the evidence</p>'
        '<p style="font-size: 14pt">An executable book on the evidence behind the European Commission\'s '
        "Apply AI Strategy (COM(2025) 723)</p>"
        f'<p style="font-size: 11pt">PDF edition built on {esc(built)} from commit <code>{esc(commit)}</code>.</p>'
        f'<p style="font-size: 11pt">Data vintages:</p><ul style="font-size: 10pt">{rows}</ul></section>'
    )


def data_vintages() -> list[tuple[str, str]]:
    """(source title, vintage) for every source of ``sources.yml``."""
    return [(s.title, s.vintage) for s in load_registry().sources]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextlib.contextmanager
def serve(directory: Path) -> Iterator[str]:
    """Serve ``directory`` on 127.0.0.1 (a free port) for the duration; yields the base URL. Served rather than
    opened as a file so that the pages' ``../downloads/`` links resolve to the site root."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


#: Before printing: drop the screen-only parts (header bar, sidebars, search, back-to-top, heading anchors "#",
#: collapsed code), then put the title page first.
_PREPARE_JS = """html => {
  const drop = ['.bd-header', '.bd-header-announcement', '.bd-sidebar-primary', '.bd-sidebar-secondary',
                '.skip-link', '#pst-back-to-top', '.search-button', '.header-article', '.prev-next-area',
                '.bd-footer-article', 'a.headerlink', 'details.hide', '.bd-search', 'dialog'];
  for (const sel of drop) document.querySelectorAll(sel).forEach(el => el.remove());
  const main = document.querySelector('main') || document.body;
  main.insertAdjacentHTML('afterbegin', html);
}"""

FOOTER = ('<div style="font-size: 8px; width: 100%; text-align: center; color: #444">'
          'Apply AI: the evidence · page <span class="pageNumber"></span> of <span class="totalPages"></span></div>')


def print_pdf(index: Path, target: Path, commit: str, vintages: list[tuple[str, str]]) -> Path:
    """Print the single-page edition ``index`` to ``target`` with chromium (A4, bookmarks, page numbers, tagged).
    Requests to any other host than the local server are refused (the book is offline)."""
    from playwright.sync_api import sync_playwright

    built = dt.datetime.now(dt.UTC).date().isoformat()
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp")
    with serve(index.parent) as base, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(base)
                       or route.request.url.startswith("data:") else route.abort())
            page.goto(f"{base}/{index.name}", wait_until="networkidle", timeout=180_000)
            page.evaluate(_PREPARE_JS, title_page_html(commit, built, vintages))
            # every figure at full resolution before printing: no lazy image left unloaded
            page.evaluate("() => document.querySelectorAll('img[loading=lazy]').forEach(i => i.loading = 'eager')")
            page.wait_for_function("() => [...document.images].every(i => i.complete && i.naturalWidth > 0)",
                                   timeout=180_000)
            page.wait_for_load_state("networkidle")
            page.emulate_media(media="print")
            page.pdf(path=str(tmp), format="A4", print_background=True, outline=True, tagged=True,
                     display_header_footer=True, header_template="<div></div>", footer_template=FOOTER,
                     margin={"top": "15mm", "bottom": "18mm", "left": "14mm", "right": "14mm"})
        finally:
            browser.close()
    os.replace(tmp, target)
    return target


def pdf_key() -> str:
    """What the PDF is made of: the HTML's render key and this module."""
    return hashlib.sha256((render_key() + Path(__file__).read_text(encoding="utf-8")).encode()).hexdigest()


def build_pdf(log: Callable[[str], None] = print, force: bool = False, commit: str | None = None) -> Path:
    """Write the PDF edition to the site root (after ``render``). Skipped when nothing it is made of changed."""
    target = pdf_path()
    key = pdf_key()
    key_file = config.build_dir() / "pdf.key"
    if not force and target.exists() and key_file.exists() and key_file.read_text().strip() == key:
        log(f"up to date {target}")
        return target
    key_file.unlink(missing_ok=True)
    index = build_singlehtml()
    print_pdf(index, target, commit or git_commit(), data_vintages())
    atomic_write_text(key_file, key + "\n")
    log(f"wrote {target} ({target.stat().st_size / 1e6:.1f} MB)")
    return target
