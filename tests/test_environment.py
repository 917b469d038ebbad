"""environment.yml (conda users) and pyproject.toml (pip users) list the same pinned packages."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def _pins(specs: list[str]) -> dict[str, str]:
    out = {}
    for spec in specs:
        m = re.fullmatch(r"([A-Za-z0-9_.\-]+)==([^\s;]+)", spec.strip())
        assert m, f"not an exact pin: {spec!r}"
        out[m.group(1).lower()] = m.group(2)
    return out


def test_pyproject_and_environment_agree():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    py = _pins(project["dependencies"] + project["optional-dependencies"]["dev"])
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    conda = _pins([p for p in pip if not p.startswith("-e")])
    assert py == conda
    assert "python=3.11" in env["dependencies"]
    assert py["jupyter-book"] == "1.0.4.post1"  # `<2` alone can resolve to 0.6.5


def test_installed_versions_match_pins():
    from importlib.metadata import version

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    for name, pin in _pins(project["dependencies"]).items():
        assert version(name) == pin, f"{name}: installed {version(name)}, pinned {pin} (run `make setup`)"


# ---------------------------------------------------------------- the lock (requirements.lock)


def test_lock_belongs_to_pyproject():
    """CI fails when a pin or extra of pyproject.toml changed without re-locking (the message says `make lock`)."""
    from analysis.core import envlock

    problems = envlock.check((ROOT / "pyproject.toml").read_text(), (ROOT / "requirements.lock").read_text())
    assert not problems, "\n".join(problems)


def test_environment_yml_agrees_with_lock():
    from analysis.core import envlock

    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    lock = envlock.locked((ROOT / "requirements.lock").read_text())
    for name, version in _pins([p for p in pip if not p.startswith("-e")]).items():
        assert lock.get(envlock.normalize(name)) == version, f"environment.yml {name}=={version}: run `make lock`"
    assert "--python-version 3.11" in (ROOT / "Makefile").read_text()  # the lock is resolved for python=3.11


def test_installed_environment_is_the_lock():
    """`make setup` installed exactly the locked packages (like `pip freeze` == the lock), nothing else."""
    from analysis.core import envlock

    diff = envlock.installed_mismatches(envlock.locked((ROOT / "requirements.lock").read_text()), envlock.installed())
    assert not diff, "the environment is not the locked one (run `make setup`):\n" + "\n".join(diff)
