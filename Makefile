# Two commands do everything on a fresh machine:
#   make demo   - build the venv, run the default strategy comparison (table + figure)
#   make test   - build the venv, run the test suite (browser tests need Debian chromium)
PYTHON ?= $(shell for p in python3.12 python3.13 python3 $(wildcard $(HOME)/.pyenv/versions/3.1[2-9]*/bin/python3); do \
            $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { echo $$p; break; }; done)
VENV := .venv
BIN := $(VENV)/bin
export SOLARA_TELEMETRY_MIXPANEL_ENABLE ?= False

.PHONY: demo test viz bench clean

$(BIN)/.installed: pyproject.toml
	@test -n "$(PYTHON)" || { echo "need Python >= 3.12 (set PYTHON=/path/to/python3.12)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e ".[dev]"
	touch $@

demo: $(BIN)/.installed
	$(BIN)/saferstreets compare --out results/compare

test: $(BIN)/.installed
	$(BIN)/python -m pytest -q

viz: $(BIN)/.installed
	$(BIN)/saferstreets viz

bench: $(BIN)/.installed
	$(BIN)/saferstreets bench --out results/bench.json

clean:
	rm -rf $(VENV)
