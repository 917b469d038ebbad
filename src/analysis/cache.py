"""Content keys for incremental builds (after owid/etl's ``checksum_input``).

A notebook run is skipped when its key is unchanged: the key hashes the notebook file, its parameters, the
package's code, the processed tables it reads, the pinned versions (``pyproject.toml``) and a manual epoch.
A processed table is skipped when its raw inputs, the package's code and the epoch are unchanged. Jupyter
Book's own cache is blind to changed data and modules (jupyter-book #1633); these keys are not.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from analysis import config

#: Bump to invalidate every cached run and table at once.
CACHE_EPOCH = 1


def _h() -> hashlib._Hash:
    h = hashlib.sha256()
    h.update(f"epoch={CACHE_EPOCH}\n".encode())
    return h


def _add_file(h: hashlib._Hash, path: Path) -> None:
    h.update(f"{path.name}\n".encode())
    h.update(hashlib.sha256(path.read_bytes()).digest() if path.exists() else b"<missing>")


def code_digest() -> str:
    """sha256 over every module of the ``analysis`` package (names and bytes)."""
    h = hashlib.sha256()
    package = Path(__file__).resolve().parent
    for path in sorted(package.rglob("*.py")):
        h.update(str(path.relative_to(package)).encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def pins_digest() -> str:
    """sha256 of the pinned dependency list (``pyproject.toml``)."""
    path = config.project_root() / "pyproject.toml"
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else "none"


def run_key(notebook: Path, parameters: dict[str, Any], tables: Iterable[str]) -> str:
    """The key of one notebook run."""
    h = _h()
    _add_file(h, notebook)
    h.update(json.dumps(parameters, sort_keys=True, default=str).encode())
    h.update(code_digest().encode())
    h.update(pins_digest().encode())
    for name in sorted(set(tables)):
        _add_file(h, config.processed_dir() / f"{name}.csv")
    return h.hexdigest()


def table_key(raw_files: Iterable[Path]) -> str:
    """The key of one processed table: its raw input files, the package code, the pins."""
    h = _h()
    h.update(code_digest().encode())
    h.update(pins_digest().encode())
    for path in sorted(raw_files):
        _add_file(h, path)
    return h.hexdigest()
