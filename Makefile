# Two commands do everything on a fresh machine with Python 3.11: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run test lint format worker bench lock clean browser

install: $(STAMP) node_modules/.installed locale/.compiled

# The web app's JavaScript libraries, pinned by package-lock.json.
node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null || { echo "npm not found: install Node.js 20 and npm"; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Russian and Kazakh interface: compile the committed .po files (GNU gettext's msgfmt).
locale/.compiled: $(STAMP) $(wildcard locale/*/LC_MESSAGES/django.po)
	$(BIN)/python manage.py compilemessages --ignore .venv --ignore node_modules -v0
	touch $@

# Debian's chromium for the end-to-end tests (Playwright drives it; no browser download).
browser:
	@command -v chromium >/dev/null || { \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium; \
		elif command -v sudo >/dev/null; then sudo apt-get update -qq && sudo apt-get install -y -qq chromium; \
		else echo "chromium missing and no root: the browser tests will skip"; fi; }

# Reinstall only when the declared or locked dependencies change.
$(STAMP): pyproject.toml requirements/lock.txt
	@command -v $(PYTHON) >/dev/null || { echo "$(PYTHON) not found: install Python 3.11"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements/lock.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

# The server with a Celery worker and beat beside it, under supervisord (scripts/run.conf);
# Ctrl-C stops all three. Without CELERY_BROKER_URL they meet on the embedded broker, files
# under var/broker (config/settings/local.py), so long work answers 202 at once and
# automatic recomputes happen, as in production.
RUN_DIR ?= $(CURDIR)/var/run
# Links in e-mails point where the app is served (OUTREACH_PUBLIC_URL, unless set); a wrong
# one is a warning when the server starts (outreach/checks.py).
run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo
	@echo "Computing engagement and the network (the first run compiles the graph kernels: a minute or so)"
	$(BIN)/python manage.py compute_engagement --history --if-missing
	$(BIN)/python manage.py compute_network --if-missing
	$(BIN)/python manage.py demo_login
	@echo "App: http://$(HOST):$(PORT)/  Admin: http://$(HOST):$(PORT)/admin/  API: http://$(HOST):$(PORT)/api/v1/  Docs: http://$(HOST):$(PORT)/api/v1/docs/"
	mkdir -p $(RUN_DIR)
	DJANGO_SETTINGS_MODULE=$${DJANGO_SETTINGS_MODULE:-config.settings.local} \
		WORKER_RUN_DIR=$(RUN_DIR) WORKER_VENV=$(CURDIR)/$(VENV) HOST=$(HOST) PORT=$(PORT) \
		OUTREACH_PUBLIC_URL=$${OUTREACH_PUBLIC_URL:-http://$(HOST):$(PORT)} \
		CONCURRENCY=$${CONCURRENCY:-2} WORKER_LOGLEVEL=$${WORKER_LOGLEVEL:-INFO} \
		exec $(BIN)/supervisord -c scripts/run.conf

test: install browser lint
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# A Celery worker and beat under supervisord (scripts/supervisord.conf), which restarts
# either whenever it exits: a worker must outlive its services, and if it dies all the same
# nothing may wait for a person to notice. supervisord is a well-kept tool for exactly this;
# honcho and similar Procfile runners stop everything when one process exits instead.
# `$(BIN)/python manage.py worker_health` tells whether the worker is consuming.
WORKER_RUN_DIR ?= $(CURDIR)/$(VENV)/worker
worker: install
	mkdir -p $(WORKER_RUN_DIR)
	DJANGO_SETTINGS_MODULE=$${DJANGO_SETTINGS_MODULE:-config.settings.local} \
		WORKER_RUN_DIR=$(WORKER_RUN_DIR) WORKER_VENV=$(CURDIR)/$(VENV) \
		CONCURRENCY=$${CONCURRENCY:-2} WORKER_LOGLEVEL=$${WORKER_LOGLEVEL:-INFO} \
		exec $(BIN)/supervisord -c scripts/supervisord.conf

bench: install
	$(BIN)/python bench/generate_network.py
	$(BIN)/python bench/contacts_api.py
	$(BIN)/python bench/network_recompute.py
	$(BIN)/python bench/network_explorer.py
	$(BIN)/python bench/engagement.py
	$(BIN)/python bench/outreach.py

# Re-pin every dependency (run after changing pyproject.toml, then commit the lock).
lock: install
	$(BIN)/uv pip compile pyproject.toml --extra dev --extra bench --python-version 3.11 \
		--output-file requirements/lock.txt --no-header --quiet
	touch pyproject.toml

clean:
	rm -rf $(VENV) var node_modules .pytest_cache .ruff_cache staticfiles locale/*/LC_MESSAGES/*.mo locale/.compiled
