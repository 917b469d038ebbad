"""Which chapters exist: ``book/runs.yml`` plus what each chapter module declares about itself.

A chapter module is a module of this package that declares, at module level, the notebook it serves::

    NOTEBOOK = "sme_adoption_gap"

(and its parameter model, ``@register``-ed, and optionally ``PROCESSED_TABLES`` and ``DATA_FILES``). Nothing else
names a chapter: the parameter models, the tables the build processes, the claims' chapter links and the TOC are
derived from here and from ``book/runs.yml``. The declarations are read from the source (``ast``), without
importing, so that one chapter's broken module cannot break another chapter's runs.
"""

from __future__ import annotations

import ast
import functools
import importlib
from pathlib import Path
from types import ModuleType

from analysis.core import config
from analysis.core.yamlio import read_yaml

#: The package directory whose modules are scanned for chapter declarations.
PACKAGE_DIR = Path(__file__).resolve().parent
PACKAGE = __name__.rsplit(".", 1)[0]


def _module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE_DIR).with_suffix("")
    return ".".join((PACKAGE, *rel.parts))


def declared_notebook(path: Path) -> str | None:
    """The ``NOTEBOOK = "..."`` string a module's source declares at module level (None: not a chapter)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in tree.body:
        if isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Name) and t.id == "NOTEBOOK" for t in targets) and isinstance(
                    node.value, ast.Constant) and isinstance(node.value.value, str):
                return node.value.value
    return None


def chapter_modules() -> dict[str, str]:
    """Notebook name → dotted name of the chapter module that declares it (sorted by notebook)."""
    return dict(_chapter_modules(str(PACKAGE_DIR)))


@functools.cache
def _chapter_modules(package_dir: str) -> tuple[tuple[str, str], ...]:
    found: dict[str, str] = {}
    for path in sorted(Path(package_dir).rglob("*.py")):
        notebook = declared_notebook(path)
        if notebook is None:
            continue
        name = _module_name(path)
        if notebook in found:
            raise ValueError(f"notebook {notebook!r} is declared by two chapter modules: {found[notebook]}, {name}")
        found[notebook] = name
    return tuple(sorted(found.items()))


def chapter_module(notebook: str) -> ModuleType:
    """Import and return the chapter module of ``notebook`` (KeyError naming the known notebooks)."""
    modules = chapter_modules()
    if notebook not in modules:
        raise KeyError(f"no chapter module declares NOTEBOOK = {notebook!r}; known: {', '.join(modules)}")
    return importlib.import_module(modules[notebook])


def load_all() -> list[ModuleType]:
    """Import every chapter module (what the ``process`` step needs to know every processed table)."""
    return [importlib.import_module(name) for name in chapter_modules().values()]


def book_titles(path: Path | None = None) -> dict[str, str]:
    """Chapter pages of the book and their titles: the ``book/runs.yml`` runs whose id is their notebook's name
    (one page per chapter, as opposed to parameter variants such as ``profile__DK``), in book order."""
    path = path or config.runs_file()
    if not path.exists():
        return {}
    out: dict[str, str] = {}

    def walk(entries: list[dict]) -> None:
        for entry in entries or []:
            run = entry.get("run")
            if run and run.get("id") == run.get("notebook") and run.get("title"):
                out[run["notebook"]] = run["title"]
            walk(entry.get("sections", []))

    data = read_yaml(path) or {}
    for part in data.get("parts", []):
        walk(part.get("chapters", []))
    return out
