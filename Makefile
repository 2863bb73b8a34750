# One Makefile drives setup, checks and releases, so CI and a person run the same thing.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
HOST   ?= 127.0.0.1
PORT   ?= 8080
LINTED := $(wildcard src tests scripts benchmarks)

.PHONY: serve test validate lint format system-deps build review clean

$(STAMP): pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	@touch $(STAMP)

# Debian packages the tests drive for real (headless Chromium, nginx, Graphviz); installed if missing.
system-deps:
	@bash scripts/install-system-deps.sh

serve: $(STAMP)
	$(BIN)/strategykg serve --host $(HOST) --port $(PORT)

validate: $(STAMP)
	$(BIN)/strategykg validate

lint: $(STAMP)
	$(BIN)/ruff check $(LINTED)
	$(BIN)/ruff format --check $(LINTED)

format: $(STAMP)
	$(BIN)/ruff check --fix $(LINTED)
	$(BIN)/ruff format $(LINTED)

test: $(STAMP) system-deps lint
	$(BIN)/strategykg validate > /dev/null
	$(BIN)/strategykg review --fail-on error
	$(BIN)/python -m pytest -q

clean:
	rm -rf dist .pytest_cache .ruff_cache

build: $(STAMP)
	$(BIN)/strategykg build --out dist

review: $(STAMP)
	$(BIN)/strategykg review
