# Ebb & Flow. `make run` and `make test` each work alone on a fresh machine.
VENV   ?= .venv
PYTHON ?= python3
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
# axe-core, which the browser tests inject into Chromium pages (tests/browser/a11y.py), and
# Lighthouse (tests/browser/test_lighthouse.py): pinned in .tools/package-lock.json,
# installed from npm into .tools/node_modules
AXE    := .tools/node_modules/axe-core/axe.min.js
PYTEST_ARGS ?=
PORT ?= 8000

.PHONY: install run test test-fast lint lighthouse bench bench-quick soak clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test,dev]'
	touch $(STAMP)

$(AXE): .tools/package.json .tools/package-lock.json
	npm ci --prefix .tools --no-audit --no-fund --loglevel=error
	touch $(AXE)

install: $(STAMP) $(AXE)

## run: the app on SQLite in ./var/ with the demo couple's year of history
run: install
	$(VENV)/bin/ebbflow demo
	$(VENV)/bin/ebbflow serve --port $(PORT)

## test: the whole suite (SQLite and PostgreSQL; PostgreSQL tests skip locally if it is down,
## and fail under CI=true)
test: install
	$(PY) -m pytest -n auto $(PYTEST_ARGS)

## lint: ruff and mypy strict
lint: install
	$(VENV)/bin/ruff check ledger projections services web bench tests deploy
	$(VENV)/bin/mypy

## lighthouse: Lighthouse (desktop preset, Debian's Chromium) on the landing page and the
## demo couple's home: accessibility 100, best practices and performance >= 95; reports in
## var/screenshots/lighthouse/ (`make test` runs it too)
lighthouse: install
	CHROME_PATH=$${CHROME_PATH:-/usr/bin/chromium} $(PY) -m pytest -p no:cacheprovider $(PYTEST_ARGS) tests/browser/test_lighthouse.py

## bench: every benchmark at full scale (about 15 minutes); writes bench/RESULTS.md.
## Needs wrk (Debian package) and uses the local PostgreSQL when it is up.
bench: install
	$(VENV)/bin/ebbflow bench

## bench-quick: a scaled-down run as a smoke test (CI runs it; nothing asserted)
bench-quick: install
	$(VENV)/bin/ebbflow bench --quick

## soak: the reliability tests (load, killed workers and projector) for a minute each
## instead of CI's few seconds, on SQLite and PostgreSQL
soak: install
	EBBFLOW_SOAK_SECONDS=$${EBBFLOW_SOAK_SECONDS:-60} $(PY) -m pytest -n 2 tests/e2e/test_reliability.py

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache .tools/node_modules
