# procure — run `make help` for the targets.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.DEFAULT_GOAL := help
.PHONY: help setup system-packages demo serve test test-quick lint bench clean catalogs

help: ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-16s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "procure needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP) ## Create the virtualenv and install procure with its dev tools

system-packages: ## Install Pango, HarfBuzz subset, CJK fonts and Chromium (as root), or name them
	@bash .ci/system-packages.sh

demo: system-packages setup ## Run the Siming District 2019 demo on a fresh SQLite database
	$(BIN)/procure demo --dir procure-demo

DEMO_DB := procure-demo/demo.db

serve: setup ## Serve the demo database at http://127.0.0.1:8000 (runs the demo first if it is missing)
	@test -f $(DEMO_DB) || $(MAKE) --no-print-directory demo
	$(BIN)/procure --db sqlite:///$(DEMO_DB) serve

TEST_WORKERS ?= 2
# A module runs whole on one worker (its module fixtures are built once), modules are handed
# out in collection order: the slow tiers first (e2e, integration), the many quick unit
# modules last, so both workers end together. (xdist's default order, by test count, left
# the few-test slow modules, the browser's and the killed jobs', for the end.)
XDIST := -n $(TEST_WORKERS) --dist loadscope --no-loadscope-reorder
# pytest keeps each test module's rewritten asserts as bytecode beside it, unless the
# environment says PYTHONDONTWRITEBYTECODE: then every worker rewrites and compiles all 200
# modules again on each run (some 13 CPU seconds a worker). The test targets write it.
PYTEST := PYTHONDONTWRITEBYTECODE= $(BIN)/python -m pytest

test: system-packages setup ## Run the whole test suite on two workers, TEST_WORKERS=2 (PostgreSQL too when PROCURE_TEST_POSTGRES_URL is set)
	$(PYTEST) $(XDIST)

test-quick: setup ## The inner loop: unit tests and the integration tests on SQLite (no PostgreSQL, CLI or browser)
	$(PYTEST) $(XDIST) tests/integration tests/unit -m "not postgres"

lint: setup ## ruff, mypy, and the house drawn from the imports (no circle, no upward import)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/python -m pytest -q -p no:cacheprovider tests/unit/test_house.py

BENCH_FLAGS ?=

bench: setup ## Run the benchmarks under bench/, a one-screen summary (BENCH_FLAGS=--quick: small sizes; all output in bench.log)
	$(BIN)/python bench/summary.py $(BENCH_FLAGS)

clean: ## Remove the virtualenv, caches and demo output
	rm -rf $(VENV) procure-demo .pytest_cache .mypy_cache .ruff_cache bench.log

catalogs: setup ## Extract the marked messages (locale/procure.pot) and fold each language's translations into its procure.po
	$(BIN)/python -m procure.domain.catalogs
