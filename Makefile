# makemore part 1 — the bigram notebooks.  `make lab` to learn, `make test` to check everything.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
LAB_STAMP := $(VENV)/.installed-lab
# JupyterLab refuses to start as root without --allow-root (CI and our machines run as root).
ROOT_FLAG := $(shell [ "$$(id -u)" = 0 ] && echo --allow-root)
LOCK := requirements-lock.txt
# The notebooks are CPU by design: hide any GPU so a CUDA machine computes exactly what CI does.
CPU_ONLY := CUDA_VISIBLE_DEVICES=
# The browser tests' Chromium: found or installed by tools/chromium.py, passed on by path.
WITH_BROWSER = chrome=$$($(BIN)/python tools/chromium.py) && MAKEMORE_CHROMIUM=$$chrome
# pytest's settings (test paths, nbval's flags and sanitizer, the markers) are pyproject.toml's:
# plain `pytest` runs what `make test` runs. The targets below only select.
PYTEST := $(BIN)/python -m pytest

.PHONY: help setup data site lab test test-fast lint unit notebooks browser stress bench nav lock workbook grade book clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

# A learner's install (`make lab`): the project and what the notebooks use, from the lock.
$(LAB_STAMP): pyproject.toml $(LOCK)
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c $(LOCK) -e .
	@touch $@

# A developer's (`make test`, `make setup`): the learner's plus the dev extra (pytest, ruff, ...).
$(STAMP): $(LAB_STAMP)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c $(LOCK) -e '.[dev]'
	@touch $@

setup: $(STAMP)  ## create .venv and install the project with its dev tools, from the lock

data: $(LAB_STAMP)  ## put a verified data/names.txt in place (offline: MAKEMORE_NAMES=path)
	@$(BIN)/python -m helpers.data

lab: $(LAB_STAMP) data  ## learner's install, then JupyterLab at notebooks/00_index.ipynb (workbook/ beside it)
	$(BIN)/jupyter lab --no-browser $(ROOT_FLAG) --ServerApp.root_dir=. \
		--LabApp.default_url=/lab/tree/notebooks/00_index.ipynb

lint: setup  ## ruff over everything (notebooks and workbook/ too), mypy over the code
	$(BIN)/ruff check .
	$(BIN)/ruff format --check helpers tests tools benchmarks
	$(BIN)/python -m mypy

# The web edition from the committed notebooks (no zip) for the tests that read it: built again
# only when something it is built from has changed (tools/book.py INPUTS, hashed).
site: setup data  ## build book/ for the tests (as `make book`, without the zip) if an input changed
	$(CPU_ONLY) $(BIN)/python tools/book.py --no-zip --if-changed

# What the tests need built first.
TEST_INPUTS := setup data site

test: $(TEST_INPUTS) lint  ## everything: lint, unit tests, the browser tests, every notebook under nbval
	@$(WITH_BROWSER) $(BIN)/python tools/parts.py test $(TEST_ARGS)

test-fast: $(TEST_INPUTS) lint  ## quick loop: unit tests beside the notebooks (no browser, no answer corpus)
	$(BIN)/python tools/parts.py fast $(FAST_ARGS)

unit: setup data  ## unit tests only (no notebooks, no browser)
	$(PYTEST) tests -m 'not browser'

notebooks: setup data  ## nbval on the notebooks only
	$(PYTEST) notebooks

browser: $(TEST_INPUTS)  ## the JupyterLab + Chromium tests only
	@$(WITH_BROWSER) $(PYTEST) tests -m browser

stress: $(TEST_INPUTS)  ## the whole suite as one plain pytest, corpus computed in full, while every core is kept busy (STRESS_ARGS=... to select)
	@$(WITH_BROWSER) $(BIN)/python tools/stress.py -- -p no:cacheprovider $(STRESS_ARGS)

bench: setup data  ## benchmarks, as ratios to the lesson's way; explorers timed in the page; -> docs/figures.md
	$(BIN)/python benchmarks/run.py --write
	@$(WITH_BROWSER) $(BIN)/python benchmarks/browser.py --write

nav: setup  ## regenerate the navigation cells, the index notebook and the README table
	$(BIN)/python tools/nav.py

book: setup data  ## build book/ (the web edition: no network to view, interactives live) and dist/*.zip; needs npm
	$(CPU_ONLY) $(BIN)/python tools/book.py

workbook: setup  ## mark the blanks in the notebooks, regenerate workbook/ from helpers/checks/
	$(BIN)/python tools/workbook.py --mark

grade: setup  ## grade a folder of returned workbooks: make grade DIR=returned/ (CSV: grades.csv)
	$(BIN)/python tools/grade.py $(DIR) --csv grades.csv

lock: setup  ## re-resolve requirements-lock.txt and environment.yml from pyproject.toml (needs the index)
	$(BIN)/python tools/lock.py

clean:  ## remove the virtual environment and caches (keeps data/names.txt)
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis artifacts web/node_modules book build dist
