# CaseTrack — the README's commands. Everything is set up on demand, so a fresh clone works.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 5000

.PHONY: run test lint bench install assets clean

$(VENV)/.installed: pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $@

static/dist/.built: package.json package-lock.json scripts/build-assets.mjs static/src/*
	npm ci --no-audit --no-fund --loglevel=error
	npm run --silent build

install: $(VENV)/.installed static/dist/.built

assets: static/dist/.built

run: install
	$(BIN)/casetrack db upgrade
	$(BIN)/casetrack demo
	@echo ""
	@echo "CaseTrack is running at http://$(HOST):$(PORT)/  (Ctrl-C to stop)"
	CASETRACK_DEVELOPMENT=1 $(BIN)/casetrack run --host $(HOST) --port $(PORT)

lint: install
	$(BIN)/ruff check casetrack tests
	$(BIN)/ruff format --check casetrack tests

test: lint
	$(BIN)/python -m playwright --version >/dev/null
	$(BIN)/pytest

clean:
	rm -rf $(VENV) node_modules static/dist .pytest_cache .ruff_cache
