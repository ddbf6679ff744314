# Khuyến công — one command for each thing a developer or a fresh machine needs. `make help` lists them.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000
CHROMIUM ?= /usr/bin/chromium

.DEFAULT_GOAL := help
.PHONY: help setup setup-venv messages run test lint fmt reference clean

help: ## List the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements-dev.txt
	touch $@

setup-venv: $(VENV)/.installed ## Create .venv and install the pinned dependencies

# The English catalogue, compiled at install by Babel (pure Python: no gettext tools needed on the machine).
MO := locale/en/LC_MESSAGES/django.mo
$(MO): locale/en/LC_MESSAGES/django.po $(VENV)/.installed
	$(VENV)/bin/pybabel compile -d locale -D django

messages: $(MO) ## Compile the translation catalogues (after editing locale/*/LC_MESSAGES/django.po)

setup: $(VENV)/.installed $(MO) ## Create .venv, install, migrate, load reference and demo data (safe to repeat)
	$(PY) manage.py migrate --no-input -v0
	$(PY) manage.py load_demo_data
	$(PY) manage.py collectstatic --no-input -v0

run: setup ## Set up, then serve the demo on http://$(HOST):$(PORT) with the background worker
	@echo ""
	@echo "  Khuyến công is running at http://$(HOST):$(PORT)/  (Ctrl+C to stop)"
	@echo "  Demo logins (password khuyencong-demo-2026): admin, cuc.chuyenvien, ttkc1.canbo, laocai.canbo,"
	@echo "  laocai.xem, laocai.ttkc, laocai.ubnd, thainguyen.canbo, cosovh — see README.md."
	@echo ""
	@# The worker reads large uploads in the background; it stops with the server.
	DEBUG=false $(PY) manage.py db_worker --interval 1 & WORKER=$$!; \
	trap 'kill $$WORKER 2>/dev/null' EXIT INT TERM; \
	DEBUG=false $(PY) manage.py runserver --insecure $(HOST):$(PORT)

reference: $(VENV)/.installed $(MO) ## Migrate and load reference data only (geography, organisations, trades)
	$(PY) manage.py migrate --no-input -v0
	$(PY) manage.py load_reference_data

test: $(VENV)/.installed $(MO) ## Run every test (database from DATABASE_URL; SQLite by default)
	@if [ ! -x "$(CHROMIUM)" ]; then echo "Browser tests need Debian's chromium at $(CHROMIUM): apt-get install chromium"; exit 1; fi
	DJANGO_ALLOW_ASYNC_UNSAFE=true CHROMIUM=$(CHROMIUM) $(VENV)/bin/pytest -q

lint: $(VENV)/.installed ## ruff and mypy
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy .

fmt: $(VENV)/.installed ## Format the code
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean: ## Remove the virtualenv, the SQLite database and collected static files
	rm -rf $(VENV) db.sqlite3 staticfiles
