# pufa — the two commands: `make demo` and `make test`. Everything else is a step they use.
PYTHON ?= python3
PORT ?= 8000
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: demo test venv system lint test-sqlite test-postgres bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install -q --disable-pip-version-check -e '.[dev,redis]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

venv: $(STAMP)

system:
	bash scripts/setup-system.sh

# The demo runs on the repository's secret key (127.0.0.1 only); a deployment must set PUFA_SECRET_KEY.
demo: export PUFA_INSECURE_DEV_KEY = 1
demo: venv system
	mkdir -p var
	$(BIN)/pufa migrate --noinput -v0
	$(BIN)/pufa seed-demo
	PORT=$(PORT) bash scripts/serve-demo.sh

# `system` first: `pufa check` imports matplotlib, whose font cache must be built after the CJK fonts exist.
lint: export PUFA_INSECURE_DEV_KEY = 1
lint: venv system
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/lint-imports
	$(BIN)/python scripts/mypy_baseline.py
	$(BIN)/djhtml --check --tabwidth 2 $(wildcard src/pufa/*/templates)
	$(BIN)/pufa makemigrations --check --dry-run
	$(BIN)/pufa check

# PUFA_REQUIRE_SYSTEM: `system` has installed LibreOffice & co., so tests needing them run instead of skipping.
test-sqlite: venv system
	PUFA_REQUIRE_SYSTEM=1 PUFA_DATABASE_URL= $(BIN)/pytest -q

test-postgres: venv system
	PUFA_REQUIRE_SYSTEM=1 PUFA_DATABASE_URL=$$(bash scripts/ensure-postgres.sh) $(BIN)/pytest -q

test: lint test-sqlite test-postgres

bench: venv
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) var
