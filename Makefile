# Two commands do all set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=
# pytest-xdist workers for `make test`: one per CPU ("auto"); PYTEST_WORKERS=0 runs in one process.
PYTEST_WORKERS ?= auto
BENCH_ARGS ?=
BENCH_DATABASE ?= clearinghouse_bench_data
BENCH_DATA_ARGS ?=
AUDIT_ARGS ?=

# Development defaults; production sets DEBUG=0 and its own secrets.
export DEBUG ?= 1

.PHONY: install theme run test lint format bench bench-data audit clean

$(BIN)/.installed: requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# The USWDS theme (decision 0018): Sass from npm, pinned; the compiled file is not committed.
SASS := node_modules/.bin/sass
THEME_CSS := build/static/css/clearinghouse.css
$(THEME_CSS): node_modules/.installed $(wildcard theme/*.scss)
	$(SASS) --no-source-map --style=compressed --quiet-deps --load-path=node_modules/@uswds/uswds/packages theme/styles.scss $@

THEME_FONTS := build/static/fonts/.subset
$(THEME_FONTS): $(BIN)/.installed node_modules/.installed theme/subset_fonts.py
	$(BIN)/python theme/subset_fonts.py build/static/fonts
	touch $@

theme: $(THEME_CSS) $(THEME_FONTS)

install: $(BIN)/.installed node_modules/.installed $(THEME_CSS) $(THEME_FONTS)

run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_seed
	$(BIN)/python manage.py load_demo_pledges
	@echo ""
	@echo "  The clearinghouse is at http://$(HOST):$(PORT)/"
	@echo "  Staff login: in another terminal (with the same DATABASE_URL, if you set one), run"
	@echo "    DEBUG=1 $(BIN)/python manage.py createsuperuser"
	@echo "  then sign in at http://$(HOST):$(PORT)/admin/"
	@echo "  Email is queued in the outbox and printed on this console by the mail worker."
	@echo ""
	@# The mail worker runs beside the server and stops with it (Ctrl-C, or the server exiting).
	$(BIN)/python manage.py run_mail_worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

test: install
	$(BIN)/ruff check .
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Needs DATABASE_URL (PostgreSQL) and wrk: see the README's Benchmarks section.
bench: install
	$(BIN)/python -m benchmarks.run $(BENCH_ARGS)

# A loaded database kept for profiling (replaced if it exists): make bench-data BENCH_DATABASE=name
bench-data: install
	$(BIN)/python -m benchmarks.load --database $(BENCH_DATABASE) $(BENCH_DATA_ARGS)

# Lighthouse on home, catalog, a resource page, the pledge form and the roster, in production mode.
audit: install
	$(BIN)/python -m benchmarks.audit $(AUDIT_ARGS)

clean:
	rm -rf $(VENV) node_modules staticfiles build
