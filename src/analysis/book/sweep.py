"""Parameter sweeps: one notebook × a grid of parameters, on a local process pool or a ``dask.distributed``
cluster, with every run's glued values collected into one table (:mod:`analysis.book.results`).

``python -m analysis sweep sme_adoption_gap -p geo AT,BE -p year 2023,2024`` runs 4 runs. The steps:

1. :func:`parse_grid` reads ``-p NAME v1,v2`` pairs (``all``: every valid value the parameter model knows,
   :meth:`analysis.chapters.params.NotebookParams.choices`, given the other parameters of the combination);
2. :func:`plan` expands the grid and validates every combination against the data before anything runs (a bad
   value: :class:`SweepError` listing the valid ones); refuses an empty grid and, without ``yes``, a grid of
   more than :data:`MAX_RUNS` runs;
3. :func:`run_sweep` opens the executor (an unreachable scheduler fails here, before anything is written), skips
   the runs already done with the same key (:func:`analysis.book.build.run_key`), runs the others (:func:`execute`
   on the worker: the executed notebook comes back as text, so workers need no shared disk), writes each run's
   record as it finishes (a killed sweep resumes where it stopped), retries once a run whose worker died, and
   records a failed run without stopping the others. Then the results table, a summary and the run pages.

Files, under ``_build/sweeps/<name>/``: ``runs/<run id>.ipynb`` (executed), ``runs/<run id>.json`` (record:
status, key, seconds, error, glued values), ``results.csv`` / ``results.parquet``, ``summary.md``,
``html/`` (a readable page per run, :mod:`analysis.book.runpages`).
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import itertools
import json
import os
import re
import socket
import tempfile
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from analysis.book import build, results, runpages
from analysis.chapters.params import ParameterError, coerce_cli, model_for, validate
from analysis.core.storage import atomic_write_json, atomic_write_text

ALL = "all"
#: More runs than this need ``--yes``.
MAX_RUNS = 10_000
#: Seconds to wait for a dask scheduler before giving up.
CONNECT_TIMEOUT = 5
#: Exception class names meaning "the process running the run died" (retried once).
LOST_WORKER = {"BrokenProcessPool", "KilledWorker", "CommClosedError"}


class SweepError(ValueError):
    """A sweep that cannot start (bad grid, unreachable scheduler); nothing was run or written."""


# ------------------------------------------------------------------------------------------------ the grid
def parse_grid(notebook: str, pairs: list[tuple[str, str]]) -> dict[str, list[Any] | str]:
    """``[("geo", "AT,BE"), ("year", "all")]`` → ``{"geo": ["AT", "BE"], "year": "all"}``, values converted to
    the parameters' types. Unknown notebook or parameter, a wrong type, a repeated name: :class:`SweepError`."""
    try:
        model_for(notebook)
    except ParameterError as exc:
        raise SweepError(str(exc)) from None
    if not pairs:
        raise SweepError(f"{notebook}: empty grid: give at least one -p NAME v1,v2 (or `run` for a single run)")
    grid: dict[str, list[Any] | str] = {}
    for name, text in pairs:
        if name in grid:
            raise SweepError(f"{notebook}: parameter {name} given twice; list its values once: -p {name} v1,v2")
        if text.strip().lower() == ALL:
            grid[name] = ALL
            continue
        try:
            values = [coerce_cli(notebook, name, t.strip()) for t in text.split(",") if t.strip()]
        except ParameterError as exc:
            raise SweepError(str(exc)) from None
        if not values:
            raise SweepError(f"{notebook}: empty grid: parameter {name} has no values")
        grid[name] = list(dict.fromkeys(values))
    return grid


def expand(notebook: str, grid: dict[str, list[Any] | str]) -> list[dict[str, Any]]:
    """Every combination of the grid. ``all`` expands, for each combination of the listed values (and of the
    ``all`` parameters before it), to the valid values given those (e.g. the years with data for that ``geo``); ``None``
    (a parameter's "default/latest") is not among them."""
    model = model_for(notebook)
    combos: list[dict[str, Any]] = [{}]
    order = sorted(grid, key=lambda n: grid[n] == ALL)  # listed values first: `all` depends on them
    for name in order:
        values = grid[name]
        new: list[dict[str, Any]] = []
        for combo in combos:
            if values == ALL:
                try:
                    choices = model.choices(name, **combo)
                except ParameterError as exc:
                    raise SweepError(str(exc)) from None
                if choices is None:
                    raise SweepError(f"{notebook}: parameter {name} has no finite list of valid values; "
                                     f"list them: -p {name} v1,v2")
                new.extend({**combo, name: c} for c in choices if c is not None)
            else:
                new.extend({**combo, name: v} for v in values)
        combos = new
    return [{n: c[n] for n in grid} for c in combos]


def plan(notebook: str, grid: dict[str, list[Any] | str], *, yes: bool = False,
         max_runs: int = MAX_RUNS) -> list[build.Run]:
    """The runs of a grid, each validated against the data. Raises :class:`SweepError` (nothing run) for an
    empty grid, more than ``max_runs`` runs without ``yes``, or any invalid combination (all listed)."""
    explicit = 1
    for values in grid.values():
        explicit *= 1 if values == ALL else len(values)
    if explicit > max_runs and not yes:
        raise SweepError(f"{notebook}: the grid has {explicit} or more runs (> {max_runs}); pass --yes to run them")
    combos = expand(notebook, grid)
    if not combos:
        raise SweepError(f"{notebook}: empty grid: no combination of {', '.join(grid)} has valid values")
    if len(combos) > max_runs and not yes:
        raise SweepError(f"{notebook}: the grid has {len(combos)} runs (> {max_runs}); pass --yes to run them")
    problems: dict[str, dict[str, Any]] = {}
    for combo in combos:
        try:
            validate(notebook, combo)
        except ParameterError as exc:
            problems.setdefault(str(exc), combo)
    if problems:
        raise SweepError(f"{len(problems)} invalid combination(s); nothing was run:\n  "
                         + "\n  ".join(f"{combo}: {msg}" for msg, combo in problems.items()))
    runs = [build.Run(id=build.run_id_for(notebook, c), notebook=notebook, parameters=c) for c in combos]
    ids = [r.id for r in runs]
    if len(set(ids)) != len(ids):
        raise SweepError(f"{notebook}: two combinations map to the same run id; list each value once")
    return runs


def default_name(notebook: str) -> str:
    return notebook


# ------------------------------------------------------------------------------------------------ on a worker
def execute(run: build.Run, commit: str) -> dict[str, Any]:
    """Run one notebook where this function is called (a pool process or a dask worker) into a temporary
    folder; return its record, the executed notebook's text and the key this worker computes (its code and
    processed tables: compared with the client's)."""
    with tempfile.TemporaryDirectory(prefix="analysis-sweep-") as tmp:
        record = build.execute_run(run, commit, output_dir=Path(tmp), adhoc=True)  # figures off the site
        build.prune_ad_hoc_downloads(run.id)  # → _build/runs/<id>/downloads/ on this machine
        text = (Path(tmp) / f"{run.id}.ipynb").read_text(encoding="utf-8")
    record.pop("output", None)
    record["worker"] = f"{socket.gethostname()}:{os.getpid()}"
    return {"record": record, "notebook": text, "key": build.run_key(run)}


# ------------------------------------------------------------------------------------------------ executors
class _Engine:
    """An executor plus what the driver needs to know about it."""

    def __init__(self, make: Callable[[], cf.Executor], window: int, isolate_retries: bool,
                 closer: Callable[[], None] | None = None, label: str = "") -> None:
        self._make, self.window, self.isolate_retries, self._closer, self.label = make, window, isolate_retries, \
            closer, label
        self.executor = make()

    def submit(self, fn: Callable, *args: Any) -> cf.Future:
        return self.executor.submit(fn, *args)

    def restart(self) -> None:
        """A broken process pool cannot take work: replace it."""
        self.executor.shutdown(wait=False)
        self.executor = self._make()

    def close(self, wait: bool = True) -> None:
        """Shut down; ``wait=False`` (an interrupted sweep) cancels what has not started and does not wait."""
        if wait or not isinstance(self.executor, cf.ProcessPoolExecutor):
            self.executor.shutdown(wait=wait)  # dask's ClientExecutor has no cancel_futures
        else:
            self.executor.shutdown(wait=False, cancel_futures=True)
        if self._closer:
            self._closer()


@contextlib.contextmanager
def _closing(engine: _Engine) -> Iterator[_Engine]:
    """The engine, closed when the sweep ends: waiting for its runs, or at once after an error or Ctrl-C."""
    try:
        yield engine
    except BaseException:
        engine.close(wait=False)
        raise
    engine.close()


@contextlib.contextmanager
def open_engine(executor: str = "pool", scheduler: str | None = None, workers: int = 2) -> Iterator[_Engine]:
    """``pool``: ``workers`` local processes. ``dask``: the scheduler at ``scheduler``, or a ``LocalCluster`` of
    ``workers`` processes (one thread each) on 127.0.0.1. A dead worker's run is retried once by the sweep, not
    by dask (``allowed-failures`` 0 and ``worker-saturation`` 1.0 for the local cluster; start your scheduler
    with ``DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES=0 DASK_DISTRIBUTED__SCHEDULER__WORKER_SATURATION=1.0``
    for the same rule). Tasks are submitted with ``pure=False``: a retry is a new task."""
    if workers < 1:
        raise SweepError(f"--workers must be at least 1 (got {workers})")
    if scheduler is None and executor == "pool":
        with _closing(_Engine(lambda: cf.ProcessPoolExecutor(max_workers=workers), window=workers,
                              isolate_retries=True, label=f"local pool of {workers}")) as engine:
            yield engine
        return
    if executor not in ("pool", "dask"):
        raise SweepError(f"unknown executor {executor!r}; choose pool or dask")
    try:
        import dask
        from dask.distributed import Client, LocalCluster
    except ImportError:
        raise SweepError("dask.distributed is not installed: pip install -e '.[dask]'") from None
    # one task per worker thread at a time, none retried by dask: a dead worker takes down exactly its run
    with dask.config.set({"distributed.scheduler.allowed-failures": 0,
                          "distributed.scheduler.worker-saturation": 1.0}):
        if scheduler:
            try:
                client = Client(scheduler, timeout=CONNECT_TIMEOUT)
            except (OSError, TimeoutError, ValueError) as exc:
                raise SweepError(f"cannot reach the dask scheduler at {scheduler} within {CONNECT_TIMEOUT} s "
                                 f"({type(exc).__name__}: {exc}); start one with `dask scheduler` and workers "
                                 "with `dask worker ADDRESS` (see README)") from None
            cluster = None
            label = f"dask scheduler {scheduler}"
        else:
            cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1",
                                   dashboard_address=None)
            client = Client(cluster)
            label = f"dask LocalCluster of {workers}"

        def closer() -> None:
            client.close()
            if cluster is not None:
                cluster.close()

        with _closing(_Engine(lambda: client.get_executor(pure=False), window=1_000_000, isolate_retries=False,
                              closer=closer, label=label)) as engine:
            yield engine


# ------------------------------------------------------------------------------------------------ the driver
@dataclass
class Outcome:
    run_id: str
    status: str  # done | skipped | failed
    seconds: float = 0.0
    error: str = ""


@dataclass
class SweepResult:
    name: str
    folder: Path
    outcomes: list[Outcome] = field(default_factory=list)
    files: dict[str, Path] = field(default_factory=dict)

    def count(self, status: str) -> int:
        return sum(o.status == status for o in self.outcomes)

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == "failed"]

    def summary(self) -> str:
        lines = [f"sweep {self.name}: {len(self.outcomes)} runs: {self.count('done')} done, "
                 f"{self.count('skipped')} skipped (already done), {self.count('failed')} failed"]
        lines += [f"  FAILED {o.run_id}: {o.error}" for o in self.failed]
        return "\n".join(lines)


def sweep_folder(name: str) -> Path:
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", name):
        raise SweepError(f"sweep name {name!r}: use letters, digits, '_', '.', '-'")
    return results.sweeps_dir() / name


def _record_path(folder: Path, run_id: str) -> Path:
    return folder / "runs" / f"{run_id}.json"


def _read_record(folder: Path, run_id: str) -> dict[str, Any] | None:
    path = _record_path(folder, run_id)
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _is_done(folder: Path, run: build.Run, key: str) -> bool:
    rec = _read_record(folder, run.id)
    return bool(rec and rec.get("status") == "done" and rec.get("key") == key
                and (folder / "runs" / f"{run.id}.ipynb").exists())


def _error_text(exc: BaseException) -> str:
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text.splitlines()[-1] if text else ''}"


def run_sweep(notebook: str, runs: list[build.Run], *, name: str | None = None, executor: str = "pool",
              scheduler: str | None = None, workers: int = 2, task: Callable[[build.Run, str], dict] = execute,
              progress: bool = True, pages: bool = True, log: Callable[[str], None] = print) -> SweepResult:
    """Run the planned ``runs`` (see :func:`plan`) and write the sweep's files. Never raises because a run
    failed: see :attr:`SweepResult.failed`."""
    from tqdm import tqdm

    name = name or default_name(notebook)
    folder = sweep_folder(name)
    keys = {r.id: build.run_key(r) for r in runs}
    commit = build.git_commit()
    result = SweepResult(name=name, folder=folder)
    outcomes: dict[str, Outcome] = {}
    with open_engine(executor, scheduler, workers) as engine:  # unreachable scheduler: raises, nothing written
        (folder / "runs").mkdir(parents=True, exist_ok=True)
        atomic_write_json(folder / "sweep.json", {"notebook": notebook, "runs": [r.id for r in runs],
                                                  "parameters": {r.id: r.parameters for r in runs}})
        todo: deque[build.Run] = deque()
        for r in runs:
            if _is_done(folder, r, keys[r.id]):
                outcomes[r.id] = Outcome(r.id, "skipped")
            else:
                todo.append(r)
        bar = tqdm(total=len(runs), initial=len(runs) - len(todo), unit="run", desc=name, disable=not progress,
                   dynamic_ncols=True)
        attempts: dict[str, int] = {}
        retries: deque[build.Run] = deque()
        inflight: dict[cf.Future, build.Run] = {}

        def finish(r: build.Run, status: str, record: dict[str, Any], error: str = "") -> None:
            record.update({"id": r.id, "status": status, "error": error, "attempts": attempts[r.id]})
            atomic_write_json(_record_path(folder, r.id), record)
            outcomes[r.id] = Outcome(r.id, status, float(record.get("seconds", 0.0)), error)
            bar.update(1)
            bar.set_postfix(done=sum(o.status == "done" for o in outcomes.values()),
                            failed=sum(o.status == "failed" for o in outcomes.values()), refresh=False)
            if status == "failed":
                bar.write(f"FAILED {r.id}: {error}")

        while todo or retries or inflight:
            alone = engine.isolate_retries and (retries or any(attempts[r.id] > 1 for r in inflight.values()))
            window = 1 if alone else engine.window
            while len(inflight) < window and (retries or (todo and not alone)):
                r = retries.popleft() if retries else todo.popleft()
                attempts[r.id] = attempts.get(r.id, 0) + 1
                inflight[engine.submit(task, r, commit)] = r
            finished, _ = cf.wait(inflight, return_when=cf.FIRST_COMPLETED)
            broken = False
            for fut in finished:
                r = inflight.pop(fut)
                base = {"notebook": notebook, "parameters": r.parameters, "key": keys[r.id]}
                try:
                    out = fut.result()
                except Exception as exc:  # noqa: BLE001 - every failure is recorded, the sweep goes on
                    lost = type(exc).__name__ in LOST_WORKER
                    broken |= type(exc).__name__ == "BrokenProcessPool"
                    if lost and attempts[r.id] < 2:
                        retries.append(r)
                        continue
                    error = _error_text(exc) + (" (its worker died twice)" if lost else "")
                    finish(r, "failed", base, error)
                    continue
                if out["key"] != keys[r.id]:
                    finish(r, "failed", {**base, **out["record"], "key": keys[r.id]},
                           "the worker's code or processed tables differ from those this sweep started with (run "
                           "keys differ): on a cluster, the same commit and `python -m analysis process` on every "
                           "worker; on one machine, the code or tables changed during the sweep")
                    continue
                atomic_write_text(folder / "runs" / f"{r.id}.ipynb", out["notebook"])
                nb = json.loads(out["notebook"])
                finish(r, "done", {**base, **out["record"], "key": keys[r.id], "values": results.glued_values(nb),
                                   "meta": results.glued_meta(nb)})
            if broken:
                for fut, r in list(inflight.items()):  # every run of a broken pool comes back broken
                    inflight.pop(fut)
                    if attempts[r.id] < 2:
                        retries.append(r)
                    else:
                        finish(r, "failed", {"notebook": notebook, "parameters": r.parameters, "key": keys[r.id]},
                               "BrokenProcessPool: its worker died twice")
                engine.restart()
        bar.close()
    result.outcomes = [outcomes[r.id] for r in runs]
    result.files = write_results(name, notebook, runs, result)
    if pages:
        try:
            result.files["pages"] = runpages.render_sweep(folder, [r.id for r in runs if outcomes[r.id].status
                                                                   != "failed"])
        except Exception as exc:  # noqa: BLE001 - the table is written; say why the pages are not
            log(f"run pages not written: {_error_text(exc)}")
    return result


def write_results(name: str, notebook: str, runs: list[build.Run], result: SweepResult) -> dict[str, Path]:
    """The results table and summary of the sweep's runs that are done (now or before)."""
    folder = sweep_folder(name)
    collected = []
    for r in runs:
        rec = _read_record(folder, r.id)
        if rec and rec.get("status") == "done":
            collected.append((r.id, rec.get("parameters", r.parameters), rec.get("values", {}), rec.get("meta", {})))
    frame = results.table(name, collected)
    return results.write(name, frame, summary_markdown(name, notebook, runs, result, frame))


def summary_markdown(name: str, notebook: str, runs: list[build.Run], result: SweepResult, frame) -> str:
    """A short markdown page: what ran, how it went, where the table is."""
    params = list(dict.fromkeys(k for r in runs for k in r.parameters))
    lines = [f"# Sweep `{name}`: {notebook}", "",
             f"{len(runs)} runs over {', '.join(params)}: {result.count('done')} run now, "
             f"{result.count('skipped')} already done, {result.count('failed')} failed. "
             f"Finished {time.strftime('%Y-%m-%d %H:%M:%S UTC', time.gmtime())}.", "",
             f"Results: `results.csv` / `results.parquet` ({len(frame)} rows: "
             f"{frame['name'].nunique() if len(frame) else 0} glued values × {frame['run_id'].nunique()} runs); "
             f"in Python: `analysis.book.results.load({name!r})`.", "",
             "| run | " + " | ".join(params) + " | status | seconds | error |",
             "|---|" + "---|" * len(params) + "---|---|---|"]
    for r, o in zip(runs, result.outcomes, strict=True):
        cells = [str(r.parameters.get(p, "")) for p in params]
        lines.append(f"| {r.id} | " + " | ".join(cells) + f" | {o.status} | {o.seconds:g} | "
                     + o.error.replace("|", "\\|") + " |")
    return "\n".join(lines) + "\n"


def grid_size(grid: dict[str, list[Any] | str]) -> int | None:
    """Runs of a grid without ``all`` (None when it has one)."""
    if any(v == ALL for v in grid.values()):
        return None
    return len(list(itertools.product(*grid.values())))
