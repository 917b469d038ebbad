"""The locked environment: ``requirements.lock`` (every package, exact version, sha256 hashes).

``make lock`` resolves ``pyproject.toml`` (main dependencies + every extra, incl. ``dev``) with uv for CPython 3.11 on
Linux x86_64 and then :func:`stamp` records in the lock's header a digest of pyproject's dependency tables, so
that a pin changed without re-locking is caught (:func:`check`, run by ``make setup`` and by the tests).
``make setup`` installs from the lock with ``pip --require-hashes --no-deps``; :func:`installed_mismatches`
compares the installed packages with it. :func:`lock_hash` (the lock file's sha256) goes into every run record
and on the status page, beside the commit. :func:`audit` runs pip-audit on the locked packages (``make audit``).

Standard library only (except :func:`audit`): ``check`` and ``stamp`` run before the packages are installed
(``PYTHONPATH=src python -m analysis.core.envlock check``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path
from typing import Any

from analysis.core import config
from analysis.core.storage import atomic_write_json

LOCK_NAME = "requirements.lock"
#: The header line of the lock that records :func:`deps_digest` of the pyproject it was made from.
DIGEST_PREFIX = "# pyproject.toml dependency tables sha256: "
#: Installed distributions that are not in the lock on purpose: the project itself (``pip install -e .``).
NOT_LOCKED = frozenset({"apply-ai-evidence-book"})
RELOCK = "run `make lock` and commit requirements.lock"


def lock_path() -> Path:
    """``requirements.lock`` at the project root."""
    return config.project_root() / LOCK_NAME


def audit_path() -> Path:
    """``book/generated/audit.json``: the last pip-audit result (read by the status page)."""
    return config.generated_dir() / "audit.json"


def normalize(name: str) -> str:
    """PEP 503 normalised project name (``Jupyter_Book`` -> ``jupyter-book``)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def deps_digest(pyproject_text: str) -> str:
    """sha256 (hex) of the tables of ``pyproject.toml`` that the lock is resolved from: ``requires-python``,
    ``dependencies`` and ``optional-dependencies`` (order and formatting of the file do not matter)."""
    project = tomllib.loads(pyproject_text).get("project", {})
    tables = {key: project.get(key) for key in ("requires-python", "dependencies", "optional-dependencies")}
    return hashlib.sha256(json.dumps(tables, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def pins(specs: list[str]) -> dict[str, str]:
    """``{normalised name: version}`` of exact pins ``name==version``; raises ValueError on anything else."""
    out = {}
    for spec in specs:
        m = re.fullmatch(r"([A-Za-z0-9_.\-]+)(\[[^\]]*\])?==([^\s;]+)", spec.strip())
        if not m:
            raise ValueError(f"not an exact pin: {spec!r}")
        out[normalize(m.group(1))] = m.group(3)
    return out


def pyproject_pins(pyproject_text: str) -> dict[str, str]:
    """The pins of the main dependencies and of every extra (an extra repeating a pin must agree with it)."""
    project = tomllib.loads(pyproject_text)["project"]
    out = pins(project.get("dependencies", []))
    for extra, specs in project.get("optional-dependencies", {}).items():
        for name, version in pins(specs).items():
            if out.setdefault(name, version) != version:
                raise ValueError(f"extra {extra!r} pins {name}=={version}, elsewhere {name}=={out[name]}")
    return out


def locked(lock_text: str) -> dict[str, str]:
    """``{normalised name: version}`` of every package in a lock file."""
    out = {}
    for line in lock_text.splitlines():
        m = re.match(r"^([A-Za-z0-9][A-Za-z0-9_.\-]*)==([^\s;\\]+)", line)
        if m:
            out[normalize(m.group(1))] = m.group(2)
    return out


def recorded_digest(lock_text: str) -> str | None:
    """The pyproject digest recorded in the lock's header (None when absent)."""
    for line in lock_text.splitlines():
        if line.startswith(DIGEST_PREFIX):
            return line[len(DIGEST_PREFIX):].strip()
    return None


def check(pyproject_text: str, lock_text: str) -> list[str]:
    """Why the lock does not belong to this ``pyproject.toml`` (empty when it does): the recorded digest differs,
    a pin is missing from the lock or locked at another version, or a locked package has no hash."""
    problems = []
    digest = recorded_digest(lock_text)
    if digest is None:
        problems.append("requirements.lock records no pyproject.toml digest")
    elif digest != deps_digest(pyproject_text):
        problems.append("pyproject.toml's dependency tables changed since requirements.lock was made")
    lock = locked(lock_text)
    for name, version in sorted(pyproject_pins(pyproject_text).items()):
        if name not in lock:
            problems.append(f"{name}=={version} is pinned in pyproject.toml but not in requirements.lock")
        elif lock[name] != version:
            problems.append(f"{name}: pyproject.toml pins {version}, requirements.lock has {lock[name]}")
    blocks = re.split(r"\n(?=[A-Za-z0-9])", lock_text)
    unhashed = [b.split("==")[0] for b in blocks if "==" in b.split("\n")[0] and "--hash=sha256:" not in b]
    problems += [f"{name} has no sha256 hash in requirements.lock" for name in unhashed]
    return [f"{p}: {RELOCK}" for p in problems]


def stamp(pyproject_text: str, lock_text: str) -> str:
    """The lock text with the digest of ``pyproject_text`` recorded in its header (replacing an older one)."""
    lines = [line for line in lock_text.splitlines() if not line.startswith(DIGEST_PREFIX)]
    header = 0
    while header < len(lines) and lines[header].startswith("#"):
        header += 1
    lines.insert(header, DIGEST_PREFIX + deps_digest(pyproject_text))
    return "\n".join(lines) + "\n"


def lock_hash(path: Path | None = None) -> str:
    """sha256 (hex) of the lock file's bytes, or ``"missing"``."""
    path = path or lock_path()
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else "missing"


def installed() -> dict[str, str]:
    """``{normalised name: version}`` of the distributions installed in this interpreter (like ``pip freeze``)."""
    from importlib import metadata

    return {normalize(d.metadata["Name"]): d.version for d in metadata.distributions() if d.metadata["Name"]}


def installed_mismatches(lock: dict[str, str], present: dict[str, str]) -> list[str]:
    """Differences between the installed packages and the lock: missing, other version, or not locked."""
    out = [f"{name}: locked {version}, " + (f"installed {present[name]}" if name in present else "not installed")
           for name, version in sorted(lock.items()) if present.get(name) != version]
    out += [f"{name} {present[name]}: installed but not in requirements.lock"
            for name in sorted(set(present) - set(lock) - NOT_LOCKED)]
    return out


# ---------------------------------------------------------------- vulnerability audit (pip-audit)


def summarize_audit(report: dict[str, Any] | None, error: str | None, lock_sha: str) -> dict[str, Any]:
    """The status page's view of a pip-audit JSON report: packages audited, packages pip-audit could not audit
    (e.g. the advisory service did not know them), and each vulnerability with its fixed versions.
    ``status`` is ``"clean"`` only when every locked package was audited and none has a known vulnerability."""
    deps = (report or {}).get("dependencies", [])
    skipped = [{"name": d["name"], "reason": d.get("skip_reason", "")} for d in deps if "skip_reason" in d]
    vulns = [{"name": d["name"], "version": d["version"], "id": v["id"], "aliases": v.get("aliases", []),
              "fix_versions": v.get("fix_versions", [])}
             for d in deps if "skip_reason" not in d for v in d.get("vulns", [])]
    audited = len(deps) - len(skipped)
    if error is not None:
        status = "failed"
    elif vulns:
        status = "vulnerable"
    elif skipped or not deps:
        status = "incomplete"
    else:
        status = "clean"
    return {"status": status, "lock_sha256": lock_sha, "packages": len(deps), "audited": audited,
            "skipped": skipped, "vulnerabilities": vulns, "error": error,
            "finished": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()}


def audit(service: str = "pypi", pip_audit: str | None = None) -> dict[str, Any]:
    """Run pip-audit on the locked packages (hash-checked requirements, no installation), write the summary to
    :func:`audit_path` and return it."""
    exe = pip_audit or str(Path(sys.executable).with_name("pip-audit"))
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "pip-audit.json"
        cmd = [exe, "-r", str(lock_path()), "--require-hashes", "--disable-pip", "--vulnerability-service", service,
               "--format", "json", "--output", str(out), "--progress-spinner", "off"]
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=1800)
        except (OSError, subprocess.TimeoutExpired) as exc:
            proc, error = None, f"{type(exc).__name__}: {exc}"
        report = json.loads(out.read_text()) if out.exists() and out.stat().st_size else None
    if proc is not None:  # exit 1 with a report = vulnerabilities found; no report = pip-audit itself failed
        last = ((proc.stderr or proc.stdout).strip().splitlines() or [""])[-1][:300]
        error = None if report is not None else f"pip-audit exit {proc.returncode}: {last}"
    summary = summarize_audit(report, error, lock_hash())
    summary["service"] = service
    atomic_write_json(audit_path(), summary)
    return summary


def audit_md(summary: dict[str, Any] | None, current_lock: str) -> str:
    """One paragraph for the status page: the audit's result, or that it was not run (or ran on another lock)."""
    if summary is None:
        return "Vulnerability audit (pip-audit) of the locked packages: not run for this build."
    when = f"pip-audit, {summary.get('service', 'pypi')} advisories, {summary['finished']}"
    if summary["lock_sha256"] != current_lock:
        return (f"Vulnerability audit ({when}): not run on this lock (it audited lock "
                f"`{summary['lock_sha256'][:12]}`).")
    if summary["status"] == "failed":
        return f"Vulnerability audit ({when}): could not run ({summary['error']})."
    text = f"Vulnerability audit ({when}): {summary['audited']} of {summary['packages']} locked packages audited"
    if summary["skipped"]:
        text += f", {len(summary['skipped'])} could not be audited"
    if not summary["vulnerabilities"]:
        return text + ("; no known vulnerabilities." if summary["audited"] else ".")
    items = "; ".join(f"{v['name']} {v['version']}: {v['id']}"
                      + (f" (fixed in {', '.join(v['fix_versions'])})" if v["fix_versions"] else " (no fix yet)")
                      for v in summary["vulnerabilities"])
    return text + f"; {len(summary['vulnerabilities'])} known vulnerabilities: {items}."


def status_md() -> str:
    """The environment paragraphs of the status page: the lock's hash, whether the packages installed for this
    build are exactly the locked ones, and the last audit."""
    path = lock_path()
    if not path.exists():
        return "No requirements.lock: the environment of this build is not locked.\n"
    text = path.read_text(encoding="utf-8")
    current = lock_hash(path)
    lock = locked(text)
    diff = installed_mismatches(lock, installed())
    env = ("the packages installed for this build are exactly the locked versions" if not diff else
           f"the packages installed for this build differ from the lock in {len(diff)} places "
           f"(e.g. {diff[0]})")
    summary = json.loads(audit_path().read_text(encoding="utf-8")) if audit_path().exists() else None
    return (f"Environment: `requirements.lock` sha256 `{current}` ({len(lock)} packages, exact versions and "
            f"hashes); {env}.\n\n{audit_md(summary, current)}\n")


# ---------------------------------------------------------------- command line (used by the Makefile)


def _atomic_write(path: Path, text: str) -> None:
    # analysis.core.storage needs pandas, which is not installed yet when the lock is stamped or checked
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.replace(tmp, path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m analysis.core.envlock", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="cmd", required=True)
    sub.add_parser("check", help="fail when requirements.lock does not belong to pyproject.toml")
    sub.add_parser("stamp", help="record pyproject.toml's dependency digest in requirements.lock (make lock)")
    sub.add_parser("verify", help="fail when the installed packages are not exactly the locked ones")
    sub.add_parser("hash", help="print the lock's sha256")
    p_audit = sub.add_parser("audit", help="pip-audit the locked packages; writes book/generated/audit.json")
    p_audit.add_argument("--service", default="pypi", choices=["pypi", "osv"])
    args = parser.parse_args(argv)
    pyproject = (config.project_root() / "pyproject.toml").read_text(encoding="utf-8")
    lock_file = lock_path()
    if args.cmd == "hash":
        print(lock_hash())
        return 0
    if not lock_file.exists():
        print(f"{lock_file} is missing: {RELOCK}", file=sys.stderr)
        return 1
    lock_text = lock_file.read_text(encoding="utf-8")
    if args.cmd == "stamp":
        _atomic_write(lock_file, stamp(pyproject, lock_text))
        print(f"{lock_file.name}: {len(locked(lock_text))} packages, sha256 {lock_hash()}")
        return 0
    if args.cmd == "check":
        problems = check(pyproject, lock_text)
        for p in problems:
            print(f"error: {p}", file=sys.stderr)
        return 1 if problems else 0
    if args.cmd == "verify":
        diff = installed_mismatches(locked(lock_text), installed())
        for d in diff:
            print(f"error: {d}", file=sys.stderr)
        if diff:
            print("the environment is not the locked one: run `make setup`", file=sys.stderr)
        return 1 if diff else 0
    summary = audit(args.service)
    print(audit_md(summary, lock_hash()))
    return 0 if summary["status"] == "clean" else 1


if __name__ == "__main__":
    sys.exit(main())
