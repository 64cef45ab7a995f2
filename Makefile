# liubu — the two commands: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
# One BLAS thread per process: the risk engine's vector products are small, and threaded
# OpenBLAS slows them badly when cores are shared (tests, a web server beside scans).
export OPENBLAS_NUM_THREADS ?= 1

.PHONY: demo test venv lint typecheck bench clean chromium

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@rm -f $(VENV)/.installed-*
	@touch $@

venv: $(STAMP)

## make demo: install, migrate the SQLite database under var/, load demo data, serve on :8000
demo: $(STAMP)
	$(BIN)/liubu demo --serve

## make test: install with dev dependencies and run the whole suite
test: $(STAMP) chromium
	$(BIN)/python -m pytest $(PYTEST_ARGS)

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
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
