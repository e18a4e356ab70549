# The two commands of the README: `make run` and `make test`. Each sets up what it needs first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
# `make test` runs the database tests a second time on this PostgreSQL server (PG_TEST_ARGS= for the whole
# suite there too).
PG_TEST_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
PG_TEST_ARGS ?= -m database
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: setup setup-test setup-bench browser run test lint bench-quick

# The virtual environment (Debian: `apt-get install python3-venv` first), rebuilt when pyproject.toml changes:
# the app and what it needs to run for `make run`; the test tools (the `test` extra) too for `make test`.
$(BIN)/python:
	$(PYTHON) -m venv $(VENV) || { rm -rf $(VENV); echo "Creating $(VENV) failed: on Debian or Ubuntu," \
		"install python3-venv first (sudo apt-get install python3-venv)."; exit 1; }
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed-app: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed-app

$(VENV)/.installed-bench: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	touch $@ $(VENV)/.installed-app

setup: $(VENV)/.installed-app

setup-test: $(VENV)/.installed-test

setup-bench: $(VENV)/.installed-bench

# Debian's Chromium for the browser tests (Playwright cannot download its own browser here), without the
# recommended packages (which would pull in and upgrade a hundred more, systemd among them).
browser:
	@command -v chromium >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && \
		$(SUDO) apt-get install -y -qq --no-install-recommends chromium; }

# gunicorn with 2 workers per CPU + 1 (at most 8; WORKERS=N to choose); Ctrl+C stops it.
# `$(BIN)/quizapp run --dev` is the development server with its reloader.
WORKERS ?=
run: setup
	$(BIN)/quizapp init-db
	@echo ""
	@echo "  quizapp is running at http://$(HOST):$(PORT)/   (Ctrl+C stops it)"
	@echo ""
	$(BIN)/quizapp run --host $(HOST) --port $(PORT) $(if $(WORKERS),--workers $(WORKERS))

# The suite on SQLite, then the database tests again on PostgreSQL (a schema per test in PG_TEST_URL's
# database). Without a server there, the second run skips them, saying why; PG_TEST_URL= leaves it out.
test: setup-test browser
	$(BIN)/ruff check .
	$(BIN)/mypy
	@echo "== the whole suite on SQLite, with line coverage of quizapp/core (at least 95 %) =="
	$(BIN)/python -m pytest --cov --cov-report=term
ifeq ($(strip $(PG_TEST_URL)),)
	@echo "== no PostgreSQL pass: PG_TEST_URL is empty =="
else
	@echo "== again on PostgreSQL ($(or $(PG_TEST_ARGS),the whole suite)): $(PG_TEST_URL) =="
	TEST_DATABASE_URL='$(PG_TEST_URL)' $(BIN)/python -m pytest $(PG_TEST_ARGS) || [ $$? -eq 5 ]
endif

lint: setup-test
	$(BIN)/ruff check .

# Every benchmark's --quick smoke run, one after the other, in under two minutes on this 2-core machine
# (benchmarks/README.md has the figure). They print figures and assert nothing; pages.py installs wrk if
# missing. pages.py measures one connection level here (32) to keep within the two minutes.
BENCH_QUICK := generation.py testwise.py import_gift.py scaling.py inprocess.py "pages.py --connections 32" load.py
bench-quick: setup-bench
	@start=$$(date +%s); for bench in $(BENCH_QUICK); do \
		echo "== benchmarks/$$bench --quick"; one=$$(date +%s); \
		$(BIN)/python benchmarks/$$bench --quick || exit 1; \
		echo "== benchmarks/$$bench --quick: $$(( $$(date +%s) - one )) s"; \
	done; echo "== bench-quick: every benchmark's quick mode in $$(( $$(date +%s) - start )) s" \
		"(load average $$(cut -d' ' -f1-3 /proc/loadavg))"
