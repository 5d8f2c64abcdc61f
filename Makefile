# Two commands do everything on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Browser tests drive Debian's chromium through Playwright (no browser download); installed here when missing.
CHROMIUM := /usr/bin/chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: demo test test-fast lint typecheck bench install clean postgres-binaries

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# `make demo PORT=8701` when 8700 is taken.
PORT ?= 8700
demo: $(STAMP)
	$(BIN)/tether demo --port $(PORT)

$(CHROMIUM):
	$(SUDO) apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends chromium

# The docs' curl walk-through (docs/server.md, run by tests/docs) reads ids with jq.
JQ := /usr/bin/jq
$(JQ):
	$(SUDO) apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends jq

# The PostgreSQL tests start a private server from Debian's binaries (tests/postgres.py); install them if missing.
postgres-binaries:
	@ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends postgresql; }

# The suite runs on TEST_JOBS processes (pytest-xdist; each worker has its own PostgreSQL server and files).
TEST_JOBS ?= 2
PYTEST := $(BIN)/pytest -n $(TEST_JOBS) --dist worksteal

test: $(STAMP) $(CHROMIUM) $(JQ) postgres-binaries
	$(PYTEST)

# The fast tier, for the edit-test loop (under a minute): no PostgreSQL, browser, extra processes or slow tests.
# `make test` runs everything and is what CI runs.
test-fast: $(STAMP)
	$(PYTEST) -m "not (postgres or browser or subprocess or slow)"

lint: $(STAMP)
	$(BIN)/ruff check tether tests bench examples
	$(BIN)/ruff format --check tether tests bench examples

typecheck: $(STAMP)
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) tether.db tether.db-* .pytest_cache .mypy_cache .ruff_cache
