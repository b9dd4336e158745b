# pufa — the two commands: `make demo` and `make test`. Everything else is a step they use.
PYTHON ?= python3
PORT ?= 8000
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
export PYTHONDONTWRITEBYTECODE := 1
# bash with pipefail: the test passes pipe pytest through a labelling sed and must keep its exit status.
SHELL := /bin/bash
.SHELLFLAGS := -o pipefail -c

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
# Each pass keeps its files (SQLite database, uploads) in a var directory of its own, so the two can run at once.
test-sqlite: venv system
	PUFA_REQUIRE_SYSTEM=1 PUFA_DATABASE_URL= PUFA_VAR_DIR=$(CURDIR)/var/test-sqlite \
	  $(BIN)/pytest -q --durations=15 2>&1 | sed -u 's/^/[sqlite] /'

# The PostgreSQL pass, the longer one, runs on PG_WORKERS pytest-xdist workers: each has its own test database
# (test_pufa_gw0, …, pytest-django's) and var directory (var/test-postgres/gw0, …, tests/settings.py).
PG_WORKERS ?= 2
test-postgres: venv system
	url=$$(bash scripts/ensure-postgres.sh) && \
	PUFA_REQUIRE_SYSTEM=1 PUFA_DATABASE_URL=$$url PUFA_VAR_DIR=$(CURDIR)/var/test-postgres \
	  $(BIN)/pytest -q -n $(PG_WORKERS) --dist worksteal --durations=15 2>&1 | sed -u 's/^/[postgres] /'

# The lint and the two passes are independent: run side by side (one after the other took 27 minutes). On a
# 2-core CI machine the SQLite pass and the PostgreSQL pass's two workers keep both cores busy to the end: on one
# worker the PostgreSQL pass took 22 minutes beside the SQLite pass's 12, one core idle for the last ten; on two
# the SQLite pass ends at 90-95% of the PostgreSQL pass's time (two runs). Each line of the passes' output is
# labelled with its pass as it comes; a failure in any of the three fails `test`.
test:
	$(MAKE) --no-print-directory -j3 lint test-sqlite test-postgres

bench: venv
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) var
