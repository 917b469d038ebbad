"""The package's layers (book > chapters > tables > readers > core) and the import contract that holds them."""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PKG = ROOT / "src" / "analysis"
LINT = Path(sys.executable).with_name("lint-imports")
LAYERS = ("core", "readers", "tables", "chapters", "book")


def _lint(src: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(src)}
    return subprocess.run([str(LINT), "--config", str(ROOT / ".importlinter"), "--no-cache"], cwd=ROOT, env=env,
                          capture_output=True, text=True)


def test_every_module_is_in_a_layer() -> None:
    top = sorted(p.name for p in PKG.iterdir() if p.suffix == ".py")
    # above the layers: the package, the CLI and the analysts' one documented entry point (a re-export)
    assert top == ["__init__.py", "__main__.py", "results.py"]
    assert (PKG / "results.py").read_text().count("\ndef ") == 0  # no logic there, only the name
    assert sorted(p.name for p in PKG.iterdir() if p.is_dir() and (p / "__init__.py").exists()) == sorted(LAYERS)


def test_no_function_local_import_of_the_package() -> None:
    """Imports of ``analysis`` sit at the top of each layered module: none is hidden in a function to dodge a
    cycle. (The command line, ``analysis/__main__.py``, above every layer, imports a subcommand's modules when
    the subcommand runs, so that ``--help`` starts fast.)"""
    found = []
    for path in sorted(p for p in PKG.rglob("*.py") if p.name != "__main__.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for fn in ast.walk(tree):
            if isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef):
                for node in ast.walk(fn):
                    if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("analysis") or (
                            isinstance(node, ast.Import) and any(a.name.startswith("analysis") for a in node.names)):
                        found.append(f"{path.relative_to(PKG)}:{node.lineno}")
    assert found == []


@pytest.mark.skipif(not LINT.exists(), reason="import-linter is not installed")
def test_import_contract_holds() -> None:
    proc = _lint(ROOT / "src")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "1 kept, 0 broken" in proc.stdout


@pytest.mark.skipif(not LINT.exists(), reason="import-linter is not installed")
def test_import_contract_catches_an_upward_import(tmp_path: Path) -> None:
    """A reader that imports a chapter breaks the contract, and lint-imports names the import."""
    src = tmp_path / "src"
    shutil.copytree(ROOT / "src" / "analysis", src / "analysis", ignore=shutil.ignore_patterns("__pycache__"))
    reader = src / "analysis" / "readers" / "ilo.py"
    reader.write_text(reader.read_text(encoding="utf-8") + "\nfrom analysis.chapters import exposure  # noqa\n")
    proc = _lint(src)
    assert proc.returncode != 0
    assert "analysis.readers.ilo -> analysis.chapters.exposure" in proc.stdout


def test_no_private_name_is_used_across_modules() -> None:
    """A module uses another module's public names only: no ``from analysis.x import _name`` and no
    ``module._name`` on an imported ``analysis`` module (what one module needs from another is public and
    documented, e.g. ``analysis.tables.process.raw_file``)."""
    found = []
    for path in sorted(PKG.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imported: set[str] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("analysis"):
                for alias in node.names:
                    if alias.name.startswith("_") and not alias.name.startswith("__"):
                        found.append(f"{path.relative_to(PKG)}:{node.lineno} imports {node.module}.{alias.name}")
                    imported.add(alias.asname or alias.name)
            elif isinstance(node, ast.Import):
                imported.update(a.asname or a.name.split(".")[0] for a in node.names if a.name.startswith("analysis"))
        for node in ast.walk(tree):
            if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in imported
                    and node.attr.startswith("_") and not node.attr.startswith("__")):
                found.append(f"{path.relative_to(PKG)}:{node.lineno} uses {node.value.id}.{node.attr}")
    assert found == []
