"""Sphinx extension: keep every page offline-safe, accessible and linked to the book's other editions.

- Jupyter Book 1 always loads sphinx-thebe, which adds an inline script naming a CDN (unpkg) twice per page (a
  console error: "Identifier 'THEBE_JS_URL' has already been declared") and a loader script. The book has no live
  kernels, so both are dropped from every page.
- Accessibility (axe-core, WCAG 2.1 AA): the collapsed-code ``<summary>`` takes its accessible name from its
  visible label ("Show code") instead of a generic "Toggle hidden content"; the sidebar's section toggles get a
  name; the bibliography's ``role="list"`` (whose children are not list items) and the deprecated
  ``doc-biblioentry`` role are dropped.
- The book's stylesheet (``static/analysis.css``: figures, source lines and tables legible in light and dark
  mode, print rules) is added to every page; pages that hold interactive charts load the site's one chart bundle
  (``_vendor/analysis-charts.js``, written by :mod:`analysis.interactive`).
- Every page's footer links the PDF edition (``PDF_NAME`` at the site root, written by :mod:`analysis.pdf`).
"""

from __future__ import annotations

from pathlib import Path

STATIC = Path(__file__).parent / "static"
#: The PDF edition and the chart bundle, at the site root (kept in step with analysis.pdf / analysis.interactive).
PDF_NAME = "apply-ai-evidence.pdf"
CHART_BUNDLE = "_vendor/analysis-charts.js"
CHART_MARK = "data-analysis-chart="

_BODY_FIXES = (
    ('<summary aria-label="Toggle hidden content">', "<summary>"),
    ('<div role="list" class="citation-list">', '<div class="citation-list">'),
    (' role="doc-biblioentry"', ""),
)
_TOC_TOGGLE = ('<summary><span class="toctree-toggle" role="presentation">',
               '<summary aria-label="Show the pages of this section"><span class="toctree-toggle" role="presentation">')


def _drop_thebe(app, pagename, templatename, context, doctree):
    scripts = context.get("script_files")
    if not scripts:
        return
    keep = []
    for js in scripts:
        body = getattr(js, "attributes", {}).get("body", "") or ""
        name = str(getattr(js, "filename", js) or "")
        if "THEBE_JS_URL" in body or "thebe" in name.lower() or name.startswith(("http://", "https://")):
            continue
        keep.append(js)
    context["script_files"] = keep


def _accessible(app, pagename, templatename, context, doctree):
    body = context.get("body")
    if body:
        for old, new in _BODY_FIXES:
            body = body.replace(old, new)
        context["body"] = body


def _name_toc_toggles(app, exception):
    """The sidebar's section toggles are written by the theme's templates: name them in the written pages."""
    if exception is not None or getattr(app.builder, "format", "") != "html":
        return
    for page in Path(app.outdir).rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        if _TOC_TOGGLE[0] in text:
            page.write_text(text.replace(*_TOC_TOGGLE), encoding="utf-8")


def _charts_and_pdf(app, pagename, templatename, context, doctree):
    pathto = context.get("pathto")
    if pathto is None:
        return
    if CHART_MARK in (context.get("body") or ""):
        # a plain file name: the theme's template writes <script src="(relative path)"></script>
        context["script_files"] = [*context.get("script_files", []), CHART_BUNDLE]
    link = f'<a class="pdf-edition" href="{pathto(PDF_NAME, 1)}">The whole book as one PDF</a>'
    footer = context.get("theme_extra_footer") or ""
    context["theme_extra_footer"] = f"{footer} {link}" if footer else link


def _configure(app, config):
    config.html_static_path.append(str(STATIC))
    # the theme's per-page download menu offers the page's source (not published: html_copy_source is off) and
    # the browser's print dialog; the book's PDF edition is linked from every page's footer instead
    config.html_theme_options = {**(config.html_theme_options or {}), "use_download_button": False}


def setup(app):
    app.connect("config-inited", _configure)
    app.add_css_file("analysis.css")
    app.connect("html-page-context", _drop_thebe, priority=900)
    app.connect("html-page-context", _accessible, priority=900)
    app.connect("html-page-context", _charts_and_pdf, priority=900)
    app.connect("build-finished", _name_toc_toggles)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
