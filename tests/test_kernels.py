"""A kernel reused from one notebook to the next gives each notebook what a fresh kernel gives it."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import nbformat
import papermill as pm
import pytest

from analysis.book import build
from analysis.book.kernels import KernelError, ReusableKernel, ThreadKernels, renumber
from analysis.core import config

ROOT = Path(__file__).resolve().parents[1]


def _notebook(path: Path, *sources: str) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(s) for s in sources]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)
    return path


def _stdout(path: Path) -> list[str]:
    nb = nbformat.read(path, as_version=4)
    return [o.get("text", "") for c in nb.cells for o in c.outputs if o.get("name") == "stdout"]


def _stderr(path: Path) -> str:
    nb = nbformat.read(path, as_version=4)
    return "".join(o.get("text", "") for c in nb.cells for o in c.outputs if o.get("name") == "stderr")


@pytest.fixture
def helper_module(tmp_path):
    """A module that warns (the "default" action shows a warning once per process and code location)."""
    (tmp_path / "warner.py").write_text("import warnings\n\ndef f():\n    warnings.warn('careful', UserWarning)\n")
    return tmp_path


def test_second_notebook_sees_a_fresh_kernel(tmp_path, helper_module):
    """Names, a changed matplotlib setting, the working directory, a warning already shown, the environment:
    nothing of the first notebook reaches the second."""
    first = _notebook(tmp_path / "a.ipynb",
                      "import os, warnings, matplotlib\nwarnings.simplefilter('default')\n"
                      "import warner\nwarner.f()\nsecret = 41\n",
                      "matplotlib.rcParams['lines.linewidth'] = 9.0\nos.chdir('/')\n")
    second = _notebook(tmp_path / "b.ipynb",
                       "import os, warnings, matplotlib\nwarnings.simplefilter('default')\n"
                       "import warner\nwarner.f()\n",
                       "print('secret' in globals(), matplotlib.rcParams['lines.linewidth'], os.getcwd(),"
                       " os.environ['ANALYSIS_RUN_ID'])\n")
    kernel = ReusableKernel(cwd=tmp_path)
    try:
        km = kernel.prepare(helper_module, {"ANALYSIS_RUN_ID": "first"})
        pm.execute_notebook(str(first), str(tmp_path / "a.out.ipynb"), kernel_name="python3", progress_bar=False,
                            km=km)
        km2 = kernel.prepare(helper_module, {"ANALYSIS_RUN_ID": "second"})
        assert km2 is km  # the same kernel process
        pm.execute_notebook(str(second), str(tmp_path / "b.out.ipynb"), kernel_name="python3",
                            progress_bar=False, km=km)
        assert kernel.runs == 2
    finally:
        kernel.shutdown()
    import matplotlib

    fresh_width = matplotlib.rcParamsDefault["lines.linewidth"]
    assert _stdout(tmp_path / "b.out.ipynb") == [f"False {fresh_width} {helper_module} second\n"]
    assert "careful" in _stderr(tmp_path / "a.out.ipynb")
    assert "careful" in _stderr(tmp_path / "b.out.ipynb"), "a warning shown by the first notebook is shown again"
    assert kernel.km is None


def test_renumber_gives_fresh_kernel_counts():
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("x"), nbformat.v4.new_code_cell("1", execution_count=17),
                nbformat.v4.new_code_cell("", execution_count=None), nbformat.v4.new_code_cell("2", execution_count=19)]
    nb.cells[3].outputs = [nbformat.v4.new_output("execute_result", {"text/plain": "2"}, execution_count=19)]
    renumber(nb)
    assert [c.get("execution_count") for c in nb.cells] == [None, 1, None, 2]
    assert nb.cells[3].outputs[0]["execution_count"] == 2


def test_one_kernel_per_thread_and_none_after_stop():
    kernels = ThreadKernels()
    mine = kernels.get()
    assert kernels.get() is mine
    other: list[ReusableKernel] = []
    t = threading.Thread(target=lambda: other.append(kernels.get()))
    t.start()
    t.join()
    assert other[0] is not mine
    kernels.stop()
    with pytest.raises(KernelError, match="stopping"):
        kernels.get()
    kernels.close()  # nothing was started: nothing to stop, no error


def test_failed_preparation_says_why(tmp_path):
    kernel = ReusableKernel(cwd=tmp_path)
    try:
        with pytest.raises(KernelError, match="FileNotFoundError"):
            kernel.prepare(tmp_path / "missing-folder", {})
    finally:
        kernel.shutdown()


def _outputs(path: Path) -> list:
    nb = json.loads(path.read_text())
    return [(c.get("execution_count"), c.get("outputs")) for c in nb["cells"] if c["cell_type"] == "code"]


@pytest.mark.integration
def test_reused_kernel_notebooks_equal_fresh_kernel_notebooks(processed, tmp_path, monkeypatch):
    """The build's runner (one reused kernel here) writes the same cells, outputs, images and execution counts
    as a fresh kernel per run, for a chapter and two profiles run after other notebooks."""
    wanted = ["data_coverage", "profile__BE", "sector_dialogues", "profile__DK"]
    runs = {r.id: r for r in build.load_book(ROOT / "book" / "runs.yml").runs()}
    outputs = {}
    for name, executor in (("fresh", build.InlineExecutor()), ("reused", None)):
        gen = tmp_path / name
        monkeypatch.setattr(config, "generated_dir", lambda g=gen: g)
        monkeypatch.setattr(config, "executed_dir", lambda g=gen: g / "executed")
        monkeypatch.setattr(config, "site_extra_dir", lambda g=gen: g / "site")
        build.run_all([runs[i] for i in wanted], executor=executor, workers=1, log=lambda *_: None, force=True)
        outputs[name] = {i: _outputs(gen / "executed" / f"{i}.ipynb") for i in wanted}
    for run_id in wanted:
        assert outputs["reused"][run_id] == outputs["fresh"][run_id], run_id
    assert any("image/png" in str(o) or "<img" in str(o) for o in outputs["reused"]["profile__DK"])
