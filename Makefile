# The two commands: `make book` (set-up, fetch, process, execute, build HTML) and `make test`.
SHELL := /bin/bash
.SHELLFLAGS := -eo pipefail -c
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# Every package of the environment, exact versions and sha256 hashes, for CPython 3.11 on Linux x86_64.
LOCK := requirements.lock
UV ?= $(if $(wildcard $(VENV)/bin/uv),$(VENV)/bin/uv,uv)
BOOT := $(if $(wildcard $(PY)),$(PY),python3)
export ANALYSIS_DATA_MIRROR ?=
export PYDEVD_DISABLE_FILE_VALIDATION := 1

.PHONY: book test setup lock lock-upgrade audit fetch process run render lint clean mutate

# The venv is (re)built when missing or when the pins or the lock changed; reused otherwise. It gets exactly the
# packages of $(LOCK) (hash-checked, no resolution), then the project itself (no dependencies, no download).
$(STAMP): pyproject.toml $(LOCK)
	@test -x $(PY) || $(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	PYTHONPATH=src $(PY) -m analysis.core.envlock check
	$(PY) -m pip install --quiet --require-hashes --no-deps -r $(LOCK)
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	$(PY) -m pip check
	PYTHONPATH=src $(PY) -m analysis.core.envlock verify
	$(PY) -m ipykernel install --sys-prefix --name python3 --display-name "Python 3" >/dev/null
	@touch $(STAMP)

setup: $(STAMP)

# Re-resolve the lock from pyproject.toml (main dependencies + every extra, incl. dev) on PyPI, keeping the locked
# versions that still fit; `make lock-upgrade` moves every unpinned package to its newest version.
lock:
	$(UV) pip compile pyproject.toml --all-extras --python-version 3.11 --python-platform x86_64-unknown-linux-gnu \
	  --generate-hashes --index-url https://pypi.org/simple --no-config --custom-compile-command "make lock" \
	  --quiet -o $(LOCK) $(LOCK_FLAGS)
	PYTHONPATH=src $(BOOT) -m analysis.core.envlock stamp
lock-upgrade:
	$(MAKE) lock LOCK_FLAGS=--upgrade

# Known vulnerabilities of the locked packages (pip-audit; needs the advisory service, e.g. pypi.org's JSON API).
# The result goes to book/generated/audit.json, shown on the status page; fails unless every package was audited
# and none is vulnerable.
audit: $(STAMP)
	$(PY) -m analysis.core.envlock audit

book: $(STAMP)
	$(PY) -m analysis build

fetch: $(STAMP)
	$(PY) -m analysis fetch
process: $(STAMP)
	$(PY) -m analysis process
run: $(STAMP)
	$(PY) -m analysis run
render: $(STAMP)
	$(PY) -m analysis render

lint: $(STAMP)
	$(VENV)/bin/ruff check .

# The whole suite: lint, unit, integration (mirror), notebooks (nbval), the book build.
test: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports --config .importlinter
	$(PY) -m pytest -n 2 --dist loadfile tests
	$(PY) -m pytest -n 2 --dist loadfile --nbval-lax --nbval-sanitize-with tests/nbval_sanitize.cfg -p no:randomly notebooks/*.ipynb

# Mutation testing of the chapter modules against the fast unit tests (not part of CI: over an hour on 2 cores for
# every module; `make mutate MUTANTS='analysis.chapters.profiles.*'` runs one module).
# The report (score per module, every surviving mutant with its diff) is _build/mutation/report.md.
mutate: $(STAMP)
	rm -rf mutants
	env -u ANALYSIS_DATA_MIRROR PYTHONPATH= ANALYSIS_ROOT=$(CURDIR) $(VENV)/bin/mutmut run --max-children 2 $(MUTANTS) >/dev/null || true
	mkdir -p _build/mutation
	$(PY) tools/mutation_report.py > _build/mutation/report.md
	@sed -n '/^| module/,/^$$/p' _build/mutation/report.md

clean:
	rm -rf _build mutants book/generated data/processed/*.csv data/processed/*.json
