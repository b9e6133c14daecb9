# What Matters: the two commands for a fresh machine (Python 3.12+ and Node 20.19+ needed).
#   make demo   install everything, set up a SQLite database with demo data, serve http://127.0.0.1:8000
#   make test   run the whole test suite
# Browser tests run when Debian's Chromium is at /usr/bin/chromium (apt-get install chromium).
# Set DATABASE_URL=postgres://... to run the suite against PostgreSQL instead of SQLite.

VENV := .venv
WM := $(VENV)/bin/whatmatters
ADDRESS ?= 127.0.0.1:8000

.PHONY: demo test install assets serve worker lint

demo: install assets
	$(WM) migrate --noinput
	$(WM) demo
	@echo "What Matters is starting on http://$(ADDRESS)/ (press Ctrl+C to stop)."
	@echo "It shows its own error pages; for Django's debug pages run: WHATMATTERS_DEBUG=true make demo"
	$(WM) runserver $(ADDRESS)

test: install assets
	$(VENV)/bin/pytest $(PYTEST_ARGS)

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	@python=$$(scripts/find-python) || exit 1; \
	  if [ ! -x $(VENV)/bin/python ] || ! $(VENV)/bin/python -c 'import sys; sys.exit(sys.version_info < (3, 12))'; then \
	    rm -rf $(VENV) && $$python -m venv $(VENV); \
	  fi
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e '.[dev]'
	touch $@

assets: build/static/css/app.css

build/static/css/app.css: package.json package-lock.json assets/scss/app.scss scripts/build-assets.mjs
	@command -v npm >/dev/null || { echo "What Matters needs Node.js 20.19 or newer with npm to build its stylesheet." >&2; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	npm run build

serve: install assets
	$(WM) runserver $(ADDRESS)

worker: install
	$(WM) db_worker

lint: install
	$(VENV)/bin/ruff check .
