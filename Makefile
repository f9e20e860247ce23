# Two commands do everything on a fresh machine with Python 3.11: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run test lint format worker bench lock clean

install: $(STAMP)

# Reinstall only when the declared or locked dependencies change.
$(STAMP): pyproject.toml requirements/lock.txt
	@command -v $(PYTHON) >/dev/null || { echo "$(PYTHON) not found: install Python 3.11"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements/lock.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo
	@echo "Computing engagement and the network (the first run compiles the graph kernels: a minute or so)"
	$(BIN)/python manage.py compute_engagement --history --if-missing
	$(BIN)/python manage.py compute_network --if-missing
	$(BIN)/python manage.py demo_login
	@echo "Admin: http://$(HOST):$(PORT)/admin/  API: http://$(HOST):$(PORT)/api/v1/  Docs: http://$(HOST):$(PORT)/api/v1/docs/"
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

test: install lint
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

worker: install
	$(BIN)/celery -A tasks.celery worker --beat --schedule $(VENV)/celerybeat-schedule \
		--loglevel=INFO --concurrency=$${CONCURRENCY:-2}

bench: install
	$(BIN)/python bench/generate_network.py
	$(BIN)/python bench/contacts_api.py
	$(BIN)/python bench/network_recompute.py
	$(BIN)/python bench/engagement.py
	$(BIN)/python bench/outreach.py

# Re-pin every dependency (run after changing pyproject.toml, then commit the lock).
lock: install
	$(BIN)/uv pip compile pyproject.toml --extra dev --extra bench --python-version 3.11 \
		--output-file requirements/lock.txt --no-header --quiet
	touch pyproject.toml

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache staticfiles
