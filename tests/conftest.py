"""Shared fixtures. Integration tests use the offline mirror named by ANALYSIS_DATA_MIRROR."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def pytest_configure(config) -> None:
    """A relative ANALYSIS_DATA_MIRROR (CI's ``../shared/data``) means relative to this checkout, as the CLI reads
    it; made absolute here so that tests that move the project root (ANALYSIS_ROOT) still find the mirror."""
    value = os.environ.get("ANALYSIS_DATA_MIRROR", "").strip()
    if value and not Path(value).is_absolute():
        os.environ["ANALYSIS_DATA_MIRROR"] = str((ROOT / value).resolve())


@pytest.fixture(scope="session")
def mirror() -> Path:
    """The offline mirror directory (integration tests skip without it)."""
    value = os.environ.get("ANALYSIS_DATA_MIRROR", "").strip()
    if not value or not Path(value).is_dir():
        pytest.skip("ANALYSIS_DATA_MIRROR is not set to the offline mirror")
    return Path(value).resolve()


@pytest.fixture(scope="session")
def processed(mirror: Path) -> Path:
    """Fetch and process once per session (cheap when already done); returns data/processed."""
    import fcntl

    from analysis.chapters import registry
    from analysis.core import config
    from analysis.readers.sources import fetch
    from analysis.tables.process import process

    registry.load_all()  # the chapters' PROCESSED_TABLES

    lock_path = ROOT / "_build" / ".process.lock"
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path, "w") as lock:  # pytest-xdist workers share one fetch/process
        fcntl.flock(lock, fcntl.LOCK_EX)
        fetch(log=lambda *_: None)
        stamp = config.processed_dir() / "ai_adoption.meta.json"
        if not stamp.exists() or os.environ.get("ANALYSIS_FORCE_PROCESS"):
            process(log=lambda *_: None)
        else:
            # rebuild only tables that are missing
            from analysis.tables.process import table_names

            missing = [n for n in table_names() if not (config.processed_dir() / f"{n}.csv").exists()]
            if missing:
                process(missing, log=lambda *_: None)
    return config.processed_dir()


@pytest.fixture
def project_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A throw-away project root (sources.yml, data/raw/strategy) with ANALYSIS_ROOT pointing at it."""
    root = tmp_path / "project"
    (root / "data" / "raw").mkdir(parents=True)
    shutil.copy(ROOT / "sources.yml", root / "sources.yml")
    shutil.copytree(ROOT / "data" / "raw" / "strategy", root / "data" / "raw" / "strategy")
    (root / "data" / "processed").mkdir(parents=True)
    shutil.copytree(ROOT / "book", root / "book", ignore=shutil.ignore_patterns("generated"))
    monkeypatch.setenv("ANALYSIS_ROOT", str(root))
    return root


@pytest.fixture(scope="session")
def built_book(processed) -> dict:
    """Build the whole book once per session (fetch → process → run → render, warnings as errors).

    Returns {"returncode", "output", "html"}; the build is incremental, so a second worker's call is cheap."""
    import fcntl
    import subprocess
    import sys

    lock_path = ROOT / "_build" / ".book.lock"
    with open(lock_path, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        proc = subprocess.run([sys.executable, "-m", "analysis", "build", "--strict"], capture_output=True,
                              text=True, cwd=ROOT)
    return {"returncode": proc.returncode, "output": proc.stdout + proc.stderr, "html": ROOT / "_build" / "html"}
