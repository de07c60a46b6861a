# fanportal: `make run` serves the demo site, `make test` runs the tests.
# Everything installs into .venv; the first run needs only Python 3.12+ and the network to PyPI.

VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
HOST ?= 127.0.0.1
PORT ?= 8000

# The first interpreter that is really Python 3.12 or newer (pyenv shims that exist but
# point nowhere fail the check and are skipped).
PYTHON ?= $(shell for c in python3.13 python3.12 python3.14 $$HOME/.pyenv/versions/3.1[2-9]*/bin/python3 python3; do \
	if "$$c" -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; then echo "$$c"; break; fi; done)

# Local runs are development runs: debug on, so no secret key is needed.
export DJANGO_DEBUG ?= 1

.PHONY: run serve worker demo test lint format fuzz bench soak editor clean

# The task worker (django-tasks-db's db_worker: relinking stories after a name changes) runs
# beside the server, as one command. Each starts in a process group of its own, with Ctrl-C's
# signal back to its default (a shell starts background commands ignoring it), so this shell
# alone decides: Ctrl-C, a kill of make or a closed terminal stops the whole server (the
# development server's reloader child too) with SIGINT; when the server has gone, for whatever
# reason, the worker gets one SIGTERM, finishes the task in hand and leaves. Nothing is left
# running. --no-reload: the worker's reloader would run it as a child out of the trap's reach.
DETACH = $(PY) -c 'import os, signal, sys; os.setpgrp(); signal.signal(signal.SIGINT, signal.SIG_DFL); \
	os.execvp(sys.argv[1], sys.argv[1:])'
with_worker = $(DETACH) $(PY) manage.py db_worker --no-reload & worker=$$!; \
	$(DETACH) $(1) & server=$$!; \
	trap 'kill -INT -$$server 2>/dev/null' INT TERM HUP; \
	wait $$server; status=$$?; \
	while kill -0 $$server 2>/dev/null; do wait $$server; status=$$?; done; \
	kill -TERM $$worker 2>/dev/null; wait $$worker; \
	exit $$status

run: demo
	@$(call with_worker,$(PY) manage.py runserver $(HOST):$(PORT))

# Production mode on this machine: debug off, static files collected and served compressed by
# whitenoise, gunicorn with gunicorn.conf.py and the task worker. Needs DJANGO_SECRET_KEY.
serve: $(VENV)/.installed
	@if [ -z "$$DJANGO_SECRET_KEY" ]; then \
		echo "make serve runs with debug off: set DJANGO_SECRET_KEY first, for example" >&2; \
		echo "  export DJANGO_SECRET_KEY=\$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))')" >&2; \
		exit 1; fi
	DJANGO_DEBUG=0 $(PY) manage.py migrate --no-input -v 0
	DJANGO_DEBUG=0 $(PY) manage.py collectstatic --no-input -v 0
	@export DJANGO_DEBUG=0; $(call with_worker,$(BIN)/gunicorn -c gunicorn.conf.py fanportal.wsgi)

# The worker alone, in the foreground: a deployment runs it as a second process beside the
# app servers (one or more, on any machine that reaches the database).
worker: $(VENV)/.installed
	$(PY) manage.py db_worker

demo: $(VENV)/.installed
	$(PY) manage.py migrate --no-input -v 0
	$(PY) manage.py load_demo_club
	$(PY) manage.py import_matches seeds/matches
	$(PY) manage.py import_stories seeds

# DJANGO_DEBUG=1 only spares the suite a secret key; pytest-django runs every test with
# DEBUG off, as production does.
test: $(VENV)/.installed-dev
	$(BIN)/pytest $(PYTEST_ARGS)

# Lint, format check and type check over the whole tree; the settings are in pyproject.toml.
# mypy's Django plugin imports fanportal.settings, which needs debug on (or a secret key).
lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DJANGO_DEBUG=1 $(BIN)/mypy .

# Rewrites files: ruff's safe fixes first (import order, upgrades), then the formatter, the
# order ruff recommends. What cannot be fixed is listed but does not stop the formatting.
format: $(VENV)/.installed-dev
	$(BIN)/ruff check --fix --exit-zero .
	$(BIN)/ruff format .

fuzz: $(VENV)/.installed-dev
	bash scripts/fuzz_api.sh

bench: $(VENV)/.installed-dev
	$(PY) -m bench.run

soak: $(VENV)/.installed-dev
	$(PY) -m bench.soak

editor: $(VENV)/.installed
	$(PY) manage.py createsuperuser

$(PY):
	@if [ -z "$(PYTHON)" ]; then \
		echo "fanportal needs Python 3.12 or newer: install python3.12 or python3.13 (or set PYTHON=/path/to/python)." >&2; \
		exit 1; fi
	"$(PYTHON)" -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.installed

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
