# Kompetensgrafen — everyday targets. `make run` and `make test` set everything up themselves.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STORE  ?= var/store
HOST   ?= 127.0.0.1
PORT   ?= 5000
# serving processes for `make run`: 0 = one per CPU core (granian; 1 = waitress, and always 1 with updates on)
PROCESSES ?= 0

.PHONY: setup setup-python setup-node setup-browser setup-virtuoso build validate stats run serve test test-fast lint bench bench-load bench-sparql bench-catalogue clean

setup: setup-python setup-node

setup-python: $(VENV)/.stamp-installed
$(VENV)/.stamp-installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=25.1"
	$(BIN)/python -m pip install --quiet -e . --group dev
	touch $@

# Front-end packages from npm, pinned by package-lock.json, served locally (no CDN).
setup-node: node_modules/.stamp-installed
node_modules/.stamp-installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Debian's Chromium for the browser tests (Playwright cannot download browsers here).
setup-browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium; }

# Debian's OpenLink Virtuoso for the remote-backend tests. The tests start their own instances on
# loopback (tests/engines.py); the package's own service stays off (its postinst stops a server
# that still has the default password, and containers' policy-rc.d forbids starting one).
setup-virtuoso:
	@command -v virtuoso-t >/dev/null 2>&1 || { \
	  echo "Installing Debian's virtuoso-opensource for the remote-backend tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    --no-install-recommends virtuoso-opensource; }

build: setup
	$(BIN)/kompetensgraf build --store $(STORE)

validate: setup
	$(BIN)/kompetensgraf validate

stats: setup
	$(BIN)/kompetensgraf stats --store $(STORE)

# The main job: build the graph, then serve it on http://$(HOST):$(PORT)/ with the embedded store.
run: build
	$(BIN)/kompetensgraf serve --store $(STORE) --host $(HOST) --port $(PORT) --processes $(PROCESSES)

test: setup setup-browser setup-virtuoso lint
	$(BIN)/python -m pytest

test-fast: setup
	$(BIN)/python -m pytest -m "not server and not browser and not slow"

lint: setup
	$(BIN)/ruff check graph service tests benchmarks

# The whole benchmark, one command: loading and validating a researcher's file beside
# `oxigraph load`, the SPARQL mix beside Oxigraph server (12k project quads and 1M synthetic),
# and each catalogue query's time bound and unbound (README: "Performance").
bench: bench-load bench-sparql bench-catalogue

bench-load: setup
	$(BIN)/python benchmarks/bench_load.py

bench-sparql: setup
	$(BIN)/python benchmarks/bench_sparql.py

# each catalogue query's time, with its default parameters and unbound
bench-catalogue: build
	$(BIN)/python benchmarks/bench_catalogue.py --store $(STORE)

clean:
	rm -rf var .pytest_cache .ruff_cache
