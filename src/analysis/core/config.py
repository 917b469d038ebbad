"""All paths of the project in one place (cookiecutter-data-science style).

Every module asks this one for a path; nothing else builds paths from ``__file__``.
The root can be moved for tests with the ``ANALYSIS_ROOT`` environment variable.
"""

from __future__ import annotations

import os
from pathlib import Path

#: Environment variable naming the offline mirror of the official downloads (laid out ``<id>/<file>``).
MIRROR_ENV = "ANALYSIS_DATA_MIRROR"
#: Environment variable that moves the project root (used by tests to work in a temporary copy).
ROOT_ENV = "ANALYSIS_ROOT"


def project_root() -> Path:
    """The repository root (``ANALYSIS_ROOT`` if set, else two levels above this package's ``src``)."""
    env = os.environ.get(ROOT_ENV)
    if env:
        return Path(env).resolve()
    return Path(__file__).resolve().parents[3]


def sources_file() -> Path:
    """``sources.yml``: the registry of official sources."""
    return project_root() / "sources.yml"


def raw_dir() -> Path:
    """``data/raw``: fetched files (immutable) and the committed annex transcriptions."""
    return project_root() / "data" / "raw"


def strategy_dir() -> Path:
    """``data/raw/strategy``: hand transcriptions of the strategy's annexes (committed)."""
    return raw_dir() / "strategy"


def processed_dir() -> Path:
    """``data/processed``: derived tables, rebuilt deterministically."""
    return project_root() / "data" / "processed"


def seeds_dir() -> Path:
    """``../shared/seeds``: the strategy's documents (read-only)."""
    return project_root().parent / "shared" / "seeds"


def notebooks_dir() -> Path:
    return project_root() / "notebooks"


def book_dir() -> Path:
    return project_root() / "book"


def runs_file() -> Path:
    """``book/runs.yml``: which notebooks run with which parameters."""
    return book_dir() / "runs.yml"


def build_dir() -> Path:
    return project_root() / "_build"


def generated_dir() -> Path:
    """``book/generated``: pages and executed notebooks written by the build (git-ignored)."""
    return book_dir() / "generated"


def executed_dir() -> Path:
    """Where papermill writes executed notebooks (read by Jupyter Book with execution off)."""
    return generated_dir() / "executed"


def site_extra_dir() -> Path:
    """Copied verbatim to the site root (``html_extra_path``): figure data downloads, processed tables."""
    return generated_dir() / "site"


def html_dir() -> Path:
    return build_dir() / "html"


def mirror_dir() -> Path | None:
    """The offline mirror named by ``ANALYSIS_DATA_MIRROR``, or None when unset or empty.

    A relative path is read from the project root (``../shared/data`` works from any directory)."""
    value = os.environ.get(MIRROR_ENV, "").strip()
    if not value:
        return None
    path = Path(value).expanduser()
    return (path if path.is_absolute() else project_root() / path).resolve()
