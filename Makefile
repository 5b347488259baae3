# The dev loop. `make demo` and `make test` are all a fresh machine needs (Python 3.11+).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: install demo serve test test-fast browser lint format lock bench clean

$(INSTALLED): pyproject.toml constraints.txt
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "fourfold needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[dev]"
	touch $(INSTALLED)

install: $(INSTALLED)

demo: $(INSTALLED)  ## build the demo co-op and serve it on http://127.0.0.1:8000
	$(BIN)/fourfold demo

serve: $(INSTALLED)
	$(BIN)/fourfold serve

# Two workers by default (these machines have two cores); TEST_WORKERS=0 runs in one process.
TEST_WORKERS ?= 2

test: $(INSTALLED) lint  ## the whole suite (browser tests included)
	$(BIN)/pytest -n $(TEST_WORKERS)

test-fast: $(INSTALLED)  ## everything but the browser
	$(BIN)/pytest -m "not browser"

lint: $(INSTALLED)
	$(BIN)/ruff check fourfold bench conftest.py
	$(BIN)/ruff format --check fourfold bench conftest.py

format: $(INSTALLED)
	$(BIN)/ruff check --fix fourfold bench conftest.py
	$(BIN)/ruff format fourfold bench conftest.py

lock: $(INSTALLED)  ## re-pin constraints.txt after changing pyproject.toml
	$(BIN)/python -m pip freeze --exclude-editable | grep -v '^fourfold' > constraints.txt

bench: $(INSTALLED)  ## ledger, rotation and consumption benchmarks (DATABASE_URL picks the database)
	$(BIN)/python bench/ledger.py
	$(BIN)/python bench/ledger.py --members 10000
	$(BIN)/python bench/production.py
	$(BIN)/python bench/production.py --members 12 --weeks 26
	$(BIN)/python bench/consumption.py

clean:
	rm -rf $(VENV) build *.egg-info
