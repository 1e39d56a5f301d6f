# Two commands for a newcomer: `make run` and `make test`. Each creates .venv on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# uv installs exactly what uv.lock pins (with hashes); pyproject.toml keeps the ranges that
# library users get. The version of uv itself is pinned here.
UV_VERSION := 0.13.9

.PHONY: run test lint lock format check openapi client-ts client-python fuzz clean

$(STAMP): pyproject.toml uv.lock
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "spotify-api needs Python 3.11 or newer; set PYTHON=python3.11 (or newer)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet "uv==$(UV_VERSION)"
	$(BIN)/uv sync --quiet --frozen --extra dev --inexact --python $(BIN)/python
	touch $(STAMP)

# `make run PORT=8000` serves on another port.
PORT ?= 5000
run: $(STAMP)
	$(BIN)/spotify-api serve --port $(PORT)

test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/uv lock --check --quiet || { echo "uv.lock does not match pyproject.toml: run make lock"; exit 1; }
	$(BIN)/ruff check src tests alembic bench
	$(BIN)/ruff format --check src tests alembic bench
	$(BIN)/mypy --strict src
	$(BIN)/bandit --quiet --recursive src --severity-level medium

# After changing dependencies in pyproject.toml: pin them anew in uv.lock (commit both).
lock: $(STAMP)
	$(BIN)/uv lock

format: $(STAMP)
	$(BIN)/ruff check --fix src tests alembic bench
	$(BIN)/ruff format src tests alembic bench

check: lint test

openapi: $(STAMP)
	$(BIN)/spotify-api openapi --output openapi.json

# A typed TypeScript client (fetch) from the committed spec, into clients/ts/generated/.
client-ts:
	npm ci --prefix clients --no-audit --no-fund --loglevel=error
	npm run --prefix clients gen:ts

# A Python client (httpx + attrs models) from the committed spec: the package
# clients/python/generated/spotify_api_client (put clients/python/generated on PYTHONPATH).
client-python: $(STAMP)
	rm -rf clients/python/generated
	$(BIN)/openapi-python-client generate --path openapi.json --meta none \
		--config clients/python/config.yml --output-path clients/python/generated/spotify_api_client

# Schemathesis against a live server (wipes TEST_DATABASE_URL / TEST_REDIS_URL when set).
fuzz: $(STAMP)
	$(BIN)/python -m tests.fuzz.run_schemathesis

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache spotify_api.db* spotify_api.redis
