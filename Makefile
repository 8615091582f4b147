# Two commands for a new user: `make demo` and `make test`. Both check the system packages (installing
# the missing ones when run as root, otherwise naming the command to run), create .venv when missing and
# install the Python and npm dependencies.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test bench-check console system lint fmt sdl migrations bench clean

# Chromium, fonts (incl. CJK), Pango, poppler, zbar, npm: see scripts/system-packages.sh.
system:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "error: Ledgerport needs Python 3.11 or newer; $(PYTHON) is " + sys.version.split()[0])'
	@bash scripts/system-packages.sh

$(BIN)/python: | system
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# Front-end assets (GraphiQL, served by the app) and axe-core for the accessibility tests, from
# package-lock.json, installed beside the code and gitignored.
node_modules/.installed: package.json package-lock.json | system
	npm ci --no-audit --no-fund --silent
	touch node_modules/.installed

# The staff console (console/, Vite + Preact), built into console/dist and served by the app at /console/.
# The build type-checks against the committed generated types; `npm run console:codegen` regenerates them
# after a change to schema/staff.graphql or an operation (tests/test_console_build.py fails while they drift).
CONSOLE := console/dist/index.html
CONSOLE_SOURCES := $(shell find console/src -type f 2>/dev/null) console/index.html console/vite.config.mjs console/tsconfig.json

$(CONSOLE): $(CONSOLE_SOURCES) node_modules/.installed
	npm run --silent console:build

console: $(CONSOLE)

demo: system $(STAMP) node_modules/.installed $(CONSOLE)
	$(BIN)/ledgerport demo

# The whole suite, on SQLite and on PostgreSQL (the local server on 127.0.0.1:5432 when it answers, or
# TEST_DATABASE_URL); whatever cannot run here is listed at the end with the reason. One worker process
# per core (TEST_WORKERS=0 runs in this process); a file's tests stay on one worker so its servers and
# browser start once.
TEST_WORKERS ?= auto
test: system $(STAMP) node_modules/.installed $(CONSOLE)
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

# The benchmark scripts the default suite leaves out (each runs end to end at a toy size, 20-60 s): run
# before changing one of them or what it drives (the job engine, the forecast, the mixed load).
bench-check: system $(STAMP) node_modules/.installed $(CONSOLE)
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile -m slow $(PYTEST_ARGS)

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
	rm -rf $(VENV) var .pytest_cache node_modules console/dist
