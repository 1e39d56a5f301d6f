# Two commands for a newcomer: `make run` and `make test`. Each creates .venv on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint format check openapi clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "spotify-api needs Python 3.11 or newer; set PYTHON=python3.11 (or newer)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/spotify-api serve

test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check src tests alembic bench
	$(BIN)/ruff format --check src tests alembic bench
	$(BIN)/mypy --strict src

format: $(STAMP)
	$(BIN)/ruff check --fix src tests alembic bench
	$(BIN)/ruff format src tests alembic bench

check: lint test

openapi: $(STAMP)
	$(BIN)/spotify-api openapi --output openapi.json

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache spotify_api.db*
