"""House style and publication of figures: every figure gets a source line, its plotted data as CSV and a
metadata JSON (title, source, notes, commit), written next to the PNG under the site's ``downloads/``.

Notebooks call :func:`publish` after drawing; it returns nothing and displays the source line (HTML, escaped)
under the figure. Files land in ``book/generated/site/downloads/<run id>/`` which Jupyter Book copies to the
site root (``html_extra_path``), so that a page at ``book/generated/executed/<run>.html`` links them as
``../../../downloads/<run id>/<name>.csv``.
"""

from __future__ import annotations

import html
import os
import re
from pathlib import Path

import matplotlib as mpl
import matplotlib.pyplot as plt
import pandas as pd

from analysis import config
from analysis.storage import atomic_write_bytes, atomic_write_json, csv_bytes

RUN_ID_ENV = "ANALYSIS_RUN_ID"
COMMIT_ENV = "ANALYSIS_COMMIT"
#: From an executed page (book/generated/executed/x.html) to the site root.
PAGE_TO_ROOT = "../../../"

PALETTE = ["#1f4e79", "#e07b39", "#5b9a68", "#9e4a9c", "#c9a227", "#6b6b6b"]


def apply_style() -> None:
    """House style: white background, light grid, no top/right spines, colour-blind-safe cycle."""
    mpl.rcParams.update({
        "figure.figsize": (8, 4.5),
        "figure.dpi": 100,
        "savefig.dpi": 150,
        "savefig.bbox": "tight",
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.grid": True,
        "grid.alpha": 0.3,
        "axes.titleweight": "bold",
        "axes.titlesize": 12,
        "axes.titlelocation": "left",
        "axes.prop_cycle": mpl.cycler(color=PALETTE),
        "font.size": 10,
        "svg.hashsalt": "analysis",
    })


def run_id() -> str:
    """The current run's id (set by the runner), or ``interactive``."""
    return os.environ.get(RUN_ID_ENV, "interactive")


def commit() -> str:
    return os.environ.get(COMMIT_ENV, "unknown")


def downloads_dir(run: str | None = None) -> Path:
    return config.site_extra_dir() / "downloads" / (run or run_id())


def _slug(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    if not slug:
        raise ValueError(f"figure name {text!r} has no usable characters")
    return slug


def publish(fig: plt.Figure, data: pd.DataFrame, *, name: str, source: str, notes: str = "",
            unit: str = "", show: bool = True) -> dict[str, str]:
    """Save a figure's PNG, its plotted data (CSV) and metadata; display the source line under it.

    ``source`` is the source line ("Eurostat (isoc_eb_ai), release of 15 June 2026"); ``notes`` the processing
    note and caveats (flags, breaks). Returns the relative links of the files.
    """
    from IPython.display import HTML, display

    slug = _slug(name)
    out = downloads_dir()
    out.mkdir(parents=True, exist_ok=True)
    atomic_write_bytes(out / f"{slug}.csv", csv_bytes(data))
    tmp_png = out / f".{slug}.png.tmp"
    fig.savefig(tmp_png, format="png", metadata={"Software": None})
    os.replace(tmp_png, out / f"{slug}.png")
    title = fig.axes[0].get_title() if fig.axes else name
    atomic_write_json(out / f"{slug}.json", {
        "title": title, "source": source, "notes": notes, "unit": unit, "run": run_id(), "commit": commit(),
        "columns": list(map(str, data.columns)), "rows": len(data),
    })
    base = f"{PAGE_TO_ROOT}downloads/{run_id()}/{slug}"
    links = {"csv": f"{base}.csv", "png": f"{base}.png", "json": f"{base}.json"}
    if show:
        plt.show()
        display(HTML(source_line_html(source, notes, links)))
    return links


def source_line_html(source: str, notes: str, links: dict[str, str]) -> str:
    """The HTML under a figure: source, notes, data links, commit. All text is escaped."""
    esc = html.escape
    parts = [f"<strong>Source:</strong> {esc(source)}."]
    if notes:
        parts.append(f"<strong>Note:</strong> {esc(notes)}")
    parts.append(
        f'<a href="{esc(links["csv"])}">Data (CSV)</a> · <a href="{esc(links["json"])}">metadata</a> · '
        f'<a href="{esc(links["png"])}">image</a> · built from commit <code>{esc(commit()[:12])}</code>'
    )
    return '<p class="figure-source" style="font-size:0.85em;color:#444">' + " ".join(parts) + "</p>"
