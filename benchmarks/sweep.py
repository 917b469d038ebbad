"""Benchmark of a sweep on the current machine (not a timed test).

The SME chapter (``sme_adoption_gap``) over the 27 member states × 3 survey years (81 runs), through the command
line (``python -m analysis sweep … --no-pages``), measured on:
  - the local process pool of 2 (``--executor pool --workers 2``),
  - a local dask cluster of 2 worker processes (``--executor dask --workers 2``),
  - a re-run of the same sweep on the pool (every run skipped: its key is unchanged),
  - the run pages of the sweep (``analysis.book.runpages.render_sweep``, one Jupyter Book build).
For each: wall time, runs per minute, and peak memory (the largest sum of resident memory over the command's
whole process tree: the CLI, pool processes or dask scheduler/nannies/workers, and the notebook kernels),
sampled every 0.2 s with psutil.

With ``--geos N`` only the first N member states are run (N × 3 runs); runs per minute are then measured on the
subset and the time of 81 runs is extrapolated from it (81 / runs per minute), and the output says so.
Each engine starts from an empty sweep folder (``_build/sweeps/bench-*``). Usage:
    ANALYSIS_DATA_MIRROR=../shared/data PYTHONPATH=src .venv/bin/python benchmarks/sweep.py [--geos 27]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
YEARS = (2023, 2024, 2025)


def member_states() -> list[str]:
    from analysis.chapters.adoption import EU27_MEMBER_STATES

    return list(EU27_MEMBER_STATES)


def tree_rss(proc: psutil.Process) -> int:
    """Resident memory (bytes) of a process and all its descendants."""
    total = 0
    for p in [proc, *proc.children(recursive=True)]:
        try:
            total += p.memory_info().rss
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            pass
    return total


def measure(cmd: list[str], env: dict) -> dict:
    """Run ``cmd``; wall seconds, exit code, peak tree memory (MB), output tail."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    ps = psutil.Process(proc.pid)
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            try:
                peak = max(peak, tree_rss(ps))
            except psutil.NoSuchProcess:
                return
            time.sleep(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, _ = proc.communicate()
    done.set()
    sampler.join()
    seconds = time.perf_counter() - start
    return {"seconds": round(seconds, 1), "returncode": proc.returncode, "peak_mb": round(peak / 2**20),
            "tail": "\n".join(out.strip().splitlines()[-4:])}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--geos", type=int, default=27, help="member states to run (default all 27)")
    ap.add_argument("--engines", default="pool,dask", help="comma-separated: pool, dask")
    ap.add_argument("--pages", action="store_true", help="also time the run pages of the pool sweep")
    args = ap.parse_args()
    geos = member_states()[: args.geos]
    runs = len(geos) * len(YEARS)
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "PYDEVD_DISABLE_FILE_VALIDATION": "1"}
    base = [sys.executable, "-m", "analysis", "sweep", "sme_adoption_gap", "-p", "geo", ",".join(geos),
            "-p", "year", ",".join(map(str, YEARS)), "--workers", "2", "--no-pages"]
    rows = []
    for engine in args.engines.split(","):
        name = f"bench-{engine}"
        shutil.rmtree(ROOT / "_build" / "sweeps" / name, ignore_errors=True)
        m = measure([*base, "--name", name, "--executor", engine], env)
        if m["returncode"] != 0:
            raise SystemExit(f"the {engine} sweep failed:\n{m['tail']}")
        rows.append({"what": f"{runs} runs, {'local pool of 2' if engine == 'pool' else 'dask LocalCluster of 2'}",
                     "runs": runs, **m})
        print(json.dumps(rows[-1]), flush=True)
        if engine == "pool":
            m = measure([*base, "--name", name, "--executor", "pool"], env)
            rows.append({"what": f"re-run of the same {runs} runs (all skipped)", "runs": runs, **m})
            print(json.dumps(rows[-1]), flush=True)
            if args.pages:
                code = ("import time; from pathlib import Path; from analysis import runpages;"
                        f"f=Path({str(ROOT / '_build' / 'sweeps' / name)!r});"
                        "ids=sorted(p.stem for p in (f/'runs').glob('*.ipynb'));"
                        "runpages.render_sweep(f, ids)")
                m = measure([sys.executable, "-c", code], env)
                rows.append({"what": f"run pages of the {runs} runs (one Jupyter Book build)", "runs": runs, **m})
                print(json.dumps(rows[-1]), flush=True)
    print()
    print("| what | wall time (s) | runs/min | time of 81 runs (min) | peak memory (MB) | exit |")
    print("|---|---|---|---|---|---|")
    for r in rows:
        rpm = r["runs"] / r["seconds"] * 60 if r["seconds"] else float("nan")
        eighty_one = "" if "skipped" in r["what"] or "pages" in r["what"] else \
            (f"{r['seconds'] / 60:.1f}" if r["runs"] == 81 else f"{81 / rpm:.1f} (extrapolated)")
        print(f"| {r['what']} | {r['seconds']} | {rpm:.1f} | {eighty_one} | {r['peak_mb']} | {r['returncode']} |")
    out = ROOT / "_build" / "benchmarks" / "sweep.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"geos": geos, "years": YEARS, "rows": rows}, indent=1))


if __name__ == "__main__":
    main()
