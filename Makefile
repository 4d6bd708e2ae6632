# The whole set-up on a fresh machine is `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint format docs bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,dev]'
	touch $(STAMP)

install: $(STAMP)

test: $(STAMP)
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check foikit tests bench
	$(BIN)/ruff format --check foikit tests bench
	$(BIN)/mypy
	$(BIN)/cog --check docs/cli.md

format: $(STAMP)
	$(BIN)/ruff format foikit tests bench
	$(BIN)/ruff check --fix foikit tests bench

docs: $(STAMP)
	$(BIN)/cog -r docs/cli.md

demo: $(STAMP)
	bash scripts/demo.sh

bench: $(STAMP)
	$(BIN)/python bench/deadlines.py
	$(BIN)/python bench/request_list.py
	$(BIN)/python bench/letters.py
	$(BIN)/python bench/register.py
	$(BIN)/python bench/search.py
	$(BIN)/python bench/staff.py
	$(BIN)/python bench/disclosure.py
	$(BIN)/python bench/documents.py

clean:
	rm -rf $(VENV) register.db register.db-* disclosure.db disclosure.db-* responses/*.docx responses/*.pdf
	rm -rf templates
