# Two commands on a fresh machine: `make run` (the bot, or its local console) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint check bench postgres i18n

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/creditbot run

postgres:
	@bash .ci/postgres

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: $(STAMP) postgres lint
	$(BIN)/python -m pytest

bench: $(STAMP) postgres
	$(BIN)/python -m bench

# Catalogs: extract every sentence, update the French and English .po, compile the .mo
# that the package ships. Translate new French entries in bot/locale/fr/…/messages.po.
LOCALES := bot/locale
i18n: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k N_ -k say -k say_n:1,2 --no-location --sort-output --project creditbot \
		--no-wrap -o $(LOCALES)/messages.pot bot ledger
	$(BIN)/pybabel update -i $(LOCALES)/messages.pot -d $(LOCALES) -D messages \
		--no-fuzzy-matching --ignore-obsolete --no-wrap
	$(BIN)/pybabel compile -d $(LOCALES) -D messages --statistics
