"""Content keys for incremental builds (after owid/etl's ``checksum_input``).

A notebook run is skipped when its key is unchanged: the key hashes the notebook file, its parameters, the
package modules it uses (its chapter module, the ``analysis`` modules its cells import, and everything those
import within the package, found statically with ``ast``: function-local imports count), the processed tables
it reads, the data files its chapter module declares (``DATA_FILES``), the lock (``requirements.lock``) and a
manual epoch. A processed table is skipped when its raw inputs, the modules of its builder and the epoch are
unchanged. A module is hashed by its syntax tree, so an edited comment re-runs nothing; an edited module re-runs
exactly the runs that use it; a package's data files (the codelists' CSV files) count as part of the package.
Jupyter Book's own cache is blind to changed data and modules (jupyter-book #1633); these keys are not.
"""

from __future__ import annotations

import ast
import contextlib
import hashlib
import json
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import analysis
from analysis.core import config
from analysis.core.storage import atomic_write_json

#: Bump to invalidate every cached run and table at once.
CACHE_EPOCH = 1


def _h() -> hashlib._Hash:
    h = hashlib.sha256()
    h.update(f"epoch={CACHE_EPOCH}\n".encode())
    return h


#: sha256 of a file's bytes per file version (path, inode, mtime, size) seen in this process: the 28 country
#: profiles read the same tables, hashed once.
_FILE_DIGESTS: dict[tuple[str, int, int, int], bytes] = {}


def file_digest(path: Path) -> bytes:
    """sha256 (raw 32 bytes) of the file's content, memoised per file version in this process."""
    stat = path.stat()
    memo = (str(path), stat.st_ino, stat.st_mtime_ns, stat.st_size)
    if memo not in _FILE_DIGESTS:
        _FILE_DIGESTS[memo] = hashlib.sha256(path.read_bytes()).digest()
    return _FILE_DIGESTS[memo]


def _add_file(h: hashlib._Hash, path: Path) -> None:
    h.update(f"{path.name}\n".encode())
    h.update(file_digest(path) if path.exists() else b"<missing>")


def package_dir() -> Path:
    """The directory of the ``analysis`` package."""
    return Path(analysis.__file__).resolve().parent


def package_modules() -> dict[str, Path]:
    """Dotted name → file of every module of the package (``analysis.x.y``; a package is its ``__init__``)."""
    root = package_dir()
    out: dict[str, Path] = {}
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(("analysis", *parts))] = path
    return out


_PARSED: dict[tuple[str, int, int], tuple[str, frozenset[str]]] = {}
#: Parsed modules remembered across processes, by content: sha256 of (Python version, package, source) →
#: (hash of the syntax tree, imported names). Parsing and dumping the package's syntax trees is most of a no-op
#: build otherwise. A memo keyed by content cannot go stale; a damaged memo file is ignored.
_MEMO_NAME = "ast-memo.json"
_MEMO: dict[str, list] | None = None


def _memo_path() -> Path:
    return config.build_dir() / "cache" / _MEMO_NAME


def _memo() -> dict[str, list]:
    global _MEMO
    if _MEMO is None:
        try:
            loaded = json.loads(_memo_path().read_text(encoding="utf-8"))
            _MEMO = loaded if isinstance(loaded, dict) else {}
        except (OSError, ValueError):
            _MEMO = {}
    return _MEMO


def _remember(key: str, value: tuple[str, frozenset[str]]) -> None:
    """Add one entry to the memo file (an atomic write; a failure to write, e.g. a read-only tree, only costs the
    next process a parse)."""
    memo = _memo()
    memo[key] = [value[0], sorted(value[1])]
    with contextlib.suppress(OSError):
        atomic_write_json(_memo_path(), memo)


def _parse(path: Path, text: str | None = None) -> tuple[str, frozenset[str]]:
    """(sha256 of the syntax tree, names the code imports: ``a.b`` for ``from a.b import c`` also yields
    ``a.b.c``), memoised per file version in this process and by content across processes. A syntax error
    hashes the bytes and imports the whole package."""
    if text is None:
        stat = path.stat()
        memo = (str(path), stat.st_mtime_ns, stat.st_size)
        if memo in _PARSED:
            return _PARSED[memo]
    source = path.read_text(encoding="utf-8") if text is None else text
    package = ".".join(_dotted(path)[:-1]) if path.suffix == ".py" else "analysis"
    content_key = hashlib.sha256(f"{sys.version}\n{package}\n{source}".encode()).hexdigest()
    known = _memo().get(content_key)
    if isinstance(known, list) and len(known) == 2:
        result = known[0], frozenset(known[1])
    else:
        result = _parse_source(source, package)
        _remember(content_key, result)
    if text is None:
        _PARSED[memo] = result
    return result


def _parse_source(source: str, package: str) -> tuple[str, frozenset[str]]:
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return hashlib.sha256(source.encode()).hexdigest(), frozenset({"analysis.*"})
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            names.add(base)
            names.update(f"{base}.{a.name}" for a in node.names)
    return hashlib.sha256(ast.dump(tree).encode()).hexdigest(), frozenset(names)


def _dotted(path: Path) -> tuple[str, ...]:
    parts = path.resolve().relative_to(package_dir()).with_suffix("").parts
    return ("analysis", *parts)


def module_closure(roots: Iterable[str]) -> list[str]:
    """The package modules ``roots`` use: themselves, their parent packages and, transitively, every package
    module they import (at any depth of the code, function-local imports included). Sorted dotted names."""
    modules = package_modules()
    todo = [r for r in roots if r in modules]
    seen: set[str] = set()
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        parents = [".".join(name.split(".")[:i]) for i in range(1, name.count(".") + 1)]
        imported = _parse(modules[name])[1]
        if "analysis.*" in imported:
            imported = frozenset(modules)
        todo += [m for m in (*parents, *imported) if m in modules and m not in seen]
    return sorted(seen)


def notebook_imports(notebook: Path) -> list[str]:
    """The package modules a notebook's code cells import (magics and shell lines ignored)."""
    nb = json.loads(notebook.read_text(encoding="utf-8")) if notebook.exists() else {"cells": []}
    lines = [line for c in nb["cells"] if c.get("cell_type") == "code"
             for line in "".join(c.get("source", "")).splitlines()]
    code = "\n".join(line for line in lines if not line.lstrip().startswith(("%", "!")))
    modules = package_modules()
    names = _parse(notebook, code)[1]
    if "analysis.*" in names:
        return sorted(modules)
    return sorted(n for n in names if n in modules)


def package_data(module: Path) -> list[Path]:
    """The data files a package reads beside its ``__init__.py`` (the codelists' CSV files), sorted; none for a
    plain module."""
    return sorted(module.parent.glob("*.csv")) if module.name == "__init__.py" else []


def modules_digest(names: Iterable[str]) -> str:
    """sha256 over the named package modules (each: its name and the hash of its syntax tree) and the data files
    of the named packages (:func:`package_data`: a codelist is data, but a module's input all the same)."""
    modules = package_modules()
    h = hashlib.sha256()
    for name in sorted(set(names)):
        h.update(f"{name}\n{_parse(modules[name])[0]}\n".encode())
        for path in package_data(modules[name]):
            _add_file(h, path)
    return h.hexdigest()


def code_digest() -> str:
    """sha256 over every module of the ``analysis`` package (names and syntax trees)."""
    return modules_digest(package_modules())


def pins_digest() -> str:
    """sha256 of the locked environment (``requirements.lock``; ``pyproject.toml`` where there is no lock)."""
    root = config.project_root()
    for name in ("requirements.lock", "pyproject.toml"):
        if (root / name).exists():
            return hashlib.sha256((root / name).read_bytes()).hexdigest()
    return "none"


def run_modules(notebook: Path, chapter: str | None) -> list[str]:
    """The package modules a run uses: its chapter module, the notebook's own imports, and their closure."""
    return module_closure([*([chapter] if chapter else []), *notebook_imports(notebook)])


def run_key(notebook: Path, parameters: dict[str, Any], tables: Iterable[str], chapter: str | None = None,
            data_files: Iterable[Path] = ()) -> str:
    """The key of one notebook run (``chapter``: the dotted name of its chapter module)."""
    h = _h()
    _add_file(h, notebook)
    h.update(json.dumps(parameters, sort_keys=True, default=str).encode())
    h.update(modules_digest(run_modules(notebook, chapter)).encode())
    h.update(pins_digest().encode())
    for name in sorted(set(tables)):
        _add_file(h, config.processed_dir() / f"{name}.csv")
    for path in sorted(set(data_files)):
        _add_file(h, path)
    return h.hexdigest()


def table_key(raw_files: Iterable[Path], modules: Iterable[str] | None = None) -> str:
    """The key of one processed table: its raw input files, the package modules that build it (``None``: the
    whole package), the pins."""
    h = _h()
    h.update((code_digest() if modules is None else modules_digest(module_closure(modules))).encode())
    h.update(pins_digest().encode())
    for path in sorted(raw_files):
        _add_file(h, path)
    return h.hexdigest()
