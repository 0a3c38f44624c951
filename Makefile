# Two commands a new user needs: `make serve` and `make test`. Every target installs what it
# needs from pinned files (requirements.txt, package-lock.json) on first use.

PYTHON  ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
PY      := $(BIN)/python
CMS_DIR ?= ../shared/cms
PORT    ?= 8000

# MkDocs 1.6 prints a banner about a future version on every build; it says nothing about ours.
export NO_MKDOCS_2_WARNING := 1

VENV_STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed
WHEELS_DIR := .cache/pyodide-wheels
WHEELS_STAMP := $(WHEELS_DIR)/.installed

.PHONY: all site serve dev test test-calc test-pyodide test-content test-site test-browser \
        lint typecheck validate rules import chromium bench clean

all: site

$(VENV_STAMP): requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --no-deps -r requirements.txt
	touch $@

$(NODE_STAMP): package-lock.json
	npm ci --no-audit --no-fund
	touch $@

# Pure-Python wheels that the Pyodide test run loads (pytest and hypothesis with their
# dependencies), at the versions pinned in requirements.txt.
$(WHEELS_STAMP): requirements.txt | $(VENV_STAMP)
	mkdir -p $(WHEELS_DIR)
	$(PY) -m tools.pyodide_wheels requirements.txt $(WHEELS_DIR)
	touch $@

# Debian's Chromium for the browser tests (browser downloads do not work on these machines).
chromium:
	@test -x /usr/bin/chromium || (apt-get update && apt-get install -y chromium)

# Import CMS downloads as published (RVU zips, the ZIP-code zip, practitioner MUE and PTP files;
# zips or their files) into calc/data: all checked first, then swapped in whole; prints what
# changed from the previous release. A refusal names file, row and problem and changes nothing.
import: $(VENV_STAMP)
	$(PY) -m tools.import_cms --cms-dir $(CMS_DIR) --out calc/data

# Compile each code's unit rule from content/ into calc/data/unit_rules.json.
rules: $(VENV_STAMP)
	$(PY) -m tools.compile_rules

validate: $(VENV_STAMP)
	$(PY) -m tools.content validate

# All or nothing (tools/build_site.py): the unit rules, the wheel and the strict build are made
# in a scratch copy of the project and moved into place only when all of them succeeded, so a
# failed build leaves calc/data/unit_rules.json, build/wheel and site/ exactly as they were.
site: $(VENV_STAMP) $(NODE_STAMP)
	$(PY) -m tools.build_site

serve: site
	$(PY) -m tools.serve --port $(PORT) --directory site

# Live preview for authors: rebuilds when content/, calc/, macros/, docs/ or overrides/ change
# and reloads the page (tools/dev.py; bench/dev.py measures a rebuild).
dev: $(VENV_STAMP) $(NODE_STAMP)
	$(PY) -m tools.dev --port $(PORT)

# Lint and format check over the whole repository (config: [tool.ruff] in pyproject.toml).
lint: $(VENV_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Every Python package and script the project runs: calc, the site build, the tools (named
# from the repository root: tools/dev.py imports tools.compile_rules).
typecheck: $(VENV_STAMP)
	$(BIN)/mypy --strict --explicit-package-bases calc macros tools

test-calc: $(VENV_STAMP)
	$(BIN)/pytest -q tests/calc tests/importer --doctest-modules calc

test-pyodide: $(VENV_STAMP) $(NODE_STAMP) $(WHEELS_STAMP)
	node tools/pyodide_pytest.mjs

test-content: $(VENV_STAMP)
	$(BIN)/pytest -q tests/content

test-site: $(VENV_STAMP) $(NODE_STAMP)
	$(BIN)/pytest -q tests/site

test-browser: site chromium
	$(BIN)/pytest -q tests/browser

test: lint typecheck test-calc test-content test-pyodide test-site test-browser

bench: site chromium
	$(PY) bench/calc_handle.py
	node bench/calc_handle_pyodide.mjs
	$(PY) bench/build.py
	$(PY) bench/dev.py
	$(PY) bench/browser.py

clean:
	rm -rf site build .cache
