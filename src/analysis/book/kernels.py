"""Kernels reused from one notebook run to the next, one per runner thread (public APIs only).

A fresh kernel per run costs its start-up and the imports of the notebook's first cells: about 1.5–2 s of the
3 s a country profile takes, paid 36 times in a clean build. A build's runner keeps one kernel per thread and
hands it to papermill (nbclient's documented ``km`` argument: a running kernel manager is used as is and left
running). Before each run :meth:`ReusableKernel.prepare` puts the kernel back in the state a fresh kernel
would give the notebook:

- the user namespace is cleared (IPython's ``%reset -f``) and every figure is closed;
- matplotlib's ``rcParams`` and the warning filters are restored to their values after start-up (so a warning
  shown once per process is shown again, and a style set by the previous notebook does not leak);
- the working directory and the run's environment variables (run id, commit, notebook, parameters) are set.

After the run :func:`renumber` gives the cells the execution counts a fresh kernel gives (1, 2, …). A kernel
whose run failed, died or timed out is shut down and replaced. The test
``tests/test_kernels.py`` runs notebooks one after another in one kernel and compares every output with a fresh
kernel's.

Only jupyter_client's ``AsyncKernelManager`` and kernel client, ``jupyter_core.utils.run_sync`` (the event loop
of the calling thread, the one nbclient uses) and papermill's keyword arguments are used: nothing is patched.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import IO, Any

from jupyter_client import AsyncKernelManager
from jupyter_core.utils import run_sync

#: Code run once after start-up: what a fresh kernel has before the notebook's first cell, kept outside the user
#: namespace (which ``%reset -f`` clears) to be restored before each notebook.
_SNAPSHOT = """\
import sys as __sys, types as __types, warnings as __w
import matplotlib as __mpl
__sys.modules["analysis_fresh_kernel_state"] = __types.SimpleNamespace(
    rc=__mpl.rcParams.copy(), filters=list(__w.filters))
del __sys, __types, __w, __mpl
"""

#: Code run before each notebook (``{cwd}`` and ``{env}`` filled in as JSON strings).
_PREPARE = """\
get_ipython().run_line_magic("reset", "-f")
import json as __json, os as __os, sys as __sys, warnings as __w
__fresh = __sys.modules["analysis_fresh_kernel_state"]
if "matplotlib.pyplot" in __sys.modules:
    __sys.modules["matplotlib.pyplot"].close("all")
with __w.catch_warnings():
    __w.simplefilter("ignore")
    __sys.modules["matplotlib"].rcParams.update(__fresh.rc)
__w.resetwarnings()
__f = None
for __f in reversed(__fresh.filters):
    __w.filterwarnings(__f[0], message=getattr(__f[1], "pattern", __f[1]) or "", category=__f[2],
                       module=getattr(__f[3], "pattern", __f[3]) or "", lineno=__f[4])
__os.chdir(__json.loads({cwd!r}))
__os.environ.update(__json.loads({env!r}))
del __json, __os, __sys, __w, __fresh, __f
"""


class KernelError(RuntimeError):
    """The kernel could not be prepared for a run (it is then replaced)."""


class ReusableKernel:
    """One IPython kernel, started on first use in the calling thread and reused by the runs of that thread.

    Use it from one thread only (its manager lives in that thread's event loop)."""

    def __init__(self, kernel_name: str = "python3", cwd: Path | None = None, stderr: Path | None = None,
                 env: dict[str, str] | None = None):
        self.kernel_name = kernel_name
        self.cwd = cwd
        self.stderr = stderr  # the kernel's start-up chatter and warnings go to this log file, not to readers
        self.env = env
        self.km: AsyncKernelManager | None = None
        self._log: IO[bytes] | None = None
        self.runs = 0  # notebooks executed in this kernel

    def start(self) -> AsyncKernelManager:
        """Start the kernel (once) and record its fresh state; returns its manager."""
        if self.km is not None:
            return self.km
        km = AsyncKernelManager(kernel_name=self.kernel_name)
        kwargs: dict[str, Any] = {}
        if self.cwd is not None:
            kwargs["cwd"] = str(self.cwd)
        if self.env is not None:
            kwargs["env"] = dict(self.env)
        if self.stderr is not None:
            self.stderr.parent.mkdir(parents=True, exist_ok=True)
            self._log = open(self.stderr, "ab")  # noqa: SIM115 (closed by shutdown)
            kwargs["stderr"] = self._log
        run_sync(km.start_kernel)(**kwargs)
        self.km = km
        try:
            self._execute(_SNAPSHOT)
        except BaseException:
            self.shutdown()
            raise
        return km

    def _execute(self, code: str, timeout: float = 60) -> None:
        """Run ``code`` silently in the kernel (no history, no execution count); raise if it fails."""
        assert self.km is not None
        kc = self.km.client()
        kc.start_channels()
        try:
            run_sync(kc.wait_for_ready)(timeout=timeout)
            reply = run_sync(kc.execute_interactive)(code, silent=True, store_history=False, timeout=timeout,
                                                     output_hook=lambda msg: None)
        finally:
            kc.stop_channels()
        if reply["content"].get("status") != "ok":
            raise KernelError(f"kernel preparation failed: {reply['content'].get('ename')}: "
                              f"{reply['content'].get('evalue')}")

    def prepare(self, cwd: Path, env: dict[str, str]) -> AsyncKernelManager:
        """Start the kernel if needed, then reset it for the next notebook (see the module's docstring)."""
        km = self.start()
        self._execute(_PREPARE.format(cwd=json.dumps(str(cwd)), env=json.dumps(env)))
        self.runs += 1
        return km

    def shutdown(self) -> None:
        """Stop the kernel process (at once: there is nothing to save) and forget it."""
        km, self.km = self.km, None
        try:
            if km is not None and km.has_kernel:
                run_sync(km.shutdown_kernel)(now=True)
        finally:
            if self._log is not None:
                self._log.close()
                self._log = None


class ThreadKernels:
    """One :class:`ReusableKernel` per thread of a runner's thread pool, all shut down by :meth:`close`."""

    def __init__(self, kernel_name: str = "python3", cwd: Path | None = None, log_dir: Path | None = None,
                 env: dict[str, str] | None = None):
        self._local = threading.local()
        self._all: list[ReusableKernel] = []
        self._lock = threading.Lock()
        self.kernel_name, self.cwd, self.log_dir, self.env = kernel_name, cwd, log_dir, env
        self.closed = False

    def get(self) -> ReusableKernel:
        """This thread's kernel (created on first use); :class:`KernelError` once the runner is stopping."""
        if self.closed:
            raise KernelError("the runner is stopping: no new kernel")
        kernel = getattr(self._local, "kernel", None)
        if kernel is None:
            with self._lock:
                n = len(self._all) + 1
            log = self.log_dir / f"kernel-{n}.stderr.log" if self.log_dir is not None else None
            kernel = ReusableKernel(self.kernel_name, self.cwd, log, self.env)
            self._local.kernel = kernel
            with self._lock:
                self._all.append(kernel)
        return kernel

    def stop(self) -> None:
        """No kernel is started or replaced from now on (Ctrl-C: the runs stop with the kernels)."""
        self.closed = True

    def close(self) -> None:
        """Shut down every kernel. Called from the thread that created the pool once its threads are done:
        a kernel's manager is only used to kill its process here, which needs no event loop of its own."""
        self.closed = True
        with self._lock:
            kernels, self._all = self._all, []
        for kernel in kernels:
            kernel.shutdown()


def renumber(nb: Any) -> None:
    """Execution counts 1, 2, … in cell order (what a fresh kernel gives), on cells and their results."""
    count = 0
    for cell in nb.cells:
        if cell.cell_type != "code" or cell.get("execution_count") is None:
            continue
        count += 1
        cell.execution_count = count
        for out in cell.get("outputs", []):
            if out.get("output_type") == "execute_result":
                out["execution_count"] = count
