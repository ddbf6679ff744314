# Khuyến công — one command for each thing a developer or a fresh machine needs. `make help` lists them.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000
CHROMIUM ?= /usr/bin/chromium

.DEFAULT_GOAL := help
.PHONY: help setup setup-venv messages extract run test lint fmt reference clean

help: ## List the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements-dev.txt
	touch $@

setup-venv: $(VENV)/.installed ## Create .venv and install the pinned dependencies

# The English catalogues (one per app, khuyencong/*/locale), compiled by Babel when stale: pure Python, so a fresh
# machine needs no gettext tools to run the product.
messages: $(VENV)/.installed ## Compile the translation catalogues (after editing khuyencong/*/locale/en/LC_MESSAGES/django.po)
	$(PY) -m khuyencong.core.catalogues

# Extracting needs Debian's gettext (xgettext, msgmerge); each app's strings go to its own catalogue.
extract: $(VENV)/.installed ## Add newly marked strings to the catalogues (needs apt-get install gettext)
	$(PY) manage.py makemessages -l en --no-obsolete --no-location --ignore='.venv/*' --ignore='*/tests/*' \
	  --ignore='*/migrations/*' --ignore='benchmarks/*' --ignore='khuyencong/tests_matrix/*' \
	  --ignore='khuyencong/demo/*' --ignore='node_modules/*' --ignore='staticfiles/*'

setup: $(VENV)/.installed messages ## Create .venv, install, migrate, load reference and demo data (safe to repeat)
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

reference: $(VENV)/.installed messages ## Migrate and load reference data only (geography, organisations, trades)
	$(PY) manage.py migrate --no-input -v0
	$(PY) manage.py load_reference_data

# One pytest-xdist worker per core (TEST_WORKERS=0 runs in this process); each test file stays on one worker, so a
# module's read-only scenario is built once.
TEST_WORKERS ?= auto
test: $(VENV)/.installed messages ## Run every test on all cores (database from DATABASE_URL; SQLite by default)
	@if [ ! -x "$(CHROMIUM)" ]; then echo "Browser tests need Debian's chromium at $(CHROMIUM): apt-get install chromium"; exit 1; fi
	DJANGO_ALLOW_ASYNC_UNSAFE=true CHROMIUM=$(CHROMIUM) $(VENV)/bin/pytest -q -n $(TEST_WORKERS) --dist loadfile

lint: $(VENV)/.installed ## ruff and mypy
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy .

fmt: $(VENV)/.installed ## Format the code
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean: ## Remove the virtualenv, the SQLite database and collected static files
	rm -rf $(VENV) db.sqlite3 staticfiles
