# The Campaign Manager's commands. On a fresh Debian 12 machine two are enough:
#   make run    installs what is missing, migrates, loads demo data, serves the admin
#   make test   installs what is missing, lints, runs the tests on SQLite and PostgreSQL
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

.PHONY: help bootstrap run test lint bench clean

help:
	@echo "make run    install what is missing, migrate, load demo data, serve http://127.0.0.1:8000/admin/"
	@echo "make test   install what is missing, lint, run the tests on SQLite and on PostgreSQL"
	@echo "make lint   ruff check, ruff format --check, mypy, manage.py check, makemigrations --check"
	@echo "make bench  run every bench/*.py"
	@echo "make clean  remove var/ and .venv"

bootstrap:
	@scripts/bootstrap.sh

lint: bootstrap
	@echo "== lint"
	$(PYTHON) -m ruff check .
	$(PYTHON) -m ruff format --check .
	$(TEMP_VAR) $(PYTHON) -m mypy campaign_manager scheduling callbacks uccx_integration reporting
	$(TEMP_VAR) $(PYTHON) manage.py check
	$(TEMP_VAR) $(PYTHON) manage.py makemigrations --check --dry-run

test: bootstrap lint
	@echo "== tests on SQLite"
	$(TEMP_VAR) $(PYTEST)
	@echo "== tests on PostgreSQL $$($(WITH_POSTGRES) --version)"
	$(TEMP_VAR) $(WITH_POSTGRES) $(PYTEST)

run: bootstrap
	@export DEBUG=true; \
	echo "$(PYTHON) manage.py migrate --noinput"; \
	$(PYTHON) manage.py migrate --noinput; \
	echo "$(PYTHON) manage.py seed_demo --demo"; \
	$(PYTHON) manage.py seed_demo --demo; \
	keys="$${CM_VAR_DIR:-var}/demo-api-keys.txt"; \
	echo; \
	echo "=================================================================="; \
	echo " Campaign Manager: http://127.0.0.1:8000/admin/"; \
	echo "   login: admin / password: admin"; \
	echo " Check a time: http://127.0.0.1:8000/admin/scheduling/skill/check-time/"; \
	echo " API docs:     http://127.0.0.1:8000/api/docs/"; \
	echo " Demo API keys ($$keys):"; \
	sed 's/^/   /' "$$keys"; \
	echo "   curl -H \"Authorization: Api-Key <gadget key>\" http://127.0.0.1:8000/api/v1/config"; \
	echo " (Ctrl-C stops the server)"; \
	echo "=================================================================="; \
	echo; \
	exec $(PYTHON) manage.py runserver 127.0.0.1:8000

bench: bootstrap
	@shopt -s nullglob; \
	scripts=(bench/*.py); \
	if [ $${#scripts[@]} -eq 0 ]; then echo "no bench/*.py yet"; fi; \
	for script in "$${scripts[@]}"; do \
		echo "== $$script"; \
		DJANGO_SETTINGS_MODULE=campaign_manager.settings $(TEMP_VAR) $(PYTHON) "$$script"; \
	done

clean:
	rm -rf var .venv
