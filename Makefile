# Northeast China population outflow — build everything with `make report`.
# Run `make help` for the targets. The dependency graph is drawn in README.md.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := report
.DELETE_ON_ERROR:
MAKEFLAGS += --no-builtin-rules

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
# Benchmark arguments, e.g. `make bench BENCH_ARGS="--repeat 3"`.
BENCH_ARGS ?=

export PYTHONHASHSEED := 0
# Dates embedded in figures, PDF and the appendix come from the last commit, not the clock;
# without git history (a `git archive` copy) none is invented: the report says the date is unknown.
# Only this project's own repository counts: a copy unpacked inside another work tree has none.
SOURCE_DATE_EPOCH ?= $(shell [ "$$(git rev-parse --show-toplevel 2>/dev/null)" = "$$(pwd -P)" ] && git log -1 --format=%ct 2>/dev/null)
ifneq ($(strip $(SOURCE_DATE_EPOCH)),)
export SOURCE_DATE_EPOCH
endif
export MPLBACKEND := Agg
# One BLAS (OpenBLAS, MKL) thread per process: make runs the notebooks side by side, one per core, and
# their matrices are small, so a second thread per kernel only spins waiting for work on a core another
# notebook needs (a 961 x 65 least-squares fit: 0.26 s CPU with two threads on a busy 2-core machine,
# 0.0014 s with one). Results are the same bytes either way. An environment that sets them keeps its
# own values. (Not OMP_NUM_THREADS: `nproc`, which sets -j below, would then answer 1.)
export OPENBLAS_NUM_THREADS ?= 1
export MKL_NUM_THREADS ?= 1
# This checkout's package source comes first, whichever checkout .venv was installed from.
export PYTHONPATH := $(CURDIR)/src$(if $(PYTHONPATH),:$(PYTHONPATH))

# One build at a time in this folder: a make whose goals all write build/, data/processed/
# or _output/ takes build/.lock (flock) and reruns itself holding it; a second one waits
# (saying so) until the first has finished. BUILD_LOCK_WAIT=0 makes it exit at once instead.
# `clean`, `distclean` and `import` take it too: none may pull files from under a running build.
BUILD_GOALS  := report notebooks data build/% _output/% data/processed/%
LOCKED_GOALS := $(BUILD_GOALS) clean distclean import
BUILD_LOCK_WAIT ?= 3600
GOALS := $(or $(MAKECMDGOALS),$(.DEFAULT_GOAL))
# (`make -q` and `make -n` only look, so they take no lock.)
LOOK_ONLY := $(findstring n,$(filter-out -%,$(firstword $(MAKEFLAGS))))$(findstring q,$(filter-out -%,$(firstword $(MAKEFLAGS))))
ifeq ($(NEOUTFLOW_BUILD_LOCK)$(LOOK_ONLY)$(filter-out $(LOCKED_GOALS),$(GOALS)),)
.PHONY: $(GOALS) build-lock
$(GOALS): build-lock ; @:
build-lock:
	@mkdir -p build && { flock -n build/.lock true || \
	  echo "make: another build is running in $(CURDIR) (build/.lock held); waiting for it to finish" >&2; }
	@flock -E 75 -w $(BUILD_LOCK_WAIT) build/.lock $(MAKE) --no-print-directory NEOUTFLOW_BUILD_LOCK=1 $(MAKECMDGOALS) \
	  || { rc=$$?; [ $$rc -ne 75 ] || echo "make: gave up after waiting $(BUILD_LOCK_WAIT) s for build/.lock:" \
	       "another build is still running in $(CURDIR)" >&2; exit $$rc; }
else

# Independent notebooks run in parallel on every core unless -j is given
# (`make -j1 report` for one at a time); each runs in its own staging folder.
ifeq ($(filter -j%,$(MAKEFLAGS))$(filter j%,$(firstword $(MAKEFLAGS))),)
MAKEFLAGS += -j$(shell nproc 2>/dev/null || echo 2)
endif

RAW_FILES  := $(wildcard data/raw/*.csv data/raw/*/*.geojson)
RAW_DATA   := $(RAW_FILES) data/datapackage.json
PKG_SRC    := $(shell find src/neoutflow -name '*.py' -o -name '*.lua' -o -name '*.yaml' -o -name '*.typ' 2>/dev/null | sort)
# What each stage depends on: the data stage on its own code and the vocabularies; the
# notebooks on everything but the render, release and extraction code; the report on all.
CORE_SRC   := $(addprefix src/neoutflow/,__init__.py paths.py reference.py atomic.py formatting.py fonts.py timing.py)
DATA_SRC   := $(CORE_SRC) $(filter-out src/neoutflow/data/extract/%,$(filter src/neoutflow/data/%,$(PKG_SRC)))
ANALYSIS_SRC := $(filter-out src/neoutflow/render/% src/neoutflow/data/extract/% src/neoutflow/pipeline/release.py src/neoutflow/pipeline/repro.py,$(PKG_SRC))
DATA_STAMP := data/processed/.validated
PARAMS_STAMP := build/params.json
NOTEBOOK_NAMES := $(basename $(notdir $(wildcard notebooks/[0-9]*.ipynb)))
NB_STAMPS  := $(NOTEBOOK_NAMES:%=build/notebooks/%.ipynb)
REPORT_SRC := _quarto.yml $(wildcard report/*.md report/*.qmd report/*.bib report/*.css report/*.js report/*.typ report/*.yml report/*.lua report/*.py report/*.docx)
# Every engine writes all three (the Word file for journal submission, styled by report/reference.docx).
REPORT_OUT := _output/report.pdf _output/report.html _output/report.docx

.PHONY: FORCE
FORCE: ;

.PHONY: help report test test-fast lint format data notebooks extract import check-inputs clean distclean env lock bench
# No blanket .SECONDARY: a deleted output (or data/datapackage.json) must be noticed. The files
# made only as prerequisites are kept explicitly.
.SECONDARY: $(PARAMS_STAMP) $(NOTEBOOK_NAMES:%=build/params/%.json)

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
	@$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.txt 2> >(grep -v "is ignored: it is neither" >&2)
	@$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e .
	@$(PY) -m ipykernel install --sys-prefix --name $(KERNEL) --display-name "Python (neoutflow)" >/dev/null
	@rm -f $(VENV)/.installed-*
	@touch $@

extract: $(VENV_STAMP) ## Re-derive data/raw/ from ../shared/sources (developers only)
	$(PY) -m neoutflow.data.extract

# `make import FILE=path [KIND=nbs-portal|nbs-crawl|census-yearbook|census-indicators|census-communique|sample-survey|city-yearbook|birthplace-matrix] [YEAR=2030]
# [APPLY=1] [REPLACE=1]`:
# a dry run unless APPLY=1 (see neoutflow.data.importer and "Updating the data" in README.md).
FILE    ?=
KIND    ?=
YEAR    ?=
APPLY   ?=
REPLACE ?=
DIAGONAL ?=
ZERO_CELLS ?=
import: $(VENV_STAMP) ## Import an official table into data/raw/: FILE=path [KIND=…] [YEAR=…] [BOUNDARIES=…] [DIAGONAL=1] [ZERO_CELLS=1] [APPLY=1] [REPLACE=1]
	@test -n "$(FILE)" || { echo "make import: name the file, e.g. make import FILE=path/to/分省年度数据.xls" >&2; exit 2; }
	$(PY) -m neoutflow.data.importer "$(FILE)" $(if $(KIND),--kind $(KIND)) $(if $(YEAR),--year $(YEAR)) \
	  $(if $(BOUNDARIES),--boundaries "$(BOUNDARIES)") \
	  $(if $(filter-out 0,$(DIAGONAL)),--diagonal) $(if $(filter-out 0,$(ZERO_CELLS)),--zero-cells) \
	  $(if $(filter-out 0,$(APPLY)),--apply) $(if $(filter-out 0,$(REPLACE)),--replace)

data: $(DATA_STAMP) ## Validate data/raw/ and build the analysis tables in data/processed/

# The provenance record is an input, checked by `make data`; it is not made by make.
data/datapackage.json:
	@echo "make: data/datapackage.json (the provenance record) is missing: restore it with" \
	  "'git checkout -- data/datapackage.json', or re-record it with 'python -m neoutflow.data.record'" >&2
	@exit 1

$(DATA_STAMP): $(RAW_DATA) $(DATA_SRC) | $(VENV_STAMP)
	$(PY) -m neoutflow.data

# The parameters in force: all of them (build/params.json, for the report's appendix)
# and, per notebook, those it declares (build/params/<name>.json). Recomputed from
# params.yaml + PARAMS when make starts, on every run that builds (whatever ran
# before: a hand run, another PARAMS); each file is rewritten only when its content
# changes, so changing `outcome` reruns only the notebook that uses it.
PARAM_FILES := $(PARAMS_STAMP) $(NOTEBOOK_NAMES:%=build/params/%.json)
# ($(shell) in make 4.3 does not see exported variables: PYTHONPATH is given explicitly)
WRITE_PARAMS = PYTHONPATH=$(PYTHONPATH) $(PY) -m neoutflow.pipeline.run_notebook --write-params $(PARAMS)
# `make -n` and `make -q` only look: they write nothing (no bytecode either), and the parameter
# files that would change are marked out of date instead, so a dry run lists what a build would redo.
STALE_PARAMS = PYTHONDONTWRITEBYTECODE=1 PYTHONPATH=$(PYTHONPATH) $(PY) -m neoutflow.pipeline.run_notebook --stale-params $(PARAMS)
ifneq ($(filter $(BUILD_GOALS),$(GOALS)),)
ifneq ($(wildcard $(VENV_STAMP)),)
PARAMS_LOG := $(shell $(if $(LOOK_ONLY),$(STALE_PARAMS),$(WRITE_PARAMS)) 2>&1 || echo "PARAMS-FAILED")
ifneq ($(findstring PARAMS-FAILED,$(PARAMS_LOG)),)
$(error $(subst PARAMS-FAILED,,$(PARAMS_LOG)))
endif
ifneq ($(LOOK_ONLY),)
$(filter build/%,$(PARAMS_LOG)): FORCE
endif
endif
endif
# First run (no environment yet when make started): written once it exists.
$(PARAM_FILES): | $(VENV_STAMP)
	@$(WRITE_PARAMS)

notebooks: $(NB_STAMPS) ## Run every notebook with papermill into build/

# Before any notebook: every input the chosen base_year/end_year need is present (all missing
# ones are listed at once). Rerun when the parameters or the raw data change.
PREFLIGHT_STAMP := build/.inputs-checked
check-inputs: $(VENV_STAMP) ## List the inputs the chosen years need; report all that are missing (PARAMS=...)
	$(PY) -m neoutflow.data.preflight $(PARAMS)

# (The raw files, not datapackage.json: `make data`, running beside this step, records new
# checksums there, which would rerun the check on the next build, a prose edit included.)
$(PREFLIGHT_STAMP): $(PARAMS_STAMP) $(RAW_FILES) src/neoutflow/data/preflight.py | $(VENV_STAMP)
	$(PY) -m neoutflow.data.preflight $(PARAMS)
	@touch $@

# Each notebook depends on the raw files it reads (validated first: the data
# stamp is order-only, so a change to one file reruns only the notebooks that
# read it), the parameters in force, and the package source. Which files each
# notebook reads is declared once, in src/neoutflow/inputs.py (standard library
# only, so the system Python reads it before .venv exists): NB_DATA_<name>.
comma := ,
NB_INPUTS := $(shell PYTHONDONTWRITEBYTECODE=1 PYTHONPATH=src $(PYTHON_SYS) -m neoutflow.inputs --make)
ifeq ($(strip $(NB_INPUTS))$(filter-out $(BUILD_GOALS),$(GOALS)),)
$(error could not read the notebooks' inputs from src/neoutflow/inputs.py (python -m neoutflow.inputs --make))
endif
$(foreach nb,$(NB_INPUTS),$(eval NB_DATA_$(word 1,$(subst =, ,$(nb))) := $(subst $(comma), ,$(word 2,$(subst =, ,$(nb))))))
.SECONDEXPANSION:
build/notebooks/%.ipynb: notebooks/%.ipynb build/params/%.json $$(NB_DATA_$$*) $(ANALYSIS_SRC) | $(PREFLIGHT_STAMP) $(DATA_STAMP) $(VENV_STAMP)
	$(PY) -m neoutflow.pipeline.run_notebook $*

report: $(REPORT_OUT) ## Build the PDF, HTML and Word report in _output/ (default)

# The engine that renders (auto resolved now) is an input of the report, remembered in a
# file rewritten only when it changes: switching ENGINE rebuilds, the same one does not.
ENGINE_USED := $(if $(filter auto,$(ENGINE)),$(if $(shell command -v quarto 2>/dev/null),quarto,pandoc),$(ENGINE))
ENGINE_FILE := build/engine.txt
ifneq ($(wildcard $(ENGINE_FILE))|$(file < $(ENGINE_FILE)),$(ENGINE_FILE)|$(ENGINE_USED))
ifeq ($(LOOK_ONLY),)
$(shell mkdir -p build)
$(file > $(ENGINE_FILE),$(ENGINE_USED))
else
# (`make -n` / `make -q`: not written now, shown as a step of the build)
$(ENGINE_FILE): FORCE
	@mkdir -p $(@D) && printf '%s\n' '$(ENGINE_USED)' > $@
endif
endif

# The release step (results -> _variables.yml, the appendix tables) runs only when a
# notebook, the parameters or the engine (named in the appendix) changed; a prose edit only re-renders.
RELEASE_STAMP := build/.released
RELEASE_SRC := $(CORE_SRC) $(filter src/neoutflow/pipeline/% src/neoutflow/outputs/results.py src/neoutflow/outputs/tables.py \
  src/neoutflow/outputs/conclusions.py src/neoutflow/outputs/derived.py src/neoutflow/outputs/sources.py \
  src/neoutflow/data/preflight.py,$(PKG_SRC))
RENDER_SRC := $(CORE_SRC) $(filter src/neoutflow/render/%,$(PKG_SRC))

$(RELEASE_STAMP): $(NB_STAMPS) $(PARAMS_STAMP) $(RAW_DATA) $(RELEASE_SRC) $(ENGINE_FILE) | $(VENV_STAMP)
	$(PY) -m neoutflow.pipeline.release
	@touch $@

$(REPORT_OUT) &: $(RELEASE_STAMP) $(REPORT_SRC) $(RENDER_SRC) $(ENGINE_FILE) | $(VENV_STAMP)
	$(PY) -m neoutflow.render --engine $(ENGINE_USED)

# The 390 px HTML checks need headless Chromium: Debian's `chromium` is installed when it is missing
# and apt-get can run as root (17 s for the package and its 120 dependencies here, after a
# 6 s `apt-get update`; installed once, kept by the system), else they skip and say why.
# The Quarto tests (tests/integration/test_quarto.py) use `quarto` on PATH or, where the Quarto test
# kit is present, the kit's Quarto, installed once into the user's cache (~20 s; a few seconds when
# installed). They see it through NEOUTFLOW_QUARTO only: the other tests' builds keep their engine.
# tests/support/run_suite.py runs the whole suite in two pytest processes side by side around one shared
# build (one per core); with PYTEST_ARGS it runs one plain pytest with them.
QUARTO_KIT ?= ../shared/tools/quarto
test: $(VENV_STAMP) ## Run the whole test suite (lint included)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy
	@if ! command -v chromium >/dev/null && ! command -v chromium-browser >/dev/null; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "==> installing Debian's chromium for the 390 px HTML checks (apt-get, once; about 20 s)"; \
	    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; } >/dev/null 2>&1 \
	      || echo "==> apt-get could not install chromium: the 390 px HTML checks will skip" >&2; \
	  else echo "==> no chromium and no apt-get as root: the 390 px HTML checks will skip (Debian: apt-get install chromium)"; fi; \
	fi
	@q=$$(command -v quarto || true); err=; \
	if [ -z "$$q" ] && [ -f "$(QUARTO_KIT)/setup.sh" ]; then \
	  echo "==> installing the Quarto test kit from $(QUARTO_KIT) (cached in the user's cache folder)"; \
	  if out=$$(bash "$(QUARTO_KIT)/setup.sh" 2>&1); then q=$$(printf '%s\n' "$$out" | tail -n1); \
	  else err=$$(printf '%s\n' "$$out" | grep ERROR | tail -n1 || true); echo "$$out" | tail -n5 >&2; fi; \
	fi; \
	echo "==> Quarto for the Quarto tests: $${q:-none$${err:+ (kit: $$err)}}"; \
	NEOUTFLOW_QUARTO="$$q" NEOUTFLOW_QUARTO_ERROR="$$err" $(PY) tests/support/run_suite.py $(PYTEST_ARGS)

# The fast tiers run side by side (one pytest each, like the notebooks: on every core unless -j is
# given), each printed whole when it ends, so on two cores the wall time is that of the longer tier.
FAST_TIERS := tests/unit tests/data
test-fast: $(FAST_TIERS:%=test-tier/%) ## Unit and data tests only (the fast tiers, side by side; under a minute)

test-tier/%: $(VENV_STAMP)
	@out=$$(mktemp); rc=0; $(PY) -m pytest $* $(PYTEST_ARGS) > $$out 2>&1 || rc=$$?; \
	  echo "==> pytest $* $(PYTEST_ARGS)"; cat $$out; rm -f $$out; exit $$rc

lint: $(VENV_STAMP) ## ruff (lint and format check) and mypy (types of src/)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy

format: $(VENV_STAMP) ## ruff: fix what can be fixed and reformat
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

bench: $(VENV_STAMP) ## Time cold, no-op, one-data-file and prose-only builds
	$(PY) bench/build_times.py $(BENCH_ARGS)

# uv resolves requirements.in into requirements.txt with every wheel's and sdist's sha256, keeping
# the versions already pinned there (only new packages are resolved; UPGRADE=1 re-resolves all).
# The Python version is the lowest the pinned set supports (soupsieve needs 3.11.5).
LOCK_UV     := uv==0.13.9
LOCK_PYTHON := 3.11.5
UPGRADE     ?=
lock: ## Resolve requirements.in into hash-locked requirements.txt, keeping pins (UPGRADE=1 re-resolves; needs network)
	rm -rf /tmp/neoutflow-lock && $(PYTHON_SYS) -m venv /tmp/neoutflow-lock
	/tmp/neoutflow-lock/bin/pip install --quiet --disable-pip-version-check $(LOCK_UV) 2> >(grep -v "is ignored: it is neither" >&2)
	/tmp/neoutflow-lock/bin/uv pip compile requirements.in --quiet --generate-hashes --python-version $(LOCK_PYTHON) \
	  --custom-compile-command "make lock" $(if $(filter-out 0,$(UPGRADE)),--upgrade) -o requirements.txt
	rm -rf /tmp/neoutflow-lock

clean: ## Remove everything the build writes (build/, data/processed/, _output/, _variables.yml …), keep .venv
	rm -rf build build-hand data/processed _output _variables.yml _availability.yml .quarto
	rm -rf data/.processed-* ._output-* .__output-*

distclean: clean ## Also remove .venv
	rm -rf $(VENV)

endif  # build lock
