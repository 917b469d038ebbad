"""The run list, the generated table of contents, the CLI's parameter errors, and the whole book build."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from analysis.book import build
from analysis.chapters.params import ParameterError, coerce_cli, validate
from analysis.core import config

ROOT = Path(__file__).resolve().parents[1]


def test_committed_toc_is_generated_from_runs_yml():
    book = build.load_book(ROOT / "book" / "runs.yml")
    assert (ROOT / "_toc.yml").read_text() == build.toc_yaml(book), "run `python -m analysis toc` and commit"


def test_every_notebook_has_parameters_cell_and_a_run():
    import nbformat

    book = build.load_book(ROOT / "book" / "runs.yml")
    run_notebooks = {r.notebook for r in book.runs()}
    for nb_path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        nb = nbformat.read(nb_path, as_version=4)
        tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
        assert len(tagged) == 1, f"{nb_path.name}: exactly one cell tagged 'parameters'"
        after = nb.cells[nb.cells.index(tagged[0]) + 1]
        assert "validate(" in after.source, f"{nb_path.name}: the cell after the parameters must validate them"
        assert nb_path.stem in run_notebooks, f"{nb_path.name} is not run by book/runs.yml"


def test_runs_yml_rejects_unknown_parameter(tmp_path):
    bad = tmp_path / "runs.yml"
    bad.write_text("root: book/intro\nparts:\n- caption: x\n  chapters:\n  - run: {id: a, notebook: data_coverage,"
                   " parameters: {tabel: ai_adoption}}\n")
    with pytest.raises(ParameterError, match=r"unknown parameter\(s\) tabel; valid parameters: table"):
        build.load_book(bad)


def test_validate_messages():
    with pytest.raises(ParameterError, match="unknown notebook 'nope'"):
        validate("nope", {})
    with pytest.raises(ParameterError, match="table="):
        validate("data_coverage", {"table": "unknown_table"})
    with pytest.raises(ParameterError, match="expects"):
        coerce_cli("data_coverage", "table", "x") and validate("data_coverage", {"table": 5})


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "analysis", *args], capture_output=True, text=True, cwd=ROOT)


def test_cli_bad_parameter_exits_nonzero_before_work():
    before = set((config.build_dir() / "runs").glob("*")) if (config.build_dir() / "runs").exists() else set()
    proc = _cli("run", "data_coverage", "-p", "tabel", "x")
    assert proc.returncode == 1
    assert "unknown parameter tabel" in proc.stderr and "Traceback" not in proc.stderr
    proc = _cli("run", "data_coverage", "-p", "table", "<b>x</b>")
    assert proc.returncode == 1 and "choose one of" not in proc.stdout
    assert "expects one of: ai_adoption, employment_by_occupation" in proc.stderr
    after = set((config.build_dir() / "runs").glob("*")) if (config.build_dir() / "runs").exists() else set()
    assert after == before  # nothing written


@pytest.mark.integration
@pytest.mark.book
def test_book_builds_with_warnings_as_errors(built_book):
    assert built_book["returncode"] == 0, built_book["output"][-5000:]
    html = built_book["html"]
    assert (html / "index.html").exists()
    book = build.load_book(ROOT / "book" / "runs.yml")
    paths = build.page_paths(book)
    for run in book.runs():
        page = html / f"{paths[run.id]}.html"  # the readable address (chapters/…, countries/…)
        assert page.exists(), f"{page} missing"
        text = page.read_text()
        assert "Traceback" not in text and "ParameterError" not in text
    # readers cite public documents, never our copies of them (issue 15): no seed file name on any page
    seed = re.compile(r"\b\d{3}_[0-9a-f]{16}\.txt\b")
    shown = [p.relative_to(html).as_posix() for p in html.rglob("*.html") if seed.search(p.read_text(errors="replace"))]
    assert not shown, f"pages that show a seed file name: {shown}"
    sources_page = (html / "book" / "generated" / "data_sources.html").read_text()
    assert "e2094d4768e9729e318b28422b4963294c47b9b73611d21934522af6360136f8" in sources_page
    assert (html / "tables" / "ai_adoption.csv").exists()


class _RecordingExecutor:
    """A stand-in executor: records which runs were submitted and pretends they succeeded."""

    def __init__(self):
        self.submitted: list[str] = []

    def submit(self, fn, run, commit):
        import concurrent.futures as cf

        self.submitted.append(run.id)
        fut: cf.Future = cf.Future()
        target = config.executed_dir() / f"{run.id}.ipynb"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text("{}")
        fut.set_result({"id": run.id, "notebook": run.notebook, "parameters": run.parameters, "seconds": 0.0,
                        "finished": "now", "commit": commit, "versions": {}, "output": str(target)})
        return fut

    def shutdown(self):
        pass


@pytest.mark.integration
def test_changed_input_reruns_exactly_the_notebooks_that_read_it(processed, tmp_path, monkeypatch):
    import shutil

    book = build.load_book(ROOT / "book" / "runs.yml")
    runs = book.runs()
    gen = tmp_path / "generated"
    data = tmp_path / "processed"
    shutil.copytree(processed, data)
    monkeypatch.setattr(config, "generated_dir", lambda: gen)
    monkeypatch.setattr(config, "executed_dir", lambda: gen / "executed")
    monkeypatch.setattr(config, "processed_dir", lambda: data)

    first = _RecordingExecutor()
    build.run_all(runs, executor=first, log=lambda *_: None)
    assert first.submitted == [r.id for r in runs]
    again = _RecordingExecutor()
    build.run_all(runs, executor=again, log=lambda *_: None)
    assert again.submitted == []  # nothing changed: nothing runs

    changed = data / "employment_by_occupation.csv"
    changed.write_bytes(changed.read_bytes() + b"\n")
    third = _RecordingExecutor()
    build.run_all(runs, executor=third, log=lambda *_: None)
    readers = [r.id for r in runs
               if "employment_by_occupation" in validate(r.notebook, r.parameters).input_tables()]
    assert third.submitted == readers and 0 < len(readers) < len(runs)

    # a new parameter value re-runs that run only
    edited = [r.model_copy(update={"parameters": {"table": "ai_adoption"}}) if r.id == "data_coverage__employment"
              else r for r in runs]
    fourth = _RecordingExecutor()
    build.run_all(edited, executor=fourth, log=lambda *_: None)
    assert fourth.submitted == ["data_coverage__employment"]


def _text_outputs(path: Path) -> list[str]:
    import nbformat

    nb = nbformat.read(path, as_version=4)
    out = []
    for cell in nb.cells:
        for o in cell.get("outputs", []):
            if o.get("output_type") == "stream":
                out.append(o["text"])
            elif "text/plain" in o.get("data", {}):
                out.append(o["data"]["text/plain"])
    return out


@pytest.mark.integration
def test_parallel_runs_equal_sequential_runs(processed, tmp_path, monkeypatch):
    """The process pool (any concurrent.futures.Executor) gives the same notebooks as a sequential run."""
    import concurrent.futures as cf

    runs = [r for r in build.load_book(ROOT / "book" / "runs.yml").runs() if r.notebook == "data_coverage"]
    outputs = {}
    for name, executor in (("sequential", build.InlineExecutor()), ("pool", cf.ProcessPoolExecutor(2))):
        gen = tmp_path / name
        monkeypatch.setattr(config, "generated_dir", lambda g=gen: g)
        monkeypatch.setattr(config, "executed_dir", lambda g=gen: g / "executed")
        monkeypatch.setattr(config, "site_extra_dir", lambda g=gen: g / "site")
        with executor:
            records = build.run_all(runs, executor=executor, log=lambda *_: None)
        assert [r["id"] for r in records] == [r.id for r in runs]
        outputs[name] = {r.id: _text_outputs(gen / "executed" / f"{r.id}.ipynb") for r in runs}
    assert outputs["pool"] == outputs["sequential"]
    assert all(outputs["pool"].values())
