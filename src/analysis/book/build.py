"""The pipeline: fetch → process → run notebooks (papermill) → render (Jupyter Book, execution off).

``book/runs.yml`` declares the book: parts, prose pages and notebook runs (notebook × parameters). It drives both
the papermill runs and ``_toc.yml`` (generated, committed, and checked by a test to match).
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import datetime as dt
import hashlib
import json
import os
import posixpath
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from analysis.book import pages
from analysis.book.kernels import KernelError, ThreadKernels, renumber
from analysis.chapters import registry
from analysis.chapters.params import validate
from analysis.core import config, interactive
from analysis.core.cache import run_key as key
from analysis.core.envlock import lock_hash
from analysis.core.storage import atomic_write_json, atomic_write_text, sha256_file, with_path, write_if_changed
from analysis.core.yamlio import read_yaml

# ---------------------------------------------------------------- the run list


class Run(BaseModel):
    """One notebook run: notebook × parameters, written to ``book/generated/executed/<id>.ipynb``."""

    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=r"^[a-z0-9_]+(__[A-Za-z0-9_-]+)?$")
    notebook: str
    title: str | None = None
    parameters: dict[str, Any] = Field(default_factory=dict)
    #: the page's address without suffix, one folder below the site root (default: see :func:`page_paths`)
    path: str | None = Field(default=None, pattern=r"^[a-z0-9-]+/[a-z0-9-]+$")


class Entry(BaseModel):
    model_config = ConfigDict(extra="forbid")
    page: str | None = None
    run: Run | None = None
    sections: list[Entry] = Field(default_factory=list)

    @model_validator(mode="after")
    def _one(self) -> Entry:
        if (self.page is None) == (self.run is None):
            raise ValueError("each entry has exactly one of `page` or `run`")
        return self


class Part(BaseModel):
    model_config = ConfigDict(extra="forbid")
    caption: str
    #: the folder of the part's notebook pages (default: from the caption)
    path: str | None = Field(default=None, pattern=r"^[a-z0-9-]+$")
    chapters: list[Entry]


class Book(BaseModel):
    model_config = ConfigDict(extra="forbid")
    root: str
    parts: list[Part]

    def runs(self) -> list[Run]:
        out: list[Run] = []

        def walk(entries: list[Entry]) -> None:
            for e in entries:
                if e.run:
                    out.append(e.run)
                walk(e.sections)

        for part in self.parts:
            walk(part.chapters)
        return out


def load_book(path: Path | None = None) -> Book:
    """Read ``book/runs.yml``; every run's parameters are validated (names and types) here. An invalid entry
    is named in the error by its place (``parts[0].chapters[2].run.id``) and value."""
    path = path or config.runs_file()
    try:
        book = Book.model_validate(read_yaml(path))
    except ValidationError as exc:
        raise ValueError(f"{path}: invalid entries:\n  " + "\n  ".join(_entry_errors(exc))) from None
    ids = [r.id for r in book.runs()]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise ValueError(f"{path}: duplicate run ids {dupes}")
    for r in book.runs():
        validate(r.notebook, r.parameters, check_data=False)
    return book


def _entry_errors(exc: ValidationError) -> list[str]:
    """One line per problem of ``runs.yml``: where (``parts[0].chapters[1].run.id``), the value, what is wrong."""
    out = []
    for e in exc.errors():
        where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in e["loc"]).lstrip(".") or "(top)"
        value = e.get("input")
        shown = repr(value) if not isinstance(value, dict | list) else yaml.safe_dump(value, default_flow_style=True,
                                                                                  width=200).strip()
        out.append(f"{where} = {shown[:120]}: {e['msg']}")
    return out


#: Longest run id that stays readable; longer (or ambiguous) ids end with a short hash of the parameters.
RUN_ID_MAX = 80
_PLAIN_VALUE = re.compile(r"^[A-Za-z0-9]+$")
_PLAIN_SINGLE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")


def run_id_for(notebook: str, parameters: dict[str, Any]) -> str:
    """The canonical id of a run of ``notebook`` with ``parameters`` (order does not matter).

    ``notebook`` alone without parameters; else ``notebook__name-value_name-value`` with the names sorted.
    When that text would be ambiguous (a value that is not plain letters and digits, a string that looks like a
    number, ``None`` or a boolean) or longer than :data:`RUN_ID_MAX`, it is shortened and ends with ``-`` and 10
    hex digits of the sha256 of the parameters as canonical JSON: distinct parameter sets get distinct ids.
    Valid as a ``book/runs.yml`` id and as a file name."""
    if not parameters:
        return notebook
    items = sorted(parameters.items())
    text = "_".join(f"{k}-{v}" for k, v in items)
    readable = re.sub(r"[^A-Za-z0-9_-]+", "-", text)
    # one parameter: its value may hold _ and - (the name has none); several: letters and digits only
    pattern = _PLAIN_VALUE if len(items) > 1 else _PLAIN_SINGLE
    plain = all((isinstance(v, int) and not isinstance(v, bool)) or (isinstance(v, str) and pattern.match(v)
                and not v.lstrip("-").isdigit() and v not in ("None", "True", "False")) for _, v in items)
    run_id = f"{notebook}__{readable}"
    if plain and len(run_id) <= RUN_ID_MAX:
        return run_id
    digest = hashlib.sha256(json.dumps(dict(items), sort_keys=True, default=str).encode()).hexdigest()[:10]
    room = max(0, RUN_ID_MAX - len(notebook) - 2 - 11)
    return f"{notebook}__{readable[:room].rstrip('-_')}-{digest}".replace("__-", "__")


def executed_rel(run_id: str) -> str:
    return f"book/generated/executed/{run_id}"


def slugify(text: str) -> str:
    """Lower-case ASCII words joined by hyphens ("The SME AI-adoption gap" -> "the-sme-ai-adoption-gap")."""
    import unicodedata

    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if not slug:
        raise ValueError(f"{text!r} gives an empty address")
    return slug


def page_paths(book: Book) -> dict[str, str]:
    """Run id -> the address of its page (without ``.html``), one folder below the site root.

    The folder is the part's ``path`` (default: its caption, slugified); the name is the run's ``path`` if set,
    else the notebook's name for a run without parameters (``chapters/sme-adoption-gap``) and the run's title for
    a run with parameters (``countries/denmark``). Addresses depend on nothing but ``book/runs.yml``, so they stay
    the same from build to build. Raises when two runs would share an address."""
    out: dict[str, str] = {}

    def walk(folder: str, entries: list[Entry]) -> None:
        for e in entries:
            if e.run:
                r = e.run
                name = slugify(r.title or r.id) if r.parameters else slugify(r.notebook)
                out[r.id] = r.path or f"{folder}/{name}"
            walk(folder, e.sections)

    for part in book.parts:
        walk(part.path or slugify(part.caption), part.chapters)
    seen: dict[str, str] = {}
    for run_id, path in out.items():
        if path in seen:
            raise ValueError(f"runs {seen[path]} and {run_id} would share the page address {path}.html: "
                             "give one of them a `path:` in book/runs.yml")
        seen[path] = run_id
    return out


def toc_yaml(book: Book) -> str:
    """``_toc.yml`` text for the book (Jupyter Book 1 ``jb-book`` format)."""
    paths = page_paths(book)

    def entry(e: Entry) -> dict:
        d: dict[str, Any] = {"file": e.page if e.page else paths[e.run.id]}
        if e.run and e.run.title:
            d["title"] = e.run.title
        if e.sections:
            d["sections"] = [entry(s) for s in e.sections]
        return d

    toc = {"format": "jb-book", "root": book.root,
           "parts": [{"caption": p.caption, "chapters": [entry(c) for c in p.chapters]} for p in book.parts]}
    header = "# Generated from book/runs.yml by `python -m analysis toc`; do not edit by hand.\n"
    return header + yaml.safe_dump(toc, sort_keys=False, allow_unicode=True)


def write_toc(book: Book | None = None) -> Path:
    path = config.project_root() / "_toc.yml"
    write_if_changed(path, toc_yaml(book or load_book()).encode("utf-8"))
    return path


# ---------------------------------------------------------------- running notebooks


def _versions() -> dict[str, str]:
    out = {"python": sys.version.split()[0]}
    for pkg in ("pandas", "numpy", "matplotlib", "seaborn", "statsmodels", "papermill", "jupyter-book"):
        try:
            out[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            out[pkg] = "not installed"
    return out


def git_commit() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "HEAD"], cwd=config.project_root(), capture_output=True,
                              text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


class RunFailed(RuntimeError):
    """A notebook raised: which run, which notebook, which cell, which error (one line; the traceback is kept in
    ``_build/logs/<run id>.failed.ipynb``). Picklable, so that it crosses the process pool."""

    def __init__(self, run_id: str, notebook: str, cell: str, error: str, kept: str = ""):
        super().__init__(run_id, notebook, cell, error, kept)
        self.run_id, self.notebook, self.cell, self.error, self.kept = run_id, notebook, cell, error, kept

    def __str__(self) -> str:
        return (f"{self.run_id}: notebook {self.notebook}, {self.cell}: {self.error}"
                + (f" (traceback in {self.kept})" if self.kept else ""))


#: Prefix of an ad hoc run's download folder while it runs (never a book run id: those have no ``-``).
ADHOC_PREFIX = "adhoc-"


#: The inline backend: figures must reach the notebook (a non-interactive MPLBACKEND such as Agg, set by a CI or a
#: shell, would silently replace it and leave the pages without images).
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"


def run_environment(run: Run, commit: str, adhoc: bool = False) -> dict[str, str]:
    """The environment variables a run's kernel reads: run id (where figures go), commit, notebook and parameters
    (the "Reproduce this" command under every figure), the inline backend."""
    return {"ANALYSIS_RUN_ID": f"{ADHOC_PREFIX}{run.id}" if adhoc else run.id, "ANALYSIS_COMMIT": commit,
            "ANALYSIS_NOTEBOOK": run.notebook, "ANALYSIS_PARAMETERS": json.dumps(run.parameters),
            "PYDEVD_DISABLE_FILE_VALIDATION": os.environ.get("PYDEVD_DISABLE_FILE_VALIDATION", "1"),
            "MPLBACKEND": INLINE_BACKEND}


def execute_run(run: Run, commit: str = "unknown", output_dir: Path | None = None,
                adhoc: bool = False, kernels: ThreadKernels | None = None) -> dict[str, Any]:
    """Execute one run with papermill (after validating its parameters against the data).

    Writes ``<output_dir>/<run id>.ipynb`` atomically (through a temporary name unique to this process and call);
    returns a record (id, parameters, seconds, commit, lock hash, versions). A notebook that raises gives
    :class:`RunFailed` (one line: notebook, cell, error; the executed copy with its traceback is kept in
    ``_build/logs``). ``adhoc`` (the ``run NOTEBOOK`` command) writes the figures under ``downloads/adhoc-<id>/``,
    which :func:`prune_ad_hoc_downloads` moves out of the site.

    Without ``kernels`` the run gets an ordinary fresh kernel from jupyter_client (the process's environment is
    set for it). With ``kernels`` (the build's runner threads) it reuses this thread's kernel, reset first
    (:mod:`analysis.book.kernels`); a kernel that failed is replaced. Retries once when a kernel fails to start
    or dies (a known papermill race under parallel load). No forking, no patching of third-party internals.
    """
    import papermill as pm

    params = validate(run.notebook, run.parameters)
    src = config.notebooks_dir() / f"{run.notebook}.ipynb"
    out_dir = output_dir or config.executed_dir()
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"{run.id}.ipynb"
    fd, tmp_name = tempfile.mkstemp(dir=out_dir, prefix=f".{run.id}.{os.getpid()}.", suffix=".tmp.ipynb")
    os.close(fd)
    os.chmod(tmp_name, 0o644)  # mkstemp's 0600 would travel to the published notebook
    tmp = Path(tmp_name)  # unique per process and call: two runs of one id never share it
    env = run_environment(run, commit, adhoc)
    if kernels is None:
        os.environ.update(env)  # a fresh kernel inherits this process's environment
    start = time.perf_counter()
    log_path = config.build_dir() / "logs" / f"{run.id}.stderr.log"
    for attempt in (1, 2):
        kernel = kernels.get() if kernels is not None else None
        try:
            # a fresh kernel starts in the notebooks' folder with its chatter in a log; a reused one is moved there
            # (no cwd for papermill: it would chdir this whole process) and logs since its start
            where = {"cwd": str(src.parent)} if kernel is None else {"km": kernel.prepare(src.parent, env)}
            with _stderr_to(log_path) if kernel is None else contextlib.nullcontext():
                pm.execute_notebook(
                    str(src), str(tmp), parameters=params.model_dump(), kernel_name="python3", progress_bar=False,
                    log_output=False, request_save_on_cell_execute=False, **where,
                )
            break
        except pm.PapermillExecutionError as exc:  # the notebook raised: say where, once; keep the traceback
            if kernel is not None:
                kernel.shutdown()  # the next run gets a kernel no failed notebook has touched
            raise _run_failed(run, exc, tmp) from None
        except (RuntimeError, KernelError) as exc:  # "Kernel didn't respond in 60 seconds" / "Kernel died…"
            tmp.unlink(missing_ok=True)
            if kernel is not None:
                kernel.shutdown()
            if attempt == 2 or ("Kernel" not in str(exc) and not isinstance(exc, KernelError)):
                raise
        except OSError as exc:  # a full disk names the notebook being written
            tmp.unlink(missing_ok=True)
            raise with_path(exc, target) from None
        except BaseException:
            tmp.unlink(missing_ok=True)
            if kernel is not None:
                kernel.shutdown()
            raise
    try:
        _tag_for_readers(tmp)
        os.replace(tmp, target)
    except OSError as exc:
        raise with_path(exc, target) from None
    finally:
        tmp.unlink(missing_ok=True)
    return {"id": run.id, "notebook": run.notebook, "parameters": params.model_dump(),
            "seconds": round(time.perf_counter() - start, 2),
            "finished": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(), "commit": commit,
            "lock": lock_hash(),  # sha256 of requirements.lock: the exact environment (see analysis.core.envlock)
            "versions": _versions(),
            "output": str(target.relative_to(config.project_root())
                          if target.is_relative_to(config.project_root()) else target)}


def _run_failed(run: Run, exc: Exception, tmp: Path) -> RunFailed:
    """The one-line failure of a run whose notebook raised; its executed copy moves to ``_build/logs``."""
    kept = config.build_dir() / "logs" / f"{run.id}.failed.ipynb"
    try:
        if tmp.exists():
            kept.parent.mkdir(parents=True, exist_ok=True)
            os.replace(tmp, kept)
    except OSError:
        tmp.unlink(missing_ok=True)
    first = next((ln.strip() for ln in str(getattr(exc, "source", "")).splitlines() if ln.strip()), "")
    cell = f"cell [{getattr(exc, 'exec_count', '?')}]" + (f" `{first[:60]}`" if first else "")
    evalue = str(getattr(exc, "evalue", "")).strip().splitlines()
    error = f"{getattr(exc, 'ename', type(exc).__name__)}: {evalue[-1] if evalue else ''}".strip().rstrip(":")
    rel = kept.relative_to(config.project_root()) if kept.is_relative_to(config.project_root()) else kept
    return RunFailed(run.id, run.notebook, cell, error, str(rel) if kept.exists() else "")


@contextlib.contextmanager
def _stderr_to(path: Path):
    """Redirect file descriptor 2 (inherited by kernel subprocesses) to ``path`` for the duration."""
    path.parent.mkdir(parents=True, exist_ok=True)
    sys.stderr.flush()
    saved = os.dup(2)
    with open(path, "ab") as fh:
        os.dup2(fh.fileno(), 2)
        try:
            yield
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)


def _tag_for_readers(path: Path) -> None:
    """Readers see findings first: code inputs collapsed (``hide-input``), the parameter cells removed from the
    page (their values are shown in the execution-status page), and so are the headline cells that print for
    nbval (``# NBVAL_CHECK_OUTPUT``): their glued values still reach the page."""
    import nbformat

    nb = nbformat.read(path, as_version=4)
    renumber(nb)  # the counts of a fresh kernel, also when the kernel was reused
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        tags = cell.metadata.setdefault("tags", [])
        if cell.source.lstrip().startswith(HEADLINE_MARK):
            if "remove-cell" not in tags:
                tags.append("remove-cell")
        elif "parameters" in tags and any("injected-parameters" in c.metadata.get("tags", []) for c in nb.cells):
            tags.append("remove-cell")  # the defaults, overridden by the injected cell that follows
        elif "hide-input" not in tags and "remove-input" not in tags:
            tags.append("hide-input")
    _strip_builder_paths(nb)
    nbformat.write(nb, path)


def _builder_prefixes() -> list[tuple[str, str]]:
    """Absolute paths of this machine, longest first, and what replaces them in published notebooks."""
    pairs = {str(config.project_root()): ".", str(Path(sys.prefix).resolve()): "<python>",
             sys.prefix: "<python>", str(Path.home()): "~"}
    return sorted(((k, v) for k, v in pairs.items() if len(k.strip("/")) > 0), key=lambda kv: -len(kv[0]))


def _strip_builder_paths(nb) -> None:
    """No absolute path of the machine that built the book in the executed notebook: papermill's
    ``input_path``/``output_path`` are dropped, and paths in text outputs (warnings, tracebacks) made relative."""
    nb.metadata.get("papermill", {}).pop("input_path", None)
    nb.metadata.get("papermill", {}).pop("output_path", None)
    prefixes = _builder_prefixes()

    patterns = [(re.compile(re.escape(prefix) + r"(?=/|$|[^\w.-])"), short) for prefix, short in prefixes]

    def clean(text: str) -> str:
        for pattern, short in patterns:  # whole path components only: /root is replaced, /rootfs is not
            text = pattern.sub(short, text)
        return text

    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if "text" in out:
                out["text"] = clean(out["text"])
            for mime in ("text/plain", "text/html", "text/markdown"):
                if mime in out.get("data", {}):
                    value = out["data"][mime]
                    out["data"][mime] = [clean(v) for v in value] if isinstance(value, list) else clean(value)
            if "traceback" in out:
                out["traceback"] = [clean(t) for t in out["traceback"]]
            if "evalue" in out:
                out["evalue"] = clean(out["evalue"])


class InlineExecutor(cf.Executor):
    """Runs each submitted job at once in this process: the sequential reference for the parallel runner."""

    def submit(self, fn, /, *args, **kwargs) -> cf.Future:
        fut: cf.Future = cf.Future()
        try:
            fut.set_result(fn(*args, **kwargs))
        except Exception as exc:  # Ctrl-C (KeyboardInterrupt) propagates: nothing more is run
            fut.set_exception(exc)
        return fut


def run_key(run: Run) -> str:
    """The cache key of a run (see :mod:`analysis.core.cache`); validates its parameters against the data."""
    params = validate(run.notebook, run.parameters)
    chapter = registry.chapter_module(run.notebook)
    return key(config.notebooks_dir() / f"{run.notebook}.ipynb", params.model_dump(), params.input_tables(),
               chapter=chapter.__name__, data_files=data_files(chapter))


def data_files(chapter: Any) -> list[Path]:
    """The files a chapter module declares it reads besides the processed tables: ``DATA_FILES``, paths relative
    to the project root, or a function returning paths."""
    declared = getattr(chapter, "DATA_FILES", ())
    files = declared() if callable(declared) else declared
    return [Path(f) if Path(f).is_absolute() else config.project_root() / f for f in files]


def _key_path(run_id: str) -> Path:
    return config.executed_dir() / f"{run_id}.key"


def _write_key(run_id: str, key: str) -> None:
    """Record that the executed notebook was produced with ``key``, and its sha256 (to detect later damage)."""
    notebook = config.executed_dir() / f"{run_id}.ipynb"
    atomic_write_text(_key_path(run_id), f"{key}\n{sha256_file(notebook)}\n")


def _damaged(run_id: str) -> bool:
    """True when a run's executed notebook differs from the one its key file recorded (edited, truncated)."""
    target, key_file = config.executed_dir() / f"{run_id}.ipynb", _key_path(run_id)
    if not key_file.exists():
        return False
    lines = key_file.read_text(encoding="utf-8").split()
    return not target.exists() or len(lines) < 2 or lines[1] != sha256_file(target)


def is_current(run: Run, key: str) -> bool:
    """True when the executed notebook exists, was produced with ``key`` and is the file that run wrote."""
    target, key_file = config.executed_dir() / f"{run.id}.ipynb", _key_path(run.id)
    if not (target.exists() and key_file.exists()):
        return False
    lines = key_file.read_text(encoding="utf-8").split()
    return bool(lines) and lines[0] == key and not _damaged(run.id)


def _previous_records() -> dict[str, dict]:
    path = config.generated_dir() / "runs.json"
    return {r["id"]: r for r in json.loads(path.read_text(encoding="utf-8"))} if path.exists() else {}


class RunsFailed(RuntimeError):
    """Some runs failed (each already reported on one line); their pages carry a banner."""


class Interrupted(KeyboardInterrupt):
    """Ctrl-C during the runs; ``str()`` is the one-line summary of what was done and what was not."""


def _stop_children(grace: float = 3.0) -> None:
    """Terminate every process this one started (pool workers and their kernels), then kill
    what is still alive after ``grace`` seconds."""
    import psutil

    try:
        children = psutil.Process().children(recursive=True)
    except psutil.Error:
        return
    for child in children:
        with contextlib.suppress(psutil.Error):
            child.terminate()
    _, alive = psutil.wait_procs(children, timeout=grace)
    for child in alive:
        with contextlib.suppress(psutil.Error):
            child.kill()
    psutil.wait_procs(alive, timeout=grace)


def run_all(runs: list[Run], executor: cf.Executor | None = None, workers: int = 2,
            log: Callable[[str], None] = print, force: bool = False) -> list[dict[str, Any]]:
    """Execute runs in parallel worker processes (or any ``concurrent.futures.Executor``, e.g. a
    ``dask.distributed`` client's ``get_executor()``). Runs whose key is unchanged are skipped (``force``
    re-runs all). Returns the records of all runs, in order.

    Each run's record is written to ``runs.json`` (atomically) as soon as it finishes. A failed run is reported
    on one line (notebook, cell, error), recorded as failed, and its previous page gets a banner
    (:func:`mark_failed`); :class:`RunsFailed` is raised after all runs. Ctrl-C cancels the queued runs, stops the
    running kernels, keeps the finished runs' records and raises :class:`Interrupted` with a one-line summary."""
    commit = git_commit()
    keys = {r.id: run_key(r) for r in runs}  # validates every run's parameters before any work
    previous = _previous_records()
    records: dict[str, dict] = {}
    todo = []
    for r in runs:
        if not force and is_current(r, keys[r.id]) and r.id in previous:
            records[r.id] = previous[r.id]
            log(f"up to date {r.id}")
        else:
            todo.append(r)
    for r in todo:  # a run that fails must not leave an old key claiming its output is current
        _key_path(r.id).unlink(missing_ok=True)
    errors: list[str] = []
    own = executor is None and len(todo) > 0
    kernels: ThreadKernels | None = None
    if own:  # runner threads, each reusing one kernel (the kernels are the processes that work)
        executor = cf.ThreadPoolExecutor(max_workers=min(workers, len(todo)), thread_name_prefix="run")
        kernels = ThreadKernels(cwd=config.notebooks_dir(), log_dir=config.build_dir() / "logs",
                                env={**os.environ, "MPLBACKEND": INLINE_BACKEND,
                                     "PYDEVD_DISABLE_FILE_VALIDATION": "1"})
    futures: dict[cf.Future, Run] = {}
    done: list[str] = []
    interrupted = False
    try:
        reuse = {"kernels": kernels} if kernels is not None else {}  # a caller's executor gets the plain call
        for r in todo:
            futures[executor.submit(execute_run, r, commit, **reuse)] = r
        for fut in cf.as_completed(futures):
            r = futures[fut]
            try:
                rec = {**fut.result(), "status": "ok"}
                records[r.id] = rec
                _write_key(r.id, keys[r.id])
                _write_status([rec])  # kept even if the build is interrupted later
                done.append(r.id)
                log(f"ran {r.id:40s} {rec['seconds']:6.1f} s")
            except Exception as exc:  # report every failure on one line, then fail
                failure = exc if isinstance(exc, RunFailed) else RunFailed(
                    r.id, r.notebook, "before or after the cells",
                    f"{type(exc).__name__}: {str(exc).strip().splitlines()[-1] if str(exc).strip() else ''}")
                errors.append(r.id)
                records[r.id] = mark_failed(r, failure, commit, previous.get(r.id))
                log(f"FAILED {failure}")
    except KeyboardInterrupt:
        interrupted = True
        for fut in futures:
            fut.cancel()
        if own:
            kernels.stop()  # a run whose kernel is killed must not start another one
            _stop_children()
    finally:
        if own:
            executor.shutdown(wait=True, cancel_futures=True)  # the threads end once their kernels stop
            kernels.close()
    if interrupted:
        not_done = [r.id for r in todo if r.id not in done and r.id not in errors]
        raise Interrupted(
            f"interrupted: {len(done)} run(s) finished, records kept ({', '.join(done) or 'none'}); "
            f"{len(not_done)} not run or stopped ({', '.join(not_done) or 'none'})"
            + (f"; {len(errors)} failed ({', '.join(errors)})" if errors else "")
            + ". `python -m analysis run` runs only what is missing.")
    if errors:
        raise RunsFailed(f"{len(errors)} notebook run(s) failed: {', '.join(errors)} (reported above; their pages "
                         "and the execution-status page say so)")
    ordered = [records[r.id] for r in runs]
    _write_status(ordered)
    return ordered


BANNER_TAG = "run-failed-banner"


def mark_failed(run: Run, failure: RunFailed, commit: str, previous: dict | None) -> dict[str, Any]:
    """Record a failed run in ``runs.json`` and put a visible banner at the top of its page.

    The page keeps the previous successful output (the other chapters stay readable) under a warning that says
    which commit it is from and how the latest run failed; without a previous output, the page is the banner
    alone. Returns the record written."""
    import nbformat

    now = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
    old = previous or {}
    record = {"id": run.id, "notebook": run.notebook, "parameters": old.get("parameters", run.parameters),
              "seconds": old.get("seconds", 0.0), "finished": old.get("finished", "never"),
              "commit": old.get("commit", "none"), "versions": old.get("versions", _versions()),
              "output": old.get("output", ""), "status": "failed",
              "error": f"{failure.cell}: {failure.error}", "failed_at": now, "failed_commit": commit}
    _write_status([record])
    page = config.executed_dir() / f"{run.id}.ipynb"
    error = re.sub(r"([\\`*_{}\[\]<>#|~$])", r"\\\1", f"{failure.error} ({failure.cell.replace('`', '')})")
    if page.exists() and old:
        try:
            nb = nbformat.read(page, as_version=4)
        except Exception:  # damaged: replaced by the banner alone
            nb = None
        said = f"This page is from commit `{old.get('commit', 'unknown')[:12]}` (run of {old.get('finished')})"
    else:
        nb = None
        said = "This page has no successful run yet"
    if nb is None:
        nb = nbformat.v4.new_notebook()
        nb.cells = [nbformat.v4.new_markdown_cell(f"# {run.title or run.id}")]
    nb.cells = [c for c in nb.cells if BANNER_TAG not in c.get("metadata", {}).get("tags", [])]
    text = (f"```{{warning}}\n{said}; the latest run failed: {error} (commit `{commit[:12]}`, {now}). "
            "Its numbers and sentences may be out of date.\n```")
    nb.cells.insert(0, nbformat.v4.new_markdown_cell(text, metadata={"tags": [BANNER_TAG]}))
    page.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(page, nbformat.writes(nb) + "\n")
    return record


def _write_status(records: list[dict[str, Any]]) -> None:
    """Merge the run records into ``runs.json`` (read by the execution-status page)."""
    existing = _previous_records()
    existing.update({r["id"]: r for r in records})
    atomic_write_json(config.generated_dir() / "runs.json", sorted(existing.values(), key=lambda r: r["id"]))


# ---------------------------------------------------------------- one build per working tree

#: Seconds a second build waits for the first (unset or negative: as long as it takes).
LOCK_TIMEOUT_ENV = "ANALYSIS_LOCK_TIMEOUT"


class BuildLocked(RuntimeError):
    """Another build of this working tree holds the lock."""


@contextlib.contextmanager
def tree_lock(log: Callable[[str], None] = print, timeout: float | None = None):
    """Hold the working tree's build lock (``_build/build.lock``) for the duration.

    A second build (another process, or another thread) says who holds it and waits; it gives up after
    ``timeout`` seconds (default ``$ANALYSIS_LOCK_TIMEOUT``, else forever) with :class:`BuildLocked`."""
    from filelock import FileLock, Timeout

    if timeout is None:
        timeout = float(os.environ.get(LOCK_TIMEOUT_ENV, "-1") or "-1")
    config.build_dir().mkdir(parents=True, exist_ok=True)
    path = config.build_dir() / "build.lock"
    holder_file = config.build_dir() / "build.lock.json"
    lock = FileLock(path, thread_local=False)
    try:
        lock.acquire(timeout=0)
    except Timeout:
        holder = _lock_holder(holder_file)
        log(f"waiting: another build of this tree holds {path} ({holder}); this one starts when it ends")
        try:
            lock.acquire(timeout=timeout)
        except Timeout:
            raise BuildLocked(f"another build of this tree still holds {path} after {timeout:g} s ({holder}); "
                              "wait for it to end, or stop that process") from None
    try:
        atomic_write_json(holder_file, {"pid": os.getpid(), "command": " ".join(sys.argv),
                                        "started": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()})
        yield
    finally:
        holder_file.unlink(missing_ok=True)
        lock.release()


def _lock_holder(path: Path) -> str:
    try:
        h = json.loads(path.read_text(encoding="utf-8"))
        return f"pid {h['pid']}, `{h['command']}`, since {h['started']}"
    except (OSError, ValueError, KeyError):
        return "holder unknown"


# ---------------------------------------------------------------- rendering


def prune_ad_hoc_downloads(run_id: str | None = None) -> list[Path]:
    """Move ad hoc runs' figure downloads out of the site (``downloads/adhoc-<id>/`` →
    ``_build/runs/<id>/downloads/``): the published site holds only the book's runs. ``run_id``: only that run's
    (a sweep's worker moves its own run's files while other runs may still be writing theirs). Returns the new
    places."""
    import shutil

    moved = []
    pattern = f"{ADHOC_PREFIX}{run_id}" if run_id else f"{ADHOC_PREFIX}*"
    for d in sorted((config.site_extra_dir() / "downloads").glob(pattern)):
        if not d.is_dir():
            continue
        dest = config.build_dir() / "runs" / d.name[len(ADHOC_PREFIX):] / "downloads"
        if dest.exists():
            shutil.rmtree(dest)
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(d), str(dest))
        moved.append(dest)
    return moved


def _check_executed(book: Book) -> None:
    """Refuse to render without an executed notebook for every run, or with one damaged since its run."""
    missing = [r.id for r in book.runs() if not (config.executed_dir() / f"{r.id}.ipynb").exists()]
    if missing:
        raise RuntimeError(f"no executed notebook for {len(missing)} run(s) ({', '.join(missing[:8])}"
                           f"{' …' if len(missing) > 8 else ''}): run `python -m analysis run` first "
                           "(or `python -m analysis build`)")
    damaged = [r.id for r in book.runs() if _damaged(r.id)]
    if damaged:
        raise RuntimeError(f"executed notebook(s) changed or damaged since their run: {', '.join(damaged)}; "
                           "run `python -m analysis run` (it re-runs them) before rendering")


def _published_pages() -> list[Path]:
    """The notebook pages written by :func:`publish_pages` (under the parts' folders at the project root)."""
    root = config.project_root()
    try:
        paths = page_paths(load_book())
    except (OSError, ValueError):
        return []
    return sorted(p for p in (root / f"{rel}.ipynb" for rel in paths.values()) if p.exists())


_LINK = re.compile(r"(\]\()([^)\s#]+?\.(?:md|ipynb|html))(#[^)\s]*)?(\))")


def _relink(text: str, old_dir: str, new_dir: str, moved: dict[str, str] | None = None) -> str:
    """Markdown links written relative to ``old_dir`` (``[x](../data_sources.md)``), made relative to ``new_dir``;
    a link to an executed notebook (``sme_adoption_gap.ipynb``) goes to its page (``moved``: old path without
    suffix -> new path without suffix, both from the project root)."""
    moved = moved or {}

    def fix(m: re.Match) -> str:
        target = m.group(2)
        if "://" in target or target.startswith("/"):
            return m.group(0)
        resolved = posixpath.normpath(posixpath.join(old_dir, target))
        stem, suffix = posixpath.splitext(resolved)
        if stem in moved:
            resolved = moved[stem] + (".ipynb" if suffix == ".html" else suffix)
        return f"{m.group(1)}{posixpath.relpath(resolved, new_dir)}{m.group(3) or ''}{m.group(4)}"

    def fix_doc(m: re.Match) -> str:  # {doc}`sme_adoption_gap` or {doc}`the chapter <sme_adoption_gap>`
        target = m.group(3)
        if target.startswith("/"):
            return m.group(0)
        stem = posixpath.splitext(posixpath.normpath(posixpath.join(old_dir, target)))[0]
        new = posixpath.relpath(moved.get(stem, stem), new_dir)
        return f"{m.group(1)}{m.group(2) or ''}{new}{m.group(4)}"

    return _DOC.sub(fix_doc, _LINK.sub(fix, text))


_DOC = re.compile(r"(\{doc\}`)([^`<]*<)?([^`<>]+?)(>?`)")


_HREF = re.compile(r'(href=")([^"#:]+?\.html)([#"])')


def _relink_html(text: str, old_dir: str, new_dir: str, moved: dict[str, str]) -> str:
    """``href="sme_adoption_gap.html"`` in an HTML output written for ``old_dir``, pointing to an executed
    notebook's page: the link to the same page at its new address, relative to ``new_dir``."""

    def fix(m: re.Match) -> str:
        stem = posixpath.splitext(posixpath.normpath(posixpath.join(old_dir, m.group(2))))[0]
        if stem not in moved:
            return m.group(0)
        return f"{m.group(1)}{posixpath.relpath(moved[stem] + '.html', new_dir)}{m.group(3)}"

    return _HREF.sub(fix, text)


def page_notebook(executed: dict, run: Run, page_rel: str, pages: dict[str, str] | None = None) -> dict:
    """The executed notebook as its page shows it: the first heading names the page's subject (for a run with
    parameters, the run's title: "Denmark", not "Country profile") and relative links written for
    ``book/generated/executed/`` point to the same targets from the page's folder (links to other runs' executed
    notebooks go to their pages; ``pages``: run id -> page address, see :func:`page_paths`)."""
    import copy

    nb = copy.deepcopy(executed)
    old_dir, new_dir = posixpath.dirname(executed_rel(run.id)), posixpath.dirname(page_rel)
    moved = {executed_rel(rid): rel for rid, rel in (pages or {}).items()}
    titled = not (run.parameters and run.title)
    for cell in nb["cells"]:
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if "text/html" in data:
                text = data["text/html"] if isinstance(data["text/html"], str) else "".join(data["text/html"])
                data["text/html"] = _relink_html(text, old_dir, new_dir, moved)
        if cell["cell_type"] != "markdown":
            continue
        source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
        source = _relink(source, old_dir, new_dir, moved)
        if not titled:
            source, n = re.subn(r"^# .*$", f"# {run.title}", source, count=1, flags=re.M)
            titled = n > 0
        cell["source"] = source
    return nb


def publish_pages(book: Book) -> list[Path]:
    """Write each executed notebook to its readable address (``chapters/sme-adoption-gap.ipynb``,
    ``countries/denmark.ipynb``: see :func:`page_paths`) for Jupyter Book; old addresses
    (``book/generated/executed/<run id>.html``) become redirects. Pages no longer in the book are removed from
    the folders this function manages. Returns the pages written."""
    root = config.project_root()
    paths = page_paths(book)
    written: list[Path] = []
    for run in book.runs():
        src = config.executed_dir() / f"{run.id}.ipynb"
        if not src.exists():
            continue
        rel = paths[run.id]
        nb = page_notebook(json.loads(src.read_text(encoding="utf-8")), run, rel, paths)
        target = root / f"{rel}.ipynb"
        write_if_changed(target, (json.dumps(nb, indent=1, ensure_ascii=False) + "\n").encode("utf-8"))
        written.append(target)
        old = config.site_extra_dir() / f"{executed_rel(run.id)}.html"
        new_url = posixpath.relpath(f"{rel}.html", posixpath.dirname(executed_rel(run.id)))
        write_if_changed(old, (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Moved</title>'
                               f'<meta http-equiv="refresh" content="0; url={new_url}"></head><body>'
                               f'<p>This page moved to <a href="{new_url}">{new_url}</a>.</p></body></html>\n'
                               ).encode())
    for folder in {posixpath.dirname(p) for p in paths.values()}:
        for stale in (root / folder).glob("*.ipynb"):
            if stale not in written and stale.with_suffix("").relative_to(root).as_posix() not in paths.values():
                stale.unlink()
    return written



def _structure_files() -> list[Path]:
    """Files whose change invalidates every page (configuration, table of contents, local extensions)."""
    root = config.project_root()
    ext = config.book_dir() / "_ext"  # the extension and its stylesheet
    return [root / "_config.yml", root / "_toc.yml",
            *sorted(p for p in ext.rglob("*") if p.is_file() and p.suffix in (".py", ".css", ".js"))]


def _digest(paths: list[Path]) -> str:
    import hashlib

    h = hashlib.sha256()
    for path in paths:
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def render_key() -> str:
    """sha256 over everything the HTML is made of: configuration, table of contents, pages, executed notebooks,
    the files copied to the site, and the installed versions."""
    import hashlib

    root = config.project_root()
    h = hashlib.sha256(json.dumps(_versions(), sort_keys=True).encode())
    files = [*_structure_files(), *sorted(config.book_dir().rglob("*.md")), *_published_pages(),
             *sorted(config.book_dir().glob("*.bib")), *sorted(config.executed_dir().glob("*.ipynb")),
             *sorted(p for p in config.site_extra_dir().rglob("*") if p.is_file())]
    for path in files:
        h.update(str(path.relative_to(root)).encode())
        h.update(hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()


def render(log: Callable[[str], None] = print, force: bool = False) -> Path:
    """Build the HTML with Jupyter Book 1 (execution off), warnings as errors. Returns ``_build/html``.
    Skipped when nothing the HTML is made of changed since the last successful render."""
    book = load_book()
    _check_executed(book)
    prune_ad_hoc_downloads()
    pages.write_generated_pages()
    publish_pages(book)
    interactive.write_bundle()
    write_toc(book)
    key = render_key()
    key_file = config.build_dir() / "render.key"
    index = config.html_dir() / "index.html"
    if not force and index.exists() and key_file.exists() and key_file.read_text().strip() == key:
        log(f"up to date {index}")
        return index
    key_file.unlink(missing_ok=True)
    structure_file = config.build_dir() / "render.structure"
    structure = _digest(_structure_files())
    full = force or not structure_file.exists() or structure_file.read_text().strip() != structure
    cmd = [str(Path(sys.executable).with_name("jupyter-book")), "build", str(config.project_root()), "-W", "-n",
           "--keep-going", "--builder", "html", *(["--all"] if full else [])]
    env = dict(os.environ, PYDEVD_DISABLE_FILE_VALIDATION="1")
    proc = subprocess.run(cmd, cwd=config.project_root(), capture_output=True, text=True, env=env)
    report = config.build_dir() / "render.log"
    report.parent.mkdir(parents=True, exist_ok=True)
    report.write_text(proc.stdout + "\n" + proc.stderr, encoding="utf-8")
    if proc.returncode != 0:
        tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-30:])
        raise RuntimeError(f"jupyter-book build failed (exit {proc.returncode}); full log in {report}:\n{tail}")
    atomic_write_text(key_file, key + "\n")
    atomic_write_text(structure_file, structure + "\n")
    log(f"rendered {index}" + (" (all pages)" if full else " (changed pages)"))
    return index


# ---------------------------------------------------------------- committed notebooks (reviewers' contract)

HEADLINE_MARK = "# NBVAL_CHECK_OUTPUT"


def refresh_notebook(notebook: str) -> Path:
    """Re-execute ``notebooks/<notebook>.ipynb`` with its default parameters and commit-ready outputs:
    only the cells marked ``# NBVAL_CHECK_OUTPUT`` keep their (text) outputs; everything else is stripped, so
    that a changed headline number shows up in the diff and fails ``pytest --nbval-lax`` until refreshed."""
    import nbformat
    import papermill as pm

    src = config.notebooks_dir() / f"{notebook}.ipynb"
    if not src.exists():
        known = sorted(p.stem for p in config.notebooks_dir().glob("*.ipynb"))
        raise ValueError(f"unknown notebook {notebook!r}; known: {', '.join(known)}")
    fd, tmp_name = tempfile.mkstemp(dir=src.parent, prefix=f".{notebook}.{os.getpid()}.", suffix=".refresh.ipynb")
    os.close(fd)
    tmp = Path(tmp_name)
    os.environ.setdefault("ANALYSIS_RUN_ID", f"{notebook}__refresh")
    try:
        pm.execute_notebook(str(src), str(tmp), kernel_name="python3", cwd=str(src.parent), progress_bar=False)
        executed = nbformat.read(tmp, as_version=4)
    finally:
        tmp.unlink(missing_ok=True)
    original = nbformat.read(src, as_version=4)
    # papermill adds no injected cell without parameters; keep the original cell list and copy outputs by index
    count = 0
    for cell, done in zip(original.cells, executed.cells, strict=True):
        if cell.cell_type != "code":
            continue
        count += 1
        keep = cell.source.lstrip().startswith(HEADLINE_MARK)
        cell.outputs = [_text_only(o) for o in done.outputs if _is_text(o)] if keep else []
        # nbval treats a cell without an execution count as never run: number them as a top-to-bottom run
        cell.execution_count = count
        for out in cell.outputs:
            if out.get("output_type") == "execute_result":
                out["execution_count"] = count
        cell.metadata.pop("execution", None)
        cell.metadata.pop("papermill", None)
    original.metadata.pop("papermill", None)
    nbformat.validate(original)
    atomic_write_text(src, nbformat.writes(original) + "\n")
    return src


def _is_text(output: dict) -> bool:
    """Outputs kept in headline cells: stdout, and results or displays without images/HTML (e.g. glue records)."""
    if output.get("output_type") == "stream":
        return output.get("name") == "stdout"
    if output.get("output_type") in ("execute_result", "display_data"):
        return not any(k.startswith("image/") for k in output.get("data", {}))
    return False


def _text_only(output: dict) -> dict:
    if output.get("output_type") in ("execute_result", "display_data"):
        output["data"] = {k: v for k, v in output["data"].items() if k != "text/html"}
        output["metadata"] = {}
    return output
