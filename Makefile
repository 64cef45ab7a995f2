# liubu — the two commands: `make demo` and `make test`. Both install from uv.lock.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# uv itself, pinned, in a small venv of its own: a machine needs only Python and make.
UV_VERSION := 0.13.9
TOOLS  := .tools
UV     := $(TOOLS)/bin/uv
export UV_PROJECT_ENVIRONMENT := $(VENV)
export UV_PYTHON_DOWNLOADS := never
LOCKSUM := $(shell cat pyproject.toml uv.lock | cksum | cut -d' ' -f1)
STAMP  := $(VENV)/.installed-$(LOCKSUM)
DEMO_STAMP := $(VENV)/.runtime-$(LOCKSUM)
# The suite starts hundreds of `liubu` processes (CLI journeys, the worker, kill-and-resume
# tests): let them reuse compiled bytecode even where the environment asks Python not to write it
# (each would otherwise compile the whole package again, several seconds a process on 2 cores).
unexport PYTHONDONTWRITEBYTECODE
# One BLAS thread per process: the risk engine's vector products are small, and threaded
# OpenBLAS slows them badly when cores are shared (tests, a web server beside scans).
export OPENBLAS_NUM_THREADS ?= 1
# Locally the slow tests (more than ~30 s each) are left out; CI runs everything.
ifeq ($(CI),true)
PYTEST_MARKS :=
else
PYTEST_MARKS := -m "not slow"
endif
# The suite runs on every core (pytest-xdist): each test makes its own databases, directories and
# ephemeral ports, so workers share nothing. loadgroup hands tests out one by one (a long CLI
# journey does not hold back a whole file) and keeps an xdist_group on one worker (under pytest 9
# through a hook in tests/conftest.py: xdist 3.8's own renaming no longer takes).
PYTEST_JOBS ?= -n auto --dist loadgroup
# make fuzz: the schemathesis run of the suite with more examples per operation.
FUZZ_EXAMPLES ?= 60

.PHONY: demo test fuzz venv lint typecheck bench clean chromium upgrade lock-check

$(UV):
	@test -x $(TOOLS)/bin/python || $(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/python -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"

# --locked: refuse to install when pyproject.toml and uv.lock disagree (the lock is not rewritten).
$(STAMP): pyproject.toml uv.lock | $(UV)
	$(UV) sync --locked --extra dev --python $(PYTHON)
	@rm -f $(VENV)/.installed-* $(VENV)/.runtime-*
	@touch $@ $(DEMO_STAMP)

$(DEMO_STAMP): pyproject.toml uv.lock | $(UV)
	$(UV) sync --locked --inexact --python $(PYTHON)
	@rm -f $(VENV)/.runtime-*
	@touch $@

venv: $(STAMP)

## make demo: install, migrate the SQLite database under var/, load demo data, serve on :8000
demo: $(DEMO_STAMP)
	$(BIN)/liubu demo --serve

## make test: install with dev dependencies and run the whole suite (slow tests only under CI=true)
test: $(STAMP) chromium lock-check
	$(BIN)/python -m pytest $(PYTEST_MARKS) $(PYTEST_JOBS) $(PYTEST_ARGS)

## make fuzz: a longer schemathesis run over the whole API as an insurer and an enterprise user
## (docs/fuzzing.md); prints every distinct failure
fuzz: $(STAMP)
	LIUBU_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) \
	  $(BIN)/python -m pytest tests/e2e/test_fuzz_api.py -n 2 -q $(PYTEST_ARGS)

## make lock-check: fail when pyproject.toml and uv.lock disagree
lock-check: | $(UV)
	$(UV) lock --check --python $(PYTHON)

## make upgrade: refresh the lock to the newest releases, install them and run the whole suite;
## commit pyproject.toml + uv.lock only when it is green
upgrade: | $(UV)
	$(UV) lock --upgrade --python $(PYTHON)
	$(MAKE) test CI=true

# Browser tests use Debian's Chromium. Installed when missing (needs root and apt, as on CI).
chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing Debian's chromium for the browser tests"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null) || true; \
	  else echo "note: /usr/bin/chromium missing; browser tests will fail under CI=true"; fi; \
	fi

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck: $(STAMP)
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) $(TOOLS) var .pytest_cache .mypy_cache .ruff_cache
