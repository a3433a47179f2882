# Two commands matter: `make run` opens the workshop, `make test` runs the tests.
# Both create .venv when it is missing and install what they need.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP_RUN := $(VENV)/.installed-run
STAMP_TEST := $(VENV)/.installed-test

.PHONY: run test bench lint e2e clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP_RUN): $(BIN)/python pyproject.toml
	@echo "Installation de duels dans $(VENV)…"
	$(BIN)/pip install --quiet -e .
	@touch $@

$(STAMP_TEST): $(BIN)/python pyproject.toml
	@echo "Installation de duels et des outils de test dans $(VENV)…"
	$(BIN)/pip install --quiet -e '.[test]'
	@touch $@ $(STAMP_RUN)

run: $(STAMP_RUN)
	$(BIN)/duels $(ARGS)

test: $(STAMP_TEST)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: $(STAMP_TEST)
	$(BIN)/python -m bench

lint: $(STAMP_TEST)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

clean:
	rm -rf $(VENV) build dist .pytest_cache
