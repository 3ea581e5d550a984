# quotecheck: every target sets up its own virtual environment on first use.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test bench sync lint clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[images,test,lint]'
	@touch $(STAMP)

## Run the bot's main job: the chat bot when a token is configured, else the console on the bundled corpus.
run: $(STAMP)
	$(BIN)/quotecheck run

## Run the whole test suite (SQLite, PostgreSQL when reachable, end-to-end through the local Discord server).
test: $(STAMP)
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

## Type-check bot/ (mypy --strict) and lint bot/, tests/ and bench/ (ruff); settings in pyproject.toml.
lint: $(STAMP)
	$(BIN)/ruff check bot tests bench
	$(BIN)/mypy

## Print the extraction, matching, claim retrieval, load, scheduled-jobs and picture benchmarks.
bench: $(STAMP)
	$(BIN)/python bench/extraction.py
	$(BIN)/python bench/matching.py
	$(BIN)/python bench/claims.py
	$(BIN)/python bench/startup.py
	$(BIN)/python bench/startup.py --statements 100000
	@test ! -f bench/load.py || $(BIN)/python bench/load.py
	$(BIN)/python bench/jobs.py
	$(BIN)/python bench/scale_real.py
	$(BIN)/python bench/images.py

## Register the slash commands with Discord (needs a token).
sync: $(STAMP)
	$(BIN)/quotecheck sync

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
