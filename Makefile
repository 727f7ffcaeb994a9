# Two commands: `make run` (the whole platform on embedded defaults) and `make test` (the suite on
# real PostgreSQL, Redis, Celery and Chromium).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
TORCH_VERSION ?= 2.13.0
STAMP := $(VENV)/.installed

.PHONY: install run test lint format bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	# torch first, pinned to a CPU build; the worker extra's range is then already satisfied.
	$(BIN)/pip install "torch==$(TORCH_VERSION)"
	$(BIN)/pip install -e ".[worker,dev]"
	touch $(STAMP)

install: $(STAMP)

run: install
	./scripts/run.sh

test: install
	./scripts/services.sh
	$(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf var
