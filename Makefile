# E-Lokal: `make run` serves the demo on http://127.0.0.1:5000, `make test` runs the whole suite.
PYTHON ?= python3
JOBS ?= 2
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
LOCK := requirements.lock
PYTEST := $(BIN)/python -m pytest -q
# pytest-xdist: JOBS workers, each with its own database; JOBS=0 runs in this process
PARALLEL := $(if $(filter 0,$(JOBS)),,-n $(JOBS) --dist loadgroup)
export FLASK_APP := wsgi

.PHONY: run test lint install lock migrate seed bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): setup.cfg $(LOCK) | $(BIN)/python
	$(BIN)/pip install --quiet -c $(LOCK) -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

# the versions CI installs, resolved again from setup.cfg's ranges
lock: | $(BIN)/python
	$(BIN)/pip install --quiet pip-tools
	$(BIN)/pip-compile --quiet --upgrade --extra test --strip-extras --no-emit-index-url --no-emit-find-links \
		--output-file $(LOCK) setup.cfg

migrate: install
	$(BIN)/flask db upgrade

seed: migrate
	$(BIN)/flask demo seed

run: seed
	$(BIN)/flask run --host 127.0.0.1 --port 5000

lint: install
	$(BIN)/ruff check .

# the fault tests stop a PostgreSQL of their own and kill gunicorn workers: they run alone, once
test: install
	$(PYTEST) $(PARALLEL) -m "not faults"
	$(PYTEST) -m faults
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
		echo "== again on PostgreSQL, from 23:59 WIB on 31 December =="; \
		ELOKAL_TEST_DB_URL="$$TEST_DATABASE_URL" ELOKAL_TEST_NOW="2026-12-31T23:59:00+07:00" \
			$(PYTEST) $(PARALLEL) -m "not faults"; \
	fi

bench: install
	@command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) instance *.egg-info
