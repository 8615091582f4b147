# Two commands for a new user: `make demo` and `make test`. Both create .venv when missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint fmt sdl migrations bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# axe-core for the portal's accessibility tests (package.json), installed beside the code, gitignored.
node_modules/.installed: package.json
	npm install --no-audit --no-fund --silent
	touch node_modules/.installed

demo: $(STAMP) node_modules/.installed
	$(BIN)/ledgerport demo

test: $(STAMP) node_modules/.installed
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

fmt: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Regenerate the committed SDL files after a schema change (a test fails while they drift).
sdl: $(STAMP)
	$(BIN)/ledgerport schema export

# Write a new migration after a model change (a test fails while models and migrations disagree).
migrations: $(STAMP)
	$(BIN)/tortoise makemigrations

clean:
	rm -rf $(VENV) var .pytest_cache
