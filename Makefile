# Parvis — every developer command. `make help` lists them.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
DEMO_DB := var/demo.sqlite3
DEMO_ENV := DATABASE_URL=sqlite:///$(CURDIR)/$(DEMO_DB) DEBUG=true TASKS_BACKEND=immediate \
	EMAIL_BACKEND=django.core.mail.backends.console.EmailBackend
PYTEST_ARGS ?= -n auto

.PHONY: help install demo demo-data test check lint fix run worker

help:
	@echo "make demo    installe, crée la base SQLite de démonstration et sert Parvis sur http://127.0.0.1:8000"
	@echo "make test    installe ce qu'il faut aux tests et lance toute la suite"
	@echo "make check   ruff, manage.py check, makemigrations --check, puis toute la suite de tests"
	@echo "make worker  lance le processus des tâches de fond (courriels, PDF)"

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

node_modules/.installed: package.json
	npm install --no-audit --no-fund --silent
	touch $@

install: $(VENV)/.installed

demo-data: install
	mkdir -p var
	$(DEMO_ENV) $(PY) manage.py migrate --noinput
	$(DEMO_ENV) EMAIL_BACKEND=django.core.mail.backends.locmem.EmailBackend LOG_LEVEL=WARNING $(PY) manage.py load_demo

demo: demo-data
	@$(DEMO_ENV) $(PY) manage.py demo_accounts
	$(DEMO_ENV) $(PY) manage.py runserver 127.0.0.1:8000

worker: install
	$(PY) manage.py db_worker

test: install node_modules/.installed
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run

check: lint test

fix: install
	$(VENV)/bin/ruff check --fix .
