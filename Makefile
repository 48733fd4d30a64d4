# Two commands for a fresh machine: `make run` and `make test`. Everything else supports them.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app wsgi
STAMP := $(VENV)/.installed
AXE := node_modules/axe-core/axe.min.js

.PHONY: run test test-sqlite test-postgres lint format venv messages translations-update translations new-language

$(STAMP): pyproject.toml
	@test -n "$(PYTHON)" || { echo "Python 3.11 not found"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

venv: $(STAMP)

# axe-core, from npm at the version package-lock.json pins, for the browser accessibility tests.
# Without npm those tests are skipped (CI installs npm and Chromium, and requires them).
$(AXE): package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then npm ci --no-audit --no-fund --silent && touch $(AXE); \
	else echo "npm not found: the browser accessibility tests will be skipped"; fi

run: $(STAMP) translations
	$(FLASK) db upgrade
	$(FLASK) seed-demo --if-empty
	OPENTESTIMONY_SECURE_COOKIES=0 $(FLASK) run --host 127.0.0.1 --port 5000

# The whole suite on SQLite, then again on PostgreSQL when one is reachable (always in CI).
test: $(STAMP)
	$(MAKE) --no-print-directory test-sqlite
	$(MAKE) --no-print-directory test-postgres

# In parallel (pytest-xdist), each worker on a database of its own; see docs/tests.md.
# TEST_WORKERS=0 runs the suite in one process.
TEST_WORKERS ?= 2

test-sqlite: $(STAMP) translations $(AXE)
	TEST_DATABASE_URL= $(PY) -m pytest -n $(TEST_WORKERS)

test-postgres: $(STAMP) translations $(AXE)
	@url=$$($(PY) -m tests.postgres_url) || exit 1; \
	if [ -n "$$url" ]; then echo "== PostgreSQL run"; TEST_DATABASE_URL="$$url" $(PY) -m pytest -n $(TEST_WORKERS); \
	else echo "PostgreSQL is not reachable: skipping the PostgreSQL run"; fi

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Interface text, in three steps (see docs/languages.md):
# 1. collect every gettext string into the template translators start from;
messages: $(STAMP)
	$(VENV)/bin/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o app/translations/messages.pot .

# 2. carry new and changed strings into every language's catalogue (app/translations/<code>/);
translations-update: messages
	$(VENV)/bin/pybabel update -i app/translations/messages.pot -d app/translations

# 3. compile the catalogues the app reads (run and test do this themselves).
translations: $(STAMP)
	$(VENV)/bin/pybabel compile -d app/translations --statistics

# Start a new language: make new-language LANG_CODE=ht
new-language: messages
	@test -n "$(LANG_CODE)" || { echo "Say which language: make new-language LANG_CODE=ht"; exit 1; }
	$(VENV)/bin/pybabel init -i app/translations/messages.pot -d app/translations -l $(LANG_CODE)
