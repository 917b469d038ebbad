# The two commands: `make book` (set-up, fetch, process, execute, build HTML) and `make test`.
SHELL := /bin/bash
.SHELLFLAGS := -eo pipefail -c
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
export ANALYSIS_DATA_MIRROR ?=
export PYDEVD_DISABLE_FILE_VALIDATION := 1

.PHONY: book test setup fetch process run render lint clean mutate

# The venv is (re)built when missing or when the pins changed; reused otherwise.
$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	$(PY) -m ipykernel install --sys-prefix --name python3 --display-name "Python 3" >/dev/null
	@touch $(STAMP)

setup: $(STAMP)

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
	$(PY) -m pytest -n 2 --dist loadfile tests
	$(PY) -m pytest -n 2 --dist loadfile --nbval-lax --nbval-sanitize-with tests/nbval_sanitize.cfg -p no:randomly notebooks/*.ipynb

# Mutation testing of the chapter modules against the fast unit tests (not part of CI: ~10 min on 2 cores).
# The report (score per module, every surviving mutant with its diff) is _build/mutation/report.md.
mutate: $(STAMP)
	rm -rf mutants
	env -u ANALYSIS_DATA_MIRROR PYTHONPATH= ANALYSIS_ROOT=$(CURDIR) $(VENV)/bin/mutmut run --max-children 2 >/dev/null || true
	mkdir -p _build/mutation
	$(PY) tools/mutation_report.py > _build/mutation/report.md
	@sed -n '/^| module/,/^$$/p' _build/mutation/report.md

clean:
	rm -rf _build mutants book/generated data/processed/*.csv data/processed/*.json
