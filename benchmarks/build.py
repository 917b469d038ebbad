"""Benchmark of the build on the current machine (not a timed test).

Prints medians of several runs of:
  - a clean full build (`python -m analysis build --no-pdf` with no processed data, executed notebooks or HTML),
  - the PDF edition after it (`python -m analysis pdf`),
  - a no-op rebuild, PDF included (nothing changed),
  - one notebook re-run with a new parameter (`python -m analysis run data_coverage -p table …`),
  - a rebuild after editing one chapter module (a constant appended to `chapters/dialogues.py`: the runs that
    import it re-run; a comment would re-run nothing, keys hash syntax trees),
  - the baseline, measured in the same invocation: papermill's CLI executing every run of book/runs.yml one
    after another, then `jupyter-book build` — and the ratio clean build / baseline.

Each measurement runs in a fresh copy of the committed project (``git ls-files``) with the fetched raw data
linked in, so the working tree is never touched. Usage:
    ANALYSIS_DATA_MIRROR=../shared/data .venv/bin/python benchmarks/build.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
JB = str(Path(sys.executable).with_name("jupyter-book"))
PM = str(Path(sys.executable).with_name("papermill"))


def copy_project(dest: Path) -> Path:
    """A copy of the committed files, with data/raw's fetched files copied in (fetch then finds them cached)."""
    files = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    for rel in files.splitlines():
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / rel, target)
    for item in (ROOT / "data" / "raw").iterdir():
        if item.is_dir() and item.name != "strategy":
            shutil.copytree(item, dest / "data" / "raw" / item.name)
    shared = ROOT.parent / "shared"  # the seeds are read from ../shared/seeds, as in a checkout beside it
    if shared.is_dir() and not (dest.parent / "shared").exists():
        (dest.parent / "shared").symlink_to(shared)
    subprocess.run(["git", "init", "-q"], cwd=dest, check=True)
    return dest


def timed(cmd: list[str], cwd: Path, env: dict) -> float:
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")
    return elapsed


def env_for(root: Path) -> dict:
    mirror = str(Path(os.environ["ANALYSIS_DATA_MIRROR"]).resolve())
    # PYTHONPATH: the copy's package is the one imported (and hashed), not the editable install's
    return {**os.environ, "ANALYSIS_ROOT": str(root), "ANALYSIS_DATA_MIRROR": mirror,
            "PYTHONPATH": str(root / "src"), "PYDEVD_DISABLE_FILE_VALIDATION": "1"}


def clean(root: Path) -> None:
    for rel in ("_build", "book/generated"):
        shutil.rmtree(root / rel, ignore_errors=True)
    for p in (root / "data" / "processed").glob("*"):
        if p.name != "README.md":
            p.unlink()


def baseline(root: Path, env: dict) -> float:
    """papermill CLI, one notebook after another, then jupyter-book build (execution off)."""
    sys.path.insert(0, str(ROOT / "src"))
    os.environ["ANALYSIS_ROOT"] = str(root)
    from analysis.book.build import load_book, write_toc
    from analysis.book.pages import write_generated_pages

    book = load_book(root / "book" / "runs.yml")
    start = time.perf_counter()
    subprocess.run([PY, "-m", "analysis", "fetch"], cwd=root, env=env, check=True, capture_output=True)
    subprocess.run([PY, "-m", "analysis", "process"], cwd=root, env=env, check=True, capture_output=True)
    out = root / "book" / "generated" / "executed"
    out.mkdir(parents=True, exist_ok=True)
    for run in book.runs():
        args = [PM, str(root / "notebooks" / f"{run.notebook}.ipynb"), str(out / f"{run.id}.ipynb"),
                "--cwd", str(root / "notebooks"), "-k", "python3", "--no-progress-bar"]
        for k, v in run.parameters.items():
            args += ["-p", k, str(v)]
        subprocess.run(args, cwd=root, env={**env, "ANALYSIS_RUN_ID": run.id,
                                            "MPLBACKEND": "module://matplotlib_inline.backend_inline"},
                       check=True, capture_output=True)
    write_generated_pages()
    write_toc(book)
    subprocess.run([JB, "build", str(root), "--all"], cwd=root, env=env, check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if not os.environ.get("ANALYSIS_DATA_MIRROR"):
        raise SystemExit("set ANALYSIS_DATA_MIRROR (e.g. ../shared/data)")
    results: dict[str, list[float]] = {"clean": [], "pdf": [], "noop": [], "one_rerun": [], "edit_chapter": [],
                                       "baseline": []}
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        root = copy_project(Path(tmp) / "project")
        env = env_for(root)
        for i in range(args.repeat):
            clean(root)
            results["baseline"].append(baseline(root, env))
            clean(root)
            # the targets are for the HTML book (the baseline has no PDF either); the PDF edition is timed apart
            results["clean"].append(timed([PY, "-m", "analysis", "build", "--strict", "--no-pdf"], root, env))
            results["pdf"].append(timed([PY, "-m", "analysis", "pdf"], root, env))
            results["noop"].append(timed([PY, "-m", "analysis", "build", "--strict"], root, env))
            table = ["employment_by_occupation", "ai_adoption"][i % 2]
            results["one_rerun"].append(timed([PY, "-m", "analysis", "run", "data_coverage", "-p", "table", table],
                                              root, env))
            module = root / "src" / "analysis" / "chapters" / "dialogues.py"
            module.write_text(module.read_text() + f"\nBENCHMARK_EDIT_{i} = {i}\n")  # code, not a comment
            results["edit_chapter"].append(timed([PY, "-m", "analysis", "build", "--strict", "--no-pdf"],
                                                 root, env))
            print(f"round {i + 1}: " + ", ".join(f"{k} {v[-1]:.1f} s" for k, v in results.items()), flush=True)
        runs = len(json.loads((root / "book" / "generated" / "runs.json").read_text()))
    med = {k: statistics.median(v) for k, v in results.items()}
    print(f"\nmachine: {os.cpu_count()} cores; notebook runs in the book: {runs}; repeats: {args.repeat} (medians)")
    print(f"clean full build       {med['clean']:7.1f} s   (target ≤ 60 s)")
    print(f"PDF edition, then      {med['pdf']:7.1f} s")
    print(f"no-op rebuild          {med['noop']:7.1f} s   (target ≤ 3 s)")
    print(f"one re-run, new param  {med['one_rerun']:7.1f} s   (target ≤ 4 s)")
    print(f"edit one chapter module{med['edit_chapter']:7.1f} s   (target ≤ 15 s)")
    print(f"baseline (sequential)  {med['baseline']:7.1f} s")
    print(f"clean / baseline       {med['clean'] / med['baseline']:7.2f}     (target ≤ 0.3)")


if __name__ == "__main__":
    main()
