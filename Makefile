# The front door. `make` alone lists the targets; every variable can be overridden:
#   make all PYTHON=python3.12     make test PYTEST_ARGS="-k check"
PYTHON ?= python3
VENV ?= .venv
PUBLISH_ARGS ?=
PYTEST_ARGS ?=
BENCH_ARTICLES ?= 100
BENCH_RUNS ?= 3
export BENCH_ARTICLES BENCH_RUNS
# Debian packages the pipeline needs: WeasyPrint's text stack and fast font subsetter,
# fonts, Java for EPUBCheck, poppler for looking at PDF pages, Chromium for the browser tests,
# Ghostscript's ICC profiles (libgs-common): the press files' default CMYK profile; and liblouis with
# its tables and Python binding, for the braille files.
SYSTEM_PACKAGES ?= libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core libgs-common \
	fonts-liberation2 fonts-noto-core fonts-noto-cjk fontconfig default-jre-headless poppler-utils chromium \
	liblouis20 liblouis-data python3-louis

BIN := $(VENV)/bin
PUBLISH := $(BIN)/publish
INSTALLED := $(VENV)/.installed
# Ace by DAISY and the Nu HTML Checker, from npm with install scripts off: nothing downloads a
# browser or a Java runtime (Ace drives Debian's Chromium, the checker runs on Debian's Java).
TOOLS_INSTALLED := tools/node_modules/.installed
# liblouis's Python binding (one ctypes module over liblouis20) comes only with Debian's
# python3-louis, for Debian's Python: linked into the environment, as no wheel of it exists.
LOUIS ?= /usr/lib/python3/dist-packages/louis
LOUIS_LINKED := $(VENV)/.louis-linked

.DEFAULT_GOAL := help
.PHONY: help all setup system-packages check build verify lint test quick bench clean

help: ## Show this help
	@echo "Targets:"
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | awk -F'\t' '{printf "  make %-16s %s\n", $$1, $$2}'

all: setup check build verify ## Set up if needed, then check, build and verify everything

setup: system-packages $(INSTALLED) $(LOUIS_LINKED) $(TOOLS_INSTALLED) ## Install system packages (as root), the Python environment and the checkers

system-packages:
	@VENV="$(VENV)" scripts/system-packages.sh $(SYSTEM_PACKAGES)

$(INSTALLED): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $@

$(LOUIS_LINKED): $(INSTALLED)
	ln -sfn $(LOUIS) "$$($(BIN)/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')/louis"
	$(BIN)/python -c 'import louis; louis.version()'
	@touch $@

$(TOOLS_INSTALLED): tools/package.json tools/package-lock.json
	@command -v npm >/dev/null || scripts/system-packages.sh nodejs npm
	cd tools && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	@touch $@

check: setup ## Validate the manuscripts and publication.yaml
	$(PUBLISH) check $(PUBLISH_ARGS)

build: setup ## Build web, PDF and EPUB into output/
	$(PUBLISH) build $(PUBLISH_ARGS)

verify: setup ## Prove that the formats agree
	$(PUBLISH) verify $(PUBLISH_ARGS)

lint: setup ## ruff, and import-linter's contract that imports point down the stages (pyproject.toml)
	$(BIN)/ruff check .
	$(BIN)/lint-imports

test: lint ## Run the linters and the test suite
	$(BIN)/python -m pytest $(PYTEST_ARGS)

quick: lint ## Run the linters and the tests that are not marked slow (the external checkers), while you work
	$(BIN)/python -m pytest -m "not slow" $(PYTEST_ARGS)

bench: setup ## Time our build against the plain toolchain (BENCH_ARTICLES, BENCH_RUNS, BENCH_JOBS)
	$(BIN)/python tests/benchmarks/bench.py

clean: ## Empty output/
	@if [ -x $(PUBLISH) ]; then $(PUBLISH) clean; else rm -rf output/*; fi
