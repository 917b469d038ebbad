"""Exact cache keys: a run's key covers the package modules it uses, and only those (analysis.core.cache)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from analysis.book import build
from analysis.core import cache

ROOT = Path(__file__).resolve().parents[1]


def _mod(name: str) -> str:
    """The dotted name of a module of the package, wherever the layers put it (``adoption`` → ``analysis…``)."""
    found = [m for m in cache.package_modules() if m.rsplit(".", 1)[-1] == name]
    assert len(found) == 1, (name, found)
    return found[0]


@pytest.fixture
def package_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the package that the key functions read instead of the real one (edited by the tests)."""
    copy = tmp_path / "analysis"
    shutil.copytree(cache.package_dir(), copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(cache, "package_dir", lambda: copy)
    return copy


def _file(copy: Path, name: str) -> Path:
    """The file of module ``name`` in the copy (``package_dir`` points there)."""
    path = cache.package_modules()[_mod(name)]
    assert path.is_relative_to(copy)
    return path


def test_closure_follows_imports_at_any_depth(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pkg = tmp_path / "analysis"
    (pkg / "sub").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "sub" / "__init__.py").write_text("")
    (pkg / "a.py").write_text("from analysis.sub import b\n")
    (pkg / "sub" / "b.py").write_text("def f():\n    from . import c\n")
    (pkg / "sub" / "c.py").write_text("import os\n")
    (pkg / "d.py").write_text("from analysis import a\n")
    monkeypatch.setattr(cache, "package_dir", lambda: pkg)
    assert cache.module_closure(["analysis.a"]) == ["analysis", "analysis.a", "analysis.sub", "analysis.sub.b",
                                                    "analysis.sub.c"]
    assert cache.module_closure(["analysis.sub.c"]) == ["analysis", "analysis.sub", "analysis.sub.c"]


def test_notebook_imports_ignore_magics(tmp_path: Path) -> None:
    fmt, storage = _mod("fmt"), _mod("storage")
    layer = storage.rsplit(".", 1)[0]
    nb = {"cells": [{"cell_type": "code", "source": f"%matplotlib inline\nimport {fmt} as nf\n"},
                    {"cell_type": "markdown", "source": f"import {_mod('build')}"},
                    {"cell_type": "code", "source": ["!ls\n", f"from {layer} import storage\n"]}]}
    path = tmp_path / "n.ipynb"
    path.write_text(json.dumps(nb))
    assert cache.notebook_imports(path) == sorted({fmt, storage, layer})


def test_data_files_declared_by_the_claims_chapter_are_in_its_key() -> None:
    from analysis.chapters import registry

    files = build.data_files(registry.chapter_module("claims_check"))
    assert ROOT / "data" / "raw" / "strategy" / "claims.yml" in files


@pytest.fixture(scope="module")
def book_runs() -> list:
    return build.load_book(ROOT / "book" / "runs.yml").runs()


def _keys(runs: list) -> dict[str, str]:
    return {r.id: build.run_key(r) for r in runs}


def _changed(before: dict[str, str], after: dict[str, str]) -> set[str]:
    return {run_id for run_id in before if before[run_id] != after[run_id]}


@pytest.mark.integration
def test_edits_rerun_exactly_the_runs_that_use_the_module(processed, package_copy: Path, book_runs: list) -> None:
    profiles = {r.id for r in book_runs if r.notebook == "country_profile"}
    coverage_runs = {r.id for r in book_runs if r.notebook == "data_coverage"}
    base = _keys(book_runs)

    # a comment (and a blank line) in an unrelated module, and in a chapter module: nothing re-runs
    for name in ("pages", "adoption"):
        path = _file(package_copy, name)
        path.write_text(path.read_text() + "\n# a comment\n")
    assert _changed(base, _keys(book_runs)) == set()

    # one chapter module that nothing else imports: only that chapter's run
    path = _file(package_copy, "implications")
    path.write_text(path.read_text() + "\nEDITED = 1\n")
    step = _keys(book_runs)
    assert _changed(base, step) == {"strategy_implications"}

    # the dialogues chapter: its run and the closing chapter's, which imports it
    path = _file(package_copy, "dialogues")
    path.write_text(path.read_text() + "\nEDITED = 1\n")
    after = _keys(book_runs)
    assert _changed(step, after) == {"sector_dialogues", "strategy_implications"}

    # a shared module (coverage: flag wording, imported by the adoption and profile chapters): exactly its
    # dependants: data coverage, adoption, the profiles, claims and implications (they import adoption), and the
    # exposure chapter (it imports claims for the public references of the strategy's quotes)
    path = _file(package_copy, "coverage")
    path.write_text(path.read_text() + "\nEDITED = 1\n")
    assert _changed(after, _keys(book_runs)) == (coverage_runs | profiles | {
        "sme_adoption_gap", "claims_check", "strategy_implications", "labour_exposure"})

    # the codelists' reader: every run (the xlsx reader, used by process, which every notebook imports, maps
    # labels to codes with them)
    step = _keys(book_runs)
    path = _file(package_copy, "codelists")
    path.write_text(path.read_text() + "\nEDITED = 1\n")
    assert _changed(step, _keys(book_runs)) == set(base)


@pytest.mark.integration
def test_claims_registry_edit_reruns_only_the_claims_chapter(processed, book_runs: list, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    from analysis.chapters import claims

    base = _keys(book_runs)
    copy = tmp_path / "claims.yml"
    copy.write_text(claims.registry_file().read_text() + "\n# edited\n")
    monkeypatch.setattr(claims, "registry_file", lambda: copy)
    assert _changed(base, _keys(book_runs)) == {"claims_check"}


@pytest.mark.integration
def test_the_exposure_tables_module_is_in_the_keys_of_the_exposure_chapters_runs(processed, package_copy: Path,
                                                                                 book_runs: list) -> None:
    """The exposure chapter's tables moved to analysis.tables.occupation_scores and its readers: editing them
    re-runs exactly the runs that editing the chapter module re-runs (the labour-exposure chapter among them)."""
    base = _keys(book_runs)
    path = _file(package_copy, "exposure")
    original = path.read_text()
    path.write_text(original + "\nEDITED = 1\n")
    dependants = _changed(base, _keys(book_runs))
    path.write_text(original)
    assert "labour_exposure" in dependants and "sector_dialogues" not in dependants
    for name in ("occupation_scores", "felten", "eloundou", "bls"):
        path = _file(package_copy, name)
        original = path.read_text()
        path.write_text(original + "\nEDITED = 1\n")
        assert _changed(base, _keys(book_runs)) == dependants, name
        path.write_text(original)


@pytest.mark.integration
def test_a_codelist_edit_reruns_every_run(processed, package_copy: Path, book_runs: list) -> None:
    """Codelists are data read by analysis.core.codelists (imported by every run through the xlsx reader): editing
    one of their CSV files, e.g. a label of an AI technology that used to be a dict in the adoption chapter,
    re-runs every run, as editing the dict did for its dependants."""
    base = _keys(book_runs)
    path = _file(package_copy, "codelists").parent / "ai_technologies.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("text mining", "text-mining"), encoding="utf-8")
    assert _changed(base, _keys(book_runs)) == set(base)
