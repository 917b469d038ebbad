"""Issue 12: integrity, interruption, concurrency and failure as a careful user meets them.

Tests that execute notebooks use a tiny fake ``data_coverage`` notebook in a temporary project (``ANALYSIS_ROOT``),
not the real book, so that each costs one kernel start. Each test reproduces a fault the issue found.
"""

from __future__ import annotations

import errno
import http.server
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import nbformat
import pytest
import yaml

from analysis.book import build
from analysis.core import config, storage

ROOT = Path(__file__).resolve().parents[1]
QUIET = {"ANALYSIS_WARM_KERNELS": "0"}  # a cold kernel: no zygote to start for a one-cell notebook


# ---------------------------------------------------------------- a fake project with a fake notebook

def _notebook(body: str) -> nbformat.NotebookNode:
    """A ``data_coverage`` stand-in: parameters cell, validation cell, then ``body``."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Fake coverage"),
        nbformat.v4.new_code_cell('table = "ai_adoption"', metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell('from analysis.chapters.params import validate\n\n'
                                  'params = validate("data_coverage", {"table": table})'),
        nbformat.v4.new_code_cell(body),
    ]
    return nb


def _runs_yml(root: Path, runs: list[tuple[str, str]]) -> None:
    chapters = [{"run": {"id": rid, "notebook": "data_coverage", "title": rid, "parameters": {"table": table}}}
                for rid, table in runs]
    (root / "book").mkdir(parents=True, exist_ok=True)
    (root / "book" / "intro.md").write_text("# Intro\n")
    (root / "book" / "runs.yml").write_text(yaml.safe_dump(
        {"root": "book/intro", "parts": [{"caption": "Fake", "chapters": chapters}]}, sort_keys=False))


@pytest.fixture
def fake_project(tmp_path, monkeypatch):
    """A project root with ``notebooks/data_coverage.ipynb`` = a fake whose last cell the test writes."""
    root = tmp_path / "fake"
    (root / "notebooks").mkdir(parents=True)
    (root / "data" / "processed").mkdir(parents=True)
    monkeypatch.setenv("ANALYSIS_ROOT", str(root))
    for k, v in QUIET.items():
        monkeypatch.setenv(k, v)

    def write(body: str, runs: list[tuple[str, str]] | None = None) -> Path:
        nbformat.write(_notebook(body), root / "notebooks" / "data_coverage.ipynb")
        if runs is not None:
            _runs_yml(root, runs)
        return root

    return write


def _cli_env(root: Path) -> dict[str, str]:
    pythonpath = os.environ.get("PYTHONPATH") or str(ROOT / "src")
    return {**os.environ, **QUIET, "ANALYSIS_ROOT": str(root), "PYTHONPATH": pythonpath}


# ---------------------------------------------------------------- 1. process verifies what it reads

@pytest.mark.integration
def test_process_refuses_raw_file_truncated_at_a_line_boundary(project_copy, mirror):
    from analysis.readers.sources import FetchError, fetch
    from analysis.tables.process import process

    fetch(["eurostat-isoc_eb_ai", "eurostat-isoc_eb_ain2"], log=lambda *_: None)
    raw = project_copy / "data" / "raw" / "eurostat-isoc_eb_ai" / "isoc_eb_ai.tsv"
    lines = raw.read_bytes().splitlines(keepends=True)
    raw.write_bytes(b"".join(lines[: len(lines) // 4]))  # whole lines: still parses, a quarter of the rows
    with pytest.raises(FetchError) as err:
        process(["ai_adoption"], log=lambda *_: None)
    msg = str(err.value)
    assert "isoc_eb_ai.tsv" in msg and "python -m analysis fetch eurostat-isoc_eb_ai" in msg
    assert not (project_copy / "data" / "processed" / "ai_adoption.csv").exists()
    # the fix named in the message works
    fetch(["eurostat-isoc_eb_ai"], log=lambda *_: None)
    assert raw.read_bytes() == (mirror / "eurostat-isoc_eb_ai" / "isoc_eb_ai.tsv").read_bytes()


def test_verified_raw_refuses_a_file_that_is_not_the_verified_one(project_copy, tmp_path, monkeypatch):
    from test_sources import CONTENT, _registry

    from analysis.readers.sources import FetchError, fetch, verified_raw

    mirror = tmp_path / "m"
    (mirror / "demo-src").mkdir(parents=True)
    (mirror / "demo-src" / "demo.tsv").write_bytes(CONTENT)
    _registry(project_copy)
    monkeypatch.setenv("ANALYSIS_DATA_MIRROR", str(mirror))
    fetch(log=lambda *_: None)
    assert verified_raw("demo-src", "demo.tsv").read_bytes() == CONTENT
    target = project_copy / "data" / "raw" / "demo-src" / "demo.tsv"
    target.write_bytes(CONTENT.splitlines(keepends=True)[0])
    with pytest.raises(FetchError, match=r"python -m analysis fetch demo-src"):
        verified_raw("demo-src", "demo.tsv")


# ---------------------------------------------------------------- 2. an HTML error page is not data

class _Handler(http.server.BaseHTTPRequestHandler):
    body = b""
    content_type = "text/html"

    def do_GET(self):  # noqa: N802 (http.server's name)
        self.send_response(200)
        self.send_header("Content-Type", self.content_type)
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *args):
        pass


@pytest.fixture
def local_server(monkeypatch):
    """An HTTP server on 127.0.0.1 in a thread; set ``_Handler.body``/``content_type`` to what it serves."""
    for var in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")

    class Handler(_Handler):
        pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield Handler, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _demo_registry(root: Path, url: str, sha: str) -> Path:
    from test_sources import _registry

    path = _registry(root, sha=sha)
    path.write_text(path.read_text().replace("https://example.org/demo.tsv", f"{url}/demo.tsv"))
    return path


HTML_PAGE = b"<!DOCTYPE html><html><head><title>Error</title></head><body>Service unavailable</body></html>\n"


@pytest.mark.parametrize("content_type", ["text/html; charset=utf-8", "text/tab-separated-values"])
def test_html_error_page_with_status_200_is_refused_and_never_pinned(project_copy, local_server, monkeypatch,
                                                                      content_type):
    from test_sources import SHA

    from analysis.readers.sources import FetchError, fetch

    handler, url = local_server
    handler.body, handler.content_type = HTML_PAGE, content_type
    monkeypatch.delenv("ANALYSIS_DATA_MIRROR", raising=False)
    registry = _demo_registry(project_copy, url, SHA)
    before = registry.read_text()
    for update in (False, True):
        with pytest.raises(FetchError) as err:
            fetch(update=update, log=lambda *_: None)
        msg = str(err.value)
        assert "demo.tsv" in msg and ("HTML" in msg or "not a Eurostat TSV" in msg), msg
        assert registry.read_text() == before  # nothing pinned
        assert not (project_copy / "data" / "raw" / "demo-src").exists()  # nothing written


def test_good_download_is_accepted_without_pooch_known_hash_hint(project_copy, local_server, monkeypatch):
    import logging

    import pooch
    from test_sources import CONTENT, SHA

    from analysis.readers.sources import fetch

    handler, url = local_server
    handler.body, handler.content_type = CONTENT, "text/tab-separated-values"
    monkeypatch.delenv("ANALYSIS_DATA_MIRROR", raising=False)
    _demo_registry(project_copy, url, SHA)
    shown: list[str] = []

    class Seen(logging.Handler):  # what pooch's own stderr handler would print
        def emit(self, record):
            shown.append(record.getMessage())

    seen = Seen()
    pooch.get_logger().addHandler(seen)
    said: list[str] = []
    try:
        [res] = fetch(log=said.append)
    finally:
        pooch.get_logger().removeHandler(seen)
    assert res.origin == "download" and res.pinned
    assert not any("known_hash" in line for line in shown + said), shown


def test_a_truncated_gzip_or_a_tiny_file_is_refused(tmp_path):
    import gzip

    from analysis.readers.sources import FetchError, check_format

    good = tmp_path / "a.tsv.gz"
    good.write_bytes(gzip.compress(b"freq,geo\\TIME_PERIOD\t2024 \n" + b"A,AT\t1.5 \n" * 50))
    check_format(good, "eurostat-tsv")
    cut = tmp_path / "b.tsv.gz"
    cut.write_bytes(good.read_bytes()[:-20])
    with pytest.raises(FetchError, match="gzip"):
        check_format(cut, "eurostat-tsv")
    empty = tmp_path / "c.xlsx"
    empty.write_bytes(b"PK\x03\x04" + b"\0" * 60)
    with pytest.raises(FetchError, match="not an xlsx workbook that opens"):
        check_format(empty, "felten-xlsx")
    with pytest.raises(FetchError, match="too small"):
        check_format(tmp_path / "d.csv", "csv") if (tmp_path / "d.csv").write_text("a\n") else None


@pytest.mark.integration
def test_every_mirror_file_passes_the_format_check(mirror):
    """The check refuses error pages, not the real files (a new vintage in the same layout is accepted)."""
    from analysis.readers.sources import check_format, load_registry

    for source in load_registry(ROOT / "sources.yml").sources:
        for f in source.files:
            check_format(mirror / source.id / f.name, f.format)


# ---------------------------------------------------------------- 3. run ids, temporary names, the tree lock

def test_run_ids_are_canonical_and_do_not_collide():
    from analysis.book.build import Run, run_id_for

    assert run_id_for("data_coverage", {}) == "data_coverage"
    assert run_id_for("country_profile", {"geo": "AT"}) == "country_profile__geo-AT"
    assert run_id_for("country_profile", {"geo": "EU27_2020"}) == "country_profile__geo-EU27_2020"
    assert run_id_for("sme_adoption_gap", {"year": 2024, "geo": "AT"}) == "sme_adoption_gap__geo-AT_year-2024"
    assert run_id_for("nb", {"b": 1, "a": 2}) == run_id_for("nb", {"a": 2, "b": 1})  # order does not matter
    long_a = {f"parameter_{i}": "x" * 9 for i in range(10)} | {"z_last": "A"}
    long_b = {**long_a, "z_last": "B"}  # differs only in a late parameter
    ids = {run_id_for("nb", p) for p in (long_a, long_b)}
    assert len(ids) == 2 and all(len(i) <= 80 for i in ids)
    # values the readable form cannot tell apart still get different ids
    tricky = [{"a": "b_c-d", "e": "f"}, {"a": "b", "c": "d_e-f"}, {"a": "b_c", "d": "e"}, {"a": "b", "c_d": "e"},
              {"a": "x y"}, {"a": "x-y"}, {"a": 2024}, {"a": "2024"},
              {"a": None}, {"a": "None"}, {"a": True}, {"a": "True"}]
    made = [run_id_for("nb", p) for p in tricky]
    assert len(set(made)) == len(made), made
    for rid in made + list(ids):
        Run(id=rid, notebook="nb")  # valid ids for book/runs.yml and file names


def test_cli_uses_canonical_run_id():
    import analysis.__main__ as cli

    assert not hasattr(cli, "_run_id"), "the CLI must use build.run_id_for"


def test_two_concurrent_runs_of_one_id_do_not_share_a_temporary_file(fake_project, monkeypatch, tmp_path):
    """Run A finishes while run B's papermill output is still being written: with one fixed temporary name, A's
    rename takes B's file away and B fails."""
    import contextlib

    import papermill as pm

    root = fake_project("x = 1")
    b_wrote = threading.Event()
    target = root / "book" / "generated" / "executed" / "same.ipynb"
    seen: list[str] = []

    def fake_execute(src, out, **kwargs):
        seen.append(out)
        nb = nbformat.read(src, as_version=4)
        if threading.current_thread().name == "B":
            nbformat.write(nb, out)
            b_wrote.set()
            for _ in range(200):  # until A has renamed its output into place
                if target.exists():
                    break
                time.sleep(0.01)
        else:
            b_wrote.wait(5)
            nbformat.write(nb, out)

    monkeypatch.setattr(pm, "execute_notebook", fake_execute)
    monkeypatch.setattr(build, "_stderr_to", lambda path: contextlib.nullcontext())
    run = build.Run(id="same", notebook="data_coverage", parameters={"table": "ai_adoption"})
    errors: list[BaseException] = []

    def go():
        try:
            build.execute_run(run)
        except BaseException as exc:  # noqa: BLE001 (collected for the assert)
            errors.append(exc)

    threads = [threading.Thread(target=go, name=n) for n in ("A", "B")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert errors == [], errors
    assert len(set(seen)) == 2
    nbformat.read(target, as_version=4)  # whole


def test_second_build_waits_for_the_lock_and_says_who_holds_it(fake_project, tmp_path):
    root = fake_project("x = 1", runs=[("cov_a", "ai_adoption")])
    said: list[str] = []
    with build.tree_lock(log=said.append):
        holder = json.loads((root / "_build" / "build.lock.json").read_text())
        assert holder["pid"] == os.getpid()
        # another process: gives up after its timeout, naming the holder
        proc = subprocess.run([sys.executable, "-m", "analysis", "run"], capture_output=True, text=True,
                              cwd=root, env={**_cli_env(root), "ANALYSIS_LOCK_TIMEOUT": "1"}, timeout=120)
        assert proc.returncode == 1
        assert f"pid {os.getpid()}" in proc.stderr + proc.stdout and "waiting" in proc.stdout, proc.stderr
        # another thread of this process waits, then goes on when the lock is free
        got: list[str] = []

        def second():
            with build.tree_lock(log=got.append):
                got.append("acquired")

        t = threading.Thread(target=second)
        t.start()
        t.join(1.5)
        assert t.is_alive() and any("waiting" in g for g in got)
    t.join(10)
    assert got[-1] == "acquired"


# ---------------------------------------------------------------- 4. Ctrl-C

SLOW = """
import time
if table != "ai_adoption":
    time.sleep(300)
"""


def test_ctrl_c_stops_the_build_within_seconds_and_keeps_finished_records(fake_project):
    root = fake_project(SLOW, runs=[("cov_fast", "ai_adoption"), ("cov_slow", "employment_by_occupation"),
                                    ("cov_queued", "employment_by_occupation_sector")])
    proc = subprocess.Popen([sys.executable, "-m", "analysis", "run", "--workers", "1"], cwd=root,
                            env=_cli_env(root), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    try:
        _interrupt_and_check(proc, root)
    finally:  # never leave the build or its kernels running, even when the test fails
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def _interrupt_and_check(proc: subprocess.Popen, root: Path) -> None:
    runs_json = root / "book" / "generated" / "runs.json"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None and not runs_json.exists():
        time.sleep(0.2)
    assert runs_json.exists(), "the first run's record is written as soon as it finishes"
    time.sleep(3)  # the slow run's kernel is now running
    children = _descendants(proc.pid)
    os.killpg(proc.pid, signal.SIGINT)  # Ctrl-C in a terminal signals the whole foreground group
    sent = time.monotonic()
    try:
        out, err = proc.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        for pid in children:
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)
        pytest.fail("the build did not stop within 10 s of Ctrl-C")
    assert time.monotonic() - sent < 10
    assert proc.returncode == 130
    assert [r["id"] for r in json.loads(runs_json.read_text())] == ["cov_fast"]
    last = (out + err).strip().splitlines()[-1]
    assert "interrupted" in last and "cov_fast" in last and "cov_slow" in last and "cov_queued" in last, last
    assert "Traceback" not in out + err
    time.sleep(1)
    alive = [p for p in children if _alive(p)]
    for pid in alive:
        os.kill(pid, signal.SIGKILL)
    assert alive == [], f"processes left running: {alive}"


def _descendants(pid: int) -> list[int]:
    import psutil

    return [c.pid for c in psutil.Process(pid).children(recursive=True)]


def _alive(pid: int) -> bool:
    import psutil

    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


# ---------------------------------------------------------------- 5. a failed run shows as failed

RAISES = """
if table == "employment_by_occupation":
    raise ValueError("the fake chapter broke")
print("fine")
"""


def test_failed_run_is_marked_on_status_and_page_and_reported_once(fake_project):
    from analysis.book import pages

    root = fake_project("print('first version')", runs=[("cov_a", "ai_adoption"),
                                                         ("cov_b", "employment_by_occupation")])
    runs = build.load_book().runs()
    build.run_all(runs, executor=build.InlineExecutor(), log=lambda *_: None)
    good = root / "book" / "generated" / "executed" / "cov_b.ipynb"
    assert good.exists()
    fake_project(RAISES)
    said: list[str] = []
    with pytest.raises(RuntimeError) as err:
        build.run_all(runs, executor=build.InlineExecutor(), log=said.append)
    assert "cov_b" in str(err.value) and "Traceback" not in str(err.value)
    failed = [s for s in said if "cov_b" in s and "FAILED" in s]
    assert len(failed) == 1, said
    assert "data_coverage" in failed[0] and "cell" in failed[0] and "ValueError: the fake chapter broke" in failed[0]
    assert "Traceback" not in "\n".join(said) and "the fake chapter broke" not in str(err.value)
    # its page: the previous output, with a visible banner first
    nb = nbformat.read(good, as_version=4)
    banner = nb.cells[0]
    assert banner.cell_type == "markdown" and "{warning}" in banner.source
    assert "latest run failed" in banner.source and "ValueError: the fake chapter broke" in banner.source
    assert "first version" in json.dumps(nb)  # the old content is still there, under the banner
    # the status page
    records = {r["id"]: r for r in json.loads((root / "book" / "generated" / "runs.json").read_text())}
    assert records["cov_b"]["status"] == "failed" and records["cov_a"].get("status", "ok") == "ok"
    status = pages.status_md()
    assert "cov_b" in status and "failed" in status.lower() and "the fake chapter broke" in status
    # nothing claims it is current: the next build runs it again
    again: list[str] = []
    with pytest.raises(RuntimeError):
        build.run_all(runs, executor=build.InlineExecutor(), log=again.append)
    assert any("FAILED" in s and "cov_b" in s for s in again)
    assert sum("Fake coverage" in c.source for c in nbformat.read(good, as_version=4).cells) == 1  # one banner
    assert sum("{warning}" in c.source for c in nbformat.read(good, as_version=4).cells) == 1


def test_damaged_executed_notebook_is_not_up_to_date(fake_project):
    root = fake_project("print('ok')", runs=[("cov_a", "ai_adoption")])
    runs = build.load_book().runs()
    build.run_all(runs, executor=build.InlineExecutor(), log=lambda *_: None)
    said: list[str] = []
    build.run_all(runs, executor=build.InlineExecutor(), log=said.append)
    assert said == ["up to date cov_a"]
    page = root / "book" / "generated" / "executed" / "cov_a.ipynb"
    page.write_text(page.read_text()[:200])  # damaged on disk
    with pytest.raises(RuntimeError, match=r"cov_a; run `python -m analysis run`"):
        build.render(log=lambda *_: None)  # not "up to date", not rendered
    said.clear()
    build.run_all(runs, executor=build.InlineExecutor(), log=said.append)
    assert said and said[0].startswith("ran cov_a")
    nbformat.read(page, as_version=4)


def test_render_has_force_and_refuses_a_clean_tree(fake_project, capsys):
    from analysis.__main__ import main

    fake_project("x = 1", runs=[("cov_a", "ai_adoption")])
    assert main(["render", "--force"]) == 1
    err = capsys.readouterr().err
    assert "python -m analysis run" in err and "cov_a" in err


# ---------------------------------------------------------------- 6. ad hoc runs stay out of the site

WRITES_DOWNLOAD = """
from analysis.core import figures
d = figures.downloads_dir()
d.mkdir(parents=True, exist_ok=True)
(d / "numbers.csv").write_text("a\\n1\\n")
"""


def test_ad_hoc_run_outputs_never_reach_the_site(fake_project, capsys):
    from analysis.__main__ import main

    root = fake_project(WRITES_DOWNLOAD, runs=[("data_coverage", "ai_adoption")])
    # an ad hoc run whose id is also a book run id must not overwrite the book's downloads either
    book_dl = config.site_extra_dir() / "downloads" / "data_coverage"
    book_dl.mkdir(parents=True)
    (book_dl / "numbers.csv").write_text("book\n")
    assert main(["run", "data_coverage"]) == 0
    site = config.site_extra_dir()
    assert sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()) == [
        "downloads/data_coverage/numbers.csv"]
    assert (book_dl / "numbers.csv").read_text() == "book\n"
    adhoc = root / "_build" / "runs" / "data_coverage"
    assert (adhoc / "downloads" / "numbers.csv").read_text() == "a\n1\n"
    assert (root / "_build" / "runs" / "data_coverage.ipynb").exists()
    assert "_build/runs/data_coverage/downloads" in capsys.readouterr().out
    # left-overs of an interrupted ad hoc run are moved out of the site before rendering
    stray = site / "downloads" / "adhoc-x__y"
    stray.mkdir()
    (stray / "f.csv").write_text("1\n")
    build.prune_ad_hoc_downloads()
    assert not stray.exists() and (root / "_build" / "runs" / "x__y" / "downloads" / "f.csv").exists()


# ---------------------------------------------------------------- 7. no builder paths in executed notebooks

def test_executed_notebook_carries_no_absolute_path(fake_project):
    root = fake_project("import warnings\nwarnings.warn('look at ' + __import__('os').getcwd())",
                        runs=[("cov_a", "ai_adoption")])
    build.run_all(build.load_book().runs(), executor=build.InlineExecutor(), log=lambda *_: None)
    text = (root / "book" / "generated" / "executed" / "cov_a.ipynb").read_text()
    assert str(root) not in text and str(ROOT) not in text and str(Path.home()) + "/" not in text
    meta = json.loads(text)["metadata"]["papermill"]
    assert "input_path" not in meta and "output_path" not in meta


# ---------------------------------------------------------------- 8. smaller ones

def test_parameter_given_twice_is_an_error(capsys):
    from analysis.__main__ import main

    assert main(["run", "data_coverage", "-p", "table", "ai_adoption", "-p", "table", "labels"]) == 1
    assert "table given twice" in capsys.readouterr().err


def test_parameters_without_notebook_is_an_error(capsys):
    from analysis.__main__ import main

    assert main(["run", "-p", "table", "ai_adoption"]) == 1
    assert "-p needs a notebook" in capsys.readouterr().err


def test_refresh_of_unknown_notebook_lists_known(capsys):
    from analysis.__main__ import main

    assert main(["refresh", "nope"]) == 1
    err = capsys.readouterr().err
    assert "unknown notebook 'nope'" in err and "data_coverage" in err and "sme_adoption_gap" in err


def test_invalid_runs_yml_entry_is_named(tmp_path):
    bad = tmp_path / "runs.yml"
    bad.write_text("root: book/intro\nparts:\n- caption: x\n  chapters:\n  - run: {id: ok, notebook: data_coverage}"
                   "\n  - run: {id: Bad-Id, notebook: data_coverage}\n")
    with pytest.raises(ValueError) as err:
        build.load_book(bad)
    msg = str(err.value)
    assert str(bad) in msg and "parts[0].chapters[1].run.id" in msg and "Bad-Id" in msg


def test_relative_mirror_is_resolved_against_the_project_root(monkeypatch, tmp_path):
    monkeypatch.setenv("ANALYSIS_ROOT", str(tmp_path / "proj"))
    monkeypatch.setenv("ANALYSIS_DATA_MIRROR", "../shared/data")
    monkeypatch.chdir(tmp_path)
    assert config.mirror_dir() == (tmp_path / "shared" / "data").resolve()


def test_full_disk_is_reported_with_the_path(tmp_path, monkeypatch, capsys):
    target = tmp_path / "out" / "table.csv"
    real_fdopen = os.fdopen

    class Full:
        def __init__(self, fh):
            self.fh = fh

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.fh.close()

        def write(self, data):
            raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fdopen", lambda fd, mode="r", *a, **k: Full(real_fdopen(fd, mode, *a, **k)))
    with pytest.raises(OSError) as err:
        storage.atomic_write_bytes(target, b"x")
    assert err.value.errno == errno.ENOSPC and err.value.filename == str(target)
    assert list(target.parent.iterdir()) == []  # no temporary left
    # and the command line says it in one line
    from analysis import __main__ as cli

    monkeypatch.setattr(cli, "cmd_toc", lambda args: storage.atomic_write_bytes(target, b"x"))
    assert cli.main(["toc"]) == 1
    err_text = capsys.readouterr().err
    assert "disk full" in err_text and str(target) in err_text and "Traceback" not in err_text



def test_full_disk_while_writing_an_executed_notebook_names_it(fake_project, monkeypatch):
    import contextlib

    import papermill as pm

    root = fake_project("x = 1")

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(pm, "execute_notebook", full)
    monkeypatch.setattr(build, "_stderr_to", lambda path: contextlib.nullcontext())
    run = build.Run(id="cov_a", notebook="data_coverage", parameters={"table": "ai_adoption"})
    with pytest.raises(OSError) as err:
        build.execute_run(run)
    assert err.value.errno == errno.ENOSPC
    assert err.value.filename == str(root / "book" / "generated" / "executed" / "cov_a.ipynb")
    assert not list((root / "book" / "generated" / "executed").glob(".*"))  # no temporary left


# ---------------------------------------------------------------- the rendered site (Jupyter Book)

@pytest.mark.integration
def test_rendered_site_shows_the_failure_and_holds_no_builder_path_nor_ad_hoc_output(fake_project, tmp_path,
                                                                                    capsys):
    """Render a two-chapter fake book after one chapter failed: its page and the status page say so, the site
    has no ad hoc download and no absolute path of this machine."""
    import shutil

    from analysis.__main__ import main

    root = fake_project(WRITES_DOWNLOAD + "\nprint('first version')",
                        runs=[("cov_a", "ai_adoption"), ("cov_b", "employment_by_occupation")])
    shutil.copy(ROOT / "_config.yml", root / "_config.yml")
    shutil.copy(ROOT / "sources.yml", root / "sources.yml")
    for name in ("_ext", "favicon.png", "references.bib"):
        src = ROOT / "book" / name
        (shutil.copytree if src.is_dir() else shutil.copy)(src, root / "book" / name)
    book = yaml.safe_load((root / "book" / "runs.yml").read_text())
    book["parts"].append({"caption": "About", "chapters": [{"page": "book/generated/status"}]})
    (root / "book" / "runs.yml").write_text(yaml.safe_dump(book, sort_keys=False))
    assert main(["run"]) == 0
    fake_project(RAISES + "\n" + WRITES_DOWNLOAD)
    capsys.readouterr()
    assert main(["run"]) == 1
    err = capsys.readouterr().err  # the stderr summary: notebook, cell and error once, no traceback
    assert err.count("the fake chapter broke") == 1 and "Traceback" not in err
    assert "FAILED cov_b: notebook data_coverage, cell [4]" in err
    assert main(["run", "data_coverage", "-p", "table", "employment_by_occupation_sector"]) == 0  # ad hoc
    assert main(["render"]) == 0, (root / "_build" / "render.log").read_text()[-3000:]
    html = root / "_build" / "html"
    paths = build.page_paths(build.load_book())  # the pages' readable addresses
    page = (html / f"{paths['cov_b']}.html").read_text()
    assert "latest run failed" in page and "the fake chapter broke" in page and "admonition warning" in page
    status = (html / "book" / "generated" / "status.html").read_text()
    assert "FAILED" in status and "the fake chapter broke" in status
    assert "latest run failed" not in (html / f"{paths['cov_a']}.html").read_text()
    downloads = sorted(p.name for p in (html / "downloads").iterdir())
    assert downloads == ["cov_a", "cov_b"]
    for path in html.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".ipynb", ".json", ".txt", ".md", ".js", ".csv"):
            text = path.read_text(errors="replace")
            assert str(root) not in text and str(ROOT) not in text, path
