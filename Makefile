# Haven: the two commands are `make run` and `make test`. Everything they need is installed
# here when missing, so a fresh Debian 12 machine needs nothing done by hand.

SHELL := /bin/bash
.DEFAULT_GOAL := help

UV_VERSION := 0.13.8
UV := $(shell command -v uv 2>/dev/null || echo $(CURDIR)/.tools/bin/uv)
VENV := .venv
PY := $(VENV)/bin/python
HAVEN := $(VENV)/bin/haven
TRANSLATIONS := haven/translations
PO := $(wildcard $(TRANSLATIONS)/*/LC_MESSAGES/messages.po)
MO := $(PO:.po=.mo)
DEMO_KEY := $(CURDIR)/.demo-keys/demo.key
export HAVEN_DATABASE_URL ?= sqlite+pysqlcipher:///$(CURDIR)/var/haven.db
# Where `make run` serves: `make run PORT=8080` (or HAVEN_PORT / HAVEN_HOST, as `haven serve`
# reads them); `haven serve` prints the address it listens on.
PORT ?= $(or $(HAVEN_PORT),8000)
HOST ?= $(or $(HAVEN_HOST),127.0.0.1)


.PHONY: help run test lint format deps deps-system deps-system-run deps-python deps-node messages extract-messages \
	test-fast fuzz openapi bench bench-crossing bench-allowances bench-import bench-import-job bench-matching bench-matching-1m bench-load bench-scale bench-sync clean

help:
	@echo "make run    install what is missing, create the demo database, serve on http://$(HOST):$(PORT) (make run PORT=8080)"
	@echo "make test   install what is missing, lint, and run the whole suite (both databases, browser)"
	@echo "make lint   ruff check, ruff format --check, mypy --strict, import-linter contracts"

deps: deps-system-run deps-python deps-node messages

# --- system packages (apt, as root) ---------------------------------------------------------
deps-system-run:
	@bash scripts/install-system-deps.sh run

deps-system:
	@bash scripts/install-system-deps.sh test

# --- Python (uv + uv.lock) ------------------------------------------------------------------
$(CURDIR)/.tools/bin/uv:
	python3 -m venv .tools
	.tools/bin/pip install --quiet "uv==$(UV_VERSION)"

# The packages' bytecode is compiled once here: a process that finds none compiles every
# module it imports (with PYTHONDONTWRITEBYTECODE, set on some machines, every test process
# and every server a test starts would compile fastapi, sqlalchemy, pydantic... again).
$(VENV)/.synced: pyproject.toml uv.lock | $(UV)
	env -u PYTHONDONTWRITEBYTECODE $(UV) sync --frozen --compile-bytecode
	@touch $@

deps-python: $(VENV)/.synced

# --- front-end assets (npm + package-lock.json) ---------------------------------------------
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts
	@touch $@

deps-node: node_modules/.installed

# --- translations (Babel) -------------------------------------------------------------------
%.mo: %.po $(VENV)/.synced
	$(VENV)/bin/pybabel compile --use-fuzzy -d $(TRANSLATIONS) -D messages -i $< -o $@ --statistics

messages: $(MO)

extract-messages: deps-python
	$(VENV)/bin/pybabel extract -F babel.cfg -k N_ -k NC_:1c,2 -k pgettext:1c,2 -k npgettext:1c,2,3 -o $(TRANSLATIONS)/messages.pot --no-location --sort-output haven
	$(VENV)/bin/pybabel update -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS) -D messages --no-fuzzy-matching

# --- the two commands -----------------------------------------------------------------------
run: export HAVEN_KEY_FILE ?= $(DEMO_KEY)
run: deps
	@mkdir -p -m 700 var && chmod 700 var
	@if [ -f var/haven.db ] && [ "$$(head -c 15 var/haven.db)" = "SQLite format 3" ]; then \
		mv var/haven.db var/haven.unencrypted-old.db; rm -f var/haven.db-wal var/haven.db-shm; \
		echo "Moved the old unencrypted demo database aside to var/haven.unencrypted-old.db."; \
	fi
	@if [ "$$HAVEN_KEY_FILE" = "$(DEMO_KEY)" ]; then \
		[ -f "$(DEMO_KEY)" ] || $(HAVEN) keys init "$(DEMO_KEY)" > /dev/null || exit 1; \
		echo "DEMO KEY — for demonstration only: $(DEMO_KEY) (kept out of var/, never beside the database)."; \
	fi
	$(HAVEN) db upgrade
	$(HAVEN) demo --if-empty
	@echo
	@echo "Log in as 'registrar' or 'caseworker' with the demo password 'haven-demo-passphrase'."
	@echo "Privileged demo users (admin, vetting, vetting2, finance, finance2, pow, negotiator, manager,"
	@echo "manager2, auditor) also need a code from an authenticator app set up with the demo key"
	@echo "HAVENDEMOSECRETFORDEMONSTRATIONX. Every demo account and its use: README.md."
	@echo "Demo data, password and keys: for demonstration only."
	@echo
	$(HAVEN) serve --host $(HOST) --port $(PORT)

# Install, lint, then the whole suite in one pytest run: one worker per core (pytest-xdist),
# each with its own databases, PostgreSQL cluster and browser-test server; random order
# (pytest-randomly: the seed is printed; PYTEST_ARGS="-p randomly --randomly-seed=N" replays
# it). Prints the time of each stage.
test:
	@MAKE="$(MAKE)" bash scripts/test-stages.sh

# The committed OpenAPI snapshot (docs/openapi.json), after a change to the API: bump
# haven.web.openapi.API_VERSION as its policy says, then run this.
openapi: deps-python
	PYTHONPATH=. $(PY) scripts/openapi.py

fuzz: deps
	HAVEN_FUZZ_EXAMPLES=1000 HAVEN_TEST_DATABASES=sqlite $(VENV)/bin/pytest -q tests/test_fuzz.py

test-fast: deps
	HAVEN_TEST_DATABASES=sqlite $(VENV)/bin/pytest -x -q -m "not browser"

lint: deps-system-run deps-python
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	PYTHONPATH=$(CURDIR) $(VENV)/bin/lint-imports --no-cache

format: deps-system-run deps-python
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# --- benchmarks (not part of `make test`; figures go to docs/benchmarks.md) --------------------
bench: bench-crossing bench-allowances bench-matching bench-import

bench-crossing: deps
	$(PY) -m bench.crossing

bench-allowances: deps
	$(PY) -m bench.allowances

bench-import: deps
	$(PY) -m bench.importing

bench-matching: deps
	$(PY) -m bench.matching --records 100000

bench-matching-1m: deps
	$(PY) -m bench.matching --records 1000000

# A 5,000-row import as a job through the real server, another user served meanwhile.
bench-import-job: deps
	$(PY) -m bench.import_job

# Synchronisation: 10,000 registrations at a field node, bytes per person and the time to apply
# them at headquarters (SQLCipher; BENCH_SYNC_ARGS="--postgres" for PostgreSQL at headquarters).
bench-sync: deps
	$(PY) -m bench.bench_sync $(BENCH_SYNC_ARGS)

bench-scale: deps
	$(PY) -m bench.scale --people 100000

# Load test: 50 users (registrars, case workers, finance officers) for 10 minutes against a real
# server on loopback (Locust); BENCH_LOAD_ARGS="--users 5 --minutes 1" for a short run.
bench-load: deps
	$(PY) -m bench.load $(BENCH_LOAD_ARGS)

clean:
	rm -rf $(VENV) .tools node_modules .pytest_cache .mypy_cache .ruff_cache
