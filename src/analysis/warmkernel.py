"""Warm kernels: fork each notebook's ipykernel from a "zygote" that has already imported the heavy modules.

A cold kernel spends ~0.75 s starting and 1.5-3 s importing pandas, matplotlib, pandera, scipy, statsmodels…
before the notebook does any work. Here, each worker process keeps one long-lived **zygote**: a Python process
started with the interpreter and flags of the ``python3`` kernelspec that imports :data:`PRELOAD` once (BLAS
limited to one thread and matplotlib on Agg while importing, so that it stays single-threaded), then waits on a
Unix socket. Every notebook still gets a **brand-new kernel process**: a fork of the zygote that runs
``IPKernelApp`` from the start (fresh IPython shell, fresh namespace), with the run's environment, cwd, argv and
standard streams.

How a kernel is started (per run)::

    worker (papermill / nbclient / jupyter_client)
      └─ launches the kernelspec command, prefixed with the *shim*  (WarmKernelManager.format_kernel_cmd)
           shim ──Unix socket──▶ zygote: {argv, cwd, env} + its fds 0, 1, 2
                                   └─ fork ▶ kernel: setsid, env/cwd/argv/stdio of the run, IPKernelApp(-f conn)

The shim is the process jupyter_client sees: it forwards signals (interrupt, terminate) to the kernel's process
group, and exits with the kernel's status (the zygote reports it). If the shim is killed, the zygote kills the
kernel; if the zygote dies, the kernel dies with it (``PR_SET_PDEATHSIG``) and the shim exits; the zygote exits
when its worker does (EOF on its stdin pipe, or its parent changes).

Fallbacks (a cold kernel, never a failed run because of this module):

* the zygote cannot start (import error, unsafe state such as extra threads, timeout): :func:`papermill_kwargs`
  returns ``{}`` and logs why once; the run uses jupyter_client's ordinary kernel;
* the zygote refuses one run (its environment differs in a variable read at import time, e.g. ``PYTHON*``,
  ``MPL*``, ``PANDERA_*``; a ``matplotlibrc`` in the run's cwd; another interpreter or flags) or is unreachable:
  the shim ``exec``\\ s the kernelspec's own command in place, so jupyter_client still sees the same process, and
  one line saying why goes to the kernel's stderr (the run's log).

State fixed up in each forked kernel so that it matches a cold one: environment (the run's, plus anything a
preloaded module set at import), cwd, ``sys.argv``/``sys.orig_argv``, signal handlers, stdio buffering, time
zone, BLAS thread count (recomputed from the run's environment as OpenBLAS does), the legacy NumPy global RNG
(re-seeded from OS entropy; :mod:`random` re-seeds itself after fork), matplotlib's backend (what
``MPLBACKEND`` / rc files ask for, i.e. the inline backend that ipykernel selects), pandas' ``display.max_columns``
and ``display.encoding`` (pandas derives them at import from "inside an IPython kernel?" and ``sys.stdout``),
``IPKernelApp.parent_handle``. The kernel ends with Python's normal shutdown (atexit, module teardown), not
``os._exit``. ``tests/test_warmkernel.py::test_kernel_state_same_warm_and_cold`` compares this state (all pandas
options, rcParams, numpy print options, warning filters, environment, modules, signals, logging…) between a cold
and a warm kernel: run it after upgrading any preloaded library.

Known differences from a cold kernel (documented, not fixed): the preloaded modules are already in
``sys.modules`` (their import-time side effects — warning filters added by statsmodels/scipy, pandas accessors
registered by pandera — are present even in a notebook that never imports them, and such filters sit in a
different order relative to IPython's); all kernels of one zygote share its string-hash seed (``PYTHONHASHSEED``
is compared, so a fixed seed is honoured); a warning raised while the zygote imports goes to its log
(``_build/logs/warmkernel.log``), not into the notebook; a zygote serves the ``analysis`` code it imported, so it
is restarted when the package's code digest changes.

Enable with ``ANALYSIS_WARM_KERNELS=1`` (or ``execute_run(..., warm=True)``). This module imports only the
standard library at top level: the shim imports it under ``python -I -S``.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import logging
import os
import selectors
import signal
import socket
import struct
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

#: Environment variable that switches :func:`analysis.build.execute_run` to warm kernels ("1").
ENV_SWITCH = "ANALYSIS_WARM_KERNELS"

#: Imported once by the zygote. A module that fails to import is skipped (the notebook imports it itself).
PRELOAD: tuple[str, ...] = (
    "numpy", "pandas", "matplotlib", "matplotlib.pyplot", "scipy.stats", "pandera.pandas",
    "statsmodels.formula.api", "seaborn", "IPython", "ipykernel.kernelapp", "myst_nb",
    "analysis.config", "analysis.params", "analysis.process", "analysis.figures",
    # the domain modules (analysis.params.NOTEBOOK_MODULES); one that is broken is simply not preloaded
    "analysis.coverage", "analysis.adoption", "analysis.dialogues", "analysis.exposure", "analysis.claims",
    "analysis.ilo", "analysis.profiles", "analysis.implications",
)

#: Environment variables read at import time by the interpreter or the preloaded modules: a run whose value
#: differs from the zygote's gets a cold kernel. (Prefixes.)
IMPORT_TIME_ENV: tuple[str, ...] = (
    "PYTHON", "MPL", "MATPLOTLIB", "PANDERA", "PANDAS", "NUMPY", "NPY_", "SCIPY", "NUMEXPR", "MKL", "OPENBLAS",
    "GOTO_", "OMP_", "LD_", "COVERAGE", "IPYTHON", "JUPYTER", "XDG_", "HOME", "LANG", "LC_", "TMP", "TEMP",
)
#: …except these, which each forked kernel re-applies itself.
REAPPLIED_ENV = frozenset({"OPENBLAS_NUM_THREADS", "GOTO_NUM_THREADS", "OMP_NUM_THREADS", "MPLBACKEND"})

#: Set in the zygote while it imports (so that it starts no BLAS threads and no GUI backend).
_IMPORT_ENV = {"OPENBLAS_NUM_THREADS": "1", "GOTO_NUM_THREADS": "1", "OMP_NUM_THREADS": "1",
               "MKL_NUM_THREADS": "1", "MPLBACKEND": "agg"}

ZYGOTE_START_TIMEOUT = 120.0  # s; the imports take ~3 s, more on a loaded machine
SHIM_CONNECT_TIMEOUT = 10.0  # s; the zygote answers a request after one fork
_FORWARDED_SIGNALS = ("SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT", "SIGUSR1", "SIGUSR2", "SIGWINCH", "SIGCONT")

_SRC_DIR = str(Path(__file__).resolve().parents[1])
_ZYGOTE_BOOT = "import sys; from analysis.warmkernel import zygote_main; sys.exit(zygote_main(sys.argv[1:]))"
_SHIM_BOOT = ("import sys; sys.path.insert(0, sys.argv[1]); from analysis.warmkernel import shim_main; "
              "shim_main(sys.argv[2:])")
_PYTHON_NAMES = {"python", f"python{sys.version_info[0]}", "python{}.{}".format(*sys.version_info[:2])}


class WarmKernelUnavailable(RuntimeError):
    """The warm path cannot be used (the message says why); callers use a cold kernel."""


# ================================================================ wire protocol (length-prefixed JSON)


def _send_msg(sock: socket.socket, obj: dict) -> None:
    data = json.dumps(obj).encode()
    sock.sendall(struct.pack("!I", len(data)) + data)


def _recv_exact(sock: socket.socket, n: int) -> bytes | None:
    buf = bytearray()
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))
        if not chunk:
            return None
        buf += chunk
    return bytes(buf)


def _recv_msg(sock: socket.socket) -> dict | None:
    """The next message, or None at EOF."""
    head = _recv_exact(sock, 4)
    if head is None:
        return None
    body = _recv_exact(sock, struct.unpack("!I", head)[0])
    return None if body is None else json.loads(body)


# ================================================================ worker side


def enabled(flag: bool | None = None) -> bool:
    """``flag`` if given, else on unless ``ANALYSIS_WARM_KERNELS`` is ``0``/``false``/``no`` (the escape hatch)."""
    if flag is not None:
        return flag
    return os.environ.get(ENV_SWITCH, "").strip().lower() not in {"0", "false", "no"}


def kernel_prefix(kernel_name: str = "python3") -> list[str]:
    """The interpreter and its flags from the kernelspec (``[python, -Xfrozen_modules=off]``).

    Raises :class:`WarmKernelUnavailable` unless the spec runs ``-m ipykernel_launcher -f {connection_file}``."""
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        argv = list(KernelSpecManager().get_kernel_spec(kernel_name).argv)
    except NoSuchKernel as exc:
        raise WarmKernelUnavailable(f"no kernelspec {kernel_name!r}") from exc
    if "-m" not in argv or argv[argv.index("-m") + 1: argv.index("-m") + 2] != ["ipykernel_launcher"]:
        raise WarmKernelUnavailable(f"kernelspec {kernel_name!r} does not run ipykernel_launcher: {argv}")
    prefix = argv[: argv.index("-m")]
    if prefix and prefix[0] in _PYTHON_NAMES:  # as jupyter_client.KernelManager.format_kernel_cmd does
        prefix[0] = sys.executable
    return prefix


def _code_digest() -> str:
    from analysis.cache import code_digest, pins_digest

    return code_digest() + pins_digest()


class Zygote:
    """A zygote process owned by this (worker) process. :meth:`start` waits until it is ready."""

    def __init__(self, prefix: list[str]):
        self.prefix = prefix
        self.owner = os.getpid()
        self.proc: subprocess.Popen | None = None
        self.socket_path = ""
        self.digest = ""
        self._tmp = ""
        self._manager_class: type | None = None

    @property
    def pid(self) -> int | None:
        return self.proc.pid if self.proc else None

    def start(self, timeout: float = ZYGOTE_START_TIMEOUT) -> Zygote:
        import tempfile

        from analysis import config

        self.digest = _code_digest()
        self._tmp = tempfile.mkdtemp(prefix="analysis-warmkernel-")  # mode 0700: only we can connect
        self.socket_path = os.path.join(self._tmp, "zygote.sock")
        log_path = config.build_dir() / "logs" / "warmkernel.log"
        log_path.parent.mkdir(parents=True, exist_ok=True)
        with open(log_path, "ab") as err:
            # start_new_session: a Ctrl-C in the terminal reaches the workers, not the zygote (which follows them)
            self.proc = subprocess.Popen([*self.prefix, "-c", _ZYGOTE_BOOT, self.socket_path],
                                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=err, cwd=self._tmp,
                                         start_new_session=True, close_fds=True)
        line = self._read_line(timeout)
        if not line.startswith("ready "):
            self.stop()
            raise WarmKernelUnavailable(f"zygote did not start ({line or 'no answer'}); see {log_path}")
        self.proc.stdout.close()
        return self

    def _read_line(self, timeout: float) -> str:
        assert self.proc and self.proc.stdout
        fd, buf, deadline = self.proc.stdout.fileno(), b"", time.monotonic() + timeout
        with selectors.DefaultSelector() as sel:
            sel.register(fd, selectors.EVENT_READ)
            while b"\n" not in buf:
                left = deadline - time.monotonic()
                if left <= 0:
                    return f"timeout after {timeout:.0f} s"
                if sel.select(min(left, 1.0)):
                    chunk = os.read(fd, 4096)
                    if not chunk:
                        return buf.decode(errors="replace").strip() or f"exited with {self.proc.wait()}"
                    buf += chunk
        return buf.split(b"\n", 1)[0].decode(errors="replace").strip()

    def alive(self) -> bool:
        return self.proc is not None and self.owner == os.getpid() and self.proc.poll() is None

    def stop(self) -> None:
        """Close the zygote's stdin (it then kills any kernel it still has and exits); SIGKILL after 5 s."""
        if self.owner != os.getpid():  # inherited through fork (e.g. an atexit handler): not ours to stop
            return
        proc, self.proc = self.proc, None
        if proc is not None:
            with contextlib.suppress(OSError):
                proc.stdin.close()
            try:
                proc.wait(5)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(OSError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
            if proc.stdout and not proc.stdout.closed:
                proc.stdout.close()
        if self._tmp:
            import shutil

            shutil.rmtree(self._tmp, ignore_errors=True)
            self._tmp = ""

    def manager_class(self) -> type:
        """A jupyter_client ``AsyncKernelManager`` subclass whose kernel command goes through this zygote."""
        if self._manager_class is None:
            from jupyter_client.manager import AsyncKernelManager

            socket_path = self.socket_path

            class WarmKernelManager(AsyncKernelManager):
                """Starts the kernelspec's command through the shim (see :mod:`analysis.warmkernel`)."""

                def format_kernel_cmd(self, extra_arguments: list[str] | None = None) -> list[str]:
                    return shim_command(socket_path, super().format_kernel_cmd(extra_arguments))

            self._manager_class = WarmKernelManager
        return self._manager_class


def shim_command(socket_path: str, kernel_cmd: list[str]) -> list[str]:
    """The command that asks the zygote at ``socket_path`` for ``kernel_cmd`` (or runs it cold)."""
    return [sys.executable, "-I", "-S", "-c", _SHIM_BOOT, _SRC_DIR, socket_path, "--", *kernel_cmd]


_ZYGOTE: Zygote | None = None
_UNAVAILABLE: str | None = None  # why the warm path is off in this process (logged once)


def _forget_inherited() -> None:
    """In a forked child (e.g. a ProcessPoolExecutor worker) the parent's zygote is not ours: drop it, and close
    our copy of its stdin pipe, which would otherwise keep it alive after the parent exits."""
    global _ZYGOTE, _UNAVAILABLE
    z, _ZYGOTE, _UNAVAILABLE = _ZYGOTE, None, None
    if z is not None and z.proc is not None:
        for stream in (z.proc.stdin, z.proc.stdout):
            with contextlib.suppress(OSError, ValueError, AttributeError):
                stream.close()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_inherited)


def ensure_zygote(kernel_name: str = "python3") -> Zygote:
    """This process's zygote, started (or restarted: it died, or the ``analysis`` code changed) if needed.

    Raises :class:`WarmKernelUnavailable` (and remembers why: no retry in this process) if it cannot start."""
    global _ZYGOTE, _UNAVAILABLE
    if _UNAVAILABLE is not None:
        raise WarmKernelUnavailable(_UNAVAILABLE)
    try:
        if sys.platform != "linux":
            raise WarmKernelUnavailable(f"warm kernels need Linux (fork, SCM_RIGHTS, prctl), not {sys.platform}")
        prefix = kernel_prefix(kernel_name)
        z = _ZYGOTE
        if z is not None and (not z.alive() or z.prefix != prefix or z.digest != _code_digest()):
            why = "died" if not z.alive() else "serves outdated code"
            log.info("restarting the warm-kernel zygote (it %s)", why)
            z.stop()
            z = _ZYGOTE = None
        if z is None:
            z = _ZYGOTE = Zygote(prefix).start()
            atexit.register(z.stop)
        return z
    except WarmKernelUnavailable as exc:
        _UNAVAILABLE = str(exc)
        log.warning("warm kernels unavailable, using cold kernels: %s", exc)
        raise
    except Exception as exc:  # anything unexpected: same treatment, never fail the run
        _UNAVAILABLE = f"{type(exc).__name__}: {exc}"
        log.warning("warm kernels unavailable, using cold kernels: %s", _UNAVAILABLE)
        raise WarmKernelUnavailable(_UNAVAILABLE) from exc


def papermill_kwargs(kernel_name: str = "python3") -> dict[str, Any]:
    """Extra ``papermill.execute_notebook`` arguments for a warm kernel; ``{}`` (cold) when unavailable."""
    try:
        return {"kernel_manager_class": ensure_zygote(kernel_name).manager_class()}
    except WarmKernelUnavailable:
        return {}


def shutdown() -> None:
    """Stop this process's zygote (also done at exit; a worker killed outright leaves it to notice EOF)."""
    global _ZYGOTE, _UNAVAILABLE
    if _ZYGOTE is not None:
        _ZYGOTE.stop()
    _ZYGOTE = _UNAVAILABLE = None


def status() -> dict[str, Any]:
    """For tests and diagnostics: the zygote's pid (or None) and why the warm path is off (or None)."""
    return {"zygote_pid": _ZYGOTE.pid if _ZYGOTE and _ZYGOTE.alive() else None, "unavailable": _UNAVAILABLE}


# ================================================================ shim (the process jupyter_client launches)


def shim_main(argv: list[str]) -> None:
    """``argv``: ``[socket_path, "--", *kernel_cmd]``. Never returns."""
    socket_path, sep, cold = argv[0], argv[1], argv[2:]
    if sep != "--" or not cold:
        os.write(2, b"[warmkernel] shim: bad arguments\n")
        os._exit(2)
    pending: list[int] = []
    kernel: list[int] = []  # the kernel's pid, once known

    def forward(signum: int, _frame: Any) -> None:
        if not kernel:
            pending.append(signum)
            return
        _signal_group(kernel[0], signum)

    for name in _FORWARDED_SIGNALS:
        signal.signal(getattr(signal, name), forward)
    try:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(SHIM_CONNECT_TIMEOUT)
        sock.connect(socket_path)
        socket.send_fds(sock, [b"F"], [0, 1, 2])
        _send_msg(sock, {"argv": cold, "cwd": os.getcwd(), "env": dict(os.environ)})
        reply = _recv_msg(sock)
    except (OSError, ValueError) as exc:
        _exec_cold(cold, f"zygote unreachable ({exc})", pending)
    if not reply or not reply.get("ok"):
        _exec_cold(cold, (reply or {}).get("reason", "zygote closed the connection"), pending)
    kernel.append(int(reply["pid"]))
    for signum in pending:
        _signal_group(kernel[0], signum)
    sock.settimeout(None)
    try:
        msg = _recv_msg(sock)
    except OSError:
        msg = None
    if msg is None or "exit" not in msg:  # the zygote died: so does the kernel (pdeathsig); make sure
        _signal_group(kernel[0], signal.SIGKILL)
        os.write(2, b"[warmkernel] zygote exited; kernel killed\n")
        os._exit(1)
    status = int(msg["exit"])
    if os.WIFSIGNALED(status):  # die of the same signal, as the kernel did
        sig = os.WTERMSIG(status)
        if sig not in (signal.SIGKILL, signal.SIGSTOP):  # those cannot be caught anyway
            signal.signal(sig, signal.SIG_DFL)
        os.kill(os.getpid(), sig)
        os._exit(128 + sig)
    os._exit(os.WEXITSTATUS(status) if os.WIFEXITED(status) else 1)


def _signal_group(pid: int, signum: int) -> None:
    try:
        os.killpg(pid, signum)  # the kernel leads its own session, like a cold kernel under jupyter_client
    except OSError:
        with contextlib.suppress(OSError):
            os.kill(pid, signum)


def _exec_cold(cold: list[str], reason: str, pending: list[int]) -> None:
    """Replace the shim by the kernelspec's own command (same pid, same stdio): the cold fallback."""
    os.write(2, f"[warmkernel] {reason}; starting a cold kernel\n".encode(errors="replace"))
    for name in _FORWARDED_SIGNALS:
        signal.signal(getattr(signal, name), signal.SIG_DFL)
    if pending:  # a signal that arrived meanwhile was meant for the kernel, which does not exist yet
        os.write(2, f"[warmkernel] dropped signals before start: {pending}\n".encode())
    try:
        os.execv(cold[0], cold)
    finally:
        os._exit(127)


# ================================================================ zygote


def zygote_main(argv: list[str]) -> int:
    """Run by the zygote process: preload, check, then serve fork requests on the socket ``argv[0]``."""
    socket_path = argv[0]
    if sys.path and sys.path[0] in ("", os.getcwd()):
        del sys.path[0]  # as ipykernel_launcher does
    _say(f"starting (python {sys.version.split()[0]}, {sys.executable})")
    start_env = dict(os.environ)
    handlers = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGCHLD)}
    prefix = sys.orig_argv[: sys.orig_argv.index("-c")]

    t0 = time.perf_counter()
    import runpy  # noqa: F401  (loaded in a cold kernel by `python -m ipykernel_launcher`)

    os.environ.update(_IMPORT_ENV)
    mpl_rc_before, loaded = _preload()
    env_delta = {k: v for k, v in os.environ.items() if start_env.get(k) != v and _IMPORT_ENV.get(k) != v}
    for key in _IMPORT_ENV:
        if key in start_env:
            os.environ[key] = start_env[key]
        else:
            os.environ.pop(key, None)
    problems = _fork_hazards(mpl_rc_before)
    if problems:
        _say("not safe to fork: " + "; ".join(problems))
        print("fail not safe to fork: " + "; ".join(problems), flush=True)
        return 1
    import gc

    gc.collect()
    gc.freeze()  # keep the preloaded objects out of the children's collections (fewer copy-on-write pages)
    _say(f"preloaded {len(loaded)} modules in {time.perf_counter() - t0:.2f} s"
         + (f"; import-time environment changes {sorted(env_delta)}" if env_delta else ""))
    server = _Server(socket_path, prefix, start_env, env_delta, handlers)
    print(f"ready {os.getpid()}", flush=True)
    with open(os.devnull, "wb") as null:  # nothing more on stdout: the worker stops reading it
        os.dup2(null.fileno(), 1)
    return server.serve()


def _say(msg: str) -> None:
    sys.stderr.write(f"{time.strftime('%Y-%m-%d %H:%M:%S')} zygote {os.getpid()}: {msg}\n")
    sys.stderr.flush()


def _preload() -> tuple[dict | None, list[str]]:
    import importlib

    loaded = []
    mpl_rc = None
    for name in PRELOAD:
        # No warnings.catch_warnings() here: it would drop the filters the modules install at import. A warning
        # raised while importing goes to the zygote's log (a cold kernel would show it in the notebook).
        try:
            importlib.import_module(name)
            loaded.append(name)
        except Exception as exc:  # the notebook will import it itself (and report the error)
            _say(f"not preloaded {name}: {type(exc).__name__}: {exc}")
        if name == "matplotlib" and "matplotlib" in sys.modules:
            mpl_rc = _rc_snapshot()
    return mpl_rc, loaded


def _rc_snapshot() -> dict:
    import matplotlib as mpl

    return {k: dict.__getitem__(mpl.rcParams, k) for k in mpl.rcParams.keys() if k != "backend"}


def _fork_hazards(mpl_rc_before: dict | None) -> list[str]:
    """Reasons why forking kernels from this process would not give cold-equivalent kernels (empty: safe)."""
    problems = []
    threads = len(os.listdir("/proc/self/task"))
    if threads != 1:
        problems.append(f"{threads} threads")
    import asyncio

    with contextlib.suppress(Exception):
        if asyncio.get_event_loop_policy()._local._loop is not None:  # type: ignore[attr-defined]
            problems.append("an asyncio event loop exists")
    zmq = sys.modules.get("zmq")
    if zmq is not None and getattr(zmq.Context, "_instance", None) is not None:
        problems.append("a zmq context exists")
    for mod, cls in (("IPython.core.interactiveshell", "InteractiveShell"), ("ipykernel.kernelapp", "IPKernelApp")):
        klass = getattr(sys.modules.get(mod), cls, None)
        if klass is not None and klass.initialized():
            problems.append(f"{cls} already instantiated")
    if "matplotlib_inline.backend_inline" in sys.modules:
        problems.append("matplotlib_inline.backend_inline imported (its IPython hook runs only at import)")
    plt = sys.modules.get("matplotlib.pyplot")
    if plt is not None and plt._backend_mod is not None:
        problems.append("a matplotlib backend was resolved")
    if mpl_rc_before is not None:
        changed = sorted(k for k, v in _rc_snapshot().items() if mpl_rc_before.get(k, object()) != v)
        if changed:
            problems.append(f"preloaded modules changed matplotlib rcParams {changed[:5]}")
    return problems


class _Server:
    """The zygote's single-threaded loop: accept requests, fork kernels, report their exit, follow the worker."""

    def __init__(self, path: str, prefix: list[str], start_env: dict, env_delta: dict, handlers: dict):
        self.prefix, self.start_env, self.env_delta, self.handlers = prefix, start_env, env_delta, handlers
        self.path = path
        self.listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.listener.bind(path)
        os.chmod(path, 0o600)
        self.listener.listen(16)
        self.wake_r, self.wake_w = os.pipe()
        os.set_blocking(self.wake_r, False)
        os.set_blocking(self.wake_w, False)
        signal.set_wakeup_fd(self.wake_w)
        signal.signal(signal.SIGCHLD, lambda *_: None)  # a Python handler, so that SIGCHLD wakes select()
        signal.signal(signal.SIGTERM, self._stop)
        signal.signal(signal.SIGHUP, self._stop)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        self.sel = selectors.DefaultSelector()
        self.sel.register(self.listener, selectors.EVENT_READ, "accept")
        self.sel.register(0, selectors.EVENT_READ, "parent")
        self.sel.register(self.wake_r, selectors.EVENT_READ, "wake")
        self.kernels: dict[int, socket.socket] = {}
        self.stopping = False
        self.served = 0
        self.pid = os.getpid()

    def _stop(self, *_: Any) -> None:
        self.stopping = True

    def serve(self) -> int:
        parent = os.getppid()
        while not self.stopping:
            for key, _ in self.sel.select(timeout=1.0):
                if key.data == "accept":
                    self._accept()
                elif key.data == "parent":
                    if not os.read(0, 4096):  # the worker exited (or stopped us)
                        self.stopping = True
                elif key.data == "wake":
                    with contextlib.suppress(BlockingIOError):
                        while os.read(self.wake_r, 4096):
                            pass
                else:  # a shim's connection: EOF means it is gone (killed): take its kernel with it
                    self._shim_event(key.data, key.fileobj)
            self._reap()
            if os.getppid() != parent:
                self.stopping = True
        for pid in list(self.kernels):
            _signal_group(pid, signal.SIGKILL)
        deadline = time.monotonic() + 5
        while self.kernels and time.monotonic() < deadline:
            self._reap()
            time.sleep(0.05)
        with contextlib.suppress(OSError):
            os.unlink(self.path)
            os.rmdir(os.path.dirname(self.path))  # our private directory (a worker that os._exit()s leaves it)
        _say(f"exiting after {self.served} kernels")
        return 0

    def _accept(self) -> None:
        try:
            conn, _ = self.listener.accept()
        except OSError:
            return
        fds: list[int] = []
        try:
            conn.settimeout(SHIM_CONNECT_TIMEOUT)
            data, fds, _flags, _addr = socket.recv_fds(conn, 1, 3)
            request = _recv_msg(conn) if data == b"F" and len(fds) == 3 else None
            reason = self._refusal(request)
            if reason:
                _send_msg(conn, {"ok": False, "reason": reason})
                conn.close()
                return
            sys.stdout.flush()
            sys.stderr.flush()
            pid = os.fork()
            if pid == 0:
                self._become_kernel(conn, fds, request)  # raises _KernelExit
                os._exit(1)
            self.served += 1
            _send_msg(conn, {"ok": True, "pid": pid})
            conn.setblocking(False)
            self.kernels[pid] = conn
            self.sel.register(conn, selectors.EVENT_READ, pid)
        except Exception as exc:
            if os.getpid() != self.pid:  # (cannot happen: a forked kernel raises _KernelExit, not an Exception)
                os._exit(1)
            _say(f"request failed: {type(exc).__name__}: {exc}")
            with contextlib.suppress(OSError):
                conn.close()
        finally:
            for fd in fds:
                with contextlib.suppress(OSError):
                    os.close(fd)

    def _refusal(self, request: dict | None) -> str | None:
        """Why this run needs a cold kernel (None: it can be forked)."""
        if not request:
            return "malformed request"
        argv = request.get("argv", [])
        if "-m" not in argv or argv[argv.index("-m") + 1: argv.index("-m") + 2] != ["ipykernel_launcher"]:
            return f"not an ipykernel_launcher command: {argv[:4]}"
        if argv[: argv.index("-m")] != self.prefix:
            return f"interpreter/flags {argv[: argv.index('-m')]} differ from the zygote's {self.prefix}"
        env = request.get("env", {})
        differ = sorted(k for k in set(env) | set(self.start_env)
                        if k.startswith(IMPORT_TIME_ENV) and k not in REAPPLIED_ENV
                        and env.get(k) != self.start_env.get(k))
        if differ:
            return f"environment variables read at import time differ from the zygote's: {differ}"
        if "matplotlib" in sys.modules and os.path.exists(os.path.join(request.get("cwd", ""), "matplotlibrc")):
            return "a matplotlibrc in the kernel's cwd (matplotlib was preloaded without it)"
        return None

    def _shim_event(self, pid: int, conn: socket.socket) -> None:
        try:
            data = conn.recv(4096)
        except BlockingIOError:
            return
        except OSError:
            data = b""
        if not data:
            self.sel.unregister(conn)
            conn.close()
            if pid in self.kernels:
                self.kernels[pid] = None  # type: ignore[assignment]  # still to be reaped
                _signal_group(pid, signal.SIGKILL)

    def _reap(self) -> None:
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            conn = self.kernels.pop(pid, None)
            if conn is not None:  # None: its shim is gone already
                with contextlib.suppress(KeyError, ValueError):
                    self.sel.unregister(conn)
                with contextlib.suppress(OSError):
                    conn.settimeout(1.0)
                    _send_msg(conn, {"exit": status})
                with contextlib.suppress(OSError):
                    conn.close()

    # ---------------------------------------------------------------- in the forked child

    def _become_kernel(self, conn: socket.socket, fds: list[int], request: dict) -> None:
        """In the forked child: drop the zygote's resources, take the shim's stdio, run the kernel, then leave by
        raising :class:`_KernelExit` up to the interpreter's top level, so that the process ends with Python's
        normal shutdown (non-daemon threads joined, atexit handlers, module teardown flushing open files), as a
        cold kernel does."""
        try:
            os.setsid()  # own session and process group, as jupyter_client gives a cold kernel
            _die_with_parent()
            signal.set_wakeup_fd(-1)
            for sig, handler in self.handlers.items():
                signal.signal(sig, handler if handler is not None else signal.SIG_DFL)
            self.sel.close()
            self.listener.close()
            for other in self.kernels.values():
                if other is not None:
                    other.close()
            conn.close()
            os.close(self.wake_r)
            os.close(self.wake_w)
            for target, fd in enumerate(fds):  # the shim's stdin/stdout/stderr become ours
                os.dup2(fd, target)
            for fd in fds:
                os.close(fd)
            fds.clear()
        except BaseException:  # half set up: never unwind into the zygote's loop
            import traceback

            traceback.print_exc()
            os._exit(1)
        try:
            code = _run_kernel(request, self.env_delta)
        except SystemExit as exc:
            code = exc.code
        except BaseException:
            import traceback

            traceback.print_exc()
            code = 1
        raise _KernelExit(code)


class _KernelExit(SystemExit):
    """Raised in a forked kernel to unwind to the top level (the zygote's code catches only ``Exception``)."""


def _die_with_parent() -> None:
    """PR_SET_PDEATHSIG: SIGKILL this process when the zygote (its parent) dies."""
    import ctypes

    with contextlib.suppress(Exception):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL, 0, 0, 0)  # 1 = PR_SET_PDEATHSIG


def _run_kernel(request: dict, env_delta: dict) -> int:
    """Become the kernel a cold ``python <flags> -m ipykernel_launcher <args>`` would have been."""
    import importlib.util

    os.chdir(request["cwd"])
    env = dict(request["env"])
    env.update(env_delta)
    os.environ.clear()
    os.environ.update(env)
    time.tzset()
    argv = list(request["argv"])
    kernel_args = argv[argv.index("-m") + 2:]
    sys.argv = [importlib.util.find_spec("ipykernel_launcher").origin, *kernel_args]
    sys.orig_argv = argv
    with contextlib.suppress(Exception):
        sys.stdout.reconfigure(line_buffering=os.isatty(1))
    _reseed_numpy()
    _set_blas_threads(env)

    from ipykernel.kernelapp import IPKernelApp

    # parent_handle's default was read from JPY_PARENT_PID when the zygote imported ipykernel; our parent is the
    # zygote (ipykernel's poller exits if it goes away).
    app = IPKernelApp.instance(parent_handle=os.getppid())
    app.initialize(kernel_args)  # sets MPLBACKEND to the inline backend unless the run set one
    _reset_matplotlib_backend()
    _reset_pandas_console_options(app.shell)
    app.start()
    return 0


def _reseed_numpy() -> None:
    """The legacy global RandomState was seeded when the zygote imported numpy: re-seed it from OS entropy, as a
    cold import would (the :mod:`random` module re-seeds itself after fork)."""
    mtrand = sys.modules.get("numpy.random.mtrand")
    if mtrand is not None:
        mtrand.seed()


def _reset_matplotlib_backend() -> None:
    """Give matplotlib the backend a cold import would pick now: the rc files' (kept in ``rcParamsOrig``), then
    ``MPLBACKEND`` (ipykernel's inline backend) — the zygote imported it under ``MPLBACKEND=agg``."""
    mpl = sys.modules.get("matplotlib")
    if mpl is None:
        return
    mpl.rcParams._set("backend", mpl.rcParamsOrig._get("backend"))
    if os.environ.get("MPLBACKEND"):
        mpl.rcParams["backend"] = os.environ["MPLBACKEND"]
    if "matplotlib.pyplot" in sys.modules and mpl.rcParams["backend_fallback"]:  # pyplot's import-time fallback
        from matplotlib import cbook, rcsetup
        from matplotlib.backends import BackendFilter, backend_registry

        requested = mpl.rcParams._get_backend_or_none()
        requested = None if requested is None else requested.lower()
        interactive = set(backend_registry.list_builtin(BackendFilter.INTERACTIVE)) - {"webagg", "nbagg"}
        if requested in interactive and cbook._get_running_interactive_framework():
            mpl.rcParams._set("backend", rcsetup._auto_backend_sentinel)


def _reset_pandas_console_options(shell: Any) -> None:
    """pandas chooses two display defaults when it is imported (``pandas/core/config_init.py``,
    ``pandas/_config/display.py``): ``display.max_columns`` is 0 (fit the terminal) outside an IPython kernel but
    20 inside one, and ``display.encoding`` is ``sys.stdout``'s encoding. The zygote imported pandas outside any
    kernel: recompute both now that the kernel's shell and streams exist (default and current value), as a cold
    kernel's first ``import pandas`` in a cell would (``get_ipython`` is a builtin only while a cell runs)."""
    if "pandas" not in sys.modules:
        return
    from pandas._config import config as cf
    from pandas._config.display import detect_console_encoding
    from pandas.core.config_init import is_terminal

    with shell.builtin_trap if shell is not None else contextlib.nullcontext():
        terminal = is_terminal()
    for key, value in (("display.max_columns", 0 if terminal else 20), ("display.encoding", detect_console_encoding())):
        option = cf._registered_options.get(key)
        if option is None or option.defval == value:
            continue
        cf._registered_options[key] = option._replace(defval=value)
        cf.set_option(key, value)


# ---------------------------------------------------------------- BLAS threads


_BLAS_SET = ("openblas_set_num_threads", "openblas_set_num_threads64_", "scipy_openblas_set_num_threads",
             "scipy_openblas_set_num_threads64_")
_BLAS_GET = ("openblas_get_num_threads", "openblas_get_num_threads64_", "scipy_openblas_get_num_threads",
             "scipy_openblas_get_num_threads64_")
_BLAS_PROCS = ("openblas_get_num_procs", "openblas_get_num_procs64_", "scipy_openblas_get_num_procs",
               "scipy_openblas_get_num_procs64_")


def _openblas_libs() -> list[tuple[str, Any]]:
    """The OpenBLAS libraries loaded in this process (numpy and scipy each bundle one)."""
    import ctypes
    import re

    try:
        maps = Path("/proc/self/maps").read_text()
    except OSError:
        return []
    out = []
    for path in sorted(set(re.findall(r"(/\S*openblas\S*\.so\S*)", maps))):
        with contextlib.suppress(OSError):
            out.append((path, ctypes.CDLL(path, mode=os.RTLD_NOLOAD | os.RTLD_LAZY)))
    return out


def _first(lib: Any, names: tuple[str, ...]) -> Any:
    for name in names:
        fn = getattr(lib, name, None)
        if fn is not None:
            return fn
    return None


def blas_threads() -> dict[str, int]:
    """``{library file name: thread count}`` for the loaded OpenBLAS libraries (for tests and diagnostics)."""
    out = {}
    for path, lib in _openblas_libs():
        fn = _first(lib, _BLAS_GET)
        if fn is not None:
            out[os.path.basename(path)] = int(fn())
    return out


def _set_blas_threads(env: dict[str, str]) -> None:
    """The zygote imported BLAS with one thread; set the count a cold start with ``env`` would have had
    (OpenBLAS: ``OPENBLAS_NUM_THREADS``, else ``GOTO_NUM_THREADS``, else ``OMP_NUM_THREADS``, else all CPUs;
    at most the CPUs it sees)."""
    wanted = 0
    for var in ("OPENBLAS_NUM_THREADS", "GOTO_NUM_THREADS", "OMP_NUM_THREADS"):
        try:
            wanted = int(env.get(var, "").strip() or 0)
        except ValueError:
            wanted = 0
        if wanted > 0:
            break
    for _path, lib in _openblas_libs():
        setter, procs = _first(lib, _BLAS_SET), _first(lib, _BLAS_PROCS)
        if setter is None:
            continue
        ncpu = int(procs()) if procs is not None else (os.cpu_count() or 1)
        setter(min(wanted, ncpu) if wanted > 0 else ncpu)


if __name__ == "__main__":  # pragma: no cover - `python warmkernel.py -- …` runs the shim directly
    shim_main(sys.argv[1:])
