"""Warm kernels (analysis.warmkernel): a kernel forked from a pre-imported zygote must behave as a cold one.

Same outputs (a tiny notebook that prints the kernel's view of its process, and the real data_coverage notebook),
isolation between runs, failures (an error, a crash, a hang, an interrupt, a killed shim) that neither hang nor
poison the next run, the cold fallbacks, the zygote's lifetime, and a timing comparison (printed; loosely asserted).
"""

from __future__ import annotations

import asyncio
import os
import re
import statistics
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import nbformat
import papermill as pm
import pytest

from analysis import warmkernel as wk

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="warm kernels are Linux-only (fork, prctl)")


# ---------------------------------------------------------------- helpers


@pytest.fixture(scope="module")
def _zygote():
    wk.shutdown()
    yield
    wk.shutdown()


@pytest.fixture
def warm(_zygote, capfd) -> dict:
    """papermill kwargs for a warm kernel (one zygote for the module). Afterwards, checks that no kernel fell
    back to cold unexpectedly: the shim says so on the kernel's stderr, which capfd sees."""
    kwargs = wk.papermill_kwargs()
    assert kwargs, f"warm path unavailable: {wk.status()}"
    yield kwargs
    err = capfd.readouterr().err
    assert "[warmkernel]" not in err, err[-2000:]


def _notebook(path: Path, *sources: str, parameters: str = "x = 1") -> Path:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell(parameters, metadata={"tags": ["parameters"]})]
    nb.cells += [nbformat.v4.new_code_cell(textwrap.dedent(s).strip()) for s in sources]
    nbformat.write(nb, path)
    return path


def _run(src: Path, out: Path, kernel: dict, **kwargs) -> nbformat.NotebookNode:
    kwargs.setdefault("cwd", str(src.parent))
    return pm.execute_notebook(str(src), str(out), kernel_name="python3", progress_bar=False, **kernel, **kwargs)


def _outputs(nb: nbformat.NotebookNode, skip_tag: str = "volatile") -> list[list]:
    """Per code cell: text outputs verbatim; images as 'image/png: nonempty' (rendering bytes may differ)."""
    out = []
    for cell in nb.cells:
        if cell.cell_type != "code" or skip_tag in cell.metadata.get("tags", []):
            continue
        items = []
        for o in cell.outputs:
            if o.output_type == "stream":  # a warning names the cell's file /tmp/ipykernel_<pid>/…
                text = re.sub(r"ipykernel_\d+", "ipykernel_PID", o.text)
                if items and items[-1][:2] == ("stream", o.name):  # chunking into outputs depends on timing
                    items[-1] = ("stream", o.name, items[-1][2] + text)
                else:
                    items.append(("stream", o.name, text))
            elif o.output_type == "error":
                items.append(("error", o.ename, o.evalue))
            else:
                data = {k: (f"nonempty {k}" if len(v) > 0 else f"EMPTY {k}") if k.startswith("image/") else v
                        for k, v in o.get("data", {}).items()}
                items.append((o.output_type, data))
        out.append(items)
    return out


def _pngs(nb: nbformat.NotebookNode) -> list[int]:
    return [len(o["data"]["image/png"]) for c in nb.cells if c.cell_type == "code" for o in c.outputs
            if "image/png" in o.get("data", {})]


def _stdout(nb: nbformat.NotebookNode, cell: int) -> str:
    return "".join(o.text for o in nb.cells[cell].outputs if o.output_type == "stream" and o.name == "stdout")


def _children(pid: int) -> set[int]:
    try:
        return {int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()}
    except OSError:
        return set()


def _gone(pid: int, timeout: float = 10.0) -> bool:
    """True once ``pid`` has exited (a zombie counts as exited) within ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            return True
        if state in ("Z", "X"):
            return True
        time.sleep(0.05)
    return False


def _wait_no_children(pid: int, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while _children(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    return not _children(pid)


# The kernel's view of itself: everything that must match between a cold and a warm kernel.
PROBE = [
    """
    import os, sys
    print(os.getcwd())
    print(os.environ.get("ANALYSIS_RUN_ID"), os.environ.get("ANALYSIS_COMMIT"), os.environ.get("MPLBACKEND"))
    print(os.path.basename(sys.argv[0]), sys.argv[1:2], sys.orig_argv[1:2])
    print(sys.path)
    print(os.getpid() == os.getpgid(0) == os.getsid(0))  # session leader, as jupyter_client starts kernels
    print(sys.stdin is not None, sys.__stdout__.fileno(), sys.__stderr__.fileno())
    """,
    """
    import matplotlib
    import matplotlib.pyplot as plt
    print(matplotlib.get_backend(), matplotlib.rcParams["figure.figsize"], matplotlib.rcParams["figure.dpi"])
    plt.plot([1, 3, 2])
    plt.title("a line")
    """,
    """
    import numpy as np
    import scipy.linalg
    from analysis.warmkernel import blas_threads
    print(sorted(blas_threads().values()), np.linalg.inv(np.array([[2.0, 1.0], [1.0, 3.0]])).round(6).tolist())
    """,
    """
    import pandas as pd
    from IPython.display import Markdown, display
    display(Markdown("**bold**"))
    pd.DataFrame({"a": [1.5, None], "b": ["x", "y"]})
    """,
    """
    import warnings
    warnings.warn("a user warning")
    print("to stderr", file=sys.stderr)
    """,
    """
    from myst_nb import glue
    glue("answer", 42)
    glue("quiet", 3.14159, display=False)
    """,
    """
    import logging, signal
    print(signal.getsignal(signal.SIGINT).__name__, signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGCHLD))
    print(logging.getLogger().handlers, logging.getLogger().level)
    """,
    """
    %%capture captured
    print("captured")
    """,
    """
    print(captured.stdout.strip(), get_ipython().execution_count, type(get_ipython()).__name__)
    """,
]


# ---------------------------------------------------------------- (a) same outputs


@pytest.mark.parametrize("mplbackend", [None, "Agg"], ids=["inline", "Agg"])  # a shell or CI may set MPLBACKEND
def test_probe_notebook_same_outputs_warm_and_cold(warm, tmp_path, monkeypatch, mplbackend):
    src = _notebook(tmp_path / "probe.ipynb", *PROBE)
    monkeypatch.setenv("ANALYSIS_RUN_ID", "probe_run")
    monkeypatch.setenv("ANALYSIS_COMMIT", "abc123")
    if mplbackend:
        monkeypatch.setenv("MPLBACKEND", mplbackend)
    else:
        monkeypatch.delenv("MPLBACKEND", raising=False)
    cold = _run(src, tmp_path / "cold.ipynb", {})
    hot = _run(src, tmp_path / "warm.ipynb", warm)
    assert _outputs(hot) == _outputs(cold)
    assert _stdout(hot, 1).splitlines()[1] == f"probe_run abc123 {mplbackend or 'module://matplotlib_inline.backend_inline'}"
    assert len(_pngs(cold)) == (0 if mplbackend else 1)  # the inline backend shows the figure after the cell
    assert all(n > 0 for n in _pngs(hot)) and len(_pngs(hot)) == len(_pngs(cold))
    assert hot.metadata.get("kernelspec") == cold.metadata.get("kernelspec")
    assert hot.metadata.get("language_info") == cold.metadata.get("language_info")


# Import-time state of the interpreter and the preloaded libraries, as the kernel sees it once it imported them all
# (so that a cold kernel has the same modules). Found: pandas' display.max_columns / display.encoding, which pandas
# derives at import from "am I in an IPython kernel" and sys.stdout.
STATE_PROBE = """
import faulthandler, gc, json, locale, logging, os, signal, sys, threading, time, warnings
from analysis import warmkernel as _wk
for _m in _wk.PRELOAD:
    try:
        __import__(_m)
    except Exception as e:
        print("import failed", _m, e)
import matplotlib as mpl, numpy as np, pandas as pd
from pandas._config import config as _cf
state = {
    "pandas": {k: repr(pd.get_option(k)) for k in sorted(_cf._registered_options) if k not in _cf._deprecated_options},
    "pandas_defaults": {k: repr(o.defval) for k, o in sorted(_cf._registered_options.items())},
    "rcParams": {k: repr(v) for k, v in sorted(mpl.rcParams.items())},
    "rcParamsDefault": {k: repr(dict.__getitem__(mpl.rcParamsDefault, k)) for k in sorted(mpl.rcParamsDefault)},
    "numpy": [repr(np.get_printoptions()), repr(np.geterr())],
    "warning_filters": sorted(repr(f) for f in warnings.filters),  # (their order can differ: see the module doc)
    "env": dict(sorted(os.environ.items())),
    "modules": sorted(sys.modules),
    "sys": [repr(sys.flags), sys.getrecursionlimit(), sys.getswitchinterval(), sys.getfilesystemencoding(),
            sys.stdout.encoding, repr(locale.getlocale()), time.tzname, gc.isenabled(), gc.get_threshold(),
            faulthandler.is_enabled(), threading.active_count(), os.umask(0o22)],
    "signals": {s.name: repr(signal.getsignal(s)) for s in signal.Signals if s not in (signal.SIGKILL, signal.SIGSTOP)},
    "logging": {n: [repr(h) for h in lg.handlers] + [lg.level] for n, lg in logging.root.manager.loggerDict.items()
                if isinstance(lg, logging.Logger)} | {"": [repr(h) for h in logging.root.handlers]},
    "builtins": sorted(dir(__builtins__)),
    "formatters": sorted(get_ipython().display_formatter.active_types),
}
print(json.dumps(state, indent=0, default=repr))
"""


@pytest.mark.parametrize("mplbackend", [None, "Agg"], ids=["inline", "Agg"])
def test_kernel_state_same_warm_and_cold(warm, tmp_path, monkeypatch, mplbackend):
    import json

    if mplbackend:
        monkeypatch.setenv("MPLBACKEND", mplbackend)
    else:
        monkeypatch.delenv("MPLBACKEND", raising=False)
    src = _notebook(tmp_path / "state.ipynb", STATE_PROBE)
    states = {}
    for name, kernel in (("cold", {}), ("warm", warm)):
        text = re.sub(r"0x[0-9a-f]+", "0x…", _stdout(_run(src, tmp_path / f"{name}.ipynb", kernel), 1))
        states[name] = json.loads(text)
    for key, cold in states["cold"].items():
        hot = states["warm"][key]
        if isinstance(cold, dict):
            assert {k: v for k, v in hot.items() if cold.get(k) != v} == {k: v for k, v in cold.items()
                                                                            if hot.get(k) != v}, key
        else:
            assert hot == cold, key


def _coverage_root(tmp_path: Path, processed: Path) -> Path:
    """A project root whose data and notebooks are the real ones, but whose generated files go to tmp_path."""
    root = tmp_path / "root"
    (root / "book").mkdir(parents=True)
    (root / "data").mkdir()
    (root / "data" / "processed").symlink_to(processed)
    (root / "data" / "raw").symlink_to(ROOT / "data" / "raw")
    for name in ("sources.yml", "pyproject.toml", "notebooks"):
        (root / name).symlink_to(ROOT / name)
    return root


@pytest.mark.integration
def test_data_coverage_same_outputs_warm_and_cold(warm, processed, tmp_path, monkeypatch):
    root = _coverage_root(tmp_path, processed)
    monkeypatch.setenv("ANALYSIS_ROOT", str(root))
    monkeypatch.delenv("MPLBACKEND", raising=False)  # inline figures (execute_run forces them too)
    src = ROOT / "notebooks" / "data_coverage.ipynb"
    results = {}
    for name, kernel in (("cold", {}), ("warm", warm)):
        monkeypatch.setenv("ANALYSIS_RUN_ID", "data_coverage")
        results[name] = _run(src, tmp_path / f"{name}.ipynb", kernel, cwd=str(src.parent))
        downloads = root / "book" / "generated" / "site" / "downloads" / "data_coverage"
        results[name + "_files"] = {p.name: p.read_bytes() for p in sorted(downloads.iterdir()) if p.suffix != ".png"}
    assert _outputs(results["warm"]) == _outputs(results["cold"])
    assert _pngs(results["cold"]) and all(n > 0 for n in _pngs(results["warm"]))
    assert len(_pngs(results["warm"])) == len(_pngs(results["cold"]))
    assert results["warm_files"] == results["cold_files"]  # the published CSV and metadata


# ---------------------------------------------------------------- (b) isolation


def test_runs_are_isolated(warm, tmp_path, monkeypatch):
    src = _notebook(
        tmp_path / "iso.ipynb",
        """
        import os
        import numpy as np
        import pandas as pd
        import matplotlib as mpl
        import analysis.figures
        print("leak" in globals(), pd.get_option("display.max_rows"), mpl.rcParams["lines.linewidth"],
              hasattr(analysis.figures, "INJECTED"))
        print(os.environ["ANALYSIS_RUN_ID"], os.environ.get("ONLY_FIRST"))
        leak = 1  # each of these would leak into the next run if runs shared a kernel process
        pd.set_option("display.max_rows", 7)
        mpl.rcParams["lines.linewidth"] = 9.0
        os.environ["ONLY_FIRST"] = "set by run 1"
        analysis.figures.INJECTED = True  # state of a preloaded module
        """,
        "print(np.random.rand(), os.getpid())",
    )
    seen = []
    for i in (1, 2):
        monkeypatch.setenv("ANALYSIS_RUN_ID", f"iso_{i}")
        seen.append(_run(src, tmp_path / f"iso_{i}.ipynb", warm))
    for i, nb in enumerate(seen, 1):
        assert _stdout(nb, 1).splitlines() == ["False 60 1.5 False", f"iso_{i} None"]
    draws = [_stdout(nb, 2).split() for nb in seen]
    assert draws[0][0] != draws[1][0], "the global NumPy RNG must be re-seeded in each kernel"
    assert draws[0][1] != draws[1][1], "each run gets its own kernel process"


def test_kernel_is_a_child_of_the_zygote(warm, tmp_path):
    src = _notebook(tmp_path / "ppid.ipynb", "import os\nprint(os.getppid())")
    nb = _run(src, tmp_path / "out.ipynb", warm)
    assert int(_stdout(nb, 1)) == wk.status()["zygote_pid"]
    assert _wait_no_children(wk.status()["zygote_pid"]), "the finished kernel must be reaped"


def test_kernel_exit_is_a_normal_interpreter_exit(warm, tmp_path):
    """A cold kernel ends with Python's normal shutdown: atexit handlers run and unclosed files are flushed."""
    for name, kernel in (("cold", {}), ("warm", warm)):
        out = tmp_path / name
        out.mkdir()
        src = _notebook(tmp_path / f"{name}.ipynb", f"""
            import atexit, json
            # held by a module, not by the namespace (IPython's own atexit clears that): only the interpreter's
            # shutdown (module teardown) closes and flushes it
            json._unclosed = open({str(out / "unclosed.txt")!r}, "w")
            json._unclosed.write("buffered, never flushed by the notebook")
            atexit.register(lambda: open({str(out / "atexit.txt")!r}, "w").write("ran"))
            """)
        _run(src, tmp_path / f"{name}_out.ipynb", kernel)
        deadline = time.monotonic() + 10  # the kernel may still be finishing after papermill returns
        while not (out / "atexit.txt").exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert (out / "atexit.txt").read_text() == "ran", name
        deadline = time.monotonic() + 10
        while not (out / "unclosed.txt").stat().st_size and time.monotonic() < deadline:
            time.sleep(0.05)
        assert (out / "unclosed.txt").read_text() == "buffered, never flushed by the notebook", name


# ---------------------------------------------------------------- (c) failures


def test_error_fails_the_run_and_next_run_works(warm, tmp_path):
    bad = _notebook(tmp_path / "bad.ipynb", "print('before')", "raise ValueError('boom')", "print('never')")
    with pytest.raises(pm.PapermillExecutionError, match="boom"):
        _run(bad, tmp_path / "bad_out.ipynb", warm)
    good = _notebook(tmp_path / "good.ipynb", "print(6 * 7)")
    assert _stdout(_run(good, tmp_path / "good_out.ipynb", warm), 1).strip() == "42"


def test_crashed_kernel_fails_fast_and_next_run_works(warm, tmp_path):
    crash = _notebook(tmp_path / "crash.ipynb", "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)",
                      "print('never')")
    start = time.monotonic()
    with pytest.raises(Exception, match="(?i)kernel died|dead"):
        _run(crash, tmp_path / "crash_out.ipynb", warm)
    assert time.monotonic() - start < 30
    good = _notebook(tmp_path / "good.ipynb", "print('alive')")
    assert _stdout(_run(good, tmp_path / "good_out.ipynb", warm), 1).strip() == "alive"


def test_hung_cell_times_out_and_kernel_is_killed(warm, tmp_path):
    hang = _notebook(tmp_path / "hang.ipynb", "import time\ntime.sleep(600)")
    start = time.monotonic()
    with pytest.raises(Exception, match="(?i)timed out|timeout"):
        _run(hang, tmp_path / "hang_out.ipynb", warm, execution_timeout=2)
    assert time.monotonic() - start < 30
    assert _wait_no_children(wk.status()["zygote_pid"]), "the hung kernel must be gone"
    good = _notebook(tmp_path / "good.ipynb", "print('alive')")
    assert _stdout(_run(good, tmp_path / "good_out.ipynb", warm), 1).strip() == "alive"


def test_interrupt_and_kill_reach_the_kernel(warm):
    pids: list[dict] = []

    async def scenario() -> tuple[str, int, bool]:
        km = wk.ensure_zygote().manager_class()(kernel_name="python3")
        await km.start_kernel()
        kc = km.client()
        kc.start_channels()
        try:
            await kc.wait_for_ready(timeout=60)
            reply = await kc.execute_interactive("import os; print(os.getpid())", timeout=30,
                                                 output_hook=lambda msg: pids.append(msg))
            assert reply["content"]["status"] == "ok"
            kernel_pid = int(next(m["content"]["text"] for m in pids if m["msg_type"] == "stream"))
            msg_id = kc.execute("import time; time.sleep(60)")
            await asyncio.sleep(1.0)
            await km.interrupt_kernel()
            while True:
                reply = await kc.get_shell_msg(timeout=15)
                if reply["parent_header"].get("msg_id") == msg_id:
                    break
            interrupted = reply["content"].get("ename", reply["content"]["status"])
            await km.shutdown_kernel(now=True)  # SIGKILL to the shim's group: the zygote kills the kernel
            return interrupted, kernel_pid, await km.is_alive()
        finally:
            kc.stop_channels()

    ename, kernel_pid, alive = asyncio.run(scenario())
    assert ename == "KeyboardInterrupt"
    assert not alive
    assert _gone(kernel_pid), "killing the shim must kill the forked kernel"


# ---------------------------------------------------------------- fallbacks and lifetime


def test_refused_environment_gets_a_cold_kernel(_zygote, tmp_path, monkeypatch, capfd):
    """A variable read at import time (here by pandera) that differs from the zygote's: cold kernel, same run."""
    warm = wk.papermill_kwargs()
    monkeypatch.setenv("PANDERA_VALIDATION_ENABLED", "False")
    src = _notebook(tmp_path / "env.ipynb", "import os\nprint(os.getppid(), os.environ['PANDERA_VALIDATION_ENABLED'])")
    nb = _run(src, tmp_path / "out.ipynb", warm)
    ppid, value = _stdout(nb, 1).split()
    assert int(ppid) == os.getpid() and value == "False"  # the shim exec'd the cold command in place
    assert "['PANDERA_VALIDATION_ENABLED']; starting a cold kernel" in capfd.readouterr().err


def test_unreachable_zygote_gets_a_cold_kernel(tmp_path):
    from jupyter_client.manager import AsyncKernelManager

    class Orphan(AsyncKernelManager):
        def format_kernel_cmd(self, extra_arguments=None):
            return wk.shim_command(str(tmp_path / "no.sock"), super().format_kernel_cmd(extra_arguments))

    src = _notebook(tmp_path / "cold.ipynb", "import os\nprint(os.getppid())")
    nb = _run(src, tmp_path / "out.ipynb", {"kernel_manager_class": Orphan})
    assert int(_stdout(nb, 1)) == os.getpid()


def test_zygote_that_cannot_start_means_cold_and_a_logged_reason(monkeypatch, caplog):
    monkeypatch.setattr(wk, "_ZYGOTE", None)  # (restored afterwards: the module's zygote stays up)
    monkeypatch.setattr(wk, "_UNAVAILABLE", None)
    monkeypatch.setattr(wk, "_ZYGOTE_BOOT", "print('fail simulated import error')")
    with caplog.at_level("WARNING", logger="analysis.warmkernel"):
        assert wk.papermill_kwargs() == {}
    assert "simulated import error" in caplog.text
    assert "simulated import error" in wk.status()["unavailable"]
    assert wk.papermill_kwargs() == {}  # no retry in this process


def test_zygote_exits_with_its_parent(tmp_path):
    code = ("import os; from analysis import warmkernel as w; z = w.ensure_zygote(); print(z.pid, flush=True); "
            "os._exit(0)")  # no atexit: like a ProcessPoolExecutor worker
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stderr
    assert _gone(int(proc.stdout.split()[-1]), timeout=10)


def test_build_switch(monkeypatch):
    monkeypatch.delenv(wk.ENV_SWITCH, raising=False)
    assert wk.enabled() and not wk.enabled(False)  # on by default
    monkeypatch.setenv(wk.ENV_SWITCH, "0")
    assert not wk.enabled() and wk.enabled(True)  # the escape hatch


# ---------------------------------------------------------------- (d) timing


@pytest.mark.integration
def test_timing_data_coverage_cold_vs_warm(warm, processed, tmp_path, monkeypatch):
    root = _coverage_root(tmp_path, processed)
    monkeypatch.setenv("ANALYSIS_ROOT", str(root))
    monkeypatch.setenv("ANALYSIS_RUN_ID", "data_coverage")
    src = ROOT / "notebooks" / "data_coverage.ipynb"
    times: dict[str, list[float]] = {"cold": [], "warm": []}
    for i in range(3):  # interleaved, so that load from elsewhere hits both alike
        for name, kernel in (("cold", {}), ("warm", warm)):
            start = time.perf_counter()
            _run(src, tmp_path / f"{name}{i}.ipynb", kernel, cwd=str(src.parent))
            times[name].append(time.perf_counter() - start)
    cold, hot = statistics.median(times["cold"]), statistics.median(times["warm"])
    print(f"\ndata_coverage per run: cold {cold:.2f} s, warm {hot:.2f} s (saved {cold - hot:.2f} s); "
          f"all: {({k: [round(t, 2) for t in v] for k, v in times.items()})}")
    assert hot <= cold * 1.1 + 0.5
