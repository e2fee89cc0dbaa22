# `make run` serves the demo clinic; `make test` runs the whole suite. See README.md.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: run serve-prod test lint migrations-check deploy-check benchmark benchmark-pages clean

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# Reinstall only when a requirements file changed.
$(VENV)/.run-deps: requirements.txt | $(VENV)/bin/python
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.test-deps: requirements.txt requirements-dev.txt | $(VENV)/bin/python
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.run-deps

run: $(VENV)/.run-deps
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo --if-empty
	@HOST=$(HOST) PORT=$(PORT) bin/serve

# The production shape on one machine (README, deployment): gunicorn, two Celery workers and a beat on
# PostgreSQL and Redis, DEBUG off. Needs DATABASE_URL; see bin/serve-prod for the rest.
serve-prod: $(VENV)/.run-deps
	@HOST=$(HOST) PORT=$(PORT) bin/serve-prod

test: $(VENV)/.test-deps
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.test-deps
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(PY) manage.py makemigrations --check --dry-run

# The README's deployment steps with production settings, in a throwaway VAR_DIR: collectstatic with the hashed
# manifest (fails on a missing file an asset names) and the deploy checks, warnings included.
deploy-check: $(VENV)/.run-deps
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	export DEBUG=false STATIC_MANIFEST=true VAR_DIR="$$tmp" ALLOWED_HOSTS=clinic.example \
		SECRET_KEY="$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))')" && \
	$(PY) manage.py collectstatic --noinput --verbosity 0 && \
	$(PY) manage.py check --deploy --fail-level WARNING

benchmark: $(VENV)/.run-deps
	bin/benchmark-seed

# Every staff page and admin changelist per role against a bare authenticated page (PATIENTS, ROUNDS,
# BENCH_DATABASE_URL, BENCH_URL, KEEP: see bin/benchmark-pages).
benchmark-pages: $(VENV)/.run-deps
	bin/benchmark-pages

clean:
	rm -rf var .pytest_cache .ruff_cache
