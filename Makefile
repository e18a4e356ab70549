# The two commands of the README: `make run` and `make test`. Each sets up what it needs first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
# `make test` runs the suite a second time on this PostgreSQL server (PG_TEST_ARGS="-m database" for only
# the tests that touch the database).
PG_TEST_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
PG_TEST_ARGS ?=
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: setup browser run test lint

# The virtual environment with the app and its test tools, rebuilt when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

setup: $(VENV)/.installed

# Debian's Chromium for the browser tests (Playwright cannot download its own browser here).
browser:
	@command -v chromium >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium; }

run: setup
	$(BIN)/quizapp init-db
	@echo ""
	@echo "  quizapp is running at http://$(HOST):$(PORT)/   (Ctrl+C stops it)"
	@echo ""
	$(BIN)/quizapp run --host $(HOST) --port $(PORT)

# The suite on SQLite, then the suite again on PostgreSQL (a schema per test in PG_TEST_URL's
# database). Without a server there, the database tests of the second run are skipped, saying why.
test: setup browser
	$(BIN)/ruff check .
	@echo "== the whole suite on SQLite =="
	$(BIN)/python -m pytest
	@echo "== the whole suite again on PostgreSQL: $(PG_TEST_URL) =="
	TEST_DATABASE_URL='$(PG_TEST_URL)' $(BIN)/python -m pytest $(PG_TEST_ARGS) || [ $$? -eq 5 ]

lint: setup
	$(BIN)/ruff check .
