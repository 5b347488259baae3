# The dev loop. `make demo` and `make test` are all a fresh machine needs (Python 3.11+).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: install compile messages demo serve test test-fast test-calendar browser lint format lock bench clean

$(INSTALLED): pyproject.toml constraints.txt
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "fourfold needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[dev]"
	$(BIN)/fourfold manage catalogues compile
	touch $(INSTALLED)

install: $(INSTALLED)

# The translations the server reads: each fourfold/locale/<lang>/LC_MESSAGES/django.po
# compiled to its .mo (git-ignored), again whenever the catalogues change.
compile: $(INSTALLED)
	$(BIN)/fourfold manage catalogues compile

# For translators: take the code's new and changed messages into every catalogue (with the one
# set of makemessages options, in fourfold/cli/management/commands/catalogues.py);
# NEW_LANGUAGE=it starts a catalogue for a language.
messages: $(INSTALLED)
	$(BIN)/fourfold manage catalogues update $(if $(NEW_LANGUAGE),--locale $(NEW_LANGUAGE))

demo: $(INSTALLED) compile  ## build the demo co-op and serve it on http://127.0.0.1:8000
	$(BIN)/fourfold demo

serve: $(INSTALLED) compile
	$(BIN)/fourfold serve

# Two workers by default (these machines have two cores); TEST_WORKERS=0 runs in one process.
TEST_WORKERS ?= 2

test: $(INSTALLED) compile lint  ## the whole suite (browser tests included)
	$(BIN)/pytest -n $(TEST_WORKERS)

test-fast: $(INSTALLED) compile  ## everything but the browser
	$(BIN)/pytest -m "not browser"

# Awkward instants, in UTC, for the co-op zones the tests use (New York, Chicago): the first of
# a month just after local midnight; the last of a month late at night, when UTC is already in
# the next; 29 February; just after the spring-forward and inside the repeated hour of the
# fall-back; New Year's Eve late at night.
CALENDAR_INSTANTS ?= 2026-12-01T05:30:00Z 2027-02-01T04:30:00Z 2028-02-29T17:00:00Z \
	2027-03-14T07:30:00Z 2027-11-07T06:30:00Z 2027-01-01T04:30:00Z

test-calendar: $(INSTALLED) compile  ## the date-sensitive tests, once at each awkward instant
	@for instant in $(CALENDAR_INSTANTS); do \
		echo "== the date-sensitive tests at $$instant"; \
		FOURFOLD_TEST_NOW=$$instant $(BIN)/pytest -n $(TEST_WORKERS) -m "calendar and not browser" \
			|| exit 1; \
	done

lint: $(INSTALLED)
	$(BIN)/ruff check fourfold bench conftest.py
	$(BIN)/ruff format --check fourfold bench conftest.py
	$(BIN)/lint-imports
	$(BIN)/mypy
	$(BIN)/fourfold manage catalogues check

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
	$(BIN)/python bench/costs.py
	$(BIN)/python bench/pages.py

clean:
	rm -rf $(VENV) build *.egg-info
