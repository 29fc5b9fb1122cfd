# One task runner; CI calls these targets verbatim.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
PYTEST_ARGS ?=
# `make test` runs the suite on every CPU (pytest-xdist). A test file's tests stay on one worker, so the fixtures
# a module builds once (a served node, a built scenario, a browser) are built once; files are handed out in the
# order tests/conftest.py collects them (the longest first), not reordered by their number of tests. PYTEST_ARGS
# come last and win: `make test PYTEST_ARGS="-n 0"` runs serially, `PYTEST_WORKERS=4` sets the count.
PYTEST_WORKERS ?= auto

.PHONY: demo test lint bench format clean

$(STAMP): pyproject.toml
	$(PYTHON) -c 'import sys; sys.exit("sarhad needs Python 3.11 or newer") if sys.version_info < (3, 11) else None'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/sarhad demo

# The suite starts many Python processes (CLI runs, import workers, served nodes, pytest's workers): they keep their
# compiled modules under .venv/pycache, out of the source tree, even where the environment says not to write them.
test: $(STAMP)
	PYTHONDONTWRITEBYTECODE= PYTHONPYCACHEPREFIX=$(CURDIR)/$(VENV)/pycache $(PY) -m pytest -n $(PYTEST_WORKERS) --dist loadfile --no-loadscope-reorder $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff format --check sarhad tests benchmarks
	$(VENV)/bin/ruff check sarhad tests benchmarks
	$(VENV)/bin/mypy

format: $(STAMP)
	$(VENV)/bin/ruff format sarhad tests benchmarks
	$(VENV)/bin/ruff check --fix sarhad tests benchmarks

bench: $(STAMP)
	@for script in benchmarks/*.py; do \
		case $$script in */_*|*synth*) continue;; esac; \
		echo "== $$script"; $(PY) $$script || exit 1; \
	done

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache build *.egg-info
