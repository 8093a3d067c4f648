# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint serve bench dev clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall only when a requirements file changes.
$(VENV)/.installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

## run: serve the API on http://127.0.0.1:8000 in development mode (SQLite)
run: $(VENV)/.installed
	DJANGO_DEBUG=true $(BIN)/python manage.py migrate --noinput
	@DJANGO_DEBUG=true $(BIN)/python manage.py seed_demo
	@echo
	@echo "  API          http://$(HOST):$(PORT)/api/"
	@echo "  API docs     http://$(HOST):$(PORT)/api/docs/  (ReDoc: /api/redoc/)"
	@echo "  Admin        http://$(HOST):$(PORT)/admin/"
	@echo "  Create a user for both:  $(BIN)/python manage.py createsuperuser"
	@echo
	DJANGO_DEBUG=true $(BIN)/python manage.py runserver $(HOST):$(PORT)

## test: lint, then the whole test suite
test: $(VENV)/.installed lint
	$(BIN)/python -m pytest

## dev: the API and the Next.js client together (needs Node.js >= 20.9)
dev: $(VENV)/.installed
	PYTHON=$(BIN)/python bin/dev

## serve: the production server (granian, WSGI); needs DJANGO_SECRET_KEY
serve: $(VENV)/.installed
	WEB_HOST=$(HOST) WEB_PORT=$(PORT) bin/serve

## bench: load-test the production server against the FastAPI guide's backend
bench: $(VENV)/.installed
	$(BIN)/python bench/run.py

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
