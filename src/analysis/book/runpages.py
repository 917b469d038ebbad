"""Readable HTML pages for runs outside the book (``run NOTEBOOK -p …`` and each run of a sweep).

An executed notebook alone still shows its ``{glue:text}`` placeholders; the page Jupyter Book renders fills
them in. :func:`render` stages a one-chapter-per-run "book" with the book's own ``_config.yml``, bibliography and
local extensions, the executed notebooks at the path the book uses (``book/generated/executed/<id>.ipynb``) and
their figure downloads (``_build/runs/<id>/downloads/`` for ad hoc and sweep runs, when they are on this
machine), then runs ``jupyter-book build`` on it (execution off, as for the book). The page is therefore the
book's page for those parameters: glued values filled in, figures, source lines. Links to other book pages (e.g.
*Data sources*) are not part of this small book and stay unresolved. The staging folder is kept, so that Sphinx
rebuilds only the pages whose notebook changed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from analysis.book.build import ADHOC_PREFIX
from analysis.core import config
from analysis.core.storage import atomic_write_text, write_if_changed

EXECUTED = "book/generated/executed"


def _copy_if_changed(src: Path, dest: Path) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    write_if_changed(dest, src.read_bytes())


def _figure_dirs(run_id: str) -> list[tuple[Path, str]]:
    """Where a run's figure downloads may be on this machine, and the folder name its page links to: an ad hoc
    run's (``run``, a sweep) were moved to ``_build/runs/<id>/downloads/`` and are linked as ``adhoc-<id>``."""
    downloads = config.site_extra_dir() / "downloads"
    return [(config.build_dir() / "runs" / run_id / "downloads", f"{ADHOC_PREFIX}{run_id}"),
            (downloads / f"{ADHOC_PREFIX}{run_id}", f"{ADHOC_PREFIX}{run_id}"), (downloads / run_id, run_id)]


def render(notebooks: list[Path], dest: Path, title: str) -> dict[str, Path]:
    """Render executed ``notebooks`` into ``dest/_build/html/``; returns ``{run id: page}`` plus ``"index"``.

    Raises RuntimeError (with the log's tail) when ``jupyter-book build`` fails."""
    root = config.project_root()
    if not (root / "_config.yml").exists():
        raise RuntimeError(f"no _config.yml in {root}: the page is rendered with the book's configuration")
    stage = dest / "src"
    (stage / "book").mkdir(parents=True, exist_ok=True)
    _copy_if_changed(root / "_config.yml", stage / "_config.yml")
    for name in ("references.bib", "favicon.png"):
        if (root / "book" / name).exists():
            _copy_if_changed(root / "book" / name, stage / "book" / name)
    if (root / "book" / "_ext").is_dir():
        for path in (root / "book" / "_ext").glob("*.py"):
            _copy_if_changed(path, stage / "book" / "_ext" / path.name)
    pages = stage / EXECUTED
    pages.mkdir(parents=True, exist_ok=True)
    ids = [nb.stem for nb in notebooks]
    for stale in pages.glob("*.ipynb"):
        if stale.stem not in ids:
            stale.unlink()
    site = stage / "book" / "generated" / "site" / "downloads"
    site.mkdir(parents=True, exist_ok=True)
    for nb in notebooks:
        _copy_if_changed(nb, pages / nb.name)
        for figures, name in _figure_dirs(nb.stem):
            if figures.is_dir():
                shutil.copytree(figures, site / name, dirs_exist_ok=True)
    # the book's generated pages the chapters link to (Data sources…), when this machine has built them
    extra = []
    for page in sorted(config.generated_dir().glob("*.md")):
        _copy_if_changed(page, stage / "book" / "generated" / page.name)
        extra.append(f"book/generated/{page.stem}")
    links = "\n".join(f"- [{i}]({EXECUTED}/{i}.ipynb)" for i in ids)
    write_if_changed(stage / "index.md", f"# {title}\n\n{links}\n".encode())
    toc = {"format": "jb-book", "root": "index", "chapters": [{"file": f"{EXECUTED}/{i}"} for i in ids]
           + [{"file": e} for e in extra]}
    write_if_changed(stage / "_toc.yml", yaml.safe_dump(toc, sort_keys=False).encode())
    cmd = [str(Path(sys.executable).with_name("jupyter-book")), "build", str(stage), "--path-output", str(dest),
           "--builder", "html"]
    env = dict(os.environ, PYDEVD_DISABLE_FILE_VALIDATION="1")
    proc = subprocess.run(cmd, cwd=stage, capture_output=True, text=True, env=env)
    atomic_write_text(dest / "render.log", proc.stdout + "\n" + proc.stderr)
    if proc.returncode != 0:
        tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-20:])
        raise RuntimeError(f"jupyter-book build failed (exit {proc.returncode}); log in {dest / 'render.log'}:\n"
                           f"{tail}")
    html = dest / "_build" / "html"
    out = {i: html / EXECUTED / f"{i}.html" for i in ids}
    out["index"] = html / "index.html"
    return out


def render_sweep(folder: Path, run_ids: list[str]) -> Path:
    """Pages of a sweep's runs (``<folder>/html/_build/html/``); returns the index page."""
    notebooks = [folder / "runs" / f"{i}.ipynb" for i in run_ids if (folder / "runs" / f"{i}.ipynb").exists()]
    return render(notebooks, folder / "html", f"Sweep {folder.name}")["index"]


def render_run(notebook: Path) -> Path:
    """The page of one run written by ``python -m analysis run`` (``_build/runs/html/…/<id>.html``)."""
    return render([notebook], notebook.parent / "html" / notebook.stem, notebook.stem)[notebook.stem]
