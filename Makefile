# Northeast China population outflow — build everything with `make report`.
# Run `make help` for the targets. The dependency graph is drawn in README.md.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := report
.DELETE_ON_ERROR:
MAKEFLAGS += --no-builtin-rules
# Independent notebooks run in parallel on every core unless -j is given
# (`make -j1 report` for one at a time); each runs in its own staging folder.
ifeq ($(filter -j%,$(MAKEFLAGS))$(filter j%,$(firstword $(MAKEFLAGS))),)
MAKEFLAGS += -j$(shell nproc 2>/dev/null || echo 2)
endif

PYTHON_SYS ?= python3
VENV       := .venv
PY         := $(VENV)/bin/python
KERNEL     := neoutflow
# The venv stamp names the requirements' hash, so changed pins reinstall and nothing else does.
REQ_HASH   := $(shell cat requirements.txt pyproject.toml 2>/dev/null | sha256sum | cut -c1-12)
VENV_STAMP := $(VENV)/.installed-$(REQ_HASH)

# Parameter overrides, e.g. `make report PARAMS="end_year=2020 outcome=population_growth"`.
PARAMS     ?=
# Render engine: auto (Quarto if installed, else the registry-only route), quarto, or pandoc.
ENGINE     ?= auto
# Extra pytest arguments, e.g. `make test PYTEST_ARGS="-k data -x"`.
PYTEST_ARGS ?=

export PYTHONHASHSEED := 0
# Dates embedded in figures, PDF and the appendix come from the last commit, not the clock.
SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null || echo 1704067200)
export SOURCE_DATE_EPOCH
export MPLBACKEND := Agg
# This checkout's package source comes first, whichever checkout .venv was installed from.
export PYTHONPATH := $(CURDIR)/src$(if $(PYTHONPATH),:$(PYTHONPATH))

RAW_FILES  := $(wildcard data/raw/*.csv data/raw/*/*.geojson)
RAW_DATA   := $(RAW_FILES) data/datapackage.json
PKG_SRC    := $(shell find src/neoutflow -name '*.py' -o -name '*.lua' -o -name '*.yaml' -o -name '*.typ' 2>/dev/null | sort)
# What each stage depends on: the data stage on its own code and the vocabularies; the
# notebooks on everything but the render, release and extraction code; the report on all.
CORE_SRC   := $(addprefix src/neoutflow/,__init__.py paths.py reference.py atomic.py formatting.py fonts.py)
DATA_SRC   := $(CORE_SRC) $(filter-out src/neoutflow/data/extract/%,$(filter src/neoutflow/data/%,$(PKG_SRC)))
ANALYSIS_SRC := $(filter-out src/neoutflow/render/% src/neoutflow/data/extract/% src/neoutflow/pipeline/release.py src/neoutflow/pipeline/repro.py,$(PKG_SRC))
DATA_STAMP := data/processed/.validated
PARAMS_STAMP := build/params.json
NOTEBOOK_NAMES := $(basename $(notdir $(wildcard notebooks/[0-9]*.ipynb)))
NB_STAMPS  := $(NOTEBOOK_NAMES:%=build/notebooks/%.ipynb)
REPORT_SRC := _quarto.yml $(wildcard report/*.qmd report/*.bib report/*.css report/*.typ report/*.yml report/*.lua report/*.py)
REPORT_OUT := _output/report.pdf

.PHONY: help report test test-fast lint format data notebooks extract clean distclean env lock bench
.SECONDARY:

help: ## List the targets with a one-line description
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  \033[1m%-11s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)
	@echo "  variables: PARAMS=\"key=value ...\"  ENGINE=auto|quarto|pandoc  PYTEST_ARGS=..."

env: $(VENV_STAMP) ## Create .venv from the pinned requirements and register the Jupyter kernel

# No file prerequisites: the hash in the stamp's name already changes with the pins
# (file times are unreliable in fresh clones and copies).
$(VENV_STAMP):
	@echo "==> creating $(VENV) from requirements.txt (first run only)"
	@$(PYTHON_SYS) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ is required, found " + sys.version.split()[0]'
	@test -x $(PY) || $(PYTHON_SYS) -m venv $(VENV)
	@$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt 2> >(grep -v "is ignored: it is neither" >&2)
	@$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e .
	@$(PY) -m ipykernel install --sys-prefix --name $(KERNEL) --display-name "Python (neoutflow)" >/dev/null
	@rm -f $(VENV)/.installed-*
	@touch $@

extract: $(VENV_STAMP) ## Re-derive data/raw/ from ../shared/sources (developers only)
	$(PY) -m neoutflow.data.extract

data: $(DATA_STAMP) ## Validate data/raw/ and build the analysis tables in data/processed/

$(DATA_STAMP): $(RAW_DATA) $(DATA_SRC) | $(VENV_STAMP)
	$(PY) -m neoutflow.data

# PARAMS is remembered in a file rewritten only when it changes, so that a
# different override reruns what depends on it and the same one reruns nothing.
OVERRIDES_FILE := build/params-overrides.txt
ifneq ($(wildcard $(OVERRIDES_FILE))|$(file < $(OVERRIDES_FILE)),$(OVERRIDES_FILE)|$(PARAMS))
$(shell mkdir -p build)
$(file > $(OVERRIDES_FILE),$(PARAMS))
endif

# The parameters in force: all of them (for the report's appendix) and, per
# notebook, those it declares. Each file is rewritten only when its content
# changes, so changing `outcome` reruns only the notebook that uses it.
$(PARAMS_STAMP): params.yaml $(OVERRIDES_FILE) | $(VENV_STAMP)
	@$(PY) -m neoutflow.params --write $@ $(PARAMS)

build/params/%.json: notebooks/%.ipynb params.yaml $(OVERRIDES_FILE) | $(VENV_STAMP)
	@$(PY) -m neoutflow.params --notebook $< --write $@ $(PARAMS)

notebooks: $(NB_STAMPS) ## Run every notebook with papermill into build/

# Each notebook depends on the raw files it reads (validated first: the data
# stamp is order-only, so a change to one file reruns only the notebooks that
# read it), the parameters in force, and the package source.
NB_DATA_01_outflow      := $(RAW_FILES)
NB_DATA_02_determinants := $(filter-out %.geojson,$(RAW_FILES))
.SECONDEXPANSION:
build/notebooks/%.ipynb: notebooks/%.ipynb build/params/%.json $$(NB_DATA_$$*) $(ANALYSIS_SRC) | $(DATA_STAMP) $(VENV_STAMP)
	$(PY) -m neoutflow.pipeline.run_notebook $*

report: $(REPORT_OUT) ## Build the PDF and HTML report in _output/ (default)

# The engine that renders (auto resolved now) is an input of the report, remembered in a
# file rewritten only when it changes: switching ENGINE rebuilds, the same one does not.
ENGINE_USED := $(if $(filter auto,$(ENGINE)),$(if $(shell command -v quarto 2>/dev/null),quarto,pandoc),$(ENGINE))
ENGINE_FILE := build/engine.txt
ifneq ($(wildcard $(ENGINE_FILE))|$(file < $(ENGINE_FILE)),$(ENGINE_FILE)|$(ENGINE_USED))
$(shell mkdir -p build)
$(file > $(ENGINE_FILE),$(ENGINE_USED))
endif

$(REPORT_OUT): $(NB_STAMPS) $(REPORT_SRC) $(PARAMS_STAMP) $(PKG_SRC) $(ENGINE_FILE) | $(VENV_STAMP)
	$(PY) -m neoutflow.pipeline.release
	$(PY) -m neoutflow.render --engine $(ENGINE_USED)

test: $(VENV_STAMP) ## Run the whole test suite (lint included)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m pytest $(PYTEST_ARGS)

test-fast: $(VENV_STAMP) ## Unit and data tests only (under a minute)
	$(PY) -m pytest tests/unit tests/data $(PYTEST_ARGS)

lint: $(VENV_STAMP) ## ruff: lint and format check
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: $(VENV_STAMP) ## ruff: fix what can be fixed and reformat
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

bench: $(VENV_STAMP) ## Time cold, no-op, one-data-file and prose-only builds
	$(PY) bench/build_times.py

lock: ## Re-resolve requirements.in into pinned requirements.txt (needs network)
	rm -rf /tmp/neoutflow-lock && $(PYTHON_SYS) -m venv /tmp/neoutflow-lock
	/tmp/neoutflow-lock/bin/pip install --quiet -r requirements.in
	/tmp/neoutflow-lock/bin/pip freeze --exclude-editable | grep -v '^neoutflow' > requirements.txt

clean: ## Remove generated outputs (build/, data/processed/, _output/), keep .venv
	rm -rf build data/processed _output _variables.yml .quarto

distclean: clean ## Also remove .venv
	rm -rf $(VENV)

