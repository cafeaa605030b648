# tsunagu — two commands on a fresh machine: `make demo` and `make test`.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
PG_URL ?= postgres://postgres@127.0.0.1:5432/test
DEMO_SIZE ?= 60000
# The suite runs on two processes (pytest-xdist), as many as the project's machines have cores.
PYTEST_WORKERS ?= 2
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: help venv system-deps demo demo-data serve test test-sqlite test-postgres lint audit-deps check-deploy bench messages clean

help:
	@echo "make demo   — install, migrate, generate a synthetic ward and serve it at http://127.0.0.1:8000"
	@echo "make test   — lint, migration check, the whole suite on SQLite and (if it answers) PostgreSQL"
	@echo "make bench  — benchmarks; figures also go to bench-results.json"

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python requirements.txt requirements-dev.txt constraints.txt pyproject.toml
	$(BIN)/pip install --quiet -r requirements-dev.txt -c constraints.txt
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

venv: $(VENV)/.installed

# Debian packages for browser tests and PDFs: Chromium and Japanese fonts (installed only when missing).
system-deps:
	@missing=""; \
	for p in chromium fonts-noto-cjk fonts-ipaexfont gettext poppler-utils; do \
	  dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO="sudo"; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

messages: venv
	cd tsunagu && ../$(BIN)/django-admin compilemessages --ignore=.venv >/dev/null

# var/audit holds the audit log's checkpoint files (docs/deploy.md); `make clean` removes them with the database.
var:
	mkdir -p var var/audit

demo-data: venv messages var
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py generate_ward --if-empty --size $(DEMO_SIZE)

# The demo skips the second factor so the printed logins work at once; production settings always require it.
# It runs with debug off, so a wrong address shows the Japanese 404 page, never Django's list of URLs;
# `DJANGO_DEBUG=true make demo` turns debug on for development.
# A background worker (roster builds, imports, letters and large PDFs; docs/deploy.md, "Jobs") runs beside the
# server on the queue file var/jobs-queue.sqlite3 and stops with it.
demo: demo-data
	@$(BIN)/python manage.py demo_logins
	@TSUNAGU_REQUIRE_2FA=false $(BIN)/python manage.py run_huey --settings=config.settings.local & worker=$$!; \
	trap 'kill -INT $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	TSUNAGU_REQUIRE_2FA=false $(BIN)/python manage.py runserver 127.0.0.1:8000 --settings=config.settings.local

lint: venv
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/python manage.py makemigrations --check --dry-run --settings=config.settings.test

audit-deps: venv
	$(BIN)/pip-audit --progress-spinner off -r requirements.txt

check-deploy: venv
	DJANGO_SECRET_KEY=check-deploy-$$RANDOM-$$RANDOM-$$RANDOM-$$RANDOM-$$RANDOM-$$RANDOM-$$RANDOM-0123456789abcdef \
	TSUNAGU_AUDIT_KEY=check-deploy-audit-$$RANDOM-$$RANDOM-$$RANDOM-$$RANDOM-$$RANDOM-0123456789abcdef \
	DATABASE_URL=sqlite:///var/check.sqlite3 DJANGO_ALLOWED_HOSTS=tsunagu.example.jp \
	$(BIN)/python manage.py check --deploy --fail-level WARNING --settings=config.settings.production

test-sqlite: venv system-deps messages
	$(BIN)/pytest -p no:cacheprovider -n $(PYTEST_WORKERS)

test-postgres: venv system-deps messages
	@if $(BIN)/python -c "import psycopg,sys; psycopg.connect('$(PG_URL)', connect_timeout=3).close()" 2>/dev/null; then \
	  echo "== PostgreSQL at 127.0.0.1:5432 answers: running the suite there too"; \
	  DATABASE_URL=$(PG_URL) $(BIN)/pytest -p no:cacheprovider -n $(PYTEST_WORKERS); \
	else echo "== PostgreSQL does not answer at 127.0.0.1:5432: suite ran on SQLite only"; fi

test: lint check-deploy test-sqlite test-postgres

bench: venv var
	$(BIN)/python bench/run.py

clean:
	rm -rf var bench-results.json
