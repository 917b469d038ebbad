"""One registry: ``book/runs.yml`` plus what each chapter module declares. Adding a chapter = one notebook, one
chapter module, one ``runs.yml`` entry, one test file (CONTRIBUTING.md), proved here on a temporary copy."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from analysis.book import build
from analysis.chapters import adoption, params, registry
from analysis.tables import process

ROOT = Path(__file__).resolve().parents[1]
#: Where chapter modules live, as a dotted package and a directory of the package.
CHAPTER_PACKAGE = adoption.__name__.rsplit(".", 1)[0]
CHAPTER_DIR = Path(adoption.__file__).resolve().parent

TINY_MODULE = '''"""A tiny chapter: one parameter, one sentence."""

from __future__ import annotations

from typing import ClassVar

from analysis.chapters.params import NotebookParams, choice_error, register

NOTEBOOK = "tiny"


@register
class TinyParams(NotebookParams):
    notebook: ClassVar[str] = NOTEBOOK
    reads: ClassVar[tuple[str, ...]] = ("labels",)
    n: int = 2

    def check_data(self) -> None:
        if self.n < 1:
            raise choice_error(self.notebook, "n", self.n, [1, 2, 3])


def sentence(n: int) -> str:
    """The chapter's one finding."""
    return f"The tiny chapter counts {n} things."
'''


def _notebook(module: str) -> dict:
    def cell(source: str, tags: list[str] | None = None) -> dict:
        return {"cell_type": "code", "execution_count": None, "id": f"c{abs(hash(source)) % 10**8}",
                "metadata": {"tags": tags or []}, "outputs": [], "source": source}

    return {"cells": [{"cell_type": "markdown", "id": "title", "metadata": {}, "source": "# Tiny"},
                      cell("n = 2", ["parameters"]),
                      cell(f"from myst_nb import glue\n\nimport {params.__name__} as params\n"
                           f"import {module} as tiny\n\n"
                           "p = params.validate('tiny', {'n': n})\nglue('finding', tiny.sentence(p.n), display=False)\n"
                           "print(tiny.sentence(p.n))")],
            "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
                         "language_info": {"name": "python"}},
            "nbformat": 4, "nbformat_minor": 5}


def test_every_chapter_notebook_has_exactly_one_chapter_module() -> None:
    modules = registry.chapter_modules()
    notebooks = sorted(p.stem for p in (ROOT / "notebooks").glob("*.ipynb"))
    assert sorted(modules) == notebooks
    assert params.notebooks() == notebooks
    for notebook in notebooks:
        assert params.model_for(notebook).notebook == notebook


def test_book_titles_are_the_single_run_chapter_pages_of_runs_yml() -> None:
    book = build.load_book(ROOT / "book" / "runs.yml")
    expected = {r.notebook: r.title for r in book.runs() if r.id == r.notebook}
    assert registry.book_titles(ROOT / "book" / "runs.yml") == expected
    assert "country_profile" not in expected  # its runs are parameter variants (profile__XX)


def test_declared_notebook_reads_only_a_module_level_string(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text('NOTEBOOK = "x"\n')
    (tmp_path / "b.py").write_text('def f():\n    NOTEBOOK = "y"\n')
    (tmp_path / "c.py").write_text('NOTEBOOK_DIR = "z"\n')
    assert registry.declared_notebook(tmp_path / "a.py") == "x"
    assert registry.declared_notebook(tmp_path / "b.py") is None
    assert registry.declared_notebook(tmp_path / "c.py") is None


def test_unknown_notebook_names_the_known_ones() -> None:
    with pytest.raises(params.ParameterError, match="unknown notebook 'nope'; known: .*sme_adoption_gap"):
        params.model_for("nope")


def test_chapter_tables_are_declared_by_their_modules() -> None:
    registry.load_all()
    names = process.table_names()
    assert {"exposure_indices", "exposure_soc_scores", "sector_map"} <= set(names)
    assert len(names) == len(set(names))


@pytest.mark.integration
def test_a_new_chapter_needs_one_notebook_one_module_one_runs_entry(tmp_path: Path, processed: Path) -> None:
    """The recipe of CONTRIBUTING.md on a temporary copy: nothing else is edited, and the chapter runs."""
    root = tmp_path / "project"
    shutil.copytree(ROOT / "src", root / "src", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("sources.yml", "pyproject.toml", "requirements.lock", "_config.yml"):
        shutil.copy(ROOT / name, root / name)
    shutil.copytree(ROOT / "data" / "raw" / "strategy", root / "data" / "raw" / "strategy")
    shutil.copytree(processed, root / "data" / "processed")
    (root / "book").mkdir()
    shutil.copy(ROOT / "book" / "intro.md", root / "book" / "intro.md")
    (root / "notebooks").mkdir()
    # 1. the chapter module, 2. the notebook, 3. the runs.yml entry (a test file is the fourth piece: this one)
    rel = CHAPTER_DIR.relative_to(ROOT / "src")
    (root / "src" / rel / "tiny.py").write_text(TINY_MODULE)
    (root / "notebooks" / "tiny.ipynb").write_text(json.dumps(_notebook(f"{CHAPTER_PACKAGE}.tiny")))
    (root / "book" / "runs.yml").write_text(
        "root: book/intro\nparts:\n  - caption: Findings\n    chapters:\n"
        "      - run: {id: tiny, notebook: tiny, title: \"A tiny chapter\"}\n"
        "      - run: {id: tiny__3, notebook: tiny, title: \"Three\", parameters: {n: 3}}\n")
    env = {**os.environ, "PYTHONPATH": str(root / "src"), "ANALYSIS_ROOT": str(root)}
    check = (f"import {params.__name__} as params\nimport {registry.__name__} as registry\n"
             f"import {CHAPTER_PACKAGE}.claims as claims\n"
             "print(params.notebooks().count('tiny'), registry.book_titles()['tiny'], claims.CHAPTERS['tiny'])\n"
             "try:\n    params.validate('tiny', {'n': 0})\nexcept params.ParameterError as e:\n    print(e)\n")
    out = subprocess.run([sys.executable, "-c", check], env=env, cwd=root, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0] == "1 A tiny chapter A tiny chapter"
    assert lines[1] == "tiny: parameter n=0 is not valid; choose one of: 1, 2, 3"
    proc = subprocess.run([sys.executable, "-m", "analysis", "run"], env=env, cwd=root, capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    for run_id, n in (("tiny", 2), ("tiny__3", 3)):
        executed = json.loads((root / "book" / "generated" / "executed" / f"{run_id}.ipynb").read_text())
        text = json.dumps(executed)
        assert f"The tiny chapter counts {n} things." in text
    toc = subprocess.run([sys.executable, "-m", "analysis", "toc"], env=env, cwd=root, capture_output=True,
                         text=True)
    assert toc.returncode == 0, toc.stderr
    assert "- file: findings/tiny\n" in (root / "_toc.yml").read_text()  # its page at a readable address
