# The Campaign Manager's commands. On a fresh Debian 12 machine two are enough:
#   make run    installs what is missing, migrates, loads demo data, starts web + worker + simulator
#   make test   installs what is missing, lints, runs the tests on SQLite and PostgreSQL (+ Redis)
# make test-fast is the everyday loop: SQLite only, no lint, without the slow tests.
# Everything runs with the virtualenv's Python (.venv), made by scripts/bootstrap.sh.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

PYTHON := .venv/bin/python
# Extra pytest arguments, e.g. make test PYTEST_ARGS="-k rules -x"
PYTEST_ARGS ?=
PYTEST := $(PYTHON) -m pytest -p no:cacheprovider $(PYTEST_ARGS)

# Lint, tests and benchmarks run with DEBUG=true on the embedded defaults in a throw-away
# CM_VAR_DIR: a developer's var/ and DATABASE_URL are left alone.
TEMP_VAR := scripts/with-temp-var.sh
WITH_POSTGRES := scripts/with-postgres.sh
# A throw-away Redis (REDIS_URL) for the PostgreSQL pass, where the real Celery worker
# test runs (tests/uccx_integration/test_celery_e2e.py).
WITH_REDIS := scripts/with-redis.sh

# make fuzz: examples per API operation, and the seed (a new one each run unless given).
FUZZ_EXAMPLES ?= 300
ifndef FUZZ_SEED
FUZZ_SEED := $(shell date +%s)
endif

.PHONY: help bootstrap run test test-fast lint bench fuzz audit clean

help:
	@echo "make run    install what is missing, migrate, load demo data, start the web server, the Celery"
	@echo "            worker and the UCCX simulator: http://127.0.0.1:8000/admin/"
	@echo "make test   install what is missing, lint, run the tests on SQLite and on PostgreSQL (+ Redis)"
	@echo "make test-fast  the everyday loop: install what is missing, run the tests on SQLite"
	@echo "            without the slow ones (-m \"not slow\": browser, processes, fuzz, Celery,"
	@echo "            reliability); no lint, no PostgreSQL. make test stays the full gate"
	@echo "make lint   ruff check, ruff format --check, mypy, manage.py check, makemigrations --check"
	@echo "make bench  run every bench/*.py"
	@echo "make fuzz   fuzz every API operation from its OpenAPI document (schemathesis, a few"
	@echo "            minutes; FUZZ_EXAMPLES=$(FUZZ_EXAMPLES), FUZZ_SEED=<n> repeats a run)"
	@echo "make audit  bandit on the apps (accepted findings: docs/bandit-baseline.json) and"
	@echo "            pip-audit on both requirements files (needs PyPI's advisory data)"
	@echo "make clean  remove var/ and .venv"

bootstrap:
	@scripts/bootstrap.sh

lint: bootstrap
	@echo "== lint"
	$(PYTHON) -m ruff check .
	$(PYTHON) -m ruff format --check .
	$(TEMP_VAR) $(PYTHON) -m mypy campaign_manager ops scheduling callbacks uccx_integration reporting
	$(TEMP_VAR) $(PYTHON) manage.py check
	$(TEMP_VAR) $(PYTHON) manage.py makemigrations --check --dry-run

test: bootstrap lint
	@echo "== tests on SQLite"
	$(TEMP_VAR) $(PYTEST)
	@echo "== tests on PostgreSQL $$($(WITH_POSTGRES) --version) with Redis"
	$(TEMP_VAR) $(WITH_POSTGRES) $(WITH_REDIS) $(PYTEST)

# The everyday loop: SQLite only, the slow tests (marked in tests/conftest.py) left out.
test-fast: bootstrap
	@echo "== fast tests on SQLite (-m 'not slow')"
	$(TEMP_VAR) $(PYTEST) -m "not slow"

# Web server, Celery worker with beat, and the UCCX simulator under one supervisor
# (honcho, Procfile); see scripts/run-demo.sh.
run: bootstrap
	@scripts/run-demo.sh

bench: bootstrap
	@shopt -s nullglob; \
	scripts=(bench/*.py); \
	if [ $${#scripts[@]} -eq 0 ]; then echo "no bench/*.py yet"; fi; \
	for script in "$${scripts[@]}"; do \
		echo "== $$script"; \
		DJANGO_SETTINGS_MODULE=campaign_manager.settings $(TEMP_VAR) $(PYTHON) "$$script"; \
	done

# The fuzz test of the normal suite, with the coverage phase and many more examples.
fuzz: bootstrap
	@echo "== fuzzing the API: $(FUZZ_EXAMPLES) examples per operation, seed $(FUZZ_SEED)"
	$(TEMP_VAR) env FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) FUZZ_SEED=$(FUZZ_SEED) \
		FUZZ_PHASES=examples,coverage,fuzzing $(PYTEST) -s tests/hardening/test_fuzz_api.py

# bandit first (offline); pip-audit --strict fails when a package could not be checked,
# instead of reporting "no known vulnerabilities" for packages it never looked up.
audit: bootstrap
	@echo "== bandit"
	$(PYTHON) -m bandit -q -c pyproject.toml -b docs/bandit-baseline.json \
		-r campaign_manager ops callbacks scheduling uccx_integration reporting
	@echo "== pip-audit"
	$(PYTHON) -m pip_audit --strict --progress-spinner off -r requirements.txt -r requirements-dev.txt

clean:
	rm -rf var .venv
