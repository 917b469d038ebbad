"""Sphinx extension: keep every page offline-safe.

Jupyter Book 1 always loads sphinx-thebe, which adds an inline script naming a CDN (unpkg) twice per page (a
console error: "Identifier 'THEBE_JS_URL' has already been declared") and a loader script. The book has no live
kernels, so both are dropped from every page.
"""

from __future__ import annotations


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


def setup(app):
    app.connect("html-page-context", _drop_thebe, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
