"""Pages generated from data: the *Data sources* page (from ``sources.yml`` and each file's provenance) and the
downloads of the processed tables. Written to ``book/generated/`` (git-ignored) at render time."""

from __future__ import annotations

import json
import re

from analysis.core import config, envlock
from analysis.core.storage import write_if_changed
from analysis.readers.sources import load_registry, provenance_path


def _md_text(text: str) -> str:
    """Text shown as text in Markdown: every character Markdown/MyST would interpret is backslash-escaped."""
    return re.sub(r"([\\`*_{}<>#|~$\[\]])", r"\\\1", text).replace("\n", " ")


def _md_escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def data_sources_md() -> str:
    """Markdown of the Data sources page: one section per source with its files, checksums and vintages."""
    registry = load_registry()
    lines = [
        "# Data sources",
        "",
        "Every number in this book is computed from the files below, fetched by `python -m analysis fetch` "
        "and verified against the sha256 pinned in `sources.yml`. This page is generated from that registry "
        "and from the provenance record written beside each fetched file.",
        "",
        "| Source | Producer | Vintage | Licence |",
        "|---|---|---|---|",
    ]
    for s in registry.sources:
        lines.append(f"| [{_md_escape(s.title)}](#{s.id}) | {_md_escape(s.producer)} | {_md_escape(s.vintage)} "
                     f"| {_md_escape(s.licence)} |")
    for s in registry.sources:
        lines += ["", f"({s.id})=", f"## {s.title}", "",
                  f"- **Id**: `{s.id}`", f"- **Producer**: {s.producer}", f"- **Citation**: {s.citation}",
                  f"- **Attribution**: {s.attribution}", f"- **Licence**: {s.licence}",
                  f"- **Official page**: <{s.url}>", f"- **Vintage**: {s.vintage}; accessed {s.date_accessed}",
                  f"- **Coverage**: {s.coverage}", f"- **Known gaps and caveats**: {s.gaps}", "",
                  "Files (a list, not a table: the 64-character checksums stay readable on a phone):", ""]
        for f in s.files:
            prov_file = provenance_path(s.id, f.name)
            if prov_file.exists():
                prov = json.loads(prov_file.read_text(encoding="utf-8"))
                origin = prov["obtained_from"]
                status = "pinned file" if prov["pinned"] else (
                    f"**newer vintage than pinned** (sha256 `{prov['sha256'][:16]}…`, retrieved "
                    f"{prov['retrieved_at'][:10]})")
            else:
                origin, status = "not fetched", "not fetched"
            lines.append(f"- `{_md_escape(f.name)}` ({f.layout}): sha256 (pinned) `{f.sha256}`; fetched from "
                         f"{origin}; {status}")
    lines += ["", "Processed tables (CSV with a `.meta.json` description) can be downloaded here:", ""]
    for csv in sorted(config.processed_dir().glob("*.csv")):
        # raw HTML links: these files are copied to the site root by html_extra_path, not Sphinx documents
        lines.append(f'- <a href="../../tables/{csv.name}">{csv.name}</a> '
                     f'(<a href="../../tables/{csv.stem}.meta.json">metadata</a>)')
    return "\n".join(lines) + "\n"


def copy_processed_downloads() -> None:
    """Copy the processed tables and their metadata into the site (``/tables/``)."""
    target = config.site_extra_dir() / "tables"
    for path in sorted(config.processed_dir().glob("*.csv")) + sorted(config.processed_dir().glob("*.meta.json")):
        write_if_changed(target / path.name, path.read_bytes())


def status_md() -> str:
    """Markdown of the execution-status page: every notebook run with its parameters, duration, versions, commit
    and lock hash; the environment (lock, installed packages) and the vulnerability audit."""
    path = config.generated_dir() / "runs.json"
    records = json.loads(path.read_text(encoding="utf-8")) if path.exists() else []
    lines = ["# Execution status", "",
             "Each page of this book built from a notebook was executed once by papermill, then rendered by "
             "Jupyter Book with execution off. This table is written by the build from the run records.", ""]
    if not records:
        return "\n".join(lines + ["No notebook has been run yet.", "", envlock.status_md()])
    failed = [r for r in records if r.get("status") == "failed"]  # a failed run shows as failed
    lines += [f"- **{_md_escape(r['id'])} FAILED** in the latest run (commit `{r['failed_commit'][:12]}`, "
              f"{r['failed_at']}): {_md_text(r['error'])}. Its page shows the output of commit "
              f"`{r['commit'][:12]}` under a warning." for r in failed] + ([""] if failed else [])
    lines += ["| Run | Notebook | Parameters | Seconds | Finished (UTC) | Commit | Lock (sha256) |",
              "|---|---|---|---|---|---|---|"]
    for r in records:
        params = ", ".join(f"`{k}={v!r}`" for k, v in r["parameters"].items()) or "defaults"
        lock = f"`{r['lock'][:12]}`" if "lock" in r else "not recorded"  # records made before the lock existed
        lines.append(f"| {_md_escape(r['id'])} | `{r['notebook']}` | {_md_escape(params)} | {r['seconds']:.1f} "
                     f"| {r['finished']} | `{r['commit'][:12]}` | {lock} |")
    versions = records[-1]["versions"]
    lines += ["", "Package versions: " + ", ".join(f"{k} {v}" for k, v in sorted(versions.items())) + "."]
    lines += ["", envlock.status_md().rstrip("\n")]  # the lock's hash, installed == locked, the pip-audit result
    return "\n".join(lines) + "\n"


def write_generated_pages() -> None:
    write_if_changed(config.generated_dir() / "data_sources.md", data_sources_md().encode("utf-8"))
    write_if_changed(config.generated_dir() / "status.md", status_md().encode("utf-8"))
    copy_processed_downloads()
