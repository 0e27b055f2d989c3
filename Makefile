# Two commands do everything on a fresh machine:
#   make run   - set up what is missing, then serve the atlas with the shipped data on http://127.0.0.1:5000/
#   make test  - set up what is missing (incl. Debian's chromium for browser tests), then run every test
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
HOST   ?= 127.0.0.1
PORT   ?= 5000

.PHONY: run test lint deps browser system postgis serve-prod check-data bench bench-pdf bench-tiles bench-pg loadtest clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.deps: requirements.txt requirements-dev.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

deps: $(VENV)/.deps node_modules/.package-lock.json

# Debian's chromium for the browser tests (Playwright's own browser download does not work offline).
browser:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium fonts-noto-cjk; \
	fi

# What the server itself needs from Debian: a CJK TrueType font for the PDF fact sheets, and pdftotext
# (poppler-utils) with which the tests open those PDFs.
system:
	@if ! fc-list 2>/dev/null | grep -q wqy-microhei || [ ! -x /usr/bin/pdftotext ]; then \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq fonts-wqy-microhei poppler-utils fontconfig; \
	fi

# PostgreSQL + PostGIS from Debian for the tests against the database store (tests/pg.py starts a
# throwaway cluster as the postgres system user; nothing is installed as a service or started here).
postgis:
	@if [ ! -f /usr/share/postgresql/15/extension/postgis.control ] || [ ! -x /usr/lib/postgresql/15/bin/pg_ctl ]; then \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq postgresql-15 postgresql-15-postgis-3; \
	fi

run: deps system
	$(VENV)/bin/flask --app server run --host $(HOST) --port $(PORT)

serve-prod: deps system
	$(VENV)/bin/gunicorn -c deploy/gunicorn.conf.py --workers 2 --threads 4 --bind $(HOST):$(PORT) 'server:create_app()'

check-data: deps
	$(VENV)/bin/flask --app server check-data

# ruff format --check + ruff check (pyproject.toml): CI fails on unformatted or lint-failing code
lint: deps
	$(VENV)/bin/ruff format --check --quiet .
	$(VENV)/bin/ruff check --quiet .

test: deps browser system postgis lint
	$(PY) -m pytest

clean:
	rm -rf $(VENV) node_modules .pytest_cache test-artifacts

# Benchmark against the peers (loopback only, bounded): writes bench/RESULTS.md and bench/results.json
bench: deps browser system
	bash bench/run.sh $(BENCH_ARGS)

# PDF fact sheet render times (in process): replaces its section of bench/RESULTS.md, writes bench/pdf.json
bench-pdf: deps system
	$(PY) -m bench.pdf $(PDF_ARGS)

# Vector-tile timings at 100,000 synthetic features (in process): replaces its section of bench/RESULTS.md
bench-tiles: deps
	$(PY) -m bench.tiles $(TILES_ARGS)

# PostGIS store at 100,000 and 1,000,000 synthetic features: tiles, OGC items vs pygeoapi, worker RSS
bench-pg: deps postgis
	$(PY) -m bench.pg $(PG_ARGS)

# Load test of the production server (gunicorn, 200 connections, 60 s, loopback only): appends to bench/RESULTS.md
loadtest: deps
	.venv/bin/python -m bench.load $(LOAD_ARGS)
