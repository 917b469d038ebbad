"""Bad input end to end: each gets a clear message, a non-zero exit, and nothing lost or half-written."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from analysis.core.figures import source_line_html
from analysis.core.storage import sha256_bytes

ROOT = Path(__file__).resolve().parents[1]


def _cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "analysis", *args], capture_output=True, text=True, cwd=ROOT,
                          env={**os.environ, **(env or {})})


def test_html_in_source_and_notes_is_escaped():
    links = {"csv": "x.csv", "json": "x.json", "png": "x.png"}
    html = source_line_html("<script>alert(1)</script>", "a <b>bold</b> & note", links)
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; note" in html


def test_html_in_parameters_is_code_on_the_status_page(tmp_path, monkeypatch):
    from analysis.book import pages
    from analysis.core import config

    monkeypatch.setattr(config, "generated_dir", lambda: tmp_path)
    (tmp_path / "runs.json").write_text(json.dumps([{
        "id": "x", "notebook": "data_coverage", "parameters": {"table": "<img src=x onerror=alert(1)>|"},
        "seconds": 1.0, "finished": "2026-11-21T00:00:00+00:00", "commit": "abc", "versions": {"pandas": "3"}}]))
    md = pages.status_md()
    row = next(line for line in md.splitlines() if line.startswith("| x "))
    assert "`table='<img src=x onerror=alert(1)>\\|'`" in row  # a code span: rendered as text, never as HTML


@pytest.mark.integration
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-p", "colour", "red"], "unknown parameter colour"),
        (["-p", "year", "twenty"], "parameter year expects"),
        (["-p", "geo", "<script>alert(1)</script>"], "choose one of"),
        (["-p", "geo", "XX"], "choose one of"),
        (["-p", "year", "2019"], "2021, 2023, 2024, 2025"),
    ],
)
def test_cli_rejects_bad_parameters_before_any_work(processed, args, message):
    runs = ROOT / "_build" / "runs"
    before = sorted(runs.glob("*")) if runs.exists() else []
    proc = _cli("run", "sme_adoption_gap", *args)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert message in proc.stderr and "Traceback" not in proc.stderr
    assert (sorted(runs.glob("*")) if runs.exists() else []) == before


@pytest.mark.integration
def test_interrupted_processing_leaves_only_whole_files(processed, tmp_path):
    """Kill `process` with SIGKILL in the middle of writing; every table left is whole, and the next run cleans
    up and completes."""
    import shutil

    root = tmp_path / "project"
    shutil.copytree(ROOT / "data" / "raw", root / "data" / "raw", symlinks=True)
    shutil.copytree(ROOT / "book", root / "book", ignore=shutil.ignore_patterns("generated"))
    shutil.copy(ROOT / "sources.yml", root / "sources.yml")
    out = root / "data" / "processed"
    shutil.copytree(processed, out)
    env = {**os.environ, "ANALYSIS_ROOT": str(root)}
    proc = subprocess.Popen([sys.executable, "-m", "analysis", "process", "--force"], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        if any(out.glob(".*.tmp")):  # caught in the middle of an atomic write
            break
        time.sleep(0.002)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    for csv in out.glob("*.csv"):  # whole files only: every CSV parses to the end
        text = csv.read_text()
        assert text.endswith("\n") and text.count("\n") >= 2, csv.name
    done = subprocess.run([sys.executable, "-m", "analysis", "process"], cwd=ROOT, env=env, capture_output=True,
                          text=True)
    assert done.returncode == 0, done.stderr
    assert not list(out.glob(".*.tmp"))
    for meta_path in out.glob("*.meta.json"):
        meta = json.loads(meta_path.read_text())
        assert sha256_bytes((out / meta["file"]).read_bytes()) == meta["sha256"]
        assert (out / meta["file"]).read_bytes() == (processed / meta["file"]).read_bytes()
