# CaseTrack — the README's commands. Everything is set up on demand, so a fresh clone works.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 5000

.PHONY: run test lint bench assure mutation install assets clean demo-code

$(VENV)/.installed: pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $@

static/dist/.built: package.json package-lock.json scripts/build-assets.mjs static/src/*
	npm ci --no-audit --no-fund --loglevel=error
	npm run --silent build

# The real OpenID provider the tests sign in through (tests/oidcserver.py).
tests/oidc/node_modules/.package-lock.json: tests/oidc/package.json tests/oidc/package-lock.json
	cd tests/oidc && npm ci --no-audit --no-fund --loglevel=error

install: $(VENV)/.installed static/dist/.built

assets: static/dist/.built

run: install
	$(BIN)/casetrack db upgrade
	$(BIN)/casetrack demo
	@echo ""
	@echo "CaseTrack is running at http://$(HOST):$(PORT)/  (Ctrl-C to stop)"
	CASETRACK_DEVELOPMENT=1 $(BIN)/casetrack run --host $(HOST) --port $(PORT)

# The demo accounts' authenticator-app code of the moment (their published key, SPEC §16).
demo-code: install
	@$(BIN)/python -c 'import pyotp; from casetrack.demo import DEMO_TOTP_SECRET as k; print(pyotp.TOTP(k).now())'

lint: install
	$(BIN)/ruff check casetrack tests bench
	$(BIN)/ruff format --check casetrack tests bench

# The whole suite, with the assurance suite at its default (CI) scale (ASSURE=1), on
# TEST_WORKERS pytest-xdist workers (the browser journeys and the assurance suite each keep to
# one worker: they share a live server).
TEST_WORKERS ?= 2
test: lint tests/oidc/node_modules/.package-lock.json
	$(BIN)/python -m playwright --version >/dev/null
	ASSURE=1 $(BIN)/pytest -n $(TEST_WORKERS) --dist loadgroup

# The SPEC §11 measurements on SQLite and PostgreSQL; writes docs/performance.md (< 20 min).
bench: install
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev,bench]'
	$(BIN)/python bench/run.py

# The assurance suite with its figures; writes docs/assurance.md. ASSURE_FULL=1 for the long run.
assure: install
	$(BIN)/pytest tests/assurance -q; status=$$?; \
	$(BIN)/python tests/assurance/report.py; exit $$status

# mutmut over the core rule modules on SQLite (pyproject.toml [tool.mutmut]); writes
# docs/mutation.md with the score and every surviving mutant. Not part of make test.
mutation: install
	rm -rf mutants
	start=$$(date +%s); \
	CASETRACK_TEST_DATABASES=sqlite $(BIN)/mutmut run --max-children 2 || true; \
	MUTATION_SECONDS=$$(( $$(date +%s) - start )) $(BIN)/python scripts/mutation_report.py

clean:
	rm -rf $(VENV) node_modules tests/oidc/node_modules static/dist .pytest_cache .ruff_cache mutants
